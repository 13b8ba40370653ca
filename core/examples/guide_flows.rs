//! Runs every server-side guide flow and prints each step.
//!
//! ```text
//! cargo run -p prove-core --example guide_flows
//! ```
//!
//! Without credentials it starts the offline sandbox emulator in-process and completes the
//! client-side possession steps through the emulator's controls. With `PROVE_CLIENT_ID` and
//! `PROVE_CLIENT_SECRET` set it runs against Prove's UAT (`Config::from_env`, `PROVE_ENV` /
//! `PROVE_BASE_URL` honoured); steps that need the client SDK on a real phone are skipped there.
use futures_util::TryStreamExt;
use prove_core::api::{ListIdentities, ReadOptions};
use prove_core::models::*;
use prove_core::{Client, Config, Result};
use prove_sandbox::Sandbox;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Where the example runs: the embedded sandbox (possession controls available) or UAT.
struct Target {
    client: Client,
    sandbox: Option<Sandbox>,
}

impl Target {
    /// Complete the client SDK's possession step for `correlation_id`, when running on the
    /// sandbox. Returns false (and says so) on UAT.
    fn possess(&self, correlation_id: &str, action: &str, otp: Option<&str>) -> bool {
        match &self.sandbox {
            Some(sb) => {
                let (status, _) = sb.possession(correlation_id, action, otp);
                println!("    sandbox control: possession {action} -> HTTP {status}");
                status == 200
            }
            None => {
                println!("    (skipped: the possession step needs Prove's client SDK on a phone; sandbox only)");
                false
            }
        }
    }
}

fn m<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("example request is a valid model")
}

fn rid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn step(op: &str, fields: &[(&str, String)]) {
    let shown: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("  {op:<28} {}", shown.join("  "));
}

fn next_of(n: &NextSteps) -> String {
    n.steps().iter().map(|s| s.as_str().to_owned()).collect::<Vec<_>>().join(",")
}

async fn prefill(t: &Target) -> Result<()> {
    println!("\n1. Pre-Fill with challenge (Milo, short-term user)");
    let flow = t.client.flow();
    let s = flow.start(&m(json!({"flowType": "mobile", "phoneNumber": "2001001695"}))).await?;
    step("start", &[("correlationId", s.correlation_id.clone()), ("next", next_of(&s.next))]);
    let v = flow.validate(&m(json!({"correlationId": s.correlation_id}))).await?;
    step("validate", &[("success", v.success.to_string()), ("next", next_of(&v.next))]);
    let c = flow.challenge(&m(json!({"correlationId": s.correlation_id, "dob": "1981-01-17"}))).await?;
    step("challenge", &[("success", c.success.to_string()), ("individual", c.individual.is_some().to_string())]);
    let ind = c.individual.unwrap_or_default();
    let done = flow
        .complete(&m(json!({"correlationId": s.correlation_id,
            "individual": {"firstName": ind.first_name, "lastName": ind.last_name, "ssn": "847350596"}})))
        .await?;
    step("complete", &[("success", done.success.to_string()), ("next", next_of(&done.next))]);

    println!("   Pre-Fill with possession (Marcia, regular user)");
    let s = flow
        .start(&m(json!({"flowType": "desktop", "phoneNumber": "2001001693",
            "finalTargetUrl": "https://www.example.com", "ssn": "470806227"})))
        .await?;
    step("start", &[("correlationId", s.correlation_id.clone())]);
    if t.possess(&s.correlation_id, "success", None) {
        let v = flow.validate(&m(json!({"correlationId": s.correlation_id}))).await?;
        step("validate", &[("success", v.success.to_string()), ("next", next_of(&v.next))]);
    }
    Ok(())
}

async fn identity(t: &Target) -> Result<()> {
    println!("\n2. Prove Identity without challenge (Martina, short-term user)");
    let flow = t.client.flow();
    let s = flow.start(&m(json!({"flowType": "mobile", "phoneNumber": "2001004000"}))).await?;
    step("start", &[("correlationId", s.correlation_id.clone())]);
    let v = flow.validate(&m(json!({"correlationId": s.correlation_id}))).await?;
    step("validate", &[("success", v.success.to_string()), ("next", next_of(&v.next))]);
    let done = flow
        .complete(&m(json!({"correlationId": s.correlation_id,
            "individual": {"firstName": "Martina", "lastName": "Goodram"}})))
        .await?;
    step("complete", &[("success", done.success.to_string()), ("next", next_of(&done.next))]);
    Ok(())
}

async fn verified_users(t: &Target) -> Result<()> {
    println!("\n3. Verified Users");
    let vu = t.client.verified_users();
    let v = vu
        .verify_with_possession(&m(json!({"possessionType": "mobile", "firstName": "Addy", "lastName": "Epinay",
            "phoneNumber": "2001004010"})))
        .await?;
    step("verify (mobile)", &[("success", v.success.to_string()), ("possessionResult", v.possession_result.to_string())]);
    if t.possess(&v.correlation_id, "success", None) {
        let st = vu.verify_status(&m(json!({"correlationId": v.correlation_id}))).await?;
        step("verify-status", &[("success", st.success.to_string()), ("verifyResult", st.verify_result.to_string())]);
    }
    let v = vu
        .verify_with_possession(&m(json!({"possessionType": "none", "firstName": "Sheilakathryn",
            "lastName": "Butrimovich", "phoneNumber": "2001004011"})))
        .await?;
    step("verify (none)", &[("success", v.success.to_string()), ("possessionResult", v.possession_result.to_string())]);
    let v = vu
        .verify(&m(json!({"verificationType": "verifiedUser", "phoneNumber": "2001004053",
            "firstName": "Elena", "lastName": "Coldman"})))
        .await?;
    step("verify (verificationType)", &[("success", v.success.to_string()), ("proveId", v.prove_id.is_some().to_string())]);
    Ok(())
}

