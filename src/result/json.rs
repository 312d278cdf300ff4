//! Compact JSON of result documents for bulk runs, byte for byte what
//! `serde_json::to_writer(result)` writes, in about a third of the instructions.
//!
//! Most of a result is the catalog's text about each criterion (id, level, element, title,
//! clause; in gaps also the requirement), the same in every submission assessed against that
//! catalog. [`CompactWriter`] encodes such a head once and keeps it; for the next result it
//! compares the criterion's fields with the ones it kept (cheap: they are the catalog's shared
//! strings, so equal fields are usually the same pointer) and,
//! when they are equal, copies the bytes instead of escaping the strings again. Everything
//! that varies (ratings, statuses, credits, notes, findings, evidence) is written as it
//! comes, with the keys as literals.
//!
//! The writer only ever reuses bytes made from equal values, so it needs no catalog and
//! cannot go stale. Its output equals serde_json's for every result (tested over the
//! conformance suite and generated batches); the derived `Serialize` stays the definition.
//! Fields are destructured exhaustively, so a field added to a result type does not compile
//! here until it is written.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::{
    AssessmentResult, CriterionResult, EvidenceNeeded, EvidenceResult, Gap, GapCriterion,
    MetricNeeded,
};
use crate::finding::{Finding, FindingCode};
use crate::text::Text;

/// Writes results as compact JSON, remembering the criterion heads it has encoded.
///
/// Keep one per thread and reuse it: the memory it keeps is bounded by the criteria of the
/// catalogs it has seen (heads are kept by catalog id and position, or by criterion id).
#[derive(Debug, Default)]
pub struct CompactWriter {
    /// Per catalog id, the head of `criteria[i]` last written.
    criteria: Map<Vec<Option<Kept>>>,
    /// Per catalog id, by criterion id, the head of a gap criterion last written.
    gaps: Map<Map<Kept>>,
}

/// `,"name":` (`"name":` for a first field) as one constant: the bytes before a value.
macro_rules! key {
    (first $name:literal) => {
        concat!("\"", $name, "\":").as_bytes()
    };
    ($name:literal) => {
        concat!(",\"", $name, "\":").as_bytes()
    };
}

/// Maps by id (foldhash).
type Map<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// The catalog-constant fields of a criterion as written in `criteria` (`requirement` is
/// `None`) or in a gap (`clause` is `None`), in field order.
#[derive(Serialize)]
struct Head<'a> {
    id: &'a Arc<str>,
    level: &'a Arc<str>,
    element: &'a Arc<str>,
    title: &'a Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<&'a Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requirement: Option<&'a Text>,
    key: bool,
    weight: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence_needed: Option<&'a EvidenceNeeded>,
    #[serde(skip_serializing_if = "<[MetricNeeded]>::is_empty")]
    metrics_needed: &'a [MetricNeeded],
}

/// A head as kept: its fields (the catalog's shared strings, so comparing an unchanged head
/// compares pointers), and its JSON up to its last field (no closing brace).
#[derive(Debug)]
struct Kept {
    id: Arc<str>,
    level: Arc<str>,
    element: Arc<str>,
    title: Text,
    clause: Option<Text>,
    requirement: Option<Text>,
    key: bool,
    weight: u32,
    evidence_needed: Option<EvidenceNeeded>,
    metrics_needed: Vec<MetricNeeded>,
    json: Vec<u8>,
}

impl Kept {
    fn new(head: &Head<'_>) -> serde_json::Result<Kept> {
        let mut json = serde_json::to_vec(head)?;
        json.pop(); // the closing brace: more fields follow
        Ok(Kept {
            id: Arc::clone(head.id),
            level: Arc::clone(head.level),
            element: Arc::clone(head.element),
            title: head.title.clone(),
            clause: head.clause.cloned(),
            requirement: head.requirement.cloned(),
            key: head.key,
            weight: head.weight,
            evidence_needed: head.evidence_needed.cloned(),
            metrics_needed: head.metrics_needed.to_vec(),
            json,
        })
    }

    fn is(&self, head: &Head<'_>) -> bool {
        self.id == *head.id
            && self.level == *head.level
            && self.element == *head.element
            && self.title == *head.title
            && self.clause.as_ref() == head.clause
            && self.requirement.as_ref() == head.requirement
            && self.key == head.key
            && self.weight == head.weight
            && self.evidence_needed.as_ref() == head.evidence_needed
            && self.metrics_needed == head.metrics_needed
    }
}

