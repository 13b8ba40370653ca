//! An offline emulator of Prove's sandbox.
pub mod api;
pub mod world;
