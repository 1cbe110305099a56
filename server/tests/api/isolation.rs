//! Another tenant's private objects, reached through every id-bearing
//! route of the skill marketplaces with each kind of credential: only 404
//! or 403, and never a byte of the object.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body};
use base64::Engine;
use serde_json::json;
use sqlx::PgPool;

const MARKER: &str = "Zanzibar Confidential";

async fn bearer_for(app: &TestApp, cookie: &str) -> String {
    let r = app
        .call(
            "POST",
            "/api/oauth/clients",
            &Cred::Cookie(cookie.to_owned()),
            Some(json!({"name": "cli", "redirect_uris": ["https://x.test/cb"]})),
        )
        .await;
    let v = r.json();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        v["client_id"].as_str().expect("id"),
        v["client_secret"].as_str().expect("secret")
    ));
    let r = app
        .send(
            axum::http::Request::post("/oauth/token")
                .header("host", crate::common::HOST)
                .header("authorization", format!("Basic {basic}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("grant_type=client_credentials"))
                .expect("request"),
        )
        .await;
    r.json()["access_token"].as_str().expect("token").to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn foreign_tenants_get_only_404_or_403(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;

    let mut body = skill_body(MARKER);
    body["description"] = json!(format!("{MARKER} internal tool"));
    let draft = private_skill(&app, &owner, body).await;
    let version = app
        .call(
            "POST",
            &format!("/api/skills/version?skill_id={draft}&version_name=v1.0.0"),
            &owner.cred,
            None,
        )
        .await
        .json()["version_id"]
        .as_str()
        .expect("version")
        .to_owned();
    let public = approved_skill(&app, &owner, &operator, skill_body("Public Tool")).await;
    let agent = app
        .call(
            "POST",
            "/api/agents",
            &owner.cred,
            Some(json!({"name": format!("{MARKER} agent")})),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("agent")
        .to_owned();
    let installed = app
        .call(
            "POST",
            "/api/skills/install",
            &owner.cred,
            Some(json!({"skill_id": public, "agent_id": agent})),
        )
        .await
        .json()["skill_id"]
        .as_str()
        .expect("installed")
        .to_owned();

    // The intruder, with each kind of credential.
    let account = app.signup("Intruders", "eve@intruders.test").await;
    let key = app.create_key(&account, "read_write").await;
    let token = bearer_for(&app, &account.cookie).await;
    let creds = [
        Cred::Cookie(account.cookie.clone()),
        Cred::Key(key),
        Cred::Bearer(token),
    ];

    let routes: Vec<(&str, String, Option<serde_json::Value>)> = vec![
        ("GET", format!("/api/skills/{draft}"), None),
        ("GET", format!("/api/skills?ids={draft}"), None),
        ("GET", format!("/api/skills/history/{draft}"), None),
        (
            "POST",
            "/api/skills/publish".into(),
            Some(json!({"skill_id": draft})),
        ),
        (
            "POST",
            format!("/api/skills/rate/{draft}"),
            Some(json!({"rating": 5})),
        ),
        (
            "PUT",
            format!("/api/skills/rate/{draft}"),
            Some(json!({"rating": 5})),
        ),
        (
            "POST",
            format!("/api/skills/version?skill_id={draft}&version_name=v9.0.0"),
            None,
        ),
        (
            "POST",
            format!("/api/skills/rollback/{draft}?version_id={version}"),
            None,
        ),
        (
            "POST",
            format!("/api/skills/rollback/{public}?version_id={version}"),
            None,
        ),
        ("POST", format!("/api/skills/approve/{draft}"), None),
        (
            "POST",
            format!("/api/skills/reject/{draft}?reason=no"),
            None,
        ),
        (
            "POST",
            "/api/skills/install".into(),
            Some(json!({"skill_id": draft})),
        ),
        (
            "POST",
            "/api/skills/install".into(),
            Some(json!({"skill_id": public, "agent_id": agent})),
        ),
        (
            "POST",
            "/api/v1/skills/private/install".into(),
            Some(json!({"marketplace_skill_id": draft})),
        ),
        (
            "PUT",
            format!("/api/v1/skills/private/{installed}"),
            Some(json!({"name": "mine now"})),
        ),
        (
            "DELETE",
            format!("/api/v1/skills/private/{installed}"),
            None,
        ),
        ("GET", format!("/api/agents/{agent}"), None),
        (
            "GET",
            format!("/api/public/v1/marketplace/skills/{draft}"),
            None,
        ),
        (
            "GET",
            format!("/api/public/v1/marketplace/skills/{draft}/reviews"),
            None,
        ),
        (
            "POST",
            format!("/api/public/v1/marketplace/skills/{draft}/rate"),
            Some(json!({"rating": 5})),
        ),
    ];
    let mut checked = 0;
    for cred in &creds {
        for (method, uri, body) in &routes {
            let r = app.call(method, uri, cred, body.clone()).await;
            let leaked = r.text.contains(MARKER) || r.text.contains(&installed) && *method == "GET";
            assert!(!leaked, "{method} {uri} with {cred:?} leaked: {}", r.text);
            if uri.starts_with("/api/skills?ids=") {
                assert_eq!(r.status, 200);
                assert_eq!(r.json()["skills"], json!([]), "{method} {uri}");
            } else {
                // Public-API writes take keys and tokens only: a session is 401 there.
                let session_on_public_write = matches!(cred, Cred::Cookie(_))
                    && *method != "GET"
                    && uri.starts_with("/api/public/");
                let allowed =
                    matches!(r.status, 403 | 404) || (session_on_public_write && r.status == 401);
                assert!(
                    allowed,
                    "{method} {uri} with {cred:?}: {} {}",
                    r.status, r.text
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * 3);

    // And nothing changed: still a draft, still installed, no ratings.
    let row: (String, i32) =
        sqlx::query_as("SELECT status, rating_count FROM listings WHERE id = $1::uuid")
            .bind(&draft)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!(row, ("draft".into(), 0));
    let still: String =
        sqlx::query_scalar("SELECT status FROM installed_skills WHERE id = $1::uuid")
            .bind(&installed)
            .fetch_one(&pool)
            .await
            .expect("installed");
    assert_eq!(still, "installed");
}

/// The same walk over the agent, domain, canvas component and workflow
/// routes: another tenant's drafts, pending templates, agents, canvases
/// and workspace workflows stay out of reach, and tenant owners cannot
/// approve anything.
#[sqlx::test(migrations = "../migrations")]
async fn foreign_tenants_cannot_reach_other_kinds(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let id = |v: serde_json::Value, key: &str| v[key].as_str().expect(key).to_owned();

    let domain = id(
        app.expect(
            "POST",
            "/api/v1/domains",
            &owner.cred,
            Some(json!({"name": MARKER})),
            201,
        )
        .await,
        "domain_id",
    );
    let component = id(
        app.expect(
            "POST",
            "/api/canvas-marketplace/components",
            &owner.cred,
            Some(json!({"name": MARKER, "code": MARKER})),
            201,
        )
        .await,
        "component_id",
    );
    let canvas = id(
        app.expect(
            "POST",
            "/api/canvases",
            &owner.cred,
            Some(json!({"name": MARKER})),
            201,
        )
        .await,
        "id",
    );
    let agent = id(
        app.expect(
            "POST",
            "/api/agents",
            &owner.cred,
            Some(json!({"name": MARKER})),
            201,
        )
        .await,
        "id",
    );
    let template = id(
        app.expect(
            "POST",
            &format!(
                "/api/agent-marketplace/publish/{agent}?name=Zanzibar%20Confidential&description=x"
            ),
            &owner.cred,
            None,
            200,
        )
        .await,
        "template_id",
    );
    app.expect(
        "POST",
        "/api/marketplace/templates/advanced",
        &owner.cred,
        Some(json!({"id": "zanzibar_private", "name": MARKER, "description": MARKER})),
        201,
    )
    .await;
    let workflow = id(
        app.expect(
            "POST",
            "/api/marketplace/templates/zanzibar_private/import",
            &owner.cred,
            None,
            200,
        )
        .await,
        "id",
    );

    let account = app.signup("Intruders", "eve@intruders.test").await;
    let key = app.create_key(&account, "read_write").await;
    let token = bearer_for(&app, &account.cookie).await;
    let own_canvas = id(
        app.expect(
            "POST",
            "/api/canvases",
            &Cred::Key(key.clone()),
            Some(json!({"name": "Mine"})),
            201,
        )
        .await,
        "id",
    );
    let creds = [
        Cred::Cookie(account.cookie.clone()),
        Cred::Key(key),
        Cred::Bearer(token),
    ];
    let dm = "/api/v1/domains/marketplace";
    let cm = "/api/canvas-marketplace/components";
    let routes: Vec<(&str, String, Option<serde_json::Value>)> = vec![
        ("GET", format!("{dm}/{domain}"), None),
        (
            "POST",
            format!("{dm}/submit"),
            Some(json!({"domain_id": domain})),
        ),
        ("POST", format!("{dm}/{domain}/approve"), None),
        ("POST", format!("{dm}/{domain}/reject?reason=no"), None),
        (
            "POST",
            format!("{dm}/{domain}/rate"),
            Some(json!({"rating": 4.5})),
        ),
        (
            "PUT",
            format!("{dm}/{domain}/rate"),
            Some(json!({"rating": 4.5})),
        ),
        (
            "POST",
            format!("{dm}/install"),
            Some(json!({"template_domain_id": domain})),
        ),
        ("GET", format!("{cm}/{component}"), None),
        ("GET", format!("{cm}/{component}/ratings"), None),
        ("GET", format!("/api/components/{component}"), None),
        (
            "POST",
            format!("{cm}/publish"),
            Some(json!({"component_id": component})),
        ),
        ("POST", format!("{cm}/{component}/approve"), None),
        ("POST", format!("{cm}/{component}/reject?reason=no"), None),
        (
            "POST",
            format!("{cm}/{component}/rate"),
            Some(json!({"rating": 5})),
        ),
        (
            "POST",
            format!("{cm}/install"),
            Some(json!({"component_id": component, "canvas_id": own_canvas})),
        ),
        (
            "POST",
            format!("{cm}/install"),
            Some(json!({"component_id": component, "canvas_id": canvas})),
        ),
        ("GET", format!("/api/canvases/{canvas}"), None),
        (
            "POST",
            format!("/api/agent-marketplace/publish/{agent}?name=Mine&description=x"),
            None,
        ),
        (
            "POST",
            format!("/api/agent-marketplace/install/{template}"),
            None,
        ),
        (
            "POST",
            format!("/api/agent-marketplace/approve/{template}"),
            None,
        ),
        (
            "POST",
            format!("/api/agent-marketplace/reject/{template}?reason=no"),
            None,
        ),
        (
            "GET",
            "/api/marketplace/templates/zanzibar_private".into(),
            None,
        ),
        (
            "POST",
            "/api/marketplace/templates/zanzibar_private/import".into(),
            None,
        ),
        (
            "POST",
            "/api/marketplace/templates/zanzibar_private/create-workflow".into(),
            Some(json!({"parameters": {}})),
        ),
        ("GET", format!("/api/workflows/{workflow}"), None),
        (
            "POST",
            format!("/api/admin/listings/{template}/approve"),
            None,
        ),
        (
            "POST",
            format!("/api/admin/listings/{domain}/suspend?reason=no"),
            None,
        ),
    ];
    for cred in &creds {
        for (method, uri, body) in &routes {
            let r = app.call(method, uri, cred, body.clone()).await;
            assert!(
                !r.text.contains(MARKER),
                "{method} {uri} with {cred:?} leaked: {}",
                r.text
            );
            assert!(
                matches!(r.status, 403 | 404),
                "{method} {uri} with {cred:?}: {} {}",
                r.status,
                r.text
            );
        }
    }
    // Lists are the caller's own.
    for uri in [
        "/api/workflows",
        "/api/canvases",
        "/api/v1/domains",
        "/api/agents",
        "/api/marketplace/templates",
    ] {
        let r = app.call("GET", uri, &creds[1], None).await;
        assert_eq!(r.status, 200, "{uri}");
        assert!(!r.text.contains(MARKER), "{uri} leaked: {}", r.text);
    }

    // Nothing changed.
    let statuses: Vec<(String, String, i32, i32)> =
        sqlx::query_as("SELECT kind, status, installs, rating_count FROM listings ORDER BY kind")
            .fetch_all(&pool)
            .await
            .expect("listings");
    assert_eq!(
        statuses,
        [
            ("agent_template".into(), "pending_approval".into(), 0, 0),
            ("canvas_component".into(), "draft".into(), 0, 0),
            ("domain".into(), "draft".into(), 0, 0),
            ("workflow_template".into(), "pending_approval".into(), 0, 0),
        ]
    );
    let foreign_rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM workflows) + (SELECT count(*) FROM canvas_components) \
         + (SELECT count(*) FROM installed_domains) + (SELECT count(*) FROM agents)",
    )
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(
        foreign_rows, 2,
        "the owner's agent and imported workflow only"
    );
}

/// Generated from the OpenAPI document: every operation with a path id,
/// called by another tenant (session, key and bearer) with each of a
/// tenant's private objects' ids, never succeeds and never shows a byte of
/// them. A new route joins the matrix by being documented.
#[sqlx::test(migrations = "../migrations")]
async fn every_id_route_of_the_table_refuses_foreign_private_objects(pool: PgPool) {
    struct Route {
        method: String,
        path: String,
        json_body: bool,
    }
    // An id segment is `{id}` or `{<thing>_id}`; `{action}` is each action.
    let is_id = |seg: &str| seg == "{id}" || (seg.starts_with('{') && seg.ends_with("_id}"));
    let mut routes: Vec<Route> = Vec::new();
    for (path, item) in server::api::openapi::document()["paths"]
        .as_object()
        .expect("paths")
    {
        if !path.split('/').any(is_id) {
            continue;
        }
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let json_body = !op["requestBody"]["content"]["application/json"].is_null();
            let actions: &[&str] = if path.contains("{action}") {
                &["approve", "reject", "suspend", "approve-risk"]
            } else {
                &[""]
            };
            for action in actions {
                routes.push(Route {
                    method: method.to_uppercase(),
                    path: path
                        .split('/')
                        .map(|seg| if is_id(seg) { "{id}" } else { seg })
                        .collect::<Vec<_>>()
                        .join("/")
                        .replace("{action}", action),
                    json_body,
                });
            }
        }
    }
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    let id = |v: serde_json::Value, key: &str| v[key].as_str().expect(key).to_owned();
    let mut private = vec![
        private_skill(&app, &owner, skill_body(MARKER)).await,
        id(
            app.expect(
                "POST",
                "/api/v1/domains",
                &owner.cred,
                Some(json!({"name": MARKER})),
                201,
            )
            .await,
            "id",
        ),
        id(
            app.expect(
                "POST",
                "/api/canvas-marketplace/components",
                &owner.cred,
                Some(json!({"name": MARKER})),
                201,
            )
            .await,
            "id",
        ),
        id(
            app.expect(
                "POST",
                "/api/canvases",
                &owner.cred,
                Some(json!({"name": MARKER})),
                201,
            )
            .await,
            "id",
        ),
        id(
            app.expect(
                "POST",
                "/api/agents",
                &owner.cred,
                Some(json!({"name": MARKER})),
                201,
            )
            .await,
            "id",
        ),
    ];
    let key_id: String = sqlx::query_scalar("SELECT id::text FROM api_keys WHERE tenant_id = $1")
        .bind(owner.tenant_id)
        .fetch_one(&pool)
        .await
        .expect("key id");
    private.push(key_id);
    app.expect(
        "POST",
        "/api/marketplace/templates/advanced",
        &owner.cred,
        Some(json!({"id": "zanzibar_tmpl", "name": MARKER})),
        201,
    )
    .await;
    private.push(
        sqlx::query_scalar("SELECT id::text FROM listings WHERE external_id = 'zanzibar_tmpl'")
            .fetch_one(&pool)
            .await
            .expect("template"),
    );
    private.push("zanzibar_tmpl".into());

    let account = app.signup("Intruders", "eve@intruders.test").await;
    let key = app.create_key(&account, "read_write").await;
    let token = bearer_for(&app, &account.cookie).await;
    let creds = [
        Cred::Cookie(account.cookie.clone()),
        Cred::Key(key),
        Cred::Bearer(token),
    ];
    assert!(routes.len() >= 40, "{} id-bearing routes", routes.len());
    let mut calls = 0;
    for route in &routes {
        for object in &private {
            let uri = route.path.replace("{id}", object);
            for cred in &creds {
                let body = route.json_body.then(|| json!({"rating": 5, "name": "mine now", "target_maturity": "intern", "response": "x", "helpful": true}));
                let r = app.call(&route.method, &uri, cred, body).await;
                calls += 1;
                assert!(
                    !r.text.contains(MARKER),
                    "{} {uri} with {cred:?} leaked: {}",
                    route.method,
                    r.text
                );
                assert!(
                    !(200..300).contains(&r.status),
                    "{} {uri} with {cred:?} succeeded: {} {}",
                    route.method,
                    r.status,
                    r.text
                );
            }
        }
    }
    eprintln!(
        "isolation matrix: {} routes x {} objects x 3 credentials = {calls} calls",
        routes.len(),
        private.len()
    );
    // And nothing of the owner's changed.
    let changed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM listings WHERE publisher_tenant_id = $1 AND (status <> 'draft' AND status <> 'pending_approval' OR rating_count > 0)",
    )
    .bind(owner.tenant_id)
    .fetch_one(&pool)
    .await
    .expect("listings");
    assert_eq!(changed, 0);
    let keys_alive: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL",
    )
    .bind(owner.tenant_id)
    .fetch_one(&pool)
    .await
    .expect("keys");
    assert_eq!(keys_alive, 1);
}

/// Protected fields in any creating or publishing body are ignored (the
/// documented policy: unknown fields are not errors, and never stored).
#[sqlx::test(migrations = "../migrations")]
async fn protected_fields_in_bodies_never_change_stored_data(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    let victim = actor(&pool, "Victim", "owner").await;
    let protected = json!({
        "status": "approved", "installs": 999, "active_installs": 999, "rating": 5, "rating_sum": 500,
        "rating_count": 100, "is_featured": true, "publisher_tenant_id": victim.tenant_id,
        "tenant_id": victim.tenant_id, "approved_at": "2020-01-01T00:00:00Z", "risk_approved_at": "2020-01-01T00:00:00Z",
        "external_id": "hijacked", "kind": "skill",
    });
    let with = |base: serde_json::Value| {
        let mut b = base;
        for (k, v) in protected.as_object().expect("object") {
            b[k] = v.clone();
        }
        b
    };
    app.expect(
        "POST",
        "/api/v1/domains",
        &owner.cred,
        Some(with(json!({"name": "Dom"}))),
        201,
    )
    .await;
    let c = app
        .expect(
            "POST",
            "/api/canvas-marketplace/components",
            &owner.cred,
            Some(with(json!({"name": "Comp"}))),
            201,
        )
        .await;
    app.expect(
        "POST",
        "/api/canvas-marketplace/components/publish",
        &owner.cred,
        Some(with(json!({"component_id": c["id"]}))),
        200,
    )
    .await;
    app.expect(
        "POST",
        "/api/marketplace/templates/advanced",
        &owner.cred,
        Some(with(json!({"name": "Tmpl"}))),
        201,
    )
    .await;
    app.expect(
        "POST",
        "/api/v1/skills/private",
        &owner.cred,
        Some(with(skill_body("Skill"))),
        201,
    )
    .await;
    let agent = app
        .expect(
            "POST",
            "/api/agents",
            &owner.cred,
            Some(with(json!({"name": "Bot"}))),
            201,
        )
        .await;
    app.expect(
        "POST",
        "/api/canvases",
        &owner.cred,
        Some(with(json!({"name": "Canvas"}))),
        201,
    )
    .await;

    let rows: Vec<(String, String, i32, i32, bool, bool, bool)> = sqlx::query_as(
        "SELECT kind, status, installs, rating_count, is_featured, publisher_tenant_id = $1, \
                approved_at IS NULL AND risk_approved_at IS NULL AND (external_id IS NULL OR external_id <> 'hijacked') \
         FROM listings ORDER BY kind",
    )
    .bind(owner.tenant_id)
    .fetch_all(&pool)
    .await
    .expect("listings");
    for (kind, status, installs, ratings, featured, own, untouched) in &rows {
        assert!(
            ["draft", "pending_approval"].contains(&status.as_str())
                && *installs == 0
                && *ratings == 0
                && !featured
                && *own
                && *untouched,
            "{kind}: {status} {installs} {ratings} {featured} {own} {untouched}"
        );
    }
    assert_eq!(rows.len(), 4);
    let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        kinds,
        ["canvas_component", "domain", "skill", "workflow_template"]
    );
    let victim_rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM listings WHERE publisher_tenant_id = $1) + \
                (SELECT count(*) FROM agents WHERE tenant_id = $1) + (SELECT count(*) FROM canvases WHERE tenant_id = $1)",
    )
    .bind(victim.tenant_id)
    .fetch_one(&pool)
    .await
    .expect("victim");
    assert_eq!(victim_rows, 0);
    assert_eq!(agent["maturity"], "student");
}
