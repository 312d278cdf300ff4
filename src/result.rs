//! The result document (SPEC §7): one JSON object per valid submission, the source of truth
//! that every report renders from. It carries the catalog texts it needs, so a stored
//! result re-renders identically without the catalog.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::finding::{Finding, FindingCode, TopFinding};
use crate::submission::Rating;
use crate::text::Text;

mod json;
pub mod review;

pub use json::CompactWriter;
pub use review::{CriterionReview, ReviewResult};

/// The largest result document `itss render` and `itss diff` read (bytes). Results are
/// bounded by their submission (at most 16 MiB by default, 1 000 evidence items an answer,
/// repeated noise summarised into one finding), and every result `itss` writes stays well
/// below this.
pub const MAX_RESULT_SIZE: u64 = 256 << 20;

/// The `schema` value of this result format.
pub const SCHEMA_ID: &str = "itss-result/2";

/// How a catalog decides levels (SPEC §3, §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Every criterion of the level conforms (or is partial when `partial_is_met`).
    AllConform,
    /// Key criteria conform and every element score reaches the threshold.
    Threshold,
}

impl Method {
    /// `all-conform` or `threshold`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::AllConform => "all-conform",
            Method::Threshold => "threshold",
        }
    }
}

/// Which level a gap leads to (SPEC §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GapKind {
    /// The level above the achieved one (the entry level when none).
    Next,
    /// The target level, when it is above the next one.
    Target,
}

impl GapKind {
    /// `next` or `target`.
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::Next => "next",
            GapKind::Target => "target",
        }
    }
}

/// A criterion's status (SPEC §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Conforms.
    Conform,
    /// Partly conforms.
    Partial,
    /// Does not conform.
    Nonconform,
    /// No answer.
    Unanswered,
    /// Not applicable (excluded from denominators).
    NotApplicable,
    /// Waived (excluded from denominators).
    Waived,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Conform => "conform",
            Status::Partial => "partial",
            Status::Nonconform => "nonconform",
            Status::Unanswered => "unanswered",
            Status::NotApplicable => "not_applicable",
            Status::Waived => "waived",
        }
    }
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentResult {
    /// Always [`SCHEMA_ID`].
    pub schema: String,
    /// Engine name and version.
    pub engine: Engine,
    /// The catalog assessed against.
    pub catalog: CatalogInfo,
    /// The submission.
    pub submission: SubmissionInfo,
    /// Only with `--generated-at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// The as-of date of every time rule.
    pub as_of: Date,
    /// Highest level reached (with waivers), entry..k all satisfied.
    pub achieved_level: Option<String>,
    /// The same ignoring every waiver.
    pub achieved_level_without_waivers: Option<String>,
    /// Target level, if any.
    pub target_level: Option<String>,
    /// Whether the achieved level is at or above the target (null without target).
    pub target_met: Option<bool>,
    /// Score over all criteria (null when nothing counts).
    pub index: Option<f64>,
    /// Per level, entry first.
    pub levels: Vec<LevelResult>,
    /// Catalog elements in display order.
    pub elements: Vec<ElementInfo>,
    /// Per criterion, catalog order.
    pub criteria: Vec<CriterionResult>,
    /// What blocks the next and the target level.
    pub gaps: Vec<Gap>,
    /// Waivers that apply to this submission.
    pub waivers: Vec<WaiverResult>,
    /// Findings about the submission as a whole.
    pub findings: Vec<TopFinding>,
    /// The assessment body's review it was assessed with (`--review`): then the levels,
    /// scores and gaps above are the reviewed ones, and this holds the self-assessed view,
    /// the nonconformities and the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewResult>,
}

impl AssessmentResult {
    /// The position of a level id in the catalog's order (entry level first).
    pub fn level_position(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == id)
    }

    /// The id of the level that `typed` names ([`crate::catalog::names_level`]).
    pub fn find_level(&self, typed: &str) -> Option<&str> {
        self.levels
            .iter()
            .find(|l| crate::catalog::names_level(&l.id, &l.name, typed))
            .map(|l| l.id.as_str())
    }

    /// Whether the achieved level is at or above the level `required` (catalog order); false
    /// for a level the result does not have.
    pub fn reaches(&self, required: &str) -> bool {
        match (
            self.achieved_level
                .as_deref()
                .and_then(|a| self.level_position(a)),
            self.level_position(required),
        ) {
            (Some(a), Some(r)) => a >= r,
            _ => false,
        }
    }

    /// The positions of the levels the submission needs next (SPEC §5.5): from the level
    /// above the achieved one (the entry level when none) up to the target when it is
    /// higher; empty when the top level is achieved. A `blocking` criterion of one of these
    /// levels stands between the submission and its next level or its target.
    pub fn needed_levels(&self) -> std::ops::Range<usize> {
        let next = self
            .achieved_level
            .as_deref()
            .and_then(|a| self.level_position(a))
            .map_or(0, |a| a + 1);
        if next >= self.levels.len() {
            return next..next;
        }
        let target = self
            .target_level
            .as_deref()
            .and_then(|t| self.level_position(t))
            .unwrap_or(next);
        next..target.max(next) + 1
    }
}

