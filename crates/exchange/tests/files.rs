//! Real files: written to disk, read back from disk, and checked cell by cell.

use std::path::{Path, PathBuf};

use calamine::Reader;
use innozone_domain::registry::import::{
    ENTERPRISE_COLUMNS, ImportProblem, UNIT_COLUMNS, parse_enterprise_rows, parse_unit_rows,
};
use innozone_domain::registry::{
    HighTechField, RegistrationType, SizeClass, SpatialRole, UnitKind,
};
use innozone_domain::table::{Cell, Position, Table};
use innozone_exchange::{
    FileFormat, NOTES_SHEET, ReadError, SheetData, Value, read_table, template_xlsx, write_csv,
    write_xlsx,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use time::macros::date;

/// Writes `bytes` to `name` in `dir` and returns the path.
fn save(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads a file from disk the way an upload is read: format from the name.
fn load(path: &Path, sheet: Option<&str>) -> Result<Table, ReadError> {
    let name = path.file_name().unwrap().to_str().unwrap();
    let format = FileFormat::from_path(path).expect("a known extension");
    read_table(name, &std::fs::read(path).unwrap(), format, sheet)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

#[test]
fn xlsx_round_trip_keeps_types_and_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    // A sheet as users make them: two blank rows (one with a formatted but empty cell),
    // the table starting in column B, a blank row inside the data.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("名录").unwrap();
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_blank(1, 3, &bold).unwrap();
    for (c, header) in ["单位名称", "面积", "入园日期", "备注"].iter().enumerate() {
        sheet
            .write_string_with_format(2, 1 + c as u16, *header, &bold)
            .unwrap();
    }
    sheet.write_string(3, 1, "雁滩园区").unwrap();
    sheet.write_number(3, 2, 12.5).unwrap();
    sheet
        .write_datetime_with_format(
            3,
            3,
            ExcelDateTime::from_ymd(2018, 3, 1).unwrap(),
            &date_format,
        )
        .unwrap();
    sheet.write_string(3, 4, "  ").unwrap();
    sheet.write_string(4, 1, "高新区").unwrap();
    sheet.write_number(4, 2, 2710.0).unwrap();
    sheet.write_boolean(4, 4, true).unwrap();
    sheet.write_string(6, 1, "九州").unwrap();
    sheet
        .write_datetime_with_format(
            6,
            3,
            ExcelDateTime::from_ymd(2024, 2, 29).unwrap(),
            &date_format,
        )
        .unwrap();
    let path = save(dir.path(), "名录.xlsx", &workbook.save_to_buffer().unwrap());

    let table = load(&path, None).unwrap();
    assert_eq!(table.sheet.as_deref(), Some("名录"));
    // Row 3 in Excel; the headers start in column B, so column A's header is empty and
    // every column number is the one Excel shows.
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, ["", "单位名称", "面积", "入园日期", "备注"]);
    let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [4, 5, 7]);
    assert_eq!(
        table.rows[0].cells,
        [
            Cell::Empty,
            text("雁滩园区"),
            Cell::Number(12.5),
            Cell::Date(date!(2018 - 03 - 01))
        ]
    );
    assert_eq!(
        table.rows[1].cells,
        [
            Cell::Empty,
            text("高新区"),
            Cell::Number(2710.0),
            Cell::Empty,
            Cell::Bool(true)
        ]
    );
    assert_eq!(
        table.rows[2].cells,
        [
            Cell::Empty,
            text("九州"),
            Cell::Empty,
            Cell::Date(date!(2024 - 02 - 29))
        ]
    );
}

