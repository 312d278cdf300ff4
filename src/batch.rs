//! Bulk evaluation (`itss batch`): discover submissions, assess them in parallel, and
//! stream results, reports, `errors.jsonl`, `summary.csv` and the cohort statistics to an
//! output directory.
//!
//! Each thread of the rayon pool takes the next file, assesses it, writes its result (with
//! its own [`CompactWriter`], which copies the catalog text it has already encoded) and
//! reports under temporary names, and sends a small record to the writer (this thread), which
//! takes records in input order: it decides duplicate ids and file names, renames the files
//! into place and folds the summary. A thread never runs more than `WINDOW_PER_THREAD` files
//! ahead of the writer, so memory is bounded by the window, never by the number of
//! submissions; output does not depend on the number of threads. Every input ends as
//! exactly one result or one `errors.jsonl` line.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::engine::{Engine, FileOutcome};
use crate::output;
use crate::result::{AssessmentResult, CompactWriter, Status};
use crate::score::Tally;

/// Initial size of a worker's output buffer (bytes): a full O&M result is about 90 KB and
/// its HTML report about 170 KB, so the buffer is not regrown.
const RESULT_CAPACITY: usize = 256 << 10;
/// How far, per thread, assessment may run ahead of the writer: at most
/// `WINDOW_PER_THREAD × threads` results (and their reports) wait in memory.
const WINDOW_PER_THREAD: usize = 16;

/// What a batch writes and how.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    /// Input files or directories (searched recursively).
    pub inputs: Vec<PathBuf>,
    /// Output directory.
    pub out: PathBuf,
    /// Write `results/<id>.json`.
    pub write_results: bool,
    /// Report formats to write to `reports/<id>.<ext>` (rendered by `render_report`).
    pub report_formats: Vec<String>,
    /// Worker threads.
    pub threads: usize,
    /// Only read and parse the files (the benchmark floor); nothing is written.
    pub parse_only: bool,
    /// Count the results below this level (`--require-level`).
    pub require_level: Option<String>,
}

/// Errors that stop a batch (output directory not writable, thread pool, …).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An input directory could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The thread pool could not be built.
    #[error("cannot start {0} worker threads")]
    Threads(usize),
    /// A report could not be rendered (a template error, not an input problem).
    #[error("cannot render report: {0}")]
    Render(String),
}

/// Finds the submission files under `inputs`, sorted, skipping `exclude` (the output
/// directory, the waivers file), hidden directories and `evidence` directories.
pub fn discover(inputs: &[PathBuf], exclude: &[PathBuf]) -> Result<Vec<PathBuf>, BatchError> {
    let excluded: Vec<u128> = exclude.iter().filter_map(|p| file_identity(p)).collect();
    // Each file with its identity, read once. Paths are kept at their exact size (a joined
    // path has up to twice the capacity it needs): 10⁵ of them are most of a batch's memory.
    let mut files: Vec<(Box<Path>, u128)> = Vec::new();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|source| BatchError::Read {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            // Walking would skip the whole input silently: refuse instead.
            if file_identity(input).is_some_and(|c| excluded.contains(&c)) {
                return Err(BatchError::Read {
                    path: input.clone(),
                    source: io::Error::other(
                        "it is also the output directory (--out); nothing in it would be assessed",
                    ),
                });
            }
            walk(input, &excluded, &mut files)?;
        } else {
            files.push((input.clone().into_boxed_path(), identity_or_path(input)));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    // One file reached through two spellings (`in` and `./in`, overlapping inputs, a
    // symlinked folder, a link) is one input: it must not end as a result and a duplicate
    // too. Identities are 16 bytes, so this set stays small for 100 000 files.
    let mut seen = HashSet::new();
    files.retain(|(_, id)| seen.insert(*id));
    drop(seen);
    let mut list = Vec::with_capacity(files.len());
    list.extend(files.into_iter().map(|(path, _)| path.into_path_buf()));
    Ok(list)
}

/// [`file_identity`], or a digest of the path itself for a file that cannot be read (it is
/// reported when opened).
fn identity_or_path(path: &Path) -> u128 {
    file_identity(path).unwrap_or_else(|| digest128(path.as_os_str().as_encoded_bytes()))
}

/// The identity of a file, whatever path reaches it: device and inode on Unix, a digest
/// of the canonical path elsewhere; `None` when it cannot be read.
fn file_identity(path: &Path) -> Option<u128> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).ok()?;
        Some((u128::from(meta.dev()) << 64) | u128::from(meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let canonical = fs::canonicalize(path).ok()?;
        Some(digest128(canonical.as_os_str().as_encoded_bytes()))
    }
}