/// Engine identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engine {
    /// `itss`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// The catalog as the report needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogInfo {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// sha256 of the catalog file.
    pub digest: String,
    /// Standard(s) encoded.
    pub standard: String,
    /// Official ITSS scheme or derived by this project.
    pub official: bool,
    /// Title.
    pub title: Text,
    /// The catalog's notice to readers, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
    /// How levels are decided.
    pub method: Method,
    /// Under `threshold`, the element threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element_threshold: Option<f64>,
    /// Under `all-conform`, whether `partial` counts as met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_is_met: Option<bool>,
}

/// The submission as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionInfo {
    /// Id.
    pub id: String,
    /// The file as given.
    pub source: String,
    /// Organization name.
    pub organization: String,
    /// Credit code.
    pub credit_code: Option<String>,
    /// sha256 (lowercase hex) of the submission file's bytes.
    pub sha256: String,
}

/// One level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelResult {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Gist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gist: Option<Text>,
    /// SPEC §5.3 verdict with waivers.
    pub satisfied: bool,
    /// The verdict ignoring waivers.
    pub satisfied_without_waivers: bool,
    /// Score over the level's criteria.
    pub score: Option<f64>,
    /// What decided `satisfied`.
    pub decision: Decision,
    /// What decided `satisfied_without_waivers`.
    pub decision_without_waivers: Decision,
    /// Prerequisites attached to this level.
    pub prerequisites: Vec<PrerequisiteResult>,
    /// Every catalog element.
    pub elements: Vec<ElementScore>,
}

/// What decided a level's verdict (SPEC §5.3): it is satisfied iff all three are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Ids of the level's prerequisites that are not met, catalog order.
    pub unmet_prerequisites: Vec<String>,
    /// How many of the level's criteria are blocking.
    pub blocking_criteria: u32,
    /// Under `threshold`: the elements whose level score is below the threshold.
    pub elements_below: Vec<ElementBelow>,
}

impl Decision {
    /// Whether the level is satisfied by this decision.
    pub fn satisfied(&self) -> bool {
        self.unmet_prerequisites.is_empty()
            && self.blocking_criteria == 0
            && self.elements_below.is_empty()
    }
}

/// An element below the threshold at a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementBelow {
    /// Element id.
    pub element: String,
    /// The score it has.
    pub score: f64,
    /// The threshold.
    pub threshold: f64,
}

/// A prerequisite's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrerequisiteResult {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Whether it is met.
    pub met: bool,
    /// For a time-based prerequisite: the date it has been met since (when met) or the
    /// earliest date it will be met given the submission's dates; null when no date of
    /// the submission can meet it, and for flags.
    pub met_on: Option<Date>,
    /// What was found.
    pub detail: Text,
}

/// An element's score within a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementScore {
    /// Element id.
    pub id: String,
    /// Score (null when nothing of the element applies at this level).
    pub score: Option<f64>,
    /// Criteria per status.
    pub counts: Counts,
}

/// Criteria per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// conform
    pub conform: u32,
    /// partial
    pub partial: u32,
    /// nonconform
    pub nonconform: u32,
    /// unanswered
    pub unanswered: u32,
    /// not_applicable
    pub not_applicable: u32,
    /// waived
    pub waived: u32,
}

impl Counts {
    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Counts) {
        self.conform += other.conform;
        self.partial += other.partial;
        self.nonconform += other.nonconform;
        self.unanswered += other.unanswered;
        self.not_applicable += other.not_applicable;
        self.waived += other.waived;
    }

    /// Adds one criterion of this status.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Conform => self.conform += 1,
            Status::Partial => self.partial += 1,
            Status::Nonconform => self.nonconform += 1,
            Status::Unanswered => self.unanswered += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::Waived => self.waived += 1,
        }
    }
}

