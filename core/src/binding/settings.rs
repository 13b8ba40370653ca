//! Client settings and per-call options in plain units, as every binding receives them from its
//! host (milliseconds as numbers, counts, strings), turned into a [`Config`] or a per-call
//! [`Client`] handle. Every error names the setting as the host spells it in camelCase
//! (`timeoutMs`, `retry.maxBackoffMs`, `clientSecret`): the checks of [`ConfigBuilder::build`],
//! which name the core's settings (`client_secret`), are renamed through [`BINDING_FIELD_NAMES`].
//!
//! The names of the settings are listed here too ([`SettingGroup`]), so that each binding refuses
//! a setting it does not know, with a suggestion, instead of silently ignoring it: a misspelt
//! `baseURL` would otherwise send the credentials to Prove's default environment.
use std::fmt;
use std::time::Duration;

use crate::client::Client;
use crate::config::{CallOptions, Config, ConfigBuilder, Environment, RetryPolicy};
use crate::error::{Error, Result};

/// The longest duration a setting accepts: one year, in milliseconds.
pub const MAX_MILLIS: f64 = 86_400_000.0 * 365.0;

/// The largest response size limit a setting accepts: 1 GiB.
pub const MAX_RESPONSE_BYTES: f64 = 1024.0 * 1024.0 * 1024.0;

/// The settings of a client, as bindings name them (camelCase).
pub const CLIENT_SETTINGS: &[&str] = &[
    "clientId",
    "clientSecret",
    "environment",
    "baseUrl",
    "tokenUrl",
    "timeoutMs",
    "connectTimeoutMs",
    "attemptTimeoutMs",
    "retry",
    "userAgentSuffix",
    "maxResponseBytes",
];

/// The settings of a client built from the environment: those of [`CLIENT_SETTINGS`] except the
/// credentials and the environment, which come from `PROVE_*` variables.
pub const FROM_ENV_SETTINGS: &[&str] =
    &["tokenUrl", "timeoutMs", "connectTimeoutMs", "attemptTimeoutMs", "retry", "userAgentSuffix", "maxResponseBytes"];

/// The fields of a retry policy (`retry: {...}` of a client).
pub const RETRY_SETTINGS: &[&str] = &["maxRetries", "initialBackoffMs", "maxBackoffMs"];

/// The options of one call: the [`CallSettings`] (`retries` standing for `retry.maxRetries`),
/// `clientRequestId` (sent as the request's field when it has one) and `signal` (the host's
/// cancellation, mapped to a [`CancelToken`](super::CancelToken)).
pub const CALL_SETTINGS: &[&str] = &["timeoutMs", "attemptTimeoutMs", "retries", "clientRequestId", "signal"];

/// The options of a logger (`level`: `debug` or `warn`).
pub const LOGGER_SETTINGS: &[&str] = &["level"];

/// A group of setting names a binding checks an object's keys against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingGroup {
    /// [`CLIENT_SETTINGS`].
    Client,
    /// [`FROM_ENV_SETTINGS`].
    ClientFromEnv,
    /// [`RETRY_SETTINGS`], reported under `retry.`.
    Retry,
    /// [`CALL_SETTINGS`].
    Call,
    /// [`LOGGER_SETTINGS`].
    Logger,
}

/// How many characters of an unknown key an error repeats.
const MAX_SHOWN_KEY: usize = 64;

impl SettingGroup {
    /// Every group.
    pub const ALL: [SettingGroup; 5] = [
        SettingGroup::Client,
        SettingGroup::ClientFromEnv,
        SettingGroup::Retry,
        SettingGroup::Call,
        SettingGroup::Logger,
    ];

