//! The workbook of the values entered for a scheme: one row per park (by its code), one
//! column per item of the scheme (headed by its name and code), the values so far filled
//! in; and reading it back with every problem at its sheet, row and column: a column
//! that names no item, an unknown park or one the user does not enter for, a park twice,
//! a cell that is not a number, a value that does not fit its item (occurrences are whole
//! numbers, a veto is 1 or 0).

use std::collections::HashMap;

use innozone_app::evaluation::InputSheet;
use innozone_domain::evaluation::inputs::{InputIssue, InputItem, InputProblem};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::monitoring::{UNIT_CODE_COLUMN, UNIT_NAME_COLUMN};
use innozone_domain::reporting::Period;
use innozone_domain::table::{Cell, Position, Table};
use innozone_exchange::{SheetData, Value};
use innozone_i18n::{Lang, Localize};

/// An item's name in the user's language.
pub fn item_name(scheme: &Scheme, item: InputItem, english: bool) -> String {
    let pick = |zh: &str, en: &str| if english { en } else { zh }.to_string();
    match item {
        InputItem::Indicator(i) => scheme.nodes[i].name(english).to_string(),
        InputItem::Adjustment(a) => pick(&scheme.adjustments[a].zh, &scheme.adjustments[a].en),
        InputItem::Veto(v) => pick(&scheme.vetoes[v].zh, &scheme.vetoes[v].en),
    }
}

/// The header of an item's column in the workbook: `名称（code）`.
pub fn item_header(scheme: &Scheme, item: InputItem, code: &str) -> String {
    format!("{}（{code}）", item_name(scheme, item, false))
}

/// The workbook's sheet name for a year.
pub fn sheet_name(period: Period) -> String {
    format!("考核录入 {period}")
}

/// The workbook to fill in: a row per park the user enters for, the values so far.
pub fn template(sheet: &InputSheet) -> SheetData {
    let mut headers = vec![
        UNIT_CODE_COLUMN.1.to_string(),
        UNIT_NAME_COLUMN.1.to_string(),
    ];
    headers.extend(
        sheet
            .items
            .iter()
            .map(|(item, code)| item_header(&sheet.scheme, *item, code)),
    );
    let rows = sheet
        .units
        .iter()
        .zip(&sheet.values)
        .map(|(unit, values)| {
            let mut cells = vec![
                Value::Text(unit.code.clone()),
                Value::Text(unit.name_zh.clone()),
            ];
            cells.extend(values.iter().map(|v| v.map_or(Value::Empty, Value::Number)));
            cells
        })
        .collect();
    SheetData {
        name: sheet_name(sheet.period),
        headers,
        rows,
    }
}

/// A value read, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    pub unit: String,
    pub item: String,
    pub value: f64,
    pub position: Position,
}

/// A problem of the file, located, its message in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub struct FileIssue {
    pub position: Position,
    pub message: String,
}

