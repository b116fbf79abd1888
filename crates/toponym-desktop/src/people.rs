//! People and review in the app (专人填写、专人审核): who may unlock a survey (for the
//! unlock screen), the members screen (list, add a member, change one's own passphrase),
//! the reviewer's queue with accept and return, and the registrar's returned records with
//! the reviewer's comments. Thin shapes over `toponym_ops::people`, which the CLI shares.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toponym_store::{KdfParams, Member, NewMember, Passphrase, Review, ReviewComment, Role};
use ts_rs::TS;

use super::dto::{EntryStatus, FindingDto};
use super::quality::OverrideDto;
use super::session::{parse_id, store_err};
use super::{AppError, Session};

/// The most queue or returned items one call answers.
pub const MAX_ITEMS: u32 = 10_000;

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A member who can unlock the survey, as the unlock screen lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct SlotDto {
    pub member_id: String,
    pub name: String,
    /// `registrar` (登记人) or `reviewer` (审核人).
    pub role: String,
}

/// Who may unlock a survey file, read from its key file before any passphrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct UnlockSlots {
    /// Empty for a survey from before members: its one passphrase opens it.
    pub members: Vec<SlotDto>,
    /// Whether the county office can recover the survey.
    pub recoverable: bool,
}

/// The members who can unlock the survey at `path` (the unlock screen's choice).
pub fn unlock_slots(path: &Path) -> Result<UnlockSlots, AppError> {
    if !path.exists() {
        return Err(AppError::SurveyNotFound {
            path: path.display().to_string(),
        });
    }
    let (slots, recoverable) = toponym_store::unlock_slots(path).map_err(store_err)?;
    Ok(UnlockSlots {
        members: slots
            .into_iter()
            .map(|s| SlotDto {
                member_id: s.member_id,
                name: s.name,
                role: s.role,
            })
            .collect(),
        recoverable,
    })
}

/// A member of the survey, as the members screen shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct MemberDto {
    pub member_id: String,
    pub name: String,
    /// `registrar` (登记人) or `reviewer` (审核人).
    pub role: String,
    pub unit: String,
    /// The signing key's fingerprint, as the county office registers it.
    pub fingerprint: String,
    /// RFC 3339, UTC.
    pub added_at: String,
    /// RFC 3339, UTC, if removed.
    pub removed_at: Option<String>,
    /// Whether they have a key slot (can unlock the file).
    pub can_unlock: bool,
    /// This is the member signed in.
    pub me: bool,
}

impl MemberDto {
    pub(crate) fn of(m: &Member, me: bool) -> MemberDto {
        MemberDto {
            member_id: m.member_id.clone(),
            name: m.name.clone(),
            role: m.role.as_str().to_owned(),
            unit: m.unit.clone(),
            fingerprint: m.fingerprint.clone(),
            added_at: rfc3339(m.added_at),
            removed_at: m.removed_at.map(rfc3339),
            can_unlock: m.can_unlock,
            me,
        }
    }
}

/// A member to add, from the members screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct NewMemberDto {
    pub name: String,
    /// `registrar` or `reviewer`.
    pub role: String,
    pub unit: String,
    pub passphrase: String,
}

/// A reviewer's comment: on the record (`path` absent) or on one field
/// (`fields.standard_name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct ReviewCommentDto {
    pub path: Option<String>,
    pub text: String,
}

/// A reviewer's signed verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct ReviewDto {
    pub record_id: String,
    /// `accept` (审核通过) or `return` (退回修改).
    pub verdict: String,
    pub reviewer: String,
    /// The reviewer's key fingerprint.
    pub reviewer_key: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub comments: Vec<ReviewCommentDto>,
}

impl From<&Review> for ReviewDto {
    fn from(r: &Review) -> Self {
        ReviewDto {
            record_id: r.record_id.clone(),
            verdict: match r.verdict {
                toponym_store::Verdict::Accept => "accept",
                toponym_store::Verdict::Return => "return",
            }
            .to_owned(),
            reviewer: r.reviewer.clone(),
            reviewer_key: r.reviewer_key.clone(),
            at: rfc3339(r.at),
            comments: r
                .comments
                .iter()
                .map(|c| ReviewCommentDto {
                    path: c.path.clone(),
                    text: c.text.clone(),
                })
                .collect(),
        }
    }
}

/// A warning the registrar accepted with a reason, with the rule and field it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct QueueOverrideDto {
    pub rule: String,
    pub path: String,
    pub accepted: OverrideDto,
}

/// One record waiting for review (待审核).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct QueueItemDto {
    pub record_id: String,
    pub template_id: String,
    pub category: String,
    pub name: String,
    pub registrar: Option<String>,
    /// The findings now, worst first (overridden warnings marked).
    pub findings: Vec<FindingDto>,
    /// The warnings accepted with a reason.
    pub overrides: Vec<QueueOverrideDto>,
    /// The last verdict, for a record back after a return.
    pub last_review: Option<ReviewDto>,
}

/// One record returned for correction, with the reviewer's comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct ReturnedItemDto {
    pub record_id: String,
    pub template_id: String,
    pub category: String,
    pub name: String,
    pub status: EntryStatus,
    pub review: Option<ReviewDto>,
}

fn parse_role(role: &str) -> Result<Role, AppError> {
    role.parse().map_err(|_| AppError::Store {
        code: "member.bad_role",
        detail: format!("unknown role {role:?} (registrar, reviewer)"),
    })
}

