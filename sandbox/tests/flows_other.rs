//! Discover/fetch, domain linking, the `/v1/server/auth/*` flow and the reset control.
mod common;

use common::*;
use serde_json::json;

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower-case hex.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_digit() || ('a'..='f').contains(&c)
            }
        })
}

#[tokio::test]
async fn discover_and_fetch() {
    let env = Env::new().await;
    let (_, v) = env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": SHEILA})).await;
    let prove_id = v["proveId"].as_str().unwrap().to_string();
    let (st, d) = env.get(&format!("/v3/discover?proveId={prove_id}")).await;
    assert_eq!(st, 200);
    let ids: Vec<String> =
        d["results"].as_array().unwrap().iter().filter_map(|r| r["attributeId"].as_str().map(String::from)).collect();
    // Attribute ids are UUIDs, as Prove documents them (not attribute names).
    assert!(ids.len() >= 2, "{d}");
    assert!(ids.iter().all(|id| is_uuid(id)), "{ids:?}");
    assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>().len(), ids.len(), "distinct");
    // Each fetches its own value; the same ids again on a second discover.
    let mut values = Vec::new();
    for id in &ids {
        let (st, f) = env.get(&format!("/v3/fetch?proveId={prove_id}&attributeId={id}")).await;
        assert_eq!(st, 200, "{f}");
        assert_eq!(f["results"][0]["attributeId"], id.as_str());
        values.push(f["results"][0]["attributeValue"].as_str().unwrap().to_string());
    }
    assert!(values.contains(&"Sheilakathryn".to_string()) && values.contains(&SHEILA.to_string()), "{values:?}");
    assert_eq!(env.get(&format!("/v3/discover?proveId={prove_id}")).await.1, d);
    // Upper-case hex is the same UUID.
    let (st, _) = env.get(&format!("/v3/fetch?proveId={prove_id}&attributeId={}", ids[0].to_uppercase())).await;
    assert_eq!(st, 200);
    // A name is not an attribute id; a UUID that names no attribute is not found.
    assert_error(&env.get(&format!("/v3/fetch?proveId={prove_id}&attributeId=firstName")).await, 400, 8001);
    assert_error(
        &env.get(&format!("/v3/fetch?proveId={prove_id}&attributeId=0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b")).await,
        404,
        8013,
    );
    assert_error(&env.get(&format!("/v3/fetch?proveId={prove_id}")).await, 400, 1001);
    assert_error(&env.get("/v3/discover?proveId=0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b").await, 404, 8011);
    assert_error(&env.get("/v3/discover").await, 400, 1001);
}

#[tokio::test]
async fn domain_links() {
    let env = Env::new().await;
    let (st, me) = env.get("/v3/domain/id").await;
    assert_eq!(st, 200);
    let my_pcid = me["pcid"].as_str().unwrap().to_string();
    assert_eq!(me["name"], env.sb.client_id());
    let (_, l) = env.get("/v3/domain/linked").await;
    assert_eq!(l, json!({}));
    let (st, v) = env.post("/v3/domain/link", json!({"pcid": "pcid-partner", "scopes": ["verify"]})).await;
    assert_eq!((st, v["success"].clone()), (200, json!(true)));
    let (_, l) = env.get("/v3/domain/linked").await;
    assert_eq!(l["requestsTo"][0]["pcid"], "pcid-partner");
    assert_eq!(l["requestsTo"][0]["scopes"], json!(["verify"]));
    assert_error(&env.post("/v3/domain/link", json!({"pcid": my_pcid})).await, 400, 8001);
    assert_error(&env.post("/v3/domain/link", json!({})).await, 400, 1001);
    assert_error(&env.post("/v3/domain/confirm-link", json!({"pcid": "pcid-partner"})).await, 400, 8001);
    let (_, v) = env.post("/v3/domain/unlink", json!({"pcidTo": "pcid-partner"})).await;
    assert_eq!(v["success"], true);
    let (_, v) = env.post("/v3/domain/unlink", json!({"pcidTo": "pcid-partner"})).await;
    assert_eq!(v["success"], false);
    assert_error(&env.post("/v3/domain/unlink", json!({})).await, 400, 1001);
}

#[tokio::test]
async fn v1_auth_flow() {
    let env = Env::new().await;
    let (st, s) = env.post("/v1/server/auth/start", json!({
        "requestId": "r-1",
        "subjects": {"mobile": {"authenticators": {"universal": {"finalTargetUrl": "https://www.example.com"}}}, "device": {}}
    })).await;
    assert_eq!(st, 200);
    assert!(s["authToken"].is_string() && s["universalRedirectUrl"].is_string());
    let auth_id = s["authId"].as_str().unwrap().to_string();
    let (st, c) = env
        .post(
            "/v1/server/auth/continue",
            json!({"authId": auth_id, "requestId": "r-1", "subjects": {"mobile": {"claim": {"mobileNumber": LORANT}}}}),
        )
        .await;
    assert_eq!((st, c["subjects"]["mobile"]["success"].clone()), (200, json!(true)));
    let (_, c) = env.post("/v1/server/auth/continue", json!({"authId": auth_id, "requestId": "r-1", "subjects": {"mobile": {"claim": {"mobileNumber": "2005550199"}}}})).await;
    assert_eq!(c["subjects"]["mobile"]["error"]["code"], 8007);
    let (st, f) = env.post("/v1/server/auth/finish", json!({"authId": auth_id})).await;
    assert_eq!(st, 200);
    assert_eq!(f["subjects"]["mobile"]["success"]["claim"]["mobileNumber"], LORANT);
    assert!(f["subjects"]["device"]["success"]["claim"]["deviceId"].is_string());
    // Finished: the auth id is gone.
    assert_error(&env.post("/v1/server/auth/finish", json!({"authId": auth_id})).await, 400, 8001);
    assert_error(&env.post("/v1/server/auth/start", json!({"subjects": {}})).await, 400, 1001);
    assert_error(
        &env.post(
            "/v1/server/auth/start",
            json!({"requestId": "r", "subjects": {"mobile": {"claim": {"mobileNumber": "2005550199"}}}}),
        )
        .await,
        400,
        8007,
    );
    assert_error(
        &env.post("/v1/server/auth/continue", json!({"authId": "x", "requestId": "r", "subjects": {}})).await,
        400,
        8001,
    );
}

#[tokio::test]
async fn reset_clears_keys_and_identities() {
    let env = Env::new().await;
    let (_, v) = env.post("/v3/identity", json!({"phoneNumber": MERLA})).await;
    let id = v["proveId"].as_str().unwrap().to_string();
    let (st, _) = env.control("reset", json!({})).await;
    assert_eq!(st, 200);
    assert_error(&env.get(&format!("/v3/identity/{id}")).await, 404, 8011);
    // Users stay.
    assert_eq!(env.post("/v3/identity", json!({"phoneNumber": MERLA})).await.0, 200);
    assert_eq!(env.control("no-such-control", json!({})).await.0, 404);
}
