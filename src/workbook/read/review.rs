//! The sheets of a review workbook: the team, the verdicts, what the team checked, and the
//! nonconformity and corrective-action registers, read into the review value a YAML file
//! gives (the general sheet is read as a questionnaire's is).

use serde_json::{Map, Value};

use super::{
    FIRST_ROW, Reading, Sheet, code_value, date_value, extra_of, kept_text, merge, merge_entry,
    push_item, rating_of, shown, slot_keys,
};
use crate::diagnostic::{Code, msg};
use crate::workbook;
use crate::workbook::{actions, checked, ncs, team, verdicts};
use crate::yaml::pointer_token;

impl Reading {
    /// The review team: one member a row, the role a label in either language.
    pub(super) fn team_rows(&mut self, sheet: &Sheet) {
        let team = self.team.get_or_insert_with(Vec::new);
        let start = team.len();
        let mut rows = Vec::new();
        for row in FIRST_ROW..=sheet.last_row {
            let name = sheet.get(row, team::NAME);
            let role = sheet.get(row, team::ROLE);
            if name.is_none() && role.is_none() {
                continue;
            }
            let mut member = Map::new();
            if let Some((d, _)) = name {
                member.insert("name".to_owned(), Value::String(shown(d).trim().to_owned()));
            }
            if let Some((d, _)) = role {
                let typed = shown(d);
                let code = workbook::parse_label(
                    &workbook::ROLES,
                    &[("组员", "member"), ("成员", "member"), ("评估组长", "lead")],
                    &typed,
                )
                .map_or_else(|| workbook::normalize(&typed), str::to_owned);
                member.insert("role".to_owned(), Value::String(code));
            }
            team.push(Value::Object(member));
            rows.push(row);
        }
        // An empty team is reported at the sheet's first row.
        self.add_cell(sheet, FIRST_ROW, team::NAME, "/team".to_owned());
        for (k, row) in rows.into_iter().enumerate() {
            let base = format!("/team/{}", start + k);
            self.add_cell(sheet, row, team::NAME, base.clone());
            self.add_cell(sheet, row, team::NAME, format!("{base}/name"));
            self.add_cell(sheet, row, team::ROLE, format!("{base}/role"));
        }
    }

    /// The verdict sheet: one criterion a row, a verdict where the row holds anything the
    /// team (or `itss review init`) wrote.
    pub(super) fn verdict_rows(&mut self, sheet: &Sheet) {
        let slots = slot_keys(sheet);
        for row in FIRST_ROW..=sheet.last_row {
            let Some((id_cell, _)) = sheet.get(row, verdicts::ID) else {
                continue;
            };
            let id = workbook::normalize(&shown(id_cell));
            let base = format!("/verdicts/{}", pointer_token(&id));
            let mut verdict = Map::new();
            if let Some((d, _)) = sheet.get(row, verdicts::RATING) {
                verdict.insert("rating".to_owned(), rating_of(d));
            }
            if let Some((d, _)) = sheet.get(row, verdicts::NOTE) {
                verdict.insert("note".to_owned(), Value::String(kept_text(d)));
            }
            let metrics = self.metrics_of(sheet, row, &slots, &base);
            if !metrics.is_empty() {
                verdict.insert("metrics".to_owned(), Value::Object(metrics));
            }
            if let Some((d, _)) = sheet.get(row, verdicts::DECLARED) {
                let typed = shown(d);
                let declared = match workbook::parse_rating(&typed) {
                    Some(code) => Value::String(code.to_owned()),
                    None if [
                        workbook::not_answered(crate::text::Lang::Zh),
                        "not answered",
                    ]
                    .contains(&workbook::normalize(&typed).to_lowercase().as_str()) =>
                    {
                        Value::Null
                    }
                    None => Value::String(workbook::normalize(&typed)),
                };
                verdict.insert("declared".to_owned(), declared);
            }
            if let Some((d, _)) = sheet.get(row, verdicts::SAMPLE) {
                let paths: Vec<Value> = shown(d)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect();
                verdict.insert("sample".to_owned(), Value::Array(paths));
            }
            if let Some(extra) = extra_of(sheet, row, verdicts::EXTRA) {
                merge(&mut verdict, extra);
            }
            for (key, pointer) in [
                (verdicts::ID, base.clone()),
                (verdicts::RATING, format!("{base}/rating")),
                (verdicts::NOTE, format!("{base}/note")),
                (verdicts::DECLARED, format!("{base}/declared")),
                (verdicts::SAMPLE, format!("{base}/sample")),
            ] {
                self.add_cell(sheet, row, key, pointer);
            }
            if sheet.get(row, verdicts::EXTRA).is_some() || !verdict.is_empty() {
                merge_entry(&mut self.verdicts, id, verdict);
            }
        }
    }

