//! Assessment (SPEC §5, §6): the status of every criterion, scores, prerequisites, level
//! verdicts with cumulative gating, waivers with dual results, and gaps.
//!
//! Everything here is a pure function of the catalog, the submission, the waivers and the
//! options (plus evidence files on disk): no clock, no randomness, catalog order throughout.

use std::collections::BTreeMap;

use minijinja::Value as JinjaValue;
use minijinja::value::Serde;
use serde_json::Value;

use crate::catalog::{Catalog, Criterion, Metric, Policy, PrerequisiteKind};
use crate::date::Date;
use crate::evidence::{self, EvidenceRoot};
use crate::expression::ExprError;
use crate::finding::{Finding, FindingCode, TopFinding, TopFindingCode};
use crate::params;
use crate::result::{
    AssessmentResult, CatalogInfo, Counts, CriterionResult, Decision, ElementBelow, ElementInfo,
    ElementScore, Engine, EvidenceNeeded, EvidenceResult, Fix, Gap, GapCriterion, GapElement,
    GapKind, GapPrerequisite, LevelResult, Method, MetricNeeded, PrerequisiteResult, SCHEMA_ID,
    Status, SubmissionInfo, WaiverResult,
};
use crate::score::{Tally, from_thousandths};
use crate::submission::{Answer, Rating, Submission};
use crate::text::Text;
use crate::waiver::Waiver;

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

/// The expression context of one submission (SPEC §5.6), built once; `applies_if` results
/// are remembered per expression text, since many criteria share one condition.
struct Context {
    fields: BTreeMap<&'static str, JinjaValue>,
    base: JinjaValue,
    applies: std::cell::RefCell<
        std::collections::HashMap<String, Result<bool, ExprError>, foldhash::fast::RandomState>,
    >,
}

impl Context {
    fn new(submission: &Submission, as_of: Date) -> Context {
        let mut fields = BTreeMap::new();
        fields.insert(
            "facts",
            JinjaValue::from(Serde(submission.organization.facts())),
        );
        fields.insert(
            "organization",
            JinjaValue::from(Serde(&submission.organization.fields)),
        );
        fields.insert("as_of", JinjaValue::from(as_of.to_string()));
        let base = JinjaValue::from(Serde(&fields));
        Context {
            fields,
            base,
            applies: std::cell::RefCell::default(),
        }
    }

    fn applies(&self, expr: &crate::expression::Expr) -> Result<bool, ExprError> {
        if let Some(known) = self.applies.borrow().get(expr.source()) {
            return known.clone();
        }
        let outcome = expr.is_true(&self.base);
        self.applies
            .borrow_mut()
            .insert(expr.source().to_owned(), outcome.clone());
        outcome
    }

    fn with_metric(&self, value: JinjaValue, metrics: &JinjaValue) -> JinjaValue {
        let mut fields = self.fields.clone();
        fields.insert("value", value);
        fields.insert("metrics", metrics.clone());
        JinjaValue::from(Serde(&fields))
    }
}

/// Credit in thousandths; `None` for statuses outside every denominator.
fn credit(catalog: &Catalog, status: Status) -> Option<u32> {
    match status {
        Status::Conform => Some(1000),
        Status::Partial => Some(catalog.partial_credit),
        Status::Nonconform | Status::Unanswered => Some(0),
        Status::NotApplicable | Status::Waived => None,
    }
}

