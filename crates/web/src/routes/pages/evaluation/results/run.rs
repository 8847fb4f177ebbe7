//! One kept run: the ranking (rank, total, aggregate, bonus, penalty, grade, the change on
//! last year, the consequences falling this year, vetoes, the parks left out for want of
//! data), each dimension's score per park, the scheme's tree with its weights, what moved
//! since an earlier run of the same year, the data treatment, and every node's score and
//! rank as a workbook. A user bound to a park sees that park's row only.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::evaluation::{RunView, run_view, visible_runs};
use innozone_domain::evaluation::scheme::{AdjustmentKind, BandRule, NodeKind, Scheme, Source};
use innozone_domain::evaluation::sensitivity::ranks;
use innozone_domain::monitoring::Direction;
use innozone_exchange::{FileFormat, SheetData, Value as Cell, write_xlsx};
use innozone_i18n::Lang;
use serde::Deserialize;
use serde_json::json;

use super::{
    FlagView, flag_view, grade_class, grade_name, method_label, node_name, period_label,
    places_text, points, rounded, run_id, signed,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::attachment;
use crate::language::Language;
use crate::routes::pages::monitoring::format::number;
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Debug, Deserialize, Default)]
pub struct RunQuery {
    /// Set when a request to run found the data unchanged and gave this run back.
    pub unchanged: Option<String>,
}

pub struct RankRow {
    pub rank: String,
    pub code: String,
    pub name: String,
    pub link: String,
    pub total: String,
    pub aggregate: String,
    pub bonus: String,
    pub penalty: String,
    pub grade: String,
    pub grade_class: &'static str,
    pub change_points: Option<String>,
    pub change_places: Option<String>,
    /// "up", "down" or "" for the change's colour.
    pub change_class: &'static str,
    pub flags: Vec<FlagView>,
    pub vetoes: Vec<String>,
    pub included: bool,
    pub availability: String,
    /// Every dimension's score, in the order of `RunPage::dimensions`.
    pub dimensions: Vec<String>,
}

pub struct TreeRow {
    pub depth: usize,
    pub code: String,
    pub name: String,
    pub is_indicator: bool,
    pub weight: String,
    pub effective: String,
    pub how: String,
}

pub struct MoveRow {
    pub name: String,
    pub total: (String, String),
    pub rank: (String, String),
    pub grade: (String, String),
}

pub struct InputRow {
    pub unit: String,
    pub indicator: String,
    pub before: String,
    pub after: String,
}

pub struct MovementView {
    pub earlier: i64,
    pub earlier_created: String,
    pub scheme_changed: bool,
    pub units: Vec<MoveRow>,
    pub inputs: Vec<InputRow>,
}

#[derive(Template)]
#[template(path = "evaluation_run.html")]
struct RunPage {
    chrome: Chrome,
    id: i64,
    title: String,
    scope: String,
    basis: String,
    created: String,
    created_by: String,
    scheme_version: i64,
    unchanged: bool,
    superseded_by: Option<i64>,
    sees_all: bool,
    rows: Vec<RankRow>,
    /// (name, depth) of every dimension and sub-dimension.
    dimensions: Vec<(String, usize)>,
    ranking_chart: String,
    tree: Vec<TreeRow>,
    adjustments: Vec<(String, String)>,
    vetoes: Vec<String>,
    bands: Vec<(String, String)>,
    consequences: Vec<String>,
    availability: String,
    movement: Option<MovementView>,
    treatments: Vec<(String, String)>,
    explanation_exact: bool,
    years: Vec<(i32, i64)>,
}

/// The colour of a grade on a chart, as its badge.
fn grade_colour(class: &str) -> &'static str {
    match class {
        "ok" => "#2f855a",
        "bad" => "#c53030",
        _ => "#3b6fb6",
    }
}

pub(super) fn percent(share: f64) -> String {
    format!("{}%", number(share * 100.0, 1))
}

fn rank_text(rank: Option<u32>) -> String {
    rank.map_or_else(|| "—".to_string(), |r| r.to_string())
}

pub(super) fn profile_link(id: i64, code: &str) -> String {
    format!(
        "/evaluation/runs/{id}/units/{}",
        crate::error::urlencode(code)
    )
}

