//! Unified Authentication: desktop, mobile (Prove Key, OTP fallback, second run by key),
//! customer-supplied possession with bind, and Prove Key revocation.
mod common;

use common::*;
use serde_json::{json, Value};

async fn unify(env: &Env, phone: &str, possession: &str, extra: Value) -> String {
    let mut body = json!({"possessionType": possession, "phoneNumber": phone, "clientRequestId": "req-1"});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let (st, v) = env.post("/v3/unify", body).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["success"], "pending");
    assert!(v["authToken"].is_string());
    v["correlationId"].as_str().unwrap().to_string()
}

async fn status(env: &Env, id: &str) -> Value {
    let (st, v) = env.post("/v3/unify-status", json!({"correlationId": id})).await;
    assert_eq!(st, 200, "{v}");
    v
}

#[tokio::test]
async fn desktop_instant_link() {
    let env = Env::new().await;
    let id =
        unify(&env, LORANT, "desktop", json!({"finalTargetUrl": "https://www.example.com", "clientHumanId": "h-1"}))
            .await;
    assert_eq!(status(&env, &id).await["success"], "pending");
    env.possession(&id, "success", None).await;
    let s = status(&env, &id).await;
    assert_eq!(s["success"], "true");
    assert_eq!(s["phoneNumber"], LORANT);
    assert_eq!(s["clientHumanId"], "h-1");
    assert_eq!(s["clientRequestId"], "req-1");
    assert!(s["proveId"].is_string());
    assert!(s.get("deviceId").is_none());
    // Polling again is stable.
    assert_eq!(status(&env, &id).await["proveId"], s["proveId"]);
    // Desktop without finalTargetUrl.
    let res = env
        .post("/v3/unify", json!({"possessionType": "desktop", "phoneNumber": LORANT, "clientRequestId": "r"}))
        .await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'finalTargetUrl' is missing"}));
    // Failed link.
    let id = unify(&env, LORANT, "desktop", json!({"finalTargetUrl": "https://www.example.com"})).await;
    env.possession(&id, "fail", None).await;
    assert_eq!(status(&env, &id).await["success"], "false");
}

#[tokio::test]
async fn mobile_otp_then_prove_key_second_run() {
    let env = Env::new().await;
    let id = unify(&env, LORANT, "mobile", json!({})).await;
    assert_eq!(status(&env, &id).await["success"], "pending");
    env.possession(&id, "otp", Some("1234")).await;
    let first = status(&env, &id).await;
    assert_eq!(first["success"], "true");
    let device = first["deviceId"].as_str().expect("mobile gets a deviceId").to_string();
    // Second run authenticates by the Prove Key: no client action needed, same ids.
    let id2 = unify(&env, LORANT, "mobile", json!({})).await;
    let second = status(&env, &id2).await;
    assert_eq!(second["success"], "true");
    assert_eq!(
        (second["proveId"].clone(), second["deviceId"].as_str()),
        (first["proveId"].clone(), Some(device.as_str()))
    );
    // rebind forces a new possession check and a new key.
    let id3 = unify(&env, LORANT, "mobile", json!({"rebind": true})).await;
    assert_eq!(status(&env, &id3).await["success"], "pending");
    env.possession(&id3, "success", None).await;
    let third = status(&env, &id3).await;
    assert_eq!(third["proveId"], first["proveId"]);
    assert_ne!(third["deviceId"].as_str(), Some(device.as_str()));
    // A key bound to another number does not authenticate this one.
    let id4 = unify(&env, "2001004015", "mobile", json!({"deviceId": third["deviceId"]})).await;
    assert_eq!(status(&env, &id4).await["success"], "false");
    // Revoke the key: the next run needs possession again.
    let (st, v) = env.post("/v3/device/revoke", json!({"deviceId": third["deviceId"], "clientRequestId": "r"})).await;
    assert_eq!((st, v["success"].clone()), (200, json!(true)));
    assert_error(
        &env.post("/v3/device/revoke", json!({"deviceId": third["deviceId"], "clientRequestId": "r"})).await,
        404,
        8012,
    );
    assert_error(&env.post("/v3/device/revoke", json!({"deviceId": "d"})).await, 400, 1001);
    let id5 = unify(&env, LORANT, "mobile", json!({})).await;
    assert_eq!(status(&env, &id5).await["success"], "pending");
}

