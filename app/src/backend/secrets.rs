//! Credentials: generation, hashing at rest, password verification.

use crate::error::{MarketError, MarketResult};
use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// Argon2id with the crate's default parameters (m = 19 MiB, t = 2, p = 1),
/// in the PHC string format `argon2`'s own `PasswordHasher` writes.
pub fn hash_password(password: &str) -> MarketResult<String> {
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "password hashing failed");
        MarketError::internal()
    };
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| failed(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(
        Algorithm::Argon2id,
        Version::V0x13,
        &params,
        password.as_bytes(),
        raw_salt,
        &mut out,
    )
    .map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

/// Constant-time verification against a stored argon2 hash, with whatever
/// parameters it was made.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let check = || -> Option<bool> {
        let phc = PasswordHash::new(stored).ok()?;
        let expected = phc.hash?;
        let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
        let version = match phc.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&phc).ok()?;
        let mut salt_bytes = [0u8; 64];
        let salt = phc.salt?.decode_b64(&mut salt_bytes).ok()?;
        let mut out = vec![0u8; expected.len()];
        argon2_into(
            algorithm,
            version,
            &params,
            password.as_bytes(),
            salt,
            &mut out,
        )
        .ok()?;
        // `Output`'s equality is constant-time.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// One argon2 computation in reused working memory. Left to the allocator,
/// each run's 19 MiB is freed into whichever arena its thread used and is
/// rarely given back (glibc raises its mmap threshold after the first
/// free), so a login flood grew the process by ~19 MiB per check however
/// few ran at once; measured: 700 MiB after 40 checks. Buffers are kept for
/// at most [`argon2_permits`] computations, so argon2 memory is that many
/// times 19 MiB, whatever the allocator does.
fn argon2_into(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    static SPARE: std::sync::Mutex<Vec<Vec<Block>>> = std::sync::Mutex::new(Vec::new());
    let blocks = params.block_count();
    let reusable = blocks <= Params::DEFAULT.block_count();
    let spare = reusable
        .then(|| SPARE.lock().unwrap_or_else(|p| p.into_inner()).pop())
        .flatten();
    let mut memory =
        spare.unwrap_or_else(|| vec![Block::default(); blocks.max(Params::DEFAULT.block_count())]);
    let result = Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
        password,
        salt,
        out,
        &mut memory[..blocks],
    );
    if reusable {
        let mut spare = SPARE.lock().unwrap_or_else(|p| p.into_inner());
        if spare.len() < argon2_permits() {
            spare.push(memory);
        }
    }
    result
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
    fn hashes_agree_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("correct horse battery").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("PHC string");
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"stored before", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_password("stored before", &theirs));
        assert!(!verify_password("stored after", &theirs));
        // Other parameters than ours (a cheaper hash) still verify.
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).expect("params"),
        )
        .hash_password(b"cheap", &salt)
        .expect("hash")
        .to_string();
        assert!(verify_password("cheap", &cheap));
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
