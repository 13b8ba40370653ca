//! Input validation that runs before any network call.
//!
//! Every operation validates its request here first, so a mistake is reported at once, with the
//! wire name of the offending field, instead of as a 400 from Prove after a round trip. Errors are
//! [`ErrorKind::Validation`](crate::ErrorKind::Validation) with [`Error::field`] set; the message
//! names the field and the rule but never repeats the value (it may be personal data).
//!
//! The rules follow the API reference and Prove's guides: required fields present and non-empty,
//! required enums set to a known value, `correlationId` shaped as a UUID, `finalTargetUrl`
//! required for desktop flows and, when given, an absolute `http`/`https` URL of at most 128
//! characters without whitespace, control characters, backslashes or a `user:password@` part,
//! date-of-birth formats `YYYY-MM-DD`, `YYYY-MM` or `MM-DD` with real calendar ranges, SSN as 9
//! digits or the last 4 (an empty `ssn` is neither, and is refused), phone numbers as digits with
//! an optional leading `+`, `smsMessage` at most 160 characters, batches of at most 100 items
//! (batch-enrol items in either of their two shapes, each checked as its shape requires), and a
//! batch-get `limit` between 1 and 100.
//!
//! # Length caps
//!
//! Every string of a request body, at any depth, is capped (in characters), so a runaway value
//! is refused naming its field (for example `individual.addresses[0].city`) instead of being
//! sent. The cap depends on the field's wire name (for arrays of strings, the array's name):
//!
//! | fields | cap |
//! |---|---|
//! | `finalTargetUrl` (Prove's documented limit) | [`MAX_FINAL_TARGET_URL`] = 128 |
//! | `smsMessage` (Prove's documented limit) | [`MAX_SMS_MESSAGE`] = 160 |
//! | names: `firstName`, `lastName`, `clientName` | [`MAX_NAME_LEN`] = 256 |
//! | e-mail: `emailAddress`, `emailAddresses[i]` | [`MAX_EMAIL_LEN`] = 254 (RFC 5321) |
//! | address lines: `address`, `extendedAddress`, `city`, `region` | [`MAX_ADDRESS_LEN`] = 256 |
//! | `postalCode`, `zipCode` | [`MAX_POSTAL_CODE_LEN`] = 32 |
//! | IP addresses: `ipAddress`, `sourceIp`, `originatingIp` | [`MAX_IP_LEN`] = 64 |
//! | ids and keys: `clientRequestId`, `clientCustomerId`, `clientHumanId`, `deviceId`, `proveId`, `identityId`, `correlationId`, `pcid`, `pcidFrom`, `pcidTo`, `authId`, `requestId`, `userId`, `transactionId`, `subscriptionCustomerId`, `attributeId`, `attributeType`, `puids[i]`, `scopes[i]` | [`MAX_ID_LEN`] = 256 |
//! | any other string (message texts, notification texts, `callbackUrl`, `userAgent`, …) | [`MAX_TEXT_LEN`] = 1024 |
//!
//! Values sent in the URL (path segments and query parameters) have the same per-field caps and
//! are also at most [`MAX_URL_VALUE_LEN`] bytes.
//!
//! # Path parameters
//!
//! A value placed in a path segment (`proveId`, `identityId`, `mobileNumber`) must never change
//! which path is requested. The request builder percent-encodes everything outside
//! `A-Z a-z 0-9 - . _ ~`, so `/`, `\`, `?`, `#` and `%` cannot end the segment on our side, but
//! `.` and `..` pass unencoded and every URL library resolves them (`GET /v3/identity/..` becomes
//! `GET /v3/`), and a server or proxy that decodes a segment before routing would act on
//! `%2F`, `%5C`, `%3F`, `%23`, `%3B` or a double-encoded `%252e`. So a path value may not consist
//! of dots only, and may not contain `/`, `\`, `?`, `#`, `;`, `%` or control characters (see
//! [`check_path_params`]). The client enforces this for every operation before anything is sent;
//! the area methods check the same rule first, so the error names the argument.
use crate::error::{Error, Result};
use crate::models::*;

