//! Webhook verification into typed notifications, and signed test deliveries.
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use prove_core::binding::webhook as wh;
use prove_core::webhook::{self as core_wh, EventType};

use crate::error::ProveError;

/// How deliveries are checked. The defaults are the core's: signature, issuer and time window
/// always; `body_sha256` when present; 60 s leeway; tokens at most 10 minutes old.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct WebhookOptions {
    /// Refuse tokens without a `body_sha256` claim.
    #[uniffi(default = false)]
    pub require_body_hash: bool,
    /// Accept each token once only (needs a `WebhookVerifier` kept between deliveries; the
    /// one-call `verifyWebhook` refuses it).
    #[uniffi(default = false)]
    pub reject_replays: bool,
    /// Allowed clock difference for `exp`, `iat` and `nbf`, in milliseconds (default 60 000).
    #[uniffi(default)]
    pub leeway_ms: Option<f64>,
    /// Oldest accepted `iat`, in milliseconds (default 600 000).
    #[uniffi(default)]
    pub max_age_ms: Option<f64>,
}

impl From<WebhookOptions> for wh::WebhookOptions {
    fn from(o: WebhookOptions) -> Self {
        wh::WebhookOptions {
            require_body_hash: o.require_body_hash,
            reject_replays: o.reject_replays,
            leeway_ms: o.leeway_ms,
            max_age_ms: o.max_age_ms,
        }
    }
}

/// Kind of change a notification reports; unknown values are kept in `Other`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum WebhookEventType {
    /// The phone number of the identity changed.
    PhoneNumberChange,
    /// The phone number was disconnected.
    Disconnect,
    /// The phone number was ported to another carrier.
    Port,
    /// The line type changed.
    LineTypeChange,
    /// The phone number moved out of Prove's coverage.
    MovedOutOfCoverage,
    /// A value this version of the SDK does not know, kept as sent.
    Other(String),
}

impl From<&EventType> for WebhookEventType {
    fn from(e: &EventType) -> Self {
        match e {
            EventType::PhoneNumberChange => WebhookEventType::PhoneNumberChange,
            EventType::Disconnect => WebhookEventType::Disconnect,
            EventType::Port => WebhookEventType::Port,
            EventType::LineTypeChange => WebhookEventType::LineTypeChange,
            EventType::MovedOutOfCoverage => WebhookEventType::MovedOutOfCoverage,
            other => WebhookEventType::Other(other.as_str().to_owned()),
        }
    }
}

/// One change event about an enrolled identity.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct WebhookNotification {
    /// Unique id of the event (use it to drop duplicate deliveries).
    pub event_id: String,
    /// Human-readable description of the event.
    pub event: String,
    /// What changed.
    pub event_type: WebhookEventType,
    /// When the event was sent, RFC 3339, as sent.
    pub event_timestamp: String,
    /// `eventTimestamp` as a point in time, when it is a valid RFC 3339 date-time.
    pub event_time: Option<SystemTime>,
    /// Your own identifier of the customer, as given at enrollment.
    pub client_customer_id: Option<String>,
    /// Prove's identifier of the enrolled identity.
    pub identity_id: Option<String>,
    /// Fields this SDK does not model, as a JSON object text (`{}` when none).
    pub extra_json: String,
}

impl fmt::Debug for WebhookNotification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The customer id is the integrator's own key and may be personal data; the unmodelled
        // fields may hold anything: only their presence and names are shown.
        let extra_keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.extra_json)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
        f.debug_struct("WebhookNotification")
            .field("event_id", &self.event_id)
            .field("event", &self.event)
            .field("event_type", &self.event_type)
            .field("event_timestamp", &self.event_timestamp)
            .field("client_customer_id", &self.client_customer_id.as_ref().map(|_| "<redacted>"))
            .field("identity_id", &self.identity_id)
            .field("extra_keys", &extra_keys)
            .finish()
    }
}

/// A verified delivery: its notifications and the token's claims.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct VerifiedWebhook {
    /// The change events of the delivery.
    pub notifications: Vec<WebhookNotification>,
    /// Top-level fields of the body this SDK does not model, as JSON object text.
    pub extra_json: String,
    /// The token's `jti` claim, when present.
    pub token_id: Option<String>,
    /// The token's `iat` claim.
    pub issued_at: SystemTime,
    /// The token's `exp` claim.
    pub expires_at: SystemTime,
    /// Index, in the given list, of the secret whose signature matched.
    pub secret_index: i32,
}

