//! The canvas component kind and the canvases it installs into.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::canvases as canvas_db;
use crate::backend::db::installs;
use crate::backend::db::listings::Snapshot;
use crate::backend::services::listings;
use crate::backend::services::quotas::{self, Quota};
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::bounds::DisplayName;
use crate::model::component::{CanvasRecord, PlacedComponent};
use crate::model::component::{ComponentInput, ComponentSpec};
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::listing::ListingStatus;
use uuid::Uuid;

const KIND: ListingKind = ListingKind::CanvasComponent;

fn internal(e: serde_json::Error) -> MarketError {
    tracing::error!(error = %e, "component spec (de)serialisation failed");
    MarketError::internal()
}

pub fn spec(row: &Listing) -> MarketResult<ComponentSpec> {
    serde_json::from_value(row.spec.clone()).map_err(internal)
}

/// `POST /api/canvas-marketplace/components`: a draft.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: &ComponentInput,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    let c = input.parse()?;
    let fields = Snapshot {
        name: c.name,
        description: c.description,
        long_description: String::new(),
        category: c.category,
        tags: c.tags,
        price: c.price,
        license: c.license,
        spec: serde_json::to_value(&c.spec).map_err(internal)?,
    };
    listings::create(state, principal, KIND, fields, ListingStatus::Draft).await
}

pub struct Publish {
    pub price: Option<f64>,
    pub license: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// `POST /api/canvas-marketplace/components/publish`.
pub async fn publish(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    p: &Publish,
) -> MarketResult<Listing> {
    let details = listings::MarketDetails::parse(
        ("price", p.price),
        ("license", p.license.as_deref()),
        p.tags.as_deref(),
    )?;
    listings::submit_details(state, principal, KIND, id, details).await
}

fn canvas_not_found() -> MarketError {
    MarketError::new(ErrorCode::NotFound, "Canvas not found")
}

/// Places an approved component on one of the tenant's canvases; placing
/// it twice is a no-op, and the ledger counts the tenant once.
pub async fn install(
    state: &AppState,
    principal: &Principal,
    component_id: Uuid,
    canvas_id: Uuid,
) -> MarketResult<()> {
    let listing = listings::installable(state, principal, KIND, component_id).await?;
    let mut tx = state.pool.begin().await?;
    canvas_db::get(&mut *tx, principal.tenant_id, canvas_id)
        .await?
        .ok_or_else(canvas_not_found)?;
    if canvas_db::place(&mut *tx, canvas_id, listing.id, principal.tenant_id).await? {
        installs::record(&mut tx, listing.id, principal.tenant_id).await?;
        // What the install made is the component's place on this canvas.
        super::webhook_events::install_created(
            &mut tx,
            &listing,
            principal.tenant_id,
            &canvas_id.to_string(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn create_canvas(
    state: &AppState,
    principal: &Principal,
    name: &str,
) -> MarketResult<CanvasRecord> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let name = DisplayName::parse("name", name)?.into_string();
    let mut tx = state.pool.begin().await?;
    quotas::ensure_room(&mut tx, principal.tenant_id, Quota::Canvases).await?;
    let row = canvas_db::insert(&mut *tx, principal.tenant_id, &name).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn canvases(state: &AppState, principal: &Principal) -> MarketResult<Vec<CanvasRecord>> {
    principal.require(Permission::SkillView)?;
    Ok(canvas_db::list(&state.pool, principal.tenant_id).await?)
}

/// One canvas of the caller's tenant with the components placed on it.
pub async fn canvas(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> MarketResult<(CanvasRecord, Vec<PlacedComponent>)> {
    principal.require(Permission::SkillView)?;
    let canvas = canvas_db::get(&state.pool, principal.tenant_id, id)
        .await?
        .ok_or_else(canvas_not_found)?;
    let placed = canvas_db::components(&state.pool, id).await?;
    Ok((canvas, placed))
}
