//! Every input is bounded and every bound answers the envelope: body size,
//! JSON depth, string lengths, list sizes, query strings, uploads.

use crate::common::TestApp;
use crate::fixtures::{actor, skill_body};
use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn oversized_and_hostile_inputs_get_the_envelope_and_change_nothing(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    let crate::common::Cred::Key(key) = &owner.cred else {
        panic!("fixture uses keys")
    };
    let raw = |uri: &str, body: String| {
        Request::post(uri)
            .header("host", crate::common::HOST)
            .header("x-api-key", key.as_str())
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request")
    };

    // Body larger than the limit (64 KiB in tests): 413.
    let big = format!("{{\"name\": \"{}\"}}", "a".repeat(200_000));
    app.send(raw("/api/v1/skills/private", big))
        .await
        .assert_envelope(413, "PAYLOAD_TOO_LARGE");
    // JSON nested 5,000 deep: refused by the parser's depth limit, 400.
    let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
    let r = app
        .send(raw(
            "/api/v1/skills/private",
            format!("{{\"name\": \"x\", \"config\": {deep}}}"),
        ))
        .await;
    r.assert_envelope(400, "VALIDATION_ERROR");
    // Strings and lists beyond their documented sizes: 400 naming the field.
    for (field, value) in [
        ("name", json!("n".repeat(201))),
        ("description", json!("d".repeat(2_001))),
        (
            "tags",
            json!((0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()),
        ),
        ("tags", json!(["x".repeat(41)])),
        // Counted as sent, before trimming, as the documented maxLength is.
        ("name", json!(format!(" {} ", "n".repeat(199)))),
        (
            "python_packages",
            json!((0..101)
                .map(|i| json!({"name": format!("p{i}")}))
                .collect::<Vec<_>>()),
        ),
    ] {
        let mut body = skill_body("Bounded");
        body[field] = value;
        let v = app
            .call("POST", "/api/v1/skills/private", &owner.cred, Some(body))
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
        assert_eq!(v["details"]["field"], field, "{v}");
    }
    // Query strings beyond 8 KiB: 400 before any parsing.
    let long = format!(
        "/api/public/v1/marketplace/skills?query={}",
        "q".repeat(9_000)
    );
    app.get(&long)
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    // U+0000, which PostgreSQL cannot store, in a stored string, deep in a
    // stored JSON object, and in a filter (found by schemathesis as 500s).
    let mut nul_name = skill_body("Nul");
    nul_name["description"] = json!("before\u{0}after");
    let mut nul_config = skill_body("Nul");
    nul_config["config"] = json!({"a": {"b\u{0}": 1}});
    for body in [nul_name, nul_config] {
        let v = app
            .call("POST", "/api/v1/skills/private", &owner.cred, Some(body))
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
        assert!(
            v["message"].as_str().is_some_and(|m| m.contains("NUL")),
            "{v}"
        );
    }
    app.get("/api/marketplace/templates?industry=a%00b")
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    let listings: i64 = sqlx::query_scalar("SELECT count(*) FROM listings")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(listings, 0, "nothing was stored");
}
