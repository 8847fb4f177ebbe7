//! Reading unit statistics from a sheet: one row per unit (by its code), one column per
//! statistic (headed by its code, or its name with or without the unit). Every problem
//! is collected with its place, and nothing is taken unless the whole sheet is right.

use std::collections::HashMap;

use serde::Serialize;

use crate::table::{Cell, Position, Table};

use super::catalogue::Catalogue;

/// The header of the column of unit codes.
pub const UNIT_CODE_COLUMN: (&str, &str) = ("unit_code", "单位代码");
/// The header of the column of unit names, read by people and ignored here.
pub const UNIT_NAME_COLUMN: (&str, &str) = ("unit_name", "单位名称");

/// One value read: (unit code, statistic index, value).
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticEntry {
    pub unit: String,
    pub statistic: usize,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatisticIssue {
    pub position: Position,
    pub problem: StatisticProblem,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StatisticProblem {
    /// The sheet has no column headed 单位代码.
    NoUnitColumn,
    /// No column names a statistic of the catalogue.
    NoStatisticColumns,
    /// A column heading that is neither the unit columns nor a statistic.
    UnknownColumn(String),
    UnknownUnit(String),
    /// The same unit on two rows.
    DuplicateUnit(String),
    /// The cell is not a number.
    NotANumber(String),
}

/// The text a column of `statistic` is headed with in templates: `名称（单位）`.
pub fn statistic_header(catalogue: &Catalogue, statistic: usize) -> String {
    let s = &catalogue.statistics[statistic];
    format!("{}（{}）", s.zh, s.unit.symbol(false))
}

fn normalise(header: &str) -> String {
    header
        .trim()
        .replace('(', "（")
        .replace(')', "）")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Reads a statistics sheet. `unit_exists` tells whether a unit code is known.
pub fn read_statistics(
    table: &Table,
    catalogue: &Catalogue,
    unit_exists: &dyn Fn(&str) -> bool,
) -> Result<Vec<StatisticEntry>, Vec<StatisticIssue>> {
    let at = |row: usize, column: Option<usize>| Position {
        sheet: table.sheet.clone(),
        row,
        column,
    };
    let mut issues = Vec::new();
    let mut by_header: HashMap<String, usize> = HashMap::new();
    for (i, s) in catalogue.statistics.iter().enumerate() {
        for name in [
            s.code.clone(),
            s.zh.clone(),
            s.en.clone(),
            statistic_header(catalogue, i),
            format!("{}（{}）", s.en, s.unit.symbol(true)),
        ] {
            by_header.insert(normalise(&name), i);
        }
    }
    let mut unit_column = None;
    let mut columns: Vec<(usize, usize)> = Vec::new();
    for (c, header) in table.headers.iter().enumerate() {
        let h = normalise(header);
        if h.is_empty() || h == UNIT_NAME_COLUMN.1 || h == UNIT_NAME_COLUMN.0 {
            continue;
        }
        if h == UNIT_CODE_COLUMN.1 || h == UNIT_CODE_COLUMN.0 {
            unit_column = Some(c);
        } else if let Some(&s) = by_header.get(&h) {
            columns.push((c, s));
        } else {
            issues.push(StatisticIssue {
                position: at(table.header_row, Some(c + 1)),
                problem: StatisticProblem::UnknownColumn(header.trim().to_string()),
            });
        }
    }
    let Some(unit_column) = unit_column else {
        issues.push(StatisticIssue {
            position: at(table.header_row, None),
            problem: StatisticProblem::NoUnitColumn,
        });
        return Err(issues);
    };
    if columns.is_empty() {
        issues.push(StatisticIssue {
            position: at(table.header_row, None),
            problem: StatisticProblem::NoStatisticColumns,
        });
        return Err(issues);
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut entries = Vec::new();
    for row in &table.rows {
        let cell = |c: usize| row.cells.get(c).cloned().unwrap_or(Cell::Empty);
        let code = cell(unit_column).as_text();
        if code.is_empty() {
            continue;
        }
        if !unit_exists(&code) {
            issues.push(StatisticIssue {
                position: at(row.number, Some(unit_column + 1)),
                problem: StatisticProblem::UnknownUnit(code),
            });
            continue;
        }
        if seen.insert(code.clone(), row.number).is_some() {
            issues.push(StatisticIssue {
                position: at(row.number, Some(unit_column + 1)),
                problem: StatisticProblem::DuplicateUnit(code),
            });
            continue;
        }
        for &(c, statistic) in &columns {
            let value = match cell(c) {
                Cell::Empty => continue,
                Cell::Number(n) if n.is_finite() => n,
                other => {
                    let text = other.as_text().replace([',', '，'], "");
                    if text.is_empty() {
                        continue;
                    }
                    match text.parse::<f64>() {
                        Ok(n) if n.is_finite() => n,
                        _ => {
                            issues.push(StatisticIssue {
                                position: at(row.number, Some(c + 1)),
                                problem: StatisticProblem::NotANumber(other.as_text()),
                            });
                            continue;
                        }
                    }
                }
            };
            entries.push(StatisticEntry {
                unit: code.clone(),
                statistic,
                value,
            });
        }
    }
    if issues.is_empty() {
        Ok(entries)
    } else {
        Err(issues)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Row;

    fn catalogue() -> Catalogue {
        Catalogue::parse(
            "version = 1\n[[statistics]]\ncode = \"gdp\"\nzh = \"地区生产总值\"\nen = \"GDP\"\nunit = \"hundred_million_yuan\"\n\
             [[statistics]]\ncode = \"population\"\nzh = \"常住人口\"\nen = \"Population\"\nunit = \"ten_thousand_persons\"\n",
            &[],
        )
        .unwrap()
    }

    fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: Some("统计".into()),
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

    #[test]
    fn reads_values_by_header_name_or_code() {
        let t = table(
            &["单位代码", "单位名称", "地区生产总值（亿元）", "population"],
            vec![
                vec![
                    Cell::Text("LB".into()),
                    Cell::Text("兰白".into()),
                    Cell::Number(552.4),
                    Cell::Text("1,234.5".into()),
                ],
                vec![
                    Cell::Text("LB-GX".into()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Number(80.0),
                ],
            ],
        );
        let entries = read_statistics(&t, &catalogue(), &|c| c.starts_with("LB")).unwrap();
        assert_eq!(
            entries,
            vec![
                StatisticEntry {
                    unit: "LB".into(),
                    statistic: 0,
                    value: 552.4
                },
                StatisticEntry {
                    unit: "LB".into(),
                    statistic: 1,
                    value: 1234.5
                },
                StatisticEntry {
                    unit: "LB-GX".into(),
                    statistic: 1,
                    value: 80.0
                },
            ]
        );
    }

    #[test]
    fn every_problem_is_located_and_nothing_is_taken() {
        let t = table(
            &["单位代码", "地区生产总值(亿元)", "面积"],
            vec![
                vec![
                    Cell::Text("LB".into()),
                    Cell::Text("五百".into()),
                    Cell::Empty,
                ],
                vec![Cell::Text("XX".into()), Cell::Number(1.0), Cell::Empty],
                vec![Cell::Text("LB".into()), Cell::Number(1.0), Cell::Empty],
            ],
        );
        let issues = read_statistics(&t, &catalogue(), &|c| c == "LB").unwrap_err();
        let found: Vec<(usize, Option<usize>, &StatisticProblem)> = issues
            .iter()
            .map(|i| (i.position.row, i.position.column, &i.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (1, Some(3), &StatisticProblem::UnknownColumn("面积".into())),
                (2, Some(2), &StatisticProblem::NotANumber("五百".into())),
                (3, Some(1), &StatisticProblem::UnknownUnit("XX".into())),
                (4, Some(1), &StatisticProblem::DuplicateUnit("LB".into())),
            ]
        );
        let no_unit = table(&["地区生产总值"], vec![]);
        assert_eq!(
            read_statistics(&no_unit, &catalogue(), &|_| true).unwrap_err()[0].problem,
            StatisticProblem::NoUnitColumn
        );
    }
}
