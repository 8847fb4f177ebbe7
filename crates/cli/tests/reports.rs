//! `innozone report` on the built-in example: the annual evaluation report of the 2018
//! run and the zone's 2020 monitoring report, as .docx and .xlsx, checked against what
//! `innozone evaluation show` and `innozone indicators show` print for the same run and
//! period (those read the application's use cases directly, not the composed report).

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};

mod support;
use support::example_database;

fn innozone(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innozone"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("INNOZONE_LANG")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The text of a .docx body, its runs joined without the tags.
fn document_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("word/document.xml in the package")
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A sheet's header and rows as calamine reads them; the sheet found by the start of
/// its name.
fn sheet(path: &Path, starts: &str) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut book = Xlsx::new(Cursor::new(std::fs::read(path).unwrap())).expect("a workbook");
    let name = book
        .sheet_names()
        .into_iter()
        .find(|n| n.starts_with(starts))
        .unwrap_or_else(|| panic!("a sheet named {starts}…"));
    let range = book.worksheet_range(&name).unwrap();
    let mut rows = range.rows().map(|r| r.to_vec());
    let header = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    (header, rows.collect())
}

fn float(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_evaluation_report_and_the_monitoring_report_are_written_as_docx_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let db = example_database(dir.path(), "reports.sqlite");

    // The 2018 run and its ranking as `evaluation show` prints it:
    // "  rank  code  name  total  grade …", best first.
    let runs = stdout(&innozone(&db, &["evaluation", "runs"]));
    let run = runs
        .lines()
        .find(|l| l.contains("lanbai_parks") && l.contains(" 2018 "))
        .and_then(|l| l.split_whitespace().next())
        .expect("the 2018 run")
        .to_string();
    let shown = stdout(&innozone(&db, &["evaluation", "show", &run]));
    let ranking: Vec<Vec<&str>> = shown
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() >= 4 && w[1].starts_with("LB-"))
        .collect();
    assert_eq!(ranking.len(), 20, "the parks of 兰白: {shown}");
    let first = &ranking[0];
    assert_eq!(first[0], "1", "{shown}");
    let (first_name, first_total) = (first[2], first[3]);

    // The Word document names the first-ranked park with its score in the overview.
    let docx = dir.path().join("考核评价报告.docx");
    let out = stdout(&innozone(
        &db,
        &["report", "evaluation", &run, "-o", docx.to_str().unwrap()],
    ));
    assert!(out.contains("2018年度园区考核评价报告"), "{out}");
    let body = document_text(&docx);
    assert!(
        body.contains("兰白科技创新改革试验区2018年度园区考核评价报告"),
        "the title"
    );
    assert!(
        body.contains(&format!("{first_name}（{first_total}分）")),
        "{first_name} with {first_total} among the first three"
    );
    assert!(
        body.contains("报请撤销资格"),
        "the revocation of 石化产业园区"
    );

    // The workbook: the ranking's rows in the order and with the totals `show` prints.
    let xlsx = dir.path().join("report.xlsx");
    stdout(&innozone(
        &db,
        &[
            "report",
            "evaluation",
            &run,
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    ));
    let (header, rows) = sheet(&xlsx, "排名");
    assert_eq!(header[..3], ["名次", "园区", "综合得分"]);
    assert_eq!(rows.len(), ranking.len());
    for (row, shown) in rows.iter().zip(&ranking) {
        assert_eq!(row[1].to_string(), shown[2]);
        match shown[0].parse::<f64>() {
            Ok(rank) => {
                assert_eq!(float(&row[0]), rank, "{shown:?}");
                let total: f64 = shown[3].parse().unwrap();
                assert!((float(&row[2]) - total).abs() < 0.006, "{shown:?}");
            }
            Err(_) => assert_eq!(row[0].to_string(), "—", "{shown:?} is not ranked"),
        }
    }

    // In English, by the global --lang.
    let english = dir.path().join("report-en.docx");
    stdout(&innozone(
        &db,
        &[
            "--lang",
            "en",
            "report",
            "evaluation",
            &run,
            "-o",
            english.to_str().unwrap(),
        ],
    ));
    assert!(document_text(&english).contains("annual evaluation report of the parks, 2018"));

    // The zone's 2020 monitoring report against `indicators show`: the first indicator
    // with a value, found by its name in the catalogue's list.
    let values = stdout(&innozone(
        &db,
        &["indicators", "show", "--unit", "LB", "--period", "2020"],
    ));
    let (code, value) = values
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.len() >= 2 && w[1] != "—")
        .map(|w| (w[0].to_string(), w[1].to_string()))
        .expect("an indicator with a value");
    // `show` rounds with Rust's formatting, the report as statistics round (halves away
    // from zero): they may differ by one in the last place shown, never more.
    let last_place = 10f64.powi(-(value.split_once('.').map_or(0, |(_, d)| d.len()) as i32));
    let value: f64 = value.parse().unwrap();
    let list = stdout(&innozone(&db, &["indicators", "list"]));
    let name = list
        .lines()
        .find(|l| l.split_whitespace().next() == Some(code.as_str()))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.split('（').next())
        .expect("the indicator in the catalogue")
        .to_string();

    let bulletin = dir.path().join("bulletin.docx");
    stdout(&innozone(
        &db,
        &[
            "report",
            "bulletin",
            "--unit",
            "LB",
            "--period",
            "2020",
            "-o",
            bulletin.to_str().unwrap(),
        ],
    ));
    let body = document_text(&bulletin);
    assert!(body.contains("兰白科技创新改革试验区2020年统计监测报告"));
    assert!(body.contains(&name), "{name} in the document");

    let tables = dir.path().join("bulletin-tables");
    stdout(&innozone(
        &db,
        &[
            "report",
            "bulletin",
            "--unit",
            "LB",
            "--period",
            "2020",
            "--format",
            "xlsx",
            "-o",
            tables.to_str().unwrap(),
        ],
    ));
    let (header, rows) = sheet(&tables, "1");
    assert_eq!(header[2], "2020年");
    let row = rows
        .iter()
        .find(|r| r[0].to_string().starts_with(&name))
        .unwrap_or_else(|| panic!("{name}'s row"));
    assert!(
        (float(&row[2]) - value).abs() <= last_place * 1.001,
        "{name}: {value}"
    );

    // A file without a format's extension and no --format is refused before anything
    // is written (exit code 3).
    let o = innozone(
        &db,
        &[
            "report",
            "bulletin",
            "--unit",
            "LB",
            "--period",
            "2020",
            "-o",
            dir.path().join("bulletin").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(!dir.path().join("bulletin").exists());
}
