//! Identity Manager: enroll phone numbers for monitoring and manage the enrolled identities.
use crate::api::{json_request, with_client_request_id, with_read_options, ReadOptions};
use crate::client::{Client, Request};
use crate::error::Result;
use crate::models::*;
use crate::ops;
use crate::validate::{page_limit, phone, url_value};

pub use crate::pagination::{IdentityPages, ListIdentities};

/// Query of one batch-get page ([`IdentityManager::batch_get`]). For every page in turn, use
/// [`IdentityManager::list`] instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchGetOptions {
    /// Page size, 1 to 100 (Prove's default when unset).
    pub limit: Option<u32>,
    /// The `lastKey` of the previous page; unset for the first page.
    pub start_key: Option<String>,
    /// Include deactivated identities.
    pub show_inactive: Option<bool>,
    /// A client-generated id for this request (no personal data).
    pub client_request_id: Option<String>,
}

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

    /// `POST /v3/identity/batch`: enroll up to 100 phone numbers; each result is an enrolled
    /// identity or an error message.
    ///
    /// Validation: 1 to 100 `items`, each with a `phoneNumber`.
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

    /// Page-level access to the same listing as [`list`](Self::list).
    pub fn pages(&self, opts: ListIdentities) -> IdentityPages {
        IdentityPages::new(self.client.clone(), opts)
    }

    /// `GET /v3/identity/{proveId}`: one enrolled identity.
    ///
    /// Errors: `NotFound` (code 8011) for an unknown or disenrolled identity.
    pub async fn get(&self, prove_id: &str, opts: &ReadOptions) -> Result<GetIdentityResponse> {
        url_value("proveId", prove_id)?;
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
    /// Errors: `NotFound` for an unknown identity.
    pub async fn activate(&self, prove_id: &str, req: &ActivateIdentityRequest) -> Result<ActivateIdentityResponse> {
        url_value("proveId", prove_id)?;
        let mut r = json_request(&ops::ACTIVATE_IDENTITY, req)?;
        r.path_params.push(prove_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `POST /v3/identity/{proveId}/deactivate`: stop notifications for an identity without
    /// disenrolling it.
    ///
    /// Errors: `NotFound` for an unknown identity.
    pub async fn deactivate(
        &self,
        prove_id: &str,
        req: &DeactivateIdentityRequest,
    ) -> Result<DeactivateIdentityResponse> {
        url_value("proveId", prove_id)?;
        let mut r = json_request(&ops::DEACTIVATE_IDENTITY, req)?;
        r.path_params.push(prove_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }

    /// `DELETE /v3/identity/{proveId}`: remove an identity; monitoring it again needs a new
    /// enrollment.
    ///
    /// Errors: `NotFound` for an unknown identity.
    pub async fn disenroll(&self, prove_id: &str, opts: &ReadOptions) -> Result<DisenrollIdentityResponse> {
        url_value("proveId", prove_id)?;
        let mut r = Request::new(&ops::DISENROLL_IDENTITY);
        r.path_params.push(prove_id);
        self.client.execute(with_read_options(r, opts)?).await
    }

    /// `POST /v3/identity/{identityId}/cross-domain`: the identities linked accounts hold for
    /// the same person.
    ///
    /// Errors: `NotFound` for an unknown identity.
    pub async fn cross_domain(
        &self,
        identity_id: &str,
        req: &CrossDomainIdentityRequest,
    ) -> Result<CrossDomainIdentityResponse> {
        url_value("identityId", identity_id)?;
        let mut r = json_request(&ops::CROSS_DOMAIN_IDENTITY, req)?;
        r.path_params.push(identity_id);
        r.client_request_id = req.client_request_id.as_deref();
        self.client.execute(r).await
    }
}

/// The batch-get request for `opts` (validated).
pub(crate) fn batch_get_request(opts: &BatchGetOptions) -> Result<Request<'_>> {
    page_limit("limit", opts.limit)?;
    if let Some(k) = &opts.start_key {
        url_value("startKey", k)?;
    }
    let mut r = with_client_request_id(Request::new(&ops::BATCH_GET_IDENTITIES), opts.client_request_id.as_deref())?;
    if let Some(l) = opts.limit {
        r.query.push(("limit", l.to_string()));
    }
    if let Some(k) = &opts.start_key {
        r.query.push(("startKey", k.clone()));
    }
    if let Some(s) = opts.show_inactive {
        r.query.push(("showInactive", s.to_string()));
    }
    Ok(r)
}
