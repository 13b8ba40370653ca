//! The one error type of the Kotlin and Swift packages: one case per kind of the core's error,
//! each with every field of it ([`prove_core::binding::ErrorData`]).
use std::fmt;

use prove_core::binding::ErrorData;
use prove_core::{Error, ErrorKind};

macro_rules! prove_error {
    ($($(#[$doc:meta])* $kind:ident,)+) => {
        /// An SDK error (`ProveException` in Kotlin, `ProveError` in Swift): one case per
        /// [`ErrorKind`], each with the same fields. `reason` is the human-readable message
        /// (Prove's `message`, or ours naming the bad field); Kotlin's `message` and Swift's
        /// `description` summarise every field. Never contains secrets, tokens or personal data.
        #[derive(Debug, Clone, PartialEq, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum ProveError {
            $(
                $(#[$doc])*
                $kind {
                    /// Human-readable message.
                    reason: String,
                    /// HTTP status, when Prove answered.
                    status: Option<i32>,
                    /// Prove's error code, when the answer carried one.
                    code: Option<i64>,
                    /// For validation errors raised before the network: the name of the bad field.
                    field: Option<String>,
                    /// The `Retry-After` delay Prove asked for, in milliseconds.
                    retry_after_ms: Option<i64>,
                    /// The `clientRequestId` of the call, when one was sent.
                    request_id: Option<String>,
                    /// The flow's `correlationId`, when known.
                    correlation_id: Option<String>,
                    /// Prove's operationId of the failed operation, when known.
                    operation: Option<String>,
                },
            )+
        }

        impl ProveError {
            fn data(&self) -> ErrorData {
                match self {
                    $(ProveError::$kind { reason, status, code, field, retry_after_ms, request_id, correlation_id, operation } => {
                        ErrorData {
                            kind: ErrorKind::$kind.as_str().to_owned(),
                            message: reason.clone(),
                            status: status.and_then(|s| u16::try_from(s).ok()),
                            code: *code,
                            field: field.clone(),
                            retry_after_ms: retry_after_ms.and_then(|ms| u64::try_from(ms).ok()),
                            request_id: request_id.clone(),
                            correlation_id: correlation_id.clone(),
                            operation: operation.clone(),
                        }
                    })+
                }
            }

            /// The case of the error's kind with the fields of `d`.
            fn from_data(kind: ErrorKind, d: ErrorData) -> ProveError {
                let ErrorData { message, status, code, field, retry_after_ms, request_id, correlation_id, operation, .. } = d;
                let status = status.map(i32::from);
                let retry_after_ms = retry_after_ms.map(|ms| i64::try_from(ms).unwrap_or(i64::MAX));
                match kind {
                    $(ErrorKind::$kind => ProveError::$kind {
                        reason: message, status, code, field, retry_after_ms, request_id, correlation_id, operation,
                    },)+
                    // A kind this adapter does not know yet (the core's list is non-exhaustive).
                    _ => ProveError::Api {
                        reason: message, status, code, field, retry_after_ms, request_id, correlation_id, operation,
                    },
                }
            }
        }
    };
}

prove_error! {
    /// Input rejected before any network call (`field` names it), or a 400 answer from Prove.
    Validation,
    /// Credentials rejected by the token endpoint, or a 401 from Prove after one token refresh.
    Auth,
    /// 429 from Prove after retries; `retry_after_ms` says when to try again, when sent.
    RateLimited,
    /// A flow step called out of order, or with an unknown or expired correlation id.
    StepOutOfOrder,
    /// The resource does not exist (404).
    NotFound,
    /// Any other error answer from Prove (5xx, other 4xx).
    Api,
    /// The call or the connection timed out.
    Timeout,
    /// The request could not be sent or the connection broke (also: a closed client).
    Transport,
    /// The response could not be decoded.
    Decode,
    /// A webhook failed verification.
    Webhook,
}

impl From<Error> for ProveError {
    fn from(e: Error) -> Self {
        let kind = e.kind;
        ProveError::from_data(kind, ErrorData::from(&e))
    }
}

impl fmt::Display for ProveError {
    /// `NotFound: identity not found (status 404, code 8011, operation GetIdentity)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.data();
        write!(f, "{}: {}", d.kind, d.message)?;
        let mut parts = Vec::new();
        if let Some(s) = d.status {
            parts.push(format!("status {s}"));
        }
        if let Some(c) = d.code {
            parts.push(format!("code {c}"));
        }
        if let Some(x) = &d.field {
            parts.push(format!("field {x}"));
        }
        if let Some(ms) = d.retry_after_ms {
            parts.push(format!("retry after {ms} ms"));
        }
        if let Some(x) = &d.request_id {
            parts.push(format!("request id {x}"));
        }
        if let Some(x) = &d.correlation_id {
            parts.push(format!("correlation id {x}"));
        }
        if let Some(x) = &d.operation {
            parts.push(format!("operation {x}"));
        }
        if !parts.is_empty() {
            write!(f, " ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ProveError {}

/// The fields every case shares, for callers that handle errors of any kind alike.
#[uniffi::export]
impl ProveError {
    /// The stable kind of the error.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_name(&self.data().kind).unwrap_or(ErrorKind::Api)
    }

    /// Human-readable message.
    pub fn reason_text(&self) -> String {
        self.data().message
    }

    /// HTTP status, when Prove answered.
    pub fn http_status(&self) -> Option<i32> {
        self.data().status.map(i32::from)
    }

    /// Prove's error code, when the answer carried one.
    pub fn error_code(&self) -> Option<i64> {
        self.data().code
    }

    /// For validation errors: the name of the bad field.
    pub fn field_name(&self) -> Option<String> {
        self.data().field
    }

    /// The `Retry-After` delay in milliseconds, when Prove sent one.
    pub fn retry_after_millis(&self) -> Option<i64> {
        self.data().retry_after_ms.map(|ms| i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// The `clientRequestId` of the call, when one was sent.
    pub fn client_request_id(&self) -> Option<String> {
        self.data().request_id
    }

    /// The flow's `correlationId`, when known.
    pub fn flow_correlation_id(&self) -> Option<String> {
        self.data().correlation_id
    }

    /// Prove's operationId of the failed operation, when known.
    pub fn operation_id(&self) -> Option<String> {
        self.data().operation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_kind_maps_to_its_case_with_every_field() {
        for kind in ErrorKind::ALL {
            let mut e = Error::new(kind, "boom");
            e.status = Some(429);
            e.code = Some(1000);
            e.field = Some("phoneNumber".into());
            e.retry_after = Some(Duration::from_millis(1500));
            e.request_id = Some("r-1".into());
            e.correlation_id = Some("c-1".into());
            e.operation = Some("V3StartRequest");
            let p = ProveError::from(e);
            assert_eq!(p.kind(), kind);
            let d = p.data();
            assert_eq!(d.kind, kind.as_str());
            assert_eq!(
                (d.status, d.code, d.field.as_deref(), d.retry_after_ms, d.request_id.as_deref()),
                (Some(429), Some(1000), Some("phoneNumber"), Some(1500), Some("r-1"))
            );
            assert_eq!((d.correlation_id.as_deref(), d.operation.as_deref()), (Some("c-1"), Some("V3StartRequest")));
            let text = p.to_string();
            assert!(text.starts_with(&format!("{}: boom (status 429, code 1000", kind.as_str())), "{text}");
        }
    }
}
