//! Operator commands run from the command line. The CLI is trusted (it has
//! the database URL), so these take no principal; the rules are the same
//! parsers and services the web doors use.

use crate::backend::auth::{CredentialKind, Principal};
use crate::backend::services::{accounts, keys};
use crate::backend::{db, state::AppState};
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::{CreateKeyRequest, CreatedKey, Email, Password, Plan, Role, Scope};
use crate::model::bounds::ShortName;
use uuid::Uuid;

pub async fn create_tenant(state: &AppState, name: &str, plan: &str) -> MarketResult<Uuid> {
    let name = ShortName::parse("name", name)?.into_string();
    let plan = Plan::parse(plan)?;
    let mut tx = state.pool.begin().await?;
    let slug = accounts::unique_slug(&mut tx, &name).await?;
    let id = Uuid::now_v7();
    db::identity::insert_tenant(&mut *tx, id, &name, &slug, plan).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn create_user(
    state: &AppState,
    tenant_id: Uuid,
    email: &str,
    password: &str,
    role: &str,
) -> MarketResult<Uuid> {
    let email = Email::parse(email)?;
    let password = Password::parse(password)?;
    let role = Role::parse(role)?;
    if !db::identity::tenant_exists(&state.pool, tenant_id).await? {
        return Err(MarketError::new(
            ErrorCode::TenantNotFound,
            "Tenant context not found",
        ));
    }
    let hash = accounts::hash_password_blocking(password).await?;
    let id = Uuid::now_v7();
    db::identity::insert_user(&state.pool, id, tenant_id, email.as_str(), &hash, role)
        .await
        .map_err(|e| accounts::duplicate_email(e, &email))?;
    Ok(id)
}

pub async fn create_api_key(
    state: &AppState,
    user_id: Uuid,
    scope: &str,
    name: &str,
) -> MarketResult<CreatedKey> {
    let user = db::identity::user_by_id(&state.pool, user_id)
        .await?
        .ok_or_else(|| MarketError::route_not_found().with_message("User not found"))?;
    let principal = Principal {
        tenant_id: user.tenant_id,
        user_id: user.id,
        email: user.email,
        role: user.role,
        scope: Scope::ReadWrite,
        credential: CredentialKind::Cli,
        credential_id: None,
    };
    keys::create(
        state,
        &principal,
        &CreateKeyRequest {
            name: name.to_owned(),
            scope: scope.to_owned(),
            expires_in_days: None,
        },
    )
    .await
}
