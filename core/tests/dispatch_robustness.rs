//! Robustness of the JSON dispatch (`prove_core::dispatch::call_json`), the entry point every
//! language binding calls: thousands of deterministic pseudo-random inputs per run, against a real
//! in-process sandbox over loopback HTTP.
//!
//! Inputs: each method's valid input (from `tests/vectors/requests.json`) mutated field by field
//! using the request-model metadata (`prove_core::models::meta::MODELS`): wrong JSON types for
//! every field, garbage values of the right type (long strings, edge-case unicode, NUL, huge and
//! negative numbers), removed and unknown fields, deep nesting; plus wholly random values, inputs
//! that are not objects, and unknown method names.
//!
//! Every call must:
//! - not panic (each call runs in its own task, so a panic is reported with the input that caused it);
//! - finish within a bound (the client's timeout plus a margin): no hang;
//! - fail, if it fails, with a known error kind; a `Validation` error raised before the network
//!   names a field and sends nothing; an error that carries an HTTP status did reach the sandbox;
//! - never put a string value it was sent (longer than 3 characters) into an error message;
//! - when it succeeds, have reached the sandbox and return a JSON object.
//!
//! The generator is seeded (`ROBUSTNESS_SEED` overrides the default), so a failure reproduces.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

use prove_core::api::methods::describe as describe_type;
use prove_core::dispatch::{call_json, methods};
use prove_core::models::meta::{ENUMS, MODELS};
use prove_core::{Client, Config, Error, RetryPolicy};
use prove_sandbox::Sandbox;
use serde_json::{json, Map, Value};

/// Default seed of the generator.
const DEFAULT_SEED: u64 = 0x5eed_0fc0_ffee;
/// Mutated inputs per method (each field gets its share, the rest are random whole inputs).
const INPUTS_PER_METHOD: usize = 150;
/// Deepest nesting the generator builds.
const MAX_DEPTH: usize = 64;
/// Longest generated string, in bytes (roughly).
const MAX_LONG_STRING: usize = 100 * 1024;
/// Total time the client allows one call.
const CALL_TIMEOUT: Duration = Duration::from_secs(3);
/// A call taking longer than this counts as a hang.
const HANG_BOUND: Duration = Duration::from_secs(10);

/// The stable error kind names (`ErrorKind::as_str`).
const KNOWN_KINDS: &[&str] = &[
    "Validation",
    "Auth",
    "RateLimited",
    "StepOutOfOrder",
    "NotFound",
    "Api",
    "Timeout",
    "Transport",
    "Decode",
    "Webhook",
];

// ---------------------------------------------------------------------------------------------
// Deterministic generator
// ---------------------------------------------------------------------------------------------

/// xorshift64* — tiny, deterministic, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Characters that tend to break parsers, encoders and URL building (no surrogates: JSON text
/// from a binding is valid UTF-8).
const EDGE_CHARS: &[char] = &[
    '\0',
    '\u{1}',
    '\u{7}',
    '\u{8}',
    '\t',
    '\n',
    '\r',
    '\u{1b}',
    '\u{7f}',
    '\u{80}',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{200b}',
    '\u{200d}',
    '\u{2028}',
    '\u{2029}',
    '\u{202e}',
    '\u{2066}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{10000}',
    '\u{1f600}',
    '\u{1f468}',
    '\u{e0001}',
    '\u{10ffff}',
    '\u{301}',
    '\u{0130}',
    '\u{0131}',
    'ß',
    'ﬃ',
    'ǅ',
    '"',
    '\\',
    '/',
    '?',
    '#',
    '%',
    '&',
    '=',
    '+',
    ';',
    ',',
    ':',
    '@',
    '[',
    ']',
    '{',
    '}',
    '<',
    '>',
    '\'',
    '`',
    '.',
    ' ',
    '*',
    '$',
    '|',
    '^',
    '~',
];

