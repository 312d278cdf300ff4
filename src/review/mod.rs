//! Reviews (README, "Reviews"): an assessment body's verification of one submission — the
//! ratings its team confirms or changes, the evidence it checked, the metric values it
//! measured, and the nonconformities (不符合项) with their corrective actions (整改).
//!
//! A review never changes a rule of SPEC §5. [`assess_reviewed`] builds the submission the
//! team's view amounts to ([`Review::apply`]: team ratings, the team's checked files added
//! to the evidence, measured metrics replacing declared ones) and assesses it with
//! [`assess::assess`] like any other; it assesses the submission as declared too, with the
//! same catalog, waivers and as-of date, and records both views in the result
//! ([`ReviewResult`]).
//!
//! Also here: the sampling plan of `itss review init` ([`sample`], [`skeleton`], in `plan`) and the
//! statistics of `itss agree` ([`agree`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::assess::{self, Options};
use crate::catalog::Catalog;
use crate::date::Date;
use crate::diagnostic::messages::Msg;
use crate::diagnostic::{Code, Diagnostic, Rejected, msg};
use crate::result::review::{
    Agreement, AgreementStats, Body, LevelAgreement, NonconformityResult, NonconformityState,
    Onsite, ReviewStatus, Role, SelfAssessed, SelfAssessedLevel, Severity, TeamMember, ordinal,
};
use crate::result::{AssessmentResult, CriterionReview, ReviewResult};
use crate::schema::{self, SchemaKind};
use crate::source::{self, SourceDoc};
use crate::submission::{Answer, EvidenceItem, Rating, Submission};
use crate::text::Text;
use crate::waiver::Waiver;
use crate::yaml::pointer_token;

mod plan;
mod raw;

use crate::catalog::{code_string, opt_code_string};
use raw::{RawReview, localized, opt_localized};

pub use plan::{Drawn, SkeletonOptions, sample, skeleton};

/// A review file, read and checked against its schema.
#[derive(Debug)]
pub struct Review {
    /// The file as given.
    pub source: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// The submission it is for: id.
    pub submission_id: String,
    /// The submission it is for: SHA-256 of the submission file's bytes (lowercase).
    pub submission_sha256: String,
    /// The assessment body.
    pub body: Body,
    /// The team.
    pub team: Vec<TeamMember>,
    /// The on-site visit.
    pub onsite: Option<Onsite>,
    /// The day the review speaks for, when given.
    pub as_of: Option<Date>,
    /// How the sample was drawn, when recorded.
    pub sampling: Option<Sampling>,
    /// Per criterion id.
    pub verdicts: BTreeMap<String, Verdict>,
    /// In the order given.
    pub nonconformities: Vec<Nonconformity>,
    /// The source, for locating diagnostics.
    doc: SourceDoc,
}

/// How a review's sample was drawn.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    /// Seed.
    pub seed: u64,
    /// Share of evidence items drawn per stratum.
    pub rate: f64,
    /// Highest level sampled.
    #[serde(default, deserialize_with = "opt_code_string")]
    pub up_to_level: Option<String>,
}

/// What the team recorded about one criterion.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// The team's rating; absent = the declared rating is confirmed.
    #[serde(default)]
    pub rating: Option<Rating>,
    /// The team's note.
    #[serde(default)]
    pub note: Option<String>,
    /// What the team inspected.
    #[serde(default)]
    pub checked: Vec<Checked>,
    /// The team's measured metric values.
    #[serde(default)]
    pub metrics: BTreeMap<String, Value>,
    /// Written by `review init` (ignored when scoring).
    #[serde(default)]
    pub declared: Option<Rating>,
    /// Written by `review init` (ignored when scoring).
    #[serde(default)]
    pub sample: Vec<String>,
}

impl Verdict {
    /// Whether the team has a view: a rating, a note, something checked or measured. An
    /// entry `review init` wrote and nobody filled is not a view.
    pub fn is_view(&self) -> bool {
        self.rating.is_some()
            || self.note.as_deref().is_some_and(|n| !n.trim().is_empty())
            || !self.checked.is_empty()
            || !self.metrics.is_empty()
    }
}

