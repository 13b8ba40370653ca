//! Guide flow 4: Unified Authentication — desktop (Instant Link), mobile (OTP fallback, then a
//! second run by Prove Key), customer-supplied possession (`none` → `possession_required` → bind),
//! and revoking the Prove Key.
mod api_support;

use api_support::{assert_kind, model, possess, rid, setup};
use prove_core::models::*;
use prove_core::ErrorKind;
use serde_json::json;

#[tokio::test]
async fn unify_desktop_instant_link() {
    let (sandbox, client) = setup().await;
    let u = client
        .unify()
        .unify(&model(json!({"possessionType": "desktop", "phoneNumber": "2001004014",
            "finalTargetUrl": "https://www.example.com", "clientRequestId": rid()})))
        .await
        .expect("unify");
    assert_eq!(u.success, SuccessStatus::Pending);
    assert!(u.auth_token.is_some());
    let st = client.unify().status(&model(json!({"correlationId": u.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::Pending);
    possess(&sandbox, &u.correlation_id, "success", None);
    let st = client.unify().status(&model(json!({"correlationId": u.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::True);
    assert!(st.prove_id.is_some());
    assert_eq!(st.device_id, None, "no Prove Key on desktop");
}

#[tokio::test]
async fn unify_mobile_otp_then_prove_key_then_revoke() {
    let (sandbox, client) = setup().await;
    let un = client.unify();
    let first = un
        .unify(&model(json!({"possessionType": "mobile", "phoneNumber": "2001004014",
            "allowOTPRetry": true, "clientRequestId": rid()})))
        .await
        .expect("unify");
    assert_eq!(first.success, SuccessStatus::Pending);
    // OTP fallback: a wrong code first (retry allowed), then the sandbox code.
    let _ = sandbox.possession(&first.correlation_id, "otp", Some("0000"));
    possess(&sandbox, &first.correlation_id, "otp", Some("1234"));
    let st = un.status(&model(json!({"correlationId": first.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::True);
    let device_id = st.device_id.clone().expect("a Prove Key is placed on mobile");
    let prove_id = st.prove_id.clone().expect("proveId");

    // Second run on the same device: authenticated by the Prove Key, no OTP.
    let second = un
        .unify(&model(json!({"possessionType": "mobile", "phoneNumber": "2001004014",
            "deviceId": device_id, "clientRequestId": rid()})))
        .await
        .expect("unify again");
    let st2 = un.status(&model(json!({"correlationId": second.correlation_id}))).await.expect("status");
    assert_eq!(st2.success, SuccessStatus::True);
    assert_eq!(st2.device_id.as_deref(), Some(device_id.as_str()));
    assert_eq!(st2.prove_id.as_deref(), Some(prove_id.as_str()), "the Prove ID is reused");

    // Revoke the key; revoking it again is NotFound.
    let r =
        client.device().revoke(&model(json!({"deviceId": device_id, "clientRequestId": rid()}))).await.expect("revoke");
    assert!(r.success);
    let e = client.device().revoke(&model(json!({"deviceId": device_id, "clientRequestId": rid()}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::NotFound);
}

#[tokio::test]
async fn unify_customer_supplied_possession_then_bind() {
    let (_sandbox, client) = setup().await;
    let un = client.unify();
    let u = un
        .unify(&model(json!({"possessionType": "none", "phoneNumber": "2001004014", "clientRequestId": rid()})))
        .await
        .expect("unify");
    // Binding before status said possession_required is out of order.
    let e = un.bind(&model(json!({"correlationId": u.correlation_id, "phoneNumber": "2001004014"}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::StepOutOfOrder);

    let st = un.status(&model(json!({"correlationId": u.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::PossessionRequired);
    // (Your own possession check, e.g. your OTP, happens here.)
    let b = un
        .bind(&model(json!({"correlationId": u.correlation_id, "phoneNumber": "2001004014", "clientRequestId": rid()})))
        .await
        .expect("bind");
    assert_eq!(b.success, SuccessStatus::True);
    assert!(b.prove_id.is_some());
    assert!(b.device_id.is_some(), "the Prove Key is bound");
}

#[tokio::test]
async fn unify_short_term_user_needs_no_client_sdk() {
    let (_sandbox, client) = setup().await;
    let u = client
        .unify()
        .unify(&model(json!({"possessionType": "mobile", "phoneNumber": "2001004018", "clientRequestId": rid()})))
        .await
        .expect("unify");
    let st = client.unify().status(&model(json!({"correlationId": u.correlation_id}))).await.expect("status");
    assert_eq!(st.success, SuccessStatus::True);
    assert_eq!(st.device_id, None, "short-term users get no Prove Key");
}
