//! The linking index: prepared records, the key blocks, the spatial grid and the clusters, kept
//! between batches so that a new batch costs time in proportion to its own size
//! (dedup.md §9; issue 16 item 5).
//!
//! Candidate generation never compares everything. Each record puts its keys (base name,
//! specific part, 家/子 skeleton, pinyin, alias and former names) into one sorted array of
//! `(key hash, 0.1° cell, record)` entries; a pair is a candidate when two records share a
//! key in the same or a neighbouring cell (≥ 9 km, the longest reach of any radius), and a
//! record without coordinates meets every record of its key in its county. Spatial
//! neighbours come from a grid of cells over the points, within each template's radius,
//! and are kept only when a name or decisive signal can fire. A new batch looks its entries
//! up in the sorted array (binary search), is merged into it (one linear pass), and its
//! points are merged into the grid's sorted cell list.
//!
//! Clustering is a union-find whose every union is checked against the blocking rules for
//! all cross pairs of the two clusters, so no cluster ever holds two records a blocking
//! rule separates (a committee and its natural village, 前王庄 and 后王庄).

use rustc_hash::FxHashMap;
use serde::Serialize;
use toponym_romanise::Romaniser;

use crate::geom;
use crate::observation::Observation;
use crate::record::{self, Extra, PinyinCache, Prepared, Rec};
use crate::score::{self, Block, Decision, Evaluation, View};
use crate::tables::{Compat, Kind, Tables};

const NO_CELL: u32 = u32::MAX;
/// Groups up to this size compare all their pairs (with a cell-distance check).
const SMALL_GROUP: usize = 24;
/// Spatial queries search 10 % beyond a template's radius and tolerances.
const SPATIAL_SLACK: f64 = 1.1;
/// Entries of one worker's pinyin cache before it is emptied.
const PINYIN_CACHE_MAX: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: u64,
    cell: u32,
    rec: u32,
}

fn cell_of(p: [f64; 2]) -> u32 {
    if p[0].is_nan() {
        return NO_CELL;
    }
    let x = ((p[0] * 10.0).floor() as i64 + 1800).clamp(0, 4095) as u32;
    let y = ((p[1] * 10.0).floor() as i64 + 900).clamp(0, 4095) as u32;
    (x << 12) | y
}

fn cells_adjacent(a: u32, b: u32) -> bool {
    let (ax, ay) = ((a >> 12) as i64, (a & 0xfff) as i64);
    let (bx, by) = ((b >> 12) as i64, (b & 0xfff) as i64);
    (ax - bx).abs() <= 1 && (ay - by).abs() <= 1
}

fn neighbour_cells(c: u32) -> impl Iterator<Item = u32> {
    let (x, y) = ((c >> 12) as i64, (c & 0xfff) as i64);
    (-1..=1).flat_map(move |dx| {
        (-1..=1).filter_map(move |dy| {
            let (nx, ny) = (x + dx, y + dy);
            ((0..4096).contains(&nx) && (0..4096).contains(&ny))
                .then_some(((nx as u32) << 12) | ny as u32)
        })
    })
}

/// How review-band pairs are treated when clusters are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewPolicy {
    /// Review pairs stay in the queue; clusters hold automatic links only.
    #[default]
    Queue,
    /// A stand-in for a reviewer in unattended batch runs (our proposal): a review pair is
    /// accepted when template and location agree, no `?` wildcard is involved, and it is
    /// the best review pair of at least one of its records. Blocking rules still hold.
    BestReview,
}

/// What became of a scored pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Linked automatically (decisive signal, or name, template and location agree).
    AutoLink,
    /// Review band, accepted by [`ReviewPolicy::BestReview`].
    AcceptedReview,
    /// Review band, left for a person.
    Review,
    /// Would have linked, but the clusters would then hold a blocked pair (or grow too
    /// large): left for a person.
    HeldByCluster,
    /// Distinct look-alike with a suggested relation.
    LookAlike,
}

/// One pair of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pair {
    /// Record index (order of arrival).
    pub a: u32,
    /// Record index.
    pub b: u32,
    /// Score.
    pub score: f32,
    /// What became of it.
    pub outcome: Outcome,
}

