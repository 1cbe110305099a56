//! The sync of federation peers: walk each kind's feed from the stored
//! cursor, fetch the bundles that changed, verify each hash and apply it to
//! the mirrors. One app server at a time per peer (a PostgreSQL advisory
//! lock); the rules of what a mirror becomes are the service's
//! (`services::federation`).

use crate::backend::db::federation::PeerRow;
use crate::backend::services::federation::{self as service, Applied};
use crate::backend::state::AppState;
use crate::error::MarketResult;
use crate::model::federation::{route_kind, FeedPage, FeedStatus, SyncReport};
use crate::model::kind::ListingKind;
use serde_json::Value;
use std::sync::OnceLock;
use std::time::Duration;

/// A peer that does not answer within this is a failure of that kind.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a peer's answer that is read (a bundle carries a listing's
/// long description and code; nothing legitimate comes near this).
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;
/// How often one request waits out the peer's rate limit before the kind
/// stops (at its cursor, for the next sync).
const MAX_BUDGET_WAITS: u32 = 5;
/// Advisory lock class of a peer's sync (the second key is the name's hash).
const SYNC_LOCK: i32 = 1719;

/// The peers' client, built once. A client that cannot be built is a
/// failed sync, never a fallback without the timeout and redirect rules.
fn client() -> Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(PEER_TIMEOUT)
                .connect_timeout(PEER_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Syncs one peer now: `None` when another sync of it (here or on another
/// app server) holds its lock.
pub async fn sync_peer(state: &AppState, peer: &PeerRow) -> MarketResult<Option<SyncReport>> {
    // Its own task: a caller that gives up (a request past its deadline)
    // must not drop the sync halfway with the lock's connection held.
    let (state, peer) = (state.clone(), peer.clone());
    tokio::spawn(async move { locked_sync(&state, &peer).await })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "federation sync task failed");
            crate::error::MarketError::internal()
        })?
}

async fn locked_sync(state: &AppState, peer: &PeerRow) -> MarketResult<Option<SyncReport>> {
    let mut conn = state.pool.acquire().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
        .bind(SYNC_LOCK)
        .bind(&peer.name)
        .fetch_one(&mut *conn)
        .await?;
    if !locked {
        return Ok(None);
    }
    let result = run(state, peer).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1, hashtext($2))")
        .bind(SYNC_LOCK)
        .bind(&peer.name)
        .execute(&mut *conn)
        .await;
    if unlocked.is_err() {
        // The lock is the session's: closing the connection ends it.
        drop(conn.detach());
    }
    match &result {
        Ok(r) if r.errors == 0 => sync_run(&peer.name, "ok"),
        Ok(_) => sync_run(&peer.name, "errors"),
        Err(e) => {
            tracing::warn!(peer = %peer.name, error = %e, "federation sync failed");
            sync_run(&peer.name, "failed");
        }
    }
    result.map(Some)
}

async fn run(state: &AppState, peer: &PeerRow) -> MarketResult<SyncReport> {
    // The stored cursors as of now (the row given may be older).
    let peer = crate::backend::db::federation::peer(&state.pool, &peer.name)
        .await?
        .unwrap_or_else(|| peer.clone());
    let mut progress = Progress::default();
    for kind in ListingKind::ALL {
        if let Err(e) = sync_kind(state, &peer, kind, &mut progress).await {
            tracing::warn!(peer = %peer.name, kind = route_kind(kind), error = %e, "federation: kind stopped");
            let down = TRANSPORT_FAILURES.iter().any(|t| e.ends_with(t));
            progress.error(e);
            // A peer that cannot be reached is not asked again for each
            // kind (each would wait out the timeout); the next sync retries.
            if down {
                break;
            }
        }
    }
    service::finish_sync(state, &peer.name, progress.last_error.as_deref()).await?;
    Ok(progress.report)
}

/// What a sync has done so far, and the last thing that went wrong.
#[derive(Default)]
struct Progress {
    report: SyncReport,
    last_error: Option<String>,
}

impl Progress {
    /// A bundle skipped or a kind stopped: counted and remembered.
    fn error(&mut self, reason: String) {
        self.report.errors += 1;
        self.last_error = Some(reason);
    }
}

