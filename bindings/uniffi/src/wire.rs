//! Every method of the core's table as one typed request and one typed response enum, with the
//! wire JSON of each: for code that handles requests generically (fixtures or recorded requests
//! loaded from JSON, replays, the shared test vectors). `requestFromJson("flow.start", json)`
//! gives `ProveRequest.FlowStart`, `client.call(request)` runs it through the same typed core
//! method as `client.flow().start(...)`, and `responseToJson` writes the answer with Prove's wire
//! names. JSON input is checked exactly as the core's dispatch checks it (unknown keys and wrong
//! types are `Validation` errors naming the field).
use std::fmt;
use std::result::Result;

use prove_core::api::inputs as core_inputs;
use prove_core::api::pages as core_pages;
use prove_core::binding::{self, cancellable};
use prove_core::models::*;
use prove_core::Error;

use crate::client::{CallOptions, ProveClient};
use crate::error::ProveError;
use crate::listing::{BatchGetOptions, IdentityList, ListIdentitiesOptions};
use crate::runtime::run_to_end;

/// Input of the methods addressed by `proveId` (get, activate, deactivate, disenroll, discover).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ProveIdInput {
    /// Prove's identifier of the enrolled identity.
    pub prove_id: String,
    /// A client-generated unique id for this request (no personal data).
    #[uniffi(default)]
    pub client_request_id: Option<String>,
}

/// Input of `identityManager.crossDomain`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct IdentityIdInput {
    /// Prove's identifier of the identity.
    pub identity_id: String,
    /// A client-generated unique id for this request (no personal data).
    #[uniffi(default)]
    pub client_request_id: Option<String>,
}

/// Input of `identityManager.lookupByPhone`. Printing it hides the number.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct MobileNumberInput {
    /// The phone number to look up.
    pub mobile_number: String,
    /// A client-generated unique id for this request (no personal data).
    #[uniffi(default)]
    pub client_request_id: Option<String>,
}

impl fmt::Debug for MobileNumberInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&core_inputs::MobileNumberInput::from(self.clone()), f)
    }
}

/// Input of `identityData.fetch`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct FetchInput {
    /// Prove's identifier of the identity.
    pub prove_id: String,
    /// The attribute to fetch.
    pub attribute_id: String,
    /// A client-generated unique id for this request (no personal data).
    #[uniffi(default)]
    pub client_request_id: Option<String>,
}

/// Input of the methods that take none (`domain.id`, `domain.linked`).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct EmptyInput {}

/// Converts between a core input type and its record, both ways, field for field.
macro_rules! same_fields {
    ($($ffi:ident <=> $core:ty { $($f:ident),* };)*) => {$(
        impl From<$ffi> for $core {
            #[allow(unused_mut, unused_variables)]
            fn from(v: $ffi) -> Self {
                let mut out = <$core>::default();
                $(out.$f = v.$f;)*
                out
            }
        }
        impl From<$core> for $ffi {
            #[allow(unused_variables)]
            fn from(v: $core) -> Self {
                $ffi { $($f: v.$f),* }
            }
        }
    )*};
}

same_fields! {
    ProveIdInput <=> core_inputs::ProveIdInput { prove_id, client_request_id };
    IdentityIdInput <=> core_inputs::IdentityIdInput { identity_id, client_request_id };
    MobileNumberInput <=> core_inputs::MobileNumberInput { mobile_number, client_request_id };
    FetchInput <=> core_inputs::FetchInput { prove_id, attribute_id, client_request_id };
    EmptyInput <=> core_inputs::EmptyInput {};
}

impl From<core_inputs::IdentityList> for IdentityList {
    fn from(l: core_inputs::IdentityList) -> Self {
        IdentityList { results: l.results, pages: i64::try_from(l.pages).unwrap_or(i64::MAX) }
    }
}

impl From<IdentityList> for core_inputs::IdentityList {
    fn from(l: IdentityList) -> Self {
        core_inputs::IdentityList { results: l.results, pages: u64::try_from(l.pages).unwrap_or(0) }
    }
}

