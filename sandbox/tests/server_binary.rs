//! The `prove-sandbox` binary: first line, credentials, one PII-free log line per request.
mod server_common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use server_common::client;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_its_address_and_logs_requests_without_pii() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prove-sandbox"))
        .args([
            "--port",
            "0",
            "--client-id",
            "bin-id",
            "--client-secret=bin-secret",
            "--token-lifetime",
            "120",
            "--add-client",
            "second-project:second-secret",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let _guard = Killed(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || rx.recv_timeout(std::time::Duration::from_secs(10)).expect("a line");
    let first = next();
    let base = first.strip_prefix("prove-sandbox listening on ").expect("first line format").to_owned();
    assert!(base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"), "{first}");
    let creds = next();
    assert!(creds.contains("bin-id"), "{creds}");
    assert!(!creds.contains("bin-secret") && !creds.contains("second-secret"), "secrets are never printed: {creds}");
    assert!(creds.contains("second-project"), "{creds}");

    let http = client();
    let res = http
        .post(format!("{base}/token"))
        .form(&[("grant_type", "client_credentials"), ("client_id", "bin-id"), ("client_secret", "bin-secret")])
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.expect("json");
    assert_eq!(v["expires_in"], 120);
    let token = v["access_token"].as_str().expect("token").to_owned();
    let res =
        http.get(format!("{base}/v3/identity/%2B12065550100/lookup")).bearer_auth(&token).send().await.expect("send");
    let status = res.status().as_u16();

    let token_line = next();
    assert!(token_line.starts_with("POST /token 200 ") && token_line.ends_with("ms"), "{token_line}");
    let lookup_line = next();
    assert!(lookup_line.starts_with(&format!("GET /v3/identity/{{mobileNumber}}/lookup {status} ")), "{lookup_line}");
    for line in [&token_line, &lookup_line] {
        assert!(!line.contains("2065550100") && !line.contains(&token) && !line.contains("bin-secret"), "{line}");
    }

    // A further project added with --add-client gets its own tokens.
    let res = http
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "second-project"),
            ("client_secret", "second-secret"),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 200);
}

#[test]
fn binary_help_and_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_prove-sandbox")).arg("--help").output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--port") && text.contains("--token-lifetime"));
    let out = Command::new(env!("CARGO_BIN_EXE_prove-sandbox")).args(["--port", "nope"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
    let out =
        Command::new(env!("CARGO_BIN_EXE_prove-sandbox")).args(["--add-client", "no-secret"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ID:SECRET"));
}

/// The first `n` stdout lines of the binary started with `args`.
fn banner(args: &[&str], n: usize) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prove-sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let _guard = Killed(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().take(n) {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (0..n).map(|_| rx.recv_timeout(std::time::Duration::from_secs(10)).expect("a banner line")).collect()
}

#[test]
fn banner_never_prints_a_custom_secret() {
    let lines = banner(&["--port", "0", "--quiet", "--client-secret", "xyz", "--add-client", "p2:other-xyz-secret"], 2);
    assert!(lines[0].starts_with("prove-sandbox listening on http://"), "{lines:?}");
    for line in &lines {
        assert!(!line.contains("xyz"), "the secret is not printed: {line}");
    }
    assert!(lines[1].contains(&format!("client_id={}", prove_sandbox::DEFAULT_CLIENT_ID)), "{lines:?}");
    assert!(lines[1].contains("not shown"), "{lines:?}");

    // The public default credentials are printed, so that a default start tells what to configure.
    let lines = banner(&["--port", "0", "--quiet"], 2);
    assert!(
        lines[1].contains(&format!(
            "client_id={} client_secret={}",
            prove_sandbox::DEFAULT_CLIENT_ID,
            prove_sandbox::DEFAULT_CLIENT_SECRET
        )),
        "{lines:?}"
    );
}

#[test]
fn binary_refuses_an_out_of_range_token_lifetime() {
    for bad in ["99999999999999999999", "3153600001", "-1", "1e3"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prove-sandbox"))
            .args(["--port", "0", "--quiet", "--token-lifetime", bad])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // A binary that accepted the value would serve until killed: give it 10 s to refuse.
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("--token-lifetime {bad} was accepted");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(2), "{bad}");
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr).expect("stderr");
        assert!(stderr.contains("--token-lifetime"), "{bad}: {stderr}");
    }
}
