//! Pre-Fill and Prove Identity: `/v3/start`, `/v3/validate`, `/v3/challenge`, `/v3/complete`.
use serde_json::{json, Value};

use super::session::{Channel, Flow, Possession, PrefillFlow, Stage};
use super::users::{Product, TestUser};
use super::validate::{correlation_id, final_target_url, invalid, opt_dob, opt_ssn, ssn_matches, Body, Dob, Res};
use super::{create_session, evaluation, obj, s, session_mut, step_not_allowed, user_for, Ctx, State};
use crate::api::ApiResponse;

/// The user's data as Challenge returns it (`V3ChallengeIndividualRequest`).
pub fn individual(user: &TestUser) -> Value {
    let addresses: Vec<Value> = user.addresses.iter().map(|a| a.to_json("postalCode")).collect();
    obj([
        ("firstName", s(user.first_name)),
        ("lastName", s(user.last_name)),
        ("addresses", Some(Value::Array(addresses))),
        ("emailAddresses", Some(Value::Array(user.email.iter().map(|e| json!(e)).collect()))),
        ("dob", user.dob.map(|d| json!(d))),
        ("ssn", user.ssn.map(|d| json!(d))),
    ])
}

/// `POST /v3/start`.
pub fn start(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let flow_type = b.req_enum("flowType", &["mobile", "desktop"])?;
    let phone = b.req_str("phoneNumber")?;
    let channel = Channel::parse(flow_type);
    final_target_url(&b, channel == Channel::Desktop)?;
    let dob = opt_dob(&b)?;
    let ssn = opt_ssn(&b)?;
    let allow_otp_retry = b.opt_bool("allowOTPRetry")?.unwrap_or(false);
    if b.opt_str("smsMessage")?.is_some_and(|m| m.chars().count() > 160) {
        return Err(invalid("field 'smsMessage' must be at most 160 characters"));
    }
    b.opt_str("emailAddress")?;
    b.opt_str("ipAddress")?;
    let user = user_for(phone, &[Product::PreFill, Product::Identity])?;
    let passive = user.short_term || (user.mobile_auth && channel == Channel::Mobile);
    let possession = if passive { Possession::Success } else { Possession::Pending };
    let flow = Flow::Prefill(PrefillFlow {
        stage: Stage::Validate,
        dob: dob.map(str::to_string),
        ssn,
        challenge_individual: None,
    });
    let (id, token) = create_session(ctx, st, user, phone, channel, possession, allow_otp_retry, flow);
    Ok(ApiResponse::ok(json!({"authToken": token, "correlationId": id, "next": Stage::Validate.next()})))
}

fn prefill_flow(session: &mut super::Session, stage: Stage) -> Res<&mut PrefillFlow> {
    match &mut session.flow {
        Flow::Prefill(p) if p.stage == stage => Ok(p),
        _ => Err(step_not_allowed()),
    }
}

/// `POST /v3/validate`.
pub fn validate(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let id = correlation_id(&b)?;
    let now = ctx.now();
    let session = session_mut(ctx, st, id)?;
    let possession = session.possession_at(now);
    let product = session.user.product;
    let phone = session.phone.clone();
    let flow = prefill_flow(session, Stage::Validate)?;
    let challenge_missing = product == Product::PreFill && flow.dob.is_none() && flow.ssn.is_none();
    let success = match possession {
        Possession::Success => {
            flow.stage = if product == Product::PreFill { Stage::Challenge } else { Stage::Complete };
            true
        }
        // The client SDK has not finished yet: Validate may be called again.
        Possession::Pending => false,
        Possession::Failed => {
            flow.stage = Stage::Done;
            false
        }
    };
    Ok(ApiResponse::ok(json!({
        "success": success,
        "challengeMissing": challenge_missing,
        "next": flow.stage.next(),
        "phoneNumber": phone,
    })))
}

