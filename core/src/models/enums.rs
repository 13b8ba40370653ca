//! String enums of the wire format. Every enum keeps values it does not know in `Other`,
//! so a new value on Prove's side never breaks decoding.
//!
//! Also the one model that is a choice between two shapes, [`BatchEnrollItem`] (an item of
//! `POST /v3/identity/batch`).
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::generated::{EnrollIdentityItem, IdentityItem};

/// Reads a string enum from a JSON string, or from a JSON boolean as `"true"`/`"false"`: some
/// servers send `success: true` where the reference has the string `"true"`, and a value that
/// plainly means the same must not fail the whole call.
struct EnumVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: for<'a> From<&'a str>> serde::de::Visitor<'de> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (or a boolean)")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<T, E> {
        Ok(T::from(if v { "true" } else { "false" }))
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        // Kotlin/Swift get a real enum; `Other` carries the unknown value's wire form.
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the SDK does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every known value, in wire form.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire form of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s.as_str(),
                }
            }

            /// True for values this SDK knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Other(s),
                }
            }
        }

        impl Default for $name {
            /// The empty `Other` value: request validation rejects it, so a required enum
            /// left unset is caught before any network call.
            fn default() -> Self {
                Self::Other(String::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(EnumVisitor(std::marker::PhantomData::<$name>))
            }
        }
    };
}

string_enum! {
    /// `flowType` of `/v3/start`.
    FlowType { Desktop => "desktop", Mobile => "mobile" }
}

string_enum! {
    /// `possessionType` of `/v3/unify` and the guides' form of `/v3/verify`.
    PossessionType {
        Desktop => "desktop",
        Mobile => "mobile",
        /// No possession check by Prove. Kotlin and Swift call it `NoPossession`, since Swift's
        /// `.none` is also the empty optional.
        #[cfg_attr(feature = "uniffi", uniffi(name = "NoPossession"))]
        None => "none",
    }
}

string_enum! {
    /// `success` where the wire carries a string (verify, verify-status, verify batch items,
    /// unify, unify-status, unify-bind).
    SuccessStatus {
        True => "true",
        False => "false",
        Pending => "pending",
        /// Unify with customer-supplied possession: do your own check, then call unify-bind.
        PossessionRequired => "possession_required",
    }
}

string_enum! {
    /// `possessionResult` and `verifyResult` of Verified Users.
    ResultStatus { Success => "success", Pending => "pending", Failed => "failed", NotApplicable => "not_applicable" }
}

string_enum! {
    /// `verificationType` of the current `/v3/verify` and of verify batch items.
    VerificationType {
        HumanAssurance => "humanAssurance",
        VerifiedUser => "verifiedUser",
        AccountOpening => "accountOpening",
        Prefill => "prefill",
        PrefillForBiz => "prefillForBiz",
        IdentityResolution => "identityResolution",
    }
}

