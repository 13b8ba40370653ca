//! Hostile inputs through the real stack (typed API, JSON dispatch and the low-level `raw_call`,
//! over HTTP to the sandbox): path values that would change the request path, values of the wrong
//! JSON type, over-long strings and malformed `finalTargetUrl`s are refused before the network
//! with a `Validation` error naming the field, and the sandbox sees nothing (not even a token
//! request). A listing whose server hands out cycling or endless keys ends with an `Api` error
//! (a small loopback server plays that server: the sandbox pages correctly).
mod api_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use api_support::{model, setup};
use futures_util::StreamExt;
use prove_core::api::{ListIdentities, ReadOptions};
use prove_core::dispatch::call_json;
use prove_core::models::*;
use prove_core::{ops, Client, Config, Error, ErrorKind, Result, RetryPolicy};
use prove_sandbox::Sandbox;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CID: &str = "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60";
const PID: &str = "7f1c1a52-3b0e-4d7e-9a43-0c9d2d1f5e11";

/// Path values that must never reach a URL: dot segments (which every URL library resolves),
/// their encoded forms, separators a decoding server or proxy would act on, control characters.
const HOSTILE_PATH_VALUES: &[&str] = &[
    ".",
    "..",
    "...",
    "%2e",
    "%2E%2e",
    ".%2e",
    "a/b",
    "../x",
    "../../v3/domain/id",
    "a\\b",
    "..\\..",
    "a?b",
    "a#b",
    "a;b",
    "a%b",
    "..%2F..",
    "a\u{0}b",
    "a\nb",
    "\u{7f}",
];

#[track_caller]
fn expect_field<T: std::fmt::Debug>(r: Result<T>, field: &str, what: &str) -> Error {
    let e = r.expect_err(&format!("{what}: must be refused"));
    assert_eq!(e.kind, ErrorKind::Validation, "{what}: {e}");
    assert_eq!(e.field.as_deref(), Some(field), "{what}: {e}");
    assert_eq!(e.status, None, "{what}: raised before the network: {e}");
    e
}

#[track_caller]
fn assert_nothing_sent(sandbox: &Sandbox) {
    let c = sandbox.counters();
    assert_eq!(c.total_requests, 0, "no request may reach the sandbox: {:?}", c.requests_by_path);
    assert_eq!(c.token_requests, 0, "not even a token request");
    assert!(sandbox.requests().is_empty());
}

#[test]
fn the_url_library_resolves_dot_segments_which_is_why_they_are_refused() {
    // What the request builder would have produced for `proveId` "..", "." and an encoded "..":
    // the URL the HTTP stack sends loses the identity segment.
    for (raw, sent) in [
        ("http://127.0.0.1:1/v3/identity/..", "/v3/"),
        ("http://127.0.0.1:1/v3/identity/.", "/v3/identity/"),
        ("http://127.0.0.1:1/v3/identity/%2E%2e/activate", "/v3/activate"),
    ] {
        assert_eq!(reqwest::Url::parse(raw).expect("parses").path(), sent, "{raw}");
    }
}

