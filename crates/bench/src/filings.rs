//! `innozone-bench filings`: a year of annual filings imported from one CSV into SQLite by
//! the shipped `innozone filings import` (a child process, so that its peak memory is its
//! own), against the sqlite3 command line's own `.import` of the same file into a plain
//! table. The two must agree: as many filings stored as rows read, and per form field the
//! same number of filled values and the same total (relative 1e-9).
//!
//! Full: the national data set (about 222,000 in-survey enterprises located in a park at
//! the end of 2025, 32 values each). Quick: the built-in example's two zones.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use innozone_app::accounts::operator_principal;
use innozone_app::reporting::{layout_headers, open_period};
use innozone_domain::reporting::Period;
use innozone_example::Scale;
use innozone_example::filings::{
    ANNUAL_FORM, bulk_filings, forms, historic_filings, lanbai_filings,
};
use innozone_exchange::{SheetData, Value};
use innozone_store::Actor;

use crate::Failure;

const YEAR: i32 = 2025;
/// Largest relative difference of two totals still counted as agreement.
const TOLERANCE: f64 = 1e-9;

/// Peak resident memory of the largest finished child process, in MiB.
fn children_peak_memory_mib() -> Option<f64> {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    (done == 0).then(|| usage.ru_maxrss as f64 / 1024.0)
}

