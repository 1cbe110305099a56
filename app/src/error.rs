//! The one error type of the marketplace.
//!
//! Every failure, whether it leaves through a JSON route or a server
//! function, is a [`MarketError`]: a documented [`ErrorCode`] (which knows its
//! HTTP status and its human title), a message safe to show, and optional
//! structured details. On the wire it is the reference's envelope
//! `{error, message, code, details}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The reference's error codes. The variant decides the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    // 400
    ValidationError,
    InvalidLimit,
    InvalidEnumValue,
    MissingRequiredField,
    InvalidVersion,
    ConfigSchemaInvalid,
    InputValidationFailed,
    // 401
    AuthRequired,
    InvalidApiKey,
    ExpiredToken,
    InvalidCredentials,
    // 403
    Forbidden,
    InsufficientScope,
    GovernanceDenied,
    PendingApproval,
    ApprovalRequired,
    NotOwner,
    PackageNotWhitelisted,
    PackageVulnerability,
    CsrfRejected,
    InvalidFederationKey,
    // 404
    NotFound,
    SkillNotFound,
    ComponentNotFound,
    TemplateNotFound,
    DomainNotFound,
    AgentNotFound,
    TenantNotFound,
    // 405
    MethodNotAllowed,
    // 409
    AlreadyPublished,
    RatingExists,
    DuplicateEntry,
    ConflictingOperation,
    // 413
    PayloadTooLarge,
    // 415
    UnsupportedMediaType,
    // 422
    InstallFailed,
    PackageInstallFailed,
    DependencyMissing,
    // 429
    RateLimitExceeded,
    TenantLimitExceeded,
    AgentLimitExceeded,
    SkillLimitExceeded,
    // 500
    InternalError,
    // 503
    ServiceUnavailable,
    MaintenanceMode,
    MarketplaceDisabled,
}

impl ErrorCode {
    /// The HTTP status the reference assigns to this code.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            ValidationError
            | InvalidLimit
            | InvalidEnumValue
            | MissingRequiredField
            | InvalidVersion
            | ConfigSchemaInvalid
            | InputValidationFailed => 400,
            AuthRequired | InvalidApiKey | ExpiredToken | InvalidCredentials => 401,
            Forbidden
            | InsufficientScope
            | GovernanceDenied
            | PendingApproval
            | ApprovalRequired
            | NotOwner
            | PackageNotWhitelisted
            | PackageVulnerability
            | CsrfRejected
            | InvalidFederationKey => 403,
            NotFound | SkillNotFound | ComponentNotFound | TemplateNotFound | DomainNotFound
            | AgentNotFound | TenantNotFound => 404,
            MethodNotAllowed => 405,
            AlreadyPublished | RatingExists | DuplicateEntry | ConflictingOperation => 409,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            InstallFailed | PackageInstallFailed | DependencyMissing => 422,
            RateLimitExceeded | TenantLimitExceeded | AgentLimitExceeded | SkillLimitExceeded => {
                429
            }
            InternalError => 500,
            ServiceUnavailable | MaintenanceMode | MarketplaceDisabled => 503,
        }
    }

    /// The short `error` title of the envelope, as the reference words it.
    pub fn title(self) -> &'static str {
        use ErrorCode::*;
        match self {
            ConfigSchemaInvalid | InvalidEnumValue => "Validation Failed",
            DuplicateEntry => "Duplicate Entry",
            GovernanceDenied => "Governance Denied",
            ApprovalRequired => "Approval Required",
            DependencyMissing | InstallFailed | PackageInstallFailed => "Installation Failed",
            TenantLimitExceeded | AgentLimitExceeded | SkillLimitExceeded => "Quota Exceeded",
            RateLimitExceeded => "Rate Limit Exceeded",
            InvalidFederationKey => "Invalid Federation Key",
            _ => match self.status() {
                400 => "Bad Request",
                401 => "Unauthorized",
                403 => "Forbidden",
                404 => "Not Found",
                405 => "Method Not Allowed",
                409 => "Conflict",
                413 => "Payload Too Large",
                415 => "Unsupported Media Type",
                422 => "Unprocessable Entity",
                429 => "Too Many Requests",
                503 => "Service Unavailable",
                _ => "Internal Server Error",
            },
        }
    }

    /// The code as it appears on the wire (`"SKILL_NOT_FOUND"`).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "INTERNAL_ERROR".to_owned())
    }
}

