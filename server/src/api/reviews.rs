//! `/api/reviews/{id}/*`: helpful votes and publisher responses, for
//! reviews of every kind of listing.

use super::extract::{parse_id, ApiJson, Auth};
use app::backend::services::listings;
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::schema;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(vote))
        .routes(routes!(respond))
}

fn review_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::route_not_found().with_message("Review not found"),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewVote {
    helpful: bool,
}

/// The review's vote counts after this vote.
#[derive(Serialize, ToSchema)]
pub struct ReviewVoted {
    success: bool,
    review_id: Uuid,
    helpful_count: i32,
    not_helpful_count: i32,
}

/// Vote a review helpful or not (one vote per user, changeable)
#[utoipa::path(
    post,
    path = "/reviews/{id}/vote",
    tag = "Reviews",
    params(("id" = String, Path, description = "The review's id")),
    request_body = ReviewVote,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Counted", body = ReviewVoted))
)]
pub async fn vote(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(v): ApiJson<ReviewVote>,
) -> Result<Json<ReviewVoted>, MarketError> {
    let id = review_id(&id)?;
    let (helpful, not_helpful) = listings::vote_review(&state, &p, id, v.helpful).await?;
    Ok(Json(ReviewVoted {
        success: true,
        review_id: id,
        helpful_count: helpful,
        not_helpful_count: not_helpful,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewResponse {
    #[schema(schema_with = response_text)]
    response: String,
}

fn response_text() -> RefOr<Schema> {
    schema::of(schema::present(app::model::bounds::ReviewText::MAX))
}

/// The publisher's answer as stored (trimmed).
#[derive(Serialize, ToSchema)]
pub struct ReviewAnswered {
    success: bool,
    review_id: Uuid,
    author_response: String,
}

/// The publisher's answer to a review of its listing
#[utoipa::path(
    put,
    path = "/reviews/{id}/response",
    tag = "Reviews",
    params(("id" = String, Path, description = "The review's id")),
    request_body = ReviewResponse,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Stored", body = ReviewAnswered))
)]
pub async fn respond(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ReviewResponse>,
) -> Result<Json<ReviewAnswered>, MarketError> {
    let id = review_id(&id)?;
    let author_response = listings::respond_to_review(&state, &p, id, &r.response).await?;
    Ok(Json(ReviewAnswered {
        success: true,
        review_id: id,
        author_response,
    }))
}
