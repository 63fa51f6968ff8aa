//! The identity-check visit, as the guides tell it: the centre publishes appointment slots; the
//! applicant of a paid application books one (and may move or cancel it) and is told the centre
//! is ready to receive them; the application page shows a QR code and a short code; the day
//! before, a reminder goes out. At the centre the operator opens the application by scanning
//! the QR code or typing the short code, checks the originals, and confirms the applicant's
//! identity (personal presence, identificationKind 0) or refuses with a reason.
//!
//! The QR code carries a token `application.expiry.mac` signed with the server key, valid until
//! two hours after the slot ends; the short code (`1234-5678`) is derived from the same key, so
//! it is shown again without being stored — the database holds only its keyed hash, to find the
//! slot by it.

use podpis_store::{Application, Slot, Tx};

use crate::applications::{ApplicationView, Status};
use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Lang, Missing, Portal, Principal, Result, moscow_time, secret};

/// How long after its slot ends a visit's codes still open the application.
const CODE_GRACE: i64 = 2 * 3600;
/// The longest slot a centre publishes.
const MAX_SLOT_MINUTES: i64 = 240;
/// How many slots one call publishes at most.
const MAX_SLOTS: usize = 200;
/// How long before the visit the reminder goes out.
pub const REMINDER_BEFORE: i64 = 24 * 3600;

/// A booked visit, as the application page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The slot.
    pub slot: Slot,
    /// The short code the applicant tells the operator (`1234-5678`).
    pub code: String,
    /// What the QR code carries: the signed, expiring token.
    pub token: String,
    /// Until when the codes open the application (Unix seconds).
    pub expires_at: i64,
}

/// What the operator found at the visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityCheck {
    /// The originals match and the applicant is who they say.
    Confirmed,
    /// Refused, with the reason (the application is cancelled).
    Refused(String),
}

