//! `itss review init`, `itss review status` and `itss agree`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use itss::diagnostic::{Code, Diagnostic};
use itss::internals::catalog::Catalog;
use itss::internals::engine::{Catalogs, Engine};
use itss::internals::review::{self, Review, SkeletonOptions};
use itss::internals::source::DEFAULT_MAX_FILE_SIZE;
use itss::internals::submission::Submission;
use itss::result::review::{AgreementStats, NonconformityState};
use serde_json::json;

use super::{
    AgreeArgs, Exit, ReviewInitArgs, ReviewStatusArgs, SkeletonForm, TextOrJson, clean, lang,
    load_catalogs, print_diagnostics, say,
};

/// The engine of a command: the catalog file given, else the bundled catalogs (their
/// problems printed).
fn engine_for(catalog: Option<&Path>) -> Result<Engine, Exit> {
    load_catalogs(catalog, DEFAULT_MAX_FILE_SIZE).map(Engine::new)
}

/// Reads and validates a submission with the catalog it names, printing what is wrong.
fn load_submission<'e>(engine: &'e Engine, path: &Path) -> Result<(Submission, &'e Catalog), Exit> {
    match engine.load_submission(path) {
        Ok((loaded, catalog)) => {
            print_diagnostics(&loaded.warnings, loaded.text.as_deref());
            Ok((loaded.value, catalog))
        }
        Err(rejected) => {
            print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
            Err(Exit::Invalid)
        }
    }
}

fn load_review(path: &Path) -> Result<Review, Exit> {
    Review::load(path, DEFAULT_MAX_FILE_SIZE).map_err(|rejected| {
        print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
        Exit::Invalid
    })
}

