//! A small validator of response bodies against `tests/schema/api.json`: required fields present,
//! JSON types right, enums respected, no `null`, and no empty optional arrays/maps (G10).
use std::sync::OnceLock;

use serde_json::Value;

static SCHEMA_TEXT: &str = include_str!("../../../tests/schema/api.json");

pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).expect("api.json parses"))
}

/// The operation (id, response type, method, path template) serving `method path`.
pub fn operation_for(method: &str, path: &str) -> Option<(String, String)> {
    let path = path.split('?').next().unwrap_or(path);
    let ops = schema()["operations"].as_array()?;
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    // Literal templates win over parameterised ones (e.g. /v3/identity/batch vs /v3/identity/{proveId}).
    let mut best: Option<(usize, &Value)> = None;
    for op in ops {
        if op["method"].as_str() != Some(method) {
            continue;
        }
        let tpl: Vec<&str> = op["path"].as_str()?.trim_matches('/').split('/').collect();
        if tpl.len() != segs.len() {
            continue;
        }
        let mut literal = 0;
        let ok = tpl.iter().zip(&segs).all(|(t, s)| {
            if t.starts_with('{') {
                true
            } else {
                literal += 1;
                t == s
            }
        });
        if ok && best.is_none_or(|(l, _)| literal > l) {
            best = Some((literal, op));
        }
    }
    best.map(|(_, op)| (op["id"].as_str().unwrap_or("").to_string(), op["response"].as_str().unwrap_or("").to_string()))
}

/// Validates `value` against the named type; returns every problem found.
pub fn check(type_name: &str, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_type(type_name, value, "$", &mut problems);
    problems
}

fn check_type(type_name: &str, value: &Value, at: &str, out: &mut Vec<String>) {
    let Some(t) = schema()["types"].get(type_name) else {
        out.push(format!("{at}: unknown type {type_name}"));
        return;
    };
    if t.get("free_form").and_then(Value::as_bool) == Some(true) {
        if !value.is_object() {
            out.push(format!("{at}: expected object for {type_name}"));
        }
        return;
    }
    if let Some(allowed) = t.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            out.push(format!("{at}: {value} not in enum of {type_name}"));
        }
        return;
    }
    let Some(obj) = value.as_object() else {
        out.push(format!("{at}: expected object for {type_name}, got {value}"));
        return;
    };
    let fields = t["fields"].as_object().cloned().unwrap_or_default();
    for (name, spec) in &fields {
        let here = format!("{at}.{name}");
        let required = spec["required"].as_bool().unwrap_or(false);
        match obj.get(name) {
            None => {
                if required {
                    out.push(format!("{here}: required field missing"));
                }
            }
            Some(Value::Null) => out.push(format!("{here}: null")),
            Some(v) => {
                if !required {
                    let empty = matches!(v, Value::Array(a) if a.is_empty())
                        || matches!(v, Value::Object(o) if o.is_empty() && spec.get("type").and_then(Value::as_str) == Some("map"));
                    if empty {
                        out.push(format!("{here}: empty optional collection should be omitted"));
                    }
                }
                check_field(spec, v, &here, out);
            }
        }
    }
    for (k, v) in obj {
        if v.is_null() {
            out.push(format!("{at}.{k}: null"));
        }
    }
}

fn check_field(spec: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = spec.get("ref").and_then(Value::as_str) {
        if spec.get("type").is_none() {
            check_type(r, v, at, out);
            return;
        }
    }
    if let Some(allowed) = spec.get("enum").and_then(Value::as_array) {
        if !allowed.contains(v) {
            out.push(format!("{at}: {v} not in enum"));
        }
    }
    match spec.get("type").and_then(Value::as_str) {
        Some("string") if !v.is_string() => out.push(format!("{at}: expected string, got {v}")),
        Some("boolean") if !v.is_boolean() => out.push(format!("{at}: expected boolean, got {v}")),
        Some("integer") if !(v.is_i64() || v.is_u64()) => out.push(format!("{at}: expected integer, got {v}")),
        Some("number") if !v.is_number() => out.push(format!("{at}: expected number, got {v}")),
        Some("array") => match v.as_array() {
            None => out.push(format!("{at}: expected array, got {v}")),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_field(&spec["items"], item, &format!("{at}[{i}]"), out);
                }
            }
        },
        Some("map") => match v.as_object() {
            None => out.push(format!("{at}: expected map, got {v}")),
            Some(m) => {
                for (k, item) in m {
                    check_field(&spec["values"], item, &format!("{at}.{k}"), out);
                }
            }
        },
        _ => {}
    }
}
