//! `innozone-bench indicators`: every annual indicator of the shipped catalogue for every
//! unit for 2025 (and 2024, which growth reads), computed by the monitoring engine over
//! facts built by the application's own fact builder (`app::monitoring::period_data`, fed
//! from the generated data set instead of a store), against DuckDB's SQL over the same
//! facts written to CSV, in the same run on the same machine; every value is compared.
//!
//! Before anything is computed, the DuckDB script says which indicators it has SQL for
//! (`--implements`); an annual indicator of the catalogue it lacks, or one it has that the
//! catalogue no longer holds, fails the run, as does any value the two sides disagree on
//! or an indicator without a single value to compare.
//!
//! The facts: every enterprise located in a park on 31 December, attributed to that park,
//! with its attributes on the day (tiers recognised then, the spatial role of its park or
//! the park's nearest ancestor) and, for the in-survey ones, the values of their annual
//! filing (`bulk_filings`). Every unit gets every statistic of the catalogue for both
//! years, made up deterministically from its enterprises' sums so that every indicator can
//! be computed everywhere.
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

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use innozone_app::monitoring::{FormFilings, PeriodSource, Profile, period_data};
use innozone_domain::monitoring::{
    Attribute, Catalogue, Computation, Dimension, FactTable, PeriodData, PeriodLayout, UnitIndex,
    compute,
};
use innozone_domain::registry::{Dataset, EnterpriseId};
use innozone_domain::reporting::{Form, Period};
use innozone_example::Scale;
use innozone_example::filings::{ANNUAL_FORM, bulk_filings, forms};
use innozone_example::monitoring::INDICATORS;
use innozone_store::CountedFiling;

use crate::{Failure, ms};

/// The year computed and compared; growth reads the year before.
const YEAR: i32 = 2025;
/// The DuckDB side, written next to the CSV files and run with `--python`.
const SCRIPT: &str = include_str!("../../../scripts/bench_indicators_duckdb.py");
/// Largest relative difference still counted as agreement.
const TOLERANCE: f64 = 1e-9;

fn io(path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure(format!("{}: {e}", path.display()))
}