/// A note on an input record that could not be matched normally (never an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Record index.
    pub record: u32,
    /// Stable code.
    pub code: &'static str,
    /// English text.
    pub message: String,
}

/// Counts of one linking run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Records linked in this run.
    pub records: usize,
    /// Candidate pairs from key blocks and spatial neighbours (after de-duplication).
    pub candidates: usize,
    /// Pairs with any name or decisive signal.
    pub scored: usize,
    /// Automatic links.
    pub auto_links: usize,
    /// Review pairs accepted by policy.
    pub accepted_reviews: usize,
    /// Review pairs left in the queue.
    pub reviews: usize,
    /// Links held back by the clustering constraint.
    pub held: usize,
    /// Look-alikes with a suggested relation.
    pub look_alikes: usize,
    /// Seconds spent in each stage (blocks, spatial, score, decide), for the benchmark.
    pub stage_seconds: [f64; 4],
}

/// The points on a grid of cells `cell_m` metres high and `cell_m` metres of longitude at
/// the equator wide (a degree grid, so the cell of a point never depends on another point's
/// latitude), for the spatial candidate stage: a neighbour within `r` metres lies at most
/// `ceil(r / cell_m)` cells north or south and `ceil(r / (cell_m · cos φ))` cells east or
/// west, φ the largest latitude within reach. Points are kept sorted by cell (a new batch is
/// merged in, one linear pass) with a map from each cell to its run, so a query is a few hash
/// look-ups and a scan of the points of nearby cells.
struct Grid {
    cell_m: f64,
    /// (cell key, record), sorted.
    pts: Vec<(u64, u32)>,
    /// Cell key → run of `pts`.
    runs: FxHashMap<u64, (u32, u32)>,
}

impl Grid {
    fn cell(&self, p: [f64; 2]) -> (i64, i64) {
        (
            (p[0] * geom::M_PER_DEG_LON / self.cell_m).floor() as i64,
            (p[1] * geom::M_PER_DEG_LAT / self.cell_m).floor() as i64,
        )
    }

    /// Cells to search east/west and north/south of a point for neighbours within `r` m.
    fn rings(&self, p: [f64; 2], r: f64) -> (i64, i64) {
        let far = (p[1].abs() + r / geom::M_PER_DEG_LAT).min(89.0);
        let cos = far.to_radians().cos().max(0.05);
        (
            (r / (self.cell_m * cos)).ceil().max(1.0) as i64,
            (r / self.cell_m).ceil().max(1.0) as i64,
        )
    }

    fn key(cx: i64, cy: i64) -> u64 {
        ((cx as i32 as u32 as u64) << 32) | cy as i32 as u32 as u64
    }

    fn unkey(k: u64) -> (i64, i64) {
        (
            i64::from((k >> 32) as u32 as i32),
            i64::from(k as u32 as i32),
        )
    }

    /// Adds the points of records `first..` and returns the batch's own sorted
    /// (cell, record) list.
    fn add(&mut self, recs: &[Rec], first: u32) -> Vec<(u64, u32)> {
        let mut batch: Vec<(u64, u32)> = (first..recs.len() as u32)
            .filter(|&i| recs[i as usize].has_point())
            .map(|i| {
                let (cx, cy) = self.cell(recs[i as usize].p);
                (Self::key(cx, cy), i)
            })
            .collect();
        batch.sort_unstable();
        self.pts = merge_sorted(std::mem::take(&mut self.pts), batch.clone());
        self.runs.clear();
        self.runs.reserve(self.pts.len() / 2);
        let mut lo = 0;
        while lo < self.pts.len() {
            let k = self.pts[lo].0;
            let mut hi = lo + 1;
            while hi < self.pts.len() && self.pts[hi].0 == k {
                hi += 1;
            }
            self.runs.insert(k, (lo as u32, hi as u32));
            lo = hi;
        }
        batch
    }

    fn run(&self, cx: i64, cy: i64) -> &[(u64, u32)] {
        match self.runs.get(&Self::key(cx, cy)) {
            Some(&(lo, hi)) => &self.pts[lo as usize..hi as usize],
            None => &[],
        }
    }
}

