//! End to end: the sandbox signs and delivers a webhook over real HTTP to a small receiver in
//! this test, and the core verifies and parses what arrived. Also checks that tokens made by the
//! core's test signer and by the sandbox have the same shape.
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use prove_core::webhook::{self, sample_payload, sign_test_webhook, EventType, WebhookVerifier};
use prove_core::ErrorKind;
use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const SECRET: &str = "whsec_sandbox_e2e_secret";
const LIMIT: Duration = Duration::from_secs(10);

/// One HTTP/1.1 message as read off the wire.
struct Message {
    start_line: String,
    /// Header names lowercased.
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// Reads one HTTP/1.1 message (request or response) with a Content-Length or chunked body.
async fn read_message(stream: &mut TcpStream) -> Message {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.expect("read head");
        assert!(n > 0, "connection closed before the end of the head");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let start_line = lines.next().unwrap_or_default().to_owned();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut rest = buf[head_end + 4..].to_vec();
    let body = if let Some(len) = headers.get("content-length") {
        let len: usize = len.parse().expect("content-length");
        while rest.len() < len {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "connection closed mid-body");
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(len);
        rest
    } else if headers.get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        // Read to the terminating chunk, then decode.
        while !rest.windows(5).any(|w| w == b"0\r\n\r\n") {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.expect("read chunks");
            assert!(n > 0, "connection closed mid-chunks");
            rest.extend_from_slice(&chunk[..n]);
        }
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            let line_end = i + rest[i..].windows(2).position(|w| w == b"\r\n").expect("chunk size");
            let size_text = std::str::from_utf8(&rest[i..line_end]).expect("chunk size text");
            let size =
                usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).expect("hex chunk size");
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            i = line_end + 2 + size + 2;
        }
        out
    } else {
        stream.read_to_end(&mut rest).await.expect("read to end");
        rest
    };
    Message { start_line, headers, body }
}

/// A one-shot webhook receiver on loopback: answers 200 and hands over what it received.
async fn receiver() -> (String, oneshot::Receiver<Message>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hooks/prove?source=sandbox", listener.local_addr().expect("addr"));
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let message = read_message(&mut stream).await;
        stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await.expect("answer");
        let _ = stream.shutdown().await;
        let _ = tx.send(message);
    });
    (url, rx)
}

/// POSTs JSON to a sandbox control endpoint; returns status and JSON body.
async fn control(sandbox: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let authority = sandbox.base_url().strip_prefix("http://").expect("http base url").to_owned();
    let mut stream = TcpStream::connect(authority.as_str()).await.expect("connect to sandbox");
    let body = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let response = read_message(&mut stream).await;
    let status: u16 = response.start_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status line");
    let json = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    (status, json)
}

fn decode_segment(token: &str, index: usize) -> Vec<u8> {
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    let segment = token.split('.').nth(index).expect("segment");
    URL_SAFE_NO_PAD.decode(segment).expect("base64url")
}

#[tokio::test]
async fn sandbox_delivers_a_webhook_the_core_verifies() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (url, received) = receiver().await;
    let (status, answer) = control(
        &sandbox,
        "/sandbox/webhook/deliver",
        &json!({"url": url, "secret": SECRET, "eventType": "DISCONNECT"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], 200, "receiver status reported back");

    let message = tokio::time::timeout(LIMIT, received).await.expect("delivery in time").expect("captured");
    assert_eq!(message.start_line, "POST /hooks/prove?source=sandbox HTTP/1.1");
    assert_eq!(message.headers.get("content-type").map(String::as_str), Some("application/json"));
    let correlation = message.headers.get("x-correlation-id").expect("X-Correlation-ID");
    assert_eq!(answer["correlationId"].as_str(), Some(correlation.as_str()));
    let authorization = message.headers.get("x-prove-authorization").expect("X-Prove-Authorization");
    assert!(authorization.starts_with("Bearer "), "Bearer scheme");

    // The strict verifier: body hash required, real clock.
    let verifier = WebhookVerifier::builder().secret(SECRET).require_body_hash(true).build().expect("verifier");
    let verified = verifier.verify_detailed(authorization, &message.body).expect("verifies");
    assert!(verified.token_id.is_some(), "jti present");
    let expires_in = verified.expires_at.duration_since(verified.issued_at).expect("exp after iat");
    assert_eq!(expires_in, webhook::TEST_TOKEN_LIFETIME);
    let payload = verified.payload;
    assert_eq!(payload.notifications.len(), 1);
    let n = &payload.notifications[0];
    assert_eq!(n.event_type, EventType::Disconnect);
    assert!(!n.event_id.is_empty() && !n.event.is_empty());
    assert!(n.identity_id.is_some() && n.client_customer_id.is_some());
    let event_time = n.event_time().expect("RFC 3339 eventTimestamp");
    let skew = event_time.duration_since(SystemTime::now()).unwrap_or_else(|e| e.duration());
    assert!(skew < Duration::from_secs(120), "event time near now");

    // The same delivery fails with the wrong secret or a modified body.
    let wrong =
        webhook::verify(authorization, &message.body, &["whsec_other"], SystemTime::now()).expect_err("wrong secret");
    assert_eq!(wrong.kind(), ErrorKind::Webhook);
    let mut tampered = message.body.clone();
    tampered.extend_from_slice(b"\n");
    let err = verifier.verify(authorization, &tampered).expect_err("tampered body");
    assert!(err.message.contains("body does not match"), "{}", err.message);
}