/// The first 128 bits of SHA-256: what the batch remembers of every id and file name, so
/// that its memory stays flat however many submissions it reads (a collision needs about
/// 2^64 names).
fn digest128(bytes: &[u8]) -> u128 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(first)
}

fn is_submission_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
}

fn walk(
    dir: &Path,
    excluded: &[u128],
    files: &mut Vec<(Box<Path>, u128)>,
) -> Result<(), BatchError> {
    if file_identity(dir).is_some_and(|c| excluded.contains(&c)) {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|source| BatchError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| BatchError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if name.starts_with('.') || name == "evidence" {
                continue;
            }
            walk(&path, excluded, files)?;
        } else if is_submission_name(&path) && !name.starts_with('.') {
            let id = identity_or_path(&path);
            if excluded.contains(&id) {
                continue;
            }
            // Directories named like files (`x.yaml/`) are reported when opened.
            files.push((path.into_boxed_path(), id));
        }
    }
    Ok(())
}

/// A file name for a submission id that stays inside its folder on every platform:
/// characters outside `[A-Za-z0-9_.-]` (and a leading `.`) are percent-encoded, reserved
/// Windows device names get a `_` prefix, and very long ids are shortened with a hash.
pub fn safe_file_stem(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for (i, ch) in id.chars().enumerate() {
        if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || (ch == '.' && i > 0) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    let upper = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        out.insert(0, '_');
    }
    if out.len() > 150 {
        use sha2::{Digest, Sha256};
        let digest = crate::catalog::hex(&Sha256::digest(id.as_bytes()));
        let mut cut = 120;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out = format!("{}~{}", &out[..cut], &digest[..16]);
    }
    out
}

/// One `errors.jsonl` line.
#[derive(Debug, Serialize)]
struct ErrorLine<'a> {
    path: String,
    codes: Vec<&'static str>,
    diagnostics: Vec<ErrorDiagnostic<'a>>,
}

#[derive(Debug, Serialize)]
struct ErrorDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
}

/// What one worker produced for one file.
enum Processed {
    Assessed {
        record: Box<Record>,
        /// Files written by the worker under hidden temporary names, each to be renamed to
        /// `<dir>/<stem>.<ext>` by the writer, or removed if the result is not kept.
        staged: Vec<Staged>,
    },
    Invalid {
        diagnostics: Vec<Diagnostic>,
    },
    Parsed,
}

/// A result or report file written under a temporary name in its final directory.
struct Staged {
    tmp: PathBuf,
    dir: &'static str,
    ext: String,
}

/// Removes staged files whose result is not kept.
fn discard(staged: &[Staged]) {
    for file in staged {
        let _ = fs::remove_file(&file.tmp);
    }
}

/// What the writer needs of one result. The worker makes it and drops the result, so the
/// result's many small allocations are freed by the thread that made them.
struct Record {
    id: String,
    catalog: String,
    /// The `summary.csv` row, without its newline.
    csv: String,
    achieved_level: Option<String>,
    target_met: Option<bool>,
    index: Option<f64>,
    /// Per criterion, catalog order.
    statuses: Vec<Status>,
    /// Per level × element, level order then element order.
    element_scores: Vec<Option<f64>>,
    /// Per prerequisite, level order.
    prerequisites_met: Vec<bool>,
    /// Below `BatchConfig::require_level`, when one was asked.
    below_required: bool,
}

