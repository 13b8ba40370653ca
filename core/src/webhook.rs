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
//! 7. the body parses into a [`WebhookPayload`].
//!
//! Errors are [`ErrorKind::Webhook`] and say what failed; they never contain the token, the
//! secret or the body.
//!
//! For tests of your own webhook endpoint, [`sign_test_webhook`] and [`sample_payload`] produce
//! deliveries exactly like the ones the sandbox emulator sends.
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

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

// ---------------------------------------------------------------------------------------------
// Payload types
// ---------------------------------------------------------------------------------------------

/// Kind of change a notification reports.
///
/// Unknown values are kept in [`EventType::Other`], so a new event type on Prove's side never
/// breaks decoding.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum EventType {
    /// The phone number of the identity changed.
    PhoneNumberChange,
    /// The phone number was disconnected.
    Disconnect,
    /// The phone number was ported to another carrier.
    Port,
    /// The line type (for example mobile / landline / VoIP) changed.
    LineTypeChange,
    /// The phone number moved out of Prove's coverage.
    MovedOutOfCoverage,
    /// A value this version of the SDK does not know, kept as sent.
    Other(String),
}

impl EventType {
    /// Every known value, in wire form.
    pub const KNOWN: &'static [&'static str] = &[
        "PHONE_NUMBER_CHANGE",
        "DISCONNECT",
        "PORT",
        "LINE_TYPE_CHANGE",
        "MOVED_OUT_OF_COVERAGE",
    ];

    /// The wire form of this value.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::PhoneNumberChange => "PHONE_NUMBER_CHANGE",
            EventType::Disconnect => "DISCONNECT",
            EventType::Port => "PORT",
            EventType::LineTypeChange => "LINE_TYPE_CHANGE",
            EventType::MovedOutOfCoverage => "MOVED_OUT_OF_COVERAGE",
            EventType::Other(s) => s.as_str(),
        }
    }

    /// True for values this SDK knows.
    pub fn is_known(&self) -> bool {
        !matches!(self, EventType::Other(_))
    }

    /// A short human-readable description, as used in the `event` field of sample payloads.
    pub fn description(&self) -> &str {
        match self {
            EventType::PhoneNumberChange => "phone number change detected",
            EventType::Disconnect => "phone number disconnected",
            EventType::Port => "phone number ported",
            EventType::LineTypeChange => "phone line type changed",
            EventType::MovedOutOfCoverage => "phone number moved out of coverage",
            EventType::Other(_) => "identity change detected",
        }
    }
}

impl From<&str> for EventType {
    fn from(s: &str) -> Self {
        match s {
            "PHONE_NUMBER_CHANGE" => EventType::PhoneNumberChange,
            "DISCONNECT" => EventType::Disconnect,
            "PORT" => EventType::Port,
            "LINE_TYPE_CHANGE" => EventType::LineTypeChange,
            "MOVED_OUT_OF_COVERAGE" => EventType::MovedOutOfCoverage,
            other => EventType::Other(other.to_owned()),
        }
    }
}

impl From<String> for EventType {
    fn from(s: String) -> Self {
        match EventType::from(s.as_str()) {
            EventType::Other(_) => EventType::Other(s),
            known => known,
        }
    }
}

impl Default for EventType {
    /// The empty `Other` value (no event type).
    fn default() -> Self {
        EventType::Other(String::new())
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(EventType::from(s))
    }
}

/// The body of a webhook delivery: one or more change events.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookPayload {
    /// The change events of this delivery.
    #[serde(rename = "notifications")]
    pub notifications: Vec<Notification>,
    /// Top-level fields this SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl WebhookPayload {
    /// A payload holding these notifications.
    pub fn new(notifications: Vec<Notification>) -> Self {
        WebhookPayload {
            notifications,
            extra: JsonObject::new(),
        }
    }
}

impl fmt::Debug for WebhookPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookPayload")
            .field("notifications", &self.notifications)
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

/// One change event about an enrolled identity.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notification {
    /// Unique id of the event (quote it to Prove support; use it to drop duplicate deliveries).
    #[serde(rename = "eventId")]
    pub event_id: String,
    /// Human-readable description of the event.
    #[serde(rename = "event", default)]
    pub event: String,
    /// What changed.
    #[serde(rename = "eventType")]
    pub event_type: EventType,
    /// When the event was sent, RFC 3339 (UTC in Prove's examples). See [`Notification::event_time`].
    #[serde(rename = "eventTimestamp", default)]
    pub event_timestamp: String,
    /// Your own identifier of the customer, as given at enrollment.
    #[serde(
        rename = "clientCustomerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_customer_id: Option<String>,
    /// Prove's identifier of the enrolled identity.
    #[serde(
        rename = "identityId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub identity_id: Option<String>,
    /// Fields this SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Notification {
    /// `event_timestamp` parsed as an RFC 3339 date-time, or `None` when it is not one.
    pub fn event_time(&self) -> Option<SystemTime> {
        parse_rfc3339(&self.event_timestamp)
    }
}