/// An element's name and its score over the whole catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Score over the element's criteria of every level (null when none counts).
    pub score: Option<f64>,
}

/// One criterion's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// Id.
    pub id: Arc<str>,
    /// Level id.
    pub level: Arc<str>,
    /// Element id.
    pub element: Arc<str>,
    /// Title.
    pub title: Text,
    /// Clause of the standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<Text>,
    /// The requirement.
    pub requirement: Text,
    /// Key criterion.
    pub key: bool,
    /// Weight.
    pub weight: u32,
    /// The evidence the criterion asks for.
    pub evidence_needed: EvidenceNeeded,
    /// The metrics the criterion asks for, catalog order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics_needed: Vec<MetricNeeded>,
    /// Rating as answered.
    pub rating: Option<Rating>,
    /// Status.
    pub status: Status,
    /// Credit (null when excluded).
    pub credit: Option<f64>,
    /// Whether the status keeps the criterion's own level from being satisfied (SPEC §7).
    pub blocking: bool,
    /// Enterprise note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Evidence items as checked (only for conform/partial answers).
    pub evidence: Vec<EvidenceResult>,
    /// Metric values as answered.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, Value>,
    /// In a reviewed result: the declared rating and what the team recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<CriterionReview>,
}

/// The evidence a criterion asks for (its catalog rule), for readers who must supply it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceNeeded {
    /// Valid items needed to support conform or partial.
    pub min: u32,
    /// Items older than this many days (before as-of) are stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// What to provide (typical artefacts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<Text>,
}

/// A metric a criterion asks for, as readers name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricNeeded {
    /// Id (the key in the answer's `metrics`).
    pub id: Arc<str>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// Its target is not an ITSS requirement: reported, never changes a status.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
}

/// What fixing a criterion that stands in a gap takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    /// Answer it: it is unanswered.
    Answer,
    /// Supply or refresh evidence: missing, stale, undated, future-dated, digest mismatch,
    /// or too few valid items.
    Evidence,
    /// Bring a metric into range or to its target (or give its value).
    Metric,
    /// Improve the practice itself: rated partial or nonconform (or `na` where not allowed).
    Practice,
}

impl Fix {
    /// `answer`, `evidence`, `metric` or `practice`.
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Answer => "answer",
            Fix::Evidence => "evidence",
            Fix::Metric => "metric",
            Fix::Practice => "practice",
        }
    }
}

/// One evidence item as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceResult {
    /// Path as given.
    pub path: String,
    /// Title as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Date as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dated: Option<Date>,
    /// Counts towards `evidence.min`.
    pub valid: bool,
    /// Rules it fails.
    pub findings: Vec<FindingCode>,
}

/// What separates the submission from a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// `next` (the level above the achieved one) or `target`.
    pub kind: GapKind,
    /// The level aimed at.
    pub level: String,
    /// Unmet prerequisites of the levels up to it.
    pub prerequisites: Vec<GapPrerequisite>,
    /// When every unmet prerequisite is time-based and dated: the first day all of them are
    /// met — whatever else is fixed, the level cannot be reached before it. Null otherwise.
    pub earliest: Option<Date>,
    /// Criteria that block it, ranked: key first, weight descending, id.
    pub criteria: Vec<GapCriterion>,
    /// Under `threshold`: elements below the threshold.
    pub elements: Vec<GapElement>,
}

/// An unmet prerequisite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapPrerequisite {
    /// The level it gates.
    pub level: String,
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// What was found.
    pub detail: Text,
    /// For a time-based prerequisite, the first day it will be met (null when no date of the
    /// submission can meet it).
    pub met_on: Option<Date>,
}

/// A blocking criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapCriterion {
    /// Id.
    pub id: Arc<str>,
    /// Level id.
    pub level: Arc<str>,
    /// Element id.
    pub element: Arc<str>,
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
    /// What fixing it takes.
    pub fix: Fix,
    /// Finding codes.
    pub findings: Vec<FindingCode>,
}

/// An element below threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapElement {
    /// Level id.
    pub level: String,
    /// Element id.
    pub id: String,
    /// Score it has.
    pub score: f64,
    /// Score it needs.
    pub needed: f64,
}

/// A waiver that applies to this submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverResult {
    /// Criterion.
    pub criterion: String,
    /// Why.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Last active day.
    pub expires_on: Date,
    /// Active on the as-of date.
    pub active: bool,
}
