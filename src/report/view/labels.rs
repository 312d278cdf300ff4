//! The locale strings of a report's language, looked up once per report and filled in per
//! row: status and rating names, finding names, counts, dates, weights, credits.

use std::cell::RefCell;
use std::sync::Arc;

use minijinja::value::Value;

use crate::finding::FindingCode;
use crate::result::{Counts, Status};
use crate::submission::Rating;
use crate::text::{Lang, Text};

use super::object::{Label, List, Str, TextView};
use super::parts::{EvidenceView, FindingView, MetricView};
use crate::report::locale::{Locale, Pattern};

/// The locale strings of the report's language, looked up once per report.
pub struct Labels<'a> {
    pub(super) lang: Lang,
    pub(super) status: [Label; 6],
    pub(super) rating: [Label; 5],
    pub(super) findings: Vec<Label>,
    pub(super) valid: Label,
    pub(super) invalid: Label,
    pub(super) level: Option<Pattern<'a>>,
    pub(super) level_named: Option<Pattern<'a>>,
    pub(super) evidence_rule: Option<Pattern<'a>>,
    pub(super) evidence_rule_dated: Option<Pattern<'a>>,
    pub(super) counts: Option<Pattern<'a>>,
    pub(super) dated: Option<Pattern<'a>>,
    pub(super) waived_until: Option<Pattern<'a>>,
    pub(super) waiver_expired: Option<Pattern<'a>>,
    /// `criteria.weight` and `gaps.weight` by weight, as met.
    pub(super) weights: RefCell<Vec<(u32, Label, Label)>>,
    pub(super) criteria_weight: Option<Pattern<'a>>,
    pub(super) gaps_weight: Option<Pattern<'a>>,
    /// Where labels are filled in.
    pub(super) scratch: RefCell<String>,
    /// Credits as shown, by value, as met.
    pub(super) credits: RefCell<Vec<(u64, Str)>>,
    /// Shared empty lists (most criteria have no findings, metrics, …).
    pub(super) empty: Empty,
}

/// Empty lists, shared.
pub(super) struct Empty {
    pub(super) findings: Arc<List<Arc<FindingView>>>,
    pub(super) evidence: Arc<List<Arc<EvidenceView>>>,
    pub(super) metrics: Arc<List<Arc<MetricView>>>,
    pub(super) codes: Arc<List<&'static str>>,
    pub(super) names: Arc<List<Label>>,
}

/// A shared list of `items`, or `empty` when there are none.
pub(super) fn list<T>(items: Vec<T>, empty: &Arc<List<T>>) -> Arc<List<T>> {
    if items.is_empty() {
        Arc::clone(empty)
    } else {
        List::new(items)
    }
}

