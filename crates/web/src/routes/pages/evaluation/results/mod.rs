//! Evaluation (考核评价) pages: the kept runs a user may read, a run's ranking with each
//! dimension's score, the scheme's tree and what moved since an earlier run of the same
//! year, a park's profile (its dimensions against the parks' median, its strengths and
//! weaknesses, its record over the years and the consequences falling on it), the
//! robustness of a run's ranks, and the development index of a unit over the years; the
//! run and the index downloadable as xlsx. The use cases of `innozone_app::evaluation`
//! decide what the user may see: a user bound to a park reads that park's row only.

mod index;
mod profile;
mod robustness;
mod run;
mod runs;

use axum::Router;
use axum::routing::get;
use innozone_domain::accounts::{Principal, Role};
use innozone_domain::evaluation::normalise::Method;
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::reporting::Period;
use innozone_i18n::Lang;

use crate::error::WebError;
use crate::routes::pages::monitoring::format::number;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluation", get(runs::page).post(runs::evaluate))
        .route("/evaluation/runs/{id}", get(run::page))
        .route("/evaluation/runs/{id}/scores.xlsx", get(run::download))
        .route("/evaluation/runs/{id}/units/{code}", get(profile::page))
        .route("/evaluation/runs/{id}/robustness", get(robustness::page))
        .route("/evaluation/index", get(index::page))
        .route("/evaluation/index.xlsx", get(index::download))
}

/// Who reads evaluation results at all: everybody but enterprise filers and the public
/// (the rule of `innozone_app::evaluation`, which decides each run and unit).
fn reads_results(principal: &Principal) -> bool {
    !matches!(principal.role, Role::EnterpriseFiler | Role::Public)
}

/// A run's id from the path; anything else is a page that does not exist.
fn run_id(text: &str) -> Result<i64, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

fn period_label(period: Period, lang: Lang) -> String {
    if lang.is_english() {
        period.label_en()
    } else {
        period.label_zh()
    }
}

/// A score or points with two decimals, "—" when there is none.
fn points(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| number(v, 2))
}

/// A signed change with two decimals: "+1.25", "−0.40", "0.00".
fn signed(value: f64) -> String {
    let text = number(value, 2);
    if text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else if value > 0.0 {
        format!("+{text}")
    } else {
        text.replacen('-', "−", 1)
    }
}

/// Places gained (> 0) or lost on last year, in words.
fn places_text(places: i64, lang: Lang) -> String {
    match places {
        0 => lang.t("evaluation.page.places_same"),
        p if p > 0 => lang.t_with("evaluation.page.places_up", &[("n", p.to_string())]),
        p => lang.t_with(
            "evaluation.page.places_down",
            &[("n", p.unsigned_abs().to_string())],
        ),
    }
}

/// The name of a grade band by its code.
fn grade_name(scheme: &Scheme, code: Option<&str>, lang: Lang) -> String {
    code.and_then(|c| scheme.grades.index(c))
        .map(|g| scheme.grades.bands[g].name(lang.is_english()).to_string())
        .unwrap_or_default()
}

/// The badge class of a grade: the best band green, the lowest red, the others plain.
fn grade_class(scheme: &Scheme, code: Option<&str>) -> &'static str {
    match code.and_then(|c| scheme.grades.index(c)) {
        Some(0) => "ok",
        Some(g) if g == scheme.grades.lowest() => "bad",
        Some(_) => "off",
        None => "",
    }
}

/// A consequence flagged this year, named and coloured by the grade that brings it.
struct FlagView {
    name: String,
    class: &'static str,
}

fn flag_view(scheme: &Scheme, rule: &str, lang: Lang) -> FlagView {
    let found = scheme.consequences.iter().find(|c| c.code == rule);
    FlagView {
        name: found.map_or_else(
            || rule.to_string(),
            |c| {
                if lang.is_english() {
                    c.en.clone()
                } else {
                    c.zh.clone()
                }
            },
        ),
        class: match found.and_then(|c| scheme.grades.index(&c.grade)) {
            Some(0) => "ok",
            Some(g) if g == scheme.grades.lowest() => "bad",
            _ => "warn",
        },
    }
}

/// The name of a scheme node (dimension or indicator) by its code.
fn node_name(scheme: &Scheme, code: &str, lang: Lang) -> String {
    scheme.node(code).map_or_else(
        || code.to_string(),
        |(_, n)| n.name(lang.is_english()).to_string(),
    )
}

/// A scoring method with its parameters, in words.
fn method_label(method: &Method, lang: Lang) -> String {
    let key = format!("evaluation.page.method.{}", method.code());
    let name = lang.t(&key);
    match method {
        Method::MinMax { low, high } => {
            format!("{name}（{}–{}）", number(*low, 0), number(*high, 0))
        }
        Method::ZScore { mean, sd } => lang.t_with(
            "evaluation.page.method.z_score_with",
            &[("mean", number(*mean, 0)), ("sd", number(*sd, 0))],
        ),
        Method::GoalAttainment { target, .. } | Method::DistanceToTarget { target, .. } => {
            format!(
                "{name}（{}）",
                lang.t_with(
                    "evaluation.page.method.target",
                    &[("target", number(*target, 2))]
                )
            )
        }
        _ => name,
    }
}

/// A number rounded for a chart's data.
fn rounded(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_changes_read_as_changes() {
        assert_eq!(signed(1.254), "+1.25");
        assert_eq!(signed(-0.4), "−0.40");
        assert_eq!(signed(-0.001), "0.00");
        assert_eq!(signed(0.0), "0.00");
    }
}
