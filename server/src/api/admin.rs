//! `/api/admin/*`: operator routes (GOVERNANCE_APPROVE).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::lifecycle::{ApproveQuery, ReasonQuery};
use app::backend::services::listings::{self, Decision};
use app::backend::services::{governance, packages};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::capability::CapabilityDiff;
use app::model::kind::ListingKind;
use app::model::listing::ListingStatus;
use app::model::page::PageParams;
use app::model::schema;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(review_queue))
        .routes(routes!(approve_listing))
        .routes(routes!(reject_listing))
        .routes(routes!(suspend_listing))
        .routes(routes!(approve_risk))
        .routes(routes!(flags))
        .routes(routes!(hide))
        .routes(routes!(restore))
        .routes(routes!(update_tenant))
        .routes(routes!(audit))
        .routes(routes!(maintenance))
        .routes(routes!(put_package))
}

fn limit() -> RefOr<Schema> {
    schema::of(PageParams::limit_schema(PageParams::MAX_LIMIT))
}

fn offset() -> RefOr<Schema> {
    schema::of(PageParams::offset_schema())
}

fn listing_kind() -> RefOr<Schema> {
    schema::of(schema::one_of(&ListingKind::ALL, ListingKind::as_str))
}

fn listing_status() -> RefOr<Schema> {
    schema::of(json!({
        "type": "string",
        "enum": ["draft", "pending_approval", "approved", "rejected", "suspended"],
    }))
}

/// Any JSON value (the action's record: an object), or null. Built, not
/// parsed: `{}` read as a schema becomes `{"type": "object"}`.
fn any_json() -> RefOr<Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType};
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::AnyValue)
            .description(Some("A JSON object, or null"))
            .build(),
    ))
}

/// A body field that may also be `null` (read as absent).
fn or_null(mut s: Value) -> Value {
    s["type"] = json!([s["type"].clone(), "null"]);
    if let Some(values) = s["enum"].as_array_mut() {
        values.push(Value::Null);
    }
    s
}

/// `?limit=&offset=` of the operator lists (50 by default, at most 100).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminPage {
    #[param(schema_with = limit)]
    limit: Option<i64>,
    #[param(schema_with = offset)]
    offset: Option<i64>,
}

/// One listing awaiting review, with the content under review.
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    id: Uuid,
    #[schema(schema_with = listing_kind)]
    kind: ListingKind,
    name: String,
    description: String,
    #[schema(required)]
    category: Option<String>,
    tags: Vec<String>,
    price: f64,
    publisher_tenant_id: Uuid,
    #[schema(required)]
    submitted_at: Option<DateTime<Utc>>,
    /// The kind's own fields.
    #[schema(value_type = Object)]
    spec: Value,
    /// `new` (a listing in review), `edit` or `rollback` (a change to an
    /// approved listing, whose approved content is live meanwhile).
    #[schema(schema_with = change)]
    change: String,
    /// Pins the content an approval is about (`?content_hash=`).
    content_hash: String,
    /// Skills only (`null` otherwise): the capability manifest live now
    /// (none for a new listing) and under review, and the parts the change
    /// widens. Approving a widening withdraws an earlier approve-risk.
    capability_diff: Option<CapabilityDiff>,
}

fn change() -> RefOr<Schema> {
    schema::of(json!({"type": "string", "enum": ["new", "edit", "rollback"]}))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewQueue {
    items: Vec<QueueItem>,
    limit: i64,
    offset: i64,
}

/// Pending listings of every kind, oldest first
#[utoipa::path(
    get,
    path = "/admin/review-queue",
    tag = "Operators",
    params(AdminPage),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "A page of the queue", body = ReviewQueue))
)]
pub async fn review_queue(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AdminPage>,
) -> Result<Json<ReviewQueue>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let rows = governance::review_queue(&state, &p, page).await?;
    Ok(Json(ReviewQueue {
        items: rows
            .into_iter()
            .map(|q| {
                let r = q.listing;
                QueueItem {
                    id: r.id,
                    kind: r.kind,
                    name: r.name,
                    description: r.description,
                    category: r.category,
                    tags: r.tags,
                    price: r.price,
                    publisher_tenant_id: r.publisher_tenant_id,
                    submitted_at: r.submitted_at,
                    spec: r.spec,
                    change: q.change,
                    content_hash: q.content_hash,
                    capability_diff: q.capability_diff,
                }
            })
            .collect(),
        limit: page.limit,
        offset: page.offset,
    }))
}

