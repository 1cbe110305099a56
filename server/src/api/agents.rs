//! `/api/agents`: the tenant's agents, where skills are installed.

use super::extract::{parse_id, ApiJson, Auth};
use app::backend::services::agents;
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::agent::{AgentRecord, Maturity};
use app::model::schema::of;
use app::model::skill::InstalledSkill;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get_one))
        .routes(routes!(graduate))
}

fn agent_name() -> RefOr<Schema> {
    of(app::model::bounds::DisplayName::schema())
}

fn maturity() -> RefOr<Schema> {
    of(json!({"type": "string", "enum": Maturity::ALL.map(Maturity::as_str)}))
}

fn maturity_or_null() -> RefOr<Schema> {
    of(super::lifecycle::or_null(
        json!({"type": "string", "enum": Maturity::ALL.map(Maturity::as_str)}),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateAgent {
    #[schema(schema_with = agent_name)]
    name: String,
    /// `student` unless a tenant admin starts it at `intern`.
    #[serde(default)]
    #[schema(schema_with = maturity_or_null)]
    maturity: Option<String>,
}

/// One of the tenant's agents.
#[derive(Serialize, ToSchema)]
pub struct Agent {
    id: Uuid,
    name: String,
    #[schema(schema_with = maturity)]
    maturity: Maturity,
    created_at: DateTime<Utc>,
}

impl From<&AgentRecord> for Agent {
    fn from(a: &AgentRecord) -> Self {
        Agent {
            id: a.id,
            name: a.name.clone(),
            maturity: a.maturity,
            created_at: a.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgentList {
    agents: Vec<Agent>,
}

/// A skill installed on the agent.
#[derive(Serialize, ToSchema)]
pub struct AgentSkill {
    skill_id: Uuid,
    marketplace_skill_id: Uuid,
    name: String,
    /// The install's configuration overrides (an object, or whatever the
    /// skill's config schema admits).
    #[schema(schema_with = super::skill_wire::any_json)]
    config_overrides: Value,
    installed_at: DateTime<Utc>,
}

impl From<&InstalledSkill> for AgentSkill {
    fn from(s: &InstalledSkill) -> Self {
        AgentSkill {
            skill_id: s.id,
            marketplace_skill_id: s.listing_id,
            name: s.name.clone(),
            config_overrides: s.config_overrides.clone(),
            installed_at: s.created_at,
        }
    }
}

/// One agent with the skills installed on it.
#[derive(Serialize, ToSchema)]
pub struct AgentDetail {
    id: Uuid,
    name: String,
    #[schema(schema_with = maturity)]
    maturity: Maturity,
    created_at: DateTime<Utc>,
    installed_skills: Vec<AgentSkill>,
}

/// Create an agent at student (counts against the plan; a tenant admin may start it at intern, as one graduation)
#[utoipa::path(
    post,
    path = "/agents",
    tag = "Agents",
    request_body = CreateAgent,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The new agent", body = Agent))
)]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(req): ApiJson<CreateAgent>,
) -> Result<(StatusCode, Json<Agent>), MarketError> {
    let a = agents::create(&state, &p, &req.name, req.maturity.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(Agent::from(&a))))
}

/// The tenant's agents
#[utoipa::path(
    get,
    path = "/agents",
    tag = "Agents",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = AgentList))
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<AgentList>, MarketError> {
    let rows = agents::list(&state, &p).await?;
    Ok(Json(AgentList {
        agents: rows.iter().map(Agent::from).collect(),
    }))
}

/// One agent with its installed skills
#[utoipa::path(
    get,
    path = "/agents/{id}",
    tag = "Agents",
    params(("id" = String, Path, description = "The agent's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = AgentDetail))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<AgentDetail>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Agent not found"),
    )?;
    let (agent, skills) = agents::get(&state, &p, id).await?;
    Ok(Json(AgentDetail {
        id: agent.id,
        name: agent.name,
        maturity: agent.maturity,
        created_at: agent.created_at,
        installed_skills: skills.iter().map(AgentSkill::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct GraduateBody {
    /// The level right after the agent's current one.
    #[schema(schema_with = maturity)]
    target_maturity: String,
}

/// The agent's maturity before and after.
#[derive(Serialize, ToSchema)]
pub struct Graduated {
    success: bool,
    agent_id: Uuid,
    #[schema(schema_with = maturity)]
    previous_maturity: Maturity,
    #[schema(schema_with = maturity)]
    maturity: Maturity,
}

/// Raise an agent's maturity one level (tenant admins)
#[utoipa::path(
    post,
    path = "/agents/{id}/graduate",
    tag = "Agents",
    params(("id" = String, Path, description = "The agent's id")),
    request_body = GraduateBody,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = Graduated))
)]
pub async fn graduate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<GraduateBody>,
) -> Result<Json<Graduated>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Agent not found"),
    )?;
    let (row, previous) = agents::graduate(&state, &p, id, b.target_maturity.trim()).await?;
    Ok(Json(Graduated {
        success: true,
        agent_id: row.id,
        previous_maturity: previous,
        maturity: row.maturity,
    }))
}
