//! Sheets of one row per unit (by its code) and one column per item: unit statistics
//! for monitoring, the values entered for an evaluation scheme. One reader finds each
//! item's column by its heading and reads the numbers, with every problem at its place;
//! what an item or a unit must satisfy beyond that is the caller's to check.

use std::collections::HashMap;

use serde::Serialize;

use crate::table::{Cell, Position, Table};

/// The header of the column of unit codes.
pub const UNIT_CODE_COLUMN: (&str, &str) = ("unit_code", "单位代码");
/// The header of the column of unit names, read by people and ignored here.
pub const UNIT_NAME_COLUMN: (&str, &str) = ("unit_name", "单位名称");

/// A heading as compared: without spaces, with Chinese and Western brackets alike, in
/// lower case.
pub fn normalise_heading(heading: &str) -> String {
    heading
        .trim()
        .replace('(', "（")
        .replace(')', "）")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// One number read: the unit's code, the item's position, where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitValue {
    pub unit: String,
    pub item: usize,
    pub value: f64,
    pub position: Position,
}

/// What is wrong at a place of the sheet. `U` is why the caller refuses a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SheetProblem<U> {
    /// No column is headed 单位代码 (unit_code).
    NoUnitColumn,
    /// A heading that is neither a unit column nor an item.
    UnknownColumn(String),
    /// A second column of an item already read from another column.
    DuplicateColumn(String),
    /// A unit the caller refuses (unknown, outside the user's scope…).
    Unit { unit: String, reason: U },
    /// The unit was on an earlier row already.
    DuplicateUnit { unit: String, first_row: usize },
    /// The cell is not a number.
    NotANumber(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetIssue<U> {
    pub position: Position,
    pub problem: SheetProblem<U>,
}

/// What a sheet held.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSheet<U> {
    /// The numbers of the units the caller accepts, row by row. Blank cells are left
    /// out: they neither set nor clear a value.
    pub values: Vec<UnitValue>,
    /// Every problem, in the sheet's order (headings, then row by row).
    pub issues: Vec<SheetIssue<U>>,
    /// How many item columns were found.
    pub item_columns: usize,
}

