//! Treatment of the data before scoring: imputation of missing values, screening out units
//! with too little data, and outlier treatment.
//!
//! The steps follow the OECD/JRC *Handbook on Constructing Composite Indicators* (2008),
//! step 3 "Imputation of missing data" and step 5's discussion of outliers, and where the
//! Handbook leaves a choice, the documented defaults of COINr (the JRC's R package:
//! `Impute()`, `Screen()`, `Treat()`, `winsorise()`, `log_CT()`, `skew()`, `kurt()`):
//!
//! - **Imputation** ([`impute`]): the mean or median of all units present (COINr `i_mean`,
//!   `i_median`), of the unit's group (`i_mean_grp`, `i_median_grp`), or the unit's own
//!   previous value (last observation carried forward, COINr's panel imputation
//!   `impute_panel(imp_type = "latest")`). A unit whose group has no value, or that has no
//!   previous value, stays missing; every imputed value is reported with its source.
//! - **Screening** ([`screen_units`]): a unit's data availability is the share of the
//!   indicators it has a value for; a unit is screened out when that share is *below* the
//!   threshold (COINr `Screen(unit_screen = "byNA")`: `Dat_Avail < dat_thresh`), whose COINr
//!   default, 2/3, is [`DEFAULT_AVAILABILITY`].
//! - **Outliers** ([`treat_outliers`]): COINr's `Treat()` with its defaults, see there.

use std::collections::HashMap;
use std::hash::Hash;

use super::median;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// COINr `Screen()`'s default data-availability threshold.
pub const DEFAULT_AVAILABILITY: f64 = 2.0 / 3.0;

/// How a missing value is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impute {
    /// The mean of the indicator over all units with a value (COINr `i_mean`).
    Mean,
    /// The median over all units with a value (COINr `i_median`; R's `median`: the mean of
    /// the two middle values when their number is even).
    Median,
    /// The mean over the units of the same group (COINr `i_mean_grp`), e.g. parks of the same
    /// type or zones of the same province.
    GroupMean,
    /// The median over the units of the same group (COINr `i_median_grp`).
    GroupMedian,
    /// The unit's own value of the previous period (last observation carried forward).
    LastValue,
}

/// Where an imputed value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Imputed {
    /// The unit's position in the values.
    pub unit: usize,
    pub value: f64,
    pub how: Impute,
    /// How many values the mean or median was taken over (1 for a last value).
    pub from_values: usize,
}

/// The values after imputation and what was filled in; `still_missing` lists the units no
/// value could be found for (an empty group, no previous value).
#[derive(Debug, Clone, PartialEq)]
pub struct Imputation {
    pub values: Vec<Option<f64>>,
    pub imputed: Vec<Imputed>,
    pub still_missing: Vec<usize>,
}

/// A treatment's input that does not fit.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TreatmentError {
    #[error("{what} has {got} entries for {units} units")]
    LengthMismatch {
        what: &'static str,
        got: usize,
        units: usize,
    },
    #[error("imputation by {} needs each unit's group", how_code(*how))]
    GroupsNeeded { how: Impute },
    #[error("imputation by the last value needs each unit's previous value")]
    PreviousNeeded,
    #[error("the data-availability threshold must be between 0 and 1, got {threshold}")]
    AvailabilityThreshold { threshold: f64 },
    #[error("outlier treatment: `{parameter}` must be {why}, got {value}")]
    OutlierParameter {
        parameter: &'static str,
        why: &'static str,
        value: f64,
    },
}

fn how_code(how: Impute) -> &'static str {
    match how {
        Impute::Mean => "the mean",
        Impute::Median => "the median",
        Impute::GroupMean => "the group mean",
        Impute::GroupMedian => "the group median",
        Impute::LastValue => "the last value",
    }
}

