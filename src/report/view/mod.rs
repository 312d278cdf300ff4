//! The report's view of a result document: the groupings, cross-references and verdict
//! reasons the templates show, computed once in Rust so templates stay linear in the size of
//! the result (no lookups inside loops) and every report format shows the same facts.
//!
//! Everything here is derived from the [`AssessmentResult`] alone (SPEC §7), so a stored
//! result re-renders identically.
//!
//! # Templates see the view as objects
//!
//! Every struct of the view is a minijinja [`Object`](minijinja::value::Object): templates read its fields by name
//! (`report.cover.organization`) straight from the Rust value, with no conversion of the
//! whole view up front. Strings are shared ([`Str`]), nested structs and lists are behind
//! [`Arc`]s, so reading a field costs a reference count. A struct iterates over its field
//! names, a [`List`] is a sequence; optional fields that are absent read as `none`.
//!
//! # Labels
//!
//! Besides the facts, the view carries display labels in the report's language, taken from
//! the template set's locale ([`Label`]): status and rating names, finding names, the
//! placeholders of per-criterion strings already filled. They are the strings the templates
//! would get from `t(…)`, computed once per report instead of once per row; a label whose
//! locale key the set lacks is undefined (an error when a template uses it).

mod criteria;
mod labels;
mod object;
mod parts;
mod review;

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::finding::FindingCode;
use crate::result::{AssessmentResult, Counts, Fix, GapKind};
use crate::text::Text;

use super::chart;
use super::escape::anchor;

pub use labels::Labels;
pub(crate) use object::view_object;
pub use object::{Label, List, Str, TextView, ToValue};
pub use parts::*;

use criteria::{criterion_view, findings_of, level_ref};
use object::{clean, clean_opt, clean_shared};

/// Hash maps of the view's lookups (ids to positions): foldhash, seeded per process.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// [`anchor`] as a shared string.
pub(crate) fn anchor_of(prefix: &str, id: &str) -> Str {
    let mut buf = [0u8; 64];
    let n = prefix.len() + id.len();
    let plain = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if plain && n <= buf.len() {
        buf[..prefix.len()].copy_from_slice(prefix.as_bytes());
        buf[prefix.len()..n].copy_from_slice(id.as_bytes());
        if let Ok(text) = std::str::from_utf8(&buf[..n]) {
            return Arc::from(text);
        }
    }
    Arc::from(anchor(prefix, id))
}

/// What the parts of the view look each other up by: levels and elements with their shared
/// references, criteria by id.
struct Index<'r> {
    level_refs: Vec<Arc<LevelRef>>,
    level_index: HashMap<&'r str, usize>,
    element_refs: Vec<Arc<ElementRef>>,
    /// By cleaned id, looked up by the id as the result gives it (the same for every id
    /// without control characters).
    element_index: HashMap<Str, usize>,
    criterion_index: HashMap<&'r str, usize>,
}

impl<'r> Index<'r> {
    fn new(result: &'r AssessmentResult, labels: &Labels) -> Index<'r> {
        let level_refs = result
            .levels
            .iter()
            .map(|l| level_ref(labels, &l.id, &l.name))
            .collect();
        let level_index = result
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        let mut element_refs: Vec<Arc<ElementRef>> = result
            .elements
            .iter()
            .map(|e| {
                Arc::new(ElementRef {
                    id: clean(&e.id),
                    name: labels.text(&e.name),
                    anchor: anchor_of("el-", &e.id),
                })
            })
            .collect();
        let mut element_index: HashMap<Str, usize> = element_refs
            .iter()
            .enumerate()
            .map(|(i, e)| (Arc::clone(&e.id), i))
            .collect();
        // Elements a criterion names but the element list lacks (not expected) still get a
        // table.
        for c in &result.criteria {
            if !element_index.contains_key(&*c.element) {
                let id = clean_shared(&c.element);
                element_index.insert(Arc::clone(&id), element_refs.len());
                element_refs.push(Arc::new(ElementRef {
                    name: TextView::new(Arc::clone(&id), None, labels.lang),
                    id,
                    anchor: anchor_of("el-", &c.element),
                }));
            }
        }
        let criterion_index = result
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| (&*c.id, i))
            .collect();
        Index {
            level_refs,
            level_index,
            element_refs,
            element_index,
            criterion_index,
        }
    }

    /// The position of a level id.
    fn level_at(&self, id: &str) -> Option<usize> {
        self.level_index.get(id).copied()
    }

