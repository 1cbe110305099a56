//! The layers every request passes through.

mod csrf;
mod envelope;
pub mod http_cache;
pub mod maintenance;
pub mod rate_limit;
mod redis_windows;

use app::backend::session::COOKIE_NAME;
use app::backend::state::AppState;
use axum::{
    extract::DefaultBodyLimit,
    http::{header, HeaderName, HeaderValue, StatusCode},
    Router,
};
use rate_limit::{Limiter, RateLimits};
use std::time::Duration;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::{ResponseBodyTimeoutLayer, TimeoutLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use tower_sessions::{cookie::time, cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

/// What the HTTP layers need from the configuration.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    /// `Secure` session cookies: on everywhere but local development.
    pub secure_cookies: bool,
    pub rate_limits: RateLimits,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Layers are listed innermost first: each `.layer` wraps everything above it.
pub fn apply(router: Router, state: AppState, limits: HttpSettings) -> Router {
    let pool = state.pool.clone();
    let sessions = SessionManagerLayer::new(PostgresStore::new(pool.clone()))
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(limits.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(14)));
    let limiter = Limiter::new(state, limits.rate_limits.clone());
    router
        .layer(DefaultBodyLimit::max(limits.body_limit_bytes))
        .layer(RequestBodyLimitLayer::new(limits.body_limit_bytes))
        // The deadline above ends when the headers leave; a streamed page
        // whose next chunk takes as long is cut off rather than held open.
        .layer(ResponseBodyTimeoutLayer::new(limits.request_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(envelope::panic_response))
        // Inside the session layer: a session earns its own budget only
        // once the limiter has found a user behind it.
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::rate_limit,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(csrf::csrf_guard))
        .layer(axum::middleware::from_fn(envelope::ensure_envelope))
        // Outside the envelope and the session layer (it sees the final body
        // and any Set-Cookie), inside compression (it tags the plain body).
        .layer(axum::middleware::from_fn(http_cache::http_cache))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(axum::middleware::from_fn(crate::metrics::track))
}

/// Scripts and styles from this origin only. Leptos hydrates with one
/// inline module script and instantiates wasm, hence 'unsafe-inline' and
/// 'wasm-unsafe-eval' for scripts; nothing may frame the site.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; \
    frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
