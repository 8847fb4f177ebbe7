//! What a kept run holds, as it is written into the store: the inputs it was computed
//! from and its outcome, each self-describing (units and nodes by code and name as they
//! were), so that a published result reads the same whatever happens to the registry or
//! the scheme afterwards.

use innozone_domain::evaluation::data::EvaluationData;
use innozone_domain::evaluation::run::{RunOptions, RunResult};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::evaluation::treatment::OutlierTreatment;
use innozone_store::EvaluationRunSummary;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppError;

/// A unit as it was named when the run was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunUnit {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
}

impl RunUnit {
    pub fn name(&self, english: bool) -> &str {
        match (&self.name_en, english) {
            (Some(en), true) => en,
            _ => &self.name_zh,
        }
    }
}

/// The values a run was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInputs {
    pub units: Vec<RunUnit>,
    /// The scheme's indicator codes, in its tree's order.
    pub indicators: Vec<String>,
    /// `values[unit][indicator]`, after division by the indicator's denominator.
    pub values: Vec<Vec<Option<f64>>>,
    /// The previous year's values, same shape, for last-value imputation.
    pub previous: Option<Vec<Vec<Option<f64>>>>,
    /// `occurrences[unit][adjustment]`, in the scheme's order of adjustments.
    pub occurrences: Vec<Vec<u32>>,
    /// The veto items each unit hit.
    pub vetoes: Vec<Vec<String>>,
}

impl RunInputs {
    pub fn data(&self) -> EvaluationData {
        EvaluationData {
            units: self.units.iter().map(|u| u.code.clone()).collect(),
            indicators: self.indicators.clone(),
            values: self.values.clone(),
        }
    }

    pub fn options(&self) -> RunOptions {
        RunOptions {
            occurrences: self.occurrences.clone(),
            vetoes: self.vetoes.clone(),
            groups: None,
            previous: self.previous.as_ref().map(|values| EvaluationData {
                units: self.units.iter().map(|u| u.code.clone()).collect(),
                indicators: self.indicators.clone(),
                values: values.clone(),
            }),
        }
    }

    /// SHA-256 of the scheme version and the inputs: equal digests, equal results.
    pub fn digest(&self, scheme_version: i64) -> String {
        let mut hasher = Sha256::new();
        hasher.update(scheme_version.to_le_bytes());
        hasher.update(serde_json::to_vec(self).unwrap_or_default());
        hex::encode(hasher.finalize())
    }

    pub fn unit(&self, code: &str) -> Option<usize> {
        self.units.iter().position(|u| u.code == code)
    }
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitOutcome {
    /// Share of the scheme's indicators the unit had values for.
    pub availability: f64,
    /// Whether it passed the scheme's availability threshold (else it has no score).
    pub included: bool,
    /// Every node's score, in the scheme's node order.
    pub scores: Vec<Option<f64>>,
    /// The top-level aggregate before bonus and penalty.
    pub aggregate: Option<f64>,
    pub bonus: Option<f64>,
    pub penalty: Option<f64>,
    pub total: Option<f64>,
    pub rank: Option<u32>,
    /// The grade band's code.
    pub grade: Option<String>,
    pub vetoed: bool,
    /// Per indicator (in `RunInputs::indicators` order): points against the best unit
    /// (≤ 0) and against the median.
    pub against_best: Vec<Option<f64>>,
    pub against_median: Vec<Option<f64>>,
}

/// What was done to an indicator's values before scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentNote {
    pub indicator: String,
    /// Units whose missing value was imputed, with the value put in.
    pub imputed: Vec<(String, f64)>,
    /// "not_checked", "within_bounds", "winsorised" or "logged".
    pub outliers: String,
    /// How many values winsorisation changed.
    pub winsorised: usize,
}

/// A run's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    /// The scheme's node codes, in its order; `UnitOutcome::scores` follows it.
    pub nodes: Vec<String>,
    /// In the order of `RunInputs::units`.
    pub units: Vec<UnitOutcome>,
    pub treatments: Vec<TreatmentNote>,
    /// Whether the explanations add up exactly (arithmetic means throughout).
    pub explanation_exact: bool,
}

impl RunOutcome {
    pub fn from_result(scheme: &Scheme, inputs: &RunInputs, result: &RunResult) -> RunOutcome {
        let units = (0..result.units.len())
            .map(|u| UnitOutcome {
                availability: result.availability[u],
                included: result.included[u],
                scores: result.scores.iter().map(|node| node[u]).collect(),
                aggregate: result.aggregate[u],
                bonus: result.adjusted[u].map(|a| a.bonus),
                penalty: result.adjusted[u].map(|a| a.penalty),
                total: result.total[u],
                rank: result.ranks[u],
                grade: result.grades[u].map(|g| scheme.grades.bands[g].code.clone()),
                vetoed: result.vetoed[u],
                against_best: result.explanations[u]
                    .iter()
                    .map(|c| c.against_best)
                    .collect(),
                against_median: result.explanations[u]
                    .iter()
                    .map(|c| c.against_median)
                    .collect(),
            })
            .collect();
        let treatments = result
            .treatments
            .iter()
            .map(|t| {
                let (outliers, winsorised) = match &t.outliers {
                    OutlierTreatment::NotChecked => ("not_checked", 0),
                    OutlierTreatment::WithinBounds { .. } => ("within_bounds", 0),
                    OutlierTreatment::Winsorised { points, .. } => ("winsorised", points.len()),
                    OutlierTreatment::Logged { .. } => ("logged", 0),
                };
                TreatmentNote {
                    indicator: scheme.nodes[t.node].code.clone(),
                    imputed: t
                        .imputed
                        .iter()
                        .flat_map(|i| &i.imputed)
                        .map(|i| (inputs.units[i.unit].code.clone(), i.value))
                        .collect(),
                    outliers: outliers.to_string(),
                    winsorised,
                }
            })
            .collect();
        RunOutcome {
            nodes: scheme.nodes.iter().map(|n| n.code.clone()).collect(),
            units,
            treatments,
            explanation_exact: result.explanation_exact,
        }
    }

    pub fn node(&self, code: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n == code)
    }
}

/// A kept run, read back.
#[derive(Debug, Clone)]
pub struct KeptRun {
    pub summary: EvaluationRunSummary,
    pub inputs: RunInputs,
    pub outcome: RunOutcome,
}

impl KeptRun {
    pub fn parse(record: innozone_store::EvaluationRunRecord) -> Result<KeptRun, AppError> {
        let corrupt = |e: serde_json::Error| {
            AppError::Store(innozone_store::StoreError::Corrupt(format!(
                "evaluation run {}: {e}",
                record.summary.id
            )))
        };
        Ok(KeptRun {
            inputs: serde_json::from_str(&record.inputs).map_err(corrupt)?,
            outcome: serde_json::from_str(&record.result).map_err(corrupt)?,
            summary: record.summary,
        })
    }

    /// The unit's outcome by its code.
    pub fn unit(&self, code: &str) -> Option<(&RunUnit, &UnitOutcome)> {
        let u = self.inputs.unit(code)?;
        Some((&self.inputs.units[u], &self.outcome.units[u]))
    }
}
