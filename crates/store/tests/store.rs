//! One test suite, run against SQLite and PostgreSQL alike: each test is written once as a
//! function of a fresh store and instantiated for both databases.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use podpis_pki::cades::split_certificates;
use podpis_store::{
    Account, Binding, Centre, Ceremony, CloudKey, Code, Cutoffs, Delivery, Document, JournalFilter,
    KeptVerification, NewEntry, NewMessage, Passkey, Profile, Pruned, Session, Store,
};
use podpis_testkit::{TestDb, raw_count, raw_sql as raw};

podpis_testkit::on_both!(
    migrations_run_once,
    document_bytes_move_to_their_own_table,
    document_bytes_are_decoded,
    document_signatures_are_decoded,
    accounts_are_unique_by_phone_email_and_snils,
    profile_and_flags_update,
    codes_void_older_ones_and_count_tries,
    sessions_live_end_and_expire,
    rate_limit_windows,
    housekeeping_deletes_only_spent_rows,
    kept_verifications_are_found_until_they_expire,
    journal_chain_holds,
    journal_finds_an_edited_entry,
    journal_finds_deleted_entries,
    journal_appends_in_parallel_form_one_chain,
    journal_checks_beside_appends_find_no_breach,
    journal_filters,
    journal_appends_of_a_transaction_are_written_together,
    signing_documents_takes_drafts_only,
    signatures_keep_their_certificates_once,
    a_cloud_key_knows_whether_its_certificate_is_connected,
    outbox_claims_leases_and_retries,
    outbox_claims_in_parallel_never_double,
    outbox_claims_given_back_only_by_their_holder,
    outbox_outcomes_are_recorded_by_the_claim_that_holds,
    settings_first_writer_wins,
    passkeys_and_ceremonies,
);

fn account(n: u32) -> Account {
    Account {
        id: format!("acc{n}"),
        phone: format!("+7999000{n:04}"),
        email: format!("user{n}@example.ru"),
        snils: Some(format!("{n:011}")),
        inn: None,
        surname: "Иванов".into(),
        given_name: "Иван".into(),
        patronymic: "Иванович".into(),
        birth_date: None,
        passport: None,
        ogrn: None,
        password_hash: "$argon2id$…".into(),
        phone_confirmed: false,
        email_confirmed: false,
        role: "citizen".into(),
        operator_ca: None,
        totp_secret: None,
        totp_last_step: 0,
        failed_logins: 0,
        locked_until: 0,
        language: "ru".into(),
        created_at: 1_000 + i64::from(n),
    }
}

async fn with_account(store: &Store, n: u32) -> Account {
    let a = account(n);
    let mut tx = store.begin().await.unwrap();
    tx.insert_account(&a).await.unwrap();
    tx.commit().await.unwrap();
    a
}

fn entry(account: &str, action: &str, at: i64) -> NewEntry {
    NewEntry {
        at,
        account_id: Some(account.into()),
        actor: Some(account.into()),
        action: action.into(),
        object: Some(format!("account:{account}")),
        status: "ok".into(),
        ip: Some("127.0.0.1".into()),
        user_agent: Some("test".into()),
        details: String::new(),
    }
}

async fn append(store: &Store, e: &NewEntry) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let seq = tx.append_journal(e).await.unwrap();
    tx.commit().await.unwrap();
    seq
}

/// Draft `doc{n}` of `owner`, whose bytes are the digit `n`.
fn draft(owner: &Account, n: u8) -> Document {
    Document {
        id: format!("doc{n}"),
        account_id: owner.id.clone(),
        service_id: "contract".into(),
        name: format!("{n}.txt"),
        size: 1,
        hash: "00".into(),
        content: vec![b'0' + n],
        status: "draft".into(),
        comment: String::new(),
        signature: None,
        signer: None,
        signed_at: None,
        created_at: 10,
        updated_at: 10,
        submitted: false,
    }
}

/// Migrations 12 and 13 take along the bytes of documents stored before them: into a table of
/// their own, then out of base64 text (and 14 finds no signature to decode).
async fn document_bytes_move_to_their_own_table(db: TestDb) {
    let owner = with_account(&db.store, 1).await;
    // The schema as migration 11 left it, with a document stored then ("Nw==" is "7").
    raw(
        &db.url,
        "DROP TABLE document_bytes; ALTER TABLE documents ADD COLUMN content TEXT; \
         ALTER TABLE documents DROP COLUMN signature; ALTER TABLE documents ADD COLUMN signature TEXT; \
         DROP TABLE kept_verifications; ALTER TABLE documents DROP COLUMN certificates_id; \
         DROP TABLE signature_certificates; DELETE FROM schema_migrations WHERE version >= 12",
    )
    .await;
    raw(&db.url, &old_draft(&owner, 7, "documents", "Nw==")).await;
    assert_eq!(db.store.migrate().await.unwrap(), [12, 13, 14, 15, 16]);
    let mut tx = db.store.read().await.unwrap();
    let moved = tx.document("doc7").await.unwrap().unwrap();
    assert_eq!(moved.content, b"7");
    assert_eq!(
        moved,
        Document {
            id: "doc7".into(),
            ..draft(&owner, 7)
        }
    );
}

/// Migration 13 decodes every document's bytes (more of them than it copies per statement,
/// and bytes that are not text), and a damaged one stops it with nothing changed.
async fn document_bytes_are_decoded(db: TestDb) {
    let owner = with_account(&db.store, 1).await;
    // The schema as migration 12 left it.
    raw(
        &db.url,
        "DROP TABLE document_bytes; \
         CREATE TABLE document_contents (id TEXT PRIMARY KEY REFERENCES documents(id), content TEXT NOT NULL); \
         ALTER TABLE documents DROP COLUMN signature; ALTER TABLE documents ADD COLUMN signature TEXT; \
         DROP TABLE kept_verifications; ALTER TABLE documents DROP COLUMN certificates_id; \
         DROP TABLE signature_certificates; DELETE FROM schema_migrations WHERE version >= 13",
    )
    .await;
    let bytes = |n: u8| vec![n, 0, 0xff, n.wrapping_mul(7)];
    let mut drafts: Vec<String> = (0..150)
        .map(|n| old_draft(&owner, n, "document_contents", &STANDARD.encode(bytes(n))))
        .collect();
    drafts.push(old_draft(&owner, 200, "document_contents", "not base64!"));
    raw(&db.url, &drafts.join("; ")).await;
    let refused = db.store.migrate().await.unwrap_err().to_string();
    assert!(refused.contains("document content"), "{refused}");
    raw(&db.url, "DELETE FROM document_contents WHERE id = 'doc200'").await;
    assert_eq!(db.store.migrate().await.unwrap(), [13, 14, 15, 16]);
    let mut tx = db.store.read().await.unwrap();
    for n in [0, 99, 100, 149] {
        let moved = tx.document(&format!("doc{n}")).await.unwrap().unwrap();
        assert_eq!(moved.content, bytes(n), "doc{n}");
    }
}

