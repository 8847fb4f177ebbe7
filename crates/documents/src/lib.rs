//! Bulletins as Word documents.
//!
//! A [`Document`] is plain data: a title, an optional subtitle, issuer and date, and a list
//! of [`Block`]s (headings, paragraphs, tables, notes, page breaks). [`to_docx`] writes it as
//! a .docx file laid out after GB/T 9704-2012 《党政机关公文格式》 where that standard
//! applies to a bulletin: A4 with the standard's margins, 22 lines of 28.95 pt per page,
//! 方正小标宋简体 titles, 黑体 / 楷体 / 仿宋 headings, 仿宋 body text indented two
//! characters, page numbers "— 1 —" in 宋体 四号 at the foot (odd pages right, even pages
//! left), and the issuer and date at the end, placed as the standard places an unsealed
//! signature. Tables are in 宋体 五号 with full borders and a header row repeated on every
//! page. Every run names its East Asian font and Times New Roman for Latin letters and
//! digits, so Word, WPS and LibreOffice agree; the font table names the usual fall-backs
//! (宋体, 仿宋, 楷体) for the fonts a reader's computer may lack.
//!
//! The caller formats numbers: a [`Cell::Number`] is only set right-aligned.

mod write;

pub use write::to_docx;

/// A bulletin or report to be written as a .docx file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The title (标题), centred in 方正小标宋简体 二号. Line breaks (`\n`) are kept.
    pub title: String,
    /// A line under the title, such as "（2026年第三季度）", centred in 楷体.
    pub subtitle: Option<String>,
    /// The issuing body (发文单位), signed at the end.
    pub issuer: Option<String>,
    /// The date of issue as it is to be printed, such as "2026年11月23日".
    pub date: Option<String>,
    /// The body.
    pub blocks: Vec<Block>,
}

/// One part of a document's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading of level 1 to 3; the text carries its own numbering ("一、", "（一）",
    /// "1.") as official documents number by hand.
    Heading { level: u8, text: String },
    /// A paragraph of body text.
    Paragraph(String),
    /// A table of figures.
    Table(Table),
    /// Small print, such as "注：……".
    Note(String),
    /// Start a new page.
    PageBreak,
}

impl Block {
    /// A heading of the given level (1 to 3).
    pub fn heading(level: u8, text: impl Into<String>) -> Block {
        Block::Heading {
            level,
            text: text.into(),
        }
    }

    /// A paragraph of body text.
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block::Paragraph(text.into())
    }

    /// Small print.
    pub fn note(text: impl Into<String>) -> Block {
        Block::Note(text.into())
    }
}

/// A table with its caption above and its notes below.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The caption (表题), centred above the table in 黑体; none if empty.
    pub caption: String,
    /// The column headings, repeated at the top of every page the table runs onto. Empty
    /// for a table without a header row.
    pub header: Vec<String>,
    /// The rows, each as wide as the header (or as the first row if there is no header).
    pub rows: Vec<Vec<Cell>>,
    /// Lines under the table, such as "注：……" or "数据来源：……".
    pub notes: Vec<String>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text, set left-aligned.
    Text(String),
    /// A number already formatted by the caller ("1,234.5", "12.3%", "—"), set right-aligned.
    Number { text: String },
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A cell holding a number the caller has formatted.
    pub fn number(text: impl Into<String>) -> Cell {
        Cell::Number { text: text.into() }
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Headings have levels 1 to 3.
    #[error("heading level {level} is not 1, 2 or 3: {text}")]
    HeadingLevel { level: u8, text: String },
    /// A row has more or fewer cells than the table has columns.
    #[error("row {row} of the table \"{caption}\" has {cells} cells, not {columns}")]
    RowWidth {
        caption: String,
        /// Counted from 1, the header not included.
        row: usize,
        cells: usize,
        columns: usize,
    },
    /// The package could not be written.
    #[error("the .docx package could not be written: {0}")]
    Package(#[source] Box<dyn std::error::Error + Send + Sync>),
}
