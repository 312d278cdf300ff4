//! `itss assess`.

use std::io::Write;

use anyhow::Context;
use itss::engine::{Engine, FileOutcome};
use itss::result::AssessmentResult;
use itss::{assess, output, summary, waiver};

use super::{AssessArgs, AssessOptions, Exit, Format, ReportArg, load_catalogs, print_diagnostics};

/// Builds the engine from the shared options (catalogs, waivers, as-of, …).
pub(super) fn engine(options: &AssessOptions) -> Result<Engine, Exit> {
    let catalogs = load_catalogs(options.catalog.as_deref(), options.max_file_size)?;
    let mut engine = Engine::new(catalogs);
    engine.max_file_size = options.max_file_size;
    engine.options = assess::Options {
        as_of: options.as_of,
        skip_evidence_files: options.no_evidence_files,
        generated_at: options.generated_at.clone(),
    };
    if let Some(path) = &options.waivers {
        match waiver::load(path, options.max_file_size) {
            Ok(w) => engine.waivers = w,
            Err((diagnostics, text)) => {
                print_diagnostics(&diagnostics, text.as_deref());
                return Err(Exit::Usage);
            }
        }
    }
    Ok(engine)
}

/// Whether a result reaches `--require-level` (an unknown level id counts as not reached).
pub(super) fn meets_level(result: &AssessmentResult, required: &str) -> bool {
    let position = |id: &str| result.levels.iter().position(|l| l.id == id);
    match (
        result.achieved_level.as_deref().and_then(position),
        position(required),
    ) {
        (Some(a), Some(r)) => a >= r,
        _ => false,
    }
}

pub(super) fn run(args: AssessArgs) -> anyhow::Result<Exit> {
    let engine = match engine(&args.options) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let mut results = Vec::new();
    let mut exit = Exit::Ok;
    for file in &args.files {
        match engine.assess_file(file) {
            FileOutcome::Assessed {
                result,
                warnings,
                text,
            } => {
                print_diagnostics(&warnings, text.as_deref());
                results.push(*result);
            }
            FileOutcome::Invalid { diagnostics, text } => {
                print_diagnostics(&diagnostics, text.as_deref());
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "{}: invalid submission ({errors} error(s)); no result",
                    file.display()
                );
                exit = Exit::Invalid;
            }
        }
    }
    if exit == Exit::Ok {
        if let Some(level) = &args.options.require_level {
            for r in results.iter().filter(|r| !meets_level(r, level)) {
                eprintln!(
                    "{}: achieved level {} is below the required level {level}",
                    r.submission.id,
                    r.achieved_level.as_deref().unwrap_or("none")
                );
                exit = Exit::BelowLevel;
            }
        }
    }
    if results.is_empty() {
        return Ok(exit);
    }
    let rendered = match args.format {
        Format::Json => {
            let mut text = if results.len() == 1 {
                serde_json::to_string_pretty(&results[0])?
            } else {
                serde_json::to_string_pretty(&results)?
            };
            text.push('\n');
            text
        }
        Format::Text => results
            .iter()
            .map(|r| summary::render(r, args.lang.into(), 10))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Md | Format::Html => {
            let renderer = match super::report::renderer(args.templates.as_deref()) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    return Ok(Exit::Usage);
                }
            };
            let format = if args.format == Format::Md {
                ReportArg::Md
            } else {
                ReportArg::Html
            };
            if results.len() > 1 && args.format == Format::Html {
                // Several HTML reports cannot share one file: -o names a directory then.
                let Some(dir) = &args.output else {
                    eprintln!("error: several HTML reports need -o DIR");
                    return Ok(Exit::Usage);
                };
                for r in &results {
                    let text =
                        super::report::render_result(&renderer, r, format, args.lang.into())?;
                    let path = dir.join(format!(
                        "{}.html",
                        itss::batch::safe_file_stem(&r.submission.id)
                    ));
                    output::write_atomic(&path, text.as_bytes())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                return Ok(exit);
            }
            let mut parts = Vec::new();
            for r in &results {
                parts.push(super::report::render_result(
                    &renderer,
                    r,
                    format,
                    args.lang.into(),
                )?);
            }
            parts.join("\n---\n\n")
        }
    };
    match &args.output {
        Some(path) => output::write_atomic(path, rendered.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(rendered.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(exit)
}