/// Migration 14 decodes every signature out of base64 text (more of them than it decodes per
/// statement; drafts have none), and a damaged one stops it with nothing changed.
async fn document_signatures_are_decoded(db: TestDb) {
    let owner = with_account(&db.store, 1).await;
    // The schema as migration 13 left it.
    raw(
        &db.url,
        "ALTER TABLE documents DROP COLUMN signature; ALTER TABLE documents ADD COLUMN signature TEXT; \
         DROP TABLE kept_verifications; ALTER TABLE documents DROP COLUMN certificates_id; \
         DROP TABLE signature_certificates; DELETE FROM schema_migrations WHERE version >= 14",
    )
    .await;
    let signature = |n: u8| vec![0x30, n, 0, 0xff];
    let mut tx = db.store.begin().await.unwrap();
    for n in (0..151).chain([200]) {
        tx.insert_document(&draft(&owner, n)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut signed: Vec<String> = (0..150)
        .map(|n| old_signature(n, &STANDARD.encode(signature(n))))
        .collect();
    signed.push(old_signature(200, "not base64!"));
    raw(&db.url, &signed.join("; ")).await;
    let refused = db.store.migrate().await.unwrap_err().to_string();
    assert!(refused.contains("document signature"), "{refused}");
    // Nothing was kept: once the damaged one is mended, the migration runs from the start.
    raw(
        &db.url,
        "UPDATE documents SET status = 'draft', signature = NULL WHERE id = 'doc200'",
    )
    .await;
    assert_eq!(db.store.migrate().await.unwrap(), [14, 15, 16]);
    let mut tx = db.store.read().await.unwrap();
    for n in [0, 99, 100, 149] {
        let moved = tx.document(&format!("doc{n}")).await.unwrap().unwrap();
        assert_eq!(moved.signature, Some(signature(n)), "doc{n}");
        assert_eq!(
            (moved.status.as_str(), moved.content),
            ("sent", draft(&owner, n).content)
        );
    }
    for n in [150, 200] {
        let draft = tx.document(&format!("doc{n}")).await.unwrap().unwrap();
        assert_eq!((draft.status.as_str(), draft.signature), ("draft", None));
    }
    let listed = tx.documents_of(&owner.id).await.unwrap();
    assert_eq!(listed.len(), 152);
    assert_eq!(listed.iter().filter(|d| d.status == "sent").count(), 150);
    assert!(
        listed
            .iter()
            .all(|d| d.signature.is_none() && d.content.is_empty()),
        "a list leaves the bytes and the signatures out"
    );
}

/// SQL that signs draft `doc{n}` as the schema of migration 13 kept it: `signature`, base64
/// text, in its row.
fn old_signature(n: u8, signature: &str) -> String {
    format!("UPDATE documents SET status = 'sent', signature = '{signature}' WHERE id = 'doc{n}'")
}

/// SQL that stores draft `doc{n}` of `owner` as the old schemas did: its row, and its bytes
/// (base64 `content`) in `table`, `documents` itself or `document_contents`.
fn old_draft(owner: &Account, n: u8, table: &str, content: &str) -> String {
    let (column, value, contents) = if table == "documents" {
        (
            ", content".to_owned(),
            format!(", '{content}'"),
            String::new(),
        )
    } else {
        (
            String::new(),
            String::new(),
            format!("; INSERT INTO {table} (id, content) VALUES ('doc{n}', '{content}')"),
        )
    };
    format!(
        "INSERT INTO documents (id, account_id, service_id, name, size, hash, status, comment, \
         created_at, updated_at, submitted{column}) VALUES ('doc{n}', '{}', 'contract', '{n}.txt', \
         1, '00', 'draft', '', 10, 10, 0{value}){contents}",
        owner.id
    )
}

async fn migrations_run_once(db: TestDb) {
    assert!(
        db.store.migrate().await.unwrap().is_empty(),
        "second run applies nothing"
    );
    let other = Store::connect(&db.url).await.unwrap();
    assert!(other.migrate().await.unwrap().is_empty());
    assert_eq!(Store::latest_migration(), 16);
}

async fn accounts_are_unique_by_phone_email_and_snils(db: TestDb) {
    let a = with_account(&db.store, 1).await;
    for (field, b) in [
        (
            "phone",
            Account {
                id: "x1".into(),
                email: "o@x.ru".into(),
                snils: None,
                ..a.clone()
            },
        ),
        (
            "email",
            Account {
                id: "x2".into(),
                phone: "+70000000000".into(),
                snils: None,
                ..a.clone()
            },
        ),
        (
            "snils",
            Account {
                id: "x3".into(),
                phone: "+70000000001".into(),
                email: "p@x.ru".into(),
                ..a.clone()
            },
        ),
    ] {
        let mut tx = db.store.begin().await.unwrap();
        let e = tx.insert_account(&b).await.unwrap_err();
        assert!(e.is_duplicate_of(field), "{field}: {e}");
    }
    let mut tx = db.store.read().await.unwrap();
    let snils = a.snils.as_deref();
    for (phone, email, snils) in [
        (Some(a.phone.as_str()), None, None),
        (None, Some(a.email.as_str()), None),
        (None, None, snils),
    ] {
        assert_eq!(
            tx.account_by_login(phone, email, snils)
                .await
                .unwrap()
                .as_ref(),
            Some(&a)
        );
    }
    assert_eq!(
        tx.account_by_login(Some("+70000000009"), Some("nobody@x.ru"), None)
            .await
            .unwrap(),
        None
    );
    assert_eq!(tx.account("acc1").await.unwrap(), Some(a));
}

async fn profile_and_flags_update(db: TestDb) {
    with_account(&db.store, 2).await;
    let mut tx = db.store.begin().await.unwrap();
    let p = Profile {
        surname: "Петрова".into(),
        given_name: "Анна".into(),
        patronymic: String::new(),
        inn: Some("500100732259".into()),
        snils: Some("11223344595".into()),
        birth_date: Some("1990-01-31".into()),
        passport: Some("4510 123456".into()),
        ogrn: Some("1027700132195".into()),
    };
    tx.update_profile("acc2", &p).await.unwrap();
    tx.confirm_contact("acc2", true).await.unwrap();
    assert_eq!(
        tx.add_login_failure("acc2", 3, 5_000).await.unwrap(),
        (1, false)
    );
    assert_eq!(
        tx.add_login_failure("acc2", 3, 5_000).await.unwrap(),
        (2, false)
    );
    assert_eq!(
        tx.add_login_failure("acc2", 3, 5_000).await.unwrap(),
        (3, true),
        "the third locks"
    );
    assert_eq!(
        tx.add_login_failure("acc2", 3, 6_000).await.unwrap(),
        (1, false),
        "and the count starts again"
    );
    tx.set_role("acc2", "operator", Some("ca1")).await.unwrap();
    tx.set_totp_secret("acc2", Some("JBSWY3DPEHPK3PXP"))
        .await
        .unwrap();
    assert!(tx.use_totp_step("acc2", 10).await.unwrap());
    assert!(
        !tx.use_totp_step("acc2", 10).await.unwrap(),
        "a step is accepted once"
    );
    assert!(
        !tx.use_totp_step("acc2", 9).await.unwrap(),
        "nor an older one"
    );
    tx.commit().await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    let a = tx.account("acc2").await.unwrap().unwrap();
    assert_eq!(
        (
            a.surname.as_str(),
            a.inn.as_deref(),
            a.passport.as_deref(),
            a.ogrn.as_deref()
        ),
        (
            "Петрова",
            Some("500100732259"),
            Some("4510 123456"),
            Some("1027700132195")
        )
    );
    assert!(a.phone_confirmed && !a.email_confirmed);
    assert_eq!((a.failed_logins, a.locked_until), (1, 5_000));
    assert_eq!(
        (a.role.as_str(), a.operator_ca.as_deref()),
        ("operator", Some("ca1"))
    );
    assert_eq!(a.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    drop(tx);
    let mut tx = db.store.begin().await.unwrap();
    tx.clear_login_failures("acc2").await.unwrap();
    tx.commit().await.unwrap();
    let a = db
        .store
        .read()
        .await
        .unwrap()
        .account("acc2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.failed_logins, a.locked_until), (0, 0));
}

fn code(id: &str, at: i64) -> Code {
    Code {
        id: id.into(),
        account_id: Some("acc3".into()),
        purpose: "login".into(),
        destination: "+79990000003".into(),
        code_hash: format!("hash-{id}"),
        expires_at: at + 300,
        tries_left: 3,
        used_at: None,
        created_at: at,
    }
}

async fn codes_void_older_ones_and_count_tries(db: TestDb) {
    with_account(&db.store, 3).await;
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_code(&code("c1", 100)).await.unwrap();
    tx.insert_code(&code("c2", 110)).await.unwrap();
    assert_eq!(
        tx.code("c1").await.unwrap().unwrap().used_at,
        Some(110),
        "the older code is void"
    );
    assert_eq!(tx.code("c2").await.unwrap().unwrap().used_at, None);
    assert_eq!(tx.spend_code_try("c2").await.unwrap(), 2);
    assert_eq!(tx.spend_code_try("c2").await.unwrap(), 1);
    tx.use_code("c2", 120).await.unwrap();
    assert_eq!(tx.codes_sent_since("acc3", "login", 105).await.unwrap(), 1);
    assert_eq!(tx.codes_sent_since("acc3", "login", 0).await.unwrap(), 2);
    tx.commit().await.unwrap();
    let c = db
        .store
        .read()
        .await
        .unwrap()
        .code("c2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.tries_left, c.used_at), (1, Some(120)));
    let decoy = Code {
        id: "d1".into(),
        account_id: None,
        ..code("d1", 130)
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_code(&decoy).await.unwrap();
    assert_eq!(tx.code("d1").await.unwrap().unwrap().account_id, None);
}

fn session(id: &str, at: i64) -> Session {
    Session {
        id: id.into(),
        token_hash: format!("token-{id}"),
        account_id: "acc4".into(),
        kind: "cookie".into(),
        csrf: "csrf".into(),
        created_at: at,
        last_seen_at: at,
        expires_at: at + 1000,
        ip: Some("10.0.0.1".into()),
        user_agent: Some("Firefox".into()),
        ended_at: None,
    }
}

async fn sessions_live_end_and_expire(db: TestDb) {
    with_account(&db.store, 4).await;
    let mut tx = db.store.begin().await.unwrap();
    for (id, at) in [("s1", 100), ("s2", 200), ("s3", 300)] {
        tx.insert_session(&session(id, at)).await.unwrap();
    }
    let (s, a) = tx
        .live_session_and_account("token-s1", 500)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s, a.id),
        (session("s1", 100), "acc4".to_owned()),
        "the session and its account"
    );
    assert_eq!(
        tx.live_session_and_account("token-s1", 1100).await.unwrap(),
        None,
        "expired"
    );
    let ids: Vec<String> = tx
        .sessions_of("acc4", 500)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["s3", "s2", "s1"]);
    assert!(tx.end_session("acc4", "s2", 600).await.unwrap());
    assert!(
        !tx.end_session("acc4", "s2", 600).await.unwrap(),
        "already ended"
    );
    assert!(
        !tx.end_session("other", "s1", 600).await.unwrap(),
        "not the owner's"
    );
    assert_eq!(
        tx.live_session_and_account("token-s2", 601).await.unwrap(),
        None
    );
    tx.touch_session("s1", 700).await.unwrap();
    assert_eq!(
        tx.live_session_and_account("token-s1", 701)
            .await
            .unwrap()
            .unwrap()
            .0
            .last_seen_at,
        700
    );
    assert_eq!(
        tx.end_all_sessions("acc4", 800, Some("s1")).await.unwrap(),
        1,
        "s3, not s1"
    );
    let ids: Vec<String> = tx
        .sessions_of("acc4", 801)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["s1"]);
    assert_eq!(tx.end_all_sessions("acc4", 900, None).await.unwrap(), 1);
    assert!(tx.sessions_of("acc4", 901).await.unwrap().is_empty());
}

async fn rate_limit_windows(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.hit_rate_limits(&[("ip:1", 1)], 600, 60).await.unwrap(),
        [1]
    );
    assert_eq!(
        tx.hit_rate_limits(&[("ip:1", 1)], 630, 60).await.unwrap(),
        [2]
    );
    assert_eq!(
        tx.hit_rate_limits(&[("ip:2", 1), ("ip:1", 1)], 640, 60)
            .await
            .unwrap(),
        [1, 3],
        "buckets are separate, in one statement"
    );
    assert_eq!(
        tx.hit_rate_limits(&[("ip:1", 3), ("ip:3", 2)], 650, 60)
            .await
            .unwrap(),
        [6, 2],
        "several hits on a bucket counted at once"
    );
    assert_eq!(
        tx.hit_rate_limits(&[("ip:1", 1)], 659, 60).await.unwrap(),
        [7]
    );
    assert_eq!(
        tx.hit_rate_limits(&[("ip:1", 2)], 660, 60).await.unwrap(),
        [2],
        "a new window starts from the hits counted in it"
    );
    assert!(tx.hit_rate_limits(&[], 660, 60).await.unwrap().is_empty());
}

/// Housekeeping at 3000 deletes what has ended — a rate window of 0, a code made at 100, a
/// session that expired and one that was ended, a challenge past its expiry, a message
/// delivered at 100 — and keeps the rest: the current window, a recent expired code (a resend
/// may still quote it), the live session, the open challenge, a message delivered lately, one
/// still queued and one given up.
async fn housekeeping_deletes_only_spent_rows(db: TestDb) {
    with_account(&db.store, 3).await;
    with_account(&db.store, 4).await;
    let mut tx = db.store.begin().await.unwrap();
    tx.hit_rate_limits(&[("ip:old", 1)], 100, 600)
        .await
        .unwrap();
    tx.hit_rate_limits(&[("ip:now", 1)], 2900, 600)
        .await
        .unwrap();
    for (id, at) in [("old", 100), ("recent", 2000), ("live", 2900)] {
        tx.insert_code(&code(id, at)).await.unwrap();
    }
    for (id, at) in [("s1", 100), ("s2", 2500), ("s3", 2800)] {
        tx.insert_session(&session(id, at)).await.unwrap();
    }
    tx.end_session("acc4", "s2", 2600).await.unwrap();
    for (id, expires_at) in [("gone", 3000), ("open", 3001)] {
        tx.insert_ceremony(&Ceremony {
            id: id.into(),
            account_id: None,
            kind: "login".into(),
            challenge: "abc".into(),
            expires_at,
        })
        .await
        .unwrap();
    }
    for (id, expires_at) in [("done", 3000), ("kept", 3001)] {
        tx.insert_kept_verification(&kept(id, expires_at))
            .await
            .unwrap();
    }
    for id in [
        "delivered-long-ago",
        "delivered-lately",
        "queued",
        "given-up",
    ] {
        tx.enqueue(&message(id, 50, false)).await.unwrap();
    }
    assert_eq!(tx.claim_messages(60, 100, 10).await.unwrap().len(), 4);
    for (id, at) in [("delivered-long-ago", 100), ("delivered-lately", 2500)] {
        assert!(tx.mark_delivered(id, at, "sms-http", false).await.unwrap());
    }
    assert!(
        tx.mark_attempt_failed("given-up", 160, 100, "no such number", None)
            .await
            .unwrap()
    );
    let cutoffs = Cutoffs {
        now: 3000,
        windows_before: 2400,
        codes_before: 1000,
        delivered_before: 1000,
    };
    let pruned = tx.prune(&cutoffs).await.unwrap();
    assert_eq!(
        pruned,
        Pruned {
            rate_limits: 1,
            codes: 1,
            sessions: 2,
            ceremonies: 1,
            kept_verifications: 1,
            messages: 1,
        }
    );
    assert_eq!(pruned.total(), 7);
    assert_eq!(tx.prune(&cutoffs).await.unwrap(), Pruned::default());
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.hit_rate_limits(&[("ip:now", 1)], 2950, 600)
            .await
            .unwrap(),
        [2],
        "the current window still counts"
    );
    assert!(tx.code("old").await.unwrap().is_none());
    for kept in ["recent", "live"] {
        assert!(tx.code(kept).await.unwrap().is_some(), "{kept}");
    }
    let live: Vec<String> = tx
        .sessions_of("acc4", 3000)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(live, ["s3"]);
    assert!(tx.take_ceremony("gone").await.unwrap().is_none());
    assert!(tx.take_ceremony("open").await.unwrap().is_some());
    assert!(tx.kept_verification("kept", 2000).await.unwrap().is_some());
    assert!(tx.kept_verification("done", 2000).await.unwrap().is_none());
    let mut left: Vec<String> = tx
        .messages(10, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.message.id)
        .collect();
    left.sort();
    assert_eq!(left, ["delivered-lately", "given-up", "queued"]);
}

