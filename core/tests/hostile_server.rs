//! A hostile server on the other end, through the real stack over loopback: redirects are
//! refused (never followed, never retried), secrets echoed by the server never reach an error,
//! oversized answers are cut off at the size limit without being buffered, and an absurd
//! `Retry-After` is capped.
mod hostile_support;

use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hostile_support::{Hostile, Reply, Seen};
use prove_core::binding::ErrorData;
use prove_core::{ops, Client, Config, ConfigBuilder, Error, ErrorKind, Result, RetryPolicy};
use serde_json::{json, Value};

const CLIENT_ID: &str = "hostile-test-client";
/// Characters that every encoding changes: space, `/`, `+`, `&`, `=`, `"` and `\`.
const SECRET: &str = "Sx9q secret/with+plus&amp=eq\"quote\\bs";
const TOKEN_OP: &str = "V3TokenRequest";
const DOMAIN_ID: &str = "/v3/domain/id";
const START: &str = "/v3/start";

fn token_value(n: usize) -> String {
    format!("eyJhbGciOiJIUzI1NiJ9.tok{n}-Zq8vW3pL-mN7k.sig_{n}xYw")
}

fn token_answer(n: usize) -> Reply {
    Reply::json(200, json!({"access_token": token_value(n), "token_type": "Bearer", "expires_in": 3600}).to_string())
}

/// 3 fast retries: anything retried would show up in the request counts.
fn config(base: &str) -> ConfigBuilder {
    Config::builder().client_id(CLIENT_ID).client_secret(SECRET).base_url(base).timeout(Duration::from_secs(10)).retry(
        RetryPolicy { max_retries: 3, initial_backoff: Duration::from_millis(10), max_backoff: Duration::from_secs(2) },
    )
}

fn client(base: &str) -> Client {
    Client::new(config(base).build().expect("config")).expect("client")
}

async fn get_domain_id(c: &Client) -> Result<Value> {
    c.raw_call(&ops::DOMAIN_ID, &[], &[], None).await
}

/// A flow step carrying personal data.
async fn start_flow(c: &Client) -> Result<Value> {
    let body = json!({"flowType": "desktop", "phoneNumber": "2001001695", "ssn": "565228370", "dob": "1984-12-10"});
    c.raw_call(&ops::START, &[], &[], Some(&body)).await
}

#[track_caller]
fn expect_err<T: std::fmt::Debug>(r: Result<T>, kind: ErrorKind) -> Error {
    match r {
        Ok(v) => panic!("expected a {kind} error, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.kind, kind, "unexpected error: {e:?}");
            e
        }
    }
}

/// Everything an error shows: message, Display, Debug and the binding's JSON.
fn shown(e: &Error) -> String {
    format!("{}\n{e}\n{e:?}\n{}", e.message, ErrorData::from(e).to_json_text())
}

/// A server that only counts what reaches it: the redirect target.
async fn elsewhere() -> Hostile {
    Hostile::start(|_| Reply::json(200, json!({"access_token": "stolen", "token_type": "Bearer"}).to_string())).await
}

#[track_caller]
fn assert_redirect_error(e: &Error, status: u16, operation: &str, location: &str) {
    assert_eq!((e.kind, e.status, e.operation), (ErrorKind::Api, Some(status), Some(operation)), "{e:?}");
    assert!(e.message.contains(&status.to_string()), "{}", e.message);
    assert!(e.message.contains("redirect") && e.message.contains("refused"), "{}", e.message);
    let text = shown(e);
    for part in [location, "moved-here", "127.0.0.1"] {
        assert!(!text.contains(part), "the error repeats the Location ({part}): {text}");
    }
}

// ---- redirects ----

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_is_refused_and_the_secret_not_resent() {
    for status in [301, 302, 303, 307, 308] {
        let other = elsewhere().await;
        for location in [format!("{}/token", other.url()), "/moved-here/token".to_owned()] {
            let loc = location.clone();
            let server = Hostile::start(move |s: &Seen| match s.path() {
                "/token" => Reply::redirect(status, loc.clone()),
                _ => Reply::json(200, "{}"),
            })
            .await;
            let c = client(&server.url());
            let e = expect_err(get_domain_id(&c).await, ErrorKind::Api);
            assert_redirect_error(&e, status, TOKEN_OP, &location);
            assert!(e.message.starts_with("token request failed"), "{}", e.message);
            let seen = server.seen();
            assert_eq!(seen.len(), 1, "HTTP {status} to {location}: one token request, no retry, not followed");
            assert!(seen[0].body_text().contains("client_secret="), "the request did carry the secret");
            assert_eq!(server.count_path(DOMAIN_ID), 0);
        }
        assert_eq!(other.count(), 0, "HTTP {status}: the other origin was contacted");
    }
}

