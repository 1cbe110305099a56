//! Per-minute request budgets, exactly as the reference documents them:
//! 20 per IP unauthenticated, 60 per API key, 100 per OAuth token (and per
//! browser session). Windows live in Postgres, so every process shares them.
//!
//! A bucket far from its limit is counted in memory and written to
//! Postgres at most every [`SYNC_EVERY`] (one upsert for many requests, so
//! busy clients do not all queue on one hot row); once a bucket is past
//! half its budget, or its last sync is older than that, every request
//! counts in Postgres, so the limit itself is exact across processes.

use app::backend::db;
use app::backend::session::COOKIE_NAME;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct RateLimits {
    pub anonymous: u32,
    pub api_key: u32,
    pub oauth: u32,
    pub session: u32,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Clone)]
pub struct Limiter {
    pub pool: PgPool,
    pub limits: Arc<RateLimits>,
    local: Arc<Mutex<HashMap<String, Local>>>,
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

impl Limiter {
    pub fn new(pool: PgPool, limits: RateLimits) -> Self {
        Limiter {
            pool,
            limits: Arc::new(limits),
            local: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Counts one hit; answers the hits of the window so far.
    async fn count(
        &self,
        bucket: &str,
        limit: u32,
        window: i64,
        window_start: DateTime<Utc>,
    ) -> Result<u32, sqlx::Error> {
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
            &self.pool,
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

pub async fn rate_limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !(path == "/api" || path.starts_with("/api/") || path.starts_with("/oauth/")) {
        return next.run(req).await;
    }
    let (bucket, limit) = bucket_for(&req, &limiter.limits);
    let now = Utc::now();
    let window = now.timestamp() - now.timestamp().rem_euclid(WINDOW_SECS);
    let window_start: DateTime<Utc> = Utc.timestamp_opt(window, 0).single().unwrap_or(now);
    let reset = window + WINDOW_SECS;
    let retry_after = (reset - now.timestamp()).max(1);

    let hits = match limiter.count(&bucket, limit, window, window_start).await {
        Ok(h) => h,
        Err(e) => {
            // Fail open: the database being down is answered by the route itself.
            tracing::warn!(error = %e, "rate limiter unavailable; request let through");
            return next.run(req).await;
        }
    };
    let remaining = limit.saturating_sub(hits);
    let mut response = if hits > limit {
        let body = serde_json::json!({
            "error": "Rate Limit Exceeded",
            "message": "Rate limit exceeded. Please try again later.",
            "code": "RATE_LIMIT_EXCEEDED",
            "retry_after": retry_after,
        });
        let mut r = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
        set(r.headers_mut(), "retry-after", retry_after.to_string());
        r
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

fn set(headers: &mut HeaderMap, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The budget a request draws on. Credentials are bucketed by a digest of
/// what was presented, so no lookup is needed before counting.
fn bucket_for(req: &Request, limits: &RateLimits) -> (String, u32) {
    let headers = req.headers();
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(key) = header("x-api-key").filter(|k| !k.is_empty()) {
        return (format!("key:{}", digest(key)), limits.api_key);
    }
    if let Some(token) = header("authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    }) {
        return (format!("oauth:{}", digest(token.trim())), limits.oauth);
    }
    if let Some(cookie) = session_cookie(headers) {
        return (format!("session:{}", digest(cookie)), limits.session);
    }
    (format!("ip:{}", client_ip(req, limits)), limits.anonymous)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value)
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
    use axum::body::Body;

    fn limits(trusted: &[&str]) -> RateLimits {
        RateLimits {
            anonymous: 20,
            api_key: 60,
            oauth: 100,
            session: 100,
            trusted_proxies: trusted.iter().map(|s| s.parse().expect("ip")).collect(),
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

    #[test]
    fn credentials_pick_their_budget() {
        let l = limits(&[]);
        let key = axum::http::Request::get("/api/x")
            .header("x-api-key", "sk-abc")
            .body(Body::empty())
            .expect("r");
        let (bucket, limit) = bucket_for(&key, &l);
        assert!(bucket.starts_with("key:") && !bucket.contains("sk-abc"));
        assert_eq!(limit, 60);
        let bearer = axum::http::Request::get("/api/x")
            .header("authorization", "Bearer t")
            .body(Body::empty())
            .expect("r");
        assert_eq!(bucket_for(&bearer, &l).1, 100);
    }
}
