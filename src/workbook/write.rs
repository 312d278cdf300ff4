//! Writing questionnaire workbooks: blank from a catalog (`itss template --format xlsx`) or
//! filled from a submission value (`itss convert --to xlsx`). Layout in [`super`].
//!
//! A submission value is written so that reading it back gives the same value: what a
//! column cannot hold exactly (a rating that is not one of the four, a note of spaces, an
//! evidence date that is not a calendar day, keys the layout has no column for) goes to the
//! row's hidden `extra` column as JSON, and general fields whose value does not fit their
//! type are written as JSON text.
//!
//! Long by design: one workbook layout written in one place, each sheet's writer beside the
//! others so that their columns stay in step with the layout the reader shares (`super`).
//! The words of the workbook are in `super::words`.

use std::collections::BTreeSet;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, ProtectionOptions, Workbook, Worksheet,
    XlsxError,
};
use serde_json::{Map, Value};

use super::{
    FIRST_ROW, FieldType, HEAD_ROW, KEY_ROW, RATINGS, certificates, criteria, evidence, general,
};
use crate::catalog::{Catalog, Criterion, PrerequisiteKind};
use crate::date::Date;
use crate::text::Lang;
use crate::yaml::pointer_token;

use super::words::{Words, level_label, words};

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the workbook: {0}")]
pub struct WorkbookError(#[from] XlsxError);

/// The cell formats of a workbook.
pub(super) struct Formats {
    pub(super) header: Format,
    pub(super) text: Format,
    pub(super) fill: Format,
    pub(super) fill_date: Format,
    pub(super) fill_code: Format,
    pub(super) fill_number: Format,
    pub(super) none: Format,
    pub(super) title: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let base = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        let fill = base
            .clone()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF8D6));
        Formats {
            header: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E2F3)),
            text: base.clone(),
            fill_date: fill.clone().set_num_format("yyyy-mm-dd"),
            fill_code: fill.clone().set_num_format("@"),
            fill_number: fill.clone().set_num_format("General"),
            fill,
            none: base.set_background_color(Color::RGB(0xEDEDED)),
            title: Format::new().set_bold().set_font_size(14),
        }
    }
}

/// The blank questionnaire of `catalog` for levels entry..=`up_to` (all when `None`).
pub fn questionnaire(
    catalog: &Catalog,
    up_to: Option<usize>,
    lang: Lang,
    as_of: Date,
) -> Result<Vec<u8>, WorkbookError> {
    let last = up_to.unwrap_or(catalog.levels.len().saturating_sub(1));
    build(catalog, last, lang, as_of, None)
}

/// A submission value as a questionnaire workbook of `catalog` (every level), reading back
/// as the same value.
pub fn submission(catalog: &Catalog, value: &Value, lang: Lang) -> Result<Vec<u8>, WorkbookError> {
    let as_of = value
        .get("assessed_on")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| Date::new(2000, 1, 1).unwrap_or_else(|| unreachable!()));
    build(
        catalog,
        catalog.levels.len().saturating_sub(1),
        lang,
        as_of,
        Some(value),
    )
}

/// A field of the general sheet.
pub(super) struct Field {
    pub(super) label: String,
    pub(super) help: String,
    pub(super) pointer: String,
    pub(super) kind: FieldType,
    pub(super) locked: bool,
    pub(super) list: Option<Vec<String>>,
    /// A `choice` field's drop-down labels and the values they stand for.
    pub(super) choices: Vec<(String, Value)>,
    pub(super) value: Option<Value>,
}

