//! `innozone`: the command line of the platform. It parses, calls the use cases of
//! `innozone-app` over the chosen store, and reports in the user's language with exit
//! codes a script can rely on (see `ExitCode`).

mod commands;
mod evaluation;
mod evaluation_runs;
mod monitoring;
mod output;
mod reporting;
mod reports;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// The default store: a SQLite file in the data folder next to where the command runs.
pub const DEFAULT_DATABASE: &str = "data/innozone.sqlite";

#[derive(Parser)]
#[command(
    name = "innozone",
    version,
    about = "高新区统计监测与评价平台 — innozone: statistics, monitoring and evaluation for high-tech zones (一区多园)"
)]
pub struct Cli {
    /// A SQLite file path or a postgres:// URL.
    #[arg(long, global = true, env = "INNOZONE_DATABASE", default_value = DEFAULT_DATABASE)]
    pub database: String,
    /// Language of messages: zh-CN (default) or en.
    #[arg(long, global = true, env = "INNOZONE_LANG", default_value = "zh-CN")]
    pub lang: String,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// How large an uploaded or imported file may be: the server's limits and the command
/// line's imports' alike (see "Limits" in the README). A national import raises them.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// The most megabytes of one upload (a request's body) or imported file.
    #[arg(
        long,
        global = true,
        env = "INNOZONE_MAX_UPLOAD_MB",
        default_value_t = 32
    )]
    pub max_upload_mb: u64,
    /// The most megabytes an xlsx workbook may unpack to, and the most text a table's
    /// cells may hold.
    #[arg(
        long,
        global = true,
        env = "INNOZONE_MAX_UNPACKED_MB",
        default_value_t = 128
    )]
    pub max_unpacked_mb: u64,
    /// The most rows of one sheet or CSV file.
    #[arg(
        long,
        global = true,
        env = "INNOZONE_MAX_ROWS",
        default_value_t = 300_000
    )]
    pub max_rows: usize,
    /// The most cells of one sheet or CSV file.
    #[arg(
        long,
        global = true,
        env = "INNOZONE_MAX_CELLS",
        default_value_t = 1_000_000
    )]
    pub max_cells: usize,
}

