//! Verified Users: `/v3/verify` in both forms (the guides' `possessionType` form with
//! `/v3/verify-status`, and the current synchronous `verificationType` form) and `/v3/verify/batch`.
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::session::{Channel, Flow, Possession, VerifyFlow};
use super::users::{Outcome, Product, TestUser};
use super::validate::{batch_items, correlation_id, final_target_url, Body, Res};
use super::{
    create_session, evaluation, identity, new_id, obj, s, session_mut, step_not_allowed, user_for, Ctx, State,
};
use crate::api::ApiResponse;

/// The documented `verificationType` values.
pub const VERIFICATION_TYPES: &[&str] =
    &["humanAssurance", "verifiedUser", "accountOpening", "prefill", "prefillForBiz", "identityResolution"];

/// A stable, opaque phone alias per project and phone.
fn phone_alias(client_id: &str, user: &TestUser) -> String {
    let digest = Sha256::digest(format!("{client_id}:{}", user.phone).as_bytes());
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

fn names_match(user: &TestUser, first: Option<&str>, last: Option<&str>) -> bool {
    let ok = |given: Option<&str>, actual: &str| given.is_none_or(|g| g.trim().eq_ignore_ascii_case(actual));
    ok(first, user.first_name) && ok(last, user.last_name)
}

/// `POST /v3/verify`: the guides' form when `possessionType` is present, else the current form.
pub fn verify(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    if b.has("possessionType") {
        verify_with_possession(ctx, st, &b)
    } else {
        verify_current(ctx, st, &b)
    }
}

fn verify_with_possession(ctx: &Ctx<'_>, st: &mut State, b: &Body<'_>) -> Res<ApiResponse> {
    let possession_type = b.req_enum("possessionType", &["mobile", "desktop", "none"])?;
    let first = b.req_str("firstName")?;
    let last = b.req_str("lastName")?;
    let phone = b.req_str("phoneNumber")?;
    let channel = Channel::parse(possession_type);
    final_target_url(b, channel == Channel::Desktop)?;
    let allow_otp_retry = b.opt_bool("allowOTPRetry")?.unwrap_or(false);
    for field in ["clientCustomerId", "clientRequestId", "emailAddress", "smsMessage"] {
        b.opt_str(field)?;
    }
    let user = user_for(phone, &[Product::VerifiedUsers])?;
    let verified = names_match(user, Some(first), Some(last)) && user.outcome != Outcome::FailVerification;
    let prove_id = st.prove_id_for(ctx.client(), user);
    let flow = Flow::Verify(VerifyFlow { verified, prove_id });
    if channel == Channel::None {
        let (id, _) = create_session(ctx, st, user, phone, channel, Possession::Success, false, flow);
        return Ok(ApiResponse::ok(json!({
            "correlationId": id,
            "success": if verified { "true" } else { "false" },
            "possessionResult": "not_applicable",
            "verifyResult": if verified { "success" } else { "failed" },
        })));
    }
    let possession = if user.short_term { Possession::Success } else { Possession::Pending };
    let (id, token) = create_session(ctx, st, user, phone, channel, possession, allow_otp_retry, flow);
    Ok(ApiResponse::ok(json!({
        "authToken": token,
        "correlationId": id,
        "success": "pending",
        "possessionResult": "pending",
        "verifyResult": "pending",
    })))
}

/// `POST /v3/verify-status` (paired with the guides' form of `/v3/verify`).
pub fn verify_status(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    b.opt_str("clientRequestId")?;
    let id = correlation_id(&b)?;
    let now = ctx.now();
    let session = session_mut(ctx, st, id)?;
    let possession = session.possession_at(now);
    let channel = session.channel;
    let Flow::Verify(flow) = &session.flow else {
        return Err(step_not_allowed());
    };
    let verified = if flow.verified { "success" } else { "failed" };
    // The Verified Users guide: verifyResult is `pending` until the checks complete, and
    // `not_applicable` when possession failed; success is `pending` until both are decided.
    // The verification is reported only once possession has succeeded [INF].
    let (success, possession_result, verify_result) = match (channel, possession) {
        (Channel::None, _) => (if flow.verified { "true" } else { "false" }, "not_applicable", verified),
        (_, Possession::Pending) => ("pending", "pending", "pending"),
        (_, Possession::Failed) => ("false", "failed", "not_applicable"),
        (_, Possession::Success) => (if flow.verified { "true" } else { "false" }, "success", verified),
    };
    let done = success != "pending";
    Ok(ApiResponse::ok(obj([
        ("success", s(success)),
        ("possessionResult", s(possession_result)),
        ("verifyResult", s(verify_result)),
        ("identityId", (success == "true").then(|| json!(flow.prove_id))),
        (
            "evaluation",
            done.then(|| {
                if verify_result == "not_applicable" {
                    evaluation(&[("authentication", false)])
                } else {
                    evaluation(&[("authentication", true), ("identification", flow.verified)])
                }
            }),
        ),
    ])))
}

/// The outcome of verifying one person (current form and batch items).
struct Verdict {
    authentication: bool,
    identification: bool,
}

impl Verdict {
    fn of(user: &TestUser, first: Option<&str>, last: Option<&str>) -> Verdict {
        Verdict {
            authentication: user.outcome != Outcome::FailPossession,
            identification: names_match(user, first, last) && user.outcome != Outcome::FailVerification,
        }
    }

    fn success(&self) -> bool {
        self.authentication && self.identification
    }

    fn evaluation(&self) -> Value {
        evaluation(&[("authentication", self.authentication), ("identification", self.identification), ("risk", true)])
    }
}

/// The `identity` object of a passing verification.
fn identity_of(user: &TestUser, verification_type: &str) -> Value {
    let detailed = matches!(verification_type, "prefill" | "accountOpening" | "identityResolution");
    let mut m = Map::new();
    m.insert("firstName".into(), json!(user.first_name));
    m.insert("lastName".into(), json!(user.last_name));
    m.insert("assuranceLevel".into(), json!("AL3"));
    m.insert("reasons".into(), json!(["AL3a"]));
    if detailed {
        if let Some(d) = user.dob {
            m.insert("dateOfBirth".into(), json!(d));
        }
        if let Some(e) = user.email {
            m.insert("emails".into(), json!([e]));
        }
        if let Some(ssn) = user.ssn {
            m.insert("nationalId".into(), json!(format!("{}-{}-{}", &ssn[..3], &ssn[3..5], &ssn[5..])));
        }
        let addresses: Vec<Value> = user.addresses.iter().map(|a| a.to_json("zipCode")).collect();
        if !addresses.is_empty() {
            m.insert("addresses".into(), Value::Array(addresses));
        }
    }
    Value::Object(m)
}

fn verify_current(ctx: &Ctx<'_>, st: &mut State, b: &Body<'_>) -> Res<ApiResponse> {
    let verification_type = b.req_enum("verificationType", VERIFICATION_TYPES)?;
    let phone = b.req_str("phoneNumber")?;
    let first = b.opt_str("firstName")?;
    let last = b.opt_str("lastName")?;
    let customer = b.opt_str("clientCustomerId")?;
    let human = b.opt_str("clientHumanId")?;
    let request = b.opt_str("clientRequestId")?;
    for field in ["emailAddress", "ipAddress", "userAgent"] {
        b.opt_str(field)?;
    }
    b.opt_array("identityAttributes")?;
    let user = user_for(phone, &[Product::VerifiedUsers])?;
    let verdict = Verdict::of(user, first, last);
    let success = verdict.success();
    let prove_id = success.then(|| st.prove_id_for(ctx.client(), user));
    let is_enrolled = (verification_type == "verifiedUser")
        .then(|| success && identity::ensure_enrolled(st, ctx.client(), user, phone, customer, ctx.now()));
    Ok(ApiResponse::ok(obj([
        ("success", s(if success { "true" } else { "false" })),
        ("correlationId", s(new_id())),
        ("phoneNumber", s(phone)),
        ("proveId", prove_id.map(Value::String)),
        ("provePhoneAlias", success.then(|| json!(phone_alias(ctx.client(), user)))),
        ("clientCustomerId", customer.map(|v| json!(v))),
        ("clientHumanId", human.map(|v| json!(v))),
        ("clientRequestId", request.map(|v| json!(v))),
        ("identity", success.then(|| identity_of(user, verification_type))),
        ("evaluation", Some(verdict.evaluation())),
        ("isEnrolled", is_enrolled.map(Value::Bool)),
    ])))
}

/// `POST /v3/verify/batch`.
pub fn verify_batch(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let request = b.opt_str("clientRequestId")?;
    let items = batch_items(b.opt_array("items")?)?;
    // Validate every item before answering anything, as a request-level check.
    let mut parsed = Vec::with_capacity(items.len());
    for (item, prefix) in &items {
        let ib = Body::nested(item, prefix)?;
        let first = ib.req_str("firstName")?;
        let last = ib.req_str("lastName")?;
        let phone = ib.req_str("phoneNumber")?;
        let vt = ib.req_enum("verificationType", VERIFICATION_TYPES)?;
        let customer = ib.opt_str("clientCustomerId")?;
        let human = ib.opt_str("clientHumanId")?;
        for field in ["emailAddress", "ipAddress", "proveId", "userAgent"] {
            ib.opt_str(field)?;
        }
        parsed.push((first, last, phone, vt, customer, human));
    }
    let mut results = Vec::with_capacity(parsed.len());
    for (first, last, phone, vt, customer, human) in parsed {
        let mut item = Map::new();
        item.insert("clientCustomerId".into(), json!(customer.unwrap_or("")));
        item.insert("phoneNumber".into(), json!(phone));
        if let Some(h) = human {
            item.insert("clientHumanId".into(), json!(h));
        }
        match user_for(phone, &[Product::VerifiedUsers]) {
            Err(e) => {
                let message = e.body.get("message").and_then(Value::as_str).unwrap_or("verification failed");
                item.insert("success".into(), json!("false"));
                item.insert("assuranceLevel".into(), json!("AL-1"));
                item.insert("error".into(), json!(message));
            }
            Ok(user) => {
                let verdict = Verdict::of(user, Some(first), Some(last));
                let ok = verdict.success();
                item.insert("success".into(), json!(if ok { "true" } else { "false" }));
                item.insert("assuranceLevel".into(), json!(if ok { "AL3" } else { "AL-1" }));
                item.insert("evaluation".into(), verdict.evaluation());
                if ok {
                    item.insert("proveId".into(), json!(st.prove_id_for(ctx.client(), user)));
                    item.insert("provePhoneAlias".into(), json!(phone_alias(ctx.client(), user)));
                    item.insert("identity".into(), identity_of(user, vt));
                }
            }
        }
        results.push(Value::Object(item));
    }
    Ok(ApiResponse::ok(obj([
        ("correlationId", s(new_id())),
        ("clientRequestId", request.map(|v| json!(v))),
        ("results", Some(Value::Array(results))),
    ])))
}
