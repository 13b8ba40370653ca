//! Counters, the request log, the clock and world controls over real HTTP.
mod server_common;

use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use server_common::{client, parts, token, token_response};

#[tokio::test]
async fn counters_count_requests_by_template_and_reset() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    for id in ["a", "b", "c"] {
        http.get(format!("{}/v3/identity/{id}", sb.base_url())).bearer_auth(&t).send().await.expect("send");
    }
    http.get(format!("{}/v3/unknown", sb.base_url())).send().await.expect("send");
    http.get(format!("{}/sandbox/health", sb.base_url())).send().await.expect("send");
    let c = sb.counters();
    assert_eq!(c.token_requests, 1);
    assert_eq!(c.total_requests, 5, "token + 3 reads + unknown path; controls are not counted");
    assert_eq!(c.requests_by_path.get("/v3/identity/{proveId}"), Some(&3));
    assert_eq!(c.requests_by_path.get("/token"), Some(&1));

    let (_, _, v) = parts(http.get(format!("{}/sandbox/counters", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(v["tokenRequests"], 1);
    assert_eq!(v["totalRequests"], 5);
    assert_eq!(v["requestsByPath"]["/v3/identity/{proveId}"], 3);

    let (status, _, v) =
        parts(http.post(format!("{}/sandbox/counters/reset", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(status, 200);
    assert_eq!(v["totalRequests"], 0);
    assert_eq!(sb.counters(), prove_sandbox::Counters::default());
}

#[tokio::test]
async fn request_log_keeps_recent_requests_in_order_without_secrets() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    http.post(format!("{}/v3/start?clientRequestId=abc", sb.base_url()))
        .bearer_auth(&t)
        .json(&json!({"flowType": "desktop"}))
        .send()
        .await
        .expect("send");
    http.delete(format!("{}/v3/identity/p1", sb.base_url())).bearer_auth(&t).send().await.expect("send");

    let log = sb.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].path, "/token");
    assert_eq!(log[0].body["client_secret"], "<redacted>");
    assert_eq!(log[0].body["client_id"], sb.client_id());
    assert_eq!(
        (log[1].method.as_str(), log[1].path.as_str(), log[1].query.as_str()),
        ("POST", "/v3/start", "clientRequestId=abc")
    );
    assert_eq!(log[1].body, json!({"flowType": "desktop"}));
    assert_eq!(log[2].method, "DELETE");
    assert_eq!(log[2].body, Value::Null);
    assert!(!format!("{:?}", log[1]).contains("desktop"), "Debug hides bodies");

    let (_, _, v) = parts(http.get(format!("{}/sandbox/requests", sb.base_url())).send().await.expect("send")).await;
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 3);
    assert_eq!(arr[1]["body"]["flowType"], "desktop");
    assert_eq!(arr[1]["contentType"], "application/json");
    assert!(!v.to_string().contains(sb.client_secret()));

    http.delete(format!("{}/sandbox/requests", sb.base_url())).send().await.expect("send");
    assert!(sb.requests().is_empty());
}

#[tokio::test]
async fn request_log_is_bounded() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    for i in 0..(prove_sandbox::REQUEST_LOG_CAPACITY + 5) {
        http.get(format!("{}/v3/identity/p{i}", sb.base_url())).send().await.expect("send");
    }
    let log = sb.requests();
    assert_eq!(log.len(), prove_sandbox::REQUEST_LOG_CAPACITY);
    assert_eq!(log[0].path, "/v3/identity/p5");
    assert_eq!(
        log.last().map(|r| r.path.as_str()),
        Some(format!("/v3/identity/p{}", prove_sandbox::REQUEST_LOG_CAPACITY + 4).as_str())
    );
}