fn signed(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<core_pages::BatchGetOptions> for BatchGetOptions {
    fn from(o: core_pages::BatchGetOptions) -> Self {
        BatchGetOptions {
            limit: o.limit.map(signed),
            start_key: o.start_key,
            show_inactive: o.show_inactive,
            client_request_id: o.client_request_id,
        }
    }
}

impl From<core_pages::ListIdentities> for ListIdentitiesOptions {
    fn from(o: core_pages::ListIdentities) -> Self {
        ListIdentitiesOptions {
            limit: o.limit.map(signed),
            show_inactive: o.show_inactive,
            client_request_id: o.client_request_id,
        }
    }
}

fn read_options(id: Option<String>) -> prove_core::api::ReadOptions {
    id.map(prove_core::api::ReadOptions::with_client_request_id).unwrap_or_default()
}

macro_rules! wire {
    ($(
        $variant:ident = $name:literal,
        $cin:ty => $fin:ty,
        $cout:ty => $fout:ty,
        |$c:ident, $i:ident| $call:expr;
    )*) => {
        /// A request of any method of the core's table (the variant names the method).
        // Built once per call and moved, never kept in bulk: the size of the largest request
        // (AuthStartRequest) is no cost worth a box per variant.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, uniffi::Enum)]
        pub enum ProveRequest {
            $(
                $variant { request: $fin },
            )*
        }

        /// The response of any method of the core's table (the variant names the method).
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, uniffi::Enum)]
        pub enum ProveResponse {
            $(
                $variant { response: $fout },
            )*
        }

        /// The names of every method, in the core's order (`flow.start`, …).
        #[uniffi::export]
        pub fn method_names() -> Vec<String> {
            vec![$($name.to_owned()),*]
        }

        /// The request of `method` (`flow.start`, `identityManager.get`, …) from its wire JSON
        /// (Prove's field names; for methods addressed by ids, the ids by name). Errors:
        /// `Validation` naming the field for an unknown key, a value of the wrong type, or an
        /// unknown method (field `method`).
        #[uniffi::export]
        pub fn request_from_json(method: String, json: String) -> Result<ProveRequest, ProveError> {
            let input = binding::parse_json_text(&json)?;
            Ok(match method.as_str() {
                $($name => ProveRequest::$variant {
                    request: <$fin>::from(prove_core::dispatch::parse_input::<$cin>(input, stringify!($cin))?),
                },)*
                _ => return Err(Error::validation("method", "is not a method of the SDK").into()),
            })
        }

        /// The wire JSON of a request (Prove's field names, absent optional fields left out).
        #[uniffi::export]
        pub fn request_to_json(request: ProveRequest) -> Result<String, ProveError> {
            Ok(match request {
                $(ProveRequest::$variant { request } => binding::to_json_text(&<$cin>::from(request))?,)*
            })
        }

        /// The wire JSON of a response (Prove's field names).
        #[uniffi::export]
        pub fn response_to_json(response: ProveResponse) -> Result<String, ProveError> {
            Ok(match response {
                $(ProveResponse::$variant { response } => binding::to_json_text(&<$cout>::from(response))?,)*
            })
        }

        #[uniffi::export]
        impl ProveRequest {
            /// The method this request is for (`flow.start`, …).
            pub fn method(&self) -> String {
                match self {
                    $(ProveRequest::$variant { .. } => $name.to_owned(),)*
                }
            }
        }

        impl ProveClient {
            async fn dispatch(&self, request: ProveRequest, options: Option<CallOptions>) -> Result<ProveResponse, ProveError> {
                let client = self.call_client(options)?;
                let closed = self.handle.closed_token().clone();
                let call = async move {
                    Ok(match request {
                        $(ProveRequest::$variant { request } => {
                            let $i: $cin = request.into();
                            let $c = &client;
                            let out: $cout = $call.await?;
                            ProveResponse::$variant { response: out.into() }
                        })*
                    })
                };
                Ok(run_to_end(async move { cancellable(call, &[&closed]).await }).await?)
            }
        }
    };
}

