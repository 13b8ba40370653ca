//! The uniffi conversions of the models (feature `uniffi`): values are lowered into the buffers
//! Kotlin and Swift read and lifted back, exactly as the generated foreign code does it.
//!
//! Run with `cargo test -p prove-core --features uniffi --test uniffi_models`.
#![cfg(feature = "uniffi")]

use std::collections::BTreeMap;

use prove_core::models::*;
use prove_core::{ErrorKind, UniFfiTag};
use serde_json::json;
use uniffi::{Lift, Lower, RustBuffer};

/// Lowers `v` into the buffer handed to foreign code, then lifts it back.
fn round_trip<T>(v: T) -> T
where
    T: Lower<UniFfiTag, FfiType = RustBuffer> + Lift<UniFfiTag, FfiType = RustBuffer>,
{
    let buf = <T as Lower<UniFfiTag>>::lower(v);
    <T as Lift<UniFfiTag>>::try_lift(buf).expect("lift what was lowered")
}

/// The bytes foreign code reads for `v`.
fn bytes_of<T: Lower<UniFfiTag>>(v: T) -> Vec<u8> {
    let mut buf = Vec::new();
    <T as Lower<UniFfiTag>>::write(v, &mut buf);
    buf
}

/// uniffi's serialized string: big-endian i32 length, then UTF-8.
fn ffi_string(s: &str) -> Vec<u8> {
    let mut out = (s.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(s.as_bytes());
    out
}

fn verify_response() -> VerifyResponse {
    serde_json::from_value(json!({
        "correlationId": "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60",
        "phoneNumber": "2001004018",
        "success": "later",
        "isEnrolled": true,
        "evaluation": {
            "authentication": {"result": "pass", "score": 0.93, "codes": ["a", "b"]},
            "risk": {"result": "fail", "detail": {"nested": [1, null, {"x": "y"}]}},
            "empty": {}
        },
        "identity": {
            "assuranceLevel": "AL2",
            "firstName": "Tod",
            "lastName": "Weedall",
            "minAge": 21,
            "reasons": ["NA", "P"],
            "emails": ["tod@example.com"],
            "addresses": [
                {"address": "39 South Trail", "city": "San Antonio", "region": "TX", "zipCode": "78285"},
                {"city": "Austin"}
            ]
        },
        "additionalIdentities": [{"assuranceLevel": "AL0", "reasons": []}]
    }))
    .unwrap()
}

#[test]
fn a_response_with_nested_records_an_unknown_enum_value_and_an_evaluation_map_round_trips() {
    let original = verify_response();
    // The fixture really exercises what the test is about.
    assert_eq!(original.success, SuccessStatus::Other("later".into()));
    assert_eq!(original.evaluation.as_ref().map(|e| e.len()), Some(3));
    assert_eq!(original.identity.as_ref().and_then(|i| i.addresses.as_ref()).map(|a| a.len()), Some(2));

    let back = round_trip(original.clone());
    assert_eq!(back, original);
    assert_eq!(back.success.as_str(), "later");
    let eval = back.evaluation.as_ref().unwrap();
    assert_eq!(eval["authentication"]["score"], json!(0.93));
    assert_eq!(eval["risk"]["detail"]["nested"], json!([1, null, {"x": "y"}]));
    assert!(eval["empty"].is_empty());
    // The JSON wire form is untouched by the trip.
    assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&original).unwrap());
}

#[test]
fn a_request_with_required_nested_records_and_next_steps_round_trip() {
    let individual = CompleteIndividual::from(
        serde_json::from_value::<ChallengeIndividual>(json!({
            "firstName": "Tod", "lastName": "Weedall", "dob": "1984-12-10", "ssn": "565228370",
            "emailAddresses": ["tod@example.com", "tw@example.com"],
            "addresses": [{"address": "39 South Trail", "city": "San Antonio", "region": "TX", "postalCode": "78285"}]
        }))
        .unwrap(),
    );
    let request = CompleteRequest::new("0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60", individual);
    assert_eq!(round_trip(request.clone()), request);

    let validated: ValidateResponse = serde_json::from_value(json!({
        "success": true, "challengeMissing": false, "phoneNumber": "2001001695",
        "next": {"v3-challenge": "/v3/challenge", "v4-future": "/v4/future"},
        "evaluation": {"authentication": {"result": "pass"}}
    }))
    .unwrap();
    let back = round_trip(validated.clone());
    assert_eq!(back, validated);
    assert!(back.next.allows(&NextStep::Challenge));
    assert_eq!(back.next.0.get("v4-future").map(String::as_str), Some("/v4/future"));
}