/// SPEC §5.1 steps 1–5 (waivers come after).
fn evaluate(
    criterion: &Criterion,
    answer: Option<&Answer>,
    context: &Context,
    root: &EvidenceRoot,
    as_of: Date,
) -> (Status, Vec<Finding>, Vec<EvidenceResult>) {
    // Every way out says why, at trace level (`ITSS_LOG=trace`): free when it is off.
    macro_rules! done {
        ($status:expr, $why:expr, $findings:expr, $evidence:expr) => {{
            let status = $status;
            tracing::trace!(criterion = %criterion.id, status = ?status, why = $why, "status");
            return (status, $findings, $evidence);
        }};
    }
    let mut findings = Vec::new();
    if let Some(expr) = &criterion.applies_if {
        match context.applies(expr) {
            Ok(false) => done!(
                Status::NotApplicable,
                "applies_if is false",
                findings,
                Vec::new()
            ),
            Ok(true) => {}
            Err(e) => {
                let mut p = params! {"expression" => expr.source(), "error" => e.to_string()};
                if let Some(limit) = e.limit() {
                    p.insert("limit".to_owned(), Value::from(limit.as_str()));
                }
                findings.push(Finding::new(FindingCode::ExpressionError, p));
                done!(
                    Status::Nonconform,
                    "applies_if failed to run",
                    findings,
                    Vec::new()
                );
            }
        }
    }
    let Some(answer) = answer else {
        done!(Status::Unanswered, "no answer", findings, Vec::new());
    };
    match answer.rating {
        Rating::Na if criterion.na_allowed => {
            done!(
                Status::NotApplicable,
                "answered na, which the criterion allows",
                findings,
                Vec::new()
            )
        }
        Rating::Na => {
            findings.push(Finding::new(FindingCode::NaNotAllowed, params! {}));
            done!(
                Status::Nonconform,
                "answered na, which the criterion does not allow",
                findings,
                Vec::new()
            );
        }
        Rating::Nonconform => done!(Status::Nonconform, "rated nonconform", findings, Vec::new()),
        Rating::Conform | Rating::Partial => {}
    }

    let evidence_span = tracing::debug_span!("evidence", items = answer.evidence.len()).entered();
    let mut valid = 0u32;
    let mut evidence = Vec::with_capacity(answer.evidence.len());
    for item in &answer.evidence {
        let check = evidence::check(item, &criterion.evidence, root, as_of);
        if check.is_valid() {
            valid += 1;
        }
        evidence.push(EvidenceResult {
            path: item.path.clone(),
            title: item.title.clone(),
            dated: item.dated,
            valid: check.is_valid(),
            findings: check.findings.iter().map(|f| f.code).collect(),
        });
        findings.extend(check.findings);
    }
    drop(evidence_span);
    if valid < criterion.evidence.min {
        findings.push(Finding::new(
            FindingCode::InsufficientEvidence,
            params! {"valid" => valid, "min" => criterion.evidence.min},
        ));
        done!(
            Status::Nonconform,
            "fewer valid evidence items than required",
            findings,
            evidence
        );
    }

    let absent = |m: &Metric| answer.metrics.get(&m.id).is_none_or(Value::is_null);
    let missing: Vec<&Metric> = criterion
        .metrics
        .iter()
        .filter(|m| !m.advisory && absent(m))
        .collect();
    if !missing.is_empty() {
        findings.push(Finding::new(
            FindingCode::MetricMissing,
            params! {
                "metrics" => missing.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
                "titles" => missing.iter().map(|m| m.title.as_ref()).collect::<Vec<_>>(),
            },
        ));
        done!(
            Status::Nonconform,
            "a required metric value is missing",
            findings,
            evidence
        );
    }
    let mut failed = false;
    if !criterion.metrics.is_empty() {
        let metrics = JinjaValue::from(Serde(&answer.metrics));
        for metric in &criterion.metrics {
            let described = |mut p: crate::finding::Params| {
                p.insert("metric".to_owned(), Value::from(metric.id.as_str()));
                p.insert("check".to_owned(), Value::from(metric.check.source()));
                if let Some(title) = &metric.title {
                    p.insert("title".to_owned(), serde_json::json!(title));
                }
                p
            };
            if metric.advisory && absent(metric) {
                findings.push(Finding::new(
                    FindingCode::MetricAdvisoryMissing,
                    described(params! {}),
                ));
                continue;
            }
            let value = answer
                .metrics
                .get(&metric.id)
                .map(|v| JinjaValue::from(Serde(v)))
                .unwrap_or_default();
            match metric.check.is_true(&context.with_metric(value, &metrics)) {
                Ok(true) => {}
                Ok(false) => {
                    failed |= !metric.advisory;
                    let code = if metric.advisory {
                        FindingCode::MetricAdvisoryBelowTarget
                    } else {
                        FindingCode::MetricBelowTarget
                    };
                    findings.push(Finding::new(
                        code,
                        described(params! {"value" => answer.metrics[&metric.id]}),
                    ));
                }
                Err(e) => {
                    failed |= !metric.advisory;
                    let mut p = described(params! {"error" => e.to_string()});
                    if let Some(limit) = e.limit() {
                        p.insert("limit".to_owned(), Value::from(limit.as_str()));
                    }
                    if let Some(check) = p.remove("check") {
                        p.insert("expression".to_owned(), check);
                    }
                    p.insert("advisory".to_owned(), Value::Bool(metric.advisory));
                    findings.push(Finding::new(FindingCode::ExpressionError, p));
                }
            }
        }
    }
    if failed {
        done!(
            Status::Nonconform,
            "a required metric check failed",
            findings,
            evidence
        );
    }
    let status = if answer.rating == Rating::Conform {
        Status::Conform
    } else {
        Status::Partial
    };
    done!(
        status,
        "rated so, with enough valid evidence and every required metric met",
        findings,
        evidence
    );
}

