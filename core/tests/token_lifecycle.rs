//! Token manager against the sandbox: issuance, caching, refresh ahead of expiry, 401 recovery,
//! single flight under concurrency, failed refresh propagation, explicit token operation.
mod transport_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use prove_core::{Client, Config, ErrorKind};
use prove_sandbox::{Fault, FaultKind, Sandbox};
use transport_support::*;

#[tokio::test]
async fn token_is_fetched_once_and_reused() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    for _ in 0..5 {
        domain_id(&c).await.expect("call succeeds");
    }
    assert_eq!(sb.counters().token_requests, 1);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 5);
    // the token request is a form POST with the client credentials
    let token_req = sb.requests().into_iter().find(|r| r.path == "/token").expect("token request recorded");
    assert_eq!(token_req.method, "POST");
    assert_eq!(token_req.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(token_req.body["grant_type"], "client_credentials");
    assert_eq!(token_req.body["client_id"], sb.client_id());
}

#[tokio::test]
async fn clones_and_option_handles_share_the_token() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let other = c.with_options(prove_core::CallOptions::new().timeout(Duration::from_secs(3)));
    domain_id(&c).await.expect("first");
    domain_id(&other).await.expect("second");
    domain_id(&c.clone()).await.expect("third");
    assert_eq!(sb.counters().token_requests, 1);
}

#[tokio::test]
async fn short_lifetime_is_refreshed_ahead_of_expiry() {
    let sb = Sandbox::builder().token_lifetime(Duration::from_secs(2)).start().await.expect("sandbox");
    let c = client_for(&sb);
    domain_id(&c).await.expect("first call");
    domain_id(&c).await.expect("second call reuses the token");
    assert_eq!(sb.counters().token_requests, 1);
    // 2 s lifetime: refreshed once 10 % (0.2 s) is left, so after 1.85 s a new token is fetched
    tokio::time::sleep(Duration::from_millis(1850)).await;
    domain_id(&c).await.expect("call after refresh point");
    assert_eq!(sb.counters().token_requests, 2);
    // no 401 was needed: every operation request succeeded on the first try
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 3);
}

#[tokio::test]
async fn expired_token_by_server_clock_is_refreshed_transparently() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("first call");
    // the server now considers the cached token expired; the client does not know yet
    sb.advance_clock(Duration::from_secs(2 * 3600));
    domain_id(&c).await.expect("401 → refresh → retry succeeds");
    let counters = sb.counters();
    assert_eq!(counters.token_requests, 2);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 3, "first call, rejected call, re-sent call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_on_cold_cache_make_one_token_request() {
    let sb = sandbox().await;
    // slow the token endpoint so every call is waiting while the single fetch is in flight
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(300))).on_path("/token").times(1));
    let c = client_for(&sb);
    let mut tasks = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move { domain_id(&c).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => panic!("call failed: {e}"),
        }
    }
    assert_eq!(ok, 1000);
    assert_eq!(sb.counters().token_requests, 1);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_tokens_mid_flight_cause_no_failed_calls() {
    let sb = Arc::new(sandbox().await);
    let c = client_for(&sb);
    domain_id(&c).await.expect("warm up");
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let c = c.clone();
        let done = Arc::clone(&done);
        tasks.push(tokio::spawn(async move {
            let mut failures = 0;
            for _ in 0..25 {
                if domain_id(&c).await.is_err() {
                    failures += 1;
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            failures
        }));
    }
    // revoke while calls are in flight: after 200 of the 1000 calls completed
    while done.load(Ordering::Relaxed) < 200 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    sb.revoke_tokens();
    let mut failed = 0;
    for t in tasks {
        failed += t.await.expect("task");
    }
    assert_eq!(failed, 0, "every call must survive the revocation");
    assert_eq!(sb.counters().token_requests, 2, "one refresh shared by every rejected call");
}

#[tokio::test]
async fn bad_credentials_are_an_auth_error_with_status_and_code() {
    let sb = sandbox().await;
    let c = Client::new(
        Config::builder()
            .client_id(sb.client_id())
            .client_secret("wrong-secret")
            .base_url(sb.base_url())
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = expect_err(domain_id(&c).await, ErrorKind::Auth);
    assert_eq!(e.status, Some(401));
    assert!(e.code.is_some(), "Prove's code is kept: {e:?}");
    assert_eq!(e.operation, Some("V3TokenRequest"), "the token request is what failed");
    assert!(!e.message.is_empty());
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 0, "the operation is never sent without a token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_refresh_fails_all_waiters_once_and_next_call_tries_again() {
    let sb = sandbox().await;
    sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(200))).on_path("/token").times(1));
    let c = Client::new(
        Config::builder()
            .client_id(sb.client_id())
            .client_secret("wrong-secret")
            .base_url(sb.base_url())
            .build()
            .unwrap(),
    )
    .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { domain_id(&c).await })
        })
        .collect();
    for t in tasks {
        let e = expect_err(t.await.expect("task"), ErrorKind::Auth);
        assert_eq!(e.status, Some(401));
    }
    assert_eq!(sb.counters().token_requests, 1, "one failed fetch shared by 100 waiters");
    expect_err(domain_id(&c).await, ErrorKind::Auth);
    assert_eq!(sb.counters().token_requests, 2, "a failure is not cached");
}

#[tokio::test]
async fn token_endpoint_unavailable_once_is_retried() {
    let sb = sandbox().await;
    sb.inject_fault(Fault::new(FaultKind::Status { status: 503, retry_after: None }).on_path("/token").times(1));
    let c = client_for(&sb);
    domain_id(&c).await.expect("token fetch retried");
    assert_eq!(sb.counters().token_requests, 2);
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
}

#[tokio::test]
async fn explicit_token_operation_returns_a_redacted_answer() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let t = c.request_token().await.expect("token");
    assert!(t.token_type.eq_ignore_ascii_case("bearer"));
    assert!(t.expires_in > 0);
    assert!(!t.access_token.is_empty());
    let dbg = format!("{t:?}");
    assert!(!dbg.contains(&t.access_token), "token leaked in Debug: {dbg}");
    // the explicit operation does not feed the client's cache
    domain_id(&c).await.expect("call");
    assert_eq!(sb.counters().token_requests, 2);
    let rec = sb.requests().into_iter().find(|r| r.path == "/token").expect("recorded");
    assert_eq!(rec.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
}

#[tokio::test]
async fn explicit_token_operation_with_bad_credentials_is_auth() {
    let sb = sandbox().await;
    let c = Client::new(
        Config::builder().client_id("nobody").client_secret("nothing").base_url(sb.base_url()).build().unwrap(),
    )
    .unwrap();
    let e = expect_err(c.request_token().await, ErrorKind::Auth);
    assert_eq!(e.status, Some(401));
    assert_eq!(e.operation, Some("V3TokenRequest"));
}
