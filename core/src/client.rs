//! The client and its one shared request path.
//!
//! Every operation goes through `Client::execute`: it builds the URL, attaches the bearer
//! token (see [`token`](crate::token)), sends the request under the call's total timeout,
//! retries what may be retried (see [`retry`]), maps error answers to
//! [`Error`] (see [`transport`]) and decodes the answer. One log event per
//! attempt is emitted (see [`logging`]).
//!
//! Hardening against a hostile or compromised server, all in this one path:
//!
//! * **No redirects.** The HTTP client follows none (the token request included): a `3xx`
//!   answer fails at once as [`ErrorKind::Api`] with its status and is never retried, so the
//!   client secret, tokens and personal data are never re-sent elsewhere.
//! * **Bounded answers.** Bodies are read as they arrive, at most `max_response_bytes`
//!   (default 4 MiB); a larger answer is an [`ErrorKind::Decode`] error naming the limit.
//! * **No echoed secrets.** The client secret and the access tokens this client has sent are
//!   scrubbed from server text before an error is built from it, and every error leaving
//!   [`Client`] goes through the same scrubbing (see [`transport`]).
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;
use zeroize::Zeroizing;

use crate::config::{CallOptions, Config, RetryPolicy};
use crate::error::{Error, ErrorKind, Result};
use crate::logging;
use crate::models::TokenResponse;
use crate::ops::{self, HttpMethod, Operation};
use crate::retry::{self, parse_retry_after, Failure};
use crate::token::TokenManager;
use crate::transport::{self, AttemptError, Redactor};

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
        Request {
            op,
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            correlation_id: None,
            client_request_id: None,
        }
    }

    pub fn json<B: Serialize>(mut self, body: &B) -> Result<Self> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| Error::new(ErrorKind::Validation, format!("request body: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }
}

/// How a prepared request authenticates and encodes its body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// JSON body (or none), bearer token.
    Json,
    /// Form body with the client credentials, no bearer token (the explicit token operation).
    TokenForm,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    /// Base URL without trailing slash.
    base_url: String,
    tokens: Arc<TokenManager>,
    /// Scrubs the client secret and the tokens sent from every error.
    redactor: Redactor,
}

/// A Prove API client. Cheap to clone; clones share the token cache and connection pool.
///
/// `Debug` shows the environment and client id, never the client secret or tokens.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Per-call overrides carried by this handle (see [`Client::with_options`]).
    opts: Arc<CallOptions>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.config.client_id)
            .field("client_secret", &"<redacted>")
            .field("options", &*self.opts)
            .finish()
    }
}

/// Installs the `ring` TLS provider as the process default unless one is installed already.
fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err means another thread (or the host) installed one first: that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

