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

use crate::api::inputs::DESCRIBED;
pub use crate::api::inputs::{EmptyInput, FetchInput, IdentityIdInput, IdentityList, MobileNumberInput, ProveIdInput};
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

/// Decode `input` as `T`, mapping a mismatch to a `Validation` error naming the field when serde
/// says which one, without echoing any value. The input must be a JSON object (`null` reads as
/// `{}`): serde would otherwise read an array into a struct by position.
fn parse<T: DeserializeOwned>(input: Value, type_name: &str) -> Result<T> {
    let input = match input {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => input,
        _ => return Err(Error::validation("input", format!("must be a JSON object ({type_name})"))),
    };
    // The caller's keys, to name an unknown one exactly (a key may itself contain a backtick).
    let keys: Vec<String> = input.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    serde_json::from_value(input).map_err(|e| {
        let msg = e.to_string();
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            if let Some(key) = keys.iter().find(|k| rest.strip_prefix(k.as_str()).is_some_and(|r| r.starts_with("`,")))
            {
                return Error::validation(key.as_str(), format!("is not a field of {type_name}"));
            }
        }
        // Field names in "missing field" messages are ours (wire names of the input type).
        if let Some((name, _)) = msg.split_once("missing field `").and_then(|(_, rest)| rest.split_once('`')) {
            return Error::validation(name, format!("is required by {type_name}"));
        }
        Error::validation("input", format!("is not a valid {type_name}: {}", scrub(&msg)))
    })
}

/// Decode the input of a method (`type_name` is its input type). Inputs of
/// [`crate::api::inputs`] refuse unknown keys themselves; request models ignore unknown fields
/// when decoding (they are also response models), so for them a key the model does not have is
/// found by writing the parsed model back, and reported as a `Validation` error naming it: a
/// misspelt field is never dropped silently.
pub(crate) fn parse_input<T: DeserializeOwned + Serialize>(input: Value, type_name: &str) -> Result<T> {
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
    use crate::models::{CompleteRequest, StartRequest};

    #[test]
    fn parse_errors_name_the_field_and_hide_values() {
        let e = parse::<StartRequest>(serde_json::json!({"phoneNumber": "2001001695"}), "StartRequest").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("flowType"));
        let e = parse::<StartRequest>(
            serde_json::json!({"flowType": "mobile", "phoneNumber": 2001001695u64}),
            "StartRequest",
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        assert!(!e.message.contains("2001001695"), "{}", e.message);
        let e =
            parse::<ProveIdInput>(serde_json::json!({"proveId": "x", "extra": "secret"}), "ProveIdInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("extra"));
        assert!(!e.message.contains("secret"));
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
