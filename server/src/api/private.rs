//! The Private Marketplace (`/api/v1/skills/private/**`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth};
use super::lifecycle;
use super::skill_wire::{
    install_plan, packages_installed, query_text, skill_type_param, sort_order_param, DryRunQuery,
    InstalledPackage, SkillInstallPlan,
};
use super::skills::install_request;
use app::backend::services::{deprecation, skills};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::deprecation::InstallWarning;
use app::model::listing::SkillType;
use app::model::page::PageParams;
use app::model::skill::PrivateFilter;
use app::model::skill::{CustomizeSkill, PrivateInstallBody, SkillInput};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const TAG: &str = "Private Marketplace";

/// Mounted under `/api`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(install))
        .routes(routes!(customize, uninstall))
}

fn sort_by() -> RefOr<Schema> {
    app::model::schema::of(json!({"type": "string", "enum": ["name", "created_at", "rating"]}))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[param(schema_with = query_text)]
    query: Option<String>,
    #[param(schema_with = query_text)]
    category: Option<String>,
    #[param(schema_with = skill_type_param)]
    skill_type: Option<String>,
    is_installed: Option<bool>,
    #[param(schema_with = sort_by)]
    sort_by: Option<String>,
    #[param(schema_with = sort_order_param)]
    sort_order: Option<String>,
    #[param(schema_with = lifecycle::page_limit)]
    limit: Option<i64>,
    #[param(schema_with = lifecycle::offset)]
    offset: Option<i64>,
}

/// One of the tenant's own skills, or one it installed.
#[derive(Serialize, ToSchema)]
pub struct PrivateSkillItem {
    id: Uuid,
    name: String,
    description: String,
    skill_type: Option<SkillType>,
    category: Option<String>,
    is_own: bool,
    is_installed: bool,
    /// The mean rating, two decimals.
    rating: f64,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct PrivateSkillList {
    success: bool,
    skills: Vec<PrivateSkillItem>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// The tenant's own and installed skills
#[utoipa::path(
    get,
    path = "/v1/skills/private",
    tag = TAG,
    params(ListQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "A page of the tenant's own and installed skills", body = PrivateSkillList))
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<PrivateSkillList>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
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
    Ok(Json(PrivateSkillList {
        success: true,
        skills: items
            .into_iter()
            .map(|i| PrivateSkillItem {
                id: i.id,
                name: i.name,
                description: i.description,
                skill_type: i
                    .skill_type
                    .as_deref()
                    .and_then(|t| SkillType::parse(t).ok()),
                category: i.category,
                is_own: i.is_own,
                is_installed: i.is_installed,
                rating: i.rating,
                created_at: i.created_at,
            })
            .collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// A done install, with what it added to the package inventory.
#[derive(Serialize, ToSchema)]
pub struct PrivateInstalled {
    success: bool,
    skill_id: Uuid,
    /// `installed`.
    status: &'static str,
    message: &'static str,
    packages_installed: Vec<InstalledPackage>,
    /// `LISTING_DEPRECATED` when the listing is deprecated (installed all the same).
    warnings: Vec<InstallWarning>,
}

/// An install's answer: done, or with `dry_run` the plan.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum PrivateInstallAnswer {
    Installed(PrivateInstalled),
    DryRun(Box<SkillInstallPlan>),
}

/// Install a marketplace skill
///
/// `dry_run=true` in the query or body answers the plan and writes nothing.
#[utoipa::path(
    post,
    path = "/v1/skills/private/install",
    tag = TAG,
    params(DryRunQuery),
    request_body = PrivateInstallBody,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Installed, or the plan of a dry run", body = PrivateInstallAnswer))
)]
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    ApiJson(body): ApiJson<PrivateInstallBody>,
) -> Result<Json<PrivateInstallAnswer>, MarketError> {
    let req = install_request(
        &body.marketplace_skill_id,
        body.agent_id.as_deref(),
        body.config_overrides,
        body.install_dependencies,
    )?;
    if q.dry_run.or(body.dry_run).unwrap_or(false) {
        let plan = skills::dry_run(&state, &p, &req).await?;
        return Ok(Json(PrivateInstallAnswer::DryRun(Box::new(install_plan(
            &plan,
        )))));
    }
    let (row, plan) = skills::install(&state, &p, &req).await?;
    let warnings = deprecation::install_warnings(&state, &plan.listing).await?;
    Ok(Json(PrivateInstallAnswer::Installed(PrivateInstalled {
        success: true,
        skill_id: row.id,
        status: "installed",
        message: "Skill installed successfully",
        packages_installed: packages_installed(&plan),
        warnings,
    })))
}

fn installed_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::new(ErrorCode::SkillNotFound, "Skill not found or not approved"),
    )
}

/// The skill after the change: on an own approved skill, the content just
/// written (which is in review).
#[derive(Serialize, ToSchema)]
pub struct PrivateCustomized {
    success: bool,
    skill_id: Uuid,
    name: String,
    description: String,
    config_overrides_applied: bool,
}

/// Customize an installed skill, or edit an own skill (an approved one: into review)
#[utoipa::path(
    put,
    path = "/v1/skills/private/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The installed copy's or own skill's id")),
    request_body = CustomizeSkill,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The skill after the change", body = PrivateCustomized))
)]
pub async fn customize(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CustomizeSkill>,
) -> Result<Json<PrivateCustomized>, MarketError> {
    let reply = match skills::customize(&state, &p, installed_id(&id)?, &req).await? {
        skills::Customized::Installed(row, applied) => PrivateCustomized {
            success: true,
            skill_id: row.id,
            name: row.name,
            description: row.description,
            config_overrides_applied: applied,
        },
        skills::Customized::Own(change) => PrivateCustomized {
            success: true,
            skill_id: change.row.id,
            name: change.content.name,
            description: change.content.description,
            config_overrides_applied: false,
        },
    };
    Ok(Json(reply))
}

#[derive(Serialize, ToSchema)]
pub struct PrivateUninstalled {
    success: bool,
    skill_id: Uuid,
    /// `uninstalled`.
    status: &'static str,
    message: &'static str,
}

/// Uninstall a skill
#[utoipa::path(
    delete,
    path = "/v1/skills/private/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The installed copy's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Uninstalled", body = PrivateUninstalled))
)]
pub async fn uninstall(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<PrivateUninstalled>, MarketError> {
    let row = skills::uninstall(&state, &p, installed_id(&id)?).await?;
    Ok(Json(PrivateUninstalled {
        success: true,
        skill_id: row.id,
        status: "uninstalled",
        message: "Skill uninstalled successfully",
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PrivateCreated {
    success: bool,
    skill_id: Uuid,
    name: String,
    /// `created`.
    status: &'static str,
    /// Always `false`: publishing is a separate step.
    is_public: bool,
}

/// Create a private skill
#[utoipa::path(
    post,
    path = "/v1/skills/private",
    tag = TAG,
    request_body = SkillInput,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The new private skill", body = PrivateCreated))
)]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<SkillInput>,
) -> Result<(StatusCode, Json<PrivateCreated>), MarketError> {
    let row = skills::create_private(&state, &p, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(PrivateCreated {
            success: true,
            skill_id: row.id,
            name: row.name,
            status: "created",
            is_public: false,
        }),
    ))
}
