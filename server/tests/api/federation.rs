//! Federation between instances, with real processes: A exports, B mirrors.
//! Each instance has its own database; B's operator registers A as a peer
//! over HTTP, and B's sync reads A's feed over HTTP.

use crate::cli_support::database_url;
use crate::common::{test_config, Cred, TestApp};
use crate::fixtures::{actor, approved_skill, skill_body, Actor};
use crate::processes::{free_port, start_with, Server};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use uuid::Uuid;

const KEY_FOR_B: &str = "fed-key-for-b-0123456789";

/// A second, migrated database beside the test's own (dropped by `drop_database`).
async fn second_database(pool: &PgPool) -> (String, PgPool) {
    let name = format!("fed_{}", Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(pool)
        .await
        .expect("create database");
    let url = database_url(pool);
    let url = format!("{}/{name}", url.rsplit_once('/').expect("url").0);
    let b = PgPool::connect(&url).await.expect("connect b");
    server::run::migrate_pool(&b).await.expect("migrate b");
    (url, b)
}

async fn drop_database(pool: &PgPool, other: PgPool) {
    let name = other
        .connect_options()
        .get_database()
        .expect("name")
        .to_owned();
    other.close().await;
    if let Err(e) = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(pool)
        .await
    {
        eprintln!("could not drop {name}: {e}");
    }
}

fn config_with_keys(keys: &[&str]) -> server::config::Config {
    let mut c = test_config();
    c.federation_keys = keys.iter().map(|k| k.to_string()).collect();
    c
}

fn key_of(a: &Actor) -> &str {
    match &a.cred {
        Cred::Key(k) => k,
        _ => panic!("fixture actors have keys"),
    }
}

async fn http(method: reqwest::Method, url: &str, key: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .request(method, url)
        .header("x-api-key", key);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let resp = r.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| json!(text))
    };
    (status, v)
}

async fn sync(b: &Server, operator: &Actor, peer: &str) -> (u16, Value) {
    http(
        reqwest::Method::POST,
        &format!("{}/api/admin/federation/peers/{peer}/sync", b.base),
        key_of(operator),
        None,
    )
    .await
}

async fn sync_ok(b: &Server, operator: &Actor, peer: &str) -> Value {
    let (s, v) = sync(b, operator, peer).await;
    assert_eq!(s, 200, "sync: {v}");
    v
}

fn counts(v: &Value) -> [i64; 5] {
    ["fetched", "created", "updated", "withdrawn", "errors"].map(|k| v[k].as_i64().expect(k))
}

/// The mirror of `remote_id` on B: (local id, status, verified hash).
async fn mirror(b: &PgPool, remote_id: &str) -> Option<(Uuid, String, String)> {
    sqlx::query_as(
        "SELECT l.id, l.status, m.content_hash FROM listings l \
         JOIN federation_mirrors m ON m.listing_id = l.id WHERE l.origin_remote_id = $1",
    )
    .bind(remote_id)
    .fetch_optional(b)
    .await
    .expect("mirror")
}

