//! What the dashboards, drill-down pages and downloads show, computed from a snapshot
//! and limited to what the user may see: monitoring figures of the user's own node and
//! below, and the enterprises behind them only to those who see enterprise data.

use std::collections::BTreeSet;
use std::sync::Arc;

use innozone_domain::accounts::{Principal, Role};
use innozone_domain::monitoring::{
    Catalogue, Comparison, Direction, FilingRef, QuantityUnit, Target, TargetSet, TargetStatus,
    Unavailable, Value,
};
use innozone_domain::registry::{
    Enterprise, EnterpriseId, Hierarchy, Tier, Tree, UnitId, UnitKind,
};
use innozone_domain::reporting::{Period, PeriodType};
use innozone_store::Store;

use super::monitor::{Basis, Monitor, Snapshot};
use crate::AppError;

/// Whether the user may read monitoring figures of `unit`: staff, leadership and
/// evaluators within their node; filers and the public read only what is published.
pub fn may_monitor(principal: &Principal, unit: UnitId, tree: &Tree) -> bool {
    !matches!(principal.role, Role::EnterpriseFiler | Role::Public)
        && principal.may_read_unit(unit, tree)
}

/// One indicator's value for a unit and period, with last year's and the target.
#[derive(Debug, Clone)]
pub struct Card {
    pub indicator: usize,
    pub value: Value,
    pub previous_year: Option<Value>,
    pub target: Option<TargetCheck>,
}

/// A target held against an actual.
#[derive(Debug, Clone)]
pub struct TargetCheck {
    pub target: Target,
    /// `None` when the actual cannot be computed or the year is before the baseline.
    pub comparison: Option<Comparison>,
}

impl TargetCheck {
    pub fn status(&self) -> Option<TargetStatus> {
        self.comparison.map(|c| c.status)
    }
}

/// A point of a time series.
#[derive(Debug, Clone)]
pub struct SeriesPoint {
    pub period: Period,
    pub value: Value,
    /// The target path's value for the year, when the unit has a target.
    pub expected: Option<f64>,
    pub status: Option<TargetStatus>,
}

#[derive(Debug, Clone)]
pub struct ChildValue {
    pub unit: UnitId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub value: Value,
    pub status: Option<TargetStatus>,
}

/// A target that is behind in the period.
#[derive(Debug, Clone)]
pub struct Warning {
    pub unit: UnitId,
    pub unit_name: String,
    pub indicator: usize,
    pub value: f64,
    pub comparison: Comparison,
    pub target: Target,
}

/// Everything a dashboard shows for one unit and period.
#[derive(Debug)]
pub struct Dashboard {
    pub snapshot: Snapshot,
    pub unit: UnitId,
    pub unit_name: String,
    pub period: Period,
    pub basis: Basis,
    pub cards: Vec<Card>,
    /// The periods of the series, oldest first.
    pub series_periods: Vec<Period>,
    /// By indicator (catalogue order), one point per series period.
    pub series: Vec<Vec<SeriesPoint>>,
    /// The indicator the comparison of children is for.
    pub focus: usize,
    pub children: Vec<ChildValue>,
    pub warnings: Vec<Warning>,
    /// Enterprises located in the unit and those whose filing counts, for the focus
    /// indicator's form.
    pub enterprises: u32,
    pub filed: u32,
}

fn unit_name(snapshot: &Snapshot, unit: UnitId, english: bool) -> String {
    snapshot
        .hierarchy
        .unit(unit)
        .map(|u| u.display_name(english).to_string())
        .unwrap_or_default()
}

fn unit_code(snapshot: &Snapshot, unit: UnitId) -> String {
    snapshot
        .hierarchy
        .unit(unit)
        .map(|u| u.code.as_str().to_string())
        .unwrap_or_default()
}

/// The actual value against the unit's target for the indicator, if it has one.
fn check(
    snapshot: &Snapshot,
    unit: UnitId,
    indicator: usize,
    period: Period,
    value: &Value,
) -> Option<TargetCheck> {
    let code = unit_code(snapshot, unit);
    let definition = &snapshot.catalogue.indicators[indicator];
    let target = snapshot.targets.find(&code, &definition.code)?;
    let comparison = match (period, value) {
        (Period::Year(year), Ok(v)) => target.compare(year, *v, definition.direction),
        _ => None,
    };
    Some(TargetCheck {
        target: target.clone(),
        comparison,
    })
}

