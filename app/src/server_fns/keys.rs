//! API keys for the account page.

use crate::error::MarketError;
use crate::model::account::{CreatedKey, KeyList};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The caller's keys, plus a key created a moment ago (shown this once:
/// it is taken out of the session as it is read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeysView {
    pub keys: KeyList,
    pub just_created: Option<CreatedKey>,
}

#[cfg(feature = "ssr")]
const FLASH_KEY: &str = "flash_created_key";

#[server(prefix = "/sfn", endpoint = "keys/list")]
pub async fn list_api_keys() -> Result<KeysView, MarketError> {
    use crate::backend::{services::keys, state::AppState};
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            let session = super::session().await?;
            let just_created = session
                .remove::<CreatedKey>(FLASH_KEY)
                .await
                .unwrap_or_default();
            Ok(KeysView {
                keys: keys::list(&state, &principal).await?,
                just_created,
            })
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "keys/create")]
pub async fn create_api_key(
    name: String,
    scope: String,
    expires_in_days: Option<String>,
) -> Result<(), MarketError> {
    use crate::backend::services::keys;
    use crate::model::account::CreateKeyRequest;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let expires_in_days = match expires_in_days.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(d) => Some(d.parse::<i64>().map_err(|_| {
                    MarketError::validation("expires_in_days", "Enter a whole number of days")
                })?),
            };
            let created = keys::create(
                &state,
                &principal,
                &CreateKeyRequest {
                    name,
                    scope,
                    expires_in_days,
                },
            )
            .await?;
            // Kept until the next read of the list, which shows it once.
            let session = super::session().await?;
            if let Err(e) = session.insert(FLASH_KEY, created).await {
                tracing::error!(error = %e, "could not keep the new key for display");
                return Err(MarketError::internal());
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "keys/revoke")]
pub async fn revoke_api_key(id: String) -> Result<(), MarketError> {
    use crate::backend::services::keys;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let id = uuid::Uuid::parse_str(&id)
                .map_err(|_| MarketError::route_not_found().with_message("API key not found"))?;
            keys::revoke(&state, &principal, id).await
        }
        .await,
    )
}
