use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, public_detail, skill_body};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn operators_review_queue_flags_tenants_and_audit(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let rater = actor(&pool, "Globex", "member").await;

    // Queue: pending listings, oldest submission first; operators only.
    let first = private_skill(&app, &publisher, skill_body("First In")).await;
    let second = private_skill(&app, &publisher, skill_body("Second In")).await;
    for id in [&first, &second] {
        app.call(
            "POST",
            "/api/skills/publish",
            &publisher.cred,
            Some(json!({"skill_id": id})),
        )
        .await;
    }
    let q = app
        .call("GET", "/api/admin/review-queue", &operator.cred, None)
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    let items = q.json()["items"].clone();
    assert_eq!(items[0]["id"], first.as_str());
    assert_eq!(items[1]["id"], second.as_str());
    assert_eq!(items[0]["kind"], "skill");
    for uri in [
        "/api/admin/review-queue",
        "/api/admin/flags",
        "/api/admin/audit",
    ] {
        app.call("GET", uri, &publisher.cred, None)
            .await
            .assert_envelope(403, "FORBIDDEN");
        app.call("GET", uri, &Cred::Anon, None)
            .await
            .assert_envelope(401, "AUTH_REQUIRED");
    }

    // Flags → hide (the average leaves it) → restore.
    let live = approved_skill(&app, &publisher, &operator, skill_body("Rated Live")).await;
    app.call(
        "POST",
        &format!("/api/skills/rate/{live}"),
        &rater.cred,
        Some(json!({"rating": 1, "review": "spam spam"})),
    )
    .await;
    let reviews = app
        .call(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{live}/reviews"),
            &Cred::Anon,
            None,
        )
        .await
        .json();
    let review = reviews["reviews"][0]["id"]
        .as_str()
        .expect("review")
        .to_owned();
    app.call(
        "POST",
        &format!("/api/public/v1/marketplace/reviews/{review}/flag?reason=spam"),
        &publisher.cred,
        None,
    )
    .await;
    let flags = app
        .call("GET", "/api/admin/flags", &operator.cred, None)
        .await
        .json();
    assert_eq!(flags["reviews"][0]["id"], review.as_str());
    assert_eq!(flags["reviews"][0]["reasons"], json!(["spam"]));
    app.call(
        "POST",
        &format!("/api/admin/reviews/{review}/hide"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let r = app
        .call(
            "POST",
            &format!("/api/admin/reviews/{review}/hide"),
            &operator.cred,
            None,
        )
        .await;
    assert_eq!(
        r.json(),
        json!({"success": true, "review_id": review, "status": "hidden"})
    );
    let d = public_detail(&app, &live).await;
    assert_eq!(
        (d["rating_count"].clone(), d["recent_reviews"].clone()),
        (json!(0), json!([]))
    );
    app.call(
        "POST",
        &format!("/api/admin/reviews/{review}/restore"),
        &operator.cred,
        None,
    )
    .await;
    let d = public_detail(&app, &live).await;
    assert_eq!(d["rating_count"], 1);

    // Tenant plan and marketplace switch; a disabled tenant cannot install.
    let r = app
        .call(
            "PUT",
            &format!("/api/admin/tenants/{}", rater.tenant_id),
            &operator.cred,
            Some(json!({"marketplace_enabled": false})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["marketplace_enabled"], false);
    let v = app
        .call(
            "POST",
            "/api/skills/install",
            &rater.cred,
            Some(json!({"skill_id": live})),
        )
        .await
        .assert_envelope(503, "MARKETPLACE_DISABLED");
    assert_eq!(
        v["message"],
        "Marketplace feature is disabled for this tenant."
    );
    app.call(
        "PUT",
        &format!("/api/admin/tenants/{}", rater.tenant_id),
        &operator.cred,
        Some(json!({"plan": "gold"})),
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");
    app.call(
        "PUT",
        &format!("/api/admin/tenants/{}", uuid::Uuid::now_v7()),
        &operator.cred,
        Some(json!({"plan": "team"})),
    )
    .await
    .assert_envelope(404, "TENANT_NOT_FOUND");

    // Every action above is in the audit log, newest first, with before/after.
    let audit = app
        .call("GET", "/api/admin/audit", &operator.cred, None)
        .await
        .json();
    let actions: Vec<String> = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "tenant.update",
            "review.restore",
            "review.hide",
            "listing.approve"
        ]
    );
    assert_eq!(audit["entries"][0]["before"]["marketplace_enabled"], true);
    assert_eq!(audit["entries"][0]["after"]["marketplace_enabled"], false);
    let only = app
        .call(
            "GET",
            &format!("/api/admin/audit?target_id={live}"),
            &operator.cred,
            None,
        )
        .await
        .json();
    assert_eq!(only["entries"][0]["action"], "listing.approve");
    assert_eq!(only["entries"][0]["after"]["status"], "approved");
}

#[sqlx::test(migrations = "../migrations")]
async fn maintenance_mode_blocks_writes_and_keeps_reads(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let member = actor(&pool, "Acme", "owner").await;
    app.call(
        "PUT",
        "/api/admin/maintenance",
        &member.cred,
        Some(json!({"enabled": true})),
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let r = app
        .call(
            "PUT",
            "/api/admin/maintenance",
            &operator.cred,
            Some(json!({"enabled": true, "message": "Marketplace is under maintenance. Expected downtime: 30 minutes.", "expected_end": "2026-04-05T12:30:00Z"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["enabled"], true);

    let v = app
        .call(
            "POST",
            "/api/v1/skills/private",
            &member.cred,
            Some(skill_body("Blocked")),
        )
        .await
        .assert_envelope(503, "MAINTENANCE_MODE");
    assert_eq!(
        v["message"],
        "Marketplace is under maintenance. Expected downtime: 30 minutes."
    );
    assert_eq!(v["details"]["expected_end"], "2026-04-05T12:30:00Z");
    assert!(v["details"]["started_at"].is_string());
    let nothing: i64 = sqlx::query_scalar("SELECT count(*) FROM listings")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(nothing, 0, "a blocked write changes nothing");
    assert_eq!(
        app.call(
            "GET",
            "/api/public/v1/marketplace/skills",
            &Cred::Anon,
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.call("GET", "/api/health", &Cred::Anon, None)
            .await
            .status,
        200
    );

    let r = app
        .call(
            "PUT",
            "/api/admin/maintenance",
            &operator.cred,
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(r.json()["enabled"], false);
    assert_eq!(
        app.call(
            "POST",
            "/api/v1/skills/private",
            &member.cred,
            Some(skill_body("Allowed"))
        )
        .await
        .status,
        201
    );
    let audit = app
        .call(
            "GET",
            "/api/admin/audit?action=maintenance.set",
            &operator.cred,
            None,
        )
        .await
        .json();
    assert_eq!(audit["entries"].as_array().expect("entries").len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn operators_suspend_listings_of_any_kind_and_every_action_is_audited(pool: PgPool) {
    use crate::fixtures::approved_skill;
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Suspicious")).await;
    let uri = format!("/api/admin/listings/{id}/suspend");
    app.call("POST", &uri, &operator.cred, None)
        .await
        .assert_envelope(400, "MISSING_REQUIRED_FIELD");
    let v = app
        .expect(
            "POST",
            &format!("{uri}?reason=Malware%20report"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        (v["status"].clone(), v["reason"].clone(), v["kind"].clone()),
        (json!("suspended"), json!("Malware report"), json!("skill"))
    );
    // Gone from the marketplace for everyone else; a second suspension conflicts.
    app.call(
        "GET",
        &format!("/api/public/v1/marketplace/skills/{id}"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");
    app.call("POST", &format!("{uri}?reason=again"), &operator.cred, None)
        .await
        .assert_envelope(409, "CONFLICTING_OPERATION");
    app.expect(
        "POST",
        &format!("/api/admin/listings/{id}/approve-risk"),
        &operator.cred,
        None,
        200,
    )
    .await;
    let audit = app
        .expect(
            "GET",
            &format!("/api/admin/audit?target_id={id}"),
            &operator.cred,
            None,
            200,
        )
        .await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for expected in ["listing.approve", "listing.suspend", "listing.approve_risk"] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let suspend = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "listing.suspend")
        .expect("suspend entry");
    assert_eq!(suspend["before"]["status"], "approved");
    assert_eq!(suspend["after"]["status"], "suspended");
    crate::fixtures::assert_counts_match(&pool).await;
    // A tenant's removal cascades to its listings; the counts follow.
    sqlx::query("DELETE FROM tenants WHERE id = $1")
        .bind(publisher.tenant_id)
        .execute(&pool)
        .await
        .expect("delete tenant");
    crate::fixtures::assert_counts_match(&pool).await;
}
