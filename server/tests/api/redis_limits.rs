//! Rate limits counted in a real redis-server started by the test: two app
//! processes share one key's budget exactly, and a Redis that dies is
//! replaced by PostgreSQL without a single 5xx while health says degraded.

use crate::cli_support::database_url;
use crate::common::Cred;
use crate::fixtures::actor;
use crate::processes::{free_port, start_with};
use sqlx::PgPool;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Redis {
    child: Child,
    url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A throwaway redis-server on a free port, keeping nothing on disk.
async fn start_redis() -> Redis {
    let port = free_port();
    let redis = Redis {
        child: Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir", "/tmp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (the test command installs it when missing)"),
        url: format!("redis://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return redis;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("redis-server on {port} did not start");
}

async fn redis_windows(url: &str) -> usize {
    let out = Command::new("redis-cli")
        .args(["-u", url, "--scan", "--pattern", "rl:*"])
        .output()
        .expect("redis-cli");
    String::from_utf8_lossy(&out.stdout).lines().count()
}

#[sqlx::test(migrations = "../migrations")]
async fn two_processes_share_a_budget_through_redis_and_survive_its_loss(pool: PgPool) {
    let mut redis = start_redis().await;
    let owner = actor(&pool, "Acme", "owner").await;
    let Cred::Key(key) = owner.cred else {
        panic!("fixture actors carry a key")
    };
    let env = [
        ("REDIS_URL", redis.url.as_str()),
        ("RATE_LIMIT_API_KEY", "60"),
    ];
    let db = database_url(&pool);
    let a = start_with(&db, &env).await;
    let b = start_with(&db, &env).await;
    let http = reqwest::Client::new();

    // Stay inside one minute window: start with at least 15 s left in it.
    let into_minute = chrono::Utc::now().timestamp().rem_euclid(60);
    if into_minute > 45 {
        tokio::time::sleep(Duration::from_secs((61 - into_minute) as u64)).await;
    }
    let (mut ok, mut limited) = (0, 0);
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
    assert_eq!((ok, limited), (60, 20), "exactly 60 of 80 across both");
    assert!(redis_windows(&redis.url).await >= 1, "counted in Redis");
    let in_postgres: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rate_limit_windows WHERE bucket LIKE 'api:key:%'")
            .fetch_one(&pool)
            .await
            .expect("windows");
    assert_eq!(
        in_postgres, 0,
        "nothing counted in PostgreSQL while Redis is up"
    );
    let health: serde_json::Value = http
        .get(format!("{}/api/health", a.base))
        .send()
        .await
        .expect("health")
        .json()
        .await
        .expect("json");
    assert_eq!(health["services"]["redis"], "healthy", "{health}");
    assert_eq!(health["status"], "healthy");

    // Redis dies: PostgreSQL counts instead, and nothing answers 5xx.
    let _ = redis.child.kill();
    let _ = redis.child.wait();
    for i in 0..20 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let r = http
            .get(format!("{base}/api/auth/me"))
            .header("x-api-key", &key)
            .send()
            .await
            .expect("request");
        assert!(
            matches!(r.status().as_u16(), 200 | 429),
            "status {} with Redis gone",
            r.status()
        );
    }
    let in_postgres: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rate_limit_windows WHERE bucket LIKE 'api:key:%'")
            .fetch_one(&pool)
            .await
            .expect("windows");
    assert!(in_postgres >= 1, "the fallback counts in PostgreSQL");
    let r = http
        .get(format!("{}/api/health", b.base))
        .send()
        .await
        .expect("health");
    assert_eq!(r.status(), 200, "only the primary database failing is 503");
    let health: serde_json::Value = r.json().await.expect("json");
    assert_eq!(health["services"]["redis"], "unhealthy", "{health}");
    assert_eq!(health["status"], "degraded");
}
