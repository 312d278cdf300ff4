//! Cohort statistics of a batch (SPEC §8, §9): what each result contributes
//! ([`CohortRow`], made by the worker that assessed it) and the per-catalog tallies folded
//! from the rows in input order ([`CatalogCohort`], [`BatchSummary`]).
//!
//! Everything here reads what the result documents decided — levels, `blocking` flags,
//! scores, prerequisite verdicts — and counts it; no rule of SPEC §5 is applied again.
//! Tallies are integers, so the outcome does not depend on the order rows arrive in.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::result::review::{AgreementStats, ReviewStatus};
use crate::result::{AssessmentResult, GapKind};
use crate::score::Tally;
use crate::text::Text;

/// What a batch keeps of one result: the summary row and the facts the cohort statistics
/// count. Made by the worker, so the result itself is dropped where it was made.
#[derive(Debug, Clone)]
pub struct CohortRow {
    /// Submission id.
    pub id: String,
    /// Submission file as given.
    pub source: String,
    /// Organization name.
    pub organization: String,
    /// Credit code.
    pub credit_code: Option<String>,
    /// Catalog id.
    pub catalog: String,
    /// Achieved level (with waivers).
    pub achieved_level: Option<String>,
    /// Achieved level without waivers.
    pub achieved_level_without_waivers: Option<String>,
    /// Target level.
    pub target_level: Option<String>,
    /// Whether the target is met (null without target).
    pub target_met: Option<bool>,
    /// Index.
    pub index: Option<f64>,
    /// Each catalog element's score over all levels, in the catalog's element order.
    pub element_scores: Vec<Option<f64>>,
    /// Per criterion (catalog order): whether it is blocking.
    pub blocking: Vec<bool>,
    /// Positions of the levels the submission needs next ([`AssessmentResult::needed_levels`]).
    pub needed_levels: Range<usize>,
    /// Per level × element (level order, then element order): the score.
    pub level_element_scores: Vec<Option<f64>>,
    /// Per prerequisite (level order): whether it is met.
    pub prerequisites_met: Vec<bool>,
    /// The level above the achieved one (the entry level when none is reached), when the
    /// catalog has one.
    pub next_level: Option<String>,
    /// What keeps the next level from being satisfied: its blocking criteria…
    pub next_blocking: u32,
    /// … its unmet prerequisites …
    pub next_prerequisites: u32,
    /// … and, under `threshold`, its elements below the threshold.
    pub next_below: u32,
    /// The first day the next level can be reached, when only dated prerequisites wait.
    pub next_earliest: Option<String>,
    /// The submission's HTML report, relative to the batch's output directory, when one is
    /// written (set by the batch as it places the file).
    pub report: Option<String>,
    /// When assessed on a review: what the review adds.
    pub review: Option<RowReview>,
}

/// What a reviewed submission's row carries of its review.
#[derive(Debug, Clone, Serialize)]
pub struct RowReview {
    /// Final or provisional.
    pub status: ReviewStatus,
    /// The level the declared ratings give.
    pub self_assessed_level: Option<String>,
    /// Agreement of the team with the declared ratings, over every criterion compared.
    pub agreement: AgreementStats,
    /// Nonconformities not closed and verified as of the as-of date.
    pub open_nonconformities: u32,
}

/// The reviewed part of a cohort: how far assessors' views were from self-assessments.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewCohort {
    /// Results assessed on a review.
    pub reviewed: u64,
    /// Of those, final (every nonconformity closed and verified).
    pub final_count: u64,
    /// Of those, provisional.
    pub provisional: u64,
    /// Reviewed level below the self-assessed one.
    pub level_lowered: u64,
    /// Reviewed level the same as the self-assessed one.
    pub level_same: u64,
    /// Reviewed level above the self-assessed one.
    pub level_raised: u64,
    /// Criteria compared, pooled over the cohort.
    pub compared: u64,
    /// Confirmed, pooled.
    pub confirmed: u64,
    /// Lowered by the team, pooled.
    pub lowered: u64,
    /// Raised by the team, pooled.
    pub raised: u64,
    /// confirmed / compared, pooled (4 decimals).
    pub agreement: Option<f64>,
    /// Results per κ band (Landis & Koch): below 0, 0–0.20, 0.21–0.40, 0.41–0.60,
    /// 0.61–0.80, 0.81–1.
    pub kappa_bands: [u64; 6],
    /// Results whose κ is undefined (nothing compared, or no expected disagreement).
    pub kappa_undefined: u64,
    /// Nonconformities not closed and verified, over the cohort.
    pub open_nonconformities: u64,
}

