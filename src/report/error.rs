//! Why a report could not be made: the errors of template sets and renders, in both languages.

use std::fmt;
use std::path::PathBuf;

use minijinja::ErrorKind;

use crate::limits::{self, Limit, OutputCapped};
use crate::text::Lang;

/// Why a template set could not be loaded or a report not rendered.
#[derive(thiserror::Error, Debug)]
pub enum ReportError {
    /// A template does not compile.
    #[error("template `{template}`{}: {message}", at_line(*.line))]
    Syntax {
        /// Template name (path within the set).
        template: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A template failed while rendering (undefined value, bad filter argument, …).
    #[error("rendering `{template}`{}: {message}", at_line(*.line))]
    Render {
        /// Template name.
        template: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// A template asked for a locale key the language lacks.
    #[error("missing locale key `{key}` in locales/{lang}.yaml (used by `{template}`{})", at_line(*.line))]
    MissingLocaleKey {
        /// The dotted key.
        key: String,
        /// The language.
        lang: String,
        /// Template that asked for it.
        template: String,
        /// 1-based line, when known.
        line: Option<usize>,
    },
    /// A template exceeded a bound on its work, size, recursion or output (issue #16;
    /// [`crate::limits`]).
    #[error("template `{template}`{}: exceeds the {limit}: {detail}", at_line(*.line))]
    Limit {
        /// Template name.
        template: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// Which bound.
        limit: Limit,
        /// The bound's value and minijinja's own words, in English.
        detail: String,
    },
    /// A tag of a template holds more tokens than any report needs: minijinja compiles an
    /// expression recursively, and a chain of some thousands of operators exhausts the
    /// stack (which aborts the process rather than failing).
    #[error(
        "template `{template}` line {line}: one tag holds {tokens} tokens, more than the {max} a tag may hold"
    )]
    TagTooLong {
        /// Template name.
        template: String,
        /// 1-based line where the tag starts.
        line: usize,
        /// Tokens counted in the tag.
        tokens: usize,
        /// The most a tag may hold.
        max: usize,
    },
    /// The set has no template of that name.
    #[error("template `{0}` not found in the template set")]
    MissingTemplate(String),
    /// The set has no locale file for the language.
    #[error("the template set has no locales/{0}.yaml")]
    MissingLocale(String),
    /// A locale file is not a mapping of keys to strings.
    #[error("{file}{}: {message}", at_line(line.map(|l| l as usize)))]
    Locale {
        /// Locale file (path within the set).
        file: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// Locale files do not hold the same keys.
    #[error(
        "locales/{lang}.yaml differs from locales/{reference}.yaml: missing {missing:?}, extra {extra:?}"
    )]
    LocaleKeysDiffer {
        /// The language compared.
        lang: String,
        /// The language compared with.
        reference: String,
        /// Keys the reference has and this one lacks.
        missing: Vec<String>,
        /// Keys this one has and the reference lacks.
        extra: Vec<String>,
    },
    /// The template directory (or a file in it) could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

pub(crate) fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

