//! The documented sandbox test users, looked up by phone number.
//!
//! The phone number picks the scenario. Each user belongs to one product; using a user with another
//! product's operation is refused (code 8009), as Prove's sandbox does.

/// The product a test user belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// Pre-Fill: `start → validate → challenge → complete`.
    PreFill,
    /// Prove Identity: `start → validate → complete`.
    Identity,
    /// Verified Users: `/v3/verify` (and the older `/v3/verify-status`).
    VerifiedUsers,
    /// Unified Authentication: `/v3/unify`, `/v3/unify-status`, `/v3/unify-bind`.
    Unify,
    /// Identity Manager: `/v3/identity...`.
    IdentityManager,
}

/// How a user is meant to behave in scenarios that can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Passes when the inputs match.
    Pass,
    /// The identity verification fails (Verified Users: Kurt Mathen).
    FailVerification,
    /// The possession check always fails (Verified Users: Janek Ambrogio).
    FailPossession,
}

/// One postal address of a test user.
#[derive(Debug, Clone, Copy)]
pub struct PostalAddress {
    pub address: &'static str,
    pub extended: Option<&'static str>,
    pub city: &'static str,
    pub region: &'static str,
    pub postal_code: &'static str,
}

impl PostalAddress {
    /// The address as a JSON object. The postal code is `postalCode` in Pre-Fill individuals and
    /// `zipCode` in Verified Users identities.
    pub fn to_json(&self, postal_code_key: &str) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("address".into(), self.address.into());
        if let Some(e) = self.extended {
            m.insert("extendedAddress".into(), e.into());
        }
        m.insert("city".into(), self.city.into());
        m.insert("region".into(), self.region.into());
        m.insert(postal_code_key.into(), self.postal_code.into());
        serde_json::Value::Object(m)
    }
}

/// One documented test user.
#[derive(Clone, Copy)]
pub struct TestUser {
    /// Normalised phone number: 10 digits for North America, `+` and digits otherwise.
    pub phone: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub addresses: &'static [PostalAddress],
    /// `YYYY-MM-DD`.
    pub dob: Option<&'static str>,
    /// Nine digits.
    pub ssn: Option<&'static str>,
    pub email: Option<&'static str>,
    pub product: Product,
    /// Skips the client-SDK possession step.
    pub short_term: bool,
    /// Mobile Auth user: passes possession passively on the mobile channel.
    pub mobile_auth: bool,
    pub outcome: Outcome,
}

impl std::fmt::Debug for TestUser {
    // Test-user data is personal-data shaped: only the product and flags are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestUser")
            .field("product", &self.product)
            .field("short_term", &self.short_term)
            .field("mobile_auth", &self.mobile_auth)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

impl TestUser {
    /// ISO country code derived from the number, when known.
    pub fn country_code(&self) -> Option<&'static str> {
        if !self.phone.starts_with('+') {
            Some("US")
        } else if self.phone.starts_with("+44") {
            Some("GB")
        } else {
            None
        }
    }
}

const fn addr(
    address: &'static str,
    city: &'static str,
    region: &'static str,
    postal_code: &'static str,
) -> PostalAddress {
    PostalAddress { address, extended: None, city, region, postal_code }
}

#[allow(clippy::too_many_arguments)]
const fn person(
    phone: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    addresses: &'static [PostalAddress],
    dob: Option<&'static str>,
    ssn: Option<&'static str>,
    email: Option<&'static str>,
    product: Product,
) -> TestUser {
    TestUser {
        phone,
        first_name,
        last_name,
        addresses,
        dob,
        ssn,
        email,
        product,
        short_term: false,
        mobile_auth: false,
        outcome: Outcome::Pass,
    }
}

const fn named(phone: &'static str, first_name: &'static str, last_name: &'static str, product: Product) -> TestUser {
    person(phone, first_name, last_name, &[], None, None, None, product)
}

const fn short_term(mut u: TestUser) -> TestUser {
    u.short_term = true;
    u
}

