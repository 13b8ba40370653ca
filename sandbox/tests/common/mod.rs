//! Helpers shared by the `flows_*` tests: an authenticated HTTP client for one sandbox, and a
//! schema check applied to every 200 answer.
#![allow(dead_code)]

pub mod schema;

use prove_sandbox::Sandbox;
use serde_json::{json, Value};

/// Milo Pinson: Pre-Fill short-term user.
pub const MILO: &str = "2001001695";
/// Marcia Longo: Pre-Fill user needing the client SDK.
pub const MARCIA: &str = "2001001693";
/// Martina Goodram: Prove Identity short-term user.
pub const MARTINA: &str = "2001004000";
/// Benji Harper: Prove Identity user needing the client SDK.
pub const BENJI: &str = "2001004009";
/// Sheilakathryn Butrimovich: Verified Users short-term user.
pub const SHEILA: &str = "2001004011";
/// Elena Coldman: Verified Users user needing the client SDK.
pub const ELENA: &str = "2001004053";
/// Lorant Nerger: Unify user.
pub const LORANT: &str = "2001004014";
/// Inge Galier: Unify Mobile Auth user.
pub const INGE: &str = "2001004016";
/// Barbaraanne Canet: Unify short-term user.
pub const BARBARAANNE: &str = "2001004018";
/// Merla Schumacher: Identity Manager user.
pub const MERLA: &str = "2001004031";

/// A sandbox plus an HTTP client holding a token.
pub struct Env {
    pub sb: Sandbox,
    pub http: reqwest::Client,
    pub token: String,
}

impl Env {
    pub async fn new() -> Env {
        Env::with(Sandbox::start().await.expect("sandbox starts")).await
    }

    pub async fn with(sb: Sandbox) -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().build().expect("client");
        let res = http
            .post(format!("{}/token", sb.base_url()))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", sb.client_id()),
                ("client_secret", sb.client_secret()),
            ])
            .send()
            .await
            .expect("token request");
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.expect("token json");
        let token = v["access_token"].as_str().expect("access_token").to_owned();
        Env { sb, http, token }
    }

    /// One API call; every 200 answer is checked against the schema of its operation.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{}", self.sb.base_url(), path);
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut rb = self.http.request(m, url).bearer_auth(&self.token);
        if let Some(b) = &body {
            rb = rb.json(b);
        }
        let res = rb.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON answer: {text}"));
        if status == 200 {
            let (_, mut response_type) =
                schema::operation_for(method, path).unwrap_or_else(|| panic!("no operation for {method} {path}"));
            if path == "/v3/verify" && body.as_ref().is_some_and(|b| b.get("possessionType").is_some()) {
                response_type = "Legacy_V3VerifyResponse".to_string();
            }
            let problems = schema::check(&response_type, &value);
            assert!(problems.is_empty(), "{method} {path} answer {value} is not a valid {response_type}: {problems:?}");
        } else {
            assert!(value["code"].is_i64() && value["message"].is_string(), "error body shape: {value}");
        }
        (status, value)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call("DELETE", path, None).await
    }

    /// `POST /sandbox/possession` over HTTP (no auth).
    pub async fn control(&self, name: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}/sandbox/{name}", self.sb.base_url()))
            .json(&body)
            .send()
            .await
            .expect("control request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn possession(&self, correlation_id: &str, action: &str, otp: Option<&str>) -> (u16, Value) {
        let mut body = json!({"correlationId": correlation_id, "action": action});
        if let Some(o) = otp {
            body["otp"] = json!(o);
        }
        self.control("possession", body).await
    }
}

/// Asserts an error answer's status and code.
#[track_caller]
pub fn assert_error(res: &(u16, Value), status: u16, code: i64) {
    assert_eq!((res.0, res.1["code"].as_i64()), (status, Some(code)), "unexpected answer {}", res.1);
}

/// The `next` map keys of an answer.
pub fn next_keys(v: &Value) -> Vec<String> {
    v["next"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}
