//! uniffi's command line (`uniffi-bindgen generate --library ...`), built from the workspace's
//! pinned uniffi so that the generated Kotlin and Swift match the scaffolding of the library.
//! `bindings/uniffi/generate.sh` runs it; build it in debug only (it is the costliest crate).
fn main() {
    uniffi::uniffi_bindgen_main()
}
