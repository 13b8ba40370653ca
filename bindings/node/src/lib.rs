//! Node.js adapter over `prove-core` (napi-rs).
//!
//! This crate is a mapping only: every operation, validation rule, retry and error decision lives
//! in `prove-core`. The JavaScript layer of the npm package (`node/lib/`) wraps these exports into
//! `ProveClient`, the error classes and the webhook helpers.
//!
//! Conventions of the boundary:
//! - requests and responses cross as JSON text (wire names), parsed on the other side;
//! - a failed call rejects with a JavaScript `Error` whose message is [`ERROR_PREFIX`] followed by
//!   a JSON object carrying every field of [`prove_core::Error`] (see [`error_json`]), from which
//!   the JavaScript layer builds the matching error class;
//! - panics never cross into JavaScript: napi settles a panicking async call as a rejection, and
//!   every synchronous export runs under `catch_unwind`.
#![deny(missing_docs)]
#![allow(clippy::result_large_err)]
// napi's macros register exports only outside `cfg(test)`; unit-test builds see them as unused.
#![cfg_attr(test, allow(dead_code))]

mod logging;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use napi::bindgen_prelude::{Buffer, Either};
use napi::{Error as NapiError, Status};
use napi_derive::napi;
use prove_core::config::env_vars;
use prove_core::dispatch::{self, ListInput};
use prove_core::pagination::{IdentityPages, ListIdentities};
use prove_core::webhook::{self, EventType};
use prove_core::{CallOptions, Client, Config, Environment, Error, ErrorKind, RetryPolicy};
use serde_json::{Map, Value};

/// Prefix of the message of every error that carries a [`prove_core::Error`] as JSON.
pub const ERROR_PREFIX: &str = "PROVE_SDK_ERROR:";

/// The JSON object describing an SDK error: `kind`, `message`, and `status`, `code`, `field`,
/// `retryAfterMs`, `requestId`, `correlationId`, `operation` when known.
fn error_json(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), Value::from(e.kind.as_str()));
    m.insert("message".into(), Value::from(e.message.as_str()));
    if let Some(s) = e.status {
        m.insert("status".into(), Value::from(s));
    }
    if let Some(c) = e.code {
        m.insert("code".into(), Value::from(c));
    }
    if let Some(f) = &e.field {
        m.insert("field".into(), Value::from(f.as_str()));
    }
    if let Some(d) = e.retry_after {
        m.insert(
            "retryAfterMs".into(),
            Value::from(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        );
    }
    if let Some(r) = &e.request_id {
        m.insert("requestId".into(), Value::from(r.as_str()));
    }
    if let Some(c) = &e.correlation_id {
        m.insert("correlationId".into(), Value::from(c.as_str()));
    }
    if let Some(o) = e.operation {
        m.insert("operation".into(), Value::from(o));
    }
    Value::Object(m)
}

/// Converts an SDK error into the JavaScript error the JS layer understands.
fn to_napi(e: Error) -> NapiError {
    NapiError::new(
        Status::GenericFailure,
        format!("{ERROR_PREFIX}{}", error_json(&e)),
    )
}

/// Runs a synchronous export, turning a panic into an `Api` error instead of unwinding into Node.
fn guarded<T>(what: &str, f: impl FnOnce() -> prove_core::Result<T>) -> napi::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_napi),
        Err(_) => Err(to_napi(Error::new(
            ErrorKind::Api,
            format!("internal error in {what}"),
        ))),
    }
}

fn millis(field: &str, ms: f64) -> prove_core::Result<Duration> {
    if !ms.is_finite() || !(0.0..=86_400_000.0 * 365.0).contains(&ms) {
        return Err(Error::validation(
            field,
            "must be a finite number of milliseconds, at least 0",
        ));
    }
    Ok(Duration::from_secs_f64(ms / 1000.0))
}

fn positive_millis(field: &str, ms: f64) -> prove_core::Result<Duration> {
    let d = millis(field, ms)?;
    if d.is_zero() {
        return Err(Error::validation(field, "must be greater than zero"));
    }
    Ok(d)
}

/// Retry settings of a client or of one call. Unset fields keep the default
/// (2 retries, 200 ms initial backoff, 5 s maximum backoff).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RetryOptions {
    /// Retries after the first attempt; 0 switches retries off.
    pub max_retries: Option<u32>,
    /// First backoff in milliseconds, doubled each retry with full jitter.
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one backoff (and of an honoured `Retry-After`), in milliseconds.
    pub max_backoff_ms: Option<f64>,
}

