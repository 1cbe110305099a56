use crate::error::MarketError;
use crate::model::catalog::CatalogSummary;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "catalog/summary")]
pub async fn get_catalog_summary() -> Result<CatalogSummary, MarketError> {
    use crate::backend::{services::catalog, state::AppState};
    super::with_status(async { catalog::summary(&AppState::from_context()?).await }.await)
}
