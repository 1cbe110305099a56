//! Frozen versions of listings.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub version_name: String,
    pub description: String,
    pub snapshot: Value,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    name: &str,
    description: &str,
    snapshot: &Value,
    user_id: Uuid,
) -> Result<VersionRow, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO listing_versions (id, listing_id, version_name, description, snapshot, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, listing_id, version_name, description, snapshot, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(listing_id)
    .bind(name)
    .bind(description)
    .bind(snapshot)
    .bind(user_id)
    .fetch_one(db)
    .await
}

pub async fn history(pool: &PgPool, listing_id: Uuid) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, listing_id, version_name, description, snapshot, created_at FROM listing_versions \
         WHERE listing_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(listing_id)
    .fetch_all(pool)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    id: Uuid,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, listing_id, version_name, description, snapshot, created_at FROM listing_versions \
         WHERE listing_id = $1 AND id = $2",
    )
    .bind(listing_id)
    .bind(id)
    .fetch_optional(db)
    .await
}
