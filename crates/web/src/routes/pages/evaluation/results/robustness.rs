//! How robust a run's ranks are: each park's median rank and 5–95 % interval over the
//! Monte Carlo replications (a chart and a table), the sensitivity of the ranks to each
//! group of choices (first-order and total indices with their bootstrap intervals), which
//! choice moves the ranks most, and the settings. For users who see the whole run; loaded
//! into the run's page by htmx, or a page of its own.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use innozone_app::evaluation::{run_robustness, run_view};
use innozone_domain::evaluation::robustness::FactorGroup;
use innozone_domain::evaluation::sensitivity::Interval;
use innozone_i18n::Lang;
use serde_json::json;

use super::run::profile_link;
use super::{method_label, period_label, rounded, run_id};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::routes::pages::monitoring::format::number;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub struct RankRow {
    pub name: String,
    pub link: String,
    pub nominal: String,
    pub median: String,
    pub interval: String,
    pub mean: String,
    pub width: String,
}

pub struct FactorRow {
    pub name: String,
    pub first_order: String,
    pub first_interval: String,
    pub total: String,
    pub total_interval: String,
}

/// What the fragment and the page both show.
pub struct Robust {
    pub id: i64,
    pub chart: String,
    pub ranks: Vec<RankRow>,
    pub factors: Vec<FactorRow>,
    pub verdict: Option<String>,
    pub settings: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "evaluation_robustness_fragment.html")]
struct RobustnessFragment {
    chrome: Chrome,
    r: Robust,
}

#[derive(Template)]
#[template(path = "evaluation_robustness.html")]
struct RobustnessPage {
    chrome: Chrome,
    title: String,
    r: Robust,
}

fn group_name(group: FactorGroup, lang: Lang) -> String {
    lang.t(match group {
        FactorGroup::Weights => "evaluation.page.group.weights",
        FactorGroup::Aggregation => "evaluation.page.group.aggregation",
        FactorGroup::Normalisation => "evaluation.page.group.normalisation",
    })
}

