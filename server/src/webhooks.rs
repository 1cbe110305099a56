//! The webhook delivery worker, one per server process. Each round claims
//! due deliveries from the outbox (`FOR UPDATE SKIP LOCKED` plus a lease,
//! so several servers on one database never send one attempt twice),
//! posts each with the Standard Webhooks headers and signature, and
//! records what came of it: delivered on a 2xx within the timeout, else
//! retried on the schedule and finally `failed`.
//!
//! The SSRF guard runs at every attempt, not only at registration: a
//! literal address must be public, and a name is resolved by our own
//! resolver, which hands the connector only public addresses (so a name
//! that later resolves to 127.0.0.1 or a metadata address is never
//! connected to). Redirects are not followed and no proxy is used.

use crate::config::Config;
use app::backend::db::webhooks::{self as db, AttemptResult, ClaimedDelivery};
use app::backend::webhook_targets::is_public;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Deliveries claimed per round (a full round goes on without sleeping).
const BATCH: i64 = 32;
/// How long a claim holds a delivery: well past the request timeout, so
/// only a dead worker's claim ever lapses (and its delivery is retried).
const LEASE_SECS: f64 = 60.0;
/// Finished deliveries are kept this long in the log.
const KEEP_DAYS: i64 = 30;

#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// Loopback, private and link-local targets allowed (`WEBHOOKS_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// Wait after the n-th failed attempt; after the last, `failed`.
    pub schedule: Vec<Duration>,
    /// Time between rounds when nothing was due.
    pub poll: Duration,
    /// An answer must come (and be 2xx) within this.
    pub timeout: Duration,
}

/// The worker's settings from the configuration; a schedule entry that is
/// not a number of seconds from 0 to a week stops start-up.
pub fn settings(config: &Config) -> Result<DeliverySettings, BoxError> {
    let schedule = config
        .webhook_retry_schedule_secs
        .iter()
        .map(|&s| {
            if s.is_finite() && (0.0..=604_800.0).contains(&s) {
                Ok(Duration::from_secs_f64(s))
            } else {
                Err(format!(
                    "WEBHOOK_RETRY_SCHEDULE_SECS: {s} is not 0 to 604800 seconds"
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DeliverySettings {
        allow_private: config.webhooks_allow_private,
        schedule,
        poll: Duration::from_millis(config.webhook_poll_ms),
        timeout: Duration::from_secs(10),
    })
}

/// Starts the worker for the life of the process.
pub fn spawn(pool: PgPool, settings: DeliverySettings) {
    tokio::spawn(async move {
        let client = match client(&settings) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "webhook delivery client could not be built; no deliveries from this server");
                return;
            }
        };
        let settings = Arc::new(settings);
        let mut last_prune: Option<tokio::time::Instant> = None;
        loop {
            match deliver_due(&pool, &client, &settings).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook delivery round failed"),
            }
            if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
                last_prune = Some(tokio::time::Instant::now());
                let before = chrono::Utc::now() - chrono::Duration::days(KEEP_DAYS);
                if let Err(e) = db::prune(&pool, before).await {
                    tracing::debug!(error = %e, "webhook log pruning skipped");
                }
            }
            tokio::time::sleep(settings.poll).await;
        }
    });
}

/// The HTTP client of every attempt: bounded time, no redirects, no
/// proxy, and (unless private targets are allowed) the guarded resolver.
pub fn client(settings: &DeliverySettings) -> Result<reqwest::Client, BoxError> {
    let mut builder = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("marketplace-webhooks/", env!("CARGO_PKG_VERSION")));
    if !settings.allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    Ok(builder.build()?)
}

/// One round: claims what is due and attempts it, concurrently. Returns
/// how many deliveries were claimed.
pub async fn deliver_due(
    pool: &PgPool,
    client: &reqwest::Client,
    settings: &Arc<DeliverySettings>,
) -> Result<usize, sqlx::Error> {
    let claimed = db::claim_due(pool, BATCH, LEASE_SECS).await?;
    let n = claimed.len();
    let mut attempts = tokio::task::JoinSet::new();
    for delivery in claimed {
        attempts.spawn(attempt(
            pool.clone(),
            client.clone(),
            settings.clone(),
            delivery,
        ));
    }
    while attempts.join_next().await.is_some() {}
    Ok(n)
}

