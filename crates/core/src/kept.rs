//! Verifications kept on request. The public service stores nothing unless the one who checks
//! asks it to keep the files: then the document and its signature stay [`KEEP_FOR`] under an
//! unguessable identifier, and whoever holds it may see the report again (verified anew),
//! download both files or delete them at once. Housekeeping deletes them when they expire.

use podpis_store::KeptVerification;
use serde::Serialize;

use crate::journal::{Action, Record};
use crate::{Context, Error, Missing, Portal, Principal, Result, Verification, secret, wording};

/// How long kept files stay, in seconds (30 days).
pub const KEEP_FOR: i64 = 30 * 24 * 3600;
/// The most all kept files may take together, in bytes (1 GiB): past it, keeping is refused
/// until some expire (on PostgreSQL, nodes keeping at the same moment may pass it by a little).
const KEPT_BYTES: i64 = 1 << 30;

/// Kept files, as their link names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The identifier: the link's last part, and the only key to the files.
    pub id: String,
    /// The document's file name.
    pub name: String,
    /// Whether a document was kept (an attached signature carries its own).
    pub has_document: bool,
    /// When they are deleted (Unix seconds).
    pub expires_at: i64,
}

impl From<&KeptVerification> for Kept {
    fn from(k: &KeptVerification) -> Self {
        Kept {
            id: k.id.clone(),
            name: k.name.clone(),
            has_document: k.document.is_some(),
            expires_at: k.expires_at,
        }
    }
}

impl Portal {
    /// Checks `signature` over `document` as [`Portal::verify_signature`] does, then keeps both
    /// (the document under file name `name`) for [`KEEP_FOR`], and journals it (in the journal
    /// of `who`, when signed in; never with the files' identifier, which is their only key).
    /// Input that cannot be checked is refused and not kept.
    pub async fn verify_and_keep(
        &self,
        ctx: &Context,
        who: Option<&Principal>,
        name: &str,
        document: Option<&[u8]>,
        signature: &[u8],
    ) -> Result<(Verification, Kept)> {
        let verification = self.verify_signature(ctx, document, signature).await?;
        let now = self.now();
        let name = crate::documents::file_name(name);
        let kept = KeptVerification {
            id: secret::new_id(),
            name: if name.is_empty() {
                "document".into()
            } else {
                name
            },
            document: document.map(<[u8]>::to_vec),
            signature: signature.to_vec(),
            created_at: now,
            expires_at: now + KEEP_FOR,
        };
        let mut tx = self.store.begin().await?;
        if tx.kept_verification_bytes().await? + kept.size() > KEPT_BYTES {
            return Err(Error::conflict(
                "Сейчас сервис не может сохранить файлы: проверьте подпись без сохранения или повторите позже.",
                "The service cannot keep files now: check the signature without keeping them, or try later.",
            ));
        }
        tx.insert_kept_verification(&kept).await?;
        let details =
            wording::KEPT.fill(&[&kept.name, &kept.size(), &crate::timestamp(kept.expires_at)]);
        self.record(
            &mut tx,
            ctx,
            kept_record(who, Action::VerificationKept, details),
        )
        .await?;
        tx.commit().await?;
        Ok((verification, Kept::from(&kept)))
    }

    /// The kept files `id`, verified anew now (a check counted against the address, as a new
    /// one is).
    pub async fn kept_verification(&self, ctx: &Context, id: &str) -> Result<(Verification, Kept)> {
        let kept = self.kept_files(id).await?;
        let verification = self
            .verify_signature(ctx, kept.document.as_deref(), &kept.signature)
            .await?;
        Ok((verification, Kept::from(&kept)))
    }

    /// The kept files `id`; not found once they expired or were deleted.
    pub async fn kept_files(&self, id: &str) -> Result<KeptVerification> {
        self.store
            .read()
            .await?
            .kept_verification(id, self.now())
            .await?
            .ok_or(Error::NotFound(Missing::Verification))
    }

    /// Deletes the kept files `id` at once, and journals it as [`Portal::verify_and_keep`] does.
    pub async fn forget_verification(
        &self,
        ctx: &Context,
        who: Option<&Principal>,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let name = tx
            .delete_kept_verification(id)
            .await?
            .ok_or(Error::NotFound(Missing::Verification))?;
        let details = wording::KEPT_DELETED.fill(&[&name]);
        self.record(
            &mut tx,
            ctx,
            kept_record(who, Action::VerificationDeleted, details),
        )
        .await?;
        Ok(tx.commit().await?)
    }
}

/// The journal's record of kept files: `who`'s own when signed in, the portal's otherwise.
fn kept_record(who: Option<&Principal>, action: Action, details: String) -> Record<'_> {
    let who = who.map(|p| p.account_id.as_str());
    Record {
        account: who,
        actor: who,
        action,
        object: None,
        ok: true,
        details,
    }
}

/// The name of the document inside an attached signature file named `signature_name`: the
/// name without its signature extension (`акт.pdf.p7m` → `акт.pdf`), or empty when that
/// leaves nothing.
pub fn signed_file_name(signature_name: &str) -> String {
    let name = signature_name.trim();
    let lower = name.to_lowercase();
    [".sig", ".sgn", ".p7s", ".p7m"]
        .iter()
        .find(|ext| lower.ends_with(*ext))
        .map_or(name, |ext| &name[..name.len() - ext.len()])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::signed_file_name;

    #[test]
    fn the_document_is_named_after_its_attached_signature() {
        assert_eq!(signed_file_name("акт.pdf.p7m"), "акт.pdf");
        assert_eq!(signed_file_name("Договор.docx.SIG"), "Договор.docx");
        assert_eq!(signed_file_name("letter.txt.sgn"), "letter.txt");
        assert_eq!(signed_file_name("report.p7s"), "report");
        assert_eq!(signed_file_name("notes.txt"), "notes.txt");
        assert_eq!(signed_file_name(".sig"), "");
    }
}