/// One thing the team inspected.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Checked {
    /// An evidence file, checked as the enterprise's are (SPEC §4.2).
    File {
        /// Path relative to the submission's directory.
        path: String,
        /// Expected SHA-256.
        #[serde(default)]
        sha256: Option<String>,
        /// Date of the document.
        #[serde(default)]
        dated: Option<Date>,
        /// Title.
        #[serde(default)]
        title: Option<String>,
    },
    /// Something seen on site: a record, not a file.
    Seen {
        /// What was seen.
        seen: String,
    },
}

/// A nonconformity as the review states it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nonconformity {
    /// Its id.
    #[serde(deserialize_with = "code_string")]
    pub id: String,
    /// The criterion.
    #[serde(deserialize_with = "code_string")]
    pub criterion: String,
    /// minor or major.
    pub severity: Severity,
    /// What the team found.
    #[serde(deserialize_with = "localized")]
    pub statement: Text,
    /// The corrective action.
    #[serde(default)]
    pub action: Option<Action>,
}

/// A corrective action (整改).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Who corrects.
    pub owner: String,
    /// By when.
    pub due: Date,
    /// What is to be done.
    #[serde(default, deserialize_with = "opt_localized")]
    pub description: Option<Text>,
    /// The day it was closed.
    #[serde(default)]
    pub closed_on: Option<Date>,
    /// Who verified the closure.
    #[serde(default)]
    pub verified_by: Option<String>,
}

impl Review {
    /// Reads a review file and checks it against `schemas/review.schema.json` and its own
    /// consistency (exactly one lead, nonconformity ids unique).
    pub fn load(path: &Path, max_size: u64) -> Result<Review, Rejected> {
        let _span = tracing::debug_span!("review", file = %path.display()).entered();
        let (doc, value) = read(path, max_size)?;
        let mut diagnostics = schema::check(SchemaKind::Review, &doc, &value, |_| None);
        if !diagnostics.is_empty() {
            doc.place(&mut diagnostics);
            return Err(Rejected {
                diagnostics,
                text: text_of(doc),
            });
        }
        let raw = match serde_json::from_value::<RawReview>(value) {
            Ok(raw) => raw,
            Err(e) => {
                return Err(Rejected {
                    diagnostics: vec![Diagnostic::error(
                        Code::Schema,
                        path,
                        crate::diagnostic::msg("decode").text("detail", e.to_string(), ""),
                    )],
                    text: text_of(doc),
                });
            }
        };
        let review = Review {
            source: path.to_path_buf(),
            sha256: doc.sha256.clone(),
            submission_id: raw.submission.id,
            submission_sha256: raw.submission.sha256.to_ascii_lowercase(),
            body: Body {
                name: raw.body.name,
                code: raw.body.code,
            },
            team: raw.team,
            onsite: raw.onsite,
            as_of: raw.as_of,
            sampling: raw.sampling,
            verdicts: raw.verdicts,
            nonconformities: raw.nonconformities,
            doc,
        };
        let mut diagnostics = Vec::new();
        let leads = review.team.iter().filter(|m| m.role == Role::Lead).count();
        if leads != 1 {
            diagnostics.push(
                review
                    .error(Code::ReviewTeam, msg("").arg("leads", leads))
                    .located(&review.doc, "/team"),
            );
        }
        if let Some(o) = review.onsite
            && o.to < o.from
        {
            diagnostics.push(
                review
                    .error(
                        Code::InvalidDate,
                        msg("onsite").arg("to", o.to).arg("from", o.from),
                    )
                    .located(&review.doc, "/onsite/to"),
            );
        }
        let mut seen = HashSet::new();
        for (i, nc) in review.nonconformities.iter().enumerate() {
            if !seen.insert(nc.id.as_str()) {
                diagnostics.push(
                    review
                        .error(Code::ReviewDuplicate, msg("").arg("id", &nc.id))
                        .located(&review.doc, &format!("/nonconformities/{i}/id")),
                );
            }
            if let Some(a) = &nc.action
                && a.verified_by.is_some()
                && a.closed_on.is_none()
            {
                diagnostics.push(
                    review
                        .error(Code::MissingField, msg("closed-on").arg("id", &nc.id))
                        .located(
                            &review.doc,
                            &format!("/nonconformities/{i}/action/verified_by"),
                        ),
                );
            }
        }
        if diagnostics.is_empty() {
            Ok(review)
        } else {
            Err(review.rejected(diagnostics))
        }
    }

