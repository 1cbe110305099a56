//! The Skill Marketplace (`/api/skills/**`), as the reference documents it.

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::lifecycle::{
    self, query_param, Approval, ApproveQuery, PageQuery, ReasonQuery, Rejection,
};
use super::skill_wire::{
    install_plan, marketplace_item, query_text, rated, skill_detail, skill_type_filter,
    skill_type_param, sort_by_param, sort_order_param, DryRunQuery, SkillDetail, SkillInstallPlan,
    SkillMarketplaceItem, SkillRated,
};
use app::backend::auth::{Permission, Principal};
use app::backend::services::{deprecation, listings, skills};
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::deprecation::InstallWarning;
use app::model::kind::ListingKind;
use app::model::listing::{split_tags, ListingStatus, SortBy};
use app::model::page::PageParams;
use app::model::schema;
use app::model::skill::{InstallBody, PublishSkill, RateRequest};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_many))
        .routes(routes!(browse))
        .routes(routes!(publish))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(install))
        .routes(routes!(rate, replace_rating))
        .routes(routes!(create_version))
        .routes(routes!(history))
        .routes(routes!(rollback))
        .routes(routes!(get_one))
}

const TAG: &str = "Skill Marketplace";

const KIND: ListingKind = ListingKind::Skill;

fn skill_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(raw, KIND.not_found())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseQuery {
    #[param(schema_with = query_text)]
    query: Option<String>,
    #[param(schema_with = query_text)]
    category: Option<String>,
    #[param(schema_with = query_text)]
    tags: Option<String>,
    #[param(schema_with = skill_type_param)]
    skill_type: Option<String>,
    #[param(schema_with = sort_by_param)]
    sort_by: Option<String>,
    #[param(schema_with = sort_order_param)]
    sort_order: Option<String>,
    #[param(schema_with = lifecycle::page_limit)]
    limit: Option<i64>,
    #[param(schema_with = lifecycle::offset)]
    offset: Option<i64>,
    /// `true`: deprecated skills too (skipped by default).
    include_deprecated: Option<bool>,
}

/// `GET /api/skills/marketplace`.
#[derive(Serialize, ToSchema)]
pub struct SkillBrowse {
    success: bool,
    skills: Vec<SkillMarketplaceItem>,
}

/// The engine's browse parameters from the reference's query string.
pub fn browse_params(
    q: &BrowseQuery,
    default_sort: SortBy,
) -> Result<listings::Browse, MarketError> {
    Ok(listings::Browse {
        query: q.query.clone(),
        category: q.category.clone(),
        tags: split_tags(q.tags.as_deref()),
        spec_filters: skill_type_filter(q.skill_type.as_deref())?
            .into_iter()
            .collect(),
        sort_by: q.sort_by.as_deref().map(SortBy::parse).transpose()?,
        sort_order: q
            .sort_order
            .as_deref()
            .map(app::model::listing::SortOrder::parse)
            .transpose()?,
        default_sort: Some(default_sort),
        include_deprecated: q.include_deprecated.unwrap_or(false),
        ..Default::default()
    })
}

/// Browse and search skills
#[utoipa::path(
    get,
    path = "/skills/marketplace",
    tag = TAG,
    params(BrowseQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Approved skills (and the caller's own), most popular first unless sorted", body = SkillBrowse))
)]
pub async fn browse(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<BrowseQuery>,
) -> Result<Json<SkillBrowse>, MarketError> {
    p.require(Permission::SkillView)?;
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let params = browse_params(&q, SortBy::Popularity)?;
    let (rows, _) = listings::browse(&state, Some(&p), KIND, params, page).await?;
    Ok(Json(SkillBrowse {
        success: true,
        skills: rows.iter().map(marketplace_item).collect(),
    }))
}

/// A submission for review (`marketplace_id` is the skill's id).
#[derive(Serialize, ToSchema)]
pub struct SkillSubmitted {
    success: bool,
    marketplace_id: Uuid,
    status: ListingStatus,
    message: &'static str,
}

