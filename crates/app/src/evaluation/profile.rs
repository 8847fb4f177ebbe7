//! A park's profile in a kept run: its scores against the median of the parks, and the
//! indicators where it gains or loses most against that median.

use innozone_domain::accounts::Principal;
use innozone_domain::evaluation::median;
use innozone_domain::registry::Hierarchy;
use innozone_store::Store;

use super::runs::{RunView, run_view};
use crate::AppError;

/// How many strengths and weaknesses a profile names.
pub const NAMED: usize = 3;

/// A gain or loss against the median smaller than this is no strength or weakness (the
/// scores are shown with two decimals).
const NOTABLE: f64 = 0.005;

/// One park of a run as its profile shows it.
#[derive(Debug, Clone)]
pub struct UnitProfile {
    pub view: RunView,
    /// The park's position among the run's units.
    pub unit: usize,
    /// `medians[node]`: the median of the parks' scores of each node of the scheme, over
    /// the parks that have one.
    pub medians: Vec<Option<f64>>,
    /// Indicator positions where the park gains most against the median, most first.
    pub strengths: Vec<usize>,
    /// Indicator positions where the park loses most against the median, most first.
    pub weaknesses: Vec<usize>,
}

/// The profile of the park `code` in run `id`. Another park's profile is not for a user
/// bound to one park.
pub async fn unit_profile(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    id: i64,
    code: &str,
) -> Result<UnitProfile, AppError> {
    let view = run_view(store, hierarchy, principal, id).await?;
    let unit = view
        .run
        .inputs
        .unit(code)
        .ok_or_else(|| AppError::NotFound {
            entity: "unit",
            key: code.to_string(),
        })?;
    if !view.visible.contains(&unit) {
        return Err(AppError::Forbidden);
    }
    let medians = node_medians(&view);
    let (strengths, weaknesses) =
        strengths_and_weaknesses(&view.run.outcome.units[unit].against_median);
    Ok(UnitProfile {
        view,
        unit,
        medians,
        strengths,
        weaknesses,
    })
}

/// The median of the parks' scores of each node of the run's scheme.
fn node_medians(view: &RunView) -> Vec<Option<f64>> {
    (0..view.scheme.nodes.len())
        .map(|node| {
            let present: Vec<f64> = view
                .run
                .outcome
                .units
                .iter()
                .filter_map(|o| o.scores.get(node).copied().flatten())
                .collect();
            median(&present)
        })
        .collect()
}

/// The indicators gaining most against the median (above `NOTABLE`) and those losing
/// most (below −`NOTABLE`), `NAMED` of each at most.
fn strengths_and_weaknesses(against_median: &[Option<f64>]) -> (Vec<usize>, Vec<usize>) {
    let mut gains: Vec<(usize, f64)> = against_median
        .iter()
        .enumerate()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    gains.sort_by(|a, b| b.1.total_cmp(&a.1));
    let strengths = gains
        .iter()
        .filter(|(_, v)| *v > NOTABLE)
        .take(NAMED)
        .map(|&(k, _)| k)
        .collect();
    let weaknesses = gains
        .iter()
        .rev()
        .filter(|(_, v)| *v < -NOTABLE)
        .take(NAMED)
        .map(|&(k, _)| k)
        .collect();
    (strengths, weaknesses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strengths_are_the_largest_gains_and_weaknesses_the_largest_losses() {
        // Indicator 5 has no value; 1 and 6 are within rounding of the median.
        let against = [
            Some(2.0),
            Some(0.004),
            Some(-3.0),
            Some(5.0),
            Some(-0.5),
            None,
            Some(-0.004),
            Some(1.0),
            Some(0.5),
            Some(-1.5),
        ];
        let (strengths, weaknesses) = strengths_and_weaknesses(&against);
        assert_eq!(strengths, [3, 0, 7]);
        assert_eq!(weaknesses, [2, 9, 4]);
    }

    #[test]
    fn a_park_level_with_the_median_has_neither() {
        let (strengths, weaknesses) = strengths_and_weaknesses(&[Some(0.0), Some(0.001), None]);
        assert!(strengths.is_empty());
        assert!(weaknesses.is_empty());
    }
}
