//! Issue 14, item 7 (bounded work per request): what a tenant keeps is
//! capped by its plan at every door (workflows, canvases, API keys,
//! installed domain copies, versions per listing), concurrent creates
//! cannot overshoot, one tenant's quota never touches another's, and the
//! workspace list is paged with node counts taken in SQL.

use crate::common::{Account, Cred, TestApp, HOST, ORIGIN};
use crate::fixtures::{actor, private_skill, skill_body, Actor};
use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

const IMPORT: &str = "/api/marketplace/import";

fn workflow_file(name: &str, nodes: usize) -> Value {
    json!({
        "name": name,
        "nodes": (0..nodes).map(|i| json!({"id": format!("n{i}"), "type": "action"})).collect::<Vec<_>>(),
        "edges": [],
    })
}

/// `n` workflows of the tenant written straight to the table.
async fn seed_workflows(pool: &PgPool, tenant: Uuid, n: i64) {
    sqlx::query(
        "INSERT INTO workflows (id, tenant_id, name, source, nodes) \
         SELECT gen_random_uuid(), $1, 'seeded ' || g, 'file', \
                (SELECT jsonb_agg(jsonb_build_object('id', 'n' || k)) FROM generate_series(1, 3) k) \
         FROM generate_series(1, $2) g",
    )
    .bind(tenant)
    .bind(n)
    .execute(pool)
    .await
    .expect("workflows");
}

async fn count(pool: &PgPool, sql: &str, tenant: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(tenant)
        .fetch_one(pool)
        .await
        .expect("count")
}

async fn set_plan(pool: &PgPool, tenant: Uuid, plan: &str) {
    sqlx::query("UPDATE tenants SET plan = $2 WHERE id = $1")
        .bind(tenant)
        .bind(plan)
        .execute(pool)
        .await
        .expect("plan");
}

fn assert_quota(v: &Value, current: i64, limit: i64, plan: &str) {
    assert_eq!(
        v["details"],
        json!({"current": current, "limit": limit, "plan": plan}),
        "{v}"
    );
}