fn build(
    catalog: &Catalog,
    last: usize,
    lang: Lang,
    as_of: Date,
    value: Option<&Value>,
) -> Result<Vec<u8>, WorkbookError> {
    let w = words(lang);
    let f = Formats::new();
    let mut book = new_book(format!("{} — {}", catalog.title.get(lang), w.questionnaire))?;
    let mut names = SheetNames::default();
    instructions(book.add_worksheet(), catalog, last, lang, &f, &mut names)?;

    // The fields of the general sheet: the questionnaire's, then whatever else the value has.
    let mut fields = standard_fields(catalog, last, lang, as_of);
    let mut answers_in_rows = Map::new();
    let mut certificate_rows = Vec::new();
    if let Some(value) = value {
        for field in &mut fields {
            field.value = lookup(value, &field.pointer).cloned();
        }
        let known: BTreeSet<String> = fields.iter().map(|f| f.pointer.clone()).collect();
        let mut rest = Vec::new();
        if let Value::Object(root) = value {
            for (k, v) in root {
                let pointer = format!("/{}", pointer_token(k));
                match (k.as_str(), v) {
                    ("answers", Value::Object(a)) if !a.is_empty() => {
                        for (id, answer) in a {
                            if answer.is_object() {
                                answers_in_rows.insert(id.clone(), answer.clone());
                            } else {
                                rest.push((
                                    format!("{pointer}/{}", pointer_token(id)),
                                    answer.clone(),
                                ));
                            }
                        }
                    }
                    ("organization", Value::Object(org)) => {
                        for (ok, ov) in org {
                            let p = format!("{pointer}/{}", pointer_token(ok));
                            match (ok.as_str(), ov) {
                                ("certificates", Value::Array(items))
                                    if !items.is_empty() && items.iter().all(Value::is_object) =>
                                {
                                    certificate_rows.clone_from(items);
                                }
                                _ => flatten(&p, ov, &mut rest),
                            }
                        }
                    }
                    _ => flatten(&pointer, v, &mut rest),
                }
            }
        }
        for (pointer, v) in rest {
            if known.contains(&pointer) {
                continue;
            }
            let label = format!(
                "{}{}{}",
                w.other_field,
                w.colon,
                pointer.trim_start_matches('/')
            );
            fields.push(Field {
                label,
                help: String::new(),
                pointer,
                kind: kind_of(&v),
                locked: false,
                list: None,
                choices: Vec::new(),
                value: Some(v),
            });
        }
    }
    general_sheet(
        book.add_worksheet(),
        w.general,
        &fields,
        lang,
        &f,
        &mut names,
    )?;
    certificates_sheet(book.add_worksheet(), &certificate_rows, w, &f, &mut names)?;

    let mut evidence_rows: Vec<(String, Value)> = Vec::new();
    for (ei, element) in catalog.elements.iter().enumerate() {
        let rows: Vec<&Criterion> = catalog
            .criteria
            .iter()
            .filter(|c| c.element == ei && c.level <= last)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let sheet = book.add_worksheet();
        let name = names.take(element.name.get(lang));
        sheet.set_name(name)?;
        criteria_sheet(
            sheet,
            catalog,
            &rows,
            &mut answers_in_rows,
            &mut evidence_rows,
            lang,
            &f,
        )?;
    }
    let other_ids: Vec<String> = answers_in_rows.keys().cloned().collect();
    if !answers_in_rows.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name(names.take(w.other))?;
        let others: Vec<(String, Value)> =
            std::mem::take(&mut answers_in_rows).into_iter().collect();
        other_answers_sheet(sheet, &others, &mut evidence_rows, lang, &f)?;
    }
    // The criterion ids, on a hidden sheet that the evidence sheet's drop-down lists.
    let mut ids: Vec<String> = catalog
        .criteria
        .iter()
        .filter(|c| c.level <= last)
        .map(|c| c.id.to_string())
        .collect();
    ids.extend(other_ids);
    let list_name = names.take(w.id_list);
    let formula = (!ids.is_empty()).then(|| column_range(&list_name, 0, ids.len()));
    evidence_sheet(
        book.add_worksheet(),
        &evidence_rows,
        formula.as_deref(),
        w,
        &f,
        &mut names,
    )?;
    id_list_sheet(book.add_worksheet(), &list_name, &ids)?;
    Ok(book.save_to_buffer()?)
}

/// A workbook with fixed document properties (byte-identical from run to run).
pub(super) fn new_book(title: String) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("itss")
            .set_creation_datetime(&epoch),
    );
    Ok(book)
}

/// The hidden sheet of criterion ids that drop-downs list.
pub(super) fn id_list_sheet(
    sheet: &mut Worksheet,
    name: &str,
    ids: &[String],
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (i, id) in ids.iter().enumerate() {
        sheet.write_string(u32::try_from(i).unwrap_or(u32::MAX), 0, id)?;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_hidden(true);
    protect(sheet, false);
    Ok(())
}

/// The formula naming rows `first`..`first + rows` (0-based) of column A of `sheet`, for a
/// list drop-down.
pub(super) fn column_range(sheet: &str, first: u32, rows: usize) -> String {
    format!(
        "='{}'!$A${}:$A${}",
        sheet.replace('\'', "''"),
        first + 1,
        first as usize + rows
    )
}

/// A list drop-down of the cells a formula names; a warning, not a stop (an id typed with
/// stray spaces is understood when read).
pub(super) fn list_from(formula: &str) -> DataValidation {
    DataValidation::new()
        .allow_list_formula(rust_xlsxwriter::Formula::new(formula))
        .set_error_style(DataValidationErrorStyle::Warning)
}

/// Unique sheet names.
#[derive(Default)]
pub(super) struct SheetNames(BTreeSet<String>);

impl SheetNames {
    pub(super) fn take(&mut self, wanted: &str) -> String {
        let base = super::sheet_name(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while !self.0.insert(name.to_lowercase()) {
            name = super::sheet_name(&format!("{base} ({n})"));
            n += 1;
        }
        name
    }
}

fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    value.pointer(pointer)
}

/// Every scalar below `v` with its pointer; lists, null and empty maps whole.
pub(super) fn flatten(pointer: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                flatten(&format!("{pointer}/{}", pointer_token(k)), child, out);
            }
        }
        _ => out.push((pointer.to_owned(), v.clone())),
    }
}

pub(super) fn kind_of(v: &Value) -> FieldType {
    match v {
        Value::Bool(_) => FieldType::Bool,
        Value::Number(_) => FieldType::Number,
        Value::String(s) if is_date(s) => FieldType::Date,
        Value::String(_) => FieldType::Text,
        _ => FieldType::Json,
    }
}

/// A canonical calendar day `YYYY-MM-DD`.
pub(super) fn is_date(s: &str) -> bool {
    s.parse::<Date>().is_ok()
}

