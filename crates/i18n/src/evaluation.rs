//! Evaluation's messages: scheme file errors with line and column, problems of the data
//! file located by sheet, row and column, and why a run or an analysis could not go on.

use innozone_domain::evaluation::aggregate::AggregateError;
use innozone_domain::evaluation::data::{DataIssue, DataProblem};
use innozone_domain::evaluation::index::IndexError;
use innozone_domain::evaluation::inputs::{InputIssue, InputProblem};
use innozone_domain::evaluation::normalise::MethodError;
use innozone_domain::evaluation::robustness::RobustnessError;
use innozone_domain::evaluation::run::RunError;
use innozone_domain::evaluation::scheme::SchemeError;
use innozone_domain::evaluation::sensitivity::SensitivityError;
use innozone_domain::evaluation::treatment::{Impute, TreatmentError};

use crate::{Lang, Localize};

/// A number as a statistician writes it: no trailing `.0`, at most six decimals.
fn number(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.is_finite() {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        x.to_string()
    }
}

fn at(key: &str, line: usize, column: usize, more: &[(&str, String)], lang: Lang) -> String {
    let mut args = vec![("line", line.to_string()), ("column", column.to_string())];
    args.extend(more.iter().map(|(k, v)| (*k, v.clone())));
    lang.t_with(&format!("evaluation.scheme.{key}"), &args)
}

impl Localize for SchemeError {
    fn localize(&self, lang: Lang) -> String {
        let s = |v: &String| v.clone();
        match self {
            SchemeError::Syntax {
                line,
                column,
                message,
            } => at("syntax", *line, *column, &[("message", s(message))], lang),
            SchemeError::BadCode { line, column, code } => {
                at("bad_code", *line, *column, &[("code", s(code))], lang)
            }
            SchemeError::BadVersion { line, column } => {
                at("bad_version", *line, *column, &[], lang)
            }
            SchemeError::BaseYear { line, column, year } => at(
                "base_year",
                *line,
                *column,
                &[("year", year.to_string())],
                lang,
            ),
            SchemeError::NoIndicators { line, column } => {
                at("no_indicators", *line, *column, &[], lang)
            }
            SchemeError::DuplicateCode {
                line,
                column,
                code,
                first_line,
            } => at(
                "duplicate_code",
                *line,
                *column,
                &[("code", s(code)), ("first_line", first_line.to_string())],
                lang,
            ),
            SchemeError::UnknownParent {
                line,
                column,
                node,
                parent,
            } => at(
                "unknown_parent",
                *line,
                *column,
                &[("node", s(node)), ("parent", s(parent))],
                lang,
            ),
            SchemeError::IndicatorWithChildren {
                line,
                column,
                node,
                parent,
            } => at(
                "indicator_with_children",
                *line,
                *column,
                &[("node", s(node)), ("parent", s(parent))],
                lang,
            ),
            SchemeError::EmptyDimension { line, column, code } => at(
                "empty_dimension",
                *line,
                *column,
                &[("code", s(code))],
                lang,
            ),
            SchemeError::Cycle { line, column, code } => {
                at("cycle", *line, *column, &[("code", s(code))], lang)
            }
            SchemeError::NegativeWeight {
                line,
                column,
                node,
                weight,
            } => at(
                "negative_weight",
                *line,
                *column,
                &[("node", s(node)), ("weight", number(*weight))],
                lang,
            ),
            SchemeError::ZeroWeights {
                line,
                column,
                group: Some(group),
            } => at("zero_weights", *line, *column, &[("group", s(group))], lang),
            SchemeError::ZeroWeights {
                line,
                column,
                group: None,
            } => at("zero_weights_top", *line, *column, &[], lang),
            SchemeError::NoSource {
                line,
                column,
                indicator,
            } => at(
                "no_source",
                *line,
                *column,
                &[("indicator", s(indicator))],
                lang,
            ),
            SchemeError::TwoSources {
                line,
                column,
                indicator,
            } => at(
                "two_sources",
                *line,
                *column,
                &[("indicator", s(indicator))],
                lang,
            ),
            SchemeError::UnknownIndicator {
                line,
                column,
                indicator,
                code,
            } => at(
                "unknown_indicator",
                *line,
                *column,
                &[("indicator", s(indicator)), ("code", s(code))],
                lang,
            ),
            SchemeError::UnknownStatistic {
                line,
                column,
                indicator,
                code,
            } => at(
                "unknown_statistic",
                *line,
                *column,
                &[("indicator", s(indicator)), ("code", s(code))],
                lang,
            ),
            SchemeError::Method {
                line,
                column,
                indicator,
                message,
            } => at(
                "method",
                *line,
                *column,
                &[("indicator", s(indicator)), ("message", s(message))],
                lang,
            ),
            SchemeError::MethodParameter {
                line,
                column,
                indicator,
                error,
            } => at(
                "method",
                *line,
                *column,
                &[
                    ("indicator", s(indicator)),
                    ("message", error.localize(lang)),
                ],
                lang,
            ),
            SchemeError::Treatment {
                line,
                column,
                message,
            } => at(
                "treatment",
                *line,
                *column,
                &[("message", s(message))],
                lang,
            ),
            SchemeError::BadPoints { line, column, item } => {
                at("bad_points", *line, *column, &[("item", s(item))], lang)
            }
            SchemeError::NoGrades { line, column } => at("no_grades", *line, *column, &[], lang),
            SchemeError::MixedBands { line, column, band } => {
                at("mixed_bands", *line, *column, &[("band", s(band))], lang)
            }
            SchemeError::BandsNotOrdered { line, column, band } => at(
                "bands_not_ordered",
                *line,
                *column,
                &[("band", s(band))],
                lang,
            ),
            SchemeError::RestBand { line, column, band } => {
                at("rest_band", *line, *column, &[("band", s(band))], lang)
            }
            SchemeError::BadShare { line, column, band } => {
                at("bad_share", *line, *column, &[("band", s(band))], lang)
            }
            SchemeError::SharesOverHundred {
                line,
                column,
                total,
            } => at(
                "shares_over_hundred",
                *line,
                *column,
                &[("total", number(*total))],
                lang,
            ),
            SchemeError::UnknownGrade { line, column, code } => {
                at("unknown_grade", *line, *column, &[("code", s(code))], lang)
            }
            SchemeError::BadConsecutive { line, column, code } => at(
                "bad_consecutive",
                *line,
                *column,
                &[("code", s(code))],
                lang,
            ),
        }
    }
}

