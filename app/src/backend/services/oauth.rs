//! OAuth 2.0 (RFC 6749) with PKCE (RFC 7636, S256 only): client
//! registration, authorization codes, and the token endpoint's three grants.
//! Refresh tokens rotate; presenting a retired one revokes its family.

use crate::backend::auth::Principal;
use crate::backend::db::oauth::{self as db, ClientRow, NewCode, NewToken};
use crate::backend::{secrets, state::AppState};
use crate::error::{MarketError, MarketResult};
use crate::model::account::Scope;
use crate::model::bounds::ShortName;
use base64::Engine;
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const ACCESS_TTL_SECS: i64 = 3600;
const REFRESH_TTL_DAYS: i64 = 30;
const CODE_TTL_SECS: i64 = 600;

/// RFC 6749 §5.2 errors.
#[derive(Clone, Debug, PartialEq)]
pub enum OAuthFailure {
    InvalidRequest(String),
    InvalidClient,
    InvalidGrant(String),
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    Server(MarketError),
}

impl OAuthFailure {
    /// `(HTTP status, RFC error code, envelope code, description)`.
    pub fn parts(&self) -> (u16, &'static str, &'static str, String) {
        match self {
            OAuthFailure::InvalidRequest(m) => {
                (400, "invalid_request", "INVALID_REQUEST", m.clone())
            }
            OAuthFailure::InvalidClient => (
                401,
                "invalid_client",
                "INVALID_CLIENT",
                "Client authentication failed".into(),
            ),
            OAuthFailure::InvalidGrant(m) => (400, "invalid_grant", "INVALID_GRANT", m.clone()),
            OAuthFailure::UnauthorizedClient => (
                400,
                "unauthorized_client",
                "UNAUTHORIZED_CLIENT",
                "This client may not use this grant".into(),
            ),
            OAuthFailure::UnsupportedGrantType => (
                400,
                "unsupported_grant_type",
                "UNSUPPORTED_GRANT_TYPE",
                "grant_type must be authorization_code, client_credentials or refresh_token".into(),
            ),
            OAuthFailure::InvalidScope => (
                400,
                "invalid_scope",
                "INVALID_SCOPE",
                "scope must be read or read_write".into(),
            ),
            OAuthFailure::Server(e) => (
                e.status(),
                "server_error",
                "INTERNAL_ERROR",
                e.message.clone(),
            ),
        }
    }
}

impl From<sqlx::Error> for OAuthFailure {
    fn from(e: sqlx::Error) -> Self {
        OAuthFailure::Server(e.into())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterClient {
    #[schema(schema_with = client_name)]
    pub name: String,
    #[schema(schema_with = redirect_uris)]
    pub redirect_uris: Vec<String>,
}

fn client_name() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(crate::model::bounds::ShortName::schema())
}

fn redirect_uris() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({
        "type": "array",
        "minItems": 1,
        "maxItems": 10,
        "items": crate::model::schema::redirect_uri(),
    }))
}

/// A form field: text (a form has no null).
fn form_text() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({"type": "string"}))
}

fn grant_type() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({
        "type": "string",
        "enum": ["authorization_code", "client_credentials", "refresh_token"],
    }))
}

fn token_type_hint() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(
        serde_json::json!({"type": "string", "enum": ["access_token", "refresh_token"]}),
    )
}

fn bearer() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({"type": "string", "enum": ["Bearer"]}))
}

#[derive(Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for RegisteredClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

/// A client in its owner's list: never its secret.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct ClientInfo {
    pub client_id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct ClientList {
    pub clients: Vec<ClientInfo>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct TokenReply {
    pub access_token: String,
    #[schema(schema_with = bearer)]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
    /// `read` or `read_write`.
    #[schema(schema_with = crate::model::account::scope_schema)]
    pub scope: String,
}

impl std::fmt::Debug for TokenReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenReply")
            .field("access_token", &"***")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &"***")
            .field("scope", &self.scope)
            .finish()
    }
}

