//! A tenant's agents (the install target of skills).

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::agent::{AgentRecord, Maturity};

pub async fn insert(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    name: &str,
    maturity: Maturity,
    template_id: Option<Uuid>,
) -> Result<AgentRecord, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO agents (id, tenant_id, name, maturity, template_id) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, tenant_id, name, maturity, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(tenant_id)
    .bind(name)
    .bind(maturity)
    .bind(template_id)
    .fetch_one(db)
    .await
}

pub async fn count_for_update(
    db: &mut sqlx::PgConnection,
    tenant_id: Uuid,
) -> Result<i64, sqlx::Error> {
    lock_tenant(&mut *db, tenant_id).await?;
    sqlx::query_scalar("SELECT count(*) FROM agents WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut *db)
        .await
}

pub async fn list(pool: &PgPool, tenant_id: Uuid) -> Result<Vec<AgentRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, name, maturity, created_at FROM agents WHERE tenant_id = $1 ORDER BY created_at, id",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<AgentRecord>, sqlx::Error> {
    sqlx::query_as("SELECT id, tenant_id, name, maturity, created_at FROM agents WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn tenant_plan(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<crate::model::account::Plan, sqlx::Error> {
    sqlx::query_scalar("SELECT plan FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

/// Serialises quota-checked writes of one tenant (agents, installs,
/// listings) so plan limits hold under concurrent requests.
pub async fn lock_tenant(db: &mut sqlx::PgConnection, tenant_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE")
        .bind(tenant_id)
        .execute(db)
        .await
        .map(drop)
}

pub async fn set_maturity(
    db: impl PgExecutor<'_>,
    id: Uuid,
    maturity: Maturity,
) -> Result<AgentRecord, sqlx::Error> {
    sqlx::query_as(
        "UPDATE agents SET maturity = $2 WHERE id = $1 RETURNING id, tenant_id, name, maturity, created_at",
    )
    .bind(id)
    .bind(maturity)
    .fetch_one(db)
    .await
}

/// The agent, locked for a change in the caller's transaction.
pub async fn get_for_update(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<AgentRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, name, maturity, created_at FROM agents WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(db)
    .await
}
