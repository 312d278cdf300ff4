//! Enterprise submissions (SPEC §4): loading, schema validation, the credit-code check,
//! the catalog match, and the validated [`Submission`] that assessment uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::catalog::{Catalog, code_string, opt_code_string};
use crate::credit_code;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Loaded, Msg, Rejected, msg};
use crate::schema::{self, SchemaKind};
use crate::source::{self, SourceDoc};
use crate::text::Text;
use crate::yaml::pointer_token;

/// A validated submission.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Id (`id:` or the file stem).
    pub id: String,
    /// The file as given.
    pub source: PathBuf,
    /// sha256 (lowercase hex) of the file's bytes.
    pub sha256: String,
    /// Directory that evidence paths are relative to.
    pub base_dir: PathBuf,
    /// Catalog id named.
    pub catalog: String,
    /// Catalog version named.
    pub catalog_version: Option<String>,
    /// `assessed_on`.
    pub assessed_on: Date,
    /// `target_level`.
    pub target_level: Option<String>,
    /// The organization.
    pub organization: Organization,
    /// Answers by criterion id.
    pub answers: BTreeMap<String, Answer>,
}

/// The assessed organization.
#[derive(Debug, Clone)]
pub struct Organization {
    /// Name.
    pub name: String,
    /// Unified social credit code (checked).
    pub credit_code: Option<String>,
    /// Certificates held.
    pub certificates: Vec<Certificate>,
    /// Every field as written (prerequisites and expressions read them by name).
    pub fields: Map<String, Value>,
}

impl Organization {
    /// `facts` (an empty object when absent).
    pub fn facts(&self) -> Value {
        self.fields
            .get("facts")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()))
    }
}

/// How readers are told about an organization field that prerequisites read: its name, and
/// what exactly to enter (`None` for fields this project does not describe).
pub fn field_label(field: &str) -> Text {
    field_help(field).map_or_else(
        || Text {
            zh: field.into(),
            en: Some(field.into()),
        },
        |(label, _)| label,
    )
}

/// The name and the filling-in help of a known organization field.
pub fn field_help(field: &str) -> Option<(Text, Text)> {
    let text = |zh: &str, en: &str| Text {
        zh: zh.into(),
        en: Some(en.into()),
    };
    Some(match field {
        "legal_entity" => (
            text("独立法人资格", "Independent legal entity"),
            text(
                "是否具有独立法人资格：true 或 false",
                "whether the organization is an independent legal entity: true or false",
            ),
        ),
        "system_since" => (
            text(
                "所申请级别的能力体系开始有效运行的日期",
                "Capability system at the level applied for in operation since",
            ),
            text(
                "所申请级别（目标级别）的能力体系开始有效运行的日期，不是公司成立日期：前提条件按该体系已运行的时间计算",
                "the date the capability system at the level applied for (the target level) started running effectively, not the company's founding date: the prerequisites count that system's running time",
            ),
        ),
        "business_since" => (
            text("开始从事该项业务的日期", "In this business since"),
            text(
                "开始从事所评估业务（如信息系统运行维护）的日期",
                "the date the organization started the business line assessed (e.g. information-system O&M)",
            ),
        ),
        _ => return None,
    })
}

/// A certificate already held.
#[derive(Debug, Clone, Deserialize)]
pub struct Certificate {
    /// Catalog id.
    pub catalog: String,
    /// Level id.
    #[serde(deserialize_with = "code_string")]
    pub level: String,
    /// Issue date.
    pub issued_on: Option<Date>,
    /// Expiry date.
    pub expires_on: Option<Date>,
}

/// A rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Meets the requirement.
    Conform,
    /// Partly meets it.
    Partial,
    /// Does not meet it.
    Nonconform,
    /// Not applicable (claimed).
    Na,
}

impl Rating {
    /// `conform`, `partial`, `nonconform` or `na`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Conform => "conform",
            Rating::Partial => "partial",
            Rating::Nonconform => "nonconform",
            Rating::Na => "na",
        }
    }
}

/// One answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Answer {
    /// Rating.
    pub rating: Rating,
    /// Enterprise note.
    pub note: Option<String>,
    /// Evidence items.
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// Metric values (absent or null = missing).
    #[serde(default, deserialize_with = "sorted_map")]
    pub metrics: BTreeMap<String, Value>,
}