    /// What the team checked: one item a row, a file (path) or a thing seen on site.
    pub(super) fn checked_rows(&mut self, sheet: &Sheet) {
        let keys = [
            checked::PATH,
            checked::SEEN,
            checked::TITLE,
            checked::DATED,
            checked::SHA256,
            checked::EXTRA,
        ];
        for row in FIRST_ROW..=sheet.last_row {
            if keys.iter().all(|k| sheet.get(row, k).is_none()) {
                continue;
            }
            let id = sheet
                .get(row, checked::CRITERION)
                .map(|(d, _)| workbook::normalize(&shown(d)))
                .unwrap_or_default();
            let mut item = Map::new();
            if let Some((d, _)) = sheet.get(row, checked::PATH) {
                item.insert("path".to_owned(), Value::String(shown(d).trim().to_owned()));
            }
            if let Some((d, _)) = sheet.get(row, checked::SEEN) {
                item.insert("seen".to_owned(), Value::String(kept_text(d)));
            }
            if let Some((d, _)) = sheet.get(row, checked::TITLE) {
                item.insert("title".to_owned(), Value::String(kept_text(d)));
            }
            if let Some((d, _)) = sheet.get(row, checked::DATED) {
                item.insert("dated".to_owned(), date_value(d));
            }
            if let Some((d, _)) = sheet.get(row, checked::SHA256) {
                item.insert(
                    "sha256".to_owned(),
                    Value::String(workbook::normalize(&shown(d))),
                );
            }
            if let Some(extra) = extra_of(sheet, row, checked::EXTRA) {
                merge(&mut item, extra);
            }
            let Some(index) = push_item(&mut self.verdicts, &id, "checked", item) else {
                continue;
            };
            let base = format!("/verdicts/{}/checked/{index}", pointer_token(&id));
            let first = if sheet.get(row, checked::PATH).is_some() {
                checked::PATH
            } else {
                checked::SEEN
            };
            for (key, pointer) in [
                (first, base.clone()),
                (checked::PATH, format!("{base}/path")),
                (checked::SEEN, format!("{base}/seen")),
                (checked::TITLE, format!("{base}/title")),
                (checked::DATED, format!("{base}/dated")),
                (checked::SHA256, format!("{base}/sha256")),
            ] {
                self.add_cell(sheet, row, key, pointer);
            }
            self.add_cell(
                sheet,
                row,
                checked::CRITERION,
                format!("/verdicts/{}", pointer_token(&id)),
            );
        }
    }

    /// The nonconformity register: one nonconformity a row.
    pub(super) fn nc_rows(&mut self, sheet: &Sheet) {
        self.nonconformities.get_or_insert_with(Vec::new);
        let keys = [
            ncs::ID,
            ncs::CRITERION,
            ncs::SEVERITY,
            ncs::STATEMENT,
            ncs::STATEMENT_EN,
            ncs::EXTRA,
        ];
        for row in FIRST_ROW..=sheet.last_row {
            if keys.iter().all(|k| sheet.get(row, k).is_none()) {
                continue;
            }
            let mut nc = Map::new();
            if let Some((d, _)) = sheet.get(row, ncs::ID) {
                nc.insert("id".to_owned(), code_value(d));
            }
            if let Some((d, _)) = sheet.get(row, ncs::CRITERION) {
                nc.insert(
                    "criterion".to_owned(),
                    Value::String(workbook::normalize(&shown(d))),
                );
            }
            if let Some((d, _)) = sheet.get(row, ncs::SEVERITY) {
                let typed = shown(d);
                let code = workbook::parse_label(
                    &workbook::SEVERITIES,
                    &[
                        ("轻微", "minor"),
                        ("主要", "major"),
                        ("严重不符合", "major"),
                    ],
                    &typed,
                )
                .map_or_else(|| workbook::normalize(&typed), str::to_owned);
                nc.insert("severity".to_owned(), Value::String(code));
            }
            if let Some(text) = localized(sheet, row, ncs::STATEMENT, ncs::STATEMENT_EN) {
                nc.insert("statement".to_owned(), text);
            }
            if let Some(extra) = extra_of(sheet, row, ncs::EXTRA) {
                merge(&mut nc, extra);
            }
            let list = self.nonconformities.get_or_insert_with(Vec::new);
            let base = format!("/nonconformities/{}", list.len());
            list.push(Value::Object(nc));
            for (key, pointer) in [
                (ncs::ID, base.clone()),
                (ncs::ID, format!("{base}/id")),
                (ncs::CRITERION, format!("{base}/criterion")),
                (ncs::SEVERITY, format!("{base}/severity")),
                (ncs::STATEMENT, format!("{base}/statement")),
                (ncs::STATEMENT_EN, format!("{base}/statement/en")),
            ] {
                self.add_cell(sheet, row, key, pointer);
            }
        }
    }

