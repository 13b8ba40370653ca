//! Cancellation as every binding needs it: a token the host cancels (from an `AbortSignal`, an
//! asyncio task being cancelled, a coroutine's cancellation, a client's `close()`), and a race
//! of any core future against one or more tokens.
//!
//! Cancelling really stops the work: the raced future is **dropped** (with it the HTTP request
//! in flight, whose connection is closed rather than returned to the pool, and any backoff
//! sleep); nothing of the call runs afterwards. A token that is already cancelled when the race
//! starts stops it before the future is first polled, so no request is sent.
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

use crate::error::{Error, ErrorKind, Result};

/// Message of the error of a call stopped by a cancelled [`CancelToken::new`] token.
pub const CANCELLED_MESSAGE: &str = "the call was cancelled";

struct Inner {
    cancelled: AtomicBool,
    notify: Notify,
    message: &'static str,
}

/// A cancellation flag shared by its clones: any clone may cancel it, every clone (and every
/// task waiting in [`CancelToken::cancelled`]) sees it. Cancelling is permanent and idempotent.
///
/// A call stopped by a token fails with the token's [`error`](CancelToken::error): an
/// [`ErrorKind::Transport`] error with the token's message (`the call was cancelled`, or the
/// message given to [`CancelToken::with_message`], e.g. `the client is closed`). A host that
/// cancelled a token for its own reasons usually raises its own cancellation instead (an
/// `AbortError`, `CancelledError`, `CancellationException`): it knows it cancelled the token.
#[derive(Clone)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .field("message", &self.inner.message)
            .finish()
    }
}

impl CancelToken {
    /// A token not yet cancelled, whose calls fail with [`CANCELLED_MESSAGE`].
    pub fn new() -> Self {
        CancelToken::with_message(CANCELLED_MESSAGE)
    }

    /// A token not yet cancelled, whose calls fail with `message`.
    pub fn with_message(message: &'static str) -> Self {
        CancelToken { inner: Arc::new(Inner { cancelled: AtomicBool::new(false), notify: Notify::new(), message }) }
    }

    /// Cancels the token: every race it takes part in ends at once. Returns whether this call
    /// cancelled it (`false` when it was cancelled already).
    pub fn cancel(&self) -> bool {
        let first = !self.inner.cancelled.swap(true, Ordering::SeqCst);
        if first {
            self.inner.notify.notify_waiters();
        }
        first
    }

    /// Whether the token has been cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Completes once the token is cancelled (at once if it is already).
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            // Registered before the flag is read, so a cancel between the two is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// The error of a call stopped by this token (`Transport`, with the token's message).
    pub fn error(&self) -> Error {
        Error::new(ErrorKind::Transport, self.inner.message)
    }

    /// `Err(self.error())` when cancelled, else `Ok(())`.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(self.error())
        } else {
            Ok(())
        }
    }
}

/// Completes with the index of the first of `tokens` to be cancelled; never with none.
async fn first_cancelled(tokens: &[&CancelToken]) -> usize {
    if tokens.is_empty() {
        return std::future::pending().await;
    }
    let waits = tokens.iter().map(|t| Box::pin(t.cancelled()));
    let ((), index, _) = futures_util::future::select_all(waits).await;
    index
}

/// Runs `fut` until it completes or one of `tokens` is cancelled, whichever comes first. On
/// cancellation `fut` is dropped (so its HTTP request is abandoned) and the cancelling token's
/// [`error`](CancelToken::error) is returned. A token cancelled before the start stops the call
/// before `fut` is polled at all; when the first of `tokens` so found wins, the error is its own.
pub async fn cancellable<T>(fut: impl Future<Output = Result<T>>, tokens: &[&CancelToken]) -> Result<T> {
    if let Some(t) = tokens.iter().find(|t| t.is_cancelled()) {
        return Err(t.error());
    }
    tokio::select! {
        // Cancellation first: a call cancelled while its answer arrives reports the cancellation.
        biased;
        i = first_cancelled(tokens) => Err(tokens[i].error()),
        r = fut => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_cancelled_token_stops_a_pending_future_and_drops_it() {
        struct Dropped(Arc<AtomicBool>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = Dropped(Arc::clone(&dropped));
        let token = CancelToken::new();
        let canceller = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            assert!(canceller.cancel());
            assert!(!canceller.cancel(), "the second cancel reports it was cancelled already");
        });
        let slow = async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok::<_, Error>(1)
        };
        let started = std::time::Instant::now();
        let e = cancellable(slow, &[&token]).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Transport, CANCELLED_MESSAGE));
        assert!(dropped.load(Ordering::SeqCst), "the raced future was dropped");
        assert!(token.is_cancelled() && token.check().is_err());
    }

    #[tokio::test]
    async fn an_already_cancelled_token_never_polls_the_future() {
        let closed = CancelToken::with_message("the client is closed");
        let call = CancelToken::new();
        closed.cancel();
        let polled = AtomicBool::new(false);
        let fut = async {
            polled.store(true, Ordering::SeqCst);
            Ok::<_, Error>(())
        };
        let e = cancellable(fut, &[&call, &closed]).await.unwrap_err();
        assert_eq!(e.message, "the client is closed");
        assert!(!polled.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn without_cancellation_the_result_is_returned() {
        let t = CancelToken::new();
        assert_eq!(cancellable(async { Ok::<_, Error>(7) }, &[&t]).await.unwrap(), 7);
        assert_eq!(cancellable(async { Ok::<_, Error>(8) }, &[]).await.unwrap(), 8);
        let e = cancellable(async { Err::<(), _>(Error::validation("x", "bad")) }, &[&t]).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        // Any of several tokens stops the race; the error is the cancelling token's.
        let (a, b) = (CancelToken::new(), CancelToken::with_message("the client is closed"));
        let b2 = b.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            b2.cancel();
        });
        let e = cancellable(std::future::pending::<Result<()>>(), &[&a, &b]).await.unwrap_err();
        assert_eq!(e.message, "the client is closed");
        assert!(!a.is_cancelled());
    }

    #[tokio::test]
    async fn many_waiters_all_wake() {
        let t = CancelToken::new();
        let waits: Vec<_> = (0..50)
            .map(|_| {
                let t = t.clone();
                tokio::spawn(async move { t.cancelled().await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(10)).await;
        t.cancel();
        for w in waits {
            tokio::time::timeout(Duration::from_secs(5), w).await.unwrap().unwrap();
        }
        // Waiting on a token cancelled already returns at once.
        tokio::time::timeout(Duration::from_secs(1), t.cancelled()).await.unwrap();
    }
}
