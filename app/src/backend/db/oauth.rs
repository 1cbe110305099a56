//! OAuth clients, authorization codes and tokens.

use super::identity::CredentialOwner;
use sqlx::PgPool;

/// The owner of an unexpired, unrevoked access token.
pub async fn active_access_owner(
    pool: &PgPool,
    access_hash: &[u8],
) -> Result<Option<CredentialOwner>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id AS credential_id, t.scope, u.id AS user_id, u.tenant_id, u.email, u.role \
         FROM oauth_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.access_hash = $1 AND t.revoked_at IS NULL AND t.access_expires_at > now()",
    )
    .bind(access_hash)
    .fetch_optional(pool)
    .await
}

#[derive(Clone, sqlx::FromRow)]
pub struct ClientRow {
    pub id: uuid::Uuid,
    pub client_id: String,
    pub secret_hash: Vec<u8>,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub user_id: uuid::Uuid,
}

/// Without the secret's hash: a logged row must not help a brute force.
impl std::fmt::Debug for ClientRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRow")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("secret_hash", &"***")
            .field("name", &self.name)
            .field("redirect_uris", &self.redirect_uris)
            .field("user_id", &self.user_id)
            .finish()
    }
}

/// A client as its owner sees it in the list (no secret, not even hashed).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClientInfoRow {
    pub client_id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The caller's own clients: scoped by tenant and user, as keys are.
pub async fn list_clients(
    pool: &PgPool,
    tenant_id: uuid::Uuid,
    user_id: uuid::Uuid,
) -> Result<Vec<ClientInfoRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT client_id, name, redirect_uris, created_at FROM oauth_clients \
         WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Deletes one of the caller's clients with its codes and tokens (the
/// foreign keys cascade); false when it is not theirs or gone.
pub async fn delete_client(
    pool: &PgPool,
    tenant_id: uuid::Uuid,
    user_id: uuid::Uuid,
    client_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM oauth_clients WHERE client_id = $1 AND tenant_id = $2 AND user_id = $3",
    )
    .bind(client_id)
    .bind(tenant_id)
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_client(
    pool: &PgPool,
    row: &ClientRow,
    tenant_id: uuid::Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oauth_clients (id, client_id, secret_hash, name, redirect_uris, tenant_id, user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(row.id)
    .bind(&row.client_id)
    .bind(&row.secret_hash)
    .bind(&row.name)
    .bind(&row.redirect_uris)
    .bind(tenant_id)
    .bind(row.user_id)
    .execute(pool)
    .await
    .map(drop)
}

pub async fn client_by_client_id(
    pool: &PgPool,
    client_id: &str,
) -> Result<Option<ClientRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, client_id, secret_hash, name, redirect_uris, user_id FROM oauth_clients WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(pool)
    .await
}

pub struct NewCode<'a> {
    pub code_hash: &'a [u8],
    pub client_id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub redirect_uri: &'a str,
    pub scope: crate::model::account::Scope,
    pub code_challenge: &'a str,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

pub async fn insert_code(pool: &PgPool, c: NewCode<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, scope, code_challenge, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.code_hash)
    .bind(c.client_id)
    .bind(c.user_id)
    .bind(c.redirect_uri)
    .bind(c.scope)
    .bind(c.code_challenge)
    .bind(c.expires_at)
    .execute(pool)
    .await
    .map(drop)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CodeRow {
    pub client_id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub redirect_uri: String,
    pub scope: crate::model::account::Scope,
    pub code_challenge: String,
}

/// Marks a live code used and returns it: a code works exactly once.
pub async fn consume_code(
    db: impl sqlx::PgExecutor<'_>,
    code_hash: &[u8],
) -> Result<Option<CodeRow>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE oauth_codes SET used_at = now() \
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() \
         RETURNING client_id, user_id, redirect_uri, scope, code_challenge",
    )
    .bind(code_hash)
    .fetch_optional(db)
    .await
}

pub struct NewToken<'a> {
    pub id: uuid::Uuid,
    pub family_id: uuid::Uuid,
    pub client_id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub scope: crate::model::account::Scope,
    pub access_hash: &'a [u8],
    pub refresh_hash: &'a [u8],
    pub access_expires_at: chrono::DateTime<chrono::Utc>,
    pub refresh_expires_at: chrono::DateTime<chrono::Utc>,
    pub family_started_at: chrono::DateTime<chrono::Utc>,
}

pub async fn insert_token(
    db: impl sqlx::PgExecutor<'_>,
    t: NewToken<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oauth_tokens (id, family_id, client_id, user_id, scope, access_hash, refresh_hash, \
         access_expires_at, refresh_expires_at, family_started_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(t.id)
    .bind(t.family_id)
    .bind(t.client_id)
    .bind(t.user_id)
    .bind(t.scope)
    .bind(t.access_hash)
    .bind(t.refresh_hash)
    .bind(t.access_expires_at)
    .bind(t.refresh_expires_at)
    .bind(t.family_started_at)
    .execute(db)
    .await
    .map(drop)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefreshRow {
    pub id: uuid::Uuid,
    pub family_id: uuid::Uuid,
    pub client_id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub scope: crate::model::account::Scope,
    pub live: bool,
    pub family_started_at: chrono::DateTime<chrono::Utc>,
}

/// The token row a refresh token belongs to, locked for rotation.
pub async fn refresh_row_for_update(
    db: impl sqlx::PgExecutor<'_>,
    refresh_hash: &[u8],
) -> Result<Option<RefreshRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, family_id, client_id, user_id, scope, \
         (rotated_at IS NULL AND revoked_at IS NULL AND refresh_expires_at > now()) AS live, \
         family_started_at \
         FROM oauth_tokens WHERE refresh_hash = $1 FOR UPDATE",
    )
    .bind(refresh_hash)
    .fetch_optional(db)
    .await
}

/// Retires a refresh token; its access token stays valid until it expires.
pub async fn mark_rotated(
    db: impl sqlx::PgExecutor<'_>,
    id: uuid::Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE oauth_tokens SET rotated_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(drop)
}

/// Reuse of a retired refresh token, or a revocation: every token of the
/// family dies.
pub async fn revoke_family(
    db: impl sqlx::PgExecutor<'_>,
    family_id: uuid::Uuid,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE oauth_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
    )
    .bind(family_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// The family of an access or refresh token issued to `client` (RFC 7009
/// lets the server search every token type whatever the hint says).
/// Another client's token is `None`, as an unknown one is.
pub async fn family_of_token(
    pool: &PgPool,
    token_hash: &[u8],
    client: uuid::Uuid,
) -> Result<Option<uuid::Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT family_id FROM oauth_tokens \
         WHERE (access_hash = $1 OR refresh_hash = $1) AND client_id = $2 LIMIT 1",
    )
    .bind(token_hash)
    .bind(client)
    .fetch_optional(pool)
    .await
}
