//! People and review (专人填写、专人审核): members and their passphrases, the county
//! office's recovery key, and the reviewer's queue, acceptance and return. Shared by
//! `toponym member|recover|review|office` and the app.

use std::path::Path;

use serde::Serialize;
use toponym_core::{RecordId, WorkflowStatus};
use toponym_qa::QaFinding;
use toponym_store::{
    KdfParams, ListFilter, Member, NewMember, OfficeIdentity, OfficeRecipient, Override,
    Passphrase, RecordSummary, Review, ReviewComment, Store,
};

use crate::save::SaveRules;
use crate::{OpsError, Result};

/// The largest office key file read (a real one is about 200 bytes).
pub const MAX_OFFICE_KEY_BYTES: u64 = 16 * 1024;

fn store_err(store: &Store) -> impl Fn(toponym_store::StoreError) -> OpsError + '_ {
    move |e| OpsError::Store(e.in_file(store.path()))
}

/// Every member of the survey, removed ones included.
pub fn members(store: &Store) -> Result<Vec<Member>> {
    store.members().map_err(store_err(store))
}

/// Adds a member with their own passphrase.
pub fn add_member(
    store: &mut Store,
    new: &NewMember,
    pass: &Passphrase,
    params: KdfParams,
) -> Result<Member> {
    let path = store.path().to_owned();
    store
        .add_member(new, pass, params)
        .map_err(|e| OpsError::Store(e.in_file(&path)))
}

/// Removes a member (their key slot goes; their signatures stay verifiable).
pub fn remove_member(store: &mut Store, who: &str, reason: Option<&str>) -> Result<Member> {
    let path = store.path().to_owned();
    store
        .remove_member(who, reason)
        .map_err(|e| OpsError::Store(e.in_file(&path)))
}

/// Changes the unlocked member's passphrase.
pub fn change_passphrase(store: &mut Store, new: &Passphrase, params: KdfParams) -> Result<()> {
    let path = store.path().to_owned();
    store
        .change_passphrase(new, params)
        .map_err(|e| OpsError::Store(e.in_file(&path)))
}

/// Reads the county office's secret key file (capped, then parsed).
pub fn read_office_identity(path: &Path) -> Result<OfficeIdentity> {
    let text = toponym_io::read_capped_text(path, MAX_OFFICE_KEY_BYTES, "office key files")?;
    OfficeIdentity::parse(&text).map_err(|e| OpsError::OfficeKey {
        path: path.to_owned(),
        detail: e.to_string(),
    })
}

/// Parses the office's public key: `age1…` itself, or a file holding it (a key file's
/// `# public key:` line counts).
pub fn read_office_recipient(text_or_path: &str) -> Result<OfficeRecipient> {
    if let Ok(r) = OfficeRecipient::parse(text_or_path) {
        return Ok(r);
    }
    let path = Path::new(text_or_path);
    let text = toponym_io::read_capped_text(path, MAX_OFFICE_KEY_BYTES, "office key files")?;
    let line = text
        .lines()
        .map(|l| l.trim().trim_start_matches("# public key:").trim())
        .find(|l| l.starts_with("age1"))
        .unwrap_or("");
    OfficeRecipient::parse(line).map_err(|e| OpsError::OfficeKey {
        path: path.to_owned(),
        detail: e.to_string(),
    })
}

/// Makes a new county office key pair: the secret key file is written owner-only (never
/// over an existing file); returns the public key to put into the county's surveys.
pub fn office_keygen(out: &Path, created: &str) -> Result<OfficeRecipient> {
    let id = OfficeIdentity::generate();
    let file = toponym_io::OutputFile::create(out, toponym_io::OutputOptions::replacing(false))?;
    file.write_all_and_commit(id.to_file_text(created).as_bytes())?;
    Ok(id.recipient())
}

/// Seals the survey's data key to the office's public key.
pub fn set_recovery(store: &mut Store, office: &OfficeRecipient) -> Result<()> {
    let path = store.path().to_owned();
    store
        .set_recovery(office)
        .map_err(|e| OpsError::Store(e.in_file(&path)))
}

/// The office reopens a survey whose passphrase is lost and gives `who` a new one.
pub fn recover(
    survey: &Path,
    office_key: &Path,
    who: &str,
    new_pass: &Passphrase,
    params: KdfParams,
) -> Result<Member> {
    let office = read_office_identity(office_key)?;
    Store::recover(survey, &office, who, new_pass, params)
        .map_err(|e| OpsError::Store(e.in_file(survey)))
}

/// One record of the reviewer's queue: its listing line, its record-stage findings and
/// the warnings its registrar accepted with a reason.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    /// The listing line.
    pub summary: RecordSummary,
    /// The findings now, worst first.
    pub findings: Vec<QaFinding>,
    /// The overridden warnings.
    pub overrides: Vec<Override>,
    /// The last verdict, if it was reviewed before (a record back after a return).
    pub last_review: Option<Review>,
}

/// The records waiting for review (complete, 待审核), oldest first, with what a reviewer
/// looks at.
pub fn review_queue(store: &Store, rules: &SaveRules<'_>, limit: usize) -> Result<Vec<QueueItem>> {
    let err = store_err(store);
    let list = store
        .list(&ListFilter {
            status: Some(WorkflowStatus::Complete),
            limit: Some(limit),
            ..Default::default()
        })
        .map_err(&err)?;
    let mut out = Vec::with_capacity(list.len());
    for summary in list {
        let Some(record) = store.get_record(&summary.record_id).map_err(&err)? else {
            continue;
        };
        out.push(QueueItem {
            findings: rules.check(&record),
            overrides: store.overrides_of(&summary.record_id).map_err(&err)?,
            last_review: store.last_review(&summary.record_id).map_err(&err)?,
            summary,
        });
    }
    Ok(out)
}

/// Accepts records (all or none), signed by the unlocked reviewer.
pub fn accept(store: &mut Store, ids: &[RecordId], note: Option<&str>) -> Result<Vec<Review>> {
    let path = store.path().to_owned();
    store
        .accept(ids, note)
        .map_err(|e| OpsError::Store(e.in_file(&path)))
}

/// Returns a record with comments, signed by the unlocked reviewer.
pub fn return_record(
    store: &mut Store,
    id: &RecordId,
    comments: &[ReviewComment],
) -> Result<Review> {
    let path = store.path().to_owned();
    store
        .return_record(id, comments)
        .map_err(|e| OpsError::Store(e.in_file(&path)))
}

/// A returned record with the reviewer's comments.
#[derive(Debug, Clone, Serialize)]
pub struct ReturnedItem {
    /// The listing line.
    pub summary: RecordSummary,
    /// The return (comments on the record and on fields).
    pub review: Option<Review>,
}

/// The records returned for correction, with the comments: what a registrar sees first.
pub fn returned(store: &Store, limit: usize) -> Result<Vec<ReturnedItem>> {
    let err = store_err(store);
    let list = store
        .list(&ListFilter {
            status: Some(WorkflowStatus::Returned),
            limit: Some(limit),
            ..Default::default()
        })
        .map_err(&err)?;
    list.into_iter()
        .map(|summary| {
            Ok(ReturnedItem {
                review: store.last_review(&summary.record_id).map_err(&err)?,
                summary,
            })
        })
        .collect()
}
