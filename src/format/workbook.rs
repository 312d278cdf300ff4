//! `summary.xlsx`: the cohort of a batch as a workbook for Excel, WPS or LibreOffice — a
//! sheet of submissions (levels by name, scores as numbers shown as percentages, with an
//! autofilter), a sheet of criteria (blocking rates, most blocking first) and a sheet of
//! invalid files. It shows what `summary.csv` and `summary.json` carry and decides nothing.

use std::io::Write;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::{CohortContext, CohortFormat, CohortWriter, FormatError};
use crate::cohort::{BatchSummary, CatalogCohort, CohortRow, InvalidFile};
use crate::text::Lang;

/// `summary.xlsx`.
#[derive(Debug)]
pub struct XlsxSummary;

impl CohortFormat for XlsxSummary {
    fn name(&self) -> &'static str {
        "xlsx"
    }
    fn file_name(&self) -> &'static str {
        "summary.xlsx"
    }
    fn start<'a>(&self, cx: &'a CohortContext<'a>) -> Box<dyn CohortWriter + 'a> {
        Box::new(XlsxWriter {
            lang: cx.lang,
            rows: Vec::new(),
        })
    }
}

/// What a submission's row shows (kept until the end: the level names come with the
/// summary).
struct Row {
    id: String,
    source: String,
    organization: String,
    credit_code: Option<String>,
    catalog: String,
    achieved: Option<String>,
    without_waivers: Option<String>,
    target: Option<String>,
    target_met: Option<bool>,
    index: Option<f64>,
    element_scores: Vec<Option<f64>>,
}

struct XlsxWriter {
    lang: Lang,
    rows: Vec<Row>,
}

impl CohortWriter for XlsxWriter {
    fn row(&mut self, row: &CohortRow, _out: &mut dyn Write) -> Result<(), FormatError> {
        self.rows.push(Row {
            id: row.id.clone(),
            source: row.source.clone(),
            organization: row.organization.clone(),
            credit_code: row.credit_code.clone(),
            catalog: row.catalog.clone(),
            achieved: row.achieved_level.clone(),
            without_waivers: row.achieved_level_without_waivers.clone(),
            target: row.target_level.clone(),
            target_met: row.target_met,
            index: row.index,
            element_scores: row.element_scores.clone(),
        });
        Ok(())
    }

    fn finish(&mut self, summary: &BatchSummary, out: &mut dyn Write) -> Result<(), FormatError> {
        let bytes = workbook(&self.rows, summary, self.lang)
            .map_err(|e| FormatError::Io(std::io::Error::other(e.to_string())))?;
        out.write_all(&bytes)?;
        Ok(())
    }
}

