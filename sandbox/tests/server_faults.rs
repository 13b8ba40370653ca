//! Fault injection over real HTTP: every fault kind, path matching, counts and the JSON controls.
mod server_common;

use std::time::{Duration, Instant};

use prove_sandbox::{Fault, FaultKind, Sandbox};
use serde_json::{json, Value};
use server_common::{client, parts, token};

async fn start_call(http: &reqwest::Client, sb: &Sandbox, t: &str) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{}/v3/start", sb.base_url())).bearer_auth(t).json(&json!({"flowType": "mobile"})).send().await
}

#[tokio::test]
async fn latency_delays_then_answers_normally() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    let normal = start_call(&http, &sb, &t).await.expect("send").status();
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(300))).on_path("/v3/start").times(1));
    let began = Instant::now();
    let res = start_call(&http, &sb, &t).await.expect("send");
    assert!(began.elapsed() >= Duration::from_millis(300));
    assert_eq!(res.status(), normal);
    let began = Instant::now();
    start_call(&http, &sb, &t).await.expect("send");
    assert!(began.elapsed() < Duration::from_millis(300), "the fault was used up");
}

#[tokio::test]
async fn status_faults_carry_prove_errors_and_retry_after() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    sb.inject_fault(Fault::new(FaultKind::Status { status: 429, retry_after: Some(7) }).on_path("/v3/start").times(2));
    sb.inject_fault(Fault::new(FaultKind::Status { status: 503, retry_after: None }).on_path("/v3/start").times(1));
    for _ in 0..2 {
        let res = start_call(&http, &sb, &t).await.expect("send");
        assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("7"));
        let (status, ct, v) = parts(res).await;
        assert_eq!((status, ct.as_str()), (429, "application/json"));
        assert!(v["code"].is_i64() && v["message"].is_string());
    }
    let res = start_call(&http, &sb, &t).await.expect("send");
    assert!(res.headers().get("retry-after").is_none());
    let (status, _, v) = parts(res).await;
    assert_eq!((status, v["code"].clone()), (503, json!(8000)));
    let status = start_call(&http, &sb, &t).await.expect("send").status();
    assert!(status != 429 && status != 503);
    // Other paths were never affected, and every attempt was counted.
    assert_eq!(sb.counters().requests_by_path["/v3/start"], 4);
}

#[tokio::test]
async fn drop_closes_the_connection_without_an_answer() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    sb.inject_fault(Fault::new(FaultKind::Drop).on_path("/v3/start").times(1));
    let err = start_call(&http, &sb, &t).await.expect_err("no answer");
    assert!(!err.is_status() && !err.is_timeout(), "{err}");
    assert!(start_call(&http, &sb, &t).await.is_ok(), "the next request is answered");
}

#[tokio::test]
async fn malformed_json_and_canned_answers() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    sb.inject_fault(Fault::new(FaultKind::MalformedJson).times(1));
    let res = start_call(&http, &sb, &t).await.expect("send");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("body");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    sb.inject_fault(Fault {
        kind: FaultKind::Respond { status: 400, body: "plain words".into(), content_type: Some("text/plain".into()) },
        path: Some("/v3/identity/{proveId}".into()),
        count: None,
    });
    for id in ["a", "b"] {
        let res = http.get(format!("{}/v3/identity/{id}", sb.base_url())).bearer_auth(&t).send().await.expect("send");
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/plain"));
        assert_eq!(res.text().await.expect("body"), "plain words");
    }
    sb.clear_faults();
    let res = http.get(format!("{}/v3/identity/a", sb.base_url())).bearer_auth(&t).send().await.expect("send");
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
}

#[tokio::test]
async fn slow_body_sends_headers_at_once_and_trickles_the_body() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    let expected = start_call(&http, &sb, &t).await.expect("send").text().await.expect("body");
    sb.inject_fault(Fault::new(FaultKind::SlowBody(Duration::from_millis(600))).on_path("/v3/start").times(1));
    let began = Instant::now();
    let res = start_call(&http, &sb, &t).await.expect("send");
    let headers_after = began.elapsed();
    let body = res.text().await.expect("body");
    let total = began.elapsed();
    assert!(headers_after < Duration::from_millis(300), "headers took {headers_after:?}");
    assert!(total >= Duration::from_millis(500), "body took {total:?}");
    // Same shape as an ordinary answer (the world may vary ids between calls).
    let (a, b): (Value, Value) =
        (serde_json::from_str(&expected).unwrap_or(Value::Null), serde_json::from_str(&body).expect("json"));
    assert_eq!(a.as_object().map(|o| o.len()), b.as_object().map(|o| o.len()));
}

#[tokio::test]
async fn faults_apply_to_token_requests() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    sb.inject_fault(Fault::new(FaultKind::Status { status: 500, retry_after: None }).on_path("/token").times(1));
    let form =
        [("grant_type", "client_credentials"), ("client_id", sb.client_id()), ("client_secret", sb.client_secret())];
    let res = http.post(format!("{}/token", sb.base_url())).form(&form).send().await.expect("send");
    assert_eq!(res.status(), 500);
    let res = http.post(format!("{}/token", sb.base_url())).form(&form).send().await.expect("send");
    assert_eq!(res.status(), 200);
    // A fault without a path hits /token too.
    sb.inject_fault(Fault::new(FaultKind::Status { status: 502, retry_after: None }).times(1));
    let res = http.post(format!("{}/token", sb.base_url())).form(&form).send().await.expect("send");
    assert_eq!(res.status(), 502);
    assert_eq!(sb.counters().token_requests, 3);
}

#[tokio::test]
async fn faults_over_the_control_endpoint() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    let url = format!("{}/sandbox/faults", sb.base_url());
    let res = http
        .post(&url)
        .json(&json!({"kind": "status", "status": 429, "retryAfter": 3, "path": "/v3/start", "count": 1}))
        .send()
        .await
        .expect("send");
    let (status, _, v) = parts(res).await;
    assert_eq!(status, 200);
    assert_eq!(v["faults"][0]["kind"], "status");
    let res = start_call(&http, &sb, &t).await.expect("send");
    assert_eq!(
        (res.status().as_u16(), res.headers().get("retry-after").and_then(|v| v.to_str().ok())),
        (429, Some("3"))
    );

    let res = http.post(&url).json(&json!({"kind": "latency", "ms": 10})).send().await.expect("send");
    assert_eq!(res.status(), 200);
    let (_, _, v) = parts(http.get(&url).send().await.expect("send")).await;
    assert_eq!(v["faults"].as_array().map(Vec::len), Some(1));
    let (_, _, v) = parts(http.delete(&url).send().await.expect("send")).await;
    assert_eq!(v["faults"], json!([]));

    let (status, _, v) = parts(http.post(&url).json(&json!({"kind": "explode"})).send().await.expect("send")).await;
    assert_eq!(status, 400);
    assert!(v["message"].as_str().unwrap_or("").contains("explode"));
}
