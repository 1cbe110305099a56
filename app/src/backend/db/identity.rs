//! Tenants, users and API keys.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::account::{Plan, Role};

#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub role: crate::model::account::Role,
}

/// Without the password hash: a logged row must not feed an offline guess.
impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("email", &self.email)
            .field("password_hash", &"***")
            .field("role", &self.role)
            .finish()
    }
}

pub async fn insert_tenant(
    db: impl PgExecutor<'_>,
    id: Uuid,
    name: &str,
    slug: &str,
    plan: Plan,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO tenants (id, name, slug, plan) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(name)
        .bind(slug)
        .bind(plan)
        .execute(db)
        .await
        .map(drop)
}

pub async fn tenant_exists(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

pub async fn slug_taken(db: impl PgExecutor<'_>, slug: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tenants WHERE slug = $1)")
        .bind(slug)
        .fetch_one(db)
        .await
}

pub async fn insert_user(
    db: impl PgExecutor<'_>,
    id: Uuid,
    tenant_id: Uuid,
    email: &str,
    password_hash: &str,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, tenant_id, email, password_hash, role) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(email)
    .bind(password_hash)
    .bind(role)
    .execute(db)
    .await
    .map(drop)
}

pub async fn user_by_email(pool: &PgPool, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, email, password_hash, role FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
}

pub async fn user_by_id(pool: &PgPool, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, tenant_id, email, password_hash, role FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub id: Uuid,
    pub name: String,
    pub scope: crate::model::account::Scope,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewKey<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub name: &'a str,
    pub scope: crate::model::account::Scope,
    pub prefix: &'a str,
    pub key_hash: &'a [u8],
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert_key(db: impl PgExecutor<'_>, k: NewKey<'_>) -> Result<KeyRow, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, scope, prefix, key_hash, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id, name, scope, prefix, created_at, last_used_at, expires_at, revoked_at",
    )
    .bind(k.id)
    .bind(k.tenant_id)
    .bind(k.user_id)
    .bind(k.name)
    .bind(k.scope)
    .bind(k.prefix)
    .bind(k.key_hash)
    .bind(k.expires_at)
    .fetch_one(db)
    .await
}

/// The caller's own keys: scoped by tenant and user.
pub async fn list_keys(
    pool: &PgPool,
    tenant_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<KeyRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, scope, prefix, created_at, last_used_at, expires_at, revoked_at \
         FROM api_keys WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Revokes one of the caller's keys; false when it is not theirs or gone.
pub async fn revoke_key(
    pool: &PgPool,
    tenant_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = now() \
         WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CredentialOwner {
    pub credential_id: Uuid,
    pub scope: crate::model::account::Scope,
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub role: crate::model::account::Role,
}

/// An active, unexpired key by its hash, with its user; marks it used
/// (at most once a minute, so reads do not turn into a write each).
pub async fn active_key_owner(
    pool: &PgPool,
    key_hash: &[u8],
) -> Result<Option<CredentialOwner>, sqlx::Error> {
    sqlx::query_as(
        "WITH k AS ( \
           SELECT id, scope, user_id FROM api_keys \
           WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())), \
         touched AS ( \
           UPDATE api_keys SET last_used_at = now() FROM k \
           WHERE api_keys.id = k.id \
             AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < now() - interval '1 minute')) \
         SELECT k.id AS credential_id, k.scope, u.id AS user_id, u.tenant_id, u.email, u.role \
         FROM k JOIN users u ON u.id = k.user_id",
    )
    .bind(key_hash)
    .fetch_optional(pool)
    .await
}

pub async fn marketplace_enabled(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT marketplace_enabled FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}
