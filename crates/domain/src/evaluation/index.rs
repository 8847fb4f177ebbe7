//! The development index (发展指数) of one unit over the years: a fixed-base composite index
//! (定基指数) with a base year = 100, built from a [`Scheme`]'s tree of dimensions and
//! indicators, each year's value split into the contributions of the dimensions.
//!
//! The method is the fixed-base indexing of each indicator that the published 中关村指数
//! and the Torch Centre's 国家高新区创新能力评价 describe: each indicator is indexed to its own
//! base-year value, and the indices are combined by weights. (Their base years and weights
//! are their own; here both come from the scheme and the caller. The details of the
//! published reports were not re-checked against this module.)
//!
//! 1. Indicator index in year t: `value_t / value_base × 100` for an indicator where higher
//!    is better; `value_base / value_t × 100` where lower is better (energy per GDP falling
//!    from 2.17 to 1.80 reads 2.17 / 1.80 × 100 ≈ 120.6: better, above 100).
//! 2. A group's (dimension's, sub-dimension's) index: the weighted arithmetic mean of its
//!    children's indices, the written weights renormalised over the children that have an
//!    index that year. Likewise the total over the top-level dimensions.
//! 3. Each node's weight in year t is the product, down the path from the top, of its
//!    renormalised shares: when every value is there, the scheme's
//!    [`Scheme::effective_weights`]. Its contribution is `weight × (index − 100)`. The
//!    top-level dimensions' contributions add up to `total − 100`, and a group's children's
//!    contributions to the group's: `Σ sᵢ Iᵢ = I` and `Σ sᵢ = 1` give
//!    `Σ w sᵢ (Iᵢ − 100) = w (I − 100)`. The arithmetic mean is what makes the split exact,
//!    so the index uses it at every level, and a scheme asking for another mean anywhere is
//!    refused ([`IndexError::NotArithmetic`]) rather than silently computed differently.
//!    The scoring methods of the scheme's indicators (min-max and the like) are not used:
//!    the base year is the only yardstick.
//!
//! Rules for awkward data, each explicit:
//! - A value missing in a year other than the base: the indicator has no index that year,
//!   and its siblings' weights are renormalised (step 2). A group with no child indexed
//!   that year has no index either; a year with nothing indexed at all is an error
//!   ([`IndexError::NoData`]).
//! - A base-year value missing, zero or negative: the indicator cannot be indexed in any
//!   year, an error ([`IndexError::MissingBase`], [`IndexError::NonPositiveBase`]). A ratio
//!   to zero or to a negative number has no meaning as "how far since the base year".
//! - A zero or negative value in a later year of a lower-is-better indicator: an error
//!   ([`IndexError::NonPositiveValue`]), as `base / value` would be infinite or negative.
//!   For a higher-is-better indicator a zero value gives index 0, which is what it is.
//! - A value that is not a finite number (NaN, ±∞): an error ([`IndexError::NotFinite`]).
//!
//! Plain arithmetic, no I/O.

use std::collections::HashMap;

use thiserror::Error;

use super::aggregate::Aggregation;
use super::scheme::{NodeKind, Scheme};
use crate::monitoring::Direction;

/// One year of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexYear {
    pub year: i32,
    /// The composite index (base year = 100).
    pub total: f64,
    /// Each node's index, indexed like the scheme's `nodes`; None where the node has none
    /// that year (its values missing).
    pub nodes: Vec<Option<f64>>,
    /// Each node's share of the total this year (its effective weight with the weights
    /// renormalised over what is there), indexed like `nodes`; 0 where there is no index.
    pub weights: Vec<f64>,
    /// Each node's contribution `weight × (index − 100)`, in index points, indexed like
    /// `nodes`; 0 where there is no index. The top-level dimensions' add up to
    /// `total − 100`.
    pub contributions: Vec<f64>,
}

impl IndexYear {
    /// The index of a node by code.
    pub fn index(&self, scheme: &Scheme, code: &str) -> Option<f64> {
        scheme.node(code).and_then(|(i, _)| self.nodes[i])
    }

