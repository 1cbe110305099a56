//! While maintenance mode is on, writes on the JSON API answer `503
//! MAINTENANCE_MODE`; reads, and the operator routes that end it, go on.
//! The switch lives in Postgres, so every process sees it.

use app::backend::services::governance;
use app::backend::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn maintenance_guard(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    // Layered on the router nested at /api, so paths arrive without it.
    let path = req.uri().path();
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // Operators must still be able to sign in and switch it off.
    let exempt = path.starts_with("/admin/") || path == "/auth/login" || path == "/auth/logout";
    if !write || exempt {
        return next.run(req).await;
    }
    match governance::maintenance_block(&state).await {
        Ok(Some(blocked)) => blocked.into_response(),
        // Unknown state (database down): the route answers for itself.
        Ok(None) | Err(_) => next.run(req).await,
    }
}
