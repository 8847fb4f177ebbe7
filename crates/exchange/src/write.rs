//! Writing tables of values as xlsx workbooks and CSV files.

use std::collections::HashSet;

use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatBorder, FormatPattern, IgnoreError, Workbook, Worksheet,
    XlsxError,
};
use time::Date;

use crate::width::display_width;

/// A value to write into a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    /// Always written as text, so that codes keep their digits and leading zeros.
    Text(String),
    Number(f64),
    /// A number the platform computed (a score, a weight, a share): written to CSV with
    /// every digit, shown in a spreadsheet to at most four decimals (the cell keeps them
    /// all).
    Computed(f64),
    Integer(i64),
    Date(Date),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Integer(n)
    }
}

impl From<Date> for Value {
    fn from(d: Date) -> Self {
        Value::Date(d)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Empty, Into::into)
    }
}

impl Value {
    /// The value as CSV text: dates as `YYYY-MM-DD`, numbers without exponent.
    fn to_text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Number(n) | Value::Computed(n) if n.is_finite() => n.to_string(),
            Value::Number(_) | Value::Computed(_) => String::new(),
            Value::Integer(i) => i.to_string(),
            Value::Date(d) => date_text(*d),
        }
    }
}

/// The characters that make a spreadsheet read a cell as a formula.
pub(crate) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A field of a CSV export. Text that a spreadsheet would run as a formula (a name
/// starting with "=", a phone number "+86 …") gets the apostrophe that marks text in
/// Excel; the CSV reader takes it off again, so that an export imports back unchanged.
fn csv_field(value: &Value) -> String {
    match value {
        Value::Text(s) if s.starts_with(FORMULA_STARTS) => format!("'{s}"),
        other => other.to_text(),
    }
}

fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// One sheet of a workbook, or the whole of a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetData {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("a workbook needs at least one sheet")]
    NoSheets,
    #[error("'{name}' cannot be a sheet name: {reason}")]
    SheetName { name: String, reason: String },
    #[error(
        "sheet '{sheet}' has {rows} rows and {columns} columns; a worksheet holds at most 1,048,575 rows below its header and 16,384 columns"
    )]
    TooLarge {
        sheet: String,
        rows: usize,
        columns: usize,
    },
    #[error("sheet '{sheet}', cell {cell}: {source}")]
    Cell {
        sheet: String,
        cell: String,
        source: XlsxError,
    },
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] XlsxError),
}

/// Excel's limits: rows below the header row, and columns.
const MAX_DATA_ROWS: usize = 1_048_575;
pub(crate) const MAX_COLUMNS: usize = 16_384;
/// Excel keeps 15 significant digits; larger integers are written as text to keep them.
const EXACT_INTEGER_LIMIT: u64 = 1_000_000_000_000_000;
/// Column widths are measured on the first rows only: enough to be sensible, and an export
/// of a quarter of a million enterprises does not format every value twice.
const ROWS_MEASURED: usize = 2_000;
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// The formats shared by the sheets of a workbook.
pub(crate) struct Formats {
    pub header: Format,
    pub text: Format,
    pub number: Format,
    pub computed: Format,
    pub integer: Format,
    pub date: Format,
}

