//! The parts of the view, as templates read them: cover, levels, gaps, elements with their
//! criteria, waivers, findings, footer.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};

use crate::result::{Counts, Status};

use super::object::{Label, List, Str, TextView, ToValue, view_object};
use crate::report::chart::Chart;

/// The whole view.
#[derive(Debug)]
pub struct View {
    /// Cover page facts.
    pub cover: Arc<Cover>,
    /// Levels, entry level first, with their verdict and its reasons.
    pub levels: Arc<List<Arc<LevelView>>>,
    /// The element-score chart.
    pub chart: Arc<Chart>,
    /// Gaps to the next and the target level.
    pub gaps: Arc<List<Arc<GapView>>>,
    /// The criteria tables, per level (entry first) and element.
    pub tables: Arc<List<Arc<LevelTable>>>,
    /// Whether every level's table is shown open (collapsed levels expanded, for print).
    pub expand: bool,
    /// Waivers that apply to the submission.
    pub waivers: Arc<List<Arc<WaiverView>>>,
    /// Findings about the submission as a whole.
    pub findings: Arc<List<Arc<TopFindingView>>>,
    /// Finding codes that occur in the result: criterion codes in the order of
    /// [`FindingCode::ALL`](crate::finding::FindingCode::ALL), then the codes of top-level findings, sorted.
    pub legend: Arc<List<Str>>,
    /// Criteria per status over the whole catalog.
    pub totals: Arc<Counts>,
    /// Number of criteria.
    pub criteria_count: usize,
    /// Footer facts.
    pub footer: Arc<Footer>,
    /// The review the result was assessed on (absent for a self-assessment).
    pub review: Option<minijinja::Value>,
}

view_object!(View {
    cover,
    levels,
    chart,
    gaps,
    tables,
    expand,
    waivers,
    findings,
    legend,
    totals,
    criteria_count,
    footer,
    review
});

/// A reference to a level.
#[derive(Debug)]
pub struct LevelRef {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// HTML anchor of its ladder entry.
    pub anchor: Str,
    /// `level.label` with its id and name: how the report names the level.
    pub label: Label,
}

view_object!(LevelRef {
    id,
    name,
    anchor,
    label
});

/// A reference to an element.
#[derive(Debug)]
pub struct ElementRef {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// HTML anchor of its criteria table.
    pub anchor: Str,
}

view_object!(ElementRef { id, name, anchor });

/// Cover page.
#[derive(Debug)]
pub struct Cover {
    /// Organization name.
    pub organization: Str,
    /// Unified social credit code.
    pub credit_code: Option<Str>,
    /// Submission id.
    pub submission: Str,
    /// Submission file as given.
    pub source: Str,
    /// Catalog id.
    pub catalog_id: Str,
    /// Catalog version (edition).
    pub catalog_version: Str,
    /// Standard(s) encoded.
    pub standard: Str,
    /// Catalog title.
    pub catalog_title: Arc<TextView>,
    /// The catalog's notice to readers.
    pub notice: Option<Arc<TextView>>,
    /// Official ITSS scheme (false: derived by this project).
    pub official: bool,
    /// `all-conform` or `threshold`.
    pub method: Str,
    /// Under `threshold`, the element threshold.
    pub threshold: Option<f64>,
    /// As-of date.
    pub as_of: Str,
    /// Achieved level (with waivers).
    pub achieved: Option<Arc<LevelRef>>,
    /// Achieved level without waivers.
    pub achieved_without_waivers: Option<Arc<LevelRef>>,
    /// Whether waivers change the achieved level.
    pub waivers_change_level: bool,
    /// Target level.
    pub target: Option<Arc<LevelRef>>,
    /// Whether the target is met (null without target).
    pub target_met: Option<bool>,
    /// Index over all criteria.
    pub index: Option<f64>,
    /// `--generated-at`, when given.
    pub generated_at: Option<Str>,
    /// The level above the achieved one (the entry level when none), when there is one.
    pub next: Option<Arc<LevelRef>>,
    /// How many criteria stand between the submission and the next level.
    pub next_criteria: usize,
    /// How many prerequisites of the next level are unmet.
    pub next_prerequisites: usize,
    /// The first day the next level can be reached, when only dated prerequisites wait.
    pub next_earliest: Option<Str>,
}

