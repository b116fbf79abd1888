//! The data the engine runs on, loaded from `schemas/dedup/` (and the generic dictionary of
//! `schemas/romanisation/templates.json`): stand-in notations, traditional/variant folds with
//! the do-not-fold list, look-alikes, key rules, templates with radii and compatibility, and
//! the signal weights and bands. Data is data (STYLE.md habit 3): nothing here is a constant
//! in code, and every file carries `id`, `version`, `format_version` and `source`.

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::DedupError;

/// The text of every table file, by file name. [`Sources::builtin`] compiles them in.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// `stand-ins.tsv`
    pub stand_ins: &'a str,
    /// `variants.tsv`
    pub variants: &'a str,
    /// `do-not-fold.tsv`
    pub do_not_fold: &'a str,
    /// `lookalikes.tsv`
    pub lookalikes: &'a str,
    /// `keys.json`
    pub keys: &'a str,
    /// `templates.json` (dedup)
    pub templates: &'a str,
    /// `weights.json`
    pub weights: &'a str,
    /// `schemas/romanisation/templates.json` (generic dictionary per template)
    pub generics: &'a str,
}

impl Sources<'static> {
    /// The tables shipped in `schemas/`.
    pub fn builtin() -> Self {
        Sources {
            stand_ins: include_str!("../../../schemas/dedup/stand-ins.tsv"),
            variants: include_str!("../../../schemas/dedup/variants.tsv"),
            do_not_fold: include_str!("../../../schemas/dedup/do-not-fold.tsv"),
            lookalikes: include_str!("../../../schemas/dedup/lookalikes.tsv"),
            keys: include_str!("../../../schemas/dedup/keys.json"),
            templates: include_str!("../../../schemas/dedup/templates.json"),
            weights: include_str!("../../../schemas/dedup/weights.json"),
            generics: include_str!("../../../schemas/romanisation/templates.json"),
        }
    }
}

/// Geometry kind of a template: how its representative point relates to the feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A point feature (bridge, well, school).
    Point,
    /// A line feature (river, highway, channel): the point may lie anywhere along it.
    Line,
    /// An area feature (lake, reservoir, scenic area).
    Area,
}

/// What the engine knows of one template.
#[derive(Debug, Clone)]
pub struct TemplateInfo {
    /// Template id (`settlement.village`).
    pub id: String,
    /// Geometry kind.
    pub kind: Kind,
    /// Expected spread of two observations' points, in metres.
    pub radius_m: f64,
    /// Generic words (通名) that may end a name of this template, longest first.
    pub generics: Vec<String>,
    /// Committee suffixes stripped for the specific key, then a repeated generic.
    pub committee: Option<(Vec<String>, String)>,
    /// Unit template: leading admin names are dropped from the base key.
    pub is_unit: bool,
    /// Ordinal numerals are normalised to digits in the name key (streets, lanes).
    pub ordinal_digits: bool,
}

/// How two templates relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compat {
    /// The same template.
    Same,
    /// A compatible pair (classification drift, dedup.md §2.7).
    Compatible,
    /// Different templates: a blocking rule.
    Incompatible,
}

/// Which name pattern makes a blocked pair a look-alike worth a suggested relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameRule {
    /// The same base name (北二巷 / 北二巷).
    Equal,
    /// The `to` record's name is the `from` record's name plus a generic (张庄 / 张庄村).
    BExtendsA,
    /// The `from` record's name is the `to` record's name plus a generic (红旗镇人民政府 / 红旗镇).
    AExtendsB,
}

/// A suggested relation between two look-alike templates (dedup.md §1, §3).
#[derive(Debug, Clone)]
pub struct RelationRule {
    /// Template of the `from` side.
    pub from: u16,
    /// Template of the `to` side.
    pub to: u16,
    /// Relation name (`part_of`, `seat_of`, `contained_by`, `named_after`).
    pub relation: String,
    /// The name pattern that must hold.
    pub name: NameRule,
}

