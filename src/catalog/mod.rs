//! Criteria catalogs (SPEC §3): loading, schema validation, the semantic checks of
//! `itss catalog check`, and the validated [`Catalog`] that scoring uses.
//!
//! A catalog file is parsed into a located tree, checked against
//! `schemas/catalog.schema.json`, deserialized into raw types that mirror the YAML, and
//! then validated into a [`Catalog`] whose references are indexes and whose expressions are
//! compiled. Every problem is a [`Diagnostic`](crate::diagnostic::Diagnostic) with `file:line:col`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Loaded, Rejected};
use crate::expression::Expr;
use crate::source::{self};
use crate::text::Text;

mod raw;
mod validate;

pub(crate) use raw::{code_string, opt_code_string};
use validate::validate;

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
    /// What the facts that `applies_if` reads mean, by fact id (may be incomplete).
    pub facts: std::collections::BTreeMap<String, Fact>,
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

/// What a fact (`organization.facts.<id>`) means, for people filling a questionnaire.
#[derive(Debug, Clone)]
pub struct Fact {
    /// What the fact says, e.g. 服务级别协议包含备件服务.
    pub title: Text,
    /// How to decide it.
    pub help: Option<Text>,
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

/// A catalog loaded: the catalog with its warnings, or every diagnostic.
pub type CatalogLoad = Result<Loaded<Catalog>, Rejected>;

/// Loads a catalog file. `shipped` adds the checks for bundled catalogs (English required).
pub fn load(path: &Path, max_size: u64, shipped: bool) -> CatalogLoad {
    let text = source::read_text(path, max_size).map_err(|d| Rejected::one(d, None))?;
    from_text(path, text, max_size, shipped)
}

/// Loads a catalog from its text.
pub fn from_text(path: &Path, text: String, max_size: u64, shipped: bool) -> CatalogLoad {
    let (doc, value) = source::parse(path, text, max_size)?;
    let digest = doc.sha256.clone();
    match validate(&doc, value, digest, shipped) {
        (Some(catalog), warnings) => Ok(Loaded {
            value: catalog,
            warnings,
            text: Some(doc.text),
        }),
        (None, diagnostics) => Err(Rejected {
            diagnostics,
            text: Some(doc.text),
        }),
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
