//! The emulated Prove world: test users, flow sessions, auth tokens, the Prove Key registry, the
//! Identity Manager store and domain links.
//!
//! Everything is synchronous; the state sits behind one mutex whose critical sections are a few
//! microseconds long (no I/O, no await), which keeps concurrent requests cheap. Behaviour that
//! the documentation leaves open is written down in `sandbox/BEHAVIOUR.md`.
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Map, Value};

use crate::api::{ApiRequest, ApiResponse};

mod identity;
mod jwt;
mod other;
mod prefill;
mod session;
mod unify;
pub mod users;
mod validate;
mod verify;

use jwt::{TokenError, TokenSigner};
use session::{Channel, Flow, Possession, Session, OTP_MAX_ATTEMPTS, SANDBOX_OTP, SESSION_TTL_MS};
use users::{Product, TestUser};
use validate::{invalid, Body, Res};

/// Settings of the emulated world.
#[derive(Debug, Clone, Default)]
pub struct WorldConfig {}

/// A Prove Key bound to a phone number on a device.
#[derive(Debug, Clone)]
struct ProveKey {
    device_id: String,
}

/// State of one project (one `client_id`): Prove IDs, Prove Keys and Identity Manager enrolments
/// are all per project.
#[derive(Debug, Default)]
struct Project {
    /// Normalised phone → Prove ID (reused across Verify and Unify).
    prove_ids: HashMap<String, String>,
    /// Normalised phone → Prove Key.
    keys: HashMap<String, ProveKey>,
    identities: identity::Store,
}

/// Mutable state of the world.
#[derive(Debug, Default)]
struct State {
    sessions: HashMap<String, Session>,
    projects: HashMap<String, Project>,
    /// Prove ID → (client id, normalised phone), for discover/fetch.
    prove_id_owner: HashMap<String, (String, String)>,
    domain: other::DomainLinks,
    auth: HashMap<String, other::AuthSession>,
}

impl State {
    fn project(&mut self, client_id: &str) -> &mut Project {
        self.projects.entry(client_id.to_string()).or_default()
    }

    /// The Prove ID of a user within a project, created on first use.
    fn prove_id_for(&mut self, client_id: &str, user: &TestUser) -> String {
        let project = self.projects.entry(client_id.to_string()).or_default();
        let id = project.prove_ids.entry(user.phone.to_string()).or_insert_with(new_id).clone();
        self.prove_id_owner.insert(id.clone(), (client_id.to_string(), user.phone.to_string()));
        id
    }
}

/// All state of the emulated sandbox: sessions, identities, Prove Keys. Thread-safe.
#[derive(Debug)]
pub struct World {
    signer: TokenSigner,
    state: Mutex<State>,
}

impl Default for World {
    fn default() -> Self {
        World::new(WorldConfig::default())
    }
}

/// What a handler sees of the request.
struct Ctx<'a> {
    req: &'a ApiRequest,
    signer: &'a TokenSigner,
}

impl Ctx<'_> {
    fn now(&self) -> u64 {
        self.req.now_ms
    }

    fn client(&self) -> &str {
        &self.req.client_id
    }

    fn body(&self) -> Res<Body<'_>> {
        Body::parse(&self.req.body)
    }

    /// A path parameter; both generations of the identity placeholder name are accepted.
    fn path(&self, name: &str) -> Res<&str> {
        let alt = match name {
            "proveId" => Some("identityId"),
            "identityId" => Some("proveId"),
            _ => None,
        };
        self.req
            .path_params
            .get(name)
            .or_else(|| alt.and_then(|a| self.req.path_params.get(a)))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiResponse::missing_field(name))
    }
}

/// A fresh UUID v4 in lower case.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// 403 `{"code":1003,"message":"step not allowed"}`.
fn step_not_allowed() -> ApiResponse {
    ApiResponse::error(403, 1003, "step not allowed")
}

/// The test user for a phone number, checked against the products an operation serves.
fn user_for(phone: &str, products: &[Product]) -> Res<&'static TestUser> {
    let user = users::find(phone)
        .ok_or_else(|| ApiResponse::error(400, 8007, "no test user found matching the phone number"))?;
    if products.contains(&user.product) {
        Ok(user)
    } else {
        Err(ApiResponse::error(403, 8009, "sandbox test user access denied: this test user belongs to another product"))
    }
}

