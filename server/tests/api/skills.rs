use crate::common::{Cred, TestApp};
use crate::fixtures::{
    actor, actor_with_scope, approved_skill, private_skill, skill_body, sorted_keys,
};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn lifecycle_from_private_draft_to_approved_and_rejected(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let other = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;

    let r = app
        .call(
            "POST",
            "/api/v1/skills/private",
            &publisher.cred,
            Some(skill_body("Data Analysis")),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["is_public", "name", "skill_id", "status", "success"]
    );
    assert_eq!(v["status"], "created");
    assert_eq!(v["is_public"], false);
    let id = v["skill_id"].as_str().expect("id").to_owned();

    // A draft is invisible to other tenants: the kind's 404, never 403.
    app.call(
        "GET",
        &format!("/api/public/v1/marketplace/skills/{id}"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
    app.call("GET", &format!("/api/skills/{id}"), &other.cred, None)
        .await
        .assert_envelope(404, "SKILL_NOT_FOUND");
    assert_eq!(
        app.call("GET", &format!("/api/skills/{id}"), &publisher.cred, None)
            .await
            .status,
        200
    );

    let r = app
        .call(
            "POST",
            "/api/skills/publish",
            &publisher.cred,
            Some(json!({"skill_id": id, "price": 0.0, "category": "analytics", "tags": ["python", "stats"],
                         "long_description": "Full description", "documentation_url": "https://docs.example.com/skill"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["marketplace_id", "message", "status", "success"]
    );
    assert_eq!(v["status"], "pending_approval");
    assert_eq!(v["message"], "Skill submitted for marketplace review");
    app.call(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id})),
    )
    .await
    .assert_envelope(409, "ALREADY_PUBLISHED");

    // Only operators approve; a tenant's own owner cannot.
    let owner = actor(&pool, "Acme2", "owner").await;
    app.call(
        "POST",
        &format!("/api/skills/approve/{id}"),
        &owner.cred,
        None,
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let r = app
        .call(
            "POST",
            &format!("/api/skills/approve/{id}"),
            &operator.cred,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["approved_at", "marketplace_id", "status", "success"]
    );
    assert_eq!(v["status"], "approved");
    assert!(v["approved_at"].is_string());

    // Now every tenant and anonymous callers see it.
    let detail = app
        .call(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{id}"),
            &Cred::Anon,
            None,
        )
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let d = detail.json();
    assert_eq!(
        sorted_keys(&d),
        [
            "category",
            "config",
            "created_at",
            "deprecated",
            "deprecation",
            "description",
            "documentation_url",
            "id",
            "input_schema",
            "installs",
            "is_free",
            "license",
            "long_description",
            "name",
            "npm_packages",
            "origin",
            "output_schema",
            "price",
            "python_packages",
            "rating",
            "rating_count",
            "recent_reviews",
            "repository_url",
            "skill_type",
            "tags"
        ]
    );
    assert_eq!(d["category"], "analytics");
    assert_eq!(d["long_description"], "Full description");
    assert_eq!(d["documentation_url"], "https://docs.example.com/skill");
    assert_eq!(d["tags"], json!(["python", "stats"]));
    let browse = app
        .call("GET", "/api/skills/marketplace", &other.cred, None)
        .await;
    assert_eq!(browse.status, 200, "{}", browse.text);
    let b = browse.json();
    assert_eq!(sorted_keys(&b), ["skills", "success"]);
    assert_eq!(
        sorted_keys(&b["skills"][0]),
        [
            "category",
            "created_at",
            "deprecated",
            "deprecation",
            "description",
            "id",
            "installs",
            "is_approved",
            "name",
            "origin",
            "price",
            "rating",
            "rating_count",
            "skill_type",
            "tags"
        ]
    );
    assert_eq!(b["skills"][0]["is_approved"], true);

    // Reject: hidden again, reason recorded; resubmission goes back to pending.
    let second = private_skill(&app, &publisher, skill_body("Second Skill")).await;
    app.call(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": second})),
    )
    .await;
    app.call(
        "POST",
        &format!("/api/skills/reject/{second}"),
        &operator.cred,
        None,
    )
    .await
    .assert_envelope(400, "MISSING_REQUIRED_FIELD");
    let r = app
        .call(
            "POST",
            &format!("/api/skills/reject/{second}?reason=Does%20not%20meet%20quality%20standards"),
            &operator.cred,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["marketplace_id", "reason", "status", "success"]
    );
    assert_eq!(v["reason"], "Does not meet quality standards");
    let stored: (String, Option<String>) =
        sqlx::query_as("SELECT status, rejection_reason FROM listings WHERE id = $1::uuid")
            .bind(&second)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!(
        stored,
        (
            "rejected".into(),
            Some("Does not meet quality standards".into())
        )
    );
    app.call(
        "GET",
        &format!("/api/public/v1/marketplace/skills/{second}"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
    let r = app
        .call(
            "POST",
            "/api/skills/publish",
            &publisher.cred,
            Some(json!({"skill_id": second})),
        )
        .await;
    assert_eq!(r.json()["status"], "pending_approval");
    app.call(
        "POST",
        &format!("/api/skills/approve/{}", uuid::Uuid::now_v7()),
        &operator.cred,
        None,
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
}

#[sqlx::test(migrations = "../migrations")]
async fn skill_input_is_validated(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let p = actor(&pool, "Acme", "member").await;
    let mut body = skill_body("Typed");
    body["skill_type"] = json!("webhook");
    let v = app
        .call("POST", "/api/v1/skills/private", &p.cred, Some(body))
        .await
        .assert_envelope(400, "INVALID_ENUM_VALUE");
    assert_eq!(v["details"]["field"], "skill_type");
    assert_eq!(v["details"]["provided_value"], "webhook");
    assert_eq!(
        v["details"]["allowed_values"],
        json!(["api", "function", "script", "docker", "container"])
    );

    private_skill(&app, &p, skill_body("Data Analysis")).await;
    let v = app
        .call(
            "POST",
            "/api/v1/skills/private",
            &p.cred,
            Some(skill_body("data analysis")),
        )
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_eq!(v["details"]["field"], "name");

    let mut body = skill_body("Bad schema");
    body["config_schema"] = json!({"type": 12});
    app.call("POST", "/api/v1/skills/private", &p.cred, Some(body))
        .await
        .assert_envelope(400, "VALIDATION_ERROR");

    // Protected fields in the body change nothing.
    let mut body = skill_body("Sneaky");
    body["status"] = json!("approved");
    body["installs"] = json!(999);
    body["publisher_tenant_id"] = json!(uuid::Uuid::now_v7());
    let id = private_skill(&app, &p, body).await;
    let row: (String, i32, uuid::Uuid) = sqlx::query_as(
        "SELECT status, installs, publisher_tenant_id FROM listings WHERE id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .expect("row");
    assert_eq!(row, ("draft".into(), 0, p.tenant_id));

    let reader = actor_with_scope(&pool, "Readers", "member", "read").await;
    app.call(
        "POST",
        "/api/v1/skills/private",
        &reader.cred,
        Some(skill_body("Nope")),
    )
    .await
    .assert_envelope(403, "INSUFFICIENT_SCOPE");
    app.call(
        "POST",
        "/api/v1/skills/private",
        &Cred::Anon,
        Some(skill_body("Nope")),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
}

#[sqlx::test(migrations = "../migrations")]
async fn installs_count_once_per_tenant_and_uninstall_keeps_history(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let second_buyer = actor(&pool, "Initech", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Summarizer")).await;

    let agent = |name: &'static str, who: &crate::fixtures::Actor| {
        let cred = who.cred.clone();
        let app = &app;
        async move {
            let r = app
                .call("POST", "/api/agents", &cred, Some(json!({"name": name})))
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            assert_eq!(r.json()["maturity"], "student");
            r.json()["id"].as_str().expect("agent id").to_owned()
        }
    };
    let a1 = agent("Sales bot", &buyer).await;
    let a2 = agent("Support bot", &buyer).await;

    let install = |cred: Cred, agent: String| {
        let app = &app;
        let id = id.clone();
        async move {
            app.call(
                "POST",
                "/api/skills/install",
                &cred,
                Some(
                    json!({"skill_id": id, "agent_id": agent, "config_overrides": {"timeout": 30}}),
                ),
            )
            .await
        }
    };
    let r = install(buyer.cred.clone(), a1.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["message", "skill_id", "status", "success", "warnings"]
    );
    assert_eq!(v["status"], "installed");
    let installed_1 = v["skill_id"].as_str().expect("installed id").to_owned();
    assert_ne!(installed_1, id, "the install is the tenant's own copy");
    // Same agent again: idempotent, same copy.
    assert_eq!(
        install(buyer.cred.clone(), a1.clone()).await.json()["skill_id"],
        installed_1.as_str()
    );
    // Another agent of the same tenant: a second copy, still one tenant install.
    let installed_2 = install(buyer.cred.clone(), a2.clone()).await.json()["skill_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let counts = |pool: PgPool, id: String| async move {
        sqlx::query_as::<_, (i32, i32)>(
            "SELECT installs, active_installs FROM listings WHERE id = $1::uuid",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("counts")
    };
    assert_eq!(counts(pool.clone(), id.clone()).await, (1, 1));

    let private = app
        .call(
            "POST",
            "/api/v1/skills/private/install",
            &second_buyer.cred,
            Some(json!({"marketplace_skill_id": id})),
        )
        .await;
    assert_eq!(private.status, 200, "{}", private.text);
    assert_eq!(
        sorted_keys(&private.json()),
        [
            "message",
            "packages_installed",
            "skill_id",
            "status",
            "success",
            "warnings"
        ]
    );
    assert_eq!(counts(pool.clone(), id.clone()).await, (2, 2));

    // The agent shows its installed skills.
    let ag = app
        .call("GET", &format!("/api/agents/{a1}"), &buyer.cred, None)
        .await
        .json();
    assert_eq!(ag["installed_skills"][0]["skill_id"], installed_1.as_str());

    // Uninstalling one copy keeps the tenant active; both → active drops, all-time stays.
    let del = app
        .call(
            "DELETE",
            &format!("/api/v1/skills/private/{installed_1}"),
            &buyer.cred,
            None,
        )
        .await;
    assert_eq!(del.status, 200, "{}", del.text);
    assert_eq!(
        sorted_keys(&del.json()),
        ["message", "skill_id", "status", "success"]
    );
    assert_eq!(del.json()["status"], "uninstalled");
    assert_eq!(counts(pool.clone(), id.clone()).await, (2, 2));
    app.call(
        "DELETE",
        &format!("/api/v1/skills/private/{installed_2}"),
        &buyer.cred,
        None,
    )
    .await;
    assert_eq!(counts(pool.clone(), id.clone()).await, (2, 1));
    // Re-installing does not inflate the all-time count.
    install(buyer.cred.clone(), a1.clone()).await;
    assert_eq!(counts(pool.clone(), id.clone()).await, (2, 2));
    app.call(
        "DELETE",
        &format!("/api/v1/skills/private/{installed_2}"),
        &buyer.cred,
        None,
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");

    // Unapproved or unknown: SKILL_NOT_FOUND; someone else's agent: 404.
    let draft = private_skill(&app, &publisher, skill_body("Draft only")).await;
    app.call(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": draft})),
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
    app.call(
        "POST",
        "/api/skills/install",
        &second_buyer.cred,
        Some(json!({"skill_id": id, "agent_id": a1})),
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
}

#[sqlx::test(migrations = "../migrations")]
async fn config_overrides_are_checked_against_the_schema(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let mut body = skill_body("Configured");
    body["config_schema"] = json!({
        "type": "object",
        "properties": {"api_key": {"type": "string"}, "timeout": {"type": "number"}},
        "required": ["api_key", "timeout"],
        "additionalProperties": false
    });
    let id = approved_skill(&app, &publisher, &operator, body).await;
    let detail = app
        .call("GET", &format!("/api/skills/{id}"), &buyer.cred, None)
        .await
        .json();
    assert_eq!(
        detail["config_schema"]["required"],
        json!(["api_key", "timeout"])
    );

    let v = app
        .call("POST", "/api/skills/install", &buyer.cred, Some(json!({"skill_id": id, "config_overrides": {"api_key": "sk-123", "invalid_field": "value"}})))
        .await
        .assert_envelope(400, "CONFIG_SCHEMA_INVALID");
    let errors = v["details"]["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "every error listed: {errors:?}");
    assert_eq!(v["details"]["provided_config"]["invalid_field"], "value");
    assert_eq!(
        v["details"]["expected_schema"]["required"],
        json!(["api_key", "timeout"])
    );
    let installs: i32 = sqlx::query_scalar("SELECT installs FROM listings WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("installs");
    assert_eq!(installs, 0, "a failed install leaves no trace");

    let ok = app
        .call("POST", "/api/v1/skills/private/install", &buyer.cred, Some(json!({"marketplace_skill_id": id, "config_overrides": {"api_key": "k", "timeout": 5}})))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let installed = ok.json()["skill_id"].as_str().expect("id").to_owned();
    let r = app
        .call("PUT", &format!("/api/v1/skills/private/{installed}"), &buyer.cred,
              Some(json!({"name": "My Custom Name", "description": "Mine", "config_overrides": {"api_key": "k2", "timeout": 60}, "environment_vars": {"API_KEY": "custom"}})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        [
            "config_overrides_applied",
            "description",
            "name",
            "skill_id",
            "success"
        ]
    );
    assert_eq!(v["name"], "My Custom Name");
    assert_eq!(v["config_overrides_applied"], true);
    app.call(
        "PUT",
        &format!("/api/v1/skills/private/{installed}"),
        &buyer.cred,
        Some(json!({"config_overrides": {"timeout": "slow"}})),
    )
    .await
    .assert_envelope(400, "CONFIG_SCHEMA_INVALID");
    app.call(
        "PUT",
        &format!("/api/v1/skills/private/{installed}"),
        &publisher.cred,
        Some(json!({"name": "x"})),
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
}
