//! Issue 19, verified reviews and deprecation: a rating is verified only
//! when the rater's own tenant had the listing installed when rating;
//! deprecated listings leave browse and search unless asked for, still
//! install, and warn.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

/// A second user (with its own key) in an existing tenant.
async fn colleague(pool: &PgPool, of: &Actor) -> Actor {
    let user_id = Uuid::now_v7();
    sqlx::query("INSERT INTO users (id, tenant_id, email, password_hash, role) VALUES ($1, $2, $3, 'x', 'member')")
        .bind(user_id)
        .bind(of.tenant_id)
        .bind(format!("{}@fixture.test", user_id.simple()))
        .execute(pool)
        .await
        .expect("user");
    let key = app::backend::secrets::new_api_key();
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, scope, prefix, key_hash) VALUES ($1, $2, $3, 'k', 'read_write', $4, $5)",
    )
    .bind(Uuid::now_v7())
    .bind(of.tenant_id)
    .bind(user_id)
    .bind(&key[..11])
    .bind(app::backend::secrets::hash_secret(&key))
    .execute(pool)
    .await
    .expect("key");
    Actor {
        tenant_id: of.tenant_id,
        cred: Cred::Key(key),
    }
}

async fn install_skill(app: &TestApp, who: &Actor, id: &str) -> Value {
    app.expect(
        "POST",
        "/api/skills/install",
        &who.cred,
        Some(json!({ "skill_id": id })),
        200,
    )
    .await
}

async fn reviews(app: &TestApp, id: &str, query: &str) -> Value {
    app.expect(
        "GET",
        &format!("/api/public/v1/marketplace/skills/{id}/reviews{query}"),
        &Cred::Anon,
        None,
        200,
    )
    .await
}

