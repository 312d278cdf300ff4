//! Level verdicts with cumulative gating (SPEC §5.4, §5.5) and the gaps to the next and
//! the target level.

use crate::catalog::{Catalog, Criterion, Policy};
use crate::date::Date;
use crate::finding::{Finding, FindingCode};
use crate::result::{
    Counts, Decision, ElementBelow, Fix, Gap, GapCriterion, GapElement, GapKind, GapPrerequisite,
    Status,
};
use crate::score::{Tally, from_thousandths};

use super::*;

/// A level's tallies and what decides it.
pub(super) struct Verdict {
    pub(super) total: Tally,
    pub(super) elements: Vec<Tally>,
    pub(super) counts: Vec<Counts>,
    /// Indexes of the level's unmet prerequisites, catalog order.
    pub(super) unmet: Vec<usize>,
    pub(super) blocking: u32,
    /// Under `threshold`: indexes of the elements below the threshold.
    pub(super) below: Vec<usize>,
    pub(super) threshold: Option<u32>,
}

impl Verdict {
    /// SPEC §5.3 (cumulative gating is applied by [`achieved_level`]).
    pub(super) fn satisfied(&self) -> bool {
        self.unmet.is_empty() && self.blocking == 0 && self.below.is_empty()
    }

    pub(super) fn decision(&self, catalog: &Catalog) -> Decision {
        Decision {
            unmet_prerequisites: self
                .unmet
                .iter()
                .map(|&p| catalog.prerequisites[p].id.clone())
                .collect(),
            blocking_criteria: self.blocking,
            elements_below: self
                .below
                .iter()
                .map(|&e| ElementBelow {
                    element: catalog.elements[e].id.to_string(),
                    score: self.elements[e].score().unwrap_or(0.0),
                    threshold: from_thousandths(self.threshold.unwrap_or(0)),
                })
                .collect(),
        }
    }
}

/// SPEC §5.3 per level: tallies, unmet prerequisites, blocking criteria, weak elements.
pub(super) fn level_verdicts(
    catalog: &Catalog,
    statuses: &[Status],
    prerequisites: &[PrerequisiteOutcome],
) -> Vec<Verdict> {
    let threshold = match catalog.policy {
        Policy::Threshold { element_threshold } => Some(element_threshold),
        Policy::AllConform { .. } => None,
    };
    let mut verdicts: Vec<Verdict> = catalog
        .levels
        .iter()
        .map(|_| Verdict {
            total: Tally::default(),
            elements: vec![Tally::default(); catalog.elements.len()],
            counts: vec![Counts::default(); catalog.elements.len()],
            unmet: Vec::new(),
            blocking: 0,
            below: Vec::new(),
            threshold,
        })
        .collect();
    for (criterion, &status) in catalog.criteria.iter().zip(statuses) {
        let v = &mut verdicts[criterion.level];
        v.counts[criterion.element].add(status);
        if let Some(credit) = credit(catalog, status) {
            v.total.add(criterion.weight, credit);
            v.elements[criterion.element].add(criterion.weight, credit);
        }
        if blocks(catalog, criterion, status) {
            v.blocking += 1;
        }
    }
    for (i, (p, outcome)) in catalog.prerequisites.iter().zip(prerequisites).enumerate() {
        if !outcome.met {
            verdicts[p.level].unmet.push(i);
        }
    }
    if let Some(t) = threshold {
        for v in &mut verdicts {
            v.below = (0..v.elements.len())
                .filter(|&e| v.elements[e].is_defined() && !v.elements[e].reaches(t))
                .collect();
        }
    }
    verdicts
}

/// Whether a criterion's status alone keeps its level from being satisfied.
pub(super) fn blocks(catalog: &Catalog, criterion: &Criterion, status: Status) -> bool {
    match status {
        Status::Conform | Status::NotApplicable | Status::Waived => false,
        Status::Partial => match catalog.policy {
            Policy::AllConform { partial_is_met } => !partial_is_met,
            Policy::Threshold { .. } => criterion.key,
        },
        Status::Nonconform | Status::Unanswered => match catalog.policy {
            Policy::AllConform { .. } => true,
            Policy::Threshold { .. } => criterion.key,
        },
    }
}

pub(super) fn achieved_level(verdicts: &[Verdict]) -> Option<usize> {
    verdicts
        .iter()
        .take_while(|v| v.satisfied())
        .count()
        .checked_sub(1)
}

