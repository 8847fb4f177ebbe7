//! Units (单位): the nodes of the 一区多园 hierarchy.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitId(pub i64);

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A unit's code: the key used in files and URLs. Letters, digits, '-' and '_', at most
/// 40 characters, so that it survives every spreadsheet and path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(input: &str) -> Result<Self, UnitError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(UnitError::EmptyCode);
        }
        if code.chars().count() > 40 {
            return Err(UnitError::CodeTooLong {
                code: code.to_string(),
            });
        }
        if let Some(c) = code
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(UnitError::InvalidCodeCharacter {
                code: code.to_string(),
                character: c,
            });
        }
        Ok(UnitCode(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for UnitCode {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UnitCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The kinds of unit. The park kinds are the forms a "园" takes in the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Province,
    City,
    Zone,
    District,
    Park,
    SubPark,
    SpecialtyPark,
    IndustrialCluster,
    EnclavePark,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::Province,
        UnitKind::City,
        UnitKind::Zone,
        UnitKind::District,
        UnitKind::Park,
        UnitKind::SubPark,
        UnitKind::SpecialtyPark,
        UnitKind::IndustrialCluster,
        UnitKind::EnclavePark,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::City => "city",
            UnitKind::Zone => "zone",
            UnitKind::District => "district",
            UnitKind::Park => "park",
            UnitKind::SubPark => "sub_park",
            UnitKind::SpecialtyPark => "specialty_park",
            UnitKind::IndustrialCluster => "industrial_cluster",
            UnitKind::EnclavePark => "enclave_park",
        }
    }

    /// The Chinese term, which is also accepted on import.
    pub fn name_zh(self) -> &'static str {
        match self {
            UnitKind::Province => "省",
            UnitKind::City => "市",
            UnitKind::Zone => "高新区/自创区",
            UnitKind::District => "区块",
            UnitKind::Park => "园区",
            UnitKind::SubPark => "分园",
            UnitKind::SpecialtyPark => "专业园",
            UnitKind::IndustrialCluster => "工业集中区",
            UnitKind::EnclavePark => "飞地园区",
        }
    }

    pub fn parse(input: &str) -> Option<UnitKind> {
        let s = input.trim();
        UnitKind::ALL.into_iter().find(|k| {
            k.code().eq_ignore_ascii_case(s)
                || k.name_zh() == s
                || (*k == UnitKind::Zone && matches!(s, "高新区" | "自创区"))
        })
    }

    /// Depth in the hierarchy: a parent always has a smaller level than its child, except
    /// that a sub-park or specialty park may sit inside another park.
    pub fn level(self) -> u8 {
        match self {
            UnitKind::Province => 0,
            UnitKind::City => 1,
            UnitKind::Zone => 2,
            UnitKind::District => 3,
            _ => 4,
        }
    }

    pub fn is_park(self) -> bool {
        self.level() == 4
    }

    /// Whether a unit of this kind may be the parent of a unit of `child` kind.
    pub fn may_contain(self, child: UnitKind) -> bool {
        self.level() < child.level()
            || (self.is_park()
                && matches!(child, UnitKind::SubPark | UnitKind::SpecialtyPark)
                && self != child)
    }

    /// Enterprises are located in zones, districts and parks, never directly in a
    /// province or city.
    pub fn may_host_enterprises(self) -> bool {
        self.level() >= 2
    }
}

/// The spatial role of a unit in the zone's layout (seed 003: 核心区-辐射区-共建区).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpatialRole {
    Core,
    Radiation,
    CoBuilt,
}

impl SpatialRole {
    pub const ALL: [SpatialRole; 3] = [
        SpatialRole::Core,
        SpatialRole::Radiation,
        SpatialRole::CoBuilt,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SpatialRole::Core => "core",
            SpatialRole::Radiation => "radiation",
            SpatialRole::CoBuilt => "co_built",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            SpatialRole::Core => "核心区",
            SpatialRole::Radiation => "辐射区",
            SpatialRole::CoBuilt => "共建区",
        }
    }

    pub fn parse(input: &str) -> Option<SpatialRole> {
        let s = input.trim();
        SpatialRole::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(s) || r.name_zh() == s)
    }
}

