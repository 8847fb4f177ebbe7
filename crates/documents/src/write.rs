//! The document model written with docx-rs in the layout of GB/T 9704-2012.
//!
//! Lengths are in twentieths of a point (twips), font sizes in half-points, as in OOXML.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, TableAlignmentType, TableBorder, TableBorderPosition, TableCell,
    TableLayoutType, TableRow, VAlignType, WidthType,
};

use crate::{Block, Cell, Document, DocumentError, Table};

/// Millimetres to twips.
const fn mm(millimetres: i32) -> i32 {
    // 1 mm = 1440 / 25.4 twips; rounded to the nearest twip.
    (millimetres * 14400 + 127) / 254
}

/// A4, portrait.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704-2012 5.2.1: 天头 37 mm, 订口 28 mm; a type area of 156 × 225 mm, which leaves
/// 35 mm at the foot and 26 mm at the right.
const MARGIN_TOP: i32 = mm(37);
const MARGIN_BOTTOM: i32 = mm(35);
const MARGIN_LEFT: i32 = mm(28);
const MARGIN_RIGHT: i32 = mm(26);
const TEXT_WIDTH: usize = PAGE_WIDTH as usize - MARGIN_LEFT as usize - MARGIN_RIGHT as usize;
/// 7.5: the page number's dashes sit 7 mm below the type area. A 四号 line is about 6 mm
/// high, so the footer's foot is 35 − 7 − 6 = 22 mm above the page's edge.
const FOOTER_DISTANCE: i32 = mm(22);
const HEADER_DISTANCE: i32 = mm(15);

/// 5.2.2: 22 lines of 28 characters in 225 mm: lines fixed at 28.95 pt.
const LINE: i32 = 579;
/// The width of one 三号 (16 pt) character: the first-line indent is two of them.
const BODY_CHAR: i32 = 320;

const TIMES: &str = "Times New Roman";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const FANGSONG: &str = "仿宋_GB2312";
const SONGTI: &str = "宋体";

/// Fonts a reader's computer may lack, with the names to try instead (w:altName in the
/// font table): Windows since Vista ships 仿宋 and 楷体 but not their GB2312 editions, and
/// 方正小标宋 comes with publishing software only.
const FONT_TABLE: &[(&str, &str)] = &[
    (XIAOBIAOSONG, "宋体,SimSun"),
    (FANGSONG, "仿宋,FangSong"),
    (KAITI, "楷体,KaiTi"),
    (HEITI, "SimHei"),
    (SONGTI, "SimSun"),
];

/// A typeface at a size: Chinese in `east_asia`, Latin letters and digits in `latin`.
struct Face {
    east_asia: &'static str,
    latin: &'static str,
    /// In half-points.
    size: usize,
    bold: bool,
}

const fn face(east_asia: &'static str, size: usize, bold: bool) -> Face {
    Face {
        east_asia,
        latin: TIMES,
        size,
        bold,
    }
}

/// 二号 22 pt.
const TITLE: Face = face(XIAOBIAOSONG, 44, false);
/// 三号 16 pt.
const SUBTITLE: Face = face(KAITI, 32, false);
const HEADING_1: Face = face(HEITI, 32, false);
const HEADING_2: Face = face(KAITI, 32, false);
const HEADING_3: Face = face(FANGSONG, 32, true);
const BODY: Face = face(FANGSONG, 32, false);
/// 四号 14 pt.
const NOTE: Face = face(FANGSONG, 28, false);
const CAPTION: Face = face(HEITI, 28, false);
/// 五号 10.5 pt.
const TABLE_TEXT: Face = face(SONGTI, 21, false);
const TABLE_HEAD: Face = face(SONGTI, 21, true);
/// 四号 半角宋体阿拉伯数字 (7.5).
const PAGE_NUMBER: Face = Face {
    east_asia: SONGTI,
    latin: SONGTI,
    size: 28,
    bold: false,
};

