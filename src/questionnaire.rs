//! Blank questionnaires (`itss template`): a commented YAML submission with every criterion
//! up to a level, what it requires, the evidence it needs and the ratings allowed.
//!
//! The blank questionnaire is itself a valid submission (with no answers). Explanations are
//! `##` comments; fillable lines are `# ` comments at the position they take once filled,
//! so an answer is filled by deleting its leading `# ` (and editing the values).

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::catalog::{Catalog, Criterion, PrerequisiteKind};
use crate::date::Date;
use crate::text::Lang;

struct Words {
    title: &'static str,
    how: &'static [&'static str],
    id: &'static str,
    assessed_on: &'static str,
    target: &'static str,
    org: &'static str,
    name: &'static str,
    name_placeholder: &'static str,
    credit_code: &'static str,
    prerequisite: &'static str,
    certificates: &'static str,
    facts: &'static str,
    requirement: &'static str,
    indicators: &'static str,
    evidence: &'static str,
    evidence_none: &'static str,
    at_least: &'static str,
    max_age: &'static str,
    hints: &'static str,
    ratings: &'static str,
    applies: &'static str,
    metrics: &'static str,
    advisory: &'static str,
    range: &'static str,
    level: &'static str,
    derived: &'static str,
}

const ZH: Words = Words {
    title: "自评估问卷",
    how: &[
        "填写方法：",
        "  1. 填写 organization（单位信息）和 assessed_on（评估基准日）。",
        "  2. 对每条要求，删去其答案行开头的 \"# \"（\"##\" 开头的是说明，保留即可），",
        "     选择评级，填写说明，列出证据文件（路径相对于本文件所在目录）及其日期。",
        "  3. 运行 itss assess <本文件> 查看达到的级别和差距。",
        "评级：conform 符合 · partial 部分符合 · nonconform 不符合 · na 不适用（仅限允许时）。",
        "本工具给出的分数是自己的指数，ITSS 不发布分数；级别判定以每条要求是否符合为准。",
    ],
    id: "提交编号（可选，默认取文件名；批量评估中须唯一）",
    assessed_on: "评估基准日（必填）：所有时间规则以此日期计算",
    target: "目标级别（可选）",
    org: "单位信息",
    name: "单位全称（必填）",
    name_placeholder: "请填写单位全称",
    credit_code: "统一社会信用代码（18位，校验位会被检查）",
    prerequisite: "前提条件",
    certificates: "已持有的证书（级别前提条件会用到）",
    facts: "适用性事实（决定部分要求是否适用）",
    requirement: "要求",
    indicators: "关键指标",
    evidence: "证据",
    evidence_none: "无数量要求",
    at_least: "至少",
    max_age: "须在评估基准日前",
    hints: "可提供",
    ratings: "可选评级",
    applies: "仅在以下条件成立时适用",
    metrics: "量化指标",
    advisory: "参考目标由本工具设定，不是ITSS要求，不影响级别判定",
    range: "取值范围",
    level: "级",
    derived: "注意：此目录由本项目衍生，不是 ITSS 官方评估方案。",
};

const EN: Words = Words {
    title: "self-assessment questionnaire",
    how: &[
        "How to fill it in:",
        "  1. Fill in organization and assessed_on (the as-of date).",
        "  2. For each requirement, delete the leading \"# \" of its answer lines (lines",
        "     starting with \"##\" are explanations; leave them), choose a rating, add a note,",
        "     and list the evidence files (paths relative to this file's folder) with dates.",
        "  3. Run `itss assess <this file>` to see the level reached and the gaps.",
        "Ratings: conform · partial · nonconform · na (only where allowed).",
        "Scores shown by this tool are its own index; ITSS publishes no scores. Levels depend",
        "on whether each requirement is met.",
    ],
    id: "submission id (optional; default: the file name; unique within a batch)",
    assessed_on: "as-of date (required): every time rule is computed from it",
    target: "target level (optional)",
    org: "organization",
    name: "full legal name (required)",
    name_placeholder: "Your organization's full name",
    credit_code: "unified social credit code (18 characters, check character verified)",
    prerequisite: "prerequisite",
    certificates: "certificates held (used by level prerequisites)",
    facts: "facts that decide whether some requirements apply",
    requirement: "requirement",
    indicators: "key indicators",
    evidence: "evidence",
    evidence_none: "no minimum",
    at_least: "at least",
    max_age: "dated within",
    hints: "e.g.",
    ratings: "ratings",
    applies: "applies only when",
    metrics: "metrics",
    advisory: "reference target set by this tool, not an ITSS requirement; it never decides a level",
    range: "values",
    level: "level",
    derived: "Note: this catalog is derived by this project, not an official ITSS scheme.",
};

