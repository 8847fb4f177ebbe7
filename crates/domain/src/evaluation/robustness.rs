//! Robustness of a scheme's ranks: the uncertain choices of a [`Scheme`] as
//! [`sensitivity::Factor`]s and the scheme as a fast model of them, for
//! [`sensitivity::uncertainty`] (median rank and 5–95 % interval per unit) and
//! [`sensitivity::sensitivity`] (first-order and total indices per group of choices).
//!
//! # The choices
//!
//! Following COINr's `get_sensitivity` examples (COINr 1.1, "Sensitivity analysis"
//! vignette), three groups of choices vary:
//!
//! * **Weights**: every node's weight with a positive nominal weight, uniform within
//!   ±`spread` of it (default ±25 %, as the vignette's `get_noisy_weights(NoiseFactor =
//!   0.25)`). Weights are relative among siblings, so a weight perturbed alone still moves
//!   its siblings' shares. A weight of 0 stays 0.
//! * **Aggregation**: one of [`RobustnessOptions::aggregations`] (default arithmetic or
//!   geometric, the vignette's `a_amean` / `a_gmean`), applied at every level of the tree.
//! * **Normalisation**: one of [`RobustnessOptions::normalisations`], applied to every
//!   indicator in its direction. Default, as the vignette: min-max onto 1–100 and z-score
//!   with mean 10 and standard deviation 2 (both chosen so that geometric means have
//!   positive scores to work with), and, as the issue asks, the rank.
//!
//! The nominal scores, against which the ranks change, are those of the scheme as written
//! (its own methods, aggregations and weights): the `aggregate` of [`super::run::run`],
//! before bonus and penalty items (which are not a choice of method). Treatment before
//! scoring (screening, imputation, outliers) is the scheme's and is not varied; it is done
//! once. A unit screened out has no score (NaN) and no rank.
//!
//! A geometric or harmonic mean needs positive scores ([`super::aggregate`] refuses the
//! others). Where an alternative gives a unit a score ≤ 0 under such a mean, the unit has
//! no score in that replication and is left out of its rank statistics (COINr would stop).
//!
//! # Speed
//!
//! Each normalisation option's scores (and their logarithms) are computed once. A
//! replication only combines them: when every level uses the same mean and no score is
//! missing, the tree collapses to one weighted mean of the indicators with their effective
//! weights (the product of the shares down the path), exact for arithmetic, geometric and
//! harmonic means alike; otherwise the tree is walked from the leaves up, each node skipping
//! its missing children and renormalising its weights as [`super::aggregate`] does.
//!
//! The flat mean works in each thread's own scratch space (nothing is allocated per
//! replication), over the scores laid out column after column, by blocks of units whose
//! partial sums stay in registers (AVX2 where the processor has it); each unit's sum adds
//! its terms in the same order with the same roundings as a plain loop would. An analysis
//! needs only the ranks, so a flat geometric mean gives the logarithms of the scores and
//! the ranking skips `exp` where it can ([`super::sensitivity::Scale::Logarithms`]): the
//! ranks, and so every result, are those of the scores.
//!
//! # Sensitivity by group
//!
//! For the variance-based indices the weights are one factor (as COINr's `get_sensitivity`,
//! which samples one of a set of noisy weight vectors): the factor's uniform value seeds a
//! SplitMix64 generator that draws every perturbed weight. Swapping that column in the
//! Saltelli design swaps the whole weight vector, so its indices are those of the group,
//! and the design runs N(g + 2) times for g groups instead of N(d + 2) for d weights.

use thiserror::Error;

use super::aggregate::Aggregation;
use super::data::EvaluationData;
use super::normalise::{Method, normalise};
use super::run::{RunError, RunOptions};
use super::scheme::{NodeKind, Scheme};
use super::sensitivity::{
    self, Factor, Scale, SensitivityError, Settings, Uncertainty, sensitivity_with,
    uncertainty_with,
};
use super::treatment::{OutlierPolicy, impute, screen_units, treat_outliers};

/// The default spread of the weights: ±25 %.
pub const DEFAULT_SPREAD: f64 = 0.25;

/// Which choices vary and how far.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessOptions {
    /// Weights vary uniformly within `w × (1 ± spread)`; 0 keeps them fixed. In [0, 1).
    pub spread: f64,
    /// The alternative means, applied at every level; fewer than two: the scheme's own.
    pub aggregations: Vec<Aggregation>,
    /// The alternative scoring methods, applied to every indicator; fewer than two: the
    /// scheme's own (a single one replaces them).
    pub normalisations: Vec<Method>,
}

impl Default for RobustnessOptions {
    fn default() -> Self {
        RobustnessOptions {
            spread: DEFAULT_SPREAD,
            aggregations: vec![Aggregation::Arithmetic, Aggregation::Geometric],
            normalisations: vec![
                Method::MinMax {
                    low: 1.0,
                    high: 100.0,
                },
                Method::ZScore {
                    mean: 10.0,
                    sd: 2.0,
                },
                Method::Rank,
            ],
        }
    }
}

