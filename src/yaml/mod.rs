//! The one module that knows which YAML parser is used.
//!
//! Input text is parsed (with serde-saphyr under strict, hardened options) into a [`Node`]
//! tree that remembers where every value and every mapping key came from. The rest of the
//! crate works on that tree: it converts it to a `serde_json::Value` for schema validation
//! and typed deserialization, and asks it for the [`Location`] behind a JSON pointer when a
//! diagnostic has to point at the source.

use std::fmt;

use crate::diagnostic::{Code, Diagnostic, Msg, msg};
use crate::text::Lang;
use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser;

mod fast;
mod zh;

use zh::syntax_zh;

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

/// What kind of parse failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not well-formed YAML.
    Syntax,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A size, depth, node or alias limit was exceeded.
    Limit,
    /// A YAML feature the formats do not use (tags, merge keys, several documents).
    Unsupported,
}

impl ParseErrorKind {
    /// The diagnostic code of this kind of failure.
    pub fn code(self) -> Code {
        match self {
            ParseErrorKind::Syntax => Code::YamlSyntax,
            ParseErrorKind::DuplicateKey => Code::DuplicateKey,
            ParseErrorKind::Limit => Code::InputLimit,
            ParseErrorKind::Unsupported => Code::UnsupportedYaml,
        }
    }
}

/// A parse failure: the parser's message and where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What kind of failure.
    pub kind: ParseErrorKind,
    /// What went wrong, in English (the parser's words, first line only, for its own
    /// syntax errors).
    pub message: String,
    /// What went wrong, as a diagnostic message in both languages.
    pub words: Msg,
    /// Where, when the parser knows.
    pub location: Location,
}

impl ParseError {
    /// The failure as a diagnostic about `path`.
    pub fn diagnostic(&self, path: &std::path::Path) -> Diagnostic {
        Diagnostic::error(self.kind.code(), path, self.words.clone()).at(self.location)
    }
}

/// How deeply values may nest.
pub const MAX_DEPTH: usize = 64;

/// How many nodes a document may expand to, aliases included (a billion-laughs guard
/// independent of the byte budget).
pub const MAX_NODES: usize = 1_000_000;

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
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::Reject,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        reject_unsupported_tags: true,
        emit_comments: false,
        with_snippet: false,
    };
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// Resolves a plain scalar under strict rules: `null`, `~` and the empty scalar are null;
/// only `true` and `false` are booleans; only numbers written as JSON writes them are
/// numbers (`0755`, `1_000`, `+1`, `0x1F`, `.5`, `.nan` stay text, SPEC §2).
fn resolve_plain(text: &str) -> Result<NodeKind, Msg> {
    Ok(match text {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" => NodeKind::Bool(true),
        "false" => NodeKind::Bool(false),
        _ if is_plain_json_number(text) => {
            if let Ok(i) = text.parse::<i64>() {
                NodeKind::Number(i.into())
            } else if let Ok(u) = text.parse::<u64>() {
                NodeKind::Number(u.into())
            } else {
                match text.parse::<f64>().ok().and_then(Number::from_f64) {
                    Some(n) if n.as_f64().is_some_and(f64::is_finite) => NodeKind::Number(n),
                    _ => return Err(msg("number-range").arg("number", text)),
                }
            }
        }
        _ => NodeKind::String(text.to_owned()),
    })
}

fn location(marker: &granit_parser::Marker) -> Location {
    Location {
        line: marker.line() as u64,
        column: marker.col() as u64 + 1,
    }
}

fn fail(words: Msg, at: Location) -> ParseError {
    failure(ParseErrorKind::Syntax, words, at)
}

fn failure(kind: ParseErrorKind, words: Msg, at: Location) -> ParseError {
    ParseError {
        kind,
        message: words.render(kind.code(), Lang::En),
        words,
        location: at,
    }
}

/// A collection being built, with its location and, for mappings, the pending key.
enum Frame {
    Seq {
        location: Location,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        location: Location,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        seen: Option<std::collections::HashSet<String>>,
    },
}