#[tokio::test]
async fn clock_and_info_controls() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let (_, _, before) = parts(http.get(format!("{}/sandbox/clock", sb.base_url())).send().await.expect("send")).await;
    let (status, _, after) = parts(
        http.post(format!("{}/sandbox/clock/advance", sb.base_url()))
            .json(&json!({"ms": 60_000}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(after["offsetMs"], 60_000);
    assert!(after["nowMs"].as_u64().unwrap_or(0) >= before["nowMs"].as_u64().unwrap_or(u64::MAX) + 60_000);
    assert!(sb.now_ms() >= after["nowMs"].as_u64().unwrap_or(u64::MAX));

    let (status, _, v) = parts(
        http.post(format!("{}/sandbox/clock/advance", sb.base_url())).json(&json!({})).send().await.expect("send"),
    )
    .await;
    assert_eq!((status, v["code"].clone()), (400, json!(1001)));

    let (_, _, info) = parts(http.get(format!("{}/sandbox/info", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(info["baseUrl"], sb.base_url());
    assert_eq!(info["clientId"], sb.client_id());
    assert!(!info.to_string().contains(sb.client_secret()));

    let (status, _, _) =
        parts(http.get(format!("{}/sandbox/faults/x/y", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(status, 404);
    let (status, _, _) =
        parts(http.get(format!("{}/sandbox/counters/reset", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn possession_is_forwarded_to_the_world() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let body = json!({"correlationId": unknown, "action": "success"});
    let (status, ct, v) =
        parts(http.post(format!("{}/sandbox/possession", sb.base_url())).json(&body).send().await.expect("send")).await;
    // Whatever the world answers, the HTTP control and the in-process call agree.
    let (direct_status, direct) = sb.possession(unknown, "success", None);
    assert_eq!(ct, "application/json");
    assert_eq!(status, direct_status);
    assert_eq!(v["code"], direct["code"]);
    assert_eq!(status, 404, "an unknown correlation id is not found");
    assert!(v["message"].is_string());
}

/// One keep-alive HTTP/1.1 connection driven by hand, so that a dropped connection (a panicking
/// handler) is seen as such instead of being hidden by a client's connection pool.
struct RawConnection {
    stream: tokio::net::TcpStream,
    host: String,
}

impl RawConnection {
    async fn open(sb: &Sandbox) -> Self {
        let host = sb.base_url().strip_prefix("http://").expect("http base url").to_owned();
        let stream = tokio::net::TcpStream::connect(host.as_str()).await.expect("connect");
        RawConnection { stream, host }
    }

    /// Sends one request and reads its answer (Content-Length bodies, as the sandbox sends).
    async fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.stream.write_all(request.as_bytes()).await.expect("send");
        let mut buf = Vec::new();
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(std::time::Duration::from_secs(10), self.stream.read(&mut chunk))
                .await
                .expect("an answer in time")
                .expect("read");
            assert!(n > 0, "{method} {path} {body}: the sandbox closed the connection without answering");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        assert!(!head.to_ascii_lowercase().contains("connection: close"), "{path} {body}: {head}");
        let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
        let len: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
            .and_then(|v| v.parse().ok())
            .expect("content-length");
        let mut rest = buf[head_end + 4..].to_vec();
        while rest.len() < len {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "connection closed mid-body");
            rest.extend_from_slice(&chunk[..n]);
        }
        (status, serde_json::from_slice(&rest[..len]).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn bad_control_values_get_a_400_naming_the_field_and_the_connection_stays_usable() {
    let sb = Sandbox::start().await.expect("start");
    let mut conn = RawConnection::open(&sb).await;
    let huge_u64 = "18446744073709551615";
    let mut cases: Vec<(&str, String, &str)> = Vec::new();
    for endpoint in ["/sandbox/clock/advance", "/sandbox/token-lifetime"] {
        for (body, field) in [
            (r#"{"seconds": 1e20}"#.to_owned(), "seconds"),
            (r#"{"ms": 1e20}"#.to_owned(), "ms"),
            (format!(r#"{{"ms": {huge_u64}}}"#), "ms"),
            (r#"{"seconds": 1.7976931348623157e308}"#.to_owned(), "seconds"),
            (r#"{"ms": -1}"#.to_owned(), "ms"),
            (r#"{"seconds": -0.5}"#.to_owned(), "seconds"),
            (r#"{"ms": "60000"}"#.to_owned(), "ms"),
            (r#"{"seconds": "NaN"}"#.to_owned(), "seconds"),
            (r#"{"ms": "Infinity"}"#.to_owned(), "ms"),
            (r#"{"seconds": true}"#.to_owned(), "seconds"),
            (r#"{"ms": [1]}"#.to_owned(), "ms"),
            (r#"{"seconds": {}}"#.to_owned(), "seconds"),
            (r#"{"ms": 5, "seconds": 5}"#.to_owned(), "seconds"),
            (r#"[{"ms": 5}]"#.to_owned(), "JSON object"),
        ] {
            cases.push((endpoint, body, field));
        }
    }
    for (body, field) in [
        (r#"{"secret": 5}"#, "secret"),
        (r#"{"secret": "s", "expiresIn": -1}"#, "expiresIn"),
        (r#"{"secret": "s", "expiresIn": 1e20}"#, "expiresIn"),
        (r#"{"secret": "s", "expiresIn": 1.5}"#, "expiresIn"),
        (r#"{"secret": "s", "expiresIn": "300"}"#, "expiresIn"),
        (r#"{"secret": "s", "iat": -5}"#, "iat"),
        (r#"{"secret": "s", "iat": 1e30}"#, "iat"),
        (r#"{"secret": "s", "iat": "now"}"#, "iat"),
        (r#"{"secret": "s", "eventType": 5}"#, "eventType"),
        (r#"{"secret": "s", "clientCustomerId": []}"#, "clientCustomerId"),
        (r#"{"secret": "s", "identityId": {}}"#, "identityId"),
        (r#"{"secret": "s", "notifications": {}}"#, "notifications"),
        (r#"["s"]"#, "JSON object"),
    ] {
        cases.push(("/sandbox/webhook/sign", body.to_owned(), field));
    }
    cases.push(("/sandbox/webhook/deliver", r#"{"secret": "s", "url": 5}"#.to_owned(), "url"));
    cases.push(("/sandbox/webhook/deliver", r#"{"secret": "s"}"#.to_owned(), "url"));
    cases.push(("/sandbox/faults", format!(r#"{{"kind": "slowBody", "ms": {huge_u64}}}"#), "ms"));
    for (body, field) in [
        (r#"{"kind": "latency", "ms": -1}"#, "ms"),
        (r#"{"kind": "latency", "ms": 1e20}"#, "ms"),
        (r#"{"kind": "latency", "ms": "10"}"#, "ms"),
        (r#"{"kind": "status", "status": "429"}"#, "status"),
        (r#"{"kind": "status", "status": 65636}"#, "status"),
        (r#"{"kind": "status", "status": 429, "retryAfter": -1}"#, "retryAfter"),
        (r#"{"kind": "drop", "count": -1}"#, "count"),
        (r#"{"kind": "drop", "count": 1e12}"#, "count"),
        (r#"{"kind": 5}"#, "kind"),
        (r#"[{"kind": "drop"}, {"kind": "drop", "path": 7}]"#, "path"),
    ] {
        cases.push(("/sandbox/faults", body.to_owned(), field));
    }
    for (body, field) in [
        (r#"{"correlationId": 5, "action": "success"}"#, "correlationId"),
        (r#"{"correlationId": "c", "action": 7}"#, "action"),
        (r#"{"correlationId": "c", "action": "otp", "otp": 1234}"#, "otp"),
    ] {
        cases.push(("/sandbox/possession", body.to_owned(), field));
    }

    for (endpoint, body, field) in &cases {
        let (status, v) = conn.send("POST", endpoint, body).await;
        assert_eq!(status, 400, "{endpoint} {body}: {v}");
        assert!(v["code"].is_i64(), "{endpoint} {body}: Prove's shape: {v}");
        let message = v["message"].as_str().unwrap_or_default();
        let named = if field.contains(' ') { message.contains(field) } else { message.contains(&format!("'{field}'")) };
        assert!(named, "{endpoint} {body}: the message names {field}: {message}");
    }
    // Nothing was changed by the refused requests, and the same connection still answers.
    let (status, clock) = conn.send("GET", "/sandbox/clock", "").await;
    assert_eq!((status, clock["offsetMs"].clone()), (200, json!(0)));
    let (_, lifetime) = conn.send("GET", "/sandbox/token-lifetime", "").await;
    assert_eq!(lifetime, json!({"seconds": 3600, "ms": 3_600_000}));
    let (_, faults) = conn.send("GET", "/sandbox/faults", "").await;
    assert_eq!(faults, json!({"faults": []}), "a fault list with one bad entry adds none");
    let (status, _) = conn.send("GET", "/sandbox/health", "").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_clock_stops_at_its_limit_and_every_endpoint_keeps_working_there() {
    let sb = Sandbox::start().await.expect("start");
    let mut conn = RawConnection::open(&sb).await;
    // The largest advance is accepted; one millisecond more is refused and changes nothing.
    let limit_ms = 100u64 * 365 * 86_400 * 1000;
    let (status, v) = conn.send("POST", "/sandbox/clock/advance", &format!(r#"{{"ms": {limit_ms}}}"#)).await;
    assert_eq!((status, v["offsetMs"].as_u64()), (200, Some(limit_ms)), "{v}");
    let (status, v) = conn.send("POST", "/sandbox/clock/advance", r#"{"ms": 1}"#).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["message"].as_str().unwrap_or_default().contains("'ms'"), "{v}");
    sb.advance_clock(std::time::Duration::MAX);
    assert_eq!(conn.send("GET", "/sandbox/clock", "").await.1["offsetMs"].as_u64(), Some(limit_ms));

    // Tokens, flows (session and auth-token deadlines), possession and webhooks at that time.
    let http = client();
    let t = token(&sb, &http).await;
    let (status, _, started) = parts(
        http.post(format!("{}/v3/start", sb.base_url()))
            .bearer_auth(&t)
            .json(&json!({"flowType": "mobile", "phoneNumber": "2001001695"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200, "{started}");
    let id = started["correlationId"].as_str().expect("correlationId");
    let (status, _) = sb.possession(id, "success", None);
    assert_eq!(status, 200);
    let (status, signed) =
        conn.send("POST", "/sandbox/webhook/sign", r#"{"secret": "s", "expiresIn": 3153600000}"#).await;
    assert_eq!(status, 200, "{signed}");
    let (status, _) = conn.send("GET", "/sandbox/health", "").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_sub_second_token_lifetime_is_reported_as_one_second() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let (status, _, v) = parts(
        http.post(format!("{}/sandbox/token-lifetime", sb.base_url()))
            .json(&json!({"ms": 500}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, v), (200, json!({"seconds": 1, "ms": 500})));
    let (_, _, info) = parts(http.get(format!("{}/sandbox/info", sb.base_url())).send().await.expect("send")).await;
    assert_eq!(info["tokenLifetimeSeconds"], 1);
    let v = token_response(&sb, &http).await;
    assert_eq!((v["expires_in"].as_u64(), v["refresh_expires_in"].as_u64()), (Some(1), Some(1)), "{v}");
    // The token still lives 500 ms, not a rounded second.
    let t = v["access_token"].as_str().expect("token").to_owned();
    sb.advance_clock(std::time::Duration::from_millis(600));
    let res = http.get(format!("{}/v3/domain/id", sb.base_url())).bearer_auth(&t).send().await.expect("send");
    assert_eq!(res.status(), 401);

    // Fractions of a second are accepted as such; zero stays zero.
    for (body, expected) in [
        (json!({"seconds": 1.25}), json!({"seconds": 2, "ms": 1250})),
        (json!({"seconds": 0}), json!({"seconds": 0, "ms": 0})),
        (json!({"ms": 60_000.0}), json!({"seconds": 60, "ms": 60_000})),
    ] {
        let (status, _, v) = parts(
            http.post(format!("{}/sandbox/token-lifetime", sb.base_url())).json(&body).send().await.expect("send"),
        )
        .await;
        assert_eq!((status, v), (200, expected), "{body}");
    }
}
