//! Federation: the export feed, bundles, peers and mirrors.

use super::listings::COLUMNS;
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// One row of the export feed (kept by triggers on listings and versions).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FeedRow {
    pub listing_id: Uuid,
    pub public_id: String,
    pub name: String,
    pub version: Option<String>,
    pub status: crate::model::federation::FeedStatus,
    pub position: DateTime<Utc>,
}

/// A page of the feed of one kind: after `after` (a cursor), else from
/// `since` (inclusive), else from the start; by (position, id).
pub async fn feed_page(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    after: Option<(DateTime<Utc>, Uuid)>,
    since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<FeedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT listing_id, public_id, name, version, status, position FROM federation_feed \
         WHERE kind = $1 \
           AND ($2::timestamptz IS NULL OR (position, listing_id) > ($2, $3::uuid)) \
           AND ($2::timestamptz IS NOT NULL OR $4::timestamptz IS NULL OR position >= $4) \
         ORDER BY position, listing_id LIMIT $5",
    )
    .bind(kind)
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// An exportable listing: local, approved, with its publisher's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExportRow {
    #[sqlx(flatten)]
    pub row: Listing,
    pub publisher_name: String,
}

pub async fn exportable(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    ids: &[Uuid],
) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS}, (SELECT t.name FROM tenants t WHERE t.id = listings.publisher_tenant_id) \
         AS publisher_name FROM listings \
         WHERE kind = $1 AND id = ANY($2) AND status = 'approved' AND origin_peer IS NULL"
    ))
    .bind(kind)
    .bind(ids)
    .fetch_all(db)
    .await
}

/// The exportable listing with this public id (a UUID or a string id).
pub async fn exportable_id(
    db: impl PgExecutor<'_>,
    kind: ListingKind,
    public_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM listings WHERE kind = $1 AND coalesce(external_id, id::text) = $2 \
         AND status = 'approved' AND origin_peer IS NULL",
    )
    .bind(kind)
    .bind(public_id)
    .fetch_optional(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionEntry {
    pub listing_id: Uuid,
    pub version_name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// The newest `per_listing` versions of each listing, newest first.
pub async fn versions_of(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
    per_listing: i64,
) -> Result<Vec<VersionEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT listing_id, version_name, description, created_at FROM ( \
           SELECT listing_id, version_name, description, created_at, id, \
                  row_number() OVER (PARTITION BY listing_id ORDER BY created_at DESC, id DESC) AS n \
           FROM listing_versions WHERE listing_id = ANY($1)) v \
         WHERE n <= $2 ORDER BY listing_id, created_at DESC, id DESC",
    )
    .bind(ids)
    .bind(per_listing)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PeerRow {
    pub name: String,
    pub url: String,
    pub key: String,
    pub enabled: bool,
    pub tenant_id: Uuid,
    pub cursors: Value,
    pub mirrored: Value,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

const PEER_COLUMNS: &str =
    "name, url, key, enabled, tenant_id, cursors, mirrored, last_sync_at, last_error";

pub async fn peers(db: impl PgExecutor<'_>) -> Result<Vec<PeerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PEER_COLUMNS} FROM federation_peers ORDER BY name LIMIT 1000"
    ))
    .fetch_all(db)
    .await
}

pub async fn peer(db: impl PgExecutor<'_>, name: &str) -> Result<Option<PeerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PEER_COLUMNS} FROM federation_peers WHERE name = $1"
    ))
    .bind(name)
    .fetch_optional(db)
    .await
}

pub async fn peer_for_update(
    db: &mut PgConnection,
    name: &str,
) -> Result<Option<PeerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PEER_COLUMNS} FROM federation_peers WHERE name = $1 FOR UPDATE"
    ))
    .bind(name)
    .fetch_optional(db)
    .await
}

pub async fn insert_peer(
    db: &mut PgConnection,
    name: &str,
    url: &str,
    key: &str,
    enabled: bool,
) -> Result<PeerRow, sqlx::Error> {
    let tenant_id = Uuid::now_v7();
    sqlx::query("INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)")
        .bind(tenant_id)
        .bind(format!("{name} (federated)"))
        .bind(format!("peer-{}", tenant_id.simple()))
        .execute(&mut *db)
        .await?;
    sqlx::query_as(&format!(
        "INSERT INTO federation_peers (name, url, key, enabled, tenant_id) VALUES ($1, $2, $3, $4, $5) \
         RETURNING {PEER_COLUMNS}"
    ))
    .bind(name)
    .bind(url)
    .bind(key)
    .bind(enabled)
    .bind(tenant_id)
    .fetch_one(db)
    .await
}

pub async fn update_peer(
    db: &mut PgConnection,
    name: &str,
    url: &str,
    key: Option<&str>,
    enabled: bool,
) -> Result<PeerRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE federation_peers SET url = $2, key = coalesce($3, key), enabled = $4, updated_at = now(), \
         cursors = CASE WHEN url = $2 THEN cursors ELSE '{{}}'::jsonb END \
         WHERE name = $1 RETURNING {PEER_COLUMNS}"
    ))
    .bind(name)
    .bind(url)
    .bind(key)
    .bind(enabled)
    .fetch_one(db)
    .await
}

