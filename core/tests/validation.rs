//! Every validation rule, through the typed API: a bad input fails with a `Validation` error
//! naming the wire field, and nothing reaches the sandbox (not even a token request).
mod api_support;

use api_support::{model, setup};
use prove_core::api::{BatchGetOptions, ListIdentities, ReadOptions};
use prove_core::models::*;
use prove_core::{ErrorKind, Result};
use serde_json::json;

const CID: &str = "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60";

#[track_caller]
fn expect_field<T: std::fmt::Debug>(r: Result<T>, field: &str) {
    let e = r.expect_err("validation must fail");
    assert_eq!(e.kind, ErrorKind::Validation, "{e}");
    assert_eq!(e.field.as_deref(), Some(field), "{e}");
    assert!(e.message.contains(field), "message names the field: {}", e.message);
    assert_eq!(e.status, None, "raised before the network");
}

fn items(n: usize, item: serde_json::Value) -> serde_json::Value {
    serde_json::Value::Array(vec![item; n])
}

#[tokio::test]
async fn every_rule_rejects_bad_input_before_the_network() {
    let (sandbox, client) = setup().await;
    let flow = client.flow();
    let long_url = format!("https://example.com/{}", "a".repeat(120));

    // start
    let start = |v: serde_json::Value| model::<StartRequest>(v);
    expect_field(flow.start(&start(json!({"flowType": "", "phoneNumber": "2001001695"}))).await, "flowType");
    expect_field(flow.start(&start(json!({"flowType": "tablet", "phoneNumber": "2001001695"}))).await, "flowType");
    expect_field(flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "200-100-1695"}))).await, "phoneNumber");
    expect_field(flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "12345"}))).await, "phoneNumber");
    expect_field(
        flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "+1234567890123456"}))).await,
        "phoneNumber",
    );
    expect_field(
        flow.start(&start(json!({"flowType": "desktop", "phoneNumber": "2001001695"}))).await,
        "finalTargetUrl",
    );
    expect_field(flow.start(&start(json!({"flowType": "desktop"}))).await, "phoneNumber");
    expect_field(
        flow.start(&start(json!({"flowType": "desktop", "phoneNumber": "2001001695", "finalTargetUrl": long_url})))
            .await,
        "finalTargetUrl",
    );
    expect_field(
        flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "2001001695", "dob": "1981-02-30"}))).await,
        "dob",
    );
    expect_field(
        flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "2001001695", "dob": "17-01-1981"}))).await,
        "dob",
    );
    expect_field(
        flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "2001001695", "ssn": "12345"}))).await,
        "ssn",
    );
    expect_field(
        flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "2001001695", "smsMessage": "x".repeat(161)})))
            .await,
        "smsMessage",
    );

    // validate / challenge / complete
    expect_field(flow.validate(&model(json!({"correlationId": ""}))).await, "correlationId");
    expect_field(flow.validate(&model(json!({"correlationId": "not-a-uuid"}))).await, "correlationId");
    expect_field(flow.challenge(&model(json!({"correlationId": CID, "dob": "1981-13"}))).await, "dob");
    expect_field(flow.challenge(&model(json!({"correlationId": CID, "ssn": "84735059a"}))).await, "ssn");
    // An empty ssn is neither the full SSN nor its last 4 digits (Prove's documented rule).
    expect_field(
        flow.start(&start(json!({"flowType": "mobile", "phoneNumber": "2001001695", "ssn": ""}))).await,
        "ssn",
    );
    expect_field(flow.challenge(&model(json!({"correlationId": CID, "ssn": ""}))).await, "ssn");
    expect_field(
        flow.complete(&model(
            json!({"correlationId": CID, "individual": {"firstName": "Milo", "lastName": "Pinson", "ssn": ""}}),
        ))
        .await,
        "individual.ssn",
    );
    expect_field(
        flow.complete(&model(json!({"correlationId": CID, "individual": {"firstName": "Milo"}}))).await,
        "individual",
    );
    expect_field(
        flow.complete(&model(json!({"correlationId": CID, "individual": {"ssn": "847350596", "dob": "02-30"}}))).await,
        "individual.dob",
    );

    // verified users
    let vu = client.verified_users();
    expect_field(
        vu.verify(&model(json!({"verificationType": "", "phoneNumber": "2001004011"}))).await,
        "verificationType",
    );
    expect_field(
        vu.verify(&model(json!({"verificationType": "bogus", "phoneNumber": "2001004011"}))).await,
        "verificationType",
    );
    expect_field(
        vu.verify(&model(json!({"verificationType": "verifiedUser", "phoneNumber": ""}))).await,
        "phoneNumber",
    );
    let legacy = json!({"possessionType": "desktop", "firstName": "A", "lastName": "B", "phoneNumber": "2001004011"});
    expect_field(vu.verify_with_possession(&model(legacy.clone())).await, "finalTargetUrl");
    let mut l2 = legacy.clone();
    l2["possessionType"] = json!("none");
    l2["lastName"] = json!(" ");
    expect_field(vu.verify_with_possession(&model(l2)).await, "lastName");
    expect_field(vu.verify_status(&model(json!({}))).await, "correlationId");
    expect_field(vu.verify_status(&model(json!({"correlationId": "123"}))).await, "correlationId");
    let item =
        json!({"verificationType": "verifiedUser", "firstName": "A", "lastName": "B", "phoneNumber": "2001004011"});
    expect_field(vu.verify_batch(&model(json!({"items": []}))).await, "items");
    expect_field(vu.verify_batch(&model(json!({"items": items(101, item.clone())}))).await, "items");
    let mut bad = item.clone();
    bad["phoneNumber"] = json!("abc");
    expect_field(vu.verify_batch(&model(json!({"items": [item.clone(), bad]}))).await, "items[1].phoneNumber");

    // unify
    let un = client.unify();
    expect_field(
        un.unify(&model(json!({"possessionType": "mobile", "clientRequestId": "", "phoneNumber": "2001004014"}))).await,
        "clientRequestId",
    );
    expect_field(
        un.unify(&model(json!({"possessionType": "desktop", "clientRequestId": "r1", "phoneNumber": "2001004014"})))
            .await,
        "finalTargetUrl",
    );
    expect_field(un.unify(&model(json!({"possessionType": "none", "clientRequestId": "r1"}))).await, "phoneNumber");
    expect_field(
        un.unify(&model(json!({"possessionType": "mobile", "clientRequestId": "r1", "phoneNumber": "2001004014", "smsMessage": "x".repeat(161)}))).await,
        "smsMessage",
    );
    expect_field(un.status(&model(json!({"correlationId": "x"}))).await, "correlationId");
    expect_field(un.bind(&model(json!({"correlationId": CID, "phoneNumber": "+"}))).await, "phoneNumber");

    // device
    expect_field(
        client.device().revoke(&model(json!({"clientRequestId": "", "deviceId": "d"}))).await,
        "clientRequestId",
    );
    expect_field(client.device().revoke(&model(json!({"clientRequestId": "r", "deviceId": ""}))).await, "deviceId");

    // identity manager
    let im = client.identity_manager();
    let none = ReadOptions::default();
    expect_field(im.enroll(&model(json!({"phoneNumber": "20010040x1"}))).await, "phoneNumber");
    expect_field(im.batch_enroll(&model(json!({"items": []}))).await, "items");
    expect_field(
        im.batch_enroll(&model(json!({"items": items(101, json!({"phoneNumber": "2001004031"}))}))).await,
        "items",
    );
    expect_field(
        im.batch_enroll(&model(json!({"items": [{"phoneNumber": "2001004031"}, {"phoneNumber": ""}]}))).await,
        "items[1].phoneNumber",
    );
    expect_field(im.batch_get(&BatchGetOptions { limit: Some(0), ..Default::default() }).await, "limit");
    expect_field(im.batch_get(&BatchGetOptions { limit: Some(101), ..Default::default() }).await, "limit");
    {
        use futures_util::StreamExt;
        let mut s = Box::pin(im.list(ListIdentities { limit: Some(500), ..Default::default() }));
        expect_field(s.next().await.expect("one item").map(|_| ()), "limit");
        assert!(s.next().await.is_none(), "the stream ends after the error");
    }
    expect_field(im.get("", &none).await, "proveId");
    expect_field(im.disenroll(" ", &none).await, "proveId");
    expect_field(im.activate("", &ActivateIdentityRequest::default()).await, "proveId");
    expect_field(im.deactivate("", &DeactivateIdentityRequest::default()).await, "proveId");
    expect_field(im.cross_domain("", &CrossDomainIdentityRequest::default()).await, "identityId");
    expect_field(im.lookup_by_phone("2001/004031", &none).await, "mobileNumber");

    // identity data
    expect_field(client.identity_data().discover("", &none).await, "proveId");
    expect_field(client.identity_data().fetch("p", "", &none).await, "attributeId");

    // domain
    expect_field(client.domain().link(&model(json!({"pcid": ""}))).await, "pcid");
    expect_field(client.domain().confirm_link(&model(json!({"pcid": " "}))).await, "pcid");
    expect_field(client.domain().unlink(&model(json!({}))).await, "pcidFrom");

    // auth
    let auth = client.auth();
    expect_field(auth.start(&model(json!({"requestId": "", "subjects": {"mobile": {}}}))).await, "requestId");
    expect_field(auth.start(&model(json!({"requestId": "has space", "subjects": {"mobile": {}}}))).await, "requestId");
    expect_field(auth.start(&model(json!({"requestId": "r1", "subjects": {}}))).await, "subjects");
    expect_field(
        auth.continue_auth(&model(json!({"authId": "a", "requestId": "r1", "subjects": {}}))).await,
        "subjects.mobile.claim.mobileNumber",
    );
    expect_field(auth.finish(&model(json!({"authId": ""}))).await, "authId");

    let c = sandbox.counters();
    assert_eq!(c.total_requests, 0, "no API request may reach the sandbox: {:?}", c.requests_by_path);
    assert_eq!(c.token_requests, 0, "validation runs before any token request");
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn valid_edge_values_pass_validation() {
    // Boundary values that must be accepted: they reach the sandbox (whatever it answers).
    let (sandbox, client) = setup().await;
    let url128 = format!("https://e.com/{}", "a".repeat(128 - 14));
    assert_eq!(url128.len(), 128);
    let r = client
        .flow()
        .start(&model(json!({"flowType": "desktop", "phoneNumber": "+12001001695", "finalTargetUrl": url128,
            "dob": "02-29", "ssn": "0596", "smsMessage": "x".repeat(160)})))
        .await;
    if let Err(e) = &r {
        assert_ne!(e.status, None, "must not fail validation: {e}");
    }
    let c = sandbox.counters();
    assert_eq!(c.requests_by_path.get("/v3/start").copied(), Some(1), "{:?}", c.requests_by_path);
}