string_enum! {
    /// A step named in the `next` map of the Pre-Fill / Identity flow.
    NextStep {
        Validate => "v3-validate",
        Challenge => "v3-challenge",
        Complete => "v3-complete",
        /// The flow is finished.
        Done => "done",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_enums_read_strings_and_booleans_and_keep_unknown_values() {
        let v: SuccessStatus = serde_json::from_str(r#""possession_required""#).unwrap();
        assert_eq!(v, SuccessStatus::PossessionRequired);
        let v: SuccessStatus = serde_json::from_str("true").unwrap();
        assert_eq!(v, SuccessStatus::True);
        let v: SuccessStatus = serde_json::from_str("false").unwrap();
        assert_eq!(v, SuccessStatus::False);
        let v: ResultStatus = serde_json::from_str(r#""later""#).unwrap();
        assert_eq!(v, ResultStatus::Other("later".into()));
        assert_eq!(serde_json::to_string(&v).unwrap(), r#""later""#);
        assert!(serde_json::from_str::<FlowType>("3").is_err());
        assert!(serde_json::from_str::<FlowType>("null").is_err());
    }
}

impl SuccessStatus {
    /// True only for `"true"`.
    pub fn is_true(&self) -> bool {
        matches!(self, Self::True)
    }
}

/// The `next` map of a Pre-Fill / Identity response: allowed next step → path.
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NextSteps(pub BTreeMap<String, String>);

impl NextSteps {
    /// The allowed steps, typed.
    pub fn steps(&self) -> Vec<NextStep> {
        self.0.keys().map(|k| NextStep::from(k.as_str())).collect()
    }

    /// Whether `step` is allowed next.
    pub fn allows(&self, step: &NextStep) -> bool {
        self.0.contains_key(step.as_str())
    }

    /// Whether the flow is finished (`{"done": "done"}`).
    pub fn is_done(&self) -> bool {
        self.allows(&NextStep::Done)
    }
}

/// One item of `POST /v3/identity/batch` (`items[]` of [`BatchEnrollIdentitiesRequest`](super::BatchEnrollIdentitiesRequest)).
///
/// Prove uses two shapes for it, and the sandbox serves both:
///
/// - [`Enrollment`](Self::Enrollment) `{phoneNumber, clientCustomerId?, deviceId?}`: a customer to
///   enroll by phone number, exactly like `POST /v3/identity`. This is the shape of Prove's
///   Identity Manager guide ("a list of identities that you wish to enroll") and of the curl
///   example on the batch-enroll reference page. Use it to enroll new customers.
/// - [`CrossDomain`](Self::CrossDomain) `{clientName, identityId, pcid}`: an identity that is
///   already enrolled in another domain (project), named by its `identityId`, and that domain's
///   `clientName` and `pcid`, as `POST /v3/identity/{identityId}/cross-domain` lists them. This
///   is the item type of Prove's current API description and the only shape the official Go,
///   TypeScript and Java SDKs can send (see `spec/coverage.md` on the schema-name collision).
///   Use it to bring such an identity into this project.
///
/// Each shape is written exactly as its model is (wire names, absent optional fields omitted);
/// the shapes are told apart by their fields when read. An item with fields of both shapes is
/// refused, as is a missing required field of the shape it has (an item with neither is read as
/// an enrollment item without its `phoneNumber`). Keys of neither shape are ignored here and
/// refused by the dispatch layer, like unknown keys of any request model.
#[derive(Clone, PartialEq, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BatchEnrollItem {
    /// `{phoneNumber, clientCustomerId?, deviceId?}`: enroll a customer by phone number.
    Enrollment(EnrollIdentityItem),
    /// `{clientName, identityId, pcid}`: an identity enrolled in another domain.
    CrossDomain(IdentityItem),
}

impl BatchEnrollItem {
    /// Wire names of the enrollment shape.
    pub const ENROLLMENT_FIELDS: [&'static str; 3] = ["phoneNumber", "clientCustomerId", "deviceId"];
    /// Wire names of the cross-domain shape.
    pub const CROSS_DOMAIN_FIELDS: [&'static str; 3] = ["clientName", "identityId", "pcid"];
}

impl From<EnrollIdentityItem> for BatchEnrollItem {
    fn from(item: EnrollIdentityItem) -> Self {
        Self::Enrollment(item)
    }
}

impl From<IdentityItem> for BatchEnrollItem {
    fn from(item: IdentityItem) -> Self {
        Self::CrossDomain(item)
    }
}

impl Serialize for BatchEnrollItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Enrollment(item) => item.serialize(s),
            Self::CrossDomain(item) => item.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for BatchEnrollItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A map visitor only: a JSON array is refused instead of being read by position.
        d.deserialize_map(BatchEnrollItemVisitor)
    }
}

struct BatchEnrollItemVisitor;

impl<'de> serde::de::Visitor<'de> for BatchEnrollItemVisitor {
    type Value = BatchEnrollItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object {phoneNumber, clientCustomerId?, deviceId?} or {clientName, identityId, pcid}")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<BatchEnrollItem, A::Error> {
        use serde::de::Error as _;
        const NAMES: [&str; 6] = ["phoneNumber", "clientCustomerId", "deviceId", "clientName", "identityId", "pcid"];
        // Outer `Some`: the key was seen (a second time is an error, as for derived models);
        // inner `None`: it was `null`, which stands for "not set".
        let mut slots: [Option<Option<String>>; 6] = Default::default();
        while let Some(key) = map.next_key::<String>()? {
            match NAMES.iter().position(|n| *n == key) {
                Some(i) => {
                    if slots[i].is_some() {
                        return Err(A::Error::duplicate_field(NAMES[i]));
                    }
                    slots[i] = Some(map.next_value::<Option<String>>()?);
                }
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let [phone, customer, device, client_name, identity_id, pcid] = slots.map(Option::flatten);
        let enrollment = phone.is_some() || customer.is_some() || device.is_some();
        let cross_domain = client_name.is_some() || identity_id.is_some() || pcid.is_some();
        if enrollment && cross_domain {
            return Err(A::Error::custom(
                "mixes the enrollment item (phoneNumber, clientCustomerId, deviceId) and the cross-domain item \
                 (clientName, identityId, pcid); send one shape per item",
            ));
        }
        if cross_domain {
            return Ok(BatchEnrollItem::CrossDomain(IdentityItem {
                client_name: client_name.ok_or_else(|| A::Error::missing_field("clientName"))?,
                identity_id: identity_id.ok_or_else(|| A::Error::missing_field("identityId"))?,
                pcid: pcid.ok_or_else(|| A::Error::missing_field("pcid"))?,
            }));
        }
        Ok(BatchEnrollItem::Enrollment(EnrollIdentityItem {
            client_customer_id: customer,
            device_id: device,
            phone_number: phone.ok_or_else(|| A::Error::missing_field("phoneNumber"))?,
        }))
    }
}

#[cfg(test)]
mod batch_enroll_item_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_shape_is_read_and_written_as_its_model() {
        let enrol = json!({"phoneNumber": "2001004031", "clientCustomerId": "c-1"});
        let item: BatchEnrollItem = serde_json::from_value(enrol.clone()).unwrap();
        assert_eq!(item, EnrollIdentityItem::new("2001004031").client_customer_id("c-1").into());
        assert_eq!(serde_json::to_value(&item).unwrap(), enrol);
        let cross = json!({"clientName": "Partner", "identityId": "7f1c1a52", "pcid": "pcid-1"});
        let item: BatchEnrollItem = serde_json::from_value(cross.clone()).unwrap();
        assert_eq!(item, IdentityItem::new("Partner", "7f1c1a52", "pcid-1").into());
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"clientName":"Partner","identityId":"7f1c1a52","pcid":"pcid-1"}"#
        );
        // null stands for "not set"; unknown keys are left to the dispatch layer.
        let item: BatchEnrollItem =
            serde_json::from_value(json!({"phoneNumber": "2001004031", "deviceId": null, "x": [1]})).unwrap();
        assert_eq!(item, EnrollIdentityItem::new("2001004031").into());
    }

    #[test]
    fn mixed_incomplete_and_non_object_items_are_refused() {
        let err = |v: serde_json::Value| serde_json::from_value::<BatchEnrollItem>(v).unwrap_err().to_string();
        assert!(err(json!({"phoneNumber": "1", "pcid": "p"})).contains("mixes"));
        assert!(err(json!({"clientName": "a", "identityId": "b"})).contains("missing field `pcid`"));
        assert!(err(json!({"identityId": "b", "pcid": "p"})).contains("missing field `clientName`"));
        assert!(err(json!({"clientCustomerId": "c"})).contains("missing field `phoneNumber`"));
        assert!(err(json!({})).contains("missing field `phoneNumber`"));
        assert!(err(json!(["2001004031"])).contains("invalid type: sequence"));
        assert!(err(json!({"phoneNumber": 2001004031u64})).contains("invalid type"));
        assert!(serde_json::from_str::<BatchEnrollItem>(r#"{"pcid":"a","pcid":"b"}"#)
            .unwrap_err()
            .to_string()
            .contains("duplicate field `pcid`"));
    }

    #[test]
    fn debug_hides_the_phone_number() {
        let item: BatchEnrollItem = EnrollIdentityItem::new("2001004031").into();
        assert!(!format!("{item:?}").contains("2001004031"));
    }
}
