//! The example's evaluation: the park evaluation scheme of the 兰白 zone and the scheme of
//! its development index (`evaluation/*.toml`), and what the zone enters for the park
//! evaluation each year from 2015 to 2020 besides the monitoring figures: signed
//! investment, key projects' completion, idle land disposed of, energy per industrial
//! value added, the green park and planning review marks, the bonus and penalty items and
//! the vetoes.
//!
//! The entered values are generated reproducibly per park and year around a level that
//! is the park's own. One park, 兰州新区's 精细化工园区 (`LB-XQ-SH`), is designed to fall
//! behind: its key projects stall in 2017–2018, its reviews mark it low and environmental
//! inspections find problems it does not correct, so it is graded 不合格 two years running
//! and flagged for revocation in 2018 (seed 002 line 73), then recovers. In 2019 a major
//! work-safety accident in 兰州高新区's 雁滩园区 (`LB-GX-YT`) vetoes that park's grade
//! whatever its score.

/// The park evaluation scheme.
pub const PARK_SCHEME: &str = include_str!("../evaluation/park_scheme.toml");
/// The development index of the zone, 2014 = 100.
pub const DEVELOPMENT_INDEX: &str = include_str!("../evaluation/development_index.toml");
/// The code of the park scheme in [`PARK_SCHEME`].
pub const PARK_SCHEME_CODE: &str = "lanbai_parks";
/// The code of the index scheme in [`DEVELOPMENT_INDEX`].
pub const DEVELOPMENT_INDEX_CODE: &str = "lanbai_development_index";
/// The zone whose parks are evaluated and whose index is published.
pub const ZONE: &str = "LB";
/// The years evaluated.
pub const YEARS: std::ops::RangeInclusive<i32> = 2015..=2020;
/// The index's base year.
pub const INDEX_BASE_YEAR: i32 = 2014;
/// The park that is unqualified two years running.
pub const LAGGING_PARK: &str = "LB-XQ-SH";
/// The years it is designed to fail.
pub const LAGGING_YEARS: [i32; 2] = [2017, 2018];
/// The park whose grade a veto sets, and the year.
pub const VETOED_PARK: (&str, i32) = ("LB-GX-YT", 2019);

/// One value entered for one park and year.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleInput {
    pub unit: String,
    pub year: i32,
    /// An item of [`PARK_SCHEME`]: an entered indicator, an adjustment or a veto.
    pub item: &'static str,
    pub value: f64,
}

/// A number in [0, 1) fixed by the park, the year and the item: the same every run.
fn draw(unit: &str, year: i32, item: &str) -> f64 {
    // FNV-1a over the key, then a SplitMix64 finaliser for the low bits.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in unit.bytes().chain(year.to_le_bytes()).chain(item.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The entered values of the parks `parks` (codes) for [`YEARS`].
pub fn inputs(parks: &[&str]) -> Vec<ExampleInput> {
    let mut out = Vec::new();
    for &park in parks {
        // The park's own level, 0 to 1, fixed over the years.
        let level = draw(park, 0, "level");
        for year in YEARS {
            let lagging = park == LAGGING_PARK && LAGGING_YEARS.contains(&year);
            let t = f64::from(year - 2015);
            let mut push = |item: &'static str, value: f64| {
                out.push(ExampleInput {
                    unit: park.to_string(),
                    year,
                    item,
                    value,
                })
            };
            let u = |item: &str| draw(park, year, item);
            // 签约引资额 (亿元): 5 to 60, growing ~8 % a year.
            let signed = (5.0 + 45.0 * level + 10.0 * u("signed_investment"))
                * 1.08f64.powf(t)
                * if lagging { 0.3 } else { 1.0 };
            push("signed_investment", round1(signed));
            // 重点项目年度投资完成率 (%).
            let completion = if lagging {
                38.0 + 8.0 * u("project_completion")
            } else {
                82.0 + 12.0 * level + 10.0 * u("project_completion")
            };
            push("project_completion", round1(completion));
            // 批而未供和闲置土地处置率 (%).
            let disposal = if lagging {
                20.0 + 10.0 * u("idle_land_disposal")
            } else {
                65.0 + 20.0 * level + 15.0 * u("idle_land_disposal")
            };
            push("idle_land_disposal", round1(disposal.min(100.0)));
            // 单位工业增加值能耗 (吨标准煤/万元), falling ~4 % a year.
            let energy = (0.45 + 0.9 * (1.0 - level) + 0.2 * u("energy"))
                * 0.96f64.powf(t)
                * if lagging { 1.6 } else { 1.0 };
            push("energy_per_industrial_va", round2(energy));
            // Review marks out of 100.
            let green = if lagging {
                40.0 + 10.0 * u("green_park_review")
            } else {
                72.0 + 15.0 * level + 10.0 * u("green_park_review")
            };
            push("green_park_review", round1(green.min(100.0)));
            let planning = if lagging {
                45.0 + 10.0 * u("planning_review")
            } else {
                75.0 + 12.0 * level + 10.0 * u("planning_review")
            };
            push("planning_review", round1(planning.min(100.0)));
            // Bonus items: the better parks win projects and platforms now and then.
            if u("open_competition_project") < 0.25 + 0.4 * level {
                push(
                    "open_competition_project",
                    1.0 + (2.0 * u("ocp_count")).floor(),
                );
            }
            if u("national_platform") < 0.15 * level {
                push("national_platform", 1.0);
            }
            if year == 2020 && level > 0.7 {
                push("green_park_recognised", 1.0);
            }
            // Penalty items: the lagging park's uncorrected problems.
            if lagging {
                push("environmental_problem", 3.0);
                push("safety_hazard", 2.0);
            } else if u("environmental_problem") < 0.08 {
                push("environmental_problem", 1.0);
            }
            if (park, year) == VETOED_PARK {
                push("major_safety_accident", 1.0);
            }
        }
    }
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
