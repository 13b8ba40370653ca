//! The core's log events as plain records handed to callbacks, so each binding plugs in its
//! host's logger (a JavaScript function, Python's `logging`, SLF4J, …).
//!
//! The events are those of [`crate::logging`] (target `prove_core::http`), already free of
//! secrets and personal data: operation, method, path **template**, attempt, status, latency and
//! outcome. Only those typed fields are forwarded; nothing is recorded, and no callsite is
//! enabled, until a sink is added. The first sink installs a process-wide `tracing` subscriber;
//! a host application that installed its own subscriber keeps it (and receives the events
//! itself).
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use arc_swap::ArcSwapOption;

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

#[derive(Clone)]
struct Registered {
    id: u64,
    max_level: LogLevel,
    sink: LogSink,
}

/// The registered sinks. Readers and writers take no lock (a list is swapped in whole), so a
/// process that forks while another thread is delivering a record leaves no lock held in the
/// child: the child's first logged call goes through like any other (Python's `os.fork()`
/// with calls in flight, under gunicorn `--preload` or celery prefork).
static SINKS: ArcSwapOption<Vec<Registered>> = ArcSwapOption::const_empty();
/// The most verbose level any sink wants: 0 none, 1 warn, 2 debug. Events above it are not even
/// built, so a warn-only logger costs nothing on successful requests.
static WANTED: AtomicU8 = AtomicU8::new(0);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Replaces the list with `change` applied to it (retried if another writer got there first),
/// then brings [`WANTED`] up to date.
fn update(change: impl Fn(&mut Vec<Registered>)) {
    SINKS.rcu(|list| {
        let mut next: Vec<Registered> = list.as_deref().cloned().unwrap_or_default();
        change(&mut next);
        Some(Arc::new(next))
    });
    // Stored from the list as it is now; checked again afterwards so that, of two writers
    // racing, the last to store saw the last list.
    loop {
        let list = SINKS.load_full();
        WANTED.store(list.as_deref().map_or(0, |l| wanted(l)), Ordering::Relaxed);
        if ptr_eq(&list, &SINKS.load_full()) {
            break;
        }
    }
}

fn ptr_eq(a: &Option<Arc<Vec<Registered>>>, b: &Option<Arc<Vec<Registered>>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Adds a sink receiving records up to `max_level` (`Debug`: every request; `Warn`: failures
/// only). Returns its id for [`remove_sink`].
pub fn add_sink(max_level: LogLevel, sink: LogSink) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    update(|list| list.push(Registered { id, max_level, sink: Arc::clone(&sink) }));
    INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(Bridge).is_ok());
    // Callsites seen before the subscriber existed must be asked again.
    tracing::callsite::rebuild_interest_cache();
    id
}

/// Removes a sink added by [`add_sink`]; returns whether it was registered.
pub fn remove_sink(id: u64) -> bool {
    let present = SINKS.load().as_deref().is_some_and(|l| l.iter().any(|s| s.id == id));
    if present {
        update(|list| list.retain(|s| s.id != id));
    }
    present
}

/// Hands one record to every sink that wants its level, dropping the sinks that are gone. The
/// sinks run outside the registry's lock, so a sink may add or remove sinks.
fn deliver(rec: &LogRecord) {
    let Some(list) = SINKS.load_full() else { return };
    let gone: Vec<u64> = list.iter().filter(|s| rec.level <= s.max_level && !(s.sink)(rec)).map(|s| s.id).collect();
    if !gone.is_empty() {
        update(|list| list.retain(|s| !gone.contains(&s.id)));
    }
}

fn rank(level: LogLevel) -> u8 {
    match level {
        LogLevel::Warn => 1,
        LogLevel::Debug => 2,
    }
}

/// The rank an event of `level` needs: warnings and errors 1, anything more verbose 2.
fn level_rank(level: Level) -> u8 {
    if level <= Level::WARN {
        1
    } else {
        2
    }
}

fn wanted(list: &[Registered]) -> u8 {
    list.iter().map(|s| rank(s.max_level)).max().unwrap_or(0)
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
        is_ours(meta) && level_rank(*meta.level()) <= WANTED.load(Ordering::Relaxed)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    // Other tests of this process may log real requests meanwhile: only records carrying this
    // operation name are looked at.
    const MARK: &str = "binding-logging-test";

    fn collector(keep_going: bool) -> (LogSink, Arc<Mutex<Vec<LogRecord>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = Arc::clone(&seen);
        let sink: LogSink = Arc::new(move |r: &LogRecord| {
            if r.str("operation") == Some(MARK) {
                s.lock().unwrap().push(r.clone());
                return keep_going;
            }
            true
        });
        (sink, seen)
    }

    #[test]
    fn sinks_get_their_levels_and_nothing_is_built_above_the_most_verbose_one() {
        let (sink, warned) = collector(true);
        let warn_only = add_sink(LogLevel::Warn, sink);
        assert!(WANTED.load(Ordering::Relaxed) >= 1);
        tracing::debug!(target: TARGET, operation = MARK, outcome = "ok", "prove request");
        tracing::warn!(target: TARGET, operation = MARK, outcome = "Timeout", attempt = 2u64, "prove request failed");
        {
            let w = warned.lock().unwrap();
            assert_eq!(w.len(), 1, "{w:?}");
            assert_eq!(
                (w[0].level, w[0].str("outcome"), w[0].u64("attempt")),
                (LogLevel::Warn, Some("Timeout"), Some(2))
            );
            assert_eq!((w[0].target, w[0].message.as_str()), (TARGET, "prove request failed"));
        }

        let (sink, all) = collector(false); // gone after its first record
        let all_id = add_sink(LogLevel::Debug, sink);
        assert_eq!(WANTED.load(Ordering::Relaxed), 2);
        tracing::debug!(target: TARGET, operation = MARK, attempt = 1u64, "prove request");
        tracing::debug!(target: TARGET, operation = MARK, attempt = 2u64, "prove request");
        assert_eq!(all.lock().unwrap().len(), 1);
        assert_eq!(warned.lock().unwrap().len(), 1, "the warn-only sink got a debug record");
        // The sink that said it is gone was dropped.
        assert!(!remove_sink(all_id));
        assert!(remove_sink(warn_only));
        assert!(!remove_sink(warn_only));
    }
}
