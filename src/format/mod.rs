//! Output formats (SPEC §8, §9): one registry of everything `itss` writes — per submission
//! (the result document, the reports, the terminal summary) and per cohort (the `summary.*`
//! files of a batch) — each with its name, file extension and a renderer producing bytes.
//!
//! `assess`, `batch` and `render` look formats up here and write what the renderer returns;
//! none of them knows a format by name. A new format, a binary one included, is one more
//! type implementing [`SubmissionFormat`] or [`CohortFormat`] and one more entry in
//! [`SUBMISSION_FORMATS`] or [`COHORT_FORMATS`]: `itss batch` then writes it (cohort formats
//! are all written; submission formats when `--formats` names them) and `assess`/`render`
//! accept its name.

mod cohort;
mod submission;
mod workbook;

use std::fmt;
use std::io::{self, Write};

use crate::cohort::{BatchSummary, CohortRow, InvalidFile};
use crate::report::{Renderer, ReportError};
use crate::result::{AssessmentResult, CompactWriter};
use crate::text::Lang;

pub use cohort::{CsvSummary, HtmlSummary, JsonSummary};
pub use submission::{
    ACTIONS_HTML, ACTIONS_MD, Html, Json, Markdown, NONCONFORMITIES_HTML, NONCONFORMITIES_MD,
    ReviewDocument, Text,
};
pub use workbook::XlsxSummary;

/// What every renderer may read: the language, the report templates (when a format that
/// needs them was chosen), and whether JSON is indented.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The reader's language.
    pub lang: Lang,
    /// The compiled template set, for the formats that need one.
    pub renderer: Option<&'a Renderer>,
    /// Indent JSON (what `itss assess` prints); batch files are compact.
    pub pretty: bool,
}

