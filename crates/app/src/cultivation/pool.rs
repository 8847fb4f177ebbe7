//! The cultivation pool (培育库) of a unit: how many enterprises located in the unit (or
//! below it) hold a valid recognition of each tier at the end of each year, the net
//! change from year to year, the units below compared for the last year, and the gap to
//! the targets in force for the tiers that have a monitoring indicator.
//!
//! A tier has targets only through an indicator of the monitoring catalogue; which
//! indicator counts which tier is the explicit table [`TIER_INDICATORS`], not guessed
//! from names.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use innozone_domain::accounts::Principal;
use innozone_domain::monitoring::{Catalogue, Direction, TargetSet};
use innozone_domain::registry::{EnterpriseId, Hierarchy, Tier, UnitId};
use innozone_domain::reporting::Period;
use innozone_exchange::{SheetData, Value};
use innozone_store::Store;
use time::Date;

use crate::AppError;
use crate::cultivation::may_read_lists;

/// The tiers whose count is an indicator of the monitoring catalogue, with the
/// indicator's code: the targets of that indicator (seed 001's 250 high-tech and 200
/// innovative enterprises by 2020, seed 004's high-tech counts for 2021 / 2025 / 2030)
/// are the tier's targets. Each indicator is `count(<tier>)` in the shipped catalogue,
/// so the pool and monitoring count the same enterprises. A tier not listed, or whose
/// indicator the catalogue in force lacks, has no target.
pub const TIER_INDICATORS: &[(Tier, &str)] = &[
    (Tier::TechSme, "tech_sme_enterprises"),
    (Tier::InnovativeSme, "innovative_sme_enterprises"),
    (Tier::SpecialisedSme, "specialised_sme_enterprises"),
    (Tier::LittleGiant, "little_giant_enterprises"),
    (Tier::HighTech, "high_tech_enterprises"),
    (Tier::Gazelle, "gazelle_enterprises"),
    (Tier::Unicorn, "unicorn_enterprises"),
    (Tier::SingleChampion, "single_champion_enterprises"),
    (Tier::Leading, "leading_enterprises"),
];

/// The indicator whose targets are the tier's, if any.
pub fn indicator_of(tier: Tier) -> Option<&'static str> {
    TIER_INDICATORS
        .iter()
        .find(|(t, _)| *t == tier)
        .map(|(_, code)| *code)
}

/// One year of the pool: counts in the order of `Tier::ALL`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolYear {
    pub year: i32,
    pub counts: Vec<u32>,
    /// Holders at the end of the year that were not holders in the unit a year before
    /// (new recognitions, or moved in).
    pub entered: Vec<u32>,
    /// Holders a year before that are no longer (lapsed, or moved out).
    pub left: Vec<u32>,
}

impl PoolYear {
    /// `entered − left` per tier: the change of the count from the year before.
    pub fn net(&self) -> Vec<i64> {
        self.entered
            .iter()
            .zip(&self.left)
            .map(|(e, l)| i64::from(*e) - i64::from(*l))
            .collect()
    }
}

/// A unit below, with its counts at the end of the last year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolChild {
    pub unit: UnitId,
    pub code: String,
    pub name: String,
    pub counts: Vec<u32>,
}

/// One point of a target: the target year's expected value and the actual, when the
/// year is among the pool's years.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetRow {
    pub year: i32,
    /// Whether the row is the target's baseline rather than a target point.
    pub baseline: bool,
    pub target: f64,
    pub actual: Option<u32>,
    /// `target − actual`: how many are still missing (negative when ahead).
    pub gap: Option<f64>,
    /// `on_track`, `behind` or `seriously_behind` (the target's thresholds).
    pub status: Option<&'static str>,
}

/// The targets of one tier for the unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TierTargets {
    pub tier: Tier,
    pub indicator: String,
    pub source: Option<String>,
    pub rows: Vec<TargetRow>,
    /// The path's value in each year of the pool (`None` before the baseline).
    pub path: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Pool {
    pub unit: UnitId,
    pub code: String,
    pub name: String,
    pub tiers: Vec<Tier>,
    pub years: Vec<PoolYear>,
    pub children: Vec<PoolChild>,
    pub targets: Vec<TierTargets>,
}

impl Pool {
    pub fn last_year(&self) -> Option<i32> {
        self.years.last().map(|y| y.year)
    }

    /// The count of `tier` at the end of `year`, if the year is in the pool.
    pub fn count(&self, year: i32, tier: Tier) -> Option<u32> {
        let t = Tier::ALL.iter().position(|x| *x == tier)?;
        self.years
            .iter()
            .find(|y| y.year == year)
            .map(|y| y.counts[t])
    }
}

