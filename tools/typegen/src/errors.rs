//! The error classes of every language, printed from `prove_core::ErrorKind::ALL` and
//! `ErrorKind::description()`: one class per kind, named `<Kind>Error`, under a base class
//! `ProveError` that carries the fields of `prove_core::Error`.
//!
//! The base classes are templates (`templates/errors.*.in`); this module fills in the per-kind
//! parts. The tests hold the templates to the fields of `prove_core::Error` and to the error
//! format of the Node adapter.
use std::fmt::Write as _;

use prove_core::ErrorKind;

const CJS_TEMPLATE: &str = include_str!("../templates/errors.cjs.in");
const DTS_TEMPLATE: &str = include_str!("../templates/errors.d.ts.in");
const PY_TEMPLATE: &str = include_str!("../templates/errors.py.in");

/// Prefix of the message of an error the Node addon rejects with (`ERROR_PREFIX` of
/// `bindings/node`; a test keeps them equal).
pub const NODE_ERROR_PREFIX: &str = "PROVE_SDK_ERROR:";

/// `RateLimited` → `RateLimitedError`.
pub fn class_name(kind: ErrorKind) -> String {
    format!("{}Error", kind.as_str())
}

/// Replaces every `@@NAME@@` of `template`; a placeholder left over is a bug of this generator.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        let marker = format!("@@{name}@@");
        assert!(out.contains(&marker), "template has no {marker}");
        out = out.replace(&marker, value);
    }
    assert!(!out.contains("@@"), "unfilled placeholder in a template");
    out
}

