//! A JSON entry point over every operation, for the language bindings.
//!
//! Bindings do not re-implement anything: they pass a stable method name (for example
//! `"flow.start"` or `"identityManager.get"`) and the request as JSON, and get the response model
//! back as JSON, or an [`Error`]. Validation, request building, tokens, retries and error mapping
//! all happen in the core. [`methods()`] lists every method so bindings can generate their surface.
//!
//! Input shapes: operations with a JSON body take the request model (wire names, e.g.
//! `{"flowType": "mobile", "phoneNumber": "…"}`). Operations addressed by path or query take a
//! small object of wire-named parameters, e.g. `{"proveId": "…", "clientRequestId": "…"}`; see
//! [`crate::api::inputs`] and [`crate::api::pages`]. Operations without input accept `{}` or `null`.
//! The methods themselves are the table of [`crate::api::methods`].
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::api::inputs::DESCRIBED;
use crate::api::methods;
pub use crate::api::methods::MethodInfo;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};

/// Every method [`call_json`] accepts, in a stable order (the table of [`crate::api::methods`]).
pub fn methods() -> &'static [MethodInfo] {
    methods::all()
}

/// Replace every quoted part of a serde message (double quotes or backticks): it may quote the
/// caller's data, e.g. ``invalid type: integer `2001001695`, expected a string``.
fn scrub(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut open: Option<char> = None;
    for c in msg.chars() {
        match open {
            None if c == '"' || c == '`' => {
                out.push(c);
                out.push('…');
                out.push(c);
                open = Some(c);
            }
            None => out.push(c),
            Some(q) if c == q => open = None,
            Some(_) => {}
        }
    }
    out
}

/// Decode `input` as `T`, mapping a mismatch to a `Validation` error naming the field by its path
/// (`phoneNumber`, `individual.addresses[0].city`), without echoing any value: an unknown key is
/// named exactly as the caller wrote it, a missing required field by its wire name, a value of
/// the wrong JSON type by where it is (tracked with `serde_path_to_error`). The input must be a
/// JSON object (`null` reads as `{}`): serde would otherwise read an array into a struct by
/// position. Only an input that is not an object at all is reported as `input`.
fn parse<T: DeserializeOwned>(input: Value, type_name: &str) -> Result<T> {
    let input = match input {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => input,
        _ => return Err(Error::validation("input", format!("must be a JSON object ({type_name})"))),
    };
    no_arrays_for_objects(&input, type_name, "")?;
    let e = match serde_path_to_error::deserialize::<_, T>(&input) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let segments: Vec<&Segment> = e.path().iter().collect();
    let at = path_string(&segments);
    let under = |name: &str| if at.is_empty() { name.to_owned() } else { format!("{at}.{name}") };
    let msg = e.inner().to_string();
    if msg.starts_with("unknown field `") && !at.is_empty() {
        // The path ends with the key exactly as the caller wrote it (it may contain a backtick
        // or a dot; the message would be ambiguous).
        return Err(Error::validation(at, format!("is not a field of {type_name}")));
    }
    // Field names in "missing field" messages are ours (wire names of the input type).
    if let Some((name, _)) = msg.split_once("missing field `").and_then(|(_, rest)| rest.split_once('`')) {
        return Err(Error::validation(under(name), format!("is required by {type_name}")));
    }
    let field = if at.is_empty() { "input".to_owned() } else { at };
    Err(Error::validation(field, format!("is not valid in {type_name}: {}", scrub(&msg))))
}

/// Serde reads a JSON array into a struct by position, so `"individual": [null, "x"]` would be
/// decoded as an object whose second field is `"x"` (or fail at a path such as `individual[1]`
/// that names no field). Where the input type (by its description) has a nested model, an array
/// is refused naming the field.
fn no_arrays_for_objects(input: &Value, type_name: &str, path: &str) -> Result<()> {
    let (Some(meta), Some(object)) = (methods::describe(type_name), input.as_object()) else {
        return Ok(());
    };
    for f in meta.fields {
        let Some(v) = object.get(f.wire) else { continue };
        let at = if path.is_empty() { f.wire.to_owned() } else { format!("{path}.{}", f.wire) };
        if let Some(models) = models_of(f.ty) {
            nested_object(v, &models, &at)?;
        } else if let (Some(models), Value::Array(items)) =
            (f.ty.strip_prefix("array<").and_then(|t| t.strip_suffix('>')).and_then(models_of), v)
        {
            for (i, item) in items.iter().enumerate() {
                nested_object(item, &models, &format!("{at}[{i}]"))?;
            }
        }
    }
    Ok(())
}

