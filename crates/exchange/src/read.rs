//! Reading xlsx workbooks and CSV files into tables.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, ExcelDateTime, Reader, Xlsx, XlsxError};
use encoding_rs::{Encoding, GB18030};
use innozone_domain::registry::import::parse_date;
use innozone_domain::table::{Cell, Position, Row, Table};
use time::{Date, Month};

use crate::FileFormat;

/// Why a file could not be read. Every variant names the file, so that the message can be
/// shown as it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: the file is empty")]
    EmptyFile { file: String },
    #[error("{file}: {} has no data", sheet.as_deref().map(|s| format!("sheet '{s}'")).unwrap_or_else(|| "the file".into()))]
    NoData { file: String, sheet: Option<String> },
    #[error("{file}: not an xlsx workbook ({reason})")]
    NotXlsx { file: String, reason: String },
    #[error("{file}: the workbook is password protected; remove the password and upload it again")]
    PasswordProtected { file: String },
    #[error("{file}: the workbook is damaged ({reason})")]
    Corrupt { file: String, reason: String },
    #[error(
        "{file}: there is no sheet '{sheet}'; the sheets are {}",
        list_names(available)
    )]
    SheetNotFound {
        file: String,
        sheet: String,
        available: Vec<String>,
    },
    #[error("{file}: {} hold Excel errors: {}", plural_cells(cells.len()), list_error_cells(cells))]
    ErrorCells { file: String, cells: Vec<ErrorCell> },
    #[error(
        "{file}: line {line} is not valid {encoding} text; save the file again as \"CSV UTF-8\" or as xlsx"
    )]
    Undecodable {
        file: String,
        line: usize,
        encoding: &'static str,
    },
    #[error("{file}: line {line} cannot be read as CSV ({reason})")]
    Csv {
        file: String,
        line: usize,
        reason: String,
    },
}

/// A cell holding an Excel error value such as `#DIV/0!` or `#N/A`, usually the result of a
/// broken formula.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCell {
    pub position: Position,
    /// The error as Excel shows it.
    pub error: String,
}

impl fmt::Display for ErrorCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.position, self.error)
    }
}

fn list_names(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural_cells(n: usize) -> String {
    if n == 1 {
        "1 cell".to_string()
    } else {
        format!("{n} cells")
    }
}

/// The first few error cells: enough to find them, without a message of a thousand lines
/// when a whole column of formulas is broken.
fn list_error_cells(cells: &[ErrorCell]) -> String {
    const SHOWN: usize = 10;
    let mut text = cells
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if cells.len() > SHOWN {
        text.push_str(&format!(" and {} more", cells.len() - SHOWN));
    }
    text
}

/// Reads a file into a table. `name` is the file name, used in messages. For xlsx, `sheet`
/// chooses the worksheet (the first one when `None`); CSV files have one table and ignore it.
///
/// The header row is the first row with anything in it; the rows below it follow, without
/// the blank ones, each with its number as the user sees it in the file.
pub fn read_table(
    name: &str,
    bytes: &[u8],
    format: FileFormat,
    sheet: Option<&str>,
) -> Result<Table, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::EmptyFile {
            file: name.to_string(),
        });
    }
    match format {
        FileFormat::Xlsx => {
            // The workbook comes from a user; a parser bug on a malformed file must become a
            // message, not bring down the request that uploaded it.
            catch_unwind(AssertUnwindSafe(|| read_xlsx(name, bytes, sheet))).unwrap_or_else(|_| {
                Err(ReadError::Corrupt {
                    file: name.to_string(),
                    reason: "its contents could not be parsed".into(),
                })
            })
        }
        FileFormat::Csv => read_csv(name, bytes),
    }
}