async fn approved_domain(app: &TestApp, owner: &Actor, operator: &Actor, name: &str) -> String {
    const M: &str = "/api/v1/domains/marketplace";
    let v = app
        .expect(
            "POST",
            "/api/v1/domains",
            &owner.cred,
            Some(json!({"domain_name": name, "description": format!("{name} workflows"), "category": "sales"})),
            201,
        )
        .await;
    let id = v["domain_id"].as_str().expect("domain_id").to_owned();
    app.expect(
        "POST",
        &format!("{M}/submit"),
        &owner.cred,
        Some(json!({"domain_id": id, "price_usd": 29.99, "license_type": "MIT", "tags": ["sales", "crm"]})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    id
}

async fn approved_template(app: &TestApp, owner: &Actor, operator: &Actor, id: &str) -> String {
    app.expect(
        "POST",
        "/api/marketplace/templates/advanced",
        &owner.cred,
        Some(json!({
            "id": id, "name": "Federated Workflow", "description": "Runs everywhere",
            "category": "Custom", "author": "Acme", "version": "1.0.0",
            "integrations": ["slack"], "complexity": "Intermediate", "tags": ["custom"],
            "input_schema": [{"name": "batch_size", "type": "integer", "label": "Batch size", "default": 10}],
            "steps": [{"step_id": "run", "name": "Run", "step_type": "action", "estimated_duration": 30}],
            "estimated_duration": 30, "prerequisites": [], "use_cases": ["x"], "benefits": ["y"],
            "nodes": [{"id": "1", "type": "trigger", "label": "Start"}], "edges": []
        })),
        201,
    )
    .await;
    let uuid: String = sqlx::query_scalar("SELECT id::text FROM listings WHERE external_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("listing");
    app.expect(
        "POST",
        &format!("/api/admin/listings/{uuid}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    uuid
}

/// The publisher edits an approved skill and the operator approves the
/// revision (the content visitors see changes only then).
async fn edit_and_approve(
    app: &TestApp,
    owner: &Actor,
    operator: &Actor,
    id: &str,
    description: &str,
) {
    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &owner.cred,
        Some(json!({"description": description})),
        200,
    )
    .await;
    let queue = app
        .expect("GET", "/api/admin/review-queue", &operator.cred, None, 200)
        .await;
    let item = queue["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .expect("revision in the queue")
        .clone();
    let hash = item["content_hash"].as_str().expect("hash");
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve?content_hash={hash}"),
        &operator.cred,
        None,
        200,
    )
    .await;
}

/// What both instances must agree on for a skill.
fn skill_content(v: &Value) -> Value {
    json!([
        v["name"],
        v["description"],
        v["long_description"],
        v["category"],
        v["tags"],
        v["input_schema"],
        v["output_schema"],
        v["config"],
        v["price"],
        v["skill_type"]
    ])
}

#[sqlx::test(migrations = "../migrations")]
async fn two_instances_mirror_approved_listings_and_follow_their_changes(pool: PgPool) {
    // A: the exporting instance.
    let app_a = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator_a = actor(&pool, "Platform A", "super_admin").await;
    let skill = approved_skill(
        &app_a,
        &publisher,
        &operator_a,
        skill_body("Federated Skill"),
    )
    .await;
    let domain = approved_domain(&app_a, &publisher, &operator_a, "Federated Domain").await;
    let template = approved_template(&app_a, &publisher, &operator_a, "tmpl_federated").await;
    // A draft is never exported.
    crate::fixtures::private_skill(&app_a, &publisher, skill_body("Draft Only")).await;

    let (url_b, pool_b) = second_database(&pool).await;
    let app_b = TestApp::with_config(pool_b.clone(), config_with_keys(&["b-exports"])).await;
    let operator_b = actor(&pool_b, "Platform B", "super_admin").await;
    let member_b = actor(&pool_b, "Team B", "owner").await;

    let a = start_with(
        &database_url(&pool),
        &[
            ("FEDERATION_KEYS", &format!("old-key,{KEY_FOR_B}")),
            ("FEDERATION_SYNC_SECONDS", "0"),
        ],
    )
    .await;
    let metrics_b = format!("127.0.0.1:{}", free_port());
    let b = start_with(
        &url_b,
        &[
            ("FEDERATION_SYNC_SECONDS", "0"),
            ("METRICS_BIND", &metrics_b),
        ],
    )
    .await;

    // Keys: missing 401, unknown 403, federation off on B: 404.
    let feed_a = format!("{}/api/federation/v1/marketplace/skills", a.base);
    let client = reqwest::Client::new();
    let r = client.get(&feed_a).send().await.expect("feed");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.expect("json")["code"],
        "AUTH_REQUIRED"
    );
    let r = client
        .get(&feed_a)
        .header("x-federation-key", "guessed")
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), 403);
    let v = r.json::<Value>().await.expect("json");
    assert_eq!(
        (v["code"].as_str(), v["error"].as_str()),
        (
            Some("INVALID_FEDERATION_KEY"),
            Some("Invalid Federation Key")
        )
    );
    // An API key of A is no federation key.
    let r = client
        .get(&feed_a)
        .header("x-federation-key", key_of(&operator_a))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), 403);
    let r = client
        .get(format!("{}/api/federation/v1/marketplace/skills", b.base))
        .header("x-federation-key", KEY_FOR_B)
        .send()
        .await
        .expect("feed b");
    assert_eq!(r.status(), 404, "no FEDERATION_KEYS: federation is off");
    // Both keys of the rotation work.
    for key in ["old-key", KEY_FOR_B] {
        let r = client
            .get(&feed_a)
            .header("x-federation-key", key)
            .send()
            .await
            .expect("feed");
        assert_eq!(r.status(), 200);
    }

    // Only an operator registers peers; the key is never shown.
    let peer_url = format!("{}/api/admin/federation/peers/a", b.base);
    let body = json!({"url": a.base, "key": KEY_FOR_B, "enabled": true});
    let (s, v) = http(
        reqwest::Method::PUT,
        &peer_url,
        key_of(&member_b),
        Some(body.clone()),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (403, Some("FORBIDDEN")), "{v}");
    let (s, v) = http(
        reqwest::Method::PUT,
        &peer_url,
        key_of(&operator_b),
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert!(!v.to_string().contains(KEY_FOR_B), "key shown: {v}");
    let (s, v) = http(
        reqwest::Method::PUT,
        &peer_url,
        key_of(&operator_b),
        Some(json!({"url": a.base})),
    )
    .await;
    assert_eq!(s, 200, "a replace keeps the stored key: {v}");

    // First sync: the three approved listings, nothing else.
    let report = sync_ok(&b, &operator_b, "a").await;
    assert_eq!(counts(&report), [3, 3, 0, 0, 0], "{report}");

    // Same content and hash on both.
    let bundle = |kind: &str, id: &str| {
        let url = format!(
            "{}/api/federation/v1/marketplace/{kind}/{id}/bundle",
            a.base
        );
        let client = client.clone();
        async move {
            let r = client
                .get(url)
                .header("x-federation-key", KEY_FOR_B)
                .send()
                .await
                .expect("bundle");
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.expect("bundle json")
        }
    };
    let skill_bundle = bundle("skills", &skill).await;
    let (skill_b, status, hash) = mirror(&pool_b, &skill).await.expect("skill mirrored");
    assert_eq!(status, "approved");
    assert_eq!(hash, skill_bundle["content_hash"].as_str().expect("hash"));
    assert_eq!(
        hash,
        app::backend::services::federation::content_hash(&skill_bundle).expect("hash"),
        "the hash is of the bundle's canonical JSON"
    );
    let on_a = crate::fixtures::public_detail(&app_a, &skill).await;
    let on_b = crate::fixtures::public_detail(&app_b, &skill_b.to_string()).await;
    assert_eq!(skill_content(&on_a), skill_content(&on_b));
    assert_eq!(on_a["origin"], Value::Null);
    assert_eq!(
        on_b["origin"],
        json!({"peer": "a", "remote_id": skill, "url": format!("{}/skills/{skill}", a.base)})
    );
    // Pages say where a mirror came from: its own page and its card.
    let page = app_b.get(&format!("/skills/{skill_b}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Mirrored from a"),
        "listing page without the badge"
    );
    let cards = app_b.get("/skills").await;
    assert!(
        cards.text.contains("Mirrored from a"),
        "browse card without the badge"
    );
    let page = app_a.get(&format!("/skills/{skill}")).await;
    assert!(
        !page.text.contains("Mirrored from"),
        "a local listing has no badge"
    );
    let browse = app_b
        .expect("GET", "/api/skills/marketplace", &member_b.cred, None, 200)
        .await;
    assert!(
        browse
            .to_string()
            .contains(&format!("\"remote_id\":\"{skill}\"")),
        "browse items carry the origin: {browse}"
    );
    // Installs are local: B's member installs the mirror under B's rules,
    // and only B counts it.
    let install_on_b = json!({ "skill_id": skill_b.to_string() });
    app_b
        .expect(
            "POST",
            "/api/skills/install",
            &member_b.cred,
            Some(install_on_b.clone()),
            200,
        )
        .await;
    assert_eq!(
        crate::fixtures::public_detail(&app_b, &skill_b.to_string()).await["installs"],
        1
    );
    assert_eq!(
        crate::fixtures::public_detail(&app_a, &skill).await["installs"],
        0
    );
    for (kind, id, path) in [
        ("domains", &domain, "/api/v1/domains/marketplace/{}"),
        (
            "workflows",
            &"tmpl_federated".to_owned(),
            "/api/marketplace/templates/{}",
        ),
    ] {
        let bundle = bundle(kind, id).await;
        let (local, _, hash) = mirror(&pool_b, id).await.expect("mirrored");
        assert_eq!(hash, bundle["content_hash"].as_str().expect("hash"));
        let remote_uuid = if kind == "workflows" { &template } else { id };
        let on_a = app_a
            .expect(
                "GET",
                &path.replace("{}", remote_uuid),
                &Cred::Anon,
                None,
                200,
            )
            .await;
        let on_b = app_b
            .expect(
                "GET",
                &path.replace("{}", &local.to_string()),
                &Cred::Anon,
                None,
                200,
            )
            .await;
        for field in ["name", "description", "category", "tags"] {
            assert_eq!(on_a[field], on_b[field], "{kind} {field}");
        }
        assert_eq!(on_b["origin"]["peer"], "a", "{kind}: {on_b}");
    }

    // Mirrors are never exported again: B's own feed is empty.
    let feed_b = app_b
        .send(
            axum::http::Request::get("/api/federation/v1/marketplace/skills")
                .header("x-federation-key", "b-exports")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(feed_b.status, 200, "{}", feed_b.text);
    assert_eq!(feed_b.json()["items"], json!([]));

    // Nothing changed: the walk resumes from the stored cursors.
    let report = sync_ok(&b, &operator_b, "a").await;
    assert_eq!(counts(&report), [0, 0, 0, 0, 0], "{report}");

    // An edit on A propagates.
    edit_and_approve(
        &app_a,
        &publisher,
        &operator_a,
        &skill,
        "Now even more useful",
    )
    .await;
    let report = sync_ok(&b, &operator_b, "a").await;
    assert_eq!(counts(&report), [1, 0, 1, 0, 0], "{report}");
    let on_b = crate::fixtures::public_detail(&app_b, &skill_b.to_string()).await;
    assert_eq!(on_b["description"], "Now even more useful");
    assert_eq!(on_b["installs"], 1, "a sync keeps B's own counters");
    let (_, _, hash) = mirror(&pool_b, &skill).await.expect("mirror");
    assert_eq!(
        hash,
        bundle("skills", &skill).await["content_hash"]
            .as_str()
            .expect("hash")
    );

    // A suspension on A withdraws B's copy.
    app_a
        .expect(
            "POST",
            &format!("/api/admin/listings/{domain}/suspend?reason=Withdrawn"),
            &operator_a.cred,
            None,
            200,
        )
        .await;
    let report = sync_ok(&b, &operator_b, "a").await;
    assert_eq!(counts(&report), [1, 0, 0, 1, 0], "{report}");
    let (domain_b, status, _) = mirror(&pool_b, &domain).await.expect("mirror");
    assert_eq!(status, "suspended");
    app_b
        .call(
            "GET",
            &format!("/api/v1/domains/marketplace/{domain_b}"),
            &Cred::Anon,
            None,
        )
        .await
        .assert_envelope(404, "DOMAIN_NOT_FOUND");

    // A local suspension on B survives the next sync, even of new content.
    app_b
        .expect(
            "POST",
            &format!("/api/admin/listings/{skill_b}/suspend?reason=Not%20here"),
            &operator_b.cred,
            None,
            200,
        )
        .await;
    edit_and_approve(
        &app_a,
        &publisher,
        &operator_a,
        &skill,
        "Edited again upstream",
    )
    .await;
    let report = sync_ok(&b, &operator_b, "a").await;
    assert_eq!(counts(&report), [1, 0, 1, 0, 0], "{report}");
    let (_, status, _) = mirror(&pool_b, &skill).await.expect("mirror");
    assert_eq!(
        status, "suspended",
        "the local operator's suspension sticks"
    );
    // And it governs installs: the suspended mirror installs nowhere on B.
    app_b
        .call(
            "POST",
            "/api/skills/install",
            &actor(&pool_b, "Team C", "owner").await.cred,
            Some(install_on_b),
        )
        .await
        .assert_envelope(404, "SKILL_NOT_FOUND");

    // The operator's view of the peer.
    let (s, v) = http(
        reqwest::Method::GET,
        &format!("{}/api/admin/federation/peers", b.base),
        key_of(&operator_b),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let peer = &v["peers"][0];
    assert_eq!(peer["name"], "a");
    assert_eq!(peer["mirrored"]["skills"], 1);
    assert_eq!(peer["mirrored"]["domains"], 1);
    assert_eq!(peer["mirrored"]["workflows"], 1);
    assert!(peer["cursors"]["skills"].is_string(), "{peer}");
    assert!(peer["last_sync_at"].is_string());
    assert_eq!(peer["last_error"], Value::Null);
    assert!(!v.to_string().contains(KEY_FOR_B), "key shown: {v}");

    // Every sync of the peer was counted once, by its outcome: five runs,
    // none of them with errors.
    let text = reqwest::get(format!("http://{metrics_b}/metrics"))
        .await
        .expect("scrape")
        .text()
        .await
        .expect("metrics text");
    let runs = |outcome: &str| {
        text.lines()
            .find(|l| {
                l.starts_with("federation_sync_runs_total{")
                    && l.contains("peer=\"a\"")
                    && l.contains(&format!("outcome=\"{outcome}\""))
            })
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    assert_eq!(
        (runs("ok"), runs("errors"), runs("failed")),
        (5.0, 0.0, 0.0),
        "{text}"
    );

    // Removing the peer removes its mirrors.
    let (s, _) = http(
        reqwest::Method::DELETE,
        &peer_url,
        key_of(&operator_b),
        None,
    )
    .await;
    assert_eq!(s, 204);
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listings WHERE origin_peer IS NOT NULL")
            .fetch_one(&pool_b)
            .await
            .expect("count");
    assert_eq!(left, 0);
    let (s, _) = http(
        reqwest::Method::DELETE,
        &peer_url,
        key_of(&operator_b),
        None,
    )
    .await;
    assert_eq!(s, 404);

    drop((a, b, app_b));
    drop_database(&pool, pool_b).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_federation_budget_is_100_a_minute_per_address(pool: PgPool) {
    let app = TestApp::with_config(pool.clone(), config_with_keys(&["k1"])).await;
    let get = |key: &'static str| {
        axum::http::Request::get("/api/federation/v1/marketplace/skills?limit=1")
            .header("x-federation-key", key)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    // Junk keys draw on the same budget as good ones: guessing cannot
    // reset it.
    for i in 0..100 {
        let r = app.send(get(if i % 2 == 0 { "k1" } else { "junk" })).await;
        assert_eq!(
            r.status,
            if i % 2 == 0 { 200 } else { 403 },
            "request {i}: {}",
            r.text
        );
        assert_eq!(r.header("x-ratelimit-limit"), Some("100"));
    }
    let r = app.send(get("k1")).await;
    r.assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    assert!(r.header("retry-after").is_some());
    // The federation budget is its own: the API's is untouched.
    let r = app.call("GET", "/api/health", &Cred::Anon, None).await;
    assert_eq!(r.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn feed_walks_by_cursor_and_since_with_tombstones(pool: PgPool) {
    let app = TestApp::with_config(pool.clone(), config_with_keys(&["k"])).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            approved_skill(
                &app,
                &publisher,
                &operator,
                skill_body(&format!("Walk {n}")),
            )
            .await,
        );
    }
    let get = |uri: String| {
        let app = &app;
        async move {
            let r = app
                .send(
                    axum::http::Request::get(uri)
                        .header("x-federation-key", "k")
                        .body(axum::body::Body::empty())
                        .expect("request"),
                )
                .await;
            (r.status, r.json())
        }
    };
    let base = "/api/federation/v1/marketplace/skills";
    let (s, page) = get(format!("{base}?limit=2")).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["has_more"], true);
    let first: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(first, [ids[0].as_str(), ids[1].as_str()]);
    assert_eq!(page["items"][0]["kind"], "skill");
    assert_eq!(page["items"][0]["status"], "approved");
    assert!(page["items"][0]["content_hash"]
        .as_str()
        .expect("hash")
        .starts_with("sha256:"));
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let (_, page) = get(format!("{base}?limit=2&cursor={cursor}")).await;
    assert_eq!(page["items"].as_array().expect("items").len(), 1);
    assert_eq!(page["has_more"], false);
    let end = page["next_cursor"].as_str().expect("cursor").to_owned();
    // At the end: an empty page keeps the cursor given.
    let (_, page) = get(format!("{base}?cursor={end}")).await;
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["next_cursor"], end.as_str());

    // Counters do not move a listing; a suspension does, as a tombstone.
    let rater = actor(&pool, "Globex", "member").await;
    app.expect(
        "POST",
        &format!("/api/skills/rate/{}", ids[0]),
        &rater.cred,
        Some(json!({"rating": 5})),
        200,
    )
    .await;
    let (_, page) = get(format!("{base}?cursor={end}")).await;
    assert_eq!(page["items"], json!([]), "a rating is no export change");
    app.expect(
        "POST",
        &format!("/api/admin/listings/{}/suspend?reason=x", ids[0]),
        &operator.cred,
        None,
        200,
    )
    .await;
    let (_, page) = get(format!("{base}?cursor={end}")).await;
    assert_eq!(page["items"][0]["id"], ids[0].as_str());
    assert_eq!(page["items"][0]["status"], "withdrawn");
    assert_eq!(page["items"][0]["content_hash"], Value::Null);
    let since = page["items"][0]["updated_at"]
        .as_str()
        .expect("updated_at")
        .to_owned();
    // updated_since is inclusive.
    let (_, page) = get(format!(
        "{base}?updated_since={}",
        since.replace('+', "%2B")
    ))
    .await;
    assert_eq!(page["items"][0]["id"], ids[0].as_str());
    // A withdrawn listing has no bundle.
    let (s, v) = get(format!("{base}/{}/bundle", ids[0])).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("SKILL_NOT_FOUND")));
    // Junk parameters are 400s.
    for q in [
        "cursor=nonsense",
        "updated_since=yesterday",
        "limit=101",
        "limit=0",
    ] {
        let (s, v) = get(format!("{base}?{q}")).await;
        assert_eq!(s, 400, "{q}: {v}");
    }
    let (s, _) = get("/api/federation/v1/marketplace/gadgets".into()).await;
    assert_eq!(s, 404);
}

