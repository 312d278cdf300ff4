//! Writing review workbooks: the skeleton `itss review init --format xlsx` writes, or a
//! review file converted (`itss convert review.yaml --to xlsx`). The sheets are the review's
//! fields, the team, one verdict row per criterion (the declared rating and the evidence
//! drawn beside it, for reference), what the team checked, and the two registers: the
//! nonconformities and their corrective actions. [`super::read`] reads them back into the
//! review value a YAML file gives, checked by the same schema.
//!
//! As for questionnaires, a value is written so that reading it back gives the same value:
//! what a column cannot hold exactly goes to the row's hidden `extra` column as JSON, and
//! review fields whose value does not fit their type are written as JSON text. The one
//! liberty: the registers are the list of nonconformities, so a review without any reads
//! back with `nonconformities: []` (what a missing or null list means anyway), and an
//! empty or null `verdicts` map reads back as none.
//!
//! Long by design, as [`super::write`] is: one workbook layout written in one place, each
//! sheet's writer beside the others so that their columns stay in step with the reader
//! (`super::read::review`).

use std::collections::BTreeSet;

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Worksheet, XlsxError};
use serde_json::{Map, Value};

use super::words::{ReviewWords, level_label, review_words, words};
use super::write::{
    Field, Formats, ItemCell, SheetNames, WorkbookError, column_range, fit_row, flatten,
    general_sheet, headers, id_list_sheet, instructions_sheet, item_cells, kept_fits, kind_of,
    list_from, metric_keys, metric_slots, new_book, print_setup, protect, rating_validation,
    split_metrics, trimmed_fits, write_fill,
};
use super::{
    FIRST_ROW, FieldType, HEAD_ROW, RATINGS, ROLES, SEVERITIES, actions, checked, criteria,
    label_of, ncs, not_answered, team, verdicts,
};
use crate::catalog::{Catalog, Criterion};
use crate::text::Lang;
use crate::yaml::pointer_token;

/// The last row (0-based) of the sheets that grow (checked items, the registers) that has
/// the fill formats and drop-downs.
const OPEN_ROWS: u32 = 999;

