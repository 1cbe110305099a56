//! The marketplace engine: one lifecycle, search, rating, versioning and
//! install ledger for every kind. Nothing here knows what a skill is; a
//! kind contributes its spec (validated by its own module) and its routes.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::listings::{self as db, Filter, NewListing, Snapshot};
use crate::backend::db::search::ResultFacets;
use crate::backend::db::{reviews, versions};
use crate::backend::services::accounts::slugify;
use crate::backend::services::webhook_events;
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::Plan;
use crate::model::bounds::ShortName;
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::listing::{ListingStatus, RevisionStatus, SortBy, SortOrder};
use crate::model::page::PageParams;
use crate::model::webhook::EventType;
use uuid::Uuid;

/// Creates a listing owned by the caller's tenant, as a private draft or
/// straight into the approval queue.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    fields: Snapshot,
    status: ListingStatus,
) -> MarketResult<Listing> {
    create_with_external_id(state, principal, kind, fields, status, None).await
}

/// [`create`] for listings addressed by a string id as well as their UUID.
pub async fn create_with_external_id(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    fields: Snapshot,
    status: ListingStatus,
    external_id: Option<&str>,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let slug = slugify(&fields.name);
    let mut tx = state.pool.begin().await?;
    check_listing_quota(&mut tx, principal).await?;
    let inserted = db::insert(
        &mut *tx,
        NewListing {
            id: Uuid::now_v7(),
            kind,
            tenant_id: principal.tenant_id,
            user_id: principal.user_id,
            slug: &slug,
            status,
            fields: &fields,
            external_id,
        },
    )
    .await;
    match inserted {
        Ok(row) => {
            if status == ListingStatus::PendingApproval {
                webhook_events::listing_changed(
                    &mut tx,
                    EventType::ListingSubmitted,
                    &row,
                    status,
                    None,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(row)
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            let by_id = e.constraint() == Some("listings_external_id_key");
            let (field, value, existing) = match external_id {
                // The string id is the taken one, and the id callers see.
                Some(taken) if by_id => ("id", taken.to_owned(), Some(taken.to_owned())),
                _ => {
                    let existing =
                        db::public_id_by_name(&state.pool, principal.tenant_id, kind, &fields.name)
                            .await?;
                    ("name", fields.name.clone(), existing)
                }
            };
            Err(duplicate_listing(kind, field, &value, existing))
        }
        Err(e) => Err(e.into()),
    }
}

/// `409 DUPLICATE_ENTRY` for a listing whose `field` (`name` or `id`) is
/// taken: `details` name the field, the value, the listing that has it and
/// what to do, as the reference shows.
fn duplicate_listing(
    kind: ListingKind,
    field: &str,
    value: &str,
    existing: Option<String>,
) -> MarketError {
    let singular = kind.singular();
    let message = if field == "name" {
        format!("A {singular} with this name already exists in your private marketplace.")
    } else {
        format!("A {singular} with this {field} already exists.")
    };
    MarketError::new(ErrorCode::DuplicateEntry, message).with_details(serde_json::json!({
        "field": field,
        "value": value,
        // As the reference spells each kind's id: `existing_skill_id`, ...
        kind.spec().existing_id_field: existing,
        "suggestion": format!("Use a different {field} or update the existing {singular}"),
    }))
}

/// Listings (of every kind) a tenant may own on each plan; `None` is
/// unlimited.
pub fn listing_limit(plan: Plan) -> Option<i64> {
    match plan {
        Plan::Free => Some(100),
        Plan::Team => Some(1_000),
        Plan::Enterprise => None,
    }
}

/// `429 TENANT_LIMIT_EXCEEDED` once the tenant owns as many listings as
/// its plan allows; serialised per tenant by the caller's transaction.
async fn check_listing_quota(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
) -> MarketResult<()> {
    use crate::backend::db::agents as tenant_db;
    tenant_db::lock_tenant(&mut *tx, principal.tenant_id).await?;
    let plan = tenant_db::tenant_plan(&mut *tx, principal.tenant_id).await?;
    let Some(limit) = listing_limit(plan) else {
        return Ok(());
    };
    let current = db::count_by_publisher(&mut *tx, principal.tenant_id).await?;
    if current >= limit {
        return Err(MarketError::new(
            ErrorCode::TenantLimitExceeded,
            format!(
                "Tenant has reached its listing limit ({limit}) on the {} plan.",
                plan.as_str()
            ),
        )
        .with_details(
            serde_json::json!({ "current": current, "limit": limit, "plan": plan.as_str() }),
        ));
    }
    Ok(())
}

/// A listing named by the caller: its UUID, or (for kinds that have them)
/// its string id. Unknown or unparsable references are the kind's 404.
pub async fn find_ref(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    raw: &str,
) -> MarketResult<Listing> {
    let row = match Uuid::parse_str(raw) {
        Ok(id) => db::get(&state.pool, kind, id).await?,
        Err(_) => db::get_by_external(&state.pool, kind, raw).await?,
    }
    .ok_or_else(|| kind.not_found())?;
    if can_see(principal, &row) {
        Ok(row)
    } else {
        Err(kind.not_found())
    }
}

/// The first checks of every install, in the documented order: the
/// listing is approved (else the kind's 404), then the tenant may use the
/// marketplace (`503 MARKETPLACE_DISABLED`).
pub async fn installable(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let listing = db::get(&state.pool, kind, id)
        .await?
        .filter(|l| l.status == ListingStatus::Approved)
        .ok_or_else(|| kind.not_found())?;
    ensure_marketplace_enabled(state, principal).await?;
    Ok(listing)
}

/// `503 MARKETPLACE_DISABLED` when operators turned the marketplace off
/// for the caller's tenant.
pub async fn ensure_marketplace_enabled(
    state: &AppState,
    principal: &Principal,
) -> MarketResult<()> {
    if !crate::backend::db::identity::marketplace_enabled(&state.pool, principal.tenant_id).await? {
        return Err(MarketError::new(
            ErrorCode::MarketplaceDisabled,
            "Marketplace feature is disabled for this tenant.",
        )
        .with_details(serde_json::json!({ "feature": "public_marketplace" })));
    }
    Ok(())
}

/// The caller's tenant's listings of a kind, whatever their status.
pub async fn mine(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
) -> MarketResult<Vec<Listing>> {
    principal.require(Permission::SkillView)?;
    Ok(db::by_publisher(&state.pool, kind, principal.tenant_id).await?)
}

/// A listing the caller may see: approved, or its own tenant's, or any for
/// an operator. Anything else is the kind's 404, never a 403.
pub async fn visible(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<Listing> {
    // A read: the replica, unless the caller may be looking for something
    // of its own that has not reached the replica yet.
    let mut row = crate::read!(state, |pool| db::get(pool, kind, id))?;
    if state.read_pool.is_some()
        && principal.is_some()
        && !row.as_ref().is_some_and(|r| can_see(principal, r))
    {
        row = db::get(&state.pool, kind, id).await?;
    }
    row.filter(|r| can_see(principal, r))
        .ok_or_else(|| kind.not_found())
}

fn can_see(principal: Option<&Principal>, row: &Listing) -> bool {
    row.status == ListingStatus::Approved
        || principal.is_some_and(|p| {
            p.tenant_id == row.publisher_tenant_id || p.can(Permission::GovernanceApprove)
        })
}

/// How much of a change in review [`as_publisher_sees`] lays over a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnView {
    /// Status, name and an operator's reason: enough for a list, which
    /// must not read every pending change's whole content.
    Status,
    /// The whole content in review (and the version a rollback restores).
    Content,
}

/// Listings as the caller sees them: its own live listings as their
/// publisher, everyone else's as they are. The stored row stays what
/// others, search and installs read (the approved content, status
/// `approved`, which the partial indexes and public queries rely on), so
/// the publisher's view is derived here, once: a change waiting for an
/// operator makes it `pending_approval` with that content, and a change
/// an operator turned down shows the operator's reason while the approved
/// content stays live.
pub async fn as_publisher_sees(
    state: &AppState,
    principal: Option<&Principal>,
    mut rows: Vec<Listing>,
    view: OwnView,
) -> MarketResult<Vec<Listing>> {
    let Some(p) = principal else {
        return Ok(rows);
    };
    // Changes wait only on approved listings (suspension supersedes them).
    let own: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.publisher_tenant_id == p.tenant_id && r.status == ListingStatus::Approved)
        .map(|r| r.id)
        .collect();
    if own.is_empty() {
        return Ok(rows);
    }
    let changes: std::collections::HashMap<Uuid, db::ChangeState> =
        db::latest_changes(&state.pool, &own, view == OwnView::Content)
            .await?
            .into_iter()
            .map(|c| (c.listing_id, c))
            .collect();
    for row in &mut rows {
        let Some(c) = changes.get(&row.id) else {
            continue;
        };
        match c.status {
            RevisionStatus::Pending => {
                if let Some(fields) = &c.fields {
                    let content: Snapshot = serde_json::from_value(fields.clone()).map_err(|e| {
                        tracing::error!(error = %e, listing = %row.id, "stored revision unreadable");
                        MarketError::internal()
                    })?;
                    content.apply_to(row);
                    if c.version_name.is_some() {
                        row.current_version.clone_from(&c.version_name);
                    }
                } else if let Some(name) = &c.name {
                    row.name.clone_from(name);
                }
                row.status = ListingStatus::PendingApproval;
                row.rejection_reason = None;
                row.updated_at = row.updated_at.max(c.submitted_at);
            }
            // Only a turn-down since the listing was last reviewed as a
            // whole (a later approval of the listing answers it).
            RevisionStatus::Rejected if c.decided_at >= row.reviewed_at => {
                row.rejection_reason.clone_from(&c.reason);
            }
            _ => {}
        }
    }
    Ok(rows)
}

/// [`visible`], as its publisher sees it when the caller owns it.
pub async fn detail(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<Listing> {
    let row = visible(state, principal, kind, id).await?;
    as_publisher_sees(state, principal, vec![row], OwnView::Content)
        .await?
        .pop()
        .ok_or_else(|| kind.not_found())
}

/// The caller's own listing, for changes. Another tenant's approved listing
/// is `403 NOT_OWNER`; one it cannot see is the kind's 404.
pub async fn owned(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    let row = visible(state, Some(principal), kind, id).await?;
    if row.publisher_tenant_id != principal.tenant_id {
        return Err(MarketError::new(
            ErrorCode::NotOwner,
            "User does not own this item",
        ));
    }
    Ok(row)
}

/// Submits a draft (or a rejected listing) for review, after applying the
/// publish-time changes. Pending or approved listings are
/// `409 ALREADY_PUBLISHED`.
pub async fn submit(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    change: impl FnOnce(&mut Snapshot) -> MarketResult<()>,
) -> MarketResult<Listing> {
    owned(state, principal, kind, id).await?;
    let mut tx = state.pool.begin().await?;
    let row = db::get_for_update(&mut *tx, kind, id)
        .await?
        .ok_or_else(|| kind.not_found())?;
    match row.status {
        ListingStatus::Draft | ListingStatus::Rejected => {}
        // The publisher's view of a live listing with a change in review.
        ListingStatus::Approved if versions::pending_revision(&mut *tx, id).await?.is_some() => {
            return Err(
                MarketError::new(ErrorCode::AlreadyPublished, "Item already published")
                    .with_details(serde_json::json!({
                        "status": ListingStatus::PendingApproval.as_str()
                    })),
            )
        }
        status => {
            return Err(
                MarketError::new(ErrorCode::AlreadyPublished, "Item already published")
                    .with_details(serde_json::json!({ "status": status.as_str() })),
            )
        }
    }
    let mut fields = Snapshot::from(&row);
    change(&mut fields)?;
    db::write_fields(&mut *tx, id, &fields).await?;
    let row = db::set_status(&mut *tx, id, ListingStatus::PendingApproval, None, None).await?;
    webhook_events::listing_changed(
        &mut tx,
        EventType::ListingSubmitted,
        &row,
        ListingStatus::PendingApproval,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The marketplace details a publisher may set when submitting a listing
/// (price, license, tags), validated under the route's own field names.
#[derive(Clone, Debug, Default)]
pub struct MarketDetails {
    pub price: Option<f64>,
    pub license: Option<String>,
    pub tags: Option<Vec<String>>,
}

impl MarketDetails {
    pub fn parse(
        (price_field, price): (&str, Option<f64>),
        (license_field, license): (&str, Option<&str>),
        tags: Option<&[String]>,
    ) -> MarketResult<Self> {
        use crate::model::listing::{parse_price, parse_tags};
        Ok(MarketDetails {
            price: price
                .map(|v| parse_price(price_field, Some(v)))
                .transpose()?,
            license: license
                .map(|l| ShortName::parse(license_field, l).map(ShortName::into_string))
                .transpose()?,
            tags: tags.map(parse_tags).transpose()?,
        })
    }
}

/// [`submit`] with the details the caller set (the rest stay as they are).
pub async fn submit_details(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    details: MarketDetails,
) -> MarketResult<Listing> {
    submit(state, principal, kind, id, |f| {
        if let Some(p) = details.price {
            f.price = p;
        }
        if details.license.is_some() {
            f.license = details.license;
        }
        if let Some(t) = details.tags {
            f.tags = t;
        }
        Ok(())
    })
    .await
}

#[derive(Clone, Debug)]
pub enum Decision {
    Approve,
    Reject(String),
    Suspend(String),
}

/// An operator's decision on a listing. Approve and reject need a pending
/// listing (or an approved one with a change in review); suspend needs an
/// approved one.
pub async fn decide(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    decision: Decision,
) -> MarketResult<Listing> {
    decide_pinned(state, principal, kind, id, decision, None).await
}

/// [`decide`], pinned to the content the operator saw: with a
/// `content_hash` (from the review queue), a listing whose content under
/// review has changed since is `409 CONFLICTING_OPERATION`. Without one
/// the decision is on what is under review now (the documented routes
/// take no hash).
pub async fn decide_pinned(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    decision: Decision,
    content_hash: Option<&str>,
) -> MarketResult<Listing> {
    principal.require(Permission::GovernanceApprove)?;
    let content_hash = content_hash.map(str::trim).filter(|h| !h.is_empty());
    let (target, reason, from) = match &decision {
        Decision::Approve => (
            ListingStatus::Approved,
            None,
            ListingStatus::PendingApproval,
        ),
        Decision::Reject(r) => (
            ListingStatus::Rejected,
            Some(parse_reason(r)?),
            ListingStatus::PendingApproval,
        ),
        Decision::Suspend(r) => (
            ListingStatus::Suspended,
            Some(parse_reason(r)?),
            ListingStatus::Approved,
        ),
    };
    let mut tx = state.pool.begin().await?;
    let row = db::get_for_update(&mut *tx, kind, id)
        .await?
        .ok_or_else(|| kind.not_found())?;
    let current = row.status;
    let live_hash = content_hash_of(&Snapshot::from(&row))?;
    if current == ListingStatus::Approved && !matches!(decision, Decision::Suspend(_)) {
        if let Some(revision) = versions::pending_revision(&mut *tx, id).await? {
            let row = decide_revision(
                &mut tx,
                principal,
                kind,
                row,
                revision,
                reason.as_deref(),
                content_hash,
            )
            .await?;
            tx.commit().await?;
            return Ok(row);
        }
    }
    if current != from {
        let code = match current {
            ListingStatus::Draft => ErrorCode::ValidationError,
            _ => ErrorCode::ConflictingOperation,
        };
        return Err(MarketError::new(
            code,
            format!(
                "The listing is {}; only {} listings can be {}",
                current.as_str(),
                from.as_str(),
                target.as_str()
            ),
        )
        .with_details(serde_json::json!({ "status": current.as_str() })));
    }
    if from == ListingStatus::PendingApproval {
        check_pinned(content_hash, &live_hash)?;
    }
    if target == ListingStatus::Suspended {
        // A change waiting on a suspended listing could never go live.
        versions::withdraw_pending(&mut *tx, id, principal.user_id).await?;
    }
    let row = db::set_status(
        &mut *tx,
        id,
        target,
        reason.as_deref(),
        Some(principal.user_id),
    )
    .await?;
    crate::backend::db::governance::audit(
        &mut *tx,
        crate::backend::db::governance::AuditEntry {
            actor: principal,
            action: match decision {
                Decision::Approve => "listing.approve",
                Decision::Reject(_) => "listing.reject",
                Decision::Suspend(_) => "listing.suspend",
            },
            target_type: kind.as_str(),
            target_id: id,
            before: Some(
                serde_json::json!({ "status": current.as_str(), "content_hash": live_hash }),
            ),
            after: Some(serde_json::json!({
                "status": target.as_str(),
                "reason": reason,
                "content_hash": live_hash,
            })),
        },
    )
    .await?;
    let event = match decision {
        Decision::Approve => EventType::ListingApproved,
        Decision::Reject(_) => EventType::ListingRejected,
        Decision::Suspend(_) => EventType::ListingSuspended,
    };
    webhook_events::listing_changed(&mut tx, event, &row, target, reason.as_deref()).await?;
    tx.commit().await?;
    Ok(row)
}

/// `409 CONFLICTING_OPERATION` when the operator pinned other content
/// than what is under review now.
fn check_pinned(expected: Option<&str>, current: &str) -> MarketResult<()> {
    match expected {
        Some(h) if h != current => Err(MarketError::new(
            ErrorCode::ConflictingOperation,
            "The content under review changed after it was shown; review it again",
        )
        .with_details(serde_json::json!({ "content_hash": current, "expected": h }))),
        _ => Ok(()),
    }
}

/// Approves (`reason` is `None`) or rejects the change waiting on an
/// approved listing. Approval makes it the live content; a rejection
/// leaves the approved content live.
async fn decide_revision(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    kind: ListingKind,
    row: Listing,
    revision: versions::RevisionRow,
    reason: Option<&str>,
    content_hash: Option<&str>,
) -> MarketResult<Listing> {
    check_pinned(content_hash, &revision.content_hash)?;
    let live_hash = content_hash_of(&Snapshot::from(&row))?;
    let after_hash = if reason.is_none() {
        &revision.content_hash
    } else {
        &live_hash
    };
    let (action, closed) = match reason {
        None => ("listing.approve", RevisionStatus::Approved),
        Some(_) => ("listing.reject", RevisionStatus::Rejected),
    };
    versions::close_pending(&mut *tx, row.id, closed, reason, principal.user_id).await?;
    let row = if reason.is_none() {
        let fields = revision_fields(&revision)?;
        // An operator's approve-risk was given for what the skill could do
        // then; granting it more withdraws it (installs of high risk need
        // a fresh one).
        if row.risk_approved_at.is_some()
            && crate::model::capability::widens(&row.spec, &fields.spec)
        {
            db::withdraw_risk_approval(&mut *tx, row.id).await?;
        }
        db::write_fields(&mut *tx, row.id, &fields).await?;
        if let Some(v) = &revision.version_name {
            db::set_current_version(&mut *tx, row.id, v).await?;
        }
        db::set_status(
            &mut *tx,
            row.id,
            ListingStatus::Approved,
            None,
            Some(principal.user_id),
        )
        .await?
    } else {
        // The listing stays approved; the answer carries the reason the
        // publisher's change was turned down.
        Listing {
            rejection_reason: reason.map(str::to_owned),
            ..row
        }
    };
    crate::backend::db::governance::audit(
        &mut *tx,
        crate::backend::db::governance::AuditEntry {
            actor: principal,
            action,
            target_type: kind.as_str(),
            target_id: row.id,
            before: Some(serde_json::json!({
                "status": "approved",
                "content_hash": live_hash,
            })),
            after: Some(serde_json::json!({
                "status": "approved",
                "revision": closed.as_str(),
                "revision_id": revision.id,
                "source": revision.source,
                "reason": reason,
                "content_hash": after_hash,
            })),
        },
    )
    .await?;
    // The publisher sees a turned-down edit as rejected (with the reason)
    // while the approved content stays live.
    let (event, status) = match reason {
        None => (EventType::ListingApproved, ListingStatus::Approved),
        Some(_) => (EventType::ListingRejected, ListingStatus::Rejected),
    };
    webhook_events::listing_changed(&mut *tx, event, &row, status, reason).await?;
    Ok(row)
}

fn revision_fields(revision: &versions::RevisionRow) -> MarketResult<Snapshot> {
    serde_json::from_value(revision.fields.clone()).map_err(|e| {
        tracing::error!(error = %e, revision = %revision.id, "stored revision unreadable");
        MarketError::internal()
    })
}

/// `sha256:` + hex SHA-256 of the content's JSON with its keys sorted:
/// the same content always hashes the same, whichever route changed it.
pub fn content_hash_of(fields: &Snapshot) -> MarketResult<String> {
    use sha2::{Digest, Sha256};
    // serde_json's map is ordered by key here, so this is canonical.
    let canonical = serde_json::to_value(fields)
        .map(|v| v.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "content serialisation failed");
            MarketError::internal()
        })?;
    Ok(format!("sha256:{:x}", Sha256::digest(canonical.as_bytes())))
}

/// What a change of content did.
#[derive(Clone, Debug)]
pub struct ContentChange {
    /// The listing as it is now (on an approved listing: still the
    /// approved content).
    pub row: Listing,
    /// The content the change produced.
    pub content: Snapshot,
    /// The change waits for an operator before anyone else sees it.
    pub in_review: bool,
}

/// Changes a listing's content (an edit, a rollback). On an approved
/// listing the new content waits in the review queue and the approved
/// content stays live until an operator approves it; elsewhere (draft,
/// pending, rejected, suspended) nothing is public, so the content changes
/// in place, and a pending listing's content hash moves with it. Audited
/// either way.
pub async fn change_content(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    action: &'static str,
    version: Option<&versions::VersionRow>,
    change: impl FnOnce(&mut Snapshot) -> MarketResult<()>,
) -> MarketResult<ContentChange> {
    owned(state, principal, kind, id).await?;
    principal.require_write()?;
    let mut tx = state.pool.begin().await?;
    let row = db::get_for_update(&mut *tx, kind, id)
        .await?
        .ok_or_else(|| kind.not_found())?;
    let change = change_locked(&mut tx, principal, kind, row, action, version, change).await?;
    tx.commit().await?;
    Ok(change)
}

async fn change_locked(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    kind: ListingKind,
    row: Listing,
    action: &'static str,
    version: Option<&versions::VersionRow>,
    change: impl FnOnce(&mut Snapshot) -> MarketResult<()>,
) -> MarketResult<ContentChange> {
    let status = row.status;
    let live = Snapshot::from(&row);
    let pending = if status == ListingStatus::Approved {
        versions::pending_revision(&mut *tx, row.id).await?
    } else {
        None
    };
    // Edits build on the change already waiting, so two edits in a row
    // both reach the operator.
    let mut content = match &pending {
        Some(r) => revision_fields(r)?,
        None => live.clone(),
    };
    change(&mut content)?;
    // A rename onto another of the tenant's listings is the create's 409,
    // here and not only when an operator approves it later. The row lock
    // does not cover the other listing: a rename racing a create of that
    // name still meets the unique index, which write_fields reports.
    if content.name != live.name {
        if let Some(existing) = db::other_with_name(
            &mut *tx,
            row.publisher_tenant_id,
            kind,
            &content.name,
            row.id,
        )
        .await?
        {
            return Err(duplicate_listing(
                kind,
                "name",
                &content.name,
                Some(existing),
            ));
        }
    }
    let before_hash = content_hash_of(&live)?;
    let after_hash = content_hash_of(&content)?;
    let version_name = version.map(|v| v.version_name.as_str());
    // A manifest is a grant: a change that only takes capabilities away
    // can do no harm, so it goes live without waiting for an operator
    // (and replaces whatever was waiting, which it was built on).
    let narrows_only = status == ListingStatus::Approved
        && version_name.is_none()
        && crate::model::capability::only_narrows(&live.spec, &content.spec)
        && Snapshot {
            spec: live.spec.clone(),
            ..content.clone()
        } == live;
    let (row, in_review) = if narrows_only {
        versions::withdraw_pending(&mut *tx, row.id, principal.user_id).await?;
        (db::write_fields(&mut *tx, row.id, &content).await?, false)
    } else if status != ListingStatus::Approved {
        let written = match db::write_fields(&mut *tx, row.id, &content).await {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(duplicate_listing(kind, "name", &content.name, None));
            }
            other => other?,
        };
        if let Some(v) = version_name {
            db::set_current_version(&mut *tx, row.id, v).await?;
        }
        (
            Listing {
                current_version: version_name
                    .map(str::to_owned)
                    .or(written.current_version.clone()),
                ..written
            },
            false,
        )
    } else if content == live
        && version_name.is_none_or(|v| row.current_version.as_deref() == Some(v))
    {
        // Back to exactly what is live: nothing is left to review.
        versions::withdraw_pending(&mut *tx, row.id, principal.user_id).await?;
        (row, false)
    } else {
        let fields = serde_json::to_value(&content).map_err(|e| {
            tracing::error!(error = %e, "content serialisation failed");
            MarketError::internal()
        })?;
        versions::replace_pending(
            &mut *tx,
            versions::NewRevision {
                listing_id: row.id,
                fields: &fields,
                content_hash: &after_hash,
                source: if version.is_some() {
                    "rollback"
                } else {
                    "edit"
                },
                version_name,
                user_id: principal.user_id,
            },
        )
        .await?;
        (row, true)
    };
    crate::backend::db::governance::audit(
        &mut *tx,
        crate::backend::db::governance::AuditEntry {
            actor: principal,
            action,
            target_type: kind.as_str(),
            target_id: row.id,
            before: Some(serde_json::json!({
                "status": status.as_str(),
                "content_hash": before_hash,
            })),
            after: Some(serde_json::json!({
                "status": row.status,
                "content_hash": after_hash,
                "in_review": in_review,
                "version_id": version.map(|v| v.id),
                "version_name": version_name,
            })),
        },
    )
    .await?;
    if in_review {
        // An edit of a live listing is back in review.
        webhook_events::listing_changed(
            &mut *tx,
            EventType::ListingSubmitted,
            &row,
            ListingStatus::PendingApproval,
            None,
        )
        .await?;
    }
    Ok(ContentChange {
        row,
        content,
        in_review,
    })
}

/// [`decide_pinned`] on a listing of any kind, for the operator routes.
pub async fn decide_any(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    decision: Decision,
    content_hash: Option<&str>,
) -> MarketResult<Listing> {
    principal.require(Permission::GovernanceApprove)?;
    let not_found = || MarketError::new(ErrorCode::NotFound, "Listing not found");
    let kind = db::kind_of(&state.pool, id).await?.ok_or_else(not_found)?;
    decide_pinned(state, principal, kind, id, decision, content_hash).await
}

/// An operator's explicit approval of a high-risk listing's risk, which
/// installs of high-risk skills need besides a mature enough agent.
pub async fn approve_risk(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> MarketResult<Listing> {
    principal.require(Permission::GovernanceApprove)?;
    let mut tx = state.pool.begin().await?;
    let kind = db::kind_of(&mut *tx, id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::NotFound, "Listing not found"))?;
    let row = db::approve_risk(&mut *tx, id, principal.user_id).await?;
    crate::backend::db::governance::audit(
        &mut *tx,
        crate::backend::db::governance::AuditEntry {
            actor: principal,
            action: "listing.approve_risk",
            target_type: kind.as_str(),
            target_id: id,
            before: None,
            after: Some(serde_json::json!({ "risk_approved_at": row.risk_approved_at })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

fn parse_reason(raw: &str) -> MarketResult<String> {
    let r = raw.trim();
    if r.is_empty() {
        return Err(
            MarketError::new(ErrorCode::MissingRequiredField, "A reason is required")
                .with_details(serde_json::json!({ "field": "reason" })),
        );
    }
    let max = crate::model::bounds::Reason::MAX;
    if r.chars().count() > max {
        return Err(MarketError::validation(
            "reason",
            format!("At most {max} characters"),
        ));
    }
    Ok(r.to_owned())
}

/// What a browse asks for, parsed by the door from its query string.
#[derive(Clone, Debug, Default)]
pub struct Browse {
    /// Keyset paging: pages by creation time after this position (the
    /// sort is then creation time, newest first unless ascending).
    pub after: Option<crate::model::page::Cursor>,
    pub query: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub spec_filters: Vec<(&'static str, String)>,
    pub min_price: Option<f64>,
    pub max_price: Option<f64>,
    pub free_only: bool,
    pub featured_only: bool,
    pub sort_by: Option<SortBy>,
    pub sort_order: Option<SortOrder>,
    /// The route's default when `sort_by` is absent and there is no query.
    pub default_sort: Option<SortBy>,
    pub include_own: bool,
    /// `include_deprecated=true`: deprecated listings too.
    pub include_deprecated: bool,
}

pub async fn browse(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    b: Browse,
    page: PageParams,
) -> MarketResult<(Vec<Listing>, i64)> {
    let (rows, total, _) = browse_filtered(state, principal, kind, b, page).await?;
    Ok((rows, total))
}

/// A browse page with the facet counts of its whole result set (query and
/// filters applied): from the maintained counts when only the kind narrows
/// it, else counted over at most `FACET_CAP` matches.
pub async fn browse_faceted(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    b: Browse,
    page: PageParams,
) -> MarketResult<(Vec<Listing>, i64, Option<ResultFacets>)> {
    let (rows, total, filter) = browse_filtered(state, principal, kind, b, page).await?;
    let whole_kind = filter.query.is_none()
        && filter.category.is_none()
        && filter.tags.is_empty()
        && filter.spec_filters.is_empty()
        && filter.min_price.is_none()
        && filter.max_price.is_none()
        && !filter.free_only
        && !filter.featured_only
        && filter.own_tenant.is_none();
    if whole_kind {
        return Ok((rows, total, None));
    }
    let facets = crate::read!(state, |pool| crate::backend::db::search::result_facets(
        pool, &filter
    ))?;
    Ok((rows, total, Some(facets)))
}

/// The page, its total, and the filter that found them.
async fn browse_filtered(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    b: Browse,
    page: PageParams,
) -> MarketResult<(Vec<Listing>, i64, Filter)> {
    let query = b
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().take(200).collect::<String>());
    let order_by = if b.after.is_some() {
        order_clause(Some(SortBy::CreatedAt), b.sort_order)
    } else {
        order_clause(
            b.sort_by.or(if query.is_some() {
                None
            } else {
                b.default_sort
            }),
            b.sort_order,
        )
    };
    // Every word with its one-edit neighbours (typo tolerance over all text).
    let text = match &query {
        Some(q) => crate::read!(state, |pool| {
            crate::backend::db::search::text_query(pool, kind, q)
        })?,
        None => None,
    };
    let filter = Filter {
        kind,
        query,
        text,
        category: b.category.filter(|c| !c.trim().is_empty()),
        tags: crate::model::listing::filter_tags(&b.tags),
        spec_filters: b.spec_filters,
        min_price: b.min_price,
        max_price: b.max_price,
        free_only: b.free_only,
        featured_only: b.featured_only,
        own_tenant: principal.filter(|_| b.include_own).map(|p| p.tenant_id),
        similar: false,
        after: b.after,
        order_by,
        limit: page.limit,
        // A cursor says where the page starts.
        offset: if b.after.is_some() { 0 } else { page.offset },
        include_deprecated: b.include_deprecated,
    };
    let found = crate::read!(state, |pool| db::browse(pool, &filter))?;
    // Full text first, a typo per word included (its GIN index answers a
    // rare word in microseconds); only when it finds nothing at all, and
    // some word is in no listing, is the query taken for a worse
    // misspelling of a name and matched by trigram similarity. When every
    // word is known, nothing matching is the answer (the words are never
    // together): the fallback, which compares the whole query with every
    // name sharing its trigrams, took two common words 2 s at 1M listings.
    // The counts hold approved listings only, so a caller's own drafts may
    // still hold a word they do not know.
    let misspelt =
        found.stats.as_ref().is_none_or(|s| s.some_word_unknown()) || filter.own_tenant.is_some();
    if filter.query.is_some() && found.total == 0 && misspelt {
        let similar = Filter {
            similar: true,
            ..filter
        };
        let again = crate::read!(state, |pool| db::browse(pool, &similar))?;
        return Ok((again.rows, again.total, similar));
    }
    Ok((found.rows, found.total, filter))
}

/// `None` sorts by relevance (a query) or newest first.
fn order_clause(sort: Option<SortBy>, order: Option<SortOrder>) -> &'static str {
    use db::order::*;
    let asc = order == Some(SortOrder::Asc);
    match (sort, asc) {
        (None, _) => RELEVANCE,
        (Some(SortBy::Popularity), false) => POPULARITY,
        (Some(SortBy::Popularity), true) => POPULARITY_ASC,
        (Some(SortBy::Rating), false) => RATING,
        (Some(SortBy::Rating), true) => RATING_ASC,
        (Some(SortBy::CreatedAt), false) => CREATED_DESC,
        (Some(SortBy::CreatedAt), true) => CREATED_ASC,
        (Some(SortBy::UpdatedAt), false) => UPDATED_DESC,
        (Some(SortBy::UpdatedAt), true) => UPDATED_ASC,
        // Names read best A→Z unless asked otherwise.
        (Some(SortBy::Name), _) if order == Some(SortOrder::Desc) => NAME_DESC,
        (Some(SortBy::Name), _) => NAME_ASC,
        (Some(SortBy::Price), false) => PRICE_DESC,
        (Some(SortBy::Price), true) => PRICE_ASC,
        (Some(SortBy::Trending), false) => TRENDING,
        (Some(SortBy::Trending), true) => TRENDING_ASC,
    }
}

pub async fn categories(state: &AppState, kind: ListingKind) -> MarketResult<Vec<(String, i64)>> {
    Ok(crate::read!(state, |pool| db::categories(pool, kind))?)
}

pub async fn tags(state: &AppState, kind: ListingKind) -> MarketResult<Vec<(String, i64)>> {
    Ok(crate::read!(state, |pool| db::tags(pool, kind, 200))?)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rated {
    pub rating: f64,
    pub new_average: f64,
    pub total_ratings: i32,
    /// The rater's tenant had the listing installed when rating.
    pub verified_install: bool,
    /// The listing's version then, for a verified rating.
    pub version: Option<String>,
}

/// Rates an approved listing once per user (`409 RATING_EXISTS`), or
/// replaces the user's rating. Counters move in the same transaction.
pub async fn rate(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    rating: f64,
    review: Option<String>,
    replace: bool,
) -> MarketResult<Rated> {
    principal.require(Permission::SkillView)?;
    principal.require_write()?;
    let rating = crate::model::bounds::Rating::parse(rating, kind.half_star_ratings())?.get();
    let review = review
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let max = crate::model::bounds::ReviewText::MAX;
    if review.as_ref().is_some_and(|r| r.chars().count() > max) {
        return Err(MarketError::validation(
            "review",
            format!("At most {max} characters"),
        ));
    }
    let listing = db::get(&state.pool, kind, id)
        .await?
        .ok_or_else(|| kind.not_found())?;
    if listing.status != ListingStatus::Approved {
        return Err(kind.not_found());
    }
    if listing.publisher_tenant_id == principal.tenant_id {
        return Err(MarketError::forbidden("You cannot rate your own listing"));
    }
    let mut tx = state.pool.begin().await?;
    // Verified when the rater's tenant has it installed now, read in the
    // rating's transaction; a replacing PUT judges again (an install since
    // the first rating verifies it, an uninstall no longer does).
    let verified_install =
        crate::backend::db::installs::is_installed(&mut *tx, id, principal.tenant_id).await?;
    let provenance = reviews::Provenance {
        verified_install,
        version: listing.current_version.clone().filter(|_| verified_install),
    };
    let (sum, count) = if replace {
        let old = reviews::replace(
            &mut *tx,
            id,
            principal.user_id,
            rating,
            review.as_deref(),
            &provenance,
        )
        .await?
        .ok_or_else(|| {
            MarketError::route_not_found().with_message("You have not rated this item yet")
        })?;
        reviews::bump_listing(&mut *tx, id, rating - old, 0).await?
    } else {
        let created = reviews::insert(&mut *tx, id, principal.user_id, principal.tenant_id, rating, review.as_deref(), &provenance)
            .await?
            .ok_or_else(|| {
                MarketError::new(ErrorCode::RatingExists, "User has already rated this item")
                    .with_details(serde_json::json!({ "hint": "Use PUT on the same path to replace your rating" }))
            })?;
        webhook_events::review_created(&mut tx, &listing, created.id, rating, review.as_deref())
            .await?;
        reviews::bump_listing(&mut *tx, id, rating, 1).await?
    };
    tx.commit().await?;
    Ok(Rated {
        rating,
        new_average: if count == 0 {
            0.0
        } else {
            (sum / f64::from(count) * 100.0).round() / 100.0
        },
        total_ratings: count,
        verified_install: provenance.verified_install,
        version: provenance.version,
    })
}

pub async fn reviews_page(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    id: Uuid,
    verified_only: bool,
    page: PageParams,
) -> MarketResult<(Vec<crate::model::listing::Review>, i64)> {
    visible(state, principal, kind, id).await?;
    Ok(crate::read!(state, |pool| reviews::page(
        pool,
        id,
        verified_only,
        page.limit,
        page.offset
    ))?)
}

/// The latest reviews of a listing the caller already holds (and so was
/// allowed to see): one query, no total.
pub async fn recent_reviews(
    state: &AppState,
    listing: &Listing,
    limit: i64,
) -> MarketResult<Vec<crate::model::listing::Review>> {
    Ok(crate::read!(state, |pool| reviews::recent(
        pool, listing.id, limit
    ))?)
}

/// Flags a review on a visible listing for moderation.
pub async fn flag_review(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    review_id: Uuid,
    reason: &str,
) -> MarketResult<()> {
    principal.require(Permission::SkillView)?;
    principal.require_write()?;
    let reason = reason.trim();
    let max = crate::model::bounds::Reason::MAX;
    if reason.is_empty() || reason.chars().count() > max {
        return Err(MarketError::validation(
            "reason",
            format!("Flag reason must be 1 to {max} characters"),
        ));
    }
    reviews::visible_listing_of(&state.pool, review_id, kind)
        .await?
        .ok_or_else(|| MarketError::route_not_found().with_message("Review not found"))?;
    let mut tx = state.pool.begin().await?;
    reviews::flag(&mut tx, review_id, principal.user_id, reason).await?;
    tx.commit().await?;
    Ok(())
}

/// Freezes the listing's current fields as a named version.
pub async fn create_version(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    name: &str,
    description: &str,
) -> MarketResult<versions::VersionRow> {
    let row = owned(state, principal, kind, id).await?;
    let name = name.trim();
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c))
        && super::versioning::parse(name).is_some();
    if !valid {
        return Err(MarketError::new(
            ErrorCode::InvalidVersion,
            "Invalid version format: use semantic versioning, e.g. 1.2.0 or v1.2.0",
        )
        .with_details(serde_json::json!({ "field": "version_name", "value": name })));
    }
    crate::model::bounds::Description::parse("description", Some(description))?;
    let snapshot = serde_json::to_value(Snapshot::from(&row)).map_err(|e| {
        tracing::error!(error = %e, "snapshot serialisation failed");
        MarketError::internal()
    })?;
    let mut tx = state.pool.begin().await?;
    super::quotas::ensure_room(
        &mut tx,
        principal.tenant_id,
        super::quotas::Quota::Versions(id),
    )
    .await?;
    // The tenant's row lock (ensure_room) orders this listing's version
    // creates, so the highest version read here is still the highest at
    // the insert. A taken name is the insert's 409, as before the gate.
    let existing = versions::names(&mut *tx, id).await?;
    let summary = if existing.iter().any(|n| n == name) {
        None
    } else {
        let previous = match super::versioning::highest(&existing) {
            Some(h) => versions::snapshot_by_name(&mut *tx, id, h).await?,
            None => None,
        };
        let summary = super::versioning::judge(name, &row.spec, &existing, |_| {
            Ok(previous
                .as_ref()
                .and_then(|s| s.get("spec"))
                .cloned()
                .unwrap_or(serde_json::Value::Null))
        })?;
        Some(serde_json::to_value(&summary).map_err(|e| {
            tracing::error!(error = %e, "change summary serialisation failed");
            MarketError::internal()
        })?)
    };
    let inserted = versions::insert(
        &mut *tx,
        id,
        name,
        description,
        &snapshot,
        principal.user_id,
        summary.as_ref(),
    )
    .await;
    let version = match inserted {
        Ok(v) => v,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            drop(tx);
            let existing = versions::id_by_name(&state.pool, id, name).await?;
            return Err(MarketError::new(
                ErrorCode::DuplicateEntry,
                format!("Version {name} already exists for this item"),
            )
            .with_details(serde_json::json!({
                "field": "version_name",
                "value": name,
                "existing_version_id": existing,
                "suggestion": "Use a different version name",
            })));
        }
        Err(e) => return Err(e.into()),
    };
    db::set_current_version(&mut *tx, id, name).await?;
    tx.commit().await?;
    Ok(version)
}

/// One page of a listing's versions, newest first, without snapshots.
pub async fn history(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    page: PageParams,
) -> MarketResult<Vec<versions::VersionSummary>> {
    principal.require(Permission::SkillView)?;
    visible(state, Some(principal), kind, id).await?;
    Ok(versions::history(&state.pool, id, page.limit, page.offset).await?)
}

/// Restores a version's snapshot onto the listing: on an approved listing
/// into review, like any other change of content.
pub async fn rollback(
    state: &AppState,
    principal: &Principal,
    kind: ListingKind,
    id: Uuid,
    version_id: Uuid,
) -> MarketResult<(ContentChange, versions::VersionRow)> {
    owned(state, principal, kind, id).await?;
    principal.require_write()?;
    let mut tx = state.pool.begin().await?;
    let row = db::get_for_update(&mut *tx, kind, id)
        .await?
        .ok_or_else(|| kind.not_found())?;
    let version = versions::get(&mut *tx, id, version_id)
        .await?
        .ok_or_else(|| {
            MarketError::route_not_found().with_message("Version not found for this item")
        })?;
    let snapshot: Snapshot = serde_json::from_value(version.snapshot.clone()).map_err(|e| {
        tracing::error!(error = %e, version = %version_id, "stored snapshot unreadable");
        MarketError::internal()
    })?;
    let change = change_locked(
        &mut tx,
        principal,
        kind,
        row,
        "listing.rollback",
        Some(&version),
        |f| {
            *f = snapshot;
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok((change, version))
}

/// A review the caller may act on: on an approved listing (or its own),
/// not hidden by moderation.
async fn review_context(
    state: &AppState,
    principal: &Principal,
    review_id: Uuid,
) -> MarketResult<reviews::ReviewContext> {
    let not_found = || MarketError::route_not_found().with_message("Review not found");
    let ctx = reviews::context(&state.pool, review_id)
        .await?
        .ok_or_else(not_found)?;
    let visible = !ctx.hidden
        && (ctx.status == ListingStatus::Approved
            || ctx.publisher_tenant_id == principal.tenant_id);
    if visible {
        Ok(ctx)
    } else {
        Err(not_found())
    }
}

/// Marks a review helpful or not, once per user (a second vote changes it).
pub async fn vote_review(
    state: &AppState,
    principal: &Principal,
    review_id: Uuid,
    helpful: bool,
) -> MarketResult<(i32, i32)> {
    principal.require(Permission::SkillView)?;
    principal.require_write()?;
    let ctx = review_context(state, principal, review_id).await?;
    if ctx.author_id == principal.user_id {
        return Err(MarketError::forbidden("You cannot vote on your own review"));
    }
    let mut tx = state.pool.begin().await?;
    let counts = reviews::vote(&mut tx, review_id, principal.user_id, helpful).await?;
    tx.commit().await?;
    Ok(counts)
}

/// The publisher answers a review of its own listing.
pub async fn respond_to_review(
    state: &AppState,
    principal: &Principal,
    review_id: Uuid,
    response: &str,
) -> MarketResult<String> {
    principal.require(Permission::SkillManage)?;
    let ctx = review_context(state, principal, review_id).await?;
    if ctx.publisher_tenant_id != principal.tenant_id {
        return Err(MarketError::new(
            ErrorCode::NotOwner,
            "User does not own this item",
        ));
    }
    let text = response.trim();
    let max = crate::model::bounds::ReviewText::MAX;
    if text.is_empty() || text.chars().count() > max {
        return Err(MarketError::validation(
            "response",
            format!("A response is 1 to {max} characters"),
        ));
    }
    reviews::respond(&state.pool, review_id, text).await?;
    Ok(text.to_owned())
}
