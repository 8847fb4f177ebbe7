//! Commands of direct reporting: form definitions and the filings of a period.

use std::path::Path;
use std::time::Instant;

use innozone_app::accounts::operator_principal;
use innozone_app::limits::Limits;
use innozone_app::registry::{read_upload, registry_hierarchy, sheet_bytes};
use innozone_app::reporting::{
    approved_export, close_period, completeness, forms_with_periods, install_form, open_period,
    unit_filing_template, upload_filings,
};
use innozone_domain::registry::{Hierarchy, UnitId};
use innozone_domain::reporting::{Form, Period};
use innozone_exchange::FileFormat;
use innozone_i18n::{Lang, Localize};

use crate::commands::{format_of, open, read_data_file, write_atomically};
use crate::output::{Failure, bar, spinner};
use crate::{FilingsAction, FormAction};

fn read_file(path: &Path, lang: Lang) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        Failure::Io(lang.t_with(
            "cli.cannot_read",
            &[
                ("path", path.display().to_string()),
                ("reason", e.to_string()),
            ],
        ))
    })
}

fn period_of(text: &str) -> Result<Period, Failure> {
    text.parse::<Period>().map_err(|e| Failure::App(e.into()))
}

fn unit_of(hierarchy: &Hierarchy, code: &str) -> Result<UnitId, Failure> {
    hierarchy.unit_by_code(code).map(|u| u.id).ok_or_else(|| {
        Failure::App(innozone_app::AppError::UnknownReference {
            entity: "unit",
            key: code.to_string(),
        })
    })
}

fn describe(form: &Form, lang: Lang) {
    println!(
        "{}",
        lang.t_with(
            "cli.form.summary",
            &[
                ("code", form.code.clone()),
                ("version", form.version.to_string()),
                ("name", form.name(lang.is_english()).to_string()),
                ("fields", form.fields.len().to_string()),
                ("rules", form.rules.len().to_string()),
            ]
        )
    );
}

pub async fn form(database: &str, lang: Lang, action: FormAction) -> Result<(), Failure> {
    match action {
        FormAction::Check { file } => {
            let text = String::from_utf8(read_file(&file, lang)?).map_err(|_| {
                Failure::Input(lang.t_with("cli.not_utf8", &[("path", file.display().to_string())]))
            })?;
            let form = Form::parse(&text).map_err(|e| Failure::Input(e.localize(lang)))?;
            describe(&form, lang);
            Ok(())
        }
        FormAction::Install { file } => {
            let text = String::from_utf8(read_file(&file, lang)?).map_err(|_| {
                Failure::Input(lang.t_with("cli.not_utf8", &[("path", file.display().to_string())]))
            })?;
            let store = open(database, lang).await?;
            let form = install_form(&*store, &operator_principal(), &text).await?;
            describe(&form, lang);
            Ok(())
        }
        FormAction::List => {
            let store = open(database, lang).await?;
            for (form, periods) in forms_with_periods(&*store).await? {
                describe(&form, lang);
                for p in periods {
                    let label = if lang.is_english() {
                        p.period.label_en()
                    } else {
                        p.period.label_zh()
                    };
                    println!("  {}  {label}  {}", p.period, p.deadline);
                }
            }
            Ok(())
        }
        FormAction::Open {
            form,
            period,
            deadline,
        } => {
            let store = open(database, lang).await?;
            let deadline = match deadline {
                None => None,
                Some(text) => Some(
                    time::Date::parse(
                        &text,
                        time::macros::format_description!("[year]-[month]-[day]"),
                    )
                    .map_err(|_| {
                        Failure::Input(lang.t_with("cli.bad_date", &[("text", text.clone())]))
                    })?,
                ),
            };
            let record = open_period(
                &*store,
                &operator_principal(),
                &form,
                period_of(&period)?,
                deadline,
            )
            .await?;
            println!(
                "{}",
                lang.t_with(
                    "cli.period.opened",
                    &[
                        ("form", record.form_code),
                        ("period", record.period.to_string()),
                        ("deadline", record.deadline.to_string())
                    ]
                )
            );
            Ok(())
        }
    }
}

