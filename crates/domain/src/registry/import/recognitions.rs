//! Import of recognitions (认定): one row per certificate, for an enterprise named by its
//! credit code. Parsed and planned like the registry's other imports, every problem with
//! its sheet, row, column and field, the plan applied all or nothing.
//!
//! A row whose 企业名称 differs from the registered name is an error, not a warning: a
//! credit code mistyped into another enterprise's would otherwise record the certificate
//! on the wrong enterprise. The name may be left blank.
//!
//! A certificate already recorded for the same enterprise, tier and number is unchanged
//! when its dates (and authority, if given) are the same, and otherwise a correction of
//! the recorded one (which the store keeps as an earlier version); recorded for another
//! enterprise, it is refused.

use std::collections::HashMap;

use serde::Serialize;

use super::{ColumnSpec, ImportIssue, ImportProblem, col, issue, parse_rows};
use crate::accounts::{Binding, Principal};
use crate::registry::credit_code::CreditCode;
use crate::registry::enterprise::EnterpriseId;
use crate::registry::hierarchy::Tree;
use crate::registry::tier::{Recognition, Tier};
use crate::registry::unit::UnitId;
use crate::table::Table;

pub const RECOGNITION_COLUMNS: [ColumnSpec; 7] = [
    col(
        "credit_code",
        "统一社会信用代码",
        "Credit code",
        true,
        "914403001922038216",
    ),
    col("name", "企业名称", "Name", false, "兰州某某科技有限公司"),
    col("tier", "认定类型", "Recognition", true, "高新技术企业"),
    col(
        "certificate_no",
        "证书编号",
        "Certificate number",
        true,
        "GR202362000123",
    ),
    col("issued_on", "发证日期", "Issued on", true, "2023-11-30"),
    col("expires_on", "有效期至", "Valid until", false, "2026-11-30"),
    col(
        "authority",
        "发证机关",
        "Issuing authority",
        false,
        "甘肃省科学技术厅",
    ),
];

/// One parsed row of a recognition import.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognitionRow {
    pub row: usize,
    pub credit_code: CreditCode,
    /// 企业名称 as given, to be checked against the registry.
    pub name: Option<String>,
    pub recognition: Recognition,
    pub authority: Option<String>,
}

pub fn parse_recognition_rows(table: &Table) -> Result<Vec<RecognitionRow>, Vec<ImportIssue>> {
    super::all_or_issues(parse_recognition_rows_partial(table))
}

/// The rows that parse, and the problems of the others.
pub fn parse_recognition_rows_partial(table: &Table) -> (Vec<RecognitionRow>, Vec<ImportIssue>) {
    parse_rows(table, &RECOGNITION_COLUMNS, |r, seen| {
        let code_text = r.code_text("credit_code", true);
        let credit_code = r.parsed(
            "credit_code",
            code_text,
            CreditCode::parse,
            ImportProblem::CreditCode,
        );
        let name = r.optional_text("name").map(|n| n.trim().to_string());
        let tier = r.choice("tier", true, Tier::parse, |value| {
            ImportProblem::UnknownTier { value }
        });
        let certificate_no = r
            .code_text("certificate_no", true)
            .map(|c| c.trim().to_string());
        if let (Some(Some(tier)), Some(no)) = (&tier, &certificate_no) {
            // The same certificate is the same tier and number.
            let key = format!("{}\u{0}{no}", tier.code());
            match seen.get(&key) {
                Some(first) => {
                    let problem = ImportProblem::DuplicateInFile {
                        key: no.clone(),
                        first_row: *first,
                    };
                    r.report_field("certificate_no", problem);
                }
                None => {
                    seen.insert(key, r.row.number);
                }
            }
        }
        let issued_on = r.date("issued_on");
        if matches!(issued_on, Some(None)) {
            let column = r.cell("issued_on").map(|(c, _)| c);
            if column.is_some() {
                r.report("issued_on", column, ImportProblem::Required);
            }
        }
        let expires_on = r.date("expires_on");
        let authority = r.optional_text("authority").map(|a| a.trim().to_string());
        let (issued_on, expires_on) = (issued_on??, expires_on?);
        if let Some(expires) = expires_on
            && expires <= issued_on
        {
            r.report_field(
                "expires_on",
                ImportProblem::ExpiryNotAfterIssue {
                    issued: issued_on,
                    expires,
                },
            );
            return None;
        }
        Some(RecognitionRow {
            row: r.row.number,
            credit_code: credit_code?,
            name,
            recognition: Recognition {
                tier: tier??,
                certificate_no: certificate_no?,
                issued_on,
                expires_on,
            },
            authority,
        })
    })
}

