//! Commands of statistical monitoring: the indicator catalogue, the targets, unit
//! statistics, and the indicators of a unit printed as a table.

use std::path::Path;

use innozone_app::accounts::operator_principal;
use innozone_app::monitoring::{
    Basis, Monitor, check_catalogue, current_catalogue, dashboard, install_catalogue,
    install_targets, statistics_template, upload_statistics,
};
use innozone_domain::monitoring::Catalogue;
use innozone_exchange::write_xlsx;
use innozone_i18n::{Lang, target_status_name, unavailable_reason};

use crate::commands::{open, read_data_file, write_atomically};
use crate::output::Failure;
use crate::{IndicatorsAction, StatisticsAction, TargetsAction};

pub(crate) fn read_text(path: &Path, lang: Lang) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::Io(lang.t_with(
            "cli.cannot_read",
            &[
                ("path", path.display().to_string()),
                ("reason", e.to_string()),
            ],
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Failure::Input(lang.t_with("cli.not_utf8", &[("path", path.display().to_string())]))
    })
}

pub(crate) fn period_of(text: &str) -> Result<innozone_domain::reporting::Period, Failure> {
    text.parse()
        .map_err(|e: innozone_domain::reporting::PeriodError| Failure::App(e.into()))
}

pub(crate) async fn unit_id(
    store: &dyn innozone_store::Store,
    code: &str,
) -> Result<innozone_domain::registry::UnitId, Failure> {
    let hierarchy = innozone_app::registry::registry_hierarchy(store).await?;
    hierarchy.unit_by_code(code).map(|u| u.id).ok_or_else(|| {
        Failure::App(innozone_app::AppError::UnknownReference {
            entity: "unit",
            key: code.to_string(),
        })
    })
}

fn list(catalogue: &Catalogue, lang: Lang) {
    println!(
        "{}",
        lang.t_with(
            "cli.indicators.summary",
            &[
                ("version", catalogue.version.to_string()),
                ("indicators", catalogue.indicators.len().to_string()),
                ("statistics", catalogue.statistics.len().to_string()),
            ]
        )
    );
    for i in &catalogue.indicators {
        println!(
            "  {:<28} {}（{}）  = {}",
            i.code,
            i.name(lang.is_english()),
            i.unit.symbol(lang.is_english()),
            i.formula
        );
    }
}

pub async fn indicators(
    database: &str,
    lang: Lang,
    action: IndicatorsAction,
) -> Result<(), Failure> {
    match action {
        IndicatorsAction::Check { file } => {
            let text = read_text(&file, lang)?;
            let store = open(database, lang).await?;
            let catalogue = check_catalogue(&*store, &text).await?;
            list(&catalogue, lang);
            Ok(())
        }
        IndicatorsAction::Install { file } => {
            let text = read_text(&file, lang)?;
            let store = open(database, lang).await?;
            let (catalogue, _) = install_catalogue(&*store, &operator_principal(), &text).await?;
            list(&catalogue, lang);
            Ok(())
        }
        IndicatorsAction::List => {
            let store = open(database, lang).await?;
            match current_catalogue(&*store).await? {
                Some(c) => list(&c, lang),
                None => println!("{}", lang.t("monitoring.no_catalogue")),
            }
            Ok(())
        }
        IndicatorsAction::Show {
            unit,
            period,
            all_submitted,
        } => {
            let store = open(database, lang).await?;
            let id = unit_id(&*store, &unit).await?;
            let basis = if all_submitted {
                Basis::IncludingUnapproved
            } else {
                Basis::Approved
            };
            let monitor = Monitor::new();
            let Some(d) = dashboard(
                &*store,
                &monitor,
                &operator_principal(),
                id,
                period_of(&period)?,
                basis,
                None,
                lang.is_english(),
            )
            .await?
            else {
                println!("{}", lang.t("monitoring.no_catalogue"));
                return Ok(());
            };
            let catalogue = &d.snapshot.catalogue;
            println!("{} · {}", d.unit_name, d.period);
            for card in &d.cards {
                let def = &catalogue.indicators[card.indicator];
                let value = match &card.value {
                    Ok(v) => format!("{:.*}", usize::from(def.decimals), v),
                    Err(why) => format!("— ({})", unavailable_reason(why, catalogue, lang)),
                };
                let status = card
                    .target
                    .as_ref()
                    .and_then(|t| t.comparison)
                    .map(|c| {
                        format!(
                            "  [{} {:.*}]",
                            target_status_name(c.status, lang),
                            usize::from(def.decimals),
                            c.expected
                        )
                    })
                    .unwrap_or_default();
                println!(
                    "  {:<28} {:>16} {}{}",
                    def.code,
                    value,
                    def.unit.symbol(lang.is_english()),
                    status
                );
            }
            Ok(())
        }
    }
}

pub async fn targets(database: &str, lang: Lang, action: TargetsAction) -> Result<(), Failure> {
    match action {
        TargetsAction::Install { file } => {
            let text = read_text(&file, lang)?;
            let store = open(database, lang).await?;
            let (targets, _) = install_targets(&*store, &operator_principal(), &text).await?;
            println!(
                "{}",
                lang.t_with(
                    "cli.targets.installed",
                    &[("count", targets.targets.len().to_string())]
                )
            );
            Ok(())
        }
    }
}

pub async fn statistics(
    database: &str,
    lang: Lang,
    limits: &innozone_app::limits::Limits,
    action: StatisticsAction,
) -> Result<(), Failure> {
    match action {
        StatisticsAction::Template { unit, period, file } => {
            let store = open(database, lang).await?;
            let id = unit_id(&*store, &unit).await?;
            let hierarchy = innozone_app::registry::registry_hierarchy(&*store).await?;
            let sheet = statistics_template(
                &*store,
                &hierarchy,
                &operator_principal(),
                id,
                period_of(&period)?,
            )
            .await?;
            let bytes = write_xlsx(&[sheet]).map_err(|e| Failure::Io(e.to_string()))?;
            write_atomically(&file, &bytes, lang)?;
            Ok(())
        }
        StatisticsAction::Import {
            file,
            period,
            dry_run,
        } => {
            let bytes = read_data_file(&file, lang, limits)?;
            let store = open(database, lang).await?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let upload = upload_statistics(
                &*store,
                &operator_principal(),
                period_of(&period)?,
                &name,
                &bytes,
                &limits.read,
                !dry_run,
            )
            .await?;
            println!(
                "{}",
                lang.t_with(
                    if upload.committed {
                        "cli.statistics.imported"
                    } else {
                        "cli.statistics.checked"
                    },
                    &[
                        ("values", upload.values.to_string()),
                        ("units", upload.units.to_string()),
                    ]
                )
            );
            Ok(())
        }
    }
}