pub(super) fn init(args: ReviewInitArgs) -> anyhow::Result<Exit> {
    if args.output.exists() {
        eprintln!(
            "{}",
            say(
                &format!(
                    "错误：{} 已存在；不覆盖可能已填写的评审记录",
                    clean(&args.output.display().to_string())
                ),
                &format!(
                    "error: {} exists; not overwriting a review that may hold the team's findings",
                    clean(&args.output.display().to_string())
                ),
            )
        );
        return Ok(Exit::Usage);
    }
    let engine = match engine_for(args.catalog.as_deref()) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let (submission, catalog) = match load_submission(&engine, &args.submission) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let typed = args
        .up_to_level
        .as_deref()
        .or(submission.target_level.as_deref());
    let up_to = match typed {
        None => catalog.levels.len().saturating_sub(1),
        Some(typed) => match catalog
            .find_level(typed)
            .and_then(|id| catalog.level_index(id))
        {
            Some(i) => i,
            None => {
                let names: Vec<String> = catalog
                    .levels
                    .iter()
                    .map(|l| format!("{} {}", l.id, l.name.get(lang())))
                    .collect();
                eprintln!(
                    "{}",
                    say(
                        &format!(
                            "错误：{} 不是评估准则“{}”的等级（可用：{}）",
                            clean(typed),
                            catalog.id,
                            names.join("、")
                        ),
                        &format!(
                            "error: {} is not a level of catalog {} (levels: {})",
                            clean(typed),
                            catalog.id,
                            names.join(", ")
                        ),
                    )
                );
                return Ok(Exit::Usage);
            }
        },
    };
    let drawn = review::sample(catalog, &submission, args.seed, args.rate, up_to);
    let text = review::skeleton(
        catalog,
        &submission,
        &drawn,
        &SkeletonOptions {
            seed: args.seed,
            rate: args.rate,
            up_to,
            up_to_given: args.up_to_level.as_deref(),
            body: args.body.as_deref(),
            lead: args.lead.as_deref(),
            lang: args.lang.into(),
        },
    );
    let xlsx = match args.format {
        Some(form) => form == SkeletonForm::Xlsx,
        None => itss::internals::source::is_xlsx(&args.output),
    };
    let bytes = if xlsx {
        // The workbook holds the value the YAML skeleton reads as.
        let (_, value) = itss::internals::source::parse(&args.output, text, DEFAULT_MAX_FILE_SIZE)
            .map_err(|r| anyhow::anyhow!("{:?}", r.diagnostics))?;
        itss::internals::workbook::review(catalog, &value, up_to, args.lang.into())?
    } else {
        text.into_bytes()
    };
    itss::internals::output::write_atomic(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let drawn = drawn.len();
    eprintln!(
        "{}",
        say(
            &format!(
                "已写入 {}：抽取 {drawn} 项证据待查",
                clean(&args.output.display().to_string())
            ),
            &format!(
                "wrote {}: {drawn} evidence item(s) drawn for inspection",
                clean(&args.output.display().to_string())
            ),
        )
    );
    Ok(Exit::Ok)
}

pub(super) fn status(args: ReviewStatusArgs) -> anyhow::Result<Exit> {
    let review = match load_review(&args.review) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let as_of = args
        .as_of
        .or(review.as_of)
        .unwrap_or_else(super::template::today);
    let ncs = review.nonconformities_as_of(as_of);
    let not_closed: Vec<_> = ncs
        .iter()
        .filter(|n| n.state != NonconformityState::Closed)
        .collect();
    if args.format == TextOrJson::Json {
        let doc = json!({
            "review": review.source.display().to_string(),
            "submission": review.submission_id,
            "as_of": as_of.to_string(),
            "final": not_closed.is_empty(),
            "nonconformities": ncs,
        });
        super::write_stdout(format!("{}\n", serde_json::to_string_pretty(&doc)?).as_bytes())?;
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        say(
            &format!(
                "提交 {} 的评审，截至 {as_of}：不符合项 {} 项，已关闭并验证 {} 项",
                review.submission_id,
                ncs.len(),
                ncs.len() - not_closed.len()
            ),
            &format!(
                "Review of submission {} as of {as_of}: {} nonconformity(ies), {} closed and verified",
                review.submission_id,
                ncs.len(),
                ncs.len() - not_closed.len()
            ),
        )
    );
    if not_closed.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            say(
                "全部不符合项已关闭并经验证：评审等级为最终结果。",
                "Every nonconformity is closed and verified: the reviewed level is final.",
            )
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            say(
                "尚有未关闭或未验证的不符合项：评审等级为暂定结果。",
                "Some nonconformities are open or unverified: the reviewed level is provisional.",
            )
        );
        let mut by_owner: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for nc in &not_closed {
            by_owner
                .entry(nc.owner.as_deref().unwrap_or(""))
                .or_default()
                .push(*nc);
        }
        for (owner, items) in by_owner {
            let owner = if owner.is_empty() {
                say("（未指定负责人）", "(no owner)").to_owned()
            } else {
                owner.to_owned()
            };
            let _ = writeln!(out, "\n{owner}");
            for nc in items {
                let line = itss::internals::summary::nonconformity_line(nc, lang());
                let _ = writeln!(out, "  {line}");
                let _ = writeln!(out, "      {}", nc.statement.get(lang()));
            }
        }
    }
    super::print_text(&out)?;
    Ok(Exit::Ok)
}

