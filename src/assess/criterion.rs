//! One criterion (SPEC §5.1 steps 1–5): applicability, rating, evidence, metrics, the
//! status they give and its credit.

use std::collections::BTreeMap;

use minijinja::Value as JinjaValue;
use minijinja::value::Serde;
use serde_json::Value;

use crate::catalog::{Catalog, Criterion, Metric};
use crate::date::Date;
use crate::evidence::{self, EvidenceRoot};
use crate::expression::ExprError;
use crate::finding::{Finding, FindingCode};
use crate::params;
use crate::result::{EvidenceResult, Status};
use crate::submission::{Answer, Rating, Submission};

/// The expression context of one submission (SPEC §5.6), built once; `applies_if` results
/// are remembered per expression text, since many criteria share one condition.
pub(super) struct Context {
    pub(super) fields: BTreeMap<&'static str, JinjaValue>,
    pub(super) base: JinjaValue,
    pub(super) applies: std::cell::RefCell<
        std::collections::HashMap<String, Result<bool, ExprError>, foldhash::fast::RandomState>,
    >,
}

impl Context {
    pub(super) fn new(submission: &Submission, as_of: Date) -> Context {
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

    pub(super) fn applies(&self, expr: &crate::expression::Expr) -> Result<bool, ExprError> {
        if let Some(known) = self.applies.borrow().get(expr.source()) {
            return known.clone();
        }
        let outcome = expr.is_true(&self.base);
        self.applies
            .borrow_mut()
            .insert(expr.source().to_owned(), outcome.clone());
        outcome
    }

    pub(super) fn with_metric(&self, value: JinjaValue, metrics: &JinjaValue) -> JinjaValue {
        let mut fields = self.fields.clone();
        fields.insert("value", value);
        fields.insert("metrics", metrics.clone());
        JinjaValue::from(Serde(&fields))
    }
}

/// Credit in thousandths; `None` for statuses outside every denominator.
pub(super) fn credit(catalog: &Catalog, status: Status) -> Option<u32> {
    match status {
        Status::Conform => Some(1000),
        Status::Partial => Some(catalog.partial_credit),
        Status::Nonconform | Status::Unanswered => Some(0),
        Status::NotApplicable | Status::Waived => None,
    }
}

/// SPEC §5.1 steps 1–5 (waivers come after).
pub(super) fn evaluate(
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
