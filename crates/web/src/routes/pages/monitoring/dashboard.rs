//! The dashboard of one unit for one period.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::monitoring::{Basis, Dashboard, dashboard, monitored_periods};
use innozone_domain::monitoring::{Catalogue, Direction};
use innozone_domain::reporting::{Period, PeriodType};
use innozone_exchange::{FileFormat, SheetData, Value as Cell, write_xlsx};
use innozone_i18n::Lang;
use serde::Deserialize;
use serde_json::json;

use super::format::{change, number, shown, status_class, status_colour, status_text, unit_symbol};
use super::parse_period;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::attachment;
use crate::language::Language;
use crate::routes::pages::reporting::{chosen_unit, unit_choices};
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Debug, Deserialize, Default)]
pub struct DashboardQuery {
    pub unit: Option<String>,
    pub period: Option<String>,
    pub basis: Option<String>,
    pub focus: Option<String>,
}

pub struct CardView {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value: String,
    pub why: Option<String>,
    pub change: Option<String>,
    pub previous: Option<String>,
    pub status_class: &'static str,
    pub status: String,
    pub target: Option<String>,
    pub lower_is_better: bool,
    pub focused: bool,
    pub link: String,
}

pub struct WarningView {
    pub unit: String,
    pub indicator: String,
    pub actual: String,
    pub expected: String,
    pub shortfall: String,
    pub status_class: &'static str,
    pub status: String,
    pub link: String,
}

pub struct ChildView {
    pub name: String,
    pub kind: String,
    pub value: String,
    pub why: Option<String>,
    pub status_class: &'static str,
    pub status: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "monitoring_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    unit_id: i64,
    unit_name: String,
    period_code: String,
    period_label: String,
    periods: Vec<(String, String)>,
    units: Vec<(i64, String, usize)>,
    basis: &'static str,
    cards: Vec<CardView>,
    focus_code: String,
    focus_name: String,
    focus_formula: String,
    focus_description: String,
    series_chart: String,
    children_chart: Option<String>,
    children: Vec<ChildView>,
    warnings: Vec<WarningView>,
    coverage: String,
    query: String,
    no_catalogue: bool,
}

fn period_label(period: Period, lang: Lang) -> String {
    if lang.is_english() {
        period.label_en()
    } else {
        period.label_zh()
    }
}

/// The period shown when none is asked for: the latest annual one opened.
fn default_period(periods: &[Period]) -> Option<Period> {
    periods
        .iter()
        .find(|p| p.period_type() == PeriodType::Annual)
        .or_else(|| periods.first())
        .copied()
}

pub(super) fn query_string(unit: i64, period: Period, basis: Basis, focus: &str) -> String {
    format!(
        "unit={unit}&period={period}&basis={}&focus={focus}",
        basis.code()
    )
}

fn target_text(
    catalogue: &Catalogue,
    card: &innozone_app::monitoring::Card,
    lang: Lang,
) -> Option<String> {
    let check = card.target.as_ref()?;
    let d = &catalogue.indicators[card.indicator];
    let last = check.target.final_point();
    let unit = unit_symbol(d.unit, lang);
    let mut text = lang.t_with(
        "monitoring.target_final",
        &[
            ("year", last.year.to_string()),
            ("value", format!("{}{unit}", number(last.value, d.decimals))),
        ],
    );
    if let Some(c) = check.comparison {
        text.push_str(&lang.t("issue.separator"));
        text.push_str(&lang.t_with(
            "monitoring.target_path",
            &[("value", format!("{}{unit}", number(c.expected, d.decimals)))],
        ));
    }
    Some(text)
}

pub(super) struct Loaded {
    pub(super) dashboard: Option<Dashboard>,
    periods: Vec<Period>,
    unit: innozone_domain::registry::UnitId,
}