async fn unify(t: &Target) -> Result<()> {
    println!("\n4. Unified Authentication (Lorant; Laney for customer-supplied possession)");
    let un = t.client.unify();
    let u = un
        .unify(&m(json!({"possessionType": "desktop", "phoneNumber": "2001004014",
            "finalTargetUrl": "https://www.example.com", "clientRequestId": rid()})))
        .await?;
    step("unify (desktop)", &[("success", u.success.to_string())]);
    if t.possess(&u.correlation_id, "success", None) {
        let st = un.status(&m(json!({"correlationId": u.correlation_id}))).await?;
        step("unify-status", &[("success", st.success.to_string()), ("deviceId", st.device_id.is_some().to_string())]);
    }
    let u = un
        .unify(&m(json!({"possessionType": "mobile", "phoneNumber": "2001004014", "clientRequestId": rid()})))
        .await?;
    step("unify (mobile)", &[("success", u.success.to_string())]);
    if t.possess(&u.correlation_id, "otp", Some("1234")) {
        let st = un.status(&m(json!({"correlationId": u.correlation_id}))).await?;
        step("unify-status (OTP)", &[("success", st.success.to_string()), ("deviceId", st.device_id.is_some().to_string())]);
        if let Some(device) = st.device_id {
            let again = un
                .unify(&m(json!({"possessionType": "mobile", "phoneNumber": "2001004014",
                    "deviceId": device, "clientRequestId": rid()})))
                .await?;
            let st = un.status(&m(json!({"correlationId": again.correlation_id}))).await?;
            step("unify-status (Prove Key)", &[("success", st.success.to_string())]);
        }
    }
    let u = un
        .unify(&m(json!({"possessionType": "none", "phoneNumber": "2001004015", "clientRequestId": rid()})))
        .await?;
    let st = un.status(&m(json!({"correlationId": u.correlation_id}))).await?;
    step("unify-status (none)", &[("success", st.success.to_string())]);
    if st.success == SuccessStatus::PossessionRequired {
        // Your own possession check (e.g. your OTP) passed: bind the Prove Key.
        let b = un.bind(&m(json!({"correlationId": u.correlation_id, "phoneNumber": "2001004015"}))).await?;
        step("unify-bind", &[("success", b.success.to_string()), ("deviceId", b.device_id.is_some().to_string())]);
    }
    Ok(())
}

async fn identity_manager(t: &Target) -> Result<()> {
    println!("\n5. Identity Manager");
    let im = t.client.identity_manager();
    let none = ReadOptions::default();
    let e = im.enroll(&m(json!({"phoneNumber": "2001004031", "clientCustomerId": "customer-1"}))).await?;
    step("enroll", &[("success", e.success.to_string())]);
    let b = im
        .batch_enroll(&m(json!({"items": [{"phoneNumber": "2001004035"}, {"phoneNumber": "2001004036"}]})))
        .await?;
    step("batch enroll", &[("results", b.results.map_or(0, |r| r.len()).to_string())]);
    let mut pages = im.pages(ListIdentities { limit: Some(2), ..Default::default() });
    let mut count = 0;
    while let Some(p) = pages.next_page().await? {
        count += p.results.len();
    }
    step("batch get (pages)", &[("pages", pages.pages_fetched().to_string()), ("identities", count.to_string())]);
    let all: Vec<_> = im.list(ListIdentities { limit: Some(1), ..Default::default() }).try_collect().await?;
    step("batch get (stream)", &[("identities", all.len().to_string())]);
    let id = e.prove_id;
    let g = im.get(&id, &none).await?;
    step("get", &[("active", format!("{:?}", g.active))]);
    let l = im.lookup_by_phone("2001004031", &none).await?;
    step("lookup by phone", &[("items", l.items.map_or(0, |i| i.len()).to_string())]);
    step("deactivate", &[("success", im.deactivate(&id, &Default::default()).await?.success.to_string())]);
    step("activate", &[("success", im.activate(&id, &Default::default()).await?.success.to_string())]);
    step("disenroll", &[("success", im.disenroll(&id, &none).await?.success.to_string())]);
    match im.get(&id, &none).await {
        Err(e) => step("get after disenroll", &[("error", e.kind.to_string()), ("status", format!("{:?}", e.status))]),
        Ok(_) => step("get after disenroll", &[("error", "none".into())]),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let uat = std::env::var_os("PROVE_CLIENT_ID").is_some() && std::env::var_os("PROVE_CLIENT_SECRET").is_some();
    let target = if uat {
        let config = Config::from_env()?;
        println!("Running against {} with the credentials from the environment.", config.base_url());
        Target { client: Client::new(config)?, sandbox: None }
    } else {
        let sandbox = Sandbox::start().await?;
        println!("Running against the embedded sandbox at {} (no credentials needed).", sandbox.base_url());
        let config = Config::builder()
            .client_id(sandbox.client_id())
            .client_secret(sandbox.client_secret())
            .base_url(sandbox.base_url())
            .build()?;
        Target { client: Client::new(config)?, sandbox: Some(sandbox) }
    };
    prefill(&target).await?;
    identity(&target).await?;
    verified_users(&target).await?;
    unify(&target).await?;
    identity_manager(&target).await?;
    println!("\nAll guide flows ran.");
    Ok(())
}
