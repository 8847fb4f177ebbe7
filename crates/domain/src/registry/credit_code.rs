//! The unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters: registration authority (1), organisation category (1), administrative
//! division (6 digits), organisation code (9), check character (1). The alphabet is the
//! digits and the capital letters without I, O, S, V, Z; the check character makes the
//! weighted sum of all 18 values divisible by 31.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A credit code whose check character has been verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("a credit code has 18 characters, this one has {found}")]
    WrongLength { found: usize },
    #[error("character {position} ('{character}') is not allowed in a credit code")]
    InvalidCharacter { position: usize, character: char },
    #[error(
        "characters 3 to 8 are the administrative division code and must be digits; character {position} is '{character}'"
    )]
    DivisionNotNumeric { position: usize, character: char },
    #[error("the check character is '{found}' but the first 17 characters require '{expected}'")]
    WrongCheckCharacter { expected: char, found: char },
}

fn value_of(byte: u8) -> Option<u32> {
    ALPHABET.iter().position(|&c| c == byte).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code, which must already be
/// in the alphabet.
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (byte, weight) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*byte)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code: String = input.trim().to_uppercase();
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(CreditCodeError::WrongLength { found: chars.len() });
        }
        for (i, &c) in chars.iter().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(CreditCodeError::InvalidCharacter {
                    position: i + 1,
                    character: c,
                });
            }
        }
        for (i, &c) in chars.iter().enumerate().take(8).skip(2) {
            if !c.is_ascii_digit() {
                return Err(CreditCodeError::DivisionNotNumeric {
                    position: i + 1,
                    character: c,
                });
            }
        }
        let bytes = code.as_bytes();
        let expected = check_character(&bytes[..17]).expect("alphabet checked above");
        let found = chars[17];
        if expected != found {
            return Err(CreditCodeError::WrongCheckCharacter { expected, found });
        }
        Ok(CreditCode(code))
    }

    /// Completes 17 characters with their check character. Used by the example generator.
    pub fn complete(first17: &str) -> Result<Self, CreditCodeError> {
        let upper = first17.to_uppercase();
        let check = check_character(upper.as_bytes()).ok_or(CreditCodeError::WrongLength {
            found: upper.chars().count() + 1,
        })?;
        Self::parse(&format!("{upper}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The administrative division (行政区划代码) the code was issued in.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CreditCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published codes of well-known companies, checked against the national enterprise
    // credit information publicity system: Huawei Technologies and Tencent (Shenzhen).
    #[test]
    fn accepts_published_codes() {
        for code in ["914403001922038216", "9144030071526726XG"] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn check_character_worked_by_hand() {
        // 91440300192203821: values 9,1,4,4,0,3,0,0,1,9,2,2,0,3,8,2,1
        // weighted sum = 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831
        // 831 mod 31 = 25, 31 - 25 = 6.
        assert_eq!(check_character(b"91440300192203821"), Some('6'));
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        let code = CreditCode::parse(" 9144030071526726xg ").unwrap();
        assert_eq!(code.as_str(), "9144030071526726XG");
        assert_eq!(code.division(), "440300");
    }

    #[test]
    fn refuses_with_reason() {
        assert_eq!(
            CreditCode::parse("91440300192203821"),
            Err(CreditCodeError::WrongLength { found: 17 })
        );
        assert_eq!(
            CreditCode::parse("914403001922038217"),
            Err(CreditCodeError::WrongCheckCharacter {
                expected: '6',
                found: '7'
            })
        );
        assert_eq!(
            CreditCode::parse("91440300192203821I"),
            Err(CreditCodeError::InvalidCharacter {
                position: 18,
                character: 'I'
            })
        );
        assert_eq!(
            CreditCode::parse("91A403001922038216"),
            Err(CreditCodeError::DivisionNotNumeric {
                position: 3,
                character: 'A'
            })
        );
        assert!(matches!(
            CreditCode::parse("91440300192203821中"),
            Err(CreditCodeError::InvalidCharacter { position: 18, .. })
        ));
    }

    #[test]
    fn complete_appends_the_check_character() {
        assert_eq!(
            CreditCode::complete("91440300192203821").unwrap().as_str(),
            "914403001922038216"
        );
    }
}