/// A group of choices, in the order of the sensitivity factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorGroup {
    Weights,
    Aggregation,
    Normalisation,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum RobustnessError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Sensitivity(#[from] SensitivityError),
    #[error("the spread of the weights must be at least 0 and below 1, got {0}")]
    Spread(f64),
    #[error("nothing varies: give a spread, or two aggregations or normalisations")]
    NothingVaries,
    #[error("the scheme has no score for any unit")]
    NoScores,
}

/// One normalisation option's indicator scores (NaN where missing), column after column:
/// indicator k's score of a unit at `k · units + unit`.
#[derive(Debug, Clone)]
struct Table {
    units: usize,
    cols: Vec<f64>,
    /// ln of each score (NaN where ≤ 0 or missing), laid out as `cols`.
    logs: Vec<f64>,
    /// `refused[unit]`: excluded, or with a present score ≤ 0, which geometric and
    /// harmonic means refuse.
    refused: Vec<bool>,
    /// No score is missing for an included unit.
    complete: bool,
}

impl Table {
    fn new(cols: Vec<Vec<f64>>, included: &[bool]) -> Self {
        let units = included.len();
        let mut nonpositive = vec![false; units];
        let mut complete = true;
        for col in &cols {
            for (u, &x) in col.iter().enumerate() {
                if x.is_nan() {
                    complete &= !included[u];
                } else if x <= 0.0 {
                    nonpositive[u] = true;
                }
            }
        }
        let flat: Vec<f64> = cols.iter().flatten().copied().collect();
        let logs = flat
            .iter()
            .map(|&x| if x > 0.0 { x.ln() } else { f64::NAN })
            .collect();
        Table {
            units,
            cols: flat,
            logs,
            refused: nonpositive
                .iter()
                .zip(included)
                .map(|(&n, &i)| n || !i)
                .collect(),
            complete,
        }
    }

    /// Indicator k's scores.
    fn col(&self, k: usize) -> &[f64] {
        &self.cols[k * self.units..(k + 1) * self.units]
    }
}

/// A scheme prepared for many re-scorings.
#[derive(Debug, Clone)]
pub struct Robustness {
    pub units: Vec<String>,
    included: Vec<bool>,
    /// Nominal weight of every node.
    weights: Vec<f64>,
    /// Nodes whose weight varies (positive nominal weight), in node order.
    pub varied: Vec<usize>,
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
    /// `leaf[node]`: the node's column in the tables, for indicators.
    leaf: Vec<Option<usize>>,
    /// The scheme's own mean per node (groups) and at the top.
    means: Vec<Aggregation>,
    top: Aggregation,
    /// The scheme's own mean if every level uses the same.
    own_uniform: Option<Aggregation>,
    /// Every (parent, child) pair in the order the effective weights take them: the roots
    /// (their parent the virtual node numbered as many as the nodes), then each node's
    /// children, node after node.
    pairs: Vec<(usize, usize)>,
    /// The node of each column.
    column_nodes: Vec<usize>,
    /// Table 0: the scheme's own methods; then one per alternative.
    tables: Vec<Table>,
    options: RobustnessOptions,
    nominal: Vec<f64>,
}

/// A thread's scratch space for the model, reused from one run to the next.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// The run's weight of every node.
    weights: Vec<f64>,
    flat: Flat,
}

/// Scratch space of the flat mean.
#[derive(Debug, Clone, Default)]
struct Flat {
    /// Every node's share of its siblings' weight, multiplied down the path (and 1 for
    /// the virtual parent of the roots).
    share: Vec<f64>,
    /// Per node, the sum of its children's weights (and of the roots', last).
    totals: Vec<f64>,
    /// Every indicator's effective weight, by column.
    effective: Vec<f64>,
    /// The columns in the mean, in column order: their weights and where they start.
    terms: Vec<(f64, usize)>,
}

/// `out[u] = Σ w·f(x)` over the `(w, offset)` of `terms` in their order, from 0, with x the
/// number at `offset + u` of `matrix` and f(x) = x, or 1/x if `reciprocal`: the weighted
/// sums of a flat mean. The sums run over blocks of units, each block's partial sums held
/// in registers while the terms go by (with AVX2 where the processor has it; AVX-512 was
/// no faster in the whole analysis); every unit's sum still adds its terms one by one in
/// the order given, with the same roundings (a multiplication and an addition, never
/// fused).
fn weighted_sums(terms: &[(f64, usize)], matrix: &[f64], reciprocal: bool, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, as just checked.
        return unsafe { weighted_sums_avx2(terms, matrix, reciprocal, out) };
    }
    if reciprocal {
        sum_blocks::<16, true>(terms, matrix, out);
    } else {
        sum_blocks::<16, false>(terms, matrix, out);
    }
}

/// [`weighted_sums`] compiled for AVX2: blocks of 48 units, twelve registers of four.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn weighted_sums_avx2(terms: &[(f64, usize)], matrix: &[f64], reciprocal: bool, out: &mut [f64]) {
    if reciprocal {
        sum_blocks::<48, true>(terms, matrix, out);
    } else {
        sum_blocks::<48, false>(terms, matrix, out);
    }
}

