//! The language-neutral surface every binding (Node, Python, Kotlin/Swift) maps to its host.
//!
//! An adapter crate owns only host concerns (runtime and threads, cancellation, converting
//! values, raising the host's exceptions); everything else it needs is here, written once:
//!
//! - [`settings`]: client settings and per-call options in plain units (milliseconds, counts,
//!   strings) → [`Config`](crate::Config) / a per-call [`Client`] handle, including the
//!   environment lookup of `from_env`, with errors naming the field as the host spells it
//!   (`clientSecret`), and the names of every setting ([`SettingGroup`]) so that a binding
//!   refuses an unknown one with a suggestion (`baseURL` → "did you mean baseUrl?");
//! - [`cancel`]: a [`CancelToken`] the host cancels (an `AbortSignal`, a cancelled asyncio task
//!   or coroutine) and [`cancellable`] racing any call against tokens, dropping the call (and its
//!   HTTP request) when one is cancelled;
//! - [`handle`]: [`ClientHandle`], the client with `close()`: calls in flight are cancelled,
//!   later ones refused (`Transport`, "the client is closed");
//! - [`error`]: the error as data ([`ErrorData`]), every field of [`Error`] in one serialisable
//!   form; the kinds are [`ErrorKind::ALL`];
//! - [`cursor`]: the identity listing as a cursor driven page by page (from any runtime, sync or
//!   async);
//! - [`webhook`]: verification from a list of secrets and options, and signed test deliveries;
//! - [`logging`]: the core's redacted log events as plain records handed to callbacks;
//! - the method table ([`methods`]) and [`call`] / [`call_text`] / [`call_cancellable`] to run a
//!   method by name with JSON in and out, and [`guard`] so that no panic ever crosses into a host.
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};

pub mod cancel;
pub mod cursor;
pub mod error;
pub mod handle;
pub mod logging;
pub mod settings;
pub mod webhook;

pub use crate::api::methods::{all as methods, find as find_method, MethodInfo};
pub use cancel::{cancellable, CancelToken};
pub use cursor::IdentityCursor;
pub use error::ErrorData;
pub use handle::ClientHandle;
pub use settings::{CallSettings, ClientSettings, RetrySettings, SettingGroup};

/// Runs `f`, turning a panic into an `Api` error ("internal error in `what`") so that it never
/// unwinds into the host language.
pub fn guard<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(Error::new(ErrorKind::Api, format!("internal error in {what}"))),
    }
}

/// Parses a request given as JSON text. Empty text stands for "no input" (`null`). The text is
/// never echoed in the error.
pub fn parse_json_text(text: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(text).map_err(|_| Error::validation("input", "is not valid JSON"))
}

/// Writes a value as JSON text.
pub fn to_json_text<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|_| Error::new(ErrorKind::Decode, "encoding the response"))
}

/// Calls the method `name` of the table with `input` (wire names), with the per-call settings
/// applied, and returns the output as JSON.
pub async fn call(client: &Client, name: &str, input: Value, settings: Option<&CallSettings>) -> Result<Value> {
    let client = match settings {
        Some(s) => s.apply(client)?,
        None => client.clone(),
    };
    crate::dispatch::call_json(&client, name, input).await
}

/// [`call`] raced against `cancel`: once it is cancelled the call is dropped (its HTTP request
/// abandoned) and `cancel`'s error returned; when it is cancelled already, nothing is sent.
pub async fn call_cancellable(
    client: &Client,
    name: &str,
    input: Value,
    settings: Option<&CallSettings>,
    cancel: &CancelToken,
) -> Result<Value> {
    cancellable(call(client, name, input, settings), &[cancel]).await
}

/// [`call`] with the input and output as JSON text (empty input text is no input).
pub async fn call_text(client: &Client, name: &str, input: &str, settings: Option<&CallSettings>) -> Result<String> {
    let input = parse_json_text(input)?;
    to_json_text(&call(client, name, input, settings).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_an_api_error() {
        let e = guard::<()>("the test", || panic!("boom")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Api);
        assert_eq!(e.message, "internal error in the test");
        assert_eq!(guard("x", || Ok(5)).unwrap(), 5);
    }

    #[test]
    fn json_text_is_parsed_without_echo() {
        assert_eq!(parse_json_text("  ").unwrap(), Value::Null);
        assert_eq!(parse_json_text("{\"a\":1}").unwrap()["a"], 1);
        let e = parse_json_text("{\"ssn\": 123456789").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("input"));
        assert!(!e.message.contains("123456789"));
    }
}
