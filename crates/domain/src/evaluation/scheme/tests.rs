//! Hand-worked cases: every expected number is worked in the comments, not read from the
//! code's output.

use super::*;
use crate::evaluation::normalise::Method;
use crate::evaluation::treatment::{DEFAULT_AVAILABILITY, Impute};

fn known_indicator(code: &str) -> bool {
    matches!(code, "rd" | "patents" | "output")
}

fn known_statistic(code: &str) -> bool {
    code == "gdp"
}

fn parse(source: &str) -> Result<Scheme, SchemeError> {
    Scheme::parse(source, &known_indicator, &known_statistic)
}

/// A small valid file; the line numbers are those of the comments in the tests below.
const BASE: &str = r#"code = "t"
version = 1
name_zh = "测试"
name_en = "Test"

[[dimensions]]
code = "a"
zh = "甲"
en = "A"
weight = 1

[[indicators]]
code = "x"
parent = "a"
zh = "乙"
en = "X"
weight = 1
indicator = "rd"
direction = "higher"
method = { method = "min_max" }

[[grades]]
code = "pass"
zh = "合格"
en = "Pass"
min = 60

[[grades]]
code = "fail"
zh = "不合格"
en = "Fail"
"#;

/// BASE with one line (1-based) replaced.
fn with_line(line: usize, text: &str) -> String {
    let mut lines: Vec<&str> = BASE.lines().collect();
    lines[line - 1] = text;
    lines.join("\n") + "\n"
}

fn location(e: &SchemeError) -> (usize, usize) {
    use SchemeError::*;
    match *e {
        Syntax { line, column, .. }
        | BadCode { line, column, .. }
        | BadVersion { line, column }
        | BaseYear { line, column, .. }
        | NoIndicators { line, column }
        | DuplicateCode { line, column, .. }
        | UnknownParent { line, column, .. }
        | IndicatorWithChildren { line, column, .. }
        | EmptyDimension { line, column, .. }
        | Cycle { line, column, .. }
        | NegativeWeight { line, column, .. }
        | ZeroWeights { line, column, .. }
        | NoSource { line, column, .. }
        | TwoSources { line, column, .. }
        | UnknownIndicator { line, column, .. }
        | UnknownStatistic { line, column, .. }
        | Method { line, column, .. }
        | MethodParameter { line, column, .. }
        | Treatment { line, column, .. }
        | BadPoints { line, column, .. }
        | NoGrades { line, column }
        | MixedBands { line, column, .. }
        | BandsNotOrdered { line, column, .. }
        | RestBand { line, column, .. }
        | BadShare { line, column, .. }
        | SharesOverHundred { line, column, .. }
        | UnknownGrade { line, column, .. }
        | BadConsecutive { line, column, .. } => (line, column),
    }
}

#[test]
fn the_base_file_parses() {
    let s = parse(BASE).unwrap();
    assert_eq!(s.nodes.len(), 2);
    assert_eq!(s.roots, vec![0]);
    assert_eq!(s.nodes[1].parent, Some(0));
    assert_eq!(
        s.nodes[1].indicator().unwrap().source,
        Source::Monitoring("rd".into())
    );
    assert_eq!(s.grades.bands.len(), 2);
    assert_eq!(s.grades.bands[0].rule, BandRule::Min(60.0));
    assert_eq!(s.grades.bands[1].rule, BandRule::Rest);
}

const TREE: &str = r#"code = "tree"
version = 3
name_zh = "三级"
name_en = "Three levels"

[[dimensions]]
code = "a"
zh = "A"
en = "A"
weight = 3

[[dimensions]]
code = "b"
zh = "B"
en = "B"
weight = 1
aggregation = "geometric"

[[dimensions]]
code = "a1"
parent = "a"
zh = "A1"
en = "A1"
weight = 2

[[dimensions]]
code = "a2"
parent = "a"
zh = "A2"
en = "A2"
weight = 2

[[indicators]]
code = "x1"
parent = "a1"
zh = "x1"
en = "x1"
weight = 1
indicator = "rd"
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "x2"
parent = "a1"
zh = "x2"
en = "x2"
weight = 3
entered = true
direction = "lower"
method = { method = "rank" }
denominator = "gdp"
imputation = "group_median"

