//! The .docx written for a bulletin holding every kind of block, unzipped and read back.

use std::io::{Cursor, Read};

use innozone_documents::{Block, Cell, Document, DocumentError, Table, to_docx};

const ISSUER: &str = "兰州高新技术产业开发区管理委员会";
const DATE: &str = "2026年11月23日";

fn bulletin() -> Document {
    Document {
        title: "兰白科技创新改革试验区\n季度监测数据".into(),
        subtitle: Some("（2026年第三季度）".into()),
        issuer: Some(ISSUER.into()),
        date: Some(DATE.into()),
        blocks: vec![
            Block::heading(1, "一、总体情况"),
            Block::paragraph("前三季度，园区实现营业收入1,234.5亿元，同比增长12.3%。"),
            Block::heading(2, "（一）主要指标"),
            Block::Table(Table {
                caption: "表1 主要经济指标".into(),
                header: vec!["指标".into(), "本期".into(), "同比增长（%）".into()],
                rows: vec![
                    vec![
                        Cell::text("营业收入（亿元）"),
                        Cell::number("1,234.5"),
                        Cell::number("12.3"),
                    ],
                    vec![
                        Cell::text("R&D 经费 <内部支出>"),
                        Cell::number("56.7"),
                        Cell::number("—"),
                    ],
                ],
                notes: vec!["注：本表数据为快报数。".into()],
            }),
            Block::heading(3, "1. 分园区情况"),
            Block::note("注：增长速度按可比口径计算。"),
            Block::PageBreak,
            Block::paragraph("附：指标解释"),
        ],
    }
}

/// One part of the package as text.
fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip archive");
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"));
    let mut xml = String::new();
    file.read_to_string(&mut xml).expect("UTF-8 XML");
    xml
}

fn document_xml(doc: &Document) -> String {
    part(&to_docx(doc).expect("written"), "word/document.xml")
}

/// Every `<w:p>` of a part in order, with the text it shows (`\n` for a line break, `\t`
/// for a tab).
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = paragraph_start(rest) {
        let from = &rest[start..];
        let end = from.find("</w:p>").expect("a closed paragraph") + "</w:p>".len();
        let p = &from[..end];
        found.push((p.to_owned(), text_of(p)));
        rest = &from[end..];
    }
    found
}

fn paragraph_start(xml: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(i) = xml[offset..].find("<w:p") {
        let at = offset + i;
        match xml.as_bytes().get(at + 4) {
            Some(b' ' | b'>') => return Some(at),
            _ => offset = at + 4,
        }
    }
    None
}

fn text_of(p: &str) -> String {
    let mut text = String::new();
    for piece in p.split('<') {
        if piece.starts_with("w:t>") || piece.starts_with("w:t ") {
            let content = &piece[piece.find('>').expect("a tag") + 1..];
            text.push_str(
                &content
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            );
        } else if piece.starts_with("w:br w:type=\"textWrapping\"") {
            text.push('\n');
        } else if piece.starts_with("w:tab ") || piece.starts_with("w:tab/") {
            text.push('\t');
        }
    }
    text
}

/// The paragraph showing exactly `text`.
fn paragraph_showing(xml: &str, text: &str) -> String {
    paragraphs(xml)
        .into_iter()
        .find(|(_, shown)| shown == text)
        .unwrap_or_else(|| panic!("a paragraph showing {text:?}"))
        .0
}

fn fonts(east_asia: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" \
         w:cs=\"Times New Roman\" w:eastAsia=\"{east_asia}\" w:hint=\"eastAsia\" />"
    )
}

fn size(half_points: u32) -> String {
    format!("<w:sz w:val=\"{half_points}\" /><w:szCs w:val=\"{half_points}\" />")
}

const EXACT_LINE: &str = "w:line=\"579\" w:lineRule=\"exact\"";

#[test]
fn chinese_text_round_trips_in_order() {
    let xml = document_xml(&bulletin());
    let shown: Vec<String> = paragraphs(&xml).into_iter().map(|(_, text)| text).collect();
    assert_eq!(
        shown,
        [
            "兰白科技创新改革试验区\n季度监测数据",
            "（2026年第三季度）",
            "一、总体情况",
            "前三季度，园区实现营业收入1,234.5亿元，同比增长12.3%。",
            "（一）主要指标",
            "表1 主要经济指标",
            "指标",
            "本期",
            "同比增长（%）",
            "营业收入（亿元）",
            "1,234.5",
            "12.3",
            "R&D 经费 <内部支出>",
            "56.7",
            "—",
            "注：本表数据为快报数。",
            "",
            "1. 分园区情况",
            "注：增长速度按可比口径计算。",
            "附：指标解释",
            ISSUER,
            DATE,
        ]
    );
}

#[test]
fn page_is_a4_with_the_margins_and_line_grid_of_the_standard() {
    let xml = document_xml(&bulletin());
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\" />"));
    // 37, 26, 35 and 28 mm.
    assert!(
        xml.contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\"")
    );
    assert!(xml.contains("<w:docGrid w:type=\"lines\" w:linePitch=\"579\" />"));
}

