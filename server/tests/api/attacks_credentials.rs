//! Attacks on the marketplace's controls (issue 14): credentials.
//!
//! A credential must never outlive or out-scope the person behind it: keys
//! and tokens cannot mint keys or clients, clients and tokens can be seen
//! and killed, refresh families end, the consent page never bounces an
//! unknown visitor to a client, and secrets stay out of caches, session
//! rows and logs.

use crate::common::{Account, Cred, Reply, TestApp, HOST, ORIGIN};
use axum::{body::Body, http::Request};
use base64::Engine;
use serde_json::json;
use sqlx::PgPool;

// RFC 7636 appendix B (the challenge of its verifier).
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT: &str = "https://client.test/cb";

struct Client {
    id: String,
    secret: String,
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

async fn register(app: &TestApp, account: &Account) -> Client {
    let r = app
        .call(
            "POST",
            "/api/oauth/clients",
            &Cred::Cookie(account.cookie.clone()),
            Some(json!({"name": "Dashboard", "redirect_uris": [REDIRECT]})),
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
    cred: &Cred,
    body: &[(&str, &str)],
    basic: Option<&Client>,
) -> Reply {
    let encoded = body
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut b = Request::post(uri)
        .header("host", HOST)
        .header("content-type", "application/x-www-form-urlencoded");
    match cred {
        Cred::Anon => {}
        Cred::Cookie(c) => b = b.header("cookie", c).header("origin", ORIGIN),
        Cred::Key(k) => b = b.header("x-api-key", k),
        Cred::Bearer(t) => b = b.header("authorization", format!("Bearer {t}")),
    }
    if let Some(c) = basic {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", c.id, c.secret));
        b = b.header("authorization", format!("Basic {token}"));
    }
    app.send(b.body(Body::from(encoded)).expect("request"))
        .await
}

/// `{access_token, refresh_token}` from a `client_credentials` grant.
async fn client_tokens(app: &TestApp, client: &Client) -> (String, String) {
    let r = form(
        app,
        "/oauth/token",
        &Cred::Anon,
        &[("grant_type", "client_credentials")],
        Some(client),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    (
        v["access_token"].as_str().expect("access").to_owned(),
        v["refresh_token"].as_str().expect("refresh").to_owned(),
    )
}

async fn refresh(app: &TestApp, client: &Client, token: &str) -> Reply {
    form(
        app,
        "/oauth/token",
        &Cred::Anon,
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
        Some(client),
    )
    .await
}

async fn revoke(app: &TestApp, client: Option<&Client>, body: &[(&str, &str)]) -> Reply {
    form(app, "/oauth/revoke", &Cred::Anon, body, client).await
}

fn assert_oauth_error(r: &Reply, status: u16, rfc: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.json()["error"], rfc, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.call("GET", "/api/auth/me", &Cred::Bearer(token.to_owned()), None)
        .await
        .status
}

/// The consent form, approved, as the logged-in user; returns the code.
async fn approve_code(app: &TestApp, cred: &Cred, client: &Client) -> Reply {
    form(
        app,
        "/oauth/authorize",
        cred,
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
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_key_or_token_cannot_mint_keys_clients_or_consent(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let cookie = Cred::Cookie(ann.cookie.clone());
    // A one-day key, as a CI job would hold.
    let r = app
        .call(
            "POST",
            "/api/keys",
            &cookie,
            Some(json!({"name": "ci", "scope": "read_write", "expires_in_days": 1})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let day_key = Cred::Key(r.json()["key"].as_str().expect("key").to_owned());
    let client = register(&app, &ann).await;
    let (access, _) = client_tokens(&app, &client).await;
    let bearer = Cred::Bearer(access);

    for cred in [&day_key, &bearer] {
        let v = app
            .call(
                "POST",
                "/api/keys",
                cred,
                Some(json!({"name": "forever", "scope": "read_write"})),
            )
            .await
            .assert_envelope(403, "FORBIDDEN");
        assert!(
            v["message"].as_str().expect("message").contains("session"),
            "{v}"
        );
        app.call(
            "POST",
            "/api/oauth/clients",
            cred,
            Some(json!({"name": "backdoor", "redirect_uris": ["https://evil.test/cb"]})),
        )
        .await
        .assert_envelope(403, "FORBIDDEN");
        // Consent is a person's decision too: a key cannot approve a code.
        let r = approve_code(&app, cred, &client).await;
        assert!(r.header("location").is_none(), "{:?}", r.headers);
        r.assert_envelope(403, "FORBIDDEN");
    }
    // Nothing was minted: the key list holds only the day key.
    let keys = app.call("GET", "/api/keys", &cookie, None).await.json();
    assert_eq!(keys["keys"].as_array().expect("keys").len(), 1, "{keys}");
    // The person still can.
    assert_eq!(approve_code(&app, &cookie, &client).await.status, 303);
    app.create_key(&ann, "read").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_client_credentials_refresh_token_refreshes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let client = register(&app, &ann).await;
    let (_, refresh1) = client_tokens(&app, &client).await;
    let r = refresh(&app, &client, &refresh1).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let access2 = v["access_token"].as_str().expect("access").to_owned();
    assert_eq!(me_status(&app, &access2).await, 200);
    // And it rotates like any other: the first one is spent.
    assert_oauth_error(
        &refresh(&app, &client, &refresh1).await,
        400,
        "invalid_grant",
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refresh_family_ends_after_its_absolute_lifetime(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let client = register(&app, &ann).await;
    let (_, mut token) = client_tokens(&app, &client).await;
    // Rotating forever keeps a family alive only until 90 days after its
    // first grant: each rotation must not restart the clock.
    for _ in 0..2 {
        let r = refresh(&app, &client, &token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        token = r.json()["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_owned();
    }
    sqlx::query("UPDATE oauth_tokens SET family_started_at = now() - interval '89 days'")
        .execute(&pool)
        .await
        .expect("age");
    let r = refresh(&app, &client, &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    token = r.json()["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let rows: Vec<(
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
    )> = sqlx::query_as(
        // The pair issued after the family was aged.
        "SELECT family_started_at, refresh_expires_at FROM oauth_tokens WHERE rotated_at IS NULL",
    )
    .fetch_all(&pool)
    .await
    .expect("rows");
    assert_eq!(rows.len(), 1);
    for (started, expires) in &rows {
        let expires = expires.expect("refresh expiry");
        assert!(
            expires <= *started + chrono::Duration::days(90),
            "a refresh token outlives its family: {started} → {expires}"
        );
    }
    sqlx::query("UPDATE oauth_tokens SET family_started_at = now() - interval '91 days'")
        .execute(&pool)
        .await
        .expect("age");
    assert_oauth_error(&refresh(&app, &client, &token).await, 400, "invalid_grant");

    // The lifetime is configuration: a one-day family ends after a day.
    let mut config = crate::common::test_config();
    config.oauth_refresh_family_days = 1;
    let short = TestApp::with_config(pool.clone(), config).await;
    let (_, token) = client_tokens(&short, &client).await;
    sqlx::query(
        "UPDATE oauth_tokens SET family_started_at = now() - interval '25 hours' \
         WHERE refresh_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&token)
    .execute(&pool)
    .await
    .expect("age");
    assert_oauth_error(
        &refresh(&short, &client, &token).await,
        400,
        "invalid_grant",
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn clients_are_listed_and_deleted_by_their_owner_only(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let bob = app.signup("Globex", "bob@globex.test").await;
    let ann_cookie = Cred::Cookie(ann.cookie.clone());
    let bob_cookie = Cred::Cookie(bob.cookie.clone());
    let client = register(&app, &ann).await;
    let bob_client = register(&app, &bob).await;
    let (access, refresh_token) = client_tokens(&app, &client).await;

    let list = app
        .call("GET", "/api/oauth/clients", &ann_cookie, None)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(
        !list.text.contains(&client.secret),
        "the list leaks a secret"
    );
    let v = list.json();
    let clients = v["clients"].as_array().expect("clients");
    assert_eq!(clients.len(), 1, "{v}");
    assert_eq!(clients[0]["client_id"], client.id.as_str());
    assert_eq!(clients[0]["redirect_uris"], json!([REDIRECT]));
    assert!(clients[0].get("client_secret").is_none(), "{v}");
    assert!(
        !list.text.contains(&bob_client.id),
        "another tenant's client"
    );
    // A read-only key may look.
    let read = Cred::Key(app.create_key(&ann, "read").await);
    assert_eq!(
        app.call("GET", "/api/oauth/clients", &read, None)
            .await
            .json()["clients"][0]["client_id"],
        client.id.as_str()
    );

    // Another tenant's client id is a 404, and stays alive.
    let path = format!("/api/oauth/clients/{}", client.id);
    app.call("DELETE", &path, &bob_cookie, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    app.call("DELETE", "/api/oauth/clients/cl_nope", &ann_cookie, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    app.call("DELETE", &path, &Cred::Anon, None)
        .await
        .assert_envelope(401, "AUTH_REQUIRED");
    app.call("DELETE", &path, &read, None)
        .await
        .assert_envelope(403, "INSUFFICIENT_SCOPE");
    assert_eq!(me_status(&app, &access).await, 200);

    // The owner deletes it: its tokens and its grant die with it.
    let r = app.call("DELETE", &path, &ann_cookie, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.call("GET", "/api/auth/me", &Cred::Bearer(access), None)
        .await
        .assert_envelope(401, "EXPIRED_TOKEN");
    assert_oauth_error(
        &refresh(&app, &client, &refresh_token).await,
        401,
        "invalid_client",
    );
    assert_oauth_error(
        &form(
            &app,
            "/oauth/token",
            &Cred::Anon,
            &[("grant_type", "client_credentials")],
            Some(&client),
        )
        .await,
        401,
        "invalid_client",
    );
    app.call("DELETE", &path, &ann_cookie, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    let after = app
        .call("GET", "/api/oauth/clients", &ann_cookie, None)
        .await
        .json();
    assert_eq!(after["clients"], json!([]));
    // Bob's client is untouched.
    client_tokens(&app, &bob_client).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn revocation_follows_rfc_7009(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let bob = app.signup("Globex", "bob@globex.test").await;
    let client = register(&app, &ann).await;
    let other = register(&app, &bob).await;

    // Unknown tokens are a 200 (RFC 7009 §2.2): nothing to learn.
    let r = revoke(&app, Some(&client), &[("token", "rt_nothing")]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // The client authenticates as at the token endpoint.
    let (access, refresh_token) = client_tokens(&app, &client).await;
    assert_oauth_error(
        &revoke(&app, None, &[("token", &refresh_token)]).await,
        401,
        "invalid_client",
    );
    let wrong = Client {
        id: client.id.clone(),
        secret: "cs_wrong".into(),
    };
    assert_oauth_error(
        &revoke(&app, Some(&wrong), &[("token", &refresh_token)]).await,
        401,
        "invalid_client",
    );
    assert_oauth_error(
        &revoke(&app, Some(&client), &[("token_type_hint", "refresh_token")]).await,
        400,
        "invalid_request",
    );
    // Another client cannot revoke (or probe) this client's tokens.
    let r = revoke(&app, Some(&other), &[("token", &refresh_token)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = revoke(&app, Some(&other), &[("token", &access)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(me_status(&app, &access).await, 200);

    // Revoking a refresh token kills its family: the rotated successor
    // and every access token of it.
    let r = refresh(&app, &client, &refresh_token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let access2 = v["access_token"].as_str().expect("access").to_owned();
    let refresh2 = v["refresh_token"].as_str().expect("refresh").to_owned();
    let r = revoke(
        &app,
        Some(&client),
        &[("token", &refresh2), ("token_type_hint", "refresh_token")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(me_status(&app, &access).await, 401);
    assert_eq!(me_status(&app, &access2).await, 401);
    assert_oauth_error(
        &refresh(&app, &client, &refresh2).await,
        400,
        "invalid_grant",
    );
    // Revoking again is still a 200.
    let r = revoke(&app, Some(&client), &[("token", &refresh2)]).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // An access token, even with the wrong hint, is found and revoked,
    // and its refresh token goes with it.
    let (access3, refresh3) = client_tokens(&app, &client).await;
    let r = revoke(
        &app,
        Some(&client),
        &[("token", &access3), ("token_type_hint", "refresh_token")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(me_status(&app, &access3).await, 401);
    assert_oauth_error(
        &refresh(&app, &client, &refresh3).await,
        400,
        "invalid_grant",
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn authorize_never_sends_an_unknown_visitor_to_the_client(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let client = register(&app, &ann).await;
    // Each of these is an error RFC 6749 §4.1.2.1 lets the server redirect,
    // but only once the user is known: before, it is a free open
    // redirect to a registered URI (and a probe of which URIs are).
    for query in [
        format!("response_type=code&client_id={}&state=s1", client.id),
        format!(
            "response_type=token&client_id={}&code_challenge={CHALLENGE}&code_challenge_method=S256",
            client.id
        ),
        format!(
            "response_type=code&client_id={}&scope=admin&code_challenge={CHALLENGE}&code_challenge_method=S256",
            client.id
        ),
    ] {
        let r = app
            .call("GET", &format!("/oauth/authorize?{query}"), &Cred::Anon, None)
            .await;
        assert!(
            r.header("location").is_none(),
            "an anonymous visitor was redirected: {} {:?}",
            r.status,
            r.header("location")
        );
        assert!(r.status == 401 || r.status == 400, "{} {}", r.status, r.text);
        assert!(r.text.contains("Log in"), "{}", r.text);
    }
    // A valid request shows the login, which comes back here afterwards.
    let query = format!(
        "response_type=code&client_id={}&code_challenge={CHALLENGE}&code_challenge_method=S256&state=s2",
        client.id
    );
    let r = app
        .call(
            "GET",
            &format!("/oauth/authorize?{query}"),
            &Cred::Anon,
            None,
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert!(
        r.text.contains(&format!(
            "/login?next={}",
            urlencode(&format!("/oauth/authorize?{query}"))
        )),
        "{}",
        r.text
    );
    // Once the user is known, the same error goes back to the client.
    let r = app
        .call(
            "GET",
            &format!(
                "/oauth/authorize?response_type=code&client_id={}&state=s1",
                client.id
            ),
            &Cred::Cookie(ann.cookie.clone()),
            None,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let loc = r.header("location").expect("location");
    assert!(
        loc.starts_with(&format!("{REDIRECT}?error=invalid_request")),
        "{loc}"
    );
    // A key is not a user at the consent page either.
    let key = Cred::Key(app.create_key(&ann, "read_write").await);
    let r = app
        .call(
            "GET",
            &format!(
                "/oauth/authorize?response_type=code&client_id={}&state=s1",
                client.id
            ),
            &key,
            None,
        )
        .await;
    assert!(r.header("location").is_none(), "{:?}", r.headers);
}

#[sqlx::test(migrations = "../migrations")]
async fn secret_bearing_answers_are_not_stored_by_caches(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    let cookie = Cred::Cookie(ann.cookie.clone());
    let r = app
        .call(
            "POST",
            "/api/keys",
            &cookie,
            Some(json!({"name": "k", "scope": "read"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.header("cache-control"),
        Some("no-store"),
        "POST /api/keys"
    );
    let r = app
        .call(
            "POST",
            "/api/oauth/clients",
            &cookie,
            Some(json!({"name": "c", "redirect_uris": [REDIRECT]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.header("cache-control"),
        Some("no-store"),
        "POST /api/oauth/clients"
    );
    let v = r.json();
    let client = Client {
        id: v["client_id"].as_str().expect("id").to_owned(),
        secret: v["client_secret"].as_str().expect("secret").to_owned(),
    };
    let r = form(
        &app,
        "/oauth/token",
        &Cred::Anon,
        &[("grant_type", "client_credentials")],
        Some(&client),
    )
    .await;
    assert_eq!(r.header("cache-control"), Some("no-store"), "/oauth/token");
    assert_eq!(r.header("pragma"), Some("no-cache"), "RFC 6749 §5.1");
    let r = revoke(&app, Some(&client), &[("token", "x")]).await;
    assert_eq!(r.header("cache-control"), Some("no-store"), "/oauth/revoke");
    // The consent redirect carries the code.
    let r = approve_code(&app, &cookie, &client).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"), "code redirect");
    // The account page, which shows a new key once.
    let r = app.call("GET", "/account", &cookie, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-store"), "/account");
}

/// The `name=value` pairs of every Set-Cookie header.
fn set_cookies(r: &Reply) -> Vec<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .collect()
}

fn page_key(html: &str) -> Option<String> {
    let at = html.find("value=\"sk-")? + "value=\"".len();
    Some(html[at..at + 43].to_owned())
}

async fn session_rows(pool: &PgPool) -> Vec<Vec<u8>> {
    sqlx::query_scalar("SELECT data FROM tower_sessions.session")
        .fetch_all(pool)
        .await
        .expect("sessions")
}

#[sqlx::test(migrations = "../migrations")]
async fn the_new_key_never_sits_in_the_session_row(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let ann = app.signup("Acme", "ann@acme.test").await;
    // The account page's form, posted without JavaScript.
    let post = app
        .send(
            Request::post("/sfn/keys/create")
                .header("host", HOST)
                .header("origin", ORIGIN)
                .header("referer", format!("{ORIGIN}/account"))
                .header("accept", "text/html,application/xhtml+xml")
                .header("cookie", &ann.cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("name=CI&scope=read_write&expires_in_days="))
                .expect("request"),
        )
        .await;
    assert_eq!(post.status, 302, "{}", post.text);
    assert_eq!(post.header("cache-control"), Some("no-store"));
    let stored = session_rows(&pool).await;
    let mut cookies = vec![ann.cookie.clone()];
    cookies.extend(
        set_cookies(&post)
            .into_iter()
            .filter(|c| !c.starts_with("mp_session=")),
    );
    let jar = cookies.join("; ");

    let page = app
        .call("GET", "/account", &Cred::Cookie(jar.clone()), None)
        .await;
    assert_eq!(page.status, 200);
    let key = page_key(&page.text).expect("the new key is shown once");
    assert!(key.starts_with("sk-"), "{key}");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    // It works, and it was never in a session row (neither when it was
    // kept for display, nor now).
    assert_eq!(
        app.call("GET", "/api/auth/me", &Cred::Key(key.clone()), None)
            .await
            .status,
        200
    );
    for data in stored.iter().chain(session_rows(&pool).await.iter()) {
        assert!(
            !data.windows(40).any(|w| w == &key.as_bytes()[3..]),
            "the plaintext key sits in a session row"
        );
    }
    // Shown once: the same request again (the browser's cookie jar replayed
    // whole) shows no key.
    let again = app.call("GET", "/account", &Cred::Cookie(jar), None).await;
    assert_eq!(again.status, 200);
    assert!(page_key(&again.text).is_none(), "shown twice");
    assert!(again.text.contains("CI"), "the key is listed by name");
}

#[test]
fn debug_output_hides_passwords_and_secrets() {
    use app::backend::db::identity::UserRow;
    use app::backend::db::oauth::ClientRow;
    use app::backend::services::oauth::{RegisteredClient, TokenForm, TokenReply};
    use app::model::account::{CreatedKey, LoginRequest, Scope, SignupRequest};
    let secret = "hunter2-very-secret";
    let shown = [
        format!(
            "{:?}",
            LoginRequest {
                email: "a@b.test".into(),
                password: secret.into(),
            }
        ),
        format!(
            "{:?}",
            SignupRequest {
                tenant_name: "t".into(),
                email: "a@b.test".into(),
                password: secret.into(),
            }
        ),
        format!(
            "{:?}",
            CreatedKey {
                id: uuid::Uuid::nil(),
                name: "k".into(),
                scope: Scope::Read,
                key: secret.into(),
                prefix: "sk-abc".into(),
                created_at: chrono::Utc::now(),
                expires_at: None,
            }
        ),
        format!(
            "{:?}",
            RegisteredClient {
                client_id: "cl_1".into(),
                client_secret: secret.into(),
            }
        ),
        format!(
            "{:?}",
            TokenReply {
                access_token: secret.into(),
                token_type: "Bearer".into(),
                expires_in: 1,
                refresh_token: secret.into(),
                scope: "read".into(),
            }
        ),
        format!(
            "{:?}",
            TokenForm {
                code: Some(secret.into()),
                code_verifier: Some(secret.into()),
                refresh_token: Some(secret.into()),
                client_secret: Some(secret.into()),
                ..TokenForm::default()
            }
        ),
        format!(
            "{:?}",
            UserRow {
                id: uuid::Uuid::nil(),
                tenant_id: uuid::Uuid::nil(),
                email: "a@b.test".into(),
                password_hash: format!("$argon2id${secret}"),
                role: app::model::account::Role::Owner,
            }
        ),
        format!(
            "{:?}",
            ClientRow {
                id: uuid::Uuid::nil(),
                client_id: "cl_1".into(),
                secret_hash: secret.as_bytes().to_vec(),
                name: "c".into(),
                redirect_uris: vec![],
                user_id: uuid::Uuid::nil(),
            }
        ),
    ];
    // The page's server functions take the password as a request too.
    let shown = shown.into_iter().chain([
        format!(
            "{:?}",
            app::server_fns::account::Login {
                email: "a@b.test".into(),
                password: app::model::account::Secret(secret.into()),
                next: None,
            }
        ),
        format!(
            "{:?}",
            app::server_fns::account::Signup {
                tenant_name: "t".into(),
                email: "a@b.test".into(),
                password: app::model::account::Secret(secret.into()),
            }
        ),
    ]);
    let shown: Vec<String> = shown.collect();
    let secret_bytes = format!("{:?}", secret.as_bytes());
    let secret_bytes = secret_bytes.trim_matches(['[', ']']);
    for s in &shown {
        assert!(
            !s.contains(secret) && !s.contains(secret_bytes),
            "Debug shows a secret: {s}"
        );
        assert!(s.contains("***"), "no redaction marker: {s}");
    }
    // What is not secret still helps debugging.
    assert!(shown[0].contains("a@b.test"), "{}", shown[0]);
    assert!(shown[3].contains("cl_1"), "{}", shown[3]);
}
