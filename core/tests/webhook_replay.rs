//! What binds a delivery beyond its signature: the replay guard (a token accepted once only, its
//! id forgotten when it expires, shared by clones and across a secret rotation, safe under
//! concurrency) and the mandatory body hash, through the builder and the binding layer's
//! `WebhookOptions`.
// The core's `Error` is large on purpose (see `core/src/lib.rs`); helpers here return it as is.
#![allow(clippy::result_large_err)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use prove_core::binding::webhook::{verify_webhook, WebhookOptions};
use prove_core::webhook::{body_sha256_hex, sign_test_webhook, ReplayGuard, VerifiedWebhook, WebhookVerifier};
use prove_core::{Error, ErrorKind};
use serde_json::{json, Value};
use sha2::Sha256;

const SECRET: &str = "whsec_replay_test_secret";
const T0: u64 = 1_750_000_000;
const BODY: &[u8] =
    br#"{"notifications":[{"eventId":"e-1","event":"x","eventType":"PORT","eventTimestamp":"2025-06-15T15:06:40Z"}]}"#;

/// A token over `claims` signed with `SECRET`.
fn token(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let unsigned = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(unsigned.as_bytes());
    format!("Bearer {unsigned}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Claims issued at `iat` (Unix seconds), valid 300 s, with `jti` and the hash of `BODY`.
fn claims(iat: u64, jti: &str) -> Value {
    json!({"iss": "Prove Identity", "iat": iat, "exp": iat + 300, "jti": jti, "body_sha256": body_sha256_hex(BODY)})
}

/// A settable clock for the builder, in Unix seconds.
#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn new() -> Self {
        TestClock(Arc::new(AtomicU64::new(T0)))
    }
    fn set(&self, secs: u64) {
        self.0.store(secs, Ordering::SeqCst);
    }
    fn source(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let at = Arc::clone(&self.0);
        move || UNIX_EPOCH + Duration::from_secs(at.load(Ordering::SeqCst))
    }
}

fn guarded(clock: &TestClock) -> WebhookVerifier {
    WebhookVerifier::builder().secret(SECRET).reject_replays(true).clock(clock.source()).build().unwrap()
}

#[track_caller]
fn refused(r: Result<impl std::fmt::Debug, Error>, needle: &str) -> Error {
    let e = r.expect_err("must be refused");
    assert_eq!(e.kind(), ErrorKind::Webhook, "{e:?}");
    assert!(e.message.contains(needle), "expected {needle:?} in {:?}", e.message);
    e
}

#[test]
fn the_same_token_is_accepted_once() {
    let clock = TestClock::new();
    let v = guarded(&clock);
    let t = token(&claims(T0, "delivery-1"));
    let first: VerifiedWebhook = v.verify_detailed(&t, BODY).expect("first delivery");
    assert_eq!(first.token_id.as_deref(), Some("delivery-1"));
    let e = refused(v.verify(&t, BODY), "replay");
    assert!(!e.message.contains("delivery-1"), "the error does not echo the token id");
    // A clone (e.g. moved into another request handler) shares the memory.
    let clone = v.clone();
    refused(clone.verify(&t, BODY), "replay");
    // Another token is a different delivery.
    assert!(clone.verify(&token(&claims(T0, "delivery-2")), BODY).is_ok());
    assert_eq!(v.replay_guard().map(ReplayGuard::len), Some(2));
    // Without the guard the same token verifies as often as it is sent.
    let open = WebhookVerifier::builder().secret(SECRET).clock(clock.source()).build().unwrap();
    assert!(open.replay_guard().is_none());
    assert!(open.verify(&t, BODY).is_ok() && open.verify(&t, BODY).is_ok());
}

#[test]
fn a_token_without_a_usable_jti_is_refused_when_the_guard_is_on() {
    let clock = TestClock::new();
    let v = guarded(&clock);
    let open = WebhookVerifier::builder().secret(SECRET).clock(clock.source()).build().unwrap();
    let mut no_jti = claims(T0, "x");
    no_jti.as_object_mut().unwrap().remove("jti");
    let t = token(&no_jti);
    refused(v.verify(&t, BODY), "no jti claim");
    assert_eq!(open.verify_detailed(&t, BODY).unwrap().token_id, None, "accepted without the guard");
    refused(v.verify(&token(&claims(T0, "")), BODY), "jti claim is empty");
    let mut numeric = claims(T0, "x");
    numeric["jti"] = json!(12345);
    refused(v.verify(&token(&numeric), BODY), "jti claim is not a string");
    assert!(v.replay_guard().unwrap().is_empty(), "nothing was recorded");
}

