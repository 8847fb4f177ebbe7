//! The shipped ladder (`crates/example/cultivation/tiers.toml`) checked on enterprises
//! worked by hand at and around each threshold, and every located error of the file.
//! Money is in 千元, as the Torch annual form reports it.

use std::sync::OnceLock;

use super::*;
use crate::expr::{ExprErrorKind, ValueType};
use crate::registry::{SizeClass, Tier};
use crate::reporting::Form;

const FORM: &str = include_str!("../../../example/forms/torch_annual.toml");
const LADDER: &str = include_str!("../../../example/cultivation/tiers.toml");

fn form() -> &'static Form {
    static FORM_PARSED: OnceLock<Form> = OnceLock::new();
    FORM_PARSED.get_or_init(|| Form::parse(FORM).unwrap())
}

fn ladder() -> &'static TierSet {
    static LADDER_PARSED: OnceLock<TierSet> = OnceLock::new();
    LADDER_PARSED.get_or_init(|| TierSet::parse(LADDER, form()).unwrap())
}

fn slot(code: &str) -> usize {
    form()
        .field_index(code)
        .unwrap_or_else(|| panic!("no field {code}"))
}

/// One year's filing with the given values, every other field blank.
fn year(values: &[(&str, f64)]) -> Vec<Option<f64>> {
    let mut out = vec![None; form().fields.len()];
    for (code, v) in values {
        out[slot(code)] = Some(*v);
    }
    out
}

/// Registry facts of a registered service enterprise holding no tier.
fn registry() -> RegistryFacts {
    RegistryFacts {
        industry_division: Some(65),
        size_class: Some(SizeClass::AboveScale),
        in_high_tech_field: Some(true),
        held: Some(TierMask::EMPTY),
    }
}

fn facts<'a>(
    now: &'a [Option<f64>],
    before: Option<&'a [Option<f64>]>,
    two_before: Option<&'a [Option<f64>]>,
) -> EnterpriseYear<'a> {
    EnterpriseYear {
        year: 2025,
        filings: [Some(now), before, two_before],
        registry: registry(),
    }
}

/// The outcome of one criterion of one tier.
fn outcome(tier: Tier, criterion: &str, facts: &EnterpriseYear) -> Outcome {
    let set = ladder();
    let definition = set.tier(tier).unwrap();
    let index = definition
        .criteria
        .iter()
        .position(|c| c.code == criterion)
        .unwrap_or_else(|| panic!("{tier:?} has no criterion {criterion}"));
    set.check_tier(definition, facts).criteria[index]
        .outcome
        .clone()
}

