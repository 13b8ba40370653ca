//! Guide flow 5: Identity Manager — enroll, batch enroll, batch get with pagination (via the
//! stream and page by page), get, lookup by phone, deactivate, activate, disenroll, 404 after.
mod api_support;

use api_support::{assert_kind, model, rid, setup};
use futures_util::TryStreamExt;
use prove_core::api::{BatchGetOptions, ListIdentities, ReadOptions};
use prove_core::models::*;
use prove_core::ErrorKind;
use serde_json::json;

#[tokio::test]
async fn identity_manager_lifecycle() {
    let (sandbox, client) = setup().await;
    let im = client.identity_manager();
    let none = ReadOptions::default();

    let one = im
        .enroll(&model(
            json!({"phoneNumber": "2001004031", "clientCustomerId": "customer-1", "clientRequestId": rid()}),
        ))
        .await
        .expect("enroll");
    assert!(one.success);
    let id = one.prove_id.clone();

    let batch = im
        .batch_enroll(&model(json!({"items": [
            {"phoneNumber": "2001004035", "clientCustomerId": "customer-2"},
            {"phoneNumber": "2001004036", "clientCustomerId": "customer-3"}
        ]})))
        .await
        .expect("batch enroll");
    assert_eq!(batch.results.as_ref().map(Vec::len), Some(2));

    // Page by page, limit 2 over 3 identities: two pages, keys followed.
    let p1 = im.batch_get(&BatchGetOptions { limit: Some(2), ..Default::default() }).await.expect("page 1");
    assert_eq!(p1.results.len(), 2);
    let key = p1.last_key.clone().expect("more pages");
    let p2 = im
        .batch_get(&BatchGetOptions { limit: Some(2), start_key: Some(key), ..Default::default() })
        .await
        .expect("page 2");
    assert_eq!(p2.results.len(), 1);
    assert!(p2.last_key.is_none());

    // The stream follows lastKey → startKey by itself.
    sandbox.clear_requests();
    let all: Vec<GetBatchIdentityItem> =
        im.list(ListIdentities { limit: Some(1), ..Default::default() }).try_collect().await.expect("list");
    assert_eq!(all.len(), 3);
    let gets = sandbox.requests().into_iter().filter(|r| r.path == "/v3/identity" && r.method == "GET").count();
    assert!(gets >= 3, "one request per page, got {gets}");
    let mut pages = im.pages(ListIdentities { limit: Some(2), ..Default::default() });
    let mut n = 0;
    while let Some(p) = pages.next_page().await.expect("page") {
        n += p.results.len();
    }
    assert_eq!((n, pages.pages_fetched()), (3, 2));

    let got = im.get(&id, &ReadOptions::with_client_request_id(rid())).await.expect("get");
    assert_eq!(got.prove_id.as_deref(), Some(id.as_str()));
    assert_eq!(got.active, Some(true));

    let found = im.lookup_by_phone("2001004031", &none).await.expect("lookup");
    assert!(found.items.unwrap_or_default().iter().any(|i| i.prove_id.as_deref() == Some(id.as_str())));

    assert!(im.deactivate(&id, &DeactivateIdentityRequest::default()).await.expect("deactivate").success);
    assert_eq!(im.get(&id, &none).await.expect("get").active, Some(false));
    // Inactive identities are listed only when asked.
    let active: Vec<_> = im.list(ListIdentities::default()).try_collect().await.expect("list");
    let with_inactive: Vec<_> =
        im.list(ListIdentities { show_inactive: Some(true), ..Default::default() }).try_collect().await.expect("list");
    assert_eq!((active.len(), with_inactive.len()), (2, 3));

    assert!(im.activate(&id, &ActivateIdentityRequest::default()).await.expect("activate").success);
    assert_eq!(im.get(&id, &none).await.expect("get").active, Some(true));

    assert!(im.disenroll(&id, &none).await.expect("disenroll").success);
    let e = im.get(&id, &none).await.unwrap_err();
    assert_kind(&e, ErrorKind::NotFound);
    assert_eq!(e.status, Some(404));
    let e = im.disenroll(&id, &none).await.unwrap_err();
    assert_kind(&e, ErrorKind::NotFound);
}

