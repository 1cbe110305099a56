//! Faults under load, against real server processes: SIGTERM completes
//! every in-flight request; a PostgreSQL restart costs only the seconds it
//! is down, answered with the 503 envelope, and needs no server restart.

use crate::cli_support::database_url;
use crate::processes::{free_port, start_with};
use sqlx::PgPool;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn client() -> reqwest::Client {
    // No connection reuse: a request either connects and is served, or is
    // refused; nothing is lost on a pooled connection being closed.
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

#[derive(Default)]
struct Tally {
    ok: u64,
    unavailable: u64,
    refused: u64,
    lost: Vec<String>,
    slowest: Duration,
}

/// Loops GETs on `url` from `workers` tasks until `stop`; tallies outcomes.
fn load(
    url: String,
    workers: usize,
    stop: Arc<AtomicBool>,
    tally: Arc<Mutex<Tally>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..workers)
        .map(|_| {
            let (url, stop, tally, http) = (url.clone(), stop.clone(), tally.clone(), client());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let outcome = match http.get(&url).send().await {
                        Ok(r) if r.status() == 200 => Ok(true),
                        Ok(r) if r.status() == 503 => {
                            let body: serde_json::Value = r.json().await.unwrap_or_default();
                            if body["code"] == "SERVICE_UNAVAILABLE" || body["status"] == "degraded"
                            {
                                Ok(false)
                            } else {
                                Err(Some(format!("503 without the envelope: {body}")))
                            }
                        }
                        Ok(r) => Err(Some(format!("status {}", r.status()))),
                        Err(e) if e.is_connect() => Err(None),
                        Err(e) => Err(Some(format!("{e:?}"))),
                    };
                    let took = started.elapsed();
                    let refused = matches!(outcome, Err(None));
                    {
                        let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
                        t.slowest = t.slowest.max(took);
                        match outcome {
                            Ok(true) => t.ok += 1,
                            Ok(false) => t.unavailable += 1,
                            Err(None) => t.refused += 1,
                            Err(Some(e)) => t.lost.push(e),
                        }
                    }
                    if refused {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            })
        })
        .collect()
}

