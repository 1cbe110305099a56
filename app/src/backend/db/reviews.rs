//! Ratings and reviews; listing counters move in the same transaction.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::kind::ListingKind;
use crate::model::listing::{ListingStatus, Review};

/// Whether the rater used what they rate: read from the install ledger by
/// the rating use case, written with the rating.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub verified_install: bool,
    pub version: Option<String>,
}

const COLUMNS: &str = "id, listing_id, user_id, rating::float8 AS rating, review, helpful_count, \
    not_helpful_count, author_response, author_response_at, created_at, verified_install, version, \
    (SELECT name FROM tenants WHERE tenants.id = reviews.tenant_id) AS tenant_name";

/// Inserts the user's rating; `None` when they already rated.
pub async fn insert(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    user_id: Uuid,
    tenant_id: Uuid,
    rating: f64,
    review: Option<&str>,
    provenance: &Provenance,
) -> Result<Option<Review>, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO reviews (id, listing_id, user_id, tenant_id, rating, review, verified_install, version) \
         VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8) ON CONFLICT (listing_id, user_id) DO NOTHING \
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(listing_id)
    .bind(user_id)
    .bind(tenant_id)
    .bind(rating)
    .bind(review)
    .bind(provenance.verified_install)
    .bind(provenance.version.as_deref())
    .fetch_optional(db)
    .await
}

/// Replaces the user's rating; returns the rating the listing's counters
/// held for it (`None` if the user never rated), so the counters move by
/// `new - returned`. A hidden review is not in the counters at all: it
/// returns the new rating, a move of zero, and restoring it later adds the
/// rating it has then. A replacement is a new judgement: whether it is
/// verified, and at which version, is what holds now.
pub async fn replace(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    user_id: Uuid,
    rating: f64,
    review: Option<&str>,
    provenance: &Provenance,
) -> Result<Option<f64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE reviews r SET rating = $3::numeric, review = $4, verified_install = $5, version = $6, \
         updated_at = now() \
         FROM (SELECT id, rating, hidden FROM reviews WHERE listing_id = $1 AND user_id = $2 FOR UPDATE) old \
         WHERE r.id = old.id \
         RETURNING (CASE WHEN old.hidden THEN r.rating ELSE old.rating END)::float8",
    )
    .bind(listing_id)
    .bind(user_id)
    .bind(rating)
    .bind(review)
    .bind(provenance.verified_install)
    .bind(provenance.version.as_deref())
    .fetch_optional(db)
    .await
}

/// Moves the listing's rating counters; returns (sum, count) after.
pub async fn bump_listing(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    add_sum: f64,
    add_count: i32,
) -> Result<(f64, i32), sqlx::Error> {
    sqlx::query_as(
        "UPDATE listings SET rating_sum = rating_sum + $2::numeric, rating_count = rating_count + $3 \
         WHERE id = $1 RETURNING rating_sum::float8, rating_count",
    )
    .bind(listing_id)
    .bind(add_sum)
    .bind(add_count)
    .fetch_one(db)
    .await
}

/// A page of a listing's visible reviews, newest first; `verified_only`
/// keeps those whose rater's tenant had installed the listing.
pub async fn page(
    pool: &PgPool,
    listing_id: Uuid,
    verified_only: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Review>, i64), sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reviews WHERE listing_id = $1 AND NOT hidden \
         AND (verified_install OR NOT $4) \
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(listing_id)
    .bind(limit)
    .bind(offset)
    .bind(verified_only)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM reviews WHERE listing_id = $1 AND NOT hidden \
         AND (verified_install OR NOT $2)",
    )
    .bind(listing_id)
    .bind(verified_only)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// The latest visible reviews of a listing (no total).
pub async fn recent(
    pool: &PgPool,
    listing_id: Uuid,
    limit: i64,
) -> Result<Vec<Review>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reviews WHERE listing_id = $1 AND NOT hidden \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(listing_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A review of a listing of this kind that the caller can see.
pub async fn visible_listing_of(
    pool: &PgPool,
    review_id: Uuid,
    kind: ListingKind,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT r.listing_id FROM reviews r JOIN listings l ON l.id = r.listing_id \
         WHERE r.id = $1 AND l.kind = $2 AND l.status = 'approved' AND NOT r.hidden",
    )
    .bind(review_id)
    .bind(kind)
    .fetch_optional(pool)
    .await
}

/// Records a flag once per user; counts it on the review.
pub async fn flag(
    db: &mut sqlx::PgConnection,
    review_id: Uuid,
    user_id: Uuid,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO review_flags (id, review_id, user_id, reason) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (review_id, user_id) DO UPDATE SET reason = EXCLUDED.reason",
    )
    .bind(Uuid::now_v7())
    .bind(review_id)
    .bind(user_id)
    .bind(reason)
    .execute(&mut *db)
    .await?;
    if inserted.rows_affected() > 0 {
        sqlx::query(
            "UPDATE reviews SET flag_count = (SELECT count(*) FROM review_flags WHERE review_id = $1) WHERE id = $1",
        )
        .bind(review_id)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReviewContext {
    pub listing_id: Uuid,
    pub kind: ListingKind,
    pub status: ListingStatus,
    pub publisher_tenant_id: Uuid,
    pub author_id: Uuid,
    pub hidden: bool,
}

pub async fn context(pool: &PgPool, review_id: Uuid) -> Result<Option<ReviewContext>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.listing_id, l.kind, l.status, l.publisher_tenant_id, r.user_id AS author_id, r.hidden \
         FROM reviews r JOIN listings l ON l.id = r.listing_id WHERE r.id = $1",
    )
    .bind(review_id)
    .fetch_optional(pool)
    .await
}

/// Records (or changes) a user's vote; counts are recomputed from the
/// votes themselves, so they stay exact under concurrency.
pub async fn vote(
    db: &mut sqlx::PgConnection,
    review_id: Uuid,
    user_id: Uuid,
    helpful: bool,
) -> Result<(i32, i32), sqlx::Error> {
    sqlx::query(
        "INSERT INTO review_votes (review_id, user_id, helpful) VALUES ($1, $2, $3) \
         ON CONFLICT (review_id, user_id) DO UPDATE SET helpful = EXCLUDED.helpful",
    )
    .bind(review_id)
    .bind(user_id)
    .bind(helpful)
    .execute(&mut *db)
    .await?;
    sqlx::query_as(
        "UPDATE reviews SET \
           helpful_count = (SELECT count(*) FROM review_votes WHERE review_id = $1 AND helpful), \
           not_helpful_count = (SELECT count(*) FROM review_votes WHERE review_id = $1 AND NOT helpful) \
         WHERE id = $1 RETURNING helpful_count, not_helpful_count",
    )
    .bind(review_id)
    .fetch_one(&mut *db)
    .await
}

pub async fn respond(
    db: impl PgExecutor<'_>,
    review_id: Uuid,
    response: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reviews SET author_response = $2, author_response_at = now() WHERE id = $1")
        .bind(review_id)
        .bind(response)
        .execute(db)
        .await
        .map(drop)
}