/// Fills in the missing values of one indicator. `groups[u]` is unit `u`'s group (needed
/// for the group methods), `previous[u]` its value in the previous period (needed for
/// [`Impute::LastValue`]). Values present are never changed; non-finite values count as
/// missing.
pub fn impute<G: Eq + Hash>(
    values: &[Option<f64>],
    how: Impute,
    groups: Option<&[G]>,
    previous: Option<&[Option<f64>]>,
) -> Result<Imputation, TreatmentError> {
    let units = values.len();
    let values: Vec<Option<f64>> = values.iter().map(|v| v.filter(|v| v.is_finite())).collect();
    // Nothing to fill in: nothing is needed, not even the groups or last values.
    if values.iter().all(Option::is_some) {
        return Ok(Imputation {
            values,
            imputed: Vec::new(),
            still_missing: Vec::new(),
        });
    }
    let stat = |xs: &[f64]| match how {
        Impute::Mean | Impute::GroupMean => mean(xs),
        _ => median(xs),
    };
    // The fill-in for each unit, with the number of values it was taken from.
    let fill: Vec<Option<(f64, usize)>> = match how {
        Impute::Mean | Impute::Median => {
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            let v = stat(&present).map(|v| (v, present.len()));
            vec![v; units]
        }
        Impute::GroupMean | Impute::GroupMedian => {
            let groups = groups.ok_or(TreatmentError::GroupsNeeded { how })?;
            if groups.len() != units {
                return Err(TreatmentError::LengthMismatch {
                    what: "groups",
                    got: groups.len(),
                    units,
                });
            }
            let mut by_group: HashMap<&G, Vec<f64>> = HashMap::new();
            for (g, v) in groups.iter().zip(&values) {
                let entry = by_group.entry(g).or_default();
                if let Some(v) = v {
                    entry.push(*v);
                }
            }
            let per_group: HashMap<&G, Option<(f64, usize)>> = by_group
                .iter()
                .map(|(g, xs)| (*g, stat(xs).map(|v| (v, xs.len()))))
                .collect();
            groups.iter().map(|g| per_group[g]).collect()
        }
        Impute::LastValue => {
            let previous = previous.ok_or(TreatmentError::PreviousNeeded)?;
            if previous.len() != units {
                return Err(TreatmentError::LengthMismatch {
                    what: "previous values",
                    got: previous.len(),
                    units,
                });
            }
            previous
                .iter()
                .map(|p| p.filter(|p| p.is_finite()).map(|p| (p, 1)))
                .collect()
        }
    };
    let mut out = Imputation {
        values: values.clone(),
        imputed: Vec::new(),
        still_missing: Vec::new(),
    };
    for (unit, v) in values.iter().enumerate() {
        if v.is_some() {
            continue;
        }
        match fill[unit] {
            Some((value, from_values)) => {
                out.values[unit] = Some(value);
                out.imputed.push(Imputed {
                    unit,
                    value,
                    how,
                    from_values,
                });
            }
            None => out.still_missing.push(unit),
        }
    }
    Ok(out)
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Each unit's data availability and whether it stays in the evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    /// Share of the indicators the unit has a value for, 0 to 1.
    pub availability: Vec<f64>,
    /// `availability ≥ threshold`.
    pub included: Vec<bool>,
}

impl Screening {
    /// The units screened out, in order.
    pub fn excluded(&self) -> Vec<usize> {
        (0..self.included.len())
            .filter(|&u| !self.included[u])
            .collect()
    }
}

/// Screens units by data availability: `indicators[i][u]` is indicator `i`'s value for unit
/// `u`. A unit is excluded when its share of indicators present is below `threshold`
/// (COINr `Screen()`, `Dat_Avail < dat_thresh`; default [`DEFAULT_AVAILABILITY`]).
pub fn screen_units(
    indicators: &[&[Option<f64>]],
    threshold: f64,
) -> Result<Screening, TreatmentError> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(TreatmentError::AvailabilityThreshold { threshold });
    }
    let units = indicators.first().map_or(0, |i| i.len());
    if let Some(bad) = indicators.iter().find(|i| i.len() != units) {
        return Err(TreatmentError::LengthMismatch {
            what: "an indicator",
            got: bad.len(),
            units,
        });
    }
    let n = indicators.len();
    let availability: Vec<f64> = (0..units)
        .map(|u| {
            let present = indicators
                .iter()
                .filter(|i| i[u].is_some_and(f64::is_finite))
                .count();
            if n == 0 {
                0.0
            } else {
                present as f64 / n as f64
            }
        })
        .collect();
    let included = availability.iter().map(|&a| a >= threshold).collect();
    Ok(Screening {
        availability,
        included,
    })
}