/// Walks one kind's feed. `Err` is a peer failure (transport, non-2xx,
/// timeout, unreadable feed): the kind stops at its stored cursor.
async fn sync_kind(
    state: &AppState,
    peer: &PeerRow,
    kind: ListingKind,
    progress: &mut Progress,
) -> Result<(), String> {
    let rk = route_kind(kind);
    let mut cursor = peer.cursors[rk].as_str().map(str::to_owned);
    loop {
        let mut url = format!("{}/api/federation/v1/marketplace/{rk}?limit=100", peer.url);
        if let Some(c) = &cursor {
            url.push_str("&cursor=");
            url.push_str(&urlencode(c));
        }
        let page: FeedPage = serde_json::from_value(get_json(&url, &peer.key).await?)
            .map_err(|e| format!("{rk} feed unreadable: {e}"))?;
        // The bundles this page needs (changed content), fetched a few at a
        // time, then applied in feed order.
        let mut wanted = Vec::new();
        for (i, item) in page.items.iter().enumerate() {
            if item.status == FeedStatus::Withdrawn {
                continue;
            }
            let known = service::mirror_hash(state, &peer.name, kind, &item.id)
                .await
                .map_err(|e| e.message)?;
            let unchanged = known.is_some_and(|(hash, withdrawn)| {
                item.content_hash.as_deref() == Some(hash.as_str()) && !withdrawn
            });
            if !unchanged {
                wanted.push((
                    i,
                    format!(
                        "{}/api/federation/v1/marketplace/{rk}/{}/bundle",
                        peer.url,
                        urlencode(&item.id)
                    ),
                ));
            }
        }
        let mut fetched = fetch_all(wanted, &peer.key).await;
        for (i, item) in page.items.iter().enumerate() {
            let report = &mut progress.report;
            report.fetched += 1;
            if item.status == FeedStatus::Withdrawn {
                let applied = service::apply_withdrawal(state, &peer.name, kind, &item.id)
                    .await
                    .map_err(|e| e.message)?;
                if applied == Applied::Withdrawn {
                    report.withdrawn += 1;
                }
                continue;
            }
            let Some(answer) = fetched.remove(&i) else {
                // The mirror holds this content already.
                continue;
            };
            let value = match answer {
                Ok(v) => v,
                // Gone since the feed was read: its tombstone comes next.
                Err(e) if e.contains("HTTP 404") => continue,
                Err(e) => return Err(e),
            };
            let bundle = match service::verify_bundle(&value) {
                Ok(b) if b.id == item.id && b.kind == kind.as_str() => b,
                Ok(b) => {
                    progress.error(format!(
                        "{rk}/{}: bundle is of {}/{}",
                        item.id, b.kind, b.id
                    ));
                    continue;
                }
                Err(e) => {
                    tracing::warn!(peer = %peer.name, reason = %e, "federation: bundle skipped");
                    progress.error(format!("{rk}/{}: {e}", item.id));
                    continue;
                }
            };
            match service::apply_bundle(state, peer, kind, &bundle)
                .await
                .map_err(|e| e.message)?
            {
                Applied::Created => progress.report.created += 1,
                Applied::Updated | Applied::Held => progress.report.updated += 1,
                Applied::Withdrawn | Applied::Unchanged => {}
            }
        }
        if let Some(next) = &page.next_cursor {
            if cursor.as_deref() != Some(next.as_str()) {
                service::save_cursor(state, &peer.name, kind, next)
                    .await
                    .map_err(|e| e.message)?;
                cursor = Some(next.clone());
            }
        }
        if !page.has_more || page.items.is_empty() {
            return Ok(());
        }
    }
}

/// Bundles fetched at most this many at a time from one peer.
const PARALLEL_FETCHES: usize = 8;

/// GETs of these bundle URLs, [`PARALLEL_FETCHES`] at a time, by index.
async fn fetch_all(
    wanted: Vec<(usize, String)>,
    key: &str,
) -> std::collections::HashMap<usize, Result<Value, String>> {
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(PARALLEL_FETCHES));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, url) in wanted {
        let (gate, key) = (gate.clone(), key.to_owned());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            (i, get_json(&url, &key).await)
        });
    }
    let mut out = std::collections::HashMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((i, answer)) = done {
            out.insert(i, answer);
        }
    }
    out
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A GET of the peer with our key; the answer's JSON, read up to
/// [`MAX_ANSWER_BYTES`].
async fn get_json(url: &str, key: &str) -> Result<Value, String> {
    let mut waits = 0;
    let mut resp = loop {
        let resp = client()?
            .get(url)
            .header("x-federation-key", key)
            .send()
            .await
            .map_err(|e| format!("{url}: {}", without_url(&e)))?;
        // The peer's federation budget (100 a minute by default) is spent:
        // wait as it asks and go on, rather than give up the walk.
        if resp.status().as_u16() == 429 && waits < MAX_BUDGET_WAITS {
            waits += 1;
            let secs = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .clamp(1, 60);
            tokio::time::sleep(Duration::from_secs(secs)).await;
            continue;
        }
        break resp;
    };
    if !resp.status().is_success() {
        return Err(format!("{url}: HTTP {}", resp.status().as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("{url}: {}", without_url(&e)))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!(
                "{url}: answer larger than {MAX_ANSWER_BYTES} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("{url}: not JSON ({e})"))
}

/// How a request that got no answer ends its error message.
const TRANSPORT_FAILURES: [&str; 3] = ["timed out", "connection failed", "request failed"];

fn without_url(e: &reqwest::Error) -> String {
    let [timeout, connect, other] = TRANSPORT_FAILURES;
    let kind = if e.is_timeout() {
        timeout
    } else if e.is_connect() {
        connect
    } else {
        other
    };
    kind.to_owned()
}

/// Syncs every enabled peer every `seconds` (0: never; operators sync by
/// hand). Each app server runs this; the per-peer lock lets one of them
/// do each peer's sync.
pub fn spawn(state: AppState, seconds: u64) {
    if seconds == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(seconds));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let peers = match service::enabled_peers(&state).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::debug!(error = %e, "federation: peers unreadable; next tick");
                    continue;
                }
            };
            for peer in peers {
                match sync_peer(&state, &peer).await {
                    Ok(Some(r)) => tracing::info!(peer = %peer.name, ?r, "federation sync"),
                    Ok(None) => {
                        tracing::debug!(peer = %peer.name, "federation sync running elsewhere")
                    }
                    Err(_) => {}
                }
            }
        }
    });
}

/// `federation_sync_runs_total{peer,outcome}`: `ok`, `errors` (bundles
/// skipped or a kind stopped) or `failed` (it could not run). Peer names
/// are the operator's, so the series are bounded by the peers registered.
fn sync_run(peer: &str, outcome: &'static str) {
    metrics::counter!(
        "federation_sync_runs_total",
        "peer" => peer.to_owned(),
        "outcome" => outcome,
    )
    .increment(1);
}
