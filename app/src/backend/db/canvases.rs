//! A tenant's canvases and the components placed on them.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::component::{CanvasRecord, PlacedComponent};

pub async fn insert(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    name: &str,
) -> Result<CanvasRecord, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO canvases (id, tenant_id, name) VALUES ($1, $2, $3) \
         RETURNING id, tenant_id, name, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(tenant_id)
    .bind(name)
    .fetch_one(db)
    .await
}

pub async fn list(pool: &PgPool, tenant_id: Uuid) -> Result<Vec<CanvasRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, name, created_at FROM canvases WHERE tenant_id = $1 \
         ORDER BY created_at, id LIMIT 1000",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<CanvasRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, name, created_at FROM canvases WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Places a component; returns whether it was not there yet.
pub async fn place(
    db: impl PgExecutor<'_>,
    canvas_id: Uuid,
    listing_id: Uuid,
    tenant_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO canvas_components (canvas_id, listing_id, tenant_id) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(canvas_id)
    .bind(listing_id)
    .bind(tenant_id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn components(
    pool: &PgPool,
    canvas_id: Uuid,
) -> Result<Vec<PlacedComponent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id AS listing_id, l.name, l.spec ->> 'version' AS version, c.installed_at \
         FROM canvas_components c JOIN listings l ON l.id = c.listing_id \
         WHERE c.canvas_id = $1 ORDER BY c.installed_at, l.id",
    )
    .bind(canvas_id)
    .fetch_all(pool)
    .await
}

/// The components placed on a tenant's canvases, as (canvas, component
/// name), in placement order: one query for the whole workspace page.
pub async fn placed_for_tenant(
    pool: &PgPool,
    tenant_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.canvas_id, l.name \
         FROM canvas_components c JOIN canvases v ON v.id = c.canvas_id \
         JOIN listings l ON l.id = c.listing_id \
         WHERE v.tenant_id = $1 ORDER BY c.installed_at, l.id",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}
