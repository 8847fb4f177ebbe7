//! The cultivation pool (培育库) of a unit as a page and as xlsx: counts by tier and
//! year with the net change, the gap to the targets, the units below compared.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use innozone_app::AppError;
use innozone_app::clock::today;
use innozone_app::cultivation::pool::{Pool, pool, pool_sheets, pool_unit, targets_in_force};
use innozone_domain::registry::Tier;
use innozone_exchange::FileFormat;
use innozone_i18n::Lang;
use serde::Deserialize;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::attachment;
use crate::language::Language;
use crate::routes::pages::reporting::unit_choices;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/pool", get(pool_page))
        .route("/cultivation/pool.xlsx", get(pool_xlsx))
}

#[derive(Deserialize, Default)]
struct PoolQuery {
    unit: Option<String>,
    from: Option<i32>,
    to: Option<i32>,
}

impl PoolQuery {
    fn years(&self) -> (i32, i32) {
        let last = today().year() - 1;
        let to = self
            .to
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or(last);
        let from = self
            .from
            .filter(|y| (2000..=2100).contains(y) && *y <= to)
            .unwrap_or(to - 10)
            .max(to - 60);
        (from, to)
    }
}

/// The pool the query asks for: the user's own unit when none is named (the first zone
/// for an administrator).
async fn load(state: &AppState, user: &CurrentUser, q: &PoolQuery) -> Result<Pool, WebError> {
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let unit = pool_unit(&hierarchy, &user.principal, q.unit.as_deref(), today())?;
    let (from, to) = q.years();
    let targets = targets_in_force(store).await?;
    Ok(pool(
        store,
        &hierarchy,
        targets.as_ref().map(|(c, t)| (t, c)),
        &user.principal,
        unit,
        from..=to,
        today(),
    )
    .await?)
}

fn tier_name(lang: Lang, tier: Tier) -> String {
    lang.t(&format!("tier.{}", tier.code()))
}

fn status_name(lang: Lang, status: &str) -> String {
    lang.t(&format!("cultivation.pool.status.{status}"))
}

fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

struct YearRow {
    year: i32,
    cells: Vec<String>,
}

struct TargetLine {
    tier: String,
    year: i32,
    baseline: bool,
    target: String,
    actual: String,
    gap: String,
    status: String,
    status_code: String,
}

#[derive(Template)]
#[template(path = "cultivation_pool.html")]
struct PoolPage {
    chrome: Chrome,
    code: String,
    /// The units the user may pick: (code, name, depth below the first), in tree order.
    units: Vec<(String, String, usize)>,
    name: String,
    from: i32,
    to: i32,
    tiers: Vec<String>,
    rows: Vec<YearRow>,
    targets: Vec<TargetLine>,
    sources: Vec<String>,
    children: Vec<YearRow>,
    child_names: Vec<String>,
    counts_chart: String,
    target_chart: Option<String>,
    children_chart: Option<String>,
}

/// A stacked bar of the counts by tier over the years.
fn counts_chart(lang: Lang, pool: &Pool, shown: &[usize]) -> String {
    let years: Vec<String> = pool.years.iter().map(|y| y.year.to_string()).collect();
    let series: Vec<serde_json::Value> = shown
        .iter()
        .map(|t| {
            json!({
                "name": tier_name(lang, pool.tiers[*t]),
                "type": "bar",
                "stack": "pool",
                "data": pool.years.iter().map(|y| y.counts[*t]).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 60, "bottom": 30},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    })
    .to_string()
}

/// Each tier with targets: its count against the target's path.
fn target_chart(lang: Lang, pool: &Pool) -> Option<String> {
    if pool.targets.is_empty() {
        return None;
    }
    let years: Vec<String> = pool.years.iter().map(|y| y.year.to_string()).collect();
    let mut series = Vec::new();
    for t in &pool.targets {
        let i = pool.tiers.iter().position(|x| *x == t.tier)?;
        let name = tier_name(lang, t.tier);
        series.push(json!({
            "name": name,
            "type": "line",
            "data": pool.years.iter().map(|y| y.counts[i]).collect::<Vec<_>>(),
        }));
        series.push(json!({
            "name": format!("{name} · {}", lang.t("cultivation.pool.target")),
            "type": "line",
            "lineStyle": {"type": "dashed"},
            "data": t.path.iter().map(|p| p.map_or(json!("-"), |v| json!((v * 10.0).round() / 10.0))).collect::<Vec<_>>(),
        }));
    }
    Some(
        json!({
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 50, "right": 20, "top": 40, "bottom": 30},
            "xAxis": {"type": "category", "data": years},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": series,
        })
        .to_string(),
    )
}

