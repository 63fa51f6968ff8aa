//! Russian identifiers carried in qualified certificates, checked with their control digits:
//! INN (10 digits for a legal entity, 12 for a person), SNILS, OGRN and OGRNIP.
//! The algorithms are in `shared/standards/oids-and-profile.md` §7.

use core::fmt;

/// The kind of identifier, which fixes its length and control-digit rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum IdentifierKind {
    /// ИНН of a person (12 digits) — or, in certificates before September 2021, of a legal entity
    /// written as "00" + 10 digits.
    Inn,
    /// ИНН ЮЛ: a legal entity's INN (10 digits).
    InnLe,
    /// СНИЛС: individual insurance account number (11 digits).
    Snils,
    /// ОГРН: a legal entity's state registration number (13 digits).
    Ogrn,
    /// ОГРНИП: a sole proprietor's state registration number (15 digits).
    Ogrnip,
}

impl IdentifierKind {
    /// The name used in messages, Russian abbreviation first.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inn => "ИНН (INN)",
            Self::InnLe => "ИНН ЮЛ (INN of a legal entity)",
            Self::Snils => "СНИЛС (SNILS)",
            Self::Ogrn => "ОГРН (OGRN)",
            Self::Ogrnip => "ОГРНИП (OGRNIP)",
        }
    }

    /// The lengths allowed, in digits.
    fn lengths(self) -> &'static [usize] {
        match self {
            Self::Inn => &[12],
            Self::InnLe => &[10],
            Self::Snils => &[11],
            Self::Ogrn => &[13],
            Self::Ogrnip => &[15],
        }
    }
}

/// Why an identifier was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentifierError {
    /// Characters other than the digits 0–9.
    NotDigits {
        /// Which identifier.
        kind: IdentifierKind,
    },
    /// The wrong number of digits.
    Length {
        /// Which identifier.
        kind: IdentifierKind,
        /// The lengths allowed.
        expected: &'static [usize],
        /// The length given.
        actual: usize,
    },
    /// A control digit does not match the others (a SNILS's two-digit control number, at
    /// positions 10 and 11, counts as one).
    ControlDigit {
        /// Which identifier.
        kind: IdentifierKind,
        /// The 1-based position of the control digit (of the first of a SNILS's two).
        position: usize,
        /// The digit (a SNILS's number, 0–99) the others call for.
        expected: u8,
        /// The digit (a SNILS's number) given.
        actual: u8,
    },
    /// A first digit that this kind of number never has.
    Prefix {
        /// Which identifier.
        kind: IdentifierKind,
        /// What the first digit must be.
        allowed: &'static str,
    },
}

impl fmt::Display for IdentifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotDigits { kind } => {
                write!(f, "{}: only the digits 0–9 are allowed", kind.name())
            }
            Self::Length {
                kind,
                expected,
                actual,
            } => {
                let expected: Vec<String> = expected.iter().map(|n| n.to_string()).collect();
                write!(
                    f,
                    "{}: must have {} digits, not {actual}",
                    kind.name(),
                    expected.join(" or ")
                )
            }
            Self::ControlDigit {
                kind: IdentifierKind::Snils,
                expected,
                actual,
                ..
            } => write!(
                f,
                "{}: the control number (the last two digits) is {actual:02} but the other \
                 digits call for {expected:02} (a mistyped digit?)",
                IdentifierKind::Snils.name()
            ),
            Self::ControlDigit {
                kind,
                position,
                expected,
                actual,
            } => write!(
                f,
                "{}: control digit {position} is {actual} but the other digits call for {expected} \
                 (a mistyped digit?)",
                kind.name()
            ),
            Self::Prefix { kind, allowed } => {
                write!(f, "{}: the first digit must be {allowed}", kind.name())
            }
        }
    }
}

impl std::error::Error for IdentifierError {}

