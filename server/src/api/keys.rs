//! `/api/keys`: the caller's API keys.

use super::extract::{parse_id, ApiJson, Auth};
use app::backend::services::keys;
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::account::{CreateKeyRequest, CreatedKey, KeyList};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

pub async fn create(
    State(state): State<AppState>,
    Auth(principal): Auth,
    ApiJson(req): ApiJson<CreateKeyRequest>,
) -> Result<Response, MarketError> {
    let created: CreatedKey = keys::create(&state, &principal, &req).await?;
    Ok(super::oauth::no_store(
        (StatusCode::CREATED, Json(created)).into_response(),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<KeyList>, MarketError> {
    Ok(Json(keys::list(&state, &principal).await?))
}

pub async fn revoke(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, MarketError> {
    let id = parse_id(
        &id,
        MarketError::route_not_found().with_message("API key not found"),
    )?;
    keys::revoke(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