impl ReviewCohort {
    fn add(
        &mut self,
        review: &RowReview,
        reviewed_position: Option<usize>,
        self_position: Option<usize>,
    ) {
        self.reviewed += 1;
        match review.status {
            ReviewStatus::Final => self.final_count += 1,
            ReviewStatus::Provisional => self.provisional += 1,
        }
        // Positions are catalog order (entry first); no level ranks below every level.
        let rank = |p: Option<usize>| p.map_or(0, |p| p + 1);
        match rank(reviewed_position).cmp(&rank(self_position)) {
            std::cmp::Ordering::Less => self.level_lowered += 1,
            std::cmp::Ordering::Equal => self.level_same += 1,
            std::cmp::Ordering::Greater => self.level_raised += 1,
        }
        let a = &review.agreement;
        self.compared += u64::from(a.compared);
        self.confirmed += u64::from(a.confirmed);
        self.lowered += u64::from(a.lowered);
        self.raised += u64::from(a.raised);
        match a.kappa {
            None => self.kappa_undefined += 1,
            Some(k) => {
                let band = [0.0, 0.2, 0.4, 0.6, 0.8]
                    .iter()
                    .take_while(|&&edge| if edge == 0.0 { k >= 0.0 } else { k > edge })
                    .count();
                self.kappa_bands[band] += 1;
            }
        }
        self.open_nonconformities += u64::from(review.open_nonconformities);
    }
}

impl CohortRow {
    /// The row of a result.
    pub fn new(r: &AssessmentResult) -> CohortRow {
        let next = r.levels.get(r.needed_levels().start);
        CohortRow {
            id: r.submission.id.clone(),
            source: r.submission.source.clone(),
            organization: r.submission.organization.clone(),
            credit_code: r.submission.credit_code.clone(),
            catalog: r.catalog.id.clone(),
            achieved_level: r.achieved_level.clone(),
            achieved_level_without_waivers: r.achieved_level_without_waivers.clone(),
            target_level: r.target_level.clone(),
            target_met: r.target_met,
            index: r.index,
            element_scores: r.elements.iter().map(|e| e.score).collect(),
            blocking: r.criteria.iter().map(|c| c.blocking).collect(),
            needed_levels: r.needed_levels(),
            level_element_scores: r
                .levels
                .iter()
                .flat_map(|l| l.elements.iter().map(|e| e.score))
                .collect(),
            prerequisites_met: r
                .levels
                .iter()
                .flat_map(|l| l.prerequisites.iter().map(|p| p.met))
                .collect(),
            next_level: next.map(|l| l.id.clone()),
            next_blocking: next.map_or(0, |l| l.decision.blocking_criteria),
            next_prerequisites: next.map_or(0, |l| {
                u32::try_from(l.decision.unmet_prerequisites.len()).unwrap_or(u32::MAX)
            }),
            next_below: next.map_or(0, |l| {
                u32::try_from(l.decision.elements_below.len()).unwrap_or(u32::MAX)
            }),
            next_earliest: r
                .gaps
                .iter()
                .find(|g| g.kind == GapKind::Next)
                .and_then(|g| g.earliest)
                .map(|d| d.to_string()),
            report: None,
            review: r.review.as_ref().map(|v| RowReview {
                status: v.status,
                self_assessed_level: v.self_assessed.achieved_level.clone(),
                agreement: v.agreement.overall,
                open_nonconformities: u32::try_from(v.open_nonconformities().count())
                    .unwrap_or(u32::MAX),
            }),
        }
    }
}

/// A level or element as the summary names it.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// A numbered level (`3`): readers call it `3级 · 拓展级`; otherwise by its name alone.
    pub numbered: bool,
}