fn kept(id: &str, expires_at: i64) -> KeptVerification {
    KeptVerification {
        id: id.into(),
        name: "contract.pdf".into(),
        document: Some(b"%PDF-1.7 contract".to_vec()),
        signature: vec![0x30, 0x82, 0x01, 0x00],
        created_at: 100,
        expires_at,
    }
}

/// A kept document and signature come back byte for byte (an attached signature without a
/// document, too) until they expire, count towards the bytes kept, and can be deleted.
async fn kept_verifications_are_found_until_they_expire(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.kept_verification_bytes().await.unwrap(), 0);
    let detached = kept("k1", 1000);
    let attached = KeptVerification {
        document: None,
        ..kept("k2", 2000)
    };
    tx.insert_kept_verification(&detached).await.unwrap();
    tx.insert_kept_verification(&attached).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.kept_verification("k1", 999).await.unwrap(),
        Some(detached.clone())
    );
    assert_eq!(
        tx.kept_verification("k2", 999).await.unwrap(),
        Some(attached.clone())
    );
    assert_eq!(
        tx.kept_verification("k1", 1000).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        tx.kept_verification_bytes().await.unwrap(),
        detached.size() + attached.size()
    );
    assert_eq!(detached.size(), 21);
    assert_eq!(
        tx.delete_kept_verification("k2").await.unwrap().as_deref(),
        Some(attached.name.as_str())
    );
    assert_eq!(
        tx.delete_kept_verification("k2").await.unwrap(),
        None,
        "already gone"
    );
    assert_eq!(tx.kept_verification("k2", 999).await.unwrap(), None);
}

