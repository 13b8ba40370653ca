//! Input validation that runs before any network call.
//!
//! Every operation validates its request here first, so a mistake is reported at once, with the
//! wire name of the offending field, instead of as a 400 from Prove after a round trip. Errors are
//! [`ErrorKind::Validation`](crate::ErrorKind::Validation) with [`Error::field`] set; the message
//! names the field and the rule but never repeats the value (it may be personal data).
//!
//! The rules follow the API reference and Prove's guides: required fields present and non-empty,
//! required enums set to a known value, `correlationId` shaped as a UUID, `finalTargetUrl`
//! required for desktop flows and at most 128 characters, date-of-birth formats `YYYY-MM-DD`,
//! `YYYY-MM` or `MM-DD` with real calendar ranges, SSN as 9 digits or the last 4, phone numbers as
//! digits with an optional leading `+`, `smsMessage` at most 160 characters, batches of at most
//! 100 items, and a batch-get `limit` between 1 and 100.
use crate::error::{Error, Result};
use crate::models::*;

/// Largest number of items Prove accepts in one batch (verify batch, identity batch enroll) and
/// the largest page size of batch get.
pub const MAX_BATCH: usize = 100;
/// Maximum length of `finalTargetUrl`, in characters.
pub const MAX_FINAL_TARGET_URL: usize = 128;
/// Maximum length of `smsMessage`, in characters.
pub const MAX_SMS_MESSAGE: usize = 160;
/// Fewest digits accepted in a phone number.
pub const MIN_PHONE_DIGITS: usize = 7;
/// Most digits accepted in a phone number (E.164 allows 15).
pub const MAX_PHONE_DIGITS: usize = 15;

/// A request that can check itself before it is sent.
pub trait Validate {
    /// `Ok(())` when the request may be sent; otherwise a validation error naming the first
    /// offending field by its wire name.
    fn validate(&self) -> Result<()>;
}

// ---------------------------------------------------------------------------------------------
// Field rules. Each takes the wire name of the field (with a path prefix for nested fields).

/// A required string: present and not blank.
pub(crate) fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "is required and must not be empty"));
    }
    Ok(())
}

/// Longest value accepted in a URL path segment or query parameter (ids, keys, request ids).
pub const MAX_URL_VALUE_LEN: usize = 1024;

/// A value sent in the URL (path segment or query parameter): required, not blank, and at most
/// [`MAX_URL_VALUE_LEN`] bytes, so an over-long id is a validation error naming its field rather
/// than a URL the HTTP stack refuses.
pub(crate) fn url_value(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    if value.len() > MAX_URL_VALUE_LEN {
        return Err(Error::validation(field, format!("must be at most {MAX_URL_VALUE_LEN} bytes")));
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

pub(crate) fn opt_ssn(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if !is_ssn(v) => {
            Err(Error::validation(field, "must be 9 digits (full SSN) or 4 digits (last 4), digits only"))
        }
        _ => Ok(()),
    }
}

/// `finalTargetUrl`: required when `desktop` (Instant Link redirects there), at most 128
/// characters, no whitespace.
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
            if v.chars().any(char::is_whitespace) {
                return Err(Error::validation(field, "must not contain whitespace"));
            }
            Ok(())
        }
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

// ---------------------------------------------------------------------------------------------
// Pre-Fill / Prove Identity flow.

impl Validate for StartRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for ValidateRequest {
    fn validate(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)
    }
}

impl Validate for ChallengeRequest {
    fn validate(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)?;
        opt_dob("dob", opt(&self.dob))?;
        opt_ssn("ssn", opt(&self.ssn))
    }
}

impl Validate for CompleteRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for VerifyRequest {
    fn validate(&self) -> Result<()> {
        known_enum!("verificationType", &self.verification_type, VerificationType)?;
        phone("phoneNumber", &self.phone_number)?;
        not_blank("firstName", opt(&self.first_name))?;
        not_blank("lastName", opt(&self.last_name))?;
        not_blank("emailAddress", opt(&self.email_address))?;
        not_blank("ipAddress", opt(&self.ip_address))
    }
}