fn retry_policy(base: &RetryPolicy, r: &RetryOptions) -> prove_core::Result<RetryPolicy> {
    let mut p = base.clone();
    if let Some(n) = r.max_retries {
        p.max_retries = n;
    }
    if let Some(ms) = r.initial_backoff_ms {
        p.initial_backoff = millis("retry.initialBackoffMs", ms)?;
    }
    if let Some(ms) = r.max_backoff_ms {
        p.max_backoff = millis("retry.maxBackoffMs", ms)?;
    }
    Ok(p)
}

/// Settings of a native client. `clientId` and `clientSecret` are required unless the client is
/// built with `fromEnv`.
#[napi(object)]
#[derive(Default)]
pub struct NativeConfig {
    /// OAuth client id.
    pub client_id: Option<String>,
    /// OAuth client secret (never logged or shown).
    pub client_secret: Option<String>,
    /// `uat-us` (default), `prod-us`, `uat-eu`, `prod-eu`, or an http(s) URL.
    pub environment: Option<String>,
    /// Any base URL (for example the sandbox emulator's); wins over `environment`.
    pub base_url: Option<String>,
    /// Token endpoint: an absolute URL, or a path resolved against the base URL.
    pub token_url: Option<String>,
    /// Total time of one call in milliseconds, retries included (default 30 000).
    pub timeout_ms: Option<f64>,
    /// Connect timeout in milliseconds (default 5 000).
    pub connect_timeout_ms: Option<f64>,
    /// Time limit of one attempt in milliseconds (default none).
    pub attempt_timeout_ms: Option<f64>,
    /// Retry policy.
    pub retry: Option<RetryOptions>,
    /// Appended to the `User-Agent` header, e.g. `node/22.1.0`.
    pub user_agent_suffix: Option<String>,
}

impl std::fmt::Debug for NativeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeConfig")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Applies the optional settings (everything but credentials and environment) to a builder.
fn apply_settings(
    mut b: prove_core::ConfigBuilder,
    c: &NativeConfig,
) -> prove_core::Result<prove_core::ConfigBuilder> {
    if let Some(t) = &c.token_url {
        b = b.token_url(t.clone());
    }
    if let Some(ms) = c.timeout_ms {
        b = b.timeout(positive_millis("timeoutMs", ms)?);
    }
    if let Some(ms) = c.connect_timeout_ms {
        b = b.connect_timeout(positive_millis("connectTimeoutMs", ms)?);
    }
    if let Some(ms) = c.attempt_timeout_ms {
        b = b.attempt_timeout(positive_millis("attemptTimeoutMs", ms)?);
    }
    if let Some(r) = &c.retry {
        b = b.retry(retry_policy(&RetryPolicy::default(), r)?);
    }
    if let Some(s) = &c.user_agent_suffix {
        b = b.user_agent_suffix(s.clone());
    }
    Ok(b)
}

fn config_from(c: &NativeConfig) -> prove_core::Result<Config> {
    let mut b = Config::builder();
    if let Some(id) = &c.client_id {
        b = b.client_id(id.clone());
    }
    if let Some(s) = &c.client_secret {
        b = b.client_secret(s.as_str());
    }
    if let Some(url) = &c.base_url {
        b = b.base_url(url.clone());
    } else if let Some(env) = &c.environment {
        b = b.environment(env.parse::<Environment>()?);
    }
    apply_settings(b, c)?.build()
}

/// Reads the credentials and environment from `env` (the process environment as seen by the
/// calling JavaScript thread) with the core's rules, then applies the other settings of `c`.
fn config_from_env(
    env: &std::collections::HashMap<String, String>,
    c: &NativeConfig,
) -> prove_core::Result<Config> {
    let lookup = |k: &str| env.get(k).cloned();
    let checked = Config::from_lookup(lookup)?;
    let secret = env
        .get(env_vars::CLIENT_SECRET)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let b = Config::builder()
        .client_id(checked.client_id())
        .client_secret(secret)
        .environment(checked.environment().clone());
    apply_settings(b, c)?.build()
}

/// Per-call options.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct NativeCallOptions {
    /// Total time of this call in milliseconds, retries included.
    pub timeout_ms: Option<f64>,
    /// Time limit of one attempt in milliseconds.
    pub attempt_timeout_ms: Option<f64>,
    /// Retry policy of this call (unset fields keep the client's).
    pub retry: Option<RetryOptions>,
}

/// The client handle for one call: the shared client, or a cheap view with per-call options.
fn handle(client: &Client, o: Option<&NativeCallOptions>) -> prove_core::Result<Client> {
    let Some(o) = o else {
        return Ok(client.clone());
    };
    if o.timeout_ms.is_none() && o.attempt_timeout_ms.is_none() && o.retry.is_none() {
        return Ok(client.clone());
    }
    let mut opts = CallOptions::new();
    if let Some(ms) = o.timeout_ms {
        opts = opts.timeout(positive_millis("timeoutMs", ms)?);
    }
    if let Some(ms) = o.attempt_timeout_ms {
        opts = opts.attempt_timeout(positive_millis("attemptTimeoutMs", ms)?);
    }
    if let Some(r) = &o.retry {
        opts = opts.retry(retry_policy(client.config().retry(), r)?);
    }
    Ok(client.with_options(opts))
}

