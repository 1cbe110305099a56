use crate::error::MarketError;
use crate::model::catalog::CatalogSummary;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "catalog/summary")]
pub async fn get_catalog_summary() -> Result<CatalogSummary, MarketError> {
    let state = crate::backend::state::AppState::from_context()?;
    crate::backend::services::catalog::summary(&state).await
}