/// The indicator codes the DuckDB script has SQL for.
fn implemented(python: &Path, script: &Path) -> Result<BTreeSet<String>, Failure> {
    let output = Command::new(python)
        .arg(script)
        .arg("--implements")
        .output()
        .map_err(|e| Failure(format!("{}: {e}", python.display())))?;
    if !output.status.success() {
        return Err(Failure(format!(
            "the DuckDB script would not list its indicators (is duckdb installed for {}? \
             scripts/bench-indicators makes a venv): {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let codes: Vec<String> = serde_json::from_slice(&output.stdout)
        .map_err(|e| Failure(format!("the DuckDB script's list of indicators: {e}")))?;
    Ok(codes.into_iter().collect())
}

pub fn run(dir: &Path, python: &Path, runs: usize, quick: bool) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let forms = forms();
    let catalogue = Catalogue::parse(INDICATORS, &forms)
        .map_err(|e| Failure(format!("the shipped catalogue: {e}")))?;
    let annual = forms
        .iter()
        .find(|f| f.code == ANNUAL_FORM)
        .expect("the annual form ships");

    // The peer must cover the catalogue before anything is timed.
    let script = dir.join("bench_indicators_duckdb.py");
    std::fs::write(&script, SCRIPT).map_err(io(&script))?;
    let peer = implemented(python, &script)?;
    let applying: Vec<usize> = (0..catalogue.indicators.len())
        .filter(|&i| catalogue.applies_to(i, Period::Year(YEAR).period_type()))
        .collect();
    let missing: Vec<&str> = applying
        .iter()
        .map(|&i| catalogue.indicators[i].code.as_str())
        .filter(|code| !peer.contains(*code))
        .collect();
    let stale: Vec<&str> = peer
        .iter()
        .map(String::as_str)
        .filter(|code| !catalogue.indicators.iter().any(|i| i.code == *code))
        .collect();
    let other_periods: Vec<&str> = (0..catalogue.indicators.len())
        .filter(|i| !applying.contains(i))
        .map(|i| catalogue.indicators[i].code.as_str())
        .collect();
    if !missing.is_empty() || !stale.is_empty() {
        return Err(Failure(format!(
            "the DuckDB script does not match the catalogue: no SQL for {}; SQL for indicators \
             the catalogue does not have: {} (scripts/bench_indicators_duckdb.py, INDICATORS)",
            if missing.is_empty() {
                "none".into()
            } else {
                missing.join(", ")
            },
            if stale.is_empty() {
                "none".into()
            } else {
                stale.join(", ")
            },
        )));
    }
    println!(
        "the DuckDB script has SQL for all {} annual indicators of the catalogue (not \
         benchmarked, as they have no annual value: {})",
        applying.len(),
        other_periods.join(", ")
    );

    let scale = if quick {
        Scale::Builtin
    } else {
        Scale::National
    };
    let started = Instant::now();
    let dataset = innozone_example::generate(scale, &|_| {});
    println!(
        "generated {} units and {} enterprises in {:.1} s",
        dataset.units.len(),
        dataset.enterprises.len(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let (facts, built) = Facts::build(&dataset, &catalogue, annual, &[YEAR - 1, YEAR]);
    let read = started.elapsed() - built;
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
        "facts of {} located enterprises in {} units ({} statistics each) built by \
         app::monitoring::period_data in {} (their filings generated in {}; not compared)",
        rows.join(" / "),
        facts.index.len(),
        catalogue.statistics.len(),
        ms(built),
        ms(read)
    );

    // The engine, timed alone.
    let mut times = Vec::with_capacity(runs);
    let mut computation: Option<Computation> = None;
    for _ in 0..runs {
        drop(computation.take());
        let started = Instant::now();
        let c = compute(&catalogue, &facts.index, &facts.periods);
        times.push(started.elapsed());
        computation = Some(c);
    }
    let computation = computation.expect("at least one run");
    times.sort();
    let (median, best) = (times[runs / 2], times[0]);

    let started = Instant::now();
    let written = facts
        .write_csv(dir, &dataset, &catalogue, &applying)
        .map_err(io(dir))?;
    println!(
        "wrote the facts for DuckDB ({:.1} MiB) to {} in {:.1} s",
        written as f64 / 1_048_576.0,
        dir.display(),
        started.elapsed().as_secs_f64()
    );

    let status = Command::new(python)
        .arg(&script)
        .arg(dir)
        .arg(runs.to_string())
        .status();
    if !status.is_ok_and(|s| s.success()) {
        return Err(Failure(format!(
            "the DuckDB script failed (is duckdb installed for {}?)",
            python.display()
        )));
    }
    let timings = read_timings(&dir.join("duckdb_timings.json")).map_err(Failure)?;
    let theirs = read_results(&dir.join("duckdb_results.csv")).map_err(Failure)?;

    // Every (unit, indicator) of the year, both ways.
    let period = Period::Year(YEAR);
    let mut compared = 0usize;
    let mut unavailable = 0usize;
    let mut disagreements = Vec::new();
    let mut without_values = Vec::new();
    for &i in &applying {
        let code = &catalogue.indicators[i].code;
        let Some(column) = theirs.columns.iter().position(|c| c == code) else {
            return Err(Failure(format!("DuckDB's results have no column {code}")));
        };
        let mut valued = 0usize;
        for position in 0..facts.index.len() as u32 {
            let ours = computation.value(period, i, position).and_then(|v| v.ok());
            let theirs = theirs.rows.get(&position).and_then(|row| row[column]);
            compared += 1;
            let agree = match (ours, theirs) {
                (None, None) => {
                    unavailable += 1;
                    true
                }
                (Some(a), Some(b)) => {
                    valued += 1;
                    a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
                }
                _ => false,
            };
            if !agree {
                disagreements.push((position, code.clone(), ours, theirs));
            }
        }
        if valued == 0 {
            without_values.push(code.clone());
        }
    }

    let values = facts.index.len() * catalogue.indicators.len() * facts.periods.len();
    println!("== indicators (same machine, same run) ==");
    println!(
        "innozone (monitoring::compute, one thread): {} × {} indicators × {} years = {values} \
         values, median {}, best {} of {runs}",
        facts.index.len(),
        catalogue.indicators.len(),
        facts.periods.len(),
        ms(median),
        ms(best)
    );
    println!(
        "DuckDB {} ({} threads): loading {:.1} ms (not compared); the year's indicators for \
         every unit, median {:.1} ms, best {:.1} ms of {runs}",
        timings.version,
        timings.threads,
        timings.load * 1e3,
        timings.median * 1e3,
        timings.best * 1e3
    );
    println!(
        "innozone takes {:.2} of DuckDB's time (best against best; median {:.2}): {:.1}× faster",
        best.as_secs_f64() / timings.best,
        median.as_secs_f64() / timings.median,
        timings.best / best.as_secs_f64()
    );
    println!(
        "compared {compared} values ({} units × {} indicators): {unavailable} unavailable on \
         both sides, {} disagreements",
        facts.index.len(),
        applying.len(),
        disagreements.len()
    );
    let show = |v: &Option<f64>| v.map_or("NULL".to_string(), |x| format!("{x:e}"));
    for (position, code, ours, theirs) in disagreements.iter().take(20) {
        eprintln!(
            "{} {code}: innozone {}, DuckDB {}",
            dataset.units[*position as usize].code,
            show(ours),
            show(theirs)
        );
    }
    if !disagreements.is_empty() {
        return Err(Failure(format!(
            "innozone and DuckDB disagree on {} values",
            disagreements.len()
        )));
    }
    if !without_values.is_empty() {
        return Err(Failure(format!(
            "no unit has a value of {} on both sides, so nothing of it was compared",
            without_values.join(", ")
        )));
    }
    Ok(())
}

/// Both years' data, as the engine takes it.
struct Facts {
    index: UnitIndex,
    /// Ascending years.
    periods: Vec<Arc<PeriodData>>,
}

impl Facts {
    /// What a store would hand `app::monitoring` for each year, read off the data set:
    /// the enterprises located in a park on 31 December, their tiers then, their annual
    /// filing (one version, every filing approved); then the application's builder.
    /// Returns the facts and the time the application's builder took.
    fn build(
        dataset: &Dataset,
        catalogue: &Catalogue,
        annual: &Form,
        years: &[i32],
    ) -> (Facts, Duration) {
        let (hierarchy, ids) = dataset
            .hierarchy()
            .expect("the example's hierarchy is sound");
        // Positions follow the data set's order of units.
        let index = UnitIndex::new(dataset.units.iter().map(|u| ids[&u.code]));
        let enterprise = |i: usize| EnterpriseId(i as i64 + 1);
        let profiles: HashMap<EnterpriseId, Profile> = dataset
            .enterprises
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    enterprise(i),
                    Profile {
                        industry: Some(e.draft.industry.clone()),
                        size_class: e.draft.size_class,
                    },
                )
            })
            .collect();
        let form = catalogue.form_index(ANNUAL_FORM);
        let fields: Vec<String> = annual.fields.iter().map(|d| d.code.clone()).collect();

        let mut periods = Vec::with_capacity(years.len());
        let mut building = Duration::ZERO;
        for &year in years {
            let period = Period::Year(year);
            let day = period.last_day();
            let mut source = PeriodSource::default();
            for (i, e) in dataset.enterprises.iter().enumerate() {
                let located = e
                    .locations
                    .iter()
                    .find(|l| l.from <= day && l.until.is_none_or(|until| day < until));
                if let Some(location) = located {
                    source
                        .located
                        .push((enterprise(i), ids[&location.park], e.draft.in_survey));
                }
                let tiers: Vec<_> = e
                    .recognitions
                    .iter()
                    .filter(|r| r.is_valid_on(day))
                    .map(|r| r.tier)
                    .collect();
                if !tiers.is_empty() {
                    source.tiers.insert(enterprise(i), tiers);
                }
            }
            if let Some(form) = form {
                // The bulk rows are the in-survey located enterprises in data set order.
                let rows = bulk_filings(dataset, annual, period);
                let mut counted = Vec::with_capacity(rows.len());
                let mut next = 0usize;
                for (filer, values, _) in rows {
                    while !std::ptr::eq(filer, &dataset.enterprises[next]) {
                        next += 1;
                    }
                    counted.push(CountedFiling {
                        filing_id: next as i64 + 1,
                        enterprise: enterprise(next),
                        revision: 1,
                        approved: true,
                        form_version: 1,
                        values,
                    });
                }
                source.filings.push(FormFilings {
                    form,
                    counted,
                    versions: HashMap::from([(1, fields.clone())]),
                });
            }
            let started = Instant::now();
            let mut data = period_data(catalogue, &hierarchy, &index, &profiles, period, source);
            building += started.elapsed();
            data.statistics =
                synthetic_statistics(dataset, catalogue, &data.layout, &data.tables, year);
            periods.push(Arc::new(data));
        }
        (Facts { index, periods }, building)
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
                            // A field the catalogue never reads is not held: blank.
                            let v = column.get(r).copied().unwrap_or(f64::NAN);
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
                let v = column.map_or(1.0, |c| c.get(r).copied().unwrap_or(f64::NAN));
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

fn read_results(path: &Path) -> Result<Results, String> {
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
