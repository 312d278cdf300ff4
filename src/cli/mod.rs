//! Command-line arguments (clap) and the commands they run. The only place that prints.

mod assess;
mod batch;
mod catalog;
mod convert;
mod report;
mod review;
mod sample;
mod template;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use itss::date::Date;
use itss::diagnostic::Diagnostic;
use itss::format::{self, SubmissionFormat};
use itss::internals::engine::Catalogs;
use itss::internals::evidence::DEFAULT_MAX_EVIDENCE_SIZE;
use itss::internals::source::DEFAULT_MAX_FILE_SIZE;
use itss::text::Lang;

/// Exit codes (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done, every `--require-level` met.
    Ok = 0,
    /// Some submission invalid.
    Invalid = 1,
    /// Usage, catalog or template error.
    Usage = 2,
    /// Assessed, but below `--require-level`.
    BelowLevel = 3,
}

/// Assess IT service providers against China's ITSS capability maturity standards.
#[derive(Debug, Parser)]
#[command(name = "itss", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess one or a few submissions.
    Assess(AssessArgs),
    /// Bundled catalogs: list, lint, overview.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Assess every submission under one or more directories, in parallel.
    Batch(BatchArgs),
    /// A blank, commented questionnaire for an enterprise to fill in.
    Template(TemplateArgs),
    /// Generate realistic synthetic submissions (seeded) for demos, tests and benchmarks.
    Sample(SampleArgs),
    /// Re-render a stored result document as a report.
    Render(RenderArgs),
    /// Convert a submission or a review between YAML, JSON and a spreadsheet workbook (.xlsx).
    Convert(ConvertArgs),
    /// Compare two result documents: level, scores and per-criterion changes.
    Diff(DiffArgs),
    /// An assessment body's review of a submission: the skeleton to fill, open
    /// nonconformities.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Agreement between two assessors' reviews of one submission (Cohen's κ).
    Agree(AgreeArgs),
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Write a review skeleton with the sampling plan: every criterion up to the target (or
    /// --up-to-level) with its declared rating, and the evidence items to inspect.
    Init(ReviewInitArgs),
    /// Open nonconformities of a review as of a date: due, overdue, per owner.
    Status(ReviewStatusArgs),
}

#[derive(Debug, Args)]
struct ReviewInitArgs {
    /// The submission to review.
    #[arg(value_name = "SUBMISSION")]
    submission: PathBuf,
    /// Sampling seed: the same submission, seed and rate draw the same items anywhere.
    #[arg(long)]
    seed: u64,
    /// Share of the evidence items to draw in each level × element (0 < P ≤ 1; at least one).
    #[arg(long, value_name = "P", value_parser = parse_rate)]
    rate: f64,
    /// Highest level to cover (default: the submission's target level, else the top level).
    #[arg(long, value_name = "LEVEL")]
    up_to_level: Option<String>,
    /// The assessment body's name, written into the skeleton.
    #[arg(long, value_name = "NAME")]
    body: Option<String>,
    /// The team lead's name, written into the skeleton.
    #[arg(long, value_name = "NAME")]
    lead: Option<String>,
    /// Assess against this catalog file instead of the bundled one the submission names.
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    /// Language of the skeleton's comments (of the workbook's labels for xlsx).
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// yaml, or xlsx for a workbook with the nonconformity and corrective-action registers
    /// (default: from the -o file's extension, else yaml).
    #[arg(long, value_enum, value_name = "FORM")]
    format: Option<SkeletonForm>,
    /// Where to write the skeleton (never overwritten).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
}

/// The forms of a review skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SkeletonForm {
    /// YAML with comments.
    Yaml,
    /// A workbook (Excel, WPS, LibreOffice).
    Xlsx,
}

#[derive(Debug, Args)]
struct ReviewStatusArgs {
    /// The review file.
    #[arg(value_name = "REVIEW")]
    review: PathBuf,
    /// The day to report on (default: the review's as_of, else today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// json for scripts, text for people.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Language.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

#[derive(Debug, Args)]
struct AgreeArgs {
    /// The first assessor's review.
    #[arg(value_name = "REVIEW1")]
    first: PathBuf,
    /// The second assessor's review of the same submission.
    #[arg(value_name = "REVIEW2")]
    second: PathBuf,
    /// The submission both reviewed: supplies the declared ratings that verdicts without a
    /// rating confirm, and the catalog (per-level figures).
    #[arg(long, value_name = "SUBMISSION")]
    submission: Option<PathBuf>,
    /// Catalog file (default: the bundled catalog the submission names, or the one holding
    /// every criterion the reviews name).
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    /// json for scripts, text for people.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Language.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TextOrJson {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 1.0 => Ok(p),
        _ => Err(format!("`{s}` is not a rate in (0, 1], e.g. 0.25")),
    }
}

