//! Neutralising enterprise-supplied text for display: control and bidi characters made
//! visible, and Markdown escaping for the `md` filter.
//!
//! HTML escaping itself is minijinja's autoescape; this module only handles what autoescape
//! does not: characters that are invisible or reorder the text around them (a right-to-left
//! override can make `exe.pdf` read as `fdp.exe`), and Markdown syntax.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether `c` must not reach a reader as-is: C0 and C1 controls (except tab and newline),
/// DEL, the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the
/// directional marks (U+200E, U+200F, U+061C) and the line/paragraph separators.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}')
}

/// Whether the character starting at `bytes[i]` (or the C0 byte there) is one [`clean`]
/// changes: a hidden character or a carriage return.
fn hidden_at(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\t' | b'\n' => false,
        0..0x20 | 0x7f => true,
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        0xd8 => bytes.get(i + 1) == Some(&0x9c),
        0xe2 => matches!(
            (bytes.get(i + 1), bytes.get(i + 2)),
            (Some(0x80), Some(0x8e | 0x8f | 0xa8..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = ONES * 0x80;

/// The 0x80 bit set in some byte of the result when a byte of `word` is zero (exact for the
/// word as a whole: "haszero" of the bit-twiddling hacks).
#[inline(always)]
fn zero_byte(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// Whether `test` holds for any of the words of `bytes`, eight bytes at a time (the last word
/// overlaps the one before when the length is not a multiple of eight), or, for fewer than
/// eight bytes, whether `byte_test` holds for any byte.
#[inline(always)]
fn any_word(bytes: &[u8], test: impl Fn(u64) -> bool, byte_test: impl Fn(u8) -> bool) -> bool {
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().any(|&b| byte_test(b));
    }
    let mut at = 0;
    loop {
        let start = at.min(n - 8);
        if let Some(&[a, b, c, d, e, f, g, h]) = bytes.get(start..start + 8)
            && test(u64::from_le_bytes([a, b, c, d, e, f, g, h]))
        {
            return true;
        }
        if start == n - 8 {
            return false;
        }
        at += 8;
    }
}

/// Whether `s` holds a character [`clean`] changes. A first pass, eight bytes at a time,
/// looks for the bytes such a character starts with: ASCII controls (tab and newline too),
/// DEL, and the lead bytes `C2` (C1 controls), `D8` (U+061C) and `E2` (U+200E–U+2069); only
/// then are the characters looked at.
fn needs_cleaning(s: &str) -> bool {
    let bytes = s.as_bytes();
    let suspect = if bytes.len() >= 32 {
        may_hide_long(bytes)
    } else {
        may_hide_short(bytes)
    };
    suspect && (0..bytes.len()).any(|i| hidden_at(bytes, i))
}

/// [`needs_cleaning`]'s first pass for long texts: a fold without branches, which the
/// compiler vectorises (kept out of line so that it stays so).
#[inline(never)]
fn may_hide_long(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, &b| {
        seen | (b < 0x20) | (b == 0x7f) | (b == 0xc2) | (b == 0xd8) | (b == 0xe2)
    })
}

/// [`needs_cleaning`]'s first pass for short texts, eight bytes at a time.
fn may_hide_short(bytes: &[u8]) -> bool {
    any_word(
        bytes,
        |w| {
            // A byte below 0x20 ("hasless" of the bit-twiddling hacks), 0x7F, or a lead byte.
            (w.wrapping_sub(ONES * 0x20) & !w & HIGHS
                | zero_byte(w ^ (ONES * 0x7f))
                | zero_byte(w ^ (ONES * 0xc2))
                | zero_byte(w ^ (ONES * 0xd8))
                | zero_byte(w ^ (ONES * 0xe2)))
                != 0
        },
        |b| b < 0x20 || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2),
    )
}

/// Replaces every hidden character (C0/C1 controls, bidi controls; see `is_hidden`) by a visible `‹U+XXXX›` marker, so a
/// reader sees that the text carried it. Carriage returns become newlines and tabs stay.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !needs_cleaning(s) {
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
    if !text.bytes().any(|b| MARKDOWN_SPECIAL[usize::from(b)]) && block_marker(text).is_none() {
        return text.to_owned();
    }
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

/// Bytes that [`markdown`] may change (`&` only before an entity-like name).
const MARKDOWN_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let special = b"\n\t\\`*_[]<>|~$&";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

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

/// The HTML entity of a byte, when it has one.
fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'&' => Some("&amp;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        b'/' => Some("&#x2f;"),
        _ => None,
    }
}

/// Whether any byte needs HTML escaping: eight bytes at a time, or for long texts a fold
/// the compiler vectorises.
fn has_html_special(bytes: &[u8]) -> bool {
    if bytes.len() >= 32 {
        return has_html_special_long(bytes);
    }
    any_word(
        bytes,
        |w| {
            // `&` 0x26 and `'` 0x27 differ in bit 0, `<` 0x3C and `>` 0x3E in bit 1.
            (zero_byte((w | ONES) ^ (ONES * 0x27))
                | zero_byte((w | (ONES * 2)) ^ (ONES * 0x3e))
                | zero_byte(w ^ (ONES * 0x22))
                | zero_byte(w ^ (ONES * 0x2f)))
                != 0
        },
        |b| entity(b).is_some(),
    )
}

/// [`has_html_special`] for long texts, out of line so that it stays vectorised.
#[inline(never)]
fn has_html_special_long(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, &b| {
        seen | (b == b'<') | (b == b'>') | (b == b'&') | (b == b'"') | (b == b'\'') | (b == b'/')
    })
}