async fn journal_chain_holds(db: TestDb) {
    assert_eq!(
        db.store.verify_journal().await.unwrap(),
        Ok(0),
        "an empty journal holds"
    );
    for i in 0..5 {
        assert_eq!(
            append(&db.store, &entry("a", "login", 100 + i)).await,
            i + 1
        );
    }
    assert_eq!(db.store.verify_journal().await.unwrap(), Ok(5));
    let (seq, hash) = db.store.read().await.unwrap().journal_head().await.unwrap();
    assert_eq!(seq, 5);
    assert_eq!(hash.len(), 64);
    let mut tx = db.store.begin().await.unwrap();
    tx.append_journal(&entry("a", "logout", 200)).await.unwrap();
    drop(tx);
    assert_eq!(
        db.store.verify_journal().await.unwrap(),
        Ok(5),
        "a rolled-back append leaves no trace"
    );
}

async fn journal_finds_an_edited_entry(db: TestDb) {
    for i in 0..4 {
        append(&db.store, &entry("a", "login", 100 + i)).await;
    }
    raw(
        &db.url,
        "UPDATE journal SET status = 'failed' WHERE seq = 3",
    )
    .await;
    let breach = db.store.verify_journal().await.unwrap().unwrap_err();
    assert_eq!(breach.seq, 3, "{breach}");
    assert!(breach.reason.contains("altered"), "{breach}");
    // An entry whose stored hash is replaced too is still caught, at the same place.
    raw(
        &db.url,
        &format!(
            "UPDATE journal SET hash = '{}' WHERE seq = 3",
            "ab".repeat(32)
        ),
    )
    .await;
    let breach = db.store.verify_journal().await.unwrap().unwrap_err();
    assert_eq!(breach.seq, 3, "{breach}");
}

