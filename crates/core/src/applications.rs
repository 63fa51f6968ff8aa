//! Applications for a qualified certificate, as the guides tell it: the citizen fills in a form
//! prefilled from the profile, attaches scans (PDF, at most 5 MB each), consents and submits;
//! the automatic checks accept or reject it with every reason; the chosen centre's operator
//! checks the scans and approves it or returns it for correction with a comment.
//!
//! The states and the moves between them are [`Status`] and [`Status::may_become`]; every move
//! is a compare-and-set in the store and a journal entry in the same transaction, so an illegal
//! or doubled move is refused and nothing is half done.

use podpis_pki::cades::DigestAlgorithm;
use podpis_store::{Account, Application, Attachment, Tx};
use serde::{Deserialize, Serialize};

use crate::accounts::{validate_birth_date, validate_passport};
use crate::centres::internal;
use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Lang, Missing, Portal, Principal, Result, secret, validate};

/// The largest scan accepted.
pub const MAX_SCAN_BYTES: usize = 5 * 1024 * 1024;
/// How many scans one application may carry.
const MAX_SCANS: usize = 12;
/// The longest text a form field may hold.
const MAX_FIELD: usize = 300;

/// Where an application is in its life (the state machine of the design).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled in.
    Draft,
    /// Submitted; the automatic checks run.
    Submitted,
    /// Refused by the automatic checks; the applicant may correct and submit again.
    Rejected,
    /// Passed the automatic checks; waits for the centre's pre-review.
    Accepted,
    /// Returned by the centre for correction, with a comment.
    Returned,
    /// Approved by the centre.
    Approved,
    /// Waits for the centre's price to be paid.
    AwaitingPayment,
    /// Paid; the applicant books a visit.
    Paid,
    /// A visit to the centre is booked.
    VisitBooked,
    /// The operator checked the originals and the applicant's identity.
    IdentityVerified,
    /// The certificate was issued.
    Issued,
    /// Done.
    Closed,
    /// Withdrawn by the applicant or refused at the centre.
    Cancelled,
}

impl Status {
    /// Every state, in the order of the life of an application.
    pub const ALL: [Status; 13] = [
        Self::Draft,
        Self::Submitted,
        Self::Rejected,
        Self::Accepted,
        Self::Returned,
        Self::Approved,
        Self::AwaitingPayment,
        Self::Paid,
        Self::VisitBooked,
        Self::IdentityVerified,
        Self::Issued,
        Self::Closed,
        Self::Cancelled,
    ];

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Rejected => "rejected",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Approved => "approved",
            Self::AwaitingPayment => "awaiting_payment",
            Self::Paid => "paid",
            Self::VisitBooked => "visit_booked",
            Self::IdentityVerified => "identity_verified",
            Self::Issued => "issued",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The state with this stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What a person reads.
    pub fn title(self, lang: Lang) -> &'static str {
        let (ru, en) = match self {
            Self::Draft => ("Черновик", "Draft"),
            Self::Submitted => ("Отправлено", "Submitted"),
            Self::Rejected => (
                "Отклонено автоматической проверкой",
                "Rejected by the checks",
            ),
            Self::Accepted => ("Принято, ждёт проверки в УЦ", "Accepted, awaiting review"),
            Self::Returned => ("Возвращено на доработку", "Returned for correction"),
            Self::Approved => ("Одобрено УЦ", "Approved"),
            Self::AwaitingPayment => ("Ожидает оплаты", "Awaiting payment"),
            Self::Paid => ("Оплачено, запишитесь на визит", "Paid, book a visit"),
            Self::VisitBooked => ("Записаны на визит в УЦ", "Visit booked"),
            Self::IdentityVerified => ("Личность подтверждена", "Identity verified"),
            Self::Issued => ("Сертификат выпущен", "Certificate issued"),
            Self::Closed => ("Завершено", "Closed"),
            Self::Cancelled => ("Отменено", "Cancelled"),
        };
        lang.pick(ru, en)
    }

    /// Whether the applicant may still change the form and the scans.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Rejected | Self::Returned)
    }

    /// Whether the comment of a move into this state is addressed to the applicant (why it
    /// was returned, rejected or refused); other moves' notes are for the journal.
    pub fn tells_applicant(self) -> bool {
        matches!(self, Self::Returned | Self::Rejected | Self::Cancelled)
    }

    /// Whether an application may move from this state to `to`. `paid → identity_verified`
    /// is the reissue's: its applicant is identified by a signature with the current key.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        let forward = matches!(
            (self, to),
            (Draft | Rejected | Returned, Submitted)
                | (Submitted, Rejected | Accepted)
                | (Accepted, Returned | Approved)
                | (Approved, AwaitingPayment)
                | (AwaitingPayment, Paid)
                | (Paid, VisitBooked | IdentityVerified)
                | (VisitBooked, Paid | IdentityVerified)
                | (IdentityVerified, Issued)
                | (Issued, Closed)
        );
        forward || (to == Cancelled && !matches!(self, Issued | Closed | Cancelled))
    }
}