#[tokio::test]
async fn sandbox_signed_tokens_and_core_signed_tokens_have_the_same_shape() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (status, signed) =
        control(&sandbox, "/sandbox/webhook/sign", &json!({"secret": SECRET, "eventType": "PORT"})).await;
    assert_eq!(status, 200, "{signed}");
    let sandbox_auth = signed["authorization"].as_str().expect("authorization");
    let sandbox_body = signed["body"].as_str().expect("body").as_bytes().to_vec();
    let payload =
        webhook::verify(sandbox_auth, &sandbox_body, &[SECRET], SystemTime::now()).expect("sandbox token verifies");
    assert_eq!(payload.notifications[0].event_type, EventType::Port);

    let body = sample_payload(&EventType::Port, SystemTime::now());
    let (core_auth, core_body) = sign_test_webhook(SECRET, &body, SystemTime::now());
    assert!(webhook::verify(&core_auth, &core_body, &[SECRET], SystemTime::now()).is_ok());

    // Identical header bytes; the same claim names and types; the same lifetime.
    assert_eq!(decode_segment(sandbox_auth, 0), decode_segment(&core_auth, 0));
    let sandbox_claims: Value = serde_json::from_slice(&decode_segment(sandbox_auth, 1)).expect("json");
    let core_claims: Value = serde_json::from_slice(&decode_segment(&core_auth, 1)).expect("json");
    let shape = |v: &Value| -> BTreeMap<String, &'static str> {
        v.as_object()
            .expect("claims object")
            .iter()
            .map(|(k, v)| {
                let kind = match v {
                    Value::String(_) => "string",
                    Value::Number(_) => "number",
                    _ => "other",
                };
                (k.clone(), kind)
            })
            .collect()
    };
    assert_eq!(shape(&sandbox_claims), shape(&core_claims));
    for claims in [&sandbox_claims, &core_claims] {
        assert_eq!(claims["iss"], "Prove Identity");
        let lifetime = claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat");
        assert_eq!(lifetime, 300);
    }
    // The sample payloads have the same notification keys.
    let keys = |body: &[u8]| -> Vec<String> {
        let v: Value = serde_json::from_slice(body).expect("json body");
        let mut k: Vec<String> = v["notifications"][0].as_object().expect("notification").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&sandbox_body), keys(&core_body));
}

#[tokio::test]
async fn stale_sandbox_token_is_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("after 1970").as_secs();
    // Issued 20 minutes ago with a 5-minute lifetime: expired.
    let (status, signed) =
        control(&sandbox, "/sandbox/webhook/sign", &json!({"secret": SECRET, "iat": now - 1200})).await;
    assert_eq!(status, 200, "{signed}");
    let auth = signed["authorization"].as_str().expect("authorization");
    let body = signed["body"].as_str().expect("body");
    let err = webhook::verify(auth, body.as_bytes(), &[SECRET], SystemTime::now()).expect_err("stale");
    assert_eq!(err.kind(), ErrorKind::Webhook);
    assert!(err.message.contains("expired"), "{}", err.message);
}

#[tokio::test]
async fn a_captured_sandbox_delivery_is_accepted_once_by_a_guarded_verifier() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (url, received) = receiver().await;
    let (status, answer) = control(&sandbox, "/sandbox/webhook/deliver", &json!({"url": url, "secret": SECRET})).await;
    assert_eq!(status, 200, "{answer}");
    let message = tokio::time::timeout(LIMIT, received).await.expect("delivery in time").expect("captured");
    let authorization = message.headers.get("x-prove-authorization").expect("X-Prove-Authorization");

    // The options a binding passes: body hash required, replays refused, one verifier kept.
    let options = prove_core::binding::webhook::WebhookOptions {
        require_body_hash: true,
        reject_replays: true,
        ..Default::default()
    };
    let verifier = options.verifier(&[SECRET]).expect("verifier");
    let first = verifier.verify_detailed(authorization, &message.body).expect("the delivery verifies");
    assert!(first.token_id.is_some());
    // Whoever captured the delivery sends it again, through a clone of the verifier as another
    // request handler would hold it.
    let again = verifier.clone().verify(authorization, &message.body).expect_err("replayed delivery");
    assert_eq!(again.kind(), ErrorKind::Webhook);
    assert!(again.message.contains("replay"), "{}", again.message);
    // A fresh delivery of the same notification body is signed anew and accepted.
    let (status, signed) = control(&sandbox, "/sandbox/webhook/sign", &json!({"secret": SECRET})).await;
    assert_eq!(status, 200, "{signed}");
    let auth = signed["authorization"].as_str().expect("authorization");
    assert!(verifier.verify(auth, signed["body"].as_str().expect("body").as_bytes()).is_ok());
}