/// A peer served by the test: one good bundle and one whose hash lies.
async fn tampering_peer() -> (String, tokio::task::JoinHandle<()>) {
    use axum::{extract::Path, routing::get, Json, Router};
    fn good() -> Value {
        let mut b = json!({
            "id": "11111111-1111-7111-8111-111111111111", "kind": "skill", "name": "Honest",
            "description": "d", "long_description": "", "category": null, "tags": [], "price": 0.0,
            "license": null, "version": null,
            "spec": {"skill_type": "function", "risk_level": "low", "code": "x"},
            "versions": [], "publisher_name": "Peer", "created_at": "2026-01-01T00:00:00Z",
        });
        b["content_hash"] =
            json!(app::backend::services::federation::content_hash(&b).expect("hash"));
        b
    }
    fn tampered() -> Value {
        let mut b = good();
        b["id"] = json!("22222222-2222-7222-8222-222222222222");
        b["name"] = json!("Tampered");
        b["spec"]["code"] = json!("steal()");
        // The hash of the honest content, not of this.
        b
    }
    let feed = || async {
        let items: Vec<Value> = [good(), tampered()]
            .iter()
            .map(|b| {
                json!({
                    "id": b["id"], "kind": "skill", "name": b["name"], "version": null,
                    "status": "approved", "updated_at": "2026-01-01T00:00:00Z",
                    "content_hash": b["content_hash"],
                })
            })
            .collect();
        Json(json!({
            "items": items,
            "next_cursor": "1.00000000-0000-0000-0000-000000000001", "has_more": false,
        }))
    };
    let empty = || async { Json(json!({"items": [], "next_cursor": null, "has_more": false})) };
    let router = Router::new()
        .route("/api/federation/v1/marketplace/skills", get(feed))
        .route("/api/federation/v1/marketplace/{kind}", get(empty))
        .route(
            "/api/federation/v1/marketplace/skills/{id}/bundle",
            get(|Path(id): Path<String>| async move {
                Json(if id.starts_with("1111") {
                    good()
                } else {
                    tampered()
                })
            }),
        );
    let port = free_port();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://127.0.0.1:{port}"), handle)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tampered_bundle_is_skipped_and_reported(pool: PgPool) {
    let (peer_url, peer) = tampering_peer().await;
    let app = TestApp::new(pool.clone()).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    app.expect(
        "PUT",
        "/api/admin/federation/peers/shady",
        &operator.cred,
        Some(json!({"url": peer_url, "key": "whatever"})),
        201,
    )
    .await;
    let report = app
        .expect(
            "POST",
            "/api/admin/federation/peers/shady/sync",
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(counts(&report), [2, 1, 0, 0, 1], "{report}");
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM listings WHERE origin_peer = 'shady'")
            .fetch_all(&pool)
            .await
            .expect("names");
    assert_eq!(names, ["Honest"], "the tampered bundle is not mirrored");
    let peers = app
        .expect(
            "GET",
            "/api/admin/federation/peers",
            &operator.cred,
            None,
            200,
        )
        .await;
    let error = peers["peers"][0]["last_error"]
        .as_str()
        .expect("last_error");
    assert!(error.contains("content_hash mismatch"), "{error}");
    // The operator desk shows the peer's state and offers a sync.
    let account = app.signup("Operators", "op@federation.test").await;
    sqlx::query("UPDATE users SET role = 'super_admin' WHERE id = $1::uuid")
        .bind(&account.user_id)
        .execute(&pool)
        .await
        .expect("operator role");
    let desk = app
        .call("GET", "/admin", &Cred::Cookie(account.cookie.clone()), None)
        .await;
    assert_eq!(desk.status, 200);
    for shown in [
        "Federation peers",
        "shady",
        "1 mirrored",
        "content_hash mismatch",
        "Sync shady now",
    ] {
        assert!(
            desk.text.contains(shown),
            "the desk does not show {shown:?}"
        );
    }
    // "Sync now" on the desk runs the same sync (a form post).
    let before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT last_sync_at FROM federation_peers WHERE name = 'shady'")
            .fetch_one(&pool)
            .await
            .expect("last sync");
    let r = app
        .send(
            axum::http::Request::post("/sfn/operator/federation-sync")
                .header("host", crate::common::HOST)
                .header("origin", crate::common::ORIGIN)
                .header("cookie", account.cookie.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("name=shady"))
                .expect("request"),
        )
        .await;
    assert!(r.status < 400, "sync now: {} {}", r.status, r.text);
    let after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT last_sync_at FROM federation_peers WHERE name = 'shady'")
            .fetch_one(&pool)
            .await
            .expect("last sync");
    assert!(after > before, "the desk's sync did not run");
    peer.abort();
}

#[sqlx::test(migrations = "../migrations")]
async fn two_app_servers_syncing_one_peer_mirror_each_listing_once(pool: PgPool) {
    // A with 40 approved skills, straight into its table (the feed trigger
    // exports them as any approval would).
    let publisher = actor(&pool, "Acme", "owner").await;
    insert_approved_skills(&pool, publisher.tenant_id, 40).await;
    let (url_b, pool_b) = second_database(&pool).await;
    let operator_b = actor(&pool_b, "Platform B", "super_admin").await;
    let a = start_with(&database_url(&pool), &[("FEDERATION_KEYS", KEY_FOR_B)]).await;
    // Both of B's servers also sync on their own every second.
    let b1 = start_with(&url_b, &[("FEDERATION_SYNC_SECONDS", "1")]).await;
    let b2 = start_with(&url_b, &[("FEDERATION_SYNC_SECONDS", "1")]).await;
    let (s, v) = http(
        reqwest::Method::PUT,
        &format!("{}/api/admin/federation/peers/a", b1.base),
        key_of(&operator_b),
        Some(json!({"url": a.base, "key": KEY_FOR_B})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (r1, r2) = tokio::join!(sync(&b1, &operator_b, "a"), sync(&b2, &operator_b, "a"));
    let mut created = 0;
    for (s, v) in [&r1, &r2] {
        match s {
            200 => created += v["created"].as_i64().expect("created"),
            409 => assert_eq!(v["code"], "CONFLICTING_OPERATION"),
            other => panic!("sync answered {other}: {v}"),
        }
    }
    // Whatever the background syncs did meanwhile, each listing is here once.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // One snapshot: counted apart, a mirror written in between would
        // look like a duplicate.
        let (n, distinct): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(DISTINCT origin_remote_id) FROM listings \
             WHERE origin_peer = 'a'",
        )
        .fetch_one(&pool_b)
        .await
        .expect("count");
        assert_eq!(n, distinct, "a remote listing mirrored twice");
        if n == 40 {
            break;
        }
        assert!(Instant::now() < deadline, "only {n} of 40 mirrored");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        created <= 40,
        "two syncs created {created} mirrors of 40 listings"
    );
    drop((a, b1, b2));
    drop_database(&pool, pool_b).await;
}

/// `n` approved skills of the tenant, written in one statement.
async fn insert_approved_skills(pool: &PgPool, tenant: Uuid, n: i64) {
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, status, spec, approved_at) \
         SELECT gen_random_uuid(), 'skill', $1, 'Bulk skill ' || i, 'bulk-skill-' || i, \
                'Skill number ' || i, 'approved', \
                jsonb_build_object('skill_type', 'function', 'risk_level', 'low', 'code', 'def f(): return ' || i), \
                now() \
         FROM generate_series(1, $2) AS i",
    )
    .bind(tenant)
    .bind(n)
    .execute(pool)
    .await
    .expect("bulk skills");
}

