//! Monitoring's messages: catalogue and target errors, why a value is unavailable, and
//! the names of target statuses.

use innozone_domain::monitoring::{
    Catalogue, CatalogueError, StatisticIssue, StatisticProblem, TargetError, TargetStatus,
    Unavailable,
};

use crate::{Lang, Localize};

impl Localize for CatalogueError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CatalogueError::Syntax {
                line,
                column,
                message,
            } => lang.t_with(
                "catalogue.error.syntax",
                &[
                    ("line", line.to_string()),
                    ("column", column.to_string()),
                    ("message", message.clone()),
                ],
            ),
            CatalogueError::BadVersion => lang.t("catalogue.error.bad_version"),
            CatalogueError::BadCode(code) => {
                lang.t_with("catalogue.error.bad_code", &[("code", code.clone())])
            }
            CatalogueError::DuplicateCode(code) => {
                lang.t_with("catalogue.error.duplicate", &[("code", code.clone())])
            }
            CatalogueError::UnknownUnit { entry, unit } => lang.t_with(
                "catalogue.error.unknown_unit",
                &[("entry", entry.clone()), ("unit", unit.clone())],
            ),
            CatalogueError::UnknownForm { indicator, form } => lang.t_with(
                "catalogue.error.unknown_form",
                &[("indicator", indicator.clone()), ("form", form.clone())],
            ),
            CatalogueError::BadDecimals {
                indicator,
                decimals,
            } => lang.t_with(
                "catalogue.error.bad_decimals",
                &[
                    ("indicator", indicator.clone()),
                    ("decimals", decimals.to_string()),
                ],
            ),
            CatalogueError::Formula {
                indicator,
                formula,
                error,
            } => {
                let (_, column) = error.span.line_column(formula);
                lang.t_with(
                    "catalogue.error.formula",
                    &[
                        ("indicator", indicator.clone()),
                        ("source", formula.clone()),
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

impl Localize for TargetError {
    fn localize(&self, lang: Lang) -> String {
        let entry = |key: &str, n: &usize, more: &[(&str, String)]| {
            let mut args = vec![("entry", n.to_string())];
            args.extend(more.iter().map(|(k, v)| (*k, v.clone())));
            lang.t_with(key, &args)
        };
        match self {
            TargetError::Syntax {
                line,
                column,
                message,
            } => lang.t_with(
                "target.error.syntax",
                &[
                    ("line", line.to_string()),
                    ("column", column.to_string()),
                    ("message", message.clone()),
                ],
            ),
            TargetError::NoPoints { entry: n } => entry("target.error.no_points", n, &[]),
            TargetError::YearsOutOfOrder { entry: n, year } => entry(
                "target.error.years_out_of_order",
                n,
                &[("year", year.to_string())],
            ),
            TargetError::NotFinite { entry: n } => entry("target.error.not_finite", n, &[]),
            TargetError::BadThresholds { entry: n } => entry("target.error.bad_thresholds", n, &[]),
            TargetError::GrowthNeedsPositive { entry: n } => {
                entry("target.error.growth_needs_positive", n, &[])
            }
            TargetError::UnknownIndicator {
                entry: n,
                indicator,
            } => entry(
                "target.error.unknown_indicator",
                n,
                &[("indicator", indicator.clone())],
            ),
            TargetError::UnknownUnit { entry: n, unit } => {
                entry("target.error.unknown_unit", n, &[("unit", unit.clone())])
            }
            TargetError::Duplicate {
                entry: n,
                unit,
                indicator,
            } => entry(
                "target.error.duplicate",
                n,
                &[("unit", unit.clone()), ("indicator", indicator.clone())],
            ),
        }
    }
}

/// Why a value cannot be shown, in words.
pub fn unavailable_reason(why: &Unavailable, catalogue: &Catalogue, lang: Lang) -> String {
    let english = lang.is_english();
    match why {
        Unavailable::NoData { term } => lang.t_with(
            "monitoring.unavailable.no_data",
            &[("term", catalogue.terms[*term].text.clone())],
        ),
        Unavailable::MissingStatistic { statistic, period } => lang.t_with(
            "monitoring.unavailable.missing_statistic",
            &[
                (
                    "statistic",
                    catalogue.statistics[*statistic].name(english).to_string(),
                ),
                (
                    "period",
                    if english {
                        period.label_en()
                    } else {
                        period.label_zh()
                    },
                ),
            ],
        ),
        Unavailable::DivisionByZero => lang.t("monitoring.unavailable.division_by_zero"),
        Unavailable::NoPeriod { period } => lang.t_with(
            "monitoring.unavailable.no_period",
            &[(
                "period",
                if english {
                    period.label_en()
                } else {
                    period.label_zh()
                },
            )],
        ),
        Unavailable::NotReported => lang.t("monitoring.unavailable.not_reported"),
        Unavailable::NotByGroup { statistic } => lang.t_with(
            "monitoring.unavailable.not_by_group",
            &[(
                "statistic",
                catalogue.statistics[*statistic].name(english).to_string(),
            )],
        ),
    }
}

pub fn target_status_name(status: TargetStatus, lang: Lang) -> String {
    lang.t(&format!("monitoring.status.{}", status.code()))
}

impl Localize for StatisticIssue {
    fn localize(&self, lang: Lang) -> String {
        let problem = match &self.problem {
            StatisticProblem::NoUnitColumn => lang.t("statistics.issue.no_unit_column"),
            StatisticProblem::NoStatisticColumns => lang.t("statistics.issue.no_statistic_columns"),
            StatisticProblem::UnknownColumn(h) => {
                lang.t_with("statistics.issue.unknown_column", &[("header", h.clone())])
            }
            StatisticProblem::DuplicateColumn(h) => lang.t_with(
                "statistics.issue.duplicate_column",
                &[("header", h.clone())],
            ),
            StatisticProblem::UnknownUnit(c) => {
                lang.t_with("statistics.issue.unknown_unit", &[("code", c.clone())])
            }
            StatisticProblem::DuplicateUnit(c) => {
                lang.t_with("statistics.issue.duplicate_unit", &[("code", c.clone())])
            }
            StatisticProblem::NotANumber(t) => {
                lang.t_with("statistics.issue.not_a_number", &[("text", t.clone())])
            }
        };
        format!(
            "{}{}{}",
            crate::messages::position_text(&self.position, lang),
            lang.t("issue.separator"),
            problem
        )
    }
}
