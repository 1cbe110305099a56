//! Deprecation with a replacement: the publisher marks a listing as on its
//! way out. Browse and search then skip it unless asked
//! (`include_deprecated`); installs still work and carry a warning.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::deprecation as db;
use crate::backend::db::governance::{audit, AuditEntry};
use crate::backend::db::listings::{self as listings_db};
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::deprecation::{DeprecationReason, InstallWarning};
use crate::model::listing::Listing;
use crate::model::listing::ListingStatus;
use uuid::Uuid;

fn listing_not_found() -> MarketError {
    MarketError::not_found(ErrorCode::NotFound, "Listing not found")
}

/// The caller's own listing of any kind: one it cannot see is `404`,
/// another tenant's visible one `403 NOT_OWNER`.
async fn owned(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    raw_id: &str,
) -> MarketResult<Listing> {
    let row = db::find_any(&mut *tx, raw_id)
        .await?
        .ok_or_else(listing_not_found)?;
    let visible = row.status == ListingStatus::Approved
        || row.publisher_tenant_id == principal.tenant_id
        || principal.can(Permission::GovernanceApprove);
    if !visible {
        return Err(listing_not_found());
    }
    if row.publisher_tenant_id != principal.tenant_id {
        return Err(MarketError::new(
            ErrorCode::NotOwner,
            "User does not own this item",
        ));
    }
    Ok(row)
}

fn bad_replacement(message: &str) -> MarketError {
    MarketError::validation("replacement_id", message.to_owned())
}

/// The replacement a publisher names, by its UUID or string id: a listing
/// of the same kind that is not the listing itself.
async fn replacement(
    tx: &mut sqlx::PgConnection,
    listing: &Listing,
    raw: &str,
) -> MarketResult<Uuid> {
    let kind = listing.kind;
    let found = match Uuid::parse_str(raw.trim()) {
        Ok(id) => listings_db::get(&mut *tx, kind, id).await?,
        Err(_) => listings_db::get_by_external(&mut *tx, kind, raw.trim()).await?,
    };
    let r =
        found.ok_or_else(|| bad_replacement("No approved listing of the same kind has this id"))?;
    if r.id == listing.id {
        return Err(bad_replacement("A listing cannot replace itself"));
    }
    Ok(r.id)
}

/// What a replacement must be while both rows are locked: approved (so
/// visitors can follow the link) and not deprecated itself (no chains, and
/// no two listings naming each other).
fn usable_replacement(r: Option<&Listing>) -> MarketResult<()> {
    match r {
        Some(r) if r.status != ListingStatus::Approved => Err(bad_replacement(
            "No approved listing of the same kind has this id",
        )),
        Some(r) if r.deprecated_at.is_some() => {
            Err(bad_replacement("The replacement is deprecated itself"))
        }
        Some(_) => Ok(()),
        None => Err(bad_replacement(
            "No approved listing of the same kind has this id",
        )),
    }
}

/// Deprecates the caller's listing (again: re-words it, keeping the time).
pub async fn deprecate(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
    reason: &str,
    replacement_id: Option<&str>,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let reason = DeprecationReason::parse(reason)?;
    let mut tx = state.pool.begin().await?;
    let row = owned(&mut tx, principal, raw_id).await?;
    let replacement = match replacement_id.filter(|r| !r.trim().is_empty()) {
        Some(raw) => Some(replacement(&mut tx, &row, raw).await?),
        None => None,
    };
    // Both rows locked, then judged as they are now: a replacement being
    // deprecated at the same moment (perhaps naming this listing) is seen.
    let ids: Vec<Uuid> = std::iter::once(row.id).chain(replacement).collect();
    let locked = db::lock_all(&mut *tx, &ids).await?;
    let row = locked
        .iter()
        .find(|r| r.id == row.id)
        .cloned()
        .ok_or_else(listing_not_found)?;
    if let Some(id) = replacement {
        usable_replacement(locked.iter().find(|r| r.id == id))?;
    }
    let after = db::set(&mut *tx, row.id, reason.as_str(), replacement).await?;
    audit(
        &mut *tx,
        AuditEntry {
            actor: principal,
            action: "listing.deprecate",
            target_type: row.kind.as_str(),
            target_id: row.id,
            before: Some(serde_json::to_value(row.deprecation_fields()).unwrap_or_default()),
            after: Some(serde_json::to_value(after.deprecation_fields()).unwrap_or_default()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Takes the deprecation back; a listing that was not deprecated is
/// answered as it is.
pub async fn undeprecate(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let mut tx = state.pool.begin().await?;
    let row = owned(&mut tx, principal, raw_id).await?;
    let row = db::lock_all(&mut *tx, &[row.id])
        .await?
        .pop()
        .ok_or_else(listing_not_found)?;
    if row.deprecated_at.is_none() {
        return Ok(row);
    }
    let after = db::clear(&mut *tx, row.id).await?;
    audit(
        &mut *tx,
        AuditEntry {
            actor: principal,
            action: "listing.undeprecate",
            target_type: row.kind.as_str(),
            target_id: row.id,
            before: Some(serde_json::to_value(row.deprecation_fields()).unwrap_or_default()),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The warnings an install of this listing carries: one when it is
/// deprecated, naming the replacement.
pub async fn install_warnings(
    state: &AppState,
    listing: &Listing,
) -> MarketResult<Vec<InstallWarning>> {
    let Some(d) = listing.deprecation_fields().deprecation else {
        return Ok(Vec::new());
    };
    let name = match d.replacement_id {
        Some(id) => db::approved_name(&state.pool, id).await?,
        None => None,
    };
    Ok(vec![InstallWarning::deprecated(
        &listing.name,
        &d,
        name.as_deref(),
    )])
}

/// [`install_warnings`] of a listing the caller just installed, by id.
pub async fn install_warnings_of(
    state: &AppState,
    listing_id: Uuid,
) -> MarketResult<Vec<InstallWarning>> {
    let mut conn = state.pool.acquire().await?;
    match db::find_any(&mut conn, &listing_id.to_string()).await? {
        Some(row) => install_warnings(state, &row).await,
        None => Ok(Vec::new()),
    }
}

/// The replacement as a page links it: its kind's path and its name.
pub async fn replacement_link(
    state: &AppState,
    listing: &Listing,
) -> MarketResult<Option<(String, String)>> {
    let Some(id) = listing.replacement_id else {
        return Ok(None);
    };
    let kind = listing.kind;
    Ok(db::approved_name(&state.pool, id)
        .await?
        .map(|name| (format!("{}/{id}", kind.path()), name)))
}
