//! A tenant's installed copies of marketplace skills.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InstalledRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub listing_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub name: String,
    pub description: String,
    pub config_overrides: Value,
    pub environment_vars: Value,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, tenant_id, listing_id, agent_id, name, description, config_overrides, environment_vars, status, created_at";

/// Installs once per (tenant, listing, agent); a repeat returns the
/// existing row unchanged.
pub async fn insert_or_existing(
    db: &mut sqlx::PgConnection,
    tenant_id: Uuid,
    listing_id: Uuid,
    agent_id: Option<Uuid>,
    name: &str,
    description: &str,
    config_overrides: &Value,
) -> Result<(InstalledRow, bool), sqlx::Error> {
    let inserted: Option<InstalledRow> = sqlx::query_as(&format!(
        "INSERT INTO installed_skills (id, tenant_id, listing_id, agent_id, name, description, config_overrides) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(tenant_id)
    .bind(listing_id)
    .bind(agent_id)
    .bind(name)
    .bind(description)
    .bind(config_overrides)
    .fetch_optional(&mut *db)
    .await?;
    if let Some(row) = inserted {
        return Ok((row, true));
    }
    let existing = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM installed_skills WHERE tenant_id = $1 AND listing_id = $2 \
         AND agent_id IS NOT DISTINCT FROM $3 AND status = 'installed'"
    ))
    .bind(tenant_id)
    .bind(listing_id)
    .bind(agent_id)
    .fetch_one(&mut *db)
    .await?;
    Ok((existing, false))
}

pub async fn get(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<InstalledRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM installed_skills WHERE tenant_id = $1 AND id = $2 AND status = 'installed'"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn customize(
    db: impl PgExecutor<'_>,
    id: Uuid,
    name: &str,
    description: &str,
    config_overrides: &Value,
    environment_vars: &Value,
) -> Result<InstalledRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE installed_skills SET name = $2, description = $3, config_overrides = $4, \
         environment_vars = $5, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(name)
    .bind(description)
    .bind(config_overrides)
    .bind(environment_vars)
    .fetch_one(db)
    .await
}

pub async fn uninstall(db: impl PgExecutor<'_>, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE installed_skills SET status = 'uninstalled', updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await
    .map(drop)
}

/// Whether the tenant still has the listing installed anywhere.
pub async fn any_installed(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    listing_id: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM installed_skills WHERE tenant_id = $1 AND listing_id = $2 AND status = 'installed')",
    )
    .bind(tenant_id)
    .bind(listing_id)
    .fetch_one(db)
    .await
}

pub async fn list(pool: &PgPool, tenant_id: Uuid) -> Result<Vec<InstalledRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM installed_skills WHERE tenant_id = $1 AND status = 'installed' ORDER BY created_at, id"
    ))
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}
