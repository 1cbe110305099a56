use crate::common::TestApp;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_reports_a_real_database_round_trip(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/api/health").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["status"], "healthy");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["services"]["database"], "healthy");
    assert_eq!(v["services"]["marketplace"], "healthy");
    let ts = v["timestamp"].as_str().expect("timestamp");
    chrono::DateTime::parse_from_rfc3339(ts).expect("RFC 3339 timestamp");
    assert!(r.header("x-request-id").is_some(), "request id header");
}

#[sqlx::test(migrations = "../migrations")]
async fn health_is_degraded_when_the_database_is_gone(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.pool.close().await;
    let r = app.get("/api/health").await;
    assert_eq!(r.status, 503, "{}", r.text);
    let v = r.json();
    assert_eq!(v["status"], "degraded");
    assert_eq!(v["services"]["database"], "unhealthy");
}
