//! Graded compliance reports (SPEC §9): HTML and Markdown, in Chinese (default) or English,
//! rendered with minijinja from the result document alone (SPEC §7), so a stored result
//! re-renders byte for byte.
//!
//! # Template sets
//!
//! A template set is a directory laid out like `report-templates/` (embedded in the binary;
//! `--templates DIR` replaces the whole set):
//!
//! ```text
//! report.html.j2   report.md.j2      entry points of the two formats
//! base.html.j2     partials/*.j2     layout and sections
//! style.css                          the HTML report's inline style sheet
//! summary.html.j2                    the batch summary page (`render_template`)
//! locales/zh.yaml  locales/en.yaml   every fixed string, by dotted key
//! ```
//!
//! ```no_run
//! use itss::{Renderer, ReportFormat};
//! use itss::text::Lang;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let text = std::fs::read_to_string("result.json")?;
//! let result: itss::result::AssessmentResult = serde_json::from_str(&text)?;
//! let renderer = Renderer::bundled()?; // compile once, share across threads
//! let html = renderer.render(&result, ReportFormat::Html, Lang::Zh)?;
//! # let _ = html;
//! # Ok(())
//! # }
//! ```
//!
//! Templates whose name ends in `.html.j2` (or `.html`, `.svg.j2`) are HTML-autoescaped;
//! the others are not, and Markdown templates pass enterprise text through the `md` filter.
//! Undefined values are errors (`UndefinedBehavior::Strict`): a missing locale key or field
//! fails the render instead of leaving a blank.
//!
//! # Context
//!
//! [`Renderer::render`] passes `lang` (`"zh"` or `"en"`) and `report`: the
//! [`view::View`] of the result document — everything the result holds, grouped and
//! cross-referenced for display (per-element criteria, gaps grouped by element, each level's
//! verdict with its reasons, the chart geometry), computed in Rust so that templates stay
//! linear in the size of the result. Every string taken from the result has its control and
//! bidi characters made visible ([`escape::clean`]); [`Renderer::render_template`] does the
//! same to any JSON context.
//!
//! The view reaches templates as minijinja objects read in place (no conversion up front),
//! and carries what rows would otherwise compute with `t(…)` and filters, in the report's
//! language: `status_label`, `rating_label`, `weight_label`, `credit_text` on criteria, `name`
//! on findings, `dated_label` and `valid_label` on evidence, `label` on levels and waivers,
//! `counts_label` on levels and elements, and `text` on every `{zh, en}` text (what `|tx`
//! gives). They are taken from the set's own locale; one whose key the locale lacks is
//! undefined. The bundled templates use them in their loops and keep `t(…)` for the fixed
//! strings: a report of 188 criteria runs about 27 000 template instructions.
//!
//! Filters and functions: `t(key, name=value…)` looks a string up in the current language's
//! locale (an error when missing) and fills `{name}` placeholders; `has_t(key)` tests for
//! one; `tx` picks `zh`/`en` from a `{zh, en}` text (falling back to `zh`); `pct` formats a
//! score as a percentage with one decimal (`—` for null); `num` formats a credit or
//! threshold; `md` escapes text for Markdown (table cells included); `clean` neutralises
//! control characters; `anchor(prefix)` turns an id into a safe HTML anchor.

pub mod chart;
pub mod escape;
pub mod locale;
pub mod view;

mod env;
mod error;
mod numbers;

use env::*;
pub use error::ReportError;
use error::*;
pub use numbers::{number, percent};

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Enumerator, Object, Serde, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};

use crate::limits::{self, Capped};
use crate::result::AssessmentResult;
use crate::text::Lang;

use self::locale::Locale;

include!(concat!(env!("OUT_DIR"), "/bundled_templates.rs"));

/// Largest template or locale file read from a `--templates` directory (bytes).
const MAX_TEMPLATE_FILE: u64 = 4 << 20;
/// How deep a `--templates` directory is walked.
const MAX_DEPTH: usize = 8;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// One self-contained HTML file (inline CSS and SVG, no network), printable on A4.
    Html,
    /// Markdown for e-mail, review and code-hosting sites.
    Markdown,
}

