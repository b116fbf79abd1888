//! Pair scoring (dedup.md §5): the signals of two records with their values and weights,
//! the blocking rules, the score in [0, 1] and the decision band. One function,
//! [`evaluate`], serves candidate scoring, the clustering's constraint check and the
//! explanation of a link, so what is explained is exactly what was decided.

use serde::{Deserialize, Serialize};

use crate::geom;
use crate::keys;
use crate::record::{Extra, Rec};
use crate::tables::{Compat, Kind, NameRule, Tables};

/// A signal that fired for a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Equal official code (decisive).
    OfficialCode,
    /// Equal route number with overlapping or near geometry (decisive).
    RouteNo,
    /// Equal base name keys (§4 steps 1–6 without the generic strip).
    NameKeyEqual,
    /// Equal specific keys, templates compatible.
    SpecificKeyEqual,
    /// One record's name is another name (别名/曾用名…) of the other.
    CrossName,
    /// Equal pinyin keys, different characters.
    PinyinEqual,
    /// One edit on a specific key of 3+ characters (李家洼 / 李家湾).
    NearMiss,
    /// 家-infix or 子-suffix variant (张庄 / 张家庄, 柳坡 / 柳坡子).
    JiaZi,
    /// One name is the other's specific part plus a generic (东湖 / 东湖水库).
    GenericExtension,
    /// Equal except for a `?` wildcard (review only).
    WildcardName,
    /// Equal except for graphic-confusion characters (亳/毫).
    GraphicConfusion,
    /// Same template.
    TemplateSame,
    /// Compatible templates (classification drift).
    TemplateCompatible,
    /// Points within the template radius (value: metres), decaying to 0 at 3×.
    PointDistance,
    /// The displacement matches the local GCJ-02 offset (value: residual metres).
    GcjOffset,
    /// No coordinates on one side: the same township stands in for location.
    AdminLocation,
    /// Line overlap or endpoints meeting at a county boundary.
    LineOverlap,
    /// Polygon IoU or containment.
    PolygonOverlap,
    /// Same township (or the same code when neither record goes below county level).
    SameTownship,
    /// Different counties, near each other (border feature candidate).
    BorderCandidate,
    /// Equal year or 来历 text.
    Attribute,
    /// Same bundle and registrar within 10 minutes.
    SameSession,
}

/// A blocking rule that separates a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// Different templates that are not a compatible pair (张庄 / 张庄村).
    IncompatibleTemplates,
    /// Different leading orientation or size prefix (前王庄 / 后王庄).
    OrientationConflict,
    /// Different ordinals (经五路 / 经六路).
    OrdinalConflict,
    /// Different counties, far from any common boundary, codes not equal.
    FarAcrossCounties,
    /// Established years differ (老城大桥 1958 / 2012).
    YearsConflict,
}

/// One fired signal with its value and the weight it added.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hit {
    /// The signal.
    pub signal: Signal,
    /// Its value (distance in metres, share, 1 for a yes/no signal).
    pub value: f32,
    /// Score added.
    pub weight: f32,
}

/// The decision for a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// same_as, automatically.
    AutoLink,
    /// Review band.
    Review,
    /// Distinct.
    Distinct,
}

/// Everything known about a pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Score in [0, 1].
    pub score: f32,
    /// Decision band.
    pub decision: Decision,
    /// Signals that fired, in a fixed order.
    pub hits: Vec<Hit>,
    /// The blocking rule that separated the pair, if any.
    pub block: Option<Block>,
    /// A decisive signal fired.
    pub decisive: bool,
    /// Name, template and location all agree (the auto-link condition).
    pub agrees: bool,
    /// Template and location agree (a review pair may be accepted by policy).
    pub located: bool,
    /// [`crate::ReviewPolicy::BestReview`] may accept this pair if it is in review.
    pub acceptable: bool,
    /// A suggested relation for a look-alike that must stay distinct.
    pub relation: Option<(String, bool)>,
}

/// Read access to prepared records.
pub(crate) struct View<'a> {
    pub recs: &'a [Rec],
    pub arena: &'a str,
    pub aliases: &'a [u64],
    pub extras: &'a [Extra],
}

impl View<'_> {
    fn base(&self, r: &Rec) -> &str {
        &self.arena[r.base.0 as usize..r.base.0 as usize + r.base.1 as usize]
    }
    fn spec(&self, r: &Rec) -> &str {
        &self.arena[r.spec.0 as usize..r.spec.0 as usize + r.spec.1 as usize]
    }
    fn aliases(&self, r: &Rec) -> &[u64] {
        &self.aliases[r.aliases.0 as usize..r.aliases.0 as usize + r.aliases.1 as usize]
    }
    fn extra(&self, r: &Rec) -> Option<&Extra> {
        self.extras.get(r.extra as usize)
    }
}

