//! Cross-site request forgery: a state-changing request that carries the
//! session cookie must come from our own origin (its `Origin`, or failing
//! that its `Referer`). A foreign `Origin` is refused even without a cookie,
//! which also stops log-in CSRF. API clients sending neither are fine: they
//! authenticate with headers a browser will not attach on its own.

use app::backend::session::COOKIE_NAME;
use app::error::{ErrorCode, MarketError};
use axum::{
    extract::Request,
    http::{header, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub async fn csrf_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    // `Origin: null` (a sandboxed frame, a data: URL, some redirects) names
    // no site at all: never ours, so it is refused like a foreign one.
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    let has_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(';')
                .any(|c| c.trim().starts_with(&format!("{COOKIE_NAME}=")))
        });

    let claimed = origin.or(referer);
    let allowed = match (claimed, host) {
        (Some(url), Some(host)) => authority(url) == Some(host),
        (Some(_), None) => false,
        (None, _) => !has_cookie,
    };
    if allowed {
        next.run(req).await
    } else {
        MarketError::new(
            ErrorCode::CsrfRejected,
            "Cross-site request refused: state changes must come from this site",
        )
        .into_response()
    }
}

/// `https://example.com:8443/path` → `example.com:8443`.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn authority_is_host_and_port() {
        assert_eq!(
            authority("http://127.0.0.1:3000/x?y"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(authority("https://evil.example"), Some("evil.example"));
        assert_eq!(authority("garbage"), None);
    }
}
