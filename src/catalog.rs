//! Criteria catalogs (SPEC §3): loading, schema validation, the semantic checks of
//! `itss catalog check`, and the validated [`Catalog`] that scoring uses.
//!
//! A catalog file is parsed into a located tree, checked against
//! `schemas/catalog.schema.json`, deserialized into raw types that mirror the YAML, and
//! then validated into a [`Catalog`] whose references are indexes and whose expressions are
//! compiled. Every problem is a [`Diagnostic`] with `file:line:col`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Msg, msg};
use crate::expression::{self, Expr, ExprError};
use crate::result::Method;
use crate::schema::{self, SchemaKind};
use crate::source::{self, SourceDoc};
use crate::text::{Lang, Text};

/// A validated catalog.
#[derive(Debug)]
pub struct Catalog {
    /// What submissions name in `catalog:`.
    pub id: String,
    /// The edition.
    pub version: String,
    /// The standard(s) encoded.
    pub standard: String,
    /// `false`: derived by this project, not an official ITSS scheme.
    pub official: bool,
    /// Title.
    pub title: Text,
    /// What readers must know about the catalog itself (e.g. who wrote its criteria); every
    /// report shows it.
    pub notice: Option<Text>,
    /// Levels, entry level first.
    pub levels: Vec<Level>,
    /// Elements in display order.
    pub elements: Vec<Element>,
    /// Credit of `partial`, in thousandths.
    pub partial_credit: u32,
    /// How a level is decided.
    pub policy: Policy,
    /// Prerequisites in catalog order.
    pub prerequisites: Vec<Prerequisite>,
    /// Criteria in catalog order.
    pub criteria: Vec<Criterion>,
    /// sha256 (hex) of the catalog file's bytes.
    pub digest: String,
    /// Where it was loaded from (`rules/<file>` for bundled catalogs).
    pub source: PathBuf,
    criterion_index: HashMap<String, usize, foldhash::fast::RandomState>,
}

/// A maturity level.
#[derive(Debug, Clone)]
pub struct Level {
    /// Level id (e.g. "4").
    pub id: Arc<str>,
    /// Name (e.g. 基本级).
    pub name: Text,
    /// The level's gist (e.g. 有没有).
    pub gist: Option<Text>,
}

/// A capability element.
#[derive(Debug, Clone)]
pub struct Element {
    /// Element id.
    pub id: Arc<str>,
    /// Name.
    pub name: Text,
}

/// How levels are decided (SPEC §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Every criterion must conform (or be partial when `partial_is_met`).
    AllConform {
        /// Whether `partial` counts as met.
        partial_is_met: bool,
    },
    /// Key criteria must conform and every element score must reach the threshold.
    Threshold {
        /// Threshold in thousandths.
        element_threshold: u32,
    },
}

/// A gate attached to a level (SPEC §5.4).
#[derive(Debug, Clone)]
pub struct Prerequisite {
    /// Id.
    pub id: String,
    /// Index of the level it gates.
    pub level: usize,
    /// What is checked.
    pub kind: PrerequisiteKind,
    /// Title.
    pub title: Text,
}

/// The kinds of prerequisite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrerequisiteKind {
    /// `organization.<field>` is `true`.
    Flag {
        /// Organization field.
        field: String,
    },
    /// `organization.<field>` is a date at least `months` full months before as-of.
    MonthsSince {
        /// Organization field.
        field: String,
        /// Full months required.
        months: u32,
    },
    /// A certificate of this catalog at or above a level, held long enough, not expired.
    Certificate {
        /// Index of the minimum level.
        level: usize,
        /// Full months held.
        months_held: u32,
    },
}

/// One requirement.
#[derive(Debug)]
pub struct Criterion {
    /// Id.
    pub id: Arc<str>,
    /// Index of its level.
    pub level: usize,
    /// Index of its element.
    pub element: usize,
    /// Title.
    pub title: Text,
    /// The requirement.
    pub requirement: Text,
    /// The clause of the standard it comes from (a string in the catalog is its `zh`).
    pub clause: Option<Text>,
    /// Key indicator (must conform under `threshold`).
    pub key: bool,
    /// Weight (>= 1).
    pub weight: u32,
    /// What the standard looks at (informational).
    pub key_indicators: Vec<Text>,
    /// Evidence rule.
    pub evidence: EvidenceRule,
    /// Whether `na` is an accepted answer.
    pub na_allowed: bool,
    /// Applicability condition.
    pub applies_if: Option<Expr>,
    /// Quantitative checks.
    pub metrics: Vec<Metric>,
}

