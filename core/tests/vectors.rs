//! Runs the shared vectors of `tests/vectors/` through the real stack (dispatch → client → HTTP →
//! sandbox): the requests the core sends (compared with the sandbox's request log), the decoding
//! and error mapping of canned answers (the sandbox's `Respond` fault), and validation (no request
//! may be sent for a bad input; a boundary input must reach the sandbox).
//!
//! Every case runs even after one fails; the test then fails with the names of all failing cases
//! and what differed. The runner rules are in `tests/vectors/README.md`.
mod api_support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use prove_core::dispatch::{call_json, methods};
use prove_core::{Client, Config, Error, RetryPolicy};
use prove_sandbox::{Fault, FaultKind, RecordedRequest, Sandbox};
use serde_json::Value;

/// The cases of section `key` of `tests/vectors/{file}`.
fn load(file: &str, key: &str) -> Vec<Value> {
    let path = format!("{}/../tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    v[key].as_array().cloned().unwrap_or_else(|| panic!("{path} has no `{key}` array"))
}

/// A case's name (every case has one; fall back to the method for safety).
fn name_of(case: &Value) -> String {
    match (case["name"].as_str(), case["method"].as_str()) {
        (Some(n), _) => n.to_owned(),
        (None, Some(m)) => format!("<unnamed {m} case>"),
        (None, None) => "<unnamed case>".to_owned(),
    }
}

fn method_of(case: &Value) -> &str {
    case["method"].as_str().unwrap_or_default()
}

/// Collects the failures of a vector file and panics once with all of them.
#[derive(Default)]
struct Failures {
    lines: Vec<String>,
    ran: usize,
}

impl Failures {
    fn check(&mut self, case: &str, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.lines.push(format!("[{case}] {}", what()));
        }
    }

    fn finish(self, file: &str) {
        assert!(self.ran > 0, "{file}: no case ran");
        if !self.lines.is_empty() {
            let mut msg = format!("{file}: {} mismatch(es) in {} cases:\n", self.lines.len(), self.ran);
            for l in &self.lines {
                let _ = writeln!(msg, "  {l}");
            }
            panic!("{msg}");
        }
    }
}

/// A sandbox and a client for it with retries off (runner rule: the vectors describe one
/// attempt, plus the one re-send after a 401).
async fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let config = Config::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("config");
    (sandbox, Client::new(config).expect("client"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded query as name → value; `None` when a name appears twice.
fn parse_query(raw: &str) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        if out.insert(percent_decode(k), percent_decode(v)).is_some() {
            return None;
        }
    }
    Some(out)
}

/// The requests of the log other than token requests.
fn api_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    sandbox.requests().into_iter().filter(|r| r.path != "/token").collect()
}

fn describe(e: &Error) -> String {
    format!("{} (status {:?}, code {:?}, field {:?}): {}", e.kind.as_str(), e.status, e.code, e.field, e.message)
}

#[tokio::test]
async fn request_vectors() {
    let (sandbox, client) = setup().await;
    let cases = load("requests.json", "cases");
    let mut f = Failures::default();
    let mut names = BTreeSet::new();
    for case in &cases {
        let name = name_of(case);
        f.check(&name, names.insert(name.clone()), || "duplicate case name".into());
        f.ran += 1;
        sandbox.clear_requests();
        // The sandbox's answer does not matter here (ids may be unknown); the request does.
        let _ = call_json(&client, method_of(case), case["input"].clone()).await;
        let api = api_requests(&sandbox);
        if api.len() != 1 {
            let paths: Vec<_> = api.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
            f.check(&name, false, || format!("expected exactly one API request, got {paths:?}"));
            continue;
        }
        let r = &api[0];
        let want = &case["expect"];
        let want_method = want["method"].as_str().unwrap_or_default();
        f.check(&name, r.method == want_method, || format!("method: sent {}, expected {want_method}", r.method));
        let want_path = want["path"].as_str().unwrap_or_default();
        f.check(&name, r.path == want_path, || format!("path: sent {}, expected {want_path}", r.path));
        let want_query: Option<BTreeMap<String, String>> = want["query"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect());
        let got_query = parse_query(&r.query);
        f.check(&name, want_query.is_some() && got_query == want_query, || {
            format!("query: sent {:?} ({:?}), expected {want_query:?}", r.query, got_query)
        });
        if let Some(raw) = want.get("rawQuery").and_then(Value::as_str) {
            f.check(&name, r.query == raw, || format!("raw query: sent {:?}, expected {raw:?}", r.query));
        }
        f.check(&name, r.body == want["body"], || format!("body: sent {}, expected {}", r.body, want["body"]));
    }
    // Coverage: every dispatch method has at least one request case.
    let covered: BTreeSet<&str> = cases.iter().map(method_of).collect();
    for m in methods() {
        f.check(m.name, covered.contains(m.name), || "no request case for this dispatch method".into());
    }
    f.finish("requests.json");
}

