//! Issue 19, items 1 and 2: the semantic-version gate (each breaking
//! change kind refused without a major bump, additive changes need a minor
//! one, names are SemVer above the highest), the dry run's check of an
//! installed copy's overrides, and the capability manifest (effective
//! risk, widening back into review while visitors keep the approved
//! content, narrowing live at once, approve-risk withdrawn by a widening).

use crate::common::TestApp;
use crate::fixtures::{actor, approved_skill, private_skill, skill_body, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

fn config_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "timeout": {"type": "number"},
            "mode": {"type": "string", "enum": ["fast", "safe"]},
            "retry": {"type": "object", "properties": {"count": {"type": "integer"}}}
        },
        "required": ["timeout"]
    })
}

fn versioned_body(name: &str) -> Value {
    let mut b = skill_body(name);
    b["config_schema"] = config_schema();
    b
}

async fn version(app: &TestApp, owner: &Actor, id: &str, name: &str) -> crate::common::Reply {
    app.call(
        "POST",
        &format!("/api/skills/version?skill_id={id}&version_name={name}"),
        &owner.cred,
        None,
    )
    .await
}

async fn edit(app: &TestApp, owner: &Actor, id: &str, body: Value) -> Value {
    app.expect(
        "PUT",
        &format!("/api/v1/skills/private/{id}"),
        &owner.cred,
        Some(body),
        200,
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn each_breaking_change_needs_a_major_bump(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let nested_closed = {
        let mut s = config_schema();
        s["properties"]["retry"]["additionalProperties"] = json!(false);
        s
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "removed",
            {
                let mut s = config_schema();
                s["properties"]
                    .as_object_mut()
                    .expect("props")
                    .remove("mode");
                s
            },
            "/properties/mode",
            "property_removed",
        ),
        (
            "required",
            {
                let mut s = config_schema();
                s["required"] = json!(["timeout", "mode"]);
                s
            },
            "/properties/mode",
            "property_required",
        ),
        (
            "narrowed",
            {
                let mut s = config_schema();
                s["properties"]["retry"]["properties"]["count"]["type"] = json!("string");
                s
            },
            "/properties/retry/properties/count",
            "type_changed",
        ),
        (
            "integer",
            {
                let mut s = config_schema();
                s["properties"]["timeout"]["type"] = json!("integer");
                s
            },
            "/properties/timeout",
            "type_changed",
        ),
        (
            "enum",
            {
                let mut s = config_schema();
                s["properties"]["mode"]["enum"] = json!(["fast"]);
                s
            },
            "/properties/mode/enum",
            "enum_value_removed",
        ),
        (
            "closed",
            nested_closed,
            "/properties/retry/additionalProperties",
            "additional_properties_closed",
        ),
    ];
    for (name, schema, path, change) in cases {
        let id = private_skill(&app, &owner, versioned_body(&format!("Gate {name}"))).await;
        assert_eq!(version(&app, &owner, &id, "v1.0.0").await.status, 200);
        edit(&app, &owner, &id, json!({ "config_schema": schema })).await;
        for refused in ["v1.0.1", "v1.1.0", "1.9.9"] {
            let e = version(&app, &owner, &id, refused)
                .await
                .assert_envelope(400, "INVALID_VERSION");
            let d = &e["details"];
            assert_eq!(d["previous_version"], "v1.0.0", "{name}");
            assert_eq!(d["required_bump"], "major", "{name}");
            assert_eq!(
                d["breaking_changes"],
                json!([{"schema": "config_schema", "path": path, "change": change}]),
                "{name}"
            );
        }
        let r = version(&app, &owner, &id, "v2.0.0").await;
        assert_eq!(r.status, 200, "{name}: {}", r.text);
        // The stored summary says what the version broke.
        let stored: Value = sqlx::query_scalar(
            "SELECT change_summary FROM listing_versions WHERE listing_id = $1::uuid AND version_name = 'v2.0.0'",
        )
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("summary");
        assert_eq!(stored["bump"], "major");
        assert_eq!(stored["breaking_changes"][0]["change"], change);
    }

    // The other two schemas are gated the same way.
    let id = private_skill(&app, &owner, versioned_body("Gate io")).await;
    assert_eq!(version(&app, &owner, &id, "1.0.0").await.status, 200);
    edit(
        &app,
        &owner,
        &id,
        json!({
            "input_schema": {"type": "object", "properties": {}},
            "output_schema": {"type": "object", "properties": {"result": {"type": "integer"}}},
        }),
    )
    .await;
    let e = version(&app, &owner, &id, "1.1.0")
        .await
        .assert_envelope(400, "INVALID_VERSION");
    assert_eq!(
        e["details"]["breaking_changes"],
        json!([
            {"schema": "input_schema", "path": "/properties/data", "change": "property_removed"},
            {"schema": "output_schema", "path": "/properties/result", "change": "type_changed"},
        ])
    );
    assert_eq!(version(&app, &owner, &id, "2.0.0").await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn additive_changes_need_a_minor_bump_and_any_bump_below_one(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let id = private_skill(&app, &owner, versioned_body("Additive")).await;
    assert_eq!(version(&app, &owner, &id, "1.0.0").await.status, 200);
    // Nothing changed: a patch will do.
    assert_eq!(version(&app, &owner, &id, "1.0.1").await.status, 200);
    let mut wider = config_schema();
    wider["properties"]["verbose"] = json!({"type": "boolean"});
    wider["properties"]["mode"]["enum"] = json!(["fast", "safe", "thorough"]);
    edit(&app, &owner, &id, json!({ "config_schema": wider })).await;
    let e = version(&app, &owner, &id, "1.0.2")
        .await
        .assert_envelope(400, "INVALID_VERSION");
    assert_eq!(e["details"]["previous_version"], "1.0.1");
    assert_eq!(e["details"]["required_bump"], "minor");
    assert_eq!(e["details"]["breaking_changes"], json!([]));
    assert_eq!(version(&app, &owner, &id, "1.1.0").await.status, 200);

    // Below 1.0.0 a break needs a minor bump, anything else any bump.
    let id = private_skill(&app, &owner, versioned_body("Early")).await;
    assert_eq!(version(&app, &owner, &id, "0.1.0").await.status, 200);
    edit(&app, &owner, &id, json!({ "config_schema": wider })).await;
    assert_eq!(version(&app, &owner, &id, "0.1.1").await.status, 200);
    edit(
        &app,
        &owner,
        &id,
        json!({ "config_schema": {"type": "object"} }),
    )
    .await;
    let e = version(&app, &owner, &id, "0.1.2")
        .await
        .assert_envelope(400, "INVALID_VERSION");
    assert_eq!(e["details"]["required_bump"], "minor");
    assert_eq!(version(&app, &owner, &id, "0.2.0").await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn version_names_are_semver_above_the_highest(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let other = actor(&pool, "Globex", "member").await;
    let id = private_skill(&app, &owner, versioned_body("Names")).await;
    for bad in ["v1", "1.2", "latest", "01.0.0", "1.0.0.0", "v1.0.0-"] {
        version(&app, &owner, &id, bad)
            .await
            .assert_envelope(400, "INVALID_VERSION");
    }
    assert_eq!(version(&app, &owner, &id, "v1.2.0").await.status, 200);
    // The same name is the duplicate it always was; the same version under
    // another spelling, or a lower one, is not above the highest.
    version(&app, &owner, &id, "v1.2.0")
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    for not_above in ["1.2.0", "V1.2.0", "1.1.9", "1.2.0-rc.1", "0.9.0"] {
        let e = version(&app, &owner, &id, not_above)
            .await
            .assert_envelope(400, "INVALID_VERSION");
        assert_eq!(e["details"]["previous_version"], "v1.2.0", "{not_above}");
    }
    // A pre-release of the next version is above.
    assert_eq!(version(&app, &owner, &id, "1.2.1-beta.1").await.status, 200);
    assert_eq!(version(&app, &owner, &id, "1.2.1").await.status, 200);
    // Another tenant cannot version it at all.
    let r = version(&app, &other, &id, "9.0.0").await;
    assert_eq!(r.status, 404, "{}", r.text);
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listing_versions WHERE listing_id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(count, 3);
}

async fn agent(app: &TestApp, pool: &PgPool, owner: &Actor, maturity: &str) -> String {
    let id = app
        .expect(
            "POST",
            "/api/agents",
            &owner.cred,
            Some(json!({"name": format!("{maturity} agent")})),
            201,
        )
        .await["id"]
        .as_str()
        .expect("agent id")
        .to_owned();
    // Straight to the maturity the test needs (graduation has its own tests).
    sqlx::query("UPDATE agents SET maturity = $2 WHERE id = $1::uuid")
        .bind(&id)
        .bind(maturity)
        .execute(pool)
        .await
        .expect("maturity");
    id
}

async fn dry_run(app: &TestApp, who: &Actor, skill: &str, agent: &str, overrides: Value) -> Value {
    app.expect(
        "POST",
        "/api/skills/install",
        &who.cred,
        Some(json!({"skill_id": skill, "agent_id": agent, "config_overrides": overrides, "dry_run": true})),
        200,
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn dry_run_says_whether_installed_overrides_still_validate(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    let id = approved_skill(&app, &publisher, &operator, versioned_body("Overrides")).await;
    let with_copy = agent(&app, &pool, &buyer, "student").await;
    let without = agent(&app, &pool, &buyer, "student").await;
    let installed = app
        .expect(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id, "agent_id": with_copy, "config_overrides": {"timeout": 10, "mode": "safe"}})),
            200,
        )
        .await;
    let copy = installed["skill_id"].as_str().expect("copy").to_owned();

    let plan = dry_run(&app, &buyer, &id, &with_copy, json!({"timeout": 5})).await;
    let c = &plan["config"]["installed"];
    assert_eq!(c["installed_skill_id"], copy.as_str());
    assert_eq!(
        c["config_overrides"],
        json!({"timeout": 10, "mode": "safe"})
    );
    assert_eq!(c["valid"], true);
    assert_eq!(c["errors"], json!([]));
    let plan = dry_run(&app, &buyer, &id, &without, json!({"timeout": 5})).await;
    assert_eq!(plan["config"]["installed"], Value::Null);

    // The publisher's next version drops `safe` and makes timeout whole:
    // in review nothing changes for installers yet.
    let mut next = config_schema();
    next["properties"]["mode"]["enum"] = json!(["fast"]);
    edit(&app, &publisher, &id, json!({ "config_schema": next })).await;
    let plan = dry_run(&app, &buyer, &id, &with_copy, json!({"timeout": 5})).await;
    assert_eq!(plan["config"]["installed"]["valid"], true, "{plan}");
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let plan = dry_run(&app, &buyer, &id, &with_copy, json!({"timeout": 5})).await;
    let c = &plan["config"]["installed"];
    assert_eq!(c["valid"], false, "{plan}");
    assert!(
        c["errors"].as_array().is_some_and(|e| !e.is_empty()
            && e.iter()
                .any(|m| m.as_str().is_some_and(|m| m.contains("mode")))),
        "{c}"
    );
    // The new overrides of the dry run itself are judged as before.
    assert_eq!(plan["would_install"], true, "{plan}");
    // Another tenant's dry run never sees the buyer's copy.
    let third = actor(&pool, "Initech", "owner").await;
    let theirs = agent(&app, &pool, &third, "student").await;
    let plan = dry_run(&app, &third, &id, &theirs, json!({})).await;
    assert_eq!(plan["config"]["installed"], Value::Null);
}

fn caps_body(name: &str, caps: Value) -> Value {
    let mut b = skill_body(name);
    b["capabilities"] = caps;
    b
}

async fn detail(app: &TestApp, who: &Actor, id: &str) -> Value {
    app.expect("GET", &format!("/api/skills/{id}"), &who.cred, None, 200)
        .await
}

async fn queue_item(app: &TestApp, operator: &Actor, id: &str) -> Option<Value> {
    let q = app
        .expect("GET", "/api/admin/review-queue", &operator.cred, None, 200)
        .await;
    q["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
}

#[sqlx::test(migrations = "../migrations")]
async fn capabilities_are_parsed_shown_whole_and_set_the_effective_risk(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let id = private_skill(&app, &owner, skill_body("Plain")).await;
    let d = detail(&app, &owner, &id).await;
    assert_eq!(
        d["capabilities"],
        json!({"network": [], "secrets": [], "filesystem": "none", "shell": false, "docker": false})
    );
    assert_eq!(d["effective_risk_level"], "low");

    let id = private_skill(
        &app,
        &owner,
        caps_body(
            "Networked",
            json!({"network": ["API.Example.com", "*.example.org"], "secrets": ["OPENAI_API_KEY"]}),
        ),
    )
    .await;
    let d = detail(&app, &owner, &id).await;
    assert_eq!(
        d["capabilities"]["network"],
        json!(["*.example.org", "api.example.com"])
    );
    assert_eq!(d["capabilities"]["secrets"], json!(["OPENAI_API_KEY"]));
    assert_eq!(d["capabilities"]["filesystem"], "none");
    assert_eq!(
        (d["risk_level"].as_str(), d["effective_risk_level"].as_str()),
        (Some("low"), Some("medium"))
    );
    let id = private_skill(&app, &owner, caps_body("Shell", json!({"shell": true}))).await;
    assert_eq!(
        detail(&app, &owner, &id).await["effective_risk_level"],
        "high"
    );
    // The declared risk wins when it is the higher.
    let mut b = caps_body("Declared", json!({"filesystem": "read"}));
    b["risk_level"] = json!("medium");
    let id = private_skill(&app, &owner, b).await;
    assert_eq!(
        detail(&app, &owner, &id).await["effective_risk_level"],
        "medium"
    );

    for junk in [
        json!({"network": ["https://evil.example"]}),
        json!({"network": ["*evil.example"]}),
        json!({"secrets": ["NOT-A-NAME"]}),
        json!({"filesystem": "root"}),
        json!({"network": (0..51).map(|i| format!("h{i}.example")).collect::<Vec<_>>()}),
    ] {
        let r = app
            .call(
                "POST",
                "/api/v1/skills/private",
                &owner.cred,
                Some(caps_body("Junk", junk.clone())),
            )
            .await;
        assert_eq!(r.status, 400, "{junk}: {}", r.text);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn effective_risk_governs_installs(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    // Declared low, but it wants a shell: high, so supervised and an
    // operator's approve-risk.
    let id = approved_skill(
        &app,
        &publisher,
        &operator,
        caps_body("Sneaky", json!({"shell": true})),
    )
    .await;
    let student = agent(&app, &pool, &buyer, "student").await;
    let e = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id, "agent_id": student})),
        )
        .await
        .assert_envelope(403, "GOVERNANCE_DENIED");
    assert_eq!(e["details"]["required_maturity"], "supervised");
    let supervised = agent(&app, &pool, &buyer, "supervised").await;
    let plan = dry_run(&app, &buyer, &id, &supervised, json!({})).await;
    assert_eq!(plan["governance"]["risk_level"], "low");
    assert_eq!(plan["governance"]["effective_risk_level"], "high");
    assert_eq!(plan["governance"]["approval_required"], true);
    app.call(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": id, "agent_id": supervised})),
    )
    .await
    .assert_envelope(403, "APPROVAL_REQUIRED");
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve-risk"),
        &operator.cred,
        None,
        200,
    )
    .await;
    app.expect(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": id, "agent_id": supervised})),
        200,
    )
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn widening_goes_back_to_review_while_visitors_keep_the_approved_content(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let visitor = actor(&pool, "Globex", "member").await;
    let approved = json!({"network": ["api.example.com"], "secrets": [], "filesystem": "read", "shell": false, "docker": false});
    let id = approved_skill(
        &app,
        &publisher,
        &operator,
        caps_body("Fetcher", approved.clone()),
    )
    .await;
    assert!(queue_item(&app, &operator, &id).await.is_none());

    // Each part widened on its own is a change for an operator.
    for (widen, part) in [
        (
            json!({"network": ["*.example.com"], "filesystem": "read"}),
            "network",
        ),
        (
            json!({"network": ["api.example.com"], "secrets": ["TOKEN"], "filesystem": "read"}),
            "secrets",
        ),
        (
            json!({"network": ["api.example.com"], "filesystem": "write"}),
            "filesystem",
        ),
        (
            json!({"network": ["api.example.com"], "filesystem": "read", "shell": true}),
            "shell",
        ),
        (
            json!({"network": ["api.example.com"], "filesystem": "read", "docker": true}),
            "docker",
        ),
    ] {
        edit(&app, &publisher, &id, json!({ "capabilities": widen })).await;
        assert_eq!(
            detail(&app, &publisher, &id).await["status"],
            "pending_approval",
            "{part}"
        );
        let v = detail(&app, &visitor, &id).await;
        assert_eq!(
            (v["status"].as_str(), &v["capabilities"]),
            (Some("approved"), &approved),
            "{part}"
        );
        let item = queue_item(&app, &operator, &id).await.expect("queued");
        assert_eq!(item["change"], "edit");
        assert_eq!(item["capability_diff"]["before"], approved, "{part}");
        assert_eq!(item["capability_diff"]["widened"], json!([part]), "{part}");
    }
    // Installs get the approved content too.
    let buyer_agent = agent(&app, &pool, &visitor, "intern").await;
    let plan = dry_run(&app, &visitor, &id, &buyer_agent, json!({})).await;
    assert_eq!(plan["governance"]["effective_risk_level"], "medium");

    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let v = detail(&app, &visitor, &id).await;
    assert_eq!(v["capabilities"]["docker"], true);
    assert_eq!(v["effective_risk_level"], "high");
    assert!(queue_item(&app, &operator, &id).await.is_none());

    // A new listing's queue item shows its whole manifest as widened.
    let fresh = private_skill(&app, &publisher, caps_body("Fresh", json!({"shell": true}))).await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": fresh})),
        200,
    )
    .await;
    let item = queue_item(&app, &operator, &fresh).await.expect("queued");
    assert_eq!(item["change"], "new");
    assert_eq!(item["capability_diff"]["widened"], json!(["shell"]));
    assert_eq!(item["capability_diff"]["before"]["shell"], false);
}

#[sqlx::test(migrations = "../migrations")]
async fn narrowing_goes_live_without_review(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let visitor = actor(&pool, "Globex", "member").await;
    let id = approved_skill(
        &app,
        &publisher,
        &operator,
        caps_body("Narrowing", json!({"network": ["*.example.com"], "secrets": ["A", "B"], "filesystem": "write", "shell": true})),
    )
    .await;
    edit(
        &app,
        &publisher,
        &id,
        json!({"capabilities": {"network": ["api.example.com"], "secrets": ["A"], "filesystem": "read"}}),
    )
    .await;
    assert_eq!(detail(&app, &publisher, &id).await["status"], "approved");
    assert!(queue_item(&app, &operator, &id).await.is_none());
    let v = detail(&app, &visitor, &id).await;
    assert_eq!(
        v["capabilities"],
        json!({"network": ["api.example.com"], "secrets": ["A"], "filesystem": "read", "shell": false, "docker": false})
    );
    assert_eq!(v["effective_risk_level"], "medium");

    // Narrowing together with any other change is still a change to review.
    edit(
        &app,
        &publisher,
        &id,
        json!({"capabilities": {"network": ["api.example.com"]}, "code": "print('changed')"}),
    )
    .await;
    assert_eq!(
        detail(&app, &publisher, &id).await["status"],
        "pending_approval"
    );
    let item = queue_item(&app, &operator, &id).await.expect("queued");
    assert_eq!(item["capability_diff"]["widened"], json!([]));
    assert_eq!(
        detail(&app, &visitor, &id).await["capabilities"]["secrets"],
        json!(["A"])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn approving_a_widening_withdraws_approve_risk(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    let id = approved_skill(
        &app,
        &publisher,
        &operator,
        caps_body(
            "Risky",
            json!({"shell": true, "network": ["a.example.com", "b.example.com"]}),
        ),
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve-risk"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let supervised = agent(&app, &pool, &buyer, "supervised").await;
    let granted = |plan: &Value| plan["governance"]["approval_granted"].clone();
    assert_eq!(
        granted(&dry_run(&app, &buyer, &id, &supervised, json!({})).await),
        true
    );

    // Narrowing keeps it (and goes live at once).
    edit(
        &app,
        &publisher,
        &id,
        json!({"capabilities": {"shell": true, "network": ["a.example.com"]}}),
    )
    .await;
    assert_eq!(
        granted(&dry_run(&app, &buyer, &id, &supervised, json!({})).await),
        true
    );
    // A change without widening, approved, keeps it.
    edit(
        &app,
        &publisher,
        &id,
        json!({"description": "Now documented"}),
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    assert_eq!(
        granted(&dry_run(&app, &buyer, &id, &supervised, json!({})).await),
        true
    );

    // A widening keeps it while in review, and loses it once approved.
    edit(
        &app,
        &publisher,
        &id,
        json!({"capabilities": {"shell": true, "docker": true, "network": ["a.example.com"]}}),
    )
    .await;
    assert_eq!(
        granted(&dry_run(&app, &buyer, &id, &supervised, json!({})).await),
        true
    );
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let plan = dry_run(&app, &buyer, &id, &supervised, json!({})).await;
    assert_eq!(granted(&plan), false);
    assert_eq!(plan["would_install"], false);
    app.call(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": id, "agent_id": supervised})),
    )
    .await
    .assert_envelope(403, "APPROVAL_REQUIRED");
    // A rejected widening leaves the approval alone.
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve-risk"),
        &operator.cred,
        None,
        200,
    )
    .await;
    edit(
        &app,
        &publisher,
        &id,
        json!({"capabilities": {"shell": true, "docker": true, "network": ["*"]}}),
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/reject?reason=too%20wide"),
        &operator.cred,
        None,
        200,
    )
    .await;
    assert_eq!(
        granted(&dry_run(&app, &buyer, &id, &supervised, json!({})).await),
        true
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_listing_page_shows_each_versions_change_summary(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = private_skill(&app, &owner, versioned_body("Summarised")).await;
    assert_eq!(version(&app, &owner, &id, "1.0.0").await.status, 200);
    let mut s = config_schema();
    s["properties"]
        .as_object_mut()
        .expect("props")
        .remove("mode");
    edit(
        &app,
        &owner,
        &id,
        json!({"config_schema": s, "capabilities": {"shell": true}}),
    )
    .await;
    assert_eq!(version(&app, &owner, &id, "2.0.0").await.status, 200);
    app.expect(
        "POST",
        "/api/skills/publish",
        &owner.cred,
        Some(json!({"skill_id": id})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let page = app.get(&format!("/skills/{id}")).await;
    assert_eq!(page.status, 200);
    for text in [
        "First version",
        "Breaking (1)",
        "config_schema /properties/mode: property removed",
        "Capabilities widened: shell",
        "major bump from 1.0.0",
        // The aside judges by the effective risk and shows the grant.
        "high (declared low)",
        "data-testid=\"capability\"",
    ] {
        assert!(page.text.contains(text), "missing {text:?}");
    }
}
