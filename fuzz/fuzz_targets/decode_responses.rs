//! Arbitrary bytes decoded into every main response model: decoding must return `Ok` or `Err`,
//! and whatever decodes must format (redacting `Debug`) and re-encode without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prove_core::models::*;
use prove_core::webhook::WebhookPayload;

fn decode<T>(data: &[u8])
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let _ = format!("{value:?}");
        let _ = serde_json::to_vec(&value);
    }
}

macro_rules! decode_all {
    ($data:expr; $($t:ty),+ $(,)?) => {
        $(decode::<$t>($data);)+
    };
}

fuzz_target!(|data: &[u8]| {
    decode_all!(data;
        TokenResponse,
        StartResponse,
        ValidateResponse,
        ChallengeResponse,
        CompleteResponse,
        VerifyResponse,
        VerifyStatusResponse,
        VerifyBatchResponse,
        LegacyVerifyResponse,
        UnifyResponse,
        UnifyStatusResponse,
        UnifyBindResponse,
        DiscoverResponse,
        FetchResponse,
        AuthStartResponse,
        AuthContinueResponse,
        AuthFinishResponse,
        EnrollIdentityResponse,
        BatchEnrollIdentitiesResponse,
        BatchGetIdentitiesResponse,
        GetIdentityResponse,
        GetIdentitiesByPhoneNumberResponse,
        ActivateIdentityResponse,
        DeactivateIdentityResponse,
        DisenrollIdentityResponse,
        CrossDomainIdentityResponse,
        DeviceRevokeResponse,
        DomainConfirmLinkResponse,
        DomainIdResponse,
        DomainLinkResponse,
        DomainLinkedResponse,
        DomainUnlinkResponse,
        WebhookPayload,
    );
});