impl Portal {
    /// Publishes slots of centre `centre_id` starting at `starts` (Unix seconds, in the
    /// future), each `minutes` long; its operators only. A time the centre has a slot at
    /// already is refused.
    pub async fn publish_slots(
        &self,
        ctx: &Context,
        who: &Principal,
        centre_id: &str,
        starts: &[i64],
        minutes: i64,
    ) -> Result<Vec<Slot>> {
        who.require_operator_of(centre_id)?;
        self.centre(centre_id).await?;
        let now = self.now();
        if starts.is_empty() || starts.len() > MAX_SLOTS {
            return Err(Error::invalid(
                "starts",
                format!("Укажите от 1 до {MAX_SLOTS} времён приёма."),
                format!("Give 1 to {MAX_SLOTS} slot times."),
            ));
        }
        if !(5..=MAX_SLOT_MINUTES).contains(&minutes) {
            return Err(Error::invalid(
                "minutes",
                format!("Длительность приёма: от 5 до {MAX_SLOT_MINUTES} минут."),
                format!("A slot lasts 5 to {MAX_SLOT_MINUTES} minutes."),
            ));
        }
        if starts.iter().any(|&t| t <= now) {
            return Err(Error::invalid(
                "starts",
                "Время приёма должно быть в будущем.",
                "Slots must start in the future.",
            ));
        }
        let mut tx = self.store.begin().await?;
        let mut slots = Vec::new();
        for &starts_at in starts {
            let slot = Slot {
                id: secret::new_id(),
                centre_id: centre_id.to_owned(),
                starts_at,
                ends_at: starts_at + minutes * 60,
                application_id: None,
                reminded_at: None,
                created_at: now,
            };
            match tx.insert_slot(&slot).await {
                Err(podpis_store::Error::Duplicate(_)) => {
                    return Err(Error::conflict(
                        format!(
                            "На {} уже есть время приёма.",
                            moscow_time(starts_at, Lang::Ru)
                        ),
                        format!(
                            "There is a slot at {} already.",
                            moscow_time(starts_at, Lang::En)
                        ),
                    ));
                }
                other => other?,
            }
            slots.push(slot);
        }
        self.record(
            &mut tx,
            ctx,
            Record {
                account: Some(&who.account_id),
                actor: Some(&who.account_id),
                action: Action::VisitChanged,
                object: Some(format!("centre:{centre_id}")),
                ok: true,
                details: wording::SLOTS_PUBLISHED.fill(&[&slots.len(), &minutes]),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(slots)
    }

    /// The free slots of centre `centre_id` from now on, soonest first.
    pub async fn free_slots(&self, centre_id: &str) -> Result<Vec<Slot>> {
        let mut tx = self.store.read().await?;
        Ok(tx.free_slots(centre_id, self.now()).await?)
    }

    /// Books slot `slot_id` for the principal's paid application, or moves its visit there;
    /// the applicant is told the centre is ready to receive them, with the time and the code.
    pub async fn book_visit(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        slot_id: &str,
    ) -> Result<Visit> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let application = self.own_application(&mut tx, who, id).await?;
        let slot = tx
            .slot(slot_id)
            .await?
            .filter(|s| s.centre_id == application.centre_id)
            .ok_or(Error::NotFound(Missing::Slot))?;
        if slot.starts_at <= now {
            return Err(Error::conflict(
                "Это время приёма уже прошло: выберите другое.",
                "This slot has passed: choose another.",
            ));
        }
        let moving = application.status == Status::VisitBooked.name();
        if moving {
            tx.release_slot(&application.id).await?;
        }
        let code = self.visit_code(&application.id, &slot.id);
        if !tx
            .take_slot(&slot.id, &application.id, &self.code_key(&code))
            .await?
        {
            return Err(Error::conflict(
                "Это время уже занято: выберите другое.",
                "This slot is taken: choose another.",
            ));
        }
        // Journaled as the portal's pages read it, in Russian.
        let when = moscow_time(slot.starts_at, Lang::Ru);
        let application = if moving {
            let details = wording::VISIT_MOVED.fill(&[&when]);
            self.record_visit(&mut tx, ctx, Some(who), &application, &details)
                .await?;
            application
        } else {
            self.move_to(
                &mut tx,
                ctx,
                Some(who),
                application,
                Status::VisitBooked,
                &when,
            )
            .await?
        };
        let account = tx
            .account(&application.account_id)
            .await?
            .ok_or(Error::NotFound(Missing::Account))?;
        let centre = self.centre(&application.centre_id).await?;
        let lang = Lang::parse(&account.language);
        let when = moscow_time(slot.starts_at, lang);
        let body = match lang {
            Lang::Ru => format!(
                "Удостоверяющий центр «{}» готов вас принять {when} по адресу: {}. Возьмите оригиналы документов и покажите QR-код заявления или код {code}.",
                centre.name, centre.address
            ),
            Lang::En => format!(
                "«{}» is ready to receive you on {when} at {}. Bring the original documents and show the application's QR code or the code {code}.",
                centre.name, centre.address
            ),
        };
        let subject = lang.pick("Запись на визит в УЦ", "Your visit to the centre");
        self.tell_account(&mut tx, &account, subject, body).await?;
        tx.commit().await?;
        let slot = Slot {
            application_id: Some(application.id.clone()),
            ..slot
        };
        Ok(self.visit_of(&application.id, slot))
    }

    /// Cancels the visit of the principal's application: the slot is freed and the
    /// application is paid again, ready for another booking.
    pub async fn cancel_visit(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
    ) -> Result<ApplicationView> {
        self.step_back(ctx, who, id, Status::Paid, wording::VISIT_CANCELLED.text())
            .await
    }

    /// The booked visit of an application the principal may see, with its codes.
    pub async fn visit(&self, who: &Principal, id: &str) -> Result<Visit> {
        let mut tx = self.store.read().await?;
        let application = self.visible_application(&mut tx, who, id).await?;
        let slot = tx
            .slot_of(&application.id)
            .await?
            .ok_or(Error::NotFound(Missing::Visit))?;
        Ok(self.visit_of(&application.id, slot))
    }

    /// Opens the application of a visit by what the operator scanned (the QR token) or typed
    /// (the short code). Refused when the code is wrong or expired, or the application is of
    /// another centre than the operator's.
    pub async fn open_visit(&self, who: &Principal, presented: &str) -> Result<ApplicationView> {
        let presented = presented.trim();
        let now = self.now();
        let unknown = || {
            Error::invalid(
                "code",
                "Код визита не найден: проверьте его или отсканируйте QR-код заново.",
                "No visit has this code: check it, or scan the QR code again.",
            )
        };
        let expired = || {
            Error::invalid(
                "code",
                "Срок действия кода визита истёк: заявителю нужно записаться заново.",
                "The visit code has expired: the applicant needs to book again.",
            )
        };
        let mut tx = self.store.read().await?;
        let application_id = if let Some((id, rest)) = presented.split_once('.') {
            let (expiry, mac) = rest.split_once('.').ok_or_else(unknown)?;
            if !self.check_mac("visit-token", &format!("{id}.{expiry}"), mac) {
                return Err(unknown());
            }
            let expiry: i64 = expiry.parse().map_err(|_| unknown())?;
            if now > expiry {
                return Err(expired());
            }
            id.to_owned()
        } else {
            let code: String = presented.chars().filter(char::is_ascii_digit).collect();
            let slot = tx
                .slot_by_code(&self.code_key(&code))
                .await?
                .ok_or_else(unknown)?;
            if now > slot.ends_at + CODE_GRACE {
                return Err(expired());
            }
            slot.application_id.ok_or_else(unknown)?
        };
        let application = tx.application(&application_id).await?.ok_or_else(unknown)?;
        if who.require_operator_of(&application.centre_id).is_err() {
            return Err(Error::Forbidden);
        }
        let slot = tx.slot_of(&application.id).await?;
        if application.status != Status::VisitBooked.name()
            || slot.is_none_or(|s| now > s.ends_at + CODE_GRACE)
        {
            return Err(expired());
        }
        let scans = tx.attachments(&application.id).await?;
        Ok(ApplicationView {
            scans,
            ..self.view(application)?
        })
    }

    /// Records the operator's identity check at the visit: confirmed (personal presence, the
    /// certificate can be issued) or refused with a reason (the application is cancelled).
    pub async fn check_identity(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        check: IdentityCheck,
    ) -> Result<ApplicationView> {
        let mut tx = self.store.begin().await?;
        let application = tx
            .application(id)
            .await?
            .ok_or(Error::NotFound(Missing::Application))?;
        who.require_operator_of(&application.centre_id)?;
        let application = match check {
            IdentityCheck::Confirmed => {
                self.move_to(
                    &mut tx,
                    ctx,
                    Some(who),
                    application,
                    Status::IdentityVerified,
                    wording::IDENTIFIED_IN_PERSON.text(),
                )
                .await?
            }
            IdentityCheck::Refused(reason) => {
                let reason = reason.trim();
                if reason.is_empty() || reason.chars().count() > 2000 {
                    return Err(Error::invalid(
                        "reason",
                        "Укажите причину отказа (до 2000 знаков).",
                        "Give the reason for the refusal (up to 2000 characters).",
                    ));
                }
                if application.status != Status::VisitBooked.name() {
                    return Err(Error::conflict(
                        "Отказать можно только на визите.",
                        "A refusal is made at the visit only.",
                    ));
                }
                let account = tx
                    .account(&application.account_id)
                    .await?
                    .ok_or(Error::NotFound(Missing::Account))?;
                let lang = Lang::parse(&account.language);
                let body = match lang {
                    Lang::Ru => format!("В выдаче сертификата отказано: {reason}"),
                    Lang::En => format!("The certificate was refused: {reason}"),
                };
                let subject = lang.pick("Заявление на сертификат", "Certificate application");
                self.tell_account(&mut tx, &account, subject, body).await?;
                self.move_to(
                    &mut tx,
                    ctx,
                    Some(who),
                    application,
                    Status::Cancelled,
                    reason,
                )
                .await?
            }
        };
        tx.release_slot(&application.id).await?;
        tx.commit().await?;
        self.view(application)
    }

    /// Sends the reminder of the day before to every applicant whose visit starts within
    /// [`REMINDER_BEFORE`]; each reminder is claimed in the database first, so it goes out once
    /// across nodes and restarts. Returns how many went out.
    pub async fn remind_visits(&self) -> Result<usize> {
        let now = self.now();
        let due = {
            let mut tx = self.store.read().await?;
            tx.slots_to_remind(now, now + REMINDER_BEFORE).await?
        };
        let mut sent = 0;
        for slot in due {
            let mut tx = self.store.begin().await?;
            if !tx.claim_reminder(&slot.id, now).await? {
                continue;
            }
            let Some(application) = (match &slot.application_id {
                Some(id) => tx.application(id).await?,
                None => None,
            }) else {
                continue;
            };
            let account = tx
                .account(&application.account_id)
                .await?
                .ok_or(Error::NotFound(Missing::Account))?;
            let centre = self.centre(&slot.centre_id).await?;
            let lang = Lang::parse(&account.language);
            let when = moscow_time(slot.starts_at, lang);
            let body = match lang {
                Lang::Ru => format!(
                    "Напоминаем: визит в удостоверяющий центр «{}» {when}, {}. Возьмите оригиналы документов.",
                    centre.name, centre.address
                ),
                Lang::En => format!(
                    "A reminder: your visit to «{}» is on {when}, {}. Bring the original documents.",
                    centre.name, centre.address
                ),
            };
            let subject = lang.pick("Напоминание о визите", "Visit reminder");
            self.tell_account(&mut tx, &account, subject, body).await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// The visit of `application_id` in `slot`, with its codes.
    fn visit_of(&self, application_id: &str, slot: Slot) -> Visit {
        let expires_at = slot.ends_at + CODE_GRACE;
        let signed = format!("{application_id}.{expires_at}");
        Visit {
            code: self.visit_code(application_id, &slot.id),
            token: format!("{signed}.{}", self.mac("visit-token", &signed)),
            expires_at,
            slot,
        }
    }

    /// The short code of the visit of `application_id` in slot `slot_id`: eight digits from
    /// the server key, written `1234-5678`.
    fn visit_code(&self, application_id: &str, slot_id: &str) -> String {
        let mac = self.mac("visit-code", &format!("{application_id}:{slot_id}"));
        let n = u64::from_str_radix(&mac[..15], 16).unwrap_or_default() % 100_000_000;
        format!("{:04}-{:04}", n / 10_000, n % 10_000)
    }

    /// The keyed hash a short code is stored and found by.
    fn code_key(&self, code: &str) -> String {
        let digits: String = code.chars().filter(char::is_ascii_digit).collect();
        self.mac("visit-code-lookup", &digits)
    }

    async fn record_visit(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        who: Option<&Principal>,
        application: &Application,
        details: &str,
    ) -> Result<()> {
        self.record(
            tx,
            ctx,
            Record {
                account: Some(&application.account_id),
                actor: who.map(|p| p.account_id.as_str()),
                action: Action::VisitChanged,
                object: Some(format!("application:{}", application.id)),
                ok: true,
                details: details.to_owned(),
            },
        )
        .await
    }
}
