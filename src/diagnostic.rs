//! Diagnostics: what is wrong with an input file, where, under a stable code.
//!
//! Loaders push [`Diagnostic`]s instead of stopping at the first problem. Each carries a
//! [`Code`] (stable, kebab-case, documented by [`Code::description`]), a message in English
//! and in Chinese, the file, and where known a JSON pointer and a `line:col`. Rendering for
//! people (with a source snippet, in the reader's language) and for machines (JSON lines,
//! English message plus an additive `message_zh`) happens only here.
//!
//! Messages are written once per language as templates keyed by code in [`messages`]; a
//! loader passes a [`Msg`] (the template variant and its parameters) and both texts are
//! made from it. See [`messages`] for how to add a message.

pub mod messages;

pub use messages::{Msg, msg};

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::text::Lang;
use crate::yaml::Location;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is unusable (an invalid submission gets no result).
    Error,
    /// Worth reading; the input is still used.
    Warning,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal : $description:literal, )*) => {
        /// Stable diagnostic codes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* #[doc = $description] $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// One line saying what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $description,)* }
            }
        }
    };
}

codes! {
    Io = "io": "the file could not be read",
    NotAFile = "not-a-file": "a FIFO, socket or device where a file was expected; it is never opened",
    WalkLimit = "walk-limit": "a directory nested too deep below a batch input; it is not searched",
    SymlinkOutside = "symlink-outside": "a symbolic link leading out of a batch input directory (see --follow-symlinks)",
    FileTooLarge = "file-too-large": "the file is larger than the input size limit",
    NotUtf8 = "not-utf8": "the file is not UTF-8 text",
    YamlSyntax = "yaml-syntax": "the file is not well-formed YAML or JSON, or exceeds a parser limit",
    JsonSyntax = "json-syntax": "the file is not well-formed JSON",
    DuplicateKey = "duplicate-key": "a mapping has the same key twice",
    FullWidthCharacter = "full-width-character": "full-width punctuation or space (a Chinese keyboard's `：` `，` U+3000) where YAML needs ASCII",
    InputLimit = "input-limit": "the document exceeds a nesting, size or alias-expansion limit",
    UnsupportedYaml = "unsupported-yaml": "a YAML feature these files do not use (tags, merge keys, several documents)",
    Schema = "schema": "the document does not match its JSON Schema",
    InvalidDate = "invalid-date": "a date is not a real calendar day written YYYY-MM-DD",
    UnknownField = "unknown-field": "a field that the format does not define",
    MissingField = "missing-field": "a required field is missing",
    CreditCode = "credit-code": "the unified social credit code fails its GB 32100-2015 check",
    CatalogMismatch = "catalog-mismatch": "the submission names a different catalog",
    CatalogVersion = "catalog-version": "the submission's catalog_version differs from the catalog's version",
    UnknownCatalog = "unknown-catalog": "no bundled catalog has this id",
    UnknownTargetLevel = "unknown-target-level": "target_level is not a level of the catalog",
    UnknownAnswer = "unknown-answer": "an answer to a criterion id the catalog does not have (ignored)",
    DuplicateId = "duplicate-id": "the same id is defined twice",
    UnknownLevel = "unknown-level": "a reference to a level the catalog does not define",
    UnknownElement = "unknown-element": "a reference to an element the catalog does not define",
    LevelWithoutCriteria = "level-without-criteria": "a level has no criteria",
    WeightOutOfRange = "weight-out-of-range": "a criterion weight is not an integer >= 1",
    ScaleOutOfRange = "scale-out-of-range": "scale values: conform 1, nonconform 0, 0 <= partial < 1, at most 3 decimals",
    ThresholdOutOfRange = "threshold-out-of-range": "the element threshold is not in (0, 1] with at most 3 decimals",
    PolicyMismatch = "policy-mismatch": "a policy field that does not belong to the chosen method",
    MetricRange = "metric-range": "a metric range is not [min, max] with min <= max",
    MetricNotAdvisory = "metric-not-advisory": "a metric target in an official catalog that is not advisory: the standard must state it",
    MetricOutOfRange = "metric-out-of-range": "a metric value lies outside the range its catalog declares",
    ExpressionSyntax = "expression-syntax": "an applies_if or metric check expression does not compile",
    ExpressionLimit = "expression-limit": "an applies_if or metric check expression exceeds the work or size limits of an expression",
    UnknownPrerequisiteKind = "unknown-prerequisite-kind": "a prerequisite kind other than flag, months_since, certificate",
    MissingTranslation = "missing-translation": "a shipped catalog text lacks its English translation",
    WaiverUnknownCriterion = "waiver-unknown-criterion": "a waiver names a criterion the catalog does not have",
    ResultVersion = "result-version": "a result document of a version this itss does not read, or not a result document at all",
    DuplicateSubmission = "duplicate-submission": "two files in a batch have the same submission id",
    ReviewMismatch = "review-mismatch": "a review is for another submission (id or file digest differ), or a reviewed submission has no review",
    ReviewUnknownCriterion = "review-unknown-criterion": "a review names a criterion the catalog does not have",
    ReviewUnknownMetric = "review-unknown-metric": "a review gives a value for a metric the criterion does not have",
    ReviewTeam = "review-team": "a review's team does not have exactly one lead",
    ReviewDuplicate = "review-duplicate": "two nonconformities of a review have the same id, or two reviews are for the same submission",
    ReviewUnknownNonconformity = "review-unknown-nonconformity": "a corrective action in a review workbook names a nonconformity the review does not list",
    XlsxArchive = "xlsx-archive": "an .xlsx workbook that cannot be read, or whose zip expands beyond the input size limit (zip bomb)",
    XlsxLayout = "xlsx-layout": "an .xlsx workbook that is not an itss questionnaire (no sheet of organization fields)",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A value read from a file: the value, the warnings about it and the text they point
/// into. With [`Rejected`], the one shape of everything `itss` loads (catalogs,
/// submissions, waivers, reviews, assessed files): `Result<Loaded<T>, Rejected>`.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The value.
    pub value: T,
    /// Warnings (the value is still good).
    pub warnings: Vec<Diagnostic>,
    /// The source text, for rendering the warnings (none when it could not be read, or for
    /// a workbook).
    pub text: Option<String>,
}