async fn journal_finds_deleted_entries(db: TestDb) {
    for i in 0..4 {
        append(&db.store, &entry("a", "login", 100 + i)).await;
    }
    raw(&db.url, "DELETE FROM journal WHERE seq = 4").await;
    let breach = db.store.verify_journal().await.unwrap().unwrap_err();
    assert_eq!(
        breach.seq, 4,
        "a cut-off tail is found through the head: {breach}"
    );
    raw(&db.url, "DELETE FROM journal WHERE seq = 2").await;
    let breach = db.store.verify_journal().await.unwrap().unwrap_err();
    assert_eq!(breach.seq, 2, "{breach}");
    assert!(breach.reason.contains("missing"), "{breach}");
}

async fn journal_appends_in_parallel_form_one_chain(db: TestDb) {
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..8 {
        let store = db.store.clone();
        tasks.spawn(async move {
            for i in 0..10 {
                append(&store, &entry(&format!("t{t}"), "login", i)).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    assert_eq!(db.store.verify_journal().await.unwrap(), Ok(80));
}

async fn journal_checks_beside_appends_find_no_breach(db: TestDb) {
    let store = db.store.clone();
    let writer = tokio::spawn(async move {
        for i in 0..60 {
            append(&store, &entry("w", "login", i)).await;
        }
    });
    let mut checks = 0;
    while !writer.is_finished() {
        let verdict = db.store.verify_journal().await.unwrap();
        assert!(verdict.is_ok(), "{verdict:?}");
        checks += 1;
    }
    writer.await.unwrap();
    assert!(checks > 0);
    assert_eq!(db.store.verify_journal().await.unwrap(), Ok(60));
}

async fn journal_filters(db: TestDb) {
    for (i, (who, what)) in [
        ("a", "login"),
        ("b", "login"),
        ("a", "profile_changed"),
        ("a", "login"),
    ]
    .iter()
    .enumerate()
    {
        append(&db.store, &entry(who, what, 100 * (i as i64 + 1))).await;
    }
    let mut tx = db.store.read().await.unwrap();
    let list = |account: Option<&str>,
                action: Option<&str>,
                from: Option<i64>,
                to: Option<i64>,
                before: Option<i64>| JournalFilter {
        account_id: account.map(Into::into),
        action: action.map(Into::into),
        from,
        to,
        before_seq: before,
        limit: 10,
    };
    let seqs = |v: Vec<podpis_store::Entry>| v.into_iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(
            tx.journal(&list(None, None, None, None, None))
                .await
                .unwrap()
        ),
        [4, 3, 2, 1]
    );
    assert_eq!(
        seqs(
            tx.journal(&list(Some("a"), None, None, None, None))
                .await
                .unwrap()
        ),
        [4, 3, 1]
    );
    assert_eq!(
        seqs(
            tx.journal(&list(Some("a"), Some("login"), None, None, None))
                .await
                .unwrap()
        ),
        [4, 1]
    );
    assert_eq!(
        seqs(
            tx.journal(&list(Some("a"), None, Some(200), Some(400), None))
                .await
                .unwrap()
        ),
        [3]
    );
    assert_eq!(
        seqs(
            tx.journal(&list(Some("a"), None, None, None, Some(4)))
                .await
                .unwrap()
        ),
        [3, 1]
    );
    let mut limited = list(None, None, None, None, None);
    limited.limit = 2;
    assert_eq!(seqs(tx.journal(&limited).await.unwrap()), [4, 3]);
}

fn message(id: &str, at: i64, sensitive: bool) -> NewMessage {
    NewMessage {
        id: id.into(),
        channel: "sms".into(),
        recipient: "+79990000001".into(),
        subject: String::new(),
        body: format!("code 123456 ({id})"),
        sensitive,
        created_at: at,
    }
}

async fn journal_appends_of_a_transaction_are_written_together(db: TestDb) {
    append(&db.store, &entry("a", "login", 100)).await;
    let mut tx = db.store.begin().await.unwrap();
    // More than one statement's worth of entries.
    for i in 0..70 {
        assert_eq!(
            tx.append_journal(&entry("b", "sign", 200 + i))
                .await
                .unwrap(),
            i + 2
        );
    }
    let filter = JournalFilter {
        account_id: Some("b".into()),
        limit: 1_000,
        ..JournalFilter::default()
    };
    let seen = tx.journal(&filter).await.unwrap();
    assert_eq!(seen.len(), 70, "the transaction reads its own appends");
    assert_eq!(seen[0].seq, 71);
    assert_eq!(seen[69].entry.at, 200);
    tx.append_journal(&entry("b", "logout", 300)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.verify_journal().await.unwrap(), Ok(72));
    let (seq, _) = db.store.read().await.unwrap().journal_head().await.unwrap();
    assert_eq!(seq, 72);
    let all = db
        .store
        .read()
        .await
        .unwrap()
        .journal(&filter)
        .await
        .unwrap();
    assert_eq!(all.len(), 71);
    assert_eq!(all[0].entry.action, "logout");
}

async fn signing_documents_takes_drafts_only(db: TestDb) {
    let owner = with_account(&db.store, 1).await;
    let mut tx = db.store.begin().await.unwrap();
    for n in 1..=3 {
        tx.insert_document(&draft(&owner, n)).await.unwrap();
    }
    let one: &[u8] = &[0x30, 1];
    let two: &[u8] = &[0x30, 2];
    assert_eq!(
        tx.sign_documents(&[("doc1", one), ("doc2", two)], None, "ca/01", 20)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        tx.sign_documents(&[("doc2", one), ("doc3", one)], None, "ca/02", 30)
            .await
            .unwrap(),
        1,
        "a document signed already is left out"
    );
    tx.commit().await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    let ids = ["doc1".to_owned(), "doc2".into(), "doc3".into()];
    let docs = tx.documents_by_id(&ids, true).await.unwrap();
    let by_id = |id: &str| docs.iter().find(|d| d.id == id).unwrap().clone();
    let (d1, d2, d3) = (by_id("doc1"), by_id("doc2"), by_id("doc3"));
    assert_eq!(
        (d1.status.as_str(), d1.signature.as_deref()),
        ("sent", Some(one))
    );
    assert_eq!(
        d2.signature.as_deref(),
        Some(two),
        "its first signature stays"
    );
    assert_eq!(
        (d2.signer.as_deref(), d2.signed_at),
        (Some("ca/01"), Some(20))
    );
    assert_eq!((d3.signer.as_deref(), d3.updated_at), (Some("ca/02"), 30));
    assert_eq!(d1.content, b"1", "the bytes are untouched");
    let rows = tx.documents_by_id(&ids, false).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|d| d.content.is_empty() && d.size == 1 && d.signature.is_some()),
        "without their bytes, the rest as it is"
    );
}

/// `parts` under the DER tag `tag` (short lengths only).
fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let body = parts.concat();
    let mut out = vec![tag, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

/// A CMS SignedData in DER, signer `n`'s, carrying `certificates` (a stand-in for them).
fn signed_data(certificates: &[u8], n: u8) -> Vec<u8> {
    const SIGNED_DATA: &[u8] = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02";
    const DATA: &[u8] = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01";
    let fields = tlv(
        0x30,
        &[
            b"\x02\x01\x01\x31\x00",
            &tlv(0x30, &[DATA]),
            &tlv(0xA0, &[certificates]),
            &tlv(0x31, &[&[0x02, 0x01, n]]),
        ],
    );
    tlv(0x30, &[SIGNED_DATA, &tlv(0xA0, &[&fields])])
}

async fn signatures_keep_their_certificates_once(db: TestDb) {
    let owner = with_account(&db.store, 1).await;
    let mut tx = db.store.begin().await.unwrap();
    for n in 1..=4 {
        tx.insert_document(&draft(&owner, n)).await.unwrap();
    }
    let (mine, theirs) = (&[0x30, 0x01, 0x01][..], &[0x30, 0x01, 0x02][..]);
    let sigs: Vec<Vec<u8>> = [(mine, 1), (mine, 2), (theirs, 3), (mine, 4)]
        .iter()
        .map(|(c, n)| signed_data(c, *n))
        .collect();
    // As a signer's batch comes: each without the certificates, and their field once.
    let parts: Vec<(Vec<u8>, Vec<u8>)> = sigs
        .iter()
        .map(|s| split_certificates(s).unwrap())
        .collect();
    let mine = [("doc1", &parts[0].0[..]), ("doc2", &parts[1].0)];
    assert_eq!(
        tx.sign_documents(&mine, Some(&parts[0].1), "ca/01", 20)
            .await
            .unwrap(),
        2
    );
    let theirs = [("doc3", &parts[2].0[..])];
    assert_eq!(
        tx.sign_documents(&theirs, Some(&parts[2].1), "ca/02", 20)
            .await
            .unwrap(),
        1
    );
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.sign_documents(&[("doc4", &parts[3].0)], Some(&parts[3].1), "ca/01", 30)
            .await
            .unwrap(),
        1,
        "certificates kept already are taken as they are"
    );
    tx.commit().await.unwrap();
    let kept = raw_count(&db.url, "SELECT COUNT(*) FROM signature_certificates").await;
    assert_eq!(kept, 2);
    let split = "SELECT COUNT(*) FROM documents WHERE certificates_id IS NOT NULL";
    assert_eq!(raw_count(&db.url, split).await, 4);
    for (n, sig) in sigs.iter().enumerate() {
        let id = format!("doc{}", n + 1);
        let got = db.store.read().await.unwrap().document(&id).await.unwrap();
        assert_eq!(
            got.unwrap().signature.as_ref(),
            Some(sig),
            "{id}, whole again"
        );
    }
    // What the row holds is the signature without them.
    raw(
        &db.url,
        "UPDATE documents SET certificates_id = NULL WHERE id = 'doc1'",
    )
    .await;
    let doc1 = db
        .store
        .read()
        .await
        .unwrap()
        .document("doc1")
        .await
        .unwrap();
    assert_eq!(doc1.unwrap().signature.unwrap().len(), sigs[0].len() - 5);
}

async fn outbox_claims_leases_and_retries(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    tx.enqueue(&message("m1", 100, true)).await.unwrap();
    tx.enqueue(&message("m2", 101, false)).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let claimed = tx.claim_messages(200, 60, 10).await.unwrap();
    assert_eq!(
        claimed
            .iter()
            .map(|m| m.message.id.as_str())
            .collect::<Vec<_>>(),
        ["m1", "m2"]
    );
    assert!(claimed.iter().all(|m| m.attempts == 1));
    assert!(
        tx.claim_messages(230, 60, 10).await.unwrap().is_empty(),
        "leased"
    );
    // m1 delivered (its code erased), m2 fails once and waits for its retry.
    assert!(
        tx.mark_delivered("m1", 231, "sms-http", false)
            .await
            .unwrap()
    );
    assert!(
        tx.mark_attempt_failed("m2", 260, 231, "gateway said 503", Some(300))
            .await
            .unwrap()
    );
    assert!(
        tx.claim_messages(299, 60, 10).await.unwrap().is_empty(),
        "not due yet"
    );
    assert_eq!(tx.pending_messages().await.unwrap(), 1);
    let again = tx.claim_messages(300, 60, 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 2));
    // A lease that runs out (the worker died) gives the message to the next claim.
    let third = tx.claim_messages(361, 60, 10).await.unwrap();
    assert_eq!((third.len(), third[0].attempts), (1, 3));
    assert!(
        tx.mark_attempt_failed("m2", 421, 362, "still down", None)
            .await
            .unwrap()
    );
    assert_eq!(tx.pending_messages().await.unwrap(), 0);
    let all = tx.messages(10, 0).await.unwrap();
    let m1 = all.iter().find(|m| m.message.id == "m1").unwrap();
    assert_eq!(
        m1.delivery,
        Delivery::Delivered {
            at: 231,
            by: "sms-http".into()
        }
    );
    assert!(
        !m1.message.body.contains("123456"),
        "a delivered code is erased: {}",
        m1.message.body
    );
    let m2 = all.iter().find(|m| m.message.id == "m2").unwrap();
    assert_eq!(
        (m2.delivery.clone(), m2.last_error.as_deref()),
        (Delivery::Failed { at: 362 }, Some("still down"))
    );
}