fn standard_fields(catalog: &Catalog, last: usize, lang: Lang, as_of: Date) -> Vec<Field> {
    let w = words(lang);
    let field = |(label, help): (&str, &str), pointer: &str, kind| Field {
        label: label.to_owned(),
        help: help.to_owned(),
        pointer: pointer.to_owned(),
        kind,
        locked: false,
        list: None,
        choices: Vec::new(),
        value: None,
    };
    let levels: Vec<String> = catalog.levels[..=last]
        .iter()
        .map(|l| level_label(l, lang))
        .collect();
    let mut fields = vec![
        field(w.id, "/id", FieldType::Text),
        Field {
            locked: true,
            value: Some(Value::String(catalog.id.clone())),
            help: format!(
                "{}{}{}{}",
                catalog.title.get(lang),
                w.open,
                w.catalog.1,
                w.close
            ),
            ..field(w.catalog, "/catalog", FieldType::Code)
        },
        Field {
            locked: true,
            value: Some(Value::String(catalog.version.clone())),
            ..field(w.version, "/catalog_version", FieldType::Code)
        },
        Field {
            value: Some(Value::String(as_of.to_string())),
            ..field(w.assessed_on, "/assessed_on", FieldType::Date)
        },
        Field {
            help: format!("{}{}{}", w.target.1, w.colon, levels.join(" · ")),
            choices: catalog.levels[..=last]
                .iter()
                .map(|l| (level_label(l, lang), Value::String(l.id.to_string())))
                .collect(),
            ..field(w.target, "/target_level", FieldType::Choice)
        },
        field(w.name, "/organization/name", FieldType::Text),
        field(w.credit_code, "/organization/credit_code", FieldType::Code),
    ];
    let mut done = BTreeSet::new();
    for p in catalog.prerequisites.iter().filter(|p| p.level <= last) {
        let level = &catalog.levels[p.level];
        let why = format!(
            "{} {}{}{}",
            w.prerequisite,
            level_label(level, lang),
            w.colon,
            p.title.get(lang)
        );
        let (name, kind) = match &p.kind {
            PrerequisiteKind::Flag { field } => (field, FieldType::Bool),
            PrerequisiteKind::MonthsSince { field, .. } => (field, FieldType::Date),
            PrerequisiteKind::Certificate { .. } => continue,
        };
        if !done.insert(name.clone()) {
            continue;
        }
        let label = crate::submission::field_label(name).get(lang).to_owned();
        // The YAML questionnaire's help says `true or false`; a cell takes 是/否.
        let help = match kind {
            FieldType::Bool => format!("{}{}{why}", w.yes_no_help, w.sep),
            _ => crate::submission::field_help(name)
                .map(|(_, h)| format!("{}{}{why}", h.get(lang), w.sep))
                .unwrap_or(why),
        };
        let list = (kind == FieldType::Bool).then(|| {
            vec![
                super::yes_no(true, lang).to_owned(),
                super::yes_no(false, lang).to_owned(),
            ]
        });
        fields.push(Field {
            label,
            help,
            pointer: format!("/organization/{}", pointer_token(name)),
            kind,
            locked: false,
            list,
            choices: Vec::new(),
            value: None,
        });
    }
    for fact in crate::questionnaire::facts_used(catalog) {
        // The catalog's words for the fact; its id only when the catalog gives none.
        let described = catalog.facts.get(&fact);
        let label = described.map_or_else(
            || format!("{}{}{fact}", w.fact, w.colon),
            |f| f.title.get(lang).to_owned(),
        );
        let help = match described.and_then(|f| f.help.as_ref()) {
            Some(h) => format!("{}{}{}", w.fact_help, w.sep, h.get(lang)),
            None => w.fact_help.to_owned(),
        };
        fields.push(Field {
            label,
            help,
            pointer: format!("/organization/facts/{}", pointer_token(&fact)),
            kind: FieldType::Bool,
            locked: false,
            list: Some(vec![
                super::yes_no(true, lang).to_owned(),
                super::yes_no(false, lang).to_owned(),
            ]),
            choices: Vec::new(),
            value: None,
        });
    }
    fields
}

/// Sets a row's height to show every line of its wrapped cells, `cells` being each text with
/// its column's width (in characters): a file carries no heights of its own, and
/// LibreOffice and WPS show one line per row without them. The lines are estimated from the
/// display width (a Chinese character is two columns), so a row may come out a little tall.
pub(super) fn fit_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[(&str, f64)],
) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let usable = (width - 1.5).max(4.0);
            text.split('\n')
                .map(|line| {
                    // A wide (Chinese) character shows a little narrower than two digits.
                    let w = crate::text::display_width(line) as f64 * 0.85;
                    (w / usable).ceil().max(1.0)
                })
                .sum::<f64>()
        })
        .fold(1.0_f64, f64::max);
    if lines > 1.0 {
        sheet.set_row_height(row, (lines * 15.5 + 2.0).min(409.0))?;
    }
    Ok(())
}

/// Page setup shared by every sheet: A4 landscape, one page wide, header row repeated.
pub(super) fn print_setup(sheet: &mut Worksheet, repeat_header: bool) -> Result<(), XlsxError> {
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    if repeat_header {
        sheet.set_repeat_rows(KEY_ROW, HEAD_ROW)?;
    }
    Ok(())
}

pub(super) fn protect(sheet: &mut Worksheet, insert_rows: bool) {
    let mut options = ProtectionOptions::new();
    options.format_columns = true;
    options.format_rows = true;
    options.use_autofilter = true;
    options.insert_rows = insert_rows;
    options.delete_rows = insert_rows;
    sheet.protect_with_options(&options);
}

