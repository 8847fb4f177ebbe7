//! `innozone bench indicators`: every indicator of the shipped catalogue for every unit of
//! the national example for 2025 (and 2024, which growth reads), computed by the engine
//! straight from the generated data set, against DuckDB's hand-written SQL over the same
//! facts written to CSV, in the same run on the same machine; every value is compared.
//!
//! The facts are built as the monitoring use cases build them from a store: every
//! enterprise located in a park on 31 December, attributed to that park, with its
//! attributes on the day (tiers recognised then, the spatial role of its park or the
//! park's nearest ancestor) and, for the in-survey ones, the values of their annual filing
//! (`bulk_filings`). Every unit gets every statistic of the catalogue for both years,
//! made up deterministically from its enterprises' sums so that every indicator can be
//! computed everywhere.
//!
//! What goes to DuckDB (in `--dir`): `meta.json`; `units.csv` (position, code);
//! `closure_YEAR.csv` (`unit`, `ancestor`: every unit with itself and each of its
//! ancestors on 31 December, from the same parent arrays as the engine's layout);
//! `facts_YEAR.csv` (one row per located enterprise: its unit, its attributes as booleans,
//! its GB/T 4754 class as a number and one column per form field in the form's entry
//! units, 千元 as 千元, blank where not filed); `statistics.csv` (year, unit and one column
//! per statistic in **base units**, 元 / 人 / 亩 …, exactly the numbers the engine
//! computes with). The script writes `duckdb_results.csv` (unit, then one column per
//! indicator in its display unit, blank for NULL) and `duckdb_timings.json`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use innozone_domain::monitoring::{
    Attribute, AttributeSet, Catalogue, Computation, Dimension, FactTable, FilingRef, PeriodData,
    PeriodLayout, UnitIndex, compute,
};
use innozone_domain::registry::{Dataset, DatasetEnterprise, EnterpriseId, Tier};
use innozone_domain::reporting::{FilingValues, Form, Period};
use innozone_example::filings::{ANNUAL_FORM, bulk_filings, forms};
use innozone_example::monitoring::INDICATORS;
use innozone_i18n::Lang;

use crate::output::{Failure, bar, spinner};

/// The year computed and compared; growth reads the year before.
const YEAR: i32 = 2025;
/// The DuckDB side, written next to the CSV files and run with `--python`.
const SCRIPT: &str = include_str!("../../../scripts/bench_indicators_duckdb.py");
/// Largest relative difference still counted as agreement.
const TOLERANCE: f64 = 1e-9;

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

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