    /// The reference of a level id (made up for an id the result's levels lack).
    fn level(&self, labels: &Labels, id: &str) -> Arc<LevelRef> {
        self.level_at(id).map_or_else(
            || {
                let name = Text {
                    zh: Arc::from(id),
                    en: None,
                };
                level_ref(labels, id, &name)
            },
            |i| Arc::clone(&self.level_refs[i]),
        )
    }

    /// The position of an element id.
    fn element_at(&self, id: &str) -> Option<usize> {
        self.element_index.get(id).copied()
    }
}

/// Builds the view of a result, with labels in the language of `labels`. Every string taken
/// from the result is cleaned of control and bidi characters. `expand` opens the criteria
/// tables of every level (for print); otherwise levels above both the next one and the
/// target are collapsed.
pub fn build(result: &AssessmentResult, labels: &Labels, expand: bool) -> View {
    let index = Index::new(result, labels);
    let gaps = gap_views(result, labels, &index);
    let (tables, legend) = level_tables(result, labels, &index);
    let levels = level_views(result, labels, &index, &gaps);
    let mut totals = Counts::default();
    for c in &result.criteria {
        totals.add(c.status);
    }
    let as_of: Str = Arc::from(result.as_of.to_string());
    let generated_at = clean_opt(&result.generated_at);
    View {
        review: review::build(result, labels, &index),
        cover: cover(result, labels, &index, &as_of, &generated_at),
        chart: Arc::new(chart::layout(
            result,
            &index.level_refs,
            &index.element_refs,
        )),
        levels: List::new(levels),
        gaps: List::new(gaps),
        tables: List::new(tables),
        expand,
        waivers: List::new(waiver_views(result, labels, &index)),
        findings: List::new(
            result
                .findings
                .iter()
                .map(|f| {
                    Arc::new(TopFindingView {
                        code: Arc::from(f.code.as_str()),
                        message: clean(&f.message_in(labels.lang)),
                    })
                })
                .collect(),
        ),
        legend: List::new(legend),
        totals: Arc::new(totals),
        criteria_count: result.criteria.len(),
        footer: Arc::new(Footer {
            digest: clean(&result.catalog.digest),
            submission_digest: clean(&result.submission.sha256),
            engine: clean(&result.engine.name),
            version: clean(&result.engine.version),
            as_of,
            generated_at,
        }),
    }
}

fn cover(
    result: &AssessmentResult,
    labels: &Labels,
    index: &Index,
    as_of: &Str,
    generated_at: &Option<Str>,
) -> Arc<Cover> {
    let level = |id: &str| index.level(labels, id);
    let next = result
        .achieved_level
        .as_deref()
        .and_then(|a| index.level_at(a))
        .map_or(Some(0), |a| Some(a + 1))
        .filter(|&n| n < result.levels.len());
    let next_gap = result.gaps.iter().find(|g| g.kind == GapKind::Next);
    Arc::new(Cover {
        organization: clean(&result.submission.organization),
        credit_code: clean_opt(&result.submission.credit_code),
        submission: clean(&result.submission.id),
        source: clean(&result.submission.source),
        catalog_id: clean(&result.catalog.id),
        catalog_version: clean(&result.catalog.version),
        standard: clean(&result.catalog.standard),
        catalog_title: labels.text(&result.catalog.title),
        notice: result.catalog.notice.as_ref().map(|n| labels.text(n)),
        official: result.catalog.official,
        method: Arc::from(result.catalog.method.as_str()),
        threshold: result.catalog.element_threshold,
        as_of: Arc::clone(as_of),
        achieved: result.achieved_level.as_deref().map(level),
        achieved_without_waivers: result.achieved_level_without_waivers.as_deref().map(level),
        waivers_change_level: result.achieved_level != result.achieved_level_without_waivers,
        target: result.target_level.as_deref().map(level),
        target_met: result.target_met,
        index: result.index,
        generated_at: generated_at.clone(),
        next: next.map(|n| Arc::clone(&index.level_refs[n])),
        next_criteria: next_gap.map_or(0, |g| g.criteria.len()),
        next_prerequisites: next_gap.map_or(0, |g| g.prerequisites.len()),
        next_earliest: next_gap
            .and_then(|g| g.earliest)
            .map(|d| Arc::from(d.to_string())),
    })
}

