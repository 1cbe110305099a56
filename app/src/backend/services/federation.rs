//! Federation use cases: what this instance exports (the feed and the
//! bundles), the peers an operator registers, and applying a peer's
//! bundles to the local mirrors. The HTTP side of a sync lives in the
//! server crate; every rule about what a mirror becomes is here.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::federation as db;
use crate::backend::state::AppState;
use crate::error::{MarketError, MarketResult};
use crate::model::federation::{
    parse_peer_url, route_kind, Bundle, BundleDeprecation, BundleVersion, FeedCursor, FeedItem,
    FeedPage, FeedStatus, Peer, PeerKey, PeerList, PeerName, PutPeer,
};
use crate::model::kind::ListingKind;
use crate::model::listing::ListingStatus;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// `sha256:` + hex SHA-256 of the RFC 8785 (JCS) form of `value` with its
/// top-level `content_hash` left out.
pub fn content_hash(value: &Value) -> MarketResult<String> {
    use sha2::{Digest, Sha256};
    let mut v = value.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("content_hash");
    }
    let canonical = serde_json_canonicalizer::to_string(&v).map_err(|e| {
        tracing::error!(error = %e, "canonical JSON failed");
        MarketError::internal()
    })?;
    Ok(format!("sha256:{:x}", Sha256::digest(canonical.as_bytes())))
}

/// A bundle a peer sent, checked: it parses, and its `content_hash` is the
/// hash of what it carries. `Err` says what is wrong (for `last_error`).
pub fn verify_bundle(value: &Value) -> Result<Bundle, String> {
    let claimed = value["content_hash"]
        .as_str()
        .ok_or("bundle without content_hash")?
        .to_owned();
    let actual = content_hash(value).map_err(|_| "bundle cannot be canonicalised".to_owned())?;
    if claimed != actual {
        return Err(format!(
            "content_hash mismatch: claimed {claimed}, content hashes to {actual}"
        ));
    }
    serde_json::from_value(value.clone()).map_err(|e| format!("bundle unreadable: {e}"))
}

/// The federation query of a feed page, parsed.
pub struct FeedQuery {
    pub cursor: Option<FeedCursor>,
    pub updated_since: Option<DateTime<Utc>>,
    pub limit: i64,
}

impl FeedQuery {
    pub fn parse(
        cursor: Option<&str>,
        updated_since: Option<&str>,
        limit: Option<i64>,
    ) -> MarketResult<FeedQuery> {
        let limit = crate::model::page::PageParams::parse(
            limit,
            None,
            50,
            crate::model::page::PageParams::MAX_LIMIT,
        )?
        .limit;
        // The cursor continues a walk and wins over where it started.
        let cursor = cursor
            .filter(|c| !c.is_empty())
            .map(FeedCursor::parse)
            .transpose()?;
        let updated_since = updated_since
            .filter(|s| !s.is_empty())
            .map(|s| {
                DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        MarketError::validation("updated_since", "An RFC 3339 date and time")
                    })
            })
            .transpose()?;
        Ok(FeedQuery {
            cursor,
            updated_since,
            limit,
        })
    }
}

/// A page of the export feed of one kind, each approved item with the
/// hash of its bundle now.
pub async fn feed(state: &AppState, kind: ListingKind, q: FeedQuery) -> MarketResult<FeedPage> {
    let rows = db::feed_page(
        &state.pool,
        kind,
        q.cursor.map(|c| (c.position, c.id)),
        q.updated_since,
        q.limit + 1,
    )
    .await?;
    let has_more = rows.len() as i64 > q.limit;
    let rows = &rows[..rows.len().min(q.limit as usize)];
    let approved: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.status == FeedStatus::Approved)
        .map(|r| r.listing_id)
        .collect();
    let bundles = bundles(state, kind, &approved).await?;
    let items = rows
        .iter()
        .map(|r| {
            // Approved in the feed but not exportable now (changing in a
            // transaction that has not committed yet): its position moves
            // again when that commits, so it is listed as withdrawn here.
            let hash = bundles.get(&r.listing_id).map(|b| b.content_hash.clone());
            FeedItem {
                id: r.public_id.clone(),
                kind: kind.as_str().to_owned(),
                name: r.name.clone(),
                version: r.version.clone(),
                status: if hash.is_some() {
                    FeedStatus::Approved
                } else {
                    FeedStatus::Withdrawn
                },
                updated_at: r.position,
                content_hash: hash,
            }
        })
        .collect();
    let next_cursor = rows
        .last()
        .map(|r| {
            FeedCursor {
                position: r.position,
                id: r.listing_id,
            }
            .encode()
        })
        .or_else(|| q.cursor.map(|c| c.encode()));
    Ok(FeedPage {
        items,
        next_cursor,
        has_more,
    })
}

