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