/// Runs `n` copies of one request at once; returns their sorted statuses.
async fn race(app: &Arc<TestApp>, n: usize, req: impl Fn(usize) -> Request<Body>) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let (app, req) = (app.clone(), req(i));
        tasks.push(tokio::spawn(async move { app.send(req).await.status }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out.sort_unstable();
    out
}

fn json_post(uri: &str, cred: &Cred, body: Value) -> Request<Body> {
    let b = Request::post(uri)
        .header("host", HOST)
        .header("content-type", "application/json");
    let b = match cred {
        Cred::Key(k) => b.header("x-api-key", k),
        Cred::Cookie(c) => b.header("cookie", c).header("origin", ORIGIN),
        Cred::Bearer(t) => b.header("authorization", format!("Bearer {t}")),
        Cred::Anon => b,
    };
    b.body(Body::from(body.to_string())).expect("request")
}

/// A page form post (a server function) with the account's session.
fn sfn(account: &Account, path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", account.cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

fn tenant_of(account: &Account) -> Uuid {
    account.tenant_id.parse().expect("tenant id")
}

#[sqlx::test(migrations = "../migrations")]
async fn workflow_imports_stop_at_the_plan_and_spare_other_tenants(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let acme = actor(&pool, "Acme", "member").await;
    let globex = actor(&pool, "Globex", "member").await;
    seed_workflows(&pool, acme.tenant_id, 20).await;
    let v = app
        .call(
            "POST",
            IMPORT,
            &acme.cred,
            Some(workflow_file("One too many", 2)),
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 20, 20, "free");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM workflows WHERE tenant_id = $1",
            acme.tenant_id
        )
        .await,
        20
    );
    // Another tenant's quota is its own.
    app.expect(
        "POST",
        IMPORT,
        &globex.cred,
        Some(workflow_file("Mine", 2)),
        201,
    )
    .await;
    // Team is five times free.
    set_plan(&pool, acme.tenant_id, "team").await;
    app.expect(
        "POST",
        IMPORT,
        &acme.cred,
        Some(workflow_file("Room now", 2)),
        201,
    )
    .await;
    seed_workflows(&pool, acme.tenant_id, 79).await;
    let v = app
        .call(
            "POST",
            IMPORT,
            &acme.cred,
            Some(workflow_file("Past team", 2)),
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 100, 100, "team");
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_workflow_imports_at_the_limit_cannot_overshoot(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let acme = actor(&pool, "Acme", "member").await;
    seed_workflows(&pool, acme.tenant_id, 18).await;
    let statuses = race(&app, 8, |i| {
        json_post(IMPORT, &acme.cred, workflow_file(&format!("Racer {i}"), 1))
    })
    .await;
    assert_eq!(statuses, [vec![201; 2], vec![429; 6]].concat());
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM workflows WHERE tenant_id = $1",
            acme.tenant_id
        )
        .await,
        20
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn canvases_stop_at_the_plan_through_the_api_and_the_workspace_page(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let account = app.signup("Canvas Co", "owner@canvas.test").await;
    let tenant = tenant_of(&account);
    let other = actor(&pool, "Globex", "member").await;
    sqlx::query(
        "INSERT INTO canvases (id, tenant_id, name) \
         SELECT gen_random_uuid(), $1, 'canvas ' || g FROM generate_series(1, 9) g",
    )
    .bind(tenant)
    .execute(&pool)
    .await
    .expect("canvases");
    // Two at once with one place left: exactly one wins.
    let cookie = Cred::Cookie(account.cookie.clone());
    let statuses = race(&app, 2, |i| {
        json_post(
            "/api/canvases",
            &cookie,
            json!({"name": format!("Racer {i}")}),
        )
    })
    .await;
    assert_eq!(statuses, [201, 429]);
    let v = app
        .call(
            "POST",
            "/api/canvases",
            &cookie,
            Some(json!({"name": "Eleventh"})),
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 10, 10, "free");
    // The workspace page's form is the same use case, held the same way.
    let r = app
        .send(sfn(
            &account,
            "/sfn/studio/create-canvas",
            "name=Via+the+page",
        ))
        .await;
    let v = r.assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 10, 10, "free");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM canvases WHERE tenant_id = $1",
            tenant
        )
        .await,
        10
    );
    app.expect(
        "POST",
        "/api/canvases",
        &other.cred,
        Some(json!({"name": "Unaffected"})),
        201,
    )
    .await;
}

/// `n` live keys of the account's user written straight to the table.
async fn seed_keys(pool: &PgPool, account: &Account, n: i64) {
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, scope, prefix, key_hash) \
         SELECT gen_random_uuid(), $1, $2, 'seeded ' || g, 'read', 'sk-seed', \
                sha256(convert_to($1::text || g, 'UTF8')) \
         FROM generate_series(1, $3) g",
    )
    .bind(tenant_of(account))
    .bind(account.user_id.parse::<Uuid>().expect("user id"))
    .bind(n)
    .execute(pool)
    .await
    .expect("keys");
}

#[sqlx::test(migrations = "../migrations")]
async fn api_keys_stop_at_the_plan_and_revoked_ones_free_a_place(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let account = app.signup("Keys Co", "owner@keys.test").await;
    let tenant = tenant_of(&account);
    let cookie = Cred::Cookie(account.cookie.clone());
    seed_keys(&pool, &account, 9).await;
    let statuses = race(&app, 4, |i| {
        json_post(
            "/api/keys",
            &cookie,
            json!({"name": format!("racer {i}"), "scope": "read"}),
        )
    })
    .await;
    assert_eq!(statuses, [201, 429, 429, 429]);
    let v = app
        .call(
            "POST",
            "/api/keys",
            &cookie,
            Some(json!({"name": "eleventh", "scope": "read"})),
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 10, 10, "free");
    // The account page's form too.
    let r = app
        .send(sfn(
            &account,
            "/sfn/keys/create",
            "name=from+the+page&scope=read",
        ))
        .await;
    assert_quota(
        &r.assert_envelope(429, "TENANT_LIMIT_EXCEEDED"),
        10,
        10,
        "free",
    );
    // Revoked and expired keys open nothing, so they do not count.
    sqlx::query(
        "UPDATE api_keys SET revoked_at = now() WHERE id = \
         (SELECT id FROM api_keys WHERE tenant_id = $1 ORDER BY created_at LIMIT 1)",
    )
    .bind(tenant)
    .execute(&pool)
    .await
    .expect("revoke");
    app.expect(
        "POST",
        "/api/keys",
        &cookie,
        Some(json!({"name": "replacement", "scope": "read"})),
        201,
    )
    .await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL",
            tenant
        )
        .await,
        10
    );
    // Another tenant's first key is unaffected.
    let other = app.signup("Other Co", "owner@other.test").await;
    app.create_key(&other, "read").await;
}