/// What a prerequisite came to (SPEC §5.4).
struct PrerequisiteOutcome {
    met: bool,
    /// See [`PrerequisiteResult::met_on`](crate::result::PrerequisiteResult::met_on).
    met_on: Option<Date>,
    /// What was found, in both languages.
    detail: Text,
}

/// SPEC §5.4: whether a prerequisite is met, since or from when, and what was found.
fn prerequisite_met(
    catalog: &Catalog,
    kind: &PrerequisiteKind,
    submission: &Submission,
    as_of: Date,
) -> PrerequisiteOutcome {
    let fields = &submission.organization.fields;
    let text = |zh: String, en: String| Text {
        zh: zh.into(),
        en: Some(en.into()),
    };
    let outcome = |met: bool, met_on: Option<Date>, detail: Text| PrerequisiteOutcome {
        met,
        met_on,
        detail,
    };
    let not_given = |field: &str| {
        let label = crate::submission::field_label(field);
        text(
            format!("未填写{}", label.zh),
            format!("{}: not given", label.en.as_deref().unwrap_or(field)),
        )
    };
    match kind {
        PrerequisiteKind::Flag { field } => {
            let label = crate::submission::field_label(field);
            let en = label.en.as_deref().unwrap_or(field);
            match fields.get(field) {
                Some(Value::Bool(true)) => outcome(
                    true,
                    None,
                    text(format!("{}：是", label.zh), format!("{en}: yes")),
                ),
                Some(Value::Bool(false)) => outcome(
                    false,
                    None,
                    text(format!("{}：否", label.zh), format!("{en}: no")),
                ),
                Some(other) => outcome(
                    false,
                    None,
                    text(
                        format!("{}：{other}（应填写 true）", label.zh),
                        format!("{en}: {other} (true expected)"),
                    ),
                ),
                None => outcome(false, None, not_given(field)),
            }
        }
        PrerequisiteKind::MonthsSince { field, months } => {
            match fields
                .get(field)
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Date>().ok())
            {
                Some(since) => {
                    let full = since.full_months_until(as_of);
                    let label = crate::submission::field_label(field);
                    let en = label.en.as_deref().unwrap_or(field);
                    outcome(
                        full >= i64::from(*months),
                        since.months_later(*months),
                        text(
                            format!(
                                "{}：{since}，截至 {as_of} 满 {full} 个月，要求 {months} 个月",
                                label.zh
                            ),
                            format!(
                                "{en}: {since}, {full} full months by {as_of}, {months} needed"
                            ),
                        ),
                    )
                }
                None => outcome(false, None, not_given(field)),
            }
        }
        PrerequisiteKind::Certificate { level, months_held } => {
            let mut best: Option<Text> = None;
            // Met on as-of: the earliest date from which a certificate valid on as-of has
            // counted. Not met: the earliest later date on which one will count.
            let mut since: Option<Date> = None;
            let mut from: Option<Date> = None;
            for cert in &submission.organization.certificates {
                let Some(cert_level) = catalog.level_index(&cert.level) else {
                    continue;
                };
                if cert.catalog != catalog.id || cert_level < *level {
                    continue;
                }
                let Some(issued) = cert.issued_on else {
                    continue;
                };
                let held = issued.full_months_until(as_of);
                let unexpired = cert.expires_on.is_none_or(|e| e >= as_of);
                let counts_from = issued.months_later(*months_held);
                let l = &cert.level;
                if held >= i64::from(*months_held) && unexpired {
                    since = since.min(counts_from).or(since).or(counts_from);
                    if since == counts_from {
                        best = Some(text(
                            format!("{l}级证书 {issued} 颁发，已持有 {held} 个月"),
                            format!("level {l} certificate issued {issued}, held {held} months"),
                        ));
                    }
                    continue;
                }
                if let Some(d) =
                    counts_from.filter(|&d| d > as_of && cert.expires_on.is_none_or(|e| e >= d))
                {
                    from = Some(from.map_or(d, |f| f.min(d)));
                }
                if since.is_none() {
                    best.get_or_insert_with(|| {
                        if unexpired {
                            text(
                                format!("{l}级证书 {issued} 颁发，已持有 {held} 个月，要求 {months_held} 个月"),
                                format!("level {l} certificate issued {issued}, held {held} of {months_held} months"),
                            )
                        } else {
                            text(format!("{l}级证书已过期"), format!("level {l} certificate expired"))
                        }
                    });
                }
            }
            if let (Some(d), Some(detail)) = (since, &best) {
                return outcome(true, Some(d), detail.clone());
            }
            let needed = &catalog.levels[*level].id;
            let none = || {
                text(
                    format!("未持有本体系（{}）{needed}级或更高级别的证书", catalog.id),
                    format!("no {} certificate at level {needed} or above", catalog.id),
                )
            };
            outcome(false, from, best.unwrap_or_else(none))
        }
    }
}