pub fn indicators(lang: Lang, dir: &Path, python: &Path, runs: usize) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(io(lang, dir))?;
    let forms = forms();
    let catalogue = Catalogue::parse(INDICATORS, &forms).map_err(|e| {
        Failure::Input(lang.t_with(
            "cli.bench_indicators.bad_catalogue",
            &[("error", e.to_string())],
        ))
    })?;
    let annual = forms
        .iter()
        .find(|f| f.code == ANNUAL_FORM)
        .expect("the annual form ships");

    let generating = bar(
        u64::from(innozone_example::national::NATIONAL_ENTERPRISES),
        lang.t("cli.example.generating"),
    );
    let dataset = innozone_example::national(&|n| generating.set_position(n));
    generating.finish_and_clear();

    let s = spinner(lang.t("cli.bench_indicators.filings"));
    let years = [YEAR - 1, YEAR];
    let filings: Vec<_> = years
        .iter()
        .map(|&y| bulk_filings(&dataset, annual, Period::Year(y)))
        .collect();
    s.finish_and_clear();

    let s = spinner(lang.t("cli.bench_indicators.facts"));
    let started = Instant::now();
    let facts = Facts::build(&dataset, &catalogue, annual, &years, &filings);
    let built = started.elapsed();
    s.finish_and_clear();
    let rows: Vec<String> = facts
        .periods
        .iter()
        .map(|p| {
            p.tables
                .iter()
                .map(FactTable::len)
                .sum::<usize>()
                .to_string()
        })
        .collect();
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.facts_built",
            &[
                ("rows", rows.join(" / ")),
                ("units", facts.index.len().to_string()),
                ("statistics", catalogue.statistics.len().to_string()),
                ("ms", ms(built)),
            ]
        )
    );

    // The engine, timed alone.
    let timing = bar(runs as u64, lang.t("cli.bench_indicators.computing"));
    let mut times = Vec::with_capacity(runs);
    let mut computation: Option<Computation> = None;
    for _ in 0..runs {
        drop(computation.take());
        let started = Instant::now();
        let c = compute(&catalogue, &facts.index, &facts.periods);
        times.push(started.elapsed());
        computation = Some(c);
        timing.inc(1);
    }
    timing.finish_and_clear();
    let computation = computation.expect("at least one run");
    times.sort();
    let (median, best) = (times[runs / 2], times[0]);
    let applying: Vec<usize> = (0..catalogue.indicators.len())
        .filter(|&i| catalogue.applies_to(i, Period::Year(YEAR).period_type()))
        .collect();
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.computed",
            &[
                ("units", facts.index.len().to_string()),
                ("indicators", catalogue.indicators.len().to_string()),
                ("periods", facts.periods.len().to_string()),
                ("terms", catalogue.terms.len().to_string()),
                ("median", ms(median)),
                ("best", ms(best)),
                ("runs", runs.to_string()),
            ]
        )
    );

    let s = spinner(lang.t("cli.bench_indicators.writing"));
    let written = facts
        .write_csv(dir, &dataset, &catalogue, &applying)
        .map_err(io(lang, dir))?;
    let script = dir.join("bench_indicators_duckdb.py");
    std::fs::write(&script, SCRIPT).map_err(io(lang, &script))?;
    s.finish_and_clear();
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.written",
            &[
                ("mib", format!("{:.0}", written as f64 / 1_048_576.0)),
                ("dir", dir.display().to_string()),
            ]
        )
    );

    let status = Command::new(python)
        .arg(&script)
        .arg(dir)
        .arg(runs.to_string())
        .status();
    if !status.is_ok_and(|s| s.success()) {
        return Err(Failure::Io(lang.t_with(
            "cli.bench_indicators.duckdb_failed",
            &[("python", python.display().to_string())],
        )));
    }
    let timings = read_timings(&dir.join("duckdb_timings.json")).map_err(|e| {
        Failure::Io(lang.t_with("cli.bench_indicators.bad_results", &[("reason", e)]))
    })?;
    let theirs = read_results(&dir.join("duckdb_results.csv")).map_err(|e| {
        Failure::Io(lang.t_with("cli.bench_indicators.bad_results", &[("reason", e)]))
    })?;

    // Every (unit, indicator) of the year, both ways.
    let period = Period::Year(YEAR);
    let mut compared = 0usize;
    let mut unavailable = 0usize;
    let mut disagreements = Vec::new();
    let mut missing = Vec::new();
    for &i in &applying {
        let code = &catalogue.indicators[i].code;
        let Some(column) = theirs.columns.iter().position(|c| c == code) else {
            missing.push(code.clone());
            continue;
        };
        for position in 0..facts.index.len() as u32 {
            let ours = computation.value(period, i, position).and_then(|v| v.ok());
            let theirs = theirs.rows.get(&position).and_then(|row| row[column]);
            compared += 1;
            let agree = match (ours, theirs) {
                (None, None) => {
                    unavailable += 1;
                    true
                }
                (Some(a), Some(b)) => a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()),
                _ => false,
            };
            if !agree {
                disagreements.push((position, code.clone(), ours, theirs));
            }
        }
    }

    println!("{}", lang.t("cli.bench_indicators.header"));
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.ours",
            &[
                ("median", ms(median)),
                ("best", ms(best)),
                (
                    "values",
                    (facts.index.len() * catalogue.indicators.len() * facts.periods.len())
                        .to_string()
                ),
            ]
        )
    );
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.theirs",
            &[
                ("version", timings.version.clone()),
                ("load", format!("{:.1}", timings.load * 1000.0)),
                ("median", format!("{:.1}", timings.median * 1000.0)),
                ("best", format!("{:.1}", timings.best * 1000.0)),
                ("threads", timings.threads.to_string()),
            ]
        )
    );
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.ratio",
            &[
                ("best", format!("{:.2}", best.as_secs_f64() / timings.best)),
                (
                    "median",
                    format!("{:.2}", median.as_secs_f64() / timings.median)
                ),
                (
                    "speedup",
                    format!("{:.1}", timings.best / best.as_secs_f64())
                ),
            ]
        )
    );
    println!(
        "{}",
        lang.t_with(
            "cli.bench_indicators.compared",
            &[
                ("values", compared.to_string()),
                ("units", facts.index.len().to_string()),
                ("indicators", (applying.len() - missing.len()).to_string()),
                ("unavailable", unavailable.to_string()),
                ("disagreements", disagreements.len().to_string()),
            ]
        )
    );
    for (position, code, ours, theirs) in disagreements.iter().take(20) {
        let show = |v: &Option<f64>| v.map_or("NULL".to_string(), |x| format!("{x:e}"));
        println!(
            "{}",
            lang.t_with(
                "cli.bench_indicators.disagreement",
                &[
                    ("unit", dataset.units[*position as usize].code.to_string()),
                    ("indicator", code.clone()),
                    ("ours", show(ours)),
                    ("theirs", show(theirs)),
                ]
            )
        );
    }
    if !missing.is_empty() {
        println!(
            "{}",
            lang.t_with(
                "cli.bench_indicators.missing",
                &[("indicators", missing.join(", "))]
            )
        );
    }
    if !disagreements.is_empty() || !missing.is_empty() {
        return Err(Failure::Io(lang.t("cli.bench_indicators.failed")));
    }
    Ok(())
}

