//! A table read from a spreadsheet or CSV file, independent of the file format, so that
//! parsing and checking of records stays in the domain. Row and column numbers are the
//! ones the user sees in the file (1-based).

use std::fmt;

use serde::Serialize;
use time::Date;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(Date),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text the way the user typed it: whole numbers without a decimal point.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// The spreadsheet letter of a 1-based column number: 1 → A, 27 → AA.
pub fn column_letter(mut column: usize) -> String {
    let mut out = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        out.push(b'A' + rem as u8);
        column = (column - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The row number in the file.
    pub number: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// The sheet name for workbooks, `None` for CSV.
    pub sheet: Option<String>,
    pub header_row: usize,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Where in a file something is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    pub sheet: Option<String>,
    pub row: usize,
    pub column: Option<usize>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(sheet) = &self.sheet {
            write!(f, "{sheet}!")?;
        }
        match self.column {
            Some(c) => write!(f, "{}{}", column_letter(c), self.row),
            None => write!(f, "row {}", self.row),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(26), "Z");
        assert_eq!(column_letter(27), "AA");
        assert_eq!(column_letter(52), "AZ");
        assert_eq!(column_letter(703), "AAA");
    }

    #[test]
    fn cells_as_text() {
        assert_eq!(Cell::Number(2710.0).as_text(), "2710");
        assert_eq!(Cell::Number(5.7).as_text(), "5.7");
        assert_eq!(Cell::Text("  兰州 ".into()).as_text(), "兰州");
        assert!(Cell::Text("  ".into()).is_empty());
    }
}