/// Builds a JSON object, leaving out `None`, empty strings, empty arrays and empty objects (G10).
fn obj<const N: usize>(fields: [(&str, Option<Value>); N]) -> Value {
    let mut m = Map::new();
    for (k, v) in fields {
        match v {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(Value::Object(o)) if o.is_empty() => {}
            Some(v) => {
                m.insert(k.to_string(), v);
            }
        }
    }
    Value::Object(m)
}

/// `Some(json string)` helper for [`obj`].
fn s(v: impl Into<String>) -> Option<Value> {
    Some(Value::String(v.into()))
}

/// An `evaluation` map: category → `{"result": "pass"|"fail"}`.
fn evaluation(items: &[(&str, bool)]) -> Value {
    let m: BTreeMap<&str, Value> =
        items.iter().map(|(k, pass)| (*k, json!({"result": if *pass { "pass" } else { "fail" }}))).collect();
    json!(m)
}

impl World {
    /// A world with the documented test users and no state.
    pub fn new(_config: WorldConfig) -> Self {
        World { signer: TokenSigner::random(), state: Mutex::new(State::default()) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that matters
        // more than refusing service would, so a poisoned lock is recovered.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answer one API call.
    pub fn handle(&self, req: &ApiRequest) -> ApiResponse {
        let ctx = Ctx { req, signer: &self.signer };
        let mut st = self.lock();
        let st = &mut *st;
        let result = match req.op {
            "V3StartRequest" => prefill::start(&ctx, st),
            "V3ValidateRequest" => prefill::validate(&ctx, st),
            "V3ChallengeRequest" => prefill::challenge(&ctx, st),
            "V3CompleteRequest" => prefill::complete(&ctx, st),
            "V3VerifyRequest" => verify::verify(&ctx, st),
            "V3VerifyStatusRequest" => verify::verify_status(&ctx, st),
            "V3VerifyBatchRequest" => verify::verify_batch(&ctx, st),
            "V3UnifyRequest" => unify::unify(&ctx, st),
            "V3UnifyStatusRequest" => unify::unify_status(&ctx, st),
            "V3UnifyBindRequest" => unify::unify_bind(&ctx, st),
            "V3DeviceRevokeRequest" => unify::device_revoke(&ctx, st),
            "V3EnrollIdentity" => identity::enroll(&ctx, st),
            "V3BatchEnrollIdentities" => identity::batch_enroll(&ctx, st),
            "V3BatchGetIdentities" => identity::batch_get(&ctx, st),
            "V3GetIdentity" => identity::get(&ctx, st),
            "V3GetIdentitiesByPhoneNumber" => identity::lookup(&ctx, st),
            "V3ActivateIdentity" => identity::set_active(&ctx, st, true),
            "V3DeactivateIdentity" => identity::set_active(&ctx, st, false),
            "V3DisenrollIdentity" => identity::disenroll(&ctx, st),
            "V3CrossDomainIdentity" => identity::cross_domain(&ctx, st),
            "V3DiscoverRequest" => other::discover(&ctx, st),
            "V3FetchRequest" => other::fetch(&ctx, st),
            "V3DomainIDRequest" => other::domain_id(&ctx),
            "V3DomainLinkRequest" => other::domain_link(&ctx, st),
            "V3DomainConfirmLinkRequest" => other::domain_confirm_link(&ctx, st),
            "V3DomainLinkedRequest" => other::domain_linked(&ctx, st),
            "V3DomainUnlinkRequest" => other::domain_unlink(&ctx, st),
            "AuthStartRequest" => other::auth_start(&ctx, st),
            "AuthContinueRequest" => other::auth_continue(&ctx, st),
            "AuthFinishRequest" => other::auth_finish(&ctx, st),
            op => Err(ApiResponse::error(404, 404, format!("unknown operation {op}"))),
        };
        result.unwrap_or_else(|e| e)
    }

    /// A control action on the world (`POST /sandbox/<name>`): `possession` completes the client
    /// side of a flow, `reset` clears all state (the test users stay).
    pub fn control(&self, name: &str, body: &Value, now_ms: u64) -> ApiResponse {
        match name {
            "possession" => self.control_possession(body, now_ms).unwrap_or_else(|e| e),
            "reset" => {
                *self.lock() = State::default();
                ApiResponse::ok(json!({"success": true}))
            }
            _ => ApiResponse::error(404, 404, format!("unknown control {name}")),
        }
    }

    /// `POST /sandbox/possession`: the simulated client SDK. The session is named by
    /// `correlationId` or by the `authToken` the flow handed out (which it consumes).
    fn control_possession(&self, body: &Value, now_ms: u64) -> Res<ApiResponse> {
        let b = Body::parse(body)?;
        let action = b.req_enum("action", &["success", "fail", "otp"])?;
        let otp = b.opt_str("otp")?;
        if action == "otp" && otp.is_none() {
            return Err(ApiResponse::missing_field("otp"));
        }
        let mut st = self.lock();
        let (id, via_token) = match (b.opt_str("correlationId")?, b.opt_str("authToken")?) {
            (Some(id), _) => (id.to_string(), None),
            (None, Some(token)) => {
                let claims = self.signer.check(token, now_ms).map_err(|e| match e {
                    TokenError::Expired => ApiResponse::error(403, 8002, "auth token expired"),
                    _ => invalid("authToken is not a valid auth token"),
                })?;
                (claims.sub, Some(claims.jti))
            }
            (None, None) => return Err(ApiResponse::missing_field("correlationId")),
        };
        let not_found = || ApiResponse::error(404, 8008, "invalid correlation ID: no such session");
        let session = st.sessions.get_mut(&id).ok_or_else(not_found)?;
        if session.expired(now_ms) {
            return Err(ApiResponse::error(404, 8008, "invalid correlation ID: the session has expired"));
        }
        if let Some(jti) = via_token {
            if session.token_jti.as_deref() != Some(jti.as_str()) {
                return Err(invalid("authToken does not belong to this session"));
            }
            if session.token_used {
                return Err(ApiResponse::error(403, 8002, "auth token already used"));
            }
        }
        let current = session.possession_at(now_ms);
        let mut timed_out = false;
        if session.possession == Possession::Pending {
            if current == Possession::Failed {
                timed_out = true;
            } else if session.user.outcome == users::Outcome::FailPossession {
                session.possession = Possession::Failed;
            } else {
                session.possession = match (action, otp) {
                    ("success", _) => Possession::Success,
                    ("otp", Some(code)) if code == SANDBOX_OTP => Possession::Success,
                    ("otp", _) => {
                        session.otp_failures = session.otp_failures.saturating_add(1);
                        if session.allow_otp_retry && session.otp_failures < OTP_MAX_ATTEMPTS {
                            Possession::Pending
                        } else {
                            Possession::Failed
                        }
                    }
                    _ => Possession::Failed,
                };
            }
        }
        let state = session.possession_at(now_ms);
        if state != Possession::Pending {
            session.possession = state;
            session.token_used = true;
        }
        let attempts_left = (state == Possession::Pending && session.allow_otp_retry)
            .then(|| json!(OTP_MAX_ATTEMPTS.saturating_sub(session.otp_failures)));
        Ok(ApiResponse::ok(obj([
            ("correlationId", s(id)),
            ("possession", s(state.as_str())),
            ("otpAttemptsRemaining", attempts_left),
            ("expired", timed_out.then_some(Value::Bool(true))),
        ])))
    }
}

/// Creates a session with a fresh correlation id and auth token; returns `(id, token)`.
#[allow(clippy::too_many_arguments)]
fn create_session(
    ctx: &Ctx<'_>,
    st: &mut State,
    user: &'static TestUser,
    phone: &str,
    channel: Channel,
    possession: Possession,
    allow_otp_retry: bool,
    flow: Flow,
) -> (String, String) {
    let id = new_id();
    let jti = new_id();
    let token = ctx.signer.issue(&id, &jti, ctx.now(), SESSION_TTL_MS);
    st.sessions.insert(
        id.clone(),
        Session {
            client_id: ctx.client().to_string(),
            user,
            phone: phone.to_string(),
            created_ms: ctx.now(),
            channel,
            possession,
            allow_otp_retry,
            otp_failures: 0,
            token_jti: Some(jti),
            token_used: false,
            flow,
        },
    );
    (id, token)
}

/// The live session of this client for a correlation id: unknown → 400 8008, expired → 400 8008.
fn session_mut<'s>(ctx: &Ctx<'_>, st: &'s mut State, id: &str) -> Res<&'s mut Session> {
    match st.sessions.get_mut(id) {
        Some(s) if s.client_id == ctx.client() => {
            if s.expired(ctx.now()) {
                Err(ApiResponse::error(400, 8008, "invalid correlation ID: the session has expired"))
            } else {
                Ok(s)
            }
        }
        _ => Err(ApiResponse::error(400, 8008, "invalid correlation ID")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn world_is_send_sync() {
        assert_send_sync::<World>();
    }
}
