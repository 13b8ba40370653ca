//! The token endpoint misbehaving: a waiter that gives up does not poison later calls, outages
//! of `/token` are retried and reported with the kind that describes them, and only a credential
//! rejection is `Auth`.
mod transport_support;

use std::time::{Duration, Instant};

use prove_core::{CallOptions, Client, ErrorKind, RetryPolicy};
use prove_sandbox::{Fault, FaultKind, Sandbox};
use serde_json::Value;
use transport_support::*;

const TOKEN_OP: &str = "V3TokenRequest";

fn status(status: u16) -> FaultKind {
    FaultKind::Status { status, retry_after: None }
}

fn respond(status: u16, body: &str) -> FaultKind {
    FaultKind::Respond { status, body: body.to_owned(), content_type: None }
}

fn token_requests(sb: &Sandbox) -> u64 {
    sb.counters().token_requests
}

// ---- a waiter that gives up ----

#[tokio::test]
async fn abandoned_fetch_completes_on_its_own_and_its_token_is_used() {
    let sb = sandbox().await;
    // token requests time out after 1 s; the one slow answer takes 400 ms
    let c = Client::new(config_for(&sb).timeout(Duration::from_secs(1)).build().unwrap()).unwrap();
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(400))).on_path("/token").times(1));
    let impatient = c.with_options(CallOptions::new().timeout(Duration::from_millis(100)));
    expect_err(domain_id(&impatient).await, ErrorKind::Timeout);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 0);

    // well past the token request's own timeout: nobody waited, yet the fetch finished and its
    // token was cached
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let strict = c.with_options(CallOptions::new().retry(RetryPolicy::none()));
    domain_id(&strict).await.expect("the next call succeeds at the first attempt");
    assert_eq!(token_requests(&sb), 1, "the abandoned fetch's token is reused");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn abandoned_fetch_that_fails_on_its_own_leaves_no_stale_state() {
    let sb = sandbox().await;
    let c = Client::new(config_for(&sb).timeout(Duration::from_millis(500)).build().unwrap()).unwrap();
    // the first token request hangs longer than the token request timeout (500 ms)
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(2))).on_path("/token").times(1));
    let impatient = c.with_options(CallOptions::new().timeout(Duration::from_millis(100)));
    expect_err(domain_id(&impatient).await, ErrorKind::Timeout);

    // the detached fetch has timed out by itself; a new call starts a fresh fetch and succeeds
    // without needing a retry
    tokio::time::sleep(Duration::from_millis(800)).await;
    let strict = c.with_options(CallOptions::new().retry(RetryPolicy::none()));
    let t0 = Instant::now();
    domain_id(&strict).await.expect("fresh fetch, then the call");
    assert!(t0.elapsed() < Duration::from_millis(400), "the call waited for something: {:?}", t0.elapsed());
    assert_eq!(token_requests(&sb), 2);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn a_call_after_an_abandoned_waiter_joins_the_fetch_in_flight() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(600))).on_path("/token").times(1));
    let t0 = Instant::now();
    let impatient = c.with_options(CallOptions::new().timeout(Duration::from_millis(100)));
    expect_err(domain_id(&impatient).await, ErrorKind::Timeout);
    domain_id(&c).await.expect("joins the slow fetch");
    assert!(t0.elapsed() >= Duration::from_millis(550), "did not wait for the fetch: {:?}", t0.elapsed());
    assert_eq!(token_requests(&sb), 1, "still one fetch in flight");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_waiters_giving_up_do_not_cancel_the_fetch_for_the_others() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(400))).on_path("/token").times(1));
    let impatient = c.with_options(CallOptions::new().timeout(Duration::from_millis(100)));
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let c = if i % 2 == 0 { impatient.clone() } else { c.clone() };
            tokio::spawn(async move { domain_id(&c).await })
        })
        .collect();
    let (mut ok, mut timed_out) = (0, 0);
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) if e.kind == ErrorKind::Timeout => timed_out += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((ok, timed_out), (100, 100));
    assert_eq!(token_requests(&sb), 1);
}

// ---- outages of the token endpoint ----

#[tokio::test]
async fn one_internal_error_from_token_is_retried_even_for_a_flow_step() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(status(500)).on_path("/token").times(1));
    let v: Value = start(&c).await.expect("the token fetch is retried; the step was never sent");
    assert!(v["correlationId"].is_string());
    assert_eq!(token_requests(&sb), 2);
    assert_eq!(hits(&sb, START_PATH), 1);
}

#[tokio::test]
async fn persistent_unavailable_token_endpoint_is_api_after_the_retries() {
    let sb = sandbox().await;
    let c = client_for(&sb); // 3 retries
    sb.inject_fault(Fault::new(status(503)).on_path("/token"));
    let e = expect_err(domain_id(&c).await, ErrorKind::Api);
    assert_eq!(e.status, Some(503));
    assert!(e.code.is_some(), "Prove's error body is kept: {e:?}");
    assert_eq!(e.operation, Some(TOKEN_OP));
    assert!(e.message.starts_with("token request failed"), "{}", e.message);
    assert_eq!(token_requests(&sb), 4, "first attempt and 3 retries");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 0);
}

