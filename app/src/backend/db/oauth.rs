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
