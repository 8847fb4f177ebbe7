//! The shipped park evaluation scheme: it parses against the example's monitoring
//! catalogue, its effective weights add up to 1, and its grades and consequences are
//! those seed 002 line 73 describes.

use innozone_domain::evaluation::scheme::{Scheme, Source, consequences, grade};
use innozone_domain::monitoring::Catalogue;
use innozone_example::filings;
use innozone_example::monitoring::INDICATORS;

const PARK_SCHEME: &str = include_str!("../evaluation/park_scheme.toml");

fn scheme() -> Scheme {
    let catalogue = Catalogue::parse(INDICATORS, &filings::forms()).unwrap();
    Scheme::parse(
        PARK_SCHEME,
        &|code| catalogue.indicator(code).is_some(),
        &|code| catalogue.statistic(code).is_some(),
    )
    .unwrap()
}

#[test]
fn the_park_scheme_parses_and_its_weights_add_up() {
    let s = scheme();
    assert_eq!(s.code, "lanbai_parks");
    let w = s.effective_weights();
    let leaves: f64 = s.indicators().map(|(i, _)| w[i]).sum();
    assert!((leaves - 1.0).abs() < 1e-12, "{leaves}");
    let tops: f64 = s.roots.iter().map(|&r| w[r]).sum();
    assert!((tops - 1.0).abs() < 1e-12);

    let at = |code: &str| w[s.node(code).unwrap().0];
    // 科技创新 25 of 100, 创新投入 50 of 50 + 50, R&D intensity 60 of 60 + 40:
    // 0.25 × 0.5 × 0.6 = 0.075.
    assert!((at("enterprise_rd_intensity") - 0.075).abs() < 1e-12);
    // 集约发展 10 of 100, output per mu 70 of 70 + 30: 0.1 × 0.7 = 0.07.
    assert!((at("output_per_mu") - 0.07).abs() < 1e-12);
    // 规划建设 10 of 100 with one indicator: 0.1.
    assert!((at("planning_review") - 0.1).abs() < 1e-12);

    // Both kinds of source are used.
    let entered = s
        .indicators()
        .filter(|(_, n)| n.indicator().unwrap().source == Source::Entered)
        .count();
    assert!(entered >= 1 && entered < s.indicators().count());
    assert!(s.vetoes.iter().any(|v| v.code == "major_safety_accident"));
    assert!(s.outliers.is_some());
    assert!((s.availability - 0.6667).abs() < 1e-12);
}

#[test]
fn the_park_scheme_grades_and_flags_as_seed_002_says() {
    let s = scheme();
    let code = |score, veto| {
        s.grades.bands[grade(score, veto, &s.grades).expect("bands by score")]
            .code
            .as_str()
    };
    assert_eq!(code(90.0, false), "excellent");
    assert_eq!(code(89.9, false), "good");
    assert_eq!(code(60.0, false), "qualified");
    assert_eq!(code(59.9, false), "unqualified");
    // A major safety accident: 95 points and still 不合格.
    assert_eq!(code(95.0, true), "unqualified");

    // Two consecutive 不合格 years (2018, 2019): criticised both years, flagged for
    // revocation in 2019; 优秀 in 2020: commended.
    let history = [
        (2017, "qualified"),
        (2018, "unqualified"),
        (2019, "unqualified"),
        (2020, "excellent"),
    ];
    let flags: Vec<(i32, String)> = consequences(&history, &s.consequences)
        .into_iter()
        .map(|f| (f.year, f.rule))
        .collect();
    assert_eq!(
        flags,
        [
            (2018, "criticism".to_string()),
            (2019, "criticism".to_string()),
            (2019, "revocation".to_string()),
            (2020, "reward".to_string()),
        ]
    );
}

#[test]
fn bonus_points_are_capped() {
    let s = scheme();
    let index = |code: &str| s.adjustments.iter().position(|a| a.code == code).unwrap();
    let mut occurrences = vec![0; s.adjustments.len()];
    // 揭榜挂帅 ×5 → 5 points, capped at 3; two national platforms → 4 (cap 4); green park
    // → 3, fixed. 3 + 4 + 3 = 10, capped at the total 5. One safety hazard → 2.
    // 82 + 5 − 2 = 85.
    occurrences[index("open_competition_project")] = 5;
    occurrences[index("national_platform")] = 2;
    occurrences[index("green_park_recognised")] = 1;
    occurrences[index("safety_hazard")] = 1;
    let a = s.adjust(82.0, &occurrences);
    assert_eq!((a.bonus, a.penalty, a.score), (5.0, 2.0, 85.0));
}

const DEVELOPMENT_INDEX: &str = include_str!("../evaluation/development_index.toml");

