//! Reports for the CLI: `--format html|md`, `itss render`, `itss diff`, batch reports and the
//! batch summary page.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use itss::batch::BatchSummary;
use itss::diagnostic::Diagnostic;
use itss::report::{Renderer, ReportFormat};
use itss::result::AssessmentResult;
use itss::schema::SchemaKind;
use itss::source::{self, DEFAULT_MAX_FILE_SIZE};
use itss::text::Lang;
use itss::{diff, output};

use super::{DiffArgs, DiffFormat, Exit, RenderArgs, ReportArg, print_diagnostics};

/// The bundled templates, or a `--templates` directory.
pub(super) fn renderer(templates: Option<&Path>) -> anyhow::Result<Renderer> {
    match templates {
        Some(dir) => {
            Renderer::from_dir(dir).with_context(|| format!("templates in {}", dir.display()))
        }
        None => Renderer::bundled().context("bundled templates"),
    }
}

/// The per-result renderer of a batch: (result, extension) → report text.
/// Renders one result as the report with the given file extension.
/// Renders one result as the report with the given file extension, appended to a buffer.
pub(super) type RenderFn =
    Box<dyn Fn(&AssessmentResult, &str, &mut Vec<u8>) -> Result<(), String> + Sync>;

pub(super) fn batch_renderer(templates: Option<&Path>, lang: Lang) -> anyhow::Result<RenderFn> {
    let renderer = renderer(templates)?;
    Ok(Box::new(move |result, ext, out| {
        let format = if ext == "md" {
            ReportFormat::Markdown
        } else {
            ReportFormat::Html
        };
        renderer
            .render_into(result, format, lang, out)
            .map_err(|e| e.to_string())
    }))
}

/// The batch `summary.html`.
pub(super) fn summary_html(
    templates: Option<&Path>,
    lang: Lang,
    summary: &BatchSummary,
) -> anyhow::Result<String> {
    let renderer = renderer(templates)?;
    let context = serde_json::json!({ "summary": summary });
    renderer
        .render_template("summary.html.j2", &context, lang)
        .context("summary.html")
}

/// Renders one result in a report format.
pub(super) fn render_result(
    renderer: &Renderer,
    result: &AssessmentResult,
    format: ReportArg,
    lang: Lang,
) -> anyhow::Result<String> {
    let format = match format {
        ReportArg::Md => ReportFormat::Markdown,
        ReportArg::Html => ReportFormat::Html,
    };
    renderer.render(result, format, lang).context("report")
}

/// Reads a stored result document, validating it against the result schema.
fn read_result(path: &Path) -> Result<AssessmentResult, (Vec<Diagnostic>, Option<String>)> {
    let (doc, value) =
        source::load(path, DEFAULT_MAX_FILE_SIZE).map_err(|e| (vec![e.diagnostic], e.text))?;
    if let Some(d) = not_a_current_result(path, &value) {
        return Err((vec![d], Some(doc.text)));
    }
    let diagnostics = itss::schema::check(SchemaKind::Result, &doc, &value, |_| None);
    if !diagnostics.is_empty() {
        return Err((diagnostics, Some(doc.text)));
    }
    serde_json::from_value(value).map_err(|e| {
        (
            vec![Diagnostic::error(
                itss::diagnostic::Code::Schema,
                path,
                e.to_string(),
            )],
            Some(doc.text),
        )
    })
}

/// Why a document is not a result this version reads: an older result format, a
/// submission, or something else. Never guessed at: the remedy is named.
fn not_a_current_result(path: &Path, value: &serde_json::Value) -> Option<Diagnostic> {
    use itss::diagnostic::Code;
    let schema = value.get("schema").and_then(serde_json::Value::as_str);
    let message = match schema {
        Some(itss::result::SCHEMA_ID) => return None,
        Some(version) if version.starts_with("itss-result/") => format!(
            "this is an `{version}` result document; this itss reads `{}`. Assess the submission again with this version of itss (`itss assess SUBMISSION --format json`) to get a current result",
            itss::result::SCHEMA_ID
        ),
        _ if value.get("answers").is_some() || value.get("organization").is_some() => {
            "this is a submission, not a result document: assess it with `itss assess FILE` (add `--format html` for a report)".to_owned()
        }
        _ => format!(
            "this is not an itss result document (no `schema: {}`); results are written by `itss assess --format json` and `itss batch`",
            itss::result::SCHEMA_ID
        ),
    };
    Some(Diagnostic::error(Code::ResultVersion, path, message).at_pointer("/schema"))
}

fn emit(output_path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output_path {
        Some(path) => output::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            Ok(stdout.flush()?)
        }
    }
}

pub(super) fn render(args: RenderArgs) -> anyhow::Result<Exit> {
    let result = match read_result(&args.result) {
        Ok(r) => r,
        Err((diagnostics, text)) => {
            print_diagnostics(&diagnostics, text.as_deref());
            return Ok(Exit::Invalid);
        }
    };
    let renderer = match renderer(args.templates.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(Exit::Usage);
        }
    };
    let text = render_result(&renderer, &result, args.format, args.lang.into())?;
    emit(args.output.as_deref(), &text)?;
    Ok(Exit::Ok)
}

pub(super) fn diff(args: DiffArgs) -> anyhow::Result<Exit> {
    let mut results = Vec::new();
    for path in [&args.old, &args.new] {
        match read_result(path) {
            Ok(r) => results.push(r),
            Err((diagnostics, text)) => {
                print_diagnostics(&diagnostics, text.as_deref());
                return Ok(Exit::Invalid);
            }
        }
    }
    let d = diff::compare(&results[0], &results[1]);
    let text = match args.format {
        DiffFormat::Text => diff::render_text(&d),
        DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
    };
    emit(None, &text)?;
    Ok(Exit::Ok)
}