async fn outbox_claims_in_parallel_never_double(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    for i in 0..60 {
        tx.enqueue(&message(&format!("m{i:02}"), i, false))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let store = db.store.clone();
        tasks.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let mut tx = store.begin().await.unwrap();
                let got = tx.claim_messages(1_000, 600, 5).await.unwrap();
                tx.commit().await.unwrap();
                if got.is_empty() {
                    break mine;
                }
                mine.extend(got.into_iter().map(|m| m.message.id));
            }
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.unwrap());
    }
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(
        (before, all.len()),
        (60, 60),
        "each message claimed exactly once"
    );
}

async fn outbox_outcomes_are_recorded_by_the_claim_that_holds(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    for (id, at) in [("m1", 100), ("m2", 101)] {
        tx.enqueue(&message(id, at, false)).await.unwrap();
    }
    // The first worker's claims (held until 260) run out; a second worker claims both again.
    assert_eq!(tx.claim_messages(200, 60, 10).await.unwrap().len(), 2);
    assert_eq!(tx.claim_messages(261, 60, 10).await.unwrap().len(), 2);
    // The first worker's late failures change nothing: not given up, not due again, the
    // second worker's claim kept.
    assert!(
        !tx.mark_attempt_failed("m1", 260, 270, "no answer", None)
            .await
            .unwrap()
    );
    assert!(
        !tx.mark_attempt_failed("m2", 260, 270, "no answer", Some(280))
            .await
            .unwrap()
    );
    assert!(
        tx.claim_messages(300, 60, 10).await.unwrap().is_empty(),
        "still the second worker's"
    );
    assert_eq!(tx.pending_messages().await.unwrap(), 2);
    // The second worker delivers m1; the first's late delivery of it keeps the first record.
    assert!(
        tx.mark_delivered("m1", 290, "sms-http", false)
            .await
            .unwrap()
    );
    assert!(
        !tx.mark_delivered("m1", 295, "sms-other", false)
            .await
            .unwrap()
    );
    // A failure recorded for a delivered message by its own claim changes nothing either.
    assert!(
        !tx.mark_attempt_failed("m1", 321, 296, "late", None)
            .await
            .unwrap()
    );
    // The second worker's own failure of m2 counts.
    assert!(
        tx.mark_attempt_failed("m2", 321, 300, "gateway said 503", Some(400))
            .await
            .unwrap()
    );
    let all = tx.messages(10, 0).await.unwrap();
    let m1 = all.iter().find(|m| m.message.id == "m1").unwrap();
    assert_eq!(
        (m1.delivery.clone(), m1.last_error.as_deref()),
        (
            Delivery::Delivered {
                at: 290,
                by: "sms-http".into()
            },
            None
        )
    );
    let m2 = all.iter().find(|m| m.message.id == "m2").unwrap();
    assert_eq!(
        (m2.delivery.clone(), m2.last_error.as_deref(), m2.attempts),
        (
            Delivery::Pending {
                next_attempt_at: 400
            },
            Some("gateway said 503"),
            2
        )
    );
    let again = tx.claim_messages(400, 60, 10).await.unwrap();
    assert_eq!(
        again
            .iter()
            .map(|m| (m.message.id.as_str(), m.attempts))
            .collect::<Vec<_>>(),
        [("m2", 3)]
    );
}

