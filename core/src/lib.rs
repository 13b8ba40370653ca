//! # prove-core
//!
//! The Rust core of prove-sdk: every operation of Prove's server API, OAuth token management,
//! retries, typed errors, input validation and webhook verification. The Node, Python and
//! Kotlin/Swift packages are thin bindings over this crate.
//!
//! ```no_run
//! use prove_core::{Client, Config, Environment, models::*};
//!
//! # async fn run() -> prove_core::Result<()> {
//! let client = Client::new(
//!     Config::builder()
//!         .client_id("my-client-id")
//!         .client_secret("my-client-secret")
//!         .environment(Environment::UatUs)
//!         .build()?,
//! )?;
//! let started = client.flow().start(&StartRequest::new(FlowType::Mobile).phone_number("2001001695")).await?;
//! let validated = client.flow().validate(&ValidateRequest::new(&started.correlation_id)).await?;
//! if validated.next.allows(&NextStep::Challenge) { /* challenge, then complete */ }
//! # Ok(()) }
//! ```
//!
//! - Product areas: [`Client::flow`], [`Client::verified_users`], [`Client::unify`],
//!   [`Client::identity_manager`], [`Client::identity_data`], [`Client::domain`],
//!   [`Client::device`], [`Client::auth`]; see `docs/METHODS.md` for the map from the official
//!   SDKs' method names.
//! - Tokens: [`token`] (cached, refreshed ahead of expiry, one request in flight, 401 → refresh and
//!   retry once). Retries: [`retry`]. Error mapping: [`transport`] and [`ErrorKind`].
//! - Request models have a `new` taking the required fields and a builder method per field.
//! - Validation before the network: [`validate`]. Webhooks: [`webhook`].
//! - Bindings map the language-neutral surface of [`binding`] (settings, the error as data, the
//!   listing cursor, webhooks, log records, the method table) to their host.
// `Error` carries everything a caller needs (kind, status, code, ids, retry-after) in public
// fields shared by every binding; it is built only on the failure path, so its size is not a cost
// worth an extra allocation.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod binding;
pub mod client;
pub mod config;
pub mod dispatch;
pub mod error;
pub mod logging;
pub mod models;
pub mod ops;
pub mod retry;
pub mod token;
pub mod transport;
pub mod validate;
pub mod webhook;

pub use client::Client;
pub use config::{CallOptions, Config, ConfigBuilder, Environment, RetryPolicy, Secret};
pub use error::{Error, ErrorKind, Result};
pub use webhook::{verify as verify_webhook, WebhookPayload, WebhookVerifier};

// The uniffi scaffolding of the crate (feature `uniffi`): the models' records, enums and custom
// types (`models/uniffi_types.rs`) and `ErrorKind` belong to the `prove_core` namespace, for the
// Kotlin/Swift adapter crate.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
