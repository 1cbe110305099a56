//! `#[server]` functions: thin doors onto the backend's use cases.
//! Each has a stable endpoint under `/sfn/` so tests and curl can call it.

pub mod account;
pub mod browse;
pub mod catalog;
pub mod federation;
pub mod keys;
pub mod operator;
pub mod stats;
pub mod studio;

/// Gives a failed server function the HTTP status of its error code, so
/// callers outside the page (curl, tests, proxies) see what the JSON API
/// would answer, and pages rendered from them get it too. Plain HTML form
/// posts keep their redirect back to the form, which shows the error.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: crate::error::MarketResult<T>) -> crate::error::MarketResult<T> {
    use leptos::prelude::use_context;
    // A plain form post (POST that accepts HTML) must stay a redirect; a
    // page render (GET) takes the status, so a missing listing is a 404.
    let form_post = use_context::<http::request::Parts>().is_some_and(|p| {
        p.method == http::Method::POST
            && p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    });
    // A refused request says when to come back, on either door.
    if let Some(secs) = result.as_ref().err().and_then(|e| e.retry_after) {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
    }
    if let (Err(e), false) = (&result, form_post) {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                http::StatusCode::from_u16(e.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

/// The caller of a server function, from the browser session; anonymous
/// callers get `None`.
#[cfg(feature = "ssr")]
pub async fn maybe_principal(
    state: &crate::backend::state::AppState,
) -> crate::error::MarketResult<Option<crate::backend::auth::Principal>> {
    use crate::backend::services::credentials::{self, Presented};
    // The rate limiter validated the session already (pages know no other
    // credential); its answer is in the request.
    if let Some(resolved) = leptos::prelude::use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<crate::backend::auth::Resolved>()
            .cloned()
    }) {
        return Ok(Some(resolved.0));
    }
    let session = session().await?;
    let user = crate::backend::session::user(&session).await?;
    credentials::resolve(
        state,
        &Presented {
            session_user: user,
            ..Presented::default()
        },
    )
    .await
}

/// A write from the browser: the app state and the logged-in caller, once
/// maintenance mode is known not to block the caller's writes (`503`) and
/// the caller is known (`401 AUTH_REQUIRED`), in that order, as the JSON
/// API checks them.
#[cfg(feature = "ssr")]
pub async fn writer() -> crate::error::MarketResult<(
    crate::backend::state::AppState,
    crate::backend::auth::Principal,
)> {
    let state = crate::backend::state::AppState::from_context()?;
    let caller = maybe_principal(&state).await?;
    if let Some(blocked) =
        crate::backend::services::governance::maintenance_block_for(&state, caller.as_ref()).await?
    {
        return Err(blocked);
    }
    let principal = caller.ok_or_else(crate::error::MarketError::auth_required)?;
    Ok((state, principal))
}

/// The logged-in caller, or `401 AUTH_REQUIRED`.
#[cfg(feature = "ssr")]
pub async fn principal(
    state: &crate::backend::state::AppState,
) -> crate::error::MarketResult<crate::backend::auth::Principal> {
    maybe_principal(state)
        .await?
        .ok_or_else(crate::error::MarketError::auth_required)
}

#[cfg(feature = "ssr")]
pub async fn session() -> crate::error::MarketResult<tower_sessions::Session> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "session layer missing for a server function");
            crate::error::MarketError::internal()
        })
}

/// Page writes answer `503 MAINTENANCE_MODE` while maintenance is on,
/// exactly as the JSON API's writes do (logging in and out still works).
#[cfg(feature = "ssr")]
pub async fn writable(state: &crate::backend::state::AppState) -> crate::error::MarketResult<()> {
    match crate::backend::services::governance::maintenance_block(state).await? {
        Some(blocked) => Err(blocked),
        None => Ok(()),
    }
}
