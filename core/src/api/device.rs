//! Devices: revoke a Prove Key.
use crate::api::json_request;
use crate::client::Client;
use crate::error::Result;
use crate::models::*;
use crate::ops;

/// Device operations. Get one with [`Client::device`].
#[derive(Clone, Copy)]
pub struct Device<'c> {
    pub(crate) client: &'c Client,
}

impl Device<'_> {
    /// `POST /v3/device/revoke`: revoke the Prove Key `deviceId`, so the next Unify on that
    /// device needs a fresh possession check.
    ///
    /// Validation: `clientRequestId` and `deviceId` required. Errors: `NotFound` for an unknown
    /// device.
    pub async fn revoke(&self, req: &DeviceRevokeRequest) -> Result<DeviceRevokeResponse> {
        let mut r = json_request(&ops::DEVICE_REVOKE, req)?;
        r.client_request_id = Some(&req.client_request_id);
        self.client.execute(r).await
    }
}
