//! The structure of the two seed zones, read from the TOML files compiled into the crate
//! (`seeds/lanbai.toml`, `seeds/panzhihua.toml`), each entry of which cites the seed line
//! it transcribes.

use std::collections::{BTreeMap, BTreeSet};

use innozone_domain::registry::{
    DatasetMembership, SpatialRole, UnitCode, UnitDraft, UnitError, UnitKind,
};
use serde::Deserialize;
use time::{Date, Month};

const LANBAI: &str = include_str!("../seeds/lanbai.toml");
const PANZHIHUA: &str = include_str!("../seeds/panzhihua.toml");

/// The 兰白科技创新改革试验区 of seed 001.
pub fn lanbai() -> SeedZone {
    parse(LANBAI).expect("seeds/lanbai.toml is compiled in and checked by the tests")
}

/// The 攀枝花钒钛高新技术产业开发区 of seed 004.
pub fn panzhihua() -> SeedZone {
    parse(PANZHIHUA).expect("seeds/panzhihua.toml is compiled in and checked by the tests")
}

/// A city a unit lies in: what the generator needs for credit codes, phone numbers and
/// enterprise names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub key: String,
    pub name_zh: String,
    /// The city's short name, as enterprise names begin with it (兰州, 白银, 攀枝花).
    pub prefix: String,
    /// Administrative division code (GB/T 2260), six digits.
    pub division: String,
    pub phone_area: Option<String>,
    /// Digits of a local landline number after the area code.
    pub local_digits: u8,
}

/// One unit of a seed zone with where it hangs in the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedUnit {
    pub draft: UnitDraft,
    /// `None` only for the zone itself.
    pub parent: Option<UnitCode>,
    /// The day the unit joins its parent.
    pub joined: Option<Date>,
    /// Functions the seed gives instead of leading industries (the core innovation area's
    /// 科技研发中心, 科技孵化中心, 科技服务中心).
    pub functions: Vec<String>,
    /// The city the unit lies in, inherited from the parent when the file gives none.
    pub city: Option<City>,
}

/// Whether a count is the situation in a year or a target for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Actual,
    Target,
}

/// Enterprise counts of a unit for a year, as a seed states them. Every field the seed does
/// not give is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseCount {
    pub unit: UnitCode,
    pub year: i32,
    pub basis: Basis,
    /// 入区企业 / 企业总数.
    pub enterprises: Option<u32>,
    /// 工业企业.
    pub industrial: Option<u32>,
    /// 规模以上工业企业.
    pub above_scale_industrial: Option<u32>,
    /// 规模以上钒钛类及相关企业 (seed 004).
    pub above_scale_vanadium_titanium: Option<u32>,
    /// 高新技术企业.
    pub high_tech: Option<u32>,
    /// 新三板挂牌企业 (seed 004).
    pub neeq_listed: Option<u32>,
    /// Seed file and line.
    pub source: String,
}

/// A seed zone: its units in file order (the zone first, every parent before its children)
/// and the enterprise counts the seed gives.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedZone {
    pub units: Vec<SeedUnit>,
    pub counts: Vec<EnterpriseCount>,
    /// When the zone's figures begin, if before its units join: every membership counts
    /// from this day at the latest (兰白's plan measures the four districts as the zone in
    /// its 2014 baseline, a year before the plan starts).
    pub counted_from: Option<Date>,
}

impl SeedZone {
    pub fn zone(&self) -> &SeedUnit {
        &self.units[0]
    }

    pub fn unit(&self, code: &str) -> Option<&SeedUnit> {
        self.units.iter().find(|u| u.draft.code.as_str() == code)
    }

    /// The units whose parent is `code`, in file order.
    pub fn children(&self, code: &str) -> Vec<&SeedUnit> {
        self.units
            .iter()
            .filter(|u| u.parent.as_ref().is_some_and(|p| p.as_str() == code))
            .collect()
    }

    /// The memberships of the tree, dated as the seed dates them, or from
    /// [`SeedZone::counted_from`] when that is earlier.
    pub fn memberships(&self) -> Vec<DatasetMembership> {
        self.units
            .iter()
            .filter_map(|u| match (&u.parent, u.joined) {
                (Some(parent), Some(joined)) => Some(DatasetMembership {
                    child: u.draft.code.clone(),
                    parent: parent.clone(),
                    from: self.counted_from.map_or(joined, |from| from.min(joined)),
                    until: None,
                }),
                _ => None,
            })
            .collect()
    }

