//! Fixed one-minute windows shared by every server process.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Counts `n` hits in `bucket`'s window and returns the hits so far.
pub async fn hit(
    pool: &PgPool,
    bucket: &str,
    window_start: DateTime<Utc>,
    n: i32,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO rate_limit_windows (bucket, window_start, hits) VALUES ($1, $2, $3) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_windows.hits + $3 \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .bind(n)
    .fetch_one(pool)
    .await
}

/// Drops windows that can no longer matter.
pub async fn prune(pool: &PgPool, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM rate_limit_windows WHERE window_start < $1")
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
}
