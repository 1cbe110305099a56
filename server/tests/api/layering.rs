//! The layers hold: handlers (`server/src/api`) and the pages, their
//! server functions, components and the shared model
//! (`app/src/{pages,server_fns,components,model}`)
//! reach the database only through the services, which hand out domain
//! types. `backend::db` is the only door to the SQL and its rows, so a
//! file that names it (in a path or a `use` tree) breaks the rule.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each place in `source` (comments removed) that reaches `backend::db`:
/// the path itself, or `db` inside a `backend::{...}` use tree.
fn db_references(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (i, _) in code.match_indices("backend::") {
        let rest = &code[i + "backend::".len()..];
        let rest = rest.trim_start();
        if rest.starts_with("db")
            && !rest[2..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            found.push(code[i..].lines().next().unwrap_or("").to_owned());
        } else if let Some(tree) = rest.strip_prefix('{') {
            let tree = tree.split(';').next().unwrap_or("");
            let names_db = tree
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == "db");
            if names_db {
                found.push(format!("backend::{{{tree}"));
            }
        }
    }
    found
}

#[test]
fn handlers_and_pages_do_not_reach_the_database_rows() {
    let server = Path::new(env!("CARGO_MANIFEST_DIR"));
    let app = server.join("../app/src");
    let mut files = Vec::new();
    rust_files(&server.join("src/api"), &mut files);
    for dir in ["pages", "server_fns", "components", "model"] {
        rust_files(&app.join(dir), &mut files);
    }
    assert!(
        files.len() > 40,
        "the scan found only {} files: wrong directory?",
        files.len()
    );
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("a readable source file");
            db_references(&text)
                .into_iter()
                .map(move |r| format!("{}: {r}", f.display()))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "these reach backend::db instead of a service's domain types:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_scan_sees_every_way_of_naming_the_door() {
    for source in [
        "use app::backend::db::listings::Listing;",
        "use app::backend::{db, state::AppState};",
        "use app::backend::{\n    db::reviews,\n    services,\n};",
        "let id = app::backend::db::listing_ids::resolve(db, &id).await?;",
        "use crate::backend:: db;",
    ] {
        assert!(!db_references(source).is_empty(), "missed: {source}");
    }
    for source in [
        "use app::backend::services::listings;",
        "use app::backend::{dbx, state::AppState};",
        "// app::backend::db is the door\nuse app::model::listing::Listing;",
    ] {
        assert!(db_references(source).is_empty(), "false alarm: {source}");
    }
}
