//! Reads of the daily rollups (`listing_daily_stats`, `review_queue_daily`),
//! which triggers keep in the events' transactions. Every read is bounded
//! by the window (at most a year of days) and never scans the raw ledger.

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

/// What the access rule and the totals need of a listing.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatsSubject {
    pub id: Uuid,
    pub status: crate::model::listing::ListingStatus,
    pub publisher_tenant_id: Uuid,
    pub installs: i64,
    pub active_installs: i64,
    pub rating_count: i64,
    pub rating_sum: f64,
}

pub async fn subject(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<StatsSubject>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, status, publisher_tenant_id, installs::int8 AS installs, \
           active_installs::int8 AS active_installs, rating_count::int8 AS rating_count, \
           rating_sum::float8 AS rating_sum \
         FROM listings WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// One day of a listing, all versions summed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DayRow {
    pub day: NaiveDate,
    pub installs: i64,
    pub reinstalls: i64,
    pub uninstalls: i64,
    pub ratings: i64,
    pub rating_sum: f64,
}

/// The running totals before `from`: where the window's cumulative lines
/// start (active installs, the rating average).
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Before {
    pub active: i64,
    pub ratings: i64,
    pub rating_sum: f64,
}

pub async fn listing_days(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    from: NaiveDate,
) -> Result<Vec<DayRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, sum(installs)::int8 AS installs, sum(reinstalls)::int8 AS reinstalls, \
           sum(uninstalls)::int8 AS uninstalls, sum(ratings)::int8 AS ratings, \
           sum(rating_sum)::float8 AS rating_sum \
         FROM listing_daily_stats WHERE listing_id = $1 AND day >= $2 \
         GROUP BY day ORDER BY day",
    )
    .bind(listing_id)
    .bind(from)
    .fetch_all(db)
    .await
}

pub async fn listing_before(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    from: NaiveDate,
) -> Result<Before, sqlx::Error> {
    sqlx::query_as(
        "SELECT coalesce(sum(installs + reinstalls - uninstalls), 0)::int8 AS active, \
           coalesce(sum(ratings), 0)::int8 AS ratings, coalesce(sum(rating_sum), 0)::float8 AS rating_sum \
         FROM listing_daily_stats WHERE listing_id = $1 AND day < $2",
    )
    .bind(listing_id)
    .bind(from)
    .fetch_one(db)
    .await
}

pub async fn by_version(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    from: NaiveDate,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, sum(installs)::int8 FROM listing_daily_stats \
         WHERE listing_id = $1 AND day >= $2 GROUP BY version \
         HAVING sum(installs) <> 0 ORDER BY 2 DESC, 1 LIMIT 100",
    )
    .bind(listing_id)
    .bind(from)
    .fetch_all(db)
    .await
}

/// A tenant's listing with its installs since `from`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecentListing {
    pub id: Uuid,
    pub kind: crate::model::kind::ListingKind,
    pub name: String,
    pub status: crate::model::listing::ListingStatus,
    pub recent_installs: i64,
}

/// The tenant's listings, most installed since `from` first (the
/// tenant's listings are bounded by its quota).
pub async fn recent_by_publisher(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    from: NaiveDate,
    limit: i64,
) -> Result<Vec<RecentListing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id, l.kind, l.name, l.status, coalesce(sum(s.installs), 0)::int8 AS recent_installs \
         FROM listings l LEFT JOIN listing_daily_stats s ON s.listing_id = l.id AND s.day >= $2 \
         WHERE l.publisher_tenant_id = $1 \
         GROUP BY l.id ORDER BY recent_installs DESC, l.name, l.id LIMIT $3",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn count_by_publisher(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM listings WHERE publisher_tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

/// Installs per day of several listings at once (the dashboard).
pub async fn installs_of(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
    from: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT listing_id, day, sum(installs)::int8 FROM listing_daily_stats \
         WHERE listing_id = ANY($1) AND day >= $2 GROUP BY listing_id, day ORDER BY listing_id, day",
    )
    .bind(ids)
    .bind(from)
    .fetch_all(db)
    .await
}

/// One day of the review queue as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub day: NaiveDate,
    pub submissions: i64,
    pub approvals: i64,
    pub rejections: i64,
    pub withdrawals: i64,
    pub queue_size: i64,
    pub oldest_submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decision_buckets: Vec<Option<i32>>,
}

/// The day's histogram from index 1: a day's first decision in bucket n
/// makes PostgreSQL start the array at n, which sqlx cannot decode.
const BUCKETS: &str = "array_cat(array_fill(NULL::integer, \
    ARRAY[greatest(coalesce(array_lower(decision_buckets, 1), 1) - 1, 0)]), decision_buckets) \
    AS decision_buckets";

/// The window's days, and the last stored day before it (the state a
/// window that starts without a change carries on from).
pub async fn queue_days(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "(SELECT day, submissions::int8, approvals::int8, rejections::int8, withdrawals::int8, \
            queue_size::int8, oldest_submitted_at, {BUCKETS} \
          FROM review_queue_daily WHERE day < $1 ORDER BY day DESC LIMIT 1) \
         UNION ALL \
         (SELECT day, submissions::int8, approvals::int8, rejections::int8, withdrawals::int8, \
            queue_size::int8, oldest_submitted_at, {BUCKETS} \
          FROM review_queue_daily WHERE day >= $1) \
         ORDER BY day"
    ))
    .bind(from)
    .fetch_all(db)
    .await
}

/// The oldest waiting item now, from the queue indexes.
pub async fn queue_oldest_now(
    db: impl PgExecutor<'_>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    sqlx::query_scalar("SELECT review_queue_oldest()")
        .fetch_one(db)
        .await
}