[[indicators]]
code = "x3"
parent = "a2"
zh = "x3"
en = "x3"
weight = 5
indicator = "patents"
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "y1"
parent = "b"
zh = "y1"
en = "y1"
weight = 0
indicator = "output"
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "y2"
parent = "b"
zh = "y2"
en = "y2"
weight = 4.0
entered = true
direction = "higher"
method = { method = "min_max" }

[[grades]]
code = "pass"
zh = "合格"
en = "Pass"
min = 60

[[grades]]
code = "fail"
zh = "不合格"
en = "Fail"
"#;

#[test]
fn effective_weights_of_a_three_level_tree() {
    let s = parse(TREE).unwrap();
    // Parents before their subtrees, siblings as written.
    let order: Vec<&str> = s.nodes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(order, ["a", "a1", "x1", "x2", "a2", "x3", "b", "y1", "y2"]);
    let depth: Vec<usize> = s.nodes.iter().map(|n| n.depth).collect();
    assert_eq!(depth, [0, 1, 2, 2, 1, 2, 0, 1, 1]);
    assert_eq!(
        s.nodes[6].kind,
        NodeKind::Group {
            aggregation: Aggregation::Geometric
        }
    );
    assert_eq!(
        s.nodes[0].kind,
        NodeKind::Group {
            aggregation: Aggregation::Arithmetic
        }
    );
    let spec = s.nodes[3].indicator().unwrap();
    assert_eq!(spec.source, Source::Entered);
    assert_eq!(spec.direction, Direction::Lower);
    assert_eq!(spec.denominator.as_deref(), Some("gdp"));
    assert_eq!(spec.method, Method::Rank);
    assert_eq!(spec.imputation, Some(Impute::GroupMedian));
    assert_eq!(s.availability, DEFAULT_AVAILABILITY);
    assert_eq!(s.outliers, None);
    assert_eq!(
        s.nodes[2].indicator().unwrap().method,
        Method::MinMax {
            low: 0.0,
            high: 100.0
        }
    );

    let w = s.effective_weights();
    // a: 3 / (3 + 1) = 0.75; b: 1 / 4 = 0.25.
    // a1, a2: 2 / (2 + 2) = 0.5 of a each → 0.375.
    // x1: 1 / (1 + 3) = 0.25 of a1 → 0.375 × 0.25 = 0.09375; x2: 0.75 of a1 → 0.28125.
    // x3: alone under a2 → 0.375.
    // y1: weight 0 → 0; y2: 4 / (0 + 4) = 1 of b → 0.25.
    let expected = [0.75, 0.375, 0.09375, 0.28125, 0.375, 0.375, 0.25, 0.0, 0.25];
    for (got, want) in w.iter().zip(expected) {
        assert!((got - want).abs() < 1e-12, "{w:?}");
    }
    // The leaves: 0.09375 + 0.28125 + 0.375 + 0 + 0.25 = 1.
    let leaves: f64 = s.indicators().map(|(i, _)| w[i]).sum();
    assert!((leaves - 1.0).abs() < 1e-12);
}

#[test]
fn syntax_errors_are_located() {
    // Line 10 `weight = = 1`: the second `=` is the 10th character.
    let e = parse(&with_line(10, "weight = = 1")).unwrap_err();
    assert!(matches!(e, SchemeError::Syntax { .. }), "{e:?}");
    assert_eq!(location(&e), (10, 10));
    // A misspelt key on line 19 is refused (deny_unknown_fields), on line 19.
    let e = parse(&with_line(19, "directon = \"higher\"")).unwrap_err();
    assert!(matches!(e, SchemeError::Syntax { .. }), "{e:?}");
    assert_eq!(location(&e).0, 19);
}

#[test]
fn codes_are_checked_where_they_are() {
    // `code = "X"`: the value's opening quote is the 8th character of line 13.
    let e = parse(&with_line(13, "code = \"X\"")).unwrap_err();
    assert!(matches!(e, SchemeError::BadCode { ref code, .. } if code == "X"));
    assert_eq!(location(&e), (13, 8));
    // The indicator takes the dimension's code, first written on line 7.
    let e = parse(&with_line(13, "code = \"a\"")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::DuplicateCode {
            line: 13,
            column: 8,
            code: "a".into(),
            first_line: 7
        }
    );
    // version = 0: `version = ` is 10 characters, the value at column 11 of line 2.
    let e = parse(&with_line(2, "version = 0")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::BadVersion {
            line: 2,
            column: 11
        }
    );
}

