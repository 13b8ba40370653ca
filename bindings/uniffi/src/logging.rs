//! The core's log events (already free of secrets and personal data) handed to a callback the
//! host implements: Kotlin's package forwards them to SLF4J.
use std::sync::Arc;

use prove_core::binding::logging::{self as core_log, LogLevel as CoreLevel, LogValue as CoreValue};

use crate::error::ProveError;

/// Level of a record, and the most verbose level a sink wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Failures (a failed attempt, a failed token request).
    Warn,
    /// Every request.
    Debug,
}

/// A value of a record field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum LogValue {
    /// Text.
    Text(String),
    /// A count or a duration in milliseconds.
    Number(i64),
}

/// One field of a record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogField {
    /// `operation`, `method`, `path`, `attempt`, `status`, `latency_ms` or `outcome`.
    pub name: String,
    /// Its value.
    pub value: LogValue,
}

/// One event of the core.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// `Debug` for a successful request, `Warn` for a failed attempt.
    pub level: LogLevel,
    /// Where the event comes from: `prove_core::http`.
    pub target: String,
    /// `prove request`, `prove request failed`, `prove token` or `prove token failed`.
    pub message: String,
    /// The event's fields in the order they were recorded.
    pub fields: Vec<LogField>,
}

/// Receives the core's log records, on whichever thread made the request. Keep it quick and
/// never throw from it.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One record.
    fn log(&self, record: LogRecord);
}

/// Adds `sink`, receiving records up to `level` (`Debug`: every request; `Warn`: failures
/// only). Returns an id for `removeLogSink`. Nothing is recorded until a sink is added.
#[uniffi::export]
pub fn add_log_sink(level: LogLevel, sink: Arc<dyn LogSink>) -> u64 {
    let max = match level {
        LogLevel::Warn => CoreLevel::Warn,
        LogLevel::Debug => CoreLevel::Debug,
    };
    core_log::add_sink(
        max,
        Arc::new(move |r: &core_log::LogRecord| {
            let record = LogRecord {
                level: match r.level {
                    CoreLevel::Warn => LogLevel::Warn,
                    CoreLevel::Debug => LogLevel::Debug,
                },
                target: r.target.to_owned(),
                message: r.message.clone(),
                fields: r
                    .fields
                    .iter()
                    .map(|(name, v)| LogField {
                        name: (*name).to_owned(),
                        value: match v {
                            CoreValue::Str(s) => LogValue::Text(s.clone()),
                            CoreValue::U64(n) => LogValue::Number(i64::try_from(*n).unwrap_or(i64::MAX)),
                        },
                    })
                    .collect(),
            };
            sink.log(record);
            true
        }),
    )
}

/// Removes a sink added by `addLogSink`; returns whether it was registered.
#[uniffi::export]
pub fn remove_log_sink(id: u64) -> bool {
    core_log::remove_sink(id)
}

/// Checks a level name (`debug` or `warn`), for hosts that read it from configuration.
#[uniffi::export]
pub fn parse_log_level(name: String) -> Result<LogLevel, ProveError> {
    Ok(match CoreLevel::parse("level", &name)? {
        CoreLevel::Warn => LogLevel::Warn,
        CoreLevel::Debug => LogLevel::Debug,
    })
}
