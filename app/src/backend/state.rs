use crate::error::{MarketError, MarketResult};
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

/// What the use cases need at run time, handed to JSON routes as axum state
/// and to server functions through the Leptos context.
#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and every read inside a write.
    pub pool: PgPool,
    /// A streaming replica for the read-only use cases (`DATABASE_READ_URL`).
    pub read_pool: Option<PgPool>,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<RuntimeSettings>,
}

impl AppState {
    /// Where a read-only use case reads: the replica while it is up, else
    /// the primary.
    pub fn reader(&self) -> &PgPool {
        match &self.read_pool {
            Some(replica) if !self.settings.stores.replica_down() => replica,
            _ => &self.pool,
        }
    }

    /// A read on [`AppState::reader`] failed with `e`: when the replica
    /// could not answer, it is marked down (the probe brings it back) and
    /// the caller reads again from the primary.
    pub fn replica_failed(&self, e: &sqlx::Error) -> bool {
        let on_replica = self.read_pool.is_some() && !self.settings.stores.replica_down();
        if on_replica && crate::backend::db::is_unreachable(e) {
            tracing::warn!(error = %e, "replica unavailable: reading from the primary");
            self.settings.stores.set_replica_healthy(false);
            return true;
        }
        false
    }
}

/// A read-only query on the replica, again on the primary when the replica
/// fails: `read!(state, |db| db::listings::browse(db, &filter))`.
#[macro_export]
macro_rules! read {
    ($state:expr, |$db:ident| $query:expr) => {{
        let state = &$state;
        let first = {
            let $db = state.reader();
            $query.await
        };
        match first {
            Err(e) if state.replica_failed(&e) => {
                let $db = &state.pool;
                $query.await
            }
            other => other,
        }
    }};
}

/// Settings the engine reads while serving (the server's config builds it).
#[derive(Clone, Debug, Default)]
pub struct RuntimeSettings {
    /// Version reported by `/api/health`.
    pub version: String,
    pub login: LoginLimits,
    pub stores: Arc<StoreHealth>,
    pub credentials: CredentialSettings,
    pub federation: FederationSettings,
    pub webhooks: WebhookSettings,
}

/// Where webhooks may point (`WEBHOOKS_ALLOW_PRIVATE`).
#[derive(Clone, Debug, Default)]
pub struct WebhookSettings {
    /// Loopback, private and link-local targets allowed: tests and closed
    /// networks only.
    pub allow_private: bool,
}

/// Who may read this instance's federation feed.
#[derive(Clone, Default)]
pub struct FederationSettings {
    /// Accepted `X-Federation-Key`s (several, for rotation); empty: the
    /// federation API is off.
    pub keys: Vec<String>,
}

impl std::fmt::Debug for FederationSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FederationSettings {{ keys: {} }}", self.keys.len())
    }
}

/// How long what a person authorised may live, and how cookies are marked.
#[derive(Clone, Debug)]
pub struct CredentialSettings {
    /// A refresh family ends this long after its first grant, however
    /// often it rotates.
    pub refresh_family_lifetime: chrono::Duration,
    /// `Secure` on cookies (off only for local http development).
    pub secure_cookies: bool,
}

impl Default for CredentialSettings {
    fn default() -> Self {
        CredentialSettings {
            refresh_family_lifetime: chrono::Duration::days(90),
            secure_cookies: true,
        }
    }
}

/// What `/api/health` reports of the optional stores, kept by their users
/// (the rate limiter writes Redis's state on every window it counts).
#[derive(Debug, Default)]
pub struct StoreHealth {
    redis_configured: std::sync::atomic::AtomicBool,
    redis_down: std::sync::atomic::AtomicBool,
    replica_configured: std::sync::atomic::AtomicBool,
    replica_down: std::sync::atomic::AtomicBool,
    /// Milliseconds behind the primary at the last probe; `u64::MAX` unknown.
    replica_lag_ms: std::sync::atomic::AtomicU64,
}

impl StoreHealth {
    pub fn redis_configured(&self) {
        self.redis_configured
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn set_redis_healthy(&self, healthy: bool) {
        self.redis_down
            .store(!healthy, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn replica_configured(&self) {
        self.replica_configured
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn set_replica_healthy(&self, healthy: bool) {
        self.replica_down
            .store(!healthy, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn set_replica_lag(&self, seconds: Option<f64>) {
        // Saturating float-to-int casts: a negative lag (clock skew) is 0.
        let ms = seconds.map_or(u64::MAX, |s| (s * 1000.0) as u64);
        self.replica_lag_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Seconds the replica was behind at the last probe that reached it.
    pub fn replica_lag_seconds(&self) -> Option<f64> {
        if !self
            .replica_configured
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        match self
            .replica_lag_ms
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            u64::MAX => None,
            ms => Some(ms as f64 / 1000.0),
        }
    }

    pub fn replica_down(&self) -> bool {
        self.replica_down.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `healthy`, `unhealthy` or `not_configured`.
    pub fn replica(&self) -> &'static str {
        use std::sync::atomic::Ordering::Relaxed;
        match (
            self.replica_configured.load(Relaxed),
            self.replica_down.load(Relaxed),
        ) {
            (false, _) => "not_configured",
            (true, false) => "healthy",
            (true, true) => "unhealthy",
        }
    }

    /// `healthy`, `unhealthy` or `not_configured`.
    pub fn redis(&self) -> &'static str {
        use std::sync::atomic::Ordering::Relaxed;
        match (
            self.redis_configured.load(Relaxed),
            self.redis_down.load(Relaxed),
        ) {
            (false, _) => "not_configured",
            (true, false) => "healthy",
            (true, true) => "unhealthy",
        }
    }
}

/// How many log-ins may fail before the next is refused with `429`
/// (OWASP ASVS 4 V2.2.1): per account, and per address across accounts.
#[derive(Clone, Debug)]
pub struct LoginLimits {
    pub per_account: u32,
    pub per_ip: u32,
    pub window: std::time::Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_account: 10,
            per_ip: 50,
            window: std::time::Duration::from_secs(15 * 60),
        }
    }
}

impl AppState {
    /// The state inside a server function. Missing state is a wiring bug:
    /// logged, and an opaque 500 for the caller.
    pub fn from_context() -> MarketResult<Self> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState was not provided to the server function context");
            MarketError::internal()
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
