//! Runs: a scheme applied to the parks of a scope for a year, kept once and never changed.
//! Running again on unchanged data gives back the run already kept; running after the
//! data changed keeps a new run and says what moved against the one before.

use std::collections::{BTreeMap, HashMap};

use innozone_domain::accounts::{Principal, Role};
use innozone_domain::evaluation::run::run;
use innozone_domain::evaluation::scheme::{Flag, Scheme, consequences};
use innozone_domain::registry::{Hierarchy, Tree, UnitId};
use innozone_domain::reporting::Period;
use innozone_store::{EvaluationRunSummary, NewEvaluationRun, Store};

use super::assemble::assemble;
use super::inputs::may_enter_for;
use super::kept::{KeptRun, RunInputs, RunOutcome};
use super::schemes::{current_scheme, scheme_version};
use crate::AppError;
use crate::accounts::actor_of;
use crate::monitoring::{Basis, Monitor};

/// Who may make a run: zone staff and evaluators for the scope they enter values for.
pub fn may_run(
    principal: &Principal,
    scope: UnitId,
    hierarchy: &Hierarchy,
    period: Period,
) -> bool {
    may_enter_for(principal, scope, &hierarchy.as_of(period.last_day()))
}

/// Who may read results: everybody but filers and the public, within their node. A user
/// bound to a park reads that park's result only.
fn may_read(principal: &Principal, unit: UnitId, tree: &Tree) -> bool {
    !matches!(principal.role, Role::EnterpriseFiler | Role::Public)
        && principal.may_read_unit(unit, tree)
}

/// What a request to run gave.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub run: EvaluationRunSummary,
    /// False when the data had not changed since the last run, which is given back.
    pub created: bool,
}

/// Runs the scheme `scheme_code` in force over the parks below `scope` for `period`.
pub async fn evaluate(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    scheme_code: &str,
    scope: UnitId,
    period: Period,
    basis: Basis,
) -> Result<Evaluated, AppError> {
    let hierarchy = monitor.hierarchy(store).await?;
    if !may_run(principal, scope, &hierarchy, period) {
        return Err(AppError::Forbidden);
    }
    let (scheme, record) = current_scheme(store, scheme_code).await?;
    let inputs = assemble(store, monitor, &scheme, scope, period, basis).await?;
    let digest = inputs.digest(record.id);
    let before = latest_of(store, &scheme.code, scope, basis, period).await?;
    if let Some(before) = before.filter(|b| b.inputs_digest == digest) {
        return Ok(Evaluated {
            run: before,
            created: false,
        });
    }
    let result = run(&scheme, &inputs.data(), &inputs.options())?;
    let outcome = RunOutcome::from_result(&scheme, &inputs, &result);
    let new = NewEvaluationRun {
        scheme: scheme.code.clone(),
        scheme_version: record.id,
        period,
        scope,
        basis: basis.code().to_string(),
        inputs_digest: digest,
        inputs: serde_json::to_string(&inputs).map_err(|e| AppError::File(e.to_string()))?,
        result: serde_json::to_string(&outcome).map_err(|e| AppError::File(e.to_string()))?,
    };
    let run = store
        .save_evaluation_run(&new, &actor_of(principal))
        .await?;
    Ok(Evaluated { run, created: true })
}

/// The latest kept run of a scheme, scope, basis and period.
async fn latest_of(
    store: &dyn Store,
    scheme: &str,
    scope: UnitId,
    basis: Basis,
    period: Period,
) -> Result<Option<EvaluationRunSummary>, AppError> {
    Ok(store
        .evaluation_runs(Some(scheme))
        .await?
        .into_iter()
        .find(|r| r.scope == scope && r.basis == basis.code() && r.period == period))
}

async fn load(store: &dyn Store, id: i64) -> Result<KeptRun, AppError> {
    let record = store
        .evaluation_run(id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "evaluation_run",
            key: id.to_string(),
        })?;
    KeptRun::parse(record)
}