/// The hidden key row and the header row.
pub(super) fn headers(
    sheet: &mut Worksheet,
    columns: &[(&str, &str, f64)],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (i, (key, label, width)) in columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_string(KEY_ROW, col, *key)?;
        sheet.write_string_with_format(HEAD_ROW, col, *label, &f.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_row_hidden(KEY_ROW)?;
    sheet.set_freeze_panes(FIRST_ROW, 0)?;
    Ok(())
}

fn instructions(
    sheet: &mut Worksheet,
    catalog: &Catalog,
    last: usize,
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let w = words(lang);
    let levels: Vec<String> = catalog.levels[..=last]
        .iter()
        .map(|l| level_label(l, lang))
        .collect();
    let mut lines = vec![
        (
            format!("{} {} · {}", catalog.id, catalog.version, catalog.standard),
            false,
        ),
        (levels.join(" · "), false),
    ];
    if let Some(notice) = &catalog.notice {
        lines.push((notice.get(lang).to_owned(), false));
    }
    if !catalog.official {
        lines.push((w.derived.to_owned(), true));
    }
    lines.push((String::new(), false));
    let headings = [w.how[0], w.how[8], w.how[13]];
    for line in w.how {
        lines.push(((*line).to_owned(), headings.contains(line)));
    }
    let title = format!("{} — {}", catalog.title.get(lang), w.questionnaire);
    instructions_sheet(sheet, &names.take(w.instructions), &title, &lines, f)
}

/// The instructions sheet: a title, then one wrapped line a row (headings in bold).
pub(super) fn instructions_sheet(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    lines: &[(String, bool)],
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.set_column_width(0, 120)?;
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold().set_text_wrap();
    sheet.write_string_with_format(0, 0, title, &f.title)?;
    for (i, (line, strong)) in lines.iter().enumerate() {
        let row = u32::try_from(i + 2).unwrap_or(u32::MAX);
        sheet.write_string_with_format(row, 0, line, if *strong { &bold } else { &wrap })?;
        fit_row(sheet, row, &[(line, 120.0)])?;
    }
    print_setup(sheet, false)?;
    protect(sheet, false);
    Ok(())
}

pub(super) fn general_sheet(
    sheet: &mut Worksheet,
    name: &str,
    fields: &[Field],
    lang: Lang,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    let w = words(lang);
    sheet.set_name(names.take(name))?;
    headers(
        sheet,
        &[
            (general::LABEL, w.field, 28.0),
            (general::VALUE, w.value, 36.0),
            (general::HELP, w.help, 60.0),
            (general::POINTER, "", 10.0),
            (general::TYPE, "", 8.0),
            (general::CHOICES, "", 8.0),
        ],
        f,
    )?;
    sheet.set_column_hidden(3)?;
    sheet.set_column_hidden(4)?;
    sheet.set_column_hidden(5)?;
    for (i, field) in fields.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        sheet.write_string_with_format(row, 0, &field.label, &f.text)?;
        sheet.write_string_with_format(row, 2, &field.help, &f.text)?;
        sheet.write_string(row, 3, &field.pointer)?;
        let is_choice = |v: &Value| field.choices.iter().any(|(_, c)| c == v);
        let kind = match &field.value {
            Some(v) if field.kind == FieldType::Choice && !is_choice(v) => {
                if fits(FieldType::Code, v) {
                    FieldType::Code
                } else {
                    FieldType::Json
                }
            }
            Some(v) if field.kind != FieldType::Choice && !fits(field.kind, v) => FieldType::Json,
            _ => field.kind,
        };
        sheet.write_string(row, 4, kind.as_str())?;
        if kind == FieldType::Choice {
            let map: Map<String, Value> = field.choices.iter().cloned().collect();
            sheet.write_string(row, 5, Value::Object(map).to_string())?;
        }
        // A choice shows its label.
        let shown_choice = field.value.as_ref().and_then(|v| {
            field
                .choices
                .iter()
                .find(|(_, c)| c == v)
                .map(|(label, _)| Value::String(label.clone()))
        });
        let value = if kind == FieldType::Choice {
            shown_choice.as_ref().or(field.value.as_ref())
        } else {
            field.value.as_ref()
        };
        let (plain, date, code) = if field.locked {
            (&f.none, &f.none, &f.none)
        } else {
            (&f.fill, &f.fill_date, &f.fill_code)
        };
        match (value, kind) {
            (None, FieldType::Date) => sheet.write_blank(row, 1, date)?,
            (None, FieldType::Code) => sheet.write_blank(row, 1, code)?,
            (None | Some(Value::Null), _) => sheet.write_blank(row, 1, plain)?,
            (Some(v), FieldType::Json) => {
                sheet.write_string_with_format(row, 1, v.to_string(), plain)?
            }
            (Some(Value::String(s)), FieldType::Date) => match date_cell(s) {
                Some(d) => sheet.write_datetime_with_format(row, 1, d, date)?,
                None => sheet.write_string_with_format(row, 1, s, plain)?,
            },
            (Some(Value::Bool(b)), _) => {
                sheet.write_string_with_format(row, 1, super::yes_no(*b, lang), plain)?
            }
            (Some(Value::Number(n)), _) => {
                sheet.write_number_with_format(row, 1, n.as_f64().unwrap_or(0.0), plain)?
            }
            (Some(Value::String(s)), FieldType::Code) => {
                sheet.write_string_with_format(row, 1, s, code)?
            }
            (Some(v), _) => sheet.write_string_with_format(
                row,
                1,
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                plain,
            )?,
        };
        let shown_value = match value {
            Some(Value::String(s)) => s.clone(),
            Some(v) if kind == FieldType::Json => v.to_string(),
            _ => String::new(),
        };
        fit_row(
            sheet,
            row,
            &[
                (&field.label, 28.0),
                (&shown_value, 36.0),
                (&field.help, 60.0),
            ],
        )?;
        let labels: Vec<String> = field.choices.iter().map(|(l, _)| l.clone()).collect();
        let list = field
            .list
            .as_ref()
            .or((!labels.is_empty()).then_some(&labels));
        if let Some(list) = list
            && !field.locked
        {
            let dv = DataValidation::new()
                .allow_list_strings(list)?
                .set_error_style(DataValidationErrorStyle::Warning);
            sheet.add_data_validation(row, 1, row, 1, &dv)?;
        }
    }
    print_setup(sheet, true)?;
    protect(sheet, false);
    Ok(())
}

