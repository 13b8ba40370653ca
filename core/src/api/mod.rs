//! The Prove server API, one module per product area.
//!
//! Each area is a cheap handle borrowed from the [`Client`]: `client.flow()`,
//! `client.verified_users()`, `client.unify()`, `client.identity_manager()`,
//! `client.identity_data()`, `client.domain()`, `client.device()` and `client.auth()`. Every
//! method validates its input before the network (see [`crate::validate`]), builds one request and
//! sends it through the client's shared request path (tokens, retries, timeouts, error mapping).
//!
//! Per-call options (timeout, retry policy) come from the client handle: use
//! `client.with_options(opts).flow().start(&req)`.
//!
//! Errors every method can return besides the ones listed on it: `Validation` (bad input, before
//! the network; or a 400 from Prove), `Auth` (credentials rejected), `RateLimited`, `Timeout`,
//! `Transport`, `Api` (5xx) and `Decode`.
use serde::Serialize;

use crate::client::{Client, Request};
use crate::error::Result;
use crate::ops::Operation;
use crate::validate::Validate;

pub mod auth;
pub mod device;
pub mod domain;
pub mod flow;
pub mod identity_data;
pub mod identity_manager;
pub mod inputs;
pub mod methods;
pub mod pages;
pub mod unify;
pub mod verified_users;

pub use auth::Auth;
pub use device::Device;
pub use domain::Domain;
pub use flow::Flow;
pub use identity_data::IdentityData;
pub use identity_manager::{BatchGetOptions, IdentityManager, ListIdentities};
pub use unify::Unify;
pub use verified_users::VerifiedUsers;

/// Options of operations addressed by ids in the path or query (GET, DELETE): only the optional
/// `clientRequestId`, sent as a query parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// A client-generated id for this request (no personal data), echoed in logs and errors.
    pub client_request_id: Option<String>,
}

impl ReadOptions {
    /// Options carrying `client_request_id`.
    pub fn with_client_request_id(id: impl Into<String>) -> Self {
        ReadOptions { client_request_id: Some(id.into()) }
    }
}

impl Client {
    /// Pre-Fill and Prove Identity: start, validate, challenge, complete.
    pub fn flow(&self) -> Flow<'_> {
        Flow { client: self }
    }

    /// Verified Users: verify (current and possession forms), verify status, batch verify.
    pub fn verified_users(&self) -> VerifiedUsers<'_> {
        VerifiedUsers { client: self }
    }

    /// Unified Authentication: unify, unify status, unify bind.
    pub fn unify(&self) -> Unify<'_> {
        Unify { client: self }
    }

    /// Identity Manager: enroll, batch enroll, batch get and listing, get, lookup, activate,
    /// deactivate, disenroll, cross-domain.
    pub fn identity_manager(&self) -> IdentityManager<'_> {
        IdentityManager { client: self }
    }

    /// Identity attributes: discover and fetch.
    pub fn identity_data(&self) -> IdentityData<'_> {
        IdentityData { client: self }
    }

    /// Domains: id, linked, link, confirm link, unlink.
    pub fn domain(&self) -> Domain<'_> {
        Domain { client: self }
    }

    /// Devices (Prove Keys): revoke.
    pub fn device(&self) -> Device<'_> {
        Device { client: self }
    }

    /// Prove Auth (`/v1/server/auth/*`): start, continue, finish.
    pub fn auth(&self) -> Auth<'_> {
        Auth { client: self }
    }
}

/// Validate `body`, then build a request for `op` carrying it as JSON.
pub(crate) fn json_request<'a, B: Serialize + Validate>(op: &'static Operation, body: &B) -> Result<Request<'a>> {
    body.validate()?;
    Request::new(op).json(body)
}

/// Add `clientRequestId` to the query (when set) and to the error context. A blank one is a
/// validation error, as it is in request bodies.
pub(crate) fn with_read_options<'a>(req: Request<'a>, opts: &'a ReadOptions) -> Result<Request<'a>> {
    with_client_request_id(req, opts.client_request_id.as_deref())
}

/// The query parameter `clientRequestId` (validated as a URL value), also kept for errors.
pub(crate) fn with_client_request_id<'a>(mut req: Request<'a>, id: Option<&'a str>) -> Result<Request<'a>> {
    if let Some(id) = id {
        crate::validate::url_value("clientRequestId", id)?;
        req.query.push(("clientRequestId", id.to_owned()));
        req.client_request_id = Some(id);
    }
    Ok(req)
}
