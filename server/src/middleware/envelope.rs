//! The safety net that keeps every `/api` and `/oauth` error in the
//! documented envelope, whatever layer produced it (method routing, body
//! limit, timeout, extractor rejections, panics).

use app::error::{ErrorCode, MarketError};
use axum::{
    body::Body,
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Longest rejection text carried over into `message`.
const MAX_MESSAGE: usize = 300;

/// Longest query string accepted: filters and searches fit easily, and a
/// megabyte of parameters never reaches a parser.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

pub async fn ensure_envelope(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.uri().query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
        return MarketError::new(
            ErrorCode::ValidationError,
            format!("The query string is longer than {MAX_QUERY_BYTES} bytes"),
        )
        .with_details(serde_json::json!({ "field": "query_string", "max_bytes": MAX_QUERY_BYTES }))
        .into_response();
    }
    // The consent page is HTML by design; everything else here is JSON.
    let wants_envelope = path == "/api"
        || path.starts_with("/api/")
        || (path.starts_with("/oauth/") && path != "/oauth/authorize");
    let response = next.run(req).await;
    if !wants_envelope || response.status().as_u16() < 400 || is_json(&response) {
        return response;
    }
    let status = response.status();
    let error = match status {
        StatusCode::NOT_FOUND => MarketError::route_not_found(),
        StatusCode::METHOD_NOT_ALLOWED => MarketError::method_not_allowed(),
        StatusCode::PAYLOAD_TOO_LARGE => MarketError::payload_too_large(),
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => MarketError::timeout(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => MarketError::new(
            ErrorCode::UnsupportedMediaType,
            "Expected a request body with Content-Type: application/json",
        ),
        s if s.is_client_error() => {
            // Extractor rejections explain what was wrong with the input; they
            // carry no server internals, so their text becomes the message.
            let text = body_text(response).await;
            MarketError::bad_request(if text.is_empty() {
                "The request could not be processed".to_owned()
            } else {
                text
            })
        }
        _ => {
            tracing::error!(status = %status, "non-envelope server error on an API route");
            MarketError::internal()
        }
    };
    error.into_response()
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

async fn body_text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 8 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    text.chars().take(MAX_MESSAGE).collect()
}

/// A panic is logged once and answered with the opaque 500.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    MarketError::internal().into_response()
}
