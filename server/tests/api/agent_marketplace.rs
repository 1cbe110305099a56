use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, sorted_keys};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn publish_approve_browse_and_install_an_agent_template(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let agent = app
        .expect(
            "POST",
            "/api/agents",
            &publisher.cred,
            Some(json!({"name": "Sales bot"})),
            201,
        )
        .await;
    let agent_id = agent["id"].as_str().expect("id");

    // Required query parameters, and only the tenant's own agents.
    app.call(
        "POST",
        &format!("/api/agent-marketplace/publish/{agent_id}?name=x"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(400, "MISSING_REQUIRED_FIELD");
    app.call(
        "POST",
        &format!("/api/agent-marketplace/publish/{agent_id}?name=Sales&description=d"),
        &buyer.cred,
        None,
    )
    .await
    .assert_envelope(404, "AGENT_NOT_FOUND");

    let uri = format!(
        "/api/agent-marketplace/publish/{agent_id}?name=Sales%20Assistant&description=Automated%20follow-up&price=19.99&category=sales"
    );
    let v = app.expect("POST", &uri, &publisher.cred, None, 200).await;
    assert_eq!(
        sorted_keys(&v),
        ["message", "status", "success", "template_id"]
    );
    assert_eq!(v["status"], "pending_approval");
    let template_id = v["template_id"].as_str().expect("template_id").to_owned();
    app.call("POST", &uri, &publisher.cred, None)
        .await
        .assert_envelope(409, "ALREADY_PUBLISHED");

    // Pending: others neither see nor install it; tenants cannot approve.
    let browse = app
        .expect(
            "GET",
            "/api/agent-marketplace/browse",
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(browse["total"], 0);
    app.call(
        "POST",
        &format!("/api/agent-marketplace/install/{template_id}"),
        &buyer.cred,
        None,
    )
    .await
    .assert_envelope(404, "AGENT_NOT_FOUND");
    app.call(
        "POST",
        &format!("/api/agent-marketplace/approve/{template_id}"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let v = app
        .expect(
            "POST",
            &format!("/api/agent-marketplace/approve/{template_id}"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&v),
        ["approved_at", "marketplace_id", "status", "success"]
    );

    let browse = app
        .expect(
            "GET",
            "/api/agent-marketplace/browse?limit=10",
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(sorted_keys(&browse), ["agents", "limit", "offset", "total"]);
    assert_eq!(
        (browse["total"].clone(), browse["limit"].clone()),
        (json!(1), json!(10))
    );
    let item = &browse["agents"][0];
    assert_eq!(
        sorted_keys(item),
        [
            "category",
            "deprecated",
            "deprecation",
            "description",
            "id",
            "installs",
            "name",
            "origin",
            "price",
            "rating",
            "version"
        ]
    );
    assert_eq!(item["price"], 19.99);
    assert_eq!(item["version"], "1.0.0");
    app.call("GET", "/api/agent-marketplace/browse", &Cred::Anon, None)
        .await
        .assert_envelope(401, "AUTH_REQUIRED");
    app.call(
        "GET",
        "/api/agent-marketplace/browse?limit=101",
        &buyer.cred,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_LIMIT");

    // Install: a new agent in the buyer's tenant; the tenant counts once.
    let v = app
        .expect(
            "POST",
            &format!("/api/agent-marketplace/install/{template_id}"),
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&v),
        ["agent_id", "message", "status", "success", "warnings"]
    );
    let new_agent = v["agent_id"].as_str().expect("agent_id");
    let got = app
        .expect(
            "GET",
            &format!("/api/agents/{new_agent}"),
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(got["name"], "Sales Assistant");
    app.expect(
        "POST",
        &format!("/api/agent-marketplace/install/{template_id}"),
        &buyer.cred,
        None,
        200,
    )
    .await;
    let agents = app
        .expect("GET", "/api/agents", &buyer.cred, None, 200)
        .await;
    assert_eq!(agents["agents"].as_array().map(Vec::len), Some(2));
    let browse = app
        .expect(
            "GET",
            "/api/agent-marketplace/browse",
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(browse["agents"][0]["installs"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn rejected_templates_are_resubmitted_and_installs_respect_the_plan(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let agent = app
        .expect(
            "POST",
            "/api/agents",
            &publisher.cred,
            Some(json!({"name": "Helper"})),
            201,
        )
        .await;
    let uri = format!(
        "/api/agent-marketplace/publish/{}?name=Helper&description=Helps",
        agent["id"].as_str().expect("id")
    );
    let id = app.expect("POST", &uri, &publisher.cred, None, 200).await["template_id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.call(
        "POST",
        &format!("/api/agent-marketplace/reject/{id}"),
        &operator.cred,
        None,
    )
    .await
    .assert_envelope(400, "MISSING_REQUIRED_FIELD");
    let v = app
        .expect(
            "POST",
            &format!("/api/agent-marketplace/reject/{id}?reason=Too%20vague"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        (v["status"].clone(), v["reason"].clone()),
        (json!("rejected"), json!("Too vague"))
    );
    // Publishing the same agent again resubmits the same template.
    let again = app.expect("POST", &uri, &publisher.cred, None, 200).await;
    assert_eq!(again["template_id"], id.as_str());
    assert_eq!(again["status"], "pending_approval");
    app.expect(
        "POST",
        &format!("/api/agent-marketplace/approve/{id}"),
        &operator.cred,
        None,
        200,
    )
    .await;

    // The buyer's free plan allows ten agents: the install is the eleventh.
    for i in 0..10 {
        app.expect(
            "POST",
            "/api/agents",
            &buyer.cred,
            Some(json!({"name": format!("A{i}")})),
            201,
        )
        .await;
    }
    let v = app
        .call(
            "POST",
            &format!("/api/agent-marketplace/install/{id}"),
            &buyer.cred,
            None,
        )
        .await
        .assert_envelope(429, "AGENT_LIMIT_EXCEEDED");
    assert_eq!(v["details"]["limit"], 10);
    // Nothing was recorded by the failed install.
    let installs: i32 = sqlx::query_scalar("SELECT installs FROM listings WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("installs");
    assert_eq!(installs, 0);
}