/// A review value as a workbook of `catalog`: a verdict row for every criterion of the
/// levels up to `up_to` (index) and for every criterion the review names.
pub fn review(
    catalog: &Catalog,
    value: &Value,
    up_to: usize,
    lang: Lang,
) -> Result<Vec<u8>, WorkbookError> {
    let rw = review_words(lang);
    let f = Formats::new();
    let mut book = new_book(format!("{} — {}", catalog.title.get(lang), rw.title))?;
    let mut names = SheetNames::default();
    let root = value.as_object().cloned().unwrap_or_default();

    instructions(book.add_worksheet(), catalog, &root, lang, &f, &mut names)?;

    // What goes to rows; everything else is a field of the general sheet.
    let team_rows = root
        .get("team")
        .and_then(Value::as_array)
        .filter(|t| t.iter().all(member_fits))
        .cloned();
    let mut verdict_rows: Map<String, Value> = Map::new();
    let nc_rows = root
        .get("nonconformities")
        .and_then(Value::as_array)
        .filter(|n| !n.is_empty() && n.iter().all(Value::is_object))
        .cloned()
        .unwrap_or_default();
    let mut fields = standard_fields(rw);
    let known: BTreeSet<String> = fields.iter().map(|f| f.pointer.clone()).collect();
    for field in &mut fields {
        field.value = value.pointer(&field.pointer).cloned();
        // A name left empty (the skeleton's) is a blank cell to fill.
        if field.value.as_ref().is_some_and(|v| v.as_str() == Some("")) {
            field.value = None;
        }
    }
    let mut rest = Vec::new();
    for (k, v) in &root {
        let pointer = format!("/{}", pointer_token(k));
        match (k.as_str(), v) {
            ("team", _) if team_rows.is_some() => {}
            // The registers are the list: an empty one reads back as `[]`.
            ("nonconformities", _) if !nc_rows.is_empty() => {}
            ("nonconformities", Value::Null) => {}
            ("nonconformities", Value::Array(a)) if a.is_empty() => {}
            ("verdicts", Value::Null) => {}
            ("verdicts", Value::Object(all)) if all.is_empty() => {}
            ("verdicts", Value::Object(all)) => {
                for (id, verdict) in all {
                    if verdict.is_object() {
                        verdict_rows.insert(id.clone(), verdict.clone());
                    } else {
                        rest.push((format!("{pointer}/{}", pointer_token(id)), verdict.clone()));
                    }
                }
            }
            _ => flatten(&pointer, v, &mut rest),
        }
    }
    let w = words(lang);
    for (pointer, v) in rest {
        if known.contains(&pointer) {
            continue;
        }
        fields.push(Field {
            label: format!(
                "{}{}{}",
                w.other_field,
                w.colon,
                pointer.trim_start_matches('/')
            ),
            help: String::new(),
            pointer,
            kind: kind_of(&v),
            locked: false,
            list: None,
            choices: Vec::new(),
            value: Some(v),
        });
    }
    general_sheet(
        book.add_worksheet(),
        rw.general,
        &fields,
        lang,
        &f,
        &mut names,
    )?;
    team_sheet(
        book.add_worksheet(),
        team_rows.as_deref(),
        lang,
        &f,
        &mut names,
    )?;

    // The verdict rows: the catalog's criteria up to the level and those the review names,
    // in catalog order; ids the catalog lacks after them.
    let rows: Vec<&Criterion> = catalog
        .criteria
        .iter()
        .filter(|c| c.level <= up_to || verdict_rows.contains_key(&*c.id))
        .collect();
    let mut ids: Vec<String> = rows.iter().map(|c| c.id.to_string()).collect();
    let others: Vec<String> = verdict_rows
        .keys()
        .filter(|id| catalog.criterion_index(id).is_none())
        .cloned()
        .collect();
    ids.extend(others.iter().cloned());
    let mut checked_rows = Vec::new();
    verdict_sheet(
        book.add_worksheet(),
        catalog,
        &rows,
        &others,
        &mut verdict_rows,
        &mut checked_rows,
        lang,
        &f,
        &mut names,
    )?;
    let list_name = names.take(w.id_list);
    let id_formula = column_range(&list_name, 0, ids.len().max(1));
    checked_sheet(
        book.add_worksheet(),
        &checked_rows,
        &id_formula,
        lang,
        &f,
        &mut names,
    )?;
    let nc_name = nc_sheet(
        book.add_worksheet(),
        &nc_rows,
        &id_formula,
        lang,
        &f,
        &mut names,
    )?;
    let nc_formula = column_range(&nc_name, FIRST_ROW, (OPEN_ROWS - FIRST_ROW + 1) as usize);
    action_sheet(
        book.add_worksheet(),
        &nc_rows,
        &nc_formula,
        lang,
        &f,
        &mut names,
    )?;

    id_list_sheet(book.add_worksheet(), &list_name, &ids)?;
    Ok(book.save_to_buffer()?)
}

fn instructions(
    sheet: &mut Worksheet,
    catalog: &Catalog,
    root: &Map<String, Value>,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let w = words(lang);
    let rw = review_words(lang);
    let mut lines = vec![(
        format!("{} {} · {}", catalog.id, catalog.version, catalog.standard),
        false,
    )];
    if let Some(id) = root
        .get("submission")
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str)
    {
        lines.push((format!("{}{}{id}", rw.submission_id.0, w.colon), false));
    }
    lines.push((String::new(), false));
    let headings = [rw.how[0], rw.how[9]];
    for line in rw.how {
        lines.push(((*line).to_owned(), headings.contains(line)));
    }
    if root.contains_key("sampling") {
        lines.push((rw.sampling_rule.to_owned(), false));
    }
    let title = format!("{} — {}", catalog.title.get(lang), rw.title);
    instructions_sheet(sheet, &names.take(w.instructions), &title, &lines, f)
}