#[test]
fn title_and_subtitle_are_centred_in_their_fonts() {
    let xml = document_xml(&bulletin());
    let title = paragraph_showing(&xml, "兰白科技创新改革试验区\n季度监测数据");
    assert!(title.contains(&fonts("方正小标宋简体")));
    assert!(title.contains(&size(44)));
    assert!(title.contains("<w:jc w:val=\"center\" />"));
    let subtitle = paragraph_showing(&xml, "（2026年第三季度）");
    assert!(subtitle.contains(&fonts("楷体_GB2312")));
    assert!(subtitle.contains(&size(32)));
    // One empty line before the body.
    assert!(subtitle.contains("w:after=\"579\""));
}

#[test]
fn headings_take_the_fonts_of_their_level() {
    let xml = document_xml(&bulletin());
    for (text, font, bold, level) in [
        ("一、总体情况", "黑体", false, 0),
        ("（一）主要指标", "楷体_GB2312", false, 1),
        ("1. 分园区情况", "仿宋_GB2312", true, 2),
    ] {
        let p = paragraph_showing(&xml, text);
        assert!(p.contains(&fonts(font)), "{text}: {p}");
        assert!(p.contains(&size(32)), "{text}");
        assert_eq!(p.contains("<w:b />"), bold, "{text}");
        assert!(p.contains(&format!("<w:outlineLvl w:val=\"{level}\" />")));
        assert!(p.contains("w:firstLine=\"640\""), "{text}");
        assert!(p.contains(EXACT_LINE), "{text}");
    }
}

#[test]
fn body_is_fangsong_indented_two_characters_on_fixed_lines() {
    let xml = document_xml(&bulletin());
    let p = paragraph_showing(
        &xml,
        "前三季度，园区实现营业收入1,234.5亿元，同比增长12.3%。",
    );
    assert!(p.contains(&fonts("仿宋_GB2312")));
    assert!(p.contains(&size(32)));
    assert!(p.contains("<w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"640\" />"));
    assert!(p.contains(EXACT_LINE));
    assert!(p.contains("<w:jc w:val=\"both\" />"));
    assert!(!p.contains("<w:b />"));
    // Text without formatting of its own is 仿宋 三号 too.
    let styles = part(&to_docx(&bulletin()).unwrap(), "word/styles.xml");
    assert!(styles.contains(&fonts("仿宋_GB2312")));
}

#[test]
fn notes_are_small_print() {
    let xml = document_xml(&bulletin());
    let p = paragraph_showing(&xml, "注：增长速度按可比口径计算。");
    assert!(p.contains(&fonts("仿宋_GB2312")));
    assert!(p.contains(&size(28)));
}

#[test]
fn tables_have_borders_a_repeated_bold_header_and_right_aligned_numbers() {
    let xml = document_xml(&bulletin());

    let caption = paragraph_showing(&xml, "表1 主要经济指标");
    assert!(caption.contains(&fonts("黑体")));
    assert!(caption.contains("<w:jc w:val=\"center\" />"));
    assert!(caption.contains("<w:keepNext />"));
    assert!(xml.find("表1 主要经济指标").unwrap() < xml.find("<w:tbl>").unwrap());

    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        assert!(
            xml.contains(&format!("<w:{side} w:val=\"single\" w:sz=\"4\"")),
            "{side} border"
        );
    }

    let rows: Vec<&str> = xml.split("<w:tr>").skip(1).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].starts_with("<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>"));
    assert!(rows[1..].iter().all(|row| !row.contains("w:tblHeader")));
    assert_eq!(xml.matches("<w:tblHeader />").count(), 1);

    for heading in ["指标", "本期", "同比增长（%）"] {
        let p = paragraph_showing(rows[0], heading);
        assert!(p.contains("<w:b />"), "{heading} bold");
        assert!(p.contains(&fonts("宋体")));
        assert!(p.contains(&size(21)));
    }
    for number in ["1,234.5", "12.3", "56.7", "—"] {
        let p = paragraph_showing(&xml, number);
        assert!(p.contains("<w:jc w:val=\"right\" />"), "{number} right");
        assert!(p.contains(&size(21)));
        assert!(!p.contains("<w:b />"));
    }
    let text = paragraph_showing(&xml, "营业收入（亿元）");
    assert!(text.contains("<w:jc w:val=\"left\" />"));
    assert!(text.contains(&fonts("宋体")));
    assert!(!text.contains("firstLine"));

    let note = paragraph_showing(&xml, "注：本表数据为快报数。");
    assert!(note.contains(&fonts("宋体")));
    assert!(xml.find("注：本表数据为快报数。").unwrap() > xml.find("</w:tbl>").unwrap());
}