/// The `##` line saying what to enter in an organization field, when the field is known.
fn field_help(out: &mut String, field: &str, lang: Lang) {
    if let Some((_, help)) = crate::submission::field_help(field) {
        let _ = writeln!(out, "  ## {field}: {}", one_line(help.get(lang)));
    }
}

/// A value written into the questionnaire's YAML as a double-quoted scalar (JSON escaping
/// is valid YAML): whatever it holds stays one value.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Collapses a text to one comment line: every line break (`\n`, `\r`, U+0085, U+2028,
/// U+2029) and run of white space becomes one space, so catalog text never leaves a `#`
/// comment.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `facts.<name>` identifiers that a catalog's expressions read, sorted.
pub fn facts_used(catalog: &Catalog) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let sources = catalog.criteria.iter().flat_map(|c| {
        c.applies_if
            .iter()
            .map(|e| e.source())
            .chain(c.metrics.iter().map(|m| m.check.source()))
    });
    for source in sources {
        let mut rest = source;
        while let Some(i) = rest.find("facts.") {
            let tail = &rest[i + 6..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            if end > 0 {
                facts.insert(tail[..end].to_owned());
            }
            rest = &tail[end..];
        }
    }
    facts
}

/// Renders the blank questionnaire for levels entry..=`up_to` (index; all when `None`).
pub fn render(catalog: &Catalog, up_to: Option<usize>, lang: Lang, as_of: Date) -> String {
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let last = up_to.unwrap_or(catalog.levels.len().saturating_sub(1));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {} — {} ({} {})",
        one_line(catalog.title.get(lang)),
        w.title,
        catalog.id,
        one_line(&catalog.version)
    );
    let _ = writeln!(out, "## {}", one_line(&catalog.standard));
    if let Some(notice) = &catalog.notice {
        let _ = writeln!(out, "## {}", one_line(notice.get(lang)));
    }
    if !catalog.official {
        let _ = writeln!(out, "## {}", w.derived);
    }
    for line in w.how {
        let _ = writeln!(out, "## {line}");
    }
    out.push('\n');
    let _ = writeln!(out, "## {}", w.id);
    let _ = writeln!(out, "# id: my-company-{}", as_of.year());
    let _ = writeln!(out, "catalog: {}", catalog.id);
    let _ = writeln!(out, "catalog_version: {}", quoted(&catalog.version));
    let _ = writeln!(out, "## {}", w.assessed_on);
    let _ = writeln!(out, "assessed_on: {as_of}");
    let levels: Vec<String> = catalog.levels[..=last]
        .iter()
        .map(|l| format!("{} {}", quoted(&l.id), one_line(l.name.get(lang))))
        .collect();
    let _ = writeln!(out, "## {}: {}", w.target, levels.join(" · "));
    let _ = writeln!(out, "# target_level: {}", quoted(&catalog.levels[last].id));
    out.push('\n');
    let _ = writeln!(out, "## {}", w.org);
    let _ = writeln!(out, "organization:");
    let _ = writeln!(out, "  ## {}", w.name);
    let _ = writeln!(out, "  name: {}", w.name_placeholder);
    let _ = writeln!(out, "  ## {}", w.credit_code);
    let _ = writeln!(out, "  # credit_code: \"91110000802100433B\"");
    let mut fields_done = BTreeSet::new();
    let mut certificate_levels = Vec::new();
    for p in catalog.prerequisites.iter().filter(|p| p.level <= last) {
        let level = &catalog.levels[p.level];
        let label = format!(
            "{} {}{} · {}",
            w.prerequisite,
            one_line(&level.id),
            w.level,
            one_line(p.title.get(lang))
        );
        match &p.kind {
            PrerequisiteKind::Flag { field } => {
                let _ = writeln!(out, "  ## {label}");
                if fields_done.insert(field.clone()) {
                    field_help(&mut out, field, lang);
                    let _ = writeln!(out, "  # {field}: true");
                }
            }
            PrerequisiteKind::MonthsSince { field, .. } => {
                let _ = writeln!(out, "  ## {label}");
                if fields_done.insert(field.clone()) {
                    field_help(&mut out, field, lang);
                    let _ = writeln!(out, "  # {field}: YYYY-MM-DD");
                }
            }
            PrerequisiteKind::Certificate { level: cert, .. } => {
                let _ = writeln!(out, "  ## {label}");
                certificate_levels.push(catalog.levels[*cert].id.clone());
            }
        }
    }
    if !certificate_levels.is_empty() {
        let _ = writeln!(out, "  ## {}", w.certificates);
        let _ = writeln!(out, "  # certificates:");
        for level in &certificate_levels {
            let _ = writeln!(
                out,
                "  #   - {{catalog: {}, level: {}, issued_on: YYYY-MM-DD, expires_on: YYYY-MM-DD}}",
                catalog.id,
                quoted(level)
            );
        }
    }
    let facts = facts_used(catalog);
    if !facts.is_empty() {
        let _ = writeln!(out, "  ## {}", w.facts);
        for fact in &facts {
            if let Some(f) = catalog.facts.get(fact) {
                let help = f
                    .help
                    .as_ref()
                    .map(|h| format!(" — {}", one_line(h.get(lang))))
                    .unwrap_or_default();
                let _ = writeln!(out, "  ## {fact}: {}{help}", one_line(f.title.get(lang)));
            }
        }
        let _ = writeln!(out, "  # facts:");
        for fact in &facts {
            let _ = writeln!(out, "  #   {fact}: false");
        }
    }
    out.push('\n');
    let _ = writeln!(out, "answers:");
    for (li, level) in catalog.levels.iter().enumerate().take(last + 1) {
        for (ei, element) in catalog.elements.iter().enumerate() {
            let criteria: Vec<&Criterion> = catalog
                .criteria
                .iter()
                .filter(|c| c.level == li && c.element == ei)
                .collect();
            if criteria.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n  ## ━━━ {} {} · {} ━━━",
                one_line(&level.id),
                one_line(level.name.get(lang)),
                one_line(element.name.get(lang))
            );
            for c in criteria {
                criterion_block(&mut out, c, w, lang, as_of);
            }
        }
    }
    out
}

