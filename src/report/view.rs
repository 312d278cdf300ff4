//! The report's view of a result document: the groupings, cross-references and verdict
//! reasons the templates show, computed once in Rust so templates stay linear in the size of
//! the result (no lookups inside loops) and every report format shows the same facts.
//!
//! Everything here is derived from the [`AssessmentResult`] alone (SPEC §7), so a stored
//! result re-renders identically.
//!
//! # Templates see the view as objects
//!
//! Every struct of the view is a minijinja [`Object`]: templates read its fields by name
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

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde_json::Value as Json;

use crate::finding::FindingCode;
use crate::result::{AssessmentResult, Counts, CriterionResult, Status};
use crate::submission::Rating;
use crate::text::{Lang, Text};

use super::chart::{self, Chart};
use super::escape::{self, anchor};
use super::locale::{Locale, Pattern};

/// Hash maps of the view's lookups (ids to positions): foldhash, seeded per process.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A shared string of the view (cloning it costs a reference count).
pub type Str = Arc<str>;

/// A field value as templates see it.
pub trait ToValue {
    /// The template value; `None` leaves the field undefined.
    fn to_value(&self) -> Option<Value>;
}

impl ToValue for Arc<str> {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(Arc::clone(self)))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(self.as_str()))
    }
}

impl ToValue for &'static str {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

macro_rules! scalar_to_value {
    ($($ty:ty),*) => {
        $(impl ToValue for $ty {
            fn to_value(&self) -> Option<Value> {
                Some(Value::from(*self))
            }
        })*
    };
}

scalar_to_value!(bool, u32, usize, f64);

impl ToValue for Status {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(self.as_str()))
    }
}

impl<T: ToValue> ToValue for Option<T> {
    /// `none` when absent.
    fn to_value(&self) -> Option<Value> {
        match self {
            Some(v) => v.to_value(),
            None => Some(Value::from(())),
        }
    }
}

/// Implements [`Object`] for a view struct: its fields by name, in declaration order.
macro_rules! view_object {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Object for $ty {
            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                self.get_value_by_str(key.as_str()?)
            }

            fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
                match key {
                    $(stringify!($field) => self.$field.to_value(),)*
                    _ => None,
                }
            }

            fn enumerate(self: &Arc<Self>) -> Enumerator {
                Enumerator::Str(&[$(stringify!($field)),*])
            }
        }

        impl ToValue for Arc<$ty> {
            fn to_value(&self) -> Option<Value> {
                Some(Value::from_dyn_object(Arc::clone(self)))
            }
        }
    };
}

pub(crate) use view_object;

/// A list of the view; a sequence in templates.
#[derive(Debug)]
pub struct List<T>(Vec<T>);

impl<T> List<T> {
    /// A shared list.
    pub fn new(items: Vec<T>) -> Arc<List<T>> {
        Arc::new(List(items))
    }
}

impl<T> Deref for List<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: ToValue + fmt::Debug + Send + Sync + 'static> Object for List<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?)?.to_value()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

impl<T: ToValue + fmt::Debug + Send + Sync + 'static> ToValue for Arc<List<T>> {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from_dyn_object(Arc::clone(self)))
    }
}

/// A display string from the template set's locale, in the report's language, placeholders
/// filled; `None` when the locale lacks the key (the field is then undefined in templates,
/// as `t(…)` would have failed).
#[derive(Debug, Clone, Default)]
pub struct Label(pub Option<Str>);

impl Label {
    /// The text, when the locale has it.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl ToValue for Label {
    fn to_value(&self) -> Option<Value> {
        self.0.as_ref().map(|s| Value::from(Arc::clone(s)))
    }
}

/// Bilingual text (`{zh, en}`); the `tx` filter picks the report's language. Templates also
/// read `text`: the text in the language the view was built for (English falling back to
/// Chinese), as `tx` gives it — without a filter call; it is not listed among the keys, so
/// the object iterates like the `{zh, en}` of the result document.
#[derive(Debug, Clone)]
pub struct TextView {
    /// Chinese.
    pub zh: Str,
    /// English, when given.
    pub en: Option<Str>,
    /// The text in the view's language.
    pub text: Str,
}

