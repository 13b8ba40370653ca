//! Guide flows 1 and 2: Pre-Fill with challenge, and Prove Identity without challenge, end to end
//! against the sandbox over HTTP.
mod api_support;

use api_support::{assert_kind, model, possess, setup};
use prove_core::models::*;
use prove_core::ErrorKind;
use serde_json::json;

#[tokio::test]
async fn prefill_with_challenge_short_term_user() {
    let (_sandbox, client) = setup().await;
    let flow = client.flow();
    let start = flow.start(&model(json!({"flowType": "mobile", "phoneNumber": "2001001695"}))).await.expect("start");
    assert!(prove_core::validate::is_uuid(&start.correlation_id));
    assert!(!start.auth_token.is_empty());
    assert!(start.next.allows(&NextStep::Validate), "{:?}", start.next);

    let v = flow.validate(&model(json!({"correlationId": start.correlation_id}))).await.expect("validate");
    assert!(v.success, "short-term user validates without the client SDK");
    assert!(v.challenge_missing, "no dob/ssn was sent on start");
    assert!(v.next.allows(&NextStep::Challenge), "{:?}", v.next);

    let c = flow
        .challenge(&model(json!({"correlationId": start.correlation_id, "dob": "1981-01-17"})))
        .await
        .expect("challenge");
    assert!(c.success);
    assert!(c.next.allows(&NextStep::Complete));
    let ind = c.individual.expect("challenge returns the individual");
    assert_eq!(ind.first_name.as_deref(), Some("Milo"));
    assert_eq!(ind.last_name.as_deref(), Some("Pinson"));

    let done = flow
        .complete(&model(json!({"correlationId": start.correlation_id,
            "individual": {"firstName": ind.first_name, "lastName": ind.last_name, "dob": "1981-01-17", "ssn": "847350596"}})))
        .await
        .expect("complete");
    assert!(done.success);
    assert!(done.next.is_done(), "{:?}", done.next);

    // The session is finished: another validate is out of order.
    let e = flow.validate(&model(json!({"correlationId": start.correlation_id}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::StepOutOfOrder);
    assert_eq!(e.correlation_id.as_deref(), Some(start.correlation_id.as_str()));
}

#[tokio::test]
async fn prefill_with_possession_for_a_regular_user() {
    let (sandbox, client) = setup().await;
    let flow = client.flow();
    // Marcia (2001001693) is not a short-term user: validate fails until the client SDK's
    // possession check (here the sandbox control) succeeded.
    let start = flow
        .start(&model(json!({"flowType": "desktop", "phoneNumber": "2001001693",
            "finalTargetUrl": "https://www.example.com/done", "ssn": "470806227"})))
        .await
        .expect("start");
    possess(&sandbox, &start.correlation_id, "success", None);
    let v = flow.validate(&model(json!({"correlationId": start.correlation_id}))).await.expect("validate");
    assert!(v.success, "possession completed");
    assert!(!v.challenge_missing, "ssn was sent on start");
    let c = flow.challenge(&model(json!({"correlationId": start.correlation_id}))).await.expect("challenge");
    assert!(c.success);
    let ind = c.individual.expect("individual");
    assert_eq!(ind.first_name.as_deref(), Some("Marcia"));
    let done = flow
        .complete(&model(json!({"correlationId": start.correlation_id,
            "individual": {"firstName": "Marcia", "lastName": "Longo"}})))
        .await
        .expect("complete");
    assert!(done.success);
    assert!(done.next.is_done());
}

#[tokio::test]
async fn prefill_without_possession_fails_validate() {
    let (_sandbox, client) = setup().await;
    let flow = client.flow();
    let start = flow.start(&model(json!({"flowType": "mobile", "phoneNumber": "2001001693"}))).await.expect("start");
    let v = flow.validate(&model(json!({"correlationId": start.correlation_id}))).await.expect("validate");
    assert!(!v.success, "no possession check happened");
}

#[tokio::test]
async fn identity_without_challenge() {
    let (_sandbox, client) = setup().await;
    let flow = client.flow();
    let start = flow.start(&model(json!({"flowType": "mobile", "phoneNumber": "2001004000"}))).await.expect("start");
    let v = flow.validate(&model(json!({"correlationId": start.correlation_id}))).await.expect("validate");
    assert!(v.success);
    assert!(v.next.allows(&NextStep::Complete), "{:?}", v.next);
    assert!(!v.next.allows(&NextStep::Challenge));

    // Challenge is not in `next`: calling it is out of order.
    let e =
        flow.challenge(&model(json!({"correlationId": start.correlation_id, "dob": "1995-07-26"}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::StepOutOfOrder);

    let done = flow
        .complete(&model(json!({"correlationId": start.correlation_id,
            "individual": {"firstName": "Martina", "lastName": "Goodram", "dob": "1995-07-26"}})))
        .await
        .expect("complete");
    assert!(done.success);
    assert!(done.next.is_done());
}

#[tokio::test]
async fn unknown_test_user_is_rejected_by_prove() {
    let (_sandbox, client) = setup().await;
    let e = client.flow().start(&model(json!({"flowType": "mobile", "phoneNumber": "2009999999"}))).await.unwrap_err();
    assert_eq!(e.status, Some(400), "{e}");
    assert!(e.code.is_some());
}

#[tokio::test]
async fn expired_session_means_start_again() {
    let (sandbox, client) = setup().await;
    let flow = client.flow();
    let start = flow.start(&model(json!({"flowType": "mobile", "phoneNumber": "2001001695"}))).await.expect("start");
    // Sessions last 15 minutes on the sandbox clock; the access token lasts an hour.
    sandbox.advance_clock(std::time::Duration::from_secs(16 * 60));
    let e = flow.validate(&model(json!({"correlationId": start.correlation_id}))).await.unwrap_err();
    assert_kind(&e, ErrorKind::StepOutOfOrder);
    assert_eq!(e.code, Some(8008));
    assert_eq!(e.correlation_id.as_deref(), Some(start.correlation_id.as_str()));
}

#[tokio::test]
async fn an_empty_ssn_is_refused_by_the_client_and_by_the_sandbox_alike() {
    let (sandbox, client) = setup().await;
    let flow = client.flow();
    let body = json!({"flowType": "mobile", "phoneNumber": "2001001695", "ssn": ""});
    // The typed method refuses it before the network...
    let e = flow.start(&model(body.clone())).await.unwrap_err();
    assert_eq!((e.kind, e.field.as_deref(), e.status), (ErrorKind::Validation, Some("ssn"), None));
    assert_eq!(sandbox.counters().total_requests, 0);
    // ...and sent anyway (as the official SDKs would), the sandbox answers 400 code 8001.
    let e = client.raw_call::<StartResponse>(&prove_core::ops::START, &[], &[], Some(&body)).await.unwrap_err();
    assert_kind(&e, ErrorKind::Validation);
    assert_eq!((e.status, e.code), (Some(400), Some(8001)));
    // Leaving the field out is how "no SSN" is said.
    let start = flow.start(&model(json!({"flowType": "mobile", "phoneNumber": "2001001695"}))).await.expect("start");
    assert!(!start.correlation_id.is_empty());
}