impl Record {
    fn new(
        r: &AssessmentResult,
        element_columns: &[String],
        require_level: Option<&str>,
    ) -> Record {
        let below_required = require_level.is_some_and(|required| {
            let position = |id: &str| r.levels.iter().position(|l| l.id == id);
            let reached = r.achieved_level.as_deref().and_then(position);
            !matches!((reached, position(required)), (Some(a), Some(r)) if a >= r)
        });
        Record {
            id: r.submission.id.clone(),
            catalog: r.catalog.id.clone(),
            csv: csv_row(r, element_columns),
            achieved_level: r.achieved_level.clone(),
            target_met: r.target_met,
            index: r.index,
            statuses: r.criteria.iter().map(|c| c.status).collect(),
            element_scores: r
                .levels
                .iter()
                .flat_map(|l| l.elements.iter().map(|e| e.score))
                .collect(),
            prerequisites_met: r
                .levels
                .iter()
                .flat_map(|l| l.prerequisites.iter().map(|p| p.met))
                .collect(),
            below_required,
        }
    }
}

/// Cohort statistics of one catalog, folded as results stream by (integers only, so the
/// outcome does not depend on order).
#[derive(Debug, Default, Clone, Serialize)]
pub struct CatalogCohort {
    /// Catalog id.
    pub catalog: String,
    /// Catalog title (zh).
    pub title: String,
    /// Whether the catalog is an official ITSS scheme.
    pub official: bool,
    /// Level ids, entry first.
    pub level_ids: Vec<String>,
    /// Element ids.
    pub element_ids: Vec<String>,
    /// Results.
    pub assessed: u64,
    /// Results per achieved level id (`none` for no level).
    pub achieved: BTreeMap<String, u64>,
    /// Results whose target was met / not met.
    pub target_met: u64,
    /// Results with a target that was not met.
    pub target_missed: u64,
    /// Per criterion (catalog order): (id, level, failed, counted).
    pub criteria: Vec<CriterionTally>,
    /// Per level × element: score statistics.
    pub element_scores: Vec<LevelElementStats>,
    /// Per prerequisite: (id, level, failed).
    pub prerequisites: Vec<PrerequisiteTally>,
    /// Sum of the index in ten-thousandths, and how many had one.
    index_sum: u64,
    index_count: u64,
}

/// Failure count of one criterion across the cohort.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionTally {
    /// Criterion id.
    pub id: String,
    /// Level id.
    pub level: String,
    /// Element id.
    pub element: String,
    /// Title (zh).
    pub title: String,
    /// Results where it was nonconform or unanswered.
    pub failed: u64,
    /// Results where it counted (not not_applicable / waived).
    pub counted: u64,
    /// failed / counted (4 decimals), null when it never counted.
    pub failure_rate: Option<f64>,
}

/// Score distribution of one element at one level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelElementStats {
    /// Level id.
    pub level: String,
    /// Element id.
    pub element: String,
    /// Results with a defined score.
    pub count: u64,
    /// Sum of scores in ten-thousandths.
    #[serde(skip)]
    sum: u64,
    /// Mean score (4 decimals), null when no result had one.
    pub mean: Option<f64>,
    /// Histogram over [0,0.1), [0.1,0.2) … [0.9,1.0]: ten buckets.
    pub histogram: [u64; 10],
}

/// Failure count of one prerequisite across the cohort.
#[derive(Debug, Clone, Serialize)]
pub struct PrerequisiteTally {
    /// Prerequisite id.
    pub id: String,
    /// Level id.
    pub level: String,
    /// Results where it was not met.
    pub failed: u64,
}

fn ten_thousandths(score: f64) -> u64 {
    (score * 10_000.0).round().max(0.0) as u64
}

impl CatalogCohort {
    fn new(result: &AssessmentResult) -> CatalogCohort {
        CatalogCohort {
            catalog: result.catalog.id.clone(),
            title: result.catalog.title.zh.to_string(),
            official: result.catalog.official,
            level_ids: result.levels.iter().map(|l| l.id.clone()).collect(),
            element_ids: result.elements.iter().map(|e| e.id.clone()).collect(),
            criteria: result
                .criteria
                .iter()
                .map(|c| CriterionTally {
                    id: c.id.to_string(),
                    level: c.level.to_string(),
                    element: c.element.to_string(),
                    title: c.title.zh.to_string(),
                    failed: 0,
                    counted: 0,
                    failure_rate: None,
                })
                .collect(),
            element_scores: result
                .levels
                .iter()
                .flat_map(|l| {
                    l.elements.iter().map(|e| LevelElementStats {
                        level: l.id.clone(),
                        element: e.id.clone(),
                        count: 0,
                        sum: 0,
                        mean: None,
                        histogram: [0; 10],
                    })
                })
                .collect(),
            prerequisites: result
                .levels
                .iter()
                .flat_map(|l| {
                    l.prerequisites.iter().map(|p| PrerequisiteTally {
                        id: p.id.clone(),
                        level: l.id.clone(),
                        failed: 0,
                    })
                })
                .collect(),
            ..CatalogCohort::default()
        }
    }

