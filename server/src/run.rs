//! Start-up: connect, migrate, serve until a signal.

use crate::cli::AdminCommand;
use crate::config::Config;
use crate::middleware::{rate_limit::RateLimits, HttpSettings};
use app::backend::state::{AppState, CredentialSettings, LoginLimits, RuntimeSettings};
use axum::serve::ListenerExt;
use leptos::prelude::LeptosOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The pool, with bounded waits so an unreachable database is an error
/// answer, never a hung request.
pub fn connect_lazy(config: &Config) -> Result<PgPool, BoxError> {
    let options = PgConnectOptions::from_str(&config.database_url)?;
    Ok(pool_with(config, options))
}

/// The pool for these connect options, with the session settings search
/// relies on: a misspelt word of five or more letters still matches
/// (trigram word similarity 0.4 instead of pg_trgm's default 0.6); and no
/// JIT: the planner's cost of a bounded walk (an ordered index scan that
/// stops after a window's worth of rows) is that of the whole scan, and
/// compiling for it took 20 ms of a 1 ms query.
pub fn pool_with(config: &Config, options: PgConnectOptions) -> PgPool {
    let options = options
        .application_name("marketplace")
        .options([("pg_trgm.word_similarity_threshold", "0.4"), ("jit", "off")]);
    PgPoolOptions::new()
        .max_connections(config.pool_size)
        .min_connections(0)
        .acquire_timeout(config.acquire_timeout())
        .idle_timeout(Some(Duration::from_secs(300)))
        // sqlx pings every connection it hands out by default: a round trip
        // per query. Only a connection idle for a while (one that may have
        // outlived a database restart) is checked; under load none is.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > Duration::from_secs(1) {
                    use sqlx::Connection;
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_lazy_with(options)
}

/// Our migrations, then the session store's own table.
pub async fn migrate_pool(pool: &PgPool) -> Result<(), BoxError> {
    sqlx::migrate!("../migrations").run(pool).await?;
    PostgresStore::new(pool.clone()).migrate().await?;
    Ok(())
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "marketplace".into()))
        .site_root(config.site_root.clone())
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(config.bind)
        .build()
}

pub fn app_state(config: &Config, pool: PgPool) -> AppState {
    let stores: Arc<app::backend::state::StoreHealth> = Default::default();
    let read_pool = config.database_read_url.as_deref().and_then(|url| {
        stores.replica_configured();
        match PgConnectOptions::from_str(url) {
            Ok(options) => Some(pool_with(config, options)),
            Err(e) => {
                tracing::error!(error = %e, "DATABASE_READ_URL is not a PostgreSQL URL; reading from the primary");
                stores.set_replica_healthy(false);
                None
            }
        }
    });
    AppState {
        pool,
        read_pool,
        leptos_options: leptos_options(config),
        settings: Arc::new(RuntimeSettings {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            stores,
            login: LoginLimits {
                per_account: config.login_failures_per_account,
                per_ip: config.login_failures_per_ip,
                window: Duration::from_secs(config.login_failure_window_secs),
            },
            credentials: CredentialSettings {
                refresh_family_lifetime: chrono::Duration::days(i64::from(
                    config.oauth_refresh_family_days,
                )),
                secure_cookies: !config.is_development(),
            },
            federation: app::backend::state::FederationSettings {
                keys: config
                    .federation_keys
                    .iter()
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect(),
            },
            webhooks: app::backend::state::WebhookSettings {
                allow_private: config.webhooks_allow_private,
            },
        }),
    }
}

pub fn http_settings(config: &Config) -> HttpSettings {
    HttpSettings {
        request_timeout: config.request_timeout(),
        body_limit_bytes: config.body_limit_bytes,
        secure_cookies: !config.is_development(),
        rate_limits: RateLimits {
            anonymous: config.rate_limit_anonymous,
            api_key: config.rate_limit_api_key,
            oauth: config.rate_limit_oauth,
            session: config.rate_limit_session,
            page_anonymous: config.rate_limit_pages,
            page_session: config.rate_limit_pages_session,
            federation: config.rate_limit_federation,
            redis_url: config.redis_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            pinned_window: None,
        },
    }
}

/// Deletes expired sessions and stale rate-limit windows once a minute.
pub fn spawn_housekeeping(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let cutoff = chrono::Utc::now() - chrono::Duration::minutes(2);
            if let Err(e) = app::backend::db::rate_limit::prune(&pool, cutoff).await {
                tracing::debug!(error = %e, "rate-limit pruning skipped");
            }
            // Longer than any failure window anyone would configure.
            let day_ago = chrono::Utc::now() - chrono::Duration::days(1);
            if let Err(e) = app::backend::db::login_attempts::prune(&pool, day_ago).await {
                tracing::debug!(error = %e, "log-in attempt pruning skipped");
            }
            if let Err(e) = PostgresStore::new(pool.clone()).delete_expired().await {
                tracing::debug!(error = %e, "session pruning skipped");
            }
        }
    });
}