/// The holders of each tier located in `unit` or below on `date`.
async fn holders(
    store: &dyn Store,
    hierarchy: &innozone_domain::registry::Hierarchy,
    units: &[UnitId],
    date: Date,
) -> Result<HashMap<UnitId, Vec<HashSet<EnterpriseId>>>, AppError> {
    let tree = hierarchy.as_of(date);
    // Every park below each unit, to the unit.
    let mut owner: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for u in units {
        for below in tree.subtree(*u) {
            owner.entry(below).or_default().push(*u);
        }
    }
    let located: HashMap<EnterpriseId, UnitId> = store
        .located_on(date)
        .await?
        .into_iter()
        .map(|(e, park, _)| (e, park))
        .collect();
    let mut out: HashMap<UnitId, Vec<HashSet<EnterpriseId>>> = units
        .iter()
        .map(|u| (*u, vec![HashSet::new(); Tier::ALL.len()]))
        .collect();
    for (e, tier) in store.recognitions_on(date).await? {
        let Some(park) = located.get(&e) else {
            continue;
        };
        let Some(t) = Tier::ALL.iter().position(|x| *x == tier) else {
            continue;
        };
        for u in owner.get(park).into_iter().flatten() {
            if let Some(sets) = out.get_mut(u) {
                sets[t].insert(e);
            }
        }
    }
    Ok(out)
}

/// The catalogue and the targets in force, when both are installed.
pub async fn targets_in_force(
    store: &dyn Store,
) -> Result<Option<(Catalogue, TargetSet)>, AppError> {
    let Some(catalogue) = crate::monitoring::current_catalogue(store).await? else {
        return Ok(None);
    };
    let targets = crate::monitoring::current_targets(store, &catalogue).await?;
    Ok(Some((catalogue, targets)))
}

/// The unit a pool is asked for: the unit with `code` when one is given, else the
/// user's own unit, else (an administrator) the first zone as the tree stands `today`.
/// Whether the user may read it is `pool`'s decision.
pub fn pool_unit(
    hierarchy: &innozone_domain::registry::Hierarchy,
    principal: &Principal,
    code: Option<&str>,
    today: Date,
) -> Result<UnitId, AppError> {
    let not_found = |key: &str| AppError::NotFound {
        entity: "unit",
        key: key.to_string(),
    };
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(hierarchy
            .unit_by_code(code)
            .ok_or_else(|| not_found(code))?
            .id),
        None => match principal.home_unit() {
            Some(u) => Ok(u),
            None => hierarchy
                .as_of(today)
                .roots
                .first()
                .copied()
                .ok_or_else(|| not_found("")),
        },
    }
}

/// The pool of `unit` for `years` (each at 31 December). Administrators, zone and park
/// staff and leadership, for a unit within their node (as the tree stands `today`);
/// filers and the public are refused. `targets` are the targets in force with the
/// catalogue they hold against (`None`: no targets shown).
pub async fn pool(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    targets: Option<(&TargetSet, &Catalogue)>,
    principal: &Principal,
    unit: UnitId,
    years: RangeInclusive<i32>,
    today: Date,
) -> Result<Pool, AppError> {
    if !may_read_lists(principal) {
        return Err(AppError::Forbidden);
    }
    let node = hierarchy.unit(unit).ok_or(AppError::NotFound {
        entity: "unit",
        key: unit.0.to_string(),
    })?;
    if !principal.may_read_unit(unit, &hierarchy.as_of(today)) {
        return Err(AppError::Forbidden);
    }
    let (from, to) = (*years.start(), *years.end());
    if from > to || to - from > 60 {
        return Err(AppError::File(format!("the years {from}–{to}")));
    }
    let end = |y: i32| Period::Year(y).last_day();

    let mut before = holders(store, hierarchy, &[unit], end(from - 1))
        .await?
        .remove(&unit)
        .unwrap_or_default();
    let mut rows = Vec::new();
    for year in from..=to {
        let now = holders(store, hierarchy, &[unit], end(year))
            .await?
            .remove(&unit)
            .unwrap_or_default();
        let count = |sets: &[HashSet<EnterpriseId>], t: usize| -> u32 {
            sets.get(t).map_or(0, |s| s.len() as u32)
        };
        let diff = |a: &[HashSet<EnterpriseId>], b: &[HashSet<EnterpriseId>], t: usize| -> u32 {
            match (a.get(t), b.get(t)) {
                (Some(a), Some(b)) => a.difference(b).count() as u32,
                (Some(a), None) => a.len() as u32,
                _ => 0,
            }
        };
        rows.push(PoolYear {
            year,
            counts: (0..Tier::ALL.len()).map(|t| count(&now, t)).collect(),
            entered: (0..Tier::ALL.len())
                .map(|t| diff(&now, &before, t))
                .collect(),
            left: (0..Tier::ALL.len())
                .map(|t| diff(&before, &now, t))
                .collect(),
        });
        before = now;
    }

    // The units directly below, each with everything below it, at the end of the last year.
    let last_tree = hierarchy.as_of(end(to));
    let child_ids: Vec<UnitId> = last_tree.children(unit).to_vec();
    let mut below = holders(store, hierarchy, &child_ids, end(to)).await?;
    let children = child_ids
        .iter()
        .filter_map(|c| {
            let u = hierarchy.unit(*c)?;
            let sets = below.remove(c).unwrap_or_default();
            Some(PoolChild {
                unit: *c,
                code: u.code.as_str().to_string(),
                name: u.name_zh.clone(),
                counts: (0..Tier::ALL.len())
                    .map(|t| sets.get(t).map_or(0, |s| s.len() as u32))
                    .collect(),
            })
        })
        .collect();

    let mut pool = Pool {
        unit,
        code: node.code.as_str().to_string(),
        name: node.name_zh.clone(),
        tiers: Tier::ALL.to_vec(),
        years: rows,
        children,
        targets: Vec::new(),
    };
    if let Some((set, catalogue)) = targets {
        for (tier, indicator) in TIER_INDICATORS {
            let Some(target) = set.find(&pool.code, indicator) else {
                continue;
            };
            let dir = catalogue
                .indicator(indicator)
                .map_or(Direction::Higher, |(_, i)| i.direction);
            let rows = target
                .all_points()
                .enumerate()
                .map(|(i, p)| {
                    let actual = pool.count(p.year, *tier);
                    let cmp = actual.and_then(|a| target.compare(p.year, f64::from(a), dir));
                    TargetRow {
                        year: p.year,
                        baseline: i == 0,
                        target: p.value,
                        actual,
                        gap: actual.map(|a| p.value - f64::from(a)),
                        status: cmp.map(|c| c.status.code()),
                    }
                })
                .collect();
            pool.targets.push(TierTargets {
                tier: *tier,
                indicator: indicator.to_string(),
                source: target.source.clone(),
                rows,
                path: (from..=to).map(|y| target.path_value(y)).collect(),
            });
        }
    }
    Ok(pool)
}

