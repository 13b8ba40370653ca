//! The identity listing (`GET /v3/identity`, following `lastKey`): one page at a time through
//! [`IdentityPages`], one page by its key ([`BatchGetOptions`]), or every identity at once.
//! Kotlin's `Flow` and Swift's `AsyncSequence` are written over [`IdentityPages`].
use std::sync::Arc;

use prove_core::api::pages;
use prove_core::binding::IdentityCursor;
use prove_core::models::{BatchGetIdentitiesResponse, GetBatchIdentityItem};

use crate::client::CallOptions;
use crate::error::ProveError;
use crate::groups::IdentityManagerApi;
use crate::runtime::run_to_end;

/// What to list: page size, whether deactivated identities are included, and an optional
/// `clientRequestId` sent with every page request.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ListIdentitiesOptions {
    /// Page size, 1 to 100 (Prove's default when unset).
    #[uniffi(default)]
    pub limit: Option<i32>,
    /// Include deactivated identities.
    #[uniffi(default)]
    pub show_inactive: Option<bool>,
    /// A client-generated id sent with every page request (no personal data).
    #[uniffi(default)]
    pub client_request_id: Option<String>,
}

impl From<ListIdentitiesOptions> for pages::ListIdentities {
    fn from(o: ListIdentitiesOptions) -> Self {
        pages::ListIdentities {
            limit: o.limit.map(limit),
            show_inactive: o.show_inactive,
            client_request_id: o.client_request_id,
        }
    }
}

/// Query of one page (`identityManager().batchGet`). For every page in turn use `pages()`.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct BatchGetOptions {
    /// Page size, 1 to 100 (Prove's default when unset).
    #[uniffi(default)]
    pub limit: Option<i32>,
    /// The `lastKey` of the previous page; unset for the first page.
    #[uniffi(default)]
    pub start_key: Option<String>,
    /// Include deactivated identities.
    #[uniffi(default)]
    pub show_inactive: Option<bool>,
    /// A client-generated id for this request (no personal data).
    #[uniffi(default)]
    pub client_request_id: Option<String>,
}

impl From<BatchGetOptions> for pages::BatchGetOptions {
    fn from(o: BatchGetOptions) -> Self {
        pages::BatchGetOptions {
            limit: o.limit.map(limit),
            start_key: o.start_key,
            show_inactive: o.show_inactive,
            client_request_id: o.client_request_id,
        }
    }
}

/// A page size as the core takes it: negative sizes become 0, which the core refuses naming
/// `limit` like any size out of 1 to 100.
fn limit(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// Every identity of every page (`identityManager().listAll`).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct IdentityList {
    /// Every identity, in listing order.
    pub results: Vec<GetBatchIdentityItem>,
    /// Number of pages fetched.
    pub pages: i64,
}

/// A cursor over the pages of the identity listing. `nextPage()` returns the next page, or
/// null/nil after the last one; after an error the listing has ended. A cancelled `nextPage()`
/// leaves the cursor where it was. `close()` of the client stops it.
#[derive(Debug, uniffi::Object)]
pub struct IdentityPages {
    cursor: IdentityCursor,
}

#[uniffi::export]
impl IdentityPages {
    /// The next page, or null/nil after the last one.
    pub async fn next_page(&self) -> Result<Option<BatchGetIdentitiesResponse>, ProveError> {
        let cursor = self.cursor.clone();
        Ok(run_to_end(async move { cursor.next_page().await }).await?)
    }

    /// Number of pages fetched so far.
    pub async fn pages_fetched(&self) -> i64 {
        i64::try_from(self.cursor.pages_fetched().await).unwrap_or(i64::MAX)
    }

    /// Whether the listing has ended (last page seen, or an error).
    pub async fn is_finished(&self) -> bool {
        self.cursor.is_finished().await
    }
}

#[uniffi::export]
impl IdentityManagerApi {
    /// The listing as a cursor, page by page (nothing is fetched until `nextPage()`).
    #[uniffi::method(default(list = None, options = None))]
    pub fn pages(
        &self,
        list: Option<ListIdentitiesOptions>,
        options: Option<CallOptions>,
    ) -> Result<Arc<IdentityPages>, ProveError> {
        let client = self.client.call_client(options)?;
        let cursor = IdentityCursor::new(&client, list.unwrap_or_default().into())
            .stopped_by(self.client.handle.closed_token().clone());
        Ok(Arc::new(IdentityPages { cursor }))
    }
}

#[uniffi::export]
impl IdentityManagerApi {
    /// `GET /v3/identity`: one page of enrolled identities. Pass the page's `lastKey` as
    /// `startKey` to get the next one, or use `pages()`.
    #[uniffi::method(default(query = None, options = None))]
    pub async fn batch_get(
        &self,
        query: Option<BatchGetOptions>,
        options: Option<CallOptions>,
    ) -> Result<BatchGetIdentitiesResponse, ProveError> {
        let q: pages::BatchGetOptions = query.unwrap_or_default().into();
        self.client.run(options, |c| async move { c.identity_manager().batch_get(&q).await }).await
    }

    /// Every identity of every page, collected, with the number of pages fetched.
    #[uniffi::method(default(list = None, options = None))]
    pub async fn list_all(
        &self,
        list: Option<ListIdentitiesOptions>,
        options: Option<CallOptions>,
    ) -> Result<IdentityList, ProveError> {
        let l: pages::ListIdentities = list.unwrap_or_default().into();
        let all = self.client.run(options, |c| async move { c.identity_manager().list_all(l).await }).await?;
        Ok(all.into())
    }
}
