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
//! | 3xx (never followed) | `Api`, not retried; the message says the redirect was refused |
//!
//! Error bodies `{"code": …, "message": …}` fill `code` and `message`; other bodies give a short
//! sanitised excerpt (personal data masked, at most 200 characters).
//!
//! **Secrets echoed by a server.** Before any text of an error answer is used, the client's own
//! secrets are replaced by `<redacted>`: the client secret and every access token the client has
//! sent (the [`MAX_REMEMBERED_TOKENS`] most recent), in each form a server might echo them
//! (as sent, percent- or form-encoded, JSON-escaped). The client applies the same scrubbing
//! once more to every error it returns, whatever the operation, so no field of an error repeats
//! them.
//!
//! **Size.** Bodies are read as they arrive and never beyond the configured
//! `max_response_bytes` (see [`config`](crate::config)).
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::config::Secret;
use crate::error::{sanitize_excerpt, Error, ErrorKind, Result};
use crate::ops::Operation;
use crate::retry::Failure;

/// What replaces a secret in text taken from a server.
pub(crate) const REDACTED: &str = "<redacted>";

/// How many of the most recent access tokens sent by a client are kept to be scrubbed.
pub const MAX_REMEMBERED_TOKENS: usize = 32;

/// Scrubs one client's secrets (its client secret and the access tokens it has used) from text
/// that came from a server. `Debug` shows nothing of them.
pub(crate) struct Redactor {
    secret: Secret,
    /// Access tokens sent by the client, oldest first, with their generation.
    tokens: Mutex<VecDeque<(u64, Zeroizing<String>)>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor").finish_non_exhaustive()
    }
}

impl Redactor {
    pub(crate) fn new(secret: Secret) -> Self {
        Redactor { secret, tokens: Mutex::new(VecDeque::new()) }
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, VecDeque<(u64, Zeroizing<String>)>> {
        // Plain pushes and pops: a poisoned lock holds a consistent list.
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an access token about to be sent (once per `generation`); the oldest is
    /// forgotten beyond [`MAX_REMEMBERED_TOKENS`].
    pub(crate) fn remember(&self, generation: u64, token: &str) {
        let mut tokens = self.tokens();
        if tokens.iter().any(|(g, _)| *g == generation) {
            return;
        }
        tokens.push_back((generation, Zeroizing::new(token.to_owned())));
        while tokens.len() > MAX_REMEMBERED_TOKENS {
            tokens.pop_front();
        }
    }

    /// Every form of every secret to look for, longest first.
    fn needles(&self) -> Vec<Zeroizing<String>> {
        let mut values: Vec<Zeroizing<String>> = vec![Zeroizing::new(self.secret.expose().to_owned())];
        values.extend(self.tokens().iter().map(|(_, t)| t.clone()));
        let mut out: Vec<Zeroizing<String>> = Vec::new();
        for v in values.iter().filter(|v| !v.is_empty()) {
            for form in encodings(v) {
                if !form.is_empty() && !out.iter().any(|o| **o == *form) {
                    out.push(form);
                }
            }
        }
        out.sort_by_key(|n| std::cmp::Reverse(n.len()));
        out
    }

    /// `body` with every secret replaced by `<redacted>`.
    pub(crate) fn scrub_bytes(&self, body: &[u8]) -> Zeroizing<Vec<u8>> {
        replace_needles(body, &self.needles())
    }

    /// `text` with every secret replaced by `<redacted>`.
    pub(crate) fn scrub_text(&self, text: &str) -> String {
        let needles = self.needles();
        scrub_str(text, &needles)
    }

    /// `err` with every secret replaced by `<redacted>` in each of its text fields.
    pub(crate) fn scrub_error(&self, mut err: Error) -> Error {
        let needles = self.needles();
        err.message = scrub_str(&err.message, &needles);
        for field in [&mut err.field, &mut err.request_id, &mut err.correlation_id].into_iter().flatten() {
            *field = scrub_str(field, &needles);
        }
        err
    }
}

fn scrub_str(text: &str, needles: &[Zeroizing<String>]) -> String {
    let out = replace_needles(text.as_bytes(), needles);
    // Needles are whole UTF-8 strings and the replacement is ASCII: the result stays UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

/// `body` with `value` replaced by `<redacted>` in every form of [`encodings`] (for a secret
/// known before any token exists, such as the client secret in a token-endpoint answer).
pub(crate) fn scrub_value(value: &str, body: &[u8]) -> Zeroizing<Vec<u8>> {
    if value.is_empty() {
        return Zeroizing::new(body.to_vec());
    }
    replace_needles(body, &encodings(value))
}

/// The forms in which `value` may come back from a server: as sent, percent-encoded (RFC 3986),
/// form-encoded as a form body is sent (space as `+`), each with upper- and lower-case hex, and
/// JSON-escaped (with `/` escaped or not).
fn encodings(value: &str) -> Vec<Zeroizing<String>> {
    let mut percent = Zeroizing::new(String::new());
    encode_component(value, &mut percent);
    let form = Zeroizing::new(form_encode(value));
    let json = Zeroizing::new(serde_json::to_string(value).unwrap_or_default());
    let json = Zeroizing::new(json.get(1..json.len().saturating_sub(1)).unwrap_or("").to_owned());
    let json_slash = Zeroizing::new(json.replace('/', "\\/"));
    let lower = |s: &str| Zeroizing::new(lower_hex(s));
    vec![Zeroizing::new(value.to_owned()), lower(&percent), lower(&form), percent, form, json, json_slash]
}

/// `application/x-www-form-urlencoded` encoding of one value, as form bodies are sent:
/// `A-Z a-z 0-9 * - . _` kept, space as `+`, every other byte `%XX`.
fn form_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(b as char),
            _ if b.is_ascii_alphanumeric() => out.push(b as char),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0x0f)] as char);
            }
        }
    }
    out
}

