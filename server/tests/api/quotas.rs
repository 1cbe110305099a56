//! Plan quotas hold under concurrent requests; operator routes and
//! maintenance mode hold on every route of the table.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, skill_body};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;

/// Runs `n` copies of one request at once; returns their statuses.
async fn parallel(
    app: &Arc<TestApp>,
    n: usize,
    method: &'static str,
    cred: &Cred,
    body: impl Fn(usize) -> (String, Option<Value>),
) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let (app, cred, (uri, body)) = (app.clone(), cred.clone(), body(i));
        tasks.push(tokio::spawn(async move {
            app.call(method, &uri, &cred, body).await.status
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out.sort_unstable();
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_parallel_agent_creations_on_a_free_plan_end_at_ten(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let owner = actor(&pool, "Acme", "owner").await;
    let statuses = parallel(&app, 20, "POST", &owner.cred, |i| {
        (
            "/api/agents".into(),
            Some(json!({"name": format!("Agent {i}")})),
        )
    })
    .await;
    assert_eq!(statuses, [vec![201; 10], vec![429; 10]].concat());
    let agents: i64 = sqlx::query_scalar("SELECT count(*) FROM agents WHERE tenant_id = $1")
        .bind(owner.tenant_id)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(agents, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_installs_stop_exactly_at_the_installed_skill_quota(pool: PgPool) {
    let app = Arc::new(TestApp::new(pool.clone()).await);
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    let ids: Vec<String> = sqlx::query_scalar(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status, spec) \
         SELECT gen_random_uuid(), 'skill', $1, 'skill ' || g, 'skill-' || g, 'approved', \
                '{\"skill_type\": \"function\", \"risk_level\": \"low\"}'::jsonb \
         FROM generate_series(1, 60) g RETURNING id::text",
    )
    .bind(publisher.tenant_id)
    .fetch_all(&pool)
    .await
    .expect("listings");
    let statuses = parallel(&app, 60, "POST", &buyer.cred, |i| {
        (
            "/api/skills/install".into(),
            Some(json!({"skill_id": ids[i]})),
        )
    })
    .await;
    assert_eq!(statuses, [vec![200; 50], vec![429; 10]].concat());
    // Which 50 won the race varies: repeat one that did.
    let installed: String = sqlx::query_scalar(
        "SELECT listing_id::text FROM installed_skills WHERE tenant_id = $1 LIMIT 1",
    )
    .bind(buyer.tenant_id)
    .fetch_one(&pool)
    .await
    .expect("an installed skill");
    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": installed})),
        )
        .await;
    assert_eq!(
        v.status, 200,
        "a repeat install adds nothing and passes: {}",
        v.text
    );
    let counted: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM installed_skills WHERE tenant_id = $1), \
                (SELECT coalesce(sum(installs), 0)::int8 FROM listings)",
    )
    .bind(buyer.tenant_id)
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(counted, (50, 50));
}

#[sqlx::test(migrations = "../migrations")]
async fn listings_per_tenant_are_limited_by_plan(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug) \
         SELECT gen_random_uuid(), 'domain', $1, 'domain ' || g, 'domain-' || g FROM generate_series(1, 100) g",
    )
    .bind(owner.tenant_id)
    .execute(&pool)
    .await
    .expect("listings");
    let v = app
        .call(
            "POST",
            "/api/v1/skills/private",
            &owner.cred,
            Some(skill_body("One too many")),
        )
        .await
        .assert_envelope(429, "TENANT_LIMIT_EXCEEDED");
    assert_eq!(
        v["details"],
        json!({"current": 100, "limit": 100, "plan": "free"})
    );
    sqlx::query("UPDATE tenants SET plan = 'team' WHERE id = $1")
        .bind(owner.tenant_id)
        .execute(&pool)
        .await
        .expect("upgrade");
    app.expect(
        "POST",
        "/api/v1/skills/private",
        &owner.cred,
        Some(skill_body("Now fine")),
        201,
    )
    .await;
}

/// A documented operation of `/api/openapi.json`, one per action of an
/// `{action}` path.
struct Route {
    method: String,
    path: String,
    access: String,
    json_body: bool,
}

