//! Identity attributes of an enrolled identity: discover which are available, then fetch one.
//!
//! `proveId` and `attributeId` travel in the query here, but are held to the rule of ids in a
//! path (no `.`/`..`, no `/`, `\`, `?`, `#`, `;`, `%` or control characters, at most 256
//! characters; see [`crate::validate`]), so an id valid for one operation is valid for all.
use crate::api::{with_read_options, ReadOptions};
use crate::client::{Client, Request};
use crate::error::Result;
use crate::models::*;
use crate::ops;
use crate::validate::path_value;

/// Identity attribute operations. Get one with [`Client::identity_data`].
#[derive(Clone, Copy)]
pub struct IdentityData<'c> {
    pub(crate) client: &'c Client,
}

impl IdentityData<'_> {
    /// `GET /v3/discover?proveId=…`: the attributes available for identity `prove_id`.
    ///
    /// Errors: `NotFound` for an unknown identity.
    pub async fn discover(&self, prove_id: &str, opts: &ReadOptions) -> Result<DiscoverResponse> {
        path_value("proveId", prove_id)?;
        let mut r = Request::new(&ops::DISCOVER);
        r.query.push(("proveId", prove_id.to_owned()));
        self.client.execute(with_read_options(r, opts)?).await
    }

    /// `GET /v3/fetch?proveId=…&attributeId=…`: the value of one attribute of identity
    /// `prove_id` (an `attributeId` from [`discover`](Self::discover)).
    ///
    /// Errors: `NotFound` for an unknown identity or attribute.
    pub async fn fetch(&self, prove_id: &str, attribute_id: &str, opts: &ReadOptions) -> Result<FetchResponse> {
        path_value("proveId", prove_id)?;
        path_value("attributeId", attribute_id)?;
        let mut r = Request::new(&ops::FETCH);
        r.query.push(("proveId", prove_id.to_owned()));
        r.query.push(("attributeId", attribute_id.to_owned()));
        self.client.execute(with_read_options(r, opts)?).await
    }
}