impl fmt::Debug for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client customer id is the integrator's own key and may be personal data
        // (an email, an account number): only its presence is shown.
        f.debug_struct("Notification")
            .field("event_id", &self.event_id)
            .field("event", &self.event)
            .field("event_type", &self.event_type)
            .field("event_timestamp", &self.event_timestamp)
            .field(
                "client_customer_id",
                &self.client_customer_id.as_ref().map(|_| "<redacted>"),
            )
            .field("identity_id", &self.identity_id)
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

/// Debug-formats a JSON map as its keys only.
struct RedactedMap<'a>(&'a JsonObject);

impl fmt::Debug for RedactedMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, "<redacted>")))
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// Verifies a webhook delivery with the default policy and parses its body.
///
/// `authorization` is the value of the `X-Prove-Authorization` header (`Bearer <jwt>`) or the bare
/// JWT; `raw_body` the exact bytes received (before any JSON parsing); `secrets` the shared secrets
/// currently valid (tried in turn, for rotation); `now` the current time.
///
/// Use [`WebhookVerifier`] to change the leeway, the maximum age or to require `body_sha256`.
pub fn verify<S: AsRef<[u8]>>(
    authorization: &str,
    raw_body: &[u8],
    secrets: &[S],
    now: SystemTime,
) -> Result<WebhookPayload> {
    let policy = Policy::default();
    let keys: Vec<&[u8]> = secrets.iter().map(AsRef::as_ref).collect();
    verify_inner(&policy, &keys, authorization, raw_body, now).map(|v| v.payload)
}

/// A successfully verified delivery: the parsed body plus the token's identifying claims.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct VerifiedWebhook {
    /// The parsed body.
    pub payload: WebhookPayload,
    /// The token's `jti` claim, when present (useful to detect replayed deliveries).
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
fn debug_verifier(f: &mut fmt::Formatter<'_>, name: &str, secrets: usize, policy: &Policy) -> fmt::Result {
    f.debug_struct(name)
        .field("secrets", &format_args!("<{secrets} redacted>"))
        .field("leeway", &policy.leeway)
        .field("max_age", &policy.max_age)
        .field("require_body_hash", &policy.require_body_hash)
        .finish()
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            leeway: DEFAULT_LEEWAY,
            max_age: DEFAULT_MAX_AGE,
            require_body_hash: false,
        }
    }
}

/// A configured webhook verifier: secrets (several for rotation), leeway, maximum token age,
/// whether `body_sha256` is mandatory, and the clock.
///
/// Cheap to clone and safe to share between threads. Secrets are wiped from memory on drop and
/// never shown by `Debug`.
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
    clock: Clock,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_verifier(f, "WebhookVerifier", self.secrets.len(), &self.policy)
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
    pub fn verify_at(
        &self,
        authorization: &str,
        raw_body: &[u8],
        now: SystemTime,
    ) -> Result<WebhookPayload> {
        self.verify_detailed_at(authorization, raw_body, now)
            .map(|v| v.payload)
    }

    /// Like [`WebhookVerifier::verify`], also returning the token's identifying claims.
    pub fn verify_detailed(&self, authorization: &str, raw_body: &[u8]) -> Result<VerifiedWebhook> {
        self.verify_detailed_at(authorization, raw_body, (self.clock)())
    }

    /// Like [`WebhookVerifier::verify_at`], also returning the token's identifying claims.
    pub fn verify_detailed_at(
        &self,
        authorization: &str,
        raw_body: &[u8],
        now: SystemTime,
    ) -> Result<VerifiedWebhook> {
        let keys: Vec<&[u8]> = self.secrets.iter().map(|s| s.as_slice()).collect();
        verify_inner(&self.policy, &keys, authorization, raw_body, now)
    }
}

/// Builder of [`WebhookVerifier`].
#[derive(Default)]
pub struct WebhookVerifierBuilder {
    secrets: Vec<Zeroizing<Vec<u8>>>,
    policy: Policy,
    clock: Option<Clock>,
}

impl fmt::Debug for WebhookVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_verifier(f, "WebhookVerifierBuilder", self.secrets.len(), &self.policy)
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
        self.secrets.extend(
            secrets
                .into_iter()
                .map(|s| Zeroizing::new(s.as_ref().to_vec())),
        );
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
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
        })
    }
}

