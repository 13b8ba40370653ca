//! Descriptions of the `*Input` types and `IdentityList` of `prove_core::dispatch`, in the same
//! form as the generated model metadata. The tests below hold them to the real serde types, so a
//! change in the core fails here instead of drifting silently.
use prove_core::models::meta::FieldMeta;

/// One input (or composite output) type of the dispatch table.
pub struct InputMeta {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [FieldMeta],
}

const fn f(wire: &'static str, ty: &'static str, required: bool, doc: &'static str) -> FieldMeta {
    FieldMeta {
        wire,
        ty,
        required,
        doc,
    }
}

const CLIENT_REQUEST_ID: FieldMeta = f(
    "clientRequestId",
    "string",
    false,
    "A client-generated unique ID for this request (no personal data).",
);

pub const INPUTS: &[InputMeta] = &[
    InputMeta {
        name: "ProveIdInput",
        doc: "Input of methods addressed by `proveId` (get, activate, deactivate, disenroll, discover).",
        fields: &[f("proveId", "string", true, "Prove's identifier of the enrolled identity."), CLIENT_REQUEST_ID],
    },
    InputMeta {
        name: "IdentityIdInput",
        doc: "Input of `identityManager.crossDomain`.",
        fields: &[f("identityId", "string", true, "Prove's identifier of the identity."), CLIENT_REQUEST_ID],
    },
    InputMeta {
        name: "MobileNumberInput",
        doc: "Input of `identityManager.lookupByPhone`.",
        fields: &[f("mobileNumber", "string", true, "The phone number to look up."), CLIENT_REQUEST_ID],
    },
    InputMeta {
        name: "FetchInput",
        doc: "Input of `identityData.fetch`.",
        fields: &[
            f("proveId", "string", true, "Prove's identifier of the identity."),
            f("attributeId", "string", true, "The attribute to fetch."),
            CLIENT_REQUEST_ID,
        ],
    },
    InputMeta {
        name: "BatchGetInput",
        doc: "Input of `identityManager.batchGet` (one page).",
        fields: &[
            f("limit", "integer", false, "Page size, 1 to 100."),
            f("startKey", "string", false, "The `lastKey` of the previous page."),
            f("showInactive", "boolean", false, "Include deactivated identities."),
            CLIENT_REQUEST_ID,
        ],
    },
    InputMeta {
        name: "ListInput",
        doc: "Input of `identityManager.listAll` and `identityManager.list` (every page).",
        fields: &[
            f("limit", "integer", false, "Page size, 1 to 100."),
            f("showInactive", "boolean", false, "Include deactivated identities."),
            CLIENT_REQUEST_ID,
        ],
    },
    InputMeta { name: "EmptyInput", doc: "Input of methods that take none.", fields: &[] },
    InputMeta {
        name: "IdentityList",
        doc: "Output of `identityManager.listAll`: every identity of every page.",
        fields: &[
            f("results", "array<ref:GetBatchIdentityItem>", true, "Every identity, in listing order."),
            f("pages", "integer", true, "Number of pages fetched."),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use prove_core::dispatch::*;
    use serde::de::DeserializeOwned;
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

    fn object(meta: &InputMeta, only_required: bool) -> Value {
        let mut m = Map::new();
        for fm in meta
            .fields
            .iter()
            .filter(|fm| fm.required || !only_required)
        {
            m.insert(fm.wire.to_owned(), sample(fm.ty));
        }
        Value::Object(m)
    }

    fn check<T: DeserializeOwned + serde::Serialize + Default>(name: &str) {
        let meta = INPUTS.iter().find(|i| i.name == name).expect("described");
        // Every described field exists (the inputs deny unknown fields) with the described type.
        serde_json::from_value::<T>(object(meta, false))
            .unwrap_or_else(|e| panic!("{name} full: {e}"));
        // The required fields suffice.
        serde_json::from_value::<T>(object(meta, true))
            .unwrap_or_else(|e| panic!("{name} required: {e}"));
        // Each required field is required.
        for req in meta.fields.iter().filter(|fm| fm.required) {
            let mut v = object(meta, false);
            if let Value::Object(m) = &mut v {
                m.remove(req.wire);
            }
            assert!(
                serde_json::from_value::<T>(v).is_err(),
                "{name}.{} should be required",
                req.wire
            );
        }
        // No field of the type is left undescribed (fields serialized by the default value).
        if let Ok(Value::Object(m)) = serde_json::to_value(T::default()) {
            for k in m.keys() {
                assert!(
                    meta.fields.iter().any(|fm| fm.wire == k),
                    "{name}.{k} is not described"
                );
            }
        }
    }

    #[test]
    fn descriptions_match_the_core_types() {
        check::<ProveIdInput>("ProveIdInput");
        check::<IdentityIdInput>("IdentityIdInput");
        check::<MobileNumberInput>("MobileNumberInput");
        check::<FetchInput>("FetchInput");
        check::<BatchGetInput>("BatchGetInput");
        check::<ListInput>("ListInput");
        check::<EmptyInput>("EmptyInput");
        check::<IdentityList>("IdentityList");
        // An unknown field is refused by the inputs, so the descriptions cannot be missing one
        // that callers would need.
        assert!(
            serde_json::from_value::<ProveIdInput>(json!({"proveId": "x", "other": 1})).is_err()
        );
    }
}