#[test]
fn written_workbook_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = SheetData {
        name: "企业".into(),
        headers: vec![
            "统一社会信用代码 (credit_code)".into(),
            "企业名称".into(),
            "从业人员".into(),
            "营业收入".into(),
            "入园日期".into(),
        ],
        rows: vec![
            vec![
                "914403001922038216".into(),
                "华为技术有限公司".into(),
                Value::Integer(207_000),
                Value::Number(7_042.5),
                Value::Date(date!(2018 - 03 - 01)),
            ],
            vec![
                Value::Empty,
                Value::Empty,
                Value::Empty,
                Value::Empty,
                Value::Empty,
            ],
            // A code given as a number is kept as text when it is too long for Excel.
            vec![
                Value::Integer(914_403_001_922_038_216),
                "腾讯".into(),
                Value::Empty,
                Value::Number(f64::NAN),
                Value::Empty,
            ],
        ],
    };
    let path = save(
        dir.path(),
        "企业.xlsx",
        &write_xlsx(std::slice::from_ref(&sheet)).unwrap(),
    );
    let table = load(&path, Some("企业")).unwrap();
    assert_eq!(table.header_row, 1);
    assert_eq!(table.headers, sheet.headers);
    // The empty row 3 is skipped; row numbers still count it.
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].number, 2);
    assert_eq!(
        table.rows[0].cells,
        [
            text("914403001922038216"),
            text("华为技术有限公司"),
            Cell::Number(207_000.0),
            Cell::Number(7_042.5),
            Cell::Date(date!(2018 - 03 - 01)),
        ]
    );
    assert_eq!(table.rows[1].number, 4);
    assert_eq!(
        table.rows[1].cells,
        [text("914403001922038216"), text("腾讯")]
    );

    // A bold, filled header row; text cells formatted as text so that what is typed there
    // later stays text.
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let styles = workbook.worksheet_style("企业").unwrap();
    let header = styles.get((0, 0)).unwrap();
    assert!(header.font.as_ref().unwrap().is_bold());
    assert!(header.fill.as_ref().unwrap().is_visible());
    assert_eq!(
        styles
            .get((1, 0))
            .unwrap()
            .number_format
            .as_ref()
            .unwrap()
            .format_code,
        "@"
    );
}

#[test]
fn a_credit_code_survives_as_text_and_a_numeric_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let headers: Vec<String> = ENTERPRISE_COLUMNS
        .iter()
        .map(|c| c.label_zh.to_string())
        .collect();
    let row = |code: Value| {
        vec![
            code,
            "华为技术有限公司".into(),
            "3919".into(),
            Value::Empty,
            "规上".into(),
            "股份有限公司".into(),
            "SZ-HT".into(),
        ]
    };
    let text_sheet = SheetData {
        name: "企业".into(),
        headers: headers.clone(),
        rows: vec![row("914403001922038216".into())],
    };
    let path = save(dir.path(), "text.xlsx", &write_xlsx(&[text_sheet]).unwrap());
    let rows = parse_enterprise_rows(&load(&path, None).unwrap()).unwrap();
    assert_eq!(rows[0].draft.credit_code.as_str(), "914403001922038216");

    // What Excel makes of a code typed into a general cell: a number of 15 significant
    // digits, shown as 9.14403E+17.
    let number_sheet = SheetData {
        name: "企业".into(),
        headers,
        rows: vec![row(Value::Number(914_403_001_922_038_000.0))],
    };
    let path = save(
        dir.path(),
        "number.xlsx",
        &write_xlsx(&[number_sheet]).unwrap(),
    );
    let issues = parse_enterprise_rows(&load(&path, None).unwrap()).unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].position,
        Position {
            sheet: Some("企业".into()),
            row: 2,
            column: Some(1)
        }
    );
    assert_eq!(issues[0].field, Some("credit_code"));
    assert_eq!(
        issues[0].problem,
        ImportProblem::CodeStoredAsNumber {
            value: "914403001922038000".into()
        }
    );
}

#[test]
fn gbk_csv_with_chinese_headers_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let content = "统一社会信用代码,企业名称,行业代码,规模,登记注册类型,所在园区代码,入园日期\r\n\
                   914403001922038216,华为技术有限公司,3919,规上,股份有限公司,SZ-HT,2018/3/1\r\n\
                   \r\n\
                   9144030071526726XG,\"腾讯科技(深圳)有限公司, 南山\",6513,规上,有限责任公司,SZ-HT,\r\n";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(content);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test needs bytes that are not UTF-8"
    );
    let path = save(dir.path(), "企业.csv", &bytes);

    let table = load(&path, None).unwrap();
    assert_eq!(table.sheet, None);
    assert_eq!(table.header_row, 1);
    assert_eq!(table.headers[0], "统一社会信用代码");
    assert_eq!(table.headers[6], "入园日期");
    assert_eq!(
        table.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
        [2, 4]
    );
    assert_eq!(table.rows[1].cells[1], text("腾讯科技(深圳)有限公司, 南山"));
    assert_eq!(table.rows[1].cells[6], Cell::Empty);

    let rows = parse_enterprise_rows(&table).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].draft.name, "华为技术有限公司");
    assert_eq!(rows[0].located_since, Some(date!(2018 - 03 - 01)));
    assert_eq!(rows[1].draft.credit_code.as_str(), "9144030071526726XG");
    assert_eq!(
        rows[1].draft.registration_type,
        RegistrationType::LimitedLiability
    );
}