    /// The contribution of a node by code (0 if the code is unknown or the node has no
    /// index this year).
    pub fn contribution(&self, scheme: &Scheme, code: &str) -> f64 {
        scheme
            .node(code)
            .map(|(i, _)| self.contributions[i])
            .unwrap_or(0.0)
    }

    /// The top-level dimensions with their index and contribution this year, in the
    /// scheme's order.
    pub fn dimensions<'a>(
        &'a self,
        scheme: &'a Scheme,
    ) -> impl Iterator<Item = (&'a str, Option<f64>, f64)> + 'a {
        scheme.roots.iter().map(move |&r| {
            (
                scheme.nodes[r].code.as_str(),
                self.nodes[r],
                self.contributions[r],
            )
        })
    }
}

/// The index over the years.
#[derive(Debug, Clone, PartialEq)]
pub struct DevelopmentIndex {
    pub base_year: i32,
    /// In the order the years were given.
    pub years: Vec<IndexYear>,
}

impl DevelopmentIndex {
    pub fn year(&self, year: i32) -> Option<&IndexYear> {
        self.years.iter().find(|y| y.year == year)
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum IndexError {
    #[error("the base year {0} is not one of the years given")]
    NoBaseYear(i32),
    #[error("the year {0} is given twice")]
    DuplicateYear(i32),
    /// A series for a code that is not an indicator of the scheme.
    #[error("{0:?} is not an indicator of the scheme")]
    UnknownIndicator(String),
    /// An indicator of the scheme with no series at all.
    #[error("no values are given for indicator {0:?}")]
    NoSeries(String),
    #[error("indicator {indicator:?} has {found} values for {expected} years")]
    Length {
        indicator: String,
        expected: usize,
        found: usize,
    },
    /// The index is a weighted arithmetic mean at every level (the contributions only add
    /// up under it). `node` is None for the top level.
    #[error("the index combines by the arithmetic mean, but {node:?} asks for {aggregation:?}")]
    NotArithmetic {
        node: Option<String>,
        aggregation: Aggregation,
    },
    #[error("indicator {indicator:?} has no value in the base year {year}")]
    MissingBase { indicator: String, year: i32 },
    #[error("indicator {indicator:?} is {value} in the base year: an index needs a base above 0")]
    NonPositiveBase { indicator: String, value: f64 },
    #[error(
        "indicator {indicator:?} (lower is better) is {value} in {year}: base / value needs a value above 0"
    )]
    NonPositiveValue {
        indicator: String,
        year: i32,
        value: f64,
    },
    #[error("indicator {indicator:?} is not a finite number in {year}")]
    NotFinite { indicator: String, year: i32 },
    #[error("no indicator has a value in {0}")]
    NoData(i32),
}

