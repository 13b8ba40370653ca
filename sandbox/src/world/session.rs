//! Flow sessions keyed by correlation id: who, which channel, the possession state and the
//! product-specific progress.
use serde_json::{json, Value};

use super::users::TestUser;

/// Sessions (and their auth tokens) expire 15 minutes after Start/Verify/Unify answered.
pub const SESSION_TTL_MS: u64 = 15 * 60 * 1000;
/// Instant Link: 3 minutes from SMS to click.
pub const INSTANT_LINK_WINDOW_MS: u64 = 3 * 60 * 1000;
/// OTP / mobile possession: 2 minutes from SMS to entry.
pub const OTP_WINDOW_MS: u64 = 2 * 60 * 1000;
/// With `allowOTPRetry`, the number of OTP attempts allowed.
pub const OTP_MAX_ATTEMPTS: u8 = 3;
/// The OTP that passes in the sandbox.
pub const SANDBOX_OTP: &str = "1234";

/// The device the flow runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Mobile: Mobile Auth / Prove Key first, OTP as fallback.
    Mobile,
    /// Desktop: Instant Link.
    Desktop,
    /// Customer-supplied possession (Unify `none`) or no possession (Verify `none`).
    None,
}

impl Channel {
    pub fn parse(s: &str) -> Channel {
        match s {
            "mobile" => Channel::Mobile,
            "desktop" => Channel::Desktop,
            _ => Channel::None,
        }
    }
}

/// Outcome of the client-side possession check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Possession {
    Pending,
    Success,
    Failed,
}

impl Possession {
    pub fn as_str(self) -> &'static str {
        match self {
            Possession::Pending => "pending",
            Possession::Success => "success",
            Possession::Failed => "failed",
        }
    }
}

/// Progress of a Pre-Fill / Prove Identity flow: the step `next` currently allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Validate,
    Challenge,
    Complete,
    Done,
}

impl Stage {
    /// The `next` map for this stage.
    pub fn next(self) -> Value {
        match self {
            Stage::Validate => json!({"v3-validate": "/v3/validate"}),
            Stage::Challenge => json!({"v3-challenge": "/v3/challenge"}),
            Stage::Complete => json!({"v3-complete": "/v3/complete"}),
            Stage::Done => json!({"done": "done"}),
        }
    }
}

/// Pre-Fill / Prove Identity progress.
#[derive(Debug, Clone)]
pub struct PrefillFlow {
    pub stage: Stage,
    pub dob: Option<String>,
    pub ssn: Option<String>,
    /// The individual Challenge returned (for `changeDetected`).
    pub challenge_individual: Option<Value>,
}

/// Verified Users (possession form of `/v3/verify`) progress.
#[derive(Debug, Clone)]
pub struct VerifyFlow {
    /// False when the submitted name does not match the user, or the user is meant to fail.
    pub verified: bool,
    pub prove_id: String,
}

/// Unify progress.
#[derive(Debug, Clone)]
pub struct UnifyFlow {
    pub client_request_id: String,
    pub client_human_id: Option<String>,
    /// Possession was satisfied by an existing Prove Key.
    pub key_auth: bool,
    /// `unify-status` answered `possession_required` (so `unify-bind` is allowed).
    pub possession_required_seen: bool,
    /// Set once the flow succeeded: the Prove ID and (mobile / bound) device id.
    pub result: Option<(String, Option<String>)>,
    pub bound: bool,
}

/// Product-specific part of a session.
#[derive(Debug, Clone)]
pub enum Flow {
    Prefill(PrefillFlow),
    Verify(VerifyFlow),
    Unify(UnifyFlow),
}

/// One flow session.
pub struct Session {
    pub client_id: String,
    pub user: &'static TestUser,
    /// The phone number as the client sent it.
    pub phone: String,
    pub created_ms: u64,
    pub channel: Channel,
    pub possession: Possession,
    pub allow_otp_retry: bool,
    pub otp_failures: u8,
    /// `jti` of the auth token handed to the client SDK, if any.
    pub token_jti: Option<String>,
    /// The auth token has been consumed by the (simulated) client SDK.
    pub token_used: bool,
    pub flow: Flow,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("channel", &self.channel)
            .field("possession", &self.possession)
            .field("created_ms", &self.created_ms)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// True once the 15-minute session lifetime is over.
    pub fn expired(&self, now_ms: u64) -> bool {
        now_ms >= self.created_ms.saturating_add(SESSION_TTL_MS)
    }

    /// The deadline for the client-side possession step, if the channel has one.
    pub fn possession_deadline(&self) -> Option<u64> {
        match self.channel {
            Channel::Desktop => Some(self.created_ms.saturating_add(INSTANT_LINK_WINDOW_MS)),
            Channel::Mobile => Some(self.created_ms.saturating_add(OTP_WINDOW_MS)),
            Channel::None => None,
        }
    }

    /// The possession state at `now_ms`: a pending check whose window has closed has failed
    /// (the client SDK never completed it).
    pub fn possession_at(&self, now_ms: u64) -> Possession {
        match (self.possession, self.possession_deadline()) {
            (Possession::Pending, Some(deadline)) if now_ms >= deadline => Possession::Failed,
            (p, _) => p,
        }
    }
}