/// The periods a dashboard's series covers: the same kind of period as `period`, back
/// to the earliest target baseline of the unit or at most twelve periods.
fn series_periods(
    targets: &TargetSet,
    hierarchy: &Hierarchy,
    unit: UnitId,
    period: Period,
) -> Vec<Period> {
    let code = hierarchy
        .unit(unit)
        .map(|u| u.code.as_str().to_string())
        .unwrap_or_default();
    match period {
        Period::Year(year) => {
            let baseline = targets
                .targets
                .iter()
                .filter(|t| t.unit == code)
                .map(|t| t.baseline.year)
                .min()
                .unwrap_or(year);
            let first = baseline.max(year - 15).min(year - 5);
            (first..=year).map(Period::Year).collect()
        }
        other => {
            let mut out = vec![other];
            let mut cursor = other;
            while out.len() < 12 {
                cursor = match cursor.previous_in_year() {
                    Some(p) => p,
                    None => {
                        let last = cursor.previous_year();
                        match last {
                            Period::Quarter(y, _) => Period::Quarter(y, 4),
                            Period::Month(y, _) => Period::Month(y, 12),
                            p => p,
                        }
                    }
                };
                out.push(cursor);
            }
            out.reverse();
            out
        }
    }
}

/// The zone dashboard or a park's: cards, series, children compared, warnings.
#[allow(clippy::too_many_arguments)]
pub async fn dashboard(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    unit: UnitId,
    period: Period,
    basis: Basis,
    focus: Option<&str>,
    english: bool,
) -> Result<Option<Dashboard>, AppError> {
    let hierarchy = monitor.hierarchy(store).await?;
    let tree = hierarchy.as_of(period.last_day());
    if hierarchy.unit(unit).is_none() {
        return Err(AppError::NotFound {
            entity: "unit",
            key: unit.0.to_string(),
        });
    }
    if !may_monitor(principal, unit, &tree) {
        return Err(AppError::Forbidden);
    }
    let Some(targets) = monitor.targets(store).await? else {
        return Ok(None);
    };
    let periods = series_periods(&targets, &hierarchy, unit, period);
    let Some(snapshot) = monitor.snapshot(store, &periods, basis).await? else {
        return Ok(None);
    };
    let catalogue = Arc::clone(&snapshot.catalogue);
    let position = snapshot.index.position(unit).ok_or(AppError::NotFound {
        entity: "unit",
        key: unit.0.to_string(),
    })?;
    let applies: Vec<usize> = (0..catalogue.indicators.len())
        .filter(|i| catalogue.applies_to(*i, period.period_type()))
        .collect();
    let value_at = |p: Period, i: usize| -> Value {
        snapshot
            .computation
            .value(p, i, position)
            .unwrap_or(Err(Unavailable::NoPeriod { period: p }))
    };
    let cards = applies
        .iter()
        .map(|&i| {
            let value = value_at(period, i);
            let previous_year = snapshot
                .computation
                .period(period.previous_year())
                .map(|_| value_at(period.previous_year(), i));
            let target = check(&snapshot, unit, i, period, &value);
            Card {
                indicator: i,
                value,
                previous_year,
                target,
            }
        })
        .collect();
    let series = (0..catalogue.indicators.len())
        .map(|i| {
            periods
                .iter()
                .map(|&p| {
                    let value = value_at(p, i);
                    let checked = check(&snapshot, unit, i, p, &value);
                    let expected = match p {
                        Period::Year(y) => checked.as_ref().and_then(|c| c.target.path_value(y)),
                        _ => None,
                    };
                    SeriesPoint {
                        period: p,
                        value,
                        expected,
                        status: checked.and_then(|c| c.status()),
                    }
                })
                .collect()
        })
        .collect();
    let focus = focus
        .and_then(|code| catalogue.indicator(code))
        .map(|(i, _)| i)
        .filter(|i| applies.contains(i))
        .or_else(|| applies.first().copied())
        .unwrap_or(0);
    let children = tree
        .children(unit)
        .iter()
        .filter_map(|&child| {
            let u = snapshot.hierarchy.unit(child)?;
            let p = snapshot.index.position(child)?;
            let value = snapshot
                .computation
                .value(period, focus, p)
                .unwrap_or(Err(Unavailable::NoPeriod { period }));
            let status = check(&snapshot, child, focus, period, &value).and_then(|c| c.status());
            Some(ChildValue {
                unit: child,
                code: u.code.as_str().to_string(),
                name: u.display_name(english).to_string(),
                kind: u.kind,
                value,
                status,
            })
        })
        .collect();
    let warnings = warnings_within(&snapshot, &tree, unit, period, english);
    let result = snapshot.computation.period(period);
    // An indicator over statistics alone reads no form: count the period's own form.
    let form = catalogue
        .indicators
        .get(focus)
        .and_then(|d| d.form)
        .or_else(|| {
            catalogue
                .forms
                .iter()
                .position(|f| f.period_type == period.period_type())
        });
    let (enterprises, filed) = match (result, form) {
        (Some(r), Some(f)) => (
            r.enterprises[f][position as usize],
            r.filed[f][position as usize],
        ),
        _ => (0, 0),
    };
    let unit_name = unit_name(&snapshot, unit, english);
    Ok(Some(Dashboard {
        snapshot,
        unit,
        unit_name,
        period,
        basis,
        cards,
        series_periods: periods,
        series,
        focus,
        children,
        warnings,
        enterprises,
        filed,
    }))
}