/// [`weighted_sums`] by blocks of `B` units, then of 8, then one by one.
#[inline(always)]
fn sum_blocks<const B: usize, const RECIPROCAL: bool>(
    terms: &[(f64, usize)],
    matrix: &[f64],
    out: &mut [f64],
) {
    let start = sum_block::<B, RECIPROCAL>(terms, matrix, 0, out);
    let start = sum_block::<8, RECIPROCAL>(terms, matrix, start, out);
    sum_block::<1, RECIPROCAL>(terms, matrix, start, out);
}

/// The blocks of `B` units from `start` that fit; returns where it stopped.
#[inline(always)]
fn sum_block<const B: usize, const RECIPROCAL: bool>(
    terms: &[(f64, usize)],
    matrix: &[f64],
    mut start: usize,
    out: &mut [f64],
) -> usize {
    while start + B <= out.len() {
        let mut acc = [0.0; B];
        for &(w, offset) in terms {
            let x: &[f64; B] = matrix[offset + start..offset + start + B]
                .try_into()
                .expect("a score per unit");
            for (a, &x) in acc.iter_mut().zip(x) {
                *a += if RECIPROCAL { w / x } else { w * x };
            }
        }
        out[start..start + B].copy_from_slice(&acc);
        start += B;
    }
    start
}

/// Fills `values` (one per node) with the weights drawn from the seed `u` in [0, 1).
fn weights_from_seed(u: f64, nominal: &[f64], varied: &[usize], spread: f64, out: &mut [f64]) {
    out.copy_from_slice(nominal);
    let mut state = u.to_bits() ^ 0x9E37_79B9_7F4A_7C15;
    for &node in varied {
        // SplitMix64.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let v = (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        out[node] = nominal[node] * (1.0 + spread * (2.0 * v - 1.0));
    }
}

impl Robustness {
    /// Treats the data as the scheme says (once), scores every indicator with the scheme's
    /// own methods and with each alternative, and computes the nominal scores.
    pub fn new(
        scheme: &Scheme,
        data: &EvaluationData,
        run_options: &RunOptions,
        options: RobustnessOptions,
    ) -> Result<Self, RobustnessError> {
        if !(0.0..1.0).contains(&options.spread) {
            return Err(RobustnessError::Spread(options.spread));
        }
        let (leaves, treated, included) = treat(scheme, data, run_options)?;
        let units = data.units.len();
        let to_nan = |scores: Vec<Option<f64>>| -> Vec<f64> {
            scores.into_iter().map(|s| s.unwrap_or(f64::NAN)).collect()
        };
        let mut own = Vec::with_capacity(leaves.len());
        let mut alternatives: Vec<Vec<Vec<f64>>> = vec![Vec::new(); options.normalisations.len()];
        for (k, &leaf) in leaves.iter().enumerate() {
            let NodeKind::Indicator(spec) = &scheme.nodes[leaf].kind else {
                unreachable!("leaves are indicators")
            };
            own.push(to_nan(normalise(&treated[k], &spec.method, spec.direction)));
            for (a, method) in options.normalisations.iter().enumerate() {
                alternatives[a].push(to_nan(normalise(&treated[k], method, spec.direction)));
            }
        }
        let mut tables = vec![Table::new(own, &included)];
        tables.extend(alternatives.into_iter().map(|c| Table::new(c, &included)));
        let mut leaf = vec![None; scheme.nodes.len()];
        for (k, &l) in leaves.iter().enumerate() {
            leaf[l] = Some(k);
        }
        let weights: Vec<f64> = scheme.nodes.iter().map(|n| n.weight).collect();
        let mut this = Robustness {
            units: data.units.clone(),
            included,
            varied: (0..weights.len()).filter(|&i| weights[i] > 0.0).collect(),
            children: scheme.nodes.iter().map(|n| n.children.clone()).collect(),
            roots: scheme.roots.clone(),
            leaf,
            means: scheme
                .nodes
                .iter()
                .map(|n| match n.kind {
                    NodeKind::Group { aggregation } => aggregation,
                    NodeKind::Indicator(_) => Aggregation::Arithmetic,
                })
                .collect(),
            top: scheme.aggregation,
            own_uniform: None,
            pairs: Vec::new(),
            column_nodes: leaves.clone(),
            weights,
            tables,
            options,
            nominal: vec![f64::NAN; units],
        };
        this.pairs = (this.roots.iter().map(|&r| (this.children.len(), r)))
            .chain(
                (this.children.iter().enumerate())
                    .flat_map(|(i, c)| c.iter().map(move |&child| (i, child))),
            )
            .collect();
        this.own_uniform = {
            let mut means = this
                .children
                .iter()
                .zip(&this.means)
                .filter(|(c, _)| !c.is_empty())
                .map(|(_, &m)| m);
            means.all(|m| m == this.top).then_some(this.top)
        };
        let mut nominal = vec![0.0; units];
        this.score_tree(&this.weights, None, 0, &mut nominal);
        if nominal.iter().all(|s| s.is_nan()) {
            return Err(RobustnessError::NoScores);
        }
        this.nominal = nominal;
        Ok(this)
    }