#[test]
fn utf8_csv_with_bom_counts_lines_as_shown() {
    let dir = tempfile::tempdir().unwrap();
    // A blank first line, a quoted field over two lines, and a blank line before the last row.
    let content = "\n单位代码,单位名称,主导产业\n\
                   LB-GX-YT,雁滩园区,\"总部经济\n科技研发\"\n\
                   \n\
                   LB-GX-JZ,九州园区,0931\n";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(content.as_bytes());
    let path = save(dir.path(), "单位.csv", &bytes);

    let table = load(&path, None).unwrap();
    assert_eq!(table.header_row, 2);
    // No stray byte order mark in the first header.
    assert_eq!(table.headers, ["单位代码", "单位名称", "主导产业"]);
    assert_eq!(table.rows[0].number, 3);
    assert_eq!(table.rows[0].cells[2], text("总部经济\n科技研发"));
    // Line 4 is the second half of the quoted field, line 5 is blank.
    assert_eq!(table.rows[1].number, 6);
    // CSV fields stay text: the leading zero survives.
    assert_eq!(table.rows[1].cells[2], text("0931"));
}

#[test]
fn written_csv_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = SheetData {
        name: "单位".into(),
        headers: vec![
            "单位代码 (code)".into(),
            "面积(平方公里)".into(),
            "隶属起始日期".into(),
        ],
        rows: vec![vec![
            "LB-GX".into(),
            Value::Number(12.5),
            Value::Date(date!(2015 - 01 - 01)),
        ]],
    };
    let bytes = write_csv(&sheet);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let table = load(&save(dir.path(), "单位.csv", &bytes), None).unwrap();
    assert_eq!(table.headers, sheet.headers);
    assert_eq!(table.rows[0].number, 2);
    assert_eq!(
        table.rows[0].cells,
        [text("LB-GX"), text("12.5"), text("2015-01-01")]
    );
}

/// Text a spreadsheet would run as a formula is written with Excel's text apostrophe, so
/// opening an export cannot run anything, and it reads back as it was.
#[test]
fn formula_like_text_is_defused_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let risky = [
        "=HYPERLINK(\"http://x\")",
        "+86 931 8888888",
        "-5 号楼",
        "@SUM(A1)",
    ];
    let sheet = SheetData {
        name: "企业".into(),
        headers: vec!["name".into()],
        rows: risky
            .iter()
            .map(|t| vec![Value::from(*t)])
            .chain([vec![Value::Integer(-3)]])
            .collect(),
    };
    let bytes = write_csv(&sheet);
    let written = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\"");
    assert_eq!(lines[2], "'+86 931 8888888");
    assert_eq!(lines[3], "'-5 号楼");
    assert_eq!(lines[4], "'@SUM(A1)");
    // Numbers are not text: a negative number stays a number.
    assert_eq!(lines[5], "-3");
    let table = load(&save(dir.path(), "企业.csv", &bytes), None).unwrap();
    let read: Vec<Cell> = table.rows.iter().map(|r| r.cells[0].clone()).collect();
    let mut expected: Vec<Cell> = risky.iter().map(|t| text(t)).collect();
    expected.push(text("-3"));
    assert_eq!(read, expected);
    // An apostrophe before anything else is the user's own and is kept.
    let own = load(
        &save(dir.path(), "own.csv", "name\n'quoted\n".as_bytes()),
        None,
    )
    .unwrap();
    assert_eq!(own.rows[0].cells, [text("'quoted")]);
}

#[test]
fn undecodable_csv_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    // GBK text, then a byte that is not GBK (0xFF never is) on line 3.
    let (gbk, _, _) = encoding_rs::GBK.encode("单位代码,单位名称\r\nLB,兰白\r\nJZ,");
    let mut bytes = gbk.into_owned();
    bytes.extend_from_slice(b"\xFF\xFF\r\n");
    let err = load(&save(dir.path(), "坏.csv", &bytes), None).unwrap_err();
    assert_eq!(
        err,
        ReadError::Undecodable {
            file: "坏.csv".into(),
            line: 3,
            encoding: "GBK/GB18030"
        }
    );
    assert!(
        err.to_string()
            .starts_with("坏.csv: line 3 is not valid GBK/GB18030 text")
    );
}

