//! The rows of the criteria tables: each criterion with its findings, evidence items,
//! metric values and waiver mark.

use std::sync::Arc;

use serde_json::Value as Json;

use crate::result::CriterionResult;
use crate::text::Text;

use super::anchor_of;
use super::labels::{Labels, list};
use super::object::{List, clean, clean_opt, clean_shared};
use super::parts::{CriterionView, EvidenceView, FindingView, LevelRef, MetricView, WaiverMark};

pub(super) fn level_ref(labels: &Labels, id: &str, name: &Text) -> Arc<LevelRef> {
    let id_s = clean(id);
    let name = labels.text(name);
    Arc::new(LevelRef {
        label: labels.level(&id_s, &name),
        id: id_s,
        name,
        anchor: anchor_of("level-", id),
    })
}

pub(super) fn findings_of(
    labels: &Labels,
    findings: &[crate::finding::Finding],
) -> Arc<List<Arc<FindingView>>> {
    list(
        findings
            .iter()
            .map(|f| {
                Arc::new(FindingView {
                    code: f.code.as_str(),
                    message: clean(&f.message_in(labels.lang)),
                    name: labels.finding(f.code),
                })
            })
            .collect(),
        &labels.empty.findings,
    )
}

pub(super) fn criterion_view(
    labels: &Labels,
    c: &CriterionResult,
    level: Arc<LevelRef>,
    waiver: Option<&Arc<WaiverMark>>,
) -> Arc<CriterionView> {
    let rating = c.rating.map(|r| r.as_str());
    Arc::new(CriterionView {
        id: clean_shared(&c.id),
        anchor: anchor_of("cr-", &c.id),
        level,
        title: labels.text(&c.title),
        requirement: labels.text(&c.requirement),
        clause: c.clause.as_ref().map(|t| clean(t.get(labels.lang))),
        key: c.key,
        weight: c.weight,
        rating,
        status: c.status,
        credit: c.credit,
        blocking: c.blocking,
        note: clean_opt(&c.note),
        findings: findings_of(labels, &c.findings),
        evidence: list(
            c.evidence
                .iter()
                .map(|e| {
                    let dated = e.dated.map(|d| d.to_string());
                    Arc::new(EvidenceView {
                        path: clean(&e.path),
                        title: clean_opt(&e.title),
                        dated_label: dated.as_deref().map(|d| labels.dated(d)),
                        dated: dated.map(Arc::from),
                        valid: e.valid,
                        findings: list(
                            e.findings.iter().map(|f| f.as_str()).collect(),
                            &labels.empty.codes,
                        ),
                        valid_label: if e.valid {
                            labels.valid.clone()
                        } else {
                            labels.invalid.clone()
                        },
                        finding_names: list(
                            e.findings.iter().map(|&f| labels.finding(f)).collect(),
                            &labels.empty.names,
                        ),
                    })
                })
                .collect(),
            &labels.empty.evidence,
        ),
        metrics: list(
            c.metrics
                .iter()
                .map(|(name, value)| {
                    let needed = c.metrics_needed.iter().find(|m| *m.id == **name);
                    Arc::new(MetricView {
                        title: needed
                            .and_then(|m| m.title.as_ref())
                            .map_or_else(|| clean(name), |t| clean(t.get(labels.lang))),
                        advisory: needed.is_some_and(|m| m.advisory),
                        name: clean(name),
                        value: match value {
                            Json::String(s) => clean(s),
                            other => Arc::from(other.to_string()),
                        },
                    })
                })
                .collect(),
            &labels.empty.metrics,
        ),
        waiver: waiver.cloned(),
        status_label: labels.status(c.status),
        rating_label: labels.rating(c.rating),
        weight_label: (c.weight != 1).then(|| labels.weight(c.weight).0),
        credit_text: labels.credit(c.credit),
    })
}
