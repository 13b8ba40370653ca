//! Request-body validation worded like Prove's: a missing required field is 400 code 1001
//! `field 'X' is missing`; an invalid value or a body of the wrong JSON type is 400 code 8001.
use serde_json::{Map, Value};

use crate::api::ApiResponse;

/// Result of a step that may answer with an error.
pub type Res<T> = Result<T, ApiResponse>;

/// 400 code 8001 (malformed request) with a reason.
pub fn invalid(reason: impl Into<String>) -> ApiResponse {
    ApiResponse::error(400, 8001, reason.into())
}

/// Most items a batch request may carry (verify batch, identity batch enroll).
pub const MAX_BATCH: usize = 100;

/// The items of a batch request, each with its field-name prefix (`items[i].`) for messages:
/// at least one item (else 400 1001 naming `items`), at most [`MAX_BATCH`] (else 400 8001).
pub fn batch_items(items: Option<&Vec<Value>>) -> Res<Vec<(&Value, String)>> {
    let items = items.filter(|a| !a.is_empty()).ok_or_else(|| ApiResponse::missing_field("items"))?;
    if items.len() > MAX_BATCH {
        return Err(invalid(format!("field 'items' must hold at most {MAX_BATCH} items")));
    }
    Ok(items.iter().enumerate().map(|(i, item)| (item, format!("items[{i}]."))).collect())
}

/// A JSON object request body. A missing body reads as an empty object (so required fields are
/// reported as missing); any other non-object JSON is malformed.
#[derive(Clone, Copy)]
pub struct Body<'a> {
    map: Option<&'a Map<String, Value>>,
    /// Prefix for field names in messages, e.g. `items[2].`.
    prefix: &'a str,
}

impl<'a> Body<'a> {
    /// Reads the request body.
    pub fn parse(body: &'a Value) -> Res<Body<'a>> {
        match body {
            Value::Null => Ok(Body { map: None, prefix: "" }),
            Value::Object(m) => Ok(Body { map: Some(m), prefix: "" }),
            _ => Err(invalid("request body must be a JSON object")),
        }
    }

    /// A nested object (e.g. an item of a batch) whose field names are reported as `prefix<name>`.
    pub fn nested(value: &'a Value, prefix: &'a str) -> Res<Body<'a>> {
        match value {
            Value::Object(m) => Ok(Body { map: Some(m), prefix }),
            _ => Err(invalid(format!("field '{}' must be an object", prefix.trim_end_matches('.')))),
        }
    }

    fn name(&self, field: &str) -> String {
        format!("{}{}", self.prefix, field)
    }

    /// The raw value of a field; JSON `null` counts as absent.
    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(field)).filter(|v| !v.is_null())
    }

    /// True when the field is present (and not null).
    pub fn has(&self, field: &str) -> bool {
        self.raw(field).is_some()
    }

    /// An optional string; an empty string counts as absent.
    pub fn opt_str(&self, field: &str) -> Res<Option<&'a str>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(invalid(format!("field '{}' must be a string", self.name(field)))),
        }
    }

    /// A required string; absent, null or empty is `field 'X' is missing`.
    pub fn req_str(&self, field: &str) -> Res<&'a str> {
        self.opt_str(field)?.ok_or_else(|| ApiResponse::missing_field(&self.name(field)))
    }

    /// An optional boolean.
    pub fn opt_bool(&self, field: &str) -> Res<Option<bool>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(invalid(format!("field '{}' must be a boolean", self.name(field)))),
        }
    }

    /// An optional array.
    pub fn opt_array(&self, field: &str) -> Res<Option<&'a Vec<Value>>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(invalid(format!("field '{}' must be an array", self.name(field)))),
        }
    }

    /// An optional object.
    pub fn opt_object(&self, field: &str) -> Res<Option<&'a Map<String, Value>>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(_) => Err(invalid(format!("field '{}' must be an object", self.name(field)))),
        }
    }

    /// A required string from a fixed set of values.
    pub fn req_enum(&self, field: &str, allowed: &[&str]) -> Res<&'a str> {
        let v = self.req_str(field)?;
        if allowed.contains(&v) {
            Ok(v)
        } else {
            Err(invalid(format!("field '{}' must be one of: {}", self.name(field), allowed.join(", "))))
        }
    }
}

