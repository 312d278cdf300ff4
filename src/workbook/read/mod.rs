//! Reading a questionnaire workbook into the submission value a YAML file gives, and the
//! cell behind every JSON pointer of it (so that diagnostics say `过程!F23`, not line:col).
//!
//! What people do to forms is understood here, not by the schema: ratings as labels in
//! either language and any case, full-width characters and stray spaces, dates as date
//! cells (Excel serial numbers) or typed as text, `92%` in a ratio column (0.92), merged
//! cells (every cell of a merged area reads the value of its top-left cell), blank and
//! trailing rows. Whatever is still not understood goes into the value as typed, so the
//! schema check that follows names it, at its cell.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use calamine::{Data, Reader, Xlsx};
use serde_json::{Map, Value};

use super::{
    FIRST_ROW, FieldType, KEY_ROW, Kind, a1, actions, certificates, checked, criteria, evidence,
    general, ncs, team, verdicts,
};
use crate::diagnostic::messages::Msg;
use crate::diagnostic::{Code, Diagnostic, msg};
use crate::yaml::pointer_token;

mod review;
mod values;

use values::{
    choice_value, code_value, date_value, field_value, insert_at, kept_text, merge, merge_entry,
    number_value, push_item, rating_of,
};

pub use crate::diagnostic::SheetCell as CellPlace;

/// Columns beyond this are not read (the layout uses fewer than 30).
const MAX_COLUMNS: u32 = 256;
/// Cells a merged area may copy its value into, over the whole workbook.
const MAX_MERGED_FILL: usize = 200_000;

/// Where every value of a workbook submission came from, by JSON pointer: worked out from
/// the sheets the first time a diagnostic asks (most submissions never do).
#[derive(Clone)]
pub struct Cells(Arc<CellsInner>);

struct CellsInner {
    sheets: Vec<Sheet>,
    places: OnceLock<HashMap<String, CellPlace>>,
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cells")
            .field("sheets", &self.0.sheets.len())
            .finish_non_exhaustive()
    }
}

impl Cells {
    fn places(&self) -> &HashMap<String, CellPlace> {
        self.0.places.get_or_init(|| {
            let mut reading = Reading {
                places: Some(HashMap::new()),
                ..Reading::default()
            };
            reading.run(&self.0.sheets);
            reading.places.unwrap_or_default()
        })
    }

    /// The cell of a pointer, or of its nearest ancestor that has one.
    pub fn find(&self, pointer: &str) -> Option<&CellPlace> {
        let places = self.places();
        let mut p = pointer;
        loop {
            if let Some(place) = places.get(p) {
                return Some(place);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
            if p.is_empty() {
                return None;
            }
        }
    }

    /// Attaches the cell to every diagnostic that has a pointer and no place yet.
    pub fn place(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if d.cell.is_some() || d.line.is_some() {
                continue;
            }
            if let Some(place) = d.pointer.as_deref().and_then(|p| self.find(p)) {
                explain(d, place);
                d.cell = Some(Box::new(place.clone()));
            }
        }
    }
}

/// Says in a form's words what a value that the schema refuses should have been, when the
/// cell was meant to hold a rating, a date or a number (the schema speaks of YAML values).
fn explain(d: &mut Diagnostic, place: &CellPlace) {
    if !matches!(d.code, Code::Schema | Code::InvalidDate) || place.content.is_empty() {
        return;
    }
    let pointer = d.pointer.as_deref().unwrap_or_default();
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let parent = pointer.rsplit('/').nth(1).unwrap_or_default();
    let variant = if last == "rating" && pointer.starts_with("/verdicts/") {
        "cell-verdict-rating"
    } else if last == "severity" && pointer.starts_with("/nonconformities/") {
        "cell-severity"
    } else if last == "role" && pointer.starts_with("/team/") {
        "cell-role"
    } else if last == "rating" && pointer.starts_with("/answers/") {
        "cell-rating"
    } else if matches!(
        last,
        "dated"
            | "issued_on"
            | "expires_on"
            | "assessed_on"
            | "business_since"
            | "system_since"
            | "from"
            | "to"
            | "as_of"
            | "due"
            | "closed_on"
    ) {
        "cell-date"
    } else if parent == "metrics" {
        "cell-metric"
    } else {
        return;
    };
    let message = msg(variant)
        .arg("typed", &place.content)
        .arg("metric", last);
    d.message = message.render(d.code, crate::text::Lang::En);
    d.message_zh = Some(
        message
            .render(d.code, crate::text::Lang::Zh)
            .into_boxed_str(),
    );
}

