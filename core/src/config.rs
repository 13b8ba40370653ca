//! Client configuration: environment, credentials, timeouts, retry policy.
//!
//! Build a [`Config`] with [`Config::builder`] or read it from the process environment with
//! [`Config::from_env`], then hand it to [`Client::new`](crate::Client::new).
//!
//! Defaults are chosen to be safe for production use:
//!
//! | setting | default |
//! |---|---|
//! | environment | [`Environment::UatUs`] |
//! | connect timeout | 5 s (one TCP + TLS connection attempt) |
//! | total timeout | 30 s per call, retries and token fetch included |
//! | attempt timeout | none (each attempt may use what is left of the total) |
//! | retries | [`RetryPolicy::default`]: 2 retries, 200 ms initial backoff, 5 s cap |
//! | token URL | `/token` at the host root of the base URL |
//! | response size limit | 4 MiB ([`DEFAULT_MAX_RESPONSE_BYTES`]) per response body, API and token answers alike |
//! | redirects | never followed: a `3xx` answer is an [`ErrorKind::Api`](crate::ErrorKind::Api) error |
//!
//! **Response size limit.** A body is read as it arrives and reading stops as soon as it would
//! exceed `max_response_bytes` (or at once when its `Content-Length` announces more); nothing
//! beyond the limit is buffered. The call then fails with
//! [`ErrorKind::Decode`](crate::ErrorKind::Decode) (the answer arrived but cannot be used), the
//! HTTP status kept and a message naming the limit; it is not retried. `Decode` rather than
//! `Transport` because the server did answer: a retry would only fetch the same oversized body.
//!
//! **Redirects.** Prove never redirects. A `3xx` answer (to an operation or to the token
//! request) is never followed, so neither credentials nor personal data are re-sent to another
//! location: it fails at once, unretried, as `Api` with the `3xx` status and a message saying
//! the redirect was refused (the `Location` is not repeated, as it may carry data).
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default total timeout of one call (all attempts, backoff and token fetch included).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default upper bound of one response body: 4 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// Longest `User-Agent` suffix accepted, in characters (printable ASCII only).
pub const MAX_USER_AGENT_SUFFIX: usize = 256;

/// A Prove environment, or any base URL (for example the sandbox emulator).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://platform.uat.proveapis.com` (default).
    #[default]
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

impl Environment {
    /// The base URL of this environment, without a trailing slash.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::UatUs => "https://platform.uat.proveapis.com",
            Environment::ProdUs => "https://platform.proveapis.com",
            Environment::UatEu => "https://platform.uat.eu.proveapis.com",
            Environment::ProdEu => "https://platform.eu.proveapis.com",
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }

    /// The short name (`uat-us`, `prod-us`, `uat-eu`, `prod-eu`), or `custom`.
    pub fn name(&self) -> &'static str {
        match self {
            Environment::UatUs => "uat-us",
            Environment::ProdUs => "prod-us",
            Environment::UatEu => "uat-eu",
            Environment::ProdEu => "prod-eu",
            Environment::Custom(_) => "custom",
        }
    }
}

impl FromStr for Environment {
    type Err = Error;

    /// Parses `uat-us`, `prod-us`, `uat-eu`, `prod-eu` (case-insensitive, `_` accepted for `-`),
    /// or an `http://` / `https://` URL as [`Environment::Custom`].
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase().replace('_', "-");
        match lower.as_str() {
            "uat-us" => Ok(Environment::UatUs),
            "prod-us" => Ok(Environment::ProdUs),
            "uat-eu" => Ok(Environment::UatEu),
            "prod-eu" => Ok(Environment::ProdEu),
            _ if lower.starts_with("http://") || lower.starts_with("https://") => {
                Ok(Environment::Custom(t.trim_end_matches('/').to_string()))
            }
            _ => Err(Error::validation(
                "environment",
                "expected one of uat-us, prod-us, uat-eu, prod-eu, or an http(s) URL",
            )),
        }
    }
}

/// Retry policy for calls.
///
/// Which failures are retried depends on the operation's [`RetryClass`](crate::ops::RetryClass);
/// see the [`retry`](crate::retry) module for the exact rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 switches retries off.
    pub max_retries: u32,
    /// First backoff; doubled each retry, with full jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff (and of an honoured `Retry-After`).
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries at all: every call makes exactly one attempt (plus the one transparent
    /// re-send after a token refresh on 401).
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }
}