#[tokio::test]
async fn response_vectors() {
    let (sandbox, client) = setup().await;
    let mut f = Failures::default();
    let mut names = BTreeSet::new();
    for case in load("responses.json", "cases") {
        let name = name_of(&case);
        f.check(&name, names.insert(name.clone()), || "duplicate case name".into());
        f.ran += 1;
        let respond = &case["respond"];
        let (Some(status), Some(body), Some(path)) =
            (respond["status"].as_u64(), respond["body"].as_str(), respond["path"].as_str())
        else {
            f.check(&name, false, || "respond needs status, body and path".into());
            continue;
        };
        let Ok(status) = u16::try_from(status) else {
            f.check(&name, false, || format!("respond.status {status} is not an HTTP status"));
            continue;
        };
        let count = match respond.get("count").and_then(Value::as_u64).map(u32::try_from) {
            Some(Ok(c)) => Some(c),
            Some(Err(_)) => {
                f.check(&name, false, || "respond.count out of range".into());
                continue;
            }
            None => None,
        };
        sandbox.clear_faults();
        sandbox.clear_requests();
        sandbox.inject_fault(Fault {
            kind: FaultKind::Respond {
                status,
                body: body.to_owned(),
                content_type: respond.get("contentType").and_then(Value::as_str).map(str::to_owned),
            },
            path: Some(path.to_owned()),
            count,
        });
        let out = call_json(&client, method_of(&case), case["input"].clone()).await;
        sandbox.clear_faults();
        let want = &case["expect"];
        if let Some(attempts) = want.get("attempts").and_then(Value::as_u64) {
            let sent = api_requests(&sandbox).iter().filter(|r| r.path == path).count() as u64;
            f.check(&name, sent == attempts, || format!("attempts: {sent} requests to {path}, expected {attempts}"));
        }
        match (want.get("values").and_then(Value::as_object), &want["error"], out) {
            (Some(values), _, Ok(out)) => {
                for (pointer, value) in values {
                    let got = out.pointer(pointer);
                    f.check(&name, got == Some(value), || {
                        format!("{pointer}: got {}, expected {value}", got.map_or("nothing".into(), Value::to_string))
                    });
                }
            }
            (Some(_), _, Err(e)) => f.check(&name, false, || format!("expected values, got error {}", describe(&e))),
            (None, w, Ok(out)) if w.is_object() => {
                f.check(&name, false, || format!("expected error {w}, got output {out}"));
            }
            (None, w, Err(e)) if w.is_object() => {
                let kind = w["kind"].as_str().unwrap_or_default();
                f.check(&name, e.kind.as_str() == kind, || format!("kind: expected {kind}, got {}", describe(&e)));
                if let Some(s) = w.get("status").and_then(Value::as_u64) {
                    f.check(&name, e.status.map(u64::from) == Some(s), || {
                        format!("status: expected {s}, got {}", describe(&e))
                    });
                }
                if let Some(c) = w.get("code") {
                    f.check(&name, c.as_i64().is_some() && e.code == c.as_i64(), || {
                        format!("code: expected {c}, got {}", describe(&e))
                    });
                }
                if w.get("noCode").and_then(Value::as_bool) == Some(true) {
                    f.check(&name, e.code.is_none(), || format!("code: expected none, got {}", describe(&e)));
                }
            }
            _ => f.check(&name, false, || "expect needs `values` or `error`".into()),
        }
    }
    f.finish("responses.json");
}

#[tokio::test]
async fn validation_vectors() {
    let (sandbox, client) = setup().await;
    let mut f = Failures::default();
    let mut names = BTreeSet::new();
    for case in load("validation.json", "cases") {
        let name = name_of(&case);
        f.check(&name, names.insert(name.clone()), || "duplicate case name".into());
        f.ran += 1;
        let before = sandbox.counters().total_requests;
        match call_json(&client, method_of(&case), case["input"].clone()).await {
            Ok(out) => f.check(&name, false, || format!("expected a validation error, got output {out}")),
            Err(e) => {
                let kind = case["kind"].as_str().unwrap_or("Validation");
                f.check(&name, e.kind.as_str() == kind, || format!("kind: expected {kind}, got {}", describe(&e)));
                let field = case["field"].as_str();
                f.check(&name, e.field.as_deref() == field, || {
                    format!("field: expected {field:?}, got {}", describe(&e))
                });
                f.check(&name, e.status.is_none(), || format!("the error came from the server: {}", describe(&e)));
            }
        }
        let after = sandbox.counters().total_requests;
        f.check(&name, after == before, || format!("{} request(s) reached the sandbox", after - before));
    }
    let c = sandbox.counters();
    f.check("all cases", (c.total_requests, c.token_requests) == (0, 0), || {
        format!("requests reached the sandbox: {:?}", c.requests_by_path)
    });
    f.finish("validation.json");
}

#[tokio::test]
async fn valid_boundary_vectors() {
    let (sandbox, client) = setup().await;
    let mut f = Failures::default();
    let mut names = BTreeSet::new();
    for case in load("validation.json", "valid") {
        let name = name_of(&case);
        f.check(&name, names.insert(name.clone()), || "duplicate case name".into());
        f.ran += 1;
        sandbox.clear_requests();
        // The sandbox may still refuse the call (e.g. an unknown test user): only the local
        // checks must let it through, so the request must reach the sandbox.
        let out = call_json(&client, method_of(&case), case["input"].clone()).await;
        if let Err(e) = &out {
            f.check(&name, e.status.is_some(), || format!("rejected before sending: {}", describe(e)));
        }
        let sent = api_requests(&sandbox).len();
        f.check(&name, sent >= 1, || "no request reached the sandbox".into());
    }
    f.finish("validation.json (valid)");
}
