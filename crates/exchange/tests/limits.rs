//! Files built to be larger inside than outside: a workbook that unpacks to hundreds of
//! megabytes, sheets with more rows, cells or text than the limits, a CSV line of a
//! million fields. Each is refused with its limit named, and the memory reading it took is
//! measured here, in this test process: a counting allocator records the peak of the bytes
//! held, which must stay a few megabytes while what the file holds is hundreds.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use innozone_exchange::{FileFormat, ReadError, ReadLimits, read_table_within};
use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;

/// Every allocation of the process, counted.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = HELD.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            HELD.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time: the counts are the process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const MIB: usize = 1024 * 1024;

/// The most bytes held at once, above what was held before, while `f` runs.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = HELD.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let out = f();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(before);
    (out, peak)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

/// A workbook made by hand, as a forger would: the parts an xlsx needs, the sheet's
/// rows written by `rows` straight into the deflater (so that building a bomb of hundreds
/// of megabytes holds only the compressed bytes), and optionally a table of shared texts.
fn workbook(rows: impl FnOnce(&mut dyn Write), shared_strings: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, text: &[u8]| {
        zip.start_file(name, options).unwrap();
        zip.write_all(text).unwrap();
    };
    part(
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            .as_bytes(),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    if let Some(text) = shared_strings {
        part("xl/sharedStrings.xml", text);
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>"#,
    )
    .unwrap();
    rows(&mut zip);
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap().into_inner()
}

/// `count` rows after the header, each the same `cells` number cells: without row or cell
/// references (calamine counts them), so that every row is the same bytes and deflates to
/// almost nothing. Returns how many bytes the sheet's rows unpack to.
fn repeated_rows(out: &mut dyn Write, count: usize, cells: usize) -> usize {
    let mut row = String::from("<row>");
    for _ in 0..cells {
        row.push_str("<c><v>1</v></c>");
    }
    row.push_str("</row>");
    let chunk = row.repeat(1_000);
    for _ in 0..count / 1_000 {
        out.write_all(chunk.as_bytes()).unwrap();
    }
    count / 1_000 * chunk.len()
}

fn read_xlsx(bytes: &[u8], limits: &ReadLimits) -> Result<usize, ReadError> {
    read_table_within("炸弹.xlsx", bytes, FileFormat::Xlsx, None, limits).map(|t| t.rows.len())
}

#[test]
fn a_workbook_of_the_same_making_reads_when_small() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let book = workbook(
        |out| {
            repeated_rows(out, 3_000, 2);
        },
        None,
    );
    let table = read_table_within(
        "小.xlsx",
        &book,
        FileFormat::Xlsx,
        None,
        &ReadLimits::DEFAULT,
    )
    .unwrap();
    assert_eq!(table.headers, ["code", "value"]);
    assert_eq!(table.rows.len(), 3_000);
    assert_eq!(table.rows[0].number, 2);
}

#[test]
fn a_zip_bomb_is_refused_while_it_unpacks_in_bounded_memory() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut unpacked = 0;
    let bomb = workbook(|out| unpacked = repeated_rows(out, 1_000_000, 20), None);
    assert!(
        unpacked > 256 * MIB,
        "the sheet unpacks to {}",
        mib(unpacked)
    );
    assert!(
        bomb.len() < 4 * MIB,
        "the bomb is {} on disk",
        mib(bomb.len())
    );

    let (result, peak) = peak_of(|| read_xlsx(&bomb, &ReadLimits::DEFAULT));
    assert_eq!(
        result,
        Err(ReadError::Unpacked {
            file: "炸弹.xlsx".into(),
            limit: 128 * MIB as u64,
        })
    );
    eprintln!(
        "zip bomb: {} on disk, {} unpacked ({} cells); refused holding at most {}",
        mib(bomb.len()),
        mib(unpacked),
        20_000_000,
        mib(peak)
    );
    assert!(peak < 16 * MIB, "reading the bomb held {}", mib(peak));
}

