//! The documented JSON routes, one module per area.

mod auth;
pub mod extract;
mod health;
mod keys;

use app::backend::state::AppState;
use app::error::MarketError;
use axum::{
    routing::{delete, get, post},
    Router,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/auth/signup", post(auth::signup))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/keys", post(keys::create).get(keys::list))
        .route("/keys/{id}", delete(keys::revoke))
        .fallback(not_found)
}

/// Unknown `/api` routes answer the envelope, never the HTML 404 page.
async fn not_found() -> MarketError {
    MarketError::route_not_found()
}
