use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use serde_json::Value;
use server::config::Config;
use sqlx::PgPool;
use std::time::Duration;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    /// The app's own pool (configured as in production).
    pub pool: PgPool,
}

pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the documented envelope with this status and code.
    pub fn assert_envelope(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "status; body: {}", self.text);
        let v = self.json();
        assert_eq!(v["code"], code, "code; body: {}", self.text);
        assert!(v["error"].is_string(), "error title missing: {v}");
        assert!(v["message"].is_string(), "message missing: {v}");
        let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        for k in &keys {
            assert!(
                ["error", "message", "code", "details", "retry_after"].contains(&k.as_str()),
                "unexpected key {k} in envelope {v}"
            );
        }
        v
    }
}

/// The tests' request deadline: far beyond any request of a loaded
/// machine, so only a hang reaches it (production keeps its 30 s).
pub const TEST_REQUEST_DEADLINE: Duration = Duration::from_secs(240);
/// The tests' wait for a pooled connection, for the same reason.
pub const TEST_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a test waits for the router's answer (and then for its body)
/// before failing: past the deadline, so a slow request is the router's
/// `408`, never a test's own timer.
const TEST_WAIT: Duration = Duration::from_secs(300);

pub fn test_config() -> Config {
    use clap::Parser;
    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        config: Config,
    }
    let mut config = Wrapper::parse_from(["marketplace"]).config;
    // Debug-build SSR of a whole page while every other test runs on the
    // same two busy cores can take many seconds: no test may hinge on how
    // fast that is, so here the deadline only catches hangs. The deadline
    // itself is tested with a short one and a request that cannot finish
    // (`reference_details::the_request_deadline_*`).
    config.request_timeout_secs = TEST_REQUEST_DEADLINE.as_secs();
    config.body_limit_bytes = 64 * 1024;
    // Two cores run every test at once: a pool wait of many seconds is
    // contention, not an outage, so it too only catches hangs (an outage
    // is a closed pool or a stopped server: those fail at once).
    config.acquire_timeout_ms = TEST_ACQUIRE_TIMEOUT.as_millis() as u64;
    config.app_env = "development".into();
    // Rate-limit tests lower these; everything else must not hit them.
    config.rate_limit_anonymous = 100_000;
    config.rate_limit_api_key = 100_000;
    config.rate_limit_oauth = 100_000;
    config.rate_limit_session = 100_000;
    config.rate_limit_pages = 100_000;
    config.rate_limit_pages_session = 100_000;
    config
}

impl TestApp {
    pub async fn new(pool: PgPool) -> Self {
        Self::with_config(pool, test_config()).await
    }

    pub async fn with_config(pool: PgPool, config: Config) -> Self {
        // Warnings and errors go to stderr (RUST_LOG overrides): a 500's
        // cause shows up beside the failing test without drowning the rest.
        if std::env::var_os("RUST_LOG").is_none() {
            std::env::set_var("RUST_LOG", "warn,tower_http=off");
        }
        server::telemetry::init();
        server::run::migrate_pool(&pool)
            .await
            .expect("session store migration");
        let pool = server::run::pool_with(&config, pool.connect_options().as_ref().clone());
        let state = server::run::app_state(&config, pool.clone());
        let mut http = server::run::http_settings(&config);
        // One rate-limit window for the whole test: a budget test must not
        // see its count reset because a minute ended while it ran.
        // Half a minute past the current one: never a window the clock
        // itself would count in.
        let now = chrono::Utc::now().timestamp();
        http.rate_limits.pinned_window =
            chrono::DateTime::from_timestamp(now - now.rem_euclid(60) + 30, 0);
        let router = server::build_router(state, http);
        TestApp { router, pool }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let response = tokio::time::timeout(TEST_WAIT, self.router.clone().oneshot(req))
            .await
            .expect("request did not finish within TEST_WAIT")
            .expect("router is infallible");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // A streamed page must end too: a stream that stalls fails the test
        // here instead of hanging the suite.
        let bytes = tokio::time::timeout(TEST_WAIT, response.into_body().collect())
            .await
            .expect("body did not finish within TEST_WAIT")
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }
}

pub const HOST: &str = "marketplace.test";
pub const ORIGIN: &str = "http://marketplace.test";

/// How a test request authenticates.
#[derive(Clone, Debug)]
pub enum Cred {
    Anon,
    Cookie(String),
    Key(String),
    Bearer(String),
}

pub struct Account {
    pub cookie: String,
    pub user_id: String,
    pub tenant_id: String,
}

impl Reply {
    /// The `name=value` pair of the Set-Cookie header, if any.
    pub fn cookie(&self) -> Option<String> {
        self.header("set-cookie")
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }
}

impl TestApp {
    /// A request as a same-origin browser or an API client would send it.
    pub async fn call(&self, method: &str, uri: &str, cred: &Cred, body: Option<Value>) -> Reply {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("host", HOST);
        match cred {
            Cred::Anon => {}
            Cred::Cookie(c) => b = b.header("cookie", c).header("origin", ORIGIN),
            Cred::Key(k) => b = b.header("x-api-key", k),
            Cred::Bearer(t) => b = b.header("authorization", format!("Bearer {t}")),
        }
        let body = match body {
            Some(v) => {
                b = b.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).expect("request")).await
    }

    pub async fn signup(&self, tenant: &str, email: &str) -> Account {
        let r = self
            .call(
                "POST",
                "/api/auth/signup",
                &Cred::Anon,
                Some(serde_json::json!({
                    "tenant_name": tenant, "email": email, "password": "correct horse battery"
                })),
            )
            .await;
        assert_eq!(r.status, 201, "signup: {}", r.text);
        let v = r.json();
        Account {
            cookie: r.cookie().expect("session cookie"),
            user_id: v["user_id"].as_str().expect("user_id").to_owned(),
            tenant_id: v["tenant_id"].as_str().expect("tenant_id").to_owned(),
        }
    }

    /// A new API key of the account's user; returns the secret.
    pub async fn create_key(&self, account: &Account, scope: &str) -> String {
        let r = self
            .call(
                "POST",
                "/api/keys",
                &Cred::Cookie(account.cookie.clone()),
                Some(serde_json::json!({ "name": format!("{scope} key"), "scope": scope })),
            )
            .await;
        assert_eq!(r.status, 201, "create key: {}", r.text);
        r.json()["key"].as_str().expect("key").to_owned()
    }
}

impl TestApp {
    /// A call that must answer `status`; returns its JSON body.
    pub async fn expect(
        &self,
        method: &str,
        uri: &str,
        cred: &Cred,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let r = self.call(method, uri, cred, body).await;
        assert_eq!(r.status, status, "{method} {uri}: {}", r.text);
        if r.text.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    }
}
