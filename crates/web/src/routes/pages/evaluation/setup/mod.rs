//! Setting up evaluation (考核评价): the schemes installed (each a tree of dimensions,
//! sub-dimensions and indicators with their weights, methods and sources, its bonus,
//! penalty and veto items, grade bands and consequences, its versions), a new version
//! checked and installed with the wrong place shown; the values entered for a scheme per
//! park and year (typed in, or a pre-filled workbook brought back, all or nothing, every
//! entry kept); and a scheme run on a data file an evaluator brings. The use cases of
//! `innozone_app::evaluation` decide who may do what.

mod evaluate;
mod inputs;
mod inputs_file;
mod schemes;

use axum::Router;
use axum::routing::{get, post};
use innozone_app::definitions::EvaluationScheme;
use innozone_domain::accounts::{Principal, Role};
use innozone_domain::reporting::Period;
use innozone_i18n::Lang;

use crate::error::{Problem, WebError};
use crate::routes::pages::definitions;
use crate::state::AppState;
use crate::views::grouped;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/evaluation/schemes",
            get(schemes::list).post(definitions::install::<EvaluationScheme>),
        )
        .route(
            "/evaluation/schemes/check",
            post(definitions::check::<EvaluationScheme>),
        )
        .route(
            "/evaluation/schemes/upload",
            post(definitions::upload::<EvaluationScheme>),
        )
        .route("/evaluation/schemes/{code}", get(schemes::page))
        .route(
            "/evaluation/schemes/{code}/versions/{file}",
            get(definitions::download_of::<EvaluationScheme>),
        )
        .route("/evaluation/inputs", get(inputs::page).post(inputs::save))
        .route("/evaluation/inputs.xlsx", get(inputs::download))
        .route("/evaluation/inputs/history", get(inputs::history))
        .route("/evaluation/inputs/upload", post(inputs::upload))
        .route(
            "/evaluation/evaluate",
            get(evaluate::page).post(evaluate::run_file),
        )
}

/// The menu entry these pages belong to.
const ACTIVE: &str = "evaluation";

/// Staff, leadership and evaluators read schemes; filers and the public do not.
fn may_read_schemes(principal: &Principal) -> Result<(), WebError> {
    if matches!(principal.role, Role::EnterpriseFiler | Role::Public) {
        return Err(WebError::Forbidden);
    }
    Ok(())
}

/// Who enters values and runs a brought data file: zone staff, administrators and
/// evaluators (each within their node, which the use cases decide).
fn is_evaluating_role(principal: &Principal) -> bool {
    matches!(
        principal.role,
        Role::Administrator | Role::ZoneStaff | Role::Evaluator
    )
}

/// A year from a query: evaluations are annual.
fn year_period(text: &str) -> Result<Period, WebError> {
    match text.trim().parse::<i32>() {
        Ok(y) if (1900..=2999).contains(&y) => Ok(Period::Year(y)),
        _ => Err(WebError::BadRequest(Problem::Key(
            "evaluation.setup.bad_year",
            vec![("year", text.trim().to_string())],
        ))),
    }
}

fn period_label(period: Period, lang: Lang) -> String {
    if lang.is_english() {
        period.label_en()
    } else {
        period.label_zh()
    }
}

/// A number as typed into an input: no separators, no needless decimals.
fn plain(v: f64) -> String {
    format!("{v}")
}

/// A number as read: thousands separated, its decimals as entered.
fn shown(v: f64) -> String {
    let text = plain(v);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole = match int.parse::<i64>() {
        Ok(n) if !(n == 0 && v < 0.0) => grouped(n),
        _ => int.to_string(),
    };
    if frac.is_empty() {
        whole
    } else {
        format!("{whole}.{frac}")
    }
}

/// A score with two decimals, "—" when there is none.
fn points(v: Option<f64>) -> String {
    v.map_or_else(
        || "—".to_string(),
        |v| format!("{:.2}", (v * 100.0).round() / 100.0),
    )
}

/// A parameter as a statistician writes it: no trailing zeros.
fn parameter(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A typed value: blank clears, separators are allowed, anything else must be a number.
fn parse_value(text: &str) -> Result<Option<f64>, ()> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(()),
    }
}

/// One problem of an uploaded file, with its place.
pub struct IssueRow {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_values_parse() {
        assert_eq!(year_period("2018").unwrap(), Period::Year(2018));
        assert!(year_period("2018Q1").is_err());
        assert_eq!(parse_value(" 1,234.5 "), Ok(Some(1234.5)));
        assert_eq!(parse_value(""), Ok(None));
        assert_eq!(parse_value("一"), Err(()));
        assert_eq!(parameter(2.0), "2");
        assert_eq!(parameter(0.6667), "0.6667");
        assert_eq!(points(Some(7.499)), "7.50");
        assert_eq!(shown(1234.5), "1,234.5");
    }
}
