//! What a result document records of an assessment body's review (additive keys of
//! `itss-result/2`): who reviewed, whether the reviewed level is final, the self-assessed
//! view beside it, the nonconformities and how far the team agreed with the enterprise.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::submission::Rating;
use crate::text::Text;

/// The review a result was assessed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewResult {
    /// The review file as given.
    pub source: String,
    /// SHA-256 of the review file's bytes.
    pub sha256: String,
    /// The assessment body.
    pub body: Body,
    /// The team, in the order the review lists it.
    pub team: Vec<TeamMember>,
    /// The on-site visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onsite: Option<Onsite>,
    /// `final` when every nonconformity is closed and verified by the as-of date, else
    /// `provisional`.
    pub status: ReviewStatus,
    /// The level the enterprise's own ratings give (same catalog, waivers and as-of date).
    pub self_assessed: SelfAssessed,
    /// Nonconformities in the order the review lists them.
    pub nonconformities: Vec<NonconformityResult>,
    /// How far the team's ratings agree with the declared ones.
    pub agreement: Agreement,
}

impl ReviewResult {
    /// The nonconformities not closed and verified by the as-of date (what keeps the
    /// reviewed level provisional).
    pub fn open_nonconformities(&self) -> impl Iterator<Item = &NonconformityResult> {
        self.nonconformities
            .iter()
            .filter(|n| n.state != NonconformityState::Closed)
    }
}

/// An assessment body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Name.
    pub name: String,
    /// Its code, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A member of an assessment team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Name.
    pub name: String,
    /// `lead` or `member`.
    pub role: Role,
}

/// A team role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The team lead (组长).
    Lead,
    /// A member (组员).
    Member,
}

/// The days on site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onsite {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// Whether a reviewed level is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    /// Every nonconformity is closed and its closure verified by the as-of date.
    Final,
    /// Some nonconformity is still open (or closed but not verified).
    Provisional,
}

impl ReviewStatus {
    /// `final` or `provisional`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Final => "final",
            ReviewStatus::Provisional => "provisional",
        }
    }
}

/// The self-assessed view of a reviewed result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfAssessed {
    /// Level reached on the declared ratings (with waivers).
    pub achieved_level: Option<String>,
    /// The same ignoring waivers.
    pub achieved_level_without_waivers: Option<String>,
    /// Whether that level meets the target (null without target).
    pub target_met: Option<bool>,
    /// Index on the declared ratings.
    pub index: Option<f64>,
    /// Per level, entry first: satisfied and score on the declared ratings.
    pub levels: Vec<SelfAssessedLevel>,
}

/// One level of the self-assessed view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfAssessedLevel {
    /// Level id.
    pub id: String,
    /// Satisfied on the declared ratings.
    pub satisfied: bool,
    /// Score on the declared ratings.
    pub score: Option<f64>,
}

/// A nonconformity (不符合项) and its corrective action (整改), as of the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonconformityResult {
    /// Its id in the review.
    pub id: String,
    /// The criterion.
    pub criterion: String,
    /// `minor` or `major` (recorded; common practice, not an ITSS rule).
    pub severity: Severity,
    /// What the team found.
    pub statement: Text,
    /// Who is to correct it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// By when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// The corrective action, when described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Text>,
    /// The day it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<Date>,
    /// Who verified the closure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<String>,
    /// `open`, `unverified` (closed, closure not verified) or `closed` — as of the as-of date.
    pub state: NonconformityState,
    /// Open past its due date.
    pub overdue: bool,
}

/// How severe a nonconformity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 一般不符合项.
    Minor,
    /// 严重不符合项.
    Major,
}

impl Severity {
    /// `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
        }
    }
}

/// Where a nonconformity stands on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NonconformityState {
    /// Not closed by the as-of date.
    Open,
    /// Closed by the as-of date, but no one has verified the closure.
    Unverified,
    /// Closed and verified by the as-of date.
    Closed,
}

impl NonconformityState {
    /// `open`, `unverified` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            NonconformityState::Open => "open",
            NonconformityState::Unverified => "unverified",
            NonconformityState::Closed => "closed",
        }
    }
}

/// Agreement between two sets of ratings, overall and per level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Over every criterion compared.
    pub overall: AgreementStats,
    /// Per level, entry first.
    pub levels: Vec<LevelAgreement>,
}

/// Agreement over one level's criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelAgreement {
    /// Level id.
    pub level: String,
    /// The statistics.
    #[serde(flatten)]
    pub stats: AgreementStats,
}

/// Agreement statistics over the criteria both sides rated on the ordinal scale nonconform <
/// partial < conform (`na` and unanswered left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AgreementStats {
    /// Criteria compared.
    pub compared: u32,
    /// The same rating on both sides.
    pub confirmed: u32,
    /// The second rating lower than the first (the team rated lower than declared).
    pub lowered: u32,
    /// The second rating higher than the first.
    pub raised: u32,
    /// confirmed / compared (4 decimals), null when nothing is compared.
    pub agreement: Option<f64>,
    /// Cohen's κ with linear weights (4 decimals); null when nothing is compared or when
    /// the expected disagreement is zero (every rating in one category on both sides).
    pub kappa: Option<f64>,
}

