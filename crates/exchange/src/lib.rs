//! Spreadsheet exchange: files in, tables out, and tables of values back into files.
//!
//! Reading turns an xlsx workbook or a CSV file into a [`Table`] of the domain, with the
//! row and column numbers the user sees in the file, so that every problem an import finds
//! can be pointed at. Writing turns [`SheetData`] into an xlsx workbook or a CSV file that
//! Chinese Excel opens correctly, and [`template_xlsx`] makes the import templates.
//!
//! [`Table`]: innozone_domain::table::Table

pub mod evaluation;
mod read;
mod template;
mod width;
mod write;

use std::path::Path;

pub use read::{ErrorCell, ReadError, ReadLimits, megabytes, read_table, read_table_within};
pub use template::{NOTES_SHEET, template_xlsx};
pub use write::{SheetData, Value, WriteError, write_csv, write_xlsx};

/// The file formats the platform reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Office Open XML workbook (Excel 2007 and later).
    Xlsx,
    /// Comma-separated values, UTF-8 or GBK.
    Csv,
}

impl FileFormat {
    /// The format a file name's extension names, ignoring case: `企业.XLSX` is xlsx.
    /// Old `.xls` workbooks and other files give `None`.
    pub fn from_file_name(name: &str) -> Option<FileFormat> {
        Self::from_path(Path::new(name))
    }

    pub fn from_path(path: &Path) -> Option<FileFormat> {
        let extension = path.extension()?.to_str()?;
        if extension.eq_ignore_ascii_case("xlsx") {
            Some(FileFormat::Xlsx)
        } else if extension.eq_ignore_ascii_case("csv") {
            Some(FileFormat::Csv)
        } else {
            None
        }
    }

    /// The usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }

    /// The media type to send the file with.
    pub fn mime_type(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        assert_eq!(
            FileFormat::from_file_name("企业名录.XLSX"),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            FileFormat::from_file_name("units.csv"),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("/tmp/导出/units.Csv")),
            Some(FileFormat::Csv)
        );
        assert_eq!(FileFormat::from_file_name("old.xls"), None);
        assert_eq!(FileFormat::from_file_name("xlsx"), None);
        assert_eq!(FileFormat::from_file_name(""), None);
    }
}
