use app::backend::state::AppState;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde::Serialize;
use std::time::Duration;

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    version: String,
    timestamp: chrono::DateTime<chrono::Utc>,
    services: Services,
    /// With a replica configured: how far behind the primary it was at the
    /// last probe (0 when caught up; absent when it could not be asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    replica_lag_seconds: Option<f64>,
}

#[derive(Serialize)]
pub struct Services {
    database: &'static str,
    database_replica: &'static str,
    redis: &'static str,
    marketplace: &'static str,
}

/// `GET /api/health`: a real database round trip, bounded in time.
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
