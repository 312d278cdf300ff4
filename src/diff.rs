//! Year-over-year comparison of two result documents (`itss diff`): level, index and
//! per-level scores, and every criterion whose status changed.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::result::{AssessmentResult, Status};
use crate::text::Lang;

/// What changed between two results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultDiff {
    /// Submission ids (old, new).
    pub submissions: (String, String),
    /// As-of dates (old, new).
    pub as_of: (String, String),
    /// Catalog `id version` (old, new).
    pub catalogs: (String, String),
    /// Whether the catalog files differ (digest).
    pub catalog_changed: bool,
    /// Achieved level (old, new).
    pub achieved_level: (Option<String>, Option<String>),
    /// How readers name them (in the language the diff was made for).
    pub achieved_label: (Option<String>, Option<String>),
    /// +1 per level gained, −1 per level lost (catalog order), when both catalogs share levels.
    pub level_steps: Option<i64>,
    /// Index (old, new).
    pub index: (Option<f64>, Option<f64>),
    /// Per level: (id, old score, new score, old satisfied, new satisfied).
    pub levels: Vec<LevelChange>,
    /// Criteria whose status changed, catalog order of the new result.
    pub criteria: Vec<CriterionChange>,
    /// Criteria only in the old result.
    pub removed: Vec<String>,
    /// Criteria only in the new result.
    pub added: Vec<String>,
}

/// A level's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelChange {
    /// Level id.
    pub id: String,
    /// How readers name it (`3级 · 拓展级`).
    pub label: String,
    /// Score before and after.
    pub score: (Option<f64>, Option<f64>),
    /// Satisfied before and after.
    pub satisfied: (Option<bool>, Option<bool>),
}

/// A criterion whose status changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionChange {
    /// Id.
    pub id: String,
    /// Level id.
    pub level: String,
    /// How readers name the level.
    pub level_label: String,
    /// Title (in the language the diff was made for).
    pub title: String,
    /// Status before and after.
    pub status: (Status, Status),
    /// Whether the change is for the better.
    pub direction: Direction,
}

/// Which way a criterion's status moved (unanswered < nonconform < partial < conform; a
/// move to or from `not_applicable` or `waived` is only a change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Towards conform.
    Improved,
    /// Away from conform.
    Regressed,
    /// Neither (to or from an excluded status).
    Changed,
}

fn rank(status: Status) -> Option<u8> {
    match status {
        Status::Unanswered => Some(0),
        Status::Nonconform => Some(1),
        Status::Partial => Some(2),
        Status::Conform => Some(3),
        Status::NotApplicable | Status::Waived => None,
    }
}

/// Compares two results.
pub fn compare(old: &AssessmentResult, new: &AssessmentResult, lang: Lang) -> ResultDiff {
    let position = |r: &AssessmentResult, id: Option<&str>| -> Option<i64> {
        id.map_or(Some(-1), |id| {
            r.levels.iter().position(|l| l.id == id).map(|p| p as i64)
        })
    };
    let same_levels = old
        .levels
        .iter()
        .map(|l| &l.id)
        .eq(new.levels.iter().map(|l| &l.id));
    let level_steps = if same_levels {
        position(old, old.achieved_level.as_deref())
            .zip(position(new, new.achieved_level.as_deref()))
            .map(|(a, b)| b - a)
    } else {
        None
    };
    // Levels named as the new result names them, else as the old one does.
    let label = |id: &str| {
        new.levels
            .iter()
            .chain(&old.levels)
            .find(|l| l.id == id)
            .map_or_else(
                || id.to_owned(),
                |l| crate::summary::level_label(id, l.name.get(lang), lang),
            )
    };
    let old_levels: BTreeMap<&str, _> = old.levels.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut levels: Vec<LevelChange> = new
        .levels
        .iter()
        .map(|l| {
            let before = old_levels.get(l.id.as_str());
            LevelChange {
                id: l.id.clone(),
                label: label(&l.id),
                score: (before.and_then(|b| b.score), l.score),
                satisfied: (before.map(|b| b.satisfied), Some(l.satisfied)),
            }
        })
        .collect();
    for l in &old.levels {
        if !new.levels.iter().any(|n| n.id == l.id) {
            levels.push(LevelChange {
                id: l.id.clone(),
                label: label(&l.id),
                score: (l.score, None),
                satisfied: (Some(l.satisfied), None),
            });
        }
    }
    let old_criteria: BTreeMap<&str, _> = old.criteria.iter().map(|c| (&*c.id, c)).collect();
    let mut criteria = Vec::new();
    let mut added = Vec::new();
    for c in &new.criteria {
        match old_criteria.get(&*c.id) {
            None => added.push(c.id.to_string()),
            Some(before) if before.status != c.status => {
                let direction = match (rank(before.status), rank(c.status)) {
                    (Some(a), Some(b)) if b > a => Direction::Improved,
                    (Some(a), Some(b)) if b < a => Direction::Regressed,
                    _ => Direction::Changed,
                };
                criteria.push(CriterionChange {
                    id: c.id.to_string(),
                    level: c.level.to_string(),
                    level_label: label(&c.level),
                    title: c.title.get(lang).to_owned(),
                    status: (before.status, c.status),
                    direction,
                });
            }
            Some(_) => {}
        }
    }
    let removed = old
        .criteria
        .iter()
        .filter(|c| !new.criteria.iter().any(|n| n.id == c.id))
        .map(|c| c.id.to_string())
        .collect();
    ResultDiff {
        submissions: (old.submission.id.clone(), new.submission.id.clone()),
        as_of: (old.as_of.to_string(), new.as_of.to_string()),
        catalogs: (
            format!("{} {}", old.catalog.id, old.catalog.version),
            format!("{} {}", new.catalog.id, new.catalog.version),
        ),
        catalog_changed: old.catalog.digest != new.catalog.digest,
        achieved_level: (old.achieved_level.clone(), new.achieved_level.clone()),
        achieved_label: (
            old.achieved_level.as_deref().map(label),
            new.achieved_level.as_deref().map(label),
        ),
        level_steps,
        index: (old.index, new.index),
        levels,
        criteria,
        removed,
        added,
    }
}

