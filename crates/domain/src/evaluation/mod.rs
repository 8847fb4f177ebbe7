//! Evaluation (考核评价): schemes of dimensions and indicators with weights, the treatment
//! of data before scoring, scoring and normalisation methods, aggregation, grades, ranks
//! and consequences over years, and the robustness of ranks to the scheme's choices.
//! The methods follow the OECD/JRC Handbook on Constructing Composite Indicators and,
//! where it leaves a choice, the documented defaults of COINr, the JRC's reference
//! implementation; each module says which choice it makes.

pub mod aggregate;
pub mod data;
pub mod index;
pub mod inputs;
pub mod normalise;
pub mod robustness;
pub mod run;
pub mod scheme;
pub mod sensitivity;
pub mod treatment;

/// The median of the values present (NaN and infinities left out), `None` when there is
/// none: the one median of evaluation, for treatment, explanations and the pages.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod median_tests {
    use super::median;

    #[test]
    fn middle_value_or_mean_of_the_two_middle_ones_ignoring_missing() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, f64::NAN, 1.0]), Some(3.0));
    }
}