/// Asks the replica every second whether it answers: reads go back to it
/// once it does, and health reports what the probe saw.
pub fn spawn_replica_probe(state: AppState) {
    let Some(replica) = state.read_pool.clone() else {
        return;
    };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            // Caught up (everything received is replayed) is no lag, however
            // long ago the last transaction was; otherwise the age of the last
            // replayed one. A primary given as replica answers NULL: no lag.
            let probe = sqlx::query_scalar::<_, Option<f64>>(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
                 ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END",
            )
            .fetch_one(&replica);
            let lag = match tokio::time::timeout(Duration::from_millis(500), probe).await {
                Ok(Ok(lag)) => Some(lag.unwrap_or(0.0)),
                _ => None,
            };
            state.settings.stores.set_replica_healthy(lag.is_some());
            state.settings.stores.set_replica_lag(lag);
        }
    });
}

pub async fn migrate(config: Config) -> Result<(), BoxError> {
    let pool = connect_lazy(&config)?;
    migrate_pool(&pool).await?;
    println!("{}", serde_json::json!({ "migrated": true }));
    Ok(())
}

/// Runs one operator command and prints its JSON answer. Failures print
/// the envelope's message to stderr and exit non-zero.
pub async fn admin(config: Config, cmd: AdminCommand) -> Result<(), BoxError> {
    use app::backend::services::admin;
    let pool = connect_lazy(&config)?;
    migrate_pool(&pool).await?;
    let state = app_state(&config, pool);
    let out = match cmd {
        AdminCommand::CreateTenant { name, plan } => {
            let id = admin::create_tenant(&state, &name, &plan).await?;
            serde_json::json!({ "tenant_id": id })
        }
        AdminCommand::CreateUser {
            tenant,
            email,
            password,
            role,
        } => {
            let id = admin::create_user(&state, tenant, &email, &password.0, &role).await?;
            serde_json::json!({ "user_id": id, "tenant_id": tenant })
        }
        AdminCommand::CreateApiKey { user, scope, name } => {
            let key = admin::create_api_key(&state, user, &scope, &name).await?;
            serde_json::json!({ "key_id": key.id, "key": key.key })
        }
    };
    println!("{out}");
    Ok(())
}

/// `openapi`: the served document, pretty-printed with sorted keys so a
/// regenerated SDK diffs only where the contract changed.
pub fn print_openapi() -> Result<(), BoxError> {
    let doc = serde_json::to_string_pretty(crate::api::openapi::document())?;
    println!("{doc}");
    Ok(())
}

/// `federation add-peer`: the same upsert as the admin route.
pub async fn federation(
    config: Config,
    cmd: crate::cli::FederationCommand,
) -> Result<(), BoxError> {
    use app::backend::services::federation;
    let pool = connect_lazy(&config)?;
    migrate_pool(&pool).await?;
    let state = app_state(&config, pool);
    let out = match cmd {
        crate::cli::FederationCommand::AddPeer {
            name,
            url,
            key,
            disabled,
        } => {
            let req = app::model::federation::PutPeer {
                url,
                key: Some(key),
                enabled: Some(!disabled),
            };
            let (peer, created) = federation::upsert_peer(&state, &name, &req).await?;
            let mut v = serde_json::to_value(peer)?;
            v["created"] = serde_json::Value::Bool(created);
            v
        }
    };
    println!("{out}");
    Ok(())
}

/// `seed --demo`: the demo catalog, once.
pub async fn seed(config: Config, demo: bool) -> Result<(), BoxError> {
    if !demo {
        return Err("nothing to seed: pass --demo".into());
    }
    // Every demo account, the operator's too, has a published password.
    if !config.is_development() {
        return Err(
            "seed --demo creates accounts with a published password (the platform \
                    operator's among them) and runs only with APP_ENV=development"
                .into(),
        );
    }
    let pool = connect_lazy(&config)?;
    migrate_pool(&pool).await?;
    let state = app_state(&config, pool);
    let progress = crate::progress::Progress::new("seed");
    let created = app::backend::services::seed::demo_with_progress(&state, &progress).await;
    progress.finish();
    let created = created?;
    println!("{}", serde_json::json!({ "seeded": created }));
    Ok(())
}

pub async fn serve(config: Config) -> Result<(), BoxError> {
    tracing::info!(?config, "starting");
    let pool = connect_lazy(&config)?;
    migrate_pool(&pool).await?;
    spawn_housekeeping(pool.clone());
    let state = app_state(&config, pool);
    spawn_replica_probe(state.clone());
    app::backend::federation_sync::spawn(state.clone(), config.federation_sync_seconds);
    if let Some(addr) = config.metrics_bind {
        let mut pools = vec![("primary", state.pool.clone())];
        pools.extend(state.read_pool.clone().map(|p| ("replica", p)));
        crate::metrics::serve(addr, pools).await?;
    }
    crate::webhooks::spawn(state.pool.clone(), crate::webhooks::settings(&config)?);
    let router = crate::build_router(state, http_settings(&config));
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await?
        // Leptos streams pages in chunks; Nagle would hold each one back.
        .tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
    tracing::info!("listening on http://{}", config.bind);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