    pub fn drafts(&self) -> Vec<UnitDraft> {
        self.units.iter().map(|u| u.draft.clone()).collect()
    }

    /// The target counts for `unit` in `year`.
    pub fn target(&self, unit: &str, year: i32) -> Option<&EnterpriseCount> {
        self.counts
            .iter()
            .find(|c| c.unit.as_str() == unit && c.year == year && c.basis == Basis::Target)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeedError {
    #[error("the seed file is not valid TOML or does not have the expected fields: {0}")]
    Toml(String),
    #[error("unit {code}: {source}")]
    Unit { code: String, source: UnitError },
    #[error("the unit code {code} is used twice")]
    DuplicateCode { code: String },
    #[error("unit {code} names the parent {parent}, which is not defined before it")]
    UnknownParent { code: String, parent: String },
    #[error("unit {code} has a parent but no joining date")]
    MissingJoinDate { code: String },
    #[error("unit {code}: '{value}' is not a date")]
    InvalidDate { code: String, value: String },
    #[error("the zone must be of kind zone, not {kind:?}")]
    ZoneKind { kind: UnitKind },
    #[error("unit {code} ({child:?}) cannot belong to {parent} ({parent_kind:?})")]
    KindCannotContain {
        code: String,
        child: UnitKind,
        parent: String,
        parent_kind: UnitKind,
    },
    #[error("unit {code} refers to the city '{city}', which the file does not define")]
    UnknownCity { code: String, city: String },
    #[error("the city '{key}' has the division code '{division}', which is not six digits")]
    InvalidDivision { key: String, division: String },
    #[error("unit {code} lies in no city: give `city` on it or on an ancestor")]
    NoCity { code: String },
    #[error("a count refers to the unit {code}, which the file does not define")]
    UnknownCountUnit { code: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    counted_from: Option<toml::value::Datetime>,
    zone: RawUnit,
    #[serde(default)]
    cities: Vec<City>,
    #[serde(default)]
    units: Vec<RawUnit>,
    #[serde(default)]
    counts: Vec<EnterpriseCount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    code: UnitCode,
    parent: Option<UnitCode>,
    joined: Option<toml::value::Datetime>,
    name_zh: String,
    name_en: Option<String>,
    kind: UnitKind,
    area_km2: Option<f64>,
    population: Option<i64>,
    #[serde(default)]
    leading_industries: Vec<String>,
    spatial_role: Option<SpatialRole>,
    #[serde(default)]
    functions: Vec<String>,
    city: Option<String>,
}

/// Reads and checks a seed file.
pub fn parse(text: &str) -> Result<SeedZone, SeedError> {
    let file: File = toml::from_str(text).map_err(|e| SeedError::Toml(e.to_string()))?;
    if file.zone.kind != UnitKind::Zone {
        return Err(SeedError::ZoneKind {
            kind: file.zone.kind,
        });
    }
    let cities: BTreeMap<String, City> = file
        .cities
        .into_iter()
        .map(|c| (c.key.clone(), c))
        .collect();
    for city in cities.values() {
        if city.division.len() != 6 || !city.division.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SeedError::InvalidDivision {
                key: city.key.clone(),
                division: city.division.clone(),
            });
        }
    }
    let mut units: Vec<SeedUnit> = Vec::new();
    let mut seen: BTreeSet<UnitCode> = BTreeSet::new();
    for raw in std::iter::once(file.zone).chain(file.units) {
        let code = raw.code.to_string();
        if !seen.insert(raw.code.clone()) {
            return Err(SeedError::DuplicateCode { code });
        }
        let parent = match &raw.parent {
            None => None,
            Some(p) => Some(units.iter().find(|u| &u.draft.code == p).ok_or_else(|| {
                SeedError::UnknownParent {
                    code: code.clone(),
                    parent: p.to_string(),
                }
            })?),
        };
        if let Some(parent) = parent
            && !parent.draft.kind.may_contain(raw.kind)
        {
            return Err(SeedError::KindCannotContain {
                code,
                child: raw.kind,
                parent: parent.draft.code.to_string(),
                parent_kind: parent.draft.kind,
            });
        }
        let joined = match (&raw.parent, &raw.joined) {
            (Some(_), None) => return Err(SeedError::MissingJoinDate { code }),
            (_, None) => None,
            (_, Some(dt)) => Some(to_date(&code, dt)?),
        };
        let city = match &raw.city {
            Some(key) => Some(
                cities
                    .get(key)
                    .cloned()
                    .ok_or_else(|| SeedError::UnknownCity {
                        code: code.clone(),
                        city: key.clone(),
                    })?,
            ),
            None => parent.and_then(|p| p.city.clone()),
        };
        // The zone may span cities (兰白 spans Lanzhou and Baiyin); everything below it
        // hosts enterprises and so needs one.
        if raw.parent.is_some() && city.is_none() {
            return Err(SeedError::NoCity { code });
        }
        let draft = UnitDraft {
            code: raw.code,
            name_zh: raw.name_zh,
            name_en: raw.name_en,
            kind: raw.kind,
            area_km2: raw.area_km2,
            population: raw.population,
            leading_industries: raw.leading_industries,
            spatial_role: raw.spatial_role,
        };
        draft.validate().map_err(|source| SeedError::Unit {
            code: code.clone(),
            source,
        })?;
        units.push(SeedUnit {
            draft,
            parent: raw.parent,
            joined,
            functions: raw.functions,
            city,
        });
    }
    for count in &file.counts {
        if !seen.contains(&count.unit) {
            return Err(SeedError::UnknownCountUnit {
                code: count.unit.to_string(),
            });
        }
    }
    let counted_from = file
        .counted_from
        .as_ref()
        .map(|dt| to_date("counted_from", dt))
        .transpose()?;
    Ok(SeedZone {
        units,
        counts: file.counts,
        counted_from,
    })
}

fn to_date(code: &str, dt: &toml::value::Datetime) -> Result<Date, SeedError> {
    let invalid = || SeedError::InvalidDate {
        code: code.to_string(),
        value: dt.to_string(),
    };
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            let month = Month::try_from(d.month).map_err(|_| invalid())?;
            Date::from_calendar_date(i32::from(d.year), month, d.day).map_err(|_| invalid())
        }
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[zone]
code = "Z"
name_zh = "某高新区"
kind = "zone"

[[cities]]
key = "c"
name_zh = "某市"
prefix = "某"
division = "620100"
local_digits = 7

[[units]]
code = "Z-P"
parent = "Z"
joined = 2020-01-01
name_zh = "某园区"
kind = "park"
city = "c"
"#;

