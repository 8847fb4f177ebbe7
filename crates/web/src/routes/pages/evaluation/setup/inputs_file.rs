//! The workbook of the values entered for a scheme: one row per park (by its code), one
//! column per item of the scheme (headed by its name and code), the values so far filled
//! in; and the problems of reading it back (the domain's `Scheme::read_input_sheet`) in
//! words, each at its sheet, row and column: a column that names no item, an unknown park
//! or one the user does not enter for, a park twice, a cell that is not a number, a value
//! that does not fit its item (occurrences are whole numbers, a veto is 1 or 0).

use innozone_app::evaluation::InputSheet;
use innozone_domain::evaluation::inputs::{
    InputFileEntry, InputFileProblem, InputIssue, InputItem, InputProblem,
};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::monitoring::{UNIT_CODE_COLUMN, UNIT_NAME_COLUMN};
use innozone_domain::reporting::Period;
use innozone_domain::table::{Position, Table};
use innozone_domain::unit_sheet::SheetProblem;
use innozone_exchange::{SheetData, Value};
use innozone_i18n::{Lang, Localize};

/// An item's name in the user's language.
pub fn item_name(scheme: &Scheme, item: InputItem, english: bool) -> String {
    scheme.input_item_name(item, english).to_string()
}

/// The header of an item's column in the workbook: `名称（code）`.
pub fn item_header(scheme: &Scheme, item: InputItem, code: &str) -> String {
    scheme.input_heading(item, code)
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

/// A problem of the file, located, its message in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub struct FileIssue {
    pub position: Position,
    pub message: String,
}

/// Reads a filled-in workbook for `scheme` and `period` (the reading is the domain's,
/// `Scheme::read_input_sheet`; this says its problems in the user's language).
/// `unit_known` says whether a park code exists, `may_enter` whether the user enters
/// values for it.
pub fn read_inputs(
    table: &Table,
    scheme: &Scheme,
    period: Period,
    unit_known: &dyn Fn(&str) -> bool,
    may_enter: &dyn Fn(&str) -> bool,
    lang: Lang,
) -> Result<Vec<InputFileEntry>, Vec<FileIssue>> {
    let refuse = |unit: &str| {
        if !unit_known(unit) {
            Some(InputProblem::UnknownUnit(unit.to_string()))
        } else if !may_enter(unit) {
            Some(InputProblem::OutsideScope(unit.to_string()))
        } else {
            None
        }
    };
    scheme.read_input_sheet(table, &refuse).map_err(|issues| {
        issues
            .into_iter()
            .map(|i| FileIssue {
                message: file_message(i.problem, scheme, period, lang),
                position: i.position,
            })
            .collect()
    })
}

fn file_message(problem: InputFileProblem, scheme: &Scheme, period: Period, lang: Lang) -> String {
    let key = |k: &str| format!("evaluation.setup.file.{k}");
    let input = |unit: String, item: String, problem| {
        InputIssue {
            unit,
            period,
            item,
            problem,
        }
        .localize(lang)
    };
    match problem {
        InputFileProblem::Value {
            unit,
            item,
            problem,
        } => input(unit, item, problem),
        InputFileProblem::Sheet(SheetProblem::Unit { unit, reason }) => {
            input(unit, String::new(), reason)
        }
        InputFileProblem::Sheet(SheetProblem::NoUnitColumn) => lang.t(&key("no_unit_column")),
        InputFileProblem::Sheet(SheetProblem::UnknownColumn(header)) => lang.t_with(
            &key("unknown_column"),
            &[("header", header), ("scheme", scheme.code.clone())],
        ),
        InputFileProblem::Sheet(SheetProblem::DuplicateColumn(header)) => {
            lang.t_with(&key("duplicate_column"), &[("header", header)])
        }
        InputFileProblem::Sheet(SheetProblem::DuplicateUnit { unit, first_row }) => lang.t_with(
            &key("duplicate_unit"),
            &[("unit", unit), ("first", first_row.to_string())],
        ),
        InputFileProblem::Sheet(SheetProblem::NotANumber(text)) => {
            lang.t_with(&key("not_a_number"), &[("text", text)])
        }
    }
}

#[cfg(test)]
mod tests {
    use innozone_domain::table::{Cell, Row};

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

    fn read(t: &Table) -> Result<Vec<InputFileEntry>, Vec<FileIssue>> {
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
