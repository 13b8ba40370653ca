//! Webhook verification: valid deliveries, key rotation, and every attack the verifier must refuse.
//!
//! Tokens are built here from raw header/claims JSON so each test controls exactly what an
//! attacker could send.
// The core's `Error` is large on purpose (see `core/src/lib.rs`); helpers here return it as is.
#![allow(clippy::result_large_err)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use prove_core::webhook::{
    self, body_sha256_hex, sample_payload, sign_test_webhook, EventType, WebhookVerifier, MAX_BODY_LEN, MAX_TOKEN_LEN,
};
use prove_core::{Error, ErrorKind};
use serde_json::{json, Value};
use sha2::{Sha256, Sha384, Sha512};

const SECRET: &str = "whsec_test_secret_0123456789";
const OTHER_SECRET: &str = "whsec_rotated_secret_abcdef";

fn now() -> SystemTime {
    // A fixed instant keeps every test deterministic.
    UNIX_EPOCH + Duration::from_secs(1_750_000_000)
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[derive(Clone, Copy)]
enum MacAlg {
    Sha256,
    Sha384,
    Sha512,
}

fn mac(alg: MacAlg, key: &[u8], input: &[u8]) -> Vec<u8> {
    match alg {
        MacAlg::Sha256 => {
            let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
            m.update(input);
            m.finalize().into_bytes().to_vec()
        }
        MacAlg::Sha384 => {
            let mut m = Hmac::<Sha384>::new_from_slice(key).unwrap();
            m.update(input);
            m.finalize().into_bytes().to_vec()
        }
        MacAlg::Sha512 => {
            let mut m = Hmac::<Sha512>::new_from_slice(key).unwrap();
            m.update(input);
            m.finalize().into_bytes().to_vec()
        }
    }
}

/// A compact JWT from raw JSON values, MACed with `alg` under `key`.
fn token_with(header: &Value, claims: &Value, key: &[u8], alg: MacAlg) -> String {
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let sig = mac(alg, key, input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

fn hs256_header() -> Value {
    json!({"alg": "HS256", "typ": "JWT"})
}

fn claims_for(body: &[u8], at: SystemTime) -> Value {
    let iat = unix(at);
    json!({
        "iss": "Prove Identity",
        "iat": iat,
        "exp": iat + 300,
        "jti": "5b0a64f4-7f55-4f0c-9d4e-0c7f1c1f7a01",
        "body_sha256": body_sha256_hex(body),
    })
}

fn good_token(body: &[u8]) -> String {
    token_with(&hs256_header(), &claims_for(body, now()), SECRET.as_bytes(), MacAlg::Sha256)
}

fn body() -> Vec<u8> {
    json!({
        "notifications": [
            {
                "eventId": "6ab42d26-8ed2-453f-a4a4-ac305aa50332",
                "event": "phone number change detected",
                "eventType": "PHONE_NUMBER_CHANGE",
                "eventTimestamp": "2025-01-23T10:11:12Z",
                "clientCustomerId": "customer-key-7781",
                "identityId": "64ec34e4-6b91-427c-839c-b443dd1570fc"
            },
            {
                "eventId": "0c07d8e3-185c-4b5b-a27b-71ad9ee916b1",
                "event": "phone number disconnected",
                "eventType": "DISCONNECT",
                "eventTimestamp": "2025-01-23T10:11:13Z",
                "clientCustomerId": "customer-key-7782",
                "identityId": "b479a9cb-4dbd-424f-b51e-e4e5bdef8541"
            }
        ]
    })
    .to_string()
    .into_bytes()
}

/// Verifies with the default policy and the single test secret.
fn check(authorization: &str, body: &[u8]) -> prove_core::Result<webhook::WebhookPayload> {
    webhook::verify(authorization, body, &[SECRET], now())
}

/// Asserts a Webhook error whose message contains `needle` and leaks neither token nor secret.
#[track_caller]
fn assert_rejected(result: prove_core::Result<webhook::WebhookPayload>, needle: &str, token: &str) {
    let err: Error = match result {
        Ok(p) => panic!("expected rejection ({needle}), got a payload with {} notifications", p.notifications.len()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::Webhook, "{err}");
    assert!(err.message.contains(needle), "message {:?} should contain {needle:?}", err.message);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "error shows the secret");
    if let Some(sig) = token.rsplit('.').next().filter(|s| s.len() > 8) {
        assert!(!shown.contains(sig), "error shows the token signature");
    }
    if let Some(payload) = token.split('.').nth(1).filter(|s| s.len() > 8) {
        assert!(!shown.contains(payload), "error shows the token claims");
    }
}

// ---------------------------------------------------------------------------------------------
// Accepted deliveries
// ---------------------------------------------------------------------------------------------

#[test]
fn accepts_bearer_header_and_parses_notifications() {
    let body = body();
    let token = good_token(&body);
    let payload = check(&format!("Bearer {token}"), &body).expect("valid delivery");
    assert_eq!(payload.notifications.len(), 2);
    let first = &payload.notifications[0];
    assert_eq!(first.event_id, "6ab42d26-8ed2-453f-a4a4-ac305aa50332");
    assert_eq!(first.event, "phone number change detected");
    assert_eq!(first.event_type, EventType::PhoneNumberChange);
    assert_eq!(first.event_timestamp, "2025-01-23T10:11:12Z");
    assert_eq!(first.event_time(), Some(UNIX_EPOCH + Duration::from_secs(1_737_627_072)));
    assert_eq!(first.client_customer_id.as_deref(), Some("customer-key-7781"));
    assert_eq!(first.identity_id.as_deref(), Some("64ec34e4-6b91-427c-839c-b443dd1570fc"));
    assert_eq!(payload.notifications[1].event_type, EventType::Disconnect);
}

#[test]
fn accepts_bare_token_and_any_bearer_case() {
    let body = body();
    let token = good_token(&body);
    assert!(check(&token, &body).is_ok());
    assert!(check(&format!("bearer {token}"), &body).is_ok());
    assert!(check(&format!("  BEARER   {token}  "), &body).is_ok());
    assert_rejected(check(&format!("Basic {token}"), &body), "not a Bearer token", &token);
}

#[test]
fn accepts_token_without_body_hash_unless_required() {
    let body = body();
    let mut claims = claims_for(&body, now());
    claims.as_object_mut().unwrap().remove("body_sha256");
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert!(check(&token, &body).is_ok());

    let strict = WebhookVerifier::builder().secret(SECRET).require_body_hash(true).build().unwrap();
    assert_rejected(strict.verify_at(&token, &body, now()), "no body_sha256", &token);
    // With the claim present the strict verifier accepts.
    assert!(strict.verify_at(&good_token(&body), &body, now()).is_ok());
}

#[test]
fn rotation_tries_each_secret_in_turn() {
    let body = body();
    let signed_with_new =
        token_with(&hs256_header(), &claims_for(&body, now()), OTHER_SECRET.as_bytes(), MacAlg::Sha256);
    // Old secret alone: refused.
    assert_rejected(check(&signed_with_new, &body), "does not match", &signed_with_new);
    // Both secrets (old first): accepted by the second.
    let payload = webhook::verify(&signed_with_new, &body, &[SECRET, OTHER_SECRET], now());
    assert!(payload.is_ok());

    let verifier = WebhookVerifier::builder().secrets([SECRET, OTHER_SECRET]).build().unwrap();
    let detailed = verifier.verify_detailed_at(&signed_with_new, &body, now()).unwrap();
    assert_eq!(detailed.secret_index, 1);
    assert_eq!(detailed.token_id.as_deref(), Some("5b0a64f4-7f55-4f0c-9d4e-0c7f1c1f7a01"));
    assert_eq!(unix(detailed.issued_at), unix(now()));
    assert_eq!(unix(detailed.expires_at), unix(now()) + 300);
    let detailed = verifier.verify_detailed_at(&good_token(&body), &body, now()).unwrap();
    assert_eq!(detailed.secret_index, 0);
}

#[test]
fn unknown_event_type_and_fields_are_kept() {
    let body = json!({
        "notifications": [{
            "eventId": "e1",
            "event": "something new",
            "eventType": "SIM_SWAP",
            "eventTimestamp": "2025-01-23T10:11:12Z",
            "identityId": "i1",
            "severity": "high"
        }],
        "batchId": 7
    })
    .to_string()
    .into_bytes();
    let payload = check(&good_token(&body), &body).unwrap();
    let n = &payload.notifications[0];
    assert_eq!(n.event_type, EventType::Other("SIM_SWAP".to_owned()));
    assert!(!n.event_type.is_known());
    assert_eq!(n.event_type.as_str(), "SIM_SWAP");
    assert_eq!(n.client_customer_id, None);
    assert_eq!(n.extra.get("severity"), Some(&json!("high")));
    assert_eq!(payload.extra.get("batchId"), Some(&json!(7)));
    // Re-serialising keeps the wire form.
    let again: Value = serde_json::to_value(&payload).unwrap();
    assert_eq!(again["notifications"][0]["eventType"], "SIM_SWAP");
    assert_eq!(again["notifications"][0]["severity"], "high");
    assert_eq!(again["batchId"], 7);
}

#[test]
fn every_known_event_type_round_trips() {
    for wire in EventType::KNOWN {
        let et = EventType::from(*wire);
        assert!(et.is_known(), "{wire}");
        assert_eq!(et.as_str(), *wire);
        let body = sample_payload(&et, now());
        let (header, body) = sign_test_webhook(SECRET, &body, now());
        let payload = check(&header, &body).unwrap();
        assert_eq!(payload.notifications[0].event_type, et);
    }
}

#[test]
fn leeway_allows_small_clock_differences() {
    let body = body();
    // Expired 30 s ago, issued 30 s in the future: both within the default 60 s leeway.
    let iat = unix(now());
    for claims in [
        json!({"iss": "Prove Identity", "iat": iat - 330, "exp": iat - 30}),
        json!({"iss": "Prove Identity", "iat": iat + 30, "exp": iat + 330}),
    ] {
        let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
        assert!(check(&token, &body).is_ok(), "{claims}");
    }
    // With no leeway, the expired one is refused.
    let strict = WebhookVerifier::builder().secret(SECRET).leeway(Duration::ZERO).build().unwrap();
    let token = token_with(
        &hs256_header(),
        &json!({"iss": "Prove Identity", "iat": iat - 330, "exp": iat - 30}),
        SECRET.as_bytes(),
        MacAlg::Sha256,
    );
    assert_rejected(strict.verify_at(&token, &body, now()), "expired", &token);
}

#[test]
fn injected_clock_is_used() {
    let body = body();
    let token = good_token(&body);
    let on_time = WebhookVerifier::builder().secret(SECRET).clock(now).build().unwrap();
    assert!(on_time.verify(&token, &body).is_ok());
    let late = WebhookVerifier::builder().secret(SECRET).clock(|| now() + Duration::from_secs(3600)).build().unwrap();
    assert_rejected(late.verify(&token, &body), "expired", &token);
}

#[test]
fn sign_test_webhook_matches_the_shared_format() {
    let payload = sample_payload(&EventType::LineTypeChange, now());
    let (header, body) = sign_test_webhook(SECRET, &payload, now());
    assert_eq!(body, payload);
    let token = header.strip_prefix("Bearer ").expect("Bearer prefix");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(URL_SAFE_NO_PAD.decode(parts[0]).unwrap(), br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["iss"], "Prove Identity");
    assert_eq!(claims["iat"], unix(now()));
    assert_eq!(claims["exp"], unix(now()) + 300);
    assert_eq!(claims["body_sha256"], body_sha256_hex(&body));
    let jti = claims["jti"].as_str().unwrap();
    assert_eq!(jti.len(), 36);
    assert_eq!(jti.as_bytes()[14], b'4', "uuid v4");
    // Signature: HMAC-SHA256 of "header.claims" with the secret's UTF-8 bytes.
    let expected = mac(MacAlg::Sha256, SECRET.as_bytes(), format!("{}.{}", parts[0], parts[1]).as_bytes());
    assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap(), expected);

    // The sample body has the documented shape.
    let v: Value = serde_json::from_slice(&body).unwrap();
    let n = &v["notifications"][0];
    for key in ["eventId", "event", "eventType", "eventTimestamp", "clientCustomerId", "identityId"] {
        assert!(n[key].is_string(), "{key}");
    }
    assert_eq!(n["eventType"], "LINE_TYPE_CHANGE");
    assert_eq!(n["eventTimestamp"], webhook::format_rfc3339(now()));
    // Each signature carries a fresh jti.
    let (header2, _) = sign_test_webhook(SECRET, &payload, now());
    assert_ne!(header, header2);
}

#[test]
fn debug_output_hides_secrets_and_customer_ids() {
    let body = body();
    let payload = check(&good_token(&body), &body).unwrap();
    let shown = format!("{payload:?}");
    assert!(!shown.contains("customer-key-7781"), "{shown}");
    assert!(shown.contains("PhoneNumberChange"), "{shown}");
    let verifier = WebhookVerifier::builder().secrets([SECRET, OTHER_SECRET]).build().unwrap();
    let shown = format!("{verifier:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(OTHER_SECRET), "{shown}");
    assert!(shown.contains("2 redacted"), "{shown}");
}

#[test]
fn builder_refuses_missing_or_empty_secrets() {
    let err = WebhookVerifier::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Webhook);
    let err = WebhookVerifier::builder().secret("").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Webhook);
    let body = body();
    let none: [&str; 0] = [];
    assert_rejected(webhook::verify(&good_token(&body), &body, &none, now()), "no webhook secret", "");
}

// ---------------------------------------------------------------------------------------------
// Attacks
// ---------------------------------------------------------------------------------------------

#[test]
fn rejects_alg_none_with_empty_signature() {
    let body = body();
    let claims = claims_for(&body, now());
    let token = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT"}).to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    assert_rejected(check(&token, &body), "unsupported alg none", &token);
    // Capitalised variants too.
    let token =
        format!("{}.{}.", b64(json!({"alg": "None"}).to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    assert_rejected(check(&token, &body), "unsupported alg None", &token);
}

#[test]
fn rejects_alg_none_with_any_signature() {
    let body = body();
    // A perfectly valid HMAC-SHA256 under the real secret does not make "none" acceptable.
    let token =
        token_with(&json!({"alg": "none", "typ": "JWT"}), &claims_for(&body, now()), SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "unsupported alg none", &token);
    let token = format!("{}{}", &token[..token.rfind('.').unwrap() + 1], b64(b"anything"));
    assert_rejected(check(&token, &body), "unsupported alg none", &token);
}

#[test]
fn rejects_hs512_and_hs384() {
    let body = body();
    let claims = claims_for(&body, now());
    let token = token_with(&json!({"alg": "HS512", "typ": "JWT"}), &claims, SECRET.as_bytes(), MacAlg::Sha512);
    assert_rejected(check(&token, &body), "unsupported alg HS512", &token);
    let token = token_with(&json!({"alg": "HS384", "typ": "JWT"}), &claims, SECRET.as_bytes(), MacAlg::Sha384);
    assert_rejected(check(&token, &body), "unsupported alg HS384", &token);
}

#[test]
fn rejects_asymmetric_algs_even_when_hmac_signed_with_the_secret() {
    // Algorithm confusion: the secret used as an HMAC key under an RS256/ES256 header.
    let body = body();
    let claims = claims_for(&body, now());
    for alg in ["RS256", "ES256", "PS256", "EdDSA"] {
        let token = token_with(&json!({"alg": alg, "typ": "JWT"}), &claims, SECRET.as_bytes(), MacAlg::Sha256);
        assert_rejected(check(&token, &body), &format!("unsupported alg {alg}"), &token);
    }
}

#[test]
fn rejects_missing_or_odd_alg_and_crit_headers() {
    let body = body();
    let claims = claims_for(&body, now());
    let token = token_with(&json!({"typ": "JWT"}), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "no alg", &token);
    let token = token_with(&json!({"alg": ["HS256"]}), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "alg is not a string", &token);
    let token = token_with(&json!({"alg": "hs256"}), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "unsupported alg hs256", &token);
    let token =
        token_with(&json!({"alg": "HS256", "crit": ["b64"], "b64": false}), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "crit", &token);
    // An alg name that could carry content is not echoed.
    let token = token_with(&json!({"alg": "<script>alert(1)</script>"}), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "unsupported alg (unprintable)", &token);
}

#[test]
fn rejects_wrong_secret() {
    let body = body();
    let token = token_with(&hs256_header(), &claims_for(&body, now()), b"not-the-secret", MacAlg::Sha256);
    assert_rejected(check(&token, &body), "signature does not match", &token);
}

#[test]
fn rejects_tampered_claims_with_original_signature() {
    let body = body();
    let token = good_token(&body);
    let parts: Vec<&str> = token.split('.').collect();
    // Extend the expiry, keep header and signature.
    let mut claims = claims_for(&body, now());
    claims["exp"] = json!(unix(now()) + 86_400);
    let forged = format!("{}.{}.{}", parts[0], b64(claims.to_string().as_bytes()), parts[2]);
    assert_rejected(check(&forged, &body), "signature does not match", &forged);
    // Swap the body and its hash, keep the signature.
    let other_body = br#"{"notifications":[]}"#;
    let claims = claims_for(other_body, now());
    let forged = format!("{}.{}.{}", parts[0], b64(claims.to_string().as_bytes()), parts[2]);
    assert_rejected(check(&forged, other_body), "signature does not match", &forged);
    // Flip one signature bit.
    let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    sig[0] ^= 1;
    let forged = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
    assert_rejected(check(&forged, &body), "signature does not match", &forged);
}

#[test]
fn rejects_tampered_body() {
    let body = body();
    let token = good_token(&body);
    let tampered = String::from_utf8(body.clone()).unwrap().replace("DISCONNECT", "PORT").into_bytes();
    assert_rejected(check(&token, &tampered), "body does not match", &token);
    // Even one extra byte of whitespace.
    let mut padded = body.clone();
    padded.push(b' ');
    assert_rejected(check(&token, &padded), "body does not match", &token);
}

#[test]
fn rejects_expired_token() {
    let body = body();
    let token = token_with(
        &hs256_header(),
        &claims_for(&body, now() - Duration::from_secs(400)),
        SECRET.as_bytes(),
        MacAlg::Sha256,
    );
    assert_rejected(check(&token, &body), "expired", &token);
}

#[test]
fn rejects_future_iat() {
    let body = body();
    let token = token_with(
        &hs256_header(),
        &claims_for(&body, now() + Duration::from_secs(120)),
        SECRET.as_bytes(),
        MacAlg::Sha256,
    );
    assert_rejected(check(&token, &body), "issued in the future", &token);
}

#[test]
fn rejects_too_old_token() {
    let body = body();
    // Issued 11 minutes ago but with a long expiry: the default 10-minute age limit applies.
    let iat = unix(now()) - 11 * 60;
    let claims = json!({"iss": "Prove Identity", "iat": iat, "exp": iat + 3600, "body_sha256": body_sha256_hex(&body)});
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "too old", &token);
    // A larger configured age accepts it; a smaller one refuses a 2-minute-old token.
    let relaxed = WebhookVerifier::builder().secret(SECRET).max_age(Duration::from_secs(3600)).build().unwrap();
    assert!(relaxed.verify_at(&token, &body, now()).is_ok());
    let tight = WebhookVerifier::builder().secret(SECRET).max_age(Duration::from_secs(60)).build().unwrap();
    let token = token_with(
        &hs256_header(),
        &claims_for(&body, now() - Duration::from_secs(120)),
        SECRET.as_bytes(),
        MacAlg::Sha256,
    );
    assert_rejected(tight.verify_at(&token, &body, now()), "too old", &token);
}

#[test]
fn rejects_not_yet_valid_token() {
    let body = body();
    let mut claims = claims_for(&body, now());
    claims["nbf"] = json!(unix(now()) + 600);
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "not yet valid", &token);
}

#[test]
fn rejects_wrong_or_missing_issuer() {
    let body = body();
    for iss in [json!("Prove identity"), json!("Attacker"), json!(""), json!(42)] {
        let mut claims = claims_for(&body, now());
        claims["iss"] = iss;
        let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
        assert_rejected(check(&token, &body), "issuer is not Prove Identity", &token);
    }
    let mut claims = claims_for(&body, now());
    claims.as_object_mut().unwrap().remove("iss");
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "no iss", &token);
}

