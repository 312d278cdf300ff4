//! The view of a reviewed result: who reviewed, final or provisional, the self-assessed
//! level beside the reviewed one, agreement, changed ratings and the nonconformities.
//!
//! Built as one plain value (strings cleaned, labels in the report's language); the
//! templates read it as `report.review`, absent for a self-assessment.

use minijinja::Value;
use serde_json::json;

use crate::report::escape;
use crate::result::AssessmentResult;
use crate::result::review::{AgreementStats, Role};
use crate::text::Text;

use super::{Index, Labels};

fn clean(s: &str) -> String {
    escape::clean(s).into_owned()
}

fn text(labels: &Labels, t: &Text) -> String {
    clean(t.get(labels.lang))
}

fn stats(s: &AgreementStats) -> serde_json::Value {
    json!({
        "compared": s.compared,
        "confirmed": s.confirmed,
        "lowered": s.lowered,
        "raised": s.raised,
        "agreement": s.agreement,
        "kappa": s.kappa,
    })
}

/// The review part of the view, when the result was assessed on a review.
pub(super) fn build(result: &AssessmentResult, labels: &Labels, index: &Index) -> Option<Value> {
    let review = result.review.as_ref()?;
    let level_label = |id: &str| -> String {
        index
            .level(labels, id)
            .label
            .as_str()
            .map_or_else(|| clean(id), str::to_owned)
    };
    let lead = review
        .team
        .iter()
        .find(|m| m.role == Role::Lead)
        .map(|m| clean(&m.name));
    let members: Vec<String> = review
        .team
        .iter()
        .filter(|m| m.role == Role::Member)
        .map(|m| clean(&m.name))
        .collect();
    let by_id = |id: &str| result.criteria.iter().find(|c| &*c.id == id);
    let changed: Vec<serde_json::Value> = result
        .criteria
        .iter()
        .filter_map(|c| {
            let r = c.review.as_ref()?;
            (r.viewed && r.declared_rating != c.rating).then(|| {
                json!({
                    "id": clean(&c.id),
                    "title": text(labels, &c.title),
                    "level": level_label(&c.level),
                    "declared": labels.rating(r.declared_rating).as_str().unwrap_or_default(),
                    "reviewed": labels.rating(c.rating).as_str().unwrap_or_default(),
                    "status": labels.status(c.status).as_str().unwrap_or_default(),
                    "note": r.note.as_deref().map(clean),
                })
            })
        })
        .collect();
    let viewed = result
        .criteria
        .iter()
        .filter(|c| c.review.as_ref().is_some_and(|r| r.viewed))
        .count();
    let nonconformities: Vec<serde_json::Value> = review
        .nonconformities
        .iter()
        .map(|nc| {
            let criterion = by_id(&nc.criterion);
            json!({
                "id": clean(&nc.id),
                "anchor": super::anchor_of("nc-", &nc.id).to_string(),
                "criterion": clean(&nc.criterion),
                "title": criterion.map(|c| text(labels, &c.title)),
                "requirement": criterion.map(|c| text(labels, &c.requirement)),
                "clause": criterion.and_then(|c| c.clause.as_ref()).map(|t| text(labels, t)),
                "level": criterion.map(|c| level_label(&c.level)),
                "severity": nc.severity.as_str(),
                "statement": text(labels, &nc.statement),
                "owner": nc.owner.as_deref().map(clean),
                "due": nc.due.map(|d| d.to_string()),
                "action": nc.action.as_ref().map(|t| text(labels, t)),
                "closed_on": nc.closed_on.map(|d| d.to_string()),
                "verified_by": nc.verified_by.as_deref().map(clean),
                "state": nc.state.as_str(),
                "overdue": nc.overdue,
            })
        })
        .collect();
    let open = review.open_nonconformities().count();
    let levels: Vec<serde_json::Value> = review
        .agreement
        .levels
        .iter()
        .filter(|l| l.stats.compared > 0)
        .map(|l| {
            let mut v = stats(&l.stats);
            v["label"] = json!(level_label(&l.level));
            v
        })
        .collect();
    let view = json!({
        "status": review.status.as_str(),
        "final": open == 0,
        "open": open,
        "body": clean(&review.body.name),
        "body_code": review.body.code.as_deref().map(clean),
        "lead": lead,
        "members": members,
        "onsite_from": review.onsite.map(|o| o.from.to_string()),
        "onsite_to": review.onsite.map(|o| o.to.to_string()),
        "digest": clean(&review.sha256),
        "self_achieved": review.self_assessed.achieved_level.as_deref().map(level_label),
        "self_index": review.self_assessed.index,
        "viewed": viewed,
        "agreement": stats(&review.agreement.overall),
        "agreement_levels": levels,
        "changed": changed,
        "nonconformities": nonconformities,
    });
    Some(Value::from(minijinja::value::Serde(&view)))
}
