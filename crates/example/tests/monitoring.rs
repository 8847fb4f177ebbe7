//! The example's monitoring data: the historic filings pass their form and join the 2024
//! filings, the headline indicators computed by hand from the filings and statistics
//! start at seed 001 专栏1's 2014 column and end 2020 on the designed side of each
//! target, the catalogue and targets name only what exists, and every run is the same.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use innozone_domain::monitoring::{Catalogue, TargetSet};
use innozone_domain::registry::{Dataset, DatasetEnterprise, SizeClass, Tier};
use innozone_domain::reporting::{
    Context, FieldType, FilingAction, FilingValues, Form, Period, Problem,
};
use innozone_example::filings::{
    self, ANNUAL_FORM, ExampleFiling, FILER, PANZHIHUA, PARK_REVIEWER, TODAY,
};
use innozone_example::monitoring::{self, ExampleStatistic};
use innozone_example::seed;
use serde::Deserialize;
use time::{Date, PrimitiveDateTime, Time, UtcOffset};

struct Example {
    dataset: Dataset,
    forms: Vec<Form>,
    historic: Vec<ExampleFiling>,
    statistics: Vec<ExampleStatistic>,
}

static EXAMPLE: LazyLock<Example> = LazyLock::new(|| {
    let dataset = innozone_example::builtin();
    let forms = filings::forms();
    let historic = filings::historic_filings(&dataset, &forms);
    let statistics = monitoring::statistics(&dataset);
    Example {
        dataset,
        forms,
        historic,
        statistics,
    }
});

fn annual(example: &Example) -> &Form {
    example
        .forms
        .iter()
        .find(|f| f.code == ANNUAL_FORM)
        .unwrap()
}

fn submitted(filing: &ExampleFiling) -> &BTreeMap<String, f64> {
    filing
        .steps
        .iter()
        .rev()
        .find(|s| s.action == FilingAction::Submit)
        .and_then(|s| s.values.as_ref())
        .expect("every historic filing was submitted")
}

fn located_on(e: &DatasetEnterprise, prefix: &str, day: Date) -> bool {
    e.locations.iter().any(|l| {
        l.park.as_str().starts_with(prefix) && l.from <= day && l.until.is_none_or(|u| day < u)
    })
}

fn beijing_midnight(day: Date) -> i64 {
    PrimitiveDateTime::new(day, Time::MIDNIGHT)
        .assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap())
        .unix_timestamp()
}

/// The zone a historic filing belongs to, from its enterprise's parks.
fn zone_of<'a>(by_code: &HashMap<&str, &'a DatasetEnterprise>, filing: &ExampleFiling) -> &'a str {
    let e = by_code[filing.credit_code.as_str()];
    if e.locations[0].park.as_str().starts_with("PZH") {
        "PZH"
    } else {
        "LB"
    }
}

fn by_code(dataset: &Dataset) -> HashMap<&str, &DatasetEnterprise> {
    dataset
        .enterprises
        .iter()
        .map(|e| (e.draft.credit_code.as_str(), e))
        .collect()
}

// ------------------------------------------------------------------ (a) the filings

