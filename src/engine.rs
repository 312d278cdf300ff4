//! The assessment pipeline for one file: read → parse → choose the catalog → validate →
//! assess. Shared immutably by every worker of a batch.

use std::collections::BTreeMap;
use std::path::Path;

use crate::assess::{self, Options};
use crate::catalog::{self, Catalog};
use crate::diagnostic::Diagnostic;
use crate::result::AssessmentResult;
use crate::review::{self, Review};
use crate::source::DEFAULT_MAX_FILE_SIZE;
use crate::submission;
use crate::waiver::Waiver;

/// The catalogs a run can use: one given with `--catalog`, or the bundled ones by id.
#[derive(Debug)]
pub enum Catalogs {
    /// `--catalog PATH`: every submission is assessed against it.
    Fixed(Box<Catalog>),
    /// The bundled catalogs by id.
    Bundled(BTreeMap<String, Catalog>),
}

/// A catalog that failed to load, with its diagnostics and source text.
#[derive(Debug)]
pub struct CatalogError {
    /// What is wrong.
    pub diagnostics: Vec<Diagnostic>,
    /// Source text, for rendering.
    pub text: Option<String>,
}

impl Catalogs {
    /// Loads a catalog file for `--catalog`.
    pub fn from_file(path: &Path, max_size: u64) -> Result<Catalogs, CatalogError> {
        let load = catalog::load(path, max_size, false);
        match load.catalog {
            Some(c) => Ok(Catalogs::Fixed(Box::new(c))),
            None => Err(CatalogError {
                diagnostics: load.diagnostics,
                text: load.text,
            }),
        }
    }

    /// Loads every bundled catalog.
    pub fn bundled() -> Result<Catalogs, CatalogError> {
        let mut map = BTreeMap::new();
        for id in catalog::bundled_ids() {
            let Some(load) = catalog::bundled(id) else {
                continue;
            };
            match load.catalog {
                Some(c) => {
                    map.insert(c.id.clone(), c);
                }
                None => {
                    return Err(CatalogError {
                        diagnostics: load.diagnostics,
                        text: load.text,
                    });
                }
            }
        }
        Ok(Catalogs::Bundled(map))
    }

    /// The catalog for a submission naming `id`.
    pub fn get(&self, id: Option<&str>) -> Option<&Catalog> {
        match self {
            Catalogs::Fixed(c) => Some(c),
            Catalogs::Bundled(map) => id.and_then(|id| map.get(id)),
        }
    }
}

/// Everything fixed for a run.
#[derive(Debug)]
pub struct Engine {
    /// Catalogs.
    pub catalogs: Catalogs,
    /// Waivers.
    pub waivers: Vec<Waiver>,
    /// Assessment options.
    pub options: Options,
    /// Input size limit in bytes.
    pub max_file_size: u64,
    /// Reviews to assess submissions on (`--review`, `--reviews`).
    pub reviews: Reviews,
}

/// The reviews of a run.
#[derive(Debug, Default)]
pub enum Reviews {
    /// Submissions are assessed on their own ratings.
    #[default]
    None,
    /// `itss assess --review R`: every submission of the run must be the one reviewed.
    One(Box<Review>),
    /// `itss batch --reviews DIR`: a submission with a review (by id) is assessed on it;
    /// one without is assessed on its own ratings; one whose review was rejected is
    /// invalid, with the review's diagnostics.
    ById(review::ReviewsById),
}

impl Reviews {
    /// The review a submission is to be assessed on, if any.
    pub fn for_submission(&self, id: &str) -> Option<Result<&Review, &review::Rejected>> {
        match self {
            Reviews::None => None,
            Reviews::One(r) => Some(Ok(r)),
            Reviews::ById(map) => map.get(id).map(Result::as_ref),
        }
    }
}

/// What became of one input file.
#[derive(Debug)]
pub enum FileOutcome {
    /// Valid and assessed (warnings may be present).
    Assessed {
        /// The result document.
        result: Box<AssessmentResult>,
        /// Warnings.
        warnings: Vec<Diagnostic>,
        /// Source text, for rendering warnings.
        text: Option<String>,
    },
    /// Invalid: diagnostics only.
    Invalid {
        /// Errors (and warnings).
        diagnostics: Vec<Diagnostic>,
        /// Source text, for rendering.
        text: Option<String>,
    },
}

impl Engine {
    /// An engine with the bundled catalogs, no waivers and default options.
    pub fn new(catalogs: Catalogs) -> Engine {
        Engine {
            catalogs,
            waivers: Vec::new(),
            options: Options::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            reviews: Reviews::None,
        }
    }

    /// Assesses one submission file.
    pub fn assess_file(&self, path: &Path) -> FileOutcome {
        let parsed = match submission::parse(path, self.max_file_size) {
            Ok(p) => p,
            Err(load) => {
                return FileOutcome::Invalid {
                    diagnostics: load.diagnostics,
                    text: load.text,
                };
            }
        };
        let Some(catalog) = self.catalogs.get(parsed.catalog_id()) else {
            let named = parsed.catalog_id().map(str::to_owned);
            // Validate against the schema first so structural problems are reported too.
            let ids = match &self.catalogs {
                Catalogs::Bundled(map) => map.keys().cloned().collect::<Vec<_>>().join(", "),
                Catalogs::Fixed(c) => c.id.clone(),
            };
            let (diagnostics, text) = parsed.unknown_catalog(named.as_deref(), &ids);
            return FileOutcome::Invalid { diagnostics, text };
        };
        let load = submission::validate(parsed, catalog);
        match load.submission {
            Some(s) => match self.reviews.for_submission(&s.id) {
                None => FileOutcome::Assessed {
                    result: Box::new(assess::assess(catalog, &s, &self.waivers, &self.options)),
                    warnings: load.diagnostics,
                    text: load.text,
                },
                Some(Err(rejected)) => FileOutcome::Invalid {
                    diagnostics: rejected.diagnostics.clone(),
                    text: rejected.text.clone(),
                },
                Some(Ok(review)) => {
                    let problems = review.check(&s, catalog);
                    if problems.is_empty() {
                        FileOutcome::Assessed {
                            result: Box::new(review::assess_reviewed(
                                catalog,
                                &s,
                                review,
                                &self.waivers,
                                &self.options,
                            )),
                            warnings: load.diagnostics,
                            text: load.text,
                        }
                    } else {
                        // The problems are the review's: its text is the one to quote.
                        FileOutcome::Invalid {
                            diagnostics: problems,
                            text: Some(review.text().to_owned()),
                        }
                    }
                }
            },
            None => FileOutcome::Invalid {
                diagnostics: load.diagnostics,
                text: load.text,
            },
        }
    }
}
