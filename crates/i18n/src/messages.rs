//! User messages for the typed errors of the domain. Each variant has its own key, so
//! that both languages say exactly what is wrong and where.

use innozone_domain::accounts::{BindingError, CredentialError};
use innozone_domain::registry::import::{
    ENTERPRISE_COLUMNS, ImportIssue, ImportProblem, RECOGNITION_COLUMNS, UNIT_COLUMNS,
};
use innozone_domain::registry::{
    CreditCodeError, EnterpriseError, HierarchyError, IndustryCodeError, UnitError, UnitKind,
};
use innozone_domain::table::column_letter;

use crate::Lang;

pub trait Localize {
    fn localize(&self, lang: Lang) -> String;
}

fn kind_name(kind: UnitKind, lang: Lang) -> String {
    lang.t(&format!("kind.{}", kind.code()))
}

impl Localize for CreditCodeError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CreditCodeError::WrongLength { found } => {
                lang.t_with("err.credit_code.length", &[("found", found.to_string())])
            }
            CreditCodeError::InvalidCharacter {
                position,
                character,
            } => lang.t_with(
                "err.credit_code.character",
                &[
                    ("position", position.to_string()),
                    ("character", character.to_string()),
                ],
            ),
            CreditCodeError::DivisionNotNumeric {
                position,
                character,
            } => lang.t_with(
                "err.credit_code.division",
                &[
                    ("position", position.to_string()),
                    ("character", character.to_string()),
                ],
            ),
            CreditCodeError::WrongCheckCharacter { expected, found } => lang.t_with(
                "err.credit_code.check",
                &[
                    ("expected", expected.to_string()),
                    ("found", found.to_string()),
                ],
            ),
        }
    }
}

impl Localize for IndustryCodeError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            IndustryCodeError::NotFourDigits { found } => {
                lang.t_with("err.industry.digits", &[("found", found.clone())])
            }
            IndustryCodeError::UnknownDivision { division } => {
                lang.t_with("err.industry.division", &[("division", division.clone())])
            }
        }
    }
}

impl Localize for UnitError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            UnitError::EmptyCode => lang.t("err.unit.empty_code"),
            UnitError::CodeTooLong { code } => {
                lang.t_with("err.unit.code_too_long", &[("code", code.clone())])
            }
            UnitError::InvalidCodeCharacter { code, character } => lang.t_with(
                "err.unit.code_character",
                &[("code", code.clone()), ("character", character.to_string())],
            ),
            UnitError::EmptyName => lang.t("err.unit.empty_name"),
            UnitError::NegativeArea { value } => {
                lang.t_with("err.unit.area", &[("value", value.to_string())])
            }
            UnitError::NegativePopulation { value } => {
                lang.t_with("err.unit.population", &[("value", value.to_string())])
            }
            UnitError::UnknownKind { value } => {
                lang.t_with("err.unit.kind", &[("value", value.clone())])
            }
            UnitError::UnknownSpatialRole { value } => {
                lang.t_with("err.unit.spatial_role", &[("value", value.clone())])
            }
        }
    }
}

impl Localize for HierarchyError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            HierarchyError::UnknownUnit { code } => {
                lang.t_with("err.hierarchy.unknown", &[("code", code.clone())])
            }
            HierarchyError::KindCannotContain {
                parent_kind,
                child_kind,
            } => lang.t_with(
                "err.hierarchy.nesting",
                &[
                    ("parent", kind_name(*parent_kind, lang)),
                    ("child", kind_name(*child_kind, lang)),
                ],
            ),
            HierarchyError::EmptyPeriod { from, until } => lang.t_with(
                "err.hierarchy.period",
                &[("from", from.to_string()), ("until", until.to_string())],
            ),
            HierarchyError::AlreadyMember {
                child,
                parent,
                from,
            } => lang.t_with(
                "err.hierarchy.already_member",
                &[
                    ("child", child.to_string()),
                    ("parent", parent.to_string()),
                    ("from", from.to_string()),
                ],
            ),
            HierarchyError::Cycle {
                child,
                parent,
                path,
            } => lang.t_with(
                "err.hierarchy.cycle",
                &[
                    ("child", child.to_string()),
                    ("parent", parent.to_string()),
                    (
                        "path",
                        path.iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(" → "),
                    ),
                ],
            ),
        }
    }
}

