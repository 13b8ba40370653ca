//! Routing of every operation, path decoding, 404/405 and body checks, over real HTTP.
mod server_common;

use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use server_common::{client, parts, token};

/// Every operation except `/token`: method, a concrete path, and its template.
const OPS: &[(&str, &str, &str)] = &[
    ("POST", "/v3/challenge", "/v3/challenge"),
    ("POST", "/v3/complete", "/v3/complete"),
    ("POST", "/v3/device/revoke", "/v3/device/revoke"),
    ("POST", "/v3/start", "/v3/start"),
    ("POST", "/v3/unify", "/v3/unify"),
    ("POST", "/v3/unify-bind", "/v3/unify-bind"),
    ("POST", "/v3/unify-status", "/v3/unify-status"),
    ("POST", "/v3/validate", "/v3/validate"),
    ("POST", "/v3/verify", "/v3/verify"),
    ("POST", "/v3/verify/batch", "/v3/verify/batch"),
    ("GET", "/v3/discover", "/v3/discover"),
    ("GET", "/v3/fetch", "/v3/fetch"),
    ("GET", "/v3/identity", "/v3/identity"),
    ("POST", "/v3/identity", "/v3/identity"),
    ("POST", "/v3/identity/batch", "/v3/identity/batch"),
    ("POST", "/v3/identity/id-1/cross-domain", "/v3/identity/{identityId}/cross-domain"),
    ("GET", "/v3/identity/%2B12065550100/lookup", "/v3/identity/{mobileNumber}/lookup"),
    ("DELETE", "/v3/identity/pid-1", "/v3/identity/{proveId}"),
    ("GET", "/v3/identity/pid-1", "/v3/identity/{proveId}"),
    ("POST", "/v3/identity/pid-1/activate", "/v3/identity/{proveId}/activate"),
    ("POST", "/v3/identity/pid-1/deactivate", "/v3/identity/{proveId}/deactivate"),
    ("POST", "/v3/domain/confirm-link", "/v3/domain/confirm-link"),
    ("GET", "/v3/domain/id", "/v3/domain/id"),
    ("POST", "/v3/domain/link", "/v3/domain/link"),
    ("GET", "/v3/domain/linked", "/v3/domain/linked"),
    ("POST", "/v3/domain/unlink", "/v3/domain/unlink"),
    ("POST", "/v1/server/auth/continue", "/v1/server/auth/continue"),
    ("POST", "/v1/server/auth/finish", "/v1/server/auth/finish"),
    ("POST", "/v1/server/auth/start", "/v1/server/auth/start"),
    ("POST", "/v3/verify-status", "/v3/verify-status"),
];

fn api_json() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/schema/api.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read api.json")).expect("parse api.json")
}

#[test]
fn route_table_covers_every_operation_of_the_schema() {
    let schema = api_json();
    let ops = schema["operations"].as_array().expect("operations");
    assert_eq!(ops.len(), OPS.len() + 1, "the schema's operations plus /token");
    for op in ops {
        let (method, path) = (op["method"].as_str().expect("method"), op["path"].as_str().expect("path"));
        if path == "/token" {
            continue;
        }
        assert!(OPS.iter().any(|(m, _, t)| *m == method && *t == path), "{method} {path} is not exercised");
    }
}

#[tokio::test]
async fn every_operation_reaches_the_world() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    sb.reset_counters();
    for (method, path, template) in OPS {
        let url = format!("{}{path}?clientRequestId=r%20id", sb.base_url());
        let mut req = http.request(method.parse().expect("method"), url).bearer_auth(&t);
        if *method != "GET" {
            req = req.json(&json!({}));
        }
        let (status, ct, v) = parts(req.send().await.expect("send")).await;
        assert_eq!(ct, "application/json", "{method} {path}");
        assert_ne!(status, 405, "{method} {path}");
        assert_ne!(status, 401, "{method} {path}");
        assert_ne!(v["message"], "no such operation", "{method} {path}");
        let last = sb.requests().pop().expect("recorded");
        assert_eq!(last.route.as_deref(), Some(*template), "{method} {path}");
        assert_eq!(last.method, *method);
        assert_eq!(last.query, "clientRequestId=r%20id");
    }
    let counters = sb.counters();
    assert_eq!(counters.total_requests, OPS.len() as u64);
    assert_eq!(counters.requests_by_path["/v3/identity/{proveId}"], 2);
    assert_eq!(counters.requests_by_path["/v3/identity"], 2);
    assert_eq!(counters.requests_by_path["/v3/start"], 1);
    assert_eq!(counters.token_requests, 0);
}

