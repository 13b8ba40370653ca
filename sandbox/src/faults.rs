//! Fault injection: latency, error statuses, dropped connections, malformed or slow bodies and
//! canned answers, for the next N matching requests or until cleared.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};

use crate::fields::Fields;

/// Longest `latency` or `slowBody` a fault may ask for (one hour), in milliseconds.
pub const MAX_FAULT_MS: u64 = 3_600_000;
/// Largest `retryAfter` a `status` fault may ask for (one day), in seconds.
pub const MAX_RETRY_AFTER: u64 = 86_400;

/// A fault to inject (see [`crate::Sandbox::inject_fault`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What happens to a matching request.
    pub kind: FaultKind,
    /// Only requests to this path (e.g. `"/v3/start"` or `"/token"`; a raw path or a route
    /// template such as `"/v3/identity/{proveId}"`); `None` matches every request outside
    /// `/sandbox/`, including `/token`.
    pub path: Option<String>,
    /// The next N matching requests; `None` = until [`crate::Sandbox::clear_faults`].
    pub count: Option<u32>,
}

impl Fault {
    /// A fault of `kind` for every request until cleared.
    pub fn new(kind: FaultKind) -> Self {
        Fault { kind, path: None, count: None }
    }

    /// Restrict the fault to one path.
    #[must_use]
    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Apply the fault to the next `n` matching requests only.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.count = Some(n);
        self
    }

    /// The JSON form accepted by `POST /sandbox/faults`.
    pub fn to_json(&self) -> Value {
        let mut v = match &self.kind {
            FaultKind::Latency(d) => json!({"kind": "latency", "ms": ms(*d)}),
            FaultKind::Status { status, retry_after } => {
                json!({"kind": "status", "status": status, "retryAfter": retry_after})
            }
            FaultKind::Drop => json!({"kind": "drop"}),
            FaultKind::MalformedJson => json!({"kind": "malformedJson"}),
            FaultKind::SlowBody(d) => json!({"kind": "slowBody", "ms": ms(*d)}),
            FaultKind::Respond { status, body, content_type } => {
                json!({"kind": "respond", "status": status, "body": body, "contentType": content_type})
            }
        };
        if let Value::Object(m) = &mut v {
            m.insert("path".into(), json!(self.path));
            m.insert("count".into(), json!(self.count));
        }
        v
    }

    /// Parse the JSON form: `{"kind": "latency"|"status"|"drop"|"malformedJson"|"slowBody"|
    /// "respond", "ms", "status", "retryAfter", "body", "contentType", "path", "count"}`. The error
    /// names the offending field: unknown fields, values of the wrong type, `ms` outside 0 to
    /// [`MAX_FAULT_MS`], `status` outside 100 to 999, `retryAfter` outside 0 to
    /// [`MAX_RETRY_AFTER`], `count` outside 0 to 2^32 - 1.
    pub fn from_json(v: &Value) -> Result<Fault, String> {
        Self::parse(v).map_err(|e| format!("invalid fault: {e}"))
    }

    fn parse(v: &Value) -> Result<Fault, crate::fields::FieldError> {
        use crate::fields::FieldError;
        let f = Fields::of(v)?;
        f.only(&["kind", "ms", "status", "retryAfter", "body", "contentType", "path", "count"])?;
        let kind_name = f.req_str("kind")?;
        let ms = f.opt_whole("ms", MAX_FAULT_MS)?;
        let status = f.opt_whole("status", 999)?;
        let retry_after = f.opt_whole("retryAfter", MAX_RETRY_AFTER)?;
        let body = f.opt_str("body")?;
        let content_type = f.opt_str("contentType")?;
        let path = f.opt_str("path")?;
        let count = f.opt_whole("count", u64::from(u32::MAX))?;
        let norm: String =
            kind_name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
        let need_ms = || {
            ms.map(Duration::from_millis)
                .ok_or_else(|| FieldError::invalid(format!("fault kind '{kind_name}' needs field 'ms'")))
        };
        let need_status = || {
            status.and_then(|s| u16::try_from(s).ok()).filter(|st| (100..=999).contains(st)).ok_or_else(|| {
                FieldError::invalid(format!("fault kind '{kind_name}' needs a valid field 'status' (100 to 999)"))
            })
        };
        let kind = match norm.as_str() {
            "latency" | "delay" => FaultKind::Latency(need_ms()?),
            "status" | "error" => FaultKind::Status { status: need_status()?, retry_after },
            "drop" | "dropconnection" => FaultKind::Drop,
            "malformedjson" | "malformed" => FaultKind::MalformedJson,
            "slowbody" | "slow" => FaultKind::SlowBody(need_ms()?),
            "respond" | "canned" => FaultKind::Respond {
                status: need_status()?,
                body: body.unwrap_or_default().to_owned(),
                content_type: content_type.map(str::to_owned),
            },
            _ => {
                let shown: String = kind_name.chars().take(40).collect();
                return Err(FieldError::invalid(format!("unknown fault kind '{shown}' (field 'kind')")));
            }
        };
        Ok(Fault { kind, path: path.map(str::to_owned), count: count.and_then(|c| u32::try_from(c).ok()) })
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait this long, then answer normally.
    Latency(Duration),
    /// Answer this status with a Prove error body; `retry_after` adds a `Retry-After` header
    /// (seconds).
    Status {
        /// HTTP status to answer.
        status: u16,
        /// Seconds for the `Retry-After` header.
        retry_after: Option<u64>,
    },
    /// Close the connection without answering.
    Drop,
    /// Answer 200 with a body that is not valid JSON.
    MalformedJson,
    /// Send the headers at once and the (normal) body in pieces spread over this duration.
    SlowBody(Duration),
    /// A canned answer, e.g. for decoding tests.
    Respond {
        /// HTTP status.
        status: u16,
        /// The exact body.
        body: String,
        /// `Content-Type`; `application/json` when `None`.
        content_type: Option<String>,
    },
}

