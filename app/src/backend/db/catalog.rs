use sqlx::PgPool;

/// Approved listings per kind.
pub async fn approved_counts_by_kind(pool: &PgPool) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, count(*) FROM listings WHERE status = 'approved' GROUP BY kind ORDER BY kind",
    )
    .fetch_all(pool)
    .await
}

/// The busiest categories of approved listings, across kinds.
pub async fn top_categories(
    pool: &PgPool,
    limit: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, category, count(*) AS n FROM listings \
         WHERE status = 'approved' AND category IS NOT NULL \
         GROUP BY kind, category ORDER BY n DESC, category LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}