/// The sync time for 10,000 listings from one peer (run by hand:
/// `cargo test -p server --test api federation::sync_of_ten_thousand -- --ignored --nocapture`).
#[sqlx::test(migrations = "../migrations")]
#[ignore = "a measurement: about three minutes in a debug build"]
async fn sync_of_ten_thousand_listings(pool: PgPool) {
    let publisher = actor(&pool, "Acme", "owner").await;
    insert_approved_skills(&pool, publisher.tenant_id, 10_000).await;
    let (url_b, pool_b) = second_database(&pool).await;
    let operator_b = actor(&pool_b, "Platform B", "super_admin").await;
    // The peer's budget raised: this measures the sync, not the limiter
    // (at the default 100 a minute, 10,000 bundles take 100 minutes).
    let a = start_with(
        &database_url(&pool),
        &[
            ("FEDERATION_KEYS", KEY_FOR_B),
            ("RATE_LIMIT_FEDERATION", "1000000"),
        ],
    )
    .await;
    let b = start_with(
        &url_b,
        &[
            ("FEDERATION_SYNC_SECONDS", "0"),
            ("REQUEST_TIMEOUT_SECS", "3600"),
        ],
    )
    .await;
    let (s, _) = http(
        reqwest::Method::PUT,
        &format!("{}/api/admin/federation/peers/a", b.base),
        key_of(&operator_b),
        Some(json!({"url": a.base, "key": KEY_FOR_B})),
    )
    .await;
    assert_eq!(s, 201);
    let started = Instant::now();
    let report = sync_ok(&b, &operator_b, "a").await;
    let first = started.elapsed();
    assert_eq!(counts(&report), [10_000, 10_000, 0, 0, 0], "{report}");
    let started = Instant::now();
    let again = sync_ok(&b, &operator_b, "a").await;
    let second = started.elapsed();
    assert_eq!(counts(&again), [0, 0, 0, 0, 0]);
    println!(
        "federation sync of 10,000 listings: first {:.1} s ({:.0} listings/s), nothing changed {:.3} s",
        first.as_secs_f64(),
        10_000.0 / first.as_secs_f64(),
        second.as_secs_f64()
    );
    drop((a, b));
    drop_database(&pool, pool_b).await;
}

