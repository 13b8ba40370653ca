//! The seam between the HTTP layer (server, auth, faults, controls) and the emulated Prove world
//! (test users, sessions, identities, Prove Keys). The server parses and authenticates a request,
//! then hands an [`ApiRequest`] to [`crate::world::World::handle`], which answers with an
//! [`ApiResponse`].
use std::collections::HashMap;

use serde_json::{json, Value};

/// One authenticated API call, already routed to its operation.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    /// Prove's operationId, e.g. `"V3StartRequest"`.
    pub op: &'static str,
    /// Path parameters by template name (`proveId`, `identityId`, `mobileNumber`), percent-decoded
    /// (`+` stays `+`).
    pub path_params: HashMap<String, String>,
    /// Query parameters, percent-decoded.
    pub query: HashMap<String, String>,
    /// Parsed JSON body; `Value::Null` when the request had no body.
    pub body: Value,
    /// The sandbox clock, in Unix milliseconds (advanced by `/sandbox/clock/advance`).
    pub now_ms: u64,
    /// The `client_id` the bearer token was issued to.
    pub client_id: String,
}

/// The answer to an [`ApiRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
    /// Extra response headers (`Content-Type: application/json` is always added by the server).
    pub headers: Vec<(String, String)>,
}

impl ApiResponse {
    /// 200 with `body`.
    pub fn ok(body: Value) -> Self {
        ApiResponse { status: 200, body, headers: Vec::new() }
    }

    /// An error in Prove's shape: `{"code": code, "message": message}`.
    pub fn error(status: u16, code: i64, message: impl Into<String>) -> Self {
        ApiResponse { status, body: json!({"code": code, "message": message.into()}), headers: Vec::new() }
    }

    /// 400 code 1001 naming a missing required field, as Prove words it.
    pub fn missing_field(field: &str) -> Self {
        Self::error(400, 1001, format!("field '{field}' is missing"))
    }
}