#[test]
fn historic_filings_are_the_expected_enterprises_submitted_and_approved() {
    let example = &*EXAMPLE;
    let form = annual(example);
    let enterprises = by_code(&example.dataset);
    let today = beijing_midnight(TODAY);
    let mut seen: HashMap<(&str, Period), HashSet<&str>> = HashMap::new();
    for filing in &example.historic {
        assert_eq!(filing.form_code, ANNUAL_FORM);
        let zone = zone_of(&enterprises, filing);
        assert!(
            seen.entry((zone, filing.period))
                .or_default()
                .insert(filing.credit_code.as_str()),
            "{} files twice for {}",
            filing.credit_code,
            filing.period
        );
        let actions: Vec<(FilingAction, &str)> = filing
            .steps
            .iter()
            .map(|s| (s.action, s.actor.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (FilingAction::Submit, FILER),
                (FilingAction::Approve, PARK_REVIEWER)
            ]
        );
        let (submit, approve) = (&filing.steps[0], &filing.steps[1]);
        let after_period = beijing_midnight(filing.period.last_day()) + 86_400;
        assert!(after_period < submit.at && submit.at < approve.at && approve.at < today);
        // On time, approved within five working days (up to three weeks over the Spring
        // Festival), long before the zone closed the period.
        assert!(submit.at < beijing_midnight(form.deadline(filing.period)) + 86_400);
        assert!(approve.at - submit.at < 21 * 86_400, "{filing:?}");
        assert!(approve.at < filings::closed_at(form, filing.period));
        assert!(approve.values.is_none() && approve.note.is_none());
    }
    // Every in-survey enterprise located in the zone on 31 December, and no other.
    let lanbai = |year: i32| -> HashSet<&str> {
        let day = Period::Year(year).last_day();
        example
            .dataset
            .enterprises
            .iter()
            .filter(|e| e.draft.in_survey && located_on(e, "LB", day))
            .map(|e| e.draft.credit_code.as_str())
            .collect()
    };
    // 攀枝花's parks count from the day they join it (seed 004 line 15).
    let joined: HashMap<&str, i32> = [
        ("PZH-CORE", 2015),
        ("PZH-NS", 2020),
        ("PZH-NS-YZ", 2020),
        ("PZH-YB", 2020),
        ("PZH-JJ", 2021),
        ("PZH-ZJ", 2021),
        ("PZH-CX", 2025),
        ("PZH-GLP", 2025),
        ("PZH-BM", 2025),
    ]
    .into_iter()
    .collect();
    let panzhihua = |year: i32| -> HashSet<&str> {
        let day = Period::Year(year).last_day();
        example
            .dataset
            .enterprises
            .iter()
            .filter(|e| {
                e.draft.in_survey
                    && e.locations.iter().any(|l| {
                        joined
                            .get(l.park.as_str())
                            .is_some_and(|&from| from <= year)
                            && l.from <= day
                            && l.until.is_none_or(|u| day < u)
                    })
            })
            .map(|e| e.draft.credit_code.as_str())
            .collect()
    };
    let mut periods = 0;
    for year in 2014..=2023 {
        let expected = lanbai(year);
        assert!(expected.len() > 3500, "{year}: {}", expected.len());
        assert_eq!(seen[&("LB", Period::Year(year))], expected, "LB {year}");
        periods += 1;
    }
    for year in 2020..=2025 {
        let expected = panzhihua(year);
        assert!(expected.len() > 150, "{year}: {}", expected.len());
        assert_eq!(seen[&("PZH", Period::Year(year))], expected, "PZH {year}");
        periods += 1;
    }
    assert_eq!(seen.len(), periods, "no other periods");
    // 兰白's enterprises came over the plan years; 攀枝花 grew as parks joined.
    assert!(lanbai(2014).len() < lanbai(2020).len());
    assert!(panzhihua(2020).len() < panzhihua(2021).len());
    assert!(panzhihua(2024).len() < panzhihua(2025).len());

    // Each zone closes its own historic periods.
    let closures = filings::historic_closures();
    assert_eq!(closures.len(), periods);
    for (zone, year) in seen.keys() {
        let zone = if *zone == "PZH" { PANZHIHUA } else { "LB" };
        assert!(closures.contains(&(zone, ANNUAL_FORM, *year)));
    }
}

