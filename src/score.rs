//! Exact score arithmetic (SPEC §5.2): sums of weight × credit in thousandths, integer
//! threshold comparisons, and reported scores rounded half away from zero to 4 decimals.

/// Σ weight·credit (thousandths) over Σ weight, for the criteria that count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Σ weight × credit in thousandths.
    pub earned: u64,
    /// Σ weight.
    pub weight: u64,
}

impl Tally {
    /// Adds a counted criterion.
    pub fn add(&mut self, weight: u32, credit_thousandths: u32) {
        self.earned += u64::from(weight) * u64::from(credit_thousandths);
        self.weight += u64::from(weight);
    }

    /// Whether anything counts.
    pub fn is_defined(self) -> bool {
        self.weight > 0
    }

    /// Whether the score reaches `threshold` (thousandths), exactly. Undefined scores do not.
    pub fn reaches(self, threshold_thousandths: u32) -> bool {
        self.is_defined() && self.earned >= u64::from(threshold_thousandths) * self.weight
    }

    /// The score rounded half away from zero to 4 decimals; `None` when undefined.
    pub fn score(self) -> Option<f64> {
        if !self.is_defined() {
            return None;
        }
        // score·10⁴ = earned·10 / weight; round half up (all values are non-negative).
        let ten_thousandths = (self.earned * 20 + self.weight) / (2 * self.weight);
        Some(ten_thousandths as f64 / 10_000.0)
    }
}

/// Thousandths as a decimal number (exact for 3 decimals).
pub fn from_thousandths(t: u32) -> f64 {
    f64::from(t) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(items: &[(u32, u32)]) -> Tally {
        let mut t = Tally::default();
        for &(w, c) in items {
            t.add(w, c);
        }
        t
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // 0.03125 → 0.0313 (conformance: score-rounding-half-away)
        assert_eq!(
            tally(&[(1, 125), (1, 0), (1, 0), (1, 0)]).score(),
            Some(0.0313)
        );
        assert_eq!(tally(&[(1, 1000), (1, 1000), (1, 0)]).score(), Some(0.6667));
        assert_eq!(tally(&[(2, 1000), (1, 0)]).score(), Some(0.6667));
        assert_eq!(tally(&[]).score(), None);
    }

    #[test]
    fn thresholds_are_exact() {
        let t = tally(&[(3, 1000), (2, 1000), (2, 500), (3, 500)]);
        assert!(t.reaches(750));
        assert!(!t.reaches(751));
        let eight_tenths = tally(&[(4, 1000), (1, 0)]);
        assert!(eight_tenths.reaches(800));
        assert!(!tally(&[]).reaches(0));
    }
}
