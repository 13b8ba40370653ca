//! Unified Authentication: possession by Prove (Instant Link on desktop, Prove Key or OTP on
//! mobile) or by you (`possessionType` `none`, then bind the Prove Key after your own check).
use crate::api::json_request;
use crate::client::Client;
use crate::error::Result;
use crate::models::*;
use crate::ops;

/// Unified Authentication operations. Get one with [`Client::unify`].
#[derive(Clone, Copy)]
pub struct Unify<'c> {
    pub(crate) client: &'c Client,
}

impl Unify<'_> {
    /// `POST /v3/unify`: start a possession check. Answers `success: "pending"` with the
    /// `correlationId` and the one-time `authToken` for the client SDK.
    ///
    /// Validation: `possessionType` known; `clientRequestId` required; `phoneNumber` required
    /// unless `proveId` is given or the flow is mobile (Mobile Auth); `finalTargetUrl` required on
    /// desktop (≤ 128 characters); `smsMessage` ≤ 160 characters.
    pub async fn unify(&self, req: &UnifyRequest) -> Result<UnifyResponse> {
        let mut r = json_request(&ops::UNIFY, req)?;
        r.client_request_id = Some(&req.client_request_id);
        self.client.execute(r).await
    }

    /// `POST /v3/unify-status`: the outcome after the client SDK ran. `success` is `true`
    /// (possession confirmed; `proveId`, and `deviceId` on mobile), `false`, `pending`, or
    /// `possession_required` (customer-supplied possession: check it yourself, then
    /// [`bind`](Self::bind)). A read: retried on transient failures.
    pub async fn status(&self, req: &UnifyStatusRequest) -> Result<UnifyStatusResponse> {
        let mut r = json_request(&ops::UNIFY_STATUS, req)?;
        r.correlation_id = Some(&req.correlation_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/unify-bind`: after `status` said `possession_required` and your own possession
    /// check passed, bind the Prove Key to `phoneNumber`.
    ///
    /// Errors: `StepOutOfOrder` when the session is not waiting for a bind; `Validation` when the
    /// phone number does not match the session.
    pub async fn bind(&self, req: &UnifyBindRequest) -> Result<UnifyBindResponse> {
        let mut r = json_request(&ops::UNIFY_BIND, req)?;
        r.correlation_id = Some(&req.correlation_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }
}