/// Whether a value reads back the same from a cell of this type.
pub(super) fn fits(kind: FieldType, v: &Value) -> bool {
    match (kind, v) {
        (FieldType::Text, Value::String(s)) => trimmed_fits(s),
        (FieldType::Code, Value::String(s)) => !s.is_empty() && super::normalize(s) == *s,
        (FieldType::Code, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (FieldType::Date, Value::String(s)) => is_date(s),
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Number, Value::Number(n)) => number_round_trips(n),
        (FieldType::Json, _) => true,
        _ => false,
    }
}

/// Whether a number reads back as itself from a cell (15 significant digits, whole
/// numbers as integers).
pub(super) fn number_round_trips(n: &serde_json::Number) -> bool {
    let Some(f) = n.as_f64() else {
        return false;
    };
    super::json_number(f).as_ref().and_then(Value::as_number) == Some(n)
}

/// A calendar day as a date cell; `None` for a text that is not one, or a day before 1900
/// (a spreadsheet's first day), which is then written as text.
pub(super) fn date_cell(s: &str) -> Option<ExcelDateTime> {
    let d: Date = s.parse().ok()?;
    let s = d.to_string();
    let part = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u16>().ok());
    let (y, m, day) = (part(0..4)?, part(5..7)?, part(8..10)?);
    if y < 1900 {
        return None;
    }
    ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(day).ok()?).ok()
}

