//! `itss` assesses IT service providers against China's Information Technology Service
//! Standards (ITSS): it loads criteria catalogs, validates enterprise self-assessment
//! submissions, scores them, decides the maturity level each reaches, explains the gaps and
//! renders reports.
//!
//! The pipeline, one module per stage: [`source`] and [`yaml`] read files into located
//! trees; [`catalog`] and [`submission`] validate them (against [`schema`]) into typed
//! models; [`assess`] scores a submission into a [`result::AssessmentResult`]; reports and
//! batches build on that. [`engine`] ties the stages together for one file.
//!
//! ```
//! use itss::engine::{Catalogs, Engine, FileOutcome};
//!
//! let engine = Engine::new(Catalogs::bundled().expect("bundled catalogs load"));
//! match engine.assess_file(std::path::Path::new("examples/om-level4/submission.yaml")) {
//!     FileOutcome::Assessed { result, .. } => println!("achieved: {:?}", result.achieved_level),
//!     FileOutcome::Invalid { diagnostics, .. } => eprintln!("{} problem(s)", diagnostics.len()),
//! }
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod assess;
pub mod batch;
pub mod catalog;
pub mod cohort;
pub mod convert;
pub mod credit_code;
pub mod date;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod evidence;
pub mod expression;
pub mod finding;
pub mod format;
pub mod limits;
pub mod output;
pub mod questionnaire;
pub mod report;
pub mod result;
pub mod review;
pub mod sample;
pub mod schema;
pub mod score;
pub mod source;
pub mod submission;
pub mod suggest;
pub mod summary;
pub mod switches;
pub mod text;
pub mod waiver;
pub mod workbook;
pub mod yaml;
