//! The per-submission formats: the result document (JSON), the graded reports (HTML,
//! Markdown) and the terminal summary (text).

use super::{Context, FormatError, Scratch, SubmissionFormat};
use crate::report::ReportFormat;
use crate::result::AssessmentResult;

/// The result document (SPEC §7): compact in batches, indented for `itss assess`.
#[derive(Debug)]
pub struct Json;

impl SubmissionFormat for Json {
    fn name(&self) -> &'static str {
        "json"
    }
    fn extension(&self) -> &'static str {
        "json"
    }
    fn folder(&self) -> &'static str {
        "results"
    }
    fn description(&self) -> &'static str {
        "the result document (SPEC §7), what every report is rendered from"
    }
    fn render(
        &self,
        result: &AssessmentResult,
        cx: &Context<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        let _span = tracing::debug_span!("render", format = "json").entered();
        if cx.pretty {
            serde_json::to_writer_pretty(&mut *out, result)?;
        } else if crate::switches::compact_json() {
            scratch.json.write(result, out)?;
        } else {
            // The library path the compact writer stands in for (`ITSS_COMPACT_JSON=0`).
            serde_json::to_writer(&mut *out, result)?;
        }
        out.push(b'\n');
        Ok(())
    }
    /// A JSON array of the results.
    fn render_many(
        &self,
        results: &[AssessmentResult],
        cx: &Context<'_>,
        _scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        if cx.pretty {
            serde_json::to_writer_pretty(&mut *out, results)?;
        } else {
            serde_json::to_writer(&mut *out, results)?;
        }
        out.push(b'\n');
        Ok(())
    }
}

/// The graded report as one self-contained HTML file.
#[derive(Debug)]
pub struct Html;

impl SubmissionFormat for Html {
    fn name(&self) -> &'static str {
        "html"
    }
    fn extension(&self) -> &'static str {
        "html"
    }
    fn description(&self) -> &'static str {
        "the graded report as one self-contained HTML file, printable on A4"
    }
    fn needs_templates(&self) -> bool {
        true
    }
    fn holds_several(&self) -> bool {
        false
    }
    fn render(
        &self,
        result: &AssessmentResult,
        cx: &Context<'_>,
        _scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        let renderer = cx.renderer.ok_or(FormatError::NoTemplates(self.name()))?;
        let _span = tracing::debug_span!("render", format = "html").entered();
        Ok(renderer.render_into(result, ReportFormat::Html, cx.lang, out)?)
    }
}

/// The graded report as Markdown.
#[derive(Debug)]
pub struct Markdown;

impl SubmissionFormat for Markdown {
    fn name(&self) -> &'static str {
        "md"
    }
    fn extension(&self) -> &'static str {
        "md"
    }
    fn description(&self) -> &'static str {
        "the graded report as Markdown, for e-mail and review"
    }
    fn needs_templates(&self) -> bool {
        true
    }
    fn render(
        &self,
        result: &AssessmentResult,
        cx: &Context<'_>,
        _scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        let renderer = cx.renderer.ok_or(FormatError::NoTemplates(self.name()))?;
        let _span = tracing::debug_span!("render", format = "md").entered();
        Ok(renderer.render_into(result, ReportFormat::Markdown, cx.lang, out)?)
    }
    /// The reports one after the other, separated by a rule.
    fn render_many(
        &self,
        results: &[AssessmentResult],
        cx: &Context<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        for (i, result) in results.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\n---\n\n");
            }
            self.render(result, cx, scratch, out)?;
        }
        Ok(())
    }
}

/// The terminal summary: achieved vs target level, the ladder, the top gaps.
#[derive(Debug)]
pub struct Text;

/// How many blocking criteria the summary lists per gap.
const TOP_GAPS: usize = 10;

impl SubmissionFormat for Text {
    fn name(&self) -> &'static str {
        "text"
    }
    fn extension(&self) -> &'static str {
        "txt"
    }
    fn description(&self) -> &'static str {
        "a summary for the terminal"
    }
    fn render(
        &self,
        result: &AssessmentResult,
        cx: &Context<'_>,
        _scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        out.extend_from_slice(crate::summary::render(result, cx.lang, TOP_GAPS).as_bytes());
        Ok(())
    }
    /// The summaries one after the other, separated by a blank line.
    fn render_many(
        &self,
        results: &[AssessmentResult],
        cx: &Context<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        for (i, result) in results.iter().enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            self.render(result, cx, scratch, out)?;
        }
        Ok(())
    }
}

/// A document of a reviewed result, rendered through its own template: the nonconformity
/// report (不符合项报告) and the corrective-action plan (整改计划), in HTML and Markdown.
#[derive(Debug)]
pub struct ReviewDocument {
    name: &'static str,
    extension: &'static str,
    template: &'static str,
    description: &'static str,
}

/// The nonconformity report as HTML.
pub static NONCONFORMITIES_HTML: ReviewDocument = ReviewDocument {
    name: "nc-html",
    extension: "nc.html",
    template: "nonconformities.html.j2",
    description: "a reviewed result's nonconformity report (不符合项报告), HTML",
};

/// The nonconformity report as Markdown.
pub static NONCONFORMITIES_MD: ReviewDocument = ReviewDocument {
    name: "nc-md",
    extension: "nc.md",
    template: "nonconformities.md.j2",
    description: "a reviewed result's nonconformity report (不符合项报告), Markdown",
};

/// The corrective-action plan as HTML.
pub static ACTIONS_HTML: ReviewDocument = ReviewDocument {
    name: "ca-html",
    extension: "ca.html",
    template: "actions.html.j2",
    description: "a reviewed result's corrective-action plan (整改计划), HTML",
};

/// The corrective-action plan as Markdown.
pub static ACTIONS_MD: ReviewDocument = ReviewDocument {
    name: "ca-md",
    extension: "ca.md",
    template: "actions.md.j2",
    description: "a reviewed result's corrective-action plan (整改计划), Markdown",
};

impl SubmissionFormat for ReviewDocument {
    fn name(&self) -> &'static str {
        self.name
    }
    fn extension(&self) -> &'static str {
        self.extension
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn needs_templates(&self) -> bool {
        true
    }
    fn holds_several(&self) -> bool {
        false
    }
    fn applies(&self, result: &AssessmentResult) -> bool {
        result.review.is_some()
    }
    fn render(
        &self,
        result: &AssessmentResult,
        cx: &Context<'_>,
        _scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        if result.review.is_none() {
            return Err(FormatError::NotReviewed(self.name));
        }
        let renderer = cx.renderer.ok_or(FormatError::NoTemplates(self.name))?;
        let _span = tracing::debug_span!("render", format = self.name).entered();
        Ok(renderer.render_document_into(result, self.template, cx.lang, out)?)
    }
}
