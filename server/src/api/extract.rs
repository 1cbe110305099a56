//! Extractors that turn every bad input into the documented envelope.

use app::backend::auth::{insufficient_scope, Principal, Resolved};
use app::backend::services::credentials::{self, Presented};
use app::backend::{session, state::AppState};
use app::error::{ErrorCode, MarketError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{request::Parts, Method};
use serde::de::DeserializeOwned;
use tower_sessions::Session;

/// `Json<T>` whose rejections are envelopes: 415 without a JSON content
/// type, 413 when too large, 400 for malformed or mistyped bodies (missing
/// fields are `MISSING_REQUIRED_FIELD`) and for a body that is not a JSON
/// object: every documented body is one, and serde would otherwise read an
/// array positionally into a struct's fields.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = MarketError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(unsupported_media_type());
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => bytes,
            Err(e) if e.status().as_u16() == 413 => return Err(MarketError::payload_too_large()),
            Err(e) => return Err(MarketError::bad_request(e.body_text())),
        };
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|b| *b != b'{') {
            return Err(MarketError::bad_request(
                "The request body must be a JSON object",
            ));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn unsupported_media_type() -> MarketError {
    MarketError::new(
        ErrorCode::UnsupportedMediaType,
        "Expected a request body with Content-Type: application/json",
    )
}

/// `application/json` or any `application/*+json`, as axum's `Json` reads it.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"))
}

fn json_rejection(rejection: JsonRejection) -> MarketError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => unsupported_media_type(),
        JsonRejection::JsonSyntaxError(e) => {
            MarketError::bad_request(format!("Malformed JSON: {}", e.body_text()))
        }
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            match text
                .split("missing field `")
                .nth(1)
                .and_then(|r| r.split('`').next())
            {
                Some(field) => MarketError::new(
                    ErrorCode::MissingRequiredField,
                    format!("Field '{field}' is required"),
                )
                .with_details(serde_json::json!({ "field": field })),
                None => MarketError::bad_request(text),
            }
        }
        JsonRejection::BytesRejection(e) if e.status().as_u16() == 413 => {
            MarketError::payload_too_large()
        }
        other => MarketError::bad_request(other.body_text()),
    }
}

/// The caller, if any credential was presented. A presented but invalid
/// credential is its documented 401, never anonymous.
pub struct MaybeAuth(pub Option<Principal>);

/// The caller, required: anonymous requests are `401 AUTH_REQUIRED`.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = MarketError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, MarketError> {
        let principal = match parts.extensions.get::<Resolved>() {
            Some(Resolved(p)) => Some(p.clone()),
            None => {
                let presented = presented(parts, state).await?;
                let principal = credentials::resolve(state, &presented).await?;
                if let Some(p) = &principal {
                    parts.extensions.insert(Resolved(p.clone()));
                }
                principal
            }
        };
        // Checked on every extraction, whoever resolved the credential.
        if let Some(p) = &principal {
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if !safe && p.require_write().is_err() {
                return Err(insufficient_scope());
            }
        }
        Ok(MaybeAuth(principal))
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = MarketError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, MarketError> {
        match MaybeAuth::from_request_parts(parts, state).await?.0 {
            Some(p) => Ok(Auth(p)),
            None => Err(MarketError::auth_required()),
        }
    }
}

async fn presented(parts: &mut Parts, state: &AppState) -> Result<Presented, MarketError> {
    let mut presented = Presented::from_headers(&parts.headers);
    if !presented.has_header_credential() {
        if let Ok(s) = Session::from_request_parts(parts, state).await {
            presented.session_user = session::user(&s).await?;
        }
    }
    Ok(presented)
}

/// A path id: anything that is not a UUID cannot name a row, so it is the
/// same 404 as an unknown one.
pub fn parse_id(raw: &str, not_found: MarketError) -> Result<uuid::Uuid, MarketError> {
    uuid::Uuid::parse_str(raw).map_err(|_| not_found)
}

/// `Query<T>` whose rejections are `400 VALIDATION_ERROR` envelopes.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = MarketError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, MarketError> {
        // A NUL can never match stored text (PostgreSQL refuses it outright).
        if parts.uri.query().is_some_and(|q| {
            q.as_bytes()
                .windows(3)
                .any(|w| w.eq_ignore_ascii_case(b"%00"))
        }) {
            return Err(MarketError::nul_in_text());
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(MarketError::bad_request(e.body_text())),
        }
    }
}

/// Only API keys and OAuth tokens: the routes documented as such.
pub fn require_api_credential(p: &Principal) -> Result<(), MarketError> {
    use app::backend::auth::CredentialKind;
    match p.credential {
        CredentialKind::ApiKey | CredentialKind::Oauth => Ok(()),
        _ => Err(MarketError::auth_required()),
    }
}
