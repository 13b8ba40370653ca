//! The one public error type of the SDK.
use std::fmt;
use std::time::Duration;

/// What went wrong, stable across versions and languages. Match on this, not on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input rejected before any network call (the message names the field), or a 400 from Prove.
    Validation,
    /// Credentials rejected, token request failed, or 401 after one refresh.
    Auth,
    /// 429 from Prove after retries; see `retry_after`.
    RateLimited,
    /// A flow step called out of order or after the session ended (403, codes 1003/8003).
    StepOutOfOrder,
    /// The resource does not exist (404, e.g. code 8011 "Identity Not Found").
    NotFound,
    /// Any other error answer from Prove (5xx, other 4xx).
    Api,
    /// The call or the connection timed out.
    Timeout,
    /// The request could not be sent or the connection broke.
    Transport,
    /// The response could not be decoded.
    Decode,
    /// A webhook failed verification.
    Webhook,
}

impl ErrorKind {
    /// Stable name, as used by every language binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "Validation",
            ErrorKind::Auth => "Auth",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::StepOutOfOrder => "StepOutOfOrder",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::Api => "Api",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Transport => "Transport",
            ErrorKind::Decode => "Decode",
            ErrorKind::Webhook => "Webhook",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An SDK error. Never contains secrets, tokens or personal data.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Error {
    pub kind: ErrorKind,
    /// HTTP status, when Prove answered.
    pub status: Option<u16>,
    /// Prove's error `code`, when the body carried one.
    pub code: Option<i64>,
    /// Human-readable message (Prove's `message`, or ours naming the bad field).
    pub message: String,
    /// For `Validation` errors raised before the network: the wire name of the bad field.
    pub field: Option<String>,
    /// From a `Retry-After` header.
    pub retry_after: Option<Duration>,
    /// The `clientRequestId` of the call, when one was sent.
    pub request_id: Option<String>,
    /// The flow's `correlationId`, when known.
    pub correlation_id: Option<String>,
    /// The operation that failed (Prove's operationId), when known.
    pub operation: Option<&'static str>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            status: None,
            code: None,
            message: message.into(),
            field: None,
            retry_after: None,
            request_id: None,
            correlation_id: None,
            operation: None,
        }
    }

    /// A validation error about one field (wire name), raised before any network call.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let mut e = Error::new(ErrorKind::Validation, format!("{}: {}", field, message.into()));
        e.field = Some(field);
        e
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(s) = self.status {
            d.field("status", &s);
        }
        if let Some(c) = self.code {
            d.field("code", &c);
        }
        if let Some(x) = &self.field {
            d.field("field", x);
        }
        if let Some(x) = &self.retry_after {
            d.field("retry_after", x);
        }
        if let Some(x) = &self.request_id {
            d.field("request_id", x);
        }
        if let Some(x) = &self.correlation_id {
            d.field("correlation_id", x);
        }
        if let Some(x) = &self.operation {
            d.field("operation", x);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(op) = self.operation {
            write!(f, " in {op}")?;
        }
        if let Some(s) = self.status {
            write!(f, " (HTTP {s}")?;
            if let Some(c) = self.code {
                write!(f, ", code {c}")?;
            }
            write!(f, ")")?;
        } else if let Some(c) = self.code {
            write!(f, " (code {c})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias of the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;
