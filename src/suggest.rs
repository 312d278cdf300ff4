//! What a careless user probably meant: the allowed value or known id closest to what was
//! typed (`Conform` → `conform`, `符合` → `conform`, `OM.L4.MGT.PLN` → `OM.L4.MGT.PLAN`),
//! and the full-width punctuation of a Chinese keyboard where YAML needs ASCII (`：` for `:`).

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Msg, msg};
use crate::yaml::Location;

/// The candidate closest to `typed`, when one is close enough to suggest: the same ignoring
/// case, width and surrounding space, a word meaning it (for ratings), or at most two edits
/// away (one for short words).
pub fn did_you_mean<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let plain = normalize(typed);
    if let Some(c) = candidates.iter().find(|c| normalize(c) == plain) {
        return Some(c);
    }
    if let Some(meant) = synonym(&plain)
        && let Some(c) = candidates.iter().find(|c| **c == meant)
    {
        return Some(c);
    }
    let limit = if plain.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .map(|c| (distance(&plain, &normalize(c)), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Lowercase, half-width, without surrounding space.
fn normalize(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace())
        .chars()
        .map(|c| match c {
            // Full-width ASCII (U+FF01–U+FF5E) to ASCII.
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The rating a word means, in the words people type.
fn synonym(word: &str) -> Option<&'static str> {
    Some(match word {
        "符合" | "满足" | "达标" | "是" | "yes" | "y" | "true" | "ok" | "pass" | "met" => {
            "conform"
        }
        "部分符合" | "部分满足" | "部分" | "partially" | "partly" | "part" => "partial",
        "不符合" | "不满足" | "不达标" | "否" | "no" | "n" | "false" | "fail" | "not met" => {
            "nonconform"
        }
        "不适用" | "n/a" | "not applicable" | "none" | "无" => "na",
        _ => return None,
    })
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// At most this many keyboard slips are reported per file.
const MAX_SLIPS: usize = 10;

/// Full-width punctuation where YAML needs ASCII — the usual slips of a Chinese keyboard —
/// each as an error naming the character, where it is and what to type instead. Looked for
/// when a file does not parse or does not fit its schema: `：` after a key, `，` between the
/// items of a `[…]` or `{…}`, an ideographic space (U+3000) in the indentation or after a
/// colon. Full-width text inside values (a note's `：`) is left alone.
pub fn keyboard_slips(path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if out.len() >= MAX_SLIPS {
            break;
        }
        let line_no = i as u64 + 1;
        let at = |byte: usize| Location {
            line: line_no,
            column: line[..byte].chars().count() as u64 + 1,
        };
        // Indentation: spaces and ideographic spaces before the first character.
        let indent_end = line
            .char_indices()
            .find(|(_, c)| *c != ' ' && *c != '\u{3000}')
            .map_or(line.len(), |(i, _)| i);
        if let Some(i) = line[..indent_end].find('\u{3000}') {
            out.push(slip(path, at(i), msg("indent-space")));
            continue;
        }
        let body = &line[indent_end..];
        let body = body.strip_prefix("- ").unwrap_or(body);
        if body.starts_with('#') {
            continue;
        }
        let offset = line.len() - body.len();
        // A key followed by a full-width colon: `rating：conform`.
        let key_end = body
            .find([':', '：', '#', '"', '\'', '{', '[', ' '])
            .unwrap_or(body.len());
        if key_end > 0 && body[key_end..].starts_with('：') {
            let key = &body[..key_end];
            out.push(slip(
                path,
                at(offset + key_end),
                msg("colon-after-key").arg("key", key),
            ));
            continue;
        }
        // An ideographic space right after the key's colon: `rating:　conform`.
        if key_end > 0 && body[key_end..].starts_with(":\u{3000}") {
            out.push(slip(
                path,
                at(offset + key_end + 1),
                msg("space-after-colon"),
            ));
            continue;
        }
        // Inside `{…}` or `[…]` outside quotes: a full-width colon right after a key
        // (`{rating：conform}`), a full-width comma right before one (`conform，note: a`).
        // Chinese text in a value keeps its own punctuation.
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut item_start = 0usize;
        for (j, c) in body.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '{' | '[' | ',') => {
                    depth += usize::from(c != ',');
                    item_start = j + 1;
                }
                (None, '}' | ']') => depth = depth.saturating_sub(1),
                (None, '：') if depth > 0 && is_key(body[item_start..j].trim()) => {
                    out.push(slip(path, at(offset + j), msg("colon-in-flow")));
                    break;
                }
                (None, '，') if depth > 0 && starts_with_key(&body[j + '，'.len_utf8()..]) => {
                    out.push(slip(path, at(offset + j), msg("comma-in-flow")));
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

/// A mapping key as these files write them: ASCII letters, digits, `_`, `.`, `-`.
fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Whether `s` (after spaces) begins with a key and its colon (`note: …`, `note：…`).
fn starts_with_key(s: &str) -> bool {
    let s = s.trim_start();
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(s.len());
    end > 0 && matches!(s[end..].trim_start().chars().next(), Some(':' | '：'))
}

fn slip(path: &Path, at: Location, message: Msg) -> Diagnostic {
    Diagnostic::error(Code::FullWidthCharacter, path, message).at(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATINGS: [&str; 4] = ["conform", "partial", "nonconform", "na"];

    #[test]
    fn ratings_as_people_type_them() {
        for (typed, meant) in [
            ("Conform", "conform"),
            ("CONFORM ", "conform"),
            ("符合", "conform"),
            ("部分符合", "partial"),
            ("不符合", "nonconform"),
            ("不适用", "na"),
            ("yes", "conform"),
            ("N/A", "na"),
            ("conferm", "conform"),
            ("ｃｏｎｆｏｒｍ", "conform"),
        ] {
            assert_eq!(did_you_mean(typed, &RATINGS), Some(meant), "{typed}");
        }
        assert_eq!(did_you_mean("banana", &RATINGS), None);
    }

    #[test]
    fn ids_with_a_slip() {
        let ids = ["OM.L4.MGT.PLAN", "OM.L4.MGT.DO"];
        assert_eq!(did_you_mean("om.l4.mgt.plan", &ids), Some("OM.L4.MGT.PLAN"));
        assert_eq!(did_you_mean("OM.L4.MGT.PLN", &ids), Some("OM.L4.MGT.PLAN"));
        assert_eq!(did_you_mean("OM.L3.PPL.TRAIN", &ids), None);
    }

    #[test]
    fn keyboard_slips_are_named_where_they_are() {
        let text = "id: a\nanswers:\n  OM.L4.MGT.PLAN:\n    rating：conform\n  X: {rating: conform，note: a}\n\u{3000}\u{3000}note: b\nc:\u{3000}d\nnote: 说明：正常\nY: {zh: 除此之外，按季度评审, en: x}\nZ: {rating：conform}\n";
        let slips = keyboard_slips(Path::new("s.yaml"), text);
        let at: Vec<(u64, u64)> = slips
            .iter()
            .map(|d| (d.line.unwrap(), d.column.unwrap()))
            .collect();
        assert_eq!(at, [(4, 11), (5, 22), (6, 1), (7, 3), (10, 11)]);
        assert!(
            slips[0]
                .message_in(crate::text::Lang::Zh)
                .contains("全角冒号")
        );
    }
}