/// `%2F` → `%2f` (the rest unchanged).
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut after_percent = 0;
    for c in encoded.chars() {
        if after_percent > 0 {
            out.push(c.to_ascii_lowercase());
            after_percent -= 1;
        } else {
            out.push(c);
            if c == '%' {
                after_percent = 2;
            }
        }
    }
    out
}

/// `haystack` with every occurrence of any of `needles` (tried in order at each position)
/// replaced by `<redacted>`. One pass: a table of first bytes keeps it linear for bodies
/// without secrets.
fn replace_needles(haystack: &[u8], needles: &[Zeroizing<String>]) -> Zeroizing<Vec<u8>> {
    let mut first = [false; 256];
    for n in needles {
        if let Some(&b) = n.as_bytes().first() {
            first[usize::from(b)] = true;
        }
    }
    let mut out = Zeroizing::new(Vec::with_capacity(haystack.len()));
    let mut i = 0;
    while i < haystack.len() {
        if first[usize::from(haystack[i])] {
            if let Some(n) = needles.iter().find(|n| !n.is_empty() && haystack[i..].starts_with(n.as_bytes())) {
                out.extend_from_slice(REDACTED.as_bytes());
                i += n.len();
                continue;
            }
        }
        out.push(haystack[i]);
        i += 1;
    }
    out
}

/// Whether `status` is a redirect (`3xx`).
pub(crate) fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status)
}

/// The error of a `3xx` answer: redirects are never followed. The `Location` is not repeated
/// (it may carry data); the status is kept.
pub(crate) fn redirect_refused(status: u16) -> Error {
    Error::new(
        ErrorKind::Api,
        format!("HTTP {status}: the server answered with a redirect, which was refused (Prove never redirects)"),
    )
    .with_status(status)
}

/// The error of an answer whose body exceeds `limit` bytes.
fn too_large(status: u16, limit: usize) -> AttemptError {
    let err = Error::new(
        ErrorKind::Decode,
        format!("the response body exceeds the limit of {limit} bytes (max_response_bytes); it was not read"),
    )
    .with_status(status);
    AttemptError::new(err, Failure::Permanent)
}

/// Reads the body of `resp` as it arrives, never more than `limit` bytes: an announced
/// `Content-Length` above the limit fails before reading, and reading stops at the first chunk
/// that would pass it (dropping the response closes the connection). Over the limit: `Decode`,
/// not retried. A broken connection: the error of [`classify_reqwest_error`], counted as having
/// reached the server.
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    limit: usize,
) -> std::result::Result<Zeroizing<Vec<u8>>, AttemptError> {
    let status = resp.status().as_u16();
    let announced = resp.content_length();
    if announced.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(too_large(status, limit));
    }
    let initial = announced.and_then(|n| usize::try_from(n).ok()).unwrap_or(0).min(limit);
    let mut body = Zeroizing::new(Vec::with_capacity(initial));
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(body),
            Err(e) => {
                let (error, failure) = classify_reqwest_error(&e);
                // The server answered: whatever broke, the request reached it.
                let failure = if failure == Failure::NotSent { Failure::Broken } else { failure };
                return Err(AttemptError::new(error, failure));
            }
        };
        if chunk.len() > limit - body.len() {
            return Err(too_large(status, limit));
        }
        if body.capacity() - body.len() < chunk.len() {
            // Grow by hand so the old buffer (it may hold a token) is zeroed, not just freed.
            let wanted = (body.len() + chunk.len()).max(body.capacity().saturating_mul(2)).min(limit);
            let mut bigger = Zeroizing::new(Vec::with_capacity(wanted));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk);
    }
}

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
    error_from_scrubbed_answer(status, content_type, body, retry_after, None)
}

