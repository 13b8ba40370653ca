//! Client configuration. (Skeleton: the transport work fills in defaults, from_env, proxy, TLS.)
use std::time::Duration;

/// A Prove environment, or any base URL (for example the sandbox emulator).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://platform.uat.proveapis.com` (default).
    UatUs,
    /// `https://platform.proveapis.com`.
    ProdUs,
    /// `https://platform.uat.eu.proveapis.com`.
    UatEu,
    /// `https://platform.eu.proveapis.com`.
    ProdEu,
    /// Any base URL, e.g. `http://127.0.0.1:8787`.
    Custom(String),
}

/// Retry policy for calls. See the crate docs for which operations retry on what.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 switches retries off.
    pub max_retries: u32,
    /// First backoff; doubled each retry, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff (and of an honoured `Retry-After`).
    pub max_backoff: Duration,
}

/// Per-call overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    /// Total time for this call, retries included.
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
}
