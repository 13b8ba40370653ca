//! Python adapter over `prove-core` (pyo3, abi3, Python ≥ 3.9): a mapping only. The native
//! module is `prove_sdk._native`; the package (`python/prove_sdk`) wraps it into `ProveClient`,
//! `AsyncProveClient`, the typed models and the exceptions.
//!
//! Conventions of the boundary:
//! - requests and responses cross as JSON text with Prove's wire names; the Python layer builds
//!   the typed models from them;
//! - a failed call raises the exception of its kind, built by the package's generated
//!   `prove_sdk._generated.errors.from_details` from the core's [`ErrorData`];
//! - runtime: one tokio runtime per process, built again in a forked child ([`runtime`]); a
//!   client's connection pool and token cache are per process too, so a child never touches
//!   what its parent's threads were doing;
//! - synchronous calls release the GIL for their whole duration ([`Python::detach`]) and wake
//!   every 100 ms to let Ctrl-C (a pending signal of the main thread) stop them;
//! - asynchronous calls settle an asyncio future of the running loop (no thread per call): on
//!   Unix through the loop's [`completions::CompletionQueue`], so that the runtime's threads
//!   never wait for the GIL; elsewhere as `pyo3_async_runtimes` awaitables. Cancelling the
//!   awaiting task cancels the call's [`CancelToken`], which drops the Rust future and its HTTP
//!   request;
//! - panics never cross into Python: synchronous entry points run under [`binding::guard`], and
//!   a panicking future settles as an error.
#![deny(missing_docs)]
#![allow(clippy::result_large_err)]

#[cfg(unix)]
mod completions;
mod logging;
mod runtime;
#[cfg(feature = "sandbox")]
mod sandbox;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use prove_core::binding::{
    self, webhook, CallSettings, CancelToken, ClientHandle, ClientSettings, ErrorData, RetrySettings, SettingGroup,
};
use prove_core::{Client, Config, Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use pyo3::IntoPyObjectExt;

use runtime::{runtime, ForkLocal, ForkSafe};

/// How often a blocking call wakes to let a pending signal (Ctrl-C) stop it.
const SIGNAL_POLL: Duration = Duration::from_millis(100);

static FROM_DETAILS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The error as the dict `from_details` reads (camelCase keys, absent fields left out).
fn error_dict<'py>(py: Python<'py>, d: &ErrorData) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("kind", &d.kind)?;
    out.set_item("message", &d.message)?;
    if let Some(v) = d.status {
        out.set_item("status", v)?;
    }
    if let Some(v) = d.code {
        out.set_item("code", v)?;
    }
    if let Some(v) = &d.field {
        out.set_item("field", v)?;
    }
    if let Some(v) = d.retry_after_ms {
        out.set_item("retryAfterMs", v)?;
    }
    if let Some(v) = &d.request_id {
        out.set_item("requestId", v)?;
    }
    if let Some(v) = &d.correlation_id {
        out.set_item("correlationId", v)?;
    }
    if let Some(v) = &d.operation {
        out.set_item("operation", v)?;
    }
    Ok(out)
}

/// The package's exception for an error given as data (`ProveError` or the subclass of its
/// kind). Without the package (the native module imported alone) a `RuntimeError`.
fn error_from_data(py: Python<'_>, d: &ErrorData) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let from_details = FROM_DETAILS.get_or_try_init(py, || {
            py.import("prove_sdk._generated.errors")?.getattr("from_details").map(Bound::unbind)
        })?;
        let exc = from_details.bind(py).call1((error_dict(py, d)?,))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|_| PyRuntimeError::new_err(format!("{}: {}", d.kind, d.message)))
}

/// The package's exception for a core error.
fn to_py_err(py: Python<'_>, e: &Error) -> PyErr {
    error_from_data(py, &ErrorData::from(e))
}

/// Runs a synchronous entry point under [`binding::guard`] and raises its error.
fn guarded<T>(py: Python<'_>, what: &str, f: impl FnOnce() -> prove_core::Result<T>) -> PyResult<T> {
    binding::guard(what, f).map_err(|e| to_py_err(py, &e))
}

/// The result of an awaitable: converted to Python (and an error raised as the package's
/// exception) by `pyo3_async_runtimes` on a thread that holds the GIL anyway.
struct Outcome<T>(Result<T, ErrorData>);

