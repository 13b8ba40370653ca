#!/usr/bin/env python3
"""Generate the wire models of prove-core from the API reference.

Input:  spec/operations.yaml (or the path given as the first argument); see spec/README.md.
Output: core/src/models/generated.rs   Rust structs with exact wire names
        core/src/models/meta.rs        field/model/enum descriptions for binding generators
        core/src/ops.rs                operation metadata (method, path, retry class)
        tests/schema/api.json          compact schema used by tests to check
                                       that every response is schema-valid

Run from the repository root:  python3 tools/codegen/gen_models.py [operations.yaml]
Needs PyYAML (python3 -m pip install pyyaml). The outputs are committed; scripts/test.sh checks
that they are up to date.
"""
import json
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("gen_models.py needs PyYAML: python3 -m pip install pyyaml")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "spec", "operations.yaml")

doc = yaml.safe_load(open(SRC))
TYPES = doc["types"]
OPS = doc["operations"]

# Type names on our side: drop the V3 prefix, make a few names read better.
RENAMES = {
    "V3ChallengeIndividualRequest": "ChallengeIndividual",
    "V3ChallengeAddressEntryRequest": "ChallengeAddress",
    "V3CompleteIndividualRequest": "CompleteIndividual",
    "V3CompleteAddressEntryRequest": "CompleteAddress",
    "V3IdentityDeactivateRequest": "DeactivateIdentityRequest",
    "V3DomainIDResponse": "DomainIdResponse",
    "IDVDataInternal": "IdvDataInternal",
    "KYCInternal": "KycInternal",
    "KYCFieldTypeResponseInternal": "KycFieldTypeResponseInternal",
    "ErrorBody": "ErrorBody",
    "Legacy_EnrollIdentityItem": "EnrollIdentityItem",
}

# Field types we deliberately set differently from the reference.
# Batch enroll: the reference types items[] with the cross-domain IdentityItem (a schema-name
# collision, see spec/coverage.md), which is all the official SDKs can send, while Prove's guide
# and curl example use the enrollment shape. The item is a choice of the two (BatchEnrollItem).
FIELD_OVERRIDES = {
    ("V3BatchEnrollIdentitiesRequest", "items"): "Vec<BatchEnrollItem>",
}

# Descriptions of overridden fields (the reference's text describes the reference's type).
FIELD_DOCS = {
    ("V3BatchEnrollIdentitiesRequest", "items"):
        "The identities to enroll (1 to 100), each either a customer to enroll by phone number "
        "{phoneNumber, clientCustomerId?, deviceId?} or an identity already enrolled in another domain "
        "{clientName, identityId, pcid}.\n\n"
        "The first shape is the one of Prove's Identity Manager guide and curl example; the second is the item "
        "type of Prove's API description and the official SDKs (see BatchEnrollItem).",
}

# Hand-written Rust enums (core/src/models/enums.rs) whose value is one of several models, told
# apart by their fields; their type expression is union<ref:A|ref:B>.
UNIONS = {
    "BatchEnrollItem": ["EnrollIdentityItem", "IdentityItem"],
}


def rust_type_name(name):
    if name in RENAMES:
        return RENAMES[name]
    n = name
    if n.startswith("Legacy_V3"):
        n = "Legacy" + n[len("Legacy_V3"):]
    elif n.startswith("Legacy_"):
        n = "Legacy" + n[len("Legacy_"):]
    elif n.startswith("V3"):
        n = n[2:]
    return n


# Free-form objects (declared with no properties) are kept whole as JSON objects.
FREE_FORM = {n for n, t in TYPES.items() if t.get("kind") == "object" and t.get("free_form")}

# String fields with a documented value set that we type as enums (unknown values kept).
ENUM_FIELDS = {
    "flowType": "FlowType",
    "possessionType": "PossessionType",
    "possessionResult": "ResultStatus",
    "verifyResult": "ResultStatus",
    "verificationType": "VerificationType",
}

# Personal data and secrets: shown as <redacted> in Debug output.
PII = {
    "address", "addresses", "businessAddress", "city", "dateOfBirth", "dob", "email", "emailAddress",
    "emailAddresses", "emails", "extendedAddress", "firstName", "lastName", "last4", "mobileNumber",
    "nationalId", "phoneNumber", "postalCode", "zipCode", "ssn", "street", "streetNumber", "taxId",
    "ipAddress", "originatingIp", "sourceIp", "attributeValue", "individual", "name",
    "registrationNumber", "relatedPersons", "identity", "additionalIdentities", "identities",
}
SECRETS = {"access_token", "refresh_token", "authToken", "client_secret"}

