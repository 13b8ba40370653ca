//! Opt-in logging: the core's `tracing` events (target `prove_core::http`) bridged to JavaScript
//! callbacks.
//!
//! The core's events are already redacted: operation, method, path **template**, attempt, status,
//! latency and outcome; never bodies, headers, query strings, tokens or credentials. This module
//! forwards exactly those fields. Nothing is recorded (and no callsite is enabled) until a
//! JavaScript logger is added.
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use napi::bindgen_prelude::{Function, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{span, Event, Level, Metadata, Subscriber};

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

type JsSink = ThreadsafeFunction<LogRecord, Unknown<'static>, LogRecord, Status, false, true>;

struct Sink {
    id: u32,
    max_level: Level,
    tsfn: Arc<JsSink>,
}

static SINKS: Mutex<Vec<Sink>> = Mutex::new(Vec::new());
static ANY: AtomicBool = AtomicBool::new(false);
static NEXT_ID: AtomicU32 = AtomicU32::new(1);
static INSTALLED: OnceLock<bool> = OnceLock::new();

fn sinks() -> std::sync::MutexGuard<'static, Vec<Sink>> {
    // A poisoned lock only means a panic elsewhere while holding it; the list itself is intact.
    SINKS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Forwards the core's HTTP events to the registered JavaScript loggers.
struct Bridge;

fn is_ours(meta: &Metadata<'_>) -> bool {
    meta.target() == prove_core::logging::TARGET
}

impl Subscriber for Bridge {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if is_ours(meta) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        is_ours(meta) && ANY.load(Ordering::Relaxed)
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let level = *event.metadata().level();
        let mut rec = LogRecord {
            level: if level <= Level::WARN {
                "warn".into()
            } else {
                "debug".into()
            },
            ..LogRecord::default()
        };
        event.record(&mut Fields(&mut rec));
        let mut list = sinks();
        list.retain(|s| {
            if level > s.max_level {
                return true;
            }
            // Closing: the JavaScript environment of this logger has gone away.
            s.tsfn
                .call(rec.clone(), ThreadsafeFunctionCallMode::NonBlocking)
                != Status::Closing
        });
        ANY.store(!list.is_empty(), Ordering::Relaxed);
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

struct Fields<'a>(&'a mut LogRecord);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let v = Some(value.to_owned());
        match field.name() {
            "operation" => self.0.operation = v,
            "method" => self.0.method = v,
            "path" => self.0.path = v,
            "outcome" => self.0.outcome = v,
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.0.attempt = Some(u32::try_from(value).unwrap_or(u32::MAX)),
            "status" => self.0.status = Some(u32::try_from(value).unwrap_or(u32::MAX)),
            // Milliseconds fit an f64 exactly far beyond any realistic latency.
            "latency_ms" => self.0.latency_ms = Some(value as f64),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, u64::try_from(value).unwrap_or(0));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.message = format!("{value:?}");
        }
    }
}

fn install() {
    INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(Bridge).is_ok());
    // Callsites seen before the subscriber existed must be asked again.
    tracing::callsite::rebuild_interest_cache();
}

/// Adds a logger receiving the SDK's redacted HTTP events; returns its id for `removeLogger`.
/// `level` is `debug` (every request, default) or `warn` (failures only). The callback runs on
/// the JavaScript thread that added it and never keeps the process alive.
#[napi]
pub fn add_logger(
    callback: Function<'_, LogRecord, Unknown<'static>>,
    level: Option<String>,
) -> napi::Result<u32> {
    let max_level = match level.as_deref().unwrap_or("debug") {
        "debug" => Level::DEBUG,
        "warn" => Level::WARN,
        _ => {
            return Err(napi::Error::new(
                Status::InvalidArg,
                "level must be \"debug\" or \"warn\"",
            ))
        }
    };
    let tsfn = callback
        .build_threadsafe_function()
        .callee_handled::<false>()
        .weak::<true>()
        .build()?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    sinks().push(Sink {
        id,
        max_level,
        tsfn: Arc::new(tsfn),
    });
    ANY.store(true, Ordering::Relaxed);
    install();
    Ok(id)
}

/// Removes a logger added by `addLogger`; returns whether it was registered.
#[napi]
pub fn remove_logger(id: u32) -> bool {
    let mut list = sinks();
    let before = list.len();
    list.retain(|s| s.id != id);
    ANY.store(!list.is_empty(), Ordering::Relaxed);
    before != list.len()
}