/// The development index of one unit. `years` are the years the series cover (any order,
/// the base year among them); `values` maps each indicator of the scheme, by its code in
/// the scheme, to its values in those years (None where missing).
pub fn development_index(
    scheme: &Scheme,
    base_year: i32,
    years: &[i32],
    values: &HashMap<String, Vec<Option<f64>>>,
) -> Result<DevelopmentIndex, IndexError> {
    if scheme.aggregation != Aggregation::Arithmetic {
        return Err(IndexError::NotArithmetic {
            node: None,
            aggregation: scheme.aggregation,
        });
    }
    for node in &scheme.nodes {
        if let NodeKind::Group { aggregation } = node.kind
            && aggregation != Aggregation::Arithmetic
        {
            return Err(IndexError::NotArithmetic {
                node: Some(node.code.clone()),
                aggregation,
            });
        }
    }
    for (i, &y) in years.iter().enumerate() {
        if years[..i].contains(&y) {
            return Err(IndexError::DuplicateYear(y));
        }
    }
    let base = years
        .iter()
        .position(|&y| y == base_year)
        .ok_or(IndexError::NoBaseYear(base_year))?;
    // A stable order for the error on an unknown code.
    let mut codes: Vec<&String> = values.keys().collect();
    codes.sort();
    for code in codes {
        if !scheme.node(code).is_some_and(|(_, n)| n.is_indicator()) {
            return Err(IndexError::UnknownIndicator(code.clone()));
        }
    }

    // Per indicator node: its direction and series, checked.
    let n = scheme.nodes.len();
    let mut series: Vec<Option<Series<'_>>> = vec![None; n];
    for (i, node) in scheme.indicators() {
        let spec = node.indicator().expect("an indicator");
        let s = values
            .get(&node.code)
            .ok_or_else(|| IndexError::NoSeries(node.code.clone()))?;
        if s.len() != years.len() {
            return Err(IndexError::Length {
                indicator: node.code.clone(),
                expected: years.len(),
                found: s.len(),
            });
        }
        for (v, &year) in s.iter().zip(years) {
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(IndexError::NotFinite {
                    indicator: node.code.clone(),
                    year,
                });
            }
        }
        match s[base] {
            None => {
                return Err(IndexError::MissingBase {
                    indicator: node.code.clone(),
                    year: base_year,
                });
            }
            Some(b) if b <= 0.0 => {
                return Err(IndexError::NonPositiveBase {
                    indicator: node.code.clone(),
                    value: b,
                });
            }
            Some(_) => {}
        }
        if spec.direction == Direction::Lower
            && let Some((v, &year)) = s
                .iter()
                .zip(years)
                .find_map(|(v, y)| v.filter(|&v| v <= 0.0).map(|v| (v, y)))
        {
            return Err(IndexError::NonPositiveValue {
                indicator: node.code.clone(),
                year,
                value: v,
            });
        }
        series[i] = Some((spec.direction, s.as_slice()));
    }

    let mut out = Vec::with_capacity(years.len());
    for (t, &year) in years.iter().enumerate() {
        let mut index: Vec<Option<f64>> = vec![None; n];
        // Children come after their parents in `nodes`: fill from the back.
        for i in (0..n).rev() {
            index[i] = match series[i] {
                Some((direction, s)) => {
                    let b = s[base].expect("checked above");
                    s[t].map(|v| match direction {
                        Direction::Higher => v / b * 100.0,
                        Direction::Lower => b / v * 100.0,
                    })
                }
                None => mean(scheme, &scheme.nodes[i].children, &index),
            };
        }
        let total = mean(scheme, &scheme.roots, &index).ok_or(IndexError::NoData(year))?;

        // Weights this year: shares renormalised over the siblings with an index.
        let mut weights = vec![0.0; n];
        for (r, s) in shares(scheme, &scheme.roots, &index) {
            weights[r] = s;
        }
        for i in 0..n {
            for (c, s) in shares(scheme, &scheme.nodes[i].children, &index) {
                weights[c] = weights[i] * s;
            }
        }
        let contributions = (0..n)
            .map(|i| index[i].map_or(0.0, |x| weights[i] * (x - 100.0)))
            .collect();
        out.push(IndexYear {
            year,
            total,
            nodes: index,
            weights,
            contributions,
        });
    }
    Ok(DevelopmentIndex {
        base_year,
        years: out,
    })
}

/// An indicator's direction and its values over the years.
type Series<'a> = (Direction, &'a [Option<f64>]);

/// The shares of `siblings` with an index: weight over the sum of the weights of those with
/// an index. Empty when they weigh nothing together.
fn shares(scheme: &Scheme, siblings: &[usize], index: &[Option<f64>]) -> Vec<(usize, f64)> {
    let present: Vec<usize> = siblings
        .iter()
        .copied()
        .filter(|&s| index[s].is_some())
        .collect();
    let total: f64 = present.iter().map(|&s| scheme.nodes[s].weight).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    present
        .into_iter()
        .map(|s| (s, scheme.nodes[s].weight / total))
        .collect()
}

