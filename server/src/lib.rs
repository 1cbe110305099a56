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
use leptos_axum::{generate_route_list, LeptosRoutes};

/// The whole application: documented JSON routes under `/api`, server
/// functions under `/sfn`, pages and static files for everything else.
pub fn build_router(state: AppState, http: middleware::HttpSettings) -> Router {
    let routes = generate_route_list(app::App);
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