#[tokio::test]
async fn short_term_and_mobile_auth_users() {
    let env = Env::new().await;
    let id = unify(&env, BARBARAANNE, "mobile", json!({})).await;
    let s = status(&env, &id).await;
    assert_eq!(s["success"], "true");
    assert!(s.get("deviceId").is_none(), "short-term users get no Prove Key");
    let id = unify(&env, "+2001004029", "desktop", json!({"finalTargetUrl": "https://www.example.com"})).await;
    assert_eq!(status(&env, &id).await["success"], "true");
    // Mobile Auth user on mobile: passive, and a key is placed.
    let id = unify(&env, INGE, "mobile", json!({})).await;
    let s = status(&env, &id).await;
    assert_eq!(s["success"], "true");
    assert!(s["deviceId"].is_string());
}

#[tokio::test]
async fn customer_supplied_possession_and_bind() {
    let env = Env::new().await;
    let id = unify(&env, "2001004015", "none", json!({"clientHumanId": "h"})).await;
    // Bind before status said possession_required is out of order.
    assert_error(
        &env.post("/v3/unify-bind", json!({"correlationId": id, "phoneNumber": "2001004015"})).await,
        403,
        1003,
    );
    assert_eq!(status(&env, &id).await["success"], "possession_required");
    // Wrong phone: bind fails.
    let (st, v) = env.post("/v3/unify-bind", json!({"correlationId": id, "phoneNumber": LORANT})).await;
    assert_eq!((st, v["success"].as_str()), (200, Some("false")));
    let (st, v) = env
        .post(
            "/v3/unify-bind",
            json!({"correlationId": id, "phoneNumber": "+12001004015", "clientRequestId": "bind-1"}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], "true");
    assert_eq!(v["clientRequestId"], "bind-1");
    assert_eq!(v["clientHumanId"], "h");
    let device = v["deviceId"].as_str().unwrap().to_string();
    let s = status(&env, &id).await;
    assert_eq!((s["success"].as_str(), s["deviceId"].as_str()), (Some("true"), Some(device.as_str())));
    assert_error(
        &env.post("/v3/unify-bind", json!({"correlationId": id, "phoneNumber": "2001004015"})).await,
        403,
        1003,
    );
    // Next customer-supplied run: the Prove Key works.
    let id = unify(&env, "2001004015", "none", json!({})).await;
    assert_eq!(status(&env, &id).await["deviceId"], device.as_str());
    assert_error(&env.post("/v3/unify-bind", json!({"correlationId": id})).await, 400, 1001);
}

#[tokio::test]
async fn unify_validation() {
    let env = Env::new().await;
    let res = env.post("/v3/unify", json!({"possessionType": "mobile", "phoneNumber": LORANT})).await;
    assert_eq!(res.1, json!({"code": 1001, "message": "field 'clientRequestId' is missing"}));
    assert_error(
        &env.post("/v3/unify", json!({"possessionType": "tv", "phoneNumber": LORANT, "clientRequestId": "r"})).await,
        400,
        8001,
    );
    assert_error(&env.post("/v3/unify", json!({"possessionType": "mobile", "clientRequestId": "r"})).await, 400, 1001);
    assert_error(
        &env.post(
            "/v3/unify",
            json!({"possessionType": "mobile", "phoneNumber": "2005550199", "clientRequestId": "r"}),
        )
        .await,
        400,
        8007,
    );
    assert_error(
        &env.post("/v3/unify", json!({"possessionType": "mobile", "phoneNumber": MILO, "clientRequestId": "r"})).await,
        403,
        8009,
    );
    assert_error(
        &env.post(
            "/v3/unify",
            json!({"possessionType": "mobile", "phoneNumber": LORANT, "clientRequestId": "r", "rebind": "yes"}),
        )
        .await,
        400,
        8001,
    );
    assert_error(&env.post("/v3/unify-status", json!({"correlationId": "nope"})).await, 400, 8001);
    assert_error(
        &env.post("/v3/unify-status", json!({"correlationId": "0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})).await,
        400,
        8008,
    );
    // A session is 15 minutes long.
    let id = unify(&env, BARBARAANNE, "mobile", json!({})).await;
    env.sb.advance_clock(std::time::Duration::from_secs(901));
    assert_error(&env.post("/v3/unify-status", json!({"correlationId": id})).await, 400, 8008);
    // Unify by Prove ID instead of phone number.
    let id = unify(&env, BARBARAANNE, "mobile", json!({})).await;
    let prove_id = status(&env, &id).await["proveId"].clone();
    let (st, _) =
        env.post("/v3/unify", json!({"possessionType": "mobile", "proveId": prove_id, "clientRequestId": "r"})).await;
    assert_eq!(st, 200);
}
