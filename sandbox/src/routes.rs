//! Routing of Prove's API paths to operations, and the percent-decoding rules the sandbox applies
//! to path segments, query strings and form bodies.
use std::collections::HashMap;

use hyper::Method;

/// One segment of a path template.
#[derive(Debug, Clone, Copy)]
enum Seg {
    /// Must equal this text.
    Lit(&'static str),
    /// Captures the (percent-decoded) segment under this name.
    Param(&'static str),
}

/// One operation of Prove's API: method, path template and operationId.
#[derive(Debug)]
pub(crate) struct Route {
    /// Index into [`TABLE`] (used for per-path counters).
    pub index: usize,
    pub method: Method,
    /// The template, e.g. `/v3/identity/{proveId}`.
    pub template: &'static str,
    /// Prove's operationId, e.g. `V3GetIdentity`.
    pub op: &'static str,
    segs: Vec<Seg>,
}

/// Method, template and operationId of every operation, as in the API reference.
const TABLE: &[(&str, &str, &str)] = &[
    ("POST", "/token", "V3TokenRequest"),
    ("POST", "/v3/challenge", "V3ChallengeRequest"),
    ("POST", "/v3/complete", "V3CompleteRequest"),
    ("POST", "/v3/device/revoke", "V3DeviceRevokeRequest"),
    ("POST", "/v3/start", "V3StartRequest"),
    ("POST", "/v3/unify", "V3UnifyRequest"),
    ("POST", "/v3/unify-bind", "V3UnifyBindRequest"),
    ("POST", "/v3/unify-status", "V3UnifyStatusRequest"),
    ("POST", "/v3/validate", "V3ValidateRequest"),
    ("POST", "/v3/verify", "V3VerifyRequest"),
    ("POST", "/v3/verify/batch", "V3VerifyBatchRequest"),
    ("GET", "/v3/discover", "V3DiscoverRequest"),
    ("GET", "/v3/fetch", "V3FetchRequest"),
    ("GET", "/v3/identity", "V3BatchGetIdentities"),
    ("POST", "/v3/identity", "V3EnrollIdentity"),
    ("POST", "/v3/identity/batch", "V3BatchEnrollIdentities"),
    ("POST", "/v3/identity/{identityId}/cross-domain", "V3CrossDomainIdentity"),
    ("GET", "/v3/identity/{mobileNumber}/lookup", "V3GetIdentitiesByPhoneNumber"),
    ("DELETE", "/v3/identity/{proveId}", "V3DisenrollIdentity"),
    ("GET", "/v3/identity/{proveId}", "V3GetIdentity"),
    ("POST", "/v3/identity/{proveId}/activate", "V3ActivateIdentity"),
    ("POST", "/v3/identity/{proveId}/deactivate", "V3DeactivateIdentity"),
    ("POST", "/v3/domain/confirm-link", "V3DomainConfirmLinkRequest"),
    ("GET", "/v3/domain/id", "V3DomainIDRequest"),
    ("POST", "/v3/domain/link", "V3DomainLinkRequest"),
    ("GET", "/v3/domain/linked", "V3DomainLinkedRequest"),
    ("POST", "/v3/domain/unlink", "V3DomainUnlinkRequest"),
    ("POST", "/v1/server/auth/continue", "AuthContinueRequest"),
    ("POST", "/v1/server/auth/finish", "AuthFinishRequest"),
    ("POST", "/v1/server/auth/start", "AuthStartRequest"),
    ("POST", "/v3/verify-status", "V3VerifyStatusRequest"),
];

/// Index of `/token` in the route table.
pub(crate) const TOKEN_ROUTE: usize = 0;

/// The compiled route table.
pub(crate) struct Router {
    routes: Vec<Route>,
}

/// Why a path did not resolve to an operation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RouteError {
    /// No template matches the path.
    NotFound,
    /// A template matches, but not with this method; lists the allowed methods.
    MethodNotAllowed(Vec<Method>),
    /// A path segment is not valid UTF-8 once percent-decoded.
    BadEncoding,
}

/// A resolved request: the route and its decoded path parameters.
#[derive(Debug)]
pub(crate) struct Matched<'r> {
    pub route: &'r Route,
    pub params: HashMap<String, String>,
}

