//! Calendar dates (`YYYY-MM-DD`) and the two date computations the standard's time rules need:
//! whole days between dates (evidence age) and full months (prerequisites, SPEC §5.4).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A real calendar day of the proleptic Gregorian calendar, years 1..=9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date of the form YYYY-MM-DD (a real calendar day)")]
pub struct DateError(pub String);

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// A date from its parts, if it is a real calendar day.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), by the civil-from-days algorithm.
    fn ordinal(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// `self − earlier` in days.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.ordinal() - earlier.ordinal()
    }

    /// Full months from `self` to `later` (SPEC §5.4); negative when `later` is earlier.
    pub fn full_months_until(self, later: Date) -> i64 {
        12 * i64::from(later.year - self.year) + i64::from(later.month)
            - i64::from(self.month)
            - i64::from(later.day < self.day)
    }

    /// The earliest date `d` with `self.full_months_until(d) >= months` (SPEC §5.4): the
    /// same day `months` months later, or the first day of the month after that when the
    /// month is too short (03-31 plus 6 months is 10-01). `None` past year 9999.
    pub fn months_later(self, months: u32) -> Option<Date> {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = i32::try_from(total.div_euclid(12)).ok()?;
        let month = u32::try_from(total.rem_euclid(12)).ok()? + 1;
        if self.day <= days_in_month(year, month) {
            Date::new(year, month, self.day)
        } else if month == 12 {
            Date::new(year + 1, 1, 1)
        } else {
            Date::new(year, month + 1, 1)
        }
    }

    /// The date `days` days after `self` (or before, when negative), if still in range.
    pub fn add_days(self, days: i64) -> Option<Date> {
        let z = self.ordinal() + days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).ok()?;
        let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).ok()?;
        let year = i32::try_from(yoe + era * 400 + i64::from(month <= 2)).ok()?;
        Date::new(year, month, day)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_owned());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            s.get(r.clone())
                .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|t| t.parse().ok())
        };
        let year = digits(0..4).ok_or_else(err)?;
        let month = digits(5..7).ok_or_else(err)?;
        let day = digits(8..10).ok_or_else(err)?;
        Date::new(i32::try_from(year).map_err(|_| err())?, month, day).ok_or_else(err)
    }
}

impl Date {
    /// `YYYY-MM-DD` (years are 1..=9999, so always ten ASCII digits and dashes).
    fn ascii(&self) -> [u8; 10] {
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let year = self.year.unsigned_abs();
        [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(self.month / 10),
            digit(self.month),
            b'-',
            digit(self.day / 10),
            digit(self.day),
        ]
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ascii = self.ascii();
        f.write_str(std::str::from_utf8(&ascii).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ascii = self.ascii();
        let text = std::str::from_utf8(&ascii).map_err(serde::ser::Error::custom)?;
        s.serialize_str(text)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn parses_only_real_days() {
        assert!("2026-02-30".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2026-2-03".parse::<Date>().is_err());
        assert!("2026-02-03T00:00".parse::<Date>().is_err());
        assert!("+026-02-03".parse::<Date>().is_err());
        assert_eq!(d("2026-10-01").to_string(), "2026-10-01");
    }

    #[test]
    fn written_as_parsed() {
        for text in ["0001-01-01", "0999-12-31", "2024-02-29", "9999-12-31"] {
            assert_eq!(d(text).to_string(), text);
            assert_eq!(
                serde_json::to_string(&d(text)).unwrap(),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn day_differences() {
        assert_eq!(d("2026-10-01").days_since(d("2025-10-01")), 365);
        assert_eq!(d("2024-03-01").days_since(d("2024-02-28")), 2);
        assert_eq!(d("1970-01-01").add_days(0), Some(d("1970-01-01")));
        assert_eq!(d("2026-10-01").add_days(-365), Some(d("2025-10-01")));
    }

    #[test]
    fn full_months() {
        assert_eq!(d("2025-11-01").full_months_until(d("2026-10-01")), 11);
        assert_eq!(d("2026-01-31").full_months_until(d("2026-02-28")), 0);
        assert_eq!(d("2026-01-31").full_months_until(d("2026-03-01")), 1);
        assert_eq!(d("2026-10-02").full_months_until(d("2026-10-01")), -1);
    }

    #[test]
    fn months_later_is_the_first_day_the_months_are_full() {
        assert_eq!(d("2026-03-31").months_later(6), Some(d("2026-10-01")));
        assert_eq!(d("2025-11-01").months_later(6), Some(d("2026-05-01")));
        assert_eq!(d("2025-12-31").months_later(2), Some(d("2026-03-01")));
        assert_eq!(d("2025-11-30").months_later(1), Some(d("2025-12-30")));
        assert_eq!(d("2024-02-29").months_later(12), Some(d("2025-03-01")));
        assert_eq!(d("9999-06-01").months_later(12), None);
        // The definition, checked exhaustively over two years of start days.
        let mut start = d("2023-01-01");
        while start < d("2025-01-01") {
            for months in [0, 1, 6, 12, 13] {
                let met = start.months_later(months).unwrap();
                assert!(start.full_months_until(met) >= i64::from(months));
                let before = met.add_days(-1).unwrap();
                assert!(start.full_months_until(before) < i64::from(months) || months == 0);
            }
            start = start.add_days(1).unwrap();
        }
    }
}
