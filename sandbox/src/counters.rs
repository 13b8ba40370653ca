//! Request counters (lock-free atomics, one per route) and the bounded log of recent requests.
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};

/// A snapshot of the sandbox's request counters.
///
/// Counted when a request arrives, before faults, authentication or body checks, so a request
/// answered with an injected fault or a 401 still counts. Control endpoints under `/sandbox/`
/// are not counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests to `POST /token` (any outcome).
    pub token_requests: u64,
    /// Every request outside `/sandbox/`: `/token`, operations, and unknown paths.
    pub total_requests: u64,
    /// Requests per route template (e.g. `/v3/identity/{proveId}`, `/token`), only routes that
    /// were hit. Requests to unknown paths count in `total_requests` only.
    pub requests_by_path: BTreeMap<String, u64>,
}

impl Counters {
    /// The JSON form served by `GET /sandbox/counters`.
    pub fn to_json(&self) -> Value {
        json!({
            "tokenRequests": self.token_requests,
            "totalRequests": self.total_requests,
            "requestsByPath": self.requests_by_path,
        })
    }
}

/// The live counters.
#[derive(Debug)]
pub(crate) struct CounterSet {
    total: AtomicU64,
    per_route: Vec<AtomicU64>,
}

impl CounterSet {
    /// Counters for `routes` routes.
    pub fn new(routes: usize) -> Self {
        CounterSet { total: AtomicU64::new(0), per_route: (0..routes).map(|_| AtomicU64::new(0)).collect() }
    }

    /// Count one request, to route `route` when it resolved.
    pub fn hit(&self, route: Option<usize>) {
        self.total.fetch_add(1, Ordering::Relaxed);
        if let Some(c) = route.and_then(|i| self.per_route.get(i)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A snapshot; `templates[i]` names route `i`, `token_route` is the index of `/token`.
    pub fn snapshot(&self, templates: &[&'static str], token_route: usize) -> Counters {
        let mut by_path = BTreeMap::new();
        for (i, c) in self.per_route.iter().enumerate() {
            let n = c.load(Ordering::Relaxed);
            if n > 0 {
                if let Some(t) = templates.get(i) {
                    *by_path.entry((*t).to_owned()).or_insert(0) += n;
                }
            }
        }
        Counters {
            token_requests: self.per_route.get(token_route).map_or(0, |c| c.load(Ordering::Relaxed)),
            total_requests: self.total.load(Ordering::Relaxed),
            requests_by_path: by_path,
        }
    }

    /// Set every counter to zero.
    pub fn reset(&self) {
        self.total.store(0, Ordering::Relaxed);
        for c in &self.per_route {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// One request as the sandbox received it (see [`crate::Sandbox::requests`]).
///
/// Its `Debug` output shows only the method, route and body shape: raw paths, query strings and
/// bodies may carry personal data.
#[derive(Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// The raw path as sent (still percent-encoded), without the query string.
    pub path: String,
    /// The raw query string without `?` (still percent-encoded); empty when the URL had none.
    pub query: String,
    /// The route template the path resolved to, or `None` for unknown paths.
    pub route: Option<String>,
    /// Path parameters by template name, percent-decoded (`+` stays `+`); empty for unknown paths.
    pub path_params: BTreeMap<String, String>,
    /// The parsed JSON body; `Value::Null` when absent, too large or not JSON. For `/token`, the
    /// form fields as a JSON object with `client_secret` replaced by `"<redacted>"`.
    pub body: Value,
    /// The `Content-Type` header, when present.
    pub content_type: Option<String>,
    /// The sandbox clock when the request arrived, in Unix milliseconds.
    pub at_ms: u64,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shape = match &self.body {
            Value::Null => "null",
            Value::Object(_) => "object",
            Value::Array(_) => "array",
            _ => "scalar",
        };
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("route", &self.route.as_deref().unwrap_or("<unknown>"))
            .field("body", &shape)
            .field("content_type", &self.content_type)
            .field("at_ms", &self.at_ms)
            .finish_non_exhaustive()
    }
}

impl RecordedRequest {
    /// The JSON form served by `GET /sandbox/requests`.
    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "route": self.route,
            "pathParams": self.path_params,
            "body": self.body,
            "contentType": self.content_type,
            "atMs": self.at_ms,
        })
    }
}

/// Most recent requests, oldest first, bounded.
#[derive(Debug)]
pub(crate) struct RequestLog {
    cap: usize,
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    /// A log keeping at most `cap` entries.
    pub fn new(cap: usize) -> Self {
        RequestLog { cap, entries: Mutex::new(VecDeque::with_capacity(cap.min(64))) }
    }

    /// Append, evicting the oldest entry when full.
    pub fn push(&self, r: RecordedRequest) {
        if self.cap == 0 {
            return;
        }
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if e.len() >= self.cap {
            e.pop_front();
        }
        e.push_back(r);
    }

    /// A copy of the log, most recent last.
    pub fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    /// Forget every entry.
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
