//! Token parsing and checking: [`verify`], the configurable [`WebhookVerifier`] with its builder
//! and policy, and the `body_sha256` digest.
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::Mac;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::datetime::{duration_secs, from_unix, unix_seconds};
use super::payload::WebhookPayload;
use super::replay::ReplayGuard;
use super::{
    webhook_error, HmacSha256, JsonObject, ALGORITHM, DEFAULT_LEEWAY, DEFAULT_MAX_AGE, ISSUER, MAX_BODY_LEN,
    MAX_TOKEN_LEN,
};
use crate::error::Result;

/// Verifies a webhook delivery with the default policy and parses its body.
///
/// `authorization` is the value of the `X-Prove-Authorization` header (`Bearer <jwt>`) or the bare
/// JWT; `raw_body` the exact bytes received (before any JSON parsing); `secrets` the shared secrets
/// currently valid (tried in turn, for rotation); `now` the current time.
///
/// Use [`WebhookVerifier`] to change the leeway, the maximum age, to require `body_sha256` or to
/// refuse replayed tokens.
pub fn verify<S: AsRef<[u8]>>(
    authorization: &str,
    raw_body: &[u8],
    secrets: &[S],
    now: SystemTime,
) -> Result<WebhookPayload> {
    let policy = Policy::default();
    let keys: Vec<&[u8]> = secrets.iter().map(AsRef::as_ref).collect();
    verify_inner(&policy, None, &keys, authorization, raw_body, now).map(|v| v.payload)
}

/// A successfully verified delivery: the parsed body plus the token's identifying claims.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct VerifiedWebhook {
    /// The parsed body.
    pub payload: WebhookPayload,
    /// The token's `jti` claim, when present (always present when the verifier rejects replays).
    pub token_id: Option<String>,
    /// The token's `iat` claim.
    pub issued_at: SystemTime,
    /// The token's `exp` claim.
    pub expires_at: SystemTime,
    /// Index, in the configured list, of the secret whose signature matched.
    pub secret_index: usize,
}

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

#[derive(Clone, Copy, Debug)]
struct Policy {
    leeway: Duration,
    max_age: Duration,
    require_body_hash: bool,
}

/// `Debug` of a verifier or its builder: how many secrets (never their bytes) and the policy.
fn debug_verifier(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    secrets: usize,
    policy: &Policy,
    replay: Option<&ReplayGuard>,
) -> fmt::Result {
    f.debug_struct(name)
        .field("secrets", &format_args!("<{secrets} redacted>"))
        .field("leeway", &policy.leeway)
        .field("max_age", &policy.max_age)
        .field("require_body_hash", &policy.require_body_hash)
        .field("replay_guard", &replay)
        .finish()
}

impl Default for Policy {
    fn default() -> Self {
        Policy { leeway: DEFAULT_LEEWAY, max_age: DEFAULT_MAX_AGE, require_body_hash: false }
    }
}

/// A configured webhook verifier: secrets (several for rotation), leeway, maximum token age,
/// whether `body_sha256` is mandatory, whether replayed tokens are refused, and the clock.
///
/// Cheap to clone and safe to share between threads; clones share one [`ReplayGuard`]. Secrets
/// are wiped from memory on drop and never shown by `Debug`.
///
/// What a successful verification proves: the token was signed with one of the secrets, is
/// HS256, names `Prove Identity` as issuer and is within its time window. The body is bound to the
/// token only through the `body_sha256` claim, so only when that claim is present or
/// [required](WebhookVerifierBuilder::require_body_hash); a token is accepted once only with
/// [`reject_replays`](WebhookVerifierBuilder::reject_replays). Enable both where your deliveries
/// carry the claims.
///
/// ```
/// use prove_core::webhook::{sample_payload, sign_test_webhook, EventType, WebhookVerifier};
/// use std::time::SystemTime;
///
/// let verifier = WebhookVerifier::builder().secret("whsec_example").build()?;
/// let body = sample_payload(&EventType::Port, SystemTime::now());
/// let (header, body) = sign_test_webhook("whsec_example", &body, SystemTime::now());
/// let payload = verifier.verify(&header, &body)?;
/// assert_eq!(payload.notifications[0].event_type, EventType::Port);
/// # Ok::<(), prove_core::Error>(())
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    secrets: Arc<Vec<Zeroizing<Vec<u8>>>>,
    policy: Policy,
    replay: Option<ReplayGuard>,
    clock: Clock,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_verifier(f, "WebhookVerifier", self.secrets.len(), &self.policy, self.replay.as_ref())
    }
}

