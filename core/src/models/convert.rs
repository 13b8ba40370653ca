//! Conversions between models that carry the same data under different types, and typed
//! readings of wire values (timestamps).
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;

/// A Unix timestamp in seconds as a point in time; `None` before 1970.
fn unix_seconds(secs: i64) -> Option<SystemTime> {
    u64::try_from(secs).ok().and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

impl GetIdentityResponse {
    /// `createdAt` as a point in time. Prove sends it in seconds since the Unix epoch
    /// (its example: `1747671792`, 2025-05-19).
    pub fn created_time(&self) -> Option<SystemTime> {
        self.created_at.and_then(unix_seconds)
    }
}

impl LookupIdentityItem {
    /// `createdAt` as a point in time (seconds since the Unix epoch, as Prove sends it).
    pub fn created_time(&self) -> Option<SystemTime> {
        self.created_at.and_then(unix_seconds)
    }
}

impl From<ChallengeAddress> for CompleteAddress {
    fn from(a: ChallengeAddress) -> Self {
        CompleteAddress {
            address: a.address,
            extended_address: a.extended_address,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
        }
    }
}

impl From<ChallengeIndividual> for CompleteIndividual {
    /// The individual returned by `/v3/challenge`, ready to be confirmed (or edited) and sent
    /// to `/v3/complete`.
    fn from(i: ChallengeIndividual) -> Self {
        CompleteIndividual {
            first_name: i.first_name,
            last_name: i.last_name,
            dob: i.dob,
            ssn: i.ssn,
            email_addresses: i.email_addresses,
            addresses: i.addresses.map(|v| v.into_iter().map(CompleteAddress::from).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_individual_converts_field_for_field() {
        let ind: ChallengeIndividual = serde_json::from_value(serde_json::json!({
            "firstName": "A", "lastName": "B", "dob": "1981-01-17", "ssn": "847350596",
            "emailAddresses": ["a@example.com"],
            "addresses": [{"address": "1 Main", "extendedAddress": "Apt 2", "city": "C", "region": "CO", "postalCode": "80161"}]
        }))
        .unwrap();
        let before = serde_json::to_value(&ind).unwrap();
        let after = serde_json::to_value(CompleteIndividual::from(ind)).unwrap();
        assert_eq!(before, after);
    }

    #[test]
    fn created_at_reads_as_seconds() {
        let got: GetIdentityResponse =
            serde_json::from_value(serde_json::json!({"phoneNumber": "2001004031", "createdAt": 1747671792})).unwrap();
        let t = got.created_time().expect("a time");
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap(), Duration::from_secs(1_747_671_792));
        let item: LookupIdentityItem =
            serde_json::from_value(serde_json::json!({"phoneNumber": "2001004031", "createdAt": -1})).unwrap();
        assert_eq!(item.created_time(), None);
        assert_eq!(LookupIdentityItem::default().created_time(), None);
    }
}