/// `Some("***")` for a present secret, so a log still says what was sent.
fn redacted(v: &Option<String>) -> Option<&'static str> {
    v.as_ref().map(|_| "***")
}

/// What `/oauth/authorize` was asked, parsed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// A checked authorization request, ready for the user's consent.
#[derive(Clone, Debug)]
pub struct AuthorizeRequest {
    pub client: ClientRow,
    pub redirect_uri: String,
    pub scope: Scope,
    pub state: Option<String>,
    pub code_challenge: String,
}

pub async fn register_client(
    state: &AppState,
    principal: &Principal,
    req: &RegisterClient,
) -> MarketResult<RegisteredClient> {
    principal.require_write()?;
    super::keys::require_person(principal)?;
    let name = ShortName::parse("name", &req.name)?.into_string();
    if req.redirect_uris.is_empty() || req.redirect_uris.len() > 10 {
        return Err(MarketError::validation(
            "redirect_uris",
            "Give 1 to 10 redirect URIs",
        ));
    }
    for uri in &req.redirect_uris {
        let ok = (uri.starts_with("https://") || uri.starts_with("http://"))
            && !uri.contains('#')
            && uri.len() <= crate::model::bounds::HttpUrl::MAX;
        if !ok {
            return Err(MarketError::validation(
                "redirect_uris",
                format!("Not an absolute http(s) URI without fragment: {uri}"),
            ));
        }
    }
    let client_id = format!("cl_{}", secrets::random_alnum(24));
    let client_secret = format!("cs_{}", secrets::random_alnum(40));
    let row = ClientRow {
        id: Uuid::now_v7(),
        client_id: client_id.clone(),
        secret_hash: secrets::hash_secret(&client_secret),
        name,
        redirect_uris: req.redirect_uris.clone(),
        user_id: principal.user_id,
    };
    db::insert_client(&state.pool, &row, principal.tenant_id).await?;
    Ok(RegisteredClient {
        client_id,
        client_secret,
    })
}

pub async fn list_clients(state: &AppState, principal: &Principal) -> MarketResult<ClientList> {
    let clients = db::list_clients(&state.pool, principal.tenant_id, principal.user_id)
        .await?
        .into_iter()
        .map(|c| ClientInfo {
            client_id: c.client_id,
            name: c.name,
            redirect_uris: c.redirect_uris,
            created_at: c.created_at,
        })
        .collect();
    Ok(ClientList { clients })
}

/// Deleting a client ends everything it was granted: its codes and tokens
/// go with it. Another user's client, or an unknown id, is the same 404.
pub async fn delete_client(
    state: &AppState,
    principal: &Principal,
    client_id: &str,
) -> MarketResult<()> {
    principal.require_write()?;
    if db::delete_client(
        &state.pool,
        principal.tenant_id,
        principal.user_id,
        client_id,
    )
    .await?
    {
        Ok(())
    } else {
        Err(client_not_found())
    }
}

pub fn client_not_found() -> MarketError {
    MarketError::route_not_found().with_message("OAuth client not found")
}

