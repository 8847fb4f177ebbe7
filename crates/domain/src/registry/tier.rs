//! The ladder of enterprise tiers (企业梯度培育). The criteria of each tier are the
//! cultivation issue's; the registry records which recognitions an enterprise holds.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    TechSme,
    InnovativeSme,
    SpecialisedSme,
    LittleGiant,
    HighTech,
    Gazelle,
    Unicorn,
    SingleChampion,
    Leading,
}

impl Tier {
    pub const ALL: [Tier; 9] = [
        Tier::TechSme,
        Tier::InnovativeSme,
        Tier::SpecialisedSme,
        Tier::LittleGiant,
        Tier::HighTech,
        Tier::Gazelle,
        Tier::Unicorn,
        Tier::SingleChampion,
        Tier::Leading,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Tier::TechSme => "tech_sme",
            Tier::InnovativeSme => "innovative_sme",
            Tier::SpecialisedSme => "specialised_sme",
            Tier::LittleGiant => "little_giant",
            Tier::HighTech => "high_tech",
            Tier::Gazelle => "gazelle",
            Tier::Unicorn => "unicorn",
            Tier::SingleChampion => "single_champion",
            Tier::Leading => "leading",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Tier::TechSme => "科技型中小企业",
            Tier::InnovativeSme => "创新型中小企业",
            Tier::SpecialisedSme => "专精特新中小企业",
            Tier::LittleGiant => "专精特新“小巨人”",
            Tier::HighTech => "高新技术企业",
            Tier::Gazelle => "瞪羚企业",
            Tier::Unicorn => "独角兽企业",
            Tier::SingleChampion => "制造业单项冠军",
            Tier::Leading => "龙头企业",
        }
    }

    pub fn parse(input: &str) -> Option<Tier> {
        let s = input.trim();
        Tier::ALL
            .into_iter()
            .find(|t| t.code().eq_ignore_ascii_case(s) || t.name_zh() == s)
    }
}

/// A recognition (认定) of an enterprise in a tier, with its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recognition {
    pub tier: Tier,
    pub certificate_no: String,
    pub issued_on: time::Date,
    pub expires_on: Option<time::Date>,
}

impl Recognition {
    pub fn is_valid_on(&self, date: time::Date) -> bool {
        self.issued_on <= date && self.expires_on.is_none_or(|e| date < e)
    }
}
