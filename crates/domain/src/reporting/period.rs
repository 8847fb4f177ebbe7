//! Reporting periods: a year, a quarter or a month, written `2025`, `2025Q3`, `2025-07`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, Month};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    Annual,
    Quarterly,
    Monthly,
}

impl PeriodType {
    pub fn code(self) -> &'static str {
        match self {
            PeriodType::Annual => "annual",
            PeriodType::Quarterly => "quarterly",
            PeriodType::Monthly => "monthly",
        }
    }

    pub fn parse(input: &str) -> Option<PeriodType> {
        match input.trim() {
            "annual" => Some(PeriodType::Annual),
            "quarterly" => Some(PeriodType::Quarterly),
            "monthly" => Some(PeriodType::Monthly),
            _ => None,
        }
    }

    /// The periods of a year, in order.
    pub fn periods_of(self, year: i32) -> Vec<Period> {
        match self {
            PeriodType::Annual => vec![Period::Year(year)],
            PeriodType::Quarterly => (1..=4).map(|q| Period::Quarter(year, q)).collect(),
            PeriodType::Monthly => (1..=12).map(|m| Period::Month(year, m)).collect(),
        }
    }
}

/// One reporting period. Ordered by time within a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a period: write 2025, 2025Q3 or 2025-07")]
pub struct PeriodError(pub String);

impl Period {
    pub fn period_type(self) -> PeriodType {
        match self {
            Period::Year(_) => PeriodType::Annual,
            Period::Quarter(..) => PeriodType::Quarterly,
            Period::Month(..) => PeriodType::Monthly,
        }
    }

    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// The same period a year before.
    pub fn previous_year(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, q) => Period::Quarter(y - 1, q),
            Period::Month(y, m) => Period::Month(y - 1, m),
        }
    }

    /// The period before this one in the same year, which year-to-date values build on;
    /// none for a year or for the first quarter or month.
    pub fn previous_in_year(self) -> Option<Period> {
        match self {
            Period::Year(_) => None,
            Period::Quarter(y, q) => (q > 1).then(|| Period::Quarter(y, q - 1)),
            Period::Month(y, m) => (m > 1).then(|| Period::Month(y, m - 1)),
        }
    }

    pub fn first_day(self) -> Date {
        let (year, month) = match self {
            Period::Year(y) => (y, 1),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Month(y, m) => (y, m),
        };
        Date::from_calendar_date(year, Month::try_from(month).expect("checked month"), 1)
            .expect("valid first day")
    }

    /// The period's last day: where enterprises are located on this day is where their
    /// figures belong (属地原则).
    pub fn last_day(self) -> Date {
        let next = match self {
            Period::Year(y) => Period::Year(y + 1).first_day(),
            Period::Quarter(y, 4) => Period::Year(y + 1).first_day(),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1).first_day(),
            Period::Month(y, 12) => Period::Year(y + 1).first_day(),
            Period::Month(y, m) => Period::Month(y, m + 1).first_day(),
        };
        next - Duration::days(1)
    }

    pub fn label_zh(self) -> String {
        match self {
            Period::Year(y) => format!("{y}年"),
            Period::Quarter(y, q) => {
                format!("{y}年第{}季度", ["一", "二", "三", "四"][q as usize - 1])
            }
            Period::Month(y, m) => format!("{y}年{m}月"),
        }
    }

    pub fn label_en(self) -> String {
        match self {
            Period::Year(y) => y.to_string(),
            Period::Quarter(y, q) => format!("{y} Q{q}"),
            Period::Month(y, m) => format!("{y}-{m:02}"),
        }
    }
}

impl fmt::Display for Period {
    /// The canonical code, as used in URLs and files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Accepts the canonical codes and what people write in a spreadsheet:
    /// `2025`, `2025年`, `2025Q3`, `2025-Q3`, `2025 q3`, `2025年第3季度`, `2025年第三季度`,
    /// `2025-07`, `2025-7`, `2025M07`, `2025年7月`.
    fn from_str(input: &str) -> Result<Period, PeriodError> {
        let fail = || PeriodError(input.to_string());
        let s: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let s = s.trim_end_matches('年');
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() != 4 {
            return Err(fail());
        }
        let year: i32 = digits.parse().map_err(|_| fail())?;
        if !(1949..=2200).contains(&year) {
            return Err(fail());
        }
        let rest = &s[4..];
        if rest.is_empty() {
            return Ok(Period::Year(year));
        }
        let rest = rest.trim_start_matches(['-', '/', '.', '年']);
        let number = |text: &str| -> Option<u8> {
            let text = text.trim_start_matches('第');
            match text {
                "一" => Some(1),
                "二" => Some(2),
                "三" => Some(3),
                "四" => Some(4),
                _ => text.parse().ok(),
            }
        };
        let quarter = rest
            .strip_prefix(['Q', 'q'])
            .or_else(|| rest.strip_suffix("季度"))
            .and_then(number);
        if let Some(q) = quarter {
            return if (1..=4).contains(&q) {
                Ok(Period::Quarter(year, q))
            } else {
                Err(fail())
            };
        }
        let month = rest
            .strip_prefix(['M', 'm'])
            .or_else(|| rest.strip_suffix('月'))
            .unwrap_or(rest);
        match month.parse::<u8>() {
            Ok(m) if (1..=12).contains(&m) => Ok(Period::Month(year, m)),
            _ => Err(fail()),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn reads_what_people_write() {
        assert_eq!(p("2025"), Period::Year(2025));
        assert_eq!(p("2025年"), Period::Year(2025));
        for q3 in [
            "2025Q3",
            "2025-Q3",
            "2025 q3",
            "2025年第3季度",
            "2025年第三季度",
            "2025年3季度",
        ] {
            assert_eq!(p(q3), Period::Quarter(2025, 3), "{q3}");
        }
        for july in ["2025-07", "2025-7", "2025M07", "2025年7月", "2025/07"] {
            assert_eq!(p(july), Period::Month(2025, 7), "{july}");
        }
        for bad in [
            "",
            "25",
            "2025Q5",
            "2025-13",
            "2025Q0",
            "next year",
            "20255",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_canonical_codes_that_read_back() {
        for period in [
            Period::Year(2024),
            Period::Quarter(2025, 4),
            Period::Month(2025, 3),
        ] {
            assert_eq!(p(&period.to_string()), period);
        }
        assert_eq!(Period::Month(2025, 3).to_string(), "2025-03");
        assert_eq!(Period::Quarter(2025, 2).label_zh(), "2025年第二季度");
    }

    #[test]
    fn knows_its_days_and_neighbours() {
        assert_eq!(Period::Year(2024).last_day(), date!(2024 - 12 - 31));
        assert_eq!(Period::Quarter(2024, 1).last_day(), date!(2024 - 03 - 31));
        assert_eq!(Period::Quarter(2024, 4).first_day(), date!(2024 - 10 - 01));
        assert_eq!(Period::Month(2024, 2).last_day(), date!(2024 - 02 - 29));
        assert_eq!(Period::Month(2025, 2).last_day(), date!(2025 - 02 - 28));
        assert_eq!(Period::Quarter(2025, 1).previous_in_year(), None);
        assert_eq!(
            Period::Quarter(2025, 3).previous_in_year(),
            Some(Period::Quarter(2025, 2))
        );
        assert_eq!(
            Period::Quarter(2025, 1).previous_year(),
            Period::Quarter(2024, 1)
        );
        assert_eq!(Period::Year(2025).previous_in_year(), None);
    }
}
