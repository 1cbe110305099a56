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
}

#[derive(Serialize)]
pub struct Services {
    database: &'static str,
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
    let (status, code) = if database_ok {
        ("healthy", StatusCode::OK)
    } else {
        ("degraded", StatusCode::SERVICE_UNAVAILABLE)
    };
    let body = Health {
        status,
        version: state.settings.version.clone(),
        timestamp: chrono::Utc::now(),
        services: Services {
            database: if database_ok { "healthy" } else { "unhealthy" },
            // Redis is optional: without REDIS_URL, Postgres carries the shared state.
            redis: "not_configured",
            marketplace: if database_ok { "healthy" } else { "degraded" },
        },
    };
    (code, Json(body))
}
