//! Checking and normalising what people type: phones, e-mail addresses, names, passwords, INN and
//! SNILS (with their control digits, through [`podpis_pki::identifiers`]).

use podpis_pki::identifiers::{self, IdentifierError, IdentifierKind};

use crate::{Error, Result};

/// A phone number as stored: `+` and 11–15 digits; Russian numbers written `8…` or `7…` become
/// `+7…`. Spaces, dashes and brackets are ignored.
pub fn phone(input: &str) -> Result<String> {
    let plus = input.trim_start().starts_with('+');
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+'))
        .collect();
    let refuse = || {
        Error::invalid(
            "phone",
            "Номер телефона: укажите его в виде +7 999 123-45-67.",
            "Phone: write it as +7 999 123-45-67.",
        )
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse());
    }
    let normal = match (plus, digits.len(), digits.as_bytes()[0]) {
        (false, 11, b'8' | b'7') => format!("+7{}", &digits[1..]),
        (false, 10, b'9') => format!("+7{digits}"),
        (true, 11..=15, _) => format!("+{digits}"),
        _ => return Err(refuse()),
    };
    Ok(normal)
}

/// An e-mail address, lower-cased: one `@`, a dotted domain, no spaces, at most 254 characters.
pub fn email(input: &str) -> Result<String> {
    let e = input.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(e)
    } else {
        Err(Error::invalid(
            "email",
            "Электронная почта: укажите адрес вида name@example.ru.",
            "E-mail: write an address such as name@example.ru.",
        ))
    }
}

/// A surname, given name or patronymic: letters (Cyrillic or Latin), spaces, hyphens and
/// apostrophes, at most 100 characters; trimmed. `required` refuses an empty one.
pub fn name(field: &'static str, input: &str, required: bool) -> Result<String> {
    let n = input.trim().to_owned();
    let (ru, en) = match field {
        "surname" => ("Фамилия", "Surname"),
        "given_name" => ("Имя", "Given name"),
        _ => ("Отчество", "Patronymic"),
    };
    if n.is_empty() {
        return if required {
            Err(Error::invalid(
                field,
                format!("{ru}: обязательное поле."),
                format!("{en}: required."),
            ))
        } else {
            Ok(n)
        };
    }
    if n.chars().count() > 100
        || !n
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’'))
    {
        return Err(Error::invalid(
            field,
            format!("{ru}: только буквы, пробел, дефис и апостроф, не длиннее 100 знаков."),
            format!("{en}: letters, spaces, hyphens and apostrophes only, at most 100 characters."),
        ));
    }
    Ok(n)
}

/// A new password: 8 to 128 characters, with letters and at least one digit or other sign.
pub fn password(input: &str) -> Result<()> {
    let len = input.chars().count();
    let letters = input.chars().any(char::is_alphabetic);
    let others = input.chars().any(|c| !c.is_alphabetic());
    if (8..=128).contains(&len) && letters && others {
        Ok(())
    } else {
        Err(Error::invalid(
            "password",
            "Пароль: от 8 до 128 знаков, буквы и хотя бы одна цифра или другой знак.",
            "Password: 8 to 128 characters, letters and at least one digit or other sign.",
        ))
    }
}

fn identifier(kind: IdentifierKind, field: &'static str, input: &str) -> Result<Option<String>> {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    identifiers::check(kind, &digits).map_err(|e: IdentifierError| {
        let en = e.to_string();
        let name = match kind {
            IdentifierKind::Inn => "ИНН",
            IdentifierKind::InnLe => "ИНН юридического лица",
            IdentifierKind::Snils => "СНИЛС",
            IdentifierKind::Ogrn => "ОГРН",
            IdentifierKind::Ogrnip => "ОГРНИП",
        };
        let ru = match &e {
            IdentifierError::ControlDigit { kind: IdentifierKind::Snils, expected, actual, .. } => format!(
                "{name}: контрольное число (две последние цифры) {actual:02}, а по остальным цифрам должно быть {expected:02} — проверьте номер."
            ),
            IdentifierError::ControlDigit { position, expected, actual, .. } => format!(
                "{name}: контрольная цифра (цифра {position}) {actual}, а по остальным цифрам должна быть {expected} — проверьте номер."
            ),
            IdentifierError::Length { expected, actual, .. } => format!(
                "{name}: должно быть {} цифр, указано {actual}.",
                expected.iter().map(ToString::to_string).collect::<Vec<_>>().join(" или ")
            ),
            IdentifierError::Prefix { allowed, .. } => format!(
                "{name}: первая цифра должна быть {}.",
                allowed.replace(" or ", " или ")
            ),
            IdentifierError::NotDigits { .. } => format!("{name}: только цифры."),
        };
        Error::invalid(field, ru, en)
    })?;
    Ok(Some(digits))
}

/// A person's INN (12 digits, control digits checked); empty input is `None`.
pub fn inn(input: &str) -> Result<Option<String>> {
    identifier(IdentifierKind::Inn, "inn", input)
}

