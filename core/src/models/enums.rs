//! String enums of the wire format. Every enum keeps values it does not know in `Other`,
//! so a new value on Prove's side never breaks decoding.
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
    PossessionType { Desktop => "desktop", Mobile => "mobile", None => "none" }
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
