//! An unlocked survey as the desktop app uses it: the store, the template catalogue, the
//! romaniser, and an in-memory index of the investigation list so the survey home and the
//! virtualised list answer in milliseconds even with 100 000 entries.
//!
//! The index is built from one store listing at unlock: template, category, name, status
//! and the listing columns the store keeps for exactly this (township, romanisation,
//! registrar), so no record's attributes are parsed to unlock.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Map, Value};
use toponym_core::{
    Clock, Geometry, GeometryKind, IdGenerator, Record, RecordId, SystemClock, V7IdGenerator,
};
use toponym_forms::Catalog;
use toponym_ops::save::{OnRefusal, SaveRules};
use toponym_romanise::{Outcome, Request, Romaniser};
use toponym_store::{
    Actor, KdfParams, Passphrase, RecordSummary, Store, StoreError, WorkflowStatus,
};

use super::derive;
use super::dto::*;
use super::AppError;

/// What the list shows of one entry: the store's listing columns.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    id: RecordId,
    template_id: String,
    category: String,
    name: String,
    workflow: WorkflowStatus,
    township: Option<String>,
    roman: String,
    /// The surveyor has not touched it yet (no 登记人): an investigation-list entry to do.
    todo: bool,
}

impl Entry {
    fn from_summary(s: RecordSummary) -> Entry {
        Entry {
            id: s.record_id,
            template_id: s.template_id,
            category: s.category,
            name: s.standard_name.unwrap_or_default(),
            workflow: s.workflow_status.parse().unwrap_or(WorkflowStatus::Draft),
            township: s.township,
            roman: s.roman.unwrap_or_default(),
            todo: s.registrar.is_none(),
        }
    }

    fn status(&self) -> EntryStatus {
        status_of(self.workflow, self.todo)
    }
}

/// Where unlocking spent its time; key derivation is deliberately slow and reported apart.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnlockTimings {
    /// Argon2id key derivation.
    pub kdf: Duration,
    /// Opening the file and building the list index.
    pub open: Duration,
}

/// What a session takes from the world instead of reading it itself: the clock (record
/// creation times and audit timestamps), the record-id generator and the person signed in.
/// The app passes [`Deps::system`]; tests and soak runs pass fixed ones.
#[derive(Clone)]
pub struct Deps {
    /// Wall-clock time.
    pub clock: Arc<dyn Clock>,
    /// New record ids.
    pub ids: Arc<dyn IdGenerator>,
    /// The person signed in (登记人 of new records, actor of the audit log).
    pub actor: Actor,
}

impl Deps {
    /// The system clock, UUIDv7 ids and the login name (`TOPONYM_USER`, else `USER`).
    pub fn system() -> Deps {
        Deps {
            clock: Arc::new(SystemClock),
            ids: Arc::new(V7IdGenerator::new(SystemClock)),
            actor: Actor::new(surveyor_name()),
        }
    }
}

/// An open survey.
pub struct Session {
    pub(crate) store: Store,
    pub(crate) path: PathBuf,
    pub(crate) catalog: &'static Catalog,
    pub(crate) romaniser: &'static Romaniser,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
    pub(crate) actor: Actor,
    pub(crate) entries: Vec<Entry>,
    pub(crate) pos: HashMap<RecordId, usize>,
    /// The last filter and the entry positions it selected, so paging is O(page).
    pub(crate) cache: Option<(ListFilter, Vec<usize>)>,
    pub(crate) timings: UnlockTimings,
    /// The survey area's bounding box for S-1 (from the counties its records name).
    pub(crate) extent: Option<[f64; 4]>,
}

pub(crate) fn store_err(e: StoreError) -> AppError {
    let path = |p: &Path| p.display().to_string();
    let survey = |e: &StoreError, p: String, min_chars| AppError::Survey {
        code: e.code(),
        message: e.to_string(),
        path: p,
        min_chars,
    };
    match &e {
        StoreError::Damaged { path: p, .. }
        | StoreError::NotASurvey { path: p, .. }
        | StoreError::ReadOnly { path: p }
        | StoreError::NeedsUpgrade { path: p, .. }
        | StoreError::WrongPassphraseOrDamaged { path: p }
        | StoreError::BadKdfFile { path: p, .. } => survey(&e, path(p), None),
        StoreError::WeakPassphrase { min_chars, .. } => survey(&e, String::new(), Some(*min_chars)),
        StoreError::EmptyPassphrase => survey(&e, String::new(), None),
        _ => AppError::Store {
            code: e.code(),
            detail: e.to_string(),
        },
    }
}

