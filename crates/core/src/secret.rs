//! Randomness and the server's secret key: random identifiers, codes and tokens; keyed hashes of
//! one-time codes; plain hashes of session tokens; argon2id for passwords.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{Error, Result};
use podpis_store::Store;

/// `n` random bytes from the operating system.
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the operating system's random source");
    b
}

/// A random identifier: 128 bits, hex.
pub(crate) fn new_id() -> String {
    hex::encode(random_bytes(16))
}

/// An identifier that sorts in the order of making (on one node): the system time in
/// nanoseconds, then 64 random bits, hex. The outbox lists messages in this order.
pub(crate) fn new_ordered_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!("{nanos:016x}{}", hex::encode(random_bytes(8)))
}

/// A random token: 256 bits, base64url (what a client holds as its session).
pub(crate) fn new_token() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(32))
}

/// A random six-digit code, uniform over 000000–999999.
pub(crate) fn new_code() -> String {
    loop {
        let b = random_bytes(4);
        let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        // Reject the top sliver so that every code is equally likely.
        if v < 4_294_000_000 {
            return format!("{:06}", v % 1_000_000);
        }
    }
}

/// The hash a session token is stored under (SHA-256, hex): tokens are random, so no key or
/// stretching is needed, and a stolen table gives no usable token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The server's secret key, shared by every node through the store.
#[derive(Clone)]
pub(crate) struct ServerKey([u8; 32]);

impl ServerKey {
    /// Reads the key from the store, making it first if this is the first node.
    pub(crate) async fn load(store: &Store) -> Result<Self> {
        let mut tx = store.begin().await?;
        let stored = tx
            .setting_or_insert("server_key", &hex::encode(random_bytes(32)))
            .await?;
        tx.commit().await?;
        let bytes = hex::decode(&stored)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok());
        bytes
            .map(Self)
            .ok_or_else(|| Error::Internal("the stored server key is not 32 bytes of hex".into()))
    }

    /// HMAC-SHA-256 of `purpose` and `data`, hex.
    pub(crate) fn mac(&self, purpose: &str, data: &str) -> String {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("any key length");
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(data.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// Whether `mac` is the MAC of `purpose` and `data`, in constant time.
    pub(crate) fn check_mac(&self, purpose: &str, data: &str, mac: &str) -> bool {
        self.mac(purpose, data)
            .as_bytes()
            .ct_eq(mac.as_bytes())
            .into()
    }

    /// The stored form of a one-time code: keyed by the server key and bound to the code's id,
    /// so a copy of the table does not let anyone try the million codes offline.
    pub(crate) fn code_hash(&self, code_id: &str, code: &str) -> String {
        self.mac("one-time-code", &format!("{code_id}:{code}"))
    }
}

/// The password hasher: argon2id with the parameters of RFC 9106's second recommendation for memory-constrained
/// servers, as OWASP puts it: 19 MiB of memory, 2 passes, 1 lane (≈ 25 ms on one core here). A
/// sign-in costs one such hash; a server that must take more sign-ins per second needs more cores,
/// not weaker hashes.
pub fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most one argon2 computation per core at a time: each needs 19 MiB, and more of them at
/// once than there are cores only evict each other from the caches and share the cores unfairly
/// (measured with scripts/load-portal, 16 connections on 2 cores: p99 of the password step
/// 1.2 s without the queue, 0.6 s with it). The others wait their turn, in order.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
});

/// Runs `f` (an argon2 computation) on a blocking thread when a core is free for it.
async fn with_hashing_turn<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|e| Error::Internal(format!("argon2 queue: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("argon2 task: {e}")))
}

/// Hashes a password (PHC string). Runs on a blocking thread: it takes tens of milliseconds.
pub(crate) async fn hash_password(password: String) -> Result<String> {
    with_hashing_turn(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("argon2: {e}")))
    })
    .await?
}

/// Whether `password` matches the PHC string `hash`. With `None` it checks against a fixed
/// decoy hash, so a login that does not exist costs the same time as one that does.
pub(crate) async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
        argon2()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// An argon2id hash (same parameters) of a random password nobody knows.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9eH8hJ0qN0c9CF1YvZ8Sx0r0xq8m7l1Yt1xK7Zc0pWk";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[tokio::test]
    async fn passwords_verify_and_wrong_ones_do_not() {
        let h = hash_password("Секрет-2026".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("Секрет-2026".into(), Some(h.clone())).await);
        assert!(!verify_password("Секрет-2025".into(), Some(h)).await);
        assert!(!verify_password("Секрет-2026".into(), None).await);
    }

    #[tokio::test]
    async fn the_decoy_costs_what_a_real_check_costs() {
        // The decoy must be a well-formed hash with the same parameters, or an unknown login
        // would answer faster than a known one.
        let parsed = argon2::password_hash::phc::PasswordHash::new(DECOY_HASH).unwrap();
        let real = hash_password("x".into()).await.unwrap();
        let real = argon2::password_hash::phc::PasswordHash::new(&real).unwrap();
        assert_eq!(parsed.params.to_string(), real.params.to_string());
        assert_eq!(parsed.algorithm, real.algorithm);
    }
}