/// Signal weights (dedup.md §5), hand-set, from `weights.json`.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct SignalWeights {
    pub name_key_equal: f64,
    pub specific_key_equal: f64,
    pub cross_name: f64,
    pub pinyin_equal: f64,
    pub near_miss: f64,
    pub jia_zi: f64,
    pub generic_extension: f64,
    pub wildcard_name: f64,
    pub graphic_confusion: f64,
    pub template_same: f64,
    pub template_compatible: f64,
    pub point_distance: f64,
    pub line_overlap: f64,
    pub polygon_overlap: f64,
    pub same_township: f64,
    pub border_candidate: f64,
    pub attribute_each: f64,
    pub attribute_max: f64,
    pub same_session: f64,
}

/// Decision bands.
#[derive(Debug, Clone, Deserialize)]
pub struct Bands {
    /// At or above: auto-link (when the agreement conditions hold).
    pub auto_link: f64,
    /// At or above: review queue; below: distinct.
    pub review: f64,
}

/// Distance parameters.
#[derive(Debug, Clone, Deserialize)]
pub struct DistanceParams {
    /// The distance signal reaches 0 at this multiple of the radius.
    pub decay_to_multiple: f64,
    /// Positional tolerance of a record that states none, metres.
    pub default_tolerance_m: f64,
    /// A displacement within this of the local GCJ-02 offset counts as a GCJ-02 copy.
    pub gcj_residual_m: f64,
    /// Radius multiple for line templates across a township or county line.
    pub cross_unit_line_multiple: f64,
    /// The multiple applies only when at most this many records share the base key nearby.
    pub cross_unit_crowd_max: u16,
}

/// Line overlap parameters (dedup.md §5).
#[derive(Debug, Clone, Deserialize)]
pub struct LineParams {
    /// Buffer around the other line, metres.
    pub buffer_m: f64,
    /// Share of the shorter line inside the buffer.
    pub min_share: f64,
    /// Endpoints this close across a county boundary.
    pub endpoint_m: f64,
}

/// Polygon overlap parameters (dedup.md §5).
#[derive(Debug, Clone, Deserialize)]
pub struct PolygonParams {
    /// Intersection over union.
    pub iou: f64,
    /// Share of the smaller polygon inside the other.
    pub containment: f64,
}

/// Candidate-block parameters.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockParams {
    /// Spatial neighbours are looked up within the template radius, at most this far.
    pub spatial_max_m: f64,
}

/// What [`crate::ReviewPolicy::BestReview`] may accept.
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyParams {
    /// Share of the full location weight a pair needs.
    pub min_location: f64,
    /// Name signals that may carry an accepted review pair.
    pub name_signals: Vec<crate::score::Signal>,
}

/// Clustering limits.
#[derive(Debug, Clone, Deserialize)]
pub struct ClusterParams {
    /// A link that would make a cluster larger than this goes to review instead.
    pub max_size: usize,
}

/// Everything in `weights.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Weights {
    /// Signal weights.
    pub signals: SignalWeights,
    /// Decision bands.
    pub bands: Bands,
    /// Distance parameters.
    pub distance: DistanceParams,
    /// Line overlap parameters.
    pub line: LineParams,
    /// Polygon overlap parameters.
    pub polygon: PolygonParams,
    /// Same bundle and registrar within this many minutes: likely double entry.
    pub session_minutes: i64,
    /// Clustering limits.
    pub cluster: ClusterParams,
    /// Candidate blocks.
    pub blocks: BlockParams,
    /// Review policy.
    pub review_policy: PolicyParams,
}

