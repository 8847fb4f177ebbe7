//! Messages of direct reporting: formula errors with their place, form definition errors,
//! the lifecycle, entries and uploads.

use innozone_domain::expr::{ExprError, ExprErrorKind};
use innozone_domain::reporting::intake::{IntakeIssue, IntakeProblem};
use innozone_domain::reporting::{
    EntryProblem, FilingAction, FilingState, FilingStatus, Form, FormError, LifecycleError,
    PeriodError, RulePart, Severity,
};

use crate::{Lang, Localize};

/// A formula error with its place in `source`: "第 13 个字符处：没有名为…".
pub fn formula_message(error: &ExprError, source: &str, lang: Lang) -> String {
    let (_, column) = error.span.line_column(source);
    format!(
        "{}{}{}",
        lang.t_with("expr.at", &[("column", column.to_string())]),
        lang.t("issue.separator"),
        error.kind.localize(lang)
    )
}

impl Localize for ExprErrorKind {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ExprErrorKind::Empty => lang.t("expr.empty"),
            ExprErrorKind::UnexpectedCharacter(c) => {
                lang.t_with("expr.unexpected_character", &[("character", c.to_string())])
            }
            ExprErrorKind::UnterminatedText => lang.t("expr.unterminated_text"),
            ExprErrorKind::BadNumber(text) => {
                lang.t_with("expr.bad_number", &[("text", text.clone())])
            }
            ExprErrorKind::UnexpectedToken { found, expected } => lang.t_with(
                &format!("expr.unexpected_token.{expected}"),
                &[("found", found.clone())],
            ),
            ExprErrorKind::UnexpectedEnd => lang.t("expr.unexpected_end"),
            ExprErrorKind::UnclosedParenthesis => lang.t("expr.unclosed_parenthesis"),
            ExprErrorKind::ChainedComparison => lang.t("expr.chained_comparison"),
            ExprErrorKind::UnknownField { name, suggestion } => {
                let mut text = lang.t_with("expr.unknown_field", &[("name", name.clone())]);
                if let Some(s) = suggestion {
                    text.push_str(&lang.t_with("expr.suggestion", &[("name", s.clone())]));
                }
                text
            }
            ExprErrorKind::UnknownFunction(name) => {
                lang.t_with("expr.unknown_function", &[("name", name.clone())])
            }
            ExprErrorKind::WrongArgumentCount {
                function,
                expected,
                found,
            } => lang.t_with(
                "expr.wrong_argument_count",
                &[
                    ("function", function.clone()),
                    ("expected", expected.to_string()),
                    ("found", found.to_string()),
                ],
            ),
            ExprErrorKind::TypeMismatch { expected, found } => lang.t_with(
                "expr.type_mismatch",
                &[
                    (
                        "expected",
                        lang.t(&format!("expr.type.{}", expected.code())),
                    ),
                    ("found", lang.t(&format!("expr.type.{}", found.code()))),
                ],
            ),
            ExprErrorKind::FieldArgumentExpected(function) => lang.t_with(
                "expr.field_argument_expected",
                &[("function", function.clone())],
            ),
            ExprErrorKind::PeriodUnavailable(function) => {
                lang.t_with("expr.period_unavailable", &[("function", function.clone())])
            }
            ExprErrorKind::DivisionByZero => lang.t("expr.division_by_zero"),
            ExprErrorKind::DimensionMismatch { left, right } => lang.t_with(
                "expr.dimension_mismatch",
                &[
                    ("left", left.describe(lang.is_english())),
                    ("right", right.describe(lang.is_english())),
                ],
            ),
            ExprErrorKind::ScaleMismatch { left, right } => lang.t_with(
                "expr.scale_mismatch",
                &[
                    ("left", left.symbol(lang.is_english()).to_string()),
                    ("right", right.symbol(lang.is_english()).to_string()),
                ],
            ),
            ExprErrorKind::UnitMismatch { found, declared } => lang.t_with(
                "expr.unit_mismatch",
                &[
                    ("found", found.describe(lang.is_english())),
                    ("declared", declared.symbol(lang.is_english()).to_string()),
                    ("expected", declared.dimension().describe(lang.is_english())),
                ],
            ),
            ExprErrorKind::NestedAggregate(function) => {
                lang.t_with("expr.nested_aggregate", &[("function", function.clone())])
            }
            ExprErrorKind::FieldOutsideAggregate(name) => {
                lang.t_with("expr.field_outside_aggregate", &[("name", name.clone())])
            }
            ExprErrorKind::NoForm(function) => {
                lang.t_with("expr.no_form", &[("function", function.clone())])
            }
            ExprErrorKind::Cycle(path) => lang.t_with("expr.cycle", &[("path", path.join(" → "))]),
            ExprErrorKind::OtherForm(name) => {
                lang.t_with("expr.other_form", &[("name", name.clone())])
            }
        }
    }
}