/// A level's tallies and what decides it.
struct Verdict {
    total: Tally,
    elements: Vec<Tally>,
    counts: Vec<Counts>,
    /// Indexes of the level's unmet prerequisites, catalog order.
    unmet: Vec<usize>,
    blocking: u32,
    /// Under `threshold`: indexes of the elements below the threshold.
    below: Vec<usize>,
    threshold: Option<u32>,
}

impl Verdict {
    /// SPEC §5.3 (cumulative gating is applied by [`achieved_level`]).
    fn satisfied(&self) -> bool {
        self.unmet.is_empty() && self.blocking == 0 && self.below.is_empty()
    }

    fn decision(&self, catalog: &Catalog) -> Decision {
        Decision {
            unmet_prerequisites: self
                .unmet
                .iter()
                .map(|&p| catalog.prerequisites[p].id.clone())
                .collect(),
            blocking_criteria: self.blocking,
            elements_below: self
                .below
                .iter()
                .map(|&e| ElementBelow {
                    element: catalog.elements[e].id.to_string(),
                    score: self.elements[e].score().unwrap_or(0.0),
                    threshold: from_thousandths(self.threshold.unwrap_or(0)),
                })
                .collect(),
        }
    }
}

/// SPEC §5.3 per level: tallies, unmet prerequisites, blocking criteria, weak elements.
fn level_verdicts(
    catalog: &Catalog,
    statuses: &[Status],
    prerequisites: &[PrerequisiteOutcome],
) -> Vec<Verdict> {
    let threshold = match catalog.policy {
        Policy::Threshold { element_threshold } => Some(element_threshold),
        Policy::AllConform { .. } => None,
    };
    let mut verdicts: Vec<Verdict> = catalog
        .levels
        .iter()
        .map(|_| Verdict {
            total: Tally::default(),
            elements: vec![Tally::default(); catalog.elements.len()],
            counts: vec![Counts::default(); catalog.elements.len()],
            unmet: Vec::new(),
            blocking: 0,
            below: Vec::new(),
            threshold,
        })
        .collect();
    for (criterion, &status) in catalog.criteria.iter().zip(statuses) {
        let v = &mut verdicts[criterion.level];
        v.counts[criterion.element].add(status);
        if let Some(credit) = credit(catalog, status) {
            v.total.add(criterion.weight, credit);
            v.elements[criterion.element].add(criterion.weight, credit);
        }
        if blocks(catalog, criterion, status) {
            v.blocking += 1;
        }
    }
    for (i, (p, outcome)) in catalog.prerequisites.iter().zip(prerequisites).enumerate() {
        if !outcome.met {
            verdicts[p.level].unmet.push(i);
        }
    }
    if let Some(t) = threshold {
        for v in &mut verdicts {
            v.below = (0..v.elements.len())
                .filter(|&e| v.elements[e].is_defined() && !v.elements[e].reaches(t))
                .collect();
        }
    }
    verdicts
}

/// Whether a criterion's status alone keeps its level from being satisfied.
fn blocks(catalog: &Catalog, criterion: &Criterion, status: Status) -> bool {
    match status {
        Status::Conform | Status::NotApplicable | Status::Waived => false,
        Status::Partial => match catalog.policy {
            Policy::AllConform { partial_is_met } => !partial_is_met,
            Policy::Threshold { .. } => criterion.key,
        },
        Status::Nonconform | Status::Unanswered => match catalog.policy {
            Policy::AllConform { .. } => true,
            Policy::Threshold { .. } => criterion.key,
        },
    }
}

fn achieved_level(verdicts: &[Verdict]) -> Option<usize> {
    verdicts
        .iter()
        .take_while(|v| v.satisfied())
        .count()
        .checked_sub(1)
}