RUST_KEYWORDS = {"type", "ref", "match", "move", "self", "static", "struct", "use", "where", "final", "box", "async", "await", "loop", "mod"}


def snake(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = s.lower()
    if s in RUST_KEYWORDS:
        s = "r#" + s
    return s


def field_doc(tname, fname, fd):
    return FIELD_DOCS.get((tname, fname), fd.get("description"))


def field_rust_type(tname, fname, fd):
    """Rust type of one field, without Option."""
    if (tname, fname) in FIELD_OVERRIDES:
        return FIELD_OVERRIDES[(tname, fname)]
    if fname == "next" and fd.get("type") == "map":
        return "NextSteps"
    if fname == "success" and fd.get("type") == "string":
        return "SuccessStatus"
    if fd.get("type") == "string" and fname in ENUM_FIELDS:
        return ENUM_FIELDS[fname]
    if "ref" in fd and not fd.get("type"):
        return ref_type(fd["ref"])
    t = fd["type"]
    if t == "string":
        return "String"
    if t == "boolean":
        return "bool"
    if t == "integer":
        return "i64"
    if t == "number":
        return "f64"
    if t == "array":
        return "Vec<%s>" % item_type(fd["items"])
    if t == "map":
        return "BTreeMap<String, %s>" % item_type(fd["values"])
    if t == "object":
        return "JsonObject"
    raise SystemExit("unknown field type %s.%s: %r" % (tname, fname, fd))


def ref_type(ref):
    if ref in FREE_FORM:
        return "JsonObject"
    return rust_type_name(ref)


def item_type(it):
    if "ref" in it:
        return ref_type(it["ref"])
    return {"string": "String", "integer": "i64", "number": "f64", "boolean": "bool"}[it["type"]]


def doc_lines(text, indent):
    if not text:
        return []
    text = text.strip().replace("\r", "")
    out = []
    for line in text.split("\n"):
        line = line.rstrip()
        out.append("%s///%s" % (indent, (" " + line) if line else ""))
    return out


def request_types():
    """Types reachable from request bodies: they get a constructor and builder-style setters."""
    seen = set()
    todo = [op["request_body"]["type"] for op in OPS if op.get("request_body")]
    todo.append("Legacy_V3VerifyRequest")
    todo.append("Legacy_EnrollIdentityItem")
    while todo:
        n = todo.pop()
        if n in seen or n not in TYPES or TYPES[n].get("kind") != "object" or n in FREE_FORM:
            continue
        seen.add(n)
        for fname, fd in TYPES[n]["fields"].items():
            for ref in (fd.get("ref"), (fd.get("items") or {}).get("ref"), (fd.get("values") or {}).get("ref")):
                if ref:
                    todo.append(ref)
    return seen


def setter_arg(rty):
    """Argument type of a setter for a field of Rust type rty (without Option)."""
    if rty == "String" or rty in set(ENUM_FIELDS.values()) | {"SuccessStatus"}:
        return "impl Into<%s>" % rty, "v.into()"
    return rty, "v"


def gen_builders(name, rname, fields):
    req = [(f, fd) for f, fd in fields.items() if fd.get("required")]
    out = ["impl %s {" % rname]
    args = []
    inits = []
    for f, fd in req:
        rty = field_rust_type(name, f, fd)
        a, conv = setter_arg(rty)
        ident = snake(f)
        args.append("%s: %s" % (ident, a))
        inits.append("        this.%s = %s;" % (ident, conv.replace("v", ident, 1) if conv != "v" else ident))
    out.append("    /// A value with the required fields set; set the others with the builder methods.")
    out.append("    pub fn new(%s) -> Self {" % ", ".join(args))
    if inits:
        out.append("        let mut this = Self::default();")
        out += inits
        out.append("        this")
    else:
        out.append("        Self::default()")
    out.append("    }")
    for f, fd in fields.items():
        rty = field_rust_type(name, f, fd)
        a, conv = setter_arg(rty)
        ident = snake(f)
        val = conv if fd.get("required") else "Some(%s)" % conv
        out.append("")
        out.append("    /// Sets `%s`." % f)
        out.append("    pub fn %s(mut self, v: %s) -> Self {" % (ident if not ident.startswith("r#") else ident, a))
        out.append("        self.%s = %s;" % (ident, val))
        out.append("        self")
        out.append("    }")
    out.append("}")
    out.append("")
    return out


# Names Kotlin and Swift see where the model's own name would clash there (`Result` is a
# standard type of both languages).
UNIFFI_NAMES = {"Result": "DiscoverResult"}


def gen_rust():
    out = [
        "// Generated by tools/codegen/gen_models.py from the Prove API reference. Do not edit by hand.",
        "#![allow(clippy::all)]",
        "use std::collections::BTreeMap;",
        "use std::fmt;",
        "",
        "use serde::{Deserialize, Serialize};",
        "",
        "use super::enums::*;",
        "use super::redact::Redacted;",
        "",
        "/// A JSON object kept exactly as the server sent it (for example an `evaluation` category).",
        "pub type JsonObject = serde_json::Map<String, serde_json::Value>;",
        "",
    ]
    for name, t in TYPES.items():
        if t.get("kind") != "object" or name in FREE_FORM:
            continue
        rname = rust_type_name(name)
        out += doc_lines(t.get("description"), "")
        if t.get("removed_in_latest") and name != "Legacy_EnrollIdentityItem":
            out.append("///")
            out.append("/// Not in the latest API reference; kept for servers and flows that still use it.")
        out.append("#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]")
        # Kotlin/Swift records with every field (free-form JSON crosses as the custom types of
        # core/src/models/uniffi_types.rs).
        out.append('#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]')
        # Kotlin's `toString()` and Swift's `debugDescription` of the record call this `Debug`,
        # which hides personal data and secrets; the data itself crosses intact.
        # (uniffi 0.32 looks the exported trait up under the Rust name, so a renamed record keeps
        # the data class's own printing; renamed records hold no sensitive field, checked here.)
        if rname in UNIFFI_NAMES:
            assert not any(is_sensitive(name, f, fd) for f, fd in t["fields"].items()), rname
            out.append('#[cfg_attr(feature = "uniffi", uniffi(name = "%s"))]' % UNIFFI_NAMES[rname])
        else:
            out.append('#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]')
        out.append("#[non_exhaustive]")
        out.append("pub struct %s {" % rname)
        fields = t["fields"]
        dbg = []
        for fname, fd in fields.items():
            rty = field_rust_type(name, fname, fd)
            req = fd.get("required", False)
            ident = snake(fname)
            out += doc_lines(field_doc(name, fname, fd), "    ")
            attrs = ['rename = "%s"' % fname]
            if req:
                if rty.startswith("Vec<") or rty.startswith("BTreeMap<") or rty in ("JsonObject", "NextSteps"):
                    attrs.append("default")
                ty = rty
            else:
                attrs.append('default, skip_serializing_if = "Option::is_none"')
                ty = "Option<%s>" % rty
            out.append("    #[serde(%s)]" % ", ".join(attrs))
            if not req:
                # Optional in Kotlin and Swift too: `null`/`nil` unless given.
                out.append('    #[cfg_attr(feature = "uniffi", uniffi(default))]')
            out.append("    pub %s: %s," % (ident, ty))
            if is_sensitive(name, fname, fd):
                dbg.append('            .field("%s", &Redacted::of(&self.%s))' % (ident.replace("r#", ""), ident))
            else:
                dbg.append('            .field("%s", &self.%s)' % (ident.replace("r#", ""), ident))
        out.append("}")
        out.append("")
        if name in REQUEST_TYPES:
            out += gen_builders(name, rname, fields)
        out.append("impl fmt::Debug for %s {" % rname)
        out.append("    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {")
        out.append('        f.debug_struct("%s")' % rname)
        out += dbg
        out.append("            .finish()")
        out.append("    }")
        out.append("}")
        out.append("")
    return "\n".join(out) + "\n"


def type_expr(tname, fname, fd):
    """Language-neutral type expression of a field, for binding generators."""
    rty = field_rust_type(tname, fname, fd)
    return rust_to_expr(rty)


def rust_to_expr(rty):
    if rty.startswith("Vec<"):
        return "array<%s>" % rust_to_expr(rty[4:-1])
    if rty.startswith("BTreeMap<String, "):
        return "map<%s>" % rust_to_expr(rty[len("BTreeMap<String, "):-1])
    prim = {"String": "string", "bool": "boolean", "i64": "integer", "f64": "number", "JsonObject": "object",
            "NextSteps": "map<string>"}
    if rty in prim:
        return prim[rty]
    if rty in set(ENUM_FIELDS.values()) | {"SuccessStatus"}:
        return "enum:" + rty
    if rty in UNIONS:
        return "union<%s>" % "|".join("ref:" + m for m in UNIONS[rty])
    return "ref:" + rty


def first_sentence(text):
    if not text:
        return ""
    t = " ".join(text.strip().split())
    m = re.match(r"(.+?[.!?])(\s|$)", t)
    return (m.group(1) if m else t)[:300]


def is_sensitive(type_name, fname, fd):
    """Personal data or a secret, hidden in Debug output and in every binding's printed values.
    Nested structs redact their own fields; scalars and string lists are redacted where they are."""
    scalar = field_rust_type(type_name, fname, fd) in ("String", "i64", "f64", "bool", "Vec<String>")
    return (fname in PII or fname in SECRETS) and scalar


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def gen_meta():
    out = [
        "// Generated by tools/codegen/gen_models.py from the Prove API reference. Do not edit by hand.",
        "//! Descriptions of every model, for generators of binding types (TypeScript, Python stubs, ...).",
        "//! Type expressions: `string`, `boolean`, `integer`, `number`, `object` (free-form JSON),",
        "//! `array<T>`, `map<T>` (string keys), `enum:Name` (see [`ENUMS`]), `ref:Name` (see [`MODELS`]),",
        "//! `union<ref:A|ref:B>` (a value of one of the models, told apart by its fields; see",
        "//! [`BatchEnrollItem`](super::BatchEnrollItem)).",
        "use super::enums::*;",
        "",
        "/// One field of a model.",
        "#[derive(Debug, Clone, Copy)]",
        "pub struct FieldMeta {",
        "    /// Exact JSON name.",
        "    pub wire: &'static str,",
        "    /// Type expression.",
        "    pub ty: &'static str,",
        "    pub required: bool,",
        "    /// First sentence of the reference's description.",
        "    pub doc: &'static str,",
        "    /// Personal data or a secret: every binding hides it when printing a value (as `Debug`",
        "    /// does in Rust). Nested models hide their own fields.",
        "    pub sensitive: bool,",
        "}",
        "",
        "/// One model (request or response object).",
        "#[derive(Debug, Clone, Copy)]",
        "pub struct ModelMeta {",
        "    /// Name of the Rust type in `prove_core::models`.",
        "    pub name: &'static str,",
        "    pub doc: &'static str,",
        "    pub fields: &'static [FieldMeta],",
        "}",
        "",
        "/// One string enum and its known values (unknown values are always accepted too).",
        "#[derive(Debug, Clone, Copy)]",
        "pub struct EnumMeta {",
        "    pub name: &'static str,",
        "    pub values: &'static [&'static str],",
        "}",
        "",
        "/// Every string enum of the models.",
        "pub const ENUMS: &[EnumMeta] = &[",
    ]
    for e in ["FlowType", "PossessionType", "SuccessStatus", "ResultStatus", "VerificationType", "NextStep"]:
        out.append('    EnumMeta { name: "%s", values: %s::KNOWN },' % (e, e))
    out.append("];")
    out.append("")
    out.append("/// Every model, in reference order.")
    out.append("pub const MODELS: &[ModelMeta] = &[")
    for name, t in TYPES.items():
        if t.get("kind") != "object" or name in FREE_FORM:
            continue
        out.append("    ModelMeta {")
        out.append('        name: "%s",' % rust_type_name(name))
        out.append("        doc: %s," % rust_str(first_sentence(t.get("description"))))
        out.append("        fields: &[")
        for fname, fd in t["fields"].items():
            out.append('            FieldMeta { wire: "%s", ty: "%s", required: %s, doc: %s, sensitive: %s },' % (
                fname, type_expr(name, fname, fd), "true" if fd.get("required") else "false",
                rust_str(first_sentence(field_doc(name, fname, fd))),
                "true" if is_sensitive(name, fname, fd) else "false"))
        out.append("        ],")
        out.append("    },")
    out.append("];")
    return "\n".join(out) + "\n"


def retry_class(op):
    if op["method"] == "GET" or op["operationId"] in ("V3UnifyStatusRequest", "V3VerifyStatusRequest"):
        return "RetryClass::Idempotent"
    return "RetryClass::StateChanging"


def const_name(op_id):
    n = op_id
    for suffix in ("Request",):
        if n.endswith(suffix) and n != suffix:
            n = n[: -len(suffix)]
    if n.startswith("V3"):
        n = n[2:]
    return snake(n).upper()


def gen_ops():
    out = [
        "// Generated by tools/codegen/gen_models.py from the Prove API reference. Do not edit by hand.",
        "//! Metadata of every Prove server operation: method, path template and retry class.",
        "",
        "/// HTTP method of an operation.",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub enum HttpMethod {",
        "    Get,",
        "    Post,",
        "    Delete,",
        "}",
        "",
        "/// Whether an operation may be retried after the request could have reached the server.",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub enum RetryClass {",
        "    /// Reads and status polls: retried on connect errors, timeouts, 429 and 502/503/504.",
        "    Idempotent,",
        "    /// Flow steps that change state: retried only when the request never reached the server, or on 429.",
        "    StateChanging,",
        "}",
        "",
        "/// One operation of the Prove server API.",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub struct Operation {",
        "    /// Prove's operationId (also the official SDKs' method name).",
        "    pub id: &'static str,",
        "    pub method: HttpMethod,",
        "    /// Path template; `{name}` placeholders are filled with percent-encoded values.",
        "    pub path: &'static str,",
        "    pub retry: RetryClass,",
        "    /// False for operations Prove has removed from the latest reference (`/v3/verify-status`).",
        "    pub current: bool,",
        "}",
        "",
    ]
    names = []
    for op in OPS:
        c = const_name(op["operationId"])
        names.append(c)
        m = {"GET": "HttpMethod::Get", "POST": "HttpMethod::Post", "DELETE": "HttpMethod::Delete"}[op["method"]]
        out += doc_lines(op.get("summary"), "")
        out.append("pub const %s: Operation = Operation {" % c)
        out.append('    id: "%s",' % op["operationId"])
        out.append("    method: %s," % m)
        out.append('    path: "%s",' % op["path"])
        out.append("    retry: %s," % retry_class(op))
        out.append("    current: %s," % ("false" if op.get("removed_in_latest") else "true"))
        out.append("};")
        out.append("")
    out.append("/// Every operation, in reference order.")
    out.append("pub const ALL: &[Operation] = &[%s];" % ", ".join(names))
    return "\n".join(out) + "\n"


def compact_field(fd):
    c = {}
    if "ref" in fd and not fd.get("type"):
        c["ref"] = fd["ref"]
    else:
        c["type"] = fd["type"]
        if fd["type"] == "array":
            c["items"] = fd["items"]
        if fd["type"] == "map":
            c["values"] = fd["values"]
    c["required"] = bool(fd.get("required"))
    cons = fd.get("constraints") or {}
    if "enum_documented" in cons:
        c["enum"] = cons["enum_documented"]
    return c


def gen_schema():
    types = {}
    for name, t in TYPES.items():
        if t.get("kind") == "enum":
            types[name] = {"enum": t["values"]}
        elif name in FREE_FORM:
            types[name] = {"free_form": True}
        else:
            types[name] = {"fields": {f: compact_field(fd) for f, fd in t["fields"].items()}}
    ops = []
    for op in OPS:
        ops.append({
            "id": op["operationId"],
            "method": op["method"],
            "path": op["path"],
            "request": (op.get("request_body") or {}).get("type"),
            "response": op["success"]["type"],
            "query": [{"name": q["name"], "required": bool(q.get("required"))} for q in op.get("query_params", [])],
            "error_statuses": [e["status"] for e in op["errors"] if isinstance(e["status"], int)],
            "current": not op.get("removed_in_latest", False),
        })
    return json.dumps({"operations": ops, "types": types}, indent=1, sort_keys=True) + "\n"


def rustfmt(text):
    """The Rust source formatted with the repository's rustfmt.toml, so that the generated files
    pass `cargo fmt --check` and regenerate byte for byte."""
    import subprocess
    r = subprocess.run(
        ["rustfmt", "--edition", "2021", "--config-path", os.path.join(ROOT, "rustfmt.toml"), "--emit", "stdout"],
        input=text, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("rustfmt failed on generated code:\n" + r.stderr)
    return r.stdout


def write(rel, text):
    if rel.endswith(".rs"):
        text = rustfmt(text)
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    old = open(path).read() if os.path.exists(path) else None
    if old != text:
        open(path, "w").write(text)
        print("wrote", rel)


REQUEST_TYPES = request_types()
write("core/src/models/generated.rs", gen_rust())
write("core/src/ops.rs", gen_ops())
write("core/src/models/meta.rs", gen_meta())
write("tests/schema/api.json", gen_schema())
