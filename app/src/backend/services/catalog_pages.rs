//! What the catalog pages show, from the engine's use cases.

use crate::backend::auth::Principal;
use crate::backend::services::listings::{self, Browse};
use crate::backend::state::AppState;
use crate::error::MarketResult;
use crate::model::catalog::{
    BrowsePage, BrowseRequest, Facets, ListingCard, ListingDetail, ReviewView, VersionView,
};
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::listing::SortBy;
use crate::model::page::PageParams;
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 12;

pub fn card(row: &Listing, publisher: String) -> ListingCard {
    let kind = row.kind;
    let spec = kind.spec();
    ListingCard {
        id: row.id.to_string(),
        kind,
        name: row.name.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        tags: row.tags.clone(),
        price: row.price,
        rating: row.rating(),
        rating_count: row.rating_count,
        installs: row.installs,
        publisher,
        type_label: spec
            .type_field
            .filter(|_| spec.type_on_card)
            .and_then(|field| row.spec.get(field))
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        mirrored_from: row.origin_peer.clone(),
    }
}

pub async fn browse(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    req: &BrowseRequest,
) -> MarketResult<BrowsePage> {
    let last_page = PageParams::MAX_OFFSET / PAGE_SIZE + 1;
    let page_no = req.page.unwrap_or(1).clamp(1, last_page);
    let sort = match req
        .sort
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "relevance")
    {
        Some(s) => Some(SortBy::parse(s)?),
        None => None,
    };
    let type_field = kind.spec().type_field;
    let params = Browse {
        query: req.q.clone(),
        category: req.category.clone(),
        tags: req.tag.iter().cloned().collect(),
        spec_filters: type_field
            .zip(req.kind_type.clone().filter(|t| !t.trim().is_empty()))
            .into_iter()
            .collect(),
        free_only: req.free.unwrap_or(false),
        sort_by: sort,
        default_sort: Some(SortBy::Popularity),
        ..Browse::default()
    };
    let page = PageParams {
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let (rows, total, found) =
        listings::browse_faceted(state, principal, kind, params, page).await?;
    let names = crate::backend::db::catalog::tenant_names(
        state.reader(),
        &rows
            .iter()
            .map(|r| r.publisher_tenant_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            card(
                r,
                names
                    .iter()
                    .find(|(id, _)| *id == r.publisher_tenant_id)
                    .map_or_else(String::new, |(_, n)| n.clone()),
            )
        })
        .collect();
    let (categories, facets) = match found {
        // The whole kind: the maintained counts.
        None => (
            listings::categories(state, kind).await?,
            facets(crate::read!(state, |pool| {
                crate::backend::db::listings::facets(pool, kind)
            })?),
        ),
        Some(found) => {
            let categories = found
                .counts
                .iter()
                .filter(|(facet, _, _)| facet == "category")
                .map(|(_, value, n)| (value.clone(), *n))
                .collect();
            let mut f = facets(found.counts);
            f.capped = found.capped;
            (categories, f)
        }
    };
    Ok(BrowsePage {
        items,
        total,
        total_capped: total == crate::model::page::COUNT_CAP,
        page: page_no,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).clamp(1, last_page),
        categories,
        facets,
    })
}

/// Facet rows (largest first) as the page's filters.
fn facets(rows: Vec<(String, String, i64)>) -> Facets {
    let mut f = Facets::default();
    for (facet, value, n) in rows {
        match facet.as_str() {
            "type" => f.types.push((value, n)),
            "tag" if f.tags.len() < 12 => f.tags.push((value, n)),
            "price" if value == "free" => f.free = n,
            "price" => f.paid = n,
            _ => {}
        }
    }
    f
}

/// Versions a listing page shows, newest first.
const VERSIONS_SHOWN: i64 = 20;