#[test]
fn remembered_ids_expire_with_their_tokens() {
    let clock = TestClock::new();
    let v = WebhookVerifier::builder()
        .secret(SECRET)
        .replay_guard(ReplayGuard::with_capacity(1))
        .leeway(Duration::from_secs(60))
        .clock(clock.source())
        .build()
        .unwrap();
    let first = token(&claims(T0, "first"));
    v.verify(&first, BODY).unwrap();
    // While `first` is valid (exp T0+300, plus 60 s leeway) its id is held, and it fills the guard.
    clock.set(T0 + 360);
    refused(v.verify(&first, BODY), "replay");
    let second = token(&claims(T0 + 300, "second"));
    refused(v.verify(&second, BODY), "replay guard is full");
    // One second later `first` could no longer verify: its id is dropped and the room reused.
    clock.set(T0 + 361);
    refused(v.verify(&first, BODY), "expired");
    v.verify(&second, BODY).expect("room after the first id expired");
    assert_eq!(v.replay_guard().unwrap().len(), 1);
}

#[test]
fn ids_are_forgotten_at_the_maximum_age_when_that_comes_first() {
    let clock = TestClock::new();
    let v = WebhookVerifier::builder()
        .secret(SECRET)
        .reject_replays(true)
        .max_age(Duration::from_secs(120))
        .clock(clock.source())
        .build()
        .unwrap();
    // A token that claims to be valid for a day is kept only as long as the maximum age allows.
    let mut long = claims(T0, "long-lived");
    long["exp"] = json!(T0 + 86_400);
    let t = token(&long);
    v.verify(&t, BODY).unwrap();
    clock.set(T0 + 120);
    refused(v.verify(&t, BODY), "replay");
    clock.set(T0 + 121);
    refused(v.verify(&t, BODY), "too old");
    v.verify(&token(&claims(T0 + 121, "next")), BODY).unwrap();
    assert_eq!(v.replay_guard().unwrap().len(), 1, "the long-lived token's id was dropped");
}

#[test]
fn a_tampered_delivery_does_not_use_up_the_genuine_ones_id() {
    let clock = TestClock::new();
    let v = guarded(&clock);
    let t = token(&claims(T0, "genuine"));
    refused(v.verify(&t, br#"{"notifications":[]}"#), "body does not match");
    refused(v.verify(&t, b"not json"), "body does not match");
    v.verify(&t, BODY).expect("the genuine delivery still verifies");
}

#[test]
fn a_verifier_rebuilt_for_a_rotation_keeps_refusing_accepted_tokens() {
    let clock = TestClock::new();
    let before = guarded(&clock);
    let t = token(&claims(T0, "pre-rotation"));
    before.verify(&t, BODY).unwrap();
    let after = WebhookVerifier::builder()
        .secrets(["whsec_new_secret", SECRET])
        .replay_guard(before.replay_guard().unwrap().clone())
        .clock(clock.source())
        .build()
        .unwrap();
    refused(after.verify(&t, BODY), "replay");
    // A verifier with a guard of its own does not know it.
    let fresh = WebhookVerifier::builder().secret(SECRET).reject_replays(true).clock(clock.source()).build().unwrap();
    assert!(fresh.verify(&t, BODY).is_ok());
    assert!(format!("{after:?}").contains("ReplayGuard"), "{after:?}");
    assert!(!format!("{after:?}").contains("whsec"), "Debug never shows secrets");
}

#[test]
fn concurrent_deliveries_of_one_token_are_accepted_exactly_once() {
    let clock = TestClock::new();
    let v = guarded(&clock);
    let t = token(&claims(T0, "raced"));
    let accepted: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (v, t) = (v.clone(), t.clone());
                s.spawn(move || (0..50).filter(|_| v.verify(&t, BODY).is_ok()).count())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(accepted, 1);
}

#[test]
fn binding_options_require_the_body_hash() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let mut no_hash = claims(now, "b-1");
    no_hash.as_object_mut().unwrap().remove("body_sha256");
    let t = token(&no_hash);
    let strict = WebhookOptions { require_body_hash: true, ..Default::default() };
    // By default the body is not bound: any body verifies with this token.
    let other_body = br#"{"notifications":[]}"#;
    assert!(verify_webhook(&t, other_body, &[SECRET], &WebhookOptions::default()).is_ok());
    refused(verify_webhook(&t, other_body, &[SECRET], &strict), "no body_sha256 claim");
    refused(verify_webhook(&t, BODY, &[SECRET], &strict), "no body_sha256 claim");
    // With the claim, the strict options accept the exact body only.
    let (auth, body) = sign_test_webhook(SECRET, BODY, SystemTime::now());
    assert!(verify_webhook(&auth, &body, &[SECRET], &strict).is_ok());
    refused(verify_webhook(&auth, other_body, &[SECRET], &strict), "body does not match");
}

#[test]
fn binding_options_reject_replays_through_a_kept_verifier() {
    let options = WebhookOptions { require_body_hash: true, reject_replays: true, ..Default::default() };
    let verifier = options.verifier(&[SECRET]).unwrap();
    let (auth, body) = sign_test_webhook(SECRET, BODY, SystemTime::now());
    let first = verifier.verify_detailed(&auth, &body).expect("first");
    assert!(first.token_id.is_some());
    refused(verifier.verify(&auth, &body), "replay");
    // A one-off call cannot remember anything, so it refuses the option instead of ignoring it.
    let e = verify_webhook(&auth, &body, &[SECRET], &options).unwrap_err();
    assert_eq!((e.kind(), e.field.as_deref()), (ErrorKind::Validation, Some("rejectReplays")));
}