#[test]
fn historic_filings_pass_the_error_rules_and_explain_every_warning() {
    let example = &*EXAMPLE;
    let form = annual(example);
    let enterprises = by_code(&example.dataset);
    let values: HashMap<(&str, Period), FilingValues> = example
        .historic
        .iter()
        .map(|f| {
            (
                (f.credit_code.as_str(), f.period),
                FilingValues::from_map(form, submitted(f)),
            )
        })
        .collect();
    let maps: HashMap<(&str, Period), &BTreeMap<String, f64>> = example
        .historic
        .iter()
        .map(|f| ((f.credit_code.as_str(), f.period), submitted(f)))
        .collect();
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    for filing in &example.historic {
        let code = filing.credit_code.as_str();
        let current = &values[&(code, filing.period)];
        for (i, field) in form.fields.iter().enumerate() {
            if let Some(v) = current.get(i) {
                assert!(v.is_finite(), "{code} {}", field.code);
                assert!(v >= 0.0 || field.negative_allowed, "{code} {}", field.code);
                if field.field_type == FieldType::Integer {
                    assert_eq!(v.fract(), 0.0, "{code} {}", field.code);
                }
            }
        }
        let context = Context {
            previous_year: values.get(&(code, filing.period.previous_year())),
            previous_period: None,
        };
        let assessment = form.assess(current, context);
        let errors: Vec<_> = assessment.errors().collect();
        assert!(errors.is_empty(), "{code} {}: {errors:?}", filing.period);
        let explanations = &filing.steps[0].explanations;
        assert!(assessment.may_submit(form, explanations), "{code}");
        let raised: HashSet<&str> = assessment
            .warnings()
            .filter_map(|w| match w.problem {
                Problem::Rule(i) => Some(form.rules[i].code.as_str()),
                Problem::Required => None,
            })
            .collect();
        let explained: HashSet<&str> = explanations.keys().map(String::as_str).collect();
        assert_eq!(raised, explained, "{code} {}", filing.period);
        for (rule, text) in explanations {
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{rule}: {text}"
            );
            *warnings.entry(rule.clone()).or_default() += 1;
        }
        // Plausible across the years: size class, industrial output, patents as a stock.
        let v = submitted(filing);
        let e = enterprises[code];
        let industrial = e.draft.industry.is_industrial();
        assert_eq!(v.contains_key("gross_output"), industrial, "{code}");
        if industrial && e.draft.size_class == SizeClass::AboveScale {
            assert!(v["revenue"] >= 20_000.0, "{code} {}", filing.period);
        }
        assert!(v["patents_granted"] <= v["patents_held"], "{code}");
        if let Some(before) = maps.get(&(code, filing.period.previous_year())) {
            // Held at the end of last year, plus this year's grants, less at most a tenth
            // lapsed (a twentieth of the inventions).
            for (held, granted, lapse) in [
                ("invention_patents_held", "invention_patents_granted", 0.05),
                ("patents_held", "patents_granted", 0.1),
            ] {
                let floor = before[held] + v[granted] - (before[held] * lapse).ceil();
                assert!(v[held] >= floor, "{code} {}: {held}", filing.period);
                assert!(v[held] <= before[held] + v[granted], "{code} {held}");
            }
        }
    }
    println!("warnings explained: {warnings:?}");
    // Processing trade and tax exemptions recur every year; a few big changes.
    assert!(warnings.get("A13").is_some_and(|n| *n > 50));
    assert!(warnings.get("A21").is_some_and(|n| *n > 50));
    let big: usize = ["A17", "A18", "A19"]
        .iter()
        .filter_map(|r| warnings.get(*r))
        .sum();
    assert!(big < 50, "{big} changes of more than half");
}

#[test]
fn the_2024_filings_join_the_historic_ones_without_a_new_warning() {
    let example = &*EXAMPLE;
    let form = annual(example);
    let filed_2024 = filings::lanbai_filings(&example.dataset, &example.forms[..1]);
    let history_2023: HashMap<&str, FilingValues> = example
        .historic
        .iter()
        .filter(|f| f.period == Period::Year(2023))
        .map(|f| {
            (
                f.credit_code.as_str(),
                FilingValues::from_map(form, submitted(f)),
            )
        })
        .collect();
    let mut compared = 0;
    let mut growth = Vec::new();
    for filing in filed_2024.iter().filter(|f| f.period == Period::Year(2024)) {
        let Some(before) = history_2023.get(filing.credit_code.as_str()) else {
            continue;
        };
        for step in filing
            .steps
            .iter()
            .filter(|s| s.action == FilingAction::Submit)
        {
            let values = FilingValues::from_map(form, step.values.as_ref().unwrap());
            let context = Context {
                previous_year: Some(before),
                previous_period: None,
            };
            let assessment = form.assess(&values, context);
            assert!(assessment.errors().next().is_none());
            // The 2024 filings were written with no 2023 to compare with: against the
            // back-cast 2023 they still raise no warning they do not explain.
            assert!(
                assessment.may_submit(form, &step.explanations),
                "{}: {:?}",
                filing.credit_code,
                assessment.unexplained(form, &step.explanations)
            );
        }
        let revenue = form.field_index("revenue").unwrap();
        let last = submitted(filing);
        growth.push(last["revenue"] / before.get(revenue).unwrap() - 1.0);
        compared += 1;
    }
    assert!(compared > 5000, "{compared}");
    growth.sort_by(f64::total_cmp);
    let median = growth[growth.len() / 2];
    assert!(
        (0.0..0.3).contains(&median),
        "median growth into 2024: {median}"
    );
}

