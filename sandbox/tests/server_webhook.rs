//! Webhook signing and delivery to a small receiver, with the HS256 signature checked here.
mod server_common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use server_common::{client, parts};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Check an HS256 JWT against `secret` and `body`; returns its claims.
fn verify(token: &str, secret: &str, body: &[u8]) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).expect("b64")).expect("signature");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
    let digest: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(claims["body_sha256"], digest);
    assert_eq!(claims["iss"], "Prove Identity");
    assert_eq!(claims["exp"].as_u64().expect("exp"), claims["iat"].as_u64().expect("iat") + 300);
    assert!(uuid::Uuid::parse_str(claims["jti"].as_str().expect("jti")).is_ok());
    claims
}

#[tokio::test]
async fn sign_returns_a_verifiable_header_and_the_exact_body() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let url = format!("{}/sandbox/webhook/sign", sb.base_url());
    let (status, _, v) = parts(
        http.post(&url)
            .json(&json!({"secret": "whsec", "eventType": "PORT", "identityId": "id-9"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200);
    let body = v["body"].as_str().expect("body");
    let auth = v["authorization"].as_str().expect("authorization");
    let token = auth.strip_prefix("Bearer ").expect("bearer");
    let claims = verify(token, "whsec", body.as_bytes());
    let now_s = sb.now_ms() / 1000;
    assert!(claims["iat"].as_u64().expect("iat").abs_diff(now_s) < 5);
    let payload: Value = serde_json::from_str(body).expect("payload json");
    let n = &payload["notifications"][0];
    assert_eq!(n["eventType"], "PORT");
    assert_eq!(n["identityId"], "id-9");
    assert!(n["event"].is_string() && n["clientCustomerId"].is_string());
    assert!(uuid::Uuid::parse_str(n["eventId"].as_str().expect("eventId")).is_ok());
    let ts = n["eventTimestamp"].as_str().expect("timestamp");
    assert!(ts.len() == 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T', "{ts}");

    // An explicit payload is signed byte for byte; a wrong secret does not verify.
    let raw = "{\"notifications\": []}";
    let (_, _, v) =
        parts(http.post(&url).json(&json!({"secret": "k2", "payload": raw})).send().await.expect("send")).await;
    assert_eq!(v["body"], raw);
    let token = v["token"].as_str().expect("token");
    verify(token, "k2", raw.as_bytes());
    let parts_: Vec<&str> = token.split('.').collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"other").expect("key");
    mac.update(format!("{}.{}", parts_[0], parts_[1]).as_bytes());
    assert!(mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts_[2]).expect("b64")).is_err());

    let (status, _, v) = parts(http.post(&url).json(&json!({"payload": "{}"})).send().await.expect("send")).await;
    assert_eq!((status, v["code"].clone()), (400, json!(1001)));
}

/// What the receiver saw.
struct Received {
    head: String,
    body: Vec<u8>,
}

/// Accept one HTTP/1.1 request, answer `status`, and hand back what arrived.
async fn receiver(status: u16) -> (String, tokio::task::JoinHandle<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hooks/prove?x=1", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.expect("accept");
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head, body_start, len) = loop {
            let n = s.read(&mut chunk).await.expect("read");
            assert!(n > 0, "connection closed early");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]).into_owned();
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>())
                    })
                    .expect("content-length")
                    .expect("number");
                break (head, i + 4, len);
            }
        };
        while buf.len() < body_start + len {
            let n = s.read(&mut chunk).await.expect("read");
            assert!(n > 0);
            buf.extend_from_slice(&chunk[..n]);
        }
        let reply = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        s.write_all(reply.as_bytes()).await.expect("write");
        Received { head, body: buf[body_start..body_start + len].to_vec() }
    });
    (url, task)
}

#[tokio::test]
async fn deliver_posts_a_signed_notification_and_reports_the_status() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let (url, task) = receiver(202).await;
    let notes = json!([{"eventId": "e1", "event": "moved", "eventType": "DISCONNECT",
        "eventTimestamp": "2025-01-01T00:00:00Z", "clientCustomerId": "c1", "identityId": "i1"}]);
    let (status, _, v) = parts(
        http.post(format!("{}/sandbox/webhook/deliver", sb.base_url()))
            .json(&json!({"url": url, "secret": "shh", "notifications": notes}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], 202);
    let got = task.await.expect("receiver");
    let head = got.head.to_ascii_lowercase();
    assert!(head.starts_with("post /hooks/prove?x=1 http/1.1"), "{head}");
    assert!(head.contains("content-type: application/json"));
    let auth_line =
        got.head.lines().find(|l| l.to_ascii_lowercase().starts_with("x-prove-authorization:")).expect("auth header");
    let token = auth_line.split_once(':').map(|x| x.1.trim()).and_then(|v| v.strip_prefix("Bearer ")).expect("bearer");
    verify(token, "shh", &got.body);
    let corr = got.head.lines().find(|l| l.to_ascii_lowercase().starts_with("x-correlation-id:")).expect("correlation");
    assert_eq!(corr.split_once(':').map(|x| x.1.trim()), v["correlationId"].as_str());
    let payload: Value = serde_json::from_slice(&got.body).expect("json");
    assert_eq!(payload, json!({"notifications": notes}));
    assert_eq!(v["body"].as_str().map(str::as_bytes), Some(got.body.as_slice()));
}

#[tokio::test]
async fn deliver_reports_unreachable_receivers() {
    let sb = Sandbox::start().await.expect("start");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    drop(listener);
    let (status, _, v) = parts(
        client()
            .post(format!("{}/sandbox/webhook/deliver", sb.base_url()))
            .json(&json!({"url": url, "secret": "s"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 502);
    assert!(v["message"].as_str().unwrap_or("").contains("delivery failed"));
}
