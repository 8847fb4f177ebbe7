//! How robust a kept run's ranks are to the choices its scheme makes: the Monte Carlo
//! uncertainty of each park's rank and the variance-based sensitivity of the ranks to each
//! group of choices, computed from the run's kept inputs with a seed fixed by the run, so
//! that the same run always shows the same figures.

use innozone_domain::accounts::Principal;
use innozone_domain::evaluation::robustness::{FactorGroup, Robustness, RobustnessOptions};
use innozone_domain::evaluation::sensitivity::{Sensitivity, Settings, Uncertainty};
use innozone_domain::registry::Hierarchy;
use innozone_store::Store;

use super::runs::run_inputs;
use crate::AppError;

/// Replications of the uncertainty analysis: enough for stable 5th and 95th percentiles
/// of a few dozen parks.
pub const REPLICATIONS: usize = 4_000;
/// Rows of the Saltelli design (the model runs N × (groups + 2) times).
pub const BASE_SAMPLES: usize = 1_000;
/// Bootstrap resamples behind the sensitivity indices' confidence intervals.
pub const BOOTSTRAP: usize = 500;

#[derive(Debug, Clone)]
pub struct RunRobustness {
    /// The options varied (±25 % weights, arithmetic or geometric means, min-max, z-score
    /// or rank scoring: the defaults of `RobustnessOptions`).
    pub options: RobustnessOptions,
    /// Per unit of the run, in its order.
    pub uncertainty: Uncertainty,
    pub groups: Vec<FactorGroup>,
    pub sensitivity: Sensitivity,
}

pub async fn run_robustness(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    id: i64,
) -> Result<RunRobustness, AppError> {
    let (scheme, inputs) = run_inputs(store, hierarchy, principal, id).await?;
    let settings = Settings {
        seed: id as u64,
        threads: 0,
        bootstrap: BOOTSTRAP,
    };
    let options = RobustnessOptions::default();
    // CPU work of a few hundred milliseconds at most: off the request threads.
    tokio::task::spawn_blocking(move || {
        let model = Robustness::new(&scheme, &inputs.data(), &inputs.options(), options.clone())?;
        let uncertainty = model.uncertainty(REPLICATIONS, &settings)?;
        let (groups, sensitivity) = model.sensitivity(BASE_SAMPLES, &settings)?;
        Ok(RunRobustness {
            options,
            uncertainty,
            groups,
            sensitivity,
        })
    })
    .await
    .map_err(|e| AppError::File(format!("the robustness analysis stopped: {e}")))?
}