// ------------------------------------------------------- (b) headline indicators

/// 高技术产业（制造业）分类 (NBS 2017) as GB/T 4754-2017 code prefixes, as monitoring
/// reads it.
const HIGH_TECH_MANUFACTURING: [&str; 9] = [
    "27", "374", "39", "3474", "3475", "358", "40", "2664", "2665",
];

fn statistic(example: &Example, unit: &str, year: i32, code: &str) -> f64 {
    example
        .statistics
        .iter()
        .find(|s| s.unit == unit && s.period == Period::Year(year) && s.code == code)
        .unwrap_or_else(|| panic!("{unit} {year} {code}"))
        .value
}

/// 专栏1's ten indicators of 兰白 for `year`, by hand: sums over the filings of the
/// enterprises located in a 兰白 park on 31 December, and the zone's statistics.
fn headline(example: &Example, year: i32) -> BTreeMap<&'static str, f64> {
    let enterprises = by_code(&example.dataset);
    let day = Period::Year(year).last_day();
    let mut sum: HashMap<&str, f64> = HashMap::new();
    let mut n = 0;
    for filing in example
        .historic
        .iter()
        .filter(|f| f.period == Period::Year(year))
    {
        let e = enterprises[filing.credit_code.as_str()];
        if !located_on(e, "LB", day) {
            continue;
        }
        n += 1;
        let v = submitted(filing);
        let get = |code: &str| v.get(code).copied().unwrap_or(0.0);
        let industry = e.draft.industry.as_str();
        let high_tech = HIGH_TECH_MANUFACTURING
            .iter()
            .any(|p| industry.starts_with(p));
        for code in [
            "rd_expenditure_internal",
            "rd_staff",
            "invention_patents_held",
            "tech_contracts_amount",
            "energy_consumption",
        ] {
            *sum.entry(code).or_default() += get(code);
        }
        if e.draft.industry.is_industrial() {
            *sum.entry("va_industrial").or_default() += get("value_added");
        }
        if high_tech {
            *sum.entry("va_high_tech").or_default() += get("value_added");
            *sum.entry("employees_high_tech").or_default() += get("employees");
        }
    }
    assert!(n > 3500, "{year}: {n} filings");
    let s = |code: &str| statistic(example, "LB", year, code);
    // Money in 千元 → 亿元 (1e5) or 万元 (10).
    let gdp = s("gdp");
    BTreeMap::from([
        ("gdp_total", gdp),
        (
            "rd_intensity",
            (sum["rd_expenditure_internal"] / 1e5 + s("rd_institutions")) / gdp * 100.0,
        ),
        (
            "fiscal_st_share",
            s("fiscal_st_expenditure") / s("fiscal_expenditure") * 100.0,
        ),
        (
            "high_tech_va_share",
            sum["va_high_tech"] / sum["va_industrial"] * 100.0,
        ),
        ("sei_va_share", s("sei_value_added") / gdp * 100.0),
        (
            "high_tech_productivity",
            sum["va_high_tech"] / 10.0 / sum["employees_high_tech"],
        ),
        ("rd_staff_per_10k", sum["rd_staff"] / s("population")),
        (
            "invention_patents_per_10k",
            sum["invention_patents_held"] / s("population"),
        ),
        ("tech_contract_turnover", sum["tech_contracts_amount"] / 1e5),
        ("energy_per_gdp", sum["energy_consumption"] / (gdp * 1e4)),
    ])
}

/// 专栏1: (2014, 2020, lower is better).
const COLUMN_1: [(&str, f64, f64, bool); 10] = [
    ("gdp_total", 552.4, 1377.0, false),
    ("rd_intensity", 2.3, 2.9, false),
    ("fiscal_st_share", 0.9, 2.1, false),
    ("high_tech_va_share", 18.7, 38.8, false),
    ("sei_va_share", 14.9, 28.5, false),
    ("high_tech_productivity", 26.6, 48.5, false),
    ("rd_staff_per_10k", 63.0, 131.0, false),
    ("invention_patents_per_10k", 6.6, 17.5, false),
    ("tech_contract_turnover", 24.0, 60.0, false),
    ("energy_per_gdp", 2.17, 1.7, true),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Green,
    Yellow,
    Red,
}

