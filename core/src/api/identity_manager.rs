//! Identity Manager: enroll phone numbers for monitoring and manage the enrolled identities.
//!
//! Ids passed as arguments (`proveId`, `identityId`) go into the URL path. Besides being
//! required and at most 256 characters, they may not be `.` or `..` (or dots only) and may not
//! contain `/`, `\`, `?`, `#`, `;`, `%` or control characters, so no id can change which path is
//! requested (see [`crate::validate`], "Path parameters"). `mobileNumber` is digits with an
//! optional `+`.
use crate::api::inputs::IdentityList;
use crate::api::pages::batch_get_request;
use crate::api::{json_request, with_read_options, ReadOptions};
use crate::client::{Client, Request};
use crate::error::Result;
use crate::models::*;
use crate::ops;
use crate::validate::{path_value, phone};

pub use crate::api::pages::{BatchGetOptions, IdentityPages, ListIdentities};

/// Identity Manager operations. Get one with [`Client::identity_manager`].
#[derive(Clone, Copy)]
pub struct IdentityManager<'c> {
    pub(crate) client: &'c Client,
}

impl IdentityManager<'_> {
    /// `POST /v3/identity`: enroll `phoneNumber` for monitoring. Returns the new `proveId`.
    ///
    /// Validation: `phoneNumber` digits with optional `+`.
    pub async fn enroll(&self, req: &EnrollIdentityRequest) -> Result<EnrollIdentityResponse> {
        let mut r = json_request(&ops::ENROLL_IDENTITY, req)?;
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/identity/batch`: enroll up to 100 identities; each result is an enrolled
    /// identity or an error message. Each item is a [`BatchEnrollItem`]: a customer to enroll by
    /// phone number (`EnrollIdentityItem`, the shape to use for enrolment) or an identity of
    /// another domain (`IdentityItem`, the only shape the official SDKs send).
    ///
    /// Validation: 1 to 100 `items`; an enrolment item needs a valid `phoneNumber`, a
    /// cross-domain item a non-blank `clientName`, `identityId` and `pcid`.
    pub async fn batch_enroll(&self, req: &BatchEnrollIdentitiesRequest) -> Result<BatchEnrollIdentitiesResponse> {
        let mut r = json_request(&ops::BATCH_ENROLL_IDENTITIES, req)?;
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `GET /v3/identity`: one page of enrolled identities. Pass the page's `lastKey` as
    /// `start_key` to get the next one, or let [`list`](Self::list) do it.
    ///
    /// Validation: `limit` 1 to 100.
    pub async fn batch_get(&self, opts: &BatchGetOptions) -> Result<BatchGetIdentitiesResponse> {
        self.client.execute(batch_get_request(opts)?).await
    }

    /// Every enrolled identity, page after page (following `lastKey`), as a stream of items.
    /// An error ends the stream after it is yielded. For page-level access use
    /// [`pages`](Self::pages).
    ///
    /// ```no_run
    /// # async fn demo(client: prove_core::Client) -> prove_core::Result<()> {
    /// use futures_util::TryStreamExt;
    /// use prove_core::api::ListIdentities;
    /// let all: Vec<_> = client
    ///     .identity_manager()
    ///     .list(ListIdentities { limit: Some(50), ..Default::default() })
    ///     .try_collect()
    ///     .await?;
    /// # let _ = all; Ok(()) }
    /// ```
    pub fn list(
        &self,
        opts: ListIdentities,
    ) -> impl futures_util::Stream<Item = Result<GetBatchIdentityItem>> + Send + 'static {
        IdentityPages::new(self.client.clone(), opts).items()
    }

    /// Every identity of every page, collected (following `lastKey`), with the number of pages
    /// fetched. For large listings prefer [`list`](Self::list), which holds one page at a time.
    pub async fn list_all(&self, opts: ListIdentities) -> Result<IdentityList> {
        let mut pages = self.pages(opts);
        let mut results = Vec::new();
        while let Some(p) = pages.next_page().await? {
            results.extend(p.results);
        }
        Ok(IdentityList { results, pages: pages.pages_fetched() })
    }

    /// Page-level access to the same listing as [`list`](Self::list).
    pub fn pages(&self, opts: ListIdentities) -> IdentityPages {
        IdentityPages::new(self.client.clone(), opts)
    }

    /// `GET /v3/identity/{proveId}`: one enrolled identity.
    ///
    /// Validation: `proveId` a path value (see the module documentation).
    /// Errors: `NotFound` (code 8011) for an unknown or disenrolled identity.
    pub async fn get(&self, prove_id: &str, opts: &ReadOptions) -> Result<GetIdentityResponse> {
        path_value("proveId", prove_id)?;
        let mut r = Request::new(&ops::GET_IDENTITY);
        r.path_params.push(prove_id);
        self.client.execute(with_read_options(r, opts)?).await
    }

    /// `GET /v3/identity/{mobileNumber}/lookup`: every identity enrolled for a phone number.
    ///
    /// Validation: `mobileNumber` digits with optional `+`.
    pub async fn lookup_by_phone(
        &self,
        mobile_number: &str,
        opts: &ReadOptions,
    ) -> Result<GetIdentitiesByPhoneNumberResponse> {
        phone("mobileNumber", mobile_number)?;
        let mut r = Request::new(&ops::GET_IDENTITIES_BY_PHONE_NUMBER);
        r.path_params.push(mobile_number);
        self.client.execute(with_read_options(r, opts)?).await
    }

    /// `POST /v3/identity/{proveId}/activate`: resume monitoring a deactivated identity.
    ///
    /// Validation: `proveId` a path value (see the module documentation).
    /// Errors: `NotFound` for an unknown identity.
    pub async fn activate(&self, prove_id: &str, req: &ActivateIdentityRequest) -> Result<ActivateIdentityResponse> {
        path_value("proveId", prove_id)?;
        let mut r = json_request(&ops::ACTIVATE_IDENTITY, req)?;
        r.path_params.push(prove_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/identity/{proveId}/deactivate`: stop notifications for an identity without
    /// disenrolling it.
    ///
    /// Validation: `proveId` a path value (see the module documentation).
    /// Errors: `NotFound` for an unknown identity.
    pub async fn deactivate(
        &self,
        prove_id: &str,
        req: &DeactivateIdentityRequest,
    ) -> Result<DeactivateIdentityResponse> {
        path_value("proveId", prove_id)?;
        let mut r = json_request(&ops::DEACTIVATE_IDENTITY, req)?;
        r.path_params.push(prove_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `DELETE /v3/identity/{proveId}`: remove an identity; monitoring it again needs a new
    /// enrollment.
    ///
    /// Validation: `proveId` a path value (see the module documentation).
    /// Errors: `NotFound` for an unknown identity.
    pub async fn disenroll(&self, prove_id: &str, opts: &ReadOptions) -> Result<DisenrollIdentityResponse> {
        path_value("proveId", prove_id)?;
        let mut r = Request::new(&ops::DISENROLL_IDENTITY);
        r.path_params.push(prove_id);
        self.client.execute(with_read_options(r, opts)?).await
    }

    /// `POST /v3/identity/{identityId}/cross-domain`: the identities linked accounts hold for
    /// the same person.
    ///
    /// Validation: `identityId` a path value (see the module documentation).
    /// Errors: `NotFound` for an unknown identity.
    pub async fn cross_domain(
        &self,
        identity_id: &str,
        req: &CrossDomainIdentityRequest,
    ) -> Result<CrossDomainIdentityResponse> {
        path_value("identityId", identity_id)?;
        let mut r = json_request(&ops::CROSS_DOMAIN_IDENTITY, req)?;
        r.path_params.push(identity_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }
}
