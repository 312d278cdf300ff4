//! The report's view of a result document: the groupings, cross-references and verdict
//! reasons the templates show, computed once in Rust so templates stay linear in the size of
//! the result (no lookups inside loops) and every report format shows the same facts.
//!
//! Everything here is derived from the [`AssessmentResult`] alone (SPEC §7), so a stored
//! result re-renders identically.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::finding::{Finding, FindingCode};
use crate::result::{AssessmentResult, Counts, CriterionResult, Status};
use crate::text::Text;

use super::chart::{self, Chart};
use super::escape::{self, anchor};

/// The whole view.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// Cover page facts.
    pub cover: Cover,
    /// Levels, entry level first, with their verdict and its reasons.
    pub levels: Vec<LevelView>,
    /// The element-score chart.
    pub chart: Chart,
    /// Gaps to the next and the target level.
    pub gaps: Vec<GapView>,
    /// Elements with their criteria (catalog order).
    pub elements: Vec<ElementView>,
    /// Waivers that apply to the submission.
    pub waivers: Vec<WaiverView>,
    /// Findings about the submission as a whole.
    pub findings: Vec<TopFindingView>,
    /// Finding codes that occur in the result: criterion codes in the order of
    /// [`FindingCode::ALL`], then the codes of top-level findings, sorted.
    pub legend: Vec<String>,
    /// Criteria per status over the whole catalog.
    pub totals: Counts,
    /// Number of criteria.
    pub criteria_count: usize,
    /// Footer facts.
    pub footer: Footer,
}

/// A reference to a level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelRef {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// HTML anchor of its ladder entry.
    pub anchor: String,
}

/// A reference to an element.
#[derive(Debug, Clone, Serialize)]
pub struct ElementRef {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// HTML anchor of its criteria table.
    pub anchor: String,
}

/// Cover page.
#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    /// Organization name.
    pub organization: String,
    /// Unified social credit code.
    pub credit_code: Option<String>,
    /// Submission id.
    pub submission: String,
    /// Submission file as given.
    pub source: String,
    /// Catalog id.
    pub catalog_id: String,
    /// Catalog version (edition).
    pub catalog_version: String,
    /// Standard(s) encoded.
    pub standard: String,
    /// Catalog title.
    pub catalog_title: Text,
    /// Official ITSS scheme (false: derived by this project).
    pub official: bool,
    /// `all-conform` or `threshold`.
    pub method: String,
    /// Under `threshold`, the element threshold.
    pub threshold: Option<f64>,
    /// As-of date.
    pub as_of: String,
    /// Achieved level (with waivers).
    pub achieved: Option<LevelRef>,
    /// Achieved level without waivers.
    pub achieved_without_waivers: Option<LevelRef>,
    /// Whether waivers change the achieved level.
    pub waivers_change_level: bool,
    /// Target level.
    pub target: Option<LevelRef>,
    /// Whether the target is met (null without target).
    pub target_met: Option<bool>,
    /// Index over all criteria.
    pub index: Option<f64>,
    /// `--generated-at`, when given.
    pub generated_at: Option<String>,
}

/// A level's verdict and its reasons.
#[derive(Debug, Clone, Serialize)]
pub struct LevelView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Gist.
    pub gist: Option<Text>,
    /// HTML anchor.
    pub anchor: String,
    /// `achieved` (satisfied, and every level below too), `unreached` (satisfied, but a lower
    /// level is not) or `unsatisfied`.
    pub state: &'static str,
    /// SPEC §5.3 verdict with waivers.
    pub satisfied: bool,
    /// Satisfied only thanks to waivers.
    pub thanks_to_waivers: bool,
    /// The achieved level.
    pub is_achieved: bool,
    /// The target level.
    pub is_target: bool,
    /// For `unreached`: the lowest unsatisfied level below.
    pub blocked_by: Option<LevelRef>,
    /// Score over the level's criteria.
    pub score: Option<f64>,
    /// Prerequisites attached to the level.
    pub prerequisites: Vec<PrerequisiteView>,
    /// How many of them are unmet.
    pub unmet_prerequisites: usize,
    /// Criteria whose status alone keeps the level from being satisfied.
    pub blocking: usize,
    /// Under `threshold`: elements below the threshold.
    pub below: Vec<BelowView>,
    /// Criteria per status.
    pub counts: Counts,
    /// Criteria that count (not `not_applicable`).
    pub applicable: u32,
    /// Gap anchor that lists this level's blocking criteria, when a gap covers it.
    pub gap_anchor: Option<String>,
}