async fn outbox_claims_given_back_only_by_their_holder(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    for (id, at) in [("m1", 100), ("m2", 101), ("m3", 102)] {
        tx.enqueue(&message(id, at, false)).await.unwrap();
    }
    let claimed = tx.claim_messages(200, 60, 10).await.unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(
        tx.mark_delivered("m1", 201, "sms-http", false)
            .await
            .unwrap()
    );
    // A holder whose claim ran out is another's claim now: nothing to give back.
    assert_eq!(tx.release_claims(&["m2", "m3"], 250).await.unwrap(), 0);
    // The holder gives back m2 and m3 (m1 is delivered and stays so): due at once, the
    // attempt uncounted.
    assert_eq!(
        tx.release_claims(&["m1", "m2", "m3"], 260).await.unwrap(),
        2
    );
    let again = tx.claim_messages(201, 60, 10).await.unwrap();
    assert_eq!(
        again
            .iter()
            .map(|m| (m.message.id.as_str(), m.attempts))
            .collect::<Vec<_>>(),
        [("m2", 1), ("m3", 1)]
    );
    let all = tx.messages(10, 0).await.unwrap();
    let m1 = all.iter().find(|m| m.message.id == "m1").unwrap();
    assert!(
        matches!(m1.delivery, Delivery::Delivered { at: 201, .. }) && m1.attempts == 1,
        "{m1:?}"
    );
}

