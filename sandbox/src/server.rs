//! The HTTP server: connection handling, the request pipeline (count → route → read body →
//! record → fault → authenticate → world), and the [`Sandbox`] handle.
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::api::{ApiRequest, ApiResponse};
use crate::auth::{constant_time_eq, TokenAuthority};
use crate::clock::Clock;
use crate::counters::{CounterSet, Counters, RecordedRequest, RequestLog};
use crate::faults::{Fault, FaultKind, FaultTable};
use crate::http::{read_body, respond, Body, BodyError, MAX_BODY_BYTES};
use crate::routes::{parse_pairs, RouteError, Router, TOKEN_ROUTE};
use crate::state::Shared;
use crate::world::{World, WorldConfig};

/// Default `client_id` accepted by `/token`.
pub const DEFAULT_CLIENT_ID: &str = "prove-sandbox-client";
/// Default `client_secret` accepted by `/token`.
pub const DEFAULT_CLIENT_SECRET: &str = "prove-sandbox-secret";
/// Default access-token lifetime (Prove's is 60 minutes).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// Longest access-token lifetime the control endpoint and the binary accept (100 years).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(100 * 365 * 86_400);
/// How many recent requests `GET /sandbox/requests` keeps.
pub const REQUEST_LOG_CAPACITY: usize = 1000;
/// The body sent by the `MalformedJson` fault.
pub(crate) const MALFORMED_JSON: &str = "{\"success\": \"true\", \"next\": {\"v3-validate\": ";

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// A response from the world (or an error built like one).
fn api_response(r: &ApiResponse) -> Response<Body> {
    respond(r.status, Body::json(&r.body), &r.headers)
}