/// The veto items a unit hit, by name.
pub(super) fn veto_names(scheme: &Scheme, codes: &[String], lang: Lang) -> Vec<String> {
    codes
        .iter()
        .map(|code| {
            scheme.vetoes.iter().find(|v| &v.code == code).map_or_else(
                || code.clone(),
                |v| {
                    if lang.is_english() {
                        v.en.clone()
                    } else {
                        v.zh.clone()
                    }
                },
            )
        })
        .collect()
}

/// How an indicator is scored, in words: source, direction and method.
fn indicator_how(scheme: &Scheme, node: usize, lang: Lang) -> String {
    let Some(spec) = scheme.nodes[node].indicator() else {
        return lang.t_with(
            "evaluation.page.group_mean",
            &[(
                "mean",
                match scheme.nodes[node].kind {
                    NodeKind::Group { aggregation } => {
                        lang.t(&format!("evaluation.aggregation.{}", aggregation.code()))
                    }
                    NodeKind::Indicator(_) => String::new(),
                },
            )],
        );
    };
    let source = match &spec.source {
        Source::Monitoring(code) => lang.t_with(
            "evaluation.page.source.monitoring",
            &[("code", code.clone())],
        ),
        Source::Entered => lang.t("evaluation.page.source.entered"),
    };
    let direction = match spec.direction {
        Direction::Higher => lang.t("evaluation.page.direction.higher"),
        Direction::Lower => lang.t("evaluation.page.direction.lower"),
    };
    let mut text = format!(
        "{source}；{direction}；{}",
        method_label(&spec.method, lang)
    );
    if spec.imputation.is_some() {
        text.push('；');
        text.push_str(&lang.t("evaluation.page.imputed_when_missing"));
    }
    text
}

/// The earlier and later value of a movement, "—" where there is none.
fn pair<T>(p: &(Option<T>, Option<T>), show: impl Fn(&T) -> String) -> (String, String) {
    let dash = || "—".to_string();
    (
        p.0.as_ref().map_or_else(dash, &show),
        p.1.as_ref().map_or_else(dash, &show),
    )
}

fn movement_view(view: &RunView, lang: Lang) -> Option<MovementView> {
    let m = view.movement.as_ref()?;
    let scheme = &view.scheme;
    let english = lang.is_english();
    let unit_name = |code: &str| {
        view.run
            .inputs
            .units
            .iter()
            .find(|u| u.code == code)
            .map_or_else(|| code.to_string(), |u| u.name(english).to_string())
    };
    Some(MovementView {
        earlier: m.earlier.id,
        earlier_created: innozone_app::clock::format_unix(m.earlier.created_at),
        scheme_changed: m.scheme_changed,
        units: m
            .units
            .iter()
            .map(|u| MoveRow {
                name: unit_name(&u.unit),
                total: pair(&u.total, |v| number(*v, 2)),
                rank: pair(&u.rank, |r| r.to_string()),
                grade: pair(&u.grade, |g| grade_name(scheme, Some(g), lang)),
            })
            .collect(),
        inputs: m
            .inputs
            .iter()
            .map(|i| InputRow {
                unit: unit_name(&i.unit),
                indicator: node_name(scheme, &i.indicator, lang),
                before: points(i.before),
                after: points(i.after),
            })
            .collect(),
    })
}

/// What was done to the data before scoring, per indicator, with the imputed values of
/// the parks the user sees.
fn treatment_notes(view: &RunView, lang: Lang) -> Vec<(String, String)> {
    let english = lang.is_english();
    let visible: Vec<&str> = view
        .visible
        .iter()
        .map(|&u| view.run.inputs.units[u].code.as_str())
        .collect();
    let mut notes = Vec::new();
    for t in &view.run.outcome.treatments {
        let mut parts = Vec::new();
        if !t.imputed.is_empty() {
            let shown: Vec<String> = t
                .imputed
                .iter()
                .filter(|(code, _)| visible.contains(&code.as_str()))
                .map(|(code, value)| {
                    let name = view
                        .run
                        .inputs
                        .units
                        .iter()
                        .find(|u| &u.code == code)
                        .map_or(code.as_str(), |u| u.name(english));
                    format!("{name} {}", number(*value, 2))
                })
                .collect();
            let mut text = lang.t_with(
                "evaluation.page.treatment.imputed",
                &[("count", t.imputed.len().to_string())],
            );
            if !shown.is_empty() {
                text.push_str(&lang.t("issue.separator"));
                text.push_str(&shown.join(lang.t("evaluation.page.list_separator").as_str()));
            }
            parts.push(text);
        }
        match t.outliers.as_str() {
            "winsorised" => parts.push(lang.t_with(
                "evaluation.page.treatment.winsorised",
                &[("count", t.winsorised.to_string())],
            )),
            "logged" => parts.push(lang.t("evaluation.page.treatment.logged")),
            _ => {}
        }
        if !parts.is_empty() {
            notes.push((
                node_name(&view.scheme, &t.indicator, lang),
                parts.join(lang.t("evaluation.page.list_separator").as_str()),
            ));
        }
    }
    notes
}