impl ReportError {
    /// The message in `lang`. In Chinese, the words of minijinja and of YAML parsers (English)
    /// are left out: the English message (`--lang en`) carries them.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let at = |line: Option<usize>| line.map(|l| format!("第 {l} 行")).unwrap_or_default();
        let more = "（详情可用 --lang en 查看）";
        match self {
            ReportError::Syntax { template, line, .. } if template.is_empty() => {
                format!("模板环境无法建立{more}")
            }
            ReportError::Syntax { template, line, .. } => {
                format!("模板 {template} {}有语法错误{more}", at(*line))
            }
            ReportError::Render { template, line, .. } => {
                format!("渲染模板 {template} {}时出错{more}", at(*line))
            }
            ReportError::MissingLocaleKey {
                key,
                lang,
                template,
                line,
            } => format!(
                "模板 {template} {}使用的文本键 {key} 在 locales/{lang}.yaml 中不存在",
                at(*line)
            ),
            ReportError::TagTooLong {
                template,
                line,
                tokens,
                max,
            } => format!(
                "模板 {template} 第 {line} 行：一个标签含 {tokens} 个记号，超过每个标签的上限 {max}"
            ),
            ReportError::Limit {
                template,
                line,
                limit,
                detail,
            } => format!(
                "模板 {template} {}超出{}：{detail}",
                at(*line),
                limit.describe(Lang::Zh)
            ),
            ReportError::MissingTemplate(name) => format!("模板集中没有模板 {name}"),
            ReportError::MissingLocale(lang) => format!("模板集中没有 locales/{lang}.yaml"),
            ReportError::Locale { file, line, .. } => format!(
                "语言文件 {file} {}有误：须为“键: 文本”的映射，且是格式正确的 YAML{more}",
                at(line.and_then(|l| usize::try_from(l).ok()))
            ),
            ReportError::LocaleKeysDiffer {
                lang,
                reference,
                missing,
                extra,
            } => format!(
                "locales/{lang}.yaml 与 locales/{reference}.yaml 的键不一致：缺少 {}，多出 {}",
                list_zh(missing),
                list_zh(extra)
            ),
            ReportError::Io { path, source } => format!(
                "{}：{}",
                path.display(),
                crate::diagnostic::messages::io_reason_zh(source)
            ),
        }
    }
}

pub(crate) fn list_zh(items: &[String]) -> String {
    if items.is_empty() {
        "无".to_owned()
    } else {
        items.join("、")
    }
}

/// A locale lookup that failed; carried as the source of the template error.
#[derive(Debug)]
pub(super) struct MissingKey {
    pub(super) key: String,
    pub(super) lang: String,
}

impl fmt::Display for MissingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "missing locale key `{}` in locales/{}.yaml",
            self.key, self.lang
        )
    }
}

impl std::error::Error for MissingKey {}

pub(crate) fn error_message(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    }
}

/// Maps a render error to the innermost template that failed: an error inside an included
/// template arrives wrapped (`BadInclude`) with the original as its source.
pub(crate) fn render_error(e: &minijinja::Error, entry: &str, input: usize) -> ReportError {
    let mut innermost = e;
    let mut missing_key = None;
    let mut capped = false;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(inner) = s.downcast_ref::<minijinja::Error>() {
            innermost = inner;
        }
        if let Some(missing) = s.downcast_ref::<MissingKey>() {
            missing_key = Some(missing);
        }
        // `Capped` fails with an `io::Error` holding `OutputCapped`, which `source()` skips.
        capped |= s
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .is_some_and(|inner| inner.is::<OutputCapped>());
        source = s.source();
    }
    let template = innermost.name().or(e.name()).unwrap_or(entry).to_owned();
    let line = innermost.line().or(e.line());
    let limit = if capped {
        Some(Limit::Output)
    } else {
        Limit::of(innermost)
    };
    if let Some(limit) = limit {
        let detail = match limit {
            Limit::Work => format!(
                "{} fuel for {input} bytes of data ({})",
                limits::template_fuel(input),
                error_message(innermost)
            ),
            Limit::Output => format!(
                "{} bytes for {input} bytes of data",
                limits::output_cap(input)
            ),
            Limit::Size | Limit::Recursion => error_message(innermost),
        };
        return ReportError::Limit {
            template,
            line,
            limit,
            detail,
        };
    }
    if let Some(missing) = missing_key {
        return ReportError::MissingLocaleKey {
            key: missing.key.clone(),
            lang: missing.lang.clone(),
            template,
            line,
        };
    }
    if innermost.kind() == ErrorKind::TemplateNotFound {
        return ReportError::MissingTemplate(innermost.detail().unwrap_or(entry).to_owned());
    }
    ReportError::Render {
        template,
        line,
        message: error_message(innermost),
    }
}
