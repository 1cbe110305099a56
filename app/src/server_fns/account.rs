//! Sign-up, log-in, log-out and the current user, for the pages.

use crate::error::MarketError;
use crate::model::account::Me;
use leptos::prelude::*;

/// Where to go after logging in: only paths on this site. Browsers drop
/// tabs and newlines from a `Location` and read a backslash as `/`, so any of
/// those could turn `/\t/evil.example` into `//evil.example`: refused.
#[cfg(feature = "ssr")]
fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n
        }
        _ => "/account".to_owned(),
    }
}

#[server(prefix = "/sfn", endpoint = "account/signup")]
pub async fn signup(
    tenant_name: String,
    email: String,
    password: crate::model::account::Secret,
) -> Result<(), MarketError> {
    use crate::backend::{services::accounts, session, state::AppState};
    use crate::model::account::SignupRequest;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            super::writable(&state).await?;
            let req = SignupRequest {
                tenant_name,
                email,
                password: password.0,
            };
            let reply = accounts::signup(&state, &req).await?;
            session::start(&super::session().await?, reply.user_id).await?;
            leptos_axum::redirect("/account");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "account/login")]
pub async fn login(
    email: String,
    password: crate::model::account::Secret,
    next: Option<String>,
) -> Result<(), MarketError> {
    use crate::backend::{services::accounts, session, state::AppState};
    use crate::model::account::LoginRequest;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let client = crate::backend::client_ip::ClientIp::from_context();
            let reply = accounts::login(
                &state,
                &LoginRequest {
                    email,
                    password: password.0,
                },
                &client,
            )
            .await?;
            session::start(&super::session().await?, reply.user_id).await?;
            leptos_axum::redirect(&safe_next(next));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "account/logout")]
pub async fn logout() -> Result<(), MarketError> {
    super::with_status(
        async {
            crate::backend::session::end(&super::session().await?).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "account/me")]
pub async fn current_user() -> Result<Option<Me>, MarketError> {
    use crate::backend::{services::accounts, state::AppState};
    super::with_status(
        async {
            let state = AppState::from_context()?;
            Ok(super::maybe_principal(&state)
                .await?
                .map(|p| accounts::me(&p)))
        }
        .await,
    )
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/skills/1?x=2".into())), "/skills/1?x=2");
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "/\u{7f}/evil.example",
        ] {
            assert_eq!(safe_next(Some(evil.into())), "/account", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/account");
    }
}
