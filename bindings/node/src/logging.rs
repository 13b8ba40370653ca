//! Opt-in logging: the core's log records ([`prove_core::binding::logging`]) handed to JavaScript
//! callbacks. The records are already redacted; this module only converts them.
use std::sync::Arc;

use napi::bindgen_prelude::{Function, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use prove_core::binding::logging::{self as core_log, LogLevel};

/// One log record, as passed to a JavaScript logger.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct LogRecord {
    /// `debug` (a successful request) or `warn` (a failed attempt).
    pub level: String,
    /// `prove request`, `prove request failed`, `prove token` or `prove token failed`.
    pub message: String,
    /// Prove's operationId, e.g. `V3StartRequest` (absent for token requests).
    pub operation: Option<String>,
    /// HTTP method.
    pub method: Option<String>,
    /// Path template, e.g. `/v3/identity/{proveId}`; never the filled-in path.
    pub path: Option<String>,
    /// Attempt number, 1-based.
    pub attempt: Option<u32>,
    /// HTTP status (0 when no answer arrived).
    pub status: Option<u32>,
    /// Latency of the attempt in milliseconds.
    pub latency_ms: Option<f64>,
    /// `ok`, or the error kind.
    pub outcome: Option<String>,
}

impl From<&core_log::LogRecord> for LogRecord {
    fn from(r: &core_log::LogRecord) -> Self {
        let text = |n: &str| r.str(n).map(str::to_owned);
        let small = |n: &str| r.u64(n).map(|v| u32::try_from(v).unwrap_or(u32::MAX));
        LogRecord {
            level: r.level.as_str().to_owned(),
            message: r.message.clone(),
            operation: text("operation"),
            method: text("method"),
            path: text("path"),
            attempt: small("attempt"),
            status: small("status"),
            // Milliseconds fit an f64 exactly far beyond any realistic latency.
            latency_ms: r.u64("latency_ms").map(|v| v as f64),
            outcome: text("outcome"),
        }
    }
}

type JsSink = ThreadsafeFunction<LogRecord, Unknown<'static>, LogRecord, Status, false, true>;

/// Adds a logger receiving the SDK's redacted HTTP events; returns its id for `removeLogger`.
/// `level` is `debug` (every request, default) or `warn` (failures only). The callback runs on
/// the JavaScript thread that added it and never keeps the process alive.
#[napi]
pub fn add_logger(callback: Function<'_, LogRecord, Unknown<'static>>, level: Option<String>) -> napi::Result<u32> {
    let max_level = LogLevel::parse("level", level.as_deref().unwrap_or("debug"))
        .map_err(|e| napi::Error::new(Status::InvalidArg, e.message))?;
    let tsfn: Arc<JsSink> =
        Arc::new(callback.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?);
    // `Closing`: the JavaScript environment of this logger has gone away; the sink is dropped.
    let id = core_log::add_sink(
        max_level,
        Arc::new(move |rec| {
            tsfn.call(LogRecord::from(rec), ThreadsafeFunctionCallMode::NonBlocking) != Status::Closing
        }),
    );
    Ok(u32::try_from(id).unwrap_or(u32::MAX))
}

/// Removes a logger added by `addLogger`; returns whether it was registered.
#[napi]
pub fn remove_logger(id: u32) -> bool {
    core_log::remove_sink(u64::from(id))
}
