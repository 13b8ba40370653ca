//! Unified Authentication: `/v3/unify`, `/v3/unify-status`, `/v3/unify-bind`, and Prove Key
//! revocation (`/v3/device/revoke`).
use serde_json::{json, Value};

use super::session::{Channel, Flow, Possession, UnifyFlow};
use super::users::{self, Product, TestUser};
use super::validate::{correlation_id, final_target_url, invalid, Res};
use super::{
    create_session, evaluation, new_id, obj, s, session_mut, step_not_allowed, user_for, Ctx, ProveKey, State,
};
use crate::api::ApiResponse;

/// Places (or replaces) the Prove Key of a user in a project; returns the new device id.
fn place_key(st: &mut State, client_id: &str, user: &TestUser) -> String {
    let device_id = new_id();
    st.project(client_id).keys.insert(user.phone.to_string(), ProveKey { device_id: device_id.clone() });
    device_id
}

/// `POST /v3/unify`.
pub fn unify(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let possession_type = b.req_enum("possessionType", &["mobile", "desktop", "none"])?;
    let client_request_id = b.req_str("clientRequestId")?;
    let channel = Channel::parse(possession_type);
    final_target_url(&b, channel == Channel::Desktop)?;
    let allow_otp_retry = b.opt_bool("allowOTPRetry")?.unwrap_or(false);
    let rebind = b.opt_bool("rebind")?.unwrap_or(false);
    b.opt_bool("checkReputation")?;
    b.opt_bool("mobileAuthEnabled")?;
    b.opt_str("clientCustomerId")?;
    let client_human_id = b.opt_str("clientHumanId")?;
    let device_id = b.opt_str("deviceId")?;
    for field in ["emailAddress", "ipAddress"] {
        b.opt_str(field)?;
    }
    if b.opt_str("smsMessage")?.is_some_and(|m| m.chars().count() > 160) {
        return Err(invalid("field 'smsMessage' must be at most 160 characters"));
    }
    let phone = match (b.opt_str("phoneNumber")?, b.opt_str("proveId")?) {
        (Some(p), _) => p.to_string(),
        (None, Some(prove_id)) => match st.prove_id_owner.get(prove_id) {
            Some((client, phone)) if client == ctx.client() => phone.clone(),
            _ => return Err(invalid("field 'proveId' does not name a known Prove ID")),
        },
        (None, None) => return Err(ApiResponse::missing_field("phoneNumber")),
    };
    let user = user_for(&phone, &[Product::Unify])?;
    let project = st.project(ctx.client());
    let key = project.keys.get(user.phone).cloned();
    // A device id bound to another phone number: the key does not match this number.
    let foreign_device =
        device_id.is_some_and(|d| project.keys.iter().any(|(p, k)| k.device_id == d && p.as_str() != user.phone));
    let key_auth = !rebind
        && !user.short_term
        && channel != Channel::Desktop
        && key.as_ref().is_some_and(|k| device_id.is_none_or(|d| d == k.device_id));
    let possession = if foreign_device && !rebind {
        Possession::Failed
    } else if user.short_term || key_auth || (channel == Channel::Mobile && user.mobile_auth) {
        Possession::Success
    } else {
        Possession::Pending
    };
    let flow = Flow::Unify(UnifyFlow {
        client_request_id: client_request_id.to_string(),
        client_human_id: client_human_id.map(str::to_string),
        key_auth,
        possession_required_seen: false,
        result: None,
        bound: false,
    });
    let (id, token) = create_session(ctx, st, user, &phone, channel, possession, allow_otp_retry, flow);
    Ok(ApiResponse::ok(json!({"authToken": token, "correlationId": id, "success": "pending"})))
}

fn unify_flow(session: &mut super::Session) -> Res<&mut UnifyFlow> {
    match &mut session.flow {
        Flow::Unify(u) => Ok(u),
        _ => Err(step_not_allowed()),
    }
}

