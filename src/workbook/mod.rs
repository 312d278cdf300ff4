//! Submissions as spreadsheets (issue #20): the questionnaire workbook `itss template
//! --format xlsx` writes, that Excel, WPS or LibreOffice fill in, and that `assess`, `batch`
//! and `convert` read back into the same submission value a YAML file gives.
//!
//! The layout is shared by the writer ([`write`]) and the reader ([`read`]): every data
//! sheet has a hidden first row of machine keys naming its columns, a header row people
//! read, and data from the third row. The reader finds sheets and columns by those keys,
//! not by position or by the (localised) header, so a workbook saved in either language, or
//! with columns moved, reads the same. The general sheet lists one field a row, its JSON
//! pointer and value type in two hidden columns.
//!
//! Only features that Excel, LibreOffice and WPS all read are used: plain cells, number
//! formats, list and decimal data validation, sheet protection without a password, frozen
//! panes, hidden rows and columns, print setup. No formulas, macros, tables or comments.

mod archive;
pub mod read;
mod review;
mod words;
pub mod write;

use crate::text::Lang;

pub use archive::check_archive;
pub use read::{CellPlace, Cells, load, read_review, read_submission, read_workbook};
pub use review::review;
pub use write::{WorkbookError, questionnaire, submission};

/// The hidden row of machine keys (0-based).
pub(crate) const KEY_ROW: u32 = 0;
/// The header row people read.
pub(crate) const HEAD_ROW: u32 = 1;
/// The first data row.
pub(crate) const FIRST_ROW: u32 = 2;

/// Column keys of the general sheet.
pub(crate) mod general {
    pub const LABEL: &str = "label";
    pub const VALUE: &str = "value";
    pub const HELP: &str = "help";
    pub const POINTER: &str = "pointer";
    pub const TYPE: &str = "type";
    /// For a `choice` field: the drop-down's labels and the values they stand for, as a
    /// JSON object.
    pub const CHOICES: &str = "choices";
}

/// Column keys of a criteria sheet (metric slots are `metric1`, `metric1.name`, …).
pub(crate) mod criteria {
    pub const ID: &str = "id";
    pub const LEVEL: &str = "level";
    pub const ELEMENT: &str = "element";
    pub const TITLE: &str = "title";
    pub const REQUIREMENT: &str = "requirement";
    pub const INDICATORS: &str = "indicators";
    pub const HINTS: &str = "hints";
    pub const RATING: &str = "rating";
    pub const NOTE: &str = "note";
    pub const METRIC_IDS: &str = "metric_ids";
    pub const EXTRA: &str = "extra";
}

/// Column keys of the evidence sheet.
pub(crate) mod evidence {
    pub const CRITERION: &str = "criterion";
    pub const PATH: &str = "path";
    pub const TITLE: &str = "title";
    pub const DATED: &str = "dated";
    pub const SHA256: &str = "sha256";
    pub const EXTRA: &str = "extra";
}

/// Column keys of the certificates sheet.
pub(crate) mod certificates {
    pub const CATALOG: &str = "catalog";
    pub const LEVEL: &str = "level";
    pub const NUMBER: &str = "number";
    pub const ISSUED_ON: &str = "issued_on";
    pub const EXPIRES_ON: &str = "expires_on";
    pub const EXTRA: &str = "extra";
}

/// Column keys of a review's team sheet.
pub(crate) mod team {
    pub const NAME: &str = "member.name";
    pub const ROLE: &str = "member.role";
}

/// Column keys of a review's verdict sheet (metric slots as on a criteria sheet).
pub(crate) mod verdicts {
    pub const ID: &str = "verdict";
    pub const LEVEL: &str = "verdict.level";
    pub const ELEMENT: &str = "verdict.element";
    pub const TITLE: &str = "verdict.title";
    pub const DECLARED: &str = "verdict.declared";
    pub const SAMPLE: &str = "verdict.sample";
    pub const RATING: &str = "verdict.rating";
    pub const NOTE: &str = "verdict.note";
    pub const EXTRA: &str = "verdict.extra";
}

/// Column keys of a review's sheet of what the team checked.
pub(crate) mod checked {
    pub const CRITERION: &str = "checked.criterion";
    pub const PATH: &str = "checked.path";
    pub const SEEN: &str = "checked.seen";
    pub const TITLE: &str = "checked.title";
    pub const DATED: &str = "checked.dated";
    pub const SHA256: &str = "checked.sha256";
    pub const EXTRA: &str = "checked.extra";
}

/// Column keys of the nonconformity register.
pub(crate) mod ncs {
    pub const ID: &str = "nc.id";
    pub const CRITERION: &str = "nc.criterion";
    pub const SEVERITY: &str = "nc.severity";
    pub const STATEMENT: &str = "nc.statement";
    pub const STATEMENT_EN: &str = "nc.statement_en";
    pub const EXTRA: &str = "nc.extra";
}

