//! The cohort formats of a batch: `summary.csv` (one row per assessed submission, streamed),
//! `summary.json` (the cohort statistics) and `summary.html` (the assessor's overview).

use std::io::Write;

use serde::Serialize;

use super::{CohortContext, CohortFormat, CohortWriter, FormatError};
use crate::cohort::{BatchSummary, CohortRow, InvalidFile};

/// `summary.csv`: plain UTF-8 for scripts, one row per input: an assessed submission
/// (`status` `assessed`) or a file that ended without a result (`status` `invalid`, with its
/// error codes), so that the rows add up to the files found.
#[derive(Debug)]
pub struct CsvSummary;

impl CohortFormat for CsvSummary {
    fn name(&self) -> &'static str {
        "csv"
    }
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn start<'a>(&self, cx: &'a CohortContext<'a>) -> Box<dyn CohortWriter + 'a> {
        Box::new(CsvWriter { cx, columns: None })
    }
}

/// The fixed columns of `summary.csv`, before one `score_<element>` column per element.
const CSV_COLUMNS: [&str; 16] = [
    "id",
    "file",
    "status",
    "error_codes",
    "organization",
    "credit_code",
    "catalog",
    "achieved_level",
    "achieved_level_without_waivers",
    "target_level",
    "target_met",
    "index",
    "review_status",
    "self_assessed_level",
    "review_agreement",
    "review_kappa",
];

struct CsvWriter<'a> {
    cx: &'a CohortContext<'a>,
    /// Element columns, fixed by the first row: its catalog's elements in catalog order,
    /// then those of the other catalogs in use that it lacks.
    columns: Option<Vec<String>>,
}

impl CsvWriter<'_> {
    fn elements_of(&self, catalog: &str) -> &[String] {
        self.cx
            .catalogs
            .iter()
            .find(|(id, _)| id == catalog)
            .map_or(&[], |(_, elements)| elements.as_slice())
    }

    /// Writes the header when nothing has been written yet.
    fn header(&mut self, first: Option<&str>, out: &mut dyn Write) -> Result<(), FormatError> {
        if self.columns.is_some() {
            return Ok(());
        }
        let mut columns: Vec<String> = first
            .map(|c| self.elements_of(c).to_vec())
            .unwrap_or_default();
        for (_, elements) in &self.cx.catalogs {
            for e in elements {
                if !columns.contains(e) {
                    columns.push(e.clone());
                }
            }
        }
        let mut line: Vec<String> = CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        line.extend(columns.iter().map(|e| csv_field(&format!("score_{e}"))));
        writeln!(out, "{}", line.join(","))?;
        self.columns = Some(columns);
        Ok(())
    }
}

impl CohortWriter for CsvWriter<'_> {
    fn row(&mut self, row: &CohortRow, out: &mut dyn Write) -> Result<(), FormatError> {
        self.header(Some(&row.catalog), out)?;
        let mut cells = vec![
            csv_field(&row.id),
            csv_field(&row.source),
            "assessed".to_owned(),
            String::new(),
            csv_field(&row.organization),
            csv_field(row.credit_code.as_deref().unwrap_or("")),
            csv_field(&row.catalog),
            csv_field(row.achieved_level.as_deref().unwrap_or("")),
            csv_field(row.achieved_level_without_waivers.as_deref().unwrap_or("")),
            csv_field(row.target_level.as_deref().unwrap_or("")),
            row.target_met.map_or_else(String::new, |m| m.to_string()),
            fmt_score(row.index),
            row.review
                .as_ref()
                .map_or("", |r| r.status.as_str())
                .to_owned(),
            csv_field(
                row.review
                    .as_ref()
                    .and_then(|r| r.self_assessed_level.as_deref())
                    .unwrap_or(""),
            ),
            fmt_score(row.review.as_ref().and_then(|r| r.agreement.agreement)),
            fmt_score(row.review.as_ref().and_then(|r| r.agreement.kappa)),
        ];
        let elements = self.elements_of(&row.catalog);
        for column in self.columns.iter().flatten() {
            let score = elements
                .iter()
                .position(|e| e == column)
                .and_then(|i| row.element_scores.get(i).copied().flatten());
            cells.push(fmt_score(score));
        }
        writeln!(out, "{}", cells.join(","))?;
        Ok(())
    }

    fn invalid(&mut self, file: &InvalidFile, out: &mut dyn Write) -> Result<(), FormatError> {
        self.header(None, out)?;
        let mut cells = vec![
            String::new(),
            csv_field(&file.path),
            "invalid".to_owned(),
            csv_field(&file.codes.join(" ")),
        ];
        let empty = CSV_COLUMNS.len() - cells.len() + self.columns.as_ref().map_or(0, Vec::len);
        cells.extend(std::iter::repeat_n(String::new(), empty));
        writeln!(out, "{}", cells.join(","))?;
        Ok(())
    }

    fn finish(&mut self, _summary: &BatchSummary, out: &mut dyn Write) -> Result<(), FormatError> {
        self.header(None, out)
    }
}

