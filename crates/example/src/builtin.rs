//! The two seed zones with their generated enterprises.

use innozone_domain::registry::{Dataset, UnitKind};
use time::Date;

use crate::generator::{Generator, GroupPlan, Host};
use crate::industries::{self, Profile};
use crate::seed::{self, SeedUnit, SeedZone};

/// The industries the Panzhihua targets count as 钒钛类及相关 (seed 004 line 15).
pub const VANADIUM_TITANIUM: &[&str] = &["钒钛", "含钒钛机械制造"];

/// Adds 兰白 (seed 001) to `out`: its units and memberships, and per district exactly the
/// enterprise counts the plan sets for 2020.
pub(crate) fn lanbai(generator: &mut Generator, out: &mut Dataset, progress: &dyn Fn(u64)) {
    let zone = seed::lanbai();
    out.units.extend(zone.drafts());
    out.memberships.extend(zone.memberships());
    let districts: Vec<&SeedUnit> = zone
        .children(zone.zone().draft.code.as_str())
        .into_iter()
        .filter(|u| u.draft.kind == UnitKind::District)
        .collect();
    for district in districts {
        let code = district.draft.code.as_str();
        let target = zone
            .target(code, 2020)
            .expect("seed 001 gives every district's 2020 targets");
        let mut hosts: Vec<Host> = Vec::new();
        // 兰州新区 has eight parks of which the seed names two (专栏5); its enterprises in the
        // six unnamed ones are located on the district itself, which counts for six parks.
        if code == "LB-XQ" {
            hosts.push(host(&zone, district, 6.0, LANZHOU_NEW_AREA_FROM));
        }
        for unit in descendants(&zone, code) {
            let first_year = match unit.draft.code.as_str() {
                // The core innovation area is laid out by the plan itself (line 88-90).
                "LB-XQ-CORE" => 2015,
                _ if code == "LB-XQ" => LANZHOU_NEW_AREA_FROM,
                _ => OLDER_DISTRICTS_FROM,
            };
            hosts.push(host(&zone, unit, 1.0, first_year));
        }
        let plan = GroupPlan {
            hosts,
            total: target.enterprises.expect("入区企业"),
            industrial: target.industrial.expect("工业企业"),
            above_scale_industrial: target.above_scale_industrial.expect("规模以上工业企业"),
            above_scale_profiles: None,
            other_industrial_above_share: 0.0,
            high_tech: target.high_tech.expect("高新技术企业"),
            reference_year: 2020,
            // Line 6: the four 区 had 4674 enterprises before the plan; line 34: 6200 by 2020.
            entered_by: Some((2014, 4674.0 / 6200.0)),
        };
        out.enterprises.extend(generator.group(&plan));
        progress(out.enterprises.len() as u64);
    }
}

/// Line 5 of seed 001 counts 兰州新区's projects from 2011 ("2011—2014年,兰州新区累计引进项目305个").
const LANZHOU_NEW_AREA_FROM: i32 = 2011;
/// The seed does not say how old the other districts' enterprises are; 2000 gives them
/// two decades of history.
const OLDER_DISTRICTS_FROM: i32 = 2000;

/// Panzhihua's enterprises: the seed gives no total, so 400 is used, 250 of them industrial;
/// the counts that the seed does give hold on 31 December 2021: 50 above-scale enterprises
/// in the vanadium-titanium industries and 20 valid high-tech certificates, in parks that
/// belong to the zone by then.
pub const PANZHIHUA_ENTERPRISES: u32 = 400;
const PANZHIHUA_INDUSTRIAL: u32 = 250;

/// Relative sizes of the Panzhihua parks (not in the seed): the core largest, the parks of
/// 2020 next, the logistics and education parks and the parks that join later smaller.
const PANZHIHUA_WEIGHTS: &[(&str, f64)] = &[
    ("PZH-CORE", 170.0),
    ("PZH-NS", 55.0),
    ("PZH-NS-YZ", 25.0),
    ("PZH-YB", 50.0),
    ("PZH-JJ", 30.0),
    ("PZH-ZJ", 10.0),
    ("PZH-CX", 25.0),
    ("PZH-GLP", 20.0),
    ("PZH-BM", 15.0),
];

/// Adds 攀枝花 (seed 004) to `out`.
pub(crate) fn panzhihua(generator: &mut Generator, out: &mut Dataset, progress: &dyn Fn(u64)) {
    let zone = seed::panzhihua();
    out.units.extend(zone.drafts());
    out.memberships.extend(zone.memberships());
    let target = zone
        .target("PZH", 2021)
        .expect("seed 004 gives the 2021 targets");
    let hosts = descendants(&zone, "PZH")
        .into_iter()
        .map(|unit| {
            let weight = PANZHIHUA_WEIGHTS
                .iter()
                .find(|(c, _)| *c == unit.draft.code.as_str())
                .map(|(_, w)| *w)
                .expect("every Panzhihua park has a weight");
            // The vanadium-titanium base dates from long before the zone; 2005 is a choice.
            host(&zone, unit, weight, 2005)
        })
        .collect();
    let plan = GroupPlan {
        hosts,
        total: PANZHIHUA_ENTERPRISES,
        industrial: PANZHIHUA_INDUSTRIAL,
        above_scale_industrial: target
            .above_scale_vanadium_titanium
            .expect("规模以上钒钛类及相关企业"),
        above_scale_profiles: Some(VANADIUM_TITANIUM),
        other_industrial_above_share: 0.12,
        high_tech: target.high_tech.expect("高新技术企业"),
        reference_year: 2021,
        entered_by: None,
    };
    out.enterprises.extend(generator.group(&plan));
    progress(out.enterprises.len() as u64);
}

/// Every unit below `code`, depth first in file order.
fn descendants<'a>(zone: &'a SeedZone, code: &str) -> Vec<&'a SeedUnit> {
    let mut out = Vec::new();
    for child in zone.children(code) {
        out.push(child);
        out.extend(descendants(zone, child.draft.code.as_str()));
    }
    out
}

/// The industries a unit's enterprises come from: its leading industries, else the
/// functions the seed gives it, else those of its nearest ancestor that has some.
pub fn industries_of(zone: &SeedZone, unit: &SeedUnit) -> Vec<&'static Profile> {
    let mut cursor = Some(unit);
    while let Some(u) = cursor {
        let own = industries::profiles_for_all(&u.draft.leading_industries);
        if !own.is_empty() {
            return own;
        }
        let functions = industries::profiles_for_all(&u.functions);
        if !functions.is_empty() {
            return functions;
        }
        cursor = u.parent.as_ref().and_then(|p| zone.unit(p.as_str()));
    }
    Vec::new()
}

/// The day `unit` belongs to the zone: the latest joining date on its way up.
fn member_from(zone: &SeedZone, unit: &SeedUnit) -> Date {
    let mut date = unit
        .joined
        .expect("units below the zone have a joining date");
    let mut cursor = unit.parent.as_ref().and_then(|p| zone.unit(p.as_str()));
    while let Some(u) = cursor {
        if let Some(joined) = u.joined {
            date = date.max(joined);
        }
        cursor = u.parent.as_ref().and_then(|p| zone.unit(p.as_str()));
    }
    date
}

fn host(zone: &SeedZone, unit: &SeedUnit, weight: f64, first_year: i32) -> Host {
    Host {
        unit: unit.draft.code.clone(),
        profiles: industries_of(zone, unit),
        weight,
        city: unit
            .city
            .clone()
            .expect("the seed parser gives every unit below the zone a city"),
        first_year,
        member_from: member_from(zone, unit),
    }
}
