//! What is entered for an evaluation besides the monitoring figures: the values of the
//! scheme's entered indicators (a review panel's marks, signed investment), how often a
//! bonus or penalty item occurred, and whether a veto item did. Each entry names an item
//! of the scheme by its code; this module says which kind it is and whether the value
//! fits it, before anything is stored.

use thiserror::Error;

use super::scheme::{Scheme, Source};
use crate::reporting::Period;
use crate::table::{Position, Table};
use crate::unit_sheet::{SheetProblem, read_unit_sheet};

/// What an item code of a scheme names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputItem {
    /// An indicator whose values are entered (`entered = true`), by node index.
    Indicator(usize),
    /// A bonus or penalty item, by index into `Scheme::adjustments`: a count of
    /// occurrences.
    Adjustment(usize),
    /// A veto item, by index into `Scheme::vetoes`: 1 when it occurred, 0 when not.
    Veto(usize),
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum InputProblem {
    /// The code names no entered indicator, adjustment or veto of the scheme (a monitoring
    /// indicator is computed, never entered).
    #[error("{code:?} is not an item entered for scheme {scheme:?}")]
    UnknownItem { scheme: String, code: String },
    #[error("{code:?}: {value} is not a finite number")]
    NotFinite { code: String, value: f64 },
    /// Occurrences are counted: 0, 1, 2, ...
    #[error("{code:?}: occurrences are a whole number ≥ 0, not {value}")]
    NotACount { code: String, value: f64 },
    /// A veto either occurred (1) or did not (0).
    #[error("{code:?}: a veto is 1 (occurred) or 0, not {value}")]
    NotAFlag { code: String, value: f64 },
    /// No unit has the code.
    #[error("no unit has the code {0:?}")]
    UnknownUnit(String),
    /// The unit is not one the user enters values for.
    #[error("values for unit {0:?} are not yours to enter")]
    OutsideScope(String),
}

/// An entry that cannot be taken, with the unit, period and item it was for.
#[derive(Debug, Clone, PartialEq)]
pub struct InputIssue {
    pub unit: String,
    pub period: Period,
    pub item: String,
    pub problem: InputProblem,
}

/// A value read from a sheet of inputs, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFileEntry {
    pub unit: String,
    /// The item's code.
    pub item: String,
    pub value: f64,
    pub position: Position,
}