/// The pool as sheets: counts (years × tiers), net change, the units below, the targets.
/// `tier_name` and `status_name` give the labels; `labels` the fixed headers in order:
/// year, unit, target year, target, actual, gap, status, tier.
pub fn pool_sheets(
    pool: &Pool,
    tier_name: impl Fn(Tier) -> String,
    status_name: impl Fn(&str) -> String,
    sheet_names: [&str; 4],
    labels: [&str; 8],
) -> Vec<SheetData> {
    let text = |s: &str| Value::Text(s.to_string());
    let tier_headers: Vec<String> = pool.tiers.iter().map(|t| tier_name(*t)).collect();
    let with = |first: &str| {
        let mut h = vec![first.to_string()];
        h.extend(tier_headers.iter().cloned());
        h
    };
    let counts = SheetData {
        name: sheet_names[0].to_string(),
        headers: with(labels[0]),
        rows: pool
            .years
            .iter()
            .map(|y| {
                let mut row = vec![Value::Integer(i64::from(y.year))];
                row.extend(y.counts.iter().map(|c| Value::Integer(i64::from(*c))));
                row
            })
            .collect(),
    };
    let net = SheetData {
        name: sheet_names[1].to_string(),
        headers: with(labels[0]),
        rows: pool
            .years
            .iter()
            .map(|y| {
                let mut row = vec![Value::Integer(i64::from(y.year))];
                row.extend(y.net().into_iter().map(Value::Integer));
                row
            })
            .collect(),
    };
    let children = SheetData {
        name: sheet_names[2].to_string(),
        headers: with(labels[1]),
        rows: pool
            .children
            .iter()
            .map(|c| {
                let mut row = vec![text(&c.name)];
                row.extend(c.counts.iter().map(|n| Value::Integer(i64::from(*n))));
                row
            })
            .collect(),
    };
    let targets = SheetData {
        name: sheet_names[3].to_string(),
        headers: vec![
            labels[7].to_string(),
            labels[2].to_string(),
            labels[3].to_string(),
            labels[4].to_string(),
            labels[5].to_string(),
            labels[6].to_string(),
        ],
        rows: pool
            .targets
            .iter()
            .flat_map(|t| {
                let name = tier_name(t.tier);
                let status_name = &status_name;
                t.rows.iter().map(move |r| {
                    vec![
                        Value::Text(name.clone()),
                        Value::Integer(i64::from(r.year)),
                        Value::Number(r.target),
                        r.actual
                            .map_or(Value::Empty, |a| Value::Integer(i64::from(a))),
                        r.gap.map_or(Value::Empty, Value::Number),
                        r.status
                            .map_or(Value::Empty, |s| Value::Text(status_name(s))),
                    ]
                })
            })
            .collect(),
    };
    vec![counts, net, children, targets]
}
