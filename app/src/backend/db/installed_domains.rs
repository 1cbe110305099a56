//! Domains a tenant installed from marketplace templates.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InstalledDomainRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub template_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    template_id: Uuid,
    name: &str,
) -> Result<InstalledDomainRow, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO installed_domains (id, tenant_id, template_id, name) VALUES ($1, $2, $3, $4) \
         RETURNING id, tenant_id, template_id, name, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(tenant_id)
    .bind(template_id)
    .bind(name)
    .fetch_one(db)
    .await
}

/// The tenant's domain with this name, in any case: the one a new copy of
/// that name collides with (`installed_domains_name_key`).
pub async fn id_by_name(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    name: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM installed_domains WHERE tenant_id = $1 AND lower(name) = lower($2)",
    )
    .bind(tenant_id)
    .bind(name)
    .fetch_optional(db)
    .await
}

pub async fn list(pool: &PgPool, tenant_id: Uuid) -> Result<Vec<InstalledDomainRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, template_id, name, created_at FROM installed_domains \
         WHERE tenant_id = $1 ORDER BY created_at, id LIMIT 1000",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}