#[test]
fn rows_and_cells_are_counted_while_the_sheet_streams() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let bomb = workbook(
        |out| {
            repeated_rows(out, 1_000_000, 20);
        },
        None,
    );
    // Past the unpacking (its limit raised above what the bomb unpacks to), the sheet's
    // own limits stop the reading at their count, long before its 20 million cells.
    let unpacked = 1024 * MIB as u64;
    let rows = ReadLimits {
        unpacked_bytes: unpacked,
        rows: 1_000,
        cells: 100_000_000,
    };
    let (result, peak) = peak_of(|| read_xlsx(&bomb, &rows));
    assert_eq!(
        result,
        Err(ReadError::TooManyRows {
            file: "炸弹.xlsx".into(),
            sheet: Some("企业".into()),
            limit: 1_000,
        })
    );
    assert!(peak < 16 * MIB, "{}", mib(peak));
    let cells = ReadLimits {
        unpacked_bytes: unpacked,
        rows: 10_000_000,
        cells: 100_000,
    };
    let (result, peak) = peak_of(|| read_xlsx(&bomb, &cells));
    assert_eq!(
        result,
        Err(ReadError::TooManyCells {
            file: "炸弹.xlsx".into(),
            sheet: Some("企业".into()),
            limit: 100_000,
        })
    );
    eprintln!(
        "20 million cells, stopped at 100,000 holding at most {}",
        mib(peak)
    );
    assert!(peak < 32 * MIB, "{}", mib(peak));
    assert_eq!(
        read_xlsx(&bomb, &cells).unwrap_err().to_string(),
        "炸弹.xlsx: sheet '企业' has more than 100000 cells; at most that many are read at once"
    );
}

#[test]
fn a_forged_count_of_shared_texts_is_refused_before_room_is_made_for_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // calamine reserves room for the declared count before reading one text: four billion
    // would be a hundred gigabytes.
    let forged = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
    let book = workbook(|_| {}, Some(forged));
    let (result, peak) = peak_of(|| read_xlsx(&book, &ReadLimits::DEFAULT));
    assert_eq!(
        result,
        Err(ReadError::TooManyCells {
            file: "炸弹.xlsx".into(),
            sheet: None,
            limit: ReadLimits::DEFAULT.cells,
        })
    );
    assert!(peak < 4 * MIB, "{}", mib(peak));
    // An honest count reads.
    let honest = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>a</t></si></sst>"#;
    let book = workbook(|_| {}, Some(honest));
    assert!(read_xlsx(&book, &ReadLimits::DEFAULT).is_ok());
}

#[test]
fn one_shared_text_shown_in_many_cells_counts_at_each() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // One text of a megabyte, shown in 64 cells: 64 MB of text from a file of a few
    // kilobytes once each cell has its own copy.
    let mut shared = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>"#.to_vec();
    shared.extend(std::iter::repeat_n(b'x', MIB));
    shared.extend_from_slice(b"</t></si></sst>");
    let book = workbook(
        |out| {
            for _ in 0..64 {
                out.write_all(br#"<row><c t="s"><v>0</v></c></row>"#)
                    .unwrap();
            }
        },
        Some(&shared),
    );
    assert!(book.len() < 64 * 1024);
    let limits = ReadLimits {
        unpacked_bytes: 8 * MIB as u64,
        ..ReadLimits::DEFAULT
    };
    let (result, peak) = peak_of(|| read_xlsx(&book, &limits));
    assert_eq!(
        result,
        Err(ReadError::TooMuchText {
            file: "炸弹.xlsx".into(),
            sheet: Some("企业".into()),
            limit: 8 * MIB as u64,
        })
    );
    assert!(peak < 24 * MIB, "{}", mib(peak));
}

#[test]
fn blank_cells_padding_a_far_value_count_as_cells() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // A header in A1 and XFD1, and a value in XFD of every row: each row of the table is
    // 16,384 cells, most of them blank, from a file of a few kilobytes.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "code").unwrap();
    sheet.write_string(0, 16_383, "far").unwrap();
    for row in 1..=200 {
        sheet.write_number(row, 16_383, 1).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let (result, peak) = peak_of(|| {
        read_table_within(
            "远.xlsx",
            &bytes,
            FileFormat::Xlsx,
            None,
            &ReadLimits::DEFAULT,
        )
    });
    assert_eq!(
        result.unwrap_err(),
        ReadError::TooManyCells {
            file: "远.xlsx".into(),
            sheet: Some("Sheet1".into()),
            limit: ReadLimits::DEFAULT.cells,
        }
    );
    // The table it would have been: 200 × 16,384 cells of 32 bytes, 100 MB.
    assert!(peak < 48 * MIB, "{}", mib(peak));
}

