//! The remaining operations: discover/fetch, domain linking, and the `/v1/server/auth/*` flow.
use std::collections::HashMap;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::validate::{invalid, is_uuid, req_query, Body, Res};
use super::{new_id, obj, s, user_for, users, Ctx, State};
use crate::api::ApiResponse;
use crate::clock::rfc3339;

/// The Prove Client ID (`pcid`) of a project: stable per `client_id`.
pub fn pcid_of(client_id: &str) -> String {
    let digest = Sha256::digest(client_id.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("pcid-{hex}")
}

fn issuer_of(client_id: &str) -> String {
    format!("issuer-{}", pcid_of(client_id).trim_start_matches("pcid-"))
}

/// One link request between two domains (projects), by `pcid`.
#[derive(Debug, Clone)]
struct Link {
    from: String,
    to: String,
    scopes: Vec<String>,
    requested_ms: u64,
    accepted_ms: Option<u64>,
}

/// Domain links between projects.
#[derive(Debug, Default)]
pub struct DomainLinks {
    links: Vec<Link>,
    /// pcid → project name (`client_id`), for the projects seen so far.
    names: HashMap<String, String>,
}

impl DomainLinks {
    fn me(&mut self, client_id: &str) -> String {
        let pcid = pcid_of(client_id);
        self.names.insert(pcid.clone(), client_id.to_string());
        pcid
    }
}

/// A `/v1/server/auth` session.
#[derive(Debug, Clone)]
pub struct AuthSession {
    client_id: String,
    mobile: Option<String>,
    mobile_requested: bool,
    device: Option<String>,
    device_requested: bool,
    user_id: Option<String>,
}

fn not_found() -> ApiResponse {
    ApiResponse::error(404, 8011, "Identity Not Found")
}

/// The `attributeId` of one attribute of one Prove ID: a UUID, as Prove documents it (`format:
/// uuid` on `/v3/fetch`'s query parameter; "a UUID that can be used to reference the attribute"),
/// stable for the same project, Prove ID and attribute, and different for any other [INF]. It is
/// name-based: the first 16 bytes of SHA-256 over the three, as a version 8 (custom) UUID.
pub fn attribute_id(client_id: &str, prove_id: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("attribute\0{client_id}\0{prove_id}\0{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

/// The attributes a Prove ID's owner can share: `(attribute name, value)`. The name is the
/// sandbox's own key; the wire carries [`attribute_id`] of it.
fn attributes(st: &State, ctx: &Ctx<'_>, prove_id: &str) -> Res<Vec<(&'static str, String)>> {
    let (client, phone) = st.prove_id_owner.get(prove_id).ok_or_else(not_found)?;
    if client != ctx.client() {
        return Err(not_found());
    }
    let user = users::find(phone).ok_or_else(not_found)?;
    let mut attrs = vec![("phoneNumber", user.phone.to_string())];
    if !user.first_name.is_empty() {
        attrs.push(("firstName", user.first_name.to_string()));
        attrs.push(("lastName", user.last_name.to_string()));
    }
    if let Some(e) = user.email {
        attrs.push(("emailAddress", e.to_string()));
    }
    if let Some(d) = user.dob {
        attrs.push(("dob", d.to_string()));
    }
    Ok(attrs)
}

/// `GET /v3/discover?proveId=...`: which attributes can be fetched for a Prove ID.
pub fn discover(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let prove_id = req_query(&ctx.req.query, "proveId")?;
    let issuer = issuer_of(ctx.client());
    let results: Vec<Value> = attributes(st, ctx, prove_id)?
        .into_iter()
        .map(|(name, _)| json!({"attributeId": attribute_id(ctx.client(), prove_id, name), "issuerId": issuer}))
        .collect();
    Ok(ApiResponse::ok(obj([("results", Some(Value::Array(results)))])))
}

/// `GET /v3/fetch?proveId=...&attributeId=...`: `attributeId` is a UUID from discover. A value
/// that is not a UUID is a malformed parameter (400 8001); a UUID that names no attribute of
/// this Prove ID is 404 8013 [INF].
pub fn fetch(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let prove_id = req_query(&ctx.req.query, "proveId")?;
    let wanted = req_query(&ctx.req.query, "attributeId")?;
    if !is_uuid(&wanted.to_ascii_lowercase()) {
        return Err(invalid("query parameter 'attributeId' must be a UUID, as returned by /v3/discover"));
    }
    let attrs = attributes(st, ctx, prove_id)?;
    let (id, value) = attrs
        .into_iter()
        .map(|(name, value)| (attribute_id(ctx.client(), prove_id, name), value))
        .find(|(id, _)| id.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| ApiResponse::error(404, 8013, "Attribute Not Found"))?;
    Ok(ApiResponse::ok(json!({
        "results": [{"attributeId": id, "attributeValue": value, "issuerId": issuer_of(ctx.client())}]
    })))
}

/// `GET /v3/domain/id`.
pub fn domain_id(ctx: &Ctx<'_>) -> Res<ApiResponse> {
    Ok(ApiResponse::ok(json!({
        "issuerId": issuer_of(ctx.client()),
        "name": ctx.client(),
        "pcid": pcid_of(ctx.client()),
    })))
}

fn scopes_of(b: &Body<'_>) -> Res<Vec<String>> {
    let Some(a) = b.opt_array("scopes")? else { return Ok(Vec::new()) };
    a.iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(|| invalid("field 'scopes' must be an array of strings")))
        .collect()
}

/// `POST /v3/domain/link`: asks another domain to link with this one.
pub fn domain_link(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let target = b.req_str("pcid")?;
    let scopes = scopes_of(&b)?;
    let me = st.domain.me(ctx.client());
    if target == me {
        return Err(invalid("field 'pcid' must name another domain"));
    }
    match st.domain.links.iter_mut().find(|l| l.from == me && l.to == target) {
        Some(l) => l.scopes = scopes,
        None => st.domain.links.push(Link {
            from: me,
            to: target.to_string(),
            scopes,
            requested_ms: ctx.now(),
            accepted_ms: None,
        }),
    }
    Ok(ApiResponse::ok(json!({"success": true})))
}

/// `POST /v3/domain/confirm-link`: accepts a pending request from `pcid`.
pub fn domain_confirm_link(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let from = b.req_str("pcid")?;
    let me = st.domain.me(ctx.client());
    let link = st
        .domain
        .links
        .iter_mut()
        .find(|l| l.from == from && l.to == me && l.accepted_ms.is_none())
        .ok_or_else(|| invalid("no pending link request from that pcid"))?;
    link.accepted_ms = Some(ctx.now());
    Ok(ApiResponse::ok(json!({"success": true})))
}

fn describe(domain: &DomainLinks, pcid: &str, l: &Link, accepted: bool) -> Value {
    let (at_key, string_key, at) = if accepted {
        ("acceptedAt", "acceptedString", l.accepted_ms.unwrap_or(l.requested_ms))
    } else {
        ("requestedAt", "requestedString", l.requested_ms)
    };
    let mut m = Map::new();
    m.insert("pcid".into(), json!(pcid));
    if let Some(name) = domain.names.get(pcid) {
        m.insert("name".into(), json!(name));
    }
    if !l.scopes.is_empty() {
        m.insert("scopes".into(), json!(l.scopes));
    }
    m.insert(at_key.into(), json!(at / 1000));
    m.insert(string_key.into(), json!(rfc3339(at)));
    Value::Object(m)
}

/// `GET /v3/domain/linked`.
pub fn domain_linked(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let me = st.domain.me(ctx.client());
    let d = &st.domain;
    let pick = |outgoing: bool, accepted: bool| -> Value {
        Value::Array(
            d.links
                .iter()
                .filter(|l| if outgoing { l.from == me } else { l.to == me })
                .filter(|l| l.accepted_ms.is_some() == accepted)
                .map(|l| describe(d, if outgoing { &l.to } else { &l.from }, l, accepted))
                .collect(),
        )
    };
    Ok(ApiResponse::ok(obj([
        ("linkedTo", Some(pick(true, true))),
        ("linkedFrom", Some(pick(false, true))),
        ("requestsTo", Some(pick(true, false))),
        ("requestsFrom", Some(pick(false, false))),
    ])))
}

/// `POST /v3/domain/unlink`: removes the link to `pcidTo` and/or from `pcidFrom`.
pub fn domain_unlink(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let to = b.opt_str("pcidTo")?;
    let from = b.opt_str("pcidFrom")?;
    if to.is_none() && from.is_none() {
        return Err(ApiResponse::missing_field("pcidTo"));
    }
    let me = st.domain.me(ctx.client());
    let before = st.domain.links.len();
    st.domain.links.retain(|l| {
        let outgoing = to.is_some_and(|t| l.from == me && l.to == t);
        let incoming = from.is_some_and(|f| l.from == f && l.to == me);
        !(outgoing || incoming)
    });
    Ok(ApiResponse::ok(json!({"success": st.domain.links.len() < before})))
}

fn v1_session<'s>(ctx: &Ctx<'_>, st: &'s mut State, auth_id: &str) -> Res<&'s mut AuthSession> {
    match st.auth.get_mut(auth_id) {
        Some(a) if a.client_id == ctx.client() => Ok(a),
        _ => Err(invalid("field 'authId' does not name a started authentication")),
    }
}

/// The mobile number claimed under `subjects.mobile.claim.mobileNumber`, if any.
fn mobile_claim(subjects: &Map<String, Value>, required: bool) -> Res<Option<&str>> {
    let claim = subjects.get("mobile").and_then(|m| m.get("claim"));
    match claim {
        None | Some(Value::Null) => Ok(None),
        Some(c) => {
            let cb = Body::nested(c, "subjects.mobile.claim.")?;
            if required {
                cb.req_str("mobileNumber").map(Some)
            } else {
                cb.opt_str("mobileNumber")
            }
        }
    }
}

/// `POST /v1/server/auth/start`.
pub fn auth_start(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    b.req_str("requestId")?;
    let subjects = b.opt_object("subjects")?.ok_or_else(|| ApiResponse::missing_field("subjects"))?;
    b.opt_str("callbackUrl")?;
    b.opt_object("delivery")?;
    let mobile = mobile_claim(subjects, false)?;
    if let Some(phone) = mobile {
        users::find(phone)
            .ok_or_else(|| ApiResponse::error(400, 8007, "no test user found matching the phone number"))?;
    }
    let universal = subjects
        .get("mobile")
        .and_then(|m| m.get("authenticators"))
        .and_then(|a| a.get("universal"))
        .filter(|u| !u.is_null());
    if let Some(u) = universal {
        Body::nested(u, "subjects.mobile.authenticators.universal.")?.req_str("finalTargetUrl")?;
    }
    let device = subjects.get("device").filter(|d| !d.is_null());
    let device_id = match device.and_then(|d| d.get("claim")).filter(|c| !c.is_null()) {
        Some(c) => Body::nested(c, "subjects.device.claim.")?.opt_str("deviceId")?.map(str::to_string),
        None => None,
    };
    let user_id = match subjects.get("user").and_then(|u| u.get("claim")).filter(|c| !c.is_null()) {
        Some(c) => Some(Body::nested(c, "subjects.user.claim.")?.req_str("userId")?.to_string()),
        None => None,
    };
    let auth_id = new_id();
    let token = ctx.signer.issue(&auth_id, &new_id(), ctx.now(), super::session::SESSION_TTL_MS);
    st.auth.insert(
        auth_id.clone(),
        AuthSession {
            client_id: ctx.client().to_string(),
            mobile: mobile.map(str::to_string),
            mobile_requested: subjects.get("mobile").is_some_and(|m| !m.is_null()),
            device: device_id,
            device_requested: device.is_some(),
            user_id,
        },
    );
    Ok(ApiResponse::ok(obj([
        ("authId", s(auth_id.clone())),
        ("authToken", s(token)),
        ("universalRedirectUrl", universal.map(|_| json!(format!("https://sandbox.invalid/u/{auth_id}")))),
    ])))
}

/// `POST /v1/server/auth/continue`: supplies the mobile number.
pub fn auth_continue(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let auth_id = b.req_str("authId")?;
    b.req_str("requestId")?;
    let subjects = b.opt_object("subjects")?.ok_or_else(|| ApiResponse::missing_field("subjects"))?;
    let phone = mobile_claim(subjects, true)?;
    let session = v1_session(ctx, st, auth_id)?;
    let mobile = match phone {
        None => None,
        Some(p) => match user_for(
            p,
            &[
                users::Product::PreFill,
                users::Product::Identity,
                users::Product::VerifiedUsers,
                users::Product::Unify,
                users::Product::IdentityManager,
            ],
        ) {
            Ok(_) => {
                session.mobile = Some(p.to_string());
                session.mobile_requested = true;
                Some(json!({"success": true}))
            }
            Err(e) => Some(json!({"success": false, "error": e.body})),
        },
    };
    Ok(ApiResponse::ok(json!({"subjects": obj([("mobile", mobile)])})))
}

/// `POST /v1/server/auth/finish`.
pub fn auth_finish(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let auth_id = b.req_str("authId")?;
    let now_s = ctx.now() / 1000;
    let session = v1_session(ctx, st, auth_id)?.clone();
    let mobile = session.mobile_requested.then(|| match &session.mobile {
        Some(p) => json!({"success": {
            "authenticatorType": "instant",
            "claim": {"mobileNumber": p},
            "createdAt": now_s,
        }}),
        None => json!({"error": {"code": 1001, "message": "no mobile number was claimed"}}),
    });
    let device = session.device_requested.then(|| {
        json!({"success": {"claim": {"deviceId": session.device.clone().unwrap_or_else(new_id)}, "createdAt": now_s}})
    });
    let user = session.user_id.as_ref().map(|u| json!({"success": {"claim": {"userId": u}, "createdAt": now_s}}));
    st.auth.remove(auth_id);
    Ok(ApiResponse::ok(json!({
        "appNamespace": "prove-sandbox",
        "authId": auth_id,
        "subjects": obj([("mobile", mobile), ("device", device), ("user", user)]),
    })))
}