/// Largest number of items Prove accepts in one batch (verify batch, identity batch enroll) and
/// the largest page size of batch get.
pub const MAX_BATCH: usize = 100;
/// Maximum length of `finalTargetUrl`, in characters.
pub const MAX_FINAL_TARGET_URL: usize = 128;
/// Maximum length of `smsMessage`, in characters.
pub const MAX_SMS_MESSAGE: usize = 160;
/// Maximum length of a name (`firstName`, `lastName`, `clientName`), in characters.
pub const MAX_NAME_LEN: usize = 256;
/// Maximum length of an e-mail address, in characters (the limit of RFC 5321 paths).
pub const MAX_EMAIL_LEN: usize = 254;
/// Maximum length of an address line (`address`, `extendedAddress`, `city`, `region`), in
/// characters.
pub const MAX_ADDRESS_LEN: usize = 256;
/// Maximum length of `postalCode` / `zipCode`, in characters.
pub const MAX_POSTAL_CODE_LEN: usize = 32;
/// Maximum length of an IP address field, in characters (textual IPv6 needs at most 45).
pub const MAX_IP_LEN: usize = 64;
/// Maximum length of an id or key (`clientRequestId`, `proveId`, `pcid`, `deviceId`, …), in
/// characters.
pub const MAX_ID_LEN: usize = 256;
/// Maximum length of any other string of a request, in characters.
pub const MAX_TEXT_LEN: usize = 1024;
/// Fewest digits accepted in a phone number.
pub const MIN_PHONE_DIGITS: usize = 7;
/// Most digits accepted in a phone number (E.164 allows 15).
pub const MAX_PHONE_DIGITS: usize = 15;

/// A request that can check itself before it is sent.
pub trait Validate {
    /// `Ok(())` when the request may be sent; otherwise a validation error naming the first
    /// offending field by its wire name. The field rules of the request run first, then the
    /// length caps of every string it holds (see the module documentation).
    fn validate(&self) -> Result<()>;
}

/// The field rules of one request type; [`Validate`] adds the length caps.
trait Rules {
    fn rules(&self) -> Result<()>;
}

/// `Validate` for request types: their [`Rules`], then [`lengths`] over the whole request.
macro_rules! validate_with_lengths {
    ($($t:ty),* $(,)?) => {$(
        impl Validate for $t {
            fn validate(&self) -> Result<()> {
                Rules::rules(self)?;
                lengths(self)
            }
        }
    )*};
}

validate_with_lengths!(
    StartRequest,
    ValidateRequest,
    ChallengeRequest,
    CompleteRequest,
    VerifyRequest,
    LegacyVerifyRequest,
    VerifyStatusRequest,
    VerifyBatchRequest,
    UnifyRequest,
    UnifyStatusRequest,
    UnifyBindRequest,
    DeviceRevokeRequest,
    EnrollIdentityRequest,
    BatchEnrollIdentitiesRequest,
    ActivateIdentityRequest,
    DeactivateIdentityRequest,
    CrossDomainIdentityRequest,
    DomainLinkRequest,
    DomainConfirmLinkRequest,
    DomainUnlinkRequest,
    AuthStartRequest,
    AuthContinueRequest,
    AuthFinishRequest,
);

// ---------------------------------------------------------------------------------------------
// Field rules. Each takes the wire name of the field (with a path prefix for nested fields).

/// A required string: present and not blank.
pub(crate) fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "is required and must not be empty"));
    }
    Ok(())
}

/// Longest value accepted in a URL path segment or query parameter (ids, keys, request ids), in
/// bytes; the per-field caps of [`max_chars`] apply as well.
pub const MAX_URL_VALUE_LEN: usize = 1024;

/// A value sent in the URL (path segment or query parameter): required, not blank, at most
/// [`MAX_URL_VALUE_LEN`] bytes and within the field's cap ([`max_chars`]), so an over-long id is
/// a validation error naming its field rather than a URL the HTTP stack refuses.
pub(crate) fn url_value(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    if value.len() > MAX_URL_VALUE_LEN {
        return Err(Error::validation(field, format!("must be at most {MAX_URL_VALUE_LEN} bytes")));
    }
    capped(field, field, value)
}

/// Characters refused in a path parameter besides control characters: the ones a server or
/// proxy that decodes the segment before routing would read as a separator (`/`, `\`), the end
/// of the path (`?`, `#`), a path parameter (`;`), or another encoding (`%`).
const PATH_FORBIDDEN: &[char] = &['/', '\\', '?', '#', ';', '%'];

/// Why `value` may not be a path segment, if it may not (the message, never the value).
fn path_segment_problem(value: &str) -> Option<&'static str> {
    if !value.is_empty() && value.bytes().all(|b| b == b'.') {
        return Some("must not be '.' or '..' (or dots only): it would change the request path");
    }
    if value.chars().any(|c| c.is_control() || PATH_FORBIDDEN.contains(&c)) {
        return Some("must not contain '/', '\\', '?', '#', ';', '%' or control characters");
    }
    None
}