impl LimitArgs {
    pub fn limits(&self) -> innozone_app::limits::Limits {
        innozone_app::limits::Limits::from_flags(
            self.max_upload_mb,
            self.max_unpacked_mb,
            self.max_rows,
            self.max_cells,
        )
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Start the web server. A new, empty store gets the built-in example and an
    /// administrator whose one-time password is printed.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Do not load the built-in example into an empty store.
        #[arg(long)]
        no_example: bool,
        /// Mark cookies Secure (when served behind HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// Days the read audit (who read which enterprise's filing values) is kept.
        #[arg(long, env = "INNOZONE_READ_AUDIT_DAYS", default_value_t = innozone_app::audit::DEFAULT_RETENTION_DAYS)]
        read_audit_days: u32,
        /// Served behind a reverse proxy that appends the client's address to
        /// X-Forwarded-For: failed log-ins are then throttled by that address instead of
        /// the proxy's. Never without such a proxy, as clients could name any address.
        #[arg(long)]
        behind_proxy: bool,
        /// How many MiB of monitoring facts and computed indicators the server keeps
        /// between requests at most (a national dashboard's sixteen years take about 500).
        #[arg(long, default_value_t = 768)]
        monitor_memory: usize,
    },
    /// Import units, enterprises or recognitions (认定) from an xlsx or CSV file, all or
    /// nothing.
    Import {
        what: Registry,
        file: PathBuf,
        /// Only check the file and list every problem; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export units or enterprises to an xlsx or CSV file (by the file's extension).
    Export { what: Registry, file: PathBuf },
    /// Write the xlsx import template for units, enterprises or recognitions.
    Template { what: Registry, file: PathBuf },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Load an example data set into an empty store: the built-in example from the seed
    /// documents, or a generated province or national data set for benchmarks.
    Example {
        #[arg(long, value_enum, default_value = "builtin")]
        scale: ExampleScale,
    },
    /// Report form definitions (一套表表式): check, install, list.
    Form {
        #[command(subcommand)]
        action: FormAction,
    },
    /// Filings of a report period: upload, export, templates, closing.
    Filings {
        #[command(subcommand)]
        action: FilingsAction,
    },
    /// The indicator catalogue (指标目录): check, install, list, and a unit's values.
    Indicators {
        #[command(subcommand)]
        action: IndicatorsAction,
    },
    /// Targets of units' indicators: install a targets file.
    Targets {
        #[command(subcommand)]
        action: TargetsAction,
    },
    /// Unit statistics (地区生产总值, population…): the workbook to fill in, and its import.
    Statistics {
        #[command(subcommand)]
        action: StatisticsAction,
    },
    /// Score units with an evaluation scheme (考核评价) on a file of their values.
    ///
    /// The scheme file (TOML) is applied to a CSV or xlsx file of the units' values;
    /// scores.csv, explanations.csv and scores.xlsx are written into --out.
    ///
    /// The data file has a header row, then one row per unit; its columns, in any order:
    ///
    ///   单位 or unit          the unit (required)
    ///   分组 or group         the unit's group, needed when the scheme imputes an indicator
    ///                         by group_mean or group_median
    ///   each indicator code   the indicator's value; a blank cell is a missing value
    ///   each denominator      headed by the code in the scheme's `denominator = "…"`: the
    ///                         indicator is divided by it before anything else (blank or 0
    ///                         makes the quotient missing)
    ///
    /// Then, as COINr builds an index: units whose share of values is below the scheme's
    /// `availability` are screened out, missing values are imputed (`imputation`), outliers
    /// treated (`outliers`), values normalised (`method`) and aggregated up the tree.
    /// The CSV files keep every digit of the scores; the xlsx shows four decimals.
    #[command(verbatim_doc_comment)]
    Evaluate {
        /// The scheme file, e.g. crates/example/evaluation/park_scheme.toml.
        #[arg(long)]
        scheme: PathBuf,
        /// The values: a `单位` (or `unit`) column, an optional `分组` (or `group`) column,
        /// one column per indicator code and one per denominator.
        #[arg(long)]
        data: PathBuf,
        /// The folder the results are written to.
        #[arg(long)]
        out: PathBuf,
        /// The year evaluated, e.g. 2020, written beside each unit.
        #[arg(long)]
        period: Option<String>,
    },
    /// Evaluation in the store (考核评价): schemes, runs over the parks of a zone, kept
    /// runs, the development index.
    Evaluation {
        #[command(subcommand)]
        action: EvaluationAction,
    },
    /// The documents the web gives, written to a file: the annual evaluation report of a
    /// kept run, a unit's monitoring bulletin (annual report for a year).
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
}

#[derive(Subcommand)]
pub enum EvaluationAction {
    /// The schemes installed, each as a tree with its effective weights.
    Schemes,
    /// Check a scheme file against the catalogue in force and install it as a new version.
    Install { file: PathBuf },
    /// Run a scheme over the parks below a unit for a year; the run is kept. Unchanged data
    /// give back the run already kept.
    Run {
        /// The scheme's code, e.g. lanbai_parks.
        #[arg(long)]
        scheme: String,
        /// The unit whose parks are evaluated, e.g. LB.
        #[arg(long)]
        scope: String,
        #[arg(long)]
        year: i32,
        /// Count filings awaiting review too.
        #[arg(long)]
        all_submitted: bool,
    },
    /// The kept runs, newest first.
    Runs,
    /// A kept run: ranking, grades, consequences, and what moved since the earlier run.
    Show { id: i64 },
    /// A unit's development index from its scheme's base year (= 100).
    Index {
        /// The index scheme's code, e.g. lanbai_development_index.
        #[arg(long)]
        scheme: String,
        /// The unit's code, e.g. LB.
        #[arg(long)]
        unit: String,
        /// The last year.
        #[arg(long)]
        to: i32,
        #[arg(long)]
        all_submitted: bool,
    },
}

#[derive(Subcommand)]
pub enum ReportAction {
    /// The annual evaluation report (年度考核评价报告) of a kept run.
    Evaluation {
        /// The kept run's id, as `innozone evaluation runs` lists it.
        run: i64,
        /// docx or xlsx (the tables); by default the output file's extension.
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// The file written.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The monitoring bulletin of a unit for a quarter (季度监测数据), or its annual
    /// monitoring report (年度统计监测报告) for a year.
    Bulletin {
        /// The unit's code, e.g. LB.
        #[arg(long)]
        unit: String,
        /// The period, e.g. 2020 or 2025Q3.
        #[arg(long)]
        period: String,
        /// Count filings submitted and awaiting review too, not only approved ones.
        #[arg(long)]
        all_submitted: bool,
        /// docx or xlsx (the tables); by default the output file's extension.
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// The file written.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Docx,
    Xlsx,
}

#[derive(Subcommand)]
pub enum FormAction {
    /// Check a form definition file and list its fields and rules; store nothing.
    Check { file: PathBuf },
    /// Check and store a form definition as a new version.
    Install { file: PathBuf },
    /// List the stored forms and their periods.
    List,
    /// Open a period of a form (or change its deadline).
    Open {
        form: String,
        period: String,
        /// The deadline, YYYY-MM-DD (default: the form's days after the period's end).
        #[arg(long)]
        deadline: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum IndicatorsAction {
    /// Check a catalogue file against the installed forms; store nothing.
    Check { file: PathBuf },
    /// Check and store a catalogue file as a new version.
    Install { file: PathBuf },
    /// List the indicators of the catalogue in force.
    List,
    /// Every indicator of a unit for a period, with its target status.
    Show {
        /// The unit's code, e.g. LB.
        #[arg(long)]
        unit: String,
        /// The period, e.g. 2020 or 2025Q3.
        #[arg(long)]
        period: String,
        /// Count filings submitted and awaiting review too, not only approved ones.
        #[arg(long)]
        all_submitted: bool,
    },
}

#[derive(Subcommand)]
pub enum TargetsAction {
    /// Check and store a targets file as a new version.
    Install { file: PathBuf },
}

#[derive(Subcommand)]
pub enum StatisticsAction {
    /// Write the workbook of a unit's statistics for a year, pre-filled.
    Template {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        period: String,
        file: PathBuf,
    },
    /// Record the statistics of a filled-in workbook, all or nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        period: String,
        /// Only check the file and list every problem; record nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub enum FilingsAction {
    /// Submit the filings of an xlsx or CSV file (one enterprise per row), all or nothing.
    Import {
        form: String,
        period: String,
        file: PathBuf,
        /// Only check the file and list every problem; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the time taken and the peak memory.
        #[arg(long)]
        timings: bool,
    },
    /// Export the approved filings within a unit in the form's layout, with a summary
    /// sheet per park (xlsx), or the filings alone (csv).
    Export {
        form: String,
        period: String,
        /// The code of the zone or park.
        #[arg(long)]
        unit: String,
        file: PathBuf,
    },
    /// Write the upload template of a period, pre-filled with the enterprises expected
    /// within a unit.
    Template {
        form: String,
        period: String,
        #[arg(long)]
        unit: String,
        file: PathBuf,
    },
    /// Close the period for a zone or park: its filings are locked.
    Close {
        form: String,
        period: String,
        #[arg(long)]
        unit: String,
    },
    /// Completeness per park: expected, filed, on time, late, missing, returned, approved.
    Progress {
        form: String,
        period: String,
        #[arg(long)]
        unit: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Registry {
    Units,
    Enterprises,
    /// Recognitions (认定) with their certificates: import and template only.
    Recognitions,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExampleScale {
    Builtin,
    Province,
    National,
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Create an account. The password is generated and printed once unless given on
    /// standard input with --password-stdin.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        /// Display name (defaults to the user name).
        #[arg(long)]
        name: Option<String>,
        /// Code of the unit the account is bound to.
        #[arg(long)]
        unit: Option<String>,
        /// Credit code of the enterprise an enterprise filer is bound to.
        #[arg(long)]
        enterprise: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Set a new generated password (to be changed at next log-in) and unlock.
    Passwd { username: String },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    output::exit_quietly_on_closed_stdout();
    let cli = Cli::parse();
    let lang = innozone_i18n::Lang::parse(&cli.lang).unwrap_or_default();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("INNOZONE_LOG")
                .unwrap_or_else(|_| "warn,innozone=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(cli, lang).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output::report_failure(&failure, lang);
            failure.exit_code()
        }
    }
}