const fn mobile_auth(mut u: TestUser) -> TestUser {
    u.mobile_auth = true;
    u
}

const fn outcome(mut u: TestUser, o: Outcome) -> TestUser {
    u.outcome = o;
    u
}

use Product::*;

/// Every test user the emulator knows.
pub static USERS: &[TestUser] = &[
    // Pre-Fill (sandbox.md 3.2).
    short_term(person(
        "2001001695",
        "Milo",
        "Pinson",
        &[addr("6377 Birchwood Hill", "Littleton", "CO", "80161-2001")],
        Some("1981-01-17"),
        Some("847350596"),
        Some("mpinsonm@dyndns.org"),
        PreFill,
    )),
    person(
        "2001001693",
        "Marcia",
        "Longo",
        &[addr("00 Mallard Park", "New Orleans", "LA", "70165"), addr("71 Walton Trail", "Memphis", "TN", "38150")],
        Some("1982-07-19"),
        Some("470806227"),
        Some("mlongok@amazonaws.com"),
        PreFill,
    ),
    person(
        "2001001688",
        "Nevin",
        "Chattey",
        &[addr("9398 Scott Plaza", "Austin", "TX", "78744")],
        Some("1980-03-20"),
        Some("542742985"),
        Some("nchatteyf@techcrunch.com"),
        PreFill,
    ),
    person(
        "2001001687",
        "Agretha",
        "Chene",
        &[addr("4861 Jay Junction", "Boston", "MS", "02208")],
        Some("1994-12-29"),
        Some("369956933"),
        Some("achenee@printfriendly.com"),
        PreFill,
    ),
    mobile_auth(person(
        "5550000000",
        "Cathee",
        "Simmonett",
        &[addr("49 Moulton Plaza", "Athens", "GA", "30610")],
        Some("1962-10-06"),
        Some("771240999"),
        Some("csimmonettj@toplist.cz"),
        PreFill,
    )),
    mobile_auth(person(
        "5555555555",
        "Van",
        "Moors",
        &[addr("9 Prairie Rose Court", "Columbus", "MS", "39705")],
        Some("1976-01-07"),
        None,
        None,
        PreFill,
    )),
    // Prove Identity (sandbox.md 3.3).
    short_term(person(
        "2001004000",
        "Martina",
        "Goodram",
        &[addr("28965 Homewood Plaza", "Little Rock", "AR", "72204")],
        Some("1995-07-26"),
        Some("490959347"),
        Some("mgoodram0@nasa.gov"),
        Identity,
    )),
    person(
        "2001004009",
        "Benji",
        "Harper",
        &[addr("27 Financial Place", "Bakersfield", "CA", "93301-2425")],
        Some("1994-09-02"),
        Some("565252770"),
        Some("bharperd@superstars.com"),
        Identity,
    ),
    person(
        "2001001698",
        "Enid",
        "Wildt",
        &[addr("861 Karstens Circle", "Washington", "DC", "20409")],
        Some("1996-06-18"),
        Some("212285822"),
        Some("ewildtp@eepurl.com"),
        Identity,
    ),
    person(
        "2001001699",
        "Carney",
        "Reinisch",
        &[addr("582 Coleman Point", "San Antonio", "TX", "78230")],
        Some("2000-03-03"),
        Some("166521601"),
        Some("creinischq@php.net"),
        Identity,
    ),
    mobile_auth(person(
        "5551111111",
        "Lena",
        "Lansberry",
        &[addr("663 Stephen Drive", "Grand Rapids", "MI", "49518")],
        Some("1999-03-04"),
        Some("657766672"),
        Some("llansberryk@nbcnews.com"),
        Identity,
    )),
    mobile_auth(person(
        "5552222222",
        "Axe",
        "Summersett",
        &[addr("1823 School Park", "Phoenix", "AZ", "85025")],
        Some("1963-09-24"),
        Some("670752404"),
        Some("asummersettl@boston.com"),
        Identity,
    )),
    // Verified Users (sandbox.md 4.2, 4.3).
    short_term(person(
        "2001004011",
        "Sheilakathryn",
        "Butrimovich",
        &[addr("0 Mccormick Trail", "Pittsburgh", "PA", "15205")],
        Some("1974-12-09"),
        Some("148882298"),
        Some("sbutrimovichb@who.int"),
        VerifiedUsers,
    )),
    short_term(named("+447968900002", "Rozella", "Kimpton", VerifiedUsers)),
    outcome(named("2001004012", "Kurt", "Mathen", VerifiedUsers), Outcome::FailVerification),
    outcome(named("2001004013", "Janek", "Ambrogio", VerifiedUsers), Outcome::FailPossession),
    person("2001004053", "Elena", "Coldman", &[], None, None, Some("ecoldman1h@storify.com"), VerifiedUsers),
    named("2001004010", "Addy", "Epinay", VerifiedUsers),
    // Unified Authentication (sandbox.md 5.1).
    short_term(named("2001004018", "Barbaraanne", "Canet", Unify)),
    short_term(named("+2001004029", "Janos", "Martina", Unify)),
    named("2001004014", "Lorant", "Nerger", Unify),
    named("2001004015", "Laney", "Dyball", Unify),
    named("+2001004025", "Bertie", "Fremont", Unify),
    named("+2001004026", "Bonnie", "Sidon", Unify),
    mobile_auth(named("2001004016", "Inge", "Galier", Unify)),
    mobile_auth(named("2001004017", "Jesse", "Mashro", Unify)),
    mobile_auth(named("2001004041", "Penny", "Jowers", Unify)),
    mobile_auth(named("+2001004027", "Allissa", "Zoren", Unify)),
    mobile_auth(named("+2001004028", "Wendy", "Strover", Unify)),
    mobile_auth(named("+2001004043", "Amii", "Porritt", Unify)),
    // Identity Manager (sandbox.md 6.1; 2001004032 appears only in the docs' batch example).
    named("2001004031", "Merla", "Schumacher", IdentityManager),
    named("2001004035", "Jaimie", "Beddo", IdentityManager),
    named("2001004036", "Stanly", "Ovid", IdentityManager),
    named("2001004032", "", "", IdentityManager),
];

