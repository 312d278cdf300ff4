//! The semantic checks of a catalog (`itss catalog check`): what the schema cannot say —
//! unique ids, references between levels, elements, prerequisites and criteria, the scale
//! and the policy, expressions that compile and stay within their limits, metric ranges,
//! English for bundled catalogs. One method of [`Checker`] per concern.

use std::collections::HashMap;

use serde_json::Value;

use super::raw::{RawCatalog, RawClause, RawCriterion, RawLevel, RawPrerequisiteKind};
use super::{
    Catalog, Criterion, Element, EvidenceRule, Fact, Level, Metric, Policy, Prerequisite,
    PrerequisiteKind, Range,
};
use crate::diagnostic::{Code, Diagnostic, Msg, msg};
use crate::expression::{self, Expr, ExprError};
use crate::result::Method;
use crate::schema::{self, SchemaKind};
use crate::source::SourceDoc;
use crate::text::Lang;

fn schema_code(pointer: &str) -> Option<Code> {
    let parts: Vec<&str> = pointer.split('/').collect();
    match parts.as_slice() {
        ["", "scale", ..] => Some(Code::ScaleOutOfRange),
        ["", "policy", "element_threshold"] => Some(Code::ThresholdOutOfRange),
        ["", "criteria", _, "weight"] => Some(Code::WeightOutOfRange),
        ["", "prerequisites", _, "kind"] => Some(Code::UnknownPrerequisiteKind),
        _ => None,
    }
}

/// A decimal number in thousandths, if it has at most 3 fractional digits.
fn thousandths(n: &serde_json::Number) -> Option<u32> {
    if let Some(i) = n.as_u64() {
        return u32::try_from(i).ok()?.checked_mul(1000);
    }
    let f = n.as_f64()?;
    let scaled = f * 1000.0;
    let rounded = scaled.round();
    ((scaled - rounded).abs() < 1e-6 && rounded >= 0.0 && rounded <= f64::from(u32::MAX))
        .then_some(rounded as u32)
}

/// Validates a catalog that parsed: the schema, then the semantic checks in the order a
/// reader meets the file — ids, scale and policy, prerequisites, criteria (references,
/// weights, expressions, metrics, translations), levels without criteria. Every problem is
/// collected; the catalog exists only when none is an error.
pub(super) fn validate(
    doc: &SourceDoc,
    value: Value,
    digest: String,
    shipped: bool,
) -> (Option<Catalog>, Vec<Diagnostic>) {
    let diags = schema::check(SchemaKind::Catalog, doc, &value, schema_code);
    if !diags.is_empty() {
        return (None, diags);
    }
    let mut raw: RawCatalog = match serde_json::from_value(value) {
        Ok(raw) => raw,
        Err(e) => {
            let d = Diagnostic::error(
                Code::Schema,
                &doc.path,
                msg("decode").text("detail", e.to_string(), ""),
            );
            return (None, vec![d]);
        }
    };
    let mut checker = Checker {
        doc,
        shipped,
        official: raw.official,
        diags,
    };
    // The criteria are moved into the catalog while the ids borrow the levels.
    let raw_criteria = std::mem::take(&mut raw.criteria);
    let (level_ids, element_ids) = checker.unique_ids(&raw);
    let partial_credit = checker.scale(&raw);
    let policy = checker.policy(&raw);
    let prerequisites = checker.prerequisites(&raw, &level_ids);
    let (criteria, criterion_index, per_level) =
        checker.criteria(raw_criteria, &level_ids, &element_ids, raw.levels.len());
    checker.levels_have_criteria(&raw.levels, &per_level);
    if shipped && raw.title.en.is_none() {
        checker.push(Code::MissingTranslation, "/title".into(), msg(""));
    }
    if shipped {
        for (id, fact) in &raw.facts {
            for (field, label, text) in [
                ("title", "标题", Some(&fact.title)),
                ("help", "说明", fact.help.as_ref()),
            ] {
                if text.is_some_and(|t| t.en.is_none()) {
                    checker.push(
                        Code::MissingTranslation,
                        format!("/facts/{}/{field}", crate::yaml::pointer_token(id)),
                        msg("criterion").arg("id", id).text("field", field, label),
                    );
                }
            }
        }
    }
    drop((level_ids, element_ids));

    let mut diags = checker.diags;
    diags.sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)));
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let catalog = Catalog {
        id: raw.id,
        version: raw.version,
        standard: raw.standard,
        official: raw.official,
        title: raw.title,
        notice: raw.notice,
        facts: raw
            .facts
            .into_iter()
            .map(|(id, f)| {
                (
                    id,
                    Fact {
                        title: f.title,
                        help: f.help,
                    },
                )
            })
            .collect(),
        levels: raw
            .levels
            .into_iter()
            .map(|l| Level {
                id: l.id.into(),
                name: l.name,
                gist: l.gist,
            })
            .collect(),
        elements: raw
            .elements
            .into_iter()
            .map(|e| Element {
                id: e.id.into(),
                name: e.name,
            })
            .collect(),
        partial_credit,
        policy,
        prerequisites,
        criteria,
        digest,
        source: doc.path.clone(),
        criterion_index,
    };
    (Some(catalog), diags)
}

