use crate::common::{Cred, TestApp, HOST};
use crate::fixtures::{actor, sorted_keys, Actor};
use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use sqlx::PgPool;

const W: &str = "/api/marketplace";

fn advanced(id: &str) -> Value {
    json!({
        "id": id,
        "name": "Custom Advanced Workflow",
        "description": "My custom workflow",
        "category": "Custom",
        "author": "Your Name",
        "version": "1.0.0",
        "integrations": ["slack", "email"],
        "complexity": "Intermediate",
        "tags": ["custom", "automation"],
        "input_schema": [
            {"name": "data_source", "type": "select", "label": "Data Source", "required": true, "options": ["gmail", "upload"]},
            {"name": "batch_size", "type": "integer", "label": "Batch size", "default": 10}
        ],
        "steps": [
            {"step_id": "validate", "name": "Validate Inputs", "step_type": "validation", "estimated_duration": 30},
            {"step_id": "run", "name": "Run", "step_type": "action", "estimated_duration": 270}
        ],
        "estimated_duration": 300,
        "prerequisites": ["api_access"],
        "use_cases": ["Data processing"],
        "benefits": ["Automation", "Efficiency"],
        "nodes": [{"id": "1", "type": "trigger", "label": "Start"}, {"id": "2", "type": "action", "label": "Run"}],
        "edges": [{"source": "1", "target": "2"}]
    })
}

