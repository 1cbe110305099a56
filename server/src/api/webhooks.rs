//! `/api/webhooks`: the tenant's signed webhooks and their delivery log.

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use app::backend::services::webhooks;
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::page::PageParams;
use app::model::schema;
use app::model::webhook::{
    CreateWebhookRequest, CreatedWebhook, Delivery, DeliveryPage, WebhookList,
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(delete))
        .routes(routes!(deliveries))
        .routes(routes!(redeliver))
}

fn webhook_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::route_not_found().with_message("Webhook not found"),
    )
}

/// Register a webhook (its signing secret is shown once)
#[utoipa::path(
    post,
    path = "/webhooks",
    tag = "Webhooks",
    request_body = CreateWebhookRequest,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The webhook and its secret, never shown again", body = CreatedWebhook))
)]
pub async fn create(
    State(state): State<AppState>,
    Auth(principal): Auth,
    ApiJson(req): ApiJson<CreateWebhookRequest>,
) -> Result<Response, MarketError> {
    let created = webhooks::create(&state, &principal, &req).await?;
    Ok(super::oauth::no_store(
        (StatusCode::CREATED, Json(created)).into_response(),
    ))
}

/// The tenant's webhooks, without secrets
#[utoipa::path(
    get,
    path = "/webhooks",
    tag = "Webhooks",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Every webhook of the tenant (a plan quota bounds them)", body = WebhookList))
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<WebhookList>, MarketError> {
    Ok(Json(webhooks::list(&state, &principal).await?))
}

/// Delete a webhook and its delivery log
#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    tag = "Webhooks",
    params(("id" = String, Path, description = "The webhook's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, MarketError> {
    webhooks::delete(&state, &principal, webhook_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?limit=&offset=` of the delivery log (50 by default, at most 100).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    #[param(schema_with = limit)]
    limit: Option<i64>,
    #[param(schema_with = offset)]
    offset: Option<i64>,
}

fn limit() -> RefOr<Schema> {
    schema::of(PageParams::limit_schema(PageParams::MAX_LIMIT))
}

fn offset() -> RefOr<Schema> {
    schema::of(PageParams::offset_schema())
}

/// A webhook's deliveries, newest first
#[utoipa::path(
    get,
    path = "/webhooks/{id}/deliveries",
    tag = "Webhooks",
    params(("id" = String, Path, description = "The webhook's id"), DeliveryQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "A page of the delivery log", body = DeliveryPage))
)]
pub async fn deliveries(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> Result<Json<DeliveryPage>, MarketError> {
    let id = webhook_id(&id)?;
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    Ok(Json(
        webhooks::deliveries(&state, &principal, id, page).await?,
    ))
}

/// Send a delivery again, now
#[utoipa::path(
    post,
    path = "/webhooks/deliveries/{id}/redeliver",
    tag = "Webhooks",
    params(("id" = String, Path, description = "The delivery's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 202, description = "The delivery, pending and due now", body = Delivery))
)]
pub async fn redeliver(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Delivery>), MarketError> {
    let id = parse_id(
        &id,
        MarketError::route_not_found().with_message("Delivery not found"),
    )?;
    let delivery = webhooks::redeliver(&state, &principal, id).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}