fn rank_rows(view: &RunView, lang: Lang, groups: &[usize]) -> Vec<RankRow> {
    let scheme = &view.scheme;
    let id = view.run.summary.id;
    let english = lang.is_english();
    view.visible
        .iter()
        .map(|&u| {
            let unit = &view.run.inputs.units[u];
            let o = &view.run.outcome.units[u];
            let (points_change, places) = view.change_on_last_year(u);
            RankRow {
                rank: rank_text(o.rank),
                code: unit.code.clone(),
                name: unit.name(english).to_string(),
                link: profile_link(id, &unit.code),
                total: points(o.total),
                aggregate: points(o.aggregate),
                bonus: points(o.bonus),
                penalty: points(o.penalty),
                grade: grade_name(scheme, o.grade.as_deref(), lang),
                grade_class: grade_class(scheme, o.grade.as_deref()),
                change_points: points_change.map(signed),
                change_places: places.map(|p| places_text(p, lang)),
                change_class: match points_change {
                    Some(d) if d > 0.005 => "up",
                    Some(d) if d < -0.005 => "down",
                    _ => "",
                },
                flags: view.flags[u]
                    .iter()
                    .map(|f| flag_view(scheme, &f.rule, lang))
                    .collect(),
                vetoes: veto_names(scheme, &view.run.inputs.vetoes[u], lang),
                included: o.included,
                availability: percent(o.availability),
                dimensions: groups
                    .iter()
                    .map(|&g| points(o.scores.get(g).copied().flatten()))
                    .collect(),
            }
        })
        .collect()
}

/// Each visible park's total as a horizontal bar, the best at the top, coloured by grade;
/// a bar opens the park's profile.
fn ranking_chart(view: &RunView, rows: &[RankRow], lang: Lang) -> String {
    let ranked: Vec<&RankRow> = rows.iter().filter(|r| r.included).collect();
    let names: Vec<&str> = ranked.iter().rev().map(|r| r.name.as_str()).collect();
    let data: Vec<serde_json::Value> = ranked
        .iter()
        .rev()
        .map(|r| {
            let u = view
                .run
                .inputs
                .unit(&r.code)
                .expect("a row is a unit of the run");
            let total = view.run.outcome.units[u].total;
            json!({
                "value": total.map_or(json!("-"), |t| json!(rounded(t, 2))),
                "url": r.link,
                "itemStyle": {"color": grade_colour(r.grade_class)},
            })
        })
        .collect();
    json!({
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 170, "right": 50, "top": 20, "bottom": 30},
        "xAxis": {"type": "value", "name": lang.t("evaluation.page.col.total")},
        "yAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0}},
        "series": [{
            "type": "bar",
            "data": data,
            "drill": true,
            "barMaxWidth": 20,
            "label": {"show": true, "position": "right"},
        }],
    })
    .to_string()
}

fn tree_rows(scheme: &Scheme, lang: Lang) -> Vec<TreeRow> {
    let effective = scheme.effective_weights();
    scheme
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| TreeRow {
            depth: n.depth,
            code: n.code.clone(),
            name: n.name(lang.is_english()).to_string(),
            is_indicator: n.is_indicator(),
            weight: number(n.weight, 2)
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string(),
            effective: percent(effective[i]),
            how: indicator_how(scheme, i, lang),
        })
        .collect()
}