/// A CSV cell: quoted when it holds a comma, quote or line break; a cell a spreadsheet
/// would run as a formula gets a leading apostrophe.
pub(crate) fn csv_field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn fmt_score(score: Option<f64>) -> String {
    score.map_or_else(String::new, |s| format!("{s:.4}"))
}

/// `summary.json`: the cohort statistics.
#[derive(Debug)]
pub struct JsonSummary;

impl CohortFormat for JsonSummary {
    fn name(&self) -> &'static str {
        "json"
    }
    fn file_name(&self) -> &'static str {
        "summary.json"
    }
    fn start<'a>(&self, _cx: &'a CohortContext<'a>) -> Box<dyn CohortWriter + 'a> {
        Box::new(JsonWriter)
    }
}

struct JsonWriter;

impl CohortWriter for JsonWriter {
    fn finish(&mut self, summary: &BatchSummary, out: &mut dyn Write) -> Result<(), FormatError> {
        serde_json::to_writer_pretty(&mut *out, summary)?;
        writeln!(out)?;
        Ok(())
    }
}

/// `summary.html`: the cohort overview, rendered from `summary.html.j2`.
#[derive(Debug)]
pub struct HtmlSummary;

impl CohortFormat for HtmlSummary {
    fn name(&self) -> &'static str {
        "html"
    }
    fn file_name(&self) -> &'static str {
        "summary.html"
    }
    fn needs_templates(&self) -> bool {
        true
    }
    fn start<'a>(&self, cx: &'a CohortContext<'a>) -> Box<dyn CohortWriter + 'a> {
        Box::new(HtmlWriter {
            cx,
            listed: Vec::new(),
            total: 0,
        })
    }
}

/// At most this many submissions are listed one by one in `summary.html` (`summary.csv` has
/// every one): a page an assessor can still open and print.
pub const HTML_LISTED: usize = 1000;

struct HtmlWriter<'a> {
    cx: &'a CohortContext<'a>,
    /// The first [`HTML_LISTED`] submissions, input order.
    listed: Vec<Listed>,
    /// All assessed submissions.
    total: u64,
}

/// A submission as `summary.html` lists it: who, target and level, what stands before the
/// next level, and its report.
#[derive(Debug, Serialize)]
struct Listed {
    id: String,
    organization: String,
    catalog: String,
    target: Option<String>,
    achieved: Option<String>,
    next_level: Option<String>,
    next_blocking: u32,
    next_prerequisites: u32,
    next_below: u32,
    next_earliest: Option<String>,
    /// The report's address relative to `summary.html`, percent-encoded.
    report: Option<String>,
}

/// A relative path as a URL path: every byte outside the unreserved set and `/` is
/// percent-encoded.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl CohortWriter for HtmlWriter<'_> {
    fn row(&mut self, row: &CohortRow, _out: &mut dyn Write) -> Result<(), FormatError> {
        self.total += 1;
        if self.listed.len() < HTML_LISTED {
            self.listed.push(Listed {
                id: row.id.clone(),
                organization: row.organization.clone(),
                catalog: row.catalog.clone(),
                target: row.target_level.clone(),
                achieved: row.achieved_level.clone(),
                next_level: row.next_level.clone(),
                next_blocking: row.next_blocking,
                next_prerequisites: row.next_prerequisites,
                next_below: row.next_below,
                next_earliest: row.next_earliest.clone(),
                report: row.report.as_deref().map(url_path),
            });
        }
        Ok(())
    }

    fn finish(&mut self, summary: &BatchSummary, out: &mut dyn Write) -> Result<(), FormatError> {
        let renderer = self
            .cx
            .renderer
            .ok_or(FormatError::NoTemplates("summary.html"))?;
        let context = serde_json::json!({
            "summary": summary,
            "submissions": self.listed,
            "submissions_total": self.total,
        });
        let html = renderer.render_template("summary.html.j2", &context, self.cx.lang)?;
        out.write_all(html.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_escaped_and_guarded() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn report_links_are_percent_encoded() {
        assert_eq!(url_path("reports/a-1.html"), "reports/a-1.html");
        assert_eq!(
            url_path("reports/某 #1.html"),
            "reports/%E6%9F%90%20%231.html"
        );
    }
}
