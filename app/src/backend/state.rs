use crate::error::{MarketError, MarketResult};
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

/// What the use cases need at run time, handed to JSON routes as axum state
/// and to server functions through the Leptos context.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<RuntimeSettings>,
}

/// Settings the engine reads while serving (the server's config builds it).
#[derive(Clone, Debug, Default)]
pub struct RuntimeSettings {
    /// Version reported by `/api/health`.
    pub version: String,
}

impl AppState {
    /// The state inside a server function. Missing state is a wiring bug:
    /// logged, and an opaque 500 for the caller.
    pub fn from_context() -> MarketResult<Self> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState was not provided to the server function context");
            MarketError::internal()
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