fn numbered(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// Cohort statistics of one catalog, folded as results stream by.
#[derive(Debug, Default, Clone, Serialize)]
pub struct CatalogCohort {
    /// Catalog id.
    pub catalog: String,
    /// Catalog title.
    pub title: Text,
    /// Whether the catalog is an official ITSS scheme.
    pub official: bool,
    /// The catalog's notice to readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
    /// Levels, entry first.
    pub levels: Vec<Named>,
    /// Elements in catalog order.
    pub elements: Vec<Named>,
    /// Results.
    pub assessed: u64,
    /// Results per achieved level id (`none` for no level).
    pub achieved: BTreeMap<String, u64>,
    /// Results whose target was met.
    pub target_met: u64,
    /// Results with a target that was not met.
    pub target_missed: u64,
    /// Mean index (4 decimals), null when no result had one.
    pub mean_index: Option<f64>,
    /// Per criterion, most blocking first (catalog order among equals).
    pub criteria: Vec<CriterionTally>,
    /// Per level × element: score statistics.
    pub element_scores: Vec<LevelElementStats>,
    /// Per prerequisite: how often it was not met.
    pub prerequisites: Vec<PrerequisiteTally>,
    /// Target × achieved: `matrix[t][a]` counts the results whose target is level `t`
    /// (catalog order; the last row: no target) and whose achieved level is `a - 1` (column
    /// 0: no level reached).
    pub matrix: Vec<Vec<u64>>,
    /// Why the results that reached no level reached none.
    pub no_level: NoLevel,
    /// Results assessed on a review, and their agreement with the self-assessments.
    pub reviews: ReviewCohort,
    /// Sum of the index in ten-thousandths, and how many had one (for the mean).
    #[serde(skip)]
    index_sum: u64,
    #[serde(skip)]
    index_count: u64,
}

/// What kept the results that reached no level from the entry level.
#[derive(Debug, Default, Clone, Serialize)]
pub struct NoLevel {
    /// Results that reached no level.
    pub count: u64,
    /// Only prerequisites were unmet (every criterion would do).
    pub prerequisites_only: u64,
    /// Only criteria (or element scores) fell short (every prerequisite was met).
    pub criteria_only: u64,
    /// Both.
    pub both: u64,
}

/// How often one criterion stood between submissions and the level they needed next.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionTally {
    /// Criterion id.
    pub id: String,
    /// Level id.
    pub level: String,
    /// Element id.
    pub element: String,
    /// Title.
    pub title: Text,
    /// Submissions it blocked: it is `blocking` and its level is one the submission needs
    /// next (from the level above the achieved one up to the target).
    pub blocks: u64,
    /// Submissions for which its level was one they needed next.
    pub considered: u64,
    /// blocks / considered (4 decimals), null when never considered.
    pub blocking_rate: Option<f64>,
    /// Position of its level.
    #[serde(skip)]
    level_position: usize,
}

/// Score distribution of one element at one level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelElementStats {
    /// Level id.
    pub level: String,
    /// Level name.
    pub level_name: Text,
    /// Element id.
    pub element: String,
    /// Element name.
    pub element_name: Text,
    /// Results with a defined score.
    pub count: u64,
    /// Sum of scores in ten-thousandths.
    #[serde(skip)]
    sum: u64,
    /// Mean score (4 decimals), null when no result had one.
    pub mean: Option<f64>,
    /// Histogram over [0,0.1), [0.1,0.2) … [0.9,1.0]: ten buckets.
    pub histogram: [u64; 10],
}

/// How often one prerequisite was not met.
#[derive(Debug, Clone, Serialize)]
pub struct PrerequisiteTally {
    /// Prerequisite id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Level id.
    pub level: String,
    /// Results where it was not met.
    pub failed: u64,
}

fn ten_thousandths(score: f64) -> u64 {
    (score * 10_000.0).round().max(0.0) as u64
}

/// `earned / weight` as a reported score (4 decimals), exact in integers.
fn ratio(earned: u64, weight: u64) -> Option<f64> {
    Tally { earned, weight }.score()
}

impl CatalogCohort {
    /// The empty cohort of a result's catalog (its levels, elements, criteria and
    /// prerequisites, nothing counted).
    pub fn new(result: &AssessmentResult) -> CatalogCohort {
        CatalogCohort {
            catalog: result.catalog.id.clone(),
            title: result.catalog.title.clone(),
            official: result.catalog.official,
            notice: result.catalog.notice.clone(),
            levels: result
                .levels
                .iter()
                .map(|l| Named {
                    numbered: numbered(&l.id),
                    id: l.id.clone(),
                    name: l.name.clone(),
                })
                .collect(),
            elements: result
                .elements
                .iter()
                .map(|e| Named {
                    numbered: false,
                    id: e.id.clone(),
                    name: e.name.clone(),
                })
                .collect(),
            criteria: result
                .criteria
                .iter()
                .map(|c| CriterionTally {
                    id: c.id.to_string(),
                    level: c.level.to_string(),
                    element: c.element.to_string(),
                    title: c.title.clone(),
                    blocks: 0,
                    considered: 0,
                    blocking_rate: None,
                    level_position: result.level_position(&c.level).unwrap_or(usize::MAX),
                })
                .collect(),
            element_scores: result
                .levels
                .iter()
                .flat_map(|l| {
                    l.elements.iter().map(|e| LevelElementStats {
                        level: l.id.clone(),
                        level_name: l.name.clone(),
                        element: e.id.clone(),
                        element_name: result
                            .elements
                            .iter()
                            .find(|x| x.id == e.id)
                            .map_or_else(Text::default, |x| x.name.clone()),
                        count: 0,
                        sum: 0,
                        mean: None,
                        histogram: [0; 10],
                    })
                })
                .collect(),
            prerequisites: result
                .levels
                .iter()
                .flat_map(|l| {
                    l.prerequisites.iter().map(|p| PrerequisiteTally {
                        id: p.id.clone(),
                        title: p.title.clone(),
                        level: l.id.clone(),
                        failed: 0,
                    })
                })
                .collect(),
            matrix: vec![vec![0; result.levels.len() + 1]; result.levels.len() + 1],
            ..CatalogCohort::default()
        }
    }

