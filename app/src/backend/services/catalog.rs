use crate::backend::{db, state::AppState};
use crate::error::MarketResult;
use crate::model::catalog::{CatalogSummary, CategoryCount, KindCount};
use crate::model::kind::ListingKind;

/// The public overview of the catalog; anonymous callers may read it.
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
    let categories = crate::read!(state, |pool| db::catalog::top_categories(pool, 40))?
        .into_iter()
        .filter_map(|(kind, category, count)| {
            ListingKind::parse(&kind).map(|kind| CategoryCount {
                kind,
                category,
                count,
            })
        })
        .collect();
    Ok(CatalogSummary {
        total: kinds.iter().map(|k| k.count).sum(),
        kinds,
        categories,
    })
}