/// SPEC §5.5: the next level above the achieved one, and the target when it is higher.
fn gaps(
    catalog: &Catalog,
    outcomes: &[Outcome],
    verdicts: &[Verdict],
    prerequisites: &[PrerequisiteOutcome],
    achieved: Option<usize>,
    target: Option<usize>,
) -> Vec<Gap> {
    let next = achieved.map_or(0, |a| a + 1);
    let mut out = Vec::new();
    if next < catalog.levels.len() {
        out.push(gap(
            catalog,
            outcomes,
            verdicts,
            prerequisites,
            next,
            next,
            GapKind::Next,
        ));
    }
    if let Some(t) = target
        && t > next
    {
        out.push(gap(
            catalog,
            outcomes,
            verdicts,
            prerequisites,
            next,
            t,
            GapKind::Target,
        ));
    }
    out
}

fn gap(
    catalog: &Catalog,
    outcomes: &[Outcome],
    verdicts: &[Verdict],
    prerequisites: &[PrerequisiteOutcome],
    from: usize,
    to: usize,
    kind: GapKind,
) -> Gap {
    let in_range = |level: usize| (from..=to).contains(&level);
    let unmet: Vec<GapPrerequisite> = catalog
        .prerequisites
        .iter()
        .zip(prerequisites)
        .filter(|(p, outcome)| in_range(p.level) && !outcome.met)
        .map(|(p, outcome)| GapPrerequisite {
            level: catalog.levels[p.level].id.to_string(),
            id: p.id.clone(),
            title: p.title.clone(),
            detail: outcome.detail.clone(),
            met_on: outcome.met_on,
        })
        .collect();
    // An unmet prerequisite is not met on as-of, so a date it will be met on lies after it.
    let earliest = if unmet.is_empty() {
        None
    } else {
        unmet
            .iter()
            .map(|p| p.met_on)
            .collect::<Option<Vec<Date>>>()
            .and_then(|dates| dates.into_iter().max())
    };
    let mut elements = Vec::new();
    let mut weak_elements: Vec<(usize, usize)> = Vec::new();
    for (level, verdict) in verdicts.iter().enumerate().take(to + 1).skip(from) {
        for &ei in &verdict.below {
            weak_elements.push((level, ei));
            elements.push(GapElement {
                level: catalog.levels[level].id.to_string(),
                id: catalog.elements[ei].id.to_string(),
                score: verdict.elements[ei].score().unwrap_or(0.0),
                needed: from_thousandths(verdict.threshold.unwrap_or(0)),
            });
        }
    }
    let mut criteria: Vec<GapCriterion> = catalog
        .criteria
        .iter()
        .zip(outcomes)
        .filter(|(c, o)| {
            in_range(c.level)
                && (blocks(catalog, c, o.status)
                    || (weak_elements.contains(&(c.level, c.element))
                        && credit(catalog, o.status).is_some_and(|cr| cr < 1000)))
        })
        .map(|(c, o)| GapCriterion {
            id: c.id.clone(),
            level: catalog.levels[c.level].id.clone(),
            element: catalog.elements[c.element].id.clone(),
            title: c.title.clone(),
            requirement: c.requirement.clone(),
            key: c.key,
            weight: c.weight,
            status: o.status,
            fix: fix(o.status, &o.findings),
            findings: {
                let mut codes: Vec<FindingCode> = o.findings.iter().map(|f| f.code).collect();
                codes.sort();
                codes.dedup();
                codes
            },
        })
        .collect();
    criteria.sort_by(|a, b| {
        b.key
            .cmp(&a.key)
            .then(b.weight.cmp(&a.weight))
            .then_with(|| a.id.cmp(&b.id))
    });
    Gap {
        kind,
        level: catalog.levels[to].id.to_string(),
        prerequisites: unmet,
        earliest,
        criteria,
        elements,
    }
}

/// What fixing a criterion takes, from its status and findings: an answer when there is
/// none; evidence when an evidence rule failed; a metric when a required metric failed;
/// otherwise the practice itself.
fn fix(status: Status, findings: &[Finding]) -> Fix {
    if status == Status::Unanswered {
        return Fix::Answer;
    }
    if findings.iter().any(|f| f.code.is_evidence()) {
        return Fix::Evidence;
    }
    let metric = |f: &&Finding| {
        matches!(
            f.code,
            FindingCode::MetricMissing | FindingCode::MetricBelowTarget
        ) || (f.code == FindingCode::ExpressionError && f.params.contains_key("metric"))
    };
    if findings.iter().any(|f| metric(&f)) {
        return Fix::Metric;
    }
    Fix::Practice
}