/// The active faults. `active` mirrors `faults.len()` so requests skip the lock when none is set.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    active: AtomicUsize,
    faults: Mutex<Vec<Fault>>,
}

impl FaultTable {
    /// Add a fault (after those already set; the first matching fault applies).
    pub fn add(&self, f: Fault) {
        if f.count == Some(0) {
            return;
        }
        let mut v = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        v.push(f);
        self.active.store(v.len(), Ordering::Release);
    }

    /// Remove every fault.
    pub fn clear(&self) {
        let mut v = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        v.clear();
        self.active.store(0, Ordering::Release);
    }

    /// The active faults.
    pub fn list(&self) -> Vec<Fault> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Take one use of the first fault matching the raw `path` or route `template`.
    pub fn take(&self, path: &str, template: Option<&str>) -> Option<FaultKind> {
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut v = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let i = v.iter().position(|f| match &f.path {
            None => true,
            Some(p) => p == path || Some(p.as_str()) == template,
        })?;
        let kind = v[i].kind.clone();
        if let Some(n) = &mut v[i].count {
            *n = n.saturating_sub(1);
            if *n == 0 {
                v.remove(i);
            }
        }
        self.active.store(v.len(), Ordering::Release);
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_and_matches_paths() {
        let t = FaultTable::default();
        t.add(Fault::new(FaultKind::Drop).on_path("/v3/start").times(2));
        t.add(Fault::new(FaultKind::MalformedJson).on_path("/v3/identity/{proveId}"));
        assert_eq!(t.take("/token", None), None);
        assert_eq!(t.take("/v3/start", Some("/v3/start")), Some(FaultKind::Drop));
        assert_eq!(t.take("/v3/start", Some("/v3/start")), Some(FaultKind::Drop));
        assert_eq!(t.take("/v3/start", Some("/v3/start")), None);
        assert_eq!(t.take("/v3/identity/x", Some("/v3/identity/{proveId}")), Some(FaultKind::MalformedJson));
        assert_eq!(t.take("/v3/identity/x", Some("/v3/identity/{proveId}")), Some(FaultKind::MalformedJson));
        t.clear();
        assert_eq!(t.take("/v3/identity/x", Some("/v3/identity/{proveId}")), None);
    }

    #[test]
    fn json_round_trip() {
        for f in [
            Fault::new(FaultKind::Latency(Duration::from_millis(5))).on_path("/token").times(1),
            Fault::new(FaultKind::Status { status: 429, retry_after: Some(2) }),
            Fault::new(FaultKind::Drop),
            Fault::new(FaultKind::MalformedJson),
            Fault::new(FaultKind::SlowBody(Duration::from_millis(100))),
            Fault::new(FaultKind::Respond { status: 200, body: "x".into(), content_type: Some("text/plain".into()) }),
        ] {
            assert_eq!(Fault::from_json(&f.to_json()), Ok(f));
        }
        assert!(Fault::from_json(&json!({"kind": "latency"})).is_err());
        assert!(Fault::from_json(&json!({"kind": "nope"})).is_err());
        assert!(Fault::from_json(&json!({"kind": "drop", "extra": 1})).is_err());
        for (bad, field) in [
            (json!({"kind": "latency", "ms": -1}), "'ms'"),
            (json!({"kind": "latency", "ms": 1e20}), "'ms'"),
            (json!({"kind": "slowBody", "ms": "5"}), "'ms'"),
            (json!({"kind": "latency", "ms": MAX_FAULT_MS + 1}), "'ms'"),
            (json!({"kind": "status", "status": 70000}), "'status'"),
            (json!({"kind": "status", "status": 429, "retryAfter": -2}), "'retryAfter'"),
            (json!({"kind": "drop", "count": 1.5}), "'count'"),
            (json!({"kind": "drop", "count": 5_000_000_000u64}), "'count'"),
            (json!({"kind": 5}), "'kind'"),
            (json!({"kind": "drop", "path": 5}), "'path'"),
            (json!({"kind": "respond", "status": 200, "body": {}}), "'body'"),
            (json!({"kind": "drop", "nope": 1}), "'nope'"),
        ] {
            let e = Fault::from_json(&bad).unwrap_err();
            assert!(e.contains(field), "{bad}: {e}");
        }
        assert_eq!(Fault::from_json(&json!({"kind": "malformed_json"})).map(|f| f.kind), Ok(FaultKind::MalformedJson));
    }
}