/// The gaps as action plans: what waits on a date, what is needed first, weak elements,
/// then the criteria grouped by what fixing them takes, key criteria first.
fn gap_views(result: &AssessmentResult, labels: &Labels, index: &Index) -> Vec<Arc<GapView>> {
    const FIXES: [Fix; 4] = [Fix::Answer, Fix::Evidence, Fix::Metric, Fix::Practice];
    result
        .gaps
        .iter()
        .map(|g| {
            let prerequisite = |p: &crate::result::GapPrerequisite| {
                Arc::new(GapPrerequisiteView {
                    level: index.level(labels, &p.level),
                    id: clean(&p.id),
                    title: labels.text(&p.title),
                    detail: labels.text(&p.detail),
                    met_on: p.met_on.map(|d| Arc::from(d.to_string())),
                })
            };
            let below = g
                .elements
                .iter()
                .filter_map(|e| {
                    let ei = index.element_at(&e.id)?;
                    let level = index.level(labels, &e.level);
                    Some(Arc::new(BelowView {
                        anchor: anchor_in_level(&level, &e.id),
                        level,
                        element: Arc::clone(&index.element_refs[ei]),
                        score: e.score,
                        needed: e.needed,
                    }))
                })
                .collect();
            // Key criteria first, whatever fixing them takes; then the others by what fixing
            // takes. The gap lists criteria key first, then by weight and id: kept within
            // groups.
            let key: Vec<Arc<GapItem>> = g
                .criteria
                .iter()
                .filter(|c| c.key)
                .map(|c| gap_item(result, labels, index, c))
                .collect();
            let by_fix = FIXES.iter().filter_map(|&fix| {
                let items: Vec<Arc<GapItem>> = g
                    .criteria
                    .iter()
                    .filter(|c| !c.key && c.fix == fix)
                    .map(|c| gap_item(result, labels, index, c))
                    .collect();
                (!items.is_empty()).then(|| {
                    Arc::new(GapGroup {
                        fix: fix.as_str(),
                        criteria: List::new(items),
                    })
                })
            });
            let groups = (!key.is_empty())
                .then(|| {
                    Arc::new(GapGroup {
                        fix: "key",
                        criteria: List::new(key),
                    })
                })
                .into_iter()
                .chain(by_fix)
                .collect();
            Arc::new(GapView {
                kind: Arc::from(g.kind.as_str()),
                level: index.level(labels, &g.level),
                anchor: anchor_of("gap-", g.kind.as_str()),
                earliest: g.earliest.map(|d| Arc::from(d.to_string())),
                waits: List::new(
                    g.prerequisites
                        .iter()
                        .filter(|p| p.met_on.is_some())
                        .map(prerequisite)
                        .collect(),
                ),
                needs: List::new(
                    g.prerequisites
                        .iter()
                        .filter(|p| p.met_on.is_none())
                        .map(prerequisite)
                        .collect(),
                ),
                below: List::new(below),
                groups: List::new(groups),
                criteria_count: g.criteria.len(),
                key_count: g.criteria.iter().filter(|c| c.key).count(),
            })
        })
        .collect()
}

