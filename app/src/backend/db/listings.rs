//! Listings of every kind: one table, one set of queries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::model::kind::ListingKind;
use crate::model::listing::{Listing, ListingStatus, RevisionStatus};

/// Columns read into [`Listing`], with numerics as float8.
pub const COLUMNS: &str =
    "id, kind, publisher_tenant_id, publisher_user_id, name, slug, description, \
    long_description, category, tags, price::float8 AS price, license, is_featured, status, \
    rejection_reason, submitted_at, reviewed_at, approved_at, rating_sum::float8 AS rating_sum, \
    rating_count, installs, active_installs, spec, current_version, external_id, risk_approved_at, created_at, updated_at, \
    deprecated_at, deprecation_reason, replacement_id, origin_peer, origin_remote_id, origin_url";

/// The editable fields a version freezes and a rollback restores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub name: String,
    pub description: String,
    pub long_description: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: f64,
    pub license: Option<String>,
    pub spec: Value,
}

impl From<&Listing> for Snapshot {
    fn from(r: &Listing) -> Self {
        Snapshot {
            name: r.name.clone(),
            description: r.description.clone(),
            long_description: r.long_description.clone(),
            category: r.category.clone(),
            tags: r.tags.clone(),
            price: r.price,
            license: r.license.clone(),
            spec: r.spec.clone(),
        }
    }
}

impl Snapshot {
    /// Lays this content over a row's editable fields.
    pub fn apply_to(self, r: &mut Listing) {
        r.name = self.name;
        r.description = self.description;
        r.long_description = self.long_description;
        r.category = self.category;
        r.tags = self.tags;
        r.price = self.price;
        r.license = self.license;
        r.spec = self.spec;
    }
}

pub struct NewListing<'a> {
    pub id: Uuid,
    pub kind: ListingKind,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub slug: &'a str,
    pub status: ListingStatus,
    pub fields: &'a Snapshot,
    pub external_id: Option<&'a str>,
}

pub async fn insert(db: impl PgExecutor<'_>, l: NewListing<'_>) -> Result<Listing, sqlx::Error> {
    let f = l.fields;
    sqlx::query_as(&format!(
        "INSERT INTO listings (id, kind, publisher_tenant_id, publisher_user_id, name, slug, description, \
         long_description, category, tags, price, license, status, spec, external_id, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric, $12, $13, $14, $15, \
                 CASE WHEN $13 = 'pending_approval' THEN now() END) \
         RETURNING {COLUMNS}"
    ))
    .bind(l.id)
    .bind(l.kind)
    .bind(l.tenant_id)
    .bind(l.user_id)
    .bind(&f.name)
    .bind(l.slug)
    .bind(&f.description)
    .bind(&f.long_description)
    .bind(&f.category)
    .bind(&f.tags)
    .bind(f.price)
    .bind(&f.license)
    .bind(l.status)
    .bind(&f.spec)
    .bind(l.external_id)
    .fetch_one(db)
    .await
}

/// A listing by its string id (workflow templates).
pub async fn get_by_external(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    external_id: &str,
) -> Result<Option<Listing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM listings WHERE kind = $1 AND external_id = $2"
    ))
    .bind(kind)
    .bind(external_id)
    .fetch_optional(db)
    .await
}

/// The id callers see (see [`Listing::public_id`]) of the tenant's
/// listing of this kind with this name, in any case: the one a new listing
/// of that name collides with (`listings_tenant_kind_name_key`).
pub async fn public_id_by_name(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    kind: ListingKind,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(external_id, id::text) FROM listings \
         WHERE publisher_tenant_id = $1 AND kind = $2 AND lower(name) = lower($3)",
    )
    .bind(tenant_id)
    .bind(kind)
    .bind(name)
    .fetch_optional(db)
    .await
}

/// The public id of another of the tenant's listings of this kind that has
/// `name` (the unique index compares lower-cased names).
pub async fn other_with_name(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    kind: ListingKind,
    name: &str,
    except: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(external_id, id::text) FROM listings \
         WHERE publisher_tenant_id = $1 AND kind = $2 AND lower(name) = lower($3) AND id <> $4",
    )
    .bind(tenant_id)
    .bind(kind)
    .bind(name)
    .bind(except)
    .fetch_optional(db)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    id: Uuid,
) -> Result<Option<Listing>, sqlx::Error> {
    fetch(db, kind, id, "").await
}