/// A decision's answer after approve, reject or suspend.
#[derive(Serialize, ToSchema)]
pub struct StatusDecided {
    success: bool,
    listing_id: Uuid,
    #[schema(schema_with = listing_kind)]
    kind: ListingKind,
    #[schema(schema_with = listing_status)]
    status: ListingStatus,
    /// The rejection or suspension reason (null after approve).
    #[schema(required)]
    reason: Option<String>,
}

/// The answer after approve-risk.
#[derive(Serialize, ToSchema)]
pub struct RiskApproved {
    success: bool,
    listing_id: Uuid,
    #[schema(schema_with = listing_kind)]
    kind: ListingKind,
    #[schema(schema_with = listing_status)]
    status: ListingStatus,
    #[schema(required)]
    risk_approved_at: Option<DateTime<Utc>>,
}

// One operation per action, so each documents its own query rules (a
// reason is required to reject or suspend, a content hash may pin an
// approval); an unknown action is the API's 404, like any unknown path.
async fn decide(
    state: &AppState,
    p: &app::backend::auth::Principal,
    id: &str,
    decision: Decision,
    content_hash: Option<&str>,
) -> Result<Json<StatusDecided>, MarketError> {
    let id = parse_id(
        id,
        MarketError::new(ErrorCode::NotFound, "Listing not found"),
    )?;
    let row = listings::decide_any(state, p, id, decision, content_hash).await?;
    Ok(Json(StatusDecided {
        success: true,
        listing_id: row.id,
        kind: row.kind,
        status: row.status,
        reason: row.rejection_reason,
    }))
}

/// Approve a pending listing of any kind (or a change in review)
///
/// Workflow templates have no approve route of their own. Needs the
/// GOVERNANCE_APPROVE permission (platform operators).
#[utoipa::path(
    post,
    path = "/admin/listings/{id}/approve",
    tag = "Operators",
    params(("id" = String, Path, description = "The listing's id"), ApproveQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The listing after the decision", body = StatusDecided))
)]
pub async fn approve_listing(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ApproveQuery>,
) -> Result<Json<StatusDecided>, MarketError> {
    decide(
        &state,
        &p,
        &id,
        Decision::Approve,
        q.content_hash.as_deref(),
    )
    .await
}

/// Reject a pending listing of any kind (or a change in review), with a reason
///
/// Needs the GOVERNANCE_APPROVE permission (platform operators).
#[utoipa::path(
    post,
    path = "/admin/listings/{id}/reject",
    tag = "Operators",
    params(("id" = String, Path, description = "The listing's id"), ReasonQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The listing after the decision", body = StatusDecided))
)]
pub async fn reject_listing(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<StatusDecided>, MarketError> {
    let reason = q.reason.unwrap_or_default();
    decide(&state, &p, &id, Decision::Reject(reason), None).await
}

/// Suspend an approved listing of any kind, with a reason
///
/// Needs the GOVERNANCE_APPROVE permission (platform operators).
#[utoipa::path(
    post,
    path = "/admin/listings/{id}/suspend",
    tag = "Operators",
    params(("id" = String, Path, description = "The listing's id"), ReasonQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The listing after the decision", body = StatusDecided))
)]
pub async fn suspend_listing(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<StatusDecided>, MarketError> {
    let reason = q.reason.unwrap_or_default();
    decide(&state, &p, &id, Decision::Suspend(reason), None).await
}

/// Explicitly approve a high-risk listing for installs
///
/// Needs the GOVERNANCE_APPROVE permission (platform operators).
#[utoipa::path(
    post,
    path = "/admin/listings/{id}/approve-risk",
    tag = "Operators",
    params(("id" = String, Path, description = "The listing's id")),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The listing with its risk approval", body = RiskApproved))
)]
pub async fn approve_risk(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<RiskApproved>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Listing not found"),
    )?;
    let row = listings::approve_risk(&state, &p, id).await?;
    Ok(Json(RiskApproved {
        success: true,
        listing_id: row.id,
        kind: row.kind,
        status: row.status,
        risk_approved_at: row.risk_approved_at,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct FlaggedReview {
    id: Uuid,
    listing_id: Uuid,
    rating: f64,
    #[schema(required)]
    review: Option<String>,
    flag_count: i32,
    /// The flags' reasons, oldest first.
    reasons: Vec<String>,
    hidden: bool,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct FlaggedReviews {
    reviews: Vec<FlaggedReview>,
}

/// Flagged reviews, most flagged first
#[utoipa::path(
    get,
    path = "/admin/flags",
    tag = "Operators",
    params(AdminPage),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "A page of flagged reviews", body = FlaggedReviews))
)]
pub async fn flags(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AdminPage>,
) -> Result<Json<FlaggedReviews>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let rows = governance::flagged(&state, &p, page).await?;
    Ok(Json(FlaggedReviews {
        reviews: rows
            .into_iter()
            .map(|r| FlaggedReview {
                id: r.id,
                listing_id: r.listing_id,
                rating: r.rating,
                review: r.review,
                flag_count: r.flag_count,
                reasons: r.reasons,
                hidden: r.hidden,
                created_at: r.created_at,
            })
            .collect(),
    }))
}