impl Localize for EnterpriseError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            EnterpriseError::EmptyName => lang.t("err.enterprise.empty_name"),
            EnterpriseError::NameTooLong => lang.t("err.enterprise.name_too_long"),
            EnterpriseError::InvalidPhone { value } => {
                lang.t_with("err.enterprise.phone", &[("value", value.clone())])
            }
            EnterpriseError::UnknownSizeClass { value } => {
                lang.t_with("err.enterprise.size_class", &[("value", value.clone())])
            }
            EnterpriseError::UnknownHighTechField { value } => lang.t_with(
                "err.enterprise.high_tech_field",
                &[("value", value.clone())],
            ),
            EnterpriseError::UnknownRegistrationType { value } => lang.t_with(
                "err.enterprise.registration_type",
                &[("value", value.clone())],
            ),
            EnterpriseError::UnknownSurveyFlag { value } => {
                lang.t_with("err.enterprise.in_survey", &[("value", value.clone())])
            }
            EnterpriseError::CannotHostEnterprises { kind } => {
                lang.t_with("err.enterprise.host", &[("kind", kind_name(*kind, lang))])
            }
            EnterpriseError::MoveBeforeCurrentLocation { date, since } => lang.t_with(
                "err.enterprise.move_date",
                &[("date", date.to_string()), ("since", since.to_string())],
            ),
        }
    }
}

impl Localize for CredentialError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CredentialError::UsernameLength { found } => lang.t_with(
                "err.credential.username_length",
                &[("found", found.to_string())],
            ),
            CredentialError::UsernameCharacter { character } => lang.t_with(
                "err.credential.username_character",
                &[("character", character.to_string())],
            ),
            CredentialError::PasswordTooShort { min, found } => lang.t_with(
                "err.credential.password_short",
                &[("min", min.to_string()), ("found", found.to_string())],
            ),
            CredentialError::PasswordTooSimple => lang.t("err.credential.password_simple"),
            CredentialError::PasswordCommon => lang.t("err.credential.password_common"),
            CredentialError::PasswordContainsUsername => lang.t("err.credential.password_username"),
        }
    }
}

impl Localize for BindingError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            BindingError::FilerNeedsEnterprise => lang.t("err.binding.filer"),
            BindingError::NeedsUnit { role } => lang.t_with(
                "err.binding.needs_unit",
                &[("role", lang.t(&format!("role.{}", role.code())))],
            ),
            BindingError::OnlyFilersBindToEnterprises => lang.t("err.binding.only_filers"),
        }
    }
}