async fn approved_domain(pool: &PgPool, publisher: &Actor) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status) \
         VALUES (gen_random_uuid(), 'domain', $1, 'Legal', 'legal', 'approved') RETURNING id",
    )
    .bind(publisher.tenant_id)
    .fetch_one(pool)
    .await
    .expect("domain")
}

#[sqlx::test(migrations = "../migrations")]
async fn domain_copies_stop_at_the_plan(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    let other = actor(&pool, "Initech", "owner").await;
    let domain = approved_domain(&pool, &publisher).await;
    sqlx::query(
        "INSERT INTO installed_domains (id, tenant_id, template_id, name) \
         SELECT gen_random_uuid(), $1, $2, 'copy ' || g FROM generate_series(1, 19) g",
    )
    .bind(buyer.tenant_id)
    .bind(domain)
    .execute(&pool)
    .await
    .expect("copies");
    const INSTALL: &str = "/api/v1/domains/marketplace/install";
    let statuses = race(&app, 3, |i| {
        json_post(
            INSTALL,
            &buyer.cred,
            json!({"template_domain_id": domain, "custom_name": format!("racer {i}")}),
        )
    })
    .await;
    assert_eq!(statuses, [200, 429, 429]);
    let v = app
        .call(
            "POST",
            INSTALL,
            &buyer.cred,
            Some(json!({"template_domain_id": domain, "custom_name": "one more"})),
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 20, 20, "free");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM installed_domains WHERE tenant_id = $1",
            buyer.tenant_id
        )
        .await,
        20
    );
    app.expect(
        "POST",
        INSTALL,
        &other.cred,
        Some(json!({"template_domain_id": domain})),
        200,
    )
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn versions_per_listing_stop_at_the_plan(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let owner = actor(&pool, "Acme", "owner").await;
    let full = private_skill(&app, &owner, skill_body("Busy skill")).await;
    let fresh = private_skill(&app, &owner, skill_body("Quiet skill")).await;
    sqlx::query(
        "INSERT INTO listing_versions (id, listing_id, version_name, snapshot) \
         SELECT gen_random_uuid(), $1::uuid, 'v0.' || g || '.0', '{}'::jsonb FROM generate_series(1, 49) g",
    )
    .bind(&full)
    .execute(&pool)
    .await
    .expect("versions");
    let version =
        |id: &str, name: &str| format!("/api/skills/version?skill_id={id}&version_name={name}");
    let Cred::Key(key) = &owner.cred else {
        panic!("fixture uses keys")
    };
    let statuses = race(&app, 3, |i| {
        Request::post(version(&full, &format!("v1.{i}.0")))
            .header("host", HOST)
            .header("x-api-key", key)
            .body(Body::empty())
            .expect("request")
    })
    .await;
    assert_eq!(statuses, [200, 429, 429]);
    let v = app
        .call("POST", &version(&full, "v2.0.0"), &owner.cred, None)
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 50, 50, "free");
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listing_versions WHERE listing_id = $1::uuid")
            .bind(&full)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(stored, 50);
    // The limit is per listing: the tenant's other listing still versions.
    app.expect("POST", &version(&fresh, "v1.0.0"), &owner.cred, None, 200)
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_workspace_list_is_paged_and_counts_nodes_without_the_graphs(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let acme = actor(&pool, "Acme", "member").await;
    seed_workflows(&pool, acme.tenant_id, 12).await;
    app.expect(
        "POST",
        IMPORT,
        &acme.cred,
        Some(workflow_file("Seven nodes", 7)),
        201,
    )
    .await;
    let r = app
        .call("GET", "/api/workflows?limit=5", &acme.cred, None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = r.json();
    let items = page["workflows"].as_array().expect("workflows");
    assert_eq!(items.len(), 5, "limit is honoured: {page}");
    assert_eq!(items[0]["name"], "Imported: Seven nodes");
    assert_eq!(items[0]["node_count"], 7);
    assert_eq!(items[1]["node_count"], 3);
    assert_eq!(
        r.header("link"),
        Some("</api/workflows?limit=5&offset=5>; rel=\"next\"")
    );
    // The last page links nowhere.
    let r = app
        .call("GET", "/api/workflows?limit=5&offset=10", &acme.cred, None)
        .await;
    assert_eq!(r.json()["workflows"].as_array().map(Vec::len), Some(3));
    assert_eq!(r.header("link"), None);
    // The documented bound: at most 100 a page.
    app.call("GET", "/api/workflows?limit=1000", &acme.cred, None)
        .await
        .assert_envelope(400, "INVALID_LIMIT");
    // The stored count follows the graph it was computed from.
    let counted: Vec<(i32, i32)> = sqlx::query_as(
        "SELECT node_count, jsonb_array_length(nodes) FROM workflows WHERE tenant_id = $1",
    )
    .bind(acme.tenant_id)
    .fetch_all(&pool)
    .await
    .expect("counts");
    assert!(counted.iter().all(|(a, b)| a == b), "{counted:?}");
}

/// The listing pages' install panels create workflows and domain copies
/// through the same use cases, so they stop at the same quotas.
#[sqlx::test(migrations = "../migrations")]
async fn install_panels_stop_at_the_same_quotas(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let account = app.signup("Buyer Co", "owner@buyer.test").await;
    let tenant = tenant_of(&account);
    let spec = json!({
        "template_type": "basic", "author": "Acme", "version": "1.0.0",
        "integrations": [], "complexity": "simple", "industry": null,
        "estimated_duration": 5, "multi_step_support": false, "pause_resume_support": false,
        "workflow_data": {"nodes": [{"id": "a"}], "edges": []},
        "input_schema": [], "steps": [], "prerequisites": [], "use_cases": [], "benefits": [],
    });
    let template: Uuid = sqlx::query_scalar(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status, spec) \
         VALUES (gen_random_uuid(), 'workflow_template', $1, 'Digest', 'digest', 'approved', $2) \
         RETURNING id",
    )
    .bind(publisher.tenant_id)
    .bind(&spec)
    .fetch_one(&pool)
    .await
    .expect("template");
    let domain = approved_domain(&pool, &publisher).await;
    seed_workflows(&pool, tenant, 20).await;
    sqlx::query(
        "INSERT INTO installed_domains (id, tenant_id, template_id, name) \
         SELECT gen_random_uuid(), $1, $2, 'copy ' || g FROM generate_series(1, 20) g",
    )
    .bind(tenant)
    .bind(domain)
    .execute(&pool)
    .await
    .expect("copies");
    let cookie = Cred::Cookie(account.cookie.clone());
    let v = app
        .call(
            "POST",
            &format!("/api/marketplace/templates/{template}/import"),
            &cookie,
            None,
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_quota(&v, 20, 20, "free");
    for (kind, id) in [("workflow_template", template), ("domain", domain)] {
        let r = app
            .send(sfn(
                &account,
                "/sfn/studio/install-listing",
                &format!("kind={kind}&id={id}&target=page+copy"),
            ))
            .await;
        assert_quota(
            &r.assert_envelope(429, "TENANT_LIMIT_EXCEEDED"),
            20,
            20,
            "free",
        );
    }
    let kept: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM workflows WHERE tenant_id = $1), \
                (SELECT count(*) FROM installed_domains WHERE tenant_id = $1)",
    )
    .bind(tenant)
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(kept, (20, 20));
}
