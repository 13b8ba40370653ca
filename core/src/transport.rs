//! HTTP building blocks of the request path: URLs, error classification and mapping, decoding.
//!
//! Mapping of answers (see `error_from_answer`):
//!
//! | answer | [`ErrorKind`] |
//! |---|---|
//! | 200 with a JSON content type | decoded; a body that does not fit the model → `Decode` |
//! | 200 with another content type, any other 2xx | `Api` |
//! | 400 or 403 with code 8008 (invalid or expired correlation id) | `StepOutOfOrder` |
//! | other 400 | `Validation` |
//! | 401 (after one token refresh) | `Auth` |
//! | 403 with code 1003 or 8003 | `StepOutOfOrder` |
//! | other 403 | `Auth` |
//! | 404 | `NotFound` |
//! | 429 | `RateLimited` (with `retry_after`) |
//! | anything else | `Api` |
//!
//! Error bodies `{"code": …, "message": …}` fill `code` and `message`; other bodies give a short
//! sanitised excerpt (personal data masked, at most 200 characters).
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::{sanitize_excerpt, Error, ErrorKind, Result};
use crate::ops::Operation;
use crate::retry::Failure;

/// An attempt's error together with what it means for retrying.
#[derive(Debug, Clone)]
pub(crate) struct AttemptError {
    pub error: Error,
    pub failure: Failure,
}

impl AttemptError {
    pub(crate) fn new(error: Error, failure: Failure) -> Self {
        AttemptError { error, failure }
    }
}

/// Percent-encodes everything outside RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// so `+` becomes `%2B` and a space `%20`.
pub(crate) fn encode_component(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
}

/// `base` + the operation path with its `{placeholders}` filled (encoded) + the encoded query.
pub(crate) fn build_url(
    base: &str,
    op: &Operation,
    path_params: &[&str],
    query: &[(&'static str, String)],
) -> Result<String> {
    let mut url = String::with_capacity(base.len() + op.path.len() + 32);
    url.push_str(base);
    let mut params = path_params.iter();
    let mut rest = op.path;
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| Error::new(ErrorKind::Validation, format!("{}: malformed path template", op.id)))?;
        let name = &rest[open + 1..close];
        let value = params.next().ok_or_else(|| Error::validation(name.to_owned(), "path parameter is missing"))?;
        if value.is_empty() {
            return Err(Error::validation(name.to_owned(), "must not be empty"));
        }
        encode_component(value, &mut url);
        rest = &rest[close + 1..];
    }
    url.push_str(rest);
    if params.next().is_some() {
        return Err(Error::new(ErrorKind::Validation, format!("{}: too many path parameters", op.id)));
    }
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        encode_component(k, &mut url);
        url.push('=');
        encode_component(v, &mut url);
    }
    Ok(url)
}

/// The media type of a response (`application/json` from `application/json; charset=utf-8`),
/// lower-cased.
pub(crate) fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let v = headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
    Some(v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Whether a media type is JSON (`application/json` or `application/*+json`).
pub(crate) fn is_json(content_type: Option<&str>) -> bool {
    match content_type {
        Some(ct) => ct == "application/json" || (ct.starts_with("application/") && ct.ends_with("+json")),
        None => false,
    }
}

/// Turns a reqwest error into our error and its retry meaning. The message describes the kind
/// of failure only; URLs (which may hold personal data in the path) are left out.
pub(crate) fn classify_reqwest_error(e: &reqwest::Error) -> (Error, Failure) {
    let detail = root_cause(e);
    if e.is_connect() {
        let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Transport };
        return (Error::new(kind, format!("could not connect: {detail}")), Failure::NotSent);
    }
    if e.is_timeout() {
        return (Error::new(ErrorKind::Timeout, "the request timed out"), Failure::AttemptTimeout);
    }
    if e.is_builder() {
        return (Error::new(ErrorKind::Transport, format!("invalid request: {detail}")), Failure::Permanent);
    }
    if e.is_redirect() {
        return (Error::new(ErrorKind::Transport, "too many redirects"), Failure::Permanent);
    }
    (Error::new(ErrorKind::Transport, format!("connection failed: {detail}")), Failure::Broken)
}

/// The innermost error message (e.g. "Connection refused (os error 111)"), sanitised.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    // reqwest's own top-level message may contain the URL; inner causes do not, but sanitise anyway.
    let text = match text.find("http") {
        Some(i) => text[..i].trim_end().to_owned(),
        None => text,
    };
    sanitize_excerpt(&text)
}

/// Maps a non-success answer (status, content type, body, `Retry-After`) to an error.
pub(crate) fn error_from_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Error {
    let parsed = if is_json(content_type) || body.first() == Some(&b'{') { parse_error_body(body) } else { None };
    let (code, message) = match parsed {
        Some((code, Some(msg))) => (code, sanitize_excerpt(&msg)),
        Some((code, None)) => (code, format!("HTTP {status}")),
        None if body.iter().all(u8::is_ascii_whitespace) => (None, format!("HTTP {status} with an empty body")),
        None => {
            let text = String::from_utf8_lossy(&body[..body.len().min(1024)]);
            (None, format!("HTTP {status}: {}", sanitize_excerpt(&text)))
        }
    };
    let kind = match status {
        // The session is unknown or has expired: the flow must start again, like a step out of order.
        400 | 403 if code == Some(8008) => ErrorKind::StepOutOfOrder,
        400 => ErrorKind::Validation,
        401 => ErrorKind::Auth,
        403 if matches!(code, Some(1003 | 8003)) => ErrorKind::StepOutOfOrder,
        403 => ErrorKind::Auth,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Api,
    };
    let mut err = Error::new(kind, message).with_status(status).with_code(code);
    if status == 429 {
        err = err.with_retry_after(retry_after);
    }
    err
}

