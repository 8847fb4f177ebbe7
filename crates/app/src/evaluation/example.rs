//! The built-in example's evaluation: the park scheme and the development index scheme
//! installed, the values the zone entered for 2015–2020, and the park evaluation run for
//! each of those years, as the zone would have run it at each year's end.

use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::reporting::Period;
use innozone_example::evaluation as shipped;
use innozone_store::{Actor, NewEvaluationInput, Store};

use super::inputs::evaluated_units;
use super::runs::evaluate;
use super::schemes::check_scheme;
use crate::AppError;
use crate::monitoring::{Basis, Monitor};

/// What the example's evaluation holds once loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationExample {
    pub schemes: usize,
    pub inputs: u64,
    pub runs: usize,
}

/// Installs the example's schemes, records its entered values and runs the park scheme
/// for every year, into a store that has the example's monitoring but no scheme yet.
/// `None` when a scheme is there already or the example's zone is not.
pub async fn load_example(
    store: &dyn Store,
    monitor: &Monitor,
) -> Result<Option<EvaluationExample>, AppError> {
    if !store.latest_schemes().await?.is_empty() {
        return Ok(None);
    }
    let hierarchy = store.hierarchy().await?;
    let Some(zone) = hierarchy.unit_by_code(shipped::ZONE).map(|u| u.id) else {
        return Ok(None);
    };
    let system = Actor::system(crate::clock::now_unix());
    for source in [shipped::PARK_SCHEME, shipped::DEVELOPMENT_INDEX] {
        let scheme = check_scheme(store, source).await?;
        store.save_scheme(&scheme.code, source, &system).await?;
    }
    let last = *shipped::YEARS.end();
    let parks = evaluated_units(&hierarchy, zone, Period::Year(last));
    let codes: Vec<&str> = parks.iter().map(|p| p.code.as_str()).collect();
    let entries: Vec<NewEvaluationInput> = shipped::inputs(&codes)
        .into_iter()
        .filter_map(|i| {
            Some(NewEvaluationInput {
                scheme: shipped::PARK_SCHEME_CODE.to_string(),
                unit: hierarchy.unit_by_code(&i.unit)?.id,
                period: Period::Year(i.year),
                item: i.item.to_string(),
                value: Some(i.value),
                note: Some("示例数据".to_string()),
            })
        })
        .collect();
    let inputs = store.record_evaluation_inputs(&entries, &system).await?;
    // The system runs them, as the zone's office would have.
    let operator = Principal {
        user_id: 0,
        username: system.name.clone(),
        role: Role::Administrator,
        binding: Binding::Everything,
    };
    let mut runs = 0;
    for year in shipped::YEARS {
        evaluate(
            store,
            monitor,
            &operator,
            shipped::PARK_SCHEME_CODE,
            zone,
            Period::Year(year),
            Basis::Approved,
        )
        .await?;
        runs += 1;
    }
    Ok(Some(EvaluationExample {
        schemes: 2,
        inputs,
        runs,
    }))
}
