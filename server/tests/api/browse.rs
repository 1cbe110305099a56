use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body, sorted_keys};
use serde_json::{json, Value};
use sqlx::PgPool;

fn names(v: &Value) -> Vec<String> {
    v["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|s| s["name"].as_str().expect("name").to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn search_filters_sorts_and_pages(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let skill =
        |name: &str, category: &str, tags: Value, skill_type: &str, price: f64, desc: &str| {
            let mut b = skill_body(name);
            b["category"] = json!(category);
            b["tags"] = tags;
            b["skill_type"] = json!(skill_type);
            b["price"] = json!(price);
            b["description"] = json!(desc);
            b
        };
    approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Data Analysis",
            "productivity",
            json!(["python", "data"]),
            "script",
            0.0,
            "Advanced data analysis with Python",
        ),
    )
    .await;
    approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Email Summarizer",
            "communication",
            json!(["email", "nlp"]),
            "api",
            9.99,
            "Summarizes long threads",
        ),
    )
    .await;
    approved_skill(
        &app,
        &publisher,
        &operator,
        skill(
            "Invoice Parser",
            "finance",
            json!(["python", "pdf"]),
            "function",
            19.0,
            "Extracts totals from invoices",
        ),
    )
    .await;
    private_skill(
        &app,
        &publisher,
        skill(
            "Secret Analysis",
            "productivity",
            json!(["python"]),
            "script",
            0.0,
            "Draft analysis tool",
        ),
    )
    .await;

    let get = |q: &str| {
        let app = &app;
        let url = format!("/api/public/v1/marketplace/skills{q}");
        async move { app.call("GET", &url, &Cred::Anon, None).await }
    };
    let all = get("").await;
    assert_eq!(all.status, 200, "{}", all.text);
    let v = all.json();
    assert_eq!(
        sorted_keys(&v),
        ["has_more", "limit", "offset", "skills", "total"]
    );
    assert_eq!(v["total"], 3, "drafts are not listed");
    assert_eq!(
        names(&v),
        ["Invoice Parser", "Email Summarizer", "Data Analysis"],
        "newest first by default"
    );
    assert_eq!(
        sorted_keys(&v["skills"][0]),
        [
            "category",
            "created_at",
            "deprecated",
            "deprecation",
            "description",
            "id",
            "installs",
            "is_free",
            "name",
            "origin",
            "price",
            "rating",
            "rating_count",
            "skill_type",
            "tags"
        ]
    );

    // Full text, and a misspelt word still finds it.
    assert_eq!(
        names(&get("?query=analysis").await.json()),
        ["Data Analysis"]
    );
    assert_eq!(
        names(&get("?query=analisys").await.json()),
        ["Data Analysis"]
    );
    assert_eq!(
        names(&get("?query=summarize").await.json()),
        ["Email Summarizer"]
    );
    assert_eq!(get("?query=zzzzqqq").await.json()["total"], 0);
    // Filters combine with AND; tags means all of them.
    assert_eq!(names(&get("?tags=python").await.json()).len(), 2);
    assert_eq!(
        names(&get("?tags=python,pdf").await.json()),
        ["Invoice Parser"]
    );
    assert_eq!(
        names(&get("?category=finance").await.json()),
        ["Invoice Parser"]
    );
    assert_eq!(
        names(&get("?skill_type=api").await.json()),
        ["Email Summarizer"]
    );
    assert_eq!(names(&get("?is_free=true").await.json()), ["Data Analysis"]);
    assert_eq!(
        names(&get("?sort_by=price&sort_order=asc").await.json()),
        ["Data Analysis", "Email Summarizer", "Invoice Parser"]
    );
    assert_eq!(
        names(&get("?sort_by=name&sort_order=asc").await.json()),
        ["Data Analysis", "Email Summarizer", "Invoice Parser"]
    );
    // Pagination: exact total and has_more.
    let p = get("?limit=2&offset=0&sort_by=name&sort_order=asc")
        .await
        .json();
    assert_eq!(
        (p["total"].clone(), p["has_more"].clone()),
        (json!(3), json!(true))
    );
    let p = get("?limit=2&offset=2&sort_by=name&sort_order=asc")
        .await
        .json();
    assert_eq!(names(&p), ["Invoice Parser"]);
    assert_eq!(p["has_more"], false);

    // Documented errors.
    let v = get("?sort_by=coolness")
        .await
        .assert_envelope(400, "INVALID_ENUM_VALUE");
    assert_eq!(
        v["details"]["allowed_values"],
        json!([
            "popularity",
            "rating",
            "created_at",
            "updated_at",
            "name",
            "price",
            "trending"
        ])
    );
    let v = get("?limit=101")
        .await
        .assert_envelope(400, "INVALID_LIMIT");
    assert_eq!(v["message"], "Maximum limit is 100");
    get("?limit=0").await.assert_envelope(400, "INVALID_LIMIT");
    get("?offset=-1")
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    get("?limit=abc")
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    get("?skill_type=webhook")
        .await
        .assert_envelope(400, "INVALID_ENUM_VALUE");

    // Categories and tags with counts.
    let c = app
        .call(
            "GET",
            "/api/public/v1/marketplace/categories",
            &Cred::Anon,
            None,
        )
        .await
        .json();
    let mut cats: Vec<String> = serde_json::from_value(c["categories"].clone()).expect("cats");
    cats.sort();
    assert_eq!(cats, ["communication", "finance", "productivity"]);
    let t = app
        .call("GET", "/api/public/v1/marketplace/tags", &Cred::Anon, None)
        .await
        .json();
    assert_eq!(t["tags"][0], json!({"name": "python", "count": 2}));

    // The authenticated browse shows the caller's own drafts too? No: the
    // marketplace lists approved skills only.
    let b = app
        .call(
            "GET",
            "/api/skills/marketplace?query=analysis",
            &publisher.cred,
            None,
        )
        .await
        .json();
    assert_eq!(names(&b), ["Data Analysis"]);
    app.call("GET", "/api/skills/marketplace", &Cred::Anon, None)
        .await
        .assert_envelope(401, "AUTH_REQUIRED");
    crate::fixtures::assert_counts_match(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn bayesian_rating_and_trending_sorts(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let many = approved_skill(&app, &publisher, &operator, skill_body("Forty Ratings")).await;
    let one = approved_skill(&app, &publisher, &operator, skill_body("One Rating")).await;
    // Counters as forty 4.8 ratings and one 5.0 would leave them.
    for (id, sum, count) in [(&many, 192.0, 40), (&one, 5.0, 1)] {
        sqlx::query(
            "UPDATE listings SET rating_sum = $2::numeric, rating_count = $3 WHERE id = $1::uuid",
        )
        .bind(id)
        .bind(sum)
        .bind(count)
        .execute(&pool)
        .await
        .expect("seed ratings");
    }
    let v = app
        .call(
            "GET",
            "/api/public/v1/marketplace/skills?sort_by=rating",
            &Cred::Anon,
            None,
        )
        .await
        .json();
    assert_eq!(names(&v), ["Forty Ratings", "One Rating"]);
    assert_eq!(v["skills"][1]["rating"], 5.0);

    // Trending counts recent installs: three tenants install "One Rating".
    for i in 0..3 {
        let buyer = actor(&pool, &format!("Buyer {i}"), "member").await;
        let r = app
            .call(
                "POST",
                "/api/skills/install",
                &buyer.cred,
                Some(json!({"skill_id": one})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let v = app
        .call(
            "GET",
            "/api/public/v1/marketplace/skills?sort_by=trending",
            &Cred::Anon,
            None,
        )
        .await
        .json();
    assert_eq!(names(&v), ["One Rating", "Forty Ratings"]);
    let v = app
        .call(
            "GET",
            "/api/public/v1/marketplace/skills?sort_by=popularity",
            &Cred::Anon,
            None,
        )
        .await
        .json();
    assert_eq!(v["skills"][0]["installs"], 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn versions_history_and_rollback_restore_fields(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let other = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = private_skill(&app, &publisher, skill_body("Versioned")).await;

    let r = app
        .call("POST", &format!("/api/skills/version?skill_id={id}&version_name=v1.0.0&description=Initial%20release"), &publisher.cred, None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(sorted_keys(&v), ["success", "version_id", "version_name"]);
    let v1 = v["version_id"].as_str().expect("version").to_owned();
    app.call(
        "POST",
        &format!("/api/skills/version?skill_id={id}&version_name=v1.0.0"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(409, "DUPLICATE_ENTRY");
    app.call(
        "POST",
        &format!("/api/skills/version?skill_id={id}&version_name=bad%20name!"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_VERSION");
    app.call(
        "POST",
        &format!("/api/skills/version?skill_id={id}"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(400, "MISSING_REQUIRED_FIELD");

    // Publishing changes fields; approval makes it visible.
    app.call(
        "POST",
        "/api/skills/publish",
        &publisher.cred,
        Some(json!({"skill_id": id, "price": 49.0, "category": "finance", "long_description": "v2 docs"})),
    )
    .await;
    app.call(
        "POST",
        &format!("/api/skills/approve/{id}"),
        &operator.cred,
        None,
    )
    .await;
    let d = app
        .call("GET", &format!("/api/skills/{id}"), &other.cred, None)
        .await
        .json();
    assert_eq!(
        (d["price"].clone(), d["category"].clone()),
        (json!(49.0), json!("finance"))
    );

    let h = app
        .call(
            "GET",
            &format!("/api/skills/history/{id}"),
            &other.cred,
            None,
        )
        .await;
    assert_eq!(h.status, 200, "{}", h.text);
    let hv = h.json();
    assert_eq!(sorted_keys(&hv), ["history", "success"]);
    assert_eq!(
        sorted_keys(&hv["history"][0]),
        ["created_at", "description", "version_id", "version_name"]
    );
    assert_eq!(hv["history"][0]["description"], "Initial release");

    // Only the owner rolls back; the snapshot's fields come back.
    app.call(
        "POST",
        &format!("/api/skills/rollback/{id}?version_id={v1}"),
        &other.cred,
        None,
    )
    .await
    .assert_envelope(403, "NOT_OWNER");
    let r = app
        .call(
            "POST",
            &format!("/api/skills/rollback/{id}?version_id={v1}"),
            &publisher.cred,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"success": true, "message": format!("Skill {id} rolled back to version {v1}")})
    );
    // The skill is approved: the rollback waits for an operator.
    let d = app
        .call("GET", &format!("/api/skills/{id}"), &other.cred, None)
        .await
        .json();
    assert_eq!(d["price"], 49.0);
    app.call(
        "POST",
        &format!("/api/skills/approve/{id}"),
        &operator.cred,
        None,
    )
    .await;
    let d = app
        .call("GET", &format!("/api/skills/{id}"), &other.cred, None)
        .await
        .json();
    assert_eq!(
        (
            d["price"].clone(),
            d["category"].clone(),
            d["long_description"].clone()
        ),
        (json!(0.0), json!("productivity"), json!(""))
    );
    assert_eq!(d["version"], "v1.0.0");
    app.call(
        "POST",
        &format!(
            "/api/skills/rollback/{id}?version_id={}",
            uuid::Uuid::now_v7()
        ),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(404, "NOT_FOUND");

    // Many at once: visible ones, in order; hidden ones listed as missing.
    let hidden = private_skill(&app, &publisher, skill_body("Hidden")).await;
    let m = app
        .call(
            "GET",
            &format!("/api/skills?ids={id},{hidden},nope"),
            &other.cred,
            None,
        )
        .await;
    assert_eq!(m.status, 200, "{}", m.text);
    let mv = m.json();
    assert_eq!(mv["skills"].as_array().expect("skills").len(), 1);
    assert_eq!(mv["missing"], json!([hidden, "nope"]));
    assert!(
        mv["skills"][0]["config_schema"].is_null() || mv["skills"][0]["config_schema"].is_object()
    );
    crate::fixtures::assert_counts_match(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn private_marketplace_lists_own_and_installed(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let shared = approved_skill(&app, &publisher, &operator, skill_body("Shared Tool")).await;
    private_skill(&app, &buyer, skill_body("Buyer Own")).await;
    app.call(
        "POST",
        "/api/v1/skills/private/install",
        &buyer.cred,
        Some(json!({"marketplace_skill_id": shared})),
    )
    .await;

    let r = app
        .call("GET", "/api/v1/skills/private", &buyer.cred, None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["limit", "offset", "skills", "success", "total"]
    );
    assert_eq!(v["total"], 2);
    assert_eq!(names(&v), ["Buyer Own", "Shared Tool"]);
    assert_eq!(
        sorted_keys(&v["skills"][0]),
        [
            "category",
            "created_at",
            "description",
            "id",
            "is_installed",
            "is_own",
            "name",
            "rating",
            "skill_type"
        ]
    );
    assert_eq!(
        (
            v["skills"][0]["is_own"].clone(),
            v["skills"][1]["is_installed"].clone()
        ),
        (json!(true), json!(true))
    );
    let v = app
        .call(
            "GET",
            "/api/v1/skills/private?is_installed=true",
            &buyer.cred,
            None,
        )
        .await
        .json();
    assert_eq!(names(&v), ["Shared Tool"]);
    let v = app
        .call(
            "GET",
            "/api/v1/skills/private?sort_by=name&sort_order=desc",
            &buyer.cred,
            None,
        )
        .await
        .json();
    assert_eq!(names(&v), ["Shared Tool", "Buyer Own"]);
    app.call(
        "GET",
        "/api/v1/skills/private?sort_by=nope",
        &buyer.cred,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");
    // Another tenant sees none of it.
    let v = app
        .call("GET", "/api/v1/skills/private", &operator.cred, None)
        .await
        .json();
    assert_eq!(v["total"], 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn public_submit_needs_a_key_or_token_and_goes_to_review(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let mut body = skill_body("Submitted");
    body["python_packages"] = json!([{"name": "requests", "version": "2.28.0"}]);
    body["license"] = json!("MIT");
    let r = app
        .call(
            "POST",
            "/api/public/v1/marketplace/submit",
            &publisher.cred,
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        ["message", "skill_id", "status", "success"]
    );
    assert_eq!(v["status"], "pending_approval");
    let queued: String = sqlx::query_scalar("SELECT status FROM listings WHERE id = $1::uuid")
        .bind(v["skill_id"].as_str().expect("id"))
        .fetch_one(&pool)
        .await
        .expect("row");
    assert_eq!(queued, "pending_approval");
    let account = app.signup("Browser", "b@browser.test").await;
    body["name"] = json!("Via cookie");
    app.call(
        "POST",
        "/api/public/v1/marketplace/submit",
        &Cred::Cookie(account.cookie),
        Some(body),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
}

/// Keyset paging: following the `Link: rel="next"` cursor walks the same
/// rows as offsets, newest first, with the whole total on every page.
#[sqlx::test(migrations = "../migrations")]
async fn cursor_pages_walk_the_catalog_like_offsets(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    for i in 0..7 {
        approved_skill(
            &app,
            &publisher,
            &operator,
            skill_body(&format!("Cursor Skill {i}")),
        )
        .await;
    }
    let url = "/api/public/v1/marketplace/skills?sort_by=created_at&limit=3";
    let by_offset: Vec<String> = {
        let mut out = Vec::new();
        for offset in [0, 3, 6] {
            out.extend(names(
                &app.get(&format!("{url}&offset={offset}")).await.json(),
            ));
        }
        out
    };
    let mut by_cursor = Vec::new();
    let mut reply = app.get(url).await;
    loop {
        let page = reply.json();
        assert_eq!(page["total"], 7, "{page}");
        assert_eq!(
            sorted_keys(&page),
            ["has_more", "limit", "offset", "skills", "total"]
        );
        by_cursor.extend(names(&page));
        let next = reply
            .headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .map(|l| {
                l.trim_start_matches('<')
                    .split('>')
                    .next()
                    .expect("link target")
                    .to_owned()
            });
        match next {
            Some(target) => reply = app.get(&target).await,
            None => break,
        }
    }
    assert_eq!(by_cursor, by_offset);
    assert_eq!(by_cursor.len(), 7);
    // Anything but a cursor this API wrote is refused.
    for bad in [
        "abc",
        "1.00000000-0000-0000-0000-00000000000G",
        "17640000000000000000.00000000-0000-0000-0000-000000000000",
    ] {
        app.get(&format!("{url}&cursor={bad}"))
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
    }
}

/// The `Link` cursor carries the page's filters: following it walks the
/// filtered result set, not the whole catalog (it once kept only the
/// cursor, limit and order, and an SDK's `iter_all` over a category
/// returned every skill).
#[sqlx::test(migrations = "../migrations")]
async fn cursor_pages_keep_the_filters(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    for i in 0..5 {
        let mut body = skill_body(&format!("Filtered Skill {i}"));
        body["category"] = json!(if i % 2 == 0 { "finance" } else { "sales" });
        approved_skill(&app, &publisher, &operator, body).await;
    }
    let mut seen = Vec::new();
    let mut target = "/api/public/v1/marketplace/skills?category=finance&limit=1".to_owned();
    for _ in 0..10 {
        let reply = app.get(&target).await;
        let page = reply.json();
        assert_eq!(page["total"], 3, "{page}");
        seen.extend(names(&page));
        let Some(link) = reply.header("link") else {
            break;
        };
        assert!(link.contains("category=finance"), "{link}");
        target = link
            .trim_start_matches('<')
            .split('>')
            .next()
            .expect("link target")
            .to_owned();
    }
    seen.sort();
    assert_eq!(
        seen,
        ["Filtered Skill 0", "Filtered Skill 2", "Filtered Skill 4"]
    );
}