fn interval(i: Option<Interval>) -> String {
    i.map_or_else(String::new, |i| {
        format!("[{}, {}]", number(i.low, 3), number(i.high, 3))
    })
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = run_id(&id)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let robustness = run_robustness(store, &hierarchy, &user.principal, id).await?;
    // Refused above unless the user sees the whole run.
    let view = run_view(store, &hierarchy, &user.principal, id).await?;
    let english = lang.is_english();
    let units = &view.run.inputs.units;
    let summaries = &robustness.uncertainty.units;

    // Parks by nominal rank, those without one last.
    let mut order: Vec<usize> = (0..summaries.len().min(units.len())).collect();
    order.sort_by_key(|&u| {
        (
            summaries[u].nominal.unwrap_or(u32::MAX),
            units[u].code.clone(),
        )
    });
    let ranks: Vec<RankRow> = order
        .iter()
        .map(|&u| {
            let s = &summaries[u];
            let spread = s.spread;
            RankRow {
                name: units[u].name(english).to_string(),
                link: profile_link(id, &units[u].code),
                nominal: s.nominal.map_or_else(|| "—".to_string(), |r| r.to_string()),
                median: spread.map_or_else(|| "—".to_string(), |x| number(x.median, 1)),
                interval: spread.map_or_else(String::new, |x| {
                    format!("{}–{}", number(x.q05, 1), number(x.q95, 1))
                }),
                mean: spread.map_or_else(|| "—".to_string(), |x| number(x.mean, 2)),
                width: spread.map_or_else(String::new, |x| number(x.q95 - x.q05, 1)),
            }
        })
        .collect();
    let charted: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&u| summaries[u].spread.is_some())
        .collect();
    let names: Vec<&str> = charted.iter().map(|&u| units[u].name(english)).collect();
    let intervals: Vec<serde_json::Value> = charted
        .iter()
        .enumerate()
        .filter_map(|(x, &u)| {
            let s = summaries[u].spread?;
            Some(json!([x, rounded(s.q05, 2), rounded(s.q95, 2)]))
        })
        .collect();
    let medians: Vec<serde_json::Value> = charted
        .iter()
        .filter_map(|&u| summaries[u].spread.map(|s| json!(rounded(s.median, 2))))
        .collect();
    let nominal: Vec<serde_json::Value> = charted
        .iter()
        .map(|&u| summaries[u].nominal.map_or(json!("-"), |r| json!(r)))
        .collect();
    let chart = json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 110},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "name": lang.t("evaluation.page.col.rank"), "inverse": true, "min": 1, "minInterval": 1},
        "series": [
            {
                "name": lang.t("evaluation.page.rank_interval"),
                "type": "custom",
                "renderItem": "interval",
                "encode": {"x": 0, "y": [1, 2]},
                "data": intervals,
                "itemStyle": {"color": "#3b6fb6"},
                "z": 1,
            },
            {"name": lang.t("evaluation.page.median_rank"), "type": "scatter", "data": medians, "symbolSize": 9, "itemStyle": {"color": "#3b6fb6"}, "z": 2},
            {"name": lang.t("evaluation.page.nominal_rank"), "type": "scatter", "data": nominal, "symbol": "diamond", "symbolSize": 9, "itemStyle": {"color": "#c53030"}, "z": 3},
        ],
    })
    .to_string();

    let factors: Vec<FactorRow> = robustness
        .groups
        .iter()
        .zip(&robustness.sensitivity.indices.factors)
        .map(|(&g, f)| FactorRow {
            name: group_name(g, lang),
            first_order: number(f.first_order, 3),
            first_interval: interval(f.first_order_interval),
            total: number(f.total, 3),
            total_interval: interval(f.total_interval),
        })
        .collect();
    let verdict = robustness
        .groups
        .iter()
        .zip(&robustness.sensitivity.indices.factors)
        .max_by(|a, b| a.1.total.total_cmp(&b.1.total))
        .map(|(&g, f)| {
            lang.t_with(
                "evaluation.page.verdict",
                &[
                    ("group", group_name(g, lang)),
                    ("total", number(f.total, 2)),
                    ("first", number(f.first_order, 2)),
                ],
            )
        });
    let options = &robustness.options;
    let list = |items: Vec<String>| items.join(lang.t("evaluation.page.list_separator").as_str());
    let mut settings = vec![
        (
            lang.t("evaluation.page.setting.replications"),
            number(robustness.uncertainty.replications as f64, 0),
        ),
        (
            lang.t("evaluation.page.setting.weights"),
            lang.t_with(
                "evaluation.page.setting.spread",
                &[("spread", number(options.spread * 100.0, 0))],
            ),
        ),
    ];
    if options.aggregations.len() > 1 {
        settings.push((
            lang.t("evaluation.page.group.aggregation"),
            list(
                options
                    .aggregations
                    .iter()
                    .map(|a| lang.t(&format!("evaluation.aggregation.{}", a.code())))
                    .collect(),
            ),
        ));
    }
    if !options.normalisations.is_empty() {
        settings.push((
            lang.t("evaluation.page.group.normalisation"),
            list(
                options
                    .normalisations
                    .iter()
                    .map(|m| method_label(m, lang))
                    .collect(),
            ),
        ));
    }
    settings.push((
        lang.t("evaluation.page.setting.sensitivity"),
        lang.t_with(
            "evaluation.page.setting.saltelli",
            &[
                (
                    "n",
                    number(robustness.sensitivity.indices.base_samples as f64, 0),
                ),
                (
                    "bootstrap",
                    number(robustness.sensitivity.indices.bootstrap as f64, 0),
                ),
            ],
        ),
    ));
    let r = Robust {
        id,
        chart,
        ranks,
        factors,
        verdict,
        settings,
    };
    let chrome = Chrome::new(lang, Some(&user), "evaluation");
    if headers.contains_key("hx-request") {
        return Ok(render(&RobustnessFragment { chrome, r })?.into_response());
    }
    let page = RobustnessPage {
        title: format!(
            "{} · {} · {}",
            lang.t("evaluation.page.robustness"),
            view.scheme.name(english),
            period_label(view.run.summary.period, lang)
        ),
        chrome,
        r,
    };
    Ok(render(&page)?.into_response())
}