pub(super) fn agree(args: AgreeArgs) -> anyhow::Result<Exit> {
    let (first, second) = match (load_review(&args.first), load_review(&args.second)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return Ok(code),
    };
    if first.submission_id != second.submission_id
        || first.submission_sha256 != second.submission_sha256
    {
        let d = Diagnostic::error(
            Code::ReviewMismatch,
            &second.source,
            itss::diagnostic::msg("agree")
                .arg("first", first.source.display())
                .arg("second", second.source.display()),
        );
        print_diagnostics(&[d], None);
        return Ok(Exit::Invalid);
    }
    let mut declared = BTreeMap::new();
    let engine = match engine_for(args.catalog.as_deref()) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let catalog: Option<&Catalog> = match &args.submission {
        Some(path) => {
            let (submission, catalog) = match load_submission(&engine, path) {
                Ok(x) => x,
                Err(code) => return Ok(code),
            };
            for r in [&first, &second] {
                let problems = r.check(&submission, catalog);
                if !problems.is_empty() {
                    print_diagnostics(&problems, r.text());
                    return Ok(Exit::Invalid);
                }
            }
            declared = submission
                .answers
                .iter()
                .map(|(id, a)| (id.clone(), a.rating))
                .collect();
            Some(catalog)
        }
        None => {
            let named = review::criteria_named([&first, &second]);
            match &engine.catalogs {
                Catalogs::Fixed(c) => Some(c.as_ref()),
                Catalogs::Bundled(map) => map
                    .values()
                    .find(|c| named.iter().all(|id| c.criterion_index(id).is_some())),
            }
        }
    };
    let levels = catalog.as_ref().map_or(0, |c| c.levels.len());
    let (overall, per_level) = review::agree(&first, &second, &declared, levels, |id| {
        let c = catalog.as_ref()?;
        c.criterion_index(id).map(|i| c.criteria[i].level)
    });
    let level_names: Vec<(String, String)> = catalog.as_ref().map_or_else(Vec::new, |c| {
        c.levels
            .iter()
            .map(|l| {
                (
                    l.id.to_string(),
                    itss::internals::summary::level_label(&l.id, l.name.get(lang()), lang()),
                )
            })
            .collect()
    });
    if args.format == TextOrJson::Json {
        let levels: Vec<_> = level_names
            .iter()
            .zip(&per_level)
            .map(|((id, _), s)| {
                let mut v = serde_json::to_value(s).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("level".into(), json!(id));
                }
                v
            })
            .collect();
        let doc = json!({
            "submission": first.submission_id,
            "first": first.source.display().to_string(),
            "second": second.source.display().to_string(),
            "overall": overall,
            "levels": levels,
        });
        super::write_stdout(format!("{}\n", serde_json::to_string_pretty(&doc)?).as_bytes())?;
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        say(
            &format!(
                "两位评估人员对提交 {} 的评审一致性（仅比较双方都有意见、且评为符合/部分符合/不符合的条款）",
                first.submission_id
            ),
            &format!(
                "Agreement between two reviews of submission {} (criteria both have a view on, rated conform / partial / nonconform)",
                first.submission_id
            ),
        )
    );
    let _ = writeln!(
        out,
        "  {}: {}\n  {}: {}",
        say("甲", "first"),
        first.source.display(),
        say("乙", "second"),
        second.source.display()
    );
    let _ = writeln!(out, "{}", stats_line(say("总体", "overall"), &overall));
    for ((_, label), s) in level_names.iter().zip(&per_level) {
        if s.compared > 0 {
            let _ = writeln!(out, "{}", stats_line(label, s));
        }
    }
    if catalog.is_none() {
        let _ = writeln!(
            out,
            "{}",
            say(
                "（未找到包含全部条款的评估准则：不分等级统计；可用 --submission 或 --catalog 指定）",
                "(no catalog holds every criterion named: no per-level figures; give --submission or --catalog)",
            )
        );
    }
    super::print_text(&out)?;
    Ok(Exit::Ok)
}

fn stats_line(label: &str, s: &AgreementStats) -> String {
    let pct = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0));
    let kappa = s.kappa.map_or_else(
        || {
            say(
                "无法计算（无预期分歧）",
                "undefined (no expected disagreement)",
            )
            .to_owned()
        },
        |k| format!("{k:.4}"),
    );
    say(
        &format!(
            "  {label}：比较 {} 条，一致 {}，乙低于甲 {}，乙高于甲 {}；一致率 {}；加权 κ {kappa}",
            s.compared,
            s.confirmed,
            s.lowered,
            s.raised,
            pct(s.agreement)
        ),
        &format!(
            "  {label}: {} compared, {} same, {} lower in the second, {} higher in the second; agreement {}; weighted κ {kappa}",
            s.compared,
            s.confirmed,
            s.lowered,
            s.raised,
            pct(s.agreement)
        ),
    )
    .to_owned()
}