    #[test]
    fn reads_a_minimal_file() {
        let zone = parse(MINIMAL).unwrap();
        assert_eq!(zone.units.len(), 2);
        let m = zone.memberships();
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].from,
            Date::from_calendar_date(2020, Month::January, 1).unwrap()
        );
        assert_eq!(
            zone.unit("Z-P").unwrap().city.as_ref().unwrap().division,
            "620100"
        );
    }

    #[test]
    fn refuses_broken_files_with_reasons() {
        let unknown_parent = MINIMAL.replace("parent = \"Z\"", "parent = \"Y\"");
        assert_eq!(
            parse(&unknown_parent),
            Err(SeedError::UnknownParent {
                code: "Z-P".into(),
                parent: "Y".into()
            })
        );
        let no_date = MINIMAL.replace("joined = 2020-01-01\n", "");
        assert_eq!(
            parse(&no_date),
            Err(SeedError::MissingJoinDate { code: "Z-P".into() })
        );
        let no_city = MINIMAL.replace("city = \"c\"\n", "");
        assert_eq!(
            parse(&no_city),
            Err(SeedError::NoCity { code: "Z-P".into() })
        );
        let zone_in_park = MINIMAL.replace("kind = \"park\"", "kind = \"zone\"");
        assert!(matches!(
            parse(&zone_in_park),
            Err(SeedError::KindCannotContain { .. })
        ));
        let timed = MINIMAL.replace("2020-01-01", "2020-01-01T08:00:00");
        assert!(matches!(parse(&timed), Err(SeedError::InvalidDate { .. })));
        assert!(matches!(parse("[zone]\ncode = 1"), Err(SeedError::Toml(_))));
    }
}