    fn error(&self, code: Code, message: Msg) -> Diagnostic {
        Diagnostic::error(code, &self.source, message)
    }

    fn rejected(self, mut diagnostics: Vec<Diagnostic>) -> Rejected {
        self.doc.place(&mut diagnostics);
        Rejected {
            diagnostics,
            text: text_of(self.doc),
        }
    }

    /// The review as rejected with `diagnostics` (e.g. when another review names the same
    /// submission).
    pub fn into_rejected(self, diagnostics: Vec<Diagnostic>) -> Rejected {
        self.rejected(diagnostics)
    }

    /// The review's text (for rendering diagnostics); none for a workbook.
    pub fn text(&self) -> Option<&str> {
        (!self.doc.text.is_empty() || self.doc.cells().is_none()).then_some(&*self.doc.text)
    }

    /// Checks the review against the submission and its catalog: the same submission (id
    /// and file digest), criteria the catalog has, metrics those criteria have. Every
    /// problem is an error: a review is applied whole or not at all.
    pub fn check(&self, submission: &Submission, catalog: &Catalog) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.submission_id != submission.id {
            out.push(
                self.error(
                    Code::ReviewMismatch,
                    msg("")
                        .arg("named", &self.submission_id)
                        .arg("id", &submission.id)
                        .arg("path", submission.source.display()),
                )
                .located(&self.doc, "/submission/id"),
            );
        } else if self.submission_sha256 != submission.sha256 {
            out.push(
                self.error(
                    Code::ReviewMismatch,
                    msg("changed")
                        .arg("recorded", short(&self.submission_sha256))
                        .arg("path", submission.source.display())
                        .arg("actual", short(&submission.sha256)),
                )
                .located(&self.doc, "/submission/sha256"),
            );
        }
        for (id, verdict) in &self.verdicts {
            let pointer = format!("/verdicts/{}", pointer_token(id));
            let Some(index) = catalog.criterion_index(id) else {
                out.push(
                    self.error(
                        Code::ReviewUnknownCriterion,
                        msg("").arg("catalog", &catalog.id).arg("id", id),
                    )
                    .at_pointer(pointer.as_str())
                    .at(self.doc.locate_key(&pointer, id)),
                );
                continue;
            };
            let criterion = &catalog.criteria[index];
            for metric in verdict.metrics.keys() {
                if !criterion.metrics.iter().any(|m| m.id == *metric) {
                    out.push(
                        self.error(
                            Code::ReviewUnknownMetric,
                            msg("").arg("id", id).arg("metric", metric),
                        )
                        .at_pointer(format!("{pointer}/metrics/{}", pointer_token(metric)))
                        .at(self.doc.locate_key(
                            &format!("{pointer}/metrics/{}", pointer_token(metric)),
                            metric,
                        )),
                    );
                }
            }
        }
        for (i, nc) in self.nonconformities.iter().enumerate() {
            if catalog.criterion_index(&nc.criterion).is_none() {
                out.push(
                    self.error(
                        Code::ReviewUnknownCriterion,
                        msg("nonconformity")
                            .arg("nc", &nc.id)
                            .arg("id", &nc.criterion)
                            .arg("catalog", &catalog.id),
                    )
                    .located(&self.doc, &format!("/nonconformities/{i}/criterion")),
                );
            }
        }
        self.doc.place(&mut out);
        out
    }

    /// The submission the team's view amounts to: each verdict's rating replaces the
    /// declared one (an unanswered criterion becomes answered), the team's checked files
    /// join the evidence (a path the enterprise already lists is not added twice), and the
    /// team's metric values replace the declared ones.
    pub fn apply(&self, submission: &Submission) -> Submission {
        let mut reviewed = submission.clone();
        for (id, verdict) in &self.verdicts {
            let answer = match (reviewed.answers.get_mut(id), verdict.rating) {
                (Some(answer), _) => answer,
                (None, Some(rating)) => reviewed.answers.entry(id.clone()).or_insert(Answer {
                    rating,
                    note: None,
                    evidence: Vec::new(),
                    metrics: BTreeMap::new(),
                }),
                // Unanswered and not rated by the team: it stays unanswered.
                (None, None) => continue,
            };
            if let Some(rating) = verdict.rating {
                answer.rating = rating;
            }
            for checked in &verdict.checked {
                if let Checked::File {
                    path,
                    sha256,
                    dated,
                    title,
                } = checked
                    && !answer.evidence.iter().any(|e| e.path == *path)
                {
                    answer.evidence.push(EvidenceItem {
                        path: path.clone(),
                        sha256: sha256.clone(),
                        dated: *dated,
                        title: title.clone(),
                    });
                }
            }
            for (metric, value) in &verdict.metrics {
                answer.metrics.insert(metric.clone(), value.clone());
            }
        }
        reviewed
    }

    /// Each nonconformity as of `as_of`.
    pub fn nonconformities_as_of(&self, as_of: Date) -> Vec<NonconformityResult> {
        self.nonconformities
            .iter()
            .map(|nc| {
                let action = nc.action.as_ref();
                let closed = action.and_then(|a| a.closed_on).is_some_and(|d| d <= as_of);
                let state = match (closed, action.and_then(|a| a.verified_by.as_ref())) {
                    (true, Some(_)) => NonconformityState::Closed,
                    (true, None) => NonconformityState::Unverified,
                    (false, _) => NonconformityState::Open,
                };
                let overdue =
                    state == NonconformityState::Open && action.is_some_and(|a| a.due < as_of);
                NonconformityResult {
                    id: nc.id.clone(),
                    criterion: nc.criterion.clone(),
                    severity: nc.severity,
                    statement: nc.statement.clone(),
                    owner: action.map(|a| a.owner.clone()),
                    due: action.map(|a| a.due),
                    action: action.and_then(|a| a.description.clone()),
                    closed_on: action.and_then(|a| a.closed_on).filter(|d| *d <= as_of),
                    verified_by: if closed {
                        action.and_then(|a| a.verified_by.clone())
                    } else {
                        None
                    },
                    state,
                    overdue,
                }
            })
            .collect()
    }
}

