//! The one module that knows which YAML parser is used.
//!
//! Input text is parsed (with serde-saphyr under strict, hardened options) into a [`Node`]
//! tree that remembers where every value and every mapping key came from. The rest of the
//! crate works on that tree: it converts it to a `serde_json::Value` for schema validation
//! and typed deserialization, and asks it for the [`Location`] behind a JSON pointer when a
//! diagnostic has to point at the source.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A position in a source file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    /// 1-based line; 0 when unknown.
    pub line: u64,
    /// 1-based column in characters; 0 when unknown.
    pub column: u64,
}

impl Location {
    /// Whether the parser reported a position.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A parsed value with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub location: Location,
    /// Byte range of a scalar in the parsed text, when the parser reports it.
    raw: Option<(usize, usize)>,
    /// The value.
    pub kind: NodeKind,
}

/// The shape of a parsed value.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `~`, `null` or an empty value.
    Null,
    /// `true` or `false` (strict: `yes`, `NO`, `on` stay strings).
    Bool(bool),
    /// An integer or a finite float.
    Number(Number),
    /// Any other scalar.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order; keys are strings (scalar keys are read as text).
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// Where the key starts.
    pub location: Location,
    /// The key as text.
    pub name: String,
}

/// A parse failure: the parser's message and where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What went wrong, in the parser's words (first line only).
    pub message: String,
    /// Where, when the parser knows.
    pub location: Location,
}

/// How deeply values may nest (the parser enforces the same bound first).
pub const MAX_DEPTH: usize = 64;

fn options(budget_bytes: usize) -> serde_saphyr::Options {
    let budget = serde_saphyr::budget! {
        max_reader_input_bytes: Some(budget_bytes),
        max_total_scalar_bytes: budget_bytes,
        max_depth: MAX_DEPTH,
        max_documents: 1,
    };
    let mut options = serde_saphyr::options! {
        budget: budget,
        strict_booleans: true,
        legacy_octal_numbers: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        reject_non_finite_typeless_float: true,
        emit_comments: false,
        with_snippet: false,
    };
    // A submission has a few thousand nodes; replaying more than this through aliases is
    // not a questionnaire any more but an expansion attack.
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// Parses YAML (a JSON document is YAML too) into a located tree.
///
/// `budget_bytes` bounds the input and the total scalar text after alias expansion, so a
/// billion-laughs document is refused early.
pub fn parse(text: &str, budget_bytes: usize) -> Result<Node, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let result: Result<Option<Node>, _> =
        serde_saphyr::from_str_with_options(text, options(budget_bytes));
    match result {
        Ok(Some(mut node)) => {
            node.restore_strict_numbers(text);
            Ok(node)
        }
        Ok(None) => Ok(Node {
            location: Location { line: 1, column: 1 },
            raw: None,
            kind: NodeKind::Null,
        }),
        Err(err) => {
            let location = err
                .location()
                .map(|l| Location {
                    line: l.line(),
                    column: l.column(),
                })
                .unwrap_or_default();
            let message = err.to_string();
            let message = message.lines().next().unwrap_or("invalid YAML").trim();
            let message = strip_location_suffix(message);
            Err(ParseError {
                message: message.to_owned(),
                location,
            })
        }
    }
}

/// The parser appends " at line X column Y" to some messages; locations are shown separately.
fn strip_location_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => message[..i].trim_end_matches([',', ':', ' ']),
        None => message,
    }
}

