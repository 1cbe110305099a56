use crate::backend::{db, state::AppState};
use crate::error::MarketResult;
use crate::model::catalog::{
    CatalogSummary, CategoryCount, KindCount, KindShelves, HOME_CATEGORIES, SHELF_SIZE,
};
use crate::model::kind::ListingKind;

/// The public overview of the catalog; anonymous callers may read it. Every
/// part is a maintained count or a short index scan: the same work at any
/// catalog size.
pub async fn summary(state: &AppState) -> MarketResult<CatalogSummary> {
    let counts = crate::read!(state, |pool| db::catalog::approved_counts_by_kind(pool))?;
    let kinds: Vec<KindCount> = ListingKind::ALL
        .into_iter()
        .map(|kind| KindCount {
            kind,
            count: counts
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    let mut shelves = Vec::new();
    let mut categories = Vec::new();
    for kind in ListingKind::ALL {
        let shelf = kind_shelves(state, kind).await?;
        categories.extend(shelf.categories.iter().map(|(c, n)| CategoryCount {
            kind,
            category: c.clone(),
            count: *n,
        }));
        shelves.push(shelf);
    }
    // Across kinds, the busiest first (each chip names its kind).
    categories.sort_by(|a, b| b.count.cmp(&a.count).then(a.category.cmp(&b.category)));
    categories.truncate(HOME_CATEGORIES);
    Ok(CatalogSummary {
        total: kinds.iter().map(|k| k.count).sum(),
        kinds,
        categories,
        shelves,
    })
}

async fn kind_shelves(state: &AppState, kind: ListingKind) -> MarketResult<KindShelves> {
    let rows = crate::read!(state, |pool| db::catalog::shelves(pool, kind, SHELF_SIZE))?;
    let mut tenants: Vec<uuid::Uuid> = rows.iter().map(|r| r.row.publisher_tenant_id).collect();
    tenants.sort();
    tenants.dedup();
    let names = crate::read!(state, |pool| db::catalog::tenant_names(pool, &tenants))?;
    let card = |r: &crate::model::listing::Listing| {
        let publisher = names
            .iter()
            .find(|(id, _)| *id == r.publisher_tenant_id)
            .map_or_else(String::new, |(_, n)| n.clone());
        super::catalog_pages::card(r, publisher)
    };
    let shelf = |name: &str| {
        rows.iter()
            .filter(|r| r.shelf == name)
            .map(|r| card(&r.row))
            .collect::<Vec<_>>()
    };
    let mut categories = crate::read!(state, |pool| db::catalog::top_categories(
        pool,
        kind,
        HOME_CATEGORIES as i64 + 1
    ))?;
    let more_categories = categories.len() > HOME_CATEGORIES;
    categories.truncate(HOME_CATEGORIES);
    Ok(KindShelves {
        kind,
        popular: shelf("popular"),
        trending: shelf("trending"),
        newest: shelf("newest"),
        categories,
        more_categories,
    })
}