    /// The nominal scores (NaN for a unit without one), in the order of the units.
    pub fn nominal(&self) -> &[f64] {
        &self.nominal
    }

    fn aggregations_vary(&self) -> bool {
        self.options.aggregations.len() >= 2
    }

    fn normalisations_vary(&self) -> bool {
        self.options.normalisations.len() >= 2
    }

    /// The table of a replication's normalisation option `option` (an index into the
    /// alternatives), or of the scheme's own methods (or its single replacement).
    fn table(&self, option: Option<usize>) -> usize {
        match option {
            Some(o) => o + 1,
            None if self.options.normalisations.len() == 1 => 1,
            None => 0,
        }
    }

    /// The factors of an uncertainty analysis: one per varied weight (uniform within
    /// ±spread), then the aggregation and the normalisation options where they vary.
    pub fn factors(&self) -> Vec<Factor> {
        let mut out = Vec::new();
        if self.options.spread > 0.0 {
            out.extend(self.varied.iter().map(|&i| Factor::Continuous {
                low: self.weights[i] * (1.0 - self.options.spread),
                high: self.weights[i] * (1.0 + self.options.spread),
            }));
        }
        if self.aggregations_vary() {
            out.push(Factor::Discrete {
                options: self.options.aggregations.len(),
            });
        }
        if self.normalisations_vary() {
            out.push(Factor::Discrete {
                options: self.options.normalisations.len(),
            });
        }
        out
    }

    /// The groups of a sensitivity analysis and their factors (the weights as one seed).
    pub fn groups(&self) -> (Vec<FactorGroup>, Vec<Factor>) {
        let mut groups = Vec::new();
        let mut factors = Vec::new();
        if self.options.spread > 0.0 && !self.varied.is_empty() {
            groups.push(FactorGroup::Weights);
            factors.push(Factor::Continuous {
                low: 0.0,
                high: 1.0,
            });
        }
        if self.aggregations_vary() {
            groups.push(FactorGroup::Aggregation);
            factors.push(Factor::Discrete {
                options: self.options.aggregations.len(),
            });
        }
        if self.normalisations_vary() {
            groups.push(FactorGroup::Normalisation);
            factors.push(Factor::Discrete {
                options: self.options.normalisations.len(),
            });
        }
        (groups, factors)
    }

    /// Every unit's score for weights per node, one mean at every level (`None`: the
    /// scheme's own) and a normalisation option (`None`: the scheme's own).
    pub fn score(
        &self,
        weights: &[f64],
        aggregation: Option<Aggregation>,
        normalisation: Option<usize>,
        out: &mut [f64],
    ) {
        self.score_into(
            weights,
            aggregation,
            normalisation,
            &mut Flat::default(),
            Scale::Scores,
            out,
        );
    }

    /// [`Robustness::score`] with scratch space for the flat mean. With `allowed` of
    /// [`Scale::Logarithms`] a flat geometric mean writes the logarithms of the scores
    /// (NaN where a score is missing) and says so.
    fn score_into(
        &self,
        weights: &[f64],
        aggregation: Option<Aggregation>,
        normalisation: Option<usize>,
        flat: &mut Flat,
        allowed: Scale,
        out: &mut [f64],
    ) -> Scale {
        let t = self.table(normalisation);
        if let Some(mean) = aggregation.or(self.own_uniform)
            && self.tables[t].complete
            && self.effective(weights, flat)
        {
            self.score_flat(mean, t, flat, allowed, out)
        } else {
            self.score_tree(weights, aggregation, t, out);
            Scale::Scores
        }
    }

    /// Each indicator's effective weight (by column) into `flat.effective`, or false if
    /// some siblings' weights sum to 0 (the tree walk handles that): each node's share of
    /// its siblings' weight, multiplied down the path, `parent's share · w / Σ w` (for a
    /// root, `w / Σ w`, as 1 · w = w), every sum adding the siblings in their order, every
    /// share computed once from its parent's, in straight loops over `pairs`.
    fn effective(&self, weights: &[f64], flat: &mut Flat) -> bool {
        let nodes = weights.len();
        let Flat {
            share,
            totals,
            effective,
            ..
        } = flat;
        // From −0, as `Iterator::sum`.
        totals.clear();
        totals.resize(nodes + 1, -0.0);
        for &(parent, child) in &self.pairs {
            totals[parent] += weights[child];
        }
        let mut nothing = false;
        for &(parent, _) in &self.pairs {
            nothing |= totals[parent] <= 0.0;
        }
        if nothing {
            return false;
        }
        share.clear();
        share.resize(nodes + 1, 0.0);
        share[nodes] = 1.0;
        for &(parent, child) in &self.pairs {
            share[child] = share[parent] * weights[child] / totals[parent];
        }
        effective.clear();
        effective.extend(self.column_nodes.iter().map(|&node| share[node]));
        true
    }

