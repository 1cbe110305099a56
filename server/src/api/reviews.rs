//! `/api/reviews/{id}/*`: helpful votes and publisher responses, for
//! reviews of every kind of listing.

use super::extract::{parse_id, ApiJson, Auth};
use app::backend::services::listings;
use app::backend::state::AppState;
use app::error::MarketError;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

fn review_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::route_not_found().with_message("Review not found"),
    )
}

#[derive(Deserialize)]
pub struct Vote {
    helpful: bool,
}

/// `POST /api/reviews/{id}/vote` `{helpful}`
pub async fn vote(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(v): ApiJson<Vote>,
) -> Result<Json<Value>, MarketError> {
    let id = review_id(&id)?;
    let (helpful, not_helpful) = listings::vote_review(&state, &p, id, v.helpful).await?;
    Ok(Json(json!({
        "success": true,
        "review_id": id,
        "helpful_count": helpful,
        "not_helpful_count": not_helpful,
    })))
}

#[derive(Deserialize)]
pub struct Response {
    response: String,
}

/// `PUT /api/reviews/{id}/response` `{response}`: the publisher's answer.
pub async fn respond(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<Response>,
) -> Result<Json<Value>, MarketError> {
    let id = review_id(&id)?;
    let text = listings::respond_to_review(&state, &p, id, &r.response).await?;
    Ok(Json(
        json!({ "success": true, "review_id": id, "author_response": text }),
    ))
}