#[test]
fn bad_files_give_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Pseudo-random bytes from a fixed linear congruential sequence: the same every run.
    let mut state: u32 = 20_241_101;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    let err = load(&save(dir.path(), "随机.xlsx", &random), None).unwrap_err();
    assert!(
        matches!(&err, ReadError::NotXlsx { file, .. } if file == "随机.xlsx"),
        "{err:?}"
    );

    // A real workbook cut short, as by a broken download.
    let sheet = SheetData {
        name: "企业".into(),
        headers: vec!["a".into()],
        rows: vec![vec!["b".into()]],
    };
    let whole = write_xlsx(&[sheet]).unwrap();
    let err = load(
        &save(dir.path(), "半截.xlsx", &whole[..whole.len() / 2]),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, ReadError::NotXlsx { .. } | ReadError::Corrupt { .. }),
        "{err:?}"
    );

    // An old .xls (an OLE compound file) renamed to .xlsx.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(1024, 0);
    let err = load(&save(dir.path(), "旧.xlsx", &ole), None).unwrap_err();
    assert!(err.to_string().contains(".xls"), "{err}");

    let err = load(&save(dir.path(), "空.xlsx", b""), None).unwrap_err();
    assert_eq!(
        err,
        ReadError::EmptyFile {
            file: "空.xlsx".into()
        }
    );
    let err = load(
        &save(dir.path(), "空.csv", b"\xEF\xBB\xBF\r\n , \r\n"),
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ReadError::NoData {
            file: "空.csv".into(),
            sheet: None
        }
    );

    // Every random prefix of a workbook, and every byte flipped in one, gives an error or
    // a table, never a panic.
    for cut in (0..whole.len()).step_by(97) {
        let _ = read_table("cut.xlsx", &whole[..cut], FileFormat::Xlsx, None);
    }
    for i in (0..whole.len()).step_by(13) {
        let mut flipped = whole.clone();
        flipped[i] ^= 0x5A;
        let _ = read_table("flip.xlsx", &flipped, FileFormat::Xlsx, None);
    }
    let _ = read_table("random.csv", &random, FileFormat::Csv, None);
}

#[test]
fn missing_sheet_lists_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = |name: &str| SheetData {
        name: name.into(),
        headers: vec!["代码".into()],
        rows: vec![vec!["A".into()]],
    };
    let path = save(
        dir.path(),
        "册.xlsx",
        &write_xlsx(&[sheet("单位"), sheet("Enterprises")]).unwrap(),
    );
    let err = load(&path, Some("企业")).unwrap_err();
    assert_eq!(
        err,
        ReadError::SheetNotFound {
            file: "册.xlsx".into(),
            sheet: "企业".into(),
            available: vec!["单位".into(), "Enterprises".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "册.xlsx: there is no sheet '企业'; the sheets are '单位', 'Enterprises'"
    );
    // Sheet names are matched as Excel matches them, without regard to case.
    assert_eq!(
        load(&path, Some("enterprises")).unwrap().sheet.as_deref(),
        Some("Enterprises")
    );
}

#[test]
fn error_cells_are_reported_with_their_positions() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "单位代码").unwrap();
    sheet.write_string(0, 1, "面积").unwrap();
    sheet.write_string(1, 0, "LB").unwrap();
    sheet
        .write_formula(1, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    sheet.write_string(2, 0, "JZ").unwrap();
    sheet
        .write_formula(2, 1, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    // Right of the last header: no import reads it, so it is no reason to refuse the file.
    sheet
        .write_formula(2, 5, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let path = save(dir.path(), "公式.xlsx", &workbook.save_to_buffer().unwrap());
    match load(&path, None).unwrap_err() {
        ReadError::ErrorCells { file, cells } => {
            assert_eq!(file, "公式.xlsx");
            let found: Vec<(String, &str)> = cells
                .iter()
                .map(|c| (c.position.to_string(), c.error.as_str()))
                .collect();
            assert_eq!(
                found,
                [
                    ("Sheet1!B2".to_string(), "#DIV/0!"),
                    ("Sheet1!B3".to_string(), "#N/A")
                ]
            );
        }
        other => panic!("expected error cells, got {other:?}"),
    }
}

#[test]
fn enterprise_template_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = template_xlsx("企业", &ENTERPRISE_COLUMNS, "企业导入说明").unwrap();
    let path = save(dir.path(), "企业导入模板.xlsx", &bytes);
    let table = load(&path, None).unwrap();
    assert_eq!(table.sheet.as_deref(), Some("企业"));
    let expected: Vec<String> = ENTERPRISE_COLUMNS
        .iter()
        .map(|c| c.template_header())
        .collect();
    assert_eq!(table.headers, expected);
    assert_eq!(table.headers[0], "统一社会信用代码 (credit_code)");
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].number, 2);
    // The code columns come back as text, the date as a date.
    assert_eq!(table.rows[0].cells[0], text("914403001922038216"));
    assert_eq!(table.rows[0].cells[2], text("6511"));
    assert_eq!(table.rows[0].cells[7], Cell::Date(date!(2018 - 03 - 01)));

    let rows = parse_enterprise_rows(&table).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.row, 2);
    assert_eq!(row.draft.credit_code.as_str(), "914403001922038216");
    assert_eq!(row.draft.name, "兰州某某科技有限公司");
    assert_eq!(row.draft.industry.as_str(), "6511");
    assert_eq!(
        row.draft.high_tech_field,
        Some(HighTechField::ElectronicInformation)
    );
    assert_eq!(row.draft.size_class, SizeClass::AboveScale);
    assert_eq!(
        row.draft.registration_type,
        RegistrationType::LimitedLiability
    );
    assert_eq!(row.park.as_str(), "LB-GX-YT");
    assert_eq!(row.located_since, Some(date!(2018 - 03 - 01)));
    assert_eq!(row.draft.contact_name.as_deref(), Some("张伟"));
    assert_eq!(row.draft.contact_phone.as_deref(), Some("0931-8888888"));
    assert_eq!(row.in_survey, Some(true));
    assert!(row.draft.in_survey);

    // Required headers are red, all headers bold; the example row is in italics, its
    // credit code formatted as text and its date as a date.
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(workbook.sheet_names(), ["企业", NOTES_SHEET]);
    let styles = workbook.worksheet_style("企业").unwrap();
    let font = |row: u32, column: u32| {
        styles
            .get((row, column))
            .and_then(|s| s.font.clone())
            .unwrap_or_default()
    };
    let number_format = |row: u32, column: u32| {
        styles
            .get((row, column))
            .and_then(|s| s.number_format.clone())
            .map(|f| f.format_code)
            .unwrap_or_default()
    };
    for (c, spec) in ENTERPRISE_COLUMNS.iter().enumerate() {
        let header = font(0, c as u32);
        assert!(header.is_bold(), "{}", spec.key);
        assert_eq!(
            header.color == Some(calamine::Color::rgb(0xC0, 0, 0)),
            spec.required,
            "{}",
            spec.key
        );
    }
    assert!(font(1, 0).is_italic());
    assert_eq!(number_format(1, 0), "@");
    assert_eq!(number_format(1, 7), "yyyy-mm-dd");

    // The notes sheet is for people, not for import (its title is its first row): it is
    // read here cell by cell.
    let notes = workbook.worksheet_range(NOTES_SHEET).unwrap();
    let at = |row: u32, column: u32| {
        notes
            .get_value((row, column))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(at(0, 0), "企业导入说明");
    let first = (0..notes.height() as u32)
        .find(|r| at(*r, 0) == "列标题 Column")
        .expect("a header row")
        + 1;
    for (i, spec) in ENTERPRISE_COLUMNS.iter().enumerate() {
        let row = first + i as u32;
        let required = if spec.required {
            "必填 required"
        } else {
            "选填 optional"
        };
        assert_eq!(
            [at(row, 0), at(row, 1), at(row, 2), at(row, 3)],
            [
                spec.template_header(),
                required.to_string(),
                spec.label_en.to_string(),
                spec.example.to_string()
            ]
        );
    }
}