pub async fn detail(
    state: &AppState,
    principal: Option<&Principal>,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<ListingDetail> {
    let row = listings::visible(state, principal, kind, id).await?;
    let (reviews, review_total) = listings::reviews_page(
        state,
        principal,
        kind,
        id,
        false,
        PageParams {
            limit: 20,
            offset: 0,
        },
    )
    .await?;
    // The latest versions only, never their snapshots: a listing may have
    // many, each as large as the listing.
    let versions = crate::read!(state, |pool| crate::backend::db::versions::history(
        pool,
        id,
        VERSIONS_SHOWN,
        0
    ))?;
    let distribution = crate::read!(state, |pool| {
        crate::backend::db::catalog::rating_distribution(pool, id)
    })?;
    let names = crate::read!(state, |pool| crate::backend::db::catalog::tenant_names(
        pool,
        &[row.publisher_tenant_id]
    ))?;
    let spec = &row.spec;
    let text = |k: &str| spec.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let packages = super::studio_pages::packages(&row);
    Ok(ListingDetail {
        card: card(
            &row,
            names.into_iter().next().map(|(_, n)| n).unwrap_or_default(),
        ),
        long_description_html: crate::backend::markdown::to_safe_html(&row.long_description),
        license: row.license.clone(),
        documentation_url: text("documentation_url"),
        repository_url: text("repository_url"),
        risk_level: super::studio_pages::risk_label(spec),
        capabilities: granted(spec),
        packages,
        reviews: reviews
            .into_iter()
            .map(|r| ReviewView {
                id: r.id.to_string(),
                rating: r.rating,
                review: r.review,
                helpful_count: r.helpful_count,
                author_response: r.author_response,
                created_at: r.created_at.format("%Y-%m-%d").to_string(),
                tenant_name: r.tenant_name,
                verified_install: r.verified_install,
                version: r.version,
            })
            .collect(),
        review_total,
        distribution,
        versions: versions
            .into_iter()
            .map(|v| VersionView {
                change: v.change_summary.as_ref().and_then(version_change),
                name: v.version_name,
                description: v.description,
                created_at: v.created_at.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        created_at: row.created_at.format("%Y-%m-%d").to_string(),
        deprecation: match row.deprecation_fields().deprecation {
            Some(d) => Some(crate::model::deprecation::DeprecationNotice {
                reason: d.reason,
                deprecated_at: d.deprecated_at.format("%Y-%m-%d").to_string(),
                replacement: super::deprecation::replacement_link(state, &row).await?,
            }),
            None => None,
        },
        signed_in: principal.is_some(),
    })
}

/// A stored change summary (the version gate's) as the page shows it.
fn version_change(stored: &serde_json::Value) -> Option<crate::model::catalog::VersionChange> {
    let s: super::versioning::ChangeSummary = serde_json::from_value(stored.clone())
        .map_err(|e| tracing::warn!(error = %e, "stored change summary unreadable"))
        .ok()?;
    Some(crate::model::catalog::VersionChange {
        previous_version: s.previous_version,
        bump: s.bump.map(|b| b.as_str().to_owned()),
        schema_changed: s.schema_changed,
        breaking: s
            .breaking_changes
            .iter()
            .map(|c| {
                let change = serde_json::to_value(c.change)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                format!(
                    "{} {}: {}",
                    c.schema,
                    if c.path.is_empty() { "/" } else { &c.path },
                    change.replace('_', " ")
                )
            })
            .collect(),
        capabilities_widened: s.capabilities_widened,
        capabilities_narrowed: s.capabilities_narrowed,
    })
}

/// The granted parts of a skill's manifest, for the listing page.
fn granted(spec: &serde_json::Value) -> Vec<(String, String)> {
    use crate::model::capability::{Capabilities, FilesystemAccess};
    if spec.get("capabilities").is_none() {
        return Vec::new();
    }
    let c = Capabilities::of_spec(spec);
    let mut out = Vec::new();
    if !c.network.is_empty() {
        out.push(("Network".to_owned(), c.network.join(", ")));
    }
    if !c.secrets.is_empty() {
        out.push(("Secrets".to_owned(), c.secrets.join(", ")));
    }
    if c.filesystem != FilesystemAccess::None {
        out.push(("Filesystem".to_owned(), c.filesystem.as_str().to_owned()));
    }
    if c.shell {
        out.push(("Shell".to_owned(), "yes".to_owned()));
    }
    if c.docker {
        out.push(("Docker".to_owned(), "yes".to_owned()));
    }
    out
}
