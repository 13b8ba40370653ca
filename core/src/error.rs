//! The one public error type of the SDK.
use std::fmt;
use std::time::Duration;

/// What went wrong, stable across versions and languages. Match on this, not on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input rejected before any network call (the message names the field), or a 400 from Prove.
    Validation,
    /// Credentials rejected by the token endpoint, or a 401 from Prove after one token refresh.
    /// (A token endpoint that is down or overloaded gives `Api`, `RateLimited`, `Timeout` or
    /// `Transport`, as any request does.)
    Auth,
    /// 429 from Prove after retries; see `retry_after`.
    RateLimited,
    /// A flow step called out of order (403, codes 1003/8003), or with a correlation id that is
    /// unknown or whose 15-minute session has expired (code 8008): start the flow again.
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
    /// Every kind, in the stable order bindings and generators use (each language's error
    /// classes are printed from this list).
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::Validation,
        ErrorKind::Auth,
        ErrorKind::RateLimited,
        ErrorKind::StepOutOfOrder,
        ErrorKind::NotFound,
        ErrorKind::Api,
        ErrorKind::Timeout,
        ErrorKind::Transport,
        ErrorKind::Decode,
        ErrorKind::Webhook,
    ];

    /// One sentence saying when this kind is raised, for the generated error classes of every
    /// language.
    pub fn description(self) -> &'static str {
        match self {
            ErrorKind::Validation => {
                "Input rejected before any network call (`field` names it), or a 400 answer from Prove."
            }
            ErrorKind::Auth => {
                "Credentials rejected by the token endpoint, or a 401 from Prove after one token refresh."
            }
            ErrorKind::RateLimited => {
                "429 from Prove after retries; the retry-after delay, when sent, says when to try again."
            }
            ErrorKind::StepOutOfOrder => {
                "A flow step called out of order, or with an unknown or expired correlation id: start again."
            }
            ErrorKind::NotFound => "The resource does not exist (404).",
            ErrorKind::Api => "Any other error answer from Prove (5xx, other 4xx).",
            ErrorKind::Timeout => "The call or the connection timed out.",
            ErrorKind::Transport => "The request could not be sent or the connection broke.",
            ErrorKind::Decode => "The response could not be decoded.",
            ErrorKind::Webhook => "A webhook failed verification.",
        }
    }

    /// The kind named `name` (as given by [`ErrorKind::as_str`]).
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

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

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// HTTP status, when Prove answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Prove's error code, when the answer carried one.
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The `Retry-After` delay Prove asked for, when known.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_code(mut self, code: Option<i64>) -> Self {
        self.code = code;
        self
    }

    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Self {
        self.retry_after = d;
        self
    }

    /// Fills the call context (operation, correlation and request id) where not already set.
    pub(crate) fn with_context(
        mut self,
        operation: &'static str,
        correlation_id: Option<&str>,
        request_id: Option<&str>,
    ) -> Self {
        self.operation.get_or_insert(operation);
        if self.correlation_id.is_none() {
            self.correlation_id = correlation_id.map(str::to_owned);
        }
        if self.request_id.is_none() {
            self.request_id = request_id.map(str::to_owned);
        }
        self
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

/// Longest excerpt of a server message or body kept in an error.
pub(crate) const MAX_EXCERPT_CHARS: usize = 200;

/// Makes server-provided text safe to carry in an error: e-mail-like words are masked, number
/// spans with six or more digits (phone numbers, SSNs, dates, even when written with spaces,
/// dashes, dots, slashes or parentheses) are masked, control characters and runs of whitespace
/// become one space, and the result is cut to [`MAX_EXCERPT_CHARS`] characters.
pub(crate) fn sanitize_excerpt(text: &str) -> String {
    // 1. collapse whitespace/control characters and mask e-mail-like words
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let collapsed: Vec<char> = words
        .iter()
        .map(|w| if w.contains('@') { "<redacted>" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    // 2. mask number spans: digits joined by separators, starting and ending with a digit
    let is_sep = |c: char| matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '+');
    let mut out = String::with_capacity(collapsed.len());
    let mut i = 0;
    while i < collapsed.len() {
        if !collapsed[i].is_ascii_digit() {
            out.push(collapsed[i]);
            i += 1;
            continue;
        }
        let start = i;
        let mut last_digit = i;
        let mut digits = 0usize;
        let mut j = i;
        while j < collapsed.len() && (collapsed[j].is_ascii_digit() || is_sep(collapsed[j])) {
            if collapsed[j].is_ascii_digit() {
                digits += 1;
                last_digit = j;
            }
            j += 1;
        }
        if digits >= 6 {
            out.push_str("<redacted>");
        } else {
            out.extend(&collapsed[start..=last_digit]);
        }
        i = last_digit + 1;
    }
    if out.chars().count() > MAX_EXCERPT_CHARS {
        let mut cut: String = out.chars().take(MAX_EXCERPT_CHARS).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_and_named_back() {
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(ErrorKind::from_name(k.as_str()), Some(*k));
            assert!(!k.description().is_empty());
            assert!(!ErrorKind::ALL[..i].contains(k), "{k} listed twice");
        }
        assert_eq!(ErrorKind::from_name("Nope"), None);
    }

    #[test]
    fn excerpt_masks_personal_data_and_truncates() {
        let s = sanitize_excerpt("user +1 (206) 555-0100 born 1990-01-02\n mail a.b@example.com code 8003");
        assert!(!s.contains("555"), "{s}");
        assert!(!s.contains("1990"), "{s}");
        assert!(!s.contains("example.com"), "{s}");
        assert!(s.contains("code 8003"), "{s}");
        assert!(!s.contains('\n'));
        let long = "x".repeat(1000);
        assert!(sanitize_excerpt(&long).chars().count() <= MAX_EXCERPT_CHARS + 1);
    }
}