struct Words {
    cohort: &'static str,
    criteria: &'static str,
    invalid: &'static str,
    submission: [&'static str; 10],
    criterion: [&'static str; 8],
    invalid_columns: [&'static str; 6],
    yes: &'static str,
    no: &'static str,
}

const ZH: Words = Words {
    cohort: "提交汇总",
    criteria: "条款阻碍率",
    invalid: "无效文件",
    submission: [
        "提交编号",
        "文件",
        "单位",
        "统一社会信用代码",
        "评估目录",
        "达到级别",
        "不计豁免时的级别",
        "目标级别",
        "达到目标",
        "总体指数",
    ],
    criterion: [
        "评估目录",
        "条款编号",
        "级别",
        "能力要素",
        "名称",
        "阻碍次数",
        "涉及提交数",
        "阻碍率",
    ],
    invalid_columns: ["文件", "错误代码", "首个错误", "行", "列", "单元格"],
    yes: "是",
    no: "否",
};

const EN: Words = Words {
    cohort: "Submissions",
    criteria: "Blocking criteria",
    invalid: "Invalid files",
    submission: [
        "Submission",
        "File",
        "Organization",
        "Credit code",
        "Catalog",
        "Level achieved",
        "Level without waivers",
        "Target level",
        "Target met",
        "Index",
    ],
    criterion: [
        "Catalog",
        "Criterion",
        "Level",
        "Element",
        "Title",
        "Blocked",
        "Considered",
        "Blocking rate",
    ],
    invalid_columns: [
        "File",
        "Error codes",
        "First error",
        "Line",
        "Column",
        "Cell",
    ],
    yes: "Yes",
    no: "No",
};

/// A level's name as readers see it: `3 拓展级`, or the id where the catalog is unknown.
fn level_name(catalogs: &[CatalogCohort], catalog: &str, level: &str, lang: Lang) -> String {
    catalogs
        .iter()
        .find(|c| c.catalog == catalog)
        .and_then(|c| c.levels.iter().find(|l| l.id == level))
        .map_or_else(
            || level.to_owned(),
            |l| {
                if l.numbered {
                    format!("{} {}", l.id, l.name.get(lang))
                } else {
                    l.name.get(lang).to_owned()
                }
            },
        )
}

fn workbook(rows: &[Row], summary: &BatchSummary, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_author("itss")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let percent = Format::new().set_num_format("0.0%");

    // Element columns: every catalog's elements, first appearance order, by name.
    let mut elements: Vec<(String, String)> = Vec::new();
    for c in &summary.catalogs {
        for e in &c.elements {
            if !elements.iter().any(|(id, _)| *id == e.id) {
                elements.push((e.id.clone(), e.name.get(lang).to_owned()));
            }
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name(w.cohort)?;
    let mut col = 0u16;
    for label in w.submission {
        sheet.write_string_with_format(0, col, label, &header)?;
        col += 1;
    }
    for (_, name) in &elements {
        sheet.write_string_with_format(0, col, name, &header)?;
        col += 1;
    }
    let last_col = col.saturating_sub(1);
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let level = |l: &Option<String>| {
            l.as_deref()
                .map(|l| level_name(&summary.catalogs, &r.catalog, l, lang))
                .unwrap_or_default()
        };
        let texts = [
            r.id.clone(),
            r.source.clone(),
            r.organization.clone(),
            r.credit_code.clone().unwrap_or_default(),
            r.catalog.clone(),
            level(&r.achieved),
            level(&r.without_waivers),
            level(&r.target),
            r.target_met
                .map(|m| if m { w.yes } else { w.no }.to_owned())
                .unwrap_or_default(),
        ];
        for (j, t) in texts.iter().enumerate() {
            if !t.is_empty() {
                sheet.write_string(row, u16::try_from(j).unwrap_or(0), t)?;
            }
        }
        if let Some(index) = r.index {
            sheet.write_number_with_format(row, 9, index, &percent)?;
        }
        let own = summary.catalogs.iter().find(|c| c.catalog == r.catalog);
        for (k, (id, _)) in elements.iter().enumerate() {
            let score = own
                .and_then(|c| c.elements.iter().position(|e| e.id == *id))
                .and_then(|p| r.element_scores.get(p).copied().flatten());
            if let Some(s) = score {
                let c = u16::try_from(10 + k).unwrap_or(u16::MAX);
                sheet.write_number_with_format(row, c, s, &percent)?;
            }
        }
    }
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last_row, last_col)?;
    finish_sheet(
        sheet,
        &[14.0, 28.0, 28.0, 20.0, 10.0, 14.0, 14.0, 12.0, 8.0, 10.0],
    )?;

    let sheet = book.add_worksheet();
    sheet.set_name(w.criteria)?;
    for (j, label) in w.criterion.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(j).unwrap_or(0), *label, &header)?;
    }
    let mut tallies: Vec<(&CatalogCohort, &crate::cohort::CriterionTally)> = summary
        .catalogs
        .iter()
        .flat_map(|c| c.criteria.iter().map(move |t| (c, t)))
        .collect();
    // Most blocking first; never considered last; ties in catalog order (stable sort).
    tallies.sort_by(|a, b| {
        let rate = |t: &crate::cohort::CriterionTally| t.blocking_rate.unwrap_or(-1.0);
        rate(b.1)
            .total_cmp(&rate(a.1))
            .then(b.1.blocks.cmp(&a.1.blocks))
    });
    for (i, (c, t)) in tallies.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let element = c
            .elements
            .iter()
            .find(|e| e.id == t.element)
            .map_or_else(|| t.element.clone(), |e| e.name.get(lang).to_owned());
        sheet.write_string(row, 0, &c.catalog)?;
        sheet.write_string(row, 1, &t.id)?;
        sheet.write_string(
            row,
            2,
            level_name(&summary.catalogs, &c.catalog, &t.level, lang),
        )?;
        sheet.write_string(row, 3, element)?;
        sheet.write_string(row, 4, t.title.get(lang))?;
        sheet.write_number(row, 5, t.blocks as f64)?;
        sheet.write_number(row, 6, t.considered as f64)?;
        if let Some(rate) = t.blocking_rate {
            sheet.write_number_with_format(row, 7, rate, &percent)?;
        }
    }
    sheet.autofilter(0, 0, u32::try_from(tallies.len()).unwrap_or(u32::MAX), 7)?;
    finish_sheet(sheet, &[10.0, 18.0, 12.0, 10.0, 30.0, 10.0, 10.0, 10.0])?;

    let sheet = book.add_worksheet();
    sheet.set_name(w.invalid)?;
    for (j, label) in w.invalid_columns.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(j).unwrap_or(0), *label, &header)?;
    }
    for (i, f) in summary.invalid_files.iter().enumerate() {
        invalid_row(sheet, u32::try_from(i + 1).unwrap_or(u32::MAX), f)?;
    }
    finish_sheet(sheet, &[36.0, 24.0, 60.0, 6.0, 6.0, 14.0])?;
    book.save_to_buffer()
}

fn invalid_row(sheet: &mut Worksheet, row: u32, f: &InvalidFile) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, &f.path)?;
    sheet.write_string(row, 1, f.codes.join(" "))?;
    sheet.write_string(row, 2, &f.message)?;
    if let Some(line) = f.line {
        sheet.write_number(row, 3, line as f64)?;
    }
    if let Some(column) = f.column {
        sheet.write_number(row, 4, column as f64)?;
    }
    if let Some(cell) = &f.cell {
        sheet.write_string(row, 5, cell)?;
    }
    Ok(())
}

fn finish_sheet(sheet: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
    for (i, width) in widths.iter().enumerate() {
        sheet.set_column_width(u16::try_from(i).unwrap_or(0), *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}
