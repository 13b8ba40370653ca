//! No secrets, tokens or personal data in `Debug`, errors or log events.
mod transport_support;

use prove_core::{Client, Config, ErrorKind};
use prove_sandbox::{Fault, FaultKind};
use transport_support::*;

const SECRET: &str = "s3cr3t-value-that-must-not-leak";
/// A fictitious sandbox test number, used here as "personal data".
const PHONE: &str = "2001001695";

#[test]
fn debug_of_config_and_client_hides_the_secret() {
    let cfg = Config::builder().client_id("cid").client_secret(SECRET).base_url("http://127.0.0.1:9").build().unwrap();
    let client = Client::new(cfg.clone()).unwrap();
    for text in [format!("{cfg:?}"), format!("{client:?}"), format!("{:?}", Config::builder().client_secret(SECRET))] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
    assert!(format!("{cfg:?}").contains("client_secret: <redacted>"));
    assert!(format!("{client:?}").contains("client_secret: \"<redacted>\""));
}

#[tokio::test]
async fn auth_errors_do_not_carry_the_secret() {
    let sb = sandbox().await;
    let c =
        Client::new(Config::builder().client_id("cid").client_secret(SECRET).base_url(sb.base_url()).build().unwrap())
            .unwrap();
    let e = expect_err(domain_id(&c).await, ErrorKind::Auth);
    for text in [format!("{e:?}"), e.to_string()] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn errors_mask_personal_data_from_server_messages() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let body = format!(r#"{{"code":8001,"message":"phone {PHONE} and mail jane.doe@example.com invalid"}}"#);
    sb.inject_fault(
        Fault::new(FaultKind::Respond { status: 400, body, content_type: None }).on_path(DOMAIN_ID_PATH).times(1),
    );
    let e = expect_err(domain_id(&c).await, ErrorKind::Validation);
    for text in [format!("{e:?}"), e.to_string()] {
        assert!(!text.contains(PHONE) && !text.contains("jane.doe"), "PII leaked: {text}");
    }
    assert_eq!(e.code, Some(8001));
    assert!(e.message.contains("invalid"));
    // same for a non-JSON body
    let html = format!("<p>no user {PHONE}</p>");
    sb.inject_fault(
        Fault::new(FaultKind::Respond { status: 502, body: html, content_type: Some("text/html".into()) })
            .on_path(START_PATH)
            .times(1),
    );
    let e = expect_err(start(&c).await, ErrorKind::Api);
    assert!(!format!("{e:?}").contains(PHONE), "{e:?}");
}
