//! Registration, confirmation of phone and e-mail by one-time codes, and the profile.
//!
//! A registration that names a phone, e-mail or SNILS already registered is answered exactly
//! like a new one (codes "sent", tickets returned), but the tickets are decoys that no code
//! opens, and the owner of the existing account is told by e-mail that someone tried. So the
//! registration form does not tell anyone whether a number is registered.

use podpis_store::{Account, Code, Profile, Tx};

use crate::journal::{Action, Record};
use crate::notify::Channel;
use crate::wording;
use crate::{Context, Error, Lang, Portal, Principal, Result, Role, secret, validate};

/// How long after it was made a code can be replaced by a new one (an hour), in seconds.
pub(crate) const RESEND_WITHIN: i64 = 3600;

/// The registration form.
#[derive(Clone, Debug, Default)]
pub struct RegistrationForm {
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub given_name: String,
    /// Отчество (optional).
    pub patronymic: String,
    /// ИНН (optional).
    pub inn: String,
    /// СНИЛС (optional).
    pub snils: String,
}

/// A code sent: which one to answer, and where it went (masked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeTicket {
    /// The code's id: the answer quotes it.
    pub id: String,
    /// Where it went, partly hidden (`+7 *** ***-45-67`, `iv***@example.ru`).
    pub sent_to: String,
    /// Until when it is valid (Unix seconds).
    pub expires_at: i64,
}

/// What a registration returns: the two codes to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// The code sent by SMS.
    pub phone_code: CodeTicket,
    /// The code sent by e-mail.
    pub email_code: CodeTicket,
}

/// `+7 *** ***-45-67`.
pub(crate) fn mask_phone(phone: &str) -> String {
    let tail = &phone[phone.len().saturating_sub(4)..];
    format!(
        "{} *** ***-{}-{}",
        &phone[..phone.len().min(2)],
        &tail[..2.min(tail.len())],
        &tail[2.min(tail.len())..]
    )
}

/// `iv***@example.ru`.
pub(crate) fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            format!("{}***@{domain}", local.chars().take(2).collect::<String>())
        }
        None => "***".into(),
    }
}

/// A one-time code as the user answers it: the code's id and the digits.
#[derive(Clone, Copy, Debug)]
pub struct CodeAnswer<'a> {
    /// The code's id (from its [`CodeTicket`]).
    pub id: &'a str,
    /// The digits the user typed.
    pub code: &'a str,
}

/// The purposes of codes.
pub(crate) const CONFIRM_PHONE: &str = "confirm_phone";
pub(crate) const CONFIRM_EMAIL: &str = "confirm_email";
pub(crate) const LOGIN: &str = "login";
/// The purpose of the code that confirms binding a certificate.
pub(crate) const BIND: &str = "bind";
/// The purpose of the code that confirms a change of a cloud key's PIN.
pub(crate) const CLOUD_PIN: &str = "cloud_pin";
/// The purpose of the code that confirms an owner's revocation.
pub(crate) const REVOKE: &str = "revoke";
/// The purpose of codes that confirm signing documents with a cloud key.
pub(crate) const SIGN: &str = "sign";
/// The purpose of codes that let a forgotten password be replaced.
pub(crate) const RESET_PASSWORD: &str = "reset_password";

