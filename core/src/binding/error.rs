//! The error as data: every field of [`Error`] in one serialisable form, so that each binding
//! raises its host's exception from the same description (Node receives it as JSON, Python and
//! uniffi read the fields).
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

/// Every field of an [`Error`]. Serialised with camelCase keys, absent fields left out:
/// `{"kind": "NotFound", "message": "…", "status": 404, "code": 8011, "operation": "…"}`.
/// Like the error itself, it never holds secrets or personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorData {
    /// The stable kind: one of [`ErrorKind::ALL`] by name (`Validation`, `Auth`, …).
    pub kind: String,
    /// Human-readable message.
    pub message: String,
    /// HTTP status, when Prove answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Prove's error code, when the answer carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// For validation errors raised before the network: the name of the bad field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The `Retry-After` delay Prove asked for, in whole milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// The `clientRequestId` of the call, when one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The flow's `correlationId`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Prove's operationId of the failed operation, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

impl ErrorData {
    /// The kind, when the name is one this version knows.
    pub fn error_kind(&self) -> Option<ErrorKind> {
        ErrorKind::from_name(&self.kind)
    }

    /// The `Retry-After` delay in seconds, for hosts that count in seconds.
    pub fn retry_after_secs(&self) -> Option<f64> {
        self.retry_after_ms.map(|ms| ms as f64 / 1000.0)
    }

    /// The description as JSON text (it always encodes).
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{{\"kind\":\"{}\",\"message\":\"\"}}", self.kind))
    }
}

impl From<&Error> for ErrorData {
    fn from(e: &Error) -> Self {
        ErrorData {
            kind: e.kind.as_str().to_owned(),
            message: e.message.clone(),
            status: e.status,
            code: e.code,
            field: e.field.clone(),
            retry_after_ms: e.retry_after.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            request_id: e.request_id.clone(),
            correlation_id: e.correlation_id.clone(),
            operation: e.operation.map(str::to_owned),
        }
    }
}

impl From<Error> for ErrorData {
    fn from(e: Error) -> Self {
        ErrorData::from(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_field_is_carried_and_absent_ones_are_left_out() {
        let mut e = Error::new(ErrorKind::RateLimited, "slow down");
        e.status = Some(429);
        e.code = Some(1000);
        e.retry_after = Some(Duration::from_millis(1500));
        e.request_id = Some("r-1".into());
        e.correlation_id = Some("c-1".into());
        e.operation = Some("V3StartRequest");
        let d = ErrorData::from(&e);
        assert_eq!(d.error_kind(), Some(ErrorKind::RateLimited));
        assert_eq!(d.retry_after_secs(), Some(1.5));
        let v: serde_json::Value = serde_json::from_str(&d.to_json_text()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "RateLimited", "message": "slow down", "status": 429, "code": 1000,
                "retryAfterMs": 1500, "requestId": "r-1", "correlationId": "c-1", "operation": "V3StartRequest"})
        );
        let v = serde_json::to_value(ErrorData::from(Error::validation("limit", "must be between 1 and 100"))).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "Validation", "message": "limit: must be between 1 and 100", "field": "limit"})
        );
        assert_eq!(serde_json::from_value::<ErrorData>(v.clone()).unwrap().field.as_deref(), Some("limit"));
    }
}