#[test]
fn unit_template_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = save(
        dir.path(),
        "单位导入模板.xlsx",
        &template_xlsx("单位", &UNIT_COLUMNS, "填写说明").unwrap(),
    );
    let table = load(&path, None).unwrap();
    let expected: Vec<String> = UNIT_COLUMNS.iter().map(|c| c.template_header()).collect();
    assert_eq!(table.headers, expected);
    assert_eq!(table.rows[0].cells[6], Cell::Number(12.5));

    let rows = parse_unit_rows(&table).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.row, 2);
    assert_eq!(row.draft.code.as_str(), "LB-GX-YT");
    assert_eq!(row.draft.name_zh, "雁滩园区");
    assert_eq!(row.draft.name_en.as_deref(), Some("Yantan Park"));
    assert_eq!(row.draft.kind, UnitKind::Park);
    assert_eq!(row.parent.as_ref().map(|p| p.as_str()), Some("LB-GX"));
    assert_eq!(row.member_since, Some(date!(2015 - 01 - 01)));
    assert_eq!(row.draft.area_km2, Some(12.5));
    assert_eq!(row.draft.population, None);
    assert_eq!(
        row.draft.leading_industries,
        ["总部经济", "科技研发", "科技孵化"]
    );
    assert_eq!(row.draft.spatial_role, Some(SpatialRole::Radiation));
}

#[test]
fn template_sheet_names_are_checked() {
    assert!(template_xlsx(NOTES_SHEET, &UNIT_COLUMNS, "说明").is_err());
    assert!(template_xlsx("单位:2024", &UNIT_COLUMNS, "说明").is_err());
}
