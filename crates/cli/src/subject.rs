//! The subject options shared by `csr create` and `ca init`, and the `--profile` option.

use clap::{Args, ValueEnum};
use podpis_pki::subject::{Profile, SubjectInfo};

/// The owner's kind, as the command line names it.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ProfileArg {
    /// A private person (ФЛ).
    Person,
    /// A sole proprietor (ИП).
    Entrepreneur,
    /// A legal entity's officer (ЮЛ).
    Legal,
    /// A certification centre (УЦ).
    Ca,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Person => Profile::Person,
            ProfileArg::Entrepreneur => Profile::Entrepreneur,
            ProfileArg::Legal => Profile::LegalEntity,
            ProfileArg::Ca => Profile::CertificationCentre,
        }
    }
}

/// The subject's attributes (FSB order No. 795). Which ones are required depends on the profile.
#[derive(Args, Clone, Debug, Default)]
pub struct SubjectArgs {
    /// CN: the full name of the person, or the organisation's name.
    #[arg(long)]
    pub cn: Option<String>,
    /// SN: surname.
    #[arg(long)]
    pub surname: Option<String>,
    /// GN: given name and patronymic.
    #[arg(long)]
    pub given_name: Option<String>,
    /// Position in the organisation.
    #[arg(long)]
    pub title: Option<String>,
    /// O: organisation.
    #[arg(long)]
    pub org: Option<String>,
    /// OU: department.
    #[arg(long)]
    pub ou: Option<String>,
    /// C: country code.
    #[arg(long, default_value = "RU")]
    pub country: String,
    /// ST: region, e.g. "77 г. Москва".
    #[arg(long)]
    pub region: Option<String>,
    /// L: town.
    #[arg(long)]
    pub locality: Option<String>,
    /// Street and house.
    #[arg(long)]
    pub street: Option<String>,
    /// E-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// ИНН of the person (12 digits).
    #[arg(long)]
    pub inn: Option<String>,
    /// ИНН of the legal entity (10 digits).
    #[arg(long)]
    pub inn_le: Option<String>,
    /// СНИЛС (11 digits; dashes and spaces allowed).
    #[arg(long)]
    pub snils: Option<String>,
    /// ОГРН (13 digits).
    #[arg(long)]
    pub ogrn: Option<String>,
    /// ОГРНИП (15 digits).
    #[arg(long)]
    pub ogrnip: Option<String>,
}

impl SubjectArgs {
    /// The subject data these options give.
    pub fn info(&self) -> SubjectInfo {
        SubjectInfo {
            common_name: self.cn.clone(),
            surname: self.surname.clone(),
            given_name: self.given_name.clone(),
            title: self.title.clone(),
            organization: self.org.clone(),
            organizational_unit: self.ou.clone(),
            country: Some(self.country.clone()),
            region: self.region.clone(),
            locality: self.locality.clone(),
            street: self.street.clone(),
            email: self.email.clone(),
            inn: self.inn.clone(),
            inn_le: self.inn_le.clone(),
            snils: self.snils.clone(),
            ogrn: self.ogrn.clone(),
            ogrnip: self.ogrnip.clone(),
        }
    }
}