/// Locks the row for a state change in the caller's transaction.
pub async fn get_for_update(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    id: Uuid,
) -> Result<Option<Listing>, sqlx::Error> {
    fetch(db, kind, id, " FOR UPDATE").await
}

async fn fetch(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    id: Uuid,
    lock: &'static str,
) -> Result<Option<Listing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM listings WHERE id = $1 AND kind = $2{lock}"
    ))
    .bind(id)
    .bind(kind)
    .fetch_optional(db)
    .await
}

/// Several listings the caller may see: approved ones, and its own.
pub async fn many_visible(
    pool: &PgPool,
    kind: ListingKind,
    ids: &[Uuid],
    tenant_id: Uuid,
) -> Result<Vec<Listing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM listings WHERE id = ANY($1) AND kind = $2 \
         AND (status = 'approved' OR publisher_tenant_id = $3) ORDER BY array_position($1, id)"
    ))
    .bind(ids)
    .bind(kind)
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    id: Uuid,
    status: ListingStatus,
    reason: Option<&str>,
    reviewer: Option<Uuid>,
) -> Result<Listing, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE listings SET status = $2, rejection_reason = $3, updated_at = now(), \
           submitted_at = CASE WHEN $2 = 'pending_approval' THEN now() ELSE submitted_at END, \
           reviewed_at  = CASE WHEN $2 IN ('approved', 'rejected', 'suspended') THEN now() ELSE reviewed_at END, \
           reviewed_by  = CASE WHEN $2 IN ('approved', 'rejected', 'suspended') THEN $4 ELSE reviewed_by END, \
           approved_at  = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END \
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(status)
    .bind(reason)
    .bind(reviewer)
    .fetch_one(db)
    .await
}

/// Replaces the editable fields (publish details, rollback).
pub async fn write_fields(
    db: impl PgExecutor<'_>,
    id: Uuid,
    f: &Snapshot,
) -> Result<Listing, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE listings SET name = $2, description = $3, long_description = $4, category = $5, \
         tags = $6, price = $7::numeric, license = $8, spec = $9, updated_at = now() \
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(&f.long_description)
    .bind(&f.category)
    .bind(&f.tags)
    .bind(f.price)
    .bind(&f.license)
    .bind(&f.spec)
    .fetch_one(db)
    .await
}

pub async fn set_current_version(
    db: impl PgExecutor<'_>,
    id: Uuid,
    version: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE listings SET current_version = $2 WHERE id = $1")
        .bind(id)
        .bind(version)
        .execute(db)
        .await
        .map(drop)
}

/// Browse filters. `spec_filters` compare top-level spec fields
/// (`skill_type`, `component_type`, ...): the only kind-specific filters.
#[derive(Clone, Debug)]
pub struct Filter {
    pub kind: ListingKind,
    pub query: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub spec_filters: Vec<(&'static str, String)>,
    pub min_price: Option<f64>,
    pub max_price: Option<f64>,
    pub free_only: bool,
    pub featured_only: bool,
    /// Also show this tenant's own listings whatever their status.
    pub own_tenant: Option<Uuid>,
    /// `query` as full-text words, each with its one-edit neighbours
    /// (`db::search`); `None` reads `query` with `websearch_to_tsquery`.
    pub text: Option<super::search::TextQuery>,
    /// How `query` matches: full text, or trigram similarity on names (the
    /// fallback for a misspelling beyond one edit when full text finds
    /// nothing).
    pub similar: bool,
    /// Keyset paging by creation time: rows after this one in `order_by`
    /// (which is then `CREATED_DESC` or `CREATED_ASC`).
    pub after: Option<crate::model::page::Cursor>,
    pub order_by: &'static str,
    pub limit: i64,
    pub offset: i64,
    /// Deprecated listings are skipped unless asked for.
    pub include_deprecated: bool,
}

impl Filter {
    /// The same filter without its text query: what a posting or a row
    /// already known to match is checked against.
    pub(super) fn untexted(&self) -> Filter {
        Filter {
            query: None,
            text: None,
            ..self.clone()
        }
    }

