//! Wire pieces every marketplace's routes share: operator decisions in
//! the skill routes' shape, reason and page queries, name/count lists.

use super::extract::parse_id;
use app::backend::services::listings::{self, Decision, Rated};
use app::backend::{auth::Principal, state::AppState};
use app::error::MarketError;
use app::model::kind::ListingKind;
use app::model::listing::{ListingStatus, SortBy, SortOrder};
use app::model::page::PageParams;
use app::model::schema::of;
use app::model::skill::RateRequest;
use axum::http::Method;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{RefOr, Required, Schema};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The reject routes' `?reason=`, which they cannot do without.
#[derive(Deserialize)]
pub struct ReasonQuery {
    pub reason: Option<String>,
}

// By hand: a derived parameter with `schema_with` is never `required`.
impl IntoParams for ReasonQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query_param(
            "reason",
            true,
            app::model::bounds::Reason::schema(),
        )]
    }
}

/// A query parameter with its schema, for the `IntoParams` written by hand
/// (the derive cannot say `required` together with `schema_with`).
pub fn query_param(param: &str, required: bool, schema: Value) -> Parameter {
    ParameterBuilder::new()
        .name(param)
        .parameter_in(ParameterIn::Query)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .schema(Some(of(schema)))
        .build()
}

/// The schema of an optional body field that may also come as `null`
/// (serde reads `null` as absent, so the request is accepted).
pub fn or_null(mut v: Value) -> Value {
    v["type"] = match v["type"].take() {
        Value::String(t) => json!([t, "null"]),
        Value::Array(mut types) => {
            types.push(json!("null"));
            Value::Array(types)
        }
        other => other,
    };
    if let Some(values) = v.get_mut("enum").and_then(Value::as_array_mut) {
        values.push(Value::Null);
    }
    v
}

/// The approve routes' `?content_hash=`: the review queue's hash of the
/// content the operator saw. Absent, the approval is of what is under
/// review now, as the reference's routes (which take nothing) expect.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApproveQuery {
    #[param(schema_with = content_hash)]
    pub content_hash: Option<String>,
}

fn content_hash() -> RefOr<Schema> {
    of(json!({
        "type": "string",
        "pattern": "^sha256:[0-9a-f]{64}$",
        "description": "The review queue's content_hash of what the operator saw: content changed since is 409 CONFLICTING_OPERATION (absent: what is under review now)",
    }))
}

/// `?limit=&offset=` of a list of at most 100 per page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(schema_with = page_limit)]
    pub limit: Option<i64>,
    #[param(schema_with = offset)]
    pub offset: Option<i64>,
}

/// `?limit=&offset=&verified_only=` of a list of reviews.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewPageQuery {
    #[param(schema_with = page_limit)]
    pub limit: Option<i64>,
    #[param(schema_with = offset)]
    pub offset: Option<i64>,
    /// `true`: only ratings whose rater's tenant had installed the listing.
    pub verified_only: Option<bool>,
}

pub fn page_limit() -> RefOr<Schema> {
    of(PageParams::limit_schema(PageParams::MAX_LIMIT))
}

pub fn short_limit() -> RefOr<Schema> {
    of(PageParams::limit_schema(PageParams::MAX_SHORT_LIMIT))
}

pub fn offset() -> RefOr<Schema> {
    of(PageParams::offset_schema())
}

/// An approval in the skill routes' shape, which the agent template
/// routes share.
#[derive(Serialize, ToSchema)]
pub struct Approval {
    pub success: bool,
    pub marketplace_id: Uuid,
    pub status: ListingStatus,
    pub approved_at: Option<DateTime<Utc>>,
}

/// A rejection in the skill routes' shape.
#[derive(Serialize, ToSchema)]
pub struct Rejection {
    pub success: bool,
    pub marketplace_id: Uuid,
    pub status: ListingStatus,
    pub reason: Option<String>,
}

/// `{success, marketplace_id, status, approved_at}`, the skill routes'
/// answer, which the agent template routes share.
pub async fn approve(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    raw_id: &str,
    content_hash: Option<&str>,
) -> Result<Json<Approval>, MarketError> {
    let id = parse_id(raw_id, kind.not_found())?;
    let row = listings::decide_pinned(state, p, kind, id, Decision::Approve, content_hash).await?;
    Ok(Json(Approval {
        success: true,
        marketplace_id: row.id,
        status: row.status,
        approved_at: row.approved_at,
    }))
}

/// `{success, marketplace_id, status, reason}`.
pub async fn reject(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    raw_id: &str,
    reason: Option<String>,
) -> Result<Json<Rejection>, MarketError> {
    let id = parse_id(raw_id, kind.not_found())?;
    let row = listings::decide(
        state,
        p,
        kind,
        id,
        Decision::Reject(reason.unwrap_or_default()),
    )
    .await?;
    Ok(Json(Rejection {
        success: true,
        marketplace_id: row.id,
        status: row.status,
        reason: row.rejection_reason,
    }))
}

/// `sort_by`/`sort_order` of the browse routes that default to descending.
pub fn sort_params(
    sort_by: Option<&str>,
    sort_order: Option<&str>,
) -> Result<(Option<SortBy>, Option<SortOrder>), MarketError> {
    let by = sort_by.map(SortBy::parse).transpose()?;
    let order = sort_order.map(SortOrder::parse).transpose()?;
    Ok((by, Some(order.unwrap_or(SortOrder::Desc))))
}

/// A rating by the caller: `POST` rates once, `PUT` replaces.
pub async fn rate(
    state: &AppState,
    method: &Method,
    p: &Principal,
    kind: ListingKind,
    id: uuid::Uuid,
    req: RateRequest,
) -> Result<Rated, MarketError> {
    listings::rate(
        state,
        p,
        kind,
        id,
        req.rating,
        req.review,
        *method == Method::PUT,
    )
    .await
}

/// `[{name, count}]` from grouped counts.
pub fn name_counts(rows: Vec<(String, i64)>) -> Vec<NameCount> {
    rows.into_iter()
        .map(|(name, count)| NameCount { name, count })
        .collect()
}

/// A category or tag with the number of approved listings that carry it.
#[derive(Serialize, ToSchema)]
pub struct NameCount {
    pub name: String,
    pub count: i64,
}