view_object!(Cover {
    next,
    next_criteria,
    next_prerequisites,
    next_earliest,
    organization,
    credit_code,
    submission,
    source,
    catalog_id,
    catalog_version,
    standard,
    catalog_title,
    notice,
    official,
    method,
    threshold,
    as_of,
    achieved,
    achieved_without_waivers,
    waivers_change_level,
    target,
    target_met,
    index,
    generated_at
});

/// A level's verdict and its reasons.
#[derive(Debug)]
pub struct LevelView {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// Gist.
    pub gist: Option<Arc<TextView>>,
    /// HTML anchor.
    pub anchor: Str,
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
    pub blocked_by: Option<Arc<LevelRef>>,
    /// Score over the level's criteria.
    pub score: Option<f64>,
    /// Prerequisites attached to the level.
    pub prerequisites: Arc<List<Arc<PrerequisiteView>>>,
    /// How many of them are unmet.
    pub unmet_prerequisites: usize,
    /// Criteria whose status alone keeps the level from being satisfied.
    pub blocking: usize,
    /// Under `threshold`: elements below the threshold.
    pub below: Arc<List<Arc<BelowView>>>,
    /// Criteria per status.
    pub counts: Arc<Counts>,
    /// Criteria that count (not `not_applicable`).
    pub applicable: u32,
    /// Gap anchor that lists this level's blocking criteria, when a gap covers it.
    pub gap_anchor: Option<Str>,
    /// `level.label`: how the report names the level.
    pub label: Label,
    /// `ladder.counts` with `counts`.
    pub counts_label: Label,
}

view_object!(LevelView {
    id,
    name,
    gist,
    anchor,
    state,
    satisfied,
    thanks_to_waivers,
    is_achieved,
    is_target,
    blocked_by,
    score,
    prerequisites,
    unmet_prerequisites,
    blocking,
    below,
    counts,
    applicable,
    gap_anchor,
    label,
    counts_label
});

/// A prerequisite's outcome.
#[derive(Debug)]
pub struct PrerequisiteView {
    /// Id.
    pub id: Str,
    /// Title.
    pub title: Arc<TextView>,
    /// Met.
    pub met: bool,
    /// What was found.
    pub detail: Arc<TextView>,
    /// For a time-based prerequisite, the day it is or will be met.
    pub met_on: Option<Str>,
}

view_object!(PrerequisiteView {
    met_on,
    id,
    title,
    met,
    detail
});

/// An element below the threshold at a level.
#[derive(Debug)]
pub struct BelowView {
    /// The level.
    pub level: Arc<LevelRef>,
    /// The element.
    pub element: Arc<ElementRef>,
    /// Score it has.
    pub score: f64,
    /// Score it needs.
    pub needed: f64,
    /// Anchor of the element's table at that level.
    pub anchor: Str,
}

view_object!(BelowView {
    anchor,
    level,
    element,
    score,
    needed
});

/// The action plan towards one level (a gap): what stands in the way, grouped by what
/// fixing it takes.
#[derive(Debug)]
pub struct GapView {
    /// `next` or `target`.
    pub kind: Str,
    /// The level aimed at.
    pub level: Arc<LevelRef>,
    /// HTML anchor.
    pub anchor: Str,
    /// When only dated prerequisites stand in the way after everything else is fixed: the
    /// first day the level can be reached.
    pub earliest: Option<Str>,
    /// Unmet time-based prerequisites with the day each will be met (waiting is the action).
    pub waits: Arc<List<Arc<GapPrerequisiteView>>>,
    /// Unmet prerequisites no date of the submission meets (a certificate to obtain, a fact
    /// to establish).
    pub needs: Arc<List<Arc<GapPrerequisiteView>>>,
    /// Under `threshold`: elements below the threshold.
    pub below: Arc<List<Arc<BelowView>>>,
    /// The criteria, grouped by what fixing them takes (answer, evidence, metric, practice),
    /// key criteria first within each group.
    pub groups: Arc<List<Arc<GapGroup>>>,
    /// Number of criteria.
    pub criteria_count: usize,
    /// How many of them are key criteria.
    pub key_count: usize,
}

view_object!(GapView {
    key_count,
    kind,
    level,
    anchor,
    earliest,
    waits,
    needs,
    below,
    groups,
    criteria_count
});