/// A file that could not be used: every diagnostic (at least one error) and, when the file
/// was read, its text (for the snippets).
#[derive(Debug, Clone)]
pub struct Rejected {
    /// What is wrong (errors and warnings, in file order).
    pub diagnostics: Vec<Diagnostic>,
    /// The source text.
    pub text: Option<String>,
}

impl Rejected {
    /// A file rejected for one reason.
    pub fn one(diagnostic: Diagnostic, text: Option<String>) -> Rejected {
        Rejected {
            diagnostics: vec![diagnostic],
            text,
        }
    }
}

impl fmt::Display for Rejected {
    /// The first error, `file:line:col: message [code]`, and how many more there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        match errors.first() {
            Some(d) => {
                write!(f, "{}: {} [{}]", d.position(), d.message, d.code)?;
                if errors.len() > 1 {
                    write!(f, " (and {} more)", errors.len() - 1)?;
                }
                Ok(())
            }
            None => f.write_str("rejected"),
        }
    }
}

impl std::error::Error for Rejected {}

/// A load taken apart: the value when there is one, every diagnostic (the warnings of a
/// value, or why there is none) and the text — for what reports every diagnostic whatever
/// the outcome (`itss catalog check`).
pub fn split<T>(load: Result<Loaded<T>, Rejected>) -> (Option<T>, Vec<Diagnostic>, Option<String>) {
    match load {
        Ok(l) => (Some(l.value), l.warnings, l.text),
        Err(r) => (None, r.diagnostics, r.text),
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// What is wrong, for a person, in English (what machines and logs get).
    pub message: String,
    /// The same in Chinese, where the message has been translated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_zh: Option<Box<str>>,
    /// The file it is about.
    pub file: PathBuf,
    /// JSON pointer to the value, when the problem is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<Box<str>>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column (characters), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The spreadsheet cell, for a workbook (`.xlsx`) submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<Box<SheetCell>>,
}

/// A cell of a workbook: where a value of an `.xlsx` submission was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetCell {
    /// The sheet's name.
    pub sheet: String,
    /// `A1` notation (the top-left cell of a merged area).
    pub cell: String,
    /// What the cell holds, as shown.
    pub content: String,
}

