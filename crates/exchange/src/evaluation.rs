//! A scheme run on a data file the evaluator brings (units × indicator values, with the
//! units' groups and the denominators the scheme names, CSV or xlsx), and its result as
//! sheets: what `innozone evaluate` writes and what the web's evaluation page offers for
//! download, the same columns in both. Scores are kept in full precision; only a
//! spreadsheet's number format rounds what it shows.
//!
//! The words of the sheets (column headers, yes/no, sheet names) come from the caller
//! through `label`, called with keys such as `col.unit`, `col.total`, `yes`,
//! `sheet_scores` (the keys of `cli.evaluate.*` in the catalogue of translations).

use innozone_domain::evaluation::data::{BroughtData, DataIssue, EvaluationData, read_for_scheme};
use innozone_domain::evaluation::run::{RunOptions, RunResult};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::table::Table;

use crate::write::{SheetData, Value};

/// Reads the table of a data file for `scheme` (`data::read_for_scheme`): a column naming
/// the units, optionally one giving their groups, one per indicator of the scheme
/// (monitoring-sourced or entered alike: the file brings every value) and one per
/// denominator, every problem located.
pub fn read_scheme_data(table: &Table, scheme: &Scheme) -> Result<BroughtData, Vec<DataIssue>> {
    read_for_scheme(table, scheme)
}

/// The options of a run on a data file alone: the file's groups, and no previous period,
/// so every previous value is unknown and an indicator imputed by its last value keeps its
/// missing values missing; there are no occurrences of bonus or penalty items, no vetoes.
pub fn standalone_options(brought: &BroughtData) -> RunOptions {
    let data = &brought.data;
    let previous = EvaluationData {
        units: data.units.clone(),
        indicators: data.indicators.clone(),
        values: vec![vec![None; data.indicators.len()]; data.units.len()],
    };
    RunOptions {
        previous: Some(previous),
        groups: brought.groups.clone(),
        ..RunOptions::default()
    }
}

/// A score, weight or share as written: every digit, so that a file read back (or
/// compared with another tool's) loses nothing; a spreadsheet shows it to four decimals.
pub fn score_value(x: Option<f64>) -> Value {
    match x {
        Some(x) => Value::Computed(x),
        None => Value::Empty,
    }
}

/// A node's or indicator's column header: its name and its code.
pub fn node_header(name: &str, code: &str, english: bool) -> String {
    if english {
        format!("{name} ({code})")
    } else {
        format!("{name}（{code}）")
    }
}

/// One row per unit: every node's score in the scheme's order, the aggregate, bonus,
/// penalty, total, rank and grade. With `period`, a column says which period it is.
pub fn scores_sheet(
    scheme: &Scheme,
    result: &RunResult,
    period: Option<&str>,
    english: bool,
    label: &dyn Fn(&str) -> String,
) -> SheetData {
    let col = |key: &str| label(&format!("col.{key}"));
    let mut headers = vec![col("unit")];
    if period.is_some() {
        headers.push(col("period"));
    }
    headers.push(col("availability"));
    headers.push(col("included"));
    headers.extend(
        scheme
            .nodes
            .iter()
            .map(|n| node_header(n.name(english), &n.code, english)),
    );
    for key in ["aggregate", "bonus", "penalty", "total", "rank", "grade"] {
        headers.push(col(key));
    }
    let rows = (0..result.units.len())
        .map(|u| {
            let mut row = vec![Value::Text(result.units[u].clone())];
            if let Some(p) = period {
                row.push(Value::Text(p.to_string()));
            }
            row.push(score_value(Some(result.availability[u])));
            row.push(Value::Text(label(if result.included[u] {
                "yes"
            } else {
                "no"
            })));
            row.extend(result.scores.iter().map(|s| score_value(s[u])));
            let adjusted = result.adjusted[u];
            row.push(score_value(result.aggregate[u]));
            row.push(score_value(adjusted.map(|a| a.bonus)));
            row.push(score_value(adjusted.map(|a| a.penalty)));
            row.push(score_value(result.total[u]));
            row.push(
                result.ranks[u]
                    .map(|r| Value::Integer(i64::from(r)))
                    .unwrap_or(Value::Empty),
            );
            row.push(
                result.grades[u]
                    .map(|g| Value::Text(scheme.grades.bands[g].name(english).to_string()))
                    .unwrap_or(Value::Empty),
            );
            row
        })
        .collect();
    SheetData {
        name: label("sheet_scores"),
        headers,
        rows,
    }
}