impl Formats {
    pub fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            // "@" keeps whatever the user types later in the cell as text too.
            text: Format::new().set_num_format("@"),
            number: Format::new(),
            // At least two decimals, at most four: 65 shows as 65.00, 0.3 as 0.30.
            computed: Format::new().set_num_format("0.00##"),
            integer: Format::new().set_num_format("0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }

    /// The same formats for values with `style` laid over them (a font, say).
    pub fn styled(&self, style: impl Fn(Format) -> Format) -> Self {
        Formats {
            header: self.header.clone(),
            text: style(self.text.clone()),
            number: style(self.number.clone()),
            computed: style(self.computed.clone()),
            integer: style(self.integer.clone()),
            date: style(self.date.clone()),
        }
    }
}

/// Writes the sheets as an xlsx workbook: a bold, filled header row that stays in view
/// when scrolling, an autofilter over the data, and column widths fitted to the contents.
pub fn write_xlsx(sheets: &[SheetData]) -> Result<Vec<u8>, WriteError> {
    if sheets.is_empty() {
        return Err(WriteError::NoSheets);
    }
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let mut used = HashSet::new();
    for sheet in sheets {
        let worksheet = add_sheet(&mut workbook, &sheet.name, &mut used)?;
        write_sheet(worksheet, sheet, &formats)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Adds a worksheet named `name`, refusing names that Excel refuses.
pub(crate) fn add_sheet<'a>(
    workbook: &'a mut Workbook,
    name: &str,
    used: &mut HashSet<String>,
) -> Result<&'a mut Worksheet, WriteError> {
    // Excel compares sheet names without regard to case.
    if !used.insert(name.to_lowercase()) {
        return Err(WriteError::SheetName {
            name: name.to_string(),
            reason: "the workbook already has a sheet of that name".into(),
        });
    }
    let worksheet = workbook.add_worksheet();
    worksheet
        .set_name(name)
        .map_err(|e| WriteError::SheetName {
            name: name.to_string(),
            reason: e.to_string(),
        })?;
    Ok(worksheet)
}

fn write_sheet(
    worksheet: &mut Worksheet,
    sheet: &SheetData,
    formats: &Formats,
) -> Result<(), WriteError> {
    let columns = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.headers.len()])
        .max()
        .unwrap_or(0);
    if sheet.rows.len() > MAX_DATA_ROWS || columns > MAX_COLUMNS {
        return Err(WriteError::TooLarge {
            sheet: sheet.name.clone(),
            rows: sheet.rows.len(),
            columns,
        });
    }
    let at = |row: usize, column: usize| {
        format!(
            "{}{}",
            innozone_domain::table::column_letter(column + 1),
            row + 1
        )
    };
    let cell_error = |row: usize, column: usize| {
        let sheet = sheet.name.clone();
        move |source| WriteError::Cell {
            sheet,
            cell: at(row, column),
            source,
        }
    };
    for (c, header) in sheet.headers.iter().enumerate() {
        worksheet
            .write_string_with_format(0, c as u16, header, &formats.header)
            .map_err(cell_error(0, c))?;
    }
    for (r, values) in sheet.rows.iter().enumerate() {
        let row = r + 1;
        for (c, value) in values.iter().enumerate() {
            write_value(worksheet, row as u32, c as u16, value, formats)
                .map_err(cell_error(row, c))?;
        }
    }
    if columns == 0 {
        return Ok(());
    }
    let last_row = sheet.rows.len() as u32;
    let last_column = (columns - 1) as u16;
    worksheet.set_freeze_panes(1, 0)?;
    worksheet.autofilter(0, 0, last_row, last_column)?;
    // Codes are text on purpose; Excel's green "number stored as text" corner on every
    // credit code would only invite users to "fix" them into numbers.
    worksheet.ignore_error_range(0, 0, last_row, last_column, IgnoreError::NumberStoredAsText)?;
    for c in 0..columns {
        let header = sheet.headers.get(c).map_or(0, |h| display_width(h));
        let widest = sheet
            .rows
            .iter()
            .take(ROWS_MEASURED)
            .filter_map(|row| row.get(c))
            .map(value_width)
            .max()
            .unwrap_or(0);
        // The header is bold and carries the autofilter's drop-down button.
        let width = (header + 4).max(widest + 2).clamp(MIN_WIDTH, MAX_WIDTH);
        worksheet.set_column_width(c as u16, width as f64)?;
    }
    Ok(())
}

fn value_width(value: &Value) -> usize {
    match value {
        Value::Date(_) => 10,
        // Shown to four decimals at most, whatever digits the cell keeps.
        Value::Computed(n) => display_width(&format!("{n:.4}")),
        other => display_width(&other.to_text()),
    }
}

