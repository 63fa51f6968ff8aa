//! Accounts: a citizen's (or an operator's, or an administrator's) login data and profile.

use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic, flag};

/// An account as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Random identifier.
    pub id: String,
    /// Phone number, normalised (`+7XXXXXXXXXX`).
    pub phone: String,
    /// E-mail address, lower case.
    pub email: String,
    /// СНИЛС, 11 digits, when given.
    pub snils: Option<String>,
    /// ИНН, 12 digits, when given.
    pub inn: Option<String>,
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub given_name: String,
    /// Отчество (may be empty).
    pub patronymic: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Passport series and number.
    pub passport: Option<String>,
    /// ОГРН of the organization the owner acts for as its officer.
    pub ogrn: Option<String>,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Whether the phone was confirmed by a code.
    pub phone_confirmed: bool,
    /// Whether the e-mail was confirmed by a code.
    pub email_confirmed: bool,
    /// `citizen`, `operator` or `admin`.
    pub role: String,
    /// For an operator, the certification centre they act for.
    pub operator_ca: Option<String>,
    /// The TOTP secret (Base32), when the user enrolled one.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted (a code is accepted once).
    pub totp_last_step: i64,
    /// Failed sign-in attempts since the last success.
    pub failed_logins: i64,
    /// Until when sign-in is locked (Unix seconds; 0 = not locked).
    pub locked_until: i64,
    /// Interface language, `ru` or `en`.
    pub language: String,
    /// When the account was made (Unix seconds).
    pub created_at: i64,
}

/// The fields a user edits on the profile page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub given_name: String,
    /// Отчество.
    pub patronymic: String,
    /// ИНН.
    pub inn: Option<String>,
    /// СНИЛС.
    pub snils: Option<String>,
    /// Date of birth.
    pub birth_date: Option<String>,
    /// Passport series and number.
    pub passport: Option<String>,
    /// ОГРН of the organization the owner acts for as its officer.
    pub ogrn: Option<String>,
}

const COLUMNS: &str = "id, phone, email, snils, inn, surname, given_name, patronymic, birth_date, \
     passport, password_hash, phone_confirmed, email_confirmed, role, operator_ca, totp_secret, \
     totp_last_step, failed_logins, locked_until, language, created_at, ogrn";

pub(crate) fn account(row: &AnyRow) -> Result<Account> {
    Ok(Account {
        id: col(row, "id")?,
        phone: col(row, "phone")?,
        email: col(row, "email")?,
        snils: col(row, "snils")?,
        inn: col(row, "inn")?,
        surname: col(row, "surname")?,
        given_name: col(row, "given_name")?,
        patronymic: col(row, "patronymic")?,
        birth_date: col(row, "birth_date")?,
        passport: col(row, "passport")?,
        ogrn: col(row, "ogrn")?,
        password_hash: col(row, "password_hash")?,
        phone_confirmed: flag(row, "phone_confirmed")?,
        email_confirmed: flag(row, "email_confirmed")?,
        role: col(row, "role")?,
        operator_ca: col(row, "operator_ca")?,
        totp_secret: col(row, "totp_secret")?,
        totp_last_step: col(row, "totp_last_step")?,
        failed_logins: col(row, "failed_logins")?,
        locked_until: col(row, "locked_until")?,
        language: col(row, "language")?,
        created_at: col(row, "created_at")?,
    })
}