/// [`error_from_answer`], with `redactor`'s secrets scrubbed from the body before anything is
/// read from it, and from the decoded message before it is sanitised (so an escaped echo is
/// caught too).
pub(crate) fn error_from_scrubbed_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
    redactor: Option<&Redactor>,
) -> Error {
    if is_redirect(status) {
        return redirect_refused(status);
    }
    let scrubbed = redactor.map(|r| r.scrub_bytes(body));
    let body: &[u8] = scrubbed.as_deref().map_or(body, |b| b.as_slice());
    let parsed = if is_json(content_type) || body.first() == Some(&b'{') { parse_error_body(body) } else { None };
    let clean = |text: &str| match redactor {
        Some(r) => sanitize_excerpt(&r.scrub_text(text)),
        None => sanitize_excerpt(text),
    };
    let (code, message) = match parsed {
        Some((code, Some(msg))) => (code, clean(&msg)),
        Some((code, None)) => (code, format!("HTTP {status}")),
        None if body.iter().all(u8::is_ascii_whitespace) => (None, format!("HTTP {status} with an empty body")),
        None => {
            let text = String::from_utf8_lossy(&body[..body.len().min(1024)]);
            (None, format!("HTTP {status}: {}", clean(&text)))
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
    fn redirects_are_refused_without_the_location() {
        for status in [301, 302, 303, 307, 308] {
            let e = error_from_answer(status, Some("application/json"), br#"{"code":1,"message":"go"}"#, None);
            assert_eq!((e.kind, e.status, e.code), (ErrorKind::Api, Some(status), None));
            assert!(e.message.contains(&status.to_string()) && e.message.contains("redirect"), "{}", e.message);
        }
    }

    #[test]
    fn secrets_are_scrubbed_in_every_form() {
        let r = Redactor::new(Secret::new("s3cr et/\\\"q"));
        r.remember(1, "tok.en+/=");
        r.remember(1, "ignored-same-generation");
        let body = concat!(
            r#"{"message":"a s3cr et/\\\"q b s3cr+et%2F%5C%22q c s3cr%20et%2f%5c%22q d s3cr et\/\\\"q "#,
            r#"e Bearer tok.en+/= f tok.en%2B%2F%3D g tok.en%2b%2f%3d h ignored-same-generation"}"#
        );
        let e = error_from_scrubbed_answer(500, Some("application/json"), body.as_bytes(), None, Some(&r));
        assert!(!e.message.contains("s3cr") && !e.message.contains("tok.en"), "{}", e.message);
        assert!(e.message.contains("ignored-same-generation"), "{}", e.message);
        assert_eq!(e.message.matches(REDACTED).count(), 7, "{}", e.message);
        // a JSON \u escape is decoded before the message is scrubbed again
        let e = error_from_scrubbed_answer(400, None, br#"{"message":"x \u0074ok.en+/= y"}"#, None, Some(&r));
        assert_eq!(e.message, "x <redacted> y");
        let mut err = Error::new(ErrorKind::Api, "tok.en+/= and s3cr et/\\\"q");
        err.request_id = Some("tok.en+/=".into());
        let err = r.scrub_error(err);
        assert_eq!((err.message.as_str(), err.request_id.as_deref()), ("<redacted> and <redacted>", Some(REDACTED)));
    }

    #[test]
    fn only_the_most_recent_tokens_are_remembered() {
        let r = Redactor::new(Secret::new("secret-value"));
        for g in 0..(MAX_REMEMBERED_TOKENS as u64 + 2) {
            r.remember(g, &format!("token-number-{g}-"));
        }
        let text = r.scrub_text("token-number-0- token-number-1- token-number-2- token-number-33-");
        assert_eq!(text, "token-number-0- token-number-1- <redacted> <redacted>");
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
