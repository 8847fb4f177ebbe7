//! A park's profile in a run: its dimensions on a radar against the median of the parks
//! (for those who see every park), its strengths and weaknesses (the indicators where it
//! gained or lost most against the median and the best), each indicator's value and
//! score, its record over the years, and the consequences falling on it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use innozone_app::evaluation::{RunView, UnitProfile, unit_profile};
use innozone_domain::evaluation::scheme::AdjustmentKind;
use innozone_i18n::Lang;
use serde_json::json;

use super::run::{percent, veto_names};
use super::{
    FlagView, flag_view, grade_class, grade_name, node_name, period_label, places_text, points,
    rounded, run_id, signed,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub struct DimensionRow {
    pub name: String,
    pub depth: usize,
    pub score: String,
    pub median: Option<String>,
}

pub struct IndicatorRow {
    pub name: String,
    pub dimension: String,
    pub value: String,
    pub score: String,
    pub against_median: String,
    pub against_best: String,
}

pub struct Point {
    pub name: String,
    pub against_median: String,
    pub against_best: String,
}

pub struct YearRow {
    pub year: i32,
    pub run: i64,
    pub total: String,
    pub rank: String,
    pub grade: String,
    pub grade_class: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "evaluation_profile.html")]
struct ProfilePage {
    chrome: Chrome,
    id: i64,
    run_title: String,
    name: String,
    code: String,
    sees_all: bool,
    included: bool,
    availability: String,
    rank: String,
    ranked: usize,
    total: String,
    aggregate: String,
    bonus: String,
    penalty: String,
    grade: String,
    grade_class: &'static str,
    change: Option<String>,
    flags: Vec<FlagView>,
    vetoes: Vec<String>,
    adjustments: Vec<(String, String)>,
    radar_chart: Option<String>,
    trend_chart: String,
    dimensions: Vec<DimensionRow>,
    indicators: Vec<IndicatorRow>,
    strengths: Vec<Point>,
    weaknesses: Vec<Point>,
    explanation_exact: bool,
    years: Vec<YearRow>,
}

/// The radar of the top-level dimensions: the park's scores, and the median of the
/// parks' when the user sees them all.
fn radar(
    view: &RunView,
    u: usize,
    node_medians: &[Option<f64>],
    lang: Lang,
    name: &str,
) -> Option<String> {
    let scheme = &view.scheme;
    let outcome = &view.run.outcome;
    let own: Vec<Option<f64>> = scheme
        .roots
        .iter()
        .map(|&r| outcome.units[u].scores.get(r).copied().flatten())
        .collect();
    if own.iter().all(Option::is_none) || scheme.roots.len() < 3 {
        return None;
    }
    let medians: Vec<Option<f64>> = scheme
        .roots
        .iter()
        .map(|&r| node_medians.get(r).copied().flatten())
        .collect();
    let top = own
        .iter()
        .chain(medians.iter())
        .flatten()
        .copied()
        .fold(100.0_f64, f64::max);
    let indicator: Vec<serde_json::Value> = scheme
        .roots
        .iter()
        .map(|&r| json!({"name": scheme.nodes[r].name(lang.is_english()), "max": top.ceil(), "min": 0}))
        .collect();
    let values = |v: &[Option<f64>]| -> Vec<serde_json::Value> {
        v.iter()
            .map(|x| x.map_or(json!(0), |x| json!(rounded(x, 2))))
            .collect()
    };
    let mut data =
        vec![json!({"name": name, "value": values(&own), "areaStyle": {"opacity": 0.25}})];
    if view.sees_all {
        data.push(json!({
            "name": lang.t("evaluation.page.median_of_parks"),
            "value": values(&medians),
            "lineStyle": {"type": "dashed"},
        }));
    }
    Some(
        json!({
            "tooltip": {},
            "legend": {"bottom": 0},
            "radar": {"indicator": indicator, "radius": "62%", "center": ["50%", "48%"]},
            "series": [{"type": "radar", "data": data}],
        })
        .to_string(),
    )
}

