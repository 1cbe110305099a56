//! Prometheus metrics on their own address (`METRICS_BIND`), against a
//! real server process: counters move by exactly the requests sent, labels
//! are route templates (never ids or invented paths), the public address
//! never serves them, and without the variable nothing more listens.

use crate::cli_support::database_url;
use crate::common::TestApp;
use crate::fixtures::{actor, approved_skill, skill_body};
use crate::processes::{free_port, start_with};
use openmetrics_parser::{prometheus::parse_prometheus, PrometheusValue};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One series of a scrape; a histogram is read as its `_count` and one
/// `_bucket` per bound (`le`), as Prometheus itself stores it.
struct Series {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

struct Metrics {
    text: String,
    series: Vec<Series>,
}

impl Metrics {
    fn matching<'a>(
        &'a self,
        name: &'a str,
        labels: &'a [(&str, &str)],
    ) -> impl Iterator<Item = &'a Series> + 'a {
        self.series.iter().filter(move |s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
    }

    /// The sum over series named `name` whose labels include `labels`
    /// (absent: 0, as Prometheus treats a series not yet born).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.matching(name, labels).map(|s| s.value).sum()
    }

    fn has(&self, name: &str, labels: &[(&str, &str)]) -> bool {
        self.matching(name, labels).next().is_some()
    }
}

async fn scrape(http: &reqwest::Client, metrics_base: &str) -> Metrics {
    let r = http
        .get(format!("{metrics_base}/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(r.status(), 200, "scrape status");
    let ctype = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(ctype.starts_with("text/plain"), "content type {ctype}");
    let text = r.text().await.expect("scrape body");
    // A grammar of the text format: anything malformed fails the parse.
    let exposition =
        parse_prometheus(&text).unwrap_or_else(|e| panic!("not Prometheus text ({e:?}):\n{text}"));
    let mut series = Vec::new();
    for (family, f) in &exposition.families {
        for sample in f.iter_samples() {
            let labels: HashMap<String, String> = sample
                .get_labelset()
                .expect("labels bound to the family")
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut push = |name: String, labels: HashMap<String, String>, value: f64| {
                series.push(Series {
                    name,
                    labels,
                    value,
                })
            };
            match &sample.value {
                PrometheusValue::Counter(c) => push(family.clone(), labels, c.value.as_f64()),
                PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => {
                    push(family.clone(), labels, n.as_f64())
                }
                PrometheusValue::Histogram(h) => {
                    for b in &h.buckets {
                        let mut l = labels.clone();
                        let le = if b.upper_bound.is_infinite() {
                            "+Inf".to_owned()
                        } else {
                            b.upper_bound.to_string()
                        };
                        l.insert("le".into(), le);
                        push(format!("{family}_bucket"), l, b.count.as_f64());
                    }
                    let count = h.count.map_or(f64::NAN, |c| c as f64);
                    push(format!("{family}_count"), labels, count);
                }
                PrometheusValue::Summary(_) => panic!("{family} is a summary, not a histogram"),
            }
        }
    }
    Metrics { text, series }
}

/// Listening TCP sockets owned by `pid` (its fds matched against the
/// kernel's table of sockets in state LISTEN).
fn listening_sockets(pid: u32) -> usize {
    let inodes: HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("fd dir")
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|p| {
            let s = p.to_string_lossy().into_owned();
            s.strip_prefix("socket:[")
                .and_then(|r| r.strip_suffix(']'))
                .map(str::to_owned)
        })
        .collect();
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|t| t.lines().skip(1).map(str::to_owned).collect::<Vec<_>>())
        .filter(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.get(3) == Some(&"0A") && cols.get(9).is_some_and(|i| inodes.contains(*i))
        })
        .count()
}

