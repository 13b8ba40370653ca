//! The sandbox emulator inside the native module (cargo feature `sandbox`), for
//! `prove_sdk.testing`: started in-process on a free loopback port, with its controls as direct
//! calls (possession, clock, token lifetime, faults, counters, request log). The server runs on
//! its own small runtime in a background thread; it belongs to the process that started it.
use std::sync::Mutex;
use std::time::Duration;

use prove_sandbox::{Fault, Sandbox};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;

use crate::runtime::runtime;

/// A running sandbox emulator.
#[pyclass(frozen, module = "prove_sdk._native")]
struct NativeSandbox {
    sandbox: Mutex<Option<Sandbox>>,
    base_url: String,
    client_id: String,
    client_secret: String,
}

fn json_arg(what: &str, text: &str) -> PyResult<Value> {
    serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("{what}: not valid JSON ({e})")))
}

fn duration_ms(what: &str, ms: f64) -> PyResult<Duration> {
    if !ms.is_finite() || ms < 0.0 || ms > prove_sandbox::MAX_TOKEN_LIFETIME.as_millis() as f64 {
        return Err(PyValueError::new_err(format!("{what}: must be a number of milliseconds from 0 to 100 years")));
    }
    Ok(Duration::from_secs_f64(ms / 1000.0))
}

impl NativeSandbox {
    fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> PyResult<T> {
        let guard = self.sandbox.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().map(f).ok_or_else(|| PyRuntimeError::new_err("the sandbox is stopped"))
    }
}

#[pymethods]
impl NativeSandbox {
    /// Starts a sandbox on `host` (default 127.0.0.1) and a free port. `clients` are further
    /// accepted (id, secret) pairs.
    #[new]
    #[pyo3(signature = (*, client_id=None, client_secret=None, token_lifetime_ms=None, clients=Vec::new(), host=None))]
    fn new(
        py: Python<'_>,
        client_id: Option<String>,
        client_secret: Option<String>,
        token_lifetime_ms: Option<f64>,
        clients: Vec<(String, String)>,
        host: Option<String>,
    ) -> PyResult<Self> {
        let mut b = Sandbox::builder().worker_threads(2);
        if let Some(id) = client_id {
            b = b.client_id(id);
        }
        if let Some(secret) = client_secret {
            b = b.client_secret(secret);
        }
        if let Some(ms) = token_lifetime_ms {
            b = b.token_lifetime(duration_ms("token_lifetime", ms)?);
        }
        if let Some(h) = host {
            b = b.host(h);
        }
        for (id, secret) in clients {
            b = b.add_client(id, secret);
        }
        let sandbox = py
            .detach(|| runtime().block_on(b.start()))
            .map_err(|e| PyRuntimeError::new_err(format!("the sandbox could not start: {e}")))?;
        Ok(NativeSandbox {
            base_url: sandbox.base_url().to_owned(),
            client_id: sandbox.client_id().to_owned(),
            client_secret: sandbox.client_secret().to_owned(),
            sandbox: Mutex::new(Some(sandbox)),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The accepted client id.
    #[getter]
    fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The accepted client secret.
    #[getter]
    fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Counters as JSON text: `tokenRequests`, `totalRequests`, `requestsByPath`.
    fn counters(&self) -> PyResult<String> {
        self.with(|s| s.counters().to_json().to_string())
    }

    /// Sets every counter to zero.
    fn reset_counters(&self) -> PyResult<()> {
        self.with(Sandbox::reset_counters)
    }

    /// Lifetime of tokens issued from now on, in milliseconds.
    fn set_token_lifetime_ms(&self, ms: f64) -> PyResult<()> {
        let d = duration_ms("token_lifetime", ms)?;
        self.with(|s| s.set_token_lifetime(d))
    }

    /// Invalidates every token issued so far.
    fn revoke_tokens(&self) -> PyResult<()> {
        self.with(Sandbox::revoke_tokens)
    }

    /// Moves the sandbox clock forward (tokens and sessions expire by it).
    fn advance_clock_ms(&self, ms: f64) -> PyResult<()> {
        let d = duration_ms("advance_clock", ms)?;
        self.with(|s| s.advance_clock(d))
    }

    /// The sandbox clock, in Unix milliseconds.
    fn now_ms(&self) -> PyResult<u64> {
        self.with(Sandbox::now_ms)
    }

    /// Adds a fault given as JSON text (the body of `POST /sandbox/faults`: `kind`, `path`,
    /// `count`, and the kind's own fields).
    fn inject_fault(&self, fault: &str) -> PyResult<()> {
        let f = Fault::from_json(&json_arg("fault", fault)?).map_err(PyValueError::new_err)?;
        self.with(|s| s.inject_fault(f))
    }

    /// Removes every fault.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(Sandbox::clear_faults)
    }

    /// The request log as JSON text, most recent last.
    fn requests(&self) -> PyResult<String> {
        self.with(|s| Value::Array(s.requests().iter().map(|r| r.to_json()).collect()).to_string())
    }

    /// Empties the request log.
    fn clear_requests(&self) -> PyResult<()> {
        self.with(Sandbox::clear_requests)
    }

    /// Completes (or fails) the possession check of a flow: `action` is `success`, `fail` or
    /// `otp` (with `otp`). Returns (status, JSON text of the answer).
    #[pyo3(signature = (correlation_id, action, otp=None))]
    fn possession(&self, correlation_id: &str, action: &str, otp: Option<&str>) -> PyResult<(u16, String)> {
        self.with(|s| {
            let (status, body) = s.possession(correlation_id, action, otp);
            (status, body.to_string())
        })
    }

    /// Runs the world's control `name` with a JSON body; returns (status, JSON text).
    fn world_control(&self, name: &str, body: &str) -> PyResult<(u16, String)> {
        let body = json_arg("body", body)?;
        self.with(|s| {
            let (status, out) = s.world_control(name, &body);
            (status, out.to_string())
        })
    }

    /// Stops serving and waits until the port is closed. Idempotent.
    fn stop(&self, py: Python<'_>) {
        let taken = self.sandbox.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(s) = taken {
            py.detach(|| runtime().block_on(s.stop()));
        }
    }

    /// Whether `stop()` has been called.
    #[getter]
    fn stopped(&self) -> bool {
        self.sandbox.lock().unwrap_or_else(|p| p.into_inner()).is_none()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeSandbox>()
}
