//! The unified social credit code of GB 32100-2015 (统一社会信用代码), SPEC §4.1.

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a credit code is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// Not 18 characters.
    #[error("a unified social credit code has 18 characters, this one has {0}")]
    Length(usize),
    /// A character outside the 31 allowed symbols.
    #[error("character {position} (`{found}`) is not one of 0-9 and A-Y without I, O, S, V, Z")]
    Symbol {
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The check character does not match.
    #[error("the check character is `{found}` but the first 17 characters require `{expected}`")]
    Check {
        /// What the code has.
        found: char,
        /// What the checksum requires.
        expected: char,
    },
}

impl CreditCodeError {
    /// The same in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            CreditCodeError::Length(n) => format!("统一社会信用代码应为 18 位，此处为 {n} 位"),
            CreditCodeError::Symbol { position, found } => format!(
                "第 {position} 位字符 {found:?} 不可用：只能是数字 0-9 和除 I、O、S、V、Z 以外的大写字母"
            ),
            CreditCodeError::Check { found, expected } => {
                format!("校验码为 {found}，但按前 17 位计算应为 {expected}")
            }
        }
    }
}

fn value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET
        .iter()
        .position(|&a| a == byte)
        .and_then(|p| u32::try_from(p).ok())
}

/// Checks the length, the alphabet and the check character of a credit code.
pub fn check(code: &str) -> Result<(), CreditCodeError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(CreditCodeError::Length(chars.len()));
    }
    let mut sum = 0;
    for (i, &c) in chars.iter().enumerate() {
        let v = value(c).ok_or(CreditCodeError::Symbol {
            position: i + 1,
            found: c,
        })?;
        if let Some(w) = WEIGHTS.get(i) {
            sum += v * w;
        }
    }
    let check = (31 - sum % 31) % 31;
    let expected = char::from(ALPHABET[check as usize]);
    if chars[17] == expected {
        Ok(())
    } else {
        Err(CreditCodeError::Check {
            found: chars[17],
            expected,
        })
    }
}

/// The check character that completes 17 valid characters (used by the sample generator).
pub fn check_char(first17: &str) -> Option<char> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in chars.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    Some(char::from(ALPHABET[((31 - sum % 31) % 31) as usize]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples_are_valid() {
        assert_eq!(check("914403001922038216"), Ok(()));
        assert_eq!(check("91110000802100433B"), Ok(()));
    }

    #[test]
    fn wrong_codes_say_why() {
        assert_eq!(check("91110000802100433"), Err(CreditCodeError::Length(17)));
        assert!(matches!(
            check("91110000802100433C"),
            Err(CreditCodeError::Check { expected: 'B', .. })
        ));
        assert!(matches!(
            check("9111000080210043IB"),
            Err(CreditCodeError::Symbol { position: 17, .. })
        ));
        assert!(matches!(
            check("9111000080210043３B"),
            Err(CreditCodeError::Symbol { .. })
        ));
        assert_eq!(check_char("91110000802100433"), Some('B'));
    }
}
