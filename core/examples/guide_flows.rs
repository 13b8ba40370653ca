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
use prove_core::{webhook, Client, Config, Result};
use prove_sandbox::Sandbox;
use serde_json::json;
use std::time::SystemTime;

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
    let s = flow.start(&StartRequest::new(FlowType::Mobile).phone_number("2001001695")).await?;
    step("start", &[("correlationId", s.correlation_id.clone()), ("next", next_of(&s.next))]);
    let v = flow.validate(&ValidateRequest::new(&s.correlation_id)).await?;
    step("validate", &[("success", v.success.to_string()), ("next", next_of(&v.next))]);
    if v.next.allows(&NextStep::Challenge) {
        let c = flow.challenge(&ChallengeRequest::new(&s.correlation_id).dob("1981-01-17")).await?;
        let ind = c.individual.unwrap_or_default();
        step(
            "challenge",
            &[
                ("success", c.success.to_string()),
                (
                    "name",
                    format!("{} {}", ind.first_name.as_deref().unwrap_or("?"), ind.last_name.as_deref().unwrap_or("?")),
                ),
                ("addresses", ind.addresses.as_ref().map_or(0, Vec::len).to_string()),
            ],
        );
        // Show the pre-filled data to the user, let them confirm or edit it, then complete.
        let done = flow.complete(&CompleteRequest::new(&s.correlation_id, CompleteIndividual::from(ind))).await?;
        step("complete", &[("success", done.success.to_string()), ("next", next_of(&done.next))]);
    }

    println!("   Pre-Fill with possession (Marcia, regular user, desktop Instant Link)");
    let s = flow
        .start(
            &StartRequest::new(FlowType::Desktop)
                .phone_number("2001001693")
                .final_target_url("https://www.example.com")
                .ssn("470806227"),
        )
        .await?;
    step("start", &[("correlationId", s.correlation_id.clone())]);
    if t.possess(&s.correlation_id, "success", None) {
        let v = flow.validate(&ValidateRequest::new(&s.correlation_id)).await?;
        step("validate", &[("success", v.success.to_string()), ("next", next_of(&v.next))]);
    }
    Ok(())
}

async fn identity(t: &Target) -> Result<()> {
    println!("\n2. Prove Identity without challenge (Martina, short-term user)");
    let flow = t.client.flow();
    let s = flow.start(&StartRequest::new(FlowType::Mobile).phone_number("2001004000")).await?;
    step("start", &[("correlationId", s.correlation_id.clone())]);
    let v = flow.validate(&ValidateRequest::new(&s.correlation_id)).await?;
    step("validate", &[("success", v.success.to_string()), ("next", next_of(&v.next))]);
    let individual = CompleteIndividual::new().first_name("Martina").last_name("Goodram");
    let done = flow.complete(&CompleteRequest::new(&s.correlation_id, individual)).await?;
    step("complete", &[("success", done.success.to_string()), ("next", next_of(&done.next))]);
    Ok(())
}

async fn verified_users(t: &Target) -> Result<()> {
    println!("\n3. Verified Users");
    let vu = t.client.verified_users();
    let v = vu
        .verify_with_possession(&LegacyVerifyRequest::new("Addy", "Epinay", "2001004010", PossessionType::Mobile))
        .await?;
    step(
        "verify (mobile)",
        &[("success", v.success.to_string()), ("possessionResult", v.possession_result.to_string())],
    );
    if t.possess(&v.correlation_id, "success", None) {
        let st = vu.verify_status(&VerifyStatusRequest::new().correlation_id(&v.correlation_id)).await?;
        step("verify-status", &[("success", st.success.to_string()), ("verifyResult", st.verify_result.to_string())]);
    }
    let v = vu
        .verify_with_possession(&LegacyVerifyRequest::new(
            "Sheilakathryn",
            "Butrimovich",
            "2001004011",
            PossessionType::None,
        ))
        .await?;
    step("verify (none)", &[("success", v.success.to_string()), ("possessionResult", v.possession_result.to_string())]);
    let v = vu
        .verify(
            &VerifyRequest::new("2001004053", VerificationType::VerifiedUser).first_name("Elena").last_name("Coldman"),
        )
        .await?;
    let level = v.identity.as_ref().map(|i| i.assurance_level.clone()).unwrap_or_default();
    step("verify (verificationType)", &[("success", v.success.to_string()), ("assuranceLevel", level)]);
    Ok(())
}