impl Localize for FormError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            FormError::Syntax {
                line,
                column,
                message,
            } => lang.t_with(
                "form.error.syntax",
                &[
                    ("line", line.to_string()),
                    ("column", column.to_string()),
                    ("message", message.clone()),
                ],
            ),
            FormError::BadCode(code) => {
                lang.t_with("form.error.bad_code", &[("code", code.clone())])
            }
            FormError::NoFields => lang.t("form.error.no_fields"),
            FormError::BadVersion => lang.t("form.error.bad_version"),
            FormError::DuplicateField(f) => {
                lang.t_with("form.error.duplicate_field", &[("field", f.clone())])
            }
            FormError::DuplicateRule(r) => {
                lang.t_with("form.error.duplicate_rule", &[("rule", r.clone())])
            }
            FormError::UnknownGroup { field, group } => lang.t_with(
                "form.error.unknown_group",
                &[("field", field.clone()), ("group", group.clone())],
            ),
            FormError::UnknownPartOf { field, part_of } => lang.t_with(
                "form.error.unknown_part_of",
                &[("field", field.clone()), ("part_of", part_of.clone())],
            ),
            FormError::PartOfCycle(field) => {
                lang.t_with("form.error.part_of_cycle", &[("field", field.clone())])
            }
            FormError::UnknownRuleField { rule, field } => lang.t_with(
                "form.error.unknown_rule_field",
                &[("rule", rule.clone()), ("field", field.clone())],
            ),
            FormError::Formula {
                rule,
                part,
                source_text,
                error,
            } => {
                let (_, column) = error.span.line_column(source_text);
                lang.t_with(
                    "form.error.formula",
                    &[
                        ("rule", rule.clone()),
                        (
                            "part",
                            lang.t(if *part == RulePart::When {
                                "form.part.when"
                            } else {
                                "form.part.check"
                            }),
                        ),
                        ("source", source_text.clone()),
                        (
                            "at",
                            lang.t_with("expr.at", &[("column", column.to_string())]),
                        ),
                        ("message", error.kind.localize(lang)),
                    ],
                )
            }
        }
    }
}

impl Localize for PeriodError {
    fn localize(&self, lang: Lang) -> String {
        lang.t_with("period.error", &[("text", self.0.clone())])
    }
}

pub fn status_name(status: FilingStatus, lang: Lang) -> String {
    lang.t(&format!("filing.status.{}", status.code()))
}

/// The status as users read it: a locked filing shows as locked.
pub fn state_name(state: FilingState, lang: Lang) -> String {
    if state.locked {
        format!(
            "{}·{}",
            status_name(state.status, lang),
            lang.t("filing.status.locked")
        )
    } else {
        status_name(state.status, lang)
    }
}

pub fn action_name(action: FilingAction, lang: Lang) -> String {
    lang.t(&format!("filing.action.{}", action.code()))
}

impl Localize for LifecycleError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            LifecycleError::Locked => lang.t("lifecycle.locked"),
            LifecycleError::PeriodClosed => lang.t("lifecycle.period_closed"),
            LifecycleError::NotAllowed { action, status } => lang.t_with(
                "lifecycle.not_allowed",
                &[
                    ("status", status_name(*status, lang)),
                    ("action", action_name(*action, lang)),
                ],
            ),
            LifecycleError::NotLocked => lang.t("lifecycle.not_locked"),
            LifecycleError::ReasonRequired => lang.t("lifecycle.reason_required"),
        }
    }
}