#[sqlx::test(migrations = "../migrations")]
async fn metrics_count_requests_by_route_template_on_their_own_address(pool: PgPool) {
    // The in-process app runs without a recorder installed and still works.
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let a = approved_skill(&app, &owner, &operator, skill_body("Alpha Metric")).await;
    let b = approved_skill(&app, &owner, &operator, skill_body("Beta Metric")).await;
    let missing = uuid::Uuid::now_v7().to_string();
    let junk_path = format!("/api/no-such-route-{}", uuid::Uuid::now_v7().simple());

    let metrics_port = free_port();
    let metrics_bind = format!("127.0.0.1:{metrics_port}");
    let server = start_with(
        &database_url(&pool),
        &[
            ("METRICS_BIND", metrics_bind.as_str()),
            ("RATE_LIMIT_ANONYMOUS", "1000"),
            ("RATE_LIMIT_PAGES", "1"),
            ("LOGIN_FAILURES_PER_ACCOUNT", "1"),
        ],
    )
    .await;
    let metrics_base = format!("http://{metrics_bind}");
    let http = reqwest::Client::new();
    assert_eq!(
        listening_sockets(server.child.id()),
        2,
        "the app and the metrics listener"
    );

    let before = scrape(&http, &metrics_base).await;
    let get = |path: String| {
        let http = http.clone();
        let base = server.base.clone();
        async move {
            http.get(format!("{base}{path}"))
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    for _ in 0..3 {
        assert_eq!(get("/api/health".into()).await, 200);
    }
    for id in [&a, &b] {
        assert_eq!(
            get(format!("/api/public/v1/marketplace/skills/{id}")).await,
            200
        );
    }
    assert_eq!(
        get(format!("/api/public/v1/marketplace/skills/{missing}")).await,
        404
    );
    assert_eq!(get(junk_path.clone()).await, 404);
    // The public address has no /metrics. It is the first page-door hit
    // of whatever window it falls in, so within the budget of one.
    assert_eq!(get("/metrics".into()).await, 404);
    // Then the page budget (one a minute) is spent: at least three of
    // these four are refused even if a minute boundary falls between.
    let mut refused = 0;
    for _ in 0..4 {
        match get("/".into()).await {
            429 => refused += 1,
            200 => {}
            s => panic!("page answered {s}"),
        }
    }
    assert!(refused >= 3, "only {refused} of 4 refused");
    // One failed log-in spends this account's budget; the rest are refused.
    let mut logins = Vec::new();
    for _ in 0..3 {
        let r = http
            .post(format!("{}/api/auth/login", server.base))
            .json(
                &serde_json::json!({"email": "nobody@metrics.test", "password": "wrong password"}),
            )
            .send()
            .await
            .expect("login");
        logins.push(r.status().as_u16());
    }
    assert_eq!(logins, [401, 429, 429]);
    // The metrics address serves nothing of the app.
    let r = http
        .get(format!("{metrics_base}/api/health"))
        .send()
        .await
        .expect("app route on metrics address");
    assert_eq!(r.status(), 404);

    let after = scrape(&http, &metrics_base).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    let requests_with = |method: &str, route: &str, status: &str| {
        moved(
            "http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    let requests = |route: &str, status: &str| requests_with("GET", route, status);
    let detail = "/api/public/v1/marketplace/skills/{id}";
    assert_eq!(requests("/api/health", "200"), 3.0);
    assert_eq!(requests(detail, "200"), 2.0, "both ids, one template");
    assert_eq!(requests(detail, "404"), 1.0);
    assert_eq!(
        requests("unmatched", "404"),
        2.0,
        "the junk API path and /metrics on the public address"
    );
    assert_eq!(requests("/", "429"), f64::from(refused));
    assert_eq!(requests("/", "200"), f64::from(4 - refused));
    // Histograms: one observation per request, under the same template.
    let timed = |route: &str| {
        moved(
            "http_request_duration_seconds_count",
            &[("method", "GET"), ("route", route)],
        )
    };
    assert_eq!(timed("/api/health"), 3.0);
    assert_eq!(timed(detail), 3.0);
    let inf = [("method", "GET"), ("route", detail), ("le", "+Inf")];
    assert_eq!(
        after.value("http_request_duration_seconds_bucket", &inf)
            - before.value("http_request_duration_seconds_bucket", &inf),
        3.0,
        "latency is a histogram with buckets"
    );
    assert_eq!(
        moved(
            "rate_limit_rejections_total",
            &[("bucket", "page_anonymous")]
        ),
        f64::from(refused)
    );
    assert_eq!(moved("login_lockouts_total", &[]), 2.0);
    assert_eq!(
        requests_with("POST", "/api/auth/login", "429"),
        2.0,
        "a lockout is also a 429 of its route"
    );
    // Raw paths never become labels: no id, no invented path, no address.
    for raw in [
        a.as_str(),
        b.as_str(),
        missing.as_str(),
        junk_path.as_str(),
        "127.0.0.1",
        "nobody@metrics.test",
    ] {
        assert!(
            !after.text.contains(raw),
            "{raw} leaked into the metrics:\n{}",
            after.text
        );
    }
    // Pool connections by state, read at scrape time.
    assert!(after.has(
        "db_pool_connections",
        &[("pool", "primary"), ("state", "idle")]
    ));
    assert!(after.has(
        "db_pool_connections",
        &[("pool", "primary"), ("state", "in_use")]
    ));
    let open = after.value("db_pool_connections", &[("pool", "primary")]);
    assert!((1.0..=16.0).contains(&open), "{open} pooled connections");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_metrics_bind_nothing_more_listens(pool: PgPool) {
    let server = start_with(&database_url(&pool), &[]).await;
    assert_eq!(
        listening_sockets(server.child.id()),
        1,
        "only the app's own address"
    );
    let r = reqwest::get(format!("{}/metrics", server.base))
        .await
        .expect("metrics on the public address");
    assert_eq!(r.status(), 404);
}

/// Waits for a process that must refuse to start; answers its exit code.
fn exit_code_of(mut child: std::process::Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started although its metrics address is unusable");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unusable_metrics_address_stops_start_up(pool: PgPool) {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("hold a port");
    let taken_addr = taken.local_addr().expect("addr").to_string();
    for bind in ["not-an-address", taken_addr.as_str()] {
        let child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .arg("serve")
            .env("DATABASE_URL", database_url(&pool))
            .env("BIND_ADDR", format!("127.0.0.1:{}", free_port()))
            .env("METRICS_BIND", bind)
            .env("APP_ENV", "development")
            .env("RUST_LOG", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server");
        assert_ne!(exit_code_of(child), 0, "METRICS_BIND={bind}");
    }
    drop(taken);
}
