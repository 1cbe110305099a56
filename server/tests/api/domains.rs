use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, sorted_keys, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

const M: &str = "/api/v1/domains/marketplace";

async fn draft_domain(app: &TestApp, owner: &Actor, name: &str) -> String {
    let v = app
        .expect(
            "POST",
            "/api/v1/domains",
            &owner.cred,
            Some(json!({"domain_name": name, "description": format!("{name} workflows"), "category": "sales"})),
            201,
        )
        .await;
    assert_eq!(v["status"], "draft");
    v["domain_id"].as_str().expect("domain_id").to_owned()
}

async fn stats(app: &TestApp) -> Value {
    app.expect("GET", &format!("{M}/stats"), &Cred::Anon, None, 200)
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn domain_lifecycle_moves_the_stats(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let s = stats(&app).await;
    assert_eq!(
        sorted_keys(&s),
        [
            "approved_domains",
            "pending_domains",
            "total_domains",
            "total_installs"
        ]
    );
    assert_eq!(
        s,
        json!({"total_domains": 0, "approved_domains": 0, "pending_domains": 0, "total_installs": 0})
    );

    let id = draft_domain(&app, &publisher, "Sales Automation").await;
    let submit = json!({"domain_id": id, "price_usd": 29.99, "license_type": "MIT", "tags": ["sales", "crm", "automation"]});
    let v = app
        .expect(
            "POST",
            &format!("{M}/submit"),
            &publisher.cred,
            Some(submit.clone()),
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"success": true, "domain_id": id, "status": "pending_approval", "price_usd": 29.99, "license_type": "MIT"})
    );
    app.call(
        "POST",
        &format!("{M}/submit"),
        &publisher.cred,
        Some(submit),
    )
    .await
    .assert_envelope(409, "ALREADY_PUBLISHED");
    assert_eq!(stats(&app).await["pending_domains"], 1);
    assert_eq!(stats(&app).await["total_domains"], 1);

    // Only operators approve: the reference's "TODO: Admin check".
    app.call("POST", &format!("{M}/{id}/approve"), &publisher.cred, None)
        .await
        .assert_envelope(403, "FORBIDDEN");
    app.call("GET", &format!("{M}/{id}"), &Cred::Anon, None)
        .await
        .assert_envelope(404, "DOMAIN_NOT_FOUND");
    let v = app
        .expect(
            "POST",
            &format!("{M}/{id}/approve"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"success": true, "domain_id": id, "status": "approved"})
    );
    let s = stats(&app).await;
    assert_eq!(
        (s["approved_domains"].clone(), s["pending_domains"].clone()),
        (json!(1), json!(0))
    );

    let mine = app
        .expect(
            "GET",
            &format!("{M}/my-submissions"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&mine[0]),
        [
            "domain_id",
            "domain_name",
            "install_count",
            "price_usd",
            "rating_average",
            "status"
        ]
    );
    assert_eq!(mine[0]["status"], "approved");
    assert_eq!(
        app.expect(
            "GET",
            &format!("{M}/my-submissions"),
            &buyer.cred,
            None,
            200
        )
        .await,
        json!([])
    );

    // Anonymous details, with slug.
    let d = app
        .expect("GET", &format!("{M}/{id}"), &Cred::Anon, None, 200)
        .await;
    assert_eq!(
        sorted_keys(&d),
        [
            "category",
            "deprecated",
            "deprecation",
            "description",
            "domain_name",
            "domain_slug",
            "id",
            "install_count",
            "license_type",
            "origin",
            "price_usd",
            "publisher_tenant_id",
            "rating_average",
            "rating_count",
            "tags"
        ]
    );
    assert_eq!(d["domain_slug"], "sales-automation");
    assert_eq!(d["tags"], json!(["sales", "crm", "automation"]));

    // Install with a custom name: a domain of the buyer's tenant.
    let body = json!({"template_domain_id": id, "custom_name": "My Sales Domain"});
    let v = app
        .expect(
            "POST",
            &format!("{M}/install"),
            &buyer.cred,
            Some(body.clone()),
            200,
        )
        .await;
    assert_eq!(
        sorted_keys(&v),
        [
            "domain_id",
            "domain_name",
            "success",
            "template_id",
            "warnings"
        ]
    );
    assert_eq!(
        (v["domain_name"].clone(), v["template_id"].clone()),
        (json!("My Sales Domain"), json!(id))
    );
    let list = app
        .expect("GET", "/api/v1/domains", &buyer.cred, None, 200)
        .await;
    assert_eq!(list["domains"][0]["name"], "My Sales Domain");
    assert_eq!(list["domains"][0]["template_id"], json!(id));
    app.call("POST", &format!("{M}/install"), &buyer.cred, Some(body))
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    app.expect(
        "POST",
        &format!("{M}/install"),
        &buyer.cred,
        Some(json!({"template_domain_id": id, "custom_name": "Second copy"})),
        200,
    )
    .await;
    // The tenant counts once.
    assert_eq!(stats(&app).await["total_installs"], 1);
    app.call(
        "POST",
        &format!("{M}/install"),
        &Cred::Anon,
        Some(json!({"template_domain_id": id})),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
}