/// A legal entity's INN (10 digits, control digit checked); empty input is `None`.
pub fn inn_le(input: &str) -> Result<Option<String>> {
    identifier(IdentifierKind::InnLe, "inn", input)
}

/// An OGRN (13 digits, control digit checked); empty input is `None`.
pub fn ogrn(input: &str) -> Result<Option<String>> {
    identifier(IdentifierKind::Ogrn, "ogrn", input)
}

/// An OGRNIP (15 digits, control digit checked); empty input is `None`.
pub fn ogrnip(input: &str) -> Result<Option<String>> {
    identifier(IdentifierKind::Ogrnip, "ogrnip", input)
}

/// A SNILS (11 digits, written with or without `-` and spaces, control number checked); empty
/// input is `None`.
pub fn snils(input: &str) -> Result<Option<String>> {
    identifier(IdentifierKind::Snils, "snils", input)
}

/// The forms a login may take: a phone, an e-mail, a SNILS. Each is `None` when the input
/// cannot be one (an 11-digit number may be both a phone and a SNILS).
pub fn login(input: &str) -> (Option<String>, Option<String>, Option<String>) {
    let input = input.trim();
    if input.contains('@') {
        return (None, email(input).ok(), None);
    }
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let snils =
        (digits.len() == 11 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits);
    (phone(input).ok(), None, snils)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for (input, want) in [
            ("+7 999 123-45-67", "+79991234567"),
            ("8 (999) 123-45-67", "+79991234567"),
            ("79991234567", "+79991234567"),
            ("9991234567", "+79991234567"),
            ("+375291234567", "+375291234567"),
        ] {
            assert_eq!(phone(input).unwrap(), want, "{input}");
        }
        for bad in ["", "12345", "+7 999 abc", "999123456", "+1234"] {
            assert_eq!(phone(bad).unwrap_err().slug(), "invalid-field", "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" Ivan.Petrov@Example.RU ").unwrap(),
            "ivan.petrov@example.ru"
        );
        for bad in [
            "", "no-at", "a@b", "a@@b.ru", "a b@c.ru", "@c.ru", "a@.ru", "a@c.ru.",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(
            name("surname", " Салтыков-Щедрин ", true).unwrap(),
            "Салтыков-Щедрин"
        );
        assert_eq!(name("patronymic", "", false).unwrap(), "");
        assert!(name("surname", "", true).is_err());
        assert!(name("given_name", "Иван1", true).is_err());
        assert!(password("Пароль-2026").is_ok());
        for bad in ["short1", "onlyletters", "12345678901", &"a1".repeat(65)] {
            assert!(password(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn identifiers_with_control_digits() {
        assert_eq!(
            inn("500100732259").unwrap().as_deref(),
            Some("500100732259")
        );
        assert_eq!(
            snils("112-233-445 95").unwrap().as_deref(),
            Some("11223344595")
        );
        assert_eq!(inn("  ").unwrap(), None);
        let e = inn("500100732258").unwrap_err();
        assert!(
            e.text(crate::Lang::Ru).contains("контрольная цифра"),
            "{}",
            e.text(crate::Lang::Ru)
        );
        assert_eq!(
            e.text(crate::Lang::Ru),
            "ИНН: контрольная цифра (цифра 12) 8, а по остальным цифрам должна быть 9 — проверьте номер."
        );
        assert_eq!(
            snils("112-233-445 96").unwrap_err().text(crate::Lang::Ru),
            "СНИЛС: контрольное число (две последние цифры) 96, а по остальным цифрам должно быть 95 — проверьте номер."
        );
        assert!(
            snils("112-233-445 96")
                .unwrap_err()
                .text(crate::Lang::En)
                .contains("the control number (the last two digits) is 96 but the other digits call for 95")
        );
        assert_eq!(
            ogrn("2027700132195").unwrap_err().text(crate::Lang::Ru),
            "ОГРН: первая цифра должна быть 1 или 5."
        );
        assert_eq!(
            inn("5001-OO732259").unwrap_err().text(crate::Lang::Ru),
            "ИНН: только цифры."
        );
        assert!(
            snils("1122334459")
                .unwrap_err()
                .text(crate::Lang::Ru)
                .contains("11 цифр")
        );
    }

    #[test]
    fn login_forms() {
        assert_eq!(login("a@b.ru"), (None, Some("a@b.ru".into()), None));
        assert_eq!(
            login("+7 999 123-45-67"),
            (Some("+79991234567".into()), None, None)
        );
        assert_eq!(
            login("89991234567"),
            (
                Some("+79991234567".into()),
                None,
                Some("89991234567".into())
            ),
            "11 digits may be a phone or a SNILS"
        );
        assert_eq!(
            login("112-233-445 95"),
            (None, None, Some("11223344595".into()))
        );
    }
}
