//! Names in path validation: the syntax of subjectAltName entries and name constraints, and
//! name constraints applied to the names of the certificates below a CA (RFC 5280 §4.2.1.10,
//! §6.1.3 b–c), within a comparison budget against pathological inputs.

use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use crate::certificate::name_attributes;

/// The emailAddress attribute (PKCS #9).
const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// How many name/constraint comparisons one validation may make.
pub(crate) const COMPARISON_BUDGET: usize = 250_000;

/// Why a name or constraint is unusable, or a name is outside the constraints.
pub(crate) type NameError = String;

/// Checks the syntax of a subjectAltName entry.
pub(crate) fn check_syntax(name: &GeneralName) -> Result<(), NameError> {
    match name {
        GeneralName::DnsName(dns) => {
            let dns = dns.as_str();
            let host = dns.strip_prefix("*.").unwrap_or(dns);
            if !is_hostname(host) {
                return Err(format!("{dns:?} is not a valid DNS name"));
            }
        }
        GeneralName::IpAddress(ip) if ![4, 16].contains(&ip.as_bytes().len()) => {
            return Err(format!("an IP address of {} octets", ip.as_bytes().len()));
        }
        GeneralName::Rfc822Name(mail) if !is_mailbox(mail.as_str()) => {
            return Err(format!("{:?} is not a valid e-mail address", mail.as_str()));
        }
        _ => {}
    }
    Ok(())
}