/// Checks the documented correlation id shape
/// `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`.
pub fn is_uuid(s: &str) -> bool {
    let groups = [8usize, 4, 4, 4, 12];
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == groups.len()
        && parts
            .iter()
            .zip(groups)
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// A required correlation id in the documented shape.
pub fn correlation_id<'a>(body: &Body<'a>) -> Res<&'a str> {
    let id = body.req_str("correlationId")?;
    if is_uuid(id) {
        Ok(id)
    } else {
        Err(invalid(
            "field 'correlationId' must be a UUID (^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)",
        ))
    }
}

/// `finalTargetUrl`: required when `required`, at most 128 characters, http(s).
pub fn final_target_url<'a>(body: &Body<'a>, required: bool) -> Res<Option<&'a str>> {
    // An empty string is no URL: only a missing field (or null) is absent, as for `ssn` and `dob`.
    let url = match (required, body.raw("finalTargetUrl")) {
        (true, _) => Some(body.req_str("finalTargetUrl")?),
        (false, Some(Value::String(s))) if s.is_empty() => Some(""),
        (false, _) => body.opt_str("finalTargetUrl")?,
    };
    if let Some(u) = url {
        if u.chars().count() > 128 {
            return Err(invalid("field 'finalTargetUrl' must be at most 128 characters"));
        }
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            return Err(invalid("field 'finalTargetUrl' must be an http(s) URL"));
        }
    }
    Ok(url)
}

/// A date of birth as Prove accepts it: `YYYY-MM-DD`, `YYYY-MM` or `MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dob {
    Full(u16, u8, u8),
    YearMonth(u16, u8),
    MonthDay(u8, u8),
}

impl Dob {
    /// Parses one of the accepted formats.
    pub fn parse(s: &str) -> Option<Dob> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Option<u16> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        let month_ok = |m: u16| (1..=12).contains(&m);
        let day_ok = |d: u16| (1..=31).contains(&d);
        match parts.as_slice() {
            [y, m, d] => {
                let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
                (month_ok(m) && day_ok(d)).then_some(Dob::Full(y, m as u8, d as u8))
            }
            [a, b] if a.len() == 4 => {
                let (y, m) = (num(a, 4)?, num(b, 2)?);
                month_ok(m).then_some(Dob::YearMonth(y, m as u8))
            }
            [a, b] => {
                let (m, d) = (num(a, 2)?, num(b, 2)?);
                (month_ok(m) && day_ok(d)).then_some(Dob::MonthDay(m as u8, d as u8))
            }
            _ => None,
        }
    }

    /// True when this (possibly partial) date agrees with the full date `YYYY-MM-DD`.
    pub fn matches(&self, full: &str) -> bool {
        match (self, Dob::parse(full)) {
            (_, Some(Dob::Full(y, m, d))) => match *self {
                Dob::Full(a, b, c) => (a, b, c) == (y, m, d),
                Dob::YearMonth(a, b) => (a, b) == (y, m),
                Dob::MonthDay(b, c) => (b, c) == (m, d),
            },
            _ => false,
        }
    }
}

/// Optional `dob` in an accepted format. Absent (or `null`) is absent; an empty string is a
/// value in none of the formats and answers 400 8001, as an empty `ssn` does.
pub fn opt_dob<'a>(body: &Body<'a>) -> Res<Option<&'a str>> {
    let value = match body.raw("dob") {
        Some(Value::String(s)) if s.is_empty() => Some(""),
        _ => body.opt_str("dob")?,
    };
    match value {
        Some(d) if Dob::parse(d).is_none() => Err(invalid("field 'dob' must be YYYY-MM-DD, YYYY-MM or MM-DD")),
        other => Ok(other),
    }
}

