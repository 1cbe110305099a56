//! Operator views and the audit log.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::account::Plan;

pub struct AuditEntry<'a> {
    pub actor: &'a crate::backend::auth::Principal,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn audit(db: impl PgExecutor<'_>, e: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, actor_user_id, actor_tenant_id, action, target_type, target_id, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7())
    .bind(e.actor.user_id)
    .bind(e.actor.tenant_id)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.before)
    .bind(e.after)
    .execute(db)
    .await
    .map(drop)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: Uuid,
    pub actor_user_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub created_at: DateTime<Utc>,
}

pub async fn audit_page(
    pool: &PgPool,
    action: Option<&str>,
    target_id: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, actor_user_id, action, target_type, target_id, before, after, created_at FROM audit_log \
         WHERE ($1::text IS NULL OR action = $1) AND ($2::uuid IS NULL OR target_id = $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
    )
    .bind(action)
    .bind(target_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// A queue entry: a listing in review, or an approved listing with a
/// change in review (`revision_fields`, still to be laid over it).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    #[sqlx(flatten)]
    pub listing: crate::model::listing::Listing,
    pub revision_fields: Option<Value>,
    pub revision_source: Option<String>,
    pub revision_hash: Option<String>,
    pub queued_at: DateTime<Utc>,
}

/// Everything awaiting review, every kind, oldest submission first: new
/// listings and changes to approved ones.
pub async fn review_queue(
    pool: &PgPool,
    limit: i64,
    offset: i64,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {}, revision_fields, revision_source, revision_hash, queued_at FROM ( \
           (SELECT l.*, NULL::jsonb AS revision_fields, NULL::text AS revision_source, \
                   NULL::text AS revision_hash, coalesce(l.submitted_at, l.updated_at) AS queued_at \
              FROM listings l WHERE l.status = 'pending_approval' \
              ORDER BY l.submitted_at, l.id LIMIT $1 + $2) \
           UNION ALL \
           (SELECT l.*, r.fields, r.source, r.content_hash, r.submitted_at \
              FROM listing_revisions r JOIN listings l ON l.id = r.listing_id \
              WHERE r.status = 'pending' AND l.status = 'approved' \
              ORDER BY r.submitted_at, r.listing_id LIMIT $1 + $2) \
         ) q ORDER BY queued_at ASC, id LIMIT $1 OFFSET $2",
        super::listings::COLUMNS
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FlaggedRow {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub rating: f64,
    pub review: Option<String>,
    pub flag_count: i32,
    pub hidden: bool,
    pub reasons: Vec<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn flagged_reviews(
    pool: &PgPool,
    limit: i64,
    offset: i64,
) -> Result<Vec<FlaggedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.listing_id, r.rating::float8 AS rating, r.review, r.flag_count, r.hidden, \
           coalesce(array_agg(f.reason ORDER BY f.created_at) FILTER (WHERE f.reason IS NOT NULL), '{}') AS reasons, \
           r.created_at \
         FROM reviews r LEFT JOIN review_flags f ON f.review_id = r.id \
         WHERE r.flag_count > 0 GROUP BY r.id ORDER BY r.flag_count DESC, r.created_at LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// Hides or restores a review; the listing's rating counters follow, so
/// averages are over visible ratings. Returns the previous state.
pub async fn set_review_hidden(
    db: &mut sqlx::PgConnection,
    review_id: Uuid,
    hidden: bool,
) -> Result<Option<bool>, sqlx::Error> {
    let row: Option<(bool, Uuid, f64)> = sqlx::query_as(
        "SELECT hidden, listing_id, rating::float8 FROM reviews WHERE id = $1 FOR UPDATE",
    )
    .bind(review_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some((was, listing_id, rating)) = row else {
        return Ok(None);
    };
    if was != hidden {
        sqlx::query("UPDATE reviews SET hidden = $2 WHERE id = $1")
            .bind(review_id)
            .bind(hidden)
            .execute(&mut *db)
            .await?;
        let (sum, count) = if hidden { (-rating, -1) } else { (rating, 1) };
        super::reviews::bump_listing(&mut *db, listing_id, sum, count).await?;
    }
    Ok(Some(was))
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct TenantRow {
    pub id: Uuid,
    pub name: String,
    pub plan: Plan,
    pub marketplace_enabled: bool,
}

pub async fn tenant_for_update(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<TenantRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, plan, marketplace_enabled FROM tenants WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn update_tenant(
    db: impl PgExecutor<'_>,
    id: Uuid,
    plan: Plan,
    enabled: bool,
) -> Result<TenantRow, sqlx::Error> {
    sqlx::query_as(
        "UPDATE tenants SET plan = $2, marketplace_enabled = $3 WHERE id = $1 RETURNING id, name, plan, marketplace_enabled",
    )
    .bind(id)
    .bind(plan)
    .bind(enabled)
    .fetch_one(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Maintenance {
    pub maintenance_enabled: bool,
    pub maintenance_message: Option<String>,
    pub maintenance_started_at: Option<DateTime<Utc>>,
    pub maintenance_expected_end: Option<DateTime<Utc>>,
}

pub async fn maintenance(db: impl PgExecutor<'_>) -> Result<Maintenance, sqlx::Error> {
    sqlx::query_as(
        "SELECT maintenance_enabled, maintenance_message, maintenance_started_at, maintenance_expected_end \
         FROM platform_settings WHERE id",
    )
    .fetch_one(db)
    .await
}

pub async fn set_maintenance(
    db: impl PgExecutor<'_>,
    enabled: bool,
    message: Option<&str>,
    expected_end: Option<DateTime<Utc>>,
) -> Result<Maintenance, sqlx::Error> {
    sqlx::query_as(
        "UPDATE platform_settings SET maintenance_enabled = $1, maintenance_message = $2, \
           maintenance_started_at = CASE WHEN $1 THEN coalesce(CASE WHEN maintenance_enabled THEN maintenance_started_at END, now()) END, \
           maintenance_expected_end = $3 \
         WHERE id RETURNING maintenance_enabled, maintenance_message, maintenance_started_at, maintenance_expected_end",
    )
    .bind(enabled)
    .bind(message)
    .bind(expected_end)
    .fetch_one(db)
    .await
}
