//! Anti-automation for log-ins (OWASP ASVS 4 V2.2.1): at most
//! `per_account` failed attempts per account and `per_ip` per address in
//! a sliding window, then `429` with `Retry-After` until the oldest one
//! leaves the window. Refused attempts are not recorded, so someone else's
//! guessing locks the owner out for at most one window after it stops.

use crate::backend::client_ip::ClientIp;
use crate::backend::db::login_attempts as db;
use crate::backend::state::AppState;
use crate::error::{MarketError, MarketResult};
use chrono::{DateTime, Utc};

/// An admitted attempt; it counts as failed unless [`Attempt::succeeded`].
pub struct Attempt {
    id: i64,
}

/// The account an attempt names: e-mail addresses compare without case or
/// surrounding space, and an absurd one is cut rather than stored whole.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase().chars().take(320).collect()
}

pub async fn begin(state: &AppState, email: &str, ip: &ClientIp) -> MarketResult<Attempt> {
    let limits = &state.settings.login;
    let window = chrono::Duration::from_std(limits.window).unwrap_or(chrono::Duration::minutes(15));
    let now = Utc::now();
    let (per_account, per_ip) = (i64::from(limits.per_account), i64::from(limits.per_ip));
    let (counts, id) = db::begin(&state.pool, &account_key(email), &ip.0, now - window, |c| {
        c.account < per_account && c.ip < per_ip
    })
    .await?;
    match id {
        Some(id) => Ok(Attempt { id }),
        None => {
            let free_at = |oldest: Option<DateTime<Utc>>| oldest.map(|o| o + window);
            let until = [
                (counts.account >= per_account).then(|| free_at(counts.account_oldest)),
                (counts.ip >= per_ip).then(|| free_at(counts.ip_oldest)),
            ]
            .into_iter()
            .flatten()
            .flatten()
            .max()
            .unwrap_or(now + window);
            let secs = u64::try_from((until - now).num_seconds()).unwrap_or(1);
            metrics::counter!("login_lockouts_total").increment(1);
            tracing::warn!(ip = %ip.0, "log-in refused: failure budget spent");
            Err(MarketError::rate_limited(secs)
                .with_message("Too many failed log-ins. Please try again later."))
        }
    }
}

impl Attempt {
    pub async fn succeeded(self, state: &AppState) -> MarketResult<()> {
        Ok(db::forget(&state.pool, self.id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::account_key;

    #[test]
    fn accounts_compare_as_addresses_do() {
        assert_eq!(account_key("  Ann@Acme.Test "), "ann@acme.test");
        assert_eq!(account_key(&"a".repeat(1000)).len(), 320);
    }
}
