//! Verified Users: check that a phone number belongs to the named person.
//!
//! Two forms exist. The current API reference (`verify`) takes a `verificationType` and answers
//! synchronously. Prove's Verified Users guides describe the earlier form (`verify_with_possession`),
//! with `possessionType` `mobile`/`desktop` (answer `pending`, then the client SDK's possession check,
//! then `verify_status`) or `none` (answer at once).
use crate::api::json_request;
use crate::client::Client;
use crate::error::Result;
use crate::models::*;
use crate::ops;

/// Verified Users operations. Get one with [`Client::verified_users`].
#[derive(Clone, Copy)]
pub struct VerifiedUsers<'c> {
    pub(crate) client: &'c Client,
}

impl VerifiedUsers<'_> {
    /// `POST /v3/verify` with a `verificationType` (current form): verify the person behind
    /// `phoneNumber` and receive `success`, the identity found, `proveId` and `evaluation`.
    ///
    /// Validation: `verificationType` known, `phoneNumber` digits with optional `+`.
    pub async fn verify(&self, req: &VerifyRequest) -> Result<VerifyResponse> {
        let mut r = json_request(&ops::VERIFY, req)?;
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/verify` with a `possessionType` (the guides' form). With `mobile` or `desktop`
    /// the answer is `pending` with an `authToken` for the client SDK; after the possession check
    /// call [`verify_status`](Self::verify_status). With `none` the answer is final.
    ///
    /// Validation: `possessionType` known; `firstName`, `lastName`, `phoneNumber` required;
    /// `finalTargetUrl` required on desktop (≤ 128 characters); `smsMessage` ≤ 160 characters.
    pub async fn verify_with_possession(&self, req: &LegacyVerifyRequest) -> Result<LegacyVerifyResponse> {
        let mut r = json_request(&ops::VERIFY, req)?;
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/verify-status`: the result of a verification started with possession.
    /// `success` stays `pending` until both the possession and the verify results are in.
    ///
    /// Not in the latest API reference; servers that removed it answer `NotFound`.
    pub async fn verify_status(&self, req: &VerifyStatusRequest) -> Result<VerifyStatusResponse> {
        let mut r = json_request(&ops::VERIFY_STATUS, req)?;
        r.correlation_id = req.correlation_id.as_deref();
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/verify/batch`: verify up to 100 people in one call; each result carries its own
    /// `success` and, on failure, `error`.
    ///
    /// Validation: 1 to 100 `items`, each with `verificationType`, `firstName`, `lastName` and
    /// `phoneNumber`.
    pub async fn verify_batch(&self, req: &VerifyBatchRequest) -> Result<VerifyBatchResponse> {
        let mut r = json_request(&ops::VERIFY_BATCH, req)?;
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }
}
