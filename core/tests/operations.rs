//! The operations not already walked through by the guide flows (identity data, cross-domain,
//! domains, Prove Auth), each with a success path and an error path, plus the JSON dispatch entry
//! point. Everything goes over HTTP to the sandbox.
mod api_support;

use api_support::{assert_kind, model, rid, setup};
use prove_core::api::ReadOptions;
use prove_core::dispatch::{call_json, methods};
use prove_core::models::*;
use prove_core::ErrorKind;
use serde_json::json;

async fn prove_id_of_verified_user(client: &prove_core::Client) -> String {
    let v = client
        .verified_users()
        .verify(&model(json!({"verificationType": "verifiedUser", "phoneNumber": "2001004053",
            "firstName": "Elena", "lastName": "Coldman"})))
        .await
        .expect("verify");
    v.prove_id.expect("verify returns a proveId")
}

#[tokio::test]
async fn identity_data_discover_and_fetch() {
    let (_sandbox, client) = setup().await;
    let prove_id = prove_id_of_verified_user(&client).await;
    let data = client.identity_data();
    let d = data.discover(&prove_id, &ReadOptions::with_client_request_id(rid())).await.expect("discover");
    let results = d.results.unwrap_or_default();
    assert!(results.len() >= 2, "attributes are discoverable");
    // Attribute ids are UUIDs, as Prove documents them; each fetches its own value.
    let mut values = Vec::new();
    for r in &results {
        let attr = r.attribute_id.clone().expect("attributeId");
        assert!(prove_core::validate::is_uuid(&attr), "attributeId {attr} is a UUID");
        let f = data.fetch(&prove_id, &attr, &ReadOptions::default()).await.expect("fetch");
        assert_eq!(f.results.len(), 1);
        assert_eq!(f.results[0].attribute_id, attr);
        values.push(f.results[0].attribute_value.clone());
    }
    assert!(values.iter().any(|v| v == "Elena") && values.iter().any(|v| v == "2001004053"), "{}", values.len());

    // An attribute name is not an attribute id (400 from Prove's side); an unknown UUID is 404.
    let e = data.fetch(&prove_id, "firstName", &ReadOptions::default()).await.unwrap_err();
    assert_kind(&e, ErrorKind::Validation);
    assert_eq!(e.status, Some(400));
    let e = data.fetch(&prove_id, "0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", &ReadOptions::default()).await.unwrap_err();
    assert_kind(&e, ErrorKind::NotFound);
    let e = data.discover("00000000-0000-4000-8000-000000000000", &ReadOptions::default()).await.unwrap_err();
    assert_kind(&e, ErrorKind::NotFound);
}

#[tokio::test]
async fn identity_cross_domain() {
    let (_sandbox, client) = setup().await;
    let im = client.identity_manager();
    let id = im.enroll(&model(json!({"phoneNumber": "2001004031"}))).await.expect("enroll").prove_id;
    let x = im.cross_domain(&id, &CrossDomainIdentityRequest::default()).await.expect("cross-domain");
    assert_eq!(x.count, x.identities.len() as i64);
    let e = im
        .cross_domain("00000000-0000-4000-8000-000000000000", &CrossDomainIdentityRequest::default())
        .await
        .unwrap_err();
    assert_kind(&e, ErrorKind::NotFound);
}

#[tokio::test]
async fn domain_operations() {
    let (_sandbox, client) = setup().await;
    let dom = client.domain();
    let me = dom.id().await.expect("domain id");
    assert!(!me.pcid.is_empty());
    let linked = dom.linked().await.expect("linked");
    assert!(linked.linked_to.unwrap_or_default().is_empty());

    // Linking to oneself is refused; confirming a request nobody sent too.
    let e = dom.link(&model(json!({"pcid": me.pcid}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::Validation);
    assert_eq!(e.status, Some(400));
    let e = dom.confirm_link(&model(json!({"pcid": "pcid-unknown"}))).await.unwrap_err();
    assert_eq!(e.status.map(|s| (400..500).contains(&s)), Some(true), "{e}");

    // A request to another domain, visible in `linked`, then withdrawn.
    dom.link(&model(json!({"pcid": "pcid-partner", "scopes": ["identity"]}))).await.expect("link");
    let linked = dom.linked().await.expect("linked");
    assert_eq!(linked.requests_to.map(|r| r.len()), Some(1));
    let u = dom.unlink(&model(json!({"pcidTo": "pcid-partner"}))).await.expect("unlink");
    assert!(u.success);
}

#[tokio::test]
async fn prove_auth_start_continue_finish() {
    let (_sandbox, client) = setup().await;
    let auth = client.auth();
    let s = auth
        .start(&model(json!({"requestId": rid(), "subjects": {"mobile": {"authenticators": {"otp": {"messageText": "#### is your code"}}}}})))
        .await
        .expect("start");
    assert!(!s.auth_id.is_empty());
    let c = auth
        .continue_auth(&model(json!({"authId": s.auth_id, "requestId": rid(),
            "subjects": {"mobile": {"claim": {"mobileNumber": "2001004014"}}}})))
        .await
        .expect("continue");
    assert_eq!(c.subjects.mobile.map(|m| m.success), Some(true));
    let f = auth.finish(&model(json!({"authId": s.auth_id}))).await.expect("finish");
    assert_eq!(f.auth_id, s.auth_id);
    assert!(f.subjects.mobile.is_some());

    let e = auth.finish(&model(json!({"authId": "no-such-auth"}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::Validation);
    assert_eq!(e.status, Some(400));
}

#[tokio::test]
async fn dispatch_json_entry_point() {
    let (sandbox, client) = setup().await;
    let start = call_json(&client, "flow.start", json!({"flowType": "mobile", "phoneNumber": "2001001695"}))
        .await
        .expect("flow.start");
    let cid = start["correlationId"].as_str().expect("correlationId").to_owned();
    let v = call_json(&client, "flow.validate", json!({"correlationId": cid})).await.expect("flow.validate");
    assert_eq!(v["success"], json!(true));
    assert!(v["next"]["v3-challenge"].is_string());

    let id = call_json(&client, "domain.id", serde_json::Value::Null).await.expect("domain.id");
    assert!(id["pcid"].is_string());

    let enrolled =
        call_json(&client, "identityManager.enroll", json!({"phoneNumber": "2001004035"})).await.expect("enroll");
    let pid = enrolled["proveId"].as_str().expect("proveId").to_owned();
    let got = call_json(&client, "identityManager.get", json!({"proveId": pid})).await.expect("get");
    assert_eq!(got["proveId"], json!(pid));
    let all = call_json(&client, "identityManager.listAll", json!({"limit": 1})).await.expect("listAll");
    assert_eq!(all["results"].as_array().map(Vec::len), Some(1));

    let before = sandbox.counters().total_requests;
    let e = call_json(&client, "flow.nope", json!({})).await.unwrap_err();
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("method")));
    let e = call_json(&client, "identityManager.get", json!({"proveId": pid, "typo": 1})).await.unwrap_err();
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("typo")));
    let e = call_json(&client, "flow.start", json!({"phoneNumber": "2001001695"})).await.unwrap_err();
    assert_eq!(e.field.as_deref(), Some("flowType"));
    assert_eq!(sandbox.counters().total_requests, before, "bad input never reaches the sandbox");

    // Every listed method is known to call_json: with empty input it fails on the input, never on
    // the method name, and never reaches the network.
    for m in methods() {
        let r = call_json(&client, m.name, json!({"__unknown_field__": 1})).await;
        if let Err(e) = r {
            assert_ne!(e.field.as_deref(), Some("method"), "{} is not dispatched", m.name);
        }
    }
}