/// A prerequisite's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct PrerequisiteView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Met.
    pub met: bool,
    /// What was found.
    pub detail: Text,
}

/// An element below the threshold at a level.
#[derive(Debug, Clone, Serialize)]
pub struct BelowView {
    /// The level.
    pub level: LevelRef,
    /// The element.
    pub element: ElementRef,
    /// Score it has.
    pub score: f64,
    /// Score it needs.
    pub needed: f64,
}

/// A gap as an action list.
#[derive(Debug, Clone, Serialize)]
pub struct GapView {
    /// `next` or `target`.
    pub kind: String,
    /// The level aimed at.
    pub level: LevelRef,
    /// HTML anchor.
    pub anchor: String,
    /// Unmet prerequisites (do these first).
    pub prerequisites: Vec<GapPrerequisiteView>,
    /// Blocking criteria and weak elements, grouped by element (catalog order).
    pub groups: Vec<GapGroup>,
    /// Number of blocking criteria.
    pub criteria_count: usize,
}

/// An unmet prerequisite of a gap.
#[derive(Debug, Clone, Serialize)]
pub struct GapPrerequisiteView {
    /// The level it gates.
    pub level: LevelRef,
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// What was found.
    pub detail: Text,
}

/// The part of a gap within one element.
#[derive(Debug, Clone, Serialize)]
pub struct GapGroup {
    /// The element.
    pub element: ElementRef,
    /// Levels at which the element is below the threshold.
    pub below: Vec<BelowView>,
    /// Blocking criteria, ranked (key first, weight descending, id).
    pub criteria: Vec<GapItem>,
}

/// A blocking criterion: one action.
#[derive(Debug, Clone, Serialize)]
pub struct GapItem {
    /// Id.
    pub id: String,
    /// Anchor of its row in the criteria tables.
    pub anchor: String,
    /// Its level.
    pub level: LevelRef,
    /// Title.
    pub title: Text,
    /// Requirement.
    pub requirement: Text,
    /// Key criterion.
    pub key: bool,
    /// Weight.
    pub weight: u32,
    /// Status.
    pub status: Status,
    /// Findings with their messages.
    pub findings: Vec<Finding>,
}

/// An element with its criteria.
#[derive(Debug, Clone, Serialize)]
pub struct ElementView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// HTML anchor.
    pub anchor: String,
    /// Criteria per status.
    pub counts: Counts,
    /// Criteria, catalog order.
    pub criteria: Vec<CriterionView>,
}

/// A criterion row.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    /// Id.
    pub id: String,
    /// HTML anchor.
    pub anchor: String,
    /// Its level.
    pub level: LevelRef,
    /// Title.
    pub title: Text,
    /// Clause.
    pub clause: Option<String>,
    /// Key criterion.
    pub key: bool,
    /// Weight.
    pub weight: u32,
    /// Rating as answered (`conform`, `partial`, `nonconform`, `na`), null when unanswered.
    pub rating: Option<&'static str>,
    /// Status.
    pub status: Status,
    /// Credit (null when excluded).
    pub credit: Option<f64>,
    /// Whether it blocks its level.
    pub blocking: bool,
    /// Enterprise note.
    pub note: Option<String>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Evidence items as checked.
    pub evidence: Vec<EvidenceView>,
    /// Metric values as answered.
    pub metrics: Vec<MetricView>,
    /// A waiver naming it.
    pub waiver: Option<WaiverMark>,
}

