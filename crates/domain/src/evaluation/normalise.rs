//! Scoring and normalisation of one indicator's values across the units evaluated.
//!
//! Every method follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008),
//! step 5 "Normalisation" (section numbers are not cited: the method names are the Handbook's), and, where the Handbook leaves
//! a choice, the documented behaviour of COINr (the JRC's R package, `Normalise()` and its
//! `n_*` functions). Each variant of [`Method`] says which.
//!
//! Choices made here, once for all methods:
//!
//! - **Direction.** As COINr's `Normalise.numeric()`, a lower-is-better indicator is
//!   multiplied by −1 before it is scored, so that the best unit always scores highest.
//!   Goal attainment and banded scoring are ratios and thresholds, where a sign flip has no
//!   meaning; they say how they read a lower-is-better indicator.
//! - **Missing values** stay missing (COINr's `na.rm = TRUE` for the statistics, `na.last =
//!   "keep"` for ranks): the statistics (minimum, maximum, mean, ranks) are taken over the
//!   values present only. A value that is not finite is treated as missing.
//! - **Degenerate data.** Where COINr returns `NaN` (min-max or distance to the best when every
//!   value is the same, a z-score of fewer than two values or of zero spread, a percentile
//!   rank of one value), the score is missing, never `NaN`: the indicator does not tell the
//!   units apart, and the aggregation leaves it out (see [`super::aggregate`]).
//! - **Scale.** Bounded methods score on 0–100, like the default min-max: COINr's
//!   `n_prank`, `n_dist2max` and `n_dist2targ` return 0–1, the values here are those × 100.
//! - **Ties** in ranks take the lowest rank of the tied group ("sport" ranking, R's
//!   `rank(ties.method = "min")`, COINr's default for `n_rank`, `n_prank` and `n_borda`):
//!   the values 1, 2, 2, 4 rank 1, 2, 2, 4.

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use crate::monitoring::Direction;

/// How one indicator's values are turned into scores. Call [`Method::check`] once when the
/// scheme is read: [`normalise`] assumes the parameters are in range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Method {
    /// Min-max: `y = (x − min) / (max − min) × (high − low) + low`, so the worst unit scores
    /// `low` and the best `high`. Handbook step 5 ("min-max"); COINr `n_minmax(x, l_u =
    /// c(0, 100))`, whose default bounds 0 and 100 are the defaults here. All values equal:
    /// every score missing (COINr: `NaN` with a warning).
    MinMax {
        #[serde(default = "zero")]
        low: f64,
        #[serde(default = "hundred")]
        high: f64,
    },
    /// Z-score (standardisation): `y = (x − x̄) / s × sd + mean`, with `x̄` the mean and `s`
    /// the *sample* standard deviation (divisor n − 1, R's `sd()`) of the values present.
    /// Handbook step 5 ("standardisation (or z-scores)"); COINr `n_zscore(x, m_sd =
    /// c(0, 1))`, whose defaults mean 0 and sd 1 are the defaults here.
    #[serde(rename = "z_score")]
    ZScore {
        #[serde(default = "zero")]
        mean: f64,
        #[serde(default = "one")]
        sd: f64,
    },
    /// Rank as a score: the worst unit gets 1 and the best n (n values present), ties the
    /// lowest rank of their group. Handbook step 5 ("ranking"); COINr `n_rank`
    /// (`rank(x, ties.method = "min", na.last = "keep")`).
    Rank,
    /// Percentile rank: `y = (rank − 1) / (n − 1) × 100`, 0 for the worst unit, 100 for the
    /// best. COINr `n_prank` (which returns 0–1).
    PercentRank,
    /// Borda score: `y = rank − 1`, the number of units a unit beats (ties counted as not
    /// beaten). the Borda rule of the Handbook's non-compensatory aggregation (step 6); COINr
    /// `n_borda`.
    Borda,
    /// Distance to a target: `y = (1 − (target − x) / (target − min)) × 100`: the worst unit
    /// scores 0 and a unit at the target 100. With `cap`, scores above 100 (units beyond the
    /// target) are set to 100. Handbook step 5 ("distance to a reference"); COINr
    /// `n_dist2targ(x, targ, cap_max = FALSE)`. For a lower-is-better indicator the values and
    /// the target are both multiplied by −1 first. A target equal to the worst value:
    /// every score missing. A target worse than every unit gives negative scores (COINr
    /// warns and keeps them; so do we: the scheme chose that target).
    DistanceToTarget {
        target: f64,
        #[serde(default)]
        cap: bool,
    },
    /// Distance to the best unit: `y = (1 − (max − x) / (max − min)) × 100`. COINr
    /// `n_dist2max`. Algebraically the same as min-max on 0–100; kept as its own name so a
    /// scheme can say what it means. All values equal: every score missing.
    DistanceToBest,
    /// Goal attainment: actual over target, `y = x / target × 100`, capped at `cap` and
    /// floored at 0 (a negative actual attains nothing). For a lower-is-better indicator the
    /// ratio is inverted, `y = target / x × 100`, and an actual of 0 or less attains the cap.
    /// The ratio-to-reference form of the Handbook's "distance to a reference" (step 5);
    /// COINr's nearest is `n_fracmax` (ratio to the best). `target` must be positive.
    GoalAttainment {
        target: f64,
        #[serde(default = "hundred")]
        cap: f64,
    },
    /// Banded (categorical) scoring: thresholds to points, as the national scoring rules for
    /// 科技型中小企业 (科技型中小企业评价办法, 国科发政〔2017〕115号, 第七条: R&D spending over
    /// sales 6%(含)以上 50 points, 5%–6% 40, 4%–5% 30, 3%–4% 20, 2%–3% 10, below 2% 0). Bands
    /// are `(threshold, points)` with thresholds strictly ascending. Higher is better: a
    /// value gets the points of the highest threshold it reaches (`x ≥ threshold`, the
    /// threshold included, as "(含)"), 0 below the first. Lower is better: a value gets the
    /// points of the lowest threshold it does not exceed (`x ≤ threshold`), 0 above the
    /// last. Handbook step 5 ("categorical scales").
    Banded { bands: Vec<(f64, f64)> },
}