/// A stored unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    #[serde(flatten)]
    pub details: UnitDraft,
}

impl std::ops::Deref for Unit {
    type Target = UnitDraft;
    fn deref(&self) -> &UnitDraft {
        &self.details
    }
}

/// What describes a unit, before or apart from storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDraft {
    pub code: UnitCode,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub kind: UnitKind,
    pub area_km2: Option<f64>,
    pub population: Option<i64>,
    pub leading_industries: Vec<String>,
    pub spatial_role: Option<SpatialRole>,
}

impl UnitDraft {
    /// Checks what a single unit can get wrong on its own.
    pub fn validate(&self) -> Result<(), UnitError> {
        if self.name_zh.trim().is_empty() {
            return Err(UnitError::EmptyName);
        }
        if let Some(area) = self.area_km2
            && (!area.is_finite() || area < 0.0)
        {
            return Err(UnitError::NegativeArea { value: area });
        }
        if let Some(p) = self.population
            && p < 0
        {
            return Err(UnitError::NegativePopulation { value: p });
        }
        Ok(())
    }

    pub fn display_name(&self, english: bool) -> &str {
        match (&self.name_en, english) {
            (Some(en), true) if !en.is_empty() => en,
            _ => &self.name_zh,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    #[error("the unit code is empty")]
    EmptyCode,
    #[error("the unit code '{code}' is longer than 40 characters")]
    CodeTooLong { code: String },
    #[error("the unit code '{code}' contains '{character}'; use letters, digits, '-' and '_'")]
    InvalidCodeCharacter { code: String, character: char },
    #[error("the unit has no Chinese name")]
    EmptyName,
    #[error("the area {value} km² is not a non-negative number")]
    NegativeArea { value: f64 },
    #[error("the population {value} is negative")]
    NegativePopulation { value: i64 },
    #[error("'{value}' is not a kind of unit")]
    UnknownKind { value: String },
    #[error("'{value}' is not a spatial role")]
    UnknownSpatialRole { value: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse() {
        assert_eq!(UnitCode::parse(" LB-GX ").unwrap().as_str(), "LB-GX");
        assert_eq!(UnitCode::parse(""), Err(UnitError::EmptyCode));
        assert_eq!(
            UnitCode::parse("LB/GX"),
            Err(UnitError::InvalidCodeCharacter {
                code: "LB/GX".into(),
                character: '/'
            })
        );
        assert!(matches!(
            UnitCode::parse(&"A".repeat(41)),
            Err(UnitError::CodeTooLong { .. })
        ));
    }

    #[test]
    fn kinds_parse_from_chinese_and_codes() {
        assert_eq!(
            UnitKind::parse("工业集中区"),
            Some(UnitKind::IndustrialCluster)
        );
        assert_eq!(UnitKind::parse("Park"), Some(UnitKind::Park));
        assert_eq!(UnitKind::parse("高新区"), Some(UnitKind::Zone));
        assert_eq!(UnitKind::parse("村"), None);
        assert_eq!(SpatialRole::parse("共建区"), Some(SpatialRole::CoBuilt));
    }

    #[test]
    fn containment_follows_levels() {
        assert!(UnitKind::Zone.may_contain(UnitKind::District));
        assert!(UnitKind::Zone.may_contain(UnitKind::Park));
        assert!(UnitKind::District.may_contain(UnitKind::IndustrialCluster));
        assert!(UnitKind::Park.may_contain(UnitKind::SubPark));
        assert!(!UnitKind::SubPark.may_contain(UnitKind::SubPark));
        assert!(!UnitKind::Park.may_contain(UnitKind::Zone));
        assert!(!UnitKind::District.may_contain(UnitKind::District));
    }
}
