//! The documented JSON routes, one module per area.

mod admin;
mod agent_marketplace;
mod agents;
mod auth;
mod components;
mod deprecation;
mod domains;
pub mod extract;
mod federation;
mod health;
mod keys;
mod lifecycle;
pub mod oauth;
pub mod openapi;
mod packages;
mod private;
mod public;
mod reviews;
mod skill_wire;
mod skills;
mod stats;
mod webhooks;
mod workflows;

use app::backend::state::AppState;
use app::error::MarketError;
use axum::{routing::get, Router};
use utoipa_axum::router::OpenApiRouter;

/// The `/api` routes. Each area's typed handlers come from its own
/// `routes()`: mounting a handler there is what documents it.
pub fn router() -> Router<AppState> {
    let (router, _) = api_routes().split_for_parts();
    router.fallback(not_found)
}

/// The OpenAPI document of everything mounted, at the paths it is served on.
pub fn typed_document() -> utoipa::openapi::OpenApi {
    OpenApiRouter::<AppState>::new()
        .nest("/api", api_routes())
        .nest("/oauth", oauth_routes())
        .into_openapi()
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(health::routes())
        .merge(keys::routes())
        .routes(utoipa_axum::routes!(openapi::openapi_json))
        .route("/test-console", get(openapi::console_redirect))
        .route("/test-console/", get(openapi::console_index))
        .route("/test-console/{*rest}", get(openapi::console_file))
        .merge(auth::routes())
        .merge(oauth::client_routes())
        .merge(agents::routes())
        .merge(packages::routes())
        // Canvases, component categories and tags; the workspace
        .merge(components::routes())
        .merge(workflows::routes())
        .merge(domains::routes())
        // Agent Marketplace
        .merge(agent_marketplace::routes())
        // Domain Marketplace
        .nest("/v1/domains/marketplace", domains::marketplace_routes())
        // Canvas Component Marketplace (and its legacy alias)
        .nest(
            "/canvas-marketplace/components",
            components::component_routes(),
        )
        .nest("/components", components::component_routes())
        // Workflow Marketplace
        .nest("/marketplace", workflows::marketplace_routes())
        // Skill Marketplace
        .merge(skills::routes())
        // Public Marketplace API
        .merge(public::routes())
        // Operators
        .merge(admin::routes())
        // Federation: the feed peers read, and the operators' peers
        .merge(federation::routes())
        // Reviews of any kind of listing
        .merge(reviews::routes())
        // Analytics of any kind of listing, and of the review queue
        .merge(stats::routes())
        // Deprecation of any kind of listing
        .merge(deprecation::routes())
        // Private Marketplace
        .merge(private::routes())
        // Signed webhooks of a tenant's listings and installs
        .merge(webhooks::routes())
}

/// `/oauth/*`: the consent page and the token endpoint.
pub fn oauth_router() -> Router<AppState> {
    let (router, _) = oauth_routes().split_for_parts();
    router.fallback(not_found)
}

fn oauth_routes() -> OpenApiRouter<AppState> {
    oauth::routes()
}

/// Unknown `/api` routes answer the envelope, never the HTML 404 page.
async fn not_found() -> MarketError {
    MarketError::route_not_found()
}
