//! Aggregation of the weighted scores of a node's children into the node's score, one level
//! of the scheme at a time.
//!
//! The means are those of the OECD/JRC *Handbook on Constructing Composite Indicators*
//! (2008), step 6 "Weighting and aggregation" (additive and geometric aggregation),
//! computed as COINr's `a_amean`, `a_gmean` and `a_hmean` do:
//!
//! - **Weights are relative**: they are rescaled to sum to 1 over the children that have a
//!   score, so a scheme may write 20/30/50 or 0.2/0.3/0.5 alike.
//! - **A missing child is skipped and the weights renormalised over the children present**
//!   (COINr's `a_amean` removes the `NA` entries of `x` and of `w`, then `w <- w/sum(w)`;
//!   `a_gmean` and `a_hmean` set the weights of `NA` children to `NA` and sum with `na.rm =
//!   TRUE`). For the arithmetic mean this amounts to imputing the missing child by the
//!   weighted mean of the others present; a run that wants otherwise imputes before (see
//!   [`super::treatment`]) or screens units out.
//! - **No child present**, or only children of weight 0: the node's score is missing.
//! - **Geometric and harmonic means need positive scores.** COINr stops with an error for a
//!   value ≤ 0 in `a_gmean` (it takes logarithms) and for a zero in `a_hmean` (it divides by
//!   the values); a negative value in a harmonic mean is as meaningless, so here both refuse
//!   any present value ≤ 0 with [`AggregateError::NotPositive`], naming the child. A scheme
//!   that aggregates geometrically should score onto a range that excludes 0 (e.g. min-max
//!   onto 1–100).
//! - **Negative or non-finite weights** are refused ([`check_weights`]).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The mean that combines a node's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Weighted arithmetic mean `Σ wᵢxᵢ / Σ wᵢ` (Handbook step 6, linear aggregation; COINr
    /// `a_amean`): fully compensatory.
    Arithmetic,
    /// Weighted geometric mean `exp(Σ wᵢ ln xᵢ / Σ wᵢ)` (Handbook step 6, geometric aggregation; COINr `a_gmean`):
    /// partly compensatory, rewards balanced profiles. Needs `xᵢ > 0`.
    Geometric,
    /// Weighted harmonic mean `Σ wᵢ / Σ (wᵢ / xᵢ)` (COINr `a_hmean`): the least
    /// compensatory of the three. Needs `xᵢ > 0`.
    Harmonic,
}

impl Aggregation {
    pub fn code(self) -> &'static str {
        match self {
            Aggregation::Arithmetic => "arithmetic",
            Aggregation::Geometric => "geometric",
            Aggregation::Harmonic => "harmonic",
        }
    }
}

/// Why children's scores could not be aggregated.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AggregateError {
    #[error("weight {index} is negative ({weight}): weights must be 0 or more")]
    NegativeWeight { index: usize, weight: f64 },
    #[error("weight {index} is not a finite number ({weight})")]
    WeightNotFinite { index: usize, weight: f64 },
    #[error("{values} scores were given for {weights} weights")]
    LengthMismatch { values: usize, weights: usize },
    #[error(
        "the {} mean needs positive scores, but child {child} scores {value}: score onto a range above 0 or aggregate arithmetically",
        aggregation.code()
    )]
    NotPositive {
        aggregation: Aggregation,
        child: usize,
        value: f64,
    },
    #[error("unit {unit}: {source}")]
    InUnit {
        unit: usize,
        #[source]
        source: Box<AggregateError>,
    },
}

/// Refuses negative and non-finite weights (a weight of 0 is allowed: the child is shown but
/// does not count).
pub fn check_weights(weights: &[f64]) -> Result<(), AggregateError> {
    for (index, &weight) in weights.iter().enumerate() {
        if !weight.is_finite() {
            return Err(AggregateError::WeightNotFinite { index, weight });
        }
        if weight < 0.0 {
            return Err(AggregateError::NegativeWeight { index, weight });
        }
    }
    Ok(())
}