    /// The one weighted mean of the indicators with the effective weights in `flat` (for a
    /// geometric mean, its logarithm if `allowed`).
    fn score_flat(
        &self,
        mean: Aggregation,
        t: usize,
        flat: &mut Flat,
        allowed: Scale,
        out: &mut [f64],
    ) -> Scale {
        let table = &self.tables[t];
        let units = table.units;
        let terms = &mut flat.terms;
        terms.clear();
        // Every column for the arithmetic mean (as `Σ w·x` adds 0·x), those weighing
        // something for the others (which skip a weight of 0).
        let columns = flat.effective.iter().enumerate();
        let columns = columns.filter(|&(_, &w)| mean == Aggregation::Arithmetic || w != 0.0);
        terms.extend(columns.map(|(k, &w)| (w, k * units)));
        match mean {
            Aggregation::Arithmetic => {
                weighted_sums(terms, &table.cols, false, out);
                for (o, &inc) in out.iter_mut().zip(&self.included) {
                    if !inc {
                        *o = f64::NAN;
                    }
                }
                Scale::Scores
            }
            Aggregation::Geometric => {
                weighted_sums(terms, &table.logs, false, out);
                for (o, &refused) in out.iter_mut().zip(&table.refused) {
                    *o = if refused {
                        f64::NAN
                    } else if allowed == Scale::Logarithms {
                        *o
                    } else {
                        o.exp()
                    };
                }
                allowed
            }
            Aggregation::Harmonic => {
                weighted_sums(terms, &table.cols, true, out);
                for (o, &refused) in out.iter_mut().zip(&table.refused) {
                    *o = if refused { f64::NAN } else { 1.0 / *o };
                }
                Scale::Scores
            }
        }
    }

    /// The tree walked from the leaves up, as [`super::aggregate::aggregate`] combines each
    /// node's children: missing children skipped, weights renormalised over the rest.
    fn score_tree(
        &self,
        weights: &[f64],
        aggregation: Option<Aggregation>,
        t: usize,
        out: &mut [f64],
    ) {
        let table = &self.tables[t];
        let units = self.units.len();
        let nodes = weights.len();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); nodes];
        let mut invalid = vec![false; units];
        let mut combine = |children: &[usize], mean: Aggregation, values: &[Vec<f64>]| {
            let mut acc = vec![0.0; units];
            let mut sum_w = vec![0.0; units];
            for &c in children {
                let w = weights[c];
                let col: &[f64] = match self.leaf[c] {
                    Some(k) => table.col(k),
                    None => &values[c],
                };
                for u in 0..units {
                    let x = col[u];
                    if x.is_nan() {
                        continue;
                    }
                    if mean != Aggregation::Arithmetic && x <= 0.0 {
                        invalid[u] = true;
                        continue;
                    }
                    sum_w[u] += w;
                    acc[u] += match mean {
                        Aggregation::Arithmetic => w * x,
                        Aggregation::Geometric => w * x.ln(),
                        Aggregation::Harmonic => w / x,
                    };
                }
            }
            (0..units)
                .map(|u| {
                    if sum_w[u] <= 0.0 {
                        return f64::NAN;
                    }
                    match mean {
                        Aggregation::Arithmetic => acc[u] / sum_w[u],
                        Aggregation::Geometric => (acc[u] / sum_w[u]).exp(),
                        Aggregation::Harmonic => sum_w[u] / acc[u],
                    }
                })
                .collect::<Vec<f64>>()
        };
        // Children come after their parents in the node order.
        for i in (0..nodes).rev() {
            if self.children[i].is_empty() {
                continue;
            }
            let mean = aggregation.unwrap_or(self.means[i]);
            values[i] = combine(&self.children[i], mean, &values);
        }
        let total = combine(&self.roots, aggregation.unwrap_or(self.top), &values);
        for u in 0..units {
            out[u] = if invalid[u] || !self.included[u] {
                f64::NAN
            } else {
                total[u]
            };
        }
    }

    /// Decodes an uncertainty analysis's factor values into every unit's score.
    fn model_ua(&self, values: &[f64], scratch: &mut Scratch, out: &mut [f64]) -> Scale {
        let weights = &mut scratch.weights;
        weights.clear();
        weights.extend_from_slice(&self.weights);
        let mut k = 0;
        if self.options.spread > 0.0 {
            for &i in &self.varied {
                weights[i] = values[k];
                k += 1;
            }
        }
        self.model_rest(&scratch.weights, &values[k..], &mut scratch.flat, out)
    }

    /// Decodes a sensitivity analysis's factor values into every unit's score.
    fn model_sa(
        &self,
        values: &[f64],
        seeded: bool,
        scratch: &mut Scratch,
        out: &mut [f64],
    ) -> Scale {
        if seeded {
            scratch.weights.resize(self.weights.len(), 0.0);
            weights_from_seed(
                values[0],
                &self.weights,
                &self.varied,
                self.options.spread,
                &mut scratch.weights,
            );
            self.model_rest(&scratch.weights, &values[1..], &mut scratch.flat, out)
        } else {
            self.model_rest(&self.weights, values, &mut scratch.flat, out)
        }
    }

    /// The scores (or their logarithms, as it says) for `weights` and the other choices'
    /// factor values.
    fn model_rest(&self, weights: &[f64], rest: &[f64], flat: &mut Flat, out: &mut [f64]) -> Scale {
        let mut k = 0;
        let aggregation = self.aggregations_vary().then(|| {
            k += 1;
            self.options.aggregations[rest[k - 1] as usize]
        });
        let normalisation = self.normalisations_vary().then(|| rest[k] as usize);
        self.score_into(
            weights,
            aggregation,
            normalisation,
            flat,
            Scale::Logarithms,
            out,
        )
    }

    /// Monte Carlo uncertainty analysis: median rank and 5–95 % interval per unit over
    /// `replications` draws of every choice.
    pub fn uncertainty(
        &self,
        replications: usize,
        settings: &Settings,
    ) -> Result<Uncertainty, RobustnessError> {
        let factors = self.factors();
        if factors.is_empty() {
            return Err(RobustnessError::NothingVaries);
        }
        Ok(uncertainty_with(
            &factors,
            &self.nominal,
            replications,
            settings,
            Scratch::default,
            |values, scratch, scores| self.model_ua(values, scratch, scores),
        )?)
    }

    /// Variance-based sensitivity of the mean absolute rank change to each group of
    /// choices (Saltelli design with `base_samples` rows).
    pub fn sensitivity(
        &self,
        base_samples: usize,
        settings: &Settings,
    ) -> Result<(Vec<FactorGroup>, sensitivity::Sensitivity), RobustnessError> {
        let (groups, factors) = self.groups();
        if factors.is_empty() {
            return Err(RobustnessError::NothingVaries);
        }
        let seeded = groups.first() == Some(&FactorGroup::Weights);
        let result = sensitivity_with(
            &factors,
            &self.nominal,
            base_samples,
            settings,
            Scratch::default,
            |values, scratch, scores| self.model_sa(values, seeded, scratch, scores),
        )?;
        Ok((groups, result))
    }
}

