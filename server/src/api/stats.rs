//! Analytics: `GET /api/listings/{id}/stats` (a listing's installs and
//! ratings per day, for its publisher and operators) and
//! `GET /api/admin/stats` (the review queue's health per day).

use super::extract::{ApiQuery, Auth, MaybeAuth};
use app::backend::services::stats;
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::schema;
use app::model::stats::{ListingStats, QueueStats, StatsDays};
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use utoipa::openapi::{RefOr, Schema};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(listing_stats))
        .routes(routes!(admin_stats))
}

/// `?days=` of the stats routes.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The window ending today (UTC): 30 (default), 90 or 365 days.
    #[param(schema_with = days)]
    days: Option<i64>,
}

fn days() -> RefOr<Schema> {
    schema::of(json!({"type": "integer", "enum": StatsDays::ALLOWED, "default": 30}))
}

/// A listing's installs, uninstalls and ratings per day, and installs per version
///
/// The publisher of the listing and operators get the daily series; anyone
/// else gets only the public totals of an approved listing (`access:
/// public`, empty series), and the same 404 as an unknown id for a listing
/// that is not approved.
#[utoipa::path(
    get,
    path = "/listings/{id}/stats",
    tag = "Analytics",
    params(("id" = String, Path, description = "The listing's id (any kind)"), StatsQuery),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "The listing's numbers", body = ListingStats))
)]
pub async fn listing_stats(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<ListingStats>, MarketError> {
    // The same id forms as deprecate: a UUID or a workflow template's string id.
    let id = stats::resolve_listing(&state, &id).await?;
    let days = StatsDays::parse(q.days)?;
    Ok(Json(stats::listing(&state, p.as_ref(), id, days).await?))
}

/// The review queue per day: submissions, decisions, size, oldest item, median time to decision
#[utoipa::path(
    get,
    path = "/admin/stats",
    tag = "Operators",
    params(StatsQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The queue's health", body = QueueStats))
)]
pub async fn admin_stats(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<QueueStats>, MarketError> {
    let days = StatsDays::parse(q.days)?;
    Ok(Json(stats::queue(&state, &p, days).await?))
}