/// Against the path: yellow when short by more than 2% of the path value, red by more
/// than 10%; the linear path from 2014 to 2020, for GDP the growth path through the staged
/// points 652.4 (2015) and 852.4 (2017) to 1377.
fn status(indicator: &str, year: i32, actual: f64) -> (Status, f64) {
    let &(_, base, target, lower) = COLUMN_1.iter().find(|c| c.0 == indicator).unwrap();
    let path = if indicator == "gdp_total" {
        let points = [(2014, 552.4), (2015, 652.4), (2017, 852.4), (2020, 1377.0)];
        let k = points.windows(2).position(|w| year <= w[1].0).unwrap();
        let ((y0, v0), (y1, v1)): ((i32, f64), (i32, f64)) = (points[k], points[k + 1]);
        v0 * (v1 / v0).powf(f64::from(year - y0) / f64::from(y1 - y0))
    } else {
        base + (target - base) * f64::from(year - 2014) / 6.0
    };
    let short = if lower {
        (actual - path) / path
    } else {
        (path - actual) / path
    };
    let status = if short > 0.10 {
        Status::Red
    } else if short > 0.02 {
        Status::Yellow
    } else {
        Status::Green
    };
    (status, short)
}

#[test]
fn lanbai_starts_at_column_1_and_ends_2020_as_designed() {
    let example = &*EXAMPLE;
    let start = headline(example, 2014);
    let end = headline(example, 2020);
    for (code, base, _, _) in COLUMN_1 {
        let got = start[code];
        assert!(
            (got / base - 1.0).abs() <= 0.03,
            "{code} 2014: {got} against 专栏1's {base}"
        );
    }
    let designed = [
        ("gdp_total", Status::Yellow),
        ("rd_intensity", Status::Yellow),
        ("fiscal_st_share", Status::Green),
        ("high_tech_va_share", Status::Red),
        ("sei_va_share", Status::Yellow),
        ("high_tech_productivity", Status::Green),
        ("rd_staff_per_10k", Status::Yellow),
        ("invention_patents_per_10k", Status::Green),
        ("tech_contract_turnover", Status::Green),
        ("energy_per_gdp", Status::Yellow),
    ];
    for (code, want) in designed {
        let (got, short) = status(code, 2020, end[code]);
        println!(
            "{code}: 2014 {:.3}, 2020 {:.3} ({got:?}, {:+.1}%)",
            start[code],
            end[code],
            -short * 100.0
        );
        assert_eq!(got, want, "{code} 2020: {}", end[code]);
        // On its side of the target itself too.
        let &(_, _, target, lower) = COLUMN_1.iter().find(|c| c.0 == code).unwrap();
        let reached = if lower {
            end[code] <= target
        } else {
            end[code] >= target
        };
        assert_eq!(reached, want == Status::Green, "{code}");
    }
    // In between, indicators move towards their targets, and some fall into red for a year.
    let mut red = Vec::new();
    let mut previous = start;
    for year in 2015..=2019 {
        let now = headline(example, year);
        for (code, ..) in COLUMN_1 {
            let lower = code == "energy_per_gdp";
            assert_eq!(now[code] < previous[code], lower, "{code} {year}");
            if status(code, year, now[code]).0 == Status::Red && code != "high_tech_va_share" {
                red.push((code, year));
            }
        }
        previous = now;
    }
    assert!(!red.is_empty() && red.len() <= 6, "{red:?}");
}

// ------------------------------------------------------------ statistics and counts

