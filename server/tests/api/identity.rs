use crate::common::{test_config, Cred, TestApp, HOST};
use axum::{body::Body, http::Request};
use serde_json::json;
use sqlx::PgPool;

fn keys_of(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[sqlx::test(migrations = "../migrations")]
async fn signup_creates_owner_and_session(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .call(
            "POST",
            "/api/auth/signup",
            &Cred::Anon,
            Some(json!({"tenant_name": "Acme", "email": "Ann@Acme.test", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(keys_of(&v), ["role", "tenant_id", "user_id"]);
    assert_eq!(v["role"], "owner");
    let set_cookie = r.header("set-cookie").expect("cookie").to_owned();
    assert!(set_cookie.starts_with("mp_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "development: {set_cookie}");

    let me = app
        .call(
            "GET",
            "/api/auth/me",
            &Cred::Cookie(r.cookie().expect("c")),
            None,
        )
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    let m = me.json();
    assert_eq!(
        keys_of(&m),
        [
            "auth",
            "email",
            "permissions",
            "role",
            "tenant_id",
            "user_id"
        ]
    );
    assert_eq!(m["email"], "ann@acme.test");
    assert_eq!(m["auth"], "session");
    assert_eq!(m["user_id"], v["user_id"]);
    assert_eq!(
        m["permissions"],
        json!(["SKILL_VIEW", "SKILL_MANAGE", "TENANT_ADMIN"])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn production_cookies_are_secure(pool: PgPool) {
    let mut config = test_config();
    config.app_env = "production".into();
    let app = TestApp::with_config(pool, config).await;
    let r = app
        .call(
            "POST",
            "/api/auth/signup",
            &Cred::Anon,
            Some(json!({"tenant_name": "Acme", "email": "a@acme.test", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(r.status, 201);
    let c = r.header("set-cookie").expect("cookie");
    assert!(
        c.contains("Secure") && c.contains("HttpOnly") && c.contains("SameSite=Lax"),
        "{c}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signup_rejects_bad_input_with_envelopes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let post =
        |body: serde_json::Value| app.call("POST", "/api/auth/signup", &Cred::Anon, Some(body));
    let v = post(json!({"tenant_name": "A", "email": "nope", "password": "correct horse"}))
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(v["details"]["field"], "email");
    let v = post(json!({"tenant_name": "A", "email": "a@b.test", "password": "short"}))
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(v["details"]["field"], "password");
    let v = post(json!({"email": "a@b.test", "password": "correct horse"}))
        .await
        .assert_envelope(400, "MISSING_REQUIRED_FIELD");
    assert_eq!(v["details"]["field"], "tenant_name");
    post(json!({"tenant_name": 5, "email": "a@b.test", "password": "correct horse"}))
        .await
        .assert_envelope(400, "VALIDATION_ERROR");

    let malformed = app
        .send(
            Request::post("/api/auth/signup")
                .header("host", HOST)
                .header("content-type", "application/json")
                .body(Body::from("{\"tenant_name\": "))
                .expect("request"),
        )
        .await;
    malformed.assert_envelope(400, "VALIDATION_ERROR");
    let no_type = app
        .send(
            Request::post("/api/auth/signup")
                .header("host", HOST)
                .body(Body::from("{}"))
                .expect("request"),
        )
        .await;
    no_type.assert_envelope(415, "UNSUPPORTED_MEDIA_TYPE");

    app.signup("Acme", "dup@acme.test").await;
    let v = post(
        json!({"tenant_name": "Other", "email": "DUP@acme.test", "password": "correct horse"}),
    )
    .await
    .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_eq!(v["details"]["field"], "email");
}

#[sqlx::test(migrations = "../migrations")]
async fn login_rotates_the_session_and_logout_ends_it(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let old = Cred::Cookie(account.cookie.clone());

    for (email, password) in [
        ("ann@acme.test", "wrong password"),
        ("nobody@acme.test", "correct horse battery"),
    ] {
        let v = app
            .call(
                "POST",
                "/api/auth/login",
                &Cred::Anon,
                Some(json!({"email": email, "password": password})),
            )
            .await
            .assert_envelope(401, "INVALID_CREDENTIALS");
        assert_eq!(v["message"], "Invalid e-mail or password");
    }

    let r = app
        .call(
            "POST",
            "/api/auth/login",
            &old,
            Some(json!({"email": "ANN@acme.test", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["user_id"], account.user_id.as_str());
    let new_cookie = r.cookie().expect("new session cookie");
    assert_ne!(
        new_cookie, account.cookie,
        "session id must change at login"
    );
    app.call("GET", "/api/auth/me", &old, None)
        .await
        .assert_envelope(401, "AUTH_REQUIRED");
    let new = Cred::Cookie(new_cookie);
    let me = app.call("GET", "/api/auth/me", &new, None).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["tenant_id"], account.tenant_id.as_str());

    let out = app.call("POST", "/api/auth/logout", &new, None).await;
    assert_eq!(out.status, 204, "{}", out.text);
    let v = app
        .call("GET", "/api/auth/me", &new, None)
        .await
        .assert_envelope(401, "AUTH_REQUIRED");
    assert_eq!(
        v["message"],
        "Authentication required. Use X-API-Key or Authorization: Bearer header."
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_origin_cookie_writes_are_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let body = json!({"name": "k", "scope": "read"}).to_string();
    let attempt = |origin: Option<&'static str>, referer: Option<&'static str>| {
        let mut b = Request::post("/api/keys")
            .header("host", HOST)
            .header("cookie", account.cookie.clone())
            .header("content-type", "application/json");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        if let Some(r) = referer {
            b = b.header("referer", r);
        }
        app.send(b.body(Body::from(body.clone())).expect("request"))
    };
    attempt(Some("https://evil.example"), None)
        .await
        .assert_envelope(403, "CSRF_REJECTED");
    attempt(None, Some("https://evil.example/page"))
        .await
        .assert_envelope(403, "CSRF_REJECTED");
    attempt(None, None)
        .await
        .assert_envelope(403, "CSRF_REJECTED");
    assert_eq!(
        attempt(None, Some("http://marketplace.test/account"))
            .await
            .status,
        201
    );
    assert_eq!(
        attempt(Some("http://marketplace.test"), None).await.status,
        201
    );
    // Log-in CSRF: a foreign page cannot log a browser in either.
    let r = app
        .send(
            Request::post("/api/auth/login")
                .header("host", HOST)
                .header("origin", "https://evil.example")
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"email": "ann@acme.test", "password": "correct horse battery"})
                        .to_string(),
                ))
                .expect("request"),
        )
        .await;
    r.assert_envelope(403, "CSRF_REJECTED");
}
