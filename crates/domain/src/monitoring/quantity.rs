//! Units of measure of indicators and statistics, and the dimension a formula's value has.
//! Values are converted to base units (元, 人, 件, 家, 吨标准煤, 亩) before any arithmetic,
//! so that a statistician writes `sum(rd_expenditure_internal) / gdp` for a percentage
//! without multiplying by 100 or converting 千元 to 亿元 by hand, and so that adding 元 to
//! 人 is caught when the formula is saved.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::reporting::MeasureUnit;

/// Exponents of the base quantities: money, persons, person-years, items, enterprises,
/// energy, land. `元/亩` is money 1, land −1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Dimension([i8; 7]);

const BASES_ZH: [&str; 7] = ["元", "人", "人年", "件", "家", "吨标准煤", "亩"];
const BASES_EN: [&str; 7] = [
    "yuan",
    "persons",
    "person-years",
    "items",
    "enterprises",
    "tce",
    "mu",
];

impl Dimension {
    pub const NONE: Dimension = Dimension([0; 7]);
    pub const MONEY: Dimension = Dimension([1, 0, 0, 0, 0, 0, 0]);
    pub const PERSONS: Dimension = Dimension([0, 1, 0, 0, 0, 0, 0]);
    pub const PERSON_YEARS: Dimension = Dimension([0, 0, 1, 0, 0, 0, 0]);
    pub const ITEMS: Dimension = Dimension([0, 0, 0, 1, 0, 0, 0]);
    pub const ENTERPRISES: Dimension = Dimension([0, 0, 0, 0, 1, 0, 0]);
    pub const ENERGY: Dimension = Dimension([0, 0, 0, 0, 0, 1, 0]);
    pub const LAND: Dimension = Dimension([0, 0, 0, 0, 0, 0, 1]);

    pub fn times(self, other: Dimension) -> Dimension {
        let mut out = self.0;
        for (o, b) in out.iter_mut().zip(other.0) {
            *o += b;
        }
        Dimension(out)
    }

    pub fn over(self, other: Dimension) -> Dimension {
        let mut out = self.0;
        for (o, b) in out.iter_mut().zip(other.0) {
            *o -= b;
        }
        Dimension(out)
    }

    pub fn is_none(self) -> bool {
        self == Dimension::NONE
    }

    /// How the dimension reads to a user: `元/亩`, `吨标准煤/元`, or `无量纲` / `a pure number`.
    pub fn describe(self, english: bool) -> String {
        let names = if english { &BASES_EN } else { &BASES_ZH };
        let part = |positive: bool| -> Vec<String> {
            self.0
                .iter()
                .zip(names.iter())
                .filter(|(e, _)| if positive { **e > 0 } else { **e < 0 })
                .map(|(e, n)| match e.abs() {
                    1 => (*n).to_string(),
                    k => format!("{n}^{k}"),
                })
                .collect()
        };
        let (up, down) = (part(true), part(false));
        match (up.is_empty(), down.is_empty()) {
            (true, true) if english => "a pure number".to_string(),
            (true, true) => "无量纲".to_string(),
            (false, true) => up.join("·"),
            (true, false) => format!("1/{}", down.join("·")),
            (false, false) => format!("{}/{}", up.join("·"), down.join("·")),
        }
    }
}

/// A unit an indicator is shown in or a statistic is entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    Yuan,
    ThousandYuan,
    TenThousandYuan,
    HundredMillionYuan,
    Persons,
    TenThousandPersons,
    PersonYears,
    Items,
    Enterprises,
    Tce,
    TenThousandTce,
    Mu,
    Km2,
    Number,
    Percent,
    #[serde(rename = "persons_per_10k")]
    PersonsPer10k,
    #[serde(rename = "items_per_10k_persons")]
    ItemsPer10kPersons,
    TenThousandYuanPerPerson,
    TenThousandYuanPerMu,
    #[serde(rename = "tce_per_10k_yuan")]
    TcePer10kYuan,
}