#[test]
fn statistics_cover_both_zones_and_the_districts_add_up() {
    let example = &*EXAMPLE;
    let catalogue: CatalogueFile = toml::from_str(monitoring::INDICATORS).unwrap();
    let codes: HashSet<&str> = catalogue
        .statistics
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    let mut seen = HashSet::new();
    for s in &example.statistics {
        assert!(codes.contains(s.code), "{}", s.code);
        assert!(s.value.is_finite() && s.value > 0.0, "{s:?}");
        assert!(
            seen.insert((s.unit.as_str(), s.period, s.code)),
            "{s:?} twice"
        );
    }
    for year in 2014..=2025 {
        for code in &codes {
            statistic(example, "LB", year, code);
        }
        for code in ["gdp", "population"] {
            let total = statistic(example, "LB", year, code);
            let parts: f64 = ["LB-XQ", "LB-GX", "LB-JJ", "LB-BY"]
                .iter()
                .map(|d| statistic(example, d, year, code))
                .sum();
            assert!(
                (parts - total).abs() < 1e-6,
                "{code} {year}: {parts} ≠ {total}"
            );
        }
    }
    for year in 2020..=2025 {
        for code in &codes {
            statistic(example, "PZH", year, code);
        }
    }
    assert!(example.statistics.iter().all(|s| {
        let y = s.period.year();
        (s.unit.starts_with("LB") && (2014..=2025).contains(&y))
            || (s.unit == "PZH" && (2020..=2025).contains(&y))
    }));
    // 兰州新区 grows fastest (line 5: 33% a year before the plan).
    let share = |y| statistic(example, "LB-XQ", y, "gdp") / statistic(example, "LB", y, "gdp");
    assert!(share(2014) < share(2020) && share(2020) < share(2025));
}

#[test]
fn target_baselines_are_the_example_s_own_actuals() {
    let example = &*EXAMPLE;
    let file: TargetFile = toml::from_str(monitoring::TARGETS).unwrap();
    let high_tech_on = |e: &DatasetEnterprise, day: Date| {
        e.recognitions
            .iter()
            .any(|r| r.tier == Tier::HighTech && r.is_valid_on(day))
    };
    let day_2014 = Period::Year(2014).last_day();
    let mut district_met = (0, 0);
    for t in file.targets.iter().filter(|t| t.unit.starts_with("LB-")) {
        let located: Vec<&DatasetEnterprise> = example
            .dataset
            .enterprises
            .iter()
            .filter(|e| located_on(e, &t.unit, day_2014))
            .collect();
        let count =
            |f: &dyn Fn(&DatasetEnterprise) -> bool| located.iter().filter(|e| f(e)).count() as f64;
        let actual = match t.indicator.as_str() {
            "enterprises_total" => count(&|_| true),
            "industrial_enterprises" => count(&|e| e.draft.industry.is_industrial()),
            "above_scale_industrial" => count(&|e| {
                e.draft.industry.is_industrial() && e.draft.size_class == SizeClass::AboveScale
            }),
            "high_tech_enterprises" => count(&|e| high_tech_on(e, day_2014)),
            other => panic!("{other}"),
        };
        assert_eq!(t.baseline.year, 2014);
        assert_eq!(t.baseline.value, actual, "{} {}", t.unit, t.indicator);
        if t.indicator == "high_tech_enterprises" {
            let day = Period::Year(2020).last_day();
            let in_2020 = example
                .dataset
                .enterprises
                .iter()
                .filter(|e| located_on(e, &t.unit, day) && high_tech_on(e, day))
                .count() as f64;
            let target = t.points.last().unwrap().value;
            if in_2020 >= target {
                district_met.0 += 1;
            } else {
                district_met.1 += 1;
            }
        }
    }
    // The generator places exactly the plan's high-tech enterprises in each district on
    // 31 December 2020, so every district meets that target.
    assert_eq!(district_met, (4, 0));

    // 攀枝花: its 2020 filings and the parks that belong to it on 31 December 2020.
    let enterprises = by_code(&example.dataset);
    let day = Period::Year(2020).last_day();
    let filed: Vec<(&DatasetEnterprise, &BTreeMap<String, f64>)> = example
        .historic
        .iter()
        .filter(|f| f.period == Period::Year(2020))
        .map(|f| (enterprises[f.credit_code.as_str()], submitted(f)))
        .filter(|(e, _)| e.locations[0].park.as_str().starts_with("PZH"))
        .collect();
    let sum = |field: &str, f: &dyn Fn(&DatasetEnterprise) -> bool| -> f64 {
        filed
            .iter()
            .filter(|(e, _)| f(e))
            .filter_map(|(_, v)| v.get(field))
            .sum()
    };
    let above = |e: &DatasetEnterprise| {
        e.draft.industry.is_industrial() && e.draft.size_class == SizeClass::AboveScale
    };
    let members = ["PZH-CORE", "PZH-NS", "PZH-NS-YZ", "PZH-YB"];
    let high_tech = example
        .dataset
        .enterprises
        .iter()
        .filter(|e| members.iter().any(|m| located_on(e, m, day)) && high_tech_on(e, day))
        .count() as f64;
    let actuals = [
        ("high_tech_enterprises", high_tech, 0),
        (
            "gross_output_total",
            sum("gross_output", &|_| true) / 1e5,
            1,
        ),
        (
            "enterprise_rd_intensity",
            sum("rd_expenditure_internal", &|_| true) / sum("revenue", &|_| true) * 100.0,
            2,
        ),
        (
            "high_tech_output_share",
            sum("gross_output", &|e| above(e) && high_tech_on(e, day))
                / sum("gross_output", &above)
                * 100.0,
            1,
        ),
    ];
    for (indicator, actual, decimals) in actuals {
        let t = file
            .targets
            .iter()
            .find(|t| t.unit == "PZH" && t.indicator == indicator)
            .unwrap();
        assert_eq!(t.baseline.year, 2020);
        let scale = 10f64.powi(decimals);
        assert_eq!(
            t.baseline.value,
            (actual * scale).round() / scale,
            "{indicator}"
        );
    }
}

