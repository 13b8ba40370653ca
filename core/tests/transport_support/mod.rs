//! Shared setup of the transport, token, fault and privacy tests: an in-process sandbox and
//! clients pointed at it with short, test-friendly timings.
#![allow(dead_code)]

use std::time::Duration;

use prove_core::models::DomainIdResponse;
use prove_core::{ops, Client, Config, ConfigBuilder, Error, ErrorKind, Result, RetryPolicy};
use prove_sandbox::Sandbox;
use serde_json::{json, Value};

/// A fresh sandbox on an ephemeral loopback port.
pub async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("sandbox starts")
}

/// Fast retries so fault tests stay quick: 3 retries, 20 ms initial backoff, 2 s cap.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy { max_retries: 3, initial_backoff: Duration::from_millis(20), max_backoff: Duration::from_secs(2) }
}

/// A config builder with the sandbox's credentials and base URL, fast retries and a 10 s budget.
pub fn config_for(sb: &Sandbox) -> ConfigBuilder {
    Config::builder()
        .client_id(sb.client_id())
        .client_secret(sb.client_secret())
        .base_url(sb.base_url())
        .timeout(Duration::from_secs(10))
        .retry(fast_retry())
}

/// A client for `sb` (see [`config_for`]).
pub fn client_for(sb: &Sandbox) -> Client {
    Client::new(config_for(sb).build().expect("config")).expect("client")
}

/// The cheap authenticated read used by the transport tests: `GET /v3/domain/id`.
pub async fn domain_id(c: &Client) -> Result<DomainIdResponse> {
    c.raw_call(&ops::DOMAIN_ID, &[], &[], None).await
}

/// Route template of [`domain_id`] in the sandbox counters.
pub const DOMAIN_ID_PATH: &str = "/v3/domain/id";
/// A state-changing flow step used by the fault tests.
pub const START_PATH: &str = "/v3/start";

/// A valid `/v3/start` body for a documented sandbox test user (a fictitious number).
pub fn start_body() -> Value {
    json!({"flowType": "mobile", "phoneNumber": "2001001695"})
}

/// `POST /v3/start`, decoded as raw JSON.
pub async fn start(c: &Client) -> Result<Value> {
    c.raw_call(&ops::START, &[], &[], Some(&start_body())).await
}

/// Requests counted for one route template.
pub fn hits(sb: &Sandbox, path: &str) -> u64 {
    sb.counters().requests_by_path.get(path).copied().unwrap_or(0)
}

/// Assert `r` failed with `kind`, returning the error.
#[track_caller]
pub fn expect_err<T: std::fmt::Debug>(r: Result<T>, kind: ErrorKind) -> Error {
    match r {
        Ok(v) => panic!("expected a {kind} error, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.kind, kind, "unexpected error: {e}");
            e
        }
    }
}