/// One unit's score for a node: its children's scores (`None` where missing) combined with
/// `weights` by `aggregation`. `Ok(None)` when no child with a positive weight has a score.
pub fn aggregate(
    values: &[Option<f64>],
    weights: &[f64],
    aggregation: Aggregation,
) -> Result<Option<f64>, AggregateError> {
    if values.len() != weights.len() {
        return Err(AggregateError::LengthMismatch {
            values: values.len(),
            weights: weights.len(),
        });
    }
    check_weights(weights)?;
    let present = values
        .iter()
        .zip(weights)
        .enumerate()
        .filter_map(|(child, (v, &w))| v.filter(|v| v.is_finite()).map(|v| (child, v, w)));
    let (mut sum_w, mut acc) = (0.0, 0.0);
    for (child, value, weight) in present {
        if aggregation != Aggregation::Arithmetic && value <= 0.0 {
            return Err(AggregateError::NotPositive {
                aggregation,
                child,
                value,
            });
        }
        sum_w += weight;
        acc += match aggregation {
            Aggregation::Arithmetic => weight * value,
            Aggregation::Geometric => weight * value.ln(),
            Aggregation::Harmonic => weight / value,
        };
    }
    if sum_w <= 0.0 {
        return Ok(None);
    }
    Ok(Some(match aggregation {
        Aggregation::Arithmetic => acc / sum_w,
        Aggregation::Geometric => (acc / sum_w).exp(),
        Aggregation::Harmonic => sum_w / acc,
    }))
}