/// `{"code": 8003, "message": "…"}` → `(Some(8003), Some("…"))`; `code` may also be a numeric
/// string. `None` when the body is not a JSON object.
fn parse_error_body(body: &[u8]) -> Option<(Option<i64>, Option<String>)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object()?;
    let code = match obj.get("code") {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let message = obj.get("message").and_then(|m| m.as_str()).map(str::to_owned);
    Some((code, message))
}

/// Decodes a 200 JSON body into `R`. The error names the operation and the JSON path of the
/// problem, never the body's content (which may hold personal data).
pub(crate) fn decode<R: DeserializeOwned>(op: &Operation, body: &[u8]) -> Result<R> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, inner) = match serde_path_to_error::deserialize::<_, R>(&mut de) {
        Ok(v) => match de.end() {
            Ok(()) => return Ok(v),
            Err(e) => (String::new(), e),
        },
        Err(e) => (e.path().to_string(), e.into_inner()),
    };
    let what = match inner.classify() {
        serde_json::error::Category::Syntax => "the body is not valid JSON".to_owned(),
        serde_json::error::Category::Eof => "the body ends early".to_owned(),
        serde_json::error::Category::Io => "the body could not be read".to_owned(),
        serde_json::error::Category::Data => describe_data_error(&inner.to_string()),
    };
    let at = if path.is_empty() || path == "." { String::new() } else { format!(" at `{path}`") };
    Err(Error::new(
        ErrorKind::Decode,
        format!(
            "could not decode the {} response{at}: {what} (line {}, column {})",
            op.id,
            inner.line(),
            inner.column()
        ),
    ))
}

/// Keeps the safe part of a serde data error: missing field names, or what type was expected.
/// The offending value is never included.
fn describe_data_error(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let field = rest.split(" at line").next().unwrap_or(rest);
        return format!("missing field {field}");
    }
    if msg.starts_with("invalid type") || msg.starts_with("invalid value") || msg.starts_with("invalid length") {
        if let Some(i) = msg.find(", expected ") {
            let expected = &msg[i + ", expected ".len()..];
            let expected = expected.split(" at line").next().unwrap_or(expected);
            return format!("wrong type or value (expected {expected})");
        }
        return "wrong type or value".to_owned();
    }
    if msg.starts_with("unknown variant") {
        return "unknown enum value".to_owned();
    }
    "the body does not match the expected shape".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops;

    #[test]
    fn encodes_everything_outside_unreserved() {
        let mut s = String::new();
        encode_component("+1 206/555?x=é~._-", &mut s);
        assert_eq!(s, "%2B1%20206%2F555%3Fx%3D%C3%A9~._-");
    }

    #[test]
    fn fills_path_and_query() {
        let url = build_url("http://h", &ops::GET_IDENTITY, &["id/1+2"], &[("clientRequestId", "r id".into())]);
        assert_eq!(url.ok().as_deref(), Some("http://h/v3/identity/id%2F1%2B2?clientRequestId=r%20id"));
        assert!(build_url("http://h", &ops::GET_IDENTITY, &[], &[]).is_err());
        assert!(build_url("http://h", &ops::DOMAIN_ID, &["x"], &[]).is_err());
    }

    #[test]
    fn maps_statuses() {
        let e = error_from_answer(403, Some("application/json"), br#"{"code":8003,"message":"step"}"#, None);
        assert_eq!((e.kind, e.code, e.message.as_str()), (ErrorKind::StepOutOfOrder, Some(8003), "step"));
        let e = error_from_answer(403, Some("application/json"), br#"{"code":8002,"message":"no"}"#, None);
        assert_eq!(e.kind, ErrorKind::Auth);
        let e = error_from_answer(429, None, b"", Some(Duration::from_secs(2)));
        assert_eq!((e.kind, e.retry_after), (ErrorKind::RateLimited, Some(Duration::from_secs(2))));
        let e = error_from_answer(500, Some("text/html"), b"<html>boom 2065550100</html>", None);
        assert_eq!(e.kind, ErrorKind::Api);
        assert!(!e.message.contains("2065550100"), "{}", e.message);
    }

    #[test]
    fn decode_errors_name_path_not_value() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[allow(dead_code)]
            a: Vec<u32>,
        }
        let e = decode::<T>(&ops::DOMAIN_ID, br#"{"a":[1,"2065550100"]}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Decode);
        assert!(e.message.contains("a[1]"), "{}", e.message);
        assert!(!e.message.contains("2065550100"), "{}", e.message);
        let e = decode::<T>(&ops::DOMAIN_ID, br#"{}"#).unwrap_err();
        assert!(e.message.contains("missing field `a`"), "{}", e.message);
        let e = decode::<T>(&ops::DOMAIN_ID, br#"{"a":[]} x"#).unwrap_err();
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
    }
}
