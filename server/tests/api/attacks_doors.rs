//! Attacks on the marketplace's doors (issue 14, items 1, 2, 8 and parts
//! of 9): every door metered, budgets only for validated credentials,
//! log-ins anti-automated on both doors, redirects and CSRF, maintenance
//! decided per use case, and the demo seed kept out of production.

use crate::common::{test_config, Cred, Reply, TestApp, HOST, ORIGIN};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body};
use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use sqlx::PgPool;

const PASSWORD: &str = "correct horse battery";

/// A log-in through the JSON API.
async fn api_login(app: &TestApp, email: &str, password: &str) -> Reply {
    app.call(
        "POST",
        "/api/auth/login",
        &Cred::Anon,
        Some(json!({ "email": email, "password": password })),
    )
    .await
}

/// A log-in through the page's server function, as the hydrated page sends it.
async fn page_login(app: &TestApp, email: &str, password: &str) -> Reply {
    let body = format!(
        "email={}&password={}",
        urlencode(email),
        urlencode(password)
    );
    app.send(
        Request::post("/sfn/account/login")
            .header("host", HOST)
            .header("origin", ORIGIN)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn retry_after(r: &Reply) -> u64 {
    let secs: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert_eq!(r.json()["retry_after"], secs, "body and header agree");
    secs
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_and_server_functions_are_metered(pool: PgPool) {
    let mut config = test_config();
    config.rate_limit_pages = 3;
    let app = TestApp::with_config(pool, config).await;
    for _ in 0..3 {
        let r = app.get("/skills").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
    }
    // The same budget covers server functions: the log-in door among them.
    let r = page_login(&app, "ann@acme.test", "wrong password").await;
    r.assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    assert!((1..=60).contains(&retry_after(&r)));
    let r = app
        .send(
            Request::get("/skills?query=x")
                .header("accept", "text/html")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    assert!(r.text.contains("Too many requests"), "{}", r.text);
    // The JSON API keeps its own budget.
    assert_eq!(app.get("/api/health").await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn random_session_cookies_do_not_reset_the_anonymous_budget(pool: PgPool) {
    let mut config = test_config();
    config.rate_limit_anonymous = 3;
    config.rate_limit_pages = 3;
    let app = TestApp::with_config(pool.clone(), config).await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let cookie = Cred::Cookie(format!("mp_session=forged{i:040}"));
        statuses.push(app.call("GET", "/api/health", &cookie, None).await.status);
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429]);
    for i in 0..4 {
        let r = app
            .send(
                Request::get("/skills")
                    .header("cookie", format!("mp_session=forged{i:040}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, if i < 3 { 200 } else { 429 });
    }
    // No bucket per invented cookie: one per door for the address.
    let buckets: i64 = sqlx::query_scalar("SELECT count(DISTINCT bucket) FROM rate_limit_windows")
        .fetch_one(&pool)
        .await
        .expect("buckets");
    assert_eq!(buckets, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn junk_keys_and_tokens_count_against_the_address(pool: PgPool) {
    let mut config = test_config();
    config.rate_limit_anonymous = 4;
    config.rate_limit_api_key = 100;
    let app = TestApp::with_config(pool.clone(), config).await;
    let member = actor(&pool, "Acme", "member").await;
    let mut statuses = Vec::new();
    for i in 0..3 {
        let junk = Cred::Key(format!("sk-junk{i:036}"));
        statuses.push(
            app.call(
                "POST",
                "/api/auth/login",
                &junk,
                Some(json!({"email": "a@b.test", "password": "guess"})),
            )
            .await
            .status,
        );
    }
    let bearer = Cred::Bearer("not-a-token".into());
    let token = app
        .send(
            Request::post("/oauth/token")
                .header("host", HOST)
                .header("authorization", "Bearer made-up")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("grant_type=client_credentials"))
                .expect("request"),
        )
        .await;
    statuses.push(token.status);
    let over = app.call("GET", "/api/auth/me", &bearer, None).await;
    assert_eq!(statuses[..3], [401, 401, 401]);
    assert_ne!(statuses[3], 429, "the fourth request is within the budget");
    over.assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    // A validated key is not charged for the junk and keeps its own budget.
    let r = app.call("GET", "/api/auth/me", &member.cred, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("99"));
}

#[sqlx::test(migrations = "../migrations")]
async fn failed_logins_lock_the_account_on_both_doors_for_one_window(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    app.signup("Acme", "ann@acme.test").await;
    app.signup("Other", "bob@other.test").await;
    for _ in 0..10 {
        api_login(&app, "ann@acme.test", "wrong password")
            .await
            .assert_envelope(401, "INVALID_CREDENTIALS");
    }
    // The eleventh guess is refused before the password is looked at, and
    // so is the right password (it may be the attacker's lucky guess).
    let r = api_login(&app, "ANN@acme.test ", PASSWORD).await;
    r.assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    let secs = retry_after(&r);
    assert!((840..=900).contains(&secs), "about the window: {secs}");
    let r = page_login(&app, "ann@acme.test", PASSWORD).await;
    r.assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    assert!(r.header("retry-after").is_some());
    // Another account from the same address is not locked.
    assert_eq!(
        api_login(&app, "bob@other.test", PASSWORD).await.status,
        200
    );
    // Once the window has passed the owner gets in again.
    sqlx::query("UPDATE login_attempts SET at = at - interval '15 minutes 1 second'")
        .execute(&pool)
        .await
        .expect("age the attempts");
    let r = page_login(&app, "ann@acme.test", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api_login(&app, "ann@acme.test", PASSWORD).await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_guesses_cannot_slip_past_the_account_budget(pool: PgPool) {
    let app = std::sync::Arc::new(TestApp::new(pool.clone()).await);
    app.signup("Acme", "ann@acme.test").await;
    let guesses: Vec<_> = (0..30)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                api_login(&app, "ann@acme.test", &format!("guess {i}"))
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (10, 20), "{statuses:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn one_address_spraying_many_accounts_runs_out(pool: PgPool) {
    let mut config = test_config();
    config.login_failures_per_ip = 5;
    let app = TestApp::with_config(pool, config).await;
    for i in 0..5 {
        api_login(&app, &format!("user{i}@nowhere.test"), "guess")
            .await
            .assert_envelope(401, "INVALID_CREDENTIALS");
    }
    api_login(&app, "user5@nowhere.test", "guess")
        .await
        .assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    page_login(&app, "user6@nowhere.test", "guess")
        .await
        .assert_envelope(429, "RATE_LIMIT_EXCEEDED");
}

#[sqlx::test(migrations = "../migrations")]
async fn null_origin_cannot_log_a_browser_in(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.signup("Attacker", "eve@evil.test").await;
    let r = app
        .send(
            Request::post("/sfn/account/login")
                .header("host", HOST)
                .header("origin", "null")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "email=eve%40evil.test&password={}",
                    urlencode(PASSWORD)
                )))
                .expect("request"),
        )
        .await;
    r.assert_envelope(403, "CSRF_REJECTED");
    assert!(r.cookie().is_none(), "no session was started");
}

#[sqlx::test(migrations = "../migrations")]
async fn next_after_login_never_leaves_the_site(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.signup("Acme", "ann@acme.test").await;
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%5Cevil.example",
        "//evil.example",
    ] {
        let r = app
            .send(
                Request::post("/sfn/account/login")
                    .header("host", HOST)
                    .header("origin", ORIGIN)
                    .header("accept", "text/html")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(format!(
                        "email=ann%40acme.test&password={}&next={next}",
                        urlencode(PASSWORD)
                    )))
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, 302, "{next}: {}", r.text);
        assert_eq!(r.header("location"), Some("/account"), "{next}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn maintenance_is_one_rule_for_every_door(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let member = actor(&pool, "Acme", "owner").await;
    let pending = private_skill(&app, &member, skill_body("Pending")).await;
    app.expect(
        "POST",
        "/api/skills/publish",
        &member.cred,
        Some(json!({ "skill_id": pending })),
        200,
    )
    .await;
    let live = approved_skill(&app, &member, &operator, skill_body("Live")).await;
    app.expect(
        "PUT",
        "/api/admin/maintenance",
        &operator.cred,
        Some(json!({"enabled": true})),
        200,
    )
    .await;
    // The operator acts through the reference's own approve route as well
    // as the admin one (the first answered 503 while the second went on).
    let r = app
        .call(
            "POST",
            &format!("/api/skills/approve/{pending}"),
            &operator.cred,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A tenant's writes are held on the OAuth door too.
    app.send(
        Request::post("/oauth/token")
            .header("host", HOST)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(
                "grant_type=client_credentials&client_id=x&client_secret=y",
            ))
            .expect("request"),
    )
    .await
    .assert_envelope(503, "MAINTENANCE_MODE");
    app.call(
        "POST",
        &format!("/api/skills/rate/{live}"),
        &member.cred,
        Some(json!({"rating": 5})),
    )
    .await
    .assert_envelope(503, "MAINTENANCE_MODE");
    // Reads go on.
    assert_eq!(
        app.call("GET", &format!("/api/skills/{live}"), &member.cred, None)
            .await
            .status,
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_seed_refuses_production(pool: PgPool) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(["seed", "--demo"])
        .env("APP_ENV", "production")
        .env("DATABASE_URL", crate::cli_support::database_url(&pool))
        .env("RUST_LOG", "off")
        .output()
        .expect("run marketplace");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "seeded in production: {err}");
    assert!(err.contains("APP_ENV=development"), "{err}");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .expect("users");
    assert_eq!(users, 0, "no account with a published password");
}
