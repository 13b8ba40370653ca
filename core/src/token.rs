//! OAuth access tokens: fetch, cache, refresh ahead of expiry, single-flight.
//!
//! **Fetch.** A token is requested with `POST <token URL>` and a form-urlencoded body
//! `grant_type=client_credentials&client_id=…&client_secret=…`. The token URL defaults to
//! `/token` at the host root of the base URL (a path prefix of the base URL is not used, as in
//! Prove's own SDKs); an explicit absolute token URL is used as given. Any 2xx answer with a
//! JSON body holding a non-empty `access_token` is accepted; `token_type`, when present, must
//! be `Bearer` compared case-insensitively. One token request is bounded by the client's
//! configured `timeout`.
//!
//! **Lifetime.** The token counts as valid for `expires_in` seconds after it was received.
//! A missing, zero, negative or unreadable `expires_in` is treated as 300 s (neither a fetch
//! per call nor a token kept forever). The client refreshes ahead of expiry: a token is no
//! longer handed out once `min(60 s, lifetime / 10)` is left, so a 3600 s token is replaced
//! after 3540 s and a 2 s sandbox token after 1.8 s.
//!
//! **Single flight.** However many calls need a token at the same moment, exactly one token
//! request is in flight: the first caller starts the fetch and every other caller awaits the
//! same fetch. When it succeeds all of them get the new token; when it fails all of them get
//! the same error and the cache stays empty, so the next attempt starts a new fetch.
//!
//! **Detached.** The fetch runs as a task of its own on the current Tokio runtime, not inside
//! the caller that started it. Callers only wait for its outcome: a caller that gives up (its
//! call timed out, or its future was dropped) leaves the fetch running, and the fetch stores its
//! token (or clears itself after a failure) whether or not anyone is still waiting. So a slow
//! token endpoint never leaves a half-finished fetch behind for later calls to trip over. Should
//! the runtime that ran the fetch shut down first, the callers still waiting get a
//! [`ErrorKind::Transport`] error that is retried like any token failure, and the next attempt
//! starts a new fetch.
//!
//! **401.** When an operation is answered with 401, the token it used is dropped from the cache
//! (only if it is still the cached one, so a token refreshed meanwhile by another call is
//! kept), a fresh token is fetched (single-flight as above) and the call is re-sent once. A
//! second 401 is returned as [`ErrorKind::Auth`].
//!
//! **Errors.** A failed token request is reported with `operation` set to `V3TokenRequest` and a
//! message starting with `token request failed`. Its kind says what happened:
//!
//! | token endpoint | [`ErrorKind`] | retried |
//! |---|---|---|
//! | 401 or 403 (any body) | `Auth` | no |
//! | 400 with OAuth `error` `invalid_client`, `unauthorized_client` or `invalid_grant` | `Auth` | no |
//! | 429 | `RateLimited` (with `retry_after`) | yes, honouring `Retry-After` |
//! | 5xx | `Api` | yes |
//! | any other status (other 400s, 404, 431, …) | `Api` | no |
//! | 2xx that is not a usable Bearer token | `Decode` | no |
//! | no answer in time | `Timeout` | yes |
//! | connection refused, dropped, … | `Transport` | yes |
//!
//! Only a credential rejection is `Auth`: an outage of the token endpoint is not reported as bad
//! credentials. "Retried" means under the call's [retry policy](crate::retry) and within its
//! total timeout, for every operation, flow steps included, because the operation itself was
//! never sent. `status` and Prove's `code` are kept when the endpoint answered; an OAuth error
//! body (`error`, `error_description`) gives the message.
//!
//! **Secrecy.** Tokens and the client secret are zeroed in memory when dropped and never appear
//! in `Debug` output, logs or errors; an error body of the token endpoint that echoes the client
//! secret has it replaced by `<redacted>` before anything is read from it.
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::config::Secret;
use crate::error::{sanitize_excerpt, Error, ErrorKind, Result};
use crate::logging;
use crate::ops;
use crate::retry::{parse_retry_after, Failure};
use crate::transport::{self, AttemptError};

/// Lifetime assumed when the token answer carries no usable `expires_in`.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// Longest refresh margin before expiry.
pub const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// OAuth `error` values of a 400 answer that mean the credentials were rejected (RFC 6749 5.2).
const CREDENTIAL_ERRORS: [&str; 3] = ["invalid_client", "unauthorized_client", "invalid_grant"];

