//! Webhooks on the real router: registration and its refusals (unknown
//! events, private targets, other tenants), and the outbox each change
//! writes in its own transaction, with the documented payloads.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

/// A public literal address: registration accepts it without DNS (and
/// nothing here ever attempts a delivery).
const PUBLIC_URL: &str = "http://93.184.216.34/hooks/marketplace";

async fn allowing_private(pool: &PgPool) -> TestApp {
    let mut config = crate::common::test_config();
    config.webhooks_allow_private = true;
    TestApp::with_config(pool.clone(), config).await
}

async fn register(app: &TestApp, who: &Actor, events: &[&str]) -> Value {
    app.expect(
        "POST",
        "/api/webhooks",
        &who.cred,
        Some(json!({"url": PUBLIC_URL, "events": events, "description": "CI"})),
        201,
    )
    .await
}

/// The events written for a tenant, oldest first: (type, payload).
async fn events_of(pool: &PgPool, tenant: uuid::Uuid) -> Vec<(String, Value)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, body FROM webhook_events WHERE tenant_id = $1 ORDER BY created_at, id",
    )
    .bind(tenant)
    .fetch_all(pool)
    .await
    .expect("events");
    rows.into_iter()
        .map(|(t, b)| (t, serde_json::from_str(&b).expect("body is JSON")))
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn registration_shows_the_secret_once_and_refuses_what_it_must(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;

    let r = app
        .call(
            "POST",
            "/api/webhooks",
            &owner.cred,
            Some(json!({"url": PUBLIC_URL, "events": ["listing.approved", "install.created"]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let created = r.json();
    let secret = created["secret"].as_str().expect("secret");
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 secret");
    assert_eq!(raw.len(), 32);
    assert_eq!(
        crate::fixtures::sorted_keys(&created),
        ["created_at", "description", "events", "id", "secret", "url"]
    );
    assert_eq!(
        created["events"],
        json!(["listing.approved", "install.created"])
    );
    assert_eq!(created["description"], Value::Null);

    let list = app
        .expect("GET", "/api/webhooks", &owner.cred, None, 200)
        .await;
    let hooks = list["webhooks"].as_array().expect("webhooks");
    assert_eq!(hooks.len(), 1);
    assert!(hooks[0].get("secret").is_none(), "listed without secret");
    assert!(!list.to_string().contains(secret));

    // Unknown events, none at all, and junk URLs.
    app.call(
        "POST",
        "/api/webhooks",
        &owner.cred,
        Some(json!({"url": PUBLIC_URL, "events": ["listing.approved", "listing.deleted"]})),
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");
    app.call(
        "POST",
        "/api/webhooks",
        &owner.cred,
        Some(json!({"url": PUBLIC_URL, "events": []})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    for url in [
        "ftp://93.184.216.34/x",
        "not a url",
        "http://user:pw@93.184.216.34/",
    ] {
        app.call(
            "POST",
            "/api/webhooks",
            &owner.cred,
            Some(json!({"url": url, "events": ["review.created"]})),
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    }

    // Private, loopback and link-local targets, literal or by name.
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
    ] {
        let v = app
            .call(
                "POST",
                "/api/webhooks",
                &owner.cred,
                Some(json!({"url": url, "events": ["review.created"]})),
            )
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
        assert_eq!(v["details"]["field"], "url", "{url}: {v}");
    }

    // Read-only keys and visitors cannot register.
    let reader = crate::fixtures::actor_with_scope(&pool, "Readers", "member", "read").await;
    app.call(
        "POST",
        "/api/webhooks",
        &reader.cred,
        Some(json!({"url": PUBLIC_URL, "events": ["review.created"]})),
    )
    .await
    .assert_envelope(403, "INSUFFICIENT_SCOPE");
    app.call(
        "POST",
        "/api/webhooks",
        &Cred::Anon,
        Some(json!({"url": PUBLIC_URL, "events": ["review.created"]})),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM webhooks")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(after, 1, "no refused registration was kept");
}

#[sqlx::test(migrations = "../migrations")]
async fn private_targets_are_accepted_only_when_allowed(pool: PgPool) {
    let allowed = allowing_private(&pool).await;
    let owner = actor(&pool, "Acme", "member").await;
    allowed
        .expect(
            "POST",
            "/api/webhooks",
            &owner.cred,
            Some(json!({"url": "http://127.0.0.1:9/hook", "events": ["review.created"]})),
            201,
        )
        .await;
    let strict = TestApp::new(pool.clone()).await;
    strict
        .call(
            "POST",
            "/api/webhooks",
            &owner.cred,
            Some(json!({"url": "http://127.0.0.1:9/hook", "events": ["review.created"]})),
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
}

#[sqlx::test(migrations = "../migrations")]
async fn webhooks_quota_counts_under_the_tenant_lock(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let app = TestApp {
            router: app.router.clone(),
            pool: app.pool.clone(),
        };
        let cred = owner.cred.clone();
        tasks.spawn(async move {
            app.call(
                "POST",
                "/api/webhooks",
                &cred,
                Some(json!({"url": PUBLIC_URL, "events": ["review.created"]})),
            )
            .await
            .status
        });
    }
    let mut answers = Vec::new();
    while let Some(done) = tasks.join_next().await {
        answers.push(done.expect("task"));
    }
    assert_eq!(
        answers.iter().filter(|s| **s == 201).count(),
        10,
        "{answers:?}"
    );
    assert_eq!(
        answers.iter().filter(|s| **s == 429).count(),
        2,
        "{answers:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenants_webhooks_and_deliveries_are_not_found(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let acme = actor(&pool, "Acme", "member").await;
    let rival = actor(&pool, "Rival", "owner").await;
    let hook = register(&app, &acme, &["listing.submitted"]).await;
    let hook_id = hook["id"].as_str().expect("id");
    // An event for Acme: its skill goes into review.
    let skill = private_skill(&app, &acme, skill_body("Hooked")).await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &acme.cred,
        Some(json!({"skill_id": skill})),
        200,
    )
    .await;
    let page = app
        .expect(
            "GET",
            &format!("/api/webhooks/{hook_id}/deliveries"),
            &acme.cred,
            None,
            200,
        )
        .await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["has_more"], false);
    let delivery = &page["deliveries"][0];
    assert_eq!(delivery["event_type"], "listing.submitted");
    assert_eq!(delivery["status"], "pending");
    let delivery_id = delivery["id"].as_str().expect("delivery id");

    // The rival sees none of it and can change none of it.
    let theirs = app
        .expect("GET", "/api/webhooks", &rival.cred, None, 200)
        .await;
    assert_eq!(theirs["webhooks"], json!([]));
    app.call(
        "GET",
        &format!("/api/webhooks/{hook_id}/deliveries"),
        &rival.cred,
        None,
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    app.call(
        "POST",
        &format!("/api/webhooks/deliveries/{delivery_id}/redeliver"),
        &rival.cred,
        None,
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    app.call(
        "DELETE",
        &format!("/api/webhooks/{hook_id}"),
        &rival.cred,
        None,
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    for junk in ["not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
        app.call("DELETE", &format!("/api/webhooks/{junk}"), &acme.cred, None)
            .await
            .assert_envelope(404, "NOT_FOUND");
        app.call(
            "POST",
            &format!("/api/webhooks/deliveries/{junk}/redeliver"),
            &acme.cred,
            None,
        )
        .await
        .assert_envelope(404, "NOT_FOUND");
    }
    app.call(
        "GET",
        &format!("/api/webhooks/{hook_id}/deliveries?limit=0"),
        &acme.cred,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_LIMIT");

    // The owner's redelivery: pending and due now.
    let again = app
        .expect(
            "POST",
            &format!("/api/webhooks/deliveries/{delivery_id}/redeliver"),
            &acme.cred,
            None,
            202,
        )
        .await;
    assert_eq!(again["id"], delivery_id);
    assert_eq!(again["status"], "pending");
    let due = chrono::DateTime::parse_from_rfc3339(again["next_attempt_at"].as_str().expect("due"))
        .expect("time");
    assert!(due <= chrono::Utc::now() + chrono::Duration::seconds(1));

    // Deleting the webhook takes its log with it.
    app.expect(
        "DELETE",
        &format!("/api/webhooks/{hook_id}"),
        &acme.cred,
        None,
        204,
    )
    .await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn each_change_writes_its_event_in_its_own_transaction(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Buyer", "member").await;
    let all = [
        "listing.submitted",
        "listing.approved",
        "listing.rejected",
        "listing.suspended",
        "review.created",
        "install.created",
    ];
    register(&app, &publisher, &all).await;
    register(&app, &buyer, &["install.created"]).await;
    // Two webhooks of one tenant: one event, a delivery to each.
    register(&app, &publisher, &["listing.approved"]).await;

    // Lifecycle: submitted, rejected with a reason, resubmitted, approved,
    // then suspended.
    let id = private_skill(&app, &publisher, skill_body("Evented")).await;
    let publish = json!({ "skill_id": id });
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(publish.clone()),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/skills/reject/{id}?reason=Needs%20docs"),
        &operator.cred,
        None,
        200,
    )
    .await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(publish),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/skills/approve/{id}"),
        &operator.cred,
        None,
        200,
    )
    .await;
    // A first rating, then its replacement (not a new review).
    app.expect(
        "POST",
        &format!("/api/skills/rate/{id}"),
        &buyer.cred,
        Some(json!({"rating": 4, "review": "Solid"})),
        200,
    )
    .await;
    app.expect(
        "PUT",
        &format!("/api/skills/rate/{id}"),
        &buyer.cred,
        Some(json!({"rating": 5, "review": "Better"})),
        200,
    )
    .await;
    // An install by another tenant, and one by the publisher itself.
    let installed = app
        .expect(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id})),
            200,
        )
        .await;
    app.expect(
        "POST",
        "/api/skills/install",
        &publisher.cred,
        Some(json!({"skill_id": id})),
        200,
    )
    .await;
    // A rater whose tenant installed it first: a verified review.
    let fan = actor(&pool, "Fan", "member").await;
    app.expect(
        "POST",
        "/api/skills/install",
        &fan.cred,
        Some(json!({"skill_id": id})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/skills/rate/{id}"),
        &fan.cred,
        Some(json!({"rating": 5})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/suspend?reason=Malware%20report"),
        &operator.cred,
        None,
        200,
    )
    .await;

    let events = events_of(&pool, publisher.tenant_id).await;
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "listing.submitted",
            "listing.rejected",
            "listing.submitted",
            "listing.approved",
            "review.created",
            "install.created",
            "install.created",
            "install.created",
            "review.created",
            "listing.suspended",
        ]
    );
    for (t, body) in &events {
        assert_eq!(body["type"], *t);
        assert_eq!(
            crate::fixtures::sorted_keys(body),
            ["created_at", "data", "id", "type"]
        );
    }
    let data = |i: usize| events[i].1["data"].clone();
    assert_eq!(
        data(1),
        json!({"listing_id": id, "kind": "skill", "name": "Evented", "status": "rejected",
               "version": data(1)["version"], "reason": "Needs docs"})
    );
    assert_eq!(data(3)["status"], "approved");
    assert_eq!(data(3)["reason"], Value::Null);
    assert_eq!(
        crate::fixtures::sorted_keys(&data(4)),
        [
            "kind",
            "listing_id",
            "rating",
            "review",
            "review_id",
            "verified_install",
            "version"
        ]
    );
    assert_eq!(data(4)["rating"], 4.0);
    assert_eq!(data(4)["review"], "Solid");
    assert_eq!(
        data(4)["verified_install"],
        false,
        "rated before installing"
    );
    // The buyer's install, as the publisher hears it: no resource id.
    assert_eq!(
        data(5),
        json!({"listing_id": id, "kind": "skill", "name": "Evented", "own_install": false,
               "resource_id": null})
    );
    // The publisher's own install: once, with what it made.
    assert_eq!(data(6)["own_install"], true);
    assert!(data(6)["resource_id"].is_string());
    assert_eq!(data(8)["verified_install"], true, "installed before rating");
    assert_eq!(data(8)["review"], Value::Null);
    assert_eq!(data(9)["status"], "suspended");
    assert_eq!(data(9)["reason"], "Malware report");

    // The buyer's own event carries the installed copy's id.
    let buyer_events = events_of(&pool, buyer.tenant_id).await;
    assert_eq!(buyer_events.len(), 1, "{buyer_events:?}");
    let mine = &buyer_events[0].1["data"];
    assert_eq!(mine["own_install"], false);
    assert_eq!(
        mine["resource_id"], installed["skill_id"],
        "the installed copy"
    );

    // The publisher's two webhooks both got the approval.
    let approvals: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id \
         WHERE e.type = 'listing.approved'",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(approvals, 2);
    // The operator's tenant has no webhook: nothing was written for it.
    assert!(events_of(&pool, operator.tenant_id).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_change_writes_no_event(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Buyer", "member").await;
    register(&app, &publisher, &["install.created", "listing.approved"]).await;
    register(&app, &buyer, &["install.created"]).await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Guarded")).await;
    let before = events_of(&pool, publisher.tenant_id).await.len();
    // Approving an approved listing is refused; so is an install whose
    // config breaks the skill's schema, and a rating of one's own skill.
    app.call(
        "POST",
        &format!("/api/skills/approve/{id}"),
        &operator.cred,
        None,
    )
    .await
    .assert_envelope(409, "CONFLICTING_OPERATION");
    app.call(
        "POST",
        &format!("/api/skills/rate/{id}"),
        &publisher.cred,
        Some(json!({"rating": 5})),
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    sqlx::query("UPDATE tenants SET marketplace_enabled = false WHERE id = $1")
        .bind(buyer.tenant_id)
        .execute(&pool)
        .await
        .expect("disable");
    app.call(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": id})),
    )
    .await
    .assert_envelope(503, "MARKETPLACE_DISABLED");
    assert_eq!(events_of(&pool, publisher.tenant_id).await.len(), before);
    assert!(events_of(&pool, buyer.tenant_id).await.is_empty());
}

/// A stored value no enum knows (here an event name written behind the
/// service's back: the column has no CHECK per element) is an opaque 500,
/// never silently dropped or read as another value.
#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_stored_event_is_an_error_not_a_silent_default(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let hook = register(&app, &owner, &["listing.approved", "install.created"]).await;
    let listed = app
        .expect("GET", "/api/webhooks", &owner.cred, None, 200)
        .await;
    assert_eq!(
        listed["webhooks"][0]["events"],
        json!(["listing.approved", "install.created"])
    );

    sqlx::query("UPDATE webhooks SET events = ARRAY['listing.approved', 'listing.teleported'] WHERE id = $1::uuid")
        .bind(hook["id"].as_str().expect("id"))
        .execute(&pool)
        .await
        .expect("corrupt the row");
    let r = app.call("GET", "/api/webhooks", &owner.cred, None).await;
    r.assert_envelope(500, "INTERNAL_ERROR");
    assert!(
        !r.text.contains("teleported"),
        "the cause stays in the log: {}",
        r.text
    );
}