/// A POST whose body arrives in two halves `pause` apart: the server has
/// accepted it and is reading it when the halves are split.
async fn slow_post(addr: String, key: String, body: String, pause: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/skills/private HTTP/1.1\r\nHost: {addr}\r\nX-API-Key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(first.as_bytes())
        .await
        .expect("first half");
    tokio::time::sleep(pause).await;
    stream
        .write_all(rest.as_bytes())
        .await
        .expect("second half");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply).await;
    reply.lines().next().unwrap_or_default().to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn sigterm_under_load_completes_every_in_flight_request(pool: PgPool) {
    let owner = crate::fixtures::actor(&pool, "Acme", "owner").await;
    let crate::common::Cred::Key(key) = owner.cred.clone() else {
        panic!("fixture uses keys")
    };
    let server = start_with(
        &database_url(&pool),
        &[
            ("RATE_LIMIT_ANONYMOUS", "100000000"),
            ("RATE_LIMIT_API_KEY", "100000000"),
        ],
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let url = format!("{}/api/public/v1/marketplace/skills?limit=20", server.base);
    let tasks = load(url, 6, stop.clone(), tally.clone());
    // However slow the machine, the load must be flowing before SIGTERM.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while tally.lock().map(|t| t.ok).unwrap_or(0) <= 20 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "load is not flowing"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Eight writes in flight: accepted, bodies half read, when SIGTERM lands.
    let addr = server.base.trim_start_matches("http://").to_owned();
    let in_flight: Vec<_> = (0..8)
        .map(|i| {
            let body = crate::fixtures::skill_body(&format!("In flight {i}")).to_string();
            tokio::spawn(slow_post(
                addr.clone(),
                key.clone(),
                body,
                Duration::from_millis(1500),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = server.child.id().to_string();
    let signalled = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let mut server = server;
    let exit = loop {
        if let Some(code) = server.child.try_wait().expect("wait") {
            break code;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let exited_after = signalled.elapsed();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("load task");
    }
    let mut answers = Vec::new();
    for t in in_flight {
        answers.push(t.await.expect("in-flight task"));
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM listings")
        .fetch_one(&pool)
        .await
        .expect("count");
    let t = tally.lock().unwrap_or_else(|p| p.into_inner());
    // Connections still in the kernel's accept queue when the listener
    // closes are reset, and accepted connections whose request was not yet
    // read are closed (IncompleteMessage): neither request ever started, so
    // neither was in flight. The eight slow writes are the in-flight proof.
    let never_started =
        |e: &String| e.contains("ConnectionReset") || e.contains("IncompleteMessage");
    let not_accepted = t.lost.iter().filter(|e| never_started(e)).count();
    let other: Vec<&String> = t.lost.iter().filter(|e| !never_started(e)).collect();
    eprintln!(
        "sigterm: 8 in-flight writes -> {answers:?}; background load {} served, {} refused, {not_accepted} closed before their request was read, {} other errors; exit {exit:?} after {exited_after:?}",
        t.ok, t.refused, other.len()
    );
    assert!(exit.success(), "clean exit: {exit:?}");
    assert!(
        answers.iter().all(|a| a.starts_with("HTTP/1.1 201")),
        "{answers:?}"
    );
    assert_eq!(stored, 8, "every in-flight write was stored");
    assert!(other.is_empty(), "{other:?}");
}

/// A PostgreSQL cluster of the test's own, which it may stop and start.
pub struct Cluster {
    bin: String,
    dir: String,
    pub port: u16,
}

impl Cluster {
    fn run(&self, args: &[&str]) -> bool {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout.starts_with(b"0"))
            .unwrap_or(false);
        let tool = format!("{}/{}", self.bin, args[0]);
        let mut cmd = if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", &tool]);
            c
        } else {
            Command::new(&tool)
        };
        cmd.args(&args[1..])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd.status().map(|s| s.success()).unwrap_or(false)
    }

    pub fn start(&self) {
        let opts = format!("-p {} -c listen_addresses=127.0.0.1 -k /tmp", self.port);
        assert!(
            self.run(&["pg_ctl", "-D", &self.dir, "-o", &opts, "-w", "-t", "30", "start"]),
            "pg_ctl start"
        );
    }

    pub fn stop(&self) {
        assert!(
            self.run(&["pg_ctl", "-D", &self.dir, "-m", "fast", "-w", "stop"]),
            "pg_ctl stop"
        );
    }

    fn server_bin() -> Option<String> {
        Some(
            std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .filter(|p| p.join("pg_ctl").exists())
                .max()?
                .to_string_lossy()
                .into_owned(),
        )
    }

    fn new_dir() -> Option<String> {
        let dir = format!(
            "/var/tmp/marketplace-outage-{}",
            uuid::Uuid::now_v7().simple()
        );
        std::fs::create_dir_all(&dir).ok()?;
        let _ = Command::new("chown").args(["postgres:", &dir]).status();
        Some(dir)
    }

    /// A streaming replica of this (running) cluster, made with
    /// `pg_basebackup -R`, on a port of its own; not started.
    pub fn replica(&self) -> Option<Cluster> {
        let parent = Self::new_dir()?;
        let c = Cluster {
            bin: self.bin.clone(),
            dir: format!("{parent}/data"),
            port: free_port(),
        };
        let port = self.port.to_string();
        c.run(&[
            "pg_basebackup",
            "-D",
            &c.dir,
            "-R",
            // An immediate checkpoint, not the next scheduled one.
            "-c",
            "fast",
            "-X",
            "stream",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-U",
            "postgres",
        ])
        .then_some(c)
    }

    pub fn create() -> Option<Cluster> {
        let c = Cluster {
            bin: Self::server_bin()?,
            dir: Self::new_dir()?,
            port: free_port(),
        };
        c.run(&[
            "initdb",
            "-D",
            &c.dir,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ])
        .then_some(c)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(&["pg_ctl", "-D", &self.dir, "-m", "immediate", "stop"]);
        // A replica's data sits one level down (see `replica`).
        let dir = self.dir.strip_suffix("/data").unwrap_or(&self.dir);
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn database_restart_under_load_costs_only_the_outage() {
    let Some(cluster) = Cluster::create() else {
        panic!("PostgreSQL server binaries (initdb, pg_ctl) are needed for the outage test");
    };
    cluster.start();
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
    let mut server = start_with(
        &url,
        &[
            ("RATE_LIMIT_ANONYMOUS", "100000000"),
            ("DB_ACQUIRE_TIMEOUT_MS", "1000"),
            ("REQUEST_TIMEOUT_SECS", "5"),
        ],
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let browse = format!("{}/api/public/v1/marketplace/skills?limit=20", server.base);
    let tasks = load(browse, 4, stop.clone(), tally.clone());
    tokio::time::sleep(Duration::from_secs(1)).await;

    cluster.stop();
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let http = client();
    let health = http
        .get(format!("{}/api/health", server.base))
        .send()
        .await
        .expect("health while down");
    assert_eq!(health.status(), 503);
    let h: serde_json::Value = health.json().await.expect("health json");
    assert_eq!(h["status"], "degraded");
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.start();
    let outage = down.elapsed();

    // Recovery without restarting the server: all good within a few seconds.
    let recovered = Instant::now();
    loop {
        let r = http.get(format!("{}/api/health", server.base)).send().await;
        if r.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(
            recovered.elapsed() < Duration::from_secs(15),
            "no recovery within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovery = recovered.elapsed();
    let ok_before = tally.lock().map(|t| t.ok).unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("load task");
    }
    let t = tally.lock().unwrap_or_else(|p| p.into_inner());
    eprintln!(
        "outage: {} ok, {} answered 503, {} lost; database down {outage:?}, recovered {recovery:?} after restart, slowest {:?}",
        t.ok, t.unavailable, t.lost.len(), t.slowest
    );
    assert!(
        t.lost.is_empty(),
        "only 200 or the 503 envelope: {:?}",
        &t.lost[..t.lost.len().min(5)]
    );
    assert!(t.unavailable > 0, "the outage was seen");
    assert!(t.ok > ok_before, "requests succeed again after the restart");
    assert!(
        t.slowest < Duration::from_secs(6),
        "no request hung past the timeout: {:?}",
        t.slowest
    );
    assert!(
        server.child.try_wait().expect("wait").is_none(),
        "the server process was never restarted"
    );
}

/// The database the app reads goes away (connections terminated, then
/// reconnects refused because it no longer exists): every request, not
/// only the first, is the documented 503 envelope, never a 500.
#[sqlx::test(migrations = "../migrations")]
async fn a_vanished_database_is_a_503_on_every_request(pool: PgPool) {
    let name = format!("gone_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .expect("create database");
    let url = database_url(&pool);
    let url = format!("{}/{name}", url.rsplit_once('/').expect("url").0);
    let other = PgPool::connect(&url).await.expect("connect");
    sqlx::migrate!("../migrations")
        .run(&other)
        .await
        .expect("migrate");
    let app = crate::common::TestApp::new(other.clone()).await;
    app.get("/api/public/v1/marketplace/tags").await;
    other.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&pool)
        .await
        .expect("drop database");
    for i in 0..4 {
        let r = app.get("/api/public/v1/marketplace/tags").await;
        assert_eq!(r.status, 503, "request {i}: {}", r.text);
        r.assert_envelope(503, "SERVICE_UNAVAILABLE");
    }
}