impl Client {
    /// A client for `config`. Builds the connection pool (TLS with the OS trust store, proxies
    /// from the environment); does not touch the network.
    pub fn new(config: Config) -> Result<Client> {
        ensure_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent())
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            // Prove never redirects; following one would re-send credentials or personal data
            // to wherever the server points. A 3xx becomes an error (see `transport`).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Transport,
                    format!("could not build the HTTP client: {}", transport::classify_reqwest_error(&e).0.message),
                )
            })?;
        let base_url = config.base_url().trim_end_matches('/').to_owned();
        let base = reqwest::Url::parse(&base_url).map_err(|_| Error::validation("base_url", "is not a valid URL"))?;
        let token_url = base
            .join(config.token_url.as_deref().unwrap_or("/token"))
            .map_err(|_| Error::validation("token_url", "is not a valid URL"))?;
        let tokens = Arc::new(TokenManager::new(
            http.clone(),
            token_url,
            config.client_id.clone(),
            config.client_secret.clone(),
            config.timeout,
            config.max_response_bytes,
        ));
        let redactor = Redactor::new(config.client_secret.clone());
        Ok(Client {
            inner: Arc::new(Inner { http, config, base_url, tokens, redactor }),
            opts: Arc::new(CallOptions::default()),
        })
    }

    /// A client configured from `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and `PROVE_BASE_URL`
    /// or `PROVE_ENV`; see [`Config::from_env`].
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env()?)
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The options this handle applies to its calls.
    pub fn options(&self) -> &CallOptions {
        &self.opts
    }

    /// A handle sharing this client's token cache and connection pool whose calls use `opts`
    /// (e.g. a shorter timeout or another retry policy). Cheap: no new connections or tokens.
    pub fn with_options(&self, opts: CallOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), opts: Arc::new(opts) }
    }

    /// The explicit token operation (`V3TokenRequest`): requests a new access token with the
    /// configured credentials and returns Prove's answer as is. The client's own token cache is
    /// neither used nor changed; normal calls never need this. `Debug` of the answer redacts
    /// the tokens.
    pub async fn request_token(&self) -> Result<TokenResponse> {
        let form = [
            ("client_id", self.inner.config.client_id.as_str()),
            ("client_secret", self.inner.config.client_secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let mut body = String::new();
        for (i, (k, v)) in form.iter().enumerate() {
            if i > 0 {
                body.push('&');
            }
            transport::encode_component(k, &mut body);
            body.push('=');
            transport::encode_component(v, &mut body);
        }
        let req = Request { body: Some(body.into_bytes()), ..Request::new(&ops::TOKEN) };
        self.run(req, BodyKind::TokenForm).await
    }

    /// Calls any operation with a JSON body and decodes the answer. Low-level hook for tests
    /// and tools; use the typed methods of the `api` modules instead.
    #[doc(hidden)]
    pub async fn raw_call<R: DeserializeOwned>(
        &self,
        op: &'static Operation,
        path_params: &[&str],
        query: &[(&'static str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<R> {
        let mut req = Request::new(op);
        req.path_params = path_params.to_vec();
        req.query = query.to_vec();
        if let Some(b) = body {
            req = req.json(b)?;
        }
        self.execute(req).await
    }

    /// Send `req` and decode a 200 answer into `R`: token handling, retries, timeouts and error
    /// mapping all happen here, once for every operation.
    pub(crate) async fn execute<R: DeserializeOwned>(&self, req: Request<'_>) -> Result<R> {
        self.run(req, BodyKind::Json).await
    }

    async fn run<R: DeserializeOwned>(&self, req: Request<'_>, kind: BodyKind) -> Result<R> {
        let op = req.op;
        // Every error of the call leaves through here: context filled, secrets scrubbed.
        let ctx = |e: Error| {
            self.inner.redactor.scrub_error(e.with_context(op.id, req.correlation_id, req.client_request_id))
        };
        // No path value may change the path (dot segments, separators), whoever built the request.
        crate::validate::check_path_params(op, &req.path_params).map_err(ctx)?;
        let url = transport::build_url(&self.inner.base_url, op, &req.path_params, &req.query).map_err(ctx)?;
        let cfg = &self.inner.config;
        let policy: &RetryPolicy = self.opts.retry.as_ref().unwrap_or(&cfg.retry);
        let total = self.opts.timeout.unwrap_or(cfg.timeout);
        let attempt_limit = self.opts.attempt_timeout.or(cfg.attempt_timeout);
        let deadline = Instant::now() + total;

        let mut retries = 0u32;
        let mut reauthenticated = false;
        let mut attempt_no = 0u32;
        loop {
            attempt_no += 1;
            let started = Instant::now();
            if started >= deadline {
                return Err(ctx(timeout_error(total)));
            }
            let attempt_deadline = match attempt_limit {
                Some(limit) => deadline.min(started + limit),
                None => deadline,
            };
            let sent = AtomicBool::new(false);
            let outcome = tokio::time::timeout_at(attempt_deadline, self.attempt(&url, &req, kind, &sent)).await;
            let latency = started.elapsed();

            let (attempt_err, token_generation) = match outcome {
                Err(_elapsed) => {
                    logging::attempt(op, attempt_no, None, latency, ErrorKind::Timeout.as_str());
                    if attempt_deadline >= deadline {
                        return Err(ctx(timeout_error(total)));
                    }
                    let failure = if sent.load(Ordering::Relaxed) { Failure::AttemptTimeout } else { Failure::NotSent };
                    (AttemptError::new(Error::new(ErrorKind::Timeout, "the attempt timed out"), failure), None)
                }
                Ok(Err(e)) => {
                    logging::attempt(op, attempt_no, None, latency, e.error.kind.as_str());
                    (e, None)
                }
                Ok(Ok(answer)) => {
                    let status = answer.status;
                    if status == 200 && transport::is_json(answer.content_type.as_deref()) {
                        let decoded = transport::decode::<R>(op, &answer.body);
                        let outcome = match &decoded {
                            Ok(_) => "ok",
                            Err(e) => e.kind.as_str(),
                        };
                        logging::attempt(op, attempt_no, Some(status), latency, outcome);
                        return decoded.map_err(ctx);
                    }
                    let err = if (200..300).contains(&status) {
                        let what =
                            if status == 200 { "an unexpected content type" } else { "an unexpected success status" };
                        Error::new(ErrorKind::Api, format!("HTTP {status} with {what}")).with_status(status)
                    } else {
                        // A 3xx is refused here too, without reading the body.
                        transport::error_from_scrubbed_answer(
                            status,
                            answer.content_type.as_deref(),
                            &answer.body,
                            answer.retry_after,
                            Some(&self.inner.redactor),
                        )
                    };
                    logging::attempt(op, attempt_no, Some(status), latency, err.kind.as_str());
                    let failure =
                        if (200..400).contains(&status) { Failure::Permanent } else { Failure::Status(status) };
                    (AttemptError::new(err, failure), answer.token_generation)
                }
            };

            let AttemptError { error, failure } = attempt_err;
            if failure == Failure::Status(401) && kind == BodyKind::Json && !reauthenticated {
                // The token was rejected: drop it (if still cached), fetch a new one, re-send once.
                if let Some(g) = token_generation {
                    self.inner.tokens.invalidate(g);
                }
                reauthenticated = true;
                continue;
            }
            if retries >= policy.max_retries || !retry::is_retryable(op.retry, failure) {
                return Err(ctx(error));
            }
            let now = Instant::now();
            let remaining = deadline.saturating_duration_since(now);
            let wait = match (failure, error.retry_after) {
                (Failure::Status(429), Some(after)) => {
                    if after > policy.max_backoff || after >= remaining {
                        // Prove asks for more patience than this call has: let the caller decide.
                        return Err(ctx(error));
                    }
                    after
                }
                _ => retry::backoff(policy, retries + 1),
            };
            if wait >= remaining {
                return Err(ctx(error));
            }
            retries += 1;
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: token (when needed), send, read the whole answer. Sets `sent` once the
    /// request is handed to the connection (so a timeout after that may have reached Prove).
    async fn attempt(
        &self,
        url: &str,
        req: &Request<'_>,
        kind: BodyKind,
        sent: &AtomicBool,
    ) -> std::result::Result<Answer, AttemptError> {
        let token = match kind {
            BodyKind::Json => Some(self.inner.tokens.get().await?),
            BodyKind::TokenForm => None,
        };
        let method = match req.op.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let mut rb = self.inner.http.request(method, url).header(reqwest::header::ACCEPT, "application/json");
        if let Some(t) = &token {
            // Known before it is sent, so an answer echoing it can be scrubbed.
            self.inner.redactor.remember(t.generation, t.value());
            rb = rb.bearer_auth(t.value());
        }
        if let Some(body) = &req.body {
            let ct = match kind {
                BodyKind::Json => "application/json",
                BodyKind::TokenForm => "application/x-www-form-urlencoded",
            };
            rb = rb.header(reqwest::header::CONTENT_TYPE, ct).body(body.clone());
        }
        sent.store(true, Ordering::Relaxed);
        let resp = rb.send().await.map_err(|e| {
            let (error, failure) = transport::classify_reqwest_error(&e);
            AttemptError::new(error, failure)
        })?;
        let status = resp.status().as_u16();
        let content_type = transport::content_type(resp.headers());
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = if transport::is_redirect(status) {
            // Refused whatever it says; dropping the answer unread closes the connection.
            drop(resp);
            Zeroizing::new(Vec::new())
        } else {
            transport::read_body(resp, self.inner.config.max_response_bytes).await?
        };
        Ok(Answer { status, content_type, retry_after, body, token_generation: token.map(|t| t.generation) })
    }
}

/// A complete HTTP answer.
struct Answer {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<std::time::Duration>,
    body: Zeroizing<Vec<u8>>,
    token_generation: Option<u64>,
}

fn timeout_error(total: std::time::Duration) -> Error {
    Error::new(ErrorKind::Timeout, format!("the call did not complete within {} ms", total.as_millis()))
}