impl TextView {
    /// The text in `lang`, falling back to Chinese.
    pub fn get(&self, lang: Lang) -> &Str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

impl Object for TextView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "zh" => self.zh.to_value(),
            "en" => self.en.as_ref()?.to_value(),
            "text" => self.text.to_value(),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.en {
            Some(_) => Enumerator::Str(&["zh", "en"]),
            None => Enumerator::Str(&["zh"]),
        }
    }
}

impl ToValue for Arc<TextView> {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from_dyn_object(Arc::clone(self)))
    }
}

view_object!(Counts {
    conform,
    partial,
    nonconform,
    unanswered,
    not_applicable,
    waived
});

/// The whole view.
#[derive(Debug)]
pub struct View {
    /// Cover page facts.
    pub cover: Arc<Cover>,
    /// Levels, entry level first, with their verdict and its reasons.
    pub levels: Arc<List<Arc<LevelView>>>,
    /// The element-score chart.
    pub chart: Arc<Chart>,
    /// Gaps to the next and the target level.
    pub gaps: Arc<List<Arc<GapView>>>,
    /// Elements with their criteria (catalog order).
    pub elements: Arc<List<Arc<ElementView>>>,
    /// Waivers that apply to the submission.
    pub waivers: Arc<List<Arc<WaiverView>>>,
    /// Findings about the submission as a whole.
    pub findings: Arc<List<Arc<TopFindingView>>>,
    /// Finding codes that occur in the result: criterion codes in the order of
    /// [`FindingCode::ALL`], then the codes of top-level findings, sorted.
    pub legend: Arc<List<Str>>,
    /// Criteria per status over the whole catalog.
    pub totals: Arc<Counts>,
    /// Number of criteria.
    pub criteria_count: usize,
    /// Footer facts.
    pub footer: Arc<Footer>,
}

view_object!(View {
    cover,
    levels,
    chart,
    gaps,
    elements,
    waivers,
    findings,
    legend,
    totals,
    criteria_count,
    footer
});

/// A reference to a level.
#[derive(Debug)]
pub struct LevelRef {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// HTML anchor of its ladder entry.
    pub anchor: Str,
    /// `level.label` with its id and name: how the report names the level.
    pub label: Label,
}

view_object!(LevelRef {
    id,
    name,
    anchor,
    label
});

/// A reference to an element.
#[derive(Debug)]
pub struct ElementRef {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// HTML anchor of its criteria table.
    pub anchor: Str,
}

view_object!(ElementRef { id, name, anchor });

/// Cover page.
#[derive(Debug)]
pub struct Cover {
    /// Organization name.
    pub organization: Str,
    /// Unified social credit code.
    pub credit_code: Option<Str>,
    /// Submission id.
    pub submission: Str,
    /// Submission file as given.
    pub source: Str,
    /// Catalog id.
    pub catalog_id: Str,
    /// Catalog version (edition).
    pub catalog_version: Str,
    /// Standard(s) encoded.
    pub standard: Str,
    /// Catalog title.
    pub catalog_title: Arc<TextView>,
    /// The catalog's notice to readers.
    pub notice: Option<Arc<TextView>>,
    /// Official ITSS scheme (false: derived by this project).
    pub official: bool,
    /// `all-conform` or `threshold`.
    pub method: Str,
    /// Under `threshold`, the element threshold.
    pub threshold: Option<f64>,
    /// As-of date.
    pub as_of: Str,
    /// Achieved level (with waivers).
    pub achieved: Option<Arc<LevelRef>>,
    /// Achieved level without waivers.
    pub achieved_without_waivers: Option<Arc<LevelRef>>,
    /// Whether waivers change the achieved level.
    pub waivers_change_level: bool,
    /// Target level.
    pub target: Option<Arc<LevelRef>>,
    /// Whether the target is met (null without target).
    pub target_met: Option<bool>,
    /// Index over all criteria.
    pub index: Option<f64>,
    /// `--generated-at`, when given.
    pub generated_at: Option<Str>,
}

view_object!(Cover {
    organization,
    credit_code,
    submission,
    source,
    catalog_id,
    catalog_version,
    standard,
    catalog_title,
    notice,
    official,
    method,
    threshold,
    as_of,
    achieved,
    achieved_without_waivers,
    waivers_change_level,
    target,
    target_met,
    index,
    generated_at
});