/// Who the certificate is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    /// A private person.
    #[default]
    Person,
    /// A sole proprietor (ИП), with OGRNIP.
    Entrepreneur,
    /// An officer of a legal entity, with its INN and OGRN, charter and power of attorney.
    Officer,
}

impl SubjectType {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Entrepreneur => "entrepreneur",
            Self::Officer => "officer",
        }
    }
}

/// Where the key will live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// A hardware token: the applicant brings a CSR made on it.
    #[default]
    Token,
    /// A password-protected PKCS#12 file the centre makes.
    P12,
    /// A cloud key in the portal's vault, under the applicant's PIN.
    Cloud,
}

impl Medium {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::P12 => "p12",
            Self::Cloud => "cloud",
        }
    }
}

/// The identity document the applicant shows at the visit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityDocument {
    /// The passport of a citizen of Russia.
    #[default]
    Passport,
    /// A foreign passport, shown with a migration card.
    ForeignPassport,
}

/// Kinds of scan an application carries.
pub const SCAN_KINDS: [&str; 5] = [
    "passport",
    "migration_card",
    "charter",
    "power_of_attorney",
    "other",
];

/// The application form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    /// The chosen centre.
    pub centre_id: String,
    /// Who the certificate is for.
    pub subject_type: SubjectType,
    /// Where the key will live.
    pub medium: Medium,
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub given_name: String,
    /// Отчество.
    pub patronymic: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// The person's INN (12 digits).
    pub inn: String,
    /// СНИЛС.
    pub snils: String,
    /// The identity document.
    pub document: IdentityDocument,
    /// Its series and number.
    pub document_number: String,
    /// ОГРНИП (entrepreneurs).
    pub ogrnip: String,
    /// The organisation's name (officers).
    pub organization: String,
    /// ИНН ЮЛ (officers).
    pub inn_le: String,
    /// ОГРН (officers).
    pub ogrn: String,
    /// The officer's position.
    pub title: String,
    /// Region, e.g. "77 г. Москва" (officers).
    pub region: String,
    /// Town (officers).
    pub locality: String,
    /// Street and house (officers).
    pub street: String,
    /// Contact phone.
    pub phone: String,
    /// Contact e-mail.
    pub email: String,
    /// Consent to the processing of personal data.
    pub consent: bool,
    /// For a reissue: the serial of the certificate it replaces (of the same centre), whose
    /// key's signature identifies the applicant instead of a visit.
    pub reissue_of: String,
}

impl ApplicationForm {
    /// A form prefilled from `account`'s profile and contacts.
    pub fn prefilled(account: &Account) -> Self {
        Self {
            surname: account.surname.clone(),
            given_name: account.given_name.clone(),
            patronymic: account.patronymic.clone(),
            birth_date: account.birth_date.clone().unwrap_or_default(),
            inn: account.inn.clone().unwrap_or_default(),
            snils: account.snils.clone().unwrap_or_default(),
            document_number: account.passport.clone().unwrap_or_default(),
            phone: account.phone.clone(),
            email: account.email.clone(),
            ..Self::default()
        }
    }

    /// Every text field, for the length limit.
    fn texts(&self) -> [&str; 18] {
        [
            &self.centre_id,
            &self.surname,
            &self.given_name,
            &self.patronymic,
            &self.birth_date,
            &self.inn,
            &self.snils,
            &self.document_number,
            &self.ogrnip,
            &self.organization,
            &self.inn_le,
            &self.ogrn,
            &self.title,
            &self.region,
            &self.locality,
            &self.street,
            &self.phone,
            &self.email,
        ]
    }
}