/// One row per unit and indicator: the indicator's score and effective weight, and what
/// the unit gained or lost on it against the best unit and against the median.
pub fn explanations_sheet(
    scheme: &Scheme,
    result: &RunResult,
    english: bool,
    label: &dyn Fn(&str) -> String,
) -> SheetData {
    let weights = scheme.effective_weights();
    let headers = [
        "unit",
        "indicator",
        "indicator_name",
        "weight",
        "score",
        "against_best",
        "against_median",
    ]
    .iter()
    .map(|k| label(&format!("col.{k}")))
    .collect();
    let mut rows = Vec::new();
    for (u, contributions) in result.explanations.iter().enumerate() {
        for c in contributions {
            let node = &scheme.nodes[c.node];
            rows.push(vec![
                Value::Text(result.units[u].clone()),
                Value::Text(node.code.clone()),
                Value::Text(node.name(english).to_string()),
                score_value(Some(weights[c.node])),
                score_value(c.score),
                score_value(c.against_best),
                score_value(c.against_median),
            ]);
        }
    }
    SheetData {
        name: label("sheet_explanations"),
        headers,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use innozone_domain::evaluation::run::run;
    use innozone_domain::table::{Cell, Row};

    use super::*;

    const SCHEME: &str = r#"
code = "two"
version = 1
name_zh = "两项"
name_en = "Two"

[[dimensions]]
code = "all"
zh = "全部"
en = "All"
weight = 1

[[indicators]]
code = "a"
parent = "all"
zh = "甲"
en = "A"
weight = 3
entered = true
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "b"
parent = "all"
zh = "乙"
en = "B"
weight = 1
entered = true
direction = "lower"
method = { method = "min_max" }

[[grades]]
code = "pass"
zh = "合格"
en = "Pass"
min = 50

[[grades]]
code = "fail"
zh = "不合格"
en = "Fail"
"#;

    fn table() -> Table {
        let row = |n: usize, unit: &str, a: f64, b: f64| Row {
            number: n,
            cells: vec![Cell::Text(unit.into()), Cell::Number(a), Cell::Number(b)],
        };
        Table {
            sheet: None,
            header_row: 1,
            headers: vec!["单位".into(), "a".into(), "b".into()],
            rows: vec![row(2, "P1", 10.0, 1.0), row(3, "P2", 0.0, 3.0)],
        }
    }

    #[test]
    fn a_data_file_is_scored_and_written_as_sheets() {
        let scheme = Scheme::parse(SCHEME, &|_| true, &|_| true).unwrap();
        let data = read_scheme_data(&table(), &scheme).unwrap();
        let result = run(&scheme, &data.data, &standalone_options(&data)).unwrap();
        let label = |k: &str| k.to_string();
        let sheet = scores_sheet(&scheme, &result, Some("2025"), false, &label);
        assert_eq!(sheet.name, "sheet_scores");
        assert_eq!(sheet.headers[0], "col.unit");
        assert_eq!(sheet.headers[1], "col.period");
        assert_eq!(sheet.headers[4], "全部（all）");
        // P1 is best on both: 100; P2 worst on both: 0.
        let total = sheet.headers.iter().position(|h| h == "col.total").unwrap();
        let rank = sheet.headers.iter().position(|h| h == "col.rank").unwrap();
        assert_eq!(sheet.rows[0][total], Value::Computed(100.0));
        assert_eq!(sheet.rows[0][rank], Value::Integer(1));
        assert_eq!(sheet.rows[1][total], Value::Computed(0.0));
        assert_eq!(sheet.rows[1][rank], Value::Integer(2));
        let explained = explanations_sheet(&scheme, &result, true, &label);
        assert_eq!(explained.rows.len(), 4, "two units × two indicators");
        assert_eq!(explained.rows[0][3], Value::Computed(0.75), "a's weight");
    }

    #[test]
    fn a_missing_column_is_located() {
        let scheme = Scheme::parse(SCHEME, &|_| true, &|_| true).unwrap();
        let mut t = table();
        t.headers[2] = "c".into();
        let issues = read_scheme_data(&t, &scheme).unwrap_err();
        assert!(issues.iter().any(|i| i.position.column == Some(3)));
    }
}
