use crate::common::{Cred, TestApp};
use server::api::docs::ROUTES;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn openapi_document_is_valid_and_covers_every_route(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .call("GET", "/api/openapi.json", &Cred::Anon, None)
        .await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    // Each request schema alone first, so a bad one is named.
    for route in ROUTES {
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for schema in std::iter::once(body.clone())
            .filter(|b| !b.is_null())
            .chain(params.iter().map(|p| p["schema"].clone()))
        {
            let typed: Result<utoipa::openapi::RefOr<utoipa::openapi::Schema>, _> =
                serde_json::from_value(schema.clone());
            assert!(
                typed.is_ok(),
                "{} {}: {schema} is not a schema utoipa reads: {:?}",
                route.method,
                route.path,
                typed.err()
            );
        }
    }
    // utoipa's typed model accepts it: a structurally valid OpenAPI 3.1 document.
    let typed: utoipa::openapi::OpenApi =
        serde_json::from_value(doc.clone()).expect("valid OpenAPI 3.1");
    let operations: usize = typed
        .paths
        .paths
        .values()
        .map(|item| {
            [&item.get, &item.post, &item.put, &item.delete]
                .iter()
                .filter(|o| o.is_some())
                .count()
        })
        .sum();
    assert_eq!(operations, ROUTES.len());
    for route in ROUTES {
        assert!(
            doc["paths"][route.path][route.method.to_lowercase()].is_object(),
            "{} {} missing from the document",
            route.method,
            route.path
        );
    }
    // Every JSON body is described field by field (schemathesis generates
    // schema-valid bodies from these and requires them to be accepted).
    for route in ROUTES.iter().filter(|r| r.json_body) {
        let schema = &doc["paths"][route.path][route.method.to_lowercase()]["requestBody"]
            ["content"]["application/json"]["schema"];
        assert!(
            schema["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty()),
            "{} {} has no body fields: {schema}",
            route.method,
            route.path
        );
    }
    // Every link names a documented operation.
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("item").values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let mut links = 0;
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            for response in op["responses"].as_object().expect("responses").values() {
                for link in response["links"]
                    .as_object()
                    .into_iter()
                    .flat_map(|l| l.values())
                {
                    links += 1;
                    let target = link["operationId"].as_str().expect("operationId");
                    assert!(ids.contains(&target), "link to unknown {target}");
                }
            }
        }
    }
    assert!(links >= 10, "{links} links");
    // Every documented route is served (never the router's own 404/405).
    for route in ROUTES {
        let uri = route
            .path
            .replace("{id}", &uuid::Uuid::now_v7().to_string());
        let body = route.json_body.then(|| serde_json::json!({}));
        let r = app.call(route.method, &uri, &Cred::Anon, body).await;
        let generic_404 =
            r.status == 404 && r.text.contains("The requested resource does not exist");
        assert!(
            !generic_404 && r.status != 405,
            "{} {} is not routed: {} {}",
            route.method,
            uri,
            r.status,
            r.text
        );
        assert!(
            r.status < 500,
            "{} {}: {} {}",
            route.method,
            uri,
            r.status,
            r.text
        );
    }
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
