//! The terminal summary of a result (`itss assess --format text`): what the document is (a
//! self-assessment), the level the answers compute to vs the target, the level ladder with
//! scores per element, and the top gaps — every word in the reader's language.

use std::fmt::Write;

use crate::result::review::{
    AgreementStats, NonconformityResult, NonconformityState, ReviewStatus, Role, Severity,
};
use crate::result::{AssessmentResult, GapKind, ReviewResult, Status};
use crate::text::{Lang, display_width, pad};

struct Labels {
    kind: &'static str,
    as_of: &'static str,
    achieved: &'static str,
    target: &'static str,
    none: &'static str,
    met: &'static str,
    not_met: &'static str,
    index: &'static str,
    satisfied: &'static str,
    not_satisfied: &'static str,
    prerequisite: &'static str,
    gaps_next: &'static str,
    gaps_target: &'static str,
    below: &'static str,
    earliest: &'static str,
    met_on: &'static str,
    more: &'static str,
    derived: &'static str,
    without_waivers: &'static str,
    colon: &'static str,
    list_sep: &'static str,
}

const ZH: Labels = Labels {
    kind: "自评估（依据组织自评数据计算，不是 ITSS 评估结论）",
    as_of: "评估基准日",
    achieved: "自评计算等级",
    target: "自评目标等级",
    none: "未达到任何等级",
    met: "已达到",
    not_met: "未达到",
    index: "本工具指数（非 ITSS 指标）",
    satisfied: "满足",
    not_satisfied: "不满足",
    prerequisite: "前提条件",
    gaps_next: "距下一等级",
    gaps_target: "距目标等级",
    below: "要素得分低于阈值",
    earliest: "即使全部整改完成，最早可达到的日期",
    met_on: "将于",
    more: "另有",
    derived: "注意：此目录由本项目衍生，不是 ITSS 官方评估方案",
    without_waivers: "不计豁免时",
    colon: "：",
    list_sep: "、",
};

