//! A client as a binding holds it: the core [`Client`] with a life cycle. Calls can be cancelled
//! one by one (a [`CancelToken`] per call) and all at once by [`ClientHandle::close`], which also
//! refuses every later call and lets go of the connection pool.
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use super::cancel::{cancellable, CancelToken};
use super::cursor::IdentityCursor;
use super::settings::CallSettings;
use crate::client::Client;
use crate::config::Config;
use crate::error::Result;

/// Message of the error of a call made on, or stopped by, a closed client (kind `Transport`).
pub const CLOSED_MESSAGE: &str = "the client is closed";

struct Inner {
    /// `None` once closed: the last clones held by calls in flight go with them.
    client: Mutex<Option<Client>>,
    /// Kept for the accessors a host shows after `close()` (base URL, environment, user agent).
    config: Config,
    /// Cancelled by `close()`; every call and cursor of this client races it.
    closed: CancelToken,
}

/// A [`Client`] with `close()`. Cheap to clone; clones are the same client (closing one closes
/// all). Every call races the client's own token, cancelled by [`close`](ClientHandle::close),
/// and optionally one of the caller's.
///
/// After `close()`:
/// - the calls in flight end at once with a `Transport` error ([`CLOSED_MESSAGE`]), their
///   futures dropped (requests abandoned, connections closed);
/// - every later call, and every page of a listing, fails the same way before any network call;
/// - the connection pool is released once those calls are gone.
#[derive(Clone)]
pub struct ClientHandle {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ClientHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHandle")
            .field("base_url", &self.inner.config.base_url())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl ClientHandle {
    /// The handle of `client`, open.
    pub fn new(client: Client) -> Self {
        let config = client.config().clone();
        ClientHandle {
            inner: Arc::new(Inner {
                client: Mutex::new(Some(client)),
                config,
                closed: CancelToken::with_message(CLOSED_MESSAGE),
            }),
        }
    }

    fn slot(&self) -> MutexGuard<'_, Option<Client>> {
        // A poisoned lock only means a panic elsewhere while holding it; the slot is intact.
        self.inner.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The configuration the client was built with (still readable after `close()`).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The client to make a call with, or the closed error.
    pub fn client(&self) -> Result<Client> {
        self.inner.closed.check()?;
        self.slot().clone().ok_or_else(|| self.inner.closed.error())
    }

    /// Closes the client: cancels its calls in flight and refuses later ones. Idempotent;
    /// returns whether this call closed it.
    pub fn close(&self) -> bool {
        let first = self.inner.closed.cancel();
        self.slot().take();
        first
    }

    /// Whether [`close`](ClientHandle::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.is_cancelled()
    }

    /// The token `close()` cancels, for hosts that race work of their own against it.
    pub fn closed_token(&self) -> &CancelToken {
        &self.inner.closed
    }

    /// [`call`](super::call) on this client, stopped by `close()` or by `cancel`: the closed
    /// error, or `cancel`'s error, as soon as either is cancelled (before any network call when
    /// one already is).
    pub async fn call(
        &self,
        name: &str,
        input: Value,
        settings: Option<&CallSettings>,
        cancel: Option<&CancelToken>,
    ) -> Result<Value> {
        let client = self.client()?;
        let mut tokens = vec![&self.inner.closed];
        tokens.extend(cancel);
        cancellable(super::call(&client, name, input, settings), &tokens).await
    }

    /// [`ClientHandle::call`] with the input and output as JSON text (empty input text is no
    /// input).
    pub async fn call_text(
        &self,
        name: &str,
        input: &str,
        settings: Option<&CallSettings>,
        cancel: Option<&CancelToken>,
    ) -> Result<String> {
        let input = super::parse_json_text(input)?;
        super::to_json_text(&self.call(name, input, settings, cancel).await?)
    }