fn named(zh: &str, en: &str, lang: Lang) -> String {
    if lang.is_english() {
        en.to_string()
    } else {
        zh.to_string()
    }
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<RunQuery>,
) -> Result<Response, WebError> {
    let id = run_id(&id)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let view = run_view(store, &hierarchy, &user.principal, id).await?;
    let english = lang.is_english();
    let scheme = &view.scheme;
    let summary = &view.run.summary;
    let groups: Vec<usize> = (0..scheme.nodes.len())
        .filter(|&i| !scheme.nodes[i].is_indicator())
        .collect();
    let rows = rank_rows(&view, lang, &groups);
    let ranking_chart = ranking_chart(&view, &rows, lang);
    let superseded_by = visible_runs(store, &hierarchy, &user.principal)
        .await?
        .into_iter()
        .filter(|r| {
            r.id > id
                && r.scheme == summary.scheme
                && r.scope == summary.scope
                && r.basis == summary.basis
                && r.period == summary.period
        })
        .map(|r| r.id)
        .max();
    let years = view
        .visible
        .first()
        .map(|&u| view.record[u].iter().map(|y| (y.year, y.run)).collect())
        .unwrap_or_default();
    let adjustments = scheme
        .adjustments
        .iter()
        .map(|a| {
            let kind = match a.kind {
                AdjustmentKind::Bonus => "bonus",
                AdjustmentKind::Penalty => "penalty",
            };
            let mut rule = lang.t_with(
                &format!("evaluation.page.adjustment.{kind}"),
                &[("points", number(a.points, 1))],
            );
            if a.fixed {
                rule.push_str(&lang.t("evaluation.page.adjustment.fixed"));
            }
            if let Some(cap) = a.cap {
                rule.push_str(
                    &lang.t_with("evaluation.page.adjustment.cap", &[("cap", number(cap, 1))]),
                );
            }
            (named(&a.zh, &a.en, lang), rule)
        })
        .collect();
    let bands = scheme
        .grades
        .bands
        .iter()
        .map(|b| {
            let rule = match b.rule {
                BandRule::Min(min) => {
                    lang.t_with("evaluation.page.band.min", &[("min", number(min, 1))])
                }
                BandRule::Share(share) => {
                    lang.t_with("evaluation.page.band.share", &[("share", number(share, 1))])
                }
                BandRule::Rest => lang.t("evaluation.page.band.rest"),
            };
            (b.name(english).to_string(), rule)
        })
        .collect();
    let consequences = scheme
        .consequences
        .iter()
        .map(|c| {
            lang.t_with(
                "evaluation.page.consequence_rule",
                &[
                    ("years", c.consecutive.to_string()),
                    ("grade", grade_name(scheme, Some(&c.grade), lang)),
                    ("what", named(&c.zh, &c.en, lang)),
                ],
            )
        })
        .collect();
    let page = RunPage {
        id,
        title: format!(
            "{} · {}",
            scheme.name(english),
            period_label(summary.period, lang)
        ),
        scope: hierarchy
            .unit(summary.scope)
            .map(|u| u.display_name(english).to_string())
            .unwrap_or_default(),
        basis: lang.t(&format!("monitoring.basis.{}", summary.basis)),
        created: innozone_app::clock::format_unix(summary.created_at),
        created_by: summary.created_by.clone(),
        scheme_version: summary.scheme_version,
        unchanged: q.unchanged.is_some(),
        superseded_by,
        sees_all: view.sees_all,
        dimensions: groups
            .iter()
            .map(|&g| {
                (
                    scheme.nodes[g].name(english).to_string(),
                    scheme.nodes[g].depth,
                )
            })
            .collect(),
        rows,
        ranking_chart,
        tree: tree_rows(scheme, lang),
        adjustments,
        vetoes: scheme
            .vetoes
            .iter()
            .map(|v| named(&v.zh, &v.en, lang))
            .collect(),
        bands,
        consequences,
        availability: percent(scheme.availability),
        movement: movement_view(&view, lang),
        treatments: treatment_notes(&view, lang),
        explanation_exact: view.run.outcome.explanation_exact,
        years,
        chrome: Chrome::new(lang, Some(&user), "evaluation"),
    };
    Ok(render(&page)?.into_response())
}

/// The run as a workbook: the results, every node's score and every node's rank among
/// the parks, for the parks the user sees.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = run_id(&id)?;
    let hierarchy = state.hierarchy().await?;
    let view = run_view(state.store(), &hierarchy, &user.principal, id).await?;
    let bytes =
        write_xlsx(&run_sheets(&view, lang)).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!(
        "{}_{}_{}.xlsx",
        lang.t("evaluation.page.file_run"),
        view.scheme.name(lang.is_english()),
        view.run.summary.period
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}

fn number_cell(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Number(rounded(v, 4)))
}

