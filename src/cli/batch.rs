//! `itss batch`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use itss::batch::{self, BatchConfig, BatchSummary};
use itss::engine::Catalogs;
use itss::output;

use super::assess::engine;
use super::{BatchArgs, Exit, OutputFormat};

use super::report::RenderFn;

fn renderer(args: &BatchArgs) -> anyhow::Result<RenderFn> {
    super::report::batch_renderer(args.templates.as_deref(), args.lang.into())
}

pub(super) fn run(args: BatchArgs) -> anyhow::Result<Exit> {
    let engine = match engine(&args.options) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let render = match renderer(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(Exit::Usage);
        }
    };
    let mut exclude = vec![args.out.clone()];
    exclude.extend(args.options.waivers.iter().cloned());
    let files = batch::discover(&args.inputs, &exclude)?;
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let element_columns = element_columns(&engine.catalogs);
    let config = BatchConfig {
        inputs: args.inputs.clone(),
        out: args.out.clone(),
        write_results: args.formats.contains(&OutputFormat::Json),
        report_formats: args
            .formats
            .iter()
            .filter_map(|f| match f {
                OutputFormat::Html => Some("html".to_owned()),
                OutputFormat::Md => Some("md".to_owned()),
                OutputFormat::Json => None,
            })
            .collect(),
        threads,
        parse_only: args.parse_only,
        require_level: args.options.require_level.clone(),
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let summary = batch::run(&engine, &files, &config, element_columns, &render, |done| {
        bar.set_position(done)
    })?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if !config.parse_only {
        write_summaries(&args, &summary)?;
    }
    let rate = if elapsed > 0.0 {
        summary.files as f64 / elapsed
    } else {
        0.0
    };
    if config.parse_only {
        eprintln!(
            "parsed {} file(s) ({} unparsable) in {elapsed:.2}s — {rate:.0} files/s on {threads} thread(s)",
            summary.parsed, summary.invalid
        );
        return Ok(Exit::Ok);
    }
    let levels: Vec<String> = summary
        .catalogs
        .iter()
        .map(|c| {
            let parts: Vec<String> = c
                .level_ids
                .iter()
                .map(String::as_str)
                .chain(["none"])
                .filter_map(|l| c.achieved.get(l).map(|n| format!("{l}:{n}")))
                .collect();
            format!("{} [{}]", c.catalog, parts.join(" "))
        })
        .collect();
    eprintln!(
        "assessed {} · invalid {}{} · levels {} · {elapsed:.2}s · {rate:.0} submissions/s ({threads} thread(s)) → {}",
        summary.assessed,
        summary.invalid,
        if summary.duplicates > 0 {
            format!(" ({} duplicate ids)", summary.duplicates)
        } else {
            String::new()
        },
        if levels.is_empty() {
            "—".to_owned()
        } else {
            levels.join(", ")
        },
        args.out.display()
    );
    let mut exit = if summary.invalid > 0 {
        Exit::Invalid
    } else {
        Exit::Ok
    };
    if exit == Exit::Ok {
        if let Some(required) = &args.options.require_level {
            let below = summary.below_required_level;
            if below > 0 {
                eprintln!("{below} submission(s) below the required level {required}");
                exit = Exit::BelowLevel;
            }
        }
    }
    Ok(exit)
}

/// Score columns of summary.csv: the elements of the catalogs in use, in catalog order.
fn element_columns(catalogs: &Catalogs) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    let all: Vec<&itss::catalog::Catalog> = match catalogs {
        Catalogs::Fixed(c) => vec![c],
        Catalogs::Bundled(map) => map.values().collect(),
    };
    for c in all {
        for e in &c.elements {
            if !columns.iter().any(|c| **c == *e.id) {
                columns.push(e.id.to_string());
            }
        }
    }
    columns
}

fn write_summaries(args: &BatchArgs, summary: &BatchSummary) -> anyhow::Result<()> {
    let path: PathBuf = args.out.join("summary.json");
    let mut json = serde_json::to_string_pretty(summary)?;
    json.push('\n');
    output::write_atomic(&path, json.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let html = super::report::summary_html(args.templates.as_deref(), args.lang.into(), summary)?;
    let path = args.out.join("summary.html");
    output::write_atomic(&path, html.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