/// Screening, imputation and outlier treatment as [`super::run::run`] does them: the
/// leaves in tree order, their treated values and which units are included.
#[allow(clippy::type_complexity)]
fn treat(
    scheme: &Scheme,
    data: &EvaluationData,
    options: &RunOptions,
) -> Result<(Vec<usize>, Vec<Vec<Option<f64>>>, Vec<bool>), RunError> {
    let leaves: Vec<usize> = scheme.indicators().map(|(i, _)| i).collect();
    let mut columns = Vec::with_capacity(leaves.len());
    for &leaf in &leaves {
        let code = &scheme.nodes[leaf].code;
        let c = data
            .indicator(code)
            .ok_or_else(|| RunError::MissingIndicator(code.clone()))?;
        columns.push(data.column(c));
    }
    let refs: Vec<&[Option<f64>]> = columns.iter().map(Vec::as_slice).collect();
    let included = screen_units(&refs, scheme.availability)
        .map_err(|error| RunError::Treatment {
            indicator: String::new(),
            error,
        })?
        .included;
    let keep = |values: &[Option<f64>]| -> Vec<Option<f64>> {
        values
            .iter()
            .zip(&included)
            .map(|(v, inc)| if *inc { *v } else { None })
            .collect()
    };
    let mut treated = Vec::with_capacity(leaves.len());
    for (k, &leaf) in leaves.iter().enumerate() {
        let node = &scheme.nodes[leaf];
        let NodeKind::Indicator(spec) = &node.kind else {
            unreachable!("leaves are indicators")
        };
        let mut values = keep(&columns[k]);
        if let Some(how) = spec.imputation {
            let previous = options
                .previous
                .as_ref()
                .and_then(|p| p.indicator(&node.code).map(|c| p.column(c)));
            let result = impute(&values, how, options.groups.as_deref(), previous.as_deref())
                .map_err(|error| RunError::Treatment {
                    indicator: node.code.clone(),
                    error,
                })?;
            values = keep(&result.values);
        }
        if let Some(policy) = &scheme.outliers
            && !spec.method.is_absolute()
        {
            values = outliers(&values, policy);
        }
        treated.push(values);
    }
    Ok((leaves, treated, included))
}

