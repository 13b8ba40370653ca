//! Per-call client overhead: one cheap authenticated read (`GET /v3/domain/id`) through
//! `prove_core::Client` against a hand-written raw `reqwest` call of the same request with a
//! pre-fetched token, both against the in-process sandbox over loopback HTTP.
//!
//! Run: `cargo bench -p prove-core --bench overhead -- --sample-size 20 --measurement-time 3`
//! After criterion's report, a direct side-by-side loop prints mean latencies and the ratio.
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use prove_core::models::DomainIdResponse;
use prove_core::{ops, Client, Config};
use prove_sandbox::Sandbox;
use serde_json::Value;

struct Setup {
    rt: tokio::runtime::Runtime,
    sandbox: Sandbox,
    client: Client,
    raw: reqwest::Client,
    url: String,
    bearer: String,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let sandbox = rt.block_on(Sandbox::start()).expect("sandbox");
    let config = Config::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()
        .expect("config");
    // Client::new installs the TLS provider the raw reqwest client needs too.
    let client = Client::new(config).expect("client");
    let raw = reqwest::Client::builder().build().expect("reqwest");
    let token_url = format!("{}/token", sandbox.base_url());
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", sandbox.client_id()),
        ("client_secret", sandbox.client_secret()),
    ];
    let bearer = rt.block_on(async {
        let v: Value = raw.post(&token_url).form(&form).send().await.expect("token").json().await.expect("json");
        v["access_token"].as_str().expect("access_token").to_owned()
    });
    // warm both paths (token cache, connection pools)
    rt.block_on(async {
        let _: DomainIdResponse = client.raw_call(&ops::DOMAIN_ID, &[], &[], None).await.expect("warm client");
    });
    let url = format!("{}/v3/domain/id", sandbox.base_url());
    Setup { rt, sandbox, client, raw, url, bearer }
}

async fn via_client(s: &Setup) -> DomainIdResponse {
    s.client.raw_call(&ops::DOMAIN_ID, &[], &[], None).await.expect("client call")
}

async fn via_reqwest(s: &Setup) -> DomainIdResponse {
    let resp = s
        .raw
        .get(&s.url)
        .header(reqwest::header::ACCEPT, "application/json")
        .bearer_auth(&s.bearer)
        .send()
        .await
        .expect("raw call");
    let bytes = resp.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("decode")
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let mut g = c.benchmark_group("domain_id");
    g.bench_function("prove_core", |b| b.to_async(&s.rt).iter(|| async { black_box(via_client(&s).await) }));
    g.bench_function("raw_reqwest", |b| b.to_async(&s.rt).iter(|| async { black_box(via_reqwest(&s).await) }));
    g.finish();

    // Direct side-by-side: interleaved rounds so both see the same machine load.
    let rounds = 10;
    let per_round = 200;
    let (mut client_t, mut raw_t) = (Duration::ZERO, Duration::ZERO);
    s.rt.block_on(async {
        for _ in 0..rounds {
            let t0 = Instant::now();
            for _ in 0..per_round {
                black_box(via_client(&s).await);
            }
            client_t += t0.elapsed();
            let t0 = Instant::now();
            for _ in 0..per_round {
                black_box(via_reqwest(&s).await);
            }
            raw_t += t0.elapsed();
        }
    });
    let n = f64::from(rounds * per_round);
    let (cm, rm) = (client_t.as_secs_f64() * 1e6 / n, raw_t.as_secs_f64() * 1e6 / n);
    println!(
        "side by side ({n} calls each): prove_core {cm:.1} µs/call, raw reqwest {rm:.1} µs/call, ratio {:.3} (overhead {:+.1} µs)",
        cm / rm,
        cm - rm
    );
    assert!(s.sandbox.counters().token_requests >= 1);
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