    /// The corrective-action register: one action a row, joined to its nonconformity by id.
    pub(super) fn action_rows(&mut self, sheet: &Sheet) {
        let keys = [
            actions::OWNER,
            actions::DUE,
            actions::DESCRIPTION,
            actions::DESCRIPTION_EN,
            actions::CLOSED_ON,
            actions::VERIFIED_BY,
            actions::EXTRA,
        ];
        for row in FIRST_ROW..=sheet.last_row {
            if keys.iter().all(|k| sheet.get(row, k).is_none()) {
                continue;
            }
            let id = sheet
                .get(row, actions::NC)
                .map(|(d, _)| workbook::normalize(&shown(d)))
                .unwrap_or_default();
            let list = self.nonconformities.get_or_insert_with(Vec::new);
            let found = list.iter().position(|nc| match nc.get("id") {
                Some(Value::String(s)) => *s == id,
                Some(Value::Number(n)) => n.to_string() == id,
                _ => false,
            });
            let place = sheet.place(row, actions::NC);
            let Some(index) = found else {
                if let Some(place) = place {
                    self.problems.push((
                        Code::ReviewUnknownNonconformity,
                        msg("").arg("id", &id),
                        place,
                    ));
                }
                continue;
            };
            let mut action = Map::new();
            for (key, field) in [
                (actions::OWNER, "owner"),
                (actions::VERIFIED_BY, "verified_by"),
            ] {
                if let Some((d, _)) = sheet.get(row, key) {
                    action.insert(field.to_owned(), Value::String(shown(d).trim().to_owned()));
                }
            }
            for (key, field) in [(actions::DUE, "due"), (actions::CLOSED_ON, "closed_on")] {
                if let Some((d, _)) = sheet.get(row, key) {
                    action.insert(field.to_owned(), date_value(d));
                }
            }
            if let Some(text) = localized(sheet, row, actions::DESCRIPTION, actions::DESCRIPTION_EN)
            {
                action.insert("description".to_owned(), text);
            }
            if let Some(extra) = extra_of(sheet, row, actions::EXTRA) {
                merge(&mut action, extra);
            }
            let Some(Value::Object(nc)) = self
                .nonconformities
                .as_mut()
                .and_then(|list| list.get_mut(index))
            else {
                continue;
            };
            if nc.contains_key("action") {
                if let Some(place) = place {
                    self.problems.push((
                        Code::ReviewDuplicate,
                        msg("action").arg("id", &id),
                        place,
                    ));
                }
                continue;
            }
            nc.insert("action".to_owned(), Value::Object(action));
            let base = format!("/nonconformities/{index}/action");
            for (key, pointer) in [
                (actions::OWNER, base.clone()),
                (actions::OWNER, format!("{base}/owner")),
                (actions::DUE, format!("{base}/due")),
                (actions::DESCRIPTION, format!("{base}/description")),
                (actions::DESCRIPTION_EN, format!("{base}/description/en")),
                (actions::CLOSED_ON, format!("{base}/closed_on")),
                (actions::VERIFIED_BY, format!("{base}/verified_by")),
            ] {
                self.add_cell(sheet, row, key, pointer);
            }
        }
    }
}

/// A text in Chinese with an optional English column: a plain string, or `{zh, en}` when
/// the English is there (as a review file writes it).
fn localized(sheet: &Sheet, row: u32, zh: &str, en: &str) -> Option<Value> {
    let zh = sheet.get(row, zh).map(|(d, _)| kept_text(d));
    let en = sheet.get(row, en).map(|(d, _)| kept_text(d));
    match (zh, en) {
        (None, None) => None,
        (Some(zh), None) => Some(Value::String(zh)),
        (zh, Some(en)) => {
            let mut m = Map::new();
            if let Some(zh) = zh {
                m.insert("zh".to_owned(), Value::String(zh));
            }
            m.insert("en".to_owned(), Value::String(en));
            Some(Value::Object(m))
        }
    }
}
