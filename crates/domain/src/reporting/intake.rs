//! Reading filings from a table (an uploaded workbook or CSV, one enterprise per row) and
//! the problems found on the way in, each with where it is. The layout is the one the
//! templates and the export upward write: credit code, name, period, one column per field
//! headed `label（unit）`, and an explanation column.

use thiserror::Error;

use crate::registry::{CreditCode, CreditCodeError};
use crate::table::{Cell, Position, Table};

use super::form::{FieldDefinition, Form, Severity};
use super::lifecycle::LifecycleError;
use super::period::Period;
use super::values::{EntryProblem, FilingValues, check_value, parse_entry};

/// The columns that are not fields: key, Chinese and English headers.
pub const CREDIT_CODE_COLUMN: (&str, &str, &str) = (
    "credit_code",
    "统一社会信用代码",
    "Unified social credit code",
);
pub const NAME_COLUMN: (&str, &str, &str) = ("name", "企业名称", "Enterprise name");
pub const PERIOD_COLUMN: (&str, &str, &str) = ("period", "报告期", "Period");
pub const EXPLANATION_COLUMN: (&str, &str, &str) = ("explanation", "说明", "Explanation");

/// The most rows one upload may hold: a zone's whole roster fits many times over.
pub const MAX_ROWS: usize = 300_000;

/// One enterprise's row, read.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeRow {
    /// The row number in the file.
    pub row: usize,
    pub credit_code: CreditCode,
    pub values: FilingValues,
    /// The written explanation, which applies to every warning of the row.
    pub explanation: Option<String>,
}

/// What is wrong at one place of an upload.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeIssue {
    pub position: Position,
    /// The field code or column key it is about.
    pub field: Option<String>,
    pub problem: IntakeProblem,
}

