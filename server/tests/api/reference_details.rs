//! Wire details where the reference and the marketplace used to differ
//! (issue 15, item 5), and the request deadline the tests must not race.

use crate::common::{test_config, Cred, TestApp, HOST, ORIGIN, TEST_REQUEST_DEADLINE};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body, Actor};
use axum::{body::Body, http::Request};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;

const C: &str = "/api/canvas-marketplace";

fn component(name: &str, component_type: &str) -> Value {
    json!({
        "name": name,
        "description": format!("{name}: a canvas piece"),
        "category": "ui",
        "component_type": component_type,
        "code": "export default function Piece() { return null; }",
    })
}

/// A component created, submitted and approved; returns its id.
async fn approved_component(app: &TestApp, owner: &Actor, operator: &Actor, body: Value) -> String {
    let v = app
        .expect(
            "POST",
            &format!("{C}/components"),
            &owner.cred,
            Some(body),
            201,
        )
        .await;
    let id = v["component_id"].as_str().expect("id").to_owned();
    app.expect(
        "POST",
        &format!("{C}/components/publish"),
        &owner.cred,
        Some(json!({"component_id": id})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("{C}/components/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    id
}

/// The schema an operation gives a query parameter or a request body
/// property, `$ref`s followed.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        schema = &doc["components"]["schemas"][name];
    }
    schema
}

#[sqlx::test(migrations = "../migrations")]
async fn component_types_are_identifiers_and_canvas_is_one(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let canvas = approved_component(
        &app,
        &publisher,
        &operator,
        component("Sales Canvas", "canvas"),
    )
    .await;
    let chart = approved_component(
        &app,
        &publisher,
        &operator,
        component("Revenue Chart", "chart"),
    )
    .await;
    // Not one of the reference's examples, but a well-formed type.
    let kanban = approved_component(
        &app,
        &publisher,
        &operator,
        component("Kanban Board", "kanban-board_2"),
    )
    .await;
    let d = app
        .expect(
            "GET",
            &format!("{C}/components/{canvas}"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(d["component_type"], "canvas");

    for (t, want) in [
        ("canvas", vec![canvas.clone()]),
        ("chart", vec![chart.clone()]),
        ("kanban-board_2", vec![kanban.clone()]),
        ("widget", vec![]),
    ] {
        let v = app
            .expect(
                "GET",
                &format!("{C}/components?component_type={t}"),
                &Cred::Anon,
                None,
                200,
            )
            .await;
        let ids: Vec<&str> = v["components"]
            .as_array()
            .expect("components")
            .iter()
            .filter_map(|c| c["id"].as_str())
            .collect();
        assert_eq!(ids, want, "component_type={t}");
        assert_eq!(v["total"], want.len(), "component_type={t}");
    }
    // The legacy alias filters the same way.
    let legacy = app
        .expect(
            "GET",
            "/api/components?component_type=canvas",
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(legacy["components"][0]["id"], json!(canvas));

    // Malformed types are refused, naming the field, on both doors.
    let long = "a".repeat(41);
    for bad in ["Canvas", "1chart", "-x", "ca%20nvas", long.as_str()] {
        let v = app
            .call(
                "POST",
                &format!("{C}/components"),
                &publisher.cred,
                Some(component("Bad Type", &bad.replace("%20", " "))),
            )
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
        assert_eq!(v["details"]["field"], "component_type", "{bad}");
        let v = app
            .call(
                "GET",
                &format!("{C}/components?component_type={bad}"),
                &Cred::Anon,
                None,
            )
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
        assert_eq!(v["details"]["field"], "component_type", "{bad}");
    }
    app.expect(
        "POST",
        &format!("{C}/components"),
        &publisher.cred,
        Some(component("Longest Type", &"a".repeat(40))),
        201,
    )
    .await;

    // The document says the same: a pattern, not a closed enum.
    let doc = app
        .expect("GET", "/api/openapi.json", &Cred::Anon, None, 200)
        .await;
    let browse = &doc["paths"]["/api/canvas-marketplace/components"]["get"];
    let param = browse["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "component_type")
        .expect("component_type parameter");
    let create = &doc["paths"]["/api/canvas-marketplace/components"]["post"];
    let body = resolve(
        &doc,
        &create["requestBody"]["content"]["application/json"]["schema"],
    );
    for schema in [
        resolve(&doc, &param["schema"]),
        resolve(&doc, &body["properties"]["component_type"]),
    ] {
        assert_eq!(schema["pattern"], "^[a-z][a-z0-9_-]{0,39}$", "{schema}");
        assert!(schema.get("enum").is_none(), "not a closed set: {schema}");
        let examples = schema["examples"].as_array().expect("examples");
        assert!(examples.contains(&json!("canvas")), "{schema}");
        assert!(examples.contains(&json!("component")), "{schema}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn config_schema_errors_name_the_property_they_are_about(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let mut body = skill_body("Configured");
    body["config_schema"] = json!({
        "type": "object",
        "properties": {
            "api_key": {"type": "string"},
            "timeout": {"type": "number", "minimum": 1},
            "retry": {
                "type": "object",
                "properties": {"count": {"type": "integer"}},
                "required": ["backoff"],
            },
        },
        "required": ["api_key", "timeout"],
        "additionalProperties": false,
    });
    let id = approved_skill(&app, &publisher, &operator, body).await;
    let install = |config: Value| {
        let app = &app;
        let buyer = &buyer;
        let id = id.clone();
        async move {
            let v = app
                .call(
                    "POST",
                    "/api/skills/install",
                    &buyer.cred,
                    Some(json!({"skill_id": id, "config_overrides": config})),
                )
                .await
                .assert_envelope(400, "CONFIG_SCHEMA_INVALID");
            let mut errors: Vec<String> = v["details"]["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .map(|e| e.as_str().expect("a sentence").to_owned())
                .collect();
            errors.sort();
            errors
        }
    };
    // The reference's own example.
    assert_eq!(
        install(json!({"api_key": "sk-123", "invalid_field": "value"})).await,
        [
            "Additional property 'invalid_field' not allowed",
            "Missing required property 'timeout'",
        ]
    );
    // Wrong types name their property; nested ones by JSON Pointer.
    assert_eq!(
        install(json!({"api_key": 5, "timeout": "slow", "retry": {"count": "x"}})).await,
        [
            "Missing required property '/retry/backoff'",
            "Property '/retry/count' must be of type integer",
            "Property 'api_key' must be of type string",
            "Property 'timeout' must be of type number",
        ]
    );
    // Every other rule names its property too.
    let other = install(json!({"api_key": "k", "timeout": 0})).await;
    assert_eq!(other.len(), 1, "{other:?}");
    assert!(other[0].starts_with("Property 'timeout': "), "{other:?}");
    let whole = install(json!(["not", "an", "object"])).await;
    assert_eq!(whole, ["The configuration must be of type object"]);
}

fn assert_duplicate(v: &Value, field: &str, value: &str, id_field: &str, existing: &str) {
    let d = &v["details"];
    assert_eq!(d["field"], field, "{v}");
    assert_eq!(d["value"], value, "{v}");
    assert_eq!(d[id_field], existing, "{v}");
    assert!(
        d["suggestion"].as_str().is_some_and(|s| !s.is_empty()),
        "a suggestion: {v}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn duplicate_entries_name_what_they_collide_with(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;

    // Skills: the reference's example, names compared in any case.
    let skill = private_skill(&app, &publisher, skill_body("Data Analysis")).await;
    let v = app
        .call(
            "POST",
            "/api/v1/skills/private",
            &publisher.cred,
            Some(skill_body("data analysis")),
        )
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_duplicate(&v, "name", "data analysis", "existing_skill_id", &skill);
    assert_eq!(v["error"], "Duplicate Entry");
    assert_eq!(
        v["message"],
        "A skill with this name already exists in your private marketplace."
    );
    // Another tenant's listing of that name is no collision.
    private_skill(&app, &buyer, skill_body("Data Analysis")).await;

    // Components.
    let v = app
        .expect(
            "POST",
            &format!("{C}/components"),
            &publisher.cred,
            Some(component("Data Table", "component")),
            201,
        )
        .await;
    let table = v["component_id"].as_str().expect("id").to_owned();
    let v = app
        .call(
            "POST",
            &format!("{C}/components"),
            &publisher.cred,
            Some(component("Data Table", "widget")),
        )
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_duplicate(&v, "name", "Data Table", "existing_component_id", &table);

    // Domains, and a domain installed twice under one name.
    let new_domain = json!({"domain_name": "Sales Automation", "description": "Sales workflows", "category": "sales"});
    let v = app
        .expect(
            "POST",
            "/api/v1/domains",
            &publisher.cred,
            Some(new_domain.clone()),
            201,
        )
        .await;
    let domain = v["domain_id"].as_str().expect("domain_id").to_owned();
    let v = app
        .call("POST", "/api/v1/domains", &publisher.cred, Some(new_domain))
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_duplicate(
        &v,
        "name",
        "Sales Automation",
        "existing_domain_id",
        &domain,
    );
    let m = "/api/v1/domains/marketplace";
    app.expect(
        "POST",
        &format!("{m}/submit"),
        &publisher.cred,
        Some(json!({"domain_id": domain})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("{m}/{domain}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let copy = json!({"template_domain_id": domain, "custom_name": "My Sales Domain"});
    let v = app
        .expect(
            "POST",
            &format!("{m}/install"),
            &buyer.cred,
            Some(copy.clone()),
            200,
        )
        .await;
    let installed = v["domain_id"].as_str().expect("domain_id").to_owned();
    let v = app
        .call("POST", &format!("{m}/install"), &buyer.cred, Some(copy))
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_duplicate(
        &v,
        "custom_name",
        "My Sales Domain",
        "existing_domain_id",
        &installed,
    );

    // Workflow templates collide by their string id as well.
    let template = json!({
        "id": "custom_flow",
        "name": "Custom Flow",
        "description": "My custom workflow",
        "category": "Custom",
        "author": "Your Name",
        "version": "1.0.0",
        "integrations": ["slack"],
        "complexity": "Intermediate",
        "tags": ["custom"],
        "input_schema": [{"name": "batch_size", "type": "integer", "label": "Batch size", "default": 10}],
        "steps": [{"step_id": "run", "name": "Run", "step_type": "action", "estimated_duration": 30}],
        "estimated_duration": 30,
        "nodes": [{"id": "1", "type": "trigger", "label": "Start"}],
        "edges": [],
    });
    app.expect(
        "POST",
        "/api/marketplace/templates/advanced",
        &publisher.cred,
        Some(template.clone()),
        201,
    )
    .await;
    let mut same_id = template.clone();
    same_id["name"] = json!("Another Name");
    let v = app
        .call(
            "POST",
            "/api/marketplace/templates/advanced",
            &buyer.cred,
            Some(same_id),
        )
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_duplicate(
        &v,
        "id",
        "custom_flow",
        "existing_template_id",
        "custom_flow",
    );

    // Versions of one listing.
    let uri = format!("/api/skills/version?skill_id={skill}&version_name=v1.0.0");
    let v = app.expect("POST", &uri, &publisher.cred, None, 200).await;
    let version = v["version_id"].as_str().expect("version_id").to_owned();
    let v = app
        .call("POST", &uri, &publisher.cred, None)
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_duplicate(
        &v,
        "version_name",
        "v1.0.0",
        "existing_version_id",
        &version,
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_operator_action_is_one_404_on_the_api_and_the_page(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let api_operator = actor(&pool, "Platform", "super_admin").await;
    let account = app.signup("Operators", "op@reference.test").await;
    sqlx::query("UPDATE users SET role = 'super_admin' WHERE id = $1::uuid")
        .bind(&account.user_id)
        .execute(&pool)
        .await
        .expect("operator role");
    let id = private_skill(&app, &publisher, skill_body("Pending")).await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id})),
        200,
    )
    .await;

    let api = app
        .call(
            "POST",
            &format!("/api/admin/listings/{id}/frobnicate"),
            &api_operator.cred,
            None,
        )
        .await;
    let api_body = api.assert_envelope(404, "NOT_FOUND");
    let page = app
        .send(
            Request::post("/sfn/operator/decide")
                .header("host", HOST)
                .header("origin", ORIGIN)
                .header("cookie", account.cookie.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "id={id}&action=frobnicate&reason=because&content_hash="
                )))
                .expect("request"),
        )
        .await;
    let page_body = page.assert_envelope(404, "NOT_FOUND");
    assert_eq!(page_body, api_body, "one answer on both doors");

    // Nothing was decided.
    let status: String = sqlx::query_scalar("SELECT status FROM listings WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("status");
    assert_eq!(status, "pending_approval");
}

#[test]
fn no_test_races_the_request_deadline() {
    // Two busy cores may take many seconds over one debug-build page: the
    // tests' deadline only catches hangs; production keeps its own.
    let config = test_config();
    assert!(
        config.request_timeout() >= Duration::from_secs(120),
        "{:?}",
        config.request_timeout()
    );
    assert_eq!(config.request_timeout(), TEST_REQUEST_DEADLINE);
    assert!(
        config.acquire_timeout() >= Duration::from_secs(30),
        "a pool wait under load is not an outage: {:?}",
        config.acquire_timeout()
    );
    use clap::Parser;
    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        config: server::config::Config,
    }
    let production = Wrapper::parse_from(["marketplace"]).config;
    assert_eq!(production.request_timeout(), Duration::from_secs(30));
    assert_eq!(production.acquire_timeout(), Duration::from_secs(3));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_request_deadline_cuts_off_a_request_that_cannot_finish(pool: PgPool) {
    // Only requests that cannot finish are sent to the app with a 1 s
    // deadline; the ones that can go to one with the tests' own deadline,
    // so no assertion here depends on how fast the machine is.
    let mut config = test_config();
    config.request_timeout_secs = 1;
    let short = TestApp::with_config(pool.clone(), config).await;
    let app = TestApp::new(pool.clone()).await;
    let api = "/api/canvas-marketplace/components";
    // A page whose status depends on the catalog: no such listing, a 404.
    let page = format!("/components/{}", uuid::Uuid::now_v7());
    assert_eq!(app.get(api).await.status, 200);
    assert_eq!(app.get(&page).await.status, 404);

    // The catalog is locked until this transaction ends: a request that
    // reads it cannot finish however fast the machine is.
    let mut lock = pool.begin().await.expect("begin");
    sqlx::query("LOCK TABLE listings IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .expect("lock");
    let v = short
        .get(api)
        .await
        .assert_envelope(503, "SERVICE_UNAVAILABLE");
    assert_eq!(
        v["message"],
        "The request took too long and was cancelled. Try again."
    );
    let r = short.get(&page).await;
    assert_eq!(r.status, 408, "{}", r.text);
    lock.rollback().await.expect("unlock");

    assert_eq!(app.get(api).await.status, 200);
    assert_eq!(app.get(&page).await.status, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_budget_test_never_sees_its_window_roll_over(pool: PgPool) {
    let mut config = test_config();
    config.rate_limit_anonymous = 3;
    let app = TestApp::with_config(pool.clone(), config).await;
    assert_eq!(app.get("/api/health").await.status, 200);
    let bucket: String = sqlx::query_scalar("SELECT bucket FROM rate_limit_windows")
        .fetch_one(&pool)
        .await
        .expect("the test's window");
    // The wall-clock minute the test runs in, and the next, are full: a
    // limiter counting by the clock (in this minute or, had it rolled
    // over, the next) would refuse from here on.
    let now = chrono::Utc::now().timestamp();
    let minute = now - now.rem_euclid(60);
    for m in [minute, minute + 60] {
        sqlx::query(
            "INSERT INTO rate_limit_windows (bucket, window_start, hits) \
             VALUES ($1, to_timestamp($2), 1000) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = 1000",
        )
        .bind(&bucket)
        .bind(m as f64)
        .execute(&pool)
        .await
        .expect("full minute");
    }
    // The test's own window counts on: two more, then the 429.
    assert_eq!(app.get("/api/health").await.status, 200);
    assert_eq!(app.get("/api/health").await.status, 200);
    app.get("/api/health")
        .await
        .assert_envelope(429, "RATE_LIMIT_EXCEEDED");
}