/// `POST /v3/challenge` (Pre-Fill only).
pub fn challenge(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let id = correlation_id(&b)?;
    let dob = opt_dob(&b)?;
    let ssn = opt_ssn(&b)?;
    let session = session_mut(ctx, st, id)?;
    let user = session.user;
    let flow = prefill_flow(session, Stage::Challenge)?;
    // Challenge fields overwrite the ones sent to Start.
    if let Some(d) = dob {
        flow.dob = Some(d.to_string());
    }
    if let Some(sn) = ssn {
        flow.ssn = Some(sn);
    }
    if flow.dob.is_none() && flow.ssn.is_none() {
        return Err(ApiResponse::error(400, 1001, "field 'dob' or 'ssn' is missing"));
    }
    let dob_ok =
        flow.dob.as_deref().is_none_or(|d| Dob::parse(d).is_some_and(|d| user.dob.is_some_and(|full| d.matches(full))));
    let ssn_ok = flow.ssn.as_deref().is_none_or(|sn| ssn_matches(sn, user.ssn));
    if dob_ok && ssn_ok {
        let ind = individual(user);
        flow.challenge_individual = Some(ind.clone());
        flow.stage = Stage::Complete;
        Ok(ApiResponse::ok(json!({"success": true, "individual": ind, "next": flow.stage.next()})))
    } else {
        flow.stage = Stage::Done;
        Ok(ApiResponse::ok(json!({"success": false, "next": flow.stage.next()})))
    }
}

/// Strips null, empty strings and empty arrays/objects so that "absent" and "empty" compare equal.
fn canonical(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(Value::String(s.trim().to_string())),
        Value::Array(a) => {
            let items: Vec<Value> = a.iter().filter_map(canonical).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(o) => {
            let m: serde_json::Map<String, Value> =
                o.iter().filter_map(|(k, v)| canonical(v).map(|v| (k.clone(), v))).collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        other => Some(other.clone()),
    }
}

fn check_individual(ind: &Body<'_>) -> Res<()> {
    for field in ["firstName", "lastName", "dob", "ssn"] {
        ind.opt_str(field)?;
    }
    if let Some(addresses) = ind.opt_array("addresses")? {
        for (i, a) in addresses.iter().enumerate() {
            let prefix = format!("addresses[{i}].");
            let a = Body::nested(a, &prefix)?;
            for field in ["address", "extendedAddress", "city", "region", "postalCode"] {
                a.opt_str(field)?;
            }
        }
    }
    if let Some(emails) = ind.opt_array("emailAddresses")? {
        if !emails.iter().all(Value::is_string) {
            return Err(invalid("field 'emailAddresses' must be an array of strings"));
        }
    }
    Ok(())
}

/// `POST /v3/complete`.
pub fn complete(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let id = correlation_id(&b)?;
    let raw = b.raw("individual").ok_or_else(|| ApiResponse::missing_field("individual"))?;
    let ind = Body::nested(raw, "")?;
    check_individual(&ind)?;
    let first = ind.opt_str("firstName")?;
    let last = ind.opt_str("lastName")?;
    let ssn = opt_ssn(&ind)?;
    let dob = opt_dob(&ind)?;
    if ssn.is_none() {
        if first.is_none() {
            return Err(ApiResponse::missing_field("firstName"));
        }
        if last.is_none() {
            return Err(ApiResponse::missing_field("lastName"));
        }
    }
    let session = session_mut(ctx, st, id)?;
    let user = session.user;
    let flow = prefill_flow(session, Stage::Complete)?;
    let name_ok = |given: Option<&str>, actual: &str| given.is_none_or(|g| g.trim().eq_ignore_ascii_case(actual));
    let success = name_ok(first, user.first_name)
        && name_ok(last, user.last_name)
        && ssn.as_deref().is_none_or(|sn| ssn_matches(sn, user.ssn))
        && dob.is_none_or(|d| Dob::parse(d).is_some_and(|d| user.dob.is_some_and(|full| d.matches(full))));
    let change_detected = flow.challenge_individual.as_ref().map(|reference| canonical(raw) != canonical(reference));
    flow.stage = Stage::Done;
    Ok(ApiResponse::ok(obj([
        ("success", Some(Value::Bool(success))),
        ("changeDetected", change_detected.map(Value::Bool)),
        ("next", Some(Stage::Done.next())),
        ("evaluation", Some(evaluation(&[("authentication", true), ("identification", success), ("risk", true)]))),
    ])))
}