struct Acc {
    hits: Vec<Hit>,
    explain: bool,
    fired: u32,
    score: f64,
}

impl Acc {
    fn add(&mut self, signal: Signal, value: f64, weight: f64) {
        if self.explain {
            self.hits.push(Hit {
                signal,
                value: value as f32,
                weight: weight as f32,
            });
        }
        self.fired |= 1 << signal as u32;
        self.score += weight;
    }
}

/// Evaluates a pair. `None` when no name signal and no decisive signal fired: the pair is
/// not a candidate at all (cheap exit for spatial neighbours).
pub(crate) fn evaluate(
    t: &Tables,
    v: &View<'_>,
    i: u32,
    j: u32,
    force: bool,
) -> Option<Evaluation> {
    let (a, b) = (&v.recs[i as usize], &v.recs[j as usize]);
    let w = &t.weights.signals;
    let (ea, eb) = (v.extra(a), v.extra(b));
    let mut acc = Acc {
        hits: Vec::new(),
        explain: force,
        fired: 0,
        score: 0.0,
    };

    // Decisive signals.
    let mut decisive = false;
    if let (Some(x), Some(y)) = (
        ea.and_then(|e| e.official_code.as_deref()),
        eb.and_then(|e| e.official_code.as_deref()),
    ) {
        if x == y {
            acc.add(Signal::OfficialCode, 1.0, 1.0);
            decisive = true;
        }
    }

    // Names.
    let compat = t.compat(a.template, b.template);
    let Names {
        name_equal,
        name_signal,
        cross,
        extension,
    } = names(t, v, a, b, compat, &mut acc);
    if !name_signal && !decisive && !force {
        return None;
    }

    // Templates.
    let mut block = None;
    match compat {
        Compat::Same => acc.add(Signal::TemplateSame, 1.0, w.template_same),
        Compat::Compatible => acc.add(Signal::TemplateCompatible, 1.0, w.template_compatible),
        Compat::Incompatible => block = Some(Block::IncompatibleTemplates),
    }
    // Orientation and ordinal conflicts (not for a cross-name match: the names compared
    // there are a name and an alias, which are equal).
    if !cross {
        if a.orientation != b.orientation {
            block = block.or(Some(Block::OrientationConflict));
        }
        if a.ordinal != b.ordinal {
            block = block.or(Some(Block::OrdinalConflict));
        }
    }

    // Location.
    let ta = &t.templates[a.template as usize];
    let tb = &t.templates[b.template as usize];
    let dp = &t.weights.distance;
    let mut radius = ta.radius_m.max(tb.radius_m);
    let cross_unit = (a.township != 0 && b.township != 0 && a.township != b.township)
        || (a.county != 0 && b.county != 0 && a.county != b.county);
    let crowd_max = dp.cross_unit_crowd_max;
    if cross_unit
        && ta.kind == Kind::Line
        && tb.kind == Kind::Line
        && a.crowd <= crowd_max
        && b.crowd <= crowd_max
    {
        radius *= dp.cross_unit_line_multiple;
    }
    let radius = radius + f64::from(a.tolerance_m) + f64::from(b.tolerance_m);
    let reach = radius * dp.decay_to_multiple;
    let mut located = false;
    let mut strong = false;
    let pol = &t.weights.review_policy;
    let mut near = false;
    let both_points = a.has_point() && b.has_point();
    if both_points {
        let d = geom::distance_m(a.p, b.p);
        let mut d_eff = d;
        // The GCJ-02 offset is at most about 700 m in China: only then is it worth the trig.
        if d > radius && d < 800.0 + radius + dp.gcj_residual_m {
            let g = geom::gcj_residual_m(a.p, b.p);
            // Only a displacement that *is* the local GCJ-02 offset (within the residual
            // allowance) counts; merely being "less far" after the shift does not.
            if g < d && g <= dp.gcj_residual_m {
                acc.add(Signal::GcjOffset, g, 0.0);
                d_eff = g;
            }
        }
        let f = if d_eff <= radius {
            1.0
        } else {
            ((reach - d_eff) / (reach - radius)).max(0.0)
        };
        if f > 0.0 {
            acc.add(Signal::PointDistance, d_eff, w.point_distance * f);
            located = true;
            strong = f >= pol.min_location;
        }
        near = d_eff <= reach;
    }
    let lp = &t.weights.line;
    if let (Some(la), Some(lb)) = (
        ea.and_then(|e| e.line.as_deref()),
        eb.and_then(|e| e.line.as_deref()),
    ) {
        let share = geom::line_overlap_share(la, lb, lp.buffer_m);
        let gap = geom::endpoint_gap_m(la, lb);
        if share >= lp.min_share || (a.county != b.county && gap <= lp.endpoint_m) {
            acc.add(
                Signal::LineOverlap,
                share.max(f64::from(gap <= lp.endpoint_m)),
                w.line_overlap,
            );
            located = true;
            near = true;
        }
    }
    let pp = &t.weights.polygon;
    if let (Some(pa), Some(pb)) = (
        ea.and_then(|e| e.polygon.as_deref()),
        eb.and_then(|e| e.polygon.as_deref()),
    ) {
        let (iou, cont) = geom::polygon_overlap(pa, pb);
        if iou >= pp.iou || cont >= pp.containment {
            acc.add(Signal::PolygonOverlap, iou, w.polygon_overlap);
            located = true;
            strong = true;
            near = true;
        }
    }
    // The same township, or the same code when neither record goes below county level.
    let same_township = (a.township != 0 && a.township == b.township)
        || (a.township == 0 && b.township == 0 && a.county != 0 && a.county == b.county);
    if !both_points && same_township {
        acc.add(Signal::AdminLocation, 1.0, w.point_distance);
        located = true;
        strong = true;
    }
    if same_township {
        acc.add(Signal::SameTownship, 1.0, w.same_township);
    }
    if a.county != 0 && b.county != 0 && a.county != b.county {
        if near {
            acc.add(Signal::BorderCandidate, 1.0, w.border_candidate);
        } else {
            block = block.or(Some(Block::FarAcrossCounties));
        }
    }

    // Attributes and session.
    let mut attr = 0.0;
    if let (Some(x), Some(y)) = (ea, eb) {
        if let (Some(ya), Some(yb)) = (x.established_year, y.established_year) {
            if ya == yb {
                attr += w.attribute_each;
            } else {
                block = block.or(Some(Block::YearsConflict));
            }
        }
        if let (Some(oa), Some(ob)) = (&x.origin, &y.origin) {
            if !oa.is_empty() && oa == ob {
                attr += w.attribute_each;
            }
        }
        if attr > 0.0 {
            acc.add(Signal::Attribute, attr, attr.min(w.attribute_max));
        }
        if let (Some(sa), Some(sb)) = (&x.session, &y.session) {
            if sa.bundle == sb.bundle
                && sa.registrar == sb.registrar
                && (sa.minute - sb.minute).abs() <= t.weights.session_minutes
            {
                acc.add(Signal::SameSession, 1.0, w.same_session);
            }
        }
        if let (Some(ra), Some(rb)) = (&x.route_no, &y.route_no) {
            if !ra.is_empty() && ra.eq_ignore_ascii_case(rb) && (near || !both_points) {
                acc.add(Signal::RouteNo, 1.0, 1.0);
                decisive = true;
            }
        }
    }

    let score = acc.score.min(1.0);
    let template_agrees = compat != Compat::Incompatible;
    let agrees = (name_equal || cross) && template_agrees && located;
    let decision = if decisive {
        Decision::AutoLink
    } else if block.is_some() {
        Decision::Distinct
    } else if score >= t.weights.bands.auto_link && agrees && !a.wildcard && !b.wildcard {
        Decision::AutoLink
    } else if score >= t.weights.bands.review {
        Decision::Review
    } else {
        Decision::Distinct
    };
    let relation = if decision == Decision::Distinct && !decisive {
        relation(t, a, b, block, name_equal, extension, located)
    } else {
        None
    };
    let named = pol
        .name_signals
        .iter()
        .any(|&s| acc.fired & (1 << s as u32) != 0);
    let acceptable =
        named && strong && template_agrees && block.is_none() && !a.wildcard && !b.wildcard;
    Some(Evaluation {
        acceptable,
        score: score as f32,
        decision,
        hits: acc.hits,
        block,
        decisive,
        agrees,
        located: located && template_agrees,
        relation,
    })
}

