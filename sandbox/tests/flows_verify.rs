//! Verified Users: both forms of `/v3/verify`, `/v3/verify-status` and `/v3/verify/batch`.
mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn verify_with_possession_then_status() {
    let env = Env::new().await;
    let body = json!({"possessionType": "desktop", "firstName": "Elena", "lastName": "Coldman", "phoneNumber": ELENA, "finalTargetUrl": "https://www.example.com"});
    let (st, v) = env.post("/v3/verify", body).await;
    assert_eq!(st, 200);
    assert_eq!(
        (v["success"].as_str(), v["possessionResult"].as_str(), v["verifyResult"].as_str()),
        (Some("pending"), Some("pending"), Some("pending"))
    );
    assert!(v["authToken"].is_string());
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": id})).await;
    // The Verified Users guide: verifyResult is pending until the checks complete.
    assert_eq!(
        (s["success"].as_str(), s["possessionResult"].as_str(), s["verifyResult"].as_str()),
        (Some("pending"), Some("pending"), Some("pending"))
    );
    assert!(s.get("evaluation").is_none() && s.get("identityId").is_none());
    env.possession(&id, "success", None).await;
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": id})).await;
    assert_eq!(
        (s["success"].as_str(), s["possessionResult"].as_str(), s["verifyResult"].as_str()),
        (Some("true"), Some("success"), Some("success"))
    );
    assert!(s["identityId"].is_string());

    // Short-term user: no client needed.
    let (_, v) = env.post("/v3/verify", json!({"possessionType": "mobile", "firstName": "Sheilakathryn", "lastName": "Butrimovich", "phoneNumber": SHEILA})).await;
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": v["correlationId"]})).await;
    assert_eq!(s["success"], "true");

    // The client never ran within the window: false.
    let (_, v) = env
        .post(
            "/v3/verify",
            json!({"possessionType": "mobile", "firstName": "Elena", "lastName": "Coldman", "phoneNumber": ELENA}),
        )
        .await;
    env.sb.advance_clock(std::time::Duration::from_secs(180));
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": v["correlationId"]})).await;
    assert_eq!(
        (s["success"].as_str(), s["possessionResult"].as_str(), s["verifyResult"].as_str()),
        (Some("false"), Some("failed"), Some("not_applicable"))
    );
    assert_eq!(s["evaluation"], json!({"authentication": {"result": "fail"}}));

    // A name that does not match: still pending while possession is, then failed verification.
    let (_, v) = env
        .post(
            "/v3/verify",
            json!({"possessionType": "mobile", "firstName": "Someone", "lastName": "Coldman", "phoneNumber": ELENA}),
        )
        .await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": id})).await;
    assert_eq!(
        (s["success"].as_str(), s["possessionResult"].as_str(), s["verifyResult"].as_str()),
        (Some("pending"), Some("pending"), Some("pending"))
    );
    env.possession(&id, "success", None).await;
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": id})).await;
    assert_eq!(
        (s["success"].as_str(), s["possessionResult"].as_str(), s["verifyResult"].as_str()),
        (Some("false"), Some("success"), Some("failed"))
    );
    assert_eq!(s["evaluation"]["identification"]["result"], "fail");
}