/// Strings that are special to the services, URLs or formats.
const SPECIAL_STRINGS: &[&str] = &[
    "",
    " ",
    "  \t\n",
    "..",
    "../..",
    "%2e%2e%2f",
    "%00",
    "%ZZ",
    "?a=b&c=d",
    "#frag",
    "a/b",
    "//x",
    "\\\\x",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "NaN",
    "Infinity",
    "1e309",
    "[]",
    "{}",
    "\"\"",
    "\u{0}",
    "\u{0}\u{0}\u{0}\u{0}",
    "+",
    "++1",
    "+1 (200) 100-1695",
    "2001001695\u{0}",
    "http://",
    "https://",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "https://exa mple.com",
    "https://example.com/\u{0}",
    "ftp://example.com",
    "1981-02-29",
    "2000-13-01",
    "0000-00-00",
    "9999-12-31",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b6",
    "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b600",
    "<script>",
    "' OR 1=1 --",
    "Robert'); DROP TABLE",
    "\r\nX-Injected: 1",
    "%0d%0aX-Injected:%201",
];

fn random_string(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => (*rng.pick(SPECIAL_STRINGS)).to_owned(),
        1 => {
            // long: up to MAX_LONG_STRING bytes, one repeated unit (cheap to build)
            let unit = match rng.below(4) {
                0 => "x".to_owned(),
                1 => "9".to_owned(),
                2 => rng.pick(EDGE_CHARS).to_string(),
                _ => "Ab\u{0}\u{1f600}".to_owned(),
            };
            let n = 1 + rng.below(MAX_LONG_STRING / unit.len());
            unit.repeat(n)
        }
        2..=4 => {
            let n = 1 + rng.below(24);
            (0..n).map(|_| *rng.pick(EDGE_CHARS)).collect()
        }
        5 => {
            // digits of random length (phone-ish, SSN-ish)
            let n = rng.below(20);
            let mut s: String = (0..n).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            if rng.chance(3) {
                s.insert(0, '+');
            }
            s
        }
        _ => {
            // mixed printable with a few edge characters
            const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_";
            let n = 4 + rng.below(40);
            (0..n).map(|_| if rng.chance(8) { *rng.pick(EDGE_CHARS) } else { char::from(*rng.pick(ALNUM)) }).collect()
        }
    }
}

fn random_number(rng: &mut Rng) -> Value {
    match rng.below(14) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(i64::MIN),
        3 => json!(i64::MAX),
        4 => json!(u64::MAX),
        5 => json!(f64::MAX),
        6 => json!(-f64::MAX),
        7 => json!(f64::MIN_POSITIVE),
        8 => json!(0.5),
        9 => json!(-0.0),
        10 => json!(u32::MAX as u64 + 1),
        11 => json!(1e300),
        12 => json!((rng.next() >> 1) as i64 * if rng.chance(2) { -1 } else { 1 }),
        _ => json!(f64::from_bits(rng.next() & !(0x7ff << 52)) * 1e10), // finite by construction
    }
}

