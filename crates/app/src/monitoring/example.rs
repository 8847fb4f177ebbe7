//! The built-in example's monitoring: the shipped indicator catalogue and targets, and the
//! unit statistics of the example's zones, loaded once the example's forms are in.

use std::collections::BTreeMap;

use innozone_domain::registry::Dataset;
use innozone_domain::reporting::Period;
use innozone_store::{Actor, NewStatistic, Store};

use super::definitions::{check_catalogue, current_catalogue};
use crate::AppError;

/// What the example's monitoring holds once loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitoringExample {
    pub indicators: usize,
    pub targets: usize,
    pub statistics: u64,
}

/// Loads the example's catalogue, targets and statistics into a store that has the
/// example's registry and forms but no catalogue yet. `None` when a catalogue is there.
pub async fn load_example(
    store: &dyn Store,
    dataset: &Dataset,
) -> Result<Option<MonitoringExample>, AppError> {
    if store.latest_catalogue().await?.is_some() {
        return Ok(None);
    }
    let system = Actor::system(crate::clock::now_unix());
    let catalogue = check_catalogue(store, innozone_example::monitoring::INDICATORS).await?;
    store
        .save_catalogue(innozone_example::monitoring::INDICATORS, &system)
        .await?;
    let hierarchy = store.hierarchy().await?;
    let targets = innozone_domain::monitoring::TargetSet::parse(
        innozone_example::monitoring::TARGETS,
        &catalogue,
        &|code| hierarchy.unit_by_code(code).is_some(),
    )?;
    store
        .save_targets(innozone_example::monitoring::TARGETS, &system)
        .await?;
    // Every period of the example's statistics, in one write.
    let mut entries: BTreeMap<(i64, Period, &str), f64> = BTreeMap::new();
    for s in innozone_example::monitoring::statistics(dataset) {
        if let Some(unit) = hierarchy.unit_by_code(&s.unit) {
            entries.insert((unit.id.0, s.period, s.code), s.value);
        }
    }
    let entries: Vec<NewStatistic> = entries
        .into_iter()
        .map(|((unit, period, code), value)| NewStatistic {
            unit: innozone_domain::registry::UnitId(unit),
            period,
            code: code.to_string(),
            value: Some(value),
            note: Some("示例数据".to_string()),
        })
        .collect();
    let recorded = store.record_statistics(&entries, &system).await?;
    debug_assert!(current_catalogue(store).await?.is_some());
    Ok(Some(MonitoringExample {
        indicators: catalogue.indicators.len(),
        targets: targets.targets.len(),
        statistics: recorded,
    }))
}
