//! OAuth client-credentials tokens. Tokens are self-contained and authenticated with an
//! HMAC key that only this instance knows, so checking one needs no lock and no storage:
//! `base64url(version | kind | epoch | expiry | nonce | client_id || HMAC-SHA256)`.
//! Revocation bumps the epoch, which invalidates every token issued before.
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const VERSION: u8 = 1;
const KIND_ACCESS: u8 = b'a';
const KIND_REFRESH: u8 = b'r';
const HEADER_LEN: usize = 1 + 1 + 4 + 8 + 16;
const TAG_LEN: usize = 32;

/// Why a bearer token was refused. The message never contains the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// No `Authorization: Bearer` header.
    Missing,
    /// Not a token this instance issued (or not an access token).
    Invalid,
    /// Past its expiry on the sandbox clock.
    Expired,
    /// Issued before the last revocation.
    Revoked,
}

impl TokenError {
    /// The text of the 401 body.
    pub fn message(self) -> &'static str {
        match self {
            TokenError::Missing => "not authorized: missing bearer token",
            TokenError::Invalid => "not authorized: invalid bearer token",
            TokenError::Expired => "not authorized: token expired",
            TokenError::Revoked => "not authorized: token revoked",
        }
    }
}

/// A freshly issued token pair.
pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    /// The lifetime in whole seconds, rounded up: a positive lifetime is never reported as 0.
    pub expires_in: u64,
}

/// Issues and checks tokens.
pub(crate) struct TokenAuthority {
    key: [u8; 32],
    epoch: AtomicU32,
    lifetime_ms: AtomicU64,
}

impl std::fmt::Debug for TokenAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAuthority")
            .field("epoch", &self.epoch.load(Ordering::Relaxed))
            .field("lifetime_ms", &self.lifetime_ms.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TokenAuthority {
    /// A new authority with a random key and the given token lifetime.
    pub fn new(lifetime: Duration) -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        TokenAuthority { key, epoch: AtomicU32::new(0), lifetime_ms: AtomicU64::new(duration_ms(lifetime)) }
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_lifetime(&self, d: Duration) {
        self.lifetime_ms.store(duration_ms(d), Ordering::Relaxed);
    }

    /// Current token lifetime.
    pub fn lifetime(&self) -> Duration {
        Duration::from_millis(self.lifetime_ms.load(Ordering::Relaxed))
    }

    /// Current token lifetime in whole seconds, rounded up (as `expires_in` reports it).
    pub fn lifetime_secs(&self) -> u64 {
        self.lifetime_ms.load(Ordering::Relaxed).div_ceil(1000)
    }

    /// Invalidate every token issued so far.
    pub fn revoke_all(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Issue an access token and a refresh token for `client_id`, valid from `now_ms`.
    pub fn issue(&self, client_id: &str, now_ms: u64) -> Issued {
        let lifetime_ms = self.lifetime_ms.load(Ordering::Relaxed);
        let exp = now_ms.saturating_add(lifetime_ms);
        Issued {
            access_token: self.mint(KIND_ACCESS, exp, client_id),
            refresh_token: self.mint(KIND_REFRESH, exp, client_id),
            expires_in: lifetime_ms.div_ceil(1000),
        }
    }

    fn mint(&self, kind: u8, exp_ms: u64, client_id: &str) -> String {
        let mut buf = Vec::with_capacity(HEADER_LEN + client_id.len() + TAG_LEN);
        buf.push(VERSION);
        buf.push(kind);
        buf.extend_from_slice(&self.epoch.load(Ordering::SeqCst).to_be_bytes());
        buf.extend_from_slice(&exp_ms.to_be_bytes());
        let mut nonce = [0u8; 16];
        rand::rng().fill_bytes(&mut nonce);
        buf.extend_from_slice(&nonce);
        buf.extend_from_slice(client_id.as_bytes());
        let tag = self.mac(&buf).finalize().into_bytes();
        buf.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(buf)
    }

    fn mac(&self, data: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(data);
        mac
    }

    /// Check an `Authorization` header value; on success returns the token's client id.
    pub fn check(&self, authorization: Option<&[u8]>, now_ms: u64) -> Result<String, TokenError> {
        let header = authorization.ok_or(TokenError::Missing)?;
        let header = std::str::from_utf8(header).map_err(|_| TokenError::Invalid)?.trim();
        let (scheme, token) = header.split_once(' ').ok_or(TokenError::Invalid)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Missing);
        }
        let raw = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| TokenError::Invalid)?;
        if raw.len() < HEADER_LEN + TAG_LEN {
            return Err(TokenError::Invalid);
        }
        let (data, tag) = raw.split_at(raw.len() - TAG_LEN);
        self.mac(data).verify_slice(tag).map_err(|_| TokenError::Invalid)?;
        if data[0] != VERSION || data[1] != KIND_ACCESS {
            return Err(TokenError::Invalid);
        }
        let epoch = u32::from_be_bytes([data[2], data[3], data[4], data[5]]);
        let mut exp = [0u8; 8];
        exp.copy_from_slice(&data[6..14]);
        let exp_ms = u64::from_be_bytes(exp);
        if epoch != self.epoch.load(Ordering::SeqCst) {
            return Err(TokenError::Revoked);
        }
        if now_ms >= exp_ms {
            return Err(TokenError::Expired);
        }
        String::from_utf8(data[HEADER_LEN..].to_vec()).map_err(|_| TokenError::Invalid)
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Compare two secrets in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(t: &str) -> Vec<u8> {
        format!("Bearer {t}").into_bytes()
    }

    #[test]
    fn issues_and_checks() {
        let a = TokenAuthority::new(Duration::from_secs(60));
        let t = a.issue("cid", 1_000);
        assert_eq!(t.expires_in, 60);
        assert_eq!(a.check(Some(&bearer(&t.access_token)), 2_000).as_deref(), Ok("cid"));
        assert_eq!(a.check(Some(&bearer(&t.access_token)), 61_000), Err(TokenError::Expired));
        assert_eq!(a.check(Some(&bearer(&t.refresh_token)), 2_000), Err(TokenError::Invalid));
        assert_eq!(a.check(None, 2_000), Err(TokenError::Missing));
        assert_eq!(a.check(Some(b"Bearer nope"), 2_000), Err(TokenError::Invalid));
        let other = TokenAuthority::new(Duration::from_secs(60)).issue("cid", 1_000);
        assert_eq!(a.check(Some(&bearer(&other.access_token)), 2_000), Err(TokenError::Invalid));
        a.revoke_all();
        assert_eq!(a.check(Some(&bearer(&t.access_token)), 2_000), Err(TokenError::Revoked));
        let fresh = a.issue("cid", 1_000);
        assert!(a.check(Some(&bearer(&fresh.access_token)), 2_000).is_ok());
    }

    #[test]
    fn expires_in_rounds_up() {
        let a = TokenAuthority::new(Duration::from_millis(500));
        assert_eq!(a.issue("cid", 0).expires_in, 1);
        assert_eq!(a.lifetime_secs(), 1);
        a.set_lifetime(Duration::from_millis(60_001));
        assert_eq!(a.issue("cid", 0).expires_in, 61);
        a.set_lifetime(Duration::ZERO);
        assert_eq!(a.issue("cid", 0).expires_in, 0);
        a.set_lifetime(Duration::MAX);
        assert!(a.issue("cid", u64::MAX - 1).expires_in > 0, "no overflow");
    }

    #[test]
    fn compares_in_constant_time() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