/// A random JSON value nested at most `depth` more levels.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let kinds = if depth == 0 { 4 } else { 7 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 => random_number(rng),
        3 => Value::String(random_string(rng)),
        4 => {
            let d = depth.min(1 + rng.below(MAX_DEPTH));
            deep_value(rng, d)
        }
        5 => Value::Array((0..rng.below(6)).map(|_| random_value(rng, depth - 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                let key = if rng.chance(2) { random_string(rng) } else { (*rng.pick(all_wire_names())).to_owned() };
                m.insert(key, random_value(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

/// A chain of arrays/objects `depth` levels deep ending in a random leaf.
fn deep_value(rng: &mut Rng, depth: usize) -> Value {
    let mut v = random_value(rng, 0);
    for _ in 0..depth {
        v = if rng.chance(2) {
            Value::Array(vec![v])
        } else {
            let key = (*rng.pick(all_wire_names())).to_owned();
            let mut m = Map::new();
            m.insert(key, v);
            Value::Object(m)
        };
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Model metadata
// ---------------------------------------------------------------------------------------------

/// Fields (wire name, type expression) of a method's input type, from the description the method
/// table gives (a request model of `MODELS`, or an input of `prove_core::api::inputs`).
fn fields_of(type_name: &str) -> Vec<(&'static str, &'static str)> {
    let meta = describe_type(type_name).unwrap_or_else(|| panic!("input type {type_name} is not described"));
    meta.fields.iter().map(|f| (f.wire, f.ty)).collect()
}

/// Every wire name of every model (used as plausible keys).
fn all_wire_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let set: BTreeSet<&'static str> = MODELS.iter().flat_map(|m| m.fields.iter().map(|f| f.wire)).collect();
        set.into_iter().collect()
    })
}

/// Our own vocabulary (wire names, model and method names, enum values, error kinds). An error
/// message may legitimately contain these (it names fields and lists allowed values), so a sent
/// string equal to one of them does not count as echoed input.
fn vocabulary() -> &'static BTreeSet<String> {
    static VOCAB: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    VOCAB.get_or_init(|| {
        let mut v: BTreeSet<String> = all_wire_names().iter().map(|s| s.to_string()).collect();
        v.extend(MODELS.iter().map(|m| m.name.to_owned()));
        v.extend(ENUMS.iter().flat_map(|e| e.values.iter().map(|s| s.to_string())));
        v.extend(methods().iter().flat_map(|m| [m.name.to_owned(), m.request_type.to_owned()]));
        v.extend(KNOWN_KINDS.iter().map(|s| s.to_string()));
        // Words of our own messages that a valid input may also contain.
        v.extend(["required", "input", "field", "must", "valid", "digits", "items", "characters"].map(String::from));
        v
    })
}

/// A value of the wrong JSON type for `ty`, or a garbage value of the right type.
fn mutant_for(rng: &mut Rng, ty: &str) -> Value {
    let wrong_type = rng.chance(2);
    if ty == "string" || ty.starts_with("enum:") {
        if wrong_type {
            match rng.below(5) {
                0 => random_number(rng),
                1 => Value::Bool(rng.chance(2)),
                2 => json!([random_string(rng)]),
                3 => json!({ "value": random_string(rng) }),
                _ => {
                    let d = 1 + rng.below(MAX_DEPTH);
                    deep_value(rng, d)
                }
            }
        } else {
            Value::String(random_string(rng))
        }
    } else if ty == "integer" || ty == "number" {
        if wrong_type {
            match rng.below(4) {
                0 => Value::String(random_string(rng)),
                1 => json!("10"),
                2 => Value::Bool(true),
                _ => json!([1]),
            }
        } else {
            random_number(rng)
        }
    } else if ty == "boolean" {
        match rng.below(5) {
            0 => json!("true"),
            1 => json!(1),
            2 => Value::String(random_string(rng)),
            3 => json!({}),
            _ => json!([true]),
        }
    } else if let Some(inner) = ty.strip_prefix("array<").and_then(|s| s.strip_suffix('>')) {
        match rng.below(6) {
            0 => Value::String(random_string(rng)),
            1 => json!({}),
            2 => json!([]),
            3 => {
                // more items than any batch allows
                let item = mutant_for(rng, inner);
                Value::Array(vec![item; 101 + rng.below(50)])
            }
            4 => Value::Array((0..1 + rng.below(4)).map(|_| mutant_for(rng, inner)).collect()),
            _ => Value::Array(vec![Value::Null]),
        }
    } else if ty.starts_with("ref:") || ty.starts_with("union<") || ty == "object" || ty.starts_with("map<") {
        match rng.below(5) {
            0 => Value::String(random_string(rng)),
            1 => json!([]),
            2 => json!({}),
            3 => random_number(rng),
            _ => random_value(rng, 3),
        }
    } else {
        random_value(rng, 3)
    }
}

/// Every field path of `type_name` reachable from the input (nested models up to `depth` levels),
/// with its type. Paths step through arrays of models by their first item.
fn field_paths(type_name: &str, depth: usize) -> Vec<(Vec<Step>, &'static str)> {
    let mut out = Vec::new();
    for (wire, ty) in fields_of(type_name) {
        out.push((vec![Step::Key(wire)], ty));
        if depth == 0 {
            continue;
        }
        let (nested, via_array) = match ty.strip_prefix("array<").and_then(|s| s.strip_suffix('>')) {
            Some(inner) => (models_in(inner), true),
            None => (models_in(ty), false),
        };
        // A union's alternatives are all walked: a field of the other shape set on the first item
        // makes an item that mixes both shapes, which must fail cleanly too.
        for n in nested {
            for (mut sub, sty) in field_paths(n, depth - 1) {
                let mut p = vec![Step::Key(wire)];
                if via_array {
                    p.push(Step::First);
                }
                p.append(&mut sub);
                out.push((p, sty));
            }
        }
    }
    out
}

/// The models a type expression holds directly: `ref:A` → `[A]`, `union<ref:A|ref:B>` →
/// `[A, B]`, anything else → none.
fn models_in(ty: &'static str) -> Vec<&'static str> {
    if let Some(name) = ty.strip_prefix("ref:") {
        return vec![name];
    }
    match ty.strip_prefix("union<").and_then(|s| s.strip_suffix('>')) {
        Some(inner) => inner.split('|').filter_map(|alt| alt.strip_prefix("ref:")).collect(),
        None => Vec::new(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    First,
}

/// Set the value at `path` of `root` (creating objects/arrays on the way); `None` removes it.
fn set_path(root: &mut Value, path: &[Step], value: Option<Value>) {
    let Some((last, init)) = path.split_last() else {
        return;
    };
    let mut cur = root;
    for (i, step) in init.iter().enumerate() {
        let next_is_first = matches!(path.get(i + 1), Some(Step::First));
        let fresh = || {
            if next_is_first {
                json!([{}])
            } else {
                json!({})
            }
        };
        cur = match step {
            Step::Key(k) => {
                if !cur.is_object() {
                    *cur = json!({});
                }
                let Some(obj) = cur.as_object_mut() else {
                    return;
                };
                let slot = obj.entry(k.to_string()).or_insert_with(fresh);
                if slot.is_null() {
                    *slot = fresh();
                }
                slot
            }
            Step::First => {
                if !matches!(cur.as_array(), Some(a) if !a.is_empty()) {
                    *cur = json!([{}]);
                }
                let Some(first) = cur.as_array_mut().and_then(|a| a.first_mut()) else {
                    return;
                };
                first
            }
        };
    }
    match (last, cur) {
        (Step::Key(k), Value::Object(obj)) => {
            match value {
                Some(v) => obj.insert(k.to_string(), v),
                None => obj.remove(*k),
            };
        }
        (Step::Key(k), other) => {
            if let Some(v) = value {
                *other = json!({ *k: v });
            }
        }
        (Step::First, other) => {
            if let Some(v) = value {
                *other = json!([v]);
            }
        }
    }
}

fn path_text(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::First => s.push_str("[0]"),
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// The valid input of each method with the most fields, from the shared request vectors.
fn seed_inputs() -> std::collections::BTreeMap<String, Value> {
    let path = format!("{}/../tests/vectors/requests.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = std::collections::BTreeMap::new();
    for case in v["cases"].as_array().unwrap_or_else(|| panic!("{path}: no cases")) {
        let (Some(method), Some(input)) = (case["method"].as_str(), case.get("input")) else {
            continue;
        };
        let size = input.to_string().len();
        let better = out.get(method).is_none_or(|old: &Value| old.to_string().len() < size);
        if better {
            out.insert(method.to_owned(), input.clone());
        }
    }
    out
}

/// One generated call: what it mutated (for reports) and the input.
struct Case {
    what: String,
    input: Value,
}

/// The inputs of one method: field-by-field mutations of `seed` and some wholly random inputs.
fn cases_for(rng: &mut Rng, request_type: &str, seed: &Value) -> Vec<Case> {
    let mut cases = vec![
        Case { what: "null input".into(), input: Value::Null },
        Case { what: "array input".into(), input: json!([seed.clone()]) },
        Case { what: "number input".into(), input: json!(42) },
        Case { what: "float input".into(), input: json!(-1.5e300) },
        Case { what: "string input".into(), input: json!(seed.to_string()) },
        Case { what: "bool input".into(), input: json!(true) },
        Case { what: "empty object".into(), input: json!({}) },
        Case { what: "deep input".into(), input: deep_value(rng, MAX_DEPTH) },
    ];
    let paths = field_paths(request_type, 4);
    let budget = INPUTS_PER_METHOD.saturating_sub(cases.len());
    // Every path at least once (wrong type), then random paths with random mutations.
    for (i, n) in (0..budget.max(paths.len())).enumerate() {
        let mut input = seed.clone();
        let what;
        if paths.is_empty() || n % 7 == 6 {
            input = random_value(rng, 4);
            if rng.chance(2) {
                // an object of plausible keys with random values
                let mut m = Map::new();
                for _ in 0..1 + rng.below(8) {
                    m.insert((*rng.pick(all_wire_names())).to_owned(), random_value(rng, 3));
                }
                input = Value::Object(m);
            }
            what = "random input".to_owned();
        } else {
            let (path, ty) = if i < paths.len() { &paths[i] } else { rng.pick(&paths) };
            match rng.below(8) {
                0 => {
                    set_path(&mut input, path, None);
                    what = format!("{} removed", path_text(path));
                }
                1 => {
                    let mut extra = path.clone();
                    extra.pop();
                    extra.push(Step::Key("notAField"));
                    set_path(&mut input, &extra, Some(Value::String(random_string(rng))));
                    what = format!("unknown key next to {}", path_text(path));
                }
                _ => {
                    set_path(&mut input, path, Some(mutant_for(rng, ty)));
                    what = format!("{} ({ty}) mutated", path_text(path));
                }
            }
            // Sometimes two fields at once.
            if rng.chance(4) {
                let (p2, t2) = rng.pick(&paths);
                set_path(&mut input, p2, Some(mutant_for(rng, t2)));
            }
        }
        cases.push(Case { what, input });
    }
    cases
}

/// Whether `v` has an object with a key matching `pred` at any depth.
fn has_key_with(v: &Value, pred: fn(&str) -> bool) -> bool {
    match v {
        Value::Array(a) => a.iter().any(|x| has_key_with(x, pred)),
        Value::Object(m) => m.keys().any(|k| pred(k)) || m.values().any(|x| has_key_with(x, pred)),
        _ => false,
    }
}

/// Every string value in `v` (not keys).
fn strings_in<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
}

/// A sent string found in `text`, if any (longer than 3 characters and not our own vocabulary).
fn echoed<'a>(sent: &[&'a str], text: &str) -> Option<&'a str> {
    sent.iter().copied().find(|s| s.trim().chars().count() > 3 && !vocabulary().contains(*s) && text.contains(*s))
}

/// A short printable description of an input for failure reports.
fn describe(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}… ({} bytes)", s.len())
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

fn operation_requests(sandbox: &Sandbox) -> u64 {
    let c = sandbox.counters();
    c.total_requests - c.token_requests
}

#[derive(Default)]
struct Tally {
    calls: usize,
    ok: usize,
    local_validation: usize,
    remote_errors: usize,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, method: &str, what: &str, input: &Value, problem: impl std::fmt::Display) {
        if self.failures.len() < 50 {
            self.failures.push(format!("{method} [{what}] {problem}\n    input: {}", describe(input)));
        } else if self.failures.len() == 50 {
            self.failures.push("… (more failures not shown)".into());
        }
    }
}

/// Runs one call in its own task and checks everything the module documentation promises.
async fn check_call(sandbox: &Sandbox, client: &Client, tally: &mut Tally, method: &str, what: &str, input: Value) {
    tally.calls += 1;
    let before = operation_requests(sandbox);
    let task = {
        let (client, method, input) = (client.clone(), method.to_owned(), input.clone());
        tokio::spawn(async move { call_json(&client, &method, input).await })
    };
    let outcome = match tokio::time::timeout(HANG_BOUND, task).await {
        Err(_) => return tally.fail(method, what, &input, format!("no answer within {HANG_BOUND:?} (hang)")),
        Ok(Err(join)) if join.is_panic() => return tally.fail(method, what, &input, "PANICKED"),
        Ok(Err(join)) => return tally.fail(method, what, &input, format!("task failed: {join}")),
        Ok(Ok(r)) => r,
    };
    let sent_requests = operation_requests(sandbox) - before;
    let mut sent = Vec::new();
    strings_in(&input, &mut sent);
    match outcome {
        Ok(v) => {
            tally.ok += 1;
            if sent_requests == 0 {
                tally.fail(method, what, &input, "succeeded without any request reaching the sandbox");
            }
            if !v.is_object() {
                tally.fail(method, what, &input, format!("succeeded with a non-object value: {}", describe(&v)));
            }
        }
        Err(e) => check_error(tally, method, what, &input, &e, sent_requests, &sent),
    }
}

fn check_error(
    tally: &mut Tally,
    method: &str,
    what: &str,
    input: &Value,
    e: &Error,
    sent_requests: u64,
    sent: &[&str],
) {
    let kind = e.kind().as_str();
    if !KNOWN_KINDS.contains(&kind) {
        tally.fail(method, what, input, format!("unknown error kind {kind}"));
    }
    let shown = e.to_string();
    if let Some(s) = echoed(sent, &shown) {
        let s: String = s.chars().take(60).collect();
        tally.fail(method, what, input, format!("error echoes the sent value {s:?}: {e}"));
    }
    if e.status().is_some() {
        tally.remote_errors += 1;
        if sent_requests == 0 {
            tally.fail(method, what, input, format!("error has HTTP status but no request reached the sandbox: {e}"));
        }
        return;
    }
    if kind == "Validation" {
        tally.local_validation += 1;
        match e.field.as_deref() {
            None => tally.fail(method, what, input, format!("Validation error names no field: {e}")),
            // An empty key of the input is reported by its (empty) name.
            Some("") if !has_key_with(input, str::is_empty) => {
                tally.fail(method, what, input, format!("Validation error names an empty field: {e}"))
            }
            Some(f) if !e.message.contains(f) => {
                tally.fail(method, what, input, format!("Validation message does not mention its field {f:?}: {e}"))
            }
            _ => {}
        }
        if sent_requests != 0 {
            tally.fail(
                method,
                what,
                input,
                format!("local Validation error but {sent_requests} request(s) were sent: {e}"),
            );
        }
    } else {
        tally.remote_errors += 1;
        // Errors without a status (Timeout, Transport, Decode, Auth of the token step) come
        // from a call that did go out.
        if sent_requests == 0 && kind != "Auth" {
            tally.fail(method, what, input, format!("{kind} error without any request reaching the sandbox: {e}"));
        }
    }
}

fn robustness_client(sandbox: &Sandbox) -> Client {
    let config = Config::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .retry(RetryPolicy::none())
        .timeout(CALL_TIMEOUT)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("config");
    Client::new(config).expect("client")
}

fn seed() -> u64 {
    std::env::var("ROBUSTNESS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED)
}

fn finish(name: &str, tally: Tally, seed: u64) {
    eprintln!(
        "{name}: {} calls (seed {seed}): {} ok, {} local validation errors, {} errors from the sandbox",
        tally.calls, tally.ok, tally.local_validation, tally.remote_errors
    );
    if !tally.failures.is_empty() {
        let mut msg = format!("{name}: {} problem(s) (seed {seed}):\n", tally.failures.len());
        for f in &tally.failures {
            let _ = writeln!(msg, "- {f}");
        }
        panic!("{msg}");
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_inputs_of_every_method_fail_cleanly_or_reach_the_sandbox() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = robustness_client(&sandbox);
    let seeds = seed_inputs();
    let seed = seed();
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let mut methods_seen = 0;
    for m in methods() {
        let base =
            seeds.get(m.name).unwrap_or_else(|| panic!("tests/vectors/requests.json has no case for {}", m.name));
        // The seed itself must go through cleanly (it is a valid input).
        check_call(&sandbox, &client, &mut tally, m.name, "valid seed", base.clone()).await;
        for case in cases_for(&mut rng, m.request_type, base) {
            check_call(&sandbox, &client, &mut tally, m.name, &case.what, case.input).await;
        }
        methods_seen += 1;
    }
    assert_eq!(methods_seen, methods().len());
    assert!(tally.calls >= methods().len() * INPUTS_PER_METHOD, "only {} calls ran", tally.calls);
    // The generator must exercise both sides: inputs rejected locally and inputs that go out.
    assert!(tally.local_validation > tally.calls / 4, "too few local rejections: {}", tally.local_validation);
    assert!(tally.ok + tally.remote_errors > methods().len(), "too few calls reached the sandbox");
    finish("mutated inputs", tally, seed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_and_non_object_inputs_are_validation_errors() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = robustness_client(&sandbox);
    let seed = seed() ^ 0xa5a5;
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();

    // Unknown method names: always a Validation error on `method`, nothing sent, name not echoed.
    let mut names: Vec<String> = [
        "",
        " ",
        "flow",
        "flow.",
        ".start",
        "flow.start ",
        " flow.start",
        "FLOW.START",
        "flow.Start",
        "flow.start\0",
        "flow/start",
        "flow..start",
        "identityManager.pages",
        "identityManager.list",
        "constructor",
        "__proto__",
        "toString",
        "token",
        "auth.token",
        "V3StartRequest",
        "sandbox.reset",
        "\u{0}",
        "\u{1f600}",
        "flow.start\u{200b}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.push("m".repeat(MAX_LONG_STRING));
    for _ in 0..200 {
        names.push(random_string(&mut rng));
    }
    for name in &names {
        if methods().iter().any(|m| m.name == name) {
            continue;
        }
        let input = random_value(&mut rng, 3);
        let before = operation_requests(&sandbox);
        let r = call_json(&client, name, input.clone()).await;
        tally.calls += 1;
        match r {
            Ok(_) => tally.fail(
                "<unknown>",
                "unknown method",
                &input,
                format!("method {:?} succeeded", describe(&json!(name))),
            ),
            Err(e) => {
                tally.local_validation += 1;
                if e.kind().as_str() != "Validation" || e.field.as_deref() != Some("method") {
                    tally.fail(
                        "<unknown>",
                        "unknown method",
                        &input,
                        format!("expected Validation on `method`, got {e:?}"),
                    );
                }
                if name.trim().chars().count() > 3
                    && !vocabulary().contains(name)
                    && e.to_string().contains(name.as_str())
                {
                    tally.fail("<unknown>", "unknown method", &input, "error echoes the method name");
                }
                if operation_requests(&sandbox) != before {
                    tally.fail("<unknown>", "unknown method", &input, "a request was sent");
                }
            }
        }
    }

    // Inputs that are not objects, for every method: null is "no input" (allowed for methods
    // whose fields are all optional); anything else is a Validation error naming `input`.
    for m in methods() {
        for input in
            [json!([]), json!([{}]), json!(0), json!(-1.5), json!(u64::MAX), json!(""), json!("{}"), json!(false)]
        {
            let before = operation_requests(&sandbox);
            let r = call_json(&client, m.name, input.clone()).await;
            tally.calls += 1;
            match r {
                Ok(_) => tally.fail(m.name, "non-object input", &input, "succeeded"),
                Err(e) => {
                    tally.local_validation += 1;
                    if e.kind().as_str() != "Validation" || e.field.is_none() || e.status().is_some() {
                        tally.fail(
                            m.name,
                            "non-object input",
                            &input,
                            format!("expected a local Validation error, got {e:?}"),
                        );
                    }
                    if operation_requests(&sandbox) != before {
                        tally.fail(m.name, "non-object input", &input, "a request was sent");
                    }
                }
            }
        }
        check_call(&sandbox, &client, &mut tally, m.name, "null input", Value::Null).await;
    }
    finish("unknown methods and non-object inputs", tally, seed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_garbage_calls_leave_the_client_usable() {
    // Many garbage calls at once on one client (shared token cache and pool), then a valid call
    // must still work: a bad input never poisons shared state.
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = robustness_client(&sandbox);
    let seeds = seed_inputs();
    let mut rng = Rng::new(seed() ^ 0x5a5a);
    let mut tasks = Vec::new();
    for i in 0..1_000 {
        let m = methods()[i % methods().len()];
        let base = seeds.get(m.name).cloned().unwrap_or(Value::Null);
        let cases = cases_for(&mut rng, m.request_type, &base);
        let input = cases[rng.below(cases.len())].input.clone();
        let client = client.clone();
        tasks.push(tokio::spawn(
            async move { call_json(&client, m.name, input).await.err().map(|e| e.kind().as_str()) },
        ));
    }
    let mut panics = 0;
    for t in tasks {
        match tokio::time::timeout(HANG_BOUND * 2, t).await {
            Err(_) => panic!("a concurrent garbage call hung"),
            Ok(Err(j)) if j.is_panic() => panics += 1,
            Ok(Err(j)) => panic!("task failed: {j}"),
            Ok(Ok(Some(kind))) => assert!(KNOWN_KINDS.contains(&kind), "unknown kind {kind}"),
            Ok(Ok(None)) => {}
        }
    }
    assert_eq!(panics, 0, "{panics} concurrent garbage call(s) panicked");
    let ok = call_json(&client, "domain.id", json!({})).await;
    assert!(ok.is_ok(), "a valid call after the garbage failed: {:?}", ok.err());
}

// ---------------------------------------------------------------------------------------------
// Findings: minimal reproductions of defects the generator found (all fixed since: non-object
// inputs are refused, URL values are length-checked, unknown keys are named exactly). They now
// guard against regressions.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn array_inputs_are_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = robustness_client(&sandbox);
    for (method, input) in
        [("identityManager.batchGet", json!([5])), ("identityManager.listAll", json!([])), ("domain.id", json!([]))]
    {
        let before = operation_requests(&sandbox);
        let r = call_json(&client, method, input.clone()).await;
        let e = r.expect_err(&format!("{method} accepted the array {input} as its input"));
        assert_eq!((e.kind().as_str(), e.field.as_deref()), ("Validation", Some("input")), "{method}: {e:?}");
        assert_eq!(operation_requests(&sandbox), before, "{method}: a request was sent");
    }
}

#[tokio::test]
async fn overlong_url_values_are_validation_errors() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = robustness_client(&sandbox);
    let e = call_json(&client, "identityManager.get", json!({ "proveId": "x".repeat(70_000) }))
        .await
        .expect_err("an over-long proveId must fail");
    assert_eq!((e.kind().as_str(), e.field.as_deref()), ("Validation", Some("proveId")), "{e:?}");
}

#[tokio::test]
async fn unknown_keys_with_backticks_are_named_exactly() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = robustness_client(&sandbox);
    let e = call_json(&client, "domain.id", json!({ "`x": 1 })).await.expect_err("an unknown key must fail");
    assert_eq!((e.kind().as_str(), e.field.as_deref()), ("Validation", Some("`x")), "{e:?}");
    let e =
        call_json(&client, "identityManager.get", json!({ "proveId": "p", "a`b": 1 })).await.expect_err("unknown key");
    assert_eq!(e.field.as_deref(), Some("a`b"), "{e:?}");
}
