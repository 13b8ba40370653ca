//! Node.js adapter over `prove-core` (napi-rs): a mapping only.
//!
//! Settings, per-call options, errors, the listing cursor, webhooks, logging and the method table
//! all come from [`prove_core::binding`]; this crate converts JavaScript values to and from them.
//! The JavaScript layer of the npm package (`node/lib/`) wraps these exports into `ProveClient`,
//! the error classes and the webhook helpers.
//!
//! Conventions of the boundary:
//! - requests and responses cross as JSON text (wire names), parsed on the other side;
//! - a failed call rejects with a JavaScript `Error` whose message is [`ERROR_PREFIX`] followed by
//!   the [`ErrorData`] JSON of the core error, from which the JavaScript layer builds the matching
//!   error class;
//! - panics never cross into JavaScript: napi settles a panicking async call as a rejection, and
//!   every synchronous export runs under [`binding::guard`];
//! - cancellation: a [`CancelHandle`] wraps a [`binding::CancelToken`]; the JavaScript layer
//!   creates one per call that has an `AbortSignal` and cancels it from the signal's `abort`
//!   event. `NativeClient.close()` cancels the client's own token ([`binding::ClientHandle`]).
#![deny(missing_docs)]
#![allow(clippy::result_large_err)]
// napi's macros register exports only outside `cfg(test)`; unit-test builds see them as unused.
#![cfg_attr(test, allow(dead_code))]

mod logging;

use std::collections::HashMap;

use napi::bindgen_prelude::{AsyncBlock, AsyncBlockBuilder, Buffer, Either};
use napi::{Env, Error as NapiError, Status};
use napi_derive::napi;
use prove_core::binding::{
    self, webhook, CallSettings, CancelToken, ClientHandle, ClientSettings, ErrorData, RetrySettings, SettingGroup,
};
use prove_core::{Error, ErrorKind};

/// Prefix of the message of every error that carries a [`prove_core::Error`] as JSON.
pub const ERROR_PREFIX: &str = "PROVE_SDK_ERROR:";

/// Converts an SDK error into the JavaScript error the JS layer understands.
fn to_napi(e: Error) -> NapiError {
    NapiError::new(Status::GenericFailure, format!("{ERROR_PREFIX}{}", ErrorData::from(&e).to_json_text()))
}