/// A peer served by the test whose one skill's bundle the test changes.
async fn changing_peer(bundle: std::sync::Arc<std::sync::Mutex<Value>>) -> String {
    use axum::{routing::get, Json, Router};
    let current = move |b: &std::sync::Arc<std::sync::Mutex<Value>>| {
        let mut v = b.lock().expect("bundle").clone();
        v["content_hash"] =
            json!(app::backend::services::federation::content_hash(&v).expect("hash"));
        v
    };
    let (b1, b2) = (bundle.clone(), bundle);
    let router = Router::new()
        .route(
            "/api/federation/v1/marketplace/skills",
            get(move || {
                let v = current(&b1);
                async move {
                    Json(json!({
                        "items": [{"id": v["id"], "kind": "skill", "name": v["name"], "version": null,
                                   "status": "approved", "updated_at": "2026-01-01T00:00:00Z",
                                   "content_hash": v["content_hash"]}],
                        "next_cursor": null, "has_more": false,
                    }))
                }
            }),
        )
        .route(
            "/api/federation/v1/marketplace/{kind}",
            get(|| async { Json(json!({"items": [], "next_cursor": null, "has_more": false})) }),
        )
        .route(
            "/api/federation/v1/marketplace/skills/{id}/bundle",
            get(move || {
                let v = current(&b2);
                async move { Json(v) }
            }),
        );
    let port = free_port();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://127.0.0.1:{port}")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mirrored_update_that_widens_capabilities_waits_for_a_local_operator(pool: PgPool) {
    let bundle = std::sync::Arc::new(std::sync::Mutex::new(json!({
        "id": "33333333-3333-7333-8333-333333333333", "kind": "skill", "name": "Quiet",
        "description": "Reads nothing", "long_description": "", "category": null, "tags": [],
        "price": 0.0, "license": null, "version": null,
        "spec": {"skill_type": "function", "risk_level": "low", "code": "x"},
        "versions": [], "publisher_name": "Peer", "created_at": "2026-01-01T00:00:00Z",
    })));
    let peer_url = changing_peer(bundle.clone()).await;
    let app = TestApp::new(pool.clone()).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    app.expect(
        "PUT",
        "/api/admin/federation/peers/p",
        &operator.cred,
        Some(json!({"url": peer_url, "key": "k"})),
        201,
    )
    .await;
    let sync = || {
        app.expect(
            "POST",
            "/api/admin/federation/peers/p/sync",
            &operator.cred,
            None,
            200,
        )
    };
    assert_eq!(counts(&sync().await), [1, 1, 0, 0, 0]);
    let (local, _, _) = mirror(&pool, "33333333-3333-7333-8333-333333333333")
        .await
        .expect("mirror");
    // Upstream now wants a shell.
    {
        let mut b = bundle.lock().expect("bundle");
        b["description"] = json!("Runs commands");
        b["spec"]["capabilities"] = json!({"network": [], "secrets": [], "filesystem": "none", "shell": true, "docker": false});
    }
    assert_eq!(counts(&sync().await), [1, 0, 1, 0, 0]);
    let live = crate::fixtures::public_detail(&app, &local.to_string()).await;
    assert_eq!(
        live["description"], "Reads nothing",
        "the wider update is not live"
    );
    let queue = app
        .expect("GET", "/api/admin/review-queue", &operator.cred, None, 200)
        .await;
    let item = queue["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == local.to_string())
        .expect("queued for the local operator")
        .clone();
    assert_eq!(item["change"], "edit");
    // Seen once: the next sync does not queue it again.
    assert_eq!(counts(&sync().await), [1, 0, 0, 0, 0]);
    app.expect(
        "POST",
        &format!(
            "/api/admin/listings/{local}/approve?content_hash={}",
            item["content_hash"].as_str().expect("hash")
        ),
        &operator.cred,
        None,
        200,
    )
    .await;
    let live = crate::fixtures::public_detail(&app, &local.to_string()).await;
    assert_eq!(live["description"], "Runs commands");
}

/// `marketplace federation add-peer` at the console.
fn add_peer(pool: &PgPool, args: &[&str]) -> (bool, Value, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(["federation", "add-peer"])
        .args(args)
        .env("DATABASE_URL", database_url(pool))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run marketplace");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (
        out.status.success(),
        serde_json::from_str(stdout.trim()).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn the_command_line_registers_peers_like_the_admin_route(pool: PgPool) {
    let (ok, v, err) = add_peer(
        &pool,
        &[
            "--name",
            "eu",
            "--url",
            "https://eu.example.com/",
            "--key",
            "secret-key-1",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        (
            v["name"].as_str(),
            v["url"].as_str(),
            v["enabled"].as_bool(),
            v["created"].as_bool()
        ),
        (
            Some("eu"),
            Some("https://eu.example.com"),
            Some(true),
            Some(true)
        )
    );
    assert!(!v.to_string().contains("secret-key-1"), "key printed: {v}");
    let (ok, v, err) = add_peer(
        &pool,
        &[
            "--name",
            "eu",
            "--url",
            "https://eu.example.com",
            "--key",
            "secret-key-2",
            "--disabled",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        (v["created"].as_bool(), v["enabled"].as_bool()),
        (Some(false), Some(false))
    );
    let key: String = sqlx::query_scalar("SELECT key FROM federation_peers WHERE name = 'eu'")
        .fetch_one(&pool)
        .await
        .expect("key");
    assert_eq!(key, "secret-key-2", "the upsert rotates the key");
    for bad in [
        [
            "--name",
            "Bad Name",
            "--url",
            "https://x.example",
            "--key",
            "k",
        ],
        ["--name", "ok", "--url", "ftp://x.example", "--key", "k"],
    ] {
        let (ok, _, err) = add_peer(&pool, &bad);
        assert!(!ok && !err.is_empty(), "{bad:?} accepted");
    }
}

/// Replacing a peer without `enabled` keeps it as it was: a disabled peer
/// is not switched back on by an edit of its URL or key.
#[sqlx::test(migrations = "../migrations")]
async fn replacing_a_peer_keeps_what_it_leaves_out(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let put = |body: Value, status: u16| {
        app.expect(
            "PUT",
            "/api/admin/federation/peers/quiet",
            &operator.cred,
            Some(body),
            status,
        )
    };
    let created = put(
        json!({"url": "http://127.0.0.1:9/", "key": "k-1", "enabled": false}),
        201,
    )
    .await;
    assert_eq!(created["enabled"], false, "{created}");
    let replaced = put(json!({"url": "http://127.0.0.1:10/"}), 200).await;
    assert_eq!(replaced["enabled"], false, "{replaced}");
    let enabled = put(json!({"url": "http://127.0.0.1:10/", "enabled": true}), 200).await;
    assert_eq!(enabled["enabled"], true, "{enabled}");
    let kept = put(json!({"url": "http://127.0.0.1:11/", "key": "k-2"}), 200).await;
    assert_eq!(kept["enabled"], true, "{kept}");
}

/// A deprecation on A reaches B's mirror with its reason and its
/// replacement (B's mirror of it), and B's browse then skips the mirror
/// like a local deprecated listing; undeprecating on A lifts it on B.
#[sqlx::test(migrations = "../migrations")]
async fn deprecations_travel_with_the_bundle(pool: PgPool) {
    let app_a = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator_a = actor(&pool, "Platform A", "super_admin").await;
    let old = approved_skill(&app_a, &publisher, &operator_a, skill_body("Old Way")).await;
    let new = approved_skill(&app_a, &publisher, &operator_a, skill_body("New Way")).await;
    let a = start_with(
        &database_url(&pool),
        &[
            ("FEDERATION_KEYS", KEY_FOR_B),
            ("FEDERATION_SYNC_SECONDS", "0"),
        ],
    )
    .await;
    let (_url_b, pool_b) = second_database(&pool).await;
    let app_b = TestApp::new(pool_b.clone()).await;
    let operator_b = actor(&pool_b, "Platform B", "super_admin").await;
    app_b
        .expect(
            "PUT",
            "/api/admin/federation/peers/a",
            &operator_b.cred,
            Some(json!({"url": a.base, "key": KEY_FOR_B})),
            201,
        )
        .await;
    let sync_b = || {
        app_b.expect(
            "POST",
            "/api/admin/federation/peers/a/sync",
            &operator_b.cred,
            None,
            200,
        )
    };
    sync_b().await;
    let deprecation_on_b = |remote: String| {
        let pool_b = pool_b.clone();
        async move {
            sqlx::query_as::<_, (Option<String>, Option<Uuid>)>(
                "SELECT deprecation_reason, replacement_id FROM listings \
                 WHERE origin_peer = 'a' AND origin_remote_id = $1",
            )
            .bind(remote)
            .fetch_one(&pool_b)
            .await
            .expect("mirror")
        }
    };
    assert_eq!(deprecation_on_b(old.clone()).await, (None, None));

    app_a
        .expect(
            "POST",
            &format!("/api/listings/{old}/deprecate"),
            &publisher.cred,
            Some(json!({"reason": "Use New Way", "replacement_id": new})),
            200,
        )
        .await;
    let bundle = reqwest::Client::new()
        .get(format!(
            "{}/api/federation/v1/marketplace/skills/{old}/bundle",
            a.base
        ))
        .header("x-federation-key", KEY_FOR_B)
        .send()
        .await
        .expect("bundle")
        .json::<Value>()
        .await
        .expect("bundle json");
    assert_eq!(bundle["deprecated"], true, "{bundle}");
    assert_eq!(bundle["deprecation"]["replacement_id"], new.as_str());
    let report = sync_b().await;
    assert_eq!(
        report["updated"], 1,
        "the deprecation moved the feed: {report}"
    );
    let (mirror_of_new, _, _) = mirror(&pool_b, &new).await.expect("mirror of new");
    assert_eq!(
        deprecation_on_b(old.clone()).await,
        (Some("Use New Way".to_owned()), Some(mirror_of_new))
    );
    let browse = app_b
        .get("/api/public/v1/marketplace/skills?query=Way")
        .await
        .json();
    let shown = browse.to_string();
    assert!(
        !shown.contains("Old Way") && shown.contains("New Way"),
        "{shown}"
    );

    app_a
        .expect(
            "POST",
            &format!("/api/listings/{old}/undeprecate"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    sync_b().await;
    assert_eq!(deprecation_on_b(old).await, (None, None));
    drop(a);
    drop_database(&pool, pool_b).await;
}
