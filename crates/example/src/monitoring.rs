//! The example's monitoring: the indicator catalogue and the targets that ship with it
//! (`monitoring/*.toml`), and the unit statistics the indicators divide by — the values
//! that do not come from enterprises: GDP, population, fiscal spending, the R&D of
//! universities and institutes, the value added of strategic emerging industries and the
//! built-up area.
//!
//! For 兰白 (2014–2025, GDP and population also per district) and 攀枝花 (2020–2025).
//! They are designed (in `design.rs`) together with the enterprises' historic filings
//! so that 兰白's ten headline indicators of seed 001 专栏1 start from its 2014 column and
//! end 2020 on the designed side of each target.

use innozone_domain::registry::Dataset;
use innozone_domain::reporting::Period;

use crate::design::{self, DISTRICTS, district_share};
use crate::filings::{PANZHIHUA, ZONE_PREFIX, histories};

/// The indicator catalogue in the format the monitoring reads.
pub const INDICATORS: &str = include_str!("../monitoring/indicators.toml");
/// The targets of the example's zones, each citing its seed line.
pub const TARGETS: &str = include_str!("../monitoring/targets.toml");

/// One statistic of one unit for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleStatistic {
    /// The unit's code.
    pub unit: String,
    pub period: Period,
    /// The statistic's code in [`INDICATORS`].
    pub code: &'static str,
    /// In the unit the catalogue says the statistic is entered in.
    pub value: f64,
}

/// The statistics of the example's units that `dataset` has: 兰白 2014–2025 with GDP and
/// population of its four districts (adding up to the zone's exactly), and 攀枝花
/// 2020–2025. The same data set always gives the same statistics.
pub fn statistics(dataset: &Dataset) -> Vec<ExampleStatistic> {
    let has = |code: &str| dataset.units.iter().any(|u| u.code.as_str() == code);
    let mut out = Vec::new();
    let histories = histories(dataset);
    let mut push = |unit: &str, year: i32, code: &'static str, value: f64| {
        out.push(ExampleStatistic {
            unit: unit.to_string(),
            period: Period::Year(year),
            code,
            value,
        })
    };
    for history in &histories {
        let zone = history.zone;
        if !has(zone) {
            continue;
        }
        for (year, rows) in &history.years {
            let year = *year;
            // Σ 内部研发经费支出 (千元) in 亿元.
            let enterprise_rd: f64 = rows
                .iter()
                .map(|(_, a)| a.rd_expenditure_internal)
                .sum::<f64>()
                / 1e5;
            if zone == ZONE_PREFIX {
                let Some(d) = design::lanbai_year(year) else {
                    continue;
                };
                // In the plan years the institutes' R&D is what the designed intensity
                // leaves after the enterprises'; afterwards it follows its own course.
                let institutions = match d.from_filings {
                    Some(plan) => round(plan.rd_intensity / 100.0 * d.gdp - enterprise_rd, 2),
                    None => d.rd_institutions,
                };
                push(zone, year, "gdp", d.gdp);
                push(zone, year, "population", d.population);
                push(zone, year, "fiscal_expenditure", d.fiscal_expenditure);
                push(
                    zone,
                    year,
                    "fiscal_st_expenditure",
                    round(d.fiscal_expenditure * d.fiscal_st_share / 100.0, 3),
                );
                push(zone, year, "rd_institutions", institutions);
                push(
                    zone,
                    year,
                    "sei_value_added",
                    round(d.gdp * d.sei_va_share / 100.0, 1),
                );
                push(zone, year, "built_area", d.built_area);
                for (code, value) in [("gdp", d.gdp), ("population", d.population)] {
                    let index = if code == "gdp" { 0 } else { 1 };
                    let parts = split(value, year, index);
                    for ((district, ..), part) in DISTRICTS.iter().zip(parts) {
                        if has(district) {
                            push(district, year, code, part);
                        }
                    }
                }
            } else if zone == PANZHIHUA {
                let Some(d) = design::PANZHIHUA.iter().find(|d| d.year == year) else {
                    continue;
                };
                // A zone of heavy industry: its enterprises' industrial value added is
                // about three fifths of its GDP.
                let value_added: f64 =
                    rows.iter().filter_map(|(_, a)| a.value_added).sum::<f64>() / 1e5;
                let gdp = round(value_added / 0.6, 1);
                let fiscal = round(gdp * 0.11, 1);
                push(zone, year, "gdp", gdp);
                push(zone, year, "population", d.population);
                push(zone, year, "fiscal_expenditure", fiscal);
                push(
                    zone,
                    year,
                    "fiscal_st_expenditure",
                    round(fiscal * d.fiscal_st_share / 100.0, 3),
                );
                push(zone, year, "rd_institutions", d.rd_institutions);
                push(
                    zone,
                    year,
                    "sei_value_added",
                    round(gdp * d.sei_va_share / 100.0, 1),
                );
                push(zone, year, "built_area", d.built_area);
            }
        }
    }
    out
}

/// `total` split over the four districts by their shares (`index` 0 for GDP, 1 for
/// population), to one decimal, the last taking what is left so the parts add up.
fn split(total: f64, year: i32, index: usize) -> [f64; 4] {
    let mut parts = [0.0; 4];
    let mut given = 0.0;
    for (k, (_, gdp, population)) in DISTRICTS.iter().enumerate().take(3) {
        let shares = if index == 0 { *gdp } else { *population };
        parts[k] = round(total * district_share(shares, year), 1);
        given += parts[k];
    }
    parts[3] = round(total - given, 1);
    parts
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