pub(crate) fn parse_id(id: &str) -> Result<RecordId, AppError> {
    id.parse()
        .map_err(|_| AppError::BadRecordId { id: id.to_owned() })
}

fn status_of(workflow: WorkflowStatus, todo: bool) -> EntryStatus {
    match workflow {
        WorkflowStatus::Draft if todo => EntryStatus::Todo,
        WorkflowStatus::Draft => EntryStatus::Draft,
        WorkflowStatus::Complete => EntryStatus::Complete,
        WorkflowStatus::Reviewed => EntryStatus::Reviewed,
        WorkflowStatus::Returned => EntryStatus::Returned,
    }
}

impl Session {
    /// Opens (or creates) the survey at `path` with `passphrase`, with the system clock,
    /// UUIDv7 ids and the login name.
    pub fn unlock(path: &Path, passphrase: &str, create: bool) -> Result<Session, AppError> {
        Session::unlock_with(path, passphrase, create, Deps::system())
    }

    /// [`Session::unlock`] with the clock, id generator and actor given.
    pub fn unlock_with(
        path: &Path,
        passphrase: &str,
        create: bool,
        deps: Deps,
    ) -> Result<Session, AppError> {
        Session::unlock_as_with(path, None, passphrase, create, deps)
    }

    /// Opens the survey at `path` as `member` (a name or member id from
    /// [`crate::unlock_slots`]; `None` when the survey has one member), with the system
    /// clock, UUIDv7 ids and the login name (for a new survey, its first member).
    pub fn unlock_as(
        path: &Path,
        member: Option<&str>,
        passphrase: &str,
        create: bool,
    ) -> Result<Session, AppError> {
        Session::unlock_as_with(path, member, passphrase, create, Deps::system())
    }

    /// [`Session::unlock_as`] with the clock, id generator and actor given. An existing
    /// survey opens through `Store::open_as`, which also moves a survey from before key
    /// slots to them (its one passphrase becomes its first member's).
    pub fn unlock_as_with(
        path: &Path,
        member: Option<&str>,
        passphrase: &str,
        create: bool,
        deps: Deps,
    ) -> Result<Session, AppError> {
        let shown = path.display().to_string();
        let pass = Passphrase::new(passphrase);
        let map = |e: StoreError| match e {
            StoreError::WrongPassphrase { .. } => AppError::WrongPassphrase {
                path: shown.clone(),
            },
            StoreError::NotFound { .. } => AppError::SurveyNotFound {
                path: shown.clone(),
            },
            StoreError::AlreadyExists { .. } => AppError::SurveyExists {
                path: shown.clone(),
            },
            other => store_err(other),
        };
        super::reference::warm_up();
        let t0 = Instant::now();
        let kdf;
        let mut store = if create {
            // The person signed in is the survey's first member (a registrar).
            let first = toponym_store::NewMember::new(
                deps.actor.name.clone(),
                toponym_store::Role::Registrar,
            );
            let store = Store::create_survey(path, &first, &pass, KdfParams::production(), None)
                .map_err(map)?;
            kdf = store.open_timings().kdf;
            store
        } else {
            let member = member.map(str::trim).filter(|m| !m.is_empty());
            let store = Store::open_as(path, member, &pass).map_err(map)?;
            kdf = store.open_timings().kdf;
            store
        };
        store.set_clock(deps.clock.clone());
        // The unlocked member, when the survey has key slots (the store writes as them
        // anyway); the given actor for a survey from before members.
        let actor = store.actor_or(&deps.actor);
        let mut s = Session {
            store,
            path: path.to_owned(),
            catalog: Catalog::builtin(),
            romaniser: Romaniser::builtin(),
            clock: deps.clock,
            ids: deps.ids,
            actor,
            entries: Vec::new(),
            pos: HashMap::new(),
            cache: None,
            timings: UnlockTimings::default(),
            extent: None,
        };
        s.load_index()?;
        let counties: std::collections::BTreeSet<String> = s
            .entries
            .iter()
            .filter_map(|e| {
                e.township
                    .as_ref()
                    .and_then(|t| t.get(..6))
                    .map(str::to_owned)
            })
            .collect();
        s.extent = toponym_ops::save::survey_extent(&counties);
        super::remember_survey(path);
        s.timings = UnlockTimings {
            kdf,
            open: t0.elapsed().saturating_sub(kdf),
        };
        Ok(s)
    }