#[tokio::test]
async fn path_values_that_would_change_the_path_are_refused_for_every_operation() {
    let (sandbox, client) = setup().await;
    let im = client.identity_manager();
    let data = client.identity_data();
    let none = ReadOptions::default();
    for &v in HOSTILE_PATH_VALUES {
        let what = format!("{v:?}");
        // The typed methods name their argument.
        expect_field(im.get(v, &none).await, "proveId", &what);
        expect_field(im.activate(v, &ActivateIdentityRequest::default()).await, "proveId", &what);
        expect_field(im.deactivate(v, &DeactivateIdentityRequest::default()).await, "proveId", &what);
        expect_field(im.disenroll(v, &none).await, "proveId", &what);
        expect_field(im.cross_domain(v, &CrossDomainIdentityRequest::default()).await, "identityId", &what);
        expect_field(im.lookup_by_phone(v, &none).await, "mobileNumber", &what);
        // discover and fetch send the ids in the query, under the same rule.
        expect_field(data.discover(v, &none).await, "proveId", &what);
        expect_field(data.fetch(v, "firstName", &none).await, "proveId", &what);
        expect_field(data.fetch(PID, v, &none).await, "attributeId", &what);

        // The JSON dispatch every binding uses.
        for (method, input, field) in [
            ("identityManager.get", json!({"proveId": v}), "proveId"),
            ("identityManager.activate", json!({"proveId": v}), "proveId"),
            ("identityManager.deactivate", json!({"proveId": v}), "proveId"),
            ("identityManager.disenroll", json!({"proveId": v}), "proveId"),
            ("identityManager.crossDomain", json!({"identityId": v}), "identityId"),
            ("identityManager.lookupByPhone", json!({"mobileNumber": v}), "mobileNumber"),
            ("identityData.discover", json!({"proveId": v}), "proveId"),
            ("identityData.fetch", json!({"proveId": v, "attributeId": "firstName"}), "proveId"),
            ("identityData.fetch", json!({"proveId": PID, "attributeId": v}), "attributeId"),
        ] {
            expect_field(call_json(&client, method, input).await, field, &format!("{method} {what}"));
        }

        // The central check in the client: even a request built by hand (no per-method rule,
        // not even the phone rule of `mobileNumber`) cannot send such a path.
        for (op, field) in [
            (&ops::GET_IDENTITY, "proveId"),
            (&ops::ACTIVATE_IDENTITY, "proveId"),
            (&ops::DEACTIVATE_IDENTITY, "proveId"),
            (&ops::DISENROLL_IDENTITY, "proveId"),
            (&ops::CROSS_DOMAIN_IDENTITY, "identityId"),
            (&ops::GET_IDENTITIES_BY_PHONE_NUMBER, "mobileNumber"),
        ] {
            let e =
                expect_field(client.raw_call::<Value>(op, &[v], &[], None).await, field, &format!("{} {what}", op.id));
            assert_eq!(e.operation, Some(op.id), "{e}");
        }
    }
    // Blank values, by hand, too.
    for v in ["", " "] {
        expect_field(client.raw_call::<Value>(&ops::DISENROLL_IDENTITY, &[v], &[], None).await, "proveId", "blank");
    }
    assert_nothing_sent(&sandbox);
}

#[tokio::test]
async fn ids_with_dots_that_are_not_dot_segments_still_go_out_as_sent() {
    let (sandbox, client) = setup().await;
    let none = ReadOptions::default();
    for (id, path) in [
        ("a..b", "/v3/identity/a..b"),
        ("..a", "/v3/identity/..a"),
        ("v1.2", "/v3/identity/v1.2"),
        ("a+b c", "/v3/identity/a%2Bb%20c"),
    ] {
        sandbox.clear_requests();
        let e = client.identity_manager().get(id, &none).await.expect_err("unknown identity");
        assert_eq!(e.kind, ErrorKind::NotFound, "{id}: {e}");
        let sent: Vec<_> = sandbox.requests().into_iter().filter(|r| r.path != "/token").collect();
        assert_eq!(sent.len(), 1, "{id}");
        assert_eq!((sent[0].method.as_str(), sent[0].path.as_str()), ("GET", path), "{id}");
    }
}

#[tokio::test]
async fn type_errors_name_the_field_path_without_the_value() {
    let (sandbox, client) = setup().await;
    for (method, input, field) in [
        ("flow.start", json!({"flowType": "mobile", "phoneNumber": 2001001695u64}), "phoneNumber"),
        ("flow.start", json!({"flowType": 5, "phoneNumber": "2001001695"}), "flowType"),
        ("flow.start", json!({"flowType": "mobile", "allowOTPRetry": "2001001695"}), "allowOTPRetry"),
        (
            "flow.complete",
            json!({"correlationId": CID, "individual": {"firstName": "Milo", "lastName": "Pinson",
                "addresses": [{"city": "Littleton"}, {"city": 2001001695u64}]}}),
            "individual.addresses[1].city",
        ),
        (
            "flow.complete",
            json!({"correlationId": CID, "individual": {"firstName": "Milo", "lastName": "Pinson",
                "emailAddresses": [{"x": "2001001695"}]}}),
            "individual.emailAddresses[0]",
        ),
        ("flow.complete", json!({"correlationId": CID, "individual": ["2001001695"]}), "individual"),
        (
            "verifiedUsers.verifyBatch",
            json!({"items": [{"verificationType": "verifiedUser", "phoneNumber": 2001001695u64,
                "firstName": "A", "lastName": "B"}]}),
            "items[0].phoneNumber",
        ),
        (
            "auth.start",
            json!({"requestId": "r", "subjects": {"mobile": {"claim": {"mobileNumber": 2001001695u64}}}}),
            "subjects.mobile.claim.mobileNumber",
        ),
        ("identityManager.get", json!({"proveId": 2001001695u64}), "proveId"),
        ("identityManager.batchGet", json!({"limit": "2001001695"}), "limit"),
        ("identityManager.listAll", json!({"showInactive": "2001001695"}), "showInactive"),
    ] {
        let e = expect_field(call_json(&client, method, input.clone()).await, field, &format!("{method} {input}"));
        assert!(e.message.starts_with(&format!("{field}: ")), "{e}");
        assert!(!e.message.contains("2001001695"), "the value is echoed: {e}");
    }
    // Unchanged: an input that is not an object is `input`, unknown keys and missing required
    // fields are named.
    expect_field(call_json(&client, "flow.start", json!(["mobile"])).await, "input", "array");
    expect_field(
        call_json(&client, "flow.start", json!({"flowType": "mobile", "phone": "2001001695"})).await,
        "phone",
        "unknown key",
    );
    expect_field(call_json(&client, "identityManager.get", json!({"proveId": "p", "a`b.c": 1})).await, "a`b.c", "key");
    expect_field(call_json(&client, "identityData.fetch", json!({"proveId": PID})).await, "attributeId", "missing");
    expect_field(call_json(&client, "flow.start", json!({"phoneNumber": "2001001695"})).await, "flowType", "missing");
    assert_nothing_sent(&sandbox);
}