fn verify_inner(
    policy: &Policy,
    secrets: &[&[u8]],
    authorization: &str,
    raw_body: &[u8],
    now: SystemTime,
) -> Result<VerifiedWebhook> {
    if authorization.len() > MAX_TOKEN_LEN {
        return Err(webhook_error(format!(
            "webhook token larger than {MAX_TOKEN_LEN} bytes"
        )));
    }
    if raw_body.len() > MAX_BODY_LEN {
        return Err(webhook_error(format!(
            "webhook body larger than {MAX_BODY_LEN} bytes"
        )));
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
        _ => {
            return Err(webhook_error(
                "malformed webhook token: expected 3 segments",
            ))
        }
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
        return Err(webhook_error(
            "webhook token header has unsupported crit parameters",
        ));
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
        return Err(webhook_error(
            "webhook signature does not match any configured secret",
        ));
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
    let exp = numeric_date(&claims, "exp")?
        .ok_or_else(|| webhook_error("webhook token has no exp claim"))?;
    let iat = numeric_date(&claims, "iat")?
        .ok_or_else(|| webhook_error("webhook token has no iat claim"))?;
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
                return Err(webhook_error(
                    "webhook body does not match the token's body_sha256",
                ));
            }
        }
        Some(_) => {
            return Err(webhook_error(
                "webhook token body_sha256 claim is not a string",
            ))
        }
        None if policy.require_body_hash => {
            return Err(webhook_error("webhook token has no body_sha256 claim"));
        }
        None => {}
    }
    let token_id = match claims.get("jti") {
        Some(serde_json::Value::String(jti)) => Some(jti.clone()),
        _ => None,
    };

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

    Ok(VerifiedWebhook {
        payload,
        token_id,
        issued_at: from_unix(iat),
        expires_at: from_unix(exp),
        secret_index,
    })
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
    if !token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
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
        Ok(_) => Err(webhook_error(format!(
            "malformed webhook token: {what} is not a JSON object"
        ))),
        Err(_) => Err(webhook_error(format!(
            "malformed webhook token: {what} is not valid JSON"
        ))),
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
                Err(webhook_error(format!(
                    "webhook token {name} claim is out of range"
                )))
            }
        }
        Some(_) => Err(webhook_error(format!(
            "webhook token {name} claim is not a number"
        ))),
    }
}

fn unix_seconds(t: SystemTime) -> Result<i64> {
    let d = t
        .duration_since(UNIX_EPOCH)
        .map_err(|_| webhook_error("current time is before 1970"))?;
    i64::try_from(d.as_secs()).map_err(|_| webhook_error("current time is out of range"))
}

fn from_unix(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH
            .checked_add(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    }
}

fn duration_secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// The algorithm name as it may appear in an error: short, printable ASCII only.
fn printable(s: &str) -> String {
    if s.len() <= 16
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
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

// ---------------------------------------------------------------------------------------------
// Signing (tests of webhook endpoints)
// ---------------------------------------------------------------------------------------------

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
pub fn sign_test_webhook(
    secret: impl AsRef<[u8]>,
    payload_json: &[u8],
    now: SystemTime,
) -> (String, Vec<u8>) {
    let iat = now
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let claims = TestClaims {
        iss: ISSUER,
        iat,
        exp: iat.saturating_add(duration_secs(TEST_TOKEN_LIFETIME)),
        jti: uuid::Uuid::new_v4().to_string(),
        body_sha256: body_sha256_hex(payload_json),
    };
    let claims_json = serde_json::to_vec(&claims).unwrap_or_default();
    let token = sign_compact(
        secret.as_ref(),
        br#"{"alg":"HS256","typ":"JWT"}"#,
        &claims_json,
    );
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

// ---------------------------------------------------------------------------------------------
// RFC 3339 (no external date crate)
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Formats a time as RFC 3339 UTC with second precision, e.g. `2025-01-23T10:11:12Z`.
pub fn format_rfc3339(t: SystemTime) -> String {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(0),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(0),
    };
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, `T`/`t`/space separator).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20 || !b.is_ascii() {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter()
            .try_fold(0i64, |acc, &c| Some(acc * 10 + i64::from(c - b'0')))
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    // A leap second (:60) is folded onto the next second.
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset;
    let base = from_unix(secs);
    base.checked_add(Duration::from_nanos(u64::from(nanos)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = UNIX_EPOCH + Duration::from_secs(1_737_627_072);
        assert_eq!(format_rfc3339(t), "2025-01-23T10:11:12Z");
        assert_eq!(parse_rfc3339("2025-01-23T10:11:12Z"), Some(t));
        assert_eq!(parse_rfc3339("2025-01-23T12:11:12+02:00"), Some(t));
        assert_eq!(
            parse_rfc3339("2025-01-23T10:11:12.5Z"),
            Some(t + Duration::from_millis(500))
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z")
                .map(format_rfc3339)
                .as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
        for bad in [
            "",
            "2025-02-29T00:00:00Z",
            "2025-01-23 10:11:12",
            "2025-13-01T00:00:00Z",
            "2025-01-23T10:11:12.Z",
            "2025-01-23T10:11:12+0200",
            "２０２５-01-23T10:11:12Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn body_hash_is_lowercase_hex() {
        assert_eq!(
            body_sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