/// What is wrong at a place of a sheet of inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum InputFileProblem {
    /// The sheet's shape, a cell that is no number, or a park refused for the reason given.
    Sheet(SheetProblem<InputProblem>),
    /// A number that does not fit its item.
    Value {
        unit: String,
        item: String,
        problem: InputProblem,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputFileIssue {
    pub position: Position,
    pub problem: InputFileProblem,
}

/// The largest number of occurrences taken: more than any scheme caps at, and safe to
/// hold as `u32`.
const MOST_OCCURRENCES: f64 = 1000.0;

impl Scheme {
    /// The item an entry's code names.
    pub fn input_item(&self, code: &str) -> Option<InputItem> {
        if let Some((i, node)) = self.node(code)
            && node
                .indicator()
                .is_some_and(|spec| spec.source == Source::Entered)
        {
            return Some(InputItem::Indicator(i));
        }
        if let Some(a) = self.adjustments.iter().position(|a| a.code == code) {
            return Some(InputItem::Adjustment(a));
        }
        self.vetoes
            .iter()
            .position(|v| v.code == code)
            .map(InputItem::Veto)
    }

    /// Checks an entry: the code names an entered item and the value fits it. A cleared
    /// entry (`None`) fits every item.
    pub fn check_input(&self, code: &str, value: Option<f64>) -> Result<InputItem, InputProblem> {
        let item = self
            .input_item(code)
            .ok_or_else(|| InputProblem::UnknownItem {
                scheme: self.code.clone(),
                code: code.to_string(),
            })?;
        let Some(value) = value else {
            return Ok(item);
        };
        let code = code.to_string();
        if !value.is_finite() {
            return Err(InputProblem::NotFinite { code, value });
        }
        match item {
            InputItem::Indicator(_) => {}
            InputItem::Adjustment(_) => {
                if value < 0.0 || value.fract() != 0.0 || value > MOST_OCCURRENCES {
                    return Err(InputProblem::NotACount { code, value });
                }
            }
            InputItem::Veto(_) => {
                if value != 0.0 && value != 1.0 {
                    return Err(InputProblem::NotAFlag { code, value });
                }
            }
        }
        Ok(item)
    }

    /// An item's name, in Chinese or English.
    pub fn input_item_name(&self, item: InputItem, english: bool) -> &str {
        let (zh, en) = match item {
            InputItem::Indicator(i) => return self.nodes[i].name(english),
            InputItem::Adjustment(a) => (&self.adjustments[a].zh, &self.adjustments[a].en),
            InputItem::Veto(v) => (&self.vetoes[v].zh, &self.vetoes[v].en),
        };
        if english { en } else { zh }
    }

    /// The heading of an item's column in a sheet of inputs: `名称（code）`.
    pub fn input_heading(&self, item: InputItem, code: &str) -> String {
        format!("{}（{code}）", self.input_item_name(item, false))
    }

    /// Reads a filled-in sheet of inputs for `period`: one row per park by its code, one
    /// column per item headed by its code, its name in either language or its heading.
    /// `refuse_unit` says why a park's values are not taken (unknown, not the user's to
    /// enter), if they are not. Blank cells neither set nor clear a value. Every problem
    /// is located, and nothing is taken unless the whole sheet is right.
    pub fn read_input_sheet(
        &self,
        table: &Table,
        refuse_unit: &dyn Fn(&str) -> Option<InputProblem>,
    ) -> Result<Vec<InputFileEntry>, Vec<InputFileIssue>> {
        let items = self.input_items();
        let headings: Vec<Vec<String>> = items
            .iter()
            .map(|&(item, code)| {
                vec![
                    code.to_string(),
                    self.input_item_name(item, false).to_string(),
                    self.input_item_name(item, true).to_string(),
                    self.input_heading(item, code),
                    format!("{}（{code}）", self.input_item_name(item, true)),
                ]
            })
            .collect();
        let read = read_unit_sheet(table, &headings, refuse_unit);
        let mut issues: Vec<InputFileIssue> = read
            .issues
            .into_iter()
            .map(|i| InputFileIssue {
                position: i.position,
                problem: InputFileProblem::Sheet(i.problem),
            })
            .collect();
        let mut entries = Vec::with_capacity(read.values.len());
        for v in read.values {
            let code = items[v.item].1;
            match self.check_input(code, Some(v.value)) {
                Ok(_) => entries.push(InputFileEntry {
                    unit: v.unit,
                    item: code.to_string(),
                    value: v.value,
                    position: v.position,
                }),
                Err(problem) => issues.push(InputFileIssue {
                    position: v.position,
                    problem: InputFileProblem::Value {
                        unit: v.unit,
                        item: code.to_string(),
                        problem,
                    },
                }),
            }
        }
        if issues.is_empty() {
            return Ok(entries);
        }
        // In the sheet's order: headings, then row by row, column by column.
        issues.sort_by_key(|i| (i.position.row, i.position.column.unwrap_or(0)));
        Err(issues)
    }

    /// Every item entered for this scheme, in the order a sheet of inputs lists them:
    /// entered indicators in the tree's order, then adjustments, then vetoes.
    pub fn input_items(&self) -> Vec<(InputItem, &str)> {
        let mut out: Vec<(InputItem, &str)> = self
            .indicators()
            .filter(|(_, n)| n.indicator().is_some_and(|s| s.source == Source::Entered))
            .map(|(i, n)| (InputItem::Indicator(i), n.code.as_str()))
            .collect();
        out.extend(
            self.adjustments
                .iter()
                .enumerate()
                .map(|(i, a)| (InputItem::Adjustment(i), a.code.as_str())),
        );
        out.extend(
            self.vetoes
                .iter()
                .enumerate()
                .map(|(i, v)| (InputItem::Veto(i), v.code.as_str())),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEME: &str = r#"
code = "parks"
version = 1
name_zh = "园区考核"
name_en = "Parks"

[[dimensions]]
code = "innovation"
zh = "科技创新"
en = "Innovation"
weight = 1

[[indicators]]
code = "rd"
parent = "innovation"
zh = "研发强度"
en = "R&D intensity"
weight = 1
indicator = "rd"
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "review"
parent = "innovation"
zh = "评审得分"
en = "Review marks"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }

[[adjustments]]
code = "platform"
kind = "bonus"
zh = "国家级平台"
en = "National platform"
points = 2

[[vetoes]]
code = "accident"
zh = "重大安全事故"
en = "Major accident"

[[grades]]
code = "pass"
zh = "合格"
en = "Pass"
min = 60

[[grades]]
code = "fail"
zh = "不合格"
en = "Fail"
"#;

    fn scheme() -> Scheme {
        Scheme::parse(SCHEME, &|c| c == "rd", &|_| false).expect("the test scheme parses")
    }

    #[test]
    fn items_are_told_apart_and_monitoring_indicators_are_not_entered() {
        let s = scheme();
        let review = s.node("review").map(|(i, _)| i);
        assert_eq!(
            s.input_item("review"),
            review.map(InputItem::Indicator),
            "an entered indicator"
        );
        assert_eq!(s.input_item("platform"), Some(InputItem::Adjustment(0)));
        assert_eq!(s.input_item("accident"), Some(InputItem::Veto(0)));
        assert_eq!(s.input_item("rd"), None, "computed from monitoring");
        assert_eq!(s.input_item("innovation"), None, "a dimension");
        let listed: Vec<&str> = s.input_items().into_iter().map(|(_, c)| c).collect();
        assert_eq!(listed, ["review", "platform", "accident"]);
    }

    #[test]
    fn values_must_fit_their_item() {
        let s = scheme();
        assert!(
            s.check_input("review", Some(-3.5)).is_ok(),
            "marks may be anything finite"
        );
        assert!(s.check_input("platform", Some(2.0)).is_ok());
        assert!(s.check_input("platform", None).is_ok(), "clearing");
        assert!(matches!(
            s.check_input("platform", Some(1.5)),
            Err(InputProblem::NotACount { .. })
        ));
        assert!(matches!(
            s.check_input("platform", Some(-1.0)),
            Err(InputProblem::NotACount { .. })
        ));
        assert!(s.check_input("accident", Some(1.0)).is_ok());
        assert!(matches!(
            s.check_input("accident", Some(2.0)),
            Err(InputProblem::NotAFlag { .. })
        ));
        assert!(matches!(
            s.check_input("review", Some(f64::NAN)),
            Err(InputProblem::NotFinite { .. })
        ));
        assert!(matches!(
            s.check_input("rd", Some(1.0)),
            Err(InputProblem::UnknownItem { .. })
        ));
    }
}