fn review_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::route_not_found().with_message("Review not found"),
    )
}

/// A review's visibility after an operator's hide or restore.
#[derive(Serialize, ToSchema)]
pub struct ReviewVisibility {
    success: bool,
    review_id: Uuid,
    #[schema(schema_with = visibility)]
    status: &'static str,
}

fn visibility() -> RefOr<Schema> {
    schema::of(json!({"type": "string", "enum": ["hidden", "visible"]}))
}

/// Hide a review (its rating leaves the average)
#[utoipa::path(
    post,
    path = "/admin/reviews/{id}/hide",
    tag = "Operators",
    params(("id" = String, Path, description = "The review's id")),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Hidden", body = ReviewVisibility))
)]
pub async fn hide(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ReviewVisibility>, MarketError> {
    let id = review_id(&id)?;
    governance::set_review_hidden(&state, &p, id, true).await?;
    Ok(Json(ReviewVisibility {
        success: true,
        review_id: id,
        status: "hidden",
    }))
}

/// Restore a hidden review
#[utoipa::path(
    post,
    path = "/admin/reviews/{id}/restore",
    tag = "Operators",
    params(("id" = String, Path, description = "The review's id")),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Visible again", body = ReviewVisibility))
)]
pub async fn restore(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ReviewVisibility>, MarketError> {
    let id = review_id(&id)?;
    governance::set_review_hidden(&state, &p, id, false).await?;
    Ok(Json(ReviewVisibility {
        success: true,
        review_id: id,
        status: "visible",
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct TenantUpdate {
    #[serde(default)]
    #[schema(schema_with = plan_or_null)]
    plan: Option<String>,
    #[serde(default)]
    marketplace_enabled: Option<bool>,
}

fn plan() -> RefOr<Schema> {
    use app::model::account::Plan;
    schema::of(schema::one_of(&Plan::ALL, Plan::as_str))
}

fn plan_or_null() -> RefOr<Schema> {
    use app::model::account::Plan;
    schema::of(or_null(schema::one_of(&Plan::ALL, Plan::as_str)))
}

#[derive(Serialize, ToSchema)]
pub struct Tenant {
    id: Uuid,
    name: String,
    #[schema(schema_with = plan)]
    plan: app::model::account::Plan,
    marketplace_enabled: bool,
}

/// Change a tenant's plan or marketplace access
#[utoipa::path(
    put,
    path = "/admin/tenants/{id}",
    tag = "Operators",
    params(("id" = String, Path, description = "The tenant's id")),
    request_body = TenantUpdate,
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The tenant after the change", body = Tenant))
)]
pub async fn update_tenant(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(u): ApiJson<TenantUpdate>,
) -> Result<Json<Tenant>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::TenantNotFound, "Tenant context not found"),
    )?;
    let t =
        governance::update_tenant(&state, &p, id, u.plan.as_deref(), u.marketplace_enabled).await?;
    Ok(Json(Tenant {
        id: t.id,
        name: t.name,
        plan: t.plan,
        marketplace_enabled: t.marketplace_enabled,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries of this action (e.g. `listing.approve`).
    #[param(schema_with = audit_action)]
    action: Option<String>,
    /// Only entries about this object.
    #[param(schema_with = target_id)]
    target_id: Option<String>,
    #[param(schema_with = limit)]
    limit: Option<i64>,
    #[param(schema_with = offset)]
    offset: Option<i64>,
}

fn audit_action() -> RefOr<Schema> {
    schema::of(json!({"type": "string", "pattern": schema::NO_NUL}))
}

/// A UUID, or empty (no filter).
fn target_id() -> RefOr<Schema> {
    schema::of(json!({"anyOf": [
        {"type": "string", "format": "uuid"},
        {"type": "string", "maxLength": 0},
    ]}))
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    id: Uuid,
    /// Null for the operator's command line.
    #[schema(required)]
    actor_user_id: Option<Uuid>,
    action: String,
    target_type: String,
    target_id: Uuid,
    #[schema(required, schema_with = any_json)]
    before: Option<Value>,
    #[schema(required, schema_with = any_json)]
    after: Option<Value>,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    entries: Vec<AuditEntry>,
    limit: i64,
    offset: i64,
}

/// The audit log of governance actions
#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "Operators",
    params(AuditQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Newest first", body = AuditLog))
)]
pub async fn audit(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditLog>, MarketError> {
    // Operators only, before any parameter is looked at.
    p.require(app::backend::auth::Permission::GovernanceApprove)?;
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let target = q
        .target_id
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| {
            Uuid::parse_str(t).map_err(|_| MarketError::validation("target_id", "Must be a UUID"))
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
    Ok(Json(AuditLog {
        entries: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                actor_user_id: r.actor_user_id,
                action: r.action,
                target_type: r.target_type,
                target_id: r.target_id,
                before: r.before,
                after: r.after,
                created_at: r.created_at,
            })
            .collect(),
        limit: page.limit,
        offset: page.offset,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct MaintenanceBody {
    enabled: bool,
    #[serde(default)]
    #[schema(schema_with = maintenance_message)]
    message: Option<String>,
    #[serde(default)]
    #[schema(schema_with = date_time)]
    expected_end: Option<DateTime<Utc>>,
}

fn maintenance_message() -> RefOr<Schema> {
    schema::of(or_null(schema::text(app::model::bounds::Reason::MAX)))
}

/// An RFC 3339 time. `format` alone only annotates (an empty string
/// would match it), so the pattern states what always parses: days up to
/// the 28th keep every match a real date.
fn date_time() -> RefOr<Schema> {
    schema::of(or_null(json!({
        "type": "string",
        "format": "date-time",
        "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])$",
    })))
}

#[derive(Serialize, ToSchema)]
pub struct MaintenanceState {
    enabled: bool,
    #[schema(required)]
    message: Option<String>,
    #[schema(required)]
    started_at: Option<DateTime<Utc>>,
    #[schema(required)]
    expected_end: Option<DateTime<Utc>>,
}

/// Switch maintenance mode (writes answer 503)
#[utoipa::path(
    put,
    path = "/admin/maintenance",
    tag = "Operators",
    request_body = MaintenanceBody,
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Maintenance mode as it now is", body = MaintenanceState))
)]
pub async fn maintenance(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<MaintenanceBody>,
) -> Result<Json<MaintenanceState>, MarketError> {
    let m =
        governance::set_maintenance(&state, &p, b.enabled, b.message.as_deref(), b.expected_end)
            .await?;
    Ok(Json(MaintenanceState {
        enabled: m.maintenance_enabled,
        message: m.maintenance_message,
        started_at: m.maintenance_started_at,
        expected_end: m.maintenance_expected_end,
    }))
}

/// A known vulnerability of a package, by version range.
#[derive(Serialize, ToSchema)]
pub struct PackageCve {
    cve: String,
    #[schema(value_type = String)]
    severity: app::model::package::Severity,
    description: String,
    affected_versions: String,
    #[schema(required)]
    safe_version: Option<String>,
}

/// A package's whitelist entry as operators set it.
#[derive(Serialize, ToSchema)]
pub struct WhitelistedPackage {
    package_name: String,
    #[schema(schema_with = package_type)]
    package_type: app::model::package::PackageType,
    whitelisted: bool,
    #[schema(required)]
    allowed_versions: Option<String>,
    vulnerabilities: Vec<PackageCve>,
    updated_at: DateTime<Utc>,
}

fn package_type() -> RefOr<Schema> {
    use app::model::package::PackageType;
    schema::of(schema::one_of(PackageType::ALL, PackageType::as_str))
}

/// Whitelist state, allowed versions and vulnerabilities of a package
#[utoipa::path(
    put,
    path = "/admin/packages/{name}",
    tag = "Operators",
    params(("name" = String, Path, description = "The package's name")),
    request_body = packages::PackageInput,
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "The package's whitelist entry as stored", body = WhitelistedPackage))
)]
pub async fn put_package(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(name): Path<String>,
    ApiJson(input): ApiJson<packages::PackageInput>,
) -> Result<Json<WhitelistedPackage>, MarketError> {
    let (row, vulns) = packages::put(&state, &p, &name, &input).await?;
    Ok(Json(WhitelistedPackage {
        package_name: row.name,
        package_type: row.package_type,
        whitelisted: row.whitelisted,
        allowed_versions: row.allowed_versions,
        vulnerabilities: vulns
            .into_iter()
            .map(|v| PackageCve {
                cve: v.cve,
                severity: v.severity,
                description: v.description,
                affected_versions: v.affected_versions,
                safe_version: v.safe_version,
            })
            .collect(),
        updated_at: row.updated_at,
    }))
}