/// A value sent as a URL path segment (`proveId`, `identityId`, `mobileNumber`): a
/// [`url_value`] that cannot change which path is requested (see the module documentation).
/// Also applied to the same ids where they travel in the query, so an id is valid or not
/// whatever operation it is given to.
pub(crate) fn path_value(field: &str, value: &str) -> Result<()> {
    url_value(field, value)?;
    match path_segment_problem(value) {
        Some(why) => Err(Error::validation(field, why)),
        None => Ok(()),
    }
}

/// The rule for path values (module documentation, "Path parameters") for every `{placeholder}`
/// of `op`'s path, paired in order with `values` and named by the placeholder (its wire name).
/// The client runs this for every operation before building the URL, so no caller (typed
/// method, dispatch or `raw_call`) can send a path that a dot segment or a decoded separator
/// would rewrite.
pub fn check_path_params(op: &crate::ops::Operation, values: &[&str]) -> Result<()> {
    let mut rest = op.path;
    let mut values = values.iter();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break; // a malformed template is reported by the URL builder
        };
        let name = &rest[open + 1..close];
        match values.next() {
            Some(v) => path_value(name, v)?,
            None => break, // a missing value is reported by the URL builder
        }
        rest = &rest[close + 1..];
    }
    Ok(())
}

/// An optional string that, when present, must not be blank.
pub(crate) fn not_blank(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => required(field, v),
        None => Ok(()),
    }
}

/// Whether `s` has the shape `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hex digits
/// (either case).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 {
        return false;
    }
    b.iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == b'-',
        _ => c.is_ascii_hexdigit(),
    })
}

/// A required `correlationId`: a UUID as returned by start, verify or unify.
pub(crate) fn correlation_id(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    if !is_uuid(value) {
        return Err(Error::validation(
            field,
            "must be a UUID (8-4-4-4-12 hexadecimal digits), as returned by the step that started the flow",
        ));
    }
    Ok(())
}

/// A phone number: digits with an optional leading `+`, 7 to 15 digits.
pub(crate) fn phone(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Error::validation(field, "must contain only digits, with an optional leading '+'"));
    }
    if !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits.len()) {
        return Err(Error::validation(
            field,
            format!("must have between {MIN_PHONE_DIGITS} and {MAX_PHONE_DIGITS} digits"),
        ));
    }
    Ok(())
}

pub(crate) fn opt_phone(field: &str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| phone(field, v))
}

fn parse_digits(s: &str, len: usize) -> Option<u32> {
    if s.len() == len && s.bytes().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: Option<u32>, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        // Without a year (MM-DD), February 29 is a possible birthday.
        _ => match year {
            Some(y) if !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) => 28,
            _ => 29,
        },
    }
}

/// Whether `s` is a date of birth in one of Prove's formats (`YYYY-MM-DD`, `YYYY-MM`, `MM-DD`)
/// with a real month, a day that exists in that month, and a year from 1900 to 2099.
pub fn is_dob(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let year_ok = |y: u32| (1900..=2099).contains(&y);
    let month_ok = |m: u32| (1..=12).contains(&m);
    match parts.as_slice() {
        [y, m, d] => match (parse_digits(y, 4), parse_digits(m, 2), parse_digits(d, 2)) {
            (Some(y), Some(m), Some(d)) => year_ok(y) && month_ok(m) && d >= 1 && d <= days_in_month(Some(y), m),
            _ => false,
        },
        [a, b] if a.len() == 4 => match (parse_digits(a, 4), parse_digits(b, 2)) {
            (Some(y), Some(m)) => year_ok(y) && month_ok(m),
            _ => false,
        },
        [a, b] => match (parse_digits(a, 2), parse_digits(b, 2)) {
            (Some(m), Some(d)) => month_ok(m) && d >= 1 && d <= days_in_month(None, m),
            _ => false,
        },
        _ => false,
    }
}

pub(crate) fn opt_dob(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if !is_dob(v) => {
            Err(Error::validation(field, "must be a real date in the form YYYY-MM-DD, YYYY-MM or MM-DD"))
        }
        _ => Ok(()),
    }
}

/// Whether `s` is a full SSN (9 digits) or its last 4 digits.
pub fn is_ssn(s: &str) -> bool {
    (s.len() == 9 || s.len() == 4) && s.bytes().all(|c| c.is_ascii_digit())
}

/// An optional `ssn` (Start, Challenge, Complete's `individual.ssn`). Prove documents the value
/// as "the full or last 4 digits of the social security number", with numeric characters only
/// (API reference of `/v3/start` and `/v3/challenge`; Pre-Fill guide). An empty string is
/// neither, and nothing in Prove's documentation makes `""` stand for "not given": an absent
/// optional field is left out. So `""` is refused like any other malformed SSN (the official
/// SDKs validate nothing and pass it through; the sandbox answers it with 400 code 8001).
pub(crate) fn opt_ssn(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some("") => Err(Error::validation(
            field,
            "must not be empty: leave the field out when there is no SSN (Prove takes 9 digits or the last 4)",
        )),
        Some(v) if !is_ssn(v) => {
            Err(Error::validation(field, "must be 9 digits (full SSN) or 4 digits (last 4), digits only"))
        }
        _ => Ok(()),
    }
}

