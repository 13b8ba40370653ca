//! `ProveClient`: settings in plain units, `fromEnv`, per-call options, `close()`.
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use prove_core::binding::{self, cancellable, ClientHandle};
use prove_core::Client;

use crate::error::ProveError;
use crate::groups::*;
use crate::runtime::run_to_end;

/// Retry settings of a client or of one call. Unset fields keep the base policy (2 retries,
/// 200 ms initial backoff, 5 s maximum backoff for a client; the client's for a call).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct RetrySettings {
    /// Retries after the first attempt; 0 switches retries off. (Signed, as JVM callers count;
    /// a negative number is refused.)
    #[uniffi(default)]
    pub max_retries: Option<i32>,
    /// First backoff in milliseconds, doubled each retry with full jitter.
    #[uniffi(default)]
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one backoff (and of an honoured `Retry-After`), in milliseconds.
    #[uniffi(default)]
    pub max_backoff_ms: Option<f64>,
}

impl RetrySettings {
    /// The core's settings; `field` is where these settings are (`retry`).
    fn to_core(&self, field: &str) -> prove_core::Result<binding::RetrySettings> {
        let max_retries = match self.max_retries {
            Some(n) => Some(u32::try_from(n).map_err(|_| {
                prove_core::Error::validation(format!("{field}.maxRetries"), "must be a whole number, at least 0")
            })?),
            None => None,
        };
        Ok(binding::RetrySettings {
            max_retries,
            initial_backoff_ms: self.initial_backoff_ms,
            max_backoff_ms: self.max_backoff_ms,
        })
    }
}

/// Every setting of a client. `client_id` and `client_secret` are required unless the client is
/// built with `fromEnv`. Printing it never shows the secret.
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ClientSettings {
    /// OAuth client id.
    #[uniffi(default)]
    pub client_id: Option<String>,
    /// OAuth client secret (never printed or logged).
    #[uniffi(default)]
    pub client_secret: Option<String>,
    /// `uat-us` (default), `prod-us`, `uat-eu`, `prod-eu`, or an http(s) URL.
    #[uniffi(default)]
    pub environment: Option<String>,
    /// Any base URL (for example the sandbox emulator's); wins over `environment`.
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// Token endpoint: an absolute URL, or a path resolved against the base URL.
    #[uniffi(default)]
    pub token_url: Option<String>,
    /// Total time of one call in milliseconds, retries included (default 30 000).
    #[uniffi(default)]
    pub timeout_ms: Option<f64>,
    /// Connect timeout in milliseconds (default 5 000).
    #[uniffi(default)]
    pub connect_timeout_ms: Option<f64>,
    /// Time limit of one attempt in milliseconds (default none).
    #[uniffi(default)]
    pub attempt_timeout_ms: Option<f64>,
    /// Retry policy.
    #[uniffi(default)]
    pub retry: Option<RetrySettings>,
    /// Appended to the `User-Agent` header, e.g. `kotlin/2.4 jvm/17`.
    #[uniffi(default)]
    pub user_agent_suffix: Option<String>,
    /// Upper bound of one response body in bytes, 1 to 1 GiB (default 4 MiB).
    #[uniffi(default)]
    pub max_response_bytes: Option<i64>,
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
    /// The core's settings.
    pub(crate) fn to_core(&self) -> prove_core::Result<binding::ClientSettings> {
        let s = self.clone();
        Ok(binding::ClientSettings {
            client_id: s.client_id,
            client_secret: s.client_secret,
            environment: s.environment,
            base_url: s.base_url,
            token_url: s.token_url,
            timeout_ms: s.timeout_ms,
            connect_timeout_ms: s.connect_timeout_ms,
            attempt_timeout_ms: s.attempt_timeout_ms,
            retry: s.retry.as_ref().map(|r| r.to_core("retry")).transpose()?,
            user_agent_suffix: s.user_agent_suffix,
            max_response_bytes: s.max_response_bytes.map(|n| n as f64),
        })
    }
}

/// Options of one call. Unset fields keep the client's settings.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CallOptions {
    /// Total time of this call in milliseconds, retries included.
    #[uniffi(default)]
    pub timeout_ms: Option<f64>,
    /// Time limit of one attempt in milliseconds.
    #[uniffi(default)]
    pub attempt_timeout_ms: Option<f64>,
    /// Retry policy of this call (unset fields keep the client's).
    #[uniffi(default)]
    pub retry: Option<RetrySettings>,
}

impl CallOptions {
    fn to_core(&self) -> prove_core::Result<binding::CallSettings> {
        Ok(binding::CallSettings {
            timeout_ms: self.timeout_ms,
            attempt_timeout_ms: self.attempt_timeout_ms,
            retry: self.retry.as_ref().map(|r| r.to_core("retry")).transpose()?,
        })
    }
}

