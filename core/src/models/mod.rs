//! Request and response models with Prove's exact wire names.
//!
//! The structs in `generated.rs` come from the API reference (`tools/codegen/gen_models.py`);
//! optional fields are `Option` and omitted from requests when unset, unknown response fields
//! are ignored, enums keep unknown values, and free-form maps such as `evaluation` are kept
//! as JSON. `Debug` never shows personal data or secrets.
mod convert;
mod enums;
mod generated;
pub mod meta;
pub(crate) mod redact;

pub use enums::*;
pub use generated::*;