/// What a diagnostic says: a template message ([`Msg`]: both languages), or a text in
/// English only (not yet translated; shown in English whatever the language).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Made from the code's template.
    Template(Msg),
    /// English words only.
    English(String),
}

impl From<Msg> for Message {
    fn from(m: Msg) -> Message {
        Message::Template(m)
    }
}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::English(s)
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Message {
        Message::English(s.to_owned())
    }
}

impl Diagnostic {
    /// An error about `file`.
    pub fn error(code: Code, file: &Path, message: impl Into<Message>) -> Diagnostic {
        let (message, message_zh) = match message.into() {
            Message::Template(m) => (
                m.render(code, Lang::En),
                Some(m.render(code, Lang::Zh).into_boxed_str()),
            ),
            Message::English(s) => (s, None),
        };
        Diagnostic {
            severity: Severity::Error,
            code,
            message,
            message_zh,
            file: file.to_path_buf(),
            pointer: None,
            line: None,
            column: None,
            cell: None,
        }
    }

    /// A warning about `file`.
    pub fn warning(code: Code, file: &Path, message: impl Into<Message>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message)
        }
    }

    /// Sets the Chinese message directly. Prefer a template of [`messages`] (a [`Msg`]),
    /// which makes both texts from the same parameters.
    pub fn localized(mut self, zh: impl Into<String>) -> Diagnostic {
        self.message_zh = Some(zh.into().into_boxed_str());
        self
    }

    /// The message in `lang` (English where no translation exists yet).
    pub fn message_in(&self, lang: Lang) -> &str {
        match (lang, &self.message_zh) {
            (Lang::Zh, Some(zh)) => zh,
            _ => &self.message,
        }
    }

    /// The messages cut to a readable length (they quote values, which may be huge).
    pub fn shortened(mut self) -> Diagnostic {
        fn cut(message: &str) -> Option<String> {
            const MAX: usize = 300;
            let (end, _) = message.char_indices().nth(MAX)?;
            Some(format!("{}…", &message[..end]))
        }
        if let Some(m) = cut(&self.message) {
            self.message = m;
        }
        if let Some(m) = self.message_zh.as_deref().and_then(cut) {
            self.message_zh = Some(m.into_boxed_str());
        }
        self
    }

    /// Attaches a JSON pointer.
    pub fn at_pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into().into_boxed_str());
        self
    }

    /// Attaches a source location (ignored when unknown).
    pub fn at(mut self, location: Location) -> Diagnostic {
        if location.is_known() {
            self.line = Some(location.line);
            self.column = Some(location.column);
        }
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, `file: sheet!cell` (or just the file).
    pub fn position(&self) -> String {
        if let Some(c) = &self.cell {
            return format!("{}: {}!{}", self.file.display(), c.sheet, c.cell);
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file.display()),
            (Some(l), None) => format!("{}:{l}", self.file.display()),
            _ => self.file.display().to_string(),
        }
    }

    /// Renders for a terminal: a header with code and message, then the source line with
    /// the value underlined when the source and a location are known.
    pub fn render(&self, source: Option<&str>, color: bool, lang: Lang) -> String {
        let rendered = self.render_source(source, color, lang);
        match &self.cell {
            Some(c) => {
                let label = match lang {
                    Lang::Zh => "单元格内容",
                    Lang::En => "cell content",
                };
                let content = crate::report::escape::clean(&c.content);
                format!("{}\n  = {label}: 「{content}」", rendered.trim_end())
            }
            None => rendered,
        }
    }

    fn render_source(&self, source: Option<&str>, color: bool, lang: Lang) -> String {
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

        let level = match (self.severity, lang) {
            (Severity::Error, Lang::En) => Level::ERROR,
            (Severity::Warning, Lang::En) => Level::WARNING,
            (Severity::Error, Lang::Zh) => Level::ERROR.with_name("错误"),
            (Severity::Warning, Lang::Zh) => Level::WARNING.with_name("警告"),
        };
        // Messages and pointers quote enterprise text: control and bidi characters are shown,
        // never sent to the terminal. In Chinese the code stands as a code, `错误[schema]`.
        let title = match lang {
            Lang::En => format!(
                "{} [{}]",
                crate::report::escape::clean(self.message_in(lang)),
                self.code
            ),
            Lang::Zh => crate::report::escape::clean(self.message_in(lang)).into_owned(),
        };
        let code_id = match lang {
            Lang::Zh => Some(self.code.as_str()),
            Lang::En => None,
        };
        let titled = |level: Level<'static>, title: String| {
            let title = level.primary_title(title);
            match code_id {
                Some(id) => title.id(id),
                None => title,
            }
        };
        let path = crate::report::escape::clean(&self.position()).into_owned();
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let line_text = match (source, self.line) {
            (Some(src), Some(line)) if line > 0 => usize::try_from(line - 1)
                .ok()
                .and_then(|i| src.lines().nth(i)),
            _ => None,
        };
        let col = self
            .column
            .and_then(|c| usize::try_from(c).ok())
            .unwrap_or(1)
            .max(1);
        // A window of the line around the column: a one-line file of megabytes is shown as
        // the part that matters, and rendering costs the same whatever the line's length.
        let window = line_text.map(|text| snippet_window(text, col));
        match window {
            Some((text, col)) => {
                let start = text
                    .char_indices()
                    .nth(col - 1)
                    .map_or(text.len(), |(i, _)| i);
                let rest = &text[start..];
                let token_len = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ']'))
                    .unwrap_or(rest.len())
                    .max(usize::from(!rest.is_empty()));
                let mut end = (start + token_len).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                // Control and bidi characters of the source are shown, never sent; the span
                // follows what cleaning makes of the text before and inside it.
                let clean = |s: &str| crate::report::escape::clean(s).into_owned();
                let (before, token, after) = (
                    clean(&text[..start]),
                    clean(&text[start..end]),
                    clean(&text[end..]),
                );
                let shown = format!("{before}{token}{after}");
                let span = before.len()..before.len() + token.len();
                let line_no = usize::try_from(self.line.unwrap_or(1)).unwrap_or(1);
                let pointer_label = match (lang, self.pointer.as_deref()) {
                    (Lang::Zh, Some(_)) if self.code == Code::UnknownField => "未知字段".to_owned(),
                    (Lang::Zh, Some(p)) => clean(&messages::field_label_zh(p)),
                    (_, p) => clean(p.unwrap_or_default()),
                };
                // The position is the one in the file, stated by the header: the snippet may
                // be a window of the line, with characters shown escaped.
                let snippet_level = level.clone();
                let header = titled(level, title).element(annotate_snippets::Origin::path(path));
                let snippet = annotate_snippets::Group::with_level(snippet_level).element(
                    Snippet::source(shown.as_str())
                        .line_start(line_no)
                        .annotation(AnnotationKind::Primary.span(span).label(pointer_label)),
                );
                collapse_separators(&renderer.render(&[header, snippet]))
            }
            None => {
                let group = titled(level, title).element(annotate_snippets::Origin::path(path));
                renderer.render(&[group])
            }
        }
    }
}

