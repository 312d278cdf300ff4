//! Findings on criteria and on the submission as a whole (SPEC §4.2, §5.1, §6, §7): data
//! with a stable code and the values their message is built from, never errors.
//!
//! A finding stores its `params`; its message is made from them by one template per code and
//! language ([`message`]), so the English `message` of a result document and the Chinese
//! text of a report always say the same thing, and a stored result renders in any language.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::text::Lang;

/// Stable finding codes on criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    /// The evidence path leaves the submission's directory (or is absolute).
    EvidenceOutside,
    /// The evidence path names no regular file.
    EvidenceMissing,
    /// The file's sha256 differs from the one given.
    EvidenceHashMismatch,
    /// The file is larger than the evidence size limit (`--max-evidence-size`); not read.
    EvidenceTooLarge,
    /// The criterion has a maximum age but the item has no `dated`.
    EvidenceUndated,
    /// The item is older than the criterion's maximum age.
    EvidenceStale,
    /// The item is dated after the as-of date.
    EvidenceFuture,
    /// Fewer valid evidence items than the criterion needs.
    InsufficientEvidence,
    /// A required metric value is absent or null.
    MetricMissing,
    /// A required metric check is false.
    MetricBelowTarget,
    /// An advisory metric value is absent or null (never changes the status).
    MetricAdvisoryMissing,
    /// An advisory metric check is false (never changes the status).
    MetricAdvisoryBelowTarget,
    /// `na` answered where the criterion does not allow it.
    NaNotAllowed,
    /// An expression failed at run time.
    ExpressionError,
    /// A waiver for this criterion and submission has expired.
    WaiverExpired,
}

impl FindingCode {
    /// Every code.
    pub const ALL: &'static [FindingCode] = &[
        FindingCode::EvidenceOutside,
        FindingCode::EvidenceMissing,
        FindingCode::EvidenceHashMismatch,
        FindingCode::EvidenceTooLarge,
        FindingCode::EvidenceUndated,
        FindingCode::EvidenceStale,
        FindingCode::EvidenceFuture,
        FindingCode::InsufficientEvidence,
        FindingCode::MetricMissing,
        FindingCode::MetricBelowTarget,
        FindingCode::MetricAdvisoryMissing,
        FindingCode::MetricAdvisoryBelowTarget,
        FindingCode::NaNotAllowed,
        FindingCode::ExpressionError,
        FindingCode::WaiverExpired,
    ];

    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::EvidenceOutside => "evidence-outside",
            FindingCode::EvidenceMissing => "evidence-missing",
            FindingCode::EvidenceHashMismatch => "evidence-hash-mismatch",
            FindingCode::EvidenceTooLarge => "evidence-too-large",
            FindingCode::EvidenceUndated => "evidence-undated",
            FindingCode::EvidenceStale => "evidence-stale",
            FindingCode::EvidenceFuture => "evidence-future",
            FindingCode::InsufficientEvidence => "insufficient-evidence",
            FindingCode::MetricMissing => "metric-missing",
            FindingCode::MetricBelowTarget => "metric-below-target",
            FindingCode::MetricAdvisoryMissing => "metric-advisory-missing",
            FindingCode::MetricAdvisoryBelowTarget => "metric-advisory-below-target",
            FindingCode::NaNotAllowed => "na-not-allowed",
            FindingCode::ExpressionError => "expression-error",
            FindingCode::WaiverExpired => "waiver-expired",
        }
    }

    /// Its short name for readers (the bundled report locales' `finding.<code>.name`; a test
    /// keeps the two the same).
    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            FindingCode::EvidenceOutside => ("证据路径越界", "Evidence outside the submission"),
            FindingCode::EvidenceMissing => ("证据文件缺失", "Evidence file missing"),
            FindingCode::EvidenceHashMismatch => ("证据校验值不符", "Evidence hash mismatch"),
            FindingCode::EvidenceTooLarge => ("证据文件过大", "Evidence file too large"),
            FindingCode::EvidenceUndated => ("证据未注明日期", "Evidence undated"),
            FindingCode::EvidenceStale => ("证据过期", "Evidence too old"),
            FindingCode::EvidenceFuture => ("证据日期晚于基准日", "Evidence dated in the future"),
            FindingCode::InsufficientEvidence => ("证据不足", "Insufficient evidence"),
            FindingCode::MetricMissing => ("指标缺失", "Metric missing"),
            FindingCode::MetricBelowTarget => ("指标未达标", "Metric below target"),
            FindingCode::MetricAdvisoryMissing => ("参考指标未填写", "Advisory metric not given"),
            FindingCode::MetricAdvisoryBelowTarget => (
                "参考指标未达参考目标",
                "Advisory metric below its reference target",
            ),
            FindingCode::NaNotAllowed => ("不允许作答“不适用”", "Not applicable not allowed"),
            FindingCode::ExpressionError => ("规则计算错误", "Rule evaluation error"),
            FindingCode::WaiverExpired => ("豁免已到期", "Waiver expired"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Whether the finding concerns an evidence item (what fixing it takes: supply or
    /// refresh evidence).
    pub fn is_evidence(self) -> bool {
        matches!(
            self,
            FindingCode::EvidenceOutside
                | FindingCode::EvidenceMissing
                | FindingCode::EvidenceHashMismatch
                | FindingCode::EvidenceTooLarge
                | FindingCode::EvidenceUndated
                | FindingCode::EvidenceStale
                | FindingCode::EvidenceFuture
                | FindingCode::InsufficientEvidence
        )
    }

    /// Whether the finding is advisory: reported, never a reason for a status.
    pub fn is_advisory(self) -> bool {
        matches!(
            self,
            FindingCode::MetricAdvisoryMissing | FindingCode::MetricAdvisoryBelowTarget
        )
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stable codes of findings about the submission as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TopFindingCode {
    /// A waiver names a criterion the catalog does not have.
    WaiverUnknownCriterion,
    /// Answers to criterion ids the catalog does not have (ignored).
    UnknownAnswer,
    /// Exact copies of a waiver (counted once).
    DuplicateWaivers,
}

impl TopFindingCode {
    /// Every code.
    pub const ALL: &'static [TopFindingCode] = &[
        TopFindingCode::WaiverUnknownCriterion,
        TopFindingCode::UnknownAnswer,
        TopFindingCode::DuplicateWaivers,
    ];

    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            TopFindingCode::WaiverUnknownCriterion => "waiver-unknown-criterion",
            TopFindingCode::UnknownAnswer => "unknown-answer",
            TopFindingCode::DuplicateWaivers => "duplicate-waivers",
        }
    }
}

