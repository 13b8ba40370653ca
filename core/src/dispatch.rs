//! A JSON entry point over every operation, for the language bindings.
//!
//! Bindings do not re-implement anything: they pass a stable method name (for example
//! `"flow.start"` or `"identityManager.get"`) and the request as JSON, and get the response model
//! back as JSON, or an [`Error`]. Validation, request building, tokens, retries and error mapping
//! all happen in the core. [`methods`] lists every method so bindings can generate their surface.
//!
//! Input shapes: operations with a JSON body take the request model (wire names, e.g.
//! `{"flowType": "mobile", "phoneNumber": "…"}`). Operations addressed by path or query take a
//! small object of wire-named parameters, e.g. `{"proveId": "…", "clientRequestId": "…"}`; see the
//! `*Input` types here. Operations without input accept `{}` or `null`.
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{BatchGetOptions, ListIdentities, ReadOptions};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::models::*;
use crate::ops;

/// One dispatchable method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodInfo {
    /// Our stable name, e.g. `"flow.start"`.
    pub name: &'static str,
    /// Prove's operationId, e.g. `"V3StartRequest"`.
    pub operation_id: &'static str,
    /// Name of the input type: a model in [`crate::models`] or an `*Input` type of this module.
    pub request_type: &'static str,
    /// Name of the output type (a model in [`crate::models`], or [`IdentityList`]).
    pub response_type: &'static str,
}

const fn m(name: &'static str, op: &ops::Operation, req: &'static str, resp: &'static str) -> MethodInfo {
    MethodInfo { name, operation_id: op.id, request_type: req, response_type: resp }
}

static METHODS: &[MethodInfo] = &[
    m("flow.start", &ops::START, "StartRequest", "StartResponse"),
    m("flow.validate", &ops::VALIDATE, "ValidateRequest", "ValidateResponse"),
    m("flow.challenge", &ops::CHALLENGE, "ChallengeRequest", "ChallengeResponse"),
    m("flow.complete", &ops::COMPLETE, "CompleteRequest", "CompleteResponse"),
    m("verifiedUsers.verify", &ops::VERIFY, "VerifyRequest", "VerifyResponse"),
    m("verifiedUsers.verifyWithPossession", &ops::VERIFY, "LegacyVerifyRequest", "LegacyVerifyResponse"),
    m("verifiedUsers.verifyStatus", &ops::VERIFY_STATUS, "VerifyStatusRequest", "VerifyStatusResponse"),
    m("verifiedUsers.verifyBatch", &ops::VERIFY_BATCH, "VerifyBatchRequest", "VerifyBatchResponse"),
    m("unify.unify", &ops::UNIFY, "UnifyRequest", "UnifyResponse"),
    m("unify.status", &ops::UNIFY_STATUS, "UnifyStatusRequest", "UnifyStatusResponse"),
    m("unify.bind", &ops::UNIFY_BIND, "UnifyBindRequest", "UnifyBindResponse"),
    m("identityManager.enroll", &ops::ENROLL_IDENTITY, "EnrollIdentityRequest", "EnrollIdentityResponse"),
    m(
        "identityManager.batchEnroll",
        &ops::BATCH_ENROLL_IDENTITIES,
        "BatchEnrollIdentitiesRequest",
        "BatchEnrollIdentitiesResponse",
    ),
    m("identityManager.batchGet", &ops::BATCH_GET_IDENTITIES, "BatchGetInput", "BatchGetIdentitiesResponse"),
    m("identityManager.listAll", &ops::BATCH_GET_IDENTITIES, "ListInput", "IdentityList"),
    m("identityManager.get", &ops::GET_IDENTITY, "ProveIdInput", "GetIdentityResponse"),
    m(
        "identityManager.lookupByPhone",
        &ops::GET_IDENTITIES_BY_PHONE_NUMBER,
        "MobileNumberInput",
        "GetIdentitiesByPhoneNumberResponse",
    ),
    m("identityManager.activate", &ops::ACTIVATE_IDENTITY, "ProveIdInput", "ActivateIdentityResponse"),
    m("identityManager.deactivate", &ops::DEACTIVATE_IDENTITY, "ProveIdInput", "DeactivateIdentityResponse"),
    m("identityManager.disenroll", &ops::DISENROLL_IDENTITY, "ProveIdInput", "DisenrollIdentityResponse"),
    m("identityManager.crossDomain", &ops::CROSS_DOMAIN_IDENTITY, "IdentityIdInput", "CrossDomainIdentityResponse"),
    m("identityData.discover", &ops::DISCOVER, "ProveIdInput", "DiscoverResponse"),
    m("identityData.fetch", &ops::FETCH, "FetchInput", "FetchResponse"),
    m("domain.id", &ops::DOMAIN_ID, "EmptyInput", "DomainIdResponse"),
    m("domain.linked", &ops::DOMAIN_LINKED, "EmptyInput", "DomainLinkedResponse"),
    m("domain.link", &ops::DOMAIN_LINK, "DomainLinkRequest", "DomainLinkResponse"),
    m("domain.confirmLink", &ops::DOMAIN_CONFIRM_LINK, "DomainConfirmLinkRequest", "DomainConfirmLinkResponse"),
    m("domain.unlink", &ops::DOMAIN_UNLINK, "DomainUnlinkRequest", "DomainUnlinkResponse"),
    m("device.revoke", &ops::DEVICE_REVOKE, "DeviceRevokeRequest", "DeviceRevokeResponse"),
    m("auth.start", &ops::AUTH_START, "AuthStartRequest", "AuthStartResponse"),
    m("auth.continue", &ops::AUTH_CONTINUE, "AuthContinueRequest", "AuthContinueResponse"),
    m("auth.finish", &ops::AUTH_FINISH, "AuthFinishRequest", "AuthFinishResponse"),
];

