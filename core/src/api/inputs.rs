//! Inputs of the operations addressed by path or query (and the one composite output), each
//! declared once: the `described!` macro writes the serde struct with Prove's wire names and the
//! [`ModelMeta`] that binding generators read, from the same lines. Request bodies are the models
//! of [`crate::models`]; these are the rest.
use crate::api::ReadOptions;
use crate::models::meta::ModelMeta;
use crate::models::GetBatchIdentityItem;

/// Declares a wire-named struct and its description. Fields are listed as
/// `rust_name: Type = "wireName" ("type expression"[, sensitive]) "doc"`, the required ones first
/// (they must be present on input), then the optional ones (`Option`s, left out when unset).
/// `Debug` shows `<redacted>` for sensitive fields. Unknown input keys are refused.
macro_rules! described {
    (
        $(#[doc = $doc:literal])+
        $name:ident {
            required { $($rf:ident: $rty:ty = $rwire:literal ($rexpr:literal $(, $rsens:ident)?) $rdoc:literal,)* }
            optional { $($of:ident: $oty:ty = $owire:literal ($oexpr:literal $(, $osens:ident)?) $odoc:literal,)* }
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                #[doc = $rdoc]
                #[serde(rename = $rwire)]
                pub $rf: $rty,
            )*
            $(
                #[doc = $odoc]
                #[serde(rename = $owire, default, skip_serializing_if = "Option::is_none")]
                pub $of: $oty,
            )*
        }

        impl $name {
            /// The description of this type for binding generators.
            pub const META: $crate::models::meta::ModelMeta = $crate::models::meta::ModelMeta {
                name: stringify!($name),
                doc: concat!($($doc),+),
                fields: &[
                    $($crate::models::meta::FieldMeta {
                        wire: $rwire,
                        ty: $rexpr,
                        required: true,
                        doc: $rdoc,
                        sensitive: described!(@sensitive $($rsens)?),
                    },)*
                    $($crate::models::meta::FieldMeta {
                        wire: $owire,
                        ty: $oexpr,
                        required: false,
                        doc: $odoc,
                        sensitive: described!(@sensitive $($osens)?),
                    },)*
                ],
            };
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                $(
                    if described!(@sensitive $($rsens)?) {
                        d.field(stringify!($rf), &"<redacted>");
                    } else {
                        d.field(stringify!($rf), &self.$rf);
                    }
                )*
                $(
                    if described!(@sensitive $($osens)?) {
                        d.field(stringify!($of), &self.$of.as_ref().map(|_| "<redacted>"));
                    } else {
                        d.field(stringify!($of), &self.$of);
                    }
                )*
                d.finish()
            }
        }
    };
    (@sensitive sensitive) => { true };
    (@sensitive) => { false };
}
pub(crate) use described;

described! {
    /// Input of the methods addressed by `proveId` (get, activate, deactivate, disenroll, discover).
    ProveIdInput {
        required { prove_id: String = "proveId" ("string") "Prove's identifier of the enrolled identity.", }
        optional { client_request_id: Option<String> = "clientRequestId" ("string") "A client-generated unique ID for this request (no personal data).", }
    }
}

described! {
    /// Input of `identityManager.crossDomain`.
    IdentityIdInput {
        required { identity_id: String = "identityId" ("string") "Prove's identifier of the identity.", }
        optional { client_request_id: Option<String> = "clientRequestId" ("string") "A client-generated unique ID for this request (no personal data).", }
    }
}

described! {
    /// Input of `identityManager.lookupByPhone`.
    MobileNumberInput {
        required { mobile_number: String = "mobileNumber" ("string", sensitive) "The phone number to look up.", }
        optional { client_request_id: Option<String> = "clientRequestId" ("string") "A client-generated unique ID for this request (no personal data).", }
    }
}

described! {
    /// Input of `identityData.fetch`.
    FetchInput {
        required {
            prove_id: String = "proveId" ("string") "Prove's identifier of the identity.",
            attribute_id: String = "attributeId" ("string") "The attribute to fetch.",
        }
        optional { client_request_id: Option<String> = "clientRequestId" ("string") "A client-generated unique ID for this request (no personal data).", }
    }
}

described! {
    /// Input of methods that take none.
    EmptyInput { required {} optional {} }
}

