//! Unit statistics (地区生产总值, population, fiscal spending…): entered per unit and
//! period by zone staff, one by one on the page or as a filled-in workbook, every entry
//! kept with who made it.

use innozone_domain::accounts::Principal;
use innozone_domain::monitoring::{
    Catalogue, Statistic, UNIT_CODE_COLUMN, UNIT_NAME_COLUMN, read_statistics, statistic_header,
};
use innozone_domain::registry::{Hierarchy, Tree, UnitId, UnitKind};
use innozone_domain::reporting::Period;
use innozone_exchange::{FileFormat, SheetData, Value, read_table};
use innozone_store::{NewStatistic, StatisticRecord, Store};

use super::definitions::current_catalogue;
use crate::AppError;
use crate::accounts::actor_of;

async fn catalogue(store: &dyn Store) -> Result<Catalogue, AppError> {
    current_catalogue(store).await?.ok_or(AppError::NotFound {
        entity: "catalogue",
        key: "current".into(),
    })
}

/// The units statistics are kept for within `unit` on the period's date: the unit itself
/// and everything below it, parks last.
fn units_within(hierarchy: &Hierarchy, tree: &Tree, unit: UnitId) -> Vec<UnitId> {
    let mut units = tree.subtree(unit);
    units.sort_by_key(|u| {
        let kind = hierarchy.unit(*u).map(|u| u.kind);
        (
            kind.map_or(u8::MAX, UnitKind::level),
            hierarchy.unit(*u).map(|u| u.code.as_str().to_string()),
        )
    });
    units
}

/// One unit's statistics for a period, in catalogue order (entry units).
#[derive(Debug, Clone)]
pub struct StatisticsRow {
    pub unit: UnitId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub values: Vec<Option<StatisticRecord>>,
}

/// The statistics of every unit within `unit` for `period`, as entered.
pub async fn statistics_table(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    unit: UnitId,
    period: Period,
    english: bool,
) -> Result<(Catalogue, Vec<StatisticsRow>), AppError> {
    let tree = hierarchy.as_of(period.last_day());
    if !super::may_monitor(principal, unit, &tree) {
        return Err(AppError::Forbidden);
    }
    let catalogue = catalogue(store).await?;
    let records = store.statistics(&[period]).await?;
    let rows = units_within(hierarchy, &tree, unit)
        .into_iter()
        .filter_map(|u| {
            let stored = hierarchy.unit(u)?;
            let values = catalogue
                .statistics
                .iter()
                .map(|s| {
                    records
                        .iter()
                        .find(|r| r.unit == u && r.code == s.code)
                        .cloned()
                })
                .collect();
            Some(StatisticsRow {
                unit: u,
                code: stored.code.as_str().to_string(),
                name: stored.display_name(english).to_string(),
                kind: stored.kind,
                values,
            })
        })
        .collect();
    Ok((catalogue, rows))
}

/// Records values for units and a period: `(unit, statistic code, value or None to
/// clear)`. Zone staff within their zone; all or nothing.
pub async fn record_statistics(
    store: &dyn Store,
    principal: &Principal,
    period: Period,
    values: &[(UnitId, String, Option<f64>)],
    note: Option<&str>,
) -> Result<u64, AppError> {
    let hierarchy = store.hierarchy().await?;
    let tree = hierarchy.as_of(period.last_day());
    let catalogue = catalogue(store).await?;
    let mut entries = Vec::with_capacity(values.len());
    for (unit, code, value) in values {
        if hierarchy.unit(*unit).is_none() {
            return Err(AppError::UnknownReference {
                entity: "unit",
                key: unit.0.to_string(),
            });
        }
        if !principal.may_write_unit(*unit, &tree) {
            return Err(AppError::Forbidden);
        }
        if catalogue.statistic(code).is_none() {
            return Err(AppError::UnknownReference {
                entity: "statistic",
                key: code.clone(),
            });
        }
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(AppError::File(format!("{code}: not a number")));
        }
        entries.push(NewStatistic {
            unit: *unit,
            period,
            code: code.clone(),
            value: *value,
            note: note.map(str::to_string),
        });
    }
    Ok(store
        .record_statistics(&entries, &actor_of(principal))
        .await?)
}

/// One statistic entered for one unit and period, and what the unit's entries for that
/// period are afterwards.
#[derive(Debug, Clone)]
pub struct StatisticEntry {
    /// Whether a new entry was recorded: the same value as the one in force records
    /// nothing, so sending it again is harmless.
    pub changed: bool,
    /// The entry in force afterwards (the latest), if any.
    pub current: Option<StatisticRecord>,
    /// How many entries the unit has for this statistic and period, history included.
    pub entries: usize,
}

