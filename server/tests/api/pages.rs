use crate::common::TestApp;
use axum::{body::Body, http::Request};
use sqlx::PgPool;
use uuid::Uuid;

async fn seed_listing(pool: &PgPool, kind: &str, name: &str, category: &str, status: &str) {
    let tenant = Uuid::now_v7();
    sqlx::query("INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(tenant)
        .bind(format!("Tenant {name}"))
        .bind(format!("t-{}", tenant.simple()))
        .execute(pool)
        .await
        .expect("tenant");
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, category, status) \
         VALUES ($1, $2, $3, $4, $4, $5, $6)",
    )
    .bind(Uuid::now_v7())
    .bind(kind)
    .bind(tenant)
    .bind(name)
    .bind(category)
    .bind(status)
    .execute(pool)
    .await
    .expect("listing");
}

#[sqlx::test(migrations = "../migrations")]
async fn server_fn_reads_the_catalog_from_postgres(pool: PgPool) {
    seed_listing(&pool, "skill", "Alpha", "productivity", "approved").await;
    seed_listing(&pool, "skill", "Beta", "productivity", "approved").await;
    seed_listing(&pool, "domain", "Gamma", "sales", "approved").await;
    // Not approved: must not be counted.
    seed_listing(
        &pool,
        "skill",
        "Hidden",
        "secret-category",
        "pending_approval",
    )
    .await;
    let app = TestApp::new(pool).await;
    let r = app
        .send(
            Request::post("/sfn/catalog/summary")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["total"], 3);
    let kinds = v["kinds"].as_array().expect("kinds");
    assert_eq!(kinds.len(), 5);
    let skill = kinds
        .iter()
        .find(|k| k["kind"] == "skill")
        .expect("skill count");
    assert_eq!(skill["count"], 2);
    let cats = v["categories"].as_array().expect("categories");
    assert_eq!(cats[0]["category"], "productivity");
    assert_eq!(cats[0]["count"], 2);
    assert!(!r.text.contains("secret-category"));
}

#[sqlx::test(migrations = "../migrations")]
async fn home_page_is_server_rendered_with_hydration_script(pool: PgPool) {
    seed_listing(&pool, "skill", "Alpha", "productivity", "approved").await;
    let app = TestApp::new(pool).await;
    let r = app.get("/").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/html")));
    assert!(r.text.contains("Everything your agents need"));
    assert!(r.text.contains("/pkg/marketplace.css"));
    assert!(r.text.contains("/pkg/marketplace.js"), "hydration script");
    // The resource resolved on the server: the category is in the HTML.
    assert!(r.text.contains("productivity"), "SSR data: {}", r.text);
    assert!(r.text.contains("<title>Browse · Agent Marketplace</title>"));
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_page_is_a_404_html_page(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/no-such-page").await;
    assert_eq!(r.status, 404);
    assert!(r.text.contains("Page not found"));
}

#[sqlx::test(migrations = "../migrations")]
async fn form_posts_without_javascript_redirect_back_with_the_error(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .send(
            Request::post("/sfn/account/login")
                .header("host", crate::common::HOST)
                .header("origin", crate::common::ORIGIN)
                .header("referer", "http://marketplace.test/login")
                .header("accept", "text/html,application/xhtml+xml")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("email=a%40b.test&password=wrongwrong&next="))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, 302, "{}", r.text);
    let location = r.header("location").expect("location");
    assert!(
        location
            .starts_with("http://marketplace.test/login?__path=%2Fsfn%2Faccount%2Flogin&__err="),
        "{location}"
    );

    // The same call from the hydrated page (no text/html) carries the status.
    let r = app
        .send(
            Request::post("/sfn/account/login")
                .header("host", crate::common::HOST)
                .header("origin", crate::common::ORIGIN)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("email=a%40b.test&password=wrongwrong"))
                .expect("request"),
        )
        .await;
    r.assert_envelope(401, "INVALID_CREDENTIALS");
}

#[sqlx::test(migrations = "../migrations")]
async fn catalog_pages_render_on_the_server_and_escape_user_text(pool: PgPool) {
    use crate::common::Cred;
    use crate::fixtures::{actor, approved_skill, skill_body};
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let mut body = skill_body("<script>alert('x')</script> Parser");
    body["description"] = serde_json::json!("<img src=x onerror=alert(1)> reads invoices");
    body["long_description"] = serde_json::json!("<script>document.cookie</script>");
    let id = approved_skill(&app, &publisher, &operator, body).await;

    let list = app.call("GET", "/skills?q=parser", &Cred::Anon, None).await;
    assert_eq!(list.status, 200);
    assert!(
        list.text
            .contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Parser")
            || list
                .text
                .contains("&lt;script&gt;alert('x')&lt;/script&gt; Parser"),
        "escaped name in {}",
        list.text
    );
    assert!(
        !list.text.contains("<script>alert("),
        "raw script tag in SSR HTML"
    );
    assert!(!list.text.contains("<img src=x"), "raw img tag in SSR HTML");

    let detail = app
        .call("GET", &format!("/skills/{id}"), &Cred::Anon, None)
        .await;
    assert_eq!(detail.status, 200);
    assert!(
        !detail.text.contains("<script>document.cookie"),
        "raw long description"
    );
    assert!(
        !detail.text.contains("document.cookie"),
        "the script is sanitised away, not just escaped"
    );
    assert!(detail.text.contains("Ratings and reviews"));

    let missing = app
        .call(
            "GET",
            &format!("/skills/{}", uuid::Uuid::now_v7()),
            &Cred::Anon,
            None,
        )
        .await;
    assert!(missing.text.contains("Skill not found or not approved"));
}

