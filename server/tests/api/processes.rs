//! Two server processes on one database behave as one: sessions made on
//! one work on the other, and a key's per-minute budget is shared.

use crate::cli_support::database_url;
use serde_json::json;
use sqlx::PgPool;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn start(pool: &PgPool) -> Server {
    start_with(&database_url(pool), &[]).await
}

/// A server process on `database_url` with extra environment.
pub async fn start_with(database_url: &str, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("APP_ENV", "development")
        .env("RUST_LOG", "warn")
        // As in `test_config`: only a hang may reach the deadline or the
        // pool wait (a test about outages sets its own).
        .env(
            "REQUEST_TIMEOUT_SECS",
            crate::common::TEST_REQUEST_DEADLINE.as_secs().to_string(),
        )
        .env(
            "DB_ACQUIRE_TIMEOUT_MS",
            crate::common::TEST_ACQUIRE_TIMEOUT.as_millis().to_string(),
        )
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = reqwest::Client::new();
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("{}/api/health", server.base))
            .send()
            .await
        {
            if r.status().is_success() {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server on port {port} did not become healthy");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_processes_share_sessions_and_rate_limits(pool: PgPool) {
    let a = start(&pool).await;
    let b = start(&pool).await;
    let http = reqwest::Client::new();

    let signup = http
        .post(format!("{}/api/auth/signup", a.base))
        .json(&json!({"tenant_name": "Acme", "email": "ann@acme.test", "password": "correct horse battery"}))
        .send()
        .await
        .expect("signup");
    assert_eq!(signup.status(), 201);
    let cookie = signup
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_owned();

    let me = http
        .get(format!("{}/api/auth/me", b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("me on b");
    assert_eq!(me.status(), 200, "session made on A must work on B");

    let key = http
        .post(format!("{}/api/keys", b.base))
        .header("cookie", &cookie)
        .header("origin", &b.base)
        .json(&json!({"name": "shared", "scope": "read"}))
        .send()
        .await
        .expect("key")
        .json::<serde_json::Value>()
        .await
        .expect("key json")["key"]
        .as_str()
        .expect("key")
        .to_owned();

    // Stay inside one minute window: start with at least 15 s left in it.
    let into_minute = chrono::Utc::now().timestamp().rem_euclid(60);
    if into_minute > 45 {
        tokio::time::sleep(Duration::from_secs((61 - into_minute) as u64)).await;
    }
    let mut ok = 0;
    let mut limited = 0;
    for i in 0..80 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let r = http
            .get(format!("{base}/api/auth/me"))
            .header("x-api-key", &key)
            .send()
            .await
            .expect("request");
        match r.status().as_u16() {
            200 => ok += 1,
            429 => limited += 1,
            s => panic!("unexpected status {s}"),
        }
    }
    assert_eq!(
        (ok, limited),
        (60, 20),
        "exactly 60 of 80 in one minute across both"
    );
}