/// What the name signals of a pair say (the first part of [`evaluate`]).
struct Names {
    name_equal: bool,
    name_signal: bool,
    cross: bool,
    extension: Option<bool>,
}

/// The name signals of a pair (dedup.md §5): equal keys, cross-names, pinyin, 家/子, one
/// edit, generic extension, wildcard, graphic confusion. Shared by [`evaluate`] and
/// [`may_score`], so a pre-filter can never disagree with the scorer.
fn names(t: &Tables, v: &View<'_>, a: &Rec, b: &Rec, compat: Compat, acc: &mut Acc) -> Names {
    let w = &t.weights.signals;
    let name_equal;
    let mut name_signal = false;
    let mut cross = false;
    if a.wildcard || b.wildcard {
        name_equal = false;
        if keys::wildcard_match(v.base(a), v.base(b)) {
            acc.add(Signal::WildcardName, 1.0, w.wildcard_name);
            name_signal = true;
        }
    } else {
        name_equal = a.base_h == b.base_h && v.base(a) == v.base(b);
    }
    if name_equal {
        acc.add(Signal::NameKeyEqual, 1.0, w.name_key_equal);
        name_signal = true;
    }
    // Equal names have equal specific parts; otherwise a specific part must be long
    // enough to say something (王庄 / 王屯 share only 王).
    let spec_equal = !a.wildcard
        && !b.wildcard
        && a.spec_h == b.spec_h
        && v.spec(a) == v.spec(b)
        && (name_equal || v.spec(a).chars().count() >= t.specific_min_chars);
    if spec_equal && compat != Compat::Incompatible {
        acc.add(Signal::SpecificKeyEqual, 1.0, w.specific_key_equal);
        name_signal = true;
    }
    if !name_equal && (v.aliases(a).contains(&b.base_h) || v.aliases(b).contains(&a.base_h)) {
        acc.add(Signal::CrossName, 1.0, w.cross_name);
        name_signal = true;
        cross = true;
    }
    let mut extension = None;
    if !name_equal && !spec_equal {
        if a.base_h == b.spec_h && v.base(a) == v.spec(b) && v.spec(b) != v.base(b) {
            extension = Some(false); // b = a + generic
        } else if b.base_h == a.spec_h && v.base(b) == v.spec(a) && v.spec(a) != v.base(a) {
            extension = Some(true); // a = b + generic
        }
        if extension.is_some() {
            acc.add(Signal::GenericExtension, 1.0, w.generic_extension);
            name_signal = true;
        }
    }
    if !name_equal && !cross && a.pinyin_h != 0 && a.pinyin_h == b.pinyin_h {
        acc.add(Signal::PinyinEqual, 1.0, w.pinyin_equal);
        name_signal = true;
    }
    if !name_equal && !spec_equal && !cross && extension.is_none() && !a.wildcard && !b.wildcard {
        let (sa, sb) = (v.spec(a), v.spec(b));
        let jia_zi = a.skel_h == b.skel_h && v.base(a) != v.base(b);
        let m = t.edit_min_chars.max(1);
        if jia_zi {
            acc.add(Signal::JiaZi, 1.0, w.jia_zi);
            name_signal = true;
        } else if sa.chars().nth(m - 1).is_some()
            && sb.chars().nth(m - 1).is_some()
            && keys::edit_distance_one(sa, sb)
        {
            acc.add(Signal::NearMiss, 1.0, w.near_miss);
            name_signal = true;
        } else if keys::graphic_confusion(t, v.base(a), v.base(b)) {
            acc.add(Signal::GraphicConfusion, 1.0, w.graphic_confusion);
            name_signal = true;
        }
    }
    Names {
        name_equal,
        name_signal,
        cross,
        extension,
    }
}