/// Sample skewness as COINr's `skew()`, which is `e1071::skewness(type = 2)` and Excel's
/// `SKEW`: with `n` values, deviations `d = x − x̄`,
/// `G₁ = √n · Σd³ / (Σd²)^{3/2} · √(n(n − 1)) / (n − 2)`.
/// `None` with fewer than 3 values (COINr stops) or no spread (R gives `NaN`).
pub fn skewness(xs: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let m = xs.iter().sum::<f64>() / nf;
    let (s2, s3) = xs.iter().fold((0.0, 0.0), |(s2, s3), x| {
        let d = x - m;
        (s2 + d * d, s3 + d * d * d)
    });
    if s2 <= 0.0 {
        return None;
    }
    Some(nf.sqrt() * s3 / s2.powf(1.5) * (nf * (nf - 1.0)).sqrt() / (nf - 2.0))
}

/// Sample excess kurtosis as COINr's `kurt()`, which is `e1071::kurtosis(type = 2)` and
/// Excel's `KURT`: with `r = n · Σd⁴ / (Σd²)²`,
/// `G₂ = ((n + 1)(r − 3) + 6) · (n − 1) / ((n − 2)(n − 3))`.
/// `None` with fewer than 4 values (COINr stops) or no spread.
pub fn kurtosis(xs: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 4 {
        return None;
    }
    let nf = n as f64;
    let m = xs.iter().sum::<f64>() / nf;
    let (s2, s4) = xs.iter().fold((0.0, 0.0), |(s2, s4), x| {
        let d2 = (x - m) * (x - m);
        (s2 + d2, s4 + d2 * d2)
    });
    if s2 <= 0.0 {
        return None;
    }
    let r = nf * s4 / (s2 * s2);
    Some(((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0)))
}

/// The parameters of the outlier treatment; the defaults are COINr `Treat()`'s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutlierPolicy {
    /// At most this many points are winsorised (COINr `winmax = 5`).
    pub winmax: usize,
    /// Absolute skewness threshold (COINr `skew_thresh = 2`).
    pub skew_threshold: f64,
    /// Kurtosis threshold (COINr `kurt_thresh = 3.5`).
    pub kurtosis_threshold: f64,
}

impl Default for OutlierPolicy {
    fn default() -> Self {
        OutlierPolicy {
            winmax: 5,
            skew_threshold: 2.0,
            kurtosis_threshold: 3.5,
        }
    }
}

impl OutlierPolicy {
    /// Refuses thresholds that are not positive finite numbers.
    pub fn check(&self) -> Result<(), TreatmentError> {
        for (parameter, value) in [
            ("skew_threshold", self.skew_threshold),
            ("kurtosis_threshold", self.kurtosis_threshold),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(TreatmentError::OutlierParameter {
                    parameter,
                    why: "a positive number",
                    value,
                });
            }
        }
        Ok(())
    }

    /// COINr `check_SkewKurt`: an indicator passes when `|skew| < skew_threshold` OR
    /// `kurtosis < kurtosis_threshold`, so it is an outlier case when both are reached.
    /// An indicator whose skewness or kurtosis cannot be computed passes (COINr returns it
    /// untreated).
    pub fn passes(&self, xs: &[f64]) -> bool {
        match (skewness(xs), kurtosis(xs)) {
            (Some(s), Some(k)) => s.abs() < self.skew_threshold || k < self.kurtosis_threshold,
            _ => true,
        }
    }
}

/// Which end of the distribution a point was winsorised at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    High,
    Low,
}

/// One winsorised value: the unit, its value before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Winsorised {
    pub unit: usize,
    pub side: Side,
    pub from: f64,
    pub to: f64,
}

/// What the outlier treatment did to one indicator, for the run to explain.
#[derive(Debug, Clone, PartialEq)]
pub enum OutlierTreatment {
    /// Fewer than 4 values or no spread: skewness and kurtosis cannot be computed.
    NotChecked,
    /// Skewness and kurtosis within bounds: untouched.
    WithinBounds { skewness: f64, kurtosis: f64 },
    /// Winsorisation brought the indicator within bounds.
    Winsorised {
        before: (f64, f64),
        after: (f64, f64),
        points: Vec<Winsorised>,
    },
    /// Winsorising `winmax` points did not suffice: the winsorisation was undone and the
    /// log transform `ln(x − min + 0.01 (max − min))` applied to the original values.
    /// `after` is the skewness and kurtosis of the logged values and `passes` whether they
    /// are within bounds (COINr keeps the log either way).
    Logged {
        before: (f64, f64),
        after: Option<(f64, f64)>,
        passes: bool,
        winsorisation_tried: usize,
    },
}

