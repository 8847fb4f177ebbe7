//! JSON rows as the `Table` an import reads, so that a JSON body goes through exactly the
//! parsing, checks and scope rules of an uploaded file.
//!
//! Each row is an object keyed by the import's column keys (`UNIT_COLUMNS`,
//! `ENTERPRISE_COLUMNS`). Row `n` of the table is the array element at index `n - 1`, so
//! an issue's `row` points into the request's array. Every column is present in the
//! table, so that a missing required key is reported on its row ("a value is required")
//! rather than as a missing column of a file.

use std::sync::Arc;

use innozone_app::AppError;
use innozone_app::issues::Issues;
use innozone_app::registry::ImportReport;
use innozone_domain::registry::import::{ColumnSpec, ImportIssue};
use innozone_domain::table::{Cell, Row, Table};
use innozone_exchange::ReadLimits;
use serde_json::{Map, Value};

use crate::error::{Problem, WebError};

/// One object of a JSON import: column key to value.
pub type JsonRow = Map<String, Value>;

/// The row number of the array element at `index`.
pub fn row_number(index: usize) -> usize {
    index + 1
}

fn cell(value: Option<&Value>, row: usize, key: &str) -> Result<Cell, WebError> {
    let bad = || {
        WebError::BadRequest(Problem::Key(
            "api.bad_value",
            vec![("row", row.to_string()), ("field", key.to_string())],
        ))
    };
    Ok(match value {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::String(s)) => Cell::Text(s.clone()),
        Some(Value::Number(n)) => Cell::Number(n.as_f64().ok_or_else(bad)?),
        Some(Value::Bool(b)) => Cell::Bool(*b),
        // A list (the leading industries) is written as a file would have it.
        Some(Value::Array(items)) => {
            let texts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            Cell::Text(texts.ok_or_else(bad)?.join("、"))
        }
        Some(Value::Object(_)) => return Err(bad()),
    })
}

/// Builds the table of a JSON import. A key that is not a column is refused with its row:
/// a misspelt key silently ignored would import an empty value. More rows than a file may
/// have (`limits`: its rows, and its cells over the import's columns) are refused before
/// the table is made.
pub fn rows_table(
    rows: &[JsonRow],
    columns: &[ColumnSpec],
    limits: &ReadLimits,
) -> Result<Table, WebError> {
    let most = limits.rows.min(limits.cells / columns.len().max(1));
    if rows.len() > most {
        return Err(WebError::TooLarge(Problem::Key(
            "api.too_many_rows",
            vec![("limit", innozone_i18n::thousands(most as u64))],
        )));
    }
    let mut table_rows = Vec::with_capacity(rows.len());
    for (index, object) in rows.iter().enumerate() {
        let number = row_number(index);
        if let Some(unknown) = object
            .keys()
            .find(|k| !columns.iter().any(|c| c.key == k.as_str()))
        {
            let known = columns.iter().map(|c| c.key).collect::<Vec<_>>().join(", ");
            return Err(WebError::BadRequest(Problem::Key(
                "api.unknown_field",
                vec![
                    ("row", number.to_string()),
                    ("field", unknown.clone()),
                    ("known", known),
                ],
            )));
        }
        let cells = columns
            .iter()
            .map(|c| cell(object.get(c.key), number, c.key))
            .collect::<Result<Vec<_>, _>>()?;
        table_rows.push(Row { number, cells });
    }
    Ok(Table {
        sheet: None,
        // No header row in JSON: a problem with the whole body is on "row 1", the first
        // element, the nearest place a client can look.
        header_row: 0,
        headers: columns.iter().map(|c| c.key.to_string()).collect(),
        rows: table_rows,
    })
}

/// A JSON body has no columns: an issue is located by its row and `field` only.
fn without_columns(issues: Issues<ImportIssue>) -> Issues<ImportIssue> {
    issues.map(|mut i| {
        i.position.column = None;
        i
    })
}

/// The outcome of a JSON import, its issues located by row and field.
pub fn json_import(result: Result<ImportReport, AppError>) -> Result<ImportReport, WebError> {
    match result {
        Ok(report) => Ok(report),
        Err(AppError::Import(issues)) => Err(WebError::Import(Arc::new(without_columns(issues)))),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use innozone_domain::registry::import::UNIT_COLUMNS;
    use serde_json::json;

    use super::*;

    fn rows(v: Value) -> Vec<JsonRow> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn builds_one_row_per_element_with_every_column() {
        let t = rows_table(&rows(json!([{"code": "P1", "name_zh": "一园", "kind": "park", "area_km2": 2.5}, {"code": "P2", "leading_industries": ["软件", "生物"]}])), &UNIT_COLUMNS, &ReadLimits::DEFAULT).unwrap();
        assert_eq!(t.headers.len(), UNIT_COLUMNS.len());
        assert_eq!(
            t.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(t.rows[0].cells[0], Cell::Text("P1".into()));
        let area = UNIT_COLUMNS
            .iter()
            .position(|c| c.key == "area_km2")
            .unwrap();
        assert_eq!(t.rows[0].cells[area], Cell::Number(2.5));
        let leading = UNIT_COLUMNS
            .iter()
            .position(|c| c.key == "leading_industries")
            .unwrap();
        assert_eq!(t.rows[1].cells[leading], Cell::Text("软件、生物".into()));
        assert_eq!(t.rows[1].cells[1], Cell::Empty);
    }

    #[test]
    fn refuses_unknown_keys_and_nested_objects() {
        assert!(matches!(
            rows_table(
                &rows(json!([{"code": "P1", "parent": "Z"}])),
                &UNIT_COLUMNS,
                &ReadLimits::DEFAULT
            ),
            Err(WebError::BadRequest(_))
        ));
        assert!(matches!(
            rows_table(
                &rows(json!([{"code": {"a": 1}}])),
                &UNIT_COLUMNS,
                &ReadLimits::DEFAULT
            ),
            Err(WebError::BadRequest(_))
        ));
    }
}
