//! `itss catalog list|check|show`.

use std::fmt::Write as _;

use itss::catalog::{self, Catalog, PrerequisiteKind};
use itss::source::DEFAULT_MAX_FILE_SIZE;
use itss::text::Lang;

use super::{CatalogCommand, Exit, catalog_by_id_or_path, print_diagnostics};

pub(super) fn run(cmd: CatalogCommand) -> anyhow::Result<Exit> {
    match cmd {
        CatalogCommand::List => {
            for id in catalog::bundled_ids() {
                let Some(load) = catalog::bundled(id) else {
                    continue;
                };
                match load.catalog {
                    Some(c) => println!(
                        "{:<10} {:<6} {:<4} {:>4} criteria  {} / {}{}",
                        c.id,
                        c.version,
                        c.levels.len(),
                        c.criteria.len(),
                        c.title.zh,
                        c.title.en.as_deref().unwrap_or(""),
                        if c.official {
                            ""
                        } else {
                            "  (derived, not official)"
                        }
                    ),
                    None => println!(
                        "{id:<10} (does not load: run `itss catalog check rules/{id}.yaml`)"
                    ),
                }
            }
            Ok(Exit::Ok)
        }
        CatalogCommand::Check { files, .. } => {
            let mut exit = Exit::Ok;
            for file in &files {
                let load = catalog::load(file, DEFAULT_MAX_FILE_SIZE, false);
                print_diagnostics(&load.diagnostics, load.text.as_deref());
                let errors = load.diagnostics.iter().filter(|d| d.is_error()).count();
                let warnings = load.diagnostics.len() - errors;
                match &load.catalog {
                    Some(c) => println!(
                        "{}: ok — catalog {} version {}, {} levels, {} criteria{}",
                        file.display(),
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
                    None => {
                        println!("{}: {errors} error(s)", file.display());
                        exit = Exit::Usage;
                    }
                }
            }
            Ok(exit)
        }
        CatalogCommand::Show { id, lang } => match catalog_by_id_or_path(&id) {
            Ok(c) => {
                print!("{}", overview(&c, lang.into()));
                Ok(Exit::Ok)
            }
            Err(code) => Ok(code),
        },
    }
}

fn overview(c: &Catalog, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (version {})",
        c.id,
        c.title.get(lang),
        c.version
    );
    let _ = writeln!(out, "standard: {}", c.standard);
    if !c.official {
        let _ = writeln!(out, "derived by this project, not an official ITSS scheme");
    }
    let _ = writeln!(out, "digest:   sha256:{}", c.digest);
    let policy = match c.policy {
        catalog::Policy::AllConform { partial_is_met } => {
            format!("all-conform (partial counts as met: {partial_is_met})")
        }
        catalog::Policy::Threshold { element_threshold } => {
            format!("threshold {}", f64::from(element_threshold) / 1000.0)
        }
    };
    let _ = writeln!(
        out,
        "policy:   {policy}; partial credit {}",
        f64::from(c.partial_credit) / 1000.0
    );
    let _ = writeln!(out, "\ncriteria per level × element:");
    let _ = write!(out, "{:<18}", "level");
    for e in &c.elements {
        let _ = write!(out, "{:>12}", e.id);
    }
    let _ = writeln!(out, "{:>8}", "total");
    for (li, level) in c.levels.iter().enumerate() {
        let label = format!("{} {}", level.id, level.name.get(lang));
        let _ = write!(out, "{}", itss::text::pad(&label, 18));
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
        "{:<18}{:>width$}",
        "all",
        c.criteria.len(),
        width = 12 * c.elements.len() + 8
    );
    if !c.prerequisites.is_empty() {
        let _ = writeln!(out, "\nprerequisites:");
        for p in &c.prerequisites {
            let rule = match &p.kind {
                PrerequisiteKind::Flag { field } => format!("organization.{field} is true"),
                PrerequisiteKind::MonthsSince { field, months } => {
                    format!("organization.{field} at least {months} full months ago")
                }
                PrerequisiteKind::Certificate { level, months_held } => {
                    format!(
                        "a level {} (or higher) certificate held {months_held} months",
                        c.levels[*level].id
                    )
                }
            };
            let _ = writeln!(
                out,
                "  [{}] {:<20} {} — {rule}",
                c.levels[p.level].id,
                p.id,
                p.title.get(lang)
            );
        }
    }
    out
}
