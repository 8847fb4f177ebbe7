//! Entering what an evaluation needs besides the monitoring figures (review marks, the
//! occurrences of bonus and penalty items, vetoes), per unit and year: checked against the
//! scheme as a whole first, every problem with its unit and item, then written all or
//! nothing, every entry kept.

use std::collections::HashMap;

use innozone_domain::accounts::{Principal, Role};
use innozone_domain::evaluation::inputs::{InputIssue, InputItem, InputProblem};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::registry::{Hierarchy, Tree, UnitId, UnitKind};
use innozone_domain::reporting::Period;
use innozone_store::{EvaluationInputRecord, NewEvaluationInput, Store};

use super::kept::RunUnit;
use super::schemes::current_scheme;
use crate::AppError;
use crate::accounts::actor_of;

/// Zone staff enter for the units of their node, evaluators (a review panel) for the units
/// they are bound to.
pub fn may_enter_for(principal: &Principal, unit: UnitId, tree: &Tree) -> bool {
    match principal.role {
        Role::Administrator | Role::ZoneStaff => principal.may_write_unit(unit, tree),
        Role::Evaluator => principal.may_read_unit(unit, tree),
        _ => false,
    }
}

/// The parks below `scope` on the period's last day, ordered by code: the units a scheme
/// evaluates.
pub fn evaluated_units(hierarchy: &Hierarchy, scope: UnitId, period: Period) -> Vec<RunUnit> {
    let tree = hierarchy.as_of(period.last_day());
    let mut units: Vec<RunUnit> = tree
        .subtree(scope)
        .into_iter()
        .filter_map(|id| hierarchy.unit(id))
        .filter(|u| u.kind == UnitKind::Park)
        .map(|u| RunUnit {
            id: u.id.0,
            code: u.code.to_string(),
            name_zh: u.name_zh.clone(),
            name_en: u.name_en.clone(),
        })
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    units
}

/// One entry as given: for a unit (by code), a period and an item of the scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct InputEntry {
    pub unit: String,
    pub period: Period,
    pub item: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// Records entries for the scheme `scheme_code` in force. Every entry is checked first;
/// any problem refuses them all.
pub async fn record_inputs(
    store: &dyn Store,
    principal: &Principal,
    scheme_code: &str,
    entries: &[InputEntry],
) -> Result<u64, AppError> {
    let (scheme, _) = current_scheme(store, scheme_code).await?;
    let hierarchy = store.hierarchy().await?;
    let mut issues = Vec::new();
    let mut accepted = Vec::with_capacity(entries.len());
    for e in entries {
        let issue = |problem| InputIssue {
            unit: e.unit.clone(),
            period: e.period,
            item: e.item.clone(),
            problem,
        };
        let Some(unit) = hierarchy.unit_by_code(&e.unit) else {
            issues.push(issue(InputProblem::UnknownUnit(e.unit.clone())));
            continue;
        };
        let tree = hierarchy.as_of(e.period.last_day());
        if !may_enter_for(principal, unit.id, &tree) {
            issues.push(issue(InputProblem::OutsideScope(e.unit.clone())));
            continue;
        }
        match scheme.check_input(&e.item, e.value) {
            Ok(_) => accepted.push(NewEvaluationInput {
                scheme: scheme.code.clone(),
                unit: unit.id,
                period: e.period,
                item: e.item.clone(),
                value: e.value,
                note: e.note.clone(),
            }),
            Err(problem) => issues.push(issue(problem)),
        }
    }
    if !issues.is_empty() {
        return Err(AppError::EvaluationInputs(issues));
    }
    if accepted.is_empty() {
        return Ok(0);
    }
    Ok(store
        .record_evaluation_inputs(&accepted, &actor_of(principal))
        .await?)
}

/// The entered values of a scheme for the parks of `scope` in a period, one row per park
/// the user enters for, one column per item.
#[derive(Debug, Clone)]
pub struct InputSheet {
    pub scheme: Scheme,
    pub period: Period,
    pub units: Vec<RunUnit>,
    pub items: Vec<(InputItem, String)>,
    /// `values[unit][item]`.
    pub values: Vec<Vec<Option<f64>>>,
    /// The entries in force of the scheme for the period, with who made each.
    pub entries: Vec<EvaluationInputRecord>,
}

pub async fn input_sheet(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    scheme_code: &str,
    scope: UnitId,
    period: Period,
) -> Result<InputSheet, AppError> {
    let (scheme, _) = current_scheme(store, scheme_code).await?;
    let tree = hierarchy.as_of(period.last_day());
    let units: Vec<RunUnit> = evaluated_units(hierarchy, scope, period)
        .into_iter()
        .filter(|u| may_enter_for(principal, UnitId(u.id), &tree))
        .collect();
    if units.is_empty() {
        return Err(AppError::Forbidden);
    }
    let items: Vec<(InputItem, String)> = scheme
        .input_items()
        .into_iter()
        .map(|(i, c)| (i, c.to_string()))
        .collect();
    let stored = store.evaluation_inputs(&scheme.code, &[period]).await?;
    let by_key: HashMap<(i64, &str), f64> = stored
        .iter()
        .filter_map(|r| r.value.map(|v| ((r.unit.0, r.item.as_str()), v)))
        .collect();
    let values = units
        .iter()
        .map(|u| {
            items
                .iter()
                .map(|(_, code)| by_key.get(&(u.id, code.as_str())).copied())
                .collect()
        })
        .collect();
    Ok(InputSheet {
        scheme,
        period,
        units,
        items,
        values,
        entries: stored,
    })
}

/// Every entry of one park's item for a period, newest first: the history behind a value
/// of the input sheet. Who may enter for the park may read it.
pub async fn input_history(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    scheme_code: &str,
    unit: UnitId,
    item: &str,
    period: Period,
) -> Result<(Scheme, Vec<EvaluationInputRecord>), AppError> {
    if !may_enter_for(principal, unit, &hierarchy.as_of(period.last_day())) {
        return Err(AppError::Forbidden);
    }
    let (scheme, _) = current_scheme(store, scheme_code).await?;
    let mut entries: Vec<EvaluationInputRecord> = store
        .evaluation_input_history(&scheme.code, unit, item)
        .await?
        .into_iter()
        .filter(|r| r.period == period)
        .collect();
    entries.sort_by_key(|r| std::cmp::Reverse(r.id));
    Ok((scheme, entries))
}
