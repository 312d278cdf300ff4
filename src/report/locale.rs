//! Locale files (`report-templates/locales/<lang>.yaml`): every fixed string a report shows.
//!
//! A locale file is a YAML mapping nested to any depth whose leaves are strings; templates
//! look strings up by their dotted path (`status.conform`). Placeholders in braces
//! (`{level}`) are filled by the template's `t("key", level=…)` call.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::yaml::{self, Node, NodeKind};

use super::ReportError;

/// Largest locale file accepted (bytes).
const MAX_LOCALE_BYTES: usize = 1 << 20;

/// One language's strings, by dotted key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locale {
    /// Every string, sorted by key.
    strings: BTreeMap<String, Arc<str>>,
    /// The same, for lookups by key (reports look up hundreds).
    index: HashMap<String, Arc<str>, foldhash::fast::RandomState>,
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
        let index = strings
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        Ok(Locale { strings, index })
    }

    /// The string for a dotted key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.index.get(key).map(|s| &**s)
    }

    /// The string for a dotted key, shared.
    pub fn get_shared(&self, key: &str) -> Option<&Arc<str>> {
        self.index.get(key)
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

/// Fills the `{name}` placeholders of a locale string in one pass: `value(name, out)` appends
/// the value of a known name to `out` and returns `Ok(true)`, or returns `Ok(false)` to leave
/// the brace as written.
pub(crate) fn fill_with<E>(
    text: &str,
    mut value: impl FnMut(&str, &mut String) -> Result<bool, E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if value(&after[..close], &mut out)? => rest = &after[close + 1..],
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A locale string split at the placeholders of a fixed list of names, to be filled many
/// times exactly as [`fill_args`] fills it.
#[derive(Debug)]
pub(crate) struct Pattern<'a> {
    pieces: Vec<Piece<'a>>,
}

#[derive(Debug)]
enum Piece<'a> {
    /// Text as written.
    Text(&'a str),
    /// The value of the name at this position of the list.
    Arg(usize),
}

impl<'a> Pattern<'a> {
    /// Splits `text` at the placeholders of `names`; `None` when a name has no placeholder
    /// (`fill_args` fails then too).
    pub(crate) fn new(text: &'a str, names: &[&str]) -> Option<Pattern<'a>> {
        let mut pieces = Vec::new();
        let mut used = vec![false; names.len()];
        let (mut literal, mut pos) = (0, 0);
        while let Some(open) = text[pos..].find('{').map(|o| pos + o) {
            let after = open + 1;
            let arg = text[after..].find('}').and_then(|close| {
                let name = &text[after..after + close];
                Some((names.iter().position(|n| *n == name)?, after + close + 1))
            });
            match arg {
                Some((i, next)) => {
                    if literal < open {
                        pieces.push(Piece::Text(&text[literal..open]));
                    }
                    pieces.push(Piece::Arg(i));
                    used[i] = true;
                    (literal, pos) = (next, next);
                }
                // The brace stays as written, part of the text.
                None => pos = after,
            }
        }
        if literal < text.len() {
            pieces.push(Piece::Text(&text[literal..]));
        }
        used.iter().all(|&u| u).then_some(Pattern { pieces })
    }

    /// Appends the string with `args` (one per name, in order) in the placeholders.
    pub(crate) fn fill_into(&self, out: &mut String, args: &[&str]) {
        for piece in &self.pieces {
            match *piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Arg(i) => out.push_str(args.get(i).copied().unwrap_or_default()),
            }
        }
    }
}

fn flatten(
    file: &str,
    prefix: &str,
    node: &Node,
    out: &mut BTreeMap<String, Arc<str>>,
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
            out.insert(prefix.to_owned(), Arc::from(s.as_str()));
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

    /// Fills the placeholders of a locale string from `(name, value)` pairs, as `t(key,
    /// name=value…)` does; `None` when a pair has no placeholder (`t` fails then too).
    fn fill_args(text: &str, args: &[(&str, &str)]) -> Option<String> {
        let mut used = 0u64;
        let out = fill_with(text, |name, out| {
            Ok::<_, ()>(match args.iter().position(|(n, _)| *n == name) {
                Some(i) => {
                    out.push_str(args[i].1);
                    used |= 1 << (i % 64);
                    true
                }
                None => false,
            })
        })
        .ok()?;
        (used.count_ones() as usize == args.len().min(64)).then_some(out)
    }

    #[test]
    fn flattens_nested_keys() {
        let l = Locale::parse("t.yaml", "a:\n  b: x\n  c: {d: y}\ne: z\n").unwrap();
        assert_eq!(l.keys().collect::<Vec<_>>(), ["a.b", "a.c.d", "e"]);
        assert_eq!(l.get("a.c.d"), Some("y"));
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            fill_args("{a} and {b} {c", &[("a", "x"), ("b", "y")]).as_deref(),
            Some("x and y {c")
        );
        assert_eq!(fill_args("{a} {a}", &[("a", "x")]).as_deref(), Some("x x"));
        assert_eq!(fill_args("{a}", &[("a", "x"), ("b", "y")]), None);
        assert_eq!(fill_args("{x}", &[]).as_deref(), Some("{x}"));
    }

    #[test]
    fn patterns_fill_like_fill_args() {
        let texts = [
            "{a} and {b} {c",
            "{a}{a}",
            "x{b}y{a}z",
            "{{a}}",
            "{ {a}",
            "}{a}{",
            "{a}",
            "none",
            "{b}",
        ];
        for text in texts {
            let args = [("a", "1"), ("b", "22")];
            let expected = fill_args(text, &args);
            let got = Pattern::new(text, &["a", "b"]).map(|p| {
                let mut out = String::new();
                p.fill_into(&mut out, &["1", "22"]);
                out
            });
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn rejects_non_strings() {
        assert!(Locale::parse("t.yaml", "a: 1\n").is_err());
        assert!(Locale::parse("t.yaml", "- a\n").is_err());
    }
}