/// Checks an authorization request. Errors that make the redirect URI
/// untrustworthy are `Err(Left)`: shown to the user, never redirected.
pub async fn check_authorize(
    state: &AppState,
    p: &AuthorizeParams,
) -> Result<AuthorizeRequest, AuthorizeError> {
    let client_id = p
        .client_id
        .as_deref()
        .ok_or(AuthorizeError::Display("client_id is missing".into()))?;
    let client = db::client_by_client_id(&state.pool, client_id)
        .await
        .map_err(|e| AuthorizeError::Server(e.into()))?
        .ok_or(AuthorizeError::Display("Unknown client_id".into()))?;
    let redirect_uri = match &p.redirect_uri {
        Some(u) if client.redirect_uris.contains(u) => u.clone(),
        Some(_) => {
            return Err(AuthorizeError::Display(
                "redirect_uri is not registered for this client".into(),
            ))
        }
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => return Err(AuthorizeError::Display("redirect_uri is required".into())),
    };
    let redirect = |error: &str, description: &str| AuthorizeError::Redirect {
        redirect_uri: redirect_uri.clone(),
        error: error.to_owned(),
        description: description.to_owned(),
        state: p.state.clone(),
    };
    if p.response_type.as_deref() != Some("code") {
        return Err(redirect(
            "unsupported_response_type",
            "response_type must be code",
        ));
    }
    let scope = match p.scope.as_deref().map(str::trim) {
        None | Some("") => Scope::ReadWrite,
        Some(s) => Scope::parse(s)
            .map_err(|_| redirect("invalid_scope", "scope must be read or read_write"))?,
    };
    if p.code_challenge_method.as_deref() != Some("S256") {
        return Err(redirect(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    let code_challenge = match p.code_challenge.as_deref() {
        Some(c) if (43..=128).contains(&c.len()) => c.to_owned(),
        _ => {
            return Err(redirect(
                "invalid_request",
                "code_challenge is missing or malformed",
            ))
        }
    };
    Ok(AuthorizeRequest {
        client,
        redirect_uri,
        scope,
        state: p.state.clone(),
        code_challenge,
    })
}

#[derive(Clone, Debug)]
pub enum AuthorizeError {
    /// Shown on the page: the client or redirect URI cannot be trusted.
    Display(String),
    /// Sent back to the client's redirect URI (RFC 6749 §4.1.2.1).
    Redirect {
        redirect_uri: String,
        error: String,
        description: String,
        state: Option<String>,
    },
    Server(MarketError),
}

/// The user approved: issue a single-use code bound to the PKCE challenge.
pub async fn issue_code(
    state: &AppState,
    principal: &Principal,
    req: &AuthorizeRequest,
) -> MarketResult<String> {
    let code = secrets::random_alnum(40);
    db::insert_code(
        &state.pool,
        NewCode {
            code_hash: &secrets::hash_secret(&code),
            client_id: req.client.id,
            user_id: principal.user_id,
            redirect_uri: &req.redirect_uri,
            scope: req.scope,
            code_challenge: &req.code_challenge,
            expires_at: Utc::now() + Duration::seconds(CODE_TTL_SECS),
        },
    )
    .await?;
    Ok(code)
}

/// The form fields of `POST /oauth/token`.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    #[schema(schema_with = grant_type)]
    pub grant_type: Option<String>,
    #[schema(schema_with = form_text)]
    pub code: Option<String>,
    #[schema(schema_with = form_text)]
    pub redirect_uri: Option<String>,
    #[schema(schema_with = form_text)]
    pub code_verifier: Option<String>,
    #[schema(schema_with = form_text)]
    pub refresh_token: Option<String>,
    #[schema(schema_with = form_text)]
    pub scope: Option<String>,
    #[schema(schema_with = form_text)]
    pub client_id: Option<String>,
    #[schema(schema_with = form_text)]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for TokenForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenForm")
            .field("grant_type", &self.grant_type)
            .field("code", &redacted(&self.code))
            .field("redirect_uri", &self.redirect_uri)
            .field("code_verifier", &redacted(&self.code_verifier))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("scope", &self.scope)
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .finish()
    }
}

/// The form fields of `POST /oauth/revoke` (RFC 7009 §2.1), with client
/// authentication as at the token endpoint.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RevokeForm {
    #[schema(schema_with = form_text)]
    pub token: Option<String>,
    #[schema(schema_with = token_type_hint)]
    pub token_type_hint: Option<String>,
    #[schema(schema_with = form_text)]
    pub client_id: Option<String>,
    #[schema(schema_with = form_text)]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for RevokeForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevokeForm")
            .field("token", &redacted(&self.token))
            .field("token_type_hint", &self.token_type_hint)
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .finish()
    }
}