described! {
    /// Output of `identityManager.listAll`: every identity of every page.
    IdentityList {
        required {
            results: Vec<GetBatchIdentityItem> = "results" ("array<ref:GetBatchIdentityItem>") "Every identity, in listing order.",
            pages: u64 = "pages" ("integer") "Number of pages fetched.",
        }
        optional {}
    }
}

/// The read options of an input carrying only `clientRequestId` besides its path values.
macro_rules! read_options {
    ($($t:ty),*) => {$(
        impl $t {
            /// The `clientRequestId` of this input as [`ReadOptions`].
            pub fn read_options(&self) -> ReadOptions {
                ReadOptions { client_request_id: self.client_request_id.clone() }
            }
        }
    )*};
}
read_options!(ProveIdInput, IdentityIdInput, MobileNumberInput, FetchInput);

/// Every type declared here and in [`crate::api::pages`], for generators.
pub const DESCRIBED: &[ModelMeta] = &[
    ProveIdInput::META,
    IdentityIdInput::META,
    MobileNumberInput::META,
    FetchInput::META,
    crate::api::pages::BatchGetOptions::META,
    crate::api::pages::ListIdentities::META,
    EmptyInput::META,
    IdentityList::META,
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    fn sample(ty: &str) -> Value {
        match ty {
            "string" => json!("x"),
            "integer" => json!(1),
            "boolean" => json!(true),
            t if t.starts_with("array<") => json!([]),
            other => panic!("no sample for {other}"),
        }
    }

    fn object(meta: &ModelMeta, only_required: bool) -> Value {
        let m: Map<String, Value> = meta
            .fields
            .iter()
            .filter(|f| f.required || !only_required)
            .map(|f| (f.wire.to_owned(), sample(f.ty)))
            .collect();
        Value::Object(m)
    }

    fn check<T: serde::de::DeserializeOwned + serde::Serialize + Default>(meta: &ModelMeta) {
        let name = meta.name;
        // Every described field exists with the described type (unknown keys are refused).
        let full: T = serde_json::from_value(object(meta, false)).unwrap_or_else(|e| panic!("{name} full: {e}"));
        // Written back, every field is there under its wire name.
        let back = serde_json::to_value(&full).expect("serialise");
        for f in meta.fields {
            assert!(back.get(f.wire).is_some(), "{name}.{} is not written back", f.wire);
        }
        assert!(serde_json::from_value::<T>(json!({"notAField": 1})).is_err(), "{name} accepts unknown keys");
        // The required fields suffice, and each one is required.
        let required = object(meta, true);
        serde_json::from_value::<T>(required.clone()).unwrap_or_else(|e| panic!("{name} required: {e}"));
        for f in meta.fields.iter().filter(|f| f.required) {
            let mut v = required.clone();
            v.as_object_mut().expect("object").remove(f.wire);
            assert!(serde_json::from_value::<T>(v).is_err(), "{name}.{} should be required", f.wire);
        }
        // Nothing of the type is left undescribed.
        if let Ok(Value::Object(m)) = serde_json::to_value(T::default()) {
            for k in m.keys() {
                assert!(meta.fields.iter().any(|f| f.wire == k), "{name}.{k} is not described");
            }
        }
    }

    #[test]
    fn descriptions_match_the_types() {
        check::<ProveIdInput>(&ProveIdInput::META);
        check::<IdentityIdInput>(&IdentityIdInput::META);
        check::<MobileNumberInput>(&MobileNumberInput::META);
        check::<FetchInput>(&FetchInput::META);
        check::<EmptyInput>(&EmptyInput::META);
        check::<IdentityList>(&IdentityList::META);
        check::<crate::api::pages::BatchGetOptions>(&crate::api::pages::BatchGetOptions::META);
        check::<crate::api::pages::ListIdentities>(&crate::api::pages::ListIdentities::META);
        let mut names: Vec<_> = DESCRIBED.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DESCRIBED.len());
    }

    #[test]
    fn debug_hides_sensitive_fields() {
        let i = MobileNumberInput { mobile_number: "2001001695".into(), client_request_id: Some("r-1".into()) };
        let dbg = format!("{i:?}");
        assert!(!dbg.contains("2001001695"), "{dbg}");
        assert!(dbg.contains("r-1"), "{dbg}");
    }
}