/// `finalTargetUrl`: required when `desktop` (Instant Link redirects there). When given, at most
/// 128 characters, and an absolute `http`/`https` URL with a host, without whitespace, control
/// characters, backslashes (URL parsers read them as `/`) or a `user:password@` part.
pub(crate) fn final_target_url(field: &str, value: Option<&str>, desktop: bool) -> Result<()> {
    match value {
        None if desktop => Err(Error::validation(field, "is required when the flow is desktop (Instant Link)")),
        None => Ok(()),
        Some(v) => {
            if desktop {
                required(field, v)?;
            }
            if v.chars().count() > MAX_FINAL_TARGET_URL {
                return Err(Error::validation(field, format!("must be at most {MAX_FINAL_TARGET_URL} characters")));
            }
            if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(Error::validation(field, "must not contain whitespace or control characters"));
            }
            if !is_http_url(v) {
                return Err(Error::validation(
                    field,
                    "must be an absolute http:// or https:// URL with a host, without a backslash or a user:password@ part",
                ));
            }
            Ok(())
        }
    }
}

/// Whether `s` is an absolute `http`/`https` URL with a host, no userinfo and no backslash.
/// The scheme must be followed by `//` literally (the URL parser would also accept `https:host`
/// or `https:\\host`).
pub fn is_http_url(s: &str) -> bool {
    let b = s.as_bytes();
    let has_prefix = |p: &[u8]| b.len() > p.len() && b[..p.len()].eq_ignore_ascii_case(p);
    if !(has_prefix(b"http://") || has_prefix(b"https://")) || s.contains('\\') {
        return false;
    }
    match reqwest::Url::parse(s) {
        Ok(u) => {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && u.username().is_empty()
                && u.password().is_none()
        }
        Err(_) => false,
    }
}

pub(crate) fn sms_message(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.chars().count() > MAX_SMS_MESSAGE => {
            Err(Error::validation(field, format!("must be at most {MAX_SMS_MESSAGE} characters")))
        }
        _ => Ok(()),
    }
}

/// A required string enum: set, and to a value this SDK knows.
macro_rules! known_enum {
    ($field:expr, $value:expr, $ty:ty) => {{
        let v: &$ty = $value;
        if v.as_str().is_empty() {
            Err(Error::validation($field, "is required"))
        } else if !v.is_known() {
            Err(Error::validation($field, format!("must be one of: {}", <$ty>::KNOWN.join(", "))))
        } else {
            Ok(())
        }
    }};
}

/// A batch: at least one and at most 100 items.
pub(crate) fn batch_size(field: &str, len: usize) -> Result<()> {
    if len == 0 {
        return Err(Error::validation(field, "must contain at least one item"));
    }
    if len > MAX_BATCH {
        return Err(Error::validation(field, format!("must contain at most {MAX_BATCH} items")));
    }
    Ok(())
}

/// The page size of batch get: 1 to 100.
pub(crate) fn page_limit(field: &str, limit: Option<u32>) -> Result<()> {
    match limit {
        Some(l) if l == 0 || l as usize > MAX_BATCH => {
            Err(Error::validation(field, format!("must be between 1 and {MAX_BATCH}")))
        }
        _ => Ok(()),
    }
}

/// Prove's rule for request ids of the auth API: alphanumeric with `-._+=/`.
pub(crate) fn auth_request_id(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || "-._+=/".contains(c)) {
        return Err(Error::validation(field, "may contain only letters, digits and the symbols - . _ + = /"));
    }
    Ok(())
}

fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref()
}

/// The length cap, in characters, of a string field with wire name `name` (for an array of
/// strings, the array's name). See the table in the module documentation.
pub fn max_chars(name: &str) -> usize {
    match name {
        "finalTargetUrl" => MAX_FINAL_TARGET_URL,
        "smsMessage" => MAX_SMS_MESSAGE,
        "firstName" | "lastName" | "clientName" => MAX_NAME_LEN,
        "emailAddress" | "emailAddresses" => MAX_EMAIL_LEN,
        "address" | "extendedAddress" | "city" | "region" => MAX_ADDRESS_LEN,
        "postalCode" | "zipCode" => MAX_POSTAL_CODE_LEN,
        "ipAddress" | "sourceIp" | "originatingIp" => MAX_IP_LEN,
        "clientRequestId"
        | "clientCustomerId"
        | "clientHumanId"
        | "deviceId"
        | "proveId"
        | "identityId"
        | "correlationId"
        | "pcid"
        | "pcidFrom"
        | "pcidTo"
        | "authId"
        | "requestId"
        | "userId"
        | "transactionId"
        | "subscriptionCustomerId"
        | "attributeId"
        | "attributeType"
        | "puids"
        | "scopes" => MAX_ID_LEN,
        _ => MAX_TEXT_LEN,
    }
}

