//! Making deliveries for tests of webhook endpoints: [`sign_test_webhook`] and [`sample_payload`].
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::Mac;
use serde::Serialize;

use super::datetime::{duration_secs, format_rfc3339};
use super::payload::{EventType, Notification, WebhookPayload};
use super::verifier::body_sha256_hex;
use super::{HmacSha256, JsonObject, ISSUER, TEST_TOKEN_LIFETIME};

#[derive(Serialize)]
struct TestClaims<'a> {
    iss: &'a str,
    iat: i64,
    exp: i64,
    jti: String,
    body_sha256: String,
}

/// Signs a webhook delivery exactly as the sandbox emulator does, for tests of your own endpoint.
///
/// Returns `(authorization, body)`: the `X-Prove-Authorization` header value (`Bearer <jwt>`) and
/// the body to send (a copy of `payload_json`). The token is HS256 with header
/// `{"alg":"HS256","typ":"JWT"}` and claims `iss` = `Prove Identity`, `iat` = `now`,
/// `exp` = `now + 300`, a random `jti` and `body_sha256` of the body.
pub fn sign_test_webhook(secret: impl AsRef<[u8]>, payload_json: &[u8], now: SystemTime) -> (String, Vec<u8>) {
    let iat = now.duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(0);
    let claims = TestClaims {
        iss: ISSUER,
        iat,
        exp: iat.saturating_add(duration_secs(TEST_TOKEN_LIFETIME)),
        jti: uuid::Uuid::new_v4().to_string(),
        body_sha256: body_sha256_hex(payload_json),
    };
    let claims_json = serde_json::to_vec(&claims).unwrap_or_default();
    let token = sign_compact(secret.as_ref(), br#"{"alg":"HS256","typ":"JWT"}"#, &claims_json);
    (format!("Bearer {token}"), payload_json.to_vec())
}

/// Builds a compact HS256 JWS from raw header and claims JSON (no validation of either).
fn sign_compact(secret: &[u8], header_json: &[u8], claims_json: &[u8]) -> String {
    let mut token = URL_SAFE_NO_PAD.encode(header_json);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(claims_json));
    // HMAC accepts keys of any length, including empty ones.
    let signature = match HmacSha256::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(token.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

/// A sample webhook body with one notification of `event_type` (fresh random ids, `now` as the
/// event timestamp), shaped like Prove's documented example.
pub fn sample_payload(event_type: &EventType, now: SystemTime) -> Vec<u8> {
    let notification = Notification {
        event_id: uuid::Uuid::new_v4().to_string(),
        event: event_type.description().to_owned(),
        event_type: event_type.clone(),
        event_timestamp: format_rfc3339(now),
        client_customer_id: Some(uuid::Uuid::new_v4().to_string()),
        identity_id: Some(uuid::Uuid::new_v4().to_string()),
        extra: JsonObject::new(),
    };
    serde_json::to_vec(&WebhookPayload::new(vec![notification])).unwrap_or_default()
}