fn outliers(values: &[Option<f64>], policy: &OutlierPolicy) -> Vec<Option<f64>> {
    treat_outliers(values, policy).values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::run::run;

    /// Two dimensions, 创新 (weight 3: `rd` weight 1 and `patents` weight 1) and 绿色
    /// (weight 2: `energy`, lower is better), min-max scores.
    const SCHEME: &str = r#"
code = "test"
version = 1
name_zh = "测试方案"
name_en = "Test scheme"
aggregation = "arithmetic"

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
code = "patents"
parent = "innovation"
zh = "专利"
en = "Patents"
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

[[grades]]
code = "a"
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

    fn data(rows: &[(&str, f64, f64, f64)]) -> EvaluationData {
        EvaluationData {
            units: rows.iter().map(|r| r.0.to_string()).collect(),
            indicators: vec!["rd".into(), "patents".into(), "energy".into()],
            values: rows
                .iter()
                .map(|r| vec![Some(r.1), Some(r.2), Some(r.3)])
                .collect(),
        }
    }

    fn settings() -> Settings {
        Settings {
            seed: 7,
            threads: 2,
            bootstrap: 50,
        }
    }

    #[test]
    fn a_unit_better_on_every_indicator_keeps_rank_one() {
        // A beats B on every indicator (energy: lower is better), so under any weights,
        // mean and scoring A scores higher: ranks [1, 1] and [2, 2], and no choice moves
        // the ranks, so every index is 0.
        let r = Robustness::new(
            &scheme(),
            &data(&[("A", 5.0, 9.0, 1.0), ("B", 2.0, 3.0, 4.0)]),
            &RunOptions::default(),
            RobustnessOptions::default(),
        )
        .unwrap();
        // Nominal by hand: A scores 100 on everything, B 0.
        assert_eq!(r.nominal(), &[100.0, 0.0]);
        let u = r.uncertainty(1000, &settings()).unwrap();
        let a = u.units[0].spread.unwrap();
        let b = u.units[1].spread.unwrap();
        assert_eq!((a.median, a.q05, a.q95), (1.0, 1.0, 1.0));
        assert_eq!((b.median, b.q05, b.q95), (2.0, 2.0, 2.0));
        let (groups, s) = r.sensitivity(64, &settings()).unwrap();
        assert_eq!(
            groups,
            vec![
                FactorGroup::Weights,
                FactorGroup::Aggregation,
                FactorGroup::Normalisation
            ]
        );
        assert_eq!(s.indices.output_variance, 0.0);
        assert!(
            s.indices
                .factors
                .iter()
                .all(|f| f.first_order == 0.0 && f.total == 0.0)
        );
    }

    #[test]
    fn with_the_weights_fixed_the_aggregation_moves_no_rank() {
        // A is best on rd and patents (innovation) and worst on energy (green, lower is
        // better); B the reverse; C between on rd, tied worst on patents and energy.
        // Min-max onto 1–100:  rd A 100, B 1, C 50.5;  patents A 100, B 1, C 1;
        // energy A 1, B 100, C 1. Weights 3:2 → shares 0.6 and 0.4.
        // Arithmetic: A = 0.6·100 + 0.4·1 = 60.4, B = 0.6·1 + 0.4·100 = 40.6,
        //   C = 0.6·(50.5 + 1)/2 + 0.4·1 = 15.85.
        // Geometric: A = 100^0.6 = 15.85, B = 100^0.4 = 6.31, C = (√50.5)^0.6 = 50.5^0.3 = 3.25.
        // Either mean ranks A, B, C: with the weights fixed, the aggregation cannot move a
        // rank and its indices are 0.
        let rows = [
            ("A", 3.0, 3.0, 3.0),
            ("B", 1.0, 1.0, 1.0),
            ("C", 2.0, 1.0, 3.0),
        ];
        let minmax = Method::MinMax {
            low: 1.0,
            high: 100.0,
        };
        let fixed_weights = RobustnessOptions {
            spread: 0.0,
            aggregations: vec![Aggregation::Arithmetic, Aggregation::Geometric],
            normalisations: vec![minmax.clone()],
        };
        let r = Robustness::new(
            &scheme(),
            &data(&rows),
            &RunOptions::default(),
            fixed_weights,
        )
        .unwrap();
        let mut out = vec![0.0; 3];
        let w: Vec<f64> = r.weights.clone();
        r.score(&w, Some(Aggregation::Arithmetic), Some(0), &mut out);
        assert!((out[0] - 60.4).abs() < 1e-9);
        assert!((out[1] - 40.6).abs() < 1e-9);
        assert!((out[2] - 15.85).abs() < 1e-9);
        r.score(&w, Some(Aggregation::Geometric), Some(0), &mut out);
        assert!((out[0] - 100f64.powf(0.6)).abs() < 1e-9);
        assert!((out[1] - 100f64.powf(0.4)).abs() < 1e-9);
        assert!((out[2] - 50.5f64.powf(0.3)).abs() < 1e-9);
        let (groups, s) = r.sensitivity(64, &settings()).unwrap();
        assert_eq!(groups, vec![FactorGroup::Aggregation]);
        assert_eq!(s.indices.factors[0].total, 0.0);
        let u = r.uncertainty(200, &settings()).unwrap();
        for (unit, rank) in [(0, 1.0), (1, 2.0), (2, 3.0)] {
            let s = u.units[unit].spread.unwrap();
            assert_eq!((s.q05, s.q95), (rank, rank));
        }
    }

    #[test]
    fn the_nominal_scores_are_the_runs_and_the_fast_path_is_the_tree() {
        let s = scheme();
        let d = data(&[
            ("A", 5.0, 2.0, 1.0),
            ("B", 2.0, 7.0, 4.0),
            ("C", 3.0, 3.0, 2.0),
            ("D", 4.0, 1.0, 3.0),
        ]);
        let r =
            Robustness::new(&s, &d, &RunOptions::default(), RobustnessOptions::default()).unwrap();
        let result = run(&s, &d, &RunOptions::default()).unwrap();
        for (a, b) in r.nominal().iter().zip(&result.aggregate) {
            assert!((a - b.unwrap()).abs() < 1e-12);
        }
        let weights = vec![2.5, 1.7, 0.9, 1.2, 1.0];
        for mean in [Aggregation::Arithmetic, Aggregation::Geometric] {
            for t in 0..3 {
                let (mut flat, mut tree) = (vec![0.0; 4], vec![0.0; 4]);
                r.score(&weights, Some(mean), Some(t), &mut flat);
                r.score_tree(&weights, Some(mean), t + 1, &mut tree);
                for (a, b) in flat.iter().zip(&tree) {
                    assert!(a.is_nan() && b.is_nan() || (a - b).abs() < 1e-9, "{a} {b}");
                }
            }
        }
    }

    /// 40 units with pseudo-random values; unit 5 lacks two of its three (and is screened
    /// out) if `screened`.
    fn many_units(screened: bool) -> EvaluationData {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            1.0 + (state >> 11) as f64 / (1u64 << 53) as f64 * 9.0
        };
        let mut d = EvaluationData {
            units: (0..40).map(|u| format!("u{u}")).collect(),
            indicators: vec!["rd".into(), "patents".into(), "energy".into()],
            values: (0..40)
                .map(|_| vec![Some(next()), Some(next()), Some(next())])
                .collect(),
        };
        if screened {
            d.values[5][0] = None;
            d.values[5][2] = None;
        }
        d
    }

    /// The scores of an uncertainty analysis's factor values through [`Robustness::score`]:
    /// the model as a plain function, every score computed.
    fn plain_ua(r: &Robustness, values: &[f64]) -> Vec<f64> {
        let mut weights = r.weights.clone();
        for (k, &node) in r.varied.iter().enumerate() {
            weights[node] = values[k];
        }
        let k = r.varied.len();
        let aggregation = r.options.aggregations[values[k] as usize];
        let mut out = vec![0.0; r.units.len()];
        r.score(
            &weights,
            Some(aggregation),
            Some(values[k + 1] as usize),
            &mut out,
        );
        out
    }

    #[test]
    fn the_analyses_give_what_the_plain_model_gives() {
        // The analyses run the model in scratch space and rank a geometric mean by its
        // logarithms; their results must be those of the model as a plain function giving
        // every score, through the same analysis. 40 units, enough for the ranks to go
        // through the buckets; with a unit screened out, the missing score set aside.
        for screened in [false, true] {
            let r = Robustness::new(
                &scheme(),
                &many_units(screened),
                &RunOptions::default(),
                RobustnessOptions::default(),
            )
            .unwrap();
            assert_eq!(r.nominal()[5].is_nan(), screened);
            let factors = r.factors();
            let plain = sensitivity::uncertainty(&factors, r.nominal(), 2000, &settings(), |v| {
                plain_ua(&r, v)
            })
            .unwrap();
            assert_eq!(r.uncertainty(2000, &settings()).unwrap(), plain);
            // The ranks move: something is tested.
            assert!(
                plain
                    .units
                    .iter()
                    .any(|u| u.spread.is_some_and(|s| s.q95 > s.q05))
            );

            let (_, factors) = r.groups();
            let plain = sensitivity::sensitivity(&factors, r.nominal(), 128, &settings(), |v| {
                let mut weights = vec![0.0; r.weights.len()];
                weights_from_seed(v[0], &r.weights, &r.varied, r.options.spread, &mut weights);
                let aggregation = r.options.aggregations[v[1] as usize];
                let mut out = vec![0.0; r.units.len()];
                r.score(&weights, Some(aggregation), Some(v[2] as usize), &mut out);
                out
            })
            .unwrap();
            let (_, s) = r.sensitivity(128, &settings()).unwrap();
            assert_eq!(s, plain);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_results_on_any_number_of_threads() {
        let d = data(&[
            ("A", 5.0, 2.0, 1.0),
            ("B", 2.0, 7.0, 4.0),
            ("C", 3.0, 3.0, 2.0),
            ("D", 4.0, 1.0, 3.0),
            ("E", 4.5, 2.5, 2.5),
        ]);
        let r = Robustness::new(
            &scheme(),
            &d,
            &RunOptions::default(),
            RobustnessOptions::default(),
        )
        .unwrap();
        let one = Settings {
            threads: 1,
            ..settings()
        };
        let u1 = r.uncertainty(700, &one).unwrap();
        let u2 = r.uncertainty(700, &settings()).unwrap();
        assert_eq!(u1, u2);
        let (_, s1) = r.sensitivity(100, &one).unwrap();
        let (_, s2) = r.sensitivity(100, &settings()).unwrap();
        assert_eq!(s1, s2);
        // Something moves here: the ranks are not all fixed.
        assert!(s1.indices.output_variance > 0.0);
        let other = Settings {
            seed: 8,
            ..settings()
        };
        assert_ne!(r.uncertainty(700, &other).unwrap(), u1);
    }
}
