//! Log events of the request path: one per attempt, path templates only, nothing private.
//! Alone in its test binary because it installs a global `tracing` subscriber.
mod transport_support;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use prove_core::ops;
use prove_sandbox::{Fault, FaultKind};
use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::{span, Event, Metadata, Subscriber};
use transport_support::*;

/// A fictitious sandbox test number, used here as "personal data".
const PHONE: &str = "2001001695";

/// Records every event of the SDK as `name=value` text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        if !event.metadata().target().starts_with("prove_core") {
            return;
        }
        let mut line = format!("{} ", event.metadata().level());
        event.record(&mut Fields(&mut line));
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

#[tokio::test]
async fn log_events_carry_the_path_template_and_nothing_private() {
    let sb = sandbox().await;
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).expect("only test of this binary installs it");
    let c = client_for(&sb);

    // a read with a phone number in the path, answered after one retried 503
    sb.inject_fault(
        Fault::new(FaultKind::Status { status: 503, retry_after: None })
            .on_path("/v3/identity/{mobileNumber}/lookup")
            .times(1),
    );
    let r = c.raw_call::<Value>(&ops::GET_IDENTITIES_BY_PHONE_NUMBER, &[PHONE], &[("limit", "5".into())], None).await;
    // the sandbox refuses this test user for lookups; the 503 before it was retried
    let e = r.expect_err("403 from the sandbox");
    assert_eq!(e.status, Some(403));
    start(&c).await.expect("flow step");

    let lines = capture.0.lock().unwrap().clone();
    let lookups: Vec<_> = lines.iter().filter(|l| l.contains("/v3/identity/{mobileNumber}/lookup")).collect();
    assert_eq!(lookups.len(), 2, "one event per attempt: {lines:#?}");
    assert!(lookups[0].contains("attempt=1") && lookups[0].contains("status=503"), "{}", lookups[0]);
    assert!(lookups[1].contains("attempt=2"), "{}", lookups[1]);
    assert!(lines.iter().any(|l| l.contains("path=\"/token\"")), "token fetch logged: {lines:#?}");
    assert!(lines.iter().any(|l| l.contains("path=\"/v3/start\"") && l.contains("latency_ms=")));
    for l in &lines {
        assert!(!l.contains(PHONE), "phone number logged: {l}");
        assert!(!l.contains(sb.client_secret()), "secret logged: {l}");
        assert!(!l.to_ascii_lowercase().contains("bearer"), "token logged: {l}");
        assert!(!l.contains("flowType") && !l.contains("\"mobile\""), "body logged: {l}");
    }
}