    /// A cursor over the identity listing (input as for [`IdentityCursor::from_json`]) whose
    /// pages `close()` stops like any call.
    pub fn identity_cursor(&self, input: Value, settings: Option<&CallSettings>) -> Result<IdentityCursor> {
        let client = self.client()?;
        let client = match settings {
            Some(s) => s.apply(&client)?,
            None => client,
        };
        Ok(IdentityCursor::from_json(&client, input)?.stopped_by(self.inner.closed.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binding::settings::ClientSettings;
    use crate::binding::RetrySettings;
    use crate::error::ErrorKind;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::mpsc;

    /// A loopback server that answers `/token` and never answers anything else: it reads each
    /// other request, reports it, then waits for the client to close the connection and reports
    /// that too.
    struct Hanging {
        url: String,
        api_requests: Arc<AtomicUsize>,
        received: mpsc::UnboundedReceiver<()>,
        closed: mpsc::UnboundedReceiver<()>,
    }

    /// Reads one request (head and `Content-Length` body) from `buf` + `stream`; its request
    /// line, or `None` once the peer has closed the connection.
    async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                let len = head
                    .lines()
                    .find_map(|l| {
                        let l = l.to_ascii_lowercase();
                        l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while buf.len() < end + 4 + len {
                    if stream.read_buf(buf).await.ok()? == 0 {
                        return None;
                    }
                }
                buf.drain(..end + 4 + len);
                return head.lines().next().map(str::to_owned);
            }
            if stream.read_buf(buf).await.ok()? == 0 {
                return None;
            }
        }
    }

    async fn serve(
        mut stream: TcpStream,
        api: Arc<AtomicUsize>,
        rx: mpsc::UnboundedSender<()>,
        cx: mpsc::UnboundedSender<()>,
    ) {
        let mut buf = Vec::new();
        while let Some(line) = read_request(&mut stream, &mut buf).await {
            if line.contains(" /token ") {
                let body = r#"{"access_token":"tok","token_type":"Bearer","expires_in":3600}"#;
                let res = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(res.as_bytes()).await.is_err() {
                    return;
                }
                continue;
            }
            api.fetch_add(1, Ordering::SeqCst);
            let _ = rx.send(());
            // Never answer; wait for the client to go away.
            let mut sink = [0u8; 256];
            loop {
                match stream.read(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            let _ = cx.send(());
            return;
        }
    }

    async fn hanging() -> Hanging {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let api_requests = Arc::new(AtomicUsize::new(0));
        let (rtx, received) = mpsc::unbounded_channel();
        let (ctx, closed) = mpsc::unbounded_channel();
        let api = Arc::clone(&api_requests);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&api), rtx.clone(), ctx.clone()));
            }
        });
        Hanging { url, api_requests, received, closed }
    }

    fn handle_for(base_url: &str) -> ClientHandle {
        handle_with(base_url, "id", "secret")
    }

    fn handle_with(base_url: &str, id: &str, secret: &str) -> ClientHandle {
        let settings = ClientSettings {
            client_id: Some(id.into()),
            client_secret: Some(secret.into()),
            base_url: Some(base_url.into()),
            retry: Some(RetrySettings::none()),
            ..Default::default()
        };
        ClientHandle::new(settings.to_client().unwrap())
    }

    async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), f).await.unwrap_or_else(|_| panic!("{what}: not within 5 s"))
    }

    #[tokio::test]
    async fn a_call_cancelled_mid_flight_returns_promptly_and_its_connection_is_closed() {
        let mut server = hanging().await;
        let handle = handle_for(&server.url);
        let token = CancelToken::new();
        let call = {
            let (handle, token) = (handle.clone(), token.clone());
            tokio::spawn(async move { handle.call("domain.id", Value::Null, None, Some(&token)).await })
        };
        within("the request reaching the server", server.received.recv()).await.unwrap();
        let cancelled_at = Instant::now();
        assert!(token.cancel());
        let e = within("the cancelled call", call).await.unwrap().unwrap_err();
        assert!(cancelled_at.elapsed() < Duration::from_secs(2), "{:?}", cancelled_at.elapsed());
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Transport, crate::binding::cancel::CANCELLED_MESSAGE));
        within("the server seeing the connection closed", server.closed.recv()).await.unwrap();
        // The client itself is still open; a token cancelled already stops the next call before
        // anything is sent.
        assert!(!handle.is_closed());
        let e = handle.call("domain.id", Value::Null, None, Some(&token)).await.unwrap_err();
        assert_eq!(e.message, crate::binding::cancel::CANCELLED_MESSAGE);
        assert_eq!(server.api_requests.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_free_call_cancellable_drops_the_request_too() {
        let mut server = hanging().await;
        let client = handle_for(&server.url).client().unwrap();
        let token = CancelToken::new();
        let t = token.clone();
        let call = tokio::spawn(async move {
            crate::binding::call_cancellable(&client, "domain.linked", json!({}), None, &t).await
        });
        within("the request reaching the server", server.received.recv()).await.unwrap();
        token.cancel();
        assert!(within("the cancelled call", call).await.unwrap().is_err());
        within("the server seeing the connection closed", server.closed.recv()).await.unwrap();
    }

    #[tokio::test]
    async fn close_cancels_calls_in_flight_and_refuses_later_ones() {
        let mut server = hanging().await;
        let handle = handle_for(&server.url);
        let calls: Vec<_> = ["domain.id", "domain.linked"]
            .into_iter()
            .map(|m| {
                let h = handle.clone();
                tokio::spawn(async move { h.call(m, Value::Null, None, None).await })
            })
            .collect();
        for _ in 0..2 {
            within("the requests reaching the server", server.received.recv()).await.unwrap();
        }
        let closed_at = Instant::now();
        assert!(handle.close());
        assert!(!handle.close(), "close is idempotent");
        for c in calls {
            let e = within("a call of the closed client", c).await.unwrap().unwrap_err();
            assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Transport, CLOSED_MESSAGE));
        }
        assert!(closed_at.elapsed() < Duration::from_secs(2));
        for _ in 0..2 {
            within("the server seeing the connections closed", server.closed.recv()).await.unwrap();
        }
        // Later calls, listings and text calls fail before the network.
        let e = handle.call("domain.id", Value::Null, None, None).await.unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Transport, CLOSED_MESSAGE));
        assert_eq!(handle.call_text("domain.id", "", None, None).await.unwrap_err().message, CLOSED_MESSAGE);
        assert_eq!(handle.identity_cursor(Value::Null, None).unwrap_err().message, CLOSED_MESSAGE);
        assert_eq!(handle.client().unwrap_err().message, CLOSED_MESSAGE);
        assert_eq!(server.api_requests.load(Ordering::SeqCst), 2);
        assert!(handle.is_closed() && handle.closed_token().is_cancelled());
        assert_eq!(handle.config().base_url(), server.url, "the settings stay readable");
    }

    #[tokio::test]
    async fn close_stops_a_listing_between_and_during_pages() {
        let mut server = hanging().await;
        let handle = handle_for(&server.url);
        let cursor = handle.identity_cursor(json!({"limit": 1}), None).unwrap();
        let page = {
            let c = cursor.clone();
            tokio::spawn(async move { c.next_page().await })
        };
        within("the page request reaching the server", server.received.recv()).await.unwrap();
        handle.close();
        let e = within("the page of the closed client", page).await.unwrap().unwrap_err();
        assert_eq!(e.message, CLOSED_MESSAGE);
        within("the server seeing the connection closed", server.closed.recv()).await.unwrap();
        assert_eq!(cursor.next_page_json().await.unwrap_err().message, CLOSED_MESSAGE);
        assert_eq!(server.api_requests.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_cancelled_enrolment_never_completes_at_the_sandbox() {
        use prove_sandbox::{Fault, FaultKind, Sandbox};
        let sb = Sandbox::start().await.unwrap();
        let handle = handle_with(sb.base_url(), sb.client_id(), sb.client_secret());
        // A control enrolment (it also fetches the token, so that the fault below delays the
        // enrolment itself): once enrolled, the lookup finds the number.
        handle.call("identityManager.enroll", json!({"phoneNumber": "2001004035"}), None, None).await.unwrap();
        let lookup = |phone: &'static str| {
            let h = handle.clone();
            async move { h.call("identityManager.lookupByPhone", json!({ "mobileNumber": phone }), None, None).await }
        };
        let items = lookup("2001004035").await.unwrap();
        assert!(items["items"].as_array().is_some_and(|a| !a.is_empty()), "{items}");
        sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_millis(1500))).on_path("/v3/identity").times(1));
        let token = CancelToken::new();
        let t = token.clone();
        let h = handle.clone();
        let started = Instant::now();
        let call = tokio::spawn(async move {
            h.call("identityManager.enroll", json!({"phoneNumber": "2001004031"}), None, Some(&t)).await
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        token.cancel();
        let e = within("the cancelled enrolment", call).await.unwrap().unwrap_err();
        assert_eq!(e.message, crate::binding::cancel::CANCELLED_MESSAGE);
        assert!(started.elapsed() < Duration::from_millis(1400), "{:?}", started.elapsed());
        // Past the fault's delay: had the sandbox finished the request, the number would be
        // enrolled now.
        tokio::time::sleep(Duration::from_millis(1800)).await;
        match lookup("2001004031").await {
            Err(e) => assert_eq!(e.kind, ErrorKind::NotFound, "{e}"),
            Ok(v) => assert!(v["items"].as_array().is_none_or(|a| a.is_empty()), "enrolled after all: {v}"),
        }
        sb.stop().await;
    }

    #[tokio::test]
    async fn a_cancelled_page_leaves_the_cursor_where_it_was() {
        use prove_sandbox::{Fault, FaultKind, Sandbox};
        let sb = Sandbox::start().await.unwrap();
        let handle = handle_with(sb.base_url(), sb.client_id(), sb.client_secret());
        for (i, phone) in ["2001004031", "2001004035", "2001004036"].into_iter().enumerate() {
            let input = json!({"phoneNumber": phone, "clientCustomerId": format!("cursor-{i}")});
            handle.call("identityManager.enroll", input, None, None).await.unwrap();
        }
        let cursor = handle.identity_cursor(json!({"limit": 1}), None).unwrap();
        let first = cursor.next_page().await.unwrap().unwrap();
        sb.inject_fault(Fault::new(FaultKind::Latency(Duration::from_secs(3))).on_path("/v3/identity").times(1));
        let token = CancelToken::new();
        let t = token.clone();
        let c = cursor.clone();
        let page = tokio::spawn(async move { c.next_page_cancellable(Some(&t)).await });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let cancelled_at = Instant::now();
        token.cancel();
        let e = within("the cancelled page", page).await.unwrap().unwrap_err();
        assert_eq!(e.message, crate::binding::cancel::CANCELLED_MESSAGE);
        assert!(cancelled_at.elapsed() < Duration::from_secs(1));
        assert_eq!(within("the page count", cursor.pages_fetched()).await, 1);
        // The same page is asked for again, and the listing goes on to the end.
        let second = within("the second page", cursor.next_page()).await.unwrap().unwrap();
        assert_ne!(first.results, second.results);
        let mut pages = 2;
        while within("a page", cursor.next_page()).await.unwrap().is_some() {
            pages += 1;
        }
        assert!(pages >= 3, "{pages} pages");
        sb.stop().await;
    }
}