/// The loaded tables.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Stand-in notations, longest first, as (notation chars, replacement).
    pub stand_ins: Vec<(Vec<char>, String)>,
    /// Character folds for the name key (traditional, variant, look-alike "equal").
    pub fold: FxHashMap<char, char>,
    /// Graphic-confusion pairs (low-weight signal only).
    pub graphic: Vec<(char, char)>,
    /// Characters removed as spaces.
    pub spaces: Vec<char>,
    /// Characters mapped to '·'.
    pub dots: Vec<char>,
    /// Characters that stand for an unknown character.
    pub wildcards: Vec<char>,
    /// Characters read as the digit zero next to a numeral.
    pub zero_digits: Vec<char>,
    /// Chinese numeral characters.
    pub numerals: Vec<char>,
    /// Orientation and size prefixes.
    pub orientation: Vec<char>,
    /// Admin generics that end a leading admin name in a unit name.
    pub unit_admin_generics: Vec<String>,
    /// Longest leading admin name stripped from a unit name, in characters.
    pub unit_prefix_max: usize,
    /// A specific key shorter than this is not distinctive (王庄 / 王屯 share 王).
    pub specific_min_chars: usize,
    /// One edit counts as a near miss only on specific keys at least this long.
    pub edit_min_chars: usize,
    /// Templates by index.
    pub templates: Vec<TemplateInfo>,
    /// Template index by id.
    pub template_index: FxHashMap<String, u16>,
    /// Compatible template pairs.
    pub compatible: Vec<(u16, u16)>,
    /// Suggested relations of blocked look-alikes.
    pub relations: Vec<RelationRule>,
    /// Weights and bands.
    pub weights: Weights,
    /// `id@version` of every file, for the plan's provenance.
    pub versions: Vec<String>,
    /// `compat` of every template pair, row-major (computed once from `compatible`).
    compat_matrix: Vec<Compat>,
}

fn tsv_rows<'a>(
    file: &'a str,
    text: &'a str,
    cols: usize,
    versions: &mut Vec<String>,
) -> Result<Vec<(usize, Vec<&'a str>)>, DedupError> {
    let first = text.lines().next().unwrap_or("");
    let id = header_field(first, "id:").ok_or_else(|| {
        DedupError::table(
            file,
            1,
            "first line must give `# id: … version: … format_version: …`",
        )
    })?;
    let version = header_field(first, "version:")
        .ok_or_else(|| DedupError::table(file, 1, "no version on the first line"))?;
    if header_field(first, "format_version:") != Some("1") {
        return Err(DedupError::table(file, 1, "format_version must be 1"));
    }
    if !text.lines().any(|l| l.starts_with("# source:")) {
        return Err(DedupError::table(file, 0, "no `# source:` comment"));
    }
    versions.push(format!("{id}@{version}"));
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < cols || f[..cols].iter().any(|x| x.is_empty()) {
            return Err(DedupError::table(
                file,
                i + 1,
                format!("expected {cols} tab-separated non-empty columns"),
            ));
        }
        rows.push((i + 1, f));
    }
    Ok(rows)
}

fn header_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut it = line.split_whitespace();
    while let Some(w) = it.next() {
        if w == key {
            return it.next();
        }
    }
    None
}

fn single_char(file: &str, line: usize, s: &str) -> Result<char, DedupError> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(DedupError::table(
            file,
            line,
            format!("{s:?} is not one character"),
        )),
    }
}

#[derive(Deserialize)]
struct Meta {
    id: String,
    version: String,
    format_version: u32,
    source: String,
}

fn meta(file: &str, text: &str, versions: &mut Vec<String>) -> Result<(), DedupError> {
    let m: Meta =
        serde_json::from_str(text).map_err(|e| DedupError::table(file, e.line(), e.to_string()))?;
    if m.format_version != 1 || m.source.is_empty() {
        return Err(DedupError::table(
            file,
            0,
            "format_version must be 1 and source non-empty",
        ));
    }
    versions.push(format!("{}@{}", m.id, m.version));
    Ok(())
}

fn json<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, DedupError> {
    serde_json::from_str(text).map_err(|e| DedupError::table(file, e.line(), e.to_string()))
}

#[derive(Deserialize)]
struct KeysFile {
    spaces: Vec<String>,
    name_dots: Vec<String>,
    wildcards: Vec<String>,
    zero_digits: Vec<String>,
    numerals: String,
    orientation_prefixes: String,
    committee_suffixes: FxHashMap<String, CommitteeRule>,
    unit_admin_generics: Vec<String>,
    unit_admin_prefix_max_chars: usize,
    unit_templates_prefix: String,
    unit_prefix_exempt: Vec<String>,
    specific_key_min_chars: usize,
    edit_distance_min_chars: usize,
}

