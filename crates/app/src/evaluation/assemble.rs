//! Gathers what a run of a scheme needs for the parks of a scope in a period: each
//! monitoring indicator's value for every park (divided by the indicator's denominator
//! where the scheme gives one), the entered values, the occurrences of the bonus and
//! penalty items and the vetoes, and the same values a year before for last-value
//! imputation.

use std::collections::HashMap;

use innozone_domain::evaluation::inputs::InputItem;
use innozone_domain::evaluation::scheme::{Scheme, Source};
use innozone_domain::registry::UnitId;
use innozone_domain::reporting::Period;
use innozone_store::Store;

use super::inputs::evaluated_units;
use super::kept::{RunInputs, RunUnit};
use crate::AppError;
use crate::monitoring::{Basis, Monitor, Snapshot};

/// The inputs of a run of `scheme` over the parks below `scope` in `period`.
pub async fn assemble(
    store: &dyn Store,
    monitor: &Monitor,
    scheme: &Scheme,
    scope: UnitId,
    period: Period,
    basis: Basis,
) -> Result<RunInputs, AppError> {
    let hierarchy = monitor.hierarchy(store).await?;
    let units = evaluated_units(&hierarchy, scope, period);
    if units.is_empty() {
        return Err(AppError::NotFound {
            entity: "parks",
            key: hierarchy
                .unit(scope)
                .map_or_else(|| scope.0.to_string(), |u| u.code.to_string()),
        });
    }
    let uses_monitoring = scheme.indicators().any(|(_, n)| {
        n.indicator()
            .is_some_and(|s| matches!(s.source, Source::Monitoring(_)))
    });
    let previous = period.previous_year();
    let snapshot = if uses_monitoring {
        Some(
            monitor
                .snapshot(store, &[period, previous], basis)
                .await?
                .ok_or(AppError::NotFound {
                    entity: "catalogue",
                    key: "current".to_string(),
                })?,
        )
    } else {
        None
    };
    let stored = store
        .evaluation_inputs(&scheme.code, &[period, previous])
        .await?;
    let mut entered: HashMap<(Period, i64, &str), f64> = HashMap::new();
    for r in &stored {
        if let Some(v) = r.value {
            entered.insert((r.period, r.unit.0, r.item.as_str()), v);
        }
    }

    let indicators: Vec<String> = scheme.indicators().map(|(_, n)| n.code.clone()).collect();
    let values_in = |p: Period| -> Vec<Vec<Option<f64>>> {
        units
            .iter()
            .map(|u| {
                scheme
                    .indicators()
                    .map(|(_, node)| {
                        let spec = node.indicator().expect("an indicator node");
                        let raw = match &spec.source {
                            Source::Entered => entered.get(&(p, u.id, node.code.as_str())).copied(),
                            Source::Monitoring(code) => snapshot
                                .as_ref()
                                .and_then(|s| monitoring_value(s, code, p, u)),
                        };
                        let Some(den) = &spec.denominator else {
                            return raw;
                        };
                        let by = snapshot
                            .as_ref()
                            .and_then(|s| statistic_value(s, den, p, u));
                        match (raw, by) {
                            (Some(v), Some(d)) if d != 0.0 => Some(v / d),
                            _ => None,
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let values = values_in(period);
    let before = values_in(previous);
    let previous_values = before
        .iter()
        .any(|row| row.iter().any(Option::is_some))
        .then_some(before);

    let occurrences = units
        .iter()
        .map(|u| {
            scheme
                .adjustments
                .iter()
                .map(|a| {
                    entered
                        .get(&(period, u.id, a.code.as_str()))
                        .map_or(0, |&v| v as u32)
                })
                .collect()
        })
        .collect();
    let vetoes = units
        .iter()
        .map(|u| {
            scheme
                .input_items()
                .into_iter()
                .filter(|(item, code)| {
                    matches!(item, InputItem::Veto(_))
                        && entered
                            .get(&(period, u.id, *code))
                            .is_some_and(|&v| v >= 1.0)
                })
                .map(|(_, code)| code.to_string())
                .collect()
        })
        .collect();
    Ok(RunInputs {
        units,
        indicators,
        values,
        previous: previous_values,
        occurrences,
        vetoes,
    })
}

fn position(snapshot: &Snapshot, unit: &RunUnit) -> Option<u32> {
    snapshot.index.position(UnitId(unit.id))
}

/// A monitoring indicator's value for the unit, in the indicator's unit; none when it
/// cannot be computed (its reason is the monitoring pages' to show).
fn monitoring_value(
    snapshot: &Snapshot,
    code: &str,
    period: Period,
    unit: &RunUnit,
) -> Option<f64> {
    let (i, _) = snapshot.catalogue.indicator(code)?;
    let at = position(snapshot, unit)?;
    snapshot.computation.value(period, i, at)?.ok()
}

/// A statistic's value for the unit, in its entry unit (as the scheme's author reads it).
fn statistic_value(snapshot: &Snapshot, code: &str, period: Period, unit: &RunUnit) -> Option<f64> {
    let (s, statistic) = snapshot.catalogue.statistic(code)?;
    let at = position(snapshot, unit)?;
    let base = *snapshot
        .computation
        .period(period)?
        .statistics
        .get(s)?
        .get(at as usize)?;
    base.is_finite().then(|| base / statistic.unit.factor())
}