/// Submit a private skill for review
#[utoipa::path(
    post,
    path = "/skills/publish",
    tag = TAG,
    request_body = PublishSkill,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Submitted for review", body = SkillSubmitted))
)]
pub async fn publish(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(req): ApiJson<PublishSkill>,
) -> Result<Json<SkillSubmitted>, MarketError> {
    let row = skills::publish(&state, &p, skill_id(&req.skill_id)?, &req).await?;
    Ok(Json(SkillSubmitted {
        success: true,
        marketplace_id: row.id,
        status: row.status,
        message: "Skill submitted for marketplace review",
    }))
}

/// Approve a submission
#[utoipa::path(
    post,
    path = "/skills/approve/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's marketplace id"), ApproveQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Approved", body = Approval))
)]
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ApproveQuery>,
) -> Result<Json<Approval>, MarketError> {
    lifecycle::approve(&state, &p, KIND, &id, q.content_hash.as_deref()).await
}

/// Reject a submission with a reason
#[utoipa::path(
    post,
    path = "/skills/reject/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's marketplace id"), ReasonQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Rejected", body = Rejection))
)]
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<Rejection>, MarketError> {
    lifecycle::reject(&state, &p, KIND, &id, q.reason).await
}

/// A done install (the installed copy's id).
#[derive(Serialize, ToSchema)]
pub struct SkillInstalled {
    success: bool,
    skill_id: Uuid,
    /// `installed`.
    status: &'static str,
    message: &'static str,
    /// `LISTING_DEPRECATED` when the listing is deprecated (installed all the same).
    warnings: Vec<InstallWarning>,
}

/// An install's answer: done, or with `dry_run` the plan.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum SkillInstallAnswer {
    Installed(SkillInstalled),
    DryRun(Box<SkillInstallPlan>),
}

/// Parses the optional agent id: an unknown or malformed one is a 404.
pub fn agent_id(raw: Option<&str>) -> Result<Option<Uuid>, MarketError> {
    raw.filter(|a| !a.is_empty())
        .map(|a| {
            parse_id(
                a,
                MarketError::new(app::error::ErrorCode::NotFound, "Agent not found"),
            )
        })
        .transpose()
}

/// Install an approved skill into the tenant
///
/// `dry_run=true` in the query or body answers the plan and writes nothing.
#[utoipa::path(
    post,
    path = "/skills/install",
    tag = TAG,
    params(DryRunQuery),
    request_body = InstallBody,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Installed, or the plan of a dry run", body = SkillInstallAnswer))
)]
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    ApiJson(body): ApiJson<InstallBody>,
) -> Result<Json<SkillInstallAnswer>, MarketError> {
    let req = install_request(
        &body.skill_id,
        body.agent_id.as_deref(),
        body.config_overrides,
        body.install_dependencies,
    )?;
    if q.dry_run.or(body.dry_run).unwrap_or(false) {
        let plan = skills::dry_run(&state, &p, &req).await?;
        return Ok(Json(SkillInstallAnswer::DryRun(Box::new(install_plan(
            &plan,
        )))));
    }
    let (row, plan) = skills::install(&state, &p, &req).await?;
    let warnings = deprecation::install_warnings(&state, &plan.listing).await?;
    Ok(Json(SkillInstallAnswer::Installed(SkillInstalled {
        success: true,
        skill_id: row.id,
        status: "installed",
        message: "Skill installed successfully",
        warnings,
    })))
}

/// The install request both install routes parse.
pub fn install_request(
    listing_id: &str,
    agent: Option<&str>,
    config_overrides: Option<Value>,
    install_dependencies: Option<bool>,
) -> Result<skills::InstallRequest, MarketError> {
    Ok(skills::InstallRequest {
        listing_id: skill_id(listing_id)?,
        agent_id: agent_id(agent)?,
        config_overrides,
        install_dependencies: install_dependencies.unwrap_or(true),
    })
}

