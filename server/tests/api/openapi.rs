use crate::common::{Cred, TestApp};
use serde_json::Value;
use sqlx::PgPool;

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

/// Every operation of the document as (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

/// A schema that says what is in the body: properties, items, a closed
/// set, a combination, or a reference to a component that does.
fn is_concrete(doc: &Value, schema: &Value) -> bool {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return is_concrete(doc, &doc["components"]["schemas"][name]);
    }
    schema["properties"].is_object()
        || schema["items"].is_object()
        || schema["enum"].is_array()
        || ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema[*k].as_array().is_some_and(|a| !a.is_empty()))
}

#[sqlx::test(migrations = "../migrations")]
async fn openapi_document_is_valid_and_covers_every_route(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .call("GET", "/api/openapi.json", &Cred::Anon, None)
        .await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let ops = operations(&doc);
    assert!(ops.len() >= 90, "{} operations", ops.len());
    // Validity by the specification's own schema is checked by
    // openapi-spec-validator in scripts/fuzz (utoipa's reader cannot read
    // back every schema its writer emits, e.g. an untyped one with a
    // description, so it is no judge here).
    let mut ids = std::collections::HashSet::new();
    for (method, path, op) in &ops {
        assert!(
            op["x-access"].is_string() && op["security"].is_array(),
            "{method} {path} does not say who may call it"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method} {path} has no summary"
        );
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path} has no tag"
        );
        let id = op["operationId"].as_str().expect("operationId").to_owned();
        assert!(ids.insert(id.clone()), "operationId {id} twice");
    }
    // Every JSON body is described field by field (schemathesis generates
    // schema-valid bodies from these and requires them to be accepted).
    for (method, path, op) in &ops {
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        if schema.is_null() {
            continue;
        }
        assert!(
            is_concrete(&doc, schema),
            "{method} {path} has no body fields: {schema}"
        );
    }
    // Every success answer with a body says what is in it.
    for (method, path, op) in &ops {
        for (status, response) in op["responses"].as_object().expect("responses") {
            if !status.starts_with('2') {
                continue;
            }
            let Some(content) = response["content"].as_object() else {
                continue;
            };
            for (media, body) in content {
                assert!(
                    is_concrete(&doc, &body["schema"]),
                    "{method} {path} {status} {media}: {}",
                    body["schema"]
                );
            }
        }
    }
    // Every link names a documented operation.
    let mut links = 0;
    for (_, _, op) in &ops {
        for response in op["responses"].as_object().expect("responses").values() {
            for link in response["links"]
                .as_object()
                .into_iter()
                .flat_map(|l| l.values())
            {
                links += 1;
                let target = link["operationId"].as_str().expect("operationId");
                assert!(ids.contains(target), "link to unknown {target}");
            }
        }
    }
    assert!(links >= 10, "{links} links");
    // Every documented operation is served (never the router's own 404/405).
    for (method, path, op) in &ops {
        let uri = path
            .replace("{action}", "approve")
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    uuid::Uuid::now_v7().to_string()
                } else {
                    seg.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = (!op["requestBody"]["content"]["application/json"].is_null())
            .then(|| serde_json::json!({}));
        let r = app.call(method, &uri, &Cred::Anon, body).await;
        let generic_404 =
            r.status == 404 && r.text.contains("The requested resource does not exist");
        assert!(
            !generic_404 && r.status != 405,
            "{method} {uri} is not routed: {} {}",
            r.status,
            r.text
        );
        assert!(r.status < 500, "{method} {uri}: {} {}", r.status, r.text);
    }
}

/// The other direction: nothing is mounted without its documentation.
/// Typed handlers are mounted with `routes!`, which documents them; a plain
/// `.route(` is allowed only for what is not part of the JSON API.
#[test]
fn nothing_is_mounted_undocumented() {
    const UNDOCUMENTED: &[&str] = &[
        "\"/test-console\"",
        "\"/test-console/\"",
        "\"/test-console/{*rest}\"",
        "\"/authorize\"",
    ];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src/api") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (i, _) in flat.match_indices(".route(") {
            let rest = &flat[i + ".route(".len()..];
            let route = rest.split(',').next().unwrap_or("").trim().to_owned();
            if !UNDOCUMENTED.contains(&route.as_str()) {
                found.push(format!("{}: {route}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "mounted without documentation: {found:#?}"
    );
}
#[sqlx::test(migrations = "../migrations")]
async fn test_console_works_offline(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .call("GET", "/api/test-console", &Cred::Anon, None)
        .await;
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/api/test-console/"));
    let r = app
        .call("GET", "/api/test-console/", &Cred::Anon, None)
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.text.contains("swagger-ui"),
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    let init = app
        .call(
            "GET",
            "/api/test-console/swagger-initializer.js",
            &Cred::Anon,
            None,
        )
        .await;
    assert_eq!(init.status, 200);
    assert!(init.text.contains("/api/openapi.json"));
    let js = app
        .call(
            "GET",
            "/api/test-console/swagger-ui-bundle.js",
            &Cred::Anon,
            None,
        )
        .await;
    assert_eq!(js.status, 200);
    assert!(
        !r.text.contains("unpkg.com") && !r.text.contains("cdn."),
        "no CDN assets"
    );
}