fn certificates_sheet(
    sheet: &mut Worksheet,
    rows: &[Value],
    w: &Words,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    sheet.set_name(names.take(w.certificates))?;
    headers(
        sheet,
        &[
            (certificates::CATALOG, w.cert_catalog, 16.0),
            (certificates::LEVEL, w.cert_level, 10.0),
            (certificates::NUMBER, w.cert_number, 24.0),
            (certificates::ISSUED_ON, w.cert_issued, 14.0),
            (certificates::EXPIRES_ON, w.cert_expires, 14.0),
            (certificates::EXTRA, "", 10.0),
        ],
        f,
    )?;
    for col in 0..5 {
        let format = match col {
            1 => &f.fill_code,
            3 | 4 => &f.fill_date,
            _ => &f.fill,
        };
        sheet.set_column_format(col, format)?;
    }
    sheet.set_column_hidden(5)?;
    for (i, item) in rows.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        let Value::Object(item) = item else {
            continue;
        };
        let mut extra = Map::new();
        for (k, v) in item {
            let written = match (k.as_str(), v) {
                ("catalog", Value::String(s)) if fits(FieldType::Code, v) => {
                    sheet.write_string_with_format(row, 0, s, &f.fill)?;
                    true
                }
                ("level", Value::String(s)) if fits(FieldType::Code, v) => {
                    sheet.write_string_with_format(row, 1, s, &f.fill_code)?;
                    true
                }
                ("level", Value::Number(n)) if fits(FieldType::Code, v) => {
                    sheet.write_number_with_format(
                        row,
                        1,
                        n.as_f64().unwrap_or(0.0),
                        &f.fill_number,
                    )?;
                    true
                }
                ("number", Value::String(s)) if fits(FieldType::Text, v) => {
                    sheet.write_string_with_format(row, 2, s, &f.fill_code)?;
                    true
                }
                ("issued_on" | "expires_on", Value::String(s)) => match date_cell(s) {
                    Some(d) => {
                        let col = if k == "issued_on" { 3 } else { 4 };
                        sheet.write_datetime_with_format(row, col, d, &f.fill_date)?;
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if !written {
                extra.insert(k.clone(), v.clone());
            }
        }
        if !extra.is_empty() || item.is_empty() {
            sheet.write_string(row, 5, Value::Object(extra).to_string())?;
        }
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(())
}

/// The last row (0-based) of the evidence sheet that has the criterion drop-down.
const EVIDENCE_ROWS: u32 = 9_999;

/// The fill columns of a criteria row as written: the columns and what goes to `extra`.
struct AnswerCells {
    rating: Option<String>,
    metrics: Vec<Option<f64>>,
    note: Option<String>,
    extra: Map<String, Value>,
    evidence: Vec<Value>,
}

/// Splits an answer into what its row's columns hold and the rest.
fn answer_cells(answer: &Map<String, Value>, slots: &[&str], lang: Lang) -> AnswerCells {
    let mut cells = AnswerCells {
        rating: None,
        metrics: vec![None; slots.len()],
        note: None,
        extra: Map::new(),
        evidence: Vec::new(),
    };
    for (k, v) in answer {
        match (k.as_str(), v) {
            ("rating", Value::String(s)) if RATINGS.iter().any(|r| r.0 == s) => {
                cells.rating = Some(super::rating_label(s, lang).to_owned());
            }
            ("note", Value::String(s)) if kept_fits(s) => cells.note = Some(s.clone()),
            ("evidence", Value::Array(items)) if items.iter().all(evidence_fits) => {
                cells.evidence.clone_from(items);
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

/// Puts the metric values their slots hold exactly into `values`; the rest (other metrics,
/// nulls, numbers a cell would change, or an empty map) is returned for `extra`.
pub(super) fn split_metrics(
    metrics: &Map<String, Value>,
    slots: &[&str],
    values: &mut [Option<f64>],
) -> Option<Value> {
    let mut rest = Map::new();
    for (id, v) in metrics {
        match (slots.iter().position(|s| s == id), v) {
            (Some(i), Value::Number(n)) if number_round_trips(n) => values[i] = n.as_f64(),
            _ => {
                rest.insert(id.clone(), v.clone());
            }
        }
    }
    (!rest.is_empty() || metrics.is_empty()).then_some(Value::Object(rest))
}

/// A text that a cell trimmed on reading gives back as itself.
pub(super) fn trimmed_fits(s: &str) -> bool {
    !s.is_empty() && s.trim() == s
}

/// A text that a cell kept as typed gives back as itself (a blank cell reads as nothing).
pub(super) fn kept_fits(s: &str) -> bool {
    !s.trim().is_empty()
}

/// What a column of a row of items (evidence, things checked, actions) holds.
#[derive(Clone, Copy)]
pub(super) enum ItemCell {
    /// Text read trimmed (a path, a name).
    Trimmed,
    /// Text kept as typed (a title, a description of what was seen).
    Kept,
    /// A calendar day, as a date cell.
    Date,
    /// An identifier or digest, read half-width.
    Code,
}

/// Writes the fields of `item` that `columns` (key, column, kind) hold exactly; returns the
/// others, for the row's `extra` column.
pub(super) fn item_cells(
    sheet: &mut Worksheet,
    row: u32,
    item: &Map<String, Value>,
    columns: &[(&str, u16, ItemCell)],
    f: &Formats,
) -> Result<Map<String, Value>, XlsxError> {
    let mut extra = Map::new();
    for (k, v) in item {
        let column = columns.iter().find(|(key, ..)| key == k);
        let written = match (column, v) {
            (Some(&(_, col, kind)), Value::String(s)) => match kind {
                ItemCell::Trimmed if trimmed_fits(s) => {
                    sheet.write_string_with_format(row, col, s, &f.fill)?;
                    true
                }
                ItemCell::Kept if kept_fits(s) => {
                    sheet.write_string_with_format(row, col, s, &f.fill)?;
                    true
                }
                ItemCell::Code if !s.is_empty() && super::normalize(s) == *s => {
                    sheet.write_string_with_format(row, col, s, &f.fill)?;
                    true
                }
                ItemCell::Date => match date_cell(s) {
                    Some(d) => {
                        sheet.write_datetime_with_format(row, col, d, &f.fill_date)?;
                        true
                    }
                    None => false,
                },
                _ => false,
            },
            _ => false,
        };
        if !written {
            extra.insert(k.clone(), v.clone());
        }
    }
    Ok(extra)
}

/// Writes the metric slots of a criteria or verdict row: each metric's label and value (a
/// blank value cell to fill when there is none), grey cells where the criterion has fewer
/// metrics than the sheet has slots. `slots` are the label columns; each value column is
/// the one after. Returns the labels written (the row's height allows for them).
#[allow(clippy::too_many_arguments)]
pub(super) fn metric_slots(
    sheet: &mut Worksheet,
    row: u32,
    slots: &[u16],
    metrics: &[crate::catalog::Metric],
    values: &[Option<f64>],
    w: &Words,
    lang: Lang,
    f: &Formats,
) -> Result<Vec<String>, XlsxError> {
    let mut labels = Vec::new();
    for (k, &name_col) in slots.iter().enumerate() {
        let value_col = name_col + 1;
        match metrics.get(k) {
            Some(m) => {
                let label = metric_label(m, w, lang);
                sheet.write_string_with_format(row, name_col, &label, &f.text)?;
                labels.push(label);
                match values.get(k).copied().flatten() {
                    Some(v) => sheet.write_number_with_format(row, value_col, v, &f.fill_number)?,
                    None => sheet.write_blank(row, value_col, &f.fill_number)?,
                };
            }
            None => {
                sheet.write_blank(row, name_col, &f.none)?;
                sheet.write_blank(row, value_col, &f.none)?;
            }
        }
    }
    Ok(labels)
}

/// The metric slot columns of a sheet whose rows have up to `slots` metrics: (label key,
/// value key) pairs, `metric1.name` / `metric1`, ….
pub(super) fn metric_keys(slots: usize) -> Vec<(String, String)> {
    (1..=slots)
        .map(|k| (format!("metric{k}.name"), format!("metric{k}")))
        .collect()
}

/// Whether an evidence item can be a row of the evidence sheet.
fn evidence_fits(item: &Value) -> bool {
    item.as_object().is_some_and(|m| !m.is_empty())
}

#[allow(clippy::too_many_arguments)]
fn criteria_sheet(
    sheet: &mut Worksheet,
    catalog: &Catalog,
    rows: &[&Criterion],
    answers: &mut Map<String, Value>,
    evidence_rows: &mut Vec<(String, Value)>,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let w = words(lang);
    let metric_keys = metric_keys(rows.iter().map(|c| c.metrics.len()).max().unwrap_or(0));
    let mut columns: Vec<(&str, &str, f64)> = vec![
        (criteria::ID, w.col_id, 16.0),
        (criteria::LEVEL, w.col_level, 9.0),
        (criteria::ELEMENT, w.col_element, 8.0),
        (criteria::TITLE, w.col_title, 16.0),
        (criteria::REQUIREMENT, w.col_requirement, 40.0),
        (criteria::INDICATORS, w.col_indicators, 26.0),
        (criteria::HINTS, w.col_hints, 24.0),
        (criteria::RATING, w.col_rating, 12.0),
    ];
    for (name, value) in &metric_keys {
        columns.push((name, w.col_metric, 16.0));
        columns.push((value, w.col_value, 10.0));
    }
    columns.push((criteria::NOTE, w.col_note, 30.0));
    columns.push((criteria::METRIC_IDS, "", 8.0));
    columns.push((criteria::EXTRA, "", 8.0));
    headers(sheet, &columns, f)?;
    let col = |key: &str| {
        u16::try_from(columns.iter().position(|c| c.0 == key).unwrap_or(0)).unwrap_or(0)
    };
    let (c_rating, c_note, c_ids, c_extra) = (
        col(criteria::RATING),
        col(criteria::NOTE),
        col(criteria::METRIC_IDS),
        col(criteria::EXTRA),
    );
    let slot_cols: Vec<u16> = metric_keys.iter().map(|(name, _)| col(name)).collect();
    sheet.set_column_hidden(c_ids)?;
    sheet.set_column_hidden(c_extra)?;
    for (i, c) in rows.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        let level = &catalog.levels[c.level];
        let element = &catalog.elements[c.element];
        let texts = [
            c.id.to_string(),
            level_label(level, lang),
            element.name.get(lang).to_owned(),
            c.title.get(lang).to_owned(),
            c.requirement.get(lang).to_owned(),
            c.key_indicators
                .iter()
                .map(|k| k.get(lang))
                .collect::<Vec<_>>()
                .join("\n"),
            evidence_hint(c, w, lang),
        ];
        for (j, t) in texts.iter().enumerate() {
            sheet.write_string_with_format(row, u16::try_from(j).unwrap_or(0), t, &f.text)?;
        }
        let metric_ids: Vec<&str> = c.metrics.iter().map(|m| m.id.as_str()).collect();
        let answer = answers.remove(&*c.id);
        let mut fitted: Vec<(&str, f64)> = texts
            .iter()
            .zip(&columns)
            .map(|(t, c)| (t.as_str(), c.2))
            .collect();
        let cells = match &answer {
            Some(Value::Object(a)) => answer_cells(a, &metric_ids, lang),
            _ => answer_cells(&Map::new(), &metric_ids, lang),
        };
        write_fill(sheet, row, c_rating, cells.rating.as_deref(), f)?;
        rating_validation(sheet, row, c_rating, c.na_allowed, lang)?;
        let labels = metric_slots(
            sheet,
            row,
            &slot_cols,
            &c.metrics,
            &cells.metrics,
            w,
            lang,
            f,
        )?;
        fitted.extend(labels.iter().map(|l| (l.as_str(), 16.0)));
        // A value's range, as a decimal validation of its cell.
        for (m, &name_col) in c.metrics.iter().zip(&slot_cols) {
            let value_col = name_col + 1;
            let (min, max, ratio) = match m.range {
                Some(r) => (r.min, r.max, r.min >= 0.0 && r.max <= 1.0),
                None => (-1e15, 1e15, false),
            };
            let mut dv =
                DataValidation::new().allow_decimal_number(DataValidationRule::Between(min, max));
            if ratio {
                dv = dv.set_input_message(w.ratio_input)?;
            }
            sheet.add_data_validation(row, value_col, row, value_col, &dv)?;
        }
        match &cells.note {
            Some(n) => sheet.write_string_with_format(row, c_note, n, &f.fill)?,
            None => sheet.write_blank(row, c_note, &f.fill)?,
        };
        if let Some(n) = &cells.note {
            fitted.push((n, 30.0));
        }
        fit_row(sheet, row, &fitted)?;
        if !metric_ids.is_empty() {
            sheet.write_string(row, c_ids, metric_ids.join(","))?;
        }
        if matches!(&answer, Some(Value::Object(a)) if a.is_empty()) || !cells.extra.is_empty() {
            sheet.write_string(row, c_extra, Value::Object(cells.extra).to_string())?;
        }
        for item in cells.evidence {
            evidence_rows.push((c.id.to_string(), item));
        }
    }
    let last_row = FIRST_ROW + u32::try_from(rows.len()).unwrap_or(0);
    if !rows.is_empty() {
        sheet.autofilter(HEAD_ROW, 0, last_row - 1, c_note)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 1)?;
    print_setup(sheet, true)?;
    protect(sheet, false);
    Ok(())
}

/// Answers to ids the catalog lacks: id and fill columns only.
fn other_answers_sheet(
    sheet: &mut Worksheet,
    answers: &[(String, Value)],
    evidence_rows: &mut Vec<(String, Value)>,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let w = words(lang);
    headers(
        sheet,
        &[
            (criteria::ID, w.col_id, 20.0),
            (criteria::RATING, w.col_rating, 12.0),
            (criteria::NOTE, w.col_note, 40.0),
            (criteria::EXTRA, "", 8.0),
        ],
        f,
    )?;
    sheet.set_column_hidden(3)?;
    for (i, (id, answer)) in answers.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        sheet.write_string_with_format(row, 0, id, &f.fill_code)?;
        let Value::Object(a) = answer else {
            continue;
        };
        let cells = answer_cells(a, &[], lang);
        write_fill(sheet, row, 1, cells.rating.as_deref(), f)?;
        match &cells.note {
            Some(n) => sheet.write_string_with_format(row, 2, n, &f.fill)?,
            None => sheet.write_blank(row, 2, &f.fill)?,
        };
        if a.is_empty() || !cells.extra.is_empty() {
            sheet.write_string(row, 3, Value::Object(cells.extra).to_string())?;
        }
        for item in cells.evidence {
            evidence_rows.push((id.clone(), item));
        }
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(())
}

pub(super) fn write_fill(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: Option<&str>,
    f: &Formats,
) -> Result<(), XlsxError> {
    match text {
        Some(t) => sheet.write_string_with_format(row, col, t, &f.fill)?,
        None => sheet.write_blank(row, col, &f.fill)?,
    };
    Ok(())
}

pub(super) fn rating_validation(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    na_allowed: bool,
    lang: Lang,
) -> Result<(), XlsxError> {
    let labels: Vec<&str> = RATINGS
        .iter()
        .filter(|r| na_allowed || r.0 != "na")
        .map(|r| super::rating_label(r.0, lang))
        .collect();
    // A warning, not a stop: a rating typed another way (`conform`, `部分 符合`) is
    // understood when read.
    let dv = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_error_style(DataValidationErrorStyle::Warning);
    sheet.add_data_validation(row, col, row, col, &dv)?;
    Ok(())
}

pub(super) fn metric_label(m: &crate::catalog::Metric, w: &Words, lang: Lang) -> String {
    let title = m
        .title
        .as_ref()
        .map_or_else(|| m.id.clone(), |t| t.get(lang).to_owned());
    let mut label = title;
    if let Some(r) = m.range {
        label.push_str(&format!(
            "{}{} {}–{}{}",
            w.open,
            w.range,
            crate::report::number(r.min),
            crate::report::number(r.max),
            w.close
        ));
    }
    if m.advisory {
        label.push_str(&format!("{}{}{}", w.open, w.advisory, w.close));
    }
    label
}

fn evidence_hint(c: &Criterion, w: &Words, lang: Lang) -> String {
    let mut parts = vec![if c.evidence.min > 0 {
        format!("{} {}", w.at_least, c.evidence.min)
    } else {
        w.no_minimum.to_owned()
    }];
    if let Some(days) = c.evidence.max_age_days {
        parts.push(format!("{}{}{days}", w.max_age, w.colon));
    }
    if !c.evidence.hints.is_empty() {
        let hints: Vec<&str> = c.evidence.hints.iter().map(|h| h.get(lang)).collect();
        parts.push(format!("{}{}{}", w.hints, w.colon, hints.join(w.sep)));
    }
    parts.join("\n")
}

fn evidence_sheet(
    sheet: &mut Worksheet,
    rows: &[(String, Value)],
    id_list: Option<&str>,
    w: &Words,
    f: &Formats,
    names: &mut SheetNames,
) -> Result<(), XlsxError> {
    sheet.set_name(names.take(w.evidence))?;
    headers(
        sheet,
        &[
            (evidence::CRITERION, w.ev_criterion, 18.0),
            (evidence::PATH, w.ev_path, 44.0),
            (evidence::TITLE, w.ev_title, 24.0),
            (evidence::DATED, w.ev_dated, 12.0),
            (evidence::SHA256, w.ev_sha256, 30.0),
            (evidence::EXTRA, "", 8.0),
        ],
        f,
    )?;
    for col in 0..5 {
        let format = match col {
            0 => &f.fill_code,
            3 => &f.fill_date,
            _ => &f.fill,
        };
        sheet.set_column_format(col, format)?;
    }
    sheet.set_column_hidden(5)?;
    if let Some(list) = id_list {
        sheet.add_data_validation(FIRST_ROW, 0, EVIDENCE_ROWS, 0, &list_from(list))?;
    }
    for (i, (id, item)) in rows.iter().enumerate() {
        let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
        sheet.write_string_with_format(row, 0, id, &f.fill_code)?;
        let Value::Object(item) = item else {
            continue;
        };
        let columns = [
            ("path", 1, ItemCell::Trimmed),
            ("title", 2, ItemCell::Kept),
            ("dated", 3, ItemCell::Date),
            ("sha256", 4, ItemCell::Code),
        ];
        let extra = item_cells(sheet, row, item, &columns, f)?;
        if !extra.is_empty() {
            sheet.write_string(row, 5, Value::Object(extra).to_string())?;
        }
    }
    print_setup(sheet, true)?;
    protect(sheet, true);
    Ok(())
}