/// Every method [`call_json`] accepts, in a stable order.
pub fn methods() -> &'static [MethodInfo] {
    METHODS
}

/// Input of methods addressed by `proveId` (get, disenroll, activate, deactivate, discover).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProveIdInput {
    #[serde(rename = "proveId")]
    pub prove_id: String,
    #[serde(rename = "clientRequestId", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Input of `identityManager.crossDomain`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityIdInput {
    #[serde(rename = "identityId")]
    pub identity_id: String,
    #[serde(rename = "clientRequestId", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Input of `identityManager.lookupByPhone`. `Debug` hides the number.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MobileNumberInput {
    #[serde(rename = "mobileNumber")]
    pub mobile_number: String,
    #[serde(rename = "clientRequestId", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

impl std::fmt::Debug for MobileNumberInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MobileNumberInput")
            .field("mobile_number", &"<redacted>")
            .field("client_request_id", &self.client_request_id)
            .finish()
    }
}

/// Input of `identityData.fetch`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchInput {
    #[serde(rename = "proveId")]
    pub prove_id: String,
    #[serde(rename = "attributeId")]
    pub attribute_id: String,
    #[serde(rename = "clientRequestId", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Input of `identityManager.batchGet` (one page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchGetInput {
    #[serde(rename = "limit", default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(rename = "startKey", default, skip_serializing_if = "Option::is_none")]
    pub start_key: Option<String>,
    #[serde(rename = "showInactive", default, skip_serializing_if = "Option::is_none")]
    pub show_inactive: Option<bool>,
    #[serde(rename = "clientRequestId", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Input of `identityManager.listAll` (every page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    #[serde(rename = "limit", default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(rename = "showInactive", default, skip_serializing_if = "Option::is_none")]
    pub show_inactive: Option<bool>,
    #[serde(rename = "clientRequestId", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Input of methods that take none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyInput {}

/// Output of `identityManager.listAll`: every identity of every page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdentityList {
    pub results: Vec<GetBatchIdentityItem>,
    /// Number of pages fetched.
    pub pages: u64,
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
            if let Some(key) = keys.iter().find(|k| rest.strip_prefix(k.as_str()).is_some_and(|r| r.starts_with("`,"))) {
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

/// Like [`parse`] for request models, which ignore unknown fields when decoding (they are also
/// response models): a key of `input` the model does not have is reported as a `Validation`
/// error naming it, so a misspelt field is never dropped silently.
fn parse_model<T: DeserializeOwned + Serialize>(input: Value, type_name: &str) -> Result<T> {
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

fn to_json<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::new(ErrorKind::Decode, format!("encoding the response: {e}")))
}

fn read_opts(client_request_id: Option<String>) -> ReadOptions {
    ReadOptions { client_request_id }
}

