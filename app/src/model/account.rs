//! Accounts and credentials on the wire, and the parsed newtypes that make
//! invalid input unrepresentable past the door.

use crate::error::{ErrorCode, MarketError, MarketResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
    Owner,
    SuperAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Member, Role::Admin, Role::Owner, Role::SuperAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
            Role::SuperAdmin => "super_admin",
        }
    }

    pub fn parse(s: &str) -> MarketResult<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| invalid_enum("role", s, &Self::ALL.map(Role::as_str)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    ReadWrite,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Scope::Read, Scope::ReadWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::ReadWrite => "read_write",
        }
    }

    pub fn parse(s: &str) -> MarketResult<Self> {
        match s {
            "read" => Ok(Scope::Read),
            "read_write" => Ok(Scope::ReadWrite),
            other => Err(invalid_enum("scope", other, &["read", "read_write"])),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Team,
    Enterprise,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Team, Plan::Enterprise];

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Team => "team",
            Plan::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> MarketResult<Self> {
        match s {
            "free" => Ok(Plan::Free),
            "team" => Ok(Plan::Team),
            "enterprise" => Ok(Plan::Enterprise),
            other => Err(invalid_enum("plan", other, &["free", "team", "enterprise"])),
        }
    }
}

crate::model::stored_as_text!(Role, Plan, Scope);

pub fn invalid_enum(field: &str, value: &str, allowed: &[&str]) -> MarketError {
    MarketError::new(
        ErrorCode::InvalidEnumValue,
        format!("Invalid value for field '{field}'."),
    )
    .with_details(serde_json::json!({
        "field": field,
        "provided_value": value,
        "allowed_values": allowed,
    }))
}

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> MarketResult<Self> {
        let s = raw.trim().to_lowercase();
        let valid = s.len() <= 320
            && !s.chars().any(char::is_whitespace)
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Email(s))
        } else {
            Err(MarketError::validation(
                "email",
                "Enter a valid e-mail address",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password of 8 to 256 characters. Never logged, never echoed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 256;

    pub fn parse(raw: &str) -> MarketResult<Self> {
        let n = raw.chars().count();
        if n < Self::MIN {
            return Err(MarketError::validation(
                "password",
                format!("Use at least {} characters", Self::MIN),
            ));
        }
        if n > Self::MAX {
            return Err(MarketError::validation(
                "password",
                format!("Use at most {} characters", Self::MAX),
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A secret as typed into a request (a password in a form or on the
/// command line): the plain string on the wire, `***` in `Debug`, so a
/// logged request or argument list never shows it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// A display name of 1 to `max` characters, trimmed, without control characters.
pub fn parse_name(field: &str, raw: &str, max: usize) -> MarketResult<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(MarketError::new(
            ErrorCode::MissingRequiredField,
            format!("Field '{field}' is required"),
        )
        .with_details(serde_json::json!({ "field": field })));
    }
    // Counted before trimming, as the documented maxLength counts it.
    if raw.chars().count() > max || s.chars().any(char::is_control) {
        return Err(MarketError::validation(
            field,
            format!("Use 1 to {max} printable characters"),
        ));
    }
    Ok(s.to_owned())
}

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignupRequest {
    #[schema(schema_with = tenant_name)]
    pub tenant_name: String,
    /// Any address is parsed; the schema names a shape that always is.
    #[schema(schema_with = signup_email)]
    pub email: String,
    #[schema(schema_with = signup_password)]
    pub password: String,
}

fn tenant_name() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(crate::model::bounds::ShortName::schema())
}

fn signup_email() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(
        serde_json::json!({"type": "string", "pattern": "^[a-z0-9]{1,20}@[a-z0-9]{1,20}\\.[a-z]{2,6}$"}),
    )
}

fn signup_password() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({
        "type": "string",
        "minLength": 8,
        "maxLength": 256,
        "pattern": crate::model::schema::NO_NUL,
    }))
}

/// Text without U+0000 (PostgreSQL cannot hold it).
fn no_nul() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(
        serde_json::json!({"type": "string", "pattern": crate::model::schema::NO_NUL}),
    )
}

// Hand-written so that a logged request never shows its password.
impl std::fmt::Debug for SignupRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupRequest")
            .field("tenant_name", &self.tenant_name)
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    #[schema(schema_with = no_nul)]
    pub email: String,
    #[schema(schema_with = no_nul)]
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuthReply {
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub role: Role,
    /// `SKILL_VIEW`, `SKILL_MANAGE`, `TENANT_ADMIN`, `GOVERNANCE_APPROVE`.
    #[schema(schema_with = permissions)]
    pub permissions: Vec<String>,
    /// The credential of this request.
    #[schema(schema_with = credential_kind)]
    pub auth: String,
}

fn permissions() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({
        "type": "array",
        "items": {"type": "string", "enum": ["SKILL_VIEW", "SKILL_MANAGE", "TENANT_ADMIN", "GOVERNANCE_APPROVE"]},
    }))
}

fn credential_kind() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(
        serde_json::json!({"type": "string", "enum": ["session", "api_key", "oauth", "cli"]}),
    )
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateKeyRequest {
    #[schema(schema_with = key_name)]
    pub name: String,
    /// `read` or `read_write`.
    #[schema(schema_with = key_scope)]
    pub scope: String,
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

fn key_name() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(crate::model::bounds::ShortName::schema())
}

/// `read` or `read_write`, as a string field carries it.
pub fn scope_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({"type": "string", "enum": ["read", "read_write"]}))
}

fn key_scope() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({"type": "string", "enum": ["read", "read_write"]}))
}

#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatedKey {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    /// Shown this once; only its hash is stored.
    pub key: String,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("scope", &self.scope)
            .field("key", &"***")
            .field("prefix", &self.prefix)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyInfo {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub is_active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyInfo>,
}

/// A JSON integer, also written as `30.0`: JSON (and JSON Schema's
/// "integer") does not tell the two apart, so neither do we.
pub fn whole_number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => Some(i),
        (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        _ => None,
    };
    whole
        .and_then(|i| T::try_from(i).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a whole number in range, found {n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_may_be_written_as_floats() {
        let parse = |v: serde_json::Value| {
            serde_json::from_value::<CreateKeyRequest>(
                serde_json::json!({"name": "k", "scope": "read", "expires_in_days": v}),
            )
            .map(|r| r.expires_in_days)
        };
        assert_eq!(parse(serde_json::json!(30)).expect("int"), Some(30));
        assert_eq!(parse(serde_json::json!(30.0)).expect("float"), Some(30));
        assert!(parse(serde_json::json!(30.5)).is_err());
        assert_eq!(parse(serde_json::Value::Null).expect("null"), None);
    }

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").expect("valid").as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn password_length_is_bounded_and_hidden() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        let p = Password::parse("correct horse").expect("valid");
        assert_eq!(format!("{p:?}"), "Password(***)");
    }

    #[test]
    fn enums_report_allowed_values() {
        let e = Scope::parse("admin").expect_err("invalid");
        assert_eq!(e.code, ErrorCode::InvalidEnumValue);
        assert_eq!(
            e.details.expect("details")["allowed_values"][1],
            "read_write"
        );
        assert_eq!(Role::parse("super_admin").expect("valid"), Role::SuperAdmin);
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(parse_name("name", "  Acme ", 10).expect("valid"), "Acme");
        assert_eq!(
            parse_name("name", "   ", 10).expect_err("empty").code,
            ErrorCode::MissingRequiredField
        );
        assert!(parse_name("name", "a\u{0}b", 10).is_err());
    }
}