/// An application with its form read back.
#[derive(Clone, Debug)]
pub struct ApplicationView {
    /// The stored application.
    pub application: Application,
    /// Its state.
    pub status: Status,
    /// Its form.
    pub form: ApplicationForm,
    /// Its scans (without their bytes).
    pub scans: Vec<Attachment>,
}

/// What the centre's operator decides at the pre-review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Review {
    /// The scans and data are in order.
    Approve,
    /// Back to the applicant for correction, with what to correct.
    Return(String),
}

/// Whether `bytes` are a PDF document, by content: the `%PDF-` header at the start and the
/// `%%EOF` marker near the end, as PDF readers look for them.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

fn not_found() -> Error {
    Error::NotFound(Missing::Application)
}

impl Portal {
    /// A new application form for the principal, prefilled from the profile (nothing is stored).
    pub async fn application_form(&self, who: &Principal) -> Result<ApplicationForm> {
        Ok(ApplicationForm::prefilled(&self.account(who).await?))
    }

    /// Saves `form` as a new draft of the principal.
    pub async fn create_application(
        &self,
        ctx: &Context,
        who: &Principal,
        form: ApplicationForm,
    ) -> Result<ApplicationView> {
        check_lengths(&form)?;
        let now = self.now();
        let centre = self.centre(&form.centre_id).await?;
        let draft = Application {
            id: secret::new_ordered_id(),
            account_id: who.account_id.clone(),
            centre_id: String::new(),
            subject_type: String::new(),
            medium: String::new(),
            snils: String::new(),
            form: String::new(),
            status: Status::Draft.name().into(),
            comment: String::new(),
            price: 0,
            created_at: now,
            updated_at: now,
            serial: None,
        };
        let application = with_form(draft, &form, &centre)?;
        let mut tx = self.store.begin().await?;
        tx.insert_application(&application).await?;
        self.record_application(
            &mut tx,
            ctx,
            Some(who),
            &application,
            Action::ApplicationEdited,
            "",
        )
        .await?;
        tx.commit().await?;
        self.view(application)
    }

    /// Replaces the form of the principal's application while it may be edited.
    pub async fn update_application(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        form: ApplicationForm,
    ) -> Result<ApplicationView> {
        check_lengths(&form)?;
        let centre = self.centre(&form.centre_id).await?;
        let mut tx = self.store.begin().await?;
        let mut application =
            with_form(self.own_editable(&mut tx, who, id).await?, &form, &centre)?;
        application.updated_at = self.now();
        if !tx.update_application_form(&application).await? {
            return Err(moved_meanwhile());
        }
        self.record_application(
            &mut tx,
            ctx,
            Some(who),
            &application,
            Action::ApplicationEdited,
            "",
        )
        .await?;
        tx.commit().await?;
        self.view(application)
    }