/// Writes `doc` as a .docx file.
pub fn to_docx(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    check(doc)?;

    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(HEADER_DISTANCE)
                .footer(FOOTER_DISTANCE),
        )
        .default_fonts(fonts(&BODY))
        .default_size(BODY.size)
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left));
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE as usize),
    );

    for paragraph in title_block(doc) {
        docx = docx.add_paragraph(paragraph);
    }

    let mut break_before = false;
    for block in &doc.blocks {
        let take_break = std::mem::take(&mut break_before);
        match block {
            Block::Heading { level, text } => {
                docx = docx.add_paragraph(heading(*level, text).page_break_before(take_break));
            }
            Block::Paragraph(text) => {
                docx = docx.add_paragraph(body(text).page_break_before(take_break));
            }
            Block::Note(text) => {
                docx = docx.add_paragraph(note(text).page_break_before(take_break));
            }
            Block::PageBreak => break_before = true,
            Block::Table(table) => {
                if take_break && table.caption.is_empty() {
                    docx = docx.add_paragraph(page_break());
                }
                if !table.caption.is_empty() {
                    docx =
                        docx.add_paragraph(caption(&table.caption).page_break_before(take_break));
                }
                docx = docx.add_table(grid(table));
                for line in &table.notes {
                    docx = docx.add_paragraph(table_note(line));
                }
                // Space before what follows, and two tables in a row stay two tables.
                docx = docx.add_paragraph(
                    Paragraph::new()
                        .line_spacing(exact(LINE / 2))
                        .size(TABLE_TEXT.size),
                );
            }
        }
    }

    let signature = signature(doc);
    if break_before && signature.is_empty() {
        docx = docx.add_paragraph(page_break());
    }
    for (i, paragraph) in signature.into_iter().enumerate() {
        docx = docx.add_paragraph(paragraph.page_break_before(break_before && i == 0));
    }

    let mut parts = docx.build();
    parts.document = repeat_header_rows(&parts.document);
    parts.font_table = declare_fonts(&parts.font_table);
    let mut out = Cursor::new(Vec::new());
    parts
        .pack(&mut out)
        .map_err(|e| DocumentError::Package(Box::new(e)))?;
    Ok(out.into_inner())
}