/// Deletes the peer, its mirrors (the foreign key) and its local tenant.
pub async fn delete_peer(db: &mut PgConnection, name: &str) -> Result<bool, sqlx::Error> {
    let tenant: Option<Uuid> =
        sqlx::query_scalar("DELETE FROM federation_peers WHERE name = $1 RETURNING tenant_id")
            .bind(name)
            .fetch_optional(&mut *db)
            .await?;
    let Some(tenant) = tenant else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM tenants WHERE id = $1")
        .bind(tenant)
        .execute(db)
        .await?;
    Ok(true)
}

pub async fn save_cursor(
    db: impl PgExecutor<'_>,
    name: &str,
    // The kind's route name (`skills`): the key in the peer's `cursors`.
    route_kind: &str,
    cursor: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE federation_peers SET cursors = jsonb_set(cursors, ARRAY[$2], to_jsonb($3::text)) \
         WHERE name = $1",
    )
    .bind(name)
    .bind(route_kind)
    .bind(cursor)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends a sync: when it ran, its last error (none: cleared), and the
/// mirrors per kind now.
pub async fn finish_sync(
    db: impl PgExecutor<'_>,
    name: &str,
    last_error: Option<&str>,
    kinds: &[(&str, &str)],
) -> Result<(), sqlx::Error> {
    let (stored, route): (Vec<&str>, Vec<&str>) = kinds.iter().copied().unzip();
    sqlx::query(
        "UPDATE federation_peers SET last_sync_at = now(), last_error = $2, mirrored = ( \
           SELECT coalesce(jsonb_object_agg(k.route, coalesce(c.n, 0)), '{}'::jsonb) \
           FROM unnest($3::text[], $4::text[]) AS k(kind, route) \
           LEFT JOIN (SELECT kind, count(*) AS n FROM listings WHERE origin_peer = $1 GROUP BY kind) c \
             ON c.kind = k.kind) \
         WHERE name = $1",
    )
    .bind(name)
    .bind(last_error)
    .bind(stored)
    .bind(route)
    .execute(db)
    .await?;
    Ok(())
}

/// A mirror of a remote listing, locked for the change the sync makes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MirrorRow {
    pub listing_id: Uuid,
    pub status: crate::model::listing::ListingStatus,
    pub spec: Value,
    pub content_hash: String,
    pub upstream_withdrawn: bool,
}

pub async fn mirror_for_update(
    db: &mut PgConnection,
    peer: &str,
    kind: ListingKind,
    remote_id: &str,
) -> Result<Option<MirrorRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id AS listing_id, l.status, l.spec, m.content_hash, m.upstream_withdrawn \
         FROM listings l JOIN federation_mirrors m ON m.listing_id = l.id \
         WHERE l.origin_peer = $1 AND l.kind = $2 AND l.origin_remote_id = $3 FOR UPDATE OF l, m",
    )
    .bind(peer)
    .bind(kind)
    .bind(remote_id)
    .fetch_optional(db)
    .await
}

/// A mirror's content as the peer's bundle gives it.
pub struct MirrorContent<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub long_description: &'a str,
    pub category: Option<&'a str>,
    pub tags: &'a [String],
    pub price: f64,
    pub license: Option<&'a str>,
    pub version: Option<&'a str>,
    pub spec: &'a Value,
    pub deprecation: Option<MirrorDeprecation<'a>>,
    pub content_hash: &'a str,
}

/// The peer's deprecation of a mirror, its replacement resolved here.
pub struct MirrorDeprecation<'a> {
    pub reason: &'a str,
    pub deprecated_at: DateTime<Utc>,
    pub replacement_id: Option<Uuid>,
}

impl MirrorContent<'_> {
    fn deprecated_at(&self) -> Option<DateTime<Utc>> {
        self.deprecation.as_ref().map(|d| d.deprecated_at)
    }
    fn deprecation_reason(&self) -> Option<&str> {
        self.deprecation.as_ref().map(|d| d.reason)
    }
    fn replacement_id(&self) -> Option<Uuid> {
        self.deprecation.as_ref().and_then(|d| d.replacement_id)
    }
}

/// The local mirror of the peer's listing `remote_id`, if any.
pub async fn mirror_id(
    db: impl PgExecutor<'_>,
    peer: &str,
    kind: ListingKind,
    remote_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM listings WHERE origin_peer = $1 AND kind = $2 AND origin_remote_id = $3",
    )
    .bind(peer)
    .bind(kind)
    .bind(remote_id)
    .fetch_optional(db)
    .await
}