#[tokio::test]
async fn over_long_values_are_refused_naming_the_field() {
    let (sandbox, client) = setup().await;
    let mb = "x".repeat(1 << 20);
    // The typed API.
    let vu = client.verified_users();
    let e = expect_field(
        vu.verify(&model(json!({"verificationType": "verifiedUser", "phoneNumber": "2001004053", "firstName": mb})))
            .await,
        "firstName",
        "1 MB firstName",
    );
    assert!(e.message.len() < 200, "{}", e.message);
    expect_field(
        vu.verify_with_possession(&model(json!({"possessionType": "none", "firstName": "Addy", "lastName": mb,
            "phoneNumber": "2001004010"})))
            .await,
        "lastName",
        "1 MB lastName",
    );
    expect_field(
        client
            .flow()
            .complete(&model(json!({"correlationId": CID, "individual": {"firstName": "Milo", "lastName": "Pinson",
                "addresses": [{"address": "39 Main St", "extendedAddress": mb}]}})))
            .await,
        "individual.addresses[0].extendedAddress",
        "1 MB extendedAddress",
    );
    expect_field(
        client
            .unify()
            .unify(&model(json!({"possessionType": "mobile", "phoneNumber": "2001004014", "clientRequestId": "r",
                "emailAddress": format!("{}@example.com", "a".repeat(243))})))
            .await,
        "emailAddress",
        "255-character e-mail",
    );
    expect_field(
        client
            .identity_manager()
            .enroll(&model(json!({"phoneNumber": "2001004031", "identityAttributes": [{"attributeType": "t",
                "attributeValue": "v".repeat(1025)}]})))
            .await,
        "identityAttributes[0].attributeValue",
        "1025-character attribute value",
    );
    expect_field(
        client.identity_manager().get(&"p".repeat(257), &ReadOptions::default()).await,
        "proveId",
        "257-character proveId",
    );
    expect_field(
        client.identity_manager().get(PID, &ReadOptions::with_client_request_id("r".repeat(257))).await,
        "clientRequestId",
        "257-character clientRequestId",
    );
    // The dispatch, with a multi-byte name: caps count characters, not bytes.
    expect_field(
        call_json(
            &client,
            "flow.complete",
            json!({"correlationId": CID, "individual": {"firstName": "é".repeat(257), "lastName": "Pinson"}}),
        )
        .await,
        "individual.firstName",
        "257 two-byte characters",
    );
    expect_field(
        call_json(&client, "auth.start", json!({"requestId": "r", "subjects": {"user": {"claim": {"userId": mb}}}}))
            .await,
        "subjects.user.claim.userId",
        "1 MB userId",
    );
    assert_nothing_sent(&sandbox);

    // At the cap exactly, the same fields go out.
    let r = client
        .flow()
        .complete(&model(json!({"correlationId": CID, "individual": {"firstName": "é".repeat(256),
            "lastName": "x".repeat(256), "addresses": [{"address": "a".repeat(256), "city": "c".repeat(256)}],
            "emailAddresses": [format!("{}@example.com", "a".repeat(242))]}})))
        .await;
    if let Err(e) = &r {
        assert!(e.status.is_some(), "must pass local validation: {e}");
    }
    assert_eq!(sandbox.counters().requests_by_path.get("/v3/complete").copied(), Some(1));
}