async fn unify(t: &Target) -> Result<()> {
    println!("\n4. Unified Authentication (Lorant; Laney for customer-supplied possession)");
    let un = t.client.unify();
    let desktop = UnifyRequest::new(rid(), PossessionType::Desktop)
        .phone_number("2001004014")
        .final_target_url("https://www.example.com");
    let u = un.unify(&desktop).await?;
    step("unify (desktop)", &[("success", u.success.to_string())]);
    if t.possess(&u.correlation_id, "success", None) {
        let st = un.status(&UnifyStatusRequest::new(&u.correlation_id)).await?;
        step("unify-status", &[("success", st.success.to_string()), ("deviceId", present(&st.device_id))]);
    }
    let u = un.unify(&UnifyRequest::new(rid(), PossessionType::Mobile).phone_number("2001004014")).await?;
    step("unify (mobile)", &[("success", u.success.to_string())]);
    if t.possess(&u.correlation_id, "otp", Some("1234")) {
        let st = un.status(&UnifyStatusRequest::new(&u.correlation_id)).await?;
        step("unify-status (OTP)", &[("success", st.success.to_string()), ("deviceId", present(&st.device_id))]);
        if let Some(device) = st.device_id {
            // Second run on the same device: the Prove Key authenticates, no OTP needed.
            let again = UnifyRequest::new(rid(), PossessionType::Mobile).phone_number("2001004014").device_id(device);
            let again = un.unify(&again).await?;
            let st = un.status(&UnifyStatusRequest::new(&again.correlation_id)).await?;
            step("unify-status (Prove Key)", &[("success", st.success.to_string())]);
        }
    }
    let u = un.unify(&UnifyRequest::new(rid(), PossessionType::None).phone_number("2001004015")).await?;
    let st = un.status(&UnifyStatusRequest::new(&u.correlation_id)).await?;
    step("unify-status (none)", &[("success", st.success.to_string())]);
    if st.success == SuccessStatus::PossessionRequired {
        // Your own possession check (e.g. your OTP) passed: bind the Prove Key.
        let b = un.bind(&UnifyBindRequest::new(&u.correlation_id, "2001004015")).await?;
        step("unify-bind", &[("success", b.success.to_string()), ("deviceId", present(&b.device_id))]);
    }
    Ok(())
}

async fn identity_manager(t: &Target) -> Result<()> {
    println!("\n5. Identity Manager");
    let im = t.client.identity_manager();
    let none = ReadOptions::default();
    let e = im.enroll(&EnrollIdentityRequest::new("2001004031").client_customer_id("customer-1")).await?;
    step("enroll", &[("success", e.success.to_string())]);
    let batch = BatchEnrollIdentitiesRequest::new()
        .items(vec![EnrollIdentityItem::new("2001004035").into(), EnrollIdentityItem::new("2001004036").into()]);
    let b = im.batch_enroll(&batch).await?;
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
    step("get", &[("active", g.active.map_or("unknown".into(), |a| a.to_string()))]);
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

/// Guide flow 6: a webhook notification delivered over HTTP to your endpoint, verified and parsed.
async fn webhooks(t: &Target) -> std::result::Result<(), Box<dyn std::error::Error>> {
    println!("\n6. Webhooks");
    let secret = "whsec_example_secret";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook", listener.local_addr()?);
    // Your endpoint: read one request and keep its Authorization header and raw body.
    let receiver = tokio::spawn(async move { receive_one(listener).await });
    match &t.sandbox {
        Some(sb) => {
            // The sandbox signs and POSTs a notification, as Prove does.
            let resp = reqwest::Client::new()
                .post(format!("{}/sandbox/webhook/deliver", sb.base_url()))
                .json(&json!({"url": url, "secret": secret, "eventType": "PORT"}))
                .send()
                .await?;
            step("sandbox delivers", &[("status", resp.status().as_u16().to_string())]);
        }
        None => {
            // Prove's UAT only sends webhooks from the portal's "Save and Test Webhook": sign one locally.
            let payload = webhook::sample_payload(&webhook::EventType::Port, SystemTime::now());
            let (auth, body) = webhook::sign_test_webhook(secret, &payload, SystemTime::now());
            reqwest::Client::new()
                .post(&url)
                .header("X-Prove-Authorization", auth)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await?;
            step("self-signed delivery", &[("note", "UAT sends webhooks only from the portal".into())]);
        }
    }
    let (authorization, body) = receiver.await??;
    let payload = webhook::verify(&authorization, &body, &[secret], SystemTime::now())?;
    for n in &payload.notifications {
        step(
            "verified notification",
            &[("eventType", n.event_type.as_str().to_owned()), ("eventId", n.event_id.clone())],
        );
    }
    Ok(())
}

/// Accepts one HTTP/1.1 request, answers 200, and returns its `X-Prove-Authorization` value and body.
async fn receive_one(listener: tokio::net::TcpListener) -> std::io::Result<(String, Vec<u8>)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut sock, _) = listener.accept().await?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_end, content_length) = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "request ended early"));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..pos]).to_ascii_lowercase();
            let len = header(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0usize);
            break (pos + 4, len);
        }
    };
    while buf.len() < head_end + content_length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // Header names are case-insensitive; keep the original value of the token.
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let authorization = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("x-prove-authorization")))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await?;
    Ok((authorization, buf[head_end..head_end + content_length.min(buf.len() - head_end)].to_vec()))
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.trim() == name).map(|(_, v)| v.trim()))
}

fn present<T>(v: &Option<T>) -> String {
    if v.is_some() {
        "present".into()
    } else {
        "absent".into()
    }
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
    webhooks(&target).await?;
    println!("\nAll guide flows ran.");
    Ok(())
}
