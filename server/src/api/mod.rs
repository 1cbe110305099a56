//! The documented JSON routes, one module per area.

mod auth;
pub mod extract;
mod health;
mod keys;
pub mod oauth;

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
        .route("/oauth/clients", post(oauth::register_client))
        .fallback(not_found)
}

/// `/oauth/*`: the consent page and the token endpoint.
pub fn oauth_router() -> Router<AppState> {
    Router::new()
        .route(
            "/authorize",
            get(oauth::authorize_page).post(oauth::authorize_decide),
        )
        .route("/token", post(oauth::token))
        .fallback(not_found)
}

/// Unknown `/api` routes answer the envelope, never the HTML 404 page.
async fn not_found() -> MarketError {
    MarketError::route_not_found()
}