fn verified_of(v: &Value) -> (Value, Value) {
    (v["verified_install"].clone(), v["version"].clone())
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rating_is_verified_only_by_an_install_of_the_raters_own_tenant(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let rater = actor(&pool, "Rater Co", "member").await;
    let other = actor(&pool, "Other Co", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Verified")).await;
    let version: Option<String> =
        sqlx::query_scalar("SELECT current_version FROM listings WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("version");
    let rate = format!("/api/skills/rate/{id}");

    // Another tenant's install verifies nobody else's rating.
    install_skill(&app, &other, &id).await;
    let v = app
        .expect(
            "POST",
            &rate,
            &rater.cred,
            Some(json!({"rating": 4, "review": "Looks fine"})),
            200,
        )
        .await;
    assert_eq!(verified_of(&v), (json!(false), Value::Null), "{v}");
    let page = reviews(&app, &id, "").await;
    assert_eq!(page["total"], 1);
    assert_eq!(
        verified_of(&page["reviews"][0]),
        (json!(false), Value::Null)
    );
    let page = reviews(&app, &id, "?verified_only=true").await;
    assert_eq!(
        (page["total"].clone(), page["reviews"].clone()),
        (json!(0), json!([]))
    );

    // An install after rating does not verify the rating already given...
    let teammate = colleague(&pool, &rater).await;
    install_skill(&app, &teammate, &id).await;
    assert_eq!(reviews(&app, &id, "?verified_only=true").await["total"], 0);
    // ...but a replacing PUT is judged again: the tenant has it now.
    let v = app
        .expect(
            "PUT",
            &rate,
            &rater.cred,
            Some(json!({"rating": 5, "review": "Used it: great"})),
            200,
        )
        .await;
    assert_eq!(verified_of(&v), (json!(true), json!(version)), "{v}");
    // The teammate's own rating is verified from the start.
    let v = app
        .expect(
            "POST",
            &format!("/api/public/v1/marketplace/skills/{id}/rate"),
            &teammate.cred,
            Some(json!({"rating": 3})),
            200,
        )
        .await;
    assert_eq!(v["verified_install"], true);
    let page = reviews(&app, &id, "?verified_only=true").await;
    assert_eq!(page["total"], 2);
    assert!(page["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .all(|r| r["verified_install"] == true && r["version"] == json!(version)));
    // The other tenant never rated; its install shows on nobody's review.
    let all = reviews(&app, &id, "").await;
    assert_eq!(all["total"], 2);
    // The public detail's newest reviews carry the flag too.
    let d = crate::fixtures::public_detail(&app, &id).await;
    assert_eq!(d["recent_reviews"][0]["verified_install"], true);

    // Uninstalled everywhere in the tenant: a new PUT is no longer verified.
    let installed: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM installed_skills WHERE tenant_id = $1 AND status = 'installed'",
    )
    .bind(rater.tenant_id)
    .fetch_all(&pool)
    .await
    .expect("installed");
    for copy in installed {
        app.expect(
            "DELETE",
            &format!("/api/v1/skills/private/{copy}"),
            &teammate.cred,
            None,
            200,
        )
        .await;
    }
    let v = app
        .expect("PUT", &rate, &rater.cred, Some(json!({"rating": 2})), 200)
        .await;
    assert_eq!(verified_of(&v), (json!(false), Value::Null));

    // Junk filter values are the documented 400, not a silent "all".
    app.call(
        "GET",
        &format!("/api/public/v1/marketplace/skills/{id}/reviews?verified_only=maybe"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
}

/// A skill approved, then deprecated by its publisher.
async fn deprecate(app: &TestApp, who: &Actor, id: &str, body: Value) -> crate::common::Reply {
    app.call(
        "POST",
        &format!("/api/listings/{id}/deprecate"),
        &who.cred,
        Some(body),
    )
    .await
}

fn names(page: &Value, field: &str) -> Vec<String> {
    page[field]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn deprecated_listings_leave_browse_and_search_but_still_install_with_a_warning(
    pool: PgPool,
) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Buyer", "member").await;
    let old = approved_skill(
        &app,
        &publisher,
        &operator,
        skill_body("Ledger Sync Classic"),
    )
    .await;
    let new = approved_skill(&app, &publisher, &operator, skill_body("Ledger Sync Two")).await;
    let browse = "/api/public/v1/marketplace/skills";
    assert_eq!(
        app.expect("GET", browse, &Cred::Anon, None, 200).await["total"],
        2
    );

    let r = deprecate(
        &app,
        &publisher,
        &old,
        json!({"reason": "  Superseded by Ledger Sync Two  ", "replacement_id": new}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        crate::fixtures::sorted_keys(&v),
        ["deprecated", "deprecation", "listing_id", "success"]
    );
    assert_eq!(
        (
            v["success"].clone(),
            v["listing_id"].clone(),
            v["deprecated"].clone()
        ),
        (json!(true), json!(old), json!(true))
    );
    assert_eq!(v["deprecation"]["reason"], "Superseded by Ledger Sync Two");
    assert_eq!(v["deprecation"]["replacement_id"], json!(new));
    assert!(v["deprecation"]["deprecated_at"].is_string());

    // Browse and search skip it, and the total says so.
    let page = app.expect("GET", browse, &Cred::Anon, None, 200).await;
    assert_eq!(names(&page, "skills"), ["Ledger Sync Two"]);
    assert_eq!(page["total"], 1);
    assert_eq!(page["skills"][0]["deprecated"], false);
    assert_eq!(page["skills"][0]["deprecation"], Value::Null);
    let found = app
        .expect(
            "GET",
            &format!("{browse}?query=ledger"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(names(&found, "skills"), ["Ledger Sync Two"]);
    let found = app
        .expect(
            "GET",
            "/api/skills/marketplace?query=classic",
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(found["skills"], json!([]));
    // Unless asked for, everywhere.
    let page = app
        .expect(
            "GET",
            &format!("{browse}?include_deprecated=true"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(page["total"], 2);
    let listed = page["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .find(|s| s["id"] == json!(old))
        .cloned()
        .expect("deprecated one listed");
    assert_eq!(listed["deprecated"], true);
    assert_eq!(listed["deprecation"]["replacement_id"], json!(new));
    let found = app
        .expect(
            "GET",
            "/api/skills/marketplace?query=classic&include_deprecated=true",
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(names(&found, "skills"), ["Ledger Sync Classic"]);
    assert_eq!(found["skills"][0]["deprecated"], true);
    // Details say so to everyone.
    let d = crate::fixtures::public_detail(&app, &old).await;
    assert_eq!(d["deprecated"], true);
    assert_eq!(d["deprecation"]["reason"], "Superseded by Ledger Sync Two");

    // Installs still work and warn, naming the replacement.
    let v = install_skill(&app, &buyer, &old).await;
    assert_eq!(v["status"], "installed");
    let w = &v["warnings"];
    assert_eq!(w.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(w[0]["code"], "LISTING_DEPRECATED");
    assert_eq!(w[0]["replacement_id"], json!(new));
    let message = w[0]["message"].as_str().expect("message");
    assert!(message.contains("Ledger Sync Two"), "{message}");
    let v = install_skill(&app, &buyer, &new).await;
    assert_eq!(v["warnings"], json!([]));

    // Taking it back puts it in browse again.
    let v = app
        .expect(
            "POST",
            &format!("/api/listings/{old}/undeprecate"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"success": true, "listing_id": old, "deprecated": false, "deprecation": null})
    );
    let page = app.expect("GET", browse, &Cred::Anon, None, 200).await;
    assert_eq!(page["total"], 2);
    crate::fixtures::assert_counts_match(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_publisher_deprecates_and_the_replacement_must_be_real(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let rival = actor(&pool, "Rival", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Keeper")).await;
    let reason = json!({"reason": "Old"});

    // Another tenant sees the listing but does not own it.
    deprecate(&app, &rival, &id, reason.clone())
        .await
        .assert_envelope(403, "NOT_OWNER");
    // Not even an operator: deprecation is the publisher's word.
    deprecate(&app, &operator, &id, reason.clone())
        .await
        .assert_envelope(403, "NOT_OWNER");
    app.call(
        "POST",
        &format!("/api/listings/{id}/deprecate"),
        &Cred::Anon,
        Some(reason.clone()),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
    app.call(
        "POST",
        &format!("/api/listings/{id}/undeprecate"),
        &rival.cred,
        None,
    )
    .await
    .assert_envelope(403, "NOT_OWNER");
    // Another tenant's draft is not found, not "not yours"; unknown and
    // junk ids too.
    let draft = private_skill(&app, &publisher, skill_body("Draft")).await;
    for missing in [
        draft.clone(),
        Uuid::now_v7().to_string(),
        "not-an-id".into(),
    ] {
        deprecate(&app, &rival, &missing, reason.clone())
            .await
            .assert_envelope(404, "NOT_FOUND");
    }

    // Bad replacements: none of them deprecates anything.
    let rival_skill = approved_skill(&app, &rival, &operator, skill_body("Rival Skill")).await;
    let deprecated_other = approved_skill(&app, &publisher, &operator, skill_body("Gone")).await;
    assert_eq!(
        deprecate(&app, &publisher, &deprecated_other, reason.clone())
            .await
            .status,
        200
    );
    let domain: Uuid = sqlx::query_scalar(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status) \
         VALUES ($1, 'domain', $2, 'A Domain', 'a-domain', 'approved') RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(publisher.tenant_id)
    .fetch_one(&pool)
    .await
    .expect("domain");
    for bad in [
        json!(id),               // itself
        json!(Uuid::now_v7()),   // nothing
        json!("junk"),           // not an id
        json!(draft),            // not approved
        json!(domain),           // another kind
        json!(deprecated_other), // deprecated itself
    ] {
        let v = deprecate(
            &app,
            &publisher,
            &id,
            json!({"reason": "Old", "replacement_id": bad}),
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
        assert_eq!(v["details"]["field"], "replacement_id", "{bad}: {v}");
    }
    for (bad, code) in [
        (json!({}), "MISSING_REQUIRED_FIELD"),
        (json!({"reason": "   "}), "MISSING_REQUIRED_FIELD"),
        (json!({"reason": "x".repeat(501)}), "VALIDATION_ERROR"),
        (json!({"reason": 5}), "VALIDATION_ERROR"),
    ] {
        deprecate(&app, &publisher, &id, bad)
            .await
            .assert_envelope(400, code);
    }
    assert_eq!(
        crate::fixtures::public_detail(&app, &id).await["deprecated"],
        false
    );
    // Another tenant's approved listing is a fine replacement.
    let v = app
        .expect(
            "POST",
            &format!("/api/listings/{id}/deprecate"),
            &publisher.cred,
            Some(json!({"reason": "Use the rival's", "replacement_id": rival_skill})),
            200,
        )
        .await;
    assert_eq!(v["deprecation"]["replacement_id"], json!(rival_skill));
    let entries: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'listing.deprecate' AND target_id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(entries, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_kind_carries_the_deprecation_and_its_installs_warn(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Buyer", "owner").await;
    const M: &str = "/api/v1/domains/marketplace";
    let domain = app
        .expect(
            "POST",
            "/api/v1/domains",
            &publisher.cred,
            Some(json!({"domain_name": "Sales Desk", "description": "Sales workflows", "category": "sales"})),
            201,
        )
        .await["domain_id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.expect(
        "POST",
        &format!("{M}/submit"),
        &publisher.cred,
        Some(json!({"domain_id": domain})),
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("{M}/{domain}/approve"),
        &operator.cred,
        None,
        200,
    )
    .await;
    app.expect(
        "POST",
        &format!("/api/listings/{domain}/deprecate"),
        &publisher.cred,
        Some(json!({"reason": "Moving to a new desk"})),
        200,
    )
    .await;
    let found = app
        .expect(
            "GET",
            &format!("{M}/search?q=sales"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(found, json!([]));
    let found = app
        .expect(
            "GET",
            &format!("{M}/search?q=sales&include_deprecated=true"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(found[0]["deprecated"], true);
    assert_eq!(found[0]["deprecation"]["replacement_id"], Value::Null);
    let d = app
        .expect("GET", &format!("{M}/{domain}"), &Cred::Anon, None, 200)
        .await;
    assert_eq!(d["deprecation"]["reason"], "Moving to a new desk");
    let v = app
        .expect(
            "POST",
            &format!("{M}/install"),
            &buyer.cred,
            Some(json!({"template_domain_id": domain, "custom_name": "Mine"})),
            200,
        )
        .await;
    assert_eq!(v["warnings"][0]["code"], "LISTING_DEPRECATED");
    assert_eq!(v["warnings"][0]["replacement_id"], Value::Null);
    // A domain rating says whether it is verified: the buyer installed it.
    let v = app
        .expect(
            "POST",
            &format!("{M}/{domain}/rate"),
            &buyer.cred,
            Some(json!({"rating": 4.5})),
            200,
        )
        .await;
    assert_eq!(v["verified_install"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_listings_deprecated_at_once_in_favour_of_each_other_cannot_both_win(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    for round in 0..5 {
        let a = approved_skill(
            &app,
            &publisher,
            &operator,
            skill_body(&format!("A{round}")),
        )
        .await;
        let b = approved_skill(
            &app,
            &publisher,
            &operator,
            skill_body(&format!("B{round}")),
        )
        .await;
        let (x, y) = tokio::join!(
            deprecate(
                &app,
                &publisher,
                &a,
                json!({"reason": "Use B", "replacement_id": b})
            ),
            deprecate(
                &app,
                &publisher,
                &b,
                json!({"reason": "Use A", "replacement_id": a})
            ),
        );
        let mut statuses = [x.status, y.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 400], "{} / {}", x.text, y.text);
        let loser = if x.status == 400 { &x } else { &y };
        assert_eq!(loser.json()["details"]["field"], "replacement_id");
        let cycles: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM listings l JOIN listings r ON r.id = l.replacement_id \
             WHERE r.deprecated_at IS NOT NULL",
        )
        .fetch_one(&pool)
        .await
        .expect("cycles");
        assert_eq!(cycles, 0, "a replacement that is deprecated itself");
    }
}
