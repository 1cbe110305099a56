//! All SQL lives here, one module per table group.

pub mod agents;
pub mod canvases;
pub mod catalog;
pub mod deprecation;
pub mod federation;
pub mod governance;
pub mod identity;
pub mod installed_domains;
pub mod installed_skills;
pub mod installs;
pub mod listing_ids;
pub mod listings;
pub mod login_attempts;
pub mod oauth;
pub mod packages;
pub mod quotas;
pub mod rate_limit;
pub mod reviews;
pub mod search;
pub mod stats;
pub mod versions;
pub mod webhooks;
pub mod workflows;

use crate::error::{ErrorCode, MarketError};

/// The database could not be reached or went away under a connection (a
/// restart, 57P01-57P03; a lost link, 08xxx): unavailable, not a bug.
pub fn is_unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::Io(_)
        | sqlx::Error::PoolClosed
        | sqlx::Error::Protocol(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| unavailable_code(&c)),
        _ => false,
    }
}

/// SQLSTATEs that say the server will not serve us right now, not that
/// the query is wrong: 08 connection exceptions, 57P operator
/// intervention (shutdown, terminated, cannot connect now: in recovery or
/// starting), 53 insufficient resources (too many connections, disk
/// full), 55000 object not in prerequisite state (recovery in progress),
/// 25006 a write on a server in recovery, and 3D000 the database itself
/// gone (dropped under us: every reconnect fails with it).
fn unavailable_code(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("57P")
        || code.starts_with("53")
        || matches!(code, "55000" | "25006" | "3D000")
}

/// Database failures reach callers as the documented envelope: an
/// unreachable database is a `503`, anything else an opaque `500`. The
/// cause is logged once, here.
impl From<sqlx::Error> for MarketError {
    fn from(e: sqlx::Error) -> Self {
        if is_unreachable(&e) {
            return unavailable(&e);
        }
        match &e {
            // 22021: a NUL byte in text; 22P05: \u0000 in jsonb. Both are
            // the client's input, refused before anything is kept.
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("22021") | Some("22P05")) =>
            {
                MarketError::nul_in_text()
            }
            _ => {
                tracing::error!(error = ?e, "database error");
                MarketError::internal()
            }
        }
    }
}

fn unavailable(e: &sqlx::Error) -> MarketError {
    tracing::warn!(error = %e, "database unavailable");
    MarketError::new(
        ErrorCode::ServiceUnavailable,
        "The database is unavailable. Try again shortly.",
    )
}