    /// The stable name bindings pass: `client`, `fromEnv`, `retry`, `call`, `logger`.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingGroup::Client => "client",
            SettingGroup::ClientFromEnv => "fromEnv",
            SettingGroup::Retry => "retry",
            SettingGroup::Call => "call",
            SettingGroup::Logger => "logger",
        }
    }

    /// The group named `name` (see [`SettingGroup::as_str`]).
    pub fn from_name(name: &str) -> Option<SettingGroup> {
        SettingGroup::ALL.into_iter().find(|g| g.as_str() == name)
    }

    /// The setting names of the group, in camelCase.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            SettingGroup::Client => CLIENT_SETTINGS,
            SettingGroup::ClientFromEnv => FROM_ENV_SETTINGS,
            SettingGroup::Retry => RETRY_SETTINGS,
            SettingGroup::Call => CALL_SETTINGS,
            SettingGroup::Logger => LOGGER_SETTINGS,
        }
    }

    fn what(self) -> &'static str {
        match self {
            SettingGroup::Client | SettingGroup::ClientFromEnv => "a client setting",
            SettingGroup::Retry => "a retry setting",
            SettingGroup::Call => "a per-call option",
            SettingGroup::Logger => "a logger option",
        }
    }

    /// Whether `key` is a setting of the group (exactly as spelt).
    pub fn contains(self, key: &str) -> bool {
        self.names().contains(&key)
    }

    /// `Ok` when `key` is a setting of the group; else a `Validation` error naming the key (as
    /// `retry.<key>` in the retry group; at most 64 characters of it, control characters
    /// replaced) and suggesting the setting most likely meant: `baseURL` → "did you mean
    /// baseUrl?", `timeout` → "did you mean timeoutMs?".
    pub fn check(self, key: &str) -> Result<()> {
        if self.contains(key) {
            return Ok(());
        }
        let shown = shown_key(key);
        let field = if self == SettingGroup::Retry { format!("retry.{shown}") } else { shown };
        let what = self.what();
        let message = if self == SettingGroup::ClientFromEnv && CLIENT_SETTINGS.contains(&key) {
            "is not an option of fromEnv: the credentials and the environment are read from \
             PROVE_CLIENT_ID, PROVE_CLIENT_SECRET and PROVE_BASE_URL or PROVE_ENV"
                .to_owned()
        } else if let Some(s) = suggest(key, self.names()) {
            format!("is not {what}; did you mean {s}?")
        } else if let Some(other) = self.elsewhere(key) {
            format!("is not {what} (it is {})", other.what())
        } else {
            format!("is not {what} (known: {})", self.names().join(", "))
        };
        Err(Error::validation(field, message))
    }

    /// Checks every key of an object; the first unknown one is the error.
    pub fn check_all<'a>(self, keys: impl IntoIterator<Item = &'a str>) -> Result<()> {
        keys.into_iter().try_for_each(|k| self.check(k))
    }

    /// The other group a misplaced key belongs to: a per-call option given to a client, or a
    /// client setting given to a call.
    fn elsewhere(self, key: &str) -> Option<SettingGroup> {
        let other = match self {
            SettingGroup::Client | SettingGroup::ClientFromEnv => SettingGroup::Call,
            SettingGroup::Call => SettingGroup::Client,
            SettingGroup::Retry | SettingGroup::Logger => return None,
        };
        other.contains(key).then_some(other)
    }
}

/// At most [`MAX_SHOWN_KEY`] characters of `key`, control characters replaced by `?`.
fn shown_key(key: &str) -> String {
    let mut out: String = key.chars().take(MAX_SHOWN_KEY).map(|c| if c.is_control() { '?' } else { c }).collect();
    if key.chars().nth(MAX_SHOWN_KEY).is_some() {
        out.push('…');
    }
    out
}

/// The known name `key` most likely stands for: the same name in another case
/// (`baseURL` → `baseUrl`), else the nearest by edit distance when it is close (at most a third
/// of the longer of the two, at least 1), else a name that contains the key or is contained in it
/// (`secret` → `clientSecret`; at least 4 characters), else one starting the same way (`retries`
/// → `retry`). `None` when nothing is close.
pub fn suggest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let key: String = key.chars().take(MAX_SHOWN_KEY).collect::<String>().to_lowercase();
    if key.is_empty() {
        return None;
    }
    let lower: Vec<(String, &'static str)> = known.iter().map(|k| (k.to_lowercase(), *k)).collect();
    let near = lower
        .iter()
        .map(|(l, k)| (edit_distance(&key, l), *k, l.chars().count()))
        .filter(|(d, _, len)| *d <= ((*len).max(key.chars().count()) / 3).max(1))
        .min_by_key(|(d, _, _)| *d);
    if let Some((_, k, _)) = near {
        return Some(k);
    }
    let containing = lower
        .iter()
        .filter(|(l, _)| {
            let shorter = l.chars().count().min(key.chars().count());
            shorter >= 4 && (l.contains(key.as_str()) || key.contains(l.as_str()))
        })
        .min_by_key(|(l, _)| l.len());
    if let Some((_, k)) = containing {
        return Some(k);
    }
    // Another form of the same word (`retries` ↔ `retry`): a shared start of at least 4
    // characters and two thirds of the shorter.
    lower
        .iter()
        .map(|(l, k)| (l.chars().zip(key.chars()).take_while(|(a, b)| a == b).count(), l.chars().count(), *k))
        .filter(|(common, len, _)| *common >= 4 && *common * 3 >= (*len).min(key.chars().count()) * 2)
        .max_by_key(|(common, _, _)| *common)
        .map(|(_, _, k)| k)
}

