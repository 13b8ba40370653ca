//! Client settings and per-call options in plain units, as every binding receives them from its
//! host (milliseconds as numbers, counts, strings), turned into a [`Config`] or a per-call
//! [`Client`] handle. Range checks name the setting as the host spells it in camelCase
//! (`timeoutMs`, `retry.maxBackoffMs`); the checks of [`ConfigBuilder::build`] name the core's
//! settings (`client_secret`).
use std::fmt;
use std::time::Duration;

use crate::client::Client;
use crate::config::{CallOptions, Config, ConfigBuilder, Environment, RetryPolicy};
use crate::error::{Error, Result};

/// The longest duration a setting accepts: one year, in milliseconds.
pub const MAX_MILLIS: f64 = 86_400_000.0 * 365.0;

/// The largest response size limit a setting accepts: 1 GiB.
pub const MAX_RESPONSE_BYTES: f64 = 1024.0 * 1024.0 * 1024.0;

/// Retry settings of a client or of one call. Unset fields keep the base policy (the client's,
/// or [`RetryPolicy::default`]: 2 retries, 200 ms initial backoff, 5 s maximum backoff).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetrySettings {
    /// Retries after the first attempt; 0 switches retries off.
    pub max_retries: Option<u32>,
    /// First backoff in milliseconds, doubled each retry with full jitter.
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one backoff (and of an honoured `Retry-After`), in milliseconds.
    pub max_backoff_ms: Option<f64>,
}

impl RetrySettings {
    /// No retries at all.
    pub fn none() -> Self {
        RetrySettings { max_retries: Some(0), ..Default::default() }
    }

    /// `base` with these settings applied.
    pub fn apply(&self, base: &RetryPolicy) -> Result<RetryPolicy> {
        let mut p = base.clone();
        if let Some(n) = self.max_retries {
            p.max_retries = n;
        }
        if let Some(ms) = self.initial_backoff_ms {
            p.initial_backoff = millis("retry.initialBackoffMs", ms)?;
        }
        if let Some(ms) = self.max_backoff_ms {
            p.max_backoff = millis("retry.maxBackoffMs", ms)?;
        }
        Ok(p)
    }
}