impl Tx {
    /// Stores a new account; [`crate::Error::Duplicate`] names the phone, e-mail or SNILS taken.
    pub async fn insert_account(&mut self, a: &Account) -> Result<()> {
        dynamic(format!(
            "INSERT INTO accounts ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
        ))
        .bind(&a.id)
        .bind(&a.phone)
        .bind(&a.email)
        .bind(&a.snils)
        .bind(&a.inn)
        .bind(&a.surname)
        .bind(&a.given_name)
        .bind(&a.patronymic)
        .bind(&a.birth_date)
        .bind(&a.passport)
        .bind(&a.password_hash)
        .bind(i64::from(a.phone_confirmed))
        .bind(i64::from(a.email_confirmed))
        .bind(&a.role)
        .bind(&a.operator_ca)
        .bind(&a.totp_secret)
        .bind(a.totp_last_step)
        .bind(a.failed_logins)
        .bind(a.locked_until)
        .bind(&a.language)
        .bind(a.created_at)
        .bind(&a.ogrn)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account with this identifier.
    pub async fn account(&mut self, id: &str) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM accounts WHERE id = $1{}",
            self.for_update()
        );
        let row = dynamic(sql).bind(id).fetch_optional(self.conn()).await?;
        row.as_ref().map(account).transpose()
    }

    /// The account with this phone, e-mail or SNILS (each already normalised by the caller;
    /// `None` for a form the login cannot have).
    pub async fn account_by_login(
        &mut self,
        phone: Option<&str>,
        email: Option<&str>,
        snils: Option<&str>,
    ) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM accounts WHERE phone = $1 OR email = $2 OR snils = $3{}",
            self.for_update()
        );
        let row = dynamic(sql)
            .bind(phone)
            .bind(email)
            .bind(snils)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(account).transpose()
    }

    /// Accounts in order of creation, for the administrator.
    pub async fn accounts(&mut self, limit: i64, offset: i64) -> Result<Vec<Account>> {
        let sql =
            format!("SELECT {COLUMNS} FROM accounts ORDER BY created_at, id LIMIT $1 OFFSET $2");
        let rows = dynamic(sql)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(account).collect()
    }

    /// Replaces the profile fields of account `id`.
    pub async fn update_profile(&mut self, id: &str, p: &Profile) -> Result<()> {
        sqlx::query(
            "UPDATE accounts SET surname = $2, given_name = $3, patronymic = $4, inn = $5, \
             snils = $6, birth_date = $7, passport = $8, ogrn = $9 WHERE id = $1",
        )
        .bind(id)
        .bind(&p.surname)
        .bind(&p.given_name)
        .bind(&p.patronymic)
        .bind(&p.inn)
        .bind(&p.snils)
        .bind(&p.birth_date)
        .bind(&p.passport)
        .bind(&p.ogrn)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Marks the phone (`phone`) or e-mail (`email`) of account `id` confirmed.
    pub async fn confirm_contact(&mut self, id: &str, phone: bool) -> Result<()> {
        let column = if phone {
            "phone_confirmed"
        } else {
            "email_confirmed"
        };
        dynamic(format!("UPDATE accounts SET {column} = 1 WHERE id = $1"))
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Counts one more failed sign-in. At the `lock_after`-th in a row, sign-in locks until
    /// `lock_until` and the count starts again. Returns the count (this one included) and
    /// whether this failure locked the account.
    pub async fn add_login_failure(
        &mut self,
        id: &str,
        lock_after: i64,
        lock_until: i64,
    ) -> Result<(i64, bool)> {
        let row = sqlx::query(
            "UPDATE accounts SET \
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END, \
             failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END \
             WHERE id = $1 RETURNING failed_logins, locked_until",
        )
        .bind(id)
        .bind(lock_after)
        .bind(lock_until)
        .fetch_one(self.conn())
        .await?;
        let locked = col::<i64>(&row, "locked_until")? == lock_until
            && col::<i64>(&row, "failed_logins")? == 0;
        Ok(if locked {
            (lock_after, true)
        } else {
            (col(&row, "failed_logins")?, false)
        })
    }

    /// Forgets failed sign-ins after a success.
    pub async fn clear_login_failures(&mut self, id: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records the TOTP time step just accepted; false when it (or a later one) was accepted
    /// already, so that one code signs in once.
    pub async fn use_totp_step(&mut self, id: &str, step: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
        )
        .bind(id)
        .bind(step)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Sets (or, with `None`, removes) the TOTP secret.
    pub async fn set_totp_secret(&mut self, id: &str, secret: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE accounts SET totp_secret = $2 WHERE id = $1")
            .bind(id)
            .bind(secret)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Replaces the password hash.
    pub async fn set_password_hash(&mut self, id: &str, hash: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Gives account `id` a role (and, for an operator, the centre).
    pub async fn set_role(
        &mut self,
        id: &str,
        role: &str,
        operator_ca: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE accounts SET role = $2, operator_ca = $3 WHERE id = $1")
            .bind(id)
            .bind(role)
            .bind(operator_ca)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Sets the interface language.
    pub async fn set_language(&mut self, id: &str, language: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET language = $2 WHERE id = $1")
            .bind(id)
            .bind(language)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