    /// Attaches a scan of `kind` to the principal's application: a PDF (by content) of at most
    /// 5 MB; anything else is refused with the reason and nothing is stored.
    pub async fn attach_scan(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        kind: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        if !SCAN_KINDS.contains(&kind) {
            return Err(Error::invalid(
                "kind",
                format!("Вид документа: одно из {}.", SCAN_KINDS.join(", ")),
                format!("Document kind: one of {}.", SCAN_KINDS.join(", ")),
            ));
        }
        if bytes.len() > MAX_SCAN_BYTES {
            return Err(Error::invalid(
                "file",
                format!(
                    "Файл «{name}» больше 5 МБ ({:.1} МБ): уменьшите скан.",
                    bytes.len() as f64 / 1048576.0
                ),
                format!(
                    "The file «{name}» is over 5 MB ({:.1} MB): make the scan smaller.",
                    bytes.len() as f64 / 1048576.0
                ),
            ));
        }
        if !is_pdf(bytes) {
            return Err(Error::invalid(
                "file",
                format!("Файл «{name}» не является документом PDF: приложите скан в PDF."),
                format!("The file «{name}» is not a PDF document: attach the scan as PDF."),
            ));
        }
        let mut tx = self.store.begin().await?;
        let application = self.own_editable(&mut tx, who, id).await?;
        if tx.attachments(id).await?.len() >= MAX_SCANS {
            return Err(Error::invalid(
                "file",
                format!("К заявлению можно приложить не более {MAX_SCANS} файлов."),
                format!("An application carries at most {MAX_SCANS} files."),
            ));
        }
        let name = crate::documents::file_name(name);
        let scan = Attachment {
            id: secret::new_id(),
            application_id: id.to_owned(),
            kind: kind.to_owned(),
            name: if name.is_empty() {
                "scan.pdf".into()
            } else {
                name
            },
            size: bytes.len() as i64,
            hash: hex::encode(DigestAlgorithm::Streebog256.digest(bytes)),
            content: bytes.to_vec(),
            created_at: self.now(),
        };
        tx.insert_attachment(&scan).await?;
        let details = wording::SCAN_ATTACHED.fill(&[&scan.kind, &scan.name, &scan.size]);
        self.record_application(
            &mut tx,
            ctx,
            Some(who),
            &application,
            Action::ApplicationEdited,
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(Attachment {
            content: Vec::new(),
            ..scan
        })
    }

    /// Removes a scan from the principal's application while it may be edited.
    pub async fn remove_scan(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        scan_id: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let application = self.own_editable(&mut tx, who, id).await?;
        if !tx.delete_attachment(id, scan_id).await? {
            return Err(Error::NotFound(Missing::Scan));
        }
        let details = wording::SCAN_REMOVED.fill(&[&scan_id]);
        self.record_application(
            &mut tx,
            ctx,
            Some(who),
            &application,
            Action::ApplicationEdited,
            &details,
        )
        .await?;
        Ok(tx.commit().await?)
    }

    /// Submits the principal's application: the automatic checks run at once and it becomes
    /// `accepted`, or `rejected` with every reason in its comment (and the applicant is told).
    pub async fn submit_application(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
    ) -> Result<ApplicationView> {
        let mut tx = self.store.begin().await?;
        let application = self.own_application(&mut tx, who, id).await?;
        let application = self
            .move_to(&mut tx, ctx, Some(who), application, Status::Submitted, "")
            .await?;
        let problems = self.automatic_checks(&mut tx, &application).await?;
        let account = tx
            .account(&application.account_id)
            .await?
            .ok_or_else(not_found)?;
        let lang = Lang::parse(&account.language);
        let (to, comment, body) = if problems.is_empty() {
            let body = lang.pick(
                "Заявление на сертификат принято. Удостоверяющий центр проверит его в течение 1–3 рабочих дней.",
                "Your certificate application is accepted. The centre reviews it within 1–3 working days.",
            );
            (Status::Accepted, String::new(), body.to_owned())
        } else {
            let reasons: Vec<String> = problems.iter().map(|p| p.text(lang)).collect();
            let comment = reasons.join("\n");
            let body = match lang {
                Lang::Ru => format!("Заявление на сертификат отклонено: {}", reasons.join(" ")),
                Lang::En => format!(
                    "Your certificate application was rejected: {}",
                    reasons.join(" ")
                ),
            };
            (Status::Rejected, comment, body)
        };
        let application = self
            .move_to(&mut tx, ctx, Some(who), application, to, &comment)
            .await?;
        let subject = lang.pick("Заявление на сертификат", "Certificate application");
        self.tell_account(&mut tx, &account, subject, body).await?;
        tx.commit().await?;
        self.view(application)
    }

    /// The centre's pre-review of an accepted application by its operator: approved (it then
    /// awaits payment, or is paid at once when the centre charges nothing), or returned for
    /// correction with `comment`. The applicant is told either way.
    pub async fn review_application(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        review: Review,
    ) -> Result<ApplicationView> {
        let mut tx = self.store.begin().await?;
        let application = tx.application(id).await?.ok_or_else(not_found)?;
        who.require_operator_of(&application.centre_id)?;
        let account = tx
            .account(&application.account_id)
            .await?
            .ok_or_else(not_found)?;
        let lang = Lang::parse(&account.language);
        let (application, body) = match review {
            Review::Return(comment) => {
                let comment = comment.trim();
                if comment.is_empty() || comment.chars().count() > 2000 {
                    return Err(Error::invalid(
                        "comment",
                        "Укажите, что исправить (до 2000 знаков).",
                        "Say what to correct (up to 2000 characters).",
                    ));
                }
                let application = self
                    .move_to(
                        &mut tx,
                        ctx,
                        Some(who),
                        application,
                        Status::Returned,
                        comment,
                    )
                    .await?;
                let body = match lang {
                    Lang::Ru => format!("Заявление возвращено на доработку: {comment}"),
                    Lang::En => format!("Your application was returned for correction: {comment}"),
                };
                (application, body)
            }
            Review::Approve => {
                let free = application.price == 0;
                let application = self.approve(&mut tx, ctx, who, application, "").await?;
                let body = if free {
                    lang.pick(
                        "Заявление одобрено удостоверяющим центром. Запишитесь на визит для подтверждения личности.",
                        "The centre approved your application. Book a visit to confirm your identity.",
                    )
                } else {
                    lang.pick(
                        "Заявление одобрено удостоверяющим центром. Оплатите услугу в личном кабинете.",
                        "The centre approved your application. Pay for the service in your account.",
                    )
                };
                (application, body.to_owned())
            }
        };
        let subject = lang.pick("Заявление на сертификат", "Certificate application");
        self.tell_account(&mut tx, &account, subject, body).await?;
        tx.commit().await?;
        self.view(application)
    }

    /// Withdraws the principal's application (any state before issuance); a booked visit's
    /// slot is freed.
    pub async fn cancel_application(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
    ) -> Result<ApplicationView> {
        self.step_back(ctx, who, id, Status::Cancelled, "").await
    }

    /// Moves the principal's application `id` back to `to` (cancelled, or paid when its visit
    /// is cancelled) and frees its visit's slot, if it had one.
    pub(crate) async fn step_back(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        to: Status,
        comment: &str,
    ) -> Result<ApplicationView> {
        let mut tx = self.store.begin().await?;
        let application = self.own_application(&mut tx, who, id).await?;
        let application = self
            .move_to(&mut tx, ctx, Some(who), application, to, comment)
            .await?;
        tx.release_slot(&application.id).await?;
        tx.commit().await?;
        self.view(application)
    }

    /// The principal's applications, newest first.
    pub async fn applications(&self, who: &Principal) -> Result<Vec<ApplicationView>> {
        let mut tx = self.store.read().await?;
        let list = tx.applications_of(&who.account_id).await?;
        list.into_iter().map(|a| self.view(a)).collect()
    }

    /// Application `id` with its scans: the applicant's own, or one of the centre the principal
    /// operates (or any, for an administrator).
    pub async fn application(&self, who: &Principal, id: &str) -> Result<ApplicationView> {
        let mut tx = self.store.read().await?;
        let application = self.visible_application(&mut tx, who, id).await?;
        let scans = tx.attachments(id).await?;
        Ok(ApplicationView {
            scans,
            ..self.view(application)?
        })
    }

    /// Scan `scan_id` of application `id`, with its bytes, for whoever may see the application.
    pub async fn scan(&self, who: &Principal, id: &str, scan_id: &str) -> Result<Attachment> {
        let mut tx = self.store.read().await?;
        self.visible_application(&mut tx, who, id).await?;
        tx.attachment(id, scan_id)
            .await?
            .ok_or(Error::NotFound(Missing::Scan))
    }

    /// A centre's applications in `status`, oldest first: its operators' queue.
    pub async fn application_queue(
        &self,
        who: &Principal,
        centre_id: &str,
        status: Status,
    ) -> Result<Vec<ApplicationView>> {
        who.require_operator_of(centre_id)?;
        let mut tx = self.store.read().await?;
        let list = tx.applications_in(centre_id, status.name()).await?;
        list.into_iter().map(|a| self.view(a)).collect()
    }

    /// The reasons `application` cannot be accepted (none: it can).
    async fn automatic_checks(&self, tx: &mut Tx, application: &Application) -> Result<Vec<Error>> {
        let form: ApplicationForm = serde_json::from_str(&application.form).map_err(internal)?;
        let mut problems = Vec::new();
        let mut check = |outcome: Result<()>| {
            if let Err(e) = outcome {
                problems.push(e);
            }
        };
        check(self.centre_open_for_applications(&form.centre_id).await);
        check(validate::name("surname", &form.surname, true).map(drop));
        check(validate::name("given_name", &form.given_name, true).map(drop));
        check(validate::name("patronymic", &form.patronymic, false).map(drop));
        check(
            required("birth_date", &form.birth_date)
                .and_then(|d| validate_birth_date(d, self.now()).map(drop)),
        );
        check(required_id("inn", &form.inn, validate::inn));
        check(required_id("snils", &form.snils, validate::snils));
        check(validate::phone(&form.phone).map(drop));
        check(validate::email(&form.email).map(drop));
        check(match form.document {
            IdentityDocument::Passport => required("document_number", &form.document_number)
                .and_then(|n| validate_passport(n).map(drop)),
            IdentityDocument::ForeignPassport => {
                required("document_number", &form.document_number).map(drop)
            }
        });
        match form.subject_type {
            SubjectType::Person => {}
            SubjectType::Entrepreneur => {
                check(required_id("ogrnip", &form.ogrnip, validate::ogrnip));
            }
            SubjectType::Officer => {
                check(required_id("inn_le", &form.inn_le, validate::inn_le));
                check(required_id("ogrn", &form.ogrn, validate::ogrn));
                for (field, value) in [
                    ("organization", &form.organization),
                    ("title", &form.title),
                    ("region", &form.region),
                    ("locality", &form.locality),
                    ("street", &form.street),
                ] {
                    check(required(field, value).map(drop));
                }
            }
        }
        let scans = tx.attachments(&application.id).await?;
        for kind in required_scans(&form) {
            if !scans.iter().any(|s| s.kind == kind) {
                check(Err(Error::invalid(
                    "scans",
                    format!("Приложите скан: {}.", scan_title(kind, Lang::Ru)),
                    format!("Attach a scan: {}.", scan_title(kind, Lang::En)),
                )));
            }
        }
        if !form.consent {
            check(Err(Error::invalid(
                "consent",
                "Нужно согласие на обработку персональных данных.",
                "Consent to the processing of personal data is required.",
            )));
        }
        let account = tx
            .account(&application.account_id)
            .await?
            .ok_or_else(not_found)?;
        if let Some(mine) = account.snils.as_deref()
            && !application.snils.is_empty()
            && mine != application.snils
        {
            check(Err(Error::invalid(
                "snils",
                "СНИЛС в заявлении не совпадает со СНИЛС учётной записи.",
                "The SNILS of the application is not the account's SNILS.",
            )));
        }
        if !application.snils.is_empty()
            && let Some(other) = tx
                .open_application_like(
                    &application.snils,
                    &application.subject_type,
                    &application.id,
                )
                .await?
        {
            check(Err(Error::invalid(
                "application",
                format!("Уже есть открытое заявление того же вида ({}).", other.id),
                format!(
                    "An open application of the same kind exists already ({}).",
                    other.id
                ),
            )));
        }
        Ok(problems)
    }

    /// Refuses unless centre `id` is in the registry, hosted here and accredited now.
    async fn centre_open_for_applications(&self, id: &str) -> Result<()> {
        let centre = self.centre(id).await?;
        if !centre.hosted || !centre.accredited_at(self.now()) {
            return Err(Error::invalid(
                "centre_id",
                format!(
                    "Центр «{}» сейчас не принимает заявления через портал.",
                    centre.name
                ),
                format!(
                    "«{}» does not take applications through the portal now.",
                    centre.name
                ),
            ));
        }
        Ok(())
    }

    /// Approves `application` (with `comment`): it then awaits payment, or is paid at once
    /// when the centre charges nothing.
    pub(crate) async fn approve(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        who: &Principal,
        application: Application,
        comment: &str,
    ) -> Result<Application> {
        let application = self
            .move_to(tx, ctx, Some(who), application, Status::Approved, comment)
            .await?;
        let free = application.price == 0;
        let application = self
            .move_to(tx, ctx, Some(who), application, Status::AwaitingPayment, "")
            .await?;
        if !free {
            return Ok(application);
        }
        self.paid(tx, ctx, Some(who), application, wording::FREE.text())
            .await
    }

    /// Moves `application` to `paid`; a reissue goes on to `identity_verified` (its applicant
    /// is identified by the signature of the current key, not at a visit).
    pub(crate) async fn paid(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        actor: Option<&Principal>,
        application: Application,
        comment: &str,
    ) -> Result<Application> {
        let application = self
            .move_to(tx, ctx, actor, application, Status::Paid, comment)
            .await?;
        let form: ApplicationForm = serde_json::from_str(&application.form).map_err(internal)?;
        if form.reissue_of.is_empty() {
            return Ok(application);
        }
        let details = wording::REISSUE_IDENTIFIED.fill(&[&form.reissue_of]);
        self.move_to(
            tx,
            ctx,
            actor,
            application,
            Status::IdentityVerified,
            &details,
        )
        .await
    }

    /// Moves `application` to `to` (refused with a clear error when the state machine does not
    /// allow it, or when another request moved it first) and journals the move.
    pub(crate) async fn move_to(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        actor: Option<&Principal>,
        application: Application,
        to: Status,
        comment: &str,
    ) -> Result<Application> {
        let from = Status::from_name(&application.status)
            .ok_or_else(|| internal(format!("unknown state {}", application.status)))?;
        if !from.may_become(to) {
            return Err(Error::conflict(
                format!(
                    "Заявление в состоянии «{}» нельзя перевести в «{}».",
                    from.title(Lang::Ru),
                    to.title(Lang::Ru)
                ),
                format!(
                    "An application in state «{}» cannot become «{}».",
                    from.title(Lang::En),
                    to.title(Lang::En)
                ),
            ));
        }
        let now = self.now();
        if !tx
            .move_application(&application.id, from.name(), to.name(), comment, now)
            .await?
        {
            return Err(moved_meanwhile());
        }
        let details = if comment.is_empty() {
            wording::MOVED.fill(&[&from.name(), &to.name()])
        } else {
            wording::MOVED_WITH.fill(&[&from.name(), &to.name(), &comment])
        };
        let moved = Application {
            status: to.name().into(),
            comment: comment.to_owned(),
            updated_at: now,
            ..application
        };
        self.record_application(tx, ctx, actor, &moved, Action::ApplicationChanged, &details)
            .await?;
        Ok(moved)
    }

    async fn record_application(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        actor: Option<&Principal>,
        application: &Application,
        action: Action,
        details: &str,
    ) -> Result<()> {
        self.record(
            tx,
            ctx,
            Record {
                account: Some(&application.account_id),
                actor: actor.map(|p| p.account_id.as_str()),
                action,
                object: Some(format!("application:{}", application.id)),
                ok: true,
                details: details.to_owned(),
            },
        )
        .await
    }

    /// The principal's own application `id`.
    pub(crate) async fn own_application(
        &self,
        tx: &mut Tx,
        who: &Principal,
        id: &str,
    ) -> Result<Application> {
        tx.application(id)
            .await?
            .filter(|a| a.account_id == who.account_id)
            .ok_or_else(not_found)
    }

    /// The principal's own application `id`, refused unless it may still be edited.
    async fn own_editable(&self, tx: &mut Tx, who: &Principal, id: &str) -> Result<Application> {
        let application = self.own_application(tx, who, id).await?;
        let status = Status::from_name(&application.status).unwrap_or(Status::Closed);
        if !status.editable() {
            return Err(Error::conflict(
                format!(
                    "Заявление в состоянии «{}» изменить нельзя.",
                    status.title(Lang::Ru)
                ),
                format!(
                    "An application in state «{}» cannot be changed.",
                    status.title(Lang::En)
                ),
            ));
        }
        Ok(application)
    }

    /// Application `id` if the principal may see it: its applicant, an operator of its centre,
    /// an administrator. Anyone else is told it does not exist.
    pub(crate) async fn visible_application(
        &self,
        tx: &mut Tx,
        who: &Principal,
        id: &str,
    ) -> Result<Application> {
        tx.application(id)
            .await?
            .filter(|a| {
                a.account_id == who.account_id || who.require_operator_of(&a.centre_id).is_ok()
            })
            .ok_or_else(not_found)
    }

    /// `application` with its state and form read back (no scans).
    pub(crate) fn view(&self, application: Application) -> Result<ApplicationView> {
        Ok(ApplicationView {
            status: Status::from_name(&application.status)
                .ok_or_else(|| internal(format!("unknown state {}", application.status)))?,
            form: serde_json::from_str(&application.form).map_err(internal)?,
            scans: Vec::new(),
            application,
        })
    }
}

/// `application` holding `form` for `centre`: the columns the queues and rules select on,
/// the form itself, and the centre's price now.
fn with_form(
    application: Application,
    form: &ApplicationForm,
    centre: &podpis_store::Centre,
) -> Result<Application> {
    Ok(Application {
        centre_id: centre.id.clone(),
        subject_type: form.subject_type.name().into(),
        medium: form.medium.name().into(),
        snils: digits(&form.snils),
        form: serde_json::to_string(form).map_err(internal)?,
        price: centre.price,
        ..application
    })
}

/// The scans an application must carry, by subject type and identity document.
fn required_scans(form: &ApplicationForm) -> Vec<&'static str> {
    if !form.reissue_of.is_empty() {
        return Vec::new();
    }
    let mut kinds = vec!["passport"];
    if form.document == IdentityDocument::ForeignPassport {
        kinds.push("migration_card");
    }
    if form.subject_type == SubjectType::Officer {
        kinds.extend(["charter", "power_of_attorney"]);
    }
    kinds
}