async fn settings_first_writer_wins(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.setting_or_insert("secret", "first").await.unwrap(),
        "first"
    );
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.setting_or_insert("secret", "second").await.unwrap(),
        "first"
    );
}

async fn passkeys_and_ceremonies(db: TestDb) {
    with_account(&db.store, 5).await;
    let p = Passkey {
        credential_id: "cred".into(),
        account_id: "acc5".into(),
        public_key: "04ab".into(),
        sign_count: 0,
        name: "phone".into(),
        created_at: 10,
        last_used_at: None,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_passkey(&p).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let e = tx.insert_passkey(&p).await.unwrap_err();
    assert!(e.is_duplicate_of("passkeys"), "{e}");
    drop(tx);
    let mut tx = db.store.begin().await.unwrap();
    tx.use_passkey("cred", 7, 20).await.unwrap();
    let got = tx.passkey("cred").await.unwrap().unwrap();
    assert_eq!((got.sign_count, got.last_used_at), (7, Some(20)));
    assert_eq!(tx.passkeys_of("acc5").await.unwrap().len(), 1);
    let c = Ceremony {
        id: "cer".into(),
        account_id: None,
        kind: "login".into(),
        challenge: "abc".into(),
        expires_at: 99,
    };
    tx.insert_ceremony(&c).await.unwrap();
    assert_eq!(tx.take_ceremony("cer").await.unwrap(), Some(c));
    assert_eq!(
        tx.take_ceremony("cer").await.unwrap(),
        None,
        "answered once"
    );
    assert!(!tx.delete_passkey("someone-else", "cred").await.unwrap());
    assert!(tx.delete_passkey("acc5", "cred").await.unwrap());
}

/// A cloud key counts as connected only while a binding of its own certificate to its owner's
/// account is connected: not while pending, not after it ended, not for another account.
async fn a_cloud_key_knows_whether_its_certificate_is_connected(db: TestDb) {
    let owner = with_account(&db.store, 1).await;
    let other = with_account(&db.store, 2).await;
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_centre(&Centre {
        id: "ca".into(),
        name: "CA".into(),
        inn: "7707083893".into(),
        ogrn: "1027700132195".into(),
        address: "Москва".into(),
        price: 0,
        accredited_from: 0,
        accredited_until: i64::MAX,
        hosted: true,
        chain: vec![b"der".to_vec()],
        crl_url: None,
        ocsp_url: None,
        created_at: 0,
    })
    .await
    .unwrap();
    let key = CloudKey {
        id: "key1".into(),
        account_id: owner.id.clone(),
        centre_id: "ca".into(),
        serial: "01".into(),
        sealed_key: "sealed".into(),
        failed_pins: 0,
        created_at: 10,
    };
    tx.insert_cloud_key(&key).await.unwrap();
    let binding = |id: &str, account: &Account, serial: &str| Binding {
        id: id.into(),
        account_id: account.id.clone(),
        centre_id: "ca".into(),
        serial: serial.into(),
        der: id.as_bytes().to_vec(),
        challenge: String::new(),
        code_id: String::new(),
        status: "pending".into(),
        not_after: i64::MAX,
        created_at: 10,
        bound_at: None,
        ended_at: None,
    };
    // Connected, but another certificate, and this one for another account.
    tx.insert_binding(&binding("b-serial", &owner, "02"))
        .await
        .unwrap();
    tx.connect_binding("b-serial", 11).await.unwrap();
    tx.insert_binding(&binding("b-other", &other, "01"))
        .await
        .unwrap();
    tx.connect_binding("b-other", 11).await.unwrap();
    tx.insert_binding(&binding("b-own", &owner, "01"))
        .await
        .unwrap();
    assert_eq!(
        connected(&mut tx, "key1").await,
        Some(("key1".into(), None)),
        "pending"
    );
    tx.end_binding("b-other", 12).await.unwrap();
    tx.connect_binding("b-own", 12).await.unwrap();
    assert_eq!(
        connected(&mut tx, "key1").await,
        Some(("key1".into(), Some(b"b-own".to_vec()))),
        "the connected binding's certificate"
    );
    assert_eq!(
        tx.cloud_key_connected("key1").await.unwrap().unwrap().0,
        key
    );
    tx.end_binding("b-own", 13).await.unwrap();
    assert_eq!(
        connected(&mut tx, "key1").await,
        Some(("key1".into(), None)),
        "ended"
    );
    assert_eq!(connected(&mut tx, "nokey").await, None);
    tx.commit().await.unwrap();
}

/// Cloud key `id`'s identifier and its connected certificate, if any.
async fn connected(tx: &mut podpis_store::Tx, id: &str) -> Option<(String, Option<Vec<u8>>)> {
    let found = tx.cloud_key_connected(id).await.unwrap();
    found.map(|(k, c)| (k.id, c))
}