#[sqlx::test(migrations = "../migrations")]
async fn domains_rate_in_halves_search_and_trend(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let mut ids = Vec::new();
    for (name, price, tags) in [
        ("Sales Automation", 29.99, vec!["sales", "crm"]),
        ("Support Desk", 9.0, vec!["support"]),
        ("Marketing Engine", 49.0, vec!["sales", "marketing"]),
    ] {
        let id = draft_domain(&app, &publisher, name).await;
        app.expect(
            "POST",
            &format!("{M}/submit"),
            &publisher.cred,
            Some(json!({"domain_id": id, "price_usd": price, "tags": tags})),
            200,
        )
        .await;
        app.expect(
            "POST",
            &format!("{M}/{id}/approve"),
            &operator.cred,
            None,
            200,
        )
        .await;
        ids.push(id);
    }
    let raters = [
        actor(&pool, "R1", "member").await,
        actor(&pool, "R2", "member").await,
    ];
    let v = app
        .expect(
            "POST",
            &format!("{M}/{}/rate", ids[0]),
            &raters[0].cred,
            Some(json!({"rating": 4.5})),
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"success": true, "domain_id": ids[0], "rating": 4.5, "new_average": 4.5, "total_ratings": 1, "verified_install": false, "version": null})
    );
    let v = app
        .expect(
            "POST",
            &format!("{M}/{}/rate", ids[0]),
            &raters[1].cred,
            Some(json!({"rating": 4})),
            200,
        )
        .await;
    assert_eq!(
        (v["new_average"].clone(), v["total_ratings"].clone()),
        (json!(4.25), json!(2))
    );
    app.call(
        "POST",
        &format!("{M}/{}/rate", ids[0]),
        &raters[1].cred,
        Some(json!({"rating": 3.5})),
    )
    .await
    .assert_envelope(409, "RATING_EXISTS");
    let v = app
        .expect(
            "PUT",
            &format!("{M}/{}/rate", ids[0]),
            &raters[1].cred,
            Some(json!({"rating": 3.5})),
            200,
        )
        .await;
    assert_eq!(v["new_average"], 4.0);
    for bad in [4.25, 0.5, 5.5] {
        app.call(
            "POST",
            &format!("{M}/{}/rate", ids[1]),
            &raters[0].cred,
            Some(json!({"rating": bad})),
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    }

    // Search: text (with a typo), tags, price; anonymous.
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|d| d["domain_name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let v = app
        .expect(
            "GET",
            &format!("{M}/search?q=automaton"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(names(&v), ["Sales Automation"]);
    let v = app
        .expect(
            "GET",
            &format!("{M}/search?tags=sales&max_price=30"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(names(&v), ["Sales Automation"]);
    let v = app
        .expect(
            "GET",
            &format!("{M}/search?limit=2"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    for bad in ["limit=0", "limit=101"] {
        app.call("GET", &format!("{M}/search?{bad}"), &Cred::Anon, None)
            .await
            .assert_envelope(400, "INVALID_LIMIT");
    }

    // Trending follows recent installs.
    for (i, who) in raters.iter().enumerate() {
        app.expect(
            "POST",
            &format!("{M}/install"),
            &who.cred,
            Some(json!({"template_domain_id": ids[2], "custom_name": format!("M{i}")})),
            200,
        )
        .await;
    }
    app.expect(
        "POST",
        &format!("{M}/install"),
        &raters[0].cred,
        Some(json!({"template_domain_id": ids[1]})),
        200,
    )
    .await;
    let v = app
        .expect(
            "GET",
            &format!("{M}/trending?limit=2"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(names(&v), ["Marketing Engine", "Support Desk"]);
    assert_eq!(
        sorted_keys(&v[0]),
        ["domain_name", "id", "install_count", "rating_average"]
    );
    app.call("GET", &format!("{M}/trending?limit=51"), &Cred::Anon, None)
        .await
        .assert_envelope(400, "INVALID_LIMIT");
}
