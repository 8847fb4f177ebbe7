//! Import tests on tables built in code: the parsing of rows with every problem listed
//! where it is, and the plans checked against a stored hierarchy and the user's scope.
//! Every expected value below is worked out by hand from the rules, not copied from a run.

use time::macros::date;

use super::*;
use crate::accounts::{Binding, Principal, Role};

/// The day the imports run; a row without a start date starts today.
const TODAY: Date = date!(2024 - 06 - 30);

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A row of text cells; an empty string is an empty cell.
fn text_row(number: usize, values: &[&str]) -> Row {
    Row {
        number,
        cells: values
            .iter()
            .map(|v| if v.is_empty() { Cell::Empty } else { t(v) })
            .collect(),
    }
}

fn table(sheet: &str, header_row: usize, headers: &[&str], rows: Vec<Row>) -> Table {
    Table {
        sheet: Some(sheet.to_string()),
        header_row,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

fn at(
    sheet: &str,
    row: usize,
    column: Option<usize>,
    field: Option<&'static str>,
    problem: ImportProblem,
) -> ImportIssue {
    ImportIssue {
        position: Position {
            sheet: Some(sheet.to_string()),
            row,
            column,
        },
        field,
        problem,
    }
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn credit(s: &str) -> CreditCode {
    CreditCode::parse(s).unwrap()
}

fn who(role: Role, binding: Binding) -> Principal {
    Principal {
        user_id: 7,
        username: "tester".to_string(),
        role,
        binding,
    }
}

// Credit codes used below. Two are published codes (Huawei, Tencent) already checked in
// credit_code.rs. The other two are worked out here with GB 32100-2015: values of the
// characters times the weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, summed; the
// check character is the one whose value is (31 - sum mod 31) mod 31 in
// 0123456789ABCDEFGHJKLMNPQRTUWXY.
//
// 91620102224331056: 9 1 6 2 0 1 0 2 2 2 4 3 3 1 0 5 6
//   9+3+54+54+0+26+0+34+40+58+100+39+24+24+0+150+168 = 783; 783 = 25·31 + 8; 31 - 8 = 23 → 'P'
// 91620100710001234: 9 1 6 2 0 1 0 0 7 1 0 0 0 1 2 3 4
//   9+3+54+54+0+26+0+0+140+29+0+0+0+24+20+90+112 = 561; 561 = 18·31 + 3; 31 - 3 = 28 → 'W'
const HUAWEI: &str = "914403001922038216";
const TENCENT: &str = "9144030071526726XG";
const LANZHOU_P: &str = "91620102224331056P";
const LANZHOU_W: &str = "91620100710001234W";

// ---------------------------------------------------------------------------------------
// Parsing enterprises

const ENTERPRISE_HEADERS: [&str; 11] = [
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "高新技术领域",
    "规模",
    "登记注册类型",
    "所在园区代码",
    "入园日期",
    "联系人",
    "联系电话",
    "是否入统",
];

/// A row with nothing wrong in it, to spoil one cell at a time.
fn good_enterprise(number: usize, credit_code: Cell) -> Row {
    Row {
        number,
        cells: vec![
            credit_code,
            t("兰州某某科技有限公司"),
            t("6511"),
            t("电子信息"),
            t("规上"),
            t("有限责任公司"),
            t("LB-GX-YT"),
            Cell::Date(date!(2018 - 03 - 01)),
            t("张伟"),
            t("0931-8888888"),
            t("否"),
        ],
    }
}

fn spoilt(mut row: Row, column: usize, cell: Cell) -> Row {
    row.cells[column - 1] = cell;
    row
}

#[test]
fn every_problem_of_an_enterprise_file_is_listed_where_it_is() {
    let rows = vec![
        // The check character of 91620102224331056 is 'P' (worked out above), not 'X'.
        good_enterprise(2, t("91620102224331056X")),
        // Division 99 does not exist: GB/T 4754-2017 ends at 97.
        spoilt(good_enterprise(3, t(TENCENT)), 3, t("9910")),
        // A name of blanks is no name.
        spoilt(good_enterprise(4, t(HUAWEI)), 2, t("   ")),
        // A blank line is skipped, not reported.
        Row {
            number: 5,
            cells: vec![Cell::Empty, t(" ")],
        },
        // There is no 30 February.
        spoilt(good_enterprise(6, t(LANZHOU_P)), 8, t("2018-02-30")),
        // Tencent's code again, in lower case: the same code once normalised.
        good_enterprise(7, t("9144030071526726xg")),
        // Excel keeps 15 significant digits of a number: 914403001922038216 became this.
        good_enterprise(8, Cell::Number(914_403_001_922_038_000.0)),
        // Two problems in one row are both listed.
        spoilt(
            spoilt(good_enterprise(9, t(LANZHOU_W)), 5, t("中型")),
            6,
            Cell::Empty,
        ),
        // 入统 is answered yes or no, not "to be decided" (a code of its own, so that the
        // row has no other problem).
        spoilt(
            good_enterprise(
                10,
                t(CreditCode::complete("91620100MA0000001").unwrap().as_str()),
            ),
            11,
            t("待定"),
        ),
    ];
    let file = table("企业", 1, &ENTERPRISE_HEADERS, rows);
    let issues = parse_enterprise_rows(&file).unwrap_err();
    let e = |row, column, field, problem| at("企业", row, Some(column), Some(field), problem);
    assert_eq!(
        issues,
        vec![
            e(
                2,
                1,
                "credit_code",
                ImportProblem::CreditCode(CreditCodeError::WrongCheckCharacter {
                    expected: 'P',
                    found: 'X'
                })
            ),
            e(
                3,
                3,
                "industry_code",
                ImportProblem::Industry(IndustryCodeError::UnknownDivision {
                    division: "99".into()
                })
            ),
            e(4, 2, "name", ImportProblem::Required),
            e(
                6,
                8,
                "located_since",
                ImportProblem::NotADate {
                    value: "2018-02-30".into()
                }
            ),
            e(
                7,
                1,
                "credit_code",
                ImportProblem::DuplicateInFile {
                    key: TENCENT.into(),
                    first_row: 3
                }
            ),
            e(
                8,
                1,
                "credit_code",
                ImportProblem::CodeStoredAsNumber {
                    value: "914403001922038000".into()
                }
            ),
            e(
                9,
                5,
                "size_class",
                ImportProblem::Enterprise(EnterpriseError::UnknownSizeClass {
                    value: "中型".into()
                })
            ),
            e(9, 6, "registration_type", ImportProblem::Required),
            e(
                10,
                11,
                "in_survey",
                ImportProblem::Enterprise(EnterpriseError::UnknownSurveyFlag {
                    value: "待定".into()
                })
            ),
        ]
    );
    assert_eq!(issues[0].position.to_string(), "企业!A2");
    assert_eq!(issues[3].position.to_string(), "企业!H6");
}

#[test]
fn a_good_enterprise_file_parses() {
    let rows = vec![
        good_enterprise(2, t(LANZHOU_P)),
        // Optional cells left empty; a date typed as text in the Chinese way.
        Row {
            number: 3,
            cells: vec![
                t(LANZHOU_W),
                t("兰州某某新材料有限公司"),
                t("3985"),
                Cell::Empty,
                t("规下"),
                t("私营企业"),
                t("LB-BY-YZ"),
                t("2020年5月8日"),
            ],
        },
    ];
    let parsed = parse_enterprise_rows(&table("企业", 1, &ENTERPRISE_HEADERS, rows)).unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(
        parsed[0],
        EnterpriseRow {
            row: 2,
            draft: EnterpriseDraft {
                credit_code: credit(LANZHOU_P),
                name: "兰州某某科技有限公司".into(),
                industry: IndustryCode::parse("6511").unwrap(),
                high_tech_field: Some(HighTechField::ElectronicInformation),
                size_class: SizeClass::AboveScale,
                registration_type: RegistrationType::LimitedLiability,
                contact_name: Some("张伟".into()),
                contact_phone: Some("0931-8888888".into()),
                in_survey: false,
            },
            park: code("LB-GX-YT"),
            located_since: Some(date!(2018 - 03 - 01)),
            in_survey: Some(false),
        }
    );
    assert_eq!(parsed[1].row, 3);
    assert_eq!(parsed[1].draft.high_tech_field, None);
    assert_eq!(parsed[1].draft.size_class, SizeClass::BelowScale);
    assert_eq!(parsed[1].draft.registration_type, RegistrationType::Private);
    assert_eq!(parsed[1].draft.contact_phone, None);
    assert_eq!(parsed[1].located_since, Some(date!(2020 - 05 - 08)));
    // The row stops before 是否入统: not given, so in the survey as far as the row goes.
    assert_eq!(parsed[1].in_survey, None);
    assert!(parsed[1].draft.in_survey);
}

#[test]
fn the_survey_flag_takes_the_usual_spellings_of_yes_and_no() {
    let answers = [
        (t("是"), Some(true)),
        (t("否"), Some(false)),
        (t(" YES "), Some(true)),
        (t("No"), Some(false)),
        (t("true"), Some(true)),
        (t("FALSE"), Some(false)),
        (t("y"), Some(true)),
        (t("N"), Some(false)),
        (t("1"), Some(true)),
        (t("0"), Some(false)),
        // A spreadsheet's own TRUE/FALSE, and 1/0 typed as numbers.
        (Cell::Bool(true), Some(true)),
        (Cell::Bool(false), Some(false)),
        (Cell::Number(1.0), Some(true)),
        (Cell::Number(0.0), Some(false)),
        (Cell::Empty, None),
        (t("  "), None),
    ];
    for (cell, expected) in &answers {
        let row = spoilt(good_enterprise(2, t(HUAWEI)), 11, cell.clone());
        let file = table("企业", 1, &ENTERPRISE_HEADERS, vec![row]);
        let parsed = parse_enterprise_rows(&file).unwrap();
        assert_eq!(parsed[0].in_survey, *expected, "{cell:?}");
        assert_eq!(
            parsed[0].draft.in_survey,
            expected.unwrap_or(true),
            "{cell:?}"
        );
    }
    // Neither yes nor no: a number other than 1 or 0, a date, a word.
    for cell in [
        Cell::Number(2.0),
        Cell::Date(date!(2024 - 01 - 01)),
        t("有"),
    ] {
        let file = table(
            "企业",
            1,
            &ENTERPRISE_HEADERS,
            vec![spoilt(good_enterprise(2, t(HUAWEI)), 11, cell.clone())],
        );
        let issues = parse_enterprise_rows(&file).unwrap_err();
        assert_eq!(
            issues,
            vec![at(
                "企业",
                2,
                Some(11),
                Some("in_survey"),
                ImportProblem::Enterprise(EnterpriseError::UnknownSurveyFlag {
                    value: cell.as_text()
                })
            )]
        );
    }
}

// ---------------------------------------------------------------------------------------
// Parsing units

const UNIT_HEADERS: [&str; 10] = [
    "单位代码 (code)",
    "单位名称 (name_zh)",
    "英文名称 (name_en)",
    "单位类型 (kind)",
    "上级单位代码 (parent_code)",
    "隶属起始日期 (member_since)",
    "面积(平方公里) (area_km2)",
    "人口 (population)",
    "主导产业 (leading_industries)",
    "空间功能 (spatial_role)",
];

fn good_unit(number: usize, unit_code: &str) -> Row {
    Row {
        number,
        cells: vec![
            t(unit_code),
            t("九州园区"),
            t("Jiuzhou Park"),
            t("园区"),
            t("LB-GX"),
            t("2015-01-01"),
            Cell::Number(12.5),
            Cell::Number(30_000.0),
            t("生物医药、新材料"),
            t("辐射区"),
        ],
    }
}

#[test]
fn every_problem_of_a_unit_file_is_listed_where_it_is() {
    // A title in row 1 puts the header row at 2.
    let rows = vec![
        spoilt(good_unit(3, "LB-JZ"), 4, t("村")),
        spoilt(good_unit(4, "LB-A"), 1, t("LB GX")),
        spoilt(good_unit(5, "LB-B"), 2, Cell::Empty),
        spoilt(good_unit(6, "LB-C"), 6, t("2015-13-01")),
        spoilt(good_unit(7, "LB-D"), 7, Cell::Number(-3.0)),
        spoilt(good_unit(8, "LB-E"), 8, t("三万")),
        spoilt(good_unit(9, "LB-F"), 8, Cell::Number(12.5)),
        spoilt(good_unit(10, "LB-G"), 10, t("边缘区")),
        good_unit(11, "LB-JZ"),
    ];
    let issues = parse_unit_rows(&table("单位", 2, &UNIT_HEADERS, rows)).unwrap_err();
    let e = |row, column, field, problem| at("单位", row, Some(column), Some(field), problem);
    assert_eq!(
        issues,
        vec![
            e(
                3,
                4,
                "kind",
                ImportProblem::Unit(UnitError::UnknownKind {
                    value: "村".into()
                })
            ),
            e(
                4,
                1,
                "code",
                ImportProblem::Unit(UnitError::InvalidCodeCharacter {
                    code: "LB GX".into(),
                    character: ' '
                })
            ),
            e(5, 2, "name_zh", ImportProblem::Required),
            e(
                6,
                6,
                "member_since",
                ImportProblem::NotADate {
                    value: "2015-13-01".into()
                }
            ),
            // Checked once the row has nothing else wrong: a draft of the unit is validated.
            e(
                7,
                7,
                "area_km2",
                ImportProblem::Unit(UnitError::NegativeArea { value: -3.0 })
            ),
            e(
                8,
                8,
                "population",
                ImportProblem::NotANumber {
                    value: "三万".into()
                }
            ),
            e(
                9,
                8,
                "population",
                ImportProblem::NotAnInteger {
                    value: "12.5".into()
                }
            ),
            e(
                10,
                10,
                "spatial_role",
                ImportProblem::Unit(UnitError::UnknownSpatialRole {
                    value: "边缘区".into()
                })
            ),
            // Row 3's code is remembered although its kind was wrong.
            e(
                11,
                1,
                "code",
                ImportProblem::DuplicateInFile {
                    key: "LB-JZ".into(),
                    first_row: 3
                }
            ),
        ]
    );
}

#[test]
fn a_good_unit_row_parses() {
    let parsed = parse_unit_rows(&table(
        "单位",
        1,
        &UNIT_HEADERS,
        vec![good_unit(2, "LB-JZ")],
    ))
    .unwrap();
    assert_eq!(
        parsed,
        vec![UnitRow {
            row: 2,
            draft: UnitDraft {
                code: code("LB-JZ"),
                name_zh: "九州园区".into(),
                name_en: Some("Jiuzhou Park".into()),
                kind: UnitKind::Park,
                area_km2: Some(12.5),
                population: Some(30_000),
                leading_industries: vec!["生物医药".into(), "新材料".into()],
                spatial_role: Some(SpatialRole::Radiation),
            },
            parent: Some(code("LB-GX")),
            member_since: Some(date!(2015 - 01 - 01)),
        }]
    );
}

// ---------------------------------------------------------------------------------------
// Header rows

#[test]
fn missing_required_columns_are_reported_at_the_header_row() {
    // Size class and park code are missing; the optional columns may be.
    let headers = ["统一社会信用代码", "企业名称", "行业代码", "登记注册类型"];
    let file = table(
        "企业",
        3,
        &headers,
        vec![text_row(
            4,
            &[HUAWEI, "华为技术有限公司", "3919", "股份有限公司"],
        )],
    );
    let issues = parse_enterprise_rows(&file).unwrap_err();
    assert_eq!(
        issues,
        vec![
            at(
                "企业",
                3,
                None,
                Some("size_class"),
                ImportProblem::MissingColumn {
                    label: "规模 (size_class)".into()
                }
            ),
            at(
                "企业",
                3,
                None,
                Some("park_code"),
                ImportProblem::MissingColumn {
                    label: "所在园区代码 (park_code)".into()
                }
            ),
        ]
    );
    assert_eq!(issues[0].position.to_string(), "企业!row 3");
}

#[test]
fn a_column_given_twice_or_a_file_without_rows_is_refused() {
    // "单位名称" and "name_zh" are the same column; the second one, in C, is reported.
    let headers = ["code", "单位名称", "name_zh", "kind"];
    let file = table(
        "单位",
        1,
        &headers,
        vec![text_row(2, &["LB-JZ", "九州园区", "九州", "园区"])],
    );
    assert_eq!(
        parse_unit_rows(&file).unwrap_err(),
        vec![at(
            "单位",
            1,
            Some(3),
            Some("name_zh"),
            ImportProblem::DuplicateColumn {
                header: "name_zh".into()
            }
        )]
    );
    let empty = table(
        "单位",
        1,
        &["code", "name_zh", "kind"],
        vec![text_row(2, &["", " ", ""])],
    );
    assert_eq!(
        parse_unit_rows(&empty).unwrap_err(),
        vec![at("单位", 2, None, None, ImportProblem::NoRows)]
    );
}

#[test]
fn headers_match_by_key_label_or_label_with_key() {
    let headers = [
        "credit_code",              // the key
        "企业名称",                 // the Chinese label
        "行业代码 (industry_code)", // label (key), as in the templates
        "High-tech field",          // the English label
        "规模（size_class）",       // full-width brackets, as a Chinese keyboard types them
        "Registration TYPE",        // English labels and keys ignore case
        "所在园区代码(park_code)",  // no space before the bracket
        "入园日期 (LOCATED_SINCE)",
        "备注", // a column no import knows is left alone
    ];
    let row = text_row(
        2,
        &[
            TENCENT,
            "腾讯科技（深圳）有限公司",
            "6513",
            "高技术服务",
            "规上",
            "有限责任公司",
            "LB-GX-YT",
            "2019/5/1",
            "老客户",
        ],
    );
    let parsed = parse_enterprise_rows(&table("企业", 1, &headers, vec![row])).unwrap();
    assert_eq!(parsed.len(), 1);
    let p = &parsed[0];
    assert_eq!(p.draft.credit_code, credit(TENCENT));
    assert_eq!(p.draft.name, "腾讯科技（深圳）有限公司");
    assert_eq!(p.draft.industry.as_str(), "6513");
    assert_eq!(
        p.draft.high_tech_field,
        Some(HighTechField::HighTechServices)
    );
    assert_eq!(p.draft.size_class, SizeClass::AboveScale);
    assert_eq!(
        p.draft.registration_type,
        RegistrationType::LimitedLiability
    );
    assert_eq!(p.park, code("LB-GX-YT"));
    assert_eq!(p.located_since, Some(date!(2019 - 05 - 01)));

    // A label with another column's key in brackets is not this column.
    let spec = ENTERPRISE_COLUMNS[1];
    assert!(spec.matches("企业名称 (name)"));
    assert!(spec.matches(" NAME "));
    assert!(!spec.matches("企业名称 (credit_code)"));
    assert!(!spec.matches("名称"));
}

// ---------------------------------------------------------------------------------------
// The stored hierarchy for the plans
//
//   1 LB (zone, 兰白自创区)                        9 PZH (zone)
//   ├─ 2 LB-GX (district)                          └─ 10 PZH-CORE (park)
//   │   └─ 3 LB-GX-YT (park)
//   │       └─ 6 LB-GX-YT-A (sub-park, from 2016)
//   │           └─ 7 LB-GX-YT-S (specialty park, from 2018)
//   └─ 4 LB-BY (district)
//       └─ 5 LB-BY-YZ (park, from 2016)
//
// Every membership not marked starts on 2015-01-01.

fn unit(id: i64, unit_code: &str, name: &str, kind: UnitKind) -> Unit {
    Unit {
        id: UnitId(id),
        details: UnitDraft {
            code: code(unit_code),
            name_zh: name.to_string(),
            name_en: None,
            kind,
            area_km2: None,
            population: None,
            leading_industries: vec![],
            spatial_role: None,
        },
    }
}

fn member(child: i64, parent: i64, from: Date) -> Membership {
    Membership {
        child: UnitId(child),
        parent: UnitId(parent),
        from,
        until: None,
    }
}

fn lanbai() -> Hierarchy {
    let start = date!(2015 - 01 - 01);
    Hierarchy::new(
        vec![
            unit(1, "LB", "兰白自创区", UnitKind::Zone),
            unit(2, "LB-GX", "兰州高新区", UnitKind::District),
            unit(3, "LB-GX-YT", "雁滩园区", UnitKind::Park),
            unit(4, "LB-BY", "白银高新区", UnitKind::District),
            unit(5, "LB-BY-YZ", "银西园区", UnitKind::Park),
            unit(6, "LB-GX-YT-A", "雁滩分园", UnitKind::SubPark),
            unit(7, "LB-GX-YT-S", "生物医药专业园", UnitKind::SpecialtyPark),
            unit(9, "PZH", "攀枝花高新区", UnitKind::Zone),
            unit(10, "PZH-CORE", "攀枝花核心园", UnitKind::Park),
        ],
        vec![
            member(2, 1, start),
            member(3, 2, start),
            member(4, 1, start),
            member(5, 4, date!(2016 - 01 - 01)),
            member(6, 3, date!(2016 - 01 - 01)),
            member(7, 6, date!(2018 - 01 - 01)),
            member(10, 9, start),
        ],
    )
}

const PLAN_UNIT_HEADERS: [&str; 5] = ["code", "name_zh", "kind", "parent_code", "member_since"];

fn plan_units(rows: Vec<Row>, principal: &Principal) -> Result<UnitImportPlan, Vec<ImportIssue>> {
    let file = table("单位", 1, &PLAN_UNIT_HEADERS, rows);
    let parsed = parse_unit_rows(&file).expect("the rows themselves are valid");
    plan_unit_import(&file, parsed, &lanbai(), principal, TODAY)
}

/// The details a stored unit of `lanbai()` has; an import row that repeats them changes
/// nothing.
fn stored_details(unit_code: &str) -> UnitDraft {
    lanbai().unit_by_code(unit_code).unwrap().details.clone()
}

// ---------------------------------------------------------------------------------------
// Unit plans

#[test]
fn a_new_park_under_an_existing_zone_is_planned() {
    let zone_staff = who(Role::ZoneStaff, Binding::Unit(UnitId(1)));
    let plan = plan_units(
        vec![
            text_row(2, &["LB-JZ", "九州园区", "园区", "LB", "2020-01-01"]),
            // A sub-park of the new park, further down the same file, with no start date.
            text_row(3, &["LB-JZ-A", "九州分园", "分园", "LB-JZ", ""]),
            // Exactly as stored, under the same parent: nothing to do.
            text_row(4, &["LB-GX-YT", "雁滩园区", "园区", "LB-GX", "2015-01-01"]),
            // A new name for a stored park.
            text_row(5, &["LB-BY-YZ", "银西生物医药产业园", "园区", "", ""]),
        ],
        &zone_staff,
    )
    .unwrap();

    let new_park = UnitDraft {
        code: code("LB-JZ"),
        name_zh: "九州园区".into(),
        name_en: None,
        kind: UnitKind::Park,
        area_km2: None,
        population: None,
        leading_industries: vec![],
        spatial_role: None,
    };
    assert_eq!(
        plan.units[0],
        UnitChange {
            row: 2,
            existing: None,
            draft: new_park
        }
    );
    assert_eq!(plan.units[1].existing, None);
    assert_eq!(
        plan.units[2].existing.as_ref().map(|u| u.id),
        Some(UnitId(3))
    );
    assert_eq!(plan.units[2].draft, stored_details("LB-GX-YT"));
    assert_eq!(
        plan.units[3].existing.as_ref().map(|u| u.id),
        Some(UnitId(5))
    );
    assert_eq!(plan.units[3].draft.name_zh, "银西生物医药产业园");
    assert_eq!(
        plan.memberships,
        vec![
            MembershipChange {
                row: 2,
                child: code("LB-JZ"),
                parent: code("LB"),
                from: date!(2020 - 01 - 01),
                ends_previous: None
            },
            MembershipChange {
                row: 3,
                child: code("LB-JZ-A"),
                parent: code("LB-JZ"),
                from: TODAY,
                ends_previous: None
            },
        ]
    );
    // Four rows: two new units, one renamed, one unchanged.
    assert_eq!(plan.units.len(), 4);
    assert_eq!(plan.created(), 2);
    assert_eq!(plan.updated(), 1);
}

#[test]
fn a_park_that_moves_district_ends_its_membership() {
    let zone_staff = who(Role::ZoneStaff, Binding::Unit(UnitId(1)));
    let plan = plan_units(
        vec![text_row(
            2,
            &["LB-GX-YT", "雁滩园区", "园区", "LB-BY", "2022-07-01"],
        )],
        &zone_staff,
    )
    .unwrap();
    assert_eq!(
        plan.memberships,
        vec![MembershipChange {
            row: 2,
            child: code("LB-GX-YT"),
            parent: code("LB-BY"),
            from: date!(2022 - 07 - 01),
            ends_previous: Some(code("LB-GX")),
        }]
    );
    // The park's own details are unchanged: the move is a membership, not an update.
    assert_eq!(plan.units.len(), 1);
    assert_eq!(plan.created(), 0);
    assert_eq!(plan.updated(), 0);
}

#[test]
fn a_cycle_and_a_kind_that_cannot_nest_are_refused_with_their_rows() {
    let admin = who(Role::Administrator, Binding::Everything);
    let issues = plan_units(
        vec![
            // LB-GX-YT-S sits in LB-GX-YT-A; putting A under S closes A → S → A. The kinds
            // alone would allow it (a specialty park may hold a sub-park).
            text_row(
                2,
                &["LB-GX-YT-A", "雁滩分园", "分园", "LB-GX-YT-S", "2023-01-01"],
            ),
            // No cycle (LB-GX-YT → LB-GX → LB), but a park cannot hold a district.
            text_row(
                3,
                &["LB-BY", "白银高新区", "区块", "LB-GX-YT", "2023-01-01"],
            ),
        ],
        &admin,
    )
    .unwrap_err();
    assert_eq!(
        issues,
        vec![
            at(
                "单位",
                2,
                Some(4),
                Some("parent_code"),
                ImportProblem::Hierarchy(HierarchyError::Cycle {
                    child: code("LB-GX-YT-A"),
                    parent: code("LB-GX-YT-S"),
                    path: vec![code("LB-GX-YT-A"), code("LB-GX-YT-S"), code("LB-GX-YT-A")],
                }),
            ),
            at(
                "单位",
                3,
                Some(4),
                Some("parent_code"),
                ImportProblem::Hierarchy(HierarchyError::KindCannotContain {
                    parent_kind: UnitKind::Park,
                    child_kind: UnitKind::District,
                }),
            ),
        ]
    );
}

#[test]
fn units_outside_the_users_zone_are_refused() {
    // Staff of the Panzhihua zone may neither change a Lanbai park nor put a new one
    // under the Lanbai zone, nor move their own park there.
    let pzh_staff = who(Role::ZoneStaff, Binding::Unit(UnitId(9)));
    let issues = plan_units(
        vec![
            text_row(2, &["LB-GX-YT", "雁滩园区", "园区", "", ""]),
            text_row(3, &["LB-JZ", "九州园区", "园区", "LB", ""]),
            text_row(4, &["PZH-CORE", "攀枝花核心园", "园区", "LB", "2024-01-01"]),
            text_row(5, &["PZH-NEW", "攀枝花新园", "园区", "PZH", ""]),
        ],
        &pzh_staff,
    )
    .unwrap_err();
    assert_eq!(
        issues,
        vec![
            at(
                "单位",
                2,
                Some(1),
                Some("code"),
                ImportProblem::OutsideScope {
                    code: "LB-GX-YT".into()
                }
            ),
            at(
                "单位",
                3,
                Some(4),
                Some("parent_code"),
                ImportProblem::OutsideScope { code: "LB".into() }
            ),
            at(
                "单位",
                4,
                Some(4),
                Some("parent_code"),
                ImportProblem::OutsideScope { code: "LB".into() }
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Enterprise plans

const PLAN_ENTERPRISE_HEADERS: [&str; 7] = [
    "credit_code",
    "name",
    "industry_code",
    "size_class",
    "registration_type",
    "park_code",
    "located_since",
];

fn draft(credit_code: &str, name: &str) -> EnterpriseDraft {
    EnterpriseDraft {
        credit_code: credit(credit_code),
        name: name.to_string(),
        industry: IndustryCode::parse("3919").unwrap(),
        high_tech_field: None,
        size_class: SizeClass::AboveScale,
        registration_type: RegistrationType::JointStock,
        contact_name: None,
        contact_phone: None,
        in_survey: true,
    }
}

/// A row that, parsed, gives `draft(credit_code, name)` in `park`.
fn enterprise_row(number: usize, credit_code: &str, name: &str, park: &str, since: &str) -> Row {
    text_row(
        number,
        &[
            credit_code,
            name,
            "3919",
            "规上",
            "股份有限公司",
            park,
            since,
        ],
    )
}

fn stored(
    id: i64,
    credit_code: &str,
    name: &str,
    park: i64,
    from: Date,
) -> (CreditCode, StoredEnterprise) {
    let location = Location {
        enterprise: EnterpriseId(id),
        park: UnitId(park),
        from,
        until: None,
    };
    (
        credit(credit_code),
        StoredEnterprise {
            id: EnterpriseId(id),
            draft: draft(credit_code, name),
            location: Some(location),
        },
    )
}

/// Huawei in LB-GX-YT since 2019-05-01, Tencent in LB-BY-YZ since 2020-01-01, and
/// 91620102224331056P in LB-GX-YT since 2021-01-01.
fn registry() -> HashMap<CreditCode, StoredEnterprise> {
    HashMap::from([
        stored(101, HUAWEI, "华为技术有限公司", 3, date!(2019 - 05 - 01)),
        stored(
            102,
            TENCENT,
            "腾讯科技（深圳）有限公司",
            5,
            date!(2020 - 01 - 01),
        ),
        stored(
            103,
            LANZHOU_P,
            "兰州某某科技有限公司",
            3,
            date!(2021 - 01 - 01),
        ),
    ])
}

fn plan_enterprises(
    rows: Vec<Row>,
    principal: &Principal,
) -> Result<EnterpriseImportPlan, Vec<ImportIssue>> {
    let file = table("企业", 1, &PLAN_ENTERPRISE_HEADERS, rows);
    let parsed = parse_enterprise_rows(&file).expect("the rows themselves are valid");
    plan_enterprise_import(&file, parsed, &registry(), &lanbai(), principal, TODAY)
}

#[test]
fn park_staff_cannot_reach_into_another_park() {
    let park_staff = who(Role::ParkStaff, Binding::Unit(UnitId(3)));
    let issues = plan_enterprises(
        vec![
            // Placing an enterprise in LB-BY-YZ, which is not their park.
            enterprise_row(2, LANZHOU_W, "兰州某某新材料有限公司", "LB-BY-YZ", ""),
            // Claiming Tencent, which is in LB-BY-YZ, for their own park.
            enterprise_row(
                3,
                TENCENT,
                "腾讯科技（深圳）有限公司",
                "LB-GX-YT",
                "2024-01-01",
            ),
            // Their own enterprise, in their own park: fine.
            enterprise_row(4, HUAWEI, "华为技术有限公司", "LB-GX-YT", ""),
        ],
        &park_staff,
    )
    .unwrap_err();
    assert_eq!(
        issues,
        vec![
            at(
                "企业",
                2,
                Some(6),
                Some("park_code"),
                ImportProblem::OutsideScope {
                    code: "LB-BY-YZ".into()
                }
            ),
            at(
                "企业",
                3,
                Some(1),
                Some("credit_code"),
                ImportProblem::CreditCodeNotYours {
                    code: TENCENT.into()
                }
            ),
        ]
    );
}

#[test]
fn a_move_dated_before_the_current_location_is_refused() {
    let admin = who(Role::Administrator, Binding::Everything);
    let issues = plan_enterprises(
        vec![
            // Huawei has been in LB-GX-YT since 2019-05-01.
            enterprise_row(2, HUAWEI, "华为技术有限公司", "LB-BY-YZ", "2018-12-31"),
            // On the very day it arrived is not after it either.
            enterprise_row(
                3,
                LANZHOU_P,
                "兰州某某科技有限公司",
                "LB-BY-YZ",
                "2021-01-01",
            ),
        ],
        &admin,
    )
    .unwrap_err();
    let moved_early = |row, date, since| {
        at(
            "企业",
            row,
            Some(7),
            Some("located_since"),
            ImportProblem::Enterprise(EnterpriseError::MoveBeforeCurrentLocation { date, since }),
        )
    };
    assert_eq!(
        issues,
        vec![
            moved_early(2, date!(2018 - 12 - 31), date!(2019 - 05 - 01)),
            moved_early(3, date!(2021 - 01 - 01), date!(2021 - 01 - 01)),
        ]
    );
}

#[test]
fn an_enterprise_cannot_be_placed_in_an_unknown_unit() {
    let admin = who(Role::Administrator, Binding::Everything);
    let issues = plan_enterprises(
        vec![enterprise_row(
            2,
            LANZHOU_W,
            "兰州某某新材料有限公司",
            "LB-XX",
            "",
        )],
        &admin,
    )
    .unwrap_err();
    assert_eq!(
        issues,
        vec![at(
            "企业",
            2,
            Some(6),
            Some("park_code"),
            ImportProblem::UnknownUnitCode {
                code: "LB-XX".into()
            }
        )]
    );
}

#[test]
fn unchanged_enterprises_are_counted_as_unchanged() {
    let zone_staff = who(Role::ZoneStaff, Binding::Unit(UnitId(1)));
    let plan = plan_enterprises(
        vec![
            // New: placed in LB-GX-YT today, since no date is given.
            enterprise_row(2, LANZHOU_W, "兰州某某新材料有限公司", "LB-GX-YT", ""),
            // Exactly as stored, in the same park: unchanged.
            enterprise_row(3, HUAWEI, "华为技术有限公司", "LB-GX-YT", ""),
            // A new name, same park: updated.
            enterprise_row(4, TENCENT, "腾讯科技（兰州）有限公司", "LB-BY-YZ", ""),
            // Same details, another park: updated by its move.
            enterprise_row(
                5,
                LANZHOU_P,
                "兰州某某科技有限公司",
                "LB-BY-YZ",
                "2024-01-01",
            ),
        ],
        &zone_staff,
    )
    .unwrap();
    let registry = registry();
    assert_eq!(
        plan.enterprises,
        vec![
            EnterpriseChange {
                row: 2,
                existing: None,
                draft: draft(LANZHOU_W, "兰州某某新材料有限公司"),
                new_location: Some((UnitId(3), TODAY)),
            },
            EnterpriseChange {
                row: 3,
                existing: registry.get(&credit(HUAWEI)).cloned(),
                draft: draft(HUAWEI, "华为技术有限公司"),
                new_location: None,
            },
            EnterpriseChange {
                row: 4,
                existing: registry.get(&credit(TENCENT)).cloned(),
                draft: draft(TENCENT, "腾讯科技（兰州）有限公司"),
                new_location: None,
            },
            EnterpriseChange {
                row: 5,
                existing: registry.get(&credit(LANZHOU_P)).cloned(),
                draft: draft(LANZHOU_P, "兰州某某科技有限公司"),
                new_location: Some((UnitId(5), date!(2024 - 01 - 01))),
            },
        ]
    );
    // Four rows: one created, two updated, so one unchanged.
    assert_eq!(plan.created(), 1);
    assert_eq!(plan.updated(), 2);
    assert_eq!(plan.enterprises.len() - plan.created() - plan.updated(), 1);
}

#[test]
fn a_blank_survey_flag_keeps_a_stored_enterprises_and_means_yes_for_a_new_one() {
    let admin = who(Role::Administrator, Binding::Everything);
    // Huawei is stored out of the survey; Tencent and 91620102224331056P in it.
    let mut stored = registry();
    stored.get_mut(&credit(HUAWEI)).unwrap().draft.in_survey = false;
    let mut headers = PLAN_ENTERPRISE_HEADERS.to_vec();
    headers.push("是否入统");
    let with_flag = |number, credit_code, name, park, flag: &str| {
        let mut row = enterprise_row(number, credit_code, name, park, "");
        row.cells.push(if flag.is_empty() {
            Cell::Empty
        } else {
            t(flag)
        });
        row
    };
    let file = table(
        "企业",
        1,
        &headers,
        vec![
            // New, left blank: in the survey.
            with_flag(2, LANZHOU_W, "兰州某某新材料有限公司", "LB-GX-YT", ""),
            // Stored out of the survey, left blank: still out, so unchanged.
            with_flag(3, HUAWEI, "华为技术有限公司", "LB-GX-YT", ""),
            // Stored in the survey, now 否: updated.
            with_flag(4, TENCENT, "腾讯科技（深圳）有限公司", "LB-BY-YZ", "否"),
            // Stored in the survey, 是 again: unchanged.
            with_flag(5, LANZHOU_P, "兰州某某科技有限公司", "LB-GX-YT", "是"),
        ],
    );
    let parsed = parse_enterprise_rows(&file).unwrap();
    let plan = plan_enterprise_import(&file, parsed, &stored, &lanbai(), &admin, TODAY).unwrap();
    let flags: Vec<(usize, bool)> = plan
        .enterprises
        .iter()
        .map(|e| (e.row, e.draft.in_survey))
        .collect();
    assert_eq!(flags, vec![(2, true), (3, false), (4, false), (5, true)]);
    assert_eq!(plan.created(), 1);
    assert_eq!(plan.updated(), 1);

    // A file without the column, as written before there was one, changes no flag.
    let old = table(
        "企业",
        1,
        &PLAN_ENTERPRISE_HEADERS,
        vec![enterprise_row(
            2,
            HUAWEI,
            "华为技术有限公司",
            "LB-GX-YT",
            "",
        )],
    );
    let parsed = parse_enterprise_rows(&old).unwrap();
    let plan = plan_enterprise_import(&old, parsed, &stored, &lanbai(), &admin, TODAY).unwrap();
    assert!(!plan.enterprises[0].draft.in_survey);
    assert_eq!(plan.updated(), 0);
}

#[test]
fn an_enterprise_filer_changes_its_contacts_and_nothing_that_decides_its_reports() {
    let filer = who(
        Role::EnterpriseFiler,
        Binding::Enterprise(EnterpriseId(101)),
    );
    let headers = [
        "credit_code",
        "name",
        "industry_code",
        "size_class",
        "registration_type",
        "park_code",
        "contact_name",
        "contact_phone",
        "in_survey",
    ];
    let plan = |cells: &[&str]| {
        let file = table("企业", 1, &headers, vec![text_row(2, cells)]);
        let parsed = parse_enterprise_rows(&file).expect("the row itself is valid");
        plan_enterprise_import(&file, parsed, &registry(), &lanbai(), &filer, TODAY)
    };
    // Its contacts, everything else as registered: accepted.
    let accepted = plan(&[
        HUAWEI,
        "华为技术有限公司",
        "3919",
        "规上",
        "股份有限公司",
        "LB-GX-YT",
        "张伟",
        "0931-8888888",
        "是",
    ])
    .expect("contacts are the filer's to keep");
    assert_eq!(
        accepted.enterprises[0].draft.contact_name.as_deref(),
        Some("张伟")
    );
    // Leaving the survey and shrinking below scale: both refused at their columns.
    let issues = plan(&[
        HUAWEI,
        "华为技术有限公司",
        "3919",
        "规下",
        "股份有限公司",
        "LB-GX-YT",
        "张伟",
        "0931-8888888",
        "否",
    ])
    .unwrap_err();
    assert_eq!(
        issues,
        vec![
            at(
                "企业",
                2,
                Some(4),
                Some("size_class"),
                ImportProblem::KeptByStaff {
                    field: "size_class"
                }
            ),
            at(
                "企业",
                2,
                Some(9),
                Some("in_survey"),
                ImportProblem::KeptByStaff { field: "in_survey" }
            ),
        ]
    );
}