#[test]
fn page_numbers_in_the_footer_read_dash_number_dash() {
    let docx = to_docx(&bulletin()).unwrap();
    let xml = part(&docx, "word/document.xml");
    assert!(xml.contains("<w:footerReference w:type=\"default\""));
    assert!(xml.contains("<w:footerReference w:type=\"even\""));
    assert!(part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders />"));

    let songti = "<w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" w:cs=\"宋体\" w:eastAsia=\"宋体\"";
    for (name, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let footer = part(&docx, name);
        let found = paragraphs(&footer);
        assert_eq!(found.len(), 1, "{name}");
        let (p, text) = &found[0];
        assert_eq!(text, "— 1 —", "{name}");
        assert!(p.contains("<w:instrText>PAGE</w:instrText>"), "{name}");
        assert!(p.contains(&format!("<w:jc w:val=\"{side}\" />")), "{name}");
        assert!(
            p.contains(&format!("w:{side}=\"280\"")),
            "{name}: one character in"
        );
        assert_eq!(p.matches(songti).count(), 4, "{name}: mark and three runs");
        assert_eq!(p.matches(&size(28)).count(), 4, "{name}");
    }
}

#[test]
fn issuer_and_date_close_the_document_right_aligned() {
    let xml = document_xml(&bulletin());
    let issuer = paragraph_showing(&xml, ISSUER);
    let date = paragraph_showing(&xml, DATE);
    for p in [&issuer, &date] {
        assert!(p.contains("<w:jc w:val=\"right\" />"));
        assert!(p.contains(&fonts("仿宋_GB2312")));
    }
    // The issuer two characters in; the date under it starting two characters further
    // right: 16 characters against 3 and 8 half-width digits (7), so 9 characters in.
    assert!(issuer.contains("w:right=\"640\""));
    assert!(date.contains("w:right=\"2880\""));
    assert!(issuer.contains("w:before=\"579\""));
    assert!(xml.rfind(DATE).unwrap() > xml.rfind(ISSUER).unwrap());

    // A date longer than the issuer stands two characters in and pushes the issuer right.
    let short = document_xml(&Document {
        issuer: Some("管委会".into()),
        ..bulletin()
    });
    assert!(paragraph_showing(&short, DATE).contains("w:right=\"640\""));
    // 2 + 7 + 2 - 3 = 8 characters.
    assert!(paragraph_showing(&short, "管委会").contains("w:right=\"2560\""));
}

#[test]
fn a_page_break_starts_the_next_block_on_a_new_page() {
    let xml = document_xml(&bulletin());
    assert!(paragraph_showing(&xml, "附：指标解释").contains("<w:pageBreakBefore />"));
    assert_eq!(xml.matches("<w:pageBreakBefore />").count(), 1);

    // With nothing after it, the break is a paragraph of its own.
    let trailing = document_xml(&Document {
        title: "标题".into(),
        blocks: vec![Block::PageBreak],
        ..Document::default()
    });
    assert!(trailing.contains("<w:br w:type=\"page\" />"));
}

#[test]
fn font_table_names_fallbacks_for_missing_chinese_fonts() {
    let fonts = part(&to_docx(&bulletin()).unwrap(), "word/fontTable.xml");
    for (font, fallback) in [
        ("方正小标宋简体", "宋体"),
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
    ] {
        assert!(
            fonts.contains(&format!(
                "<w:font w:name=\"{font}\"><w:altName w:val=\"{fallback},"
            )),
            "{font}"
        );
    }
}

#[test]
fn line_breaks_tabs_and_control_characters() {
    let xml = document_xml(&Document {
        title: "标题".into(),
        blocks: vec![Block::paragraph("甲\t乙\u{7}丙\r\n丁")],
        ..Document::default()
    });
    paragraph_showing(&xml, "甲\t乙丙\n丁");
    assert!(!xml.contains('\u{7}'));
}

#[test]
fn a_bare_document_is_written() {
    let docx = to_docx(&Document::default()).unwrap();
    assert!(part(&docx, "word/document.xml").contains("<w:body>"));
}

#[test]
fn bad_heading_levels_and_ragged_rows_are_refused() {
    for level in [0, 4] {
        let doc = Document {
            blocks: vec![Block::heading(level, "五、其他")],
            ..Document::default()
        };
        assert!(matches!(
            to_docx(&doc),
            Err(DocumentError::HeadingLevel { level: l, .. }) if l == level
        ));
    }

    let doc = Document {
        blocks: vec![Block::Table(Table {
            caption: "表2".into(),
            header: vec!["园区".into(), "企业数".into()],
            rows: vec![
                vec![Cell::text("兰州"), Cell::number("12")],
                vec![Cell::text("白银")],
            ],
            notes: vec![],
        })],
        ..Document::default()
    };
    let err = to_docx(&doc).unwrap_err();
    assert!(matches!(
        err,
        DocumentError::RowWidth {
            row: 2,
            cells: 1,
            columns: 2,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "row 2 of the table \"表2\" has 1 cells, not 2"
    );
}

#[test]
fn a_table_without_header_takes_its_width_from_the_first_row() {
    let xml = document_xml(&Document {
        blocks: vec![Block::Table(Table {
            rows: vec![vec![Cell::text("甲"), Cell::number("1")]],
            ..Table::default()
        })],
        ..Document::default()
    });
    assert!(!xml.contains("w:tblHeader"));
    assert_eq!(xml.matches("<w:gridCol ").count(), 2);
}