/// Column keys of the corrective-action register (one row per nonconformity's action).
pub(crate) mod actions {
    pub const NC: &str = "action.nc";
    pub const STATEMENT: &str = "action.statement";
    pub const OWNER: &str = "action.owner";
    pub const DUE: &str = "action.due";
    pub const DESCRIPTION: &str = "action.description";
    pub const DESCRIPTION_EN: &str = "action.description_en";
    pub const CLOSED_ON: &str = "action.closed_on";
    pub const VERIFIED_BY: &str = "action.verified_by";
    pub const EXTRA: &str = "action.extra";
}

/// The column keys the reader reads on sheets other than a questionnaire's criteria sheets
/// (there only the fill columns are read; everything else is catalog text).
pub(crate) const READ_KEYS: &[&str] = &[
    general::VALUE,
    general::POINTER,
    general::TYPE,
    general::CHOICES,
    evidence::CRITERION,
    evidence::PATH,
    evidence::TITLE,
    evidence::DATED,
    evidence::SHA256,
    evidence::EXTRA,
    certificates::CATALOG,
    certificates::LEVEL,
    certificates::NUMBER,
    certificates::ISSUED_ON,
    certificates::EXPIRES_ON,
    certificates::EXTRA,
    team::NAME,
    team::ROLE,
    verdicts::ID,
    verdicts::DECLARED,
    verdicts::SAMPLE,
    verdicts::RATING,
    verdicts::NOTE,
    verdicts::EXTRA,
    criteria::METRIC_IDS,
    checked::CRITERION,
    checked::PATH,
    checked::SEEN,
    checked::TITLE,
    checked::DATED,
    checked::SHA256,
    checked::EXTRA,
    ncs::ID,
    ncs::CRITERION,
    ncs::SEVERITY,
    ncs::STATEMENT,
    ncs::STATEMENT_EN,
    ncs::EXTRA,
    actions::NC,
    actions::OWNER,
    actions::DUE,
    actions::DESCRIPTION,
    actions::DESCRIPTION_EN,
    actions::CLOSED_ON,
    actions::VERIFIED_BY,
    actions::EXTRA,
];

/// Which form a workbook is: a questionnaire (a submission) or an assessment body's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A self-assessment questionnaire: reads as a submission.
    Submission,
    /// A review record with its nonconformity and corrective-action registers.
    Review,
}

/// The two severities of a nonconformity: code, Chinese and English label.
pub(crate) const SEVERITIES: [(&str, &str, &str); 2] =
    [("minor", "一般", "Minor"), ("major", "严重", "Major")];

/// The two roles in a review team: code, Chinese and English label.
pub(crate) const ROLES: [(&str, &str, &str); 2] =
    [("lead", "组长", "Lead"), ("member", "组员", "Member")];

/// The label of a code in a (code, zh, en) table, the code itself when unknown.
pub(crate) fn label_of<'a>(
    table: &'a [(&'a str, &'a str, &'a str)],
    code: &'a str,
    lang: Lang,
) -> &'a str {
    table
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, zh, en)| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
}

/// The code a cell's text names in a (code, zh, en) table: a code or a label, in any case
/// and width, spaces ignored; `aliases` are more (text, code) pairs people type.
pub(crate) fn parse_label(
    table: &[(&'static str, &str, &str)],
    aliases: &[(&str, &'static str)],
    text: &str,
) -> Option<&'static str> {
    let t: String = normalize(text)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    table
        .iter()
        .find(|(code, zh, en)| t == *code || t == *zh || t == en.to_lowercase())
        .map(|(code, _, _)| *code)
        .or_else(|| aliases.iter().find(|(a, _)| t == *a).map(|(_, c)| *c))
}

/// The label of a declared rating that was never given (null in the review file).
pub(crate) fn not_answered(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "未作答",
        Lang::En => "Not answered",
    }
}

/// The value types of general-sheet fields (hidden column `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// Free text.
    Text,
    /// An identifier: text, a whole number typed is read as its digits.
    Code,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// 是/否, true/false.
    Bool,
    /// A number.
    Number,
    /// JSON text (a value no cell type holds: a list, null, an empty map).
    Json,
    /// One of a drop-down's labels (e.g. 三级 拓展级), read as the value it stands for (`3`).
    Choice,
}

impl FieldType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Code => "code",
            FieldType::Date => "date",
            FieldType::Bool => "bool",
            FieldType::Number => "number",
            FieldType::Json => "json",
            FieldType::Choice => "choice",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<FieldType> {
        Some(match s.trim() {
            "text" => FieldType::Text,
            "code" => FieldType::Code,
            "date" => FieldType::Date,
            "bool" => FieldType::Bool,
            "number" => FieldType::Number,
            "json" => FieldType::Json,
            "choice" => FieldType::Choice,
            _ => return None,
        })
    }
}

/// The four ratings: the submission's code, its Chinese and English labels.
pub(crate) const RATINGS: [(&str, &str, &str); 4] = [
    ("conform", "符合", "Conform"),
    ("partial", "部分符合", "Partial"),
    ("nonconform", "不符合", "Nonconform"),
    ("na", "不适用", "Not applicable"),
];