/// A scan kind as a person reads it.
pub fn scan_title(kind: &str, lang: Lang) -> &'static str {
    let (ru, en) = match kind {
        "passport" => ("паспорт", "passport"),
        "migration_card" => ("миграционная карта", "migration card"),
        "charter" => ("устав организации", "charter of the organisation"),
        "power_of_attorney" => ("доверенность", "power of attorney"),
        _ => ("другой документ", "other document"),
    };
    lang.pick(ru, en)
}

fn moved_meanwhile() -> Error {
    Error::conflict(
        "Заявление только что изменилось: обновите страницу.",
        "The application changed meanwhile: reload it.",
    )
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A field of the form as a person reads it.
fn field_title(field: &str) -> (&'static str, &'static str) {
    match field {
        "birth_date" => ("дата рождения", "birth date"),
        "inn" => ("ИНН", "INN"),
        "snils" => ("СНИЛС", "SNILS"),
        "document_number" => ("серия и номер документа", "document number"),
        "ogrnip" => ("ОГРНИП", "OGRNIP"),
        "inn_le" => ("ИНН организации", "INN of the organisation"),
        "ogrn" => ("ОГРН", "OGRN"),
        "organization" => ("наименование организации", "organisation name"),
        "title" => ("должность", "position"),
        "region" => ("регион", "region"),
        "locality" => ("населённый пункт", "town"),
        "street" => ("улица и дом", "street and house"),
        _ => ("поле", "field"),
    }
}

/// `value` trimmed, refused when empty.
fn required(field: &'static str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        let (ru, en) = field_title(field);
        return Err(Error::invalid(
            field,
            format!("Заполните поле «{ru}»."),
            format!("Fill in the {en}."),
        ));
    }
    Ok(value.to_owned())
}