/// How much evidence a criterion needs.
#[derive(Debug, Clone, Default)]
pub struct EvidenceRule {
    /// Valid items needed to support conform/partial.
    pub min: u32,
    /// Items dated earlier than as-of minus this many days are stale.
    pub max_age_days: Option<u32>,
    /// What to provide.
    pub hints: Vec<Text>,
}

/// A quantitative check on an answer.
#[derive(Debug)]
pub struct Metric {
    /// Id (the key in the answer's `metrics`).
    pub id: String,
    /// The check.
    pub check: Expr,
    /// A target the standard does not set (ours, or an assessment body's): reported, never
    /// changes a status (SPEC §3, §5.1 step 5).
    pub advisory: bool,
    /// The values the quantity can take, inclusive; a submission outside is invalid.
    pub range: Option<Range>,
    /// Title.
    pub title: Option<Text>,
    /// How the value is computed.
    pub formula: Option<Text>,
}

/// The inclusive range `[min, max]` of a metric's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Range {
    /// Whether `value` lies in the range (bounds included).
    pub fn contains(self, value: f64) -> bool {
        self.min <= value && value <= self.max
    }
}

/// Whether what a user typed names a level (`--require-level`): its id (`3`), its names in
/// either language (`拓展级`, `extended`, any case), or the usual Chinese forms of a numbered
/// level (`三级`, `3级`). Surrounding space is ignored.
pub fn names_level(id: &str, name: &Text, typed: &str) -> bool {
    const NUMERALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let typed = typed.trim();
    if typed.is_empty() {
        return false;
    }
    if typed == id || typed == &*name.zh {
        return true;
    }
    if name
        .en
        .as_deref()
        .is_some_and(|en| en.eq_ignore_ascii_case(typed))
    {
        return true;
    }
    let Some(number) = typed.strip_suffix('级').map(str::trim) else {
        return false;
    };
    number == id
        || id
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| NUMERALS.get(i))
            .is_some_and(|cn| number == *cn)
}

impl Catalog {
    /// The id of the level that `typed` names ([`names_level`]).
    pub fn find_level(&self, typed: &str) -> Option<&str> {
        self.levels
            .iter()
            .find(|l| names_level(&l.id, &l.name, typed))
            .map(|l| &*l.id)
    }

    /// The index of a criterion by id.
    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criterion_index.get(id).copied()
    }

    /// The index of a level by id.
    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| *l.id == *id)
    }
}

// ---------------------------------------------------------------------------------------
// Raw types: the YAML as written (after schema validation).
// ---------------------------------------------------------------------------------------

/// Reads a string or an integer as a string (level ids, versions, codes).
pub(crate) fn code_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string, found {other}"
        ))),
    }
}

fn opt_code_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    code_string(d).map(Some)
}

