//! Neutralising enterprise-supplied text for display: control and bidi characters made
//! visible, and Markdown escaping for the `md` filter.
//!
//! HTML escaping itself is minijinja's autoescape; this module only handles what autoescape
//! does not: characters that are invisible or reorder the text around them (a right-to-left
//! override can make `exe.pdf` read as `fdp.exe`), and Markdown syntax.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a reader as-is: C0 and C1 controls (except tab and newline),
/// DEL, the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the
/// directional marks (U+200E, U+200F, U+061C) and the line/paragraph separators.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}')
}

/// Replaces every hidden character (C0/C1 controls, bidi controls; see `is_hidden`) by a visible `‹U+XXXX›` marker, so a
/// reader sees that the text carried it. Carriage returns become newlines and tabs stay.
pub fn clean(s: &str) -> Cow<'_, str> {
    // Fast path: printable ASCII (plus tab and newline) needs no work.
    let plain_ascii = s
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t');
    if plain_ascii || !s.chars().any(|c| is_hidden(c) || c == '\r') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() != Some(&'\n') {
                out.push('\n');
            }
        } else if is_hidden(c) {
            let _ = write!(out, "‹U+{:04X}›", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escapes text for any inline Markdown position, table cells included: the result is one
/// line (newlines and tabs become spaces), every character with inline meaning is
/// backslash-escaped (`\ ` * _ [ ] < > | ~ $`, and `&` before an entity-like name), and a
/// leading heading, bullet or ordered-list marker cannot start a block.
pub fn markdown(s: &str) -> String {
    let cleaned = clean(s);
    let text = cleaned.trim();
    let mut out = String::with_capacity(text.len() + 8);
    let lead_escape = block_marker(text);
    for (i, c) in text.char_indices() {
        if lead_escape == Some(i) {
            out.push('\\');
        }
        match c {
            '\n' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '&' if entity_like(&text[i + 1..]) => out.push_str("\\&"),
            _ => out.push(c),
        }
    }
    out
}

/// The byte offset of the character to escape when `text` starts like a Markdown block: an
/// ATX heading (`# `), a bullet (`- `, `+ `) or an ordered-list marker (`1. `, `1) `), each
/// followed by a space or the end. `0.93` or `-5` start no block and stay as they are.
fn block_marker(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let ends_marker = |at: usize| matches!(bytes.get(at), None | Some(b' ' | b'\n' | b'\t'));
    match bytes.first()? {
        b'#' => {
            let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
            ends_marker(hashes).then_some(0)
        }
        b'-' | b'+' => ends_marker(1).then_some(0),
        b if b.is_ascii_digit() => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            (matches!(bytes.get(digits), Some(b'.' | b')')) && ends_marker(digits + 1))
                .then_some(digits)
        }
        _ => None,
    }
}

/// Whether text after an `&` looks like an HTML entity (`amp;`, `#60;`, `#x3C;`).
fn entity_like(rest: &str) -> bool {
    let name = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    name > 0 && rest.as_bytes().get(name) == Some(&b';')
}

/// An id safe for an HTML `id` attribute and URL fragment: ASCII letters, digits, `-` and `.`
/// stay; every other byte (including `_`) becomes `_xx` (hex), so distinct ids stay distinct.
pub fn anchor(prefix: &str, id: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + id.len() + 1);
    out.push_str(prefix);
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "_{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_marks_bidi_and_controls() {
        assert_eq!(clean("a\u{202e}b\u{0}c"), "a‹U+202E›b‹U+0000›c");
        assert_eq!(clean("x\r\ny\rz"), "x\ny\nz");
        assert!(matches!(clean("普通文本"), Cow::Borrowed(_)));
    }

    #[test]
    fn markdown_escapes_inline_syntax() {
        assert_eq!(markdown("a | b * c _d_"), r"a \| b \* c \_d\_");
        assert_eq!(
            markdown("[x](javascript:alert(1))"),
            r"\[x\](javascript:alert(1))"
        );
        assert_eq!(markdown("<script>"), r"\<script\>");
        assert_eq!(markdown("# title"), r"\# title");
        assert_eq!(markdown("12. item"), r"12\. item");
        assert_eq!(markdown("- item"), r"\- item");
        assert_eq!(markdown("0.93"), "0.93");
        assert_eq!(markdown("-5"), "-5");
        assert_eq!(markdown("#5 ## x"), "#5 ## x");
        assert_eq!(markdown("## x"), r"\## x");
        assert_eq!(markdown("1.\nx"), r"1\. x");
        assert_eq!(markdown("line1\nline2"), "line1 line2");
        assert_eq!(markdown("R&D &amp; co"), r"R&D \&amp; co");
        assert_eq!(
            markdown("GB/T 28827.1-2012 6.2 b)"),
            "GB/T 28827.1-2012 6.2 b)"
        );
    }

    #[test]
    fn anchors_are_injective_and_safe() {
        assert_eq!(anchor("cr-", "OM.L4.PPL.TRAIN"), "cr-OM.L4.PPL.TRAIN");
        assert_ne!(anchor("x-", "a_b"), anchor("x-", "a-b"));
        assert_eq!(anchor("x-", "a b\"<"), "x-a_20b_22_3c");
    }
}