impl Router {
    /// Compile the route table.
    pub fn new() -> Self {
        let routes = TABLE
            .iter()
            .enumerate()
            .map(|(index, (method, template, op))| Route {
                index,
                method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST),
                template,
                op,
                segs: template
                    .split('/')
                    .skip(1)
                    .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Seg::Param(name),
                        None => Seg::Lit(s),
                    })
                    .collect(),
            })
            .collect();
        Router { routes }
    }

    /// Every route, in table order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Resolve `method` + raw `path` (without the query string). Literal segments win over
    /// parameters, so `/v3/identity/batch` is batch enrolment, not an identity called "batch".
    pub fn resolve(&self, method: &Method, path: &str) -> Result<Matched<'_>, RouteError> {
        let Some(rest) = path.strip_prefix('/') else {
            return Err(RouteError::NotFound);
        };
        let raw: Vec<&str> = rest.split('/').collect();
        let mut best: Option<(&Route, usize)> = None;
        let mut allowed: Vec<Method> = Vec::new();
        for route in &self.routes {
            let Some(score) = literal_score(&route.segs, &raw) else {
                continue;
            };
            if route.method != *method {
                if !allowed.contains(&route.method) {
                    allowed.push(route.method.clone());
                }
                continue;
            }
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((route, score));
            }
        }
        let Some((route, _)) = best else {
            return Err(if allowed.is_empty() { RouteError::NotFound } else { RouteError::MethodNotAllowed(allowed) });
        };
        let mut params = HashMap::new();
        for (seg, raw) in route.segs.iter().zip(&raw) {
            if let Seg::Param(name) = seg {
                let value = percent_decode(raw, false).ok_or(RouteError::BadEncoding)?;
                params.insert((*name).to_owned(), value);
            }
        }
        Ok(Matched { route, params })
    }
}

/// `Some(number of literal segments)` when `raw` fits `segs`, else `None`. Parameters match any
/// non-empty segment.
fn literal_score(segs: &[Seg], raw: &[&str]) -> Option<usize> {
    if segs.len() != raw.len() {
        return None;
    }
    let mut score = 0;
    for (seg, raw) in segs.iter().zip(raw) {
        match seg {
            Seg::Lit(lit) if lit == raw => score += 1,
            Seg::Lit(_) => return None,
            Seg::Param(_) if raw.is_empty() => return None,
            Seg::Param(_) => {}
        }
    }
    Some(score)
}

/// Percent-decode `input`. With `plus_is_space` (query strings and form bodies), `+` becomes a
/// space; in path segments it stays `+`. Malformed escapes are kept literally. `None` when the
/// decoded bytes are not UTF-8.
pub(crate) fn percent_decode(input: &str, plus_is_space: bool) -> Option<String> {
    let bytes = input.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || (plus_is_space && b == b'+')) {
        return Some(input.to_owned());
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parse `a=1&b=2` (query string or form body) into decoded pairs. Later duplicates win; pairs
/// that do not decode to UTF-8 are skipped.
pub(crate) fn parse_pairs(input: &str) -> HashMap<String, String> {
    input
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k, true)?, percent_decode(v, true)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths_without_turning_plus_into_space() {
        assert_eq!(percent_decode("%2B1%202065550100", false).as_deref(), Some("+1 2065550100"));
        assert_eq!(percent_decode("+12065550100", false).as_deref(), Some("+12065550100"));
        assert_eq!(percent_decode("a+b%20c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("100%", false).as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz%4", false).as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%ff", false), None);
    }

    #[test]
    fn resolves_literals_before_parameters() {
        let r = Router::new();
        let m = r.resolve(&Method::POST, "/v3/identity/batch").expect("route");
        assert_eq!(m.route.op, "V3BatchEnrollIdentities");
        let m = r.resolve(&Method::GET, "/v3/identity/abc%2Fdef").expect("route");
        assert_eq!(m.route.op, "V3GetIdentity");
        assert_eq!(m.params["proveId"], "abc/def");
        let m = r.resolve(&Method::GET, "/v3/identity/+1555/lookup").expect("route");
        assert_eq!(m.params["mobileNumber"], "+1555");
        assert_eq!(r.resolve(&Method::GET, "/v3/start").unwrap_err(), RouteError::MethodNotAllowed(vec![Method::POST]));
        assert_eq!(r.resolve(&Method::GET, "/v3/nope").unwrap_err(), RouteError::NotFound);
        assert_eq!(r.resolve(&Method::GET, "/v3/identity/").unwrap_err(), RouteError::NotFound);
    }

    #[test]
    fn parses_pairs() {
        let p = parse_pairs("client_id=a%20b&client_secret=s%2Bc&grant_type=client_credentials&x");
        assert_eq!(p["client_id"], "a b");
        assert_eq!(p["client_secret"], "s+c");
        assert_eq!(p["x"], "");
    }
}
