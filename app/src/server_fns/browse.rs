//! The catalog pages' reads.

use crate::error::MarketError;
use crate::model::catalog::{BrowsePage, BrowseRequest, ListingDetail};
use crate::model::kind::ListingKind;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "catalog/browse")]
pub async fn browse_listings(
    kind: ListingKind,
    // An empty request reaches the server as no field at all.
    #[server(default)] req: BrowseRequest,
) -> Result<BrowsePage, MarketError> {
    use crate::backend::{services::catalog_pages, state::AppState};
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::maybe_principal(&state).await?;
            catalog_pages::browse(&state, principal.as_ref(), kind, &req).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "catalog/detail")]
pub async fn load_listing(kind: ListingKind, id: String) -> Result<ListingDetail, MarketError> {
    use crate::backend::{services::catalog_pages, state::AppState};
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::maybe_principal(&state).await?;
            let id = uuid::Uuid::parse_str(&id).map_err(|_| kind.not_found())?;
            catalog_pages::detail(&state, principal.as_ref(), kind, id).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "catalog/categories")]
pub async fn listing_categories(kind: ListingKind) -> Result<Vec<(String, i64)>, MarketError> {
    use crate::backend::{services::listings, state::AppState};
    super::with_status(async { listings::categories(&AppState::from_context()?, kind).await }.await)
}

/// Rates a listing from its page; a second submission edits the rating.
#[server(prefix = "/sfn", endpoint = "catalog/review")]
pub async fn submit_review(
    kind: Option<String>,
    id: String,
    rating: String,
    review: String,
) -> Result<(), MarketError> {
    use crate::backend::services::listings;
    use crate::error::ErrorCode;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let kind = kind
                .as_deref()
                .map_or(Some(ListingKind::Skill), ListingKind::parse)
                .ok_or_else(MarketError::route_not_found)?;
            let id = uuid::Uuid::parse_str(&id).map_err(|_| kind.not_found())?;
            let rating: f64 = rating
                .trim()
                .parse()
                .map_err(|_| MarketError::validation("rating", "Choose a rating from 1 to 5"))?;
            let review = Some(review).filter(|r| !r.trim().is_empty());
            match listings::rate(&state, &principal, kind, id, rating, review.clone(), false).await
            {
                Err(e) if e.code == ErrorCode::RatingExists => {
                    listings::rate(&state, &principal, kind, id, rating, review, true).await?;
                }
                other => {
                    other?;
                }
            }
            // The page reloads with the new rating in its summary and list.
            leptos_axum::redirect(&format!("{}/{id}?rated=1", kind.path()));
            Ok(())
        }
        .await,
    )
}
