//! The runtime policy of the Python package: one tokio runtime per process, rebuilt in a child
//! after `os.fork()`, and a [`ForkLocal`] slot for anything else that must not cross a fork (the
//! connection pool and token cache of a client).
//!
//! A forked child has only the thread that called `fork()`: the parent's runtime threads, and
//! any task they were running (a token request in flight, a pooled connection's reactor), do not
//! exist there. Touching them would hang the child, and dropping them could wait for threads that
//! will never answer. So each value is stored with the id of the process that built it; a process
//! that finds another process's value builds its own and *leaks* the stale one (never drops it).
//! No lock is taken anywhere on these paths: a lock held by a parent thread at the moment of the
//! fork would stay locked forever in the child.
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3_async_runtimes::generic::{ContextExt, JoinError, Runtime as GenericRuntime};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::Runtime;

struct Entry<T> {
    pid: u32,
    value: T,
}

/// A value per process: built on first use, and built again in a forked child (the parent's
/// value is left alone there, neither used nor dropped).
pub struct ForkLocal<T> {
    slot: AtomicPtr<Entry<T>>,
}

impl<T> Default for ForkLocal<T> {
    fn default() -> Self {
        ForkLocal::new()
    }
}

impl<T> ForkLocal<T> {
    /// An empty slot.
    pub const fn new() -> Self {
        ForkLocal { slot: AtomicPtr::new(std::ptr::null_mut()) }
    }

    /// A slot holding `value`, built by this process.
    pub fn with(value: T) -> Self {
        let entry = Box::new(Entry { pid: std::process::id(), value });
        ForkLocal { slot: AtomicPtr::new(Box::into_raw(entry)) }
    }

    /// This process's value, if it has built one.
    pub fn current(&self) -> Option<&T> {
        let pid = std::process::id();
        let p = self.slot.load(Ordering::Acquire);
        // SAFETY: a published entry is never freed while `self` lives (stale ones are leaked).
        unsafe { p.as_ref() }.filter(|e| e.pid == pid).map(|e| &e.value)
    }

    /// This process's value, built with `init` when there is none yet. Two threads racing here
    /// may both run `init`; one value wins and the other is dropped unpublished.
    pub fn get_or_try_init<E>(&self, init: impl FnOnce() -> Result<T, E>) -> Result<&T, E> {
        let pid = std::process::id();
        let mut seen = self.slot.load(Ordering::Acquire);
        // SAFETY: as in `current`.
        if let Some(e) = unsafe { seen.as_ref() } {
            if e.pid == pid {
                return Ok(&e.value);
            }
        }
        let fresh = Box::into_raw(Box::new(Entry { pid, value: init()? }));
        loop {
            match self.slot.compare_exchange(seen, fresh, Ordering::AcqRel, Ordering::Acquire) {
                // The stale entry (another process's, or none) is deliberately leaked.
                // SAFETY: `fresh` is now published and lives as long as `self`.
                Ok(_) => return Ok(unsafe { &(*fresh).value }),
                Err(now) => {
                    // SAFETY: as in `current`.
                    if let Some(e) = unsafe { now.as_ref() } {
                        if e.pid == pid {
                            // Another thread of this process won: drop ours, never published.
                            // SAFETY: `fresh` came from Box::into_raw and nobody else has it.
                            drop(unsafe { Box::from_raw(fresh) });
                            return Ok(&e.value);
                        }
                    }
                    seen = now;
                }
            }
        }
    }

    /// This process's value, built with `init` when there is none yet.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        match self.get_or_try_init(|| Ok::<T, std::convert::Infallible>(init())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }
}

impl<T> Drop for ForkLocal<T> {
    fn drop(&mut self) {
        let p = *self.slot.get_mut();
        // SAFETY: `p` is null or a published entry; nobody else can reach it once `self` drops.
        if let Some(e) = unsafe { p.as_ref() } {
            if e.pid == std::process::id() {
                // SAFETY: built by this process from Box::into_raw; dropped exactly once here.
                drop(unsafe { Box::from_raw(p) });
            }
            // Another process's entry is leaked: dropping it could wait for its threads.
        }
    }
}

// SAFETY: the slot hands out `&T` to any thread, like a `OnceLock<T>`.
unsafe impl<T: Send + Sync> Sync for ForkLocal<T> {}
// SAFETY: moving the slot moves ownership of `T`.
unsafe impl<T: Send> Send for ForkLocal<T> {}

static RUNTIME: ForkLocal<Runtime> = ForkLocal::new();

/// The process's runtime: two worker threads at most (the calls spend their time waiting on the
/// network), built on first use and again after a fork.
pub fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 2));
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("prove-sdk")
            .enable_all()
            .build()
            .expect("the prove-sdk runtime could not start (no threads could be created)")
    })
}

/// Whether the runtime of this process has been built (false in a fresh fork child).
pub fn runtime_started() -> bool {
    RUNTIME.current().is_some()
}

/// [`runtime`] as the runtime of `pyo3_async_runtimes::generic`: awaitables of asyncio whose
/// Rust futures run on the process's runtime (rebuilt after a fork, unlike the crate's own
/// global tokio runtime).
pub struct ForkSafe;

tokio::task_local! {
    static TASK_LOCALS: std::cell::OnceCell<TaskLocals>;
}

/// A join error of [`ForkSafe`]'s tasks.
pub struct TaskJoinError(tokio::task::JoinError);

impl JoinError for TaskJoinError {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0.into_panic()
    }
}

/// A spawned task of [`ForkSafe`].
pub struct TaskHandle(tokio::task::JoinHandle<()>);

impl Future for TaskHandle {
    type Output = Result<(), TaskJoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map_err(TaskJoinError)
    }
}

impl GenericRuntime for ForkSafe {
    type JoinError = TaskJoinError;
    type JoinHandle = TaskHandle;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        TaskHandle(runtime().spawn(fut))
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        TaskHandle(runtime().spawn_blocking(f))
    }
}

impl ContextExt for ForkSafe {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = std::cell::OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|c| c.get().cloned()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[test]
    fn a_slot_builds_once_per_process_and_drops_its_value() {
        struct Counted(Arc<AtomicUsize>);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let drops = Arc::new(AtomicUsize::new(0));
        let slot: ForkLocal<Counted> = ForkLocal::new();
        assert!(slot.current().is_none());
        let builds = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    slot.get_or_init(|| {
                        builds.fetch_add(1, Ordering::SeqCst);
                        Counted(Arc::clone(&drops))
                    });
                });
            }
        });
        let first = slot.current().map(|c| c as *const Counted);
        assert!(first.is_some());
        // Losers of a race are dropped; the winner stays.
        assert_eq!(drops.load(Ordering::SeqCst), builds.load(Ordering::SeqCst) - 1);
        assert_eq!(slot.get_or_init(|| unreachable!()) as *const Counted, first.unwrap());
        let failing: ForkLocal<u8> = ForkLocal::new();
        assert_eq!(failing.get_or_try_init(|| Err::<u8, &str>("no")).err(), Some("no"));
        assert!(failing.current().is_none());
        drop(slot);
        assert_eq!(drops.load(Ordering::SeqCst), builds.load(Ordering::SeqCst));
    }

    #[test]
    fn the_runtime_runs_futures() {
        assert_eq!(runtime().block_on(async { 2 + 2 }), 4);
        assert!(runtime_started());
        let with = ForkLocal::with(5);
        assert_eq!(with.current(), Some(&5));
    }
}
