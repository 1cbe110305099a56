//! The Private Marketplace (`/api/v1/skills/private/**`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::skills::agent_id;
use app::backend::db::installed_skills::PrivateFilter;
use app::backend::services::skills;
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::kind::ListingKind;
use app::model::page::PageParams;
use app::model::skill::{CustomizeSkill, SkillInput};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct ListQuery {
    query: Option<String>,
    category: Option<String>,
    skill_type: Option<String>,
    is_installed: Option<bool>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/skills/private`
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let filter = PrivateFilter {
        query: q.query.filter(|s| !s.trim().is_empty()),
        category: q.category.filter(|s| !s.is_empty()),
        skill_type: q.skill_type.filter(|s| !s.is_empty()),
        is_installed: q.is_installed,
        order_by: "",
        limit: page.limit,
        offset: page.offset,
    };
    let (items, total) = skills::private_list(
        &state,
        &p,
        filter,
        q.sort_by.as_deref(),
        q.sort_order.as_deref(),
    )
    .await?;
    Ok(Json(json!({
        "success": true,
        "skills": items.iter().map(|i| json!({
            "id": i.id,
            "name": i.name,
            "description": i.description,
            "skill_type": i.skill_type,
            "category": i.category,
            "is_own": i.is_own,
            "is_installed": i.is_installed,
            "rating": i.rating,
            "created_at": i.created_at,
        })).collect::<Vec<_>>(),
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

#[derive(Deserialize)]
pub struct InstallBody {
    marketplace_skill_id: String,
    #[serde(default)]
    agent_id: Option<String>,
    #[serde(default)]
    config_overrides: Option<Value>,
}

/// `POST /api/v1/skills/private/install`
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<InstallBody>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(&body.marketplace_skill_id, ListingKind::Skill.not_found())?;
    let (row, spec) = skills::install(
        &state,
        &p,
        id,
        agent_id(body.agent_id.as_deref())?,
        body.config_overrides,
    )
    .await?;
    let packages: Vec<Value> = spec
        .python_packages
        .iter()
        .map(|pk| json!({ "package_name": pk.name, "package_type": "python", "status": "installed" }))
        .chain(spec.npm_packages.iter().map(|pk| json!({ "package_name": pk.name, "package_type": "npm", "status": "installed" })))
        .collect();
    Ok(Json(json!({
        "success": true,
        "skill_id": row.id,
        "status": "installed",
        "message": "Skill installed successfully",
        "packages_installed": packages,
    })))
}

fn installed_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::new(ErrorCode::SkillNotFound, "Skill not found or not approved"),
    )
}

/// `PUT /api/v1/skills/private/{skill_id}`
pub async fn customize(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CustomizeSkill>,
) -> Result<Json<Value>, MarketError> {
    let (row, applied) = skills::customize(&state, &p, installed_id(&id)?, &req).await?;
    Ok(Json(json!({
        "success": true,
        "skill_id": row.id,
        "name": row.name,
        "description": row.description,
        "config_overrides_applied": applied,
    })))
}

/// `DELETE /api/v1/skills/private/{skill_id}`
pub async fn uninstall(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let row = skills::uninstall(&state, &p, installed_id(&id)?).await?;
    Ok(Json(json!({
        "success": true,
        "skill_id": row.id,
        "status": "uninstalled",
        "message": "Skill uninstalled successfully",
    })))
}

/// `POST /api/v1/skills/private`
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<SkillInput>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    let row = skills::create_private(&state, &p, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "success": true,
            "skill_id": row.id,
            "name": row.name,
            "status": "created",
            "is_public": false,
        })),
    ))
}
