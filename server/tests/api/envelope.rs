use crate::common::{test_config, TestApp};
use axum::{body::Body, http::Request};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn unknown_api_route_is_a_404_envelope(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/api/no/such/route").await;
    r.assert_envelope(404, "NOT_FOUND");
    assert!(r
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json")));
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_method_is_a_405_envelope(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .send(
            Request::delete("/api/health")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    r.assert_envelope(405, "METHOD_NOT_ALLOWED");
}

#[sqlx::test(migrations = "../migrations")]
async fn oversized_body_is_a_413_envelope(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let big = "x".repeat(test_config().body_limit_bytes + 1);
    let r = app
        .send(
            Request::post("/api/health")
                .header("content-type", "application/json")
                .header("content-length", big.len())
                .body(Body::from(big))
                .expect("request"),
        )
        .await;
    r.assert_envelope(413, "PAYLOAD_TOO_LARGE");
}

#[sqlx::test(migrations = "../migrations")]
async fn database_outage_on_a_server_fn_is_a_503_envelope(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.pool.close().await;
    let r = app
        .send(
            Request::post("/sfn/catalog/summary")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    r.assert_envelope(503, "SERVICE_UNAVAILABLE");
}

/// serde reads a JSON array positionally into a struct's fields, so an
/// array body would pass for an object whose fields are all optional.
/// Every documented body is an object: anything else is a 400 and changes
/// nothing.
#[sqlx::test(migrations = "../migrations")]
async fn a_body_that_is_not_an_object_is_refused(pool: PgPool) {
    use crate::common::Cred;
    use serde_json::json;
    let app = TestApp::new(pool.clone()).await;
    let operator = crate::fixtures::actor(&pool, "Platform", "super_admin").await;
    let tenant = crate::fixtures::actor(&pool, "Target", "owner").await;
    let before: (String, bool) =
        sqlx::query_as("SELECT plan, marketplace_enabled FROM tenants WHERE id = $1")
            .bind(tenant.tenant_id)
            .fetch_one(&pool)
            .await
            .expect("tenant");
    for body in [
        json!([null, null]),
        json!(["enterprise", false]),
        json!("x"),
        json!(7),
    ] {
        app.call(
            "PUT",
            &format!("/api/admin/tenants/{}", tenant.tenant_id),
            &operator.cred,
            Some(body.clone()),
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    }
    let after: (String, bool) =
        sqlx::query_as("SELECT plan, marketplace_enabled FROM tenants WHERE id = $1")
            .bind(tenant.tenant_id)
            .fetch_one(&pool)
            .await
            .expect("tenant");
    assert_eq!(before, after);
    // Whitespace before the object is still an object.
    let Cred::Key(key) = &operator.cred else {
        panic!("actors carry an API key");
    };
    let r = app
        .send(
            Request::put(format!("/api/admin/tenants/{}", tenant.tenant_id))
                .header("content-type", "application/json")
                .header("x-api-key", key.as_str())
                .body(Body::from(" \n{\"plan\": \"team\"}"))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