/// One criterion of an action plan, with what the reader needs to act: the requirement,
/// the findings, the evidence the catalog asks for, and the enterprise's own note.
fn gap_item(
    result: &AssessmentResult,
    labels: &Labels,
    index: &Index,
    c: &crate::result::GapCriterion,
) -> Arc<GapItem> {
    let row = index
        .criterion_index
        .get(&*c.id)
        .map(|&i| &result.criteria[i]);
    let findings = row.map_or_else(
        || {
            List::new(
                c.findings
                    .iter()
                    .map(|&code| {
                        Arc::new(FindingView {
                            code: code.as_str(),
                            message: Arc::from(""),
                            name: labels.finding(code),
                        })
                    })
                    .collect(),
            )
        },
        |r| findings_of(labels, &r.findings),
    );
    let element = index.element_at(&c.element).map_or_else(
        || {
            Arc::new(ElementRef {
                id: clean_shared(&c.element),
                name: TextView::new(clean_shared(&c.element), None, labels.lang),
                anchor: anchor_of("el-", &c.element),
            })
        },
        |ei| Arc::clone(&index.element_refs[ei]),
    );
    Arc::new(GapItem {
        fix: c.fix.as_str(),
        id: clean_shared(&c.id),
        anchor: anchor_of("cr-", &c.id),
        level: index.level(labels, &c.level),
        element,
        hints: List::new(
            row.map(|r| {
                r.evidence_needed
                    .hints
                    .iter()
                    .map(|h| labels.text(h))
                    .collect()
            })
            .unwrap_or_default(),
        ),
        evidence_rule: row
            .filter(|r| r.evidence_needed.min > 0)
            .map(|r| labels.evidence_rule(r.evidence_needed.min, r.evidence_needed.max_age_days)),
        note: row.and_then(|r| clean_opt(&r.note)),
        metrics: List::new(
            row.map(|r| {
                r.metrics_needed
                    .iter()
                    .map(|m| {
                        let value = r.metrics.get(&*m.id).map(|v| match v {
                            serde_json::Value::String(s) => clean(s),
                            other => Arc::from(other.to_string()),
                        });
                        Arc::new(MetricView {
                            name: clean(&m.id),
                            title: m
                                .title
                                .as_ref()
                                .map_or_else(|| clean(&m.id), |t| clean(t.get(labels.lang))),
                            advisory: m.advisory,
                            value: value.unwrap_or_else(|| Arc::from("")),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ),
        title: labels.text(&c.title),
        requirement: labels.text(&c.requirement),
        key: c.key,
        weight: c.weight,
        status: c.status,
        findings,
        status_label: labels.status(c.status),
        weight_label: (c.weight != 1).then(|| labels.weight(c.weight).1),
    })
}

/// The criteria tables per level and element, and the legend: the finding codes that occur
/// (criterion codes in the order of [`FindingCode::ALL`], then top-level codes, sorted).
/// Levels up to the next one or the target, whichever is higher, are open.
fn level_tables(
    result: &AssessmentResult,
    labels: &Labels,
    index: &Index,
) -> (Vec<Arc<LevelTable>>, Vec<Str>) {
    let n_levels = index.level_refs.len();
    let n_elements = index.element_refs.len();
    let mut counts = vec![vec![Counts::default(); n_elements]; n_levels];
    let mut rows: Vec<Vec<Vec<Arc<CriterionView>>>> = vec![vec![Vec::new(); n_elements]; n_levels];
    let waiver_of: HashMap<&str, Arc<WaiverMark>> = result
        .waivers
        .iter()
        .map(|w| {
            let expires_on = w.expires_on.to_string();
            (
                w.criterion.as_str(),
                Arc::new(WaiverMark {
                    active: w.active,
                    label: labels.waiver(w.active, &expires_on),
                    expires_on: Arc::from(expires_on),
                }),
            )
        })
        .collect();
    let mut codes: BTreeSet<FindingCode> = BTreeSet::new();
    for c in &result.criteria {
        codes.extend(c.findings.iter().map(|f| f.code));
        for e in &c.evidence {
            codes.extend(e.findings.iter().copied());
        }
        if let (Some(li), Some(ei)) = (index.level_at(&c.level), index.element_at(&c.element)) {
            counts[li][ei].add(c.status);
            let level = Arc::clone(&index.level_refs[li]);
            rows[li][ei].push(criterion_view(labels, c, level, waiver_of.get(&*c.id)));
        }
    }
    let needed = result.needed_levels();
    let open_to = needed.end.max(
        result
            .achieved_level
            .as_deref()
            .and_then(|a| index.level_at(a))
            .map_or(0, |a| a + 1),
    );
    let tables = counts
        .into_iter()
        .zip(rows)
        .enumerate()
        .map(|(li, (counts, rows))| {
            let mut total = Counts::default();
            let elements: Vec<Arc<ElementView>> = index
                .element_refs
                .iter()
                .zip(counts.into_iter().zip(rows))
                .filter(|(_, (_, rows))| !rows.is_empty())
                .map(|(e, (counts, criteria))| {
                    total.merge(&counts);
                    Arc::new(ElementView {
                        id: Arc::clone(&e.id),
                        name: Arc::clone(&e.name),
                        anchor: anchor_in_level(&index.level_refs[li], &e.id),
                        counts_label: labels.counts(&counts),
                        counts: Arc::new(counts),
                        criteria: List::new(criteria),
                    })
                })
                .collect();
            let count = elements.iter().map(|e| e.criteria.len()).sum();
            Arc::new(LevelTable {
                level: Arc::clone(&index.level_refs[li]),
                open: li < open_to.max(1),
                counts_label: labels.counts(&total),
                count,
                elements: List::new(elements),
            })
        })
        .collect();
    let legend = FindingCode::ALL
        .iter()
        .filter(|c| codes.contains(c))
        .map(|c| Arc::from(c.as_str()))
        .chain(
            result
                .findings
                .iter()
                .map(|f| f.code)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|code| Arc::from(code.as_str())),
        )
        .collect();
    (tables, legend)
}

/// The anchor of an element's table within a level.
fn anchor_in_level(level: &LevelRef, element: &str) -> Str {
    anchor_of(&format!("{}-el-", level.anchor), element)
}

/// The level ladder: each level's verdict and the reasons the result records for it.
fn level_views(
    result: &AssessmentResult,
    labels: &Labels,
    index: &Index,
    gaps: &[Arc<GapView>],
) -> Vec<Arc<LevelView>> {
    let achieved = result
        .achieved_level
        .as_deref()
        .and_then(|id| index.level_at(id));
    let target = result
        .target_level
        .as_deref()
        .and_then(|id| index.level_at(id));
    // Gap anchors by level: the first gap whose range covers the level.
    let next = achieved.map_or(0, |a| a + 1);
    let gap_anchor_of = |li: usize| -> Option<Str> {
        result.gaps.iter().zip(gaps).find_map(|(g, v)| {
            let to = index.level_at(&g.level)?;
            (next..=to).contains(&li).then(|| Arc::clone(&v.anchor))
        })
    };
    let mut counts = vec![Counts::default(); result.levels.len()];
    for c in &result.criteria {
        if let Some(li) = index.level_at(&c.level) {
            counts[li].add(c.status);
        }
    }
    // The lowest level not satisfied: what keeps a satisfied level above it unreached.
    let first_unsatisfied = result.levels.iter().position(|l| !l.satisfied);
    result
        .levels
        .iter()
        .enumerate()
        .map(|(li, l)| {
            let reached = achieved.is_some_and(|a| li <= a);
            let state = match (l.satisfied, reached) {
                (true, true) => "achieved",
                (true, false) => "unreached",
                (false, _) => "unsatisfied",
            };
            let lref = &index.level_refs[li];
            let below = l
                .decision
                .elements_below
                .iter()
                .filter_map(|e| {
                    let ei = index.element_at(&e.element)?;
                    Some(Arc::new(BelowView {
                        anchor: anchor_in_level(lref, &e.element),
                        level: Arc::clone(lref),
                        element: Arc::clone(&index.element_refs[ei]),
                        score: e.score,
                        needed: e.threshold,
                    }))
                })
                .collect();
            let c = counts[li];
            Arc::new(LevelView {
                id: Arc::clone(&lref.id),
                name: Arc::clone(&lref.name),
                gist: l.gist.as_ref().map(|g| labels.text(g)),
                anchor: Arc::clone(&lref.anchor),
                state,
                satisfied: l.satisfied,
                thanks_to_waivers: l.satisfied && !l.satisfied_without_waivers,
                is_achieved: achieved == Some(li),
                is_target: target == Some(li),
                blocked_by: match state {
                    "unreached" => first_unsatisfied.map(|f| Arc::clone(&index.level_refs[f])),
                    _ => None,
                },
                score: l.score,
                prerequisites: List::new(
                    l.prerequisites
                        .iter()
                        .map(|p| {
                            Arc::new(PrerequisiteView {
                                id: clean(&p.id),
                                title: labels.text(&p.title),
                                met: p.met,
                                detail: labels.text(&p.detail),
                                met_on: p.met_on.map(|d| Arc::from(d.to_string())),
                            })
                        })
                        .collect(),
                ),
                unmet_prerequisites: l.decision.unmet_prerequisites.len(),
                blocking: l.decision.blocking_criteria as usize,
                below: List::new(below),
                counts: Arc::new(c),
                applicable: c.conform + c.partial + c.nonconform + c.unanswered + c.waived,
                gap_anchor: if l.satisfied { None } else { gap_anchor_of(li) },
                label: lref.label.clone(),
                counts_label: labels.counts(&c),
            })
        })
        .collect()
}

/// The waivers that apply, each linked to its criterion's row.
fn waiver_views(result: &AssessmentResult, labels: &Labels, index: &Index) -> Vec<Arc<WaiverView>> {
    result
        .waivers
        .iter()
        .map(|w| {
            let criterion = index
                .criterion_index
                .get(w.criterion.as_str())
                .map(|&i| &result.criteria[i]);
            Arc::new(WaiverView {
                criterion: clean(&w.criterion),
                anchor: criterion.map(|c| anchor_of("cr-", &c.id)),
                title: criterion.map(|c| labels.text(&c.title)),
                justification: clean(&w.justification),
                approved_by: clean(&w.approved_by),
                expires_on: Arc::from(w.expires_on.to_string()),
                active: w.active,
            })
        })
        .collect()
}