/// One indicator's values after outlier treatment and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlierResult {
    pub values: Vec<Option<f64>>,
    pub treatment: OutlierTreatment,
}

/// Outlier treatment of one indicator as COINr's `Treat()` with its defaults (`f1 =
/// "winsorise"`, `f2 = "log_CT"`, `f_pass = "check_SkewKurt"`, `combine_treat = FALSE`):
///
/// 1. If [`OutlierPolicy::passes`], the values are returned unchanged.
/// 2. Otherwise winsorise (COINr `winsorise()`), one step at a time, re-checking after each:
///    if the skewness is ≥ 0 the highest value (every unit tied at it) is replaced by the
///    highest value among the others, else the lowest by the lowest of the others. The
///    count of winsorised points is, as in COINr, the number of units at the end they were
///    treated at (a point winsorised once is tied with the next highest and goes down with
///    it); steps stop when the indicator passes or the count reaches `winmax`.
/// 3. If it still fails, the winsorisation is undone and COINr's `log_CT()` is applied to
///    the original values: `ln(x − min + 0.01 (max − min))`.
///
/// Missing values are left out of the statistics and stay missing.
pub fn treat_outliers(values: &[Option<f64>], policy: &OutlierPolicy) -> OutlierResult {
    let values: Vec<Option<f64>> = values.iter().map(|v| v.filter(|v| v.is_finite())).collect();
    let present = |x: &[Option<f64>]| x.iter().flatten().copied().collect::<Vec<f64>>();
    let stats = |xs: &[f64]| Some((skewness(xs)?, kurtosis(xs)?));
    let original = present(&values);
    let Some(before) = stats(&original) else {
        return OutlierResult {
            values,
            treatment: OutlierTreatment::NotChecked,
        };
    };
    if policy.passes(&original) {
        return OutlierResult {
            values,
            treatment: OutlierTreatment::WithinBounds {
                skewness: before.0,
                kurtosis: before.1,
            },
        };
    }

    // Winsorisation, COINr `winsorise()`.
    let mut x = values.clone();
    let (mut high, mut low): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut count = 0;
    let mut passing = false;
    while !passing && count < policy.winmax {
        let xs = present(&x);
        let Some(skew) = skewness(&xs) else { break };
        let side = if skew >= 0.0 { Side::High } else { Side::Low };
        let extreme = match side {
            Side::High => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Side::Low => xs.iter().copied().fold(f64::INFINITY, f64::min),
        };
        let at: Vec<usize> = (0..x.len()).filter(|&u| x[u] == Some(extreme)).collect();
        // Every value not at the extreme lies strictly inside it.
        let others = x.iter().flatten().copied().filter(|&v| v != extreme);
        let replacement = match side {
            Side::High => others.reduce(f64::max),
            Side::Low => others.reduce(f64::min),
        };
        let Some(replacement) = replacement else {
            break;
        };
        for &u in &at {
            x[u] = Some(replacement);
        }
        match side {
            Side::High => high = at,
            Side::Low => low = at,
        }
        count = high.len() + low.len();
        passing = policy.passes(&present(&x));
    }

    if passing {
        let after = stats(&present(&x)).unwrap_or((f64::NAN, f64::NAN));
        let mut points: Vec<Winsorised> = high
            .iter()
            .map(|&u| (u, Side::High))
            .chain(low.iter().map(|&u| (u, Side::Low)))
            .filter_map(|(unit, side)| {
                let (from, to) = (values[unit]?, x[unit]?);
                (from != to).then_some(Winsorised {
                    unit,
                    side,
                    from,
                    to,
                })
            })
            .collect();
        points.sort_by_key(|p| p.unit);
        return OutlierResult {
            values: x,
            treatment: OutlierTreatment::Winsorised {
                before,
                after,
                points,
            },
        };
    }

    // Fallback, COINr `log_CT()` on the original values.
    let min = original.iter().copied().fold(f64::INFINITY, f64::min);
    let max = original.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let shift = 0.01 * (max - min);
    let logged: Vec<Option<f64>> = values
        .iter()
        .map(|v| v.map(|v| (v - min + shift).ln()))
        .collect();
    let logged_present = present(&logged);
    OutlierResult {
        treatment: OutlierTreatment::Logged {
            before,
            after: stats(&logged_present),
            passes: policy.passes(&logged_present),
            winsorisation_tried: count,
        },
        values: logged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().map(|&v| Some(v)).collect()
    }

    #[test]
    fn skewness_and_kurtosis_of_a_small_sample_by_hand() {
        // x = 1, 2, 3, 4, 10; n = 5, mean 4, d = −3, −2, −1, 0, 6.
        // Σd² = 9 + 4 + 1 + 0 + 36 = 50; Σd³ = −27 − 8 − 1 + 0 + 216 = 180;
        // Σd⁴ = 81 + 16 + 1 + 0 + 1296 = 1394.
        // G₁ = √5 · 180 / 50^{3/2} · √(5·4) / 3 = 180√5 / (250√2) · 2√5 / 3
        //    = 1800 / (750√2) = 2.4 / √2 = 1.2√2 ≈ 1.697056.
        // r = 5 · 1394 / 50² = 6970 / 2500 = 2.788;
        // G₂ = (6 · (2.788 − 3) + 6) · 4 / (3 · 2) = (6 − 1.272) · 4 / 6 = 4.728 · 4 / 6 = 3.152.
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((skewness(&x).unwrap() - 1.2 * 2f64.sqrt()).abs() < EPS);
        assert!((kurtosis(&x).unwrap() - 3.152).abs() < EPS);
        // Mirror image: skewness changes sign, kurtosis does not.
        let m = [-1.0, -2.0, -3.0, -4.0, -10.0];
        assert!((skewness(&m).unwrap() + 1.2 * 2f64.sqrt()).abs() < EPS);
        assert!((kurtosis(&m).unwrap() - 3.152).abs() < EPS);
        // Too few values or no spread: none.
        assert_eq!(skewness(&[1.0, 2.0]), None);
        assert_eq!(kurtosis(&[1.0, 2.0, 3.0]), None);
        assert_eq!(skewness(&[5.0; 6]), None);
    }

    #[test]
    fn a_skewed_indicator_must_fail_both_tests_to_be_treated() {
        // 1, 2, 3, 4, 10: |skew| 1.70 < 2, so it passes though the kurtosis is 3.152.
        let policy = OutlierPolicy::default();
        assert!(policy.passes(&[1.0, 2.0, 3.0, 4.0, 10.0]));
        let r = treat_outliers(&some(&[1.0, 2.0, 3.0, 4.0, 10.0]), &policy);
        assert_eq!(r.values, some(&[1.0, 2.0, 3.0, 4.0, 10.0]));
        assert!(matches!(r.treatment, OutlierTreatment::WithinBounds { .. }));
    }

    #[test]
    fn one_extreme_outlier_is_winsorised_to_the_next_highest_value() {
        // COINr's own test (tests/testthat/test-treat.R, "treat_num"): x = c(1:10, 100) fails
        // check_SkewKurt; Treat() with winsorise, winmax 5, sets 100 to 10 and leaves 1..10,
        // and the result passes. By hand: n = 11, mean 155/11; the outlier alone gives skew
        // ≈ 3.26 and kurtosis ≈ 10.7, both over 2 and 3.5. After replacing 100 by the highest
        // other value, 10, the values 1..10, 10 have skew ≈ −0.13: within bounds after one
        // step.
        let mut x = some(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 100.0]);
        x.insert(3, None); // a missing unit stays missing and does not count
        let r = treat_outliers(&x, &OutlierPolicy::default());
        let mut expected = some(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 10.0]);
        expected.insert(3, None);
        assert_eq!(r.values, expected);
        match r.treatment {
            OutlierTreatment::Winsorised { before, points, .. } => {
                assert!(before.0 > 2.0 && before.1 > 3.5, "{before:?}");
                assert_eq!(
                    points,
                    vec![Winsorised {
                        unit: 11,
                        side: Side::High,
                        from: 100.0,
                        to: 10.0
                    }]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn two_outliers_are_winsorised_one_step_at_a_time() {
        // x = 1..20, 100, 200 (COINr's second test vector). Step 1: 200 → 100 (the highest
        // other value); 1..20, 100, 100 still fails (skew ≈ 2.82, kurtosis ≈ 7.13).
        // Step 2: both units at 100 → 20; 1..20, 20, 20 has skew ≈ −0.09: passes.
        // Two points winsorised, under winmax 5.
        let mut v: Vec<f64> = (1..=20).map(f64::from).collect();
        v.extend([100.0, 200.0]);
        let r = treat_outliers(&some(&v), &OutlierPolicy::default());
        let mut expected: Vec<f64> = (1..=20).map(f64::from).collect();
        expected.extend([20.0, 20.0]);
        assert_eq!(r.values, some(&expected));
        match r.treatment {
            OutlierTreatment::Winsorised { points, .. } => assert_eq!(
                points,
                vec![
                    Winsorised {
                        unit: 20,
                        side: Side::High,
                        from: 100.0,
                        to: 20.0
                    },
                    Winsorised {
                        unit: 21,
                        side: Side::High,
                        from: 200.0,
                        to: 20.0
                    },
                ]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_low_outlier_is_winsorised_at_the_low_end() {
        // −1..−10, −100: the mirror of the first case, skew < 0: −100 → −10.
        let v: Vec<f64> = (1..=10).map(|i| -f64::from(i)).chain([-100.0]).collect();
        let r = treat_outliers(&some(&v), &OutlierPolicy::default());
        assert_eq!(r.values[10], Some(-10.0));
        match r.treatment {
            OutlierTreatment::Winsorised { points, .. } => {
                assert_eq!(points.len(), 1);
                assert_eq!(points[0].side, Side::Low);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn winsorisation_past_winmax_falls_back_to_the_log_of_the_original() {
        // COINr's test: 1..20, 100, 200 with winmax = 1 does not pass after winsorising one
        // point (200 → 100 leaves skew ≈ 2.82, kurtosis ≈ 7.13). The winsorisation is undone
        // and log_CT applied to the original: min 1, max 200, shift 0.01 × 199 = 1.99,
        // y = ln(x − 1 + 1.99) = ln(x + 0.99): 1 → ln 1.99, 200 → ln 200.99.
        let mut v: Vec<f64> = (1..=20).map(f64::from).collect();
        v.extend([100.0, 200.0]);
        let policy = OutlierPolicy {
            winmax: 1,
            ..OutlierPolicy::default()
        };
        let r = treat_outliers(&some(&v), &policy);
        for (y, x) in r.values.iter().zip(&v) {
            assert!((y.unwrap() - (x + 0.99).ln()).abs() < EPS);
        }
        match r.treatment {
            OutlierTreatment::Logged {
                winsorisation_tried,
                passes,
                ..
            } => {
                assert_eq!(winsorisation_tried, 1);
                // ln(x + 0.99) of these values: skew ≈ 0.97 < 2, within bounds.
                assert!(passes);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn too_few_values_are_not_checked() {
        let r = treat_outliers(
            &[Some(1.0), None, Some(1000.0), Some(2.0)],
            &OutlierPolicy::default(),
        );
        assert_eq!(r.treatment, OutlierTreatment::NotChecked);
        assert_eq!(r.values, vec![Some(1.0), None, Some(1000.0), Some(2.0)]);
    }

    #[test]
    fn imputation_by_mean_median_group_and_last_value() {
        // x = 10, —, 30, 50, —; groups a, a, b, b, c; previous 9, 18, 27, 45, —.
        let x = [Some(10.0), None, Some(30.0), Some(50.0), None];
        let groups = ["a", "a", "b", "b", "c"];
        let previous = [Some(9.0), Some(18.0), Some(27.0), Some(45.0), None];
        // Mean of 10, 30, 50 = 30 for both gaps.
        let r = impute(&x, Impute::Mean, None::<&[&str]>, None).unwrap();
        assert_eq!(r.values, some(&[10.0, 30.0, 30.0, 50.0, 30.0]));
        assert_eq!(r.imputed.len(), 2);
        assert_eq!(r.imputed[0].from_values, 3);
        // Median of 10, 30, 50 = 30; of 10, 30, 50, 70 = (30 + 50)/2 = 40.
        let r = impute(&x, Impute::Median, None::<&[&str]>, None).unwrap();
        assert_eq!(r.values[1], Some(30.0));
        let x4 = [Some(10.0), Some(70.0), Some(30.0), Some(50.0), None];
        let r = impute(&x4, Impute::Median, None::<&[&str]>, None).unwrap();
        assert_eq!(r.values[4], Some(40.0));
        // Group mean: unit 1 in group a (only 10) → 10; unit 4 alone in group c → missing.
        let r = impute(&x, Impute::GroupMean, Some(&groups[..]), None).unwrap();
        assert_eq!(
            r.values,
            vec![Some(10.0), Some(10.0), Some(30.0), Some(50.0), None]
        );
        assert_eq!(r.still_missing, vec![4]);
        // Group median of group b would be (30 + 50)/2 = 40, but b has no gap; a → 10.
        let r = impute(&x, Impute::GroupMedian, Some(&groups[..]), None).unwrap();
        assert_eq!(r.values[1], Some(10.0));
        // Last value: unit 1 → 18; unit 4 has none → still missing.
        let r = impute(&x, Impute::LastValue, None::<&[&str]>, Some(&previous)).unwrap();
        assert_eq!(
            r.values,
            vec![Some(10.0), Some(18.0), Some(30.0), Some(50.0), None]
        );
        assert_eq!(r.still_missing, vec![4]);
        assert_eq!(
            r.imputed,
            vec![Imputed {
                unit: 1,
                value: 18.0,
                how: Impute::LastValue,
                from_values: 1
            }]
        );
    }

    #[test]
    fn imputation_without_its_context_is_refused() {
        let x = [Some(1.0), None];
        assert_eq!(
            impute(&x, Impute::GroupMean, None::<&[u8]>, None),
            Err(TreatmentError::GroupsNeeded {
                how: Impute::GroupMean
            })
        );
        assert_eq!(
            impute(&x, Impute::LastValue, None::<&[u8]>, None),
            Err(TreatmentError::PreviousNeeded)
        );
        assert_eq!(
            impute(&x, Impute::GroupMedian, Some(&[1u8][..]), None),
            Err(TreatmentError::LengthMismatch {
                what: "groups",
                got: 1,
                units: 2
            })
        );
    }

    #[test]
    fn units_below_the_availability_threshold_are_screened_out() {
        // 3 indicators × 4 units. Unit 0: 3/3 = 1; unit 1: 2/3; unit 2: 1/3; unit 3: 0.
        let a = [Some(1.0), Some(1.0), Some(1.0), None];
        let b = [Some(1.0), Some(1.0), None, None];
        let c = [Some(1.0), None, None, None];
        let s = screen_units(&[&a, &b, &c], DEFAULT_AVAILABILITY).unwrap();
        assert_eq!(s.availability, vec![1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0]);
        // 2/3 is not below 2/3: unit 1 stays (COINr: excluded when Dat_Avail < dat_thresh).
        assert_eq!(s.included, vec![true, true, false, false]);
        assert_eq!(s.excluded(), vec![2, 3]);
        assert_eq!(
            screen_units(&[&a], 1.5),
            Err(TreatmentError::AvailabilityThreshold { threshold: 1.5 })
        );
    }

    #[test]
    fn outlier_policy_reads_with_coinr_defaults_and_refuses_bad_thresholds() {
        let p: OutlierPolicy = toml::from_str("winmax = 3").unwrap();
        assert_eq!(
            p,
            OutlierPolicy {
                winmax: 3,
                skew_threshold: 2.0,
                kurtosis_threshold: 3.5
            }
        );
        let bad = OutlierPolicy {
            skew_threshold: -1.0,
            ..OutlierPolicy::default()
        };
        assert!(matches!(
            bad.check(),
            Err(TreatmentError::OutlierParameter {
                parameter: "skew_threshold",
                ..
            })
        ));
    }

    #[test]
    fn nothing_missing_needs_neither_groups_nor_last_values() {
        let full = [Some(1.0), Some(2.0)];
        let done = impute::<u8>(&full, Impute::LastValue, None, None).unwrap();
        assert_eq!(done.values, full.to_vec());
        assert!(done.imputed.is_empty() && done.still_missing.is_empty());
        // With a gap the last values are needed, and their absence is said.
        assert_eq!(
            impute::<u8>(&[Some(1.0), None], Impute::LastValue, None, None),
            Err(TreatmentError::PreviousNeeded)
        );
    }
}