impl QuantityUnit {
    pub const ALL: [QuantityUnit; 20] = [
        QuantityUnit::Yuan,
        QuantityUnit::ThousandYuan,
        QuantityUnit::TenThousandYuan,
        QuantityUnit::HundredMillionYuan,
        QuantityUnit::Persons,
        QuantityUnit::TenThousandPersons,
        QuantityUnit::PersonYears,
        QuantityUnit::Items,
        QuantityUnit::Enterprises,
        QuantityUnit::Tce,
        QuantityUnit::TenThousandTce,
        QuantityUnit::Mu,
        QuantityUnit::Km2,
        QuantityUnit::Number,
        QuantityUnit::Percent,
        QuantityUnit::PersonsPer10k,
        QuantityUnit::ItemsPer10kPersons,
        QuantityUnit::TenThousandYuanPerPerson,
        QuantityUnit::TenThousandYuanPerMu,
        QuantityUnit::TcePer10kYuan,
    ];

    pub fn code(self) -> &'static str {
        use QuantityUnit::*;
        match self {
            Yuan => "yuan",
            ThousandYuan => "thousand_yuan",
            TenThousandYuan => "ten_thousand_yuan",
            HundredMillionYuan => "hundred_million_yuan",
            Persons => "persons",
            TenThousandPersons => "ten_thousand_persons",
            PersonYears => "person_years",
            Items => "items",
            Enterprises => "enterprises",
            Tce => "tce",
            TenThousandTce => "ten_thousand_tce",
            Mu => "mu",
            Km2 => "km2",
            Number => "number",
            Percent => "percent",
            PersonsPer10k => "persons_per_10k",
            ItemsPer10kPersons => "items_per_10k_persons",
            TenThousandYuanPerPerson => "ten_thousand_yuan_per_person",
            TenThousandYuanPerMu => "ten_thousand_yuan_per_mu",
            TcePer10kYuan => "tce_per_10k_yuan",
        }
    }

    pub fn parse(code: &str) -> Option<QuantityUnit> {
        QuantityUnit::ALL.into_iter().find(|u| u.code() == code)
    }

    /// The symbol shown after a value; empty for a pure number.
    pub fn symbol(self, english: bool) -> &'static str {
        use QuantityUnit::*;
        match (self, english) {
            (Yuan, false) => "元",
            (Yuan, true) => "yuan",
            (ThousandYuan, false) => "千元",
            (ThousandYuan, true) => "thousand yuan",
            (TenThousandYuan, false) => "万元",
            (TenThousandYuan, true) => "10k yuan",
            (HundredMillionYuan, false) => "亿元",
            (HundredMillionYuan, true) => "100m yuan",
            (Persons, false) => "人",
            (Persons, true) => "persons",
            (TenThousandPersons, false) => "万人",
            (TenThousandPersons, true) => "10k persons",
            (PersonYears, false) => "人年",
            (PersonYears, true) => "person-years",
            (Items, false) => "件",
            (Items, true) => "items",
            (Enterprises, false) => "家",
            (Enterprises, true) => "enterprises",
            (Tce, false) => "吨标准煤",
            (Tce, true) => "tce",
            (TenThousandTce, false) => "万吨标准煤",
            (TenThousandTce, true) => "10k tce",
            (Mu, false) => "亩",
            (Mu, true) => "mu",
            (Km2, false) => "平方公里",
            (Km2, true) => "km²",
            (Number, _) => "",
            (Percent, _) => "%",
            (PersonsPer10k, false) => "人/万人",
            (PersonsPer10k, true) => "per 10k persons",
            (ItemsPer10kPersons, false) => "件/万人",
            (ItemsPer10kPersons, true) => "per 10k persons",
            (TenThousandYuanPerPerson, false) => "万元/人",
            (TenThousandYuanPerPerson, true) => "10k yuan per person",
            (TenThousandYuanPerMu, false) => "万元/亩",
            (TenThousandYuanPerMu, true) => "10k yuan per mu",
            (TcePer10kYuan, false) => "吨标准煤/万元",
            (TcePer10kYuan, true) => "tce per 10k yuan",
        }
    }

    pub fn dimension(self) -> Dimension {
        use QuantityUnit::*;
        match self {
            Yuan | ThousandYuan | TenThousandYuan | HundredMillionYuan => Dimension::MONEY,
            Persons | TenThousandPersons => Dimension::PERSONS,
            PersonYears => Dimension::PERSON_YEARS,
            Items => Dimension::ITEMS,
            Enterprises => Dimension::ENTERPRISES,
            Tce | TenThousandTce => Dimension::ENERGY,
            Mu | Km2 => Dimension::LAND,
            Number | Percent | PersonsPer10k => Dimension::NONE,
            ItemsPer10kPersons => Dimension::ITEMS.over(Dimension::PERSONS),
            TenThousandYuanPerPerson => Dimension::MONEY.over(Dimension::PERSONS),
            TenThousandYuanPerMu => Dimension::MONEY.over(Dimension::LAND),
            TcePer10kYuan => Dimension::ENERGY.over(Dimension::MONEY),
        }
    }

    /// How many base units one of this is: a value in this unit times the factor is in
    /// base units; a base value divided by it is in this unit.
    pub fn factor(self) -> f64 {
        use QuantityUnit::*;
        match self {
            Yuan | Persons | PersonYears | Items | Enterprises | Tce | Mu | Number => 1.0,
            ThousandYuan => 1e3,
            TenThousandYuan | TenThousandPersons | TenThousandTce => 1e4,
            HundredMillionYuan => 1e8,
            // 1 km² = 1,500 亩.
            Km2 => 1_500.0,
            Percent => 0.01,
            PersonsPer10k | ItemsPer10kPersons | TcePer10kYuan => 1e-4,
            TenThousandYuanPerPerson | TenThousandYuanPerMu => 1e4,
        }
    }

    /// The unit of a form field's values.
    pub fn of_field(unit: Option<MeasureUnit>) -> QuantityUnit {
        match unit {
            None => QuantityUnit::Number,
            Some(MeasureUnit::Yuan) => QuantityUnit::Yuan,
            Some(MeasureUnit::ThousandYuan) => QuantityUnit::ThousandYuan,
            Some(MeasureUnit::TenThousandYuan) => QuantityUnit::TenThousandYuan,
            Some(MeasureUnit::Persons) => QuantityUnit::Persons,
            Some(MeasureUnit::PersonYears) => QuantityUnit::PersonYears,
            Some(MeasureUnit::Pieces) => QuantityUnit::Items,
            Some(MeasureUnit::Tce) => QuantityUnit::Tce,
            Some(MeasureUnit::Mu) => QuantityUnit::Mu,
            Some(MeasureUnit::Percent) => QuantityUnit::Percent,
        }
    }
}