#[test]
fn rejects_missing_or_malformed_exp_and_iat() {
    let body = body();
    for (claim, needle) in [("exp", "no exp"), ("iat", "no iat")] {
        let mut claims = claims_for(&body, now());
        claims.as_object_mut().unwrap().remove(claim);
        let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
        assert_rejected(check(&token, &body), needle, &token);
    }
    let mut claims = claims_for(&body, now());
    claims["exp"] = json!("tomorrow");
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "exp claim is not a number", &token);
    let mut claims = claims_for(&body, now());
    claims["exp"] = json!(1e300);
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert_rejected(check(&token, &body), "exp claim is out of range", &token);
}

#[test]
fn rejects_truncated_tokens() {
    let body = body();
    let token = good_token(&body);
    let last_dot = token.rfind('.').unwrap();
    // Signature segment dropped entirely.
    let cut = &token[..last_dot];
    assert_rejected(check(cut, &body), "expected 3 segments", cut);
    // Signature emptied.
    let cut = &token[..=last_dot];
    assert_rejected(check(cut, &body), "no signature", cut);
    // Signature cut in half.
    let cut = &token[..last_dot + 1 + (token.len() - last_dot) / 2];
    assert!(check(cut, &body).is_err());
    // Claims cut mid-way.
    let first_dot = token.find('.').unwrap();
    let cut = &token[..first_dot + 10];
    assert_rejected(check(cut, &body), "expected 3 segments", cut);
    // Empty and whitespace-only values.
    assert_rejected(check("", &body), "no token", "");
    assert_rejected(check("Bearer ", &body), "no token", "");
    // Four segments.
    let four = format!("{token}.AAAA");
    assert_rejected(check(&four, &body), "expected 3 segments", &four);
}