wire! {
    FlowStart = "flow.start", StartRequest => StartRequest, StartResponse => StartResponse,
        |c, i| c.flow().start(&i);
    FlowValidate = "flow.validate", ValidateRequest => ValidateRequest, ValidateResponse => ValidateResponse,
        |c, i| c.flow().validate(&i);
    FlowChallenge = "flow.challenge", ChallengeRequest => ChallengeRequest, ChallengeResponse => ChallengeResponse,
        |c, i| c.flow().challenge(&i);
    FlowComplete = "flow.complete", CompleteRequest => CompleteRequest, CompleteResponse => CompleteResponse,
        |c, i| c.flow().complete(&i);
    VerifiedUsersVerify = "verifiedUsers.verify", VerifyRequest => VerifyRequest, VerifyResponse => VerifyResponse,
        |c, i| c.verified_users().verify(&i);
    VerifiedUsersVerifyWithPossession = "verifiedUsers.verifyWithPossession",
        LegacyVerifyRequest => LegacyVerifyRequest, LegacyVerifyResponse => LegacyVerifyResponse,
        |c, i| c.verified_users().verify_with_possession(&i);
    VerifiedUsersVerifyStatus = "verifiedUsers.verifyStatus",
        VerifyStatusRequest => VerifyStatusRequest, VerifyStatusResponse => VerifyStatusResponse,
        |c, i| c.verified_users().verify_status(&i);
    VerifiedUsersVerifyBatch = "verifiedUsers.verifyBatch",
        VerifyBatchRequest => VerifyBatchRequest, VerifyBatchResponse => VerifyBatchResponse,
        |c, i| c.verified_users().verify_batch(&i);
    UnifyUnify = "unify.unify", UnifyRequest => UnifyRequest, UnifyResponse => UnifyResponse,
        |c, i| c.unify().unify(&i);
    UnifyStatus = "unify.status", UnifyStatusRequest => UnifyStatusRequest, UnifyStatusResponse => UnifyStatusResponse,
        |c, i| c.unify().status(&i);
    UnifyBind = "unify.bind", UnifyBindRequest => UnifyBindRequest, UnifyBindResponse => UnifyBindResponse,
        |c, i| c.unify().bind(&i);
    IdentityManagerEnroll = "identityManager.enroll",
        EnrollIdentityRequest => EnrollIdentityRequest, EnrollIdentityResponse => EnrollIdentityResponse,
        |c, i| c.identity_manager().enroll(&i);
    IdentityManagerBatchEnroll = "identityManager.batchEnroll",
        BatchEnrollIdentitiesRequest => BatchEnrollIdentitiesRequest,
        BatchEnrollIdentitiesResponse => BatchEnrollIdentitiesResponse,
        |c, i| c.identity_manager().batch_enroll(&i);
    IdentityManagerBatchGet = "identityManager.batchGet",
        core_pages::BatchGetOptions => BatchGetOptions, BatchGetIdentitiesResponse => BatchGetIdentitiesResponse,
        |c, i| c.identity_manager().batch_get(&i);
    IdentityManagerListAll = "identityManager.listAll",
        core_pages::ListIdentities => ListIdentitiesOptions, core_inputs::IdentityList => IdentityList,
        |c, i| c.identity_manager().list_all(i);
    IdentityManagerGet = "identityManager.get",
        core_inputs::ProveIdInput => ProveIdInput, GetIdentityResponse => GetIdentityResponse,
        |c, i| c.identity_manager().get(&i.prove_id, &read_options(i.client_request_id.clone()));
    IdentityManagerLookupByPhone = "identityManager.lookupByPhone",
        core_inputs::MobileNumberInput => MobileNumberInput,
        GetIdentitiesByPhoneNumberResponse => GetIdentitiesByPhoneNumberResponse,
        |c, i| c.identity_manager().lookup_by_phone(&i.mobile_number, &read_options(i.client_request_id.clone()));
    IdentityManagerActivate = "identityManager.activate",
        core_inputs::ProveIdInput => ProveIdInput, ActivateIdentityResponse => ActivateIdentityResponse,
        |c, i| c.identity_manager().activate(&i.prove_id, &ActivateIdentityRequest::new().client_request_id_opt(&i));
    IdentityManagerDeactivate = "identityManager.deactivate",
        core_inputs::ProveIdInput => ProveIdInput, DeactivateIdentityResponse => DeactivateIdentityResponse,
        |c, i| c.identity_manager().deactivate(&i.prove_id, &DeactivateIdentityRequest::new().client_request_id_opt(&i));
    IdentityManagerDisenroll = "identityManager.disenroll",
        core_inputs::ProveIdInput => ProveIdInput, DisenrollIdentityResponse => DisenrollIdentityResponse,
        |c, i| c.identity_manager().disenroll(&i.prove_id, &read_options(i.client_request_id.clone()));
    IdentityManagerCrossDomain = "identityManager.crossDomain",
        core_inputs::IdentityIdInput => IdentityIdInput, CrossDomainIdentityResponse => CrossDomainIdentityResponse,
        |c, i| c.identity_manager().cross_domain(&i.identity_id, &CrossDomainIdentityRequest::new().client_request_id_opt(&i));
    IdentityDataDiscover = "identityData.discover",
        core_inputs::ProveIdInput => ProveIdInput, DiscoverResponse => DiscoverResponse,
        |c, i| c.identity_data().discover(&i.prove_id, &read_options(i.client_request_id.clone()));
    IdentityDataFetch = "identityData.fetch",
        core_inputs::FetchInput => FetchInput, FetchResponse => FetchResponse,
        |c, i| c.identity_data().fetch(&i.prove_id, &i.attribute_id, &read_options(i.client_request_id.clone()));
    DomainId = "domain.id", core_inputs::EmptyInput => EmptyInput, DomainIdResponse => DomainIdResponse,
        |c, _i| c.domain().id();
    DomainLinked = "domain.linked", core_inputs::EmptyInput => EmptyInput, DomainLinkedResponse => DomainLinkedResponse,
        |c, _i| c.domain().linked();
    DomainLink = "domain.link", DomainLinkRequest => DomainLinkRequest, DomainLinkResponse => DomainLinkResponse,
        |c, i| c.domain().link(&i);
    DomainConfirmLink = "domain.confirmLink",
        DomainConfirmLinkRequest => DomainConfirmLinkRequest, DomainConfirmLinkResponse => DomainConfirmLinkResponse,
        |c, i| c.domain().confirm_link(&i);
    DomainUnlink = "domain.unlink", DomainUnlinkRequest => DomainUnlinkRequest, DomainUnlinkResponse => DomainUnlinkResponse,
        |c, i| c.domain().unlink(&i);
    DeviceRevoke = "device.revoke", DeviceRevokeRequest => DeviceRevokeRequest, DeviceRevokeResponse => DeviceRevokeResponse,
        |c, i| c.device().revoke(&i);
    AuthStart = "auth.start", AuthStartRequest => AuthStartRequest, AuthStartResponse => AuthStartResponse,
        |c, i| c.auth().start(&i);
    AuthContinue = "auth.continue", AuthContinueRequest => AuthContinueRequest, AuthContinueResponse => AuthContinueResponse,
        |c, i| c.auth().continue_auth(&i);
    AuthFinish = "auth.finish", AuthFinishRequest => AuthFinishRequest, AuthFinishResponse => AuthFinishResponse,
        |c, i| c.auth().finish(&i);
}