/// Both years' data, as the engine takes it.
struct Facts {
    index: UnitIndex,
    /// Ascending years.
    periods: Vec<Arc<PeriodData>>,
}

type BulkRow<'a> = (&'a DatasetEnterprise, FilingValues, Option<String>);

impl Facts {
    fn build(
        dataset: &Dataset,
        catalogue: &Catalogue,
        annual: &Form,
        years: &[i32],
        filings: &[Vec<BulkRow<'_>>],
    ) -> Facts {
        let (hierarchy, ids) = dataset
            .hierarchy()
            .expect("the national example's hierarchy is sound");
        let index = UnitIndex::new(dataset.units.iter().map(|u| ids[&u.code]));
        let position: HashMap<&str, u32> = dataset
            .units
            .iter()
            .map(|u| {
                (
                    u.code.as_str(),
                    index.position(ids[&u.code]).expect("indexed"),
                )
            })
            .collect();
        // Positions follow the data set's order of units.
        let roles_of = |layout: &PeriodLayout| -> Vec<Option<_>> {
            (0..index.len())
                .map(|u| {
                    let mut cursor = Some(u as u32);
                    let mut steps = 0;
                    while let Some(c) = cursor {
                        if let Some(role) = dataset.units[c as usize].spatial_role {
                            return Some(role);
                        }
                        steps += 1;
                        if steps > index.len() {
                            break;
                        }
                        cursor = layout.parent[c as usize];
                    }
                    None
                })
                .collect()
        };
        let form = catalogue.form_index(ANNUAL_FORM);
        // Where each of the catalogue form's fields sits among the filed values.
        let mapping: Vec<Option<usize>> = form
            .map(|f| {
                catalogue.forms[f]
                    .fields
                    .iter()
                    .map(|code| annual.fields.iter().position(|d| d.code == *code))
                    .collect()
            })
            .unwrap_or_default();
        let classes: Vec<u16> = dataset
            .enterprises
            .iter()
            .map(|e| e.draft.industry.as_str().parse().unwrap_or(0))
            .collect();

        let mut periods = Vec::with_capacity(years.len());
        for (&year, rows) in years.iter().zip(filings) {
            let period = Period::Year(year);
            let day = period.last_day();
            let layout = PeriodLayout::new(&index, &hierarchy.as_of(day));
            let roles = roles_of(&layout);
            let mut tables = Vec::new();
            if let Some(f) = form {
                let mut table = FactTable::new(f, period, mapping.len(), dataset.enterprises.len());
                let mut next = 0usize;
                let mut values = vec![None; mapping.len()];
                let mut tiers: Vec<Tier> = Vec::new();
                for (i, e) in dataset.enterprises.iter().enumerate() {
                    let Some(location) = e
                        .locations
                        .iter()
                        .find(|l| l.from <= day && l.until.is_none_or(|until| day < until))
                    else {
                        continue;
                    };
                    let Some(&unit) = position.get(location.park.as_str()) else {
                        continue;
                    };
                    // The bulk rows are the in-survey located enterprises in data set order.
                    let filed = match rows.get(next) {
                        Some((filer, filed, _)) if std::ptr::eq(*filer, e) => {
                            next += 1;
                            for (to, from) in values.iter_mut().zip(&mapping) {
                                *to = from.and_then(|k| filed.0.get(k).copied().flatten());
                            }
                            Some(FilingRef {
                                filing_id: i as i64 + 1,
                                revision: 1,
                                approved: true,
                            })
                        }
                        _ => None,
                    };
                    tiers.clear();
                    tiers.extend(
                        e.recognitions
                            .iter()
                            .filter(|r| r.is_valid_on(day))
                            .map(|r| r.tier),
                    );
                    let attributes = AttributeSet::of_enterprise(
                        e.draft.size_class,
                        e.draft.in_survey,
                        &e.draft.industry,
                        &tiers,
                        roles[unit as usize],
                    );
                    table.push(
                        EnterpriseId(i as i64 + 1),
                        unit,
                        attributes,
                        classes[i],
                        filed.map(|r| (&values[..], r)),
                    );
                }
                tables.push(table);
            }
            let statistics = synthetic_statistics(dataset, catalogue, &layout, &tables, year);
            periods.push(Arc::new(PeriodData {
                period,
                layout,
                tables,
                statistics,
            }));
        }
        Facts { index, periods }
    }

    /// Writes what DuckDB loads; returns the bytes written.
    fn write_csv(
        &self,
        dir: &Path,
        dataset: &Dataset,
        catalogue: &Catalogue,
        applying: &[usize],
    ) -> std::io::Result<u64> {
        let mut written = 0u64;
        let mut file = |name: &str, body: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
            let path = dir.join(name);
            let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
            body(&mut out)?;
            out.flush()?;
            written += std::fs::metadata(&path)?.len();
            Ok::<_, std::io::Error>(())
        };
        let fields: Vec<String> = catalogue
            .form_index(ANNUAL_FORM)
            .map(|f| catalogue.forms[f].fields.clone())
            .unwrap_or_default();

        file("units.csv", &|out| {
            writeln!(out, "unit,code")?;
            for (i, u) in dataset.units.iter().enumerate() {
                writeln!(out, "{i},{}", u.code)?;
            }
            Ok(())
        })?;
        for data in &self.periods {
            let Period::Year(year) = data.period else {
                continue;
            };
            file(&format!("closure_{year}.csv"), &|out| {
                writeln!(out, "unit,ancestor")?;
                for u in 0..data.layout.parent.len() as u32 {
                    let mut cursor = Some(u);
                    let mut steps = 0;
                    while let Some(a) = cursor {
                        writeln!(out, "{u},{a}")?;
                        steps += 1;
                        if steps > data.layout.parent.len() {
                            break;
                        }
                        cursor = data.layout.parent[a as usize];
                    }
                }
                Ok(())
            })?;
            file(&format!("facts_{year}.csv"), &|out| {
                let mut line = String::from("enterprise,unit,industry_class");
                for a in Attribute::ALL {
                    write!(line, ",{}", a.code()).expect("a string");
                }
                for f in &fields {
                    write!(line, ",{f}").expect("a string");
                }
                writeln!(out, "{line}")?;
                for table in &data.tables {
                    for r in 0..table.len() {
                        line.clear();
                        write!(
                            line,
                            "{},{},{}",
                            table.enterprises[r].0, table.units[r], table.industry[r]
                        )
                        .expect("a string");
                        for a in Attribute::ALL {
                            line.push_str(if table.attributes[r].has(a) {
                                ",true"
                            } else {
                                ",false"
                            });
                        }
                        for column in &table.columns {
                            let v = column[r];
                            if v.is_nan() {
                                line.push(',');
                            } else {
                                write!(line, ",{v}").expect("a string");
                            }
                        }
                        writeln!(out, "{line}")?;
                    }
                }
                Ok(())
            })?;
        }
        file("statistics.csv", &|out| {
            let mut line = String::from("year,unit");
            for s in &catalogue.statistics {
                write!(line, ",{}", s.code).expect("a string");
            }
            writeln!(out, "{line}")?;
            for data in &self.periods {
                let Period::Year(year) = data.period else {
                    continue;
                };
                let mut by_unit =
                    vec![vec![f64::NAN; catalogue.statistics.len()]; self.index.len()];
                for &(s, u, v) in &data.statistics {
                    // In base units, as the engine converts them.
                    by_unit[u as usize][s] = v * catalogue.statistics[s].unit.factor();
                }
                for (u, values) in by_unit.iter().enumerate() {
                    line.clear();
                    write!(line, "{year},{u}").expect("a string");
                    for v in values {
                        if v.is_nan() {
                            line.push(',');
                        } else {
                            write!(line, ",{v}").expect("a string");
                        }
                    }
                    writeln!(out, "{line}")?;
                }
            }
            Ok(())
        })?;
        let meta = serde_json::json!({
            "year": YEAR,
            "years": self.periods.iter().map(|p| p.period.to_string()).collect::<Vec<_>>(),
            "units": self.index.len(),
            "flags": Attribute::ALL.iter().map(|a| a.code()).collect::<Vec<_>>(),
            "fields": fields,
            "statistics": catalogue.statistics.iter().map(|s| s.code.clone()).collect::<Vec<_>>(),
            "indicators": applying
                .iter()
                .map(|&i| {
                    let indicator = &catalogue.indicators[i];
                    serde_json::json!({
                        "code": indicator.code,
                        "unit": indicator.unit.code(),
                        "formula": indicator.formula,
                    })
                })
                .collect::<Vec<_>>(),
        });
        file("meta.json", &|out| {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&meta).expect("json")
            )
        })?;
        Ok(written)
    }
}

