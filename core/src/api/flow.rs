//! Pre-Fill and Prove Identity: `start` → `validate` → (`challenge`) → `complete`.
//!
//! Read the `next` map of each response to know which step is allowed next: Pre-Fill asks for a
//! challenge (`v3-challenge`), Prove Identity goes straight to `v3-complete`. A step called out of
//! order, or after the 15-minute session ended, fails with `StepOutOfOrder` (403).
use crate::api::json_request;
use crate::client::Client;
use crate::error::Result;
use crate::models::*;
use crate::ops;

/// Pre-Fill / Prove Identity operations. Get one with [`Client::flow`].
#[derive(Clone, Copy)]
pub struct Flow<'c> {
    pub(crate) client: &'c Client,
}

impl Flow<'_> {
    /// `POST /v3/start`: begin a flow for a phone number. Returns the `correlationId` every later
    /// step needs and the `authToken` your client-side SDK uses for the possession check
    /// (Instant Link on desktop, OTP or Mobile Auth on mobile).
    ///
    /// Validation: `flowType` known; `phoneNumber` digits with optional `+` (required on
    /// desktop); `finalTargetUrl` required on desktop, at most 128 characters; `dob`, `ssn` and
    /// `smsMessage` (≤ 160 characters) shapes. Prove answers 400 for an unknown test user.
    pub async fn start(&self, req: &StartRequest) -> Result<StartResponse> {
        let r = json_request(&ops::START, req)?;
        self.client.execute(r).await
    }

    /// `POST /v3/validate`: after the possession check, check the phone number. `success` is
    /// false when possession did not complete; `next` says whether a challenge is needed
    /// (`challengeMissing`) or the flow can complete.
    ///
    /// Errors: `StepOutOfOrder` when validate is not in `next`; `Validation` for a malformed
    /// `correlationId`.
    pub async fn validate(&self, req: &ValidateRequest) -> Result<ValidateResponse> {
        let mut r = json_request(&ops::VALIDATE, req)?;
        r.correlation_id = Some(&req.correlation_id);
        self.client.execute(r).await
    }

    /// `POST /v3/challenge` (Pre-Fill): send the date of birth or SSN (unless given on start)
    /// and receive the `individual` to pre-fill your form with.
    ///
    /// Errors: `StepOutOfOrder` when challenge is not in `next`; `Validation` for malformed
    /// `dob` (`YYYY-MM-DD`, `YYYY-MM`, `MM-DD`) or `ssn` (9 digits or last 4).
    pub async fn challenge(&self, req: &ChallengeRequest) -> Result<ChallengeResponse> {
        let mut r = json_request(&ops::CHALLENGE, req)?;
        r.correlation_id = Some(&req.correlation_id);
        self.client.execute(r).await
    }

    /// `POST /v3/complete`: submit the (possibly edited) identity to verify. `success` says
    /// whether the individual was verified; `next` is `done`.
    ///
    /// Validation: `individual` needs `firstName` and `lastName`, or `ssn`. Errors:
    /// `StepOutOfOrder` when complete is not in `next`.
    pub async fn complete(&self, req: &CompleteRequest) -> Result<CompleteResponse> {
        let mut r = json_request(&ops::COMPLETE, req)?;
        r.correlation_id = Some(&req.correlation_id);
        self.client.execute(r).await
    }
}
