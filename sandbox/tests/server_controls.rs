//! Counters, the request log, the clock and world controls over real HTTP.
mod server_common;

use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use server_common::{client, parts, token};

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
