//! Sign-up, log-in and the identity of the caller.

use crate::backend::auth::Principal;
use crate::backend::client_ip::ClientIp;
use crate::backend::services::login_budget;
use crate::backend::{db, secrets, state::AppState};
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::{
    AuthReply, Email, LoginRequest, Me, Password, Plan, Role, SignupRequest,
};
use crate::model::bounds::ShortName;
use uuid::Uuid;

/// Creates a tenant and its owner. Anyone may sign up.
pub async fn signup(state: &AppState, req: &SignupRequest) -> MarketResult<AuthReply> {
    let tenant_name = ShortName::parse("tenant_name", &req.tenant_name)?.into_string();
    let email = Email::parse(&req.email)?;
    let password = Password::parse(&req.password)?;
    let hash = hash_password_blocking(password).await?;

    let mut tx = state.pool.begin().await?;
    let tenant_id = Uuid::now_v7();
    let slug = unique_slug(&mut tx, &tenant_name).await?;
    db::identity::insert_tenant(&mut *tx, tenant_id, &tenant_name, &slug, Plan::Free).await?;
    let user_id = Uuid::now_v7();
    db::identity::insert_user(
        &mut *tx,
        user_id,
        tenant_id,
        email.as_str(),
        &hash,
        Role::Owner,
    )
    .await
    .map_err(|e| duplicate_email(e, &email))?;
    tx.commit().await?;
    Ok(AuthReply {
        user_id,
        tenant_id,
        role: Role::Owner,
    })
}

/// Checks a password; both unknown e-mail and wrong password are the same
/// `401 INVALID_CREDENTIALS`, in the same time. Failures count against the
/// account and the caller's address ([`login_budget`]).
pub async fn login(
    state: &AppState,
    req: &LoginRequest,
    client: &ClientIp,
) -> MarketResult<AuthReply> {
    let invalid = || MarketError::new(ErrorCode::InvalidCredentials, "Invalid e-mail or password");
    let attempt = login_budget::begin(state, &req.email, client).await?;
    let user = match Email::parse(&req.email) {
        Ok(email) => db::identity::user_by_email(&state.pool, email.as_str()).await?,
        Err(_) => None,
    };
    let stored = user.as_ref().map_or_else(
        || secrets::dummy_password_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let password = req.password.clone();
    let ok = secrets::argon2_bounded(move || secrets::verify_password(&password, &stored)).await?;
    match user {
        Some(u) if ok => {
            attempt.succeeded(state).await?;
            Ok(AuthReply {
                user_id: u.id,
                tenant_id: u.tenant_id,
                role: u.role,
            })
        }
        _ => Err(invalid()),
    }
}

pub fn me(principal: &Principal) -> Me {
    Me {
        user_id: principal.user_id,
        tenant_id: principal.tenant_id,
        email: principal.email.clone(),
        role: principal.role,
        permissions: principal
            .permissions()
            .into_iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        auth: serde_json::to_value(principal.credential)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
    }
}

pub async fn hash_password_blocking(password: Password) -> MarketResult<String> {
    secrets::argon2_bounded(move || secrets::hash_password(password.expose())).await?
}

pub fn duplicate_email(e: sqlx::Error, email: &Email) -> MarketError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return MarketError::new(
                ErrorCode::DuplicateEntry,
                "An account with this e-mail already exists.",
            )
            // No existing id: an account is not the caller's to address.
            .with_details(serde_json::json!({
                "field": "email",
                "value": email.as_str(),
                "suggestion": "Log in with this e-mail or sign up with another one",
            }));
        }
    }
    e.into()
}

/// `Acme Corp` → `acme-corp`, with a numeric suffix when taken.
pub async fn unique_slug(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    name: &str,
) -> MarketResult<String> {
    let base = slugify(name);
    let mut candidate = base.clone();
    for n in 2..1000 {
        if !db::identity::slug_taken(&mut **tx, &candidate).await? {
            return Ok(candidate);
        }
        candidate = format!("{base}-{n}");
    }
    Ok(format!("{base}-{}", Uuid::now_v7().simple()))
}

pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_end_matches('-').chars().take(60).collect();
    if trimmed.is_empty() {
        "tenant".to_owned()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Acme Corp."), "acme-corp");
        assert_eq!(slugify("  Zürich & Co  "), "z-rich-co");
        assert_eq!(slugify("!!!"), "tenant");
    }
}