/// `POST /v3/unify-status`.
pub fn unify_status(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let request_id = b.opt_str("clientRequestId")?;
    let id = correlation_id(&b)?;
    let now = ctx.now();
    let client = ctx.client().to_string();
    let session = session_mut(ctx, st, id)?;
    let possession = session.possession_at(now);
    session.possession = possession;
    let (user, channel, phone) = (session.user, session.channel, session.phone.clone());
    let flow = unify_flow(session)?;
    let (client_request_id, client_human_id) = (flow.client_request_id.clone(), flow.client_human_id.clone());
    let needs_result = possession == Possession::Success && flow.result.is_none();
    let key_auth = flow.key_auth;
    let success = match possession {
        Possession::Success => "true",
        Possession::Failed => "false",
        Possession::Pending if channel == Channel::None => {
            flow.possession_required_seen = true;
            "possession_required"
        }
        Possession::Pending => "pending",
    };
    if needs_result {
        let prove_id = st.prove_id_for(&client, user);
        let device_id = if user.short_term || channel == Channel::Desktop {
            None
        } else if key_auth {
            st.project(&client).keys.get(user.phone).map(|k| k.device_id.clone())
        } else {
            Some(place_key(st, &client, user))
        };
        if let Some(session) = st.sessions.get_mut(id) {
            if let Flow::Unify(f) = &mut session.flow {
                f.result = Some((prove_id, device_id));
            }
        }
    }
    let result = match st.sessions.get(id).map(|s| &s.flow) {
        Some(Flow::Unify(f)) => f.result.clone(),
        _ => None,
    };
    let (prove_id, device_id) = match (success, result) {
        ("true", Some((p, d))) => (Some(p), d),
        _ => (None, None),
    };
    let final_state = matches!(success, "true" | "false");
    Ok(ApiResponse::ok(obj([
        ("success", s(success)),
        ("phoneNumber", s(phone)),
        ("proveId", prove_id.map(Value::String)),
        ("deviceId", device_id.map(Value::String)),
        ("clientHumanId", client_human_id.map(Value::String)),
        ("clientRequestId", s(request_id.map(str::to_string).unwrap_or(client_request_id))),
        ("evaluation", final_state.then(|| evaluation(&[("authentication", success == "true"), ("risk", true)]))),
    ])))
}

/// `POST /v3/unify-bind`: after `possession_required` and the customer's own possession check.
pub fn unify_bind(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let id = correlation_id(&b)?;
    let phone = b.req_str("phoneNumber")?;
    let request_id = b.opt_str("clientRequestId")?;
    let now = ctx.now();
    let client = ctx.client().to_string();
    let session = session_mut(ctx, st, id)?;
    let possession = session.possession_at(now);
    let user = session.user;
    let flow = unify_flow(session)?;
    if !flow.possession_required_seen || flow.bound || possession != Possession::Pending {
        return Err(step_not_allowed());
    }
    let client_human_id = flow.client_human_id.clone();
    let client_request_id = request_id.map(str::to_string).unwrap_or_else(|| flow.client_request_id.clone());
    let matches = users::find(phone).is_some_and(|u| std::ptr::eq(u, user));
    if !matches {
        return Ok(ApiResponse::ok(obj([
            ("success", s("false")),
            ("phoneNumber", s(phone)),
            ("clientHumanId", client_human_id.map(Value::String)),
            ("clientRequestId", s(client_request_id)),
        ])));
    }
    let prove_id = st.prove_id_for(&client, user);
    let device_id = if user.short_term { None } else { Some(place_key(st, &client, user)) };
    if let Some(session) = st.sessions.get_mut(id) {
        session.possession = Possession::Success;
        session.token_used = true;
        if let Flow::Unify(f) = &mut session.flow {
            f.bound = true;
            f.result = Some((prove_id.clone(), device_id.clone()));
        }
    }
    Ok(ApiResponse::ok(obj([
        ("success", s("true")),
        ("proveId", s(prove_id)),
        ("deviceId", device_id.map(Value::String)),
        ("phoneNumber", s(phone)),
        ("clientHumanId", client_human_id.map(Value::String)),
        ("clientRequestId", s(client_request_id)),
    ])))
}

/// `POST /v3/device/revoke`: removes a Prove Key.
pub fn device_revoke(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let device_id = b.req_str("deviceId")?;
    b.req_str("clientRequestId")?;
    let project = st.project(ctx.client());
    let phone = project.keys.iter().find(|(_, k)| k.device_id == device_id).map(|(p, _)| p.clone());
    match phone {
        Some(p) => {
            project.keys.remove(&p);
            Ok(ApiResponse::ok(json!({"success": true})))
        }
        None => Err(ApiResponse::error(404, 8012, "Device Not Found")),
    }
}