impl fmt::Display for TopFindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The values a finding's message is built from, by name (sorted).
pub type Params = BTreeMap<String, Value>;

/// Builds [`Params`] from `name => value` pairs (any `Serialize` value).
#[macro_export]
#[doc(hidden)]
macro_rules! params {
    ($($name:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut params = $crate::internals::finding::Params::new();
        $(params.insert($name.to_owned(), ::serde_json::json!($value));)*
        params
    }};
}

/// A finding on a criterion: code, the English message and the values it is built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// Details, in English (what [`message`] makes of `params`).
    pub message: String,
    /// The values the message is built from.
    pub params: Params,
}

impl Finding {
    /// A finding; its message is made from `params`.
    pub fn new(code: FindingCode, params: Params) -> Finding {
        Finding {
            code,
            message: message(Code::Criterion(code), &params, Lang::En),
            params,
        }
    }

    /// The message in `lang`, made from the params.
    pub fn message_in(&self, lang: Lang) -> String {
        message(Code::Criterion(self.code), &self.params, lang)
    }
}

/// A finding about the submission as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopFinding {
    /// Stable code.
    pub code: TopFindingCode,
    /// Details, in English.
    pub message: String,
    /// The values the message is built from.
    pub params: Params,
}

impl TopFinding {
    /// A finding; its message is made from `params`.
    pub fn new(code: TopFindingCode, params: Params) -> TopFinding {
        TopFinding {
            code,
            message: message(Code::Top(code), &params, Lang::En),
            params,
        }
    }

    /// The message in `lang`, made from the params.
    pub fn message_in(&self, lang: Lang) -> String {
        message(Code::Top(self.code), &self.params, lang)
    }
}

/// Either kind of finding code.
#[derive(Debug, Clone, Copy)]
pub enum Code {
    /// On a criterion.
    Criterion(FindingCode),
    /// On the submission.
    Top(TopFindingCode),
}

