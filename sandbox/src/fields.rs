//! Reading the fields of a `/sandbox/` control request. Every bad value (wrong type, negative,
//! fractional where a whole number is needed, too large) is a [`FieldError`] naming the field,
//! answered as a 400 in Prove's error shape (`{"code", "message"}`); nothing here can panic or overflow.
use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

/// Prove's code for a missing required field.
const CODE_MISSING: i64 = 1001;
/// Prove's code for a malformed request (a value of the wrong type or out of range).
const CODE_INVALID: i64 = 8001;

/// A bad control request: Prove's code and a message naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub code: i64,
    pub message: String,
}

impl FieldError {
    /// `field 'X' is missing` (code 1001).
    pub fn missing(field: &str) -> Self {
        FieldError { code: CODE_MISSING, message: format!("field '{field}' is missing") }
    }

    /// A malformed request (code 8001).
    pub fn invalid(message: impl Into<String>) -> Self {
        FieldError { code: CODE_INVALID, message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The fields of a JSON object body; no body (`null`) reads as an empty object. JSON `null`
/// values count as absent.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'a> {
    map: Option<&'a Map<String, Value>>,
}

impl<'a> Fields<'a> {
    /// The body's fields, or an error when the body is JSON but not an object.
    pub fn of(body: &'a Value) -> Result<Self, FieldError> {
        match body {
            Value::Null => Ok(Fields { map: None }),
            Value::Object(m) => Ok(Fields { map: Some(m) }),
            _ => Err(FieldError::invalid("request body must be a JSON object")),
        }
    }

    /// The raw value of `field` (absent when null).
    pub fn get(&self, field: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(field)).filter(|v| !v.is_null())
    }

    /// Refuses any field not in `known`.
    pub fn only(&self, known: &[&str]) -> Result<(), FieldError> {
        match self.map.and_then(|m| m.keys().find(|k| !known.contains(&k.as_str()))) {
            Some(k) => Err(FieldError::invalid(format!(
                "unknown field '{}' (expected one of: {})",
                shorten(k),
                known.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// An optional string.
    pub fn opt_str(&self, field: &str) -> Result<Option<&'a str>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(FieldError::invalid(format!("field '{field}' must be a string"))),
        }
    }

    /// A required non-empty string.
    pub fn req_str(&self, field: &str) -> Result<&'a str, FieldError> {
        self.opt_str(field)?.filter(|s| !s.is_empty()).ok_or_else(|| FieldError::missing(field))
    }

    /// An optional number from 0 to `max` (fractions allowed).
    pub fn opt_number(&self, field: &str, max: f64) -> Result<Option<f64>, FieldError> {
        let Some(v) = self.get(field) else {
            return Ok(None);
        };
        let out_of_range = || FieldError::invalid(format!("field '{field}' must be a number from 0 to {max}"));
        match v.as_f64() {
            Some(n) if n.is_finite() && (0.0..=max).contains(&n) => Ok(Some(n)),
            Some(_) => Err(out_of_range()),
            None => Err(FieldError::invalid(format!("field '{field}' must be a number, not {}", type_name(v)))),
        }
    }

    /// An optional whole number from 0 to `max` (`5.0` is accepted as 5).
    pub fn opt_whole(&self, field: &str, max: u64) -> Result<Option<u64>, FieldError> {
        let Some(v) = self.get(field) else {
            return Ok(None);
        };
        let out_of_range = || FieldError::invalid(format!("field '{field}' must be a whole number from 0 to {max}"));
        let Value::Number(n) = v else {
            return Err(FieldError::invalid(format!("field '{field}' must be a number, not {}", type_name(v))));
        };
        if let Some(u) = n.as_u64() {
            return if u <= max { Ok(Some(u)) } else { Err(out_of_range()) };
        }
        // Negative integers and fractions. `max` is far below 2^53 for every caller, so an f64
        // that passes the range check converts exactly.
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f >= 0.0 && f <= max as f64 => Ok(Some(f as u64)),
            _ => Err(out_of_range()),
        }
    }

    /// A duration given as `ms` or `seconds` (exactly one of them), from 0 to `max`. `missing` is
    /// the message when neither is given.
    pub fn duration(&self, max: Duration, missing: &str) -> Result<(Duration, &'static str), FieldError> {
        let max_ms = max.as_secs_f64() * 1000.0;
        let ms = self.opt_number("ms", max_ms)?;
        let seconds = self.opt_number("seconds", max.as_secs_f64())?;
        let (field, secs) = match (ms, seconds) {
            (Some(_), Some(_)) => {
                return Err(FieldError::invalid("give either field 'ms' or field 'seconds', not both"))
            }
            (Some(ms), None) => ("ms", ms / 1000.0),
            (None, Some(s)) => ("seconds", s),
            (None, None) => return Err(FieldError { code: CODE_MISSING, message: missing.to_owned() }),
        };
        // In range by the checks above; try_from keeps this free of panics regardless.
        let d = Duration::try_from_secs_f64(secs)
            .map_err(|_| FieldError::invalid(format!("field '{field}' is not a valid duration")))?;
        Ok((d, field))
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A field name as it may appear in a message: at most 40 characters.
fn shorten(name: &str) -> String {
    if name.chars().count() <= 40 {
        name.to_owned()
    } else {
        format!("{}…", name.chars().take(40).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_range_and_type_checked() {
        let body = json!({"a": -1, "b": 1.5, "c": "5", "d": 7, "e": 1e300, "f": 5.0, "g": u64::MAX});
        let f = Fields::of(&body).unwrap();
        assert!(f.opt_number("a", 10.0).unwrap_err().message.contains("'a'"));
        assert_eq!(f.opt_number("b", 10.0), Ok(Some(1.5)));
        assert!(f.opt_number("c", 10.0).unwrap_err().message.contains("not a string"));
        assert_eq!(f.opt_whole("d", 10), Ok(Some(7)));
        assert!(f.opt_whole("b", 10).is_err());
        assert!(f.opt_whole("a", 10).is_err());
        assert!(f.opt_whole("e", 10).is_err());
        assert_eq!(f.opt_whole("f", 10), Ok(Some(5)));
        assert!(f.opt_whole("g", 10).is_err());
        assert_eq!(f.opt_whole("missing", 10), Ok(None));
        assert!(Fields::of(&json!([1])).is_err());
    }

    #[test]
    fn durations_take_exactly_one_unit() {
        let max = Duration::from_secs(100);
        let d = |v: Value| Fields::of(&v).unwrap().duration(max, "none").map(|(d, f)| (d.as_millis(), f));
        assert_eq!(d(json!({"ms": 1500})), Ok((1500, "ms")));
        assert_eq!(d(json!({"seconds": 0.5})), Ok((500, "seconds")));
        assert_eq!(d(json!({})).unwrap_err().code, 1001);
        assert!(d(json!({"ms": 1, "seconds": 1})).is_err());
        assert!(d(json!({"seconds": 1e20})).unwrap_err().message.contains("'seconds'"));
        assert!(d(json!({"ms": -5})).unwrap_err().message.contains("'ms'"));
    }
}