/// Checks `value` as an identifier of `kind`: digits only, the right length, the right control
/// digits. A SNILS may be written with its usual separators ("112-233-445 95").
pub fn check(kind: IdentifierKind, value: &str) -> Result<(), IdentifierError> {
    let digits: Vec<u8> = if kind == IdentifierKind::Snils {
        value
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(digit)
            .collect::<Option<_>>()
    } else {
        value.chars().map(digit).collect::<Option<_>>()
    }
    .ok_or(IdentifierError::NotDigits { kind })?;
    if !kind.lengths().contains(&digits.len()) {
        return Err(IdentifierError::Length {
            kind,
            expected: kind.lengths(),
            actual: digits.len(),
        });
    }
    let control = |position: usize, expected: u64| {
        let actual = digits[position - 1];
        if u64::from(actual) == expected {
            Ok(())
        } else {
            Err(IdentifierError::ControlDigit {
                kind,
                position,
                expected: expected as u8,
                actual,
            })
        }
    };
    match kind {
        IdentifierKind::InnLe => control(
            10,
            weighted(&digits, &[2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10,
        ),
        IdentifierKind::Inn => {
            control(
                11,
                weighted(&digits, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10,
            )?;
            control(
                12,
                weighted(&digits, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10,
            )
        }
        IdentifierKind::Snils => {
            // The rule applies to numbers above 001-001-998 only.
            if number(&digits[..9]) <= 1_001_998 {
                return Ok(());
            }
            let sum = weighted(&digits, &[9, 8, 7, 6, 5, 4, 3, 2, 1]);
            let expected = match sum {
                0..=99 => sum,
                100 | 101 => 0,
                _ => sum % 101 % 100,
            };
            let actual = number(&digits[9..]);
            if actual == expected {
                Ok(())
            } else {
                Err(IdentifierError::ControlDigit {
                    kind,
                    position: 10,
                    expected: expected as u8,
                    actual: actual as u8,
                })
            }
        }
        IdentifierKind::Ogrn => {
            if !matches!(digits[0], 1 | 5) {
                return Err(IdentifierError::Prefix {
                    kind,
                    allowed: "1 or 5",
                });
            }
            control(13, number(&digits[..12]) % 11 % 10)
        }
        IdentifierKind::Ogrnip => {
            if digits[0] != 3 {
                return Err(IdentifierError::Prefix { kind, allowed: "3" });
            }
            control(15, number(&digits[..14]) % 13 % 10)
        }
    }
}

fn digit(c: char) -> Option<u8> {
    c.to_digit(10).map(|d| d as u8)
}

/// `Σ wᵢ·dᵢ` over the leading digits.
fn weighted(digits: &[u8], weights: &[u64]) -> u64 {
    digits
        .iter()
        .zip(weights)
        .map(|(d, w)| u64::from(*d) * w)
        .sum()
}

/// The digits read as a decimal number (at most 19 of them).
fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0, |acc, d| acc * 10 + u64::from(*d))
}

#[cfg(test)]
mod tests {
    use super::IdentifierKind::*;
    use super::*;

    #[test]
    fn published_valid_numbers_pass() {
        assert_eq!(check(InnLe, "7707083893"), Ok(()));
        assert_eq!(check(Inn, "500100732259"), Ok(()));
        assert_eq!(check(Snils, "112-233-445 95"), Ok(()));
        assert_eq!(check(Snils, "11223344595"), Ok(()));
        assert_eq!(check(Ogrn, "1027700132195"), Ok(()));
        assert_eq!(check(Ogrnip, "304500116000157"), Ok(()));
    }

    #[test]
    fn every_single_digit_change_of_a_control_digit_is_caught() {
        for (kind, valid) in [
            (InnLe, "7707083893"),
            (Inn, "500100732259"),
            (Ogrn, "1027700132195"),
            (Ogrnip, "304500116000157"),
        ] {
            let last = valid.len() - 1;
            for d in b'0'..=b'9' {
                let mut bad = valid.as_bytes().to_vec();
                if bad[last] == d {
                    continue;
                }
                bad[last] = d;
                let bad = String::from_utf8(bad).unwrap();
                let err = check(kind, &bad).unwrap_err();
                assert!(
                    matches!(err, IdentifierError::ControlDigit { position, .. } if position == valid.len()),
                    "{bad}: {err}"
                );
            }
        }
        let err = check(Inn, "500100732249").unwrap_err();
        assert_eq!(
            err,
            IdentifierError::ControlDigit {
                kind: Inn,
                position: 11,
                expected: 5,
                actual: 4
            }
        );
        assert!(err.to_string().contains("ИНН"), "{err}");
    }

    #[test]
    fn snils_rules() {
        assert!(matches!(
            check(Snils, "112-233-445 96"),
            Err(IdentifierError::ControlDigit {
                expected: 95,
                actual: 96,
                ..
            })
        ));
        // Below the threshold no control number is checked.
        assert_eq!(check(Snils, "001-001-998 00"), Ok(()));
        // A weighted sum of 100 or 101 gives the control number 00.
        let mut found = 0;
        for n in 1_002_000u64..1_200_000 {
            let s = format!("{n:09}");
            let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            let sum = weighted(&d, &[9, 8, 7, 6, 5, 4, 3, 2, 1]);
            if sum == 100 || sum == 101 {
                assert_eq!(check(Snils, &format!("{s}00")), Ok(()), "{s}");
                assert!(check(Snils, &format!("{s}01")).is_err());
                found += 1;
                if found > 3 {
                    break;
                }
            }
        }
        assert!(found > 0);
    }

    #[test]
    fn malformed_input_is_named() {
        assert!(matches!(
            check(Inn, "50010073225"),
            Err(IdentifierError::Length { actual: 11, .. })
        ));
        assert!(matches!(
            check(InnLe, "77070838９3"),
            Err(IdentifierError::NotDigits { .. })
        ));
        assert!(matches!(
            check(Ogrn, "2027700132195"),
            Err(IdentifierError::Prefix { .. })
        ));
        assert!(matches!(
            check(Ogrnip, "404500116000157"),
            Err(IdentifierError::Prefix { .. })
        ));
        assert!(matches!(
            check(Inn, ""),
            Err(IdentifierError::Length { actual: 0, .. })
        ));
        assert!(matches!(
            check(Snils, "112-233-445 9x"),
            Err(IdentifierError::NotDigits { .. })
        ));
        assert!(
            check(Inn, "50010073225")
                .unwrap_err()
                .to_string()
                .contains("12 digits, not 11")
        );
    }
}
