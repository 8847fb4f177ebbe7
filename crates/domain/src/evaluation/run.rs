//! A run: a scheme applied to the units' values for one period. The steps follow the
//! OECD/JRC Handbook's order — screening by data availability, imputation, outlier
//! treatment, normalisation, weighting and aggregation — then the bonus and penalty items,
//! vetoes, grades and ranks, and for every unit where it gained and lost points.
//!
//! How each unit's result is explained: for an indicator `i` with effective weight `wᵢ`
//! (its share of the whole, `Scheme::effective_weights`), its contribution against the
//! best unit is `wᵢ × (sᵢ − max s)` and against the median `wᵢ × (sᵢ − median s)`. With
//! arithmetic means all the way up these add up to the unit's distance from the best and
//! the median on every indicator; with geometric or harmonic means they are the first-order
//! (linear) reading of it, which the explanation says.

use thiserror::Error;

use super::aggregate::{AggregateError, Aggregation, aggregate_units};
use super::data::EvaluationData;
use super::median;
use super::normalise::normalise;
use super::scheme::{Adjusted, NodeKind, Scheme, grade, grades_by_share};
use super::sensitivity::ranks;
use super::treatment::{
    Imputation, OutlierTreatment, TreatmentError, impute, screen_units, treat_outliers,
};

/// What a run needs besides the scheme and the values.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `occurrences[u][a]`: how often unit `u` met the scheme's adjustment `a` (empty: none).
    pub occurrences: Vec<Vec<u32>>,
    /// `vetoes[u]`: the codes of the veto items unit `u` hit.
    pub vetoes: Vec<Vec<String>>,
    /// Each unit's group, for group-mean and group-median imputation.
    pub groups: Option<Vec<String>>,
    /// The previous period's values, for last-value imputation.
    pub previous: Option<EvaluationData>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum RunError {
    #[error("the values have no column for the scheme's indicator {0:?}")]
    MissingIndicator(String),
    /// Every unit's value of the indicator is missing: nothing to score it on, and a
    /// scheme run without one of its indicators would not be the scheme.
    #[error("no unit has a value of the indicator {0:?}")]
    NoValues(String),
    #[error("{what} is given for {found} units, the values for {expected}")]
    UnitCount {
        what: &'static str,
        found: usize,
        expected: usize,
    },
    #[error("unit {unit} hit the veto {code:?}, which the scheme does not have")]
    UnknownVeto { unit: String, code: String },
    #[error("indicator {indicator:?}: {error}")]
    Treatment {
        indicator: String,
        error: TreatmentError,
    },
    #[error("node {node:?}: {error}")]
    Aggregate { node: String, error: AggregateError },
}

/// What was done to an indicator's values before scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTreatment {
    pub node: usize,
    pub imputed: Option<Imputation>,
    pub outliers: OutlierTreatment,
}

/// One indicator's part in a unit's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    pub node: usize,
    pub score: Option<f64>,
    /// `wᵢ × (sᵢ − max s)`: ≤ 0, what the unit lost against the best on this indicator.
    pub against_best: Option<f64>,
    /// `wᵢ × (sᵢ − median s)`: gained (> 0) or lost (< 0) against the median.
    pub against_median: Option<f64>,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub units: Vec<String>,
    /// Share of the scheme's indicators each unit has values for, and whether it passed
    /// the scheme's availability threshold.
    pub availability: Vec<f64>,
    pub included: Vec<bool>,
    pub treatments: Vec<IndicatorTreatment>,
    /// `scores[node][unit]`: every node's score, missing for excluded units.
    pub scores: Vec<Vec<Option<f64>>>,
    /// The top-level aggregate before the bonus and penalty items.
    pub aggregate: Vec<Option<f64>>,
    pub adjusted: Vec<Option<Adjusted>>,
    /// The final score: the aggregate with bonus and penalty.
    pub total: Vec<Option<f64>>,
    /// 1 is the best; ties share the better rank.
    pub ranks: Vec<Option<u32>>,
    pub vetoed: Vec<bool>,
    /// Index into the scheme's grade bands.
    pub grades: Vec<Option<usize>>,
    /// `explanations[unit]`: one entry per indicator, in the scheme's node order.
    pub explanations: Vec<Vec<Contribution>>,
    /// Whether the explanation adds up exactly (arithmetic means throughout).
    pub explanation_exact: bool,
}