/// The units below, side by side for the last year, by tier.
fn children_chart(lang: Lang, pool: &Pool, shown: &[usize]) -> Option<String> {
    if pool.children.is_empty() {
        return None;
    }
    let names: Vec<&str> = pool.children.iter().map(|c| c.name.as_str()).collect();
    let series: Vec<serde_json::Value> = shown
        .iter()
        .map(|t| {
            json!({
                "name": tier_name(lang, pool.tiers[*t]),
                "type": "bar",
                "stack": "children",
                "data": pool.children.iter().map(|c| c.counts[*t]).collect::<Vec<_>>(),
            })
        })
        .collect();
    Some(
        json!({
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 50, "right": 20, "top": 60, "bottom": 30},
            "xAxis": {"type": "category", "data": names},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": series,
        })
        .to_string(),
    )
}

/// The units the user may pick in the page's unit picker: their own unit (every zone for
/// an administrator) and its districts and parks as the tree stands today, in tree order
/// with their depth; the unit shown first when it is not among them.
async fn units_to_pick(
    state: &AppState,
    user: &CurrentUser,
    pool: &Pool,
) -> Result<Vec<(String, String, usize)>, WebError> {
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let mut units: Vec<(String, String, usize)> = unit_choices(&user.principal, &hierarchy, &tree)
        .into_iter()
        .filter_map(|(id, name, depth)| {
            hierarchy
                .unit(id)
                .map(|u| (u.code.to_string(), name, depth))
        })
        .collect();
    if !units.iter().any(|(code, _, _)| *code == pool.code) {
        units.insert(0, (pool.code.clone(), pool.name.clone(), 0));
    }
    Ok(units)
}

async fn pool_page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<PoolQuery>,
) -> Result<Response, WebError> {
    let pool = load(&state, &user, &q).await?;
    let (from, to) = q.years();
    let units = units_to_pick(&state, &user, &pool).await?;
    // The tiers shown in the charts: those with any holder in the years or below.
    let shown: Vec<usize> = (0..pool.tiers.len())
        .filter(|t| {
            pool.years.iter().any(|y| y.counts[*t] > 0)
                || pool.children.iter().any(|c| c.counts[*t] > 0)
        })
        .collect();
    let rows = pool
        .years
        .iter()
        .map(|y| {
            let net = y.net();
            YearRow {
                year: y.year,
                cells: y
                    .counts
                    .iter()
                    .zip(&net)
                    .map(|(c, n)| format!("{c} ({n:+})"))
                    .collect(),
            }
        })
        .collect();
    let targets = pool
        .targets
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(move |r| TargetLine {
                tier: tier_name(lang, t.tier),
                year: r.year,
                baseline: r.baseline,
                target: number(r.target),
                actual: r.actual.map_or_else(|| "—".to_string(), |a| a.to_string()),
                gap: r.gap.map_or_else(|| "—".to_string(), number),
                status: r
                    .status
                    .map_or_else(|| "—".to_string(), |s| status_name(lang, s)),
                status_code: r.status.unwrap_or("").to_string(),
            })
        })
        .collect();
    let page = PoolPage {
        chrome: Chrome::new(lang, Some(&user), "cultivation"),
        code: pool.code.clone(),
        units,
        name: pool.name.clone(),
        from,
        to,
        tiers: pool.tiers.iter().map(|t| tier_name(lang, *t)).collect(),
        rows,
        targets,
        sources: pool
            .targets
            .iter()
            .filter_map(|t| t.source.clone())
            .collect(),
        children: pool
            .children
            .iter()
            .map(|c| YearRow {
                year: to,
                cells: c.counts.iter().map(u32::to_string).collect(),
            })
            .collect(),
        child_names: pool.children.iter().map(|c| c.name.clone()).collect(),
        counts_chart: counts_chart(lang, &pool, &shown),
        target_chart: target_chart(lang, &pool),
        children_chart: children_chart(lang, &pool, &shown),
    };
    Ok(render(&page)?.into_response())
}

async fn pool_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<PoolQuery>,
) -> Result<Response, WebError> {
    let pool = load(&state, &user, &q).await?;
    let t = |k: &str| lang.t(&format!("cultivation.pool.{k}"));
    let names = [
        t("sheet_counts"),
        t("sheet_net"),
        t("sheet_below"),
        t("sheet_targets"),
    ];
    let labels = [
        t("year"),
        t("unit"),
        t("target_year"),
        t("target"),
        t("actual"),
        t("gap"),
        t("status"),
        t("tier"),
    ];
    let sheets = pool_sheets(
        &pool,
        |x| tier_name(lang, x),
        |s| status_name(lang, s),
        names.each_ref().map(String::as_str),
        labels.each_ref().map(String::as_str),
    );
    let bytes =
        innozone_exchange::write_xlsx(&sheets).map_err(|e| AppError::File(e.to_string()))?;
    let name = format!(
        "{}-{}-{}-{}.xlsx",
        t("file"),
        pool.code,
        pool.years.first().map_or(0, |y| y.year),
        pool.last_year().unwrap_or(0)
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}
