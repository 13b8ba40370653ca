//! Prints every language's types and error classes from `prove_core`'s metadata, so the
//! packages are derived from the core instead of copied: the Node package's TypeScript
//! declarations (models, enums, method inputs and outputs, the method groups of `ProveClient`),
//! its method table and error classes, and the generated part of the Python package (enums,
//! models, exceptions, method table). The list of files is `files::all()`.
//!
//! Usage: `prove-typegen write [--root DIR]`  rewrites every generated file that differs
//!        `prove-typegen check [--root DIR]`  fails (exit 1) listing the files that differ
//!        `prove-typegen ts`                  prints node/lib/generated/types.d.ts
//!        `prove-typegen methods-json`        prints the method table as JSON, for scripts
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use prove_core::api::methods::describe;
use prove_core::dispatch;
use prove_core::models::meta::{FieldMeta, ModelMeta, ENUMS, MODELS};

mod errors;
mod files;
mod python;
mod python_client;

const USAGE: &str = "usage: prove-typegen write|check [--root DIR] | ts | methods-json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = args.first().cloned().unwrap_or_default();
    let out = match arg.as_str() {
        "ts" => typescript(),
        "methods-json" => methods_json(),
        "write" | "check" => {
            let root = match args.get(1..).unwrap_or_default() {
                [] => files::default_root(),
                [flag, dir] if flag == "--root" => PathBuf::from(dir),
                _ => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            };
            return if arg == "write" { write(&root) } else { check(&root) };
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    print!("{out}");
    ExitCode::SUCCESS
}

fn write(root: &std::path::Path) -> ExitCode {
    match files::write(root, &files::all()) {
        Ok((changed, kept)) => {
            for c in &changed {
                println!("wrote {c}");
            }
            for k in &kept {
                eprintln!("warning: {k} is in a generated folder but is not generated; left alone");
            }
            if changed.is_empty() {
                println!("generated files are up to date");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("prove-typegen write: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(root: &std::path::Path) -> ExitCode {
    let files = files::all();
    let drift = files::check(root, &files);
    if drift.is_clean() {
        println!("{} generated files are up to date", files.len());
        return ExitCode::SUCCESS;
    }
    eprintln!("generated files differ from what prove-core describes:");
    for s in &drift.stale {
        eprintln!("  {s}");
    }
    for o in &drift.orphans {
        eprintln!("  {o} (in a generated folder, but not generated)");
    }
    eprintln!("fix: `{}` (or `npm run typegen` in node/)", files::FIX_COMMAND);
    ExitCode::FAILURE
}

/// The TypeScript form of a metadata type expression.
fn ts_type(expr: &str) -> String {
    if let Some(inner) = expr.strip_prefix("array<").and_then(|r| r.strip_suffix('>')) {
        let t = ts_type(inner);
        return if t.contains(' ') { format!("Array<{t}>") } else { format!("{t}[]") };
    }
    if let Some(inner) = expr.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
        return format!("Record<string, {}>", ts_type(inner));
    }
    if let Some(alternatives) = union_alternatives(expr) {
        return alternatives.iter().map(|a| ts_type(a)).collect::<Vec<_>>().join(" | ");
    }
    if let Some(name) = expr.strip_prefix("enum:") {
        return name.to_owned();
    }
    if let Some(name) = expr.strip_prefix("ref:") {
        return name.to_owned();
    }
    match expr {
        "string" => "string".into(),
        "boolean" => "boolean".into(),
        "integer" | "number" => "number".into(),
        "object" => "JsonValue".into(),
        other => {
            // An expression this generator does not know must fail loudly, not type as `any`.
            panic!("unknown type expression {other:?} in prove_core::models::meta");
        }
    }
}

/// The alternatives of `union<A|B|…>` (split at the top level only), or `None` for any other
/// expression. A union with fewer than two alternatives, or an empty one, is not a valid
/// expression and panics like any unknown expression.
pub(crate) fn union_alternatives(expr: &str) -> Option<Vec<&str>> {
    let inner = expr.strip_prefix("union<")?.strip_suffix('>')?;
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                out.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&inner[start..]);
    if out.len() < 2 || out.iter().any(|a| a.is_empty()) {
        panic!("malformed union type expression {expr:?} in prove_core::models::meta");
    }
    Some(out)
}

/// A JSDoc comment, or nothing when `doc` is empty.
fn jsdoc(out: &mut String, indent: &str, doc: &str) {
    let doc = doc.trim();
    if doc.is_empty() {
        return;
    }
    let doc = doc.replace("*/", "* /");
    let _ = writeln!(out, "{indent}/** {doc} */");
}

fn field_name(wire: &str) -> String {
    let plain = wire.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && wire.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        wire.to_owned()
    } else {
        format!("{wire:?}")
    }
}

fn interface(out: &mut String, name: &str, doc: &str, fields: &[FieldMeta]) {
    jsdoc(out, "", doc);
    let _ = writeln!(out, "export interface {name} {{");
    for f in fields {
        jsdoc(out, "  ", f.doc);
        let opt = if f.required { "" } else { "?" };
        let _ = writeln!(out, "  {}{opt}: {};", field_name(f.wire), ts_type(f.ty));
    }
    let _ = writeln!(out, "}}\n");
}

/// `flow.start` → (`flow`, `start`).
fn split(name: &str) -> (&str, &str) {
    name.split_once('.').unwrap_or(("", name))
}

/// `identityManager` → `IdentityManagerApi`.
fn group_type(group: &str) -> String {
    let mut c = group.chars();
    match c.next() {
        Some(f) => format!("{}{}Api", f.to_ascii_uppercase(), c.as_str()),
        None => "Api".into(),
    }
}

fn groups() -> Vec<&'static str> {
    let mut gs: Vec<&str> = Vec::new();
    for m in dispatch::methods() {
        let (g, _) = split(m.name);
        if !gs.contains(&g) {
            gs.push(g);
        }
    }
    gs
}

/// The inputs of methods addressed by path or query, and composite outputs, as the core
/// declares them (`prove_core::api::inputs` and `pages`).
pub(crate) const INPUTS: &[ModelMeta] = prove_core::api::inputs::DESCRIBED;

/// Whether the input type of a method has the field `wire`.
pub(crate) fn request_has_field(type_name: &str, wire: &str) -> bool {
    describe(type_name).is_some_and(|m| m.fields.iter().any(|f| f.wire == wire))
}

/// Whether the request of the method may be omitted (no required field).
fn request_optional(type_name: &str) -> bool {
    describe(type_name).is_some_and(|m| m.fields.iter().all(|f| !f.required))
}

fn typescript() -> String {
    let mut out = String::new();
    out.push_str(
        "// Generated by tools/typegen from prove-core's metadata (`cargo run -p prove-typegen -- ts`).\n\
         // Do not edit by hand: `npm run typegen` in node/ rewrites it, and the test command fails\n\
         // when it differs from what the core describes.\n\
         /* eslint-disable */\n\n",
    );
    out.push_str("/** Any JSON value (free-form objects are kept as sent). */\n");
    out.push_str(
        "export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };\n\n",
    );

    out.push_str("// ---- enums: known values; values this version does not know are kept as strings ----\n\n");
    for e in ENUMS {
        let known: Vec<String> = e.values.iter().map(|v| format!("{v:?}")).collect();
        let _ = writeln!(out, "/** Known values of `{}`. */", e.name);
        let _ = writeln!(out, "export type Known{} = {};", e.name, known.join(" | "));
        let _ = writeln!(
            out,
            "/** `{0}`: a known value, or a newer one sent by Prove (kept as a string). */\nexport type {0} = Known{0} | (string & {{}});",
            e.name
        );
        out.push('\n');
    }

    out.push_str("// ---- request and response models (wire names) ----\n\n");
    for m in MODELS {
        interface(&mut out, m.name, m.doc, m.fields);
    }

    out.push_str("// ---- inputs of methods addressed by path or query, and composite outputs ----\n\n");
    for i in INPUTS {
        interface(&mut out, i.name, i.doc, i.fields);
    }

    out.push_str("// ---- methods ----\n\n");
    out.push_str("/** Every method of the dispatch table: its request and response types. */\n");
    out.push_str("export interface ProveMethods {\n");
    for m in dispatch::methods() {
        let _ = writeln!(
            out,
            "  {:?}: {{ request: {}; response: {}; operationId: {:?} }};",
            m.name, m.request_type, m.response_type, m.operation_id
        );
    }
    out.push_str("}\n\n");
    out.push_str("/** A method name, e.g. `\"flow.start\"`. */\nexport type MethodName = keyof ProveMethods;\n\n");
    out.push_str(
        "/** Methods whose request carries `clientRequestId` (the per-call option fills it when absent). */\n",
    );
    let with_id: Vec<String> = dispatch::methods()
        .iter()
        .filter(|m| request_has_field(m.request_type, "clientRequestId"))
        .map(|m| format!("{:?}", m.name))
        .collect();
    let _ = writeln!(out, "export type MethodsWithClientRequestId = {};\n", with_id.join(" | "));

    out.push_str("/** Options of one call. */\n");
    out.push_str("export interface CallOptions {\n");
    out.push_str("  /** Total time of this call in milliseconds, retries included. */\n  timeoutMs?: number;\n");
    out.push_str("  /** Time limit of one attempt in milliseconds (reads and status polls retry after it). */\n  attemptTimeoutMs?: number;\n");
    out.push_str(
        "  /** Retries after the first attempt for this call; 0 switches retries off. */\n  retries?: number;\n",
    );
    out.push_str("  /** Sent as `clientRequestId` when the request has that field and does not set it. */\n  clientRequestId?: string;\n");
    out.push_str("}\n\n");

    for g in groups() {
        let _ = writeln!(out, "/** Methods of `client.{g}`. */");
        let _ = writeln!(out, "export interface {} {{", group_type(g));
        for m in dispatch::methods().iter().filter(|m| split(m.name).0 == g) {
            let (_, method) = split(m.name);
            let _ = writeln!(out, "  /** `{}` (Prove operation `{}`). */", m.name, m.operation_id);
            let q = if request_optional(m.request_type) { "?" } else { "" };
            let _ = writeln!(
                out,
                "  {method}(request{q}: {}, options?: CallOptions): Promise<{}>;",
                m.request_type, m.response_type
            );
        }
        out.push_str("}\n\n");
    }
    out.push_str("/** The method groups of `ProveClient`. */\nexport interface ProveGroups {\n");
    for g in groups() {
        let _ = writeln!(out, "  readonly {g}: {};", group_type(g));
    }
    out.push_str("}\n");
    out
}

fn methods_json() -> String {
    let list: Vec<serde_json::Value> = dispatch::methods()
        .iter()
        .map(|m| {
            serde_json::json!({
                "name": m.name,
                "operationId": m.operation_id,
                "requestType": m.request_type,
                "responseType": m.response_type,
                "clientRequestId": request_has_field(m.request_type, "clientRequestId"),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// `node/lib/generated/methods.cjs`: the method table the JavaScript layer checks the addon
/// against.
fn methods_cjs() -> String {
    let json = methods_json();
    format!(
        "// Generated by tools/typegen from prove-core's dispatch table (`npm run typegen`). Do not edit.\n\
         'use strict';\n\nmodule.exports = {};\n",
        json.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_type_is_described() {
        for m in dispatch::methods() {
            for t in [m.request_type, m.response_type] {
                let known = MODELS.iter().any(|x| x.name == t) || INPUTS.iter().any(|x| x.name == t);
                assert!(known, "{} uses {t}, which has no description", m.name);
            }
        }
    }

    #[test]
    fn every_reference_resolves() {
        let mut exprs: Vec<&str> = MODELS.iter().flat_map(|m| m.fields.iter().map(|f| f.ty)).collect();
        exprs.extend(INPUTS.iter().flat_map(|i| i.fields.iter().map(|f| f.ty)));
        fn resolves(e: &str) {
            let mut inner = e;
            while let Some(x) = inner.strip_prefix("array<").or_else(|| inner.strip_prefix("map<")) {
                inner = x.strip_suffix('>').unwrap_or(x);
            }
            if let Some(alternatives) = union_alternatives(inner) {
                alternatives.into_iter().for_each(resolves);
                return;
            }
            if let Some(r) = inner.strip_prefix("ref:") {
                assert!(MODELS.iter().any(|m| m.name == r) || INPUTS.iter().any(|i| i.name == r), "{r}");
            }
            if let Some(r) = inner.strip_prefix("enum:") {
                assert!(ENUMS.iter().any(|x| x.name == r), "{r}");
            }
        }
        for e in exprs {
            resolves(e);
            let _ = ts_type(e);
        }
    }

    #[test]
    fn type_expressions_map_to_typescript() {
        assert_eq!(ts_type("array<ref:Address>"), "Address[]");
        assert_eq!(ts_type("map<object>"), "Record<string, JsonValue>");
        assert_eq!(ts_type("array<map<string>>"), "Array<Record<string, string>>");
        assert_eq!(ts_type("enum:FlowType"), "FlowType");
        assert_eq!(field_name("x-y"), "\"x-y\"");
        assert_eq!(ts_type("union<ref:A|ref:B>"), "A | B");
        assert_eq!(
            ts_type("array<union<ref:EnrollIdentityItem|ref:IdentityItem>>"),
            "Array<EnrollIdentityItem | IdentityItem>"
        );
        assert_eq!(ts_type("union<array<ref:A>|map<string>>"), "A[] | Record<string, string>");
    }

    #[test]
    #[should_panic(expected = "malformed union")]
    fn a_union_of_one_is_refused() {
        let _ = ts_type("union<ref:A>");
    }

    #[test]
    fn batch_enroll_items_are_a_union_of_both_shapes() {
        let ts = typescript();
        assert!(ts.contains("  items?: Array<EnrollIdentityItem | IdentityItem>;\n"), "{ts}");
    }
}
