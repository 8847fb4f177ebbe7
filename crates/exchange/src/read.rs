//! Reading xlsx workbooks and CSV files into tables, within limits: what a file unpacks to,
//! and the rows, cells and text it holds, are counted while it is read, and reading stops
//! at the first limit passed, before anything larger is held.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, ExcelDateTime, Reader, Xlsx, XlsxError};
use encoding_rs::{Encoding, GB18030};
use innozone_domain::registry::import::parse_date;
use innozone_domain::table::{Cell, Position, Row, Table};
use time::{Date, Month};

use crate::FileFormat;

const MIB: u64 = 1024 * 1024;

/// How much of a file is read before it is refused. A small upload can unpack into
/// gigabytes (an xlsx is a zip archive, and a sheet of one repeated row compresses a
/// thousandfold); these bound what reading it may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// The most bytes the parts of an xlsx workbook may unpack to, all together; also the
    /// most text the cells of one table may hold (a shared string counts at every cell
    /// that shows it).
    pub unpacked_bytes: u64,
    /// The most rows with something in them, the header included, one sheet or CSV file
    /// may have.
    pub rows: usize,
    /// The most cells one sheet or CSV file may have: the cells read, and the cells of the
    /// table made of them (blank cells left of a value included).
    pub cells: usize,
}

impl ReadLimits {
    /// Enough for a province's filings in one upload; a national import raises them.
    pub const DEFAULT: ReadLimits = ReadLimits {
        unpacked_bytes: 128 * MIB,
        rows: 300_000,
        cells: 1_000_000,
    };
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits::DEFAULT
    }
}

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
    /// The parts of the workbook unpack to more than `limit` bytes.
    #[error("{file}: the workbook unpacks to more than {}; at most that much is read", megabytes(*limit))]
    Unpacked { file: String, limit: u64 },
    /// More than `limit` rows with something in them.
    #[error(
        "{file}: {} has more than {limit} rows; at most that many are read at once",
        what(sheet)
    )]
    TooManyRows {
        file: String,
        sheet: Option<String>,
        limit: usize,
    },
    /// More than `limit` cells; `sheet` is `None` when the workbook as a whole says so
    /// (its table of shared texts).
    #[error(
        "{file}: {} has more than {limit} cells; at most that many are read at once",
        what(sheet)
    )]
    TooManyCells {
        file: String,
        sheet: Option<String>,
        limit: usize,
    },
    /// The cells hold more than `limit` bytes of text.
    #[error("{file}: the cells of {} hold more than {} of text", what(sheet), megabytes(*limit))]
    TooMuchText {
        file: String,
        sheet: Option<String>,
        limit: u64,
    },
}

impl ReadError {
    /// Whether the file was refused for its size (a limit of [`ReadLimits`]) rather than
    /// for what it holds.
    pub fn is_over_limit(&self) -> bool {
        matches!(
            self,
            ReadError::Unpacked { .. }
                | ReadError::TooManyRows { .. }
                | ReadError::TooManyCells { .. }
                | ReadError::TooMuchText { .. }
        )
    }
}

fn what(sheet: &Option<String>) -> String {
    sheet
        .as_deref()
        .map(|s| format!("sheet '{s}'"))
        .unwrap_or_else(|| "the file".into())
}

/// Bytes as the megabytes (MiB) a user sets a limit in: `64 MB`, `0.5 MB`.
pub fn megabytes(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MB", bytes / MIB)
    } else {
        let mb = bytes as f64 / MIB as f64;
        let text = format!("{mb:.2}");
        format!("{} MB", text.trim_end_matches('0').trim_end_matches('.'))
    }
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

/// Reads a file into a table within the default [`ReadLimits`] (see
/// [`read_table_within`]).
pub fn read_table(
    name: &str,
    bytes: &[u8],
    format: FileFormat,
    sheet: Option<&str>,
) -> Result<Table, ReadError> {
    read_table_within(name, bytes, format, sheet, &ReadLimits::DEFAULT)
}