/// SPEC §5.5: the next level above the achieved one, and the target when it is higher.
pub(super) fn gaps(
    catalog: &Catalog,
    outcomes: &[Outcome],
    verdicts: &[Verdict],
    prerequisites: &[PrerequisiteOutcome],
    achieved: Option<usize>,
    target: Option<usize>,
) -> Vec<Gap> {
    let next = achieved.map_or(0, |a| a + 1);
    let mut out = Vec::new();
    if next < catalog.levels.len() {
        out.push(gap(
            catalog,
            outcomes,
            verdicts,
            prerequisites,
            next,
            next,
            GapKind::Next,
        ));
    }
    if let Some(t) = target
        && t > next
    {
        out.push(gap(
            catalog,
            outcomes,
            verdicts,
            prerequisites,
            next,
            t,
            GapKind::Target,
        ));
    }
    out
}

pub(super) fn gap(
    catalog: &Catalog,
    outcomes: &[Outcome],
    verdicts: &[Verdict],
    prerequisites: &[PrerequisiteOutcome],
    from: usize,
    to: usize,
    kind: GapKind,
) -> Gap {
    let in_range = |level: usize| (from..=to).contains(&level);
    let unmet: Vec<GapPrerequisite> = catalog
        .prerequisites
        .iter()
        .zip(prerequisites)
        .filter(|(p, outcome)| in_range(p.level) && !outcome.met)
        .map(|(p, outcome)| GapPrerequisite {
            level: catalog.levels[p.level].id.to_string(),
            id: p.id.clone(),
            title: p.title.clone(),
            detail: outcome.detail.clone(),
            met_on: outcome.met_on,
        })
        .collect();
    // An unmet prerequisite is not met on as-of, so a date it will be met on lies after it.
    let earliest = if unmet.is_empty() {
        None
    } else {
        unmet
            .iter()
            .map(|p| p.met_on)
            .collect::<Option<Vec<Date>>>()
            .and_then(|dates| dates.into_iter().max())
    };
    let mut elements = Vec::new();
    let mut weak_elements: Vec<(usize, usize)> = Vec::new();
    for (level, verdict) in verdicts.iter().enumerate().take(to + 1).skip(from) {
        for &ei in &verdict.below {
            weak_elements.push((level, ei));
            elements.push(GapElement {
                level: catalog.levels[level].id.to_string(),
                id: catalog.elements[ei].id.to_string(),
                score: verdict.elements[ei].score().unwrap_or(0.0),
                needed: from_thousandths(verdict.threshold.unwrap_or(0)),
            });
        }
    }
    let mut criteria: Vec<GapCriterion> = catalog
        .criteria
        .iter()
        .zip(outcomes)
        .filter(|(c, o)| {
            in_range(c.level)
                && (blocks(catalog, c, o.status)
                    || (weak_elements.contains(&(c.level, c.element))
                        && credit(catalog, o.status).is_some_and(|cr| cr < 1000)))
        })
        .map(|(c, o)| GapCriterion {
            id: c.id.clone(),
            level: catalog.levels[c.level].id.clone(),
            element: catalog.elements[c.element].id.clone(),
            title: c.title.clone(),
            requirement: c.requirement.clone(),
            key: c.key,
            weight: c.weight,
            status: o.status,
            fix: fix(o.status, &o.findings),
            findings: {
                let mut codes: Vec<FindingCode> = o.findings.iter().map(|f| f.code).collect();
                codes.sort();
                codes.dedup();
                codes
            },
        })
        .collect();
    criteria.sort_by(|a, b| {
        b.key
            .cmp(&a.key)
            .then(b.weight.cmp(&a.weight))
            .then_with(|| a.id.cmp(&b.id))
    });
    Gap {
        kind,
        level: catalog.levels[to].id.to_string(),
        prerequisites: unmet,
        earliest,
        criteria,
        elements,
    }
}

/// What fixing a criterion takes, from its status and findings: an answer when there is
/// none; evidence when an evidence rule failed; a metric when a required metric failed;
/// otherwise the practice itself.
pub(super) fn fix(status: Status, findings: &[Finding]) -> Fix {
    if status == Status::Unanswered {
        return Fix::Answer;
    }
    if findings.iter().any(|f| f.code.is_evidence()) {
        return Fix::Evidence;
    }
    let metric = |f: &&Finding| {
        matches!(
            f.code,
            FindingCode::MetricMissing | FindingCode::MetricBelowTarget
        ) || (f.code == FindingCode::ExpressionError && f.params.contains_key("metric"))
    };
    if findings.iter().any(|f| metric(&f)) {
        return Fix::Metric;
    }
    Fix::Practice
}
