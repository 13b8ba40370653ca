//! The emulated Prove world. (Skeleton: the flows work fills this in.)
use serde_json::Value;

use crate::api::{ApiRequest, ApiResponse};

/// Settings of the emulated world.
#[derive(Debug, Clone, Default)]
pub struct WorldConfig {}

/// All state of the emulated sandbox: sessions, identities, Prove Keys. Thread-safe.
#[derive(Debug, Default)]
pub struct World {}

impl World {
    pub fn new(_config: WorldConfig) -> Self {
        World {}
    }

    /// Answer one API call.
    pub fn handle(&self, req: &ApiRequest) -> ApiResponse {
        ApiResponse::error(500, 8000, format!("{} not implemented", req.op))
    }

    /// A control action on the world (`POST /sandbox/<name>`), e.g. `possession`.
    pub fn control(&self, name: &str, _body: &Value, _now_ms: u64) -> ApiResponse {
        ApiResponse::error(404, 404, format!("unknown control {name}"))
    }
}