/// An evidence item.
#[derive(Debug, Clone, Deserialize)]
pub struct EvidenceItem {
    /// Path relative to the submission's directory.
    pub path: String,
    /// Expected sha256 (hex).
    pub sha256: Option<String>,
    /// Date of the document.
    pub dated: Option<Date>,
    /// Title.
    pub title: Option<String>,
}

#[derive(Deserialize)]
struct RawSubmission {
    id: Option<String>,
    catalog: String,
    #[serde(default, deserialize_with = "opt_code_string")]
    catalog_version: Option<String>,
    assessed_on: Date,
    #[serde(default, deserialize_with = "opt_code_string")]
    target_level: Option<String>,
    organization: Map<String, Value>,
    #[serde(default, deserialize_with = "null_as_empty")]
    answers: BTreeMap<String, Answer>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Answer>, D::Error> {
    Ok(Option::<Sorted<Answer>>::deserialize(d)?.map_or_else(BTreeMap::new, |s| s.0))
}

/// A map read entry by entry into a list and built in one go: the entries of a parsed
/// document come in key order, and building from a sorted list is far cheaper than inserting
/// one at a time. A repeated key keeps its last value, as inserting would.
fn sorted_map<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    Sorted::deserialize(d).map(|s| s.0)
}

/// A map deserialized as [`sorted_map`] describes.
struct Sorted<V>(BTreeMap<String, V>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Sorted<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Entries<V> {
            type Value = Sorted<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Sorted(entries.into_iter().collect()))
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// A submission loaded: the submission with its warnings, or every diagnostic.
pub type SubmissionLoad = Result<Loaded<Submission>, Rejected>;

fn failed(diagnostics: Vec<Diagnostic>, text: Option<String>) -> SubmissionLoad {
    Err(Rejected { diagnostics, text })
}

/// A parsed submission whose catalog is not chosen yet.
#[derive(Debug)]
pub struct ParsedSubmission {
    doc: SourceDoc,
    value: Value,
}

impl ParsedSubmission {
    /// The catalog id the document names, if it names one as a string.
    pub fn catalog_id(&self) -> Option<&str> {
        self.value.get("catalog").and_then(Value::as_str)
    }

    /// Schema diagnostics only (used when no catalog can be chosen), and the document.
    pub fn schema_diagnostics(self) -> (Vec<Diagnostic>, SourceDoc) {
        let mut diags = schema::check(SchemaKind::Submission, &self.doc, &self.value, |_| None);
        self.doc.place(&mut diags);
        (diags, self.doc)
    }

    /// The submission value (as YAML, JSON or a workbook gave it).
    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl ParsedSubmission {
    /// An assessment body's review given where a submission was expected (e.g. a
    /// `review.yaml` beside the submission in a batch folder): one diagnostic saying what
    /// the file is and where it goes, instead of every field a submission would need.
    pub fn as_review(&self) -> Option<Rejected> {
        if !self.is_review() {
            return None;
        }
        let d = Diagnostic::error(Code::Schema, &self.doc.path, msg("review-file"))
            .at_pointer("/review")
            .at(self.doc.locate("/review"));
        Some(Rejected {
            diagnostics: vec![d],
            text: Some(self.doc.text.clone()),
        })
    }

    /// Whether the document is an assessment body's review (`review: itss-review/…`, no
    /// answers) rather than a submission.
    pub fn is_review(&self) -> bool {
        self.value
            .get("review")
            .and_then(Value::as_str)
            .is_some_and(|f| f.starts_with("itss-review/"))
            && self.value.get("answers").is_none()
    }

    /// Diagnostics for a submission whose catalog is unknown (plus its schema problems).
    pub fn unknown_catalog(self, named: Option<&str>, known: &str) -> Rejected {
        let (mut diagnostics, doc) = self.schema_diagnostics();
        if let Some(id) = named {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownCatalog,
                    &doc.path,
                    msg("").arg("id", id).arg("known", known),
                )
                .at_pointer("/catalog")
                .at(doc.locate("/catalog")),
            );
        }
        doc.place(&mut diagnostics);
        diagnostics.sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)));
        Rejected {
            diagnostics,
            text: Some(doc.text),
        }
    }
}

