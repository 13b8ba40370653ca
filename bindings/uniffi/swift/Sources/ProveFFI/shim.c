// SwiftPM builds a C target from at least one source file; the declarations are in include/,
// the definitions in the Rust library libprove_uniffi.