impl Localize for EntryProblem {
    fn localize(&self, lang: Lang) -> String {
        match self {
            EntryProblem::NotANumber(text) => {
                lang.t_with("entry.not_a_number", &[("text", text.clone())])
            }
            EntryProblem::NotWhole => lang.t("entry.not_whole"),
            EntryProblem::Negative => lang.t("entry.negative"),
            EntryProblem::TooLarge => lang.t("entry.too_large"),
        }
    }
}

impl Localize for IntakeProblem {
    fn localize(&self, lang: Lang) -> String {
        match self {
            IntakeProblem::Empty => lang.t("intake.empty"),
            IntakeProblem::TooManyRows { rows, limit } => lang.t_with(
                "intake.too_many_rows",
                &[("rows", rows.to_string()), ("limit", limit.to_string())],
            ),
            IntakeProblem::MissingCreditCodeColumn => lang.t("intake.missing_credit_code_column"),
            IntakeProblem::UnknownColumn { header } => {
                lang.t_with("intake.unknown_column", &[("header", header.clone())])
            }
            IntakeProblem::DuplicateColumn { header } => {
                lang.t_with("intake.duplicate_column", &[("header", header.clone())])
            }
            IntakeProblem::UnknownField { code } => {
                lang.t_with("intake.unknown_field", &[("code", code.clone())])
            }
            IntakeProblem::CreditCode { error } => error.localize(lang),
            IntakeProblem::DuplicateEnterprise { first_row } => lang.t_with(
                "intake.duplicate_enterprise",
                &[("row", first_row.to_string())],
            ),
            IntakeProblem::WrongPeriod { found, expected } => lang.t_with(
                "intake.wrong_period",
                &[
                    ("found", found.clone()),
                    (
                        "expected",
                        if lang.is_english() {
                            expected.label_en()
                        } else {
                            expected.label_zh()
                        },
                    ),
                ],
            ),
            IntakeProblem::Entry { problem } => problem.localize(lang),
            IntakeProblem::UnknownEnterprise => lang.t("intake.unknown_enterprise"),
            IntakeProblem::OutsideScope => lang.t("intake.outside_scope"),
            IntakeProblem::NotLocated => lang.t("intake.not_located"),
            IntakeProblem::Required => lang.t("intake.required"),
            IntakeProblem::Rule {
                code,
                severity,
                zh,
                en,
                explained,
            } => {
                let key = match (severity, explained) {
                    (Severity::Error, _) => "intake.rule.error",
                    (Severity::Warning, false) => "intake.rule.warning",
                    (Severity::Warning, true) => "intake.rule.explained",
                };
                lang.t_with(
                    key,
                    &[
                        ("code", code.clone()),
                        ("message", if lang.is_english() { en } else { zh }.clone()),
                    ],
                )
            }
            IntakeProblem::Lifecycle { error } => error.localize(lang),
        }
    }
}

/// The label of a field of `form` (or the column's key when it is not a field).
pub fn form_field_label(form: Option<&Form>, code: &str, lang: Lang) -> String {
    form.and_then(|f| f.field(code))
        .map(|f| {
            if lang.is_english() {
                f.en.clone()
            } else {
                f.zh.clone()
            }
        })
        .unwrap_or_else(|| crate::field_label(code, lang))
}

/// An upload or form issue with its place: "工作表“年报”第 3 行 F 列（营业收入）：…".
pub fn intake_message(issue: &IntakeIssue, form: Option<&Form>, lang: Lang) -> String {
    // A form typed in the browser has no rows: only the field says where.
    let mut place = if issue.position.row == 0 {
        String::new()
    } else {
        crate::messages::position_text(&issue.position, lang)
    };
    if let Some(field) = &issue.field {
        let label = form_field_label(form, field, lang);
        if place.is_empty() {
            place = label;
        } else {
            place.push_str(&lang.t_with("issue.field", &[("field", label)]));
        }
    }
    if place.is_empty() {
        issue.problem.localize(lang)
    } else {
        format!(
            "{place}{}{}",
            lang.t("issue.separator"),
            issue.problem.localize(lang)
        )
    }
}