#[tokio::test]
async fn a_redirect_on_a_read_or_a_flow_step_is_refused_and_not_retried() {
    for status in [301, 302, 303, 307, 308] {
        let other = elsewhere().await;
        for cross_origin in [true, false] {
            let base = if cross_origin { other.url() } else { String::new() };
            let server = Hostile::start(move |s: &Seen| match s.path() {
                "/token" => token_answer(1),
                DOMAIN_ID => Reply::redirect(status, format!("{base}/moved-here/domain?ssn=565228370")),
                START => Reply::redirect(status, format!("{base}/moved-here/start")),
                _ => Reply::json(200, r#"{"stolen":true}"#),
            })
            .await;
            let c = client(&server.url());
            let e = expect_err(get_domain_id(&c).await, ErrorKind::Api);
            assert_redirect_error(&e, status, "V3DomainIDRequest", "/moved-here/domain");
            assert!(!shown(&e).contains("565228370"));
            let e = expect_err(start_flow(&c).await, ErrorKind::Api);
            assert_redirect_error(&e, status, "V3StartRequest", "/moved-here/start");
            assert_eq!(
                (server.count_path(DOMAIN_ID), server.count_path(START), server.count()),
                (1, 1, 3),
                "HTTP {status} (cross-origin {cross_origin}): each call sent once, nothing followed"
            );
            let start = server.seen().into_iter().find(|s| s.path() == START).expect("start seen");
            assert_eq!(start.method, "POST");
            assert!(start.body_text().contains("565228370"), "the step did carry personal data");
        }
        assert_eq!(other.count(), 0, "HTTP {status}: the other origin was contacted");
    }
}

#[tokio::test]
async fn a_redirect_of_the_explicit_token_operation_is_refused() {
    let other = elsewhere().await;
    let location = format!("{}/token", other.url());
    let loc = location.clone();
    let server = Hostile::start(move |_| Reply::redirect(307, loc.clone())).await;
    let e = expect_err(client(&server.url()).request_token().await, ErrorKind::Api);
    assert_redirect_error(&e, 307, TOKEN_OP, &location);
    assert_eq!((server.count(), other.count()), (1, 0));
}

// ---- secrets echoed by the server ----

/// Everything the server ever saw that could be secret, echoed back in one text: every
/// `Authorization` header value received so far (most recent first), then every body.
fn echo_of(all: &Mutex<Vec<Seen>>) -> String {
    let all = all.lock().unwrap();
    let mut out = String::from("you sent:");
    for auth in all.iter().rev().filter_map(|s| s.header("authorization")) {
        out.push_str(&format!(" header [{auth}]"));
    }
    for s in all.iter().rev().filter(|s| !s.body.is_empty()) {
        out.push_str(&format!(" body [{}]", s.body_text()));
    }
    out
}

/// The forms of the secret and of tokens 1..=`tokens` that must never be shown.
#[track_caller]
fn assert_nothing_secret(e: &Error, tokens: usize) {
    let text = shown(e);
    let mut forbidden = vec![
        SECRET.to_owned(),
        "Sx9q".to_owned(),
        "secret/with".to_owned(),
        "secret%2Fwith".to_owned(),
        "Zq8vW3pL".to_owned(),
    ];
    for n in 1..=tokens {
        forbidden.push(token_value(n));
    }
    for f in forbidden {
        assert!(!text.contains(&f), "{f:?} shown: {text}");
    }
}

/// A server whose token endpoint issues `tok1`, `tok2`, … and whose `/v3/domain/id` answers
/// `fail_with` (0: success) with a body echoing every header and body it has received, as JSON
/// (`json = true`) or as plain text.
struct Echoing {
    server: Hostile,
    fail_with: Arc<AtomicU16>,
}

async fn echoing(json_body: bool) -> Echoing {
    let fail_with = Arc::new(AtomicU16::new(0));
    let issued = Arc::new(AtomicUsize::new(0));
    let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let (f, l) = (fail_with.clone(), log.clone());
    let server = Hostile::start(move |s: &Seen| {
        l.lock().unwrap().push(s.clone());
        if s.path() == "/token" {
            return token_answer(issued.fetch_add(1, Ordering::SeqCst) + 1);
        }
        match f.load(Ordering::SeqCst) {
            0 => Reply::json(200, "{}"),
            status if json_body => Reply::json(status, json!({"code": 1234, "message": echo_of(&l)}).to_string()),
            status => Reply::text(status, echo_of(&l)),
        }
    })
    .await;
    Echoing { server, fail_with }
}

#[tokio::test]
async fn bearer_tokens_echoed_by_the_api_never_reach_the_error() {
    for json_body in [true, false] {
        let h = echoing(json_body).await;
        let c = client(&h.server.url());
        get_domain_id(&c).await.expect("token 1 is held and used");

        // 401 echoing token 1: the client fetches token 2 and re-sends; that is echoed too
        h.fail_with.store(401, Ordering::SeqCst);
        let e = expect_err(get_domain_id(&c).await, ErrorKind::Auth);
        assert_eq!(e.status, Some(401));
        assert!(e.message.contains("<redacted>"), "the echo reached the message, scrubbed: {}", e.message);
        assert_nothing_secret(&e, 2);
        let last = h.server.seen().into_iter().last().expect("seen");
        assert_eq!(last.header("authorization"), Some(format!("Bearer {}", token_value(2)).as_str()));

        for (status, kind) in [(400, ErrorKind::Validation), (500, ErrorKind::Api), (404, ErrorKind::NotFound)] {
            h.fail_with.store(status, Ordering::SeqCst);
            let e = expect_err(get_domain_id(&c).await, kind);
            assert_eq!(e.status, Some(status));
            assert!(e.message.contains("<redacted>"), "HTTP {status}: {}", e.message);
            assert_nothing_secret(&e, 2);
        }
    }
}

#[tokio::test]
async fn the_secret_echoed_by_the_token_endpoint_never_reaches_the_error() {
    for (status, json_body) in [(400, true), (400, false), (401, true), (500, false), (503, true)] {
        let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let l = log.clone();
        let server = Hostile::start(move |s: &Seen| {
            l.lock().unwrap().push(s.clone());
            let echo = echo_of(&l);
            let plain = format!("{echo} secret [{SECRET}]");
            if json_body {
                let body = json!({"error": "invalid_client", "error_description": plain, "message": plain});
                Reply::json(status, body.to_string())
            } else {
                Reply::text(status, plain)
            }
        })
        .await;
        let c = client(&server.url()).with_options(prove_core::CallOptions::new().retry(RetryPolicy::none()));
        // through the token manager, and through the explicit token operation
        for e in [get_domain_id(&c).await.expect_err("fails"), c.request_token().await.map(|_| ()).expect_err("fails")]
        {
            assert_eq!((e.status, e.operation), (Some(status), Some(TOKEN_OP)), "{e:?}");
            assert!(e.message.contains("<redacted>"), "HTTP {status}: {}", e.message);
            assert_nothing_secret(&e, 0);
        }
        assert!(server.seen().iter().all(|s| s.body_text().contains("client_secret=")), "the secret was sent");
    }
}

// ---- response size limit ----

#[tokio::test]
async fn an_endless_body_stops_at_the_default_limit() {
    let server = Hostile::start(|s: &Seen| match s.path() {
        "/token" => token_answer(1),
        _ => Reply::Stream {
            status: 200,
            content_type: "application/json",
            content_length: false,
            total: None,
            fill: b' ',
        },
    })
    .await;
    let c = client(&server.url());
    let t0 = Instant::now();
    let e = expect_err(get_domain_id(&c).await, ErrorKind::Decode);
    assert_eq!((e.status, e.operation), (Some(200), Some("V3DomainIDRequest")));
    assert!(e.message.contains("4194304") && e.message.contains("max_response_bytes"), "{}", e.message);
    assert!(server.wait_cut_off().await, "the client hung up on the endless body");
    assert!(!server.completed());
    let sent = server.streamed_bytes();
    assert!(sent < 64 * 1024 * 1024, "the client kept reading: {sent} bytes went out");
    assert_eq!(server.count_path(DOMAIN_ID), 1, "not retried");
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
}

#[tokio::test]
async fn an_announced_300_mb_body_is_refused_without_reading_it() {
    for status in [200, 503] {
        let server = Hostile::start(move |s: &Seen| match s.path() {
            "/token" => token_answer(1),
            _ => Reply::Stream {
                status,
                content_type: "application/json",
                content_length: true,
                total: Some(300 * 1024 * 1024),
                fill: b'x',
            },
        })
        .await;
        let c = Client::new(config(&server.url()).max_response_bytes(1024 * 1024).build().unwrap()).unwrap();
        let e = expect_err(get_domain_id(&c).await, ErrorKind::Decode);
        assert_eq!(e.status, Some(status));
        assert!(e.message.contains("1048576"), "{}", e.message);
        assert!(server.wait_cut_off().await, "HTTP {status}: the client hung up");
        let sent = server.streamed_bytes();
        assert!(sent < 32 * 1024 * 1024, "HTTP {status}: {sent} bytes went out");
        // a 503 of a read would be retried: an oversized answer is not
        assert_eq!(server.count_path(DOMAIN_ID), 1, "HTTP {status}");
    }
}

#[tokio::test]
async fn an_oversized_token_answer_fails_the_token_request_once() {
    let server = Hostile::start(|s: &Seen| match s.path() {
        "/token" => Reply::Stream {
            status: 200,
            content_type: "application/json",
            content_length: false,
            total: None,
            fill: b' ',
        },
        _ => Reply::json(200, "{}"),
    })
    .await;
    let c = Client::new(config(&server.url()).max_response_bytes(64 * 1024).build().unwrap()).unwrap();
    let e = expect_err(get_domain_id(&c).await, ErrorKind::Decode);
    assert_eq!((e.status, e.operation), (Some(200), Some(TOKEN_OP)));
    assert!(e.message.contains("65536"), "{}", e.message);
    assert!(server.wait_cut_off().await);
    assert_eq!((server.count_path("/token"), server.count_path(DOMAIN_ID)), (1, 0));
}

/// A JSON object of exactly `len` bytes.
fn json_of_len(len: usize) -> Vec<u8> {
    let pad = len - r#"{"pad":""}"#.len();
    format!(r#"{{"pad":"{}"}}"#, "p".repeat(pad)).into_bytes()
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_not() {
    const LIMIT: usize = 100_000;
    for chunked in [false, true] {
        let size = Arc::new(AtomicUsize::new(LIMIT));
        let s2 = size.clone();
        let server = Hostile::start(move |s: &Seen| match s.path() {
            "/token" => token_answer(1),
            _ => {
                let body = json_of_len(s2.load(Ordering::SeqCst));
                if chunked {
                    Reply::Chunked { status: 200, body }
                } else {
                    Reply::Full { status: 200, headers: vec![("content-type".into(), "application/json".into())], body }
                }
            }
        })
        .await;
        let c = Client::new(config(&server.url()).max_response_bytes(LIMIT).build().unwrap()).unwrap();
        for len in [LIMIT - 1, LIMIT] {
            size.store(len, Ordering::SeqCst);
            let v = get_domain_id(&c).await.unwrap_or_else(|e| panic!("{len} bytes (chunked {chunked}): {e}"));
            assert_eq!(v["pad"].as_str().map(str::len), Some(len - 10));
        }
        size.store(LIMIT + 1, Ordering::SeqCst);
        let e = expect_err(get_domain_id(&c).await, ErrorKind::Decode);
        assert!(e.message.contains("100000"), "{}", e.message);
        assert_eq!(server.count_path(DOMAIN_ID), 3, "chunked {chunked}");
    }
}

// ---- Retry-After ----

#[tokio::test]
async fn an_absurd_retry_after_is_capped_to_exact_milliseconds() {
    const ONE_DAY: Duration = Duration::from_secs(86_400);
    for value in ["99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "9007199254740993"] {
        for on_token in [false, true] {
            let v = value.to_owned();
            let server = Hostile::start(move |s: &Seen| match (s.path(), on_token) {
                ("/token", false) => token_answer(1),
                _ => Reply::json(429, r#"{"code":1000,"message":"slow down"}"#).with_header("retry-after", &v),
            })
            .await;
            let c = client(&server.url());
            let t0 = Instant::now();
            let e = expect_err(get_domain_id(&c).await, ErrorKind::RateLimited);
            assert_eq!(e.retry_after, Some(ONE_DAY), "{value} (token {on_token})");
            let ms = ErrorData::from(&e).retry_after_ms.expect("retryAfterMs");
            assert_eq!(ms, 86_400_000);
            assert!(ms < (1u64 << 53), "not an exact integer in JavaScript");
            let json: Value = serde_json::from_str(&ErrorData::from(&e).to_json_text()).unwrap();
            assert_eq!(json["retryAfterMs"].as_f64(), Some(86_400_000.0));
            // more than max_backoff: the call gives up at once, without sleeping
            let counts = (server.count_path("/token"), server.count_path(DOMAIN_ID));
            assert_eq!(counts, if on_token { (1, 0) } else { (1, 1) }, "{value} (token {on_token})");
            assert!(t0.elapsed() < Duration::from_secs(2));
        }
    }
}
