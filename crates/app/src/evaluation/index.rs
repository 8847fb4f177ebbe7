//! The development index (发展指数) of a unit over the years from a scheme of monitoring
//! indicators, base year = 100, each year split into the dimensions' contributions.

use std::collections::HashMap;

use innozone_domain::accounts::{Principal, Role};
use innozone_domain::evaluation::index::{DevelopmentIndex, development_index};
use innozone_domain::evaluation::scheme::{Scheme, Source};
use innozone_domain::registry::UnitId;
use innozone_domain::reporting::Period;
use innozone_store::Store;

use super::schemes::current_scheme;
use crate::AppError;
use crate::monitoring::{Basis, Monitor};

#[derive(Debug, Clone)]
pub struct IndexView {
    pub scheme: Scheme,
    pub unit: UnitId,
    pub index: DevelopmentIndex,
    /// Each indicator's values in the index's years, by the scheme's indicator code.
    pub values: HashMap<String, Vec<Option<f64>>>,
    pub years: Vec<i32>,
}

/// The index is published: everyone but enterprise filers reads it for the units they see.
fn may_read_index(
    principal: &Principal,
    unit: UnitId,
    tree: &innozone_domain::registry::Tree,
) -> bool {
    principal.role != Role::EnterpriseFiler && principal.may_read_unit(unit, tree)
}

/// The index of `unit` from `base_year` to `last_year` (years after the base with no
/// value at all are left out at the end).
#[allow(clippy::too_many_arguments)]
pub async fn index_view(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    scheme_code: &str,
    unit: UnitId,
    base_year: i32,
    last_year: i32,
    basis: Basis,
) -> Result<IndexView, AppError> {
    let hierarchy = monitor.hierarchy(store).await?;
    let tree = hierarchy.as_of(Period::Year(last_year).last_day());
    if !may_read_index(principal, unit, &tree) {
        return Err(AppError::Forbidden);
    }
    let (scheme, _) = current_scheme(store, scheme_code).await?;
    let periods: Vec<Period> = (base_year..=last_year).map(Period::Year).collect();
    let snapshot = monitor
        .snapshot(store, &periods, basis)
        .await?
        .ok_or(AppError::NotFound {
            entity: "catalogue",
            key: "current".to_string(),
        })?;
    let position = snapshot.index.position(unit);
    let mut values: HashMap<String, Vec<Option<f64>>> = HashMap::new();
    for (_, node) in scheme.indicators() {
        let series = periods
            .iter()
            .map(|&p| {
                let Some(Source::Monitoring(code)) = node.indicator().map(|s| &s.source) else {
                    return None;
                };
                let (i, _) = snapshot.catalogue.indicator(code)?;
                snapshot.computation.value(p, i, position?)?.ok()
            })
            .collect();
        values.insert(node.code.clone(), series);
    }
    // The years up to the last one with any value.
    let kept = (0..periods.len())
        .rev()
        .find(|&k| values.values().any(|s| s[k].is_some()))
        .map_or(1, |k| k + 1);
    let years: Vec<i32> = (base_year..=last_year).take(kept).collect();
    for series in values.values_mut() {
        series.truncate(kept);
    }
    let index = development_index(&scheme, base_year, &years, &values)?;
    Ok(IndexView {
        scheme,
        unit,
        index,
        values,
        years,
    })
}