/// Whether `s` is an SSN as Prove documents it: "the full or last 4 digits of the social
/// security number", numeric characters only (so no dashes, and not empty).
pub fn is_ssn(s: &str) -> bool {
    (s.len() == 9 || s.len() == 4) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Optional `ssn`: absent (or `null`), or nine digits or the last four. Unlike other optional
/// strings, an empty `ssn` does not count as absent: it is a value outside the documented format
/// and answers 400 8001, like `"12"` or `"847-35-0596"`.
pub fn opt_ssn(body: &Body<'_>) -> Res<Option<String>> {
    match body.raw("ssn") {
        None => Ok(None),
        Some(Value::String(s)) if is_ssn(s) => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(invalid(format!(
            "field '{}' must be 9 digits or the last 4 digits (digits only; leave it out when there is none)",
            body.name("ssn")
        ))),
        Some(_) => Err(invalid(format!("field '{}' must be a string", body.name("ssn")))),
    }
}

/// True when a submitted SSN (9 digits or last 4) agrees with the user's.
pub fn ssn_matches(submitted: &str, actual: Option<&str>) -> bool {
    match actual {
        Some(a) if submitted.len() == 4 => a.ends_with(submitted),
        Some(a) => a == submitted,
        None => false,
    }
}

/// A query parameter, required.
pub fn req_query<'a>(query: &'a std::collections::HashMap<String, String>, name: &str) -> Res<&'a str> {
    match query.get(name).map(String::as_str) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiResponse::missing_field(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dob_formats() {
        assert!(Dob::parse("1981-01-17").is_some_and(|d| d.matches("1981-01-17")));
        assert!(Dob::parse("1981-01").is_some_and(|d| d.matches("1981-01-17")));
        assert!(Dob::parse("01-17").is_some_and(|d| d.matches("1981-01-17")));
        assert!(Dob::parse("01-18").is_some_and(|d| !d.matches("1981-01-17")));
        assert!(Dob::parse("1981/01/17").is_none());
        assert!(Dob::parse("1981-13-01").is_none());
    }

    #[test]
    fn empty_dob_and_final_target_url_are_values_not_absence() {
        let code = |r: ApiResponse| (r.status, r.body["code"].as_i64());
        let body = serde_json::json!({"dob": "", "finalTargetUrl": ""});
        let b = Body::parse(&body).unwrap();
        assert_eq!(code(opt_dob(&b).unwrap_err()), (400, Some(8001)));
        assert_eq!(code(final_target_url(&b, false).unwrap_err()), (400, Some(8001)));
        assert_eq!(code(final_target_url(&b, true).unwrap_err()), (400, Some(1001)));
        let body = serde_json::json!({"dob": null, "finalTargetUrl": null});
        let b = Body::parse(&body).unwrap();
        assert_eq!(opt_dob(&b).unwrap(), None);
        assert_eq!(final_target_url(&b, false).unwrap(), None);
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"));
        assert!(!is_uuid("0B8E7F6A-1C2D-4E5F-8A9B-0C1D2E3F4A5B"));
        assert!(!is_uuid("not-a-uuid"));
    }

    #[test]
    fn ssn_format_is_digits_only_and_never_empty() {
        assert!(is_ssn("847350596") && is_ssn("0596"));
        for bad in ["", "847-35-0596", "84735059", "059a", " 0596"] {
            assert!(!is_ssn(bad), "{bad:?}");
        }
        let body = serde_json::json!({"ssn": ""});
        let e = opt_ssn(&Body::parse(&body).unwrap()).unwrap_err();
        assert_eq!((e.status, e.body["code"].as_i64()), (400, Some(8001)));
        let body = serde_json::json!({"ssn": null});
        assert_eq!(opt_ssn(&Body::parse(&body).unwrap()).unwrap(), None);
    }

    #[test]
    fn ssn_forms() {
        assert!(ssn_matches("0596", Some("847350596")));
        assert!(ssn_matches("847350596", Some("847350596")));
        assert!(!ssn_matches("1111", Some("847350596")));
    }
}