/// Every unit's score for a node: `children[c][u]` is child `c`'s score for unit `u`. An
/// error names the unit ([`AggregateError::InUnit`]).
pub fn aggregate_units(
    children: &[&[Option<f64>]],
    weights: &[f64],
    aggregation: Aggregation,
) -> Result<Vec<Option<f64>>, AggregateError> {
    if children.len() != weights.len() {
        return Err(AggregateError::LengthMismatch {
            values: children.len(),
            weights: weights.len(),
        });
    }
    check_weights(weights)?;
    let units = children.first().map_or(0, |c| c.len());
    let mut row = vec![None; children.len()];
    (0..units)
        .map(|unit| {
            for (slot, child) in row.iter_mut().zip(children) {
                *slot = child.get(unit).copied().flatten();
            }
            aggregate(&row, weights, aggregation).map_err(|e| AggregateError::InUnit {
                unit,
                source: Box::new(e),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn arithmetic_mean_with_relative_weights() {
        // (1 × 40 + 2 × 60 + 1 × 80) / 4 = 240 / 4 = 60; weights 20/40/20 give the same.
        let x = [Some(40.0), Some(60.0), Some(80.0)];
        assert!(close(
            aggregate(&x, &[1.0, 2.0, 1.0], Aggregation::Arithmetic).unwrap(),
            60.0
        ));
        assert!(close(
            aggregate(&x, &[20.0, 40.0, 20.0], Aggregation::Arithmetic).unwrap(),
            60.0
        ));
        // Unequal: (3 × 40 + 1 × 80) / 4 = 200 / 4 = 50.
        let x = [Some(40.0), Some(80.0)];
        assert!(close(
            aggregate(&x, &[3.0, 1.0], Aggregation::Arithmetic).unwrap(),
            50.0
        ));
    }

    #[test]
    fn a_missing_child_is_skipped_and_the_weights_renormalised() {
        // Children 40, —, 100 with weights 1, 2, 3: weights of those present 1 and 3 sum to 4,
        // (1 × 40 + 3 × 100) / 4 = 340 / 4 = 85 (COINr a_amean, na.rm).
        let x = [Some(40.0), None, Some(100.0)];
        assert!(close(
            aggregate(&x, &[1.0, 2.0, 3.0], Aggregation::Arithmetic).unwrap(),
            85.0
        ));
        // Geometric: exp((1 ln 40 + 3 ln 100) / 4) = 40^0.25 × 100^0.75.
        let g = 40f64.powf(0.25) * 100f64.powf(0.75);
        assert!(close(
            aggregate(&x, &[1.0, 2.0, 3.0], Aggregation::Geometric).unwrap(),
            g
        ));
        // Nothing present: missing.
        assert_eq!(
            aggregate(&[None, None], &[1.0, 1.0], Aggregation::Arithmetic),
            Ok(None)
        );
        // Only a zero-weight child present: missing, not 0/0.
        assert_eq!(
            aggregate(&[Some(5.0), None], &[0.0, 1.0], Aggregation::Arithmetic),
            Ok(None)
        );
    }

    #[test]
    fn geometric_mean_by_hand() {
        // Equal weights: √(4 × 16) = 8.
        assert!(close(
            aggregate(
                &[Some(4.0), Some(16.0)],
                &[1.0, 1.0],
                Aggregation::Geometric
            )
            .unwrap(),
            8.0
        ));
        // Weights 1 and 3 of 2 and 32 = 2^1 and 2^5: 2^((1 × 1 + 3 × 5) / 4) = 2^4 = 16.
        assert!(close(
            aggregate(
                &[Some(2.0), Some(32.0)],
                &[1.0, 3.0],
                Aggregation::Geometric
            )
            .unwrap(),
            16.0
        ));
    }

    #[test]
    fn harmonic_mean_by_hand() {
        // Equal weights of 1 and 3: 2 / (1 + 1/3) = 2 / (4/3) = 1.5.
        assert!(close(
            aggregate(&[Some(1.0), Some(3.0)], &[1.0, 1.0], Aggregation::Harmonic).unwrap(),
            1.5
        ));
        // Weights 1, 2 of 2, 6: 3 / (1/2 + 2/6) = 3 / (5/6) = 3.6.
        assert!(close(
            aggregate(&[Some(2.0), Some(6.0)], &[1.0, 2.0], Aggregation::Harmonic).unwrap(),
            3.6
        ));
    }

    #[test]
    fn the_means_are_ordered_and_less_compensatory_in_turn() {
        // 10 and 90, equal weights: arithmetic 50, geometric √900 = 30,
        // harmonic 2 / (1/10 + 1/90) = 2 / (10/90) = 18.
        let x = [Some(10.0), Some(90.0)];
        let w = [1.0, 1.0];
        assert!(close(
            aggregate(&x, &w, Aggregation::Arithmetic).unwrap(),
            50.0
        ));
        assert!(close(
            aggregate(&x, &w, Aggregation::Geometric).unwrap(),
            30.0
        ));
        assert!(close(
            aggregate(&x, &w, Aggregation::Harmonic).unwrap(),
            18.0
        ));
    }

    #[test]
    fn zero_and_negative_scores_are_refused_by_geometric_and_harmonic_means() {
        let x = [Some(50.0), Some(0.0)];
        for aggregation in [Aggregation::Geometric, Aggregation::Harmonic] {
            assert_eq!(
                aggregate(&x, &[1.0, 1.0], aggregation),
                Err(AggregateError::NotPositive {
                    aggregation,
                    child: 1,
                    value: 0.0
                })
            );
        }
        assert!(matches!(
            aggregate(
                &[Some(-1.0), Some(2.0)],
                &[1.0, 1.0],
                Aggregation::Geometric
            ),
            Err(AggregateError::NotPositive { child: 0, .. })
        ));
        // The arithmetic mean takes them: (50 + 0) / 2 = 25.
        assert!(close(
            aggregate(&x, &[1.0, 1.0], Aggregation::Arithmetic).unwrap(),
            25.0
        ));
    }

    #[test]
    fn negative_weights_and_mismatched_lengths_are_refused() {
        assert_eq!(
            aggregate(
                &[Some(1.0), Some(2.0)],
                &[1.0, -0.5],
                Aggregation::Arithmetic
            ),
            Err(AggregateError::NegativeWeight {
                index: 1,
                weight: -0.5
            })
        );
        assert_eq!(
            check_weights(&[1.0, f64::INFINITY]),
            Err(AggregateError::WeightNotFinite {
                index: 1,
                weight: f64::INFINITY
            })
        );
        assert_eq!(
            aggregate(&[Some(1.0)], &[1.0, 1.0], Aggregation::Arithmetic),
            Err(AggregateError::LengthMismatch {
                values: 1,
                weights: 2
            })
        );
    }

    #[test]
    fn every_unit_at_once_names_the_unit_in_error() {
        // Unit 0: (1 × 20 + 1 × 40) / 2 = 30. Unit 1: child 1 missing → 50. Unit 2: none → missing.
        let a = [Some(20.0), Some(50.0), None];
        let b = [Some(40.0), None, None];
        assert_eq!(
            aggregate_units(&[&a, &b], &[1.0, 1.0], Aggregation::Arithmetic).unwrap(),
            vec![Some(30.0), Some(50.0), None]
        );
        let b = [Some(40.0), Some(0.0), None];
        let err = aggregate_units(&[&a, &b], &[1.0, 1.0], Aggregation::Geometric).unwrap_err();
        assert!(
            matches!(err, AggregateError::InUnit { unit: 1, .. }),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with("unit 1: the geometric mean"),
            "{err}"
        );
    }
}
