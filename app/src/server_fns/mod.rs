//! `#[server]` functions: thin doors onto the backend's use cases.
//! Each has a stable endpoint under `/sfn/` so tests and curl can call it.

pub mod catalog;

/// Gives a failed server function the HTTP status of its error code, so
/// callers outside the page (curl, tests, proxies) see what the JSON API
/// would answer.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: crate::error::MarketResult<T>) -> crate::error::MarketResult<T> {
    if let Err(e) = &result {
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                http::StatusCode::from_u16(e.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}