/// Whether [`evaluate`] (without `force`) would return an evaluation for the pair: a name
/// signal or a decisive official code fired. The spatial candidate stage uses it to keep
/// only neighbours that can be scored, instead of sorting and scoring every point nearby.
pub(crate) fn may_score(t: &Tables, v: &View<'_>, i: u32, j: u32) -> bool {
    let (a, b) = (&v.recs[i as usize], &v.recs[j as usize]);
    if let (Some(x), Some(y)) = (
        v.extra(a).and_then(|e| e.official_code.as_deref()),
        v.extra(b).and_then(|e| e.official_code.as_deref()),
    ) {
        if x == y {
            return true;
        }
    }
    let mut acc = Acc {
        hits: Vec::new(),
        explain: false,
        fired: 0,
        score: 0.0,
    };
    names(t, v, a, b, t.compat(a.template, b.template), &mut acc).name_signal
}

/// A suggested relation for a blocked look-alike (dedup.md §3): the string and whether it
/// reads from the first record to the second (`true`) or the other way round.
fn relation(
    t: &Tables,
    a: &Rec,
    b: &Rec,
    block: Option<Block>,
    same_name: bool,
    extension: Option<bool>,
    located: bool,
) -> Option<(String, bool)> {
    if !located {
        return None;
    }
    match block? {
        Block::YearsConflict if same_name => {
            // The historical (or older) record is replaced by the other.
            Some(("replaced_by".to_string(), a.historical || !b.historical))
        }
        Block::IncompatibleTemplates => {
            for r in &t.relations {
                for (from, to, forward) in [(a, b, true), (b, a, false)] {
                    if r.from != from.template || r.to != to.template {
                        continue;
                    }
                    // extension Some(false): b = a + generic; Some(true): a = b + generic.
                    let ok = match r.name {
                        NameRule::Equal => same_name,
                        NameRule::BExtendsA => same_name || extension == Some(!forward),
                        NameRule::AExtendsB => same_name || extension == Some(forward),
                    };
                    if ok {
                        return Some((r.relation.clone(), forward));
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// Whether a template is a line template (used for the border rule's reach).
#[allow(dead_code)]
pub(crate) fn is_line(t: &Tables, template: u16) -> bool {
    t.templates[template as usize].kind == Kind::Line
}
