//! Reads on a streaming replica made by the test (`pg_basebackup -R` from a
//! primary of its own): browse, search, details and pages are served by the
//! replica, writes (and what they read) by the primary, and a replica that stops leaves browse working on the primary
//! while health says degraded.

use crate::common::Cred;
use crate::faults::Cluster;
use crate::fixtures::{actor, skill_body, Actor};
use crate::processes::start_with;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::{Duration, Instant};

fn key(actor: &Actor) -> String {
    match &actor.cred {
        Cred::Key(k) => k.clone(),
        other => panic!("fixture actors carry a key, not {other:?}"),
    }
}

async fn approve_new_skill(
    http: &reqwest::Client,
    base: &str,
    publisher: &str,
    operator: &str,
    name: &str,
) -> String {
    let created: Value = http
        .post(format!("{base}/api/v1/skills/private"))
        .header("x-api-key", publisher)
        .json(&skill_body(name))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = created["skill_id"]
        .as_str()
        .or_else(|| created["id"].as_str())
        .unwrap_or_else(|| panic!("skill id in {created}"))
        .to_owned();
    let r = http
        .post(format!("{base}/api/skills/publish"))
        .header("x-api-key", publisher)
        .json(&json!({ "skill_id": id }))
        .send()
        .await
        .expect("publish");
    assert_eq!(r.status(), 200, "publish");
    let r = http
        .post(format!("{base}/api/skills/approve/{id}"))
        .header("x-api-key", operator)
        .send()
        .await
        .expect("approve");
    assert_eq!(r.status(), 200, "approve");
    id
}

async fn status_of(http: &reqwest::Client, url: String, key: Option<&str>) -> (u16, String) {
    let mut req = http.get(url);
    if let Some(k) = key {
        req = req.header("x-api-key", k);
    }
    let r = req.send().await.expect("read");
    (r.status().as_u16(), r.text().await.expect("body"))
}

async fn browse_finds(http: &reqwest::Client, base: &str, name: &str) -> bool {
    let r = http
        .get(format!("{base}/api/public/v1/marketplace/skills?limit=100"))
        .send()
        .await
        .expect("browse");
    assert_eq!(r.status(), 200, "browse must keep working");
    r.text().await.expect("body").contains(name)
}

async fn eventually_found(http: &reqwest::Client, base: &str, name: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if browse_finds(http, base, name).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn reads_go_to_the_replica_and_fall_back_to_the_primary() {
    let Some(primary) = Cluster::create() else {
        panic!("PostgreSQL server binaries (initdb, pg_ctl) are needed for the replica test");
    };
    primary.start();
    let primary_url = format!("postgres://postgres@127.0.0.1:{}/postgres", primary.port);
    let migrated = std::process::Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .arg("migrate")
        .env("DATABASE_URL", &primary_url)
        .env("RUST_LOG", "off")
        .status()
        .expect("migrate");
    assert!(migrated.success());
    let replica = primary.replica().expect("pg_basebackup -R");
    replica.start();
    let replica_url = format!("postgres://postgres@127.0.0.1:{}/postgres", replica.port);

    let pool = PgPool::connect(&primary_url).await.expect("primary");
    let publisher = key(&actor(&pool, "Acme", "member").await);
    let operator = key(&actor(&pool, "Platform", "super_admin").await);
    let buyer = key(&actor(&pool, "Buyer", "member").await);
    let server = start_with(
        &primary_url,
        &[
            ("DATABASE_READ_URL", &replica_url),
            ("RATE_LIMIT_ANONYMOUS", "100000000"),
            ("RATE_LIMIT_API_KEY", "100000000"),
        ],
    )
    .await;
    let http = reqwest::Client::new();
    let health: Value = http
        .get(format!("{}/api/health", server.base))
        .send()
        .await
        .expect("health")
        .json()
        .await
        .expect("json");
    assert_eq!(
        health["services"]["database_replica"], "healthy",
        "{health}"
    );
    assert!(
        health["replica_lag_seconds"]
            .as_f64()
            .is_some_and(|lag| (0.0..60.0).contains(&lag)),
        "{health}"
    );

    approve_new_skill(
        &http,
        &server.base,
        &publisher,
        &operator,
        "Replicated Parser",
    )
    .await;
    assert!(
        eventually_found(&http, &server.base, "Replicated Parser").await,
        "an approval on the primary reaches browse through the replica"
    );

    // With replay paused, browse still answers from the replica, which has
    // not seen the next approval; once replay resumes, it has.
    let standby = PgPool::connect(&replica_url).await.expect("replica");
    sqlx::query("SELECT pg_wal_replay_pause()")
        .execute(&standby)
        .await
        .expect("pause replay");
    let held = approve_new_skill(
        &http,
        &server.base,
        &publisher,
        &operator,
        "Held Back Parser",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !browse_finds(&http, &server.base, "Held Back Parser").await,
        "browse reads the replica, not the primary"
    );
    // Search, details and pages read the replica too.
    let base = &server.base;
    let (status, body) = status_of(
        &http,
        format!("{base}/api/public/v1/marketplace/skills?query=Held%20Back%20Parser"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(&held), "search reads the replica: {body}");
    let detail = format!("{base}/api/public/v1/marketplace/skills/{held}");
    let (status, body) = status_of(&http, detail.clone(), None).await;
    assert_eq!(status, 404, "a visitor's details read the replica: {body}");
    let (status, body) = status_of(&http, format!("{base}/skills?q=Held+Back+Parser"), None).await;
    assert_eq!(status, 200);
    assert!(!body.contains(&held), "the browse page reads the replica");
    // The publisher's own listing missing on the replica is read again
    // from the primary.
    let (status, body) =
        status_of(&http, format!("{base}/api/skills/{held}"), Some(&publisher)).await;
    assert_eq!(status, 200, "its publisher sees it at once: {body}");
    // A write reads what it changes on the primary: installing the skill
    // the replica has not seen works.
    let r = http
        .post(format!("{base}/api/skills/install"))
        .header("x-api-key", &buyer)
        .json(&json!({ "skill_id": held }))
        .send()
        .await
        .expect("install");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    sqlx::query("SELECT pg_wal_replay_resume()")
        .execute(&standby)
        .await
        .expect("resume replay");
    assert!(eventually_found(&http, &server.base, "Held Back Parser").await);
    assert_eq!(status_of(&http, detail, None).await.0, 200);
    standby.close().await;

    // The replica stops: browse goes on from the primary at once.
    replica.stop();
    for _ in 0..5 {
        assert!(browse_finds(&http, &server.base, "Held Back Parser").await);
    }
    let r = http
        .get(format!("{}/api/health", server.base))
        .send()
        .await
        .expect("health");
    assert_eq!(r.status(), 200, "only the primary failing is a 503");
    let health: Value = r.json().await.expect("json");
    assert_eq!(
        health["services"]["database_replica"], "unhealthy",
        "{health}"
    );
    assert_eq!(health["status"], "degraded");
    drop(server);
    pool.close().await;
}
