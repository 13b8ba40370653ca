//! OAuth access tokens: fetch, cache, refresh ahead of expiry, single-flight.
//!
//! **Fetch.** A token is requested with `POST <token URL>` and a form-urlencoded body
//! `grant_type=client_credentials&client_id=…&client_secret=…`. The token URL defaults to
//! `/token` at the host root of the base URL (a path prefix of the base URL is not used, as in
//! Prove's own SDKs); an explicit absolute token URL is used as given. Any 2xx answer with a
//! JSON body holding a non-empty `access_token` is accepted; `token_type`, when present, must
//! be `Bearer` compared case-insensitively.
//!
//! **Lifetime.** The token counts as valid for `expires_in` seconds after it was received.
//! A missing, zero, negative or unreadable `expires_in` is treated as 300 s (neither a fetch
//! per call nor a token kept forever). The client refreshes ahead of expiry: a token is no
//! longer handed out once `min(60 s, lifetime / 10)` is left, so a 3600 s token is replaced
//! after 3540 s and a 2 s sandbox token after 1.8 s.
//!
//! **Single flight.** However many calls need a token at the same moment, exactly one token
//! request is in flight: the first caller starts the fetch as a shared future and every other
//! caller awaits the same future. When it succeeds all of them get the new token; when it
//! fails all of them get the same error and the cache stays empty, so the next call starts a
//! new fetch. A caller that gives up (timeout, cancellation) does not cancel the fetch for the
//! others.
//!
//! **401.** When an operation is answered with 401, the token it used is dropped from the cache
//! (only if it is still the cached one, so a token refreshed meanwhile by another call is
//! kept), a fresh token is fetched (single-flight as above) and the call is re-sent once. A
//! second 401 is returned as [`ErrorKind::Auth`].
//!
//! **Errors.** A failed token request surfaces as [`ErrorKind::Auth`] with the HTTP status and
//! Prove's `code` and `message` (`429` as [`ErrorKind::RateLimited`] with `retry_after`);
//! network failures keep their kind ([`ErrorKind::Transport`] or [`ErrorKind::Timeout`]).
//! Because the operation itself was never sent, such failures may be retried for every
//! operation under the [retry policy](crate::retry).
//!
//! **Secrecy.** Tokens and the client secret are zeroed in memory when dropped and never appear
//! in `Debug` output, logs or errors.
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::config::Secret;
use crate::error::{Error, ErrorKind, Result};
use crate::logging;
use crate::retry::{parse_retry_after, Failure};
use crate::transport::{self, AttemptError};

/// Lifetime assumed when the token answer carries no usable `expires_in`.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// Longest refresh margin before expiry.
pub const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);

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

type Fetch = Shared<BoxFuture<'static, std::result::Result<Arc<AccessToken>, AttemptError>>>;

#[derive(Default)]
struct State {
    current: Option<Arc<AccessToken>>,
    inflight: Option<Fetch>,
    next_generation: u64,
}

/// Fetches, caches and refreshes the access token of one set of credentials.
pub(crate) struct TokenManager {
    http: reqwest::Client,
    url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    /// Upper bound of one token request.
    timeout: Duration,
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
    ) -> Self {
        TokenManager { http, url, client_id, client_secret, timeout, state: Mutex::new(State::default()) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent (plain stores),
        // so a poisoned lock is simply reused.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A valid token: the cached one, or a fresh one from the single in-flight fetch.
    pub(crate) async fn get(self: &Arc<Self>) -> std::result::Result<Arc<AccessToken>, AttemptError> {
        let fetch = {
            let mut st = self.lock();
            if let Some(t) = &st.current {
                if Instant::now() < t.refresh_at {
                    return Ok(Arc::clone(t));
                }
            }
            match &st.inflight {
                Some(f) => f.clone(),
                None => {
                    let this = Arc::clone(self);
                    let f: Fetch = async move {
                        let result = this.fetch().await;
                        this.finish(&result);
                        result
                    }
                    .boxed()
                    .shared();
                    st.inflight = Some(f.clone());
                    f
                }
            }
        };
        fetch.await
    }

    /// Stores the outcome of the in-flight fetch and clears it, so the next call after a
    /// failure starts a new fetch.
    fn finish(&self, result: &std::result::Result<Arc<AccessToken>, AttemptError>) {
        let mut st = self.lock();
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
    async fn fetch(&self) -> std::result::Result<Arc<AccessToken>, AttemptError> {
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
                return Err(AttemptError::new(prefix(err), Failure::NotSent));
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let content_type = transport::content_type(resp.headers());
        let body = match resp.bytes().await {
            Ok(b) => Zeroizing::new(b.to_vec()),
            Err(e) => {
                let (err, _) = transport::classify_reqwest_error(&e);
                logging::token_fetch(Some(status), started.elapsed(), err.kind.as_str());
                return Err(AttemptError::new(prefix(err), Failure::NotSent));
            }
        };
        let elapsed = started.elapsed();

        if !(200..300).contains(&status) {
            let mut err = transport::error_from_answer(status, content_type.as_deref(), &body, retry_after);
            let failure = match status {
                429 => Failure::Status(429),
                502..=504 => Failure::NotSent,
                _ => Failure::Permanent,
            };
            if err.kind != ErrorKind::RateLimited {
                err.kind = ErrorKind::Auth;
            }
            logging::token_fetch(Some(status), elapsed, err.kind.as_str());
            return Err(AttemptError::new(prefix(err), failure));
        }

        let token = self.accept(&body, status);
        logging::token_fetch(Some(status), elapsed, if token.is_ok() { "ok" } else { "Auth" });
        token.map_err(|e| AttemptError::new(e, Failure::Permanent))
    }

    /// Checks a 2xx token answer and turns it into a cached token.
    fn accept(&self, body: &[u8], status: u16) -> Result<Arc<AccessToken>> {
        let bad = |msg: &str| Error::new(ErrorKind::Auth, format!("token request failed: {msg}")).with_status(status);
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

fn prefix(mut err: Error) -> Error {
    err.message = format!("token request failed: {}", err.message);
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
}
