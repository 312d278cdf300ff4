//! Findings on criteria (SPEC §4.2, §5.1, §6): data with a stable code, never errors.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Stable finding codes on criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    /// The evidence path leaves the submission's directory (or is absolute).
    EvidenceOutside,
    /// The evidence path names no regular file.
    EvidenceMissing,
    /// The file's sha256 differs from the one given.
    EvidenceHashMismatch,
    /// The criterion has a maximum age but the item has no `dated`.
    EvidenceUndated,
    /// The item is older than the criterion's maximum age.
    EvidenceStale,
    /// The item is dated after the as-of date.
    EvidenceFuture,
    /// Fewer valid evidence items than the criterion needs.
    InsufficientEvidence,
    /// A metric value is absent or null.
    MetricMissing,
    /// A metric check is false.
    MetricBelowTarget,
    /// `na` answered where the criterion does not allow it.
    NaNotAllowed,
    /// An expression failed at run time.
    ExpressionError,
    /// A waiver for this criterion and submission has expired.
    WaiverExpired,
}

impl FindingCode {
    /// Every code.
    pub const ALL: &'static [FindingCode] = &[
        FindingCode::EvidenceOutside,
        FindingCode::EvidenceMissing,
        FindingCode::EvidenceHashMismatch,
        FindingCode::EvidenceUndated,
        FindingCode::EvidenceStale,
        FindingCode::EvidenceFuture,
        FindingCode::InsufficientEvidence,
        FindingCode::MetricMissing,
        FindingCode::MetricBelowTarget,
        FindingCode::NaNotAllowed,
        FindingCode::ExpressionError,
        FindingCode::WaiverExpired,
    ];

    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::EvidenceOutside => "evidence-outside",
            FindingCode::EvidenceMissing => "evidence-missing",
            FindingCode::EvidenceHashMismatch => "evidence-hash-mismatch",
            FindingCode::EvidenceUndated => "evidence-undated",
            FindingCode::EvidenceStale => "evidence-stale",
            FindingCode::EvidenceFuture => "evidence-future",
            FindingCode::InsufficientEvidence => "insufficient-evidence",
            FindingCode::MetricMissing => "metric-missing",
            FindingCode::MetricBelowTarget => "metric-below-target",
            FindingCode::NaNotAllowed => "na-not-allowed",
            FindingCode::ExpressionError => "expression-error",
            FindingCode::WaiverExpired => "waiver-expired",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding: code and message (details such as the path or the age).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// Details.
    pub message: String,
}

impl Finding {
    /// A finding.
    pub fn new(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding {
            code,
            message: message.into(),
        }
    }
}