pub(super) async fn load(
    state: &AppState,
    user: &CurrentUser,
    q: &DashboardQuery,
    lang: Lang,
) -> Result<Loaded, WebError> {
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let unit = chosen_unit(&user.principal, &hierarchy, q.unit.as_deref())?;
    // Refused before anything else, also while no catalogue is installed.
    let today = hierarchy.as_of(innozone_app::clock::today());
    if !innozone_app::monitoring::may_monitor(&user.principal, unit, &today) {
        return Err(WebError::Forbidden);
    }
    let Some(catalogue) = state.monitor.catalogue(store).await? else {
        return Ok(Loaded {
            dashboard: None,
            periods: Vec::new(),
            unit,
        });
    };
    let periods = monitored_periods(store, &catalogue).await?;
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(parse_period(p)?),
        None => default_period(&periods),
    };
    let basis = Basis::parse(q.basis.as_deref().unwrap_or(""));
    let dashboard = match period {
        Some(p) => {
            dashboard(
                store,
                &state.monitor,
                &user.principal,
                unit,
                p,
                basis,
                q.focus.as_deref(),
                lang.is_english(),
            )
            .await?
        }
        None => None,
    };
    Ok(Loaded {
        dashboard,
        periods,
        unit,
    })
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &q, lang).await?;
    let hierarchy = state.hierarchy().await?;
    let chrome = Chrome::new(lang, Some(&user), "monitoring");
    let Some(d) = loaded.dashboard else {
        let page = DashboardPage {
            chrome,
            unit_id: loaded.unit.0,
            unit_name: hierarchy
                .unit(loaded.unit)
                .map(|u| u.display_name(lang.is_english()).to_string())
                .unwrap_or_default(),
            period_code: String::new(),
            period_label: String::new(),
            periods: Vec::new(),
            units: Vec::new(),
            basis: Basis::Approved.code(),
            cards: Vec::new(),
            focus_code: String::new(),
            focus_name: String::new(),
            focus_formula: String::new(),
            focus_description: String::new(),
            series_chart: String::new(),
            children_chart: None,
            children: Vec::new(),
            warnings: Vec::new(),
            coverage: String::new(),
            query: String::new(),
            no_catalogue: true,
        };
        return Ok(render(&page)?.into_response());
    };
    let catalogue = &d.snapshot.catalogue;
    let focus = &catalogue.indicators[d.focus];
    let link = |code: &str| {
        format!(
            "/monitoring?{}",
            query_string(d.unit.0, d.period, d.basis, code)
        )
    };
    let cards = d
        .cards
        .iter()
        .map(|c| {
            let def = &catalogue.indicators[c.indicator];
            let s = shown(&c.value, def.decimals, catalogue, lang);
            let previous = c
                .previous_year
                .as_ref()
                .and_then(|p| p.as_ref().ok().copied());
            CardView {
                code: def.code.clone(),
                name: def.name(lang.is_english()).to_string(),
                unit: unit_symbol(def.unit, lang).to_string(),
                value: s.text,
                why: s.why,
                change: match (s.raw, previous) {
                    (Some(now), Some(before)) => change(now, before, def.unit, lang),
                    _ => None,
                },
                previous: previous.map(|p| number(p, def.decimals)),
                status_class: status_class(c.target.as_ref().and_then(|t| t.status())),
                status: status_text(c.target.as_ref().and_then(|t| t.status()), lang),
                target: target_text(catalogue, c, lang),
                lower_is_better: def.direction == Direction::Lower,
                focused: c.indicator == d.focus,
                link: link(&def.code),
            }
        })
        .collect();
    let labels: Vec<String> = d.series_periods.iter().map(|p| p.to_string()).collect();
    let points = &d.series[d.focus];
    let actual: Vec<serde_json::Value> = points
        .iter()
        .map(|p| match p.value {
            Ok(v) => json!({
                "value": (v * 10f64.powi(i32::from(focus.decimals))).round() / 10f64.powi(i32::from(focus.decimals)),
                "itemStyle": {"color": status_colour(p.status)},
            }),
            Err(_) => json!("-"),
        })
        .collect();
    let expected: Vec<serde_json::Value> = points
        .iter()
        .map(|p| {
            p.expected
                .map_or(json!("-"), |v| json!((v * 1000.0).round() / 1000.0))
        })
        .collect();
    let has_target = points.iter().any(|p| p.expected.is_some());
    let mut series = vec![json!({
        "name": lang.t("monitoring.actual"),
        "type": "bar",
        "data": actual,
        "barMaxWidth": 28,
    })];
    if has_target {
        series.push(json!({
            "name": lang.t("monitoring.target_line"),
            "type": "line",
            "data": expected,
            "lineStyle": {"type": "dashed"},
            "symbol": "none",
            "connectNulls": true,
        }));
    }
    let series_chart = json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "name": unit_symbol(focus.unit, lang), "scale": true},
        "series": series,
    })
    .to_string();
    let children: Vec<ChildView> = d
        .children
        .iter()
        .map(|c| {
            let s = shown(&c.value, focus.decimals, catalogue, lang);
            ChildView {
                name: c.name.clone(),
                kind: lang.t(&format!("kind.{}", c.kind.code())),
                value: s.text,
                why: s.why,
                status_class: status_class(c.status),
                status: status_text(c.status, lang),
                link: format!(
                    "/monitoring?{}",
                    query_string(c.unit.0, d.period, d.basis, &focus.code)
                ),
            }
        })
        .collect();
    let children_chart = (!d.children.is_empty()).then(|| {
        let names: Vec<&str> = d.children.iter().map(|c| c.name.as_str()).collect();
        let data: Vec<serde_json::Value> = d
            .children
            .iter()
            .map(|c| {
                let url = format!(
                    "/monitoring?{}",
                    query_string(c.unit.0, d.period, d.basis, &focus.code)
                );
                match c.value {
                    Ok(v) => json!({
                        "value": (v * 10f64.powi(i32::from(focus.decimals))).round() / 10f64.powi(i32::from(focus.decimals)),
                        "url": url,
                        "itemStyle": {"color": status_colour(c.status)},
                    }),
                    Err(_) => json!({"value": "-", "url": url}),
                }
            })
            .collect();
        json!({
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 60, "right": 20, "top": 30, "bottom": 80},
            "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30, "interval": 0}},
            "yAxis": {"type": "value", "name": unit_symbol(focus.unit, lang)},
            "series": [{"type": "bar", "data": data, "drill": true, "barMaxWidth": 36}],
        })
        .to_string()
    });
    let warnings = d
        .warnings
        .iter()
        .map(|w| {
            let def = &catalogue.indicators[w.indicator];
            WarningView {
                unit: w.unit_name.clone(),
                indicator: def.name(lang.is_english()).to_string(),
                actual: format!(
                    "{}{}",
                    number(w.value, def.decimals),
                    unit_symbol(def.unit, lang)
                ),
                expected: format!(
                    "{}{}",
                    number(w.comparison.expected, def.decimals),
                    unit_symbol(def.unit, lang)
                ),
                shortfall: format!("{}%", number(w.comparison.shortfall * 100.0, 1)),
                status_class: status_class(Some(w.comparison.status)),
                status: status_text(Some(w.comparison.status), lang),
                link: format!(
                    "/monitoring/indicators/{}?{}",
                    def.code,
                    query_string(w.unit.0, d.period, d.basis, &def.code)
                ),
            }
        })
        .collect();
    let tree = hierarchy.as_of(d.period.last_day());
    let units = unit_choices(&user.principal, &hierarchy, &tree)
        .into_iter()
        .map(|(id, name, depth)| (id.0, name, depth))
        .collect();
    let page = DashboardPage {
        unit_id: d.unit.0,
        unit_name: d.unit_name.clone(),
        period_code: d.period.to_string(),
        period_label: period_label(d.period, lang),
        periods: loaded
            .periods
            .iter()
            .map(|p| (p.to_string(), period_label(*p, lang)))
            .collect(),
        units,
        basis: d.basis.code(),
        cards,
        focus_code: focus.code.clone(),
        focus_name: focus.name(lang.is_english()).to_string(),
        focus_formula: focus.formula.clone(),
        focus_description: focus.description(lang.is_english()).to_string(),
        series_chart,
        children_chart,
        children,
        warnings,
        coverage: lang.t_with(
            "monitoring.coverage",
            &[
                ("filed", d.filed.to_string()),
                ("enterprises", d.enterprises.to_string()),
                (
                    "basis",
                    lang.t(&format!("monitoring.basis.{}", d.basis.code())),
                ),
            ],
        ),
        query: query_string(d.unit.0, d.period, d.basis, &focus.code),
        no_catalogue: false,
        chrome,
    };
    Ok(render(&page)?.into_response())
}