/// The linking index.
pub struct Index {
    tables: Tables,
    romaniser: &'static Romaniser,
    policy: ReviewPolicy,
    threads: usize,
    recs: Vec<Rec>,
    ids: String,
    id_ends: Vec<u32>,
    arena: String,
    aliases: Vec<u64>,
    extras: Vec<Extra>,
    entries: Vec<Entry>,
    grid: Grid,
    /// Per worker: pinyin key hash by base-key hash, kept between pushes.
    caches: Vec<PinyinCache>,
    /// Records pushed but not yet linked start here.
    linked: usize,
    parent: Vec<u32>,
    next: Vec<u32>,
    size: Vec<u32>,
    best_review: Vec<f32>,
    pairs: Vec<Pair>,
    notes: Vec<Note>,
    /// Per template: the largest radius of any template it can be compared with.
    query_radius: Vec<f64>,
}

impl Index {
    /// An empty index over the given tables.
    pub fn new(tables: Tables, policy: ReviewPolicy) -> Self {
        let n = tables.templates.len();
        let mut query_radius = vec![0.0; n];
        for (i, q) in query_radius.iter_mut().enumerate() {
            *q = (0..n)
                .filter(|&j| tables.compat(i as u16, j as u16) != Compat::Incompatible)
                .map(|j| tables.templates[j].radius_m)
                .fold(tables.templates[i].radius_m, f64::max)
                .min(tables.weights.blocks.spatial_max_m);
        }
        // Cells as large as the usual query radius (the largest template radius searched,
        // with the default tolerance): most queries look at the 3 × 3 cells around a point.
        let cell_m = ((tables.weights.blocks.spatial_max_m
            + 2.0 * tables.weights.distance.default_tolerance_m)
            * SPATIAL_SLACK)
            .max(1.0);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        Index {
            tables,
            romaniser: Romaniser::builtin(),
            policy,
            threads,
            recs: Vec::new(),
            ids: String::new(),
            id_ends: Vec::new(),
            arena: String::new(),
            aliases: Vec::new(),
            extras: Vec::new(),
            entries: Vec::new(),
            grid: Grid {
                cell_m,
                pts: Vec::new(),
                runs: FxHashMap::default(),
            },
            caches: Vec::new(),
            linked: 0,
            parent: Vec::new(),
            next: Vec::new(),
            size: Vec::new(),
            best_review: Vec::new(),
            pairs: Vec::new(),
            notes: Vec::new(),
            query_radius,
        }
    }

    /// Sets the number of worker threads (default: the machine's parallelism, at most 8).
    pub fn with_threads(mut self, n: usize) -> Self {
        self.threads = n.max(1);
        self
    }

    /// The tables in use.
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// No records yet.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// The caller's id of record `i`.
    pub fn id(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 {
            0
        } else {
            self.id_ends[i - 1] as usize
        };
        &self.ids[start..self.id_ends[i] as usize]
    }