/// A host name: dot-separated labels of letters, digits and inner hyphens, the last one not all
/// digits.
fn is_hostname(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.len() <= 253
        && labels.iter().all(label_ok)
        && !labels
            .last()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

/// `local@host` with one `@`, a non-empty printable local part and a valid host.
fn is_mailbox(mail: &str) -> bool {
    match mail.split_once('@') {
        Some((local, host)) => {
            !local.is_empty()
                && local.bytes().all(|b| b.is_ascii_graphic() && b != b'@')
                && is_hostname(host)
        }
        None => false,
    }
}

/// Checks the syntax of every subtree of a nameConstraints extension.
pub(crate) fn check_constraints(nc: &NameConstraints) -> Result<(), NameError> {
    let subtrees = nc
        .permitted_subtrees
        .iter()
        .chain(nc.excluded_subtrees.iter())
        .flatten();
    for GeneralSubtree {
        base,
        minimum,
        maximum,
    } in subtrees
    {
        if *minimum != 0 || maximum.is_some() {
            return Err("a name constraint with minimum or maximum (RFC 5280: MUST NOT)".into());
        }
        match base {
            GeneralName::DnsName(dns) => {
                let dns = dns.as_str();
                if !dns.is_empty() && !is_hostname(dns) {
                    return Err(format!("DNS name constraint {dns:?} is malformed"));
                }
            }
            GeneralName::IpAddress(ip) => {
                let bytes = ip.as_bytes();
                if ![8, 32].contains(&bytes.len()) || !is_contiguous_mask(&bytes[bytes.len() / 2..])
                {
                    return Err(
                        "IP address name constraint is not an address and a CIDR mask".into(),
                    );
                }
            }
            GeneralName::Rfc822Name(mail) => {
                let mail = mail.as_str();
                let host = mail.strip_prefix('.').unwrap_or(mail);
                let ok = if mail.contains('@') {
                    is_mailbox(mail)
                } else {
                    is_hostname(host)
                };
                if !ok {
                    return Err(format!("e-mail name constraint {mail:?} is malformed"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_contiguous_mask(mask: &[u8]) -> bool {
    let bits: Vec<bool> = mask
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
        .collect();
    let ones = bits.iter().take_while(|b| **b).count();
    bits[ones..].iter().all(|b| !b)
}

/// The names of a certificate that name constraints apply to.
pub(crate) struct Subject<'a> {
    /// The subject name.
    pub name: &'a Name,
    /// The subjectAltName entries.
    pub alt_names: &'a [GeneralName],
}

/// Checks `subject`'s names against one CA's constraints, spending from `budget`.
pub(crate) fn check_against(
    nc: &NameConstraints,
    subject: &Subject<'_>,
    budget: &mut usize,
) -> Result<(), NameError> {
    let dn = GeneralName::DirectoryName(subject.name.clone());
    // RFC 5280 §4.2.1.10: e-mail constraints also cover emailAddress attributes of the subject.
    let emails: Vec<GeneralName> = name_attributes(subject.name)
        .into_iter()
        .filter(|a| a.oid == EMAIL_ADDRESS)
        .filter_map(|a| der::asn1::Ia5String::new(&a.value).ok())
        .map(GeneralName::Rfc822Name)
        .collect();
    let names = subject
        .alt_names
        .iter()
        .chain((!subject.name.is_empty()).then_some(&dn))
        .chain(&emails);
    for name in names {
        if let Some(excluded) = &nc.excluded_subtrees {
            for subtree in excluded {
                spend(budget)?;
                if matches(&subtree.base, name, Mode::Excluded)? {
                    return Err(format!("{} is in an excluded subtree", describe(name)));
                }
            }
        }
        if let Some(permitted) = &nc.permitted_subtrees {
            let mut same_kind = false;
            let mut inside = false;
            for subtree in permitted {
                spend(budget)?;
                if same_type(&subtree.base, name) {
                    same_kind = true;
                    if matches(&subtree.base, name, Mode::Permitted)? {
                        inside = true;
                        break;
                    }
                }
            }
            if same_kind && !inside {
                return Err(format!(
                    "{} is outside the permitted subtrees",
                    describe(name)
                ));
            }
        }
    }
    Ok(())
}

fn spend(budget: &mut usize) -> Result<(), NameError> {
    *budget = budget
        .checked_sub(1)
        .ok_or("too many name constraint comparisons (a pathological certificate?)")?;
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Permitted,
    Excluded,
}

fn same_type(a: &GeneralName, b: &GeneralName) -> bool {
    core::mem::discriminant(a) == core::mem::discriminant(b)
}

fn describe(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(d) => format!("DNS name {}", d.as_str()),
        GeneralName::Rfc822Name(m) => format!("e-mail {}", m.as_str()),
        GeneralName::IpAddress(ip) => format!("IP address {}", hex(ip.as_bytes())),
        GeneralName::DirectoryName(_) => "the directory name".into(),
        GeneralName::OtherName(o) => format!("otherName {}", o.type_id),
        _ => "a name".into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `name` falls in the subtree `base`. A constraint on a name form Podpis does not
/// process, met by a name of that form, is an error (RFC 5280: process it or reject).
fn matches(base: &GeneralName, name: &GeneralName, mode: Mode) -> Result<bool, NameError> {
    Ok(match (base, name) {
        (GeneralName::DnsName(c), GeneralName::DnsName(n)) => dns_matches(
            &c.as_str().to_ascii_lowercase(),
            &n.as_str().to_ascii_lowercase(),
            mode,
        ),
        (GeneralName::Rfc822Name(c), GeneralName::Rfc822Name(n)) => {
            mail_matches(c.as_str(), n.as_str())
        }
        (GeneralName::IpAddress(c), GeneralName::IpAddress(n)) => {
            let (c, n) = (c.as_bytes(), n.as_bytes());
            let half = c.len() / 2;
            n.len() == half
                && n.iter()
                    .zip(&c[..half])
                    .zip(&c[half..])
                    .all(|((n, a), m)| n & m == a & m)
        }
        (GeneralName::DirectoryName(c), GeneralName::DirectoryName(n)) => dn_within(c, n),
        (base, name) if same_type(base, name) => {
            return Err(format!(
                "a name constraint on {} cannot be processed",
                describe(name)
            ));
        }
        _ => false,
    })
}

/// `name` equals `constraint` or lies below it. A wildcard name `*.host` is inside a permitted
/// subtree when `host` is; against an excluded subtree it matches when the two overlap at all.
fn dns_matches(constraint: &str, name: &str, mode: Mode) -> bool {
    let within = |n: &str, c: &str| c.is_empty() || n == c || n.ends_with(&format!(".{c}"));
    match name.strip_prefix("*.") {
        Some(base) => match mode {
            Mode::Permitted => within(base, constraint),
            Mode::Excluded => within(base, constraint) || within(constraint, base),
        },
        None => within(name, constraint),
    }
}

/// RFC 5280 §4.2.1.10: a mailbox (exact), a host (all its mailboxes), or `.domain` (every host
/// below it). Characters are literal; host parts compare case-insensitively.
fn mail_matches(constraint: &str, mail: &str) -> bool {
    let Some((local, host)) = mail.rsplit_once('@') else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let constraint_lower = constraint.to_ascii_lowercase();
    match constraint.rsplit_once('@') {
        Some((c_local, c_host)) => c_local == local && c_host.eq_ignore_ascii_case(&host),
        None if constraint.starts_with('.') => host.ends_with(&constraint_lower),
        None => host == constraint_lower,
    }
}

/// Whether the DN `constraint` is a prefix of `name`, attribute by attribute (compared as
/// normalised text).
fn dn_within(constraint: &Name, name: &Name) -> bool {
    let c = super::comparable(name_attributes(constraint));
    let n = super::comparable(name_attributes(name));
    n.starts_with(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_mail_syntax() {
        assert!(is_hostname("example.com"));
        assert!(is_hostname("xn--80ak6aa92e.xn--p1ai"));
        assert!(!is_hostname("foo_bar.example.com"));
        assert!(!is_hostname("8.8.8.8"));
        assert!(!is_hostname(".example.com"));
        assert!(is_mailbox("user*@example.com"));
        assert!(!is_mailbox("invalid@invalid@example.com"));
        assert!(is_contiguous_mask(&[255, 255, 0, 0]));
        assert!(!is_contiguous_mask(&[255, 0, 255, 0]));
    }

    #[test]
    fn dns_and_mail_constraints() {
        assert!(dns_matches("example.com", "a.example.com", Mode::Permitted));
        assert!(!dns_matches(
            "example.com",
            "notexample.com",
            Mode::Permitted
        ));
        assert!(dns_matches(
            "bar.example.com",
            "*.example.com",
            Mode::Excluded
        ));
        assert!(!dns_matches(
            "bar.example.com",
            "*.example.com",
            Mode::Permitted
        ));
        assert!(mail_matches("*@example.com", "*@example.com"));
        assert!(!mail_matches("*@example.com", "foo@example.com"));
        assert!(mail_matches("example.com", "foo@EXAMPLE.com"));
        assert!(!mail_matches("example.com", "foo@sub.example.com"));
        assert!(mail_matches(".example.com", "foo@sub.example.com"));
    }
}
