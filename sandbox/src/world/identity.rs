//! Identity Manager: enroll (single and batch), batch get with pagination, get, lookup by phone,
//! activate, deactivate, disenroll, and cross-domain identities. Enrolments belong to the project
//! (`client_id`) that made them.
use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::users::{Product, TestUser};
use super::validate::{batch_items, invalid, Body, Res, MAX_BATCH};
use super::{new_id, obj, other, s, user_for, Ctx, State};
use crate::api::ApiResponse;
use crate::clock::rfc3339;

/// Products whose test users may be enrolled: Identity Manager's own, plus Unify (enrolment with a
/// Prove Key `deviceId`) and Verified Users (verify-and-enroll).
const PRODUCTS: &[Product] = &[Product::IdentityManager, Product::Unify, Product::VerifiedUsers];
/// Page size of a batch get when `limit` is not given: Prove documents "Default value is 100"
/// for the `limit` query parameter of `GET /v3/identity`.
pub const DEFAULT_LIMIT: usize = 100;

/// One enrolled identity.
#[derive(Debug, Clone)]
pub struct Identity {
    pub prove_id: String,
    pub user: &'static TestUser,
    pub client_customer_id: Option<String>,
    pub device_id: Option<String>,
    pub active: bool,
    pub created_ms: u64,
}

/// A project's enrolments, in enrolment order.
#[derive(Debug, Default)]
pub struct Store {
    seq: u64,
    items: BTreeMap<u64, Identity>,
    /// Prove ID → position, including disenrolled ones (so a page key stays usable).
    positions: HashMap<String, u64>,
}

impl Store {
    fn insert(&mut self, identity: Identity) {
        self.seq += 1;
        self.positions.insert(identity.prove_id.clone(), self.seq);
        self.items.insert(self.seq, identity);
    }

    fn get(&self, prove_id: &str) -> Option<&Identity> {
        self.positions.get(prove_id).and_then(|p| self.items.get(p))
    }

    fn get_mut(&mut self, prove_id: &str) -> Option<&mut Identity> {
        self.positions.get(prove_id).and_then(|p| self.items.get_mut(p))
    }

    fn remove(&mut self, prove_id: &str) -> bool {
        self.positions.get(prove_id).and_then(|p| self.items.remove(p)).is_some()
    }

    fn iter(&self) -> impl Iterator<Item = &Identity> {
        self.items.values()
    }
}

fn not_found() -> ApiResponse {
    ApiResponse::error(404, 8011, "Identity Not Found")
}

fn enroll_one(
    st: &mut State,
    client_id: &str,
    user: &'static TestUser,
    customer: Option<&str>,
    device: Option<&str>,
    now_ms: u64,
) -> String {
    let prove_id = new_id();
    st.prove_id_owner.insert(prove_id.clone(), (client_id.to_string(), user.phone.to_string()));
    st.project(client_id).identities.insert(Identity {
        prove_id: prove_id.clone(),
        user,
        client_customer_id: customer.map(str::to_string),
        device_id: device.map(str::to_string),
        active: true,
        created_ms: now_ms,
    });
    prove_id
}

/// Enrolls a user unless the project already has an identity for that phone and customer id.
/// Used by verify-and-enroll (`verificationType: verifiedUser`); returns true when enrolled.
pub fn ensure_enrolled(
    st: &mut State,
    client_id: &str,
    user: &'static TestUser,
    _phone: &str,
    customer: Option<&str>,
    now_ms: u64,
) -> bool {
    let exists = st
        .project(client_id)
        .identities
        .iter()
        .any(|i| std::ptr::eq(i.user, user) && i.client_customer_id.as_deref() == customer);
    if !exists {
        enroll_one(st, client_id, user, customer, None, now_ms);
    }
    true
}

/// `POST /v3/identity`.
pub fn enroll(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    let phone = b.req_str("phoneNumber")?;
    let customer = b.opt_str("clientCustomerId")?;
    let device = b.opt_str("deviceId")?;
    b.opt_str("clientHumanId")?;
    b.opt_str("clientRequestId")?;
    b.opt_array("identityAttributes")?;
    let user = user_for(phone, PRODUCTS)?;
    let id = enroll_one(st, ctx.client(), user, customer, device, ctx.now());
    Ok(ApiResponse::ok(json!({"proveId": id, "identityId": id, "success": true})))
}

/// `POST /v3/identity/batch`: accepts enrolment items `{phoneNumber, clientCustomerId?, deviceId?}`
/// and the reference's `{clientName, identityId, pcid}` items (an identity shared from another
/// project), under `items` (or the docs' `identities`).
pub fn batch_enroll(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    b.opt_str("clientRequestId")?;
    let items = match b.opt_array("items")? {
        Some(a) => Some(a),
        None => b.opt_array("identities")?,
    };
    let items = batch_items(items)?;
    // Request-level checks first, so a malformed batch enrolls nothing.
    let mut parsed = Vec::with_capacity(items.len());
    for (item, prefix) in &items {
        let ib = Body::nested(item, prefix)?;
        // An item with a phoneNumber is an enrolment item; one without, but with any field of
        // the cross-domain item, must carry all three of those; one with neither lacks its
        // phoneNumber [INF].
        if !ib.has("phoneNumber") && ["clientName", "identityId", "pcid"].iter().any(|f| ib.has(f)) {
            ib.req_str("clientName")?;
            let identity_id = ib.req_str("identityId")?;
            ib.req_str("pcid")?;
            parsed.push(Err(identity_id));
        } else {
            let phone = ib.req_str("phoneNumber")?;
            let customer = ib.opt_str("clientCustomerId")?;
            let device = ib.opt_str("deviceId")?;
            parsed.push(Ok((phone, customer, device)));
        }
    }
    let client = ctx.client().to_string();
    let mut results = Vec::with_capacity(parsed.len());
    for entry in parsed {
        let outcome: Result<String, String> = match entry {
            Ok((phone, customer, device)) => match user_for(phone, PRODUCTS) {
                Ok(user) => Ok(enroll_one(st, &client, user, customer, device, ctx.now())),
                Err(e) => Err(e.body.get("message").and_then(Value::as_str).unwrap_or("enrolment failed").to_string()),
            },
            Err(identity_id) => {
                let shared = st.projects.values().find_map(|p| p.identities.get(identity_id).cloned());
                match shared {
                    Some(i) => Ok(enroll_one(st, &client, i.user, i.client_customer_id.as_deref(), None, ctx.now())),
                    None => Err("Identity Not Found".to_string()),
                }
            }
        };
        results.push(match outcome {
            Ok(id) => json!({"proveId": id, "identityId": id}),
            Err(message) => json!({"error": message}),
        });
    }
    Ok(ApiResponse::ok(json!({"results": results})))
}

