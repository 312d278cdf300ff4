//! `errors.jsonl`: one line per input that ends without a result — its path, the codes of
//! its errors, and every diagnostic with its line and column — and the same file's entry in
//! the batch summary.

use std::path::Path;

use serde::Serialize;

use crate::cohort::InvalidFile;
use crate::diagnostic::Diagnostic;
use crate::text::Lang;

/// One `errors.jsonl` line.
#[derive(Debug, Serialize)]
pub(super) struct ErrorLine<'a> {
    path: String,
    codes: Vec<&'static str>,
    diagnostics: Vec<ErrorDiagnostic<'a>>,
}

#[derive(Debug, Serialize)]
struct ErrorDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    /// The message in Chinese (additive: readers of older lines see `message` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    message_zh: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    /// `sheet!cell` of a workbook submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
}

impl<'a> ErrorLine<'a> {
    /// The line of an input and its diagnostics.
    pub(super) fn new(path: &Path, diagnostics: &'a [Diagnostic]) -> ErrorLine<'a> {
        // Each code once, in the order the diagnostics first name it.
        let mut codes: Vec<&'static str> = Vec::new();
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            if !codes.contains(&d.code.as_str()) {
                codes.push(d.code.as_str());
            }
        }
        ErrorLine {
            path: path.to_string_lossy().replace('\\', "/"),
            codes,
            diagnostics: diagnostics
                .iter()
                .map(|d| ErrorDiagnostic {
                    code: d.code.as_str(),
                    severity: if d.is_error() { "error" } else { "warning" },
                    message: &d.message,
                    message_zh: d.message_zh.as_deref(),
                    line: d.line,
                    column: d.column,
                    pointer: d.pointer.as_deref(),
                    cell: d.cell.as_ref().map(|c| format!("{}!{}", c.sheet, c.cell)),
                })
                .collect(),
        }
    }

    /// The file's entry in the summary: path, codes and the first error, in `lang`.
    pub(super) fn invalid_file(&self, diagnostics: &[Diagnostic], lang: Lang) -> InvalidFile {
        let first = diagnostics.iter().find(|d| d.is_error());
        InvalidFile {
            path: self.path.clone(),
            codes: self.codes.clone(),
            message: first
                .map(|d| d.message_in(lang).to_owned())
                .unwrap_or_default(),
            line: first.and_then(|d| d.line),
            column: first.and_then(|d| d.column),
            cell: first
                .and_then(|d| d.cell.as_ref())
                .map(|c| format!("{}!{}", c.sheet, c.cell)),
        }
    }
}
