//! `innozone-bench evaluation`: the Monte Carlo uncertainty analysis of a scheme's ranks
//! (issue 5) over units × 40 indicators in three levels (4 dimensions × 2 sub-dimensions ×
//! 5 indicators), by `evaluation::robustness`, against the same computation written with
//! NumPy (`scripts/bench_evaluation_numpy.py`), in the same run on the same machine. Full:
//! 200 units, 10,000 replications; quick: 50 units, 1,000 replications.
//!
//! Both sides run twice: on the same number of threads (`--threads`, every core unless
//! told) and on one thread each. innozone's analysis spreads its replications over
//! `Settings::threads`; what NumPy parallelises here is its BLAS (the matrix products of
//! the replications' weights with the scores, OpenBLAS in the PyPI wheels), so its child
//! gets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS set to the same number;
//! everything else NumPy does (sorting, quantiles, `exp`) runs on one thread anyway.
//!
//! The data are synthetic from a fixed seed: every value log-normal, every weight an
//! integer from 1 to 5, every indicator higher-is-better and scored by min-max onto 1–100
//! (so that geometric means apply). The choices that vary: every weight within ±25 % and
//! the mean (arithmetic or geometric, at every level). Both sides time everything from the
//! raw values: scoring, the nominal scores and the replications with their rank
//! statistics. The nominal scores and ranks must agree (1e-9) on every thread setting or
//! the run fails; the rank statistics come from different random numbers and are only
//! summarised.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use innozone_domain::evaluation::aggregate::Aggregation;
use innozone_domain::evaluation::data::EvaluationData;
use innozone_domain::evaluation::robustness::{Robustness, RobustnessOptions};
use innozone_domain::evaluation::run::RunOptions;
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::evaluation::sensitivity::{Settings, Uncertainty};

use crate::{Failure, ms};

const SCRIPT: &str = include_str!("../../../scripts/bench_evaluation_numpy.py");
const DIMENSIONS: usize = 4;
const SUBDIMENSIONS: usize = 2;
const INDICATORS: usize = 5;
const SPREAD: f64 = 0.25;
const SEED: u64 = 2025;
const TOLERANCE: f64 = 1e-9;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The scheme file and the data.
fn problem(units: usize) -> (String, EvaluationData) {
    let mut rng = SplitMix(SEED);
    let mut weight = || 1 + (rng.next() * 5.0) as u32;
    let mut toml = String::from(
        "code = \"bench\"\nversion = 1\nname_zh = \"基准\"\nname_en = \"Benchmark\"\n\
         aggregation = \"arithmetic\"\n",
    );
    let mut codes = Vec::new();
    for d in 0..DIMENSIONS {
        let _ = write!(
            toml,
            "\n[[dimensions]]\ncode = \"d{d}\"\nzh = \"d{d}\"\nen = \"d{d}\"\nweight = {}\n",
            weight()
        );
        for s in 0..SUBDIMENSIONS {
            let _ = write!(
                toml,
                "\n[[dimensions]]\ncode = \"d{d}s{s}\"\nparent = \"d{d}\"\nzh = \"s\"\nen = \"s\"\nweight = {}\n",
                weight()
            );
            for i in 0..INDICATORS {
                let code = format!("d{d}s{s}i{i}");
                let _ = write!(
                    toml,
                    "\n[[indicators]]\ncode = \"{code}\"\nparent = \"d{d}s{s}\"\nzh = \"i\"\nen = \"i\"\n\
                     weight = {}\nentered = true\ndirection = \"higher\"\n\
                     method = {{ method = \"min_max\", low = 1, high = 100 }}\n",
                    weight()
                );
                codes.push(code);
            }
        }
    }
    toml.push_str("\n[[grades]]\ncode = \"all\"\nzh = \"全部\"\nen = \"All\"\n");
    let mut rng = SplitMix(SEED + 1);
    let values = (0..units)
        .map(|_| {
            (0..codes.len())
                .map(|_| {
                    // Log-normal by Box–Muller.
                    let (a, b) = (rng.next().max(1e-300), rng.next());
                    let z = (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos();
                    Some((1.0 + 0.5 * z).exp())
                })
                .collect()
        })
        .collect();
    let data = EvaluationData {
        units: (0..units).map(|u| format!("u{u}")).collect(),
        indicators: codes,
        values,
    };
    (toml, data)
}

fn fail(message: String) -> Failure {
    Failure(message)
}

/// Best and median of some times, in seconds.
fn best_median(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2])
}

