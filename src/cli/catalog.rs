//! `itss catalog list|check|show`.

use std::fmt::Write as _;

use itss::internals::catalog::{self, Catalog, PrerequisiteKind};
use itss::internals::source::DEFAULT_MAX_FILE_SIZE;
use itss::text::Lang;

use super::{CatalogCommand, Exit, catalog_by_id_or_path, print_diagnostics, print_text, say};

pub(super) fn run(cmd: CatalogCommand) -> anyhow::Result<Exit> {
    match cmd {
        CatalogCommand::List => {
            let mut out = String::new();
            for id in catalog::bundled_ids() {
                let Some(load) = catalog::bundled(id) else {
                    continue;
                };
                let _ = match load.ok().map(|l| l.value) {
                    Some(c) => writeln!(
                        out,
                        "{:<10} {:<6} {:<4} {:>4} {}  {} / {}{}",
                        c.id,
                        c.version,
                        c.levels.len(),
                        c.criteria.len(),
                        say("条", "criteria"),
                        c.title.zh,
                        c.title.en.as_deref().unwrap_or(""),
                        if c.official {
                            ""
                        } else {
                            say("  （本项目衍生，非官方）", "  (derived, not official)")
                        }
                    ),
                    None => writeln!(
                        out,
                        "{id:<10} {}",
                        say(
                            &format!("（无法加载：请运行 itss catalog check rules/{id}.yaml）"),
                            &format!("(does not load: run `itss catalog check rules/{id}.yaml`)"),
                        )
                    ),
                };
            }
            print_text(&out)?;
            Ok(Exit::Ok)
        }
        CatalogCommand::Check { files, .. } => {
            let mut exit = Exit::Ok;
            for file in &files {
                let (catalog, diagnostics, text) =
                    itss::diagnostic::split(catalog::load(file, DEFAULT_MAX_FILE_SIZE, false));
                print_diagnostics(&diagnostics, text.as_deref());
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                let warnings = diagnostics.len() - errors;
                let file = file.display();
                let line = match &catalog {
                    Some(c) => match super::lang() {
                        Lang::Zh => format!(
                            "{file}：通过 —— 评估目录 {}，版本 {}，{} 个等级，{} 条条款{}\n",
                            c.id,
                            c.version,
                            c.levels.len(),
                            c.criteria.len(),
                            if warnings > 0 {
                                format!("，{warnings} 个警告")
                            } else {
                                String::new()
                            }
                        ),
                        Lang::En => format!(
                            "{file}: ok — catalog {} version {}, {} levels, {} criteria{}\n",
                            c.id,
                            c.version,
                            c.levels.len(),
                            c.criteria.len(),
                            if warnings > 0 {
                                format!(", {warnings} warning(s)")
                            } else {
                                String::new()
                            }
                        ),
                    },
                    None => {
                        exit = Exit::Usage;
                        say(
                            &format!("{file}：{errors} 个错误\n"),
                            &format!("{file}: {errors} error(s)\n"),
                        )
                        .to_owned()
                    }
                };
                print_text(&line)?;
            }
            Ok(exit)
        }
        CatalogCommand::Show { id, lang } => match catalog_by_id_or_path(&id) {
            Ok(c) => {
                print_text(&overview(&c, lang.into()))?;
                Ok(Exit::Ok)
            }
            Err(code) => Ok(code),
        },
    }
}