impl WebhookVerifier {
    /// A verifier with one secret and the default policy.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self> {
        WebhookVerifier::builder().secret(secret).build()
    }

    /// Starts configuring a verifier.
    pub fn builder() -> WebhookVerifierBuilder {
        WebhookVerifierBuilder::default()
    }

    /// Verifies a delivery at the verifier's clock time and parses its body.
    pub fn verify(&self, authorization: &str, raw_body: &[u8]) -> Result<WebhookPayload> {
        self.verify_at(authorization, raw_body, (self.clock)())
    }

    /// Verifies a delivery at the given time and parses its body.
    pub fn verify_at(&self, authorization: &str, raw_body: &[u8], now: SystemTime) -> Result<WebhookPayload> {
        self.verify_detailed_at(authorization, raw_body, now).map(|v| v.payload)
    }

    /// Like [`WebhookVerifier::verify`], also returning the token's identifying claims.
    pub fn verify_detailed(&self, authorization: &str, raw_body: &[u8]) -> Result<VerifiedWebhook> {
        self.verify_detailed_at(authorization, raw_body, (self.clock)())
    }

    /// Like [`WebhookVerifier::verify_at`], also returning the token's identifying claims.
    pub fn verify_detailed_at(&self, authorization: &str, raw_body: &[u8], now: SystemTime) -> Result<VerifiedWebhook> {
        let keys: Vec<&[u8]> = self.secrets.iter().map(|s| s.as_slice()).collect();
        verify_inner(&self.policy, self.replay.as_ref(), &keys, authorization, raw_body, now)
    }

    /// The replay guard, when this verifier refuses replayed tokens. Hand it to
    /// [`WebhookVerifierBuilder::replay_guard`] of a verifier built for new secrets so that the
    /// tokens accepted so far stay refused.
    pub fn replay_guard(&self) -> Option<&ReplayGuard> {
        self.replay.as_ref()
    }
}

/// Builder of [`WebhookVerifier`].
#[derive(Default)]
pub struct WebhookVerifierBuilder {
    secrets: Vec<Zeroizing<Vec<u8>>>,
    policy: Policy,
    replay: Option<ReplayGuard>,
    clock: Option<Clock>,
}

impl fmt::Debug for WebhookVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_verifier(f, "WebhookVerifierBuilder", self.secrets.len(), &self.policy, self.replay.as_ref())
    }
}

impl WebhookVerifierBuilder {
    /// Adds a shared secret (its bytes, e.g. the UTF-8 text from the Portal). Secrets are tried in
    /// the order added; add the new one next to the old one while rotating.
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secrets.push(Zeroizing::new(secret.as_ref().to_vec()));
        self
    }

    /// Adds several shared secrets, in order.
    pub fn secrets<I, S>(mut self, secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.secrets.extend(secrets.into_iter().map(|s| Zeroizing::new(s.as_ref().to_vec())));
        self
    }

    /// Tolerance for clock differences on `exp`, `iat` and `nbf` (default 60 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.policy.leeway = leeway;
        self
    }

    /// Maximum age of a token, measured from its `iat` (default 10 minutes).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.policy.max_age = max_age;
        self
    }

    /// Whether the `body_sha256` claim must be present (default `false`). When present it is
    /// always checked.
    pub fn require_body_hash(mut self, required: bool) -> Self {
        self.policy.require_body_hash = required;
        self
    }

    /// Whether a token is accepted once only (default `false`). When on, the verifier (and its
    /// clones) remembers the `jti` of every accepted token until that token expires, refuses a
    /// token it has seen, and refuses tokens without a `jti`. Uses a new [`ReplayGuard`] with the
    /// default capacity unless [`replay_guard`](Self::replay_guard) gave one.
    pub fn reject_replays(mut self, on: bool) -> Self {
        self.replay = if on { self.replay.or_else(|| Some(ReplayGuard::new())) } else { None };
        self
    }

    /// Refuses replayed tokens using `guard`, which may be shared with other verifiers (e.g. the
    /// one being replaced during a secret rotation) or have another capacity.
    pub fn replay_guard(mut self, guard: ReplayGuard) -> Self {
        self.replay = Some(guard);
        self
    }

    /// The clock used by [`WebhookVerifier::verify`] (default [`SystemTime::now`]).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Builds the verifier. Fails when no secret was given or a secret is empty.
    pub fn build(self) -> Result<WebhookVerifier> {
        if self.secrets.is_empty() {
            return Err(webhook_error("webhook verifier needs at least one secret"));
        }
        if self.secrets.iter().any(|s| s.is_empty()) {
            return Err(webhook_error("webhook secret must not be empty"));
        }
        Ok(WebhookVerifier {
            secrets: Arc::new(self.secrets),
            policy: self.policy,
            replay: self.replay,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
        })
    }
}