fn standard_fields(rw: &ReviewWords) -> Vec<Field> {
    let field = |(label, help): (&str, &str), pointer: &str, kind, locked| Field {
        label: label.to_owned(),
        help: help.to_owned(),
        pointer: pointer.to_owned(),
        kind,
        locked,
        list: None,
        choices: Vec::new(),
        value: None,
    };
    vec![
        field(rw.format, "/review", FieldType::Text, true),
        field(rw.submission_id, "/submission/id", FieldType::Code, true),
        field(
            rw.submission_sha256,
            "/submission/sha256",
            FieldType::Code,
            true,
        ),
        field(rw.body_name, "/body/name", FieldType::Text, false),
        field(rw.body_code, "/body/code", FieldType::Code, false),
        field(rw.onsite_from, "/onsite/from", FieldType::Date, false),
        field(rw.onsite_to, "/onsite/to", FieldType::Date, false),
        field(rw.as_of, "/as_of", FieldType::Date, false),
        field(rw.seed, "/sampling/seed", FieldType::Number, true),
        field(rw.rate, "/sampling/rate", FieldType::Number, true),
        field(
            rw.up_to_level,
            "/sampling/up_to_level",
            FieldType::Code,
            true,
        ),
    ]
}

/// A team member that is a row: a name (or none yet) and a known role.
fn member_fits(m: &Value) -> bool {
    let Some(m) = m.as_object() else {
        return false;
    };
    m.iter().all(|(k, v)| match (k.as_str(), v) {
        ("name", Value::String(s)) => s.is_empty() || trimmed_fits(s),
        ("role", Value::String(s)) => ROLES.iter().any(|r| r.0 == s),
        _ => false,
    })
}

fn team_sheet(
    sheet: &mut Worksheet,
    rows: Option<&[Value]>,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let rw = review_words(lang);
    sheet.set_name(names.take(rw.team))?;
    headers(
        sheet,
        &[
            (team::NAME, rw.member_name, 24.0),
            (team::ROLE, rw.member_role, 12.0),
        ],
        f,
    )?;
    sheet.set_column_format(0, &f.fill)?;
    sheet.set_column_format(1, &f.fill)?;
    let labels: Vec<&str> = ROLES.iter().map(|r| label_of(&ROLES, r.0, lang)).collect();
    let dv = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_error_style(DataValidationErrorStyle::Warning);
    sheet.add_data_validation(FIRST_ROW, 1, FIRST_ROW + 99, 1, &dv)?;
    for (i, m) in rows.unwrap_or_default().iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        if let Some(name) = m
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            sheet.write_string_with_format(row, 0, name, &f.fill)?;
        }
        if let Some(role) = m.get("role").and_then(Value::as_str) {
            sheet.write_string_with_format(row, 1, label_of(&ROLES, role, lang), &f.fill)?;
        }
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(())
}

/// The fill columns of a verdict row as written, and what goes to `extra`.
struct VerdictCells {
    rating: Option<String>,
    declared: Option<String>,
    sample: Option<String>,
    note: Option<String>,
    metrics: Vec<Option<f64>>,
    checked: Vec<Value>,
    extra: Map<String, Value>,
}