/// Reads a file into a table. `name` is the file name, used in messages. For xlsx, `sheet`
/// chooses the worksheet (the first one when `None`); CSV files have one table and ignore it.
///
/// The header row is the first row with anything in it; the rows below it follow, without
/// the blank ones, each with its number as the user sees it in the file.
///
/// A file beyond `limits` is refused as soon as reading it passes one: an xlsx workbook is
/// first unpacked into a counter, part by part, before anything of it is parsed.
pub fn read_table_within(
    name: &str,
    bytes: &[u8],
    format: FileFormat,
    sheet: Option<&str>,
    limits: &ReadLimits,
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
            catch_unwind(AssertUnwindSafe(|| read_xlsx(name, bytes, sheet, limits))).unwrap_or_else(
                |_| {
                    Err(ReadError::Corrupt {
                        file: name.to_string(),
                        reason: "its contents could not be parsed".into(),
                    })
                },
            )
        }
        FileFormat::Csv => read_csv(name, bytes, limits),
    }
}

/// What has been read so far of one table, against the limits.
struct Budget<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    limits: &'a ReadLimits,
    rows: usize,
    cells: usize,
    text: u64,
}

impl<'a> Budget<'a> {
    fn new(file: &'a str, sheet: Option<&'a str>, limits: &'a ReadLimits) -> Self {
        Budget {
            file,
            sheet,
            limits,
            rows: 0,
            cells: 0,
            text: 0,
        }
    }

    fn row(&mut self) -> Result<(), ReadError> {
        self.rows += 1;
        if self.rows > self.limits.rows {
            return Err(ReadError::TooManyRows {
                file: self.file.to_string(),
                sheet: self.sheet.map(str::to_string),
                limit: self.limits.rows,
            });
        }
        Ok(())
    }

    fn cells(&mut self, count: usize) -> Result<(), ReadError> {
        self.cells += count;
        if self.cells > self.limits.cells {
            return Err(self.too_many_cells());
        }
        Ok(())
    }

    fn too_many_cells(&self) -> ReadError {
        ReadError::TooManyCells {
            file: self.file.to_string(),
            sheet: self.sheet.map(str::to_string),
            limit: self.limits.cells,
        }
    }

    /// One cell read, with its text.
    fn cell(&mut self, cell: &Cell) -> Result<(), ReadError> {
        self.cells(1)?;
        if let Cell::Text(text) = cell {
            self.text(text.len())?;
        }
        Ok(())
    }

    fn text(&mut self, bytes: usize) -> Result<(), ReadError> {
        self.text += bytes as u64;
        if self.text > self.limits.unpacked_bytes {
            return Err(ReadError::TooMuchText {
                file: self.file.to_string(),
                sheet: self.sheet.map(str::to_string),
                limit: self.limits.unpacked_bytes,
            });
        }
        Ok(())
    }
}