#[sqlx::test(migrations = "../migrations")]
async fn security_headers_on_pages_and_api(pool: PgPool) {
    use crate::common::Cred;
    let app = TestApp::new(pool).await;
    for uri in ["/", "/skills", "/api/health", "/api/nowhere"] {
        let r = app.call("GET", uri, &Cred::Anon, None).await;
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{uri}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{uri}");
        assert_eq!(
            r.header("referrer-policy"),
            Some("strict-origin-when-cross-origin"),
            "{uri}"
        );
        let csp = r.header("content-security-policy").expect("CSP");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
            "{uri}: {csp}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_kind_has_browse_and_detail_pages(pool: PgPool) {
    for (kind, name) in [
        ("agent_template", "Sales Assistant"),
        ("domain", "Sales Automation"),
        ("canvas_component", "Data Table"),
        ("workflow_template", "Daily Email Summarizer"),
    ] {
        seed_listing(&pool, kind, name, "sales", "approved").await;
        seed_listing(&pool, kind, &format!("{name} draft"), "sales", "draft").await;
    }
    let app = TestApp::new(pool.clone()).await;
    for (kind, path, name) in [
        ("agent_template", "/agents", "Sales Assistant"),
        ("domain", "/domains", "Sales Automation"),
        ("canvas_component", "/components", "Data Table"),
        ("workflow_template", "/workflows", "Daily Email Summarizer"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.text.contains(name), "{path} lists {name}");
        assert!(
            !r.text.contains(&format!("{name} draft")),
            "{path} hides drafts"
        );
        assert!(r.text.contains("1 "), "{path} counts one result");
        let id: Uuid = sqlx::query_scalar("SELECT id FROM listings WHERE kind = $1 AND name = $2")
            .bind(kind)
            .bind(name)
            .fetch_one(&pool)
            .await
            .expect("id");
        assert!(
            r.text.contains(&format!("href=\"{path}/{id}\"")),
            "{path} links its cards"
        );
        let d = app.get(&format!("{path}/{id}")).await;
        assert_eq!(d.status, 200, "{path}/{id}");
        assert!(
            d.text
                .contains(&format!("<title>{name} · Agent Marketplace</title>")),
            "{}",
            &d.text[..400.min(d.text.len())]
        );
        // A listing of another kind is not found under this path.
        let other: Uuid = sqlx::query_scalar(
            "SELECT id FROM listings WHERE kind <> $1 AND status = 'approved' LIMIT 1",
        )
        .bind(kind)
        .fetch_one(&pool)
        .await
        .expect("other");
        assert_eq!(
            app.get(&format!("{path}/{other}")).await.status,
            404,
            "{path}/{other}"
        );
    }
}

/// An XSS corpus in every user-supplied text field of every kind (names,
/// descriptions, tags, categories, markdown, reviews, publisher responses):
/// no payload reaches the SSR HTML as markup.
#[sqlx::test(migrations = "../migrations")]
async fn xss_corpus_never_reaches_pages_as_markup(pool: PgPool) {
    use crate::common::Cred;
    use crate::fixtures::actor;
    use serde_json::json;
    const CORPUS: [&str; 8] = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "\"><svg onload=alert(3)>",
        "javascript:alert(4)",
        "<a href=\"javascript:alert(5)\">x</a>",
        "</title><script>alert(6)</script>",
        "<iframe src=//evil.test>",
        "'';!--\"<XSS>=&{()}",
    ];
    // What must never appear in the HTML, whatever the escaping style.
    const RAW: [&str; 7] = [
        "<script>alert(",
        "<img src=x",
        "<svg onload",
        "<a href=\"javascript:",
        "</title><script>",
        "<iframe src=//evil",
        "<XSS>",
    ];
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let rater = actor(&pool, "Raters", "member").await;
    for (i, payload) in CORPUS.iter().enumerate() {
        // A skill through the API, with the payload in every text field.
        let mut body = crate::fixtures::skill_body(&format!("{payload} skill {i}"));
        body["description"] = json!(format!("{payload} description"));
        body["long_description"] = json!(format!(
            "# {payload}\n\n{payload} [link](javascript:alert(7))"
        ));
        body["category"] = json!(format!("{payload} cat"));
        body["tags"] = json!([payload.chars().take(40).collect::<String>()]);
        let id = crate::fixtures::approved_skill(&app, &publisher, &operator, body).await;
        app.expect(
            "POST",
            &format!("/api/skills/rate/{id}"),
            &rater.cred,
            Some(json!({"rating": 4, "review": format!("{payload} review")})),
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
            "PUT",
            &format!("/api/reviews/{review}/response"),
            &publisher.cred,
            Some(json!({"response": format!("{payload} response")})),
            200,
        )
        .await;
        // A listing of every other kind with the payload in its name and description.
        for kind in [
            "agent_template",
            "domain",
            "canvas_component",
            "workflow_template",
        ] {
            sqlx::query(
                "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, category, tags, status) \
                 VALUES (gen_random_uuid(), $1, $2, $3, 'x', $4, $5, $6, 'approved')",
            )
            .bind(kind)
            .bind(publisher.tenant_id)
            .bind(format!("{payload} {kind} {i}"))
            .bind(format!("{payload} description"))
            .bind(format!("{payload} cat"))
            .bind(vec![payload.chars().take(40).collect::<String>()])
            .execute(&pool)
            .await
            .expect("listing");
        }
    }
    let ids: Vec<(String, String)> = sqlx::query_as("SELECT kind, id::text FROM listings")
        .fetch_all(&pool)
        .await
        .expect("ids");
    let mut pages = vec!["/".to_owned()];
    for kind in ["skills", "agents", "domains", "components", "workflows"] {
        pages.push(format!("/{kind}"));
        pages.push(format!("/{kind}?q=alert"));
    }
    for (kind, id) in &ids {
        let path = match kind.as_str() {
            "skill" => "skills",
            "agent_template" => "agents",
            "domain" => "domains",
            "canvas_component" => "components",
            _ => "workflows",
        };
        pages.push(format!("/{path}/{id}"));
    }
    for page in &pages {
        let r = app.call("GET", page, &Cred::Anon, None).await;
        assert_eq!(r.status, 200, "{page}");
        for raw in RAW {
            if let Some(at) = r.text.find(raw) {
                let from = at.saturating_sub(200);
                panic!(
                    "{page} carries {raw:?} unescaped: …{}…",
                    &r.text[from..(at + 100).min(r.text.len())]
                );
            }
        }
    }
    eprintln!(
        "xss corpus: {} payloads x {} pages, 0 unescaped",
        CORPUS.len(),
        pages.len()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn browse_server_function_takes_a_kind_and_an_empty_request(pool: PgPool) {
    seed_listing(
        &pool,
        "workflow_template",
        "Daily Digest",
        "productivity",
        "approved",
    )
    .await;
    seed_listing(&pool, "skill", "Not a workflow", "productivity", "approved").await;
    let app = TestApp::new(pool).await;
    // What the hydrated page sends for an unfiltered browse: the kind only.
    let r = app
        .send(
            Request::post("/sfn/catalog/browse")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("kind=workflow_template"))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["name"], "Daily Digest");
}

/// The publish page's second form keeps each kind's own fields: a
/// component's code and config schema, a workflow template's steps and
/// inputs; broken JSON is refused on its field and stores nothing.
#[sqlx::test(migrations = "../migrations")]
async fn publish_form_stores_the_fields_of_each_kind(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let account = app.signup("Studio", "studio@publish.test").await;
    let post = |body: &'static str| {
        Request::post("/sfn/studio/publish-other")
            .header("host", crate::common::HOST)
            .header("origin", crate::common::ORIGIN)
            .header("cookie", account.cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request")
    };
    let r = app
        .send(post(
            "kind=canvas_component&name=Gauge&description=A+dial&category=charts&tags=kpi&price=\
             &component_type=chart&code=export+default+1&config_schema=%7B%22type%22%3A%22object%22%7D\
             &input_schema=&steps=",
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (status, code, schema): (String, String, serde_json::Value) = sqlx::query_as(
        "SELECT status, spec->>'code', spec->'config_schema' FROM listings WHERE name = 'Gauge'",
    )
    .fetch_one(&pool)
    .await
    .expect("component row");
    assert_eq!(
        (status.as_str(), code.as_str(), schema),
        (
            "pending_approval",
            "export default 1",
            serde_json::json!({"type": "object"})
        )
    );

    let r = app
        .send(post(
            "kind=workflow_template&name=Inbox+zero&description=&category=&tags=&price=\
             &steps=%5B%7B%22step_id%22%3A%22fetch%22%2C%22name%22%3A%22Fetch%22%7D%5D\
             &input_schema=%5B%7B%22name%22%3A%22mailbox%22%2C%22type%22%3A%22string%22%7D%5D",
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (steps, inputs): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT spec->'steps', spec->'input_schema' FROM listings WHERE name = 'Inbox zero'",
    )
    .fetch_one(&pool)
    .await
    .expect("workflow row");
    assert_eq!(steps[0]["step_id"], "fetch");
    assert_eq!(inputs[0]["name"], "mailbox");

    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM listings")
        .fetch_one(&pool)
        .await
        .expect("count");
    let r = app
        .send(post(
            "kind=canvas_component&name=Broken&description=&category=&tags=&price=&config_schema=%7B",
        ))
        .await;
    let v = r.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(v["details"]["field"], "config_schema");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM listings")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(before, after);
}