/// The `clientRequestId` of an id-addressed input, for the request bodies that carry only it.
trait WithClientRequestId {
    fn client_request_id_opt<I: HasClientRequestId>(self, input: &I) -> Self;
}

trait HasClientRequestId {
    fn id(&self) -> Option<String>;
}

impl HasClientRequestId for core_inputs::ProveIdInput {
    fn id(&self) -> Option<String> {
        self.client_request_id.clone()
    }
}

impl HasClientRequestId for core_inputs::IdentityIdInput {
    fn id(&self) -> Option<String> {
        self.client_request_id.clone()
    }
}

macro_rules! with_client_request_id {
    ($($t:ty),*) => {$(
        impl WithClientRequestId for $t {
            fn client_request_id_opt<I: HasClientRequestId>(mut self, input: &I) -> Self {
                self.client_request_id = input.id();
                self
            }
        }
    )*};
}
with_client_request_id!(ActivateIdentityRequest, DeactivateIdentityRequest, CrossDomainIdentityRequest);

#[uniffi::export]
impl ProveClient {
    /// Runs any request of the core's table (see `requestFromJson`): the same typed core method
    /// as the area objects call, stopped by `close()` like them.
    #[uniffi::method(default(options = None))]
    pub async fn call(&self, request: ProveRequest, options: Option<CallOptions>) -> Result<ProveResponse, ProveError> {
        self.dispatch(request, options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prove_core::ErrorKind;

    #[test]
    fn every_method_of_the_core_has_a_variant_in_the_same_order() {
        let core: Vec<&str> = prove_core::api::methods::all().iter().map(|m| m.name).collect();
        assert_eq!(method_names(), core);
    }

    #[test]
    fn json_round_trips_and_is_checked_like_the_dispatch() {
        let r = request_from_json("identityManager.get".into(), r#"{"proveId":"p-1"}"#.into()).unwrap();
        assert_eq!(r.method(), "identityManager.get");
        assert_eq!(request_to_json(r).unwrap(), r#"{"proveId":"p-1"}"#);
        let e = request_from_json("flow.start".into(), r#"{"flowType":"mobile","phone":"1"}"#.into()).unwrap_err();
        assert_eq!((e.kind(), e.field_name().as_deref()), (ErrorKind::Validation, Some("phone")));
        let e = request_from_json("flow.nope".into(), "{}".into()).unwrap_err();
        assert_eq!(e.field_name().as_deref(), Some("method"));
    }
}
