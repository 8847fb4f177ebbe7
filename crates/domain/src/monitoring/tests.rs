//! Worked by hand: a zone with one district of two parks and four enterprises.

use crate::expr::ExprErrorKind;
use crate::registry::{EnterpriseId, IndustryCode, SizeClass, Tier};
use crate::reporting::{Form, Period};

use super::*;

const FORM: &str = r#"
code = "mini"
version = 1
name_zh = "小表"
name_en = "Mini form"
period = "annual"

[[fields]]
code = "revenue"
zh = "营业收入"
en = "Revenue"
unit = "thousand_yuan"
type = "decimal"

[[fields]]
code = "rd"
zh = "研发经费"
en = "R&D"
unit = "thousand_yuan"
type = "decimal"

[[fields]]
code = "employees"
zh = "从业人员"
en = "Employees"
unit = "persons"
type = "integer"

[[fields]]
code = "output"
zh = "工业总产值"
en = "Output"
unit = "ten_thousand_yuan"
type = "decimal"
"#;

const CATALOGUE: &str = r#"
version = 1

[[statistics]]
code = "gdp"
zh = "地区生产总值"
en = "GDP"
unit = "hundred_million_yuan"

[[statistics]]
code = "population"
zh = "人口"
en = "Population"
unit = "ten_thousand_persons"
additive = true

[[indicators]]
code = "rd_intensity"
zh = "研发强度"
en = "R&D intensity"
unit = "percent"
direction = "higher"
form = "mini"
formula = "sum(rd) / sum(revenue)"

[[indicators]]
code = "rd_over_gdp"
zh = "研发占GDP"
en = "R&D over GDP"
unit = "percent"
direction = "higher"
form = "mini"
formula = "sum(rd) / gdp"

[[indicators]]
code = "enterprises"
zh = "企业数"
en = "Enterprises"
unit = "enterprises"
decimals = 0
direction = "higher"
form = "mini"
formula = "count()"

[[indicators]]
code = "high_tech_share"
zh = "高企占比"
en = "High-tech share"
unit = "percent"
direction = "higher"
form = "mini"
formula = "count(high_tech) / enterprises"

[[indicators]]
code = "staff_per_10k"
zh = "万人从业人员"
en = "Staff per 10k"
unit = "persons_per_10k"
direction = "higher"
form = "mini"
formula = "sum(employees) / population"

[[indicators]]
code = "revenue_growth"
zh = "营收增速"
en = "Revenue growth"
unit = "percent"
direction = "higher"
form = "mini"
formula = "growth(sum(revenue))"

[[indicators]]
code = "above_scale_revenue"
zh = "规上营收"
en = "Above-scale revenue"
unit = "ten_thousand_yuan"
direction = "higher"
form = "mini"
formula = "sum(revenue, above_scale and industry_division >= 13)"

[[indicators]]
code = "mixed_units"
zh = "千元加万元"
en = "Thousand plus ten thousand yuan"
unit = "yuan"
direction = "higher"
form = "mini"
formula = "sum(revenue) + sum(output)"
"#;

fn form() -> Form {
    Form::parse(FORM).unwrap()
}

fn catalogue() -> Catalogue {
    Catalogue::parse(CATALOGUE, &[form()]).unwrap()
}

// Positions: 0 zone, 1 district, 2 park P1, 3 park P2.
fn layout() -> PeriodLayout {
    PeriodLayout::from_parents(vec![None, Some(0), Some(1), Some(1)])
}

fn index() -> UnitIndex {
    UnitIndex::new((1..=4).map(crate::registry::UnitId))
}

struct Firm {
    park: u32,
    industry: &'static str,
    above: bool,
    high_tech: bool,
    values: Option<[Option<f64>; 4]>,
}

