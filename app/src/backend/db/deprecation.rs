//! A listing's deprecation: the publisher's reason and replacement.

use super::listings::COLUMNS;
use crate::model::deprecation::DeprecationFields;
use crate::model::listing::Listing;
use sqlx::PgExecutor;
use uuid::Uuid;

impl Listing {
    /// `deprecated` and `deprecation` as every kind's answers carry them.
    pub fn deprecation_fields(&self) -> DeprecationFields {
        DeprecationFields::from_parts(
            self.deprecated_at,
            self.deprecation_reason.as_deref(),
            self.replacement_id,
        )
    }
}

/// A listing of any kind by its UUID or its string id (workflow
/// templates), through the shared [`super::listing_ids::resolve`].
pub async fn find_any(
    conn: &mut sqlx::PgConnection,
    raw: &str,
) -> Result<Option<Listing>, sqlx::Error> {
    let Some(id) = super::listing_ids::resolve(&mut *conn, raw).await? else {
        return Ok(None);
    };
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM listings WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Locks listings for a change, in id order so that two changes naming
/// each other wait instead of deadlocking; returns them in that order.
pub async fn lock_all(db: impl PgExecutor<'_>, ids: &[Uuid]) -> Result<Vec<Listing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM listings WHERE id = ANY($1) ORDER BY id FOR UPDATE"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
}

/// Deprecates (or re-words the deprecation of) a listing; the first
/// deprecation's time is kept when only the reason or replacement changes.
pub async fn set(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reason: &str,
    replacement_id: Option<Uuid>,
) -> Result<Listing, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE listings SET deprecated_at = coalesce(deprecated_at, now()), \
         deprecation_reason = $2, replacement_id = $3, updated_at = now() \
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(reason)
    .bind(replacement_id)
    .fetch_one(db)
    .await
}

pub async fn clear(db: impl PgExecutor<'_>, id: Uuid) -> Result<Listing, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE listings SET deprecated_at = NULL, deprecation_reason = NULL, \
         replacement_id = NULL, updated_at = CASE WHEN deprecated_at IS NULL THEN updated_at ELSE now() END \
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(db)
    .await
}

/// The name of an approved listing (a replacement as visitors see it).
pub async fn approved_name(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM listings WHERE id = $1 AND status = 'approved'")
        .bind(id)
        .fetch_optional(db)
        .await
}