/// Runs `scheme` on `data`: every node's score for every unit, the total with bonus and
/// penalty, grades, ranks and explanations. Checked before anything is computed: every
/// indicator of the scheme has a column, the options are given for every unit.
pub fn run(
    scheme: &Scheme,
    data: &EvaluationData,
    options: &RunOptions,
) -> Result<RunResult, RunError> {
    let units = data.units.len();
    let check = |what: &'static str, found: usize| {
        if found != 0 && found != units {
            Err(RunError::UnitCount {
                what,
                found,
                expected: units,
            })
        } else {
            Ok(())
        }
    };
    check("occurrences", options.occurrences.len())?;
    check("vetoes", options.vetoes.len())?;
    check("groups", options.groups.as_ref().map_or(0, Vec::len))?;
    let leaves: Vec<usize> = scheme.indicators().map(|(i, _)| i).collect();
    let mut columns: Vec<Vec<Option<f64>>> = Vec::with_capacity(leaves.len());
    for &leaf in &leaves {
        let code = &scheme.nodes[leaf].code;
        let c = data
            .indicator(code)
            .ok_or_else(|| RunError::MissingIndicator(code.clone()))?;
        let column = data.column(c);
        if !data.units.is_empty() && column.iter().all(Option::is_none) {
            return Err(RunError::NoValues(code.clone()));
        }
        columns.push(column);
    }
    for (u, hit) in options.vetoes.iter().enumerate() {
        for code in hit {
            if !scheme.vetoes.iter().any(|v| &v.code == code) {
                return Err(RunError::UnknownVeto {
                    unit: data.units[u].clone(),
                    code: code.clone(),
                });
            }
        }
    }

    // Screening, on the values as given.
    let refs: Vec<&[Option<f64>]> = columns.iter().map(Vec::as_slice).collect();
    let screening =
        screen_units(&refs, scheme.availability).map_err(|error| RunError::Treatment {
            indicator: String::new(),
            error,
        })?;
    let included = screening.included.clone();

    // Imputation and outliers, then scores, per indicator over the included units.
    let mut scores: Vec<Vec<Option<f64>>> = vec![vec![None; units]; scheme.nodes.len()];
    let mut treatments = Vec::with_capacity(leaves.len());
    for (k, &leaf) in leaves.iter().enumerate() {
        let node = &scheme.nodes[leaf];
        let NodeKind::Indicator(spec) = &node.kind else {
            continue;
        };
        let located = |error| RunError::Treatment {
            indicator: node.code.clone(),
            error,
        };
        let mut values: Vec<Option<f64>> = columns[k]
            .iter()
            .zip(&included)
            .map(|(v, inc)| if *inc { *v } else { None })
            .collect();
        let imputed = match spec.imputation {
            None => None,
            Some(how) => {
                let previous = options
                    .previous
                    .as_ref()
                    .and_then(|p| p.indicator(&node.code).map(|c| p.column(c)));
                let result = impute(&values, how, options.groups.as_deref(), previous.as_deref())
                    .map_err(located)?;
                values = result
                    .values
                    .iter()
                    .zip(&included)
                    .map(|(v, inc)| if *inc { *v } else { None })
                    .collect();
                Some(result)
            }
        };
        let outliers = match &scheme.outliers {
            // Absolute methods are not treated: see `Method::is_absolute`.
            Some(_) if spec.method.is_absolute() => OutlierTreatment::NotChecked,
            None => OutlierTreatment::NotChecked,
            Some(policy) => {
                let treated = treat_outliers(&values, policy);
                values = treated.values;
                treated.treatment
            }
        };
        scores[leaf] = normalise(&values, &spec.method, spec.direction);
        treatments.push(IndicatorTreatment {
            node: leaf,
            imputed,
            outliers,
        });
    }

    // Groups from the leaves up: children come after their parents in `nodes`.
    for i in (0..scheme.nodes.len()).rev() {
        let node = &scheme.nodes[i];
        let NodeKind::Group { aggregation } = node.kind else {
            continue;
        };
        let children: Vec<&[Option<f64>]> = node
            .children
            .iter()
            .map(|&c| scores[c].as_slice())
            .collect();
        let weights: Vec<f64> = node
            .children
            .iter()
            .map(|&c| scheme.nodes[c].weight)
            .collect();
        scores[i] = aggregate_units(&children, &weights, aggregation).map_err(|error| {
            RunError::Aggregate {
                node: node.code.clone(),
                error,
            }
        })?;
    }
    let roots: Vec<&[Option<f64>]> = scheme.roots.iter().map(|&r| scores[r].as_slice()).collect();
    let weights: Vec<f64> = scheme
        .roots
        .iter()
        .map(|&r| scheme.nodes[r].weight)
        .collect();
    let aggregate = aggregate_units(&roots, &weights, scheme.aggregation).map_err(|error| {
        RunError::Aggregate {
            node: scheme.code.clone(),
            error,
        }
    })?;

    // Bonus and penalty items, vetoes.
    let none = vec![0u32; scheme.adjustments.len()];
    let adjusted: Vec<Option<Adjusted>> = (0..units)
        .map(|u| {
            let occurrences = options.occurrences.get(u).unwrap_or(&none);
            let occurrences: Vec<u32> = (0..scheme.adjustments.len())
                .map(|a| occurrences.get(a).copied().unwrap_or(0))
                .collect();
            aggregate[u].map(|s| scheme.adjust(s, &occurrences))
        })
        .collect();
    let total: Vec<Option<f64>> = adjusted.iter().map(|a| a.map(|a| a.score)).collect();
    let vetoed: Vec<bool> = (0..units)
        .map(|u| options.vetoes.get(u).is_some_and(|v| !v.is_empty()))
        .collect();

    // Ranks and grades over the units with a total.
    let ranked: Vec<f64> = total.iter().map(|t| t.unwrap_or(f64::NAN)).collect();
    let ranks = ranks(&ranked);
    let grades: Vec<Option<usize>> = if scheme.grades.by_share() {
        let scored: Vec<usize> = (0..units).filter(|&u| total[u].is_some()).collect();
        let scores_in: Vec<f64> = scored.iter().map(|&u| ranked[u]).collect();
        let vetoed_in: Vec<bool> = scored.iter().map(|&u| vetoed[u]).collect();
        let by_share = grades_by_share(&scores_in, &vetoed_in, &scheme.grades);
        let mut out = vec![None; units];
        for (k, &u) in scored.iter().enumerate() {
            out[u] = Some(by_share[k]);
        }
        out
    } else {
        (0..units)
            .map(|u| total[u].and_then(|t| grade(t, vetoed[u], &scheme.grades)))
            .collect()
    };

    // Explanations against the best and the median of each indicator.
    let effective = scheme.effective_weights();
    let reference: Vec<(Option<f64>, Option<f64>)> = leaves
        .iter()
        .map(|&leaf| {
            let present: Vec<f64> = scores[leaf].iter().flatten().copied().collect();
            let best = present.iter().copied().reduce(f64::max);
            (best, median(&present))
        })
        .collect();
    let explanations = (0..units)
        .map(|u| {
            leaves
                .iter()
                .zip(&reference)
                .map(|(&leaf, &(best, mid))| {
                    let s = scores[leaf][u];
                    let w = effective[leaf];
                    Contribution {
                        node: leaf,
                        score: s,
                        against_best: s.zip(best).map(|(s, b)| w * (s - b)),
                        against_median: s.zip(mid).map(|(s, m)| w * (s - m)),
                    }
                })
                .collect()
        })
        .collect();
    let explanation_exact = scheme.aggregation == Aggregation::Arithmetic
        && scheme.nodes.iter().all(|n| match n.kind {
            NodeKind::Group { aggregation } => aggregation == Aggregation::Arithmetic,
            NodeKind::Indicator(_) => true,
        });

    Ok(RunResult {
        units: data.units.clone(),
        availability: screening.availability,
        included,
        treatments,
        scores,
        aggregate,
        adjusted,
        total,
        ranks,
        vetoed,
        grades,
        explanations,
        explanation_exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two dimensions of one indicator each: 创新 (weight 3, min-max of `rd`, higher is
    /// better) and 绿色 (weight 2, min-max of `energy`, lower is better).
    const SCHEME: &str = r#"
code = "test"
version = 1
name_zh = "测试方案"
name_en = "Test scheme"
aggregation = "arithmetic"
availability = 0.5

[[dimensions]]
code = "innovation"
zh = "创新"
en = "Innovation"
weight = 3

[[dimensions]]
code = "green"
zh = "绿色"
en = "Green"
weight = 2

[[indicators]]
code = "rd"
parent = "innovation"
zh = "研发"
en = "R&D"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "energy"
parent = "green"
zh = "能耗"
en = "Energy"
weight = 1
entered = true
direction = "lower"
method = { method = "min_max" }

[[adjustments]]
code = "award"
kind = "bonus"
zh = "获奖"
en = "Award"
points = 5
cap = 5

[[vetoes]]
code = "major_safety_accident"
zh = "重大安全事故"
en = "Major safety accident"

[[grades]]
code = "a"
zh = "优秀"
en = "Excellent"
min = 90

[[grades]]
code = "b"
zh = "合格"
en = "Qualified"
min = 60

[[grades]]
code = "c"
zh = "不合格"
en = "Unqualified"
"#;

    fn scheme() -> Scheme {
        Scheme::parse(SCHEME, &|_| false, &|_| false).unwrap()
    }

    fn data(rows: &[(&str, Option<f64>, Option<f64>)]) -> EvaluationData {
        EvaluationData {
            units: rows.iter().map(|r| r.0.to_string()).collect(),
            indicators: vec!["rd".into(), "energy".into()],
            values: rows.iter().map(|r| vec![r.1, r.2]).collect(),
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn scores_totals_ranks_and_grades_worked_by_hand() {
        // rd 10, 20, 30 → min-max 0, 50, 100. energy 5, 1, 3, lower is better: read as
        // −5, −1, −3 → 0, 100, 50. Weights 3 : 2 → 0.6 and 0.4:
        // 甲 0.6·0 + 0.4·0 = 0; 乙 0.6·50 + 0.4·100 = 70; 丙 0.6·100 + 0.4·50 = 80.
        let d = data(&[
            ("甲", Some(10.0), Some(5.0)),
            ("乙", Some(20.0), Some(1.0)),
            ("丙", Some(30.0), Some(3.0)),
        ]);
        let r = run(&scheme(), &d, &RunOptions::default()).unwrap();
        assert!(close(r.total[0], 0.0));
        assert!(close(r.total[1], 70.0));
        assert!(close(r.total[2], 80.0));
        assert_eq!(r.ranks, vec![Some(3), Some(2), Some(1)]);
        // 0 → c; 70 and 80 → b (≥ 60, < 90).
        assert_eq!(r.grades, vec![Some(2), Some(1), Some(1)]);
        // 乙 against the best: rd 0.6 × (50 − 100) = −30, energy 0.4 × (100 − 100) = 0;
        // against the median (50 and 50): rd 0, energy 0.4 × (100 − 50) = +20.
        let rd = &r.explanations[1][0];
        let energy = &r.explanations[1][1];
        assert!(close(rd.against_best, -30.0) && close(rd.against_median, 0.0));
        assert!(close(energy.against_best, 0.0) && close(energy.against_median, 20.0));
        assert!(r.explanation_exact);
    }

    #[test]
    fn outliers_are_treated_for_relative_scores_only() {
        // Nine parks at 1 and one at 100 on rd (min-max, relative): skewness and kurtosis
        // far beyond 2 and 3.5, so it is treated. On energy, scored by goal attainment
        // (absolute, here higher is better against a target of 100), one park at 10 among
        // nine at 100 is just as extreme but left alone: its own score stays 10 / 100.
        let source = SCHEME
            .replace("availability = 0.5", "availability = 0.5\noutliers = { winmax = 5 }")
            .replace(
                "direction = \"lower\"\nmethod = { method = \"min_max\" }",
                "direction = \"higher\"\nmethod = { method = \"goal_attainment\", target = 100, cap = 100 }",
            );
        let s = Scheme::parse(&source, &|_| false, &|_| false).unwrap();
        assert!(s.outliers.is_some());
        let rows: Vec<(String, Option<f64>, Option<f64>)> = (0..10)
            .map(|i| {
                let last = i == 9;
                (
                    format!("园区{i}"),
                    Some(if last { 100.0 } else { 1.0 }),
                    Some(if last { 10.0 } else { 100.0 }),
                )
            })
            .collect();
        let rows: Vec<(&str, Option<f64>, Option<f64>)> =
            rows.iter().map(|(u, a, b)| (u.as_str(), *a, *b)).collect();
        let r = run(&s, &data(&rows), &RunOptions::default()).unwrap();
        let (rd, _) = s.node("rd").unwrap();
        let (energy, _) = s.node("energy").unwrap();
        let treated = |node: usize| {
            &r.treatments
                .iter()
                .find(|t| t.node == node)
                .unwrap()
                .outliers
        };
        assert!(
            matches!(
                treated(rd),
                OutlierTreatment::Winsorised { .. } | OutlierTreatment::Logged { .. }
            ),
            "{:?}",
            treated(rd)
        );
        assert_eq!(treated(energy), &OutlierTreatment::NotChecked);
        assert!(close(r.scores[energy][9], 10.0));
        assert!(close(r.scores[energy][0], 100.0));
    }

    #[test]
    fn bonus_and_veto_change_the_total_and_the_grade() {
        let d = data(&[
            ("甲", Some(10.0), Some(5.0)),
            ("乙", Some(20.0), Some(1.0)),
            ("丙", Some(30.0), Some(3.0)),
        ]);
        let options = RunOptions {
            // 乙 won two awards: 2 × 5 = 10 points, capped at 5 → 75.
            occurrences: vec![vec![0], vec![2], vec![0]],
            // 丙 had a major safety accident: unqualified whatever its 80.
            vetoes: vec![vec![], vec![], vec!["major_safety_accident".into()]],
            ..RunOptions::default()
        };
        let r = run(&scheme(), &d, &options).unwrap();
        assert!(close(r.total[1], 75.0));
        assert_eq!(r.grades[2], Some(2));
        assert_eq!(r.ranks[1], Some(2), "75 is behind 丙's 80 in the ranking");
    }

    #[test]
    fn a_unit_below_the_availability_threshold_is_screened_out() {
        // 丁 has none of the two values (0 % < 50 %): no score, no rank; the others are
        // scored among themselves: rd 10 and 30 → 0 and 100; energy 5 and 3 → 0 and 100.
        let d = data(&[
            ("甲", Some(10.0), Some(5.0)),
            ("丙", Some(30.0), Some(3.0)),
            ("丁", None, None),
        ]);
        let r = run(&scheme(), &d, &RunOptions::default()).unwrap();
        assert_eq!(r.included, vec![true, true, false]);
        assert_eq!(r.total[2], None);
        assert_eq!(r.ranks[2], None);
        assert!(close(r.total[1], 100.0));
    }

    #[test]
    fn mismatched_inputs_are_refused_before_anything_runs() {
        let d = EvaluationData {
            units: vec!["甲".into()],
            indicators: vec!["rd".into()],
            values: vec![vec![Some(1.0)]],
        };
        assert_eq!(
            run(&scheme(), &d, &RunOptions::default()),
            Err(RunError::MissingIndicator("energy".into()))
        );
        let d = data(&[("甲", Some(1.0), Some(1.0))]);
        let options = RunOptions {
            vetoes: vec![vec!["flood".into()]],
            ..RunOptions::default()
        };
        assert_eq!(
            run(&scheme(), &d, &options),
            Err(RunError::UnknownVeto {
                unit: "甲".into(),
                code: "flood".into()
            })
        );
        let options = RunOptions {
            occurrences: vec![vec![0], vec![0]],
            ..RunOptions::default()
        };
        assert!(matches!(
            run(&scheme(), &d, &options),
            Err(RunError::UnitCount {
                what: "occurrences",
                found: 2,
                expected: 1
            })
        ));
        // Nobody has an energy figure: refused, rather than scored without it.
        let d = data(&[("甲", Some(1.0), None), ("乙", Some(2.0), None)]);
        assert_eq!(
            run(&scheme(), &d, &RunOptions::default()),
            Err(RunError::NoValues("energy".into()))
        );
    }
}