fn documented_routes() -> Vec<Route> {
    let mut out = Vec::new();
    for (path, item) in server::api::openapi::document()["paths"]
        .as_object()
        .expect("paths")
    {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let actions: &[&str] = if path.contains("{action}") {
                &["approve", "reject", "suspend", "approve-risk"]
            } else {
                &[""]
            };
            for action in actions {
                out.push(Route {
                    method: method.to_uppercase(),
                    path: path.replace("{action}", action),
                    access: op["x-access"].as_str().unwrap_or_default().to_owned(),
                    json_body: !op["requestBody"]["content"]["application/json"].is_null(),
                });
            }
        }
    }
    out
}

/// A path with its parameters filled: ids are fresh UUIDs, names a package.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{name}" => "left-pad".to_owned(),
            s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[sqlx::test(migrations = "../migrations")]
async fn every_operator_route_refuses_tenant_owners_and_admins(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    let admin = actor(&pool, "Acme admins", "admin").await;
    let operator_routes: Vec<_> = documented_routes()
        .into_iter()
        .filter(|r| r.access == "operator")
        .collect();
    assert!(
        operator_routes.len() >= 20,
        "{} operator routes",
        operator_routes.len()
    );
    for who in [&owner, &admin] {
        for route in &operator_routes {
            let body = route
                .json_body
                .then(|| json!({"package_type": "python", "whitelisted": true, "enabled": true}));
            let r = app
                .call(&route.method, &concrete(&route.path), &who.cred, body)
                .await;
            assert_eq!(r.status, 403, "{} {}: {}", route.method, route.path, r.text);
            assert_eq!(
                r.json()["code"],
                "FORBIDDEN",
                "{} {}",
                route.method,
                route.path
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn maintenance_mode_blocks_every_write_route(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let owner = actor(&pool, "Acme", "owner").await;
    app.expect(
        "PUT",
        "/api/admin/maintenance",
        &operator.cred,
        Some(json!({"enabled": true, "message": "Back soon"})),
        200,
    )
    .await;
    // Signing in and out, and taking access away, stay open.
    let exempt = ["/api/auth/login", "/api/auth/logout", "/oauth/revoke"];
    let writes: Vec<_> = documented_routes()
        .into_iter()
        .filter(|r| !matches!(r.method.as_str(), "GET" | "HEAD"))
        .filter(|r| r.access != "operator" && !exempt.contains(&r.path.as_str()))
        .collect();
    assert!(writes.len() >= 35, "{} write routes", writes.len());
    for route in &writes {
        let body = route.json_body.then(|| json!({}));
        let r = app
            .call(&route.method, &concrete(&route.path), &owner.cred, body)
            .await;
        let v = r.assert_envelope(503, "MAINTENANCE_MODE");
        assert_eq!(v["message"], "Back soon", "{} {}", route.method, route.path);
    }
    // Page writes (server functions) are held the same way; logging in is not.
    let sfn = |path: &str, body: &str| {
        axum::http::Request::post(path)
            .header("host", crate::common::HOST)
            .header("origin", crate::common::ORIGIN)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body.to_owned()))
            .expect("request")
    };
    let r = app
        .send(sfn(
            "/sfn/account/signup",
            "tenant_name=Late&email=late%40x.test&password=correct+horse+battery",
        ))
        .await;
    r.assert_envelope(503, "MAINTENANCE_MODE");
    let r = app
        .send(sfn(
            "/sfn/account/login",
            "email=nobody%40x.test&password=wrongwrong",
        ))
        .await;
    r.assert_envelope(401, "INVALID_CREDENTIALS");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .expect("users");
    assert_eq!(users, 2, "no account was created");
    // Reads go on.
    for route in documented_routes()
        .into_iter()
        .filter(|r| r.method == "GET" && r.access == "public")
    {
        let r = app
            .call("GET", &concrete(&route.path), &Cred::Anon, None)
            .await;
        assert_ne!(
            r.status, 503,
            "GET {} during maintenance: {}",
            route.path, r.text
        );
    }
}
