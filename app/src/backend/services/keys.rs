//! API keys: created (shown once), listed without secrets, revoked.

use crate::backend::auth::{CredentialKind, Principal};
use crate::backend::services::quotas::{self, Quota};
use crate::backend::{db, secrets, state::AppState};
use crate::error::{MarketError, MarketResult};
use crate::model::account::{CreateKeyRequest, CreatedKey, KeyInfo, KeyList, Scope};
use crate::model::bounds::ShortName;
use chrono::{Duration, Utc};
use uuid::Uuid;

/// Longest lifetime a key may be given.
const MAX_DAYS: i64 = 3650;

/// Keys and OAuth clients are made by a person: a signed-in session (or
/// the operator's command line), never by another key or token. A key or
/// token that could mint more would let a one-day credential (or a stolen
/// one) outlive itself and its own revocation.
pub fn require_person(principal: &Principal) -> MarketResult<()> {
    match principal.credential {
        CredentialKind::Session | CredentialKind::Cli => Ok(()),
        CredentialKind::ApiKey | CredentialKind::Oauth => Err(MarketError::forbidden(
            "API keys and OAuth clients can only be created from a signed-in session",
        )),
    }
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    req: &CreateKeyRequest,
) -> MarketResult<CreatedKey> {
    principal.require_write()?;
    require_person(principal)?;
    let name = ShortName::parse("name", &req.name)?.into_string();
    let scope = Scope::parse(&req.scope)?;
    let expires_at = match req.expires_in_days {
        None => None,
        Some(d) if (1..=MAX_DAYS).contains(&d) => Some(Utc::now() + Duration::days(d)),
        Some(_) => {
            return Err(MarketError::validation(
                "expires_in_days",
                format!("Use a whole number of days from 1 to {MAX_DAYS}"),
            ))
        }
    };
    let key = secrets::new_api_key();
    let prefix = secrets::key_prefix(&key);
    let mut tx = state.pool.begin().await?;
    quotas::ensure_room(&mut tx, principal.tenant_id, Quota::ApiKeys).await?;
    let row = db::identity::insert_key(
        &mut *tx,
        db::identity::NewKey {
            id: Uuid::now_v7(),
            tenant_id: principal.tenant_id,
            user_id: principal.user_id,
            name: &name,
            scope,
            prefix: &prefix,
            key_hash: &secrets::hash_secret(&key),
            expires_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedKey {
        id: row.id,
        name: row.name,
        scope,
        key,
        prefix: row.prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
    })
}

pub async fn list(state: &AppState, principal: &Principal) -> MarketResult<KeyList> {
    let now = Utc::now();
    let keys = db::identity::list_keys(&state.pool, principal.tenant_id, principal.user_id)
        .await?
        .into_iter()
        .map(|k| KeyInfo {
            is_active: k.revoked_at.is_none() && k.expires_at.is_none_or(|e| e > now),
            scope: k.scope,
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            expires_at: k.expires_at,
        })
        .collect();
    Ok(KeyList { keys })
}

/// Another user's key, or an unknown id, is the same 404.
pub async fn revoke(state: &AppState, principal: &Principal, id: Uuid) -> MarketResult<()> {
    principal.require_write()?;
    if db::identity::revoke_key(&state.pool, principal.tenant_id, principal.user_id, id).await? {
        Ok(())
    } else {
        Err(MarketError::route_not_found().with_message("API key not found"))
    }
}
