//! What an indicator's filter can ask of an enterprise besides its filed values: its
//! size class, industry, recognitions valid on the period's last day and the spatial
//! role of its park. Held as one bit each, so that a filter over a quarter of a million
//! enterprises reads one word per enterprise.

use crate::registry::{IndustryCode, SizeClass, SpatialRole, Tier};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribute {
    /// Has a filing counted in this computation.
    Filed,
    InSurvey,
    AboveScale,
    Industrial,
    Manufacturing,
    HighTechIndustry,
    Tier(Tier),
    Core,
    Radiation,
    CoBuilt,
}

impl Attribute {
    pub const ALL: [Attribute; 18] = [
        Attribute::Filed,
        Attribute::InSurvey,
        Attribute::AboveScale,
        Attribute::Industrial,
        Attribute::Manufacturing,
        Attribute::HighTechIndustry,
        Attribute::Tier(Tier::TechSme),
        Attribute::Tier(Tier::InnovativeSme),
        Attribute::Tier(Tier::SpecialisedSme),
        Attribute::Tier(Tier::LittleGiant),
        Attribute::Tier(Tier::HighTech),
        Attribute::Tier(Tier::Gazelle),
        Attribute::Tier(Tier::Unicorn),
        Attribute::Tier(Tier::SingleChampion),
        Attribute::Tier(Tier::Leading),
        Attribute::Core,
        Attribute::Radiation,
        Attribute::CoBuilt,
    ];

    /// The name a formula uses.
    pub fn code(self) -> &'static str {
        match self {
            Attribute::Filed => "filed",
            Attribute::InSurvey => "in_survey",
            Attribute::AboveScale => "above_scale",
            Attribute::Industrial => "industrial",
            Attribute::Manufacturing => "manufacturing",
            Attribute::HighTechIndustry => "high_tech_industry",
            Attribute::Tier(t) => t.code(),
            Attribute::Core => "core",
            Attribute::Radiation => "radiation",
            Attribute::CoBuilt => "co_built",
        }
    }

    pub fn parse(name: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.code() == name)
    }

    pub fn bit(self) -> u32 {
        let index = Attribute::ALL
            .iter()
            .position(|a| *a == self)
            .expect("every attribute is listed");
        1 << index
    }
}

/// One enterprise's attributes as of a period's last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttributeSet(pub u32);

impl AttributeSet {
    pub fn with(mut self, attribute: Attribute, yes: bool) -> AttributeSet {
        if yes {
            self.0 |= attribute.bit();
        }
        self
    }

    pub fn has(self, attribute: Attribute) -> bool {
        self.0 & attribute.bit() != 0
    }

    /// The attributes that follow from the registry: size class, industry, the tiers
    /// recognised on the day, and the role of the park the enterprise is in.
    pub fn of_enterprise(
        size_class: SizeClass,
        in_survey: bool,
        industry: &IndustryCode,
        tiers: &[Tier],
        role: Option<SpatialRole>,
    ) -> AttributeSet {
        let mut set = AttributeSet::default()
            .with(Attribute::InSurvey, in_survey)
            .with(Attribute::AboveScale, size_class == SizeClass::AboveScale)
            .with(Attribute::Industrial, industry.is_industrial())
            .with(Attribute::Manufacturing, industry.section().letter == 'C')
            .with(
                Attribute::HighTechIndustry,
                is_high_tech_manufacturing(industry),
            )
            .with(Attribute::Core, role == Some(SpatialRole::Core))
            .with(Attribute::Radiation, role == Some(SpatialRole::Radiation))
            .with(Attribute::CoBuilt, role == Some(SpatialRole::CoBuilt));
        for t in tiers {
            set = set.with(Attribute::Tier(*t), true);
        }
        set
    }
}

/// 高技术产业（制造业）分类（2017）of the National Bureau of Statistics, as GB/T 4754-2017
/// code prefixes: 医药制造业 (27), 航空、航天器及设备制造业 (374), 电子及通信设备制造业 and
/// most of 计算机及办公设备制造业 (39, with 3474 and 3475 from 347), 医疗仪器设备及仪器仪表制造业
/// (358 and 40), and 信息化学品制造业 (2664, 2665).
const HIGH_TECH_MANUFACTURING: [&str; 9] = [
    "27", "374", "39", "3474", "3475", "358", "40", "2664", "2665",
];

pub fn is_high_tech_manufacturing(industry: &IndustryCode) -> bool {
    let code = industry.as_str();
    HIGH_TECH_MANUFACTURING.iter().any(|p| code.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_has_its_own_bit_and_name() {
        let mut seen = 0u32;
        for a in Attribute::ALL {
            assert_eq!(seen & a.bit(), 0, "{a:?}");
            seen |= a.bit();
            assert_eq!(Attribute::parse(a.code()), Some(a));
        }
        assert_eq!(
            Attribute::parse("high_tech"),
            Some(Attribute::Tier(Tier::HighTech))
        );
    }

    #[test]
    fn high_tech_manufacturing_follows_the_nbs_classification() {
        let is = |c: &str| is_high_tech_manufacturing(&IndustryCode::parse(c).unwrap());
        assert!(is("2710")); // 化学药品原料药制造
        assert!(is("3741")); // 飞机制造
        assert!(is("3911")); // 计算机整机制造
        assert!(is("3581")); // 医疗诊断、监护及治疗设备制造
        assert!(is("4011")); // 工业自动控制系统装置制造
        assert!(is("2664")); // 文化用信息化学品制造
        assert!(!is("2661")); // 化学试剂和助剂制造: not an information chemical
        assert!(!is("3110")); // 炼铁
        assert!(!is("3711")); // 高铁车组制造: railway, not aerospace
        assert!(!is("6510")); // 软件开发: a service, not manufacturing
    }
}
