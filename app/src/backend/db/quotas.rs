//! What the plan quotas count, each in one SQL statement.

use sqlx::PgConnection;
use uuid::Uuid;

/// The tenant's plan, with its row locked until the caller's transaction
/// ends: every quota-checked write of a tenant takes this lock first (as
/// agents, installs and listings do), so a count cannot go stale between
/// the check and the insert.
pub async fn lock_plan(
    db: &mut PgConnection,
    tenant_id: Uuid,
) -> Result<crate::model::account::Plan, sqlx::Error> {
    sqlx::query_scalar("SELECT plan FROM tenants WHERE id = $1 FOR UPDATE")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

pub async fn workflows(db: &mut PgConnection, tenant_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM workflows WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

pub async fn canvases(db: &mut PgConnection, tenant_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM canvases WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

/// Keys that still open a door: revoked and expired ones do not count, so
/// rotating keys never runs into the limit.
pub async fn live_api_keys(db: &mut PgConnection, tenant_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > now())",
    )
    .bind(tenant_id)
    .fetch_one(db)
    .await
}

pub async fn domain_copies(db: &mut PgConnection, tenant_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM installed_domains WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

/// Versions of one of the tenant's own listings.
pub async fn listing_versions(
    db: &mut PgConnection,
    tenant_id: Uuid,
    listing_id: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM listing_versions v JOIN listings l ON l.id = v.listing_id \
         WHERE v.listing_id = $1 AND l.publisher_tenant_id = $2",
    )
    .bind(listing_id)
    .bind(tenant_id)
    .fetch_one(db)
    .await
}