/// Writes `head` from `kept` when it holds this head, otherwise encodes it and keeps it.
fn write_head(
    kept: Option<&mut Kept>,
    head: &Head<'_>,
    out: &mut Vec<u8>,
) -> serde_json::Result<Option<Kept>> {
    let made = match kept {
        Some(k) if k.is(head) => {
            out.extend_from_slice(&k.json);
            return Ok(None);
        }
        Some(k) => {
            *k = Kept::new(head)?;
            out.extend_from_slice(&k.json);
            return Ok(None);
        }
        None => Kept::new(head)?,
    };
    out.extend_from_slice(&made.json);
    Ok(Some(made))
}

/// Appends `value` as serde_json writes it.
fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *out, value)
}

/// Appends `key` (made by [`key!`]) and then `v` as serde_json writes it.
fn field<T: Serialize + ?Sized>(out: &mut Vec<u8>, key: &[u8], v: &T) -> serde_json::Result<()> {
    out.extend_from_slice(key);
    value(out, v)
}

/// Appends `s` as a JSON string, byte for byte as serde_json writes it. serde_json escapes
/// only the quote, the backslash and the control characters below U+0020; most strings have
/// none of them and are copied as they are, after one pass over their bytes that the compiler
/// vectorizes.
fn string(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        plain_str(out, s);
        Ok(())
    } else {
        value(out, s)
    }
}

/// Appends a list of findings, as serde_json writes `Vec<Finding>`.
fn finding_list(out: &mut Vec<u8>, items: &[Finding]) -> serde_json::Result<()> {
    list(out, items, |out, f| {
        let Finding {
            code,
            message,
            params,
        } = f;
        out.push(b'{');
        out.extend_from_slice(key!(first "code"));
        plain_str(out, code.as_str());
        out.extend_from_slice(key!("message"));
        string(out, message)?;
        field(out, key!("params"), params)?;
        out.push(b'}');
        Ok(())
    })
}

/// Appends a list of finding codes, as serde_json writes `Vec<FindingCode>`.
fn codes(out: &mut Vec<u8>, items: &[FindingCode]) -> serde_json::Result<()> {
    list(out, items, |out, code| {
        plain_str(out, code.as_str());
        Ok(())
    })
}

/// Appends `"s"`: a string that needs no escaping (a status, rating or finding code).
fn plain_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Appends a list, each item written by `item`.
fn list<I: IntoIterator>(
    out: &mut Vec<u8>,
    items: I,
    mut item: impl FnMut(&mut Vec<u8>, I::Item) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x)?;
    }
    out.push(b']');
    Ok(())
}

impl CompactWriter {
    /// A writer that has kept nothing yet.
    pub fn new() -> CompactWriter {
        CompactWriter::default()
    }

