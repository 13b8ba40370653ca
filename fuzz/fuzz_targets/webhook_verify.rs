//! Arbitrary header values, tokens and bodies through the webhook verifier: it must return
//! `Ok` or a `Webhook` error, never panic.
//!
//! Input layout: the first byte selects a mode.
//! - even: raw mode. The rest is split at the first `0x00` into the authorization header value
//!   (lossy UTF-8) and the raw body.
//! - odd: signed mode, so the fuzzer reaches claim and body checks it could not reach by guessing
//!   an HMAC. The rest is split at `0xFF` bytes into header JSON, claims JSON and body; the harness
//!   signs `header.claims` with a fixed secret and verifies at the claims' own `iat` (when it has
//!   one), so time checks pass or fail on the fuzzer's values.
#![no_main]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use prove_core::webhook::{self, WebhookVerifier};
use prove_core::ErrorKind;
use sha2::Sha256;

const SECRET: &[u8] = b"whsec_fuzz_secret";

fn check(result: prove_core::Result<webhook::WebhookPayload>) {
    match result {
        Ok(payload) => {
            // Exercise the accessors and the redacting Debug on whatever was accepted.
            for n in &payload.notifications {
                let _ = n.event_time();
                let _ = n.event_type.as_str();
            }
            let _ = format!("{payload:?}");
        }
        Err(e) => assert_eq!(e.kind(), ErrorKind::Webhook, "unexpected error kind: {e}"),
    }
}

fn sign(header: &[u8], claims: &[u8]) -> String {
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).expect("HMAC takes any key length");
    mac.update(input.as_bytes());
    let sig = mac.finalize().into_bytes();
    format!("Bearer {input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fixed_now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    if mode % 2 == 0 {
        let (auth, body) = match rest.iter().position(|&b| b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &[][..]),
        };
        let auth = String::from_utf8_lossy(auth);
        check(webhook::verify(&auth, body, &[SECRET], fixed_now));
        check(webhook::verify(&auth, body, &[&b"other"[..], SECRET], SystemTime::now()));
    } else {
        let mut parts = rest.splitn(3, |&b| b == 0xFF);
        let header = parts.next().unwrap_or_default();
        let claims = parts.next().unwrap_or_default();
        let body = parts.next().unwrap_or_default();
        let auth = sign(header, claims);
        let now = serde_json::from_slice::<serde_json::Value>(claims)
            .ok()
            .and_then(|v| v.get("iat").and_then(serde_json::Value::as_u64))
            .and_then(|iat| UNIX_EPOCH.checked_add(Duration::from_secs(iat)))
            .unwrap_or(fixed_now);
        check(webhook::verify(&auth, body, &[SECRET], now));
        if let Ok(strict) = WebhookVerifier::builder()
            .secret(SECRET)
            .require_body_hash(mode & 2 == 2)
            .leeway(Duration::from_secs(u64::from(mode)))
            .max_age(Duration::from_secs(u64::from(mode) * 7))
            .build()
        {
            check(strict.verify_at(&auth, body, now));
        }
    }
});
