//! `itss convert`: a submission written as YAML, as JSON, or as a questionnaire workbook
//! (`.xlsx`, see [`crate::workbook`]). All three read into the same value; this module
//! writes that value back as YAML or JSON (the workbook writer is in `workbook`).

use std::fmt::Write;

use serde_json::Value;

/// A submission value as pretty JSON with a final newline.
pub fn to_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// A submission value as block YAML that reads back as the same value: strings that could
/// be read as anything else (a number, a boolean, null, a code with leading zeros) are
/// quoted; dates stay plain, as the questionnaire writes them.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0),
        other => {
            let _ = writeln!(out, "{}", scalar(other));
        }
    }
    out
}

fn map(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    for (k, v) in m {
        let pad = " ".repeat(indent);
        let key = string(k);
        match v {
            Value::Object(child) if !child.is_empty() => {
                let _ = writeln!(out, "{pad}{key}:");
                map(out, child, indent + 2);
            }
            Value::Array(items) if !items.is_empty() => {
                let _ = writeln!(out, "{pad}{key}:");
                list(out, items, indent + 2);
            }
            other => {
                let _ = writeln!(out, "{pad}{key}: {}", scalar(other));
            }
        }
    }
}

fn list(out: &mut String, items: &[Value], indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first entry on the dash's line, the others aligned under it.
                let mut block = String::new();
                map(&mut block, m, indent + 2);
                let block = block.trim_start();
                let _ = write!(out, "{pad}- {block}");
            }
            Value::Array(inner) if !inner.is_empty() => {
                let _ = writeln!(out, "{pad}-");
                list(out, inner, indent + 2);
            }
            other => {
                let _ = writeln!(out, "{pad}- {}", scalar(other));
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string plain when YAML reads it back as that string, else double-quoted (JSON
/// escaping is valid YAML).
fn string(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

fn plain_is_safe(s: &str) -> bool {
    if s.parse::<crate::date::Date>().is_ok() {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let first_ok = first.is_alphabetic() || (!first.is_ascii() && !first.is_whitespace());
    first_ok
        && !reserved
        && s.trim() == s
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && s.chars().all(|c| {
            !c.is_control()
                && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
                && !matches!(
                    c,
                    '{' | '}' | '[' | ']' | ',' | '"' | '\'' | '`' | '|' | '>'
                )
                && !('\u{ff01}'..='\u{ff5e}').contains(&c)
                && c != '\u{3000}'
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_look_like_other_things_are_quoted() {
        assert_eq!(string("conform"), "conform");
        assert_eq!(string("2026-03-01"), "2026-03-01");
        assert_eq!(string("0755"), "\"0755\"");
        assert_eq!(string("3"), "\"3\"");
        assert_eq!(string("NO"), "\"NO\"");
        assert_eq!(string("a: b"), "\"a: b\"");
        assert_eq!(string("某某公司"), "某某公司");
        assert_eq!(string(""), "\"\"");
    }
}
