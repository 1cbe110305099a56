//! Plan quotas on what a tenant keeps: workspace workflows, canvases, live
//! API keys, installed domain copies and versions per listing. Each limit
//! is declared once here; every create path calls [`ensure_room`] in the
//! transaction of its insert. (Agents, installed skills and listings keep
//! their own documented limits and codes in their services.)

use crate::backend::db::quotas as db;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::Plan;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quota {
    Workflows,
    Canvases,
    ApiKeys,
    DomainCopies,
    /// Versions of this listing (one of the tenant's own).
    Versions(Uuid),
    Webhooks,
}

impl Quota {
    /// What a free tenant may keep. Team is five times that; enterprise
    /// fifty times: still a cap, so every list a tenant can grow stays
    /// bounded work per request.
    fn free(self) -> i64 {
        match self {
            Quota::Workflows => 20,
            Quota::Canvases => 10,
            Quota::ApiKeys => 10,
            Quota::DomainCopies => 20,
            Quota::Versions(_) => 50,
            Quota::Webhooks => 10,
        }
    }

    pub fn limit(self, plan: Plan) -> i64 {
        self.free()
            * match plan {
                Plan::Free => 1,
                Plan::Team => 5,
                Plan::Enterprise => 50,
            }
    }

    fn noun(self) -> &'static str {
        match self {
            Quota::Workflows => "workflow",
            Quota::Canvases => "canvas",
            Quota::ApiKeys => "API key",
            Quota::DomainCopies => "installed domain",
            Quota::Versions(_) => "version",
            Quota::Webhooks => "webhook",
        }
    }

    async fn count(self, tx: &mut sqlx::PgConnection, tenant_id: Uuid) -> sqlx::Result<i64> {
        match self {
            Quota::Workflows => db::workflows(tx, tenant_id).await,
            Quota::Canvases => db::canvases(tx, tenant_id).await,
            Quota::ApiKeys => db::live_api_keys(tx, tenant_id).await,
            Quota::DomainCopies => db::domain_copies(tx, tenant_id).await,
            Quota::Versions(listing) => db::listing_versions(tx, tenant_id, listing).await,
            Quota::Webhooks => crate::backend::db::webhooks::count(tx, tenant_id).await,
        }
    }
}

/// `429 TENANT_LIMIT_EXCEEDED` with `{current, limit, plan}` unless the
/// tenant may add one more. Call it first in the transaction that inserts:
/// it locks the tenant's row until that transaction ends, so concurrent
/// creates of one tenant are counted one after another and cannot
/// overshoot (taken before any insert, since an insert's foreign key share
/// lock on the same row would otherwise deadlock against the upgrade).
pub async fn ensure_room(
    tx: &mut sqlx::PgConnection,
    tenant_id: Uuid,
    quota: Quota,
) -> MarketResult<()> {
    let plan = db::lock_plan(&mut *tx, tenant_id).await?;
    let limit = quota.limit(plan);
    let current = quota.count(&mut *tx, tenant_id).await?;
    if current < limit {
        return Ok(());
    }
    let whose = match quota {
        Quota::Versions(_) => "This listing has",
        _ => "Tenant has",
    };
    Err(MarketError::new(
        ErrorCode::TenantLimitExceeded,
        format!(
            "{whose} reached its {} limit ({limit}) on the {} plan.",
            quota.noun(),
            plan.as_str()
        ),
    )
    .with_details(serde_json::json!({ "current": current, "limit": limit, "plan": plan.as_str() })))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's table of defaults.
    #[test]
    fn limits_per_plan_are_the_documented_ones() {
        let table = [
            (Quota::Workflows, [20, 100, 1_000]),
            (Quota::Canvases, [10, 50, 500]),
            (Quota::ApiKeys, [10, 50, 500]),
            (Quota::DomainCopies, [20, 100, 1_000]),
            (Quota::Versions(Uuid::nil()), [50, 250, 2_500]),
            (Quota::Webhooks, [10, 50, 500]),
        ];
        for (quota, limits) in table {
            let got = [Plan::Free, Plan::Team, Plan::Enterprise].map(|p| quota.limit(p));
            assert_eq!(got, limits, "{quota:?}");
        }
    }
}
