//! Pre-Fill (start → validate → challenge → complete) and Prove Identity (start → validate →
//! complete) against the sandbox over HTTP.
mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

async fn start(env: &Env, phone: &str, extra: Value) -> (u16, Value) {
    let mut body = json!({"flowType": "mobile", "phoneNumber": phone});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    env.post("/v3/start", body).await
}

async fn cid(env: &Env, phone: &str) -> String {
    let (st, v) = start(env, phone, json!({})).await;
    assert_eq!(st, 200, "{v}");
    v["correlationId"].as_str().expect("correlationId").to_string()
}

#[tokio::test]
async fn prefill_with_challenge_short_term_user() {
    let env = Env::new().await;
    let (st, v) = start(&env, MILO, json!({"finalTargetUrl": "https://prove.com"})).await;
    assert_eq!(st, 200);
    assert_eq!(v["next"], json!({"v3-validate": "/v3/validate"}));
    assert_eq!(v["authToken"].as_str().map(|t| t.split('.').count()), Some(3));
    let id = v["correlationId"].as_str().unwrap().to_string();

    let (st, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], json!(true));
    assert_eq!(v["challengeMissing"], json!(true));
    assert_eq!(v["next"], json!({"v3-challenge": "/v3/challenge"}));
    assert_eq!(v["phoneNumber"], json!(MILO));

    let (st, v) = env.post("/v3/challenge", json!({"correlationId": id, "dob": "1981-01-17"})).await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], json!(true));
    assert_eq!(v["next"], json!({"v3-complete": "/v3/complete"}));
    let ind = v["individual"].clone();
    assert_eq!(ind["firstName"], "Milo");
    assert_eq!(ind["lastName"], "Pinson");
    assert_eq!(ind["dob"], "1981-01-17");
    assert_eq!(ind["ssn"], "847350596");
    assert_eq!(ind["emailAddresses"], json!(["mpinsonm@dyndns.org"]));
    assert_eq!(ind["addresses"][0]["postalCode"], "80161-2001");
    assert!(ind["addresses"][0].get("extendedAddress").is_none());

    // Unchanged data: no change detected.
    let (st, v) = env.post("/v3/complete", json!({"correlationId": id, "individual": ind})).await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], json!(true));
    assert_eq!(v["changeDetected"], json!(false));
    assert_eq!(v["next"], json!({"done": "done"}));

    // The flow is over.
    assert_error(
        &env.post("/v3/complete", json!({"correlationId": id, "individual": {"ssn": "847350596"}})).await,
        403,
        1003,
    );
    let res = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(res.1, json!({"code": 1003, "message": "step not allowed"}));
}

#[tokio::test]
async fn prefill_change_detected_and_identity_mismatch() {
    let env = Env::new().await;
    let (_, v) = start(&env, MILO, json!({"ssn": "0596"})).await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["challengeMissing"], json!(false));
    // ssn from Start is enough for Challenge.
    let (st, v) = env.post("/v3/challenge", json!({"correlationId": id})).await;
    assert_eq!((st, &v["success"]), (200, &json!(true)));
    let mut ind = v["individual"].clone();
    ind["addresses"][0]["address"] = json!("1 Other Street");
    let (_, v) = env.post("/v3/complete", json!({"correlationId": id, "individual": ind})).await;
    assert_eq!(v["changeDetected"], json!(true));
    assert_eq!(v["success"], json!(true));

    // A different name is not this person.
    let id = cid(&env, MILO).await;
    env.post("/v3/validate", json!({"correlationId": id})).await;
    let (_, v) = env.post("/v3/challenge", json!({"correlationId": id, "dob": "1981-01"})).await;
    let mut ind = v["individual"].clone();
    ind["lastName"] = json!("Someone");
    let (_, v) = env.post("/v3/complete", json!({"correlationId": id, "individual": ind})).await;
    assert_eq!((v["success"].clone(), v["changeDetected"].clone()), (json!(false), json!(true)));
    assert_eq!(v["evaluation"]["identification"]["result"], "fail");
}