/// The development index of the 兰白 zone, 2014 = 100, from the ten headline indicators of
/// seed 001 专栏1. The 2014 values are 专栏1's baseline column; the 2020 values are the
/// example's designed ones (`design::LANBAI`, crate-private, copied here: the index test
/// must fail if they drift, so a change there is a change to make here too).
#[test]
fn the_development_index_of_the_zone_worked_by_hand() {
    use std::collections::HashMap;

    use innozone_domain::evaluation::index::development_index;

    let catalogue = Catalogue::parse(INDICATORS, &filings::forms()).unwrap();
    let s = Scheme::parse(
        DEVELOPMENT_INDEX,
        &|code| catalogue.indicator(code).is_some(),
        &|code| catalogue.statistic(code).is_some(),
    )
    .unwrap();
    assert_eq!(s.indicators().count(), 10);
    // Every leaf reads the monitoring indicator of its own code.
    for (_, n) in s.indicators() {
        assert_eq!(
            n.indicator().unwrap().source,
            Source::Monitoring(n.code.clone())
        );
    }

    // (code, 2014, 2020)
    let rows = [
        ("gdp_total", 552.4, 1290.0),
        ("rd_intensity", 2.30, 2.75),
        ("fiscal_st_share", 0.90, 2.20),
        ("high_tech_va_share", 18.7, 31.0),
        ("sei_va_share", 14.9, 27.0),
        ("high_tech_productivity", 26.6, 49.0),
        ("rd_staff_per_10k", 63.0, 120.0),
        ("invention_patents_per_10k", 6.6, 18.0),
        ("tech_contract_turnover", 24.0, 61.0),
        ("energy_per_gdp", 2.17, 1.80),
    ];
    let values: HashMap<String, Vec<Option<f64>>> = rows
        .iter()
        .map(|&(c, a, b)| (c.to_string(), vec![Some(a), Some(b)]))
        .collect();
    let ix = development_index(&s, 2014, &[2014, 2020], &values).unwrap();

    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let base = ix.year(2014).unwrap();
    assert!(close(base.total, 100.0));
    assert!(base.nodes.iter().all(|x| close(x.unwrap(), 100.0)));

    // 2020, each indicator over 2014 × 100:
    // 创新投入 (30): R&D intensity 2.75 / 2.30 = 119.57, fiscal S&T share 2.20 / 0.90 =
    //   244.44, R&D staff 120 / 63 = 190.48; mean 554.49 / 3 = 184.83.
    // 创新产出 (25): patents 18.0 / 6.6 = 272.73, contracts 61 / 24 = 254.17; mean 263.45.
    // 产业发展 (30): GDP 1290 / 552.4 = 233.53, high-tech share 31.0 / 18.7 = 165.78,
    //   emerging industries 27.0 / 14.9 = 181.21, productivity 49.0 / 26.6 = 184.21;
    //   mean 764.72 / 4 = 191.18.
    // 绿色发展 (15): energy, lower is better, 2.17 / 1.80 = 120.56.
    // Total 0.30 × 184.829 + 0.25 × 263.447 + 0.30 × 191.180 + 0.15 × 120.556
    //   = 55.449 + 65.862 + 57.354 + 18.083 = 196.748.
    // Contributions: 0.30 × 84.829 = 25.449, 0.25 × 163.447 = 40.862, 0.30 × 91.180 =
    //   27.354, 0.15 × 20.556 = 3.083; 25.449 + 40.862 + 27.354 + 3.083 = 96.748 =
    //   196.748 − 100.
    let input = (2.75 / 2.30 + 2.20 / 0.90 + 120.0 / 63.0) / 3.0 * 100.0;
    let output = (18.0 / 6.6 + 61.0 / 24.0) / 2.0 * 100.0;
    let industry = (1290.0 / 552.4 + 31.0 / 18.7 + 27.0 / 14.9 + 49.0 / 26.6) / 4.0 * 100.0;
    let green = 2.17 / 1.80 * 100.0;
    let y = ix.year(2020).unwrap();
    assert!(close(y.index(&s, "innovation_input").unwrap(), input));
    assert!(close(y.index(&s, "innovation_output").unwrap(), output));
    assert!(close(y.index(&s, "industry").unwrap(), industry));
    assert!(close(y.index(&s, "green").unwrap(), green));
    let total = 0.30 * input + 0.25 * output + 0.30 * industry + 0.15 * green;
    assert!(close(y.total, total));
    assert!((y.total - 196.748).abs() < 0.0005, "{}", y.total);

    let contributions: Vec<(&str, f64)> = y.dimensions(&s).map(|(c, _, x)| (c, x)).collect();
    let expected = [
        ("innovation_input", 25.449),
        ("innovation_output", 40.862),
        ("industry", 27.354),
        ("green", 3.083),
    ];
    for ((code, x), (want_code, want)) in contributions.iter().zip(expected) {
        assert_eq!(*code, want_code);
        assert!((x - want).abs() < 0.0005, "{code}: {x}");
    }
    let sum: f64 = contributions.iter().map(|(_, x)| x).sum();
    assert!(close(sum, y.total - 100.0));
}
