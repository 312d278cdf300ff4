//! `itss` assesses IT service providers against China's Information Technology Service
//! Standards (ITSS): it loads criteria catalogs, validates enterprise self-assessment
//! submissions, scores them, decides the maturity level each reaches, explains the gaps and
//! renders reports.
//!
//! # Embedding `itss`
//!
//! What a program needs is at the crate root: an [`Engine`] holding the [`Catalogs`] (the
//! bundled ones, or a file), waivers, reviews and [`AssessOptions`]; [`Engine::assess_file`]
//! reads, validates and assesses one submission (YAML, JSON or `.xlsx`) into an
//! [`AssessmentResult`] (SPEC §7; its types are in [`result`]) or the [`Diagnostic`]s that
//! explain why not; a [`Renderer`] turns a result into a report; [`run_batch`] assesses a
//! whole folder in parallel into the output formats of [`format`](mod@format).
//!
//! ```
//! use itss::{Catalogs, Engine, Lang, ReportFormat, Renderer};
//!
//! let engine = Engine::new(Catalogs::bundled().expect("the bundled catalogs load"));
//! let path = std::path::Path::new("examples/om-level4/submission.yaml");
//! match engine.assess_file(path) {
//!     Ok(loaded) => {
//!         let result = loaded.value;
//!         assert_eq!(result.achieved_level.as_deref(), Some("4"));
//!         let html = Renderer::bundled()
//!             .expect("the bundled templates load")
//!             .render(&result, ReportFormat::Html, Lang::Zh)
//!             .expect("the report renders");
//!         assert!(html.contains("自评估"));
//!     }
//!     Err(rejected) => {
//!         for d in &rejected.diagnostics {
//!             eprintln!("{}", d.render(rejected.text.as_deref(), false, Lang::En));
//!         }
//!     }
//! }
//! ```
//!
//! Loading anything from a file gives one shape: a [`Loaded`] value (with its warnings and
//! the text they point into) or a [`Rejected`] file (its diagnostics and text).
//!
//! The pipeline's modules (yaml → source → schema → catalog/submission → assess → result →
//! report, batch) live in [`internals`]: not a stable API, there for this crate's binary,
//! tests, benchmarks and fuzz targets.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod date;
pub mod diagnostic;
pub mod format;
pub mod result;
pub mod text;

/// The modules of the pipeline (not a stable API; see the module).
#[doc(hidden)]
pub mod internals;

// Inside the crate every module keeps its short path (`crate::catalog`).
pub(crate) use internals::{
    assess, batch, catalog, cohort, credit_code, engine, evidence, expression, finding, limits,
    output, questionnaire, report, review, schema, score, source, submission, suggest, summary,
    switches, waiver, workbook, yaml,
};

pub use assess::{Options as AssessOptions, assess};
pub use batch::{BatchConfig, BatchError, Symlinks, discover, run as run_batch};
pub use catalog::Catalog;
pub use cohort::BatchSummary;
pub use date::Date;
pub use diagnostic::{Code, Diagnostic, Loaded, Rejected, Severity};
pub use engine::{Catalogs, Engine, Reviews};
pub use report::{Renderer, ReportError, ReportFormat};
pub use result::AssessmentResult;
pub use review::Review;
pub use submission::Submission;
pub use text::{Lang, Text};
pub use waiver::Waiver;