#[tokio::test]
async fn challenge_rules() {
    let env = Env::new().await;
    // Challenge before Validate is out of order.
    let id = cid(&env, MILO).await;
    assert_error(&env.post("/v3/challenge", json!({"correlationId": id, "dob": "1981-01-17"})).await, 403, 1003);
    env.post("/v3/validate", json!({"correlationId": id})).await;
    // Needs dob or ssn.
    let res = env.post("/v3/challenge", json!({"correlationId": id})).await;
    assert_error(&res, 400, 1001);
    assert_error(&env.post("/v3/challenge", json!({"correlationId": id, "dob": "17/01/1981"})).await, 400, 8001);
    assert_error(&env.post("/v3/challenge", json!({"correlationId": id, "ssn": "12"})).await, 400, 8001);
    // Wrong dob: success false, flow over, no data returned.
    let (st, v) = env.post("/v3/challenge", json!({"correlationId": id, "dob": "1990-01-01"})).await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], json!(false));
    assert!(v.get("individual").is_none());
    assert_eq!(v["next"], json!({"done": "done"}));
    // MM-DD and last-4 forms match.
    let id = cid(&env, MILO).await;
    env.post("/v3/validate", json!({"correlationId": id})).await;
    let (_, v) = env.post("/v3/challenge", json!({"correlationId": id, "dob": "01-17", "ssn": "0596"})).await;
    assert_eq!(v["success"], json!(true));
    // Wrong ssn with right dob fails.
    let id = cid(&env, MILO).await;
    env.post("/v3/validate", json!({"correlationId": id})).await;
    let (_, v) = env.post("/v3/challenge", json!({"correlationId": id, "dob": "01-17", "ssn": "1111"})).await;
    assert_eq!(v["success"], json!(false));
}