/// Headings compared without spaces, with Chinese and Western brackets alike.
fn normalise(header: &str) -> String {
    header
        .trim()
        .replace('(', "（")
        .replace(')', "）")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Reads a filled-in workbook for `scheme` and `period`. `unit_known` says whether a
/// park code exists, `may_enter` whether the user enters values for it. Blank cells are
/// left alone (they neither set nor clear a value).
pub fn read_inputs(
    table: &Table,
    scheme: &Scheme,
    period: Period,
    unit_known: &dyn Fn(&str) -> bool,
    may_enter: &dyn Fn(&str) -> bool,
    lang: Lang,
) -> Result<Vec<FileEntry>, Vec<FileIssue>> {
    let at = |row: usize, column: Option<usize>| Position {
        sheet: table.sheet.clone(),
        row,
        column,
    };
    let key = |k: &str| format!("evaluation.setup.file.{k}");
    let mut issues = Vec::new();
    let items = scheme.input_items();
    let mut by_header: HashMap<String, usize> = HashMap::new();
    for (i, (item, code)) in items.iter().enumerate() {
        for name in [
            code.to_string(),
            item_name(scheme, *item, false),
            item_name(scheme, *item, true),
            item_header(scheme, *item, code),
            format!("{}（{code}）", item_name(scheme, *item, true)),
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
        } else if let Some(&i) = by_header.get(&h) {
            if columns.iter().any(|&(_, seen)| seen == i) {
                issues.push(FileIssue {
                    position: at(table.header_row, Some(c + 1)),
                    message: lang.t_with(
                        &key("duplicate_column"),
                        &[("header", header.trim().to_string())],
                    ),
                });
            } else {
                columns.push((c, i));
            }
        } else {
            issues.push(FileIssue {
                position: at(table.header_row, Some(c + 1)),
                message: lang.t_with(
                    &key("unknown_column"),
                    &[
                        ("header", header.trim().to_string()),
                        ("scheme", scheme.code.clone()),
                    ],
                ),
            });
        }
    }
    let Some(unit_column) = unit_column else {
        issues.push(FileIssue {
            position: at(table.header_row, None),
            message: lang.t(&key("no_unit_column")),
        });
        return Err(issues);
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut entries = Vec::new();
    for row in &table.rows {
        let cell = |c: usize| row.cells.get(c).cloned().unwrap_or(Cell::Empty);
        let unit = cell(unit_column).as_text();
        if unit.is_empty() {
            continue;
        }
        let unit_at = at(row.number, Some(unit_column + 1));
        let issue = |item: &str, problem| {
            InputIssue {
                unit: unit.clone(),
                period,
                item: item.to_string(),
                problem,
            }
            .localize(lang)
        };
        if !unit_known(&unit) {
            issues.push(FileIssue {
                position: unit_at,
                message: issue("", InputProblem::UnknownUnit(unit.clone())),
            });
            continue;
        }
        if !may_enter(&unit) {
            issues.push(FileIssue {
                position: unit_at,
                message: issue("", InputProblem::OutsideScope(unit.clone())),
            });
            continue;
        }
        if let Some(first) = seen.insert(unit.clone(), row.number) {
            issues.push(FileIssue {
                position: unit_at,
                message: lang.t_with(
                    &key("duplicate_unit"),
                    &[("unit", unit.clone()), ("first", first.to_string())],
                ),
            });
            continue;
        }
        for &(c, i) in &columns {
            let code = items[i].1;
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
                            issues.push(FileIssue {
                                position,
                                message: lang
                                    .t_with(&key("not_a_number"), &[("text", other.as_text())]),
                            });
                            continue;
                        }
                    }
                }
            };
            match scheme.check_input(code, Some(value)) {
                Ok(_) => entries.push(FileEntry {
                    unit: unit.clone(),
                    item: code.to_string(),
                    value,
                    position,
                }),
                Err(problem) => issues.push(FileIssue {
                    position,
                    message: issue(code, problem),
                }),
            }
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
    use innozone_domain::table::Row;

    use super::*;

    const SCHEME: &str = r#"
code = "parks"
version = 1
name_zh = "园区考核"
name_en = "Parks"

[[dimensions]]
code = "all"
zh = "全部"
en = "All"
weight = 1

[[indicators]]
code = "review"
parent = "all"
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

    fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: Some("考核录入 2018".into()),
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

    fn read(t: &Table) -> Result<Vec<FileEntry>, Vec<FileIssue>> {
        let scheme = Scheme::parse(SCHEME, &|_| false, &|_| false).unwrap();
        read_inputs(
            t,
            &scheme,
            Period::Year(2018),
            &|u| u.starts_with('P'),
            &|u| u != "P9",
            Lang::En,
        )
    }

    #[test]
    fn values_are_read_by_header_name_or_code() {
        let t = table(
            &[
                "单位代码",
                "单位名称",
                "评审得分（review）",
                "platform",
                "Major accident",
            ],
            vec![
                vec![
                    Cell::Text("P1".into()),
                    Cell::Text("一园".into()),
                    Cell::Number(88.5),
                    Cell::Text("2".into()),
                    Cell::Number(0.0),
                ],
                vec![
                    Cell::Text("P2".into()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ],
            ],
        );
        let entries = read(&t).unwrap();
        let got: Vec<(&str, &str, f64)> = entries
            .iter()
            .map(|e| (e.unit.as_str(), e.item.as_str(), e.value))
            .collect();
        assert_eq!(
            got,
            [
                ("P1", "review", 88.5),
                ("P1", "platform", 2.0),
                ("P1", "accident", 0.0)
            ]
        );
        assert_eq!(entries[1].position.column, Some(4));
    }

    #[test]
    fn every_problem_is_located() {
        let t = table(
            &["单位代码", "review", "platform", "accident", "extra"],
            vec![
                vec![
                    Cell::Text("P1".into()),
                    Cell::Text("x".into()),
                    Cell::Number(1.5),
                    Cell::Number(2.0),
                ],
                vec![Cell::Text("Q1".into())],
                vec![Cell::Text("P9".into())],
                vec![Cell::Text("P1".into())],
            ],
        );
        let issues = read(&t).unwrap_err();
        let places: Vec<(usize, Option<usize>)> = issues
            .iter()
            .map(|i| (i.position.row, i.position.column))
            .collect();
        assert_eq!(
            places,
            [
                (1, Some(5)),
                (2, Some(2)),
                (2, Some(3)),
                (2, Some(4)),
                (3, Some(1)),
                (4, Some(1)),
                (5, Some(1)),
            ],
            "{issues:?}"
        );
        assert!(issues[2].message.contains("1.5"), "{}", issues[2].message);
    }

    #[test]
    fn without_a_unit_column_nothing_is_read() {
        let t = table(&["review"], vec![vec![Cell::Number(1.0)]]);
        let issues = read(&t).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].position.column, None);
    }
}