/// Edit distance by characters, a swap of two neighbours counting as one edit (optimal string
/// alignment): `levle` is one edit from `level`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The names [`ConfigBuilder::build`] and [`Client::new`] give their settings in errors, and the
/// names the bindings' users know them by. One table for every binding.
pub const BINDING_FIELD_NAMES: &[(&str, &str)] = &[
    ("client_id", "clientId"),
    ("client_secret", "clientSecret"),
    ("base_url", "baseUrl"),
    ("token_url", "tokenUrl"),
    ("timeout", "timeoutMs"),
    ("connect_timeout", "connectTimeoutMs"),
    ("attempt_timeout", "attemptTimeoutMs"),
    ("user_agent_suffix", "userAgentSuffix"),
    ("max_response_bytes", "maxResponseBytes"),
];

/// The binding's name of a setting the core names `core_name` (unchanged when not in
/// [`BINDING_FIELD_NAMES`], e.g. `PROVE_CLIENT_ID` or `environment`).
pub fn binding_field_name(core_name: &str) -> &str {
    BINDING_FIELD_NAMES.iter().find(|(c, _)| *c == core_name).map_or(core_name, |(_, b)| b)
}

/// `e` with its field (and the field at the head of its message) renamed by
/// [`binding_field_name`].
pub fn rename_field(mut e: Error) -> Error {
    let Some(field) = e.field.as_deref() else { return e };
    let renamed = binding_field_name(field);
    if renamed == field {
        return e;
    }
    if let Some(rest) = e.message.strip_prefix(field).and_then(|r| r.strip_prefix(": ")) {
        e.message = format!("{renamed}: {rest}");
    }
    e.field = Some(renamed.to_owned());
    e
}

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
    /// The configuration these settings describe. Errors name the settings as bindings do
    /// (`clientSecret`, not `client_secret`).
    pub fn to_config(&self) -> Result<Config> {
        self.build_config().map_err(rename_field)
    }

    /// The client these settings describe (see [`ClientSettings::to_config`]).
    pub fn to_client(&self) -> Result<Client> {
        Client::new(self.to_config()?).map_err(rename_field)
    }

    /// The client [`ClientSettings::to_config_from_env`] describes.
    pub fn to_client_from_env(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<Client> {
        Client::new(self.to_config_from_env(lookup)?).map_err(rename_field)
    }

    fn build_config(&self) -> Result<Config> {
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
        self.apply_options(Config::builder_from_lookup(lookup)?)?.build().map_err(rename_field)
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
            (ClientSettings { client_secret: None, ..settings() }, "clientSecret"),
            (ClientSettings { client_id: Some(" ".into()), ..settings() }, "clientId"),
            (ClientSettings { base_url: Some("http://u:p@127.0.0.1:9".into()), ..settings() }, "baseUrl"),
            (ClientSettings { token_url: Some("ftp://127.0.0.1/token".into()), ..settings() }, "tokenUrl"),
            (ClientSettings { user_agent_suffix: Some("x".repeat(300)), ..settings() }, "userAgentSuffix"),
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

    fn refusal(group: SettingGroup, key: &str) -> Error {
        let e = group.check(key).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        e
    }

    #[test]
    fn every_listed_setting_is_accepted() {
        for g in SettingGroup::ALL {
            assert_eq!(SettingGroup::from_name(g.as_str()), Some(g));
            g.check_all(g.names().iter().copied()).unwrap();
        }
        assert_eq!(SettingGroup::from_name("Client"), None);
        // fromEnv takes the client settings other than credentials and environment.
        for name in FROM_ENV_SETTINGS {
            assert!(CLIENT_SETTINGS.contains(name), "{name}");
        }
        for name in ["clientId", "clientSecret", "environment", "baseUrl"] {
            let e = refusal(SettingGroup::ClientFromEnv, name);
            assert_eq!(e.field.as_deref(), Some(name));
            assert!(e.message.contains("PROVE_BASE_URL"), "{e}");
        }
    }

    #[test]
    fn unknown_settings_are_refused_with_the_likely_one() {
        for (group, key, field, meant) in [
            (SettingGroup::Client, "baseURL", "baseURL", "baseUrl"),
            (SettingGroup::Client, "BaseUrl", "BaseUrl", "baseUrl"),
            (SettingGroup::Client, "timeoutMS", "timeoutMS", "timeoutMs"),
            (SettingGroup::Client, "timeout", "timeout", "timeoutMs"),
            (SettingGroup::Client, "clientSecert", "clientSecert", "clientSecret"),
            (SettingGroup::Client, "secret", "secret", "clientSecret"),
            (SettingGroup::Client, "tokenURL", "tokenURL", "tokenUrl"),
            (SettingGroup::Client, "retries", "retries", "retry"),
            (SettingGroup::Client, "userAgent", "userAgent", "userAgentSuffix"),
            (SettingGroup::ClientFromEnv, "timeoutMS", "timeoutMS", "timeoutMs"),
            (SettingGroup::Call, "timeout", "timeout", "timeoutMs"),
            (SettingGroup::Call, "retry", "retry", "retries"),
            (SettingGroup::Call, "clientRequestID", "clientRequestID", "clientRequestId"),
            (SettingGroup::Call, "signa", "signa", "signal"),
            (SettingGroup::Retry, "maxRetry", "retry.maxRetry", "maxRetries"),
            (SettingGroup::Retry, "retries", "retry.retries", "maxRetries"),
            (SettingGroup::Logger, "levle", "levle", "level"),
        ] {
            let e = refusal(group, key);
            assert_eq!(e.field.as_deref(), Some(field), "{e}");
            assert!(e.message.ends_with(&format!("; did you mean {meant}?")), "{group:?} {key}: {e}");
        }
    }

    #[test]
    fn misplaced_and_unrelated_keys_say_what_is_known() {
        let e = refusal(SettingGroup::Client, "signal");
        assert_eq!(e.message, "signal: is not a client setting (it is a per-call option)");
        let e = refusal(SettingGroup::Call, "baseUrl");
        assert_eq!(e.message, "baseUrl: is not a per-call option (it is a client setting)");
        let e = refusal(SettingGroup::Call, "zzz");
        assert_eq!(
            e.message,
            "zzz: is not a per-call option (known: timeoutMs, attemptTimeoutMs, retries, clientRequestId, signal)"
        );
        // Short keys get no guess from containment.
        assert!(refusal(SettingGroup::Client, "url").message.contains("(known: "));
        assert_eq!(suggest("", CLIENT_SETTINGS), None);
        // Long keys are cut, control characters replaced; the suggestion still works on the cut.
        let long = format!("baseURL{}", "x".repeat(5000));
        let e = refusal(SettingGroup::Client, &long);
        let field = e.field.unwrap();
        assert_eq!(field.chars().count(), 65, "{field}");
        assert!(field.ends_with('…') && e.message.len() < 400);
        assert_eq!(
            (edit_distance("levle", "level"), edit_distance("", "ab"), edit_distance("kitten", "sitting")),
            (1, 2, 3)
        );
        let e = refusal(SettingGroup::Call, "a\r\nb");
        assert_eq!(e.field.as_deref(), Some("a??b"));
    }

    #[test]
    fn config_errors_name_the_binding_settings() {
        // Every name the core's checks use maps to a setting bindings know.
        for (core, binding) in BINDING_FIELD_NAMES {
            assert!(CLIENT_SETTINGS.contains(binding), "{core} → {binding}");
            assert_eq!(binding_field_name(core), *binding);
        }
        assert_eq!(binding_field_name("PROVE_CLIENT_ID"), "PROVE_CLIENT_ID");
        let e = rename_field(Error::validation("client_secret", "is required"));
        assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("clientSecret"), "clientSecret: is required"));
        let e = rename_field(Error::validation("environment", "expected uat-us"));
        assert_eq!(e.message, "environment: expected uat-us");
        let e = rename_field(Error::new(ErrorKind::Transport, "client_secret: no field"));
        assert_eq!((e.field, e.message.as_str()), (None, "client_secret: no field"));
        // Through the settings: the core's own checks, renamed.
        let e = ClientSettings { client_id: None, ..settings() }.to_config().unwrap_err();
        assert_eq!(e.message, "clientId: is required");
        let e =
            ClientSettings { base_url: Some("http://a:b@127.0.0.1:9".into()), ..settings() }.to_client().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("baseUrl"));
        assert!(!e.message.contains("a:b"), "{e}");
        let vars = |k: &str| match k {
            "PROVE_CLIENT_ID" => Some("id".to_owned()),
            "PROVE_CLIENT_SECRET" => Some("s".to_owned()),
            "PROVE_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
            _ => None,
        };
        let e = ClientSettings { token_url: Some("ftp://x/token".into()), ..Default::default() }
            .to_client_from_env(vars)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("tokenUrl"));
        let ok = ClientSettings::default().to_client_from_env(vars).unwrap();
        assert_eq!(ok.config().base_url(), "http://127.0.0.1:9");
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