impl Localize for DataIssue {
    fn localize(&self, lang: Lang) -> String {
        let code = |key: &str, c: &String| {
            lang.t_with(&format!("evaluation.data.{key}"), &[("code", c.clone())])
        };
        let problem = match &self.problem {
            DataProblem::NoUnitColumn => lang.t("evaluation.data.no_unit_column"),
            DataProblem::UnknownIndicator(c) => code("unknown_indicator", c),
            DataProblem::MissingIndicator(c) => code("missing_indicator", c),
            DataProblem::DuplicateIndicator(c) => code("duplicate_indicator", c),
            DataProblem::DuplicateUnit(c) => code("duplicate_unit", c),
            DataProblem::NotANumber(t) => {
                lang.t_with("evaluation.data.not_a_number", &[("text", t.clone())])
            }
            DataProblem::AllMissing(c) => code("all_missing", c),
            DataProblem::NoUnits => lang.t("evaluation.data.no_units"),
            DataProblem::MissingDenominator(c) => code("missing_denominator", c),
            DataProblem::NoGroupColumn(c) => code("no_group_column", c),
            DataProblem::MissingGroup(c) => code("missing_group", c),
        };
        format!(
            "{}{}{}",
            crate::messages::position_text(&self.position, lang),
            lang.t("issue.separator"),
            problem
        )
    }
}

/// The words for what a treatment or a run was given per unit (the domain's `what`).
fn what(what: &str, lang: Lang) -> String {
    let key = match what {
        "groups" => "groups",
        "previous values" => "previous",
        "an indicator" => "indicator",
        "occurrences" => "occurrences",
        "vetoes" => "vetoes",
        other => return other.to_string(),
    };
    lang.t(&format!("evaluation.what.{key}"))
}