/// A param as text: strings as they are, lists joined, numbers as JSON writes them, `?` when
/// absent (a hand-edited result never makes the message fail).
fn text(params: &Params, name: &str) -> String {
    match params.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Null) | None => "?".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// A `{zh, en}` param (a metric title) in `lang`, or `fallback` when absent.
fn localized(params: &Params, name: &str, lang: Lang, fallback: &str) -> String {
    let Some(Value::Object(text)) = params.get(name) else {
        return fallback.to_owned();
    };
    let pick = |key: &str| text.get(key).and_then(Value::as_str).map(str::to_owned);
    match lang {
        Lang::En => pick("en").or_else(|| pick("zh")),
        Lang::Zh => pick("zh"),
    }
    .unwrap_or_else(|| fallback.to_owned())
}

/// The `titles` param (a list of `{zh, en}` texts) in `lang`, joined; `None` when absent.
fn titles(params: &Params, lang: Lang) -> Option<String> {
    let Some(Value::Array(items)) = params.get("titles") else {
        return None;
    };
    let names: Vec<String> = items
        .iter()
        .map(|item| {
            let mut one = Params::new();
            one.insert("t".to_owned(), item.clone());
            localized(&one, "t", lang, "?")
        })
        .collect();
    Some(names.join("、"))
}