#[tokio::test]
async fn path_segments_are_percent_decoded_and_plus_is_kept() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    for (raw, decoded) in [("+12065550100", "+12065550100"), ("%2B1%202065550100", "+1 2065550100")] {
        let url = format!("{}/v3/identity/{raw}/lookup", sb.base_url());
        let res = http.get(url).bearer_auth(&t).send().await.expect("send");
        assert_ne!(res.status(), 404, "a routing 404 would carry no world answer");
        let last = sb.requests().pop().expect("recorded");
        assert_eq!(last.path, format!("/v3/identity/{raw}/lookup"));
        assert_eq!(last.path_params.get("mobileNumber").map(String::as_str), Some(decoded));
    }
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_get_prove_errors() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let (status, ct, v) = parts(http.get(format!("{}/v3/nothing", sb.base_url())).send().await.expect("send")).await;
    assert_eq!((status, ct.as_str()), (404, "application/json"));
    assert!(v["code"].is_i64() && v["message"].is_string());

    let res = http.get(format!("{}/v3/start", sb.base_url())).send().await.expect("send");
    assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
    let (status, ct, v) = parts(res).await;
    assert_eq!((status, ct.as_str()), (405, "application/json"));
    assert!(v["code"].is_i64() && v["message"].is_string());

    let (status, _, _) =
        parts(http.put(format!("{}/v3/identity/abc", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(status, 405);
    assert_eq!(sb.counters().total_requests, 3);
}

async fn post_raw(http: &reqwest::Client, sb: &Sandbox, t: &str, body: Vec<u8>) -> (u16, Value) {
    let res = http
        .post(format!("{}/v3/start", sb.base_url()))
        .bearer_auth(t)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send");
    let (status, _, v) = parts(res).await;
    (status, v)
}

/// A JSON object of exactly `n` bytes.
fn json_of_len(n: usize) -> Vec<u8> {
    let filler = n - r#"{"pad":""}"#.len();
    format!(r#"{{"pad":"{}"}}"#, "x".repeat(filler)).into_bytes()
}

#[tokio::test]
async fn bodies_over_4_kb_are_refused() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;

    let (status, v) = post_raw(&http, &sb, &t, json_of_len(4096)).await;
    assert!(!(status == 400 && v["code"] == 8001), "4096 bytes are accepted: {status} {v}");
    assert_eq!(sb.requests().pop().expect("recorded").body["pad"].as_str().map(str::len), Some(4096 - 10));

    let (status, v) = post_raw(&http, &sb, &t, json_of_len(4097)).await;
    assert_eq!((status, v["code"].clone()), (400, json!(8001)));
    assert!(v["message"].as_str().unwrap_or("").contains("4096"));

    // The unread rest of an over-size body leaves the connection unusable: the answer says
    // `Connection: close`, so a client's next request never lands on that connection.
    for _ in 0..20 {
        let res = http
            .post(format!("{}/v3/start", sb.base_url()))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body(json_of_len(64 * 1024))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status().as_u16(), 400);
        assert_eq!(res.headers().get("connection").and_then(|v| v.to_str().ok()), Some("close"));
        let _ = res.bytes().await;
        let (status, _) =
            post_raw(&http, &sb, &t, br#"{"flowType":"mobile","phoneNumber":"2001001695"}"#.to_vec()).await;
        assert_eq!(status, 200);
    }

    // Without Content-Length (chunked), the limit still holds.
    let body = json_of_len(5000);
    let mut raw = format!(
        "POST /v3/start HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    raw.extend_from_slice(b"\r\n0\r\n\r\n");
    let answer = raw_exchange(&sb, &raw).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("8001"), "{answer}");
}

/// Send raw bytes and read the whole answer (the request must ask for `Connection: close`).
async fn raw_exchange(sb: &Sandbox, raw: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = sb.base_url().trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(raw).await.expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn invalid_json_is_refused_with_the_reason_and_empty_bodies_are_null() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;

    let (status, v) = post_raw(&http, &sb, &t, b"{\"flowType\": ".to_vec()).await;
    assert_eq!((status, v["code"].clone()), (400, json!(8001)));
    let msg = v["message"].as_str().unwrap_or("");
    assert!(msg.contains("JSON") && msg.contains("line 1"), "{msg}");

    let (status, v) = post_raw(&http, &sb, &t, Vec::new()).await;
    assert!(!(status == 400 && v["code"] == 8001), "an empty body reaches the world");
    let last = sb.requests().pop().expect("recorded");
    assert_eq!(last.body, Value::Null);
    assert_eq!(last.content_type.as_deref(), Some("application/json"));
}
