//! Prove Auth (`/v1/server/auth/*`): start an authentication, continue it (bind a mobile
//! number), and read its result.
use crate::api::json_request;
use crate::client::Client;
use crate::error::Result;
use crate::models::*;
use crate::ops;

/// Prove Auth operations. Get one with [`Client::auth`].
#[derive(Clone, Copy)]
pub struct Auth<'c> {
    pub(crate) client: &'c Client,
}

impl Auth<'_> {
    /// `POST /v1/server/auth/start`: start an authentication for the given subjects (mobile,
    /// device, user, card) and authenticators. Returns the `authId` and the `authToken` for the
    /// client SDK.
    ///
    /// Validation: `requestId` (letters, digits, `-._+=/`) required; at least one subject;
    /// authenticator URLs and message texts present.
    pub async fn start(&self, req: &AuthStartRequest) -> Result<AuthStartResponse> {
        let r = json_request(&ops::AUTH_START, req)?;
        self.client.execute(r).await
    }

    /// `POST /v1/server/auth/continue`: continue authentication `authId`, binding the mobile
    /// number in `subjects.mobile.claim`.
    ///
    /// Validation: `authId`, `requestId` and the mobile number required.
    pub async fn continue_auth(&self, req: &AuthContinueRequest) -> Result<AuthContinueResponse> {
        let r = json_request(&ops::AUTH_CONTINUE, req)?;
        self.client.execute(r).await
    }

    /// `POST /v1/server/auth/finish`: the result of authentication `authId`, per subject.
    pub async fn finish(&self, req: &AuthFinishRequest) -> Result<AuthFinishResponse> {
        let r = json_request(&ops::AUTH_FINISH, req)?;
        self.client.execute(r).await
    }
}
