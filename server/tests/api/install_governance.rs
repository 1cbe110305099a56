//! The install check order of the platform contract: approved, marketplace
//! enabled, quota, maturity, operator approval of high risk, config,
//! packages (whitelist, vulnerabilities, presence); all or nothing.

use crate::common::TestApp;
use crate::fixtures::{actor, approved_skill, skill_body, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

async fn put_package(app: &TestApp, operator: &Actor, name: &str, body: Value) -> Value {
    app.expect(
        "PUT",
        &format!("/api/admin/packages/{name}"),
        &operator.cred,
        Some(body),
        200,
    )
    .await
}

async fn agent(app: &TestApp, owner: &Actor, maturity: &str) -> String {
    app.expect(
        "POST",
        "/api/agents",
        &owner.cred,
        Some(json!({"name": format!("{maturity} agent"), "maturity": maturity})),
        201,
    )
    .await["id"]
        .as_str()
        .expect("agent id")
        .to_owned()
}

/// Rows an install may write; a failed install must leave all of them.
async fn footprint(pool: &PgPool) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM installed_skills), (SELECT count(*) FROM listing_installs), \
         (SELECT count(*) FROM tenant_packages), (SELECT coalesce(sum(installs), 0)::int8 FROM listings)",
    )
    .fetch_one(pool)
    .await
    .expect("footprint")
}

fn with(mut body: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    body
}

