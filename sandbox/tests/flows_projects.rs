//! Two projects (two credential pairs) of one sandbox: each sees only its own sessions,
//! enrolments and Prove Keys, and cross-domain links them.
use prove_sandbox::Sandbox;
use serde_json::{json, Value};

struct Project {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Project {
    async fn login(sb: &Sandbox, id: &str, secret: &str) -> Project {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let v: Value = http
            .post(format!("{}/token", sb.base_url()))
            .form(&[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)])
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token json");
        let token = v["access_token"].as_str().expect("token issued").to_owned();
        Project { http, base: sb.base_url().to_owned(), token }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut rb = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let res = rb.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn projects_keep_their_own_state() {
    let sb = Sandbox::builder().add_client("project-b", "secret-b").start().await.expect("sandbox starts");
    let a = Project::login(&sb, sb.client_id(), sb.client_secret()).await;
    let b = Project::login(&sb, "project-b", "secret-b").await;

    // Credentials are checked as pairs: B's id with A's secret is refused.
    let res = reqwest::Client::new()
        .post(format!("{}/token", sb.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "project-b"),
            ("client_secret", sb.client_secret()),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(res.status().as_u16(), 401);

    // Enrolments: A's identity is not B's.
    let (st, v) = a.call(reqwest::Method::POST, "/v3/identity", Some(json!({"phoneNumber": "2001004031"}))).await;
    assert_eq!(st, 200, "{v}");
    let id = v["proveId"].as_str().expect("proveId").to_owned();
    let (st, v) = b.call(reqwest::Method::GET, &format!("/v3/identity/{id}"), None).await;
    assert_eq!((st, v["code"].as_i64()), (404, Some(8011)));
    let (st, v) = b.call(reqwest::Method::GET, "/v3/identity", None).await;
    assert_eq!(st, 200);
    assert!(v["results"].as_array().is_some_and(|r| r.is_empty()), "B lists none of A's identities: {v}");
    let (st, _) = a.call(reqwest::Method::GET, &format!("/v3/identity/{id}"), None).await;
    assert_eq!(st, 200);

    // Sessions: B cannot continue A's flow.
    let (st, v) = a
        .call(reqwest::Method::POST, "/v3/start", Some(json!({"flowType": "mobile", "phoneNumber": "2001001695"})))
        .await;
    assert_eq!(st, 200, "{v}");
    let cid = v["correlationId"].as_str().expect("correlationId").to_owned();
    let (st, v) = b.call(reqwest::Method::POST, "/v3/validate", Some(json!({"correlationId": cid}))).await;
    assert_eq!((st, v["code"].as_i64()), (400, Some(8008)), "{v}");
    let (st, v) = a.call(reqwest::Method::POST, "/v3/validate", Some(json!({"correlationId": cid}))).await;
    assert_eq!((st, v["success"].as_bool()), (200, Some(true)), "{v}");

    // Cross-domain: B enrolls the same person; A's identity lists B's.
    let (st, _) = b.call(reqwest::Method::POST, "/v3/identity", Some(json!({"phoneNumber": "2001004031"}))).await;
    assert_eq!(st, 200);
    let (st, v) = a.call(reqwest::Method::POST, &format!("/v3/identity/{id}/cross-domain"), Some(json!({}))).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["count"], 1, "{v}");
}