/// The two groups of a rendered diagnostic each open with a `|` line; one is shown.
fn collapse_separators(rendered: &str) -> String {
    let bare = |line: &str| {
        let mut plain = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                // An SGR sequence: ESC [ … m.
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                plain.push(c);
            }
        }
        plain.trim() == "|"
    };
    let mut out = String::with_capacity(rendered.len());
    let mut previous_bar = false;
    for line in rendered.split_inclusive('\n') {
        let bar = bare(line);
        if !(bar && previous_bar) {
            out.push_str(line);
        }
        previous_bar = bar;
    }
    out
}

/// How much of a long source line a snippet shows before and after the column (characters).
const SNIPPET_BEFORE: usize = 60;
const SNIPPET_AFTER: usize = 100;

/// The part of `line` a snippet shows around the 1-based column `col`, and the column within
/// it: the whole line when short, else a window marked with `…` at each cut end. Looks at no
/// more than the window's characters past the column.
fn snippet_window(line: &str, col: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let first = col.saturating_sub(1 + SNIPPET_BEFORE);
    let mut chars = line.char_indices().skip(first);
    let Some((start, _)) = chars.next() else {
        return (std::borrow::Cow::Borrowed(line), col);
    };
    let end = line[start..]
        .char_indices()
        .nth(SNIPPET_BEFORE + SNIPPET_AFTER)
        .map(|(i, _)| start + i);
    if first == 0 && end.is_none() {
        return (std::borrow::Cow::Borrowed(line), col);
    }
    let mut shown = String::new();
    let mut col = col - first;
    if first > 0 {
        shown.push('…');
        col += 1;
    }
    shown.push_str(&line[start..end.unwrap_or(line.len())]);
    if end.is_some() {
        shown.push('…');
    }
    (std::borrow::Cow::Owned(shown), col)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {severity}[{}]: {}",
            self.position(),
            self.code,
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
            );
            assert!(!code.description().is_empty());
        }
    }

    #[test]
    fn renders_a_snippet_with_position() {
        let d = Diagnostic::error(Code::Schema, Path::new("s.yaml"), "bad rating")
            .at_pointer("/answers/X/rating")
            .at(Location { line: 2, column: 9 });
        let text = d.render(Some("a: 1\nrating: NO\n"), false, Lang::En);
        assert!(text.contains("s.yaml:2:9"), "{text}");
        assert!(text.contains("rating: NO"), "{text}");
        assert!(text.contains("^^"), "{text}");
        assert_eq!(d.to_string(), "s.yaml:2:9: error[schema]: bad rating");
    }

    #[test]
    fn long_lines_are_shown_as_a_window() {
        let line = format!("{}NO{}", "x".repeat(100_000), "y".repeat(100_000));
        let (shown, col) = snippet_window(&line, 100_001);
        assert!(shown.chars().count() < 200, "{}", shown.len());
        assert_eq!(shown.chars().nth(col - 1), Some('N'));
        let (whole, col) = snippet_window("rating: NO", 9);
        assert_eq!((whole.as_ref(), col), ("rating: NO", 9));
        let d = Diagnostic::error(Code::Schema, Path::new("s.yaml"), "bad").at(Location {
            line: 1,
            column: 100_001,
        });
        let text = d.render(Some(&line), false, Lang::Zh);
        assert!(text.len() < 2_000, "{}", text.len());
        assert!(text.contains("NO"));
    }

    #[test]
    fn messages_follow_the_language_where_translated() {
        let d = Diagnostic::error(Code::Schema, Path::new("s.yaml"), "bad").localized("错误");
        assert_eq!(d.message_in(Lang::Zh), "错误");
        assert_eq!(d.message_in(Lang::En), "bad");
        let d = Diagnostic::error(Code::Schema, Path::new("s.yaml"), "bad");
        assert_eq!(d.message_in(Lang::Zh), "bad");
    }
}