impl Default for RetryPolicy {
    /// 2 retries, 200 ms initial backoff, 5 s maximum backoff.
    fn default() -> Self {
        RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(5) }
    }
}

/// Per-call overrides, applied with [`Client::with_options`](crate::Client::with_options).
/// Unset fields fall back to the client's [`Config`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    /// Total time for this call, retries included.
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
    /// Time limit of one attempt (after which reads and status polls may retry).
    pub attempt_timeout: Option<Duration>,
}

impl CallOptions {
    /// Options that override nothing.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Sets the total timeout of the call.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Sets the retry policy of the call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sets the time limit of one attempt.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
}

/// A secret string, zeroed in memory when dropped and never shown by `Debug` or `Display`.
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret value. Use it only to send it; never log it.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

/// Everything a [`Client`](crate::Client) needs. `Debug` never shows the client secret.
#[derive(Clone)]
pub struct Config {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) environment: Environment,
    pub(crate) token_url: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) max_response_bytes: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("environment", &self.environment)
            .field("token_url", &self.token_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// Names of the environment variables read by [`Config::from_env`].
pub mod env_vars {
    /// The OAuth client id.
    pub const CLIENT_ID: &str = "PROVE_CLIENT_ID";
    /// The OAuth client secret.
    pub const CLIENT_SECRET: &str = "PROVE_CLIENT_SECRET";
    /// `uat-us` (default), `prod-us`, `uat-eu` or `prod-eu`.
    pub const ENV: &str = "PROVE_ENV";
    /// Any base URL; wins over `PROVE_ENV` when both are set.
    pub const BASE_URL: &str = "PROVE_BASE_URL";
    /// Every variable read, for bindings that pass their host's environment through a lookup.
    pub const ALL: [&str; 4] = [CLIENT_ID, CLIENT_SECRET, ENV, BASE_URL];
}

impl Config {
    /// A builder with the safe defaults listed in the [module docs](self).
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and `PROVE_BASE_URL` or `PROVE_ENV`
    /// (default `uat-us`). Errors are `Validation` errors naming the variable.
    pub fn from_env() -> Result<Config> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (useful for bindings that
    /// carry their own environment map, and for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config> {
        Self::builder_from_lookup(lookup)?.build()
    }

    /// The builder [`Config::from_lookup`] builds: credentials and environment read through
    /// `lookup` (with the same checks), every other setting at its default, to be changed before
    /// [`ConfigBuilder::build`].
    pub fn builder_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ConfigBuilder> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let id = get(env_vars::CLIENT_ID).ok_or_else(|| Error::validation(env_vars::CLIENT_ID, "is not set"))?;
        let secret =
            get(env_vars::CLIENT_SECRET).ok_or_else(|| Error::validation(env_vars::CLIENT_SECRET, "is not set"))?;
        let mut b = Config::builder().client_id(id).client_secret(secret);
        if let Some(url) = get(env_vars::BASE_URL) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Error::validation(env_vars::BASE_URL, "must be an http:// or https:// URL"));
            }
            b = b.base_url(url);
        } else if let Some(name) = get(env_vars::ENV) {
            let env = name
                .parse::<Environment>()
                .map_err(|_| Error::validation(env_vars::ENV, "expected one of uat-us, prod-us, uat-eu, prod-eu"))?;
            b = b.environment(env);
        }
        Ok(b)
    }

    /// The OAuth client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The environment (or custom base URL).
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The base URL operations are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.environment.base_url()
    }

    /// Connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// Default total timeout of one call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Default retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Upper bound of one response body in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(&self) -> String {
        let base = concat!("prove-sdk-rust/", env!("CARGO_PKG_VERSION"));
        match &self.user_agent_suffix {
            Some(s) => format!("{base} {s}"),
            None => base.to_string(),
        }
    }
}