fn zero() -> f64 {
    0.0
}
fn one() -> f64 {
    1.0
}
fn hundred() -> f64 {
    100.0
}

/// A scoring method's parameter out of range: which parameter and why.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MethodError {
    #[error("{method}: parameter `{parameter}` must be a finite number, got {value}")]
    NotFinite {
        method: &'static str,
        parameter: &'static str,
        value: f64,
    },
    #[error("min_max: `low` ({low}) must be below `high` ({high})")]
    MinMaxBounds { low: f64, high: f64 },
    #[error("z_score: `sd` must be positive, got {sd}")]
    ZScoreSd { sd: f64 },
    #[error("goal_attainment: `target` must be positive (actual over target), got {target}")]
    GoalTarget { target: f64 },
    #[error("goal_attainment: `cap` must be positive, got {cap}")]
    GoalCap { cap: f64 },
    #[error("banded: `bands` is empty: give at least one (threshold, points) pair")]
    NoBands,
    #[error(
        "banded: thresholds must be strictly ascending, but band {index} has threshold {threshold} after {previous}"
    )]
    BandsNotAscending {
        /// 0-based position of the offending band.
        index: usize,
        previous: f64,
        threshold: f64,
    },
}

impl Method {
    /// The name used in scheme files (the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            Method::MinMax { .. } => "min_max",
            Method::ZScore { .. } => "z_score",
            Method::Rank => "rank",
            Method::PercentRank => "percent_rank",
            Method::Borda => "borda",
            Method::DistanceToTarget { .. } => "distance_to_target",
            Method::DistanceToBest => "distance_to_best",
            Method::GoalAttainment { .. } => "goal_attainment",
            Method::Banded { .. } => "banded",
        }
    }

    /// Whether the method scores a unit against a fixed yardstick (a target, bands) rather
    /// than against the other units. Outlier treatment is for the relative methods: an
    /// extreme value stretches the range or the spread every other unit is scored on. An
    /// absolute score depends on the unit's own value only, so one unit's extreme value
    /// distorts nobody's score, and winsorising it would misstate that unit's own result
    /// (a park that completed 30 % of its key projects would be scored as if it had
    /// completed what the next-worst did). The Handbook treats outliers "when they become
    /// unintended benchmarks", which only a relative method makes them.
    pub fn is_absolute(&self) -> bool {
        matches!(
            self,
            Method::GoalAttainment { .. } | Method::Banded { .. } | Method::DistanceToTarget { .. }
        )
    }

    /// Refuses parameters out of range: min-max `low ≥ high`, z-score `sd ≤ 0`, goal
    /// attainment `target ≤ 0` or `cap ≤ 0`, bands empty or not strictly ascending, and any
    /// parameter that is not a finite number.
    pub fn check(&self) -> Result<(), MethodError> {
        let method = self.code();
        let finite = |parameter: &'static str, value: f64| {
            if value.is_finite() {
                Ok(())
            } else {
                Err(MethodError::NotFinite {
                    method,
                    parameter,
                    value,
                })
            }
        };
        match self {
            Method::MinMax { low, high } => {
                finite("low", *low)?;
                finite("high", *high)?;
                if low >= high {
                    return Err(MethodError::MinMaxBounds {
                        low: *low,
                        high: *high,
                    });
                }
            }
            Method::ZScore { mean, sd } => {
                finite("mean", *mean)?;
                finite("sd", *sd)?;
                if *sd <= 0.0 {
                    return Err(MethodError::ZScoreSd { sd: *sd });
                }
            }
            Method::Rank | Method::PercentRank | Method::Borda | Method::DistanceToBest => {}
            Method::DistanceToTarget { target, .. } => finite("target", *target)?,
            Method::GoalAttainment { target, cap } => {
                finite("target", *target)?;
                finite("cap", *cap)?;
                if *target <= 0.0 {
                    return Err(MethodError::GoalTarget { target: *target });
                }
                if *cap <= 0.0 {
                    return Err(MethodError::GoalCap { cap: *cap });
                }
            }
            Method::Banded { bands } => {
                if bands.is_empty() {
                    return Err(MethodError::NoBands);
                }
                for (index, &(threshold, points)) in bands.iter().enumerate() {
                    finite("bands.threshold", threshold)?;
                    finite("bands.points", points)?;
                    if index > 0 {
                        let previous = bands[index - 1].0;
                        if threshold <= previous {
                            return Err(MethodError::BandsNotAscending {
                                index,
                                previous,
                                threshold,
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Scores one indicator's values (one per unit, `None` where missing) with `method`, reading
/// them in `direction`. Missing stays missing; see the module documentation for ties,
/// degenerate data and scale. `method` should have passed [`Method::check`].
pub fn normalise(
    values: &[Option<f64>],
    method: &Method,
    direction: Direction,
) -> Vec<Option<f64>> {
    let sign = match direction {
        Direction::Higher => 1.0,
        Direction::Lower => -1.0,
    };
    // Values as read in the direction of the indicator (COINr's `x * direction`).
    let x: Vec<Option<f64>> = values
        .iter()
        .map(|v| v.filter(|v| v.is_finite()).map(|v| v * sign))
        .collect();
    let present: Vec<f64> = x.iter().flatten().copied().collect();
    let map = |f: &dyn Fn(f64) -> f64| x.iter().map(|v| v.map(f)).collect::<Vec<_>>();
    let none = || vec![None; x.len()];

    match method {
        Method::MinMax { low, high } => match range(&present) {
            Some((min, max)) if max > min => map(&|v| (v - min) / (max - min) * (high - low) + low),
            _ => none(),
        },
        Method::DistanceToBest => match range(&present) {
            Some((min, max)) if max > min => map(&|v| (1.0 - (max - v) / (max - min)) * 100.0),
            _ => none(),
        },
        Method::ZScore { mean, sd } => {
            let n = present.len();
            if n < 2 {
                return none();
            }
            let m = present.iter().sum::<f64>() / n as f64;
            let s = (present.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
            if s <= 0.0 {
                return none();
            }
            map(&|v| (v - m) / s * sd + mean)
        }
        Method::Rank => ranks(&x, &present),
        Method::Borda => ranks(&x, &present)
            .into_iter()
            .map(|r| r.map(|r| r - 1.0))
            .collect(),
        Method::PercentRank => {
            let n = present.len();
            if n < 2 {
                return none();
            }
            ranks(&x, &present)
                .into_iter()
                .map(|r| r.map(|r| (r - 1.0) / (n - 1) as f64 * 100.0))
                .collect()
        }
        Method::DistanceToTarget { target, cap } => {
            let Some((min, _)) = range(&present) else {
                return none();
            };
            let t = target * sign;
            if t == min {
                return none();
            }
            map(&|v| {
                let y = (1.0 - (t - v) / (t - min)) * 100.0;
                if *cap { y.min(100.0) } else { y }
            })
        }
        Method::GoalAttainment { target, cap } => values
            .iter()
            .map(|v| {
                let v = v.filter(|v| v.is_finite())?;
                let y = match direction {
                    Direction::Higher => v / target * 100.0,
                    Direction::Lower if v <= 0.0 => *cap,
                    Direction::Lower => target / v * 100.0,
                };
                Some(y.clamp(0.0, *cap))
            })
            .collect(),
        Method::Banded { bands } => values
            .iter()
            .map(|v| {
                let v = v.filter(|v| v.is_finite())?;
                let points = match direction {
                    Direction::Higher => bands.iter().rev().find(|(t, _)| v >= *t),
                    Direction::Lower => bands.iter().find(|(t, _)| v <= *t),
                };
                Some(points.map_or(0.0, |(_, p)| *p))
            })
            .collect(),
    }
}

fn range(present: &[f64]) -> Option<(f64, f64)> {
    let min = present.iter().copied().reduce(f64::min)?;
    let max = present.iter().copied().reduce(f64::max)?;
    Some((min, max))
}

/// Ranks 1..n, ascending, ties the minimum rank of their group (R's `ties.method = "min"`):
/// one plus the number of values strictly below.
fn ranks(x: &[Option<f64>], present: &[f64]) -> Vec<Option<f64>> {
    let mut sorted = present.to_vec();
    sorted.sort_by(f64::total_cmp);
    x.iter()
        .map(|v| v.map(|v| (sorted.partition_point(|&s| s < v) + 1) as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().map(|&v| Some(v)).collect()
    }

    fn assert_close(actual: &[Option<f64>], expected: &[Option<f64>]) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            match (a, e) {
                (Some(a), Some(e)) => assert!((a - e).abs() < EPS, "{actual:?} vs {expected:?}"),
                (None, None) => {}
                _ => panic!("{actual:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn min_max_to_0_100_with_a_missing_value() {
        // x = 2, 4, —, 10: min 2, max 10, range 8.
        // 2 → 0; 4 → 2/8 × 100 = 25; 10 → 100.
        let x = [Some(2.0), Some(4.0), None, Some(10.0)];
        let m = Method::MinMax {
            low: 0.0,
            high: 100.0,
        };
        assert_close(
            &normalise(&x, &m, Direction::Higher),
            &[Some(0.0), Some(25.0), None, Some(100.0)],
        );
        // Lower is better: −x = −2, −4, −10: min −10, max −2.
        // −2 → 8/8 × 100 = 100; −4 → 6/8 × 100 = 75; −10 → 0.
        assert_close(
            &normalise(&x, &m, Direction::Lower),
            &[Some(100.0), Some(75.0), None, Some(0.0)],
        );
    }

    #[test]
    fn min_max_to_other_bounds() {
        // x = 0, 5, 10 onto [1, 7]: (x − 0)/10 × 6 + 1 = 1, 4, 7.
        let m = Method::MinMax {
            low: 1.0,
            high: 7.0,
        };
        assert_close(
            &normalise(&some(&[0.0, 5.0, 10.0]), &m, Direction::Higher),
            &some(&[1.0, 4.0, 7.0]),
        );
    }

    #[test]
    fn min_max_of_equal_values_is_missing_not_nan() {
        let m = Method::MinMax {
            low: 0.0,
            high: 100.0,
        };
        assert_close(
            &normalise(&[Some(3.0), Some(3.0), None], &m, Direction::Higher),
            &[None, None, None],
        );
    }

    #[test]
    fn z_score_uses_the_sample_standard_deviation() {
        // x = 2, 4, 4, 4, 5, 5, 7, 9: mean 40/8 = 5.
        // squared deviations 9+1+1+1+0+0+4+16 = 32; sample variance 32/7; s = √(32/7).
        // z(2) = −3/s, z(9) = 4/s; with mean 0, sd 1.
        let x = some(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        let s = (32.0f64 / 7.0).sqrt();
        let z = normalise(
            &x,
            &Method::ZScore { mean: 0.0, sd: 1.0 },
            Direction::Higher,
        );
        let expected: Vec<Option<f64>> = [-3.0, -1.0, -1.0, -1.0, 0.0, 0.0, 2.0, 4.0]
            .iter()
            .map(|d| Some(d / s))
            .collect();
        assert_close(&z, &expected);
        // Target mean 10, sd 2: 10 + 2 × z.
        let z = normalise(
            &x,
            &Method::ZScore {
                mean: 10.0,
                sd: 2.0,
            },
            Direction::Higher,
        );
        assert!((z[7].unwrap() - (10.0 + 8.0 / s)).abs() < EPS);
        // Lower is better: signs flip.
        let z = normalise(&x, &Method::ZScore { mean: 0.0, sd: 1.0 }, Direction::Lower);
        assert!((z[0].unwrap() - 3.0 / s).abs() < EPS);
    }

    #[test]
    fn z_score_of_one_value_is_missing() {
        let m = Method::ZScore { mean: 0.0, sd: 1.0 };
        assert_close(
            &normalise(&[Some(1.0), None], &m, Direction::Higher),
            &[None, None],
        );
    }

    #[test]
    fn ranks_take_the_minimum_rank_of_ties() {
        // x = 10, 20, 20, 5, —, 30. Ascending: 5, 10, 20, 20, 30.
        // 5 → 1, 10 → 2, both 20 → 3 (min of 3, 4), 30 → 5.
        let x = [
            Some(10.0),
            Some(20.0),
            Some(20.0),
            Some(5.0),
            None,
            Some(30.0),
        ];
        assert_close(
            &normalise(&x, &Method::Rank, Direction::Higher),
            &[Some(2.0), Some(3.0), Some(3.0), Some(1.0), None, Some(5.0)],
        );
        // Borda = rank − 1.
        assert_close(
            &normalise(&x, &Method::Borda, Direction::Higher),
            &[Some(1.0), Some(2.0), Some(2.0), Some(0.0), None, Some(4.0)],
        );
        // Percent rank = (rank − 1)/(n − 1) × 100, n = 5: 25, 50, 50, 0, —, 100.
        assert_close(
            &normalise(&x, &Method::PercentRank, Direction::Higher),
            &[
                Some(25.0),
                Some(50.0),
                Some(50.0),
                Some(0.0),
                None,
                Some(100.0),
            ],
        );
        // Lower is better: −x ascending: −30, −20, −20, −10, −5.
        // 30 → 1, both 20 → 2, 10 → 4, 5 → 5.
        assert_close(
            &normalise(&x, &Method::Rank, Direction::Lower),
            &[Some(4.0), Some(2.0), Some(2.0), Some(5.0), None, Some(1.0)],
        );
    }

    #[test]
    fn distance_to_target_with_and_without_cap() {
        // x = 2, 5, 8, 12, target 10: min 2, target − min = 8.
        // y = (1 − (10 − x)/8) × 100: 2 → 0; 5 → (1 − 5/8) × 100 = 37.5; 8 → 75;
        // 12 → (1 + 2/8) × 100 = 125, capped 100.
        let x = some(&[2.0, 5.0, 8.0, 12.0]);
        let capped = Method::DistanceToTarget {
            target: 10.0,
            cap: true,
        };
        let uncapped = Method::DistanceToTarget {
            target: 10.0,
            cap: false,
        };
        assert_close(
            &normalise(&x, &capped, Direction::Higher),
            &some(&[0.0, 37.5, 75.0, 100.0]),
        );
        assert_close(
            &normalise(&x, &uncapped, Direction::Higher),
            &some(&[0.0, 37.5, 75.0, 125.0]),
        );
        // Lower is better, target 4: −x = −2, −5, −8, −12, t = −4, min −12, t − min = 8.
        // y = (1 − (−4 + x)/8) × 100: 2 → 125 → capped 100; 5 → 87.5; 8 → 50; 12 → 0.
        let lower = Method::DistanceToTarget {
            target: 4.0,
            cap: true,
        };
        assert_close(
            &normalise(&x, &lower, Direction::Lower),
            &some(&[100.0, 87.5, 50.0, 0.0]),
        );
    }

    #[test]
    fn distance_to_best_is_min_max_on_0_100() {
        // x = 1, 3, 5: y = (1 − (5 − x)/4) × 100 = 0, 50, 100.
        assert_close(
            &normalise(
                &some(&[1.0, 3.0, 5.0]),
                &Method::DistanceToBest,
                Direction::Higher,
            ),
            &some(&[0.0, 50.0, 100.0]),
        );
    }

    #[test]
    fn goal_attainment_is_actual_over_target_capped() {
        // target 200, cap 100: 50 → 25; 150 → 75; 260 → 130 → capped 100; −10 → floor 0.
        let m = Method::GoalAttainment {
            target: 200.0,
            cap: 100.0,
        };
        assert_close(
            &normalise(&some(&[50.0, 150.0, 260.0, -10.0]), &m, Direction::Higher),
            &some(&[25.0, 75.0, 100.0, 0.0]),
        );
        // cap 120: 260 → 120.
        let m = Method::GoalAttainment {
            target: 200.0,
            cap: 120.0,
        };
        assert_close(
            &normalise(&[Some(260.0)], &m, Direction::Higher),
            &[Some(120.0)],
        );
        // Lower is better (energy per GDP, target 0.5): 0.625 → 0.5/0.625 × 100 = 80;
        // 0.4 → 125 → capped 120; 0 → cap.
        let m = Method::GoalAttainment {
            target: 0.5,
            cap: 120.0,
        };
        assert_close(
            &normalise(&some(&[0.625, 0.4, 0.0]), &m, Direction::Lower),
            &some(&[80.0, 120.0, 120.0]),
        );
    }

    #[test]
    fn banded_reproduces_the_national_rd_intensity_bands() {
        // 科技型中小企业评价办法 第七条 2(1): R&D spending over sales.
        // 6%(含)以上 50; 5%(含)–6% 40; 4%(含)–5% 30; 3%(含)–4% 20; 2%(含)–3% 10; 2%以下 0.
        let m = Method::Banded {
            bands: vec![
                (2.0, 10.0),
                (3.0, 20.0),
                (4.0, 30.0),
                (5.0, 40.0),
                (6.0, 50.0),
            ],
        };
        m.check().unwrap();
        // values in per cent: 1.9 → 0; 2 (含) → 10; 3.5 → 20; 5.99 → 40; 6 (含) → 50; 12 → 50.
        assert_close(
            &normalise(
                &[
                    Some(1.9),
                    Some(2.0),
                    Some(3.5),
                    Some(5.99),
                    Some(6.0),
                    Some(12.0),
                    None,
                ],
                &m,
                Direction::Higher,
            ),
            &[
                Some(0.0),
                Some(10.0),
                Some(20.0),
                Some(40.0),
                Some(50.0),
                Some(50.0),
                None,
            ],
        );
        // The S&T staff bands of the same article (科技人员指标): 30%(含)以上 20, 25% 16,
        // 20% 12, 15% 8, 10% 4, below 0: 27% → 16; 10% → 4; 9.9% → 0.
        let staff = Method::Banded {
            bands: vec![
                (10.0, 4.0),
                (15.0, 8.0),
                (20.0, 12.0),
                (25.0, 16.0),
                (30.0, 20.0),
            ],
        };
        assert_close(
            &normalise(&some(&[27.0, 10.0, 9.9]), &staff, Direction::Higher),
            &some(&[16.0, 4.0, 0.0]),
        );
    }

    #[test]
    fn banded_lower_is_better_takes_the_lowest_threshold_not_exceeded() {
        // ≤ 0.3 → 10, ≤ 0.5 → 6, ≤ 0.8 → 2, above → 0.
        let m = Method::Banded {
            bands: vec![(0.3, 10.0), (0.5, 6.0), (0.8, 2.0)],
        };
        assert_close(
            &normalise(&some(&[0.2, 0.3, 0.45, 0.8, 0.9]), &m, Direction::Lower),
            &some(&[10.0, 10.0, 6.0, 2.0, 0.0]),
        );
    }

    #[test]
    fn parameters_out_of_range_are_refused_with_the_parameter() {
        let bad = [
            (
                Method::MinMax {
                    low: 100.0,
                    high: 0.0,
                },
                MethodError::MinMaxBounds {
                    low: 100.0,
                    high: 0.0,
                },
            ),
            (
                Method::MinMax {
                    low: 5.0,
                    high: 5.0,
                },
                MethodError::MinMaxBounds {
                    low: 5.0,
                    high: 5.0,
                },
            ),
            (
                Method::ZScore { mean: 0.0, sd: 0.0 },
                MethodError::ZScoreSd { sd: 0.0 },
            ),
            (
                Method::GoalAttainment {
                    target: 10.0,
                    cap: 0.0,
                },
                MethodError::GoalCap { cap: 0.0 },
            ),
            (
                Method::GoalAttainment {
                    target: -1.0,
                    cap: 100.0,
                },
                MethodError::GoalTarget { target: -1.0 },
            ),
            (Method::Banded { bands: vec![] }, MethodError::NoBands),
            (
                Method::Banded {
                    bands: vec![(1.0, 5.0), (3.0, 8.0), (3.0, 9.0)],
                },
                MethodError::BandsNotAscending {
                    index: 2,
                    previous: 3.0,
                    threshold: 3.0,
                },
            ),
        ];
        for (method, error) in bad {
            assert_eq!(method.check(), Err(error), "{method:?}");
        }
        let nan = Method::DistanceToTarget {
            target: f64::NAN,
            cap: false,
        };
        match nan.check() {
            Err(MethodError::NotFinite { parameter, .. }) => assert_eq!(parameter, "target"),
            other => panic!("{other:?}"),
        }
        let message = Method::MinMax {
            low: 100.0,
            high: 0.0,
        }
        .check()
        .unwrap_err()
        .to_string();
        assert!(
            message.contains("low") && message.contains("high"),
            "{message}"
        );
    }

    #[test]
    fn methods_read_from_toml_with_coinr_defaults() {
        #[derive(Deserialize)]
        struct Doc {
            a: Method,
            b: Method,
            c: Method,
            d: Method,
        }
        let doc: Doc = toml::from_str(
            r#"
            a = { method = "min_max" }
            b = { method = "z_score" }
            c = { method = "banded", bands = [[2, 10], [3, 20]] }
            d = { method = "goal_attainment", target = 5 }
            "#,
        )
        .unwrap();
        assert_eq!(
            doc.a,
            Method::MinMax {
                low: 0.0,
                high: 100.0
            }
        );
        assert_eq!(doc.b, Method::ZScore { mean: 0.0, sd: 1.0 });
        assert_eq!(
            doc.c,
            Method::Banded {
                bands: vec![(2.0, 10.0), (3.0, 20.0)]
            }
        );
        assert_eq!(
            doc.d,
            Method::GoalAttainment {
                target: 5.0,
                cap: 100.0
            }
        );
        // A misspelt parameter is refused, not silently defaulted.
        assert!(
            toml::from_str::<Doc>(
                r#"
            a = { method = "min_max", hihg = 10 }
            b = { method = "rank" }
            c = { method = "borda" }
            d = { method = "percent_rank" }
            "#,
            )
            .is_err()
        );
    }
}