/// (row, column) → value and the cell it was written in (the top-left one of a merge).
type SheetCells = BTreeMap<(u32, u32), (Data, (u32, u32))>;

/// One sheet's cells, sparse (a sheet claiming a million rows costs what it holds).
struct Sheet {
    name: String,
    cells: SheetCells,
    /// Column of each key of the hidden key row.
    columns: HashMap<String, u32>,
    last_row: u32,
}

impl Sheet {
    fn get(&self, row: u32, key: &str) -> Option<&(Data, (u32, u32))> {
        let col = *self.columns.get(key)?;
        self.cells.get(&(row, col)).filter(|(d, _)| !is_blank(d))
    }

    fn place(&self, row: u32, key: &str) -> Option<CellPlace> {
        let col = *self.columns.get(key)?;
        let (content, (r, c)) = match self.cells.get(&(row, col)) {
            Some((d, origin)) => (shown(d), *origin),
            None => (String::new(), (row, col)),
        };
        Some(CellPlace {
            sheet: self.name.clone(),
            cell: a1(r, u16::try_from(c).unwrap_or(u16::MAX)),
            content,
        })
    }

    fn has(&self, key: &str) -> bool {
        self.columns.contains_key(key)
    }
}

/// Which columns of a sheet the reader uses, from its key row: none for a sheet without keys
/// (the instructions), only the fill columns of a criteria sheet, not the label and help of
/// the general sheet.
fn wanted_columns(cells: &SheetCells) -> Vec<bool> {
    let keys: Vec<(u32, &str)> = cells
        .range((KEY_ROW, 0)..(KEY_ROW + 1, 0))
        .filter_map(|(&(_, col), (d, _))| match d {
            Data::String(s) => Some((col, s.trim())),
            _ => None,
        })
        .collect();
    let is_criteria = keys.iter().any(|(_, k)| *k == criteria::RATING);
    let is_verdicts = keys.iter().any(|(_, k)| *k == verdicts::RATING);
    let known = |k: &str| -> bool {
        let metric = k
            .strip_prefix("metric")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if is_criteria {
            metric
                || matches!(
                    k,
                    criteria::ID
                        | criteria::RATING
                        | criteria::NOTE
                        | criteria::METRIC_IDS
                        | criteria::EXTRA
                )
        } else {
            (is_verdicts && metric) || super::READ_KEYS.contains(&k)
        }
    };
    let mut wanted = vec![false; MAX_COLUMNS as usize];
    for (col, key) in keys {
        if known(key)
            && let Some(w) = wanted.get_mut(col as usize)
        {
            *w = true;
        }
    }
    wanted
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim_matches(|c: char| c.is_whitespace()).is_empty(),
        _ => false,
    }
}