#[derive(Deserialize)]
struct RawCatalog {
    id: String,
    #[serde(deserialize_with = "code_string")]
    version: String,
    standard: String,
    official: bool,
    title: Text,
    notice: Option<Text>,
    levels: Vec<RawLevel>,
    elements: Vec<RawElement>,
    scale: RawScale,
    policy: RawPolicy,
    #[serde(default)]
    prerequisites: Vec<RawPrerequisite>,
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
struct RawLevel {
    #[serde(deserialize_with = "code_string")]
    id: String,
    name: Text,
    gist: Option<Text>,
}

#[derive(Deserialize)]
struct RawElement {
    id: String,
    name: Text,
}

#[derive(Deserialize)]
struct RawScale {
    partial: serde_json::Number,
}

#[derive(Deserialize)]
struct RawPolicy {
    method: Method,
    partial_is_met: Option<bool>,
    element_threshold: Option<serde_json::Number>,
}

#[derive(Deserialize)]
struct RawPrerequisite {
    id: String,
    #[serde(deserialize_with = "code_string")]
    level: String,
    kind: RawPrerequisiteKind,
    field: Option<String>,
    months: Option<u32>,
    #[serde(default, deserialize_with = "opt_code_string")]
    certificate_level: Option<String>,
    months_held: Option<u32>,
    title: Text,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawPrerequisiteKind {
    Flag,
    MonthsSince,
    Certificate,
}

#[derive(Deserialize)]
struct RawCriterion {
    id: String,
    #[serde(deserialize_with = "code_string")]
    level: String,
    element: String,
    title: Text,
    requirement: Text,
    clause: Option<RawClause>,
    #[serde(default)]
    key: bool,
    weight: Option<i64>,
    #[serde(default)]
    key_indicators: Vec<Text>,
    #[serde(default)]
    evidence: RawEvidence,
    #[serde(default)]
    na_allowed: bool,
    applies_if: Option<String>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
}

#[derive(Deserialize, Default)]
struct RawEvidence {
    #[serde(default)]
    min: u32,
    max_age_days: Option<u32>,
    #[serde(default)]
    hints: Vec<Text>,
}

/// A clause: a plain string (read as its `zh`) or a `{zh, en}` text.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawClause {
    Plain(String),
    Text(Text),
}

impl RawClause {
    fn into_text(self) -> Text {
        match self {
            RawClause::Plain(s) => Text {
                zh: s.into(),
                en: None,
            },
            RawClause::Text(t) => t,
        }
    }
}

#[derive(Deserialize)]
struct RawMetric {
    id: String,
    check: String,
    #[serde(default)]
    advisory: bool,
    range: Option<(f64, f64)>,
    title: Option<Text>,
    formula: Option<Text>,
}

/// The result of loading a catalog: the catalog when it is valid, and every diagnostic.
#[derive(Debug)]
pub struct CatalogLoad {
    /// The catalog, when there is no error.
    pub catalog: Option<Catalog>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The source text, for rendering diagnostics.
    pub text: Option<String>,
}

/// Loads a catalog file. `shipped` adds the checks for bundled catalogs (English required).
pub fn load(path: &Path, max_size: u64, shipped: bool) -> CatalogLoad {
    match source::read_text(path, max_size) {
        Ok(text) => from_text(path, text, max_size, shipped),
        Err(d) => CatalogLoad {
            catalog: None,
            diagnostics: vec![d],
            text: None,
        },
    }
}

/// Loads a catalog from its text.
pub fn from_text(path: &Path, text: String, max_size: u64, shipped: bool) -> CatalogLoad {
    let (doc, value) = match source::parse(path, text, max_size) {
        Ok(parsed) => parsed,
        Err(u) => {
            return CatalogLoad {
                catalog: None,
                diagnostics: vec![u.diagnostic],
                text: Some(u.text),
            };
        }
    };
    let digest = doc.sha256.clone();
    let (catalog, diagnostics) = validate(&doc, value, digest, shipped);
    CatalogLoad {
        catalog,
        diagnostics,
        text: Some(doc.text),
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

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

fn validate(
    doc: &SourceDoc,
    value: Value,
    digest: String,
    shipped: bool,
) -> (Option<Catalog>, Vec<Diagnostic>) {
    let mut diags = schema::check(SchemaKind::Catalog, doc, &value, schema_code);
    if !diags.is_empty() {
        return (None, diags);
    }
    let raw: RawCatalog = match serde_json::from_value(value) {
        Ok(raw) => raw,
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::Schema,
                &doc.path,
                msg("decode").text("detail", e.to_string(), ""),
            ));
            return (None, diags);
        }
    };
    let file = &doc.path;
    let err = |code: Code, pointer: String, message: Msg| {
        let location = doc.locate(&pointer);
        Diagnostic::error(code, file, message)
            .shortened()
            .at_pointer(pointer)
            .at(location)
    };

    // Levels and elements: unique ids.
    let mut level_ids: HashMap<&str, usize> = HashMap::new();
    for (i, level) in raw.levels.iter().enumerate() {
        if level_ids.insert(&level.id, i).is_some() {
            diags.push(err(
                Code::DuplicateId,
                format!("/levels/{i}/id"),
                msg("level").arg("id", &level.id),
            ));
        }
    }
    let mut element_ids: HashMap<&str, usize> = HashMap::new();
    for (i, element) in raw.elements.iter().enumerate() {
        if element_ids.insert(&element.id, i).is_some() {
            diags.push(err(
                Code::DuplicateId,
                format!("/elements/{i}/id"),
                msg("element").arg("id", &element.id),
            ));
        }
    }