/// An identifier that must be given and pass `check` (its control digits).
fn required_id(
    field: &'static str,
    value: &str,
    check: fn(&str) -> Result<Option<String>>,
) -> Result<()> {
    check(&required(field, value)?).map(drop)
}

fn check_lengths(form: &ApplicationForm) -> Result<()> {
    if form.texts().iter().any(|t| t.chars().count() > MAX_FIELD) {
        return Err(Error::invalid(
            "form",
            format!("Поле заявления длиннее {MAX_FIELD} знаков."),
            format!("A field of the application is over {MAX_FIELD} characters."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_machine_allows_only_the_designed_moves() {
        use Status::*;
        assert!(Draft.may_become(Submitted));
        assert!(Submitted.may_become(Accepted) && Submitted.may_become(Rejected));
        assert!(Returned.may_become(Submitted) && Rejected.may_become(Submitted));
        assert!(!Draft.may_become(Approved));
        assert!(!Accepted.may_become(Paid));
        assert!(!AwaitingPayment.may_become(VisitBooked));
        assert!(!Paid.may_become(Issued));
        assert!(VisitBooked.may_become(Paid), "a visit may be cancelled");
        for s in Status::ALL {
            assert_eq!(
                s.may_become(Cancelled),
                !matches!(s, Issued | Closed | Cancelled),
                "{s:?}"
            );
            assert_eq!(Status::from_name(s.name()), Some(s));
        }
        assert!(!Issued.may_become(Draft) && !Closed.may_become(Submitted));
    }

    #[test]
    fn pdf_is_recognised_by_content() {
        assert!(is_pdf(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"));
        assert!(!is_pdf(b"%PDF-1.7 truncated"));
        assert!(!is_pdf(b"\x89PNG\r\n\x1a\n%%EOF"));
        assert!(!is_pdf(b""));
    }
}