/// The bundle of one exportable listing; else the kind's 404.
pub async fn bundle(state: &AppState, kind: ListingKind, public_id: &str) -> MarketResult<Bundle> {
    let id = db::exportable_id(&state.pool, kind, public_id)
        .await?
        .ok_or_else(|| kind.not_found())?;
    bundles(state, kind, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| kind.not_found())
}

/// Bundles of these listings (those still exportable), by listing id.
async fn bundles(
    state: &AppState,
    kind: ListingKind,
    ids: &[Uuid],
) -> MarketResult<HashMap<Uuid, Bundle>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = db::exportable(&state.pool, kind, ids).await?;
    let mut versions: HashMap<Uuid, Vec<BundleVersion>> = HashMap::new();
    for v in db::versions_of(&state.pool, ids, Bundle::MAX_VERSIONS).await? {
        versions
            .entry(v.listing_id)
            .or_default()
            .push(BundleVersion {
                version_name: v.version_name,
                description: v.description,
                created_at: v.created_at,
            });
    }
    let mut out = HashMap::new();
    for e in rows {
        let r = e.row;
        let mut bundle = Bundle {
            id: r.public_id(),
            kind: r.kind.as_str().to_owned(),
            name: r.name.clone(),
            description: r.description.clone(),
            long_description: r.long_description.clone(),
            category: r.category.clone(),
            tags: r.tags.clone(),
            price: r.price,
            license: r.license.clone(),
            version: r.current_version.clone(),
            spec: r.spec.clone(),
            versions: versions.remove(&r.id).unwrap_or_default(),
            deprecated: r.deprecated_at.is_some(),
            deprecation: r.deprecated_at.zip(r.deprecation_reason.clone()).map(
                |(deprecated_at, reason)| BundleDeprecation {
                    reason,
                    replacement_id: r.replacement_id.map(|id| id.to_string()),
                    deprecated_at,
                },
            ),
            publisher_name: e.publisher_name,
            created_at: r.created_at,
            content_hash: String::new(),
        };
        let value = serde_json::to_value(&bundle).map_err(|e| {
            tracing::error!(error = %e, "bundle serialisation failed");
            MarketError::internal()
        })?;
        bundle.content_hash = content_hash(&value)?;
        out.insert(r.id, bundle);
    }
    Ok(out)
}

fn peer_view(r: db::PeerRow) -> Peer {
    Peer {
        name: r.name,
        url: r.url,
        enabled: r.enabled,
        last_sync_at: r.last_sync_at,
        last_error: r.last_error,
        cursors: r.cursors,
        mirrored: r.mirrored,
    }
}

fn peer_not_found() -> MarketError {
    MarketError::route_not_found().with_message("Federation peer not found")
}

/// Registers or replaces a peer: `(peer, created)`. The key is needed to
/// create one; on replace, absent keeps the stored one. A new URL starts
/// the walk again (the cursors belong to the old feed).
pub async fn put_peer(
    state: &AppState,
    principal: &Principal,
    name: &str,
    req: &PutPeer,
) -> MarketResult<(Peer, bool)> {
    principal.require(Permission::GovernanceApprove)?;
    principal.require_write()?;
    upsert_peer(state, name, req).await
}

/// The same upsert for the command line (an operator at the console).
pub async fn upsert_peer(
    state: &AppState,
    name: &str,
    req: &PutPeer,
) -> MarketResult<(Peer, bool)> {
    let name = PeerName::parse(name)?;
    let url = parse_peer_url(&req.url)?;
    let key = req.key.as_deref().map(PeerKey::parse).transpose()?;
    let mut tx = state.pool.begin().await?;
    // Two creates of one name serialise here (the second becomes a replace).
    sqlx::query("SELECT pg_advisory_xact_lock(1718, hashtext($1))")
        .bind(name.as_str())
        .execute(&mut *tx)
        .await?;
    let existing = db::peer_for_update(&mut tx, name.as_str()).await?;
    let (row, created) = match existing {
        // A replace that leaves `enabled` out keeps the peer as it was.
        Some(peer) => (
            db::update_peer(
                &mut tx,
                name.as_str(),
                &url,
                key,
                req.enabled.unwrap_or(peer.enabled),
            )
            .await?,
            false,
        ),
        None => {
            let key = key.ok_or_else(|| {
                MarketError::validation("key", "A new peer needs the key it gave this instance")
            })?;
            (
                db::insert_peer(
                    &mut tx,
                    name.as_str(),
                    &url,
                    key,
                    req.enabled.unwrap_or(true),
                )
                .await?,
                true,
            )
        }
    };
    tx.commit().await?;
    Ok((peer_view(row), created))
}

