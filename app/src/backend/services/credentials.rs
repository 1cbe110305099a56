//! Turns what a request presents (API key, bearer token, session user) into
//! a [`Principal`], or the documented 401.

use crate::backend::auth::{CredentialKind, Principal};
use crate::backend::{db, secrets, state::AppState};
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::Scope;
use uuid::Uuid;

#[derive(Clone, Debug, Default)]
pub struct Presented {
    pub api_key: Option<String>,
    pub bearer: Option<String>,
    pub session_user: Option<Uuid>,
}

impl Presented {
    /// The header credentials of a request (`X-API-Key`, then
    /// `Authorization: Bearer`); the session user is the caller's to add.
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Presented {
            api_key: header("x-api-key"),
            bearer: header("authorization").and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
                    .map(|t| t.trim().to_owned())
            }),
            session_user: None,
        }
    }

    /// Whether a key or token was presented (then no session is looked at).
    pub fn has_header_credential(&self) -> bool {
        self.api_key.is_some() || self.bearer.is_some()
    }
}

pub fn invalid_api_key() -> MarketError {
    MarketError::new(ErrorCode::InvalidApiKey, "Invalid or inactive API key")
}

pub fn expired_token() -> MarketError {
    MarketError::new(ErrorCode::ExpiredToken, "Invalid or expired OAuth token")
}

/// `Ok(None)` is an anonymous request; a credential that is presented but
/// not valid is an error, never a silent downgrade to anonymous.
pub async fn resolve(state: &AppState, presented: &Presented) -> MarketResult<Option<Principal>> {
    if let Some(key) = &presented.api_key {
        let owner = db::identity::active_key_owner(&state.pool, &secrets::hash_secret(key))
            .await?
            .ok_or_else(invalid_api_key)?;
        return principal(owner, CredentialKind::ApiKey).map(Some);
    }
    if let Some(token) = &presented.bearer {
        let owner = db::oauth::active_access_owner(&state.pool, &secrets::hash_secret(token))
            .await?
            .ok_or_else(expired_token)?;
        return principal(owner, CredentialKind::Oauth).map(Some);
    }
    if let Some(user_id) = presented.session_user {
        // A session whose user was deleted is simply anonymous.
        return match db::identity::user_by_id(&state.pool, user_id).await? {
            Some(u) => Ok(Some(Principal {
                tenant_id: u.tenant_id,
                user_id: u.id,
                email: u.email,
                role: u.role,
                scope: Scope::ReadWrite,
                credential: CredentialKind::Session,
                credential_id: None,
            })),
            None => Ok(None),
        };
    }
    Ok(None)
}

fn principal(
    owner: db::identity::CredentialOwner,
    kind: CredentialKind,
) -> MarketResult<Principal> {
    Ok(Principal {
        tenant_id: owner.tenant_id,
        user_id: owner.user_id,
        email: owner.email,
        role: owner.role,
        scope: owner.scope,
        credential: kind,
        credential_id: Some(owner.credential_id),
    })
}
