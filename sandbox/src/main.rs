//! `prove-sandbox`: run the Prove sandbox emulator as a standalone server.
use std::process::ExitCode;
use std::time::Duration;

use prove_sandbox::{Sandbox, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MAX_TOKEN_LIFETIME};

const USAGE: &str = "\
prove-sandbox: offline emulator of Prove's sandbox API

USAGE:
    prove-sandbox [OPTIONS]

OPTIONS:
    --host HOST             interface to listen on (default 127.0.0.1)
    --port PORT             port to listen on; 0 picks a free one (default 0)
    --client-id ID          client_id accepted by POST /token (default prove-sandbox-client)
    --client-secret SECRET  client_secret accepted by POST /token (default prove-sandbox-secret)
    --add-client ID:SECRET  accept a further project's credentials (repeatable); each project
                            keeps its own sessions, Prove Keys and enrolments
    --token-lifetime SECS   access-token lifetime in seconds (default 3600)
    --threads N             server worker threads (default: number of CPUs)
    --quiet                 do not log one line per request
    -h, --help              print this help

The first line printed is `prove-sandbox listening on http://HOST:PORT`; the second names the
accepted client_id (a secret is printed only when it is the public default).
Control endpoints live under /sandbox/ (see sandbox/README.md).";

/// Parsed command line.
struct Args {
    host: String,
    port: u16,
    client_id: Option<String>,
    client_secret: Option<String>,
    extra_clients: Vec<(String, String)>,
    token_lifetime: Option<u64>,
    threads: Option<usize>,
    quiet: bool,
}

/// What the command line asks for.
enum Command {
    Run(Args),
    Help,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut a = Args {
        host: "127.0.0.1".to_owned(),
        port: 0,
        client_id: None,
        client_secret: None,
        extra_clients: Vec::new(),
        token_lifetime: None,
        threads: None,
        quiet: false,
    };
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| it.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--host" => a.host = value("--host")?,
            "--port" => a.port = value("--port")?.parse().map_err(|_| "--port must be 0-65535".to_owned())?,
            "--client-id" => a.client_id = Some(value("--client-id")?),
            "--client-secret" => a.client_secret = Some(value("--client-secret")?),
            "--add-client" => {
                let v = value("--add-client")?;
                match v.split_once(':') {
                    Some((id, secret)) if !id.is_empty() && !secret.is_empty() => {
                        a.extra_clients.push((id.to_owned(), secret.to_owned()))
                    }
                    _ => return Err("--add-client takes ID:SECRET".to_owned()),
                }
            }
            "--token-lifetime" => {
                let max = MAX_TOKEN_LIFETIME.as_secs();
                a.token_lifetime = Some(
                    value("--token-lifetime")?
                        .parse()
                        .ok()
                        .filter(|s| *s <= max)
                        .ok_or_else(|| format!("--token-lifetime must be a number of seconds from 0 to {max}"))?,
                );
            }
            "--threads" => {
                a.threads = Some(
                    value("--threads")?.parse().ok().filter(|n| *n > 0).ok_or("--threads must be a positive number")?,
                );
            }
            "--quiet" | "-q" => a.quiet = true,
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(Command::Run(a))
}

/// The second line of the banner: the accepted client ids. A secret given on the command line is
/// never printed (it may be a real one, and stdout often ends up in CI logs); only the public
/// default secret is shown, so that a default start-up tells users what to configure.
fn credentials_line(client_id: &str, client_secret: &str, extra_ids: &[String]) -> String {
    let secret = if client_secret == DEFAULT_CLIENT_SECRET {
        format!("client_secret={DEFAULT_CLIENT_SECRET}")
    } else {
        "client_secret=<set, not shown>".to_owned()
    };
    let defaults = if client_id == DEFAULT_CLIENT_ID && client_secret == DEFAULT_CLIENT_SECRET {
        " (the default sandbox credentials)"
    } else {
        ""
    };
    let mut line = format!("client_id={client_id} {secret}{defaults}");
    if !extra_ids.is_empty() {
        line.push_str(&format!("; also accepted: {} (secrets not shown)", extra_ids.join(", ")));
    }
    line
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(a)) => a,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("prove-sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("prove-sandbox: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let mut builder =
        Sandbox::builder().host(args.host).port(args.port).log_requests(!args.quiet).worker_threads(threads);
    if let Some(id) = args.client_id {
        builder = builder.client_id(id);
    }
    if let Some(secret) = args.client_secret {
        builder = builder.client_secret(secret);
    }
    let extra_ids: Vec<String> = args.extra_clients.iter().map(|(id, _)| id.clone()).collect();
    for (id, secret) in args.extra_clients {
        builder = builder.add_client(id, secret);
    }
    if let Some(secs) = args.token_lifetime {
        builder = builder.token_lifetime(Duration::from_secs(secs));
    }
    let sandbox = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("prove-sandbox: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("prove-sandbox listening on {}", sandbox.base_url());
    println!("{}", credentials_line(sandbox.client_id(), sandbox.client_secret(), &extra_ids));
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}