/// A level's verdict and its reasons.
#[derive(Debug)]
pub struct LevelView {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// Gist.
    pub gist: Option<Arc<TextView>>,
    /// HTML anchor.
    pub anchor: Str,
    /// `achieved` (satisfied, and every level below too), `unreached` (satisfied, but a lower
    /// level is not) or `unsatisfied`.
    pub state: &'static str,
    /// SPEC §5.3 verdict with waivers.
    pub satisfied: bool,
    /// Satisfied only thanks to waivers.
    pub thanks_to_waivers: bool,
    /// The achieved level.
    pub is_achieved: bool,
    /// The target level.
    pub is_target: bool,
    /// For `unreached`: the lowest unsatisfied level below.
    pub blocked_by: Option<Arc<LevelRef>>,
    /// Score over the level's criteria.
    pub score: Option<f64>,
    /// Prerequisites attached to the level.
    pub prerequisites: Arc<List<Arc<PrerequisiteView>>>,
    /// How many of them are unmet.
    pub unmet_prerequisites: usize,
    /// Criteria whose status alone keeps the level from being satisfied.
    pub blocking: usize,
    /// Under `threshold`: elements below the threshold.
    pub below: Arc<List<Arc<BelowView>>>,
    /// Criteria per status.
    pub counts: Arc<Counts>,
    /// Criteria that count (not `not_applicable`).
    pub applicable: u32,
    /// Gap anchor that lists this level's blocking criteria, when a gap covers it.
    pub gap_anchor: Option<Str>,
    /// `level.label`: how the report names the level.
    pub label: Label,
    /// `ladder.counts` with `counts`.
    pub counts_label: Label,
}

view_object!(LevelView {
    id,
    name,
    gist,
    anchor,
    state,
    satisfied,
    thanks_to_waivers,
    is_achieved,
    is_target,
    blocked_by,
    score,
    prerequisites,
    unmet_prerequisites,
    blocking,
    below,
    counts,
    applicable,
    gap_anchor,
    label,
    counts_label
});

/// A prerequisite's outcome.
#[derive(Debug)]
pub struct PrerequisiteView {
    /// Id.
    pub id: Str,
    /// Title.
    pub title: Arc<TextView>,
    /// Met.
    pub met: bool,
    /// What was found.
    pub detail: Arc<TextView>,
}

view_object!(PrerequisiteView {
    id,
    title,
    met,
    detail
});

/// An element below the threshold at a level.
#[derive(Debug)]
pub struct BelowView {
    /// The level.
    pub level: Arc<LevelRef>,
    /// The element.
    pub element: Arc<ElementRef>,
    /// Score it has.
    pub score: f64,
    /// Score it needs.
    pub needed: f64,
}

view_object!(BelowView {
    level,
    element,
    score,
    needed
});

/// A gap as an action list.
#[derive(Debug)]
pub struct GapView {
    /// `next` or `target`.
    pub kind: Str,
    /// The level aimed at.
    pub level: Arc<LevelRef>,
    /// HTML anchor.
    pub anchor: Str,
    /// Unmet prerequisites (do these first).
    pub prerequisites: Arc<List<Arc<GapPrerequisiteView>>>,
    /// Blocking criteria and weak elements, grouped by element (catalog order).
    pub groups: Arc<List<Arc<GapGroup>>>,
    /// Number of blocking criteria.
    pub criteria_count: usize,
}

view_object!(GapView {
    kind,
    level,
    anchor,
    prerequisites,
    groups,
    criteria_count
});

/// An unmet prerequisite of a gap.
#[derive(Debug)]
pub struct GapPrerequisiteView {
    /// The level it gates.
    pub level: Arc<LevelRef>,
    /// Id.
    pub id: Str,
    /// Title.
    pub title: Arc<TextView>,
    /// What was found.
    pub detail: Arc<TextView>,
}

view_object!(GapPrerequisiteView {
    level,
    id,
    title,
    detail
});

/// The part of a gap within one element.
#[derive(Debug)]
pub struct GapGroup {
    /// The element.
    pub element: Arc<ElementRef>,
    /// Levels at which the element is below the threshold.
    pub below: Arc<List<Arc<BelowView>>>,
    /// Blocking criteria, ranked (key first, weight descending, id).
    pub criteria: Arc<List<Arc<GapItem>>>,
}