fn parse_input(input_json: &str) -> prove_core::Result<Value> {
    if input_json.trim().is_empty() {
        return Ok(Value::Null);
    }
    // The text comes from JSON.stringify; a failure here is a caller bug. Never echo the input.
    serde_json::from_str(input_json).map_err(|_| Error::validation("input", "is not valid JSON"))
}

fn to_text(v: &Value) -> prove_core::Result<String> {
    serde_json::to_string(v).map_err(|_| Error::new(ErrorKind::Decode, "encoding the response"))
}

/// A Prove API client: shares one token cache and connection pool across every call.
#[napi]
pub struct NativeClient {
    client: Client,
}

#[napi]
impl NativeClient {
    /// A client from explicit settings. Does not touch the network.
    #[napi(constructor)]
    pub fn new(config: NativeConfig) -> napi::Result<Self> {
        guarded("client construction", || {
            Ok(NativeClient {
                client: Client::new(config_from(&config)?)?,
            })
        })
    }

    /// A client from `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and `PROVE_BASE_URL` or `PROVE_ENV`
    /// as found in `env`, with the other settings of `config`.
    #[napi(factory)]
    pub fn from_env(
        env: std::collections::HashMap<String, String>,
        config: Option<NativeConfig>,
    ) -> napi::Result<Self> {
        let config = config.unwrap_or_default();
        guarded("client construction", || {
            Ok(NativeClient {
                client: Client::new(config_from_env(&env, &config)?)?,
            })
        })
    }

    /// The base URL operations are sent to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.config().base_url().to_owned()
    }

    /// The environment name (`uat-us`, `prod-us`, `uat-eu`, `prod-eu`, or `custom`).
    #[napi(getter)]
    pub fn environment(&self) -> String {
        self.client.config().environment().name().to_owned()
    }

    /// The `User-Agent` header sent with every request.
    #[napi(getter)]
    pub fn user_agent(&self) -> String {
        self.client.config().user_agent()
    }

    /// Calls `method` (a name from `methods()`) with the request as JSON text; resolves to the
    /// response as JSON text.
    #[napi]
    pub async fn call(
        &self,
        method: String,
        input_json: String,
        options: Option<NativeCallOptions>,
    ) -> napi::Result<String> {
        let client = handle(&self.client, options.as_ref()).map_err(to_napi)?;
        let input = parse_input(&input_json).map_err(to_napi)?;
        let out = dispatch::call_json(&client, &method, input)
            .await
            .map_err(to_napi)?;
        to_text(&out).map_err(to_napi)
    }

    /// A cursor over the pages of the identity listing. `inputJson` holds `limit`,
    /// `showInactive` and `clientRequestId`, all optional.
    #[napi]
    pub fn list_identities(
        &self,
        input_json: String,
        options: Option<NativeCallOptions>,
    ) -> napi::Result<IdentityCursor> {
        guarded("identity listing", || {
            let client = handle(&self.client, options.as_ref())?;
            let input = parse_input(&input_json)?;
            let input = if input.is_null() {
                Value::Object(Map::new())
            } else {
                input
            };
            let i: ListInput =
                serde_json::from_value(input).map_err(|e| list_input_error(&e.to_string()))?;
            let pages = client.identity_manager().pages(ListIdentities {
                limit: i.limit,
                show_inactive: i.show_inactive,
                client_request_id: i.client_request_id,
            });
            Ok(IdentityCursor {
                pages: Arc::new(tokio::sync::Mutex::new(pages)),
            })
        })
    }
}

/// Names the offending field of a listing input without echoing any value.
fn list_input_error(msg: &str) -> Error {
    if let Some((name, _)) = msg
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
    {
        return Error::validation(name, "is not a field of ListInput");
    }
    for name in ["limit", "showInactive", "clientRequestId"] {
        if msg.contains(name) {
            return Error::validation(name, "has the wrong type");
        }
    }
    Error::validation(
        "input",
        "is not a valid ListInput (limit: integer, showInactive: boolean, clientRequestId: string)",
    )
}

/// Page-by-page cursor over `GET /v3/identity`, following `lastKey` for you.
#[napi]
pub struct IdentityCursor {
    pages: Arc<tokio::sync::Mutex<IdentityPages>>,
}

