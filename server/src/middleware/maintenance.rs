//! While maintenance mode is on, writes on the JSON API and OAuth answer
//! `503 MAINTENANCE_MODE`; reads go on. Who may still write is one rule,
//! [`governance::maintenance_block_for`] (operators), shared with the
//! pages; the only routes held open for everyone are the ones that sign a
//! person in or out, and token revocation (taking access away is always
//! allowed). The switch lives in Postgres, so every process sees it.

use app::backend::auth::Resolved;
use app::backend::services::governance;
use app::backend::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Routes of `/api` (paths arrive without the prefix) open during maintenance.
const API_OPEN: [&str; 2] = ["/auth/login", "/auth/logout"];
/// Routes of `/oauth` open during maintenance.
const OAUTH_OPEN: [&str; 1] = ["/revoke"];

pub async fn api_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    guard(&state, &API_OPEN, req, next).await
}

pub async fn oauth_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    guard(&state, &OAUTH_OPEN, req, next).await
}

async fn guard(state: &AppState, open: &[&str], req: Request, next: Next) -> Response {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !write || open.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    // The limiter validated the credential already; nothing is looked up twice.
    let caller = req.extensions().get::<Resolved>().map(|r| &r.0);
    match governance::maintenance_block_for(state, caller).await {
        Ok(Some(blocked)) => blocked.into_response(),
        // Unknown state (database down): the route answers for itself.
        Ok(None) | Err(_) => next.run(req).await,
    }
}