pub async fn list_peers(state: &AppState, principal: &Principal) -> MarketResult<PeerList> {
    principal.require(Permission::GovernanceApprove)?;
    let peers = db::peers(&state.pool).await?;
    Ok(PeerList {
        peers: peers.into_iter().map(peer_view).collect(),
    })
}

pub async fn delete_peer(state: &AppState, principal: &Principal, name: &str) -> MarketResult<()> {
    principal.require(Permission::GovernanceApprove)?;
    principal.require_write()?;
    let name = PeerName::parse(name).map_err(|_| peer_not_found())?;
    let mut tx = state.pool.begin().await?;
    if !db::delete_peer(&mut tx, name.as_str()).await? {
        return Err(peer_not_found());
    }
    tx.commit().await?;
    Ok(())
}

/// The peer a sync is about, for an operator asking for one.
pub async fn peer_to_sync(
    state: &AppState,
    principal: &Principal,
    name: &str,
) -> MarketResult<db::PeerRow> {
    principal.require(Permission::GovernanceApprove)?;
    principal.require_write()?;
    let name = PeerName::parse(name).map_err(|_| peer_not_found())?;
    db::peer(&state.pool, name.as_str())
        .await?
        .ok_or_else(peer_not_found)
}

/// What applying one feed entry did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Created,
    Updated,
    /// An update that widens capabilities, queued for a local operator.
    Held,
    Withdrawn,
    Unchanged,
}

/// Whether a mirror of this remote listing already holds this content
/// (the sync then skips fetching its bundle).
pub async fn mirror_hash(
    state: &AppState,
    peer: &str,
    kind: ListingKind,
    remote_id: &str,
) -> MarketResult<Option<(String, bool)>> {
    Ok(sqlx::query_as(
        "SELECT m.content_hash, m.upstream_withdrawn FROM listings l \
         JOIN federation_mirrors m ON m.listing_id = l.id \
         WHERE l.origin_peer = $1 AND l.kind = $2 AND l.origin_remote_id = $3",
    )
    .bind(peer)
    .bind(kind.as_str())
    .bind(remote_id)
    .fetch_optional(&state.pool)
    .await?)
}

/// Lays a verified bundle onto the mirror of `remote_id`: created as an
/// approved listing of the peer's tenant, or updated in place. An
/// operator's suspension here sticks; one the peer caused (it withdrew the
/// listing) is lifted by its export again.
pub async fn apply_bundle(
    state: &AppState,
    peer: &db::PeerRow,
    kind: ListingKind,
    bundle: &Bundle,
) -> MarketResult<Applied> {
    let remote_id = bundle.id.as_str();
    // The replacement is named by its id on the peer: here it is its
    // mirror, when there is one.
    let deprecation = match &bundle.deprecation {
        Some(d) => Some(db::MirrorDeprecation {
            reason: &d.reason,
            deprecated_at: d.deprecated_at,
            replacement_id: match d.replacement_id.as_deref() {
                Some(remote) => db::mirror_id(&state.pool, &peer.name, kind, remote).await?,
                None => None,
            },
        }),
        None => None,
    };
    let content = db::MirrorContent {
        name: &bundle.name,
        description: &bundle.description,
        long_description: &bundle.long_description,
        category: bundle.category.as_deref(),
        tags: &bundle.tags,
        price: bundle.price,
        license: bundle.license.as_deref(),
        version: bundle.version.as_deref(),
        spec: &bundle.spec,
        deprecation,
        content_hash: &bundle.content_hash,
    };
    let fields = crate::backend::db::listings::Snapshot {
        name: bundle.name.clone(),
        description: bundle.description.clone(),
        long_description: bundle.long_description.clone(),
        category: bundle.category.clone(),
        tags: bundle.tags.clone(),
        price: bundle.price,
        license: bundle.license.clone(),
        spec: bundle.spec.clone(),
    };
    let snapshot = serde_json::to_value(&fields).map_err(|e| {
        tracing::error!(error = %e, "mirror snapshot serialisation failed");
        MarketError::internal()
    })?;
    let versions: Vec<_> = bundle
        .versions
        .iter()
        .map(|v| (v.version_name.clone(), v.description.clone(), v.created_at))
        .collect();
    let mut tx = state.pool.begin().await?;
    let applied = match db::mirror_for_update(&mut tx, &peer.name, kind, remote_id).await? {
        None => {
            let url = format!("{}{}/{}", peer.url, kind.spec().path, remote_id);
            let slug = crate::backend::services::accounts::slugify(&bundle.name);
            let slug: String = slug.chars().take(100).collect();
            match db::insert_mirror(
                &mut tx,
                &peer.name,
                peer.tenant_id,
                kind,
                remote_id,
                &url,
                &slug,
                &content,
            )
            .await?
            {
                Some(id) => {
                    db::add_mirror_versions(&mut tx, id, &snapshot, &versions).await?;
                    Applied::Created
                }
                // Another sync created it a moment ago.
                None => Applied::Unchanged,
            }
        }
        Some(m) if m.content_hash == bundle.content_hash && !m.upstream_withdrawn => {
            Applied::Unchanged
        }
        // Granting more than the approved mirror does waits for an operator
        // here, like a local edit that widens capabilities.
        Some(m) if crate::model::capability::widens(&m.spec, &bundle.spec) => {
            let fields_hash = crate::backend::services::listings::content_hash_of(&fields)?;
            db::hold_for_review(
                &mut tx,
                m.listing_id,
                &snapshot,
                &fields_hash,
                &bundle.content_hash,
            )
            .await?;
            Applied::Held
        }
        Some(m) => {
            let status = if m.status == ListingStatus::Suspended && !m.upstream_withdrawn {
                ListingStatus::Suspended
            } else {
                ListingStatus::Approved
            };
            db::update_mirror(&mut tx, m.listing_id, status, &content).await?;
            db::add_mirror_versions(&mut tx, m.listing_id, &snapshot, &versions).await?;
            Applied::Updated
        }
    };
    tx.commit().await?;
    Ok(applied)
}

