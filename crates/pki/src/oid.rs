//! Object identifiers of the Russian qualified-certificate profile (FSB order No. 795, RFC 9215)
//! and the names Podpis prints for them, Russian next to English.
//! Facts: `shared/standards/oids-and-profile.md` §4–5.

use const_oid::ObjectIdentifier as Oid;

/// ОГРН, a legal entity's registration number (NumericString, 13 digits).
pub const OGRN: Oid = Oid::new_unwrap("1.2.643.100.1");
/// СНИЛС, a person's insurance account number (NumericString, 11 digits).
pub const SNILS: Oid = Oid::new_unwrap("1.2.643.100.3");
/// ИНН ЮЛ, a legal entity's INN (NumericString, 10 digits).
pub const INN_LE: Oid = Oid::new_unwrap("1.2.643.100.4");
/// ОГРНИП, a sole proprietor's registration number (NumericString, 15 digits).
pub const OGRNIP: Oid = Oid::new_unwrap("1.2.643.100.5");
/// ИНН, a person's INN (NumericString, 12 digits).
pub const INN: Oid = Oid::new_unwrap("1.2.643.3.131.1.1");

/// subjectSignTool: the owner's signature tool (UTF8String).
pub const SUBJECT_SIGN_TOOL: Oid = Oid::new_unwrap("1.2.643.100.111");
/// issuerSignTool: the CA's tools and their conformance certificates.
pub const ISSUER_SIGN_TOOL: Oid = Oid::new_unwrap("1.2.643.100.112");
/// identificationKind: how the applicant was identified (INTEGER 0–3).
pub const IDENTIFICATION_KIND: Oid = Oid::new_unwrap("1.2.643.100.114");

/// The class of the owner's signature tool as a certificate policy: КС1 … КА1.
pub const SIGN_TOOL_CLASSES: [(Oid, &str); 6] = [
    (Oid::new_unwrap("1.2.643.100.113.1"), "КС1 (KC1)"),
    (Oid::new_unwrap("1.2.643.100.113.2"), "КС2 (KC2)"),
    (Oid::new_unwrap("1.2.643.100.113.3"), "КС3 (KC3)"),
    (Oid::new_unwrap("1.2.643.100.113.4"), "КВ1 (KB1)"),
    (Oid::new_unwrap("1.2.643.100.113.5"), "КВ2 (KB2)"),
    (Oid::new_unwrap("1.2.643.100.113.6"), "КА1 (KA1)"),
];

/// Names of the subject and issuer attributes Podpis knows: (OID, short English, Russian).
const ATTRIBUTES: &[(Oid, &str, &str)] = &[
    (Oid::new_unwrap("2.5.4.3"), "CN", "Общее имя"),
    (Oid::new_unwrap("2.5.4.4"), "SN", "Фамилия"),
    (Oid::new_unwrap("2.5.4.42"), "GN", "Имя и отчество"),
    (Oid::new_unwrap("2.5.4.12"), "title", "Должность"),
    (Oid::new_unwrap("2.5.4.10"), "O", "Организация"),
    (Oid::new_unwrap("2.5.4.11"), "OU", "Подразделение"),
    (Oid::new_unwrap("2.5.4.9"), "street", "Адрес"),
    (Oid::new_unwrap("2.5.4.7"), "L", "Населённый пункт"),
    (Oid::new_unwrap("2.5.4.8"), "ST", "Регион"),
    (Oid::new_unwrap("2.5.4.6"), "C", "Страна"),
    (Oid::new_unwrap("2.5.4.5"), "serialNumber", "Серийный номер"),
    (
        Oid::new_unwrap("1.2.840.113549.1.9.1"),
        "emailAddress",
        "Электронная почта",
    ),
    (Oid::new_unwrap("1.2.643.100.1"), "OGRN", "ОГРН"),
    (Oid::new_unwrap("1.2.643.100.3"), "SNILS", "СНИЛС"),
    (Oid::new_unwrap("1.2.643.100.4"), "INNLE", "ИНН ЮЛ"),
    (Oid::new_unwrap("1.2.643.100.5"), "OGRNIP", "ОГРНИП"),
    (Oid::new_unwrap("1.2.643.3.131.1.1"), "INN", "ИНН"),
];