#[test]
fn a_csv_stops_at_its_limits() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut rows = String::from("code,value\n");
    for n in 0..50_000 {
        rows.push_str(&format!("C{n},{n}\n"));
    }
    let limits = ReadLimits {
        rows: 1_000,
        ..ReadLimits::DEFAULT
    };
    let err =
        read_table_within("行.csv", rows.as_bytes(), FileFormat::Csv, None, &limits).unwrap_err();
    assert_eq!(
        err,
        ReadError::TooManyRows {
            file: "行.csv".into(),
            sheet: None,
            limit: 1_000,
        }
    );
    // Exactly at the limit reads: the header and 999 rows.
    let at_limit: String = rows.lines().take(1_000).map(|l| format!("{l}\n")).collect();
    let table = read_table_within(
        "行.csv",
        at_limit.as_bytes(),
        FileFormat::Csv,
        None,
        &limits,
    )
    .unwrap();
    assert_eq!(table.rows.len(), 999);

    // One line of two million fields: refused at the limit, field by field, without
    // holding the line's two million cells.
    let mut line = String::from("code\n");
    line.push_str(&",".repeat(2_000_000));
    line.push_str("x\n");
    let cells = ReadLimits {
        cells: 10_000,
        ..ReadLimits::DEFAULT
    };
    let (result, peak) =
        peak_of(|| read_table_within("宽.csv", line.as_bytes(), FileFormat::Csv, None, &cells));
    assert_eq!(
        result.unwrap_err(),
        ReadError::TooManyCells {
            file: "宽.csv".into(),
            sheet: None,
            limit: 10_000,
        }
    );
    assert!(peak < 2 * MIB, "{}", mib(peak));
    // Blank lines, however wide, take no room.
    let mut blank = String::from("code\n");
    for _ in 0..100 {
        blank.push_str(&",".repeat(5_000));
        blank.push('\n');
    }
    blank.push_str("A\n");
    let table =
        read_table_within("空行.csv", blank.as_bytes(), FileFormat::Csv, None, &cells).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].number, 102);
}

/// What a file just within the default limits holds once read: the bound that an upload's
/// reading stays under, whatever it is (README, "Limits").
#[test]
fn a_table_at_the_default_limits_stays_within_its_bound() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let limits = ReadLimits::DEFAULT;
    // 50,000 rows of 20 short texts: a million cells, as many small allocations as cells.
    let (rows, columns) = (limits.cells / 20 - 1, 20);
    let mut csv = String::new();
    for row in 0..=rows {
        let line: Vec<String> = (0..columns).map(|c| format!("v{row}-{c}")).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    let (table, csv_peak) = peak_of(|| {
        read_table_within("满.csv", csv.as_bytes(), FileFormat::Csv, None, &limits).unwrap()
    });
    assert_eq!(table.rows.len(), rows);
    drop(table);

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for row in 0..=rows as u32 {
        for column in 0..columns as u16 {
            sheet
                .write_string(row, column, format!("v{row}-{column}"))
                .unwrap();
        }
    }
    let xlsx = workbook.save_to_buffer().unwrap();
    drop(workbook);
    let (table, xlsx_peak) =
        peak_of(|| read_table_within("满.xlsx", &xlsx, FileFormat::Xlsx, None, &limits).unwrap());
    assert_eq!(table.rows.len(), rows);
    eprintln!(
        "a million cells: CSV of {} read holding at most {}, xlsx of {} at most {}",
        mib(csv.len()),
        mib(csv_peak),
        mib(xlsx.len()),
        mib(xlsx_peak)
    );
    assert!(csv_peak < 96 * MIB, "{}", mib(csv_peak));
    assert!(xlsx_peak < 160 * MIB, "{}", mib(xlsx_peak));
}
