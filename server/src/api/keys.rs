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
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
}

/// Create an API key (shown once)
#[utoipa::path(
    post,
    path = "/keys",
    tag = "Accounts",
    request_body = CreateKeyRequest,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The key; its secret is never shown again", body = CreatedKey))
)]
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

/// The caller's API keys, without secrets
#[utoipa::path(
    get,
    path = "/keys",
    tag = "Accounts",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = KeyList))
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<KeyList>, MarketError> {
    Ok(Json(keys::list(&state, &principal).await?))
}

/// Revoke an API key at once
#[utoipa::path(
    delete,
    path = "/keys/{id}",
    tag = "Accounts",
    params(("id" = String, Path, description = "The key's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 204, description = "Revoked"))
)]
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