/// Ids to positions.
type Ids<'r> = HashMap<&'r str, usize>;

/// The criteria by id, with the hasher the catalog keeps.
type CriterionIndex = HashMap<String, usize, foldhash::fast::RandomState>;

/// The semantic checks, one method per concern; each pushes what it finds.
struct Checker<'d> {
    doc: &'d SourceDoc,
    /// A bundled catalog: English translations are required.
    shipped: bool,
    /// An official scheme: metric targets must be advisory.
    official: bool,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// An error at a JSON pointer, located in the file.
    fn err(&self, code: Code, pointer: String, message: Msg) -> Diagnostic {
        let location = self.doc.locate(&pointer);
        Diagnostic::error(code, &self.doc.path, message)
            .shortened()
            .at_pointer(pointer)
            .at(location)
    }

    fn push(&mut self, code: Code, pointer: String, message: Msg) {
        let d = self.err(code, pointer, message);
        self.diags.push(d);
    }

    /// Levels and elements: unique ids.
    fn unique_ids<'r>(&mut self, raw: &'r RawCatalog) -> (Ids<'r>, Ids<'r>) {
        let mut level_ids = Ids::new();
        for (i, level) in raw.levels.iter().enumerate() {
            if level_ids.insert(&level.id, i).is_some() {
                self.push(
                    Code::DuplicateId,
                    format!("/levels/{i}/id"),
                    msg("level").arg("id", &level.id),
                );
            }
        }
        let mut element_ids = Ids::new();
        for (i, element) in raw.elements.iter().enumerate() {
            if element_ids.insert(&element.id, i).is_some() {
                self.push(
                    Code::DuplicateId,
                    format!("/elements/{i}/id"),
                    msg("element").arg("id", &element.id),
                );
            }
        }
        (level_ids, element_ids)
    }

    /// The partial credit, in thousandths below 1000.
    fn scale(&mut self, raw: &RawCatalog) -> u32 {
        match thousandths(&raw.scale.partial) {
            Some(p) if p < 1000 => p,
            _ => {
                self.push(
                    Code::ScaleOutOfRange,
                    "/scale/partial".into(),
                    msg("").arg("partial", &raw.scale.partial),
                );
                0
            }
        }
    }

    /// The level policy: only the fields of its method, a threshold in (0, 1].
    fn policy(&mut self, raw: &RawCatalog) -> Policy {
        match raw.policy.method {
            Method::Threshold => {
                if raw.policy.partial_is_met.is_some() {
                    self.push(
                        Code::PolicyMismatch,
                        "/policy/partial_is_met".into(),
                        msg(""),
                    );
                }
                let t = raw.policy.element_threshold.as_ref().and_then(thousandths);
                match t {
                    Some(t) if (1..=1000).contains(&t) => Policy::Threshold {
                        element_threshold: t,
                    },
                    _ => {
                        self.push(
                            Code::ThresholdOutOfRange,
                            "/policy/element_threshold".into(),
                            msg(""),
                        );
                        Policy::Threshold {
                            element_threshold: 1000,
                        }
                    }
                }
            }
            Method::AllConform => {
                if raw.policy.element_threshold.is_some() {
                    self.push(
                        Code::PolicyMismatch,
                        "/policy/element_threshold".into(),
                        msg("element-threshold"),
                    );
                }
                Policy::AllConform {
                    partial_is_met: raw.policy.partial_is_met.unwrap_or(false),
                }
            }
        }
    }

    /// Prerequisites: unique ids, levels (and certificate levels) the catalog defines.
    fn prerequisites(&mut self, raw: &RawCatalog, level_ids: &Ids<'_>) -> Vec<Prerequisite> {
        let mut prerequisites = Vec::with_capacity(raw.prerequisites.len());
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for (i, p) in raw.prerequisites.iter().enumerate() {
            if seen.insert(&p.id, ()).is_some() {
                self.push(
                    Code::DuplicateId,
                    format!("/prerequisites/{i}/id"),
                    msg("prerequisite").arg("id", &p.id),
                );
            }
            let Some(&level) = level_ids.get(p.level.as_str()) else {
                self.push(
                    Code::UnknownLevel,
                    format!("/prerequisites/{i}/level"),
                    msg("prerequisite").arg("id", &p.id).arg("level", &p.level),
                );
                continue;
            };
            let kind = match p.kind {
                RawPrerequisiteKind::Flag => PrerequisiteKind::Flag {
                    field: p.field.clone().unwrap_or_default(),
                },
                RawPrerequisiteKind::MonthsSince => PrerequisiteKind::MonthsSince {
                    field: p.field.clone().unwrap_or_default(),
                    months: p.months.unwrap_or(0),
                },
                RawPrerequisiteKind::Certificate => {
                    let name = p.certificate_level.clone().unwrap_or_default();
                    let Some(&cert_level) = level_ids.get(name.as_str()) else {
                        self.push(
                            Code::UnknownLevel,
                            format!("/prerequisites/{i}/certificate_level"),
                            msg("certificate").arg("level", &name),
                        );
                        continue;
                    };
                    PrerequisiteKind::Certificate {
                        level: cert_level,
                        months_held: p.months_held.unwrap_or(0),
                    }
                }
            };
            prerequisites.push(Prerequisite {
                id: p.id.clone(),
                level,
                kind,
                title: p.title.clone(),
            });
        }
        prerequisites
    }

    /// Every criterion ([`Checker::criterion`]), the index by id, and how many each level
    /// has.
    fn criteria(
        &mut self,
        raw: Vec<RawCriterion>,
        level_ids: &Ids<'_>,
        element_ids: &Ids<'_>,
        levels: usize,
    ) -> (Vec<Criterion>, CriterionIndex, Vec<usize>) {
        let mut criteria = Vec::with_capacity(raw.len());
        let mut index = CriterionIndex::with_capacity_and_hasher(
            raw.len(),
            foldhash::fast::RandomState::default(),
        );
        let mut per_level = vec![0usize; levels];
        for (i, c) in raw.into_iter().enumerate() {
            if index.insert(c.id.clone(), criteria.len()).is_some() {
                self.push(
                    Code::DuplicateId,
                    format!("/criteria/{i}/id"),
                    msg("criterion").arg("id", &c.id),
                );
            }
            if let Some(criterion) = self.criterion(i, c, level_ids, element_ids) {
                per_level[criterion.level] += 1;
                criteria.push(criterion);
            }
        }
        (criteria, index, per_level)
    }

    /// One criterion: its level and element exist, its weight, its `applies_if`, its
    /// metrics, its translations. `None` when its level or element is unknown.
    fn criterion(
        &mut self,
        i: usize,
        c: RawCriterion,
        level_ids: &Ids<'_>,
        element_ids: &Ids<'_>,
    ) -> Option<Criterion> {
        let at = |field: &str| format!("/criteria/{i}/{field}");
        let level = level_ids.get(c.level.as_str()).copied();
        if level.is_none() {
            self.push(
                Code::UnknownLevel,
                at("level"),
                msg("criterion").arg("id", &c.id).arg("level", &c.level),
            );
        }
        let element = element_ids.get(c.element.as_str()).copied();
        if element.is_none() {
            self.push(
                Code::UnknownElement,
                at("element"),
                msg("").arg("id", &c.id).arg("element", &c.element),
            );
        }
        let weight = match c.weight {
            None => 1,
            Some(w) if w >= 1 && w <= i64::from(u32::MAX) => w as u32,
            Some(w) => {
                self.push(
                    Code::WeightOutOfRange,
                    at("weight"),
                    msg("").arg("weight", w),
                );
                1
            }
        };
        let applies_if = c
            .applies_if
            .as_deref()
            .and_then(|src| self.applies_if(i, src));
        let metrics = self.metrics(i, &c);
        if self.shipped {
            self.translations(i, &c);
        }
        let (level, element) = (level?, element?);
        Some(Criterion {
            id: c.id.as_str().into(),
            level,
            element,
            title: c.title,
            requirement: c.requirement,
            clause: c.clause.map(RawClause::into_text),
            key: c.key,
            weight,
            key_indicators: c.key_indicators,
            evidence: EvidenceRule {
                min: c.evidence.min,
                max_age_days: c.evidence.max_age_days,
                hints: c.evidence.hints,
            },
            na_allowed: c.na_allowed,
            applies_if,
            metrics,
        })
    }

    /// An `applies_if` expression: it compiles and stays within the limits.
    fn applies_if(&mut self, i: usize, src: &str) -> Option<Expr> {
        let pointer = format!("/criteria/{i}/applies_if");
        match Expr::compile(src) {
            Ok(e) => {
                if let Some(message) = beyond_limits(&e, None, Subject::AppliesIf) {
                    self.push(Code::ExpressionLimit, pointer, message);
                }
                Some(e)
            }
            Err(e) => {
                self.push(
                    Code::ExpressionSyntax,
                    pointer,
                    msg("").text("error", e, "").arg("expression", src),
                );
                None
            }
        }
    }

    /// A criterion's metrics: unique ids, ranges with min ≤ max, checks that compile and
    /// stay within the limits, advisory targets in an official catalog.
    fn metrics(&mut self, i: usize, c: &RawCriterion) -> Vec<Metric> {
        let mut metrics = Vec::with_capacity(c.metrics.len());
        for (j, m) in c.metrics.iter().enumerate() {
            let at = |field: &str| format!("/criteria/{i}/metrics/{j}{field}");
            if c.metrics[..j].iter().any(|o| o.id == m.id) {
                self.push(
                    Code::DuplicateId,
                    at("/id"),
                    msg("metric").arg("id", &m.id).arg("criterion", &c.id),
                );
            }
            let range = m.range.map(|(min, max)| Range { min, max });
            if let Some(r) = range
                && (r.min > r.max || r.min.is_nan() || r.max.is_nan())
            {
                self.push(
                    Code::MetricRange,
                    at("/range"),
                    msg("")
                        .arg("metric", &m.id)
                        .arg("id", &c.id)
                        .arg("min", r.min)
                        .arg("max", r.max),
                );
            }
            if self.official && !m.advisory {
                let pointer = at("");
                let location = self.doc.locate(&pointer);
                self.diags.push(
                    Diagnostic::warning(
                        Code::MetricNotAdvisory,
                        &self.doc.path,
                        msg("")
                            .arg("metric", &m.id)
                            .arg("id", &c.id)
                            .arg("check", &m.check),
                    )
                    .at_pointer(pointer)
                    .at(location),
                );
            }
            match Expr::compile(&m.check) {
                Ok(check) => {
                    let value = neutral_value(range);
                    if let Some(message) = beyond_limits(&check, Some(value), Subject::Check(&m.id))
                    {
                        self.push(Code::ExpressionLimit, at("/check"), message);
                    }
                    metrics.push(Metric {
                        id: m.id.clone(),
                        check,
                        advisory: m.advisory,
                        range,
                        title: m.title.clone(),
                        formula: m.formula.clone(),
                    });
                }
                Err(e) => self.push(
                    Code::ExpressionSyntax,
                    at("/check"),
                    msg("check")
                        .text("error", e, "")
                        .arg("expression", &m.check),
                ),
            }
        }
        metrics
    }

    /// A bundled catalog's criterion has its title and requirement in English too.
    fn translations(&mut self, i: usize, c: &RawCriterion) {
        let texts = [
            ("title", "标题", &c.title),
            ("requirement", "要求", &c.requirement),
        ];
        for (field, label, text) in texts {
            if text.en.is_none() {
                self.push(
                    Code::MissingTranslation,
                    format!("/criteria/{i}/{field}"),
                    msg("criterion")
                        .arg("id", &c.id)
                        .text("field", field, label),
                );
            }
        }
    }

    /// Every level has a criterion (not reported when some criterion names an unknown
    /// level: that is the likelier mistake).
    fn levels_have_criteria(&mut self, levels: &[RawLevel], per_level: &[usize]) {
        if self.diags.iter().any(|d| d.code == Code::UnknownLevel) {
            return;
        }
        for (i, count) in per_level.iter().enumerate() {
            if *count == 0 {
                self.push(
                    Code::LevelWithoutCriteria,
                    format!("/levels/{i}"),
                    msg("").arg("level", &levels[i].id),
                );
            }
        }
    }
}

