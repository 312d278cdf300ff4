//! Assessment (SPEC §5, §6): the status of every criterion, scores, prerequisites, level
//! verdicts with cumulative gating, waivers with dual results, and gaps.
//!
//! Everything here is a pure function of the catalog, the submission, the waivers and the
//! options (plus evidence files on disk): no clock, no randomness, catalog order throughout.

use crate::catalog::{Catalog, Policy};
use crate::date::Date;
use crate::evidence::{self, EvidenceRoot};
use crate::finding::{Finding, FindingCode, TopFinding, TopFindingCode};
use crate::params;
use crate::result::{
    AssessmentResult, CatalogInfo, CriterionResult, ElementInfo, ElementScore, Engine,
    EvidenceNeeded, EvidenceResult, LevelResult, Method, MetricNeeded, PrerequisiteResult,
    SCHEMA_ID, Status, SubmissionInfo, WaiverResult,
};
use crate::score::{Tally, from_thousandths};
use crate::submission::{Answer, Submission};
use crate::waiver::Waiver;

mod criterion;
mod levels;
mod prerequisite;

use criterion::*;
use levels::*;
use prerequisite::*;

/// How to assess.
#[derive(Debug, Clone)]
pub struct Options {
    /// Replaces `assessed_on` in every time rule (`--as-of`).
    pub as_of: Option<Date>,
    /// `true` = `--no-evidence-files`: no existence or hash checks, lexical containment.
    pub skip_evidence_files: bool,
    /// Evidence files larger than this many bytes are not read and do not count
    /// (`--max-evidence-size`; default [`evidence::DEFAULT_MAX_EVIDENCE_SIZE`]).
    pub max_evidence_size: u64,
    /// Put into the result as `generated_at` (`--generated-at`); never the clock.
    pub generated_at: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            as_of: None,
            skip_evidence_files: false,
            max_evidence_size: evidence::DEFAULT_MAX_EVIDENCE_SIZE,
            generated_at: None,
        }
    }
}

/// The outcome of one criterion before and after waivers.
struct Outcome {
    base: Status,
    status: Status,
    findings: Vec<Finding>,
    evidence: Vec<EvidenceResult>,
}

