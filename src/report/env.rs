//! The template environment: how a template set is read from a folder, the locale checks,
//! and the filters and functions templates call (`t`, `pct`, `md`, `id_html`, …).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State};

use crate::text::Lang;

use self::locale::Locale;

use super::*;

/// Writes a value into the output: minijinja's own formatting, with faster paths for strings
/// (the same bytes).
pub(crate) fn format_value(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(s)) if !value.is_safe() => {
            escape::write_html(out, s).map_err(minijinja::Error::from)
        }
        // A string shows as itself without escaping (minijinja formats it through `Display`).
        (AutoEscape::None, Some(s)) if value.kind() == ValueKind::String => {
            out.write_str(s).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// HTML autoescape for `*.html.j2`, `*.html`, `*.htm`, `*.svg.j2`; none otherwise.
pub(crate) fn auto_escape(name: &str) -> AutoEscape {
    let base = name.strip_suffix(".j2").unwrap_or(name);
    if [".html", ".htm", ".svg", ".xml"]
        .iter()
        .any(|ext| base.ends_with(ext))
    {
        AutoEscape::Html
    } else {
        AutoEscape::None
    }
}

pub(crate) fn read_dir(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<(String, String)>,
) -> Result<(), ReportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(io(&path))?;
        // Symlinked directories are not followed (no cycles); symlinked files are read.
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                read_dir(root, &path, depth + 1, out)?;
            }
            continue;
        }
        let metadata = std::fs::metadata(&path).map_err(io(&path))?;
        if !metadata.is_file() {
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let wanted = ["j2", "yaml", "html", "md", "css"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext));
        if !wanted {
            continue;
        }
        if metadata.len() > MAX_TEMPLATE_FILE {
            return Err(ReportError::Io {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "file too large for a template",
                ),
            });
        }
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        out.push((rel, text));
    }
    Ok(())
}

pub(crate) fn check_locale_keys(locales: &BTreeMap<String, Locale>) -> Result<(), ReportError> {
    let reference = locales
        .get("zh")
        .map(|l| ("zh", l))
        .or_else(|| locales.iter().next().map(|(k, l)| (k.as_str(), l)));
    let Some((reference, ref_locale)) = reference else {
        return Err(ReportError::MissingLocale(
            Lang::default().as_str().to_owned(),
        ));
    };
    for (lang, locale) in locales {
        let missing: Vec<String> = ref_locale
            .keys()
            .filter(|k| locale.get(k).is_none())
            .map(str::to_owned)
            .collect();
        let extra: Vec<String> = locale
            .keys()
            .filter(|k| ref_locale.get(k).is_none())
            .map(str::to_owned)
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            return Err(ReportError::LocaleKeysDiffer {
                lang: lang.clone(),
                reference: reference.to_owned(),
                missing,
                extra,
            });
        }
    }
    Ok(())
}

/// The language of the render (`lang` in the context; Chinese when absent).
pub(crate) fn current_lang(state: &State) -> &'static str {
    match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("en") => Lang::En.as_str(),
        _ => Lang::Zh.as_str(),
    }
}

/// Fills the `{name}` placeholders of a locale string from keyword arguments, in one pass.
/// Every argument must be used; a null value shows as `—`.
pub(crate) fn fill(text: &str, kwargs: &Kwargs) -> Result<String, minijinja::Error> {
    let out = locale::fill_with(text, |name, out| {
        if !kwargs.has(name) {
            return Ok::<bool, minijinja::Error>(false);
        }
        let value: Value = kwargs.get(name)?;
        if value.is_none() || value.is_undefined() {
            out.push('—');
        } else {
            let _ = write!(out, "{value}");
        }
        Ok(true)
    })?;
    kwargs.assert_all_used()?;
    Ok(out)
}

