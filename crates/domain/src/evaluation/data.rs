//! The table a scheme is run on: units × indicator values, brought by an evaluator as a
//! sheet (CSV or xlsx) or assembled from monitoring. Read with every problem located
//! (sheet, row, column) and checked against the indicators the scheme needs before
//! anything runs.
//!
//! A brought file (`read_for_scheme`) carries everything a run needs besides the scheme,
//! as COINr's data frame does: a column naming the units, optionally a column giving each
//! unit's group (for imputation by group mean or median), a column per indicator and a
//! column per denominator the scheme names; each indicator with a denominator is divided
//! by it before anything else (COINr's `Denominate`).

use std::collections::HashMap;

use serde::Serialize;

use super::scheme::Scheme;
use super::treatment::Impute;
use crate::table::{Cell, Position, Table};

/// The header of the column that names the units.
pub const UNIT_COLUMN: (&str, &str) = ("unit", "单位");

/// The header of the column that gives each unit's group.
pub const GROUP_COLUMN: (&str, &str) = ("group", "分组");

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
    /// A denominator the scheme names that no column gives.
    MissingDenominator(String),
    /// The scheme imputes this indicator by group and the file has no group column.
    NoGroupColumn(String),
    /// The file has a group column and this unit's cell in it is blank.
    MissingGroup(String),
}

/// A brought file read for a scheme: the indicators' values, each already divided by its
/// denominator, and each unit's group when the file has a group column.
#[derive(Debug, Clone, PartialEq)]
pub struct BroughtData {
    pub data: EvaluationData,
    /// `groups[unit]`, in the order of `data.units`.
    pub groups: Option<Vec<String>>,
}

/// Reads a sheet whose first column (headed 单位 or unit) names the units and whose other
/// columns are headed by the codes of the scheme's indicators (`needed`, the ones whose
/// values are not computed by the platform). Blank cells are missing values.
pub fn read_data(table: &Table, needed: &[&str]) -> Result<EvaluationData, Vec<DataIssue>> {
    read_columns(table, needed, false).map(|(data, _)| data)
}

/// Reads a brought file for `scheme`: the unit column, an optional group column (headed
/// 分组 or group), a column per indicator of the scheme and a column per denominator it
/// names (headed by the statistic's code as the scheme writes it). An indicator with a
/// denominator scores its value divided by the denominator's; where either is blank or the
/// denominator is 0 the quotient is missing, as when the platform divides by a monitoring
/// statistic. A scheme that imputes an indicator by group needs the group column; a file
/// with a group column needs every unit's group. Every problem is located.
pub fn read_for_scheme(table: &Table, scheme: &Scheme) -> Result<BroughtData, Vec<DataIssue>> {
    let specs: Vec<(&str, Option<&str>, Option<Impute>)> = scheme
        .indicators()
        .filter_map(|(_, node)| {
            let spec = node.indicator()?;
            Some((
                node.code.as_str(),
                spec.denominator.as_deref(),
                spec.imputation,
            ))
        })
        .collect();
    let mut needed: Vec<&str> = specs.iter().map(|(code, _, _)| *code).collect();
    let mut denominators: Vec<&str> = Vec::new();
    for (_, den, _) in &specs {
        if let Some(den) = den
            && !needed.contains(den)
        {
            needed.push(den);
            denominators.push(den);
        }
    }
    let mut issues = Vec::new();
    let by_group: Vec<&str> = specs
        .iter()
        .filter(|(_, _, how)| matches!(how, Some(Impute::GroupMean | Impute::GroupMedian)))
        .map(|(code, _, _)| *code)
        .collect();
    let has_group_column = table.headers.iter().any(|h| is_group_header(h));
    if !has_group_column {
        issues.extend(by_group.iter().map(|code| DataIssue {
            position: Position {
                sheet: table.sheet.clone(),
                row: table.header_row,
                column: None,
            },
            problem: DataProblem::NoGroupColumn((*code).to_string()),
        }));
    }
    let read = read_columns(table, &needed, true);
    let (raw, groups) = match read {
        Ok(read) if issues.is_empty() => read,
        Ok(_) => return Err(issues),
        Err(mut found) => {
            // A denominator's missing column says so, not that an indicator is missing.
            for issue in &mut found {
                if let DataProblem::MissingIndicator(code) = &issue.problem
                    && denominators.contains(&code.as_str())
                {
                    issue.problem = DataProblem::MissingDenominator(code.clone());
                }
            }
            found.extend(issues);
            return Err(found);
        }
    };
    let column = |code: &str| raw.indicator(code).expect("every needed column was read");
    let values = raw
        .values
        .iter()
        .map(|row| {
            specs
                .iter()
                .map(|(code, den, _)| {
                    let value = row[column(code)];
                    match den {
                        None => value,
                        Some(den) => match (value, row[column(den)]) {
                            (Some(v), Some(d)) if d != 0.0 => Some(v / d),
                            _ => None,
                        },
                    }
                })
                .collect()
        })
        .collect();
    Ok(BroughtData {
        data: EvaluationData {
            units: raw.units,
            indicators: specs.iter().map(|(code, _, _)| code.to_string()).collect(),
            values,
        },
        groups,
    })
}

