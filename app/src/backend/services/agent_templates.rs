//! The agent template kind: a tenant's agent published as a template, and
//! installed as a new agent of another tenant.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::agents as agent_db;
use crate::backend::db::installs;
use crate::backend::db::listings::Snapshot;
use crate::backend::services::{agents, listings};
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::agent::{AgentRecord, Maturity};
use crate::model::bounds::{Description, DisplayName, ShortName};
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::listing::{parse_price, ListingStatus};
use serde_json::json;
use uuid::Uuid;

const KIND: ListingKind = ListingKind::AgentTemplate;

/// What `POST /api/agent-marketplace/publish/{agent_id}` carries.
pub struct PublishAgent {
    pub name: Option<String>,
    pub description: Option<String>,
    pub price: Option<f64>,
    pub category: Option<String>,
}

fn required<'a>(field: &str, v: Option<&'a str>) -> MarketResult<&'a str> {
    v.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        MarketError::new(
            ErrorCode::MissingRequiredField,
            format!("Field '{field}' is required"),
        )
        .with_details(json!({ "field": field }))
    })
}

/// Submits one of the tenant's agents as a template for review. A template
/// of the same agent that was rejected is resubmitted with the new details.
pub async fn publish(
    state: &AppState,
    principal: &Principal,
    agent_id: Uuid,
    req: &PublishAgent,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    let name = DisplayName::parse("name", required("name", req.name.as_deref())?)?.into_string();
    let description = Description::parse(
        "description",
        Some(required("description", req.description.as_deref())?),
    )?
    .into_string();
    let price = parse_price("price", req.price)?;
    let category = req
        .category
        .as_deref()
        .map(|c| ShortName::parse("category", c).map(ShortName::into_string))
        .transpose()?;
    let agent = agent_db::get(&state.pool, principal.tenant_id, agent_id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::AgentNotFound, "Agent not found"))?;
    let source = agent.id.to_string();
    let existing = listings::mine(state, principal, KIND)
        .await?
        .into_iter()
        .find(|l| l.spec.get("source_agent_id").and_then(|v| v.as_str()) == Some(&source));
    let fields = Snapshot {
        name,
        description,
        long_description: String::new(),
        category,
        tags: Vec::new(),
        price,
        license: None,
        spec: json!({ "source_agent_id": source, "maturity": agent.maturity, "version": "1.0.0" }),
    };
    match existing {
        Some(l) => {
            listings::submit(state, principal, KIND, l.id, |f| {
                *f = fields;
                Ok(())
            })
            .await
        }
        None => {
            listings::create(
                state,
                principal,
                KIND,
                fields,
                ListingStatus::PendingApproval,
            )
            .await
        }
    }
}

/// Installs an approved template as a new agent of the caller's tenant,
/// within the plan's agent limit; the ledger counts the tenant once.
pub async fn install(
    state: &AppState,
    principal: &Principal,
    template_id: Uuid,
) -> MarketResult<AgentRecord> {
    let listing = listings::installable(state, principal, KIND, template_id).await?;
    let mut tx = state.pool.begin().await?;
    let agent = agents::insert_within_plan(
        &mut tx,
        principal,
        &listing.name,
        Maturity::Student,
        Some(listing.id),
    )
    .await?;
    installs::record(&mut tx, listing.id, principal.tenant_id).await?;
    super::webhook_events::install_created(
        &mut tx,
        &listing,
        principal.tenant_id,
        &agent.id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(agent)
}