impl<'py, T: IntoPyObject<'py>> IntoPyObject<'py> for Outcome<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        match self.0 {
            Ok(v) => v.into_bound_py_any(py),
            Err(d) => Err(error_from_data(py, &d)),
        }
    }
}

/// Why a blocking call stopped early.
enum Stop {
    Core(Error),
    Signal(PyErr),
}

/// Runs `fut` to completion on the process's runtime with the GIL released, waking every
/// [`SIGNAL_POLL`] to check for a pending signal: a `KeyboardInterrupt` drops the call.
fn block_on<T: Send>(py: Python<'_>, fut: impl Future<Output = prove_core::Result<T>> + Send) -> PyResult<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        let e = Error::new(ErrorKind::Transport, "a synchronous call cannot run on the SDK's own threads");
        return Err(to_py_err(py, &e));
    }
    let outcome = py.detach(|| {
        runtime().block_on(async {
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    r = &mut fut => return r.map_err(Stop::Core),
                    () = tokio::time::sleep(SIGNAL_POLL) => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            return Err(Stop::Signal(e));
                        }
                    }
                }
            }
        })
    });
    outcome.map_err(|s| match s {
        Stop::Core(e) => to_py_err(py, &e),
        Stop::Signal(e) => e,
    })
}

/// Per-call settings from the optional arguments of a call.
fn call_settings(
    timeout_ms: Option<f64>,
    attempt_timeout_ms: Option<f64>,
    retries: Option<u32>,
) -> Option<CallSettings> {
    let s = CallSettings {
        timeout_ms,
        attempt_timeout_ms,
        retry: retries.map(|n| RetrySettings { max_retries: Some(n), ..Default::default() }),
    };
    (!s.is_empty()).then_some(s)
}

/// Cancels a call's token when the asyncio future it is attached to is cancelled.
#[pyclass(frozen, module = "prove_sdk._native")]
struct CancelOnDone {
    token: CancelToken,
}

#[pymethods]
impl CancelOnDone {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.token.cancel();
        }
        Ok(())
    }
}

/// An asyncio awaitable of `fut` on the running loop: the future runs on the process's runtime,
/// and cancelling the awaitable cancels `token` (the call, and its HTTP request, are dropped).
fn awaitable<'py, T>(
    py: Python<'py>,
    token: CancelToken,
    fut: impl Future<Output = prove_core::Result<T>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let on_done = CancelOnDone { token };
    let py_fut = pyo3_async_runtimes::generic::future_into_py::<ForkSafe, _, _>(py, async move {
        Ok(Outcome(fut.await.map_err(|e| ErrorData::from(&e))))
    })?;
    py_fut.call_method1("add_done_callback", (on_done,))?;
    Ok(py_fut)
}

/// A Prove API client: one token cache and connection pool per process, shared by every call
/// (sync or async) of every thread. After `os.fork()` the child builds its own on first use.
#[pyclass(frozen, module = "prove_sdk._native")]
struct NativeClient {
    config: Config,
    handle: ForkLocal<ClientHandle>,
    closed: AtomicBool,
}

impl NativeClient {
    fn from_client(client: Client) -> Self {
        NativeClient {
            config: client.config().clone(),
            handle: ForkLocal::with(ClientHandle::new(client)),
            closed: AtomicBool::new(false),
        }
    }

    /// This process's handle, built from the configuration in a forked child.
    fn handle(&self) -> prove_core::Result<ClientHandle> {
        self.handle
            .get_or_try_init(|| {
                let h = ClientHandle::new(Client::new(self.config.clone())?);
                if self.closed.load(Ordering::SeqCst) {
                    h.close();
                }
                Ok(h)
            })
            .cloned()
    }
}

