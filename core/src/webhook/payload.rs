//! The body of a webhook delivery: [`WebhookPayload`], its [`Notification`]s and [`EventType`].
use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::datetime::parse_rfc3339;
use super::JsonObject;

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
    pub const KNOWN: &'static [&'static str] =
        &["PHONE_NUMBER_CHANGE", "DISCONNECT", "PORT", "LINE_TYPE_CHANGE", "MOVED_OUT_OF_COVERAGE"];

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
        WebhookPayload { notifications, extra: JsonObject::new() }
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
    #[serde(rename = "clientCustomerId", default, skip_serializing_if = "Option::is_none")]
    pub client_customer_id: Option<String>,
    /// Prove's identifier of the enrolled identity.
    #[serde(rename = "identityId", default, skip_serializing_if = "Option::is_none")]
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
            .field("client_customer_id", &self.client_customer_id.as_ref().map(|_| "<redacted>"))
            .field("identity_id", &self.identity_id)
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

/// Debug-formats a JSON map as its keys only.
struct RedactedMap<'a>(&'a JsonObject);

impl fmt::Debug for RedactedMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.keys().map(|k| (k, "<redacted>"))).finish()
    }
}
