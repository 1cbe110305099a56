//! A tenant's agents: created within the plan's limit, listed, read.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::agents as db;
use crate::backend::db::installed_skills;
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::Plan;
use crate::model::agent::{AgentRecord, Maturity};
use crate::model::bounds::DisplayName;
use uuid::Uuid;

/// Agents a plan allows; `None` is unlimited.
pub fn agent_limit(plan: Plan) -> Option<i64> {
    match plan {
        Plan::Free => Some(10),
        Plan::Team => Some(25),
        Plan::Enterprise => None,
    }
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    name: &str,
    maturity: Option<&str>,
) -> MarketResult<AgentRecord> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let name = DisplayName::parse("name", name)?.into_string();
    let maturity = match maturity.map(str::trim) {
        Some(m) => Maturity::parse("maturity", m)?,
        None => Maturity::Student,
    };
    // A new agent is a student; asking for more is a graduation at birth,
    // held to graduation's rules: a tenant admin (403 FORBIDDEN for anyone
    // else, as a member's graduation answers), one level (409 beyond).
    if maturity > Maturity::Student {
        principal.require(Permission::TenantAdmin).map_err(|e| {
            e.with_message(format!(
                "New agents start at 'student'; only a tenant admin may create one at '{maturity}', through graduation's rules"
            ))
            .with_details(serde_json::json!({
                "field": "maturity",
                "requested_maturity": maturity,
                "default_maturity": Maturity::Student,
            }))
        })?;
        if maturity > Maturity::Intern {
            return Err(one_level_at_a_time(Maturity::Student, maturity, "maturity"));
        }
    }
    let mut tx = state.pool.begin().await?;
    let row = insert_within_plan(&mut tx, principal, &name, maturity, None).await?;
    if maturity > Maturity::Student {
        audit_graduation(&mut tx, principal, row.id, Maturity::Student, maturity).await?;
    }
    tx.commit().await?;
    Ok(row)
}

fn one_level_at_a_time(current: Maturity, target: Maturity, field: &str) -> MarketError {
    let next = current.next().map_or("nothing higher", Maturity::as_str);
    MarketError::new(
        ErrorCode::ConflictingOperation,
        format!("Agents graduate one level at a time: '{current}' can only become '{next}'"),
    )
    .with_details(serde_json::json!({
        "field": field,
        "current_maturity": current,
        "target_maturity": target,
    }))
}

async fn audit_graduation(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    id: Uuid,
    from: Maturity,
    to: Maturity,
) -> MarketResult<()> {
    crate::backend::db::governance::audit(
        &mut *tx,
        crate::backend::db::governance::AuditEntry {
            actor: principal,
            action: "agent.graduate",
            target_type: "agent",
            target_id: id,
            before: Some(serde_json::json!({ "maturity": from })),
            after: Some(serde_json::json!({ "maturity": to })),
        },
    )
    .await?;
    Ok(())
}

/// Adds an agent in the caller's transaction if the plan allows one more
/// (`429 AGENT_LIMIT_EXCEEDED` otherwise); serialised per tenant.
pub async fn insert_within_plan(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    name: &str,
    maturity: Maturity,
    template_id: Option<Uuid>,
) -> MarketResult<AgentRecord> {
    let current = db::count_for_update(tx, principal.tenant_id).await?;
    let plan = db::tenant_plan(&mut *tx, principal.tenant_id).await?;
    if let Some(limit) = agent_limit(plan) {
        if current >= limit {
            let next = match plan {
                Plan::Free => " Upgrade to Team plan for 25 agents.",
                _ => " Upgrade to Enterprise for unlimited agents.",
            };
            return Err(MarketError::new(
                ErrorCode::AgentLimitExceeded,
                format!("Tenant has reached maximum agent limit ({limit}).{next}"),
            )
            .with_details(
                serde_json::json!({ "current": current, "limit": limit, "plan": plan.as_str() }),
            ));
        }
    }
    Ok(db::insert(&mut *tx, principal.tenant_id, name, maturity, template_id).await?)
}

pub async fn list(state: &AppState, principal: &Principal) -> MarketResult<Vec<AgentRecord>> {
    principal.require(Permission::SkillView)?;
    Ok(db::list(&state.pool, principal.tenant_id).await?)
}

/// One agent of the caller's tenant with its installed skills.
pub async fn get(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> MarketResult<(AgentRecord, Vec<crate::model::skill::InstalledSkill>)> {
    principal.require(Permission::SkillView)?;
    let agent = db::get(&state.pool, principal.tenant_id, id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::NotFound, "Agent not found"))?;
    let skills = installed_skills::list(&state.pool, principal.tenant_id)
        .await?
        .into_iter()
        .filter(|s| s.agent_id == Some(id))
        .collect();
    Ok((agent, skills))
}

/// Raises an agent's maturity by exactly one level (tenant admins only).
pub async fn graduate(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    target: &str,
) -> MarketResult<(AgentRecord, Maturity)> {
    principal.require(Permission::TenantAdmin)?;
    principal.require_write()?;
    let target = Maturity::parse("target_maturity", target)?;
    let mut tx = state.pool.begin().await?;
    let agent = db::get_for_update(&mut *tx, principal.tenant_id, id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::NotFound, "Agent not found"))?;
    // A well-formed target that does not follow the agent's current level
    // conflicts with its state: 409, not a malformed request.
    if agent.maturity.next() != Some(target) {
        return Err(one_level_at_a_time(
            agent.maturity,
            target,
            "target_maturity",
        ));
    }
    let row = db::set_maturity(&mut *tx, id, target).await?;
    audit_graduation(&mut tx, principal, id, agent.maturity, target).await?;
    tx.commit().await?;
    Ok((row, agent.maturity))
}
