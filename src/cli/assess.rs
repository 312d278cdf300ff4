//! `itss assess`.

use anyhow::Context as _;
use itss::engine::{Engine, FileOutcome};
use itss::format::{Context, FormatError, Scratch, Text};
use itss::{assess, output, waiver};

use super::{AssessArgs, AssessOptions, Exit, load_catalogs, print_diagnostics};

/// Builds the engine from the shared options (catalogs, waivers, as-of, …).
pub(super) fn engine(options: &AssessOptions) -> Result<Engine, Exit> {
    let catalogs = load_catalogs(options.catalog.as_deref(), options.max_file_size)?;
    let mut engine = Engine::new(catalogs);
    engine.max_file_size = options.max_file_size;
    engine.options = assess::Options {
        as_of: options.as_of,
        skip_evidence_files: options.no_evidence_files,
        max_evidence_size: options.max_evidence_size,
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

pub(super) fn run(args: AssessArgs) -> anyhow::Result<Exit> {
    let engine = match engine(&args.options) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let format = match super::report::chosen_format(args.format, args.output.as_deref(), &Text) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(Exit::Usage);
        }
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
            for r in results.iter().filter(|r| !r.reaches(level)) {
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
    let renderer = match super::report::renderer_for(format, args.templates.as_deref()) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let cx = Context {
        lang: args.lang.into(),
        renderer: renderer.as_ref(),
        pretty: true,
    };
    let mut scratch = Scratch::default();
    let mut bytes = Vec::new();
    match &results[..] {
        [one] => format.render(one, &cx, &mut scratch, &mut bytes)?,
        many => match format.render_many(many, &cx, &mut scratch, &mut bytes) {
            Ok(()) => {}
            Err(FormatError::OneEach(_)) => {
                // Several reports cannot share one file: -o names a directory then.
                let Some(dir) = &args.output else {
                    eprintln!(
                        "error: several {} reports need -o DIR (one file each)",
                        format.name()
                    );
                    return Ok(Exit::Usage);
                };
                for r in many {
                    bytes.clear();
                    format.render(r, &cx, &mut scratch, &mut bytes)?;
                    let path = dir.join(format!(
                        "{}.{}",
                        itss::batch::safe_file_stem(&r.submission.id),
                        format.extension()
                    ));
                    output::write_atomic(&path, &bytes)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                return Ok(exit);
            }
            Err(e) => return Err(e.into()),
        },
    }
    super::report::emit(args.output.as_deref(), format, &bytes)?;
    Ok(exit)
}