    /// How long the unlock took.
    pub fn unlock_timings(&self) -> UnlockTimings {
        self.timings
    }

    fn load_index(&mut self) -> Result<(), AppError> {
        let all = self
            .store
            .list(&toponym_store::ListFilter {
                limit: Some(usize::MAX),
                ..Default::default()
            })
            .map_err(store_err)?;
        self.entries = all.into_iter().map(Entry::from_summary).collect();
        self.pos = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i))
            .collect();
        self.cache = None;
        Ok(())
    }

    /// The open file and its size.
    pub fn info(&self) -> SurveyInfo {
        let n = self.entries.len() as u32;
        SurveyInfo {
            path: self.path.display().to_string(),
            record_count: n,
            entry_count: n,
            kdf_ms: self.timings.kdf.as_millis() as u32,
            open_ms: self.timings.open.as_millis() as u32,
            member: self.me(),
        }
    }

    /// Categories, templates and the townships of the survey area.
    pub fn catalog(&self) -> Result<CatalogDto, AppError> {
        let categories = self
            .catalog
            .categories()
            .iter()
            .map(|c| CategoryDto {
                id: c.id.clone(),
                name_zh: c.name_zh.clone(),
                name_en: c.name_en.clone(),
            })
            .collect();
        let templates = self.catalog.templates().iter().map(template_dto).collect();
        let counties: HashSet<String> = self
            .entries
            .iter()
            .filter_map(|e| e.township.as_ref().map(|t| t[..6].to_owned()))
            .collect();
        Ok(CatalogDto {
            categories,
            templates,
            townships: super::reference::townships_of(&counties),
        })
    }

    /// Progress by category, template and status.
    pub fn home_summary(&self) -> Result<HomeSummary, AppError> {
        let mut total = StatusCounts::default();
        let mut by_tpl: HashMap<&str, StatusCounts> = HashMap::new();
        for e in &self.entries {
            let st = e.status();
            total.bump(st);
            by_tpl.entry(e.template_id.as_str()).or_default().bump(st);
        }
        let mut categories = Vec::new();
        for c in self.catalog.categories() {
            let mut counts = StatusCounts::default();
            let mut templates = Vec::new();
            for t in self
                .catalog
                .templates()
                .iter()
                .filter(|t| t.category == c.id)
            {
                if let Some(tc) = by_tpl.get(t.id.as_str()) {
                    add_counts(&mut counts, tc);
                    templates.push(TemplateProgress {
                        template_id: t.id.clone(),
                        counts: tc.clone(),
                    });
                }
            }
            if counts.total() > 0 {
                categories.push(CategoryProgress {
                    category: c.id.clone(),
                    counts,
                    templates,
                });
            }
        }
        Ok(HomeSummary {
            survey: self.info(),
            total,
            categories,
        })
    }

    /// One window of the filtered investigation list.
    pub fn list_entries(
        &mut self,
        filter: &ListFilter,
        offset: u32,
        limit: u32,
    ) -> Result<ListPage, AppError> {
        let hit = matches!(&self.cache, Some((f, _)) if f == filter);
        if !hit {
            let sel = self.select(filter)?;
            self.cache = Some((filter.clone(), sel));
        }
        let sel = self.cache.as_ref().map(|c| c.1.as_slice()).unwrap_or(&[]);
        let rows = sel
            .iter()
            .skip(offset as usize)
            .take(limit.min(1000) as usize)
            .filter_map(|&i| self.entries.get(i))
            .map(|e| ListRow {
                id: e.id.to_string(),
                name: e.name.clone(),
                roman: e.roman.clone(),
                template_id: e.template_id.clone(),
                status: e.status(),
                township: e.township.clone(),
            })
            .collect();
        Ok(ListPage {
            total: sel.len() as u32,
            offset,
            rows,
        })
    }

    fn select(&self, f: &ListFilter) -> Result<Vec<usize>, AppError> {
        // Name or pinyin search goes through the store's name-key index.
        let allowed: Option<HashSet<RecordId>> =
            match f.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
                None => None,
                Some(q) => {
                    let hits = self
                        .store
                        .list(&toponym_store::ListFilter {
                            text: Some(q.to_owned()),
                            limit: Some(usize::MAX),
                            ..Default::default()
                        })
                        .map_err(store_err)?;
                    Some(hits.into_iter().map(|s| s.record_id).collect())
                }
            };
        Ok(self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| f.category.as_ref().is_none_or(|c| &e.category == c))
            .filter(|(_, e)| f.template_id.as_ref().is_none_or(|t| &e.template_id == t))
            .filter(|(_, e)| allowed.as_ref().is_none_or(|a| a.contains(&e.id)))
            .filter(|(_, e)| f.status.as_ref().is_none_or(|s| *s == e.status()))
            .filter(|(_, e)| {
                f.township
                    .as_ref()
                    .is_none_or(|t| e.township.as_ref() == Some(t))
            })
            .map(|(i, _)| i)
            .collect())
    }

    /// The generated form of a template.
    pub fn form_spec(&self, template_id: &str) -> Result<FormSpec, AppError> {
        let t = self
            .catalog
            .template(template_id)
            .ok_or_else(|| AppError::UnknownTemplate {
                id: template_id.to_owned(),
            })?;
        let fields = self.catalog.form_fields(template_id).unwrap_or(&[]);
        Ok(derive::form_spec(t, fields))
    }

    /// A blank record of a template (not stored until the first save).
    pub fn record_new(&self, template_id: &str) -> Result<OpenedRecord, AppError> {
        let mut r = self
            .catalog
            .new_record(template_id, self.ids.next_id(), self.clock.as_ref())
            .ok_or_else(|| AppError::UnknownTemplate {
                id: template_id.to_owned(),
            })?;
        r.fields
            .insert("registrar".into(), Value::String(self.actor.name.clone()));
        let findings = self.validate(&r);
        Ok(OpenedRecord {
            record: to_dto(&r, EntryStatus::Draft),
            findings,
        })
    }

    /// A stored record with its current findings.
    pub fn record_open(&self, id: &str) -> Result<OpenedRecord, AppError> {
        let rid = parse_id(id)?;
        let r = self
            .store
            .get_record(&rid)
            .map_err(store_err)?
            .ok_or_else(|| AppError::RecordNotFound { id: id.to_owned() })?;
        let st = self.status_of_record(&r);
        Ok(OpenedRecord {
            findings: self.validate(&r),
            record: to_dto(&r, st),
        })
    }

    fn status_of_record(&self, r: &Record) -> EntryStatus {
        status_of(r.workflow_status, r.text("registrar").is_none())
    }

    /// The rules a save runs with: the same as `toponym survey add` (the QA engine's
    /// record stage under the default profile, today from the session's clock, the
    /// survey's own area for S-1).
    pub(crate) fn rules(&self) -> SaveRules<'static> {
        SaveRules::standard(self.clock.as_ref(), self.extent)
    }

    fn validate(&self, r: &Record) -> Vec<FindingDto> {
        let mut dtos: Vec<FindingDto> =
            self.rules().check(r).iter().map(FindingDto::from).collect();
        self.mark_overridden(&r.record_id, &mut dtos);
        dtos
    }

    fn record_from_dto(&self, dto: RecordDto) -> Result<Record, AppError> {
        let record_id = parse_id(&dto.id)?;
        let old = self.store.get_record(&record_id).map_err(store_err)?;
        let mut fields = dto.fields;
        // The photo list is written by `media_attach` straight into the stored record; the
        // form never edits it, so the stored list wins over the form's (possibly older)
        // copy, or a save right after attaching a photo would drop it.
        if let Some(media) = old.as_ref().and_then(|o| o.fields.get("media")) {
            fields.insert("media".into(), media.clone());
        }
        let template = match old {
            Some(old) if old.template.id == dto.template_id => old.template,
            _ => self.catalog.template_ref(&dto.template_id).ok_or_else(|| {
                AppError::UnknownTemplate {
                    id: dto.template_id.clone(),
                }
            })?,
        };
        let mut r = Record {
            record_id,
            workflow_status: Default::default(),
            template,
            fields,
            geometry: dto.geometry.map(Geometry::from),
        };
        if let Some(t) = self.catalog.template(&r.template.id) {
            derive::fill_derived(&mut r, t.geometry);
        }
        Ok(r)
    }

    /// Live findings for a record being edited (nothing is stored): the findings a save
    /// of it would return.
    pub fn record_check(&self, dto: &RecordDto) -> Result<Vec<FindingDto>, AppError> {
        let mut r = self.record_from_dto(dto.clone())?;
        self.default_registrar(&mut r);
        Ok(self.validate(&r))
    }

    /// A record saved without 登记人 is registered by the person signed in.
    fn default_registrar(&self, r: &mut Record) {
        if r.text("registrar").is_none() {
            r.fields
                .insert("registrar".into(), Value::String(self.actor.name.clone()));
        }
    }

    /// Saves a draft, or marks the record complete when no ERROR or BLOCKER finding is
    /// open, through the one save path (`toponym_ops::save`, as `survey add`). A refused
    /// completion still saves the values as a draft (a returned record stays returned):
    /// nothing typed is lost.
    pub fn record_save(&mut self, dto: RecordDto, complete: bool) -> Result<SaveOutcome, AppError> {
        let previous = dto.status;
        let mut r = self.record_from_dto(dto)?;
        self.default_registrar(&mut r);
        r.workflow_status = if complete {
            WorkflowStatus::Complete
        } else if previous == EntryStatus::Returned {
            WorkflowStatus::Returned
        } else {
            WorkflowStatus::Draft
        };
        let id = r.record_id;
        let rules = self.rules();
        let saved = toponym_ops::save::save(
            &mut self.store,
            vec![r.into()],
            &self.actor,
            None,
            &rules,
            OnRefusal::KeepAsDraft,
        )?;
        self.index_put(&id)?;
        let judged = saved
            .records
            .into_iter()
            .next()
            .ok_or_else(|| AppError::RecordNotFound { id: id.to_string() })?;
        Ok(SaveOutcome {
            status: status_of(judged.status, false),
            findings: judged.findings.iter().map(FindingDto::from).collect(),
            refused: judged.refused,
        })
    }

    /// Refreshes one entry of the index from the store's listing columns, so the list
    /// shows exactly what a fresh unlock would.
    pub(crate) fn index_put(&mut self, id: &RecordId) -> Result<(), AppError> {
        let Some(summary) = self.store.summary(id).map_err(store_err)? else {
            return Ok(());
        };
        let e = Entry::from_summary(summary);
        match self.pos.get(id) {
            Some(&i) => self.entries[i] = e,
            None => {
                self.pos.insert(*id, self.entries.len());
                self.entries.push(e);
            }
        }
        self.cache = None;
        Ok(())
    }

    /// Live romanisation of a name for the form.
    pub fn romanise(&self, name: &str, template_id: &str, admin_code: Option<&str>) -> RomanDto {
        let req = Request {
            template_id: Some(template_id),
            admin_code,
            ..Request::new(name)
        };
        match self.romaniser.romanise(&req) {
            Outcome::Romanised {
                roman,
                roman_generic,
                flags,
                ..
            } => RomanDto {
                roman,
                roman_generic,
                polyphone: flags.iter().any(|f| f.code.contains("polyphone")),
                notes: flags
                    .iter()
                    .map(|f| MessageDto {
                        code: f.code.to_owned(),
                        params: BTreeMap::new(),
                        zh: f.reason_zh.clone(),
                        en: f.reason_en.clone(),
                    })
                    .collect(),
            },
            Outcome::ManualRequired { reason } | Outcome::Refused { reason, .. } => RomanDto {
                roman: String::new(),
                roman_generic: String::new(),
                polyphone: false,
                notes: vec![(&reason).into()],
            },
            #[allow(unreachable_patterns)]
            _ => RomanDto {
                roman: String::new(),
                roman_generic: String::new(),
                polyphone: false,
                notes: vec![],
            },
        }
    }

    /// Records whose names match, for a reference field (`water.*` patterns allowed).
    pub fn ref_search(&self, query: &str, templates: &[String]) -> Result<Vec<RefHit>, AppError> {
        let hits = self.store.search_names(query, 50).map_err(store_err)?;
        Ok(hits
            .into_iter()
            .filter(|h| {
                templates.is_empty()
                    || templates
                        .iter()
                        .any(|t| template_matches(t, &h.summary.template_id))
            })
            .take(20)
            .map(|h| RefHit {
                id: h.summary.record_id.to_string(),
                name: h.summary.standard_name.unwrap_or_default(),
                template_id: h.summary.template_id,
            })
            .collect())
    }

    /// Names of referenced records.
    pub fn ref_lookup(&self, ids: &[String]) -> Result<Vec<RefHit>, AppError> {
        let mut out = Vec::new();
        for id in ids {
            let Ok(rid) = id.parse::<RecordId>() else {
                continue;
            };
            if let Some(&i) = self.pos.get(&rid) {
                let e = &self.entries[i];
                out.push(RefHit {
                    id: id.clone(),
                    name: e.name.clone(),
                    template_id: e.template_id.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Who changed what and when, from the audit log (one entry per save).
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>, AppError> {
        let rid = parse_id(id)?;
        let log = self.store.history(&rid).map_err(store_err)?;
        let mut out: Vec<HistoryEntry> = Vec::new();
        for a in log {
            let at =
                a.at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
            let mut change = FieldChange {
                path: a.field.clone(),
                before: a.old_value.clone().unwrap_or(Value::Null),
                after: a.new_value.clone().unwrap_or(Value::Null),
            };
            let action = match a.field.as_str() {
                "*" => "create",
                f if f.starts_with("qa.") => "override",
                _ => "update",
            };
            // An accepted warning shows its rule, path and reason.
            if let (Value::Object(o), Some(reason)) = (&mut change.after, &a.reason) {
                if action == "override" {
                    o.insert("reason".into(), Value::String(reason.clone()));
                }
            }
            match out.last_mut() {
                Some(last)
                    if last.at == at
                        && last.actor == a.actor
                        && action == "update"
                        && last.action == "update" =>
                {
                    last.changes.push(change)
                }
                _ => out.push(HistoryEntry {
                    at,
                    actor: a.actor.clone(),
                    action: action.to_owned(),
                    changes: if action == "create" {
                        Vec::new()
                    } else {
                        vec![change]
                    },
                }),
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Photos of a record, with thumbnails.
    pub fn media_list(&self, record_id: &str) -> Result<Vec<MediaDto>, AppError> {
        let rid = parse_id(record_id)?;
        let Some(r) = self.store.get_record(&rid).map_err(store_err)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for item in r
            .fields
            .get("media")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(sha) = media_sha(item) else { continue };
            if let Some(m) = self.store.media(sha).map_err(store_err)? {
                out.push(media_dto(&m.info));
            }
        }
        Ok(out)
    }

    /// Stores a photo and lists it on the record.
    pub fn media_attach(
        &mut self,
        record_id: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<MediaDto, AppError> {
        let rid = parse_id(record_id)?;
        let mut r = self
            .store
            .get_record(&rid)
            .map_err(store_err)?
            .ok_or_else(|| AppError::RecordNotFound {
                id: record_id.to_owned(),
            })?;
        let info = self.store.add_media(bytes, file_name).map_err(store_err)?;
        if info.thumbnail.is_none() {
            return Err(AppError::BadPhoto {
                file: file_name.to_owned(),
                reason: "not a decodable JPEG or PNG image".into(),
            });
        }
        let list = r
            .fields
            .entry("media")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            if !items
                .iter()
                .any(|i| media_sha(i) == Some(info.sha256.as_str()))
            {
                let mut item = Map::new();
                item.insert("sha256".into(), Value::String(info.sha256.clone()));
                item.insert("file_name".into(), Value::String(info.file_name.clone()));
                if let Some(t) = &info.exif_time {
                    item.insert("shot_at".into(), Value::String(t.clone()));
                }
                if let Some(p) = info.exif_point {
                    item.insert("point".into(), json!(p));
                }
                items.push(Value::Object(item));
            }
        }
        let keys = toponym_ops::survey::search_keys(&r);
        self.store
            .put_record(&r, &self.actor, None, &keys)
            .map_err(store_err)?;
        Ok(media_dto(&info))
    }

    /// [`Session::media_attach`] with the bytes as base64 (how the webview sends them).
    pub fn media_attach_base64(
        &mut self,
        record_id: &str,
        file_name: &str,
        b64: &str,
    ) -> Result<MediaDto, AppError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| AppError::BadPhoto {
                file: file_name.to_owned(),
                reason: e.to_string(),
            })?;
        self.media_attach(record_id, file_name, &bytes)
    }

    /// Reference layers for the map.
    pub fn map_layers(&self) -> Result<MapLayers, AppError> {
        super::reference::map_layers()
    }

    /// The survey's records as GeoJSON (true geometry where there is one, else the
    /// representative point).
    pub fn map_records(&self) -> Result<Value, AppError> {
        let all = self
            .store
            .list(&toponym_store::ListFilter {
                limit: Some(usize::MAX),
                ..Default::default()
            })
            .map_err(store_err)?;
        let mut features = Vec::with_capacity(all.len());
        for s in all {
            let kind = self.catalog.template(&s.template_id).map(|t| t.geometry);
            let props = json!({ "id": s.record_id.to_string(), "name": s.standard_name, "template_id": s.template_id });
            let geometry = match kind {
                Some(GeometryKind::Line | GeometryKind::Polygon) => {
                    match self
                        .store
                        .get_record(&s.record_id)
                        .map_err(store_err)?
                        .and_then(|r| r.geometry)
                    {
                        Some(g) => serde_json::to_value(&g).unwrap_or(Value::Null),
                        None => s
                            .rep_point
                            .map(|p| json!({"type": "Point", "coordinates": p}))
                            .unwrap_or(Value::Null),
                    }
                }
                _ => s
                    .rep_point
                    .map(|p| json!({"type": "Point", "coordinates": p}))
                    .unwrap_or(Value::Null),
            };
            if !geometry.is_null() {
                features
                    .push(json!({ "type": "Feature", "properties": props, "geometry": geometry }));
            }
        }
        Ok(json!({ "type": "FeatureCollection", "features": features }))
    }
}

fn add_counts(a: &mut StatusCounts, b: &StatusCounts) {
    a.todo += b.todo;
    a.draft += b.draft;
    a.complete += b.complete;
    a.reviewed += b.reviewed;
    a.returned += b.returned;
}

fn template_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => pattern == id,
    }
}

fn media_sha(item: &Value) -> Option<&str> {
    item.get("sha256").and_then(Value::as_str)
}

fn media_dto(m: &toponym_store::MediaInfo) -> MediaDto {
    let thumb = m
        .thumbnail
        .as_ref()
        .map(|t| {
            format!(
                "data:image/jpeg;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(t)
            )
        })
        .unwrap_or_default();
    MediaDto {
        id: m.sha256.clone(),
        file_name: m.file_name.clone(),
        thumbnail: thumb,
    }
}

pub(super) fn template_dto(t: &toponym_forms::Template) -> TemplateDto {
    TemplateDto {
        id: t.id.clone(),
        name_zh: t.name_zh.clone(),
        name_en: t.name_en.clone(),
        category: t.category.clone(),
        geometry: t.geometry.as_str().to_owned(),
    }
}

fn to_dto(r: &Record, status: EntryStatus) -> RecordDto {
    RecordDto {
        id: r.record_id.to_string(),
        template_id: r.template.id.clone(),
        status,
        fields: r.fields.clone(),
        geometry: r.geometry.as_ref().map(GeometryDto::from),
    }
}

/// The surveyor's name for the audit log: `TOPONYM_USER`, else the login name.
fn surveyor_name() -> String {
    ["TOPONYM_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "surveyor".to_owned())
}