/// The id of a submission that states none: its file stem, with any bytes that are not
/// UTF-8 written `%XX` — so that two names that differ only there keep different ids (a
/// lossy conversion would give both the same replacement character).
pub fn default_id(path: &Path) -> String {
    let Some(stem) = path.file_stem() else {
        return "submission".to_owned();
    };
    let mut id = String::new();
    for chunk in stem.as_encoded_bytes().utf8_chunks() {
        id.push_str(chunk.valid());
        for b in chunk.invalid() {
            id.push_str(&format!("%{b:02X}"));
        }
    }
    id
}

/// `metric-out-of-range` for every metric value outside the range its catalog declares
/// (SPEC §3), pointing at the value; a ratio written as a percentage gets the hint.
fn check_ranges(
    answers: &BTreeMap<String, Answer>,
    catalog: &Catalog,
    diags: &mut Vec<Diagnostic>,
    err: &dyn Fn(Code, &str, Msg) -> Diagnostic,
) {
    for (id, answer) in answers {
        let Some(i) = catalog.criterion_index(id) else {
            continue;
        };
        for metric in &catalog.criteria[i].metrics {
            let (Some(range), Some(value)) = (
                metric.range,
                answer.metrics.get(&metric.id).and_then(Value::as_f64),
            ) else {
                continue;
            };
            if range.contains(value) {
                continue;
            }
            let shown = &answer.metrics[&metric.id];
            let (min, max) = (
                crate::report::number(range.min),
                crate::report::number(range.max),
            );
            let title = metric
                .title
                .as_ref()
                .map_or_else(|| metric.id.clone(), |t| t.zh.to_string());
            let mut message = msg("")
                .text("metric", &metric.id, format!("{title}（{}）", metric.id))
                .arg("id", id)
                .arg("value", shown)
                .arg("min", min)
                .arg("max", max);
            message = if range.min >= 0.0 && range.max <= 1.0 && value > 1.0 && value <= 100.0 {
                let decimal = crate::report::number(value / 100.0);
                message.text(
                    "ratio",
                    format!("; a ratio is written as a decimal: write {decimal}, not {shown}"),
                    format!("；比率请写成小数：写 {decimal}，不要写 {shown}"),
                )
            } else {
                message.text("ratio", "", "")
            };
            let pointer = format!(
                "/answers/{}/metrics/{}",
                pointer_token(id),
                pointer_token(&metric.id)
            );
            diags.push(err(Code::MetricOutOfRange, &pointer, message));
        }
    }
}

/// Reads and parses a submission file (no validation yet): YAML, JSON, or an `.xlsx`
/// questionnaire workbook (read into the same value, see [`crate::workbook::read`]).
pub fn parse(path: &Path, max_size: u64) -> Result<ParsedSubmission, Rejected> {
    if source::is_xlsx(path) {
        let (_, doc, value) =
            crate::workbook::load(path, max_size, Some(crate::workbook::Kind::Submission))?;
        return Ok(ParsedSubmission { doc, value });
    }
    let (doc, value) = source::load(path, max_size).map_err(|e| unparsable(path, e))?;
    Ok(ParsedSubmission { doc, value })
}

/// A submission that does not parse: the keyboard slips that likely caused it (a full-width
/// colon for `:`), then the parser's own diagnostic.
fn unparsable(path: &Path, rejected: Rejected) -> Rejected {
    let Rejected {
        diagnostics: found,
        text,
    } = rejected;
    let mut diagnostics = text
        .as_deref()
        .map(|t| crate::suggest::keyboard_slips(path, t))
        .unwrap_or_default();
    diagnostics.extend(found);
    Rejected { diagnostics, text }
}

/// Parses a submission from text; `path` names it in diagnostics and anchors evidence paths.
pub fn parse_str(path: &Path, text: &str, max_size: u64) -> Result<ParsedSubmission, Rejected> {
    let (doc, value) =
        source::parse(path, text.to_owned(), max_size).map_err(|u| unparsable(path, u))?;
    Ok(ParsedSubmission { doc, value })
}

/// Validates a parsed submission against the schema and the catalog.
pub fn validate(parsed: ParsedSubmission, catalog: &Catalog) -> SubmissionLoad {
    let cells = parsed.doc.cells().cloned();
    let mut load = validate_located(parsed, catalog);
    if let Some(cells) = cells {
        match &mut load {
            Ok(loaded) => cells.place(&mut loaded.warnings),
            Err(rejected) => cells.place(&mut rejected.diagnostics),
        }
    }
    load
}