#[tokio::test]
async fn final_target_url_must_be_an_absolute_http_url() {
    let (sandbox, client) = setup().await;
    let bad = [
        "www.example.com/done",
        "example.com",
        "/done",
        "ftp://example.com/done",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://",
        "https:example.com",
        "https:/example.com",
        "https:\\\\example.com",
        "https://example.com\\@evil.example/",
        "https://user:pw@example.com/",
        "https://user@example.com/",
        "https://example.com/\u{0}",
        "https://example.com/\u{7}x",
        "https://example.com/\r\nSet-Cookie: x",
        "https://example.com/a\u{a0}b",
        "https://example.com/a\tb",
        "https://example.com:99999/",
        "",
    ];
    for v in bad {
        let what = format!("{v:?}");
        for flow_type in ["desktop", "mobile"] {
            expect_field(
                client
                    .flow()
                    .start(&model(json!({"flowType": flow_type, "phoneNumber": "2001001695", "finalTargetUrl": v})))
                    .await,
                "finalTargetUrl",
                &what,
            );
        }
        expect_field(
            client
                .unify()
                .unify(&model(json!({"possessionType": "desktop", "phoneNumber": "2001004014",
                    "clientRequestId": "r", "finalTargetUrl": v})))
                .await,
            "finalTargetUrl",
            &what,
        );
        expect_field(
            client
                .verified_users()
                .verify_with_possession(&model(json!({"possessionType": "desktop", "firstName": "A", "lastName": "B",
                    "phoneNumber": "2001004010", "finalTargetUrl": v})))
                .await,
            "finalTargetUrl",
            &what,
        );
        expect_field(
            call_json(
                &client,
                "auth.start",
                json!({"requestId": "r", "subjects": {"mobile": {"authenticators": {"universal": {"finalTargetUrl": v}}}}}),
            )
            .await,
            "subjects.mobile.authenticators.universal.finalTargetUrl",
            &what,
        );
    }
    assert_nothing_sent(&sandbox);

    for good in ["https://www.example.com", "http://localhost:3000/done?step=1&x=2#top", "HTTPS://EXAMPLE.COM/A"] {
        sandbox.clear_requests();
        let r = client
            .flow()
            .start(&model(json!({"flowType": "desktop", "phoneNumber": "2001001695", "finalTargetUrl": good})))
            .await;
        if let Err(e) = &r {
            assert!(e.status.is_some(), "{good}: must pass local validation: {e}");
        }
        assert!(sandbox.requests().iter().any(|r| r.path == "/v3/start"), "{good}: not sent");
    }
}

// ---------------------------------------------------------------------------------------------
// A loopback server for the listing: `/token` answers a token, `GET /v3/identity` answers the
// page `next(startKey)` decides. Every identity-listing request is recorded (its `startKey`).
// ---------------------------------------------------------------------------------------------

type NextKey = Arc<dyn Fn(Option<&str>) -> Option<String> + Send + Sync>;

struct Loopback {
    base_url: String,
    /// The `startKey` of every listing request, in order (`None` for the first page).
    start_keys: Arc<Mutex<Vec<Option<String>>>>,
}

impl Loopback {
    async fn start(next: NextKey) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let start_keys = Arc::new(Mutex::new(Vec::new()));
        let keys = Arc::clone(&start_keys);
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let (next, keys) = (Arc::clone(&next), Arc::clone(&keys));
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    let target = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
                    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                    let body = if path == "/token" {
                        json!({"access_token": "loopback-token", "token_type": "Bearer", "expires_in": 3600})
                    } else {
                        let params: HashMap<&str, &str> = query.split('&').filter_map(|p| p.split_once('=')).collect();
                        let start = params.get("startKey").map(|s| s.to_string());
                        keys.lock().expect("lock").push(start.clone());
                        let mut page = json!({"results": [{"proveId": format!("id-after-{}", start.as_deref().unwrap_or("none"))}]});
                        if let Some(k) = next(start.as_deref()) {
                            page["lastKey"] = json!(k);
                        }
                        page
                    };
                    let body = body.to_string();
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(answer.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Loopback { base_url, start_keys }
    }

    fn client(&self) -> Client {
        let config = Config::builder()
            .client_id("loopback-client")
            .client_secret("loopback-secret")
            .base_url(&self.base_url)
            .retry(RetryPolicy::none())
            .build()
            .expect("config");
        Client::new(config).expect("client")
    }

    fn start_keys(&self) -> Vec<Option<String>> {
        self.start_keys.lock().expect("lock").clone()
    }
}

fn keys(v: &[Option<&str>]) -> Vec<Option<String>> {
    v.iter().map(|k| k.map(str::to_owned)).collect()
}

