//! Identity Manager: enroll, batch enroll (both item shapes), batch get with pagination, get,
//! lookup, deactivate/activate, disenroll, cross-domain.
mod common;

use common::*;
use serde_json::{json, Value};

async fn enroll(env: &Env, phone: &str, customer: &str) -> String {
    let (st, v) = env.post("/v3/identity", json!({"phoneNumber": phone, "clientCustomerId": customer})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["success"], true);
    assert_eq!(v["identityId"], v["proveId"]);
    v["proveId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn enroll_get_lookup_lifecycle() {
    let env = Env::new().await;
    let id = enroll(&env, MERLA, "test-customer-123").await;
    let (st, v) = env.get(&format!("/v3/identity/{id}")).await;
    assert_eq!(st, 200);
    assert_eq!(
        (v["phoneNumber"].as_str(), v["active"].as_bool(), v["clientCustomerId"].as_str()),
        (Some(MERLA), Some(true), Some("test-customer-123"))
    );
    let id2 = enroll(&env, MERLA, "test-customer-999").await;
    let (_, l) = env.get(&format!("/v3/identity/+1{MERLA}/lookup")).await;
    let ids: Vec<&str> = l["items"].as_array().unwrap().iter().filter_map(|i| i["proveId"].as_str()).collect();
    assert_eq!(ids, vec![id.as_str(), id2.as_str()]);
    let (_, l) = env.get("/v3/identity/2001004035/lookup").await;
    assert!(l.get("items").is_none(), "no enrolments: items omitted");
    assert_error(&env.get("/v3/identity/2005550199/lookup").await, 400, 8007);

    let (st, v) = env.post(&format!("/v3/identity/{id}/deactivate"), json!({})).await;
    assert_eq!((st, v["success"].clone()), (200, json!(true)));
    assert_eq!(env.get(&format!("/v3/identity/{id}")).await.1["active"], false);
    let (_, v) = env.call("POST", &format!("/v3/identity/{id}/activate"), None).await;
    assert_eq!(v["success"], true);
    assert_eq!(env.get(&format!("/v3/identity/{id}")).await.1["active"], true);
    let (st, v) = env.delete(&format!("/v3/identity/{id}")).await;
    assert_eq!((st, v["success"].clone()), (200, json!(true)));
    let res = env.get(&format!("/v3/identity/{id}")).await;
    assert_eq!(res, (404, json!({"code": 8011, "message": "Identity Not Found"})));
    assert_error(&env.delete(&format!("/v3/identity/{id}")).await, 404, 8011);
    assert_error(&env.post(&format!("/v3/identity/{id}/activate"), json!({})).await, 404, 8011);
    assert_error(&env.post(&format!("/v3/identity/{id}/deactivate"), json!({})).await, 404, 8011);
    // Validation.
    assert_error(&env.post("/v3/identity", json!({})).await, 400, 1001);
    assert_error(&env.post("/v3/identity", json!({"phoneNumber": "2005550199"})).await, 400, 8007);
    assert_error(&env.post("/v3/identity", json!({"phoneNumber": MILO})).await, 403, 8009);
}

#[tokio::test]
async fn batch_enroll_both_shapes() {
    let env = Env::new().await;
    let body = json!({"items": [
        {"phoneNumber": MERLA, "clientCustomerId": "test-customer-123"},
        {"phoneNumber": "2001004032", "clientCustomerId": "test-customer-124"},
        {"phoneNumber": "2005550199"}
    ], "clientRequestId": "b-1"});
    let (st, v) = env.post("/v3/identity/batch", body).await;
    assert_eq!(st, 200);
    let r = v["results"].as_array().unwrap();
    assert!(r[0]["proveId"].is_string() && r[1]["proveId"].is_string());
    assert_eq!(r[2]["error"], "no test user found matching the phone number");
    // The reference's item shape names an existing identity.
    let existing = r[0]["proveId"].clone();
    let (_, v) = env
        .post(
            "/v3/identity/batch",
            json!({"items": [
                {"clientName": "other", "identityId": existing, "pcid": "pcid-x"},
                {"clientName": "other", "identityId": "0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "pcid": "pcid-x"}
            ]}),
        )
        .await;
    let r = v["results"].as_array().unwrap();
    assert!(r[0]["proveId"].is_string());
    assert_ne!(r[0]["proveId"], existing);
    assert_eq!(r[1]["error"], "Identity Not Found");
    // The docs' `identities` key.
    let (st, _) = env.post("/v3/identity/batch", json!({"identities": [{"phoneNumber": "2001004036"}]})).await;
    assert_eq!(st, 200);
    assert_error(&env.post("/v3/identity/batch", json!({"items": []})).await, 400, 1001);
    assert_error(&env.post("/v3/identity/batch", json!({"items": [{"clientCustomerId": "x"}]})).await, 400, 1001);
    let many: Vec<Value> = (0..101).map(|_| json!({"phoneNumber": MERLA})).collect();
    assert_error(&env.post("/v3/identity/batch", json!({"items": many})).await, 400, 8001);
    let hundred: Vec<Value> = (0..100).map(|_| json!({"phoneNumber": MERLA})).collect();
    assert_eq!(env.post("/v3/identity/batch", json!({"items": hundred})).await.0, 200);
}

#[tokio::test]
async fn batch_get_pagination() {
    let env = Env::new().await;
    let mut all = Vec::new();
    for i in 0..25 {
        all.push(enroll(&env, "2001004035", &format!("c-{i}")).await);
    }
    env.post(&format!("/v3/identity/{}/deactivate", all[3]), json!({})).await;
    // Pages of 10; walk with startKey.
    let mut seen = Vec::new();
    let mut start: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &start {
            Some(k) => format!("/v3/identity?limit=10&startKey={k}"),
            None => "/v3/identity?limit=10".to_string(),
        };
        let (st, v) = env.get(&path).await;
        assert_eq!(st, 200);
        pages += 1;
        seen.extend(v["results"].as_array().unwrap().iter().map(|r| r["proveId"].as_str().unwrap().to_string()));
        match v["lastKey"].as_str() {
            Some(k) => start = Some(k.to_string()),
            None => break,
        }
    }
    let active: Vec<String> = all.iter().enumerate().filter(|(i, _)| *i != 3).map(|(_, id)| id.clone()).collect();
    assert_eq!((pages, seen), (3, active));
    let (_, v) = env.get("/v3/identity?limit=100&showInactive=true").await;
    assert_eq!(v["results"].as_array().map(Vec::len), Some(25));
    assert!(v.get("lastKey").is_none());
    let (_, v) = env.get("/v3/identity?limit=5").await;
    assert_eq!(v["results"].as_array().map(Vec::len), Some(5));
    // Item 3 is inactive, so the fifth active identity is all[5].
    assert_eq!(v["lastKey"], all[5].as_str());
    assert_error(&env.get("/v3/identity?limit=101").await, 400, 8001);
    assert_error(&env.get("/v3/identity?limit=zero").await, 400, 8001);
    assert_error(&env.get("/v3/identity?showInactive=maybe").await, 400, 8001);
    assert_error(&env.get("/v3/identity?startKey=nope").await, 400, 8001);
}

#[tokio::test]
async fn batch_get_default_page_is_100_as_documented() {
    let env = Env::new().await;
    // (Without clientCustomerIds: a request body over 4 KB is refused.)
    let hundred: Vec<Value> = (0..100).map(|_| json!({"phoneNumber": MERLA})).collect();
    assert_eq!(env.post("/v3/identity/batch", json!({"items": hundred})).await.0, 200);
    for i in 100..105 {
        enroll(&env, "2001004035", &format!("c-{i}")).await;
    }
    let (st, v) = env.get("/v3/identity").await;
    assert_eq!(st, 200);
    assert_eq!(v["results"].as_array().map(Vec::len), Some(100), "Prove's documented default limit");
    let key = v["lastKey"].as_str().expect("105 identities: more than one default page").to_string();
    let (_, v) = env.get(&format!("/v3/identity?startKey={key}")).await;
    assert_eq!(v["results"].as_array().map(Vec::len), Some(5));
    assert!(v.get("lastKey").is_none());
}

#[tokio::test]
async fn created_at_is_in_seconds() {
    let env = Env::new().await;
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let id = enroll(&env, MERLA, "c-time").await;
    let after = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (_, v) = env.get(&format!("/v3/identity/{id}")).await;
    let created = v["createdAt"].as_i64().expect("createdAt is an integer");
    // Seconds since the epoch (like Prove's example 1747671792), not milliseconds.
    assert!((before - 1..=after + 1).contains(&created), "createdAt {created} not in [{before}, {after}]");
    let (_, l) = env.get(&format!("/v3/identity/{MERLA}/lookup")).await;
    assert_eq!(l["items"][0]["createdAt"], created);
}

#[tokio::test]
async fn batch_enroll_item_shapes_are_told_apart() {
    let env = Env::new().await;
    // A cross-domain item lacking one of its fields names that field, not phoneNumber.
    for (item, missing) in [
        (json!({"clientName": "other", "identityId": "x"}), "items[0].pcid"),
        (json!({"identityId": "x", "pcid": "p"}), "items[0].clientName"),
        (json!({"clientName": "other", "pcid": "p"}), "items[0].identityId"),
        (json!({"clientName": "other", "identityId": "", "pcid": "p"}), "items[0].identityId"),
        (json!({"deviceId": "d"}), "items[0].phoneNumber"),
    ] {
        let (st, v) = env.post("/v3/identity/batch", json!({"items": [item]})).await;
        assert_eq!(st, 400, "{v}");
        assert_eq!(v, json!({"code": 1001, "message": format!("field '{missing}' is missing")}));
    }
}

#[tokio::test]
async fn cross_domain() {
    let env = Env::new().await;
    let id = enroll(&env, MERLA, "a").await;
    let (st, v) = env.post(&format!("/v3/identity/{id}/cross-domain"), json!({"clientRequestId": "x"})).await;
    assert_eq!(st, 200);
    assert_eq!((v["count"].as_i64(), v["identities"].as_array().map(Vec::len)), (Some(0), Some(0)));
    assert_error(
        &env.post("/v3/identity/0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b/cross-domain", json!({})).await,
        404,
        8011,
    );
}
