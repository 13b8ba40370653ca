//! Webhook verification and test signing as every binding offers them: secrets as a list,
//! options in plain units, the result as typed data.
use std::time::SystemTime;

use crate::binding::settings::millis;
use crate::error::{Error, Result};
use crate::webhook::{self as wh, EventType, VerifiedWebhook, WebhookVerifier};

/// How deliveries are checked. The default is the policy of [`crate::webhook::verify`].
///
/// What a verification binds (see [`crate::webhook`]): signature, issuer and time window always;
/// the body only through `body_sha256` (always when `require_body_hash`); a token to a single use
/// only with `reject_replays` and a verifier kept between deliveries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebhookOptions {
    /// Refuse tokens without a `body_sha256` claim (by default the claim is checked when present).
    pub require_body_hash: bool,
    /// Accept each token once only: the verifier made by [`WebhookOptions::verifier`] (and its
    /// clones) remembers the `jti` of every accepted token until it expires, and refuses tokens
    /// without a `jti`. Needs a verifier that outlives one delivery, so [`verify_webhook`] refuses
    /// it.
    pub reject_replays: bool,
    /// Allowed clock difference for `exp`, `iat` and `nbf`, in milliseconds (default 60 000).
    pub leeway_ms: Option<f64>,
    /// Oldest accepted `iat`, in milliseconds (default 600 000).
    pub max_age_ms: Option<f64>,
}

impl WebhookOptions {
    /// A verifier for `secrets` (the currently valid ones, several during rotation) with these
    /// options. Keep it (an adapter holds it in a host object) for as long as deliveries arrive:
    /// with `reject_replays` the memory of accepted tokens lives in it. Errors: `Webhook` when
    /// there is no secret or one is empty; `Validation` for a bad duration.
    pub fn verifier<S: AsRef<[u8]>>(&self, secrets: &[S]) -> Result<WebhookVerifier> {
        let mut b = WebhookVerifier::builder().secrets(secrets.iter().map(|s| s.as_ref().to_vec()));
        if let Some(ms) = self.leeway_ms {
            b = b.leeway(millis("leewayMs", ms)?);
        }
        if let Some(ms) = self.max_age_ms {
            b = b.max_age(millis("maxAgeMs", ms)?);
        }
        b.require_body_hash(self.require_body_hash).reject_replays(self.reject_replays).build()
    }
}

/// Verifies a delivery now: the `X-Prove-Authorization` header value (or the bare token), the
/// exact raw body and the valid secrets. Returns the parsed payload with the token's claims.
///
/// A single call cannot remember earlier deliveries: `reject_replays` is refused here (a
/// `Validation` error naming `rejectReplays`); use [`WebhookOptions::verifier`] and keep the
/// verifier.
pub fn verify_webhook<S: AsRef<[u8]>>(
    authorization: &str,
    raw_body: &[u8],
    secrets: &[S],
    options: &WebhookOptions,
) -> Result<VerifiedWebhook> {
    if options.reject_replays {
        return Err(Error::validation(
            "rejectReplays",
            "needs a verifier kept between deliveries; a single verification cannot remember earlier tokens",
        ));
    }
    options.verifier(secrets)?.verify_detailed_at(authorization, raw_body, SystemTime::now())
}

/// A signed test delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedWebhook {
    /// Value of the `X-Prove-Authorization` header (`Bearer <jwt>`).
    pub authorization: String,
    /// The body to send, exactly as signed.
    pub body: String,
}

/// Signs a delivery exactly as Prove (and the sandbox emulator) does, for tests of a webhook
/// endpoint. Without `payload`, a sample payload with one notification of `event_type` (default
/// `PHONE_NUMBER_CHANGE`) is signed.
pub fn sign_test_webhook(secret: &str, payload: Option<&[u8]>, event_type: Option<&str>) -> Result<SignedWebhook> {
    if secret.is_empty() {
        return Err(Error::validation("secret", "must not be empty"));
    }
    let now = SystemTime::now();
    let body = match payload {
        Some(p) => p.to_vec(),
        None => wh::sample_payload(&EventType::from(event_type.unwrap_or("PHONE_NUMBER_CHANGE")), now),
    };
    let (authorization, body) = wh::sign_test_webhook(secret.as_bytes(), &body, now);
    let body = String::from_utf8(body).map_err(|_| Error::validation("payload", "must be UTF-8 text"))?;
    Ok(SignedWebhook { authorization, body })
}

/// The known webhook event types, in wire form.
pub fn event_types() -> &'static [&'static str] {
    EventType::KNOWN
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn signed_deliveries_verify_and_options_apply() {
        let signed = sign_test_webhook("s3cret", None, Some("PHONE_NUMBER_CHANGE")).unwrap();
        let ok = verify_webhook(&signed.authorization, signed.body.as_bytes(), &["old", "s3cret"], &Default::default())
            .unwrap();
        assert_eq!(ok.secret_index, 1);
        assert_eq!(ok.payload.notifications.len(), 1);
        let e = verify_webhook(&signed.authorization, b"{}", &["s3cret"], &Default::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Webhook);
        let none: [&str; 0] = [];
        assert_eq!(
            verify_webhook(&signed.authorization, b"", &none, &Default::default()).unwrap_err().kind,
            ErrorKind::Webhook
        );
        assert_eq!(
            verify_webhook(&signed.authorization, b"", &[""], &Default::default()).unwrap_err().kind,
            ErrorKind::Webhook
        );
        let bad = WebhookOptions { leeway_ms: Some(-5.0), ..Default::default() };
        assert_eq!(bad.verifier(&["s"]).unwrap_err().field.as_deref(), Some("leewayMs"));
        assert_eq!(sign_test_webhook("", None, None).unwrap_err().field.as_deref(), Some("secret"));
        assert!(event_types().contains(&"PHONE_NUMBER_CHANGE"));
    }

    #[test]
    fn replay_option_builds_a_guarded_verifier_and_is_refused_for_one_call() {
        let options = WebhookOptions { reject_replays: true, ..Default::default() };
        assert!(options.verifier(&["s"]).unwrap().replay_guard().is_some());
        assert!(WebhookOptions::default().verifier(&["s"]).unwrap().replay_guard().is_none());
        let signed = sign_test_webhook("s", None, None).unwrap();
        let e = verify_webhook(&signed.authorization, signed.body.as_bytes(), &["s"], &options).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rejectReplays"));
    }
}
