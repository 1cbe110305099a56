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

/// Display names of tenants, for publisher labels.
pub async fn tenant_names(
    pool: &PgPool,
    ids: &[uuid::Uuid],
) -> Result<Vec<(uuid::Uuid, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM tenants WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(pool)
        .await
}

/// Visible ratings per star, 5 down to 1 (halves round up).
pub async fn rating_distribution(
    pool: &PgPool,
    listing_id: uuid::Uuid,
) -> Result<[i64; 5], sqlx::Error> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT ceil(rating)::int, count(*) FROM reviews WHERE listing_id = $1 AND NOT hidden GROUP BY 1",
    )
    .bind(listing_id)
    .fetch_all(pool)
    .await?;
    let mut out = [0i64; 5];
    for (star, n) in rows {
        if (1..=5).contains(&star) {
            out[(5 - star) as usize] = n;
        }
    }
    Ok(out)
}
