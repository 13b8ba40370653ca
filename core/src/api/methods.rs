//! The method table: every operation a binding can call, described once.
//!
//! Each line gives the stable method name (`group.method`, the name every language exposes), the
//! operation of [`crate::ops`], the input type (a request model of [`crate::models`] or an input
//! of [`crate::api::inputs`] / [`crate::api::pages`]), the output type, and the call itself.
//! [`crate::dispatch`] runs methods from it, and the binding generators (`tools/typegen`) print
//! each language's method groups, input and output types from it.
//!
//! Adding an operation: regenerate the models and `ops.rs` from `spec/`, write the typed method in
//! its area module, and add one line here.
use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::api::inputs::*;
use crate::api::pages::{BatchGetOptions, ListIdentities};
use crate::client::Client;
use crate::dispatch::{parse_input, to_json};
use crate::error::Result;
use crate::models::meta::{FieldMeta, ModelMeta, MODELS};
use crate::models::*;
use crate::ops;

/// The call of one method: the client and the input as JSON, to the output as JSON.
pub type CallFn = for<'a> fn(&'a Client, Value) -> BoxFuture<'a, Result<Value>>;

/// One method of the table.
#[derive(Clone, Copy)]
pub struct MethodInfo {
    /// Stable name, e.g. `"flow.start"`: the group (`flow`) and the method (`start`).
    pub name: &'static str,
    /// Prove's operationId, e.g. `"V3StartRequest"`.
    pub operation_id: &'static str,
    /// Name of the input type (a model, or a type of [`crate::api::inputs`] / [`crate::api::pages`]).
    pub request_type: &'static str,
    /// Name of the output type.
    pub response_type: &'static str,
    /// Runs the method (see [`crate::dispatch::call_json`]).
    pub call: CallFn,
}

impl MethodInfo {
    /// The group of the method: `flow` of `flow.start`.
    pub fn group(&self) -> &'static str {
        self.name.split_once('.').map_or("", |(g, _)| g)
    }

    /// The method within its group: `start` of `flow.start`.
    pub fn short_name(&self) -> &'static str {
        self.name.split_once('.').map_or(self.name, |(_, m)| m)
    }

    /// The description of the input type.
    pub fn input(&self) -> &'static ModelMeta {
        describe(self.request_type).expect("every input type is described (tested)")
    }

    /// The description of the output type.
    pub fn output(&self) -> &'static ModelMeta {
        describe(self.response_type).expect("every output type is described (tested)")
    }

    /// The fields of the input type, with wire names.
    pub fn input_fields(&self) -> &'static [FieldMeta] {
        self.input().fields
    }

    /// Whether the input has a `clientRequestId` field.
    pub fn takes_client_request_id(&self) -> bool {
        self.input_fields().iter().any(|f| f.wire == "clientRequestId")
    }

    /// Whether the input may be omitted (it has no required field).
    pub fn input_optional(&self) -> bool {
        self.input_fields().iter().all(|f| !f.required)
    }
}

impl std::fmt::Debug for MethodInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodInfo")
            .field("name", &self.name)
            .field("operation_id", &self.operation_id)
            .field("request_type", &self.request_type)
            .field("response_type", &self.response_type)
            .finish_non_exhaustive()
    }
}

impl PartialEq for MethodInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for MethodInfo {}

/// The description of a model or input type by name.
pub fn describe(type_name: &str) -> Option<&'static ModelMeta> {
    MODELS.iter().chain(DESCRIBED).find(|m| m.name == type_name)
}

/// Every method, in a stable order (grouped by product area).
pub fn all() -> &'static [MethodInfo] {
    METHODS
}

/// The method named `name`.
pub fn find(name: &str) -> Option<&'static MethodInfo> {
    METHODS.iter().find(|m| m.name == name)
}

macro_rules! methods {
    ($($name:literal => $op:ident, $input:ident -> $output:ident, |$c:ident, $i:pat_param| $call:expr;)*) => {
        static METHODS: &[MethodInfo] = &[$(
            MethodInfo {
                name: $name,
                operation_id: ops::$op.id,
                request_type: stringify!($input),
                response_type: stringify!($output),
                call: {
                    fn call(client: &Client, input: Value) -> BoxFuture<'_, Result<Value>> {
                        Box::pin(async move {
                            let parsed: $input = parse_input(input, stringify!($input))?;
                            let ($c, $i) = (client, &parsed);
                            let out: $output = $call.await?;
                            to_json(out)
                        })
                    }
                    call
                },
            },
        )*];
    };
}