fn summary(tier: Tier, facts: &EnterpriseYear) -> TierSummary {
    ladder().summary(facts).find(|s| s.tier == tier).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

/// Met, with measure and threshold as given.
#[track_caller]
fn assert_met(outcome: Outcome, measure: f64, threshold: f64) {
    match outcome {
        Outcome::Met(f) => {
            assert!(close(f.measure, measure), "measure {:?}", f.measure);
            assert!(close(f.threshold, threshold), "threshold {:?}", f.threshold);
            assert_eq!(f.shortfall, None);
        }
        other => panic!("expected met, got {other:?}"),
    }
}

/// Missed (or, `confirm_only`, unconfirmed) by the shortfall given.
#[track_caller]
fn assert_short(outcome: Outcome, confirm_only: bool, measure: f64, threshold: f64, short: f64) {
    let f = match (outcome, confirm_only) {
        (Outcome::Missed(f), false) | (Outcome::Unconfirmed(f), true) => f,
        (other, _) => panic!("expected a miss (confirm_only {confirm_only}), got {other:?}"),
    };
    assert!(close(f.measure, measure), "measure {:?}", f.measure);
    assert!(close(f.threshold, threshold), "threshold {:?}", f.threshold);
    assert!(close(f.shortfall, short), "shortfall {:?}", f.shortfall);
}

// ------------------------------------------------------------- 高新技术企业

/// Three years of revenue and internal R&D, no commissioned R&D.
fn three_years(revenue: [f64; 3], rd: [f64; 3]) -> [Vec<Option<f64>>; 3] {
    [0, 1, 2].map(|i| year(&[("revenue", revenue[i]), ("rd_expenditure_internal", rd[i])]))
}

fn high_tech_rd(years: &[Vec<Option<f64>>; 3]) -> Outcome {
    let f = facts(&years[0], Some(&years[1]), Some(&years[2]));
    outcome(Tier::HighTech, "rd_intensity", &f)
}

#[test]
fn high_tech_rd_at_50_million_is_in_the_5_percent_band() {
    // Revenue 50,000 千元 (5,000万元, 含) each year: 150,000 over three years, 5 %
    // needed = 7,500. R&D 2,495 a year = 7,485 = 4.99 %: 15 千元 short.
    let y = three_years([50_000.0; 3], [2_495.0; 3]);
    assert_short(high_tech_rd(&y), false, 4.99, 5.0, 15.0);
    // 2,500 a year = 7,500 = 5.00 %: met at the threshold.
    let y = three_years([50_000.0; 3], [2_500.0; 3]);
    assert_met(high_tech_rd(&y), 5.0, 5.0);
    // 2,501 a year = 7,503 = 5.002 %.
    let y = three_years([50_000.0; 3], [2_501.0; 3]);
    assert_met(high_tech_rd(&y), 5.002, 5.0);
    // Last year's revenue 50,001 puts it in the 4 % band: 7,485 over 150,001 =
    // 4.98997 % meets 4 %.
    let y = three_years([50_001.0, 50_000.0, 50_000.0], [2_495.0; 3]);
    assert_met(high_tech_rd(&y), 100.0 * 7_485.0 / 150_001.0, 4.0);
}

#[test]
fn high_tech_rd_in_the_4_percent_band() {
    // Revenue 60,000 + 50,000 + 40,000 = 150,000 (band by last year's 60,000: 4 %),
    // needed 6,000. R&D 2,000 + 2,000 + 1,999 = 5,999: 1 千元 short, 3.99933 %.
    let y = three_years([60_000.0, 50_000.0, 40_000.0], [2_000.0, 2_000.0, 1_999.0]);
    assert_short(
        high_tech_rd(&y),
        false,
        100.0 * 5_999.0 / 150_000.0,
        4.0,
        1.0,
    );
    let y = three_years([60_000.0, 50_000.0, 40_000.0], [2_000.0; 3]);
    assert_met(high_tech_rd(&y), 4.0, 4.0);
    let y = three_years([60_000.0, 50_000.0, 40_000.0], [2_001.0, 2_000.0, 2_000.0]);
    assert_met(high_tech_rd(&y), 100.0 * 6_001.0 / 150_000.0, 4.0);
    // Distance of the miss: |3.99933 − 4| / 4 = 0.0001667.
    let y = three_years([60_000.0, 50_000.0, 40_000.0], [2_000.0, 2_000.0, 1_999.0]);
    let f = facts(&y[0], Some(&y[1]), Some(&y[2]));
    let s = summary(Tier::HighTech, &f);
    assert_eq!(s.status, TierStatus::Missed);
    assert!(close(s.distance, (4.0 - 100.0 * 5_999.0 / 150_000.0) / 4.0));
    assert!(s.within(0.001) && !s.within(0.0001));
}

#[test]
fn high_tech_rd_at_200_million_is_in_the_4_percent_band() {
    // 200,000 a year (2亿元, 含): 600,000, 4 % = 24,000; R&D 7,999 + 8,000 + 8,000 =
    // 23,999: 1 千元 short.
    let y = three_years([200_000.0; 3], [7_999.0, 8_000.0, 8_000.0]);
    assert_short(
        high_tech_rd(&y),
        false,
        100.0 * 23_999.0 / 600_000.0,
        4.0,
        1.0,
    );
    let y = three_years([200_000.0; 3], [8_000.0; 3]);
    assert_met(high_tech_rd(&y), 4.0, 4.0);
    // Last year 200,001: the 3 % band; 23,999 over 600,001 = 3.99998 %.
    let y = three_years(
        [200_001.0, 200_000.0, 200_000.0],
        [7_999.0, 8_000.0, 8_000.0],
    );
    assert_met(high_tech_rd(&y), 100.0 * 23_999.0 / 600_001.0, 3.0);
    // 3 % band just missed: 600,001 × 3 % = 18,000.03; R&D 18,000: 0.03 千元 short.
    let y = three_years([200_001.0, 200_000.0, 200_000.0], [6_000.0; 3]);
    assert_short(
        high_tech_rd(&y),
        false,
        100.0 * 18_000.0 / 600_001.0,
        3.0,
        0.03,
    );
}

#[test]
fn high_tech_rd_counts_commissioned_rd_at_80_percent() {
    // Last year internal 1,000 + commissioned 1,875 × 80 % = 2,500; with 2,500 in each
    // earlier year: 7,500 of 150,000 = 5 %, met. Counted in full it would be 5.25 %.
    let mut y = three_years([50_000.0; 3], [1_000.0, 2_500.0, 2_500.0]);
    y[0][slot("rd_expenditure_external")] = Some(1_875.0);
    assert_met(high_tech_rd(&y), 5.0, 5.0);
    // 1,874 commissioned: 1,499.2 counted, 0.8 千元 short.
    y[0][slot("rd_expenditure_external")] = Some(1_874.0);
    assert_short(
        high_tech_rd(&y),
        false,
        100.0 * 7_499.2 / 150_000.0,
        5.0,
        0.8,
    );
}

#[test]
fn a_missing_year_leaves_high_tech_rd_undecidable_and_says_which() {
    let y = three_years([50_000.0; 3], [2_500.0; 3]);
    let f = facts(&y[0], Some(&y[1]), None);
    assert_eq!(
        outcome(Tier::HighTech, "rd_intensity", &f),
        Outcome::Undecidable(vec![Missing::Year { years_back: 2 }])
    );
    // A year filed without its R&D: that value, not the optional commissioned R&D.
    let mut y = three_years([50_000.0; 3], [2_500.0; 3]);
    y[1][slot("rd_expenditure_internal")] = None;
    let f = facts(&y[0], Some(&y[1]), Some(&y[2]));
    assert_eq!(
        outcome(Tier::HighTech, "rd_intensity", &f),
        Outcome::Undecidable(vec![Missing::Value {
            years_back: 1,
            slot: slot("rd_expenditure_internal")
        }])
    );
    let s = summary(Tier::HighTech, &f);
    assert_eq!(s.status, TierStatus::Undecidable);
    let set = ladder();
    let tier = set.tier(Tier::HighTech).unwrap();
    let check = set.check_tier(tier, &f);
    let rd = check
        .criteria
        .iter()
        .find(|c| tier.criteria[c.criterion].code == "rd_intensity")
        .unwrap();
    assert_eq!(
        set.describe(tier, rd, true),
        "R&D of the last three years at least 5 % / 4 % / 3 % of their revenue: \
         cannot be decided, missing Internal R&D expenditure (the year before)"
    );
}

#[test]
fn high_tech_revenue_share_around_60_percent() {
    // Revenue 10,000: 60 % = 6,000.
    let at = |h: f64| {
        let y = year(&[("revenue", 10_000.0), ("high_tech_revenue", h)]);
        outcome(
            Tier::HighTech,
            "high_tech_revenue_share",
            &facts(&y, None, None),
        )
    };
    assert_short(at(5_999.0), false, 59.99, 60.0, 1.0);
    assert_met(at(6_000.0), 60.0, 60.0);
    assert_met(at(6_001.0), 60.01, 60.0);
}

#[test]
fn high_tech_staff_share_is_confirmed_not_refuted_by_rd_staff() {
    let at = |employees: f64, rd_staff: f64| {
        let y = year(&[("employees", employees), ("rd_staff", rd_staff)]);
        outcome(Tier::HighTech, "st_staff_share", &facts(&y, None, None))
    };
    // 9 of 100 = 9 %: 1 person short, unconfirmed (S&T staff may be more).
    assert_short(at(100.0, 9.0), true, 9.0, 10.0, 1.0);
    assert_met(at(100.0, 10.0), 10.0, 10.0);
    assert_met(at(100.0, 11.0), 11.0, 10.0);
    // 10 of 101 = 9.90 %: 10.1 needed, rounded up to 1 person.
    assert_short(at(101.0, 10.0), true, 1000.0 / 101.0, 10.0, 1.0);
}

#[test]
fn high_tech_field_is_read_from_the_registry() {
    let y = year(&[]);
    let mut f = facts(&y, None, None);
    assert_eq!(
        outcome(Tier::HighTech, "high_tech_field", &f),
        Outcome::Met(Figures::default())
    );
    f.registry.in_high_tech_field = Some(false);
    assert_eq!(
        outcome(Tier::HighTech, "high_tech_field", &f),
        Outcome::Unconfirmed(Figures::default())
    );
    f.registry.in_high_tech_field = None;
    let fact = ladder()
        .names
        .iter()
        .position(|n| n == "in_high_tech_field");
    assert_eq!(
        outcome(Tier::HighTech, "high_tech_field", &f),
        Outcome::Undecidable(vec![Missing::Value {
            years_back: 0,
            slot: fact.unwrap()
        }])
    );
}

#[test]
fn qualitative_criteria_are_never_evaluated() {
    // No filing values at all: the qualitative criteria are still just "review".
    let y = year(&[]);
    let f = facts(&y, None, None);
    for code in [
        "registered_one_year",
        "core_ip",
        "rd_in_china",
        "innovation_capability",
        "clean_record",
    ] {
        assert_eq!(outcome(Tier::HighTech, code, &f), Outcome::Qualitative);
    }
    // Unicorn has nothing the data can decide: never a candidate by the data.
    let s = summary(Tier::Unicorn, &f);
    assert_eq!(s.status, TierStatus::ReviewOnly);
    assert!(!s.within(1.0));
}

/// An enterprise meeting every quantitative high-tech criterion.
#[test]
fn high_tech_met_leaves_the_review_pending() {
    let y = [0, 1, 2].map(|_| {
        year(&[
            ("revenue", 40_000.0),
            ("rd_expenditure_internal", 2_400.0),
            ("high_tech_revenue", 30_000.0),
            ("employees", 80.0),
            ("rd_staff", 20.0),
        ])
    });
    let f = facts(&y[0], Some(&y[1]), Some(&y[2]));
    let s = summary(Tier::HighTech, &f);
    assert_eq!(
        s.status,
        TierStatus::Met {
            review_pending: true
        }
    );
    assert_eq!(s.distance, Some(0.0));
    assert!(s.within(0.0));
    let set = ladder();
    let tier = set.tier(Tier::HighTech).unwrap();
    let check = set.check_tier(tier, &f);
    assert_eq!(check.summary, s);
    assert_eq!(check.criteria.len(), tier.criteria.len());
}

#[test]
fn a_miss_reads_as_measure_threshold_and_shortfall() {
    // 3.6 % against 4 %: revenue 100,000 a year, R&D 3,600 a year: 12,000 needed of
    // 300,000, 10,800 spent: 1,200 千元 (1.2 million yuan) short.
    let y = three_years([100_000.0; 3], [3_600.0; 3]);
    let f = facts(&y[0], Some(&y[1]), Some(&y[2]));
    let set = ladder();
    let tier = set.tier(Tier::HighTech).unwrap();
    let check = set.check_tier(tier, &f);
    let rd = check
        .criteria
        .iter()
        .find(|c| tier.criteria[c.criterion].code == "rd_intensity")
        .unwrap();
    assert_eq!(
        set.describe(tier, rd, true),
        "R&D of the last three years at least 5 % / 4 % / 3 % of their revenue 3.6 %, \
         needs 4 %: 1,200 thousand yuan short"
    );
    assert_eq!(
        set.describe(tier, rd, false),
        "近三个会计年度研究开发费用总额占同期销售收入总额的比例符合要求（5%/4%/3%） 3.6 %，需 4 %：差 1,200 千元"
    );
}

// ------------------------------------------------------------ 科技型中小企业

#[test]
fn tech_sme_size_limits() {
    let at = |code: &str, field: &str, v: f64| {
        let y = year(&[(field, v)]);
        outcome(Tier::TechSme, code, &facts(&y, None, None))
    };
    assert_met(at("employees", "employees", 499.0), 499.0, 500.0);
    assert_met(at("employees", "employees", 500.0), 500.0, 500.0);
    // 501: one person over.
    assert_short(
        at("employees", "employees", 501.0),
        false,
        501.0,
        500.0,
        1.0,
    );
    assert_met(at("revenue", "revenue", 199_999.0), 199_999.0, 200_000.0);
    assert_met(at("revenue", "revenue", 200_000.0), 200_000.0, 200_000.0);
    assert_short(
        at("revenue", "revenue", 200_001.0),
        false,
        200_001.0,
        200_000.0,
        1.0,
    );
    assert_met(
        at("total_assets", "total_assets", 199_999.0),
        199_999.0,
        200_000.0,
    );
    assert_met(
        at("total_assets", "total_assets", 200_000.0),
        200_000.0,
        200_000.0,
    );
    assert_short(
        at("total_assets", "total_assets", 200_001.0),
        false,
        200_001.0,
        200_000.0,
        1.0,
    );
    // Distance of 501 employees: 1 / 500.
    let y = year(&[
        ("employees", 501.0),
        ("revenue", 10_000.0),
        ("total_assets", 10_000.0),
    ]);
    let s = summary(Tier::TechSme, &facts(&y, None, None));
    assert_eq!(s.status, TierStatus::Missed);
    assert!(close(s.distance, 0.002));
}

/// A technology-based SME's score: staff 100 with `rd_staff`, revenue 10,000 with R&D
/// `rd`, 3 utility or design patents held and no invention patent.
fn tech_sme_score(rd_staff: f64, rd: f64, inventions: f64) -> Outcome {
    let y = year(&[
        ("employees", 100.0),
        ("rd_staff", rd_staff),
        ("revenue", 10_000.0),
        ("rd_expenditure_internal", rd),
        ("patents_held", 3.0 + inventions),
        ("invention_patents_held", inventions),
    ]);
    outcome(Tier::TechSme, "score", &facts(&y, None, None))
}

#[test]
fn tech_sme_score_around_60() {
    // 20 % staff: 12; R&D 400 = 4 %: 30; 3 Ⅱ类: 18 → 60, met at the threshold.
    assert_met(tech_sme_score(20.0, 400.0, 0.0), 60.0, 60.0);
    // 19 %: 8 → 56: 4 points short, unconfirmed (a lower bound).
    assert_short(tech_sme_score(19.0, 400.0, 0.0), true, 56.0, 60.0, 4.0);
    // 25 %: 16 → 64.
    assert_met(tech_sme_score(25.0, 400.0, 0.0), 64.0, 60.0);
    // R&D 399 = 3.99 %: 20 → 50, 10 short; 401: still 30 → 60.
    assert_short(tech_sme_score(20.0, 399.0, 0.0), true, 50.0, 60.0, 10.0);
    assert_met(tech_sme_score(20.0, 401.0, 0.0), 60.0, 60.0);
    // One invention patent: 30 instead of 18 → 72.
    assert_met(tech_sme_score(20.0, 400.0, 1.0), 72.0, 60.0);
    // Staff 9 %: 0 points; R&D 6 % 50 and an invention patent 30: 80, met; but the
    // S&T staff score must not be 0: 1 person short, unconfirmed.
    assert_met(tech_sme_score(9.0, 600.0, 1.0), 80.0, 60.0);
    let y = year(&[("employees", 100.0), ("rd_staff", 9.0)]);
    let f = facts(&y, None, None);
    assert_short(outcome(Tier::TechSme, "st_staff", &f), true, 9.0, 10.0, 1.0);
    let y = year(&[("employees", 100.0), ("rd_staff", 10.0)]);
    assert_met(
        outcome(Tier::TechSme, "st_staff", &facts(&y, None, None)),
        10.0,
        10.0,
    );
}

#[test]
fn tech_sme_score_is_confirmed_directly_by_a_high_tech_recognition() {
    let y = year(&[("employees", 100.0), ("rd_staff", 5.0)]);
    let mut f = facts(&y, None, None);
    f.registry.held = Some([Tier::HighTech].into_iter().collect());
    assert!(matches!(
        outcome(Tier::TechSme, "score", &f),
        Outcome::Met(_)
    ));
    // Unknown recognitions and a score that does not reach 60: undecidable.
    f.registry.held = None;
    assert!(matches!(
        outcome(Tier::TechSme, "score", &f),
        Outcome::Undecidable(_)
    ));
}

// ------------------------------------------------------------ 创新型中小企业

/// Innovative SME: one invention patent (10), revenue 100,000 up 25 % on 80,000 (20),
/// liabilities 55 % of assets (10), 5 for the field: 45 before R&D.
fn innovative(rd: f64) -> Vec<Option<f64>> {
    year(&[
        ("revenue", 100_000.0),
        ("rd_expenditure_internal", rd),
        ("patents_held", 1.0),
        ("invention_patents_held", 1.0),
        ("total_assets", 100_000.0),
        ("total_liabilities", 55_000.0),
    ])
}

#[test]
fn innovative_sme_score_around_60() {
    let before = year(&[("revenue", 80_000.0)]);
    let at = |code: &str, rd: f64| {
        let now = innovative(rd);
        outcome(Tier::InnovativeSme, code, &facts(&now, Some(&before), None))
    };
    // R&D 2,999 (2.999 %): 10 → 55, 5 short, unconfirmed; innovation 10 + 10 = 20, met.
    assert_short(at("score", 2_999.0), true, 55.0, 60.0, 5.0);
    assert_met(at("innovation_points", 2_999.0), 20.0, 20.0);
    // 3,000 (3 %): 15 → 60.
    assert_met(at("score", 3_000.0), 60.0, 60.0);
    assert_met(at("score", 3_001.0), 60.0, 60.0);
    // 5,000 (5 %): 20 → 65.
    assert_met(at("score", 5_000.0), 65.0, 60.0);
    // R&D 999 (0.999 %): 0 → innovation 10, 10 short of 20.
    assert_short(at("innovation_points", 999.0), true, 10.0, 20.0, 10.0);
    assert_met(at("growth_points", 0.0), 30.0, 15.0);
    // Revenue up 4.99 % with liabilities 75.001 % of assets: 5 + 0 = 5, 10 short.
    let now = year(&[
        ("revenue", 83_992.0),
        ("total_assets", 100_000.0),
        ("total_liabilities", 75_001.0),
    ]);
    assert_short(
        outcome(
            Tier::InnovativeSme,
            "growth_points",
            &facts(&now, Some(&before), None),
        ),
        true,
        5.0,
        15.0,
        10.0,
    );
    // The 专业化 part is reviewed.
    assert_eq!(at("specialisation_points", 0.0), Outcome::Qualitative);
}

// ---------------------------------------------------------- 专精特新中小企业

#[test]
fn specialised_sme_rd_and_revenue() {
    let at = |code: &str, revenue: f64, rd: f64| {
        let y = year(&[("revenue", revenue), ("rd_expenditure_internal", rd)]);
        outcome(Tier::SpecialisedSme, code, &facts(&y, None, None))
    };
    // R&D 100万元 = 1,000 千元.
    assert_short(at("rd_amount", 20_000.0, 999.0), false, 999.0, 1_000.0, 1.0);
    assert_met(at("rd_amount", 20_000.0, 1_000.0), 1_000.0, 1_000.0);
    assert_met(at("rd_amount", 20_000.0, 1_001.0), 1_001.0, 1_000.0);
    // 3 % of 40,000 = 1,200.
    assert_short(
        at("rd_intensity", 40_000.0, 1_199.0),
        false,
        2.9975,
        3.0,
        1.0,
    );
    assert_met(at("rd_intensity", 40_000.0, 1_200.0), 3.0, 3.0);
    assert_met(at("rd_intensity", 40_000.0, 1_201.0), 3.0025, 3.0);
    // Revenue 1000万元 = 10,000 千元; below it equity financing may still qualify.
    assert_short(at("revenue", 9_999.0, 0.0), true, 9_999.0, 10_000.0, 1.0);
    assert_met(at("revenue", 10_000.0, 0.0), 10_000.0, 10_000.0);
    assert_met(at("revenue", 10_001.0, 0.0), 10_001.0, 10_000.0);
    // All three met: the qualitative ones remain.
    let y = year(&[("revenue", 40_000.0), ("rd_expenditure_internal", 1_200.0)]);
    assert_eq!(
        summary(Tier::SpecialisedSme, &facts(&y, None, None)).status,
        TierStatus::Met {
            review_pending: true
        }
    );
}

// ------------------------------------------------------------ 专精特新"小巨人"

fn little_giant_rd(revenue: f64, rd: f64, rd_before: f64) -> Outcome {
    let now = year(&[("revenue", revenue), ("rd_expenditure_internal", rd)]);
    let before = year(&[
        ("revenue", 100_000.0),
        ("rd_expenditure_internal", rd_before),
    ]);
    outcome(
        Tier::LittleGiant,
        "rd_intensity",
        &facts(&now, Some(&before), None),
    )
}

#[test]
fn little_giant_rd_in_each_of_two_years() {
    // Revenue 1亿元 (100,000) both years: 3 % = 3,000 each year.
    assert_short(
        little_giant_rd(100_000.0, 2_999.0, 3_000.0),
        false,
        2.999,
        3.0,
        1.0,
    );
    assert_met(little_giant_rd(100_000.0, 3_000.0, 3_000.0), 3.0, 3.0);
    assert_met(little_giant_rd(100_000.0, 3_001.0, 3_000.0), 3.0, 3.0);
    // The year before short too: 1 + 1 = 2 千元.
    assert_short(
        little_giant_rd(100_000.0, 2_999.0, 2_999.0),
        false,
        2.999,
        3.0,
        2.0,
    );
    // Revenue 99,999: 6 % for both years. 5,999.94 − 3,000 = 2,999.94 this year and
    // 6,000 − 3,000 = 3,000 the year before: 5,999.94 short.
    // The measure is the weaker year's: 3,000 of 100,000 = 3 %.
    assert_short(
        little_giant_rd(99_999.0, 3_000.0, 3_000.0),
        false,
        3.0,
        6.0,
        5_999.94,
    );
    // Below 5000万元: R&D 3000万元 and R&D staff half of the employees.
    let small = |rd: f64, rd_staff: f64| {
        let now = year(&[
            ("revenue", 49_999.0),
            ("rd_expenditure_internal", rd),
            ("employees", 100.0),
            ("rd_staff", rd_staff),
        ]);
        let before = year(&[("revenue", 40_000.0), ("rd_expenditure_internal", 0.0)]);
        outcome(
            Tier::LittleGiant,
            "rd_intensity",
            &facts(&now, Some(&before), None),
        )
    };
    assert!(matches!(small(30_000.0, 50.0), Outcome::Met(_)));
    assert!(matches!(small(29_999.0, 50.0), Outcome::Missed(_)));
    assert!(matches!(small(30_000.0, 49.0), Outcome::Missed(_)));
}

#[test]
fn little_giant_debt_ratio_and_requirement() {
    let at = |liabilities: f64| {
        let y = year(&[
            ("total_assets", 100_000.0),
            ("total_liabilities", liabilities),
        ]);
        outcome(Tier::LittleGiant, "debt_ratio", &facts(&y, None, None))
    };
    assert_met(at(69_999.0), 69.999, 70.0);
    assert_met(at(70_000.0), 70.0, 70.0);
    assert_short(at(70_001.0), false, 70.001, 70.0, 1.0);

    // Every quantitative criterion met, but not a 专精特新中小企业: missed for that.
    let now = year(&[
        ("revenue", 100_000.0),
        ("rd_expenditure_internal", 3_000.0),
        ("total_assets", 100_000.0),
        ("total_liabilities", 10_000.0),
    ]);
    let before = year(&[("revenue", 100_000.0), ("rd_expenditure_internal", 3_000.0)]);
    let mut f = facts(&now, Some(&before), None);
    let s = summary(Tier::LittleGiant, &f);
    assert_eq!(s.status, TierStatus::Missed);
    assert!(s.lacks.contains(Tier::SpecialisedSme));
    assert!(!s.within(1.0));
    f.registry.held = Some([Tier::SpecialisedSme].into_iter().collect());
    let s = summary(Tier::LittleGiant, &f);
    assert_eq!(
        s.status,
        TierStatus::Met {
            review_pending: true
        }
    );
    assert!(s.lacks.is_empty());
}

// ------------------------------------------------------------------ 瞪羚企业

#[test]
fn gazelle_growth_over_two_years() {
    // Base 10,000 two years before: 1.44 × = 14,400.
    let at = |revenue: f64| {
        let now = year(&[("revenue", revenue)]);
        let base = year(&[("revenue", 10_000.0)]);
        let middle = year(&[]);
        outcome(
            Tier::Gazelle,
            "revenue_growth",
            &facts(&now, Some(&middle), Some(&base)),
        )
    };
    assert_short(at(14_399.0), false, 43.99, 44.0, 1.0);
    assert_met(at(14_400.0), 44.0, 44.0);
    assert_met(at(14_401.0), 44.01, 44.0);
    // Without the base year: undecidable.
    let now = year(&[("revenue", 20_000.0)]);
    assert_eq!(
        outcome(Tier::Gazelle, "revenue_growth", &facts(&now, None, None)),
        Outcome::Undecidable(vec![Missing::Year { years_back: 2 }])
    );
    let revenue = |v: f64| {
        let y = year(&[("revenue", v)]);
        outcome(Tier::Gazelle, "revenue", &facts(&y, None, None))
    };
    assert_short(revenue(9_999.0), false, 9_999.0, 10_000.0, 1.0);
    assert_met(revenue(10_000.0), 10_000.0, 10_000.0);
    assert_met(revenue(10_001.0), 10_001.0, 10_000.0);
}

// ---------------------------------------------------- 单项冠军 and 龙头企业

#[test]
fn single_champion_is_a_manufacturer() {
    let y = year(&[]);
    let at = |division: Option<u8>| {
        let mut f = facts(&y, None, None);
        f.registry.industry_division = division;
        outcome(Tier::SingleChampion, "manufacturing", &f)
    };
    assert!(matches!(at(Some(12)), Outcome::Missed(_)));
    assert!(matches!(at(Some(13)), Outcome::Met(_)));
    assert!(matches!(at(Some(43)), Outcome::Met(_)));
    assert!(matches!(at(Some(44)), Outcome::Missed(_)));
    assert!(matches!(at(None), Outcome::Undecidable(_)));
    // A miss without measure and threshold: no distance to give.
    let mut f = facts(&y, None, None);
    f.registry.industry_division = Some(65);
    assert_eq!(summary(Tier::SingleChampion, &f).distance, None);
}

#[test]
fn leading_enterprise_revenue() {
    let at = |v: f64| {
        let y = year(&[("revenue", v)]);
        outcome(Tier::Leading, "revenue", &facts(&y, None, None))
    };
    assert_short(at(999_999.0), false, 999_999.0, 1_000_000.0, 1.0);
    assert_met(at(1_000_000.0), 1_000_000.0, 1_000_000.0);
    assert_met(at(1_000_001.0), 1_000_001.0, 1_000_000.0);
}

#[test]
fn the_shipped_ladder_reads_as_published() {
    let set = ladder();
    let years = |t: Tier| set.tier(t).unwrap().valid_years;
    assert_eq!(years(Tier::HighTech), Some(3));
    assert_eq!(years(Tier::TechSme), Some(1));
    assert_eq!(years(Tier::LittleGiant), Some(3));
    assert_eq!(years(Tier::Leading), None);
    assert_eq!(
        set.tier(Tier::LittleGiant).unwrap().requires,
        vec![Tier::SpecialisedSme]
    );
    // Every criterion cites its basis.
    for tier in &set.tiers {
        for c in &tier.criteria {
            assert!(!c.basis.trim().is_empty(), "{}", c.code);
        }
    }
}

// ------------------------------------------------------------- no allocation

mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    /// Counts the allocations of the current thread, for the test below.
    pub struct Counting;

    thread_local! {
        pub static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;
}

#[test]
fn the_summary_of_every_tier_allocates_nothing() {
    let y = three_years([60_000.0, 50_000.0, 40_000.0], [2_000.0, 2_000.0, 1_999.0]);
    let f = facts(&y[0], Some(&y[1]), Some(&y[2]));
    let set = ladder();
    let before = counting::ALLOCATIONS.with(|c| c.get());
    let mut missed = 0;
    for _ in 0..100 {
        for s in set.summary(&f) {
            missed += usize::from(s.status == TierStatus::Missed);
        }
    }
    let after = counting::ALLOCATIONS.with(|c| c.get());
    assert!(missed > 0);
    assert_eq!(after - before, 0);
}

// ------------------------------------------------------------ located errors

const HEAD: &str = "version = 1\n\n[[tiers]]\ntier = \"high_tech\"\nlevel = 3\nzh = \"高新技术企业\"\nen = \"High-tech\"\nauthority = \"科技部\"\n";

fn error(source: &str) -> TierError {
    TierSet::parse(source, form()).unwrap_err()
}

fn criterion(body: &str) -> String {
    format!(
        "{HEAD}\n[[tiers.criteria]]\ncode = \"c\"\nzh = \"条件\"\nen = \"Criterion\"\nbasis = \"第一条\"\n{body}"
    )
}

#[test]
fn file_errors_are_located() {
    let e = error("version = 1\nfoo = 2\n");
    assert!(matches!(e, TierError::Syntax { line: 2, .. }), "{e:?}");
    let e = error("version = 0\n");
    assert_eq!(
        e,
        TierError::BadVersion {
            line: 1,
            column: 11
        }
    );
    assert!(matches!(error("version = 1\n"), TierError::NoTiers { .. }));
    let e = error(&HEAD.replace("\"high_tech\"", "\"high_tec\""));
    assert_eq!(
        e,
        TierError::UnknownTier {
            line: 4,
            column: 8,
            code: "high_tec".into(),
            suggestion: Some("high_tech".into())
        }
    );
    let twice = format!("{HEAD}\n{}", HEAD.replace("version = 1\n", ""));
    assert_eq!(
        error(&twice),
        TierError::DuplicateTier {
            line: 12,
            column: 8,
            code: "high_tech".into(),
            first_line: 4
        }
    );
    for bad in ["-1", "11"] {
        let e = error(&format!("{HEAD}valid_years = {bad}\n"));
        assert!(
            matches!(
                e,
                TierError::BadValidYears {
                    line: 9,
                    column: 15,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    let e = error(&format!("{HEAD}requires = [\"gazelle\"]\n"));
    assert_eq!(
        e,
        TierError::UnknownRequirement {
            line: 9,
            column: 13,
            tier: "high_tech".into(),
            code: "gazelle".into()
        }
    );
    let e = error(&format!("{HEAD}requires = [\"high_tech\"]\n"));
    assert!(matches!(e, TierError::UnknownRequirement { .. }));
}

#[test]
fn criterion_errors_are_located() {
    let e = error(&criterion("rule = \"revenue > 0\"\n").replace("\"c\"", "\"C-1\""));
    assert!(
        matches!(
            e,
            TierError::BadCode {
                line: 11,
                column: 8,
                ..
            }
        ),
        "{e:?}"
    );
    let twice = criterion("rule = \"revenue > 0\"\n")
        + "\n[[tiers.criteria]]\ncode = \"c\"\nzh = \"x\"\nen = \"x\"\nbasis = \"x\"\nqualitative = true\ndescription = \"x\"\n";
    assert_eq!(
        error(&twice),
        TierError::DuplicateCriterion {
            line: 18,
            column: 8,
            tier: "high_tech".into(),
            code: "c".into(),
            first_line: 11
        }
    );
    assert!(matches!(
        error(&criterion("")),
        TierError::NoTest { line: 11, .. }
    ));
    assert!(matches!(
        error(&criterion(
            "qualitative = true\ndescription = \"x\"\nthreshold = \"1\"\n"
        )),
        TierError::QualitativeWithRule { line: 17, .. }
    ));
    assert!(matches!(
        error(&criterion("qualitative = true\n")),
        TierError::NoDescription { line: 11, .. }
    ));
    assert!(matches!(
        error(&criterion("rule = \"revenue > 0\"\nunit = \"dollars\"\n")),
        TierError::UnknownUnit {
            line: 16,
            column: 8,
            ..
        }
    ));
}

#[test]
fn formula_errors_point_at_the_character() {
    // A misspelt field: line 15, `rule = "` is 8 characters, `revenu` starts at 9.
    let e = error(&criterion("rule = \"revenu >= 5000\"\n"));
    let TierError::Formula {
        line,
        column,
        part,
        error: err,
        ..
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!((line, column, part), (15, 9, CriterionPart::Rule));
    assert_eq!(
        err.kind,
        ExprErrorKind::UnknownField {
            name: "revenu".into(),
            suggestion: Some("revenue".into())
        }
    );
    // Inside a multi-line string: the second line of the formula, column 6.
    let e = error(&criterion(
        "rule = \"\"\"\nrevenue > 0\n  and employes > 0\"\"\"\n",
    ));
    assert!(
        matches!(
            e,
            TierError::Formula {
                line: 17,
                column: 7,
                ..
            }
        ),
        "{e:?}"
    );
    // Not a condition.
    let e = error(&criterion("rule = \"revenue + 1\"\n"));
    let TierError::Formula { error: err, .. } = e else {
        panic!()
    };
    assert_eq!(
        err.kind,
        ExprErrorKind::TypeMismatch {
            expected: ValueType::Condition,
            found: ValueType::Number
        }
    );
    // A measure that is a condition, in its own part.
    let e = error(&criterion(
        "rule = \"revenue > 0\"\nmeasure = \"revenue > 0\"\n",
    ));
    assert!(matches!(
        e,
        TierError::Formula {
            part: CriterionPart::Measure,
            line: 16,
            ..
        }
    ));
    // An annual filing has no previous quarter.
    let e = error(&criterion("rule = \"revenue > prev_period(revenue)\"\n"));
    let TierError::Formula {
        error: err, column, ..
    } = e
    else {
        panic!()
    };
    assert_eq!(
        err.kind,
        ExprErrorKind::PeriodUnavailable("prev_period".into())
    );
    assert_eq!(column, 19);
}

#[test]
fn definition_errors_are_located() {
    let define = |code: &str, formula: &str| {
        format!(
            "version = 1\n\n[[definitions]]\ncode = \"{code}\"\nzh = \"x\"\nen = \"x\"\nformula = \"{formula}\"\n{}",
            HEAD.replace("version = 1\n", "")
        )
    };
    assert!(TierSet::parse(&define("rd", "rd_expenditure_internal * 2"), form()).is_ok());
    assert_eq!(
        error(&define("revenue", "1")),
        TierError::DuplicateName {
            line: 4,
            column: 8,
            code: "revenue".into()
        }
    );
    let e = error(&define("rd", "rd_expenditure_internl"));
    assert!(
        matches!(
            &e,
            TierError::Formula {
                line: 7,
                column: 12,
                part: CriterionPart::Definition,
                ..
            }
        ),
        "{e:?}"
    );
    // A definition reads only those above it, never itself.
    let e = error(&define("rd", "rd + 1"));
    assert!(matches!(e, TierError::Formula { .. }), "{e:?}");
}

#[test]
fn a_definition_read_a_year_earlier_shifts_every_value_it_reads() {
    // rd_3y = rd_high_tech + prev_year(rd_high_tech) + prev_year2(rd_high_tech):
    // prev_year2 of a definition reading prev_year would need a fourth year.
    let source = format!(
        "version = 1\n\n[[definitions]]\ncode = \"growth\"\nzh = \"x\"\nen = \"x\"\nformula = \"revenue - prev_year(revenue)\"\n{}\n[[tiers.criteria]]\ncode = \"c\"\nzh = \"x\"\nen = \"x\"\nbasis = \"x\"\nrule = \"growth >= prev_year(growth)\"\n",
        HEAD.replace("version = 1\n", "")
    );
    let set = TierSet::parse(&source, form()).unwrap();
    let tier = &set.tiers[0];
    let (a, b, c) = (
        year(&[("revenue", 130.0)]),
        year(&[("revenue", 115.0)]),
        year(&[("revenue", 100.0)]),
    );
    // Growth 15 this year, 15 the year before: met.
    let f = facts(&a, Some(&b), Some(&c));
    assert!(matches!(
        set.check_tier(tier, &f).criteria[0].outcome,
        Outcome::Met(_)
    ));
    let a = year(&[("revenue", 129.0)]);
    let f = facts(&a, Some(&b), Some(&c));
    assert!(matches!(
        set.check_tier(tier, &f).criteria[0].outcome,
        Outcome::Missed(_)
    ));
    let f = facts(&a, Some(&b), None);
    assert_eq!(
        set.check_tier(tier, &f).criteria[0].outcome,
        Outcome::Undecidable(vec![Missing::Year { years_back: 2 }])
    );
}

#[test]
fn a_ladder_has_at_most_32_definitions() {
    let mut source = String::from("version = 1\n");
    for i in 0..33 {
        source.push_str(&format!(
            "\n[[definitions]]\ncode = \"d{i}\"\nzh = \"x\"\nen = \"x\"\nformula = \"revenue\"\n"
        ));
    }
    source.push_str(HEAD.trim_start_matches("version = 1\n"));
    // The 33rd definition's code: line 1 + 32 × 6 + 3.
    assert_eq!(
        error(&source),
        TierError::TooManyDefinitions {
            line: 196,
            column: 8
        }
    );
}
