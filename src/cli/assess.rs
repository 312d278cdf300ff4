//! `itss assess`.

use anyhow::Context as _;
use itss::diagnostic::{Loaded, Rejected};
use itss::format::{Context, Scratch, Text};
use itss::internals::engine::Engine;
use itss::internals::{assess, output, waiver};

use super::{AssessArgs, AssessOptions, Exit, clean, load_catalogs, print_diagnostics};

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
            Err(rejected) => {
                print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
                return Err(Exit::Usage);
            }
        }
    }
    Ok(engine)
}

pub(super) fn run(args: AssessArgs) -> anyhow::Result<Exit> {
    let mut engine = match engine(&args.options) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    if let Some(path) = &args.review {
        match itss::internals::review::Review::load(path, args.options.max_file_size) {
            Ok(review) => engine.reviews = itss::internals::engine::Reviews::One(Box::new(review)),
            Err(rejected) => {
                print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
                eprintln!(
                    "{}",
                    super::say(
                        &format!(
                            "{}：评审记录无效，未评估",
                            clean(&path.display().to_string())
                        ),
                        &format!(
                            "{}: invalid review; nothing assessed",
                            clean(&path.display().to_string())
                        ),
                    )
                );
                return Ok(Exit::Invalid);
            }
        }
    }
    if let Some(level) = &args.options.require_level
        && let Err(code) = super::check_required_level(&engine.catalogs, level)
    {
        return Ok(code);
    }
    let format = match super::report::chosen_format(args.format, args.output.as_deref(), &Text) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("{message}");
            return Ok(Exit::Usage);
        }
    };
    // Several results in a format holding one each: -o names a directory, never a file.
    let one_each = args.files.len() > 1 && !format.holds_several();
    if one_each && let Err(message) = super::report::output_dir(args.output.as_deref(), format) {
        eprintln!("{message}");
        return Ok(Exit::Usage);
    }
    let mut results = Vec::new();
    let mut names = itss::internals::batch::Names::default();
    let mut exit = Exit::Ok;
    for (index, file) in args.files.iter().enumerate() {
        match engine.assess_file(file) {
            Ok(Loaded {
                value: result,
                warnings,
                text,
            }) => {
                print_diagnostics(&warnings, text.as_deref());
                if let Err(earlier) = names.claim_id(&result.submission.id, index) {
                    let d = itss::internals::batch::duplicate_id(
                        file,
                        &result.submission.id,
                        &args.files[earlier],
                    );
                    print_diagnostics(&[d], None);
                    exit = Exit::Invalid;
                    continue;
                }
                results.push(*result);
            }
            Err(Rejected { diagnostics, text }) => {
                print_diagnostics(&diagnostics, text.as_deref());
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                let file = clean(&file.display().to_string());
                eprintln!(
                    "{}",
                    super::say(
                        &format!("{file}：提交无效（{errors} 个错误），无结果"),
                        &format!("{file}: invalid submission ({errors} error(s)); no result"),
                    )
                );
                exit = Exit::Invalid;
            }
        }
    }
    if exit == Exit::Ok
        && let Some(level) = &args.options.require_level
    {
        for r in &results {
            if let Some(message) = super::below_required(r, level) {
                eprintln!("{message}");
                exit = Exit::BelowLevel;
            }
        }
    }
    if results.is_empty() {
        return Ok(exit);
    }
    let renderer = match super::report::renderer_for(format, args.templates.as_deref(), args.expand)
    {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let cx = Context {
        lang: args.lang.into(),
        renderer: renderer.as_ref(),
        pretty: true,
    };
    if results.iter().any(|r| !format.applies(r)) {
        eprintln!("{}", super::report::not_reviewed(format.name()));
        return Ok(Exit::Usage);
    }
    let mut scratch = Scratch::default();
    let mut bytes = Vec::new();
    if one_each {
        // One file each, in the directory -o names (checked above), whatever number of
        // the inputs turned out valid.
        let dir = args.output.as_deref().unwrap_or(std::path::Path::new("."));
        let mut stems = itss::internals::batch::Names::default();
        for r in &results {
            bytes.clear();
            format.render(r, &cx, &mut scratch, &mut bytes)?;
            let stem = stems.stem(&r.submission.id);
            let path = dir.join(format!("{stem}.{}", format.extension()));
            output::write_atomic(&path, &bytes).with_context(|| super::writing_to(&path))?;
        }
        return Ok(exit);
    }
    match &results[..] {
        [one] => format.render(one, &cx, &mut scratch, &mut bytes)?,
        many => format.render_many(many, &cx, &mut scratch, &mut bytes)?,
    }
    super::report::emit(args.output.as_deref(), format, &bytes)?;
    Ok(exit)
}
