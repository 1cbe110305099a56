//! Wire pieces every marketplace's routes share: operator decisions in
//! the skill routes' shape, reason and page queries, name/count lists.

use super::extract::parse_id;
use app::backend::services::listings::{self, Decision, Rated};
use app::backend::{auth::Principal, state::AppState};
use app::error::MarketError;
use app::model::kind::ListingKind;
use app::model::listing::{SortBy, SortOrder};
use app::model::page::PageParams;
use app::model::skill::RateRequest;
use axum::http::Method;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct ReasonQuery {
    pub reason: Option<String>,
}

/// The approve routes' `?content_hash=`: the review queue's hash of the
/// content the operator saw. Absent, the approval is of what is under
/// review now, as the reference's routes (which take nothing) expect.
#[derive(Deserialize)]
pub struct ApproveQuery {
    pub content_hash: Option<String>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// `{success, marketplace_id, status, approved_at}`, the skill routes'
/// answer, which the agent template routes share.
pub async fn approve(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    raw_id: &str,
    content_hash: Option<&str>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(raw_id, kind.not_found())?;
    let row = listings::decide_pinned(state, p, kind, id, Decision::Approve, content_hash).await?;
    Ok(Json(json!({
        "success": true,
        "marketplace_id": row.id,
        "status": row.status,
        "approved_at": row.approved_at,
    })))
}

/// `{success, marketplace_id, status, reason}`.
pub async fn reject(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    raw_id: &str,
    reason: Option<String>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(raw_id, kind.not_found())?;
    let row = listings::decide(
        state,
        p,
        kind,
        id,
        Decision::Reject(reason.unwrap_or_default()),
    )
    .await?;
    Ok(Json(json!({
        "success": true,
        "marketplace_id": row.id,
        "status": row.status,
        "reason": row.rejection_reason,
    })))
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
pub fn name_counts(rows: Vec<(String, i64)>) -> Vec<Value> {
    rows.into_iter()
        .map(|(name, count)| json!({ "name": name, "count": count }))
        .collect()
}

/// A page of a list in the reference's shape:
/// `{<key>: [...], total, limit, offset, has_more}`.
pub fn paged(key: &str, items: Vec<Value>, total: i64, page: PageParams) -> Json<Value> {
    let mut v = json!({
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
        "has_more": page.has_more(total),
    });
    v[key] = Value::Array(items);
    Json(v)
}
