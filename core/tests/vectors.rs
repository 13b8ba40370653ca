//! Runs the shared vectors of `tests/vectors/` through the real stack (dispatch → client → HTTP →
//! sandbox): the requests the core sends (compared with the sandbox's request log), the decoding
//! of canned answers (the sandbox's `Respond` fault), and validation (no request may be sent).
mod api_support;

use std::collections::BTreeMap;

use api_support::setup;
use prove_core::dispatch::call_json;
use prove_sandbox::{Fault, FaultKind};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    v["cases"].as_array().cloned().unwrap_or_else(|| panic!("{path} has no cases"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
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

fn parse_query(raw: &str) -> BTreeMap<String, String> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

#[tokio::test]
async fn request_vectors() {
    let (sandbox, client) = setup().await;
    for case in load("requests.json") {
        let name = case["name"].as_str().unwrap_or("?");
        sandbox.clear_requests();
        // The sandbox's answer does not matter here (ids may be unknown); the request does.
        let _ = call_json(&client, case["method"].as_str().expect("method"), case["input"].clone()).await;
        let api: Vec<_> = sandbox.requests().into_iter().filter(|r| r.path != "/token").collect();
        assert_eq!(api.len(), 1, "{name}: exactly one API request");
        let r = &api[0];
        let want = &case["expect"];
        assert_eq!(r.method, want["method"].as_str().unwrap_or_default(), "{name}: method");
        assert_eq!(r.path, want["path"].as_str().unwrap_or_default(), "{name}: path");
        let want_query: BTreeMap<String, String> = want["query"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
        assert_eq!(parse_query(&r.query), want_query, "{name}: query");
        assert_eq!(r.body, want["body"], "{name}: body");
    }
}

#[tokio::test]
async fn response_vectors() {
    let (sandbox, client) = setup().await;
    for case in load("responses.json") {
        let name = case["name"].as_str().unwrap_or("?");
        let respond = &case["respond"];
        sandbox.clear_faults();
        sandbox.inject_fault(Fault {
            kind: FaultKind::Respond {
                status: respond["status"].as_u64().expect("status") as u16,
                body: respond["body"].as_str().expect("body").to_owned(),
                content_type: None,
            },
            path: respond["path"].as_str().map(str::to_owned),
            count: None,
        });
        let out = call_json(&client, case["method"].as_str().expect("method"), case["input"].clone()).await;
        sandbox.clear_faults();
        let want = &case["expect"];
        if let Some(values) = want["values"].as_object() {
            let out = out.unwrap_or_else(|e| panic!("{name}: {e}"));
            for (pointer, value) in values {
                assert_eq!(out.pointer(pointer), Some(value), "{name}: {pointer} in {out}");
            }
        } else {
            let e = out.expect_err(name);
            let w = &want["error"];
            assert_eq!(e.kind.as_str(), w["kind"].as_str().unwrap_or_default(), "{name}: {e}");
            if let Some(s) = w["status"].as_u64() {
                assert_eq!(e.status, Some(s as u16), "{name}");
            }
            if let Some(c) = w["code"].as_i64() {
                assert_eq!(e.code, Some(c), "{name}");
            }
        }
    }
}

#[tokio::test]
async fn validation_vectors() {
    let (sandbox, client) = setup().await;
    for case in load("validation.json") {
        let method = case["method"].as_str().expect("method");
        let e = call_json(&client, method, case["input"].clone()).await.expect_err(method);
        assert_eq!(e.kind.as_str(), case["kind"].as_str().unwrap_or("Validation"), "{method}: {e}");
        assert_eq!(e.field.as_deref(), case["field"].as_str(), "{method}: {e}");
    }
    let c = sandbox.counters();
    assert_eq!((c.total_requests, c.token_requests), (0, 0), "{:?}", c.requests_by_path);
}