/// A writer that only counts, and fails past `limit` bytes.
struct Counter {
    written: u64,
    limit: u64,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written += buf.len() as u64;
        if self.written > self.limit {
            return Err(std::io::Error::other("over the limit"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How much of the table of shared texts is searched for its declared count.
const SHARED_STRINGS_HEAD: usize = 64 * 1024;

/// Unpacks every part of the workbook into a counter, refusing it once the parts together
/// pass `limits.unpacked_bytes`: the sizes a zip archive declares can lie, the bytes it
/// inflates to cannot. Nothing is kept but the count (and the head of the shared texts,
/// whose declared count calamine would reserve room for before reading one of them: a
/// workbook may declare more texts than its sheets could hold cells is refused here).
/// A file that is not a zip archive, or a part that cannot be unpacked, is left to
/// calamine, which says what is wrong with it if it needs that part.
fn check_unpacked(name: &str, bytes: &[u8], limits: &ReadLimits) -> Result<(), ReadError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut counter = Counter {
        written: 0,
        limit: limits.unpacked_bytes,
    };
    for index in 0..archive.len() {
        let Ok(mut part) = archive.by_index(index) else {
            continue;
        };
        let shared_strings = part
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"));
        let mut unpack = || -> std::io::Result<()> {
            if shared_strings {
                let mut head = Vec::new();
                (&mut part)
                    .take(SHARED_STRINGS_HEAD as u64)
                    .read_to_end(&mut head)?;
                counter.write_all(&head)?;
                check_shared_strings(name, &head, limits).map_err(std::io::Error::other)?;
            }
            std::io::copy(&mut part, &mut counter).map(|_| ())
        };
        let Err(e) = unpack() else {
            continue;
        };
        if counter.written > counter.limit {
            return Err(ReadError::Unpacked {
                file: name.to_string(),
                limit: limits.unpacked_bytes,
            });
        }
        if let Some(refused) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ReadError>())
        {
            return Err(refused.clone());
        }
    }
    Ok(())
}

/// The count of distinct texts the table of shared texts declares (`<sst uniqueCount="…">`)
/// must not pass the cells a sheet may have: calamine reserves room for that many before
/// it reads one, and a forged count of billions would take the memory of the machine.
fn check_shared_strings(name: &str, head: &[u8], limits: &ReadLimits) -> Result<(), ReadError> {
    let too_many = || ReadError::TooManyCells {
        file: name.to_string(),
        sheet: None,
        limit: limits.cells,
    };
    // The start tag: `<sst …>`, or with a namespace prefix `<x:sst …>`.
    let tag = (1..head.len().saturating_sub(3))
        .find(|&i| {
            &head[i..i + 3] == b"sst"
                && matches!(head[i - 1], b'<' | b':')
                && (head[i + 3].is_ascii_whitespace() || matches!(head[i + 3], b'>' | b'/'))
        })
        .and_then(|i| {
            let end = head[i..].iter().position(|&b| b == b'>')?;
            Some(&head[i..i + end])
        });
    let Some(tag) = tag else {
        // No whole start tag in the head: a short part is malformed (calamine says so if
        // it needs it), a long one is a start tag no spreadsheet program writes, padded
        // to hide what it declares.
        return if head.len() < SHARED_STRINGS_HEAD {
            Ok(())
        } else {
            Err(too_many())
        };
    };
    const ATTRIBUTE: &[u8] = b"uniqueCount";
    let Some(at) = tag.windows(ATTRIBUTE.len()).position(|w| w == ATTRIBUTE) else {
        // No count declared: nothing is reserved.
        return Ok(());
    };
    let rest = tag[at + ATTRIBUTE.len()..].trim_ascii_start();
    let Some(rest) = rest.strip_prefix(b"=") else {
        return Ok(());
    };
    let rest = rest.trim_ascii_start();
    let Some(value) = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")) else {
        return Ok(());
    };
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    // calamine reads the count only when it is all digits.
    let count = std::str::from_utf8(&value[..digits])
        .ok()
        .filter(|d| !d.is_empty())
        .map_or(0u128, |d| d.parse::<u128>().unwrap_or(u128::MAX));
    if count > limits.cells as u128 {
        return Err(too_many());
    }
    Ok(())
}

fn read_xlsx(
    name: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    limits: &ReadLimits,
) -> Result<Table, ReadError> {
    let file = || name.to_string();
    check_unpacked(name, bytes, limits)?;
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
    let mut budget = Budget::new(name, Some(&sheet_name), limits);
    let mut last_row = None;
    while let Some(cell) = reader.next_cell().map_err(corrupt)? {
        let (row, column) = cell.get_position();
        let converted = convert(cell.get_value());
        if matches!(converted, Converted::Cell(Cell::Empty)) {
            continue;
        }
        // Cells come row by row; a row seen again out of order counts again, which only
        // errs on the side of refusing.
        if last_row != Some(row) {
            budget.row()?;
            last_row = Some(row);
        }
        match converted {
            Converted::Cell(c) => {
                budget.cell(&c)?;
                rows.entry(row).or_default().push((column, c));
            }
            Converted::Error(e) => {
                budget.cells(1)?;
                errors.push((row, column, e));
            }
        }
    }
    drop(reader);
    let Some(header_index) = rows
        .iter()
        .find(|(_, cells)| cells.iter().any(|(_, c)| !c.is_empty()))
        .map(|(&index, _)| index)
    else {
        return Err(ReadError::NoData {
            file: file(),
            sheet: Some(sheet_name),
        });
    };
    let data_rows = rows.split_off(&(header_index + 1));
    let header_cells = rows.remove(&header_index).unwrap_or_default();
    drop(rows);
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
    // The table's rows are padded with blank cells up to their last value: those count
    // too, so that a value far to the right in every row cannot make the table large.
    let mut placed = Budget::new(name, Some(&sheet_name), limits);
    placed.cells(width)?;
    let mut data = Vec::new();
    for (row, cells) in data_rows {
        let cells = dense(cells, Some(width));
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        placed.cells(cells.len())?;
        data.push(Row {
            number: row as usize + 1,
            cells,
        });
    }
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
fn dense(cells: Vec<(u32, Cell)>, width: Option<usize>) -> Vec<Cell> {
    let last = cells
        .iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(col, _)| *col as usize + 1)
        .max()
        .unwrap_or(0);
    let len = width.map_or(last, |w| last.min(w));
    let mut out = vec![Cell::Empty; len];
    for (column, cell) in cells {
        if let Some(slot) = out.get_mut(column as usize) {
            *slot = cell;
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

fn read_csv(name: &str, bytes: &[u8], limits: &ReadLimits) -> Result<Table, ReadError> {
    let text = decode(name, bytes)?;
    let mut budget = Budget::new(name, None, limits);
    let mut lines = LineCounter::new(&text);
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    // Field by field, so that a record of a million commas is refused at the limit, not
    // held first.
    let mut reader = csv_core::Reader::new();
    let mut input = text.as_bytes();
    let mut consumed = 0;
    let mut field = vec![0u8; 1024];
    let mut field_len = 0;
    let mut record: Vec<Cell> = Vec::new();
    let mut record_start = 0;
    loop {
        let (result, read, written) = reader.read_field(input, &mut field[field_len..]);
        input = &input[read..];
        consumed += read;
        field_len += written;
        match result {
            csv_core::ReadFieldResult::InputEmpty => {}
            csv_core::ReadFieldResult::OutputFull => field.resize(field.len() * 2, 0),
            csv_core::ReadFieldResult::Field { record_end } => {
                let cell = csv_cell(&String::from_utf8_lossy(&field[..field_len]));
                field_len = 0;
                budget.cell(&cell)?;
                record.push(cell);
                if !record_end {
                    continue;
                }
                let cells = std::mem::take(&mut record);
                let line = lines.line_at(record_start);
                record_start = consumed;
                if cells.iter().all(Cell::is_empty) {
                    // A blank line takes no room in the table.
                    budget.cells -= cells.len();
                    continue;
                }
                budget.row()?;
                if header.is_none() {
                    header = Some((line, cells.iter().map(Cell::as_text).collect()));
                } else {
                    rows.push(Row {
                        number: line,
                        cells,
                    });
                }
            }
            csv_core::ReadFieldResult::End => break,
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
fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, ReadError> {
    let undecodable = |line: usize, encoding: &'static str| ReadError::Undecodable {
        file: name.to_string(),
        line,
        encoding,
    };
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        return decode_strictly(encoding, &bytes[bom_length..])
            .map(Cow::Owned)
            .map_err(|line| undecodable(line, encoding.name()));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(Cow::Borrowed(text)),
        Err(e) => e,
    };
    let valid = &bytes[..utf8_error.valid_up_to()];
    let valid_text = std::str::from_utf8(valid).unwrap_or_default();
    if valid_text.chars().filter(|c| !c.is_ascii()).count() >= UTF8_EVIDENCE {
        return Err(undecodable(line_of(valid_text), "UTF-8"));
    }
    decode_strictly(GB18030, bytes)
        .map(Cow::Owned)
        .map_err(|line| undecodable(line, "GBK/GB18030"))
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
    fn the_declared_count_of_shared_texts_is_read_as_calamine_reads_it() {
        let limits = ReadLimits {
            cells: 1_000,
            ..ReadLimits::DEFAULT
        };
        let check = |head: &[u8]| check_shared_strings("a.xlsx", head, &limits).is_ok();
        assert!(check(
            br#"<?xml version="1.0"?><sst uniqueCount="1000"><si>"#
        ));
        assert!(!check(
            br#"<?xml version="1.0"?><sst count="1" uniqueCount="1001">"#
        ));
        assert!(!check(
            br#"<x:sst xmlns:x="m" uniqueCount = '99999999999999999999999'>"#
        ));
        // Not all digits: calamine reserves nothing.
        assert!(check(br#"<sst uniqueCount="&#49;0000000">"#));
        // No count at all, however long the part: nothing is reserved.
        let mut long = br#"<sst xmlns="m">"#.to_vec();
        long.resize(SHARED_STRINGS_HEAD, b' ');
        assert!(check(&long));
        // A start tag padded past the head to hide its count.
        let mut padded = b"<sst ".to_vec();
        padded.resize(SHARED_STRINGS_HEAD, b' ');
        assert!(!check(&padded));
    }

    #[test]
    fn dense_rows_start_at_column_a() {
        let cells = vec![(2, Cell::Text("b".into())), (4, Cell::Number(1.0))];
        assert_eq!(
            dense(cells.clone(), None),
            vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Text("b".into()),
                Cell::Empty,
                Cell::Number(1.0)
            ]
        );
        assert_eq!(
            dense(cells, Some(3)),
            vec![Cell::Empty, Cell::Empty, Cell::Text("b".into())]
        );
    }
}