/// An evidence item.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// Path as given.
    pub path: String,
    /// Title as given.
    pub title: Option<String>,
    /// Date as given.
    pub dated: Option<String>,
    /// Counts towards the minimum.
    pub valid: bool,
    /// Rules it fails.
    pub findings: Vec<FindingCode>,
}

/// A metric value.
#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    /// Metric id.
    pub name: String,
    /// Value as answered, as text.
    pub value: String,
}

/// A waiver on a criterion row.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverMark {
    /// Active on the as-of date.
    pub active: bool,
    /// Last active day.
    pub expires_on: String,
}

/// A waiver.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverView {
    /// Criterion id.
    pub criterion: String,
    /// Anchor of the criterion's row (null when the catalog lacks it).
    pub anchor: Option<String>,
    /// Criterion title (null when the catalog lacks it).
    pub title: Option<Text>,
    /// Why.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Last active day.
    pub expires_on: String,
    /// Active on the as-of date.
    pub active: bool,
}

/// A finding about the whole submission.
#[derive(Debug, Clone, Serialize)]
pub struct TopFindingView {
    /// Code.
    pub code: String,
    /// Details.
    pub message: String,
}

/// Footer.
#[derive(Debug, Clone, Serialize)]
pub struct Footer {
    /// Catalog digest (sha256).
    pub digest: String,
    /// Engine name.
    pub engine: String,
    /// Engine version.
    pub version: String,
    /// As-of date.
    pub as_of: String,
    /// `--generated-at`, when given.
    pub generated_at: Option<String>,
}

/// Cloning with control and bidi characters made visible ([`escape::clean`]): every string
/// the view takes from the result goes through it.
trait Cleaned {
    fn cleaned(&self) -> Self;
}

impl Cleaned for String {
    fn cleaned(&self) -> String {
        escape::clean(self).into_owned()
    }
}

impl Cleaned for Text {
    fn cleaned(&self) -> Text {
        Text {
            zh: self.zh.cleaned(),
            en: self.en.cleaned(),
        }
    }
}

impl<T: Cleaned> Cleaned for Option<T> {
    fn cleaned(&self) -> Option<T> {
        self.as_ref().map(Cleaned::cleaned)
    }
}

impl Cleaned for Finding {
    fn cleaned(&self) -> Finding {
        Finding {
            code: self.code,
            message: self.message.cleaned(),
        }
    }
}

impl<T: Cleaned> Cleaned for Vec<T> {
    fn cleaned(&self) -> Vec<T> {
        self.iter().map(Cleaned::cleaned).collect()
    }
}