impl Portal {
    /// Registers an account and sends codes to confirm its phone (SMS) and e-mail.
    pub async fn register(&self, ctx: &Context, form: RegistrationForm) -> Result<Registration> {
        let phone = validate::phone(&form.phone)?;
        let email = validate::email(&form.email)?;
        validate::password(&form.password)?;
        let surname = validate::name("surname", &form.surname, true)?;
        let given_name = validate::name("given_name", &form.given_name, true)?;
        let patronymic = validate::name("patronymic", &form.patronymic, false)?;
        let inn = validate::inn(&form.inn)?;
        let snils = validate::snils(&form.snils)?;
        self.limit_address(ctx, "register").await?;
        let password_hash = secret::hash_password(form.password).await?;
        let now = self.now();
        let account = Account {
            id: secret::new_id(),
            phone: phone.clone(),
            email: email.clone(),
            snils,
            inn,
            surname,
            given_name,
            patronymic,
            birth_date: None,
            passport: None,
            ogrn: None,
            password_hash,
            phone_confirmed: false,
            email_confirmed: false,
            role: "citizen".into(),
            operator_ca: None,
            totp_secret: None,
            totp_last_step: 0,
            failed_logins: 0,
            locked_until: 0,
            language: "ru".into(),
            created_at: now,
        };
        let mut tx = self.store.begin().await?;
        match tx.insert_account(&account).await {
            Ok(()) => {}
            Err(e)
                if ["phone", "email", "snils"]
                    .iter()
                    .any(|c| e.is_duplicate_of(c)) =>
            {
                drop(tx);
                return self.registration_decoy(ctx, &account).await;
            }
            Err(e) => return Err(e.into()),
        }
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &account.id,
                Action::Registered,
                Some(format!("account:{}", account.id)),
                String::new(),
            ),
        )
        .await?;
        let phone_code = self
            .send_code(&mut tx, ctx, &account, CONFIRM_PHONE)
            .await?;
        let email_code = self
            .send_code(&mut tx, ctx, &account, CONFIRM_EMAIL)
            .await?;
        tx.commit().await?;
        Ok(Registration {
            phone_code,
            email_code,
        })
    }

    /// Makes an account with its phone and e-mail already confirmed and the given role — for
    /// the server's own use (`podpis serve --demo`, `podpis account create`), never for a form.
    /// An account with the same phone, e-mail or SNILS is left as it is and returned.
    pub async fn create_confirmed_account(
        &self,
        ctx: &Context,
        form: RegistrationForm,
        role: &Role,
    ) -> Result<Account> {
        let phone = validate::phone(&form.phone)?;
        let email = validate::email(&form.email)?;
        validate::password(&form.password)?;
        let snils = validate::snils(&form.snils)?;
        let mut tx = self.store.begin().await?;
        if let Some(existing) = tx
            .account_by_login(Some(&phone), Some(&email), snils.as_deref())
            .await?
        {
            return Ok(existing);
        }
        let operator_ca = match role {
            Role::Operator { ca } => Some(ca.clone()),
            _ => None,
        };
        let account = Account {
            id: secret::new_id(),
            phone,
            email,
            snils,
            inn: validate::inn(&form.inn)?,
            surname: validate::name("surname", &form.surname, true)?,
            given_name: validate::name("given_name", &form.given_name, true)?,
            patronymic: validate::name("patronymic", &form.patronymic, false)?,
            birth_date: None,
            passport: None,
            ogrn: None,
            password_hash: secret::hash_password(form.password).await?,
            phone_confirmed: true,
            email_confirmed: true,
            role: role.name().to_owned(),
            operator_ca,
            totp_secret: None,
            totp_last_step: 0,
            failed_logins: 0,
            locked_until: 0,
            language: "ru".into(),
            created_at: self.now(),
        };
        tx.insert_account(&account).await?;
        self.record(
            &mut tx,
            ctx,
            Record::about(
                &account.id,
                Action::Registered,
                true,
                wording::MADE_BY_SERVER.fill(&[&role.name()]),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(account)
    }

    /// The answer to a registration that collides with an existing account: tickets no code
    /// opens, and a notice to whoever holds the colliding phone or e-mail.
    async fn registration_decoy(&self, ctx: &Context, attempted: &Account) -> Result<Registration> {
        let mut tx = self.store.begin().await?;
        let existing = tx
            .account_by_login(
                Some(&attempted.phone),
                Some(&attempted.email),
                attempted.snils.as_deref(),
            )
            .await?;
        if let Some(owner) = &existing {
            let lang = Lang::parse(&owner.language);
            let body = lang.pick(
                "Кто-то пытался зарегистрироваться на портале с вашим телефоном, почтой или СНИЛС. \
                 Если это были вы — войдите в личный кабинет или восстановите пароль. Если нет — ничего делать не нужно.",
                "Someone tried to register on the portal with your phone, e-mail or SNILS. If it was you, \
                 sign in or reset your password. If not, there is nothing to do.",
            );
            let subject = lang.pick("Попытка регистрации", "Registration attempt");
            self.queue(
                &mut tx,
                Channel::Email,
                &owner.email,
                subject,
                body.to_owned(),
                false,
            )
            .await?;
            self.record(
                &mut tx,
                ctx,
                Record::about(
                    &owner.id,
                    Action::Registered,
                    false,
                    wording::CONTACTS_TAKEN.text().into(),
                ),
            )
            .await?;
        }
        let now = self.now();
        let decoy = |purpose: &str, sent_to: String| Code {
            id: secret::new_id(),
            account_id: None,
            purpose: purpose.to_owned(),
            destination: sent_to,
            code_hash: String::new(),
            expires_at: now + self.policy.code_ttl,
            tries_left: self.policy.code_tries,
            used_at: None,
            created_at: now,
        };
        let phone = decoy(CONFIRM_PHONE, mask_phone(&attempted.phone));
        let email = decoy(CONFIRM_EMAIL, mask_email(&attempted.email));
        tx.insert_code(&phone).await?;
        tx.insert_code(&email).await?;
        tx.commit().await?;
        let ticket = |c: &Code| CodeTicket {
            id: c.id.clone(),
            sent_to: c.destination.clone(),
            expires_at: c.expires_at,
        };
        Ok(Registration {
            phone_code: ticket(&phone),
            email_code: ticket(&email),
        })
    }

    /// Makes a code for `purpose`, queues it by SMS (phone, sign-in) or e-mail, and journals it.
    pub(crate) async fn send_code(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        account: &Account,
        purpose: &str,
    ) -> Result<CodeTicket> {
        let now = self.now();
        let sent = tx
            .codes_sent_since(&account.id, purpose, now - self.policy.code_send_window)
            .await?;
        if sent >= self.policy.code_sends {
            return Err(Error::TooManyRequests {
                retry_after: self.policy.code_send_window,
            });
        }
        let code = secret::new_code();
        let id = secret::new_id();
        let by_email = purpose == CONFIRM_EMAIL;
        let (channel, recipient, sent_to) = if by_email {
            (Channel::Email, &account.email, mask_email(&account.email))
        } else {
            (Channel::Sms, &account.phone, mask_phone(&account.phone))
        };
        tx.insert_code(&Code {
            id: id.clone(),
            account_id: Some(account.id.clone()),
            purpose: purpose.to_owned(),
            destination: sent_to.clone(),
            code_hash: self.secret.code_hash(&id, &code),
            expires_at: now + self.policy.code_ttl,
            tries_left: self.policy.code_tries,
            used_at: None,
            created_at: now,
        })
        .await?;
        let lang = Lang::parse(&account.language);
        let what = match purpose {
            CONFIRM_PHONE => lang.pick("подтверждения телефона", "to confirm your phone"),
            CONFIRM_EMAIL => lang.pick("подтверждения почты", "to confirm your e-mail"),
            BIND => lang.pick("для привязки сертификата", "to bind a certificate"),
            SIGN => lang.pick("для подписания документов", "to sign documents"),
            RESET_PASSWORD => lang.pick("для восстановления пароля", "to reset your password"),
            _ => lang.pick("для входа", "to sign in"),
        };
        let minutes = self.policy.code_ttl / 60;
        let body = match lang {
            Lang::Ru => format!(
                "Podpis: код {what} {code}. Действует {minutes} мин. Никому его не сообщайте."
            ),
            Lang::En => format!(
                "Podpis: your code {what} is {code}. Valid {minutes} min. Never tell it to anyone."
            ),
        };
        let subject = if by_email {
            lang.pick("Код подтверждения", "Confirmation code")
        } else {
            ""
        };
        self.queue(tx, channel, recipient, subject, body, true)
            .await?;
        self.record(
            tx,
            ctx,
            Record::own(
                &account.id,
                Action::CodeSent,
                Some(format!("code:{id}")),
                wording::CODE_SENT.fill(&[&purpose, &sent_to]),
            ),
        )
        .await?;
        Ok(CodeTicket {
            id,
            sent_to,
            expires_at: now + self.policy.code_ttl,
        })
    }

    /// Checks the answer to code `code_id`; on success the code is used up (inside `tx`) and its
    /// stored form returned. A wrong answer costs a try and is journaled, in a transaction of its
    /// own so that it counts even though the caller's is abandoned.
    pub(crate) async fn check_code(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        code_id: &str,
        answer: &str,
        purposes: &[&str],
    ) -> Result<Code> {
        let now = self.now();
        let Some(code) = tx.code(code_id).await? else {
            return Err(Error::CodeExpired);
        };
        if !purposes.contains(&code.purpose.as_str())
            || code.used_at.is_some()
            || code.expires_at <= now
        {
            return Err(Error::CodeExpired);
        }
        if code.tries_left <= 0 {
            return Err(Error::WrongCode { tries_left: 0 });
        }
        let answer: String = answer.chars().filter(char::is_ascii_digit).collect();
        let right = code.account_id.is_some()
            && self.secret.check_mac(
                "one-time-code",
                &format!("{code_id}:{answer}"),
                &code.code_hash,
            );
        if right {
            tx.use_code(code_id, now).await?;
            return Ok(code);
        }
        let tries_left = tx.spend_code_try(code_id).await?;
        self.record(
            tx,
            ctx,
            Record {
                account: code.account_id.as_deref(),
                actor: None,
                action: Action::CodeRejected,
                object: Some(format!("code:{code_id}")),
                ok: false,
                details: wording::TRIES_LEFT.fill(&[&code.purpose, &tries_left]),
            },
        )
        .await?;
        Err(Error::WrongCode { tries_left })
    }

    /// Confirms a phone or e-mail with the code sent to it.
    pub async fn confirm_contact(&self, ctx: &Context, code_id: &str, answer: &str) -> Result<()> {
        self.limit_address(ctx, "code").await?;
        let mut tx = self.store.begin().await?;
        let code = match self
            .check_code(
                &mut tx,
                ctx,
                code_id,
                answer,
                &[CONFIRM_PHONE, CONFIRM_EMAIL],
            )
            .await
        {
            Ok(code) => code,
            Err(e @ Error::WrongCode { .. }) => {
                tx.commit().await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let account = code.account_id.as_deref().ok_or(Error::CodeExpired)?;
        let phone = code.purpose == CONFIRM_PHONE;
        tx.confirm_contact(account, phone).await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                account,
                Action::ContactConfirmed,
                Some(format!("account:{account}")),
                if phone {
                    wording::PHONE_CONFIRMED
                } else {
                    wording::EMAIL_CONFIRMED
                }
                .fill(&[&code.destination]),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends a new code in place of code `code_id` (same account, same purpose); the old one stops
    /// working. A decoy gets a new decoy. A used or superseded code, or one older than an hour,
    /// cannot be replaced (`CodeExpired`): the flow starts again.
    pub async fn resend_code(&self, ctx: &Context, code_id: &str) -> Result<CodeTicket> {
        self.limit_address(ctx, "code").await?;
        let mut tx = self.store.begin().await?;
        let old = tx.code(code_id).await?.ok_or(Error::CodeExpired)?;
        // Only the newest code of a flow can be replaced, and only within an hour: a used or
        // superseded code, or an old one, starts nothing again.
        let now = self.now();
        if old.used_at.is_some() || old.created_at < now - RESEND_WITHIN {
            return Err(Error::CodeExpired);
        }
        let Some(account_id) = &old.account_id else {
            let fresh = Code {
                id: secret::new_id(),
                expires_at: now + self.policy.code_ttl,
                tries_left: self.policy.code_tries,
                created_at: now,
                ..old
            };
            tx.insert_code(&fresh).await?;
            tx.commit().await?;
            return Ok(CodeTicket {
                id: fresh.id,
                sent_to: fresh.destination,
                expires_at: fresh.expires_at,
            });
        };
        let account = tx.account(account_id).await?.ok_or(Error::CodeExpired)?;
        let mut ticket = self.send_code(&mut tx, ctx, &account, &old.purpose).await?;
        tx.commit().await?;
        if old.purpose == RESET_PASSWORD {
            // As its first code: where it went would tell that the account exists.
            ticket.sent_to.clear();
        }
        Ok(ticket)
    }

    /// The principal's account.
    pub async fn account(&self, who: &Principal) -> Result<Account> {
        let mut tx = self.store.read().await?;
        tx.account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)
    }

    /// Replaces the principal's profile (names, INN, SNILS, birth date, passport), each field
    /// checked as at registration.
    pub async fn update_profile(
        &self,
        ctx: &Context,
        who: &Principal,
        form: Profile,
    ) -> Result<Account> {
        let profile = Profile {
            surname: validate::name("surname", &form.surname, true)?,
            given_name: validate::name("given_name", &form.given_name, true)?,
            patronymic: validate::name("patronymic", &form.patronymic, false)?,
            inn: validate::inn(form.inn.as_deref().unwrap_or_default())?,
            snils: validate::snils(form.snils.as_deref().unwrap_or_default())?,
            birth_date: form
                .birth_date
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty())
                .map(|d| validate_birth_date(d, self.now()))
                .transpose()?,
            passport: form
                .passport
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .map(validate_passport)
                .transpose()?,
            ogrn: validate::ogrn(form.ogrn.as_deref().unwrap_or_default())?,
        };
        let mut tx = self.store.begin().await?;
        let before = tx
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        match tx.update_profile(&who.account_id, &profile).await {
            Err(e) if e.is_duplicate_of("snils") => {
                return Err(Error::invalid(
                    "snils",
                    "СНИЛС: этот номер указан в другой учётной записи.",
                    "SNILS: this number belongs to another account.",
                ));
            }
            other => other?,
        }
        let changed = changed_fields(&before, &profile);
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::ProfileChanged,
                Some(format!("account:{}", who.account_id)),
                wording::PROFILE_CHANGED.fill(&[&if changed.is_empty() {
                    wording::NOTHING.text().into()
                } else {
                    changed.join(", ")
                }]),
            ),
        )
        .await?;
        let after = tx
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes the principal's password. The current password must be right: a wrong one is
    /// journaled, counts against the address's limit and changes nothing. The new one follows
    /// the password rules and differs from the current. Every other session of the account ends
    /// (this one stays), the change is journaled and the owner told by e-mail; returns how many
    /// sessions ended.
    pub async fn change_password(
        &self,
        ctx: &Context,
        who: &Principal,
        current: &str,
        new: &str,
    ) -> Result<u64> {
        self.limit_address(ctx, "password").await?;
        let account = self
            .store
            .read()
            .await?
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if !secret::verify_password(current.to_owned(), Some(account.password_hash.clone())).await {
            let mut tx = self.store.begin().await?;
            self.record(
                &mut tx,
                ctx,
                Record {
                    ok: false,
                    ..Record::own(
                        &who.account_id,
                        Action::PasswordChanged,
                        None,
                        wording::WRONG_PASSWORD.text().into(),
                    )
                },
            )
            .await?;
            tx.commit().await?;
            return Err(Error::invalid(
                "current_password",
                "Текущий пароль указан неверно.",
                "The current password is wrong.",
            ));
        }
        validate::password(new)?;
        if new == current {
            return Err(Error::invalid(
                "password",
                "Новый пароль совпадает с текущим: придумайте другой.",
                "The new password is the current one: choose another.",
            ));
        }
        let hash = secret::hash_password(new.to_owned()).await?;
        let mut tx = self.store.begin().await?;
        let ended = self
            .replace_password(&mut tx, &account, &hash, Some(&who.session_id))
            .await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::PasswordChanged,
                None,
                wording::SESSIONS_ENDED.fill(&[&ended]),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Gives `account` the password of `hash`, ends its sessions but `keep` and tells the owner
    /// by e-mail; returns how many sessions ended. The caller journals why.
    pub(crate) async fn replace_password(
        &self,
        tx: &mut Tx,
        account: &Account,
        hash: &str,
        keep: Option<&str>,
    ) -> Result<u64> {
        tx.set_password_hash(&account.id, hash).await?;
        let ended = tx.end_all_sessions(&account.id, self.now(), keep).await?;
        let lang = Lang::parse(&account.language);
        let when = crate::moscow_time(self.now(), lang);
        let body = match lang {
            Lang::Ru => format!(
                "Пароль от личного кабинета изменён {when}; другие сеансы завершены. Если это были не вы, срочно обратитесь в службу поддержки портала."
            ),
            Lang::En => format!(
                "The password of your account was changed at {when}; the other sessions were ended. If it was not you, contact the portal's support at once."
            ),
        };
        self.queue(
            tx,
            Channel::Email,
            &account.email,
            lang.pick("Пароль изменён", "Password changed"),
            body,
            false,
        )
        .await?;
        Ok(ended)
    }

    /// Sets the principal's interface language.
    pub async fn set_language(&self, who: &Principal, lang: Lang) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.set_language(&who.account_id, lang.code()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The names of the fields that differ (never their values: the journal is not a copy of the
/// passport).
fn changed_fields(a: &Account, p: &Profile) -> Vec<&'static str> {
    [
        ("surname", a.surname != p.surname),
        ("given_name", a.given_name != p.given_name),
        ("patronymic", a.patronymic != p.patronymic),
        ("inn", a.inn != p.inn),
        ("snils", a.snils != p.snils),
        ("birth_date", a.birth_date != p.birth_date),
        ("passport", a.passport != p.passport),
        ("ogrn", a.ogrn != p.ogrn),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

/// A birth date: `YYYY-MM-DD`, a real date after 1900 and not after the day `now` (Unix
/// seconds) is in Moscow.
pub(crate) fn validate_birth_date(d: String, now: i64) -> Result<String> {
    let date = (d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
        .then(|| {
            der::DateTime::new(
                d[0..4].parse().unwrap_or(0),
                d[5..7].parse().unwrap_or(0),
                d[8..10].parse().unwrap_or(0),
                0,
                0,
                0,
            )
            .ok()
        })
        .flatten()
        .filter(|t| t.year() >= 1900);
    match date {
        None => Err(Error::invalid(
            "birth_date",
            "Дата рождения: укажите в виде ГГГГ-ММ-ДД.",
            "Birth date: write it as YYYY-MM-DD.",
        )),
        Some(t) if t.unix_duration().as_secs() as i64 > now + crate::MOSCOW_OFFSET => {
            Err(Error::invalid(
                "birth_date",
                "Дата рождения не может быть позже сегодняшнего дня.",
                "The birth date cannot be later than today.",
            ))
        }
        Some(_) => Ok(d),
    }
}

/// A Russian passport: 4 digits of series and 6 of number (`4510 123456`).
pub(crate) fn validate_passport(p: String) -> Result<String> {
    let digits: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{} {}", &digits[..4], &digits[4..]))
    } else {
        Err(Error::invalid(
            "passport",
            "Паспорт: серия (4 цифры) и номер (6 цифр).",
            "Passport: series (4 digits) and number (6 digits).",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_phone("+79991234567"), "+7 *** ***-45-67");
        assert_eq!(mask_email("ivan@example.ru"), "iv***@example.ru");
        let now = 1_796_158_800; // 2026-12-01T21:00:00Z, midnight of 2 December in Moscow
        assert!(validate_birth_date("1990-02-30".into(), now).is_err());
        assert!(validate_birth_date("1899-12-31".into(), now).is_err());
        assert_eq!(
            validate_birth_date("1990-02-28".into(), now).unwrap(),
            "1990-02-28"
        );
        assert_eq!(
            validate_birth_date("2026-12-02".into(), now).unwrap(),
            "2026-12-02"
        );
        let future = validate_birth_date("2026-12-03".into(), now).unwrap_err();
        assert!(
            future.text(Lang::Ru).contains("позже сегодняшнего"),
            "{future:?}"
        );
        assert_eq!(
            validate_passport("4510123456".into()).unwrap(),
            "4510 123456"
        );
        assert!(validate_passport("4510 12345".into()).is_err());
    }
}