/// The `innozone` binary built beside this one (`target/release/innozone` when this is
/// `target/release/innozone-bench`).
fn innozone_beside() -> Result<PathBuf, Failure> {
    let me = std::env::current_exe()?;
    let path = me.with_file_name(format!("innozone{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        Ok(path)
    } else {
        Err(Failure(format!(
            "{} is not built (cargo build --release -p innozone), or say --innozone PATH",
            path.display()
        )))
    }
}

/// The CSV an upload of a year of annual filings would bring, one row per in-survey
/// enterprise located in a park at the end of the year, and how many rows it has.
fn annual_csv(
    dataset: &innozone_domain::registry::Dataset,
    annual: &innozone_domain::reporting::Form,
    period: Period,
    leave_out: &HashSet<String>,
) -> (usize, Vec<u8>) {
    let mut rows = bulk_filings(dataset, annual, period);
    rows.retain(|(enterprise, _, _)| !leave_out.contains(enterprise.draft.credit_code.as_str()));
    let sheet = SheetData {
        name: "annual".into(),
        headers: layout_headers(annual),
        rows: rows
            .iter()
            .map(|(enterprise, values, explanation)| {
                let mut row = vec![
                    Value::Text(enterprise.draft.credit_code.to_string()),
                    Value::Text(enterprise.draft.name.clone()),
                    Value::Text(period.to_string()),
                ];
                row.extend(
                    values
                        .0
                        .iter()
                        .map(|v| v.map_or(Value::Empty, Value::Number)),
                );
                row.push(explanation.clone().map_or(Value::Empty, Value::Text));
                row
            })
            .collect(),
    };
    (rows.len(), innozone_exchange::write_csv(&sheet))
}

/// `innozone-bench filings-csv`: the CSV the import benchmark imports, for the data set
/// `innozone example --scale national` (or the built-in one with `quick`) loads, less the
/// enterprises whose annual filing of the year or the year before the example loads too
/// (兰白's and 攀枝花's, some locked in closed periods, all with a history the generated
/// values would break), so that `scripts/bench-serve` can add the rest of the country's
/// year to that store.
pub fn write_csv(out: &Path, quick: bool) -> Result<(), Failure> {
    let scale = if quick {
        Scale::Builtin
    } else {
        Scale::National
    };
    let annual = forms()
        .into_iter()
        .find(|f| f.code == ANNUAL_FORM)
        .expect("the annual form ships");
    let dataset = innozone_example::generate(scale, &|_| {});
    let all_forms = forms();
    let period = Period::Year(YEAR);
    let leave_out: HashSet<String> = lanbai_filings(&dataset, &all_forms)
        .into_iter()
        .chain(historic_filings(&dataset, &all_forms))
        .filter(|f| {
            f.form_code == ANNUAL_FORM && (f.period == period || f.period == period.previous_year())
        })
        .map(|f| f.credit_code.to_string())
        .collect();
    let (rows, bytes) = annual_csv(&dataset, &annual, period, &leave_out);
    std::fs::write(out, &bytes).map_err(|e| Failure(format!("{}: {e}", out.display())))?;
    println!(
        "{rows} annual filings for {YEAR} ({:.1} MiB): {}",
        bytes.len() as f64 / 1_048_576.0,
        out.display()
    );
    Ok(())
}

pub async fn run(dir: &Path, quick: bool, innozone: Option<PathBuf>) -> Result<(), Failure> {
    let innozone = match innozone {
        Some(path) => path,
        None => innozone_beside()?,
    };
    std::fs::create_dir_all(dir).map_err(|e| Failure(format!("{}: {e}", dir.display())))?;
    let database = dir.join("innozone.sqlite");
    let plain = dir.join("sqlite3-import.sqlite");
    let csv = dir.join(format!("annual-{YEAR}.csv"));
    for old in [&database, &plain] {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = old.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    let period = Period::Year(YEAR);
    let database_text = database.display().to_string();
    let scale = if quick {
        Scale::Builtin
    } else {
        Scale::National
    };
    let annual = forms()
        .into_iter()
        .find(|f| f.code == ANNUAL_FORM)
        .expect("the annual form ships");

    // The registry in a fresh store and the CSV an upload would bring.
    let started = Instant::now();
    let dataset = tokio::task::block_in_place(|| innozone_example::generate(scale, &|_| {}));
    let rows = {
        let store = innozone_store_sql::connect(&database_text).await?;
        store
            .load_dataset(
                &dataset,
                &Actor::system(innozone_app::clock::now_unix()),
                &|_| {},
            )
            .await?;
        for form in forms() {
            store
                .save_form(&form, &Actor::system(innozone_app::clock::now_unix()))
                .await?;
        }
        open_period(
            store.as_ref(),
            &operator_principal(),
            ANNUAL_FORM,
            period,
            None,
        )
        .await?;
        let (rows, bytes) = annual_csv(&dataset, &annual, period, &HashSet::new());
        std::fs::write(&csv, &bytes).map_err(|e| Failure(format!("{}: {e}", csv.display())))?;
        println!(
            "prepared {} units, {} enterprises and {} annual filings for {YEAR} ({:.1} MiB) in {:.1} s: {}",
            dataset.units.len(),
            dataset.enterprises.len(),
            rows,
            bytes.len() as f64 / 1_048_576.0,
            started.elapsed().as_secs_f64(),
            csv.display()
        );
        (rows, bytes.len())
    };
    let (rows, csv_bytes) = rows;
    let fields = annual.fields.len();
    let values = (rows * fields) as f64;
    // A national file is far over the limits an upload to the server has by default:
    // raised for it, as a national import raises them (README, "Limits").
    let columns = layout_headers(&annual).len();
    let megabytes = (csv_bytes as u64).div_ceil(1_048_576) + 1;
    let limits = [
        ("--max-upload-mb", megabytes),
        // The text of the table's cells is counted against this one too.
        ("--max-unpacked-mb", megabytes),
        ("--max-rows", rows as u64 + 1),
        ("--max-cells", ((rows + 1) * columns) as u64),
    ];

    let started = Instant::now();
    let status = Command::new(&innozone)
        .args(["--database", &database_text, "--lang", "en"])
        .args(
            limits
                .iter()
                .flat_map(|(flag, value)| [flag.to_string(), value.to_string()]),
        )
        .args(["filings", "import", ANNUAL_FORM, &YEAR.to_string()])
        .arg(&csv)
        .arg("--timings")
        .status()
        .map_err(|e| Failure(format!("{}: {e}", innozone.display())))?;
    let ours = started.elapsed().as_secs_f64();
    let memory = children_peak_memory_mib();
    if !status.success() {
        return Err(Failure(format!(
            "`innozone filings import` failed ({status})"
        )));
    }
    // What innozone stored: every counted filing's values, in the form's field order.
    let (stored, our_counts, our_totals) = {
        let store = innozone_store_sql::connect(&database_text).await?;
        let counted = store.counted_filings(ANNUAL_FORM, period, true).await?;
        let mut counts = vec![0u64; fields];
        let mut totals = vec![0.0f64; fields];
        for filing in &counted {
            for (k, v) in filing.values.0.iter().enumerate().take(fields) {
                if let Some(v) = v {
                    counts[k] += 1;
                    totals[k] += v;
                }
            }
        }
        (counted.len(), counts, totals)
    };

    let started = Instant::now();
    let imported = Command::new("sqlite3")
        .arg(&plain)
        .arg(format!(".import --csv {} filings", csv.display()))
        .status();
    let theirs = started.elapsed().as_secs_f64();
    if !imported.as_ref().is_ok_and(|s| s.success()) {
        return Err(Failure(
            "the sqlite3 command line failed or is missing (scripts/bench-filings installs it)"
                .into(),
        ));
    }
    // What sqlite3 read: rows, and per field the filled cells and their total.
    let headers = layout_headers(&annual);
    let quoted = |h: &str| format!("\"{}\"", h.replace('"', "\"\""));
    let mut select = vec!["count(*)".to_string()];
    for header in &headers[3..3 + fields] {
        let column = quoted(header);
        select.push(format!("count(nullif({column}, ''))"));
        select.push(format!("total(cast(nullif({column}, '') AS REAL))"));
    }
    let output = Command::new("sqlite3")
        .args(["-batch", "-noheader", "-list", "-separator", "|"])
        .arg(&plain)
        .arg(format!("SELECT {} FROM filings;", select.join(", ")))
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let cells: Vec<f64> = text
        .trim()
        .split('|')
        .map(|c| c.parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| Failure(format!("sqlite3's totals ({e}): {text}")))?;
    if cells.len() != 1 + 2 * fields {
        return Err(Failure(format!("sqlite3's totals: {text}")));
    }
    let their_rows = cells[0] as usize;

    println!("== annual filings import (same machine, same run) ==");
    println!(
        "innozone filings import: {rows} rows ({stored} stored), {values:.0} values, {ours:.2} s, \
         {:.0} values/s; peak memory {} MiB",
        values / ours,
        memory.map_or("?".into(), |m| format!("{m:.0}"))
    );
    println!(
        "sqlite3 .import: {their_rows} rows, {theirs:.2} s, {:.0} values/s; innozone took {:.2} times as long",
        values / theirs,
        ours / theirs
    );

    let mut disagreements = Vec::new();
    if stored != rows || their_rows != rows {
        disagreements.push(format!(
            "rows: the file has {rows}, innozone stored {stored}, sqlite3 read {their_rows}"
        ));
    }
    for (k, field) in annual.fields.iter().enumerate() {
        let (count, total) = (cells[1 + 2 * k] as u64, cells[2 + 2 * k]);
        let ours = our_totals[k];
        let close = (ours - total).abs() <= TOLERANCE * ours.abs().max(total.abs());
        if count != our_counts[k] || !close {
            disagreements.push(format!(
                "{}: innozone {} values totalling {ours}, sqlite3 {count} totalling {total}",
                field.code, our_counts[k]
            ));
        }
    }
    if disagreements.is_empty() {
        println!(
            "agreement: {rows} rows; each of the {fields} fields has as many values and the same total (within {TOLERANCE:e}) on both sides"
        );
        Ok(())
    } else {
        for d in &disagreements {
            eprintln!("{d}");
        }
        Err(Failure(format!(
            "innozone and sqlite3 disagree on {} of {} checks",
            disagreements.len(),
            fields + 1
        )))
    }
}