fn level(l: &Option<String>) -> &str {
    l.as_deref().unwrap_or("—")
}

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_owned(), crate::report::percent)
}

/// The words of the text summary, per language.
struct Words {
    catalog: &'static str,
    catalog_changed: &'static str,
    achieved: &'static str,
    unchanged: &'static str,
    up: &'static str,
    down: &'static str,
    index: &'static str,
    changed: &'static str,
    only_new: &'static str,
    only_old: &'static str,
}

const ZH: Words = Words {
    catalog: "评估目录",
    catalog_changed: "（目录文件有变化）",
    achieved: "自评计算等级",
    unchanged: "（不变）",
    up: "上升",
    down: "下降",
    index: "本工具指数",
    changed: "状态变化的条款",
    only_new: "只在新结果中的条款",
    only_old: "只在旧结果中的条款",
};

const EN: Words = Words {
    catalog: "catalog",
    catalog_changed: " (catalog file changed)",
    achieved: "computed level",
    unchanged: " (unchanged)",
    up: "up",
    down: "down",
    index: "this tool's index",
    changed: "criteria changed",
    only_new: "criteria only in the new result",
    only_old: "criteria only in the old result",
};

/// A readable summary of a diff in `lang`.
pub fn render_text(d: &ResultDiff, lang: Lang) -> String {
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) → {} ({})",
        d.submissions.0, d.as_of.0, d.submissions.1, d.as_of.1
    );
    let _ = writeln!(
        out,
        "{}{colon}{} → {}{}",
        w.catalog,
        d.catalogs.0,
        d.catalogs.1,
        if d.catalog_changed {
            w.catalog_changed
        } else {
            ""
        }
    );
    let steps = match (d.level_steps, lang) {
        (Some(0), _) => w.unchanged.to_owned(),
        (Some(n), Lang::Zh) if n > 0 => format!("（{} {n} 级）", w.up),
        (Some(n), Lang::Zh) => format!("（{} {} 级）", w.down, -n),
        (Some(n), Lang::En) if n > 0 => format!(" ({} {n})", w.up),
        (Some(n), Lang::En) => format!(" ({} {})", w.down, -n),
        (None, _) => String::new(),
    };
    let _ = writeln!(
        out,
        "{}{colon}{} → {}{steps}",
        w.achieved,
        level(&d.achieved_label.0),
        level(&d.achieved_label.1)
    );
    let _ = writeln!(
        out,
        "{}{colon}{} → {}",
        w.index,
        score(d.index.0),
        score(d.index.1)
    );
    for l in &d.levels {
        let sat = |s: Option<bool>| match s {
            Some(true) => "✔",
            Some(false) => "✘",
            None => "—",
        };
        let _ = writeln!(
            out,
            "  {}{colon}{} {} → {} {}",
            l.label,
            sat(l.satisfied.0),
            score(l.score.0),
            sat(l.satisfied.1),
            score(l.score.1)
        );
    }
    let improved = d
        .criteria
        .iter()
        .filter(|c| c.direction == Direction::Improved)
        .count();
    let regressed = d
        .criteria
        .iter()
        .filter(|c| c.direction == Direction::Regressed)
        .count();
    let counts = match lang {
        Lang::Zh => format!("{}（改善 {improved}，退步 {regressed}）", d.criteria.len()),
        Lang::En => format!(
            "{} ({improved} improved, {regressed} regressed)",
            d.criteria.len()
        ),
    };
    let _ = writeln!(out, "{}{colon}{counts}", w.changed);
    for c in &d.criteria {
        let mark = match c.direction {
            Direction::Improved => "+",
            Direction::Regressed => "-",
            Direction::Changed => "~",
        };
        let _ = writeln!(
            out,
            "  {mark} [{}] {} {}{colon}{} → {}",
            c.level_label,
            c.id,
            c.title,
            status_name(c.status.0, lang),
            status_name(c.status.1, lang)
        );
    }
    if !d.added.is_empty() {
        let _ = writeln!(out, "{}{colon}{}", w.only_new, d.added.join(", "));
    }
    if !d.removed.is_empty() {
        let _ = writeln!(out, "{}{colon}{}", w.only_old, d.removed.join(", "));
    }
    out
}

/// A status as readers call it.
fn status_name(status: Status, lang: Lang) -> &'static str {
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