    /// Appends `result` as compact JSON (no trailing newline).
    pub fn write(
        &mut self,
        result: &AssessmentResult,
        out: &mut Vec<u8>,
    ) -> serde_json::Result<()> {
        let AssessmentResult {
            schema,
            engine,
            catalog,
            submission,
            generated_at,
            as_of,
            achieved_level,
            achieved_level_without_waivers,
            target_level,
            target_met,
            index,
            levels,
            elements,
            criteria,
            gaps,
            waivers,
            findings,
            review,
        } = result;
        out.push(b'{');
        out.extend_from_slice(key!(first "schema"));
        value(out, schema)?;
        field(out, key!("engine"), engine)?;
        field(out, key!("catalog"), catalog)?;
        field(out, key!("submission"), submission)?;
        if let Some(at) = generated_at {
            field(out, key!("generated_at"), at)?;
        }
        field(out, key!("as_of"), as_of)?;
        field(out, key!("achieved_level"), achieved_level)?;
        field(
            out,
            key!("achieved_level_without_waivers"),
            achieved_level_without_waivers,
        )?;
        field(out, key!("target_level"), target_level)?;
        field(out, key!("target_met"), target_met)?;
        field(out, key!("index"), index)?;
        field(out, key!("levels"), levels)?;
        field(out, key!("elements"), elements)?;

        out.extend_from_slice(key!("criteria"));
        let kept = kept_for(&mut self.criteria, &catalog.id);
        if kept.len() < criteria.len() {
            kept.resize_with(criteria.len(), || None);
        }
        list(
            out,
            criteria.iter().zip(kept.iter_mut()),
            |out, (c, slot)| criterion(c, slot, out),
        )?;

        out.extend_from_slice(key!("gaps"));
        let kept = kept_for(&mut self.gaps, &catalog.id);
        list(out, gaps, |out, g| gap(g, kept, out))?;
        field(out, key!("waivers"), waivers)?;
        field(out, key!("findings"), findings)?;
        if let Some(review) = review {
            field(out, key!("review"), review)?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// `map.entry(id).or_default()`, without allocating the key when it is there.
fn kept_for<'m, V: Default>(map: &'m mut Map<V>, id: &str) -> &'m mut V {
    if !map.contains_key(id) {
        map.insert(id.to_owned(), V::default());
    }
    map.get_mut(id)
        .unwrap_or_else(|| unreachable!("inserted above"))
}

fn criterion(
    c: &CriterionResult,
    slot: &mut Option<Kept>,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    let CriterionResult {
        id,
        level,
        element,
        title,
        clause,
        requirement,
        key: is_key,
        weight,
        evidence_needed,
        metrics_needed,
        rating,
        status,
        credit,
        blocking,
        note,
        findings,
        evidence,
        metrics,
        review,
    } = c;
    let head = Head {
        id,
        level,
        element,
        title,
        clause: clause.as_ref(),
        requirement: Some(requirement),
        key: *is_key,
        weight: *weight,
        evidence_needed: Some(evidence_needed),
        metrics_needed,
    };
    if let Some(made) = write_head(slot.as_mut(), &head, out)? {
        *slot = Some(made);
    }
    out.extend_from_slice(key!("rating"));
    match rating {
        Some(r) => plain_str(out, r.as_str()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(key!("status"));
    plain_str(out, status.as_str());
    field(out, key!("credit"), credit)?;
    out.extend_from_slice(key!("blocking"));
    out.extend_from_slice(if *blocking { b"true" } else { b"false" });
    if let Some(note) = note {
        out.extend_from_slice(key!("note"));
        string(out, note)?;
    }
    out.extend_from_slice(key!("findings"));
    finding_list(out, findings)?;
    out.extend_from_slice(key!("evidence"));
    list(out, evidence, evidence_item)?;
    if !metrics.is_empty() {
        field(out, key!("metrics"), metrics)?;
    }
    if let Some(review) = review {
        field(out, key!("review"), review)?;
    }
    out.push(b'}');
    Ok(())
}

fn evidence_item(out: &mut Vec<u8>, e: &EvidenceResult) -> serde_json::Result<()> {
    let EvidenceResult {
        path,
        title,
        dated,
        valid,
        findings,
    } = e;
    out.push(b'{');
    out.extend_from_slice(key!(first "path"));
    string(out, path)?;
    if let Some(title) = title {
        out.extend_from_slice(key!("title"));
        string(out, title)?;
    }
    if let Some(dated) = dated {
        field(out, key!("dated"), dated)?;
    }
    out.extend_from_slice(key!("valid"));
    out.extend_from_slice(if *valid { b"true" } else { b"false" });
    out.extend_from_slice(key!("findings"));
    codes(out, findings)?;
    out.push(b'}');
    Ok(())
}

fn gap(g: &Gap, kept: &mut Map<Kept>, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let Gap {
        kind,
        level,
        prerequisites,
        earliest,
        criteria,
        elements,
    } = g;
    out.push(b'{');
    out.extend_from_slice(key!(first "kind"));
    plain_str(out, kind.as_str());
    field(out, key!("level"), level)?;
    field(out, key!("prerequisites"), prerequisites)?;
    field(out, key!("earliest"), earliest)?;
    out.extend_from_slice(key!("criteria"));
    list(out, criteria, |out, c| gap_criterion(c, kept, out))?;
    field(out, key!("elements"), elements)?;
    out.push(b'}');
    Ok(())
}

fn gap_criterion(
    c: &GapCriterion,
    kept: &mut Map<Kept>,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    let GapCriterion {
        id,
        level,
        element,
        title,
        requirement,
        key: is_key,
        weight,
        status,
        fix,
        findings,
    } = c;
    let head = Head {
        id,
        level,
        element,
        title,
        clause: None,
        requirement: Some(requirement),
        key: *is_key,
        weight: *weight,
        evidence_needed: None,
        metrics_needed: &[],
    };
    if let Some(made) = write_head(kept.get_mut(&**id), &head, out)? {
        kept.insert(id.to_string(), made);
    }
    out.extend_from_slice(key!("status"));
    plain_str(out, status.as_str());
    out.extend_from_slice(key!("fix"));
    plain_str(out, fix.as_str());
    out.extend_from_slice(key!("findings"));
    codes(out, findings)?;
    out.push(b'}');
    Ok(())
}
