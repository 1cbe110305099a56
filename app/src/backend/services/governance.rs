//! Operator use cases: the review queue, flagged reviews, tenant plans and
//! the audit log. Every change is audited in its own transaction.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::governance::{self as db, AuditEntry, AuditRow, FlaggedRow, TenantRow};
use crate::backend::db::listings::Snapshot;
use crate::backend::services::listings;
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::Plan;
use crate::model::capability::{Capabilities, CapabilityDiff};
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::page::PageParams;
use uuid::Uuid;

/// One item of the review queue: the content an operator is asked to
/// approve, and its hash, which the approve action may pin.
#[derive(Clone, Debug)]
pub struct QueueEntry {
    /// The listing with the content under review in its editable fields.
    pub listing: Listing,
    /// `new` (a listing in review), `edit` or `rollback` (a change to an
    /// approved listing, whose approved content is live meanwhile).
    pub change: String,
    pub content_hash: String,
    /// The approved content a change would replace (`None` for a new
    /// listing): what the desk diffs the content under review against.
    pub live: Option<Snapshot>,
    /// For skills: the capability manifest before (none for a new
    /// listing) and after, and what the change widens.
    pub capability_diff: Option<CapabilityDiff>,
}

pub async fn review_queue(
    state: &AppState,
    p: &Principal,
    page: PageParams,
) -> MarketResult<Vec<QueueEntry>> {
    p.require(Permission::GovernanceApprove)?;
    db::review_queue(&state.pool, page.limit, page.offset)
        .await?
        .into_iter()
        .map(|q| -> MarketResult<QueueEntry> {
            let mut listing = q.listing;
            let (change, content_hash, live) = match (q.revision_fields, q.revision_source, q.revision_hash) {
                (Some(fields), Some(source), Some(hash)) => {
                    let content: Snapshot = serde_json::from_value(fields).map_err(|e| {
                        tracing::error!(error = %e, listing = %listing.id, "stored revision unreadable");
                        MarketError::internal()
                    })?;
                    let live = Snapshot::from(&listing);
                    content.apply_to(&mut listing);
                    listing.submitted_at = Some(q.queued_at);
                    (source, hash, Some(live))
                }
                _ => (
                    "new".to_owned(),
                    listings::content_hash_of(&Snapshot::from(&listing))?,
                    None,
                ),
            };
            let capability_diff = (listing.kind == ListingKind::Skill).then(|| {
                let before = live
                    .as_ref()
                    .map(|l| Capabilities::of_spec(&l.spec))
                    .unwrap_or_default();
                CapabilityDiff::between(before, Capabilities::of_spec(&listing.spec))
            });
            Ok(QueueEntry {
                listing,
                change,
                content_hash,
                live,
                capability_diff,
            })
        })
        .collect()
}

pub async fn flagged(
    state: &AppState,
    p: &Principal,
    page: PageParams,
) -> MarketResult<Vec<FlaggedRow>> {
    p.require(Permission::GovernanceApprove)?;
    Ok(db::flagged_reviews(&state.pool, page.limit, page.offset).await?)
}

/// Hides (or restores) a review; ratings are averaged over visible ones.
pub async fn set_review_hidden(
    state: &AppState,
    p: &Principal,
    review_id: Uuid,
    hidden: bool,
) -> MarketResult<()> {
    p.require(Permission::GovernanceApprove)?;
    p.require_write()?;
    let mut tx = state.pool.begin().await?;
    let was = db::set_review_hidden(&mut tx, review_id, hidden)
        .await?
        .ok_or_else(|| MarketError::route_not_found().with_message("Review not found"))?;
    db::audit(
        &mut *tx,
        AuditEntry {
            actor: p,
            action: if hidden {
                "review.hide"
            } else {
                "review.restore"
            },
            target_type: "review",
            target_id: review_id,
            before: Some(serde_json::json!({ "hidden": was })),
            after: Some(serde_json::json!({ "hidden": hidden })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a tenant's plan and marketplace switch.
pub async fn update_tenant(
    state: &AppState,
    p: &Principal,
    tenant_id: Uuid,
    plan: Option<&str>,
    marketplace_enabled: Option<bool>,
) -> MarketResult<TenantRow> {
    p.require(Permission::GovernanceApprove)?;
    p.require_write()?;
    let plan = plan.map(Plan::parse).transpose()?;
    let mut tx = state.pool.begin().await?;
    let before = db::tenant_for_update(&mut *tx, tenant_id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::TenantNotFound, "Tenant context not found"))?;
    let new_plan = plan.unwrap_or(before.plan);
    let after = db::update_tenant(
        &mut *tx,
        tenant_id,
        new_plan,
        marketplace_enabled.unwrap_or(before.marketplace_enabled),
    )
    .await?;
    db::audit(
        &mut *tx,
        AuditEntry {
            actor: p,
            action: "tenant.update",
            target_type: "tenant",
            target_id: tenant_id,
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn audit_log(
    state: &AppState,
    p: &Principal,
    action: Option<&str>,
    target_id: Option<Uuid>,
    page: PageParams,
) -> MarketResult<Vec<AuditRow>> {
    p.require(Permission::GovernanceApprove)?;
    Ok(db::audit_page(&state.pool, action, target_id, page.limit, page.offset).await?)
}

/// Turns maintenance mode on or off: while on, every write on the JSON API
/// answers `503 MAINTENANCE_MODE`; reads keep working.
pub async fn set_maintenance(
    state: &AppState,
    p: &Principal,
    enabled: bool,
    message: Option<&str>,
    expected_end: Option<chrono::DateTime<chrono::Utc>>,
) -> MarketResult<db::Maintenance> {
    p.require(Permission::GovernanceApprove)?;
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    let max = crate::model::bounds::Reason::MAX;
    if message.is_some_and(|m| m.chars().count() > max) {
        return Err(MarketError::validation(
            "message",
            format!("At most {max} characters"),
        ));
    }
    let mut tx = state.pool.begin().await?;
    let before = db::maintenance(&mut *tx).await?;
    let after = db::set_maintenance(&mut *tx, enabled, message, expected_end).await?;
    db::audit(
        &mut *tx,
        AuditEntry {
            actor: p,
            action: "maintenance.set",
            target_type: "platform",
            target_id: Uuid::nil(),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The error every write gets while maintenance is on, if it is.
/// Maintenance holds every write but an operator's, whichever door or
/// route the operator uses: they must be able to act, and to switch it off.
pub async fn maintenance_block_for(
    state: &AppState,
    caller: Option<&crate::backend::auth::Principal>,
) -> MarketResult<Option<MarketError>> {
    if caller.is_some_and(|p| p.can(crate::backend::auth::Permission::GovernanceApprove)) {
        return Ok(None);
    }
    maintenance_block(state).await
}

pub async fn maintenance_block(state: &AppState) -> MarketResult<Option<MarketError>> {
    let m = db::maintenance(&state.pool).await?;
    if !m.maintenance_enabled {
        return Ok(None);
    }
    let message =
        m.maintenance_message
            .clone()
            .unwrap_or_else(|| match m.maintenance_expected_end {
                Some(end) => format!(
                    "Marketplace is under maintenance until {}.",
                    end.format("%Y-%m-%d %H:%M UTC")
                ),
                None => "Marketplace is under maintenance.".to_owned(),
            });
    Ok(Some(
        MarketError::new(ErrorCode::MaintenanceMode, message).with_details(serde_json::json!({
            "started_at": m.maintenance_started_at,
            "expected_end": m.maintenance_expected_end,
        })),
    ))
}