fn impute_name(how: Impute, lang: Lang) -> String {
    lang.t(match how {
        Impute::Mean => "evaluation.impute.mean",
        Impute::Median => "evaluation.impute.median",
        Impute::GroupMean => "evaluation.impute.group_mean",
        Impute::GroupMedian => "evaluation.impute.group_median",
        Impute::LastValue => "evaluation.impute.last_value",
    })
}

impl Localize for RunError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            RunError::MissingIndicator(code) => lang.t_with(
                "evaluation.run.missing_indicator",
                &[("code", code.clone())],
            ),
            RunError::NoValues(code) => {
                lang.t_with("evaluation.run.no_values", &[("code", code.clone())])
            }
            RunError::UnitCount {
                what: w,
                found,
                expected,
            } => lang.t_with(
                "evaluation.run.unit_count",
                &[
                    ("what", what(w, lang)),
                    ("found", found.to_string()),
                    ("expected", expected.to_string()),
                ],
            ),
            RunError::UnknownVeto { unit, code } => lang.t_with(
                "evaluation.run.unknown_veto",
                &[("unit", unit.clone()), ("code", code.clone())],
            ),
            RunError::Treatment { indicator, error } if indicator.is_empty() => {
                error.localize(lang)
            }
            RunError::Treatment { indicator, error } => lang.t_with(
                "evaluation.run.treatment",
                &[
                    ("indicator", indicator.clone()),
                    ("message", error.localize(lang)),
                ],
            ),
            RunError::Aggregate { node, error } => lang.t_with(
                "evaluation.run.aggregate",
                &[("node", node.clone()), ("message", error.localize(lang))],
            ),
        }
    }
}

impl Localize for MethodError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            MethodError::NotFinite {
                method,
                parameter,
                value,
            } => lang.t_with(
                "evaluation.method.not_finite",
                &[
                    ("method", method.to_string()),
                    ("parameter", parameter.to_string()),
                    ("value", number(*value)),
                ],
            ),
            MethodError::MinMaxBounds { low, high } => lang.t_with(
                "evaluation.method.min_max_bounds",
                &[("low", number(*low)), ("high", number(*high))],
            ),
            MethodError::ZScoreSd { sd } => {
                lang.t_with("evaluation.method.z_score_sd", &[("sd", number(*sd))])
            }
            MethodError::GoalTarget { target } => lang.t_with(
                "evaluation.method.goal_target",
                &[("target", number(*target))],
            ),
            MethodError::GoalCap { cap } => {
                lang.t_with("evaluation.method.goal_cap", &[("cap", number(*cap))])
            }
            MethodError::NoBands => lang.t("evaluation.method.no_bands"),
            MethodError::BandsNotAscending {
                index,
                previous,
                threshold,
            } => lang.t_with(
                "evaluation.method.bands_not_ascending",
                &[
                    ("band", (index + 1).to_string()),
                    ("previous", number(*previous)),
                    ("threshold", number(*threshold)),
                ],
            ),
        }
    }
}

impl Localize for TreatmentError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            TreatmentError::LengthMismatch {
                what: w,
                got,
                units,
            } => lang.t_with(
                "evaluation.treatment.length_mismatch",
                &[
                    ("what", what(w, lang)),
                    ("got", got.to_string()),
                    ("units", units.to_string()),
                ],
            ),
            TreatmentError::GroupsNeeded { how } => lang.t_with(
                "evaluation.treatment.groups_needed",
                &[("how", impute_name(*how, lang))],
            ),
            TreatmentError::PreviousNeeded => lang.t("evaluation.treatment.previous_needed"),
            TreatmentError::AvailabilityThreshold { threshold } => lang.t_with(
                "evaluation.treatment.availability_threshold",
                &[("threshold", number(*threshold))],
            ),
            TreatmentError::OutlierParameter {
                parameter,
                why,
                value,
            } => {
                let why = match *why {
                    "a positive number" => lang.t("evaluation.treatment.positive"),
                    other => other.to_string(),
                };
                lang.t_with(
                    "evaluation.treatment.outlier_parameter",
                    &[
                        ("parameter", parameter.to_string()),
                        ("why", why),
                        ("value", number(*value)),
                    ],
                )
            }
        }
    }
}

