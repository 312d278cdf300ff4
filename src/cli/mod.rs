//! Command-line arguments (clap) and the commands they run. The only place that prints.

mod assess;
mod catalog;
mod template;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use itss::date::Date;
use itss::diagnostic::Diagnostic;
use itss::engine::{CatalogError, Catalogs};
use itss::source::DEFAULT_MAX_FILE_SIZE;
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
    /// A blank, commented questionnaire for an enterprise to fill in.
    Template(TemplateArgs),
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
    /// Write here instead of standard output (refuses to overwrite an existing file).
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
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
    /// Put this text into results and reports as the generation time (nothing else does).
    #[arg(long, value_name = "TEXT")]
    generated_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A summary for the terminal.
    Text,
    /// The result document (SPEC §7).
    Json,
}

#[derive(Debug, Args)]
struct AssessArgs {
    /// Submission files (YAML or JSON).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Language of text output.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
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

/// Runs a command.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Assess(args) => assess::run(args),
        Command::Catalog(cmd) => catalog::run(cmd),
        Command::Template(args) => template::run(args),
    }
}

/// Whether standard error gets colors.
pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Prints diagnostics to standard error with source snippets.
fn print_diagnostics(diagnostics: &[Diagnostic], text: Option<&str>) {
    let color = color_stderr();
    for d in diagnostics {
        eprintln!("{}", d.render(text, color));
    }
}

/// Loads the catalogs for a run, printing the problems of a broken catalog.
fn load_catalogs(catalog: Option<&Path>, max_file_size: u64) -> Result<Catalogs, Exit> {
    let loaded = match catalog {
        Some(path) => Catalogs::from_file(path, max_file_size),
        None => Catalogs::bundled(),
    };
    loaded.map_err(|CatalogError { diagnostics, text }| {
        print_diagnostics(&diagnostics, text.as_deref());
        Exit::Usage
    })
}