impl ReportFormat {
    /// The file extension: `html` or `md`.
    pub fn extension(&self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
        }
    }

    /// The entry template: `report.html.j2` or `report.md.j2`.
    pub fn template(&self) -> &'static str {
        match self {
            ReportFormat::Html => "report.html.j2",
            ReportFormat::Markdown => "report.md.j2",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for ReportFormat {
    type Err = String;

    /// `html`, `md` or `markdown`.
    fn from_str(s: &str) -> Result<ReportFormat, String> {
        match s {
            "html" => Ok(ReportFormat::Html),
            "md" | "markdown" => Ok(ReportFormat::Markdown),
            other => Err(format!(
                "unknown report format `{other}` (expected html or md)"
            )),
        }
    }
}

/// A compiled template set with its locales: compile once, render many. `Send + Sync`, so one
/// renderer serves every worker of a batch.
pub struct Renderer {
    env: Environment<'static>,
    locales: Arc<BTreeMap<String, Locale>>,
    /// Open every level's criteria table (for print), not only the levels needed now.
    expand: bool,
}

impl fmt::Debug for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renderer")
            .field(
                "templates",
                &self
                    .env
                    .templates()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("locales", &self.locales.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Renderer {
    /// The template set embedded in the binary (`report-templates/`).
    pub fn bundled() -> Result<Renderer, ReportError> {
        Renderer::from_files(
            BUNDLED_TEMPLATES
                .iter()
                .map(|&(name, text)| (name.to_owned(), text.to_owned())),
        )
    }

    /// A template set read from a directory laid out like `report-templates/`; it replaces
    /// the embedded set entirely.
    pub fn from_dir(dir: &Path) -> Result<Renderer, ReportError> {
        let mut files = Vec::new();
        read_dir(dir, dir, 0, &mut files)?;
        Renderer::from_files(files)
    }

    /// A template set from `(path within the set, text)` pairs: `locales/<lang>.yaml` are
    /// locale files, files ending in `.j2`, `.html`, `.md` or `.css` are templates.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Renderer, ReportError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // The default delimiters always build; the error path is never taken.
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| ReportError::Syntax {
                template: String::new(),
                line: None,
                message: error_message(&e),
            })?;
        env.set_syntax(syntax);
        env.set_auto_escape_callback(auto_escape);
        env.set_formatter(format_value);
        let mut locales = BTreeMap::new();
        for (name, text) in files {
            if let Some(lang) = name
                .strip_prefix("locales/")
                .and_then(|n| n.strip_suffix(".yaml"))
            {
                locales.insert(lang.to_owned(), Locale::parse(&name, &text)?);
            } else if [".j2", ".html", ".md", ".css"]
                .iter()
                .any(|ext| name.ends_with(ext))
            {
                check_tags(&name, &text)?;
                env.add_template_owned(name.clone(), text)
                    .map_err(|e| ReportError::Syntax {
                        template: e.name().unwrap_or(&name).to_owned(),
                        line: e.line(),
                        message: error_message(&e),
                    })?;
            }
        }
        check_locale_keys(&locales)?;
        let locales = Arc::new(locales);
        register(&mut env, &locales);
        Ok(Renderer {
            env,
            locales,
            expand: false,
        })
    }

    /// The same renderer, with the criteria tables of every level open (`--expand`): levels
    /// above both the next one and the target are otherwise collapsed.
    pub fn expanded(mut self, expand: bool) -> Renderer {
        self.expand = expand;
        self
    }

    /// The languages the set has locales for.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.locales.keys().map(String::as_str)
    }

    /// Renders the report of a result.
    pub fn render(
        &self,
        result: &AssessmentResult,
        format: ReportFormat,
        lang: Lang,
    ) -> Result<String, ReportError> {
        let mut out = Vec::new();
        self.render_into(result, format, lang, &mut out)?;
        into_string(out, format.template())
    }

    /// Renders the report of a result into `out` (appended), so that a caller rendering many
    /// reports can reuse one buffer instead of growing a new string for each.
    pub fn render_into(
        &self,
        result: &AssessmentResult,
        format: ReportFormat,
        lang: Lang,
        out: &mut Vec<u8>,
    ) -> Result<(), ReportError> {
        let context = self.report_context(result, lang)?;
        self.render_bounded(format.template(), context, json_len(result), out)
            .map(drop)
    }

    /// Renders another document of a result through the template `name` of the set (the
    /// nonconformity report, the corrective-action plan) with the same context as the
    /// report, appending to `out`.
    pub fn render_document_into(
        &self,
        result: &AssessmentResult,
        name: &str,
        lang: Lang,
        out: &mut Vec<u8>,
    ) -> Result<(), ReportError> {
        let context = self.report_context(result, lang)?;
        self.render_bounded(name, context, json_len(result), out)
            .map(drop)
    }

    /// Renders `name` within the bounds for `input` bytes of data ([`limits::template_fuel`],
    /// [`limits::output_cap`]), appending to `out`; on failure `out` is left as it was.
    /// Returns the fuel used.
    fn render_bounded(
        &self,
        name: &str,
        context: Value,
        input: usize,
        out: &mut Vec<u8>,
    ) -> Result<u64, ReportError> {
        self.template(name)?;
        // Fuel is a setting of the environment: a shallow copy (shared compiled templates)
        // carries this render's budget.
        let mut env = self.env.clone();
        env.set_fuel(Some(limits::template_fuel(input)));
        let start = out.len();
        let rendered = env.get_template(name).and_then(|template| {
            template.render_captured_to(context, Capped::new(&mut *out, limits::output_cap(input)))
        });
        rendered
            .map(|captured| captured.state().fuel_levels().map_or(0, |(used, _)| used))
            .map_err(|e| {
                out.truncate(start);
                render_error(&e, name, input)
            })
    }

    /// The context of a report: `lang` and the result's view in that language.
    fn report_context(&self, result: &AssessmentResult, lang: Lang) -> Result<Value, ReportError> {
        let locale = self
            .locales
            .get(lang.as_str())
            .ok_or_else(|| ReportError::MissingLocale(lang.as_str().to_owned()))?;
        // The view's strings are cleaned as it is built, and templates read it in place
        // (no conversion into template values up front).
        let labels = view::Labels::new(lang, locale);
        Ok(Value::from_object(ReportContext {
            lang: lang.as_str(),
            report: Arc::new(view::build(result, &labels, self.expand)),
        }))
    }

    /// Renders any template of the set with a JSON context (e.g. the batch `summary.html`).
    /// `lang` is added to the context; every string in it is cleaned of control and bidi
    /// characters first.
    pub fn render_template(
        &self,
        name: &str,
        context: &serde_json::Value,
        lang: Lang,
    ) -> Result<String, ReportError> {
        self.render_owned(name, context.clone(), lang)
    }

    fn render_owned(
        &self,
        name: &str,
        mut context: serde_json::Value,
        lang: Lang,
    ) -> Result<String, ReportError> {
        clean_json(&mut context);
        if let serde_json::Value::Object(map) = &mut context {
            map.insert(
                "lang".to_owned(),
                serde_json::Value::String(lang.as_str().to_owned()),
            );
        }
        if !self.locales.contains_key(lang.as_str()) {
            return Err(ReportError::MissingLocale(lang.as_str().to_owned()));
        }
        let mut out = Vec::new();
        let input = json_len(&context);
        self.render_bounded(name, Value::from(Serde(&context)), input, &mut out)?;
        into_string(out, name)
    }

    fn template(&self, name: &str) -> Result<minijinja::Template<'_, '_>, ReportError> {
        self.env.get_template(name).map_err(|e| match e.kind() {
            ErrorKind::TemplateNotFound => ReportError::MissingTemplate(name.to_owned()),
            _ => render_error(&e, name, 0),
        })
    }
}