fn key_name(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(s) => Some(s.clone()),
        NodeKind::Number(n) => Some(n.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        NodeKind::Null => Some("null".to_owned()),
        NodeKind::Seq(_) | NodeKind::Map(_) => None,
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Map(entries) => entries.iter().map(|(_, v)| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// The text a value holds: its strings and mapping keys (what an alias to it copies).
fn count_bytes(node: &Node) -> usize {
    match &node.kind {
        NodeKind::String(s) => s.len(),
        NodeKind::Seq(items) => items.iter().map(count_bytes).sum(),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.name.len() + count_bytes(v))
            .sum(),
        _ => 0,
    }
}

/// A key as a JSON pointer token (RFC 6901: `~` written `~0`, `/` written `~1`).
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses YAML (a JSON document is YAML too) into a located tree.
///
/// Strict scalars, one document, no merge keys, no tags other than `!!str`, duplicate keys
/// refused, nesting bounded by [`MAX_DEPTH`], and `budget_bytes` bounding the scalar text
/// and [`MAX_NODES`] the node count after alias expansion, so a billion-laughs document is
/// refused early.
///
/// Documents in the plain corner of YAML that submissions are written in are read by a
/// fast path (`fast`); everything else — and every error — comes from serde-saphyr's
/// event parser ([`parse_full`]), which gives the same tree wherever both read a document.
/// `ITSS_YAML_FAST=0` routes every document through the full parser, so a suspected bug of
/// the fast path can be checked in a minute (see [`crate::switches`]).
pub fn parse(text: &str, budget_bytes: usize) -> Result<Node, ParseError> {
    let text = within_budget(text, budget_bytes)?;
    if !crate::switches::yaml_fast() {
        return full(text, budget_bytes);
    }
    match fast::parse(text) {
        Some(node) => Ok(node),
        None => full(text, budget_bytes),
    }
}

/// The text without a leading BOM, if it fits the byte budget.
fn within_budget(text: &str, budget_bytes: usize) -> Result<&str, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > budget_bytes {
        return Err(failure(
            ParseErrorKind::Limit,
            msg("").arg("bytes", budget_bytes),
            Location::default(),
        ));
    }
    Ok(text)
}

/// The fast path alone: the tree when the document lies in its corner of YAML, else `None`
/// (for differential tests and fuzzing; [`parse`] is the entry point).
#[doc(hidden)]
pub fn parse_fast(text: &str) -> Option<Node> {
    fast::parse(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Parses with serde-saphyr's event parser only, as [`parse`] does for documents the fast
/// path declines.
#[doc(hidden)]
pub fn parse_full(text: &str, budget_bytes: usize) -> Result<Node, ParseError> {
    full(within_budget(text, budget_bytes)?, budget_bytes)
}

/// serde-saphyr's event parser on a text already within budget.
fn full(text: &str, budget_bytes: usize) -> Result<Node, ParseError> {
    use granit_parser::{Event, Parser, ScalarStyle};

    let options = granit_parser::options! {
        emit_comments: false,
        flow_nesting_limit: MAX_DEPTH,
        block_nesting_limit: MAX_DEPTH,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut stack: Vec<Frame> = Vec::new();
    // Each anchored value with its node count and the text it holds: an alias is charged
    // for what it copies, both against the node limit and against the byte budget.
    let mut anchors: std::collections::HashMap<usize, (Node, usize, usize)> =
        std::collections::HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    let mut scalar_bytes = 0usize;

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            if matches!(e.kind(), granit_parser::ErrorKind::RecursionLimitExceeded) {
                // The parser's own nesting guard: a limit, not a syntax error.
                failure(
                    ParseErrorKind::Limit,
                    msg("depth").arg("depth", MAX_DEPTH),
                    location(e.marker()),
                )
            } else {
                fail(
                    msg("").text("reason", e.info(), syntax_zh(e.kind())),
                    location(e.marker()),
                )
            }
        })?;
        let at = location(&span.start);
        let (node, anchor) = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Comment(..) => {
                continue;
            }
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(failure(ParseErrorKind::Unsupported, msg(""), at));
                }
                continue;
            }
            Event::Alias(id) => {
                let Some((node, size, bytes)) = anchors.get(&id) else {
                    return Err(fail(msg("unknown-anchor"), at));
                };
                nodes += size;
                if nodes > MAX_NODES {
                    return Err(failure(ParseErrorKind::Limit, msg("alias-nodes"), at));
                }
                scalar_bytes = scalar_bytes.saturating_add(*bytes);
                if scalar_bytes > budget_bytes {
                    return Err(failure(ParseErrorKind::Limit, msg("alias-bytes"), at));
                }
                let mut copy = node.clone();
                copy.location = at;
                (copy, 0)
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                scalar_bytes += value.len();
                if scalar_bytes > budget_bytes {
                    return Err(failure(ParseErrorKind::Limit, msg("alias-bytes"), at));
                }
                let forced_string = match &tag {
                    None => false,
                    Some(tag) if tag.core_suffix() == Some("str") => true,
                    Some(tag) => {
                        return Err(failure(
                            ParseErrorKind::Unsupported,
                            msg("tag").arg(
                                "tag",
                                format_args!("{}{}", tag.original_handle(), tag.suffix()),
                            ),
                            at,
                        ));
                    }
                };
                let kind = if style == ScalarStyle::Plain && !forced_string {
                    resolve_plain(&value).map_err(|m| fail(m, at))?
                } else {
                    NodeKind::String(value.into_owned())
                };
                (Node { location: at, kind }, anchor)
            }
            Event::SequenceStart(_, anchor, tag) | Event::MappingStart(_, anchor, tag)
                if tag.is_some() =>
            {
                let _ = anchor;
                let tag = tag
                    .map(|t| format!("{}{}", t.original_handle(), t.suffix()))
                    .unwrap_or_default();
                return Err(failure(
                    ParseErrorKind::Unsupported,
                    msg("tag").arg("tag", tag),
                    at,
                ));
            }
            Event::SequenceStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(failure(
                        ParseErrorKind::Limit,
                        msg("depth").arg("depth", MAX_DEPTH),
                        at,
                    ));
                }
                stack.push(Frame::Seq {
                    location: at,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(failure(
                        ParseErrorKind::Limit,
                        msg("depth").arg("depth", MAX_DEPTH),
                        at,
                    ));
                }
                stack.push(Frame::Map {
                    location: at,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    seen: None,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    location,
                    anchor,
                    items,
                }) => {
                    nodes += 1;
                    (
                        Node {
                            location,
                            kind: NodeKind::Seq(items),
                        },
                        anchor,
                    )
                }
                Some(Frame::Map {
                    location,
                    anchor,
                    entries,
                    ..
                }) => {
                    nodes += 1;
                    (
                        Node {
                            location,
                            kind: NodeKind::Map(entries),
                        },
                        anchor,
                    )
                }
                None => return Err(fail(msg("unbalanced"), at)),
            },
            _ => continue,
        };
        if nodes > MAX_NODES {
            return Err(failure(ParseErrorKind::Limit, msg("nodes"), at));
        }
        if anchor != 0 {
            let size = count_nodes(&node);
            let bytes = count_bytes(&node);
            anchors.insert(anchor, (node.clone(), size, bytes));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                None => {
                    if node.kind == NodeKind::String("<<".to_owned()) {
                        return Err(failure(
                            ParseErrorKind::Unsupported,
                            msg("merge-key"),
                            node.location,
                        ));
                    }
                    let Some(name) = key_name(&node) else {
                        return Err(fail(msg("complex-key"), node.location));
                    };
                    let duplicate = match seen {
                        Some(set) => !set.insert(name.clone()),
                        None => {
                            let dup = entries.iter().any(|(k, _)| k.name == name);
                            if entries.len() >= 8 {
                                *seen = Some(
                                    entries
                                        .iter()
                                        .map(|(k, _)| k.name.clone())
                                        .chain([name.clone()])
                                        .collect(),
                                );
                            }
                            dup
                        }
                    };
                    if duplicate {
                        return Err(failure(
                            ParseErrorKind::DuplicateKey,
                            msg("").arg("key", &name),
                            node.location,
                        ));
                    }
                    *key = Some(Key {
                        location: node.location,
                        name,
                    });
                }
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Ok(root.unwrap_or(Node {
        location: Location { line: 1, column: 1 },
        kind: NodeKind::Null,
    }))
}

