//! Frozen versions of listings.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::listing::RevisionStatus;

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
    change_summary: Option<&Value>,
) -> Result<VersionRow, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO listing_versions (id, listing_id, version_name, description, snapshot, created_by, change_summary) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         RETURNING id, listing_id, version_name, description, snapshot, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(listing_id)
    .bind(name)
    .bind(description)
    .bind(snapshot)
    .bind(user_id)
    .bind(change_summary)
    .fetch_one(db)
    .await
}

/// Every version name of a listing (bounded by the versions quota), for
/// the version gate's ordering.
pub async fn names(db: impl PgExecutor<'_>, listing_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT version_name FROM listing_versions WHERE listing_id = $1")
        .bind(listing_id)
        .fetch_all(db)
        .await
}

/// The snapshot of a listing's version by name.
pub async fn snapshot_by_name(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    name: &str,
) -> Result<Option<Value>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT snapshot FROM listing_versions WHERE listing_id = $1 AND version_name = $2",
    )
    .bind(listing_id)
    .bind(name)
    .fetch_optional(db)
    .await
}

/// The version of a listing with this name, if there is one.
pub async fn id_by_name(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    name: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM listing_versions WHERE listing_id = $1 AND version_name = $2",
    )
    .bind(listing_id)
    .bind(name)
    .fetch_optional(db)
    .await
}

/// A version as history lists show it: never the snapshot, which can be
/// as large as the listing itself.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionSummary {
    pub id: Uuid,
    pub version_name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    /// What the version changed since the one before (the gate's
    /// `ChangeSummary`); `None` for versions frozen before the gate.
    pub change_summary: Option<Value>,
}

/// One page of a listing's versions, newest first.
pub async fn history(
    pool: &PgPool,
    listing_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<VersionSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, version_name, description, created_at, change_summary FROM listing_versions \
         WHERE listing_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(listing_id)
    .bind(limit)
    .bind(offset)
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

/// A change to a live listing awaiting review.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub fields: Value,
    pub content_hash: String,
    pub source: String,
    pub version_name: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

const REVISION_COLUMNS: &str =
    "id, listing_id, fields, content_hash, source, version_name, submitted_at";

/// The listing's pending revision, if any (callers hold the listing's lock).
pub async fn pending_revision(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
) -> Result<Option<RevisionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {REVISION_COLUMNS} FROM listing_revisions WHERE listing_id = $1 AND status = 'pending'"
    ))
    .bind(listing_id)
    .fetch_optional(db)
    .await
}

pub struct NewRevision<'a> {
    pub listing_id: Uuid,
    pub fields: &'a Value,
    pub content_hash: &'a str,
    pub source: &'a str,
    pub version_name: Option<&'a str>,
    pub user_id: Uuid,
}

/// Supersedes any pending revision of the listing and queues this one.
pub async fn replace_pending(
    db: &mut sqlx::PgConnection,
    r: NewRevision<'_>,
) -> Result<RevisionRow, sqlx::Error> {
    sqlx::query(
        "UPDATE listing_revisions SET status = 'superseded', decided_at = now() \
         WHERE listing_id = $1 AND status = 'pending'",
    )
    .bind(r.listing_id)
    .execute(&mut *db)
    .await?;
    sqlx::query_as(&format!(
        "INSERT INTO listing_revisions (id, listing_id, fields, content_hash, source, version_name, submitted_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {REVISION_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(r.listing_id)
    .bind(r.fields)
    .bind(r.content_hash)
    .bind(r.source)
    .bind(r.version_name)
    .bind(r.user_id)
    .fetch_one(&mut *db)
    .await
}

/// Closes the listing's pending revision as superseded: a later change,
/// a deletion or a withdrawal took its place.
pub async fn withdraw_pending(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    close_pending(db, listing_id, RevisionStatus::Superseded, None, by).await
}

/// Closes the listing's pending revision as `approved`, `rejected` or
/// `superseded`.
pub async fn close_pending(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    status: RevisionStatus,
    reason: Option<&str>,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE listing_revisions SET status = $2, reason = $3, decided_by = $4, decided_at = now() \
         WHERE listing_id = $1 AND status = 'pending'",
    )
    .bind(listing_id)
    .bind(status)
    .bind(reason)
    .bind(by)
    .execute(db)
    .await
    .map(drop)
}
