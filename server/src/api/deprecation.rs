//! `/api/listings/{id}/deprecate` and `/undeprecate`: a publisher marks a
//! listing of any kind as on its way out, optionally naming its
//! replacement.

use super::extract::{ApiJson, Auth};
use app::backend::services::deprecation;
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::deprecation::{Deprecation, DeprecationReason};
use app::model::listing::Listing;
use app::model::schema;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const TAG: &str = "Listings";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(deprecate))
        .routes(routes!(undeprecate))
}

fn reason_schema() -> RefOr<Schema> {
    schema::of(schema::present(DeprecationReason::MAX))
}

fn replacement_schema() -> RefOr<Schema> {
    schema::of(super::lifecycle::or_null(schema::text(100)))
}

/// Why the listing is deprecated, and what replaces it.
#[derive(Deserialize, ToSchema)]
pub struct DeprecateRequest {
    /// 1 to 500 characters once trimmed.
    #[schema(schema_with = reason_schema)]
    reason: String,
    /// An approved, not deprecated listing of the same kind (its UUID, or
    /// a workflow template's string id); absent or null: none.
    #[serde(default)]
    #[schema(schema_with = replacement_schema)]
    replacement_id: Option<String>,
}

/// The listing's deprecation after the change.
#[derive(Serialize, ToSchema)]
pub struct DeprecationChanged {
    success: bool,
    listing_id: Uuid,
    deprecated: bool,
    deprecation: Option<Deprecation>,
}

fn changed(row: &Listing) -> DeprecationChanged {
    let d = row.deprecation_fields();
    DeprecationChanged {
        success: true,
        listing_id: row.id,
        deprecated: d.deprecated,
        deprecation: d.deprecation,
    }
}

/// Deprecate a listing, optionally naming its replacement
///
/// The publisher's tenant only (another tenant: `403 NOT_OWNER`). Browse
/// and search then skip the listing unless `include_deprecated=true`;
/// installs still work and carry a `LISTING_DEPRECATED` warning.
#[utoipa::path(
    post,
    path = "/listings/{id}/deprecate",
    tag = TAG,
    params(("id" = String, Path, description = "The listing's id (any kind)")),
    request_body = DeprecateRequest,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Deprecated", body = DeprecationChanged))
)]
pub async fn deprecate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DeprecateRequest>,
) -> Result<Json<DeprecationChanged>, MarketError> {
    let row =
        deprecation::deprecate(&state, &p, &id, &b.reason, b.replacement_id.as_deref()).await?;
    Ok(Json(changed(&row)))
}

/// Take a listing's deprecation back
#[utoipa::path(
    post,
    path = "/listings/{id}/undeprecate",
    tag = TAG,
    params(("id" = String, Path, description = "The listing's id (any kind)")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "No longer deprecated", body = DeprecationChanged))
)]
pub async fn undeprecate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<DeprecationChanged>, MarketError> {
    let row = deprecation::undeprecate(&state, &p, &id).await?;
    Ok(Json(changed(&row)))
}