/// Peak resident memory of this process, in MiB, where the system tells it.
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub async fn filings(
    database: &str,
    lang: Lang,
    limits: &Limits,
    action: FilingsAction,
) -> Result<(), Failure> {
    let principal = operator_principal();
    match action {
        FilingsAction::Import {
            form,
            period,
            file,
            dry_run,
            timings,
        } => {
            let started = Instant::now();
            let bytes = read_data_file(&file, lang, limits)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let period = period_of(&period)?;
            let store = open(database, lang).await?;
            let s = spinner(lang.t_with("cli.import.working", &[("file", name.clone())]));
            let table = tokio::task::block_in_place(|| read_upload(&name, &bytes, &limits.read))?;
            drop(bytes);
            let read = started.elapsed();
            let hierarchy = registry_hierarchy(&*store).await?;
            s.finish_and_clear();
            let saving = bar(table.rows.len() as u64, lang.t("cli.filings.saving"));
            let progress = |n: u64| saving.set_position(n);
            let report = upload_filings(
                &*store, &principal, &hierarchy, &form, period, &table, dry_run, &progress,
            )
            .await?;
            saving.finish_and_clear();
            let key = if report.dry_run {
                "cli.filings.checked"
            } else {
                "cli.filings.imported"
            };
            println!(
                "{}",
                lang.t_with(
                    key,
                    &[
                        ("file", name),
                        ("rows", report.rows.to_string()),
                        ("created", report.created.to_string()),
                        ("updated", report.updated.to_string()),
                        ("explained", report.explained_warnings.to_string()),
                    ]
                )
            );
            if timings {
                let seconds = started.elapsed().as_secs_f64();
                println!(
                    "{}",
                    lang.t_with(
                        "cli.filings.timings",
                        &[
                            ("seconds", format!("{seconds:.2}")),
                            ("read", format!("{:.2}", read.as_secs_f64())),
                            (
                                "memory",
                                peak_memory_mib().map_or("?".into(), |m| format!("{m:.0}"))
                            ),
                        ]
                    )
                );
            }
            Ok(())
        }
        FilingsAction::Export {
            form,
            period,
            unit,
            file,
        } => {
            let format = format_of(&file, lang)?;
            let store = open(database, lang).await?;
            let hierarchy = registry_hierarchy(&*store).await?;
            let unit = unit_of(&hierarchy, &unit)?;
            let sheets = approved_export(
                &*store,
                &principal,
                &hierarchy,
                &form,
                period_of(&period)?,
                unit,
            )
            .await?;
            let bytes = match format {
                FileFormat::Xlsx => innozone_exchange::write_xlsx(&sheets)
                    .map_err(|e| Failure::App(innozone_app::AppError::File(e.to_string())))?,
                FileFormat::Csv => sheet_bytes(&sheets[0], FileFormat::Csv)?,
            };
            write_atomically(&file, &bytes, lang)?;
            println!(
                "{}",
                lang.t_with(
                    "cli.export.done",
                    &[
                        ("file", file.display().to_string()),
                        ("rows", sheets[0].rows.len().to_string())
                    ]
                )
            );
            Ok(())
        }
        FilingsAction::Template {
            form,
            period,
            unit,
            file,
        } => {
            let store = open(database, lang).await?;
            let hierarchy = registry_hierarchy(&*store).await?;
            let unit = unit_of(&hierarchy, &unit)?;
            let period = period_of(&period)?;
            let (sheet, view) =
                unit_filing_template(&*store, &principal, &hierarchy, &form, period, unit).await?;
            let bytes = sheet_bytes(&sheet, format_of(&file, lang)?)?;
            write_atomically(&file, &bytes, lang)?;
            println!(
                "{}",
                lang.t_with(
                    "cli.export.done",
                    &[
                        ("file", file.display().to_string()),
                        ("rows", view.total.expected.to_string())
                    ]
                )
            );
            Ok(())
        }
        FilingsAction::Close { form, period, unit } => {
            let store = open(database, lang).await?;
            let hierarchy = registry_hierarchy(&*store).await?;
            let unit = unit_of(&hierarchy, &unit)?;
            let locked = close_period(
                &*store,
                &principal,
                &hierarchy,
                &form,
                period_of(&period)?,
                unit,
            )
            .await?;
            println!(
                "{}",
                lang.t_with("cli.filings.closed", &[("locked", locked.to_string())])
            );
            Ok(())
        }
        FilingsAction::Progress { form, period, unit } => {
            let store = open(database, lang).await?;
            let hierarchy = registry_hierarchy(&*store).await?;
            let unit = unit_of(&hierarchy, &unit)?;
            let view = completeness(
                &*store,
                &principal,
                &hierarchy,
                &form,
                period_of(&period)?,
                unit,
            )
            .await?;
            println!("{}", lang.t("cli.filings.progress_header"));
            for p in view
                .parks
                .iter()
                .map(|p| (p.park.name_zh.as_str(), &p.counts))
                .chain([("合计", &view.total)])
            {
                let (name, c) = p;
                println!(
                    "{name}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    c.expected, c.filed, c.on_time, c.late, c.missing, c.returned, c.approved
                );
            }
            Ok(())
        }
    }
}