fn verdict_cells(verdict: &Map<String, Value>, slots: &[&str], lang: Lang) -> VerdictCells {
    let mut cells = VerdictCells {
        rating: None,
        declared: None,
        sample: None,
        note: None,
        metrics: vec![None; slots.len()],
        checked: Vec::new(),
        extra: Map::new(),
    };
    let rating = |s: &str| RATINGS.iter().any(|r| r.0 == s);
    for (k, v) in verdict {
        match (k.as_str(), v) {
            ("rating", Value::String(s)) if rating(s) => {
                cells.rating = Some(super::rating_label(s, lang).to_owned());
            }
            ("declared", Value::String(s)) if rating(s) => {
                cells.declared = Some(super::rating_label(s, lang).to_owned());
            }
            ("declared", Value::Null) => cells.declared = Some(not_answered(lang).to_owned()),
            ("sample", Value::Array(paths))
                if !paths.is_empty()
                    && paths.iter().all(|p| {
                        p.as_str()
                            .is_some_and(|p| trimmed_fits(p) && !p.contains(['\n', '\r']))
                    }) =>
            {
                let paths: Vec<&str> = paths.iter().filter_map(Value::as_str).collect();
                cells.sample = Some(paths.join("\n"));
            }
            ("note", Value::String(s)) if kept_fits(s) => cells.note = Some(s.clone()),
            ("checked", Value::Array(items))
                if !items.is_empty()
                    && items
                        .iter()
                        .all(|i| i.as_object().is_some_and(|m| !m.is_empty())) =>
            {
                cells.checked.clone_from(items);
            }
            ("metrics", Value::Object(m)) => {
                if let Some(rest) = split_metrics(m, slots, &mut cells.metrics) {
                    cells.extra.insert("metrics".to_owned(), rest);
                }
            }
            _ => {
                cells.extra.insert(k.clone(), v.clone());
            }
        }
    }
    cells
}

#[allow(clippy::too_many_arguments)]
fn verdict_sheet(
    sheet: &mut Worksheet,
    catalog: &Catalog,
    rows: &[&Criterion],
    others: &[String],
    verdict_rows: &mut Map<String, Value>,
    checked_rows: &mut Vec<(String, Value)>,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let w = words(lang);
    let rw = review_words(lang);
    sheet.set_name(names.take(rw.verdicts))?;
    let metric_keys = metric_keys(rows.iter().map(|c| c.metrics.len()).max().unwrap_or(0));
    let mut columns: Vec<(&str, &str, f64)> = vec![
        (verdicts::ID, w.col_id, 18.0),
        (verdicts::LEVEL, w.col_level, 12.0),
        (verdicts::ELEMENT, w.col_element, 8.0),
        (verdicts::TITLE, w.col_title, 18.0),
        (verdicts::DECLARED, rw.declared, 11.0),
        (verdicts::SAMPLE, rw.sample, 32.0),
        (verdicts::RATING, rw.rating, 14.0),
    ];
    for (name, value) in &metric_keys {
        columns.push((name, w.col_metric, 16.0));
        columns.push((value, w.col_value, 10.0));
    }
    columns.push((verdicts::NOTE, rw.note, 36.0));
    columns.push((criteria::METRIC_IDS, "", 8.0));
    columns.push((verdicts::EXTRA, "", 8.0));
    headers(sheet, &columns, f)?;
    let col = |key: &str| {
        u16::try_from(columns.iter().position(|c| c.0 == key).unwrap_or(0)).unwrap_or(0)
    };
    let (c_declared, c_sample, c_rating, c_note, c_ids, c_extra) = (
        col(verdicts::DECLARED),
        col(verdicts::SAMPLE),
        col(verdicts::RATING),
        col(verdicts::NOTE),
        col(criteria::METRIC_IDS),
        col(verdicts::EXTRA),
    );
    sheet.set_column_hidden(c_ids)?;
    sheet.set_column_hidden(c_extra)?;
    let slot_cols: Vec<u16> = metric_keys.iter().map(|(name, _)| col(name)).collect();
    let mut row = FIRST_ROW;
    let lines = rows
        .iter()
        .map(|c| (c.id.to_string(), Some(*c)))
        .chain(others.iter().map(|id| (id.clone(), None)));
    for (id, criterion) in lines {
        let texts = match criterion {
            Some(c) => [
                c.id.to_string(),
                level_label(&catalog.levels[c.level], lang),
                catalog.elements[c.element].name.get(lang).to_owned(),
                c.title.get(lang).to_owned(),
            ],
            None => [id.clone(), String::new(), String::new(), String::new()],
        };
        for (j, t) in texts.iter().enumerate() {
            sheet.write_string_with_format(row, u16::try_from(j).unwrap_or(0), t, &f.text)?;
        }
        let metric_ids: Vec<&str> = criterion
            .map(|c| c.metrics.iter().map(|m| m.id.as_str()).collect())
            .unwrap_or_default();
        let verdict = verdict_rows.remove(&id);
        let empty = Map::new();
        let cells = verdict_cells(
            verdict
                .as_ref()
                .and_then(Value::as_object)
                .unwrap_or(&empty),
            &metric_ids,
            lang,
        );
        for (c, text) in [(c_declared, &cells.declared), (c_sample, &cells.sample)] {
            match text {
                Some(t) => sheet.write_string_with_format(row, c, t, &f.text)?,
                None => sheet.write_blank(row, c, &f.text)?,
            };
        }
        write_fill(sheet, row, c_rating, cells.rating.as_deref(), f)?;
        rating_validation(
            sheet,
            row,
            c_rating,
            criterion.is_none_or(|c| c.na_allowed),
            lang,
        )?;
        let metrics = criterion.map_or(&[][..], |c| &c.metrics[..]);
        let labels = metric_slots(sheet, row, &slot_cols, metrics, &cells.metrics, w, lang, f)?;
        write_fill(sheet, row, c_note, cells.note.as_deref(), f)?;
        let mut fitted: Vec<(&str, f64)> = vec![
            (&texts[1], 12.0),
            (&texts[3], 18.0),
            (cells.sample.as_deref().unwrap_or(""), 32.0),
            (cells.note.as_deref().unwrap_or(""), 36.0),
        ];
        fitted.extend(labels.iter().map(|l| (l.as_str(), 16.0)));
        fit_row(sheet, row, &fitted)?;
        if !metric_ids.is_empty() {
            sheet.write_string(row, c_ids, metric_ids.join(","))?;
        }
        if matches!(&verdict, Some(Value::Object(v)) if v.is_empty()) || !cells.extra.is_empty() {
            sheet.write_string(row, c_extra, Value::Object(cells.extra).to_string())?;
        }
        for item in cells.checked {
            checked_rows.push((id.clone(), item));
        }
        row += 1;
    }
    if row > FIRST_ROW {
        sheet.autofilter(HEAD_ROW, 0, row - 1, c_note)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 1)?;
    print_setup(sheet, true)?;
    protect(sheet, false);
    Ok(())
}

