//! Bulk evaluation (`itss batch`): assess the submissions found by [`discover`] in parallel, and
//! stream results, reports, `errors.jsonl`, `summary.csv` and the cohort statistics to an
//! output directory.
//!
//! Each thread of the rayon pool takes the next file, assesses it, writes its result (with
//! its own [`crate::format::Scratch`], whose compact JSON writer copies the catalog text it has already encoded) and
//! reports under temporary names, and sends a small record to the writer (this thread), which
//! takes records in input order: it decides duplicate ids and file names, renames the files
//! into place and folds the summary. A thread never runs more than `WINDOW_PER_THREAD` files
//! ahead of the writer, so memory is bounded by the window, never by the number of
//! submissions; output does not depend on the number of threads. Every input ends as
//! exactly one result or one `errors.jsonl` line.
//!
//! Around the scheduler: [`discover`] finds the inputs, `names` gives out file names and
//! ids, `out` owns the output directory and its journal, `errors` writes `errors.jsonl`;
//! the formats written are those of [`crate::format`], the statistics those of
//! [`crate::cohort`].

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

use crate::cohort::{BatchSummary, CatalogCohort, CohortRow, InvalidFile};
mod discover;
mod errors;
mod names;
mod out;

pub use discover::{Input, MAX_WALK_DEPTH, Symlinks, discover};
pub use names::{Names, duplicate_id, safe_file_stem};
pub use out::JOURNAL;

use names::digest128;

use crate::diagnostic::Diagnostic;
use crate::engine::Engine;
use crate::format::{
    CohortContext, CohortFormat, CohortWriter, Context, FormatError, Scratch, SubmissionFormat,
};
use crate::output;

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
    /// What to write per submission, each to `<folder>/<id>.<extension>`.
    pub formats: Vec<&'static dyn SubmissionFormat>,
    /// What to write for the whole batch (`summary.csv`, …).
    pub cohort_formats: Vec<&'static dyn CohortFormat>,
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
    /// An output could not be rendered (a template error, not an input problem).
    #[error("cannot write {format} output")]
    Render {
        /// The format's name.
        format: &'static str,
        /// Why.
        source: FormatError,
    },
    /// The output directory cannot be used.
    #[error("cannot write into {path}: {reason}")]
    OutDir {
        /// The directory.
        path: PathBuf,
        /// Why, in English.
        reason: String,
        /// Why, in Chinese.
        reason_zh: String,
    },
    /// A cohort output could not be made.
    #[error("cannot write {file}")]
    Format {
        /// The file.
        file: &'static str,
        /// Why.
        source: FormatError,
    },
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

/// What the writer needs of one result: its cohort row, and whether it is below the level
/// `--require-level` asks for.
struct Record {
    row: CohortRow,
    below_required: bool,
}

struct Sink<'a> {
    config: &'a BatchConfig,
    /// The inputs, in order.
    files: &'a [Input],
    /// Ids and file stems given out so far.
    names: Names,
    /// The cohort outputs, streamed to temporaries (`summary.csv`, …).
    cohort: Vec<CohortStream<'a>>,
    /// Every file placed in the output directory, recorded as it is placed.
    journal: Option<out::Journal>,
    errors: Option<BufWriter<fs::File>>,
    errors_tmp: PathBuf,
    /// Per catalog, its cohort before any result is added: left by the workers (from the
    /// first result of the catalog each meets), cloned by the writer when it first appears.
    skeletons: &'a Mutex<Vec<CatalogCohort>>,
    summary: BatchSummary,
    /// The language of the summary's messages.
    lang: crate::text::Lang,
}