#[sqlx::test(migrations = "../migrations")]
async fn packages_are_whitelisted_checked_for_cves_and_installed_once(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;

    // Operators only, ranges parsed by each ecosystem's rules.
    let pkg = json!({"package_type": "python", "whitelisted": true, "allowed_versions": ">=1.0,<3",
        "vulnerabilities": [{"cve": "CVE-2024-12345", "severity": "HIGH", "description": "Remote code execution vulnerability",
                             "affected_versions": "<2.0.0", "safe_version": "2.0.0"},
                            {"cve": "CVE-2024-22222", "severity": "MEDIUM", "description": "Header injection",
                             "affected_versions": ">=1.2,<1.9", "safe_version": "1.9.0"}]});
    app.call(
        "PUT",
        "/api/admin/packages/old-package",
        &buyer.cred,
        Some(pkg.clone()),
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    app.call(
        "PUT",
        "/api/admin/packages/old-package",
        &operator.cred,
        Some(with(pkg.clone(), json!({"allowed_versions": "about two"}))),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    let v = put_package(&app, &operator, "Old_Package", pkg).await;
    assert_eq!(v["package_name"], "old-package", "PEP 503 name");
    assert_eq!(v["vulnerabilities"].as_array().map(Vec::len), Some(2));
    put_package(
        &app,
        &operator,
        "requests",
        json!({"package_type": "python", "whitelisted": true}),
    )
    .await;
    put_package(
        &app,
        &operator,
        "lodash",
        json!({"package_type": "npm", "whitelisted": true, "allowed_versions": "^4.17.0"}),
    )
    .await;

    let cves = app
        .expect(
            "GET",
            "/api/packages/old-package/vulnerabilities",
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(cves["vulnerabilities"][0]["cve"], "CVE-2024-12345");
    assert_eq!(cves["vulnerabilities"][0]["affected_versions"], "<2.0.0");

    let skill = |name: &str, python: Value, npm: Value| {
        with(
            skill_body(name),
            json!({"python_packages": python, "npm_packages": npm}),
        )
    };
    let unknown = approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Unknown Pkg",
            json!([{"name": "malicious-package", "version": "1.0"}]),
            json!([]),
        ),
    )
    .await;
    let vulnerable = approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Old Pkg",
            json!([{"name": "old-package", "version": "1.5.0"}]),
            json!([]),
        ),
    )
    .await;
    let outside = approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Old Lodash",
            json!([]),
            json!([{"name": "lodash", "version": "3.10.1"}]),
        ),
    )
    .await;
    let good = approved_skill(&app, &publisher, &operator, skill("Good Pkgs", json!([{"name": "requests", "version": "2.31.0"}, {"name": "old-package", "version": "2.1.0"}]), json!([{"name": "lodash", "version": "4.17.21"}]))).await;
    let reuse = approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Reuse",
            json!([{"name": "Requests", "version": "==2.31.0"}]),
            json!([]),
        ),
    )
    .await;

    let before = footprint(&pool).await;
    let v = app
        .call(
            "POST",
            "/api/v1/skills/private/install",
            &buyer.cred,
            Some(json!({"marketplace_skill_id": unknown})),
        )
        .await
        .assert_envelope(403, "PACKAGE_NOT_WHITELISTED");
    assert_eq!(v["details"]["package_name"], "malicious-package");
    assert_eq!(v["details"]["package_type"], "python");
    assert!(v["details"]["request_url"].is_string());
    let v = app
        .call(
            "POST",
            "/api/v1/skills/private/install",
            &buyer.cred,
            Some(json!({"marketplace_skill_id": vulnerable})),
        )
        .await
        .assert_envelope(403, "PACKAGE_VULNERABILITY");
    assert_eq!(v["details"]["current_version"], "1.5.0");
    assert_eq!(
        v["details"]["safe_version"], "2.0.0",
        "the highest fix among the matching CVEs"
    );
    assert_eq!(
        v["details"]["vulnerabilities"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(v["message"], "Package 'old-package' has 2 known security vulnerabilities. Update to version 2.0.0 or later.");
    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": outside})),
        )
        .await
        .assert_envelope(403, "PACKAGE_NOT_WHITELISTED");
    assert_eq!(v["details"]["allowed_versions"], "^4.17.0");
    let v = app
        .call(
            "POST",
            "/api/v1/skills/private/install",
            &buyer.cred,
            Some(json!({"marketplace_skill_id": good, "install_dependencies": false})),
        )
        .await
        .assert_envelope(422, "DEPENDENCY_MISSING");
    assert_eq!(v["details"]["missing_package"], "requests");
    assert_eq!(
        v["details"]["install_command"],
        "pip install requests==2.31.0"
    );
    assert_eq!(
        footprint(&pool).await,
        before,
        "failed installs leave no trace"
    );

    // With dependencies: all three land in the inventory.
    let v = app
        .expect(
            "POST",
            "/api/v1/skills/private/install",
            &buyer.cred,
            Some(json!({"marketplace_skill_id": good})),
            200,
        )
        .await;
    let statuses: Vec<(String, String)> = v["packages_installed"]
        .as_array()
        .expect("packages_installed")
        .iter()
        .map(|p| {
            (
                p["package_name"].as_str().unwrap_or_default().into(),
                p["status"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("requests".into(), "installed".into()),
            ("old-package".into(), "installed".into()),
            ("lodash".into(), "installed".into())
        ]
    );
    let inventory = app
        .expect("GET", "/api/packages", &buyer.cred, None, 200)
        .await;
    assert_eq!(inventory["packages"].as_array().map(Vec::len), Some(3));
    // A later skill finds its package present, even without installing dependencies.
    let v = app
        .expect(
            "POST",
            "/api/v1/skills/private/install",
            &buyer.cred,
            Some(json!({"marketplace_skill_id": reuse, "install_dependencies": false})),
            200,
        )
        .await;
    assert_eq!(v["packages_installed"][0]["status"], "already_installed");

    // Requests to whitelist, and the operator's whitelisting closes them.
    let r = app
        .expect(
            "POST",
            "/api/packages/request",
            &buyer.cred,
            Some(json!({"package_name": "malicious-package", "package_type": "python", "version": "1.0.0", "reason": "Required for data analysis skill"})),
            201,
        )
        .await;
    assert_eq!(r["status"], "pending");
    app.call(
        "POST",
        "/api/packages/request",
        &buyer.cred,
        Some(json!({"package_name": "x", "package_type": "cargo", "version": "1", "reason": "r"})),
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");
    put_package(
        &app,
        &operator,
        "malicious-package",
        json!({"package_type": "python", "whitelisted": true}),
    )
    .await;
    let status: String = sqlx::query_scalar("SELECT status FROM package_requests")
        .fetch_one(&pool)
        .await
        .expect("request");
    assert_eq!(status, "approved");
    let audit = app
        .expect(
            "GET",
            "/api/admin/audit?action=package.update",
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(audit["entries"].as_array().map(Vec::len), Some(4));
}

#[sqlx::test(migrations = "../migrations")]
async fn maturity_risk_approval_and_the_order_of_checks(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    let medium = approved_skill(
        &app,
        &publisher,
        &operator,
        with(skill_body("Medium Risk"), json!({"risk_level": "medium"})),
    )
    .await;
    let high = approved_skill(
        &app,
        &publisher,
        &operator,
        with(skill_body("Exec Shell"), json!({"risk_level": "high"})),
    )
    .await;
    let student = agent(&app, &buyer, "student").await;

    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": medium, "agent_id": student})),
        )
        .await
        .assert_envelope(403, "GOVERNANCE_DENIED");
    assert_eq!(v["error"], "Governance Denied");
    assert_eq!(
        (
            v["details"]["current_maturity"].clone(),
            v["details"]["required_maturity"].clone(),
            v["details"]["agent_id"].clone()
        ),
        (json!("student"), json!("intern"), json!(student))
    );
    // Graduation: tenant admins only, one level at a time, audited.
    app.call(
        "POST",
        &format!("/api/agents/{student}/graduate"),
        &buyer.cred,
        Some(json!({"target_maturity": "supervised"})),
    )
    .await
    .assert_envelope(409, "CONFLICTING_OPERATION");
    let other_tenant_member = actor(&pool, "Else", "member").await;
    app.call(
        "POST",
        &format!("/api/agents/{student}/graduate"),
        &other_tenant_member.cred,
        Some(json!({"target_maturity": "intern"})),
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let v = app
        .expect(
            "POST",
            &format!("/api/agents/{student}/graduate"),
            &buyer.cred,
            Some(json!({"target_maturity": "intern"})),
            200,
        )
        .await;
    assert_eq!(
        (v["previous_maturity"].clone(), v["maturity"].clone()),
        (json!("student"), json!("intern"))
    );
    app.expect(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": medium, "agent_id": student})),
        200,
    )
    .await;

    // High risk: a supervised agent and the operator's explicit approval.
    app.expect(
        "POST",
        &format!("/api/agents/{student}/graduate"),
        &buyer.cred,
        Some(json!({"target_maturity": "supervised"})),
        200,
    )
    .await;
    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": high, "agent_id": student})),
        )
        .await
        .assert_envelope(403, "APPROVAL_REQUIRED");
    assert_eq!(v["details"]["risk_level"], "HIGH");
    let url = v["details"]["approval_url"]
        .as_str()
        .expect("approval_url")
        .to_owned();
    app.call("POST", &url, &buyer.cred, None)
        .await
        .assert_envelope(403, "FORBIDDEN");
    app.expect("POST", &url, &operator.cred, None, 200).await;
    app.expect(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": high, "agent_id": student})),
        200,
    )
    .await;
    let audit = app
        .expect(
            "GET",
            "/api/admin/audit?action=agent.graduate",
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(audit["entries"].as_array().map(Vec::len), Some(2));

    // Everything wrong at once: the checks answer in the documented order,
    // and a dry run lists them all without writing.
    let worst = approved_skill(
        &app,
        &publisher,
        &operator,
        with(
            skill_body("Worst Case"),
            json!({
                "risk_level": "high",
                "python_packages": [{"name": "nobody-knows", "version": "1.0"}],
                "config_schema": {"type": "object", "properties": {"timeout": {"type": "number"}}},
            }),
        ),
    )
    .await;
    let fresh_student = agent(&app, &buyer, "student").await;
    // Fill the free plan's 50 installed skills (two are real installs).
    sqlx::query(
        "WITH filler AS ( \
           INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status) \
           SELECT gen_random_uuid(), 'skill', $1, 'filler ' || g, 'filler-' || g, 'approved' \
           FROM generate_series(1, 50) g RETURNING id) \
         INSERT INTO installed_skills (id, tenant_id, listing_id, name) \
         SELECT gen_random_uuid(), $2, id, 'filler' FROM filler",
    )
    .bind(publisher.tenant_id)
    .bind(buyer.tenant_id)
    .execute(&pool)
    .await
    .expect("filler");
    let body = json!({"skill_id": worst, "agent_id": fresh_student, "config_overrides": {"timeout": "soon"}});
    let before = footprint(&pool).await;
    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(body.clone()),
        )
        .await
        .assert_envelope(429, "SKILL_LIMIT_EXCEEDED");
    assert_eq!(
        v["details"],
        json!({"current": 52, "limit": 50, "plan": "free"})
    );
    let plan = app
        .expect(
            "POST",
            "/api/skills/install?dry_run=true",
            &buyer.cred,
            Some(body),
            200,
        )
        .await;
    let codes: Vec<&str> = plan["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "SKILL_LIMIT_EXCEEDED",
            "GOVERNANCE_DENIED",
            "APPROVAL_REQUIRED",
            "CONFIG_SCHEMA_INVALID",
            "PACKAGE_NOT_WHITELISTED"
        ]
    );
    assert_eq!(plan["would_install"], false);
    assert_eq!(plan["governance"]["required_maturity"], "supervised");
    assert_eq!(plan["packages"][0]["status"], "blocked");
    assert_eq!(
        footprint(&pool).await,
        before,
        "neither the failure nor the dry run wrote anything"
    );
}
