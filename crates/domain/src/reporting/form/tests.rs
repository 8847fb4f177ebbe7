use super::*;
use crate::expr::ExprErrorKind;
use crate::reporting::validation::{Context, Explanations, Problem};
use crate::reporting::values::{EntryProblem, FilingValues, parse_entry};

const SMALL: &str = r#"
code = "small"
version = 2
name_zh = "小表"
name_en = "Small form"
period = "quarterly"
year_to_date = true
deadline_days = 15

[[groups]]
code = "staff"
zh = "人员"
en = "Staff"

[[fields]]
code = "employees"
zh = "从业人员"
en = "Employees"
group = "staff"
unit = "persons"
type = "integer"
required = true

[[fields]]
code = "rd_staff"
zh = "研发人员"
en = "R&D staff"
group = "staff"
unit = "persons"
type = "integer"
part_of = "employees"

[[fields]]
code = "revenue_ytd"
zh = "营业收入"
en = "Revenue"
unit = "thousand_yuan"
type = "decimal"

[[fields]]
code = "rd_ytd"
zh = "研发经费"
en = "R&D"
unit = "thousand_yuan"
type = "decimal"

[[rules]]
code = "S01"
severity = "error"
check = "rd_staff <= employees"
zh = "研发人员不应超过从业人员"
en = "R&D staff exceed employees"

[[rules]]
code = "S02"
severity = "warning"
when = "rd_ytd > 0"
check = "rd_staff > 0"
fields = ["rd_staff"]
zh = "有研发经费但无研发人员"
en = "R&D spending with no R&D staff"

[[rules]]
code = "S03"
severity = "warning"
check = "revenue_ytd >= prev_period(revenue_ytd)"
zh = "累计营业收入低于上季度"
en = "Year-to-date revenue below last quarter's"
"#;

fn small() -> Form {
    Form::parse(SMALL).unwrap()
}

fn values(v: [Option<f64>; 4]) -> FilingValues {
    FilingValues(v.to_vec())
}

#[test]
fn reads_a_definition() {
    let form = small();
    assert_eq!(form.code, "small");
    assert_eq!(form.version, 2);
    assert_eq!(form.period_type, PeriodType::Quarterly);
    assert_eq!(form.fields.len(), 4);
    assert_eq!(form.fields[1].part_of, Some(0));
    assert_eq!(form.fields_with_depth()[1].2, 1);
    // Shown beside the fields the check reads, unless the rule says otherwise.
    assert_eq!(form.rules[0].fields, vec![1, 0]);
    assert_eq!(form.rules[1].fields, vec![1]);
    assert_eq!(
        form.deadline(crate::reporting::Period::Quarter(2026, 1)),
        time::macros::date!(2026 - 04 - 15)
    );
}

#[test]
fn errors_block_and_warnings_need_an_explanation() {
    let form = small();
    let ok = form.assess(
        &values([Some(100.0), Some(10.0), Some(50.0), Some(5.0)]),
        Context::default(),
    );
    assert!(ok.findings.is_empty());

    let too_many = form.assess(
        &values([Some(10.0), Some(11.0), None, None]),
        Context::default(),
    );
    assert_eq!(too_many.findings.len(), 1);
    assert_eq!(too_many.findings[0].problem, Problem::Rule(0));
    assert!(!too_many.may_submit(&form, &Explanations::new()));

    let missing = form.assess(&values([None, Some(1.0), None, None]), Context::default());
    assert_eq!(missing.findings[0].problem, Problem::Required);
    assert_eq!(missing.findings[0].fields, vec![0]);

    let unexplained = form.assess(
        &values([Some(10.0), Some(0.0), None, Some(3.0)]),
        Context::default(),
    );
    assert_eq!(
        unexplained.unexplained(&form, &Explanations::new()),
        vec!["S02"]
    );
    assert!(!unexplained.may_submit(&form, &Explanations::new()));
    let blank: Explanations = [("S02".to_string(), "  ".to_string())].into();
    assert!(!unexplained.may_submit(&form, &blank));
    let explained: Explanations = [("S02".to_string(), "研发由母公司人员承担".to_string())].into();
    assert!(unexplained.may_submit(&form, &explained));
}