/// A metric check as a reader sees it: the word `value` replaced by the metric's title
/// (`value >= 0.8` → `培训覆盖率 >= 0.8`), other text as written.
fn check_with(check: &str, title: &str) -> String {
    // Read in Chinese: `value` is the metric's title, the connectives are words; other names
    // (facts, metrics) stay as the catalog writes them.
    let mut out = String::with_capacity(check.len() + title.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "value" => title,
            "and" => "且",
            "or" => "或",
            "not" => "非",
            "true" => "是",
            "false" => "否",
            other => other,
        });
        word.clear();
    };
    for c in check.chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn flag(params: &Params, name: &str) -> bool {
    params.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// The message of a finding in `lang`, made from its params. One template per code and
/// language: the only place a finding's words are written.
pub fn message(code: Code, p: &Params, lang: Lang) -> String {
    let t = |name: &str| text(p, name);
    match (code, lang) {
        (Code::Criterion(c), Lang::En) => match c {
            FindingCode::EvidenceOutside if flag(p, "through_symlink") => format!(
                "`{}` resolves (through a symlink) outside the submission's directory",
                t("path")
            ),
            FindingCode::EvidenceOutside => {
                format!("`{}` is not inside the submission's directory", t("path"))
            }
            FindingCode::EvidenceMissing if flag(p, "unreadable") => {
                format!("`{}` could not be read", t("path"))
            }
            FindingCode::EvidenceMissing => {
                format!("`{}` is not an existing regular file", t("path"))
            }
            FindingCode::EvidenceHashMismatch => format!(
                "`{}` has sha256 {}, the submission says {}",
                t("path"),
                t("actual"),
                t("expected")
            ),
            FindingCode::EvidenceTooLarge => format!(
                "`{}` has {} bytes, more than the limit of {} bytes for an evidence file (see --max-evidence-size); it was not read",
                t("path"),
                t("size"),
                t("limit")
            ),
            FindingCode::EvidenceUndated => format!(
                "`{}` has no `dated`; this criterion accepts evidence at most {} days old",
                t("path"),
                t("max_age_days")
            ),
            FindingCode::EvidenceStale => format!(
                "`{}` is dated {}: {} days old, more than {}",
                t("path"),
                t("dated"),
                t("age_days"),
                t("max_age_days")
            ),
            FindingCode::EvidenceFuture => format!(
                "`{}` is dated {}, after the as-of date {}",
                t("path"),
                t("dated"),
                t("as_of")
            ),
            FindingCode::InsufficientEvidence => {
                format!("{} valid evidence item(s), {} needed", t("valid"), t("min"))
            }
            FindingCode::MetricMissing => format!("no value for {}", t("metrics")),
            FindingCode::MetricBelowTarget => {
                format!("{} = {} fails `{}`", t("metric"), t("value"), t("check"))
            }
            FindingCode::MetricAdvisoryMissing => format!(
                "no value for {} (advisory: its reference target `{}` is not an ITSS requirement)",
                t("metric"),
                t("check")
            ),
            FindingCode::MetricAdvisoryBelowTarget => format!(
                "{} = {} misses the reference target `{}` (advisory: not an ITSS requirement; the status is unchanged)",
                t("metric"),
                t("value"),
                t("check")
            ),
            FindingCode::NaNotAllowed => "this criterion does not accept `na`".to_owned(),
            FindingCode::ExpressionError => match p.get("metric") {
                Some(Value::String(metric)) => format!(
                    "check `{}` of {metric} failed: {}",
                    t("expression"),
                    t("error")
                ),
                _ => format!("applies_if `{}` failed: {}", t("expression"), t("error")),
            },
            FindingCode::WaiverExpired => format!(
                "the waiver approved by {} expired on {}",
                t("approved_by"),
                t("expires_on")
            ),
        },
        (Code::Criterion(c), Lang::Zh) => match c {
            FindingCode::EvidenceOutside if flag(p, "through_symlink") => {
                format!("「{}」经符号链接指向提交目录之外", t("path"))
            }
            FindingCode::EvidenceOutside => format!("「{}」不在提交文件所在目录内", t("path")),
            FindingCode::EvidenceMissing if flag(p, "unreadable") => {
                format!("「{}」无法读取", t("path"))
            }
            FindingCode::EvidenceMissing => format!("「{}」不是已存在的普通文件", t("path")),
            FindingCode::EvidenceHashMismatch => format!(
                "「{}」的 SHA-256 为 {}，与提交中填写的 {} 不符",
                t("path"),
                t("actual"),
                t("expected")
            ),
            FindingCode::EvidenceTooLarge => format!(
                "「{}」大小为 {} 字节，超过证据文件大小上限 {} 字节（见 --max-evidence-size），未读取",
                t("path"),
                t("size"),
                t("limit")
            ),
            FindingCode::EvidenceUndated => format!(
                "「{}」未注明日期；本条款只接受 {} 天以内的证据",
                t("path"),
                t("max_age_days")
            ),
            FindingCode::EvidenceStale => format!(
                "「{}」日期为 {}，距评估基准日已 {} 天，超过 {} 天的时限",
                t("path"),
                t("dated"),
                t("age_days"),
                t("max_age_days")
            ),
            FindingCode::EvidenceFuture => format!(
                "「{}」日期为 {}，晚于评估基准日 {}",
                t("path"),
                t("dated"),
                t("as_of")
            ),
            FindingCode::InsufficientEvidence => {
                format!("有效证据 {} 项，至少需要 {} 项", t("valid"), t("min"))
            }
            FindingCode::MetricMissing => {
                format!(
                    "未填写指标值：{}",
                    titles(p, lang).unwrap_or_else(|| t("metrics"))
                )
            }
            FindingCode::MetricBelowTarget => {
                let title = localized(p, "title", lang, &t("metric"));
                format!(
                    "{title}为 {}，未满足 {}",
                    t("value"),
                    check_with(&t("check"), &title)
                )
            }
            FindingCode::MetricAdvisoryMissing => {
                let title = localized(p, "title", lang, &t("metric"));
                format!(
                    "未填写{title}；其参考目标（{}）由本工具设定，不是ITSS要求",
                    check_with(&t("check"), &title)
                )
            }
            FindingCode::MetricAdvisoryBelowTarget => {
                let title = localized(p, "title", lang, &t("metric"));
                format!(
                    "{title}为 {}，未达到参考目标（{}）；该目标由本工具设定，不是ITSS要求，不影响判定",
                    t("value"),
                    check_with(&t("check"), &title)
                )
            }
            FindingCode::NaNotAllowed => "本条款不接受“不适用”的回答".to_owned(),
            FindingCode::ExpressionError => {
                // An exceeded limit says which (issue #16); other failures stay terse.
                let limit = p
                    .get("limit")
                    .and_then(Value::as_str)
                    .and_then(crate::limits::Limit::from_name)
                    .map(|l| format!("超出表达式的{}，", l.describe(Lang::Zh)))
                    .unwrap_or_default();
                match p.get("metric") {
                    Some(Value::String(metric)) => format!(
                        "指标「{}」的检查式 {} {limit}无法计算",
                        localized(p, "title", lang, metric),
                        t("expression")
                    ),
                    _ => format!("适用条件 {} {limit}无法计算", t("expression")),
                }
            }
            FindingCode::WaiverExpired => format!(
                "由{}批准的豁免已于 {} 到期",
                t("approved_by"),
                t("expires_on")
            ),
        },
        (Code::Top(c), Lang::En) => match c {
            TopFindingCode::WaiverUnknownCriterion => format!(
                "{} waiver(s) name criteria that catalog `{}` does not have: {}",
                count(p),
                t("catalog"),
                ids(p, "criteria", Lang::En)
            ),
            TopFindingCode::UnknownAnswer => format!(
                "{} answer(s) name criteria that catalog `{}` does not have and were ignored: {}",
                count(p),
                t("catalog"),
                ids(p, "criteria", Lang::En)
            ),
            TopFindingCode::DuplicateWaivers => {
                format!("{} exact copies of waivers were counted once", t("count"))
            }
        },
        (Code::Top(c), Lang::Zh) => match c {
            TopFindingCode::WaiverUnknownCriterion => format!(
                "{} 项豁免所列条款不在评估目录 {} 中：{}",
                count(p),
                t("catalog"),
                ids(p, "criteria", Lang::Zh)
            ),
            TopFindingCode::UnknownAnswer => format!(
                "{} 个回答所列条款不在评估目录 {} 中，未计入：{}",
                count(p),
                t("catalog"),
                ids(p, "criteria", Lang::Zh)
            ),
            TopFindingCode::DuplicateWaivers => {
                format!("有 {} 份完全相同的重复豁免，只计一次", t("count"))
            }
        },
    }
}

/// The `count` param of a finding about several ids (1 for a finding of the older, single
/// `criterion` form).
fn count(p: &Params) -> u64 {
    p.get("count")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| u64::from(p.contains_key("criterion")))
}

