//! An offline emulator of Prove's sandbox: every server operation over real HTTP on loopback,
//! OAuth client credentials, control endpoints under `/sandbox/` and fault injection.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = prove_sandbox::Sandbox::start().await?;
//! println!("{}", sandbox.base_url()); // http://127.0.0.1:PORT
//! # Ok(()) }
//! ```
//!
//! See `sandbox/README.md` for the control endpoints and `sandbox/BEHAVIOUR.md` for how the
//! emulated world differs from Prove.
pub mod api;
mod auth;
mod clock;
mod control;
mod counters;
mod faults;
mod fields;
mod http;
mod routes;
mod server;
mod state;
pub mod webhook;
pub mod world;

pub use counters::{Counters, RecordedRequest};
pub use faults::{Fault, FaultKind, MAX_FAULT_MS, MAX_RETRY_AFTER};
pub use http::MAX_BODY_BYTES;
pub use server::{
    Sandbox, SandboxBuilder, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME,
    REQUEST_LOG_CAPACITY,
};
