use app::backend::state::AppState;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// The state of each store: `healthy`, `unhealthy`, or `not_configured`
/// for an optional one.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `healthy`, or `degraded` when a store is unhealthy.
    #[schema(example = "healthy")]
    status: &'static str,
    version: String,
    timestamp: chrono::DateTime<chrono::Utc>,
    services: Services,
    /// With a replica configured: how far behind the primary it was at the
    /// last probe (0 when caught up; absent when it could not be asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    replica_lag_seconds: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct Services {
    database: &'static str,
    database_replica: &'static str,
    redis: &'static str,
    marketplace: &'static str,
}

/// Health with a real database round trip
///
/// Bounded in time; a failing primary answers 503 with the same body.
#[utoipa::path(
    get,
    path = "/health",
    tag = "Service",
    extensions(("x-access" = json!("public"))),
    responses(
        (status = 200, description = "The stores answer", body = Health),
        (status = 503, description = "The primary database does not answer", body = Health),
    )
)]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let probe = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool);
    let database_ok = matches!(
        tokio::time::timeout(Duration::from_secs(2), probe).await,
        Ok(Ok(1))
    );
    let redis = state.settings.stores.redis();
    let replica = state.settings.stores.replica();
    // Only the primary failing is a 503; an optional store that fails
    // (its work falls back to PostgreSQL) is a degraded 200.
    let (status, code) = match (database_ok, redis) {
        (false, _) => ("degraded", StatusCode::SERVICE_UNAVAILABLE),
        (true, "unhealthy") => ("degraded", StatusCode::OK),
        (true, _) if replica == "unhealthy" => ("degraded", StatusCode::OK),
        (true, _) => ("healthy", StatusCode::OK),
    };
    let body = Health {
        status,
        version: state.settings.version.clone(),
        timestamp: chrono::Utc::now(),
        replica_lag_seconds: state.settings.stores.replica_lag_seconds(),
        services: Services {
            database: if database_ok { "healthy" } else { "unhealthy" },
            database_replica: replica,
            // Optional: without REDIS_URL, PostgreSQL carries the shared state.
            redis,
            marketplace: if database_ok { "healthy" } else { "degraded" },
        },
    };
    (code, Json(body))
}
