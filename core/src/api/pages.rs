//! Listing every enrolled identity across pages of `GET /v3/identity`.
//!
//! Prove pages the listing with an opaque key: each page may carry `lastKey`, which the next
//! request sends as `startKey`; the last page has none. [`IdentityPages`] follows the keys for you,
//! page by page ([`IdentityPages::next_page`]) or item by item ([`IdentityPages::items`], also
//! reached as `client.identity_manager().list(..)`).
//!
//! A server whose keys never lead to a last page cannot make the listing run forever: the cursor
//! remembers every key it has sent, and a `lastKey` it was already given (the same key again, or
//! a cycle such as A, B, A) ends the listing with an `Api` error. A listing also ends with an
//! `Api` error when it would need more than [`MAX_PAGES`] pages (a bound against a server handing
//! out fresh keys forever; with 100 identities per page that is ten million identities; see
//! [`IdentityPages::max_pages`] to choose another bound).
use std::collections::{HashSet, VecDeque};

use futures_util::Stream;
use sha2::{Digest, Sha256};

use crate::api::inputs::described;
use crate::api::with_client_request_id;
use crate::client::{Client, Request};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{BatchGetIdentitiesResponse, GetBatchIdentityItem};
use crate::ops;
use crate::validate::{page_limit, url_value};

described! {
    /// Query of one batch-get page (`identityManager.batchGet`). For every page in turn, use
    /// the listing (`ListIdentities`) instead.
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

/// The default bound on the number of pages one listing fetches (see the module documentation).
pub const MAX_PAGES: u64 = 100_000;

/// A cursor over the pages of the identity listing. Owns a clone of the client, so it can be
/// moved into a task.
pub struct IdentityPages {
    client: Client,
    opts: ListIdentities,
    next_key: Option<String>,
    finished: bool,
    pages: u64,
    /// SHA-256 of every `startKey` sent so far (32 bytes per page whatever the key's length).
    sent_keys: HashSet<[u8; 32]>,
    max_pages: u64,
}

fn key_digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// The error that ends a listing the server would not let end.
fn listing_error(message: String) -> Error {
    let mut e = Error::new(ErrorKind::Api, message);
    e.operation = Some(ops::BATCH_GET_IDENTITIES.id);
    e
}

impl std::fmt::Debug for IdentityPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityPages")
            .field("opts", &self.opts)
            .field("has_next_key", &self.next_key.is_some())
            .field("finished", &self.finished)
            .field("pages", &self.pages)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

impl IdentityPages {
    pub(crate) fn new(client: Client, opts: ListIdentities) -> Self {
        IdentityPages {
            client,
            opts,
            next_key: None,
            finished: false,
            pages: 0,
            sent_keys: HashSet::new(),
            max_pages: MAX_PAGES,
        }
    }

    /// The same cursor with another bound on the number of pages (default [`MAX_PAGES`]; at
    /// least 1): when the page at the bound still has a `lastKey`, the listing ends with an
    /// `Api` error instead of fetching more.
    pub fn max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages.max(1);
        self
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
        if let Some(k) = &query.start_key {
            self.sent_keys.insert(key_digest(k));
        }
        match page.last_key.as_deref() {
            Some(k) if !k.is_empty() => {
                if self.sent_keys.contains(&key_digest(k)) {
                    // A server handing back a key it was given before (the one just sent, or an
                    // earlier one: A, B, A, …) would make us loop forever.
                    self.finished = true;
                    return Err(listing_error(format!(
                        "identity listing returned a lastKey it had already been given as startKey \
                         (page {}): the listing would never end",
                        self.pages
                    )));
                }
                if self.pages >= self.max_pages {
                    self.finished = true;
                    return Err(listing_error(format!(
                        "identity listing did not end within {} pages (the bound of this listing)",
                        self.max_pages
                    )));
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
