//! Conversions between models that carry the same data under different types.
use super::*;

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
}
