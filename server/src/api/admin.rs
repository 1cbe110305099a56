//! `/api/admin/*`: operator routes (GOVERNANCE_APPROVE).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::lifecycle::PageQuery;
use app::backend::services::listings::{self, Decision};
use app::backend::services::{governance, packages};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::page::PageParams;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// `GET /api/admin/review-queue`: pending listings of every kind, oldest first.
pub async fn review_queue(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let rows = governance::review_queue(&state, &p, page).await?;
    Ok(Json(json!({
        "items": rows.iter().map(|q| (q, &q.listing)).map(|(q, r)| json!({
            "id": r.id,
            "kind": r.kind,
            "name": r.name,
            "description": r.description,
            "category": r.category,
            "tags": r.tags,
            "price": r.price,
            "publisher_tenant_id": r.publisher_tenant_id,
            "submitted_at": r.submitted_at,
            "spec": r.spec,
            "change": q.change,
            "content_hash": q.content_hash,
        })).collect::<Vec<_>>(),
        "limit": page.limit,
        "offset": page.offset,
    })))
}

#[derive(Deserialize)]
pub struct DecideQuery {
    reason: Option<String>,
    content_hash: Option<String>,
}

/// `POST /api/admin/listings/{id}/{approve|reject|suspend}?reason=&content_hash=`:
/// the operator's decision on a listing of any kind (workflow templates
/// have no approve route of their own; suspension is for approved
/// listings). `content_hash` (from the review queue) pins the content.
pub async fn decide(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, action)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DecideQuery>,
) -> Result<Json<Value>, MarketError> {
    let not_found = || MarketError::new(ErrorCode::NotFound, "Listing not found");
    let id = parse_id(&id, not_found())?;
    let reason = q.reason.unwrap_or_default();
    let decision = match action.as_str() {
        "approve-risk" => {
            let row = listings::approve_risk(&state, &p, id).await?;
            return Ok(Json(json!({
                "success": true,
                "listing_id": row.id,
                "kind": row.kind,
                "status": row.status,
                "risk_approved_at": row.risk_approved_at,
            })));
        }
        "approve" => Decision::Approve,
        "reject" => Decision::Reject(reason),
        "suspend" => Decision::Suspend(reason),
        _ => return Err(MarketError::route_not_found()),
    };
    let row = listings::decide_any(&state, &p, id, decision, q.content_hash.as_deref()).await?;
    Ok(Json(json!({
        "success": true,
        "listing_id": row.id,
        "kind": row.kind,
        "status": row.status,
        "reason": row.rejection_reason,
    })))
}

/// `GET /api/admin/flags`: flagged reviews, most flagged first.
pub async fn flags(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let rows = governance::flagged(&state, &p, page).await?;
    Ok(Json(json!({
        "reviews": rows.iter().map(|r| json!({
            "id": r.id,
            "listing_id": r.listing_id,
            "rating": r.rating,
            "review": r.review,
            "flag_count": r.flag_count,
            "reasons": r.reasons,
            "hidden": r.hidden,
            "created_at": r.created_at,
        })).collect::<Vec<_>>(),
    })))
}

fn review_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::route_not_found().with_message("Review not found"),
    )
}

/// `POST /api/admin/reviews/{id}/hide`
pub async fn hide(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = review_id(&id)?;
    governance::set_review_hidden(&state, &p, id, true).await?;
    Ok(Json(
        json!({ "success": true, "review_id": id, "status": "hidden" }),
    ))
}

/// `POST /api/admin/reviews/{id}/restore`
pub async fn restore(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = review_id(&id)?;
    governance::set_review_hidden(&state, &p, id, false).await?;
    Ok(Json(
        json!({ "success": true, "review_id": id, "status": "visible" }),
    ))
}

#[derive(Deserialize)]
pub struct TenantUpdate {
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    marketplace_enabled: Option<bool>,
}

/// `PUT /api/admin/tenants/{id}` `{plan?, marketplace_enabled?}`
pub async fn update_tenant(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(u): ApiJson<TenantUpdate>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::TenantNotFound, "Tenant context not found"),
    )?;
    let t =
        governance::update_tenant(&state, &p, id, u.plan.as_deref(), u.marketplace_enabled).await?;
    Ok(Json(
        json!({ "id": t.id, "name": t.name, "plan": t.plan, "marketplace_enabled": t.marketplace_enabled }),
    ))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    target_id: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/admin/audit?action=&target_id=`
pub async fn audit(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, MarketError> {
    // Operators only, before any parameter is looked at.
    p.require(app::backend::auth::Permission::GovernanceApprove)?;
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let target = q
        .target_id
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| {
            uuid::Uuid::parse_str(t)
                .map_err(|_| MarketError::validation("target_id", "Must be a UUID"))
        })
        .transpose()?;
    let rows = governance::audit_log(
        &state,
        &p,
        q.action.as_deref().filter(|a| !a.is_empty()),
        target,
        page,
    )
    .await?;
    Ok(Json(json!({
        "entries": rows.iter().map(|r| json!({
            "id": r.id,
            "actor_user_id": r.actor_user_id,
            "action": r.action,
            "target_type": r.target_type,
            "target_id": r.target_id,
            "before": r.before,
            "after": r.after,
            "created_at": r.created_at,
        })).collect::<Vec<_>>(),
        "limit": page.limit,
        "offset": page.offset,
    })))
}

#[derive(Deserialize)]
pub struct MaintenanceBody {
    enabled: bool,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    expected_end: Option<chrono::DateTime<chrono::Utc>>,
}

/// `PUT /api/admin/maintenance` `{enabled, message?, expected_end?}`
pub async fn maintenance(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<MaintenanceBody>,
) -> Result<Json<Value>, MarketError> {
    let m =
        governance::set_maintenance(&state, &p, b.enabled, b.message.as_deref(), b.expected_end)
            .await?;
    Ok(Json(json!({
        "enabled": m.maintenance_enabled,
        "message": m.maintenance_message,
        "started_at": m.maintenance_started_at,
        "expected_end": m.maintenance_expected_end,
    })))
}

/// `PUT /api/admin/packages/{name}`: whitelist state, allowed versions and
/// the full vulnerability list of a package.
pub async fn put_package(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(name): Path<String>,
    ApiJson(input): ApiJson<packages::PackageInput>,
) -> Result<Json<Value>, MarketError> {
    let (row, vulns) = packages::put(&state, &p, &name, &input).await?;
    Ok(Json(json!({
        "package_name": row.name,
        "package_type": row.package_type,
        "whitelisted": row.whitelisted,
        "allowed_versions": row.allowed_versions,
        "vulnerabilities": vulns.iter().map(packages::vuln_json).collect::<Vec<_>>(),
        "updated_at": row.updated_at,
    })))
}