#[pymethods]
impl NativeClient {
    /// A client from settings in plain units (milliseconds, counts). With `env` (a dict of the
    /// `PROVE_*` variables), the credentials and environment come from it instead.
    #[new]
    #[pyo3(signature = (*, client_id=None, client_secret=None, environment=None, base_url=None, token_url=None,
        timeout_ms=None, connect_timeout_ms=None, attempt_timeout_ms=None, max_retries=None,
        initial_backoff_ms=None, max_backoff_ms=None, user_agent_suffix=None, max_response_bytes=None, env=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: Option<String>,
        client_secret: Option<String>,
        environment: Option<String>,
        base_url: Option<String>,
        token_url: Option<String>,
        timeout_ms: Option<f64>,
        connect_timeout_ms: Option<f64>,
        attempt_timeout_ms: Option<f64>,
        max_retries: Option<u32>,
        initial_backoff_ms: Option<f64>,
        max_backoff_ms: Option<f64>,
        user_agent_suffix: Option<String>,
        max_response_bytes: Option<f64>,
        env: Option<HashMap<String, String>>,
    ) -> PyResult<Self> {
        let retry = (max_retries.is_some() || initial_backoff_ms.is_some() || max_backoff_ms.is_some())
            .then_some(RetrySettings { max_retries, initial_backoff_ms, max_backoff_ms });
        let settings = ClientSettings {
            client_id,
            client_secret,
            environment,
            base_url,
            token_url,
            timeout_ms,
            connect_timeout_ms,
            attempt_timeout_ms,
            retry,
            user_agent_suffix,
            max_response_bytes,
        };
        guarded(py, "client construction", || {
            let client = match &env {
                Some(vars) => settings.to_client_from_env(|k| vars.get(k).cloned())?,
                None => settings.to_client()?,
            };
            Ok(NativeClient::from_client(client))
        })
    }

    /// The base URL operations are sent to.
    #[getter]
    fn base_url(&self) -> String {
        self.config.base_url().to_owned()
    }

    /// `uat-us`, `prod-us`, `uat-eu`, `prod-eu`, or `custom`.
    #[getter]
    fn environment(&self) -> String {
        self.config.environment().name().to_owned()
    }

    /// The `User-Agent` header sent with every request.
    #[getter]
    fn user_agent(&self) -> String {
        self.config.user_agent()
    }

    /// Whether `close()` has been called.
    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Closes the client: calls in flight fail at once (`TransportError`, "the client is
    /// closed"), later calls fail the same way before any network call. Returns whether this call
    /// closed it.
    fn close(&self) -> bool {
        let first = !self.closed.swap(true, Ordering::SeqCst);
        if let Some(h) = self.handle.current() {
            h.close();
        }
        first
    }

    /// Calls `method` with the request as JSON text (empty for none), blocking with the GIL
    /// released; returns the response as JSON text.
    #[pyo3(signature = (method, input, timeout_ms=None, attempt_timeout_ms=None, retries=None))]
    fn call(
        &self,
        py: Python<'_>,
        method: String,
        input: String,
        timeout_ms: Option<f64>,
        attempt_timeout_ms: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<String> {
        let handle = guarded(py, "client", || self.handle())?;
        let settings = call_settings(timeout_ms, attempt_timeout_ms, retries);
        block_on(py, async move { handle.call_text(&method, &input, settings.as_ref(), None).await })
    }

    /// [`NativeClient::call`] as an asyncio awaitable on the running loop.
    #[pyo3(signature = (method, input, timeout_ms=None, attempt_timeout_ms=None, retries=None))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        method: String,
        input: String,
        timeout_ms: Option<f64>,
        attempt_timeout_ms: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let handle = guarded(py, "client", || self.handle())?;
        let settings = call_settings(timeout_ms, attempt_timeout_ms, retries);
        let token = CancelToken::new();
        let cancel = token.clone();
        awaitable(py, token, async move { handle.call_text(&method, &input, settings.as_ref(), Some(&cancel)).await })
    }

    /// Submits `method` and returns at once: the call starts at the next `queue.flush()`, and
    /// when it ends its outcome settles `future` (an asyncio future of the loop that owns
    /// `queue`) through `queue`, with the response as JSON text or the package's exception.
    /// Returns a handle that cancels the call, and whether the caller must schedule
    /// `queue.flush()` (this is the first call held since the last flush).
    #[cfg(unix)]
    #[pyo3(signature = (queue, future, method, input, timeout_ms=None, attempt_timeout_ms=None, retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn submit(
        &self,
        py: Python<'_>,
        queue: &Bound<'_, completions::CompletionQueue>,
        future: Py<PyAny>,
        method: String,
        input: String,
        timeout_ms: Option<f64>,
        attempt_timeout_ms: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<(completions::CallHandle, bool)> {
        let handle = guarded(py, "client", || self.handle())?;
        let settings = call_settings(timeout_ms, attempt_timeout_ms, retries);
        let token = CancelToken::new();
        let cancel = token.clone();
        let queue = queue.get();
        let pending = queue.pending(future);
        let first = queue.hold(Box::pin(async move {
            let outcome = handle.call_text(&method, &input, settings.as_ref(), Some(&cancel)).await;
            pending.settle(outcome.map_err(|e| ErrorData::from(&e)));
        }));
        Ok((completions::CallHandle { token }, first))
    }

    /// A cursor over the pages of the identity listing; `input` holds `limit`, `showInactive`
    /// and `clientRequestId` (JSON text, all optional). `close()` stops its pages too.
    #[pyo3(signature = (input, timeout_ms=None, attempt_timeout_ms=None, retries=None))]
    fn list_identities(
        &self,
        py: Python<'_>,
        input: String,
        timeout_ms: Option<f64>,
        attempt_timeout_ms: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<NativeCursor> {
        let settings = call_settings(timeout_ms, attempt_timeout_ms, retries);
        guarded(py, "identity listing", || {
            let input = binding::parse_json_text(&input)?;
            let cursor = self.handle()?.identity_cursor(input, settings.as_ref())?;
            Ok(NativeCursor { cursor, pid: std::process::id() })
        })
    }
}

/// Page-by-page cursor over `GET /v3/identity`, following `lastKey`. It belongs to the process
/// that made it.
#[pyclass(frozen, module = "prove_sdk._native")]
struct NativeCursor {
    cursor: binding::IdentityCursor,
    pid: u32,
}

impl NativeCursor {
    fn check_process(&self) -> prove_core::Result<()> {
        if self.pid != std::process::id() {
            return Err(Error::new(
                ErrorKind::Transport,
                "this listing was started in another process; start it again",
            ));
        }
        Ok(())
    }
}

#[pymethods]
impl NativeCursor {
    /// The next page as JSON text, or `None` after the last one (blocking, GIL released).
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<String>> {
        guarded(py, "identity listing", || self.check_process())?;
        let cursor = self.cursor.clone();
        block_on(py, async move {
            match cursor.next_page_json().await? {
                Some(page) => binding::to_json_text(&page).map(Some),
                None => Ok(None),
            }
        })
    }

    /// [`NativeCursor::next_page`] as an asyncio awaitable; cancelling it leaves the cursor
    /// where it was.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, "identity listing", || self.check_process())?;
        let cursor = self.cursor.clone();
        let token = CancelToken::new();
        let cancel = token.clone();
        awaitable(py, token, async move {
            match cursor.next_page_json_cancellable(Some(&cancel)).await? {
                Some(page) => binding::to_json_text(&page).map(Some),
                None => Ok(None),
            }
        })
    }
}