/// Reads `table`. `headings[item]` are the headings a column of that item may have
/// (compared after `normalise_heading`); `refuse_unit` gives the reason a unit code is
/// not taken, if it is not. Without a unit column nothing past the headings is read.
pub fn read_unit_sheet<U>(
    table: &Table,
    headings: &[Vec<String>],
    refuse_unit: &dyn Fn(&str) -> Option<U>,
) -> UnitSheet<U> {
    let at = |row: usize, column: Option<usize>| Position {
        sheet: table.sheet.clone(),
        row,
        column,
    };
    let mut issues = Vec::new();
    let mut by_heading: HashMap<String, usize> = HashMap::new();
    for (item, names) in headings.iter().enumerate() {
        for name in names {
            by_heading.insert(normalise_heading(name), item);
        }
    }
    let mut unit_column = None;
    let mut columns: Vec<(usize, usize)> = Vec::new();
    for (c, header) in table.headers.iter().enumerate() {
        let h = normalise_heading(header);
        if h.is_empty() || h == UNIT_NAME_COLUMN.1 || h == UNIT_NAME_COLUMN.0 {
            continue;
        }
        let problem = if h == UNIT_CODE_COLUMN.1 || h == UNIT_CODE_COLUMN.0 {
            unit_column = Some(c);
            continue;
        } else if let Some(&item) = by_heading.get(&h) {
            if !columns.iter().any(|&(_, seen)| seen == item) {
                columns.push((c, item));
                continue;
            }
            SheetProblem::DuplicateColumn(header.trim().to_string())
        } else {
            SheetProblem::UnknownColumn(header.trim().to_string())
        };
        issues.push(SheetIssue {
            position: at(table.header_row, Some(c + 1)),
            problem,
        });
    }
    let item_columns = columns.len();
    let Some(unit_column) = unit_column else {
        issues.push(SheetIssue {
            position: at(table.header_row, None),
            problem: SheetProblem::NoUnitColumn,
        });
        return UnitSheet {
            values: Vec::new(),
            issues,
            item_columns,
        };
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut values = Vec::new();
    for row in &table.rows {
        let cell = |c: usize| row.cells.get(c).cloned().unwrap_or(Cell::Empty);
        let unit = cell(unit_column).as_text();
        if unit.is_empty() {
            continue;
        }
        let unit_at = at(row.number, Some(unit_column + 1));
        if let Some(reason) = refuse_unit(&unit) {
            issues.push(SheetIssue {
                position: unit_at,
                problem: SheetProblem::Unit { unit, reason },
            });
            continue;
        }
        if let Some(first_row) = seen.insert(unit.clone(), row.number) {
            issues.push(SheetIssue {
                position: unit_at,
                problem: SheetProblem::DuplicateUnit { unit, first_row },
            });
            continue;
        }
        for &(c, item) in &columns {
            let position = at(row.number, Some(c + 1));
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
                            issues.push(SheetIssue {
                                position,
                                problem: SheetProblem::NotANumber(other.as_text()),
                            });
                            continue;
                        }
                    }
                }
            };
            values.push(UnitValue {
                unit: unit.clone(),
                item,
                value,
                position,
            });
        }
    }
    UnitSheet {
        values,
        issues,
        item_columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Row;

    fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: Some("表".into()),
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

    fn headings() -> Vec<Vec<String>> {
        vec![
            vec!["gdp".into(), "地区生产总值（亿元）".into()],
            vec!["population".into(), "Population (10k)".into()],
        ]
    }

    #[test]
    fn columns_are_found_by_any_heading_and_numbers_read_as_written() {
        let t = table(
            &["单位代码", "单位名称", "地区生产总值 (亿元)", "POPULATION"],
            vec![
                vec![
                    Cell::Text("Z1".into()),
                    Cell::Text("一区".into()),
                    Cell::Text("1,234.5".into()),
                    Cell::Number(12.0),
                ],
                vec![Cell::Text("Z2".into()), Cell::Empty, Cell::Empty],
            ],
        );
        let read = read_unit_sheet::<()>(&t, &headings(), &|_| None);
        assert!(read.issues.is_empty(), "{:?}", read.issues);
        assert_eq!(read.item_columns, 2);
        let got: Vec<(&str, usize, f64, Option<usize>)> = read
            .values
            .iter()
            .map(|v| (v.unit.as_str(), v.item, v.value, v.position.column))
            .collect();
        assert_eq!(got, [("Z1", 0, 1234.5, Some(3)), ("Z1", 1, 12.0, Some(4))]);
    }

    #[test]
    fn every_problem_is_at_its_place_in_sheet_order() {
        let t = table(
            &["unit_code", "gdp", "extra", "population", "GDP"],
            vec![
                vec![Cell::Text("Z1".into()), Cell::Text("many".into())],
                vec![Cell::Text("X9".into()), Cell::Number(1.0)],
                vec![Cell::Text("Z1".into()), Cell::Number(2.0)],
            ],
        );
        let refuse = |code: &str| code.starts_with('X').then_some("unknown");
        let read = read_unit_sheet(&t, &headings(), &refuse);
        let problems: Vec<(usize, Option<usize>, SheetProblem<&str>)> = read
            .issues
            .into_iter()
            .map(|i| (i.position.row, i.position.column, i.problem))
            .collect();
        assert_eq!(
            problems,
            [
                (1, Some(3), SheetProblem::UnknownColumn("extra".into())),
                (1, Some(5), SheetProblem::DuplicateColumn("GDP".into())),
                (2, Some(2), SheetProblem::NotANumber("many".into())),
                (
                    3,
                    Some(1),
                    SheetProblem::Unit {
                        unit: "X9".into(),
                        reason: "unknown"
                    }
                ),
                (
                    4,
                    Some(1),
                    SheetProblem::DuplicateUnit {
                        unit: "Z1".into(),
                        first_row: 2
                    }
                ),
            ]
        );
        assert!(read.values.is_empty());
    }

    #[test]
    fn without_a_unit_column_no_row_is_read() {
        let t = table(&["gdp"], vec![vec![Cell::Number(1.0)]]);
        let read = read_unit_sheet::<()>(&t, &headings(), &|_| None);
        assert_eq!(read.issues.len(), 1);
        assert_eq!(read.issues[0].problem, SheetProblem::NoUnitColumn);
        assert_eq!(read.issues[0].position.column, None);
        assert!(read.values.is_empty());
    }
}
