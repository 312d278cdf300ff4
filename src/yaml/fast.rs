//! A fast path for the YAML that submissions are made of.
//!
//! Submission files are block mappings and sequences of short scalars, with one-line flow
//! mappings for evidence: a small, regular corner of YAML. This module reads exactly that
//! corner, byte by byte in one pass, and gives up (`None`) on anything else: anchors,
//! aliases, tags, block scalars, multi-line scalars or flow collections, tabs, CR line ends,
//! directives and document markers, unusual characters, duplicate or merge keys, deep
//! nesting. [`super::parse`] then falls back to the full parser, which also produces every
//! error message — this module never rejects a document, it only declines it.
//!
//! The contract, checked by differential tests against the full parser (`tests` below,
//! `tests/yaml_fast.rs`, the `yaml_fast` fuzz target): whenever this returns a tree, the
//! full parser returns the same tree, locations included.

use super::{Key, Location, Node, NodeKind, key_name, resolve_plain};

/// Deeper documents are left to the full parser (which enforces [`super::MAX_DEPTH`]).
const MAX_DEPTH: usize = 32;
/// Longer implicit keys (in bytes, quotes included) are left to the full parser: YAML caps
/// them at 1024 characters, beyond which a `:` is an error.
const MAX_KEY_LEN: usize = 512;
/// Mappings with more entries than this look for duplicate keys by sorting.
const LINEAR_KEYS: usize = 8;

/// Parses `text` if it lies within the fast path's corner of YAML.
pub(super) fn parse(text: &str) -> Option<Node> {
    if !plain_text(text.as_bytes()) {
        return None;
    }
    let mut p = Reader {
        src: text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        depth: 0,
        nodes: 0,
        bail: false,
    };
    let indent = p.next_content_line()?;
    let root = p.block_node(indent)?;
    if p.next_content_line().is_some() || p.bail || p.nodes > super::MAX_NODES / 2 {
        return None;
    }
    Some(root)
}

/// Whether the text avoids everything the fast path does not handle at the character level:
/// control characters (tabs and CR included), DEL, C1 controls (NEL included), a BOM inside
/// the text, the non-characters U+FFFE/U+FFFF and the Unicode line and paragraph separators.
fn plain_text(b: &[u8]) -> bool {
    // 0: fine; 1: refused; 2: the lead byte of a sequence that needs a closer look.
    const CLASS: [u8; 256] = {
        let mut class = [0u8; 256];
        let mut c = 0;
        while c < 0x20 {
            class[c] = 1;
            c += 1;
        }
        class[b'\n' as usize] = 0;
        class[0x7f] = 1;
        class[0xc2] = 2;
        class[0xe2] = 2;
        class[0xef] = 2;
        class
    };
    for (i, &c) in b.iter().enumerate() {
        match CLASS[c as usize] {
            0 => continue,
            1 => return false,
            _ => {}
        }
        match c {
            0xc2 if b.get(i + 1).is_some_and(|&d| d < 0xa0) => return false,
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => {
                return false;
            }
            0xef if b.get(i + 1) == Some(&0xbb) && b.get(i + 2) == Some(&0xbf) => return false,
            0xef if b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)) => {
                return false;
            }
            _ => {}
        }
    }
    true
}

/// Bytes that may not start a plain scalar (YAML's indicators).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Bytes a plain scalar's scan must stop at and look at: the line end, `:`, `#`, and in
/// flow context the flow indicators (`STOP[1]`).
const STOP: [[bool; 256]; 2] = {
    let mut stop = [[false; 256]; 2];
    let mut ctx = 0;
    while ctx < 2 {
        stop[ctx][b'\n' as usize] = true;
        stop[ctx][b':' as usize] = true;
        stop[ctx][b'#' as usize] = true;
        if ctx == 1 {
            stop[ctx][b',' as usize] = true;
            stop[ctx][b'[' as usize] = true;
            stop[ctx][b']' as usize] = true;
            stop[ctx][b'{' as usize] = true;
            stop[ctx][b'}' as usize] = true;
        }
        ctx += 1;
    }
    stop
};

fn has_duplicate_keys(entries: &[(Key, Node)]) -> bool {
    if entries.len() <= LINEAR_KEYS {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[..i].iter().any(|(j, _)| j.name == k.name));
    }
    let mut names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    /// The read position (a byte offset).
    pos: usize,
    /// 1-based line of `pos`.
    line: u64,
    /// Byte offset where the line of `pos` starts.
    line_start: usize,
    depth: usize,
    nodes: usize,
    /// Set when a line outside the fast path's corner was seen (a document marker or a
    /// directive): whatever was built, the document falls back.
    bail: bool,
}

