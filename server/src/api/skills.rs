//! The Skill Marketplace (`/api/skills/**`), as the reference documents it.

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::lifecycle::{self, ReasonQuery};
use super::skill_wire::{install_plan, marketplace_item, rated, skill_detail, skill_type_filter};
use app::backend::auth::Permission;
use app::backend::services::{listings, skills};
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::kind::ListingKind;
use app::model::listing::{split_tags, SortBy};
use app::model::page::PageParams;
use app::model::skill::{PublishSkill, RateRequest};
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::Skill;

fn skill_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(raw, KIND.not_found())
}

#[derive(Deserialize)]
pub struct BrowseQuery {
    query: Option<String>,
    category: Option<String>,
    tags: Option<String>,
    skill_type: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
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
        ..Default::default()
    })
}

/// `GET /api/skills/marketplace`
pub async fn browse(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<BrowseQuery>,
) -> Result<Json<Value>, MarketError> {
    p.require(Permission::SkillView)?;
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let params = browse_params(&q, SortBy::Popularity)?;
    let (rows, _) = listings::browse(&state, Some(&p), KIND, params, page).await?;
    Ok(Json(json!({
        "success": true,
        "skills": rows.iter().map(marketplace_item).collect::<Vec<_>>(),
    })))
}

/// `POST /api/skills/publish`
pub async fn publish(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(req): ApiJson<PublishSkill>,
) -> Result<Json<Value>, MarketError> {
    let row = skills::publish(&state, &p, skill_id(&req.skill_id)?, &req).await?;
    Ok(Json(json!({
        "success": true,
        "marketplace_id": row.id,
        "status": row.status,
        "message": "Skill submitted for marketplace review",
    })))
}

/// `POST /api/skills/approve/{marketplace_id}?content_hash=`
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<lifecycle::ApproveQuery>,
) -> Result<Json<Value>, MarketError> {
    lifecycle::approve(&state, &p, KIND, &id, q.content_hash.as_deref()).await
}

/// `POST /api/skills/reject/{marketplace_id}?reason=`
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<Value>, MarketError> {
    lifecycle::reject(&state, &p, KIND, &id, q.reason).await
}

#[derive(Deserialize)]
pub struct InstallBody {
    skill_id: String,
    #[serde(default)]
    agent_id: Option<String>,
    #[serde(default)]
    config_overrides: Option<Value>,
    #[serde(default)]
    install_dependencies: Option<bool>,
    #[serde(default)]
    dry_run: Option<bool>,
}

#[derive(Deserialize)]
pub struct DryRunQuery {
    pub dry_run: Option<bool>,
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

/// `POST /api/skills/install` (`dry_run=true` in the query or body
/// answers the plan and writes nothing)
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    ApiJson(body): ApiJson<InstallBody>,
) -> Result<Json<Value>, MarketError> {
    let req = install_request(
        &body.skill_id,
        body.agent_id.as_deref(),
        body.config_overrides,
        body.install_dependencies,
    )?;
    if q.dry_run.or(body.dry_run).unwrap_or(false) {
        let plan = skills::dry_run(&state, &p, &req).await?;
        return Ok(Json(install_plan(&plan)));
    }
    let (row, _) = skills::install(&state, &p, &req).await?;
    Ok(Json(json!({
        "success": true,
        "skill_id": row.id,
        "status": "installed",
        "message": "Skill installed successfully",
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

/// `POST /api/skills/rate/{id}` (and `PUT` to replace the caller's rating).
pub async fn rate(
    State(state): State<AppState>,
    method: Method,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<Value>, MarketError> {
    let r = listings::rate(
        &state,
        &p,
        KIND,
        skill_id(&id)?,
        req.rating,
        req.review,
        method == Method::PUT,
    )
    .await?;
    Ok(Json(rated(&r)))
}

#[derive(Deserialize)]
pub struct VersionQuery {
    skill_id: Option<String>,
    version_name: Option<String>,
    description: Option<String>,
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

/// `POST /api/skills/version?skill_id=&version_name=&description=`
pub async fn create_version(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<Value>, MarketError> {
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
    Ok(Json(
        json!({ "success": true, "version_id": v.id, "version_name": v.version_name }),
    ))
}

/// `GET /api/skills/history/{skill_id}?limit=&offset=`: one page of
/// versions, newest first (50 unless asked, at most 100).
pub async fn history(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<lifecycle::PageQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let versions = listings::history(&state, &p, KIND, skill_id(&id)?, page).await?;
    Ok(Json(json!({
        "success": true,
        "history": versions.iter().map(|v| json!({
            "version_id": v.id,
            "version_name": v.version_name,
            "description": v.description,
            "created_at": v.created_at,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct RollbackQuery {
    version_id: Option<String>,
}

/// `POST /api/skills/rollback/{skill_id}?version_id=`
pub async fn rollback(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RollbackQuery>,
) -> Result<Json<Value>, MarketError> {
    let id = skill_id(&id)?;
    let version_id = parse_id(
        &required("version_id", q.version_id)?,
        MarketError::route_not_found().with_message("Version not found for this item"),
    )?;
    let (change, version) = listings::rollback(&state, &p, KIND, id, version_id).await?;
    Ok(Json(json!({
        "success": true,
        "message": format!("Skill {} rolled back to version {}", change.row.id, version.id),
    })))
}

/// `GET /api/skills/{id}`
pub async fn get_one(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    p.require(Permission::SkillView)?;
    // The publisher reads its own skill's change in review here; everyone
    // else, the approved content.
    let row = listings::detail(&state, Some(&p), KIND, skill_id(&id)?).await?;
    Ok(Json(skill_detail(&row, &skills::spec(&row)?)))
}

#[derive(Deserialize)]
pub struct IdsQuery {
    ids: Option<String>,
}

/// `GET /api/skills?ids=a,b,c`: many at once; unknown or hidden ids are
/// left out (and listed in `missing`).
pub async fn get_many(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<IdsQuery>,
) -> Result<Json<Value>, MarketError> {
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
    if raw.len() > 100 {
        return Err(
            MarketError::new(app::error::ErrorCode::InvalidLimit, "Maximum limit is 100")
                .with_details(json!({ "field": "ids", "max": 100 })),
        );
    }
    let ids: Vec<Uuid> = raw.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect();
    let rows = skills::many(&state, &p, &ids).await?;
    let found: Vec<String> = rows.iter().map(|(r, _)| r.id.to_string()).collect();
    let skills: Vec<Value> = rows.iter().map(|(r, s)| skill_detail(r, s)).collect();
    let missing: Vec<&String> = raw.iter().filter(|s| !found.contains(s)).collect();
    Ok(Json(
        json!({ "success": true, "skills": skills, "missing": missing }),
    ))
}
