//! Configuration from the environment (or flags), with defaults that run
//! locally. Secrets never appear in `Debug`.

use clap::Args;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone, Args)]
pub struct Config {
    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "BIND_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,
    /// PostgreSQL connection string.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/marketplace",
        global = true
    )]
    pub database_url: String,
    /// A streaming replica for read-only use cases (browse, search, details,
    /// reviews, pages); unset, everything reads from the primary.
    #[arg(long, env = "DATABASE_READ_URL", global = true)]
    pub database_read_url: Option<String>,
    /// Largest number of pooled database connections.
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 16, global = true)]
    pub pool_size: u32,
    /// How long a request waits for a pooled connection, in milliseconds.
    #[arg(
        long,
        env = "DB_ACQUIRE_TIMEOUT_MS",
        default_value_t = 3000,
        global = true
    )]
    pub acquire_timeout_ms: u64,
    /// Whole-request deadline, in seconds.
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub request_timeout_secs: u64,
    /// Largest accepted request body, in bytes.
    #[arg(
        long,
        env = "BODY_LIMIT_BYTES",
        default_value_t = 1_048_576,
        global = true
    )]
    pub body_limit_bytes: usize,
    /// `development` (local http: cookies without `Secure`) or `production`.
    #[arg(long, env = "APP_ENV", default_value = "production", global = true)]
    pub app_env: String,
    /// Requests per minute per IP without credentials.
    #[arg(
        long,
        env = "RATE_LIMIT_ANONYMOUS",
        default_value_t = 20,
        global = true
    )]
    pub rate_limit_anonymous: u32,
    /// Requests per minute per API key.
    #[arg(long, env = "RATE_LIMIT_API_KEY", default_value_t = 60, global = true)]
    pub rate_limit_api_key: u32,
    /// Requests per minute per OAuth access token.
    #[arg(long, env = "RATE_LIMIT_OAUTH", default_value_t = 100, global = true)]
    pub rate_limit_oauth: u32,
    /// Requests per minute per browser session on the JSON API.
    #[arg(long, env = "RATE_LIMIT_SESSION", default_value_t = 100, global = true)]
    pub rate_limit_session: u32,
    /// Page and server-function requests per minute per IP without a session.
    #[arg(long, env = "RATE_LIMIT_PAGES", default_value_t = 300, global = true)]
    pub rate_limit_pages: u32,
    /// Page and server-function requests per minute per signed-in user.
    #[arg(
        long,
        env = "RATE_LIMIT_PAGES_SESSION",
        default_value_t = 600,
        global = true
    )]
    pub rate_limit_pages_session: u32,
    /// Federation requests (`/api/federation/**`) per minute per address.
    #[arg(
        long,
        env = "RATE_LIMIT_FEDERATION",
        default_value_t = 100,
        global = true
    )]
    pub rate_limit_federation: u32,
    /// Failed log-ins per account in the failure window before `429`.
    #[arg(
        long,
        env = "LOGIN_FAILURES_PER_ACCOUNT",
        default_value_t = 10,
        global = true
    )]
    pub login_failures_per_account: u32,
    /// Failed log-ins per IP (over all accounts) in the failure window.
    #[arg(
        long,
        env = "LOGIN_FAILURES_PER_IP",
        default_value_t = 50,
        global = true
    )]
    pub login_failures_per_ip: u32,
    /// The failure window, in seconds.
    #[arg(
        long,
        env = "LOGIN_FAILURE_WINDOW_SECS",
        default_value_t = 900,
        global = true
    )]
    pub login_failure_window_secs: u64,
    /// Days an OAuth refresh family lives after its first grant, however
    /// often it rotates (a refresh after that is `invalid_grant`).
    #[arg(
        long,
        env = "OAUTH_REFRESH_FAMILY_DAYS",
        default_value_t = 90,
        value_parser = clap::value_parser!(u32).range(1..=3650),
        global = true
    )]
    pub oauth_refresh_family_days: u32,
    /// Redis for the rate-limit windows (`redis://host:6379`); unset, they
    /// are counted in PostgreSQL.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<String>,
    /// Comma-separated proxy addresses whose X-Forwarded-For is trusted.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Address of the Prometheus `/metrics` listener; unset, none is opened.
    #[arg(long, env = "METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Keys a peer may present as X-Federation-Key, comma-separated (several
    /// for rotation); none: the federation API answers 404. Not in `Debug`.
    #[arg(long, env = "FEDERATION_KEYS", value_delimiter = ',', global = true)]
    pub federation_keys: Vec<String>,
    /// Seconds between syncs of the enabled peers; 0: only when asked.
    #[arg(
        long,
        env = "FEDERATION_SYNC_SECONDS",
        default_value_t = 300,
        global = true
    )]
    pub federation_sync_seconds: u64,
    /// Webhooks may point to loopback, private and link-local addresses
    /// (tests, closed networks); otherwise refused at registration and at
    /// every attempt.
    #[arg(
        long,
        env = "WEBHOOKS_ALLOW_PRIVATE",
        default_value_t = false,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub webhooks_allow_private: bool,
    /// Seconds to wait after each failed webhook attempt, comma-separated;
    /// after the last, the delivery is `failed`. Tests shorten it.
    #[arg(
        long,
        env = "WEBHOOK_RETRY_SCHEDULE_SECS",
        value_delimiter = ',',
        default_value = "5,30,120,600,3600,21600",
        global = true
    )]
    pub webhook_retry_schedule_secs: Vec<f64>,
    /// How often each server's delivery worker looks for due deliveries,
    /// in milliseconds.
    #[arg(
        long,
        env = "WEBHOOK_POLL_MS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(10..=3_600_000),
        global = true
    )]
    pub webhook_poll_ms: u64,
    /// Where cargo-leptos put the site (CSS, wasm, JS).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,
}

impl Config {
    pub fn is_development(&self) -> bool {
        self.app_env == "development"
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.acquire_timeout_ms)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field(
                "database_read_url",
                &self.database_read_url.as_deref().map(redact_url),
            )
            .field("pool_size", &self.pool_size)
            .field("acquire_timeout_ms", &self.acquire_timeout_ms)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("site_root", &self.site_root)
            .field(
                "federation_keys",
                &format!("{} keys", self.federation_keys.len()),
            )
            .field("federation_sync_seconds", &self.federation_sync_seconds)
            .field("app_env", &self.app_env)
            .field("rate_limit_anonymous", &self.rate_limit_anonymous)
            .field("rate_limit_api_key", &self.rate_limit_api_key)
            .field("rate_limit_oauth", &self.rate_limit_oauth)
            .field("rate_limit_session", &self.rate_limit_session)
            .field("rate_limit_pages", &self.rate_limit_pages)
            .field("rate_limit_pages_session", &self.rate_limit_pages_session)
            .field("rate_limit_federation", &self.rate_limit_federation)
            .field(
                "login_failures_per_account",
                &self.login_failures_per_account,
            )
            .field("login_failures_per_ip", &self.login_failures_per_ip)
            .field("login_failure_window_secs", &self.login_failure_window_secs)
            .field("oauth_refresh_family_days", &self.oauth_refresh_family_days)
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_bind", &self.metrics_bind)
            .field("webhooks_allow_private", &self.webhooks_allow_private)
            .field(
                "webhook_retry_schedule_secs",
                &self.webhook_retry_schedule_secs,
            )
            .field("webhook_poll_ms", &self.webhook_poll_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_database_password() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db:5432/market"),
            "postgres://app:***@db:5432/market"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/m"),
            "postgres://postgres@127.0.0.1/m"
        );
    }
}
