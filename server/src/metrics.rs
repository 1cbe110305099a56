//! Prometheus metrics: recorded through the `metrics` facade, rendered by
//! `metrics-exporter-prometheus` on a listener of their own (`METRICS_BIND`),
//! so the public address never exposes them. Off unless configured.
//!
//! Labels are bounded by construction: the route is the matched template
//! (`/api/skills/{id}`, never the id), anything the router did not match is
//! `unmatched`, an unknown method is `other`, and a rate-limit bucket is
//! named by its family, never by the key, user or address in it.

use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The process-wide recorder. The facade allows one per process, and the
/// tests build many routers in one process: whoever installs it first owns
/// it, and until then every macro is a no-op.
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Request latency buckets, in seconds: from a cached read to the
/// whole-request deadline.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Installs the recorder once; later calls get the same handle.
pub fn install() -> Result<PrometheusHandle, BoxError> {
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".to_owned()),
            LATENCY_BUCKETS,
        )?
        .install_recorder()?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}

fn enabled() -> bool {
    HANDLE.get().is_some()
}

/// Counts and times every request by method, route template and status.
/// Outermost of the route layers, so it sees the status the caller gets
/// (429s, timeouts and envelopes included); the time is to the response
/// head, not to the end of a streamed body.
pub async fn track(req: Request, next: Next) -> Response {
    if !enabled() {
        return next.run(req).await;
    }
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    let elapsed = started.elapsed().as_secs_f64();
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        "http_request_duration_seconds",
        "method" => method,
        "route" => route.clone(),
    )
    .record(elapsed);
    metrics::counter!(
        "http_requests_total",
        "method" => method,
        "route" => route,
        "status" => status,
    )
    .increment(1);
    response
}

/// Methods anyone can invent would each be a new series.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// A request refused by the per-minute limiter; `bucket` is the limiter's
/// key (`api:key:<id>`, `page:ip:<addr>`, ...), of which only the family
/// becomes a label.
pub fn rate_limit_rejected(bucket: &str) {
    let mut parts = bucket.splitn(3, ':');
    let family = match (parts.next(), parts.next()) {
        (Some("api"), Some("key")) => "api_key",
        (Some("api"), Some("oauth")) => "api_oauth",
        (Some("api"), Some("user")) => "api_session",
        (Some("api"), Some("ip")) => "api_anonymous",
        (Some("page"), Some("user")) => "page_session",
        (Some("page"), Some("ip")) => "page_anonymous",
        (Some("fed"), Some("ip")) => "federation",
        _ => "other",
    };
    metrics::counter!("rate_limit_rejections_total", "bucket" => family).increment(1);
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    pools: Vec<(&'static str, PgPool)>,
}

/// Pool occupancy is read at scrape time: always current, and no task
/// sampling it while nobody is looking.
async fn render(State(s): State<Scrape>) -> Response {
    for (name, pool) in &s.pools {
        let size = pool.size();
        let idle = u32::try_from(pool.num_idle()).unwrap_or(size).min(size);
        metrics::gauge!("db_pool_connections", "pool" => *name, "state" => "idle")
            .set(f64::from(idle));
        metrics::gauge!("db_pool_connections", "pool" => *name, "state" => "in_use")
            .set(f64::from(size - idle));
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.handle.render(),
    )
        .into_response()
}

/// The metrics listener: `GET /metrics` and nothing else.
fn router(handle: PrometheusHandle, pools: Vec<(&'static str, PgPool)>) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(Scrape { handle, pools })
}

/// Binds `addr` now (a taken port fails start-up rather than going
/// unnoticed), then serves it in the background for the life of the
/// process. `pools` are the named pools whose connections are reported.
pub async fn serve(addr: SocketAddr, pools: Vec<(&'static str, PgPool)>) -> Result<(), BoxError> {
    let handle = install()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // Histograms keep raw samples until drained; without scrapes they
    // would grow for ever.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    let app = router(handle, pools);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    });
    tracing::info!("metrics on http://{addr}/metrics");
    Ok(())
}