#[test]
fn rejects_garbage_base64_and_json() {
    let body = body();
    assert_rejected(check("!!!.###.$$$", &body), "invalid characters", "");
    // Standard base64 alphabet with padding is not base64url.
    assert_rejected(check("eyJhbGciOiJIUzI1NiJ9=.e30.AAAA", &body), "invalid characters", "");
    // Valid base64url, not JSON.
    let token = format!("{}.{}.{}", b64(b"not json"), b64(b"{}"), b64(&[0; 32]));
    assert_rejected(check(&token, &body), "header is not valid JSON", &token);
    // JSON, not an object.
    let token = format!("{}.{}.{}", b64(b"[1,2]"), b64(b"{}"), b64(&[0; 32]));
    assert_rejected(check(&token, &body), "header is not a JSON object", &token);
    // Impossible base64url length in a correctly signed claims segment (claims are only read
    // after the signature checks out; an unsigned one fails on the signature first).
    let input = format!("{}.A", b64(hs256_header().to_string().as_bytes()));
    let token = format!("{input}.{}", b64(&mac(MacAlg::Sha256, SECRET.as_bytes(), input.as_bytes())));
    assert_rejected(check(&token, &body), "claims is not base64url", &token);
    let token = format!("{input}.{}", b64(&[0; 32]));
    assert_rejected(check(&token, &body), "signature does not match", &token);
    // A signature that is not base64url.
    let token = format!("{}.{}.A", b64(hs256_header().to_string().as_bytes()), b64(b"{}"));
    assert_rejected(check(&token, &body), "signature is not base64url", &token);
    // Correctly signed claims that are not JSON.
    let input = format!("{}.{}", b64(hs256_header().to_string().as_bytes()), b64(b"\xff\xfe"));
    let token = format!("{input}.{}", b64(&mac(MacAlg::Sha256, SECRET.as_bytes(), input.as_bytes())));
    assert_rejected(check(&token, &body), "claims is not valid JSON", &token);
}

#[test]
fn rejects_oversized_token_and_body() {
    let body = body();
    let mut claims = claims_for(&body, now());
    claims["pad"] = json!("x".repeat(MAX_TOKEN_LEN));
    let token = token_with(&hs256_header(), &claims, SECRET.as_bytes(), MacAlg::Sha256);
    assert!(token.len() > MAX_TOKEN_LEN);
    assert_rejected(check(&token, &body), "token larger than", &token);

    let big = vec![b' '; MAX_BODY_LEN + 1];
    let token = good_token(&big);
    assert_rejected(check(&token, &big), "body larger than", &token);
}

#[test]
fn rejects_signed_body_that_is_not_a_notification_payload() {
    for body in [&b"not json"[..], br#"{"notifications":"nope"}"#, br#"{"other":[]}"#, b""] {
        let token = good_token(body);
        assert_rejected(check(&token, body), "not a valid notification payload", &token);
    }
    // The error does not quote the body's content.
    let body = br#"{"notifications":[{"eventId":"e","eventType":7,"clientCustomerId":"private-value"}]}"#;
    let err = check(&good_token(body), body).unwrap_err();
    assert!(!err.message.contains("private-value"), "{}", err.message);
}