view_object!(GapGroup {
    element,
    below,
    criteria
});

/// A blocking criterion: one action.
#[derive(Debug)]
pub struct GapItem {
    /// Id.
    pub id: Str,
    /// Anchor of its row in the criteria tables.
    pub anchor: Str,
    /// Its level.
    pub level: Arc<LevelRef>,
    /// Title.
    pub title: Arc<TextView>,
    /// Requirement.
    pub requirement: Arc<TextView>,
    /// Key criterion.
    pub key: bool,
    /// Weight.
    pub weight: u32,
    /// Status.
    pub status: Status,
    /// Findings with their messages.
    pub findings: Arc<List<Arc<FindingView>>>,
    /// `status.<status>`.
    pub status_label: Label,
    /// `gaps.weight` with the weight; `none` for weight 1.
    pub weight_label: Option<Label>,
}

view_object!(GapItem {
    id,
    anchor,
    level,
    title,
    requirement,
    key,
    weight,
    status,
    findings,
    status_label,
    weight_label
});

/// An element with its criteria.
#[derive(Debug)]
pub struct ElementView {
    /// Id.
    pub id: Str,
    /// Name.
    pub name: Arc<TextView>,
    /// HTML anchor.
    pub anchor: Str,
    /// Criteria per status.
    pub counts: Arc<Counts>,
    /// Criteria, catalog order.
    pub criteria: Arc<List<Arc<CriterionView>>>,
    /// `ladder.counts` with `counts`.
    pub counts_label: Label,
}

view_object!(ElementView {
    id,
    name,
    anchor,
    counts,
    criteria,
    counts_label
});

/// A criterion row.
#[derive(Debug)]
pub struct CriterionView {
    /// Id.
    pub id: Str,
    /// HTML anchor.
    pub anchor: Str,
    /// Its level.
    pub level: Arc<LevelRef>,
    /// Title.
    pub title: Arc<TextView>,
    /// Clause.
    pub clause: Option<Str>,
    /// Key criterion.
    pub key: bool,
    /// Weight.
    pub weight: u32,
    /// Rating as answered (`conform`, `partial`, `nonconform`, `na`), null when unanswered.
    pub rating: Option<&'static str>,
    /// Status.
    pub status: Status,
    /// Credit (null when excluded).
    pub credit: Option<f64>,
    /// Whether it blocks its level.
    pub blocking: bool,
    /// Enterprise note.
    pub note: Option<Str>,
    /// Findings.
    pub findings: Arc<List<Arc<FindingView>>>,
    /// Evidence items as checked.
    pub evidence: Arc<List<Arc<EvidenceView>>>,
    /// Metric values as answered.
    pub metrics: Arc<List<Arc<MetricView>>>,
    /// A waiver naming it.
    pub waiver: Option<Arc<WaiverMark>>,
    /// `status.<status>`.
    pub status_label: Label,
    /// `rating.<rating>` (`rating.none` when unanswered).
    pub rating_label: Label,
    /// `criteria.weight` with the weight; `none` for weight 1.
    pub weight_label: Option<Label>,
    /// The credit as the `num` filter shows it (`—` when excluded).
    pub credit_text: Str,
}

view_object!(CriterionView {
    id,
    anchor,
    level,
    title,
    clause,
    key,
    weight,
    rating,
    status,
    credit,
    blocking,
    note,
    findings,
    evidence,
    metrics,
    waiver,
    status_label,
    rating_label,
    weight_label,
    credit_text
});

/// A finding on a criterion.
#[derive(Debug)]
pub struct FindingView {
    /// Code.
    pub code: &'static str,
    /// Details (may be empty).
    pub message: Str,
    /// `finding.<code>.name`.
    pub name: Label,
}

view_object!(FindingView {
    code,
    message,
    name
});

/// An evidence item.
#[derive(Debug)]
pub struct EvidenceView {
    /// Path as given.
    pub path: Str,
    /// Title as given.
    pub title: Option<Str>,
    /// Date as given.
    pub dated: Option<Str>,
    /// Counts towards the minimum.
    pub valid: bool,
    /// Codes of the rules it fails.
    pub findings: Arc<List<&'static str>>,
    /// `criteria.dated` with the date; `none` when undated.
    pub dated_label: Option<Label>,
    /// `criteria.valid` or `criteria.invalid`.
    pub valid_label: Label,
    /// `finding.<code>.name` of each code in `findings`.
    pub finding_names: Arc<List<Label>>,
}

