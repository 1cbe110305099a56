//! Attacks on the marketplace's controls (issue 14): packages_maturity.
//!
//! Maturity only moves through graduation's rules, tenant-wide installs
//! cannot dodge the maturity gate, every version specifier meets the CVE
//! gate, the package inventory keeps every skill's requirement, and the
//! rating and trending counters cannot be pumped through hidden reviews or
//! uninstall/reinstall cycles.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, skill_body, sorted_keys, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

fn with(mut body: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    body
}

async fn agent_count(pool: &PgPool, who: &Actor) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM agents WHERE tenant_id = $1")
        .bind(who.tenant_id)
        .fetch_one(pool)
        .await
        .expect("agents")
}

#[sqlx::test(migrations = "../migrations")]
async fn members_cannot_self_assign_maturity_and_admins_only_one_level(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let member = actor(&pool, "Acme", "member").await;

    // A member asks for every level above student: refused like a
    // member's graduation (403 FORBIDDEN), and nothing is created.
    for level in ["intern", "supervised", "autonomous"] {
        let v = app
            .call(
                "POST",
                "/api/agents",
                &member.cred,
                Some(json!({"name": "Self-promoted", "maturity": level})),
            )
            .await
            .assert_envelope(403, "FORBIDDEN");
        assert_eq!(v["details"]["field"], "maturity", "{v}");
    }
    assert_eq!(agent_count(&pool, &member).await, 0);
    // Asking for student (or nothing) is fine.
    let v = app
        .expect(
            "POST",
            "/api/agents",
            &member.cred,
            Some(json!({"name": "Honest", "maturity": "student"})),
            201,
        )
        .await;
    assert_eq!(v["maturity"], "student");

    // A tenant admin follows graduation's rules: one level above a new
    // agent's student, so intern at most; skipping levels is 409.
    let owner = actor(&pool, "Globex", "owner").await;
    for level in ["supervised", "autonomous"] {
        let v = app
            .call(
                "POST",
                "/api/agents",
                &owner.cred,
                Some(json!({"name": "Skipper", "maturity": level})),
            )
            .await
            .assert_envelope(409, "CONFLICTING_OPERATION");
        assert_eq!(v["details"]["current_maturity"], "student");
        assert_eq!(v["details"]["target_maturity"], level);
    }
    assert_eq!(agent_count(&pool, &owner).await, 0);
    let v = app
        .expect(
            "POST",
            "/api/agents",
            &owner.cred,
            Some(json!({"name": "Trainee", "maturity": "intern"})),
            201,
        )
        .await;
    assert_eq!(v["maturity"], "intern");
    let agent_id = v["id"].as_str().expect("id").to_owned();

    // The level raise is audited like a graduation.
    let operator = actor(&pool, "Platform", "super_admin").await;
    let audit = app
        .expect(
            "GET",
            "/api/admin/audit?action=agent.graduate",
            &operator.cred,
            None,
            200,
        )
        .await;
    let entries = audit["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["target_id"], agent_id.as_str());

    // A template of an intern agent installs as a student agent elsewhere.
    let uri = format!(
        "/api/agent-marketplace/publish/{agent_id}?name=Trainee%20Template&description=Helps"
    );
    let template = app.expect("POST", &uri, &owner.cred, None, 200).await["template_id"]
        .as_str()
        .expect("template_id")
        .to_owned();
    app.expect(
        "POST",
        &format!("/api/agent-marketplace/approve/{template}"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let installed = app
        .expect(
            "POST",
            &format!("/api/agent-marketplace/install/{template}"),
            &member.cred,
            None,
            200,
        )
        .await;
    let new_agent = installed["agent_id"].as_str().expect("agent_id");
    let got = app
        .expect(
            "GET",
            &format!("/api/agents/{new_agent}"),
            &member.cred,
            None,
            200,
        )
        .await;
    assert_eq!(got["maturity"], "student");
}

#[sqlx::test(migrations = "../migrations")]
async fn tenant_wide_installs_are_judged_as_a_student(pool: PgPool) {
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
    let low = approved_skill(&app, &publisher, &operator, skill_body("Low Risk")).await;

    // No agent at all: a student.
    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": medium})),
        )
        .await
        .assert_envelope(403, "GOVERNANCE_DENIED");
    assert_eq!(
        (
            v["details"]["agent_id"].clone(),
            v["details"]["current_maturity"].clone(),
            v["details"]["required_maturity"].clone()
        ),
        (Value::Null, json!("student"), json!("intern"))
    );
    // Even when every agent of the tenant is mature enough: a new agent
    // would start at student and reach the tenant-wide skill.
    let intern = app
        .expect(
            "POST",
            "/api/agents",
            &buyer.cred,
            Some(json!({"name": "Trainee", "maturity": "intern"})),
            201,
        )
        .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for (door, body) in [
        ("/api/skills/install", json!({"skill_id": medium})),
        (
            "/api/v1/skills/private/install",
            json!({"marketplace_skill_id": medium}),
        ),
    ] {
        app.call("POST", door, &buyer.cred, Some(body))
            .await
            .assert_envelope(403, "GOVERNANCE_DENIED");
    }
    let plan = app
        .expect(
            "POST",
            "/api/skills/install?dry_run=true",
            &buyer.cred,
            Some(json!({"skill_id": medium})),
            200,
        )
        .await;
    assert_eq!(plan["would_install"], false, "{plan}");
    let installed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM installed_skills WHERE tenant_id = $1")
            .bind(buyer.tenant_id)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(installed, 0, "no tenant-wide copy of a medium-risk skill");

    // Into the intern agent it goes; low risk tenant-wide is fine.
    app.expect(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": medium, "agent_id": intern})),
        200,
    )
    .await;
    app.expect(
        "POST",
        "/api/skills/install",
        &buyer.cred,
        Some(json!({"skill_id": low})),
        200,
    )
    .await;
}

async fn put_package(app: &TestApp, operator: &Actor, name: &str, body: Value) {
    app.expect(
        "PUT",
        &format!("/api/admin/packages/{name}"),
        &operator.cred,
        Some(body),
        200,
    )
    .await;
}

async fn skill_needing(
    app: &TestApp,
    publisher: &Actor,
    operator: &Actor,
    name: &str,
    python: Value,
    npm: Value,
) -> String {
    approved_skill(
        app,
        publisher,
        operator,
        with(
            skill_body(name),
            json!({"python_packages": python, "npm_packages": npm}),
        ),
    )
    .await
}

async fn inventory_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tenant_packages")
        .fetch_one(pool)
        .await
        .expect("inventory")
}

#[sqlx::test(migrations = "../migrations")]
async fn cve_gate_covers_every_specifier(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    put_package(
        &app,
        &operator,
        "requests",
        json!({"package_type": "python", "whitelisted": true, "vulnerabilities": [
            {"cve": "CVE-2023-32681", "severity": "MEDIUM", "description": "Proxy-Authorization leak",
             "affected_versions": "<2.31", "safe_version": "2.31.0"}]}),
    )
    .await;
    put_package(
        &app,
        &operator,
        "lodash",
        json!({"package_type": "npm", "whitelisted": true, "vulnerabilities": [
            {"cve": "CVE-2021-23337", "severity": "HIGH", "description": "Command injection",
             "affected_versions": "<4.17.21", "safe_version": "4.17.21"}]}),
    )
    .await;

    // Every one of these can resolve to an affected version.
    let python_bad = [
        "===2.0.0", "==2.30.*", "<2.31", "~=2.0", ">=2.0", "!=2.31.0", "<=2.31", "", "2.30.0",
    ];
    let npm_bad = [
        "^4.17.0",
        "~4.17.20",
        "<=4.17.21",
        "4.x",
        "*",
        "^3.0.0||^4.0.0",
    ];
    let mut bad = Vec::new();
    for (i, v) in python_bad.iter().enumerate() {
        let id = skill_needing(
            &app,
            &publisher,
            &operator,
            &format!("Py Bad {i}"),
            json!([{"name": "requests", "version": v}]),
            json!([]),
        )
        .await;
        bad.push((v.to_string(), id, "requests"));
    }
    for (i, v) in npm_bad.iter().enumerate() {
        let id = skill_needing(
            &app,
            &publisher,
            &operator,
            &format!("Npm Bad {i}"),
            json!([]),
            json!([{"name": "lodash", "version": v}]),
        )
        .await;
        bad.push((v.to_string(), id, "lodash"));
    }
    for (version, id, package) in &bad {
        let v = app
            .call(
                "POST",
                "/api/skills/install",
                &buyer.cred,
                Some(json!({"skill_id": id})),
            )
            .await
            .assert_envelope(403, "PACKAGE_VULNERABILITY");
        assert_eq!(v["details"]["package_name"], *package, "{version}: {v}");
        assert_eq!(v["details"]["current_version"], version.as_str(), "{v}");
        assert!(v["details"]["safe_version"].is_string(), "{v}");
        assert_eq!(
            v["details"]["vulnerabilities"].as_array().map(Vec::len),
            Some(1),
            "{version}: {v}"
        );
    }
    assert_eq!(
        inventory_rows(&pool).await,
        0,
        "blocked installs wrote nothing"
    );

    // Ranges that exclude every affected version still install.
    let good = skill_needing(
        &app,
        &publisher,
        &operator,
        "All Safe",
        json!([{"name": "requests", "version": ">=2.31,<3"}]),
        json!([{"name": "lodash", "version": "^4.17.21"}]),
    )
    .await;
    let also_good = skill_needing(
        &app,
        &publisher,
        &operator,
        "Also Safe",
        json!([{"name": "requests", "version": "~=2.31"}]),
        // `>4.17` is >=4.18.0 in node-semver.
        json!([{"name": "lodash", "version": ">4.17"}]),
    )
    .await;
    for id in [good, also_good] {
        app.expect(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id})),
            200,
        )
        .await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn inventory_keeps_every_skills_requirement(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "owner").await;
    put_package(
        &app,
        &operator,
        "requests",
        json!({"package_type": "python", "whitelisted": true}),
    )
    .await;
    let old = skill_needing(
        &app,
        &publisher,
        &operator,
        "Needs 2.31",
        json!([{"name": "requests", "version": "==2.31.0"}]),
        json!([]),
    )
    .await;
    let new = skill_needing(
        &app,
        &publisher,
        &operator,
        "Needs 2.32",
        json!([{"name": "requests", "version": "==2.32.0"}]),
        json!([]),
    )
    .await;
    let again = skill_needing(
        &app,
        &publisher,
        &operator,
        "Needs 2.31 too",
        json!([{"name": "requests", "version": "2.31.0"}]),
        json!([]),
    )
    .await;
    for id in [&old, &new] {
        app.expect(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id})),
            200,
        )
        .await;
    }
    let inventory = app
        .expect("GET", "/api/packages", &buyer.cred, None, 200)
        .await;
    let packages = inventory["packages"].as_array().expect("packages");
    let versions: Vec<(&str, &str)> = packages
        .iter()
        .map(|p| {
            (
                p["package_name"].as_str().unwrap_or_default(),
                p["version"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [("requests", "2.31.0"), ("requests", "2.32.0")],
        "the second install must not overwrite the first skill's version"
    );
    for p in packages {
        assert_eq!(
            sorted_keys(p),
            ["installed_at", "package_name", "package_type", "version"]
        );
    }
    // 2.31.0 is still there for a later skill, without installing anything.
    let v = app
        .expect(
            "POST",
            "/api/v1/skills/private/install",
            &buyer.cred,
            Some(json!({"marketplace_skill_id": again, "install_dependencies": false})),
            200,
        )
        .await;
    assert_eq!(v["packages_installed"][0]["status"], "already_installed");
    // Another tenant's inventory is its own.
    let other = actor(&pool, "Initech", "owner").await;
    let theirs = app
        .expect("GET", "/api/packages", &other.cred, None, 200)
        .await;
    assert_eq!(theirs["packages"], json!([]));
}

async fn rating_counters(pool: &PgPool, id: &str) -> (f64, i32) {
    sqlx::query_as("SELECT rating_sum::float8, rating_count FROM listings WHERE id = $1::uuid")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("counters")
}

#[sqlx::test(migrations = "../migrations")]
async fn rerating_a_hidden_review_keeps_the_average_honest(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let troll = actor(&pool, "Trolls", "member").await;
    let fan = actor(&pool, "Fans", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Rated")).await;
    let path = format!("/api/skills/rate/{id}");

    app.expect(
        "POST",
        &path,
        &troll.cred,
        Some(json!({"rating": 1, "review": "spam spam spam"})),
        200,
    )
    .await;
    let review: String =
        sqlx::query_scalar("SELECT id::text FROM reviews WHERE listing_id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("review");
    app.expect(
        "POST",
        &format!("/api/admin/reviews/{review}/hide"),
        &operator.cred,
        None,
        200,
    )
    .await;
    assert_eq!(rating_counters(&pool, &id).await, (0.0, 0));

    // The hidden author re-rates, several times: the hidden rating stays
    // out of the listing's counters.
    for rating in [5, 3, 5] {
        app.expect(
            "PUT",
            &path,
            &troll.cred,
            Some(json!({"rating": rating})),
            200,
        )
        .await;
    }
    assert_eq!(rating_counters(&pool, &id).await, (0.0, 0));
    let v = app
        .expect("POST", &path, &fan.cred, Some(json!({"rating": 4})), 200)
        .await;
    assert_eq!(v["new_average"], 4.0, "{v}");
    assert_eq!(v["total_ratings"], 1, "{v}");

    // Restored, it counts with its latest rating.
    app.expect(
        "POST",
        &format!("/api/admin/reviews/{review}/restore"),
        &operator.cred,
        None,
        200,
    )
    .await;
    assert_eq!(rating_counters(&pool, &id).await, (9.0, 2));
    let d = app
        .expect(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{id}"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(d["rating_count"], 2, "{d}");
    assert!(
        d["rating"].as_f64().is_some_and(|r| (r - 4.5).abs() < 1e-9),
        "{d}"
    );
}

async fn trend_key(pool: &PgPool, id: &str) -> f64 {
    sqlx::query_scalar("SELECT trend_key FROM listings WHERE id = $1::uuid")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("trend_key")
}

#[sqlx::test(migrations = "../migrations")]
async fn uninstall_and_reinstall_does_not_pump_trending(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let pumper = actor(&pool, "Pumper", "member").await;
    let honest = [
        actor(&pool, "One", "member").await,
        actor(&pool, "Two", "member").await,
    ];
    let pumped = approved_skill(&app, &publisher, &operator, skill_body("Pumped")).await;
    let popular = approved_skill(&app, &publisher, &operator, skill_body("Popular")).await;
    for who in &honest {
        app.expect(
            "POST",
            "/api/skills/install",
            &who.cred,
            Some(json!({"skill_id": popular})),
            200,
        )
        .await;
    }

    let install = || {
        app.expect(
            "POST",
            "/api/skills/install",
            &pumper.cred,
            Some(json!({"skill_id": pumped})),
            200,
        )
    };
    let first = install().await["skill_id"]
        .as_str()
        .expect("skill_id")
        .to_owned();
    let after_first = trend_key(&pool, &pumped).await;
    let mut copy = first;
    for _ in 0..5 {
        app.expect(
            "DELETE",
            &format!("/api/v1/skills/private/{copy}"),
            &pumper.cred,
            None,
            200,
        )
        .await;
        copy = install().await["skill_id"]
            .as_str()
            .expect("skill_id")
            .to_owned();
    }
    assert_eq!(
        trend_key(&pool, &pumped).await,
        after_first,
        "a reinstall by the same tenant is not a new install"
    );
    let (installs, active): (i32, i32) =
        sqlx::query_as("SELECT installs, active_installs FROM listings WHERE id = $1::uuid")
            .bind(&pumped)
            .fetch_one(&pool)
            .await
            .expect("counts");
    assert_eq!((installs, active), (1, 1));
    let v = app
        .expect(
            "GET",
            "/api/public/v1/marketplace/skills?sort_by=trending",
            &Cred::Anon,
            None,
            200,
        )
        .await;
    let names: Vec<&str> = v["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Popular", "Pumped"],
        "two tenants beat one tenant's cycles"
    );
}
