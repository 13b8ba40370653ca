//! When a call is retried, and how long it waits.
//!
//! Every operation has a [`RetryClass`] in the generated operation table:
//!
//! * **`Idempotent`** (reads such as `GET /v3/domain/id`, and status polls such as
//!   `/v3/unify-status`): retried after a connection error of any kind (refused, DNS, TLS
//!   handshake, connection dropped before an answer), after an attempt timed out (see
//!   `attempt_timeout`), and after an HTTP `429`, `502`, `503` or `504`.
//! * **`StateChanging`** (flow steps such as `/v3/start`, `/v3/validate`, `/v3/complete`):
//!   retried only when the request provably never reached the server (connection refused,
//!   DNS failure, TLS handshake failure, connect timeout), or after an HTTP `429` (Prove
//!   rejected it without processing). A dropped connection, a timeout after sending or a `5xx`
//!   is **not** retried, because the step may have run.
//!
//! **Token request failures** are retried for both classes alike, because the operation was
//! never sent: a connection error or timeout of the token request, a `5xx` from the token
//! endpoint, and a `429` from it (honouring `Retry-After` as below). A credential rejection
//! (`401`/`403`, or `400` with an OAuth credential error) and any other status are not retried;
//! see [`token`](crate::token) for how each is reported.
//!
//! Nothing else is retried: `400`, `403`, `404`, `500` and decode errors are returned at once.
//! A `401` is handled separately by the token manager (see [`token`](crate::token)): the
//! token is dropped, a fresh one fetched and the call re-sent once; that re-send does not count
//! as a retry.
//!
//! **Backoff.** Before retry *n* (1-based) the client sleeps a uniformly random time in
//! `[0, min(max_backoff, initial_backoff × 2^(n-1))]` ("full jitter"). When a `429` carries
//! `Retry-After` (seconds or an HTTP date), that delay is used instead, unless it is longer
//! than `max_backoff` or than the time left in the call's total timeout: then the call gives
//! up at once with [`ErrorKind::RateLimited`](crate::ErrorKind::RateLimited) and
//! `retry_after` set, so the caller can decide. A backoff that would not fit in the remaining
//! total timeout ends the call with the last error instead of sleeping.
//!
//! **Retry-After is capped.** A delay is read as whole seconds or as an HTTP date, and whatever
//! the server sends is capped at [`MAX_RETRY_AFTER`] (one day): an absurd value (more digits than
//! fit in 64 bits, a date in the year 9999) is kept as one day, so the `retry_after` an error
//! reports is always a sane duration whose milliseconds are exact in every host language
//! (JavaScript numbers included). Such a delay exceeds any `max_backoff`, so the call gives up at
//! once as described above.
//!
//! **Never retried either:** a redirect (`3xx`, which is never followed; see
//! [`config`](crate::config)) and an answer larger than `max_response_bytes`.
//!
//! **Limits.** At most `max_retries` retries follow the first attempt; `max_retries = 0`
//! ([`RetryPolicy::none`]) switches retries off. The call's total timeout bounds everything:
//! attempts, backoff sleeps and the token fetch.
use std::time::{Duration, SystemTime};

use rand::Rng;

use crate::config::RetryPolicy;
use crate::ops::RetryClass;

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The request never left the client (connect refused, DNS, TLS handshake, connect timeout).
    NotSent,
    /// The connection broke after the request may have been sent.
    Broken,
    /// The attempt ran out of its own time limit (the call's total budget is not exhausted).
    AttemptTimeout,
    /// The server answered with this HTTP status.
    Status(u16),
    /// Anything else: never retried.
    Permanent,
}

/// Whether a failure of class `failure` may be retried for an operation of class `class`.
pub(crate) fn is_retryable(class: RetryClass, failure: Failure) -> bool {
    match failure {
        Failure::NotSent => true,
        Failure::Status(429) => true,
        Failure::Permanent => false,
        Failure::Broken | Failure::AttemptTimeout => class == RetryClass::Idempotent,
        Failure::Status(502..=504) => class == RetryClass::Idempotent,
        Failure::Status(_) => false,
    }
}

/// The full-jitter backoff before retry number `retry` (1-based).
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let cap = ceiling(policy, retry);
    if cap.is_zero() {
        return cap;
    }
    let millis = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=millis))
}

/// The upper bound of the backoff before retry number `retry` (1-based).
pub(crate) fn ceiling(policy: &RetryPolicy, retry: u32) -> Duration {
    let shift = retry.saturating_sub(1).min(30);
    policy.initial_backoff.saturating_mul(1u32 << shift).min(policy.max_backoff)
}

/// Longest `Retry-After` delay kept: one day. Longer delays are reported as this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// Parses a `Retry-After` header value: delay seconds, or an HTTP date (relative to `now`;
/// a date in the past means no wait). Capped at [`MAX_RETRY_AFTER`], including a number of
/// seconds too large for 64 bits.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: delay-seconds, however many (overflow means "very long").
        let secs = v.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_retry_the_right_failures() {
        use Failure::*;
        use RetryClass::*;
        for f in [NotSent, Broken, AttemptTimeout, Status(429), Status(502), Status(503), Status(504)] {
            assert!(is_retryable(Idempotent, f), "{f:?}");
        }
        for f in [NotSent, Status(429)] {
            assert!(is_retryable(StateChanging, f), "{f:?}");
        }
        for f in [Broken, AttemptTimeout, Status(500), Status(502), Status(503), Status(504)] {
            assert!(!is_retryable(StateChanging, f), "{f:?}");
        }
        for f in [Status(400), Status(401), Status(403), Status(404), Status(500), Permanent] {
            assert!(!is_retryable(Idempotent, f), "{f:?}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(450),
        };
        assert_eq!(ceiling(&p, 1), Duration::from_millis(100));
        assert_eq!(ceiling(&p, 2), Duration::from_millis(200));
        assert_eq!(ceiling(&p, 3), Duration::from_millis(400));
        assert_eq!(ceiling(&p, 4), Duration::from_millis(450));
        assert_eq!(ceiling(&p, 1000), Duration::from_millis(450));
        for n in 1..20 {
            assert!(backoff(&p, n) <= ceiling(&p, n));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("+3", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn retry_after_is_capped_at_one_day() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("86400", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("86401", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("18446744073709551615", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("99999999999999999999", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now), Some(MAX_RETRY_AFTER));
        let in_a_year = httpdate::fmt_http_date(now + Duration::from_secs(365 * 86_400));
        assert_eq!(parse_retry_after(&in_a_year, now), Some(MAX_RETRY_AFTER));
        assert!(MAX_RETRY_AFTER.as_millis() < (1u128 << 53));
    }
}