view_object!(EvidenceView {
    path,
    title,
    dated,
    valid,
    findings,
    dated_label,
    valid_label,
    finding_names
});

/// A metric value.
#[derive(Debug)]
pub struct MetricView {
    /// Metric id.
    pub name: Str,
    /// Value as answered, as text.
    pub value: Str,
}

view_object!(MetricView { name, value });

/// A waiver on a criterion row.
#[derive(Debug)]
pub struct WaiverMark {
    /// Active on the as-of date.
    pub active: bool,
    /// Last active day.
    pub expires_on: Str,
    /// `criteria.waived_until` (active) or `criteria.waiver_expired` with the date.
    pub label: Label,
}

view_object!(WaiverMark {
    active,
    expires_on,
    label
});

/// A waiver.
#[derive(Debug)]
pub struct WaiverView {
    /// Criterion id.
    pub criterion: Str,
    /// Anchor of the criterion's row (null when the catalog lacks it).
    pub anchor: Option<Str>,
    /// Criterion title (null when the catalog lacks it).
    pub title: Option<Arc<TextView>>,
    /// Why.
    pub justification: Str,
    /// Who approved it.
    pub approved_by: Str,
    /// Last active day.
    pub expires_on: Str,
    /// Active on the as-of date.
    pub active: bool,
}

view_object!(WaiverView {
    criterion,
    anchor,
    title,
    justification,
    approved_by,
    expires_on,
    active
});

/// A finding about the whole submission.
#[derive(Debug)]
pub struct TopFindingView {
    /// Code.
    pub code: Str,
    /// Details.
    pub message: Str,
}

view_object!(TopFindingView { code, message });

/// Footer.
#[derive(Debug)]
pub struct Footer {
    /// Catalog digest (sha256).
    pub digest: Str,
    /// Engine name.
    pub engine: Str,
    /// Engine version.
    pub version: Str,
    /// As-of date.
    pub as_of: Str,
    /// `--generated-at`, when given.
    pub generated_at: Option<Str>,
}

view_object!(Footer {
    digest,
    engine,
    version,
    as_of,
    generated_at
});

/// A string taken from the result, with control and bidi characters made visible
/// ([`escape::clean`]): every string the view takes from the result goes through it.
fn clean(s: &str) -> Str {
    Arc::from(escape::clean(s).as_ref())
}

fn clean_opt(s: &Option<String>) -> Option<Str> {
    s.as_deref().map(clean)
}

/// [`clean`] for a text that is already shared: shared again when nothing needs cleaning.
fn clean_shared(s: &Arc<str>) -> Str {
    match escape::clean(s) {
        std::borrow::Cow::Borrowed(_) => Arc::clone(s),
        std::borrow::Cow::Owned(cleaned) => Arc::from(cleaned),
    }
}

impl TextView {
    /// A text of the result, cleaned, for a view in `lang`.
    fn of(t: &Text, lang: Lang) -> Arc<TextView> {
        TextView::new(clean_shared(&t.zh), t.en.as_ref().map(clean_shared), lang)
    }

    fn new(zh: Str, en: Option<Str>, lang: Lang) -> Arc<TextView> {
        let text = match (lang, &en) {
            (Lang::En, Some(en)) => Arc::clone(en),
            _ => Arc::clone(&zh),
        };
        Arc::new(TextView { zh, en, text })
    }
}

/// The locale strings of the report's language, looked up once per report.
pub struct Labels<'a> {
    lang: Lang,
    status: [Label; 6],
    rating: [Label; 5],
    findings: Vec<Label>,
    valid: Label,
    invalid: Label,
    level: Option<Pattern<'a>>,
    counts: Option<Pattern<'a>>,
    dated: Option<Pattern<'a>>,
    waived_until: Option<Pattern<'a>>,
    waiver_expired: Option<Pattern<'a>>,
    /// `criteria.weight` and `gaps.weight` by weight, as met.
    weights: RefCell<Vec<(u32, Label, Label)>>,
    criteria_weight: Option<Pattern<'a>>,
    gaps_weight: Option<Pattern<'a>>,
    /// Where labels are filled in.
    scratch: RefCell<String>,
    /// Credits as shown, by value, as met.
    credits: RefCell<Vec<(u64, Str)>>,
    /// Shared empty lists (most criteria have no findings, metrics, …).
    empty: Empty,
}