    // Scale and policy.
    let partial_credit = match thousandths(&raw.scale.partial) {
        Some(p) if p < 1000 => p,
        _ => {
            diags.push(err(
                Code::ScaleOutOfRange,
                "/scale/partial".into(),
                msg("").arg("partial", &raw.scale.partial),
            ));
            0
        }
    };
    let policy = match raw.policy.method {
        Method::Threshold => {
            if raw.policy.partial_is_met.is_some() {
                diags.push(err(
                    Code::PolicyMismatch,
                    "/policy/partial_is_met".into(),
                    msg(""),
                ));
            }
            let t = raw.policy.element_threshold.as_ref().and_then(thousandths);
            match t {
                Some(t) if (1..=1000).contains(&t) => Policy::Threshold {
                    element_threshold: t,
                },
                _ => {
                    diags.push(err(
                        Code::ThresholdOutOfRange,
                        "/policy/element_threshold".into(),
                        msg(""),
                    ));
                    Policy::Threshold {
                        element_threshold: 1000,
                    }
                }
            }
        }
        Method::AllConform => {
            if raw.policy.element_threshold.is_some() {
                diags.push(err(
                    Code::PolicyMismatch,
                    "/policy/element_threshold".into(),
                    msg("element-threshold"),
                ));
            }
            Policy::AllConform {
                partial_is_met: raw.policy.partial_is_met.unwrap_or(false),
            }
        }
    };

