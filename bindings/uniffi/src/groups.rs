//! One object per product area of the core (`client.flow()`, `client.identityManager()`, …),
//! each operation an async method over the core's typed API: the request record in, the
//! response record out, every error a [`ProveError`].
//!
//! Operations addressed by ids in the path or query take the ids as arguments and an optional
//! `clientRequestId`, as the core's methods do.
use std::result::Result;
use std::sync::Arc;

use prove_core::api::ReadOptions;
use prove_core::models::*;

use crate::client::{CallOptions, ProveClient};
use crate::error::ProveError;

/// Declares an area object and its operations that send a request model as the body.
macro_rules! area {
    (
        $(#[$adoc:meta])*
        $api:ident {
            $(
                $(#[$doc:meta])*
                fn $name:ident($req:ty) -> $out:ty => |$c:ident, $r:ident| $call:expr;
            )*
        }
    ) => {
        $(#[$adoc])*
        #[derive(Debug, uniffi::Object)]
        pub struct $api {
            pub(crate) client: Arc<ProveClient>,
        }

        #[uniffi::export]
        impl $api {
            $(
                $(#[$doc])*
                #[uniffi::method(default(options = None))]
                pub async fn $name(&self, request: $req, options: Option<CallOptions>) -> Result<$out, ProveError> {
                    self.client.run(options, |$c| async move { let $r = &request; $call.await }).await
                }
            )*
        }
    };
}

fn read_options(client_request_id: Option<String>) -> ReadOptions {
    match client_request_id {
        Some(id) => ReadOptions::with_client_request_id(id),
        None => ReadOptions::default(),
    }
}

area! {
    /// Pre-Fill and Prove Identity: `start` → `validate` → (`challenge`) → `complete`. Read
    /// `next` of each response to know which step is allowed next.
    FlowApi {
        /// `POST /v3/start`: begin a flow for a phone number; returns the `correlationId` and
        /// the `authToken` for the client-side SDK.
        fn start(StartRequest) -> StartResponse => |c, r| c.flow().start(r);
        /// `POST /v3/validate`: after the possession check, check the phone number.
        fn validate(ValidateRequest) -> ValidateResponse => |c, r| c.flow().validate(r);
        /// `POST /v3/challenge` (Pre-Fill): send the date of birth or SSN; returns the
        /// individual to pre-fill the form with.
        fn challenge(ChallengeRequest) -> ChallengeResponse => |c, r| c.flow().challenge(r);
        /// `POST /v3/complete`: submit the (possibly edited) identity to verify.
        fn complete(CompleteRequest) -> CompleteResponse => |c, r| c.flow().complete(r);
    }
}

area! {
    /// Verified Users: check that a phone number belongs to the named person.
    VerifiedUsersApi {
        /// `POST /v3/verify` with a `verificationType` (current form).
        fn verify(VerifyRequest) -> VerifyResponse => |c, r| c.verified_users().verify(r);
        /// `POST /v3/verify` with a `possessionType` (the guides' form): `pending` with
        /// possession, then `verifyStatus`.
        fn verify_with_possession(LegacyVerifyRequest) -> LegacyVerifyResponse =>
            |c, r| c.verified_users().verify_with_possession(r);
        /// `POST /v3/verify-status`: the result of a verification started with possession.
        fn verify_status(VerifyStatusRequest) -> VerifyStatusResponse => |c, r| c.verified_users().verify_status(r);
        /// `POST /v3/verify/batch`: verify up to 100 people in one call.
        fn verify_batch(VerifyBatchRequest) -> VerifyBatchResponse => |c, r| c.verified_users().verify_batch(r);
    }
}

area! {
    /// Unified Authentication: possession by Prove, or by you (`possessionType` none, then bind).
    UnifyApi {
        /// `POST /v3/unify`: start a possession check (`pending`, with the `authToken`).
        fn unify(UnifyRequest) -> UnifyResponse => |c, r| c.unify().unify(r);
        /// `POST /v3/unify-status`: the outcome after the client SDK ran.
        fn status(UnifyStatusRequest) -> UnifyStatusResponse => |c, r| c.unify().status(r);
        /// `POST /v3/unify-bind`: bind the Prove Key after your own possession check.
        fn bind(UnifyBindRequest) -> UnifyBindResponse => |c, r| c.unify().bind(r);
    }
}

area! {
    /// Identity Manager: enroll phone numbers for monitoring and manage the enrolled identities.
    IdentityManagerApi {
        /// `POST /v3/identity`: enroll a phone number; returns the new `proveId`.
        fn enroll(EnrollIdentityRequest) -> EnrollIdentityResponse => |c, r| c.identity_manager().enroll(r);
        /// `POST /v3/identity/batch`: enroll up to 100 identities (either item shape).
        fn batch_enroll(BatchEnrollIdentitiesRequest) -> BatchEnrollIdentitiesResponse =>
            |c, r| c.identity_manager().batch_enroll(r);
    }
}

area! {
    /// Domains: this account's identity, and links between accounts.
    DomainApi {
        /// `POST /v3/domain/link`: ask account `pcid` to link with this one.
        fn link(DomainLinkRequest) -> DomainLinkResponse => |c, r| c.domain().link(r);
        /// `POST /v3/domain/confirm-link`: accept the link request from account `pcid`.
        fn confirm_link(DomainConfirmLinkRequest) -> DomainConfirmLinkResponse => |c, r| c.domain().confirm_link(r);
        /// `POST /v3/domain/unlink`: remove a link or a pending request.
        fn unlink(DomainUnlinkRequest) -> DomainUnlinkResponse => |c, r| c.domain().unlink(r);
    }
}

area! {
    /// Devices (Prove Keys).
    DeviceApi {
        /// `POST /v3/device/revoke`: revoke the Prove Key `deviceId`.
        fn revoke(DeviceRevokeRequest) -> DeviceRevokeResponse => |c, r| c.device().revoke(r);
    }
}

area! {
    /// Prove Auth (`/v1/server/auth/...`).
    AuthApi {
        /// `POST /v1/server/auth/start`: start an authentication.
        fn start(AuthStartRequest) -> AuthStartResponse => |c, r| c.auth().start(r);
        /// `POST /v1/server/auth/continue`: continue authentication `authId`.
        fn continue_auth(AuthContinueRequest) -> AuthContinueResponse => |c, r| c.auth().continue_auth(r);
        /// `POST /v1/server/auth/finish`: the result of authentication `authId`.
        fn finish(AuthFinishRequest) -> AuthFinishResponse => |c, r| c.auth().finish(r);
    }
}

#[uniffi::export]
impl IdentityManagerApi {
    /// `GET /v3/identity/{proveId}`: one enrolled identity. Errors: `NotFound` (code 8011).
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn get(
        &self,
        prove_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<GetIdentityResponse, ProveError> {
        let o = read_options(client_request_id);
        self.client.run(options, |c| async move { c.identity_manager().get(&prove_id, &o).await }).await
    }

    /// `GET /v3/identity/{mobileNumber}/lookup`: every identity enrolled for a phone number.
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn lookup_by_phone(
        &self,
        mobile_number: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<GetIdentitiesByPhoneNumberResponse, ProveError> {
        let o = read_options(client_request_id);
        self.client
            .run(options, |c| async move { c.identity_manager().lookup_by_phone(&mobile_number, &o).await })
            .await
    }

    /// `POST /v3/identity/{proveId}/activate`: resume monitoring a deactivated identity.
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn activate(
        &self,
        prove_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<ActivateIdentityResponse, ProveError> {
        let mut req = ActivateIdentityRequest::default();
        req.client_request_id = client_request_id;
        self.client.run(options, |c| async move { c.identity_manager().activate(&prove_id, &req).await }).await
    }

    /// `POST /v3/identity/{proveId}/deactivate`: stop notifications without disenrolling.
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn deactivate(
        &self,
        prove_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<DeactivateIdentityResponse, ProveError> {
        let mut req = DeactivateIdentityRequest::default();
        req.client_request_id = client_request_id;
        self.client.run(options, |c| async move { c.identity_manager().deactivate(&prove_id, &req).await }).await
    }

    /// `DELETE /v3/identity/{proveId}`: remove an identity.
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn disenroll(
        &self,
        prove_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<DisenrollIdentityResponse, ProveError> {
        let o = read_options(client_request_id);
        self.client.run(options, |c| async move { c.identity_manager().disenroll(&prove_id, &o).await }).await
    }

    /// `POST /v3/identity/{identityId}/cross-domain`: the identities linked accounts hold for
    /// the same person.
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn cross_domain(
        &self,
        identity_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<CrossDomainIdentityResponse, ProveError> {
        let mut req = CrossDomainIdentityRequest::default();
        req.client_request_id = client_request_id;
        self.client.run(options, |c| async move { c.identity_manager().cross_domain(&identity_id, &req).await }).await
    }
}

#[uniffi::export]
impl IdentityDataApi {
    /// `GET /v3/discover`: the attributes available for identity `proveId`.
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn discover(
        &self,
        prove_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<DiscoverResponse, ProveError> {
        let o = read_options(client_request_id);
        self.client.run(options, |c| async move { c.identity_data().discover(&prove_id, &o).await }).await
    }

    /// `GET /v3/fetch`: the value of one attribute (an `attributeId` from `discover`).
    #[uniffi::method(default(client_request_id = None, options = None))]
    pub async fn fetch(
        &self,
        prove_id: String,
        attribute_id: String,
        client_request_id: Option<String>,
        options: Option<CallOptions>,
    ) -> Result<FetchResponse, ProveError> {
        let o = read_options(client_request_id);
        self.client.run(options, |c| async move { c.identity_data().fetch(&prove_id, &attribute_id, &o).await }).await
    }
}

/// Identity attributes of an enrolled identity: discover, then fetch.
#[derive(Debug, uniffi::Object)]
pub struct IdentityDataApi {
    pub(crate) client: Arc<ProveClient>,
}

#[uniffi::export]
impl DomainApi {
    /// `GET /v3/domain/id`: this account's `pcid`, `issuerId` and display name.
    #[uniffi::method(default(options = None))]
    pub async fn id(&self, options: Option<CallOptions>) -> Result<DomainIdResponse, ProveError> {
        self.client.run(options, |c| async move { c.domain().id().await }).await
    }

    /// `GET /v3/domain/linked`: accounts linked to and from this one, and pending requests.
    #[uniffi::method(default(options = None))]
    pub async fn linked(&self, options: Option<CallOptions>) -> Result<DomainLinkedResponse, ProveError> {
        self.client.run(options, |c| async move { c.domain().linked().await }).await
    }
}
