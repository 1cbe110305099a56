//! The Agent Marketplace (`/api/agent-marketplace/**`).

use super::extract::{parse_id, ApiQuery, Auth};
use super::lifecycle::{self, PageQuery, ReasonQuery};
use app::backend::auth::Permission;
use app::backend::services::agent_templates::{self, PublishAgent};
use app::backend::services::listings;
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::kind::ListingKind;
use app::model::listing::SortBy;
use app::model::page::PageParams;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

const KIND: ListingKind = ListingKind::AgentTemplate;

/// `GET /browse`
pub async fn browse(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Value>, MarketError> {
    p.require(Permission::SkillView)?;
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let params = listings::Browse {
        default_sort: Some(SortBy::Popularity),
        ..Default::default()
    };
    let (rows, total) = listings::browse(&state, Some(&p), KIND, params, page).await?;
    Ok(Json(json!({
        "agents": rows.iter().map(|r| json!({
            "id": r.id,
            "name": r.name,
            "description": r.description,
            "category": r.category,
            "price": r.price,
            "rating": r.rating(),
            "installs": r.installs,
            "version": r.current_version.clone().map_or_else(|| r.spec_field("version"), Value::from),
        })).collect::<Vec<_>>(),
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

#[derive(Deserialize)]
pub struct PublishQuery {
    name: Option<String>,
    description: Option<String>,
    price: Option<f64>,
    category: Option<String>,
}

/// `POST /publish/{agent_id}?name=&description=&price=&category=`
pub async fn publish(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(agent_id): Path<String>,
    ApiQuery(q): ApiQuery<PublishQuery>,
) -> Result<Json<Value>, MarketError> {
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
    Ok(Json(json!({
        "success": true,
        "template_id": row.id,
        "status": row.status,
        "message": "Agent submitted for marketplace review",
    })))
}

/// `POST /install/{template_id}`
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let agent = agent_templates::install(&state, &p, parse_id(&id, KIND.not_found())?).await?;
    Ok(Json(json!({
        "success": true,
        "agent_id": agent.id,
        "status": "installed",
        "message": "Agent installed successfully",
    })))
}

/// `POST /approve/{template_id}?content_hash=` (operators)
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<lifecycle::ApproveQuery>,
) -> Result<Json<Value>, MarketError> {
    lifecycle::approve(&state, &p, KIND, &id, q.content_hash.as_deref()).await
}

/// `POST /reject/{template_id}?reason=` (operators)
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<Value>, MarketError> {
    lifecycle::reject(&state, &p, KIND, &id, q.reason).await
}