/// Rate and review (once per user)
#[utoipa::path(
    post,
    path = "/skills/rate/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id")),
    request_body = RateRequest,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The rating and the new average", body = SkillRated))
)]
pub async fn rate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<SkillRated>, MarketError> {
    rate_as(&state, &p, &id, req, false).await
}

/// Replace the caller's rating
#[utoipa::path(
    put,
    path = "/skills/rate/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id")),
    request_body = RateRequest,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The rating and the new average", body = SkillRated))
)]
pub async fn replace_rating(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<SkillRated>, MarketError> {
    rate_as(&state, &p, &id, req, true).await
}

/// `POST` rates once, `PUT` replaces the caller's rating.
async fn rate_as(
    state: &AppState,
    p: &Principal,
    id: &str,
    req: RateRequest,
    replace: bool,
) -> Result<Json<SkillRated>, MarketError> {
    let id = skill_id(id)?;
    let r = listings::rate(state, p, KIND, id, req.rating, req.review, replace).await?;
    Ok(Json(rated(&r)))
}

/// `?skill_id=&version_name=&description=`: the first two are required.
#[derive(Deserialize)]
pub struct VersionQuery {
    skill_id: Option<String>,
    version_name: Option<String>,
    description: Option<String>,
}

// By hand: the derive never marks a `schema_with` parameter required.
impl IntoParams for VersionQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            query_param("skill_id", true, schema::id()),
            query_param("version_name", true, version_name()),
            query_param(
                "description",
                false,
                app::model::bounds::Description::schema(),
            ),
        ]
    }
}

/// What `create_version` accepts: SemVer 2.0.0 with an optional leading
/// `v`, at most 64 characters, once trimmed (of Unicode White_Space, spelt
/// out as in `schema::PRINTABLE`). Whether it is above the highest version
/// and bumps enough for its changes is the gate's `400 INVALID_VERSION`.
fn version_name() -> Value {
    const WS: &str =
        "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
    const NUM: &str = "(0|[1-9][0-9]*)";
    const PRE: &str = "(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    json!({
        "type": "string",
        "maxLength": 64,
        "pattern": format!(
            "^[{WS}]*[vV]?{NUM}\\.{NUM}\\.{NUM}(-{PRE}(\\.{PRE})*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?[{WS}]*$"
        ),
    })
}

#[derive(Serialize, ToSchema)]
pub struct SkillVersionCreated {
    success: bool,
    version_id: Uuid,
    version_name: String,
}

fn required(field: &str, v: Option<String>) -> Result<String, MarketError> {
    v.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        MarketError::new(
            app::error::ErrorCode::MissingRequiredField,
            format!("Field '{field}' is required"),
        )
        .with_details(json!({ "field": field }))
    })
}

/// Freeze a version
#[utoipa::path(
    post,
    path = "/skills/version",
    tag = TAG,
    params(VersionQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The frozen version", body = SkillVersionCreated))
)]
pub async fn create_version(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<SkillVersionCreated>, MarketError> {
    let id = skill_id(&required("skill_id", q.skill_id)?)?;
    let name = required("version_name", q.version_name)?;
    let v = listings::create_version(
        &state,
        &p,
        KIND,
        id,
        &name,
        q.description.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Json(SkillVersionCreated {
        success: true,
        version_id: v.id,
        version_name: v.version_name,
    }))
}

/// A frozen version, without its snapshot.
#[derive(Serialize, ToSchema)]
pub struct SkillVersion {
    version_id: Uuid,
    version_name: String,
    description: String,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct SkillHistory {
    success: bool,
    /// Newest first.
    history: Vec<SkillVersion>,
}

/// Version history, newest first, paged (no snapshots)
///
/// 50 versions a page unless asked, at most 100.
#[utoipa::path(
    get,
    path = "/skills/history/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id"), PageQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "A page of versions, newest first", body = SkillHistory))
)]
pub async fn history(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<SkillHistory>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let versions = listings::history(&state, &p, KIND, skill_id(&id)?, page).await?;
    Ok(Json(SkillHistory {
        success: true,
        history: versions
            .into_iter()
            .map(|v| SkillVersion {
                version_id: v.id,
                version_name: v.version_name,
                description: v.description,
                created_at: v.created_at,
            })
            .collect(),
    }))
}