/// The kept runs the user may read something of, newest first.
pub async fn visible_runs(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
) -> Result<Vec<EvaluationRunSummary>, AppError> {
    let runs = store.evaluation_runs(None).await?;
    // One tree per period, not one per run and unit.
    let mut trees: HashMap<Period, Tree> = HashMap::new();
    Ok(runs
        .into_iter()
        .filter(|r| {
            let tree = trees
                .entry(r.period)
                .or_insert_with(|| hierarchy.as_of(r.period.last_day()));
            may_read(principal, r.scope, tree)
                || tree
                    .subtree(r.scope)
                    .into_iter()
                    .any(|u| u != r.scope && may_read(principal, u, tree))
        })
        .collect())
}

/// How a unit moved between two runs.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMove {
    pub unit: String,
    pub total: (Option<f64>, Option<f64>),
    pub rank: (Option<u32>, Option<u32>),
    pub grade: (Option<String>, Option<String>),
}

/// An input value that differs between two runs.
#[derive(Debug, Clone, PartialEq)]
pub struct InputChange {
    pub unit: String,
    pub indicator: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// What moved between an earlier run of the same scheme, scope, basis and year and this.
#[derive(Debug, Clone)]
pub struct Movement {
    pub earlier: EvaluationRunSummary,
    pub scheme_changed: bool,
    pub units: Vec<UnitMove>,
    pub inputs: Vec<InputChange>,
}

fn differs(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0),
        (None, None) => false,
        _ => true,
    }
}

/// Compares two runs unit by unit (units only in one of them count as moved).
pub fn movement(earlier: &KeptRun, later: &KeptRun) -> Movement {
    let mut units = Vec::new();
    let mut codes: Vec<&str> = later.inputs.units.iter().map(|u| u.code.as_str()).collect();
    for u in &earlier.inputs.units {
        if !codes.contains(&u.code.as_str()) {
            codes.push(&u.code);
        }
    }
    for code in codes {
        let before = earlier.unit(code).map(|(_, o)| o);
        let after = later.unit(code).map(|(_, o)| o);
        let m = UnitMove {
            unit: code.to_string(),
            total: (before.and_then(|o| o.total), after.and_then(|o| o.total)),
            rank: (before.and_then(|o| o.rank), after.and_then(|o| o.rank)),
            grade: (
                before.and_then(|o| o.grade.clone()),
                after.and_then(|o| o.grade.clone()),
            ),
        };
        if differs(m.total.0, m.total.1) || m.rank.0 != m.rank.1 || m.grade.0 != m.grade.1 {
            units.push(m);
        }
    }
    let mut inputs = Vec::new();
    for (u, unit) in later.inputs.units.iter().enumerate() {
        for (k, indicator) in later.inputs.indicators.iter().enumerate() {
            let after = later.inputs.values[u][k];
            let before = earlier.inputs.unit(&unit.code).and_then(|eu| {
                let ek = earlier
                    .inputs
                    .indicators
                    .iter()
                    .position(|c| c == indicator)?;
                earlier.inputs.values[eu][ek]
            });
            if differs(before, after) {
                inputs.push(InputChange {
                    unit: unit.code.clone(),
                    indicator: indicator.clone(),
                    before,
                    after,
                });
            }
        }
    }
    Movement {
        earlier: earlier.summary.clone(),
        scheme_changed: earlier.summary.scheme_version != later.summary.scheme_version,
        units,
        inputs,
    }
}

/// One year of a unit's record under a scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct YearResult {
    pub year: i32,
    pub run: i64,
    pub total: Option<f64>,
    pub rank: Option<u32>,
    pub grade: Option<String>,
}

/// A kept run as the user may see it, with its context.
#[derive(Debug, Clone)]
pub struct RunView {
    pub run: KeptRun,
    /// The scheme version that was run.
    pub scheme: Scheme,
    /// Unit positions the user may see, best rank first (unranked last, by code).
    pub visible: Vec<usize>,
    /// Whether the user sees every unit (and so the whole ranking).
    pub sees_all: bool,
    /// The latest run of the year before (same scheme, scope and basis).
    pub last_year: Option<KeptRun>,
    /// `record[unit]`: the unit's results in the latest run of every year up to this one.
    pub record: Vec<Vec<YearResult>>,
    /// `flags[unit]`: the consequences that fall on the unit this year.
    pub flags: Vec<Vec<Flag>>,
    /// What moved since the run before this one of the same year, if any.
    pub movement: Option<Movement>,
}

