//! A small hostile HTTP/1.1 server on loopback for the hardening tests: it records every request
//! it receives, answers each through a handler chosen by the test, and can stream a body lazily
//! (fixed length or endless chunked), noting how many bytes went out and whether the client
//! hung up before the end.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the server answers.
pub enum Reply {
    /// A complete answer.
    Full { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// A body written lazily in 64 KiB pieces of `fill`: `total` bytes announced with
    /// `Content-Length`, or, with `content_length: false`, chunked (`total: None` never ends).
    Stream { status: u16, content_type: &'static str, content_length: bool, total: Option<u64>, fill: u8 },
    /// A complete JSON body sent chunked, in pieces of 1000 bytes (no `Content-Length`).
    Chunked { status: u16, body: Vec<u8> },
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into().into_bytes(),
        }
    }

    pub fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: body.into().into_bytes(),
        }
    }

    pub fn redirect(status: u16, location: impl Into<String>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("location".into(), location.into()), ("content-type".into(), "application/json".into())],
            body: br#"{"code":0,"message":"moved"}"#.to_vec(),
        }
    }

    /// Adds a header to a complete answer.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

/// A running hostile server.
pub struct Hostile {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Body bytes written by streamed answers.
    streamed: Arc<AtomicU64>,
    /// A streamed answer could not be written to its end: the client closed the connection.
    cut_off: Arc<AtomicBool>,
    /// A streamed answer was written to its end.
    completed: Arc<AtomicBool>,
}

impl Hostile {
    /// Starts a server answering every request through `handler`.
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let h = Hostile {
            addr,
            seen: Arc::default(),
            streamed: Arc::default(),
            cut_off: Arc::default(),
            completed: Arc::default(),
        };
        let handler: Handler = Arc::new(handler);
        let (seen, streamed, cut_off, completed) =
            (h.seen.clone(), h.streamed.clone(), h.cut_off.clone(), h.completed.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, seen, streamed, cut_off, completed) =
                    (handler.clone(), seen.clone(), streamed.clone(), cut_off.clone(), completed.clone());
                tokio::spawn(async move {
                    serve(stream, handler, seen, streamed, cut_off, completed).await;
                });
            }
        });
        h
    }

    /// `http://127.0.0.1:port`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// How many requests were received for `path` (query ignored).
    pub fn count_path(&self, path: &str) -> usize {
        self.seen.lock().unwrap().iter().filter(|s| s.path() == path).count()
    }

    pub fn streamed_bytes(&self) -> u64 {
        self.streamed.load(Ordering::SeqCst)
    }

    pub fn completed(&self) -> bool {
        self.completed.load(Ordering::SeqCst)
    }

    /// Waits (up to 5 s) until a streamed answer failed to be written because the client hung up.
    pub async fn wait_cut_off(&self) -> bool {
        for _ in 0..500 {
            if self.cut_off.load(Ordering::SeqCst) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }
}

/// Reads one request (head and `Content-Length` body); `None` when the client closed.
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut piece = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut piece).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&piece[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut piece).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&piece[..n]);
    }
    body.truncate(length);
    Some(Seen { method, target, headers, body })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// Serves one connection: one request, one answer, then close.
async fn serve(
    mut stream: TcpStream,
    handler: Handler,
    seen: Arc<Mutex<Vec<Seen>>>,
    streamed: Arc<AtomicU64>,
    cut_off: Arc<AtomicBool>,
    completed: Arc<AtomicBool>,
) {
    let Some(request) = read_request(&mut stream).await else { return };
    seen.lock().unwrap().push(request.clone());
    match handler(&request) {
        Reply::Full { status, headers, body } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n", reason(status), body.len());
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("connection: close\r\n\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Reply::Chunked { status, body } => {
            let head = format!("HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\n", reason(status));
            let mut out = head.into_bytes();
            out.extend_from_slice(b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
            for piece in body.chunks(1000) {
                out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            let _ = stream.write_all(&out).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stream { status, content_type, content_length, total, fill } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\n", reason(status));
            match (content_length, total) {
                (true, Some(n)) => head.push_str(&format!("content-length: {n}\r\n")),
                _ => head.push_str("transfer-encoding: chunked\r\n"),
            }
            head.push_str("connection: close\r\n\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                cut_off.store(true, Ordering::SeqCst);
                return;
            }
            let piece = vec![fill; 64 * 1024];
            let mut left = total.unwrap_or(u64::MAX);
            while left > 0 {
                let n = usize::try_from(left.min(piece.len() as u64)).unwrap();
                let written = if content_length {
                    stream.write_all(&piece[..n]).await
                } else {
                    let mut framed = format!("{n:x}\r\n").into_bytes();
                    framed.extend_from_slice(&piece[..n]);
                    framed.extend_from_slice(b"\r\n");
                    stream.write_all(&framed).await
                };
                if written.is_err() {
                    cut_off.store(true, Ordering::SeqCst);
                    return;
                }
                streamed.fetch_add(n as u64, Ordering::SeqCst);
                left -= n as u64;
            }
            if !content_length {
                let _ = stream.write_all(b"0\r\n\r\n").await;
            }
            let _ = stream.shutdown().await;
            completed.store(true, Ordering::SeqCst);
        }
    }
}
