//! How the model types that uniffi cannot carry as they are cross to Kotlin and Swift (feature
//! `uniffi`). Every other model is a `uniffi::Record` or `uniffi::Enum` with all its fields.
//!
//! | Rust | foreign side |
//! |---|---|
//! | [`JsonObject`] (free-form JSON object) | `JsonObject`: the object as JSON text |
//! | [`JsonObjectMap`] (`evaluation`, `fingerprint`) | `JsonObjectMap`: a map from key to `JsonObject` |
//! | [`NextSteps`] (`next`) | `NextSteps`: a map from step name to path |
//!
//! Only the free-form objects are text; the maps around them are real maps. Lifting JSON text
//! that is not an object fails (uniffi reports it as an internal error of the call).
use std::collections::{BTreeMap, HashMap};

use super::{JsonObject, NextSteps};

/// A map of free-form JSON objects, such as `evaluation` (category → result object). The models
/// spell it `BTreeMap<String, JsonObject>`; this name is the one Kotlin and Swift see.
pub type JsonObjectMap = BTreeMap<String, JsonObject>;

uniffi::custom_type!(JsonObject, String, {
    remote,
    lower: |obj| serde_json::Value::Object(obj).to_string(),
    try_lift: |text| Ok(serde_json::from_str::<JsonObject>(&text)?),
});

uniffi::custom_type!(JsonObjectMap, HashMap<String, JsonObject>, {
    remote,
    lower: |map| map.into_iter().collect(),
    try_lift: |map| Ok(map.into_iter().collect()),
});

uniffi::custom_type!(NextSteps, HashMap<String, String>, {
    lower: |steps| steps.0.into_iter().collect(),
    try_lift: |map| Ok(NextSteps(map.into_iter().collect())),
});