fn checked_sheet(
    sheet: &mut Worksheet,
    rows: &[(String, Value)],
    id_list: &str,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let w = words(lang);
    let rw = review_words(lang);
    sheet.set_name(names.take(rw.checked))?;
    headers(
        sheet,
        &[
            (checked::CRITERION, rw.ck_criterion, 18.0),
            (checked::PATH, rw.ck_path, 40.0),
            (checked::SEEN, rw.ck_seen, 40.0),
            (checked::TITLE, w.ev_title, 20.0),
            (checked::DATED, w.ev_dated, 12.0),
            (checked::SHA256, w.ev_sha256, 30.0),
            (checked::EXTRA, "", 8.0),
        ],
        f,
    )?;
    for col in 0..6 {
        let format = match col {
            0 => &f.fill_code,
            4 => &f.fill_date,
            _ => &f.fill,
        };
        sheet.set_column_format(col, format)?;
    }
    sheet.set_column_hidden(6)?;
    sheet.add_data_validation(FIRST_ROW, 0, OPEN_ROWS, 0, &list_from(id_list))?;
    for (i, (id, item)) in rows.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        sheet.write_string_with_format(row, 0, id, &f.fill_code)?;
        let Value::Object(item) = item else {
            continue;
        };
        let columns = [
            ("path", 1, ItemCell::Trimmed),
            ("seen", 2, ItemCell::Kept),
            ("title", 3, ItemCell::Kept),
            ("dated", 4, ItemCell::Date),
            ("sha256", 5, ItemCell::Code),
        ];
        let extra = item_cells(sheet, row, item, &columns, f)?;
        if !extra.is_empty() {
            sheet.write_string(row, 6, Value::Object(extra).to_string())?;
        }
        let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or("");
        fit_row(
            sheet,
            row,
            &[
                (text("path"), 40.0),
                (text("seen"), 40.0),
                (text("title"), 20.0),
            ],
        )?;
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(())
}

