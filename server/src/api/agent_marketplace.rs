//! The Agent Marketplace (`/api/agent-marketplace/**`).

use super::extract::{parse_id, ApiQuery, Auth};
use super::lifecycle::{self, query_param, Approval, ReasonQuery, Rejection};
use app::backend::auth::Permission;
use app::backend::services::agent_templates::{self, PublishAgent};
use app::backend::services::{deprecation, listings};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::deprecation::DeprecationFields;
use app::model::deprecation::InstallWarning;
use app::model::kind::ListingKind;
use app::model::listing::Listing;
use app::model::listing::{ListingStatus, SortBy};
use app::model::page::PageParams;
use app::model::schema::{present, price};
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::AgentTemplate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(browse))
        .routes(routes!(publish))
        .routes(routes!(install))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// An approved agent template in the browse list.
#[derive(Serialize, ToSchema)]
pub struct AgentTemplateItem {
    id: Uuid,
    name: String,
    description: String,
    category: Option<String>,
    price: f64,
    /// The mean rating, two decimals (0 without ratings).
    rating: f64,
    installs: i32,
    /// The template's current version (`1.0.0` when first published).
    version: Option<String>,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

impl From<&Listing> for AgentTemplateItem {
    fn from(r: &Listing) -> Self {
        AgentTemplateItem {
            id: r.id,
            name: r.name.clone(),
            description: r.description.clone(),
            category: r.category.clone(),
            price: r.price,
            rating: r.rating(),
            installs: r.installs,
            version: r.current_version.clone().or_else(|| {
                r.spec
                    .get("version")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            }),
            deprecation: r.deprecation_fields(),
            origin: r.origin(),
        }
    }
}

/// A page of approved agent templates.
#[derive(Serialize, ToSchema)]
pub struct AgentTemplatePage {
    agents: Vec<AgentTemplateItem>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// `?limit=&offset=&include_deprecated=` of the template browse.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentBrowseQuery {
    #[param(schema_with = lifecycle::page_limit)]
    limit: Option<i64>,
    #[param(schema_with = lifecycle::offset)]
    offset: Option<i64>,
    /// `true`: deprecated templates too (skipped by default).
    include_deprecated: Option<bool>,
}

/// Browse approved agent templates
#[utoipa::path(
    get,
    path = "/agent-marketplace/browse",
    tag = "Agent Marketplace",
    params(AgentBrowseQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = AgentTemplatePage))
)]
pub async fn browse(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AgentBrowseQuery>,
) -> Result<Json<AgentTemplatePage>, MarketError> {
    p.require(Permission::SkillView)?;
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let params = listings::Browse {
        default_sort: Some(SortBy::Popularity),
        include_deprecated: q.include_deprecated.unwrap_or(false),
        ..Default::default()
    };
    let (rows, total) = listings::browse(&state, Some(&p), KIND, params, page).await?;
    Ok(Json(AgentTemplatePage {
        agents: rows.iter().map(AgentTemplateItem::from).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// `?name=&description=&price=&category=`: the template's listing details.
#[derive(Deserialize)]
pub struct PublishQuery {
    name: Option<String>,
    description: Option<String>,
    price: Option<f64>,
    category: Option<String>,
}

// By hand: `name` and `description` are required (400
// MISSING_REQUIRED_FIELD without them), which the derive cannot say
// together with a shared schema.
impl IntoParams for PublishQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            query_param("name", true, app::model::bounds::DisplayName::schema()),
            query_param(
                "description",
                true,
                present(app::model::bounds::Description::MAX),
            ),
            query_param("price", false, price()),
            query_param("category", false, app::model::bounds::ShortName::schema()),
        ]
    }
}

/// The template submitted for review.
#[derive(Serialize, ToSchema)]
pub struct PublishedTemplate {
    success: bool,
    template_id: Uuid,
    status: ListingStatus,
    #[schema(example = "Agent submitted for marketplace review")]
    message: &'static str,
}

/// Publish one of the tenant's agents as a template (pending approval)
#[utoipa::path(
    post,
    path = "/agent-marketplace/publish/{agent_id}",
    tag = "Agent Marketplace",
    params(("agent_id" = String, Path, description = "The agent to publish"), PublishQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = PublishedTemplate))
)]
pub async fn publish(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(agent_id): Path<String>,
    ApiQuery(q): ApiQuery<PublishQuery>,
) -> Result<Json<PublishedTemplate>, MarketError> {
    let agent_id = parse_id(
        &agent_id,
        MarketError::new(ErrorCode::AgentNotFound, "Agent not found"),
    )?;
    let req = PublishAgent {
        name: q.name,
        description: q.description,
        price: q.price,
        category: q.category,
    };
    let row = agent_templates::publish(&state, &p, agent_id, &req).await?;
    Ok(Json(PublishedTemplate {
        success: true,
        template_id: row.id,
        status: row.status,
        message: "Agent submitted for marketplace review",
    }))
}

/// The new agent made from the template.
#[derive(Serialize, ToSchema)]
pub struct InstalledTemplate {
    success: bool,
    agent_id: Uuid,
    #[schema(example = "installed")]
    status: &'static str,
    #[schema(example = "Agent installed successfully")]
    message: &'static str,
    /// `LISTING_DEPRECATED` when the listing is deprecated (installed all the same).
    warnings: Vec<InstallWarning>,
}

/// Install a template as a new agent (plan limit applies)
#[utoipa::path(
    post,
    path = "/agent-marketplace/install/{template_id}",
    tag = "Agent Marketplace",
    params(("template_id" = String, Path, description = "The template to install")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = InstalledTemplate))
)]
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<InstalledTemplate>, MarketError> {
    let id = parse_id(&id, KIND.not_found())?;
    let agent = agent_templates::install(&state, &p, id).await?;
    Ok(Json(InstalledTemplate {
        success: true,
        agent_id: agent.id,
        status: "installed",
        message: "Agent installed successfully",
        warnings: deprecation::install_warnings_of(&state, id).await?,
    }))
}

/// Approve an agent template
#[utoipa::path(
    post,
    path = "/agent-marketplace/approve/{template_id}",
    tag = "Agent Marketplace",
    params(("template_id" = String, Path, description = "The template"), lifecycle::ApproveQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, body = Approval))
)]
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<lifecycle::ApproveQuery>,
) -> Result<Json<Approval>, MarketError> {
    lifecycle::approve(&state, &p, KIND, &id, q.content_hash.as_deref()).await
}

/// Reject an agent template with a reason
#[utoipa::path(
    post,
    path = "/agent-marketplace/reject/{template_id}",
    tag = "Agent Marketplace",
    params(("template_id" = String, Path, description = "The template"), ReasonQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, body = Rejection))
)]
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<Rejection>, MarketError> {
    lifecycle::reject(&state, &p, KIND, &id, q.reason).await
}
