//! Webhook delivery by real server processes to a receiver this test
//! runs: every delivery's Standard Webhooks signature checks out with the
//! secret, a receiver answering 500 twice gets the event on the third
//! attempt, a server killed between commit and delivery loses nothing, two
//! servers on one database deliver each event once, and a private target
//! is refused at the attempt unless allowed.

use crate::cli_support::database_url;
use crate::fixtures::{actor, Actor};
use crate::processes::{free_port, start_with, Server};
use axum::{extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// A webhook endpoint on an ephemeral loopback port: answers 500 to the
/// first `failures` requests, then 204; keeps every request.
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    failures: usize,
}

impl Receiver {
    async fn start(failures: usize) -> (Receiver, String) {
        let rx = Receiver {
            got: Arc::default(),
            failures,
        };
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(rx.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (rx, url)
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits until at least `n` requests arrived (or fails the test).
    async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "receiver got {} of {n} requests in {within:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(State(rx): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut got = rx.got.lock().expect("lock");
    got.push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    if got.len() <= rx.failures {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

/// The receiver's side of Standard Webhooks, written from the contract
/// (not from the server's code): HMAC-SHA256 keyed with the base64 after
/// `whsec_`, over `id.timestamp.body`, compared with each `v1,` entry.
fn verify(secret: &str, r: &Received) -> bool {
    let engine = base64::engine::general_purpose::STANDARD;
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| engine.decode(k).ok())
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = engine.encode(mac.finalize().into_bytes());
    r.signature
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected)
}

fn key(a: &Actor) -> String {
    match &a.cred {
        crate::common::Cred::Key(k) => k.clone(),
        other => panic!("fixture without a key: {other:?}"),
    }
}

/// One API call to a server process.
async fn call(
    server: &Server,
    method: &str,
    path: &str,
    who: &Actor,
    body: Option<Value>,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut req = http
        .request(
            method.parse().expect("method"),
            format!("{}{path}", server.base),
        )
        .header("x-api-key", key(who));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, v)
}

/// Registers a webhook on `server`; returns (id, secret).
async fn register(server: &Server, who: &Actor, url: &str, events: &[&str]) -> (String, String) {
    let (status, v) = call(
        server,
        "POST",
        "/api/webhooks",
        who,
        Some(json!({"url": url, "events": events})),
    )
    .await;
    assert_eq!(status, 201, "register: {v}");
    (
        v["id"].as_str().expect("id").to_owned(),
        v["secret"].as_str().expect("secret").to_owned(),
    )
}

/// Creates a private skill and submits it: one `listing.submitted`.
async fn submit_skill(server: &Server, who: &Actor, name: &str) -> String {
    let (status, v) = call(
        server,
        "POST",
        "/api/v1/skills/private",
        who,
        Some(crate::fixtures::skill_body(name)),
    )
    .await;
    assert_eq!(status, 201, "create: {v}");
    let id = v["skill_id"].as_str().expect("skill_id").to_owned();
    let (status, v) = call(
        server,
        "POST",
        "/api/skills/publish",
        who,
        Some(json!({"skill_id": id})),
    )
    .await;
    assert_eq!(status, 200, "publish: {v}");
    id
}

/// A server whose worker polls often and retries after a second.
async fn fast_server(pool: &PgPool, extra: &[(&str, &str)]) -> Server {
    let mut env = vec![
        ("WEBHOOKS_ALLOW_PRIVATE", "true"),
        ("WEBHOOK_RETRY_SCHEDULE_SECS", "1,1,1,1,1,1"),
        ("WEBHOOK_POLL_MS", "100"),
    ];
    env.extend_from_slice(extra);
    start_with(&database_url(pool), &env).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_receiver_failing_twice_gets_the_signed_event_on_the_third_attempt(pool: PgPool) {
    let metrics_port = free_port();
    let metrics_bind = format!("127.0.0.1:{metrics_port}");
    let server = fast_server(&pool, &[("METRICS_BIND", &metrics_bind)]).await;
    let (rx, url) = Receiver::start(2).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let (hook_id, secret) = register(&server, &publisher, &url, &["listing.submitted"]).await;
    let committed = chrono::Utc::now().timestamp();
    let skill = submit_skill(&server, &publisher, "Signed Delivery").await;

    let got = rx.wait_for(3, Duration::from_secs(60)).await;
    assert_eq!(got.len(), 3, "no attempt after the 2xx");
    for r in &got {
        assert!(verify(&secret, r), "signature of {r:?}");
        let ts: i64 = r.timestamp.parse().expect("unix seconds");
        assert!(
            (committed - 5..=committed + 120).contains(&ts),
            "timestamp {ts}"
        );
    }
    // The same event, the same id, the same bytes on every attempt.
    assert!(got
        .iter()
        .all(|r| r.id == got[0].id && r.body == got[0].body));
    let body: Value = serde_json::from_str(&got[0].body).expect("JSON body");
    assert_eq!(body["id"], got[0].id.as_str());
    assert_eq!(body["type"], "listing.submitted");
    assert_eq!(body["data"]["listing_id"], skill.as_str());
    assert_eq!(body["data"]["status"], "pending_approval");
    assert_eq!(body["data"]["name"], "Signed Delivery");
    // A wrong secret does not verify: the check can fail.
    assert!(!verify(
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        &got[0]
    ));

    // The log: delivered, three attempts, the last answer's status.
    let deadline = Instant::now() + Duration::from_secs(30);
    let delivery = loop {
        let (status, page) = call(
            &server,
            "GET",
            &format!("/api/webhooks/{hook_id}/deliveries"),
            &publisher,
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let d = page["deliveries"][0].clone();
        if d["status"] == "delivered" || Instant::now() > deadline {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(delivery["status"], "delivered", "{delivery}");
    assert_eq!(delivery["attempts"], 3);
    assert_eq!(delivery["last_status_code"], 204);
    assert_eq!(delivery["next_attempt_at"], Value::Null);
    assert_eq!(delivery["event_id"], got[0].id.as_str());

    // A redelivery sends the same event again, signed anew.
    let (status, again) = call(
        &server,
        "POST",
        &format!(
            "/api/webhooks/deliveries/{}/redeliver",
            delivery["id"].as_str().expect("delivery id")
        ),
        &publisher,
        None,
    )
    .await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["status"], "pending");
    let got = rx.wait_for(4, Duration::from_secs(30)).await;
    assert_eq!(got[3].id, got[0].id, "the event's id on every attempt");
    assert_eq!(got[3].body, got[0].body);
    assert!(verify(&secret, &got[3]));

    // Two refused attempts and two delivered, counted by outcome.
    let count = |text: &str, outcome: &str| {
        text.lines()
            .find(|l| {
                l.starts_with("webhook_delivery_attempts_total")
                    && l.contains(&format!("outcome=\"{outcome}\""))
            })
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut text = scrape(&metrics_bind).await;
    while count(&text, "delivered") < 2.0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        text = scrape(&metrics_bind).await;
    }
    assert_eq!(
        (count(&text, "rejected"), count(&text, "delivered")),
        (2.0, 2.0),
        "{text}"
    );
}

async fn scrape(metrics_bind: &str) -> String {
    reqwest::get(format!("http://{metrics_bind}/metrics"))
        .await
        .expect("scrape")
        .text()
        .await
        .expect("metrics text")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_killed_between_commit_and_delivery_loses_nothing(pool: PgPool) {
    let (rx, url) = Receiver::start(0).await;
    let publisher = actor(&pool, "Acme", "member").await;
    // This server's worker looks once, at start, then not for an hour:
    // whatever it commits afterwards is still undelivered when it dies.
    let mut doomed = fast_server(&pool, &[("WEBHOOK_POLL_MS", "3600000")]).await;
    let (_, secret) = register(&doomed, &publisher, &url, &["listing.submitted"]).await;
    let skill = submit_skill(&doomed, &publisher, "Survives Crash").await;
    doomed.child.kill().expect("SIGKILL");
    doomed.child.wait().expect("reaped");
    assert!(
        rx.received().is_empty(),
        "nothing was sent before the crash"
    );
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(pending, 1, "the outbox kept the committed event");

    let _restarted = fast_server(&pool, &[]).await;
    let got = rx.wait_for(1, Duration::from_secs(30)).await;
    assert!(verify(&secret, &got[0]));
    let body: Value = serde_json::from_str(&got[0].body).expect("JSON");
    assert_eq!(body["data"]["listing_id"], skill.as_str());
}

#[sqlx::test(migrations = "../migrations")]
async fn two_servers_on_one_database_deliver_each_event_once(pool: PgPool) {
    let (rx, url) = Receiver::start(0).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let a = fast_server(&pool, &[("WEBHOOK_POLL_MS", "20")]).await;
    let b = fast_server(&pool, &[("WEBHOOK_POLL_MS", "20")]).await;
    register(&a, &publisher, &url, &["listing.submitted"]).await;
    let n = 12;
    for i in 0..n {
        let server = if i % 2 == 0 { &a } else { &b };
        submit_skill(server, &publisher, &format!("Once {i}")).await;
    }
    rx.wait_for(n, Duration::from_secs(60)).await;
    // Give a double delivery time to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got = rx.received();
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (n, n), "each event once");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_private_target_is_refused_at_the_attempt_unless_allowed(pool: PgPool) {
    let (rx, url) = Receiver::start(0).await;
    let publisher = actor(&pool, "Acme", "member").await;
    // Registered while allowed (as a name that later resolves to a private
    // address would be); then served by a server that does not allow it.
    let allowed = fast_server(&pool, &[("WEBHOOK_POLL_MS", "3600000")]).await;
    let (hook_id, _) = register(&allowed, &publisher, &url, &["listing.submitted"]).await;
    drop(allowed);
    let strict = start_with(
        &database_url(&pool),
        &[
            ("WEBHOOK_RETRY_SCHEDULE_SECS", "1,1,1,1,1,1"),
            ("WEBHOOK_POLL_MS", "100"),
        ],
    )
    .await;
    // A new registration of the same target is refused outright here.
    let (status, v) = call(
        &strict,
        "POST",
        "/api/webhooks",
        &publisher,
        Some(json!({"url": url, "events": ["listing.submitted"]})),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["code"], "VALIDATION_ERROR");
    submit_skill(&strict, &publisher, "Never Sent").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let delivery = loop {
        let (_, page) = call(
            &strict,
            "GET",
            &format!("/api/webhooks/{hook_id}/deliveries"),
            &publisher,
            None,
        )
        .await;
        let d = page["deliveries"][0].clone();
        if d["attempts"].as_i64().unwrap_or(0) >= 2 || Instant::now() > deadline {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        delivery["attempts"].as_i64().unwrap_or(0) >= 2,
        "{delivery}"
    );
    assert_eq!(delivery["last_status_code"], Value::Null);
    assert!(
        rx.received().is_empty(),
        "the private target was never called"
    );
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM webhook_deliveries")
        .fetch_one(&pool)
        .await
        .expect("error");
    assert!(error.unwrap_or_default().contains("not public"));
}
