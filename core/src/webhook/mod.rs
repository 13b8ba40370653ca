//! Verification and parsing of Prove webhook notifications.
//!
//! Prove delivers Identity Manager / Verified Users change events as an HTTPS `POST` whose
//! `X-Prove-Authorization` header carries `Bearer <JWT>`: a short-lived token signed with
//! HMAC-SHA256 (`HS256`) under the shared secret shown in the Prove Portal, issued by
//! `Prove Identity`. The body is JSON: `{"notifications": [ ... ]}`.
//!
//! [`verify`] (or a configured [`WebhookVerifier`]) checks, in this order and before the body is
//! trusted:
//!
//! 1. sizes: the token is at most [`MAX_TOKEN_LEN`] bytes and the body at most [`MAX_BODY_LEN`];
//! 2. the token has exactly three base64url segments and a JSON header;
//! 3. the header's `alg` is exactly `HS256` (`none`, `HS384`, `HS512`, `RS256`, `ES256`, a missing
//!    `alg` and any `crit` header are refused, which closes algorithm-confusion attacks);
//! 4. the HMAC-SHA256 signature matches one of the configured secrets (several secrets allow
//!    rotation), compared in constant time;
//! 5. the claims: `iss` is `Prove Identity`; `exp` is present and not passed (with leeway); `iat`
//!    is present, not in the future (beyond leeway) and not older than the maximum age; `nbf`, when
//!    present, is reached;
//! 6. `body_sha256` (lowercase hex SHA-256 of the exact raw body), when present, matches the body;
//!    [`WebhookVerifierBuilder::require_body_hash`] makes the claim mandatory. Prove does not
//!    document a body-binding claim, so it is optional by default;
//! 7. the body parses into a [`WebhookPayload`];
//! 8. with [`WebhookVerifierBuilder::reject_replays`], the token has a `jti` that this verifier
//!    (or another one sharing its [`ReplayGuard`]) has not accepted before; the id is remembered
//!    until the token expires.
//!
//! # What is bound, and what is not
//!
//! A verified delivery was signed with one of your secrets (so it comes from Prove, or from whoever
//! else holds the secret), by `Prove Identity`, within its time window. Beyond that:
//!
//! - **the body** is bound to the token only by `body_sha256`. Without that claim the signature
//!   covers the token alone, and anyone who captures one delivery can attach any other body to its
//!   token while it is valid. Prove does not document the claim; the sandbox emulator and
//!   [`sign_test_webhook`] always send it. Turn on [`require_body_hash`] once you have seen that
//!   your deliveries carry it;
//! - **replays**: without [`reject_replays`] the same token (with its body) verifies again and
//!   again until it expires. The guard needs a `jti` in every token (the sandbox sends one; Prove
//!   does not document it) and must outlive one delivery: keep one verifier for the process.
//!   Prove signs every delivery attempt anew, so a retried delivery is not a replay; deduplicate
//!   notifications by `eventId` where handling one twice matters.
//!
//! Enable both where your deliveries carry the claims.
//!
//! [`require_body_hash`]: WebhookVerifierBuilder::require_body_hash
//! [`reject_replays`]: WebhookVerifierBuilder::reject_replays
//!
//! Errors are [`ErrorKind::Webhook`] and say what failed; they never contain the token, the
//! secret or the body.
//!
//! For tests of your own webhook endpoint, [`sign_test_webhook`] and [`sample_payload`] produce
//! deliveries exactly like the ones the sandbox emulator sends.
use std::time::Duration;

use hmac::Hmac;
use sha2::Sha256;

use crate::error::{Error, ErrorKind};

// The code is split by concern: `payload` holds the body types, `verifier` the token checks and
// the configurable verifier, `replay` the memory of accepted token ids, `signing` the helpers
// that make test deliveries, and `datetime` the Unix-seconds and RFC 3339 conversions they share.
mod datetime;
mod payload;
mod replay;
mod signing;
mod verifier;

pub use datetime::{format_rfc3339, parse_rfc3339};
pub use payload::{EventType, Notification, WebhookPayload};
pub use replay::ReplayGuard;
pub use signing::{sample_payload, sign_test_webhook};
pub use verifier::{body_sha256_hex, verify, VerifiedWebhook, WebhookVerifier, WebhookVerifierBuilder};

type HmacSha256 = Hmac<Sha256>;

/// A JSON object kept as sent (fields this SDK does not model).
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Name of the HTTP header carrying the webhook token.
pub const AUTHORIZATION_HEADER: &str = "X-Prove-Authorization";
/// Name of the HTTP header Prove uses to track delivery attempts.
pub const CORRELATION_HEADER: &str = "X-Correlation-ID";
/// The only accepted `iss` claim.
pub const ISSUER: &str = "Prove Identity";
/// The only accepted signing algorithm.
pub const ALGORITHM: &str = "HS256";
/// Largest accepted token (the header value, `Bearer ` prefix included), in bytes.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;
/// Largest accepted raw body, in bytes.
pub const MAX_BODY_LEN: usize = 1024 * 1024;
/// Default tolerance for clock differences when checking `exp`, `iat` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// Default maximum age of a token, measured from its `iat`.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// Lifetime (`exp - iat`) of tokens made by [`sign_test_webhook`] and by the sandbox emulator.
pub const TEST_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

fn webhook_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Webhook, message)
}