fn read_xlsx(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table, ReadError> {
    let file = || name.to_string();
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| open_error(name, bytes, e))?;
    let names = workbook.sheet_names();
    let sheet_name = match sheet {
        None => names.first().cloned().ok_or_else(|| ReadError::NoData {
            file: file(),
            sheet: None,
        })?,
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            // Excel treats sheet names case-insensitively, so users do too.
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            })
            .cloned()
            .ok_or_else(|| ReadError::SheetNotFound {
                file: file(),
                sheet: wanted.to_string(),
                available: names.clone(),
            })?,
    };
    let corrupt = |e: XlsxError| ReadError::Corrupt {
        file: file(),
        reason: e.to_string(),
    };
    let mut reader = workbook
        .worksheet_cells_reader(&sheet_name)
        .map_err(corrupt)?;
    // Cells are gathered sparsely, row by row: a dense range sized by the one cell that
    // someone typed in XFD1048576 would take gigabytes.
    let mut rows: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
    let mut errors: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(corrupt)? {
        let (row, column) = cell.get_position();
        match convert(cell.get_value()) {
            Converted::Cell(Cell::Empty) => {}
            Converted::Cell(c) => rows.entry(row).or_default().push((column, c)),
            Converted::Error(e) => errors.push((row, column, e)),
        }
    }
    drop(reader);
    let Some((&header_index, header_cells)) = rows
        .iter()
        .find(|(_, cells)| cells.iter().any(|(_, c)| !c.is_empty()))
    else {
        return Err(ReadError::NoData {
            file: file(),
            sheet: Some(sheet_name),
        });
    };
    let headers: Vec<String> = dense(header_cells, None)
        .iter()
        .map(Cell::as_text)
        .collect();
    let width = headers.len();
    // Errors above the header row or right of the last header are outside the table: no
    // import reads them.
    let mut errors: Vec<ErrorCell> = errors
        .into_iter()
        .filter(|(row, column, _)| *row >= header_index && (*column as usize) < width)
        .map(|(row, column, error)| ErrorCell {
            position: Position {
                sheet: Some(sheet_name.clone()),
                row: row as usize + 1,
                column: Some(column as usize + 1),
            },
            error,
        })
        .collect();
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.position.row, e.position.column));
        return Err(ReadError::ErrorCells {
            file: file(),
            cells: errors,
        });
    }
    let data = rows
        .range(header_index + 1..)
        .map(|(&row, cells)| Row {
            number: row as usize + 1,
            cells: dense(cells, Some(width)),
        })
        .filter(|row| !row.cells.iter().all(Cell::is_empty))
        .collect();
    Ok(Table {
        sheet: Some(sheet_name),
        header_row: header_index as usize + 1,
        headers,
        rows: data,
    })
}

fn open_error(name: &str, bytes: &[u8], error: XlsxError) -> ReadError {
    let file = name.to_string();
    match error {
        XlsxError::Password => ReadError::PasswordProtected { file },
        XlsxError::Zip(_) if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) => ReadError::NotXlsx {
            file,
            reason:
                "it is an Excel 97-2003 (.xls) workbook or another Office file; save it as .xlsx"
                    .into(),
        },
        XlsxError::Zip(e) => ReadError::NotXlsx {
            file,
            reason: e.to_string(),
        },
        other => ReadError::Corrupt {
            file,
            reason: other.to_string(),
        },
    }
}

/// The cells of one row from column A on, padded with empty cells where there is nothing,
/// and cut at `width` columns when given.
fn dense(cells: &[(u32, Cell)], width: Option<usize>) -> Vec<Cell> {
    let last = cells
        .iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(col, _)| *col as usize + 1)
        .max()
        .unwrap_or(0);
    let len = width.map_or(last, |w| last.min(w));
    let mut out = vec![Cell::Empty; len];
    for (column, cell) in cells {
        if let Some(slot) = out.get_mut(*column as usize) {
            *slot = cell.clone();
        }
    }
    out
}

enum Converted {
    Cell(Cell),
    Error(String),
}

fn convert(value: &DataRef<'_>) -> Converted {
    let text = |s: &str| {
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    Converted::Cell(match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => excel_date(dt),
        DataRef::DateTimeIso(s) => {
            let date_part = s.split('T').next().unwrap_or_default();
            parse_date(date_part)
                .map(Cell::Date)
                .unwrap_or_else(|| Cell::Text(s.clone()))
        }
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => return Converted::Error(e.to_string()),
    })
}

/// Excel stores dates as serial day numbers formatted as dates; calamine recognises the
/// format and hands over the number.
fn excel_date(dt: &ExcelDateTime) -> Cell {
    if dt.is_duration() {
        // A duration ([h]:mm) counts days like a date serial; no import expects one, so it
        // stays the number of days it is.
        return Cell::Number(dt.as_f64());
    }
    let (year, month, day, hour, minute, second, _) = dt.to_ymd_hms_milli();
    if dt.as_f64() < 1.0 {
        // A time of day without a date.
        return Cell::Text(format!("{hour:02}:{minute:02}:{second:02}"));
    }
    // Serial 60 is 1900-02-29, a day that exists only in Excel; it stays text so that the
    // import reports it as not a date.
    Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(i32::from(year), m, day).ok())
        .map(Cell::Date)
        .unwrap_or_else(|| Cell::Text(format!("{year:04}-{month:02}-{day:02}")))
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Table, ReadError> {
    let text = decode(name, bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(&text);
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Csv {
            file: name.to_string(),
            line: e.position().map_or(0, |p| lines.line_at(p.byte() as usize)),
            reason: e.to_string(),
        })?;
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(p.byte() as usize));
        let cells: Vec<Cell> = record.iter().map(csv_cell).collect();
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        if header.is_none() {
            header = Some((line, cells.iter().map(Cell::as_text).collect()));
        } else {
            rows.push(Row {
                number: line,
                cells,
            });
        }
    }
    let (header_row, headers) = header.ok_or_else(|| ReadError::NoData {
        file: name.to_string(),
        sheet: None,
    })?;
    Ok(Table {
        sheet: None,
        header_row,
        headers,
        rows,
    })
}

