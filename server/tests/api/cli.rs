use crate::common::{Cred, TestApp};
use serde_json::Value;
use sqlx::PgPool;
use std::process::Command;

use crate::cli_support::database_url;

fn marketplace(pool: &PgPool, args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(args)
        .env("DATABASE_URL", database_url(pool))
        // The demo seed runs only in development (attacks_doors checks why).
        .env("APP_ENV", "development")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run marketplace");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_cli_creates_tenant_user_and_key(pool: PgPool) {
    let (ok, t, err) = marketplace(
        &pool,
        &[
            "admin",
            "create-tenant",
            "--name",
            "Ops",
            "--plan",
            "enterprise",
        ],
    );
    assert!(ok, "{err}");
    let tenant = t["tenant_id"].as_str().expect("tenant_id").to_owned();
    let plan: String = sqlx::query_scalar("SELECT plan FROM tenants WHERE id = $1::uuid")
        .bind(&tenant)
        .fetch_one(&pool)
        .await
        .expect("tenant row");
    assert_eq!(plan, "enterprise");

    let (ok, u, err) = marketplace(
        &pool,
        &[
            "admin",
            "create-user",
            "--tenant",
            &tenant,
            "--email",
            "op@ops.test",
            "--password",
            "operator pass",
            "--role",
            "super_admin",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(u["tenant_id"], tenant.as_str());
    let user = u["user_id"].as_str().expect("user_id").to_owned();

    let (ok, k, err) = marketplace(
        &pool,
        &[
            "admin",
            "create-api-key",
            "--user",
            &user,
            "--scope",
            "read_write",
        ],
    );
    assert!(ok, "{err}");
    let key = k["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("sk-"));
    assert!(k["key_id"].is_string());

    let app = TestApp::new(pool.clone()).await;
    let me = app.call("GET", "/api/auth/me", &Cred::Key(key), None).await;
    assert_eq!(me.status, 200, "{}", me.text);
    let v = me.json();
    assert_eq!(v["role"], "super_admin");
    assert!(v["permissions"]
        .as_array()
        .expect("perms")
        .iter()
        .any(|p| p == "GOVERNANCE_APPROVE"));

    // Failures: non-zero exit, message on stderr, nothing on stdout.
    let (ok, out, err) = marketplace(
        &pool,
        &["admin", "create-tenant", "--name", "X", "--plan", "gold"],
    );
    assert!(!ok);
    assert!(out.is_null());
    assert!(err.contains("plan"), "{err}");
    let (ok, _, err) = marketplace(
        &pool,
        &[
            "admin",
            "create-user",
            "--tenant",
            &tenant,
            "--email",
            "op@ops.test",
            "--password",
            "operator pass",
        ],
    );
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
}

#[sqlx::test(migrations = "../migrations")]
async fn demo_seed_is_idempotent_and_lively(pool: PgPool) {
    let (ok, first, err) = marketplace(&pool, &["seed", "--demo"]);
    assert!(ok, "{err}");
    assert_eq!(first, serde_json::json!({"seeded": true}));
    let (ok, second, err) = marketplace(&pool, &["seed", "--demo"]);
    assert!(ok, "{err}");
    assert_eq!(second, serde_json::json!({"seeded": false}));

    let app = TestApp::new(pool.clone()).await;
    let v = app
        .call(
            "GET",
            "/api/public/v1/marketplace/skills?limit=100",
            &Cred::Anon,
            None,
        )
        .await
        .json();
    assert_eq!(
        v["total"], 31,
        "36 demo skills, 4 left pending review, 1 deprecated (left out of browse)"
    );
    let skills = v["skills"].as_array().expect("skills");
    assert!(skills
        .iter()
        .any(|s| s["installs"].as_i64().unwrap_or(0) > 5));
    assert!(skills
        .iter()
        .any(|s| s["rating_count"].as_i64().unwrap_or(0) > 3));
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listings WHERE status = 'pending_approval'")
            .fetch_one(&pool)
            .await
            .expect("pending");
    assert_eq!(pending, 5, "4 skills and 1 domain wait for review");
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM listing_versions")
        .fetch_one(&pool)
        .await
        .expect("versions");
    assert_eq!(versions, 36);

    // Every kind has a catalog; the documented built-in templates answer
    // by their string ids.
    let t = app
        .expect(
            "GET",
            "/api/marketplace/templates/tmpl_email_summarizer",
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(t["name"], "Daily Email Summarizer");
    assert_eq!(
        t["workflow_data"]["nodes"][0]["config"]["cron"],
        "0 9 * * *"
    );
    assert!(t["downloads"].as_i64().unwrap_or(0) > 0);
    let featured = app
        .expect(
            "GET",
            "/api/marketplace/templates/featured",
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(featured.as_array().map(Vec::len), Some(3));
    let c = app
        .expect(
            "GET",
            "/api/canvas-marketplace/components",
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(c["total"], 6);
    let d = app
        .expect(
            "GET",
            "/api/v1/domains/marketplace/stats",
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(
        (
            d["approved_domains"].as_i64(),
            d["pending_domains"].as_i64()
        ),
        (Some(4), Some(1))
    );
    assert!(d["total_installs"].as_i64().unwrap_or(0) > 10);
    let agents: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM listings WHERE kind = 'agent_template' AND status = 'approved' AND installs > 0",
    )
    .fetch_one(&pool)
    .await
    .expect("agent templates");
    assert!(agents > 0);
}
