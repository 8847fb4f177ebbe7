//! The values of one filing, and reading them from what a person typed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::form::{FieldDefinition, FieldType, Form};

/// A filing's values in the order of its form's fields; `None` is a blank.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FilingValues(pub Vec<Option<f64>>);

/// What is wrong with one entered value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntryProblem {
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("a whole number is expected")]
    NotWhole,
    #[error("the value cannot be negative")]
    Negative,
    #[error("the value is too large")]
    TooLarge,
}

/// The largest magnitude accepted: beyond it a value is a typing slip (and past 2^53 it
/// would lose precision).
const LARGEST: f64 = 1e15;

impl FilingValues {
    pub fn blank(form: &Form) -> FilingValues {
        FilingValues(vec![None; form.fields.len()])
    }

    pub fn get(&self, index: usize) -> Option<f64> {
        self.0.get(index).copied().flatten()
    }

    pub fn is_blank(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    /// The values by field code, blanks left out: how a filing is stored, so that a
    /// revision stays readable whatever version of the form is loaded later.
    pub fn to_map(&self, form: &Form) -> BTreeMap<String, f64> {
        form.fields
            .iter()
            .zip(&self.0)
            .filter_map(|(f, v)| v.map(|v| (f.code.clone(), v)))
            .collect()
    }

    /// Lays stored values out for `form`; codes the form does not have are left out.
    pub fn from_map(form: &Form, map: &BTreeMap<String, f64>) -> FilingValues {
        FilingValues(
            form.fields
                .iter()
                .map(|f| map.get(&f.code).copied())
                .collect(),
        )
    }
}

/// Reads one typed or imported value for a field: blanks are `None`; thousands
/// separators, full-width digits and a trailing unit or percent sign are tolerated.
pub fn parse_entry(field: &FieldDefinition, text: &str) -> Result<Option<f64>, EntryProblem> {
    // Most entries are plain numbers (every cell of a CSV arrives as text): read them
    // without building a cleaned copy.
    let plain = text.trim();
    if !plain.is_empty()
        && plain
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'e' | b'E' | b'+'))
        && let Ok(value) = plain.parse::<f64>()
        && value.is_finite()
    {
        return check_value(field, value).map(Some);
    }
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' => '-',
            other => other,
        })
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{a0}'))
        .collect();
    let cleaned = cleaned.trim_end_matches(['%', '％']);
    if cleaned.is_empty() {
        return Ok(None);
    }
    let value: f64 = cleaned
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| EntryProblem::NotANumber(text.trim().to_string()))?;
    check_value(field, value).map(Some)
}

/// Checks a number that arrived as a number (a spreadsheet cell, JSON).
pub fn check_value(field: &FieldDefinition, value: f64) -> Result<f64, EntryProblem> {
    if !value.is_finite() || value.abs() > LARGEST {
        return Err(EntryProblem::TooLarge);
    }
    if value < 0.0 && !field.negative_allowed {
        return Err(EntryProblem::Negative);
    }
    if field.field_type == FieldType::Integer && value.fract() != 0.0 {
        return Err(EntryProblem::NotWhole);
    }
    Ok(value)
}