impl Localize for AggregateError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            AggregateError::NegativeWeight { index, weight } => lang.t_with(
                "evaluation.aggregate.negative_weight",
                &[
                    ("child", (index + 1).to_string()),
                    ("weight", number(*weight)),
                ],
            ),
            AggregateError::WeightNotFinite { index, weight } => lang.t_with(
                "evaluation.aggregate.weight_not_finite",
                &[
                    ("child", (index + 1).to_string()),
                    ("weight", number(*weight)),
                ],
            ),
            AggregateError::LengthMismatch { values, weights } => lang.t_with(
                "evaluation.aggregate.length_mismatch",
                &[
                    ("values", values.to_string()),
                    ("weights", weights.to_string()),
                ],
            ),
            AggregateError::NotPositive {
                aggregation,
                child,
                value,
            } => lang.t_with(
                "evaluation.aggregate.not_positive",
                &[
                    (
                        "mean",
                        lang.t(&format!("evaluation.aggregation.{}", aggregation.code())),
                    ),
                    ("child", (child + 1).to_string()),
                    ("value", number(*value)),
                ],
            ),
            AggregateError::InUnit { unit, source } => lang.t_with(
                "evaluation.aggregate.in_unit",
                &[
                    ("unit", (unit + 1).to_string()),
                    ("message", source.localize(lang)),
                ],
            ),
        }
    }
}

impl Localize for SensitivityError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            SensitivityError::NoFactors => lang.t("evaluation.sensitivity.no_factors"),
            SensitivityError::EmptyRange { index, low, high } => lang.t_with(
                "evaluation.sensitivity.empty_range",
                &[
                    ("factor", (index + 1).to_string()),
                    ("low", number(*low)),
                    ("high", number(*high)),
                ],
            ),
            SensitivityError::NoOptions { index } => lang.t_with(
                "evaluation.sensitivity.no_options",
                &[("factor", (index + 1).to_string())],
            ),
            SensitivityError::TooFewReplications { given, minimum } => lang.t_with(
                "evaluation.sensitivity.too_few_replications",
                &[
                    ("given", given.to_string()),
                    ("minimum", minimum.to_string()),
                ],
            ),
            SensitivityError::NoUnits => lang.t("evaluation.sensitivity.no_units"),
            SensitivityError::OutputLength {
                replication,
                expected,
                got,
            } => lang.t_with(
                "evaluation.sensitivity.output_length",
                &[
                    ("replication", replication.to_string()),
                    ("expected", expected.to_string()),
                    ("got", got.to_string()),
                ],
            ),
            SensitivityError::NothingRanked { replication } => lang.t_with(
                "evaluation.sensitivity.nothing_ranked",
                &[("replication", replication.to_string())],
            ),
            SensitivityError::NotFinite { replication } => lang.t_with(
                "evaluation.sensitivity.not_finite",
                &[("replication", replication.to_string())],
            ),
        }
    }
}

impl Localize for InputIssue {
    fn localize(&self, lang: Lang) -> String {
        let period = match lang {
            Lang::En => self.period.label_en(),
            _ => self.period.label_zh(),
        };
        let base = |key: &str, more: &[(&str, String)]| {
            let mut args = vec![
                ("unit", self.unit.clone()),
                ("period", period.clone()),
                ("item", self.item.clone()),
            ];
            args.extend(more.iter().map(|(k, v)| (*k, v.clone())));
            lang.t_with(&format!("evaluation.input.{key}"), &args)
        };
        match &self.problem {
            InputProblem::UnknownItem { scheme, .. } => {
                base("unknown_item", &[("scheme", scheme.clone())])
            }
            InputProblem::NotFinite { value, .. } => {
                base("not_finite", &[("value", value.to_string())])
            }
            InputProblem::NotACount { value, .. } => {
                base("not_a_count", &[("value", number(*value))])
            }
            InputProblem::NotAFlag { value, .. } => {
                base("not_a_flag", &[("value", number(*value))])
            }
            InputProblem::UnknownUnit(_) => base("unknown_unit", &[]),
            InputProblem::OutsideScope(_) => base("outside_scope", &[]),
        }
    }
}