#[track_caller]
fn assert_listing_error(e: &Error) {
    assert_eq!(e.kind, ErrorKind::Api, "{e}");
    assert_eq!(e.operation, Some(ops::BATCH_GET_IDENTITIES.id), "{e}");
    assert_eq!(e.status, None, "{e}");
}

#[tokio::test]
async fn a_listing_whose_keys_cycle_ends_with_an_api_error() {
    // A, B, A, B, …: the cursor has sent A before, so the third page ends the listing.
    let server = Loopback::start(Arc::new(|start: Option<&str>| match start {
        None | Some("B") => Some("A".to_owned()),
        Some(_) => Some("B".to_owned()),
    }))
    .await;
    let client = server.client();
    let list = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        client.identity_manager().list_all(ListIdentities::default()),
    )
    .await
    .expect("the listing ends");
    let e = list.expect_err("a cycling listing must fail");
    assert_listing_error(&e);
    assert!(e.message.contains("already"), "{e}");
    assert_eq!(server.start_keys(), keys(&[None, Some("A"), Some("B")]), "no page after the cycle is requested");

    // The same through the dispatch, and item by item: the items of the good pages, then the error.
    let e = call_json(&client, "identityManager.listAll", json!({"limit": 10})).await.expect_err("cycle");
    assert_listing_error(&e);
    let items: Vec<_> = client.identity_manager().list(ListIdentities::default()).collect().await;
    assert_eq!(items.len(), 3, "two pages of one item, then the error: {items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    assert_listing_error(items[2].as_ref().expect_err("the third is the error"));
}

#[tokio::test]
async fn longer_cycles_and_the_immediate_repeat_are_caught() {
    // k1 → k2 → k3 → k1: caught when k1 comes back, after four pages.
    let server = Loopback::start(Arc::new(|start: Option<&str>| {
        Some(match start {
            None | Some("k3") => "k1".to_owned(),
            Some("k1") => "k2".to_owned(),
            Some(_) => "k3".to_owned(),
        })
    }))
    .await;
    let mut pages = server.client().identity_manager().pages(ListIdentities::default());
    for _ in 0..3 {
        assert!(pages.next_page().await.expect("a good page").is_some());
    }
    assert_listing_error(&pages.next_page().await.expect_err("k1 again"));
    assert!(pages.is_finished());
    assert!(pages.next_page().await.expect("finished").is_none());
    assert_eq!(server.start_keys(), keys(&[None, Some("k1"), Some("k2"), Some("k3")]));

    // The key just sent, sent back.
    let server = Loopback::start(Arc::new(|_: Option<&str>| Some("same".to_owned()))).await;
    let e = server.client().identity_manager().list_all(ListIdentities::default()).await.expect_err("repeat");
    assert_listing_error(&e);
    assert_eq!(server.start_keys(), keys(&[None, Some("same")]));
}

#[tokio::test]
async fn a_listing_that_never_ends_stops_at_its_page_bound() {
    // Fresh keys forever: key n+1 after key n.
    let server = Loopback::start(Arc::new(|start: Option<&str>| {
        let n: u64 = start.and_then(|s| s.strip_prefix('k')).and_then(|n| n.parse().ok()).unwrap_or(0);
        Some(format!("k{}", n + 1))
    }))
    .await;
    let mut pages = server.client().identity_manager().pages(ListIdentities::default()).max_pages(5);
    for _ in 0..4 {
        assert!(pages.next_page().await.expect("a good page").is_some());
    }
    let e = pages.next_page().await.expect_err("the fifth page still has a lastKey");
    assert_listing_error(&e);
    assert!(e.message.contains("5 pages"), "{e}");
    assert_eq!(server.start_keys().len(), 5);
    assert_eq!(pages.pages_fetched(), 5);
    assert_eq!(prove_core::api::pages::MAX_PAGES, 100_000, "the documented default bound");

    // A listing that does end within its bound is unaffected.
    let server = Loopback::start(Arc::new(|start: Option<&str>| match start {
        None => Some("a".to_owned()),
        Some("a") => Some("b".to_owned()),
        Some(_) => None,
    }))
    .await;
    let all = server.client().identity_manager().pages(ListIdentities::default()).max_pages(3);
    let mut all = all;
    let mut n = 0;
    while let Some(p) = all.next_page().await.expect("page") {
        n += p.results.len();
    }
    assert_eq!((n, all.pages_fetched()), (3, 3));
    assert_eq!(server.start_keys(), keys(&[None, Some("a"), Some("b")]));
}
