//! The Private Marketplace (`/api/v1/skills/private/**`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::skill_wire::{install_plan, packages_installed};
use super::skills::{install_request, DryRunQuery};
use app::backend::db::installed_skills::PrivateFilter;
use app::backend::services::skills;
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
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
        skill_type: q.skill_type,
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
    #[serde(default)]
    install_dependencies: Option<bool>,
    #[serde(default)]
    dry_run: Option<bool>,
}

/// `POST /api/v1/skills/private/install` (`dry_run=true` answers the plan)
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    ApiJson(body): ApiJson<InstallBody>,
) -> Result<Json<Value>, MarketError> {
    let req = install_request(
        &body.marketplace_skill_id,
        body.agent_id.as_deref(),
        body.config_overrides,
        body.install_dependencies,
    )?;
    if q.dry_run.or(body.dry_run).unwrap_or(false) {
        let plan = skills::dry_run(&state, &p, &req).await?;
        return Ok(Json(install_plan(&plan)));
    }
    let (row, plan) = skills::install(&state, &p, &req).await?;
    Ok(Json(json!({
        "success": true,
        "skill_id": row.id,
        "status": "installed",
        "message": "Skill installed successfully",
        "packages_installed": packages_installed(&plan),
    })))
}

fn installed_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::new(ErrorCode::SkillNotFound, "Skill not found or not approved"),
    )
}

/// `PUT /api/v1/skills/private/{skill_id}`: an installed copy, or one of
/// the tenant's own skills (whose answer names the content just written,
/// which on an approved skill is in review).
pub async fn customize(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CustomizeSkill>,
) -> Result<Json<Value>, MarketError> {
    let reply = match skills::customize(&state, &p, installed_id(&id)?, &req).await? {
        skills::Customized::Installed(row, applied) => json!({
            "success": true,
            "skill_id": row.id,
            "name": row.name,
            "description": row.description,
            "config_overrides_applied": applied,
        }),
        skills::Customized::Own(change) => json!({
            "success": true,
            "skill_id": change.row.id,
            "name": change.content.name,
            "description": change.content.description,
            "config_overrides_applied": false,
        }),
    };
    Ok(Json(reply))
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
