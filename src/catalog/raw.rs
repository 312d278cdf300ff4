//! The catalog as written: raw types mirroring the YAML (after schema validation), read
//! before the semantic checks of [`super::validate`].

use serde::Deserialize;
use serde_json::Value;

use crate::result::Method;
use crate::text::Text;

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

/// The same for an optional identifier.
pub(crate) fn opt_code_string<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    code_string(d).map(Some)
}

#[derive(Deserialize)]
pub(super) struct RawCatalog {
    pub(super) id: String,
    #[serde(deserialize_with = "code_string")]
    pub(super) version: String,
    pub(super) standard: String,
    pub(super) official: bool,
    pub(super) title: Text,
    pub(super) notice: Option<Text>,
    #[serde(default)]
    pub(super) facts: std::collections::BTreeMap<String, RawFact>,
    pub(super) levels: Vec<RawLevel>,
    pub(super) elements: Vec<RawElement>,
    pub(super) scale: RawScale,
    pub(super) policy: RawPolicy,
    #[serde(default)]
    pub(super) prerequisites: Vec<RawPrerequisite>,
    pub(super) criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
pub(super) struct RawFact {
    pub(super) title: Text,
    pub(super) help: Option<Text>,
}

#[derive(Deserialize)]
pub(super) struct RawLevel {
    #[serde(deserialize_with = "code_string")]
    pub(super) id: String,
    pub(super) name: Text,
    pub(super) gist: Option<Text>,
}

#[derive(Deserialize)]
pub(super) struct RawElement {
    pub(super) id: String,
    pub(super) name: Text,
}

#[derive(Deserialize)]
pub(super) struct RawScale {
    pub(super) partial: serde_json::Number,
}

#[derive(Deserialize)]
pub(super) struct RawPolicy {
    pub(super) method: Method,
    pub(super) partial_is_met: Option<bool>,
    pub(super) element_threshold: Option<serde_json::Number>,
}

#[derive(Deserialize)]
pub(super) struct RawPrerequisite {
    pub(super) id: String,
    #[serde(deserialize_with = "code_string")]
    pub(super) level: String,
    pub(super) kind: RawPrerequisiteKind,
    pub(super) field: Option<String>,
    pub(super) months: Option<u32>,
    #[serde(default, deserialize_with = "opt_code_string")]
    pub(super) certificate_level: Option<String>,
    pub(super) months_held: Option<u32>,
    pub(super) title: Text,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawPrerequisiteKind {
    Flag,
    MonthsSince,
    Certificate,
}

#[derive(Deserialize)]
pub(super) struct RawCriterion {
    pub(super) id: String,
    #[serde(deserialize_with = "code_string")]
    pub(super) level: String,
    pub(super) element: String,
    pub(super) title: Text,
    pub(super) requirement: Text,
    pub(super) clause: Option<RawClause>,
    #[serde(default)]
    pub(super) key: bool,
    pub(super) weight: Option<i64>,
    #[serde(default)]
    pub(super) key_indicators: Vec<Text>,
    #[serde(default)]
    pub(super) evidence: RawEvidence,
    #[serde(default)]
    pub(super) na_allowed: bool,
    pub(super) applies_if: Option<String>,
    #[serde(default)]
    pub(super) metrics: Vec<RawMetric>,
}

#[derive(Deserialize, Default)]
pub(super) struct RawEvidence {
    #[serde(default)]
    pub(super) min: u32,
    pub(super) max_age_days: Option<u32>,
    #[serde(default)]
    pub(super) hints: Vec<Text>,
}

/// A clause: a plain string (read as its `zh`) or a `{zh, en}` text.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawClause {
    Plain(String),
    Text(Text),
}

impl RawClause {
    pub(super) fn into_text(self) -> Text {
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
pub(super) struct RawMetric {
    pub(super) id: String,
    pub(super) check: String,
    #[serde(default)]
    pub(super) advisory: bool,
    pub(super) range: Option<(f64, f64)>,
    pub(super) title: Option<Text>,
    pub(super) formula: Option<Text>,
}