/// The model names of a type expression that holds a model: `ref:A` → `[A]`,
/// `union<ref:A|ref:B>` → `[A, B]`; `None` for anything else.
fn models_of(ty: &str) -> Option<Vec<&str>> {
    if let Some(name) = ty.strip_prefix("ref:") {
        return Some(vec![name]);
    }
    let inner = ty.strip_prefix("union<")?.strip_suffix('>')?;
    inner.split('|').map(|alt| alt.strip_prefix("ref:")).collect()
}

/// `v` (at `at`) must not be an array where one of `models` is expected; an object is checked
/// field by field against each of them (a union's alternatives have distinct fields).
fn nested_object(v: &Value, models: &[&str], at: &str) -> Result<()> {
    match v {
        Value::Array(_) => {
            Err(Error::validation(at, format!("must be a JSON object ({}), not an array", models.join(" or "))))
        }
        Value::Object(_) => models.iter().try_for_each(|m| no_arrays_for_objects(v, m, at)),
        _ => Ok(()),
    }
}

/// `a.b[0].c` for the segments of a `serde_path_to_error` path; empty for the root.
fn path_string(segments: &[&Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// Decode the input of a method (`type_name` is its input type). Inputs of
/// [`crate::api::inputs`] refuse unknown keys themselves; request models ignore unknown fields
/// when decoding (they are also response models), so for them a key the model does not have is
/// found by writing the parsed model back, and reported as a `Validation` error naming it: a
/// misspelt field is never dropped silently.
pub fn parse_input<T: DeserializeOwned + Serialize>(input: Value, type_name: &str) -> Result<T> {
    if DESCRIBED.iter().any(|d| d.name == type_name) {
        return parse(input, type_name);
    }
    let parsed: T = parse(input.clone(), type_name)?;
    let known = serde_json::to_value(&parsed)
        .map_err(|e| Error::validation("input", format!("is not a valid {type_name}: {}", scrub(&e.to_string()))))?;
    match first_unknown_key(&input, &known, "") {
        Some(path) => Err(Error::validation(path, format!("is not a field of {type_name}"))),
        None => Ok(parsed),
    }
}

/// The path of the first non-null key of `input` that `known` (the parsed model written back)
/// does not have, e.g. `phone` or `individual.addresses[0].zip`.
fn first_unknown_key(input: &Value, known: &Value, path: &str) -> Option<String> {
    match (input, known) {
        (Value::Object(i), Value::Object(k)) => i.iter().filter(|(_, v)| !v.is_null()).find_map(|(key, v)| {
            let p = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            match k.get(key) {
                None => Some(p),
                Some(kv) => first_unknown_key(v, kv, &p),
            }
        }),
        (Value::Array(i), Value::Array(k)) => {
            i.iter().zip(k).enumerate().find_map(|(n, (v, kv))| first_unknown_key(v, kv, &format!("{path}[{n}]")))
        }
        _ => None,
    }
}

pub(crate) fn to_json<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::new(ErrorKind::Decode, format!("encoding the response: {e}")))
}