/// A registered enterprise a row may name.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognitionHolder {
    pub id: EnterpriseId,
    pub name: String,
    /// Where it is located today.
    pub park: Option<UnitId>,
}

/// A recognition already recorded under a row's tier and certificate number.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCertificate {
    pub id: i64,
    pub enterprise: EnterpriseId,
    /// The holder's credit code, to name it in a message.
    pub credit_code: Option<CreditCode>,
    pub recognition: Recognition,
    pub authority: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecognitionChange {
    pub row: usize,
    pub enterprise: EnterpriseId,
    pub recognition: Recognition,
    pub authority: Option<String>,
    /// The recorded recognition this row corrects, if it is one already recorded.
    pub corrects: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RecognitionImportPlan {
    /// New certificates and corrections, in file order.
    pub changes: Vec<RecognitionChange>,
    /// Rows that repeat what is recorded.
    pub unchanged: usize,
}

impl RecognitionImportPlan {
    pub fn created(&self) -> usize {
        self.changes.iter().filter(|c| c.corrects.is_none()).count()
    }
    pub fn corrected(&self) -> usize {
        self.changes.iter().filter(|c| c.corrects.is_some()).count()
    }
}

/// Checks parsed rows against the registry, what is recorded and the user's scope, and
/// makes the plan. `holders` holds the enterprises registered under the rows' credit
/// codes, `recorded` the recognitions recorded under the rows' tiers and numbers.
pub fn plan_recognition_import(
    table: &Table,
    rows: Vec<RecognitionRow>,
    holders: &HashMap<CreditCode, RecognitionHolder>,
    recorded: &[RecordedCertificate],
    principal: &Principal,
    tree: &Tree,
) -> Result<RecognitionImportPlan, Vec<ImportIssue>> {
    let col_of = |key: &str| {
        table
            .headers
            .iter()
            .position(|h| {
                RECOGNITION_COLUMNS
                    .iter()
                    .find(|c| c.key == key)
                    .is_some_and(|c| c.matches(h))
            })
            .map(|i| i + 1)
    };
    let at =
        |row: usize, key: &'static str, problem| issue(table, row, col_of(key), Some(key), problem);
    let recorded: HashMap<(Tier, &str), &RecordedCertificate> = recorded
        .iter()
        .map(|r| {
            (
                (r.recognition.tier, r.recognition.certificate_no.as_str()),
                r,
            )
        })
        .collect();
    let mut issues = Vec::new();
    let mut plan = RecognitionImportPlan::default();
    for row in rows {
        // A user bound to a part of the zone hears the same of an enterprise outside it
        // as of one that does not exist: an import tells nobody what lies beyond their
        // scope.
        let holder = holders
            .get(&row.credit_code)
            .filter(|h| principal.may_write_enterprise(h.id, h.park, tree));
        let Some(holder) = holder else {
            let code = row.credit_code.to_string();
            let problem = if principal.binding == Binding::Everything {
                ImportProblem::UnknownCreditCode { code }
            } else {
                ImportProblem::NoneInScope { code }
            };
            issues.push(at(row.row, "credit_code", problem));
            continue;
        };
        if let Some(given) = &row.name
            && given != holder.name.trim()
        {
            issues.push(at(
                row.row,
                "name",
                ImportProblem::NameMismatch {
                    given: given.clone(),
                    registered: holder.name.clone(),
                },
            ));
            continue;
        }
        let r = &row.recognition;
        let corrects = match recorded.get(&(r.tier, r.certificate_no.as_str())) {
            None => None,
            Some(stored) if stored.enterprise != holder.id => {
                issues.push(at(
                    row.row,
                    "certificate_no",
                    ImportProblem::CertificateHeldByAnother {
                        certificate: r.certificate_no.clone(),
                        holder: stored
                            .credit_code
                            .as_ref()
                            .map_or_else(|| stored.enterprise.to_string(), |c| c.to_string()),
                    },
                ));
                continue;
            }
            Some(stored) => {
                let same_authority = row.authority.is_none() || row.authority == stored.authority;
                if stored.recognition == *r && same_authority {
                    plan.unchanged += 1;
                    continue;
                }
                Some(stored.id)
            }
        };
        let authority = match (row.authority, corrects) {
            // A blank authority keeps the recorded one.
            (None, Some(id)) => recorded
                .values()
                .find(|s| s.id == id)
                .and_then(|s| s.authority.clone()),
            (a, _) => a,
        };
        plan.changes.push(RecognitionChange {
            row: row.row,
            enterprise: holder.id,
            recognition: row.recognition,
            authority,
            corrects,
        });
    }
    if issues.is_empty() {
        Ok(plan)
    } else {
        Err(issues)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::accounts::{Binding, Role};
    use crate::registry::hierarchy::Hierarchy;
    use crate::table::{Cell, Position, Row};

    // Published codes, checked in credit_code.rs.
    const HUAWEI: &str = "914403001922038216";
    const TENCENT: &str = "9144030071526726XG";

    const HEADERS: [&str; 7] = [
        "统一社会信用代码",
        "企业名称",
        "认定类型",
        "证书编号",
        "发证日期",
        "有效期至",
        "发证机关",
    ];

    fn row(number: usize, values: [&str; 7]) -> Row {
        Row {
            number,
            cells: values
                .iter()
                .map(|v| {
                    if v.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(v.to_string())
                    }
                })
                .collect(),
        }
    }

    fn table(rows: Vec<Row>) -> Table {
        Table {
            sheet: Some("认定".to_string()),
            header_row: 1,
            headers: HEADERS.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }

    fn at(row: usize, column: usize, field: &'static str, problem: ImportProblem) -> ImportIssue {
        ImportIssue {
            position: Position {
                sheet: Some("认定".to_string()),
                row,
                column: Some(column),
            },
            field: Some(field),
            problem,
        }
    }

    fn admin() -> Principal {
        Principal {
            user_id: 1,
            username: "admin".to_string(),
            role: Role::Administrator,
            binding: Binding::Everything,
        }
    }

    #[test]
    fn a_good_row_parses_by_chinese_name_or_code() {
        let t = table(vec![
            row(
                2,
                [
                    HUAWEI,
                    "华为",
                    "高新技术企业",
                    "GR1",
                    "2023-11-30",
                    "2026-11-30",
                    "省科技厅",
                ],
            ),
            row(3, [HUAWEI, "", "tech_sme", "KJ1", "2024年5月1日", "", ""]),
        ]);
        let rows = parse_recognition_rows(&t).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].recognition.tier, Tier::HighTech);
        assert_eq!(rows[0].recognition.expires_on, Some(date!(2026 - 11 - 30)));
        assert_eq!(rows[0].authority.as_deref(), Some("省科技厅"));
        assert_eq!(rows[1].recognition.tier, Tier::TechSme);
        assert_eq!(rows[1].recognition.issued_on, date!(2024 - 05 - 01));
        assert_eq!(rows[1].name, None);
    }

    #[test]
    fn every_bad_cell_is_located() {
        let t = table(vec![
            // A malformed code says why (the check character), an unknown tier.
            row(
                2,
                [
                    "914403001922038217",
                    "",
                    "小巨人企业",
                    "GR1",
                    "2023-11-30",
                    "",
                    "",
                ],
            ),
            // No certificate number, an issue date that does not parse.
            row(3, [HUAWEI, "", "高新技术企业", "", "2023-13-01", "", ""]),
            // Expiry before the issue date.
            row(
                4,
                [
                    HUAWEI,
                    "",
                    "高新技术企业",
                    "GR4",
                    "2023-11-30",
                    "2020-11-30",
                    "",
                ],
            ),
            // The same certificate twice (row 5 and row 6); another tier is another one.
            row(5, [HUAWEI, "", "高新技术企业", "GR5", "2023-11-30", "", ""]),
            row(6, [TENCENT, "", "high_tech", "GR5", "2023-12-30", "", ""]),
            row(7, [TENCENT, "", "瞪羚企业", "GR5", "2023-12-30", "", ""]),
        ]);
        let issues = parse_recognition_rows(&t).unwrap_err();
        let credit_error = CreditCode::parse("914403001922038217").unwrap_err();
        assert_eq!(
            issues,
            [
                at(2, 1, "credit_code", ImportProblem::CreditCode(credit_error)),
                at(
                    2,
                    3,
                    "tier",
                    ImportProblem::UnknownTier {
                        value: "小巨人企业".to_string()
                    }
                ),
                at(3, 4, "certificate_no", ImportProblem::Required),
                at(
                    3,
                    5,
                    "issued_on",
                    ImportProblem::NotADate {
                        value: "2023-13-01".to_string()
                    }
                ),
                at(
                    4,
                    6,
                    "expires_on",
                    ImportProblem::ExpiryNotAfterIssue {
                        issued: date!(2023 - 11 - 30),
                        expires: date!(2020 - 11 - 30)
                    }
                ),
                at(
                    6,
                    4,
                    "certificate_no",
                    ImportProblem::DuplicateInFile {
                        key: "GR5".to_string(),
                        first_row: 5
                    }
                ),
            ]
        );
    }

    #[test]
    fn the_plan_checks_the_registry_and_what_is_recorded() {
        let t = table(vec![
            // Unknown enterprise.
            row(
                2,
                [
                    "91620102224331056P",
                    "",
                    "高新技术企业",
                    "GR1",
                    "2023-11-30",
                    "",
                    "",
                ],
            ),
            // A name that is not the registered one.
            row(
                3,
                [
                    HUAWEI,
                    "华为公司",
                    "高新技术企业",
                    "GR2",
                    "2023-11-30",
                    "",
                    "",
                ],
            ),
            // Tencent's certificate.
            row(
                4,
                [HUAWEI, "华为", "高新技术企业", "GR-T", "2023-11-30", "", ""],
            ),
        ]);
        let rows = parse_recognition_rows(&t).unwrap();
        let holders = HashMap::from([
            (
                CreditCode::parse(HUAWEI).unwrap(),
                RecognitionHolder {
                    id: EnterpriseId(1),
                    name: "华为".to_string(),
                    park: None,
                },
            ),
            (
                CreditCode::parse(TENCENT).unwrap(),
                RecognitionHolder {
                    id: EnterpriseId(2),
                    name: "腾讯".to_string(),
                    park: None,
                },
            ),
        ]);
        let recorded = [RecordedCertificate {
            id: 9,
            enterprise: EnterpriseId(2),
            credit_code: Some(CreditCode::parse(TENCENT).unwrap()),
            recognition: Recognition {
                tier: Tier::HighTech,
                certificate_no: "GR-T".to_string(),
                issued_on: date!(2022 - 01 - 01),
                expires_on: None,
            },
            authority: None,
        }];
        let tree = Hierarchy::new(vec![], vec![]).as_of(date!(2024 - 01 - 01));
        let issues =
            plan_recognition_import(&t, rows, &holders, &recorded, &admin(), &tree).unwrap_err();
        assert_eq!(
            issues,
            [
                at(
                    2,
                    1,
                    "credit_code",
                    ImportProblem::UnknownCreditCode {
                        code: "91620102224331056P".to_string()
                    }
                ),
                at(
                    3,
                    2,
                    "name",
                    ImportProblem::NameMismatch {
                        given: "华为公司".to_string(),
                        registered: "华为".to_string()
                    }
                ),
                at(
                    4,
                    4,
                    "certificate_no",
                    ImportProblem::CertificateHeldByAnother {
                        certificate: "GR-T".to_string(),
                        holder: TENCENT.to_string()
                    }
                ),
            ]
        );

        // The holder's own certificate: unchanged as recorded, a correction otherwise.
        let t = table(vec![
            row(
                2,
                [
                    TENCENT,
                    "腾讯",
                    "高新技术企业",
                    "GR-T",
                    "2022-01-01",
                    "",
                    "",
                ],
            ),
            row(
                3,
                [TENCENT, "", "高新技术企业", "GR-T2", "2022-01-01", "", ""],
            ),
        ]);
        let rows = parse_recognition_rows(&t).unwrap();
        let plan = plan_recognition_import(&t, rows, &holders, &recorded, &admin(), &tree).unwrap();
        assert_eq!(
            (plan.created(), plan.corrected(), plan.unchanged),
            (1, 0, 1)
        );
        let t = table(vec![row(
            2,
            [
                TENCENT,
                "",
                "高新技术企业",
                "GR-T",
                "2022-01-01",
                "2025-01-01",
                "",
            ],
        )]);
        let rows = parse_recognition_rows(&t).unwrap();
        let plan = plan_recognition_import(&t, rows, &holders, &recorded, &admin(), &tree).unwrap();
        assert_eq!(plan.changes[0].corrects, Some(9));
    }
}
