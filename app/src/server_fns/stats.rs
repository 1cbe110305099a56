//! The charts of the listing page (for its publisher), the publisher
//! dashboard and the operator desk. The server draws them; the page only
//! places the SVG.

use crate::error::MarketError;
use crate::model::stats::{AnalyticsDashboard, ChartView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{services::stats, state::AppState};

/// A listing's installs and rating charts, or `None` for callers who are
/// neither its publisher nor an operator.
#[server(prefix = "/sfn", endpoint = "stats/listing-charts")]
pub async fn listing_charts(id: String) -> Result<Option<Vec<ChartView>>, MarketError> {
    let state = AppState::from_context()?;
    let principal = super::maybe_principal(&state).await?;
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Ok(None);
    };
    stats::listing_charts(&state, principal.as_ref(), id).await
}

#[server(prefix = "/sfn", endpoint = "stats/dashboard")]
pub async fn load_dashboard() -> Result<AnalyticsDashboard, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            stats::dashboard(&state, &principal).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "stats/queue-chart")]
pub async fn queue_chart() -> Result<ChartView, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            stats::queue_chart(&state, &principal).await
        }
        .await,
    )
}
