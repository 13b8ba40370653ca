//! Conversions between models that carry the same data under different types.
use super::*;

impl From<ChallengeAddress> for CompleteAddress {
    fn from(a: ChallengeAddress) -> Self {
        let mut out = CompleteAddress::default();
        out.address = a.address;
        out.extended_address = a.extended_address;
        out.city = a.city;
        out.region = a.region;
        out.postal_code = a.postal_code;
        out
    }
}

impl From<ChallengeIndividual> for CompleteIndividual {
    /// The individual returned by `/v3/challenge`, ready to be confirmed (or edited) and sent
    /// to `/v3/complete`.
    fn from(i: ChallengeIndividual) -> Self {
        let mut out = CompleteIndividual::default();
        out.first_name = i.first_name;
        out.last_name = i.last_name;
        out.dob = i.dob;
        out.ssn = i.ssn;
        out.email_addresses = i.email_addresses;
        out.addresses = i.addresses.map(|v| v.into_iter().map(CompleteAddress::from).collect());
        out
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
}