fn short(digest: &str) -> String {
    digest.chars().take(12).collect::<String>() + "…"
}

/// The as-of date of a reviewed assessment: `--as-of`, else the review's, else the
/// submission's `assessed_on`.
pub fn as_of(options: &Options, review: &Review, submission: &Submission) -> Date {
    options
        .as_of
        .or(review.as_of)
        .unwrap_or(submission.assessed_on)
}

/// Assesses a submission on its review: the reviewed result, with the self-assessed view,
/// the nonconformities and the agreement recorded in it. The review must have passed
/// [`Review::check`] against this submission and catalog.
pub fn assess_reviewed(
    catalog: &Catalog,
    submission: &Submission,
    review: &Review,
    waivers: &[Waiver],
    options: &Options,
) -> AssessmentResult {
    let _span = tracing::debug_span!("reviewed", submission = %submission.id).entered();
    let options = Options {
        as_of: Some(as_of(options, review, submission)),
        ..options.clone()
    };
    let declared = assess::assess(catalog, submission, waivers, &options);
    let mut result = assess::assess(catalog, &review.apply(submission), waivers, &options);
    let as_of = result.as_of;

    let mut pairs_by_level: Vec<Vec<(usize, usize)>> = vec![Vec::new(); catalog.levels.len()];
    for (criterion, c) in catalog.criteria.iter().zip(result.criteria.iter_mut()) {
        let Some(verdict) = review.verdicts.get(&*criterion.id) else {
            continue;
        };
        let declared_rating = submission.answers.get(&*criterion.id).map(|a| a.rating);
        let viewed = verdict.is_view();
        if viewed
            && let (Some(d), Some(r)) = (
                declared_rating.and_then(ordinal),
                c.rating.and_then(ordinal),
            )
        {
            pairs_by_level[criterion.level].push((d, r));
        }
        let mut checked = Vec::new();
        let mut seen = Vec::new();
        for item in &verdict.checked {
            match item {
                Checked::File { path, .. } => checked.push(path.clone()),
                Checked::Seen { seen: s } => seen.push(s.clone()),
            }
        }
        c.review = Some(CriterionReview {
            declared_rating,
            viewed,
            note: verdict.note.clone().filter(|n| !n.trim().is_empty()),
            checked,
            seen,
            measured: verdict.metrics.keys().cloned().collect(),
        });
    }
    let all: Vec<(usize, usize)> = pairs_by_level.iter().flatten().copied().collect();
    let agreement = Agreement {
        overall: AgreementStats::of(&all),
        levels: catalog
            .levels
            .iter()
            .zip(&pairs_by_level)
            .map(|(level, pairs)| LevelAgreement {
                level: level.id.to_string(),
                stats: AgreementStats::of(pairs),
            })
            .collect(),
    };
    let nonconformities = review.nonconformities_as_of(as_of);
    let status = if nonconformities
        .iter()
        .all(|nc| nc.state == NonconformityState::Closed)
    {
        ReviewStatus::Final
    } else {
        ReviewStatus::Provisional
    };
    result.review = Some(ReviewResult {
        source: review.source.display().to_string(),
        sha256: review.sha256.clone(),
        body: review.body.clone(),
        team: review.team.clone(),
        onsite: review.onsite,
        status,
        self_assessed: SelfAssessed {
            achieved_level: declared.achieved_level,
            achieved_level_without_waivers: declared.achieved_level_without_waivers,
            target_met: declared.target_met,
            index: declared.index,
            levels: declared
                .levels
                .iter()
                .map(|l| SelfAssessedLevel {
                    id: l.id.clone(),
                    satisfied: l.satisfied,
                    score: l.score,
                })
                .collect(),
        },
        nonconformities,
        agreement,
    });
    result
}