/// A `{zh, en}` or plain text as its two columns, when they give it back; `None` when it
/// goes to `extra`.
fn localized_cells(v: &Value) -> Option<(String, Option<String>)> {
    match v {
        Value::String(s) if kept_fits(s) => Some((s.clone(), None)),
        Value::Object(m)
            if m.len() == 2
                && m.get("zh").and_then(Value::as_str).is_some_and(kept_fits)
                && m.get("en").and_then(Value::as_str).is_some_and(kept_fits) =>
        {
            Some((
                m["zh"].as_str().unwrap_or_default().to_owned(),
                m["en"].as_str().map(str::to_owned),
            ))
        }
        _ => None,
    }
}

/// Writes a `{zh, en}` or plain text into its columns (`col`, and `col + 1` for the English)
/// when they give it back; returns what was written, `None` when the text goes to `extra`.
fn write_localized(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Value,
    f: &Formats,
) -> Result<Option<(String, Option<String>)>, XlsxError> {
    let Some((zh, en)) = localized_cells(v) else {
        return Ok(None);
    };
    sheet.write_string_with_format(row, col, &zh, &f.fill)?;
    if let Some(en) = &en {
        sheet.write_string_with_format(row, col + 1, en, &f.fill)?;
    }
    Ok(Some((zh, en)))
}