/// Names of the extensions Podpis knows: (OID, English, Russian).
const EXTENSIONS: &[(Oid, &str, &str)] = &[
    (
        Oid::new_unwrap("2.5.29.14"),
        "subjectKeyIdentifier",
        "Идентификатор ключа субъекта",
    ),
    (
        Oid::new_unwrap("2.5.29.15"),
        "keyUsage",
        "Использование ключа",
    ),
    (
        Oid::new_unwrap("2.5.29.16"),
        "privateKeyUsagePeriod",
        "Срок действия закрытого ключа",
    ),
    (
        Oid::new_unwrap("2.5.29.17"),
        "subjectAltName",
        "Альтернативное имя субъекта",
    ),
    (
        Oid::new_unwrap("2.5.29.19"),
        "basicConstraints",
        "Основные ограничения",
    ),
    (
        Oid::new_unwrap("2.5.29.31"),
        "cRLDistributionPoints",
        "Точки распространения СОС",
    ),
    (
        Oid::new_unwrap("2.5.29.32"),
        "certificatePolicies",
        "Политики сертификата",
    ),
    (
        Oid::new_unwrap("2.5.29.35"),
        "authorityKeyIdentifier",
        "Идентификатор ключа издателя",
    ),
    (
        Oid::new_unwrap("2.5.29.37"),
        "extKeyUsage",
        "Расширенное использование ключа",
    ),
    (
        Oid::new_unwrap("1.3.6.1.5.5.7.1.1"),
        "authorityInfoAccess",
        "Доступ к информации об издателе",
    ),
    (
        Oid::new_unwrap("1.3.6.1.5.5.7.48.1.5"),
        "ocspNoCheck",
        "Без проверки статуса (OCSP)",
    ),
    (
        Oid::new_unwrap("1.3.6.1.4.1.311.20.2"),
        "certificateTemplateName",
        "Имя шаблона (Microsoft)",
    ),
    (
        Oid::new_unwrap("1.3.6.1.4.1.311.21.1"),
        "caVersion",
        "Версия ЦС (Microsoft)",
    ),
    (
        Oid::new_unwrap("1.3.6.1.4.1.311.21.2"),
        "previousCaCertHash",
        "Хэш предыдущего сертификата ЦС (Microsoft)",
    ),
    (
        Oid::new_unwrap("1.2.643.100.111"),
        "subjectSignTool",
        "Средство ЭП владельца",
    ),
    (
        Oid::new_unwrap("1.2.643.100.112"),
        "issuerSignTool",
        "Средства ЭП и УЦ издателя",
    ),
    (
        Oid::new_unwrap("1.2.643.100.114"),
        "identificationKind",
        "Способ идентификации",
    ),
];

/// id-ecPublicKey (RFC 5480).
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// The NIST P-256 curve (prime256v1).
pub const PRIME256V1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
/// rsaEncryption (RFC 8017).
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// Ed25519, as key and as signature algorithm (RFC 8410).
pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
/// ecdsa-with-SHA256.
pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384.
pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512.
pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
/// sha256WithRSAEncryption.
pub const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption.
pub const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption.
pub const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");

fn lookup(table: &'static [(Oid, &str, &str)], oid: &Oid) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(o, _, _)| o == oid)
        .map(|(_, en, ru)| (*en, *ru))
}

/// The (English, Russian) names of a name attribute, if Podpis knows it.
pub fn attribute_name(oid: &Oid) -> Option<(&'static str, &'static str)> {
    lookup(ATTRIBUTES, oid)
}

/// The (English, Russian) names of an extension, if Podpis knows it.
pub fn extension_name(oid: &Oid) -> Option<(&'static str, &'static str)> {
    lookup(EXTENSIONS, oid)
}

/// A readable name for a signature or public-key algorithm OID.
pub fn algorithm_name(oid: &Oid) -> Option<&'static str> {
    use podpis_gost::oid as g;
    Some(match *oid {
        g::GOST_R3410_2001 => "GOST R 34.10-2001",
        g::GOST_R3410_2012_256 => "GOST R 34.10-2012 256-bit",
        g::GOST_R3410_2012_512 => "GOST R 34.10-2012 512-bit",
        g::GOST_R3411_94_WITH_R3410_2001 => "GOST R 34.11-94 with GOST R 34.10-2001",
        g::SIGN_WITH_STREEBOG_256 => "GOST R 34.10-2012 with Streebog-256",
        g::SIGN_WITH_STREEBOG_512 => "GOST R 34.10-2012 with Streebog-512",
        EC_PUBLIC_KEY => "EC public key",
        RSA_ENCRYPTION => "RSA",
        ED25519 => "Ed25519",
        ECDSA_SHA256 => "ECDSA with SHA-256",
        ECDSA_SHA384 => "ECDSA with SHA-384",
        ECDSA_SHA512 => "ECDSA with SHA-512",
        RSA_SHA256 => "RSA with SHA-256",
        RSA_SHA384 => "RSA with SHA-384",
        RSA_SHA512 => "RSA with SHA-512",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_and_each_oid_is_listed_once() {
        assert_eq!(attribute_name(&INN), Some(("INN", "ИНН")));
        assert_eq!(
            extension_name(&IDENTIFICATION_KIND).unwrap().0,
            "identificationKind"
        );
        // (The tables are checked as OIDs when compiled.) Each entry is the one found.
        for table in [ATTRIBUTES, EXTENSIONS] {
            for (oid, en, ru) in table {
                assert_eq!(lookup(table, oid), Some((*en, *ru)), "{oid}");
            }
        }
        assert_eq!(attribute_name(&Oid::new_unwrap("1.2.3.4")), None);
    }
}
