//! Listing every enrolled identity across pages of `GET /v3/identity`.
//!
//! Prove pages the listing with an opaque key: each page may carry `lastKey`, which the next
//! request sends as `startKey`; the last page has none. [`IdentityPages`] follows the keys for you,
//! page by page ([`IdentityPages::next_page`]) or item by item ([`IdentityPages::items`], also
//! reached as `client.identity_manager().list(..)`).
use std::collections::VecDeque;

use futures_util::Stream;

use crate::api::inputs::described;
use crate::api::with_client_request_id;
use crate::client::{Client, Request};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{BatchGetIdentitiesResponse, GetBatchIdentityItem};
use crate::ops;
use crate::validate::{page_limit, url_value};

described! {
    /// Query of one batch-get page (`identityManager.batchGet`). For every page in turn, use
    /// the listing ([`ListIdentities`]) instead.
    BatchGetOptions {
        required {}
        optional {
            limit: Option<u32> = "limit" ("integer") "Page size, 1 to 100 (Prove's default when unset).",
            start_key: Option<String> = "startKey" ("string") "The `lastKey` of the previous page; unset for the first page.",
            show_inactive: Option<bool> = "showInactive" ("boolean") "Include deactivated identities.",
            client_request_id: Option<String> = "clientRequestId" ("string") "A client-generated unique ID for this request (no personal data).",
        }
    }
}

described! {
    /// What to list (`identityManager.list`, `pages` and `listAll`): page size, whether
    /// deactivated identities are included, and an optional `clientRequestId` sent with every
    /// page request.
    ListIdentities {
        required {}
        optional {
            limit: Option<u32> = "limit" ("integer") "Page size, 1 to 100 (Prove's default when unset).",
            show_inactive: Option<bool> = "showInactive" ("boolean") "Include deactivated identities.",
            client_request_id: Option<String> = "clientRequestId" ("string") "A client-generated unique ID sent with every page request (no personal data).",
        }
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

/// A cursor over the pages of the identity listing. Owns a clone of the client, so it can be
/// moved into a task.
pub struct IdentityPages {
    client: Client,
    opts: ListIdentities,
    next_key: Option<String>,
    finished: bool,
    pages: u64,
}

impl std::fmt::Debug for IdentityPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityPages")
            .field("opts", &self.opts)
            .field("has_next_key", &self.next_key.is_some())
            .field("finished", &self.finished)
            .field("pages", &self.pages)
            .finish()
    }
}

impl IdentityPages {
    pub(crate) fn new(client: Client, opts: ListIdentities) -> Self {
        IdentityPages { client, opts, next_key: None, finished: false, pages: 0 }
    }

    /// Number of pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }

    /// Whether the last page has been seen (or an error ended the listing).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The next page, or `None` after the last one. After an error the cursor is finished.
    pub async fn next_page(&mut self) -> Result<Option<BatchGetIdentitiesResponse>> {
        if self.finished {
            return Ok(None);
        }
        let query = BatchGetOptions {
            limit: self.opts.limit,
            start_key: self.next_key.clone(),
            show_inactive: self.opts.show_inactive,
            client_request_id: self.opts.client_request_id.clone(),
        };
        let result: Result<BatchGetIdentitiesResponse> = match batch_get_request(&query) {
            Ok(req) => self.client.execute(req).await,
            Err(e) => Err(e),
        };
        let page = match result {
            Ok(p) => p,
            Err(e) => {
                self.finished = true;
                return Err(e);
            }
        };
        self.pages += 1;
        match page.last_key.as_deref() {
            Some(k) if !k.is_empty() => {
                if query.start_key.as_deref() == Some(k) {
                    // A server handing back the key it was given would make us loop forever.
                    self.finished = true;
                    let mut e = Error::new(
                        ErrorKind::Api,
                        "identity listing returned the same lastKey as the startKey it was given",
                    );
                    e.operation = Some(ops::BATCH_GET_IDENTITIES.id);
                    return Err(e);
                }
                self.next_key = Some(k.to_owned());
            }
            _ => {
                self.next_key = None;
                self.finished = true;
            }
        }
        Ok(Some(page))
    }

    /// The pages as a stream; ends after the last page or after the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<BatchGetIdentitiesResponse>> + Send + 'static {
        futures_util::stream::unfold(self, |mut pages| async move {
            match pages.next_page().await {
                Ok(Some(p)) => Some((Ok(p), pages)),
                Ok(None) => None,
                Err(e) => Some((Err(e), pages)),
            }
        })
    }

    /// The identities of every page, in order; ends after the last page or after the first
    /// error.
    pub fn items(self) -> impl Stream<Item = Result<GetBatchIdentityItem>> + Send + 'static {
        let state = (self, VecDeque::<GetBatchIdentityItem>::new());
        futures_util::stream::unfold(state, |(mut pages, mut buf)| async move {
            loop {
                if let Some(item) = buf.pop_front() {
                    return Some((Ok(item), (pages, buf)));
                }
                match pages.next_page().await {
                    Ok(Some(p)) => buf.extend(p.results),
                    Ok(None) => return None,
                    Err(e) => return Some((Err(e), (pages, buf))),
                }
            }
        })
    }
}