#[test]
fn year_to_date_values_are_compared_with_the_previous_quarter() {
    let form = small();
    let q1 = values([Some(10.0), Some(1.0), Some(300.0), None]);
    let q2_lower = values([Some(10.0), Some(1.0), Some(250.0), None]);
    let q2_higher = values([Some(10.0), Some(1.0), Some(500.0), None]);
    let context = Context {
        previous_year: None,
        previous_period: Some(&q1),
    };
    assert_eq!(
        form.assess(&q2_lower, context).findings[0].problem,
        Problem::Rule(2)
    );
    assert!(form.assess(&q2_higher, context).findings.is_empty());
    // The first quarter has nothing to compare with.
    assert!(
        form.assess(&q2_lower, Context::default())
            .findings
            .is_empty()
    );
}

#[test]
fn entries_are_read_as_people_type_them() {
    let form = small();
    let employees = &form.fields[0];
    let revenue = &form.fields[2];
    assert_eq!(parse_entry(revenue, " 1,234.5 "), Ok(Some(1234.5)));
    assert_eq!(parse_entry(revenue, "１２３"), Ok(Some(123.0)));
    assert_eq!(parse_entry(revenue, ""), Ok(None));
    assert_eq!(
        parse_entry(revenue, "about 5"),
        Err(EntryProblem::NotANumber("about 5".into()))
    );
    assert_eq!(parse_entry(employees, "-3"), Err(EntryProblem::Negative));
    assert_eq!(parse_entry(employees, "3.5"), Err(EntryProblem::NotWhole));
    assert_eq!(parse_entry(revenue, "1e20"), Err(EntryProblem::TooLarge));
    let map = values([Some(1.0), None, Some(2.5), None]).to_map(&form);
    assert_eq!(map.len(), 2);
    assert_eq!(
        FilingValues::from_map(&form, &map),
        values([Some(1.0), None, Some(2.5), None])
    );
}

fn broken(from: &str, to: &str) -> FormError {
    assert!(SMALL.contains(from), "{from}");
    Form::parse(&SMALL.replacen(from, to, 1)).unwrap_err()
}

#[test]
fn a_bad_definition_says_where() {
    match broken(
        "check = \"rd_staff <= employees\"",
        "check = \"rd_staff <= employes\"",
    ) {
        FormError::Formula {
            rule, part, error, ..
        } => {
            assert_eq!(rule, "S01");
            assert_eq!(part, RulePart::Check);
            assert_eq!(error.span.line_column("rd_staff <= employes"), (1, 13));
            assert!(
                matches!(error.kind, ExprErrorKind::UnknownField { suggestion: Some(ref s), .. } if s == "employees")
            );
        }
        other => panic!("{other:?}"),
    }
    match broken("when = \"rd_ytd > 0\"", "when = \"rd_ytd +\"") {
        FormError::Formula { rule, part, .. } => {
            assert_eq!((rule.as_str(), part), ("S02", RulePart::When))
        }
        other => panic!("{other:?}"),
    }
    match broken("unit = \"persons\"", "unit = \"people\"") {
        FormError::Syntax { line, .. } => assert_eq!(line, 20),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        broken("part_of = \"employees\"", "part_of = \"staff\""),
        FormError::UnknownPartOf {
            field: "rd_staff".into(),
            part_of: "staff".into()
        }
    );
    assert_eq!(
        broken("code = \"rd_staff\"", "code = \"employees\""),
        FormError::DuplicateField("employees".into())
    );
    assert_eq!(
        broken("code = \"S02\"", "code = \"S01\""),
        FormError::DuplicateRule("S01".into())
    );
    assert!(matches!(
        broken("group = \"staff\"", "group = \"people\""),
        FormError::UnknownGroup { .. }
    ));
    assert!(matches!(
        broken("fields = [\"rd_staff\"]", "fields = [\"rd\"]"),
        FormError::UnknownRuleField { .. }
    ));
    assert!(
        matches!(broken("period = \"quarterly\"", "period = \"annual\""), FormError::Formula { ref rule, .. } if rule == "S03")
    );
    // A filing is judged against last year's values at most: two years back is refused.
    match broken(
        "check = \"revenue_ytd >= prev_period(revenue_ytd)\"",
        "check = \"revenue_ytd >= prev_year2(revenue_ytd)\"",
    ) {
        FormError::Formula { rule, error, .. } => {
            assert_eq!(rule, "S03");
            assert_eq!(
                error.kind,
                ExprErrorKind::PeriodUnavailable("prev_year2".into())
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        broken("required = true", "required = true\ncolour = \"red\""),
        FormError::Syntax { .. }
    ));
    assert!(matches!(
        Form::parse("not toml at all ["),
        Err(FormError::Syntax { .. })
    ));
}