/// Empty lists, shared.
struct Empty {
    findings: Arc<List<Arc<FindingView>>>,
    evidence: Arc<List<Arc<EvidenceView>>>,
    metrics: Arc<List<Arc<MetricView>>>,
    codes: Arc<List<&'static str>>,
    names: Arc<List<Label>>,
}

/// A shared list of `items`, or `empty` when there are none.
fn list<T>(items: Vec<T>, empty: &Arc<List<T>>) -> Arc<List<T>> {
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
    fn credit(&self, credit: Option<f64>) -> Str {
        let Some(v) = credit else {
            return Arc::from("—");
        };
        let mut credits = self.credits.borrow_mut();
        if let Some((_, text)) = credits.iter().find(|(bits, _)| *bits == v.to_bits()) {
            return Arc::clone(text);
        }
        let text: Str = if v.is_finite() {
            Arc::from(super::number(v))
        } else {
            Arc::from(Value::from(v).to_string())
        };
        if credits.len() < 64 {
            credits.push((v.to_bits(), Arc::clone(&text)));
        }
        text
    }

    /// A locale string with its placeholders filled, as `t(key, name=value…)` would show it.
    fn fill(&self, pattern: &Option<Pattern>, args: &[&str]) -> Label {
        let Some(pattern) = pattern else {
            return Label(None);
        };
        let mut out = self.scratch.borrow_mut();
        out.clear();
        pattern.fill_into(&mut out, args);
        Label(Some(Arc::from(out.as_str())))
    }

    /// A text of the result, cleaned, in the view's language.
    fn text(&self, t: &Text) -> Arc<TextView> {
        TextView::of(t, self.lang)
    }

    fn status(&self, status: Status) -> Label {
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

    fn rating(&self, rating: Option<Rating>) -> Label {
        let i = match rating {
            Some(Rating::Conform) => 0,
            Some(Rating::Partial) => 1,
            Some(Rating::Nonconform) => 2,
            Some(Rating::Na) => 3,
            None => 4,
        };
        self.rating[i].clone()
    }

    fn finding(&self, code: FindingCode) -> Label {
        FindingCode::ALL
            .iter()
            .position(|&c| c == code)
            .and_then(|i| self.findings.get(i))
            .cloned()
            .unwrap_or_default()
    }

    fn level(&self, id: &str, name: &TextView) -> Label {
        self.fill(&self.level, &[id, name.get(self.lang)])
    }

    fn counts(&self, c: &Counts) -> Label {
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

    fn dated(&self, date: &str) -> Label {
        self.fill(&self.dated, &[date])
    }

    fn waiver(&self, active: bool, date: &str) -> Label {
        let pattern = if active {
            &self.waived_until
        } else {
            &self.waiver_expired
        };
        self.fill(pattern, &[date])
    }

    /// `criteria.weight` and `gaps.weight` of a weight.
    fn weight(&self, weight: u32) -> (Label, Label) {
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

fn level_ref(labels: &Labels, id: &str, name: &Text) -> Arc<LevelRef> {
    let id_s = clean(id);
    let name = labels.text(name);
    Arc::new(LevelRef {
        label: labels.level(&id_s, &name),
        id: id_s,
        name,
        anchor: anchor_of("level-", id),
    })
}

fn findings_of(
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

/// [`anchor`] as a shared string.
fn anchor_of(prefix: &str, id: &str) -> Str {
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

/// Builds the view of a result, with labels in the language of `labels`. Every string taken
/// from the result is cleaned of control and bidi characters.
pub fn build(result: &AssessmentResult, labels: &Labels) -> View {
    let level_refs: Vec<Arc<LevelRef>> = result
        .levels
        .iter()
        .map(|l| level_ref(labels, &l.id, &l.name))
        .collect();
    let mut level_index: HashMap<&str, usize> = HashMap::default();
    for (i, l) in result.levels.iter().enumerate() {
        level_index.insert(l.id.as_str(), i);
    }
    let level_of = |id: &str| -> Arc<LevelRef> {
        level_index.get(id).map_or_else(
            || {
                level_ref(
                    labels,
                    id,
                    &Text {
                        zh: Arc::from(id),
                        en: None,
                    },
                )
            },
            |&i| Arc::clone(&level_refs[i]),
        )
    };
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
    // Indexed by cleaned id, looked up by the id as the result gives it (the same for every
    // id without control characters).
    let mut element_index: HashMap<Str, usize> = HashMap::default();
    for (i, e) in element_refs.iter().enumerate() {
        element_index.insert(Arc::clone(&e.id), i);
    }
    // Elements a criterion names but the element list lacks (not expected) still get a table.
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
    let mut criterion_index: HashMap<&str, usize> = HashMap::default();
    for (i, c) in result.criteria.iter().enumerate() {
        criterion_index.insert(&*c.id, i);
    }

    let achieved = result
        .achieved_level
        .as_deref()
        .and_then(|id| level_index.get(id).copied());
    let target = result
        .target_level
        .as_deref()
        .and_then(|id| level_index.get(id).copied());

    let gaps: Vec<Arc<GapView>> = result
        .gaps
        .iter()
        .map(|g| {
            let mut below: Vec<Vec<Arc<BelowView>>> = vec![Vec::new(); element_refs.len()];
            let mut criteria: Vec<Vec<Arc<GapItem>>> = vec![Vec::new(); element_refs.len()];
            for e in &g.elements {
                if let Some(&ei) = element_index.get(e.id.as_str()) {
                    below[ei].push(Arc::new(BelowView {
                        level: level_of(&e.level),
                        element: Arc::clone(&element_refs[ei]),
                        score: e.score,
                        needed: e.needed,
                    }));
                }
            }
            for c in &g.criteria {
                let Some(&ei) = element_index.get(&*c.element) else {
                    continue;
                };
                let findings = criterion_index.get(&*c.id).map_or_else(
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
                    |&i| findings_of(labels, &result.criteria[i].findings),
                );
                criteria[ei].push(Arc::new(GapItem {
                    id: clean_shared(&c.id),
                    anchor: anchor_of("cr-", &c.id),
                    level: level_of(&c.level),
                    title: labels.text(&c.title),
                    requirement: labels.text(&c.requirement),
                    key: c.key,
                    weight: c.weight,
                    status: c.status,
                    findings,
                    status_label: labels.status(c.status),
                    weight_label: (c.weight != 1).then(|| labels.weight(c.weight).1),
                }));
            }
            let groups = element_refs
                .iter()
                .zip(below.into_iter().zip(criteria))
                .filter(|(_, (b, c))| !b.is_empty() || !c.is_empty())
                .map(|(e, (b, c))| {
                    Arc::new(GapGroup {
                        element: Arc::clone(e),
                        below: List::new(b),
                        criteria: List::new(c),
                    })
                })
                .collect();
            Arc::new(GapView {
                kind: Arc::from(g.kind.as_str()),
                level: level_of(&g.level),
                anchor: anchor_of("gap-", g.kind.as_str()),
                prerequisites: List::new(
                    g.prerequisites
                        .iter()
                        .map(|p| {
                            Arc::new(GapPrerequisiteView {
                                level: level_of(&p.level),
                                id: clean(&p.id),
                                title: labels.text(&p.title),
                                detail: labels.text(&p.detail),
                            })
                        })
                        .collect(),
                ),
                groups: List::new(groups),
                criteria_count: g.criteria.len(),
            })
        })
        .collect();
    // Gap anchors by level: the first gap whose range covers the level.
    let next = achieved.map_or(0, |a| a + 1);
    let gap_anchor_of = |li: usize| -> Option<Str> {
        result.gaps.iter().zip(&gaps).find_map(|(g, v)| {
            let to = level_index.get(g.level.as_str()).copied()?;
            (next..=to).contains(&li).then(|| Arc::clone(&v.anchor))
        })
    };

    // Per level: criteria per status.
    let n_levels = result.levels.len();
    let mut counts = vec![Counts::default(); n_levels];
    let mut element_counts = vec![Counts::default(); element_refs.len()];
    let mut element_criteria: Vec<Vec<Arc<CriterionView>>> = vec![Vec::new(); element_refs.len()];
    let mut waiver_of: HashMap<&str, Arc<WaiverMark>> = HashMap::default();
    waiver_of.extend(result.waivers.iter().map(|w| {
        let expires_on = w.expires_on.to_string();
        (
            w.criterion.as_str(),
            Arc::new(WaiverMark {
                active: w.active,
                label: labels.waiver(w.active, &expires_on),
                expires_on: Arc::from(expires_on),
            }),
        )
    }));
    let mut legend_codes: BTreeSet<FindingCode> = BTreeSet::new();
    for c in &result.criteria {
        let li = level_index.get(&*c.level).copied();
        if let Some(li) = li {
            counts[li].add(c.status);
        }
        legend_codes.extend(c.findings.iter().map(|f| f.code));
        for e in &c.evidence {
            legend_codes.extend(e.findings.iter().copied());
        }
        if let Some(&ei) = element_index.get(&*c.element) {
            element_counts[ei].add(c.status);
            let level = match li {
                Some(li) => Arc::clone(&level_refs[li]),
                None => level_of(&c.level),
            };
            element_criteria[ei].push(criterion_view(labels, c, level, waiver_of.get(&*c.id)));
        }
    }
    let elements: Vec<Arc<ElementView>> = element_refs
        .iter()
        .zip(element_counts.into_iter().zip(element_criteria))
        .map(|(e, (counts, criteria))| {
            Arc::new(ElementView {
                id: Arc::clone(&e.id),
                name: Arc::clone(&e.name),
                anchor: Arc::clone(&e.anchor),
                counts_label: labels.counts(&counts),
                counts: Arc::new(counts),
                criteria: List::new(criteria),
            })
        })
        .collect();

    // The lowest level not satisfied: what keeps a satisfied level above it unreached.
    let first_unsatisfied = result.levels.iter().position(|l| !l.satisfied);
    let levels: Vec<Arc<LevelView>> = result
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
            let below = l
                .decision
                .elements_below
                .iter()
                .filter_map(|e| {
                    let ei = *element_index.get(e.element.as_str())?;
                    Some(Arc::new(BelowView {
                        level: Arc::clone(&level_refs[li]),
                        element: Arc::clone(&element_refs[ei]),
                        score: e.score,
                        needed: e.threshold,
                    }))
                })
                .collect();
            let c = counts[li];
            let lref = &level_refs[li];
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
                    "unreached" => first_unsatisfied.map(|f| Arc::clone(&level_refs[f])),
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
        .collect();

    let waivers = result
        .waivers
        .iter()
        .map(|w| {
            let criterion = criterion_index
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
        .collect();

    let mut totals = Counts::default();
    for c in &result.criteria {
        totals.add(c.status);
    }
    let as_of: Str = Arc::from(result.as_of.to_string());
    let generated_at = clean_opt(&result.generated_at);
    View {
        cover: Arc::new(Cover {
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
            as_of: Arc::clone(&as_of),
            achieved: result.achieved_level.as_deref().map(&level_of),
            achieved_without_waivers: result
                .achieved_level_without_waivers
                .as_deref()
                .map(&level_of),
            waivers_change_level: result.achieved_level != result.achieved_level_without_waivers,
            target: result.target_level.as_deref().map(&level_of),
            target_met: result.target_met,
            index: result.index,
            generated_at: generated_at.clone(),
        }),
        chart: Arc::new(chart::layout(result, &level_refs, &element_refs)),
        levels: List::new(levels),
        gaps: List::new(gaps),
        elements: List::new(elements),
        waivers: List::new(waivers),
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
        legend: List::new(
            FindingCode::ALL
                .iter()
                .filter(|c| legend_codes.contains(c))
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
                .collect(),
        ),
        totals: Arc::new(totals),
        criteria_count: result.criteria.len(),
        footer: Arc::new(Footer {
            digest: clean(&result.catalog.digest),
            engine: clean(&result.engine.name),
            version: clean(&result.engine.version),
            as_of,
            generated_at,
        }),
    }
}

fn criterion_view(
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
                    Arc::new(MetricView {
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
