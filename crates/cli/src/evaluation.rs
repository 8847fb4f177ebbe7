//! `innozone evaluate`: a scheme file applied to a data file of the units' values, the
//! scores written as CSV and xlsx. Everything is checked before anything is written: a bad
//! scheme or data file gives a located message for every problem and exit code 3.

use std::path::Path;

use innozone_domain::evaluation::data::{EvaluationData, read_data};
use innozone_domain::evaluation::run::{RunOptions, RunResult, run};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_exchange::{FileFormat, SheetData, Value, read_table, write_csv, write_xlsx};
use innozone_i18n::{Lang, Localize};

use crate::commands::write_atomically;
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

fn number(x: Option<f64>) -> Value {
    match x {
        // Four decimals: scores read as points, and the file stays legible.
        Some(x) => Value::Number((x * 1e4).round() / 1e4),
        None => Value::Empty,
    }
}

/// A node's or indicator's column header: its name in the user's language and its code.
fn header(name: &str, code: &str, lang: Lang) -> String {
    if lang.is_english() {
        format!("{name} ({code})")
    } else {
        format!("{name}（{code}）")
    }
}

pub fn evaluate(
    lang: Lang,
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
    let bytes = read_bytes(data_path, lang)?;
    let name = data_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let table = read_table(&name, &bytes, format, None)
        .map_err(|e| Failure::App(innozone_app::AppError::File(e.to_string())))?;
    let needed: Vec<&str> = scheme.indicators().map(|(_, n)| n.code.as_str()).collect();
    let data = read_data(&table, &needed).map_err(|issues| {
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
    let previous = EvaluationData {
        units: data.units.clone(),
        indicators: data.indicators.clone(),
        values: vec![vec![None; data.indicators.len()]; data.units.len()],
    };
    let options = RunOptions {
        previous: Some(previous),
        ..RunOptions::default()
    };
    let result = run(&scheme, &data, &options).map_err(|e| Failure::Input(e.localize(lang)))?;

    let scores = scores_sheet(&scheme, &result, period, lang);
    let explanations = explanations_sheet(&scheme, &result, lang);
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

/// One row per unit: every node's score in the scheme's order, the aggregate, bonus,
/// penalty, total, rank and grade.
fn scores_sheet(
    scheme: &Scheme,
    result: &RunResult,
    period: Option<&str>,
    lang: Lang,
) -> SheetData {
    let english = lang.is_english();
    let col = |key: &str| lang.t(&format!("cli.evaluate.col.{key}"));
    let mut headers = vec![col("unit")];
    if period.is_some() {
        headers.push(col("period"));
    }
    headers.push(col("availability"));
    headers.push(col("included"));
    headers.extend(
        scheme
            .nodes
            .iter()
            .map(|n| header(n.name(english), &n.code, lang)),
    );
    for key in ["aggregate", "bonus", "penalty", "total", "rank", "grade"] {
        headers.push(col(key));
    }
    let rows = (0..result.units.len())
        .map(|u| {
            let mut row = vec![Value::Text(result.units[u].clone())];
            if let Some(p) = period {
                row.push(Value::Text(p.to_string()));
            }
            row.push(number(Some(result.availability[u])));
            row.push(Value::Text(lang.t(if result.included[u] {
                "cli.evaluate.yes"
            } else {
                "cli.evaluate.no"
            })));
            row.extend(result.scores.iter().map(|s| number(s[u])));
            let adjusted = result.adjusted[u];
            row.push(number(result.aggregate[u]));
            row.push(number(adjusted.map(|a| a.bonus)));
            row.push(number(adjusted.map(|a| a.penalty)));
            row.push(number(result.total[u]));
            row.push(
                result.ranks[u]
                    .map(|r| Value::Integer(i64::from(r)))
                    .unwrap_or(Value::Empty),
            );
            row.push(
                result.grades[u]
                    .map(|g| Value::Text(scheme.grades.bands[g].name(english).to_string()))
                    .unwrap_or(Value::Empty),
            );
            row
        })
        .collect();
    SheetData {
        name: lang.t("cli.evaluate.sheet_scores"),
        headers,
        rows,
    }
}

/// One row per unit and indicator: the indicator's score and effective weight, and what
/// the unit gained or lost on it against the best unit and against the median.
fn explanations_sheet(scheme: &Scheme, result: &RunResult, lang: Lang) -> SheetData {
    let english = lang.is_english();
    let weights = scheme.effective_weights();
    let headers = [
        "unit",
        "indicator",
        "indicator_name",
        "weight",
        "score",
        "against_best",
        "against_median",
    ]
    .iter()
    .map(|k| lang.t(&format!("cli.evaluate.col.{k}")))
    .collect();
    let mut rows = Vec::new();
    for (u, contributions) in result.explanations.iter().enumerate() {
        for c in contributions {
            let node = &scheme.nodes[c.node];
            rows.push(vec![
                Value::Text(result.units[u].clone()),
                Value::Text(node.code.clone()),
                Value::Text(node.name(english).to_string()),
                number(Some(weights[c.node])),
                number(c.score),
                number(c.against_best),
                number(c.against_median),
            ]);
        }
    }
    SheetData {
        name: lang.t("cli.evaluate.sheet_explanations"),
        headers,
        rows,
    }
}