/// The setting names of `group` (`client`, `fromEnv`, `retry`, `call`, `logger`), in camelCase.
#[pyfunction]
fn setting_names(py: Python<'_>, group: &str) -> PyResult<Vec<&'static str>> {
    guarded(py, "setting names", || Ok(setting_group(group)?.names().to_vec()))
}

fn setting_group(group: &str) -> prove_core::Result<SettingGroup> {
    SettingGroup::from_name(group).ok_or_else(|| Error::validation("group", "is not a setting group"))
}

/// Raises a `ValidationError` naming `key` (camelCase) and suggesting the setting likely meant,
/// unless `key` is a setting of `group`.
#[pyfunction]
fn check_setting_name(py: Python<'_>, group: &str, key: &str) -> PyResult<()> {
    guarded(py, "setting name check", || setting_group(group)?.check(key))
}

/// Every method name of the core's table, in its stable order.
#[pyfunction]
fn methods() -> Vec<&'static str> {
    binding::methods().iter().map(|m| m.name).collect()
}

/// The error kinds, in the core's stable order.
#[pyfunction]
fn error_kinds() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The environment variables `from_env` reads.
#[pyfunction]
fn env_vars() -> Vec<&'static str> {
    prove_core::config::env_vars::ALL.to_vec()
}

/// The version of the native core.
#[pyfunction]
fn core_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Whether this process has built its runtime yet (a forked child has not until its first call).
#[pyfunction]
fn runtime_started() -> bool {
    runtime::runtime_started()
}

// ---- webhooks ----

fn unix_ms(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64)
}

/// A verified delivery: (payload as JSON text, jti, iat and exp in Unix milliseconds, index of
/// the secret that matched).
type Verified = (String, Option<String>, f64, f64, usize);

fn verified(v: prove_core::webhook::VerifiedWebhook) -> prove_core::Result<Verified> {
    Ok((binding::to_json_text(&v.payload)?, v.token_id, unix_ms(v.issued_at), unix_ms(v.expires_at), v.secret_index))
}

