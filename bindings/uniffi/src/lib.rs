//! Kotlin (JVM) and Swift adapter over `prove-core` (uniffi): a mapping only.
//!
//! Everything a language needs comes from [`prove_core::binding`] and the core's typed API; this
//! crate gives it the shape uniffi carries:
//!
//! - [`ProveClient`] (settings record, `fromEnv`, `close()`), with one small object per product
//!   area (`client.flow().start(request)`), each operation an `async` method taking and
//!   returning the core's models as records (generated from the core's models, never JSON);
//! - [`CallOptions`] per call (timeout, attempt timeout, retries);
//! - one error type, [`ProveError`] (`ProveException` in Kotlin), one case per
//!   [`ErrorKind`](prove_core::ErrorKind) with every field of the core's error;
//! - [`IdentityPages`], the identity listing page by page (Kotlin's `Flow` and Swift's
//!   `AsyncSequence` are written over it in each package);
//! - webhook verification into typed notifications ([`verify_webhook`], [`WebhookVerifier`]) and
//!   signed test deliveries;
//! - a logging callback interface ([`LogSink`]);
//! - every method as one typed request/response enum with its wire JSON ([`ProveRequest`],
//!   `client.call(request)`), for generic code and the shared test vectors.
//!
//! Async methods run each call to its end on the adapter's tokio runtime (`runtime.rs`); the
//! future Kotlin or Swift polls only waits for the result, so the foreign side is woken once per
//! call. A Kotlin coroutine that is cancelled, or a Swift task, frees that future, which aborts
//! the call: the core's future is dropped there and then, with its HTTP request. `close()`
//! cancels every call in flight.
//!
//! `toString()` (Kotlin) and `debugDescription` (Swift) of the records are the core's `Debug`,
//! exported with `uniffi::export(Debug)`: personal data and secrets show as `<redacted>`, while
//! the values themselves cross intact.
#![allow(clippy::result_large_err)]

mod client;
mod error;
mod groups;
mod listing;
mod logging;
mod runtime;
mod webhooks;
mod wire;

pub use client::{client_from_env, client_from_env_map, CallOptions, ClientSettings, ProveClient, RetrySettings};
pub use error::ProveError;
pub use groups::*;
pub use listing::{BatchGetOptions, IdentityList, IdentityPages, ListIdentitiesOptions};
pub use logging::{add_log_sink, remove_log_sink, LogField, LogLevel, LogRecord, LogSink, LogValue};
pub use webhooks::{
    sign_test_webhook, verify_webhook, SignedWebhook, VerifiedWebhook, WebhookEventType, WebhookNotification,
    WebhookOptions, WebhookVerifier,
};
pub use wire::{
    method_names, request_from_json, request_to_json, response_to_json, EmptyInput, FetchInput, IdentityIdInput,
    MobileNumberInput, ProveIdInput, ProveRequest, ProveResponse,
};

uniffi::setup_scaffolding!();

/// The SDK's version (the crate's), as Kotlin and Swift report it.
#[uniffi::export]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
