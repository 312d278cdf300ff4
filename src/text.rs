//! Bilingual text (`{zh, en}`) and the report language.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Text a person reads, in Chinese and (optionally) English.
///
/// Shared, not copied: a catalog's texts reach every result and report made from it, so a
/// clone is two reference counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Chinese (always present).
    pub zh: Arc<str>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<Arc<str>>,
}

impl Text {
    /// The text in `lang`, falling back to Chinese.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => self.en.as_deref().unwrap_or(&self.zh),
        }
    }
}

/// Report and questionnaire language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// Terminal columns a text takes, by Unicode's East Asian Width (wide CJK characters,
/// Extension B included, and emoji take two; combining marks none).
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `width` terminal columns.
pub fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_unicode() {
        assert_eq!(display_width("基本级"), 6);
        assert_eq!(display_width("\u{20000}"), 2, "CJK Extension B");
        assert_eq!(display_width("😀"), 2);
        assert_eq!(display_width("e\u{301}"), 1, "combining mark");
        assert_eq!(display_width("Basic"), 5);
        assert_eq!(pad("拓展级", 8), "拓展级  ");
    }
}