/// What one attempt came to, as the metric's `outcome` names it.
enum Outcome {
    /// A 2xx answer in time.
    Delivered(u16),
    /// Any other answer.
    Rejected(u16),
    /// No answer: refused connection, timeout, TLS failure, ...
    Unreachable(String),
    /// The target is (or resolves only to) a non-public address.
    Blocked,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Delivered(_) => "delivered",
            Outcome::Rejected(_) => "rejected",
            Outcome::Unreachable(_) => "unreachable",
            Outcome::Blocked => "blocked",
        }
    }
}

async fn attempt(
    pool: PgPool,
    client: reqwest::Client,
    settings: Arc<DeliverySettings>,
    delivery: ClaimedDelivery,
) {
    let outcome = send(&client, &settings, &delivery).await;
    metrics::counter!("webhook_delivery_attempts_total", "outcome" => outcome.label()).increment(1);
    let retry_in_secs = usize::try_from(delivery.attempts - 1)
        .ok()
        .and_then(|i| settings.schedule.get(i))
        .map(Duration::as_secs_f64);
    let blocked = "the target address is not public (WEBHOOKS_ALLOW_PRIVATE is off)";
    let result = match &outcome {
        Outcome::Delivered(code) => AttemptResult::Delivered {
            status_code: i32::from(*code),
        },
        Outcome::Rejected(code) => AttemptResult::Failed {
            status_code: Some(i32::from(*code)),
            error: "the endpoint answered with a non-2xx status",
            retry_in_secs,
        },
        Outcome::Unreachable(why) => AttemptResult::Failed {
            status_code: None,
            error: why,
            retry_in_secs,
        },
        Outcome::Blocked => AttemptResult::Failed {
            status_code: None,
            error: blocked,
            retry_in_secs,
        },
    };
    if let Err(e) = db::record_attempt(&pool, delivery.id, delivery.attempts, result).await {
        // The claim lapses and the delivery is attempted again.
        tracing::warn!(error = %e, delivery = %delivery.id, "webhook attempt not recorded");
    }
}

async fn send(
    client: &reqwest::Client,
    settings: &DeliverySettings,
    d: &ClaimedDelivery,
) -> Outcome {
    let Ok(url) = reqwest::Url::parse(&d.url) else {
        return Outcome::Unreachable("the stored URL does not parse".into());
    };
    if !settings.allow_private {
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
            _ => None,
        };
        // The connector does not resolve literal addresses: judged here.
        if literal.is_some_and(|ip| !is_public(ip)) {
            return Outcome::Blocked;
        }
    }
    let timestamp = chrono::Utc::now().timestamp();
    let id = d.event_id.to_string();
    let Some(signature) = sign(&d.secret, &id, timestamp, &d.body) else {
        tracing::error!(delivery = %d.id, "webhook secret unreadable");
        return Outcome::Unreachable("the webhook's secret is unreadable".into());
    };
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.body.clone())
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Outcome::Delivered(r.status().as_u16()),
        Ok(r) => Outcome::Rejected(r.status().as_u16()),
        Err(e) if caused_by_guard(&e) => Outcome::Blocked,
        Err(e) if e.is_timeout() => Outcome::Unreachable("no answer within 10 s".into()),
        Err(e) => Outcome::Unreachable(format!("no answer: {}", error_chain(&e))),
    }
}

/// `v1,<base64 HMAC-SHA256(secret bytes, "<id>.<timestamp>.<body>")>`,
/// the secret bytes being the base64 after `whsec_` (Standard Webhooks).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!("v1,{}", engine.encode(mac.finalize().into_bytes())))
}

/// A name that resolved to no public address.
#[derive(Debug)]
struct NotPublic;

impl std::fmt::Display for NotPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the name resolves to no public address")
    }
}

impl std::error::Error for NotPublic {}

/// Resolves with the system resolver and keeps the public addresses only.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(NotPublic) as BoxError);
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn caused_by_guard(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<NotPublic>().is_some() {
            return true;
        }
        source = s.source();
    }
    false
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification.
    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        let got = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            got.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("not-a-secret", "id", 1, "{}"), None);
    }
}
