//! Helpers shared by the `server_*` tests.
#![allow(dead_code)]

use prove_sandbox::Sandbox;
use serde_json::Value;

/// A client that never follows redirects and keeps connections alive.
pub fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; install ring's (plain http is used anyway).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("client")
}

/// Fetch an access token with the sandbox's credentials.
pub async fn token(sb: &Sandbox, http: &reqwest::Client) -> String {
    let v = token_response(sb, http).await;
    v["access_token"].as_str().expect("access_token").to_owned()
}

/// The whole token answer (`access_token`, `expires_in`, …) for the sandbox's credentials.
pub async fn token_response(sb: &Sandbox, http: &reqwest::Client) -> Value {
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
    res.json().await.expect("token json")
}

/// Status, content type and JSON body (Null when the body is not JSON).
pub async fn parts(res: reqwest::Response) -> (u16, String, Value) {
    let status = res.status().as_u16();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = res.text().await.expect("body");
    (status, ct, serde_json::from_str(&text).unwrap_or(Value::Null))
}