impl fmt::Display for QuantityUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back() {
        for unit in QuantityUnit::ALL {
            assert_eq!(QuantityUnit::parse(unit.code()), Some(unit));
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(json, format!("\"{}\"", unit.code()));
        }
        assert_eq!(QuantityUnit::parse("meters"), None);
    }

    #[test]
    fn derived_units_have_the_dimension_of_their_parts() {
        // 万元/亩 is money over land; 吨标准煤/万元 energy over money; 人/万人 a pure ratio.
        assert_eq!(
            QuantityUnit::TenThousandYuanPerMu.dimension(),
            QuantityUnit::Yuan
                .dimension()
                .over(QuantityUnit::Mu.dimension())
        );
        assert_eq!(
            QuantityUnit::TcePer10kYuan.dimension(),
            Dimension::ENERGY.over(Dimension::MONEY)
        );
        assert!(QuantityUnit::PersonsPer10k.dimension().is_none());
        assert_eq!(
            Dimension::MONEY.over(Dimension::LAND).describe(false),
            "元/亩"
        );
        assert_eq!(
            Dimension::NONE.over(Dimension::PERSONS).describe(false),
            "1/人"
        );
    }

    #[test]
    fn factors_convert_to_base_units() {
        // 1 亿元 = 1e8 元; 2.9 % is 0.029; 131 人/万人 is 0.0131 persons per person.
        assert_eq!(QuantityUnit::HundredMillionYuan.factor(), 1e8);
        assert!((2.9 * QuantityUnit::Percent.factor() - 0.029).abs() < 1e-15);
        assert!((131.0 * QuantityUnit::PersonsPer10k.factor() - 0.0131).abs() < 1e-15);
        // 1.7 吨标准煤/万元 = 1.7 t per 10,000 元 = 0.00017 t/元.
        assert!((1.7 * QuantityUnit::TcePer10kYuan.factor() - 0.00017).abs() < 1e-15);
        assert_eq!(QuantityUnit::Km2.factor(), 1500.0);
    }
}
