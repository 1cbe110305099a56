use crate::config::Config;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "marketplace",
    version,
    about = "The agent-asset marketplace server and admin tool"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load data: `--demo` creates a realistic demo catalog (idempotent).
    Seed {
        #[arg(long)]
        demo: bool,
    },
    /// Operator commands; each prints one JSON object.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Federation with other instances; each prints one JSON object.
    #[command(subcommand)]
    Federation(FederationCommand),
    /// Print the OpenAPI document (`/api/openapi.json`) without a database
    /// or a server: what `scripts/sdk-generate` builds the SDKs from.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a tenant: {"tenant_id": "..."}
    CreateTenant {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "free")]
        plan: String,
    },
    /// Create a user in a tenant: {"user_id": "...", "tenant_id": "..."}
    CreateUser {
        #[arg(long)]
        tenant: uuid::Uuid,
        #[arg(long)]
        email: String,
        /// Shown as `***` in `Debug`.
        #[arg(long)]
        password: app::model::account::Secret,
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// Create an API key for a user: {"key_id": "...", "key": "sk-..."}
    CreateApiKey {
        #[arg(long)]
        user: uuid::Uuid,
        #[arg(long, default_value = "read_write")]
        scope: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum FederationCommand {
    /// Register or replace a peer (the admin route's upsert): the peer as
    /// `GET /api/admin/federation/peers` lists it, plus `"created"`.
    AddPeer {
        #[arg(long)]
        name: String,
        /// The peer's base URL, e.g. `https://market.example.com`.
        #[arg(long)]
        url: String,
        /// The key the peer gave this instance (one of its FEDERATION_KEYS).
        #[arg(long)]
        key: String,
        /// Register it disabled (no scheduled syncs).
        #[arg(long)]
        disabled: bool,
    },
}
