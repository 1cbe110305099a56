use crate::common::{Account, Cred, Reply, TestApp, HOST, ORIGIN};
use axum::{body::Body, http::Request};
use base64::Engine;
use serde_json::json;
use sqlx::PgPool;

// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT: &str = "https://client.test/cb";

struct Client {
    id: String,
    secret: String,
}

async fn register(app: &TestApp, account: &Account) -> Client {
    let r = app
        .call(
            "POST",
            "/api/oauth/clients",
            &Cred::Cookie(account.cookie.clone()),
            Some(json!({"name": "Dashboard <b>", "redirect_uris": [REDIRECT]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    Client {
        id: v["client_id"].as_str().expect("client_id").to_owned(),
        secret: v["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
    }
}

async fn form(
    app: &TestApp,
    uri: &str,
    cookie: Option<&str>,
    body: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Reply {
    let encoded = body
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut b = Request::post(uri)
        .header("host", HOST)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header("cookie", c).header("origin", ORIGIN);
    }
    if let Some((id, secret)) = basic {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        b = b.header("authorization", format!("Basic {token}"));
    }
    app.send(b.body(Body::from(encoded)).expect("request"))
        .await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Walks the consent page and returns the authorization code.
async fn authorize(app: &TestApp, account: &Account, client: &Client) -> String {
    let query = format!(
        "response_type=code&client_id={}&redirect_uri={}&scope=read_write&state=xyz&code_challenge={CHALLENGE}&code_challenge_method=S256",
        client.id,
        urlencode(REDIRECT)
    );
    let page = app
        .call(
            "GET",
            &format!("/oauth/authorize?{query}"),
            &Cred::Cookie(account.cookie.clone()),
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Authorize access"));
    assert!(
        page.text.contains("Dashboard &lt;b&gt;"),
        "client name escaped"
    );
    let r = form(
        app,
        "/oauth/authorize",
        Some(&account.cookie),
        &[
            ("decision", "approve"),
            ("response_type", "code"),
            ("client_id", &client.id),
            ("redirect_uri", REDIRECT),
            ("scope", "read_write"),
            ("state", "xyz"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let location = r.header("location").expect("location");
    assert!(
        location.starts_with(&format!("{REDIRECT}?code=")),
        "{location}"
    );
    assert!(location.ends_with("&state=xyz"), "{location}");
    location
        .split("code=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .expect("code")
        .to_owned()
}

async fn exchange(app: &TestApp, client: &Client, code: &str, verifier: &str) -> Reply {
    form(
        app,
        "/oauth/token",
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
            ("client_id", &client.id),
            ("client_secret", &client.secret),
        ],
        None,
    )
    .await
}

fn assert_oauth_error(r: &Reply, status: u16, rfc: &str, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    let v = r.json();
    assert_eq!(v["error"], rfc, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert!(
        v["error_description"].is_string() && v["message"].is_string(),
        "{v}"
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[sqlx::test(migrations = "../migrations")]
async fn code_with_pkce_then_refresh_rotation_and_reuse_detection(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let client = register(&app, &account).await;

    let code = authorize(&app, &account, &client).await;
    let r = exchange(&app, &client, &code, VERIFIER).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let mut keys: Vec<_> = v.as_object().expect("obj").keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["scope"], "read_write");
    let access = v["access_token"].as_str().expect("access").to_owned();
    let refresh1 = v["refresh_token"].as_str().expect("refresh").to_owned();

    let me = app
        .call("GET", "/api/auth/me", &Cred::Bearer(access.clone()), None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json()["auth"], "oauth");
    assert_eq!(me.json()["user_id"], account.user_id.as_str());

    // A code works once.
    assert_oauth_error(
        &exchange(&app, &client, &code, VERIFIER).await,
        400,
        "invalid_grant",
        "INVALID_GRANT",
    );

    // Refresh rotates: the new one works, the old one is dead.
    let refresh = |token: String| {
        let id = client.id.clone();
        let secret = client.secret.clone();
        let app = &app;
        async move {
            form(
                app,
                "/oauth/token",
                None,
                &[("grant_type", "refresh_token"), ("refresh_token", &token)],
                Some((&id, &secret)),
            )
            .await
        }
    };
    let r2 = refresh(refresh1.clone()).await;
    assert_eq!(r2.status, 200, "{}", r2.text);
    let v2 = r2.json();
    let access2 = v2["access_token"].as_str().expect("access").to_owned();
    let refresh2 = v2["refresh_token"].as_str().expect("refresh").to_owned();
    assert_ne!(refresh2, refresh1);
    assert_eq!(
        app.call("GET", "/api/auth/me", &Cred::Bearer(access2.clone()), None)
            .await
            .status,
        200
    );

    // Reusing the rotated token revokes the whole family.
    assert_oauth_error(
        &refresh(refresh1).await,
        400,
        "invalid_grant",
        "INVALID_GRANT",
    );
    app.call("GET", "/api/auth/me", &Cred::Bearer(access2), None)
        .await
        .assert_envelope(401, "EXPIRED_TOKEN");
    assert_oauth_error(
        &refresh(refresh2).await,
        400,
        "invalid_grant",
        "INVALID_GRANT",
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn token_endpoint_errors_follow_rfc_6749(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let client = register(&app, &account).await;

    let code = authorize(&app, &account, &client).await;
    let wrong = "x".repeat(43);
    assert_oauth_error(
        &exchange(&app, &client, &code, &wrong).await,
        400,
        "invalid_grant",
        "INVALID_GRANT",
    );

    let bad_secret = Client {
        id: client.id.clone(),
        secret: "cs_wrong".into(),
    };
    let code = authorize(&app, &account, &client).await;
    let r = exchange(&app, &bad_secret, &code, VERIFIER).await;
    assert_oauth_error(&r, 401, "invalid_client", "INVALID_CLIENT");
    assert!(r.header("www-authenticate").is_some());

    let r = form(
        &app,
        "/oauth/token",
        None,
        &[("grant_type", "password")],
        Some((&client.id, &client.secret)),
    )
    .await;
    assert_oauth_error(&r, 400, "unsupported_grant_type", "UNSUPPORTED_GRANT_TYPE");
    let r = form(
        &app,
        "/oauth/token",
        None,
        &[("code", "x")],
        Some((&client.id, &client.secret)),
    )
    .await;
    assert_oauth_error(&r, 400, "invalid_request", "INVALID_REQUEST");
    let r = form(
        &app,
        "/oauth/token",
        None,
        &[("grant_type", "client_credentials"), ("scope", "admin")],
        Some((&client.id, &client.secret)),
    )
    .await;
    assert_oauth_error(&r, 400, "invalid_scope", "INVALID_SCOPE");

    // client_credentials: a token for the client's owner, read scope honoured.
    let r = form(
        &app,
        "/oauth/token",
        None,
        &[("grant_type", "client_credentials"), ("scope", "read")],
        Some((&client.id, &client.secret)),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let token = r.json()["access_token"].as_str().expect("token").to_owned();
    let bearer = Cred::Bearer(token.clone());
    assert_eq!(
        app.call("GET", "/api/auth/me", &bearer, None).await.json()["permissions"],
        json!(["SKILL_VIEW"])
    );
    app.call(
        "POST",
        "/api/keys",
        &bearer,
        Some(json!({"name": "x", "scope": "read"})),
    )
    .await
    .assert_envelope(403, "INSUFFICIENT_SCOPE");

    // Expired access tokens are the documented 401.
    sqlx::query("UPDATE oauth_tokens SET access_expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .expect("expire");
    let v = app
        .call("GET", "/api/auth/me", &bearer, None)
        .await
        .assert_envelope(401, "EXPIRED_TOKEN");
    assert_eq!(v["message"], "Invalid or expired OAuth token");
}

#[sqlx::test(migrations = "../migrations")]
async fn authorize_refuses_unknown_clients_and_unregistered_redirects(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let client = register(&app, &account).await;
    let cookie = Cred::Cookie(account.cookie.clone());
    let r = app
        .call(
            "GET",
            "/oauth/authorize?response_type=code&client_id=cl_nope",
            &cookie,
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("Unknown client_id"));
    let r = app
        .call("GET", &format!("/oauth/authorize?response_type=code&client_id={}&redirect_uri=https%3A%2F%2Fevil.test%2F", client.id), &cookie, None)
        .await;
    assert_eq!(r.status, 400, "never redirect to an unregistered URI");
    // A valid client and URI but no PKCE: the error goes back to the client.
    let r = app
        .call(
            "GET",
            &format!(
                "/oauth/authorize?response_type=code&client_id={}&state=s1",
                client.id
            ),
            &cookie,
            None,
        )
        .await;
    assert_eq!(r.status, 303);
    let loc = r.header("location").expect("location");
    assert!(
        loc.starts_with(&format!("{REDIRECT}?error=invalid_request")) && loc.ends_with("state=s1"),
        "{loc}"
    );
    app.call("GET", "/oauth/nothing", &Cred::Anon, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
}