/// Why an output could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A template failed.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// JSON encoding failed.
    #[error("cannot encode JSON")]
    Json(#[from] serde_json::Error),
    /// The format renders through templates and none were loaded.
    #[error("the `{0}` format needs report templates, and none were loaded")]
    NoTemplates(&'static str),
    /// The format is a document of a review and the result was not assessed on one.
    #[error("the `{0}` format is a document of a review: assess with --review")]
    NotReviewed(&'static str),
    /// The format cannot hold several results in one output.
    #[error("the `{0}` format holds one submission per file: give -o a directory")]
    OneEach(&'static str),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Per-thread state a renderer may reuse from one result to the next (the compact JSON
/// writer keeps the catalog text it has encoded).
#[derive(Debug, Default)]
pub struct Scratch {
    json: CompactWriter,
}

/// A format written once per assessed submission.
pub trait SubmissionFormat: fmt::Debug + Sync {
    /// The name users give (`--format`, `--formats`).
    fn name(&self) -> &'static str;
    /// The file extension, without the dot.
    fn extension(&self) -> &'static str;
    /// The folder of a batch's output directory it goes to.
    fn folder(&self) -> &'static str {
        "reports"
    }
    /// One line saying what it is (for `--help` and error messages).
    fn description(&self) -> &'static str;
    /// Whether it renders through the report templates.
    fn needs_templates(&self) -> bool {
        false
    }
    /// Whether it has something to say about `result` (a batch skips it where not; the
    /// review documents need a reviewed result).
    fn applies(&self, result: &AssessmentResult) -> bool {
        let _ = result;
        true
    }
    /// Whether its bytes are not text (never written to a terminal).
    fn is_binary(&self) -> bool {
        false
    }
    /// Appends the rendering of one result to `out`.
    fn render(
        &self,
        result: &AssessmentResult,
        cx: &Context<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError>;
    /// Whether several results fit one output ([`SubmissionFormat::render_many`]).
    fn holds_several(&self) -> bool {
        true
    }
    /// Appends several results as one output, when the format can hold them.
    fn render_many(
        &self,
        results: &[AssessmentResult],
        cx: &Context<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        let _ = (results, cx, scratch, out);
        Err(FormatError::OneEach(self.name()))
    }
}

/// What a cohort format may read besides the rows: the language, the templates, and the
/// elements of every catalog the batch can meet (id, element ids in catalog order).
#[derive(Debug, Clone)]
pub struct CohortContext<'a> {
    /// The reader's language.
    pub lang: Lang,
    /// The compiled template set, for the formats that need one.
    pub renderer: Option<&'a Renderer>,
    /// Catalog id and its element ids in catalog order, for every catalog in use.
    pub catalogs: Vec<(String, Vec<String>)>,
}

/// A format written once per batch, from every result's [`CohortRow`] (streamed, in input
/// order) and the folded [`BatchSummary`].
pub trait CohortFormat: fmt::Debug + Sync {
    /// The name (`csv`, `json`, `html`).
    fn name(&self) -> &'static str;
    /// The file it is written to in the output directory.
    fn file_name(&self) -> &'static str;
    /// Whether it renders through the report templates.
    fn needs_templates(&self) -> bool {
        false
    }
    /// A writer for one batch.
    fn start<'a>(&self, cx: &'a CohortContext<'a>) -> Box<dyn CohortWriter + 'a>;
}

/// Writes one cohort output as the batch goes: every row, then the end.
pub trait CohortWriter {
    /// One assessed submission, in input order.
    fn row(&mut self, row: &CohortRow, out: &mut dyn Write) -> Result<(), FormatError> {
        let _ = (row, out);
        Ok(())
    }
    /// One input that ended without a result, in input order among the rows.
    fn invalid(&mut self, file: &InvalidFile, out: &mut dyn Write) -> Result<(), FormatError> {
        let _ = (file, out);
        Ok(())
    }
    /// After the last row, with the whole cohort.
    fn finish(&mut self, summary: &BatchSummary, out: &mut dyn Write) -> Result<(), FormatError>;
}

/// Every per-submission format.
pub static SUBMISSION_FORMATS: &[&dyn SubmissionFormat] = &[
    &Text,
    &Json,
    &Html,
    &Markdown,
    &NONCONFORMITIES_HTML,
    &NONCONFORMITIES_MD,
    &ACTIONS_HTML,
    &ACTIONS_MD,
];

/// Every cohort format: a batch writes each of them.
pub static COHORT_FORMATS: &[&dyn CohortFormat] =
    &[&CsvSummary, &JsonSummary, &HtmlSummary, &XlsxSummary];

/// The per-submission format with this name (`markdown` is `md`).
pub fn submission_format(name: &str) -> Option<&'static dyn SubmissionFormat> {
    let name = if name == "markdown" { "md" } else { name };
    SUBMISSION_FORMATS
        .iter()
        .copied()
        .find(|f| f.name() == name)
}

/// The per-submission format written with this file extension (case-insensitive).
pub fn by_extension(extension: &str) -> Option<&'static dyn SubmissionFormat> {
    SUBMISSION_FORMATS
        .iter()
        .copied()
        .find(|f| f.extension().eq_ignore_ascii_case(extension))
}

/// Parses a format name for the command line: the error lists the names there are.
pub fn parse_submission_format(name: &str) -> Result<&'static dyn SubmissionFormat, String> {
    submission_format(name).ok_or_else(|| {
        let names: Vec<&str> = SUBMISSION_FORMATS.iter().map(|f| f.name()).collect();
        format!("unknown format `{name}` (formats: {})", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_extensions_are_unique() {
        for (i, a) in SUBMISSION_FORMATS.iter().enumerate() {
            for b in &SUBMISSION_FORMATS[i + 1..] {
                assert_ne!(a.name(), b.name());
                assert_ne!(a.extension(), b.extension());
            }
        }
        for (i, a) in COHORT_FORMATS.iter().enumerate() {
            for b in &COHORT_FORMATS[i + 1..] {
                assert_ne!(a.file_name(), b.file_name());
            }
        }
        assert_eq!(submission_format("markdown").map(|f| f.name()), Some("md"));
        assert_eq!(by_extension("HTML").map(|f| f.name()), Some("html"));
        assert!(parse_submission_format("pdf").unwrap_err().contains("html"));
    }
}