/// An unmet prerequisite of a gap.
#[derive(Debug)]
pub struct GapPrerequisiteView {
    /// The level it gates.
    pub level: Arc<LevelRef>,
    /// Id.
    pub id: Str,
    /// Title.
    pub title: Arc<TextView>,
    /// What was found.
    pub detail: Arc<TextView>,
    /// The day it will be met, when a date of the submission meets it.
    pub met_on: Option<Str>,
}

view_object!(GapPrerequisiteView {
    level,
    id,
    title,
    met_on,
    detail
});

/// The criteria of a gap that one kind of fix addresses.
#[derive(Debug)]
pub struct GapGroup {
    /// `key` (the key criteria, whatever fixing them takes), `answer`, `evidence`, `metric`
    /// or `practice`.
    pub fix: &'static str,
    /// The criteria, key first.
    pub criteria: Arc<List<Arc<GapItem>>>,
}

view_object!(GapGroup { fix, criteria });

/// A blocking criterion: one action.
#[derive(Debug)]
pub struct GapItem {
    /// What fixing it takes: `answer`, `evidence`, `metric` or `practice`.
    pub fix: &'static str,
    /// Id.
    pub id: Str,
    /// Anchor of its row in the criteria tables.
    pub anchor: Str,
    /// Its level.
    pub level: Arc<LevelRef>,
    /// Title.
    pub title: Arc<TextView>,
    /// Requirement.
    pub requirement: Arc<TextView>,
    /// Key criterion.
    pub key: bool,
    /// Weight.
    pub weight: u32,
    /// Status.
    pub status: Status,
    /// Findings with their messages.
    pub findings: Arc<List<Arc<FindingView>>>,
    /// `status.<status>`.
    pub status_label: Label,
    /// `gaps.weight` with the weight; `none` for weight 1.
    pub weight_label: Option<Label>,
    /// The element it belongs to.
    pub element: Arc<ElementRef>,
    /// What to provide as evidence (the catalog's hints).
    pub hints: Arc<List<Arc<TextView>>>,
    /// The evidence rule (`plan.evidence_rule`), when the criterion asks for evidence.
    pub evidence_rule: Option<Label>,
    /// The enterprise's own note.
    pub note: Option<Str>,
    /// The metrics it asks for: their titles in the report's language, advisory ones marked.
    pub metrics: Arc<List<Arc<MetricView>>>,
}

view_object!(GapItem {
    fix,
    metrics,
    id,
    anchor,
    level,
    element,
    hints,
    evidence_rule,
    note,
    title,
    requirement,
    key,
    weight,
    status,
    findings,
    status_label,
    weight_label
});

/// An element with its criteria.
#[derive(Debug)]
pub struct ElementView {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// HTML anchor.
    pub anchor: Str,
    /// Criteria per status.
    pub counts: Arc<Counts>,
    /// Criteria, catalog order.
    pub criteria: Arc<List<Arc<CriterionView>>>,
    /// `ladder.counts` with `counts`.
    pub counts_label: Label,
}

view_object!(ElementView {
    id,
    name,
    anchor,
    counts,
    criteria,
    counts_label
});

/// A criterion row.
#[derive(Debug)]
pub struct CriterionView {
    /// Id.
    pub id: Str,
    /// HTML anchor.
    pub anchor: Str,
    /// Its level.
    pub level: Arc<LevelRef>,
    /// Title.
    pub title: Arc<TextView>,
    /// Requirement.
    pub requirement: Arc<TextView>,
    /// Clause.
    pub clause: Option<Str>,
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
    pub note: Option<Str>,
    /// Findings.
    pub findings: Arc<List<Arc<FindingView>>>,
    /// Evidence items as checked.
    pub evidence: Arc<List<Arc<EvidenceView>>>,
    /// Metric values as answered.
    pub metrics: Arc<List<Arc<MetricView>>>,
    /// A waiver naming it.
    pub waiver: Option<Arc<WaiverMark>>,
    /// `status.<status>`.
    pub status_label: Label,
    /// `rating.<rating>` (`rating.none` when unanswered).
    pub rating_label: Label,
    /// `criteria.weight` with the weight; `none` for weight 1.
    pub weight_label: Option<Label>,
    /// The credit as the `num` filter shows it (`—` when excluded).
    pub credit_text: Str,
}