#[napi]
impl IdentityCursor {
    /// The next page as JSON text (a `BatchGetIdentitiesResponse`), or `null` after the last one.
    /// After an error the cursor is finished.
    #[napi]
    pub async fn next_page(&self) -> napi::Result<Option<String>> {
        let pages = Arc::clone(&self.pages);
        let mut guard = pages.lock().await;
        match guard.next_page().await.map_err(to_napi)? {
            Some(page) => {
                let v = serde_json::to_value(page)
                    .map_err(|_| to_napi(Error::new(ErrorKind::Decode, "encoding the page")))?;
                Ok(Some(to_text(&v).map_err(to_napi)?))
            }
            None => Ok(None),
        }
    }
}

/// One dispatchable method.
#[napi(object)]
pub struct MethodInfo {
    /// Stable name, e.g. `flow.start`.
    pub name: String,
    /// Prove's operationId, e.g. `V3StartRequest`.
    pub operation_id: String,
    /// Name of the input type.
    pub request_type: String,
    /// Name of the output type.
    pub response_type: String,
}

/// Every method `NativeClient.call` accepts, in a stable order.
#[napi]
pub fn methods() -> Vec<MethodInfo> {
    dispatch::methods()
        .iter()
        .map(|m| MethodInfo {
            name: m.name.to_owned(),
            operation_id: m.operation_id.to_owned(),
            request_type: m.request_type.to_owned(),
            response_type: m.response_type.to_owned(),
        })
        .collect()
}

fn body_bytes(raw: &Either<Buffer, String>) -> &[u8] {
    match raw {
        Either::A(b) => b.as_ref(),
        Either::B(s) => s.as_bytes(),
    }
}

/// Verifies a webhook delivery (`X-Prove-Authorization` header value or bare token, the exact
/// raw body, the currently valid secrets) and returns the parsed body as JSON text. Throws a
/// `Webhook` error naming what failed.
#[napi]
pub fn verify_webhook(
    authorization: String,
    raw_body: Either<Buffer, String>,
    secrets: Vec<String>,
) -> napi::Result<String> {
    guarded("webhook verification", || {
        if secrets.is_empty() {
            return Err(Error::new(
                ErrorKind::Webhook,
                "webhook verification needs at least one secret",
            ));
        }
        if secrets.iter().any(String::is_empty) {
            return Err(Error::new(
                ErrorKind::Webhook,
                "webhook secret must not be empty",
            ));
        }
        let payload = webhook::verify(
            &authorization,
            body_bytes(&raw_body),
            &secrets,
            SystemTime::now(),
        )?;
        let v = serde_json::to_value(payload)
            .map_err(|_| Error::new(ErrorKind::Decode, "encoding the payload"))?;
        to_text(&v)
    })
}

/// A signed test delivery.
#[napi(object)]
pub struct SignedWebhook {
    /// Value of the `X-Prove-Authorization` header (`Bearer <jwt>`).
    pub authorization: String,
    /// The body to send, exactly as signed.
    pub body: String,
}

/// Signs a webhook delivery exactly as Prove (and the sandbox emulator) does, for tests of your
/// own endpoint. Without `payloadJson`, a sample payload with one notification of `eventType`
/// (default `PHONE_NUMBER_CHANGE`) is signed.
#[napi]
pub fn sign_test_webhook(
    secret: String,
    payload_json: Option<Either<Buffer, String>>,
    event_type: Option<String>,
) -> napi::Result<SignedWebhook> {
    guarded("webhook signing", || {
        if secret.is_empty() {
            return Err(Error::validation("secret", "must not be empty"));
        }
        let body = match &payload_json {
            Some(p) => body_bytes(p).to_vec(),
            None => {
                let et = EventType::from(event_type.as_deref().unwrap_or("PHONE_NUMBER_CHANGE"));
                webhook::sample_payload(&et, SystemTime::now())
            }
        };
        let (authorization, body) =
            webhook::sign_test_webhook(secret.as_bytes(), &body, SystemTime::now());
        let body = String::from_utf8(body)
            .map_err(|_| Error::validation("payloadJson", "must be UTF-8 text"))?;
        Ok(SignedWebhook {
            authorization,
            body,
        })
    })
}

/// The known webhook event types, in wire form.
#[napi]
pub fn webhook_event_types() -> Vec<String> {
    EventType::KNOWN.iter().map(|s| (*s).to_owned()).collect()
}

/// The error kinds, in the stable order of the core.
#[napi]
pub fn error_kinds() -> Vec<String> {
    [
        ErrorKind::Validation,
        ErrorKind::Auth,
        ErrorKind::RateLimited,
        ErrorKind::StepOutOfOrder,
        ErrorKind::NotFound,
        ErrorKind::Api,
        ErrorKind::Timeout,
        ErrorKind::Transport,
        ErrorKind::Decode,
        ErrorKind::Webhook,
    ]
    .iter()
    .map(|k| k.as_str().to_owned())
    .collect()
}

/// The version of the native core.
#[napi]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