    /// Every pair of the plan so far (links, accepted and open reviews, held links,
    /// look-alikes), in the order they were decided.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// Notes on records that could not be matched normally.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    fn view(&self) -> View<'_> {
        View {
            recs: &self.recs,
            arena: &self.arena,
            aliases: &self.aliases,
            extras: &self.extras,
        }
    }

    /// Re-evaluates a pair with every signal, value and weight: the explanation of a link.
    pub fn explain(&self, a: u32, b: u32) -> Evaluation {
        let v = self.view();
        score::evaluate(&self.tables, &v, a, b, true).unwrap_or(Evaluation {
            score: 0.0,
            decision: Decision::Distinct,
            hits: Vec::new(),
            block: None,
            decisive: false,
            agrees: false,
            located: false,
            relation: None,
            acceptable: false,
        })
    }

    /// Prepares and stages observations (keys, pinyin, arenas) without linking them yet;
    /// call [`Index::link`] after the last push. Pushing in chunks keeps a reader's memory
    /// flat.
    pub fn push(&mut self, obs: &[Observation]) {
        let t = &self.tables;
        let rom = self.romaniser;
        let chunk = obs.len().div_ceil(self.threads).max(1);
        let parts = obs.len().div_ceil(chunk);
        if self.caches.len() < parts {
            self.caches.resize_with(parts, PinyinCache::default);
        }
        let caches = &mut self.caches;
        let prepared: Vec<Vec<Prepared>> = std::thread::scope(|s| {
            let handles: Vec<_> = obs
                .chunks(chunk)
                .zip(caches.iter_mut())
                .map(|(part, cache)| {
                    s.spawn(move || {
                        // The pinyin of a base key is kept between pushes (common names
                        // recur in every chunk), up to a bound.
                        if cache.len() > PINYIN_CACHE_MAX {
                            cache.clear();
                        }
                        part.iter()
                            .map(|o| record::prepare(t, rom, cache, o))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for p in prepared.into_iter().flatten() {
            self.append(p);
        }
    }

    fn append(&mut self, p: Prepared) {
        let idx = self.recs.len() as u32;
        let mut rec = p.rec;
        let off = self.arena.len() as u32;
        self.arena.push_str(&p.base);
        rec.base = (off, p.base.len() as u16);
        if p.spec == p.base {
            rec.spec = rec.base;
        } else {
            let off = self.arena.len() as u32;
            self.arena.push_str(&p.spec);
            rec.spec = (off, p.spec.len() as u16);
        }
        rec.aliases = (self.aliases.len() as u32, p.alias_h.len() as u16);
        self.aliases.extend_from_slice(&p.alias_h);
        if let Some(e) = p.extra {
            rec.extra = self.extras.len() as u32;
            self.extras.push(e);
        }
        self.ids.push_str(&p.id);
        self.id_ends.push(self.ids.len() as u32);
        if p.unknown_template {
            self.notes.push(Note {
                record: idx,
                code: "dedup.unknown_template",
                message: "unknown template id: matched by nothing, kept as its own cluster"
                    .to_string(),
            });
            rec.base_h = 0;
            rec.p = [f64::NAN, f64::NAN];
        }
        self.recs.push(rec);
        self.parent.push(idx);
        self.next.push(idx);
        self.size.push(1);
        self.best_review.push(0.0);
    }

    fn entries_of(&self, i: u32, out: &mut Vec<Entry>) {
        let r = &self.recs[i as usize];
        if r.base_h == 0 {
            return; // unknown template
        }
        // A record with a line is also found at its endpoints' cells (a river's stretches
        // meet at a county line far from either representative point).
        let mut cells = vec![cell_of(r.p)];
        if let Some(line) = self
            .extras
            .get(r.extra as usize)
            .and_then(|e| e.line.as_deref())
        {
            for p in [line.first(), line.last()].into_iter().flatten() {
                let c = cell_of(*p);
                if !cells.contains(&c) {
                    cells.push(c);
                }
            }
        }
        let mut push = |key: u64| {
            if key != 0 {
                for &cell in &cells {
                    out.push(Entry { key, cell, rec: i });
                }
            }
        };
        let base = &self.arena[r.base.0 as usize..(r.base.0 + r.base.1 as u32) as usize];
        let spec = &self.arena[r.spec.0 as usize..(r.spec.0 + r.spec.1 as u32) as usize];
        if !r.wildcard {
            push(r.base_h);
            if r.spec_h != r.base_h && spec.chars().count() >= self.tables.specific_min_chars {
                push(r.spec_h);
            }
            if r.skel_h != r.base_h {
                push(r.skel_h);
            }
        }
        let _ = base;
        push(r.pinyin_h);
        for &h in &self.aliases[r.aliases.0 as usize..r.aliases.0 as usize + r.aliases.1 as usize] {
            push(h);
        }
    }

    /// Links every staged record against the index and each other, updates the clusters and
    /// returns the counts of this run.
    pub fn link(&mut self) -> Stats {
        let first = self.linked as u32;
        let last = self.recs.len() as u32;
        if first == last {
            return Stats::default();
        }
        let clock = std::time::Instant::now();
        let mut lap = [0.0f64; 4];
        // 1. Entries of the batch, sorted.
        let mut batch: Vec<Entry> = Vec::with_capacity((last - first) as usize * 4);
        for i in first..last {
            self.entries_of(i, &mut batch);
        }
        batch.sort_unstable();

        // 2. Candidate pairs: batch × batch (groups), batch × index (binary search).
        let mut cand: Vec<u64> = Vec::new();
        self.group_pairs(&batch, &mut cand);
        if !self.entries.is_empty() {
            self.lookup_pairs(&batch, &mut cand);
        }

        lap[0] = clock.elapsed().as_secs_f64();
        // 3. Spatial neighbours on the grid.
        let batch_pts = self.grid.add(&self.recs, first);
        self.spatial_pairs(first, &batch_pts, &mut cand);
        drop(batch_pts);
        cand.sort_unstable();
        cand.dedup();

        lap[1] = clock.elapsed().as_secs_f64();

        // 5. Merge the batch's entries into the index (one linear pass), then count how
        // many records share each new line record's name nearby (before scoring).
        self.entries = merge_sorted(std::mem::take(&mut self.entries), batch);
        for i in first..last {
            if self.tables.templates[self.recs[i as usize].template as usize].kind == Kind::Line {
                let c = self.crowd(i);
                self.recs[i as usize].crowd = c;
            }
        }
        self.linked = last as usize;
        // 4. Score.
        let (scored, n_scored) = self.score_pairs(&cand);
        let n_cand = cand.len();
        drop(cand);
        lap[2] = clock.elapsed().as_secs_f64();

        // 6. Decide and cluster.
        let mut stats = Stats {
            records: (last - first) as usize,
            candidates: n_cand,
            scored: n_scored,
            ..Stats::default()
        };
        self.decide(scored, &mut stats);
        let end = clock.elapsed().as_secs_f64();
        stats.stage_seconds = [lap[0], lap[1] - lap[0], lap[2] - lap[1], end - lap[2]];
        stats
    }

    /// Entries with record `i`'s base key in its cell and the eight around it.
    fn crowd(&self, i: u32) -> u16 {
        let r = &self.recs[i as usize];
        let cell = cell_of(r.p);
        if cell == NO_CELL || r.base_h == 0 {
            return 0;
        }
        let idx = &self.entries;
        let lo = idx.partition_point(|x| x.key < r.base_h);
        let hi = lo + idx[lo..].partition_point(|x| x.key == r.base_h);
        let g = &idx[lo..hi];
        let mut n = 0usize;
        for c in neighbour_cells(cell) {
            let s = g.partition_point(|x| x.cell < c);
            n += g[s..].iter().take_while(|x| x.cell == c).count();
        }
        n.min(u16::MAX as usize) as u16
    }

    fn group_pairs(&self, entries: &[Entry], out: &mut Vec<u64>) {
        let mut lo = 0;
        while lo < entries.len() {
            let key = entries[lo].key;
            let mut hi = lo + 1;
            while hi < entries.len() && entries[hi].key == key {
                hi += 1;
            }
            let g = &entries[lo..hi];
            if g.len() > 1 {
                self.pairs_in_group(g, out);
            }
            lo = hi;
        }
    }

    fn pairs_in_group(&self, g: &[Entry], out: &mut Vec<u64>) {
        let push = |out: &mut Vec<u64>, a: u32, b: u32| {
            if a != b {
                let (x, y) = if a < b { (a, b) } else { (b, a) };
                out.push(((x as u64) << 32) | y as u64);
            }
        };
        // Entries without a cell sort last.
        let split = g.partition_point(|e| e.cell != NO_CELL);
        let (located, unlocated) = g.split_at(split);
        if located.len() <= SMALL_GROUP {
            for (k, e) in located.iter().enumerate() {
                for f in &located[k + 1..] {
                    if cells_adjacent(e.cell, f.cell) {
                        push(out, e.rec, f.rec);
                    }
                }
            }
        } else {
            // Runs of one cell each; every run meets its own cell and the neighbouring
            // cells after it (a binary search over the runs, not over the entries).
            let mut runs: Vec<(u32, usize, usize)> = Vec::new();
            let mut lo = 0;
            while lo < located.len() {
                let c = located[lo].cell;
                let mut hi = lo + 1;
                while hi < located.len() && located[hi].cell == c {
                    hi += 1;
                }
                runs.push((c, lo, hi));
                lo = hi;
            }
            for &(cell, lo, hi) in &runs {
                let own = &located[lo..hi];
                for (k, e) in own.iter().enumerate() {
                    for f in &own[k + 1..] {
                        push(out, e.rec, f.rec);
                    }
                }
                for c in neighbour_cells(cell) {
                    if c <= cell {
                        continue;
                    }
                    if let Ok(r) = runs.binary_search_by_key(&c, |x| x.0) {
                        let (_, flo, fhi) = runs[r];
                        for e in own {
                            for f in &located[flo..fhi] {
                                push(out, e.rec, f.rec);
                            }
                        }
                    }
                }
            }
        }
        // A record without coordinates meets every record of its key in its county.
        for (k, u) in unlocated.iter().enumerate() {
            let cu = self.recs[u.rec as usize].county;
            for e in located.iter().chain(&unlocated[k + 1..]) {
                let ce = self.recs[e.rec as usize].county;
                if cu == 0 || ce == 0 || cu == ce {
                    push(out, u.rec, e.rec);
                }
            }
        }
    }

    fn lookup_pairs(&self, batch: &[Entry], out: &mut Vec<u64>) {
        let idx = &self.entries;
        for e in batch {
            let lo = idx.partition_point(|x| x.key < e.key);
            let hi = lo + idx[lo..].partition_point(|x| x.key == e.key);
            if lo == hi {
                continue;
            }
            let g = &idx[lo..hi];
            let push = |out: &mut Vec<u64>, other: u32| {
                let (x, y) = if e.rec < other {
                    (e.rec, other)
                } else {
                    (other, e.rec)
                };
                out.push(((x as u64) << 32) | y as u64);
            };
            let cu = self.recs[e.rec as usize].county;
            let county_ok = |r: u32| {
                let c = self.recs[r as usize].county;
                cu == 0 || c == 0 || c == cu
            };
            if e.cell == NO_CELL {
                for f in g {
                    if county_ok(f.rec) {
                        push(out, f.rec);
                    }
                }
                continue;
            }
            for c in neighbour_cells(e.cell) {
                let s = g.partition_point(|x| x.cell < c);
                for f in g[s..].iter().take_while(|x| x.cell == c) {
                    push(out, f.rec);
                }
            }
            let s = g.partition_point(|x| x.cell < NO_CELL);
            for f in &g[s..] {
                if county_ok(f.rec) {
                    push(out, f.rec);
                }
            }
        }
    }

    /// The search radius of a record (metres).
    fn search_radius(&self, i: u32) -> f64 {
        let r = &self.recs[i as usize];
        (self.query_radius[r.template as usize] + 2.0 * f64::from(r.tolerance_m)) * SPATIAL_SLACK
    }

    /// Pairs of a batch record and a point within its search radius (any record) whose
    /// templates are compatible and that [`score::may_score`]: neighbours no key shares
    /// (one edit, `?`, graphic confusion). Two batch records are a pair when either lies in
    /// the other's radius; the one with the larger radius (then the lower index) reports it.
    fn spatial_pairs(&self, first: u32, batch: &[(u64, u32)], out: &mut Vec<u64>) {
        let t = &self.tables;
        let grid = &self.grid;
        let v = self.view();
        let v = &v;
        // Runs of one cell each.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut lo = 0;
        while lo < batch.len() {
            let mut hi = lo + 1;
            while hi < batch.len() && batch[hi].0 == batch[lo].0 {
                hi += 1;
            }
            groups.push((lo, hi));
            lo = hi;
        }
        let chunk = groups.len().div_ceil(self.threads).max(1);
        let parts: Vec<Vec<u64>> = std::thread::scope(|s| {
            let handles: Vec<_> = groups
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        let mut v_out = Vec::new();
                        let mut near: Vec<&[(u64, u32)]> = Vec::new();
                        for &(lo, hi) in part {
                            let group = &batch[lo..hi];
                            let (cx, cy) = Grid::unkey(group[0].0);
                            let radii: Vec<f64> =
                                group.iter().map(|&(_, i)| self.search_radius(i)).collect();
                            let (mut kx, mut ky) = (1, 1);
                            for (&(_, i), &r) in group.iter().zip(&radii) {
                                let (x, y) = grid.rings(self.recs[i as usize].p, r);
                                kx = kx.max(x);
                                ky = ky.max(y);
                            }
                            near.clear();
                            for dx in -kx..=kx {
                                for dy in -ky..=ky {
                                    let run = grid.run(cx + dx, cy + dy);
                                    if !run.is_empty() {
                                        near.push(run);
                                    }
                                }
                            }
                            for (&(_, i), &ri) in group.iter().zip(&radii) {
                                let pi = self.recs[i as usize].p;
                                // Cheap bounds in degrees before the distance.
                                let dlat = ri / geom::M_PER_DEG_LAT;
                                let far = (pi[1].abs() + dlat).min(89.0);
                                let dlon =
                                    ri / (geom::M_PER_DEG_LON * far.to_radians().cos().max(0.05));
                                let ti = self.recs[i as usize].template;
                                for run in &near {
                                    for &(_, j) in *run {
                                        if j == i {
                                            continue;
                                        }
                                        if j >= first {
                                            let rj = self.search_radius(j);
                                            if rj > ri || (rj == ri && j < i) {
                                                continue; // j reports it
                                            }
                                        }
                                        let pj = self.recs[j as usize].p;
                                        if (pj[1] - pi[1]).abs() > dlat
                                            || (pj[0] - pi[0]).abs() > dlon
                                            || geom::distance_m(pi, pj) > ri
                                        {
                                            continue;
                                        }
                                        let tj = self.recs[j as usize].template;
                                        if t.compat(ti, tj) == Compat::Incompatible {
                                            continue;
                                        }
                                        if !score::may_score(t, v, i, j) {
                                            continue;
                                        }
                                        let (x, y) = if i < j { (i, j) } else { (j, i) };
                                        v_out.push(((x as u64) << 32) | y as u64);
                                    }
                                }
                            }
                        }
                        v_out
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for p in parts {
            out.extend(p);
        }
    }

    /// The pairs that enter the plan (links, reviews, look-alikes) and the number of pairs
    /// scored at all.
    fn score_pairs(&self, cand: &[u64]) -> (Vec<Scored>, usize) {
        let t = &self.tables;
        let v = self.view();
        let v = &v;
        let chunk = cand.len().div_ceil(self.threads).max(1);
        let parts: Vec<(Vec<Scored>, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = cand
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        let mut out = Vec::new();
                        let mut n = 0usize;
                        for &p in part {
                            let (a, b) = ((p >> 32) as u32, p as u32);
                            if let Some(e) = score::evaluate(t, v, a, b, false) {
                                n += 1;
                                // A distinct pair without a suggested relation leaves no
                                // trace in the plan: only counted.
                                if e.decision == Decision::Distinct && e.relation.is_none() {
                                    continue;
                                }
                                out.push(Scored {
                                    a,
                                    b,
                                    score: e.score,
                                    decision: e.decision,
                                    decisive: e.decisive,
                                    acceptable: e.acceptable,
                                    look_alike: e.relation.is_some(),
                                });
                            }
                        }
                        (out, n)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let n = parts.iter().map(|p| p.1).sum();
        (parts.into_iter().flat_map(|p| p.0).collect(), n)
    }

    fn decide(&mut self, scored: Vec<Scored>, stats: &mut Stats) {
        // Best review score per record (this run's pairs update the running maximum).
        for s in &scored {
            if s.decision == Decision::Review && s.acceptable {
                for r in [s.a, s.b] {
                    let b = &mut self.best_review[r as usize];
                    *b = b.max(s.score);
                }
            }
        }
        let mut links: Vec<(Scored, Outcome)> = Vec::new();
        for s in scored {
            match s.decision {
                Decision::AutoLink => links.push((s, Outcome::AutoLink)),
                Decision::Review => {
                    let best = s.score >= self.best_review[s.a as usize]
                        || s.score >= self.best_review[s.b as usize];
                    if self.policy == ReviewPolicy::BestReview && s.acceptable && best {
                        links.push((s, Outcome::AcceptedReview));
                    } else {
                        stats.reviews += 1;
                        self.pairs.push(Pair {
                            a: s.a,
                            b: s.b,
                            score: s.score,
                            outcome: Outcome::Review,
                        });
                    }
                }
                Decision::Distinct => {
                    if s.look_alike {
                        stats.look_alikes += 1;
                        self.pairs.push(Pair {
                            a: s.a,
                            b: s.b,
                            score: s.score,
                            outcome: Outcome::LookAlike,
                        });
                    }
                }
            }
        }
        // Strongest first: decisive, then automatic, then by score; ties by index.
        links.sort_by(|(x, ox), (y, oy)| {
            y.decisive
                .cmp(&x.decisive)
                .then(ox.cmp(oy))
                .then(y.score.total_cmp(&x.score))
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        for (s, outcome) in links {
            let weak = outcome == Outcome::AcceptedReview;
            let joined = self.union(s.a, s.b, s.decisive, weak);
            let outcome = if joined {
                outcome
            } else {
                Outcome::HeldByCluster
            };
            match outcome {
                Outcome::AutoLink => stats.auto_links += 1,
                Outcome::AcceptedReview => stats.accepted_reviews += 1,
                _ => stats.held += 1,
            }
            self.pairs.push(Pair {
                a: s.a,
                b: s.b,
                score: s.score,
                outcome,
            });
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    fn members(&self, root: u32) -> Vec<u32> {
        let mut out = vec![root];
        let mut x = self.next[root as usize];
        while x != root {
            out.push(x);
            x = self.next[x as usize];
        }
        out
    }

    /// Joins the clusters of `a` and `b` unless a blocking rule separates any cross pair
    /// (a decisive link overrides only the blocks of its own pair) or the cluster would
    /// grow beyond the limit. A `weak` link (a review pair accepted by policy) joins only clusters whose every cross
    /// pair would itself be linked or acceptable: what a reviewer looking at both clusters
    /// would require (a neighbour's resurvey near a 张家庄 does not pull in 张庄).
    fn union(&mut self, a: u32, b: u32, decisive: bool, weak: bool) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        let total = self.size[ra as usize] + self.size[rb as usize];
        if total as usize > self.tables.weights.cluster.max_size {
            return false;
        }
        let (ma, mb) = (self.members(ra), self.members(rb));
        {
            let v = self.view();
            for &x in &ma {
                for &y in &mb {
                    if decisive && (x, y) == (a, b) {
                        continue;
                    }
                    if let Some(e) = score::evaluate(&self.tables, &v, x, y, true) {
                        if e.block.is_some() && !e.decisive {
                            return false;
                        }
                        if weak && !(e.acceptable || e.decision == Decision::AutoLink) {
                            return false;
                        }
                    }
                }
            }
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] = total;
        self.next.swap(big as usize, small as usize);
        true
    }

    /// The cluster of every record: the index of its smallest member.
    pub fn clusters(&mut self) -> Vec<u32> {
        let n = self.recs.len();
        let mut min_of_root = vec![u32::MAX; n];
        let mut roots = Vec::with_capacity(n);
        for i in 0..n as u32 {
            let r = self.find(i);
            roots.push(r);
            let m = &mut min_of_root[r as usize];
            *m = (*m).min(i);
        }
        roots.into_iter().map(|r| min_of_root[r as usize]).collect()
    }

    /// Whether a blocking rule separates two records (for tests and callers' checks).
    pub fn blocked(&self, a: u32, b: u32) -> Option<Block> {
        let v = self.view();
        score::evaluate(&self.tables, &v, a, b, true).and_then(|e| e.block)
    }
}

#[derive(Debug, Clone, Copy)]
struct Scored {
    a: u32,
    b: u32,
    score: f32,
    decision: Decision,
    decisive: bool,
    acceptable: bool,
    look_alike: bool,
}

fn merge_sorted<T: Ord + Copy>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
