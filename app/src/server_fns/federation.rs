//! The operator desk's federation section: each peer's state, and a sync
//! now.

use crate::error::MarketError;
use crate::model::federation::{PeerList, SyncReport};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{services::federation, state::AppState};

#[server(prefix = "/sfn", endpoint = "operator/federation-peers")]
pub async fn load_peers() -> Result<PeerList, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            federation::list_peers(&state, &principal).await
        }
        .await,
    )
}

/// Syncs one peer now (`409 CONFLICTING_OPERATION` while one runs).
#[server(prefix = "/sfn", endpoint = "operator/federation-sync")]
pub async fn sync_peer_now(name: String) -> Result<SyncReport, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            let peer = federation::peer_to_sync(&state, &principal, &name).await?;
            crate::backend::federation_sync::sync_peer(&state, &peer)
                .await?
                .ok_or_else(|| {
                    MarketError::conflict(
                        crate::error::ErrorCode::ConflictingOperation,
                        "A sync of this peer is running",
                    )
                })
        }
        .await,
    )
}