impl Reader<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn at_eol(&self, i: usize) -> bool {
        i >= self.b.len() || self.b[i] == b'\n'
    }

    /// Whether byte `i` ends a token: a space or the end of the line.
    fn blank_or_eol(&self, i: usize) -> bool {
        self.at_eol(i) || self.b[i] == b' '
    }

    fn location(&self, i: usize) -> Location {
        let before = &self.src[self.line_start..i];
        let column = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        };
        Location {
            line: self.line,
            column: column as u64 + 1,
        }
    }

    fn node(&mut self, location: Location, kind: NodeKind) -> Node {
        self.nodes += 1;
        Node { location, kind }
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.pos < self.b.len() && self.b[self.pos] == b' ' {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Moves to the start of the next line.
    fn next_line(&mut self) {
        while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
            self.pos += 1;
        }
        if self.pos < self.b.len() {
            self.pos += 1;
            self.line += 1;
        }
        self.line_start = self.pos;
    }

    /// After a value: spaces, an optional comment (after at least one space), the line end.
    fn end_line(&mut self, spaced: bool) -> Option<()> {
        let spaces = self.skip_spaces();
        if self.pos < self.b.len() && self.b[self.pos] == b'#' {
            if spaces == 0 && !spaced {
                return None;
            }
        } else if !self.at_eol(self.pos) {
            return None;
        }
        self.next_line();
        Some(())
    }

    /// From a line start, skips blank and comment lines; stops at the start of the next line
    /// with content and returns its indentation, or `None` at the end of the text. Document
    /// markers and directives make the whole document fall back.
    fn next_content_line(&mut self) -> Option<usize> {
        loop {
            if self.pos >= self.b.len() {
                return None;
            }
            let start = self.pos;
            let mut i = start;
            while i < self.b.len() && self.b[i] == b' ' {
                i += 1;
            }
            if self.at_eol(i) || self.b[i] == b'#' {
                self.next_line();
                continue;
            }
            let indent = i - start;
            if indent == 0 {
                let marker = (self.b[i..].starts_with(b"---") || self.b[i..].starts_with(b"..."))
                    && self.blank_or_eol(i + 3);
                if marker || self.b[i] == b'%' {
                    self.bail = true;
                    return None;
                }
            }
            return Some(indent);
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block collection whose first line (at a line start) is indented by `indent`.
    fn block_node(&mut self, indent: usize) -> Option<Node> {
        let first = self.pos + indent;
        if self.b[first] == b'-' && self.blank_or_eol(first + 1) {
            self.block_seq(indent, false)
        } else {
            self.pos = first;
            self.block_map(indent)
        }
    }

    /// A block sequence; `pos` is at the start of its first line. An indentless sequence
    /// (a mapping value at its key's indentation) is located at its first entry.
    fn block_seq(&mut self, indent: usize, indentless: bool) -> Option<Node> {
        self.enter()?;
        let mut location = self.location(self.pos + indent);
        let mut items: Vec<Node> = Vec::new();
        loop {
            let dash = self.pos + indent;
            self.pos = dash + 1;
            self.skip_spaces();
            let item = if self.at_eol(self.pos) || self.b[self.pos] == b'#' {
                // An empty entry is located where its line ends, after any comment.
                while !self.at_eol(self.pos) {
                    self.pos += 1;
                }
                let empty_at = self.location(self.pos);
                self.next_line();
                self.nested_value(indent, empty_at, false)?
            } else {
                let c = self.b[self.pos];
                if c == b'-' && self.blank_or_eol(self.pos + 1) {
                    return None;
                }
                let column = self.pos - self.line_start;
                if self.key_ahead() {
                    // A compact mapping (`- key: value`), indented to its first key (only
                    // spaces and the dash precede it, so bytes are characters).
                    self.block_map(column)?
                } else {
                    let value = self.inline_value(false)?;
                    self.end_line(false)?;
                    value
                }
            };
            if indentless && items.is_empty() {
                if item.location.line != location.line {
                    return None;
                }
                location = item.location;
            }
            items.push(item);
            match self.next_content_line() {
                Some(i) if i == indent && self.is_dash(self.pos + i) => {}
                Some(i) if i > indent => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        Some(self.node(location, NodeKind::Seq(items)))
    }

    fn is_dash(&self, i: usize) -> bool {
        self.at(i) == b'-' && self.blank_or_eol(i + 1)
    }

    /// What follows a key's `:` or a sequence's `-` with nothing after it on the line: a
    /// more indented block collection, a sequence at the key's own indentation (`seq_ok`
    /// for mapping values), or nothing (null, located where the value would have been).
    fn nested_value(&mut self, indent: usize, empty_at: Location, seq_ok: bool) -> Option<Node> {
        let save = (self.pos, self.line, self.line_start);
        match self.next_content_line() {
            Some(i) if i > indent => self.block_node(i),
            Some(i) if i == indent && seq_ok && self.is_dash(self.pos + i) => {
                self.block_seq(i, true)
            }
            _ => {
                (self.pos, self.line, self.line_start) = save;
                Some(self.node(empty_at, NodeKind::Null))
            }
        }
    }

    /// Whether an implicit key (`key:` followed by a space or the line end) starts at `pos`.
    fn key_ahead(&self) -> bool {
        let b = self.b;
        let mut i = self.pos;
        match b[i] {
            b'"' | b'\'' => {
                let quote = b[i];
                i += 1;
                while !self.at_eol(i) && b[i] != quote {
                    i += if b[i] == b'\\' && quote == b'"' { 2 } else { 1 };
                }
                if self.at_eol(i) {
                    return false;
                }
                // `''` inside single quotes: the scan above stops at the first quote, which
                // is fine for a look-ahead: a doubled quote is never followed by `:`.
                self.at(i + 1) == b':' && self.blank_or_eol(i + 2)
            }
            c if is_indicator(c) => false,
            _ => {
                while !self.at_eol(i) {
                    match b[i] {
                        b':' if self.blank_or_eol(i + 1) => return true,
                        b'#' if i > self.pos && b[i - 1] == b' ' => return false,
                        _ => i += 1,
                    }
                }
                false
            }
        }
    }

    /// A block mapping; `pos` is at its first key, which is in column `indent` (0-based).
    fn block_map(&mut self, indent: usize) -> Option<Node> {
        self.enter()?;
        let location = self.location(self.pos);
        let mut entries: Vec<(Key, Node)> = Vec::new();
        loop {
            let key_at = self.location(self.pos);
            let name = self.block_key()?;
            if name == "<<" {
                return None;
            }
            self.nodes += 1;
            // An empty value is located at the key's `:`.
            let colon = self.location(self.pos - 1);
            let spaces = self.skip_spaces();
            let value = if self.at_eol(self.pos) || self.b[self.pos] == b'#' {
                let empty_at = colon;
                self.end_line(true)?;
                self.nested_value(indent, empty_at, true)?
            } else {
                if spaces == 0 {
                    return None;
                }
                let value = self.inline_value(false)?;
                self.end_line(false)?;
                value
            };
            entries.push((
                Key {
                    location: key_at,
                    name,
                },
                value,
            ));
            match self.next_content_line() {
                Some(i) if i == indent && !self.is_dash(self.pos + i) => self.pos += i,
                Some(i) if i >= indent => return None,
                _ => break,
            }
        }
        if has_duplicate_keys(&entries) {
            return None;
        }
        self.depth -= 1;
        Some(self.node(location, NodeKind::Map(entries)))
    }

    /// A block mapping's implicit key and its `:`.
    fn block_key(&mut self) -> Option<String> {
        let c = self.b[self.pos];
        if c == b'"' || c == b'\'' {
            let start = self.pos;
            let name = self.quoted()?;
            if self.at(self.pos) != b':'
                || !self.blank_or_eol(self.pos + 1)
                || self.pos - start > MAX_KEY_LEN
            {
                return None;
            }
            self.pos += 1;
            return Some(name);
        }
        if is_indicator(c) {
            return None;
        }
        let start = self.pos;
        let mut i = start;
        loop {
            if self.at_eol(i) {
                return None;
            }
            match self.b[i] {
                b':' if self.blank_or_eol(i + 1) => break,
                b'#' if self.b[i - 1] == b' ' => return None,
                c if is_flow_indicator(c) => return None,
                _ => i += 1,
            }
        }
        if i - start > MAX_KEY_LEN || self.b[i - 1] == b' ' {
            return None;
        }
        self.pos = i + 1;
        let kind = resolve_plain(&self.src[start..i]).ok()?;
        key_name(&Node {
            location: Location::default(),
            kind,
        })
    }

    /// A value on the current line: a scalar or a one-line flow collection.
    fn inline_value(&mut self, flow: bool) -> Option<Node> {
        let location = self.location(self.pos);
        let kind = match self.b[self.pos] {
            b'"' | b'\'' => NodeKind::String(self.quoted()?),
            b'{' => return self.flow_map(),
            b'[' => return self.flow_seq(),
            b'-' if !(self.blank_or_eol(self.pos + 1)
                || flow && is_flow_indicator(self.at(self.pos + 1))) =>
            {
                self.plain(flow)?
            }
            c if is_indicator(c) => return None,
            _ => self.plain(flow)?,
        };
        Some(self.node(location, kind))
    }

    /// A one-line plain scalar, resolved under the strict rules.
    fn plain(&mut self, flow: bool) -> Option<NodeKind> {
        let start = self.pos;
        let stop = &STOP[usize::from(flow)];
        let mut i = start;
        loop {
            while i < self.b.len() && !stop[self.b[i] as usize] {
                i += 1;
            }
            if self.at_eol(i) {
                break;
            }
            match self.b[i] {
                b':' if self.blank_or_eol(i + 1) => {
                    if !flow {
                        return None;
                    }
                    break;
                }
                b':' if flow => return None,
                b'#' if self.b[i - 1] == b' ' => break,
                c if flow && is_flow_indicator(c) => break,
                _ => i += 1,
            }
        }
        let mut end = i;
        while self.b[end - 1] == b' ' {
            end -= 1;
        }
        self.pos = end;
        resolve_plain(&self.src[start..end]).ok()
    }

    /// A one-line single- or double-quoted scalar.
    fn quoted(&mut self) -> Option<String> {
        let quote = self.b[self.pos];
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            if self.at_eol(self.pos) {
                return None;
            }
            let c = self.b[self.pos];
            if c == quote {
                if quote == b'\'' && self.at(self.pos + 1) == b'\'' {
                    out.push_str(&self.src[run..=self.pos]);
                    self.pos += 2;
                    run = self.pos;
                    continue;
                }
                out.push_str(&self.src[run..self.pos]);
                self.pos += 1;
                return Some(out);
            }
            if c == b'\\' && quote == b'"' {
                out.push_str(&self.src[run..self.pos]);
                self.pos += 1;
                self.escape(&mut out)?;
                run = self.pos;
                continue;
            }
            self.pos += 1;
        }
    }

    /// One escape sequence of a double-quoted scalar (after the backslash).
    fn escape(&mut self, out: &mut String) -> Option<()> {
        let c = self.at(self.pos);
        self.pos += 1;
        let simple = match c {
            b'\\' => '\\',
            b'"' => '"',
            b'/' => '/',
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'0' => '\0',
            b'x' => return self.hex_escape(2, out),
            b'u' => return self.hex_escape(4, out),
            b'U' => return self.hex_escape(8, out),
            _ => return None,
        };
        out.push(simple);
        Some(())
    }

    fn hex_escape(&mut self, digits: usize, out: &mut String) -> Option<()> {
        let hex = self.src.get(self.pos..self.pos + digits)?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(hex, 16).ok()?;
        out.push(char::from_u32(code)?);
        self.pos += digits;
        Some(())
    }

    fn flow_map(&mut self) -> Option<Node> {
        self.enter()?;
        let location = self.location(self.pos);
        self.pos += 1;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        self.skip_spaces();
        if self.at(self.pos) != b'}' {
            loop {
                if self.at_eol(self.pos) {
                    return None;
                }
                let key_at = self.location(self.pos);
                let key_start = self.pos;
                let key = match self.b[self.pos] {
                    b'"' | b'\'' => self.quoted()?,
                    c if is_indicator(c) => return None,
                    _ => {
                        let kind = self.plain(true)?;
                        key_name(&Node {
                            location: key_at,
                            kind,
                        })?
                    }
                };
                if self.at(self.pos) != b':'
                    || !self.blank_or_eol(self.pos + 1)
                    || self.pos - key_start > MAX_KEY_LEN
                {
                    return None;
                }
                if key == "<<" {
                    return None;
                }
                self.nodes += 1;
                self.pos += 1;
                if self.skip_spaces() == 0 || self.at_eol(self.pos) {
                    return None;
                }
                let value = self.inline_value(true)?;
                entries.push((
                    Key {
                        location: key_at,
                        name: key,
                    },
                    value,
                ));
                if !self.flow_separator(b'}')? {
                    break;
                }
            }
        }
        if has_duplicate_keys(&entries) {
            return None;
        }
        self.pos += 1;
        self.depth -= 1;
        Some(self.node(location, NodeKind::Map(entries)))
    }

    fn flow_seq(&mut self) -> Option<Node> {
        self.enter()?;
        let location = self.location(self.pos);
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_spaces();
        if self.at(self.pos) != b']' {
            loop {
                if self.at_eol(self.pos) {
                    return None;
                }
                items.push(self.inline_value(true)?);
                if !self.flow_separator(b']')? {
                    break;
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Some(self.node(location, NodeKind::Seq(items)))
    }

    /// After a flow entry: `,` and another entry (`Some(true)`), or the closing bracket
    /// with `pos` on it (`Some(false)`). A trailing comma before the bracket is fine.
    fn flow_separator(&mut self, close: u8) -> Option<bool> {
        self.skip_spaces();
        match self.at(self.pos) {
            b',' => {
                self.pos += 1;
                self.skip_spaces();
                if self.at(self.pos) == close {
                    return Some(false);
                }
                if self.at_eol(self.pos) {
                    return None;
                }
                Some(true)
            }
            c if c == close => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_full;

    /// The fast path reads `text`, and exactly as the full parser does.
    fn reads(text: &str) {
        let fast = super::parse(text).unwrap_or_else(|| panic!("declined:\n{text}"));
        assert_eq!(
            parse_full(text, usize::MAX),
            Ok(fast),
            "disagrees on:\n{text}"
        );
    }

    /// The fast path declines `text` (the full parser decides).
    fn declines(text: &str) {
        assert!(super::parse(text).is_none(), "read:\n{text}");
    }

    #[test]
    fn reads_the_shapes_submissions_are_written_in() {
        reads("id: a\ncatalog: itss-om\ncatalog_version: \"2015\"\nassessed_on: 2026-05-08\n");
        reads(
            "organization:\n  name: \"杭州致远\"\n  legal_entity: true\n  facts:\n    x: false\n",
        );
        reads(
            "answers:\n  A.B:\n    rating: conform\n    note: \"由运维管理部负责\"\n    evidence:\n      - {path: evidence/a.csv, sha256: 91c6, dated: 2026-04-30}\n",
        );
        reads("a:\n- x # c\n- 'it''s'\n-\n- \"\\u00e9\\t\"\nb: [1, -2.5, 1e3, null, ~, true]\n");
        reads("# comment\n\nwaivers:\n- criterion: B\n  submissions: [o]\n  note:\n");
        reads("a: {}\nb: []\nc: { x: [ ] , y: {z: 1} }\nd: a#b\ne: http://x/y\n");
        reads("  indented: root\n  other: 1\n");
        reads("- a: 1\n  b:\n    - c\n- d\n");
    }

    #[test]
    fn declines_everything_else() {
        for text in [
            "",
            "# only a comment\n",
            "scalar\n",
            "{a: 1}\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >-\n  text\n",
            "? a\n: b\n",
            "a: 1\na: 2\n",
            "<<: {a: 1}\n",
            "a: {b: 1, b: 2}\n",
            "a: b\n  continued\n",
            "a: \"two\n  lines\"\n",
            "a: [1,\n  2]\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: b: c\n",
            "a: \"x\"y\n",
            "a: \"\\q\"\n",
            "a: \"\\ud800\"\n",
            "a: 1e999\n",
            "a: x\u{85}y\n",
            "a: x\u{2028}y\n",
            "a: x\u{feff}y\n",
            "a : b\n",
            "- - a\n",
            "a:\n  - x\n  y: 1\n",
        ] {
            declines(text);
        }
        declines("\"a\":#\n");
        declines("\"a\":b\n");
        let long = "k".repeat(1100);
        declines(&format!("\"{long}\": 1\n"));
        declines(&format!("a: {{'{long}': 1}}\n"));
        declines(&format!("{long}: 1\n"));
        let deep = (0..40).fold(String::new(), |s, i| format!("{s}{}k:\n", "  ".repeat(i)));
        declines(&(deep + &"  ".repeat(40) + "k: 1\n"));
    }
}