fn is_group_header(header: &str) -> bool {
    let h = header.trim();
    h == GROUP_COLUMN.0 || h == GROUP_COLUMN.1
}

/// The columns `needed` and, with `with_group`, the group column if the table has one.
fn read_columns(
    table: &Table,
    needed: &[&str],
    with_group: bool,
) -> Result<(EvaluationData, Option<Vec<String>>), Vec<DataIssue>> {
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
    let group_column = if with_group {
        table.headers.iter().position(|h| is_group_header(h))
    } else {
        None
    };
    let Some(unit_column) = unit_column else {
        return Err(vec![DataIssue {
            position: at(table.header_row, None),
            problem: DataProblem::NoUnitColumn,
        }]);
    };
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (c, header) in table.headers.iter().enumerate() {
        let code = header.trim();
        if c == unit_column || Some(c) == group_column || code.is_empty() {
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
    let mut groups = Vec::new();
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
        if let Some(g) = group_column {
            let group = cell(g).as_text().trim().to_string();
            if group.is_empty() {
                issues.push(DataIssue {
                    position: at(row.number, Some(g + 1)),
                    problem: DataProblem::MissingGroup(unit.clone()),
                });
            }
            groups.push(group);
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
    Ok((
        EvaluationData {
            units,
            indicators: columns.into_iter().map(|(_, k)| k).collect(),
            values,
        },
        group_column.map(|_| groups),
    ))
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

    const SCHEME: &str = r#"
code = "s"
version = 1
name_zh = "方案"
name_en = "Scheme"

[[dimensions]]
code = "all"
zh = "全部"
en = "All"
weight = 1

[[indicators]]
code = "rd"
parent = "all"
zh = "研发"
en = "R&D"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }
denominator = "revenue"

[[indicators]]
code = "patents"
parent = "all"
zh = "专利"
en = "Patents"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }
imputation = "group_mean"

[[grades]]
code = "any"
zh = "全部"
en = "Any"
"#;

    fn scheme() -> Scheme {
        Scheme::parse(SCHEME, &|_| true, &|_| true).unwrap()
    }

    #[test]
    fn a_brought_file_divides_by_its_denominators_and_gives_the_groups() {
        let t = table(
            &["unit", "patents", "revenue", "分组", "rd"],
            vec![
                vec![
                    text("甲园"),
                    Cell::Number(3.0),
                    Cell::Number(200.0),
                    text("东"),
                    Cell::Number(50.0),
                ],
                vec![
                    text("乙园"),
                    Cell::Empty,
                    Cell::Number(0.0),
                    text("西"),
                    Cell::Number(8.0),
                ],
                vec![
                    text("丙园"),
                    Cell::Number(1.0),
                    Cell::Empty,
                    text("西"),
                    Cell::Number(8.0),
                ],
            ],
        );
        let brought = read_for_scheme(&t, &scheme()).unwrap();
        // In the scheme's order; rd / revenue: 50 / 200 = 0.25, then 8 / 0 and 8 / blank
        // are missing.
        assert_eq!(brought.data.indicators, vec!["rd", "patents"]);
        assert_eq!(brought.data.column(0), vec![Some(0.25), None, None]);
        assert_eq!(brought.data.column(1), vec![Some(3.0), None, Some(1.0)]);
        assert_eq!(
            brought.groups,
            Some(vec!["东".to_string(), "西".to_string(), "西".to_string()])
        );
    }

    #[test]
    fn a_brought_file_without_the_columns_the_scheme_needs_says_which() {
        let t = table(
            &["unit", "rd", "patents"],
            vec![vec![text("甲园"), Cell::Number(1.0), Cell::Number(2.0)]],
        );
        let problems: Vec<DataProblem> = read_for_scheme(&t, &scheme())
            .unwrap_err()
            .into_iter()
            .map(|i| i.problem)
            .collect();
        assert_eq!(
            problems,
            vec![
                DataProblem::MissingDenominator("revenue".into()),
                DataProblem::NoGroupColumn("patents".into()),
            ]
        );
        let t = table(
            &["unit", "group", "rd", "revenue", "patents"],
            vec![vec![
                text("甲园"),
                text(" "),
                Cell::Number(1.0),
                Cell::Number(2.0),
                Cell::Number(2.0),
            ]],
        );
        let issues = read_for_scheme(&t, &scheme()).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].problem, DataProblem::MissingGroup("甲园".into()));
        assert_eq!(
            (issues[0].position.row, issues[0].position.column),
            (2, Some(2))
        );
    }
}
