//! `/api/agents`: the tenant's agents, where skills are installed.

use super::extract::{parse_id, ApiJson, Auth};
use app::backend::db::agents::AgentRow;
use app::backend::services::agents;
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct CreateAgent {
    name: String,
    #[serde(default)]
    maturity: Option<String>,
}

fn wire(a: &AgentRow) -> Value {
    json!({ "id": a.id, "name": a.name, "maturity": a.maturity, "created_at": a.created_at })
}

pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(req): ApiJson<CreateAgent>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    let a = agents::create(&state, &p, &req.name, req.maturity.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(wire(&a))))
}

pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Value>, MarketError> {
    let rows = agents::list(&state, &p).await?;
    Ok(Json(
        json!({ "agents": rows.iter().map(wire).collect::<Vec<_>>() }),
    ))
}

pub async fn get_one(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Agent not found"),
    )?;
    let (agent, skills) = agents::get(&state, &p, id).await?;
    let mut v = wire(&agent);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "installed_skills".into(),
            json!(skills
                .iter()
                .map(|s| json!({
                    "skill_id": s.id,
                    "marketplace_skill_id": s.listing_id,
                    "name": s.name,
                    "config_overrides": s.config_overrides,
                    "installed_at": s.created_at,
                }))
                .collect::<Vec<_>>()),
        );
    }
    Ok(Json(v))
}

#[derive(Deserialize)]
pub struct GraduateBody {
    target_maturity: String,
}

/// `POST /api/agents/{id}/graduate`: one maturity level up (tenant admins).
pub async fn graduate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<GraduateBody>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Agent not found"),
    )?;
    let (row, previous) = agents::graduate(&state, &p, id, b.target_maturity.trim()).await?;
    Ok(Json(json!({
        "success": true,
        "agent_id": row.id,
        "previous_maturity": previous,
        "maturity": row.maturity,
    })))
}