    /// The caller sees approved, current listings only (not their own
    /// drafts nor deprecated listings): what the postings and the RUM
    /// indexes hold.
    pub(super) fn approved_current(&self) -> bool {
        self.own_tenant.is_none() && !self.include_deprecated && !self.similar
    }
}

/// `ORDER BY` clauses the service may pick (never user text).
pub mod order {
    pub const POPULARITY: &str = "installs DESC, id DESC";
    pub const RATING: &str =
        "((rating_sum + 17.5) / (rating_count + 5)) DESC, rating_count DESC, id DESC";
    pub const CREATED_DESC: &str = "created_at DESC, id DESC";
    pub const CREATED_ASC: &str = "created_at ASC, id ASC";
    pub const UPDATED_DESC: &str = "updated_at DESC, id DESC";
    pub const UPDATED_ASC: &str = "updated_at ASC, id ASC";
    pub const NAME_ASC: &str = "lower(name) ASC, id ASC";
    pub const NAME_DESC: &str = "lower(name) DESC, id DESC";
    pub const PRICE_ASC: &str = "price ASC, id ASC";
    pub const PRICE_DESC: &str = "price DESC, id DESC";
    pub const TRENDING: &str = "trend_key DESC, id DESC";
    pub const POPULARITY_ASC: &str = "installs ASC, id ASC";
    pub const RATING_ASC: &str = "((rating_sum + 17.5) / (rating_count + 5)) ASC, id ASC";
    pub const TRENDING_ASC: &str = "trend_key ASC, id ASC";
    pub const RELEVANCE: &str = "relevance DESC, id DESC";
}

pub(super) fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, f: &Filter) {
    qb.push(" WHERE kind = ").push_bind(f.kind);
    match f.own_tenant {
        Some(t) => {
            qb.push(" AND (status = 'approved' OR publisher_tenant_id = ")
                .push_bind(t)
                .push(")");
        }
        None => {
            qb.push(" AND status = 'approved'");
        }
    }
    match (&f.query, f.similar) {
        (Some(_), false) if f.text.is_some() => {
            let any = f.text.as_ref().map(|t| t.any_spelling.clone());
            qb.push(" AND search @@ to_tsquery('english', ")
                .push_bind(any)
                .push(")");
        }
        (Some(q), false) => {
            qb.push(" AND search @@ websearch_to_tsquery('english', ")
                .push_bind(q.clone())
                .push(")");
        }
        (Some(q), true) => {
            qb.push(" AND ")
                .push_bind(q.to_lowercase())
                .push(" <% lower(name)");
        }
        (None, _) => {}
    }
    if let Some(c) = &f.after {
        let op = if f.order_by == order::CREATED_ASC {
            ">"
        } else {
            "<"
        };
        qb.push(" AND (created_at, id) ")
            .push(op)
            .push(" (")
            .push_bind(c.created_at)
            .push(", ")
            .push_bind(c.id)
            .push(")");
    }
    if let Some(c) = &f.category {
        qb.push(" AND category = ").push_bind(c.clone());
    }
    if !f.tags.is_empty() {
        qb.push(" AND tags @> ").push_bind(f.tags.clone());
    }
    for (field, value) in &f.spec_filters {
        qb.push(" AND spec ->> ")
            .push_bind(*field)
            .push(" = ")
            .push_bind(value.clone());
    }
    if let Some(p) = f.min_price {
        qb.push(" AND price >= ").push_bind(p).push("::numeric");
    }
    if let Some(p) = f.max_price {
        qb.push(" AND price <= ").push_bind(p).push("::numeric");
    }
    if f.free_only {
        qb.push(" AND price = 0");
    }
    if f.featured_only {
        qb.push(" AND is_featured");
    }
    if !f.include_deprecated {
        qb.push(" AND deprecated_at IS NULL");
    }
}

/// Totals beyond this are reported as this (see
/// [`crate::model::page::COUNT_CAP`]).
pub const COUNT_CAP: i64 = crate::model::page::COUNT_CAP;

/// A page, its total, and what the maintained counts said of its text
/// query (`None` without one).
pub struct Found {
    pub rows: Vec<Listing>,
    pub total: i64,
    pub stats: Option<super::search::MatchStats>,
}

