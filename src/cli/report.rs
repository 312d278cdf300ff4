//! Output for the CLI: choosing a format from the registry ([`itss::format`]), loading the
//! templates it needs, writing its bytes; `itss render` and `itss diff`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;
use itss::diagnostic::{Diagnostic, Rejected};
use itss::format::{self, SubmissionFormat};
use itss::internals::report::Renderer;
use itss::internals::schema::SchemaKind;
use itss::internals::source::{self, DEFAULT_MAX_FILE_SIZE};
use itss::internals::{diff, output};
use itss::result::AssessmentResult;

use super::{DiffArgs, DiffFormat, Exit, RenderArgs, print_diagnostics};

/// The bundled templates, or a `--templates` directory.
pub(super) fn renderer(templates: Option<&Path>, expand: bool) -> anyhow::Result<Renderer> {
    let renderer = match templates {
        Some(dir) => Renderer::from_dir(dir).with_context(|| {
            super::say(
                &format!("无法加载模板目录 {}", dir.display()),
                &format!("templates in {}", dir.display()),
            )
            .to_owned()
        }),
        None => Renderer::bundled().context(super::say("内置模板", "bundled templates")),
    }?;
    Ok(renderer.expanded(expand))
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
        let extension = super::clean(&extension);
        super::say(
            &format!(
                "错误：没有输出格式写 .{extension} 文件（可用：{}）；请用 --format 指定格式",
                known.join("、")
            ),
            &format!(
                "error: no output format writes .{extension} files ({}); name one with --format",
                known.join(", ")
            ),
        )
        .to_owned()
    })
}

/// Checks that `-o` can hold one file per submission: an existing directory, or a new path
/// without an extension (made as a directory). A path that looks like a file is refused, so
/// several reports never silently become a directory named `two.html`.
pub(super) fn output_dir(
    output: Option<&Path>,
    format: &dyn SubmissionFormat,
) -> Result<(), String> {
    let name = format.name();
    let Some(dir) = output else {
        return Err(super::say(
            &format!("错误：多个 {name} 报告需要用 -o 目录 指定存放目录（每份一个文件）"),
            &format!("error: several {name} reports need -o DIR (one file each)"),
        )
        .to_owned());
    };
    if dir.is_dir() || (!dir.exists() && dir.extension().is_none()) {
        return Ok(());
    }
    let shown = super::clean(&dir.display().to_string());
    Err(super::say(
        &format!("错误：多个 {name} 报告各写一个文件，-o 须为目录，而 {shown} 是文件名"),
        &format!("error: several {name} reports are written one file each: -o must name a directory, and {shown} names a file"),
    )
    .to_owned())
}

/// The template set when `format` needs one (printing why it cannot be loaded).
pub(super) fn renderer_for(
    format: &dyn SubmissionFormat,
    templates: Option<&Path>,
    expand: bool,
) -> Result<Option<Renderer>, Exit> {
    if !format.needs_templates() {
        return Ok(None);
    }
    renderer(templates, expand).map(Some).map_err(|e| {
        eprintln!("{}", super::error_line(&e));
        Exit::Usage
    })
}

/// Reads a stored result document, validating it against the result schema.
fn read_result(path: &Path) -> Result<AssessmentResult, Rejected> {
    let text = source::read_text(path, itss::result::MAX_RESULT_SIZE)
        .map_err(|d| Rejected::one(d, None))?;
    let (doc, value) = match source::parse_json(path, text, itss::result::MAX_RESULT_SIZE) {
        Ok(parsed) => parsed,
        Err(e) => {
            // Not JSON: a YAML submission given by mistake is named as such.
            let text = e.text.clone().unwrap_or_default();
            if let Ok((_, value)) = source::parse(path, text, DEFAULT_MAX_FILE_SIZE)
                && let Some(d) = not_a_current_result(path, &value)
            {
                return Err(Rejected::one(d, e.text));
            }
            return Err(e);
        }
    };
    if let Some(d) = not_a_current_result(path, &value) {
        return Err(Rejected::one(d, Some(doc.text)));
    }
    let diagnostics = itss::internals::schema::check(SchemaKind::Result, &doc, &value, |_| None);
    if !diagnostics.is_empty() {
        return Err(Rejected {
            diagnostics,
            text: Some(doc.text),
        });
    }
    serde_json::from_value(value).map_err(|e| {
        Rejected::one(
            Diagnostic::error(
                itss::diagnostic::Code::Schema,
                path,
                itss::diagnostic::msg("decode").text("detail", e.to_string(), ""),
            ),
            Some(doc.text),
        )
    })
}

