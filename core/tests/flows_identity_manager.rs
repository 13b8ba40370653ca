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