    // Prerequisites.
    let mut prerequisites = Vec::with_capacity(raw.prerequisites.len());
    let mut prereq_ids: HashMap<&str, ()> = HashMap::new();
    for (i, p) in raw.prerequisites.iter().enumerate() {
        if prereq_ids.insert(&p.id, ()).is_some() {
            diags.push(err(
                Code::DuplicateId,
                format!("/prerequisites/{i}/id"),
                msg("prerequisite").arg("id", &p.id),
            ));
        }
        let Some(&level) = level_ids.get(p.level.as_str()) else {
            diags.push(err(
                Code::UnknownLevel,
                format!("/prerequisites/{i}/level"),
                msg("prerequisite").arg("id", &p.id).arg("level", &p.level),
            ));
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
                    diags.push(err(
                        Code::UnknownLevel,
                        format!("/prerequisites/{i}/certificate_level"),
                        msg("certificate").arg("level", &name),
                    ));
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

    // Criteria.
    let mut criteria = Vec::with_capacity(raw.criteria.len());
    let mut criterion_index = HashMap::with_capacity_and_hasher(
        raw.criteria.len(),
        foldhash::fast::RandomState::default(),
    );
    let mut per_level = vec![0usize; raw.levels.len()];
    for (i, c) in raw.criteria.into_iter().enumerate() {
        let at = |field: &str| format!("/criteria/{i}/{field}");
        if criterion_index
            .insert(c.id.clone(), criteria.len())
            .is_some()
        {
            diags.push(err(
                Code::DuplicateId,
                at("id"),
                msg("criterion").arg("id", &c.id),
            ));
        }
        let level = level_ids.get(c.level.as_str()).copied();
        if level.is_none() {
            diags.push(err(
                Code::UnknownLevel,
                at("level"),
                msg("criterion").arg("id", &c.id).arg("level", &c.level),
            ));
        }
        let element = element_ids.get(c.element.as_str()).copied();
        if element.is_none() {
            diags.push(err(
                Code::UnknownElement,
                at("element"),
                msg("").arg("id", &c.id).arg("element", &c.element),
            ));
        }
        let weight = match c.weight {
            None => 1,
            Some(w) if w >= 1 && w <= i64::from(u32::MAX) => w as u32,
            Some(w) => {
                diags.push(err(
                    Code::WeightOutOfRange,
                    at("weight"),
                    msg("").arg("weight", w),
                ));
                1
            }
        };
        let applies_if = match &c.applies_if {
            None => None,
            Some(src) => match Expr::compile(src) {
                Ok(e) => {
                    if let Some(message) = beyond_limits(&e, None, Subject::AppliesIf) {
                        diags.push(err(Code::ExpressionLimit, at("applies_if"), message));
                    }
                    Some(e)
                }
                Err(e) => {
                    diags.push(err(
                        Code::ExpressionSyntax,
                        at("applies_if"),
                        msg("").text("error", e, "").arg("expression", src),
                    ));
                    None
                }
            },
        };
        let mut metrics = Vec::with_capacity(c.metrics.len());
        for (j, m) in c.metrics.iter().enumerate() {
            if c.metrics[..j].iter().any(|o| o.id == m.id) {
                diags.push(err(
                    Code::DuplicateId,
                    format!("/criteria/{i}/metrics/{j}/id"),
                    msg("metric").arg("id", &m.id).arg("criterion", &c.id),
                ));
            }
            let range = m.range.map(|(min, max)| Range { min, max });
            if let Some(r) = range
                && (r.min > r.max || r.min.is_nan() || r.max.is_nan())
            {
                diags.push(err(
                    Code::MetricRange,
                    format!("/criteria/{i}/metrics/{j}/range"),
                    msg("")
                        .arg("metric", &m.id)
                        .arg("id", &c.id)
                        .arg("min", r.min)
                        .arg("max", r.max),
                ));
            }
            if raw.official && !m.advisory {
                let pointer = format!("/criteria/{i}/metrics/{j}");
                let location = doc.locate(&pointer);
                diags.push(
                    Diagnostic::warning(
                        Code::MetricNotAdvisory,
                        file,
                        msg("")
                            .arg("metric", &m.id)
                            .arg("id", &c.id)
                            .arg("check", &m.check),
                    )
                    .at_pointer(pointer)
                    .at(location),
                );
            }
            let subject = Subject::Check(&m.id);
            match Expr::compile(&m.check) {
                Ok(check) => {
                    let value = neutral_value(range);
                    if let Some(message) = beyond_limits(&check, Some(value), subject) {
                        diags.push(err(
                            Code::ExpressionLimit,
                            format!("/criteria/{i}/metrics/{j}/check"),
                            message,
                        ));
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
                Err(e) => diags.push(err(
                    Code::ExpressionSyntax,
                    format!("/criteria/{i}/metrics/{j}/check"),
                    msg("check")
                        .text("error", e, "")
                        .arg("expression", &m.check),
                )),
            }
        }
        if shipped {
            check_translations(&c, &at, &mut diags, &err);
        }
        let (Some(level), Some(element)) = (level, element) else {
            continue;
        };
        per_level[level] += 1;
        criteria.push(Criterion {
            id: c.id.as_str().into(),
            level,
            element,
            title: c.title.clone(),
            requirement: c.requirement.clone(),
            clause: c.clause.map(RawClause::into_text),
            key: c.key,
            weight,
            key_indicators: c.key_indicators.clone(),
            evidence: EvidenceRule {
                min: c.evidence.min,
                max_age_days: c.evidence.max_age_days,
                hints: c.evidence.hints.clone(),
            },
            na_allowed: c.na_allowed,
            applies_if,
            metrics,
        });
    }
    for (i, count) in per_level.iter().enumerate() {
        if *count == 0 && !diags.iter().any(|d| d.code == Code::UnknownLevel) {
            diags.push(err(
                Code::LevelWithoutCriteria,
                format!("/levels/{i}"),
                msg("").arg("level", &raw.levels[i].id),
            ));
        }
    }
    if shipped && raw.title.en.is_none() {
        diags.push(err(Code::MissingTranslation, "/title".into(), msg("")));
    }

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

fn check_translations(
    c: &RawCriterion,
    at: &dyn Fn(&str) -> String,
    diags: &mut Vec<Diagnostic>,
    err: &dyn Fn(Code, String, Msg) -> Diagnostic,
) {
    let texts = [
        ("title", "标题", &c.title),
        ("requirement", "要求", &c.requirement),
    ];
    for (field, label, text) in texts {
        if text.en.is_none() {
            diags.push(err(
                Code::MissingTranslation,
                at(field),
                msg("criterion")
                    .arg("id", &c.id)
                    .text("field", field, label),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bundled catalogs
// ---------------------------------------------------------------------------------------

include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));

/// The bundled catalogs' file names and texts (the `rules/` folder, embedded at build time).
pub fn bundled_files() -> &'static [(&'static str, &'static str)] {
    BUNDLED_RULES
}

/// Loads the bundled catalog with this id.
pub fn bundled(id: &str) -> Option<CatalogLoad> {
    bundled_files().iter().find_map(|(name, text)| {
        let stem = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
            .unwrap_or(name);
        (stem == id).then(|| {
            from_text(
                &Path::new("rules").join(name),
                (*text).to_owned(),
                u64::MAX,
                true,
            )
        })
    })
}

/// The ids of the bundled catalogs (by file stem).
pub fn bundled_ids() -> Vec<&'static str> {
    bundled_files()
        .iter()
        .map(|(name, _)| {
            name.strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"))
                .unwrap_or(name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_named_as_people_type_them() {
        let name = Text {
            zh: "拓展级".into(),
            en: Some("Extended".into()),
        };
        for typed in [
            "3",
            "三级",
            "3级",
            " 3 级",
            "拓展级",
            "extended",
            "EXTENDED",
        ] {
            assert!(names_level("3", &name, typed), "{typed}");
        }
        for typed in ["L3", "5", "三", "2", "", "级"] {
            assert!(!names_level("3", &name, typed), "{typed}");
        }
    }

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff, 0x10]), "000fa5ff10");
        assert_eq!(hex(&[]), "");
    }
}
