//! Documents citizens sign in portal services. A document is uploaded into a service (which
//! names the file types it takes and its size limit) as a draft; it is signed either
//!
//! - **with a cloud key**: the owner picks the key of a connected certificate and one or more
//!   drafts, a code goes out by SMS, and the PIN (which opens the key for this one operation;
//!   three wrong ones lock it) with the code make one detached CAdES-BES signature per
//!   document; or
//! - **with a token or key file**: the owner signs the document's bytes elsewhere (`podpis
//!   sign`, `openssl cms`) and uploads the `.sig`, which is checked before it is taken: the
//!   signature over these bytes, the signer's certificate usable now and bound to this owner.
//!
//! A signed document is "sent" (for processing) at once; the service later accepts or rejects it
//! (see `integrations`). A document a service submitted may instead be refused by its citizen.

use std::time::{Duration, UNIX_EPOCH};

use podpis_keys::{Signer, SoftwareKey};
use podpis_pki::Certificate;
use podpis_pki::cades::{
    DigestAlgorithm, SignRequest, SignedMessage, certificates_field, join_certificates,
    sign_without_certificates, split_certificates, verify_signer,
};
use podpis_pki::issue::normalize_serial;
use podpis_store::{CloudKey, Document, Service, Tx};

use crate::accounts::SIGN;
use crate::applications::is_pdf;
use crate::centres::internal;
use crate::issuance::refuse_locked;
use crate::journal::{Action, Record};
use crate::wording;
use crate::{
    CodeAnswer, CodeTicket, Context, Error, Lang, Missing, Portal, Principal, Result, check_text,
    secret,
};

/// The largest document any service takes, in bytes (10 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most documents one batch signs.
pub const MAX_BATCH: usize = 50;
/// A document's states, in order.
pub const DOCUMENT_STATUSES: [&str; 5] = ["draft", "sent", "accepted", "rejected", "refused"];

/// What a citizen sees for a document's state.
pub fn document_status_title(status: &str, lang: Lang) -> &'static str {
    match status {
        "draft" => lang.pick("Ожидает подписи", "Waiting for signature"),
        "sent" => lang.pick(
            "Подписан, отправлен на обработку",
            "Signed, sent for processing",
        ),
        "accepted" => lang.pick("Принят", "Accepted"),
        "rejected" => lang.pick("Отклонён", "Rejected"),
        "refused" => lang.pick("Вы отказались подписать", "You refused to sign"),
        _ => lang.pick("Неизвестно", "Unknown"),
    }
}

/// The refusal of a signature, and why.
fn refuse(ru: String, en: String) -> Error {
    Error::invalid("signature", ru, en)
}

/// The extension of `name`, lower-cased.
fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default()
}

/// The most characters an uploaded file's name keeps.
const MAX_NAME_CHARS: usize = 120;

/// An uploaded file's `name`, trimmed and at most [`MAX_NAME_CHARS`] characters: a longer one
/// loses the end of its stem (marked `…`), never its extension, which says what the file is.
pub(crate) fn file_name(name: &str) -> String {
    let name = name.trim();
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 && !stem.is_empty() => (stem, ext),
        _ => (name, ""),
    };
    let dot = usize::from(!ext.is_empty());
    let keep = MAX_NAME_CHARS - 1 - dot - ext.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    if ext.is_empty() {
        format!("{}…", stem.trim_end())
    } else {
        format!("{}….{ext}", stem.trim_end())
    }
}

impl Portal {
    /// The services that take signed documents.
    pub async fn services(&self) -> Result<Vec<Service>> {
        Ok(self.store.read().await?.services().await?)
    }