#[test]
fn string_enums_cross_as_enums_and_keep_unknown_values() {
    // Variants are numbered from 1 in declaration order; `Other` comes last and carries the
    // wire form.
    assert_eq!(bytes_of(FlowType::Desktop), 1i32.to_be_bytes());
    assert_eq!(bytes_of(FlowType::Mobile), 2i32.to_be_bytes());
    let mut other = 3i32.to_be_bytes().to_vec();
    other.extend(ffi_string("tablet"));
    assert_eq!(bytes_of(FlowType::Other("tablet".into())), other);

    for v in [
        VerificationType::PrefillForBiz,
        VerificationType::Other("somethingNew".into()),
        VerificationType::Other(String::new()),
    ] {
        assert_eq!(round_trip(v.clone()), v);
    }
    let request = VerifyRequest::new("2001004018", "somethingNew").first_name("Tod");
    let back = round_trip(request.clone());
    assert_eq!(back.verification_type, VerificationType::Other("somethingNew".into()));
    assert_eq!(back, request);

    // A variant index foreign code could never send is an error, not a panic.
    let mut bad = RustBuffer::from_vec(9i32.to_be_bytes().to_vec());
    assert!(<ResultStatus as Lift<UniFfiTag>>::try_lift(bad).is_err());
    bad = RustBuffer::from_vec(Vec::new());
    assert!(<ResultStatus as Lift<UniFfiTag>>::try_lift(bad).is_err());
}

#[test]
fn free_form_objects_cross_as_json_text_and_their_maps_as_maps() {
    let obj: JsonObject = serde_json::from_value(json!({"result": "pass", "n": [1, 2.5, true]})).unwrap();

    // Foreign code sees a string holding the object's JSON.
    let text = <String as Lift<UniFfiTag>>::try_lift(<JsonObject as Lower<UniFfiTag>>::lower(obj.clone())).unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), serde_json::Value::Object(obj.clone()));
    assert_eq!(round_trip(obj.clone()), obj);

    // JSON text from foreign code must be an object.
    for text in ["[1, 2]", "\"pass\"", "{", ""] {
        let buf = <String as Lower<UniFfiTag>>::lower(text.to_owned());
        assert!(<JsonObject as Lift<UniFfiTag>>::try_lift(buf).is_err(), "{text:?} lifted as an object");
    }

    // An evaluation map is a map of string → object text: its serialized form is the entry
    // count followed by key/value strings.
    let map: JsonObjectMap = BTreeMap::from([("risk".to_owned(), obj.clone())]);
    let mut expected = 1i32.to_be_bytes().to_vec();
    expected.extend(ffi_string("risk"));
    expected.extend(ffi_string(&text));
    assert_eq!(bytes_of(map.clone()), expected);
    assert_eq!(round_trip(map.clone()), map);

    let steps = NextSteps(BTreeMap::from([("done".to_owned(), "done".to_owned())]));
    assert!(round_trip(steps.clone()).is_done());
}

#[test]
fn error_kind_crosses_as_an_enum() {
    for (i, kind) in ErrorKind::ALL.into_iter().enumerate() {
        assert_eq!(bytes_of(kind), (i as i32 + 1).to_be_bytes());
        let buf = RustBuffer::from_vec(bytes_of(kind));
        assert_eq!(<ErrorKind as Lift<UniFfiTag>>::try_lift(buf).unwrap(), kind);
    }
}

#[test]
fn batch_enroll_items_cross_as_an_enum_of_the_two_records() {
    let request = BatchEnrollIdentitiesRequest::new().client_request_id("req-1").items(vec![
        EnrollIdentityItem::new("2001004031").client_customer_id("c-1").into(),
        IdentityItem::new("Partner", "7f1c1a52", "pcid-1").into(),
    ]);
    let back = round_trip(request.clone());
    assert_eq!(back, request);
    assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&request).unwrap());

    // Variant 1 is the enrollment record, variant 2 the cross-domain record, each followed by
    // the record's fields in declaration order.
    let mut expected = 2i32.to_be_bytes().to_vec();
    for s in ["Partner", "7f1c1a52", "pcid-1"] {
        expected.extend(ffi_string(s));
    }
    assert_eq!(bytes_of(BatchEnrollItem::from(IdentityItem::new("Partner", "7f1c1a52", "pcid-1"))), expected);
    let enrollment = bytes_of(BatchEnrollItem::from(EnrollIdentityItem::new("2001004031")));
    assert_eq!(enrollment[..4], 1i32.to_be_bytes());
}