#[test]
fn a_base_year_is_read_and_checked() {
    assert_eq!(parse(BASE).unwrap().base_year, None);
    let s = parse(&with_line(2, "version = 1\nbase_year = 2014")).unwrap();
    assert_eq!(s.base_year, Some(2014));
    // `base_year = ` is 12 characters: the value at column 13 of line 3.
    let e = parse(&with_line(2, "version = 1\nbase_year = 14")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::BaseYear {
            line: 3,
            column: 13,
            year: 14
        }
    );
}

#[test]
fn weights_that_do_not_make_a_tree() {
    // A parent that does not exist: `parent = "` puts the quote at column 10 of line 14.
    let e = parse(&with_line(14, "parent = \"b\"")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::UnknownParent {
            line: 14,
            column: 10,
            node: "x".into(),
            parent: "b".into()
        }
    );

    // An indicator with a child: the second indicator (line 33 onwards) is under x.
    let child = format!(
        "{BASE}\n[[indicators]]\ncode = \"z\"\nparent = \"x\"\nzh = \"z\"\nen = \"z\"\nweight = 1\n\
         entered = true\ndirection = \"higher\"\nmethod = {{ method = \"min_max\" }}\n"
    );
    // BASE has 31 lines; a blank line 32, [[indicators]] 33, code 34, parent 35.
    let e = parse(&child).unwrap_err();
    assert_eq!(
        e,
        SchemeError::IndicatorWithChildren {
            line: 35,
            column: 10,
            node: "z".into(),
            parent: "x".into()
        }
    );

    // A dimension with nothing under it: b on line 34.
    let empty =
        format!("{BASE}\n[[dimensions]]\ncode = \"b\"\nzh = \"b\"\nen = \"b\"\nweight = 1\n");
    let e = parse(&empty).unwrap_err();
    assert_eq!(
        e,
        SchemeError::EmptyDimension {
            line: 34,
            column: 8,
            code: "b".into()
        }
    );

    // a under b and b under a: a cycle, reported at a (line 7) which comes first.
    let cycle = with_line(10, "weight = 1\nparent = \"b\"")
        + "\n[[dimensions]]\ncode = \"b\"\nparent = \"a\"\nzh = \"b\"\nen = \"b\"\nweight = 1\n";
    let e = parse(&cycle).unwrap_err();
    assert_eq!(
        e,
        SchemeError::Cycle {
            line: 7,
            column: 8,
            code: "a".into()
        }
    );
    // c under a, a and b under each other: c leads into the cycle but is not in it; the
    // cycle is still reported at a. c comes first in the file, on line 7.
    let into = with_line(
        6,
        "[[dimensions]]\ncode = \"c\"\nparent = \"a\"\nzh = \"c\"\nen = \"c\"\nweight = 1\n\n[[dimensions]]",
    );
    let into = into.replacen(
        "weight = 1\n\n[[indicators]]",
        "weight = 1\nparent = \"b\"\n\n[[indicators]]",
        1,
    ) + "\n[[dimensions]]\ncode = \"b\"\nparent = \"a\"\nzh = \"b\"\nen = \"b\"\nweight = 1\n";
    // Lines 6-12 are c's entry and a blank line; a's [[dimensions]] is line 13, its code 14.
    let e = parse(&into).unwrap_err();
    assert_eq!(
        e,
        SchemeError::Cycle {
            line: 14,
            column: 8,
            code: "a".into()
        }
    );

    // A negative weight: `weight = ` is 9 characters, the value at column 10 of line 17.
    let e = parse(&with_line(17, "weight = -0.5")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::NegativeWeight {
            line: 17,
            column: 10,
            node: "x".into(),
            weight: -0.5
        }
    );

    // Every child of a weighing 0: no share can be taken; reported at a's code.
    let e = parse(&with_line(17, "weight = 0")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::ZeroWeights {
            line: 7,
            column: 8,
            group: Some("a".into())
        }
    );
}