/// A cell's value as a person sees it (for diagnostics).
fn shown(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => super::json_number(*f).map_or_else(|| f.to_string(), |v| v.to_string()),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => date_of(dt).unwrap_or_else(|| dt.as_f64().to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The calendar day of a date cell.
fn date_of(dt: &calamine::ExcelDateTime) -> Option<String> {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    crate::date::Date::new(i32::from(y), u32::from(m), u32::from(d)).map(|d| d.to_string())
}

/// Reads a workbook submission (a questionnaire): the zip checked against `budget`, every
/// sheet read sparsely, the submission value and the cells behind it.
pub fn read_submission(
    path: &Path,
    bytes: &[u8],
    budget: u64,
) -> Result<(Value, Cells), Diagnostic> {
    match read(path, bytes, budget)? {
        (Kind::Submission, value, cells, _) => Ok((value, cells)),
        (Kind::Review, ..) => Err(Diagnostic::error(Code::XlsxLayout, path, msg("review"))),
    }
}

/// Reads a review workbook (`itss review init --format xlsx`, or a review converted): the
/// review value and the cells behind it, or what stops it being one (a corrective action
/// for a nonconformity the register does not list, at its cell).
pub fn read_review(
    path: &Path,
    bytes: &[u8],
    budget: u64,
) -> Result<(Value, Cells), Vec<Diagnostic>> {
    match read_workbook(path, bytes, budget)? {
        (Kind::Review, value, cells) => Ok((value, cells)),
        (Kind::Submission, ..) => Err(vec![Diagnostic::error(
            Code::XlsxLayout,
            path,
            msg("questionnaire"),
        )]),
    }
}

/// Reads a workbook of either kind (for `itss convert`).
pub fn read_workbook(
    path: &Path,
    bytes: &[u8],
    budget: u64,
) -> Result<(Kind, Value, Cells), Vec<Diagnostic>> {
    let (kind, value, cells, problems) = read(path, bytes, budget).map_err(|d| vec![d])?;
    if problems.is_empty() {
        Ok((kind, value, cells))
    } else {
        Err(problems
            .into_iter()
            .map(|(code, message, place)| {
                let mut d = Diagnostic::error(code, path, message);
                d.cell = Some(Box::new(place));
                d
            })
            .collect())
    }
}

/// Reads a workbook file of the kind `expected` (either kind for `None`) within
/// `max_size`: its kind, the document that places diagnostics at its cells, and its value.
/// What stops it is rejected without text (a workbook has cells, not lines).
pub fn load(
    path: &Path,
    max_size: u64,
    expected: Option<Kind>,
) -> Result<(Kind, crate::source::SourceDoc, Value), crate::diagnostic::Rejected> {
    let rejected = |diagnostics| crate::diagnostic::Rejected {
        diagnostics,
        text: None,
    };
    let bytes = crate::source::read_bytes(path, max_size).map_err(|d| rejected(vec![d]))?;
    let (kind, value, cells) = match expected {
        Some(Kind::Submission) => read_submission(path, &bytes, max_size)
            .map(|(value, cells)| (Kind::Submission, value, cells))
            .map_err(|d| rejected(vec![d]))?,
        Some(Kind::Review) => read_review(path, &bytes, max_size)
            .map(|(value, cells)| (Kind::Review, value, cells))
            .map_err(rejected)?,
        None => read_workbook(path, &bytes, max_size).map_err(rejected)?,
    };
    let doc = crate::source::SourceDoc::from_workbook(path, &bytes, cells);
    Ok((kind, doc, value))
}

/// What the reading of a workbook found wrong beyond what the schema sees, at its cell.
type Problem = (Code, Msg, CellPlace);

fn read(
    path: &Path,
    bytes: &[u8],
    budget: u64,
) -> Result<(Kind, Value, Cells, Vec<Problem>), Diagnostic> {
    super::check_archive(path, bytes, budget)?;
    let damaged = |e: calamine::XlsxError| {
        Diagnostic::error(
            Code::XlsxArchive,
            path,
            crate::diagnostic::msg("workbook").arg("detail", e),
        )
    };
    let has_merges = super::archive::has_merged_cells(bytes);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
    let mut sheets = Vec::new();
    let mut fill_budget = MAX_MERGED_FILL;
    for name in book.sheet_names() {
        let mut cells = BTreeMap::new();
        let mut last_row = 0;
        {
            let mut reader = book.worksheet_cells_reader(&name).map_err(damaged)?;
            // The columns worth keeping, known once the key row is read (cells come row by
            // row): catalog text is never read back, and a sheet without keys not at all.
            let mut wanted: Option<Vec<bool>> = None;
            while let Some(cell) = reader.next_cell().map_err(damaged)? {
                let (row, col) = cell.get_position();
                if col >= MAX_COLUMNS {
                    continue;
                }
                if row > KEY_ROW && wanted.is_none() {
                    let columns = wanted_columns(&cells);
                    if !columns.contains(&true) {
                        break;
                    }
                    wanted = Some(columns);
                }
                if let Some(w) = &wanted
                    && !w.get(col as usize).copied().unwrap_or(false)
                {
                    continue;
                }
                let data: Data = cell.get_value().clone().into();
                if is_blank(&data) {
                    continue;
                }
                last_row = last_row.max(row);
                cells.insert((row, col), (data, (row, col)));
            }
        }
        // Merged areas are listed after the cells: a second pass over the sheet, made only
        // when some sheet of the workbook has them.
        let merged = if has_merges {
            book.merge_cells_by_sheet_name(&name).unwrap_or_default()
        } else {
            Vec::new()
        };
        for area in merged {
            let Some((value, _)) = cells.get(&area.start).cloned() else {
                continue;
            };
            let rows = area.start.0..=area.end.0.min(last_row);
            for row in rows {
                for col in area.start.1..=area.end.1.min(MAX_COLUMNS - 1) {
                    if (row, col) == area.start || fill_budget == 0 {
                        continue;
                    }
                    fill_budget -= 1;
                    cells
                        .entry((row, col))
                        .or_insert_with(|| (value.clone(), area.start));
                }
            }
        }
        let columns = cells
            .range((KEY_ROW, 0)..(KEY_ROW + 1, 0))
            .filter_map(|(&(_, col), (d, _))| match d {
                Data::String(s) => Some((s.trim().to_owned(), col)),
                _ => None,
            })
            .collect();
        sheets.push(Sheet {
            name,
            cells,
            columns,
            last_row,
        });
    }
    let mut out = Reading::default();
    if !out.run(&sheets) {
        return Err(Diagnostic::error(Code::XlsxLayout, path, msg("")));
    }
    let kind = if out.review_layout {
        Kind::Review
    } else {
        Kind::Submission
    };
    let problems = std::mem::take(&mut out.problems);
    let value = out.finish();
    Ok((
        kind,
        value,
        Cells(Arc::new(CellsInner {
            sheets,
            places: OnceLock::new(),
        })),
        problems,
    ))
}

#[derive(Default)]
struct Reading {
    root: Map<String, Value>,
    answers: Map<String, Value>,
    certificates: Vec<Value>,
    /// The cell of each pointer, when asked for (the second reading, for diagnostics).
    places: Option<HashMap<String, CellPlace>>,
    /// A general sheet has the `/review` row: this is a review workbook.
    review_layout: bool,
    /// A review's team, verdicts and nonconformities, from their sheets.
    team: Option<Vec<Value>>,
    verdicts: Map<String, Value>,
    /// The nonconformity register's rows (`None` without a register).
    nonconformities: Option<Vec<Value>>,
    problems: Vec<Problem>,
}

fn untoken(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

impl Reading {
    /// Reads every sheet in order: the general sheet(s), then criteria, then evidence and
    /// certificates. False when the workbook has no general sheet.
    fn run(&mut self, sheets: &[Sheet]) -> bool {
        let mut found_general = false;
        for sheet in sheets {
            if sheet.has(general::POINTER) && sheet.has(general::VALUE) {
                found_general = true;
                self.general(sheet);
            }
        }
        if !found_general {
            return false;
        }
        for sheet in sheets {
            if sheet.has(criteria::ID) && sheet.has(criteria::RATING) {
                self.criteria(sheet);
            }
            if sheet.has(verdicts::ID) && sheet.has(verdicts::RATING) {
                self.verdict_rows(sheet);
            }
            if sheet.has(team::NAME) && sheet.has(team::ROLE) {
                self.team_rows(sheet);
            }
        }
        for sheet in sheets {
            if sheet.has(evidence::CRITERION) && sheet.has(evidence::PATH) {
                self.evidence(sheet);
            }
            if sheet.has(certificates::ISSUED_ON) && sheet.has(certificates::CATALOG) {
                self.certificates(sheet);
            }
            if sheet.has(checked::CRITERION) && sheet.has(checked::PATH) {
                self.checked_rows(sheet);
            }
            if sheet.has(ncs::ID) && sheet.has(ncs::STATEMENT) {
                self.nc_rows(sheet);
            }
        }
        for sheet in sheets {
            if sheet.has(actions::NC) && sheet.has(actions::OWNER) {
                self.action_rows(sheet);
            }
        }
        true
    }

    /// Whether cells are being recorded.
    fn recording(&self) -> bool {
        self.places.is_some()
    }

    /// Records the cell behind a pointer (the first one named wins).
    fn add(&mut self, pointer: String, place: CellPlace) {
        if let Some(places) = &mut self.places {
            places.entry(pointer).or_insert(place);
        }
    }

    /// Records the cell of `key` in `row` behind `pointer`.
    fn add_cell(&mut self, sheet: &Sheet, row: u32, key: &str, pointer: String) {
        if self.recording()
            && let Some(place) = sheet.place(row, key)
        {
            self.add(pointer, place);
        }
    }

    fn finish(mut self) -> Value {
        if !self.certificates.is_empty() {
            let org = self
                .root
                .entry("organization")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(org) = org {
                org.insert(
                    "certificates".to_owned(),
                    Value::Array(std::mem::take(&mut self.certificates)),
                );
            }
        }
        if !self.answers.is_empty() {
            match self.root.get_mut("answers") {
                Some(Value::Object(written)) => merge(written, self.answers),
                _ => {
                    self.root
                        .insert("answers".to_owned(), Value::Object(self.answers));
                }
            }
        }
        if let Some(team) = self.team
            && (!team.is_empty() || !self.root.contains_key("team"))
        {
            self.root.insert("team".to_owned(), Value::Array(team));
        }
        if !self.verdicts.is_empty() {
            match self.root.get_mut("verdicts") {
                Some(Value::Object(written)) => merge(written, self.verdicts),
                _ => {
                    self.root
                        .insert("verdicts".to_owned(), Value::Object(self.verdicts));
                }
            }
        }
        if let Some(ncs) = self.nonconformities
            && (!ncs.is_empty() || !self.root.contains_key("nonconformities"))
        {
            self.root
                .insert("nonconformities".to_owned(), Value::Array(ncs));
        }
        Value::Object(self.root)
    }

    fn general(&mut self, sheet: &Sheet) {
        for row in FIRST_ROW..=sheet.last_row {
            let Some((Data::String(pointer), _)) = sheet.get(row, general::POINTER) else {
                continue;
            };
            let pointer = pointer.trim();
            if !pointer.starts_with('/') {
                continue;
            }
            if pointer == "/review" {
                self.review_layout = true;
            }
            let kind = match sheet.get(row, general::TYPE) {
                Some((Data::String(t), _)) => FieldType::parse(t),
                _ => None,
            };
            if self.recording()
                && let Some(place) = sheet.place(row, general::VALUE)
            {
                // The field's cell, and its parents' (a missing required field is reported
                // at the object that lacks it).
                let mut p = pointer;
                self.add(p.to_owned(), place.clone());
                while let Some(cut) = p.rfind('/').filter(|&c| c > 0) {
                    p = &p[..cut];
                    self.add(p.to_owned(), place.clone());
                }
            }
            let Some((data, _)) = sheet.get(row, general::VALUE) else {
                // An organization with nothing filled in is still there, so that a missing
                // name is reported at its cell rather than as a missing organization.
                for parent in ["organization", "body", "submission"] {
                    if pointer.starts_with(&format!("/{parent}/")) {
                        self.root
                            .entry(parent)
                            .or_insert_with(|| Value::Object(Map::new()));
                    }
                }
                continue;
            };
            let value = match (kind, sheet.get(row, general::CHOICES)) {
                (Some(FieldType::Choice), Some((Data::String(choices), _))) => {
                    choice_value(data, choices)
                }
                _ => field_value(data, kind),
            };
            let Some(value) = value else {
                continue;
            };
            let tokens: Vec<String> = pointer[1..].split('/').map(untoken).collect();
            insert_at(&mut self.root, &tokens, value);
        }
    }

    fn criteria(&mut self, sheet: &Sheet) {
        let slots = slot_keys(sheet);
        for row in FIRST_ROW..=sheet.last_row {
            let Some((id_cell, _)) = sheet.get(row, criteria::ID) else {
                continue;
            };
            let id = super::normalize(&shown(id_cell));
            let base = format!("/answers/{}", pointer_token(&id));
            let mut answer = Map::new();
            if let Some((d, _)) = sheet.get(row, criteria::RATING) {
                answer.insert("rating".to_owned(), rating_of(d));
            }
            let metrics = self.metrics_of(sheet, row, &slots, &base);
            if !metrics.is_empty() {
                answer.insert("metrics".to_owned(), Value::Object(metrics));
            }
            if let Some((d, _)) = sheet.get(row, criteria::NOTE) {
                answer.insert("note".to_owned(), Value::String(kept_text(d)));
            }
            let extra = extra_of(sheet, row, criteria::EXTRA);
            let present = extra.is_some();
            if let Some(extra) = extra {
                merge(&mut answer, extra);
            }
            if self.recording() {
                for (key, pointer) in [
                    (criteria::ID, base.clone()),
                    (criteria::RATING, format!("{base}/rating")),
                    (criteria::NOTE, format!("{base}/note")),
                ] {
                    self.add_cell(sheet, row, key, pointer);
                }
            }
            if present || !answer.is_empty() {
                merge_entry(&mut self.answers, id, answer);
            }
        }
    }

    /// A row's metric values, by the ids its hidden `metric_ids` column names for its slots;
    /// each slot's cell is recorded behind `<base>/metrics/<id>`.
    fn metrics_of(
        &mut self,
        sheet: &Sheet,
        row: u32,
        slots: &[String],
        base: &str,
    ) -> Map<String, Value> {
        let metric_ids: Vec<String> = match sheet.get(row, criteria::METRIC_IDS) {
            Some((d, _)) => shown(d).split(',').map(|s| s.trim().to_owned()).collect(),
            None => Vec::new(),
        };
        let mut metrics = Map::new();
        for (i, slot) in slots.iter().enumerate() {
            let Some(metric) = metric_ids.get(i).filter(|m| !m.is_empty()) else {
                continue;
            };
            if self.recording() {
                let pointer = format!("{base}/metrics/{}", pointer_token(metric));
                self.add_cell(sheet, row, slot, pointer);
            }
            if let Some((d, _)) = sheet.get(row, slot) {
                metrics.insert(metric.clone(), number_value(d));
            }
        }
        metrics
    }

    fn evidence(&mut self, sheet: &Sheet) {
        let keys = [
            evidence::PATH,
            evidence::TITLE,
            evidence::DATED,
            evidence::SHA256,
            evidence::EXTRA,
        ];
        for row in FIRST_ROW..=sheet.last_row {
            if keys.iter().all(|k| sheet.get(row, k).is_none()) {
                continue;
            }
            let id = sheet
                .get(row, evidence::CRITERION)
                .map(|(d, _)| super::normalize(&shown(d)))
                .unwrap_or_default();
            let mut item = Map::new();
            if let Some((d, _)) = sheet.get(row, evidence::PATH) {
                item.insert("path".to_owned(), Value::String(shown(d).trim().to_owned()));
            }
            if let Some((d, _)) = sheet.get(row, evidence::TITLE) {
                item.insert("title".to_owned(), Value::String(kept_text(d)));
            }
            if let Some((d, _)) = sheet.get(row, evidence::DATED) {
                item.insert("dated".to_owned(), date_value(d));
            }
            if let Some((d, _)) = sheet.get(row, evidence::SHA256) {
                item.insert(
                    "sha256".to_owned(),
                    Value::String(super::normalize(&shown(d))),
                );
            }
            if let Some(extra) = extra_of(sheet, row, evidence::EXTRA) {
                merge(&mut item, extra);
            }
            let Some(index) = push_item(&mut self.answers, &id, "evidence", item) else {
                continue;
            };
            if !self.recording() {
                continue;
            }
            let base = format!("/answers/{}/evidence/{index}", pointer_token(&id));
            for (key, pointer) in [
                (evidence::PATH, base.clone()),
                (evidence::PATH, format!("{base}/path")),
                (evidence::TITLE, format!("{base}/title")),
                (evidence::DATED, format!("{base}/dated")),
                (evidence::SHA256, format!("{base}/sha256")),
            ] {
                self.add_cell(sheet, row, key, pointer);
            }
            let pointer = format!("/answers/{}", pointer_token(&id));
            self.add_cell(sheet, row, evidence::CRITERION, pointer);
        }
    }

    fn certificates(&mut self, sheet: &Sheet) {
        let keys = [
            certificates::CATALOG,
            certificates::LEVEL,
            certificates::NUMBER,
            certificates::ISSUED_ON,
            certificates::EXPIRES_ON,
            certificates::EXTRA,
        ];
        for row in FIRST_ROW..=sheet.last_row {
            if keys.iter().all(|k| sheet.get(row, k).is_none()) {
                continue;
            }
            let mut item = Map::new();
            let base = format!("/organization/certificates/{}", self.certificates.len());
            for key in keys {
                if self.recording()
                    && let Some(place) = sheet.place(row, key)
                {
                    if key == certificates::CATALOG {
                        self.add(base.clone(), place.clone());
                    }
                    self.add(format!("{base}/{key}"), place);
                }
                let Some((d, _)) = sheet.get(row, key) else {
                    continue;
                };
                let value = match key {
                    certificates::CATALOG => Value::String(super::normalize(&shown(d))),
                    certificates::LEVEL => code_value(d),
                    certificates::ISSUED_ON | certificates::EXPIRES_ON => date_value(d),
                    certificates::NUMBER => Value::String(shown(d).trim().to_owned()),
                    _ => {
                        if let Some(extra) = extra_of(sheet, row, key) {
                            merge(&mut item, extra);
                        }
                        continue;
                    }
                };
                item.insert(key.to_owned(), value);
            }
            self.certificates.push(Value::Object(item));
        }
    }
}

/// The metric slot keys a sheet's key row has: `metric1`, `metric2`, ….
fn slot_keys(sheet: &Sheet) -> Vec<String> {
    (1..=64)
        .map(|k| format!("metric{k}"))
        .take_while(|k| sheet.has(k))
        .collect()
}

/// The row's hidden `extra` cell (what no column holds, as JSON) when it holds an object.
fn extra_of(sheet: &Sheet, row: u32, key: &str) -> Option<Map<String, Value>> {
    match sheet.get(row, key) {
        Some((Data::String(extra), _)) => match serde_json::from_str::<Value>(extra) {
            Ok(Value::Object(extra)) => Some(extra),
            _ => None,
        },
        _ => None,
    }
}
