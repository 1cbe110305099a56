//! Per-minute request budgets on every door: the JSON API and OAuth with
//! the reference's figures (20 per IP unauthenticated, 60 per API key, 100
//! per OAuth token and per signed-in user), and pages and server functions
//! with their own, higher, budgets. Windows live in Postgres, so every
//! process shares them.
//!
//! A credential earns its own budget only once it is known to be valid:
//! the limiter resolves it (and leaves the answer in the request for the
//! route's extractor, so it is looked up once), and anything else (a junk
//! key, a random session cookie, an expired token) counts against the
//! caller's address. Buckets are therefore bounded by real credentials and
//! addresses, not by what callers invent.
//!
//! A bucket far from its limit is counted in memory and written to
//! Postgres at most every [`SYNC_EVERY`] (one upsert for many requests, so
//! busy clients do not all queue on one hot row); once a bucket is past
//! half its budget, or its last sync is older than that, every request
//! counts in Postgres, so the limit itself is exact across processes.

use app::backend::auth::{CredentialKind, Principal, Resolved};
use app::backend::client_ip::ClientIp;
use app::backend::services::credentials::{self, Presented};
use app::backend::state::AppState;
use app::backend::{db, session};
use app::error::MarketError;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower_sessions::Session;

use super::redis_windows::RedisWindows;

#[derive(Clone, Debug)]
pub struct RateLimits {
    pub anonymous: u32,
    pub api_key: u32,
    pub oauth: u32,
    pub session: u32,
    /// Pages and server functions, per address without a session.
    pub page_anonymous: u32,
    /// Pages and server functions, per signed-in user.
    pub page_session: u32,
    /// `/api/federation/**`, per address (the reference's 100).
    pub federation: u32,
    /// Count the windows in this Redis (PostgreSQL when it fails).
    pub redis_url: Option<String>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Count every request in the one window that starts here instead of
    /// the current minute's (the tests: a run never straddles two windows,
    /// however slow the machine). The headers still tell the minute's reset.
    pub pinned_window: Option<DateTime<Utc>>,
}

#[derive(Clone)]
pub struct Limiter {
    state: AppState,
    pub limits: Arc<RateLimits>,
    local: Arc<Mutex<HashMap<String, Local>>>,
    site_root: PathBuf,
    redis: Option<RedisWindows>,
}

/// What this process knows of a bucket's current window.
#[derive(Clone, Copy, Debug)]
struct Local {
    window: i64,
    /// Hits in Postgres at the last sync (every process's).
    known: u32,
    /// This process's hits since then.
    pending: u32,
    synced_at: Instant,
}

const SYNC_EVERY: Duration = Duration::from_millis(250);

/// Which budget family a request draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Door {
    /// `/api/**` and `/oauth/**`: the reference's budgets.
    Api,
    /// Pages and server functions (`/sfn/**`).
    Page,
    /// `/api/federation/**`: peers, by address only (their key is not a
    /// user's credential).
    Federation,
}

impl Door {
    fn of(path: &str) -> Door {
        if path == "/api/federation" || path.starts_with("/api/federation/") {
            Door::Federation
        } else if path == "/api" || path.starts_with("/api/") || path.starts_with("/oauth/") {
            Door::Api
        } else {
            Door::Page
        }
    }
}

impl Limiter {
    pub fn new(state: AppState, limits: RateLimits) -> Self {
        let site_root = PathBuf::from(state.leptos_options.site_root.as_ref());
        let stores = state.settings.stores.clone();
        let redis = limits.redis_url.as_deref().and_then(|url| {
            stores.redis_configured();
            RedisWindows::new(url, stores.clone())
                .map_err(|e| {
                    tracing::error!(error = %e, "REDIS_URL is not a Redis address; counting in PostgreSQL");
                    stores.set_redis_healthy(false);
                })
                .ok()
        });
        Limiter {
            state,
            limits: Arc::new(limits),
            local: Arc::new(Mutex::new(HashMap::new())),
            site_root,
            redis,
        }
    }

    /// A file of the built site (wasm, JS, CSS, icons): served from disk
    /// without a database or a render, so it is not metered. A path that
    /// names no file is a page render (the 404 page) and is.
    fn is_site_file(&self, req: &Request) -> bool {
        let path = req.uri().path();
        matches!(*req.method(), Method::GET | Method::HEAD)
            && path.len() > 1
            && !path.split('/').any(|seg| seg == "..")
            && self.site_root.join(&path[1..]).is_file()
    }

