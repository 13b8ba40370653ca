//! The identity listing as a cursor a binding drives page by page: a cheap, shareable handle
//! whose `next_page` future runs on whatever runtime the binding uses (an event loop's, or one it
//! blocks on for a synchronous API).
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Mutex;

use super::cancel::{cancellable, CancelToken};
use crate::api::pages::{IdentityPages, ListIdentities};
use crate::client::Client;
use crate::dispatch::parse_input;
use crate::error::Result;
use crate::models::BatchGetIdentitiesResponse;

/// Page-by-page cursor over `GET /v3/identity`, following `lastKey`. Clones share the position;
/// concurrent `next_page` calls are served one after the other. After an error, or after the
/// last page, it yields no more pages.
///
/// Cancellation: a page stopped by a token (the cursor's own, see
/// [`stopped_by`](IdentityCursor::stopped_by), or the one given to
/// [`next_page_cancellable`](IdentityCursor::next_page_cancellable)) fails with the token's
/// error and leaves the cursor where it was: the next `next_page` asks for the same page again.
#[derive(Clone, Debug)]
pub struct IdentityCursor {
    pages: Arc<Mutex<IdentityPages>>,
    /// Stops every page once cancelled (a closed client's token).
    stop: Option<CancelToken>,
}

impl IdentityCursor {
    /// A cursor listing what `opts` asks for.
    pub fn new(client: &Client, opts: ListIdentities) -> Self {
        IdentityCursor { pages: Arc::new(Mutex::new(client.identity_manager().pages(opts))), stop: None }
    }

    /// The same cursor, every page of which `token` stops once cancelled (for example the token
    /// a client's `close()` cancels).
    pub fn stopped_by(mut self, token: CancelToken) -> Self {
        self.stop = Some(token);
        self
    }

    /// A cursor from the listing input as JSON (`limit`, `showInactive`, `clientRequestId`, all
    /// optional; `null` for none), checked like the input of any method.
    pub fn from_json(client: &Client, input: Value) -> Result<Self> {
        Ok(IdentityCursor::new(client, parse_input::<ListIdentities>(input, "ListIdentities")?))
    }

    /// The next page, or `None` after the last one.
    pub async fn next_page(&self) -> Result<Option<BatchGetIdentitiesResponse>> {
        self.next_page_cancellable(None).await
    }

    /// The next page, or `None` after the last one, stopped as soon as `cancel` (or the cursor's
    /// own token) is cancelled; before any network call when one already is.
    pub async fn next_page_cancellable(
        &self,
        cancel: Option<&CancelToken>,
    ) -> Result<Option<BatchGetIdentitiesResponse>> {
        let mut tokens: Vec<&CancelToken> = self.stop.iter().collect();
        tokens.extend(cancel);
        // `IdentityPages::next_page` changes its position only once a page has arrived, so
        // dropping it mid-flight leaves the cursor where it was.
        cancellable(async { self.pages.lock().await.next_page().await }, &tokens).await
    }

    /// The next page as JSON (wire names), or `None` after the last one.
    pub async fn next_page_json(&self) -> Result<Option<Value>> {
        self.next_page_json_cancellable(None).await
    }

    /// [`IdentityCursor::next_page_cancellable`] as JSON (wire names).
    pub async fn next_page_json_cancellable(&self, cancel: Option<&CancelToken>) -> Result<Option<Value>> {
        match self.next_page_cancellable(cancel).await? {
            Some(page) => crate::dispatch::to_json(page).map(Some),
            None => Ok(None),
        }
    }

    /// Number of pages fetched so far.
    pub async fn pages_fetched(&self) -> u64 {
        self.pages.lock().await.pages_fetched()
    }

    /// Whether the listing has ended (last page seen, or an error).
    pub async fn is_finished(&self) -> bool {
        self.pages.lock().await.is_finished()
    }
}
