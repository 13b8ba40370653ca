//! Structured logging through [`tracing`]; silent unless the host installs a subscriber.
//!
//! Events (target `prove_core::http`):
//!
//! * one per HTTP attempt of an operation: `operation` (Prove's operationId), `method`,
//!   `path` (the **template**, e.g. `/v3/identity/{identityId}`, never the filled path, which
//!   may hold personal data), `attempt` (1-based), `status` (0 when no answer arrived),
//!   `latency_ms` and `outcome` (`ok` or the error kind). Level `DEBUG` on success, `WARN` on
//!   failure.
//! * one per token request: `path` = `/token`, `status`, `latency_ms`, `outcome`.
//!
//! Bodies, headers, query strings, tokens and credentials are never logged.
use std::time::Duration;

use crate::ops::{HttpMethod, Operation};

/// Target of every event of the SDK's HTTP layer.
pub const TARGET: &str = "prove_core::http";

pub(crate) fn method_name(m: HttpMethod) -> &'static str {
    match m {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Delete => "DELETE",
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// One attempt of an operation finished (answered or failed).
pub(crate) fn attempt(op: &Operation, attempt: u32, status: Option<u16>, latency: Duration, outcome: &str) {
    let status = status.unwrap_or(0);
    if outcome == "ok" {
        tracing::debug!(
            target: TARGET,
            operation = op.id,
            method = method_name(op.method),
            path = op.path,
            attempt,
            status,
            latency_ms = millis(latency),
            outcome,
            "prove request"
        );
    } else {
        tracing::warn!(
            target: TARGET,
            operation = op.id,
            method = method_name(op.method),
            path = op.path,
            attempt,
            status,
            latency_ms = millis(latency),
            outcome,
            "prove request failed"
        );
    }
}

/// One token request finished.
pub(crate) fn token_fetch(status: Option<u16>, latency: Duration, outcome: &str) {
    let status = status.unwrap_or(0);
    if outcome == "ok" {
        tracing::debug!(target: TARGET, method = "POST", path = "/token", status, latency_ms = millis(latency), outcome, "prove token");
    } else {
        tracing::warn!(target: TARGET, method = "POST", path = "/token", status, latency_ms = millis(latency), outcome, "prove token failed");
    }
}