/// One page and its total: exact from `listing_counts` when only kind and
/// category narrow the set, else counted up to `COUNT_CAP`.
pub async fn browse(pool: &PgPool, f: &Filter) -> Result<Found, sqlx::Error> {
    let stats = f
        .text
        .as_ref()
        .filter(|_| f.query.is_some() && !f.similar)
        .map(|t| t.stats.clone());
    let postings = stats
        .as_ref()
        .and_then(|s| super::search::postings_lexemes(f, s))
        .filter(|_| super::search::postings_narrow(f));
    let rows = match (&f.text, &stats, postings) {
        (Some(text), Some(stats), _) if f.order_by == order::RELEVANCE => {
            super::search::ranked_page(pool, f, text, stats).await?
        }
        (Some(_), Some(_), Some(lexemes)) if f.order_by == order::RATING => {
            super::search::rated_page(pool, f, lexemes).await?
        }
        _ => unranked_page(pool, f).await?,
    };
    // A page that is not full holds the last match: the total is known.
    let last_page = (rows.len() as i64) < f.limit && (f.offset == 0 || !rows.is_empty());
    let total = match counted_total(pool, f).await? {
        Some(n) => n,
        None if last_page => f.offset + rows.len() as i64,
        // A one-word search whose commonest spelling alone reaches the cap:
        // the capped count would read the cap's worth of matches to say so.
        None if stats.as_ref().is_some_and(|s| s.at_least >= COUNT_CAP) && only_text_narrows(f) => {
            COUNT_CAP
        }
        // A one-word search over approved, current listings (in a category
        // or not): its matches are its spellings' postings, counted without
        // a heap visit; one spelling's count is kept.
        None if postings.is_some() => match (postings, &stats) {
            (Some([_]), Some(s)) if f.category.is_none() => s.at_least,
            (Some(lexemes), _) => super::search::postings_total(pool, f, lexemes).await?,
            _ => capped_count(pool, f).await?,
        },
        None => capped_count(pool, f).await?,
    };
    Ok(Found { rows, total, stats })
}

/// The filter's matches, counted up to [`COUNT_CAP`].
async fn capped_count(pool: &PgPool, f: &Filter) -> Result<i64, sqlx::Error> {
    let mut count = QueryBuilder::<Postgres>::new("SELECT count(*) FROM (SELECT 1 FROM listings");
    push_filters(&mut count, f);
    count
        .push(" LIMIT ")
        .push_bind(COUNT_CAP)
        .push(") AS capped");
    count.build_query_scalar().fetch_one(pool).await
}

/// The filter narrows the kind's approved, current listings by its text
/// query alone (a caller's own drafts and deprecated listings only add):
/// a lower bound of the text's matches is one of the result set.
pub(super) fn only_text_narrows(f: &Filter) -> bool {
    f.category.is_none()
        && f.tags.is_empty()
        && f.spec_filters.is_empty()
        && f.min_price.is_none()
        && f.max_price.is_none()
        && !f.free_only
        && !f.featured_only
        && f.after.is_none()
        && !f.similar
}

/// A page in one of the fixed orders (or by the fallback's similarity).
async fn unranked_page(pool: &PgPool, f: &Filter) -> Result<Vec<Listing>, sqlx::Error> {
    let mut qb = QueryBuilder::<Postgres>::new("SELECT ");
    qb.push(COLUMNS);
    match (&f.query, f.similar) {
        (Some(q), false) => {
            qb.push(", ts_rank_cd(search, websearch_to_tsquery('english', ")
                .push_bind(q.clone())
                .push(")) AS relevance");
        }
        (Some(q), true) => {
            qb.push(", word_similarity(")
                .push_bind(q.to_lowercase())
                .push(", lower(name)) AS relevance");
        }
        (None, _) => {
            qb.push(", 0::float4 AS relevance");
        }
    }
    qb.push(" FROM listings");
    push_filters(&mut qb, f);
    qb.push(" ORDER BY ").push(f.order_by);
    qb.push(" LIMIT ")
        .push_bind(f.limit)
        .push(" OFFSET ")
        .push_bind(f.offset);
    qb.build_query_as().fetch_all(pool).await
}