fn overview(c: &Catalog, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let w = |zh_text: &'static str, en_text: &'static str| if zh { zh_text } else { en_text };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} ({} {})",
        c.id,
        c.title.get(lang),
        w("版本", "version"),
        c.version
    );
    let _ = writeln!(out, "{} {}", w("依据标准：", "standard:"), c.standard);
    if !c.official {
        let _ = writeln!(
            out,
            "{}",
            w(
                "本项目衍生，不是 ITSS 官方评估方案",
                "derived by this project, not an official ITSS scheme"
            )
        );
    }
    if let Some(notice) = &c.notice {
        let _ = writeln!(out, "{}", notice.get(lang));
    }
    let _ = writeln!(out, "{} sha256:{}", w("摘要：", "digest:  "), c.digest);
    let policy = match (c.policy, zh) {
        (catalog::Policy::AllConform { partial_is_met }, true) => format!(
            "全部符合（部分符合{}计为满足）",
            if partial_is_met { "" } else { "不" }
        ),
        (catalog::Policy::AllConform { partial_is_met }, false) => {
            format!("all-conform (partial counts as met: {partial_is_met})")
        }
        (catalog::Policy::Threshold { element_threshold }, true) => {
            format!("要素得分阈值 {}", f64::from(element_threshold) / 1000.0)
        }
        (catalog::Policy::Threshold { element_threshold }, false) => {
            format!("threshold {}", f64::from(element_threshold) / 1000.0)
        }
    };
    let _ = writeln!(
        out,
        "{} {policy}{}{}",
        w("判定：", "policy:  "),
        w("；部分符合得分 ", "; partial credit "),
        f64::from(c.partial_credit) / 1000.0
    );
    let _ = writeln!(
        out,
        "\n{}",
        w("各等级 × 要素的条款数：", "criteria per level × element:")
    );
    let labels: Vec<String> = c
        .levels
        .iter()
        .map(|l| itss::internals::summary::level_label(&l.id, l.name.get(lang), lang))
        .collect();
    let first = labels
        .iter()
        .map(|l| itss::text::display_width(l) + 2)
        .max()
        .unwrap_or(0)
        .max(18);
    let _ = write!(out, "{}", itss::text::pad(w("等级", "level"), first));
    for e in &c.elements {
        let name = e.name.get(lang);
        let width = 12usize.saturating_sub(itss::text::display_width(name));
        let _ = write!(out, "{}{name}", " ".repeat(width));
    }
    let _ = writeln!(out, "{:>8}", w("合计", "total"));
    for (li, label) in labels.iter().enumerate() {
        let _ = write!(out, "{}", itss::text::pad(label, first));
        let mut total = 0;
        for ei in 0..c.elements.len() {
            let n = c
                .criteria
                .iter()
                .filter(|x| x.level == li && x.element == ei)
                .count();
            total += n;
            let _ = write!(out, "{n:>12}");
        }
        let _ = writeln!(out, "{total:>8}");
    }
    let _ = writeln!(
        out,
        "{}{:>width$}",
        itss::text::pad(w("全部", "all"), first),
        c.criteria.len(),
        width = 12 * c.elements.len() + 8
    );
    if !c.prerequisites.is_empty() {
        let _ = writeln!(out, "\n{}", w("前提条件：", "prerequisites:"));
        let level_name = |i: usize| {
            let l = &c.levels[i];
            itss::internals::summary::level_label(&l.id, l.name.get(lang), lang)
        };
        for p in &c.prerequisites {
            let rule = match (&p.kind, zh) {
                (PrerequisiteKind::Flag { field }, true) => {
                    format!(
                        "{}为是",
                        itss::internals::submission::field_label(field).get(lang)
                    )
                }
                (PrerequisiteKind::Flag { field }, false) => {
                    format!("organization.{field} is true")
                }
                (PrerequisiteKind::MonthsSince { field, months }, true) => format!(
                    "{}距评估基准日满 {months} 个月",
                    itss::internals::submission::field_label(field).get(lang)
                ),
                (PrerequisiteKind::MonthsSince { field, months }, false) => {
                    format!("organization.{field} at least {months} full months ago")
                }
                (PrerequisiteKind::Certificate { level, months_held }, true) => format!(
                    "持有「{}」或更高级别证书满 {months_held} 个月",
                    level_name(*level)
                ),
                (PrerequisiteKind::Certificate { level, months_held }, false) => format!(
                    "a {} (or higher) certificate held {months_held} months",
                    level_name(*level)
                ),
            };
            let _ = writeln!(
                out,
                "  [{}] {} — {rule}",
                level_name(p.level),
                p.title.get(lang)
            );
        }
    }
    out
}