impl Localize for ImportProblem {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ImportProblem::NoRows => lang.t("err.import.no_rows"),
            ImportProblem::MissingColumn { label } => {
                lang.t_with("err.import.missing_column", &[("label", label.clone())])
            }
            ImportProblem::DuplicateColumn { header } => {
                lang.t_with("err.import.duplicate_column", &[("header", header.clone())])
            }
            ImportProblem::Required => lang.t("err.import.required"),
            ImportProblem::NotANumber { value } => {
                lang.t_with("err.import.not_a_number", &[("value", value.clone())])
            }
            ImportProblem::NotAnInteger { value } => {
                lang.t_with("err.import.not_an_integer", &[("value", value.clone())])
            }
            ImportProblem::NotADate { value } => {
                lang.t_with("err.import.not_a_date", &[("value", value.clone())])
            }
            ImportProblem::CodeStoredAsNumber { value } => {
                lang.t_with("err.import.code_as_number", &[("value", value.clone())])
            }
            ImportProblem::CreditCode(e) => e.localize(lang),
            ImportProblem::Industry(e) => e.localize(lang),
            ImportProblem::Unit(e) => e.localize(lang),
            ImportProblem::Enterprise(e) => e.localize(lang),
            ImportProblem::Hierarchy(e) => e.localize(lang),
            ImportProblem::UnknownUnitCode { code } => {
                lang.t_with("err.import.unknown_unit", &[("code", code.clone())])
            }
            ImportProblem::DuplicateInFile { key, first_row } => lang.t_with(
                "err.import.duplicate_in_file",
                &[("key", key.clone()), ("first_row", first_row.to_string())],
            ),
            ImportProblem::OutsideScope { code } => {
                lang.t_with("err.import.outside_scope", &[("code", code.clone())])
            }
            ImportProblem::CreditCodeNotYours { code } => lang.t_with(
                "err.import.credit_code_not_yours",
                &[("code", code.clone())],
            ),
            ImportProblem::NoneInScope { code } => {
                lang.t_with("err.import.none_in_scope", &[("code", code.clone())])
            }
            ImportProblem::KeptByStaff { field } => lang.t_with(
                "err.import.kept_by_staff",
                &[("field", field_label(field, lang))],
            ),
            ImportProblem::UnknownTier { value } => {
                lang.t_with("err.import.unknown_tier", &[("value", value.clone())])
            }
            ImportProblem::UnknownCreditCode { code } => {
                lang.t_with("err.import.unknown_credit_code", &[("code", code.clone())])
            }
            ImportProblem::NameMismatch { given, registered } => lang.t_with(
                "err.import.name_mismatch",
                &[("given", given.clone()), ("registered", registered.clone())],
            ),
            ImportProblem::ExpiryNotAfterIssue { issued, expires } => lang.t_with(
                "err.import.expiry_not_after_issue",
                &[
                    ("issued", issued.to_string()),
                    ("expires", expires.to_string()),
                ],
            ),
            ImportProblem::CertificateHeldByAnother {
                certificate,
                holder,
            } => lang.t_with(
                "err.import.certificate_held_by_another",
                &[
                    ("certificate", certificate.clone()),
                    ("holder", holder.clone()),
                ],
            ),
        }
    }
}

/// The label of an import column in the user's language.
pub fn field_label(key: &str, lang: Lang) -> String {
    UNIT_COLUMNS
        .iter()
        .chain(ENTERPRISE_COLUMNS.iter())
        .chain(RECOGNITION_COLUMNS.iter())
        .find(|c| c.key == key)
        .map(|c| {
            if lang.is_english() {
                c.label_en.to_string()
            } else {
                c.label_zh.to_string()
            }
        })
        .unwrap_or_else(|| key.to_string())
}

/// A place in a file, in words: "工作表“企业”第 3 行 C 列".
pub fn position_text(position: &innozone_domain::table::Position, lang: Lang) -> String {
    let mut args = vec![("row", position.row.to_string())];
    let key = match (&position.sheet, position.column) {
        (Some(sheet), Some(c)) => {
            args.push(("sheet", sheet.clone()));
            args.push(("column", column_letter(c)));
            "issue.at.sheet_cell"
        }
        (Some(sheet), None) => {
            args.push(("sheet", sheet.clone()));
            "issue.at.sheet_row"
        }
        (None, Some(c)) => {
            args.push(("column", column_letter(c)));
            "issue.at.cell"
        }
        (None, None) => "issue.at.row",
    };
    lang.t_with(key, &args)
}

/// Where an issue is, in words: "工作表“企业”第 3 行 C 列(统一社会信用代码)".
pub fn issue_location(issue: &ImportIssue, lang: Lang) -> String {
    let mut text = position_text(&issue.position, lang);
    if let Some(field) = issue.field {
        text.push_str(&lang.t_with("issue.field", &[("field", field_label(field, lang))]));
    }
    text
}

impl Localize for ImportIssue {
    fn localize(&self, lang: Lang) -> String {
        format!(
            "{}{}{}",
            issue_location(self, lang),
            lang.t("issue.separator"),
            self.problem.localize(lang)
        )
    }
}