/// RFC 7009: revoking either token of a pair ends its whole family (the
/// refresh token, its rotated successors and every access token issued
/// from them). An unknown token, or one issued to another client, is a
/// success that changes nothing: the answer must not tell a client whether
/// someone else's token exists, nor let it end someone else's grant.
pub async fn revoke(
    state: &AppState,
    form: &RevokeForm,
    basic: Option<(String, String)>,
) -> Result<(), OAuthFailure> {
    let client = authenticate(
        state,
        form.client_id.as_ref(),
        form.client_secret.as_ref(),
        basic,
    )
    .await?;
    let token = form
        .token
        .as_deref()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthFailure::InvalidRequest("token is required".into()))?;
    if let Some(family) =
        db::family_of_token(&state.pool, &secrets::hash_secret(token), client.id).await?
    {
        let n = db::revoke_family(&state.pool, family).await?;
        tracing::info!(%family, revoked = n, "token family revoked by its client");
    }
    Ok(())
}

pub async fn token(
    state: &AppState,
    form: &TokenForm,
    basic: Option<(String, String)>,
) -> Result<TokenReply, OAuthFailure> {
    let grant = form
        .grant_type
        .as_deref()
        .ok_or_else(|| OAuthFailure::InvalidRequest("grant_type is required".into()))?;
    if !matches!(
        grant,
        "authorization_code" | "client_credentials" | "refresh_token"
    ) {
        return Err(OAuthFailure::UnsupportedGrantType);
    }
    let client = authenticate_client(state, form, basic).await?;
    match grant {
        "authorization_code" => authorization_code(state, &client, form).await,
        "client_credentials" => {
            let scope = match form.scope.as_deref().map(str::trim) {
                None | Some("") => Scope::ReadWrite,
                Some(s) => Scope::parse(s).map_err(|_| OAuthFailure::InvalidScope)?,
            };
            let mut tx = state.pool.begin().await?;
            let reply = issue(
                state,
                &mut tx,
                &client,
                client.user_id,
                scope,
                Family::new(),
            )
            .await?;
            tx.commit().await?;
            Ok(reply)
        }
        _ => refresh(state, &client, form).await,
    }
}

async fn authenticate_client(
    state: &AppState,
    form: &TokenForm,
    basic: Option<(String, String)>,
) -> Result<ClientRow, OAuthFailure> {
    authenticate(
        state,
        form.client_id.as_ref(),
        form.client_secret.as_ref(),
        basic,
    )
    .await
}

/// HTTP Basic, or `client_id` + `client_secret` in the form.
async fn authenticate(
    state: &AppState,
    form_id: Option<&String>,
    form_secret: Option<&String>,
    basic: Option<(String, String)>,
) -> Result<ClientRow, OAuthFailure> {
    let (id, secret) = match (basic, form_id, form_secret) {
        (Some(b), _, _) => b,
        (None, Some(id), Some(secret)) => (id.clone(), secret.clone()),
        _ => return Err(OAuthFailure::InvalidClient),
    };
    let client = db::client_by_client_id(&state.pool, &id)
        .await?
        .ok_or(OAuthFailure::InvalidClient)?;
    let presented = secrets::hash_secret(&secret);
    if !constant_time_eq(&presented, &client.secret_hash) {
        return Err(OAuthFailure::InvalidClient);
    }
    Ok(client)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'));
    let digest = Sha256::digest(verifier.as_bytes());
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    well_formed && constant_time_eq(computed.as_bytes(), challenge.as_bytes())
}

async fn authorization_code(
    state: &AppState,
    client: &ClientRow,
    form: &TokenForm,
) -> Result<TokenReply, OAuthFailure> {
    let code = form
        .code
        .as_deref()
        .ok_or_else(|| OAuthFailure::InvalidRequest("code is required".into()))?;
    let verifier = form
        .code_verifier
        .as_deref()
        .ok_or_else(|| OAuthFailure::InvalidRequest("code_verifier is required".into()))?;
    let mut tx = state.pool.begin().await?;
    let row = db::consume_code(&mut *tx, &secrets::hash_secret(code))
        .await?
        .ok_or_else(|| {
            OAuthFailure::InvalidGrant("The code is invalid, expired or already used".into())
        })?;
    if row.client_id != client.id {
        return Err(OAuthFailure::InvalidGrant(
            "The code was issued to another client".into(),
        ));
    }
    if form.redirect_uri.as_deref() != Some(row.redirect_uri.as_str()) {
        return Err(OAuthFailure::InvalidGrant(
            "redirect_uri does not match the authorization request".into(),
        ));
    }
    if !pkce_matches(verifier, &row.code_challenge) {
        return Err(OAuthFailure::InvalidGrant(
            "code_verifier does not match the code_challenge".into(),
        ));
    }
    let scope = row.scope;
    let reply = issue(state, &mut tx, client, row.user_id, scope, Family::new()).await?;
    tx.commit().await?;
    Ok(reply)
}