impl<'a> Labels<'a> {
    /// The labels of `locale`, the locale of `lang`.
    pub fn new(lang: Lang, locale: &'a Locale) -> Labels<'a> {
        let get = |key: &str| Label(locale.get(key).map(Arc::from));
        let pattern = |key: &str, names: &[&str]| Pattern::new(locale.get(key)?, names);
        let statuses = [
            Status::Conform,
            Status::Partial,
            Status::Nonconform,
            Status::Unanswered,
            Status::NotApplicable,
            Status::Waived,
        ];
        Labels {
            lang,
            status: statuses.map(|s| get(&format!("status.{}", s.as_str()))),
            rating: ["conform", "partial", "nonconform", "na", "none"]
                .map(|r| get(&format!("rating.{r}"))),
            findings: FindingCode::ALL
                .iter()
                .map(|c| get(&format!("finding.{}.name", c.as_str())))
                .collect(),
            valid: get("criteria.valid"),
            invalid: get("criteria.invalid"),
            level: pattern("level.label", &["id", "name"]),
            level_named: pattern("level.label_named", &["name"]),
            evidence_rule: pattern("gaps.evidence_rule", &["min"]),
            evidence_rule_dated: pattern("gaps.evidence_rule_dated", &["min", "days"]),
            counts: pattern("ladder.counts", &COUNTS),
            dated: pattern("criteria.dated", &["date"]),
            waived_until: pattern("criteria.waived_until", &["date"]),
            waiver_expired: pattern("criteria.waiver_expired", &["date"]),
            weights: RefCell::new(Vec::new()),
            criteria_weight: pattern("criteria.weight", &["weight"]),
            gaps_weight: pattern("gaps.weight", &["weight"]),
            scratch: RefCell::new(String::with_capacity(256)),
            credits: RefCell::new(Vec::new()),
            empty: Empty {
                findings: List::new(Vec::new()),
                evidence: List::new(Vec::new()),
                metrics: List::new(Vec::new()),
                codes: List::new(Vec::new()),
                names: List::new(Vec::new()),
            },
        }
    }

    /// A credit as the `num` filter shows it (`—` when excluded).
    pub(super) fn credit(&self, credit: Option<f64>) -> Str {
        let Some(v) = credit else {
            return Arc::from("—");
        };
        let mut credits = self.credits.borrow_mut();
        if let Some((_, text)) = credits.iter().find(|(bits, _)| *bits == v.to_bits()) {
            return Arc::clone(text);
        }
        let text: Str = if v.is_finite() {
            Arc::from(crate::report::number(v))
        } else {
            Arc::from(Value::from(v).to_string())
        };
        if credits.len() < 64 {
            credits.push((v.to_bits(), Arc::clone(&text)));
        }
        text
    }

    /// A locale string with its placeholders filled, as `t(key, name=value…)` would show it.
    pub(super) fn fill(&self, pattern: &Option<Pattern>, args: &[&str]) -> Label {
        let Some(pattern) = pattern else {
            return Label(None);
        };
        let mut out = self.scratch.borrow_mut();
        out.clear();
        pattern.fill_into(&mut out, args);
        Label(Some(Arc::from(out.as_str())))
    }

    /// A text of the result, cleaned, in the view's language.
    pub(super) fn text(&self, t: &Text) -> Arc<TextView> {
        TextView::of(t, self.lang)
    }

    pub(super) fn status(&self, status: Status) -> Label {
        let i = match status {
            Status::Conform => 0,
            Status::Partial => 1,
            Status::Nonconform => 2,
            Status::Unanswered => 3,
            Status::NotApplicable => 4,
            Status::Waived => 5,
        };
        self.status[i].clone()
    }

    pub(super) fn rating(&self, rating: Option<Rating>) -> Label {
        let i = match rating {
            Some(Rating::Conform) => 0,
            Some(Rating::Partial) => 1,
            Some(Rating::Nonconform) => 2,
            Some(Rating::Na) => 3,
            None => 4,
        };
        self.rating[i].clone()
    }

    pub(super) fn finding(&self, code: FindingCode) -> Label {
        FindingCode::ALL
            .iter()
            .position(|&c| c == code)
            .and_then(|i| self.findings.get(i))
            .cloned()
            .unwrap_or_default()
    }

    /// How the report names a level: `3级 · 拓展级` for a numbered level, its name alone
    /// for another (`符合`, not `conform级`).
    pub(super) fn level(&self, id: &str, name: &TextView) -> Label {
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            self.fill(&self.level, &[id, name.get(self.lang)])
        } else {
            self.fill(&self.level_named, &[name.get(self.lang)])
        }
    }

    /// The evidence a criterion asks for: at least `min` valid items, dated within `days`.
    pub(super) fn evidence_rule(&self, min: u32, days: Option<u32>) -> Label {
        let min = min.to_string();
        match days {
            Some(days) => self.fill(&self.evidence_rule_dated, &[&min, &days.to_string()]),
            None => self.fill(&self.evidence_rule, &[&min]),
        }
    }

    pub(super) fn counts(&self, c: &Counts) -> Label {
        let n = [
            c.conform,
            c.partial,
            c.nonconform,
            c.unanswered,
            c.not_applicable,
            c.waived,
        ]
        .map(|n| n.to_string());
        self.fill(&self.counts, &n.each_ref().map(String::as_str))
    }

    pub(super) fn dated(&self, date: &str) -> Label {
        self.fill(&self.dated, &[date])
    }

    pub(super) fn waiver(&self, active: bool, date: &str) -> Label {
        let pattern = if active {
            &self.waived_until
        } else {
            &self.waiver_expired
        };
        self.fill(pattern, &[date])
    }

    /// `criteria.weight` and `gaps.weight` of a weight.
    pub(super) fn weight(&self, weight: u32) -> (Label, Label) {
        let mut weights = self.weights.borrow_mut();
        if let Some((_, c, g)) = weights.iter().find(|(w, ..)| *w == weight) {
            return (c.clone(), g.clone());
        }
        let text = weight.to_string();
        let c = self.fill(&self.criteria_weight, &[&text]);
        let g = self.fill(&self.gaps_weight, &[&text]);
        weights.push((weight, c.clone(), g.clone()));
        (c, g)
    }
}

/// The placeholders of `ladder.counts`.
const COUNTS: [&str; 6] = [
    "conform",
    "partial",
    "nonconform",
    "unanswered",
    "not_applicable",
    "waived",
];