const EN: Labels = Labels {
    kind: "Self-assessment (computed from the organization's own answers; not an ITSS assessment result)",
    as_of: "as of",
    achieved: "Level computed from the self-assessment",
    target: "Self-declared target level",
    none: "no level reached",
    met: "reached",
    not_met: "not reached",
    index: "This tool's index (not an ITSS measure)",
    satisfied: "satisfied",
    not_satisfied: "not satisfied",
    prerequisite: "prerequisite",
    gaps_next: "To the next level",
    gaps_target: "To the target level",
    below: "element score below the threshold",
    earliest: "even with everything fixed, not before",
    met_on: "met on",
    more: "more",
    derived: "Note: this catalog is derived by this project, not an official ITSS scheme",
    without_waivers: "without waivers",
    colon: ": ",
    list_sep: ", ",
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

/// How a level is named: `3级 · 拓展级` / `Level 3 · Extended` for a numbered level, its
/// name alone otherwise (`符合`, never `conform级`).
pub fn level_label(id: &str, name: &str, lang: Lang) -> String {
    let numbered = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    match (numbered, lang) {
        (true, Lang::Zh) => format!("{id}级 · {name}"),
        (true, Lang::En) => format!("Level {id} · {name}"),
        (false, _) => name.to_owned(),
    }
}

/// What a reviewed result is: the body, the lead, final or provisional.
fn review_kind(r: &ReviewResult, lang: Lang) -> String {
    let lead = r
        .team
        .iter()
        .find(|m| m.role == Role::Lead)
        .map_or("", |m| m.name.as_str());
    let open = r.open_nonconformities().count();
    match (lang, r.status) {
        (Lang::Zh, ReviewStatus::Final) => format!(
            "评估机构评审（{}，评估组长 {lead}）· 最终：不符合项均已关闭并经验证。评审结果不是 ITSS 认定结论",
            r.body.name
        ),
        (Lang::Zh, ReviewStatus::Provisional) => format!(
            "评估机构评审（{}，评估组长 {lead}）· 暂定：{open} 项不符合项尚未关闭或未经验证。评审结果不是 ITSS 认定结论",
            r.body.name
        ),
        (Lang::En, ReviewStatus::Final) => format!(
            "Review by an assessment body ({}, team lead {lead}) · final: every nonconformity closed and verified. A review is not an ITSS confirmation",
            r.body.name
        ),
        (Lang::En, ReviewStatus::Provisional) => format!(
            "Review by an assessment body ({}, team lead {lead}) · provisional: {open} nonconformity(ies) open or not verified. A review is not an ITSS confirmation",
            r.body.name
        ),
    }
}

/// The agreement of a team with the declared ratings, in one line.
pub fn agreement_line(s: &AgreementStats, lang: Lang) -> String {
    let share = s
        .agreement
        .map_or_else(|| "—".to_owned(), crate::report::percent);
    let kappa = s.kappa.map_or_else(
        || match lang {
            Lang::Zh => "无法计算".to_owned(),
            Lang::En => "undefined".to_owned(),
        },
        |k| format!("{k:.4}"),
    );
    match lang {
        Lang::Zh => format!(
            "评估组与自评的一致性：比较 {} 条，确认 {}，下调 {}，上调 {}；一致率 {share}；线性加权 κ {kappa}",
            s.compared, s.confirmed, s.lowered, s.raised
        ),
        Lang::En => format!(
            "Team vs self-assessment: {} compared, {} confirmed, {} lowered, {} raised; agreement {share}; linear-weighted κ {kappa}",
            s.compared, s.confirmed, s.lowered, s.raised
        ),
    }
}

/// One nonconformity in a line: id, criterion, severity, owner, due date, state.
pub fn nonconformity_line(nc: &NonconformityResult, lang: Lang) -> String {
    let severity = match (lang, nc.severity) {
        (Lang::Zh, Severity::Minor) => "一般",
        (Lang::Zh, Severity::Major) => "严重",
        (Lang::En, s) => s.as_str(),
    };
    let owner = nc.owner.as_deref().unwrap_or("—");
    let due = nc.due.map_or_else(|| "—".to_owned(), |d| d.to_string());
    let state = match (lang, nc.state, nc.overdue) {
        (Lang::Zh, NonconformityState::Open, true) => "已逾期",
        (Lang::Zh, NonconformityState::Open, false) => "未关闭",
        (Lang::Zh, NonconformityState::Unverified, _) => "已关闭，待验证",
        (Lang::Zh, NonconformityState::Closed, _) => "已关闭并验证",
        (Lang::En, NonconformityState::Open, true) => "overdue",
        (Lang::En, NonconformityState::Open, false) => "open",
        (Lang::En, NonconformityState::Unverified, _) => "closed, not verified",
        (Lang::En, NonconformityState::Closed, _) => "closed and verified",
    };
    match lang {
        Lang::Zh => format!(
            "{} {}（{severity}）负责人 {owner}，期限 {due}，{state}",
            nc.id, nc.criterion
        ),
        Lang::En => format!(
            "{} {} ({severity}) owner {owner}, due {due}, {state}",
            nc.id, nc.criterion
        ),
    }
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
            |lv| level_label(id, lv.name.get(lang), lang),
        )
    };
    let element_name = |id: &str| {
        result
            .elements
            .iter()
            .find(|x| x.id == id)
            .map_or_else(|| id.to_owned(), |x| x.name.get(lang).to_owned())
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        result.submission.organization, result.submission.id
    );
    let review = result.review.as_ref();
    match review {
        None => {
            let _ = writeln!(out, "{}", l.kind);
        }
        Some(r) => {
            let _ = writeln!(out, "{}", review_kind(r, lang));
        }
    }
    let _ = writeln!(
        out,
        "{} {} ({}) · {} {}",
        result.catalog.title.get(lang),
        result.catalog.id,
        result.catalog.version,
        l.as_of,
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
    let achieved_label = match (review, lang) {
        (None, _) => l.achieved,
        (Some(_), Lang::Zh) => "评审等级",
        (Some(_), Lang::En) => "Reviewed level",
    };
    let _ = write!(out, "{achieved_label}{}{achieved}", l.colon);
    if result.achieved_level_without_waivers != result.achieved_level {
        let without = result
            .achieved_level_without_waivers
            .as_deref()
            .map_or_else(|| l.none.to_owned(), level_name);
        let _ = write!(out, "  ({}{}{without})", l.without_waivers, l.colon);
    }
    out.push('\n');
    if let Some(r) = review {
        let declared = r
            .self_assessed
            .achieved_level
            .as_deref()
            .map_or_else(|| l.none.to_owned(), level_name);
        let _ = writeln!(out, "{}{}{declared}", l.achieved, l.colon);
        let _ = writeln!(out, "{}", agreement_line(&r.agreement.overall, lang));
    }
    if let Some(target) = &result.target_level {
        let verdict = if result.target_met == Some(true) {
            l.met
        } else {
            l.not_met
        };
        let _ = writeln!(
            out,
            "{}{}{} — {verdict}",
            l.target,
            l.colon,
            level_name(target)
        );
    }
    let _ = writeln!(out, "{}{}{}", l.index, l.colon, pct(result.index));
    if let Some(r) = review {
        let open: Vec<_> = r.open_nonconformities().collect();
        if !open.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                match lang {
                    Lang::Zh => "未关闭或未验证的不符合项：",
                    Lang::En => "Nonconformities open or not verified:",
                }
            );
            for nc in open {
                let _ = writeln!(out, "  • {}", nonconformity_line(nc, lang));
            }
        }
    }
    out.push('\n');
    let labels: Vec<String> = result
        .levels
        .iter()
        .map(|lv| level_label(&lv.id, lv.name.get(lang), lang))
        .collect();
    let name_width = labels.iter().map(|s| display_width(s)).max().unwrap_or(0);
    for (level, label) in result.levels.iter().zip(&labels) {
        let mark = if level.satisfied { "✔" } else { "✘" };
        let verdict = if level.satisfied {
            l.satisfied
        } else {
            l.not_satisfied
        };
        let _ = write!(
            out,
            "{mark} {} {:>7}  ",
            pad(label, name_width),
            pct(level.score)
        );
        let _ = write!(out, "[{verdict}]  ");
        let parts: Vec<String> = level
            .elements
            .iter()
            .map(|e| format!("{} {}", element_name(&e.id), pct(e.score)))
            .collect();
        let _ = writeln!(out, "{}", parts.join(" · "));
        for p in level.prerequisites.iter().filter(|p| !p.met) {
            let _ = write!(
                out,
                "    ✘ {}{}{} ({})",
                l.prerequisite,
                l.colon,
                p.title.get(lang),
                p.detail.get(lang)
            );
            if let Some(on) = p.met_on {
                let _ = write!(out, " — {} {on}", l.met_on);
            }
            out.push('\n');
        }
    }
    for gap in &result.gaps {
        let heading = match gap.kind {
            GapKind::Target => l.gaps_target,
            GapKind::Next => l.gaps_next,
        };
        let _ = writeln!(out, "\n{heading}{}{}", l.colon, level_name(&gap.level));
        if let Some(earliest) = gap.earliest {
            let _ = writeln!(out, "  {} {earliest}", l.earliest);
        }
        for p in &gap.prerequisites {
            let _ = write!(
                out,
                "  • [{}] {} — {}",
                level_name(&p.level),
                p.title.get(lang),
                p.detail.get(lang)
            );
            if let Some(on) = p.met_on {
                let _ = write!(out, " — {} {on}", l.met_on);
            }
            out.push('\n');
        }
        for e in &gap.elements {
            let _ = writeln!(
                out,
                "  • [{}] {}{}{} {} < {}",
                level_name(&e.level),
                element_name(&e.id),
                l.colon,
                l.below,
                pct(Some(e.score)),
                pct(Some(e.needed))
            );
        }
        for c in gap.criteria.iter().take(top) {
            let names: Vec<&str> = c.findings.iter().map(|f| f.name(lang)).collect();
            let findings = if names.is_empty() {
                String::new()
            } else {
                format!(" ({})", names.join(l.list_sep))
            };
            let _ = writeln!(
                out,
                "  • [{}] {} {} — {}{findings}",
                level_name(&c.level),
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