/// Normalises a phone number for lookup: drops spaces, dashes, dots and parentheses, strips `+1`
/// from North American numbers, keeps the `+` of international ones.
pub fn normalise_phone(raw: &str) -> String {
    let cleaned: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    if let Some(rest) = cleaned.strip_prefix("+1") {
        if rest.len() == 10 && rest.bytes().all(|b| b.is_ascii_digit()) {
            return rest.to_string();
        }
    }
    cleaned
}

/// Finds the test user for a phone number as a client would send it.
pub fn find(raw: &str) -> Option<&'static TestUser> {
    let norm = normalise_phone(raw);
    if let Some(u) = USERS.iter().find(|u| u.phone == norm) {
        return Some(u);
    }
    // International users sent without their `+`.
    if !norm.starts_with('+') {
        let plus = format!("+{norm}");
        return USERS.iter().find(|u| u.phone == plus);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalise_phone("+12001001695"), "2001001695");
        assert_eq!(normalise_phone("200-100-1695"), "2001001695");
        assert_eq!(normalise_phone("+447968900002"), "+447968900002");
        assert_eq!(normalise_phone("+2001004029"), "+2001004029");
        assert!(find("+12001001695").is_some_and(|u| u.first_name == "Milo"));
        assert!(find("447968900002").is_some_and(|u| u.first_name == "Rozella"));
        assert!(find("2001009999").is_none());
    }

    #[test]
    fn phones_are_unique() {
        for (i, a) in USERS.iter().enumerate() {
            assert!(USERS[i + 1..].iter().all(|b| b.phone != a.phone), "duplicate {}", a.phone);
        }
    }
}