/// An identifier cell: text, or a whole number (an unquoted YAML id).
fn write_code(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Value,
    f: &Formats,
) -> Result<bool, XlsxError> {
    match v {
        Value::String(s) if !s.is_empty() && super::normalize(s) == *s => {
            sheet.write_string_with_format(row, col, s, &f.fill_code)?;
        }
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            sheet.write_number_with_format(row, col, n.as_f64().unwrap_or(0.0), &f.fill_number)?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Writes the register sheet of nonconformities and returns its name.
fn nc_sheet(
    sheet: &mut Worksheet,
    rows: &[Value],
    id_list: &str,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<String, XlsxError> {
    let rw = review_words(lang);
    let name = names.take(rw.ncs);
    sheet.set_name(&name)?;
    headers(
        sheet,
        &[
            (ncs::ID, rw.nc_id, 10.0),
            (ncs::CRITERION, rw.nc_criterion, 18.0),
            (ncs::SEVERITY, rw.nc_severity, 10.0),
            (ncs::STATEMENT, rw.nc_statement, 50.0),
            (ncs::STATEMENT_EN, rw.nc_statement_en, 36.0),
            (ncs::EXTRA, "", 8.0),
        ],
        f,
    )?;
    for col in 0..5 {
        sheet.set_column_format(col, if col < 2 { &f.fill_code } else { &f.fill })?;
    }
    sheet.set_column_hidden(5)?;
    sheet.add_data_validation(FIRST_ROW, 1, OPEN_ROWS, 1, &list_from(id_list))?;
    let labels: Vec<&str> = SEVERITIES
        .iter()
        .map(|s| label_of(&SEVERITIES, s.0, lang))
        .collect();
    let dv = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_error_style(DataValidationErrorStyle::Warning);
    sheet.add_data_validation(FIRST_ROW, 2, OPEN_ROWS, 2, &dv)?;
    for (i, nc) in rows.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        let Value::Object(nc) = nc else {
            continue;
        };
        let mut statement = None;
        let mut extra = Map::new();
        for (k, v) in nc {
            let written = match (k.as_str(), v) {
                ("id", v) => write_code(sheet, row, 0, v, f)?,
                ("criterion", Value::String(s)) if !s.is_empty() && super::normalize(s) == *s => {
                    sheet.write_string_with_format(row, 1, s, &f.fill_code)?;
                    true
                }
                ("severity", Value::String(s)) if SEVERITIES.iter().any(|x| x.0 == s) => {
                    sheet.write_string_with_format(
                        row,
                        2,
                        label_of(&SEVERITIES, s, lang),
                        &f.fill,
                    )?;
                    true
                }
                ("statement", v) => {
                    statement = write_localized(sheet, row, 3, v, f)?;
                    statement.is_some()
                }
                ("action", Value::Object(_)) => true,
                _ => false,
            };
            if !written {
                extra.insert(k.clone(), v.clone());
            }
        }
        if !extra.is_empty() {
            sheet.write_string(row, 5, Value::Object(extra).to_string())?;
        }
        let (zh, en) = statement.unwrap_or_default();
        fit_row(
            sheet,
            row,
            &[(&zh, 50.0), (en.as_deref().unwrap_or(""), 36.0)],
        )?;
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(name)
}

fn action_sheet(
    sheet: &mut Worksheet,
    ncs_rows: &[Value],
    nc_list: &str,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let rw = review_words(lang);
    sheet.set_name(names.take(rw.actions))?;
    headers(
        sheet,
        &[
            (actions::NC, rw.ca_nc, 12.0),
            (actions::STATEMENT, rw.ca_statement, 36.0),
            (actions::OWNER, rw.ca_owner, 12.0),
            (actions::DUE, rw.ca_due, 12.0),
            (actions::DESCRIPTION, rw.ca_description, 44.0),
            (actions::DESCRIPTION_EN, rw.ca_description_en, 32.0),
            (actions::CLOSED_ON, rw.ca_closed_on, 12.0),
            (actions::VERIFIED_BY, rw.ca_verified_by, 12.0),
            (actions::EXTRA, "", 8.0),
        ],
        f,
    )?;
    for col in 0..8 {
        let format = match col {
            0 => &f.fill_code,
            1 => &f.text,
            3 | 6 => &f.fill_date,
            _ => &f.fill,
        };
        sheet.set_column_format(col, format)?;
    }
    sheet.set_column_hidden(8)?;
    sheet.add_data_validation(FIRST_ROW, 0, OPEN_ROWS, 0, &list_from(nc_list))?;
    let mut row = FIRST_ROW;
    for nc in ncs_rows {
        let Some(action) = nc.get("action").and_then(Value::as_object) else {
            continue;
        };
        let Some(id) = nc.get("id") else {
            continue;
        };
        match id {
            Value::String(s) => sheet.write_string_with_format(row, 0, s, &f.fill_code)?,
            other => sheet.write_string_with_format(row, 0, other.to_string(), &f.fill_code)?,
        };
        let statement = match nc.get("statement") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(m)) => match (m.get("zh"), m.get("en"), lang) {
                (_, Some(Value::String(en)), Lang::En) => en.clone(),
                (Some(Value::String(zh)), ..) => zh.clone(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        sheet.write_string_with_format(row, 1, &statement, &f.text)?;
        let columns = [
            ("owner", 2, ItemCell::Trimmed),
            ("due", 3, ItemCell::Date),
            ("closed_on", 6, ItemCell::Date),
            ("verified_by", 7, ItemCell::Trimmed),
        ];
        let mut extra = item_cells(sheet, row, action, &columns, f)?;
        let description = match extra.get("description") {
            Some(v) => write_localized(sheet, row, 4, v, f)?,
            None => None,
        };
        if description.is_some() {
            extra.remove("description");
        }
        if !extra.is_empty() || action.is_empty() {
            sheet.write_string(row, 8, Value::Object(extra).to_string())?;
        }
        let (zh, en) = description.unwrap_or_default();
        fit_row(
            sheet,
            row,
            &[
                (&statement, 36.0),
                (&zh, 44.0),
                (en.as_deref().unwrap_or(""), 32.0),
            ],
        )?;
        row += 1;
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(())
}
