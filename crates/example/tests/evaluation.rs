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