// ------------------------------------------------------------- (c) determinism

#[test]
fn the_history_and_the_statistics_are_the_same_on_every_run() {
    let example = &*EXAMPLE;
    assert_eq!(
        filings::historic_filings(&example.dataset, &example.forms),
        example.historic
    );
    assert_eq!(monitoring::statistics(&example.dataset), example.statistics);
    // Without the annual form there is nothing to back-cast into.
    assert!(filings::historic_filings(&example.dataset, &example.forms[1..]).is_empty());
}

// --------------------------------------------------------- the two TOML files

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    version: u32,
    statistics: Vec<StatisticEntry>,
    indicators: Vec<IndicatorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct StatisticEntry {
    code: String,
    zh: String,
    en: String,
    unit: String,
    additive: bool,
    description_zh: String,
    description_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct IndicatorEntry {
    code: String,
    zh: String,
    en: String,
    unit: String,
    decimals: u8,
    direction: String,
    form: Option<String>,
    formula: String,
    description_zh: String,
    description_en: String,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    targets: Vec<TargetEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TargetEntry {
    unit: String,
    indicator: String,
    baseline: Point,
    points: Vec<Point>,
    path: Option<String>,
    warn: Option<f64>,
    alarm: Option<f64>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Point {
    year: i32,
    value: f64,
}

const UNITS: [&str; 14] = [
    "yuan",
    "thousand_yuan",
    "ten_thousand_yuan",
    "hundred_million_yuan",
    "persons",
    "ten_thousand_persons",
    "person_years",
    "items",
    "enterprises",
    "tce",
    "ten_thousand_tce",
    "mu",
    "km2",
    "number",
];

const RATIO_UNITS: [&str; 6] = [
    "percent",
    "persons_per_10k",
    "items_per_10k_persons",
    "ten_thousand_yuan_per_person",
    "ten_thousand_yuan_per_mu",
    "tce_per_10k_yuan",
];

/// What a formula may name besides fields, statistics and indicators.
const ATTRIBUTES: [&str; 21] = [
    "filed",
    "in_survey",
    "above_scale",
    "industrial",
    "manufacturing",
    "high_tech_industry",
    "tech_sme",
    "innovative_sme",
    "specialised_sme",
    "little_giant",
    "high_tech",
    "gazelle",
    "unicorn",
    "single_champion",
    "leading",
    "core",
    "radiation",
    "co_built",
    "industry_division",
    "industry_group",
    "industry_class",
];

/// The names a formula uses other than functions (a name followed by a parenthesis).
fn names(formula: &str) -> Vec<&str> {
    let bytes = formula.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let mut next = i;
            while next < bytes.len() && bytes[next] == b' ' {
                next += 1;
            }
            if bytes.get(next) != Some(&b'(') {
                out.push(&formula[start..i]);
            }
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn the_catalogue_names_only_fields_of_its_forms_and_the_targets_only_seed_units() {
    let example = &*EXAMPLE;
    let file: CatalogueFile = toml::from_str(monitoring::INDICATORS).unwrap();
    assert_eq!(file.version, 1);
    let statistics: HashSet<&str> = file.statistics.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        statistics,
        HashSet::from([
            "gdp",
            "population",
            "fiscal_expenditure",
            "fiscal_st_expenditure",
            "rd_institutions",
            "sei_value_added",
            "built_area"
        ])
    );
    for s in &file.statistics {
        assert!(UNITS.contains(&s.unit.as_str()), "{}", s.unit);
        assert!(s.additive && !s.description_zh.is_empty() && !s.description_en.is_empty());
    }
    let indicators: HashSet<&str> = file.indicators.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(indicators.len(), file.indicators.len(), "unique codes");
    assert!(indicators.is_disjoint(&statistics));
    for i in &file.indicators {
        assert!(
            UNITS.contains(&i.unit.as_str()) || RATIO_UNITS.contains(&i.unit.as_str()),
            "{}: {}",
            i.code,
            i.unit
        );
        assert!(["higher", "lower"].contains(&i.direction.as_str()));
        assert!(
            i.code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
        for text in [&i.zh, &i.en, &i.description_zh, &i.description_en] {
            assert!(!text.trim().is_empty(), "{}", i.code);
        }
        let form = i
            .form
            .as_ref()
            .map(|code| example.forms.iter().find(|f| &f.code == code).unwrap());
        for name in names(&i.formula) {
            if ["and", "or", "not"].contains(&name)
                || ATTRIBUTES.contains(&name)
                || statistics.contains(name)
                || indicators.contains(name)
            {
                continue;
            }
            let form = form.unwrap_or_else(|| panic!("{}: {name} needs a form", i.code));
            assert!(
                form.field_index(name).is_some(),
                "{}: {name} is not a field of {}",
                i.code,
                form.code
            );
        }
    }
    // The requested indicators, with their formulas as specified.
    let formula = |code: &str| {
        &file
            .indicators
            .iter()
            .find(|i| i.code == code)
            .unwrap_or_else(|| panic!("{code}"))
            .formula
    };
    assert_eq!(formula("gdp_total"), "gdp");
    assert_eq!(
        formula("rd_intensity"),
        "(sum(rd_expenditure_internal) + rd_institutions) / gdp"
    );
    assert_eq!(formula("revenue_quarter"), "quarter(sum(revenue_ytd))");
    // The pool's count of every tier of the ladder is an indicator (the cultivation pool
    // reads its targets through it).
    for tier in Tier::ALL {
        assert_eq!(
            formula(&format!("{}_enterprises", tier.code())),
            &format!("count({})", tier.code())
        );
    }
    // 23 of monitoring and evaluation, and the 8 tier counts besides high-tech's.
    assert_eq!(file.indicators.len(), 23 + 8);

    let targets: TargetFile = toml::from_str(monitoring::TARGETS).unwrap();
    let units: HashSet<String> = [seed::lanbai(), seed::panzhihua()]
        .iter()
        .flat_map(|z| z.units.iter().map(|u| u.draft.code.as_str().to_string()))
        .collect();
    for t in &targets.targets {
        assert!(units.contains(&t.unit), "{}", t.unit);
        assert!(indicators.contains(t.indicator.as_str()), "{}", t.indicator);
        assert!(
            ["001 ", "004 "].iter().any(|s| t.source.starts_with(s)),
            "{} {}: {}",
            t.unit,
            t.indicator,
            t.source
        );
        assert!(!t.points.is_empty());
        let mut year = t.baseline.year;
        for p in &t.points {
            assert!(p.year > year && p.value.is_finite());
            year = p.year;
        }
        if let Some(path) = &t.path {
            assert!(["linear", "growth"].contains(&path.as_str()));
        }
    }
    // 兰白's 10 of 专栏1, its 4 enterprise counts of line 34 and the 200 innovative
    // enterprises of 专栏14; its four districts' 16; 攀枝花's 4.
    assert_eq!(targets.targets.len(), 10 + 4 + 1 + 16 + 4);
}

#[test]
fn monitoring_accepts_the_catalogue_and_the_targets() {
    let example = &*EXAMPLE;
    let catalogue =
        Catalogue::parse(monitoring::INDICATORS, &example.forms).unwrap_or_else(|e| panic!("{e}"));
    let units: HashSet<&str> = example
        .dataset
        .units
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    TargetSet::parse(monitoring::TARGETS, &catalogue, &|u| units.contains(u))
        .unwrap_or_else(|e| panic!("{e}"));
}