/// The total over the years and the rank (the best at the top) on a second axis.
fn trend(view: &RunView, u: usize, lang: Lang) -> String {
    let record = &view.record[u];
    let years: Vec<String> = record.iter().map(|y| y.year.to_string()).collect();
    let totals: Vec<serde_json::Value> = record
        .iter()
        .map(|y| y.total.map_or(json!("-"), |t| json!(rounded(t, 2))))
        .collect();
    let ranks: Vec<serde_json::Value> = record
        .iter()
        .map(|y| y.rank.map_or(json!("-"), |r| json!(r)))
        .collect();
    json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 50, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": years},
        "yAxis": [
            {"type": "value", "name": lang.t("evaluation.page.col.total"), "scale": true},
            {"type": "value", "name": lang.t("evaluation.page.col.rank"), "inverse": true, "minInterval": 1, "min": 1},
        ],
        "series": [
            {"name": lang.t("evaluation.page.col.total"), "type": "line", "data": totals, "connectNulls": false},
            {"name": lang.t("evaluation.page.col.rank"), "type": "line", "yAxisIndex": 1, "data": ranks, "lineStyle": {"type": "dashed"}},
        ],
    })
    .to_string()
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = run_id(&id)?;
    let hierarchy = state.hierarchy().await?;
    let UnitProfile {
        view,
        unit: u,
        medians,
        strengths,
        weaknesses,
    } = unit_profile(state.store(), &hierarchy, &user.principal, id, &code).await?;
    let english = lang.is_english();
    let scheme = &view.scheme;
    let unit = &view.run.inputs.units[u];
    let o = &view.run.outcome.units[u];
    let name = unit.name(english).to_string();
    let (change, places) = view.change_on_last_year(u);
    let change = match (change, places) {
        (None, None) => None,
        (c, p) => Some(lang.t_with(
            "evaluation.page.change_on_last_year",
            &[
                ("points", c.map_or_else(|| "—".to_string(), signed)),
                (
                    "places",
                    p.map_or_else(|| "—".to_string(), |p| places_text(p, lang)),
                ),
            ],
        )),
    };
    let dimensions = (0..scheme.nodes.len())
        .filter(|&i| !scheme.nodes[i].is_indicator())
        .map(|i| DimensionRow {
            name: scheme.nodes[i].name(english).to_string(),
            depth: scheme.nodes[i].depth,
            score: points(o.scores.get(i).copied().flatten()),
            median: view
                .sees_all
                .then(|| points(medians.get(i).copied().flatten())),
        })
        .collect();
    let inputs = &view.run.inputs;
    let indicators: Vec<IndicatorRow> = inputs
        .indicators
        .iter()
        .enumerate()
        .map(|(k, code)| {
            let node = scheme.node(code);
            IndicatorRow {
                name: node_name(scheme, code, lang),
                dimension: node
                    .and_then(|(_, n)| n.parent)
                    .map(|p| scheme.nodes[p].name(english).to_string())
                    .unwrap_or_default(),
                value: points(inputs.values[u].get(k).copied().flatten()),
                score: points(
                    view.run
                        .outcome
                        .node(code)
                        .and_then(|i| o.scores.get(i).copied().flatten()),
                ),
                against_median: o
                    .against_median
                    .get(k)
                    .copied()
                    .flatten()
                    .map_or_else(|| "—".to_string(), signed),
                against_best: o
                    .against_best
                    .get(k)
                    .copied()
                    .flatten()
                    .map_or_else(|| "—".to_string(), signed),
            }
        })
        .collect();
    let point = |k: usize| Point {
        name: indicators[k].name.clone(),
        against_median: indicators[k].against_median.clone(),
        against_best: indicators[k].against_best.clone(),
    };
    // Strengths: the most gained against the median; weaknesses: the most lost.
    let strengths: Vec<Point> = strengths.into_iter().map(point).collect();
    let weaknesses: Vec<Point> = weaknesses.into_iter().map(point).collect();
    let adjustments = scheme
        .adjustments
        .iter()
        .zip(inputs.occurrences[u].iter())
        .filter(|(_, n)| **n > 0)
        .map(|(a, n)| {
            let key = match a.kind {
                AdjustmentKind::Bonus => "evaluation.page.occurred_bonus",
                AdjustmentKind::Penalty => "evaluation.page.occurred_penalty",
            };
            (
                if english { a.en.clone() } else { a.zh.clone() },
                lang.t_with(key, &[("n", n.to_string())]),
            )
        })
        .collect();
    let years = view.record[u]
        .iter()
        .map(|y| YearRow {
            year: y.year,
            run: y.run,
            total: points(y.total),
            rank: y.rank.map_or_else(|| "—".to_string(), |r| r.to_string()),
            grade: grade_name(scheme, y.grade.as_deref(), lang),
            grade_class: grade_class(scheme, y.grade.as_deref()),
            current: y.run == id,
        })
        .collect();
    let page = ProfilePage {
        id,
        run_title: format!(
            "{} · {}",
            scheme.name(english),
            period_label(view.run.summary.period, lang)
        ),
        code: unit.code.clone(),
        sees_all: view.sees_all,
        included: o.included,
        availability: percent(o.availability),
        rank: o.rank.map_or_else(|| "—".to_string(), |r| r.to_string()),
        ranked: view
            .run
            .outcome
            .units
            .iter()
            .filter(|x| x.rank.is_some())
            .count(),
        total: points(o.total),
        aggregate: points(o.aggregate),
        bonus: points(o.bonus),
        penalty: points(o.penalty),
        grade: grade_name(scheme, o.grade.as_deref(), lang),
        grade_class: grade_class(scheme, o.grade.as_deref()),
        change,
        flags: view.flags[u]
            .iter()
            .map(|f| flag_view(scheme, &f.rule, lang))
            .collect(),
        vetoes: veto_names(scheme, &inputs.vetoes[u], lang),
        adjustments,
        radar_chart: radar(&view, u, &medians, lang, &name),
        trend_chart: trend(&view, u, lang),
        dimensions,
        indicators,
        strengths,
        weaknesses,
        explanation_exact: view.run.outcome.explanation_exact,
        years,
        name,
        chrome: Chrome::new(lang, Some(&user), "evaluation"),
    };
    Ok(render(&page)?.into_response())
}