#[tokio::test]
async fn ssn_is_nine_or_four_digits_never_empty() {
    let env = Env::new().await;
    // Prove documents ssn as "the full or last 4 digits", numeric only: "" and dashes are refused
    // on every step that takes it, with 400 8001 naming the field.
    for bad in ["", "847-35-0596", "12345"] {
        let res = start(&env, MILO, json!({"ssn": bad})).await;
        assert_error(&res, 400, 8001);
        assert!(res.1["message"].as_str().unwrap().contains("'ssn'"), "{}", res.1);
    }
    let id = cid(&env, MILO).await;
    env.post("/v3/validate", json!({"correlationId": id})).await;
    for bad in ["", "847-35-0596"] {
        assert_error(&env.post("/v3/challenge", json!({"correlationId": id, "ssn": bad})).await, 400, 8001);
    }
    // Refused before any state changes: the same challenge still works.
    let (_, v) = env.post("/v3/challenge", json!({"correlationId": id, "ssn": "847350596"})).await;
    assert_eq!(v["success"], json!(true));
    let ind = json!({"firstName": "Milo", "lastName": "Pinson", "ssn": ""});
    assert_error(&env.post("/v3/complete", json!({"correlationId": id, "individual": ind})).await, 400, 8001);
    // Leaving it out (or null) is how "no SSN" is said.
    let ind = json!({"firstName": "Milo", "lastName": "Pinson", "ssn": null});
    let (st, v) = env.post("/v3/complete", json!({"correlationId": id, "individual": ind})).await;
    assert_eq!((st, v["success"].clone()), (200, json!(true)));
    let (st, _) = start(&env, MILO, json!({"ssn": null})).await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn complete_rules() {
    let env = Env::new().await;
    let id = cid(&env, MARTINA).await;
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    // Prove Identity: no challenge.
    assert_eq!(v["next"], json!({"v3-complete": "/v3/complete"}));
    assert_eq!(v["challengeMissing"], json!(false));
    assert_error(&env.post("/v3/challenge", json!({"correlationId": id, "dob": "1995-07-26"})).await, 403, 1003);
    let res = env.post("/v3/complete", json!({"correlationId": id})).await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'individual' is missing"}));
    let res = env.post("/v3/complete", json!({"correlationId": id, "individual": {"firstName": "Martina"}})).await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'lastName' is missing"}));
    assert_error(&env.post("/v3/complete", json!({"correlationId": id, "individual": "Martina"})).await, 400, 8001);
    assert_error(
        &env.post("/v3/complete", json!({"correlationId": id, "individual": {"firstName": 5, "lastName": "G"}})).await,
        400,
        8001,
    );
    // ssn alone is enough.
    let (st, v) = env.post("/v3/complete", json!({"correlationId": id, "individual": {"ssn": "490959347"}})).await;
    assert_eq!((st, v["success"].clone()), (200, json!(true)));
    assert_eq!(v["next"], json!({"done": "done"}));
    assert!(v.get("changeDetected").is_none());
    // Names, case-insensitively.
    let id = cid(&env, MARTINA).await;
    env.post("/v3/validate", json!({"correlationId": id})).await;
    let (_, v) = env
        .post(
            "/v3/complete",
            json!({"correlationId": id, "individual": {"firstName": "MARTINA", "lastName": "goodram"}}),
        )
        .await;
    assert_eq!(v["success"], json!(true));
}

#[tokio::test]
async fn start_validation_and_users() {
    let env = Env::new().await;
    let res = env.post("/v3/start", json!({"phoneNumber": MILO})).await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'flowType' is missing"}));
    assert_error(&env.post("/v3/start", json!({"flowType": "tablet", "phoneNumber": MILO})).await, 400, 8001);
    assert_error(&env.post("/v3/start", json!({"flowType": "mobile"})).await, 400, 1001);
    let res = env.post("/v3/start", json!({"flowType": "desktop", "phoneNumber": MILO})).await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'finalTargetUrl' is missing"}));
    let long = format!("https://example.com/{}", "a".repeat(120));
    assert_error(
        &env.post("/v3/start", json!({"flowType": "desktop", "phoneNumber": MILO, "finalTargetUrl": long})).await,
        400,
        8001,
    );
    assert_error(
        &env.post("/v3/start", json!({"flowType": "mobile", "phoneNumber": MILO, "dob": "1981/01/17"})).await,
        400,
        8001,
    );
    assert_error(
        &env.post("/v3/start", json!({"flowType": "mobile", "phoneNumber": MILO, "allowOTPRetry": "yes"})).await,
        400,
        8001,
    );
    assert_error(&env.post("/v3/start", json!(["not", "an", "object"])).await, 400, 8001);
    let res = env.post("/v3/start", json!({"flowType": "mobile", "phoneNumber": "2005550199"})).await;
    assert_eq!(res.1, json!({"code": 8007, "message": "no test user found matching the phone number"}));
    // A Unify user with Pre-Fill.
    assert_error(&env.post("/v3/start", json!({"flowType": "mobile", "phoneNumber": LORANT})).await, 403, 8009);
    // +1 is stripped.
    let (st, _) = env.post("/v3/start", json!({"flowType": "mobile", "phoneNumber": "+12001001695"})).await;
    assert_eq!(st, 200);
    let (st, _) = env
        .post(
            "/v3/start",
            json!({"flowType": "desktop", "phoneNumber": MILO, "finalTargetUrl": "https://www.prove.com"}),
        )
        .await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn correlation_ids_and_expiry() {
    let env = Env::new().await;
    assert_error(&env.post("/v3/validate", json!({})).await, 400, 1001);
    assert_error(&env.post("/v3/validate", json!({"correlationId": "abc"})).await, 400, 8001);
    assert_error(
        &env.post("/v3/validate", json!({"correlationId": "0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})).await,
        400,
        8008,
    );
    let id = cid(&env, MILO).await;
    env.sb.advance_clock(Duration::from_secs(15 * 60));
    let res = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_error(&res, 400, 8008);
    assert!(res.1["message"].as_str().unwrap().contains("expired"));
    // Just inside the window it works.
    let id = cid(&env, MILO).await;
    env.sb.advance_clock(Duration::from_secs(15 * 60 - 1));
    assert_eq!(env.post("/v3/validate", json!({"correlationId": id})).await.0, 200);
    // reset forgets sessions.
    let id = cid(&env, MILO).await;
    assert_eq!(env.control("reset", json!({})).await.0, 200);
    assert_error(&env.post("/v3/validate", json!({"correlationId": id})).await, 400, 8008);
}

#[tokio::test]
async fn possession_needed_for_regular_users() {
    let env = Env::new().await;
    // Desktop Instant Link for Marcia (Pre-Fill).
    let (_, v) = env
        .post(
            "/v3/start",
            json!({"flowType": "desktop", "phoneNumber": MARCIA, "finalTargetUrl": "https://www.prove.com"}),
        )
        .await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["success"], json!(false));
    assert_eq!(v["next"], json!({"v3-validate": "/v3/validate"}));
    let (st, p) = env.possession(&id, "success", None).await;
    assert_eq!((st, p["possession"].clone()), (200, json!("success")));
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["success"], json!(true));
    let (_, v) = env.post("/v3/challenge", json!({"correlationId": id, "ssn": "470806227"})).await;
    assert_eq!(v["individual"]["addresses"].as_array().map(Vec::len), Some(2));

    // Failed possession ends the flow.
    let id = cid(&env, BENJI).await;
    env.possession(&id, "fail", None).await;
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!((v["success"].clone(), v["next"].clone()), (json!(false), json!({"done": "done"})));

    // OTP: only 1234; without allowOTPRetry one wrong code fails.
    let id = cid(&env, BENJI).await;
    let (_, p) = env.possession(&id, "otp", Some("0000")).await;
    assert_eq!(p["possession"], "failed");
    let id = cid(&env, BENJI).await;
    env.possession(&id, "otp", Some("1234")).await;
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["success"], json!(true));
    assert_eq!(v["next"], json!({"v3-complete": "/v3/complete"}));
    let (_, v) = env
        .post("/v3/complete", json!({"correlationId": id, "individual": {"firstName": "Benji", "lastName": "Harper"}}))
        .await;
    assert_eq!(v["success"], json!(true));

    // Unknown correlation id and bad actions.
    assert_eq!(env.possession("0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "success", None).await.0, 404);
    assert_eq!(env.possession(&id, "wave", None).await.0, 400);
}

#[tokio::test]
async fn otp_retry_allows_three_attempts() {
    let env = Env::new().await;
    let (_, v) = start(&env, BENJI, json!({"allowOTPRetry": true})).await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, p) = env.possession(&id, "otp", Some("1111")).await;
    assert_eq!((p["possession"].clone(), p["otpAttemptsRemaining"].clone()), (json!("pending"), json!(2)));
    let (_, p) = env.possession(&id, "otp", Some("2222")).await;
    assert_eq!(p["otpAttemptsRemaining"], json!(1));
    let (_, p) = env.possession(&id, "otp", Some("1234")).await;
    assert_eq!(p["possession"], "success");

    let (_, v) = start(&env, BENJI, json!({"allowOTPRetry": true})).await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    for code in ["1", "2", "3"] {
        env.possession(&id, "otp", Some(code)).await;
    }
    let (_, p) = env.possession(&id, "otp", Some("1234")).await;
    assert_eq!(p["possession"], "failed");
}

#[tokio::test]
async fn auth_token_is_one_time_use_and_possession_window() {
    let env = Env::new().await;
    let (_, v) = start(&env, MARCIA, json!({})).await;
    let token = v["authToken"].as_str().unwrap().to_string();
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (st, p) = env.control("possession", json!({"authToken": token, "action": "success"})).await;
    assert_eq!((st, p["correlationId"].as_str()), (200, Some(id.as_str())));
    let (st, _) = env.control("possession", json!({"authToken": token, "action": "success"})).await;
    assert_eq!(st, 403);
    let (st, _) = env.control("possession", json!({"authToken": "x.y.z", "action": "success"})).await;
    assert_eq!(st, 400);

    // The client SDK never ran within the OTP window: possession failed.
    let id = cid(&env, MARCIA).await;
    env.sb.advance_clock(Duration::from_secs(121));
    let (_, p) = env.possession(&id, "otp", Some("1234")).await;
    assert_eq!(p["possession"], "failed");
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["success"], json!(false));
}

#[tokio::test]
async fn mobile_auth_users_pass_passively_on_mobile_only() {
    let env = Env::new().await;
    let id = cid(&env, "5550000000").await;
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["success"], json!(true));
    let (_, v) = env
        .post(
            "/v3/start",
            json!({"flowType": "desktop", "phoneNumber": "5551111111", "finalTargetUrl": "https://www.prove.com"}),
        )
        .await;
    let id = v["correlationId"].as_str().unwrap().to_string();
    let (_, v) = env.post("/v3/validate", json!({"correlationId": id})).await;
    assert_eq!(v["success"], json!(false));
}
