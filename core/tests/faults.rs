//! The fault matrix: what each injected failure becomes, and what is (not) retried, per
//! retry class. `GET /v3/domain/id` is the read; `POST /v3/start` the state-changing flow step.
mod transport_support;

use std::time::{Duration, Instant};

use prove_core::{ops, CallOptions, ErrorKind, RetryPolicy};
use prove_sandbox::{Fault, FaultKind};
use serde_json::Value;
use transport_support::*;

fn status(status: u16) -> FaultKind {
    FaultKind::Status { status, retry_after: None }
}

fn respond(status: u16, body: &str, content_type: Option<&str>) -> FaultKind {
    FaultKind::Respond { status, body: body.to_owned(), content_type: content_type.map(str::to_owned) }
}

#[tokio::test]
async fn latency_beyond_the_total_timeout_is_a_timeout() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("warm up");
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(3))).on_path(DOMAIN_ID_PATH));
    let short = c.with_options(CallOptions::new().timeout(Duration::from_millis(300)));
    let t0 = Instant::now();
    let e = expect_err(domain_id(&short).await, ErrorKind::Timeout);
    assert!(t0.elapsed() < Duration::from_millis(1500), "gave up late: {:?}", t0.elapsed());
    assert_eq!(e.operation, Some("V3DomainIDRequest"));
}

#[tokio::test]
async fn slow_attempt_of_a_read_is_retried_within_the_budget() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("warm up");
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(3))).on_path(DOMAIN_ID_PATH).times(1));
    let opts = CallOptions::new().timeout(Duration::from_secs(5)).attempt_timeout(Duration::from_millis(300));
    domain_id(&c.with_options(opts)).await.expect("second attempt succeeds");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 3);
}

#[tokio::test]
async fn slow_attempt_of_a_flow_step_is_not_retried() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("warm up");
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(2))).on_path(START_PATH).times(1));
    let opts = CallOptions::new().timeout(Duration::from_secs(5)).attempt_timeout(Duration::from_millis(300));
    expect_err(start(&c.with_options(opts)).await, ErrorKind::Timeout);
    assert_eq!(hits(&sb, START_PATH), 1);
}

#[tokio::test]
async fn slow_body_beyond_the_timeout_is_a_timeout() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("warm up");
    sb.inject_fault(Fault::new(FaultKind::SlowBody(Duration::from_secs(3))).on_path(DOMAIN_ID_PATH));
    let short = c.with_options(CallOptions::new().timeout(Duration::from_millis(400)));
    expect_err(domain_id(&short).await, ErrorKind::Timeout);
}

#[tokio::test]
async fn rate_limit_with_retry_after_is_honoured_then_succeeds() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("warm up");
    sb.inject_fault(
        Fault::new(FaultKind::Status { status: 429, retry_after: Some(1) }).on_path(DOMAIN_ID_PATH).times(1),
    );
    let t0 = Instant::now();
    domain_id(&c).await.expect("retried after Retry-After");
    assert!(t0.elapsed() >= Duration::from_millis(950), "Retry-After ignored: {:?}", t0.elapsed());
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 3);
}

#[tokio::test]
async fn rate_limit_on_a_flow_step_is_retried() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Status { status: 429, retry_after: None }).on_path(START_PATH).times(1));
    let v: Value = start(&c).await.expect("flow step retried after 429");
    assert!(v["correlationId"].is_string());
    assert_eq!(hits(&sb, START_PATH), 2);
}

