//! The browser session: who is logged in. Stored in Postgres by
//! tower-sessions, so it survives restarts and is shared by every process.

use crate::error::{MarketError, MarketResult};
use tower_sessions::Session;
use uuid::Uuid;

pub const COOKIE_NAME: &str = "mp_session";
const USER_KEY: &str = "user_id";

fn session_error(e: tower_sessions::session::Error) -> MarketError {
    tracing::error!(error = %e, "session store error");
    MarketError::internal()
}

/// Logs a user in: a new session id (no fixation), then the user.
pub async fn start(session: &Session, user_id: Uuid) -> MarketResult<()> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_KEY, user_id)
        .await
        .map_err(session_error)
}

/// Logs out: the session row is deleted and the cookie cleared.
pub async fn end(session: &Session) -> MarketResult<()> {
    session.flush().await.map_err(session_error)
}

pub async fn user(session: &Session) -> MarketResult<Option<Uuid>> {
    session.get(USER_KEY).await.map_err(session_error)
}