/// `GET /v3/identity`: one page of identity ids.
pub fn batch_get(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let q = &ctx.req.query;
    let limit = match q.get("limit").map(String::as_str) {
        None | Some("") => DEFAULT_LIMIT,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_BATCH).contains(&n) => n,
            _ => return Err(invalid(format!("query parameter 'limit' must be an integer from 1 to {MAX_BATCH}"))),
        },
    };
    let show_inactive = match q.get("showInactive").map(String::as_str) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(invalid("query parameter 'showInactive' must be true or false")),
    };
    let store = &st.project(ctx.client()).identities;
    let after = match q.get("startKey").map(String::as_str) {
        None | Some("") => 0,
        Some(key) => *store
            .positions
            .get(key)
            .ok_or_else(|| invalid("query parameter 'startKey' is not a pagination key of this listing"))?,
    };
    let mut page = store.items.range(after + 1..).map(|(_, i)| i).filter(|i| show_inactive || i.active);
    let results: Vec<&Identity> = page.by_ref().take(limit).collect();
    let more = page.next().is_some();
    let last_key = if more { results.last().map(|i| i.prove_id.clone()) } else { None };
    let results: Vec<Value> =
        results.iter().map(|i| json!({"proveId": i.prove_id, "identityId": i.prove_id})).collect();
    let mut body = Map::new();
    body.insert("results".into(), Value::Array(results));
    if let Some(k) = last_key {
        body.insert("lastKey".into(), json!(k));
    }
    Ok(ApiResponse::ok(Value::Object(body)))
}

fn describe(i: &Identity) -> Value {
    obj([
        ("proveId", s(i.prove_id.clone())),
        ("identityId", s(i.prove_id.clone())),
        ("phoneNumber", s(i.user.phone)),
        ("active", Some(Value::Bool(i.active))),
        ("carrier", s("Sandbox Wireless")),
        ("lineType", s("mobile")),
        ("countryCode", i.user.country_code().map(|c| json!(c))),
        ("clientCustomerId", i.client_customer_id.clone().map(Value::String)),
        ("deviceId", i.device_id.clone().map(Value::String)),
        // Prove documents createdAt in seconds since the Unix epoch (example 1747671792).
        ("createdAt", Some(json!(i.created_ms / 1000))),
        ("creationString", s(rfc3339(i.created_ms))),
    ])
}

/// `GET /v3/identity/{proveId}`.
pub fn get(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let id = ctx.path("proveId")?;
    let i = st.project(ctx.client()).identities.get(id).ok_or_else(not_found)?;
    Ok(ApiResponse::ok(describe(i)))
}

/// `GET /v3/identity/{mobileNumber}/lookup`.
pub fn lookup(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let phone = ctx.path("mobileNumber")?;
    let user = user_for(phone, PRODUCTS)?;
    let items: Vec<Value> =
        st.project(ctx.client()).identities.iter().filter(|i| std::ptr::eq(i.user, user)).map(describe).collect();
    Ok(ApiResponse::ok(obj([("items", Some(Value::Array(items)))])))
}

/// `POST /v3/identity/{proveId}/activate` and `.../deactivate`.
pub fn set_active(ctx: &Ctx<'_>, st: &mut State, active: bool) -> Res<ApiResponse> {
    let b = ctx.body()?;
    b.opt_str("clientRequestId")?;
    let id = ctx.path("proveId")?;
    let i = st.project(ctx.client()).identities.get_mut(id).ok_or_else(not_found)?;
    i.active = active;
    Ok(ApiResponse::ok(json!({"success": true})))
}

/// `DELETE /v3/identity/{proveId}`.
pub fn disenroll(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let id = ctx.path("proveId")?;
    if st.project(ctx.client()).identities.remove(id) {
        Ok(ApiResponse::ok(json!({"success": true})))
    } else {
        Err(not_found())
    }
}

/// `POST /v3/identity/{identityId}/cross-domain`: the same person's identities in other projects.
pub fn cross_domain(ctx: &Ctx<'_>, st: &mut State) -> Res<ApiResponse> {
    let b = ctx.body()?;
    b.opt_str("clientRequestId")?;
    let id = ctx.path("identityId")?;
    let client = ctx.client();
    let user = st.project(client).identities.get(id).ok_or_else(not_found)?.user;
    let mut identities = Vec::new();
    for (other_client, project) in &st.projects {
        if other_client == client {
            continue;
        }
        for i in project.identities.iter().filter(|i| std::ptr::eq(i.user, user)) {
            identities.push(json!({
                "clientName": other_client,
                "identityId": i.prove_id,
                "pcid": other::pcid_of(other_client),
            }));
        }
    }
    Ok(ApiResponse::ok(json!({"count": identities.len(), "identities": identities})))
}
