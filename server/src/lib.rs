//! The axum server: one [`build_router`] used by `main` and by the tests.

pub mod api;
pub mod cli;
pub mod config;
pub mod metrics;
pub mod middleware;
pub mod progress;
pub mod run;
pub mod telemetry;
pub mod webhooks;

use app::backend::state::AppState;
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

/// The pages' routes, walked out of the app once per process. Walking them
/// sets a process-wide flag in leptos_server that parks any resource first
/// polled meanwhile, forever (leptos-rs/leptos#4773): a second router built
/// while another renders a page (every integration test builds its own)
/// would leave that page's stream hanging.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The whole application: documented JSON routes under `/api`, server
/// functions under `/sfn`, pages and static files for everything else.
pub fn build_router(state: AppState, http: middleware::HttpSettings) -> Router {
    let routes = page_routes();
    let leptos_options = state.leptos_options.clone();
    // leptos_axum provides the router state (AppState) to every server
    // function and page render; nothing more to add to the context.
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            || {},
            move || app::shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ));

    let api = api::router().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::maintenance::api_guard,
    ));
    let oauth = api::oauth_router().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::maintenance::oauth_guard,
    ));
    let router = Router::new()
        .nest("/api", api)
        .nest("/oauth", oauth)
        .merge(pages);
    middleware::apply(router.with_state(state.clone()), state, http)
}