#[tokio::test]
async fn verify_without_possession_and_failures() {
    let env = Env::new().await;
    let body = json!({"possessionType": "none", "firstName": "Sheilakathryn", "lastName": "Butrimovich", "phoneNumber": SHEILA, "finalTargetUrl": "https://www.example.com"});
    let (st, v) = env.post("/v3/verify", body).await;
    assert_eq!(st, 200);
    assert_eq!(
        (v["success"].as_str(), v["possessionResult"].as_str(), v["verifyResult"].as_str()),
        (Some("true"), Some("not_applicable"), Some("success"))
    );
    assert!(v.get("authToken").is_none());
    // Wrong name.
    let (_, v) = env
        .post(
            "/v3/verify",
            json!({"possessionType": "none", "firstName": "Someone", "lastName": "Butrimovich", "phoneNumber": SHEILA}),
        )
        .await;
    assert_eq!((v["success"].as_str(), v["verifyResult"].as_str()), (Some("false"), Some("failed")));
    // Kurt Mathen fails verification; Janek Ambrogio fails possession even after the client ran.
    let (_, v) = env
        .post(
            "/v3/verify",
            json!({"possessionType": "none", "firstName": "Kurt", "lastName": "Mathen", "phoneNumber": "2001004012"}),
        )
        .await;
    assert_eq!(v["success"], "false");
    let (_, v) = env.post("/v3/verify", json!({"possessionType": "mobile", "firstName": "Janek", "lastName": "Ambrogio", "phoneNumber": "2001004013"})).await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, p) = env.possession(&id, "success", None).await;
    assert_eq!(p["possession"], "failed");
    let (_, s) = env.post("/v3/verify-status", json!({"correlationId": id})).await;
    // The Verified Users guide: verifyResult is not_applicable when possession failed.
    assert_eq!(
        (s["success"].as_str(), s["possessionResult"].as_str(), s["verifyResult"].as_str()),
        (Some("false"), Some("failed"), Some("not_applicable"))
    );
    // Validation.
    assert_error(
        &env.post(
            "/v3/verify",
            json!({"possessionType": "desktop", "firstName": "E", "lastName": "C", "phoneNumber": ELENA}),
        )
        .await,
        400,
        1001,
    );
    assert_error(
        &env.post("/v3/verify", json!({"possessionType": "mobile", "lastName": "C", "phoneNumber": ELENA})).await,
        400,
        1001,
    );
    assert_error(
        &env.post(
            "/v3/verify",
            json!({"possessionType": "tablet", "firstName": "E", "lastName": "C", "phoneNumber": ELENA}),
        )
        .await,
        400,
        8001,
    );
    assert_error(
        &env.post(
            "/v3/verify",
            json!({"possessionType": "none", "firstName": "Milo", "lastName": "Pinson", "phoneNumber": MILO}),
        )
        .await,
        403,
        8009,
    );
    assert_error(&env.post("/v3/verify-status", json!({})).await, 400, 1001);
    assert_error(
        &env.post("/v3/verify-status", json!({"correlationId": "0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})).await,
        400,
        8008,
    );
    // A Pre-Fill session is not a Verify session.
    let (_, v) = env.post("/v3/start", json!({"flowType": "mobile", "phoneNumber": MILO})).await;
    assert_error(&env.post("/v3/verify-status", json!({"correlationId": v["correlationId"]})).await, 403, 1003);
}

#[tokio::test]
async fn verify_current_form() {
    let env = Env::new().await;
    let (st, v) = env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": ELENA, "firstName": "Elena", "lastName": "Coldman", "clientRequestId": "r-1"})).await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], "true");
    assert_eq!(v["identity"]["firstName"], "Elena");
    assert_eq!(v["identity"]["reasons"].as_array().map(|a| !a.is_empty()), Some(true));
    assert_eq!(v["evaluation"]["risk"]["result"], "pass");
    assert_eq!(v["isEnrolled"], true);
    assert_eq!(v["clientRequestId"], "r-1");
    assert_eq!(v["phoneNumber"], ELENA);
    let prove_id = v["proveId"].as_str().unwrap().to_string();
    // Same phone, same Prove ID; the enrolment is visible to Identity Manager.
    let (_, v2) = env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": ELENA})).await;
    assert_eq!(v2["proveId"], prove_id.as_str());
    let (_, l) = env.get(&format!("/v3/identity/{ELENA}/lookup")).await;
    assert_eq!(l["items"].as_array().map(Vec::len), Some(1));
    // prefill type carries details.
    let (_, v) = env.post("/v3/verify", json!({"verificationType": "prefill", "phoneNumber": SHEILA})).await;
    assert_eq!(v["identity"]["dateOfBirth"], "1974-12-09");
    assert_eq!(v["identity"]["addresses"][0]["zipCode"], "15205");
    // Failures.
    let (_, v) = env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": ELENA, "firstName": "Elena", "lastName": "Smith"})).await;
    assert_eq!(v["success"], "false");
    assert!(v.get("identity").is_none());
    assert_eq!(v["evaluation"]["identification"]["result"], "fail");
    let (_, v) =
        env.post("/v3/verify", json!({"verificationType": "humanAssurance", "phoneNumber": "2001004013"})).await;
    assert_eq!(
        (v["success"].as_str(), v["evaluation"]["authentication"]["result"].as_str()),
        (Some("false"), Some("fail"))
    );
    let res = env.post("/v3/verify", json!({"phoneNumber": ELENA})).await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'verificationType' is missing"}));
    assert_error(&env.post("/v3/verify", json!({"verificationType": "robot", "phoneNumber": ELENA})).await, 400, 8001);
    assert_error(
        &env.post("/v3/verify", json!({"verificationType": "bot", "phoneNumber": "2005550199"})).await,
        400,
        8001,
    );
    assert_error(
        &env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": "2005550199"})).await,
        400,
        8007,
    );
    assert_error(
        &env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": 2001004053u64})).await,
        400,
        8001,
    );
    // International short-term user.
    let (_, v) = env.post("/v3/verify", json!({"verificationType": "verifiedUser", "phoneNumber": "+447968900002", "firstName": "Rozella", "lastName": "Kimpton"})).await;
    assert_eq!(v["success"], "true");
}

#[tokio::test]
async fn verify_batch() {
    let env = Env::new().await;
    let items = json!([
        {"firstName": "Elena", "lastName": "Coldman", "phoneNumber": ELENA, "verificationType": "verifiedUser", "clientCustomerId": "c-1"},
        {"firstName": "Kurt", "lastName": "Mathen", "phoneNumber": "2001004012", "verificationType": "verifiedUser"},
        {"firstName": "No", "lastName": "Body", "phoneNumber": "2005550199", "verificationType": "verifiedUser"}
    ]);
    let (st, v) = env.post("/v3/verify/batch", json!({"items": items, "clientRequestId": "batch-1"})).await;
    assert_eq!(st, 200);
    assert!(v["correlationId"].is_string());
    assert_eq!(v["clientRequestId"], "batch-1");
    let r = v["results"].as_array().unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!((r[0]["success"].as_str(), r[0]["clientCustomerId"].as_str()), (Some("true"), Some("c-1")));
    assert_eq!((r[1]["success"].as_str(), r[1]["assuranceLevel"].as_str()), (Some("false"), Some("AL-1")));
    assert_eq!(r[2]["error"], "no test user found matching the phone number");
    assert_error(&env.post("/v3/verify/batch", json!({})).await, 400, 1001);
    let res = env
        .post(
            "/v3/verify/batch",
            json!({"items": [{"lastName": "C", "phoneNumber": ELENA, "verificationType": "verifiedUser"}]}),
        )
        .await;
    assert_eq!(res.1["message"], "field 'items[0].firstName' is missing");
    let many: Vec<_> = (0..101).map(|_| json!({"firstName": "Elena", "lastName": "Coldman", "phoneNumber": ELENA, "verificationType": "verifiedUser"})).collect();
    assert_error(&env.post("/v3/verify/batch", json!({"items": many})).await, 400, 8001);
}