    /// Counts one hit; answers the hits of the window so far.
    async fn count(
        &self,
        bucket: &str,
        limit: u32,
        window: i64,
        window_start: DateTime<Utc>,
    ) -> Result<u32, sqlx::Error> {
        if let Some(redis) = &self.redis {
            if let Ok(hits) = redis.hit(bucket, window, 1).await {
                return Ok(hits);
            }
        }
        let now = Instant::now();
        let flush = {
            let mut map = self.local.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() > 100_000 {
                map.retain(|_, l| l.window == window);
            }
            let l = map.entry(bucket.to_owned()).or_insert(Local {
                window,
                known: 0,
                pending: 0,
                synced_at: now,
            });
            if l.window != window {
                *l = Local {
                    window,
                    known: 0,
                    pending: 0,
                    synced_at: now,
                };
            }
            let estimate = l.known + l.pending + 1;
            let fresh = now.duration_since(l.synced_at) < SYNC_EVERY && l.known > 0;
            if fresh && estimate.saturating_mul(2) <= limit {
                l.pending += 1;
                return Ok(estimate);
            }
            let n = l.pending + 1;
            l.pending = 0;
            l.synced_at = now;
            n
        };
        let hits = db::rate_limit::hit(
            &self.state.pool,
            bucket,
            window_start,
            i32::try_from(flush).unwrap_or(i32::MAX),
        )
        .await?;
        let hits = u32::try_from(hits).unwrap_or(u32::MAX);
        let mut map = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(l) = map.get_mut(bucket).filter(|l| l.window == window) {
            l.known = l.known.max(hits);
        }
        Ok(hits)
    }
}

const WINDOW_SECS: i64 = 60;

pub async fn rate_limit(State(limiter): State<Limiter>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&req, &limiter.limits);
    req.extensions_mut().insert(ClientIp(ip.clone()));
    if limiter.is_site_file(&req) {
        return next.run(req).await;
    }
    let door = Door::of(req.uri().path());
    let caller = identify(&limiter.state, &req, door).await;
    let (bucket, limit) = bucket_for(door, caller.as_ref(), &ip, &limiter.limits);
    if let Some(p) = caller {
        req.extensions_mut().insert(Resolved(p));
    }
    let now = Utc::now();
    let minute = now.timestamp() - now.timestamp().rem_euclid(WINDOW_SECS);
    let (window, window_start) = match limiter.limits.pinned_window {
        Some(start) => (start.timestamp(), start),
        None => (minute, Utc.timestamp_opt(minute, 0).single().unwrap_or(now)),
    };
    let reset = minute + WINDOW_SECS;
    let retry_after = (reset - now.timestamp()).max(1);

    let hits = match limiter.count(&bucket, limit, window, window_start).await {
        Ok(h) => h,
        // No store can count: nothing unmetered gets through, but health
        // must still answer (it says what is down).
        Err(_) if req.uri().path() == "/api/health" => return next.run(req).await,
        Err(e) => {
            tracing::warn!(error = %e, "rate limiter has no store; request refused");
            return MarketError::unavailable(
                "The marketplace cannot take requests right now. Please try again shortly.",
            )
            .into_response();
        }
    };
    let remaining = limit.saturating_sub(hits);
    let mut response = if hits > limit {
        crate::metrics::rate_limit_rejected(&bucket);
        refused(door, &req, u64::try_from(retry_after).unwrap_or(1))
    } else {
        next.run(req).await
    };
    let h = response.headers_mut();
    set(h, "x-ratelimit-limit", limit.to_string());
    set(h, "x-ratelimit-remaining", remaining.to_string());
    set(h, "x-ratelimit-reset", reset.to_string());
    set(
        h,
        "ratelimit-policy",
        format!("\"default\";q={limit};w={WINDOW_SECS}"),
    );
    set(
        h,
        "ratelimit",
        format!("\"default\";r={remaining};t={retry_after}"),
    );
    response
}

/// The reference's 429 envelope; a page asked for by a browser gets the
/// same status and `Retry-After` as a short page.
fn refused(door: Door, req: &Request, retry_after: u64) -> Response {
    let wants_html = door == Door::Page
        && !req.uri().path().starts_with("/sfn/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if !wants_html {
        return MarketError::rate_limited(retry_after).into_response();
    }
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        Html(format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Too many requests</title>\
             <p>Too many requests from your address. Please wait {retry_after} seconds and try again.</p></html>"
        )),
    )
        .into_response();
    set(r.headers_mut(), "retry-after", retry_after.to_string());
    r
}

fn set(headers: &mut HeaderMap, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

/// The valid credential a request carries, if any. Pages and server
/// functions know only the session; the API also takes keys and tokens,
/// in the same order as its extractor. Anything invalid is `None`: the
/// route answers it with its 401, and its hits count against the address.
fn identify<'a>(
    state: &'a AppState,
    req: &Request,
    door: Door,
) -> impl std::future::Future<Output = Option<Principal>> + Send + 'a {
    // Read everything off the request first: a request is not `Sync`, so
    // no reference to it may be held across an await. Pages and server
    // functions know only the session.
    let presented = match door {
        Door::Api => Presented::from_headers(req.headers()),
        Door::Page | Door::Federation => Presented::default(),
    };
    let session = (door != Door::Federation && !presented.has_header_credential())
        .then(|| req.extensions().get::<Session>().cloned())
        .flatten();
    resolve_presented(state, presented, session)
}

async fn resolve_presented(
    state: &AppState,
    mut presented: Presented,
    session: Option<Session>,
) -> Option<Principal> {
    if !presented.has_header_credential() {
        presented.session_user = session::user(&session?).await.ok().flatten();
        presented.session_user?;
    }
    credentials::resolve(state, &presented).await.ok().flatten()
}