impl Localize for IndexError {
    fn localize(&self, lang: Lang) -> String {
        let key = |k: &str| format!("evaluation.index.{k}");
        match self {
            IndexError::NoBaseYear(year) => {
                lang.t_with(&key("no_base_year"), &[("year", year.to_string())])
            }
            IndexError::DuplicateYear(year) => {
                lang.t_with(&key("duplicate_year"), &[("year", year.to_string())])
            }
            IndexError::UnknownIndicator(code) => {
                lang.t_with(&key("unknown_indicator"), &[("indicator", code.clone())])
            }
            IndexError::NoSeries(code) => {
                lang.t_with(&key("no_series"), &[("indicator", code.clone())])
            }
            IndexError::Length {
                indicator,
                expected,
                found,
            } => lang.t_with(
                &key("length"),
                &[
                    ("indicator", indicator.clone()),
                    ("expected", expected.to_string()),
                    ("found", found.to_string()),
                ],
            ),
            IndexError::NotArithmetic { node, aggregation } => lang.t_with(
                &key("not_arithmetic"),
                &[
                    (
                        "node",
                        node.clone().unwrap_or_else(|| lang.t(&key("top_level"))),
                    ),
                    ("aggregation", format!("{aggregation:?}").to_lowercase()),
                ],
            ),
            IndexError::MissingBase { indicator, year } => lang.t_with(
                &key("missing_base"),
                &[("indicator", indicator.clone()), ("year", year.to_string())],
            ),
            IndexError::NonPositiveBase { indicator, value } => lang.t_with(
                &key("non_positive_base"),
                &[("indicator", indicator.clone()), ("value", number(*value))],
            ),
            IndexError::NonPositiveValue {
                indicator,
                year,
                value,
            } => lang.t_with(
                &key("non_positive_value"),
                &[
                    ("indicator", indicator.clone()),
                    ("year", year.to_string()),
                    ("value", number(*value)),
                ],
            ),
            IndexError::NotFinite { indicator, year } => lang.t_with(
                &key("not_finite"),
                &[("indicator", indicator.clone()), ("year", year.to_string())],
            ),
            IndexError::NoData(year) => lang.t_with(&key("no_data"), &[("year", year.to_string())]),
        }
    }
}

impl Localize for RobustnessError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            RobustnessError::Run(e) => e.localize(lang),
            RobustnessError::Sensitivity(e) => e.localize(lang),
            RobustnessError::Spread(spread) => lang.t_with(
                "evaluation.robustness.spread",
                &[("spread", number(*spread))],
            ),
            RobustnessError::NothingVaries => lang.t("evaluation.robustness.nothing_varies"),
            RobustnessError::NoScores => lang.t("evaluation.robustness.no_scores"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use innozone_domain::table::Position;

    #[test]
    fn scheme_errors_say_where() {
        let e = SchemeError::NegativeWeight {
            line: 12,
            column: 10,
            node: "rd".into(),
            weight: -5.0,
        };
        assert_eq!(
            e.localize(Lang::ZhCn),
            "评价方案第 12 行第 10 列：“rd”的权重为 -5，权重须为 0 或正数"
        );
        assert!(
            e.localize(Lang::En)
                .starts_with("Scheme, line 12, column 10")
        );
    }

    #[test]
    fn data_issues_say_sheet_row_and_column() {
        let issue = DataIssue {
            position: Position {
                sheet: Some("数据".into()),
                row: 3,
                column: Some(2),
            },
            problem: DataProblem::NotANumber("三".into()),
        };
        assert_eq!(
            issue.localize(Lang::ZhCn),
            "工作表“数据”第 3 行 B 列：“三”不是数值"
        );
    }

    #[test]
    fn nested_errors_are_translated_throughout() {
        let e = RunError::Aggregate {
            node: "innovation".into(),
            error: AggregateError::InUnit {
                unit: 1,
                source: Box::new(AggregateError::NotPositive {
                    aggregation: innozone_domain::evaluation::aggregate::Aggregation::Geometric,
                    child: 0,
                    value: 0.0,
                }),
            },
        };
        let zh = e.localize(Lang::ZhCn);
        assert!(
            zh.contains("几何平均") && zh.contains("第 2 个单位"),
            "{zh}"
        );
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(100.0), "100");
    }
}