    fn add(&mut self, record: &Record) {
        self.assessed += 1;
        *self
            .achieved
            .entry(
                record
                    .achieved_level
                    .clone()
                    .unwrap_or_else(|| "none".to_owned()),
            )
            .or_insert(0) += 1;
        match record.target_met {
            Some(true) => self.target_met += 1,
            Some(false) => self.target_missed += 1,
            None => {}
        }
        if let Some(index) = record.index {
            self.index_sum += ten_thousandths(index);
            self.index_count += 1;
        }
        for (tally, status) in self.criteria.iter_mut().zip(&record.statuses) {
            match status {
                Status::NotApplicable | Status::Waived => {}
                Status::Nonconform | Status::Unanswered => {
                    tally.failed += 1;
                    tally.counted += 1;
                }
                Status::Conform | Status::Partial => tally.counted += 1,
            }
        }
        for (stats, score) in self.element_scores.iter_mut().zip(&record.element_scores) {
            if let Some(s) = score {
                let t = ten_thousandths(*s);
                stats.count += 1;
                stats.sum += t;
                stats.histogram[usize::try_from((t / 1000).min(9)).unwrap_or(9)] += 1;
            }
        }
        for (tally, met) in self.prerequisites.iter_mut().zip(&record.prerequisites_met) {
            if !met {
                tally.failed += 1;
            }
        }
    }

    fn finish(&mut self) {
        // Most failed first (by rate, compared exactly), catalog order among equals.
        for c in &mut self.criteria {
            c.failure_rate = (c.counted > 0).then(|| {
                Tally {
                    earned: c.failed * 1000,
                    weight: c.counted,
                }
                .score()
                .unwrap_or(0.0)
            });
        }
        self.criteria.sort_by(|a, b| {
            let (fa, ca) = (u128::from(a.failed), u128::from(a.counted.max(1)));
            let (fb, cb) = (u128::from(b.failed), u128::from(b.counted.max(1)));
            (fb * ca).cmp(&(fa * cb))
        });
        for stats in &mut self.element_scores {
            stats.mean = (stats.count > 0).then(|| {
                // sum is in ten-thousandths: mean = sum / (count · 10⁴) = earned / (weight · 10³).
                Tally {
                    earned: stats.sum,
                    weight: stats.count * 10,
                }
                .score()
                .unwrap_or(0.0)
            });
        }
    }

    /// Mean index (4 decimals), null when no result had one.
    pub fn mean_index(&self) -> Option<f64> {
        (self.index_count > 0).then(|| {
            Tally {
                earned: self.index_sum,
                weight: self.index_count * 10,
            }
            .score()
            .unwrap_or(0.0)
        })
    }
}

/// The outcome of a batch.
#[derive(Debug, Default, Serialize)]
pub struct BatchSummary {
    /// Files found.
    pub files: u64,
    /// Results written.
    pub assessed: u64,
    /// Files in `errors.jsonl`.
    pub invalid: u64,
    /// Of those, duplicate submission ids.
    pub duplicates: u64,
    /// Files only parsed (`parse_only`).
    pub parsed: u64,
    /// Per catalog, in order of first appearance.
    pub catalogs: Vec<CatalogCohort>,
    /// Invalid files with their codes (input order).
    pub invalid_files: Vec<InvalidFile>,
    /// Results below `BatchConfig::require_level`, when one was asked.
    pub below_required_level: u64,
}