/// The budget a request draws on: the validated credential's own, or the
/// address's.
fn bucket_for(
    door: Door,
    caller: Option<&Principal>,
    ip: &str,
    limits: &RateLimits,
) -> (String, u32) {
    match (door, caller) {
        (Door::Api, Some(p)) => match (p.credential, p.credential_id) {
            (CredentialKind::ApiKey, Some(id)) => (format!("api:key:{id}"), limits.api_key),
            (CredentialKind::Oauth, Some(id)) => (format!("api:oauth:{id}"), limits.oauth),
            _ => (format!("api:user:{}", p.user_id), limits.session),
        },
        (Door::Api, None) => (format!("api:ip:{ip}"), limits.anonymous),
        (Door::Page, Some(p)) => (format!("page:user:{}", p.user_id), limits.page_session),
        (Door::Page, None) => (format!("page:ip:{ip}"), limits.page_anonymous),
        (Door::Federation, _) => (format!("fed:ip:{ip}"), limits.federation),
    }
}

/// The peer address; behind a trusted proxy, the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(req: &Request, limits: &RateLimits) -> String {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    if !limits.trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !limits.trusted_proxies.contains(ip))
        .unwrap_or(peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::account::{Role, Scope};
    use axum::body::Body;
    use uuid::Uuid;

    fn limits(trusted: &[&str]) -> RateLimits {
        RateLimits {
            anonymous: 20,
            api_key: 60,
            oauth: 100,
            session: 100,
            page_anonymous: 300,
            page_session: 600,
            federation: 100,
            redis_url: None,
            trusted_proxies: trusted.iter().map(|s| s.parse().expect("ip")).collect(),
            pinned_window: None,
        }
    }

    fn request(peer: &str, forwarded: Option<&str>) -> Request {
        let mut b = axum::http::Request::get("/api/health");
        if let Some(f) = forwarded {
            b = b.header("x-forwarded-for", f);
        }
        let mut req = b.body(Body::empty()).expect("request");
        req.extensions_mut().insert(ConnectInfo(SocketAddr::new(
            peer.parse().expect("ip"),
            4000,
        )));
        req
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = limits(&[]);
        let proxy = limits(&["10.0.0.1"]);
        // An untrusted peer cannot choose its own bucket.
        assert_eq!(
            client_ip(&request("203.0.113.9", Some("1.2.3.4")), &none),
            "203.0.113.9"
        );
        // Behind the proxy: the last address the proxy did not add itself.
        assert_eq!(
            client_ip(&request("10.0.0.1", Some("1.2.3.4, 198.51.100.7")), &proxy),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(&request("10.0.0.1", Some("198.51.100.7, 10.0.0.1")), &proxy),
            "198.51.100.7"
        );
        assert_eq!(client_ip(&request("10.0.0.1", None), &proxy), "10.0.0.1");
    }

    fn caller(kind: CredentialKind, credential_id: Option<Uuid>) -> Principal {
        Principal {
            tenant_id: Uuid::nil(),
            user_id: Uuid::from_u128(7),
            email: "a@b.c".into(),
            role: Role::Member,
            scope: Scope::ReadWrite,
            credential: kind,
            credential_id,
        }
    }

    #[test]
    fn validated_credentials_pick_their_budget_and_nothing_else_does() {
        let l = limits(&[]);
        let key = caller(CredentialKind::ApiKey, Some(Uuid::from_u128(1)));
        assert_eq!(
            bucket_for(Door::Api, Some(&key), "1.2.3.4", &l),
            (format!("api:key:{}", Uuid::from_u128(1)), 60)
        );
        let token = caller(CredentialKind::Oauth, Some(Uuid::from_u128(2)));
        assert_eq!(bucket_for(Door::Api, Some(&token), "1.2.3.4", &l).1, 100);
        let person = caller(CredentialKind::Session, None);
        assert_eq!(
            bucket_for(Door::Api, Some(&person), "1.2.3.4", &l).0,
            format!("api:user:{}", Uuid::from_u128(7))
        );
        assert_eq!(
            bucket_for(Door::Api, None, "1.2.3.4", &l),
            ("api:ip:1.2.3.4".to_owned(), 20)
        );
        assert_eq!(
            bucket_for(Door::Page, None, "1.2.3.4", &l),
            ("page:ip:1.2.3.4".to_owned(), 300)
        );
        assert_eq!(bucket_for(Door::Page, Some(&person), "1.2.3.4", &l).1, 600);
    }

    #[test]
    fn doors() {
        assert_eq!(Door::of("/api"), Door::Api);
        assert_eq!(Door::of("/api/skills"), Door::Api);
        assert_eq!(Door::of("/oauth/token"), Door::Api);
        assert_eq!(Door::of("/sfn/account/login"), Door::Page);
        assert_eq!(Door::of("/skills"), Door::Page);
        assert_eq!(Door::of("/apiary"), Door::Page);
        assert_eq!(
            Door::of("/api/federation/v1/marketplace/skills"),
            Door::Federation
        );
        assert_eq!(Door::of("/api/admin/federation/peers"), Door::Api);
    }
}