/// The exact total from the maintained counts, when the filter is only
/// kind and category (plus the caller's own unapproved listings).
async fn counted_total(pool: &PgPool, f: &Filter) -> Result<Option<i64>, sqlx::Error> {
    let narrowed = f.query.is_some()
        || !f.tags.is_empty()
        || !f.spec_filters.is_empty()
        || f.min_price.is_some()
        || f.max_price.is_some()
        || f.free_only
        || f.featured_only;
    if narrowed {
        return Ok(None);
    }
    let approved: i64 = sqlx::query_scalar(
        "SELECT coalesce((SELECT approved FROM listing_counts WHERE kind = $1 AND category = $2), 0)",
    )
    .bind(f.kind)
    .bind(f.category.as_deref().unwrap_or("*"))
    .fetch_one(pool)
    .await?;
    // listing_counts holds every approved listing; the deprecated ones are
    // few and indexed on their own (listings_deprecated_idx).
    let deprecated: i64 = if f.include_deprecated {
        0
    } else {
        sqlx::query_scalar(
            "SELECT count(*) FROM listings WHERE kind = $1 AND status = 'approved' \
             AND deprecated_at IS NOT NULL AND ($2::text IS NULL OR category = $2)",
        )
        .bind(f.kind)
        .bind(f.category.as_deref())
        .fetch_one(pool)
        .await?
    };
    let own: i64 = match f.own_tenant {
        Some(t) => {
            sqlx::query_scalar(
                "SELECT count(*) FROM listings WHERE publisher_tenant_id = $1 AND kind = $2 \
                 AND status <> 'approved' AND ($3::text IS NULL OR category = $3) \
                 AND ($4 OR deprecated_at IS NULL)",
            )
            .bind(t)
            .bind(f.kind)
            .bind(f.category.as_deref())
            .bind(f.include_deprecated)
            .fetch_one(pool)
            .await?
        }
        None => 0,
    };
    Ok(Some(approved - deprecated + own))
}

/// Facet counts of a kind: (facet, value, approved listings), largest first.
pub async fn facets(
    pool: &PgPool,
    kind: ListingKind,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT facet, value, approved FROM listing_facets WHERE kind = $1 AND approved > 0 \
         ORDER BY approved DESC, value",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
}

/// A kind's categories and their approved, current listings (what a
/// browse of each totals): the maintained counts less the deprecated.
pub async fn categories(
    pool: &PgPool,
    kind: ListingKind,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.category, c.approved - coalesce(d.n, 0) AS n FROM listing_counts AS c \
         LEFT JOIN (SELECT category, count(*) AS n FROM listings WHERE kind = $1 \
                    AND deprecated_at IS NOT NULL AND status = 'approved' GROUP BY category) AS d USING (category) \
         WHERE c.kind = $1 AND c.approved - coalesce(d.n, 0) > 0 \
         AND c.category NOT IN ('', '*') ORDER BY n DESC, c.category",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
}

pub async fn tags(
    pool: &PgPool,
    kind: ListingKind,
    limit: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // The maintained facet counts: the same numbers without reading the
    // kind's listings.
    sqlx::query_as(
        "SELECT value, approved FROM listing_facets WHERE kind = $1 AND facet = 'tag' \
         AND approved > 0 ORDER BY approved DESC, value LIMIT $2",
    )
    .bind(kind)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How many listings of a kind are in each lifecycle state, and the
/// all-time installs of the approved ones: from the maintained rollups
/// (`listing_rollups`, a row per status and shard), not the catalog.
pub async fn status_counts(
    pool: &PgPool,
    kind: ListingKind,
) -> Result<(Vec<(String, i64)>, i64), sqlx::Error> {
    let counts = sqlx::query_as(
        "SELECT key, sum(listings)::int8 FROM listing_rollups WHERE kind = $1 AND dim = 'status' \
         GROUP BY key HAVING sum(listings) > 0 ORDER BY key",
    )
    .bind(kind)
    .fetch_all(pool)
    .await?;
    let installs = sqlx::query_scalar(
        "SELECT coalesce(sum(installs), 0)::int8 FROM listing_rollups \
         WHERE kind = $1 AND dim = 'status' AND key = 'approved'",
    )
    .bind(kind)
    .fetch_one(pool)
    .await?;
    Ok((counts, installs))
}

/// Count and installs of approved listings grouped by a column or spec
/// field (never user text: callers pass constants), largest first:
/// 'Uncategorized' when absent. The category and the workflow template
/// type and complexity come from the maintained rollups; another key is
/// counted over the kind's listings.
pub async fn grouped_counts(
    pool: &PgPool,
    kind: ListingKind,
    key_sql: &'static str,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let dim = match key_sql {
        "category" => "category",
        "spec ->> 'template_type'" => "template_type",
        "spec ->> 'complexity'" => "complexity",
        _ => {
            return sqlx::query_as(&format!(
                "SELECT coalesce({key_sql}, 'Uncategorized') AS key, count(*), coalesce(sum(installs), 0)::int8 \
                 FROM listings WHERE kind = $1 AND status = 'approved' GROUP BY 1 ORDER BY 2 DESC, 1"
            ))
            .bind(kind)
            .fetch_all(pool)
            .await;
        }
    };
    sqlx::query_as(
        "SELECT key, sum(listings)::int8, sum(installs)::int8 FROM listing_rollups \
         WHERE kind = $1 AND dim = $2 GROUP BY key HAVING sum(listings) > 0 ORDER BY 2 DESC, 1",
    )
    .bind(kind)
    .bind(dim)
    .fetch_all(pool)
    .await
}