async fn approved_template(app: &TestApp, owner: &Actor, operator: &Actor, id: &str) -> String {
    let v = app
        .expect(
            "POST",
            &format!("{W}/templates/advanced"),
            &owner.cred,
            Some(advanced(id)),
            201,
        )
        .await;
    let uuid: String = sqlx::query_scalar("SELECT id::text FROM listings WHERE external_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("listing");
    assert_eq!(v["id"], id);
    // Skill routes do not decide other kinds; the operator routes do.
    app.call(
        "POST",
        &format!("/api/skills/approve/{uuid}"),
        &operator.cred,
        None,
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
    app.call(
        "POST",
        &format!("/api/admin/listings/{uuid}/approve"),
        &owner.cred,
        None,
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let v = app
        .expect(
            "POST",
            &format!("/api/admin/listings/{uuid}/approve"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        (v["kind"].clone(), v["status"].clone()),
        (json!("workflow_template"), json!("approved"))
    );
    uuid
}

#[sqlx::test(migrations = "../migrations")]
async fn advanced_templates_are_created_listed_and_turned_into_workflows(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let creator = actor(&pool, "Acme", "owner").await;
    let other = actor(&pool, "Globex", "member").await;
    let v = app
        .expect(
            "POST",
            &format!("{W}/templates/advanced"),
            &creator.cred,
            Some(advanced("advanced_custom_workflow")),
            201,
        )
        .await;
    assert_eq!(
        sorted_keys(&v),
        [
            "created_at",
            "estimated_duration",
            "id",
            "input_schema",
            "name",
            "status",
            "steps"
        ]
    );
    assert_eq!(v["status"], "pending_approval");
    app.call(
        "POST",
        &format!("{W}/templates/advanced"),
        &creator.cred,
        Some(advanced("advanced_custom_workflow")),
    )
    .await
    .assert_envelope(409, "DUPLICATE_ENTRY");
    app.call(
        "POST",
        &format!("{W}/templates/advanced"),
        &Cred::Anon,
        Some(advanced("x")),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
    let mut bad = advanced("bad_schema");
    bad["input_schema"] = json!([{"name": "x", "type": "colour"}]);
    app.call(
        "POST",
        &format!("{W}/templates/advanced"),
        &creator.cred,
        Some(bad),
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");

    // Visible to its creator at once, to nobody else before approval.
    let d = app
        .expect(
            "GET",
            &format!("{W}/templates/advanced_custom_workflow"),
            &creator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(d["template_type"], "advanced");
    app.call(
        "GET",
        &format!("{W}/templates/advanced_custom_workflow"),
        &other.cred,
        None,
    )
    .await
    .assert_envelope(404, "TEMPLATE_NOT_FOUND");
    let mine = app
        .expect("GET", &format!("{W}/templates"), &creator.cred, None, 200)
        .await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    let theirs = app
        .expect("GET", &format!("{W}/templates"), &other.cred, None, 200)
        .await;
    assert_eq!(theirs, json!([]));

    // Inputs are checked against the input schema, every error listed.
    let uri = format!("{W}/templates/advanced_custom_workflow/create-workflow");
    let e = app
        .call(
            "POST",
            &format!("{uri}?workflow_name=Mine&parameters=%7B%22batch_size%22%3A%22ten%22%7D"),
            &creator.cred,
            None,
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    let fields: Vec<&str> = e["details"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|x| x["field"].as_str())
        .collect();
    assert_eq!(fields, ["data_source", "batch_size"]);
    let v = app
        .expect(
            "POST",
            &format!("{uri}?workflow_name=My%20Workflow&parameters=%7B%22data_source%22%3A%22gmail%22%7D"),
            &creator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&v),
        ["message", "status", "warnings", "workflow_definition"]
    );
    assert_eq!(v["status"], "success");
    let def = &v["workflow_definition"];
    assert_eq!(
        sorted_keys(def),
        [
            "category",
            "input_schema",
            "name",
            "steps",
            "user_inputs",
            "workflow_id"
        ]
    );
    assert_eq!(
        def["user_inputs"],
        json!({"data_source": "gmail", "batch_size": 10})
    );
    assert_eq!(
        v["message"],
        "Workflow 'My Workflow' created successfully from template advanced_custom_workflow"
    );
    // A JSON body works as well as the query string.
    app.expect(
        "POST",
        &uri,
        &creator.cred,
        Some(json!({"workflow_name": "Body", "parameters": {"data_source": "upload"}})),
        200,
    )
    .await;
    let wf_id = def["workflow_id"].as_str().expect("workflow id");
    let wf = app
        .expect(
            "GET",
            &format!("/api/workflows/{wf_id}"),
            &creator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(wf["definition"]["steps"][0]["step_id"], "validate");
    assert_eq!(wf["nodes"].as_array().map(Vec::len), Some(2));
    app.call("GET", &format!("/api/workflows/{wf_id}"), &other.cred, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    app.call(
        "POST",
        &uri,
        &other.cred,
        Some(json!({"parameters": {"data_source": "gmail"}})),
    )
    .await
    .assert_envelope(404, "TEMPLATE_NOT_FOUND");
    let list = app
        .expect("GET", "/api/workflows", &creator.cred, None, 200)
        .await;
    assert_eq!(list["workflows"].as_array().map(Vec::len), Some(2));
}

#[sqlx::test(migrations = "../migrations")]
async fn templates_filter_import_and_count_downloads(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let creator = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let uuid = approved_template(&app, &creator, &operator, "tmpl_custom").await;

    let list = app
        .expect(
            "GET",
            &format!("{W}/templates?template_type=advanced&tags=custom&tags=automation"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(
        sorted_keys(&list[0]),
        [
            "author",
            "category",
            "complexity",
            "created_at",
            "deprecated",
            "deprecation",
            "description",
            "downloads",
            "estimated_duration",
            "id",
            "integrations",
            "multi_step_support",
            "name",
            "origin",
            "pause_resume_support",
            "rating",
            "tags",
            "template_type",
            "version"
        ]
    );
    for q in [
        "template_type=legacy",
        "category=Sales",
        "tags=nothing",
        "industry=Healthcare",
    ] {
        let v = app
            .expect("GET", &format!("{W}/templates?{q}"), &Cred::Anon, None, 200)
            .await;
        assert_eq!(v, json!([]), "{q}");
    }
    app.call(
        "GET",
        &format!("{W}/templates?template_type=modern"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");

    // Import by string id and by UUID: both land in the workspace.
    let v = app
        .expect(
            "POST",
            &format!("{W}/templates/tmpl_custom/import"),
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&v),
        ["edges", "id", "imported_at", "name", "nodes", "warnings"]
    );
    assert_eq!(v["name"], "Imported: Custom Advanced Workflow");
    assert_eq!(v["edges"], json!([{"source": "1", "target": "2"}]));
    app.expect(
        "POST",
        &format!("{W}/templates/{uuid}/import"),
        &buyer.cred,
        None,
        200,
    )
    .await;
    app.call(
        "POST",
        &format!("{W}/templates/nope/import"),
        &buyer.cred,
        None,
    )
    .await
    .assert_envelope(404, "TEMPLATE_NOT_FOUND");
    let d = app
        .expect(
            "GET",
            &format!("{W}/templates/tmpl_custom"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(d["downloads"], 1, "one tenant counts once");
    assert_eq!(d["workflow_data"]["nodes"][1]["label"], "Run");

    let types = app
        .expect(
            "GET",
            &format!("{W}/templates/types"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(
        types["template_types"][0],
        json!({"value": "legacy", "label": "Legacy", "description": "Legacy workflow templates"})
    );
    let stats = app
        .expect(
            "GET",
            &format!("{W}/templates/statistics"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&stats),
        [
            "average_rating",
            "categories",
            "complexity_levels",
            "template_types",
            "total_downloads",
            "total_templates"
        ]
    );
    assert_eq!(stats["total_templates"], 1);
    assert_eq!(stats["total_downloads"], 1);
    assert_eq!(
        stats["categories"]["Custom"],
        json!({"count": 1, "downloads": 1})
    );
    assert_eq!(
        stats["template_types"]["advanced"],
        json!({"count": 1, "downloads": 1})
    );
    assert_eq!(
        stats["complexity_levels"]["Intermediate"],
        json!({"count": 1, "downloads": 1})
    );
    sqlx::query("UPDATE listings SET is_featured = true WHERE id = $1::uuid")
        .bind(&uuid)
        .execute(&pool)
        .await
        .expect("feature");
    let f = app
        .expect(
            "GET",
            &format!("{W}/templates/featured?limit=5"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(
        f,
        json!([{"id": "tmpl_custom", "name": "Custom Advanced Workflow", "rating": 0.0, "downloads": 1, "is_featured": true}])
    );
    app.call(
        "GET",
        &format!("{W}/templates/featured?limit=51"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_LIMIT");
}

fn multipart(app_key: &str, file: &[u8]) -> Request<Body> {
    let boundary = "XBOUNDARYX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"wf.json\"\r\nContent-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri(format!("{W}/import"))
        .header("host", HOST)
        .header("x-api-key", app_key)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request")
}

#[sqlx::test(migrations = "../migrations")]
async fn export_then_file_import_round_trips_and_hostile_files_change_nothing(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let user = actor(&pool, "Acme", "member").await;
    let Cred::Key(key) = &user.cred else {
        panic!("fixture uses keys")
    };
    let workflow = json!({
        "name": "My Workflow",
        "description": "My custom workflow",
        "nodes": [{"id": "a", "type": "trigger", "config": {"cron": "0 * * * *"}}, {"id": "b", "type": "action"}],
        "edges": [{"source": "a", "target": "b"}]
    });
    let exported = app
        .expect(
            "POST",
            &format!("{W}/export"),
            &Cred::Anon,
            Some(workflow.clone()),
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&exported),
        ["description", "edges", "metadata", "name", "nodes"]
    );
    assert_eq!(exported["metadata"]["version"], "1.0.0");
    assert!(exported["metadata"]["exported_at"].is_string());

    let r = app
        .send(multipart(key, exported.to_string().as_bytes()))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let imported = r.json();
    assert_eq!(imported["name"], "Imported: My Workflow");
    assert_eq!(imported["nodes"], workflow["nodes"]);
    assert_eq!(imported["edges"], workflow["edges"]);
    let id = imported["id"].as_str().expect("id");
    let stored = app
        .expect(
            "GET",
            &format!("/api/workflows/{id}"),
            &user.cred,
            None,
            200,
        )
        .await;
    assert_eq!(stored["nodes"], workflow["nodes"]);

    let mut deep = json!("x");
    for _ in 0..40 {
        deep = json!({ "nested": deep });
    }
    let hostile: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        b"[]".to_vec(),
        json!({"name": "x", "nodes": "nope"})
            .to_string()
            .into_bytes(),
        json!({"name": "x", "nodes": [{"id": "1"}], "edges": [{"source": "1", "target": "ghost"}]})
            .to_string()
            .into_bytes(),
        json!({"name": "x", "nodes": [{"id": "1"}, {"id": "1"}]})
            .to_string()
            .into_bytes(),
        json!({"name": "x", "nodes": [{"id": "1", "config": deep}]})
            .to_string()
            .into_bytes(),
        json!({"nodes": []}).to_string().into_bytes(),
    ];
    for file in &hostile {
        let r = app.send(multipart(key, file)).await;
        assert_eq!(
            r.status,
            400,
            "{}: {}",
            String::from_utf8_lossy(file),
            r.text
        );
        let code = r.json()["code"].as_str().unwrap_or_default().to_owned();
        assert!(
            ["VALIDATION_ERROR", "MISSING_REQUIRED_FIELD"].contains(&code.as_str()),
            "{code}"
        );
    }
    let huge = format!("{{\"name\":\"x\",\"pad\":\"{}\"}}", "a".repeat(1_100_000));
    let r = app.send(multipart(key, huge.as_bytes())).await;
    assert_eq!(r.status, 413, "{}", r.text);
    let r = app
        .call("POST", &format!("{W}/import"), &user.cred, None)
        .await;
    r.assert_envelope(415, "UNSUPPORTED_MEDIA_TYPE");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM workflows")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 1, "only the valid import was stored");
    app.call(
        "POST",
        &format!("{W}/export"),
        &Cred::Anon,
        Some(json!({"name": "x", "nodes": {}})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
}

/// Stats take the same id forms as deprecate: a workflow template's
/// string id answers as its UUID does, for the publisher and for others
/// (public totals), and an unknown string id is the unknown UUID's 404.
#[sqlx::test(migrations = "../migrations")]
async fn stats_take_a_templates_string_id_like_deprecate(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let creator = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let other = actor(&pool, "Globex", "member").await;
    let uuid = approved_template(&app, &creator, &operator, "tmpl_stats").await;
    for cred in [&creator.cred, &other.cred, &Cred::Anon] {
        let by_uuid = app
            .expect(
                "GET",
                &format!("/api/listings/{uuid}/stats"),
                cred,
                None,
                200,
            )
            .await;
        let by_name = app
            .expect("GET", "/api/listings/tmpl_stats/stats", cred, None, 200)
            .await;
        assert_eq!(by_name, by_uuid);
    }
    let unknown = app
        .call(
            "GET",
            &format!("/api/listings/{}/stats", uuid::Uuid::now_v7()),
            &other.cred,
            None,
        )
        .await
        .assert_envelope(404, "NOT_FOUND");
    let v = app
        .call("GET", "/api/listings/tmpl_nope/stats", &other.cred, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    assert_eq!(v, unknown);
    // The deprecate route resolves the very same string id.
    app.expect(
        "POST",
        "/api/listings/tmpl_stats/deprecate",
        &creator.cred,
        Some(json!({"reason": "Superseded"})),
        200,
    )
    .await;
}