/// Call `method` with the JSON `input`, returning the response model as JSON.
///
/// Errors: `Validation` for an unknown method, an input that does not match the method's input
/// type, or a value rejected by validation (the error's `field` names it); otherwise whatever the
/// operation returns.
pub async fn call_json(client: &Client, method: &str, input: Value) -> Result<Value> {
    macro_rules! body {
        ($ty:ty, |$r:ident| $call:expr) => {{
            let $r: &$ty = &parse_model::<$ty>(input, stringify!($ty))?;
            to_json($call.await?)
        }};
    }
    match method {
        "flow.start" => body!(StartRequest, |r| client.flow().start(r)),
        "flow.validate" => body!(ValidateRequest, |r| client.flow().validate(r)),
        "flow.challenge" => body!(ChallengeRequest, |r| client.flow().challenge(r)),
        "flow.complete" => body!(CompleteRequest, |r| client.flow().complete(r)),
        "verifiedUsers.verify" => body!(VerifyRequest, |r| client.verified_users().verify(r)),
        "verifiedUsers.verifyWithPossession" => {
            body!(LegacyVerifyRequest, |r| client.verified_users().verify_with_possession(r))
        }
        "verifiedUsers.verifyStatus" => body!(VerifyStatusRequest, |r| client.verified_users().verify_status(r)),
        "verifiedUsers.verifyBatch" => body!(VerifyBatchRequest, |r| client.verified_users().verify_batch(r)),
        "unify.unify" => body!(UnifyRequest, |r| client.unify().unify(r)),
        "unify.status" => body!(UnifyStatusRequest, |r| client.unify().status(r)),
        "unify.bind" => body!(UnifyBindRequest, |r| client.unify().bind(r)),
        "identityManager.enroll" => body!(EnrollIdentityRequest, |r| client.identity_manager().enroll(r)),
        "identityManager.batchEnroll" => {
            body!(BatchEnrollIdentitiesRequest, |r| client.identity_manager().batch_enroll(r))
        }
        "identityManager.batchGet" => {
            let i: BatchGetInput = parse(input, "BatchGetInput")?;
            let opts = BatchGetOptions {
                limit: i.limit,
                start_key: i.start_key,
                show_inactive: i.show_inactive,
                client_request_id: i.client_request_id,
            };
            to_json(client.identity_manager().batch_get(&opts).await?)
        }
        "identityManager.listAll" => {
            let i: ListInput = parse(input, "ListInput")?;
            let mut pages = client.identity_manager().pages(ListIdentities {
                limit: i.limit,
                show_inactive: i.show_inactive,
                client_request_id: i.client_request_id,
            });
            let mut results = Vec::new();
            while let Some(p) = pages.next_page().await? {
                results.extend(p.results);
            }
            to_json(IdentityList { results, pages: pages.pages_fetched() })
        }
        "identityManager.get" => {
            let i: ProveIdInput = parse(input, "ProveIdInput")?;
            to_json(client.identity_manager().get(&i.prove_id, &read_opts(i.client_request_id)).await?)
        }
        "identityManager.lookupByPhone" => {
            let i: MobileNumberInput = parse(input, "MobileNumberInput")?;
            let opts = read_opts(i.client_request_id);
            to_json(client.identity_manager().lookup_by_phone(&i.mobile_number, &opts).await?)
        }
        "identityManager.activate" => {
            let i: ProveIdInput = parse(input, "ProveIdInput")?;
            let body = ActivateIdentityRequest { client_request_id: i.client_request_id };
            to_json(client.identity_manager().activate(&i.prove_id, &body).await?)
        }
        "identityManager.deactivate" => {
            let i: ProveIdInput = parse(input, "ProveIdInput")?;
            let body = DeactivateIdentityRequest { client_request_id: i.client_request_id };
            to_json(client.identity_manager().deactivate(&i.prove_id, &body).await?)
        }
        "identityManager.disenroll" => {
            let i: ProveIdInput = parse(input, "ProveIdInput")?;
            to_json(client.identity_manager().disenroll(&i.prove_id, &read_opts(i.client_request_id)).await?)
        }
        "identityManager.crossDomain" => {
            let i: IdentityIdInput = parse(input, "IdentityIdInput")?;
            let body = CrossDomainIdentityRequest { client_request_id: i.client_request_id };
            to_json(client.identity_manager().cross_domain(&i.identity_id, &body).await?)
        }
        "identityData.discover" => {
            let i: ProveIdInput = parse(input, "ProveIdInput")?;
            to_json(client.identity_data().discover(&i.prove_id, &read_opts(i.client_request_id)).await?)
        }
        "identityData.fetch" => {
            let i: FetchInput = parse(input, "FetchInput")?;
            let opts = read_opts(i.client_request_id);
            to_json(client.identity_data().fetch(&i.prove_id, &i.attribute_id, &opts).await?)
        }
        "domain.id" => {
            let _: EmptyInput = parse(input, "EmptyInput")?;
            to_json(client.domain().id().await?)
        }
        "domain.linked" => {
            let _: EmptyInput = parse(input, "EmptyInput")?;
            to_json(client.domain().linked().await?)
        }
        "domain.link" => body!(DomainLinkRequest, |r| client.domain().link(r)),
        "domain.confirmLink" => body!(DomainConfirmLinkRequest, |r| client.domain().confirm_link(r)),
        "domain.unlink" => body!(DomainUnlinkRequest, |r| client.domain().unlink(r)),
        "device.revoke" => body!(DeviceRevokeRequest, |r| client.device().revoke(r)),
        "auth.start" => body!(AuthStartRequest, |r| client.auth().start(r)),
        "auth.continue" => body!(AuthContinueRequest, |r| client.auth().continue_auth(r)),
        "auth.finish" => body!(AuthFinishRequest, |r| client.auth().finish(r)),
        _ => Err(Error::validation("method", "unknown method; see dispatch::methods() for the list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_unique_and_cover_every_operation() {
        let mut names: Vec<_> = METHODS.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), METHODS.len());
        for op in ops::ALL {
            if op.id == ops::TOKEN.id {
                continue; // tokens are managed by the client itself
            }
            assert!(METHODS.iter().any(|m| m.operation_id == op.id), "{} has no method", op.id);
        }
    }

    #[test]
    fn parse_errors_name_the_field_and_hide_values() {
        let e = parse::<StartRequest>(serde_json::json!({"phoneNumber": "2001001695"}), "StartRequest").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("flowType"));
        let e = parse::<StartRequest>(serde_json::json!({"flowType": "mobile", "phoneNumber": 2001001695u64}), "StartRequest")
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        assert!(!e.message.contains("2001001695"), "{}", e.message);
        let e = parse::<ProveIdInput>(serde_json::json!({"proveId": "x", "extra": "secret"}), "ProveIdInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("extra"));
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn unknown_keys_of_request_models_are_named_at_any_depth() {
        let e = parse_model::<StartRequest>(
            serde_json::json!({"flowType": "mobile", "phoneNumber": "2001001695", "phone": "2001001695"}),
            "StartRequest",
        )
        .unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("phone")));
        assert!(!e.message.contains("2001001695"), "{}", e.message);
        let e = parse_model::<CompleteRequest>(
            serde_json::json!({"correlationId": "c", "individual": {"firstName": "A", "addresses": [{"city": "B", "zip": "1"}]}}),
            "CompleteRequest",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("individual.addresses[0].zip"));
        // Explicit nulls stand for "not set" and are accepted.
        let ok = parse_model::<StartRequest>(serde_json::json!({"flowType": "mobile", "dob": null}), "StartRequest");
        assert!(ok.is_ok());
    }

    #[test]
    fn inputs_must_be_objects_and_unknown_keys_are_named_exactly() {
        for bad in [serde_json::json!([5]), serde_json::json!("x"), serde_json::json!(3)] {
            let e = parse::<BatchGetInput>(bad, "BatchGetInput").unwrap_err();
            assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("input")));
        }
        assert!(parse::<ListInput>(Value::Null, "ListInput").is_ok());
        let e = parse::<ProveIdInput>(serde_json::json!({"proveId": "p", "a`b": 1}), "ProveIdInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("a`b"));
        let e = parse::<EmptyInput>(serde_json::json!({"`x": 1}), "EmptyInput").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("`x"));
    }

    #[test]
    fn scrub_removes_quoted_text() {
        assert_eq!(scrub(r#"invalid type: string "2001001695", expected u32"#), r#"invalid type: string "…", expected u32"#);
        assert_eq!(scrub("invalid type: integer `2001001695`, expected a string"), "invalid type: integer `…`, expected a string");
    }
}