/// The dashboard as a workbook: the indicators, their series, the units below with every
/// indicator, and the warnings.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &q, lang).await?;
    let d = loaded.dashboard.ok_or(WebError::NotFound)?;
    let bytes =
        write_xlsx(&dashboard_sheets(&d, lang)).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!(
        "{}_{}_{}.xlsx",
        lang.t("monitoring.file_dashboard"),
        d.unit_name,
        d.period
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}

fn cell(value: &innozone_domain::monitoring::Value, decimals: u8) -> Cell {
    match value {
        Ok(v) => Cell::Number(innozone_app::monitoring::rounded(*v, decimals)),
        Err(_) => Cell::Empty,
    }
}

pub(super) fn dashboard_sheets(d: &Dashboard, lang: Lang) -> Vec<SheetData> {
    let catalogue = &d.snapshot.catalogue;
    let english = lang.is_english();
    let t = |k: &str| lang.t(k);
    let mut cards = SheetData {
        name: t("monitoring.sheet.indicators"),
        headers: vec![
            t("monitoring.col.code"),
            t("monitoring.col.indicator"),
            t("monitoring.col.unit"),
            d.period.to_string(),
            d.period.previous_year().to_string(),
            t("monitoring.col.expected"),
            t("monitoring.col.status"),
            t("monitoring.col.direction"),
            t("monitoring.col.formula"),
            t("monitoring.col.note"),
        ],
        rows: Vec::new(),
    };
    for c in &d.cards {
        let def = &catalogue.indicators[c.indicator];
        let why = c
            .value
            .as_ref()
            .err()
            .map(|w| innozone_i18n::unavailable_reason(w, catalogue, lang));
        cards.rows.push(vec![
            Cell::Text(def.code.clone()),
            Cell::Text(def.name(english).to_string()),
            Cell::Text(unit_symbol(def.unit, lang).to_string()),
            cell(&c.value, def.decimals),
            c.previous_year
                .as_ref()
                .map_or(Cell::Empty, |p| cell(p, def.decimals)),
            c.target
                .as_ref()
                .and_then(|t| t.comparison)
                .map_or(Cell::Empty, |cmp| {
                    Cell::Number(innozone_app::monitoring::rounded(
                        cmp.expected,
                        def.decimals,
                    ))
                }),
            Cell::Text(status_text(
                c.target.as_ref().and_then(|t| t.status()),
                lang,
            )),
            Cell::Text(t(&format!("monitoring.direction.{}", def.direction.code()))),
            Cell::Text(def.formula.clone()),
            why.map_or(Cell::Empty, Cell::Text),
        ]);
    }
    let mut series = SheetData {
        name: t("monitoring.sheet.series"),
        headers: std::iter::once(t("monitoring.col.indicator"))
            .chain(d.series_periods.iter().map(|p| p.to_string()))
            .collect(),
        rows: Vec::new(),
    };
    for (i, points) in d.series.iter().enumerate() {
        if !catalogue.applies_to(i, d.period.period_type()) {
            continue;
        }
        let def = &catalogue.indicators[i];
        let mut row = vec![Cell::Text(format!(
            "{}（{}）",
            def.name(english),
            unit_symbol(def.unit, lang)
        ))];
        row.extend(points.iter().map(|p| cell(&p.value, def.decimals)));
        series.rows.push(row);
        if points.iter().any(|p| p.expected.is_some()) {
            let mut row = vec![Cell::Text(format!(
                "{} {}",
                def.name(english),
                t("monitoring.target_line")
            ))];
            row.extend(points.iter().map(|p| {
                p.expected.map_or(Cell::Empty, |v| {
                    Cell::Number(innozone_app::monitoring::rounded(v, def.decimals))
                })
            }));
            series.rows.push(row);
        }
    }
    let applicable: Vec<usize> = (0..catalogue.indicators.len())
        .filter(|i| catalogue.applies_to(*i, d.period.period_type()))
        .collect();
    let mut children = SheetData {
        name: t("monitoring.sheet.children"),
        headers: [t("monitoring.col.unit_code"), t("monitoring.col.unit_name")]
            .into_iter()
            .chain(applicable.iter().map(|&i| {
                let def = &catalogue.indicators[i];
                format!("{}（{}）", def.name(english), unit_symbol(def.unit, lang))
            }))
            .collect(),
        rows: Vec::new(),
    };
    for c in &d.children {
        let Some(position) = d.snapshot.index.position(c.unit) else {
            continue;
        };
        let mut row = vec![Cell::Text(c.code.clone()), Cell::Text(c.name.clone())];
        row.extend(applicable.iter().map(|&i| {
            d.snapshot
                .computation
                .value(d.period, i, position)
                .map_or(Cell::Empty, |v| cell(&v, catalogue.indicators[i].decimals))
        }));
        children.rows.push(row);
    }
    let mut warnings = SheetData {
        name: t("monitoring.sheet.warnings"),
        headers: vec![
            t("monitoring.col.unit_name"),
            t("monitoring.col.indicator"),
            t("monitoring.col.actual"),
            t("monitoring.col.expected"),
            t("monitoring.col.shortfall"),
            t("monitoring.col.status"),
            t("monitoring.col.source"),
        ],
        rows: Vec::new(),
    };
    for w in &d.warnings {
        let def = &catalogue.indicators[w.indicator];
        warnings.rows.push(vec![
            Cell::Text(w.unit_name.clone()),
            Cell::Text(def.name(english).to_string()),
            Cell::Number(innozone_app::monitoring::rounded(w.value, def.decimals)),
            Cell::Number(innozone_app::monitoring::rounded(
                w.comparison.expected,
                def.decimals,
            )),
            Cell::Number((w.comparison.shortfall * 1000.0).round() / 10.0),
            Cell::Text(status_text(Some(w.comparison.status), lang)),
            w.target.source.clone().map_or(Cell::Empty, Cell::Text),
        ]);
    }
    vec![cards, series, children, warnings]
}