impl Sink<'_> {
    /// Records a file placed in the output directory.
    fn record(&mut self, name: &str) -> Result<(), BatchError> {
        match &mut self.journal {
            Some(journal) => journal.record(name),
            None => Ok(()),
        }
    }

    fn write_err(&self, path: &Path) -> impl Fn(io::Error) -> BatchError + '_ {
        let path = path.to_path_buf();
        move |source| BatchError::Write {
            path: path.clone(),
            source,
        }
    }

    fn invalid(&mut self, path: &Path, diagnostics: &[Diagnostic]) -> Result<(), BatchError> {
        self.summary.invalid += 1;
        let line = errors::ErrorLine::new(path, diagnostics);
        let file = line.invalid_file(diagnostics, self.lang);
        for stream in &mut self.cohort {
            stream.invalid(&file)?;
        }
        self.summary.invalid_files.push(file);
        if let Some(w) = &mut self.errors {
            let text = serde_json::to_string(&line).unwrap_or_default();
            writeln!(w, "{text}").map_err(|source| BatchError::Write {
                path: self.errors_tmp.clone(),
                source,
            })?;
        }
        Ok(())
    }

    fn accept(&mut self, index: usize, processed: Processed) -> Result<(), BatchError> {
        let path = self.files[index].path();
        match processed {
            Processed::Parsed => self.summary.parsed += 1,
            Processed::Invalid { diagnostics } => self.invalid(path, &diagnostics)?,
            Processed::Assessed { mut record, staged } => {
                let id = &record.row.id;
                if let Err(earlier) = self.names.claim_id(id, index) {
                    discard(&staged);
                    self.summary.duplicates += 1;
                    let d = duplicate_id(path, id, self.files[earlier].path());
                    return self.invalid(path, &[d]);
                }
                let stem = self.names.stem(id);
                for file in &staged {
                    let name = format!("{}/{stem}.{}", file.dir, file.ext);
                    let target = self.config.out.join(&name);
                    fs::rename(&file.tmp, &target).map_err(self.write_err(&target))?;
                    if let Some(journal) = &mut self.journal {
                        journal.record(&name)?;
                    }
                    if file.ext == "html" {
                        record.row.report = Some(name);
                    }
                }
                for stream in &mut self.cohort {
                    stream.row(&record.row)?;
                }
                self.summary.assessed += 1;
                if record.below_required {
                    self.summary.below_required_level += 1;
                }
                match self
                    .summary
                    .catalogs
                    .iter_mut()
                    .find(|c| c.catalog == record.row.catalog)
                {
                    Some(cohort) => cohort.add(&record.row),
                    None => {
                        let skeletons = self
                            .skeletons
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        // The worker that made the record left its catalog's skeleton.
                        let mut cohort = skeletons
                            .iter()
                            .find(|c| c.catalog == record.row.catalog)
                            .cloned()
                            .unwrap_or_default();
                        drop(skeletons);
                        cohort.add(&record.row);
                        self.summary.catalogs.push(cohort);
                    }
                }
            }
        }
        Ok(())
    }
}

/// One cohort output being written: its writer and the temporary file it streams to.
struct CohortStream<'a> {
    writer: Box<dyn CohortWriter + 'a>,
    format: &'static dyn CohortFormat,
    tmp: PathBuf,
    file: BufWriter<fs::File>,
}

