//! Load generator for the sandbox: measures `Sandbox::start()` time and requests per second over
//! keep-alive HTTP/1.1 connections.
//!
//! ```text
//! cargo run -p prove-sandbox --release --example loadgen -- [--connections N] [--seconds S]
//!     [--mode api|token|health] [--url http://HOST:PORT]
//! ```
//! `api` sends `GET /v3/domain/id` with a bearer token (full pipeline: routing, counters, request
//! log, token check, world); `token` sends `POST /token`; `health` sends `GET /sandbox/health`.
//! Without `--url` an in-process sandbox is started.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::{Body as _, Bytes, Frame, Incoming, SizeHint};
use hyper::client::conn::http1;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;
use prove_sandbox::Sandbox;

/// A request body that is sent in one frame.
struct Full(Option<Bytes>);

impl hyper::body::Body for Full {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.get_mut().0.take().map(|b| Ok(Frame::data(b))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.as_ref().map_or(0, |b| b.len() as u64))
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Api,
    Token,
    Health,
}

struct Opts {
    connections: usize,
    seconds: u64,
    mode: Mode,
    url: Option<String>,
}

fn parse() -> Result<Opts, String> {
    let mut o = Opts { connections: 32, seconds: 5, mode: Mode::Api, url: None };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut v = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--connections" => o.connections = v()?.parse().map_err(|_| "bad --connections")?,
            "--seconds" => o.seconds = v()?.parse().map_err(|_| "bad --seconds")?,
            "--mode" => {
                o.mode = match v()?.as_str() {
                    "api" => Mode::Api,
                    "token" => Mode::Token,
                    "health" => Mode::Health,
                    other => return Err(format!("unknown mode {other}")),
                }
            }
            "--url" => o.url = Some(v()?),
            "-h" | "--help" => {
                return Err(
                    "usage: loadgen [--connections N] [--seconds S] [--mode api|token|health] [--url URL]".into()
                )
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

/// Drain a response body.
async fn drain(body: Incoming) -> Result<(), hyper::Error> {
    let mut body = std::pin::pin!(body);
    while let Some(f) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        f?;
    }
    Ok(())
}

fn build(mode: Mode, host: &str, token: &str, form: &str) -> Request<Full> {
    let b = Request::builder().header(HOST, host);
    let r = match mode {
        Mode::Api => {
            b.method("GET").uri("/v3/domain/id").header(AUTHORIZATION, format!("Bearer {token}")).body(Full(None))
        }
        Mode::Token => b
            .method("POST")
            .uri("/token")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full(Some(Bytes::from(form.to_owned())))),
        Mode::Health => b.method("GET").uri("/sandbox/health").body(Full(None)),
    };
    r.expect("static request parts are valid")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let opts = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };

    // Start-up time: best and median of 20 in-process starts.
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let sb = Sandbox::start().await.expect("start");
        times.push(t.elapsed());
        sb.stop().await;
    }
    times.sort();
    println!("Sandbox::start(): best {:?}, median {:?} (20 starts)", times[0], times[times.len() / 2]);

    let (sandbox, base, id, secret) = match &opts.url {
        Some(u) => (
            None,
            u.trim_end_matches('/').to_owned(),
            prove_sandbox::DEFAULT_CLIENT_ID.to_owned(),
            prove_sandbox::DEFAULT_CLIENT_SECRET.to_owned(),
        ),
        None => {
            let sb = Sandbox::start().await.expect("start");
            let (b, i, s) = (sb.base_url().to_owned(), sb.client_id().to_owned(), sb.client_secret().to_owned());
            (Some(sb), b, i, s)
        }
    };
    let host = base.trim_start_matches("http://").to_owned();
    let form = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");

    // One token for the api mode.
    let token = {
        let stream = tokio::net::TcpStream::connect(&host).await.expect("connect");
        let (mut tx, conn) = http1::handshake(TokioIo::new(stream)).await.expect("handshake");
        tokio::spawn(conn);
        let res = tx.send_request(build(Mode::Token, &host, "", &form)).await.expect("token");
        let mut body = std::pin::pin!(res.into_body());
        let mut buf = Vec::new();
        while let Some(f) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            if let Ok(d) = f.expect("body").into_data() {
                buf.extend_from_slice(&d);
            }
        }
        let v: serde_json::Value = serde_json::from_slice(&buf).expect("token json");
        v["access_token"].as_str().unwrap_or_default().to_owned()
    };

    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let statuses = Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<u16, u64>::new()));
    let mut tasks = Vec::new();
    for _ in 0..opts.connections {
        let (host, token, form) = (host.clone(), token.clone(), form.clone());
        let (done, errors, stop, statuses) = (done.clone(), errors.clone(), stop.clone(), statuses.clone());
        let mode = opts.mode;
        tasks.push(tokio::spawn(async move {
            let Ok(stream) = tokio::net::TcpStream::connect(&host).await else {
                errors.fetch_add(1, Ordering::Relaxed);
                return;
            };
            let _ = stream.set_nodelay(true);
            let Ok((mut tx, conn)) = http1::handshake(TokioIo::new(stream)).await else {
                errors.fetch_add(1, Ordering::Relaxed);
                return;
            };
            tokio::spawn(conn);
            let mut local = std::collections::BTreeMap::<u16, u64>::new();
            while !stop.load(Ordering::Relaxed) {
                match tx.send_request(build(mode, &host, &token, &form)).await {
                    Ok(res) => {
                        *local.entry(res.status().as_u16()).or_default() += 1;
                        if drain(res.into_body()).await.is_err() {
                            errors.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
            let mut s = statuses.lock().unwrap_or_else(|p| p.into_inner());
            for (k, v) in local {
                *s.entry(k).or_default() += v;
            }
        }));
    }
    // Warm up for half a second, then measure.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start_count = done.load(Ordering::Relaxed);
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs(opts.seconds)).await;
    let n = done.load(Ordering::Relaxed) - start_count;
    let elapsed = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let mode = match opts.mode {
        Mode::Api => "GET /v3/domain/id (bearer)",
        Mode::Token => "POST /token",
        Mode::Health => "GET /sandbox/health",
    };
    println!(
        "{mode}: {:.0} requests/s over {} keep-alive connections ({n} requests in {:.2?}, {} errors, statuses {:?})",
        n as f64 / elapsed.as_secs_f64(),
        opts.connections,
        elapsed,
        errors.load(Ordering::Relaxed),
        statuses.lock().unwrap_or_else(|p| p.into_inner()),
    );
    if let Some(sb) = sandbox {
        sb.stop().await;
    }
}