/// Counts the parser's events without building anything (the parser's own floor).
#[doc(hidden)]
pub fn count_events(text: &str) -> usize {
    let options = granit_parser::options! { emit_comments: false };
    let mut parser = granit_parser::Parser::new_from_str_with_options(text, options);
    let mut n = 0;
    while let Some(Ok(_)) = parser.next_event() {
        n += 1;
    }
    n
}

/// Parses YAML into a plain JSON value with serde-saphyr's own deserializer, without
/// locations or strict-number restoration: a reference the benchmarks compare the located
/// parser against, not used to read inputs. serde-saphyr's budget counts the text it reads,
/// not what aliases replay, so this path refuses aliases altogether (an alias to one large
/// string could otherwise ask for gigabytes); [`parse`] charges each alias what it copies.
pub fn parse_plain(text: &str, budget_bytes: usize) -> Result<Value, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut options = options(budget_bytes);
    options.alias_limits.max_total_replayed_events = 0;
    serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
        let en = e
            .to_string()
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .to_owned();
        fail(
            msg("").text("reason", en, "此处无法按 YAML 解析"),
            Location::default(),
        )
    })
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
    /// Converts the tree to JSON, consuming it (no string is copied).
    pub fn into_json(self) -> Value {
        match self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(b),
            NodeKind::Number(n) => Value::Number(n),
            NodeKind::String(s) => Value::String(s),
            NodeKind::Seq(items) => Value::Array(items.into_iter().map(Node::into_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    map.insert(key.name, value.into_json());
                }
                Value::Object(map)
            }
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
        self.locate(&format!("{pointer}/{}", pointer_token(name)), true)
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

    /// One large anchored string referenced many times is charged its size each time
    /// (issue #16): refused within the budget, in both parsers, in milliseconds.
    #[test]
    fn aliases_are_charged_for_the_text_they_copy() {
        let big = "x".repeat(1 << 20);
        let mut text = format!("a: &big \"{big}\"\nb: [");
        for _ in 0..20_000 {
            text.push_str("*big,");
        }
        text.push_str("*big]\n");
        let started = std::time::Instant::now();
        let e = parse(&text, 16 << 20).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Limit, "{}", e.message);
        assert!(parse_plain(&text, 16 << 20).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Within the budget, aliases still work.
        let small = parse("a: &x {k: v}\nb: [*x, *x]\n", 1 << 20)
            .unwrap()
            .to_json();
        assert_eq!(small["b"][1]["k"], "v");
    }

    #[test]
    fn nan_and_deep_nesting_are_refused() {
        assert_eq!(
            parse("a: .nan\n", 1 << 20).unwrap().to_json(),
            serde_json::json!({"a": ".nan"})
        );
        assert!(parse("a: 1e400\n", 1 << 20).is_err());
        assert!(parse("a: !!binary aGk=\n", 1 << 20).is_err());
        assert!(parse("a: 1\n---\nb: 2\n", 1 << 20).is_err());
        assert!(parse("a: &x {b: 1}\nc:\n  <<: *x\n", 1 << 20).is_err());
        let forced = parse("a: !!str 0755\n", 1 << 20).unwrap().to_json();
        assert_eq!(forced, serde_json::json!({"a": "0755"}));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(
            parse(&deep, 1 << 20).unwrap_err().kind,
            ParseErrorKind::Limit
        );
        let block = (0..200)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>();
        assert_eq!(
            parse(&block, 1 << 20).unwrap_err().kind,
            ParseErrorKind::Limit
        );
    }
}