impl CohortStream<'_> {
    fn error(&self, error: FormatError) -> BatchError {
        BatchError::Format {
            file: self.format.file_name(),
            source: error,
        }
    }

    fn row(&mut self, row: &CohortRow) -> Result<(), BatchError> {
        match self.writer.row(row, &mut self.file) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    fn invalid(&mut self, file: &InvalidFile) -> Result<(), BatchError> {
        match self.writer.invalid(file, &mut self.file) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Writes the end and renames the file into place.
    fn finish(mut self, out: &Path, summary: &BatchSummary) -> Result<(), BatchError> {
        if let Err(e) = self.writer.finish(summary, &mut self.file) {
            let _ = fs::remove_file(&self.tmp);
            return Err(self.error(e));
        }
        close_stream(&self.tmp, self.file, &out.join(self.format.file_name()))
    }
}

fn open_stream(out: &Path, name: &str) -> Result<(PathBuf, BufWriter<fs::File>), BatchError> {
    let (tmp, file) = output::tempfile_in(out, name).map_err(|source| BatchError::Write {
        path: out.join(name),
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
    let _span = tracing::debug_span!("write", dir, bytes = bytes.len()).entered();
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

/// Runs a batch over `files` (from [`discover`]): each result is written in every format of
/// `config.formats`, and every cohort format of `config.cohort_formats` gets the rows and the
/// summary; `progress(done)` is called after each file is written.
pub fn run<P>(
    engine: &Engine,
    files: &[Input],
    config: &BatchConfig,
    cx: &Context<'_>,
    cohort_cx: &CohortContext<'_>,
    progress: P,
) -> Result<BatchSummary, BatchError>
where
    P: Fn(u64) + Sync,
{
    let threads = config.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| BatchError::Threads(threads))?;
    let writing = !config.parse_only;
    let journal = if writing {
        let mut folders: Vec<&str> = Vec::new();
        for format in &config.formats {
            if !folders.contains(&format.folder()) {
                folders.push(format.folder());
            }
        }
        Some(out::prepare(&config.out, &folders)?)
    } else {
        None
    };
    let skeletons = Mutex::new(Vec::new());
    let mut sink = Sink {
        config,
        files,
        names: Names::default(),
        cohort: Vec::new(),
        journal,
        errors: None,
        errors_tmp: PathBuf::new(),
        skeletons: &skeletons,
        lang: cohort_cx.lang,
        summary: BatchSummary {
            files: files.len() as u64,
            ..BatchSummary::default()
        },
    };
    if writing {
        for &format in &config.cohort_formats {
            let (tmp, file) = open_stream(&config.out, format.file_name())?;
            sink.cohort.push(CohortStream {
                writer: format.start(cohort_cx),
                format,
                tmp,
                file,
            });
        }
        let (tmp, w) = open_stream(&config.out, "errors.jsonl")?;
        sink.errors_tmp = tmp;
        sink.errors = Some(w);
    }

    let window = WINDOW_PER_THREAD * threads;
    // `buffer` and `scratch` are the worker's own, reused for every file it writes.
    let process =
        |i: usize, buffer: &mut Vec<u8>, scratch: &mut Scratch| -> Result<Processed, BatchError> {
            let path = match &files[i] {
                Input::File(path) => path,
                Input::Refused(refused) => {
                    return Ok(Processed::Invalid {
                        diagnostics: vec![refused.1.clone()],
                    });
                }
            };
            if config.parse_only {
                let parsed =
                    crate::source::read_text(path, engine.max_file_size).and_then(|text| {
                        let budget = usize::try_from(engine.max_file_size).unwrap_or(usize::MAX);
                        // The same parser as assessment, into an untyped value: the floor.
                        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                        crate::yaml::parse(text, budget)
                            .map(crate::yaml::Node::into_json)
                            .map_err(|e| e.diagnostic(path))
                    });
                return Ok(match parsed {
                    Ok(_) => Processed::Parsed,
                    Err(d) => Processed::Invalid {
                        diagnostics: vec![d],
                    },
                });
            }
            let result = match engine.assess_file(path) {
                Err(rejected) => {
                    return Ok(Processed::Invalid {
                        diagnostics: rejected.diagnostics,
                    });
                }
                Ok(loaded) => loaded.value,
            };
            let mut staged = Vec::with_capacity(config.formats.len());
            let outcome = (|| {
                for &format in &config.formats {
                    if !format.applies(&result) {
                        continue;
                    }
                    buffer.clear();
                    format
                        .render(&result, cx, scratch, buffer)
                        .map_err(|source| BatchError::Render {
                            format: format.name(),
                            source,
                        })?;
                    staged.push(stage(
                        config,
                        format.folder(),
                        i,
                        format.extension(),
                        buffer,
                    )?);
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
            let record = Record {
                row: CohortRow::new(&result),
                below_required: config.require_level.as_deref().is_some_and(|typed| {
                    result
                        .find_level(typed)
                        .is_none_or(|required| !result.reaches(required))
                }),
            };
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
                let mut scratch = Scratch::default();
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
                        || tx.send((i, process(i, &mut buffer, &mut scratch))).is_err()
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
                let accepted = item.and_then(|item| sink.accept(done, item));
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
            out::remove_temporaries(&config.out);
        }
        return Err(e);
    }

    for cohort in &mut sink.summary.catalogs {
        cohort.finish();
    }
    if writing {
        if let Some(w) = sink.errors.take() {
            close_stream(&sink.errors_tmp, w, &config.out.join("errors.jsonl"))?;
            sink.record("errors.jsonl")?;
        }
        for stream in std::mem::take(&mut sink.cohort) {
            let name = stream.format.file_name();
            stream.finish(&config.out, &sink.summary)?;
            sink.record(name)?;
        }
    }
    Ok(sink.summary)
}
