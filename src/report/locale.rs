//! Locale files (`report-templates/locales/<lang>.yaml`): every fixed string a report shows.
//!
//! A locale file is a YAML mapping nested to any depth whose leaves are strings; templates
//! look strings up by their dotted path (`status.conform`). Placeholders in braces
//! (`{level}`) are filled by the template's `t("key", level=…)` call.

use std::collections::BTreeMap;

use crate::yaml::{self, Node, NodeKind};

use super::ReportError;

/// Largest locale file accepted (bytes).
const MAX_LOCALE_BYTES: usize = 1 << 20;

/// One language's strings, by dotted key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locale {
    strings: BTreeMap<String, String>,
}

impl Locale {
    /// Parses a locale file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Locale, ReportError> {
        let node = yaml::parse(text, MAX_LOCALE_BYTES).map_err(|e| ReportError::Locale {
            file: file.to_owned(),
            line: Some(e.location.line).filter(|&l| l > 0),
            message: e.message,
        })?;
        let mut strings = BTreeMap::new();
        match &node.kind {
            NodeKind::Map(_) => flatten(file, "", &node, &mut strings)?,
            _ => {
                return Err(ReportError::Locale {
                    file: file.to_owned(),
                    line: Some(node.location.line).filter(|&l| l > 0),
                    message: "a locale file is a mapping of keys to strings".to_owned(),
                });
            }
        }
        Ok(Locale { strings })
    }

    /// The string for a dotted key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.strings.get(key).map(String::as_str)
    }

    /// Every dotted key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }

    /// How many strings it holds.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether it holds no string.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

fn flatten(
    file: &str,
    prefix: &str,
    node: &Node,
    out: &mut BTreeMap<String, String>,
) -> Result<(), ReportError> {
    let error = |node: &Node, message: String| ReportError::Locale {
        file: file.to_owned(),
        line: Some(node.location.line).filter(|&l| l > 0),
        message,
    };
    match &node.kind {
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                if key.name.is_empty() || key.name.contains('.') {
                    return Err(error(
                        value,
                        format!("key `{}` may not be empty or contain `.`", key.name),
                    ));
                }
                let path = if prefix.is_empty() {
                    key.name.clone()
                } else {
                    format!("{prefix}.{}", key.name)
                };
                flatten(file, &path, value, out)?;
            }
            Ok(())
        }
        NodeKind::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
            Ok(())
        }
        _ => Err(error(
            node,
            format!("`{prefix}` must be a string (quote it)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_nested_keys() {
        let l = Locale::parse("t.yaml", "a:\n  b: x\n  c: {d: y}\ne: z\n").unwrap();
        assert_eq!(l.keys().collect::<Vec<_>>(), ["a.b", "a.c.d", "e"]);
        assert_eq!(l.get("a.c.d"), Some("y"));
    }

    #[test]
    fn rejects_non_strings() {
        assert!(Locale::parse("t.yaml", "a: 1\n").is_err());
        assert!(Locale::parse("t.yaml", "- a\n").is_err());
    }
}