/// The statistics of `itss agree`: two reviews of one submission compared over the
/// criteria both have a view on, each side's rating being its team rating or, where the
/// verdict confirms, the declared rating. `declared` gives the submission's ratings by
/// criterion id; `level_of` the level index of a criterion.
pub fn agree(
    first: &Review,
    second: &Review,
    declared: &BTreeMap<String, Rating>,
    levels: usize,
    level_of: impl Fn(&str) -> Option<usize>,
) -> (AgreementStats, Vec<AgreementStats>) {
    let rating = |v: &Verdict, id: &str| {
        v.rating
            .or_else(|| declared.get(id).copied())
            .or(v.declared)
    };
    let mut by_level: Vec<Vec<(usize, usize)>> = vec![Vec::new(); levels];
    let mut all = Vec::new();
    for (id, a) in &first.verdicts {
        let Some(b) = second.verdicts.get(id) else {
            continue;
        };
        if !a.is_view() || !b.is_view() {
            continue;
        }
        let (Some(x), Some(y)) = (
            rating(a, id).and_then(ordinal),
            rating(b, id).and_then(ordinal),
        ) else {
            continue;
        };
        all.push((x, y));
        if let Some(l) = level_of(id).filter(|&l| l < levels) {
            by_level[l].push((x, y));
        }
    }
    (
        AgreementStats::of(&all),
        by_level.iter().map(|p| AgreementStats::of(p)).collect(),
    )
}

