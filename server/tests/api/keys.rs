use crate::common::{Cred, TestApp};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn keys_are_shown_once_and_stored_hashed(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let cookie = Cred::Cookie(account.cookie.clone());
    let r = app
        .call(
            "POST",
            "/api/keys",
            &cookie,
            Some(json!({"name": "CI", "scope": "read_write", "expires_in_days": 30})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    let mut keys: Vec<_> = v.as_object().expect("obj").keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "created_at",
            "expires_at",
            "id",
            "key",
            "name",
            "prefix",
            "scope"
        ]
    );
    let key = v["key"].as_str().expect("key");
    assert!(key.starts_with("sk-") && key.len() >= 35, "{key}");
    assert!(key[3..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(key.starts_with(v["prefix"].as_str().expect("prefix")));
    assert!(v["expires_at"].is_string());

    // Not recoverable from the database: no column holds the secret.
    let row: String = sqlx::query_scalar("SELECT row_to_json(k)::text FROM api_keys k")
        .fetch_one(&pool)
        .await
        .expect("row");
    assert!(!row.contains(&key[3..]), "secret stored in clear: {row}");

    let list = app.call("GET", "/api/keys", &cookie, None).await;
    assert_eq!(list.status, 200);
    assert!(!list.text.contains(&key[3..]), "list leaks the secret");
    let l = list.json();
    let item = &l["keys"][0];
    let mut ikeys: Vec<_> = item.as_object().expect("obj").keys().cloned().collect();
    ikeys.sort();
    assert_eq!(
        ikeys,
        [
            "created_at",
            "expires_at",
            "id",
            "is_active",
            "last_used_at",
            "name",
            "prefix",
            "scope"
        ]
    );
    assert_eq!(item["is_active"], true);
    assert!(item["last_used_at"].is_null());

    let me = app
        .call("GET", "/api/auth/me", &Cred::Key(key.to_owned()), None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json()["auth"], "api_key");
    let used = app.call("GET", "/api/keys", &cookie, None).await.json();
    assert!(
        used["keys"][0]["last_used_at"].is_string(),
        "last_used_at kept"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn read_keys_cannot_write_and_revoked_or_expired_keys_fail(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let account = app.signup("Acme", "ann@acme.test").await;
    let read = Cred::Key(app.create_key(&account, "read").await);
    assert_eq!(app.call("GET", "/api/keys", &read, None).await.status, 200);
    let v = app
        .call(
            "POST",
            "/api/keys",
            &read,
            Some(json!({"name": "x", "scope": "read"})),
        )
        .await
        .assert_envelope(403, "INSUFFICIENT_SCOPE");
    assert_eq!(
        v["message"],
        "Read-only key cannot perform write operations"
    );
    assert_eq!(
        app.call("GET", "/api/auth/me", &read, None).await.json()["permissions"],
        json!(["SKILL_VIEW"])
    );

    let secret = app.create_key(&account, "read_write").await;
    let rw = Cred::Key(secret.clone());
    let list = app.call("GET", "/api/keys", &rw, None).await.json();
    let id = list["keys"][0]["id"].as_str().expect("id").to_owned();
    let del = app
        .call("DELETE", &format!("/api/keys/{id}"), &rw, None)
        .await;
    assert_eq!(del.status, 204, "{}", del.text);
    let v = app
        .call("GET", "/api/auth/me", &rw, None)
        .await
        .assert_envelope(401, "INVALID_API_KEY");
    assert_eq!(v["message"], "Invalid or inactive API key");

    let expiring = app.create_key(&account, "read_write").await;
    sqlx::query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE prefix = $1")
        .bind(&expiring[..11])
        .execute(&pool)
        .await
        .expect("expire");
    app.call("GET", "/api/auth/me", &Cred::Key(expiring), None)
        .await
        .assert_envelope(401, "INVALID_API_KEY");
    app.call(
        "GET",
        "/api/auth/me",
        &Cred::Key("sk-notarealkey0000000000000000000000".into()),
        None,
    )
    .await
    .assert_envelope(401, "INVALID_API_KEY");
    app.call("GET", "/api/auth/me", &Cred::Bearer("nope".into()), None)
        .await
        .assert_envelope(401, "EXPIRED_TOKEN");
}

#[sqlx::test(migrations = "../migrations")]
async fn another_tenant_cannot_see_or_revoke_keys(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let a = app.signup("Acme", "ann@acme.test").await;
    let b = app.signup("Globex", "bob@globex.test").await;
    app.create_key(&a, "read").await;
    let a_keys = app
        .call("GET", "/api/keys", &Cred::Cookie(a.cookie.clone()), None)
        .await
        .json();
    let a_key_id = a_keys["keys"][0]["id"].as_str().expect("id").to_owned();

    let b_cookie = Cred::Cookie(b.cookie.clone());
    let b_list = app.call("GET", "/api/keys", &b_cookie, None).await;
    assert_eq!(b_list.json()["keys"], json!([]));
    assert!(!b_list.text.contains(&a_key_id));
    app.call("DELETE", &format!("/api/keys/{a_key_id}"), &b_cookie, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    app.call("DELETE", "/api/keys/not-a-uuid", &b_cookie, None)
        .await
        .assert_envelope(404, "NOT_FOUND");
    let still = app
        .call("GET", "/api/keys", &Cred::Cookie(a.cookie), None)
        .await
        .json();
    assert_eq!(still["keys"][0]["is_active"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn key_requests_validate_scope_and_expiry(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let a = app.signup("Acme", "ann@acme.test").await;
    let c = Cred::Cookie(a.cookie);
    let v = app
        .call(
            "POST",
            "/api/keys",
            &c,
            Some(json!({"name": "k", "scope": "admin"})),
        )
        .await
        .assert_envelope(400, "INVALID_ENUM_VALUE");
    assert_eq!(
        v["details"]["allowed_values"],
        json!(["read", "read_write"])
    );
    app.call(
        "POST",
        "/api/keys",
        &c,
        Some(json!({"name": "k", "scope": "read", "expires_in_days": 0})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    app.call(
        "POST",
        "/api/keys",
        &Cred::Anon,
        Some(json!({"name": "k", "scope": "read"})),
    )
    .await
    .assert_envelope(401, "AUTH_REQUIRED");
}
