//! Runs a form's checks on a filing: required fields, then every rule. The same code runs
//! for the web form, an uploaded workbook, a bulk file and the API, so a filing is judged
//! the same way whichever way it came in.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::expr::Frames;

use super::form::{Form, Severity};
use super::values::FilingValues;

/// One thing the checks found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub problem: Problem,
    /// Indices of the fields it concerns.
    pub fields: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Problem {
    /// A required field is blank.
    Required,
    /// A rule of the form does not hold; the index of the rule.
    Rule(usize),
}

/// Written explanations (说明) of warnings, by rule code.
pub type Explanations = BTreeMap<String, String>;

/// The filings a filing is compared with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    pub previous_year: Option<&'a FilingValues>,
    pub previous_period: Option<&'a FilingValues>,
}

/// All findings for a filing, with what stands between it and submission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub findings: Vec<Finding>,
}

impl Assessment {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// Codes of the rules raising warnings that have no written explanation.
    pub fn unexplained<'a>(&'a self, form: &'a Form, explanations: &Explanations) -> Vec<&'a str> {
        self.warnings()
            .filter_map(|f| match f.problem {
                Problem::Rule(i) => Some(form.rules[i].code.as_str()),
                Problem::Required => None,
            })
            .filter(|code| {
                explanations
                    .get(*code)
                    .is_none_or(|text| text.trim().is_empty())
            })
            .collect()
    }

    /// Whether the filing may be submitted: no error, and every warning explained.
    pub fn may_submit(&self, form: &Form, explanations: &Explanations) -> bool {
        self.errors().next().is_none() && self.unexplained(form, explanations).is_empty()
    }

    /// The findings shown beside one field.
    pub fn for_field(&self, index: usize) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.fields.contains(&index))
    }
}

impl Form {
    pub fn assess(&self, values: &FilingValues, context: Context<'_>) -> Assessment {
        let mut findings = Vec::new();
        for (i, field) in self.fields.iter().enumerate() {
            if field.required && values.get(i).is_none() {
                findings.push(Finding {
                    severity: Severity::Error,
                    problem: Problem::Required,
                    fields: vec![i],
                });
            }
        }
        let frames = Frames {
            current: &values.0,
            previous_year: context.previous_year.map(|v| v.0.as_slice()),
            previous_period: context.previous_period.map(|v| v.0.as_slice()),
        };
        for (i, rule) in self.rules.iter().enumerate() {
            let applies = match &rule.when {
                Some(when) => when.evaluate_condition(&frames) == Some(true),
                None => true,
            };
            // An undecidable check (a value it needs is blank) does not fire: blanks that
            // matter are caught by `required`.
            if applies && rule.check.evaluate_condition(&frames) == Some(false) {
                findings.push(Finding {
                    severity: rule.severity,
                    problem: Problem::Rule(i),
                    fields: rule.fields.clone(),
                });
            }
        }
        Assessment { findings }
    }
}