impl RunView {
    /// The change of a unit's total and rank on last year.
    pub fn change_on_last_year(&self, unit: usize) -> (Option<f64>, Option<i64>) {
        let code = &self.run.inputs.units[unit].code;
        let now = &self.run.outcome.units[unit];
        let Some((_, before)) = self.last_year.as_ref().and_then(|l| l.unit(code)) else {
            return (None, None);
        };
        (
            now.total.zip(before.total).map(|(a, b)| a - b),
            now.rank
                .zip(before.rank)
                .map(|(a, b)| i64::from(b) - i64::from(a)),
        )
    }
}

/// A kept run for the user: everything when the user sees its scope, else only the parks
/// the user is bound to; refused when the user sees none of it.
pub async fn run_view(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    id: i64,
) -> Result<RunView, AppError> {
    let run = load(store, id).await?;
    let period = run.summary.period;
    let tree = hierarchy.as_of(period.last_day());
    let sees_all = may_read(principal, run.summary.scope, &tree);
    let mut visible: Vec<usize> = (0..run.inputs.units.len())
        .filter(|&u| sees_all || may_read(principal, UnitId(run.inputs.units[u].id), &tree))
        .collect();
    if visible.is_empty() {
        return Err(AppError::Forbidden);
    }
    visible.sort_by(|&a, &b| {
        let ra = run.outcome.units[a].rank.unwrap_or(u32::MAX);
        let rb = run.outcome.units[b].rank.unwrap_or(u32::MAX);
        ra.cmp(&rb)
            .then_with(|| run.inputs.units[a].code.cmp(&run.inputs.units[b].code))
    });
    let (scheme, _) = scheme_version(store, run.summary.scheme_version).await?;

    // The latest run of every year, same scheme, scope and basis: the record.
    let same: Vec<EvaluationRunSummary> = store
        .evaluation_runs(Some(&run.summary.scheme))
        .await?
        .into_iter()
        .filter(|r| {
            r.scope == run.summary.scope
                && r.basis == run.summary.basis
                && r.period.period_type() == period.period_type()
        })
        .collect();
    let mut latest_by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for r in &same {
        let year = r.period.year();
        if year < period.year() {
            latest_by_year.entry(year).or_insert(r.id);
        }
    }
    latest_by_year.insert(period.year(), run.summary.id);
    let mut by_year: BTreeMap<i32, KeptRun> = BTreeMap::new();
    for (&year, &rid) in &latest_by_year {
        let kept = if rid == run.summary.id {
            run.clone()
        } else {
            load(store, rid).await?
        };
        by_year.insert(year, kept);
    }
    let record: Vec<Vec<YearResult>> = run
        .inputs
        .units
        .iter()
        .map(|u| {
            by_year
                .iter()
                .filter_map(|(&year, k)| {
                    k.unit(&u.code).map(|(_, o)| YearResult {
                        year,
                        run: k.summary.id,
                        total: o.total,
                        rank: o.rank,
                        grade: o.grade.clone(),
                    })
                })
                .collect()
        })
        .collect();
    let flags = record
        .iter()
        .map(|years| {
            let history: Vec<(i32, &str)> = years
                .iter()
                .filter_map(|y| y.grade.as_deref().map(|g| (y.year, g)))
                .collect();
            consequences(&history, &scheme.consequences)
                .into_iter()
                .filter(|f| f.year == period.year())
                .collect()
        })
        .collect();
    let last_year = by_year.get(&(period.year() - 1)).cloned();
    let earlier = same
        .iter()
        .filter(|r| r.period == period && r.id < run.summary.id)
        .map(|r| r.id)
        .max();
    let movement = match earlier {
        Some(e) if sees_all => Some(movement(&load(store, e).await?, &run)),
        _ => None,
    };
    Ok(RunView {
        run,
        scheme,
        visible,
        sees_all,
        last_year,
        record,
        flags,
        movement,
    })
}

/// The inputs of a kept run, for re-running it under other choices (robustness).
pub async fn run_inputs(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    id: i64,
) -> Result<(Scheme, RunInputs), AppError> {
    let view = run_view(store, hierarchy, principal, id).await?;
    if !view.sees_all {
        // The robustness of ranks is about every unit's values.
        return Err(AppError::Forbidden);
    }
    Ok((view.scheme, view.run.inputs))
}