/// Call `method` with the JSON `input`, returning the response model as JSON.
///
/// Errors: `Validation` for an unknown method, an input that does not match the method's input
/// type, or a value rejected by validation (the error's `field` names it); otherwise whatever the
/// operation returns.
pub async fn call_json(client: &Client, method: &str, input: Value) -> Result<Value> {
    match methods::find(method) {
        Some(m) => (m.call)(client, input).await,
        None => Err(Error::validation("method", "unknown method; see dispatch::methods() for the list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::inputs::{EmptyInput, ProveIdInput};
    use crate::models::{CompleteRequest, StartRequest};
    use serde_json::json;

    #[test]
    fn parse_errors_name_the_field_and_hide_values() {
        let e = parse::<StartRequest>(serde_json::json!({"phoneNumber": "2001001695"}), "StartRequest").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("flowType"));
        let e = parse::<StartRequest>(
            serde_json::json!({"flowType": "mobile", "phoneNumber": 2001001695u64}),
            "StartRequest",
        )
        .unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("phoneNumber")));
        assert!(!e.message.contains("2001001695"), "{}", e.message);
        let e =
            parse::<ProveIdInput>(serde_json::json!({"proveId": "x", "extra": "secret"}), "ProveIdInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("extra"));
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn type_errors_are_named_by_their_path() {
        let input = serde_json::json!({"correlationId": "c", "individual": {"firstName": "A",
            "addresses": [{"city": "B"}, {"city": ["Littleton"]}]}});
        let e = parse_input::<CompleteRequest>(input, "CompleteRequest").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("individual.addresses[1].city"));
        assert!(!e.message.contains("Littleton"), "{}", e.message);
        // Arrays are not read into nested objects by position.
        for (individual, field) in [
            (serde_json::json!([null, null, null, "Milo", "Pinson"]), "individual"),
            (serde_json::json!({"firstName": "A", "addresses": [["39 Main St"]]}), "individual.addresses[0]"),
        ] {
            let input = serde_json::json!({"correlationId": "c", "individual": individual});
            let e = parse_input::<CompleteRequest>(input, "CompleteRequest").unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{e}");
        }
        // Missing fields of nested models are named with their path.
        let e = parse::<crate::models::AuthContinueRequest>(
            serde_json::json!({"authId": "a", "requestId": "r", "subjects": {"mobile": {"claim": {}}}}),
            "AuthContinueRequest",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("subjects.mobile.claim.mobileNumber"));
    }

    #[test]
    fn unknown_keys_of_request_models_are_named_at_any_depth() {
        let e = parse_input::<StartRequest>(
            serde_json::json!({"flowType": "mobile", "phoneNumber": "2001001695", "phone": "2001001695"}),
            "StartRequest",
        )
        .unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("phone")));
        assert!(!e.message.contains("2001001695"), "{}", e.message);
        let e = parse_input::<CompleteRequest>(
            serde_json::json!({"correlationId": "c", "individual": {"firstName": "A", "addresses": [{"city": "B", "zip": "1"}]}}),
            "CompleteRequest",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("individual.addresses[0].zip"));
        // Explicit nulls stand for "not set" and are accepted.
        let ok = parse_input::<StartRequest>(serde_json::json!({"flowType": "mobile", "dob": null}), "StartRequest");
        assert!(ok.is_ok());
    }

    #[test]
    fn inputs_must_be_objects_and_unknown_keys_are_named_exactly() {
        for bad in [serde_json::json!([5]), serde_json::json!("x"), serde_json::json!(3)] {
            let e = parse::<crate::api::BatchGetOptions>(bad, "BatchGetOptions").unwrap_err();
            assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("input")));
        }
        assert!(parse::<crate::api::ListIdentities>(Value::Null, "ListIdentities").is_ok());
        let e = parse::<ProveIdInput>(serde_json::json!({"proveId": "p", "a`b": 1}), "ProveIdInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("a`b"));
        let e = parse::<EmptyInput>(serde_json::json!({"`x": 1}), "EmptyInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("`x"));
    }

    #[test]
    fn batch_enroll_items_of_either_shape_are_read_and_others_named() {
        use crate::models::{BatchEnrollIdentitiesRequest, BatchEnrollItem};
        let parse_items = |items: Value| {
            parse_input::<BatchEnrollIdentitiesRequest>(json!({ "items": items }), "BatchEnrollIdentitiesRequest")
        };
        let ok =
            parse_items(json!([{"phoneNumber": "2001004031"}, {"clientName": "P", "identityId": "i", "pcid": "p"}]))
                .expect("both shapes");
        let items = ok.items.expect("items");
        assert!(matches!(items[0], BatchEnrollItem::Enrollment(_)));
        assert!(matches!(items[1], BatchEnrollItem::CrossDomain(_)));
        let field = |items: Value| parse_items(items).unwrap_err().field;
        assert_eq!(
            field(json!([{"phoneNumber": "1"}, {"clientName": "P", "pcid": "p"}])).as_deref(),
            Some("items[1].identityId")
        );
        assert_eq!(field(json!([{"phoneNumber": "1", "pcid": "p"}])).as_deref(), Some("items[0]"));
        assert_eq!(
            field(json!([{"clientName": "P", "identityId": "i", "pcid": "p", "pcId": "x"}])).as_deref(),
            Some("items[0].pcId")
        );
        assert_eq!(
            field(json!([{"clientName": "P", "identityId": 5, "pcid": "p"}])).as_deref(),
            Some("items[0].identityId")
        );
        assert_eq!(field(json!([["2001004031"]])).as_deref(), Some("items[0]"));
        let e = parse_items(json!([{"phoneNumber": "1", "pcid": "p"}])).unwrap_err();
        assert!(e.message.contains("mixes"), "{}", e.message);
        let e = parse_items(json!([["2001004031"]])).unwrap_err();
        assert!(e.message.contains("EnrollIdentityItem or IdentityItem"), "{}", e.message);
    }

    #[test]
    fn scrub_removes_quoted_text() {
        assert_eq!(
            scrub(r#"invalid type: string "2001001695", expected u32"#),
            r#"invalid type: string "…", expected u32"#
        );
        assert_eq!(
            scrub("invalid type: integer `2001001695`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
    }
}