/// The weighted arithmetic mean of the siblings' indices, renormalised over those present;
/// None when none is present (or those present all weigh 0).
fn mean(scheme: &Scheme, siblings: &[usize], index: &[Option<f64>]) -> Option<f64> {
    let shares = shares(scheme, siblings, index);
    if shares.is_empty() {
        return None;
    }
    Some(
        shares
            .iter()
            .map(|&(s, w)| w * index[s].expect("present"))
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two dimensions, three indicators:
    /// - 创新 `innovation`, weight 3: `rd` (weight 1, higher) and `patents` (weight 1,
    ///   higher);
    /// - 绿色 `green`, weight 2: `energy` (weight 1, lower is better).
    ///
    /// Effective weights: innovation 3/5 = 0.6, green 0.4; rd and patents 0.3 each,
    /// energy 0.4.
    const SCHEME: &str = r#"
code = "test_index"
version = 1
name_zh = "测试发展指数"
name_en = "Test development index"

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
code = "b"
zh = "不合格"
en = "Unqualified"
"#;

    fn scheme() -> Scheme {
        Scheme::parse(SCHEME, &|_| false, &|_| false).unwrap()
    }

    const YEARS: [i32; 3] = [2014, 2015, 2016];

    fn values(
        rd: [Option<f64>; 3],
        patents: [Option<f64>; 3],
        energy: [Option<f64>; 3],
    ) -> HashMap<String, Vec<Option<f64>>> {
        HashMap::from([
            ("rd".to_string(), rd.to_vec()),
            ("patents".to_string(), patents.to_vec()),
            ("energy".to_string(), energy.to_vec()),
        ])
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// rd 2.0, 2.5, 3.0; patents 10, 12, 9; energy 2.0, 1.6, 2.5 (lower is better).
    fn full() -> HashMap<String, Vec<Option<f64>>> {
        values(
            [Some(2.0), Some(2.5), Some(3.0)],
            [Some(10.0), Some(12.0), Some(9.0)],
            [Some(2.0), Some(1.6), Some(2.5)],
        )
    }

    #[test]
    fn three_years_worked_by_hand() {
        let s = scheme();
        let ix = development_index(&s, 2014, &YEARS, &full()).unwrap();
        assert_eq!(ix.years.len(), 3);

        // 2015: rd 2.5 / 2.0 × 100 = 125; patents 12 / 10 × 100 = 120; energy, lower is
        // better, 2.0 / 1.6 × 100 = 125. innovation (125 + 120) / 2 = 122.5; green 125.
        // total 0.6 × 122.5 + 0.4 × 125 = 73.5 + 50 = 123.5.
        // Contributions: innovation 0.6 × 22.5 = 13.5, green 0.4 × 25 = 10; 13.5 + 10 =
        // 23.5 = 123.5 − 100.
        let y = ix.year(2015).unwrap();
        assert!(close(y.index(&s, "rd").unwrap(), 125.0));
        assert!(close(y.index(&s, "patents").unwrap(), 120.0));
        assert!(close(y.index(&s, "energy").unwrap(), 125.0));
        assert!(close(y.index(&s, "innovation").unwrap(), 122.5));
        assert!(close(y.index(&s, "green").unwrap(), 125.0));
        assert!(close(y.total, 123.5));
        assert!(close(y.contribution(&s, "innovation"), 13.5));
        assert!(close(y.contribution(&s, "green"), 10.0));

        // 2016: rd 3.0 / 2.0 × 100 = 150; patents 9 / 10 × 100 = 90; energy 2.0 / 2.5 ×
        // 100 = 80 (energy rose: worse, below 100). innovation (150 + 90) / 2 = 120;
        // green 80. total 0.6 × 120 + 0.4 × 80 = 72 + 32 = 104.
        // Contributions: innovation 0.6 × 20 = 12, green 0.4 × (−20) = −8; 12 − 8 = 4.
        // Leaves: rd 0.3 × 50 = 15, patents 0.3 × (−10) = −3: 15 − 3 = 12, innovation's.
        let y = ix.year(2016).unwrap();
        assert!(close(y.index(&s, "energy").unwrap(), 80.0));
        assert!(close(y.index(&s, "innovation").unwrap(), 120.0));
        assert!(close(y.total, 104.0));
        assert!(close(y.contribution(&s, "innovation"), 12.0));
        assert!(close(y.contribution(&s, "green"), -8.0));
        assert!(close(y.contribution(&s, "rd"), 15.0));
        assert!(close(y.contribution(&s, "patents"), -3.0));
        let dims: Vec<_> = y.dimensions(&s).map(|(c, _, _)| c).collect();
        assert_eq!(dims, ["innovation", "green"]);
    }

    #[test]
    fn the_base_year_is_100_everywhere() {
        let s = scheme();
        let ix = development_index(&s, 2014, &YEARS, &full()).unwrap();
        let y = ix.year(2014).unwrap();
        assert!(close(y.total, 100.0));
        for (i, x) in y.nodes.iter().enumerate() {
            assert!(close(x.unwrap(), 100.0), "{}", s.nodes[i].code);
            assert!(close(y.contributions[i], 0.0));
        }
        // With every value there, the weights are the scheme's effective weights.
        assert_eq!(y.weights, s.effective_weights());

        // Another base year: 2015 = 100 there, and 2016's rd is 3.0 / 2.5 × 100 = 120.
        let ix = development_index(&s, 2015, &YEARS, &full()).unwrap();
        assert!(close(ix.year(2015).unwrap().total, 100.0));
        assert!(close(
            ix.year(2016).unwrap().index(&s, "rd").unwrap(),
            120.0
        ));
    }

    #[test]
    fn lower_is_better_is_inverted() {
        let s = scheme();
        let ix = development_index(&s, 2014, &YEARS, &full()).unwrap();
        // Energy 2.0 → 1.6: a fall of 20 % reads 2.0 / 1.6 × 100 = 125, not 80.
        assert!(close(
            ix.year(2015).unwrap().index(&s, "energy").unwrap(),
            125.0
        ));
    }

    #[test]
    fn contributions_add_up_to_total_minus_100() {
        let s = scheme();
        for v in [
            full(),
            values(
                [Some(2.0), None, Some(3.0)],
                [Some(10.0), Some(12.0), None],
                [Some(2.0), Some(1.6), Some(2.5)],
            ),
        ] {
            for y in development_index(&s, 2014, &YEARS, &v).unwrap().years {
                let dims: f64 = s.roots.iter().map(|&r| y.contributions[r]).sum();
                assert!(close(dims, y.total - 100.0), "{}", y.year);
                let leaves: f64 = s.indicators().map(|(i, _)| y.contributions[i]).sum();
                assert!(close(leaves, y.total - 100.0), "{}", y.year);
            }
        }
    }

    #[test]
    fn a_missing_value_renormalises_its_siblings() {
        let s = scheme();
        // patents missing in 2015: innovation is rd alone, 125 (its weight 1 of 1).
        // total 0.6 × 125 + 0.4 × 125 = 125. rd's weight this year is 0.6 × 1 = 0.6,
        // contribution 0.6 × 25 = 15 = innovation's; green 0.4 × 25 = 10; 15 + 10 = 25.
        let v = values(
            [Some(2.0), Some(2.5), Some(3.0)],
            [Some(10.0), None, Some(9.0)],
            [Some(2.0), Some(1.6), Some(2.5)],
        );
        let ix = development_index(&s, 2014, &YEARS, &v).unwrap();
        let y = ix.year(2015).unwrap();
        assert_eq!(y.index(&s, "patents"), None);
        assert!(close(y.index(&s, "innovation").unwrap(), 125.0));
        assert!(close(y.total, 125.0));
        assert!(close(y.weights[s.node("rd").unwrap().0], 0.6));
        assert!(close(y.contribution(&s, "rd"), 15.0));
        assert_eq!(y.contribution(&s, "patents"), 0.0);
        assert!(close(y.contribution(&s, "green"), 10.0));

        // energy missing in 2016: green has no index, the total is innovation's alone:
        // (150 + 90) / 2 = 120, its weight 1.
        let v = values(
            [Some(2.0), Some(2.5), Some(3.0)],
            [Some(10.0), Some(12.0), Some(9.0)],
            [Some(2.0), Some(1.6), None],
        );
        let y = development_index(&s, 2014, &YEARS, &v).unwrap().years[2].clone();
        assert_eq!(y.index(&s, "green"), None);
        assert!(close(y.total, 120.0));
        assert!(close(y.contribution(&s, "innovation"), 20.0));

        // Nothing in 2016 at all: an error, not a made-up 100.
        let v = values(
            [Some(2.0), Some(2.5), None],
            [Some(10.0), Some(12.0), None],
            [Some(2.0), Some(1.6), None],
        );
        assert_eq!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::NoData(2016))
        );

        // A missing base value: the indicator cannot be indexed at all.
        let v = values(
            [None, Some(2.5), Some(3.0)],
            [Some(10.0), Some(12.0), Some(9.0)],
            [Some(2.0), Some(1.6), Some(2.5)],
        );
        assert_eq!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::MissingBase {
                indicator: "rd".into(),
                year: 2014
            })
        );
    }

    #[test]
    fn a_zero_base_or_value_is_refused() {
        let s = scheme();
        let v = values(
            [Some(2.0), Some(2.5), Some(3.0)],
            [Some(0.0), Some(12.0), Some(9.0)],
            [Some(2.0), Some(1.6), Some(2.5)],
        );
        assert_eq!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::NonPositiveBase {
                indicator: "patents".into(),
                value: 0.0
            })
        );
        // Lower is better, 0 in 2016: base / 0 has no value.
        let v = values(
            [Some(2.0), Some(2.5), Some(3.0)],
            [Some(10.0), Some(12.0), Some(9.0)],
            [Some(2.0), Some(1.6), Some(0.0)],
        );
        assert_eq!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::NonPositiveValue {
                indicator: "energy".into(),
                year: 2016,
                value: 0.0
            })
        );
        // Higher is better, 0 in 2016: index 0. innovation (150 + 0) / 2 = 75, green 80:
        // 0.6 × 75 + 0.4 × 80 = 45 + 32 = 77.
        let v = values(
            [Some(2.0), Some(2.5), Some(3.0)],
            [Some(10.0), Some(12.0), Some(0.0)],
            [Some(2.0), Some(1.6), Some(2.5)],
        );
        let ix = development_index(&s, 2014, &YEARS, &v).unwrap();
        assert!(close(ix.years[2].total, 77.0));
    }

    #[test]
    fn malformed_input_is_refused() {
        let s = scheme();
        assert_eq!(
            development_index(&s, 2013, &YEARS, &full()),
            Err(IndexError::NoBaseYear(2013))
        );
        assert_eq!(
            development_index(&s, 2014, &[2014, 2015, 2014], &full()),
            Err(IndexError::DuplicateYear(2014))
        );
        let mut v = full();
        v.remove("energy");
        assert_eq!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::NoSeries("energy".into()))
        );
        let mut v = full();
        v.insert("innovation".into(), vec![None; 3]);
        assert_eq!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::UnknownIndicator("innovation".into()))
        );
        let mut v = full();
        v.insert("rd".into(), vec![Some(1.0); 2]);
        assert!(matches!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::Length { .. })
        ));
        let mut v = full();
        v.insert("rd".into(), vec![Some(1.0), Some(f64::NAN), None]);
        assert!(matches!(
            development_index(&s, 2014, &YEARS, &v),
            Err(IndexError::NotFinite { year: 2015, .. })
        ));

        // A geometric dimension: refused, the contributions would not add up.
        let geometric = SCHEME.replacen(
            "weight = 2\n",
            "weight = 2\naggregation = \"geometric\"\n",
            1,
        );
        let g = Scheme::parse(&geometric, &|_| false, &|_| false).unwrap();
        assert_eq!(
            development_index(&g, 2014, &YEARS, &full()),
            Err(IndexError::NotArithmetic {
                node: Some("green".into()),
                aggregation: Aggregation::Geometric
            })
        );
    }
}
