//! Waivers (SPEC §6): an assessor's decision that a criterion does not count for a
//! submission until an expiry date.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Rejected};
use crate::schema::{self, SchemaKind};
use crate::source;

/// One waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The criterion waived.
    pub criterion: String,
    /// Submission ids it applies to; `None` = every submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submissions: Option<Vec<String>>,
    /// Why.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Last day it is active.
    pub expires_on: Date,
}

impl Waiver {
    /// Whether it applies to a submission id.
    pub fn applies_to(&self, submission: &str) -> bool {
        self.submissions
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|s| s == submission))
    }

    /// Whether it is active on `as_of`.
    pub fn is_active(&self, as_of: Date) -> bool {
        as_of <= self.expires_on
    }
}

#[derive(Deserialize)]
struct RawWaivers {
    waivers: Vec<Waiver>,
}

/// Loads a waivers file; on error, every diagnostic and the source text.
pub fn load(path: &Path, max_size: u64) -> Result<Vec<Waiver>, Rejected> {
    let (doc, value) = source::load(path, max_size)?;
    let diagnostics = schema::check(SchemaKind::Waivers, &doc, &value, |_| None);
    if !diagnostics.is_empty() {
        return Err(Rejected {
            diagnostics,
            text: Some(doc.text),
        });
    }
    serde_json::from_value::<RawWaivers>(value)
        .map(|r| r.waivers)
        .map_err(|e| {
            Rejected::one(
                Diagnostic::error(
                    Code::Schema,
                    path,
                    crate::diagnostic::msg("decode").text("detail", e.to_string(), ""),
                ),
                Some(doc.text),
            )
        })
}