#[test]
fn sources_and_methods_are_checked() {
    // No source: reported at the indicator's code, line 13 column 8.
    let e = parse(&with_line(18, "# no source")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::NoSource {
            line: 13,
            column: 8,
            indicator: "x".into()
        }
    );
    // Both sources: at `indicator = "rd"`, whose quote is column 13 of line 18.
    let e = parse(&with_line(21, "entered = true")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::TwoSources {
            line: 18,
            column: 13,
            indicator: "x".into()
        }
    );
    // A monitoring indicator the catalogue does not have.
    let e = parse(&with_line(18, "indicator = \"nope\"")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::UnknownIndicator {
            line: 18,
            column: 13,
            indicator: "x".into(),
            code: "nope".into()
        }
    );
    // A denominator that is not a statistic: `denominator = "` puts the quote at 15.
    let e = parse(&with_line(21, "denominator = \"land\"")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::UnknownStatistic {
            line: 21,
            column: 15,
            indicator: "x".into(),
            code: "land".into()
        }
    );
    // A method that is not a table: `method = ` is 9 characters, the value at column 10.
    let e = parse(&with_line(20, "method = \"min_max\"")).unwrap_err();
    assert!(matches!(e, SchemeError::Method { .. }), "{e:?}");
    assert_eq!(location(&e), (20, 10));
    // A parameter out of range (min-max with low above high), at the same place.
    let e = parse(&with_line(
        20,
        "method = { method = \"min_max\", low = 100, high = 0 }",
    ))
    .unwrap_err();
    assert!(
        matches!(e, SchemeError::MethodParameter { .. }),
        "the parameter's error travels typed, to be translated: {e:?}"
    );
    assert_eq!(location(&e), (20, 10));
    // A method that does not exist.
    let e = parse(&with_line(20, "method = { method = \"min_maxx\" }")).unwrap_err();
    assert!(matches!(e, SchemeError::Method { .. }), "{e:?}");
    assert_eq!(location(&e), (20, 10));
    // A goal with a target of 0.
    let e = parse(&with_line(
        20,
        "method = { method = \"goal_attainment\", target = 0 }",
    ))
    .unwrap_err();
    assert!(matches!(e, SchemeError::MethodParameter { .. }), "{e:?}");
}

#[test]
fn treatment_parameters_are_checked() {
    // Line 5 is blank in BASE. `availability = ` is 15 characters: the value at column 16.
    let e = parse(&with_line(5, "availability = 1.5")).unwrap_err();
    assert!(matches!(e, SchemeError::Treatment { .. }), "{e:?}");
    assert_eq!(location(&e), (5, 16));
    // `outliers = ` is 11 characters: the table at column 12; a negative threshold.
    let e = parse(&with_line(5, "outliers = { skew_threshold = -2 }")).unwrap_err();
    assert!(matches!(e, SchemeError::Treatment { .. }), "{e:?}");
    assert_eq!(location(&e), (5, 12));
    // Given, and the rest of the policy from COINr's defaults.
    let s = parse(&with_line(
        5,
        "availability = 0.5\noutliers = { winmax = 3 }",
    ))
    .unwrap();
    assert_eq!(s.availability, 0.5);
    let policy = s.outliers.unwrap();
    assert_eq!(policy.winmax, 3);
    assert_eq!(policy.skew_threshold, 2.0);
    // An imputation that does not exist is a syntax error on its line (21, in place of
    // the blank line after the method).
    let e = parse(&with_line(21, "imputation = \"mode\"")).unwrap_err();
    assert!(matches!(e, SchemeError::Syntax { .. }), "{e:?}");
    assert_eq!(location(&e).0, 21);
}

/// BASE's grades (lines 22-31) replaced by `grades`, which start on line 22.
fn with_grades(grades: &str) -> String {
    let head: Vec<&str> = BASE.lines().take(21).collect();
    head.join("\n") + "\n" + grades
}

