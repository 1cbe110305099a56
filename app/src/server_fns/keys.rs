//! API keys for the account page.

use crate::error::MarketError;
use crate::model::account::{CreatedKey, KeyList};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The caller's keys, plus a key created a moment ago (shown this once:
/// what lets the page rebuild it is taken away as it is read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeysView {
    pub keys: KeyList,
    pub just_created: Option<CreatedKey>,
}

/// A new key crosses the redirect from the form post to the page split in
/// two shares: the session row keeps a random pad (and the key's
/// description), a short-lived cookie keeps the key XOR the pad. Either
/// alone is noise, so neither a copy of the sessions table nor a stolen
/// cookie yields the key, and the first read destroys the pad.
#[cfg(feature = "ssr")]
mod one_time {
    use crate::model::account::CreatedKey;
    use serde::{Deserialize, Serialize};

    pub const SESSION_KEY: &str = "flash_created_key";
    pub const COOKIE: &str = "mp_new_key";
    /// Long enough to follow the redirect, no longer.
    const MAX_AGE_SECS: u32 = 300;

    #[derive(Serialize, Deserialize)]
    pub struct Pending {
        /// The created key with `key` emptied.
        pub created: CreatedKey,
        /// Hex of the random pad.
        pub pad: String,
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Option<Vec<u8>> {
        if !s.len().is_multiple_of(2) {
            return None;
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect()
    }

    fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
        a.iter().zip(b).map(|(x, y)| x ^ y).collect()
    }

    /// `(what the session keeps, the cookie's value)`.
    pub fn split(mut created: CreatedKey) -> (Pending, String) {
        use rand::RngCore;
        let secret = std::mem::take(&mut created.key).into_bytes();
        let mut pad = vec![0u8; secret.len()];
        rand::rng().fill_bytes(&mut pad);
        let share = hex(&xor(&secret, &pad));
        (
            Pending {
                created,
                pad: hex(&pad),
            },
            share,
        )
    }

    /// The key again, when both shares are present and fit together.
    pub fn join(pending: Pending, share: &str) -> Option<CreatedKey> {
        let pad = unhex(&pending.pad)?;
        let masked = unhex(share)?;
        if pad.len() != masked.len() {
            return None;
        }
        let key = String::from_utf8(xor(&masked, &pad)).ok()?;
        let well_formed = key
            .strip_prefix("sk-")
            .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()));
        well_formed.then_some(CreatedKey {
            key,
            ..pending.created
        })
    }

    pub fn set_cookie(value: &str, secure: bool) -> String {
        let max_age = if value.is_empty() { 0 } else { MAX_AGE_SECS };
        format!(
            "{COOKIE}={value}; Path=/account; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
            if secure { "; Secure" } else { "" }
        )
    }

    /// This request's share, if it carries one.
    pub fn presented(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .map(|(_, value)| value.to_owned())
    }

    /// Pages and answers that carry a secret are never kept by a cache.
    pub fn no_store(opts: &leptos_axum::ResponseOptions) {
        opts.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn shares_rebuild_the_key_and_neither_holds_it() {
            let key = format!("sk-{}", "A1b2".repeat(10));
            let created = CreatedKey {
                id: uuid::Uuid::nil(),
                name: "k".into(),
                scope: crate::model::account::Scope::Read,
                key: key.clone(),
                prefix: key[..11].to_owned(),
                created_at: chrono::Utc::now(),
                expires_at: None,
            };
            let (pending, share) = split(created);
            assert!(pending.created.key.is_empty());
            assert!(!share.contains(&hex(key.as_bytes())));
            assert!(!pending.pad.contains(&hex(key.as_bytes())));
            let other = "00".repeat(key.len());
            let again = Pending {
                created: pending.created.clone(),
                pad: pending.pad.clone(),
            };
            assert_eq!(join(pending, &share).map(|k| k.key), Some(key));
            assert!(join(again, &other).is_none(), "a forged share");
        }
    }
}

#[server(prefix = "/sfn", endpoint = "keys/list")]
pub async fn list_api_keys() -> Result<KeysView, MarketError> {
    use crate::backend::{services::keys, state::AppState};
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let opts = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
            if let Some(o) = &opts {
                one_time::no_store(o);
            }
            let principal = super::principal(&state).await?;
            let session = super::session().await?;
            // Removed whether or not the cookie came back: one chance only.
            let pending = session
                .remove::<one_time::Pending>(one_time::SESSION_KEY)
                .await
                .unwrap_or_default();
            let share = leptos::prelude::use_context::<http::request::Parts>()
                .and_then(|p| one_time::presented(&p.headers));
            if let (Some(_), Some(o)) = (&share, &opts) {
                if let Ok(v) = http::HeaderValue::from_str(&one_time::set_cookie(
                    "",
                    state.settings.credentials.secure_cookies,
                )) {
                    o.append_header(http::header::SET_COOKIE, v);
                }
            }
            let just_created = match (pending, share) {
                (Some(p), Some(s)) => one_time::join(p, &s),
                _ => None,
            };
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
            // Kept, in two shares, until the next read of the list shows it.
            let (pending, share) = one_time::split(created);
            let session = super::session().await?;
            if let Err(e) = session.insert(one_time::SESSION_KEY, pending).await {
                tracing::error!(error = %e, "could not keep the new key for display");
                return Err(MarketError::internal());
            }
            let cookie = http::HeaderValue::from_str(&one_time::set_cookie(
                &share,
                state.settings.credentials.secure_cookies,
            ))
            .map_err(|_| MarketError::internal())?;
            if let Some(o) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                one_time::no_store(&o);
                o.append_header(http::header::SET_COOKIE, cookie);
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
