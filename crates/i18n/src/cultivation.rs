//! Cultivation's messages (梯度培育): problems of a ladder file, each with its line and
//! column in the file ("认定条件第 12 行第 5 列：……"); a formula's problem says which
//! formula of which criterion, in the words the formulas of forms use.

use innozone_domain::cultivation::{CriterionPart, TierError};

use crate::{Lang, Localize};

/// The most definitions a ladder may have (the domain's `MAX_DEFINITIONS`).
const MAX_DEFINITIONS: usize = 32;

fn at(key: &str, line: usize, column: usize, more: &[(&str, String)], lang: Lang) -> String {
    let mut args = vec![("line", line.to_string()), ("column", column.to_string())];
    args.extend(more.iter().map(|(k, v)| (*k, v.clone())));
    lang.t_with(&format!("cultivation.ladder.{key}"), &args)
}

impl Localize for TierError {
    fn localize(&self, lang: Lang) -> String {
        let s = |v: &String| v.clone();
        match self {
            TierError::Syntax {
                line,
                column,
                message,
            } => at("syntax", *line, *column, &[("message", s(message))], lang),
            TierError::BadVersion { line, column } => at("bad_version", *line, *column, &[], lang),
            TierError::NoTiers { line, column } => at("no_tiers", *line, *column, &[], lang),
            TierError::UnknownTier {
                line,
                column,
                code,
                suggestion,
            } => {
                let mut text = at("unknown_tier", *line, *column, &[("code", s(code))], lang);
                if let Some(name) = suggestion {
                    text.push_str(
                        &lang.t_with("cultivation.ladder.suggestion", &[("name", s(name))]),
                    );
                }
                text
            }
            TierError::DuplicateTier {
                line,
                column,
                code,
                first_line,
            } => at(
                "duplicate_tier",
                *line,
                *column,
                &[("code", s(code)), ("first_line", first_line.to_string())],
                lang,
            ),
            TierError::BadValidYears {
                line,
                column,
                value,
            } => at(
                "bad_valid_years",
                *line,
                *column,
                &[("value", value.to_string())],
                lang,
            ),
            TierError::UnknownRequirement {
                line,
                column,
                tier,
                code,
            } => at(
                "unknown_requirement",
                *line,
                *column,
                &[("tier", s(tier)), ("code", s(code))],
                lang,
            ),
            TierError::BadCode { line, column, code } => {
                at("bad_code", *line, *column, &[("code", s(code))], lang)
            }
            TierError::DuplicateCriterion {
                line,
                column,
                tier,
                code,
                first_line,
            } => at(
                "duplicate_criterion",
                *line,
                *column,
                &[
                    ("tier", s(tier)),
                    ("code", s(code)),
                    ("first_line", first_line.to_string()),
                ],
                lang,
            ),
            TierError::NoTest {
                line,
                column,
                criterion,
            } => at(
                "no_test",
                *line,
                *column,
                &[("criterion", s(criterion))],
                lang,
            ),
            TierError::QualitativeWithRule {
                line,
                column,
                criterion,
            } => at(
                "qualitative_with_rule",
                *line,
                *column,
                &[("criterion", s(criterion))],
                lang,
            ),
            TierError::NoDescription {
                line,
                column,
                criterion,
            } => at(
                "no_description",
                *line,
                *column,
                &[("criterion", s(criterion))],
                lang,
            ),
            TierError::DuplicateName { line, column, code } => {
                at("duplicate_name", *line, *column, &[("code", s(code))], lang)
            }
            TierError::TooManyDefinitions { line, column } => at(
                "too_many_definitions",
                *line,
                *column,
                &[("max", MAX_DEFINITIONS.to_string())],
                lang,
            ),
            TierError::UnknownUnit { line, column, unit } => {
                at("unknown_unit", *line, *column, &[("unit", s(unit))], lang)
            }
            TierError::Formula {
                line,
                column,
                tier,
                criterion,
                part,
                error,
                ..
            } => {
                let problem = error.kind.localize(lang);
                if *part == CriterionPart::Definition {
                    at(
                        "definition_formula",
                        *line,
                        *column,
                        &[("criterion", s(criterion)), ("error", problem)],
                        lang,
                    )
                } else {
                    at(
                        "formula",
                        *line,
                        *column,
                        &[
                            ("tier", s(tier)),
                            ("criterion", s(criterion)),
                            (
                                "part",
                                lang.t(&format!("cultivation.ladder.part.{}", part.code())),
                            ),
                            ("error", problem),
                        ],
                        lang,
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use innozone_domain::expr::{ExprError, ExprErrorKind, Span};

    use super::*;

    #[test]
    fn ladder_errors_read_in_chinese_with_their_place() {
        let e = TierError::BadVersion {
            line: 3,
            column: 11,
        };
        assert_eq!(
            e.localize(Lang::ZhCn),
            "认定条件第 3 行第 11 列：版本号须为 1 或以上"
        );
        assert_eq!(
            e.localize(Lang::En),
            "Ladder, line 3, column 11: the version must be 1 or more"
        );

        let e = TierError::UnknownTier {
            line: 40,
            column: 8,
            code: "high_teck".into(),
            suggestion: Some("high_tech".into()),
        };
        assert_eq!(
            e.localize(Lang::ZhCn),
            "认定条件第 40 行第 8 列：“high_teck”不是已知的梯度层级，是否应为“high_tech”？"
        );

        let e = TierError::DuplicateCriterion {
            line: 90,
            column: 8,
            tier: "high_tech".into(),
            code: "rd_share".into(),
            first_line: 70,
        };
        assert_eq!(
            e.localize(Lang::ZhCn),
            "认定条件第 90 行第 8 列：层级“high_tech”中的条件“rd_share”重复定义（第 70 行已定义）"
        );
    }

    #[test]
    fn a_formula_error_names_its_criterion_part_and_problem() {
        let error = Box::new(ExprError {
            kind: ExprErrorKind::UnknownField {
                name: "nonexistent_field".into(),
                suggestion: None,
            },
            span: Span::new(0, 17),
        });
        let e = TierError::Formula {
            line: 12,
            column: 9,
            tier: "high_tech".into(),
            criterion: "rd_share".into(),
            part: CriterionPart::Rule,
            formula: "nonexistent_field > 1".into(),
            error: error.clone(),
        };
        let zh = e.localize(Lang::ZhCn);
        assert!(
            zh.starts_with(
                "认定条件第 12 行第 9 列：层级“high_tech”条件“rd_share”的判定规则（rule）有误："
            ),
            "{zh}"
        );
        assert!(zh.contains("nonexistent_field"), "{zh}");
        let en = e.localize(Lang::En);
        assert!(
            en.starts_with("Ladder, line 12, column 9: the rule of criterion 'rd_share'"),
            "{en}"
        );

        let e = TierError::Formula {
            line: 30,
            column: 11,
            tier: String::new(),
            criterion: "rd_total".into(),
            part: CriterionPart::Definition,
            formula: "nonexistent_field".into(),
            error,
        };
        assert!(
            e.localize(Lang::ZhCn)
                .starts_with("认定条件第 30 行第 11 列：定义“rd_total”的公式有误："),
        );
    }
}