/// The peer withdrew `remote_id`: its approved mirror is suspended (a
/// local suspension is left as the operator's).
pub async fn apply_withdrawal(
    state: &AppState,
    peer: &str,
    kind: ListingKind,
    remote_id: &str,
) -> MarketResult<Applied> {
    let mut tx = state.pool.begin().await?;
    let applied = match db::mirror_for_update(&mut tx, peer, kind, remote_id).await? {
        Some(m) if m.status == ListingStatus::Approved => {
            db::withdraw_mirror(&mut tx, m.listing_id).await?;
            Applied::Withdrawn
        }
        _ => Applied::Unchanged,
    };
    tx.commit().await?;
    Ok(applied)
}

pub async fn save_cursor(
    state: &AppState,
    peer: &str,
    kind: ListingKind,
    cursor: &str,
) -> MarketResult<()> {
    Ok(db::save_cursor(&state.pool, peer, route_kind(kind), cursor).await?)
}

pub async fn finish_sync(
    state: &AppState,
    peer: &str,
    last_error: Option<&str>,
) -> MarketResult<()> {
    let kinds: Vec<(&str, &str)> = ListingKind::ALL
        .iter()
        .map(|k| (k.as_str(), route_kind(*k)))
        .collect();
    // Bounded: an error message is stored for operators, not a log.
    let last_error = last_error.map(|e| e.chars().take(1000).collect::<String>());
    Ok(db::finish_sync(&state.pool, peer, last_error.as_deref(), &kinds).await?)
}

/// The enabled peers, for the background sync.
pub async fn enabled_peers(state: &AppState) -> MarketResult<Vec<db::PeerRow>> {
    Ok(db::peers(&state.pool)
        .await?
        .into_iter()
        .filter(|p| p.enabled)
        .collect())
}

/// Whether `presented` is one of the accepted federation keys: compared
/// in constant time over the candidates.
pub fn key_accepted(keys: &[String], presented: &str) -> bool {
    use sha2::{Digest, Sha256};
    let p = Sha256::digest(presented.as_bytes());
    keys.iter().fold(false, |ok, k| {
        let k = Sha256::digest(k.as_bytes());
        let same = p
            .iter()
            .zip(k.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        ok | same
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hash_is_of_canonical_json_without_the_hash() {
        let a = json!({"b": 1.0, "a": "x", "content_hash": "sha256:whatever"});
        let b = json!({"a": "x", "b": 1});
        assert_eq!(
            content_hash(&a).expect("hash"),
            content_hash(&b).expect("hash")
        );
        // RFC 8785 of {"a":"x","b":1}.
        use sha2::{Digest, Sha256};
        assert_eq!(
            content_hash(&b).expect("hash"),
            format!("sha256:{:x}", Sha256::digest(br#"{"a":"x","b":1}"#))
        );
    }

    #[test]
    fn keys_are_matched_exactly() {
        let keys = vec!["old-key".to_owned(), "new-key".to_owned()];
        assert!(key_accepted(&keys, "old-key"));
        assert!(key_accepted(&keys, "new-key"));
        assert!(!key_accepted(&keys, "new-ke"));
        assert!(!key_accepted(&[], ""));
    }
}