#[tokio::test]
async fn rate_limit_with_retries_off_carries_retry_after() {
    let sb = sandbox().await;
    let c = client_for(&sb).with_options(CallOptions::new().retry(RetryPolicy::none()));
    sb.inject_fault(
        Fault::new(FaultKind::Status { status: 429, retry_after: Some(1) }).on_path(DOMAIN_ID_PATH).times(1),
    );
    let e = expect_err(domain_id(&c).await, ErrorKind::RateLimited);
    assert_eq!(e.status, Some(429));
    assert_eq!(e.retry_after, Some(Duration::from_secs(1)));
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_gives_up_at_once() {
    let sb = sandbox().await;
    let c = client_for(&sb); // max_backoff 2 s
    sb.inject_fault(
        Fault::new(FaultKind::Status { status: 429, retry_after: Some(30) }).on_path(DOMAIN_ID_PATH).times(1),
    );
    let t0 = Instant::now();
    let e = expect_err(domain_id(&c).await, ErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(Duration::from_secs(30)));
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn internal_error_is_api_and_not_retried() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(status(500)).on_path(DOMAIN_ID_PATH).times(1));
    let e = expect_err(domain_id(&c).await, ErrorKind::Api);
    assert_eq!(e.status, Some(500));
    assert!(e.code.is_some(), "Prove error body parsed: {e:?}");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn bad_gateway_and_unavailable_on_a_read_are_retried_and_recover() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(status(502)).on_path(DOMAIN_ID_PATH).times(1));
    sb.inject_fault(Fault::new(status(503)).on_path(DOMAIN_ID_PATH).times(1));
    domain_id(&c).await.expect("recovered");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 3);
}

#[tokio::test]
async fn unavailable_on_a_read_exhausts_retries() {
    let sb = sandbox().await;
    let c = client_for(&sb); // 3 retries
    sb.inject_fault(Fault::new(status(504)).on_path(DOMAIN_ID_PATH));
    let e = expect_err(domain_id(&c).await, ErrorKind::Api);
    assert_eq!(e.status, Some(504));
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 4);
}

#[tokio::test]
async fn bad_gateway_and_unavailable_on_a_flow_step_are_not_retried() {
    for code in [502, 503] {
        let sb = sandbox().await;
        let c = client_for(&sb);
        sb.inject_fault(Fault::new(status(code)).on_path(START_PATH).times(1));
        let e = expect_err(start(&c).await, ErrorKind::Api);
        assert_eq!(e.status, Some(code));
        assert_eq!(e.operation, Some("V3StartRequest"));
        assert_eq!(hits(&sb, START_PATH), 1, "HTTP {code} on a flow step must not be re-sent");
    }
}

#[tokio::test]
async fn dropped_connection_on_a_read_is_retried() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Drop).on_path(DOMAIN_ID_PATH).times(1));
    domain_id(&c).await.expect("recovered");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 2);
}

#[tokio::test]
async fn dropped_connection_is_transport_when_not_retried() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    // a read with retries off
    sb.inject_fault(Fault::new(FaultKind::Drop).on_path(DOMAIN_ID_PATH).times(1));
    let no_retry = c.with_options(CallOptions::new().retry(RetryPolicy::none()));
    expect_err(domain_id(&no_retry).await, ErrorKind::Transport);
    // a flow step, even with retries on
    sb.inject_fault(Fault::new(FaultKind::Drop).on_path(START_PATH).times(1));
    let e = expect_err(start(&c).await, ErrorKind::Transport);
    assert_eq!(e.status, None);
    assert_eq!(hits(&sb, START_PATH), 1);
}

#[tokio::test]
async fn connection_refused_is_transport_for_reads_and_flow_steps() {
    // a port nobody listens on
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let c = prove_core::Client::new(
        prove_core::Config::builder()
            .client_id("id")
            .client_secret("secret")
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry(RetryPolicy {
                max_retries: 2,
                initial_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_millis(100),
            })
            .build()
            .unwrap(),
    )
    .unwrap();
    for op in [&ops::DOMAIN_ID, &ops::START] {
        let e = expect_err(c.raw_call::<Value>(op, &[], &[], None).await, ErrorKind::Transport);
        assert!(e.message.contains("connect"), "{e}");
    }
    // with retries off the same failure comes back at once
    let t0 = Instant::now();
    let none = c.with_options(CallOptions::new().retry(RetryPolicy::none()));
    expect_err(none.raw_call::<Value>(&ops::START, &[], &[], None).await, ErrorKind::Transport);
    assert!(t0.elapsed() < Duration::from_millis(100));
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_operation() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::MalformedJson).on_path(DOMAIN_ID_PATH).times(1));
    let e = expect_err(domain_id(&c).await, ErrorKind::Decode);
    assert!(e.message.contains("V3DomainIDRequest"), "{e}");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1, "decode errors are not retried");
}

