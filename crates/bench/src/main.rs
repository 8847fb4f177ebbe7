//! `innozone-bench`: innozone against the tools its users would otherwise reach for,
//! measured in the same run on the same machine, each comparison also checking that the
//! two sides agree:
//!
//! - `filings`: a year of annual filings imported by `innozone filings import` against the
//!   sqlite3 command line's `.import` of the same CSV (`filings-csv` writes only the CSV,
//!   for `scripts/bench-serve`);
//! - `indicators`: every annual indicator of the shipped catalogue for every unit, by the
//!   monitoring engine over the facts the application builds, against DuckDB's SQL;
//! - `evaluation`: the Monte Carlo uncertainty analysis of a scheme's ranks against the
//!   same computation in NumPy, on the same number of threads and on one thread each.
//!
//! `--quick` runs each on small sizes in seconds; it is what `scripts/bench-quick` and
//! `.ci/run` use to notice a benchmark gone stale: any disagreement, or a catalogue
//! indicator the DuckDB script has no SQL for, exits with status 1.

mod evaluation;
mod filings;
mod indicators;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "innozone-bench",
    about = "innozone against sqlite3, DuckDB and NumPy"
)]
struct Cli {
    #[command(subcommand)]
    what: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Import a year of annual filings (national: about 222,000) from one CSV with
    /// `innozone filings import` and with the sqlite3 command line's `.import`.
    Filings {
        /// Where the databases and the CSV go (kept for inspection).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// The built-in example's two zones instead of the national data set.
        #[arg(long)]
        quick: bool,
        /// The `innozone` binary whose import is measured (default: the one built beside
        /// this binary).
        #[arg(long)]
        innozone: Option<PathBuf>,
    },
    /// Write only the CSV of a year of annual filings that `filings` imports (for the
    /// data set of `innozone example --scale national`, or the built-in one with --quick).
    FilingsCsv {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// The built-in example's two zones instead of the national data set.
        #[arg(long)]
        quick: bool,
    },
    /// Compute every annual indicator of the shipped catalogue for every unit for 2025
    /// and compare time and values with DuckDB's SQL over the same facts.
    Indicators {
        /// Where the CSV files, the DuckDB script and its results go.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// A Python with the `duckdb` package (scripts/bench-indicators makes a venv).
        #[arg(long, default_value = "python3")]
        python: PathBuf,
        /// How many times each side's computation is timed (default 9, quick 3).
        #[arg(long)]
        runs: Option<usize>,
        /// The built-in example's two zones instead of the national data set.
        #[arg(long)]
        quick: bool,
    },
    /// The Monte Carlo uncertainty analysis of an evaluation scheme's ranks against NumPy,
    /// on every core and on one thread each.
    Evaluation {
        /// Where the problem, the NumPy script and its results go.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// A Python with the `numpy` package (scripts/bench-evaluation makes a venv).
        #[arg(long, default_value = "python3")]
        python: PathBuf,
        /// How many times each side's computation is timed (default 5, quick 2).
        #[arg(long)]
        runs: Option<usize>,
        /// Threads of the parallel comparison, for both sides (default: every core, or
        /// RAYON_NUM_THREADS when set).
        #[arg(long, env = "RAYON_NUM_THREADS")]
        threads: Option<usize>,
        /// 50 units and 1,000 replications instead of 200 and 10,000.
        #[arg(long)]
        quick: bool,
    },
}

/// Why a benchmark stopped or failed: said once, on standard error.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The folder a benchmark writes to unless told: one per benchmark and mode.
fn dir_or(dir: Option<PathBuf>, name: &str, quick: bool) -> PathBuf {
    dir.unwrap_or_else(|| {
        PathBuf::from(if quick {
            format!("target/bench-quick/{name}")
        } else {
            format!("target/bench-{name}")
        })
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.what {
        Bench::Filings {
            dir,
            quick,
            innozone,
        } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Failure::from)
            .and_then(|runtime| {
                runtime.block_on(filings::run(
                    &dir_or(dir, "filings", quick),
                    quick,
                    innozone,
                ))
            }),
        Bench::FilingsCsv { out, quick } => filings::write_csv(&out, quick),
        Bench::Indicators {
            dir,
            python,
            runs,
            quick,
        } => indicators::run(
            &dir_or(dir, "indicators", quick),
            &python,
            runs.unwrap_or(if quick { 3 } else { 9 }).max(1),
            quick,
        ),
        Bench::Evaluation {
            dir,
            python,
            runs,
            threads,
            quick,
        } => evaluation::run(
            &dir_or(dir, "evaluation", quick),
            &python,
            runs.unwrap_or(if quick { 2 } else { 5 }).max(1),
            threads
                .filter(|&n| n > 0)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            quick,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("innozone-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