/// One thread setting's figures of both sides.
struct Side {
    threads: usize,
    ours: (f64, f64),
    numpy: (f64, f64),
}

pub fn run(
    dir: &Path,
    python: &Path,
    runs: usize,
    threads: usize,
    quick: bool,
) -> Result<(), Failure> {
    let (units, replications) = if quick { (50, 1_000) } else { (200, 10_000) };
    let (toml, data) = problem(units);
    let scheme = Scheme::parse(&toml, &|_| false, &|_| false)
        .map_err(|e| fail(format!("the benchmark's scheme: {e}")))?;
    let options = RobustnessOptions {
        spread: SPREAD,
        aggregations: vec![Aggregation::Arithmetic, Aggregation::Geometric],
        normalisations: Vec::new(),
    };
    println!(
        "Monte Carlo uncertainty of the ranks: {units} units × {} indicators in 3 levels, \
         {replications} replications (weights ±25 %, arithmetic or geometric means)",
        data.indicators.len()
    );

    std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let nodes = &scheme.nodes;
    let columns: Vec<i64> = nodes
        .iter()
        .map(|n| {
            data.indicator(&n.code)
                .filter(|_| n.is_indicator())
                .map_or(-1, |c| c as i64)
        })
        .collect();
    let problem = serde_json::json!({
        "values": data.values.iter().map(|row| row.iter().map(|v| v.unwrap_or(f64::NAN)).collect::<Vec<f64>>()).collect::<Vec<_>>(),
        "parents": nodes.iter().map(|n| n.parent.map_or(-1, |p| p as i64)).collect::<Vec<_>>(),
        "weights": nodes.iter().map(|n| n.weight).collect::<Vec<_>>(),
        "columns": columns,
        "replications": replications,
        "spread": SPREAD,
        "seed": SEED,
    });
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| fail(format!("{}: {e}", path.display())))
    };
    write("problem.json", &problem.to_string())?;
    write("bench_evaluation_numpy.py", SCRIPT)?;

    let mut settings_run = vec![threads];
    if threads != 1 {
        settings_run.push(1);
    }
    let mut sides = Vec::new();
    let mut version = String::new();
    for &n in &settings_run {
        // innozone.
        let settings = Settings {
            seed: SEED,
            threads: n,
            bootstrap: 0,
        };
        let mut times = Vec::with_capacity(runs);
        let mut result = None;
        for _ in 0..runs {
            let start = Instant::now();
            let r = Robustness::new(&scheme, &data, &RunOptions::default(), options.clone())
                .map_err(|e| fail(e.to_string()))?;
            let u = r
                .uncertainty(replications, &settings)
                .map_err(|e| fail(e.to_string()))?;
            times.push(start.elapsed().as_secs_f64());
            result = Some((r, u));
        }
        let (robustness, uncertainty) = result.expect("at least one run");
        let ours = best_median(times);

        // NumPy, its BLAS on as many threads.
        let output = dir.join(format!("numpy_results_{n}.json"));
        let threads_text = n.to_string();
        let status = Command::new(python)
            .arg(dir.join("bench_evaluation_numpy.py"))
            .arg(dir)
            .arg(runs.to_string())
            .arg(&output)
            .env("OPENBLAS_NUM_THREADS", &threads_text)
            .env("OMP_NUM_THREADS", &threads_text)
            .env("MKL_NUM_THREADS", &threads_text)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(fail(format!(
                "the NumPy script failed (is numpy installed for {}? scripts/bench-evaluation makes a venv)",
                python.display()
            )));
        }
        let text = std::fs::read_to_string(&output)
            .map_err(|e| fail(format!("{}: {e}", output.display())))?;
        let theirs: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| fail(format!("{}: {e}", output.display())))?;
        let floats = |key: &str| -> Vec<f64> {
            theirs[key]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
                .unwrap_or_default()
        };
        let numpy_times = floats("seconds");
        if numpy_times.is_empty() {
            return Err(fail("the NumPy script wrote no times".into()));
        }
        version = format!(
            "NumPy {} ({})",
            theirs["numpy"].as_str().unwrap_or("?"),
            theirs["blas"].as_str().unwrap_or("BLAS unknown")
        );
        agree(&data, &robustness, &uncertainty, &floats, n)?;
        sides.push(Side {
            threads: n,
            ours,
            numpy: best_median(numpy_times),
        });
    }

    println!("== evaluation robustness (same machine, same run; {version}) ==");
    for side in &sides {
        let d = |s: f64| ms(Duration::from_secs_f64(s));
        println!(
            "{} thread{} each: innozone {} best, {} median; NumPy {} best, {} median (of {runs}): \
             innozone takes {:.3} of NumPy's time, {:.1}× faster",
            side.threads,
            if side.threads == 1 { "" } else { "s" },
            d(side.ours.0),
            d(side.ours.1),
            d(side.numpy.0),
            d(side.numpy.1),
            side.ours.0 / side.numpy.0,
            side.numpy.0 / side.ours.0
        );
    }
    println!(
        "nominal result: {} units' scores (within {TOLERANCE:e}) and ranks agree on every thread setting",
        data.units.len()
    );
    Ok(())
}