fn run_sheets(view: &RunView, lang: Lang) -> Vec<SheetData> {
    let t = |k: &str| lang.t(k);
    let english = lang.is_english();
    let scheme = &view.scheme;
    let outcome = &view.run.outcome;
    let mut results = SheetData {
        name: t("evaluation.page.sheet.results"),
        headers: [
            "rank",
            "unit_code",
            "unit_name",
            "total",
            "aggregate",
            "bonus",
            "penalty",
            "grade",
            "veto",
            "availability",
            "included",
            "change_points",
            "change_places",
            "flags",
        ]
        .iter()
        .map(|k| t(&format!("evaluation.page.col.{k}")))
        .collect(),
        rows: Vec::new(),
    };
    for &u in &view.visible {
        let unit = &view.run.inputs.units[u];
        let o = &outcome.units[u];
        let (change, places) = view.change_on_last_year(u);
        results.rows.push(vec![
            o.rank.map_or(Cell::Empty, |r| Cell::Integer(i64::from(r))),
            Cell::Text(unit.code.clone()),
            Cell::Text(unit.name(english).to_string()),
            number_cell(o.total),
            number_cell(o.aggregate),
            number_cell(o.bonus),
            number_cell(o.penalty),
            Cell::Text(grade_name(scheme, o.grade.as_deref(), lang)),
            Cell::Text(veto_names(scheme, &view.run.inputs.vetoes[u], lang).join("；")),
            Cell::Number(rounded(o.availability * 100.0, 1)),
            Cell::Text(t(if o.included {
                "evaluation.page.yes"
            } else {
                "evaluation.page.no"
            })),
            number_cell(change),
            places.map_or(Cell::Empty, Cell::Integer),
            Cell::Text(
                view.flags[u]
                    .iter()
                    .map(|f| flag_view(scheme, &f.rule, lang).name)
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
        ]);
    }
    // Node headers: the name, with the code where two nodes share a name.
    let headers: Vec<String> = scheme
        .nodes
        .iter()
        .map(|n| {
            let name = n.name(english);
            if scheme
                .nodes
                .iter()
                .filter(|m| m.name(english) == name)
                .count()
                > 1
            {
                format!("{name}（{}）", n.code)
            } else {
                name.to_string()
            }
        })
        .collect();
    let lead = [
        t("evaluation.page.col.unit_code"),
        t("evaluation.page.col.unit_name"),
    ];
    let mut scores = SheetData {
        name: t("evaluation.page.sheet.scores"),
        headers: lead
            .iter()
            .cloned()
            .chain(std::iter::once(t("evaluation.page.col.total")))
            .chain(headers.iter().cloned())
            .collect(),
        rows: Vec::new(),
    };
    let mut node_ranks = SheetData {
        name: t("evaluation.page.sheet.ranks"),
        headers: scores.headers.clone(),
        rows: Vec::new(),
    };
    // Each node's ranks among the parks that have a score for it.
    let ranks_of = |values: Vec<Option<f64>>| {
        ranks(
            &values
                .into_iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        )
    };
    let total_ranks: Vec<Option<u32>> = outcome.units.iter().map(|o| o.rank).collect();
    let by_node: Vec<Vec<Option<u32>>> = (0..scheme.nodes.len())
        .map(|i| {
            ranks_of(
                outcome
                    .units
                    .iter()
                    .map(|o| o.scores.get(i).copied().flatten())
                    .collect(),
            )
        })
        .collect();
    for &u in &view.visible {
        let unit = &view.run.inputs.units[u];
        let o = &outcome.units[u];
        let mut row = vec![
            Cell::Text(unit.code.clone()),
            Cell::Text(unit.name(english).to_string()),
            number_cell(o.total),
        ];
        row.extend(
            (0..scheme.nodes.len()).map(|i| number_cell(o.scores.get(i).copied().flatten())),
        );
        scores.rows.push(row);
        let mut row = vec![
            Cell::Text(unit.code.clone()),
            Cell::Text(unit.name(english).to_string()),
            total_ranks[u].map_or(Cell::Empty, |r| Cell::Integer(i64::from(r))),
        ];
        row.extend(
            by_node
                .iter()
                .map(|r| r[u].map_or(Cell::Empty, |r| Cell::Integer(i64::from(r)))),
        );
        node_ranks.rows.push(row);
    }
    vec![results, scores, node_ranks]
}
