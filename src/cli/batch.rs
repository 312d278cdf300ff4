//! `itss batch`.

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use itss::format::{COHORT_FORMATS, CohortContext, Context};
use itss::internals::batch::{self, BatchConfig};
use itss::internals::engine::Catalogs;

use super::assess::engine;
use super::{BatchArgs, Exit};

/// The most worker threads a batch runs (`-j`): more only adds memory and start-up time.
pub(super) const MAX_THREADS: usize = 256;

pub(super) fn run(args: BatchArgs) -> anyhow::Result<Exit> {
    let mut engine = match engine(&args.options) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let mut reviews_given = None;
    if let Some(dir) = &args.reviews {
        let (by_id, apart) =
            match itss::internals::review::load_dir(dir, args.options.max_file_size) {
                Ok(x) => x,
                Err(e) => {
                    let dir = itss::internals::report::escape::clean(&dir.display().to_string())
                        .into_owned();
                    eprintln!(
                        "{}",
                        super::say(
                            &format!("错误：无法读取评审目录 {dir}：{e}"),
                            &format!("error: cannot read the reviews folder {dir}: {e}"),
                        )
                    );
                    return Ok(Exit::Usage);
                }
            };
        // A review whose submission cannot even be named is reported and left out; the
        // others travel with their submission (a rejected one makes it invalid).
        for rejected in &apart {
            super::print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
        }
        reviews_given = Some(by_id.len() + apart.len());
        engine.reviews = itss::internals::engine::Reviews::ById(by_id);
    }
    if let Some(level) = &args.options.require_level
        && let Err(code) = super::check_required_level(&engine.catalogs, level)
    {
        return Ok(code);
    }
    // The batch summary page needs the templates whatever the per-submission formats.
    let renderer = match super::report::renderer(args.templates.as_deref(), args.expand) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", super::error_line(&e));
            return Ok(Exit::Usage);
        }
    };
    let mut exclude = vec![args.out.clone()];
    exclude.extend(args.options.waivers.iter().cloned());
    exclude.extend(args.reviews.iter().cloned());
    let symlinks = if args.follow_symlinks {
        batch::Symlinks::Follow
    } else {
        batch::Symlinks::Inside
    };
    let files = batch::discover(&args.inputs, &exclude, symlinks)?;
    let threads = match args.jobs {
        Some(n) if n as usize > MAX_THREADS => {
            eprintln!(
                "{}",
                super::say(
                    &format!("注意：-j {n} 超过上限，按 {MAX_THREADS} 个线程运行"),
                    &format!("note: -j {n} is above the maximum; running {MAX_THREADS} threads"),
                )
            );
            MAX_THREADS
        }
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS)),
    };
    let mut formats = args.formats.clone();
    let mut seen = Vec::new();
    formats.retain(|f| {
        let new = !seen.contains(&f.name());
        seen.push(f.name());
        new
    });
    let config = BatchConfig {
        inputs: args.inputs.clone(),
        out: args.out.clone(),
        formats,
        cohort_formats: COHORT_FORMATS.to_vec(),
        threads,
        parse_only: args.parse_only,
        require_level: args.options.require_level.clone(),
    };
    let cx = Context {
        lang: args.lang.into(),
        renderer: Some(&renderer),
        pretty: false,
    };
    let cohort_cx = CohortContext {
        lang: args.lang.into(),
        renderer: Some(&renderer),
        catalogs: catalog_elements(&engine.catalogs),
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
    let summary = match batch::run(&engine, &files, &config, &cx, &cohort_cx, |done| {
        bar.set_position(done)
    }) {
        Ok(summary) => summary,
        Err(batch::BatchError::OutDir {
            path,
            reason,
            reason_zh,
        }) => {
            bar.finish_and_clear();
            let path = super::clean(&path.display().to_string());
            eprintln!(
                "{}",
                super::say(
                    &format!("错误：无法写入 {path}：{reason_zh}"),
                    &format!("error: cannot write into {path}: {reason}"),
                )
            );
            return Ok(Exit::Usage);
        }
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let rate = if elapsed > 0.0 {
        summary.files as f64 / elapsed
    } else {
        0.0
    };
    if config.parse_only {
        let (parsed, invalid) = (summary.parsed, summary.invalid);
        eprintln!(
            "{}",
            super::say(
                &format!(
                    "已解析 {parsed} 个文件（{invalid} 个无法解析），用时 {elapsed:.2} 秒 · 每秒 {rate:.0} 个（{threads} 个线程）"
                ),
                &format!(
                    "parsed {parsed} file(s) ({invalid} unparsable) in {elapsed:.2}s — {rate:.0} files/s on {threads} thread(s)"
                ),
            )
        );
        return Ok(Exit::Ok);
    }
    let lang = super::lang();
    let levels: Vec<String> = summary
        .catalogs
        .iter()
        .map(|c| {
            let mut parts: Vec<String> = c
                .levels
                .iter()
                .filter_map(|l| {
                    let n = c.achieved.get(&l.id)?;
                    let label =
                        itss::internals::summary::level_label(&l.id, l.name.get(lang), lang);
                    Some(format!("{label} {n}"))
                })
                .collect();
            if let Some(n) = c.achieved.get("none") {
                parts.push(format!("{} {n}", super::say("未达到任何等级", "no level")));
            }
            format!("{} [{}]", c.catalog, parts.join(super::say("，", ", ")))
        })
        .collect();
    let levels = if levels.is_empty() {
        "—".to_owned()
    } else {
        levels.join(super::say("；", "; "))
    };
    let out = super::clean(&args.out.display().to_string());
    let duplicates = summary.duplicates;
    eprintln!(
        "{}",
        super::say(
            &format!(
                "已评估 {} 份 · 无效 {} 份{} · 等级分布 {levels} · 用时 {elapsed:.2} 秒 · 每秒 {rate:.0} 份（{threads} 个线程）→ {out}",
                summary.assessed,
                summary.invalid,
                if duplicates > 0 {
                    format!("（其中重复编号 {duplicates} 份）")
                } else {
                    String::new()
                },
            ),
            &format!(
                "assessed {} · invalid {}{} · levels {levels} · {elapsed:.2}s · {rate:.0} submissions/s ({threads} thread(s)) → {out}",
                summary.assessed,
                summary.invalid,
                if duplicates > 0 {
                    format!(" ({duplicates} duplicate ids)")
                } else {
                    String::new()
                },
            ),
        )
    );
    if let Some(given) = reviews_given {
        let used: u64 = summary.catalogs.iter().map(|c| c.reviews.reviewed).sum();
        eprintln!(
            "{}",
            super::say(
                &format!(
                    "评审记录 {given} 份：{used} 份提交按评审评估（其余评审未找到对应提交，或评审无效，见上文及 errors.jsonl）"
                ),
                &format!(
                    "{given} review file(s): {used} submission(s) assessed on their review (the others matched no submission or were invalid: see above and errors.jsonl)"
                ),
            )
        );
    }
    let mut exit = if summary.invalid > 0 {
        Exit::Invalid
    } else {
        Exit::Ok
    };
    if exit == Exit::Ok
        && let Some(required) = &args.options.require_level
    {
        let below = summary.below_required_level;
        if below > 0 {
            let required = super::clean(required);
            eprintln!(
                "{}",
                super::say(
                    &format!("{below} 份提交低于要求的等级 {required}"),
                    &format!("{below} submission(s) below the required level {required}"),
                )
            );
            exit = Exit::BelowLevel;
        }
    }
    Ok(exit)
}

/// Every catalog a batch can assess against, with its element ids in catalog order.
fn catalog_elements(catalogs: &Catalogs) -> Vec<(String, Vec<String>)> {
    let all: Vec<&itss::internals::catalog::Catalog> = match catalogs {
        Catalogs::Fixed(c) => vec![c],
        Catalogs::Bundled(map) => map.values().collect(),
    };
    all.into_iter()
        .map(|c| {
            (
                c.id.clone(),
                c.elements.iter().map(|e| e.id.to_string()).collect(),
            )
        })
        .collect()
}
