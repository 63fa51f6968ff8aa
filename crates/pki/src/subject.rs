//! The subject of a qualified certificate, built to the profile of FSB order No. 795: which
//! attributes each kind of owner must carry, with the ASN.1 string type each one takes, and the
//! identifiers checked with their control digits before anything is encoded.

use const_oid::ObjectIdentifier;
use der::asn1::{Any, SetOfVec};
use der::{Decode, Encode, Tag};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::certificate::NameAttribute;
use crate::error::Error;
use crate::identifiers::{self, IdentifierKind};
use crate::oid;

/// Who the certificate is for; fixes the attributes that must be present.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Profile {
    /// A private person (ФЛ): CN, SN, GN, C, SNILS, INN.
    Person,
    /// A sole proprietor (ИП): the person's attributes plus OGRNIP.
    Entrepreneur,
    /// A legal entity's officer (ЮЛ): the organisation (CN, O, C, ST, L, street, OGRN, INN ЮЛ)
    /// and the person acting for it (SN, GN, title, SNILS, INN).
    LegalEntity,
    /// A certification centre's own certificate: CN, O, C, OGRN, INN ЮЛ.
    CertificationCentre,
    /// The centre's delegated OCSP responder: the centre's attributes, OCSP signing only.
    OcspResponder,
}

/// The subject's data, as an application or a CSR supplies it.
#[derive(Clone, Debug, Default)]
pub struct SubjectInfo {
    /// CN: the person's full name, or the organisation's name.
    pub common_name: Option<String>,
    /// SN: surname.
    pub surname: Option<String>,
    /// GN: given name and patronymic.
    pub given_name: Option<String>,
    /// Position in the organisation.
    pub title: Option<String>,
    /// O: organisation name.
    pub organization: Option<String>,
    /// OU: department.
    pub organizational_unit: Option<String>,
    /// C: two-letter country code.
    pub country: Option<String>,
    /// ST: region, "77 г. Москва".
    pub region: Option<String>,
    /// L: town.
    pub locality: Option<String>,
    /// Street and house.
    pub street: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// ИНН of the person (12 digits).
    pub inn: Option<String>,
    /// ИНН ЮЛ (10 digits).
    pub inn_le: Option<String>,
    /// СНИЛС (11 digits, separators allowed).
    pub snils: Option<String>,
    /// ОГРН (13 digits).
    pub ogrn: Option<String>,
    /// ОГРНИП (15 digits).
    pub ogrnip: Option<String>,
}

/// How an attribute is encoded: its OID, ASN.1 string type, upper length bound (RFC 5280
/// Appendix A), and the identifier rule it follows, if any.
struct Field {
    name: &'static str,
    oid: ObjectIdentifier,
    tag: Tag,
    max_len: usize,
    identifier: Option<IdentifierKind>,
}

const fn field(
    name: &'static str,
    oid: &str,
    tag: Tag,
    max_len: usize,
    identifier: Option<IdentifierKind>,
) -> Field {
    Field {
        name,
        oid: ObjectIdentifier::new_unwrap(oid),
        tag,
        max_len,
        identifier,
    }
}

const UTF8: Tag = Tag::Utf8String;
const NUM: Tag = Tag::NumericString;

