//! The core's log events as plain records handed to callbacks, so each binding plugs in its
//! host's logger (a JavaScript function, Python's `logging`, SLF4J, …).
//!
//! The events are those of [`crate::logging`] (target `prove_core::http`), already free of
//! secrets and personal data: operation, method, path **template**, attempt, status, latency and
//! outcome. Only those typed fields are forwarded; nothing is recorded, and no callsite is
//! enabled, until a sink is added. The first sink installs a process-wide `tracing` subscriber;
//! a host application that installed its own subscriber keeps it (and receives the events
//! itself).
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{span, Event, Level, Metadata, Subscriber};

use crate::error::{Error, Result};
use crate::logging::TARGET;

/// Level of a record, and the most verbose level a sink wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Failures (a failed attempt, a failed token request).
    Warn,
    /// Every request.
    Debug,
}

impl LogLevel {
    /// `warn` or `debug`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Warn => "warn",
            LogLevel::Debug => "debug",
        }
    }

    /// Reads `debug` or `warn`; anything else is a `Validation` error naming `field`.
    pub fn parse(field: &str, s: &str) -> Result<LogLevel> {
        match s {
            "debug" => Ok(LogLevel::Debug),
            "warn" => Ok(LogLevel::Warn),
            _ => Err(Error::validation(field, "must be \"debug\" or \"warn\"")),
        }
    }
}

/// A value of a record field.
#[derive(Debug, Clone, PartialEq)]
pub enum LogValue {
    /// Text.
    Str(String),
    /// A count or a duration in milliseconds.
    U64(u64),
}

/// One event of the core, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// `Debug` for a successful request, `Warn` for a failed attempt.
    pub level: LogLevel,
    /// Where the event comes from: `prove_core::http`.
    pub target: &'static str,
    /// `prove request`, `prove request failed`, `prove token` or `prove token failed`.
    pub message: String,
    /// The event's fields in the order they were recorded: `operation`, `method`, `path`,
    /// `attempt`, `status`, `latency_ms`, `outcome` (each when the event has it).
    pub fields: Vec<(&'static str, LogValue)>,
}

impl LogRecord {
    /// A text field by name.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.fields.iter().find_map(|(n, v)| match v {
            LogValue::Str(s) if *n == name => Some(s.as_str()),
            _ => None,
        })
    }

    /// A numeric field by name.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.fields.iter().find_map(|(n, v)| match v {
            LogValue::U64(x) if *n == name => Some(*x),
            _ => None,
        })
    }
}

/// A callback receiving records. It returns `false` when it can take no more (its host has gone
/// away), and is then removed.
pub type LogSink = Arc<dyn Fn(&LogRecord) -> bool + Send + Sync>;

struct Registered {
    id: u64,
    max_level: LogLevel,
    sink: LogSink,
}

static SINKS: Mutex<Vec<Registered>> = Mutex::new(Vec::new());
static ANY: AtomicBool = AtomicBool::new(false);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static INSTALLED: OnceLock<bool> = OnceLock::new();

fn sinks() -> std::sync::MutexGuard<'static, Vec<Registered>> {
    // A poisoned lock only means a panic elsewhere while holding it; the list itself is intact.
    SINKS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Adds a sink receiving records up to `max_level` (`Debug`: every request; `Warn`: failures
/// only). Returns its id for [`remove_sink`].
pub fn add_sink(max_level: LogLevel, sink: LogSink) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    sinks().push(Registered { id, max_level, sink });
    ANY.store(true, Ordering::Relaxed);
    INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(Bridge).is_ok());
    // Callsites seen before the subscriber existed must be asked again.
    tracing::callsite::rebuild_interest_cache();
    id
}

/// Removes a sink added by [`add_sink`]; returns whether it was registered.
pub fn remove_sink(id: u64) -> bool {
    let mut list = sinks();
    let before = list.len();
    list.retain(|s| s.id != id);
    ANY.store(!list.is_empty(), Ordering::Relaxed);
    before != list.len()
}

/// Hands one record to every sink that wants its level, dropping the sinks that are gone. The
/// sinks run outside the registry's lock, so a sink may add or remove sinks.
fn deliver(rec: &LogRecord) {
    let wanted: Vec<(u64, LogSink)> =
        sinks().iter().filter(|s| rec.level <= s.max_level).map(|s| (s.id, Arc::clone(&s.sink))).collect();
    let gone: Vec<u64> = wanted.into_iter().filter(|(_, sink)| !sink(rec)).map(|(id, _)| id).collect();
    if !gone.is_empty() {
        let mut list = sinks();
        list.retain(|s| !gone.contains(&s.id));
        ANY.store(!list.is_empty(), Ordering::Relaxed);
    }
}

/// Forwards the core's HTTP events to the registered sinks.
struct Bridge;

fn is_ours(meta: &Metadata<'_>) -> bool {
    meta.target() == TARGET
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
        let level = if *event.metadata().level() <= Level::WARN { LogLevel::Warn } else { LogLevel::Debug };
        let mut rec = LogRecord { level, target: TARGET, message: String::new(), fields: Vec::with_capacity(7) };
        event.record(&mut Fields(&mut rec));
        deliver(&rec);
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

/// Records the typed fields of an event. Values recorded only through `Debug` are dropped,
/// except the message, so nothing the core did not mean to log can slip through.
struct Fields<'a>(&'a mut LogRecord);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.fields.push((field.name(), LogValue::Str(value.to_owned())));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.fields.push((field.name(), LogValue::U64(value)));
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
