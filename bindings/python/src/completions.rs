//! How asynchronous calls hand their results back to asyncio without the GIL.
//!
//! A call submitted with [`crate::NativeClient::submit`] runs on the process's runtime; when it
//! ends, its runtime thread pushes (asyncio future, outcome) onto the [`CompletionQueue`] of the
//! caller's event loop and, if the queue was empty, writes one byte to the queue's socket. The
//! loop watches that socket (`loop.add_reader`, set up by the package) and runs
//! [`CompletionQueue::drain`], which settles every finished call's future in one go, on the loop's
//! own thread, where the GIL is held anyway.
//!
//! So a runtime thread never waits for the GIL (under load that wait, and the thread switches
//! around it, cost more than the HTTP request itself), completions arriving together share one
//! wake-up of the loop, and no `call_soon_threadsafe` or done-callback runs per call.
//!
//! Starting works the same way in the other direction: calls submitted during one pass of the
//! event loop are held by the queue and started together by [`CompletionQueue::flush`], which
//! the package schedules with `loop.call_soon` when the first of them arrives. Waking a runtime
//! thread for every call would cost a futex wake each, and, on a busy machine, the loop's thread
//! its CPU: the woken thread often takes it over on the spot.
//!
//! Unix only (the loop must support `add_reader`); elsewhere the package uses
//! [`crate::NativeClient::call_async`].
use std::future::Future;
use std::io::{ErrorKind as IoErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use prove_core::binding::{CancelToken, ErrorData};
use prove_core::{Error, ErrorKind};
use pyo3::intern;
use pyo3::prelude::*;

/// A finished call: the asyncio future to settle and the call's outcome.
struct Done {
    future: Py<PyAny>,
    outcome: Result<String, ErrorData>,
}

/// The shared part of a queue: what runtime threads push to. It holds both ends of the socket,
/// so a call finishing after its loop is gone never writes to a closed peer (no `EPIPE`, no
/// `SIGPIPE` in a host that does not ignore it).
pub struct Inner {
    done: Mutex<Vec<Done>>,
    reader: UnixStream,
    writer: UnixStream,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Vec<Done>> {
        self.done.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, done: Done) {
        let first = {
            let mut q = self.lock();
            q.push(done);
            q.len() == 1
        };
        if first {
            // One byte wakes the loop. A full socket (the loop has not read yet) means a wake-up
            // is pending already, so the error is of no consequence.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

/// A submitted call not started yet.
pub type Job = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The completion queue of one asyncio event loop (see the module's documentation).
#[pyclass(frozen, module = "prove_sdk._native")]
pub struct CompletionQueue {
    inner: Arc<Inner>,
    pid: u32,
    /// Calls submitted since the last [`CompletionQueue::flush`] (only the loop's thread touches
    /// them, so the lock is never contended).
    jobs: Mutex<Vec<Job>>,
}

impl CompletionQueue {
    /// A handle for a call that settles `future` on this queue.
    pub fn pending(&self, future: Py<PyAny>) -> Pending {
        Pending { inner: Arc::clone(&self.inner), future: Some(future) }
    }

    /// Holds `job` until the next flush; returns whether it is the first since the last one (the
    /// caller then schedules a flush).
    pub fn hold(&self, job: Job) -> bool {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.push(job);
        jobs.len() == 1
    }
}

#[pymethods]
impl CompletionQueue {
    #[new]
    fn new() -> PyResult<Self> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        Ok(CompletionQueue {
            inner: Arc::new(Inner { done: Mutex::new(Vec::new()), reader, writer }),
            pid: std::process::id(),
            jobs: Mutex::new(Vec::new()),
        })
    }

    /// The descriptor the event loop watches for reading.
    fn fileno(&self) -> i32 {
        self.inner.reader.as_raw_fd()
    }

    /// The process that made this queue (a forked child makes its own).
    #[getter]
    fn pid(&self) -> u32 {
        self.pid
    }

    /// Starts the calls submitted since the last flush on the process's runtime, waking one of
    /// its threads once for all of them.
    fn flush(&self) {
        let jobs = std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|p| p.into_inner()));
        let mut jobs = jobs.into_iter();
        match (jobs.next(), jobs.len()) {
            (None, _) => {}
            (Some(one), 0) => {
                crate::runtime::runtime().spawn(one);
            }
            (Some(first), _) => {
                // Spawned from a runtime thread, the others go to its local queue: no more wakes.
                crate::runtime::runtime().spawn(async move {
                    for job in jobs {
                        tokio::spawn(job);
                    }
                    first.await;
                });
            }
        }
    }

    /// Settles the futures of every call finished so far (run by the event loop when the
    /// descriptor is readable). A future already done (its task was cancelled) is left alone.
    fn drain(&self, py: Python<'_>) {
        // Read the wake-up bytes first, then take the queue: a call finishing in between finds
        // the queue empty, writes a byte, and is either taken now or on the next wake-up.
        let mut buf = [0u8; 64];
        loop {
            match (&self.inner.reader).read(&mut buf) {
                Ok(n) if n == buf.len() => continue,
                Err(e) if e.kind() == IoErrorKind::Interrupted => continue,
                _ => break,
            }
        }
        let done = std::mem::take(&mut *self.inner.lock());
        for d in done {
            settle(py, d);
        }
    }
}

fn settle(py: Python<'_>, d: Done) {
    let future = d.future.bind(py);
    if future.call_method0(intern!(py, "done")).and_then(|v| v.is_truthy()).unwrap_or(true) {
        return;
    }
    let result = match d.outcome {
        Ok(text) => future.call_method1(intern!(py, "set_result"), (text,)),
        Err(e) => {
            let exc = crate::error_from_data(py, &e).into_value(py);
            future.call_method1(intern!(py, "set_exception"), (exc,))
        }
    };
    // The loop thread runs nothing else meanwhile, so the future cannot have been settled since
    // `done()`; should setting it fail anyway, there is nobody to tell but the loop's handler.
    if let Err(e) = result {
        e.write_unraisable(py, Some(future));
    }
}

/// A submitted call's side of the queue: settles the future with the call's outcome, or, if the
/// call never finishes (a panic, the runtime shutting down), with an error when dropped.
pub struct Pending {
    inner: Arc<Inner>,
    future: Option<Py<PyAny>>,
}

impl Pending {
    /// Queues the outcome for the loop.
    pub fn settle(mut self, outcome: Result<String, ErrorData>) {
        if let Some(future) = self.future.take() {
            self.inner.push(Done { future, outcome });
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(future) = self.future.take() {
            let e =
                Error::new(ErrorKind::Transport, "the call stopped before finishing (an internal error of the SDK)");
            self.inner.push(Done { future, outcome: Err(ErrorData::from(&e)) });
        }
    }
}

/// Cancels a submitted call (the package calls it when the awaiting task is cancelled): the
/// core drops the call and its HTTP request.
#[pyclass(frozen, module = "prove_sdk._native")]
pub struct CallHandle {
    pub(crate) token: CancelToken,
}

#[pymethods]
impl CallHandle {
    fn cancel(&self) {
        self.token.cancel();
    }
}
