//! Credentials: generation, hashing at rest, password verification.

use crate::error::{MarketError, MarketResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

/// Length of the random part of API keys, tokens and client secrets.
const SECRET_LEN: usize = 40;

/// `sk-` + 40 alphanumerics (about 238 bits).
pub fn new_api_key() -> String {
    format!("sk-{}", random_alnum(SECRET_LEN))
}

pub fn random_alnum(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

/// SHA-256 of a high-entropy secret: what is stored and looked up.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The part of a key that may be shown again (`sk-AbCd1234`).
pub fn key_prefix(key: &str) -> String {
    key.chars().take(11).collect()
}

pub fn hash_password(password: &str) -> MarketResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            MarketError::internal()
        })
}

/// Constant-time verification against a stored argon2 hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2 hashes and checks at once, whatever the number of requests: each
/// holds about 19 MiB (the crate's default parameters, m = 19456 KiB) on a
/// blocking thread, so a flood of log-ins or sign-ups queues here instead
/// of taking gigabytes. Twice the cores keeps every core busy.
pub fn argon2_permits() -> usize {
    std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(2)
        .saturating_mul(2)
}

fn argon2_gate() -> &'static tokio::sync::Semaphore {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    GATE.get_or_init(|| tokio::sync::Semaphore::new(argon2_permits()))
}

/// Runs one argon2 computation on the blocking pool, at most
/// [`argon2_permits`] at a time.
pub async fn argon2_bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> MarketResult<T> {
    let _permit = argon2_gate().acquire().await.map_err(|e| {
        tracing::error!(error = %e, "argon2 gate closed");
        MarketError::internal()
    })?;
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "password task failed");
        MarketError::internal()
    })
}

/// A valid hash of nothing anyone knows, verified when the e-mail is unknown
/// so that both failures take the same time.
pub fn dummy_password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_alnum(24)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_have_the_documented_shape() {
        let k = new_api_key();
        assert!(k.starts_with("sk-"));
        assert_eq!(k.len(), 3 + SECRET_LEN);
        assert!(k[3..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(new_api_key(), k);
        assert_eq!(hash_secret(&k).len(), 32);
        assert_eq!(key_prefix(&k).len(), 11);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn argon2_work_never_exceeds_its_permits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let (now, peak) = (now.clone(), peak.clone());
                tokio::spawn(argon2_bounded(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    now.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.expect("task").expect("permit");
        }
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak >= 1 && peak <= argon2_permits(), "peak {peak}");
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