/// An invalid file in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidFile {
    /// Path.
    pub path: String,
    /// Codes.
    pub codes: Vec<&'static str>,
    /// First message.
    pub message: String,
}

struct Sink<'a> {
    config: &'a BatchConfig,
    /// Ids seen so far ([`digest128`]).
    seen: HashSet<u128>,
    /// File stems used so far, lowercased ([`digest128`]): ids that differ only in case (`Acme`, `acme`)
    /// must not overwrite each other's files on a case-insensitive file system.
    stems: HashSet<u128>,
    csv: Option<BufWriter<fs::File>>,
    csv_tmp: PathBuf,
    errors: Option<BufWriter<fs::File>>,
    errors_tmp: PathBuf,
    /// Per catalog, its cohort before any result is added: left by the workers (from the
    /// first result of the catalog each meets), cloned by the writer when it first appears.
    skeletons: &'a Mutex<Vec<CatalogCohort>>,
    summary: BatchSummary,
}

fn csv_field(value: &str) -> String {
    // Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn fmt_score(score: Option<f64>) -> String {
    score.map_or_else(String::new, |s| format!("{s:.4}"))
}

impl Sink<'_> {
    fn write_err(&self, path: &Path) -> impl Fn(io::Error) -> BatchError + '_ {
        let path = path.to_path_buf();
        move |source| BatchError::Write {
            path: path.clone(),
            source,
        }
    }

    fn invalid(&mut self, path: &Path, diagnostics: &[Diagnostic]) -> Result<(), BatchError> {
        self.summary.invalid += 1;
        // Each code once, in the order the diagnostics first name it.
        let mut codes: Vec<&'static str> = Vec::new();
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            if !codes.contains(&d.code.as_str()) {
                codes.push(d.code.as_str());
            }
        }
        let line = ErrorLine {
            path: path.to_string_lossy().replace('\\', "/"),
            codes: codes.clone(),
            diagnostics: diagnostics
                .iter()
                .map(|d| ErrorDiagnostic {
                    code: d.code.as_str(),
                    severity: if d.is_error() { "error" } else { "warning" },
                    message: &d.message,
                    line: d.line,
                    column: d.column,
                    pointer: d.pointer.as_deref(),
                })
                .collect(),
        };
        let message = diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.to_string())
            .unwrap_or_default();
        self.summary.invalid_files.push(InvalidFile {
            path: line.path.clone(),
            codes,
            message,
        });
        if let Some(w) = &mut self.errors {
            let text = serde_json::to_string(&line).unwrap_or_default();
            writeln!(w, "{text}").map_err(|source| BatchError::Write {
                path: self.errors_tmp.clone(),
                source,
            })?;
        }
        Ok(())
    }

    fn accept(&mut self, path: &Path, processed: Processed) -> Result<(), BatchError> {
        match processed {
            Processed::Parsed => self.summary.parsed += 1,
            Processed::Invalid { diagnostics } => self.invalid(path, &diagnostics)?,
            Processed::Assessed { record, staged } => {
                let id = &record.id;
                if !self.seen.insert(digest128(id.as_bytes())) {
                    discard(&staged);
                    self.summary.duplicates += 1;
                    let d = Diagnostic::error(
                        Code::DuplicateSubmission,
                        path,
                        format!("submission id `{id}` was already used by an earlier file; this file's result is not written"),
                    )
                    .at_pointer("/id");
                    return self.invalid(path, &[d]);
                }
                let mut stem = safe_file_stem(id);
                if !self.stems.insert(digest128(stem.to_lowercase().as_bytes())) {
                    use sha2::{Digest, Sha256};
                    let digest = crate::catalog::hex(&Sha256::digest(id.as_bytes()));
                    stem = format!("{stem}~{}", &digest[..16]);
                    self.stems.insert(digest128(stem.to_lowercase().as_bytes()));
                }
                for file in &staged {
                    let target = self
                        .config
                        .out
                        .join(file.dir)
                        .join(format!("{stem}.{}", file.ext));
                    fs::rename(&file.tmp, &target).map_err(self.write_err(&target))?;
                }
                if let Some(w) = &mut self.csv {
                    writeln!(w, "{}", record.csv).map_err(|source| BatchError::Write {
                        path: self.csv_tmp.clone(),
                        source,
                    })?;
                }
                self.summary.assessed += 1;
                if record.below_required {
                    self.summary.below_required_level += 1;
                }
                match self
                    .summary
                    .catalogs
                    .iter_mut()
                    .find(|c| c.catalog == record.catalog)
                {
                    Some(cohort) => cohort.add(&record),
                    None => {
                        let skeletons = self
                            .skeletons
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        // The worker that made the record left its catalog's skeleton.
                        let mut cohort = skeletons
                            .iter()
                            .find(|c| c.catalog == record.catalog)
                            .cloned()
                            .unwrap_or_default();
                        drop(skeletons);
                        cohort.add(&record);
                        self.summary.catalogs.push(cohort);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The `summary.csv` row of a result, without its newline.
fn csv_row(r: &AssessmentResult, element_columns: &[String]) -> String {
    let mut element_scores: BTreeMap<&str, Tally> = BTreeMap::new();
    for c in &r.criteria {
        if let Some(credit) = c.credit {
            element_scores
                .entry(&*c.element)
                .or_default()
                .add(c.weight, (credit * 1000.0).round() as u32);
        }
    }
    let mut cells = vec![
        csv_field(&r.submission.id),
        csv_field(&r.submission.source),
        csv_field(&r.submission.organization),
        csv_field(r.submission.credit_code.as_deref().unwrap_or("")),
        csv_field(&r.catalog.id),
        csv_field(r.achieved_level.as_deref().unwrap_or("")),
        csv_field(r.achieved_level_without_waivers.as_deref().unwrap_or("")),
        csv_field(r.target_level.as_deref().unwrap_or("")),
        r.target_met.map_or_else(String::new, |m| m.to_string()),
        fmt_score(r.index),
    ];
    for element in element_columns {
        cells.push(fmt_score(
            element_scores.get(element.as_str()).and_then(|t| t.score()),
        ));
    }
    cells.join(",")
}

fn open_stream(out: &Path, name: &str) -> Result<(PathBuf, BufWriter<fs::File>), BatchError> {
    let tmp = out.join(format!(".{name}.{}.tmp", std::process::id()));
    let file = fs::File::create(&tmp).map_err(|source| BatchError::Write {
        path: tmp.clone(),
        source,
    })?;
    Ok((tmp, BufWriter::new(file)))
}

fn close_stream(tmp: &Path, writer: BufWriter<fs::File>, target: &Path) -> Result<(), BatchError> {
    let err = |source| BatchError::Write {
        path: target.to_path_buf(),
        source,
    };
    let file = writer.into_inner().map_err(|e| err(e.into_error()))?;
    drop(file);
    fs::rename(tmp, target).map_err(err)
}

/// Writes one output file of input `i` under a hidden temporary name in `out/<dir>` (made at
/// the start), for the writer to rename into place.
fn stage(
    config: &BatchConfig,
    dir: &'static str,
    i: usize,
    ext: &str,
    bytes: &[u8],
) -> Result<Staged, BatchError> {
    let folder = config.out.join(dir);
    let tmp = output::write_temporary(&folder, &format!("{i}.{ext}"), bytes).map_err(|source| {
        BatchError::Write {
            path: folder.clone(),
            source,
        }
    })?;
    Ok(Staged {
        tmp,
        dir,
        ext: ext.to_owned(),
    })
}

/// Removes the hidden temporaries (`.<name>.<pid>.<n>.tmp`) that a killed run may have left
/// in the output directory, so a re-run leaves exactly what an uninterrupted run leaves.
fn remove_stale_temporaries(out: &Path) {
    for dir in [out.to_path_buf(), out.join("results"), out.join("reports")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.')
                && name.ends_with(".tmp")
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Runs a batch over `files` (from [`discover`]). `render_report(result, ext)` renders a
/// report; `progress(done)` is called after each file is written.
pub fn run<R, P>(
    engine: &Engine,
    files: &[PathBuf],
    config: &BatchConfig,
    element_columns: Vec<String>,
    render_report: R,
    progress: P,
) -> Result<BatchSummary, BatchError>
where
    R: Fn(&AssessmentResult, &str, &mut Vec<u8>) -> Result<(), String> + Sync,
    P: Fn(u64) + Sync,
{
    let threads = config.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| BatchError::Threads(threads))?;
    let writing = !config.parse_only;
    if writing {
        let mut dirs = vec![config.out.clone()];
        if config.write_results {
            dirs.push(config.out.join("results"));
        }
        if !config.report_formats.is_empty() {
            dirs.push(config.out.join("reports"));
        }
        for dir in dirs {
            fs::create_dir_all(&dir).map_err(|source| BatchError::Write { path: dir, source })?;
        }
        remove_stale_temporaries(&config.out);
    }
    let skeletons = Mutex::new(Vec::new());
    let mut sink = Sink {
        config,
        seen: HashSet::new(),
        stems: HashSet::new(),
        csv: None,
        csv_tmp: PathBuf::new(),
        errors: None,
        errors_tmp: PathBuf::new(),
        skeletons: &skeletons,
        summary: BatchSummary {
            files: files.len() as u64,
            ..BatchSummary::default()
        },
    };
    if writing {
        let (tmp, mut w) = open_stream(&config.out, "summary.csv")?;
        let mut header: Vec<String> = [
            "id",
            "file",
            "organization",
            "credit_code",
            "catalog",
            "achieved_level",
            "achieved_level_without_waivers",
            "target_level",
            "target_met",
            "index",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        header.extend(element_columns.iter().map(|e| format!("score_{e}")));
        writeln!(w, "{}", header.join(",")).map_err(|source| BatchError::Write {
            path: tmp.clone(),
            source,
        })?;
        sink.csv_tmp = tmp;
        sink.csv = Some(w);
        let (tmp, w) = open_stream(&config.out, "errors.jsonl")?;
        sink.errors_tmp = tmp;
        sink.errors = Some(w);
    }

    let window = WINDOW_PER_THREAD * threads;
    // `buffer` and `json` are the worker's own, reused for every result and report it writes.
    let process = |i: usize,
                   buffer: &mut Vec<u8>,
                   json: &mut CompactWriter|
     -> Result<Processed, BatchError> {
        let path = &files[i];
        if config.parse_only {
            let parsed = crate::source::read_text(path, engine.max_file_size).and_then(|text| {
                let budget = usize::try_from(engine.max_file_size).unwrap_or(usize::MAX);
                // The same parser as assessment, into an untyped value: the floor.
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                crate::yaml::parse(text, budget)
                    .map(crate::yaml::Node::into_json)
                    .map_err(|e| Diagnostic::error(Code::YamlSyntax, path, e.message))
            });
            return Ok(match parsed {
                Ok(_) => Processed::Parsed,
                Err(d) => Processed::Invalid {
                    diagnostics: vec![d],
                },
            });
        }
        let result = match engine.assess_file(path) {
            FileOutcome::Invalid { diagnostics, .. } => {
                return Ok(Processed::Invalid { diagnostics });
            }
            FileOutcome::Assessed { result, .. } => result,
        };
        let mut staged = Vec::with_capacity(1 + config.report_formats.len());
        let outcome = (|| {
            if config.write_results {
                // Compact: batch results are for machines (`itss render`, jq); assess prints pretty.
                buffer.clear();
                json.write(&result, buffer)
                    .map_err(|e| BatchError::Render(e.to_string()))?;
                buffer.push(b'\n');
                staged.push(stage(config, "results", i, "json", buffer)?);
            }
            for ext in &config.report_formats {
                buffer.clear();
                render_report(&result, ext, buffer).map_err(BatchError::Render)?;
                staged.push(stage(config, "reports", i, ext, buffer)?);
            }
            Ok(())
        })();
        if let Err(e) = outcome {
            discard(&staged);
            return Err(e);
        }
        {
            let mut known = skeletons.lock().unwrap_or_else(PoisonError::into_inner);
            if !known.iter().any(|c| c.catalog == result.catalog.id) {
                known.push(CatalogCohort::new(&result));
            }
        }
        let record = Record::new(&result, &element_columns, config.require_level.as_deref());
        Ok(Processed::Assessed {
            record: Box::new(record),
            staged,
        })
    };

    // Every pool thread takes the next file in turn and sends what it made to this thread,
    // which writes in file order; a thread waits before taking a file more than `window`
    // files ahead of the writer, so memory is bounded and no thread idles at a barrier.
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let written = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::sync_channel::<(usize, Result<Processed, BatchError>)>(window);
    let mut outcome: Result<(), BatchError> = Ok(());
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let tx = tx;
            pool.broadcast(|_| {
                let tx = tx.clone();
                let mut buffer = Vec::with_capacity(RESULT_CAPACITY);
                let mut json = CompactWriter::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() {
                        break;
                    }
                    {
                        let (lock, ahead) = &written;
                        let mut done = lock.lock().unwrap_or_else(PoisonError::into_inner);
                        while i >= *done + window && !stop.load(Ordering::Relaxed) {
                            done = ahead.wait(done).unwrap_or_else(PoisonError::into_inner);
                        }
                    }
                    if stop.load(Ordering::Relaxed)
                        || tx.send((i, process(i, &mut buffer, &mut json))).is_err()
                    {
                        break;
                    }
                }
            });
        });
        let mut pending: BTreeMap<usize, Result<Processed, BatchError>> = BTreeMap::new();
        let mut done = 0usize;
        'receive: for (i, item) in rx.iter() {
            pending.insert(i, item);
            while let Some(item) = pending.remove(&done) {
                let accepted = item.and_then(|item| sink.accept(&files[done], item));
                if let Err(e) = accepted {
                    outcome = Err(e);
                    break 'receive;
                }
                done += 1;
                *written.0.lock().unwrap_or_else(PoisonError::into_inner) = done;
                written.1.notify_all();
                progress(done as u64);
            }
        }
        // On an error: wake and stop the workers (the flag is set under the lock they wait
        // with, so none misses it); dropping the receiver fails their sends.
        {
            let _done = written.0.lock().unwrap_or_else(PoisonError::into_inner);
            stop.store(true, Ordering::Relaxed);
        }
        written.1.notify_all();
        drop(rx);
    });
    if let Err(e) = outcome {
        // The complete files written so far stay; the unfinished streams go.
        drop(sink);
        if writing {
            remove_stale_temporaries(&config.out);
        }
        return Err(e);
    }

    if writing {
        if let Some(w) = sink.csv.take() {
            close_stream(&sink.csv_tmp, w, &config.out.join("summary.csv"))?;
        }
        if let Some(w) = sink.errors.take() {
            close_stream(&sink.errors_tmp, w, &config.out.join("errors.jsonl"))?;
        }
    }
    for cohort in &mut sink.summary.catalogs {
        cohort.finish();
    }
    Ok(sink.summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_links_is_one_input() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        fs::write(&a, "id: a\n").unwrap();
        fs::hard_link(&a, dir.path().join("b.yaml")).unwrap();
        std::os::unix::fs::symlink(&a, dir.path().join("c.yaml")).unwrap();
        fs::write(dir.path().join("d.yaml"), "id: d\n").unwrap();
        let files = discover(&[dir.path().to_path_buf(), a.clone()], &[]).unwrap();
        assert_eq!(files, [a, dir.path().join("d.yaml")]);
    }

    #[test]
    fn safe_stems_stay_inside() {
        assert_eq!(safe_file_stem("acme-2026"), "acme-2026");
        assert_eq!(safe_file_stem("../../x"), "%2E.%2F..%2Fx");
        assert_eq!(safe_file_stem("CON"), "_CON");
        assert_eq!(safe_file_stem("com1.txt"), "_com1.txt");
        assert_eq!(safe_file_stem(""), "_");
        assert_eq!(safe_file_stem("a/b\\c"), "a%2Fb%5Cc");
        assert_eq!(safe_file_stem("某公司"), "%E6%9F%90%E5%85%AC%E5%8F%B8");
        let long = "x".repeat(400);
        assert!(safe_file_stem(&long).len() < 160);
        assert_ne!(safe_file_stem(&long), safe_file_stem(&"x".repeat(401)));
    }

    #[test]
    fn csv_cells_are_escaped_and_guarded() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
