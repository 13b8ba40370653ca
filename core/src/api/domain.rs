//! Domains: your account's identity, and links between accounts (used by cross-domain identity
//! lookups).
use crate::api::json_request;
use crate::client::{Client, Request};
use crate::error::Result;
use crate::models::*;
use crate::ops;

/// Domain operations. Get one with [`Client::domain`].
#[derive(Clone, Copy)]
pub struct Domain<'c> {
    pub(crate) client: &'c Client,
}

impl Domain<'_> {
    /// `GET /v3/domain/id`: this account's `pcid`, `issuerId` and display name.
    pub async fn id(&self) -> Result<DomainIdResponse> {
        self.client.execute(Request::new(&ops::DOMAIN_ID)).await
    }

    /// `GET /v3/domain/linked`: accounts linked to and from this one, and pending link requests.
    pub async fn linked(&self) -> Result<DomainLinkedResponse> {
        self.client.execute(Request::new(&ops::DOMAIN_LINKED)).await
    }

    /// `POST /v3/domain/link`: ask account `pcid` to link with this one (optionally limited to
    /// `scopes`). The other account confirms with [`confirm_link`](Self::confirm_link).
    ///
    /// Validation: `pcid` required.
    pub async fn link(&self, req: &DomainLinkRequest) -> Result<DomainLinkResponse> {
        self.client.execute(json_request(&ops::DOMAIN_LINK, req)?).await
    }

    /// `POST /v3/domain/confirm-link`: accept the link request from account `pcid`.
    ///
    /// Errors: `NotFound` or `Validation` when no such request is pending.
    pub async fn confirm_link(&self, req: &DomainConfirmLinkRequest) -> Result<DomainConfirmLinkResponse> {
        self.client.execute(json_request(&ops::DOMAIN_CONFIRM_LINK, req)?).await
    }

    /// `POST /v3/domain/unlink`: remove a link or a pending request, from (`pcidFrom`) or to
    /// (`pcidTo`) another account.
    ///
    /// Validation: `pcidFrom` or `pcidTo` required.
    pub async fn unlink(&self, req: &DomainUnlinkRequest) -> Result<DomainUnlinkResponse> {
        self.client.execute(json_request(&ops::DOMAIN_UNLINK, req)?).await
    }
}