/// Reviews by the submission id they name: usable, or rejected with their diagnostics.
pub type ReviewsById = BTreeMap<String, Result<Review, Rejected>>;

/// The reviews of a folder (`itss batch --reviews DIR`): every `*.yaml`, `*.yml`, `*.json`
/// and `*.xlsx` directly in it, by the submission id each names, in file-name order. Two reviews
/// naming one submission both stand rejected (the assessor decides which one counts);
/// files whose submission id cannot be read are returned apart.
pub fn load_dir(dir: &Path, max_size: u64) -> std::io::Result<(ReviewsById, Vec<Rejected>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "yaml" | "yml" | "json" | "xlsx"
                )
            })
        })
        .collect();
    files.sort();
    let mut by_id = ReviewsById::new();
    let mut apart = Vec::new();
    for file in files {
        let loaded = Review::load(&file, max_size);
        let id = match &loaded {
            Ok(r) => Some(r.submission_id.clone()),
            Err(_) => named_submission(&file, max_size),
        };
        let Some(id) = id else {
            if let Err(rejected) = loaded {
                apart.push(rejected);
            }
            continue;
        };
        match by_id.remove(&id) {
            None => {
                by_id.insert(id, loaded);
            }
            Some(earlier) => {
                let earlier_path = match &earlier {
                    Ok(r) => r.source.display().to_string(),
                    Err(r) => r
                        .diagnostics
                        .first()
                        .map(|d| d.file.display().to_string())
                        .unwrap_or_default(),
                };
                let duplicate = Diagnostic::error(
                    Code::ReviewDuplicate,
                    &file,
                    msg("submission")
                        .arg("earlier", &earlier_path)
                        .arg("id", &id),
                );
                let rejected = match loaded {
                    Ok(r) => r.into_rejected(vec![duplicate]),
                    Err(mut r) => {
                        r.diagnostics.push(duplicate);
                        r
                    }
                };
                by_id.insert(id, Err(rejected));
            }
        }
    }
    Ok((by_id, apart))
}

/// A review diagnostic at the value `pointer` names: its line and column in a text file;
/// its cell in a workbook once placed ([`SourceDoc::place`]).
trait Located {
    fn located(self, doc: &SourceDoc, pointer: &str) -> Diagnostic;
}

impl Located for Diagnostic {
    fn located(self, doc: &SourceDoc, pointer: &str) -> Diagnostic {
        self.at_pointer(pointer).at(doc.locate(pointer))
    }
}

/// Reads a review file: YAML or JSON text, or a review workbook (`.xlsx`, read into the
/// same value by [`crate::workbook::load`]).
fn read(path: &Path, max_size: u64) -> Result<(SourceDoc, Value), Rejected> {
    if !source::is_xlsx(path) {
        return source::load(path, max_size);
    }
    let (_, doc, value) =
        crate::workbook::load(path, max_size, Some(crate::workbook::Kind::Review))?;
    Ok((doc, value))
}

/// The text to show diagnostics against: none for a workbook.
fn text_of(doc: SourceDoc) -> Option<String> {
    doc.cells().is_none().then_some(doc.text)
}

/// The submission id a review file names, when that much of it can be read (for a review
/// rejected otherwise, so that its submission is not assessed as if unreviewed).
fn named_submission(path: &Path, max_size: u64) -> Option<String> {
    let (_, value) = read(path, max_size).ok()?;
    match value.pointer("/submission/id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Criterion ids a set of reviews names, for choosing a catalog without a submission.
pub fn criteria_named<'a>(reviews: impl IntoIterator<Item = &'a Review>) -> BTreeSet<&'a str> {
    reviews
        .into_iter()
        .flat_map(|r| {
            r.verdicts
                .keys()
                .map(String::as_str)
                .chain(r.nonconformities.iter().map(|n| n.criterion.as_str()))
        })
        .collect()
}