/// A failure with a documented code, a message safe for the caller and
/// optional structured details.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(from = "Envelope", into = "Envelope")]
#[error("{message}")]
pub struct MarketError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Option<Value>,
    /// Seconds until a refused request may be retried (429s): sent as the
    /// body's `retry_after` and the `Retry-After` header.
    pub retry_after: Option<u64>,
}

/// The wire envelope `{error, message, code, details}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub error: String,
    pub message: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl From<MarketError> for Envelope {
    fn from(e: MarketError) -> Self {
        Envelope {
            error: e.code.title().to_owned(),
            message: e.message,
            code: e.code,
            details: e.details,
            retry_after: e.retry_after,
        }
    }
}

impl From<Envelope> for MarketError {
    fn from(e: Envelope) -> Self {
        MarketError {
            code: e.code,
            message: e.message,
            details: e.details,
            retry_after: e.retry_after,
        }
    }
}

pub type MarketResult<T> = Result<T, MarketError>;

impl MarketError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        MarketError {
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    pub fn route_not_found() -> Self {
        Self::new(ErrorCode::NotFound, "The requested resource does not exist")
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(ErrorCode::ValidationError, "Validation failed")
            .with_details(serde_json::json!({ "field": field, "message": message }))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message)
    }

    /// PostgreSQL text and jsonb cannot hold U+0000.
    pub fn nul_in_text() -> Self {
        Self::bad_request("Text may not contain the NUL character (U+0000)")
    }

    pub fn auth_required() -> Self {
        Self::new(
            ErrorCode::AuthRequired,
            "Authentication required. Use X-API-Key or Authorization: Bearer header.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            ErrorCode::PayloadTooLarge,
            "Request body exceeds the allowed size",
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            ErrorCode::MethodNotAllowed,
            "This method is not allowed on this route",
        )
    }

    pub fn timeout() -> Self {
        Self::new(
            ErrorCode::ServiceUnavailable,
            "The request took too long and was cancelled. Try again.",
        )
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ServiceUnavailable, message)
    }

    /// The reference's 429: the same body and `Retry-After` for every
    /// budget that runs out (requests per window, failed log-ins).
    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(
            ErrorCode::RateLimitExceeded,
            "Rate limit exceeded. Please try again later.",
        );
        e.retry_after = Some(retry_after.max(1));
        e
    }

    /// The opaque 500: callers log the cause before building it, never send it.
    pub fn internal() -> Self {
        Self::new(ErrorCode::InternalError, "An unexpected error occurred")
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// Server functions carry the same error to the page: transport failures
/// (network, decoding) become a `SERVICE_UNAVAILABLE` or `VALIDATION_ERROR`.
impl leptos::server_fn::error::FromServerFnError for MarketError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(m) | E::Deserialization(m) | E::MissingArg(m) => Self::bad_request(m),
            E::Request(_) | E::Response(_) => {
                Self::unavailable("The marketplace could not be reached. Try again.")
            }
            _ => Self::internal(),
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for MarketError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(Envelope::from(self))).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_documented_shape() {
        let e = MarketError::new(ErrorCode::SkillNotFound, "Skill not found or not approved");
        let v = serde_json::to_value(&e).expect("serializes");
        assert_eq!(
            v,
            serde_json::json!({
                "error": "Not Found",
                "message": "Skill not found or not approved",
                "code": "SKILL_NOT_FOUND"
            })
        );
        let back: MarketError = serde_json::from_value(v).expect("round trip");
        assert_eq!(back, e);
    }

    #[test]
    fn statuses_follow_the_reference_table() {
        assert_eq!(ErrorCode::RatingExists.status(), 409);
        assert_eq!(ErrorCode::AgentLimitExceeded.status(), 429);
        assert_eq!(ErrorCode::MarketplaceDisabled.status(), 503);
        assert_eq!(ErrorCode::DependencyMissing.status(), 422);
        assert_eq!(ErrorCode::PendingApproval.status(), 403);
        assert_eq!(ErrorCode::InternalError.as_str(), "INTERNAL_ERROR");
    }
}