async fn refresh(
    state: &AppState,
    client: &ClientRow,
    form: &TokenForm,
) -> Result<TokenReply, OAuthFailure> {
    let presented = form
        .refresh_token
        .as_deref()
        .ok_or_else(|| OAuthFailure::InvalidRequest("refresh_token is required".into()))?;
    let mut tx = state.pool.begin().await?;
    let row = db::refresh_row_for_update(&mut *tx, &secrets::hash_secret(presented))
        .await?
        .ok_or_else(|| OAuthFailure::InvalidGrant("Unknown refresh token".into()))?;
    if row.client_id != client.id {
        return Err(OAuthFailure::InvalidGrant(
            "The refresh token was issued to another client".into(),
        ));
    }
    if !row.live {
        drop(tx);
        // A retired token came back: someone holds a copy. Kill the family.
        let n = db::revoke_family(&state.pool, row.family_id).await?;
        tracing::warn!(family = %row.family_id, revoked = n, "refresh token reuse detected");
        return Err(OAuthFailure::InvalidGrant(
            "The refresh token is no longer valid".into(),
        ));
    }
    // However often it rotates, a family ends a fixed time after the
    // person granted it: past that, they must authorize again.
    if row.family_started_at + state.settings.credentials.refresh_family_lifetime <= Utc::now() {
        return Err(OAuthFailure::InvalidGrant(
            "The grant behind this refresh token has ended; authorize again".into(),
        ));
    }
    db::mark_rotated(&mut *tx, row.id).await?;
    let scope = row.scope;
    let family = Family {
        id: row.family_id,
        started_at: row.family_started_at,
    };
    let reply = issue(state, &mut tx, client, row.user_id, scope, family).await?;
    tx.commit().await?;
    Ok(reply)
}

/// A refresh family: every pair issued from one grant.
struct Family {
    id: Uuid,
    started_at: chrono::DateTime<Utc>,
}

impl Family {
    fn new() -> Self {
        Family {
            id: Uuid::now_v7(),
            started_at: Utc::now(),
        }
    }
}

async fn issue(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    client: &ClientRow,
    user_id: Uuid,
    scope: Scope,
    family: Family,
) -> Result<TokenReply, OAuthFailure> {
    let access = format!("at_{}", secrets::random_alnum(40));
    let refresh = format!("rt_{}", secrets::random_alnum(40));
    let now = Utc::now();
    let family_ends = family.started_at + state.settings.credentials.refresh_family_lifetime;
    db::insert_token(
        &mut **tx,
        NewToken {
            id: Uuid::now_v7(),
            family_id: family.id,
            client_id: client.id,
            user_id,
            scope,
            access_hash: &secrets::hash_secret(&access),
            refresh_hash: &secrets::hash_secret(&refresh),
            access_expires_at: now + Duration::seconds(ACCESS_TTL_SECS),
            refresh_expires_at: (now + Duration::days(REFRESH_TTL_DAYS)).min(family_ends),
            family_started_at: family.started_at,
        },
    )
    .await?;
    Ok(TokenReply {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL_SECS,
        refresh_token: refresh,
        scope: scope.as_str().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::pkce_matches;

    #[test]
    fn pkce_s256_matches_the_rfc_example() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            challenge
        ));
        assert!(!pkce_matches("short", challenge));
    }
}