#[tokio::test]
async fn batch_enroll_sends_each_item_shape_as_its_model() {
    let (sandbox, client) = setup().await;
    let im = client.identity_manager();
    let existing = im.enroll(&model(json!({"phoneNumber": "2001004031"}))).await.expect("enroll").prove_id;
    let pcid = client.domain().id().await.expect("domain id").pcid;

    // Typed: an enum of the two shapes, built from either model.
    let req = BatchEnrollIdentitiesRequest::new().client_request_id("req-both").items(vec![
        EnrollIdentityItem::new("2001004035").client_customer_id("customer-9").into(),
        IdentityItem::new("Partner", existing.clone(), pcid.clone()).into(),
    ]);
    sandbox.clear_requests();
    let res = im.batch_enroll(&req).await.expect("batch enroll");
    let results = res.results.expect("results");
    assert_eq!(results.len(), 2);
    let (first, second) = (&results[0], &results[1]);
    assert!(first.prove_id.is_some() && first.error.is_none(), "{first:?}");
    // The cross-domain item names an existing identity; this project gets a new one for it.
    assert!(second.prove_id.as_deref().is_some_and(|id| id != existing), "{second:?}");

    // On the wire, each item is exactly its model: the enrollment item as Prove's guide has it,
    // the cross-domain item as the official SDKs send it ({clientName, identityId, pcid}).
    let sent: Vec<_> = sandbox.requests().into_iter().filter(|r| r.path == "/v3/identity/batch").collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body,
        json!({"clientRequestId": "req-both", "items": [
            {"phoneNumber": "2001004035", "clientCustomerId": "customer-9"},
            {"clientName": "Partner", "identityId": existing, "pcid": pcid}
        ]})
    );

    // The same through the JSON dispatch every binding uses.
    let out = prove_core::dispatch::call_json(
        &client,
        "identityManager.batchEnroll",
        json!({"items": [{"clientName": "Partner", "identityId": existing, "pcid": pcid}, {"phoneNumber": "2001004036"}]}),
    )
    .await
    .expect("dispatch batch enroll");
    assert_eq!(out["results"].as_array().map(Vec::len), Some(2));

    // Each shape is validated as its own; nothing reaches the sandbox.
    let before = sandbox.counters().total_requests;
    for (items, field) in [
        (json!([{"clientName": "Partner", "identityId": "", "pcid": "p"}]), "items[0].identityId"),
        (
            json!([{"phoneNumber": "2001004035"}, {"clientName": " ", "identityId": "i", "pcid": "p"}]),
            "items[1].clientName",
        ),
        (json!([{"clientName": "Partner", "identityId": "i"}]), "items[0].pcid"),
        (json!([{"phoneNumber": "2001004035", "identityId": "i"}]), "items[0]"),
        (json!([{"phoneNumber": "x"}]), "items[0].phoneNumber"),
    ] {
        let e = prove_core::dispatch::call_json(&client, "identityManager.batchEnroll", json!({ "items": items }))
            .await
            .unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some(field)), "{e}");
    }
    let e = im
        .batch_enroll(&BatchEnrollIdentitiesRequest::new().items(vec![IdentityItem::new("P", "i", "").into()]))
        .await
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("items[0].pcid"));
    assert_eq!(sandbox.counters().total_requests, before, "refused before the network");
}

#[tokio::test]
async fn created_at_is_seconds_and_the_default_page_is_100() {
    let (_sandbox, client) = setup().await;
    let im = client.identity_manager();
    let now = || std::time::SystemTime::now();
    let before = now() - std::time::Duration::from_secs(2);
    let id = im.enroll(&model(json!({"phoneNumber": "2001004031"}))).await.expect("enroll").prove_id;
    let after = now() + std::time::Duration::from_secs(2);
    let got = im.get(&id, &ReadOptions::default()).await.expect("get");
    // Seconds since the epoch, as Prove documents (milliseconds would be ~55,000 years ahead).
    let created = got.created_time().expect("createdAt");
    assert!(before <= created && created <= after, "{:?} not within the call", got.created_at);
    let found = im.lookup_by_phone("2001004031", &ReadOptions::default()).await.expect("lookup");
    let item = &found.items.expect("items")[0];
    assert_eq!(item.created_at, got.created_at);
    assert_eq!(item.created_time(), Some(created));

    // 105 identities: without a limit, one page holds Prove's default of 100.
    let hundred: Vec<BatchEnrollItem> = (0..100).map(|_| EnrollIdentityItem::new("2001004035").into()).collect();
    im.batch_enroll(&BatchEnrollIdentitiesRequest::new().items(hundred)).await.expect("batch enroll");
    for _ in 0..4 {
        im.enroll(&model(json!({"phoneNumber": "2001004036"}))).await.expect("enroll");
    }
    let page = im.batch_get(&BatchGetOptions::default()).await.expect("page");
    assert_eq!(page.results.len(), 100);
    let rest = im
        .batch_get(&BatchGetOptions { start_key: page.last_key.clone(), ..Default::default() })
        .await
        .expect("next page");
    assert_eq!((rest.results.len(), rest.last_key.as_deref()), (5, None));
}
