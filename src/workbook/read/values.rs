//! Cell values as submission and review values: by a field's declared type, a drop-down's
//! choice, an identifier, a date, yes/no or a number, each understanding what people type.

use calamine::Data;
use serde_json::Value;

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