/// A number in [0, 1) fixed by the words given.
fn uniform(parts: &[&str]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // splitmix64's finaliser spreads the bits.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Every statistic of the catalogue for every unit, in its entry unit, never zero: GDP a
/// multiple of the value added of the unit's enterprises, other money a share of GDP
/// (fiscal spending, its S&T part, institutes' R&D, strategic emerging industries),
/// population a multiple of employees, area of the land occupied, and so on.
fn synthetic_statistics(
    dataset: &Dataset,
    catalogue: &Catalogue,
    layout: &PeriodLayout,
    tables: &[FactTable],
    year: i32,
) -> Vec<(usize, u32, f64)> {
    let units = layout.parent.len();
    // Rolled-up sums of a field in base units, or the enterprise count.
    let totals = |field: Option<&str>, factor: f64| -> Vec<f64> {
        let mut sum = vec![0.0; units];
        for table in tables {
            let fields = &catalogue.forms[table.form].fields;
            let column = match field {
                Some(code) => match fields.iter().position(|f| f == code) {
                    Some(k) => Some(&table.columns[k]),
                    None => continue,
                },
                None => None,
            };
            for (r, &u) in table.units.iter().enumerate() {
                let v = column.map_or(1.0, |c| c[r]);
                if !v.is_nan() {
                    sum[u as usize] += v * factor;
                }
            }
        }
        for &u in &layout.upward {
            if let Some(p) = layout.parent[u as usize] {
                sum[p as usize] += sum[u as usize];
            }
        }
        sum
    };
    let value_added = totals(Some("value_added"), 1e3);
    let employees = totals(Some("employees"), 1.0);
    let land = totals(Some("land_area"), 1.0);
    let energy = totals(Some("energy_consumption"), 1.0);
    let patents = totals(Some("invention_patents_held"), 1.0);
    let enterprises = totals(None, 1.0);
    let year_text = year.to_string();
    // The same draw in both years, with a drift of its own per year, so that growth
    // follows the enterprises.
    let draw = |unit: &str, code: &str| {
        (
            uniform(&[unit, code]),
            1.0 + 0.1 * uniform(&[unit, code, &year_text]),
        )
    };
    let gdp: Vec<f64> = (0..units)
        .map(|u| {
            let (x, drift) = draw(dataset.units[u].code.as_str(), "gdp");
            (value_added[u] * (1.5 + x)).max(5e8) * drift
        })
        .collect();

    let mut out = Vec::with_capacity(units * catalogue.statistics.len());
    for (s, statistic) in catalogue.statistics.iter().enumerate() {
        let dimension = statistic.unit.dimension();
        let code = statistic.code.as_str();
        for u in 0..units {
            let (x, drift) = draw(dataset.units[u].code.as_str(), code);
            let base = if dimension == Dimension::MONEY {
                let share = if code.contains("gdp") {
                    None
                } else if code.contains("fiscal_st") {
                    Some(0.003 + 0.007 * x)
                } else if code.contains("fiscal") {
                    Some(0.12 + 0.13 * x)
                } else if code.contains("rd") {
                    Some(0.002 + 0.008 * x)
                } else {
                    Some(0.1 + 0.2 * x)
                };
                match share {
                    None => gdp[u],
                    Some(share) => gdp[u] * share * drift,
                }
            } else if dimension == Dimension::PERSONS {
                (employees[u] * (3.0 + 5.0 * x)).max(2e4) * drift
            } else if dimension == Dimension::LAND {
                (land[u] * (1.5 + 2.0 * x)).max(3e3) * drift
            } else if dimension == Dimension::ENERGY {
                (energy[u] * (1.5 + 1.5 * x)).max(1e4) * drift
            } else if dimension == Dimension::ITEMS {
                (patents[u] * (1.1 + 0.5 * x)).max(20.0) * drift
            } else if dimension == Dimension::ENTERPRISES {
                (enterprises[u] * (1.2 + x)).max(10.0) * drift
            } else {
                (1.0 + 99.0 * x) * drift
            };
            out.push((s, u as u32, base / statistic.unit.factor()));
        }
    }
    out
}

struct Timings {
    version: String,
    threads: u64,
    load: f64,
    median: f64,
    best: f64,
}

fn read_timings(path: &Path) -> Result<Timings, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let number = |key: &str| {
        json[key]
            .as_f64()
            .ok_or_else(|| format!("{}: no {key}", path.display()))
    };
    Ok(Timings {
        version: json["version"].as_str().unwrap_or("?").to_string(),
        threads: json["threads"].as_u64().unwrap_or(0),
        load: number("load_seconds")?,
        median: number("query_median_seconds")?,
        best: number("query_best_seconds")?,
    })
}

struct Results {
    columns: Vec<String>,
    /// By unit position, a value per column (`None` for NULL).
    rows: HashMap<u32, Vec<Option<f64>>>,
}

fn read_results(path: &PathBuf) -> Result<Results, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header = lines.next().ok_or("an empty file")?;
    let columns: Vec<String> = header.split(',').skip(1).map(str::to_string).collect();
    let mut rows = HashMap::new();
    for (n, line) in lines.enumerate() {
        let mut cells = line.split(',');
        let bad = |what: &str| format!("{}, line {}: {what}", path.display(), n + 2);
        let unit: u32 = cells
            .next()
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| bad("no unit"))?;
        let values = cells
            .map(|c| {
                if c.is_empty() {
                    Ok(None)
                } else {
                    c.parse::<f64>().map(Some).map_err(|_| bad(c))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if values.len() != columns.len() {
            return Err(bad("wrong number of cells"));
        }
        rows.insert(unit, values);
    }
    Ok(Results { columns, rows })
}
