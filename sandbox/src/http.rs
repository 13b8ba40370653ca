//! HTTP plumbing shared by the API server, the control endpoints and webhook delivery: the
//! response [`Body`] type, JSON responses, and reading a request body within a size limit.
use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

/// Largest request body Prove accepts (larger bodies get 400 code 8001).
pub const MAX_BODY_BYTES: usize = 4096;
/// Largest body accepted by the `/sandbox/` control endpoints.
pub(crate) const MAX_CONTROL_BODY_BYTES: usize = 256 * 1024;

/// The response body: complete, or trickled in pieces (the `SlowBody` fault).
pub(crate) enum Body {
    Full(Option<Bytes>),
    Trickle { chunks: VecDeque<Bytes>, interval: Duration, sleep: Option<Pin<Box<tokio::time::Sleep>>> },
}

impl Body {
    /// A complete body holding `v` as JSON.
    pub(crate) fn json(v: &Value) -> Body {
        Body::Full(Some(Bytes::from(serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec()))))
    }

    /// Turn a complete body into one sent in up to ten pieces spread over `over`.
    pub(crate) fn trickle(self, over: Duration) -> Body {
        let data = match self {
            Body::Full(Some(b)) => b,
            other => return other,
        };
        let pieces = data.len().clamp(1, 10);
        let size = data.len().div_ceil(pieces).max(1);
        let chunks: VecDeque<Bytes> =
            (0..data.len()).step_by(size).map(|i| data.slice(i..(i + size).min(data.len()))).collect();
        let interval = over / u32::try_from(chunks.len().max(1)).unwrap_or(1);
        Body::Trickle { chunks, interval, sleep: None }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Trickle { chunks, interval, sleep } => {
                if chunks.is_empty() {
                    return Poll::Ready(None);
                }
                let s = sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(*interval)));
                if s.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                *sleep = None;
                Poll::Ready(chunks.pop_front().map(|c| Ok(Frame::data(c))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Full(b) => b.is_none(),
            Body::Trickle { chunks, .. } => chunks.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Body::Full(None) => SizeHint::with_exact(0),
            Body::Trickle { .. } => SizeHint::default(),
        }
    }
}

/// Build a response with `Content-Type: application/json` (unless `headers` sets another).
pub(crate) fn respond(status: u16, body: Body, headers: &[(String, String)]) -> Response<Body> {
    let mut res = Response::new(body);
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (hyper::header::HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
            h.insert(k, v);
        }
    }
    res
}

/// A JSON response.
pub(crate) fn json_response(status: u16, v: &Value) -> Response<Body> {
    respond(status, Body::json(v), &[])
}

/// Why a request body could not be read.
pub(crate) enum BodyError {
    TooLarge,
    Io,
}

/// Read the whole body, refusing more than `limit` bytes.
pub(crate) async fn read_body(req: Request<Incoming>, limit: usize) -> Result<Bytes, BodyError> {
    let declared =
        req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = std::pin::pin!(req.into_body());
    let mut buf: Vec<u8> = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| hyper::body::Body::poll_frame(body.as_mut(), cx)).await {
        let frame = frame.map_err(|_| BodyError::Io)?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(buf))
}