fn webhook_options(
    require_body_hash: bool,
    reject_replays: bool,
    leeway_ms: Option<f64>,
    max_age_ms: Option<f64>,
) -> webhook::WebhookOptions {
    webhook::WebhookOptions { require_body_hash, reject_replays, leeway_ms, max_age_ms }
}

/// Verifies a delivery now (`X-Prove-Authorization` value or bare token, the exact raw body, the
/// valid secrets). Raises `WebhookError` naming what failed.
#[pyfunction]
#[pyo3(signature = (authorization, raw_body, secrets, *, require_body_hash=false, leeway_ms=None, max_age_ms=None))]
fn verify_webhook(
    py: Python<'_>,
    authorization: &str,
    raw_body: &[u8],
    secrets: Vec<String>,
    require_body_hash: bool,
    leeway_ms: Option<f64>,
    max_age_ms: Option<f64>,
) -> PyResult<Verified> {
    let options = webhook_options(require_body_hash, false, leeway_ms, max_age_ms);
    guarded(py, "webhook verification", || {
        verified(webhook::verify_webhook(authorization, raw_body, &secrets, &options)?)
    })
}

/// A verifier kept between deliveries: its secrets, options and (with `reject_replays`) the
/// memory of the tokens it accepted, each until it expires.
#[pyclass(frozen, module = "prove_sdk._native")]
struct NativeWebhookVerifier {
    verifier: prove_core::webhook::WebhookVerifier,
}

#[pymethods]
impl NativeWebhookVerifier {
    #[new]
    #[pyo3(signature = (secrets, *, require_body_hash=false, reject_replays=false, leeway_ms=None, max_age_ms=None))]
    fn new(
        py: Python<'_>,
        secrets: Vec<String>,
        require_body_hash: bool,
        reject_replays: bool,
        leeway_ms: Option<f64>,
        max_age_ms: Option<f64>,
    ) -> PyResult<Self> {
        let options = webhook_options(require_body_hash, reject_replays, leeway_ms, max_age_ms);
        guarded(py, "webhook verifier", || Ok(NativeWebhookVerifier { verifier: options.verifier(&secrets)? }))
    }

    /// Verifies a delivery now.
    fn verify(&self, py: Python<'_>, authorization: &str, raw_body: &[u8]) -> PyResult<Verified> {
        guarded(py, "webhook verification", || verified(self.verifier.verify_detailed(authorization, raw_body)?))
    }
}

/// Signs a delivery exactly as Prove does, for tests of a webhook endpoint: returns
/// (`X-Prove-Authorization` value, body). Without `payload`, a sample notification of
/// `event_type` (default `PHONE_NUMBER_CHANGE`).
#[pyfunction]
#[pyo3(signature = (secret, payload=None, event_type=None))]
fn sign_test_webhook(
    py: Python<'_>,
    secret: &str,
    payload: Option<&[u8]>,
    event_type: Option<&str>,
) -> PyResult<(String, String)> {
    guarded(py, "webhook signing", || {
        let s = webhook::sign_test_webhook(secret, payload, event_type)?;
        Ok((s.authorization, s.body))
    })
}

/// The known webhook event types, in wire form.
#[pyfunction]
fn webhook_event_types() -> Vec<&'static str> {
    webhook::event_types().to_vec()
}

/// The native part of the `prove_sdk` package.
#[pymodule]
#[pyo3(name = "_native")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClient>()?;
    m.add_class::<NativeCursor>()?;
    m.add_class::<NativeWebhookVerifier>()?;
    m.add_class::<CancelOnDone>()?;
    #[cfg(unix)]
    m.add_class::<completions::CompletionQueue>()?;
    #[cfg(unix)]
    m.add_class::<completions::CallHandle>()?;
    m.add_function(wrap_pyfunction!(setting_names, m)?)?;
    m.add_function(wrap_pyfunction!(check_setting_name, m)?)?;
    m.add_function(wrap_pyfunction!(methods, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(env_vars, m)?)?;
    m.add_function(wrap_pyfunction!(core_version, m)?)?;
    m.add_function(wrap_pyfunction!(runtime_started, m)?)?;
    m.add_function(wrap_pyfunction!(verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(sign_test_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_event_types, m)?)?;
    logging::register(m)?;
    m.add("HAS_SANDBOX", cfg!(feature = "sandbox"))?;
    #[cfg(feature = "sandbox")]
    sandbox::register(m)?;
    Ok(())
}