/// Writes one value with the format its kind needs.
pub(crate) fn write_value(
    worksheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: &Value,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match value {
        Value::Empty => {}
        Value::Text(s) if s.is_empty() => {}
        Value::Text(s) => {
            worksheet.write_string_with_format(row, column, s, &formats.text)?;
        }
        Value::Number(n) if n.is_finite() => {
            worksheet.write_number_with_format(row, column, *n, &formats.number)?;
        }
        Value::Computed(n) if n.is_finite() => {
            worksheet.write_number_with_format(row, column, *n, &formats.computed)?;
        }
        // NaN and infinity have no spreadsheet form; the cell stays empty.
        Value::Number(_) | Value::Computed(_) => {}
        Value::Integer(i) if i.unsigned_abs() < EXACT_INTEGER_LIMIT => {
            worksheet.write_number_with_format(row, column, *i as f64, &formats.integer)?;
        }
        Value::Integer(i) => {
            worksheet.write_string_with_format(row, column, i.to_string(), &formats.text)?;
        }
        Value::Date(d) => match excel_date(*d) {
            Some(dt) => {
                worksheet.write_datetime_with_format(row, column, &dt, &formats.date)?;
            }
            // Excel has no dates before 1900 or after 9999.
            None => {
                worksheet.write_string_with_format(row, column, date_text(*d), &formats.text)?;
            }
        },
    }
    Ok(())
}

fn excel_date(d: Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, u8::from(d.month()), d.day()).ok()
}

/// Writes the sheet as CSV in UTF-8 with a byte order mark: without the mark, Chinese
/// Excel reads the file as GBK and shows garbage.
///
/// CSV has no cell types: Excel turns a long digit string such as a credit code into a
/// number when it opens the file. Use xlsx for files that people will open in Excel and
/// send back.
pub fn write_csv(sheet: &SheetData) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to memory cannot fail.
    writer
        .write_record(&sheet.headers)
        .expect("write to memory");
    for row in &sheet.rows {
        writer
            .write_record(row.iter().map(csv_field))
            .expect("write to memory");
    }
    writer.into_inner().expect("write to memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn values_as_csv_text() {
        assert_eq!(Value::Number(12.5).to_text(), "12.5");
        assert_eq!(Value::Number(3.0).to_text(), "3");
        assert_eq!(Value::Number(f64::NAN).to_text(), "");
        assert_eq!(Value::Integer(-42).to_text(), "-42");
        assert_eq!(Value::Date(date!(2018 - 03 - 01)).to_text(), "2018-03-01");
        assert_eq!(Value::from(None::<&str>), Value::Empty);
        assert_eq!(Value::from(Some(7i64)), Value::Integer(7));
    }

    #[test]
    fn csv_quotes_and_marks_utf8() {
        let sheet = SheetData {
            name: "企业".into(),
            headers: vec!["企业名称".into(), "主导产业".into()],
            rows: vec![
                vec!["兰州\"某某\"科技".into(), "总部经济,科技研发".into()],
                vec![Value::Empty],
            ],
        };
        let bytes = write_csv(&sheet);
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "企业名称,主导产业\r\n\"兰州\"\"某某\"\"科技\",\"总部经济,科技研发\"\r\n\"\"\r\n"
        );
    }

    #[test]
    fn dates_outside_excel_are_none() {
        assert!(excel_date(date!(1899 - 12 - 31)).is_none());
        assert!(excel_date(date!(2024 - 02 - 29)).is_some());
    }

    #[test]
    fn bad_sheets_are_refused() {
        let sheet = |name: &str| SheetData {
            name: name.into(),
            headers: vec!["a".into()],
            rows: vec![],
        };
        assert!(matches!(write_xlsx(&[]), Err(WriteError::NoSheets)));
        assert!(matches!(
            write_xlsx(&[sheet("a/b")]),
            Err(WriteError::SheetName { .. })
        ));
        assert!(matches!(
            write_xlsx(&[sheet("企业"), sheet("企业")]),
            Err(WriteError::SheetName { .. })
        ));
        assert!(matches!(
            write_xlsx(&[sheet(&"长".repeat(32))]),
            Err(WriteError::SheetName { .. })
        ));
        let long = SheetData {
            name: "x".into(),
            headers: vec![],
            rows: vec![vec![Value::Text("a".repeat(40_000))]],
        };
        match write_xlsx(&[long]) {
            Err(WriteError::Cell { cell, .. }) => assert_eq!(cell, "A2"),
            other => panic!("expected a cell error, got {other:?}"),
        }
    }
}