/// Whether `raw` is a number as JSON writes it (`-12`, `0.5`, `1e3`); YAML spellings such as
/// `0755`, `1_000`, `+1`, `0x1F` or `.5` are kept as text instead (strict scalars, SPEC §2).
fn is_plain_json_number(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

impl Node {
    fn restore_strict_numbers(&mut self, text: &str) {
        match &mut self.kind {
            NodeKind::Number(_) => {
                if let Some(raw) = self
                    .raw
                    .and_then(|(start, len)| text.get(start..start + len))
                {
                    let raw = raw.trim();
                    if !is_plain_json_number(raw) {
                        self.kind = NodeKind::String(raw.to_owned());
                    }
                }
            }
            NodeKind::Seq(items) => items
                .iter_mut()
                .for_each(|n| n.restore_strict_numbers(text)),
            NodeKind::Map(entries) => {
                for (_, value) in entries {
                    value.restore_strict_numbers(text);
                }
            }
            _ => {}
        }
    }

    /// Converts the tree to JSON for schema validation and typed deserialization.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key.name.clone(), value.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// The location of the value a JSON pointer (RFC 6901) names, or of its nearest existing
    /// ancestor. With `key` set, a mapping entry is located at its key instead of its value.
    pub fn locate(&self, pointer: &str, key: bool) -> Location {
        let mut node = self;
        let mut at = self.location;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            match &node.kind {
                NodeKind::Map(entries) => match entries.iter().find(|(k, _)| k.name == token) {
                    Some((k, v)) => {
                        at = if key { k.location } else { v.location };
                        node = v;
                    }
                    None => return at,
                },
                NodeKind::Seq(items) => {
                    match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(v) => {
                            at = v.location;
                            node = v;
                        }
                        None => return at,
                    }
                }
                _ => return at,
            }
        }
        if !at.is_known() { self.location } else { at }
    }

    /// The location of a mapping key `name` directly under the value at `pointer`.
    pub fn locate_key(&self, pointer: &str, name: &str) -> Location {
        let escaped = name.replace('~', "~0").replace('/', "~1");
        self.locate(&format!("{pointer}/{escaped}"), true)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<NodeKind>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let raw = match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => usize::try_from(start).ok().zip(usize::try_from(len).ok()),
            _ => None,
        };
        Ok(Node {
            raw,
            location: Location {
                line: spanned.referenced.line(),
                column: spanned.referenced.column(),
            },
            kind: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for NodeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = NodeKind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeKind, D::Error> {
        NodeKind::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeKind, E> {
        Ok(NodeKind::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeKind, E> {
        Ok(NodeKind::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeKind, E> {
        Ok(NodeKind::Number(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeKind, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => NodeKind::Number(i.into()),
            Err(_) => NodeKind::String(v.to_string()),
        })
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeKind, E> {
        Ok(match u64::try_from(v) {
            Ok(i) => NodeKind::Number(i.into()),
            Err(_) => NodeKind::String(v.to_string()),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeKind, E> {
        Number::from_f64(v)
            .map(NodeKind::Number)
            .ok_or_else(|| E::custom("NaN and infinite numbers are not allowed"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeKind, E> {
        Ok(NodeKind::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeKind, E> {
        Ok(NodeKind::String(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<NodeKind, E> {
        String::from_utf8(v.to_vec())
            .map(NodeKind::String)
            .map_err(|_| E::custom("binary values are not allowed"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeKind, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeKind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeKind, A::Error> {
        let mut entries: Vec<(Key, Node)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key::<Node>()? {
            let name = match key.kind {
                NodeKind::String(s) => s,
                NodeKind::Number(n) => n.to_string(),
                NodeKind::Bool(b) => b.to_string(),
                NodeKind::Null => "null".to_owned(),
                NodeKind::Seq(_) | NodeKind::Map(_) => {
                    return Err(de::Error::custom("mapping keys must be scalars"));
                }
            };
            let value = map.next_value::<Node>()?;
            if entries.iter().any(|(k, _)| k.name == name) {
                return Err(de::Error::custom(format!("duplicate key `{name}`")));
            }
            entries.push((
                Key {
                    location: key.location,
                    name,
                },
                value,
            ));
        }
        Ok(NodeKind::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> NodeKind {
        parse(text, 1 << 20).unwrap().kind
    }

    #[test]
    fn strict_scalars_stay_strings() {
        let NodeKind::Map(entries) =
            kind("a: NO\nb: yes\nc: 0755\nd: 1_000\ne: 2026-10-01\nf: true\ng: 4\nh: 0.93\n")
        else {
            panic!("not a map")
        };
        let got: Vec<_> = entries
            .iter()
            .map(|(k, v)| (k.name.as_str(), v.to_json()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", Value::from("NO")),
                ("b", Value::from("yes")),
                ("c", Value::from("0755")),
                ("d", Value::from("1_000")),
                ("e", Value::from("2026-10-01")),
                ("f", Value::from(true)),
                ("g", Value::from(4)),
                ("h", Value::from(0.93)),
            ]
        );
    }

    #[test]
    fn locations_follow_pointers() {
        let node = parse("a:\n  - x: 1\n    y: [1, 2]\n", 1 << 20).unwrap();
        assert_eq!(
            node.locate("/a/0/y/1", false),
            Location {
                line: 3,
                column: 12
            }
        );
        assert_eq!(
            node.locate_key("/a/0", "y"),
            Location { line: 3, column: 5 }
        );
        assert_eq!(
            node.locate("/a/0/zzz", false),
            Location { line: 2, column: 5 }
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = parse("a: 1\na: 2\n", 1 << 20).unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        assert_eq!(err.location.line, 2);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev}]\n"
            ));
        }
        assert!(parse(&text, 1 << 20).is_err());
    }

    #[test]
    fn nan_and_deep_nesting_are_refused() {
        assert!(parse("a: .nan\n", 1 << 20).is_err());
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&deep, 1 << 20).is_err());
    }
}
