//! Request and response models with Prove's exact wire names.
//!
//! The structs in `generated.rs` come from the API description `spec/operations.yaml`
//! (`tools/codegen/gen_models.py`); optional fields are `Option` and omitted from requests when
//! unset, unknown response fields are ignored, enums keep unknown values, and free-form maps such
//! as `evaluation` are kept as JSON. `Debug` never shows personal data or secrets.
//!
//! With the `uniffi` feature every model is a `uniffi::Record` and every string enum a
//! `uniffi::Enum` (unknown values in `Other`), for Kotlin and Swift; free-form JSON crosses as
//! the custom types of `uniffi_types.rs`.
mod convert;
mod enums;
mod generated;
pub mod meta;
pub(crate) mod redact;
#[cfg(feature = "uniffi")]
mod uniffi_types;

pub use enums::*;
pub use generated::*;
#[cfg(feature = "uniffi")]
pub use uniffi_types::JsonObjectMap;
