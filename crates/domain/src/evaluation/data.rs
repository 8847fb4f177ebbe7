//! The table a scheme is run on: units × indicator values, brought by an evaluator as a
//! sheet (CSV or xlsx) or assembled from monitoring. Read with every problem located
//! (sheet, row, column) and checked against the indicators the scheme needs before
//! anything runs.

use std::collections::HashMap;

use serde::Serialize;

use crate::table::{Cell, Position, Table};

/// The header of the column that names the units.
pub const UNIT_COLUMN: (&str, &str) = ("unit", "单位");

/// Units × indicators, values as given (missing where blank).
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationData {
    pub units: Vec<String>,
    pub indicators: Vec<String>,
    /// `values[unit][indicator]`.
    pub values: Vec<Vec<Option<f64>>>,
}

impl EvaluationData {
    /// One indicator's values across the units.
    pub fn column(&self, indicator: usize) -> Vec<Option<f64>> {
        self.values.iter().map(|row| row[indicator]).collect()
    }

    pub fn indicator(&self, code: &str) -> Option<usize> {
        self.indicators.iter().position(|c| c == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataIssue {
    pub position: Position,
    pub problem: DataProblem,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DataProblem {
    /// No column is headed 单位 / unit.
    NoUnitColumn,
    /// A column the scheme does not use.
    UnknownIndicator(String),
    /// An indicator of the scheme that no column gives.
    MissingIndicator(String),
    /// The same indicator in two columns.
    DuplicateIndicator(String),
    DuplicateUnit(String),
    NotANumber(String),
    /// Every unit's value of this indicator is missing: nothing to score it on.
    AllMissing(String),
    /// No unit at all.
    NoUnits,
}

/// Reads a sheet whose first column (headed 单位 or unit) names the units and whose other
/// columns are headed by the codes of the scheme's indicators (`needed`, the ones whose
/// values are not computed by the platform). Blank cells are missing values.
pub fn read_data(table: &Table, needed: &[&str]) -> Result<EvaluationData, Vec<DataIssue>> {
    let at = |row: usize, column: Option<usize>| Position {
        sheet: table.sheet.clone(),
        row,
        column,
    };
    let mut issues = Vec::new();
    let unit_column = table.headers.iter().position(|h| {
        let h = h.trim();
        h == UNIT_COLUMN.0 || h == UNIT_COLUMN.1
    });
    let Some(unit_column) = unit_column else {
        return Err(vec![DataIssue {
            position: at(table.header_row, None),
            problem: DataProblem::NoUnitColumn,
        }]);
    };
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (c, header) in table.headers.iter().enumerate() {
        let code = header.trim();
        if c == unit_column || code.is_empty() {
            continue;
        }
        if !needed.contains(&code) {
            issues.push(DataIssue {
                position: at(table.header_row, Some(c + 1)),
                problem: DataProblem::UnknownIndicator(code.to_string()),
            });
        } else if columns.iter().any(|(_, k)| k == code) {
            issues.push(DataIssue {
                position: at(table.header_row, Some(c + 1)),
                problem: DataProblem::DuplicateIndicator(code.to_string()),
            });
        } else {
            columns.push((c, code.to_string()));
        }
    }
    for code in needed {
        if !columns.iter().any(|(_, k)| k == code) {
            issues.push(DataIssue {
                position: at(table.header_row, None),
                problem: DataProblem::MissingIndicator((*code).to_string()),
            });
        }
    }
    let mut units = Vec::new();
    let mut values = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let cell = |c: usize| row.cells.get(c).cloned().unwrap_or(Cell::Empty);
        let unit = cell(unit_column).as_text();
        if unit.is_empty() {
            continue;
        }
        if seen.insert(unit.clone(), row.number).is_some() {
            issues.push(DataIssue {
                position: at(row.number, Some(unit_column + 1)),
                problem: DataProblem::DuplicateUnit(unit),
            });
            continue;
        }
        let mut row_values = Vec::with_capacity(columns.len());
        for (c, _) in &columns {
            row_values.push(match cell(*c) {
                Cell::Empty => None,
                Cell::Number(n) if n.is_finite() => Some(n),
                other => {
                    let text = other.as_text().replace([',', '，'], "");
                    match text.parse::<f64>() {
                        _ if text.is_empty() => None,
                        Ok(n) if n.is_finite() => Some(n),
                        _ => {
                            issues.push(DataIssue {
                                position: at(row.number, Some(c + 1)),
                                problem: DataProblem::NotANumber(other.as_text()),
                            });
                            None
                        }
                    }
                }
            });
        }
        units.push(unit);
        values.push(row_values);
    }
    if units.is_empty() {
        issues.push(DataIssue {
            position: at(table.header_row, None),
            problem: DataProblem::NoUnits,
        });
    }
    for (i, (c, code)) in columns.iter().enumerate() {
        if !units.is_empty() && values.iter().all(|row: &Vec<Option<f64>>| row[i].is_none()) {
            issues.push(DataIssue {
                position: at(table.header_row, Some(c + 1)),
                problem: DataProblem::AllMissing(code.clone()),
            });
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(EvaluationData {
        units,
        indicators: columns.into_iter().map(|(_, k)| k).collect(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Row;

    fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: Some("数据".into()),
            header_row: 1,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i + 2,
                    cells,
                })
                .collect(),
        }
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn reads_units_and_the_indicators_of_the_scheme() {
        let t = table(
            &["单位", "rd", "land"],
            vec![
                vec![text("甲园"), Cell::Number(3.5), text("1,200")],
                vec![text("乙园"), Cell::Empty, Cell::Number(800.0)],
            ],
        );
        let data = read_data(&t, &["land", "rd"]).unwrap();
        assert_eq!(data.units, vec!["甲园", "乙园"]);
        assert_eq!(data.indicators, vec!["rd", "land"]);
        assert_eq!(data.column(0), vec![Some(3.5), None]);
        assert_eq!(data.column(1), vec![Some(1200.0), Some(800.0)]);
    }

    #[test]
    fn every_mismatch_with_the_scheme_is_located_before_anything_runs() {
        let t = table(
            &["单位", "rd", "extra", "rd"],
            vec![
                vec![text("甲园"), text("三"), Cell::Empty, Cell::Empty],
                vec![text("甲园"), Cell::Number(1.0), Cell::Empty, Cell::Empty],
            ],
        );
        let issues = read_data(&t, &["rd", "land"]).unwrap_err();
        let found: Vec<(usize, Option<usize>, &DataProblem)> = issues
            .iter()
            .map(|i| (i.position.row, i.position.column, &i.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (1, Some(3), &DataProblem::UnknownIndicator("extra".into())),
                (1, Some(4), &DataProblem::DuplicateIndicator("rd".into())),
                (1, None, &DataProblem::MissingIndicator("land".into())),
                (2, Some(2), &DataProblem::NotANumber("三".into())),
                (3, Some(1), &DataProblem::DuplicateUnit("甲园".into())),
                (1, Some(2), &DataProblem::AllMissing("rd".into())),
            ]
        );
        let no_units = table(&["unit", "rd"], vec![]);
        assert_eq!(
            read_data(&no_units, &["rd"]).unwrap_err()[0].problem,
            DataProblem::NoUnits
        );
    }
}
