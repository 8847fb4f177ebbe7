//! Industry codes of the national economic classification (国民经济行业分类, GB/T 4754-2017).
//! The registry records the four-digit class (小类); its first two digits are the division
//! (大类), which belongs to one of twenty sections (门类 A–T).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IndustryCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryCodeError {
    #[error("an industry code has four digits, found '{found}'")]
    NotFourDigits { found: String },
    #[error("'{division}' is not a division (大类) of GB/T 4754-2017")]
    UnknownDivision { division: String },
}

/// The sections (门类) of GB/T 4754-2017 with the divisions (大类) each covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndustrySection {
    pub letter: char,
    pub first_division: u8,
    pub last_division: u8,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

pub const SECTIONS: [IndustrySection; 20] = [
    IndustrySection {
        letter: 'A',
        first_division: 1,
        last_division: 5,
        name_zh: "农、林、牧、渔业",
        name_en: "Agriculture, forestry, animal husbandry and fishery",
    },
    IndustrySection {
        letter: 'B',
        first_division: 6,
        last_division: 12,
        name_zh: "采矿业",
        name_en: "Mining",
    },
    IndustrySection {
        letter: 'C',
        first_division: 13,
        last_division: 43,
        name_zh: "制造业",
        name_en: "Manufacturing",
    },
    IndustrySection {
        letter: 'D',
        first_division: 44,
        last_division: 46,
        name_zh: "电力、热力、燃气及水生产和供应业",
        name_en: "Electricity, heat, gas and water",
    },
    IndustrySection {
        letter: 'E',
        first_division: 47,
        last_division: 50,
        name_zh: "建筑业",
        name_en: "Construction",
    },
    IndustrySection {
        letter: 'F',
        first_division: 51,
        last_division: 52,
        name_zh: "批发和零售业",
        name_en: "Wholesale and retail trade",
    },
    IndustrySection {
        letter: 'G',
        first_division: 53,
        last_division: 60,
        name_zh: "交通运输、仓储和邮政业",
        name_en: "Transport, storage and post",
    },
    IndustrySection {
        letter: 'H',
        first_division: 61,
        last_division: 62,
        name_zh: "住宿和餐饮业",
        name_en: "Accommodation and catering",
    },
    IndustrySection {
        letter: 'I',
        first_division: 63,
        last_division: 65,
        name_zh: "信息传输、软件和信息技术服务业",
        name_en: "Information transmission, software and IT services",
    },
    IndustrySection {
        letter: 'J',
        first_division: 66,
        last_division: 69,
        name_zh: "金融业",
        name_en: "Finance",
    },
    IndustrySection {
        letter: 'K',
        first_division: 70,
        last_division: 70,
        name_zh: "房地产业",
        name_en: "Real estate",
    },
    IndustrySection {
        letter: 'L',
        first_division: 71,
        last_division: 72,
        name_zh: "租赁和商务服务业",
        name_en: "Leasing and business services",
    },
    IndustrySection {
        letter: 'M',
        first_division: 73,
        last_division: 75,
        name_zh: "科学研究和技术服务业",
        name_en: "Scientific research and technical services",
    },
    IndustrySection {
        letter: 'N',
        first_division: 76,
        last_division: 79,
        name_zh: "水利、环境和公共设施管理业",
        name_en: "Water conservancy, environment and public facilities",
    },
    IndustrySection {
        letter: 'O',
        first_division: 80,
        last_division: 82,
        name_zh: "居民服务、修理和其他服务业",
        name_en: "Resident, repair and other services",
    },
    IndustrySection {
        letter: 'P',
        first_division: 83,
        last_division: 83,
        name_zh: "教育",
        name_en: "Education",
    },
    IndustrySection {
        letter: 'Q',
        first_division: 84,
        last_division: 85,
        name_zh: "卫生和社会工作",
        name_en: "Health and social work",
    },
    IndustrySection {
        letter: 'R',
        first_division: 86,
        last_division: 90,
        name_zh: "文化、体育和娱乐业",
        name_en: "Culture, sports and entertainment",
    },
    IndustrySection {
        letter: 'S',
        first_division: 91,
        last_division: 96,
        name_zh: "公共管理、社会保障和社会组织",
        name_en: "Public administration, social security and social organisations",
    },
    IndustrySection {
        letter: 'T',
        first_division: 97,
        last_division: 97,
        name_zh: "国际组织",
        name_en: "International organisations",
    },
];

impl IndustryCode {
    pub fn parse(input: &str) -> Result<Self, IndustryCodeError> {
        let code = input.trim();
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IndustryCodeError::NotFourDigits {
                found: code.to_string(),
            });
        }
        let division: u8 = code[..2].parse().expect("two digits");
        if !(1..=97).contains(&division) {
            return Err(IndustryCodeError::UnknownDivision {
                division: code[..2].to_string(),
            });
        }
        Ok(IndustryCode(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn division(&self) -> u8 {
        self.0[..2].parse().expect("validated")
    }

    pub fn section(&self) -> &'static IndustrySection {
        let d = self.division();
        SECTIONS
            .iter()
            .find(|s| (s.first_division..=s.last_division).contains(&d))
            .expect("every division 01-97 lies in a section")
    }

    /// Manufacturing and the other industrial sections (B, C, D) count as industry
    /// (工业) in Chinese statistics.
    pub fn is_industrial(&self) -> bool {
        matches!(self.section().letter, 'B' | 'C' | 'D')
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IndustryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IndustryCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_cover_every_division_once() {
        for d in 1..=97u8 {
            let n = SECTIONS
                .iter()
                .filter(|s| (s.first_division..=s.last_division).contains(&d))
                .count();
            assert_eq!(n, 1, "division {d}");
        }
    }

    #[test]
    fn parses_and_classifies() {
        // 2710 化学药品原料药制造 is manufacturing; 6511 基础软件开发 is IT services.
        let drug = IndustryCode::parse("2710").unwrap();
        assert_eq!(drug.section().letter, 'C');
        assert!(drug.is_industrial());
        let software = IndustryCode::parse(" 6511 ").unwrap();
        assert_eq!(software.section().letter, 'I');
        assert!(!software.is_industrial());
    }

    #[test]
    fn refuses_bad_codes() {
        assert_eq!(
            IndustryCode::parse("271"),
            Err(IndustryCodeError::NotFourDigits {
                found: "271".into()
            })
        );
        assert_eq!(
            IndustryCode::parse("27A0"),
            Err(IndustryCodeError::NotFourDigits {
                found: "27A0".into()
            })
        );
        assert_eq!(
            IndustryCode::parse("9910"),
            Err(IndustryCodeError::UnknownDivision {
                division: "99".into()
            })
        );
        assert_eq!(
            IndustryCode::parse("0010"),
            Err(IndustryCodeError::UnknownDivision {
                division: "00".into()
            })
        );
    }
}
