//! Where the calls run: one tokio runtime of the adapter, on which each call runs from start to
//! finish. The future Kotlin or Swift polls (uniffi's) only waits for the call's result, so the
//! foreign side is woken once per call, not at every I/O event of it (each wake is a callback
//! from a native thread into the JVM or Swift, then a poll back into Rust).
//!
//! Cancellation: when the foreign side drops its future (a cancelled coroutine or task), the
//! call's task is aborted, which drops the core's future and its HTTP request.
use std::future::Future;
use std::sync::OnceLock;

use prove_core::{Error, ErrorKind, Result};
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
        Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("prove-sdk")
            .enable_all()
            .build()
            .expect("the adapter's tokio runtime starts")
    })
}

/// Aborts the task when dropped (when the foreign side dropped the future waiting for it).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `call` on the adapter's runtime and waits for its result; dropping the returned future
/// aborts the call.
pub(crate) async fn run_to_end<T: Send + 'static>(call: impl Future<Output = Result<T>> + Send + 'static) -> Result<T> {
    let mut task = AbortOnDrop(runtime().spawn(call));
    match (&mut task.0).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => Err(Error::new(ErrorKind::Api, "internal error in the SDK call")),
        Err(_) => Err(Error::new(ErrorKind::Transport, prove_core::binding::cancel::CANCELLED_MESSAGE)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn dropping_the_waiting_future_aborts_the_call() {
        struct Dropped(Arc<AtomicBool>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = Dropped(Arc::clone(&dropped));
        let waiting = run_to_end(async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        });
        // Poll once (the task is spawned), then drop the waiting future.
        let mut waiting = Box::pin(waiting);
        let waker = futures_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(waiting.as_mut().poll(&mut cx).is_pending());
        drop(waiting);
        for _ in 0..100 {
            if dropped.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the call was not dropped");
    }

    #[test]
    fn results_and_panics_come_back() {
        let rt = Builder::new_current_thread().build().unwrap();
        assert_eq!(rt.block_on(run_to_end(async { Ok(5) })).unwrap(), 5);
        let e = rt.block_on(run_to_end(async { panic!("boom") as Result<()> })).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Api);
    }

    fn futures_waker() -> std::task::Waker {
        struct Noop;
        impl std::task::Wake for Noop {
            fn wake(self: Arc<Self>) {}
        }
        Arc::new(Noop).into()
    }
}