/// Line numbers of CSV records as an editor shows them, blank lines and the extra lines of
/// quoted fields with line breaks included. The csv reader's own line count lags behind:
/// a record's position is where reading it began, just after the previous record's
/// terminator, before any line breaks and blank lines in between.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `start` that is not a line break.
    /// Records come in order, so counting goes on from the last call.
    fn line_at(&mut self, start: usize) -> usize {
        let mut target = start.min(self.text.len());
        while matches!(self.text.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        if target < self.offset {
            // Not reached for records in order; counting again from the start is correct anyway.
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text[self.offset..target]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = target;
        self.line
    }
}

/// CSV has no types: every field is text, which keeps codes and telephone numbers with
/// their leading zeros. The one exception is a number in scientific notation such as
/// `9.14403E+17`, which is what Excel writes for a long code it has already turned into a
/// number: as a number, the import can say that the code has lost its digits.
fn csv_cell(field: &str) -> Cell {
    let t = field.trim();
    if t.is_empty() {
        return Cell::Empty;
    }
    if is_scientific(t)
        && let Ok(n) = t.parse::<f64>()
    {
        return Cell::Number(n);
    }
    // The apostrophe an export puts before text that a spreadsheet would take for a
    // formula (see `write_csv`).
    if let Some(rest) = field.strip_prefix('\'')
        && rest.starts_with(crate::write::FORMULA_STARTS)
    {
        return Cell::Text(rest.to_string());
    }
    Cell::Text(field.to_string())
}

fn is_scientific(t: &str) -> bool {
    let Some((mantissa, exponent)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix('-').unwrap_or(mantissa);
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    mantissa_ok && digits(exponent)
}

/// How many non-ASCII characters must decode as UTF-8 before an invalid byte is taken for
/// damage in a UTF-8 file rather than a sign of GBK. Short runs of GBK bytes are sometimes
/// valid UTF-8 by chance; three in a row almost never are.
const UTF8_EVIDENCE: usize = 3;

/// Decodes CSV bytes: UTF-8 or UTF-16 when a byte order mark says so, UTF-8 when the bytes
/// are valid UTF-8, and GB18030 (a superset of GBK, what Chinese Excel writes for "CSV")
/// otherwise.
fn decode(name: &str, bytes: &[u8]) -> Result<String, ReadError> {
    let undecodable = |line: usize, encoding: &'static str| ReadError::Undecodable {
        file: name.to_string(),
        line,
        encoding,
    };
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        return decode_strictly(encoding, &bytes[bom_length..])
            .map_err(|line| undecodable(line, encoding.name()));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text.to_string()),
        Err(e) => e,
    };
    let valid = &bytes[..utf8_error.valid_up_to()];
    let valid_text = std::str::from_utf8(valid).unwrap_or_default();
    if valid_text.chars().filter(|c| !c.is_ascii()).count() >= UTF8_EVIDENCE {
        return Err(undecodable(line_of(valid_text), "UTF-8"));
    }
    decode_strictly(GB18030, bytes).map_err(|line| undecodable(line, "GBK/GB18030"))
}

/// Decodes without replacement characters; on malformed input, the line of the first bad
/// byte.
fn decode_strictly(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or(1usize)?;
    let mut out = String::with_capacity(capacity);
    let (result, _read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        // Everything before the bad bytes has been written to `out`.
        encoding_rs::DecoderResult::Malformed(_, _) | encoding_rs::DecoderResult::OutputFull => {
            Err(line_of(&out))
        }
    }
}

/// The line on which the text after `before` begins.
fn line_of(before: &str) -> usize {
    before.matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_is_recognised() {
        assert!(is_scientific("9.14403E+17"));
        assert!(is_scientific("1e5"));
        assert!(is_scientific("-2.5E-3"));
        assert!(!is_scientific("6511"));
        assert!(!is_scientific("E5"));
        assert!(!is_scientific("LB-GX-E1"));
        assert!(!is_scientific("1.2.3E4"));
        assert_eq!(csv_cell("9.14403E+17"), Cell::Number(9.14403e17));
        assert_eq!(csv_cell("0931-8888888"), Cell::Text("0931-8888888".into()));
        assert_eq!(csv_cell("  "), Cell::Empty);
    }

    #[test]
    fn utf8_damage_is_not_mistaken_for_gbk() {
        // Three Chinese characters decode as UTF-8, then a lone 0xFF on line 2.
        let mut bytes = "单位代码\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"LB\xFF\n");
        assert_eq!(
            decode("a.csv", &bytes),
            Err(ReadError::Undecodable {
                file: "a.csv".into(),
                line: 2,
                encoding: "UTF-8"
            })
        );
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "代码,名称\r\nA,园区\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode("u.csv", &bytes).unwrap(), "代码,名称\r\nA,园区\r\n");
    }

    #[test]
    fn dense_rows_start_at_column_a() {
        let cells = vec![(2, Cell::Text("b".into())), (4, Cell::Number(1.0))];
        assert_eq!(
            dense(&cells, None),
            vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Text("b".into()),
                Cell::Empty,
                Cell::Number(1.0)
            ]
        );
        assert_eq!(
            dense(&cells, Some(3)),
            vec![Cell::Empty, Cell::Empty, Cell::Text("b".into())]
        );
    }
}