/// The nominal result unit by unit, and how close the rank statistics from different
/// random numbers come.
fn agree(
    data: &EvaluationData,
    robustness: &Robustness,
    uncertainty: &Uncertainty,
    floats: &dyn Fn(&str) -> Vec<f64>,
    threads: usize,
) -> Result<(), Failure> {
    let nominal = floats("nominal");
    let ranks = floats("ranks");
    let mut disagreements = Vec::new();
    for (u, summary) in uncertainty.units.iter().enumerate() {
        let ours = robustness.nominal()[u];
        let score_ok = nominal
            .get(u)
            .is_some_and(|t| (t - ours).abs() <= TOLERANCE * ours.abs().max(1.0));
        let rank_ok = ranks.get(u).copied() == summary.nominal.map(f64::from);
        if !score_ok || !rank_ok {
            disagreements.push(format!(
                "{}: innozone {ours} (rank {:?}), NumPy {:?} (rank {:?})",
                data.units[u],
                summary.nominal,
                nominal.get(u),
                ranks.get(u)
            ));
        }
    }
    if nominal.len() != uncertainty.units.len() {
        disagreements.push(format!(
            "innozone scored {} units, NumPy {}",
            uncertainty.units.len(),
            nominal.len()
        ));
    }
    let medians = floats("median");
    let (mut widest, mut gap) = (0.0f64, 0.0f64);
    for (u, summary) in uncertainty.units.iter().enumerate() {
        if let (Some(s), Some(m)) = (summary.spread, medians.get(u)) {
            widest = widest.max(s.q95 - s.q05);
            gap = gap.max((s.median - m).abs());
        }
    }
    println!(
        "{threads} thread(s): widest 5–95 % rank interval {widest} places; the median ranks of \
         the two sides (different random numbers) differ by at most {gap}"
    );
    if disagreements.is_empty() {
        return Ok(());
    }
    for d in disagreements.iter().take(10) {
        eprintln!("{d}");
    }
    Err(fail(format!(
        "{} units disagree on the nominal result ({threads} thread(s))",
        disagreements.len()
    )))
}
