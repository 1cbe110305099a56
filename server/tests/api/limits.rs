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

/// A request body's schema in the document, its `$ref` followed.
fn body_schema(doc: &serde_json::Value, path: &str) -> serde_json::Value {
    let s = &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"];
    match s["$ref"].as_str() {
        Some(r) => {
            doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone()
        }
        None => s.clone(),
    }
}

fn bound(schema: &serde_json::Value, field: &str, key: &str) -> usize {
    let n = schema["properties"][field][key]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} has a {key}: {schema}"));
    usize::try_from(n).expect("small")
}

/// The document's bounds are the parsers' (each is written once, on its
/// newtype): a value at the documented maximum is taken through the real
/// router, one more is a 400 that names the field.
#[sqlx::test(migrations = "../migrations")]
async fn documented_bounds_are_the_parsers_bounds(pool: PgPool) {
    use crate::common::Cred;
    let app = TestApp::new(pool.clone()).await;
    let doc = app.get("/api/openapi.json").await.json();

    // Signup's tenant name (the parser took 200 while the document said 100).
    let signup = body_schema(&doc, "/api/auth/signup");
    let max = bound(&signup, "tenant_name", "maxLength");
    let over = json!({
        "tenant_name": "t".repeat(max + 1),
        "email": "over@example.com",
        "password": "correct horse battery",
    });
    let v = app
        .call("POST", "/api/auth/signup", &Cred::Anon, Some(over))
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(v["details"]["field"], "tenant_name", "{v}");
    app.signup(&"t".repeat(max), "at-max@example.com").await;

    // A skill's name, description, tags and price.
    let owner = actor(&pool, "Bounds", "owner").await;
    let skill = body_schema(&doc, "/api/v1/skills/private");
    let name_max = bound(&skill, "name", "maxLength");
    let description_max = bound(&skill, "description", "maxLength");
    let tags_max = bound(&skill, "tags", "maxItems");
    let price_max = skill["properties"]["price"]["maximum"]
        .as_f64()
        .unwrap_or_else(|| panic!("price has a maximum: {skill}"));
    let tags = |n: usize| json!((0..n).map(|i| format!("t{i}")).collect::<Vec<_>>());
    let cases = [
        (
            "name",
            json!("n".repeat(name_max)),
            json!("n".repeat(name_max + 1)),
        ),
        (
            "description",
            json!("d".repeat(description_max)),
            json!("d".repeat(description_max + 1)),
        ),
        ("tags", tags(tags_max), tags(tags_max + 1)),
        ("price", json!(price_max), json!(price_max + 0.01)),
    ];
    for (i, (field, at_max, over)) in cases.into_iter().enumerate() {
        let mut body = skill_body(&format!("Bounded {i}"));
        body[field] = at_max;
        let r = app
            .call(
                "POST",
                "/api/v1/skills/private",
                &owner.cred,
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            r.status, 201,
            "{field} at its documented maximum: {}",
            r.text
        );
        body[field] = over;
        body["name"] = if field == "name" {
            body["name"].clone()
        } else {
            json!(format!("Over {i}"))
        };
        let v = app
            .call("POST", "/api/v1/skills/private", &owner.cred, Some(body))
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
        assert_eq!(v["details"]["field"], field, "{v}");
    }

    // A federation peer's key (the parser counted bytes, the document
    // characters): a key of multi-byte characters at the maximum is taken.
    let operator = actor(&pool, "Platform", "super_admin").await;
    let peer = &doc["paths"]["/api/admin/federation/peers/{name}"]["put"]["requestBody"]["content"]
        ["application/json"]["schema"]["$ref"];
    let peer = &doc["components"]["schemas"][peer
        .as_str()
        .expect("PutPeer is a component")
        .trim_start_matches("#/components/schemas/")];
    let key_max = bound(peer, "key", "maxLength");
    let put = |key: String| json!({"url": "http://93.184.216.34", "key": key});
    let r = app
        .call(
            "PUT",
            "/api/admin/federation/peers/bounded",
            &operator.cred,
            Some(put("\u{e9}".repeat(key_max))),
        )
        .await;
    assert_eq!(r.status, 201, "key at its documented maximum: {}", r.text);
    let v = app
        .call(
            "PUT",
            "/api/admin/federation/peers/bounded",
            &operator.cred,
            Some(put("k".repeat(key_max + 1))),
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(v["details"]["field"], "key", "{v}");
}
