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

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
