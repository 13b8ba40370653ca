//! The core's redacted log records ([`prove_core::binding::logging`]) handed to a Python
//! callable; the package's `prove_sdk._logging` forwards them to the standard `logging` module
//! (logger `prove_sdk`). The package adds the sink only while that logger is enabled, so a
//! disabled logger costs nothing in the core (no callsite is even enabled).
use std::sync::Arc;

use prove_core::binding::logging::{self as core_log, LogLevel, LogValue};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Adds `callback(level, message, fields)` as a sink receiving records up to `level` (`debug`:
/// every request; `warn`: failures only); `fields` is a dict of the record's typed fields
/// (`operation`, `method`, `path` template, `attempt`, `status`, `latency_ms`, `outcome`).
/// Returns the sink's id for `remove_log_sink`. The callback runs on the SDK's threads with the
/// GIL taken for it; an exception it raises is ignored.
#[pyfunction]
fn add_log_sink(py: Python<'_>, callback: Py<PyAny>, level: &str) -> PyResult<u64> {
    let max_level = LogLevel::parse("level", level).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.message))?;
    let _ = py;
    let callback = Arc::new(callback);
    Ok(core_log::add_sink(
        max_level,
        Arc::new(move |rec| {
            // An interpreter that is shutting down cannot take records any more.
            // SAFETY: a plain query of the interpreter's state, valid at any time.
            if unsafe { pyo3::ffi::Py_IsInitialized() } == 0 {
                return false;
            }
            Python::attach(|py| {
                let deliver = || -> PyResult<()> {
                    let fields = PyDict::new(py);
                    for (name, value) in &rec.fields {
                        match value {
                            LogValue::Str(s) => fields.set_item(*name, s)?,
                            LogValue::U64(n) => fields.set_item(*name, *n)?,
                        }
                    }
                    callback.call1(py, (rec.level.as_str(), rec.message.as_str(), fields))?;
                    Ok(())
                };
                // A failing handler must not break the SDK's calls.
                let _ = deliver();
            });
            true
        }),
    ))
}

/// Removes a sink added by `add_log_sink`; returns whether it was registered.
#[pyfunction]
fn remove_log_sink(id: u64) -> bool {
    core_log::remove_sink(id)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add_log_sink, m)?)?;
    m.add_function(wrap_pyfunction!(remove_log_sink, m)?)?;
    Ok(())
}