/// Assesses a validated submission against its catalog.
pub fn assess(
    catalog: &Catalog,
    submission: &Submission,
    waivers: &[Waiver],
    options: &Options,
) -> AssessmentResult {
    let _span = tracing::debug_span!("assess", submission = %submission.id, catalog = %catalog.id)
        .entered();
    let as_of = options.as_of.unwrap_or(submission.assessed_on);
    let root = EvidenceRoot::new(&submission.base_dir, !options.skip_evidence_files)
        .with_max_size(options.max_evidence_size);
    let context = Context::new(submission, as_of);

    // Waivers that apply, each once: exact copies are noise, reported as one finding.
    let mut distinct = std::collections::HashSet::new();
    let mut copies = 0usize;
    let applying: Vec<&Waiver> = waivers
        .iter()
        .filter(|w| w.applies_to(&submission.id))
        .filter(|w| {
            let new =
                distinct.insert((&w.criterion, &w.justification, &w.approved_by, w.expires_on));
            copies += usize::from(!new);
            new
        })
        .collect();
    drop(distinct);
    let mut top_findings = Vec::new();
    let unknown_waived: Vec<&str> = applying
        .iter()
        .filter(|w| catalog.criterion_index(&w.criterion).is_none())
        .map(|w| w.criterion.as_str())
        .collect();
    if !unknown_waived.is_empty() {
        top_findings.push(TopFinding::new(
            TopFindingCode::WaiverUnknownCriterion,
            listed(&unknown_waived, &catalog.id),
        ));
    }
    if copies > 0 {
        top_findings.push(TopFinding::new(
            TopFindingCode::DuplicateWaivers,
            params! {"count" => copies},
        ));
    }
    // Each criterion's answer, placed by the criterion index while unknown answers are noted.
    let mut answers: Vec<Option<&Answer>> = vec![None; catalog.criteria.len()];
    let mut unknown: Vec<&str> = Vec::new();
    for (id, answer) in &submission.answers {
        match catalog.criterion_index(id) {
            Some(i) => answers[i] = Some(answer),
            None => unknown.push(id),
        }
    }
    if !unknown.is_empty() {
        top_findings.push(TopFinding::new(
            TopFindingCode::UnknownAnswer,
            listed(&unknown, &catalog.id),
        ));
    }
    let outcomes: Vec<Outcome> = catalog
        .criteria
        .iter()
        .zip(&answers)
        .map(|(criterion, &answer)| {
            let (base, mut findings, evidence) =
                evaluate(criterion, answer, &context, &root, as_of);
            let mut status = base;
            for w in applying.iter().filter(|w| *w.criterion == *criterion.id) {
                if w.is_active(as_of) {
                    if status != Status::NotApplicable {
                        tracing::trace!(criterion = %criterion.id, from = ?status, expires_on = %w.expires_on, "waived by an active waiver");
                        status = Status::Waived;
                    }
                } else {
                    findings.push(Finding::new(
                        FindingCode::WaiverExpired,
                        params! {"approved_by" => &w.approved_by, "expires_on" => w.expires_on},
                    ));
                }
            }
            Outcome {
                base,
                status,
                findings,
                evidence,
            }
        })
        .collect();

    let prerequisites: Vec<PrerequisiteOutcome> = catalog
        .prerequisites
        .iter()
        .map(|p| prerequisite_met(catalog, &p.kind, submission, as_of))
        .collect();

    let with: Vec<Status> = outcomes.iter().map(|o| o.status).collect();
    let without: Vec<Status> = outcomes.iter().map(|o| o.base).collect();
    let verdicts = level_verdicts(catalog, &with, &prerequisites);
    let verdicts_without = level_verdicts(catalog, &without, &prerequisites);
    let achieved_without = achieved_level(&verdicts_without);
    let achieved = achieved_level(&verdicts);
    let target = submission
        .target_level
        .as_deref()
        .and_then(|t| catalog.level_index(t));
    let target_met = target.map(|t| achieved.is_some_and(|a| a >= t));

    let mut index = Tally::default();
    let mut element_totals = vec![Tally::default(); catalog.elements.len()];
    for (criterion, status) in catalog.criteria.iter().zip(&with) {
        if let Some(credit) = credit(catalog, *status) {
            index.add(criterion.weight, credit);
            element_totals[criterion.element].add(criterion.weight, credit);
        }
    }

    let levels = catalog
        .levels
        .iter()
        .enumerate()
        .map(|(li, level)| {
            let verdict = &verdicts[li];
            LevelResult {
                id: level.id.to_string(),
                name: level.name.clone(),
                gist: level.gist.clone(),
                satisfied: verdict.satisfied(),
                satisfied_without_waivers: verdicts_without[li].satisfied(),
                score: verdict.total.score(),
                decision: verdict.decision(catalog),
                decision_without_waivers: verdicts_without[li].decision(catalog),
                prerequisites: catalog
                    .prerequisites
                    .iter()
                    .zip(&prerequisites)
                    .filter(|(p, _)| p.level == li)
                    .map(|(p, outcome)| PrerequisiteResult {
                        id: p.id.clone(),
                        title: p.title.clone(),
                        met: outcome.met,
                        met_on: outcome.met_on,
                        detail: outcome.detail.clone(),
                    })
                    .collect(),
                elements: catalog
                    .elements
                    .iter()
                    .enumerate()
                    .map(|(ei, element)| ElementScore {
                        id: element.id.to_string(),
                        score: verdict.elements[ei].score(),
                        counts: verdict.counts[ei],
                    })
                    .collect(),
            }
        })
        .collect();

    let gaps = gaps(
        catalog,
        &outcomes,
        &verdicts,
        &prerequisites,
        achieved,
        target,
    );

    let criteria = catalog
        .criteria
        .iter()
        .zip(outcomes)
        .zip(answers)
        .map(|((criterion, outcome), answer)| CriterionResult {
            id: criterion.id.clone(),
            level: catalog.levels[criterion.level].id.clone(),
            element: catalog.elements[criterion.element].id.clone(),
            title: criterion.title.clone(),
            clause: criterion.clause.clone(),
            requirement: criterion.requirement.clone(),
            key: criterion.key,
            weight: criterion.weight,
            evidence_needed: EvidenceNeeded {
                min: criterion.evidence.min,
                max_age_days: criterion.evidence.max_age_days,
                hints: criterion.evidence.hints.clone(),
            },
            metrics_needed: criterion
                .metrics
                .iter()
                .map(|m| MetricNeeded {
                    id: std::sync::Arc::from(m.id.as_str()),
                    title: m.title.clone(),
                    advisory: m.advisory,
                })
                .collect(),
            rating: answer.map(|a| a.rating),
            status: outcome.status,
            credit: credit(catalog, outcome.status).map(from_thousandths),
            blocking: blocks(catalog, criterion, outcome.status),
            note: answer.and_then(|a| a.note.clone()),
            findings: outcome.findings,
            evidence: outcome.evidence,
            metrics: answer.map(|a| a.metrics.clone()).unwrap_or_default(),
            review: None,
        })
        .collect();

    let waivers = applying
        .iter()
        .map(|w| WaiverResult {
            criterion: w.criterion.clone(),
            justification: w.justification.clone(),
            approved_by: w.approved_by.clone(),
            expires_on: w.expires_on,
            active: w.is_active(as_of),
        })
        .collect();

    AssessmentResult {
        schema: SCHEMA_ID.to_owned(),
        engine: Engine {
            name: "itss".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        catalog: CatalogInfo {
            id: catalog.id.clone(),
            version: catalog.version.clone(),
            digest: catalog.digest.clone(),
            standard: catalog.standard.clone(),
            official: catalog.official,
            title: catalog.title.clone(),
            notice: catalog.notice.clone(),
            method: match catalog.policy {
                Policy::AllConform { .. } => Method::AllConform,
                Policy::Threshold { .. } => Method::Threshold,
            },
            partial_is_met: match catalog.policy {
                Policy::AllConform { partial_is_met } => Some(partial_is_met),
                Policy::Threshold { .. } => None,
            },
            element_threshold: match catalog.policy {
                Policy::Threshold { element_threshold } => {
                    Some(from_thousandths(element_threshold))
                }
                Policy::AllConform { .. } => None,
            },
        },
        submission: SubmissionInfo {
            id: submission.id.clone(),
            source: submission.source.to_string_lossy().replace('\\', "/"),
            organization: submission.organization.name.clone(),
            credit_code: submission.organization.credit_code.clone(),
            sha256: submission.sha256.clone(),
        },
        generated_at: options.generated_at.clone(),
        as_of,
        achieved_level: achieved.map(|i| catalog.levels[i].id.to_string()),
        achieved_level_without_waivers: achieved_without.map(|i| catalog.levels[i].id.to_string()),
        target_level: submission.target_level.clone(),
        target_met,
        index: index.score(),
        levels,
        elements: catalog
            .elements
            .iter()
            .zip(&element_totals)
            .map(|(e, total)| ElementInfo {
                id: e.id.to_string(),
                name: e.name.clone(),
                score: total.score(),
            })
            .collect(),
        criteria,
        gaps,
        waivers,
        findings: top_findings,
        review: None,
    }
}

/// How many ids a summarising finding names; the rest are counted.
const LISTED: usize = 20;

/// The params of a finding about many ids (unknown answers, waivers of unknown criteria):
/// how many, the first [`LISTED`] of them, and the catalog. However many there are, the
/// result holds one finding of bounded size, so it stays small enough to be read back.
fn listed(ids: &[&str], catalog: &str) -> crate::finding::Params {
    params! {
        "count" => ids.len(),
        "criteria" => &ids[..ids.len().min(LISTED)],
        "catalog" => catalog,
    }
}
