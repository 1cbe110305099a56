//! The documented JSON routes, one module per area.

mod admin;
mod agents;
mod auth;
pub mod docs;
pub mod extract;
mod health;
mod keys;
pub mod oauth;
mod private;
mod public;
mod reviews;
mod skill_wire;
mod skills;

use app::backend::state::AppState;
use app::error::MarketError;
use axum::{
    routing::{delete, get, post, put},
    Router,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/test-console", get(docs::console_redirect))
        .route("/test-console/", get(docs::console_index))
        .route("/test-console/{*rest}", get(docs::console_file))
        .route("/auth/signup", post(auth::signup))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/keys", post(keys::create).get(keys::list))
        .route("/keys/{id}", delete(keys::revoke))
        .route("/oauth/clients", post(oauth::register_client))
        .route("/agents", post(agents::create).get(agents::list))
        .route("/agents/{id}", get(agents::get_one))
        // Skill Marketplace
        .route("/skills", get(skills::get_many))
        .route("/skills/marketplace", get(skills::browse))
        .route("/skills/publish", post(skills::publish))
        .route("/skills/approve/{id}", post(skills::approve))
        .route("/skills/reject/{id}", post(skills::reject))
        .route("/skills/install", post(skills::install))
        .route("/skills/rate/{id}", post(skills::rate).put(skills::rate))
        .route("/skills/version", post(skills::create_version))
        .route("/skills/history/{id}", get(skills::history))
        .route("/skills/rollback/{id}", post(skills::rollback))
        .route("/skills/{id}", get(skills::get_one))
        // Public Marketplace API
        .route("/public/v1/marketplace/skills", get(public::browse))
        .route("/public/v1/marketplace/skills/{id}", get(public::detail))
        .route(
            "/public/v1/marketplace/skills/{id}/rate",
            post(public::rate),
        )
        .route(
            "/public/v1/marketplace/skills/{id}/reviews",
            get(public::reviews),
        )
        .route("/public/v1/marketplace/categories", get(public::categories))
        .route("/public/v1/marketplace/tags", get(public::tags))
        .route("/public/v1/marketplace/submit", post(public::submit))
        .route(
            "/public/v1/marketplace/reviews/{id}/flag",
            post(public::flag),
        )
        // Operators
        .route("/admin/review-queue", get(admin::review_queue))
        .route("/admin/flags", get(admin::flags))
        .route("/admin/reviews/{id}/hide", post(admin::hide))
        .route("/admin/reviews/{id}/restore", post(admin::restore))
        .route("/admin/tenants/{id}", put(admin::update_tenant))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/maintenance", put(admin::maintenance))
        // Reviews of any kind of listing
        .route("/reviews/{id}/vote", post(reviews::vote))
        .route("/reviews/{id}/response", put(reviews::respond))
        // Private Marketplace
        .route(
            "/v1/skills/private",
            get(private::list).post(private::create),
        )
        .route("/v1/skills/private/install", post(private::install))
        .route(
            "/v1/skills/private/{id}",
            put(private::customize).delete(private::uninstall),
        )
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