/// Why a document is not a result this version reads: an older result format, a
/// submission, or something else. Never guessed at: the remedy is named.
fn not_a_current_result(path: &Path, value: &serde_json::Value) -> Option<Diagnostic> {
    use itss::diagnostic::Code;
    let schema = value.get("schema").and_then(serde_json::Value::as_str);
    let current = itss::result::SCHEMA_ID;
    let message = match schema {
        Some(version) if version == current => return None,
        Some(version) if version.starts_with("itss-result/") => {
            itss::diagnostic::msg("older").arg("version", version)
        }
        _ if value.get("answers").is_some() || value.get("organization").is_some() => {
            itss::diagnostic::msg("submission")
        }
        _ => itss::diagnostic::msg(""),
    };
    Some(
        Diagnostic::error(Code::ResultVersion, path, message.arg("current", current))
            .at_pointer("/schema"),
    )
}

/// Writes output to `-o` (atomically) or to standard output; binary output is never sent
/// to a terminal.
pub(super) fn emit(
    output_path: Option<&Path>,
    format: &dyn SubmissionFormat,
    bytes: &[u8],
) -> anyhow::Result<()> {
    match output_path {
        Some(path) => output::write_atomic(path, bytes).with_context(|| super::writing_to(path)),
        None => {
            if format.is_binary() && std::io::stdout().is_terminal() {
                anyhow::bail!(
                    "{}",
                    super::say(
                        &format!("{} 格式是二进制文件：请用 -o 写入文件", format.name()),
                        &format!(
                            "the {} format is binary: write it to a file with -o",
                            format.name()
                        ),
                    )
                );
            }
            super::write_stdout(bytes)
        }
    }
}

pub(super) fn render(args: RenderArgs) -> anyhow::Result<Exit> {
    let format = match chosen_format(args.format, args.output.as_deref(), &format::Html) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("{}{message}", super::say("错误：", "error: "));
            return Ok(Exit::Usage);
        }
    };
    let result = match read_result(&args.result) {
        Ok(r) => r,
        Err(Rejected { diagnostics, text }) => {
            print_diagnostics(&diagnostics, text.as_deref());
            return Ok(Exit::Invalid);
        }
    };
    let renderer = match renderer_for(format, args.templates.as_deref(), args.expand) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let cx = format::Context {
        lang: args.lang.into(),
        renderer: renderer.as_ref(),
        pretty: true,
    };
    if !format.applies(&result) {
        eprintln!("{}", not_reviewed(format.name()));
        return Ok(Exit::Usage);
    }
    let mut bytes = Vec::new();
    format.render(&result, &cx, &mut format::Scratch::default(), &mut bytes)?;
    emit(args.output.as_deref(), format, &bytes)?;
    Ok(Exit::Ok)
}

/// Why a review document cannot be made of a self-assessment.
pub(super) fn not_reviewed(format: &str) -> String {
    super::say(
        &format!("错误：{format} 是评审文件（不符合项报告或整改计划），只能由按评审评估的结果生成：请加 --review 评审记录"),
        &format!("error: {format} is a document of a review (nonconformity report or action plan); it needs a result assessed with --review REVIEW"),
    )
    .to_owned()
}

pub(super) fn diff(args: DiffArgs) -> anyhow::Result<Exit> {
    let mut results = Vec::new();
    for path in [&args.old, &args.new] {
        match read_result(path) {
            Ok(r) => results.push(r),
            Err(Rejected { diagnostics, text }) => {
                print_diagnostics(&diagnostics, text.as_deref());
                return Ok(Exit::Invalid);
            }
        }
    }
    let d = diff::compare(&results[0], &results[1], args.lang.into());
    match args.format {
        DiffFormat::Text => super::print_text(&diff::render_text(&d, args.lang.into()))?,
        DiffFormat::Json => {
            super::write_stdout((serde_json::to_string_pretty(&d)? + "\n").as_bytes())?
        }
    }
    Ok(Exit::Ok)
}
