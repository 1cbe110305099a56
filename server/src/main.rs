//! `marketplace`: the web server and the admin tool in one binary.

use clap::Parser;
use server::cli::{Cli, Command};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::run::serve(cli.config).await,
        Command::Migrate => server::run::migrate(cli.config).await,
        Command::Admin(cmd) => server::run::admin(cli.config, cmd).await,
        Command::Federation(cmd) => server::run::federation(cli.config, cmd).await,
        Command::Seed { demo } => server::run::seed(cli.config, demo).await,
        Command::Openapi => server::run::print_openapi(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
