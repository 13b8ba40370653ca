//! What goes over the wire: URL building and encoding, headers, bodies.
mod transport_support;

use prove_core::{ops, ErrorKind};
use serde_json::Value;
use transport_support::*;

#[tokio::test]
async fn path_and_query_values_are_percent_encoded() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let r =
        c.raw_call::<Value>(&ops::GET_IDENTITY, &["a+b c"], &[("clientRequestId", "r id&x=1".to_owned())], None).await;
    // the identity does not exist; what matters is what the server saw
    let e = r.expect_err("unknown identity");
    assert_ne!(e.kind, ErrorKind::Transport, "{e}");
    let rec = sb.requests().into_iter().rev().find(|r| r.path.starts_with("/v3/identity/")).expect("recorded");
    assert_eq!(rec.path, "/v3/identity/a%2Bb%20c");
    assert_eq!(rec.query, "clientRequestId=r%20id%26x%3D1");
    assert_eq!(rec.method, "GET");
}

#[tokio::test]
async fn json_content_type_only_with_a_body() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    domain_id(&c).await.expect("read");
    start(&c).await.expect("flow step");
    let reqs = sb.requests();
    let get = reqs.iter().find(|r| r.path == DOMAIN_ID_PATH).expect("GET recorded");
    assert_eq!(get.content_type, None);
    assert_eq!(get.body, Value::Null);
    let post = reqs.iter().find(|r| r.path == START_PATH).expect("POST recorded");
    assert_eq!(post.content_type.as_deref(), Some("application/json"));
    assert_eq!(post.body, start_body(), "the body is sent exactly as serialised");
}

#[tokio::test]
async fn base_url_with_trailing_slash_and_environment_names() {
    let sb = sandbox().await;
    let cfg = prove_core::Config::builder()
        .client_id(sb.client_id())
        .client_secret(sb.client_secret())
        .base_url(format!("{}/", sb.base_url()))
        .build()
        .unwrap();
    let c = prove_core::Client::new(cfg).unwrap();
    domain_id(&c).await.expect("no double slash");
    assert_eq!(hits(&sb, DOMAIN_ID_PATH), 1);
    let env: prove_core::Environment = "prod-eu".parse().unwrap();
    assert_eq!(env.base_url(), "https://platform.eu.proveapis.com");
}

#[tokio::test]
async fn missing_path_parameter_fails_before_the_network() {
    let sb = sandbox().await;
    let c = client_for(&sb);
    let e = c.raw_call::<Value>(&ops::GET_IDENTITY, &[], &[], None).await.expect_err("missing param");
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.field.as_deref(), Some("proveId"));
    assert_eq!(sb.counters().total_requests, 0);
}

#[test]
fn config_validation_names_the_field() {
    let e = prove_core::Config::builder().client_secret("s").build().unwrap_err();
    assert_eq!(e.field.as_deref(), Some("client_id"));
    let e = prove_core::Config::builder().client_id("i").build().unwrap_err();
    assert_eq!(e.field.as_deref(), Some("client_secret"));
    let e = prove_core::Config::builder().client_id("i").client_secret("s").base_url("ftp://x").build().unwrap_err();
    assert_eq!(e.field.as_deref(), Some("base_url"));
}
