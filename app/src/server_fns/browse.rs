//! The catalog pages' reads.

use crate::error::MarketError;
use crate::model::catalog::{BrowsePage, BrowseRequest, ListingDetail};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "catalog/browse")]
pub async fn browse_skills(req: BrowseRequest) -> Result<BrowsePage, MarketError> {
    use crate::backend::{services::catalog_pages, state::AppState};
    use crate::model::kind::ListingKind;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::maybe_principal(&state).await?;
            catalog_pages::browse(&state, principal.as_ref(), ListingKind::Skill, &req).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "catalog/detail")]
pub async fn skill_detail(id: String) -> Result<ListingDetail, MarketError> {
    use crate::backend::{services::catalog_pages, state::AppState};
    use crate::model::kind::ListingKind;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::maybe_principal(&state).await?;
            let id = uuid::Uuid::parse_str(&id).map_err(|_| ListingKind::Skill.not_found())?;
            catalog_pages::detail(&state, principal.as_ref(), ListingKind::Skill, id).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "catalog/categories")]
pub async fn skill_categories() -> Result<Vec<(String, i64)>, MarketError> {
    use crate::backend::{services::listings, state::AppState};
    use crate::model::kind::ListingKind;
    super::with_status(
        async { listings::categories(&AppState::from_context()?, ListingKind::Skill).await }.await,
    )
}
