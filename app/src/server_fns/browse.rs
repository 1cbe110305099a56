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

/// Rates a skill from its page; a second submission edits the rating.
#[server(prefix = "/sfn", endpoint = "catalog/review")]
pub async fn submit_review(id: String, rating: String, review: String) -> Result<(), MarketError> {
    use crate::backend::{services::listings, state::AppState};
    use crate::error::ErrorCode;
    use crate::model::kind::ListingKind;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            super::writable(&state).await?;
            let principal = super::principal(&state).await?;
            let id = uuid::Uuid::parse_str(&id).map_err(|_| ListingKind::Skill.not_found())?;
            let rating: f64 = rating
                .trim()
                .parse()
                .map_err(|_| MarketError::validation("rating", "Choose a rating from 1 to 5"))?;
            let review = Some(review).filter(|r| !r.trim().is_empty());
            match listings::rate(
                &state,
                &principal,
                ListingKind::Skill,
                id,
                rating,
                review.clone(),
                false,
            )
            .await
            {
                Err(e) if e.code == ErrorCode::RatingExists => {
                    listings::rate(
                        &state,
                        &principal,
                        ListingKind::Skill,
                        id,
                        rating,
                        review,
                        true,
                    )
                    .await?;
                }
                other => {
                    other?;
                }
            }
            Ok(())
        }
        .await,
    )
}