/// Refuses what cannot be laid out: heading levels out of range, ragged tables.
fn check(doc: &Document) -> Result<(), DocumentError> {
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } if !(1..=3).contains(level) => {
                return Err(DocumentError::HeadingLevel {
                    level: *level,
                    text: text.clone(),
                });
            }
            Block::Table(table) => {
                let columns = columns(table);
                for (i, row) in table.rows.iter().enumerate() {
                    if row.len() != columns {
                        return Err(DocumentError::RowWidth {
                            caption: table.caption.clone(),
                            row: i + 1,
                            cells: row.len(),
                            columns,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn columns(table: &Table) -> usize {
    if table.header.is_empty() {
        table.rows.first().map_or(0, Vec::len)
    } else {
        table.header.len()
    }
}

fn fonts(face: &Face) -> RunFonts {
    RunFonts::new()
        .ascii(face.latin)
        .hi_ansi(face.latin)
        .cs(face.latin)
        .east_asia(face.east_asia)
        // Quotation marks and dashes shared by both scripts are set as Chinese.
        .hint("eastAsia")
}

fn run(face: &Face) -> Run {
    let run = Run::new().fonts(fonts(face)).size(face.size);
    if face.bold { run.bold() } else { run }
}

/// A paragraph whose mark (and so an empty line) has the face's font and size.
fn paragraph(face: &Face) -> Paragraph {
    let p = Paragraph::new().fonts(fonts(face)).size(face.size);
    if face.bold { p.bold() } else { p }
}

/// The text as one run: line breaks for `\n`, tabs for `\t`, and characters XML cannot
/// hold left out.
fn with_text(p: Paragraph, text: &str, face: &Face) -> Paragraph {
    let mut r = run(face);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                r = r.add_tab();
            }
            let clean: String = piece
                .chars()
                .filter(|&c| !c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
                .collect();
            if !clean.is_empty() {
                r = r.add_text(clean);
            }
        }
    }
    p.add_run(r)
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

fn single() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

fn first_line(chars_width: i32) -> SpecialIndentType {
    SpecialIndentType::FirstLine(2 * chars_width)
}

/// The title, centred, and the subtitle under it, with one empty line before the body
/// (7.3.3).
fn title_block(doc: &Document) -> Vec<Paragraph> {
    let mut lines = Vec::new();
    if !doc.title.is_empty() {
        lines.push(with_text(
            paragraph(&TITLE).align(AlignmentType::Center),
            &doc.title,
            &TITLE,
        ));
    }
    if let Some(subtitle) = doc.subtitle.as_deref().filter(|s| !s.is_empty()) {
        lines.push(with_text(
            paragraph(&SUBTITLE).align(AlignmentType::Center),
            subtitle,
            &SUBTITLE,
        ));
    }
    let last = lines.len().saturating_sub(1);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let spacing = if i == last {
                exact(LINE).after(LINE as u32)
            } else {
                exact(LINE)
            };
            p.line_spacing(spacing).keep_next(true)
        })
        .collect()
}

/// 7.3.3: 一、 in 黑体, （一） in 楷体, 1. in 仿宋 (bold here), indented like the body.
fn heading(level: u8, text: &str) -> Paragraph {
    let face = match level {
        1 => &HEADING_1,
        2 => &HEADING_2,
        _ => &HEADING_3,
    };
    with_text(
        paragraph(face)
            .align(AlignmentType::Both)
            .indent(None, Some(first_line(BODY_CHAR)), None, None)
            .line_spacing(exact(LINE))
            .outline_lvl(usize::from(level - 1))
            .keep_next(true),
        text,
        face,
    )
}

fn body(text: &str) -> Paragraph {
    with_text(
        paragraph(&BODY)
            .align(AlignmentType::Both)
            .indent(None, Some(first_line(BODY_CHAR)), None, None)
            .line_spacing(exact(LINE)),
        text,
        &BODY,
    )
}

fn note(text: &str) -> Paragraph {
    with_text(
        paragraph(&NOTE)
            .align(AlignmentType::Both)
            .indent(None, Some(first_line(NOTE.size as i32 * 10)), None, None)
            .line_spacing(exact(440)),
        text,
        &NOTE,
    )
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

fn caption(text: &str) -> Paragraph {
    with_text(
        paragraph(&CAPTION)
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE))
            .keep_next(true),
        text,
        &CAPTION,
    )
}

fn table_note(text: &str) -> Paragraph {
    with_text(
        paragraph(&TABLE_TEXT)
            .align(AlignmentType::Both)
            .indent(None, None, None, None)
            .line_spacing(single().before(40)),
        text,
        &TABLE_TEXT,
    )
}

/// A table across the type area with full borders, its header row marked to repeat (see
/// [`repeat_header_rows`]) and kept whole.
fn grid(table: &Table) -> docx_rs::Table {
    let widths = column_widths(table);
    let mut rows = Vec::with_capacity(table.rows.len() + 1);
    if !table.header.is_empty() {
        let cells = table
            .header
            .iter()
            .zip(&widths)
            .map(|(text, &width)| cell(text, AlignmentType::Center, &TABLE_HEAD, width))
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    for row in &table.rows {
        let cells = row
            .iter()
            .zip(&widths)
            .map(|(c, &width)| match c {
                Cell::Text(text) => cell(text, AlignmentType::Left, &TABLE_TEXT, width),
                Cell::Number { text } => cell(text, AlignmentType::Right, &TABLE_TEXT, width),
            })
            .collect();
        rows.push(TableRow::new(cells));
    }
    let mut grid = docx_rs::Table::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .align(TableAlignmentType::Center)
        .layout(TableLayoutType::Fixed);
    for position in [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        // Half a point.
        grid = grid.set_border(TableBorder::new(position).size(4));
    }
    grid
}

fn cell(text: &str, align: AlignmentType, face: &Face, width: usize) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(with_text(
            paragraph(face)
                .align(align)
                .indent(None, None, None, None)
                .line_spacing(single()),
            text,
            face,
        ))
}

/// Shares the type area's width among the columns by the longest text in each (a Chinese
/// character counting two, a Latin one), within limits so that no column is starved.
fn column_widths(table: &Table) -> Vec<usize> {
    let columns = columns(table);
    if columns == 0 {
        return Vec::new();
    }
    let mut weights = vec![0usize; columns];
    for (weight, text) in weights.iter_mut().zip(&table.header) {
        // Headings may wrap onto two lines.
        *weight = (*weight).max(halves(text).div_ceil(2));
    }
    for row in &table.rows {
        for (weight, c) in weights.iter_mut().zip(row) {
            let (Cell::Text(text) | Cell::Number { text }) = c;
            *weight = (*weight).max(halves(text));
        }
    }
    for weight in &mut weights {
        // Room for the cell's margins, and no column wider than 20 characters.
        *weight = (*weight + 2).clamp(6, 40);
    }
    let total: usize = weights.iter().sum();
    let mut widths: Vec<usize> = weights.iter().map(|w| w * TEXT_WIDTH / total).collect();
    let rest = TEXT_WIDTH - widths.iter().sum::<usize>();
    widths[0] += rest;
    widths
}

/// Width in half-characters: ASCII is half as wide as a Chinese character.
fn halves(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .max()
        .unwrap_or(0)
}

/// The issuer and the date at the end, after one empty line, as 7.3.5.3 places an unsealed
/// signature: the issuer two characters in from the right, the date under it starting two
/// characters further right, and if the date is the longer one, the date two characters
/// in and the issuer moved right to keep the offset. A date alone stands four characters
/// in (7.3.5.1).
fn signature(doc: &Document) -> Vec<Paragraph> {
    let issuer = doc.issuer.as_deref().filter(|s| !s.is_empty());
    let date = doc.date.as_deref().filter(|s| !s.is_empty());
    // Right indents in half-characters.
    let (issuer_right, date_right) = match (issuer, date) {
        (Some(issuer), Some(date)) => {
            let (i, d) = (halves(issuer), halves(date));
            if i >= d + 4 {
                (4, i - d)
            } else {
                (8 + d - i, 4)
            }
        }
        _ => (4, 8),
    };
    let line = |text: &str, right: usize| {
        with_text(
            paragraph(&BODY).align(AlignmentType::Right).indent(
                None,
                None,
                Some(right as i32 * BODY_CHAR / 2),
                None,
            ),
            text,
            &BODY,
        )
    };
    let mut lines = Vec::new();
    if let Some(issuer) = issuer {
        lines.push(line(issuer, issuer_right));
    }
    if let Some(date) = date {
        lines.push(line(date, date_right));
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let spacing = if i == 0 {
                exact(LINE).before(LINE as u32)
            } else {
                exact(LINE)
            };
            p.line_spacing(spacing)
        })
        .collect()
}

