//! One-time-use auth tokens handed to the (simulated) client SDK: HS256 JWTs signed with a
//! per-instance key. Claims: `iss`, `sub` (the correlation id), `iat`, `exp` (15 minutes), `jti`.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Issuer written into every auth token.
pub const ISSUER: &str = "prove-sandbox";

/// Signs and checks auth tokens with one secret key.
pub struct TokenSigner {
    key: [u8; 32],
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner { key: <redacted> }")
    }
}

/// The checked claims of an auth token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub jti: String,
    pub exp: u64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    BadSignature,
    Expired,
}

impl TokenSigner {
    /// A signer with a fresh random key.
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut key[..]);
        TokenSigner { key }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        <HmacSha256 as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
    }

    /// Issues a token for `sub`, valid for `ttl_ms` from `now_ms`.
    pub fn issue(&self, sub: &str, jti: &str, now_ms: u64, ttl_ms: u64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = json!({
            "iss": ISSUER,
            "sub": sub,
            "iat": now_ms / 1000,
            "exp": now_ms.saturating_add(ttl_ms) / 1000,
            "jti": jti,
        });
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{sig}")
    }

    /// Checks signature and expiry (on the sandbox clock) and returns the claims.
    pub fn check(&self, token: &str, now_ms: u64) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        let header: Value = URL_SAFE_NO_PAD
            .decode(h)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or(TokenError::Malformed)?;
        if header.get("alg").and_then(Value::as_str) != Some("HS256") {
            return Err(TokenError::Malformed);
        }
        let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac();
        mac.update(h.as_bytes());
        mac.update(b".");
        mac.update(p.as_bytes());
        mac.verify_slice(&sig).map_err(|_| TokenError::BadSignature)?;
        let claims: Value = URL_SAFE_NO_PAD
            .decode(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or(TokenError::Malformed)?;
        let sub = claims.get("sub").and_then(Value::as_str).ok_or(TokenError::Malformed)?;
        let jti = claims.get("jti").and_then(Value::as_str).ok_or(TokenError::Malformed)?;
        let exp = claims.get("exp").and_then(Value::as_u64).ok_or(TokenError::Malformed)?;
        if now_ms / 1000 >= exp {
            return Err(TokenError::Expired);
        }
        Ok(Claims { sub: sub.to_string(), jti: jti.to_string(), exp })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let s = TokenSigner::random();
        let t = s.issue("abc", "j1", 1_000_000, 900_000);
        let c = s.check(&t, 1_000_000).expect("valid");
        assert_eq!(c.sub, "abc");
        assert_eq!(s.check(&t, 1_000_000 + 900_000), Err(TokenError::Expired));
        let other = TokenSigner::random();
        assert_eq!(other.check(&t, 1_000_000), Err(TokenError::BadSignature));
        assert_eq!(s.check("a.b", 0), Err(TokenError::Malformed));
    }
}