/// Targets of units within `unit` that are behind in `period`, worst first.
fn warnings_within(
    snapshot: &Snapshot,
    tree: &Tree,
    unit: UnitId,
    period: Period,
    english: bool,
) -> Vec<Warning> {
    let Period::Year(year) = period else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for target in &snapshot.targets.targets {
        let Some(u) = snapshot.hierarchy.unit_by_code(&target.unit) else {
            continue;
        };
        if !tree.is_within(u.id, unit) {
            continue;
        }
        let (Some((i, definition)), Some(position)) = (
            snapshot.catalogue.indicator(&target.indicator),
            snapshot.index.position(u.id),
        ) else {
            continue;
        };
        let Some(Ok(value)) = snapshot.computation.value(period, i, position) else {
            continue;
        };
        let Some(comparison) = target.compare(year, value, definition.direction) else {
            continue;
        };
        if comparison.status != TargetStatus::OnTrack {
            out.push(Warning {
                unit: u.id,
                unit_name: u.display_name(english).to_string(),
                indicator: i,
                value,
                comparison,
                target: target.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.comparison
            .shortfall
            .partial_cmp(&a.comparison.shortfall)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

/// How a break-down groups enterprises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// GB/T 4754 sections (A–T).
    Industry,
    /// The highest tier recognised on the period's last day, or none.
    Tier,
    SizeClass,
}

impl Grouping {
    pub fn parse(code: &str) -> Option<Grouping> {
        match code {
            "industry" => Some(Grouping::Industry),
            "tier" => Some(Grouping::Tier),
            "size" => Some(Grouping::SizeClass),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Grouping::Industry => "industry",
            Grouping::Tier => "tier",
            Grouping::SizeClass => "size",
        }
    }
}

/// One enterprise behind a number.
#[derive(Debug, Clone)]
pub struct EnterpriseShare {
    pub enterprise: EnterpriseId,
    pub park: UnitId,
    pub filing: Option<FilingRef>,
    /// What it adds to each term, in the term's base unit.
    pub terms: Vec<Option<f64>>,
}

/// The enterprises behind a drilled number, largest contribution to the first term first,
/// at most `limit` of them, each with its registry record; their reading is recorded in
/// the read audit, as the figures are the enterprises' own filed values.
pub async fn drill_enterprises<'d>(
    store: &dyn Store,
    principal: &Principal,
    drill: &'d Drill,
    limit: Option<usize>,
) -> Result<Vec<(&'d EnterpriseShare, Option<Enterprise>)>, AppError> {
    let mut shares: Vec<&EnterpriseShare> = drill.enterprises.iter().collect();
    let first_term = |s: &EnterpriseShare| {
        s.terms
            .iter()
            .flatten()
            .next()
            .copied()
            .unwrap_or(f64::NEG_INFINITY)
    };
    shares.sort_by(|a, b| first_term(b).total_cmp(&first_term(a)));
    if let Some(n) = limit {
        shares.truncate(n);
    }
    let ids: Vec<EnterpriseId> = shares.iter().map(|s| s.enterprise).collect();
    let mut found = crate::reporting::enterprises_by_id(store, &ids).await?;
    crate::audit::record_reads(
        store,
        principal,
        crate::audit::Read::IndicatorDrill,
        &format!(
            "{} {} {}",
            drill.snapshot.catalogue.indicators[drill.indicator].code, drill.unit.0, drill.period
        ),
        ids.iter().map(|id| id.0),
    )
    .await?;
    Ok(shares
        .into_iter()
        .map(|s| (s, found.remove(&s.enterprise)))
        .collect())
}

/// An indicator for one unit and period, opened up: its formula, its value, the
/// children's values, break-downs and the enterprises behind it.
#[derive(Debug)]
pub struct Drill {
    pub snapshot: Snapshot,
    pub unit: UnitId,
    pub unit_name: String,
    pub period: Period,
    pub indicator: usize,
    pub value: Value,
    pub target: Option<TargetCheck>,
    /// Path from the top down to the unit, for the breadcrumb.
    pub path: Vec<(UnitId, String)>,
    pub children: Vec<ChildValue>,
    /// Group label key and value, per grouping asked for.
    pub groups: Vec<(String, Value)>,
    pub grouping: Grouping,
    /// The terms (catalogue indices) the enterprise columns are for.
    pub terms: Vec<usize>,
    /// Empty for users who do not see enterprise data.
    pub enterprises: Vec<EnterpriseShare>,
    pub statistics: Vec<(usize, Value)>,
}

/// The labels of a grouping's groups: section letters, tier codes (and "none"), size
/// class codes.
pub fn group_keys(grouping: Grouping) -> Vec<String> {
    match grouping {
        Grouping::Industry => ('A'..='T').map(|c| c.to_string()).collect(),
        Grouping::Tier => Tier::ALL
            .iter()
            .map(|t| t.code().to_string())
            .chain(std::iter::once("none".to_string()))
            .collect(),
        Grouping::SizeClass => vec!["above".into(), "below".into()],
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn drill(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    unit: UnitId,
    period: Period,
    indicator_code: &str,
    basis: Basis,
    grouping: Grouping,
    english: bool,
) -> Result<Drill, AppError> {
    use innozone_domain::monitoring::Attribute;
    let hierarchy = monitor.hierarchy(store).await?;
    let tree = hierarchy.as_of(period.last_day());
    if hierarchy.unit(unit).is_none() {
        return Err(AppError::NotFound {
            entity: "unit",
            key: unit.0.to_string(),
        });
    }
    if !may_monitor(principal, unit, &tree) {
        return Err(AppError::Forbidden);
    }
    let snapshot = monitor
        .snapshot(store, &[period], basis)
        .await?
        .ok_or(AppError::NotFound {
            entity: "catalogue",
            key: "current".into(),
        })?;
    let catalogue: Arc<Catalogue> = Arc::clone(&snapshot.catalogue);
    let (indicator, _) = catalogue
        .indicator(indicator_code)
        .ok_or_else(|| AppError::NotFound {
            entity: "indicator",
            key: indicator_code.to_string(),
        })?;
    let position = snapshot.index.position(unit).ok_or(AppError::NotFound {
        entity: "unit",
        key: unit.0.to_string(),
    })?;
    let value = snapshot
        .computation
        .value(period, indicator, position)
        .unwrap_or(Err(Unavailable::NoPeriod { period }));
    let target = check(&snapshot, unit, indicator, period, &value);
    let children = tree
        .children(unit)
        .iter()
        .filter_map(|&child| {
            let u = snapshot.hierarchy.unit(child)?;
            let p = snapshot.index.position(child)?;
            let value = snapshot
                .computation
                .value(period, indicator, p)
                .unwrap_or(Err(Unavailable::NoPeriod { period }));
            let status =
                check(&snapshot, child, indicator, period, &value).and_then(|c| c.status());
            Some(ChildValue {
                unit: child,
                code: u.code.as_str().to_string(),
                name: u.display_name(english).to_string(),
                kind: u.kind,
                value,
                status,
            })
        })
        .collect();
    let keys = group_keys(grouping);
    let group_values = match grouping {
        Grouping::Industry => snapshot.computation.breakdown(
            &catalogue,
            period,
            indicator,
            position,
            keys.len(),
            &|t, r| {
                let class = t.industry[r];
                innozone_domain::registry::IndustryCode::parse(&format!("{class:04}"))
                    .ok()
                    .map(|c| (c.section().letter as u8 - b'A') as usize)
            },
        ),
        Grouping::Tier => snapshot.computation.breakdown(
            &catalogue,
            period,
            indicator,
            position,
            keys.len(),
            &|t, r| {
                // The highest tier held, in the ladder's order from the top.
                let held = Tier::ALL
                    .iter()
                    .rposition(|tier| t.attributes[r].has(Attribute::Tier(*tier)));
                Some(held.unwrap_or(Tier::ALL.len()))
            },
        ),
        Grouping::SizeClass => snapshot.computation.breakdown(
            &catalogue,
            period,
            indicator,
            position,
            keys.len(),
            &|t, r| Some(usize::from(!t.attributes[r].has(Attribute::AboveScale))),
        ),
    };
    let groups = keys.into_iter().zip(group_values).collect();
    let (terms, enterprises) = if principal.sees_enterprises() {
        match snapshot
            .computation
            .contributions(&catalogue, period, indicator, position)
        {
            Some((table, terms, rows)) => {
                let parks = rows
                    .into_iter()
                    .map(|c| EnterpriseShare {
                        enterprise: table.enterprises[c.row],
                        park: snapshot.index.id(table.units[c.row]),
                        filing: table.filings[c.row],
                        terms: c.terms,
                    })
                    .collect();
                (terms, parks)
            }
            None => (catalogue.terms_of(indicator), Vec::new()),
        }
    } else {
        (catalogue.terms_of(indicator), Vec::new())
    };
    let statistics = statistics_of(&catalogue, &snapshot, period, indicator, position);
    let mut path: Vec<(UnitId, String)> = tree
        .path(unit)
        .into_iter()
        .filter(|u| may_monitor(principal, *u, &tree))
        .map(|u| (u, unit_name(&snapshot, u, english)))
        .collect();
    path.dedup();
    Ok(Drill {
        unit_name: unit_name(&snapshot, unit, english),
        unit,
        period,
        indicator,
        value,
        target,
        path,
        children,
        groups,
        grouping,
        terms,
        enterprises,
        statistics,
        snapshot,
    })
}

/// The statistics an indicator reads (through the indicators it names), with their
/// values for the unit, in the statistic's entry unit.
fn statistics_of(
    catalogue: &Catalogue,
    snapshot: &Snapshot,
    period: Period,
    indicator: usize,
    position: u32,
) -> Vec<(usize, Value)> {
    let mut used = BTreeSet::new();
    let mut stack = vec![indicator];
    let mut seen = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        let definition = &catalogue.indicators[i];
        for (s, statistic) in catalogue.statistics.iter().enumerate() {
            if mentions(&definition.formula, &statistic.code) {
                used.insert(s);
            }
        }
        stack.extend(definition.refers_to.iter().copied());
    }
    let result = snapshot.computation.period(period);
    used.into_iter()
        .map(|s| {
            let value = result
                .map(|r| r.statistics[s][position as usize])
                .filter(|v| !v.is_nan())
                .map(|v| v / catalogue.statistics[s].unit.factor())
                .ok_or(Unavailable::MissingStatistic {
                    statistic: s,
                    period,
                });
            (s, value)
        })
        .collect()
}

/// Whether `formula` names `code` as a whole word.
fn mentions(formula: &str, code: &str) -> bool {
    formula
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == code)
}

/// The periods for which indicators can be shown: every opened period of a form the
/// catalogue reads, newest first.
pub async fn monitored_periods(
    store: &dyn Store,
    catalogue: &Catalogue,
) -> Result<Vec<Period>, AppError> {
    let mut out = BTreeSet::new();
    for form in &catalogue.forms {
        for p in store.periods(&form.code).await? {
            out.insert(p.period);
        }
    }
    Ok(out.into_iter().rev().collect())
}

/// The displayed value rounded to the indicator's decimals, for tables and downloads.
pub fn rounded(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    (value * scale).round() / scale
}

/// Whether a period type has indicators in the catalogue.
pub fn has_indicators(catalogue: &Catalogue, period_type: PeriodType) -> bool {
    (0..catalogue.indicators.len()).any(|i| catalogue.applies_to(i, period_type))
}

/// The unit an indicator's value is read in, and whether lower is better.
pub fn reading(catalogue: &Catalogue, indicator: usize) -> (QuantityUnit, Direction) {
    let d = &catalogue.indicators[indicator];
    (d.unit, d.direction)
}
