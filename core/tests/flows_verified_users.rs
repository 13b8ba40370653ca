//! Guide flow 3: Verified Users, with possession (pending → possession → verify-status), without
//! (`none`), and the current `verificationType` form.
mod api_support;

use api_support::{model, possess, rid, setup};
use prove_core::models::*;
use serde_json::json;

async fn with_possession(kind: &str, extra: serde_json::Value) {
    let (sandbox, client) = setup().await;
    let vu = client.verified_users();
    let mut req = json!({"possessionType": kind, "firstName": "Addy", "lastName": "Epinay",
        "phoneNumber": "2001004010", "clientRequestId": rid()});
    if let (Some(r), Some(e)) = (req.as_object_mut(), extra.as_object()) {
        r.extend(e.clone());
    }
    let v = vu.verify_with_possession(&model(req)).await.expect("verify");
    assert_eq!(v.success, SuccessStatus::Pending);
    assert_eq!(v.possession_result, ResultStatus::Pending);
    assert_eq!(v.verify_result, ResultStatus::Pending);
    assert!(v.auth_token.as_deref().is_some_and(|t| !t.is_empty()), "authToken for the client SDK");

    // Before the client SDK ran, the status is still pending.
    let st = vu.verify_status(&model(json!({"correlationId": v.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::Pending);
    assert_eq!(st.possession_result, ResultStatus::Pending);
    // The verification waits for possession: pending too (Verified Users guide).
    assert_eq!(st.verify_result, ResultStatus::Pending);

    possess(&sandbox, &v.correlation_id, "success", None);
    let st = vu.verify_status(&model(json!({"correlationId": v.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::True);
    assert_eq!(st.possession_result, ResultStatus::Success);
    assert_eq!(st.verify_result, ResultStatus::Success);
}

#[tokio::test]
async fn verify_with_possession_mobile() {
    with_possession("mobile", json!({})).await;
}

#[tokio::test]
async fn verify_with_possession_desktop() {
    with_possession("desktop", json!({"finalTargetUrl": "https://www.example.com"})).await;
}

#[tokio::test]
async fn verify_possession_failure_is_reported() {
    let (sandbox, client) = setup().await;
    let vu = client.verified_users();
    let v = vu
        .verify_with_possession(&model(json!({"possessionType": "mobile", "firstName": "Addy",
            "lastName": "Epinay", "phoneNumber": "2001004010"})))
        .await
        .expect("verify");
    possess(&sandbox, &v.correlation_id, "fail", None);
    let st = vu.verify_status(&model(json!({"correlationId": v.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::False);
    assert_eq!(st.possession_result, ResultStatus::Failed);
    // "verifyResult ... not_applicable if possession failed" (Verified Users guide).
    assert_eq!(st.verify_result, ResultStatus::NotApplicable);
    assert!(st.identity_id.is_none());

    // Possession that succeeds for a name that does not match: verification failed.
    let v = vu
        .verify_with_possession(&model(json!({"possessionType": "mobile", "firstName": "Someone",
            "lastName": "Epinay", "phoneNumber": "2001004010"})))
        .await
        .expect("verify");
    let st = vu.verify_status(&model(json!({"correlationId": v.correlation_id}))).await.expect("status");
    assert_eq!(
        (st.success, st.possession_result, st.verify_result),
        (SuccessStatus::Pending, ResultStatus::Pending, ResultStatus::Pending)
    );
    possess(&sandbox, &v.correlation_id, "success", None);
    let st = vu.verify_status(&model(json!({"correlationId": v.correlation_id}))).await.expect("status");
    assert_eq!(
        (st.success, st.possession_result, st.verify_result),
        (SuccessStatus::False, ResultStatus::Success, ResultStatus::Failed)
    );
}

#[tokio::test]
async fn verify_without_possession() {
    let (_sandbox, client) = setup().await;
    let v = client
        .verified_users()
        .verify_with_possession(&model(json!({"possessionType": "none", "firstName": "Sheilakathryn",
            "lastName": "Butrimovich", "phoneNumber": "2001004011"})))
        .await
        .expect("verify");
    assert_eq!(v.success, SuccessStatus::True);
    assert_eq!(v.possession_result, ResultStatus::NotApplicable);
    assert_eq!(v.verify_result, ResultStatus::Success);

    // A user meant to fail verification.
    let v = client
        .verified_users()
        .verify_with_possession(&model(json!({"possessionType": "none", "firstName": "Kurt",
            "lastName": "Mathen", "phoneNumber": "2001004012"})))
        .await
        .expect("verify");
    assert_eq!(v.success, SuccessStatus::False);
    assert_eq!(v.verify_result, ResultStatus::Failed);
}

#[tokio::test]
async fn verify_current_form_and_batch() {
    let (_sandbox, client) = setup().await;
    let vu = client.verified_users();
    let v = vu
        .verify(&model(json!({"verificationType": "verifiedUser", "phoneNumber": "2001004053",
            "firstName": "Elena", "lastName": "Coldman", "clientRequestId": rid()})))
        .await
        .expect("verify");
    assert_eq!(v.success, SuccessStatus::True);
    assert!(prove_core::validate::is_uuid(&v.correlation_id));
    assert_eq!(v.phone_number, "2001004053");

    let b = vu
        .verify_batch(&model(json!({"items": [
            {"verificationType": "verifiedUser", "firstName": "Elena", "lastName": "Coldman", "phoneNumber": "2001004053"},
            {"verificationType": "verifiedUser", "firstName": "Kurt", "lastName": "Mathen", "phoneNumber": "2001004012"}
        ]})))
        .await
        .expect("batch");
    let results = b.results.expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].success, SuccessStatus::True);
    assert_eq!(results[1].success, SuccessStatus::False);
}