#[tokio::test]
async fn wrong_shape_is_a_decode_error_naming_the_path_not_the_value() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let body = r#"{"issuerId":"i","name":["Jane Doe"],"pcid":"p"}"#;
    sb.inject_fault(
        Fault::new(respond(200, body, Some("application/json; charset=utf-8"))).on_path(DOMAIN_ID_PATH).times(1),
    );
    let e = expect_err(domain_id(&c).await, ErrorKind::Decode);
    assert!(e.message.contains("`name`"), "{e}");
    assert!(!e.message.contains("Jane"), "{e}");
}

#[tokio::test]
async fn canned_non_json_error_is_api_with_a_short_excerpt() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let html = format!("<html><body>Internal failure {}</body></html>", "x".repeat(5000));
    sb.inject_fault(Fault::new(respond(500, &html, Some("text/html"))).on_path(DOMAIN_ID_PATH).times(1));
    let e = expect_err(domain_id(&c).await, ErrorKind::Api);
    assert_eq!(e.status, Some(500));
    assert_eq!(e.code, None);
    assert!(e.message.contains("Internal failure"), "{e}");
    assert!(e.message.chars().count() <= 220, "excerpt too long: {}", e.message.len());
}

#[tokio::test]
async fn other_success_statuses_and_content_types_are_api_errors() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(
        Fault::new(respond(201, r#"{"issuerId":"i","name":"n","pcid":"p"}"#, None)).on_path(DOMAIN_ID_PATH).times(1),
    );
    let e = expect_err(domain_id(&c).await, ErrorKind::Api);
    assert_eq!(e.status, Some(201));
    sb.inject_fault(Fault::new(respond(200, "ok", Some("text/plain"))).on_path(DOMAIN_ID_PATH).times(1));
    let e = expect_err(domain_id(&c).await, ErrorKind::Api);
    assert_eq!(e.status, Some(200));
}

#[tokio::test]
async fn error_statuses_map_to_kinds_with_prove_code() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let cases = [
        (400, 8001, ErrorKind::Validation),
        (403, 8003, ErrorKind::StepOutOfOrder),
        (403, 1003, ErrorKind::StepOutOfOrder),
        (403, 8008, ErrorKind::StepOutOfOrder),
        (403, 8002, ErrorKind::Auth),
        (404, 8011, ErrorKind::NotFound),
        (409, 9000, ErrorKind::Api),
    ];
    for (st, code, kind) in cases {
        let body = format!(r#"{{"code":{code},"message":"problem {code}"}}"#);
        sb.inject_fault(Fault::new(respond(st, &body, None)).on_path(DOMAIN_ID_PATH).times(1));
        let e = expect_err(domain_id(&c).await, kind);
        assert_eq!((e.status, e.code), (Some(st), Some(code)));
        assert_eq!(e.message, format!("problem {code}"));
    }
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), cases.len() as u64, "none of these is retried");
}

#[tokio::test]
async fn persistent_401_is_auth_after_one_refresh() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(status(401)).on_path(DOMAIN_ID_PATH));
    let e = expect_err(domain_id(&c).await, ErrorKind::Auth);
    assert_eq!(e.status, Some(401));
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 2, "sent, refreshed, re-sent once");
    assert_eq!(sb.counters().token_requests, 2);
}

#[tokio::test]
async fn flow_step_is_retried_when_it_was_never_sent() {
    // the token fetch fails before /v3/start is sent: retrying the step is safe
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Drop).on_path("/token").times(1));
    let v: Value = start(&c).await.expect("retried after the failed token fetch");
    assert!(v["correlationId"].is_string());
    assert_eq!(sb.counters().token_requests, 2);
    assert_eq!(hits(&sb, START_PATH), 1);
}
