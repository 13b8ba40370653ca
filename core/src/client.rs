//! The client and its one shared request path. (Skeleton: signatures are fixed, bodies come later.)
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::CallOptions;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::Operation;

/// One API call, ready to send. Built by the `api` modules.
pub(crate) struct Request<'a> {
    pub op: &'static Operation,
    /// Values for the `{placeholders}` of `op.path`, in order; percent-encoded when sent.
    pub path_params: Vec<&'a str>,
    /// Query parameters (unset optional ones left out).
    pub query: Vec<(&'static str, String)>,
    /// JSON body, serialised once so retries resend the same bytes.
    pub body: Option<Vec<u8>>,
    /// The flow's correlation id, copied into errors.
    pub correlation_id: Option<&'a str>,
    /// The caller's clientRequestId, copied into errors.
    pub client_request_id: Option<&'a str>,
}

impl<'a> Request<'a> {
    pub fn new(op: &'static Operation) -> Self {
        Request { op, path_params: Vec::new(), query: Vec::new(), body: None, correlation_id: None, client_request_id: None }
    }

    pub fn json<B: Serialize>(mut self, body: &B) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::new(ErrorKind::Validation, format!("request body: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }
}

struct Inner {}

/// A Prove API client. Cheap to clone; clones share the token cache and connection pool.
#[derive(Clone)]
pub struct Client {
    #[allow(dead_code)]
    inner: Arc<Inner>,
    /// Per-call overrides carried by this handle (see [`Client::with_options`]).
    opts: Arc<CallOptions>,
}

impl Client {
    /// A handle sharing this client's token cache and connection pool whose calls use `opts`
    /// (e.g. a shorter timeout or another retry policy). Cheap: no new connections or tokens.
    pub fn with_options(&self, opts: CallOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), opts: Arc::new(opts) }
    }

    /// Send `req` and decode a 200 answer into `R`: token handling, retries, timeouts and error
    /// mapping all happen here, once for every operation.
    pub(crate) async fn execute<R: DeserializeOwned>(&self, req: Request<'_>) -> Result<R> {
        let _ = (req, &self.opts);
        Err(Error::new(ErrorKind::Transport, "transport not implemented yet"))
    }
}
