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

/// Terminal columns a text takes (East Asian wide characters take two).
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// `s` padded with spaces to `width` terminal columns.
pub fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}