fn validate_located(parsed: ParsedSubmission, catalog: &Catalog) -> SubmissionLoad {
    let ParsedSubmission { doc, value } = parsed;
    let mut diags = schema::check(SchemaKind::Submission, &doc, &value, |_| None);
    if !diags.is_empty() {
        return failed(diags, Some(doc.text));
    }
    let raw: RawSubmission = match serde_json::from_value(value) {
        Ok(raw) => raw,
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::Schema,
                &doc.path,
                msg("decode").text("detail", e.to_string(), ""),
            ));
            return failed(diags, Some(doc.text));
        }
    };
    let path = &doc.path;
    let err = |code: Code, pointer: &str, message: Msg| {
        Diagnostic::error(code, path, message)
            .at_pointer(pointer)
            .at(doc.locate(pointer))
    };

    if raw.catalog != catalog.id {
        diags.push(err(
            Code::CatalogMismatch,
            "/catalog",
            msg("")
                .arg("named", &raw.catalog)
                .arg("catalog", &catalog.id),
        ));
    }
    if let Some(version) = &raw.catalog_version
        && *version != catalog.version
    {
        diags.push(err(
            Code::CatalogVersion,
            "/catalog_version",
            msg("")
                .arg("version", version)
                .arg("catalog", &catalog.id)
                .arg("expected", &catalog.version),
        ));
    }
    if let Some(target) = &raw.target_level
        && catalog.level_index(target).is_none()
    {
        let ids: Vec<&str> = catalog.levels.iter().map(|l| &*l.id).collect();
        diags.push(err(
            Code::UnknownTargetLevel,
            "/target_level",
            msg("")
                .arg("target", target)
                .arg("catalog", &catalog.id)
                .list("levels", ids),
        ));
    }
    let credit_code = match raw.organization.get("credit_code") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let code = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            if let Err(e) = credit_code::check(&code) {
                diags.push(err(
                    Code::CreditCode,
                    "/organization/credit_code",
                    msg("")
                        .arg("code", &code)
                        .text("reason", e.to_string(), e.message_zh()),
                ));
            }
            Some(code)
        }
    };
    let certificates: Vec<Certificate> = match raw.organization.get("certificates") {
        Some(v) => match serde_json::from_value(v.clone()) {
            Ok(c) => c,
            Err(e) => {
                diags.push(err(
                    Code::Schema,
                    "/organization/certificates",
                    msg("decode").text("detail", e.to_string(), ""),
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let unknown: Vec<&String> = raw
        .answers
        .keys()
        .filter(|id| catalog.criterion_index(id).is_none())
        .collect();
    let criterion_ids: Vec<&str> = if unknown.is_empty() {
        Vec::new()
    } else {
        catalog.criteria.iter().map(|c| &*c.id).collect()
    };
    for id in unknown.iter().take(crate::schema::MAX_DIAGNOSTICS) {
        {
            let pointer = format!("/answers/{}", pointer_token(id));
            let hint = crate::suggest::did_you_mean(id, &criterion_ids);
            diags.push(
                Diagnostic::warning(
                    Code::UnknownAnswer,
                    path,
                    msg("").arg("id", id).arg("catalog", &catalog.id).hint(hint),
                )
                .at_pointer(pointer.clone())
                .at(doc.locate_entry(&pointer)),
            );
        }
    }
    if unknown.len() > crate::schema::MAX_DIAGNOSTICS {
        diags.push(Diagnostic::warning(
            Code::UnknownAnswer,
            path,
            msg("more").arg("count", unknown.len() - crate::schema::MAX_DIAGNOSTICS),
        ));
    }
    check_ranges(&raw.answers, catalog, &mut diags, &err);
    if diags.iter().any(Diagnostic::is_error) {
        return failed(diags, Some(doc.text));
    }
    let id = raw.id.unwrap_or_else(|| default_id(&doc.path));
    let name = raw
        .organization
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let base_dir = doc.path.parent().map_or_else(
        || PathBuf::from("."),
        |p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        },
    );
    let submission = Submission {
        id,
        source: doc.path.clone(),
        sha256: doc.sha256.clone(),
        base_dir,
        catalog: raw.catalog,
        catalog_version: raw.catalog_version,
        assessed_on: raw.assessed_on,
        target_level: raw.target_level,
        organization: Organization {
            name,
            credit_code,
            certificates,
            fields: raw.organization,
        },
        answers: raw.answers,
    };
    Ok(Loaded {
        value: submission,
        warnings: diags,
        text: Some(doc.text),
    })
}