impl Validate for LegacyVerifyRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for VerifyStatusRequest {
    fn validate(&self) -> Result<()> {
        // Optional in the schema, but the status of a verification cannot be looked up without it.
        match &self.correlation_id {
            Some(c) => correlation_id("correlationId", c),
            None => Err(Error::validation("correlationId", "is required (the correlationId returned by verify)")),
        }
    }
}

impl Validate for VerifyBatchRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for UnifyRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for UnifyStatusRequest {
    fn validate(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)
    }
}

impl Validate for UnifyBindRequest {
    fn validate(&self) -> Result<()> {
        correlation_id("correlationId", &self.correlation_id)?;
        phone("phoneNumber", &self.phone_number)
    }
}

impl Validate for DeviceRevokeRequest {
    fn validate(&self) -> Result<()> {
        required("clientRequestId", &self.client_request_id)?;
        required("deviceId", &self.device_id)
    }
}

// ---------------------------------------------------------------------------------------------
// Identity Manager.

impl Validate for EnrollIdentityRequest {
    fn validate(&self) -> Result<()> {
        phone("phoneNumber", &self.phone_number)?;
        not_blank("clientCustomerId", opt(&self.client_customer_id))?;
        not_blank("deviceId", opt(&self.device_id))
    }
}

impl Validate for BatchEnrollIdentitiesRequest {
    fn validate(&self) -> Result<()> {
        let items = self.items.as_deref().unwrap_or_default();
        batch_size("items", items.len())?;
        for (i, item) in items.iter().enumerate() {
            phone(&format!("items[{i}].phoneNumber"), &item.phone_number)?;
            not_blank(&format!("items[{i}].clientCustomerId"), opt(&item.client_customer_id))?;
            not_blank(&format!("items[{i}].deviceId"), opt(&item.device_id))?;
        }
        Ok(())
    }
}

impl Validate for ActivateIdentityRequest {
    fn validate(&self) -> Result<()> {
        not_blank("clientRequestId", opt(&self.client_request_id))
    }
}

impl Validate for DeactivateIdentityRequest {
    fn validate(&self) -> Result<()> {
        not_blank("clientRequestId", opt(&self.client_request_id))
    }
}

impl Validate for CrossDomainIdentityRequest {
    fn validate(&self) -> Result<()> {
        not_blank("clientRequestId", opt(&self.client_request_id))
    }
}

// ---------------------------------------------------------------------------------------------
// Domains.

impl Validate for DomainLinkRequest {
    fn validate(&self) -> Result<()> {
        required("pcid", &self.pcid)?;
        if let Some(scopes) = &self.scopes {
            for (i, s) in scopes.iter().enumerate() {
                required(&format!("scopes[{i}]"), s)?;
            }
        }
        Ok(())
    }
}

impl Validate for DomainConfirmLinkRequest {
    fn validate(&self) -> Result<()> {
        required("pcid", &self.pcid)
    }
}

impl Validate for DomainUnlinkRequest {
    fn validate(&self) -> Result<()> {
        if self.pcid_from.is_none() && self.pcid_to.is_none() {
            return Err(Error::validation("pcidFrom", "pcidFrom or pcidTo is required"));
        }
        not_blank("pcidFrom", opt(&self.pcid_from))?;
        not_blank("pcidTo", opt(&self.pcid_to))
    }
}

// ---------------------------------------------------------------------------------------------
// Prove Auth (/v1/server/auth/*).

impl Validate for AuthStartRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for AuthContinueRequest {
    fn validate(&self) -> Result<()> {
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

impl Validate for AuthFinishRequest {
    fn validate(&self) -> Result<()> {
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
    fn messages_never_contain_the_value() {
        let e = phone("phoneNumber", "20010016x5").unwrap_err();
        assert!(!e.message.contains("20010016x5"));
        let e = opt_ssn("ssn", Some("84735059")).unwrap_err();
        assert!(!e.message.contains("84735059"));
        let e = opt_dob("dob", Some("1981-02-30")).unwrap_err();
        assert!(!e.message.contains("1981-02-30"));
    }
}