/// The mean rating over approved listings that have ratings, from the
/// maintained rollups (the sum of their means and how many they are).
pub async fn average_rating(pool: &PgPool, kind: ListingKind) -> Result<f64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(mean_sum) / nullif(sum(rated), 0), 0)::float8 FROM listing_rollups \
         WHERE kind = $1 AND dim = 'status' AND key = 'approved'",
    )
    .bind(kind)
    .fetch_one(pool)
    .await
}

/// A tenant's listings of a kind, newest first.
pub async fn by_publisher(
    pool: &PgPool,
    kind: ListingKind,
    tenant_id: Uuid,
) -> Result<Vec<Listing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM listings WHERE kind = $1 AND publisher_tenant_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT 1000"
    ))
    .bind(kind)
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// Operators (and the demo catalog) feature a listing.
pub async fn set_featured(pool: &PgPool, id: Uuid, featured: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE listings SET is_featured = $2 WHERE id = $1")
        .bind(id)
        .bind(featured)
        .execute(pool)
        .await
        .map(drop)
}

/// The kind of a listing, whatever it is (operator routes are kind-agnostic).
pub async fn kind_of(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<crate::model::kind::ListingKind>, sqlx::Error> {
    sqlx::query_scalar("SELECT kind FROM listings WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Withdraws an operator's approve-risk (the skill was granted more since).
pub async fn withdraw_risk_approval(db: impl PgExecutor<'_>, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE listings SET risk_approved_at = NULL, risk_approved_by = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await
    .map(drop)
}

/// Records an operator's explicit approval of a high-risk listing.
pub async fn approve_risk(
    db: impl PgExecutor<'_>,
    id: Uuid,
    by: Uuid,
) -> Result<Listing, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE listings SET risk_approved_at = now(), risk_approved_by = $2 WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(by)
    .fetch_one(db)
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

/// Where the latest change waiting on (or decided for) a live listing
/// stands: `pending`, `approved`, `rejected` or `superseded`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChangeState {
    pub listing_id: Uuid,
    pub status: RevisionStatus,
    pub reason: Option<String>,
    /// The pending content's name.
    pub name: Option<String>,
    /// The whole pending content (a `Snapshot`), when asked for.
    pub fields: Option<Value>,
    pub version_name: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The latest change of each of these listings that has one. Lists ask
/// without `whole`: a pending change can be as large as its listing.
pub async fn latest_changes(
    pool: &PgPool,
    ids: &[Uuid],
    whole: bool,
) -> Result<Vec<ChangeState>, sqlx::Error> {
    let fields = if whole { "fields" } else { "NULL::jsonb" };
    sqlx::query_as(&format!(
        "SELECT DISTINCT ON (listing_id) listing_id, status, reason, \
           CASE WHEN status = 'pending' THEN fields ->> 'name' END AS name, \
           CASE WHEN status = 'pending' THEN {fields} END AS fields, version_name, \
           submitted_at, decided_at \
         FROM listing_revisions WHERE listing_id = ANY($1) \
         ORDER BY listing_id, status = 'pending' DESC, submitted_at DESC, id DESC"
    ))
    .bind(ids)
    .fetch_all(pool)
    .await
}