impl fmt::Debug for VerifiedWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedWebhook")
            .field("notifications", &self.notifications)
            .field("token_id", &self.token_id)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("secret_index", &self.secret_index)
            .finish_non_exhaustive()
    }
}

fn json_text(m: &core_wh::JsonObject) -> String {
    serde_json::Value::Object(m.clone()).to_string()
}

impl From<core_wh::VerifiedWebhook> for VerifiedWebhook {
    fn from(v: core_wh::VerifiedWebhook) -> Self {
        let notifications = v
            .payload
            .notifications
            .iter()
            .map(|n| WebhookNotification {
                event_id: n.event_id.clone(),
                event: n.event.clone(),
                event_type: WebhookEventType::from(&n.event_type),
                event_timestamp: n.event_timestamp.clone(),
                event_time: n.event_time(),
                client_customer_id: n.client_customer_id.clone(),
                identity_id: n.identity_id.clone(),
                extra_json: json_text(&n.extra),
            })
            .collect();
        VerifiedWebhook {
            notifications,
            extra_json: json_text(&v.payload.extra),
            token_id: v.token_id,
            issued_at: v.issued_at,
            expires_at: v.expires_at,
            secret_index: i32::try_from(v.secret_index).unwrap_or(i32::MAX),
        }
    }
}

/// Verifies one delivery now: the `X-Prove-Authorization` header value (or the bare token), the
/// exact raw body and the currently valid secrets (several during rotation). Errors: `Webhook`
/// saying what failed (never echoing the token, secret or body); `Validation` for bad options.
#[uniffi::export(default(options = None))]
pub fn verify_webhook(
    authorization: String,
    body: Vec<u8>,
    secrets: Vec<String>,
    options: Option<WebhookOptions>,
) -> Result<VerifiedWebhook, ProveError> {
    let options = wh::WebhookOptions::from(options.unwrap_or_default());
    let v = prove_core::binding::guard("webhook verification", || {
        wh::verify_webhook(&authorization, &body, &secrets, &options)
    })?;
    Ok(v.into())
}

/// A verifier kept between deliveries: needed for `rejectReplays` (it remembers the `jti` of
/// every accepted token until it expires); otherwise the same checks as `verifyWebhook`.
#[derive(uniffi::Object)]
pub struct WebhookVerifier {
    inner: core_wh::WebhookVerifier,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl WebhookVerifier {
    /// A verifier for `secrets` with `options`.
    #[uniffi::constructor(default(options = None))]
    pub fn new(secrets: Vec<String>, options: Option<WebhookOptions>) -> Result<Arc<Self>, ProveError> {
        let options = wh::WebhookOptions::from(options.unwrap_or_default());
        let inner = prove_core::binding::guard("webhook verifier", || options.verifier(&secrets))?;
        Ok(Arc::new(WebhookVerifier { inner }))
    }

    /// Verifies one delivery (see `verifyWebhook`).
    pub fn verify(&self, authorization: String, body: Vec<u8>) -> Result<VerifiedWebhook, ProveError> {
        let v = prove_core::binding::guard("webhook verification", || {
            self.inner.verify_detailed_at(&authorization, &body, SystemTime::now())
        })?;
        Ok(v.into())
    }
}

/// A signed test delivery: send `body` with the header `X-Prove-Authorization: authorization`.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct SignedWebhook {
    /// Value of the `X-Prove-Authorization` header (`Bearer <jwt>`).
    pub authorization: String,
    /// The body to send, exactly as signed.
    pub body: String,
}

impl fmt::Debug for SignedWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a credential while it is valid.
        f.debug_struct("SignedWebhook")
            .field("authorization", &"<redacted>")
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Signs a delivery exactly as Prove (and the sandbox) does, for tests of a webhook endpoint.
/// Without `payload`, a sample payload with one notification of `eventType` (default
/// `PHONE_NUMBER_CHANGE`) is signed.
#[uniffi::export(default(payload = None, event_type = None))]
pub fn sign_test_webhook(
    secret: String,
    payload: Option<String>,
    event_type: Option<String>,
) -> Result<SignedWebhook, ProveError> {
    let s = prove_core::binding::guard("webhook signing", || {
        wh::sign_test_webhook(&secret, payload.as_deref().map(str::as_bytes), event_type.as_deref())
    })?;
    Ok(SignedWebhook { authorization: s.authorization, body: s.body })
}