#[tokio::test]
async fn every_5xx_from_token_is_api_and_retried() {
    for code in [500, 501, 502, 504, 599] {
        let sb = sandbox().await;
        let c = client_for(&sb).with_options(CallOptions::new().retry(RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(5),
        }));
        sb.inject_fault(Fault::new(status(code)).on_path("/token"));
        let e = expect_err(domain_id(&c).await, ErrorKind::Api);
        assert_eq!((e.status, e.operation), (Some(code), Some(TOKEN_OP)));
        assert_eq!(token_requests(&sb), 2, "HTTP {code} retried once");
    }
}

#[tokio::test]
async fn rate_limited_token_endpoint_honours_retry_after() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Status { status: 429, retry_after: Some(1) }).on_path("/token").times(1));
    let t0 = Instant::now();
    domain_id(&c).await.expect("retried after Retry-After");
    assert!(t0.elapsed() >= Duration::from_millis(950), "Retry-After ignored: {:?}", t0.elapsed());
    assert_eq!(token_requests(&sb), 2);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn rate_limited_token_endpoint_without_retries_is_rate_limited() {
    let sb = sandbox().await;
    let c = client_for(&sb).with_options(CallOptions::new().retry(RetryPolicy::none()));
    sb.inject_fault(Fault::new(FaultKind::Status { status: 429, retry_after: Some(2) }).on_path("/token").times(1));
    let e = expect_err(domain_id(&c).await, ErrorKind::RateLimited);
    assert_eq!((e.status, e.retry_after), (Some(429), Some(Duration::from_secs(2))));
    assert_eq!(e.operation, Some(TOKEN_OP));
    assert_eq!(token_requests(&sb), 1);
}

#[tokio::test]
async fn other_statuses_from_token_are_api_and_not_retried() {
    for code in [431, 404, 405, 418] {
        let sb = sandbox().await;
        let c = client_for(&sb);
        sb.inject_fault(Fault::new(status(code)).on_path("/token"));
        let e = expect_err(domain_id(&c).await, ErrorKind::Api);
        assert_eq!((e.status, e.operation), (Some(code), Some(TOKEN_OP)));
        assert_eq!(token_requests(&sb), 1, "HTTP {code} is not retried");
    }
}

#[tokio::test]
async fn dropped_connection_to_token_is_transport_after_the_retries() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Drop).on_path("/token"));
    let e = expect_err(domain_id(&c).await, ErrorKind::Transport);
    assert_eq!((e.status, e.operation), (None, Some(TOKEN_OP)));
    assert_eq!(token_requests(&sb), 4);
}

#[tokio::test]
async fn refused_connection_to_token_is_transport() {
    // a port nothing listens on: bind one, note it, close it
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let sb = sandbox().await;
    let c = Client::new(config_for(&sb).token_url(format!("http://127.0.0.1:{port}/token")).build().unwrap()).unwrap();
    let e = expect_err(domain_id(&c).await, ErrorKind::Transport);
    assert_eq!(e.operation, Some(TOKEN_OP));
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 0);
}

#[tokio::test]
async fn token_request_timing_out_is_a_timeout_of_the_token_request() {
    let sb = sandbox().await;
    // token requests give up after 300 ms; this call has 3 s but no retries
    let c = Client::new(config_for(&sb).timeout(Duration::from_millis(300)).build().unwrap()).unwrap();
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(2))).on_path("/token").times(1));
    let once = c.with_options(CallOptions::new().timeout(Duration::from_secs(3)).retry(RetryPolicy::none()));
    let e = expect_err(domain_id(&once).await, ErrorKind::Timeout);
    assert_eq!(e.operation, Some(TOKEN_OP));
    // with retries, the second fetch (no fault left) succeeds
    let retrying = c.with_options(CallOptions::new().timeout(Duration::from_secs(3)));
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(2))).on_path("/token").times(1));
    domain_id(&retrying).await.expect("retried after the token request timed out");
    assert_eq!(token_requests(&sb), 3);
}

