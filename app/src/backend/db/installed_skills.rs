//! A tenant's installed copies of marketplace skills.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::skill::{InstalledSkill, PrivateFilter};

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
) -> Result<(InstalledSkill, bool), sqlx::Error> {
    let inserted: Option<InstalledSkill> = sqlx::query_as(&format!(
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
) -> Result<Option<InstalledSkill>, sqlx::Error> {
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
) -> Result<InstalledSkill, sqlx::Error> {
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

pub async fn list(pool: &PgPool, tenant_id: Uuid) -> Result<Vec<InstalledSkill>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM installed_skills WHERE tenant_id = $1 AND status = 'installed' ORDER BY created_at, id"
    ))
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// One row of the private marketplace: a tenant's own skill or an
/// installed copy of someone's.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PrivateItem {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub skill_type: Option<String>,
    pub category: Option<String>,
    pub is_own: bool,
    pub is_installed: bool,
    pub rating: f64,
    pub created_at: DateTime<Utc>,
}

pub async fn private_items(
    pool: &PgPool,
    tenant_id: Uuid,
    f: &PrivateFilter,
) -> Result<(Vec<PrivateItem>, i64), sqlx::Error> {
    let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(
        "WITH items AS ( \
           SELECT l.id, l.name, l.description, l.spec ->> 'skill_type' AS skill_type, l.category, \
                  true AS is_own, false AS is_installed, \
                  CASE WHEN l.rating_count = 0 THEN 0 ELSE round(l.rating_sum / l.rating_count, 2) END::float8 AS rating, \
                  l.created_at \
           FROM listings l WHERE l.kind = 'skill' AND l.publisher_tenant_id = ",
    );
    qb.push_bind(tenant_id);
    qb.push(
        " UNION ALL \
           SELECT i.id, i.name, i.description, l.spec ->> 'skill_type', l.category, false, true, \
                  CASE WHEN l.rating_count = 0 THEN 0 ELSE round(l.rating_sum / l.rating_count, 2) END::float8, \
                  i.created_at \
           FROM installed_skills i JOIN listings l ON l.id = i.listing_id \
           WHERE i.status = 'installed' AND i.tenant_id = ",
    );
    qb.push_bind(tenant_id);
    qb.push(") SELECT *, count(*) OVER () AS total FROM items WHERE true");
    if let Some(q) = &f.query {
        qb.push(" AND (name ILIKE ")
            .push_bind(format!("%{}%", q.replace(['%', '_'], "")))
            .push(" OR description ILIKE ")
            .push_bind(format!("%{}%", q.replace(['%', '_'], "")))
            .push(")");
    }
    if let Some(c) = &f.category {
        qb.push(" AND category = ").push_bind(c.clone());
    }
    if let Some(t) = &f.skill_type {
        qb.push(" AND skill_type = ").push_bind(t.clone());
    }
    if let Some(i) = f.is_installed {
        qb.push(" AND is_installed = ").push_bind(i);
    }
    qb.push(" ORDER BY ").push(f.order_by);
    qb.push(" LIMIT ")
        .push_bind(f.limit)
        .push(" OFFSET ")
        .push_bind(f.offset);
    #[derive(sqlx::FromRow)]
    struct Counted {
        #[sqlx(flatten)]
        item: PrivateItem,
        total: i64,
    }
    let rows: Vec<Counted> = qb.build_query_as().fetch_all(pool).await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((rows.into_iter().map(|r| r.item).collect(), total))
}

/// The active install of a listing on the same target, if any.
pub async fn find_active(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    listing_id: Uuid,
    agent_id: Option<Uuid>,
) -> Result<Option<InstalledSkill>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM installed_skills WHERE tenant_id = $1 AND listing_id = $2 \
         AND agent_id IS NOT DISTINCT FROM $3 AND status = 'installed'"
    ))
    .bind(tenant_id)
    .bind(listing_id)
    .bind(agent_id)
    .fetch_optional(db)
    .await
}

/// Installed skills counting against the plan's quota.
pub async fn count_active(db: impl PgExecutor<'_>, tenant_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM installed_skills WHERE tenant_id = $1 AND status = 'installed'",
    )
    .bind(tenant_id)
    .fetch_one(db)
    .await
}
