//! The JSON Schemas of `schemas/`, embedded and compiled once, and the mapping of schema
//! errors to diagnostics that point at the offending line and column.

use std::collections::HashSet;
use std::sync::LazyLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceDoc;

/// Which schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `schemas/catalog.schema.json`
    Catalog,
    /// `schemas/submission.schema.json`
    Submission,
    /// `schemas/waivers.schema.json`
    Waivers,
    /// `schemas/result.schema.json`
    Result,
    /// `schemas/review.schema.json`
    Review,
}

impl SchemaKind {
    /// The schema text as shipped.
    pub fn text(self) -> &'static str {
        match self {
            SchemaKind::Catalog => include_str!("../schemas/catalog.schema.json"),
            SchemaKind::Submission => include_str!("../schemas/submission.schema.json"),
            SchemaKind::Waivers => include_str!("../schemas/waivers.schema.json"),
            SchemaKind::Result => include_str!("../schemas/result.schema.json"),
            SchemaKind::Review => include_str!("../schemas/review.schema.json"),
        }
    }

    /// The compiled validator (compiled on first use, then shared).
    pub fn validator(self) -> &'static Validator {
        static CATALOG: LazyLock<Validator> = LazyLock::new(|| compile(SchemaKind::Catalog));
        static SUBMISSION: LazyLock<Validator> = LazyLock::new(|| compile(SchemaKind::Submission));
        static WAIVERS: LazyLock<Validator> = LazyLock::new(|| compile(SchemaKind::Waivers));
        static RESULT: LazyLock<Validator> = LazyLock::new(|| compile(SchemaKind::Result));
        static REVIEW: LazyLock<Validator> = LazyLock::new(|| compile(SchemaKind::Review));
        match self {
            SchemaKind::Catalog => &CATALOG,
            SchemaKind::Submission => &SUBMISSION,
            SchemaKind::Waivers => &WAIVERS,
            SchemaKind::Result => &RESULT,
            SchemaKind::Review => &REVIEW,
        }
    }
}

fn compile(kind: SchemaKind) -> Validator {
    // The schemas are part of the binary and tested (tests/schemas.rs); failing here is a
    // build defect, not an input problem.
    #[allow(clippy::expect_used)]
    let schema: Value = serde_json::from_str(kind.text()).expect("embedded schema is JSON");
    #[allow(clippy::expect_used)]
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("embedded schema compiles")
}

/// Validates `value` (the JSON form of `doc`) and returns one diagnostic per problem, each
/// located in the source. `code_for` may refine the code by JSON pointer.
pub fn check(
    kind: SchemaKind,
    doc: &SourceDoc,
    value: &Value,
    code_for: fn(&str) -> Option<Code>,
) -> Vec<Diagnostic> {
    let _span = tracing::debug_span!("validate", schema = ?kind).entered();
    let validator = kind.validator();
    if validator.is_valid(value) {
        return Vec::new();
    }
    if value.is_null() {
        return vec![
            Diagnostic::error(
                Code::Schema,
                &doc.path,
                "the file is empty (or holds only comments)",
            )
            .at(crate::yaml::Location { line: 1, column: 1 }),
        ];
    }
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut seen: HashSet<(String, Code)> = HashSet::new();
    let mut more = 0usize;
    for error in validator.iter_errors(value) {
        if out.len() >= MAX_DIAGNOSTICS {
            more += 1;
            continue;
        }
        let pointer = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let location = doc.locate_key(&pointer, name);
                    let escaped = name.replace('~', "~0").replace('/', "~1");
                    out.push(
                        Diagnostic::error(
                            Code::UnknownField,
                            &doc.path,
                            format!("unknown field `{name}`"),
                        )
                        .at_pointer(format!("{pointer}/{escaped}"))
                        .at(location),
                    );
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned);
                let place = if pointer.is_empty() {
                    "the document".to_owned()
                } else {
                    format!("`{pointer}`")
                };
                out.push(
                    Diagnostic::error(
                        Code::MissingField,
                        &doc.path,
                        format!("missing required field `{name}` in {place}"),
                    )
                    .at_pointer(pointer.clone())
                    .at(doc.locate(&pointer)),
                );
                continue;
            }
            _ => {}
        }
        let is_date = matches!(error.kind(), ValidationErrorKind::Format { format } if format == "date")
            || error.schema_path().as_str().contains("date");
        let code = if is_date {
            Code::InvalidDate
        } else {
            code_for(&pointer).unwrap_or(Code::Schema)
        };
        let mut zh: Option<String> = None;
        let message = if let ValidationErrorKind::Enum { options } = error.kind() {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let typed = error.instance();
            let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let hint = typed
                .as_str()
                .and_then(|t| crate::suggest::did_you_mean(t, &names))
                .map(str::to_owned);
            let en = format!(
                "{typed} is not allowed here; use one of: {}{}",
                allowed.join(", "),
                hint.as_deref()
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default()
            );
            zh = Some(format!(
                "{typed} 不是可用的值；可用：{}{}",
                allowed.join("、"),
                hint.as_deref()
                    .map(|h| format!("（是否应为 {h}？）"))
                    .unwrap_or_default()
            ));
            en
        } else if is_date {
            format!(
                "{} is not a date written YYYY-MM-DD (a real calendar day)",
                error.instance()
            )
        } else {
            let place = if pointer.is_empty() {
                String::new()
            } else {
                format!(" at `{pointer}`")
            };
            let shown = error.instance().to_string();
            if shown.chars().count() > 80 {
                // Never echo a huge value: its start, its size, and the rule it breaks.
                let start: String = shown.chars().take(40).collect();
                let rule = match error.kind() {
                    ValidationErrorKind::MaxLength { limit } => {
                        format!("is longer than {limit} characters")
                    }
                    kind => format!("fails the schema's `{}` rule", kind.keyword()),
                };
                format!(
                    "{start}… ({} characters) {rule}{place}",
                    shown.chars().count()
                )
            } else {
                format!("{error}{place}")
            }
        };
        if !seen.insert((pointer.clone(), code)) {
            continue;
        }
        let mut d = Diagnostic::error(code, &doc.path, shorten(&message))
            .at_pointer(pointer.clone())
            .at(doc.locate(&pointer));
        if let Some(zh) = zh {
            d = d.localized(shorten(&zh));
        }
        out.push(d);
    }
    // A full-width colon or comma typed for an ASCII one is the likely cause: said first.
    let mut slips = crate::suggest::keyboard_slips(&doc.path, &doc.text);
    slips.append(&mut out);
    let mut out = slips;
    out.sort_by_key(|d| {
        (
            d.line.unwrap_or(u64::MAX),
            d.code != Code::FullWidthCharacter,
            d.column.unwrap_or(0),
        )
    });
    if more > 0 {
        out.push(Diagnostic::error(
            Code::Schema,
            &doc.path,
            format!("… and {more} more problem(s) of this file not shown"),
        ));
    }
    out
}

/// Diagnostics reported per file at most; the rest are counted, so a hostile file with
/// thousands of errors costs linear time and a bounded report.
pub const MAX_DIAGNOSTICS: usize = 100;

/// A message cut to a readable length (values are quoted in them, and may be huge).
fn shorten(message: &str) -> String {
    const MAX: usize = 300;
    if message.chars().count() <= MAX {
        return message.to_owned();
    }
    let cut: String = message.chars().take(MAX).collect();
    format!("{cut}…")
}
