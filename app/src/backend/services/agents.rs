//! A tenant's agents: created within the plan's limit, listed, read.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::agents::{self as db, AgentRow};
use crate::backend::db::installed_skills;
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::{invalid_enum, Plan};
use crate::model::bounds::DisplayName;
use uuid::Uuid;

pub const MATURITIES: [&str; 4] = ["student", "intern", "supervised", "autonomous"];

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
) -> MarketResult<AgentRow> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let name = DisplayName::parse("name", name)?.into_string();
    let maturity = maturity.map(str::trim).unwrap_or(MATURITIES[0]);
    let Some(rank) = MATURITIES.iter().position(|m| *m == maturity) else {
        return Err(invalid_enum("maturity", maturity, &MATURITIES));
    };
    // A new agent is a student; asking for more is a graduation at birth,
    // held to graduation's rules: a tenant admin (403 FORBIDDEN for anyone
    // else, as a member's graduation answers), one level (409 beyond).
    if rank > 0 {
        principal.require(Permission::TenantAdmin).map_err(|e| {
            e.with_message(format!(
                "New agents start at 'student'; only a tenant admin may create one at '{maturity}', through graduation's rules"
            ))
            .with_details(serde_json::json!({
                "field": "maturity",
                "requested_maturity": maturity,
                "default_maturity": MATURITIES[0],
            }))
        })?;
        if rank > 1 {
            return Err(one_level_at_a_time(MATURITIES[0], maturity, "maturity"));
        }
    }
    let mut tx = state.pool.begin().await?;
    let row = insert_within_plan(&mut tx, principal, &name, maturity, None).await?;
    if rank > 0 {
        audit_graduation(&mut tx, principal, row.id, MATURITIES[0], maturity).await?;
    }
    tx.commit().await?;
    Ok(row)
}

fn one_level_at_a_time(current: &str, target: &str, field: &str) -> MarketError {
    let next = MATURITIES
        .iter()
        .position(|m| *m == current)
        .and_then(|i| MATURITIES.get(i + 1))
        .copied()
        .unwrap_or("nothing higher");
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
    from: &str,
    to: &str,
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
    maturity: &str,
    template_id: Option<Uuid>,
) -> MarketResult<AgentRow> {
    let current = db::count_for_update(tx, principal.tenant_id).await?;
    let plan = Plan::parse(&db::tenant_plan(&mut *tx, principal.tenant_id).await?)?;
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

pub async fn list(state: &AppState, principal: &Principal) -> MarketResult<Vec<AgentRow>> {
    principal.require(Permission::SkillView)?;
    Ok(db::list(&state.pool, principal.tenant_id).await?)
}

/// One agent of the caller's tenant with its installed skills.
pub async fn get(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> MarketResult<(AgentRow, Vec<installed_skills::InstalledRow>)> {
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
) -> MarketResult<(AgentRow, String)> {
    principal.require(Permission::TenantAdmin)?;
    principal.require_write()?;
    let Some(target_rank) = MATURITIES.iter().position(|m| *m == target) else {
        return Err(invalid_enum("target_maturity", target, &MATURITIES));
    };
    let mut tx = state.pool.begin().await?;
    let agent = db::get_for_update(&mut *tx, principal.tenant_id, id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::NotFound, "Agent not found"))?;
    let current = MATURITIES
        .iter()
        .position(|m| *m == agent.maturity)
        .unwrap_or(0);
    // A well-formed target that does not follow the agent's current level
    // conflicts with its state: 409, not a malformed request.
    if target_rank != current + 1 {
        return Err(one_level_at_a_time(
            &agent.maturity,
            target,
            "target_maturity",
        ));
    }
    let row = db::set_maturity(&mut *tx, id, target).await?;
    audit_graduation(&mut tx, principal, id, &agent.maturity, target).await?;
    tx.commit().await?;
    Ok((row, agent.maturity))
}