/// Serve one request.
async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, DropConnection> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    if path == "/sandbox" || path.starts_with("/sandbox/") {
        let res = crate::control::handle(&shared, req).await;
        log_line(&shared, &method, &path, Some(res.status().as_u16()), started);
        return Ok(res);
    }
    let query = req.uri().query().unwrap_or("").to_owned();
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let authorization = req.headers().get(hyper::header::AUTHORIZATION).map(|v| v.as_bytes().to_vec());

    let routed = shared.router.resolve(&method, &path);
    let route = routed.as_ref().ok().map(|m| m.route);
    shared.counters.hit(route.map(|r| r.index));
    let template = route.map(|r| r.template);
    let is_token = route.is_some_and(|r| r.index == TOKEN_ROUTE);
    let now_ms = shared.clock.now_ms();

    let body = read_body(req, MAX_BODY_BYTES).await;
    let parsed: Result<Value, String> = match &body {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(Value::Null),
        Ok(b) => serde_json::from_slice(b).map_err(|e| e.to_string()),
        Err(_) => Ok(Value::Null),
    };
    let form = match (&body, is_token) {
        (Ok(b), true) => Some(parse_pairs(&String::from_utf8_lossy(b))),
        _ => None,
    };
    let recorded_body = match &form {
        Some(f) => Value::Object(
            f.iter()
                .map(|(k, v)| {
                    let v = if k == "client_secret" { "<redacted>".to_owned() } else { v.clone() };
                    (k.clone(), Value::String(v))
                })
                .collect(),
        ),
        None => parsed.clone().unwrap_or(Value::Null),
    };
    shared.log.push(RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        route: template.map(str::to_owned),
        path_params: routed
            .as_ref()
            .map(|m| m.params.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        body: recorded_body,
        content_type: content_type.clone(),
        at_ms: now_ms,
    });

    let mut slow = None;
    match shared.faults.take(&path, template) {
        None => {}
        Some(FaultKind::Latency(d)) => tokio::time::sleep(d).await,
        Some(FaultKind::SlowBody(d)) => slow = Some(d),
        Some(FaultKind::Drop) => {
            log_line(&shared, &method, template.unwrap_or("<unknown path>"), None, started);
            return Err(DropConnection);
        }
        Some(FaultKind::MalformedJson) => {
            let res = respond(200, Body::Full(Some(Bytes::from_static(MALFORMED_JSON.as_bytes()))), &[]);
            log_line(&shared, &method, template.unwrap_or("<unknown path>"), Some(200), started);
            return Ok(res);
        }
        Some(FaultKind::Status { status, retry_after }) => {
            let mut headers = Vec::new();
            if let Some(s) = retry_after {
                headers.push(("retry-after".to_owned(), s.to_string()));
            }
            let err = fault_error_body(status);
            let res = respond(status, Body::json(&err), &headers);
            log_line(&shared, &method, template.unwrap_or("<unknown path>"), Some(status), started);
            return Ok(res);
        }
        Some(FaultKind::Respond { status, body, content_type }) => {
            let mut res = respond(status, Body::Full(Some(Bytes::from(body))), &[]);
            if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
                res.headers_mut().insert(CONTENT_TYPE, ct);
            }
            log_line(&shared, &method, template.unwrap_or("<unknown path>"), Some(status), started);
            return Ok(res);
        }
    }

    let answer: ApiResponse = match &routed {
        Err(RouteError::NotFound) => ApiResponse::error(404, 404, "no such operation"),
        Err(RouteError::MethodNotAllowed(allowed)) => {
            let list = allowed.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
            let mut r = ApiResponse::error(405, 405, format!("method not allowed; use {list}"));
            r.headers.push(("allow".to_owned(), list));
            r
        }
        Err(RouteError::BadEncoding) => {
            ApiResponse::error(400, 8001, "malformed request: path parameter is not valid UTF-8")
        }
        // The rest of the body is left unread, so the connection cannot carry another request:
        // say so, or a client could reuse it and see its next request fail.
        Ok(_) if matches!(body, Err(BodyError::TooLarge)) => {
            let mut r =
                ApiResponse::error(400, 8001, format!("malformed request: body larger than {MAX_BODY_BYTES} bytes"));
            r.headers.push(("connection".to_owned(), "close".to_owned()));
            r
        }
        Ok(_) if matches!(body, Err(BodyError::Io)) => {
            let mut r = ApiResponse::error(400, 8001, "malformed request: could not read body");
            r.headers.push(("connection".to_owned(), "close".to_owned()));
            r
        }
        Ok(_) if is_token => token(&shared, content_type.as_deref(), form.unwrap_or_default(), now_ms),
        Ok(m) => match shared.tokens.check(authorization.as_deref(), now_ms) {
            Err(e) => ApiResponse::error(401, 8002, e.message()),
            Ok(client_id) => match parsed {
                Err(reason) => ApiResponse::error(400, 8001, format!("malformed request: invalid JSON: {reason}")),
                Ok(body) => {
                    let req = ApiRequest {
                        op: m.route.op,
                        path_params: m.params.clone(),
                        query: parse_pairs(&query),
                        body,
                        now_ms,
                        client_id,
                    };
                    shared.world.handle(&req)
                }
            },
        },
    };
    let mut res = api_response(&answer);
    if let Some(d) = slow {
        let (parts, body) = res.into_parts();
        res = Response::from_parts(parts, body.trickle(d));
    }
    log_line(&shared, &method, template.unwrap_or("<unknown path>"), Some(answer.status), started);
    Ok(res)
}

/// The Prove error body an injected status fault answers with.
fn fault_error_body(status: u16) -> Value {
    let (code, message): (i64, &str) = match status {
        400 => (8001, "malformed request"),
        401 => (8002, "not authorized"),
        403 => (8003, "forbidden"),
        404 => (404, "not found"),
        429 => (429, "too many requests"),
        500..=599 => (8000, "error at prove, try again later"),
        _ => (i64::from(status), "injected fault"),
    };
    json!({"code": code, "message": message})
}

