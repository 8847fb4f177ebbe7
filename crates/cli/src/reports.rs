//! `innozone report`: the documents the web gives, written to a file — the annual
//! evaluation report of a kept run and the monitoring bulletin (or annual monitoring
//! report) of a unit, as .docx or as the .xlsx of their tables. Each is one call of
//! `innozone-reports` as the command-line operator.

use std::path::Path;

use innozone_app::accounts::operator_principal;
use innozone_app::monitoring::{Basis, Monitor};
use innozone_i18n::Lang;
use innozone_reports::evaluation::annual_report;
use innozone_reports::monitoring::bulletin;
use innozone_reports::{Format, Report};

use crate::commands::{open, write_atomically};
use crate::monitoring::{period_of, unit_id};
use crate::output::Failure;
use crate::{ReportAction, ReportFormat};

/// The format asked for, else the one the output file's extension names.
fn format_of(asked: Option<ReportFormat>, output: &Path, lang: Lang) -> Result<Format, Failure> {
    match asked {
        Some(ReportFormat::Docx) => Ok(Format::Docx),
        Some(ReportFormat::Xlsx) => Ok(Format::Xlsx),
        None => output
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
            .ok_or_else(|| {
                Failure::Input(lang.t_with(
                    "cli.report.unknown_format",
                    &[("path", output.display().to_string())],
                ))
            }),
    }
}

fn write(report: &Report, format: Format, output: &Path, lang: Lang) -> Result<(), Failure> {
    let bytes = report.write(format).map_err(|e| {
        Failure::Io(lang.t_with("cli.report.cannot_write", &[("reason", e.to_string())]))
    })?;
    write_atomically(output, &bytes, lang)?;
    println!(
        "{}",
        lang.t_with(
            "cli.report.done",
            &[
                ("title", report.title.clone()),
                ("file", output.display().to_string()),
            ],
        )
    );
    Ok(())
}

pub async fn report(database: &str, lang: Lang, action: ReportAction) -> Result<(), Failure> {
    let store = open(database, lang).await?;
    let store = store.as_ref();
    let monitor = Monitor::new();
    let principal = operator_principal();
    match action {
        ReportAction::Evaluation {
            run,
            format,
            output,
        } => {
            let format = format_of(format, &output, lang)?;
            let report = annual_report(store, &monitor, &principal, run, lang).await?;
            write(&report, format, &output, lang)
        }
        ReportAction::Bulletin {
            unit,
            period,
            all_submitted,
            format,
            output,
        } => {
            let format = format_of(format, &output, lang)?;
            let unit = unit_id(store, &unit).await?;
            let basis = if all_submitted {
                Basis::IncludingUnapproved
            } else {
                Basis::Approved
            };
            let period = period_of(&period)?;
            let b = bulletin(store, &monitor, &principal, unit, Some(period), basis, lang).await?;
            write(&b.report, format, &output, lang)
        }
    }
}