#[derive(Debug, Args)]
struct RenderArgs {
    /// A result document written by `itss assess --format json` or `itss batch`.
    #[arg(value_name = "RESULT.json")]
    result: PathBuf,
    /// Output format: html, md, text or json (default: from the -o file's extension, else html).
    #[arg(long, value_parser = format::parse_submission_format, value_name = "FORMAT")]
    format: Option<&'static dyn SubmissionFormat>,
    /// Language.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Replace the bundled report templates with this directory.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Open every level's criteria table, e.g. to print them all (by default, levels above
    /// both the next one and the target are collapsed).
    #[arg(long)]
    expand: bool,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// The earlier result document.
    #[arg(value_name = "OLD.json")]
    old: PathBuf,
    /// The later result document.
    #[arg(value_name = "NEW.json")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Readable summary.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
struct BatchArgs {
    /// Directories (searched recursively for *.yaml, *.yml, *.json, *.xlsx) or files.
    #[arg(required = true, value_name = "DIR")]
    inputs: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// What to write per submission: json (results/), html, md and text (reports/).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "json",
        value_parser = format::parse_submission_format,
        value_name = "LIST"
    )]
    formats: Vec<&'static dyn SubmissionFormat>,
    /// Worker threads (default: the number of CPUs; at most 256).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// Language of reports.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Replace the bundled report templates with this directory.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Open every level's criteria table, e.g. to print them all (by default, levels above
    /// both the next one and the target are collapsed).
    #[arg(long)]
    expand: bool,
    /// Follow symbolic links that lead out of the input directories (shared drives); by
    /// default such links are skipped, each with a line in errors.jsonl.
    #[arg(long)]
    follow_symlinks: bool,
    /// Only read and parse the files (the benchmark floor); writes nothing.
    #[arg(long, hide = true)]
    parse_only: bool,
    /// A folder of review files (*.yaml, *.yml, *.json): each submission with a review (by
    /// its submission id) is assessed on it.
    #[arg(long, value_name = "DIR")]
    reviews: Option<PathBuf>,
    #[command(flatten)]
    options: AssessOptions,
}

#[derive(Debug, Args)]
struct SampleArgs {
    /// Bundled catalog id (or a catalog file).
    #[arg(long, value_name = "ID")]
    catalog: String,
    /// How many submissions.
    #[arg(long, default_value_t = 100)]
    count: u64,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory (created; must be empty or absent).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Also write the evidence files (otherwise assess with --no-evidence-files).
    #[arg(long)]
    evidence: bool,
    /// Per-mille of files made invalid on purpose.
    #[arg(long, default_value_t = 20, value_name = "N")]
    invalid_per_mille: u64,
}

#[derive(Debug, Args)]
struct TemplateArgs {
    /// Bundled catalog id (or a catalog file).
    #[arg(long, value_name = "ID")]
    catalog: String,
    /// Include criteria up to this level (default: the top level).
    #[arg(long, value_name = "LEVEL")]
    level: Option<String>,
    /// Language of the explanations.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// The assessed_on date to put in (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// yaml (a commented file) or xlsx (a workbook for Excel, WPS or LibreOffice; needs -o).
    /// Default: from the -o file's extension, else yaml.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<TemplateFormat>,
    /// Write here instead of standard output (refuses to overwrite an existing file).
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
}

/// What `itss template` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TemplateFormat {
    /// A commented YAML questionnaire.
    Yaml,
    /// A spreadsheet workbook.
    Xlsx,
}

/// `itss convert`: a submission from one form to another.
#[derive(Debug, Args)]
struct ConvertArgs {
    /// A submission or a review: .yaml/.yml, .json or .xlsx.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The form to write.
    #[arg(long, value_enum, value_name = "FORM")]
    to: ConvertForm,
    /// Where to write (refuses to overwrite an existing file unless --force).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Overwrite the output file when it exists.
    #[arg(long)]
    force: bool,
    /// Language of the workbook's labels (xlsx).
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Lay the workbook out from this catalog file instead of the bundled one it names.
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    /// Refuse input files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

/// The forms of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ConvertForm {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
    /// A spreadsheet workbook.
    Xlsx,
}

/// Options shared by the commands that assess.
#[derive(Debug, Args)]
struct AssessOptions {
    /// Assess against this catalog file instead of the bundled one the submission names.
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    /// Waivers file (SPEC §6).
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// Replace every submission's assessed_on in all time rules.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Do not look at evidence files (no existence or hash checks; containment is lexical).
    #[arg(long)]
    no_evidence_files: bool,
    /// Exit with 3 when a submission is below this level.
    #[arg(long, value_name = "LEVEL")]
    require_level: Option<String>,
    /// Refuse input files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// Do not read evidence files larger than this many bytes; they do not count
    /// (evidence-too-large). Default: 2 GiB.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_EVIDENCE_SIZE)]
    max_evidence_size: u64,
    /// Put this text into results and reports as the generation time (nothing else does).
    #[arg(long, value_name = "TEXT")]
    generated_at: Option<String>,
}

