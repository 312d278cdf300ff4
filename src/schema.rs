//! The JSON Schemas of `schemas/`, embedded and compiled once, and the mapping of schema
//! errors to diagnostics that point at the offending line and column.

use std::collections::HashSet;
use std::sync::LazyLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostic::messages::{self, field_label_zh};
use crate::diagnostic::{Code, Diagnostic, Msg, msg};
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
            Diagnostic::error(Code::Schema, &doc.path, msg("empty"))
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
                    let escaped = crate::yaml::pointer_token(name);
                    let place = if pointer.is_empty() {
                        "本文件".to_owned()
                    } else {
                        messages::spaced(field_label_zh(&pointer))
                    };
                    out.push(
                        Diagnostic::error(
                            Code::UnknownField,
                            &doc.path,
                            msg("").arg("name", name).text("place", "", place),
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
                let (place_en, place_zh) = if pointer.is_empty() {
                    ("the document".to_owned(), "本文件".to_owned())
                } else {
                    (
                        format!("`{pointer}`"),
                        messages::spaced(field_label_zh(&pointer)),
                    )
                };
                let child = format!("{pointer}/{}", crate::yaml::pointer_token(&name));
                let label = field_label_zh(&child);
                // The label of the field itself, without its parents' (said by `place`).
                let label = label.rsplit(" › ").next().unwrap_or(&label).to_owned();
                out.push(
                    Diagnostic::error(
                        Code::MissingField,
                        &doc.path,
                        msg("")
                            .text("name", &name, label)
                            .text("place", place_en, place_zh),
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
        if !seen.insert((pointer.clone(), code)) {
            continue;
        }
        let shown = error.instance().to_string();
        let long = shown.chars().count() > 80;
        // Never echo a huge value: its start and its size.
        let value = if long {
            let start: String = shown.chars().take(40).collect();
            Msg::default().text(
                "value",
                format!("{start}… ({} characters)", shown.chars().count()),
                format!("{start}…（共 {} 个字符）", shown.chars().count()),
            )
        } else {
            Msg::default().arg("value", &shown)
        };
        let message = if let ValidationErrorKind::Enum { options } = error.kind() {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let hint = error
                .instance()
                .as_str()
                .and_then(|t| crate::suggest::did_you_mean(t, &names));
            msg("enum")
                .arg("value", error.instance())
                .list("allowed", &allowed)
                .hint(hint)
        } else if is_date {
            msg("").arg("value", error.instance())
        } else {
            let detail = if long {
                let start: String = shown.chars().take(40).collect();
                let rule = match error.kind() {
                    ValidationErrorKind::MaxLength { limit } => {
                        format!("is longer than {limit} characters")
                    }
                    kind => format!("fails the schema's `{}` rule", kind.keyword()),
                };
                format!("{start}… ({} characters) {rule}", shown.chars().count())
            } else {
                error.to_string()
            };
            let at = if pointer.is_empty() {
                String::new()
            } else {
                format!(" at `{pointer}`")
            };
            kind_message(error.kind(), value)
                .text("detail", detail, "")
                .text("at", at, "")
        };
        let message = message.field("field", &pointer);
        out.push(
            Diagnostic::error(code, &doc.path, message)
                .shortened()
                .at_pointer(pointer.clone())
                .at(doc.locate(&pointer)),
        );
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
            msg("more").arg("count", more),
        ));
    }
    out
}

/// Diagnostics reported per file at most; the rest are counted, so a hostile file with
/// thousands of errors costs linear time and a bounded report.
pub const MAX_DIAGNOSTICS: usize = 100;

/// The message of a schema error other than an unknown or missing field, an enum or a
/// date: a template variant by kind, with what it needs besides the value.
fn kind_message(kind: &ValidationErrorKind, value: Msg) -> Msg {
    use ValidationErrorKind as K;
    let number = |v: &Value| v.to_string();
    match kind {
        K::Type { kind } => {
            let names: Vec<&'static str> = match kind {
                jsonschema::error::TypeKind::Single(t) => vec![messages::type_zh(t.as_str())],
                jsonschema::error::TypeKind::Multiple(set) => {
                    set.iter().map(|t| messages::type_zh(t.as_str())).collect()
                }
            };
            let expected = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{}或{last}", rest.join("、")),
                _ => names.concat(),
            };
            value.variant("type").text("expected", "", expected)
        }
        K::Constant { expected_value } => {
            value
                .variant("const")
                .text("expected", "", expected_value.to_string())
        }
        K::Pattern { pattern } => {
            let rule = match pattern.as_str() {
                "^[0-9a-fA-F]{64}$" | "^[0-9a-f]{64}$" => "：应为 64 位十六进制数字",
                "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => "：应写作 YYYY-MM-DD",
                "^[A-Za-z0-9._-]+$" => "：只能包含英文字母、数字和 . _ -",
                "^[A-Za-z_][A-Za-z0-9_]*$" => "：只能包含英文字母、数字和下划线，且不以数字开头",
                "^[a-z0-9-]+$" => "：只能包含小写英文字母、数字和连字符",
                _ => "",
            };
            value.variant("pattern").text("rule", "", rule)
        }
        K::Minimum { limit } => value.variant("minimum").text("limit", "", number(limit)),
        K::Maximum { limit } => value.variant("maximum").text("limit", "", number(limit)),
        K::ExclusiveMinimum { limit } => {
            value
                .variant("exclusive-minimum")
                .text("limit", "", number(limit))
        }
        K::ExclusiveMaximum { limit } => {
            value
                .variant("exclusive-maximum")
                .text("limit", "", number(limit))
        }
        K::MultipleOf { multiple_of } => {
            value
                .variant("multiple-of")
                .text("limit", "", multiple_of.to_string())
        }
        K::MinLength { limit } => value
            .variant("min-length")
            .text("limit", "", limit.to_string()),
        K::MaxLength { limit } => value
            .variant("max-length")
            .text("limit", "", limit.to_string()),
        K::MinItems { limit } => value
            .variant("min-items")
            .text("limit", "", limit.to_string()),
        K::MaxItems { limit } => value
            .variant("max-items")
            .text("limit", "", limit.to_string()),
        K::UniqueItems => value.variant("unique-items"),
        K::MinProperties { limit } => {
            value
                .variant("min-properties")
                .text("limit", "", limit.to_string())
        }
        K::MaxProperties { limit } => {
            value
                .variant("max-properties")
                .text("limit", "", limit.to_string())
        }
        K::Format { format } => {
            value
                .variant("format")
                .text("format", "", messages::format_zh(format))
        }
        K::AnyOf { .. } | K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } => {
            value.variant("one-of")
        }
        K::Not { .. } | K::FalseSchema | K::AdditionalItems { .. } => value.variant("not-allowed"),
        _ => value.variant("other"),
    }
}