/// `value` (of the field at `path`, whose wire name is `name`) within [`max_chars`]`(name)`.
fn capped(path: &str, name: &str, value: &str) -> Result<()> {
    let cap = max_chars(name);
    // A string of at most `cap` bytes has at most `cap` characters: count only longer ones.
    if value.len() > cap && value.chars().count() > cap {
        return Err(Error::validation(path, format!("must be at most {cap} characters")));
    }
    Ok(())
}

/// Every string of `body` (a request as sent), at any depth, within its field's cap; the error
/// names the first one over it by its path (`individual.addresses[0].city`, `scopes[2]`).
pub(crate) fn lengths<T: serde::Serialize + ?Sized>(body: &T) -> Result<()> {
    let value = serde_json::to_value(body)
        .map_err(|_| Error::validation("input", "could not be encoded as JSON for the length checks"))?;
    let mut path = String::new();
    walk_lengths(&value, &mut path, "")
}

fn walk_lengths(v: &serde_json::Value, path: &mut String, name: &str) -> Result<()> {
    use serde_json::Value;
    match v {
        Value::String(s) => capped(path, name, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let r = walk_lengths(item, path, name);
                path.truncate(len);
                r?;
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let r = walk_lengths(item, path, key);
                path.truncate(len);
                r?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-Fill / Prove Identity flow.

impl Rules for StartRequest {
    fn rules(&self) -> Result<()> {
        known_enum!("flowType", &self.flow_type, FlowType)?;
        let desktop = self.flow_type == FlowType::Desktop;
        if desktop && self.phone_number.is_none() {
            return Err(Error::validation("phoneNumber", "is required when flowType is desktop"));
        }
        opt_phone("phoneNumber", opt(&self.phone_number))?;
        final_target_url("finalTargetUrl", opt(&self.final_target_url), desktop)?;
        opt_dob("dob", opt(&self.dob))?;
        opt_ssn("ssn", opt(&self.ssn))?;
        sms_message("smsMessage", opt(&self.sms_message))?;
        not_blank("emailAddress", opt(&self.email_address))?;
        not_blank("ipAddress", opt(&self.ip_address))
    }
}

impl Rules for ValidateRequest {
    fn rules(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)
    }
}

impl Rules for ChallengeRequest {
    fn rules(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)?;
        opt_dob("dob", opt(&self.dob))?;
        opt_ssn("ssn", opt(&self.ssn))
    }
}

impl Rules for CompleteRequest {
    fn rules(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)?;
        let ind = &self.individual;
        let has = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        let named = has(&ind.first_name) && has(&ind.last_name);
        if !named && !has(&ind.ssn) {
            return Err(Error::validation("individual", "needs firstName and lastName, or ssn"));
        }
        opt_dob("individual.dob", opt(&ind.dob))?;
        opt_ssn("individual.ssn", opt(&ind.ssn))?;
        if let Some(emails) = &ind.email_addresses {
            for (i, e) in emails.iter().enumerate() {
                required(&format!("individual.emailAddresses[{i}]"), e)?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Verified Users.

impl Rules for VerifyRequest {
    fn rules(&self) -> Result<()> {
        known_enum!("verificationType", &self.verification_type, VerificationType)?;
        phone("phoneNumber", &self.phone_number)?;
        not_blank("firstName", opt(&self.first_name))?;
        not_blank("lastName", opt(&self.last_name))?;
        not_blank("emailAddress", opt(&self.email_address))?;
        not_blank("ipAddress", opt(&self.ip_address))
    }
}

impl Rules for LegacyVerifyRequest {
    fn rules(&self) -> Result<()> {
        known_enum!("possessionType", &self.possession_type, PossessionType)?;
        required("firstName", &self.first_name)?;
        required("lastName", &self.last_name)?;
        phone("phoneNumber", &self.phone_number)?;
        let desktop = self.possession_type == PossessionType::Desktop;
        final_target_url("finalTargetUrl", opt(&self.final_target_url), desktop)?;
        sms_message("smsMessage", opt(&self.sms_message))?;
        not_blank("emailAddress", opt(&self.email_address))
    }
}

impl Rules for VerifyStatusRequest {
    fn rules(&self) -> Result<()> {
        // Optional in the schema, but the status of a verification cannot be looked up without it.
        match &self.correlation_id {
            Some(c) => correlation_id("correlationId", c),
            None => Err(Error::validation("correlationId", "is required (the correlationId returned by verify)")),
        }
    }
}

impl Rules for VerifyBatchRequest {
    fn rules(&self) -> Result<()> {
        batch_size("items", self.items.len())?;
        for (i, item) in self.items.iter().enumerate() {
            let f = |name: &str| format!("items[{i}].{name}");
            known_enum!(&f("verificationType"), &item.verification_type, VerificationType)?;
            required(&f("firstName"), &item.first_name)?;
            required(&f("lastName"), &item.last_name)?;
            phone(&f("phoneNumber"), &item.phone_number)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Unified Authentication and devices.

impl Rules for UnifyRequest {
    fn rules(&self) -> Result<()> {
        known_enum!("possessionType", &self.possession_type, PossessionType)?;
        required("clientRequestId", &self.client_request_id)?;
        let desktop = self.possession_type == PossessionType::Desktop;
        // Only Mobile Auth (possessionType mobile) or a known proveId can do without a number.
        if self.phone_number.is_none() && self.prove_id.is_none() && self.possession_type != PossessionType::Mobile {
            return Err(Error::validation(
                "phoneNumber",
                "is required unless proveId is given or possessionType is mobile",
            ));
        }
        opt_phone("phoneNumber", opt(&self.phone_number))?;
        not_blank("proveId", opt(&self.prove_id))?;
        not_blank("deviceId", opt(&self.device_id))?;
        final_target_url("finalTargetUrl", opt(&self.final_target_url), desktop)?;
        sms_message("smsMessage", opt(&self.sms_message))?;
        not_blank("emailAddress", opt(&self.email_address))
    }
}

impl Rules for UnifyStatusRequest {
    fn rules(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)
    }
}

impl Rules for UnifyBindRequest {
    fn rules(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)?;
        phone("phoneNumber", &self.phone_number)
    }
}

impl Rules for DeviceRevokeRequest {
    fn rules(&self) -> Result<()> {
        required("clientRequestId", &self.client_request_id)?;
        required("deviceId", &self.device_id)
    }
}

// ---------------------------------------------------------------------------------------------
// Identity Manager.

impl Rules for EnrollIdentityRequest {
    fn rules(&self) -> Result<()> {
        phone("phoneNumber", &self.phone_number)?;
        not_blank("clientCustomerId", opt(&self.client_customer_id))?;
        not_blank("deviceId", opt(&self.device_id))
    }
}

impl Rules for BatchEnrollIdentitiesRequest {
    fn rules(&self) -> Result<()> {
        let items = self.items.as_deref().unwrap_or_default();
        batch_size("items", items.len())?;
        for (i, item) in items.iter().enumerate() {
            let f = |name: &str| format!("items[{i}].{name}");
            match item {
                BatchEnrollItem::Enrollment(e) => {
                    phone(&f("phoneNumber"), &e.phone_number)?;
                    not_blank(&f("clientCustomerId"), opt(&e.client_customer_id))?;
                    not_blank(&f("deviceId"), opt(&e.device_id))?;
                }
                BatchEnrollItem::CrossDomain(x) => {
                    required(&f("clientName"), &x.client_name)?;
                    required(&f("identityId"), &x.identity_id)?;
                    required(&f("pcid"), &x.pcid)?;
                }
            }
        }
        Ok(())
    }
}

impl Rules for ActivateIdentityRequest {
    fn rules(&self) -> Result<()> {
        not_blank("clientRequestId", opt(&self.client_request_id))
    }
}

impl Rules for DeactivateIdentityRequest {
    fn rules(&self) -> Result<()> {
        not_blank("clientRequestId", opt(&self.client_request_id))
    }
}

impl Rules for CrossDomainIdentityRequest {
    fn rules(&self) -> Result<()> {
        not_blank("clientRequestId", opt(&self.client_request_id))
    }
}

// ---------------------------------------------------------------------------------------------
// Domains.

impl Rules for DomainLinkRequest {
    fn rules(&self) -> Result<()> {
        required("pcid", &self.pcid)?;
        if let Some(scopes) = &self.scopes {
            for (i, s) in scopes.iter().enumerate() {
                required(&format!("scopes[{i}]"), s)?;
            }
        }
        Ok(())
    }
}

impl Rules for DomainConfirmLinkRequest {
    fn rules(&self) -> Result<()> {
        required("pcid", &self.pcid)
    }
}

impl Rules for DomainUnlinkRequest {
    fn rules(&self) -> Result<()> {
        if self.pcid_from.is_none() && self.pcid_to.is_none() {
            return Err(Error::validation("pcidFrom", "pcidFrom or pcidTo is required"));
        }
        not_blank("pcidFrom", opt(&self.pcid_from))?;
        not_blank("pcidTo", opt(&self.pcid_to))
    }
}

// ---------------------------------------------------------------------------------------------
// Prove Auth (/v1/server/auth/*).

impl Rules for AuthStartRequest {
    fn rules(&self) -> Result<()> {
        auth_request_id("requestId", &self.request_id)?;
        let s = &self.subjects;
        if s.card.is_none() && s.device.is_none() && s.mobile.is_none() && s.user.is_none() {
            return Err(Error::validation("subjects", "must name at least one subject (card, device, mobile or user)"));
        }
        if let Some(m) = &s.mobile {
            if let Some(c) = &m.claim {
                opt_phone("subjects.mobile.claim.mobileNumber", opt(&c.mobile_number))?;
            }
            if let Some(a) = &m.authenticators {
                if let Some(il) = &a.instantlink {
                    final_target_url(
                        "subjects.mobile.authenticators.instantlink.finalTargetUrl",
                        Some(&il.final_target_url),
                        true,
                    )?;
                    required("subjects.mobile.authenticators.instantlink.messageText", &il.message_text)?;
                }
                if let Some(otp) = &a.otp {
                    required("subjects.mobile.authenticators.otp.messageText", &otp.message_text)?;
                }
                if let Some(u) = &a.universal {
                    final_target_url(
                        "subjects.mobile.authenticators.universal.finalTargetUrl",
                        Some(&u.final_target_url),
                        true,
                    )?;
                }
            }
        }
        if let Some(u) = &s.user {
            if let Some(c) = &u.claim {
                required("subjects.user.claim.userId", &c.user_id)?;
            }
        }
        if let Some(d) = &self.delivery {
            if let Some(p) = &d.push {
                required("delivery.push.notification.title", &p.notification.title)?;
                required("delivery.push.notification.body", &p.notification.body)?;
            }
            if let Some(p) = &d.scan {
                required("delivery.scan.notification.title", &p.notification.title)?;
                required("delivery.scan.notification.body", &p.notification.body)?;
            }
        }
        not_blank("callbackUrl", opt(&self.callback_url))
    }
}

impl Rules for AuthContinueRequest {
    fn rules(&self) -> Result<()> {
        required("authId", &self.auth_id)?;
        auth_request_id("requestId", &self.request_id)?;
        match self.subjects.mobile.as_ref().and_then(|m| m.claim.as_ref()) {
            Some(c) => phone("subjects.mobile.claim.mobileNumber", &c.mobile_number),
            None => {
                Err(Error::validation("subjects.mobile.claim.mobileNumber", "is required (the mobile number to bind)"))
            }
        }
    }
}

impl Rules for AuthFinishRequest {
    fn rules(&self) -> Result<()> {
        required("authId", &self.auth_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60"));
        assert!(is_uuid("0B3A2C9E-6D1F-4A58-9C3E-2F7D8E1A4B60"));
        assert!(!is_uuid("0b3a2c9e6d1f4a589c3e2f7d8e1a4b60"));
        assert!(!is_uuid("0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b6g"));
        assert!(!is_uuid("0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b6"));
        assert!(!is_uuid(""));
    }

    #[test]
    fn dob_formats_and_ranges() {
        for ok in ["1981-01-17", "2000-02-29", "1981-01", "01-17", "02-29", "1999-12-31"] {
            assert!(is_dob(ok), "{ok}");
        }
        for bad in [
            "1981-13-01",
            "1981-00-10",
            "1981-02-30",
            "1900-02-29",
            "2001-02-29",
            "1981-1-17",
            "81-01-17",
            "13-01",
            "04-31",
            "1981/01/17",
            "",
            "1981-01-17-01",
            "1800-01-01",
            "abcd-01",
        ] {
            assert!(!is_dob(bad), "{bad}");
        }
    }

    #[test]
    fn ssn_shapes() {
        assert!(is_ssn("847350596"));
        assert!(is_ssn("0596"));
        assert!(!is_ssn("84735059"));
        assert!(!is_ssn("847-35-0596"));
        assert!(!is_ssn("059a"));
        assert!(!is_ssn(""));
        let e = opt_ssn("ssn", Some("")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ssn"));
        assert!(e.message.contains("leave the field out"), "{}", e.message);
        assert!(opt_ssn("ssn", None).is_ok());
    }

    #[test]
    fn phone_shapes() {
        assert!(phone("p", "2001001695").is_ok());
        assert!(phone("p", "+447968900002").is_ok());
        assert_eq!(phone("p", "").unwrap_err().field.as_deref(), Some("p"));
        assert!(phone("p", "200-100-1695").is_err());
        assert!(phone("p", "+").is_err());
        assert!(phone("p", "123456").is_err());
        assert!(phone("p", "1234567890123456").is_err());
        assert!(phone("p", "++2001001695").is_err());
    }

    #[test]
    fn path_values_cannot_change_the_path() {
        for bad in [
            ".", "..", "...", "%2e", "%2E%2e", "a/b", "/", "\\", "a\\b", "a?b", "?", "a#b", "a;b", "a%b", "a\u{0}b",
            "a\rb", "\u{7f}", "\u{85}",
        ] {
            let e = path_value("proveId", bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("proveId"), "{bad:?}");
        }
        for blank in ["", "  "] {
            assert!(path_value("proveId", blank).is_err());
        }
        for ok in ["a..b", "..a", "a.", ".a", "7f1c1a52-3b0e-4d7e-9a43-0c9d2d1f5e11", "+12001001695", "a b", "café~._-"]
        {
            assert!(path_value("proveId", ok).is_ok(), "{ok:?}");
        }
        assert!(path_value("proveId", &"p".repeat(MAX_ID_LEN)).is_ok());
        assert!(path_value("proveId", &"p".repeat(MAX_ID_LEN + 1)).is_err());
    }

    #[test]
    fn path_params_are_named_by_their_placeholder() {
        use crate::ops;
        assert!(check_path_params(&ops::GET_IDENTITY, &["7f1c1a52"]).is_ok());
        assert!(check_path_params(&ops::DOMAIN_ID, &[]).is_ok());
        let e = check_path_params(&ops::CROSS_DOMAIN_IDENTITY, &[".."]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("identityId"));
        let e = check_path_params(&ops::GET_IDENTITIES_BY_PHONE_NUMBER, &["a/b"]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("mobileNumber"));
        // Missing or extra values are the URL builder's to report.
        assert!(check_path_params(&ops::GET_IDENTITY, &[]).is_ok());
    }

    #[test]
    fn http_urls() {
        for ok in [
            "https://www.example.com",
            "http://localhost:3000/done?step=1&x=2#top",
            "HTTPS://EXAMPLE.COM/A",
            "https://[::1]:8443/x",
            "https://example.com/caf%C3%A9",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "",
            "https://",
            "http:/",
            "https:example.com",
            "https:/example.com",
            "https:\\\\example.com",
            "https://example.com\\@evil.example",
            "https://u:p@example.com",
            "https://u@example.com",
            "ftp://example.com",
            "javascript:alert(1)",
            "//example.com",
            "example.com",
            "https://example.com:99999",
            "httpsx://example.com",
            "ééé://example.com",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
        let e = final_target_url("finalTargetUrl", Some("https://example.com/\u{0}"), false).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("finalTargetUrl"));
        assert!(final_target_url("finalTargetUrl", Some(""), false).is_err());
        assert!(final_target_url("finalTargetUrl", None, false).is_ok());
    }

    #[test]
    fn length_caps_name_the_path_and_count_characters() {
        let req: CompleteRequest = serde_json::from_value(serde_json::json!({
            "correlationId": "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60",
            "individual": {"firstName": "é".repeat(MAX_NAME_LEN), "lastName": "B",
                "addresses": [{"city": "c"}, {"city": "c".repeat(MAX_ADDRESS_LEN + 1)}]}
        }))
        .unwrap();
        let e = req.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("individual.addresses[1].city"));
        assert!(e.message.contains("256 characters"), "{}", e.message);
        let req: DomainLinkRequest =
            serde_json::from_value(serde_json::json!({"pcid": "p", "scopes": ["a", "s".repeat(MAX_ID_LEN + 1)]}))
                .unwrap();
        assert_eq!(req.validate().unwrap_err().field.as_deref(), Some("scopes[1]"));
        assert_eq!(max_chars("emailAddresses"), MAX_EMAIL_LEN);
        assert_eq!(max_chars("messageText"), MAX_TEXT_LEN);
        assert_eq!(max_chars("smsMessage"), MAX_SMS_MESSAGE);
    }

    #[test]
    fn messages_never_contain_the_value() {
        let e = phone("phoneNumber", "20010016x5").unwrap_err();
        assert!(!e.message.contains("20010016x5"));
        let e = opt_ssn("ssn", Some("84735059")).unwrap_err();
        assert!(!e.message.contains("84735059"));
        let e = opt_dob("dob", Some("1981-02-30")).unwrap_err();
        assert!(!e.message.contains("1981-02-30"));
    }
}