/// The ids a finding names (`criteria`, or a single `criterion`), with how many more there are.
fn ids(p: &Params, name: &str, lang: Lang) -> String {
    let listed: Vec<String> = match (p.get(name), p.get("criterion")) {
        (Some(Value::Array(items)), _) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        (_, Some(Value::String(one))) => vec![one.clone()],
        _ => Vec::new(),
    };
    let more = count(p).saturating_sub(listed.len() as u64);
    let mut out = listed.join(", ");
    if more > 0 {
        match lang {
            Lang::Zh => out.push_str(&format!(" 等，另有 {more} 个")),
            Lang::En => out.push_str(&format!(" and {more} more")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_params_in_both_languages() {
        let f = Finding::new(
            FindingCode::EvidenceStale,
            params! {"path" => "evidence/a.pdf", "dated" => "2025-01-01", "age_days" => 400, "max_age_days" => 366},
        );
        assert_eq!(
            f.message,
            "`evidence/a.pdf` is dated 2025-01-01: 400 days old, more than 366"
        );
        assert!(f.message_in(Lang::Zh).contains("400 天"));
        assert!(!f.message_in(Lang::Zh).contains("days"));
    }

    #[test]
    fn too_large_names_the_size_and_the_limit_in_both_languages() {
        let f = Finding::new(
            FindingCode::EvidenceTooLarge,
            params! {"path" => "evidence/recording.mp4", "size" => 3_000_000_000u64, "limit" => 2_147_483_648u64},
        );
        assert_eq!(
            f.message,
            "`evidence/recording.mp4` has 3000000000 bytes, more than the limit of 2147483648 bytes for an evidence file (see --max-evidence-size); it was not read"
        );
        assert_eq!(
            f.message_in(Lang::Zh),
            "「evidence/recording.mp4」大小为 3000000000 字节，超过证据文件大小上限 2147483648 字节（见 --max-evidence-size），未读取"
        );
    }

    #[test]
    fn checks_read_with_the_metric_title() {
        assert_eq!(
            check_with("value >= 0.8", "培训覆盖率"),
            "培训覆盖率 >= 0.8"
        );
        assert_eq!(
            check_with("value <= metrics.values and value", "T"),
            "T <= metrics.values 且 T"
        );
        assert_eq!(
            check_with("not value.x or (value > 1)", "T"),
            "非 value.x 或 (T > 1)"
        );
    }

    #[test]
    fn absent_params_never_fail() {
        for &code in FindingCode::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert!(!message(Code::Criterion(code), &Params::new(), lang).is_empty());
            }
        }
        for &code in TopFindingCode::ALL {
            assert!(!message(Code::Top(code), &Params::new(), Lang::Zh).is_empty());
        }
    }
}