fn criterion_block(out: &mut String, c: &Criterion, w: &Words, lang: Lang, as_of: Date) {
    let clause = c
        .clause
        .as_ref()
        .map(|s| format!(" — {}", one_line(s.get(lang))))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n  ## {} {}{clause}",
        c.id,
        one_line(c.title.get(lang))
    );
    let _ = writeln!(
        out,
        "  ## {}: {}",
        w.requirement,
        one_line(c.requirement.get(lang))
    );
    if !c.key_indicators.is_empty() {
        let list: Vec<String> = c
            .key_indicators
            .iter()
            .map(|k| one_line(k.get(lang)))
            .collect();
        let _ = writeln!(out, "  ## {}: {}", w.indicators, list.join("; "));
    }
    let mut evidence = if c.evidence.min > 0 {
        format!("{} {}", w.at_least, c.evidence.min)
    } else {
        w.evidence_none.to_owned()
    };
    if let Some(days) = c.evidence.max_age_days {
        let _ = write!(evidence, "; {} {days} d", w.max_age);
    }
    if !c.evidence.hints.is_empty() {
        let hints: Vec<String> = c
            .evidence
            .hints
            .iter()
            .map(|h| one_line(h.get(lang)))
            .collect();
        let _ = write!(evidence, "; {}: {}", w.hints, hints.join("; "));
    }
    let _ = writeln!(out, "  ## {}: {evidence}", w.evidence);
    if let Some(expr) = &c.applies_if {
        let _ = writeln!(out, "  ## {}: {}", w.applies, one_line(expr.source()));
    }
    for m in &c.metrics {
        let title = m
            .title
            .as_ref()
            .map(|t| format!(" {}", one_line(t.get(lang))))
            .unwrap_or_default();
        let formula = m
            .formula
            .as_ref()
            .map(|f| format!(" = {}", one_line(f.get(lang))))
            .unwrap_or_default();
        let range = m
            .range
            .map(|r| {
                format!(
                    "; {} [{}, {}]",
                    w.range,
                    crate::report::number(r.min),
                    crate::report::number(r.max)
                )
            })
            .unwrap_or_default();
        let advisory = if m.advisory {
            format!(" ({})", w.advisory)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  ## {}: {}{title}{formula}{range} — {}{advisory}",
            w.metrics,
            m.id,
            one_line(m.check.source())
        );
    }
    let ratings = if c.na_allowed {
        "conform | partial | nonconform | na"
    } else {
        "conform | partial | nonconform"
    };
    let _ = writeln!(out, "  ## {}: {ratings}", w.ratings);
    let _ = writeln!(out, "  # {}:", c.id);
    let _ = writeln!(out, "  #   rating: nonconform");
    let _ = writeln!(out, "  #   note: \"\"");
    if c.evidence.min > 0 {
        let _ = writeln!(out, "  #   evidence:");
        for i in 0..c.evidence.min.max(1) {
            let _ = writeln!(
                out,
                "  #     - {{path: evidence/CHANGE-ME-{}-{}.pdf, dated: {as_of}}}",
                c.id,
                i + 1
            );
        }
    }
    if !c.metrics.is_empty() {
        let values: Vec<String> = c.metrics.iter().map(|m| format!("{}: ~", m.id)).collect();
        let _ = writeln!(out, "  #   metrics: {{{}}}", values.join(", "));
    }
}