/// What the review says about one criterion, beside its scored (reviewed) rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionReview {
    /// The rating the enterprise declared (null: unanswered).
    pub declared_rating: Option<Rating>,
    /// Whether the team has a view on it (a verdict with a rating, a note, checks or
    /// metrics); without one the declared rating stands unexamined.
    pub viewed: bool,
    /// The team's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Evidence files the team checked (paths; checked with the enterprise's items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<String>,
    /// What the team saw on site (records, not files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
    /// Metrics whose declared values the team's measured ones replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<String>,
}

/// The ordinal position of a rating on nonconform < partial < conform (`None` for `na`).
pub fn ordinal(rating: Rating) -> Option<usize> {
    match rating {
        Rating::Nonconform => Some(0),
        Rating::Partial => Some(1),
        Rating::Conform => Some(2),
        Rating::Na => None,
    }
}

impl AgreementStats {
    /// The statistics of `pairs` (first, second) of ordinal positions 0..=2.
    pub fn of(pairs: &[(usize, usize)]) -> AgreementStats {
        const K: usize = 3;
        let n = pairs.len();
        let mut cells = [[0u64; K]; K];
        let mut stats = AgreementStats::default();
        for &(a, b) in pairs {
            cells[a][b] += 1;
            match a.cmp(&b) {
                std::cmp::Ordering::Equal => stats.confirmed += 1,
                std::cmp::Ordering::Greater => stats.lowered += 1,
                std::cmp::Ordering::Less => stats.raised += 1,
            }
        }
        stats.compared = u32::try_from(n).unwrap_or(u32::MAX);
        if n == 0 {
            return stats;
        }
        stats.agreement = Some(round4(i128::from(stats.confirmed), n as i128));
        // Linear weights w = 1 − |i − j| / (K − 1), scaled by K − 1 to stay in integers:
        // W = (K − 1) − |i − j|. With A = Σ W·c and B = Σ W·r·s (r, s the margins),
        // p_o = A / (2n), p_e = B / (2n²) and κ = (p_o − p_e) / (1 − p_e) = (n·A − B) / (2n² − B).
        let weight = |i: usize, j: usize| (K - 1 - i.abs_diff(j)) as i128;
        let rows: Vec<i128> = (0..K)
            .map(|i| cells[i].iter().map(|&c| i128::from(c)).sum())
            .collect();
        let cols: Vec<i128> = (0..K)
            .map(|j| cells.iter().map(|r| i128::from(r[j])).sum())
            .collect();
        let mut observed = 0i128;
        let mut expected = 0i128;
        for i in 0..K {
            for j in 0..K {
                observed += weight(i, j) * i128::from(cells[i][j]);
                expected += weight(i, j) * rows[i] * cols[j];
            }
        }
        let n = n as i128;
        let den = (K as i128 - 1) * n * n - expected;
        if den != 0 {
            stats.kappa = Some(round4(n * observed - expected, den));
        }
        stats
    }
}

/// `num / den` rounded half away from zero to 4 decimals, exactly.
fn round4(num: i128, den: i128) -> f64 {
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let scaled = num * 20_000;
    let q = if scaled >= 0 {
        (scaled + den) / (2 * den)
    } else {
        (scaled - den) / (2 * den)
    };
    q as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(table: [[usize; 3]; 3]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, row) in table.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                out.extend(std::iter::repeat_n((i, j), n));
            }
        }
        out
    }

    #[test]
    fn kappa_matches_a_hand_computed_table() {
        // Rows: declared nonconform, partial, conform; columns: reviewed.
        //        nc  p  c
        //   nc [  2, 1, 0 ]   r = 3
        //   p  [  1, 3, 1 ]   r = 5
        //   c  [  0, 2, 6 ]   r = 8     n = 16
        //   s =   3, 6, 7
        // Weights (linear, K = 3): 1 on the diagonal, 1/2 one step off, 0 two steps off.
        // p_o = (2 + 3 + 6 + ½(1 + 1 + 1 + 2)) / 16 = 13.5 / 16 = 0.84375
        // p_e = Σ w·r·s / 256 = (3·3 + 5·6 + 8·7 + ½(3·6 + 5·3 + 5·7 + 8·6)) / 256
        //     = (95 + 58) / 256 = 153 / 256 = 0.59765625
        // κ = (0.84375 − 0.59765625) / (1 − 0.59765625) = 0.24609375 / 0.40234375 = 0.6117…
        let s = AgreementStats::of(&pairs([[2, 1, 0], [1, 3, 1], [0, 2, 6]]));
        assert_eq!(s.compared, 16);
        assert_eq!((s.confirmed, s.lowered, s.raised), (11, 3, 2));
        assert_eq!(s.agreement, Some(0.6875));
        assert_eq!(s.kappa, Some(0.6117));
    }

    #[test]
    fn kappa_is_one_for_identical_varied_ratings_and_null_for_one_category() {
        let s = AgreementStats::of(&pairs([[2, 0, 0], [0, 3, 0], [0, 0, 5]]));
        assert_eq!(s.kappa, Some(1.0));
        assert_eq!(s.agreement, Some(1.0));
        let s = AgreementStats::of(&pairs([[0, 0, 0], [0, 0, 0], [0, 0, 7]]));
        assert_eq!(s.kappa, None, "no expected disagreement");
        assert_eq!(s.agreement, Some(1.0));
        let s = AgreementStats::of(&[]);
        assert_eq!((s.kappa, s.agreement, s.compared), (None, None, 0));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round4(1, 3), 0.3333);
        assert_eq!(round4(2, 3), 0.6667);
        assert_eq!(round4(-2, 3), -0.6667);
        assert_eq!(round4(1, 20_000), 0.0001);
    }
}