/// Builds the view of a result. Every string taken from the result is cleaned of control and
/// bidi characters.
pub fn build(result: &AssessmentResult) -> View {
    let level_refs: Vec<LevelRef> = result
        .levels
        .iter()
        .map(|l| LevelRef {
            id: l.id.cleaned(),
            name: l.name.cleaned(),
            anchor: anchor("level-", &l.id),
        })
        .collect();
    let level_index: HashMap<&str, usize> = result
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    let level_ref = |id: &str| -> LevelRef {
        level_index.get(id).map_or_else(
            || LevelRef {
                id: id.to_owned().cleaned(),
                name: Text {
                    zh: id.to_owned().cleaned(),
                    en: None,
                },
                anchor: anchor("level-", id),
            },
            |&i| level_refs[i].clone(),
        )
    };
    let mut element_refs: Vec<ElementRef> = result
        .elements
        .iter()
        .map(|e| ElementRef {
            id: e.id.cleaned(),
            name: e.name.cleaned(),
            anchor: anchor("el-", &e.id),
        })
        .collect();
    // Elements a criterion names but the element list lacks (not expected) still get a table.
    for c in &result.criteria {
        if !element_refs.iter().any(|e| e.id == c.element) {
            element_refs.push(ElementRef {
                id: c.element.cleaned(),
                name: Text {
                    zh: c.element.cleaned(),
                    en: None,
                },
                anchor: anchor("el-", &c.element),
            });
        }
    }
    let element_index: HashMap<&str, usize> = element_refs
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let criterion_index: HashMap<&str, usize> = result
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();

    let rules = Rules::of(result);
    let achieved = result
        .achieved_level
        .as_deref()
        .and_then(|id| level_index.get(id).copied());
    let target = result
        .target_level
        .as_deref()
        .and_then(|id| level_index.get(id).copied());

    // Gap anchors by level: the first gap whose range covers the level.
    let gaps: Vec<GapView> = result
        .gaps
        .iter()
        .map(|g| {
            let mut groups: Vec<GapGroup> = element_refs
                .iter()
                .map(|e| GapGroup {
                    element: e.clone(),
                    below: Vec::new(),
                    criteria: Vec::new(),
                })
                .collect();
            for e in &g.elements {
                if let Some(&ei) = element_index.get(e.id.as_str()) {
                    groups[ei].below.push(BelowView {
                        level: level_ref(&e.level),
                        element: element_refs[ei].clone(),
                        score: e.score,
                        needed: e.needed,
                    });
                }
            }
            for c in &g.criteria {
                let findings = criterion_index.get(c.id.as_str()).map_or_else(
                    || {
                        c.findings
                            .iter()
                            .map(|&code| Finding::new(code, String::new()))
                            .collect()
                    },
                    |&i| result.criteria[i].findings.cleaned(),
                );
                let item = GapItem {
                    id: c.id.cleaned(),
                    anchor: anchor("cr-", &c.id),
                    level: level_ref(&c.level),
                    title: c.title.cleaned(),
                    requirement: c.requirement.cleaned(),
                    key: c.key,
                    weight: c.weight,
                    status: c.status,
                    findings,
                };
                if let Some(&ei) = element_index.get(c.element.as_str()) {
                    groups[ei].criteria.push(item);
                }
            }
            groups.retain(|g| !g.below.is_empty() || !g.criteria.is_empty());
            GapView {
                kind: g.kind.cleaned(),
                level: level_ref(&g.level),
                anchor: anchor("gap-", &g.kind),
                prerequisites: g
                    .prerequisites
                    .iter()
                    .map(|p| GapPrerequisiteView {
                        level: level_ref(&p.level),
                        id: p.id.cleaned(),
                        title: p.title.cleaned(),
                        detail: p.detail.cleaned(),
                    })
                    .collect(),
                groups,
                criteria_count: g.criteria.len(),
            }
        })
        .collect();
    let next = achieved.map_or(0, |a| a + 1);
    let gap_anchor_of = |li: usize| -> Option<String> {
        result.gaps.iter().zip(&gaps).find_map(|(g, v)| {
            let to = level_index.get(g.level.as_str()).copied()?;
            (next..=to).contains(&li).then(|| v.anchor.clone())
        })
    };

    // Per level: blocking criteria, counts, and exact element sums for the threshold test.
    let n_levels = result.levels.len();
    let mut blocking = vec![0usize; n_levels];
    let mut counts = vec![Counts::default(); n_levels];
    let mut sums = vec![vec![(0u64, 0u64); element_refs.len()]; n_levels];
    let mut elements: Vec<ElementView> = element_refs
        .iter()
        .map(|e| ElementView {
            id: e.id.cleaned(),
            name: e.name.clone(),
            anchor: e.anchor.clone(),
            counts: Counts::default(),
            criteria: Vec::new(),
        })
        .collect();
    let waiver_of: BTreeMap<&str, WaiverMark> = result
        .waivers
        .iter()
        .map(|w| {
            (
                w.criterion.as_str(),
                WaiverMark {
                    active: w.active,
                    expires_on: w.expires_on.to_string(),
                },
            )
        })
        .collect();
    let mut legend_codes: BTreeSet<FindingCode> = BTreeSet::new();
    for c in &result.criteria {
        let li = level_index.get(c.level.as_str()).copied();
        let blocks = rules.blocks(c);
        if let Some(li) = li {
            counts[li].add(c.status);
            if blocks {
                blocking[li] += 1;
            }
            if let (Some(credit), Some(&ei)) = (c.credit, element_index.get(c.element.as_str())) {
                let w = u64::from(c.weight);
                sums[li][ei].0 += w * thousandths(credit);
                sums[li][ei].1 += w;
            }
        }
        legend_codes.extend(c.findings.iter().map(|f| f.code));
        for e in &c.evidence {
            legend_codes.extend(e.findings.iter().copied());
        }
        if let Some(&ei) = element_index.get(c.element.as_str()) {
            elements[ei].counts.add(c.status);
            elements[ei].criteria.push(criterion_view(
                c,
                level_ref(&c.level),
                blocks,
                waiver_of.get(c.id.as_str()),
            ));
        }
    }

    let first_unsatisfied = result.levels.iter().position(|l| !l.satisfied);
    let levels: Vec<LevelView> = result
        .levels
        .iter()
        .enumerate()
        .map(|(li, l)| {
            let reached = first_unsatisfied.is_none_or(|f| li < f);
            let state = match (l.satisfied, reached) {
                (true, true) => "achieved",
                (true, false) => "unreached",
                (false, _) => "unsatisfied",
            };
            let below = match rules.threshold {
                Some(t) => l
                    .elements
                    .iter()
                    .filter_map(|e| {
                        let ei = *element_index.get(e.id.as_str())?;
                        let (got, weight) = sums[li][ei];
                        let score = e.score?;
                        (weight > 0 && got < t * weight).then(|| BelowView {
                            level: level_refs[li].clone(),
                            element: element_refs[ei].clone(),
                            score,
                            needed: t as f64 / 1000.0,
                        })
                    })
                    .collect(),
                None => Vec::new(),
            };
            let c = counts[li];
            LevelView {
                id: l.id.cleaned(),
                name: l.name.cleaned(),
                gist: l.gist.cleaned(),
                anchor: level_refs[li].anchor.clone(),
                state,
                satisfied: l.satisfied,
                thanks_to_waivers: l.satisfied && !l.satisfied_without_waivers,
                is_achieved: achieved == Some(li),
                is_target: target == Some(li),
                blocked_by: match state {
                    "unreached" => first_unsatisfied.map(|f| level_refs[f].clone()),
                    _ => None,
                },
                score: l.score,
                prerequisites: l
                    .prerequisites
                    .iter()
                    .map(|p| PrerequisiteView {
                        id: p.id.cleaned(),
                        title: p.title.cleaned(),
                        met: p.met,
                        detail: p.detail.cleaned(),
                    })
                    .collect(),
                unmet_prerequisites: l.prerequisites.iter().filter(|p| !p.met).count(),
                blocking: blocking[li],
                below,
                counts: c,
                applicable: c.conform + c.partial + c.nonconform + c.unanswered + c.waived,
                gap_anchor: if l.satisfied { None } else { gap_anchor_of(li) },
            }
        })
        .collect();

    let waivers = result
        .waivers
        .iter()
        .map(|w| {
            let criterion = criterion_index
                .get(w.criterion.as_str())
                .map(|&i| &result.criteria[i]);
            WaiverView {
                criterion: w.criterion.cleaned(),
                anchor: criterion.map(|c| anchor("cr-", &c.id)),
                title: criterion.map(|c| c.title.cleaned()),
                justification: w.justification.cleaned(),
                approved_by: w.approved_by.cleaned(),
                expires_on: w.expires_on.to_string(),
                active: w.active,
            }
        })
        .collect();

    let mut totals = Counts::default();
    for c in &result.criteria {
        totals.add(c.status);
    }
    let achieved_without = result
        .achieved_level_without_waivers
        .as_deref()
        .map(&level_ref);
    View {
        cover: Cover {
            organization: result.submission.organization.cleaned(),
            credit_code: result.submission.credit_code.cleaned(),
            submission: result.submission.id.cleaned(),
            source: result.submission.source.cleaned(),
            catalog_id: result.catalog.id.cleaned(),
            catalog_version: result.catalog.version.cleaned(),
            standard: result.catalog.standard.cleaned(),
            catalog_title: result.catalog.title.cleaned(),
            official: result.catalog.official,
            method: result.catalog.method.cleaned(),
            threshold: result.catalog.element_threshold,
            as_of: result.as_of.to_string(),
            achieved: result.achieved_level.as_deref().map(&level_ref),
            achieved_without_waivers: achieved_without,
            waivers_change_level: result.achieved_level != result.achieved_level_without_waivers,
            target: result.target_level.as_deref().map(&level_ref),
            target_met: result.target_met,
            index: result.index,
            generated_at: result.generated_at.cleaned(),
        },
        chart: chart::layout(result, &level_refs, &element_refs),
        levels,
        gaps,
        elements,
        waivers,
        findings: result
            .findings
            .iter()
            .map(|f| TopFindingView {
                code: f.code.cleaned(),
                message: f.message.cleaned(),
            })
            .collect(),
        legend: FindingCode::ALL
            .iter()
            .filter(|c| legend_codes.contains(c))
            .map(|c| c.as_str().to_owned())
            .chain(
                result
                    .findings
                    .iter()
                    .map(|f| f.code.cleaned())
                    .filter(|code| !legend_codes.iter().any(|c| c.as_str() == code))
                    .collect::<BTreeSet<_>>(),
            )
            .collect(),
        totals,
        criteria_count: result.criteria.len(),
        footer: Footer {
            digest: result.catalog.digest.cleaned(),
            engine: result.engine.name.cleaned(),
            version: result.engine.version.cleaned(),
            as_of: result.as_of.to_string(),
            generated_at: result.generated_at.cleaned(),
        },
    }
}

