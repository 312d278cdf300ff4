//! Output for the CLI: choosing a format from the registry ([`itss::format`]), loading the
//! templates it needs, writing its bytes; `itss render` and `itss diff`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use itss::diagnostic::Diagnostic;
use itss::format::{self, SubmissionFormat};
use itss::report::Renderer;
use itss::result::AssessmentResult;
use itss::schema::SchemaKind;
use itss::source::{self, DEFAULT_MAX_FILE_SIZE};
use itss::{diff, output};

use super::{DiffArgs, DiffFormat, Exit, RenderArgs, print_diagnostics};

/// The bundled templates, or a `--templates` directory.
pub(super) fn renderer(templates: Option<&Path>) -> anyhow::Result<Renderer> {
    match templates {
        Some(dir) => {
            Renderer::from_dir(dir).with_context(|| format!("templates in {}", dir.display()))
        }
        None => Renderer::bundled().context("bundled templates"),
    }
}

/// The format chosen: `--format`, else the one the `-o` file's extension names, else
/// `default`. An `-o` extension that no format writes is an error unless `--format` says.
pub(super) fn chosen_format(
    given: Option<&'static dyn SubmissionFormat>,
    output: Option<&Path>,
    default: &'static dyn SubmissionFormat,
) -> Result<&'static dyn SubmissionFormat, String> {
    if let Some(format) = given {
        return Ok(format);
    }
    let Some(extension) = output
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().into_owned())
    else {
        return Ok(default);
    };
    format::by_extension(&extension).ok_or_else(|| {
        let known: Vec<String> = format::SUBMISSION_FORMATS
            .iter()
            .map(|f| format!(".{} ({})", f.extension(), f.name()))
            .collect();
        format!(
            "no output format writes .{extension} files ({}); name one with --format",
            known.join(", ")
        )
    })
}

/// The template set when `format` needs one (printing why it cannot be loaded).
pub(super) fn renderer_for(
    format: &dyn SubmissionFormat,
    templates: Option<&Path>,
) -> Result<Option<Renderer>, Exit> {
    if !format.needs_templates() {
        return Ok(None);
    }
    renderer(templates).map(Some).map_err(|e| {
        eprintln!("error: {e:#}");
        Exit::Usage
    })
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

/// Writes output to `-o` (atomically) or to standard output; binary output is never sent
/// to a terminal.
pub(super) fn emit(
    output_path: Option<&Path>,
    format: &dyn SubmissionFormat,
    bytes: &[u8],
) -> anyhow::Result<()> {
    match output_path {
        Some(path) => output::write_atomic(path, bytes)
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            if format.is_binary() && stdout.is_terminal() {
                anyhow::bail!(
                    "the {} format is binary: write it to a file with -o",
                    format.name()
                );
            }
            stdout.write_all(bytes)?;
            Ok(stdout.flush()?)
        }
    }
}

pub(super) fn render(args: RenderArgs) -> anyhow::Result<Exit> {
    let format = match chosen_format(args.format, args.output.as_deref(), &format::Html) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(Exit::Usage);
        }
    };
    let result = match read_result(&args.result) {
        Ok(r) => r,
        Err((diagnostics, text)) => {
            print_diagnostics(&diagnostics, text.as_deref());
            return Ok(Exit::Invalid);
        }
    };
    let renderer = match renderer_for(format, args.templates.as_deref()) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let cx = format::Context {
        lang: args.lang.into(),
        renderer: renderer.as_ref(),
        pretty: true,
    };
    let mut bytes = Vec::new();
    format.render(&result, &cx, &mut format::Scratch::default(), &mut bytes)?;
    emit(args.output.as_deref(), format, &bytes)?;
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
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(Exit::Ok)
}
