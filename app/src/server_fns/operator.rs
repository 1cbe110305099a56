//! The operator's desk: review queue, flagged reviews, audit, maintenance.

use crate::error::MarketError;
use crate::model::studio::OperatorDesk;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{services::studio_pages, state::AppState};

#[server(prefix = "/sfn", endpoint = "operator/desk")]
pub async fn load_operator_desk() -> Result<OperatorDesk, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            studio_pages::desk(&state, &principal).await
        }
        .await,
    )
}

/// Approve, reject or suspend a listing; rejecting and suspending need a
/// reason, which the publisher sees. `content_hash` is the content the
/// operator was shown (empty: whatever is under review now).
#[server(prefix = "/sfn", endpoint = "operator/decide")]
pub async fn decide_listing(
    id: String,
    action: String,
    reason: String,
    #[server(default)] content_hash: String,
) -> Result<(), MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            let id = studio_pages::form_id(&id, || {
                MarketError::new(crate::error::ErrorCode::NotFound, "Listing not found")
            })?;
            studio_pages::decide(&state, &principal, id, &action, &reason, &content_hash).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "operator/review-visibility")]
pub async fn set_review_hidden(review_id: String, hidden: String) -> Result<(), MarketError> {
    use crate::backend::services::governance;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            let id = studio_pages::form_id(&review_id, || {
                MarketError::route_not_found().with_message("Review not found")
            })?;
            governance::set_review_hidden(&state, &principal, id, hidden == "yes").await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "operator/maintenance")]
pub async fn set_maintenance(enabled: String, message: String) -> Result<(), MarketError> {
    use crate::backend::services::governance;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            governance::set_maintenance(&state, &principal, enabled == "on", Some(&message), None)
                .await?;
            Ok(())
        }
        .await,
    )
}
