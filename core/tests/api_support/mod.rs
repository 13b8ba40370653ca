//! Shared setup of the API-surface tests: an in-process sandbox and a client pointed at it.
#![allow(dead_code)]

use prove_core::{Client, Config, Error, ErrorKind};
use prove_sandbox::Sandbox;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A fresh sandbox on an ephemeral loopback port and a client with its credentials.
pub async fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = client_for(&sandbox);
    (sandbox, client)
}

/// A client for `sandbox`.
pub fn client_for(sandbox: &Sandbox) -> Client {
    let config = Config::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()
        .expect("config");
    Client::new(config).expect("client")
}

/// Build a request model from its wire JSON (the models are `#[non_exhaustive]`, so outside the
/// crate they are built from defaults or from JSON).
pub fn model<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("valid model JSON")
}

/// A client request id for tests (no personal data).
pub fn rid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Assert `e` is of `kind`.
#[track_caller]
pub fn assert_kind(e: &Error, kind: ErrorKind) {
    assert_eq!(e.kind, kind, "unexpected error: {e}");
}

/// Complete the possession step of a session via the sandbox control and check it was accepted.
#[track_caller]
pub fn possess(sandbox: &Sandbox, correlation_id: &str, action: &str, otp: Option<&str>) -> Value {
    let (status, body) = sandbox.possession(correlation_id, action, otp);
    assert_eq!(status, 200, "possession control answered {status}: {body}");
    body
}
