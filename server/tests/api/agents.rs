use crate::common::TestApp;
use crate::fixtures::{actor, sorted_keys};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn agents_are_tenant_owned_and_limited_by_plan(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let a = actor(&pool, "Acme", "member").await;
    // Maturity above student is graduation's, which members may not do.
    app.call(
        "POST",
        "/api/agents",
        &a.cred,
        Some(json!({"name": "Sales bot", "maturity": "intern"})),
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let r = app
        .call(
            "POST",
            "/api/agents",
            &a.cred,
            Some(json!({"name": "Sales bot", "maturity": "student"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        sorted_keys(&r.json()),
        ["created_at", "id", "maturity", "name"]
    );
    assert_eq!(r.json()["maturity"], "student");
    let v = app
        .call(
            "POST",
            "/api/agents",
            &a.cred,
            Some(json!({"name": "x", "maturity": "genius"})),
        )
        .await
        .assert_envelope(400, "INVALID_ENUM_VALUE");
    assert_eq!(
        v["details"]["allowed_values"],
        json!(["student", "intern", "supervised", "autonomous"])
    );
    for i in 1..10 {
        let r = app
            .call(
                "POST",
                "/api/agents",
                &a.cred,
                Some(json!({"name": format!("Agent {i}")})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // The free plan allows ten.
    let v = app
        .call(
            "POST",
            "/api/agents",
            &a.cred,
            Some(json!({"name": "Eleventh"})),
        )
        .await
        .assert_envelope(429, "AGENT_LIMIT_EXCEEDED");
    assert_eq!(v["error"], "Quota Exceeded");
    assert_eq!(
        v["details"],
        json!({"current": 10, "limit": 10, "plan": "free"})
    );
    let list = app.call("GET", "/api/agents", &a.cred, None).await.json();
    assert_eq!(list["agents"].as_array().expect("agents").len(), 10);

    // Another tenant sees none of them.
    let b = actor(&pool, "Globex", "member").await;
    assert_eq!(
        app.call("GET", "/api/agents", &b.cred, None).await.json()["agents"],
        json!([])
    );
    sqlx::query("UPDATE tenants SET plan = 'team' WHERE id = $1")
        .bind(a.tenant_id)
        .execute(&pool)
        .await
        .expect("upgrade");
    assert_eq!(
        app.call(
            "POST",
            "/api/agents",
            &a.cred,
            Some(json!({"name": "Eleventh"}))
        )
        .await
        .status,
        201
    );
}