/// Creates the mirror, unless a concurrent sync just did (`None`).
#[allow(clippy::too_many_arguments)]
pub async fn insert_mirror(
    db: &mut PgConnection,
    peer: &str,
    tenant_id: Uuid,
    kind: ListingKind,
    remote_id: &str,
    url: &str,
    slug: &str,
    c: &MirrorContent<'_>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, long_description, \
           category, tags, price, license, status, spec, current_version, approved_at, reviewed_at, \
           origin_peer, origin_remote_id, origin_url, deprecated_at, deprecation_reason, replacement_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11, 'approved', $12, $13, now(), now(), \
           $14, $15, $16, $17, $18, $19) \
         ON CONFLICT (origin_peer, kind, origin_remote_id) WHERE origin_peer IS NOT NULL DO NOTHING \
         RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(kind)
    .bind(tenant_id)
    .bind(c.name)
    .bind(slug)
    .bind(c.description)
    .bind(c.long_description)
    .bind(c.category)
    .bind(c.tags)
    .bind(c.price)
    .bind(c.license)
    .bind(c.spec)
    .bind(c.version)
    .bind(peer)
    .bind(remote_id)
    .bind(url)
    .bind(c.deprecated_at())
    .bind(c.deprecation_reason())
    .bind(c.replacement_id())
    .fetch_optional(&mut *db)
    .await?;
    if let Some(id) = id {
        sqlx::query("INSERT INTO federation_mirrors (listing_id, content_hash) VALUES ($1, $2)")
            .bind(id)
            .bind(c.content_hash)
            .execute(db)
            .await?;
    }
    Ok(id)
}

/// New content for a mirror; `status` is what it becomes (an operator's
/// suspension here is kept by the caller passing it back).
pub async fn update_mirror(
    db: &mut PgConnection,
    listing_id: Uuid,
    status: crate::model::listing::ListingStatus,
    c: &MirrorContent<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE listings SET name = $2, description = $3, long_description = $4, category = $5, \
           tags = $6, price = $7::numeric, license = $8, spec = $9, current_version = $10, status = $11, \
           deprecated_at = $12, deprecation_reason = $13, replacement_id = $14, updated_at = now() \
         WHERE id = $1",
    )
    .bind(listing_id)
    .bind(c.name)
    .bind(c.description)
    .bind(c.long_description)
    .bind(c.category)
    .bind(c.tags)
    .bind(c.price)
    .bind(c.license)
    .bind(c.spec)
    .bind(c.version)
    .bind(status)
    .bind(c.deprecated_at())
    .bind(c.deprecation_reason())
    .bind(c.replacement_id())
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "UPDATE federation_mirrors SET content_hash = $2, upstream_withdrawn = false, synced_at = now() \
         WHERE listing_id = $1",
    )
    .bind(listing_id)
    .bind(c.content_hash)
    .execute(db)
    .await?;
    Ok(())
}

/// The peer withdrew it: suspended here, remembered as the peer's doing.
pub async fn withdraw_mirror(db: &mut PgConnection, listing_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE listings SET status = 'suspended', updated_at = now() WHERE id = $1")
        .bind(listing_id)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "UPDATE federation_mirrors SET upstream_withdrawn = true, synced_at = now() WHERE listing_id = $1",
    )
    .bind(listing_id)
    .execute(db)
    .await?;
    Ok(())
}

/// The mirror's versions as the bundle lists them (names are unique per
/// listing; one already there is left as it is).
pub async fn add_mirror_versions(
    db: &mut PgConnection,
    listing_id: Uuid,
    snapshot: &Value,
    versions: &[(String, String, DateTime<Utc>)],
) -> Result<(), sqlx::Error> {
    for (name, description, created_at) in versions {
        sqlx::query(
            "INSERT INTO listing_versions (id, listing_id, version_name, description, snapshot, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (listing_id, version_name) DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(listing_id)
        .bind(name)
        .bind(description)
        .bind(snapshot)
        .bind(created_at)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// An update that grants more than the mirror does now: queued for a local
/// operator as the listing's pending revision (superseding an older one);
/// the mirror keeps its approved content meanwhile.
pub async fn hold_for_review(
    db: &mut PgConnection,
    listing_id: Uuid,
    fields: &Value,
    fields_hash: &str,
    bundle_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE listing_revisions SET status = 'superseded', decided_at = now() \
         WHERE listing_id = $1 AND status = 'pending'",
    )
    .bind(listing_id)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO listing_revisions (id, listing_id, fields, content_hash, source) \
         VALUES ($1, $2, $3, $4, 'edit')",
    )
    .bind(Uuid::now_v7())
    .bind(listing_id)
    .bind(fields)
    .bind(fields_hash)
    .execute(&mut *db)
    .await?;
    // Seen: the next sync does not queue it again.
    sqlx::query(
        "UPDATE federation_mirrors SET content_hash = $2, upstream_withdrawn = false, synced_at = now() \
         WHERE listing_id = $1",
    )
    .bind(listing_id)
    .bind(bundle_hash)
    .execute(db)
    .await?;
    Ok(())
}
