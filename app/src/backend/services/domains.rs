//! The domain kind: a tenant's domains, submitted to the marketplace and
//! installed by other tenants under a name of their choosing.

use crate::backend::auth::Principal;
use crate::backend::db::installed_domains::{self as installed, InstalledDomainRow};
use crate::backend::db::installs;
use crate::backend::db::listings::{self as db, Snapshot};
use crate::backend::services::listings;
use crate::backend::services::quotas::{self, Quota};
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::bounds::{Description, DisplayName, ShortName};
use crate::model::kind::ListingKind;
use crate::model::listing::{Listing, ListingStatus};
use serde_json::json;
use uuid::Uuid;

const KIND: ListingKind = ListingKind::Domain;

/// `POST /api/v1/domains`: a draft domain of the caller's tenant.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    name: &str,
    description: Option<&str>,
    category: Option<&str>,
) -> MarketResult<Listing> {
    let fields = Snapshot {
        name: DisplayName::parse("name", name)?.into_string(),
        description: Description::parse("description", description)?.into_string(),
        long_description: String::new(),
        category: category
            .map(|c| ShortName::parse("category", c).map(ShortName::into_string))
            .transpose()?,
        tags: Vec::new(),
        price: 0.0,
        license: None,
        spec: json!({}),
    };
    listings::create(state, principal, KIND, fields, ListingStatus::Draft).await
}

/// The tenant's own domains and the ones it installed.
pub async fn list(
    state: &AppState,
    principal: &Principal,
) -> MarketResult<(Vec<Listing>, Vec<InstalledDomainRow>)> {
    let own = listings::mine(state, principal, KIND).await?;
    let installed = installed::list(&state.pool, principal.tenant_id).await?;
    Ok((own, installed))
}

pub struct Submission {
    pub price_usd: Option<f64>,
    pub license_type: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// `POST /api/v1/domains/marketplace/submit`.
pub async fn submit(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    s: &Submission,
) -> MarketResult<Listing> {
    let details = listings::MarketDetails::parse(
        ("price_usd", s.price_usd),
        ("license_type", s.license_type.as_deref()),
        s.tags.as_deref(),
    )?;
    listings::submit_details(state, principal, KIND, id, details).await
}

/// Everything the tenant has sent to the marketplace.
pub async fn my_submissions(state: &AppState, principal: &Principal) -> MarketResult<Vec<Listing>> {
    Ok(listings::mine(state, principal, KIND)
        .await?
        .into_iter()
        .filter(|l| l.status != ListingStatus::Draft)
        .collect())
}

/// Installs an approved domain as a new domain of the caller's tenant.
pub async fn install(
    state: &AppState,
    principal: &Principal,
    template_id: Uuid,
    custom_name: Option<&str>,
) -> MarketResult<InstalledDomainRow> {
    let listing = listings::installable(state, principal, KIND, template_id).await?;
    let name = match custom_name.filter(|n| !n.trim().is_empty()) {
        Some(n) => DisplayName::parse("custom_name", n)?.into_string(),
        None => listing.name.clone(),
    };
    let mut tx = state.pool.begin().await?;
    quotas::ensure_room(&mut tx, principal.tenant_id, Quota::DomainCopies).await?;
    let row = match installed::insert(&mut *tx, principal.tenant_id, listing.id, &name).await {
        Ok(row) => row,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            drop(tx);
            let existing = installed::id_by_name(&state.pool, principal.tenant_id, &name).await?;
            return Err(MarketError::new(
                ErrorCode::DuplicateEntry,
                format!("Your tenant already has a domain named '{name}'"),
            )
            .with_details(json!({
                "field": "custom_name",
                "value": name,
                "existing_domain_id": existing,
                "suggestion": "Use a different custom_name or use the existing domain",
            })));
        }
        Err(e) => return Err(e.into()),
    };
    installs::record(&mut tx, listing.id, principal.tenant_id).await?;
    super::webhook_events::install_created(
        &mut tx,
        &listing,
        principal.tenant_id,
        &row.id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub struct Stats {
    pub total: i64,
    pub approved: i64,
    pub pending: i64,
    pub installs: i64,
}

/// Counts over everything submitted to the marketplace (drafts are the
/// tenants' own business and not counted).
pub async fn stats(state: &AppState) -> MarketResult<Stats> {
    let (counts, installs) = db::status_counts(&state.pool, KIND).await?;
    let count = |s: ListingStatus| {
        counts
            .iter()
            .find(|(k, _)| k == s.as_str())
            .map_or(0, |(_, n)| *n)
    };
    let total = counts
        .iter()
        .filter(|(k, _)| k != ListingStatus::Draft.as_str())
        .map(|(_, n)| n)
        .sum();
    Ok(Stats {
        total,
        approved: count(ListingStatus::Approved),
        pending: count(ListingStatus::PendingApproval),
        installs,
    })
}