/// The label of a rating code in `lang` (the code itself when unknown).
pub(crate) fn rating_label(code: &str, lang: Lang) -> &str {
    RATINGS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, zh, en)| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
}

/// Yes and no as a cell shows them.
pub(crate) fn yes_no(value: bool, lang: Lang) -> &'static str {
    match (lang, value) {
        (Lang::Zh, true) => "是",
        (Lang::Zh, false) => "否",
        (Lang::En, true) => "Yes",
        (Lang::En, false) => "No",
    }
}

/// Full-width ASCII variants (`Ｃｏｎｆｏｒｍ`, `９２％`, `２０２６－０３－０１`) and the
/// ideographic space as their ASCII forms, surrounding white space trimmed: what a Chinese
/// keyboard types where an identifier, number, date or rating is meant.
pub(crate) fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The rating code a cell's text names: a code or a label in either language, in any case,
/// with stray or full-width spaces; `None` when it names none.
pub(crate) fn parse_rating(text: &str) -> Option<&'static str> {
    let t = normalize(text).to_lowercase();
    let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    RATINGS.iter().find_map(|(code, zh, en)| {
        let hit = t == *code
            || compact == *zh
            || t == en.to_lowercase()
            || (*code == "na" && matches!(t.as_str(), "n/a" | "n.a." | "not-applicable"));
        hit.then_some(*code)
    })
}

/// A date typed as text (`2026-03-01`, `2026/3/1`, `2026.3.1`, `2026年3月1日`) as
/// `YYYY-MM-DD`, when it is a real calendar day.
pub(crate) fn parse_date_text(text: &str) -> Option<String> {
    let t = normalize(text);
    let t = t.trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str, max_len: usize| -> Option<u32> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    if y < 1000 {
        return None;
    }
    let date = crate::date::Date::new(i32::try_from(y).ok()?, m, d)?;
    Some(date.to_string())
}

/// A number typed as text: full-width digits, thousands separators and a trailing `%`
/// (`92%` is 0.92) understood.
pub(crate) fn parse_number_text(text: &str) -> Option<f64> {
    let t = normalize(text).replace([',', ' '], "");
    let (t, percent) = match t.strip_suffix('%') {
        Some(rest) => (rest.trim().to_owned(), true),
        None => (t, false),
    };
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    let v = if percent { v / 100.0 } else { v };
    v.is_finite().then_some(v)
}

/// A JSON number for a cell's float: whole numbers as integers (what YAML gives for `5`),
/// others as the shortest decimal that reads back the same (0.92, not 0.9200000000000002
/// from a percentage cell: Excel keeps 15 significant digits).
pub(crate) fn json_number(v: f64) -> Option<serde_json::Value> {
    if !v.is_finite() {
        return None;
    }
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        return Some(serde_json::Value::from(v as i64));
    }
    let rounded: f64 = format!("{v:.14e}").parse().ok()?;
    serde_json::Number::from_f64(rounded).map(serde_json::Value::Number)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not blank.
pub(crate) fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_owned();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

/// `A1` notation of a 0-based (row, column).
pub(crate) fn a1(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_in_every_spelling() {
        for (typed, code) in [
            ("符合", "conform"),
            (" 部分符合 ", "partial"),
            ("不 符合", "nonconform"),
            ("不适用", "na"),
            ("CONFORM", "conform"),
            ("Partial", "partial"),
            ("ｎｏｎｃｏｎｆｏｒｍ", "nonconform"),
            ("\u{3000}na\u{3000}", "na"),
            ("Not applicable", "na"),
            ("N/A", "na"),
        ] {
            assert_eq!(parse_rating(typed), Some(code), "{typed}");
        }
        assert_eq!(parse_rating("yes"), None);
    }

    #[test]
    fn dates_and_numbers_typed_as_text() {
        assert_eq!(parse_date_text("2026/3/1").as_deref(), Some("2026-03-01"));
        assert_eq!(
            parse_date_text("2026年3月1日").as_deref(),
            Some("2026-03-01")
        );
        assert_eq!(
            parse_date_text("２０２６－０３－０１").as_deref(),
            Some("2026-03-01")
        );
        assert_eq!(parse_date_text("2026-02-30"), None);
        assert_eq!(parse_number_text("92%"), Some(0.92));
        assert_eq!(parse_number_text("９２％"), Some(0.92));
        assert_eq!(parse_number_text("1,234.5"), Some(1234.5));
        assert_eq!(parse_number_text("abc"), None);
        assert_eq!(json_number(0.92 * 1.0), Some(serde_json::json!(0.92)));
        assert_eq!(json_number(92.0 / 100.0), Some(serde_json::json!(0.92)));
        assert_eq!(json_number(5.0), Some(serde_json::json!(5)));
    }

    #[test]
    fn a1_names() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(22, 5), "F23");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(sheet_name("a/b"), "a_b");
    }
}
