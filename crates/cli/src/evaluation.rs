//! `innozone evaluate`: a scheme file applied to a data file of the units' values, the
//! scores written as CSV and xlsx. Everything is checked before anything is written: a bad
//! scheme or data file gives a located message for every problem and exit code 3.

use std::path::Path;

use innozone_app::limits::Limits;
use innozone_domain::evaluation::run::run;
use innozone_domain::evaluation::scheme::Scheme;
use innozone_exchange::evaluation::{
    explanations_sheet, read_scheme_data, scores_sheet, standalone_options,
};
use innozone_exchange::{FileFormat, read_table_within, write_csv, write_xlsx};
use innozone_i18n::{Lang, Localize};

use crate::commands::{read_data_file, write_atomically};
use crate::output::Failure;

fn read_bytes(path: &Path, lang: Lang) -> Result<Vec<u8>, Failure> {
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

pub fn evaluate(
    lang: Lang,
    limits: &Limits,
    scheme_path: &Path,
    data_path: &Path,
    out: &Path,
    period: Option<&str>,
) -> Result<(), Failure> {
    let english = lang.is_english();
    if let Some(p) = period
        && !(p.len() == 4 && p.parse::<i32>().is_ok())
    {
        return Err(Failure::Input(
            lang.t_with("cli.evaluate.bad_period", &[("period", p.to_string())]),
        ));
    }
    let source = String::from_utf8(read_bytes(scheme_path, lang)?).map_err(|_| {
        Failure::Input(lang.t_with(
            "cli.not_utf8",
            &[("path", scheme_path.display().to_string())],
        ))
    })?;
    // The values of every indicator, monitoring-sourced or entered, come from the data
    // file's columns, so there is no catalogue to check the monitoring codes against; a
    // missing column is reported, located, by `read_data`.
    let scheme = Scheme::parse(&source, &|_| true, &|_| true)
        .map_err(|e| Failure::Input(e.localize(lang)))?;

    let format = FileFormat::from_path(data_path).ok_or_else(|| {
        Failure::Input(lang.t_with(
            "cli.evaluate.unknown_format",
            &[("path", data_path.display().to_string())],
        ))
    })?;
    let bytes = read_data_file(data_path, lang, limits)?;
    let name = data_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let table = read_table_within(&name, &bytes, format, None, &limits.read)
        .map_err(|e| Failure::App(e.into()))?;
    let data = read_scheme_data(&table, &scheme).map_err(|issues| {
        let mut message = lang.t_with(
            "cli.evaluate.data_failed",
            &[("count", issues.len().to_string())],
        );
        for issue in &issues {
            message.push_str("\n  ");
            message.push_str(&issue.localize(lang));
        }
        Failure::Input(message)
    })?;

    // No previous period is read: every previous value is unknown, so an indicator
    // imputed by its last value keeps its missing values missing.
    let result = run(&scheme, &data.data, &standalone_options(&data))
        .map_err(|e| Failure::Input(e.localize(lang)))?;

    let label = |key: &str| lang.t(&format!("cli.evaluate.{key}"));
    let scores = scores_sheet(&scheme, &result, period, english, &label);
    let explanations = explanations_sheet(&scheme, &result, english, &label);
    let xlsx = write_xlsx(&[scores.clone(), explanations.clone()])
        .map_err(|e| Failure::Io(e.to_string()))?;
    write_atomically(&out.join("scores.csv"), &write_csv(&scores), lang)?;
    write_atomically(
        &out.join("explanations.csv"),
        &write_csv(&explanations),
        lang,
    )?;
    write_atomically(&out.join("scores.xlsx"), &xlsx, lang)?;

    let excluded = result.included.iter().filter(|i| !**i).count();
    if excluded > 0 {
        println!(
            "{}",
            lang.t_with("cli.evaluate.excluded", &[("count", excluded.to_string())])
        );
    }
    if !result.explanation_exact {
        println!("{}", lang.t("cli.evaluate.approximate"));
    }
    println!(
        "{}",
        lang.t_with(
            "cli.evaluate.done",
            &[
                ("units", result.units.len().to_string()),
                ("scheme", scheme.name(english).to_string()),
                ("dir", out.display().to_string()),
            ]
        )
    );
    Ok(())
}