#[test]
fn grade_bands_are_checked() {
    // 良好 ≥ 80 after 合格 ≥ 60: not ordered; `min = ` puts 80 at column 7 of line 31.
    let e = parse(&with_grades(
        "[[grades]]\ncode = \"pass\"\nzh = \"合格\"\nen = \"Pass\"\nmin = 60\n\
         [[grades]]\ncode = \"good\"\nzh = \"良好\"\nen = \"Good\"\nmin = 80\n\
         [[grades]]\ncode = \"fail\"\nzh = \"不合格\"\nen = \"Fail\"\n",
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SchemeError::BandsNotOrdered {
            line: 31,
            column: 7,
            band: "good".into()
        }
    );
    // Equal minima are not ordered either.
    let e = parse(&with_grades(
        "[[grades]]\ncode = \"pass\"\nzh = \"合格\"\nen = \"Pass\"\nmin = 60\n\
         [[grades]]\ncode = \"good\"\nzh = \"良好\"\nen = \"Good\"\nmin = 60\n\
         [[grades]]\ncode = \"fail\"\nzh = \"不合格\"\nen = \"Fail\"\n",
    ))
    .unwrap_err();
    assert!(matches!(e, SchemeError::BandsNotOrdered { .. }));
    // The last band by score has a minimum: what is below it has no grade. Line 31 col 7.
    let e = parse(&with_grades(
        "[[grades]]\ncode = \"pass\"\nzh = \"合格\"\nen = \"Pass\"\nmin = 60\n\
         [[grades]]\ncode = \"fail\"\nzh = \"不合格\"\nen = \"Fail\"\nmin = 0\n",
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SchemeError::RestBand {
            line: 31,
            column: 7,
            band: "fail".into()
        }
    );
    // By share: A 60 %, B the rest, D 50 % → 110 % at D's share (line 35, column 9).
    let shares = |d: &str| {
        with_grades(&format!(
            "[[grades]]\ncode = \"a\"\nzh = \"A\"\nen = \"A\"\nshare = 60\n\
             [[grades]]\ncode = \"b\"\nzh = \"B\"\nen = \"B\"\n\
             [[grades]]\ncode = \"d\"\nzh = \"D\"\nen = \"D\"\n{d}\n"
        ))
    };
    let e = parse(&shares("share = 50")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::SharesOverHundred {
            line: 35,
            column: 9,
            total: 110.0
        }
    );
    // 60 + 40 = 100 % is allowed (≤ 100 %).
    assert!(parse(&shares("share = 40")).is_ok());
    // A share of 0 is no share.
    let e = parse(&shares("share = 0")).unwrap_err();
    assert!(matches!(
        e,
        SchemeError::BadShare {
            line: 35,
            column: 9,
            ..
        }
    ));
    // A minimum among shares.
    let e = parse(&shares("min = 10")).unwrap_err();
    assert_eq!(
        e,
        SchemeError::MixedBands {
            line: 35,
            column: 7,
            band: "d".into()
        }
    );
    // No grades at all.
    let e = parse(&with_grades("")).unwrap_err();
    assert_eq!(e, SchemeError::NoGrades { line: 1, column: 1 });
}

#[test]
fn items_and_consequences_are_checked() {
    let extra = |text: &str| format!("{BASE}\n{text}");
    // A consequence naming a grade the scheme lacks: BASE is 31 lines, then a blank line;
    // [[consequences]] 33, code 34, zh 35, en 36, grade 37 with the quote at column 9.
    let e = parse(&extra(
        "[[consequences]]\ncode = \"revocation\"\nzh = \"撤销\"\nen = \"Revocation\"\n\
         grade = \"unqualified\"\nconsecutive = 2\n",
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SchemeError::UnknownGrade {
            line: 37,
            column: 9,
            code: "unqualified".into()
        }
    );
    // consecutive = 0: `consecutive = ` is 14 characters, the value at 15 of line 38.
    let e = parse(&extra(
        "[[consequences]]\ncode = \"revocation\"\nzh = \"撤销\"\nen = \"Revocation\"\n\
         grade = \"fail\"\nconsecutive = 0\n",
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SchemeError::BadConsecutive {
            line: 38,
            column: 15,
            code: "revocation".into()
        }
    );
    // Negative points: `points = ` is 9 characters; kind 35, zh 36, en 37, points 38.
    let e = parse(&extra(
        "[[adjustments]]\ncode = \"award\"\nkind = \"bonus\"\nzh = \"奖\"\nen = \"Award\"\n\
         points = -2\n",
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SchemeError::BadPoints {
            line: 38,
            column: 10,
            item: "award".into()
        }
    );
    // A veto with the code of a node.
    let e = parse(&extra(
        "[[vetoes]]\ncode = \"x\"\nzh = \"否\"\nen = \"Veto\"\n",
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SchemeError::DuplicateCode {
            line: 34,
            column: 8,
            code: "x".into(),
            first_line: 13
        }
    );
}

fn score_bands() -> Grades {
    let band = |code: &str, rule| Band {
        code: code.into(),
        zh: code.into(),
        en: code.into(),
        rule,
    };
    Grades {
        bands: vec![
            band("excellent", BandRule::Min(90.0)),
            band("good", BandRule::Min(80.0)),
            band("qualified", BandRule::Min(60.0)),
            band("unqualified", BandRule::Rest),
        ],
    }
}

#[test]
fn grades_at_the_band_edges() {
    let g = score_bands();
    // 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格: a score equal to a minimum is in its band.
    assert_eq!(grade(89.99, false, &g), Some(1));
    assert_eq!(grade(90.0, false, &g), Some(0));
    assert_eq!(grade(90.01, false, &g), Some(0));
    assert_eq!(grade(79.99, false, &g), Some(2));
    assert_eq!(grade(80.0, false, &g), Some(1));
    assert_eq!(grade(80.01, false, &g), Some(1));
    assert_eq!(grade(59.99, false, &g), Some(3));
    assert_eq!(grade(60.0, false, &g), Some(2));
    assert_eq!(grade(60.01, false, &g), Some(2));
    assert_eq!(grade(0.0, false, &g), Some(3));
    assert_eq!(grade(105.0, false, &g), Some(0));
    // 一票否决: a major safety accident makes 98 points 不合格.
    assert_eq!(grade(98.0, true, &g), Some(3));
}

fn share_bands() -> Grades {
    let band = |code: &str, rule| Band {
        code: code.into(),
        zh: code.into(),
        en: code.into(),
        rule,
    };
    Grades {
        bands: vec![
            band("a", BandRule::Share(20.0)),
            band("b", BandRule::Share(30.0)),
            band("c", BandRule::Rest),
            band("d", BandRule::Share(5.0)),
        ],
    }
}

#[test]
fn grades_by_share_of_ten_units() {
    let g = share_bands();
    // One score alone cannot be graded by share, except by a veto.
    assert_eq!(grade(95.0, false, &g), None);
    assert_eq!(grade(95.0, true, &g), Some(g.lowest()));
    let none = [false; 10];
    // 10 units: A takes round(20 % × 10) = 2 places, A and B together round(50 % × 10) = 5,
    // D round(5 % × 10) = round(0.5) = 1 place (half away from zero); C the other 4.
    let scores = [95.0, 90.0, 88.0, 85.0, 80.0, 75.0, 70.0, 65.0, 60.0, 50.0];
    assert_eq!(
        grades_by_share(&scores, &none, &g),
        [0, 0, 1, 1, 1, 2, 2, 2, 2, 3]
    );
    // Order does not matter.
    let shuffled = [60.0, 95.0, 50.0, 80.0, 88.0, 75.0, 90.0, 65.0, 85.0, 70.0];
    assert_eq!(
        grades_by_share(&shuffled, &none, &g),
        [2, 0, 3, 1, 1, 2, 0, 2, 1, 2]
    );
    // Ties: the two 90s are both second from the top (one unit scores more), so both are
    // A and A holds 3; 88 is 4th (three score more), within B's 5. The two 50s are both
    // first from the bottom, both D.
    let tied = [95.0, 90.0, 90.0, 88.0, 80.0, 75.0, 70.0, 65.0, 50.0, 50.0];
    assert_eq!(
        grades_by_share(&tied, &none, &g),
        [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]
    );
    // The best unit is vetoed: it is D, and the shares are of the other 9: A round(1.8) =
    // 2 (90, 88), A+B round(4.5) = 5 (85, 80, 75), D round(0.45) = 0, C the other 4.
    let mut vetoed = [false; 10];
    vetoed[0] = true;
    assert_eq!(
        grades_by_share(&scores, &vetoed, &g),
        [3, 0, 0, 1, 1, 1, 2, 2, 2, 2]
    );
}

#[test]
fn rounding_of_places() {
    // share × n / 100, half away from zero.
    assert_eq!(places(5.0, 10), 1); // 0.5
    assert_eq!(places(5.0, 9), 0); // 0.45
    assert_eq!(places(20.0, 12), 2); // 2.4
    assert_eq!(places(20.0, 13), 3); // 2.6
    assert_eq!(places(100.0, 7), 7);
}

#[test]
fn bonus_and_penalty_caps() {
    let item = |code: &str, kind, points, fixed, cap| Adjustment {
        code: code.into(),
        zh: code.into(),
        en: code.into(),
        kind,
        points,
        fixed,
        cap,
    };
    let items = [
        item("award", AdjustmentKind::Bonus, 2.0, false, Some(5.0)),
        item("green_park", AdjustmentKind::Bonus, 3.0, true, None),
        item("violation", AdjustmentKind::Penalty, 1.0, false, Some(3.0)),
    ];
    // award ×4 = 8, capped at 5; green_park twice, fixed: 3; bonuses 5 + 3 = 8, capped at
    // the total 6. violation ×5 = 5, capped at 3. 85 + 6 − 3 = 88.
    let a = adjust(85.0, &items, &[4, 2, 5], Some(6.0), Some(10.0));
    assert_eq!(
        a,
        Adjusted {
            bonus: 6.0,
            penalty: 3.0,
            score: 88.0
        }
    );
    // Under the caps: award ×1 = 2, violation ×2 = 2: 70 + 2 − 2 = 70.
    let a = adjust(70.0, &items, &[1, 0, 2], Some(6.0), None);
    assert_eq!(
        a,
        Adjusted {
            bonus: 2.0,
            penalty: 2.0,
            score: 70.0
        }
    );
    // A penalty larger than the score: 2 − 3 would be −1, the score stays at 0.
    let a = adjust(2.0, &items, &[0, 0, 9], None, None);
    assert_eq!(a.score, 0.0);
    assert_eq!(a.penalty, 3.0);
}

fn rules() -> Vec<ConsequenceRule> {
    let rule = |code: &str, grade: &str, consecutive| ConsequenceRule {
        code: code.into(),
        zh: code.into(),
        en: code.into(),
        grade: grade.into(),
        consecutive,
    };
    vec![
        rule("reward", "excellent", 1),
        rule("criticism", "unqualified", 1),
        rule("revocation", "unqualified", 2),
    ]
}

#[test]
fn consequences_over_four_years() {
    let flag = |year, rule: &str| Flag {
        year,
        rule: rule.into(),
    };
    // 2017 优秀 → reward; 2018 不合格 → criticism; 2019 不合格 again → criticism and, two
    // years running, revocation; 2020 合格 → nothing.
    let history = [
        (2019, "unqualified"),
        (2017, "excellent"),
        (2020, "qualified"),
        (2018, "unqualified"),
    ];
    assert_eq!(
        consequences(&history, &rules()),
        [
            flag(2017, "reward"),
            flag(2018, "criticism"),
            flag(2019, "criticism"),
            flag(2019, "revocation"),
        ]
    );
    // Not evaluated in 2018: 2017 and 2019 are not consecutive years, no revocation.
    let gap = [
        (2016, "qualified"),
        (2017, "unqualified"),
        (2019, "unqualified"),
        (2020, "good"),
    ];
    assert_eq!(
        consequences(&gap, &rules()),
        [flag(2017, "criticism"), flag(2019, "criticism")]
    );
}

#[test]
fn a_veto_and_consequences_from_a_parsed_scheme() {
    let source = format!(
        "{BASE}\n[[vetoes]]\ncode = \"major_safety_accident\"\nzh = \"重大安全事故\"\nen = \"Accident\"\n\
         \n[[consequences]]\ncode = \"revocation\"\nzh = \"撤销\"\nen = \"Revocation\"\n\
         grade = \"fail\"\nconsecutive = 2\n"
    );
    let s = parse(&source).unwrap();
    assert_eq!(s.vetoes[0].code, "major_safety_accident");
    // 75 ≥ 60 is pass (band 0), but the veto makes it fail (band 1).
    assert_eq!(grade(75.0, false, &s.grades), Some(0));
    assert_eq!(grade(75.0, true, &s.grades), Some(1));
    let history = [(2019, "fail"), (2020, "fail")];
    assert_eq!(
        consequences(&history, &s.consequences),
        [Flag {
            year: 2020,
            rule: "revocation".into()
        }]
    );
}
