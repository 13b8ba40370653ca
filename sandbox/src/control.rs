//! The control endpoints under `/sandbox/` (JSON in and out, no authentication).
//!
//! Every value a control reads is checked before use (see [`crate::fields`]): a value of the
//! wrong type, negative, fractional where a whole number is needed or too large is a 400 in
//! Prove's error shape naming the field, and the connection stays usable.
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::{json, Value};

use crate::clock::MAX_CLOCK_OFFSET;
use crate::faults::Fault;
use crate::fields::{FieldError, Fields};
use crate::http::{json_response, read_body, Body, BodyError, MAX_CONTROL_BODY_BYTES};
use crate::server::MAX_TOKEN_LIFETIME;
use crate::state::Shared;
use crate::webhook;

fn error(status: u16, code: i64, message: impl Into<String>) -> Response<Body> {
    json_response(status, &json!({"code": code, "message": message.into()}))
}

fn bad_request(e: &FieldError) -> Response<Body> {
    error(400, e.code, e.message.clone())
}

fn method_not_allowed() -> Response<Body> {
    error(405, 405, "method not allowed")
}

/// A duration from `ms` or `seconds` (exactly one), at most `max`.
fn duration_field(body: &Value, max: Duration, missing: &str) -> Result<(Duration, &'static str), FieldError> {
    Fields::of(body)?.duration(max, missing)
}

/// Serve one control request.
pub(crate) async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    let method = req.method().clone();
    let path = req.uri().path().trim_end_matches('/').to_owned();
    let body = match read_body(req, MAX_CONTROL_BODY_BYTES).await {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Value::Null,
        Ok(b) => match serde_json::from_slice::<Value>(&b) {
            Ok(v) => v,
            Err(e) => return error(400, 8001, format!("malformed request: invalid JSON: {e}")),
        },
        Err(BodyError::TooLarge) => return error(400, 8001, "malformed request: body too large"),
        Err(BodyError::Io) => return error(400, 8001, "malformed request: could not read body"),
    };
    let name = path.strip_prefix("/sandbox").unwrap_or("").trim_start_matches('/');
    match (name, &method) {
        ("health", &Method::GET) => json_response(200, &json!({"status": "ok"})),
        ("info", &Method::GET) => json_response(
            200,
            &json!({
                "baseUrl": shared.base_url,
                "clientId": shared.client_id,
                "tokenLifetimeSeconds": shared.tokens.lifetime_secs(),
                "nowMs": shared.clock.now_ms(),
            }),
        ),
        ("clock", &Method::GET) => clock(shared),
        ("clock/advance", &Method::POST) => {
            match duration_field(&body, MAX_CLOCK_OFFSET, "field 'ms' (or 'seconds') is missing") {
                Ok((d, field)) => {
                    if shared.clock.try_advance(d) {
                        clock(shared)
                    } else {
                        let days = MAX_CLOCK_OFFSET.as_secs() / 86_400;
                        let message =
                            format!("field '{field}' would put the sandbox clock more than {days} days ahead");
                        error(400, 8001, message)
                    }
                }
                Err(e) => bad_request(&e),
            }
        }
        ("token-lifetime", &Method::GET) => lifetime(shared),
        ("token-lifetime", &Method::POST) => {
            match duration_field(&body, MAX_TOKEN_LIFETIME, "field 'seconds' (or 'ms') is missing") {
                Ok((d, _)) => {
                    shared.tokens.set_lifetime(d);
                    lifetime(shared)
                }
                Err(e) => bad_request(&e),
            }
        }
        ("tokens/revoke", &Method::POST) => {
            shared.tokens.revoke_all();
            json_response(200, &json!({"revoked": true}))
        }
        ("counters", &Method::GET) => json_response(200, &shared.counters().to_json()),
        ("counters/reset", &Method::POST) | ("counters", &Method::DELETE) => {
            shared.counters.reset();
            json_response(200, &shared.counters().to_json())
        }
        ("requests", &Method::GET) => {
            let list: Vec<Value> = shared.log.snapshot().iter().map(|r| r.to_json()).collect();
            json_response(200, &Value::Array(list))
        }
        ("requests", &Method::DELETE) => {
            shared.log.clear();
            json_response(200, &json!([]))
        }
        ("faults", &Method::GET) => faults(shared),
        ("faults", &Method::POST) => {
            let specs = match &body {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            let mut parsed = Vec::with_capacity(specs.len());
            for s in &specs {
                match Fault::from_json(s) {
                    Ok(f) => parsed.push(f),
                    Err(e) => return error(400, 8001, e),
                }
            }
            for f in parsed {
                shared.faults.add(f);
            }
            faults(shared)
        }
        ("faults", &Method::DELETE) => {
            shared.faults.clear();
            faults(shared)
        }
        ("webhook/sign", &Method::POST) => match webhook::Request::from_json(&body, false) {
            Ok(w) => json_response(200, &w.sign(shared.clock.now_ms()).to_json()),
            Err(e) => bad_request(&e),
        },
        ("webhook/deliver", &Method::POST) => match webhook::Request::from_json(&body, true) {
            Ok(w) => {
                let signed = w.sign(shared.clock.now_ms());
                match webhook::deliver(w.url.as_deref().unwrap_or(""), &signed).await {
                    Ok(status) => {
                        let mut v = signed.to_json();
                        if let Value::Object(m) = &mut v {
                            m.insert("status".into(), json!(status));
                        }
                        json_response(200, &v)
                    }
                    Err(e) => error(502, 8000, format!("webhook delivery failed: {e}")),
                }
            }
            Err(e) => bad_request(&e),
        },
        (
            "health" | "info" | "clock" | "clock/advance" | "token-lifetime" | "tokens/revoke" | "counters"
            | "counters/reset" | "requests" | "faults" | "webhook/sign" | "webhook/deliver",
            _,
        ) => method_not_allowed(),
        // Everything else is a world control, e.g. `possession` or `reset`.
        (name, &Method::POST) if !name.is_empty() && !name.contains('/') => {
            let r = shared.world.control(name, &body, shared.clock.now_ms());
            json_response(r.status, &r.body)
        }
        _ => error(404, 404, "unknown sandbox control"),
    }
}

fn clock(shared: &Shared) -> Response<Body> {
    let offset = u64::try_from(shared.clock.offset().as_millis()).unwrap_or(u64::MAX);
    json_response(200, &json!({"nowMs": shared.clock.now_ms(), "offsetMs": offset}))
}

/// The token lifetime: `ms` exactly, `seconds` rounded up (as `expires_in` reports it).
fn lifetime(shared: &Shared) -> Response<Body> {
    let d = shared.tokens.lifetime();
    json_response(
        200,
        &json!({"seconds": shared.tokens.lifetime_secs(), "ms": u64::try_from(d.as_millis()).unwrap_or(u64::MAX)}),
    )
}

fn faults(shared: &Shared) -> Response<Body> {
    let list: Vec<Value> = shared.faults.list().iter().map(Fault::to_json).collect();
    json_response(200, &json!({"faults": list}))
}