/// Writes `s` HTML-escaped exactly as minijinja's autoescape does (`&` `<` `>` `"` `'` `/`
/// become `&amp;` `&lt;` `&gt;` `&quot;` `&#x27;` `&#x2f;`). A first pass without branches
/// (which the compiler vectorises) tells whether there is anything to escape at all.
pub fn write_html(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    let bytes = s.as_bytes();
    if !has_html_special(bytes) {
        return out.write_str(s);
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(entity) = entity(b) {
            out.write_str(&s[start..i])?;
            out.write_str(entity)?;
            start = i + 1;
        }
    }
    out.write_str(&s[start..])
}

/// Writes an id HTML-escaped with a line-break opportunity (`<wbr>`) after each `.`: a
/// narrow column breaks `OM.L4.PPL.TRAIN` between its parts, never inside one.
pub fn write_html_id(out: &mut impl fmt::Write, id: &str) -> fmt::Result {
    let mut parts = id.split('.').peekable();
    while let Some(part) = parts.next() {
        write_html(out, part)?;
        if parts.peek().is_some() {
            out.write_str(".<wbr>")?;
        }
    }
    Ok(())
}

/// `s` as a CSS string literal in which every character other than an ASCII letter, digit
/// or space is a hex escape (`\5b8c `): nothing in it can end the string, the rule or the
/// style element, whatever the text holds. Hidden characters are cleaned first.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2 + 2);
    out.push('"');
    for c in clean(s).chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:x} ", u32::from(c));
        }
    }
    out.push('"');
    out
}

/// An id safe for an HTML `id` attribute and URL fragment: ASCII letters, digits, `-` and `.`
/// stay; every other byte (including `_`) becomes `_xx` (hex), so distinct ids stay distinct.
pub fn anchor(prefix: &str, id: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(prefix.len() + id.len() + 1);
    out.push_str(prefix);
    let mut rest = id;
    while let Some(at) = rest
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
    {
        out.push_str(&rest[..at]);
        let b = rest.as_bytes()[at];
        out.push('_');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
        // The byte may start a multi-byte character: continue with the next byte, not char.
        let tail = &rest.as_bytes()[at + 1..];
        let skip = tail
            .iter()
            .take_while(|&&c| (0x80..0xc0).contains(&c))
            .count();
        for &c in &tail[..skip] {
            out.push('_');
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        }
        rest = &rest[at + 1 + skip..];
    }
    out.push_str(rest);
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
    fn css_strings_cannot_end_the_style_sheet() {
        assert_eq!(css_string("Ab 1"), "\"Ab 1\"");
        assert_eq!(css_string("某"), "\"\\67d0 \"");
        let hostile = css_string("\"; } </style><script>x</script>");
        assert!(!hostile[1..hostile.len() - 1].contains(['"', ';', '<', '>', '}', '/']));
    }

    #[test]
    fn ids_break_only_after_dots() {
        let mut out = String::new();
        write_html_id(&mut out, "OM.L4.<b>").unwrap();
        assert_eq!(out, "OM.<wbr>L4.<wbr>&lt;b&gt;");
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
        assert_eq!(markdown("  中文 plain text 1.5  "), "中文 plain text 1.5");
        assert_eq!(markdown("tab\there"), "tab here");
        assert_eq!(
            markdown("GB/T 28827.1-2012 6.2 b)"),
            "GB/T 28827.1-2012 6.2 b)"
        );
    }

    #[test]
    fn the_byte_scan_finds_exactly_the_hidden_characters() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let expected = is_hidden(c) || c == '\r';
            assert_eq!(
                needs_cleaning(&c.to_string()),
                expected,
                "U+{:04X}",
                u32::from(c)
            );
            for pad in 0..9 {
                let s = format!("{}{c}运维 text é", "a".repeat(pad));
                assert_eq!(
                    needs_cleaning(&s),
                    expected,
                    "U+{:04X} at {pad}",
                    u32::from(c)
                );
            }
        }
    }

    #[test]
    fn html_escaping_matches_minijinja() {
        let mut env = minijinja::Environment::new();
        env.add_template("t.html", "{{ s }}").unwrap();
        let template = env.get_template("t.html").unwrap();
        let samples = [
            "",
            "plain",
            "<script>alert('x')</script> & \"q\" / 1>0",
            "中文，标题 — “引号” evidence/2024/a&b.pdf",
            "0123456789:;<=>?@ !\"#$%&'()*+,-./",
            "12345678<12345678>1234567&",
        ];
        for s in samples {
            let expected = template.render(minijinja::context! { s }).unwrap();
            let mut ours = String::new();
            write_html(&mut ours, s).unwrap();
            assert_eq!(ours, expected, "{s:?}");
        }
        for b in 0u8..0x80 {
            for pad in 0..17 {
                let s = format!("{}{}运{}", "a".repeat(pad), char::from(b), char::from(b));
                let mut ours = String::new();
                write_html(&mut ours, &s).unwrap();
                let expected = template.render(minijinja::context! { s }).unwrap();
                assert_eq!(ours, expected, "byte {b:#x} at {pad}");
            }
        }
    }

    #[test]
    fn anchors_are_injective_and_safe() {
        assert_eq!(anchor("cr-", "OM.L4.PPL.TRAIN"), "cr-OM.L4.PPL.TRAIN");
        assert_ne!(anchor("x-", "a_b"), anchor("x-", "a-b"));
        assert_eq!(anchor("x-", "a b\"<"), "x-a_20b_22_3c");
        assert_eq!(anchor("x-", "运维.é_1"), "x-_e8_bf_90_e7_bb_b4._c3_a9_5f1");
    }
}