/// Every attribute, in the order it is encoded; [`SubjectInfo::values`] follows the same order.
const FIELDS: [Field; 16] = {
    use IdentifierKind as K;
    [
        field("country", "2.5.4.6", Tag::PrintableString, 2, None),
        field("region", "2.5.4.8", UTF8, 128, None),
        field("locality", "2.5.4.7", UTF8, 128, None),
        field("street", "2.5.4.9", UTF8, 128, None),
        field("organization", "2.5.4.10", UTF8, 64, None),
        field("organizational unit", "2.5.4.11", UTF8, 64, None),
        field("title", "2.5.4.12", UTF8, 64, None),
        field("common name", "2.5.4.3", UTF8, 64, None),
        field("surname", "2.5.4.4", UTF8, 40, None),
        field("given name", "2.5.4.42", UTF8, 64, None),
        field("e-mail", "1.2.840.113549.1.9.1", Tag::Ia5String, 255, None),
        field("OGRN", "1.2.643.100.1", NUM, 13, Some(K::Ogrn)),
        field("OGRNIP", "1.2.643.100.5", NUM, 15, Some(K::Ogrnip)),
        field("INN ЮЛ", "1.2.643.100.4", NUM, 10, Some(K::InnLe)),
        field("INN", "1.2.643.3.131.1.1", NUM, 12, Some(K::Inn)),
        field("SNILS", "1.2.643.100.3", NUM, 11, Some(K::Snils)),
    ]
};

impl SubjectInfo {
    /// The values, in the order of [`FIELDS`].
    fn values(&self) -> [&Option<String>; 16] {
        [
            &self.country,
            &self.region,
            &self.locality,
            &self.street,
            &self.organization,
            &self.organizational_unit,
            &self.title,
            &self.common_name,
            &self.surname,
            &self.given_name,
            &self.email,
            &self.ogrn,
            &self.ogrnip,
            &self.inn_le,
            &self.inn,
            &self.snils,
        ]
    }

    /// The values, mutable, in the order of [`FIELDS`].
    fn values_mut(&mut self) -> [&mut Option<String>; 16] {
        [
            &mut self.country,
            &mut self.region,
            &mut self.locality,
            &mut self.street,
            &mut self.organization,
            &mut self.organizational_unit,
            &mut self.title,
            &mut self.common_name,
            &mut self.surname,
            &mut self.given_name,
            &mut self.email,
            &mut self.ogrn,
            &mut self.ogrnip,
            &mut self.inn_le,
            &mut self.inn,
            &mut self.snils,
        ]
    }

    /// The data of a name (a request's subject, say): the attributes Podpis knows, the first of
    /// each kind; an unknown attribute is an error naming its OID, so nothing is dropped silently.
    pub fn from_attributes(attributes: &[NameAttribute]) -> Result<Self, Error> {
        let mut info = Self::default();
        let values = info.values_mut();
        for attribute in attributes {
            let index = FIELDS
                .iter()
                .position(|f| f.oid.to_string() == attribute.oid)
                .ok_or_else(|| Error::UnknownAttribute(attribute.oid.clone()))?;
            values[index].get_or_insert_with(|| attribute.value.clone());
        }
        Ok(info)
    }