#[derive(Debug, Args)]
struct AssessArgs {
    /// Submission files (YAML, JSON or .xlsx workbooks).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format: text (a terminal summary), json (the result document), md or html (the
    /// graded report). Default: from the -o file's extension, else text.
    #[arg(long, value_parser = format::parse_submission_format, value_name = "FORMAT")]
    format: Option<&'static dyn SubmissionFormat>,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Language of text output and reports.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Replace the bundled report templates with this directory.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Open every level's criteria table, e.g. to print them all (by default, levels above
    /// both the next one and the target are collapsed).
    #[arg(long)]
    expand: bool,
    /// An assessment body's review of the submission: assess on the team's ratings, checked
    /// evidence and measured metrics, beside the self-assessed level (README, "Reviews").
    #[arg(long, value_name = "REVIEW")]
    review: Option<PathBuf>,
    #[command(flatten)]
    options: AssessOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LangArg {
    /// 中文
    Zh,
    /// English
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// List the bundled catalogs.
    List,
    /// Check catalog files: schema and semantic rules, every problem with file:line:col.
    Check {
        /// Catalog files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Language of messages.
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// Overview of a catalog: levels, elements, counts per level × element, prerequisites.
    Show {
        /// A bundled catalog id, or a catalog file.
        id: String,
        /// Language.
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
}

/// The language of diagnostics and messages on the terminal: the command's `--lang`.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// The language set for this run (Chinese unless the command said otherwise).
/// The context of a failed write: `无法写入 PATH` or `cannot write PATH`.
pub(crate) fn writing_to(path: &Path) -> String {
    let path = path.display();
    say(&format!("无法写入 {path}"), &format!("cannot write {path}")).to_owned()
}

/// An error and its causes in the command's language, after `错误：` or `error: `: report
/// template errors give their Chinese text ([`itss::internals::report::ReportError::message`]).
pub(crate) fn error_line(e: &anyhow::Error) -> String {
    use itss::format::FormatError;
    use itss::internals::report::ReportError;
    let text = |cause: &(dyn std::error::Error + 'static)| {
        let report = match cause.downcast_ref::<FormatError>() {
            Some(FormatError::Report(r)) => Some(r),
            _ => cause.downcast_ref::<ReportError>(),
        };
        match (report, cause.downcast_ref::<std::io::Error>(), lang()) {
            (Some(r), _, _) => r.message(lang()),
            (None, Some(io), Lang::Zh) => itss::diagnostic::messages::io_reason_zh(io),
            _ => cause.to_string(),
        }
    };
    let mut message = text(e.as_ref());
    for cause in e.chain().skip(1) {
        let cause = text(cause);
        if !message.contains(&cause) {
            message.push_str(say("：", ": "));
            message.push_str(&cause);
        }
    }
    format!(
        "{}{}",
        say("错误：", "error: "),
        itss::internals::report::escape::clean(&message)
    )
}

pub(crate) fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// A message for the terminal in the run's language.
pub(crate) fn say<'a>(zh: &'a str, en: &'a str) -> &'a str {
    match lang() {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Runs a command.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    let lang = match &cli.command {
        Command::Assess(a) => a.lang.into(),
        Command::Batch(a) => a.lang.into(),
        Command::Template(a) => a.lang.into(),
        Command::Render(a) => a.lang.into(),
        Command::Diff(a) => a.lang.into(),
        Command::Convert(a) => a.lang.into(),
        Command::Catalog(CatalogCommand::Show { lang, .. }) => (*lang).into(),
        Command::Catalog(CatalogCommand::Check { lang, .. }) => (*lang).into(),
        Command::Catalog(CatalogCommand::List) | Command::Sample(_) => Lang::default(),
        Command::Review(ReviewCommand::Init(a)) => a.lang.into(),
        Command::Review(ReviewCommand::Status(a)) => a.lang.into(),
        Command::Agree(a) => a.lang.into(),
    };
    let _ = LANG.set(lang);
    match cli.command {
        Command::Assess(args) => assess::run(args),
        Command::Catalog(cmd) => catalog::run(cmd),
        Command::Template(args) => template::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Render(args) => report::render(args),
        Command::Diff(args) => report::diff(args),
        Command::Convert(args) => convert::run(args),
        Command::Review(ReviewCommand::Init(args)) => review::init(args),
        Command::Review(ReviewCommand::Status(args)) => review::status(args),
        Command::Agree(args) => review::agree(args),
    }
}

/// Whether standard error gets colors.
pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// A string for the terminal: control and bidi characters made visible.
fn clean(s: &str) -> String {
    itss::internals::report::escape::clean(s).into_owned()
}

/// Writes text for the terminal to standard output: control and bidi characters of catalog
/// or submission text are made visible, never sent. A closed pipe (`itss … | head`) ends the
/// output quietly.
fn print_text(text: &str) -> anyhow::Result<()> {
    write_stdout(itss::internals::report::escape::clean(text).as_bytes())
}

/// Writes bytes to standard output as they are (a result document, a report); a closed pipe
/// ends the output quietly, as Unix tools do.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Prints diagnostics to standard error with source snippets.
fn print_diagnostics(diagnostics: &[Diagnostic], text: Option<&str>) {
    let color = color_stderr();
    for d in diagnostics {
        eprintln!("{}", d.render(text, color, lang()));
    }
}

/// Loads a catalog given as a bundled id or a file path, printing its problems.
fn catalog_by_id_or_path(id: &str) -> Result<itss::internals::catalog::Catalog, Exit> {
    use itss::internals::catalog;
    let load = if Path::new(id).is_file() {
        catalog::load(Path::new(id), DEFAULT_MAX_FILE_SIZE, false)
    } else if let Some(load) = catalog::bundled(id) {
        load
    } else {
        let bundled = catalog::bundled_ids();
        eprintln!(
            "{}",
            say(
                &format!(
                    "错误：没有名为 {id} 的内置评估目录，也没有这个文件（内置：{}）",
                    bundled.join("、")
                ),
                &format!(
                    "error: no bundled catalog `{id}` (bundled: {})",
                    bundled.join(", ")
                ),
            )
        );
        return Err(Exit::Usage);
    };
    load.map(|l| l.value).map_err(|rejected| {
        print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
        Exit::Usage
    })
}

/// Checks that `--require-level` names a level of a catalog the run can use; prints the
/// levels there are when it does not (a usage error, not a result below the level).
fn check_required_level(catalogs: &Catalogs, typed: &str) -> Result<(), Exit> {
    let all: Vec<&itss::internals::catalog::Catalog> = match catalogs {
        Catalogs::Fixed(c) => vec![c],
        Catalogs::Bundled(map) => map.values().collect(),
    };
    if all.iter().any(|c| c.find_level(typed).is_some()) {
        return Ok(());
    }
    let levels: Vec<String> = all
        .iter()
        .map(|c| {
            let names: Vec<String> = c
                .levels
                .iter()
                .map(|l| format!("{} {}", l.id, l.name.get(lang())))
                .collect();
            format!("{}: {}", c.id, names.join(" · "))
        })
        .collect();
    let typed = clean(typed);
    let levels = clean(&levels.join("; "));
    eprintln!(
        "{}",
        say(
            &format!(
                "错误：--require-level {typed} 不是评估目录中的等级；可用的等级（编号、名称或“三级”“3级”的写法均可）：{levels}"
            ),
            &format!(
                "error: --require-level {typed} is not a level of the catalogs; levels (by id, name, or as 三级 / 3级): {levels}"
            ),
        )
    );
    Err(Exit::Usage)
}

/// Why a result is below `--require-level`, when it is.
fn below_required(r: &itss::result::AssessmentResult, typed: &str) -> Option<String> {
    let id = clean(&r.submission.id);
    let Some(required) = r.find_level(typed) else {
        let typed = clean(typed);
        let catalog = clean(&r.catalog.id);
        return Some(
            say(
                &format!("{id}：评估目录 {catalog} 没有等级 {typed}，无法判断是否达到"),
                &format!("{id}: catalog {catalog} has no level {typed}; it cannot be reached"),
            )
            .to_owned(),
        );
    };
    if r.reaches(required) {
        return None;
    }
    let name = |level: &str| {
        r.levels.iter().find(|l| l.id == level).map_or_else(
            || clean(level),
            |l| clean(&format!("{} {}", l.id, l.name.get(lang()))),
        )
    };
    let achieved = r.achieved_level.as_deref().map(name);
    let required = name(required);
    Some(match lang() {
        Lang::Zh => format!(
            "{id}：达到的等级 {} 低于要求的等级 {required}",
            achieved.unwrap_or_else(|| "（无）".to_owned())
        ),
        Lang::En => format!(
            "{id}: achieved level {} is below the required level {required}",
            achieved.unwrap_or_else(|| "none".to_owned())
        ),
    })
}

/// Loads the catalogs for a run, printing the problems of a broken catalog.
fn load_catalogs(catalog: Option<&Path>, max_file_size: u64) -> Result<Catalogs, Exit> {
    let loaded = match catalog {
        Some(path) => Catalogs::from_file(path, max_file_size),
        None => Catalogs::bundled(),
    };
    loaded.map_err(|rejected| {
        print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
        Exit::Usage
    })
}
