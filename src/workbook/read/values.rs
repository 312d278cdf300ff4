//! Cell values as submission and review values: by a field's declared type, a drop-down's
//! choice, a rating, an identifier, a date, yes/no, a number or a text kept as typed, each
//! understanding what people type; and the value tree they are put into.

use calamine::Data;
use serde_json::{Map, Value};

use super::{date_of, shown};
use crate::workbook::{self, FieldType};

/// A general-sheet field's value by its declared type (or the cell's own, when none).
pub(super) fn field_value(d: &Data, kind: Option<FieldType>) -> Option<Value> {
    Some(match kind {
        Some(FieldType::Text) => Value::String(match d {
            Data::String(s) => s.trim().to_owned(),
            other => shown(other),
        }),
        Some(FieldType::Code | FieldType::Choice) => code_value(d),
        Some(FieldType::Date) => date_value(d),
        Some(FieldType::Bool) => bool_value(d),
        Some(FieldType::Number) => number_value(d),
        Some(FieldType::Json) => match d {
            Data::String(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
            other => Value::String(shown(other)),
        },
        None => match d {
            Data::String(s) => Value::String(s.trim().to_owned()),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(_) => date_value(d),
            Data::Int(_) | Data::Float(_) => number_value(d),
            other => Value::String(shown(other)),
        },
    })
}

/// A drop-down's choice: the value its label stands for (`choices` is the JSON object of
/// labels and values the writer put beside it), the value itself when typed, anything else
/// as an identifier typed (the schema or the catalog then names it).
pub(super) fn choice_value(d: &Data, choices: &str) -> Option<Value> {
    let typed = workbook::normalize(&shown(d));
    let compact = |s: &str| -> String {
        workbook::normalize(s)
            .split_whitespace()
            .collect::<String>()
            .to_lowercase()
    };
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(choices) {
        let key = compact(&typed);
        for (label, value) in &map {
            if compact(label) == key {
                return Some(value.clone());
            }
        }
    }
    Some(code_value(d))
}

/// An identifier: text trimmed and made half-width; a whole number stays a number (as an
/// unquoted YAML integer would).
pub(super) fn code_value(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::from(*i),
        Data::Float(f) => workbook::json_number(*f).unwrap_or_else(|| Value::String(shown(d))),
        other => Value::String(workbook::normalize(&shown(other))),
    }
}

/// A date: a date cell's day, a text date normalised; anything else as typed (the schema
/// then names it).
pub(super) fn date_value(d: &Data) -> Value {
    match d {
        Data::DateTime(dt) => date_of(dt).map_or_else(|| Value::String(shown(d)), Value::String),
        Data::DateTimeIso(s) => Value::String(s.get(..10).unwrap_or(s).to_owned()),
        Data::String(s) => {
            Value::String(workbook::parse_date_text(s).unwrap_or_else(|| workbook::normalize(s)))
        }
        Data::Int(i) => Value::from(*i),
        Data::Float(f) => workbook::json_number(*f).unwrap_or(Value::Null),
        other => Value::String(shown(other)),
    }
}

/// 是/否, yes/no, true/false, 1/0 and boolean cells; anything else as typed.
pub(super) fn bool_value(d: &Data) -> Value {
    match d {
        Data::Bool(b) => Value::Bool(*b),
        Data::Int(i) if matches!(i, 0 | 1) => Value::Bool(*i == 1),
        Data::Float(f) if *f == 0.0 || *f == 1.0 => Value::Bool(*f == 1.0),
        other => {
            let t = workbook::normalize(&shown(other)).to_lowercase();
            match t.as_str() {
                "是" | "yes" | "true" | "y" | "有" | "√" => Value::Bool(true),
                "否" | "no" | "false" | "n" | "无" | "×" => Value::Bool(false),
                _ => Value::String(t),
            }
        }
    }
}

/// A metric or other number: numeric cells (a percentage cell holds the ratio), text with
/// full-width digits or `%`; anything else as typed.
pub(super) fn number_value(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::from(*i),
        Data::Float(f) => workbook::json_number(*f).unwrap_or(Value::Null),
        Data::DateTime(dt) => workbook::json_number(dt.as_f64()).unwrap_or(Value::Null),
        Data::Bool(b) => Value::Bool(*b),
        other => {
            let typed = shown(other);
            workbook::parse_number_text(&typed)
                .and_then(workbook::json_number)
                .unwrap_or_else(|| Value::String(workbook::normalize(&typed)))
        }
    }
}

/// Puts `value` at the path `tokens` below `root`, making the objects on the way.
pub(super) fn insert_at(root: &mut Map<String, Value>, tokens: &[String], value: Value) {
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    let mut here = root;
    for t in parents {
        let next = here
            .entry(t.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(next) = next else {
            return;
        };
        here = next;
    }
    here.insert(last.clone(), value);
}

/// A rating cell: the code its text names (a label in either language, any case or width),
/// else the text as typed for the schema to name.
pub(super) fn rating_of(d: &Data) -> Value {
    let typed = shown(d);
    Value::String(
        workbook::parse_rating(&typed).map_or_else(|| workbook::normalize(&typed), str::to_owned),
    )
}

/// A text kept as typed (a note, a statement): only a non-text cell is shown as text.
pub(super) fn kept_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => shown(other),
    }
}

/// Merges `value` into the entry `id` of `map` (an answer or a verdict that another row
/// already began), or makes it the entry.
pub(super) fn merge_entry(map: &mut Map<String, Value>, id: String, value: Map<String, Value>) {
    match map.get_mut(&id) {
        Some(Value::Object(existing)) => merge(existing, value),
        _ => {
            map.insert(id, Value::Object(value));
        }
    }
}

/// Appends `item` to the list `key` of the entry `id` of `map` (evidence of an answer, what
/// was checked for a verdict), making both when missing; its index in the list, `None` when
/// the entry or the list is not what a list belongs in.
pub(super) fn push_item(
    map: &mut Map<String, Value>,
    id: &str,
    key: &str,
    item: Map<String, Value>,
) -> Option<usize> {
    let Value::Object(entry) = map
        .entry(id.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return None;
    };
    let Value::Array(list) = entry.entry(key).or_insert_with(|| Value::Array(Vec::new())) else {
        return None;
    };
    list.push(Value::Object(item));
    Some(list.len() - 1)
}

/// Merges `extra` into `into`: objects key by key, other values replace.
pub(super) fn merge(into: &mut Map<String, Value>, extra: Map<String, Value>) {
    for (k, v) in extra {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}
