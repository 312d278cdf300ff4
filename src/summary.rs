//! The terminal summary of a result (`itss assess --format text`): achieved vs target
//! level, the level ladder with scores per element, and the top gaps.

use std::fmt::Write;

use crate::result::{AssessmentResult, GapKind, Status};
use crate::text::{Lang, display_width, pad};

struct Labels {
    achieved: &'static str,
    target: &'static str,
    none: &'static str,
    met: &'static str,
    not_met: &'static str,
    index: &'static str,
    levels: &'static str,
    satisfied: &'static str,
    not_satisfied: &'static str,
    prerequisite: &'static str,
    gaps_next: &'static str,
    gaps_target: &'static str,
    more: &'static str,
    derived: &'static str,
    without_waivers: &'static str,
}

const ZH: Labels = Labels {
    achieved: "达到级别",
    target: "目标级别",
    none: "未达到任何级别",
    met: "已达成",
    not_met: "未达成",
    index: "综合指数（本工具的指数，非ITSS评分）",
    levels: "级别",
    satisfied: "满足",
    not_satisfied: "不满足",
    prerequisite: "前提条件",
    gaps_next: "距下一级别的差距",
    gaps_target: "距目标级别的差距",
    more: "另有",
    derived: "注意：此目录由本项目衍生，不是ITSS官方评估方案",
    without_waivers: "不计豁免时",
};

const EN: Labels = Labels {
    achieved: "Achieved level",
    target: "Target level",
    none: "no level reached",
    met: "met",
    not_met: "not met",
    index: "Index (ours, not an ITSS score)",
    levels: "Level",
    satisfied: "satisfied",
    not_satisfied: "not satisfied",
    prerequisite: "prerequisite",
    gaps_next: "Gaps to the next level",
    gaps_target: "Gaps to the target level",
    more: "more",
    derived: "Note: this catalog is derived by this project, not an official ITSS scheme",
    without_waivers: "without waivers",
};

fn status_label(status: Status, lang: Lang) -> &'static str {
    match (lang, status) {
        (Lang::Zh, Status::Conform) => "符合",
        (Lang::Zh, Status::Partial) => "部分符合",
        (Lang::Zh, Status::Nonconform) => "不符合",
        (Lang::Zh, Status::Unanswered) => "未作答",
        (Lang::Zh, Status::NotApplicable) => "不适用",
        (Lang::Zh, Status::Waived) => "豁免",
        (Lang::En, s) => s.as_str(),
    }
}

fn pct(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_owned(), crate::report::percent)
}

/// Renders the summary; `top` bounds the gaps listed per gap.
pub fn render(result: &AssessmentResult, lang: Lang, top: usize) -> String {
    let l = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let level_name = |id: &str| {
        result.levels.iter().find(|lv| lv.id == id).map_or_else(
            || id.to_owned(),
            |lv| format!("{} {}", id, lv.name.get(lang)),
        )
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        result.submission.organization, result.submission.id
    );
    let _ = writeln!(
        out,
        "{} {} ({}) · as of {}",
        result.catalog.title.get(lang),
        result.catalog.id,
        result.catalog.version,
        result.as_of
    );
    if !result.catalog.official {
        let _ = writeln!(out, "{}", l.derived);
    }
    if let Some(notice) = &result.catalog.notice {
        let _ = writeln!(out, "{}", notice.get(lang));
    }
    let achieved = result
        .achieved_level
        .as_deref()
        .map_or_else(|| l.none.to_owned(), level_name);
    let _ = write!(out, "{}: {achieved}", l.achieved);
    if result.achieved_level_without_waivers != result.achieved_level {
        let without = result
            .achieved_level_without_waivers
            .as_deref()
            .map_or_else(|| l.none.to_owned(), level_name);
        let _ = write!(out, "  ({}: {without})", l.without_waivers);
    }
    out.push('\n');
    if let Some(target) = &result.target_level {
        let verdict = if result.target_met == Some(true) {
            l.met
        } else {
            l.not_met
        };
        let _ = writeln!(out, "{}: {} — {verdict}", l.target, level_name(target));
    }
    let _ = writeln!(out, "{}: {}", l.index, pct(result.index));
    out.push('\n');
    let name_width = result
        .levels
        .iter()
        .map(|lv| display_width(lv.name.get(lang)))
        .max()
        .unwrap_or(0);
    for level in &result.levels {
        let mark = if level.satisfied { "✔" } else { "✘" };
        let verdict = if level.satisfied {
            l.satisfied
        } else {
            l.not_satisfied
        };
        let _ = write!(
            out,
            "{mark} {} {} {} {:>7}  ",
            l.levels,
            level.id,
            pad(level.name.get(lang), name_width),
            pct(level.score)
        );
        let _ = write!(out, "[{verdict}]  ");
        let parts: Vec<String> = level
            .elements
            .iter()
            .map(|e| {
                let name = result
                    .elements
                    .iter()
                    .find(|x| x.id == e.id)
                    .map_or(e.id.as_str(), |x| x.name.get(lang));
                format!("{name} {}", pct(e.score))
            })
            .collect();
        let _ = writeln!(out, "{}", parts.join(" · "));
        for p in level.prerequisites.iter().filter(|p| !p.met) {
            let _ = writeln!(
                out,
                "    ✘ {} {}: {} ({})",
                l.prerequisite,
                p.id,
                p.title.get(lang),
                p.detail.get(lang)
            );
        }
    }
    for gap in &result.gaps {
        let heading = match gap.kind {
            GapKind::Target => l.gaps_target,
            GapKind::Next => l.gaps_next,
        };
        let _ = writeln!(out, "\n{heading} {}:", level_name(&gap.level));
        for p in &gap.prerequisites {
            let _ = writeln!(
                out,
                "  • [{}] {} — {}",
                p.level,
                p.title.get(lang),
                p.detail.get(lang)
            );
        }
        for e in &gap.elements {
            let _ = writeln!(
                out,
                "  • [{}] {} {} < {}",
                e.level,
                e.id,
                pct(Some(e.score)),
                pct(Some(e.needed))
            );
        }
        for c in gap.criteria.iter().take(top) {
            let codes: Vec<&str> = c.findings.iter().map(|f| f.as_str()).collect();
            let findings = if codes.is_empty() {
                String::new()
            } else {
                format!(" ({})", codes.join(", "))
            };
            let _ = writeln!(
                out,
                "  • [{}] {} {} — {}{findings}",
                c.level,
                c.id,
                c.title.get(lang),
                status_label(c.status, lang)
            );
        }
        if gap.criteria.len() > top {
            let _ = writeln!(out, "  … {} {}", l.more, gap.criteria.len() - top);
        }
    }
    // Enterprise text may hold control or bidi characters: never send them to a terminal.
    crate::report::escape::clean(&out).into_owned()
}
