//! The assessment pipeline for one file: read → parse → choose the catalog → validate →
//! assess. Shared immutably by every worker of a batch.

use std::collections::BTreeMap;
use std::path::Path;

use crate::assess::{self, Options};
use crate::catalog::{self, Catalog};
use crate::diagnostic::{Loaded, Rejected};
use crate::result::AssessmentResult;
use crate::review::{self, Review};
use crate::source::DEFAULT_MAX_FILE_SIZE;
use crate::submission::{self, Submission};
use crate::waiver::Waiver;

/// The catalogs a run can use: one given with `--catalog`, or the bundled ones by id.
#[derive(Debug)]
pub enum Catalogs {
    /// `--catalog PATH`: every submission is assessed against it.
    Fixed(Box<Catalog>),
    /// The bundled catalogs by id.
    Bundled(BTreeMap<String, Catalog>),
}

impl Catalogs {
    /// Loads a catalog file for `--catalog`.
    pub fn from_file(path: &Path, max_size: u64) -> Result<Catalogs, Rejected> {
        let loaded = catalog::load(path, max_size, false)?;
        Ok(Catalogs::Fixed(Box::new(loaded.value)))
    }

    /// Loads every bundled catalog.
    pub fn bundled() -> Result<Catalogs, Rejected> {
        let mut map = BTreeMap::new();
        for id in catalog::bundled_ids() {
            if let Some(load) = catalog::bundled(id) {
                let c = load?.value;
                map.insert(c.id.clone(), c);
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
    pub fn for_submission(&self, id: &str) -> Option<Result<&Review, &Rejected>> {
        match self {
            Reviews::None => None,
            Reviews::One(r) => Some(Ok(r)),
            Reviews::ById(map) => map.get(id).map(Result::as_ref),
        }
    }
}

/// What became of one input file: its result (with the warnings about the file), or why
/// it has none.
pub type FileOutcome = Result<Loaded<Box<AssessmentResult>>, Rejected>;

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

    /// Reads and validates a submission file (YAML, JSON or `.xlsx`) against the catalog it
    /// names (or the one given with `--catalog`).
    pub fn load_submission(&self, path: &Path) -> Result<(Loaded<Submission>, &Catalog), Rejected> {
        let parsed = submission::parse(path, self.max_file_size)?;
        if let Some(review) = parsed.as_review() {
            return Err(review);
        }
        let Some(catalog) = self.catalogs.get(parsed.catalog_id()) else {
            let named = parsed.catalog_id().map(str::to_owned);
            // Validate against the schema first so structural problems are reported too.
            let ids = match &self.catalogs {
                Catalogs::Bundled(map) => map.keys().cloned().collect::<Vec<_>>().join(", "),
                Catalogs::Fixed(c) => c.id.clone(),
            };
            return Err(parsed.unknown_catalog(named.as_deref(), &ids));
        };
        Ok((submission::validate(parsed, catalog)?, catalog))
    }

    /// Assesses one submission file (YAML, JSON or `.xlsx`).
    pub fn assess_file(&self, path: &Path) -> FileOutcome {
        let (
            Loaded {
                value: s,
                warnings,
                text,
            },
            catalog,
        ) = self.load_submission(path)?;
        let result = match self.reviews.for_submission(&s.id) {
            None => assess::assess(catalog, &s, &self.waivers, &self.options),
            Some(Err(rejected)) => return Err(rejected.clone()),
            Some(Ok(review)) => {
                let problems = review.check(&s, catalog);
                if !problems.is_empty() {
                    // The problems are the review's: its text is the one to quote.
                    return Err(Rejected {
                        diagnostics: problems,
                        text: review.text().map(str::to_owned),
                    });
                }
                review::assess_reviewed(catalog, &s, review, &self.waivers, &self.options)
            }
        };
        Ok(Loaded {
            value: Box::new(result),
            warnings,
            text,
        })
    }
}