fn criterion_view(
    c: &CriterionResult,
    level: LevelRef,
    blocking: bool,
    waiver: Option<&WaiverMark>,
) -> CriterionView {
    CriterionView {
        id: c.id.cleaned(),
        anchor: anchor("cr-", &c.id),
        level,
        title: c.title.cleaned(),
        clause: c.clause.cleaned(),
        key: c.key,
        weight: c.weight,
        rating: c.rating.map(|r| r.as_str()),
        status: c.status,
        credit: c.credit,
        blocking,
        note: c.note.cleaned(),
        findings: c.findings.cleaned(),
        evidence: c
            .evidence
            .iter()
            .map(|e| EvidenceView {
                path: e.path.cleaned(),
                title: e.title.cleaned(),
                dated: e.dated.map(|d| d.to_string()),
                valid: e.valid,
                findings: e.findings.clone(),
            })
            .collect(),
        metrics: c
            .metrics
            .iter()
            .map(|(name, value)| MetricView {
                name: name.cleaned(),
                value: match value {
                    Value::String(s) => s.cleaned(),
                    other => other.to_string(),
                },
            })
            .collect(),
        waiver: waiver.cloned(),
    }
}

/// A credit or threshold in exact thousandths (they have at most 3 fractional digits).
fn thousandths(v: f64) -> u64 {
    (v * 1000.0).round().max(0.0) as u64
}

/// What keeps a level from being satisfied, as far as the result document tells (SPEC §5.3).
struct Rules {
    /// Under `threshold`: the element threshold in thousandths.
    threshold: Option<u64>,
    /// Under `all-conform`: whether `partial` counts as met.
    partial_is_met: bool,
}

impl Rules {
    fn of(result: &AssessmentResult) -> Rules {
        let threshold = (result.catalog.method == "threshold")
            .then(|| result.catalog.element_threshold.map(thousandths))
            .flatten();
        let partial_is_met = threshold.is_none() && result.catalog.partial_is_met == Some(true);
        Rules {
            threshold,
            partial_is_met,
        }
    }

    fn blocks(&self, c: &CriterionResult) -> bool {
        match c.status {
            Status::Conform | Status::NotApplicable | Status::Waived => false,
            Status::Partial => match self.threshold {
                Some(_) => c.key,
                None => !self.partial_is_met,
            },
            Status::Nonconform | Status::Unanswered => match self.threshold {
                Some(_) => c.key,
                None => true,
            },
        }
    }
}