/// Runs a synchronous export under [`binding::guard`], mapping its error.
fn guarded<T>(what: &str, f: impl FnOnce() -> prove_core::Result<T>) -> napi::Result<T> {
    binding::guard(what, f).map_err(to_napi)
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

impl From<RetryOptions> for RetrySettings {
    fn from(r: RetryOptions) -> Self {
        RetrySettings {
            max_retries: r.max_retries,
            initial_backoff_ms: r.initial_backoff_ms,
            max_backoff_ms: r.max_backoff_ms,
        }
    }
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
    /// Upper bound of one response body in bytes: a whole number from 1 to 1 GiB (default 4 MiB).
    pub max_response_bytes: Option<f64>,
}

impl From<NativeConfig> for ClientSettings {
    fn from(c: NativeConfig) -> Self {
        ClientSettings {
            client_id: c.client_id,
            client_secret: c.client_secret,
            environment: c.environment,
            base_url: c.base_url,
            token_url: c.token_url,
            timeout_ms: c.timeout_ms,
            connect_timeout_ms: c.connect_timeout_ms,
            attempt_timeout_ms: c.attempt_timeout_ms,
            retry: c.retry.map(Into::into),
            user_agent_suffix: c.user_agent_suffix,
            max_response_bytes: c.max_response_bytes,
        }
    }
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

impl From<NativeCallOptions> for CallSettings {
    fn from(o: NativeCallOptions) -> Self {
        CallSettings {
            timeout_ms: o.timeout_ms,
            attempt_timeout_ms: o.attempt_timeout_ms,
            retry: o.retry.map(Into::into),
        }
    }
}

/// The cancellation of one call: the JavaScript layer makes one for a call given an
/// `AbortSignal` and calls `cancel()` from the signal's `abort` event. Cancelling stops the call
/// at once (its HTTP request is abandoned); a call given a handle cancelled already sends nothing.
#[napi]
#[derive(Default)]
pub struct CancelHandle {
    token: CancelToken,
}

#[napi]
impl CancelHandle {
    /// A handle not yet cancelled.
    #[napi(constructor)]
    pub fn new() -> Self {
        CancelHandle::default()
    }

    /// Cancels every call given this handle. Idempotent; returns whether this call cancelled it.
    #[napi]
    pub fn cancel(&self) -> bool {
        self.token.cancel()
    }

    /// Whether `cancel()` has been called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// A Prove API client: shares one token cache and connection pool across every call.
#[napi]
pub struct NativeClient {
    handle: ClientHandle,
}

#[napi]
impl NativeClient {
    /// A client from explicit settings. Does not touch the network.
    #[napi(constructor)]
    pub fn new(config: NativeConfig) -> napi::Result<Self> {
        guarded("client construction", || {
            Ok(NativeClient { handle: ClientHandle::new(ClientSettings::from(config).to_client()?) })
        })
    }

    /// A client from `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and `PROVE_BASE_URL` or `PROVE_ENV`
    /// as found in `env`, with the other settings of `config`.
    #[napi(factory)]
    pub fn from_env(env: HashMap<String, String>, config: Option<NativeConfig>) -> napi::Result<Self> {
        let settings = ClientSettings::from(config.unwrap_or_default());
        guarded("client construction", || {
            let client = settings.to_client_from_env(|k| env.get(k).cloned())?;
            Ok(NativeClient { handle: ClientHandle::new(client) })
        })
    }

    /// The base URL operations are sent to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.handle.config().base_url().to_owned()
    }

    /// The environment name (`uat-us`, `prod-us`, `uat-eu`, `prod-eu`, or `custom`).
    #[napi(getter)]
    pub fn environment(&self) -> String {
        self.handle.config().environment().name().to_owned()
    }

    /// The `User-Agent` header sent with every request.
    #[napi(getter)]
    pub fn user_agent(&self) -> String {
        self.handle.config().user_agent()
    }

    /// Whether `close()` has been called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.handle.is_closed()
    }

    /// Closes the client: its calls in flight reject at once (`Transport`, "the client is
    /// closed"), later calls reject the same way before any network call. Idempotent; returns
    /// whether this call closed it.
    #[napi]
    pub fn close(&self) -> bool {
        self.handle.close()
    }

    /// Calls `method` (a name from `methods()`) with the request as JSON text; resolves to the
    /// response as JSON text. `cancel` stops the call when cancelled.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call(
        &self,
        env: Env,
        method: String,
        input_json: String,
        options: Option<NativeCallOptions>,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<AsyncBlock<String>> {
        let settings = options.map(CallSettings::from);
        let handle = self.handle.clone();
        let token = cancel.map(|c| c.token.clone());
        AsyncBlockBuilder::new(async move {
            handle.call_text(&method, &input_json, settings.as_ref(), token.as_ref()).await.map_err(to_napi)
        })
        .build(&env)
    }

    /// A cursor over the pages of the identity listing. `inputJson` holds `limit`,
    /// `showInactive` and `clientRequestId`, all optional. `close()` stops its pages too.
    #[napi]
    pub fn list_identities(
        &self,
        input_json: String,
        options: Option<NativeCallOptions>,
    ) -> napi::Result<IdentityCursor> {
        guarded("identity listing", || {
            let settings = options.map(CallSettings::from);
            let input = binding::parse_json_text(&input_json)?;
            Ok(IdentityCursor { cursor: self.handle.identity_cursor(input, settings.as_ref())? })
        })
    }
}

/// Page-by-page cursor over `GET /v3/identity`, following `lastKey` for you.
#[napi]
pub struct IdentityCursor {
    cursor: binding::IdentityCursor,
}

#[napi]
impl IdentityCursor {
    /// The next page as JSON text (a `BatchGetIdentitiesResponse`), or `null` after the last one.
    /// After an error the cursor is finished; a page stopped by `cancel` leaves it where it was.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_page(&self, env: Env, cancel: Option<&CancelHandle>) -> napi::Result<AsyncBlock<Option<String>>> {
        let cursor = self.cursor.clone();
        let token = cancel.map(|c| c.token.clone());
        AsyncBlockBuilder::new(async move {
            match cursor.next_page_json_cancellable(token.as_ref()).await.map_err(to_napi)? {
                Some(page) => binding::to_json_text(&page).map(Some).map_err(to_napi),
                None => Ok(None),
            }
        })
        .build(&env)
    }
}

/// The setting names of `group` (`client`, `fromEnv`, `retry`, `call`, `logger`), in camelCase.
#[napi]
pub fn setting_names(group: String) -> napi::Result<Vec<String>> {
    guarded("setting names", || {
        let g = SettingGroup::from_name(&group).ok_or_else(|| Error::validation("group", "is not a setting group"))?;
        Ok(g.names().iter().map(|s| (*s).to_owned()).collect())
    })
}

/// Throws a `Validation` error naming `key` and suggesting the setting likely meant unless
/// `key` is a setting of `group`.
#[napi]
pub fn check_setting_name(group: String, key: String) -> napi::Result<()> {
    guarded("setting name check", || {
        SettingGroup::from_name(&group).ok_or_else(|| Error::validation("group", "is not a setting group"))?.check(&key)
    })
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
    binding::methods()
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

/// How webhook deliveries are checked; unset fields keep the defaults (body hash checked when
/// present, replays not refused, 60 s leeway, 10 min maximum age).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct NativeWebhookOptions {
    /// Refuse tokens without a `body_sha256` claim.
    pub require_body_hash: Option<bool>,
    /// Accept each token once only (`NativeWebhookVerifier` only: the memory lives in it).
    pub reject_replays: Option<bool>,
    /// Allowed clock difference for `exp`, `iat` and `nbf`, in milliseconds.
    pub leeway_ms: Option<f64>,
    /// Oldest accepted `iat`, in milliseconds.
    pub max_age_ms: Option<f64>,
}

