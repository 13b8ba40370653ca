//! `/token` and bearer authentication over real HTTP.
mod server_common;

use std::time::Duration;

use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use server_common::{client, parts, token};

async fn post_token(sb: &Sandbox, body: &str, content_type: &str) -> (u16, String, Value) {
    let res = client()
        .post(format!("{}/token", sb.base_url()))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    parts(res).await
}

#[tokio::test]
async fn issues_tokens_for_valid_credentials_in_any_field_order() {
    let sb = Sandbox::start().await.expect("start");
    let body =
        format!("client_secret={}&grant_type=client_credentials&client_id={}", sb.client_secret(), sb.client_id());
    let (status, ct, v) = post_token(&sb, &body, "application/x-www-form-urlencoded; charset=utf-8").await;
    assert_eq!(status, 200);
    assert_eq!(ct, "application/json");
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["refresh_expires_in"], 3600);
    let access = v["access_token"].as_str().expect("access token");
    let refresh = v["refresh_token"].as_str().expect("refresh token");
    assert!(access.len() > 20 && refresh.len() > 20 && access != refresh);
    // Two requests give two different tokens.
    let (_, _, v2) = post_token(&sb, &body, "application/x-www-form-urlencoded").await;
    assert_ne!(v2["access_token"], v["access_token"]);
    assert_eq!(sb.counters().token_requests, 2);
}

#[tokio::test]
async fn decodes_form_escapes_in_credentials() {
    let sb = Sandbox::builder().client_id("a b").client_secret("s+c&d").start().await.expect("start");
    let (status, _, _) = post_token(
        &sb,
        "grant_type=client_credentials&client_id=a+b&client_secret=s%2Bc%26d",
        "application/x-www-form-urlencoded",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn refuses_bad_credentials_missing_fields_and_bad_grant() {
    let sb = Sandbox::start().await.expect("start");
    let id = sb.client_id().to_owned();
    let form = "application/x-www-form-urlencoded";

    let (status, _, v) =
        post_token(&sb, &format!("grant_type=client_credentials&client_id={id}&client_secret=wrong"), form).await;
    assert_eq!((status, v["code"].clone()), (401, json!(8002)));
    assert!(!v["message"].as_str().unwrap_or("").contains("wrong"));

    let (status, _, v) = post_token(&sb, &format!("grant_type=client_credentials&client_id={id}"), form).await;
    assert_eq!((status, v["code"].clone()), (400, json!(1001)));
    assert!(v["message"].as_str().unwrap_or("").contains("client_secret"));

    let (status, _, v) =
        post_token(&sb, &format!("grant_type=password&client_id={id}&client_secret={}", sb.client_secret()), form)
            .await;
    assert_eq!(status, 400);
    assert!(v["message"].as_str().unwrap_or("").contains("grant_type"));

    let (status, _, _) = post_token(&sb, "{}", "application/json").await;
    assert_eq!(status, 400);

    let res = client().get(format!("{}/token", sb.base_url())).send().await.expect("send");
    let (status, ct, v) = parts(res).await;
    assert_eq!((status, ct.as_str()), (405, "application/json"));
    assert!(v["message"].is_string());
}

async fn call(sb: &Sandbox, bearer: Option<&str>) -> (u16, Value) {
    let mut req = client().post(format!("{}/v3/start", sb.base_url())).json(&json!({"flowType": "mobile"}));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let (status, _, v) = parts(req.send().await.expect("send")).await;
    (status, v)
}

#[tokio::test]
async fn requires_a_valid_bearer_token() {
    let sb = Sandbox::start().await.expect("start");
    let other = Sandbox::start().await.expect("start other");
    let http = client();
    let good = token(&sb, &http).await;
    let foreign = token(&other, &http).await;

    let (status, v) = call(&sb, None).await;
    assert_eq!((status, v["code"].clone()), (401, json!(8002)));
    let (status, v) = call(&sb, Some("not-a-token")).await;
    assert_eq!((status, v["code"].clone()), (401, json!(8002)));
    let (status, v) = call(&sb, Some(&foreign)).await;
    assert_eq!(status, 401);
    assert!(!v["message"].as_str().unwrap_or("").contains(&foreign));

    let (status, _) = call(&sb, Some(&good)).await;
    assert_ne!(status, 401, "a fresh token is accepted");
}

#[tokio::test]
async fn tokens_expire_on_the_sandbox_clock() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let t = token(&sb, &http).await;
    assert_ne!(call(&sb, Some(&t)).await.0, 401);
    sb.advance_clock(Duration::from_secs(3599));
    assert_ne!(call(&sb, Some(&t)).await.0, 401);
    sb.advance_clock(Duration::from_secs(2));
    let (status, v) = call(&sb, Some(&t)).await;
    assert_eq!(status, 401);
    assert!(v["message"].as_str().unwrap_or("").contains("expired"));

    // Shorter lifetime for tokens issued afterwards, via the control endpoint.
    let res = http
        .post(format!("{}/sandbox/token-lifetime", sb.base_url()))
        .json(&json!({"seconds": 120}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    let v: Value = http
        .post(format!("{}/token", sb.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", sb.client_id()),
            ("client_secret", sb.client_secret()),
        ])
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["expires_in"], 120);
    let short = v["access_token"].as_str().expect("token").to_owned();
    let res = http
        .post(format!("{}/sandbox/clock/advance", sb.base_url()))
        .json(&json!({"seconds": 121}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    assert_eq!(call(&sb, Some(&short)).await.0, 401);
}

#[tokio::test]
async fn revocation_invalidates_earlier_tokens_only() {
    let sb = Sandbox::start().await.expect("start");
    let http = client();
    let a = token(&sb, &http).await;
    sb.revoke_tokens();
    let (status, v) = call(&sb, Some(&a)).await;
    assert_eq!(status, 401);
    assert!(v["message"].as_str().unwrap_or("").contains("revoked"));
    let b = token(&sb, &http).await;
    assert_ne!(call(&sb, Some(&b)).await.0, 401);

    let res = http.post(format!("{}/sandbox/tokens/revoke", sb.base_url())).send().await.expect("send");
    assert_eq!(res.status(), 200);
    assert_eq!(call(&sb, Some(&b)).await.0, 401);
}

#[tokio::test]
async fn token_lifetime_from_builder() {
    let sb = Sandbox::builder().token_lifetime(Duration::from_secs(90)).start().await.expect("start");
    let v: Value = client()
        .post(format!("{}/token", sb.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", sb.client_id()),
            ("client_secret", sb.client_secret()),
        ])
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["expires_in"], 90);
}