/// `POST /token`.
fn token(
    shared: &Shared,
    content_type: Option<&str>,
    form: std::collections::HashMap<String, String>,
    now_ms: u64,
) -> ApiResponse {
    if let Some(ct) = content_type {
        let mime = ct.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return ApiResponse::error(
                400,
                8001,
                "malformed request: Content-Type must be application/x-www-form-urlencoded",
            );
        }
    }
    for field in ["grant_type", "client_id", "client_secret"] {
        if form.get(field).is_none_or(String::is_empty) {
            return ApiResponse::missing_field(field);
        }
    }
    let (grant, id, secret) = (&form["grant_type"], &form["client_id"], &form["client_secret"]);
    if grant != "client_credentials" {
        return ApiResponse::error(400, 8001, "malformed request: grant_type must be client_credentials");
    }
    // Every pair is compared (in constant time), so the answer time does not tell which matched.
    let mut matched: Option<&str> = None;
    let pairs = std::iter::once((&shared.client_id, &shared.client_secret))
        .chain(shared.extra_clients.iter().map(|(i, s)| (i, s)));
    for (known_id, known_secret) in pairs {
        let id_ok = constant_time_eq(id.as_bytes(), known_id.as_bytes());
        let secret_ok = constant_time_eq(secret.as_bytes(), known_secret.as_bytes());
        if id_ok && secret_ok && matched.is_none() {
            matched = Some(known_id);
        }
    }
    let Some(client_id) = matched else {
        return ApiResponse::error(401, 8002, "not authorized: invalid client credentials");
    };
    let t = shared.tokens.issue(client_id, now_ms);
    ApiResponse::ok(json!({
        "access_token": t.access_token,
        "token_type": "Bearer",
        "expires_in": t.expires_in,
        "refresh_token": t.refresh_token,
        "refresh_expires_in": t.expires_in,
    }))
}

/// One stdout line per request when request logging is on: method, route template (never the raw
/// API path, which may hold a phone number), status (or `dropped`) and latency.
fn log_line(shared: &Shared, method: &Method, route: &str, status: Option<u16>, started: Instant) {
    if !shared.log_requests {
        return;
    }
    let mut line = String::with_capacity(64);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let _ = match status {
        Some(s) => write!(line, "{method} {route} {s} {ms:.2}ms"),
        None => write!(line, "{method} {route} dropped {ms:.2}ms"),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Accept connections until `shutdown` fires.
async fn serve(listener: StdTcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("prove-sandbox: cannot listen: {e}");
            return;
        }
    };
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    let mut stop = shutdown.clone();
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| handle(Arc::clone(&shared), req));
                        let conn = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), svc);
                        tokio::select! {
                            _ = conn => {}
                            _ = stop.changed() => {}
                        }
                    });
                }
                // Out of file descriptors or a connection reset before accept: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            _ = shutdown.changed() => break,
        }
    }
}

/// A running sandbox. Dropping it stops the server (in the background); [`Sandbox::stop`] waits
/// until the port is closed.
///
/// The server runs on its own small Tokio runtime in a background thread, so one instance can be
/// shared by tests that run on different runtimes (or none).
pub struct Sandbox {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    done: Option<oneshot::Receiver<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("base_url", &self.shared.base_url).finish_non_exhaustive()
    }
}

/// Settings for [`Sandbox`]; see [`Sandbox::builder`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    host: String,
    port: u16,
    client_id: String,
    client_secret: String,
    extra_clients: Vec<(String, String)>,
    token_lifetime: Duration,
    log_requests: bool,
    worker_threads: usize,
    world: WorldConfig,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            host: "127.0.0.1".to_owned(),
            port: 0,
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            extra_clients: Vec::new(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            log_requests: false,
            worker_threads: 2,
            world: WorldConfig::default(),
        }
    }
}