fn verify_inner(
    policy: &Policy,
    replay: Option<&ReplayGuard>,
    secrets: &[&[u8]],
    authorization: &str,
    raw_body: &[u8],
    now: SystemTime,
) -> Result<VerifiedWebhook> {
    if authorization.len() > MAX_TOKEN_LEN {
        return Err(webhook_error(format!("webhook token larger than {MAX_TOKEN_LEN} bytes")));
    }
    if raw_body.len() > MAX_BODY_LEN {
        return Err(webhook_error(format!("webhook body larger than {MAX_BODY_LEN} bytes")));
    }
    let usable: Vec<&[u8]> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    if usable.is_empty() {
        return Err(webhook_error("no webhook secret configured"));
    }
    let token = strip_bearer(authorization)?;

    // Structure: exactly three segments, none of them empty.
    let mut parts = token.split('.');
    let (header_b64, claims_b64, sig_b64) = match (parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(c), Some(s)) if parts.next().is_none() => (h, c, s),
        _ => return Err(webhook_error("malformed webhook token: expected 3 segments")),
    };
    if header_b64.is_empty() || claims_b64.is_empty() {
        return Err(webhook_error("malformed webhook token: empty segment"));
    }

    // Header: the algorithm is decided here, never by trying what the token asks for.
    let header = decode_json_object(header_b64, "header")?;
    match header.get("alg") {
        None => return Err(webhook_error("webhook token header has no alg")),
        Some(serde_json::Value::String(alg)) if alg == ALGORITHM => {}
        Some(serde_json::Value::String(alg)) => {
            return Err(webhook_error(format!("unsupported alg {}", printable(alg))));
        }
        Some(_) => return Err(webhook_error("webhook token alg is not a string")),
    }
    if header.contains_key("crit") {
        return Err(webhook_error("webhook token header has unsupported crit parameters"));
    }

    // Signature: HMAC-SHA256 over "header.claims", constant-time comparison.
    if sig_b64.is_empty() {
        return Err(webhook_error("webhook token has no signature"));
    }
    let signature = decode_b64(sig_b64, "signature")?;
    let signing_input_len = header_b64.len() + 1 + claims_b64.len();
    let signing_input = &token.as_bytes()[..signing_input_len];
    let mut matched = None;
    for (index, secret) in usable.iter().enumerate() {
        let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
            continue;
        };
        mac.update(signing_input);
        if mac.verify_slice(&signature).is_ok() {
            matched = Some(index);
            break;
        }
    }
    let Some(secret_index) = matched else {
        return Err(webhook_error("webhook signature does not match any configured secret"));
    };

    // Claims.
    let claims = decode_json_object(claims_b64, "claims")?;
    match claims.get("iss") {
        Some(serde_json::Value::String(iss)) if iss == ISSUER => {}
        Some(_) => return Err(webhook_error("webhook token issuer is not Prove Identity")),
        None => return Err(webhook_error("webhook token has no iss claim")),
    }
    let now_s = unix_seconds(now)?;
    let leeway = duration_secs(policy.leeway);
    let exp = numeric_date(&claims, "exp")?.ok_or_else(|| webhook_error("webhook token has no exp claim"))?;
    let iat = numeric_date(&claims, "iat")?.ok_or_else(|| webhook_error("webhook token has no iat claim"))?;
    if now_s > exp.saturating_add(leeway) {
        return Err(webhook_error("webhook token expired"));
    }
    if iat > now_s.saturating_add(leeway) {
        return Err(webhook_error("webhook token issued in the future"));
    }
    if now_s.saturating_sub(iat) > duration_secs(policy.max_age) {
        return Err(webhook_error("webhook token too old"));
    }
    if let Some(nbf) = numeric_date(&claims, "nbf")? {
        if nbf > now_s.saturating_add(leeway) {
            return Err(webhook_error("webhook token not yet valid (nbf)"));
        }
    }
    match claims.get("body_sha256") {
        Some(serde_json::Value::String(expected)) => {
            let actual = body_sha256_hex(raw_body);
            let expected = expected.to_ascii_lowercase();
            if !bool::from(actual.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(webhook_error("webhook body does not match the token's body_sha256"));
            }
        }
        Some(_) => return Err(webhook_error("webhook token body_sha256 claim is not a string")),
        None if policy.require_body_hash => {
            return Err(webhook_error("webhook token has no body_sha256 claim"));
        }
        None => {}
    }
    let token_id = match claims.get("jti") {
        Some(serde_json::Value::String(jti)) => Some(jti.clone()),
        Some(_) if replay.is_some() => return Err(webhook_error("webhook token jti claim is not a string")),
        _ => None,
    };
    if replay.is_some() {
        match token_id.as_deref() {
            None => return Err(webhook_error("webhook token has no jti claim, so a replay cannot be detected")),
            Some("") => return Err(webhook_error("webhook token jti claim is empty, so a replay cannot be detected")),
            Some(_) => {}
        }
    }

    // Body.
    let payload: WebhookPayload = serde_json::from_slice(raw_body).map_err(|e| {
        // serde's messages may quote body content; only the location and category are kept.
        webhook_error(format!(
            "webhook body is not a valid notification payload ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;

    // Replay: recorded last, so that only a delivery that verified completely uses up its id. The
    // id is kept until the token would fail the time checks above anyway.
    if let (Some(guard), Some(jti)) = (replay, token_id.as_deref()) {
        let forget_after = exp.saturating_add(leeway).min(iat.saturating_add(duration_secs(policy.max_age)));
        guard.check_and_remember(jti, forget_after, now_s)?;
    }

    Ok(VerifiedWebhook { payload, token_id, issued_at: from_unix(iat), expires_at: from_unix(exp), secret_index })
}

/// Accepts `Bearer <jwt>` (scheme case-insensitive, surrounding spaces ignored) or a bare JWT.
fn strip_bearer(authorization: &str) -> Result<&str> {
    let value = authorization.trim();
    let token = match value.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim_start(),
        Some(_) => return Err(webhook_error("webhook authorization is not a Bearer token")),
        None if value.eq_ignore_ascii_case("bearer") => "",
        None => value,
    };
    if token.is_empty() {
        return Err(webhook_error("webhook authorization has no token"));
    }
    if !token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Err(webhook_error("malformed webhook token: invalid characters"));
    }
    Ok(token)
}

fn decode_b64(segment: &str, what: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| webhook_error(format!("malformed webhook token: {what} is not base64url")))
}

fn decode_json_object(segment: &str, what: &str) -> Result<JsonObject> {
    let bytes = decode_b64(segment, what)?;
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(webhook_error(format!("malformed webhook token: {what} is not a JSON object"))),
        Err(_) => Err(webhook_error(format!("malformed webhook token: {what} is not valid JSON"))),
    }
}

/// Reads a NumericDate claim (seconds since the epoch; fractions are truncated).
fn numeric_date(claims: &JsonObject, name: &str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(serde_json::Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15) {
                Ok(Some(f.trunc() as i64))
            } else {
                Err(webhook_error(format!("webhook token {name} claim is out of range")))
            }
        }
        Some(_) => Err(webhook_error(format!("webhook token {name} claim is not a number"))),
    }
}

/// The algorithm name as it may appear in an error: short, printable ASCII only.
fn printable(s: &str) -> String {
    if s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        s.to_owned()
    } else {
        "(unprintable)".to_owned()
    }
}

/// Lowercase hex SHA-256 of `body`, as carried by the `body_sha256` claim.
pub fn body_sha256_hex(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_hash_is_lowercase_hex() {
        assert_eq!(body_sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