impl From<NativeWebhookOptions> for webhook::WebhookOptions {
    fn from(o: NativeWebhookOptions) -> Self {
        webhook::WebhookOptions {
            require_body_hash: o.require_body_hash.unwrap_or(false),
            reject_replays: o.reject_replays.unwrap_or(false),
            leeway_ms: o.leeway_ms,
            max_age_ms: o.max_age_ms,
        }
    }
}

/// A verified webhook delivery.
#[napi(object)]
pub struct NativeVerifiedWebhook {
    /// The parsed body, as JSON text.
    pub payload_json: String,
    /// The token's `jti` claim, when present.
    pub token_id: Option<String>,
    /// The token's `iat`, in Unix milliseconds.
    pub issued_at_ms: f64,
    /// The token's `exp`, in Unix milliseconds.
    pub expires_at_ms: f64,
    /// Index, in the given list, of the secret whose signature matched.
    pub secret_index: u32,
}

fn unix_ms(t: std::time::SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64)
}

fn native_verified(v: prove_core::webhook::VerifiedWebhook) -> prove_core::Result<NativeVerifiedWebhook> {
    Ok(NativeVerifiedWebhook {
        payload_json: binding::to_json_text(&v.payload)?,
        token_id: v.token_id,
        issued_at_ms: unix_ms(v.issued_at),
        expires_at_ms: unix_ms(v.expires_at),
        secret_index: u32::try_from(v.secret_index).unwrap_or(u32::MAX),
    })
}

/// Verifies a webhook delivery (`X-Prove-Authorization` header value or bare token, the exact
/// raw body, the currently valid secrets) with `options` and returns the parsed body with the
/// token's claims. Throws a `Webhook` error naming what failed. `rejectReplays` is refused here
/// (a single call remembers nothing): use `NativeWebhookVerifier`.
#[napi]
pub fn verify_webhook(
    authorization: String,
    raw_body: Either<Buffer, String>,
    secrets: Vec<String>,
    options: Option<NativeWebhookOptions>,
) -> napi::Result<NativeVerifiedWebhook> {
    let options = webhook::WebhookOptions::from(options.unwrap_or_default());
    guarded("webhook verification", || {
        native_verified(webhook::verify_webhook(&authorization, body_bytes(&raw_body), &secrets, &options)?)
    })
}

/// A webhook verifier kept between deliveries: its secrets, options and (with `rejectReplays`)
/// the memory of the tokens it accepted.
#[napi]
pub struct NativeWebhookVerifier {
    verifier: prove_core::webhook::WebhookVerifier,
}

#[napi]
impl NativeWebhookVerifier {
    /// A verifier for the currently valid `secrets` with `options`.
    #[napi(constructor)]
    pub fn new(secrets: Vec<String>, options: Option<NativeWebhookOptions>) -> napi::Result<Self> {
        let options = webhook::WebhookOptions::from(options.unwrap_or_default());
        guarded("webhook verifier construction", || Ok(NativeWebhookVerifier { verifier: options.verifier(&secrets)? }))
    }

    /// Verifies a delivery now and returns the parsed body with the token's claims.
    #[napi]
    pub fn verify(
        &self,
        authorization: String,
        raw_body: Either<Buffer, String>,
    ) -> napi::Result<NativeVerifiedWebhook> {
        guarded("webhook verification", || {
            native_verified(self.verifier.verify_detailed(&authorization, body_bytes(&raw_body))?)
        })
    }
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
        let signed = webhook::sign_test_webhook(&secret, payload_json.as_ref().map(body_bytes), event_type.as_deref())?;
        Ok(SignedWebhook { authorization: signed.authorization, body: signed.body })
    })
}

/// The known webhook event types, in wire form.
#[napi]
pub fn webhook_event_types() -> Vec<String> {
    webhook::event_types().iter().map(|s| (*s).to_owned()).collect()
}

/// The error kinds, in the stable order of the core.
#[napi]
pub fn error_kinds() -> Vec<String> {
    ErrorKind::ALL.iter().map(|k| k.as_str().to_owned()).collect()
}

/// The environment variables `fromEnv` reads.
#[napi]
pub fn env_vars() -> Vec<String> {
    prove_core::config::env_vars::ALL.iter().map(|s| (*s).to_owned()).collect()
}

/// The version of the native core.
#[napi]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