/// Enters one unit's value of one statistic for a period (None clears it), with an
/// optional note. The statistic must be in the catalogue in force, and the principal
/// must be allowed to write for the unit on the period's last day.
#[allow(clippy::too_many_arguments)]
pub async fn enter_statistic(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    unit: UnitId,
    period: Period,
    code: &str,
    value: Option<f64>,
    note: Option<&str>,
) -> Result<StatisticEntry, AppError> {
    let catalogue = catalogue(store).await?;
    if catalogue.statistic(code).is_none() {
        return Err(AppError::UnknownReference {
            entity: "statistic",
            key: code.to_string(),
        });
    }
    if !principal.may_write_unit(unit, &hierarchy.as_of(period.last_day())) {
        return Err(AppError::Forbidden);
    }
    let of_period = |history: Vec<StatisticRecord>| -> Vec<StatisticRecord> {
        history.into_iter().filter(|r| r.period == period).collect()
    };
    let before = of_period(store.statistic_history(unit, code).await?);
    let in_force = before.iter().max_by_key(|r| r.id).and_then(|r| r.value);
    let changed = in_force != value;
    if changed {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        record_statistics(
            store,
            principal,
            period,
            &[(unit, code.to_string(), value)],
            note,
        )
        .await?;
    }
    let after = of_period(store.statistic_history(unit, code).await?);
    let current = after.iter().max_by_key(|r| r.id).cloned();
    Ok(StatisticEntry {
        changed,
        current,
        entries: after.len(),
    })
}

/// A workbook to fill in: one row per unit within `unit`, one column per statistic,
/// with the values entered so far.
pub async fn statistics_template(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    unit: UnitId,
    period: Period,
) -> Result<SheetData, AppError> {
    let (catalogue, rows) =
        statistics_table(store, hierarchy, principal, unit, period, false).await?;
    let mut headers = vec![
        UNIT_CODE_COLUMN.1.to_string(),
        UNIT_NAME_COLUMN.1.to_string(),
    ];
    headers.extend((0..catalogue.statistics.len()).map(|s| statistic_header(&catalogue, s)));
    let rows = rows
        .into_iter()
        .map(|r| {
            let mut cells = vec![Value::Text(r.code), Value::Text(r.name)];
            cells.extend(
                r.values
                    .into_iter()
                    .map(|v| v.and_then(|v| v.value).map_or(Value::Empty, Value::Number)),
            );
            cells
        })
        .collect();
    Ok(SheetData {
        name: format!("统计数据 {period}"),
        headers,
        rows,
    })
}

/// What a statistics upload holds, or held once committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsUpload {
    pub values: usize,
    pub units: usize,
    pub committed: bool,
}

/// Reads a filled-in statistics workbook (or CSV) for `period`; with `commit`, records
/// its values, else only checks it. Every problem is reported with its place and nothing
/// is recorded unless the whole file is right.
pub async fn upload_statistics(
    store: &dyn Store,
    principal: &Principal,
    period: Period,
    file_name: &str,
    bytes: &[u8],
    commit: bool,
) -> Result<StatisticsUpload, AppError> {
    let format = FileFormat::from_file_name(file_name)
        .ok_or_else(|| AppError::File(format!("{file_name}: xlsx or csv expected")))?;
    let table =
        read_table(file_name, bytes, format, None).map_err(|e| AppError::File(e.to_string()))?;
    let hierarchy = store.hierarchy().await?;
    let catalogue = catalogue(store).await?;
    let entries = read_statistics(&table, &catalogue, &|code| {
        hierarchy.unit_by_code(code).is_some()
    })
    .map_err(AppError::Statistics)?;
    let values: Vec<(UnitId, String, Option<f64>)> = entries
        .iter()
        .filter_map(|e| {
            let unit = hierarchy.unit_by_code(&e.unit)?;
            Some((
                unit.id,
                catalogue.statistics[e.statistic].code.clone(),
                Some(e.value),
            ))
        })
        .collect();
    let mut units: Vec<UnitId> = values.iter().map(|v| v.0).collect();
    units.sort_unstable();
    units.dedup();
    let tree = hierarchy.as_of(period.last_day());
    if units.iter().any(|u| !principal.may_write_unit(*u, &tree)) {
        return Err(AppError::Forbidden);
    }
    if commit && !values.is_empty() {
        record_statistics(store, principal, period, &values, Some(file_name)).await?;
    }
    Ok(StatisticsUpload {
        values: values.len(),
        units: units.len(),
        committed: commit,
    })
}

/// Every entry of one unit's statistic for a period, newest first, with the statistic's
/// definition: nothing entered is ever lost, a change or a clearing only adds an entry.
/// Who may monitor the unit may read it.
pub async fn statistic_history(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    unit: UnitId,
    period: Period,
    code: &str,
) -> Result<(Statistic, Vec<StatisticRecord>), AppError> {
    if !super::may_monitor(principal, unit, &hierarchy.as_of(period.last_day())) {
        return Err(AppError::Forbidden);
    }
    let catalogue = catalogue(store).await?;
    let (_, statistic) = catalogue
        .statistic(code)
        .ok_or_else(|| AppError::NotFound {
            entity: "statistic",
            key: code.to_string(),
        })?;
    let mut entries: Vec<StatisticRecord> = store
        .statistic_history(unit, &statistic.code)
        .await?
        .into_iter()
        .filter(|r| r.period == period)
        .collect();
    entries.sort_by_key(|r| std::cmp::Reverse(r.id));
    Ok((statistic.clone(), entries))
}