    /// The attributes `profile` requires, by OID.
    pub(crate) fn required(profile: Profile) -> &'static [ObjectIdentifier] {
        const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
        const SN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
        const GN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");
        const C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
        const O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
        const ST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.8");
        const L: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.7");
        const STREET: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.9");
        const TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
        match profile {
            Profile::Person => &[CN, SN, GN, C, oid::SNILS, oid::INN],
            Profile::Entrepreneur => &[CN, SN, GN, C, oid::SNILS, oid::INN, oid::OGRNIP],
            Profile::LegalEntity => &[
                CN,
                O,
                C,
                ST,
                L,
                STREET,
                oid::OGRN,
                oid::INN_LE,
                SN,
                GN,
                TITLE,
                oid::SNILS,
                oid::INN,
            ],
            Profile::CertificationCentre | Profile::OcspResponder => {
                &[CN, O, C, oid::OGRN, oid::INN_LE]
            }
        }
    }

    /// The subject name for `profile`: every required attribute present, every identifier with
    /// correct control digits, every value within its length bound; SNILS is stored as digits.
    pub fn to_name(&self, profile: Profile) -> Result<Name, Error> {
        let fields: Vec<(&Field, &Option<String>)> = FIELDS.iter().zip(self.values()).collect();
        for required in Self::required(profile) {
            let (f, value) = fields
                .iter()
                .find(|(f, _)| f.oid == *required)
                .expect("every required OID is a field");
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(Error::MissingAttribute {
                    attribute: f.name,
                    profile,
                });
            }
        }
        let mut rdns = RdnSequence::default();
        for (f, value) in &fields {
            let Some(value) = value.as_deref().map(str::trim) else {
                continue;
            };
            let value = match f.identifier {
                Some(kind) => {
                    identifiers::check(kind, value).map_err(Error::Identifier)?;
                    value.chars().filter(char::is_ascii_digit).collect()
                }
                None => value.to_string(),
            };
            if value.chars().count() > f.max_len {
                return Err(Error::AttributeTooLong {
                    attribute: f.name,
                    max: f.max_len,
                });
            }
            if f.tag != UTF8 && !value.is_ascii() {
                return Err(Error::AttributeCharacters { attribute: f.name });
            }
            let any = Any::new(f.tag, value.as_bytes())
                .map_err(|_| Error::AttributeCharacters { attribute: f.name })?;
            let atv = AttributeTypeAndValue {
                oid: f.oid,
                value: any,
            };
            let set = SetOfVec::try_from(vec![atv]).map_err(|e| Error::Encoding(e.to_string()))?;
            let rdn = RelativeDistinguishedName::from_der(
                &set.to_der().map_err(|e| Error::Encoding(e.to_string()))?,
            )
            .map_err(|e| Error::Encoding(e.to_string()))?;
            rdns.push(rdn);
        }
        // `Name` keeps its sequence private: go through DER.
        let der = rdns.to_der().map_err(|e| Error::Encoding(e.to_string()))?;
        Name::from_der(&der).map_err(|e| Error::Encoding(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::IdentifierError;

    fn person() -> SubjectInfo {
        SubjectInfo {
            common_name: Some("Иванов Иван Иванович".into()),
            surname: Some("Иванов".into()),
            given_name: Some("Иван Иванович".into()),
            country: Some("RU".into()),
            inn: Some("500100732259".into()),
            snils: Some("112-233-445 95".into()),
            ..Default::default()
        }
    }

    #[test]
    fn person_name_uses_the_profile_string_types() {
        let name = person().to_name(Profile::Person).unwrap();
        let der = name.to_der().unwrap();
        // SNILS as NumericString of 11 digits, separators dropped.
        let snils = [&[0x12u8, 11][..], b"11223344595"].concat();
        assert!(der.windows(snils.len()).any(|w| w == snils));
        // C as PrintableString.
        assert!(der.windows(4).any(|w| w == [0x13, 2, b'R', b'U']));
        // The surname as UTF8String.
        let sn = "Иванов".as_bytes();
        assert!(
            der.windows(sn.len() + 2)
                .any(|w| w[0] == 0x0c && &w[2..] == sn)
        );
    }

    #[test]
    fn missing_and_wrong_attributes_are_named() {
        let mut info = person();
        info.snils = None;
        assert_eq!(
            info.to_name(Profile::Person).unwrap_err(),
            Error::MissingAttribute {
                attribute: "SNILS",
                profile: Profile::Person
            }
        );
        let err = person().to_name(Profile::Entrepreneur).unwrap_err();
        assert!(err.to_string().contains("OGRNIP"), "{err}");
        let mut info = person();
        info.inn = Some("500100732258".into());
        assert!(matches!(
            info.to_name(Profile::Person).unwrap_err(),
            Error::Identifier(IdentifierError::ControlDigit { position: 12, .. })
        ));
        let mut info = person();
        info.country = Some("Россия".into());
        assert!(matches!(
            info.to_name(Profile::Person).unwrap_err(),
            Error::AttributeTooLong {
                attribute: "country",
                ..
            }
        ));
        let mut info = person();
        info.surname = Some("Щ".repeat(41));
        assert!(info.to_name(Profile::Person).is_err());
    }
}