/// The size of a value as compact JSON: what a render's bounds are proportional to.
fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Counting cannot fail; a value that does not serialize counts what it wrote.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A rendered report as text (minijinja writes only `str`s, so this never fails).
fn into_string(out: Vec<u8>, name: &str) -> Result<String, ReportError> {
    String::from_utf8(out).map_err(|e| ReportError::Render {
        template: name.to_owned(),
        line: None,
        message: e.to_string(),
    })
}

/// The context of a report: `lang` and `report`.
#[derive(Debug)]
struct ReportContext {
    lang: &'static str,
    report: Arc<view::View>,
}

impl Object for ReportContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "lang" => Some(Value::from(self.lang)),
            "report" => Some(Value::from_dyn_object(Arc::clone(&self.report))),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["lang", "report"])
    }
}

/// Cleans every string (and key) of a JSON value in place.
fn clean_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(c) = escape::clean(s) {
                *s = c;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(clean_json),
        serde_json::Value::Object(map) => {
            if map
                .keys()
                .any(|k| matches!(escape::clean(k), std::borrow::Cow::Owned(_)))
            {
                let old = std::mem::take(map);
                for (k, v) in old {
                    map.insert(escape::clean(&k).into_owned(), v);
                }
            }
            map.values_mut().for_each(clean_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(percent(0.8125), "81.3%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.9167), "91.7%");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(0.125), "0.125");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(1234.007), "1234.007");
        assert_eq!(percent(-0.0123), "-1.2%");
        for i in -3000..3000 {
            let v = f64::from(i) / 997.0;
            let t = (v * 1000.0).round() as i64;
            let (int, frac) = (t.unsigned_abs() / 1000, t.unsigned_abs() % 1000);
            let sign = if t < 0 { "-" } else { "" };
            let expected = if frac == 0 {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{}", format!("{frac:03}").trim_end_matches('0'))
            };
            assert_eq!(number(v), expected);
            let tenths = (v * 1000.0).round() as i64;
            let sign = if tenths < 0 { "-" } else { "" };
            let t = tenths.unsigned_abs();
            assert_eq!(percent(v), format!("{sign}{}.{}%", t / 10, t % 10));
        }
    }

    #[test]
    fn round_is_minijinja_2s() {
        // The batch summary's histogram bars: 20 - 14 / 152 * 19 = 18.25 → 18.3, as before
        // minijinja 3 (which gives 18.2).
        let files = [
            (
                "t.html.j2".to_owned(),
                "{{ (20 - 14 / 152 * 19)|round(1) }}".to_owned(),
            ),
            ("locales/zh.yaml".to_owned(), "a: b\n".to_owned()),
        ];
        let renderer = Renderer::from_files(files).unwrap();
        let out = renderer
            .render_template("t.html.j2", &serde_json::json!({}), Lang::Zh)
            .unwrap();
        assert_eq!(out, "18.3");
    }

    #[test]
    fn bundled_reports_use_a_small_share_of_their_bounds() {
        // The full O&M example (188 criteria, every kind of finding): the bundled templates
        // must stay far from the bounds a hostile set is stopped by (issue #16).
        let catalogs = crate::engine::Catalogs::bundled().unwrap();
        let engine = crate::engine::Engine::new(catalogs);
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/om-full/submission.yaml"
        ));
        let Ok(crate::diagnostic::Loaded { value: result, .. }) = engine.assess_file(path) else {
            panic!("the example assesses");
        };
        let renderer = Renderer::bundled().unwrap();
        let input = json_len(&result);
        for format in [ReportFormat::Html, ReportFormat::Markdown] {
            for lang in [Lang::Zh, Lang::En] {
                let context = renderer.report_context(&result, lang).unwrap();
                let mut out = Vec::new();
                let used = renderer
                    .render_bounded(format.template(), context, input, &mut out)
                    .unwrap();
                assert!(used > 0, "fuel is counted");
                assert!(
                    used * 50 < limits::template_fuel(input),
                    "{format} {lang:?}: {used} fuel of {}",
                    limits::template_fuel(input)
                );
                assert!(
                    out.len() * 50 < limits::output_cap(input),
                    "{format}: {} bytes",
                    out.len()
                );
            }
        }
    }

    #[test]
    fn renderer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Renderer>();
    }

    #[test]
    fn formats_parse() {
        assert_eq!("html".parse::<ReportFormat>(), Ok(ReportFormat::Html));
        assert_eq!("md".parse::<ReportFormat>(), Ok(ReportFormat::Markdown));
        assert!("pdf".parse::<ReportFormat>().is_err());
    }
}