impl Session {
    /// The member signed in, if the survey has members.
    pub fn me(&self) -> Option<MemberDto> {
        self.store.member().map(|m| MemberDto::of(m, true))
    }

    /// Every member of the survey, removed ones included.
    pub fn members(&self) -> Result<Vec<MemberDto>, AppError> {
        let me = self.store.member().map(|m| m.member_id.clone());
        Ok(toponym_ops::people::members(&self.store)?
            .iter()
            .map(|m| MemberDto::of(m, me.as_deref() == Some(m.member_id.as_str())))
            .collect())
    }

    /// Adds a member with their own passphrase (production key derivation).
    pub fn member_add(&mut self, new: &NewMemberDto) -> Result<MemberDto, AppError> {
        self.member_add_with(new, KdfParams::production())
    }

    /// [`Session::member_add`] with the key-derivation cost given.
    pub fn member_add_with(
        &mut self,
        new: &NewMemberDto,
        params: KdfParams,
    ) -> Result<MemberDto, AppError> {
        let member = NewMember {
            name: new.name.trim().to_owned(),
            role: parse_role(&new.role)?,
            unit: new.unit.trim().to_owned(),
        };
        let pass = Passphrase::new(new.passphrase.as_str());
        let m = toponym_ops::people::add_member(&mut self.store, &member, &pass, params)?;
        Ok(MemberDto::of(&m, false))
    }

    /// Changes the signed-in member's passphrase (production key derivation).
    pub fn passphrase_change(&mut self, new: &str) -> Result<(), AppError> {
        self.passphrase_change_with(new, KdfParams::production())
    }

    /// [`Session::passphrase_change`] with the key-derivation cost given.
    pub fn passphrase_change_with(&mut self, new: &str, params: KdfParams) -> Result<(), AppError> {
        toponym_ops::people::change_passphrase(&mut self.store, &Passphrase::new(new), params)?;
        Ok(())
    }

    /// The records waiting for review (complete), oldest first, with their findings and
    /// accepted warnings.
    pub fn review_queue(&self, limit: u32) -> Result<Vec<QueueItemDto>, AppError> {
        let rules = self.rules();
        let items =
            toponym_ops::people::review_queue(&self.store, &rules, limit.min(MAX_ITEMS) as usize)?;
        Ok(items
            .into_iter()
            .map(|q| {
                let mut findings: Vec<FindingDto> =
                    q.findings.iter().map(FindingDto::from).collect();
                for f in &mut findings {
                    f.overridden = q
                        .overrides
                        .iter()
                        .find(|o| Some(&o.rule) == f.rule.as_ref() && o.path == f.path)
                        .map(OverrideDto::from);
                }
                QueueItemDto {
                    record_id: q.summary.record_id.to_string(),
                    template_id: q.summary.template_id,
                    category: q.summary.category,
                    name: q.summary.standard_name.unwrap_or_default(),
                    registrar: q.summary.registrar,
                    findings,
                    overrides: q
                        .overrides
                        .iter()
                        .map(|o| QueueOverrideDto {
                            rule: o.rule.clone(),
                            path: o.path.clone(),
                            accepted: OverrideDto::from(o),
                        })
                        .collect(),
                    last_review: q.last_review.as_ref().map(ReviewDto::from),
                }
            })
            .collect())
    }

    /// Accepts records (all or none), signed by the signed-in reviewer.
    pub fn review_accept(
        &mut self,
        ids: &[String],
        note: Option<&str>,
    ) -> Result<Vec<ReviewDto>, AppError> {
        let ids = ids
            .iter()
            .map(|i| parse_id(i))
            .collect::<Result<Vec<_>, _>>()?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let reviews = toponym_ops::people::accept(&mut self.store, &ids, note)?;
        for id in &ids {
            self.index_put(id)?;
        }
        Ok(reviews.iter().map(ReviewDto::from).collect())
    }

    /// Returns a record for correction with comments on it and on named fields, signed by
    /// the signed-in reviewer. Blank comments are dropped.
    pub fn review_return(
        &mut self,
        id: &str,
        comments: &[ReviewCommentDto],
    ) -> Result<ReviewDto, AppError> {
        let rid = parse_id(id)?;
        let comments: Vec<ReviewComment> = comments
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| ReviewComment {
                path: c
                    .path
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
                text: c.text.trim().to_owned(),
            })
            .collect();
        let review = toponym_ops::people::return_record(&mut self.store, &rid, &comments)?;
        self.index_put(&rid)?;
        Ok(ReviewDto::from(&review))
    }

    /// The records returned for correction with the comments: what a registrar sees first.
    pub fn returned(&self, limit: u32) -> Result<Vec<ReturnedItemDto>, AppError> {
        let items = toponym_ops::people::returned(&self.store, limit.min(MAX_ITEMS) as usize)?;
        Ok(items
            .into_iter()
            .map(|r| ReturnedItemDto {
                record_id: r.summary.record_id.to_string(),
                template_id: r.summary.template_id,
                category: r.summary.category,
                name: r.summary.standard_name.unwrap_or_default(),
                status: EntryStatus::Returned,
                review: r.review.as_ref().map(ReviewDto::from),
            })
            .collect())
    }

    /// The last verdict on a record (the form shows a return's comments by its fields).
    pub fn record_review(&self, id: &str) -> Result<Option<ReviewDto>, AppError> {
        let rid = parse_id(id)?;
        Ok(self
            .store
            .last_review(&rid)
            .map_err(store_err)?
            .as_ref()
            .map(ReviewDto::from))
    }
}