/// A cached access token. `Debug` never shows its value.
pub(crate) struct AccessToken {
    value: Zeroizing<String>,
    /// Identifies this token in the cache (for "drop only if still cached").
    pub(crate) generation: u64,
    refresh_at: Instant,
}

impl AccessToken {
    /// The bearer value. Only for the `Authorization` header.
    pub(crate) fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("value", &"<redacted>").field("generation", &self.generation).finish()
    }
}

type Outcome = std::result::Result<Arc<AccessToken>, AttemptError>;
type Fetch = Shared<BoxFuture<'static, Outcome>>;

#[derive(Default)]
struct State {
    current: Option<Arc<AccessToken>>,
    /// The fetch in flight and its number (so only that fetch clears itself).
    inflight: Option<(u64, Fetch)>,
    next_generation: u64,
    next_fetch: u64,
}

/// Fetches, caches and refreshes the access token of one set of credentials.
pub(crate) struct TokenManager {
    http: reqwest::Client,
    url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    /// Upper bound of one token request.
    timeout: Duration,
    /// Upper bound of the answer's body.
    max_response_bytes: usize,
    state: Mutex<State>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("url", &self.url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

/// The token answer as far as the manager needs it; everything optional so that a missing
/// field becomes a clear error instead of a decode failure.
#[derive(Deserialize)]
struct WireToken {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
}

impl TokenManager {
    pub(crate) fn new(
        http: reqwest::Client,
        url: reqwest::Url,
        client_id: String,
        client_secret: Secret,
        timeout: Duration,
        max_response_bytes: usize,
    ) -> Self {
        TokenManager {
            http,
            url,
            client_id,
            client_secret,
            timeout,
            max_response_bytes,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent (plain stores),
        // so a poisoned lock is simply reused.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A valid token: the cached one, or a fresh one from the single in-flight fetch.
    ///
    /// Dropping the returned future (the caller gave up) does not affect the fetch.
    pub(crate) async fn get(self: &Arc<Self>) -> Outcome {
        let fetch = {
            let mut st = self.lock();
            if let Some(t) = &st.current {
                if Instant::now() < t.refresh_at {
                    return Ok(Arc::clone(t));
                }
            }
            match &st.inflight {
                Some((_, f)) => f.clone(),
                None => {
                    st.next_fetch += 1;
                    let id = st.next_fetch;
                    let f = self.start_fetch(id);
                    st.inflight = Some((id, f.clone()));
                    f
                }
            }
        };
        fetch.await
    }

    /// Starts fetch number `id` as a task of its own, so that it runs to its end (and stores
    /// its outcome) whatever its waiters do; returns the shared handle the waiters await.
    fn start_fetch(self: &Arc<Self>, id: u64) -> Fetch {
        let this = Arc::clone(self);
        let work = async move {
            let result = this.fetch().await;
            this.finish(id, &result);
            result
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // Not inside a Tokio runtime (reqwest cannot send from there anyway): the waiters
            // drive the fetch themselves.
            return work.boxed().shared();
        };
        let task = runtime.spawn(work);
        // The waiters' side holds no strong reference, so a fetch left behind by a dead runtime
        // does not keep the manager alive.
        let manager = Arc::downgrade(self);
        async move {
            match task.await {
                Ok(result) => result,
                Err(_) => interrupted(&manager, id),
            }
        }
        .boxed()
        .shared()
    }

    /// Stores the outcome of fetch `id` and clears it from the state, so the next call after a
    /// failure starts a new fetch. Does nothing when `id` is no longer the fetch in flight.
    fn finish(&self, id: u64, result: &Outcome) {
        let mut st = self.lock();
        if st.inflight.as_ref().is_none_or(|(i, _)| *i != id) {
            return;
        }
        st.inflight = None;
        if let Ok(t) = result {
            st.current = Some(Arc::clone(t));
        }
    }

    /// Drops the cached token if it is still the one with `generation`.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut st = self.lock();
        if st.current.as_ref().is_some_and(|t| t.generation == generation) {
            st.current = None;
        }
    }

    /// One token request.
    async fn fetch(&self) -> Outcome {
        let started = Instant::now();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let sent = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .timeout(self.timeout)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                let (err, _) = transport::classify_reqwest_error(&e);
                logging::token_fetch(None, started.elapsed(), err.kind.as_str());
                // The operation itself was not sent: retrying it is always safe.
                return Err(AttemptError::new(token_error(err), Failure::NotSent));
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let content_type = transport::content_type(resp.headers());
        let body = match transport::read_body(resp, self.max_response_bytes).await {
            Ok(b) => b,
            Err(AttemptError { error: err, failure }) => {
                logging::token_fetch(Some(status), started.elapsed(), err.kind.as_str());
                // An answer over the size limit is not retried; a broken one is.
                let failure = if failure == Failure::Permanent { failure } else { Failure::NotSent };
                return Err(AttemptError::new(token_error(err), failure));
            }
        };
        let elapsed = started.elapsed();

        if !(200..300).contains(&status) {
            let body = redact_secret(self.client_secret.expose(), &body);
            let (err, failure) = error_from_token_answer(status, content_type.as_deref(), &body, retry_after);
            logging::token_fetch(Some(status), elapsed, err.kind.as_str());
            return Err(AttemptError::new(token_error(err), failure));
        }

        let token = self.accept(&body, status);
        logging::token_fetch(Some(status), elapsed, token.as_ref().map_or_else(|e| e.kind.as_str(), |_| "ok"));
        token.map_err(|e| AttemptError::new(token_error(e), Failure::Permanent))
    }

    /// Checks a 2xx token answer and turns it into a cached token.
    fn accept(&self, body: &[u8], status: u16) -> Result<Arc<AccessToken>> {
        let bad = |msg: &str| Error::new(ErrorKind::Decode, msg).with_status(status);
        let wire: WireToken = serde_json::from_slice(body).map_err(|_| bad("the answer is not a JSON token object"))?;
        let value = Zeroizing::new(wire.access_token.unwrap_or_default());
        if value.is_empty() {
            return Err(bad("the answer has no access_token"));
        }
        if let Some(tt) = &wire.token_type {
            if !tt.eq_ignore_ascii_case("bearer") {
                return Err(bad("unexpected token_type (expected Bearer)"));
            }
        }
        let lifetime = lifetime_of(wire.expires_in.as_ref());
        let margin = MAX_REFRESH_MARGIN.min(lifetime / 10);
        let now = Instant::now();
        let refresh_at = now.checked_add(lifetime - margin).unwrap_or(now);
        let mut st = self.lock();
        st.next_generation += 1;
        Ok(Arc::new(AccessToken { value, generation: st.next_generation, refresh_at }))
    }
}

/// What waiters of fetch `id` get when its task ended without an outcome (its runtime shut
/// down, or it panicked): a failure that is retried like a connection error, after the fetch
/// was cleared so that the retry starts a new one.
fn interrupted(manager: &Weak<TokenManager>, id: u64) -> Outcome {
    let err = token_error(Error::new(ErrorKind::Transport, "the token request was interrupted"));
    let result = Err(AttemptError::new(err, Failure::NotSent));
    if let Some(m) = manager.upgrade() {
        m.finish(id, &result);
    }
    result
}

/// Maps a non-2xx answer of the token endpoint: only a credential rejection is `Auth`, see the
/// module docs.
fn error_from_token_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> (Error, Failure) {
    if transport::is_redirect(status) {
        // Never followed, whatever the body says (see `config`).
        return (transport::redirect_refused(status), Failure::Permanent);
    }
    let mut err = transport::error_from_answer(status, content_type, body, retry_after);
    let oauth = oauth_error(body);
    if let Some((code, description)) = &oauth {
        err.message = match description {
            Some(d) => format!("{code}: {d}"),
            None => code.clone(),
        };
    }
    let credential_error = oauth.as_ref().is_some_and(|(code, _)| CREDENTIAL_ERRORS.contains(&code.as_str()));
    let (kind, failure) = match status {
        401 | 403 => (ErrorKind::Auth, Failure::Permanent),
        400 if credential_error => (ErrorKind::Auth, Failure::Permanent),
        429 => (ErrorKind::RateLimited, Failure::Status(429)),
        // The token endpoint failed; the operation was never sent, so retrying is safe.
        500..=599 => (ErrorKind::Api, Failure::NotSent),
        _ => (ErrorKind::Api, Failure::Permanent),
    };
    err.kind = kind;
    (err, failure)
}

/// The OAuth error of an error body (RFC 6749 5.2): `error` (only if it looks like an OAuth
/// error code) and a sanitised `error_description`.
fn oauth_error(body: &[u8]) -> Option<(String, Option<String>)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = v.get("error")?.as_str()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if code.is_empty() || code.len() > 64 || !code.chars().all(plain) {
        return None;
    }
    let description =
        v.get("error_description").and_then(|d| d.as_str()).map(sanitize_excerpt).filter(|d| !d.is_empty());
    Some((code.to_owned(), description))
}

/// `body` with every occurrence of the client secret (in every encoding it may come back in)
/// replaced by `<redacted>`, so no message built from an error answer can repeat it.
fn redact_secret(secret: &str, body: &[u8]) -> Zeroizing<Vec<u8>> {
    transport::scrub_value(secret, body)
}

/// Lifetime from `expires_in` (number or numeric string); defaults when missing or not positive.
/// Capped at one day.
fn lifetime_of(v: Option<&serde_json::Value>) -> Duration {
    let secs = match v {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match secs {
        Some(s) if s.is_finite() && s > 0.0 => Duration::from_secs_f64(s.min(86_400.0)),
        _ => DEFAULT_TOKEN_LIFETIME,
    }
}

/// Marks `err` as a failure of the token request: message prefix and `operation`.
fn token_error(mut err: Error) -> Error {
    err.message = format!("token request failed: {}", err.message);
    err.operation = Some(ops::TOKEN.id);
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lifetime_defaults_and_caps() {
        assert_eq!(lifetime_of(None), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(lifetime_of(Some(&json!(0))), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(lifetime_of(Some(&json!(-5))), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(lifetime_of(Some(&json!("x"))), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(lifetime_of(Some(&json!(3600))), Duration::from_secs(3600));
        assert_eq!(lifetime_of(Some(&json!("120"))), Duration::from_secs(120));
        assert_eq!(lifetime_of(Some(&json!(1e12))), Duration::from_secs(86_400));
    }

    fn classify(status: u16, body: &str) -> (ErrorKind, Failure) {
        let (e, f) = error_from_token_answer(status, Some("application/json"), body.as_bytes(), None);
        (e.kind, f)
    }

    #[test]
    fn only_credential_rejections_are_auth() {
        use ErrorKind::*;
        use Failure::*;
        assert_eq!(classify(401, r#"{"code":8002,"message":"no"}"#), (Auth, Permanent));
        assert_eq!(classify(401, ""), (Auth, Permanent));
        assert_eq!(classify(403, r#"{"error":"access_denied"}"#), (Auth, Permanent));
        for code in CREDENTIAL_ERRORS {
            assert_eq!(classify(400, &format!(r#"{{"error":"{code}"}}"#)), (Auth, Permanent), "{code}");
        }
        assert_eq!(classify(400, r#"{"error":"invalid_request"}"#), (Api, Permanent));
        assert_eq!(classify(400, r#"{"code":1001,"message":"field missing"}"#), (Api, Permanent));
        assert_eq!(classify(429, ""), (RateLimited, Status(429)));
        for status in [500, 502, 503, 504, 599] {
            assert_eq!(classify(status, r#"{"error":"invalid_client"}"#), (Api, NotSent), "{status}");
        }
        for status in [301, 404, 405, 408, 431] {
            assert_eq!(classify(status, ""), (Api, Permanent), "{status}");
        }
    }

    #[test]
    fn oauth_error_bodies_give_the_message() {
        let (e, _) = error_from_token_answer(
            401,
            None,
            br#"{"error":"invalid_client","error_description":"client 2065550100 unknown"}"#,
            None,
        );
        assert_eq!(e.status, Some(401));
        assert!(e.message.starts_with("invalid_client: client "), "{}", e.message);
        assert!(!e.message.contains("2065550100"), "{}", e.message);
        // an `error` that is not an OAuth error code is not repeated
        assert_eq!(oauth_error(br#"{"error":"<script> and more"}"#), None);
        assert_eq!(oauth_error(br#"{"error":17}"#), None);
    }

    #[test]
    fn the_secret_is_redacted_in_every_encoding() {
        let body = br#"plain s3cr et/\"quote, form s3cr+et%2F%5C%22quote, pct s3cr%20et%2F%5C%22quote, json "s3cr et/\\\"quote""#;
        let out = redact_secret("s3cr et/\\\"quote", body);
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("s3cr"), "{text}");
        assert_eq!(text.matches("<redacted>").count(), 4, "{text}");
    }
}
