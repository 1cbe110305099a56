//! The documented JSON routes, one module per area.

mod admin;
mod agent_marketplace;
mod agents;
mod auth;
mod components;
pub mod docs;
mod domains;
pub mod extract;
mod health;
mod keys;
mod lifecycle;
pub mod oauth;
mod packages;
mod private;
mod public;
mod request_schemas;
mod reviews;
mod skill_wire;
mod skills;
mod workflows;

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
        .route(
            "/oauth/clients",
            post(oauth::register_client).get(oauth::list_clients),
        )
        .route("/oauth/clients/{id}", delete(oauth::delete_client))
        .route("/agents", post(agents::create).get(agents::list))
        .route("/agents/{id}", get(agents::get_one))
        .route("/agents/{id}/graduate", post(agents::graduate))
        .route("/packages", get(packages::inventory))
        .route("/packages/request", post(packages::request))
        .route(
            "/packages/{name}/vulnerabilities",
            get(packages::vulnerabilities),
        )
        .route("/admin/packages/{name}", put(admin::put_package))
        .route(
            "/canvases",
            post(components::create_canvas).get(components::list_canvases),
        )
        .route("/canvases/{id}", get(components::get_canvas))
        .route("/workflows", get(workflows::list))
        .route("/workflows/{id}", get(workflows::get_one))
        .route("/v1/domains", post(domains::create).get(domains::list))
        // Agent Marketplace
        .route("/agent-marketplace/browse", get(agent_marketplace::browse))
        .route(
            "/agent-marketplace/publish/{agent_id}",
            post(agent_marketplace::publish),
        )
        .route(
            "/agent-marketplace/install/{template_id}",
            post(agent_marketplace::install),
        )
        .route(
            "/agent-marketplace/approve/{template_id}",
            post(agent_marketplace::approve),
        )
        .route(
            "/agent-marketplace/reject/{template_id}",
            post(agent_marketplace::reject),
        )
        // Domain Marketplace
        .nest("/v1/domains/marketplace", domain_routes())
        // Canvas Component Marketplace (and its legacy alias)
        .nest("/canvas-marketplace/components", component_routes())
        .nest("/components", component_routes())
        .route(
            "/canvas-marketplace/categories",
            get(components::categories),
        )
        .route("/canvas-marketplace/tags", get(components::tags))
        // Workflow Marketplace
        .nest("/marketplace", workflow_routes())
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
        .route("/admin/listings/{id}/{action}", post(admin::decide))
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

fn domain_routes() -> Router<AppState> {
    Router::new()
        .route("/submit", post(domains::submit))
        .route("/my-submissions", get(domains::my_submissions))
        .route("/search", get(domains::search))
        .route("/trending", get(domains::trending))
        .route("/stats", get(domains::stats))
        .route("/install", post(domains::install))
        .route("/{domain_id}", get(domains::detail))
        .route("/{domain_id}/approve", post(domains::approve))
        .route("/{domain_id}/reject", post(domains::reject))
        .route("/{domain_id}/rate", post(domains::rate).put(domains::rate))
}

fn component_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(components::browse).post(components::create))
        .route("/publish", post(components::publish))
        .route("/install", post(components::install))
        .route("/{component_id}", get(components::detail))
        .route("/{component_id}/approve", post(components::approve))
        .route("/{component_id}/reject", post(components::reject))
        .route(
            "/{component_id}/rate",
            post(components::rate).put(components::rate),
        )
        .route("/{component_id}/ratings", get(components::ratings))
}

fn workflow_routes() -> Router<AppState> {
    Router::new()
        .route("/templates", get(workflows::templates))
        .route("/templates/types", get(workflows::types))
        .route("/templates/featured", get(workflows::featured))
        .route("/templates/statistics", get(workflows::statistics))
        .route("/templates/advanced", post(workflows::create_advanced))
        .route("/templates/{template_id}", get(workflows::detail))
        .route(
            "/templates/{template_id}/import",
            post(workflows::import_template),
        )
        .route(
            "/templates/{template_id}/create-workflow",
            post(workflows::create_workflow),
        )
        .route("/import", post(workflows::import_file))
        .route("/export", post(workflows::export))
}

/// `/oauth/*`: the consent page and the token endpoint.
pub fn oauth_router() -> Router<AppState> {
    Router::new()
        .route(
            "/authorize",
            get(oauth::authorize_page).post(oauth::authorize_decide),
        )
        .route("/token", post(oauth::token))
        .route("/revoke", post(oauth::revoke))
        .fallback(not_found)
}

/// Unknown `/api` routes answer the envelope, never the HTML 404 page.
async fn not_found() -> MarketError {
    MarketError::route_not_found()
}
