//! The outbox: each use case that causes an event calls one of these in
//! its own transaction, so the event (and one delivery per subscribed
//! webhook) is committed with the change or not at all. A crash after the
//! commit loses nothing: the deliveries wait in PostgreSQL for a worker.

use crate::backend::db::webhooks as db;
use crate::error::{MarketError, MarketResult};
use crate::model::kind::ListingKind;
use crate::model::listing::{Listing, ListingStatus};
use crate::model::webhook::EventType;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// The body of every delivery: `{id, type, created_at, data}`.
#[derive(Serialize)]
struct Payload<'a, T: Serialize> {
    id: Uuid,
    #[serde(rename = "type")]
    event_type: &'a str,
    created_at: DateTime<Utc>,
    data: T,
}

#[derive(Serialize)]
struct ListingData<'a> {
    listing_id: String,
    kind: ListingKind,
    name: &'a str,
    status: ListingStatus,
    version: Option<&'a str>,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct ReviewData<'a> {
    review_id: Uuid,
    listing_id: String,
    kind: ListingKind,
    rating: f64,
    review: Option<&'a str>,
    verified_install: bool,
    version: Option<&'a str>,
}

#[derive(Serialize)]
struct InstallData<'a> {
    listing_id: String,
    kind: ListingKind,
    name: &'a str,
    /// The installer is the listing's publisher.
    own_install: bool,
    /// What the install made (only in the installer's event).
    resource_id: Option<&'a str>,
}

/// Writes one event for `tenant_id`, with a delivery to each of its
/// webhooks subscribed to `event`.
async fn emit(
    tx: &mut PgConnection,
    tenant_id: Uuid,
    event: EventType,
    data: impl Serialize,
) -> MarketResult<()> {
    let id = Uuid::now_v7();
    let body = serde_json::to_string(&Payload {
        id,
        event_type: event.as_str(),
        created_at: Utc::now(),
        data,
    })
    .map_err(|e| {
        tracing::error!(error = %e, "webhook payload serialisation failed");
        MarketError::internal()
    })?;
    db::enqueue(tx, id, tenant_id, event, &body).await?;
    Ok(())
}

/// `listing.submitted|approved|rejected|suspended`, to the publisher.
/// `status` is the listing's status as its publisher sees it after the
/// change (a rejected edit of a live listing is `rejected` there).
pub async fn listing_changed(
    tx: &mut PgConnection,
    event: EventType,
    row: &Listing,
    status: ListingStatus,
    reason: Option<&str>,
) -> MarketResult<()> {
    emit(
        tx,
        row.publisher_tenant_id,
        event,
        ListingData {
            listing_id: row.public_id(),
            kind: row.kind,
            name: &row.name,
            status,
            version: row.current_version.as_deref(),
            reason,
        },
    )
    .await
}

/// `review.created` (a user's first rating of a listing), to the publisher.
/// Whether the rater's tenant had installed the listing, and its version
/// then, are read from the review as the rating use case stored it.
pub async fn review_created(
    tx: &mut PgConnection,
    listing: &Listing,
    review_id: Uuid,
    rating: f64,
    review: Option<&str>,
) -> MarketResult<()> {
    let (verified_install, version) = db::review_provenance(&mut *tx, review_id)
        .await?
        .unwrap_or((false, None));
    emit(
        tx,
        listing.publisher_tenant_id,
        EventType::ReviewCreated,
        ReviewData {
            review_id,
            listing_id: listing.public_id(),
            kind: listing.kind,
            rating,
            review,
            verified_install,
            version: version.as_deref(),
        },
    )
    .await
}

/// `install.created`: to the installer's tenant with what the install
/// made, and to the publisher without it (once when they are the same).
pub async fn install_created(
    tx: &mut PgConnection,
    listing: &Listing,
    installer_tenant_id: Uuid,
    resource_id: &str,
) -> MarketResult<()> {
    let own_install = installer_tenant_id == listing.publisher_tenant_id;
    let data = |resource_id| InstallData {
        listing_id: listing.public_id(),
        kind: listing.kind,
        name: &listing.name,
        own_install,
        resource_id,
    };
    emit(
        tx,
        installer_tenant_id,
        EventType::InstallCreated,
        data(Some(resource_id)),
    )
    .await?;
    if !own_install {
        emit(
            tx,
            listing.publisher_tenant_id,
            EventType::InstallCreated,
            data(None),
        )
        .await?;
    }
    Ok(())
}
