//! `innozone bench filings`: a national year of annual filings imported from one CSV into
//! SQLite, against the sqlite3 command line's own `.import` of the same file into a plain
//! table, measured in the same run on the same machine. The import runs as a child
//! process so that its peak memory is its own, not that of generating the data.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use innozone_app::accounts::operator_principal;
use innozone_app::reporting::open_period;
use innozone_domain::reporting::Period;
use innozone_example::Scale;
use innozone_example::filings::{ANNUAL_FORM, bulk_filings, forms};
use innozone_exchange::{SheetData, Value};
use innozone_i18n::Lang;

use crate::BenchTarget;
use crate::commands::{load_example, open, write_atomically};
use crate::output::{Failure, spinner};

pub async fn run(lang: Lang, what: BenchTarget) -> Result<(), Failure> {
    match what {
        BenchTarget::Filings { dir } => filings(lang, &dir).await,
        BenchTarget::Indicators { dir, python, runs } => tokio::task::block_in_place(|| {
            crate::bench_indicators::indicators(lang, &dir, &python, runs.max(1))
        }),
        BenchTarget::Evaluation { dir, python, runs } => tokio::task::block_in_place(|| {
            crate::bench_evaluation::evaluation(&dir, &python, runs.max(1))
        }),
    }
}

fn io(lang: Lang, path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| {
        Failure::Io(lang.t_with(
            "cli.cannot_write",
            &[
                ("path", path.display().to_string()),
                ("reason", e.to_string()),
            ],
        ))
    }
}

/// Peak resident memory of the largest finished child process, in MiB.
fn children_peak_memory_mib() -> Option<f64> {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    (done == 0).then(|| usage.ru_maxrss as f64 / 1024.0)
}

async fn filings(lang: Lang, dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(io(lang, dir))?;
    let database = dir.join("innozone.sqlite");
    let plain = dir.join("sqlite3-import.sqlite");
    let csv = dir.join("annual-2025.csv");
    for old in [&database, &plain] {
        for suffix in ["", "-wal", "-shm"] {
            let path = old.with_file_name(format!(
                "{}{suffix}",
                old.file_name().unwrap_or_default().to_string_lossy()
            ));
            let _ = std::fs::remove_file(path);
        }
    }
    let period = Period::Year(2025);
    let database_text = database.display().to_string();
    {
        let store = open(&database_text, lang).await?;
        load_example(store.as_ref(), lang, Scale::National, false).await?;
        let s = spinner(lang.t("cli.bench.preparing"));
        for form in forms() {
            store
                .save_form(
                    &form,
                    &innozone_store::Actor::system(innozone_app::clock::now_unix()),
                )
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
        let dataset =
            tokio::task::block_in_place(|| innozone_example::generate(Scale::National, &|_| {}));
        let annual = forms()
            .into_iter()
            .find(|f| f.code == ANNUAL_FORM)
            .expect("the annual form ships");
        let rows = bulk_filings(&dataset, &annual, period);
        let headers = innozone_app::reporting::layout_headers(&annual);
        let sheet = SheetData {
            name: "annual".into(),
            headers,
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
        let bytes = innozone_exchange::write_csv(&sheet);
        write_atomically(&csv, &bytes, lang)?;
        s.finish_and_clear();
        println!(
            "{}",
            lang.t_with(
                "cli.bench.prepared",
                &[
                    ("rows", rows.len().to_string()),
                    ("mib", format!("{:.0}", bytes.len() as f64 / 1_048_576.0)),
                    ("file", csv.display().to_string())
                ]
            )
        );
    }
    let rows = count_rows(&csv, lang)?;
    let fields = forms()
        .into_iter()
        .find(|f| f.code == ANNUAL_FORM)
        .map_or(0, |f| f.fields.len());
    let values = (rows * fields) as f64;

    let exe = std::env::current_exe().map_err(|e| Failure::Io(e.to_string()))?;
    let started = Instant::now();
    let status = Command::new(exe)
        .args([
            "--database",
            &database_text,
            "--lang",
            lang.code(),
            "filings",
            "import",
            ANNUAL_FORM,
            "2025",
        ])
        .arg(&csv)
        .arg("--timings")
        .status()
        .map_err(|e| Failure::Io(e.to_string()))?;
    let ours = started.elapsed().as_secs_f64();
    let memory = children_peak_memory_mib();
    if !status.success() {
        return Err(Failure::Io(lang.t("cli.bench.import_failed")));
    }
    let stored = {
        let store = open(&database_text, lang).await?;
        store.filings(ANNUAL_FORM, period, None).await?.len()
    };

    let started = Instant::now();
    let sqlite3 = Command::new("sqlite3")
        .arg(&plain)
        .arg(format!(".import --csv {} filings", csv.display()))
        .status();
    let theirs = started.elapsed().as_secs_f64();
    let sqlite3 = match sqlite3 {
        Ok(s) if s.success() => Some(theirs),
        _ => None,
    };
    println!("{}", lang.t("cli.bench.header"));
    println!(
        "{}",
        lang.t_with(
            "cli.bench.ours",
            &[
                ("rows", rows.to_string()),
                ("stored", stored.to_string()),
                ("values", format!("{values:.0}")),
                ("seconds", format!("{ours:.2}")),
                ("rate", format!("{:.0}", values / ours)),
                ("memory", memory.map_or("?".into(), |m| format!("{m:.0}"))),
            ]
        )
    );
    match sqlite3 {
        Some(theirs) => println!(
            "{}",
            lang.t_with(
                "cli.bench.sqlite3",
                &[
                    ("seconds", format!("{theirs:.2}")),
                    ("rate", format!("{:.0}", values / theirs)),
                    ("ratio", format!("{:.2}", ours / theirs)),
                ]
            )
        ),
        None => println!("{}", lang.t("cli.bench.no_sqlite3")),
    }
    if stored != rows {
        return Err(Failure::Io(lang.t("cli.bench.count_mismatch")));
    }
    Ok(())
}

fn count_rows(csv: &Path, lang: Lang) -> Result<usize, Failure> {
    let text = std::fs::read(csv).map_err(io(lang, csv))?;
    Ok(text
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1))
}
