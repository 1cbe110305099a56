use crate::error::{MarketError, MarketResult};
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

/// What the use cases need at run time, handed to JSON routes as axum state
/// and to server functions through the Leptos context.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<RuntimeSettings>,
}

/// Settings the engine reads while serving (the server's config builds it).
#[derive(Clone, Debug, Default)]
pub struct RuntimeSettings {
    /// Version reported by `/api/health`.
    pub version: String,
    pub login: LoginLimits,
    pub stores: Arc<StoreHealth>,
    pub credentials: CredentialSettings,
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