/// A Prove API client. One token cache and connection pool serve every call of it, from any
/// thread or coroutine; make one per set of credentials and share it. `close()` cancels the
/// calls in flight and refuses later ones.
#[derive(uniffi::Object)]
pub struct ProveClient {
    pub(crate) handle: ClientHandle,
}

impl fmt::Debug for ProveClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProveClient")
            .field("base_url", &self.handle.config().base_url())
            .field("closed", &self.handle.is_closed())
            .finish_non_exhaustive()
    }
}

impl ProveClient {
    /// Runs `call` with the client (with `options` applied), stopped by `close()`.
    pub(crate) async fn run<T, F, Fut>(&self, options: Option<CallOptions>, call: F) -> Result<T, ProveError>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = prove_core::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let client = self.call_client(options)?;
        let closed = self.handle.closed_token().clone();
        let call = call(client);
        Ok(run_to_end(async move { cancellable(call, &[&closed]).await }).await?)
    }

    /// The client a call uses: closed clients refuse, per-call options applied.
    pub(crate) fn call_client(&self, options: Option<CallOptions>) -> Result<Client, ProveError> {
        let client = self.handle.client()?;
        Ok(match options {
            Some(o) => o.to_core()?.apply(&client)?,
            None => client,
        })
    }
}

#[uniffi::export]
impl ProveClient {
    /// A client from explicit settings. Does not touch the network. Errors: `Validation`
    /// naming the setting (`clientSecret`, `timeoutMs`, …).
    #[uniffi::constructor]
    pub fn new(settings: ClientSettings) -> Result<Arc<Self>, ProveError> {
        let client = binding::guard("client construction", || settings.to_core()?.to_client())?;
        Ok(Arc::new(ProveClient { handle: ClientHandle::new(client) }))
    }

    /// The base URL operations are sent to.
    pub fn base_url(&self) -> String {
        self.handle.config().base_url().to_owned()
    }

    /// Cancels every call in flight (they fail with a `Transport` error, "the client is
    /// closed") and refuses later ones. Idempotent; returns whether this call closed it.
    pub fn close(&self) -> bool {
        self.handle.close()
    }

    /// Whether `close()` has been called.
    pub fn is_closed(&self) -> bool {
        self.handle.is_closed()
    }

    /// Pre-Fill and Prove Identity: start, validate, challenge, complete.
    pub fn flow(self: Arc<Self>) -> Arc<FlowApi> {
        Arc::new(FlowApi { client: self })
    }

    /// Verified Users: verify (current and possession forms), verify status, batch verify.
    pub fn verified_users(self: Arc<Self>) -> Arc<VerifiedUsersApi> {
        Arc::new(VerifiedUsersApi { client: self })
    }

    /// Unified Authentication: unify, status, bind.
    pub fn unify(self: Arc<Self>) -> Arc<UnifyApi> {
        Arc::new(UnifyApi { client: self })
    }

    /// Identity Manager: enroll, batch enroll, batch get and listing, get, lookup, activate,
    /// deactivate, disenroll, cross-domain.
    pub fn identity_manager(self: Arc<Self>) -> Arc<IdentityManagerApi> {
        Arc::new(IdentityManagerApi { client: self })
    }

    /// Identity attributes: discover and fetch.
    pub fn identity_data(self: Arc<Self>) -> Arc<IdentityDataApi> {
        Arc::new(IdentityDataApi { client: self })
    }

    /// Domains: id, linked, link, confirm link, unlink.
    pub fn domain(self: Arc<Self>) -> Arc<DomainApi> {
        Arc::new(DomainApi { client: self })
    }

    /// Devices (Prove Keys): revoke.
    pub fn device(self: Arc<Self>) -> Arc<DeviceApi> {
        Arc::new(DeviceApi { client: self })
    }

    /// Prove Auth (`/v1/server/auth/...`): start, continue, finish.
    pub fn auth(self: Arc<Self>) -> Arc<AuthApi> {
        Arc::new(AuthApi { client: self })
    }
}

/// A client from the process environment: `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and
/// `PROVE_BASE_URL` or `PROVE_ENV` (default `uat-us`); the other settings from `settings` (its
/// credentials and environment are not used). Kotlin's `ProveClient.fromEnv` and Swift's
/// `ProveClient.fromEnv` call it.
#[uniffi::export(default(settings = None))]
pub fn client_from_env(settings: Option<ClientSettings>) -> Result<Arc<ProveClient>, ProveError> {
    client_from_env_map(std::env::vars().collect(), settings)
}

/// Like `clientFromEnv`, reading the variables from `env` instead of the process environment.
#[uniffi::export(default(settings = None))]
pub fn client_from_env_map(
    env: HashMap<String, String>,
    settings: Option<ClientSettings>,
) -> Result<Arc<ProveClient>, ProveError> {
    let settings = settings.unwrap_or_default();
    let client =
        binding::guard("client construction", || settings.to_core()?.to_client_from_env(|k| env.get(k).cloned()))?;
    Ok(Arc::new(ProveClient { handle: ClientHandle::new(client) }))
}
