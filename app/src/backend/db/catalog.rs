use sqlx::PgPool;

use super::listings::COLUMNS;
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;

/// Approved listings per kind, from the maintained counts (one row each),
/// less the deprecated ones as browse leaves them out (few, and indexed on
/// their own: listings_deprecated_idx).
pub async fn approved_counts_by_kind(pool: &PgPool) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.kind, c.approved - coalesce(d.n, 0) FROM listing_counts AS c \
         LEFT JOIN (SELECT kind, count(*) AS n FROM listings \
                    WHERE deprecated_at IS NOT NULL AND status = 'approved' GROUP BY kind) AS d USING (kind) \
         WHERE c.category = '*' ORDER BY c.kind",
    )
    .fetch_all(pool)
    .await
}

/// The busiest categories of one kind's approved, current listings, from
/// the maintained counts less the deprecated ones.
pub async fn top_categories(
    pool: &PgPool,
    kind: ListingKind,
    limit: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.category, c.approved - coalesce(d.n, 0) AS n FROM listing_counts AS c \
         LEFT JOIN (SELECT category, count(*) AS n FROM listings WHERE kind = $1 \
                    AND deprecated_at IS NOT NULL AND status = 'approved' GROUP BY category) AS d USING (category) \
         WHERE c.kind = $1 AND c.category NOT IN ('', '*') AND c.approved - coalesce(d.n, 0) > 0 \
         ORDER BY n DESC, c.category LIMIT $2",
    )
    .bind(kind)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// One shelf of the home page's, by name.
#[derive(Debug, sqlx::FromRow)]
pub struct ShelfRow {
    pub shelf: String,
    #[sqlx(flatten)]
    pub row: Listing,
}

/// A kind's most installed, trending and newest approved listings, `per`
/// of each: three index scans of the browse orders' partial indexes, each
/// stopping after `per` rows whatever the catalog's size.
pub async fn shelves(
    pool: &PgPool,
    kind: ListingKind,
    per: i64,
) -> Result<Vec<ShelfRow>, sqlx::Error> {
    let part = |name: &str, order: &str| {
        format!(
            "(SELECT '{name}' AS shelf, {COLUMNS} FROM listings \
             WHERE kind = $1 AND status = 'approved' AND deprecated_at IS NULL \
             ORDER BY {order} LIMIT $2)"
        )
    };
    let sql = [
        part("popular", "installs DESC, id"),
        part("trending", "trend_key DESC, id"),
        part("newest", "created_at DESC, id"),
    ]
    .join(" UNION ALL ");
    sqlx::query_as(&sql)
        .bind(kind)
        .bind(per)
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