#[derive(Deserialize)]
struct CommitteeRule {
    strip: Vec<String>,
    then_strip_repeated: String,
}

#[derive(Deserialize)]
struct TemplatesFile {
    templates: Vec<TemplateRow>,
    compatible: Vec<PairRow>,
    related: Vec<RelatedRow>,
}

#[derive(Deserialize)]
struct TemplateRow {
    id: String,
    kind: Kind,
    radius_m: f64,
}

#[derive(Deserialize)]
struct PairRow {
    a: String,
    b: String,
}

#[derive(Deserialize)]
struct RelatedRow {
    from: String,
    to: String,
    relation: String,
    name: NameRule,
}

#[derive(Deserialize)]
struct GenericsFile {
    sets: FxHashMap<String, Vec<String>>,
    default: GenericsEntry,
    templates: FxHashMap<String, GenericsEntry>,
}

#[derive(Deserialize)]
struct GenericsEntry {
    sets: Vec<String>,
    #[serde(default)]
    ordinal_digits: bool,
}

fn chars_of(file: &str, v: &[String]) -> Result<Vec<char>, DedupError> {
    v.iter().map(|s| single_char(file, 0, s)).collect()
}

impl Tables {
    /// Parses the tables from their text.
    pub fn from_sources(src: &Sources<'_>) -> Result<Self, DedupError> {
        let mut versions = Vec::new();

        let mut stand_ins = Vec::new();
        for (_, f) in tsv_rows("stand-ins.tsv", src.stand_ins, 2, &mut versions)? {
            let notation: Vec<char> = f[0].chars().collect();
            stand_ins.push((notation.clone(), f[1].to_string()));
            let ascii: Vec<char> = notation
                .iter()
                .map(|&c| match c {
                    '（' => '(',
                    '）' => ')',
                    c => c,
                })
                .collect();
            if ascii != notation {
                stand_ins.push((ascii, f[1].to_string()));
            }
        }
        stand_ins.sort_by_key(|s| std::cmp::Reverse(s.0.len()));

        let mut keep = Vec::new();
        for (line, f) in tsv_rows("do-not-fold.tsv", src.do_not_fold, 2, &mut versions)? {
            keep.push(single_char("do-not-fold.tsv", line, f[0])?);
        }
        let mut fold = FxHashMap::default();
        for (line, f) in tsv_rows("variants.tsv", src.variants, 3, &mut versions)? {
            let from = single_char("variants.tsv", line, f[0])?;
            let to = single_char("variants.tsv", line, f[1])?;
            if keep.contains(&from) {
                continue;
            }
            if fold.insert(from, to).is_some() {
                return Err(DedupError::table(
                    "variants.tsv",
                    line,
                    format!("{from} is listed twice"),
                ));
            }
        }
        let mut graphic = Vec::new();
        for (line, f) in tsv_rows("lookalikes.tsv", src.lookalikes, 3, &mut versions)? {
            let a = single_char("lookalikes.tsv", line, f[0])?;
            let b = single_char("lookalikes.tsv", line, f[1])?;
            match f[2] {
                "equal" => {
                    fold.insert(a, b);
                }
                "graphic" => graphic.push((a, b)),
                k => {
                    return Err(DedupError::table(
                        "lookalikes.tsv",
                        line,
                        format!("kind {k:?} is neither equal nor graphic"),
                    ))
                }
            }
        }

        meta("keys.json", src.keys, &mut versions)?;
        let keys: KeysFile = json("keys.json", src.keys)?;
        meta("templates.json", src.templates, &mut versions)?;
        let tf: TemplatesFile = json("templates.json", src.templates)?;
        meta("weights.json", src.weights, &mut versions)?;
        let weights: Weights = json("weights.json", src.weights)?;
        let gen: GenericsFile = json("romanisation/templates.json", src.generics)?;

        let mut templates = Vec::new();
        let mut template_index = FxHashMap::default();
        for row in tf.templates {
            let entry = gen.templates.get(&row.id).unwrap_or(&gen.default);
            let mut generics: Vec<String> = Vec::new();
            for s in &entry.sets {
                let words = gen.sets.get(s).ok_or_else(|| {
                    DedupError::table(
                        "romanisation/templates.json",
                        0,
                        format!("unknown generic set {s}"),
                    )
                })?;
                generics.extend(words.iter().cloned());
            }
            generics.sort_by_key(|g| std::cmp::Reverse(g.chars().count()));
            generics.dedup();
            let committee = keys
                .committee_suffixes
                .get(&row.id)
                .map(|r| (r.strip.clone(), r.then_strip_repeated.clone()));
            if row.radius_m.is_nan() || row.radius_m <= 0.0 {
                return Err(DedupError::table(
                    "templates.json",
                    0,
                    format!("{}: radius_m must be > 0", row.id),
                ));
            }
            let idx = u16::try_from(templates.len())
                .map_err(|_| DedupError::table("templates.json", 0, "too many templates"))?;
            if template_index.insert(row.id.clone(), idx).is_some() {
                return Err(DedupError::table(
                    "templates.json",
                    0,
                    format!("{} is listed twice", row.id),
                ));
            }
            templates.push(TemplateInfo {
                is_unit: row.id.starts_with(&keys.unit_templates_prefix)
                    && !keys.unit_prefix_exempt.contains(&row.id),
                ordinal_digits: entry.ordinal_digits,
                id: row.id,
                kind: row.kind,
                radius_m: row.radius_m,
                generics,
                committee,
            });
        }
        let tid = |s: &str| {
            template_index.get(s).copied().ok_or_else(|| {
                DedupError::table("templates.json", 0, format!("unknown template {s}"))
            })
        };
        let mut compatible = Vec::new();
        for p in &tf.compatible {
            compatible.push((tid(&p.a)?, tid(&p.b)?));
        }
        let mut relations = Vec::new();
        for r in &tf.related {
            relations.push(RelationRule {
                from: tid(&r.from)?,
                to: tid(&r.to)?,
                relation: r.relation.clone(),
                name: r.name,
            });
        }
        let n_templates = templates.len();
        Ok(Tables {
            stand_ins,
            fold,
            graphic,
            spaces: chars_of("keys.json", &keys.spaces)?,
            dots: chars_of("keys.json", &keys.name_dots)?,
            wildcards: chars_of("keys.json", &keys.wildcards)?,
            zero_digits: chars_of("keys.json", &keys.zero_digits)?,
            numerals: keys.numerals.chars().collect(),
            orientation: keys.orientation_prefixes.chars().collect(),
            unit_admin_generics: keys.unit_admin_generics,
            unit_prefix_max: keys.unit_admin_prefix_max_chars,
            specific_min_chars: keys.specific_key_min_chars,
            edit_min_chars: keys.edit_distance_min_chars,
            templates,
            template_index,
            compat_matrix: Self::matrix(n_templates, &compatible),
            compatible,
            relations,
            weights,
            versions,
        })
    }

    fn matrix(n: usize, compatible: &[(u16, u16)]) -> Vec<Compat> {
        let mut m = vec![Compat::Incompatible; n * n];
        for &(a, b) in compatible {
            m[a as usize * n + b as usize] = Compat::Compatible;
            m[b as usize * n + a as usize] = Compat::Compatible;
        }
        for i in 0..n {
            m[i * n + i] = Compat::Same;
        }
        m
    }

    /// Index of a template id.
    pub fn template(&self, id: &str) -> Option<u16> {
        self.template_index.get(id).copied()
    }

    /// How two templates relate.
    pub fn compat(&self, a: u16, b: u16) -> Compat {
        let n = self.templates.len();
        if (a as usize) < n && (b as usize) < n {
            return self.compat_matrix[a as usize * n + b as usize];
        }
        if a == b {
            Compat::Same
        } else if self
            .compatible
            .iter()
            .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
        {
            Compat::Compatible
        } else {
            Compat::Incompatible
        }
    }
}