impl IntakeIssue {
    /// Whether the issue stops the upload (every issue does, except a warning that was
    /// explained, which is reported for information).
    pub fn blocks(&self) -> bool {
        !matches!(
            self.problem,
            IntakeProblem::Rule {
                severity: Severity::Warning,
                explained: true,
                ..
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum IntakeProblem {
    #[error("the file has no rows of data")]
    Empty,
    #[error("the file has {rows} rows; at most {limit} are accepted at once")]
    TooManyRows { rows: usize, limit: usize },
    #[error("the column of credit codes is missing")]
    MissingCreditCodeColumn,
    #[error("the column {header:?} is not a field of the form")]
    UnknownColumn { header: String },
    #[error("the column {header:?} appears twice")]
    DuplicateColumn { header: String },
    /// A value sent for a code the form has no field for (the API's filings).
    #[error("{code:?} is not a field of the form")]
    UnknownField { code: String },
    #[error("credit code: {error}")]
    CreditCode { error: CreditCodeError },
    #[error("the enterprise already appears in row {first_row}")]
    DuplicateEnterprise { first_row: usize },
    #[error("the period {found:?} is not the period being filed ({expected})")]
    WrongPeriod { found: String, expected: Period },
    #[error("{problem}")]
    Entry { problem: EntryProblem },
    #[error("no enterprise in the registry has this credit code")]
    UnknownEnterprise,
    #[error("the enterprise is not within your part of the zone")]
    OutsideScope,
    #[error("the enterprise is not located in a park on the period's date")]
    NotLocated,
    #[error("required field is blank")]
    Required,
    #[error("rule {code}: {en}")]
    Rule {
        code: String,
        severity: Severity,
        zh: String,
        en: String,
        explained: bool,
    },
    #[error("{error}")]
    Lifecycle { error: LifecycleError },
}

fn header_matches(header: &str, (key, zh, en): (&str, &str, &str)) -> bool {
    let h = header.trim();
    h.eq_ignore_ascii_case(key) || h == zh || h.eq_ignore_ascii_case(en)
}

/// The header a template writes for a field: its Chinese label and its unit.
pub fn field_header(field: &FieldDefinition, unit_zh: &str) -> String {
    format!("{}（{}）", field.zh, unit_zh)
}

/// Which field a header names: its code, its Chinese or English label, or a label
/// followed by a bracketed unit or code (`营业收入（千元）`, `营业收入 (revenue)`).
fn field_of(form: &Form, header: &str) -> Option<usize> {
    let h = header.trim();
    let stem = h
        .rfind(['（', '('])
        .map(|i| h[..i].trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(h);
    let inner = h.rfind(['（', '(']).map(|i| {
        h[i..]
            .trim_start_matches(['（', '('])
            .trim_end_matches(['）', ')'])
            .trim()
    });
    form.fields.iter().position(|f| {
        f.code.eq_ignore_ascii_case(h)
            || f.zh == h
            || f.en.eq_ignore_ascii_case(h)
            || inner.is_some_and(|k| f.code.eq_ignore_ascii_case(k))
            || f.zh == stem
            || f.en.eq_ignore_ascii_case(stem)
    })
}

/// Reads the rows of an upload for `period`. Every problem of the file is listed; rows
/// with problems are left out of the result.
pub fn read_filings(
    form: &Form,
    period: Period,
    table: &Table,
) -> (Vec<IntakeRow>, Vec<IntakeIssue>) {
    let mut issues = Vec::new();
    let at = |row: usize, column: Option<usize>| Position {
        sheet: table.sheet.clone(),
        row,
        column,
    };
    if table.rows.is_empty() {
        issues.push(IntakeIssue {
            position: at(table.header_row, None),
            field: None,
            problem: IntakeProblem::Empty,
        });
        return (Vec::new(), issues);
    }
    if table.rows.len() > MAX_ROWS {
        issues.push(IntakeIssue {
            position: at(table.header_row, None),
            field: None,
            problem: IntakeProblem::TooManyRows {
                rows: table.rows.len(),
                limit: MAX_ROWS,
            },
        });
        return (Vec::new(), issues);
    }
    let (mut credit, mut period_column, mut explanation) = (None, None, None);
    let mut fields: Vec<(usize, usize)> = Vec::new();
    let mut claimed: Vec<(String, usize)> = Vec::new();
    for (c, header) in table.headers.iter().enumerate() {
        if header.trim().is_empty() {
            continue;
        }
        let key = if header_matches(header, CREDIT_CODE_COLUMN) {
            credit = Some(c);
            CREDIT_CODE_COLUMN.0.to_string()
        } else if header_matches(header, NAME_COLUMN) {
            NAME_COLUMN.0.to_string()
        } else if header_matches(header, PERIOD_COLUMN) {
            period_column = Some(c);
            PERIOD_COLUMN.0.to_string()
        } else if header_matches(header, EXPLANATION_COLUMN) {
            explanation = Some(c);
            EXPLANATION_COLUMN.0.to_string()
        } else if let Some(f) = field_of(form, header) {
            fields.push((c, f));
            form.fields[f].code.clone()
        } else {
            issues.push(IntakeIssue {
                position: at(table.header_row, Some(c + 1)),
                field: None,
                problem: IntakeProblem::UnknownColumn {
                    header: header.trim().to_string(),
                },
            });
            continue;
        };
        if claimed.iter().any(|(k, _)| *k == key) {
            issues.push(IntakeIssue {
                position: at(table.header_row, Some(c + 1)),
                field: Some(key.clone()),
                problem: IntakeProblem::DuplicateColumn {
                    header: header.trim().to_string(),
                },
            });
        }
        claimed.push((key, c));
    }
    let Some(credit) = credit else {
        issues.push(IntakeIssue {
            position: at(table.header_row, None),
            field: Some(CREDIT_CODE_COLUMN.0.to_string()),
            problem: IntakeProblem::MissingCreditCodeColumn,
        });
        return (Vec::new(), issues);
    };
    if !issues.is_empty() {
        return (Vec::new(), issues);
    }
    let mut seen: std::collections::HashMap<CreditCode, usize> = std::collections::HashMap::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let cell = |c: usize| row.cells.get(c).unwrap_or(&Cell::Empty);
        let before = issues.len();
        let code = match cell(credit).as_text().parse::<CreditCode>() {
            Ok(code) => {
                if let Some(first_row) = seen.get(&code) {
                    issues.push(IntakeIssue {
                        position: at(row.number, Some(credit + 1)),
                        field: Some(CREDIT_CODE_COLUMN.0.to_string()),
                        problem: IntakeProblem::DuplicateEnterprise {
                            first_row: *first_row,
                        },
                    });
                } else {
                    seen.insert(code.clone(), row.number);
                }
                Some(code)
            }
            Err(error) => {
                issues.push(IntakeIssue {
                    position: at(row.number, Some(credit + 1)),
                    field: Some(CREDIT_CODE_COLUMN.0.to_string()),
                    problem: IntakeProblem::CreditCode { error },
                });
                None
            }
        };
        if let Some(c) = period_column {
            let text = cell(c).as_text();
            if !text.is_empty() && text.parse::<Period>().ok() != Some(period) {
                issues.push(IntakeIssue {
                    position: at(row.number, Some(c + 1)),
                    field: Some(PERIOD_COLUMN.0.to_string()),
                    problem: IntakeProblem::WrongPeriod {
                        found: text,
                        expected: period,
                    },
                });
            }
        }
        let mut values = FilingValues::blank(form);
        for &(c, f) in &fields {
            let field = &form.fields[f];
            let read = match cell(c) {
                Cell::Number(n) => check_value(field, *n).map(Some),
                Cell::Empty => Ok(None),
                other => parse_entry(field, &other.as_text()),
            };
            match read {
                Ok(v) => values.0[f] = v,
                Err(problem) => issues.push(IntakeIssue {
                    position: at(row.number, Some(c + 1)),
                    field: Some(field.code.clone()),
                    problem: IntakeProblem::Entry { problem },
                }),
            }
        }
        if let (Some(code), true) = (code, issues.len() == before) {
            let explanation = explanation
                .map(|c| cell(c).as_text())
                .filter(|t| !t.is_empty());
            rows.push(IntakeRow {
                row: row.number,
                credit_code: code,
                values,
                explanation,
            });
        }
    }
    (rows, issues)
}

/// The column of a field in the layout `read_filings` reads, for locating later findings
/// (1-based, as spreadsheets count).
pub fn field_column(table: &Table, form: &Form, field: usize) -> Option<usize> {
    table
        .headers
        .iter()
        .position(|h| field_of(form, h) == Some(field))
        .map(|c| c + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Row;

    const FORM: &str = r#"
code = "mini"
version = 1
name_zh = "小表"
name_en = "Mini"
period = "annual"

[[fields]]
code = "employees"
zh = "年末从业人员"
en = "Employees"
unit = "persons"
type = "integer"
required = true

[[fields]]
code = "revenue"
zh = "营业收入"
en = "Revenue"
unit = "thousand_yuan"
type = "decimal"
"#;

    // Valid credit codes (the ones the credit code module checks by hand).
    const A: &str = "914403001922038216";
    const B: &str = "9144030071526726XG";

    fn table(headers: &[&str], rows: &[&[Cell]]) -> Table {
        Table {
            sheet: Some("年报".into()),
            header_row: 1,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i + 2,
                    cells: cells.to_vec(),
                })
                .collect(),
        }
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn read(t: &Table) -> (Vec<IntakeRow>, Vec<IntakeIssue>) {
        read_filings(&Form::parse(FORM).unwrap(), Period::Year(2025), t)
    }

    #[test]
    fn reads_the_template_layout_and_what_people_type() {
        assert!(A.parse::<CreditCode>().is_ok() && B.parse::<CreditCode>().is_ok());
        let t = table(
            &[
                "统一社会信用代码",
                "企业名称",
                "报告期",
                "年末从业人员（人）",
                "营业收入 (revenue)",
                "说明",
            ],
            &[
                &[
                    text(A),
                    text("甲公司"),
                    text("2025"),
                    Cell::Number(120.0),
                    text("1,234.5"),
                    text("新投产"),
                ],
                &[
                    text(B),
                    text("乙公司"),
                    Cell::Empty,
                    text("８"),
                    Cell::Empty,
                    Cell::Empty,
                ],
            ],
        );
        let (rows, issues) = read(&t);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].values.0, vec![Some(120.0), Some(1234.5)]);
        assert_eq!(rows[0].explanation.as_deref(), Some("新投产"));
        assert_eq!(rows[1].values.0, vec![Some(8.0), None]);
        assert_eq!(rows[1].row, 3);
    }

    #[test]
    fn every_bad_cell_is_located() {
        let t = table(
            &["统一社会信用代码", "报告期", "employees", "revenue"],
            &[
                &[text(A), text("2025"), text("很多"), Cell::Number(1.0)],
                &[text(B), text("2024"), Cell::Number(-3.0), Cell::Number(1.0)],
                &[text(A), Cell::Empty, Cell::Number(2.5), Cell::Number(1e20)],
                &[
                    text("not a code"),
                    Cell::Empty,
                    Cell::Number(1.0),
                    Cell::Empty,
                ],
            ],
        );
        let (rows, issues) = read(&t);
        assert!(rows.is_empty());
        let found: Vec<(usize, Option<usize>, IntakeProblem)> = issues
            .iter()
            .map(|i| (i.position.row, i.position.column, i.problem.clone()))
            .collect();
        let entry = |problem| IntakeProblem::Entry { problem };
        assert_eq!(
            found[0],
            (2, Some(3), entry(EntryProblem::NotANumber("很多".into())))
        );
        assert_eq!(
            found[1],
            (
                3,
                Some(2),
                IntakeProblem::WrongPeriod {
                    found: "2024".into(),
                    expected: Period::Year(2025)
                }
            )
        );
        assert_eq!(found[2], (3, Some(3), entry(EntryProblem::Negative)));
        assert_eq!(
            found[3],
            (
                4,
                Some(1),
                IntakeProblem::DuplicateEnterprise { first_row: 2 }
            )
        );
        assert_eq!(found[4], (4, Some(3), entry(EntryProblem::NotWhole)));
        assert_eq!(found[5], (4, Some(4), entry(EntryProblem::TooLarge)));
        assert!(matches!(
            found[6],
            (5, Some(1), IntakeProblem::CreditCode { .. })
        ));
        assert_eq!(found.len(), 7);
        assert!(
            issues
                .iter()
                .all(|i| i.position.sheet.as_deref() == Some("年报"))
        );
    }

    #[test]
    fn a_file_of_the_wrong_shape_is_refused_whole() {
        // Another sheet's layout (the notes sheet of a template, say): no credit code
        // column and columns that are not fields.
        let (_, issues) = read(&table(&["列", "说明"], &[&[text("x"), text("y")]]));
        assert_eq!(
            issues[0].problem,
            IntakeProblem::UnknownColumn {
                header: "列".into()
            }
        );
        assert_eq!(issues[0].position.column, Some(1));
        let (_, issues) = read(&table(&["营业收入"], &[&[Cell::Number(1.0)]]));
        assert_eq!(issues[0].problem, IntakeProblem::MissingCreditCodeColumn);
        let (_, issues) = read(&table(
            &["统一社会信用代码", "营业收入", "revenue"],
            &[&[text(A)]],
        ));
        assert_eq!(
            issues[0].problem,
            IntakeProblem::DuplicateColumn {
                header: "revenue".into()
            }
        );
        let (_, issues) = read(&table(&["统一社会信用代码"], &[]));
        assert_eq!(issues[0].problem, IntakeProblem::Empty);
        let huge: Vec<Vec<Cell>> = vec![vec![text(A)]; MAX_ROWS + 1];
        let refs: Vec<&[Cell]> = huge.iter().map(Vec::as_slice).collect();
        let (rows, issues) = read(&table(&["统一社会信用代码"], &refs));
        assert!(rows.is_empty());
        assert_eq!(issues.len(), 1, "one message, not one per row");
        assert_eq!(
            issues[0].problem,
            IntakeProblem::TooManyRows {
                rows: MAX_ROWS + 1,
                limit: MAX_ROWS
            }
        );
    }
}