/// Every setting of a client. `client_id` and `client_secret` are required unless the client is
/// built from the environment ([`ClientSettings::to_config_from_env`]). `Debug` hides the secret.
#[derive(Clone, Default)]
pub struct ClientSettings {
    /// OAuth client id.
    pub client_id: Option<String>,
    /// OAuth client secret.
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
    pub retry: Option<RetrySettings>,
    /// Appended to the `User-Agent` header, e.g. `node/22.1.0`.
    pub user_agent_suffix: Option<String>,
    /// Upper bound of one response body in bytes: a whole number from 1 to
    /// [`MAX_RESPONSE_BYTES`] (default 4 MiB, see
    /// [`ConfigBuilder::max_response_bytes`]).
    pub max_response_bytes: Option<f64>,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("token_url", &self.token_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("attempt_timeout_ms", &self.attempt_timeout_ms)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ClientSettings {
    /// The configuration these settings describe.
    pub fn to_config(&self) -> Result<Config> {
        let mut b = Config::builder();
        if let Some(id) = &self.client_id {
            b = b.client_id(id.clone());
        }
        if let Some(s) = &self.client_secret {
            b = b.client_secret(s.as_str());
        }
        if let Some(url) = &self.base_url {
            b = b.base_url(url.clone());
        } else if let Some(env) = &self.environment {
            b = b.environment(env.parse::<Environment>()?);
        }
        self.apply_options(b)?.build()
    }

    /// Credentials and environment read through `lookup` with the rules of
    /// [`Config::from_env`] (`PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET`, `PROVE_BASE_URL` or
    /// `PROVE_ENV`); every other setting from `self` (its credentials and environment are
    /// ignored). Bindings pass the process environment as their host sees it.
    pub fn to_config_from_env(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<Config> {
        self.apply_options(Config::builder_from_lookup(lookup)?)?.build()
    }

    /// Applies the settings other than credentials and environment.
    fn apply_options(&self, mut b: ConfigBuilder) -> Result<ConfigBuilder> {
        if let Some(t) = &self.token_url {
            b = b.token_url(t.clone());
        }
        if let Some(ms) = self.timeout_ms {
            b = b.timeout(positive_millis("timeoutMs", ms)?);
        }
        if let Some(ms) = self.connect_timeout_ms {
            b = b.connect_timeout(positive_millis("connectTimeoutMs", ms)?);
        }
        if let Some(ms) = self.attempt_timeout_ms {
            b = b.attempt_timeout(positive_millis("attemptTimeoutMs", ms)?);
        }
        if let Some(r) = &self.retry {
            b = b.retry(r.apply(&RetryPolicy::default())?);
        }
        if let Some(s) = &self.user_agent_suffix {
            b = b.user_agent_suffix(s.clone());
        }
        if let Some(n) = self.max_response_bytes {
            b = b.max_response_bytes(byte_count("maxResponseBytes", n)?);
        }
        Ok(b)
    }
}

/// Options of one call. Unset fields keep the client's settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallSettings {
    /// Total time of this call in milliseconds, retries included.
    pub timeout_ms: Option<f64>,
    /// Time limit of one attempt in milliseconds.
    pub attempt_timeout_ms: Option<f64>,
    /// Retry policy of this call (unset fields keep the client's).
    pub retry: Option<RetrySettings>,
}

impl CallSettings {
    /// Whether these settings change nothing.
    pub fn is_empty(&self) -> bool {
        self.timeout_ms.is_none() && self.attempt_timeout_ms.is_none() && self.retry.is_none()
    }

    /// The handle of `client` to make one call with: the client itself when nothing is set, else
    /// a cheap view sharing its token cache and connection pool.
    pub fn apply(&self, client: &Client) -> Result<Client> {
        if self.is_empty() {
            return Ok(client.clone());
        }
        let mut opts = CallOptions::new();
        if let Some(ms) = self.timeout_ms {
            opts = opts.timeout(positive_millis("timeoutMs", ms)?);
        }
        if let Some(ms) = self.attempt_timeout_ms {
            opts = opts.attempt_timeout(positive_millis("attemptTimeoutMs", ms)?);
        }
        if let Some(r) = &self.retry {
            opts = opts.retry(r.apply(client.config().retry())?);
        }
        Ok(client.with_options(opts))
    }
}

/// A duration given in milliseconds: finite, at least 0, at most [`MAX_MILLIS`].
pub fn millis(field: &str, ms: f64) -> Result<Duration> {
    if !ms.is_finite() || !(0.0..=MAX_MILLIS).contains(&ms) {
        return Err(Error::validation(field, "must be a finite number of milliseconds, at least 0"));
    }
    Ok(Duration::from_secs_f64(ms / 1000.0))
}

/// A number of bytes: a whole number from 1 to [`MAX_RESPONSE_BYTES`].
pub fn byte_count(field: &str, n: f64) -> Result<usize> {
    if !n.is_finite() || n.fract() != 0.0 || !(1.0..=MAX_RESPONSE_BYTES).contains(&n) {
        return Err(Error::validation(field, "must be a whole number of bytes from 1 to 1073741824 (1 GiB)"));
    }
    // Exact: a whole number no larger than 2^30.
    Ok(n as usize)
}

/// Like [`millis`], and greater than zero.
pub fn positive_millis(field: &str, ms: f64) -> Result<Duration> {
    let d = millis(field, ms)?;
    if d.is_zero() {
        return Err(Error::validation(field, "must be greater than zero"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::collections::HashMap;

    fn settings() -> ClientSettings {
        ClientSettings {
            client_id: Some("id".into()),
            client_secret: Some("very-secret".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        }
    }

    #[test]
    fn settings_become_a_config() {
        let mut s = settings();
        s.timeout_ms = Some(1500.0);
        s.connect_timeout_ms = Some(250.0);
        s.retry = Some(RetrySettings { max_retries: Some(5), initial_backoff_ms: Some(10.0), max_backoff_ms: None });
        s.user_agent_suffix = Some("python/3.12".into());
        s.max_response_bytes = Some(65536.0);
        let c = s.to_config().unwrap();
        assert_eq!(c.max_response_bytes(), 65536);
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.timeout(), Duration::from_millis(1500));
        assert_eq!(c.connect_timeout(), Duration::from_millis(250));
        assert_eq!(c.retry().max_retries, 5);
        assert_eq!(c.retry().initial_backoff, Duration::from_millis(10));
        assert_eq!(c.retry().max_backoff, RetryPolicy::default().max_backoff);
        assert!(c.user_agent().ends_with(" python/3.12"));
        assert!(!format!("{s:?}").contains("very-secret"));
        let env = ClientSettings { environment: Some("prod-eu".into()), base_url: None, ..settings() };
        assert_eq!(env.to_config().unwrap().environment(), &Environment::ProdEu);
    }

    #[test]
    fn range_checks_name_the_setting() {
        for (s, field) in [
            (ClientSettings { timeout_ms: Some(0.0), ..settings() }, "timeoutMs"),
            (ClientSettings { connect_timeout_ms: Some(f64::NAN), ..settings() }, "connectTimeoutMs"),
            (ClientSettings { attempt_timeout_ms: Some(-1.0), ..settings() }, "attemptTimeoutMs"),
            (
                ClientSettings {
                    retry: Some(RetrySettings { max_backoff_ms: Some(1e300), ..Default::default() }),
                    ..settings()
                },
                "retry.maxBackoffMs",
            ),
            (ClientSettings { max_response_bytes: Some(0.0), ..settings() }, "maxResponseBytes"),
            (ClientSettings { max_response_bytes: Some(-1.0), ..settings() }, "maxResponseBytes"),
            (ClientSettings { max_response_bytes: Some(1.5), ..settings() }, "maxResponseBytes"),
            (ClientSettings { max_response_bytes: Some(f64::INFINITY), ..settings() }, "maxResponseBytes"),
            (ClientSettings { max_response_bytes: Some(MAX_RESPONSE_BYTES + 1.0), ..settings() }, "maxResponseBytes"),
            (ClientSettings { client_secret: None, ..settings() }, "client_secret"),
            (ClientSettings { base_url: None, environment: Some("mars".into()), ..settings() }, "environment"),
        ] {
            let e = s.to_config().unwrap_err();
            assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some(field)), "{e}");
        }
    }

    #[test]
    fn response_size_limit_bounds_are_accepted() {
        for (n, want) in [(1.0, 1), (MAX_RESPONSE_BYTES, 1 << 30)] {
            let s = ClientSettings { max_response_bytes: Some(n), ..settings() };
            assert_eq!(s.to_config().unwrap().max_response_bytes(), want);
        }
        assert_eq!(settings().to_config().unwrap().max_response_bytes(), crate::config::DEFAULT_MAX_RESPONSE_BYTES);
    }

    #[test]
    fn from_env_reads_credentials_and_keeps_the_other_settings() {
        let vars: HashMap<&str, &str> = HashMap::from([
            ("PROVE_CLIENT_ID", "env-id"),
            ("PROVE_CLIENT_SECRET", " s "),
            ("PROVE_BASE_URL", "http://localhost:1"),
        ]);
        let s = ClientSettings { timeout_ms: Some(2000.0), client_id: Some("ignored".into()), ..Default::default() };
        let c = s.to_config_from_env(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!((c.client_id(), c.base_url()), ("env-id", "http://localhost:1"));
        assert_eq!(c.timeout(), Duration::from_secs(2));
        let e = s.to_config_from_env(|_| None).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("PROVE_CLIENT_ID"));
    }

    #[test]
    fn call_settings_override_the_client() {
        let client = Client::new(settings().to_config().unwrap()).unwrap();
        assert!(CallSettings::default().is_empty());
        let view = CallSettings { timeout_ms: Some(40.0), retry: Some(RetrySettings::none()), ..Default::default() }
            .apply(&client)
            .unwrap();
        assert_eq!(view.options().timeout, Some(Duration::from_millis(40)));
        assert_eq!(view.options().retry.as_ref().map(|r| r.max_retries), Some(0));
        let e = CallSettings { attempt_timeout_ms: Some(0.0), ..Default::default() }.apply(&client).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("attemptTimeoutMs"));
    }
}
