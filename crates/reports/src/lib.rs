//! Composed documents: the annual evaluation report of a kept run ([`evaluation`]) and the
//! quarterly monitoring bulletin or annual monitoring report of a unit ([`monitoring`]).
//!
//! Each is loaded through the use cases of `innozone-app` as the given principal may read
//! it, and composed once into a [`Report`]: the blocks of the `documents` model, its tables
//! named as workbook sheets, and charts that only a page draws. The outputs are chosen
//! afterwards: [`Report::docx`] (through `documents`, GB/T 9704), [`Report::xlsx`] (the
//! tables, through `exchange`) and [`Report::page`] (the blocks and ECharts options a page
//! template renders). The web and the CLI each make one call and choose an output.

pub mod evaluation;
pub mod format;
pub mod monitoring;

use innozone_documents::{Block, Cell, Document, DocumentError, Table, to_docx};
use innozone_exchange::{SheetData, Value, WriteError, write_xlsx};

/// A part of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A heading, paragraph, note or page break, as the document has it.
    Block(Block),
    /// A table, with the name of its sheet in the workbook.
    Table { sheet: String, table: Table },
    /// An ECharts option (JSON text) drawn on the page only; the document and the
    /// workbook carry the table it is drawn from.
    Chart { id: String, option: String },
}

/// A composed report, before an output is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub subtitle: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<String>,
    pub parts: Vec<Part>,
    /// The downloads' file name without extension.
    pub file_stem: String,
}

/// The outputs a report is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
        }
    }

    /// The media type of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// `docx` or `xlsx`, ignoring case.
    pub fn parse(text: &str) -> Option<Format> {
        if text.eq_ignore_ascii_case("docx") {
            Some(Format::Docx)
        } else if text.eq_ignore_ascii_case("xlsx") {
            Some(Format::Xlsx)
        } else {
            None
        }
    }
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(transparent)]
    Docx(#[from] DocumentError),
    #[error(transparent)]
    Xlsx(#[from] WriteError),
}

/// A block of a printable page: `kind` is heading, paragraph, note, break, table or chart
/// (a chart's id in `header[0]`, its option in `text`).
#[derive(Debug, Clone, PartialEq)]
pub struct PageBlock {
    pub kind: &'static str,
    pub text: String,
    pub level: u8,
    pub header: Vec<String>,
    /// Each cell with whether it is a figure (set right-aligned).
    pub rows: Vec<Vec<(bool, String)>>,
    pub notes: Vec<String>,
}

impl PageBlock {
    fn text(kind: &'static str, text: &str, level: u8) -> PageBlock {
        PageBlock {
            kind,
            text: text.to_string(),
            level,
            header: Vec::new(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn table(t: &Table) -> PageBlock {
        PageBlock {
            kind: "table",
            text: t.caption.clone(),
            level: 0,
            header: t.header.clone(),
            rows: t
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Cell::Text(s) => (false, s.clone()),
                            Cell::Number { text } => (true, text.clone()),
                        })
                        .collect()
                })
                .collect(),
            notes: t.notes.clone(),
        }
    }
}

/// What a page renders: the head of the report and its blocks, charts included.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub title: String,
    pub subtitle: String,
    pub issuer: String,
    pub date: String,
    pub blocks: Vec<PageBlock>,
}

impl Report {
    /// The report as a document: everything but the charts.
    pub fn document(&self) -> Document {
        Document {
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            issuer: self.issuer.clone(),
            date: self.date.clone(),
            blocks: self
                .parts
                .iter()
                .filter_map(|p| match p {
                    Part::Block(b) => Some(b.clone()),
                    Part::Table { table, .. } => Some(Block::Table(table.clone())),
                    Part::Chart { .. } => None,
                })
                .collect(),
        }
    }

    /// The tables with their sheet names, in order.
    pub fn tables(&self) -> impl Iterator<Item = (&str, &Table)> {
        self.parts.iter().filter_map(|p| match p {
            Part::Table { sheet, table } => Some((sheet.as_str(), table)),
            _ => None,
        })
    }

