use crate::common::{test_config, Cred, TestApp};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_budget_counts_down_then_429(pool: PgPool) {
    let mut config = test_config();
    config.rate_limit_anonymous = 3;
    let app = TestApp::with_config(pool, config).await;
    for expected_remaining in [2, 1, 0] {
        let r = app.call("GET", "/api/health", &Cred::Anon, None).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(
            r.header("x-ratelimit-remaining"),
            Some(expected_remaining.to_string().as_str())
        );
        let reset: i64 = r
            .header("x-ratelimit-reset")
            .expect("reset")
            .parse()
            .expect("unix seconds");
        let now = chrono::Utc::now().timestamp();
        assert!(
            reset > now && reset <= now + 60,
            "reset {reset} vs now {now}"
        );
        assert_eq!(r.header("ratelimit-policy"), Some("\"default\";q=3;w=60"));
        assert!(r
            .header("ratelimit")
            .is_some_and(|v| v.starts_with(&format!("\"default\";r={expected_remaining};t="))));
    }
    let r = app.call("GET", "/api/health", &Cred::Anon, None).await;
    let v = r.assert_envelope(429, "RATE_LIMIT_EXCEEDED");
    assert_eq!(v["error"], "Rate Limit Exceeded");
    assert_eq!(v["message"], "Rate limit exceeded. Please try again later.");
    let retry: i64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry));
    assert_eq!(v["retry_after"], retry);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    // Errors carry the headers too.
    let nf = app.call("GET", "/api/nowhere", &Cred::Anon, None).await;
    assert_eq!(nf.status, 429);
    assert_eq!(nf.header("x-ratelimit-limit"), Some("3"));
}

#[sqlx::test(migrations = "../migrations")]
async fn each_key_has_its_own_budget(pool: PgPool) {
    let mut config = test_config();
    config.rate_limit_api_key = 4;
    let app = TestApp::with_config(pool, config).await;
    let a = app.signup("Acme", "ann@acme.test").await;
    let k1 = Cred::Key(app.create_key(&a, "read").await);
    let k2 = Cred::Key(app.create_key(&a, "read").await);
    let statuses: Vec<u16> = {
        let mut s = Vec::new();
        for _ in 0..6 {
            s.push(app.call("GET", "/api/auth/me", &k1, None).await.status);
        }
        s
    };
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
    let other = app.call("GET", "/api/auth/me", &k2, None).await;
    assert_eq!(other.status, 200);
    assert_eq!(other.header("x-ratelimit-limit"), Some("4"));
    assert_eq!(other.header("x-ratelimit-remaining"), Some("3"));
}