/// "— 1 —" in 宋体 四号, one character in from the outer edge: odd pages on the right,
/// even pages on the left (7.5).
fn page_number(align: AlignmentType) -> Footer {
    let one_char = PAGE_NUMBER.size as i32 * 10;
    let indent = match align {
        AlignmentType::Left => (Some(one_char), None),
        _ => (None, Some(one_char)),
    };
    let number = run(&PAGE_NUMBER)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        paragraph(&PAGE_NUMBER)
            .align(align)
            .indent(indent.0, None, indent.1, None)
            .line_spacing(single())
            .add_run(run(&PAGE_NUMBER).add_text("— "))
            .add_run(number)
            .add_run(run(&PAGE_NUMBER).add_text(" —")),
    )
}

/// docx-rs 0.4.22 has no setter for w:tblHeader, so header rows are built with w:cantSplit
/// (which body rows never get) and that mark gains w:tblHeader here. Text cannot contain
/// the pattern: docx-rs escapes `<`.
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    const MARK: &str = "<w:trPr><w:cantSplit />";
    const HEADER: &str = "<w:trPr><w:cantSplit /><w:tblHeader />";
    match std::str::from_utf8(document) {
        Ok(xml) => xml.replace(MARK, HEADER).into_bytes(),
        Err(_) => document.to_vec(),
    }
}

/// docx-rs 0.4.22 writes a fixed font table (Times New Roman, Symbol, Arial); the Chinese
/// fonts are declared here with their GB2312 character set and the names to fall back to.
fn declare_fonts(font_table: &[u8]) -> Vec<u8> {
    let Ok(xml) = std::str::from_utf8(font_table) else {
        return font_table.to_vec();
    };
    let mut fonts = String::new();
    for (name, alternatives) in FONT_TABLE {
        fonts.push_str(&format!(
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alternatives}\" />\
             <w:charset w:val=\"86\" /><w:family w:val=\"auto\" />\
             <w:pitch w:val=\"variable\" /></w:font>"
        ));
    }
    fonts.push_str("</w:fonts>");
    xml.replacen("</w:fonts>", &fonts, 1).into_bytes()
}