/// `?version_id=`, required.
#[derive(Deserialize)]
pub struct RollbackQuery {
    version_id: Option<String>,
}

impl IntoParams for RollbackQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query_param("version_id", true, schema::id())]
    }
}

#[derive(Serialize, ToSchema)]
pub struct SkillRolledBack {
    success: bool,
    message: String,
}

/// Restore a version's fields (on an approved skill: into review)
#[utoipa::path(
    post,
    path = "/skills/rollback/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id"), RollbackQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Rolled back (an approved skill's change waits for review)", body = SkillRolledBack))
)]
pub async fn rollback(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RollbackQuery>,
) -> Result<Json<SkillRolledBack>, MarketError> {
    let id = skill_id(&id)?;
    let version_id = parse_id(
        &required("version_id", q.version_id)?,
        MarketError::route_not_found().with_message("Version not found for this item"),
    )?;
    let (change, version) = listings::rollback(&state, &p, KIND, id, version_id).await?;
    Ok(Json(SkillRolledBack {
        success: true,
        message: format!(
            "Skill {} rolled back to version {}",
            change.row.id, version.id
        ),
    }))
}

/// One skill with its config schema
#[utoipa::path(
    get,
    path = "/skills/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The skill", body = SkillDetail))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<SkillDetail>, MarketError> {
    p.require(Permission::SkillView)?;
    // The publisher reads its own skill's change in review here; everyone
    // else, the approved content.
    let row = listings::detail(&state, Some(&p), KIND, skill_id(&id)?).await?;
    Ok(Json(skill_detail(&row, &skills::spec(&row)?)))
}

/// `?ids=a,b,c`, required.
#[derive(Deserialize)]
pub struct IdsQuery {
    ids: Option<String>,
}

impl IntoParams for IdsQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query_param(
            "ids",
            true,
            json!({
                "type": "string",
                "description": format!("Comma-separated skill ids, 1 to {}", PageParams::MAX_LIMIT),
                "pattern": schema::LIST,
            }),
        )]
    }
}

#[derive(Serialize, ToSchema)]
pub struct SkillMany {
    success: bool,
    skills: Vec<SkillDetail>,
    /// The asked ids that name no skill the caller may see.
    missing: Vec<String>,
}

/// Many skills at once (?ids=a,b,c)
///
/// Unknown or hidden ids are left out and listed in `missing`.
#[utoipa::path(
    get,
    path = "/skills",
    tag = TAG,
    params(IdsQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The skills found, and the ids that were not", body = SkillMany))
)]
pub async fn get_many(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<IdsQuery>,
) -> Result<Json<SkillMany>, MarketError> {
    p.require(Permission::SkillView)?;
    let raw: Vec<String> = q
        .ids
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if raw.is_empty() {
        return Err(MarketError::new(
            app::error::ErrorCode::MissingRequiredField,
            "Query parameter 'ids' is required",
        )
        .with_details(json!({ "field": "ids" })));
    }
    let max = PageParams::MAX_LIMIT;
    if raw.len() > max as usize {
        return Err(MarketError::new(
            app::error::ErrorCode::InvalidLimit,
            format!("Maximum limit is {max}"),
        )
        .with_details(json!({ "field": "ids", "max": max })));
    }
    let ids: Vec<Uuid> = raw.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect();
    let rows = skills::many(&state, &p, &ids).await?;
    let found: Vec<String> = rows.iter().map(|(r, _)| r.id.to_string()).collect();
    let skills = rows.iter().map(|(r, s)| skill_detail(r, s)).collect();
    let missing = raw.into_iter().filter(|s| !found.contains(s)).collect();
    Ok(Json(SkillMany {
        success: true,
        skills,
        missing,
    }))
}