#[tokio::test]
async fn unusable_token_answer_is_not_auth() {
    let cases = [
        respond(200, r#"{"access_token": "#),
        respond(200, r#"{"token_type":"Bearer","expires_in":3600}"#),
        respond(200, r#"{"access_token":"abc","token_type":"MAC"}"#),
    ];
    for fault in cases {
        let sb = sandbox().await;
        let c = client_for(&sb);
        sb.inject_fault(Fault::new(fault).on_path("/token").times(1));
        let e = expect_err(domain_id(&c).await, ErrorKind::Decode);
        assert_eq!((e.status, e.operation), (Some(200), Some(TOKEN_OP)));
        assert_eq!(hits(&sb, DOMAIN_ID_PATH), 0);
    }
}

// ---- credential rejections ----

#[tokio::test]
async fn oauth_credential_errors_are_auth_without_retry() {
    let cases = [
        (401, r#"{"error":"invalid_client","error_description":"client authentication failed"}"#),
        (400, r#"{"error":"invalid_client"}"#),
        (400, r#"{"error":"unauthorized_client","error_description":"grant not allowed"}"#),
        (400, r#"{"error":"invalid_grant"}"#),
        (401, r#"{"code":8002,"message":"not authorized"}"#),
        (401, ""),
        (403, r#"{"code":8003,"message":"forbidden"}"#),
    ];
    for (code, body) in cases {
        let sb = sandbox().await;
        let c = client_for(&sb);
        sb.inject_fault(Fault::new(respond(code, body)).on_path("/token"));
        let e = expect_err(domain_id(&c).await, ErrorKind::Auth);
        assert_eq!((e.status, e.operation), (Some(code), Some(TOKEN_OP)), "{code} {body}");
        assert_eq!(token_requests(&sb), 1, "a credential rejection is not retried: {code} {body}");
        assert_eq!(hits(&sb, DOMAIN_ID_PATH), 0);
    }
}

#[tokio::test]
async fn oauth_error_names_the_oauth_error_code() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(
        Fault::new(respond(401, r#"{"error":"invalid_client","error_description":"unknown client"}"#))
            .on_path("/token"),
    );
    let e = expect_err(domain_id(&c).await, ErrorKind::Auth);
    assert!(e.message.contains("invalid_client"), "{}", e.message);
    assert!(e.message.contains("unknown client"), "{}", e.message);
}

#[tokio::test]
async fn a_400_that_is_not_a_credential_rejection_is_api() {
    for body in [r#"{"error":"unsupported_grant_type"}"#, r#"{"error":"invalid_request"}"#, "bad request"] {
        let sb = sandbox().await;
        let c = client_for(&sb);
        sb.inject_fault(Fault::new(respond(400, body)).on_path("/token"));
        let e = expect_err(domain_id(&c).await, ErrorKind::Api);
        assert_eq!((e.status, e.operation), (Some(400), Some(TOKEN_OP)));
        assert_eq!(token_requests(&sb), 1, "{body} is not retried");
    }
}

#[tokio::test]
async fn token_endpoint_errors_never_echo_the_secret() {
    let sb = sandbox().await;
    let c = client_for(&sb).with_options(CallOptions::new().retry(RetryPolicy::none()));
    let secret = sb.client_secret().to_owned();
    for (code, body) in [
        (500, format!(r#"{{"code":8000,"message":"could not check {secret}"}}"#)),
        (401, format!(r#"{{"error":"invalid_client","error_description":"secret {secret} is wrong"}}"#)),
        (503, format!("upstream said {secret}")),
    ] {
        sb.inject_fault(Fault::new(respond(code, &body)).on_path("/token").times(1));
        let e = domain_id(&c).await.expect_err("fails");
        let shown = format!("{e} {e:?} {}", e.message);
        assert!(!shown.contains(&secret), "secret echoed for HTTP {code}: {shown}");
        assert_eq!(e.status, Some(code));
    }
}

// ---- single flight with failures ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_waiters_share_the_failed_fetch_and_the_retry() {
    let sb = sandbox().await;
    // the first token request fails fast; the second is slow, so every retry joins it
    sb.inject_fault(Fault::new(status(500)).on_path("/token").times(1));
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(300))).on_path("/token").times(1));
    let c = client_for(&sb);
    let tasks: Vec<_> = (0..300)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { domain_id(&c).await })
        })
        .collect();
    for t in tasks {
        t.await.expect("task").expect("call succeeds after the shared retry");
    }
    assert_eq!(token_requests(&sb), 2);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_still_make_one_token_request() {
    let sb = sandbox().await;
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(200))).on_path("/token").times(1));
    let c = client_for(&sb);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { domain_id(&c).await })
        })
        .collect();
    for t in tasks {
        t.await.expect("task").expect("call succeeds");
    }
    assert_eq!(token_requests(&sb), 1);
}

#[tokio::test]
async fn fetch_outlives_the_runtime_that_started_it_gracefully() {
    // a client shared between runtimes: the runtime that started a fetch shuts down mid-fetch;
    // the next call on another runtime must not inherit a dead fetch
    let sb = sandbox().await;
    let c = client_for(&sb);
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(500))).on_path("/token").times(1));
    let first = c.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let impatient = first.with_options(CallOptions::new().timeout(Duration::from_millis(100)));
            let _ = domain_id(&impatient).await;
        });
        // dropping the runtime cancels the fetch it spawned
    })
    .join()
    .unwrap();
    domain_id(&c).await.expect("a new fetch on this runtime succeeds");
    assert_eq!(token_requests(&sb), 2, "the interrupted fetch and a new one");
}