fn table(period: Period, firms: &[Firm]) -> FactTable {
    let mut t = FactTable::new(0, period, 4, firms.len());
    for (i, f) in firms.iter().enumerate() {
        let industry = IndustryCode::parse(f.industry).unwrap();
        let tiers: Vec<Tier> = if f.high_tech {
            vec![Tier::HighTech]
        } else {
            vec![]
        };
        let size = if f.above {
            SizeClass::AboveScale
        } else {
            SizeClass::BelowScale
        };
        let attributes = AttributeSet::of_enterprise(size, true, &industry, &tiers, None);
        let filing = FilingRef {
            filing_id: i as i64 + 1,
            revision: 1,
            approved: true,
        };
        t.push(
            EnterpriseId(i as i64 + 1),
            f.park,
            attributes,
            industry.as_str().parse().unwrap(),
            f.values.as_ref().map(|v| (&v[..], filing)),
        );
    }
    t
}

fn firms_2025() -> Vec<Firm> {
    vec![
        // P1: a high-tech pharmaceutical firm and a steel works.
        Firm {
            park: 2,
            industry: "2710",
            above: true,
            high_tech: true,
            values: Some([Some(1000.0), Some(50.0), Some(10.0), Some(90.0)]),
        },
        Firm {
            park: 2,
            industry: "3110",
            above: true,
            high_tech: false,
            values: Some([Some(3000.0), Some(30.0), Some(40.0), None]),
        },
        // P2: a small software firm, and one that did not file.
        Firm {
            park: 3,
            industry: "6510",
            above: false,
            high_tech: false,
            values: Some([Some(2000.0), Some(0.0), Some(20.0), None]),
        },
        Firm {
            park: 3,
            industry: "6510",
            above: false,
            high_tech: false,
            values: None,
        },
    ]
}

fn firms_2024() -> Vec<Firm> {
    let mut firms = firms_2025();
    // A year before: P1's revenue was 3,200 in all, P2's 1,600.
    firms[0].values = Some([Some(800.0), Some(40.0), Some(9.0), None]);
    firms[1].values = Some([Some(2400.0), Some(20.0), Some(38.0), None]);
    firms[2].values = Some([Some(1600.0), Some(0.0), Some(15.0), None]);
    firms
}

fn computed() -> (Catalogue, Computation) {
    let catalogue = catalogue();
    let (gdp, _) = catalogue.statistic("gdp").unwrap();
    let (population, _) = catalogue.statistic("population").unwrap();
    let data = vec![
        PeriodData {
            period: Period::Year(2025),
            layout: layout(),
            tables: vec![table(Period::Year(2025), &firms_2025())],
            // GDP 0.5 亿元 for the zone only; population 2 and 3 万人 for the parks.
            statistics: vec![(gdp, 0, 0.5), (population, 2, 2.0), (population, 3, 3.0)],
        },
        PeriodData {
            period: Period::Year(2024),
            layout: layout(),
            tables: vec![table(Period::Year(2024), &firms_2024())],
            statistics: vec![],
        },
    ];
    let data: Vec<_> = data.into_iter().map(std::sync::Arc::new).collect();
    let computation = compute(&catalogue, &index(), &data);
    (catalogue, computation)
}

