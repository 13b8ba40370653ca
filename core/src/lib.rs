pub mod api;
pub mod client;
pub mod config;
pub mod dispatch;
pub mod error;
pub mod logging;
pub mod models;
pub mod ops;
pub mod pagination;
pub mod retry;
pub mod token;
pub mod transport;
pub mod validate;
pub mod webhook;

pub use client::Client;
pub use config::{CallOptions, Config, ConfigBuilder, Environment, RetryPolicy, Secret};
pub use error::{Error, ErrorKind, Result};
pub use webhook::{verify as verify_webhook, WebhookPayload, WebhookVerifier};