impl SandboxBuilder {
    /// Interface to listen on (default `127.0.0.1`).
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// Port to listen on; `0` (the default) picks a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The `client_id` `/token` accepts (default [`DEFAULT_CLIENT_ID`]).
    #[must_use]
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = id.into();
        self
    }

    /// The `client_secret` `/token` accepts (default [`DEFAULT_CLIENT_SECRET`]).
    #[must_use]
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = secret.into();
        self
    }

    /// Accept a further pair of credentials: another Prove project. Sessions, Prove Keys, Prove IDs
    /// and Identity Manager enrolments belong to the project (`client_id`) that made them, so two
    /// projects of one sandbox do not see each other's state.
    #[must_use]
    pub fn add_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.extra_clients.push((id.into(), secret.into()));
        self
    }

    /// Lifetime of issued access tokens (default one hour).
    #[must_use]
    pub fn token_lifetime(mut self, d: Duration) -> Self {
        self.token_lifetime = d;
        self
    }

    /// Print one line per request to stdout (default off).
    #[must_use]
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// Threads of the sandbox's own runtime (default 2; at least 1).
    #[must_use]
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.worker_threads = n.max(1);
        self
    }

    /// Settings of the emulated world.
    #[must_use]
    pub fn world_config(mut self, config: WorldConfig) -> Self {
        self.world = config;
        self
    }

    /// Bind and start serving.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        self.start_now()
    }

    /// Bind and start serving (the work of [`SandboxBuilder::start`], which needs no runtime).
    pub(crate) fn start_now(self) -> std::io::Result<Sandbox> {
        let listener = StdTcpListener::bind((self.host.as_str(), self.port))?;
        listener.set_nonblocking(true)?;
        let addr: SocketAddr = listener.local_addr()?;
        let host = match addr {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        let router = Router::new();
        let templates: Vec<&'static str> = router.routes().iter().map(|r| r.template).collect();
        let shared = Arc::new(Shared {
            world: World::new(self.world),
            counters: CounterSet::new(templates.len()),
            templates,
            router,
            base_url: format!("http://{host}:{}", addr.port()),
            client_id: self.client_id,
            client_secret: self.client_secret,
            extra_clients: self.extra_clients,
            tokens: TokenAuthority::new(self.token_lifetime),
            clock: Clock::default(),
            log: RequestLog::new(REQUEST_LOG_CAPACITY),
            faults: FaultTable::default(),
            log_requests: self.log_requests,
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.worker_threads)
            .thread_name("prove-sandbox")
            .enable_all()
            .build()?;
        let (shutdown, stop_rx) = watch::channel(false);
        let (done_tx, done) = oneshot::channel();
        let server_state = Arc::clone(&shared);
        std::thread::Builder::new().name("prove-sandbox-main".to_owned()).spawn(move || {
            runtime.block_on(serve(listener, server_state, stop_rx));
            runtime.shutdown_timeout(Duration::from_millis(100));
            let _ = done_tx.send(());
        })?;
        Ok(Sandbox { shared, shutdown, done: Some(done) })
    }
}

impl Sandbox {
    /// Start a sandbox with the defaults: `127.0.0.1`, a free port, the default credentials.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::builder().start().await
    }

    /// Settings for a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// `http://HOST:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The `client_id` `/token` accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }

    /// The `client_secret` `/token` accepts.
    pub fn client_secret(&self) -> &str {
        &self.shared.client_secret
    }

    /// A snapshot of the request counters.
    pub fn counters(&self) -> Counters {
        self.shared.counters()
    }

    /// Set every counter to zero.
    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_token_lifetime(&self, d: Duration) {
        self.shared.tokens.set_lifetime(d);
    }

    /// Invalidate every token issued so far (they get 401).
    pub fn revoke_tokens(&self) {
        self.shared.tokens.revoke_all();
    }

    /// Move the sandbox clock forward (token and session expiry). The clock stops at 100 years
    /// ahead of the wall clock.
    pub fn advance_clock(&self, d: Duration) {
        self.shared.clock.advance(d);
    }

    /// Now on the sandbox clock, in Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.shared.clock.now_ms()
    }

    /// Inject a fault (the first matching fault applies to a request).
    pub fn inject_fault(&self, f: Fault) {
        self.shared.faults.add(f);
    }

    /// Remove every fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Recent API requests (at most [`REQUEST_LOG_CAPACITY`]), most recent last.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    /// Forget the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Complete (or fail) possession for a session, as `POST /sandbox/possession` does:
    /// `action` is `success`, `fail` or `otp` (with `otp`). Returns the status and JSON body.
    pub fn possession(&self, correlation_id: &str, action: &str, otp: Option<&str>) -> (u16, Value) {
        let mut body = json!({"correlationId": correlation_id, "action": action});
        if let (Some(otp), Value::Object(m)) = (otp, &mut body) {
            m.insert("otp".into(), Value::String(otp.to_owned()));
        }
        let r = self.shared.world.control("possession", &body, self.shared.clock.now_ms());
        (r.status, r.body)
    }

    /// Any world control by name (`POST /sandbox/<name>`), e.g. `reset`.
    pub fn world_control(&self, name: &str, body: &Value) -> (u16, Value) {
        let r = self.shared.world.control(name, body, self.shared.clock.now_ms());
        (r.status, r.body)
    }

    /// Stop serving and wait until the listener is closed.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
