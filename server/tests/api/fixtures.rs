//! Fast fixtures: tenants, users and API keys written straight to the
//! database (no password hashing), and skills through the real routes.

use crate::common::{Cred, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

pub struct Actor {
    pub tenant_id: Uuid,
    pub cred: Cred,
}

/// A tenant with one user of `role` and a read_write API key.
pub async fn actor(pool: &PgPool, name: &str, role: &str) -> Actor {
    actor_with_scope(pool, name, role, "read_write").await
}

pub async fn actor_with_scope(pool: &PgPool, name: &str, role: &str, scope: &str) -> Actor {
    let tenant_id = Uuid::now_v7();
    let user_id = Uuid::now_v7();
    sqlx::query("INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)")
        .bind(tenant_id)
        .bind(name)
        .bind(format!("t-{}", tenant_id.simple()))
        .execute(pool)
        .await
        .expect("tenant");
    sqlx::query("INSERT INTO users (id, tenant_id, email, password_hash, role) VALUES ($1, $2, $3, 'x', $4)")
        .bind(user_id)
        .bind(tenant_id)
        .bind(format!("{}@fixture.test", user_id.simple()))
        .bind(role)
        .execute(pool)
        .await
        .expect("user");
    let key = app::backend::secrets::new_api_key();
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, scope, prefix, key_hash) VALUES ($1, $2, $3, 'k', $4, $5, $6)",
    )
    .bind(Uuid::now_v7())
    .bind(tenant_id)
    .bind(user_id)
    .bind(scope)
    .bind(&key[..11])
    .bind(app::backend::secrets::hash_secret(&key))
    .execute(pool)
    .await
    .expect("key");
    Actor {
        tenant_id,
        cred: Cred::Key(key),
    }
}

pub fn skill_body(name: &str) -> Value {
    json!({
        "name": name,
        "description": format!("{name} does useful things"),
        "skill_type": "function",
        "input_schema": {"type": "object", "properties": {"data": {"type": "string"}}},
        "output_schema": {"type": "object", "properties": {"result": {"type": "string"}}},
        "config": {"timeout": 30},
        "code": "def execute(data): return {'result': data}",
        "category": "productivity",
        "tags": ["python", "data"],
    })
}

/// A private skill of the actor's tenant; returns its id.
pub async fn private_skill(app: &TestApp, owner: &Actor, body: Value) -> String {
    let r = app
        .call("POST", "/api/v1/skills/private", &owner.cred, Some(body))
        .await;
    assert_eq!(r.status, 201, "create private skill: {}", r.text);
    r.json()["skill_id"].as_str().expect("skill_id").to_owned()
}

/// A skill created, published and approved; returns its listing id.
pub async fn approved_skill(app: &TestApp, owner: &Actor, operator: &Actor, body: Value) -> String {
    let id = private_skill(app, owner, body).await;
    let r = app
        .call(
            "POST",
            "/api/skills/publish",
            &owner.cred,
            Some(json!({ "skill_id": id })),
        )
        .await;
    assert_eq!(r.status, 200, "publish: {}", r.text);
    let r = app
        .call(
            "POST",
            &format!("/api/skills/approve/{id}"),
            &operator.cred,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "approve: {}", r.text);
    id
}

pub fn sorted_keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

/// The public detail of a skill, as an anonymous visitor sees it.
pub async fn public_detail(app: &TestApp, id: &str) -> Value {
    let r = app
        .call(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{id}"),
            &Cred::Anon,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "public detail: {}", r.text);
    r.json()
}

/// The maintained per-category counts equal a fresh count of the table.
pub async fn assert_counts_match(pool: &PgPool) {
    let drift: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "WITH actual AS (
             SELECT kind, k AS category, count(*) AS n
             FROM listings, LATERAL (VALUES (coalesce(category, '')), ('*')) AS v(k)
             WHERE status = 'approved' GROUP BY kind, k)
         SELECT coalesce(a.kind, c.kind), coalesce(a.category, c.category),
                coalesce(a.n, 0), coalesce(c.approved, 0)
         FROM actual a FULL JOIN listing_counts c USING (kind, category)
         WHERE coalesce(a.n, 0) <> coalesce(c.approved, 0)",
    )
    .fetch_all(pool)
    .await
    .expect("counts");
    assert!(
        drift.is_empty(),
        "listing_counts drifted (kind, category, actual, kept): {drift:?}"
    );
}