/// Which expression of a criterion a diagnostic is about.
#[derive(Clone, Copy)]
enum Subject<'a> {
    AppliesIf,
    /// The check of the metric with this id.
    Check(&'a str),
}

/// The value a metric check is tried with: the middle of its range, else 0.5.
fn neutral_value(range: Option<Range>) -> f64 {
    match range {
        Some(r) if r.min <= r.max && r.min.is_finite() && r.max.is_finite() => {
            r.min / 2.0 + r.max / 2.0
        }
        _ => 0.5,
    }
}

/// Whether an expression exceeds a limit evaluated in the neutral context (SPEC §5.6, issue
/// #16): its message when it does. Only a limit counts: any other run-time error depends on
/// facts the neutral context lacks (`facts.contract.monitoring`).
fn beyond_limits(expr: &Expr, value: Option<f64>, subject: Subject<'_>) -> Option<Msg> {
    let metric = match subject {
        Subject::Check(id) => Some((id, value.unwrap_or(0.5))),
        Subject::AppliesIf => None,
    };
    match expr.is_true(&expression::neutral_context(metric)) {
        Err(e @ ExprError::Limit { .. }) => Some(limit_messages(&e, subject, value)),
        _ => None,
    }
}

/// The message of an expression that exceeds a limit evaluated in the neutral context
/// (`value`: what a metric check was tried with).
fn limit_messages(e: &ExprError, subject: Subject<'_>, value: Option<f64>) -> Msg {
    let (name_en, name_zh) = match subject {
        Subject::AppliesIf => ("applies_if".to_owned(), "适用条件".to_owned()),
        Subject::Check(id) => (
            format!("the check of metric `{id}`"),
            format!("指标 {id} 的检查式"),
        ),
    };
    let m = match value {
        Some(v) => msg("value").arg("value", v),
        None => msg(""),
    };
    m.text("subject", name_en, name_zh)
        .text("error", e.message(Lang::En), e.message(Lang::Zh))
}