fn value(catalogue: &Catalogue, c: &Computation, code: &str, unit: u32) -> Value {
    let (i, _) = catalogue.indicator(code).unwrap();
    c.value(Period::Year(2025), i, unit).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn a_zone_ratio_is_the_ratio_of_its_sums_not_a_mean_of_ratios() {
    let (catalogue, c) = computed();
    let v = |u| value(&catalogue, &c, "rd_intensity", u).unwrap();
    // P1: (50 + 30) / (1000 + 3000) = 2 %; P2: 0 / 2000 = 0 %.
    assert!(close(v(2), 2.0));
    assert!(close(v(3), 0.0));
    // Zone: 80 / 6000 = 1.333… %, not the parks' mean of 1 %.
    assert!(close(v(0), 80.0 / 6000.0 * 100.0));
    assert!(close(v(1), v(0)));
}

#[test]
fn money_in_different_units_is_converted_before_dividing() {
    let (catalogue, c) = computed();
    // 80 千元 = 80,000 元 over 0.5 亿元 = 50,000,000 元: 0.16 %.
    let v = value(&catalogue, &c, "rd_over_gdp", 0).unwrap();
    assert!(close(v, 0.16), "{v}");
    // 6,000 千元 + 90 万元 = 6,000,000 + 900,000 元.
    let v = value(&catalogue, &c, "mixed_units", 0).unwrap();
    assert!(close(v, 6_900_000.0), "{v}");
}

#[test]
fn a_statistic_missing_for_a_unit_makes_its_value_unavailable_with_the_reason() {
    let (catalogue, c) = computed();
    let (gdp, _) = catalogue.statistic("gdp").unwrap();
    assert_eq!(
        value(&catalogue, &c, "rd_over_gdp", 2),
        Err(Unavailable::MissingStatistic {
            statistic: gdp,
            period: Period::Year(2025)
        })
    );
}

#[test]
fn additive_statistics_sum_up_where_a_unit_has_none_of_its_own() {
    let (catalogue, c) = computed();
    // Staff per 10k persons: P1 50 / 20,000; the zone (80 staff... 10+40+20 = 70) over
    // the parks' 2 + 3 = 5 万人 = 50,000 persons.
    let v = |u| value(&catalogue, &c, "staff_per_10k", u).unwrap();
    assert!(close(v(2), 50.0 / 20_000.0 * 10_000.0));
    assert!(close(v(0), 70.0 / 50_000.0 * 10_000.0));
}

#[test]
fn counts_include_enterprises_that_did_not_file_and_filters_read_attributes() {
    let (catalogue, c) = computed();
    let count = |u| value(&catalogue, &c, "enterprises", u).unwrap();
    assert_eq!((count(0), count(2), count(3)), (4.0, 2.0, 2.0));
    // One high-tech enterprise of four in the zone, through the indicator it names.
    assert!(close(
        value(&catalogue, &c, "high_tech_share", 0).unwrap(),
        25.0
    ));
    assert!(close(
        value(&catalogue, &c, "high_tech_share", 3).unwrap(),
        0.0
    ));
    // Above scale in divisions 13 and up: both P1 firms: 4,000 千元 = 400 万元.
    assert!(close(
        value(&catalogue, &c, "above_scale_revenue", 0).unwrap(),
        400.0
    ));
    // In P2 nobody qualifies, but revenue was reported: a true 0, not unavailable.
    assert_eq!(value(&catalogue, &c, "above_scale_revenue", 3), Ok(0.0));
}

#[test]
fn growth_compares_with_the_same_unit_a_year_before() {
    let (catalogue, c) = computed();
    // Zone: 6000 / 4800 − 1 = 25 %; P2: 2000 / 1600 − 1 = 25 %; P1: 4000 / 3200 − 1 = 25 %.
    let v = |u| value(&catalogue, &c, "revenue_growth", u).unwrap();
    assert!(close(v(0), 25.0));
    assert!(close(v(2), 25.0));
    // 2024 has no 2023 to look back to.
    let (i, _) = catalogue.indicator("revenue_growth").unwrap();
    assert_eq!(
        c.value(Period::Year(2024), i, 0).unwrap(),
        Err(Unavailable::NoPeriod {
            period: Period::Year(2023)
        })
    );
    assert_eq!(
        catalogue.periods_needed(Period::Year(2025)),
        [Period::Year(2024), Period::Year(2025)]
            .into_iter()
            .collect()
    );
}

#[test]
fn division_by_zero_is_unavailable_not_nan() {
    let catalogue = catalogue();
    let data = vec![PeriodData {
        period: Period::Year(2025),
        layout: layout(),
        // P2's only enterprise reports revenue 0.
        tables: vec![table(
            Period::Year(2025),
            &[Firm {
                park: 3,
                industry: "6510",
                above: false,
                high_tech: false,
                values: Some([Some(0.0), Some(0.0), Some(1.0), None]),
            }],
        )],
        statistics: vec![],
    }];
    let data: Vec<_> = data.into_iter().map(std::sync::Arc::new).collect();
    let c = compute(&catalogue, &index(), &data);
    assert_eq!(
        value(&catalogue, &c, "rd_intensity", 3),
        Err(Unavailable::DivisionByZero)
    );
    // P1 has no enterprise at all: nothing reported.
    assert!(matches!(
        value(&catalogue, &c, "rd_intensity", 2),
        Err(Unavailable::NoData { .. })
    ));
}

#[test]
fn drill_down_lists_the_enterprises_behind_a_number() {
    let (catalogue, c) = computed();
    let (i, _) = catalogue.indicator("rd_intensity").unwrap();
    let (table, terms, rows) = c
        .contributions(&catalogue, Period::Year(2025), i, 2)
        .unwrap();
    assert_eq!(terms.len(), 2);
    let enterprises: Vec<i64> = rows.iter().map(|r| table.enterprises[r.row].0).collect();
    assert_eq!(enterprises, vec![1, 2]);
    // The first enterprise's R&D, 50 千元, in 元.
    let rd = terms
        .iter()
        .position(|t| catalogue.terms[*t].text == "sum(rd)")
        .unwrap();
    assert_eq!(rows[0].terms[rd], Some(50_000.0));
    assert_eq!(table.filings[rows[0].row].unwrap().filing_id, 1);
}

#[test]
fn break_down_by_group_computes_each_group_from_its_own_sums() {
    let (catalogue, c) = computed();
    let (i, _) = catalogue.indicator("rd_intensity").unwrap();
    // Group 0: industrial (2710, 3110); group 1: the rest.
    let groups = c.breakdown(&catalogue, Period::Year(2025), i, 0, 2, &|t, r| {
        Some(usize::from(t.industry[r] / 100 >= 40))
    });
    assert!(close(groups[0].unwrap(), 80.0 / 4000.0 * 100.0));
    assert!(close(groups[1].unwrap(), 0.0));
    let (j, _) = catalogue.indicator("rd_over_gdp").unwrap();
    let groups = c.breakdown(&catalogue, Period::Year(2025), j, 0, 1, &|_, _| Some(0));
    assert!(matches!(groups[0], Err(Unavailable::NotByGroup { .. })));
}

fn catalogue_error(formula: &str, unit: &str) -> (ExprErrorKind, String) {
    let source = format!(
        "version = 1\n[[statistics]]\ncode = \"gdp\"\nzh = \"g\"\nen = \"g\"\nunit = \"hundred_million_yuan\"\n\
         [[indicators]]\ncode = \"x\"\nzh = \"x\"\nen = \"x\"\nunit = \"{unit}\"\ndirection = \"higher\"\n\
         form = \"mini\"\nformula = \"{formula}\"\n"
    );
    match Catalogue::parse(&source, &[form()]) {
        Err(CatalogueError::Formula { error, formula, .. }) => {
            (error.kind.clone(), error.span.text(&formula).to_string())
        }
        other => panic!("expected a formula error, got {other:?}"),
    }
}

#[test]
fn formula_errors_are_located_when_the_catalogue_is_saved() {
    let (kind, at) = catalogue_error("sum(revenue) + sum(employees)", "yuan");
    assert!(
        matches!(kind, ExprErrorKind::DimensionMismatch { .. }),
        "{kind:?}"
    );
    assert_eq!(at, "sum(revenue) + sum(employees)");

    let (kind, at) = catalogue_error("sum(revenue) / sum(employees)", "percent");
    assert!(
        matches!(kind, ExprErrorKind::UnitMismatch { .. }),
        "{kind:?}"
    );
    assert_eq!(at, "sum(revenue) / sum(employees)");

    let (kind, at) = catalogue_error("sum(revenu)", "yuan");
    assert_eq!(
        kind,
        ExprErrorKind::UnknownField {
            name: "revenu".into(),
            suggestion: Some("revenue".into())
        }
    );
    assert_eq!(at, "revenu");

    let (kind, at) = catalogue_error("revenue / gdp", "percent");
    assert_eq!(kind, ExprErrorKind::FieldOutsideAggregate("revenue".into()));
    assert_eq!(at, "revenue");

    let (kind, at) = catalogue_error("sum(revenue, count() > 1)", "yuan");
    assert_eq!(kind, ExprErrorKind::NestedAggregate("count".into()));
    assert_eq!(at, "count");

    let (kind, at) = catalogue_error("sum(revenue) / 0", "yuan");
    assert_eq!(kind, ExprErrorKind::DivisionByZero);
    assert_eq!(at, "0");

    let (kind, _) = catalogue_error("sum(revenue) +", "yuan");
    assert_eq!(kind, ExprErrorKind::UnexpectedEnd);

    let (kind, at) = catalogue_error("prev_period(sum(revenue))", "yuan");
    assert_eq!(kind, ExprErrorKind::PeriodUnavailable("prev_period".into()));
    assert_eq!(at, "prev_period");

    // 千元 and 万元 added row by row inside one sum: convert first.
    let (kind, _) = catalogue_error("sum(revenue + output)", "yuan");
    assert!(
        matches!(kind, ExprErrorKind::ScaleMismatch { .. }),
        "{kind:?}"
    );
}

#[test]
fn a_cycle_between_indicators_is_refused_where_it_closes() {
    let source = r#"
version = 1
[[indicators]]
code = "a"
zh = "a"
en = "a"
unit = "number"
direction = "higher"
formula = "b + 1"
[[indicators]]
code = "b"
zh = "b"
en = "b"
unit = "number"
direction = "higher"
formula = "a * 2"
"#;
    match Catalogue::parse(source, &[]) {
        Err(CatalogueError::Formula {
            indicator, error, ..
        }) => {
            assert_eq!(indicator, "b");
            assert_eq!(
                error.kind,
                ExprErrorKind::Cycle(vec!["a".into(), "b".into(), "a".into()])
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn catalogue_entries_are_checked() {
    let with = |extra: &str| format!("version = 1\n{extra}");
    assert!(matches!(
        Catalogue::parse(
            &with(
                "[[indicators]]\ncode = \"x\"\nzh = \"x\"\nen = \"x\"\nunit = \"metres\"\ndirection = \"higher\"\nformula = \"1\"\n"
            ),
            &[]
        ),
        Err(CatalogueError::UnknownUnit { .. })
    ));
    assert!(matches!(
        Catalogue::parse(
            &with(
                "[[indicators]]\ncode = \"x\"\nzh = \"x\"\nen = \"x\"\nunit = \"number\"\ndirection = \"higher\"\nform = \"nope\"\nformula = \"count()\"\n"
            ),
            &[]
        ),
        Err(CatalogueError::UnknownForm { .. })
    ));
    match Catalogue::parse("version = 1\n[[indicators]]\ncode = 5\n", &[]) {
        Err(CatalogueError::Syntax { line, .. }) => assert_eq!(line, 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_linear_path_and_a_growth_path_between_baseline_and_target() {
    // 专栏1: R&D over GDP 2.3 % in 2014, 2.9 % in 2020; linearly 2.6 % in 2017.
    let target = Target {
        unit: "LB".into(),
        indicator: "rd_intensity".into(),
        baseline: TargetPoint {
            year: 2014,
            value: 2.3,
        },
        points: vec![TargetPoint {
            year: 2020,
            value: 2.9,
        }],
        path: Path::Linear,
        thresholds: Thresholds::default(),
        source: None,
    };
    assert!(close(target.path_value(2017).unwrap(), 2.6));
    assert_eq!(target.path_value(2013), None);
    assert!(close(target.path_value(2023).unwrap(), 2.9));
    // 2.6 exactly on the path; 2.56 is 1.5 % short (on track); 2.5 is 3.8 % short
    // (behind); 2.3 is 11.5 % short (seriously behind).
    let status = |v| target.compare(2017, v, Direction::Higher).unwrap().status;
    assert_eq!(status(2.6), TargetStatus::OnTrack);
    assert_eq!(status(2.56), TargetStatus::OnTrack);
    assert_eq!(status(2.5), TargetStatus::Behind);
    assert_eq!(status(2.3), TargetStatus::SeriouslyBehind);

    // Technology contracts 24 → 60 亿元 at a constant rate: 24 × 2.5^(3/6) in 2017.
    let growth = Target {
        path: Path::Growth,
        baseline: TargetPoint {
            year: 2014,
            value: 24.0,
        },
        points: vec![TargetPoint {
            year: 2020,
            value: 60.0,
        }],
        ..target.clone()
    };
    assert!(close(
        growth.path_value(2017).unwrap(),
        24.0 * 2.5f64.sqrt()
    ));
}

#[test]
fn lower_is_better_is_behind_when_above_the_path() {
    // Energy per 万元 GDP: 2.17 → 1.7 t; the 2020 path value is 1.7.
    let target = Target {
        unit: "LB".into(),
        indicator: "energy".into(),
        baseline: TargetPoint {
            year: 2014,
            value: 2.17,
        },
        points: vec![TargetPoint {
            year: 2020,
            value: 1.7,
        }],
        path: Path::Linear,
        thresholds: Thresholds::default(),
        source: None,
    };
    let status = |v| target.compare(2020, v, Direction::Lower).unwrap().status;
    assert_eq!(status(1.6), TargetStatus::OnTrack);
    // 1.8 is 5.9 % above 1.7: behind; 1.9 is 11.8 % above: seriously behind.
    assert_eq!(status(1.8), TargetStatus::Behind);
    assert_eq!(status(1.9), TargetStatus::SeriouslyBehind);
}

#[test]
fn a_staged_target_follows_each_stage() {
    // GDP 552.4 (2014) → 652.4 (2015) → 852.4 (2017) → 1377 (2020).
    let target = Target {
        unit: "LB".into(),
        indicator: "gdp".into(),
        baseline: TargetPoint {
            year: 2014,
            value: 552.4,
        },
        points: vec![
            TargetPoint {
                year: 2015,
                value: 652.4,
            },
            TargetPoint {
                year: 2017,
                value: 852.4,
            },
            TargetPoint {
                year: 2020,
                value: 1377.0,
            },
        ],
        path: Path::Linear,
        thresholds: Thresholds::default(),
        source: None,
    };
    assert!(close(target.path_value(2016).unwrap(), 752.4));
    assert!(close(target.path_value(2018).unwrap(), 852.4 + 524.6 / 3.0));
}

#[test]
fn target_files_are_checked_against_the_catalogue_and_units() {
    let catalogue = catalogue();
    let units = |u: &str| u == "LB";
    let entry = |unit: &str, indicator: &str, points: &str| {
        format!(
            "[[targets]]\nunit = \"{unit}\"\nindicator = \"{indicator}\"\nbaseline = {{ year = 2014, value = 1.0 }}\npoints = {points}\n"
        )
    };
    let ok = entry("LB", "rd_intensity", "[{ year = 2020, value = 2.0 }]");
    assert_eq!(
        TargetSet::parse(&ok, &catalogue, &units)
            .unwrap()
            .targets
            .len(),
        1
    );
    assert!(matches!(
        TargetSet::parse(
            &entry("XX", "rd_intensity", "[{ year = 2020, value = 2.0 }]"),
            &catalogue,
            &units
        ),
        Err(TargetError::UnknownUnit { entry: 1, .. })
    ));
    assert!(matches!(
        TargetSet::parse(
            &entry("LB", "nope", "[{ year = 2020, value = 2.0 }]"),
            &catalogue,
            &units
        ),
        Err(TargetError::UnknownIndicator { entry: 1, .. })
    ));
    assert!(matches!(
        TargetSet::parse(
            &entry("LB", "rd_intensity", "[{ year = 2010, value = 2.0 }]"),
            &catalogue,
            &units
        ),
        Err(TargetError::YearsOutOfOrder {
            entry: 1,
            year: 2010
        })
    ));
    assert!(matches!(
        TargetSet::parse(&entry("LB", "rd_intensity", "[]"), &catalogue, &units),
        Err(TargetError::NoPoints { entry: 1 })
    ));
    assert!(matches!(
        TargetSet::parse(&format!("{ok}{ok}"), &catalogue, &units),
        Err(TargetError::Duplicate { entry: 2, .. })
    ));
}