    /// The printable page: the document's blocks with the charts in their places.
    pub fn page(&self) -> Page {
        let blocks = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Block(Block::Heading { level, text }) => {
                    PageBlock::text("heading", text, *level)
                }
                Part::Block(Block::Paragraph(text)) => PageBlock::text("paragraph", text, 0),
                Part::Block(Block::Note(text)) => PageBlock::text("note", text, 0),
                Part::Block(Block::PageBreak) => PageBlock::text("break", "", 0),
                Part::Block(Block::Table(t)) | Part::Table { table: t, .. } => PageBlock::table(t),
                Part::Chart { id, option } => PageBlock {
                    header: vec![id.clone()],
                    ..PageBlock::text("chart", option, 0)
                },
            })
            .collect();
        Page {
            title: self.title.clone(),
            subtitle: self.subtitle.clone().unwrap_or_default(),
            issuer: self.issuer.clone().unwrap_or_default(),
            date: self.date.clone().unwrap_or_default(),
            blocks,
        }
    }

    /// The report as a Word document laid out as an official document (GB/T 9704).
    pub fn docx(&self) -> Result<Vec<u8>, OutputError> {
        Ok(to_docx(&self.document())?)
    }

    /// The report's tables as a workbook, one sheet each, figures as numbers.
    pub fn xlsx(&self) -> Result<Vec<u8>, OutputError> {
        let sheets: Vec<SheetData> = self
            .tables()
            .map(|(sheet, t)| SheetData {
                name: sheet_name(sheet, 31),
                headers: t.header.clone(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| r.iter().map(workbook_value).collect())
                    .collect(),
            })
            .collect();
        Ok(write_xlsx(&sheets)?)
    }

    /// The report in a format.
    pub fn write(&self, format: Format) -> Result<Vec<u8>, OutputError> {
        match format {
            Format::Docx => self.docx(),
            Format::Xlsx => self.xlsx(),
        }
    }

    /// The file name of the report in a format.
    pub fn file_name(&self, format: Format) -> String {
        format!("{}.{}", self.file_stem, format.extension())
    }
}

/// A sheet name from a caption: at most `most` characters and none of those a sheet name
/// cannot hold (brackets, colon, asterisk, question mark, slashes).
pub(crate) fn sheet_name(text: &str, most: usize) -> String {
    text.chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(most)
        .collect()
}

/// A figure as the workbook holds it: a number where the text is one ("1,234.50",
/// "+1.25", "−2"), the text otherwise ("—", "25.0%").
fn workbook_value(cell: &Cell) -> Value {
    match cell {
        Cell::Text(s) => Value::Text(s.clone()),
        Cell::Number { text } => {
            let plain = text.replace(',', "").replace('−', "-");
            plain
                .trim_start_matches('+')
                .parse::<f64>()
                .map_or_else(|_| Value::Text(text.clone()), Value::Number)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_go_into_the_workbook_as_numbers() {
        assert_eq!(
            workbook_value(&Cell::number("1,234.50")),
            Value::Number(1234.5)
        );
        assert_eq!(workbook_value(&Cell::number("+1.25")), Value::Number(1.25));
        assert_eq!(workbook_value(&Cell::number("−2")), Value::Number(-2.0));
        assert_eq!(
            workbook_value(&Cell::number("—")),
            Value::Text("—".to_string())
        );
        assert_eq!(
            workbook_value(&Cell::number("25.0%")),
            Value::Text("25.0%".to_string())
        );
        assert_eq!(
            workbook_value(&Cell::text("2014")),
            Value::Text("2014".to_string())
        );
    }

    fn small() -> Report {
        Report {
            title: "报告".into(),
            subtitle: None,
            issuer: Some("管委会".into()),
            date: None,
            parts: vec![
                Part::Block(Block::heading(1, "一、排名")),
                Part::Chart {
                    id: "radar-A".into(),
                    option: "{}".into(),
                },
                Part::Table {
                    sheet: "排名[2018]".into(),
                    table: Table {
                        caption: "表1".into(),
                        header: vec!["园区".into(), "得分".into()],
                        rows: vec![vec![Cell::text("甲"), Cell::number("1,234.50")]],
                        notes: vec![],
                    },
                },
            ],
            file_stem: "报告".into(),
        }
    }

    #[test]
    fn the_document_leaves_the_charts_to_the_page() {
        let report = small();
        let document = report.document();
        assert_eq!(document.blocks.len(), 2, "the heading and the table");
        assert!(matches!(document.blocks[1], Block::Table(_)));
        let page = report.page();
        let kinds: Vec<&str> = page.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, ["heading", "chart", "table"]);
        assert_eq!(page.blocks[1].header, ["radar-A"]);
        assert_eq!(page.blocks[2].rows[0][1], (true, "1,234.50".to_string()));
        assert_eq!(page.issuer, "管委会");
        assert_eq!(report.file_name(Format::Xlsx), "报告.xlsx");
    }

    #[test]
    fn a_sheet_name_drops_what_a_workbook_refuses() {
        assert_eq!(sheet_name("排名[2018]", 31), "排名2018");
        assert_eq!(sheet_name("a/b:c*d?e\\f", 3), "abc");
    }
}
