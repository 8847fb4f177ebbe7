//! Reading unit statistics from a sheet: one row per unit (by its code), one column per
//! statistic (headed by its code, or its name with or without the unit). Every problem
//! is collected with its place, and nothing is taken unless the whole sheet is right.

use serde::Serialize;

use crate::table::{Position, Table};
use crate::unit_sheet::{SheetProblem, read_unit_sheet};
pub use crate::unit_sheet::{UNIT_CODE_COLUMN, UNIT_NAME_COLUMN};

use super::catalogue::Catalogue;

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
    /// A second column of a statistic already read from another column.
    DuplicateColumn(String),
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

/// Reads a statistics sheet. `unit_exists` tells whether a unit code is known.
pub fn read_statistics(
    table: &Table,
    catalogue: &Catalogue,
    unit_exists: &dyn Fn(&str) -> bool,
) -> Result<Vec<StatisticEntry>, Vec<StatisticIssue>> {
    let headings: Vec<Vec<String>> = catalogue
        .statistics
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                s.code.clone(),
                s.zh.clone(),
                s.en.clone(),
                statistic_header(catalogue, i),
                format!("{}（{}）", s.en, s.unit.symbol(true)),
            ]
        })
        .collect();
    let read = read_unit_sheet(table, &headings, &|code| (!unit_exists(code)).then_some(()));
    let mut issues: Vec<StatisticIssue> = read
        .issues
        .into_iter()
        .map(|i| StatisticIssue {
            position: i.position,
            problem: match i.problem {
                SheetProblem::NoUnitColumn => StatisticProblem::NoUnitColumn,
                SheetProblem::UnknownColumn(h) => StatisticProblem::UnknownColumn(h),
                SheetProblem::DuplicateColumn(h) => StatisticProblem::DuplicateColumn(h),
                SheetProblem::Unit { unit, .. } => StatisticProblem::UnknownUnit(unit),
                SheetProblem::DuplicateUnit { unit, .. } => StatisticProblem::DuplicateUnit(unit),
                SheetProblem::NotANumber(t) => StatisticProblem::NotANumber(t),
            },
        })
        .collect();
    let no_unit_column = issues
        .iter()
        .any(|i| i.problem == StatisticProblem::NoUnitColumn);
    if !no_unit_column && read.item_columns == 0 {
        // Without a statistic the rows say nothing: only the headings are reported.
        issues.retain(|i| i.position.row == table.header_row);
        issues.push(StatisticIssue {
            position: Position {
                sheet: table.sheet.clone(),
                row: table.header_row,
                column: None,
            },
            problem: StatisticProblem::NoStatisticColumns,
        });
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(read
        .values
        .into_iter()
        .map(|v| StatisticEntry {
            unit: v.unit,
            statistic: v.item,
            value: v.value,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, Row};

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