    /// Uploads `bytes` as the principal's document `name` for service `service_id`: a draft,
    /// once its type and size suit the service.
    pub async fn upload_document(
        &self,
        ctx: &Context,
        who: &Principal,
        service_id: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<Document> {
        self.new_document(ctx, &who.account_id, service_id, name, bytes, false)
            .await
    }

    /// Stores `bytes` as draft `name` of `account_id` for service `service_id` (`submitted` by
    /// the service itself, or uploaded by the citizen), once its type and size suit the service.
    pub(crate) async fn new_document(
        &self,
        ctx: &Context,
        account_id: &str,
        service_id: &str,
        name: &str,
        bytes: &[u8],
        submitted: bool,
    ) -> Result<Document> {
        let mut tx = self.store.begin().await?;
        let service = tx
            .service(service_id)
            .await?
            .ok_or(Error::NotFound(Missing::Service))?;
        let name = file_name(name);
        let types: Vec<&str> = service.file_types.split(',').map(str::trim).collect();
        if name.is_empty() || !types.contains(&extension(&name).as_str()) {
            return Err(Error::invalid(
                "file",
                format!(
                    "Сервис «{}» принимает файлы {}: «{name}» не подходит.",
                    service.title,
                    types.join(", ")
                ),
                format!(
                    "The service «{}» takes {} files: «{name}» is not one.",
                    service.title,
                    types.join(", ")
                ),
            ));
        }
        let limit = service.max_bytes.min(MAX_DOCUMENT_BYTES as i64);
        if bytes.is_empty() || bytes.len() as i64 > limit {
            let mb = |n: i64| n as f64 / 1048576.0;
            return Err(Error::invalid(
                "file",
                format!(
                    "Размер документа «{name}» ({:.1} МБ) вне пределов сервиса: от 1 байта до {:.0} МБ.",
                    mb(bytes.len() as i64),
                    mb(limit)
                ),
                format!(
                    "The size of «{name}» ({:.1} MB) is outside the service's limits: 1 byte to {:.0} MB.",
                    mb(bytes.len() as i64),
                    mb(limit)
                ),
            ));
        }
        if extension(&name) == "pdf" && !is_pdf(bytes) {
            return Err(Error::invalid(
                "file",
                format!("Файл «{name}» не является документом PDF."),
                format!("The file «{name}» is not a PDF document."),
            ));
        }
        let now = self.now();
        let document = Document {
            id: secret::new_id(),
            account_id: account_id.to_owned(),
            service_id: service.id,
            name,
            size: bytes.len() as i64,
            hash: hex::encode(DigestAlgorithm::Streebog256.digest(bytes)),
            content: bytes.to_vec(),
            status: "draft".into(),
            comment: String::new(),
            signature: None,
            signer: None,
            signed_at: None,
            created_at: now,
            updated_at: now,
            submitted,
        };
        tx.insert_document(&document).await?;
        self.record(
            &mut tx,
            ctx,
            Record {
                account: Some(account_id),
                actor: (!submitted).then_some(account_id),
                action: Action::DocumentUploaded,
                object: Some(format!("document:{}", document.id)),
                ok: true,
                details: if submitted {
                    wording::SUBMITTED_DOCUMENT
                } else {
                    wording::DOCUMENT
                }
                .fill(&[&document.name, &document.size]),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(document)
    }

    /// The principal's documents, without their bytes, newest first.
    pub async fn documents(&self, who: &Principal) -> Result<Vec<Document>> {
        Ok(self
            .store
            .read()
            .await?
            .documents_of(&who.account_id)
            .await?)
    }

    /// The principal's document `id` with its bytes; another's is not found.
    pub async fn document(&self, who: &Principal, id: &str) -> Result<Document> {
        own_document(&mut self.store.read().await?, who, id).await
    }

    /// Starts signing the principal's drafts `ids` with cloud key `key_id`: checks the key
    /// (not locked, its certificate connected) and the drafts, then sends a code by SMS.
    pub async fn sign_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
        ids: &[String],
    ) -> Result<CodeTicket> {
        let mut tx = self.store.begin().await?;
        let (cloud, _) = self.signing_key(&mut tx, who, key_id).await?;
        refuse_locked(&cloud)?;
        drafts(&mut tx, who, ids, false).await?;
        let account = tx
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let ticket = self.send_code(&mut tx, ctx, &account, SIGN).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Signs the principal's drafts `ids` with cloud key `key_id`: the PIN opens the key (a
    /// wrong one counts towards its lock), the code confirms, and each document gets its own
    /// detached CAdES-BES signature, all or none. Returns the signed documents.
    ///
    /// The costly work runs before the transaction, so that it does not hold the writers' turn
    /// (on SQLite, every write of the portal): reading the drafts' bytes, checking the
    /// certificate's status, the PIN's key derivation and the signatures. The transaction then
    /// reads the key again (locked), counts the PIN, takes the code and stores the signatures
    /// if every document is still a draft; a key changed meanwhile (a new PIN, say) is refused
    /// with nothing counted or taken.
    pub async fn sign_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        key_id: &str,
        ids: &[String],
        answer: CodeAnswer<'_>,
        pin: &str,
    ) -> Result<Vec<Document>> {
        let (read, der, documents) = {
            let mut tx = self.store.read().await?;
            let (cloud, der) = self.signing_key(&mut tx, who, key_id).await?;
            refuse_locked(&cloud)?;
            (cloud, der, drafts(&mut tx, who, ids, true).await?)
        };
        let cert = self.authority.certificate(&der)?;
        let chain = self.usable_now(&cert).await?.chain;
        // The signatures, when the PIN opens the key, each without the certificates they all
        // carry, which are encoded once; nothing is kept unless the transaction below finds
        // the PIN counted and the code right.
        let certificates = certificates_field(&cert, &chain).map_err(internal)?;
        let signatures = self
            .open_cloud_key(&read, pin)?
            .map(|key| {
                documents
                    .iter()
                    .map(|d| self.sign_bytes(&key, &cert, &chain, &d.content))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        let mut tx = self.store.begin().await?;
        // Still connected (the certificate of a key never changes: a centre's serial names one).
        let (cloud, _) = self.signing_key(&mut tx, who, key_id).await?;
        let signatures = match self
            .count_pin(&mut tx, ctx, &read, &cloud, signatures)
            .await
        {
            Ok(signatures) => signatures,
            Err(e) => {
                tx.commit().await?;
                return Err(e);
            }
        };
        if let Err(e) = self
            .check_code(&mut tx, ctx, answer.id, answer.code, &[SIGN])
            .await
        {
            tx.commit().await?;
            return Err(e);
        }
        let signer = format!("{}/{}", cloud.centre_id, cloud.serial);
        let mut signed = documents;
        self.take_signatures(
            &mut tx,
            ctx,
            &mut signed,
            signatures,
            Some(&certificates),
            &signer,
        )
        .await?;
        tx.commit().await?;
        Ok(signed)
    }

    /// Takes `sig`, a CMS signature of the principal's draft `id` made with a token or a key
    /// file (DER or PEM; detached, or attached with these very bytes). It is refused, with the
    /// reason, unless it verifies over the document, its signer's certificate is usable now
    /// (valid, not revoked, of an accredited centre) and that certificate is connected to this
    /// account; a refusal is journaled.
    pub async fn attach_signature(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        sig: &[u8],
    ) -> Result<Document> {
        let document = self.document(who, id).await?;
        let checked = match self.check_upload(who, &document, sig).await {
            Ok(checked) => checked,
            Err(e) => {
                let mut tx = self.store.begin().await?;
                self.record(
                    &mut tx,
                    ctx,
                    Record {
                        account: Some(&who.account_id),
                        actor: Some(&who.account_id),
                        action: Action::DocumentSigned,
                        object: Some(format!("document:{id}")),
                        ok: false,
                        details: e.text(Lang::En),
                    },
                )
                .await?;
                tx.commit().await?;
                return Err(e);
            }
        };
        let (der, signer) = checked;
        let (signature, certificates) = match split_certificates(&der) {
            Some((without, field)) => (without, Some(field)),
            None => (der, None),
        };
        let mut tx = self.store.begin().await?;
        let mut document = [own_document(&mut tx, who, id).await?];
        self.take_signatures(
            &mut tx,
            ctx,
            &mut document,
            vec![signature],
            certificates.as_deref(),
            &signer,
        )
        .await?;
        tx.commit().await?;
        let [document] = document;
        Ok(document)
    }

    /// The checks of an uploaded signature of `document`: its DER and its signer
    /// (`centre/serial`), or the refusal.
    async fn check_upload(
        &self,
        who: &Principal,
        document: &Document,
        sig: &[u8],
    ) -> Result<(Vec<u8>, String)> {
        if document.status != "draft" {
            return Err(already_signed());
        }
        let message = SignedMessage::from_bytes(sig).map_err(|e| {
            refuse(
                format!("Файл не является подписью CMS (.sig): {e}"),
                format!("The file is not a CMS signature (.sig): {e}"),
            )
        })?;
        if message.signer_count() != 1 {
            return Err(refuse(
                format!(
                    "В подписи {} подписантов, а нужен один.",
                    message.signer_count()
                ),
                format!(
                    "The signature has {} signers; one is needed.",
                    message.signer_count()
                ),
            ));
        }
        if message
            .content()
            .is_some_and(|content| content != document.content)
        {
            return Err(refuse(
                "Подпись содержит другой документ.".into(),
                "The signature carries another document.".into(),
            ));
        }
        let algorithm = message.digest_algorithms().remove(0).map_err(|e| {
            refuse(
                format!("Алгоритм хэширования подписи не поддерживается: {e}"),
                format!("The signature's digest algorithm is not supported: {e}"),
            )
        })?;
        let check = verify_signer(&message, 0, &algorithm.digest(&document.content), &[]);
        if let Some(failed) = check.findings.iter().find(|f| !f.passed) {
            return Err(refuse(
                format!(
                    "Подпись не подходит к документу «{}» ({})",
                    document.name,
                    check_text(failed.check, &failed.detail, Lang::Ru)
                ),
                format!(
                    "The signature does not match the document «{}» ({})",
                    document.name,
                    check_text(failed.check, &failed.detail, Lang::En)
                ),
            ));
        }
        let cert = check.certificate.ok_or_else(|| {
            refuse(
                "В подписи нет сертификата подписанта.".into(),
                "The signature does not carry its signer's certificate.".into(),
            )
        })?;
        let centre = self.usable_now(&cert).await?.centre;
        let serial = normalize_serial(&cert.serial_hex());
        let bound = self
            .store
            .read()
            .await?
            .connected_binding(&centre.id, &serial)
            .await?
            .is_some_and(|b| b.account_id == who.account_id);
        if !bound {
            return Err(refuse(
                "Сертификат подписи не подключён к вашей учётной записи: подключите его в разделе «Электронные подписи».".into(),
                "The signing certificate is not connected to your account: connect it under «Electronic signatures».".into(),
            ));
        }
        let der = message.to_der().map_err(internal)?;
        Ok((der, format!("{}/{serial}", centre.id)))
    }

    /// Stores the signatures of drafts `documents` (one each, in order) by `signer` and
    /// journals each, inside `tx`; refused, for all of them, when one was no longer a draft.
    /// With `certificates`, the signatures are without the certificates they carry and
    /// `certificates` is their field.
    async fn take_signatures(
        &self,
        tx: &mut Tx,
        ctx: &Context,
        documents: &mut [Document],
        signatures: Vec<Vec<u8>>,
        certificates: Option<&[u8]>,
        signer: &str,
    ) -> Result<()> {
        let now = self.now();
        let rows: Vec<(&str, &[u8])> = documents
            .iter()
            .zip(&signatures)
            .map(|(d, s)| (d.id.as_str(), s.as_slice()))
            .collect();
        if tx.sign_documents(&rows, certificates, signer, now).await? != documents.len() as u64 {
            return Err(already_signed());
        }
        for (document, signature) in documents.iter_mut().zip(signatures) {
            document.status = "sent".into();
            document.signature = Some(match certificates {
                Some(field) => join_certificates(&signature, field).map_err(internal)?,
                None => signature,
            });
            document.signer = Some(signer.to_owned());
            document.signed_at = Some(now);
            document.updated_at = now;
            self.record(
                tx,
                ctx,
                Record::own(
                    &document.account_id,
                    Action::DocumentSigned,
                    Some(format!("document:{}", document.id)),
                    wording::DOCUMENT_SIGNED.fill(&[&document.name, &signer]),
                ),
            )
            .await?;
            self.tell_service(tx, document, "document.signed").await?;
        }
        Ok(())
    }

    /// Refuses to sign the principal's draft `id` that a service submitted, saying why; the
    /// service is told.
    pub async fn refuse_document(
        &self,
        ctx: &Context,
        who: &Principal,
        id: &str,
        reason: &str,
    ) -> Result<Document> {
        let reason: String = reason.trim().chars().take(500).collect();
        let mut tx = self.store.begin().await?;
        let mut document = own_document(&mut tx, who, id).await?;
        if !document.submitted {
            return Err(Error::conflict(
                "Отказаться можно только от документа, который прислала услуга; свой черновик просто не подписывайте.",
                "Only a document a service sent can be refused; a draft of your own you simply leave unsigned.",
            ));
        }
        let now = self.now();
        if !tx
            .move_document(&document.id, "draft", "refused", &reason, now)
            .await?
        {
            return Err(already_signed());
        }
        document.status = "refused".into();
        document.comment = reason.clone();
        document.updated_at = now;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::DocumentRefused,
                Some(format!("document:{}", document.id)),
                reason,
            ),
        )
        .await?;
        self.tell_service(&mut tx, &document, "document.refused")
            .await?;
        tx.commit().await?;
        Ok(document)
    }

    /// A detached CAdES-BES signature of `content` by `key` with `cert` and its `chain`,
    /// without the certificates (see [`certificates_field`]).
    fn sign_bytes(
        &self,
        key: &SoftwareKey,
        cert: &Certificate,
        chain: &[Certificate],
        content: &[u8],
    ) -> Result<Vec<u8>> {
        let algorithm =
            DigestAlgorithm::for_signature(&key.signature_algorithm().oid).map_err(internal)?;
        let digest = algorithm.digest(content);
        let request = SignRequest {
            signer: key,
            certificate: cert,
            chain,
            digest: &digest,
            signing_time: UNIX_EPOCH + Duration::from_secs(self.now().max(0) as u64),
        };
        sign_without_certificates(&request, None).map_err(internal)
    }

    /// The principal's cloud key `key_id` and its certificate (DER), once that certificate is
    /// connected to their account.
    async fn signing_key(
        &self,
        tx: &mut Tx,
        who: &Principal,
        key_id: &str,
    ) -> Result<(CloudKey, Vec<u8>)> {
        let (cloud, connected) = tx
            .cloud_key_connected(key_id)
            .await?
            .filter(|(k, _)| k.account_id == who.account_id)
            .ok_or(Error::NotFound(Missing::CloudKey))?;
        let der = connected.ok_or_else(|| {
            Error::conflict(
                "Сертификат облачного ключа не подключён: подключите его в разделе «Электронные подписи».",
                "The cloud key's certificate is not connected: connect it under «Electronic signatures».",
            )
        })?;
        Ok((cloud, der))
    }
}

/// The refusal to sign a document that is no longer a draft.
fn already_signed() -> Error {
    Error::conflict("Документ уже подписан.", "The document is signed already.")
}

/// The principal's document `id`, with its bytes.
pub(crate) async fn own_document(tx: &mut Tx, who: &Principal, id: &str) -> Result<Document> {
    tx.document(id)
        .await?
        .filter(|d| d.account_id == who.account_id)
        .ok_or(Error::NotFound(Missing::Document))
}

/// The principal's drafts `ids` (in that order, repeats dropped), with their bytes if
/// `with_content`: one to [`MAX_BATCH`] documents, read in one statement.
async fn drafts(
    tx: &mut Tx,
    who: &Principal,
    ids: &[String],
    with_content: bool,
) -> Result<Vec<Document>> {
    let mut wanted: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !wanted.contains(id) {
            wanted.push(id.clone());
        }
    }
    if wanted.is_empty() || wanted.len() > MAX_BATCH {
        return Err(too_many());
    }
    let mut found = tx.documents_by_id(&wanted, with_content).await?;
    wanted
        .iter()
        .map(|id| {
            let at = found
                .iter()
                .position(|d| &d.id == id && d.account_id == who.account_id)
                .ok_or(Error::NotFound(Missing::Document))?;
            let document = found.swap_remove(at);
            if document.status != "draft" {
                return Err(already_signed());
            }
            Ok(document)
        })
        .collect()
}

/// The refusal of an empty or too large batch.
fn too_many() -> Error {
    Error::invalid(
        "documents",
        format!("Выберите от 1 до {MAX_BATCH} документов."),
        format!("Choose 1 to {MAX_BATCH} documents."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_keep_their_extension() {
        assert_eq!(file_name("  Заявление.pdf "), "Заявление.pdf");
        let long = format!("{}.pdf", "Заявление о назначении выплаты ".repeat(10));
        let short = file_name(&long);
        assert_eq!(short.chars().count(), MAX_NAME_CHARS, "{short}");
        assert!(short.ends_with("….pdf"), "{short}");
        assert!(short.starts_with("Заявление о назначении"), "{short}");
        assert_eq!(extension(&short), "pdf");
        let bare = "я".repeat(200);
        assert_eq!(file_name(&bare), format!("{}…", "я".repeat(119)));
        let exact = format!("{}.txt", "a".repeat(MAX_NAME_CHARS - 4));
        assert_eq!(file_name(&exact), exact);
    }
}