fn one_line(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `node/lib/errors.cjs`.
pub fn commonjs() -> String {
    let mut classes = String::new();
    let mut map = String::new();
    let mut exports = String::new();
    for kind in ErrorKind::ALL {
        let cls = class_name(kind);
        let doc = one_line(kind.description()).replace("*/", "* /");
        let _ = writeln!(classes, "/** {doc} */");
        let _ = writeln!(classes, "class {cls} extends ProveError {{}}");
        let _ = writeln!(classes, "{cls}.kind = '{}';", kind.as_str());
        let _ = writeln!(map, "  {}: {cls},", kind.as_str());
        let _ = writeln!(exports, "  {cls},");
    }
    let kinds: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    fill(
        CJS_TEMPLATE,
        &[
            ("ERROR_PREFIX", NODE_ERROR_PREFIX.to_owned()),
            ("KIND_LIST", kinds.join(", ")),
            ("CLASSES", classes),
            ("CLASS_MAP", map),
            ("EXPORTS", exports),
            ("API_CLASS", class_name(ErrorKind::Api)),
            ("API_KIND", ErrorKind::Api.as_str().to_owned()),
            ("VALIDATION_CLASS", class_name(ErrorKind::Validation)),
            ("VALIDATION_KIND", ErrorKind::Validation.as_str().to_owned()),
        ],
    )
}

/// `node/lib/generated/errors.d.ts`: the declarations of `errors.cjs` that `index.d.ts` exports.
pub fn typescript() -> String {
    let union: Vec<String> = ErrorKind::ALL.iter().map(|k| format!("  | '{}'", k.as_str())).collect();
    let mut classes = String::new();
    for kind in ErrorKind::ALL {
        let doc = one_line(kind.description()).replace("*/", "* /");
        let _ = writeln!(classes, "/** {doc} */");
        let _ = writeln!(classes, "export declare class {} extends ProveError {{}}", class_name(kind));
    }
    fill(DTS_TEMPLATE, &[("KIND_UNION", union.join("\n")), ("CLASSES", classes)])
}

/// `python/prove_sdk/_generated/errors.py`.
pub fn python() -> String {
    let mut literals = String::new();
    let mut classes = String::new();
    let mut map = String::new();
    let mut all = String::new();
    for kind in ErrorKind::ALL {
        let cls = class_name(kind);
        let _ = writeln!(literals, "    \"{}\",", kind.as_str());
        let _ = write!(
            classes,
            "\n\nclass {cls}(ProveError):\n    {}\n\n    KIND: ClassVar[ErrorKind] = \"{}\"\n",
            crate::python::docstring(&one_line(kind.description()), "    "),
            kind.as_str()
        );
        let _ = writeln!(map, "        \"{}\": {cls},", kind.as_str());
        let _ = writeln!(all, "    \"{cls}\",");
    }
    classes.push('\n');
    fill(
        PY_TEMPLATE,
        &[
            ("KIND_LITERALS", literals),
            ("API_KIND", ErrorKind::Api.as_str().to_owned()),
            ("CLASSES", classes),
            ("CLASS_MAP", map),
            ("ALL", all),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use prove_core::Error;
    use std::time::Duration;

    /// The field names of `prove_core::Error`, read from its `Debug` output with every field set
    /// (the struct is non-exhaustive, so it cannot be destructured here).
    fn core_error_fields() -> Vec<String> {
        let mut e = Error::new(ErrorKind::Api, "m");
        e.status = Some(500);
        e.code = Some(1);
        e.field = Some("f".into());
        e.retry_after = Some(Duration::from_secs(1));
        e.request_id = Some("r".into());
        e.correlation_id = Some("c".into());
        e.operation = Some("o");
        let debug = format!("{e:?}");
        let inner =
            debug.strip_prefix("Error { ").and_then(|s| s.strip_suffix(" }")).expect("Error's Debug is a struct");
        inner.split(", ").filter_map(|part| part.split_once(": ").map(|(k, _)| k.to_owned())).collect()
    }

    fn camel(snake: &str) -> String {
        let mut out = String::new();
        let mut up = false;
        for c in snake.chars() {
            if c == '_' {
                up = true;
            } else if up {
                out.push(c.to_ascii_uppercase());
                up = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn every_kind_is_printed_in_every_language() {
        let (cjs, dts, py) = (commonjs(), typescript(), python());
        for kind in ErrorKind::ALL {
            let (name, cls) = (kind.as_str(), class_name(kind));
            assert!(cjs.contains(&format!("class {cls} extends ProveError {{}}")), "{cls}");
            assert!(cjs.contains(&format!("{cls}.kind = '{name}';")), "{cls}");
            assert!(cjs.contains(&format!("  {name}: {cls},\n")), "{cls} in CLASSES");
            assert!(cjs.contains(&format!("\n  {cls},\n")), "{cls} exported");
            assert!(dts.contains(&format!("  | '{name}'")), "{name} in ErrorKind");
            assert!(dts.contains(&format!("export declare class {cls} extends ProveError {{}}")));
            assert!(py.contains(&format!("class {cls}(ProveError):")), "{cls}");
            assert!(py.contains(&format!("KIND: ClassVar[ErrorKind] = \"{name}\"")));
            assert!(py.contains(&format!("        \"{name}\": {cls},\n")), "{cls} mapped");
            assert!(py.contains(&format!("    \"{cls}\",\n")), "{cls} in __all__");
            let doc = one_line(kind.description());
            assert!(cjs.contains(&doc) && dts.contains(&doc), "{name}: description");
        }
        // Kinds and classes in the core's order.
        let order: Vec<usize> =
            ErrorKind::ALL.iter().map(|k| py.find(&format!("class {}(", class_name(*k))).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(cjs.matches(" extends ProveError {}").count(), ErrorKind::ALL.len());
        assert_eq!(py.matches("(ProveError):").count(), ErrorKind::ALL.len());
    }

    #[test]
    fn the_base_classes_carry_every_field_of_the_core_error() {
        let fields = core_error_fields();
        assert_eq!(
            fields,
            ["kind", "message", "status", "code", "field", "retry_after", "request_id", "correlation_id", "operation"],
            "prove_core::Error changed: update the templates and this list"
        );
        let (cjs, dts, py) = (commonjs(), typescript(), python());
        for f in &fields {
            // Node reports the delay in milliseconds and seconds; Python in seconds.
            let js = if f == "retry_after" { "retryAfterMs".to_owned() } else { camel(f) };
            if f == "message" {
                assert!(cjs.contains("super(message);"), "errors.cjs lacks message");
            } else {
                assert!(cjs.contains(&format!("this.{js} = ")), "errors.cjs lacks {js}");
                assert!(dts.contains(&format!("readonly {js}")), "errors.d.ts lacks {js}");
            }
            assert!(py.contains(&format!("        self.{f} = ")), "errors.py lacks {f}");
            assert!(py.contains(&format!("\n    {f}: ")), "errors.py does not declare {f}");
        }
    }

    /// The Python constructor reads exactly the keys of the core's error as data (what the Node
    /// adapter sends as JSON), and `to_dict` writes them back.
    #[test]
    fn python_reads_the_error_as_data_of_the_core() {
        let mut e = Error::new(ErrorKind::RateLimited, "m");
        e.status = Some(429);
        e.code = Some(1);
        e.field = Some("f".into());
        e.retry_after = Some(Duration::from_millis(1500));
        e.request_id = Some("r".into());
        e.correlation_id = Some("c".into());
        e.operation = Some("o");
        let data = serde_json::to_value(prove_core::binding::ErrorData::from(&e)).unwrap();
        let keys: Vec<&String> = data.as_object().expect("an object").keys().collect();
        assert_eq!(keys.len(), 9, "keys of ErrorData: {keys:?}");
        let py = python();
        for k in keys {
            assert!(py.contains(&format!("details.get(\"{k}\")")), "from_details does not read {k}");
            assert!(py.contains(&format!("(\"{k}\", ")) || k == "kind" || k == "message", "to_dict does not write {k}");
        }
        assert!(py.contains("{\"kind\": self.kind, \"message\": self.message}"));
        assert_eq!(data["retryAfterMs"], 1500, "milliseconds on the wire");
        assert!(py.contains("retry_after_ms / 1000"));
    }

    #[test]
    fn node_error_prefix_is_the_adapters() {
        let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../bindings/node/src/lib.rs"))
            .expect("bindings/node/src/lib.rs");
        assert!(
            src.contains(&format!("ERROR_PREFIX: &str = \"{NODE_ERROR_PREFIX}\"")),
            "the Node adapter's ERROR_PREFIX changed"
        );
    }

    #[test]
    fn templates_fill_completely() {
        for text in [commonjs(), typescript(), python()] {
            assert!(!text.contains("@@"));
        }
        assert!(commonjs().contains(&format!("const ERROR_PREFIX = '{NODE_ERROR_PREFIX}';")));
    }
}
