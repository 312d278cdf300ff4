//! The modules of the pipeline. **Not a stable API**: they serve this crate's binary, its
//! tests, benchmarks and fuzz targets, and change without notice. Programs embedding `itss`
//! use the items at the crate root.
//!
//! The files stay where they were (`src/assess/`, `src/catalog/`, …); this module only
//! gathers them under one name that is hidden from the documentation.

#[path = "../assess/mod.rs"]
pub mod assess;
#[path = "../batch/mod.rs"]
pub mod batch;
#[path = "../catalog/mod.rs"]
pub mod catalog;
#[path = "../cohort.rs"]
pub mod cohort;
#[path = "../convert.rs"]
pub mod convert;
#[path = "../credit_code.rs"]
pub mod credit_code;
#[path = "../diff.rs"]
pub mod diff;
#[path = "../engine.rs"]
pub mod engine;
#[path = "../evidence/mod.rs"]
pub mod evidence;
#[path = "../expression.rs"]
pub mod expression;
#[path = "../finding.rs"]
pub mod finding;
#[path = "../limits.rs"]
pub mod limits;
#[path = "../output.rs"]
pub mod output;
#[path = "../questionnaire.rs"]
pub mod questionnaire;
#[path = "../report/mod.rs"]
pub mod report;
#[path = "../review/mod.rs"]
pub mod review;
#[path = "../sample.rs"]
pub mod sample;
#[path = "../schema.rs"]
pub mod schema;
#[path = "../score.rs"]
pub mod score;
#[path = "../source.rs"]
pub mod source;
#[path = "../submission.rs"]
pub mod submission;
#[path = "../suggest.rs"]
pub mod suggest;
#[path = "../summary.rs"]
pub mod summary;
#[path = "../switches.rs"]
pub mod switches;
#[path = "../waiver.rs"]
pub mod waiver;
#[path = "../workbook/mod.rs"]
pub mod workbook;
#[path = "../yaml/mod.rs"]
pub mod yaml;

pub use crate::{date, diagnostic, format, result, text};