/// Builder of [`Config`]; see [`Config::builder`].
#[derive(Clone)]
pub struct ConfigBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    environment: Environment,
    token_url: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    attempt_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    max_response_bytes: usize,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            client_id: None,
            client_secret: None,
            environment: Environment::default(),
            token_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: None,
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The OAuth client id (required).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The OAuth client secret (required). Held zeroed-on-drop and never shown by `Debug`.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// A Prove environment (default `uat-us`).
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }

    /// Any base URL, e.g. the sandbox emulator's; same as `environment(Environment::Custom(url))`.
    /// It must be an absolute `http://` or `https://` URL without a user name or password
    /// (checked by [`ConfigBuilder::build`]: credentials there would be shown wherever the base
    /// URL is, and are not how Prove authenticates).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.environment = Environment::Custom(url.into());
        self
    }

    /// Token endpoint. Absolute URLs are used as given; a path is resolved against the base URL
    /// (an absolute path such as `/token` lands at the host root). Default: `/token`. Like the
    /// base URL, it may not carry a user name or password.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Connect timeout (TCP and TLS) of one attempt. Default 5 s.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Total time of one call, retries, backoff and token fetch included. Default 30 s.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Time limit of one attempt; reads and status polls retry after it. Default: none.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }

    /// Retry policy. Default [`RetryPolicy::default`]; [`RetryPolicy::none`] switches retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Appended to the `User-Agent`, e.g. `node/20.1` (bindings add their host language): at most
    /// [`MAX_USER_AGENT_SUFFIX`] printable ASCII characters (checked by [`ConfigBuilder::build`]).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Upper bound of one response body (API and token answers), in bytes; a larger answer fails
    /// with [`ErrorKind::Decode`](crate::ErrorKind::Decode) without being buffered (see the
    /// [module docs](self)). Must be greater than zero. Default 4 MiB.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Checks the settings and returns the [`Config`].
    pub fn build(self) -> Result<Config> {
        let client_id = self.client_id.filter(|s| !s.trim().is_empty());
        let client_id = client_id.ok_or_else(|| Error::validation("client_id", "is required"))?;
        let client_secret = self.client_secret.filter(|s| !s.is_empty());
        let client_secret = client_secret.ok_or_else(|| Error::validation("client_secret", "is required"))?;
        if let Environment::Custom(url) = &self.environment {
            check_url("base_url", url)?;
        }
        if let Some(t) = &self.token_url {
            if t.contains("://") {
                check_url("token_url", t)?;
            }
            // A relative token URL (`//user:pw@host/token`) can bring userinfo in too.
            let joined = reqwest::Url::parse(self.environment.base_url()).and_then(|b| b.join(t));
            if joined.is_ok_and(|u| has_userinfo(&u)) {
                return Err(userinfo_error("token_url"));
            }
        }
        if self.timeout.is_zero() {
            return Err(Error::validation("timeout", "must be greater than zero"));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::validation("connect_timeout", "must be greater than zero"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::validation("max_response_bytes", "must be greater than zero"));
        }
        if let Some(s) = &self.user_agent_suffix {
            if s.chars().any(|c| c.is_control()) {
                return Err(Error::validation("user_agent_suffix", "must not contain control characters"));
            }
            // Every request carries it: a huge or non-ASCII value makes every call fail.
            if s.len() > MAX_USER_AGENT_SUFFIX || !s.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
                return Err(Error::validation(
                    "user_agent_suffix",
                    format!("must be at most {MAX_USER_AGENT_SUFFIX} printable ASCII characters"),
                ));
            }
        }
        Ok(Config {
            client_id,
            client_secret,
            environment: self.environment,
            token_url: self.token_url,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            attempt_timeout: self.attempt_timeout,
            retry: self.retry,
            user_agent_suffix: self.user_agent_suffix,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

fn check_url(field: &'static str, url: &str) -> Result<()> {
    match reqwest::Url::parse(url) {
        Ok(u) if has_userinfo(&u) => Err(userinfo_error(field)),
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => Ok(()),
        _ => Err(Error::validation(field, "must be an absolute http:// or https:// URL")),
    }
}

fn has_userinfo(u: &reqwest::Url) -> bool {
    !u.username().is_empty() || u.password().is_some()
}

/// Never repeats the URL: it holds the password.
fn userinfo_error(field: &'static str) -> Error {
    Error::validation(field, "must not contain a user name or password (user:password@)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::collections::HashMap;

    #[test]
    fn environment_names_parse() {
        assert_eq!("uat-us".parse::<Environment>().ok(), Some(Environment::UatUs));
        assert_eq!("PROD_EU".parse::<Environment>().ok(), Some(Environment::ProdEu));
        assert_eq!(
            "http://127.0.0.1:9/".parse::<Environment>().ok(),
            Some(Environment::Custom("http://127.0.0.1:9".into()))
        );
        assert!("moon".parse::<Environment>().is_err());
    }

    #[test]
    fn from_lookup_names_missing_variable() {
        let vars: HashMap<&str, &str> = HashMap::from([("PROVE_CLIENT_ID", "id")]);
        let err = Config::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
        assert_eq!(err.field.as_deref(), Some("PROVE_CLIENT_SECRET"));

        let vars: HashMap<&str, &str> =
            HashMap::from([("PROVE_CLIENT_ID", "id"), ("PROVE_CLIENT_SECRET", "s"), ("PROVE_ENV", "mars")]);
        let err = Config::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("PROVE_ENV"));

        let vars: HashMap<&str, &str> = HashMap::from([
            ("PROVE_CLIENT_ID", "id"),
            ("PROVE_CLIENT_SECRET", "s"),
            ("PROVE_ENV", "prod-us"),
            ("PROVE_BASE_URL", "http://localhost:1"),
        ]);
        let cfg = Config::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(cfg.base_url(), "http://localhost:1");
    }

    #[test]
    fn debug_hides_secret_and_user_agent_has_suffix() {
        let cfg = Config::builder()
            .client_id("cid")
            .client_secret("very-secret-value")
            .user_agent_suffix("node/20.1")
            .build()
            .unwrap();
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("very-secret-value"), "{dbg}");
        assert!(dbg.contains("client_secret: <redacted>"), "{dbg}");
        assert!(cfg.user_agent().starts_with("prove-sdk-rust/"));
        assert!(cfg.user_agent().ends_with(" node/20.1"));
    }

    #[test]
    fn urls_with_userinfo_are_refused_without_echo() {
        let b = Config::builder().client_id("cid").client_secret("s");
        for (builder, field) in [
            (b.clone().base_url("https://user:hunter2@example.com"), "base_url"),
            (b.clone().base_url("http://user@127.0.0.1:9"), "base_url"),
            (b.clone().base_url("http://:hunter2@127.0.0.1:9"), "base_url"),
            (b.clone().token_url("https://user:hunter2@example.com/token"), "token_url"),
            (b.clone().base_url("http://127.0.0.1:9").token_url("//user:hunter2@example.com/token"), "token_url"),
        ] {
            let e = builder.build().unwrap_err();
            assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some(field)), "{e}");
            assert!(!e.message.contains("hunter2") && !e.message.contains("user@"), "{e}");
        }
        // An @ in the path or query is not userinfo.
        let c = b.clone().base_url("http://127.0.0.1:9/a@b").token_url("/token?x=a@b").build().unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/a@b");
    }

    #[test]
    fn user_agent_suffix_is_short_printable_ascii() {
        let b = Config::builder().client_id("cid").client_secret("s");
        let longest = "a".repeat(MAX_USER_AGENT_SUFFIX);
        assert!(b.clone().user_agent_suffix(longest.as_str()).build().unwrap().user_agent().ends_with(&longest));
        for bad in ["a".repeat(MAX_USER_AGENT_SUFFIX + 1), "x".repeat(1 << 20), "caf\u{e9}".into(), "a\tb".into()] {
            let e = b.clone().user_agent_suffix(bad).build().unwrap_err();
            assert_eq!(e.field.as_deref(), Some("user_agent_suffix"), "{e}");
        }
    }

    #[test]
    fn response_size_limit_defaults_and_is_checked() {
        let b = Config::builder().client_id("cid").client_secret("s");
        assert_eq!(b.clone().build().unwrap().max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
        assert_eq!(b.clone().max_response_bytes(1).build().unwrap().max_response_bytes(), 1);
        let e = b.max_response_bytes(0).build().unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("max_response_bytes")));
    }
}