    fn level_position(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == id)
    }

    /// Counts one result's row.
    pub fn add(&mut self, row: &CohortRow) {
        self.assessed += 1;
        let achieved = row.achieved_level.as_deref().unwrap_or("none");
        match self.achieved.get_mut(achieved) {
            Some(n) => *n += 1,
            None => {
                self.achieved.insert(achieved.to_owned(), 1);
            }
        }
        match row.target_met {
            Some(true) => self.target_met += 1,
            Some(false) => self.target_missed += 1,
            None => {}
        }
        let n = self.levels.len();
        let target = row
            .target_level
            .as_deref()
            .and_then(|t| self.level_position(t))
            .unwrap_or(n);
        let achieved = row
            .achieved_level
            .as_deref()
            .and_then(|a| self.level_position(a))
            .map_or(0, |a| a + 1);
        if let Some(cell) = self
            .matrix
            .get_mut(target)
            .and_then(|r| r.get_mut(achieved))
        {
            *cell += 1;
        }
        if let Some(review) = &row.review {
            let reviewed = row
                .achieved_level
                .as_deref()
                .and_then(|a| self.level_position(a));
            let declared = review
                .self_assessed_level
                .as_deref()
                .and_then(|a| self.level_position(a));
            self.reviews.add(review, reviewed, declared);
        }
        if row.achieved_level.is_none() {
            let prerequisites = row.next_prerequisites > 0;
            let criteria = row.next_blocking > 0 || row.next_below > 0;
            self.no_level.count += 1;
            match (prerequisites, criteria) {
                (true, false) => self.no_level.prerequisites_only += 1,
                (false, true) => self.no_level.criteria_only += 1,
                (true, true) => self.no_level.both += 1,
                (false, false) => {}
            }
        }
        if let Some(index) = row.index {
            self.index_sum += ten_thousandths(index);
            self.index_count += 1;
        }
        for (tally, &blocking) in self.criteria.iter_mut().zip(&row.blocking) {
            if row.needed_levels.contains(&tally.level_position) {
                tally.considered += 1;
                if blocking {
                    tally.blocks += 1;
                }
            }
        }
        for (stats, score) in self
            .element_scores
            .iter_mut()
            .zip(&row.level_element_scores)
        {
            if let Some(s) = score {
                let t = ten_thousandths(*s);
                stats.count += 1;
                stats.sum += t;
                stats.histogram[usize::try_from((t / 1000).min(9)).unwrap_or(9)] += 1;
            }
        }
        for (tally, met) in self.prerequisites.iter_mut().zip(&row.prerequisites_met) {
            if !met {
                tally.failed += 1;
            }
        }
    }

    /// Computes the means and rates and ranks the criteria: most blocking first, catalog
    /// order among equals.
    pub fn finish(&mut self) {
        for c in &mut self.criteria {
            c.blocking_rate = (c.considered > 0)
                .then(|| ratio(c.blocks * 1000, c.considered))
                .flatten();
        }
        self.criteria.sort_by_key(|c| std::cmp::Reverse(c.blocks));
        for stats in &mut self.element_scores {
            // sum is in ten-thousandths: mean = sum / (count · 10⁴) = earned / (weight · 10³).
            stats.mean = ratio(stats.sum, stats.count * 10);
        }
        self.mean_index = ratio(self.index_sum, self.index_count * 10);
        let r = &mut self.reviews;
        r.agreement = ratio(r.confirmed * 1000, r.compared);
    }
}

/// The outcome of a batch.
#[derive(Debug, Default, Serialize)]
pub struct BatchSummary {
    /// Files found.
    pub files: u64,
    /// Results written.
    pub assessed: u64,
    /// Files in `errors.jsonl`.
    pub invalid: u64,
    /// Of those, duplicate submission ids.
    pub duplicates: u64,
    /// Files only parsed (`parse_only`).
    pub parsed: u64,
    /// Per catalog, in order of first appearance.
    pub catalogs: Vec<CatalogCohort>,
    /// Invalid files with their codes (input order).
    pub invalid_files: Vec<InvalidFile>,
    /// Results below the level `--require-level` asked for, when one was asked.
    pub below_required_level: u64,
}

/// An invalid file in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidFile {
    /// Path.
    pub path: String,
    /// Codes.
    pub codes: Vec<&'static str>,
    /// The first error, in the batch's language.
    pub message: String,
    /// Where it is: line (1-based) …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// … and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// Or, in a workbook, `sheet!cell`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}