/// Registers the report filters and functions.
pub(crate) fn register(env: &mut Environment<'static>, locales: &Arc<BTreeMap<String, Locale>>) {
    env.add_filter("round", crate::expression::round);
    let l = Arc::clone(locales);
    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let lang = current_lang(state);
            let text = l
                .get(lang)
                .and_then(|locale| locale.get_shared(key))
                .ok_or_else(|| {
                    let missing = MissingKey {
                        key: key.to_owned(),
                        lang: lang.to_owned(),
                    };
                    minijinja::Error::new(ErrorKind::UndefinedError, missing.to_string())
                        .with_source(missing)
                })?;
            // Without arguments every placeholder stays as written: the string as it is.
            if kwargs.args().next().is_none() {
                return Ok(Value::from(Arc::clone(text)));
            }
            fill(text, &kwargs).map(Value::from)
        },
    );
    let l = Arc::clone(locales);
    env.add_function("has_t", move |state: &State, key: &str| -> bool {
        l.get(current_lang(state))
            .is_some_and(|locale| locale.get(key).is_some())
    });
    env.add_filter(
        "tx",
        |state: &State, value: Value| -> Result<Value, minijinja::Error> {
            if let Some(s) = value.as_str() {
                return Ok(Value::from(s));
            }
            let en = current_lang(state) == "en";
            // The view's texts: no copies.
            if let Some(text) = value.downcast_object_ref::<view::TextView>() {
                let lang = if en { Lang::En } else { Lang::Zh };
                return Ok(Value::from(Arc::clone(text.get(lang))));
            }
            if en
                && let Ok(en) = value.get_attr("en")
                && let Some(s) = en.as_str()
            {
                return Ok(Value::from(s));
            }
            match value.get_attr("zh") {
                Ok(zh) if zh.as_str().is_some() => Ok(Value::from(zh.to_string())),
                _ => Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("tx expects a {{zh, en}} text, got {}", value.kind()),
                )),
            }
        },
    );
    env.add_filter("pct", |value: Value| -> String {
        match f64::try_from(value) {
            Ok(score) if score.is_finite() => percent(score),
            _ => String::from("—"),
        }
    });
    env.add_filter("num", |value: Value| -> String {
        match f64::try_from(value.clone()) {
            Ok(v) if v.is_finite() => number(v),
            _ if value.is_none() || value.is_undefined() => String::from("—"),
            _ => value.to_string(),
        }
    });
    env.add_filter("md", |value: Value| -> String {
        if value.is_none() || value.is_undefined() {
            return String::new();
        }
        match value.as_str() {
            Some(s) => escape::markdown(s),
            None => escape::markdown(&value.to_string()),
        }
    });
    env.add_filter("clean", |value: Value| -> String {
        match value.as_str() {
            Some(s) => escape::clean(s).into_owned(),
            None => escape::clean(&value.to_string()).into_owned(),
        }
    });
    // A CSS string literal (for `content:` in the style sheet): already safe.
    env.add_filter("css_string", |value: Value| -> Value {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        Value::from_safe_string(escape::css_string(&text))
    });
    // An id, escaped, that wraps only after its dots.
    env.add_filter("id_html", |value: Value| -> Value {
        let mut out = String::new();
        let _ = match value.as_str() {
            Some(s) => escape::write_html_id(&mut out, s),
            None => escape::write_html_id(&mut out, &value.to_string()),
        };
        Value::from_safe_string(out)
    });
    env.add_filter("anchor", |id: &str, prefix: Option<&str>| -> String {
        escape::anchor(prefix.unwrap_or(""), id)
    });
}

/// The most tokens (names, numbers, strings and operator characters) one tag of a template
/// (`{{ … }}`, `{% … %}`) may hold. The bundled templates' longest tag has 50; minijinja
/// overflows its stack compiling a chain of some ten thousand operators.
pub(crate) const MAX_TAG_TOKENS: usize = 2_000;

/// Refuses a template with a tag longer than [`MAX_TAG_TOKENS`], before minijinja compiles
/// it. A lexical count: string literals are one token, comments are skipped.
pub(crate) fn check_tags(name: &str, text: &str) -> Result<(), ReportError> {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            line += 1;
        }
        let close = match (c, bytes.get(i + 1)) {
            (b'{', Some(b'{')) => b'}',
            (b'{', Some(b'%')) => b'%',
            _ => {
                i += 1;
                continue;
            }
        };
        let start = line;
        let mut tokens = 0;
        let mut in_word = false;
        let mut j = i + 2;
        while j < bytes.len() {
            let c = bytes[j];
            if c == close && bytes.get(j + 1) == Some(&b'}') {
                break;
            }
            if c == b'\n' {
                line += 1;
            }
            let word = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
            if word {
                tokens += usize::from(!in_word);
            } else if c == b'"' || c == b'\'' {
                tokens += 1;
                j += 1;
                while j < bytes.len() && bytes[j] != c {
                    if bytes[j] == b'\\' {
                        j += 1;
                    } else if bytes[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
            } else if !c.is_ascii_whitespace() {
                tokens += 1;
            }
            in_word = word;
            j += 1;
        }
        if tokens > MAX_TAG_TOKENS {
            return Err(ReportError::TagTooLong {
                template: name.to_owned(),
                line: start,
                tokens,
                max: MAX_TAG_TOKENS,
            });
        }
        i = j + 2;
    }
    Ok(())
}