view_object!(CriterionView {
    id,
    anchor,
    level,
    title,
    requirement,
    clause,
    key,
    weight,
    rating,
    status,
    credit,
    blocking,
    note,
    findings,
    evidence,
    metrics,
    waiver,
    status_label,
    rating_label,
    weight_label,
    credit_text
});

/// A finding on a criterion.
#[derive(Debug)]
pub struct FindingView {
    /// Code.
    pub code: &'static str,
    /// Details (may be empty).
    pub message: Str,
    /// `finding.<code>.name`.
    pub name: Label,
}

view_object!(FindingView {
    code,
    message,
    name
});

/// An evidence item.
#[derive(Debug)]
pub struct EvidenceView {
    /// Path as given.
    pub path: Str,
    /// Title as given.
    pub title: Option<Str>,
    /// Date as given.
    pub dated: Option<Str>,
    /// Counts towards the minimum.
    pub valid: bool,
    /// Codes of the rules it fails.
    pub findings: Arc<List<&'static str>>,
    /// `criteria.dated` with the date; `none` when undated.
    pub dated_label: Option<Label>,
    /// `criteria.valid` or `criteria.invalid`.
    pub valid_label: Label,
    /// `finding.<code>.name` of each code in `findings`.
    pub finding_names: Arc<List<Label>>,
}

view_object!(EvidenceView {
    path,
    title,
    dated,
    valid,
    findings,
    dated_label,
    valid_label,
    finding_names
});

/// A metric value.
#[derive(Debug)]
pub struct MetricView {
    /// Metric id.
    pub name: Str,
    /// Its title in the report's language (the id when the catalog gives none).
    pub title: Str,
    /// Its target is not an ITSS requirement.
    pub advisory: bool,
    /// Value as answered, as text.
    pub value: Str,
}

view_object!(MetricView {
    name,
    title,
    advisory,
    value
});

/// A waiver on a criterion row.
#[derive(Debug)]
pub struct WaiverMark {
    /// Active on the as-of date.
    pub active: bool,
    /// Last active day.
    pub expires_on: Str,
    /// `criteria.waived_until` (active) or `criteria.waiver_expired` with the date.
    pub label: Label,
}

view_object!(WaiverMark {
    active,
    expires_on,
    label
});

/// A waiver.
#[derive(Debug)]
pub struct WaiverView {
    /// Criterion id.
    pub criterion: Str,
    /// Anchor of the criterion's row (null when the catalog lacks it).
    pub anchor: Option<Str>,
    /// Criterion title (null when the catalog lacks it).
    pub title: Option<Arc<TextView>>,
    /// Why.
    pub justification: Str,
    /// Who approved it.
    pub approved_by: Str,
    /// Last active day.
    pub expires_on: Str,
    /// Active on the as-of date.
    pub active: bool,
}

view_object!(WaiverView {
    criterion,
    anchor,
    title,
    justification,
    approved_by,
    expires_on,
    active
});

/// A finding about the whole submission.
#[derive(Debug)]
pub struct TopFindingView {
    /// Code.
    pub code: Str,
    /// Details.
    pub message: Str,
}

view_object!(TopFindingView { code, message });

/// Footer.
#[derive(Debug)]
pub struct Footer {
    /// Catalog digest (sha256).
    pub digest: Str,
    /// Submission file digest (sha256).
    pub submission_digest: Str,
    /// Engine name.
    pub engine: Str,
    /// Engine version.
    pub version: Str,
    /// As-of date.
    pub as_of: Str,
    /// `--generated-at`, when given.
    pub generated_at: Option<Str>,
}

view_object!(Footer {
    digest,
    submission_digest,
    engine,
    version,
    as_of,
    generated_at
});

/// The criteria of one level, per element: a level needed now is open, a level above both
/// the next one and the target is collapsed (expanded when the report is asked to be).
#[derive(Debug)]
pub struct LevelTable {
    /// The level.
    pub level: Arc<LevelRef>,
    /// Shown open.
    pub open: bool,
    /// Criteria per status (`ladder.counts`).
    pub counts_label: Label,
    /// Number of criteria.
    pub count: usize,
    /// The level's elements with their criteria (elements without criteria left out).
    pub elements: Arc<List<Arc<ElementView>>>,
}

view_object!(LevelTable {
    level,
    open,
    counts_label,
    count,
    elements
});