methods! {
    "flow.start" => START, StartRequest -> StartResponse, |c, r| c.flow().start(r);
    "flow.validate" => VALIDATE, ValidateRequest -> ValidateResponse, |c, r| c.flow().validate(r);
    "flow.challenge" => CHALLENGE, ChallengeRequest -> ChallengeResponse, |c, r| c.flow().challenge(r);
    "flow.complete" => COMPLETE, CompleteRequest -> CompleteResponse, |c, r| c.flow().complete(r);
    "verifiedUsers.verify" => VERIFY, VerifyRequest -> VerifyResponse, |c, r| c.verified_users().verify(r);
    "verifiedUsers.verifyWithPossession" => VERIFY, LegacyVerifyRequest -> LegacyVerifyResponse,
        |c, r| c.verified_users().verify_with_possession(r);
    "verifiedUsers.verifyStatus" => VERIFY_STATUS, VerifyStatusRequest -> VerifyStatusResponse,
        |c, r| c.verified_users().verify_status(r);
    "verifiedUsers.verifyBatch" => VERIFY_BATCH, VerifyBatchRequest -> VerifyBatchResponse,
        |c, r| c.verified_users().verify_batch(r);
    "unify.unify" => UNIFY, UnifyRequest -> UnifyResponse, |c, r| c.unify().unify(r);
    "unify.status" => UNIFY_STATUS, UnifyStatusRequest -> UnifyStatusResponse, |c, r| c.unify().status(r);
    "unify.bind" => UNIFY_BIND, UnifyBindRequest -> UnifyBindResponse, |c, r| c.unify().bind(r);
    "identityManager.enroll" => ENROLL_IDENTITY, EnrollIdentityRequest -> EnrollIdentityResponse,
        |c, r| c.identity_manager().enroll(r);
    "identityManager.batchEnroll" => BATCH_ENROLL_IDENTITIES, BatchEnrollIdentitiesRequest -> BatchEnrollIdentitiesResponse,
        |c, r| c.identity_manager().batch_enroll(r);
    "identityManager.batchGet" => BATCH_GET_IDENTITIES, BatchGetOptions -> BatchGetIdentitiesResponse,
        |c, o| c.identity_manager().batch_get(o);
    "identityManager.listAll" => BATCH_GET_IDENTITIES, ListIdentities -> IdentityList,
        |c, o| c.identity_manager().list_all(o.clone());
    "identityManager.get" => GET_IDENTITY, ProveIdInput -> GetIdentityResponse,
        |c, i| c.identity_manager().get(&i.prove_id, &i.read_options());
    "identityManager.lookupByPhone" => GET_IDENTITIES_BY_PHONE_NUMBER, MobileNumberInput -> GetIdentitiesByPhoneNumberResponse,
        |c, i| c.identity_manager().lookup_by_phone(&i.mobile_number, &i.read_options());
    "identityManager.activate" => ACTIVATE_IDENTITY, ProveIdInput -> ActivateIdentityResponse,
        |c, i| c.identity_manager().activate(&i.prove_id, &ActivateIdentityRequest { client_request_id: i.client_request_id.clone() });
    "identityManager.deactivate" => DEACTIVATE_IDENTITY, ProveIdInput -> DeactivateIdentityResponse,
        |c, i| c.identity_manager().deactivate(&i.prove_id, &DeactivateIdentityRequest { client_request_id: i.client_request_id.clone() });
    "identityManager.disenroll" => DISENROLL_IDENTITY, ProveIdInput -> DisenrollIdentityResponse,
        |c, i| c.identity_manager().disenroll(&i.prove_id, &i.read_options());
    "identityManager.crossDomain" => CROSS_DOMAIN_IDENTITY, IdentityIdInput -> CrossDomainIdentityResponse,
        |c, i| c.identity_manager().cross_domain(&i.identity_id, &CrossDomainIdentityRequest { client_request_id: i.client_request_id.clone() });
    "identityData.discover" => DISCOVER, ProveIdInput -> DiscoverResponse,
        |c, i| c.identity_data().discover(&i.prove_id, &i.read_options());
    "identityData.fetch" => FETCH, FetchInput -> FetchResponse,
        |c, i| c.identity_data().fetch(&i.prove_id, &i.attribute_id, &i.read_options());
    "domain.id" => DOMAIN_ID, EmptyInput -> DomainIdResponse, |c, _i| c.domain().id();
    "domain.linked" => DOMAIN_LINKED, EmptyInput -> DomainLinkedResponse, |c, _i| c.domain().linked();
    "domain.link" => DOMAIN_LINK, DomainLinkRequest -> DomainLinkResponse, |c, r| c.domain().link(r);
    "domain.confirmLink" => DOMAIN_CONFIRM_LINK, DomainConfirmLinkRequest -> DomainConfirmLinkResponse,
        |c, r| c.domain().confirm_link(r);
    "domain.unlink" => DOMAIN_UNLINK, DomainUnlinkRequest -> DomainUnlinkResponse, |c, r| c.domain().unlink(r);
    "device.revoke" => DEVICE_REVOKE, DeviceRevokeRequest -> DeviceRevokeResponse, |c, r| c.device().revoke(r);
    "auth.start" => AUTH_START, AuthStartRequest -> AuthStartResponse, |c, r| c.auth().start(r);
    "auth.continue" => AUTH_CONTINUE, AuthContinueRequest -> AuthContinueResponse, |c, r| c.auth().continue_auth(r);
    "auth.finish" => AUTH_FINISH, AuthFinishRequest -> AuthFinishResponse, |c, r| c.auth().finish(r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_operation_has_a_method() {
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
    fn every_input_and_output_is_described() {
        for m in METHODS {
            assert!(describe(m.request_type).is_some(), "{}: {} is not described", m.name, m.request_type);
            assert!(describe(m.response_type).is_some(), "{}: {} is not described", m.name, m.response_type);
            assert!(!m.group().is_empty() && !m.short_name().is_empty(), "{}", m.name);
            assert_eq!(find(m.name), Some(m));
        }
        assert!(find("flow.nope").is_none());
        assert!(find("identityManager.get").is_some_and(|m| m.takes_client_request_id() && !m.input_optional()));
        assert!(find("domain.id").is_some_and(|m| m.input_optional() && !m.takes_client_request_id()));
    }
}
