//! The development index (发展指数) of a unit over the years, base year = 100: the total on
//! a line, each dimension's contribution per year stacked, the table of years by
//! dimensions (index and contribution), and each indicator's values; as a workbook too.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::evaluation::{IndexView, index_schemes, index_view};
use innozone_app::monitoring::{Basis, current_catalogue, monitored_periods};
use innozone_domain::evaluation::scheme::Source;
use innozone_domain::monitoring::Catalogue;
use innozone_domain::registry::{UnitId, UnitKind};
use innozone_domain::reporting::PeriodType;
use innozone_exchange::{FileFormat, SheetData, Value as Cell, write_xlsx};
use innozone_i18n::Lang;
use serde::Deserialize;
use serde_json::json;

use super::rounded;
use crate::auth::CurrentUser;
use crate::error::{WebError, urlencode};
use crate::files::attachment;
use crate::language::Language;
use crate::routes::pages::monitoring::format::{number, unit_symbol};
use crate::routes::pages::reporting::unit_choices;
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Debug, Deserialize, Default)]
pub struct IndexQuery {
    /// The unit's code (or its id).
    pub unit: Option<String>,
    pub scheme: Option<String>,
    pub base: Option<i32>,
    pub last: Option<i32>,
    pub basis: Option<String>,
}

pub struct YearRow {
    pub year: i32,
    pub total: String,
    /// (index, contribution) of each dimension.
    pub dimensions: Vec<(String, String)>,
}

pub struct ValueRow {
    pub name: String,
    pub unit: String,
    pub values: Vec<String>,
}

#[derive(Template)]
#[template(path = "evaluation_index.html")]
struct IndexPage {
    chrome: Chrome,
    title: String,
    unit_code: String,
    scheme_code: String,
    /// (code, name) of the schemes that make an index.
    schemes: Vec<(String, String)>,
    /// (code, name, depth) of the units the user may pick.
    units: Vec<(String, String, usize)>,
    base_year: i32,
    last_year: i32,
    basis: &'static str,
    dimensions: Vec<String>,
    years: Vec<YearRow>,
    values: Vec<ValueRow>,
    value_years: Vec<i32>,
    index_chart: String,
    contribution_chart: String,
    query: String,
}

struct Loaded {
    view: IndexView,
    catalogue: Option<Catalogue>,
    unit_code: String,
    unit_name: String,
    base: i32,
    last: i32,
    basis: Basis,
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    q: &IndexQuery,
    lang: Lang,
) -> Result<Loaded, WebError> {
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let unit = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => hierarchy
            .unit_by_code(text)
            .or_else(|| text.parse().ok().and_then(|id| hierarchy.unit(UnitId(id))))
            .ok_or(WebError::NotFound)?,
        None => user
            .principal
            .home_unit()
            .and_then(|u| hierarchy.unit(u))
            .or_else(|| {
                let mut zones: Vec<_> = hierarchy
                    .units()
                    .filter(|u| u.kind == UnitKind::Zone)
                    .collect();
                zones.sort_by(|a, b| a.code.cmp(&b.code));
                zones.into_iter().next()
            })
            .ok_or(WebError::Forbidden)?,
    };
    let indices = index_schemes(store).await?;
    let scheme_code = match q.scheme.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => code.to_string(),
        None => indices
            .first()
            .map(|(s, _)| s.code.clone())
            .ok_or(WebError::NotFound)?,
    };
    let scheme_base = indices
        .iter()
        .find(|(s, _)| s.code == scheme_code)
        .and_then(|(s, _)| s.base_year);
    let catalogue = current_catalogue(store).await?;
    // The scheme's base year unless another is asked for, else the earliest monitored.
    let years: Vec<i32> = match &catalogue {
        Some(c) => monitored_periods(store, c)
            .await?
            .into_iter()
            .filter(|p| p.period_type() == PeriodType::Annual)
            .map(|p| p.year())
            .collect(),
        None => Vec::new(),
    };
    let this_year = innozone_app::clock::today().year();
    let base = q
        .base
        .or(scheme_base)
        .or_else(|| years.iter().copied().min())
        .unwrap_or(this_year - 1);
    let last = q
        .last
        .or_else(|| years.iter().copied().max())
        .unwrap_or(this_year - 1);
    if !(1990..=2100).contains(&base) || !(base..=2100).contains(&last) {
        return Err(WebError::NotFound);
    }
    let basis = Basis::parse(q.basis.as_deref().unwrap_or(""));
    let view = index_view(
        store,
        &state.monitor,
        &user.principal,
        &scheme_code,
        unit.id,
        base,
        last,
        basis,
    )
    .await?;
    Ok(Loaded {
        view,
        catalogue,
        unit_code: unit.code.to_string(),
        unit_name: unit.display_name(lang.is_english()).to_string(),
        base,
        last,
        basis,
    })
}

/// An indicator's unit and decimals from the catalogue, when it has the indicator.
fn reading(catalogue: Option<&Catalogue>, source: Option<&Source>, lang: Lang) -> (String, u8) {
    match (catalogue, source) {
        (Some(c), Some(Source::Monitoring(code))) => {
            c.indicator(code).map_or((String::new(), 2), |(_, d)| {
                (unit_symbol(d.unit, lang).to_string(), d.decimals)
            })
        }
        _ => (String::new(), 2),
    }
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<IndexQuery>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &q, lang).await?;
    let english = lang.is_english();
    let v = &loaded.view;
    let scheme = &v.scheme;
    let index = &v.index;
    let labels: Vec<String> = index.years.iter().map(|y| y.year.to_string()).collect();
    let totals: Vec<f64> = index.years.iter().map(|y| rounded(y.total, 2)).collect();
    let index_chart = json!({
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "scale": true, "name": lang.t_with("evaluation.page.index_axis", &[("year", index.base_year.to_string())])},
        "series": [{
            "name": scheme.name(english),
            "type": "line",
            "data": totals,
            "label": {"show": true, "position": "top"},
            "markLine": {"silent": true, "symbol": "none", "lineStyle": {"type": "dashed"}, "data": [{"yAxis": 100}]},
        }],
    })
    .to_string();
    let series: Vec<serde_json::Value> = scheme
        .roots
        .iter()
        .map(|&r| {
            json!({
                "name": scheme.nodes[r].name(english),
                "type": "bar",
                "stack": "contribution",
                "data": index.years.iter().map(|y| rounded(y.contributions[r], 2)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let contribution_chart = json!({
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "name": lang.t("evaluation.page.index_points")},
        "series": series,
    })
    .to_string();
    let years = index
        .years
        .iter()
        .map(|y| YearRow {
            year: y.year,
            total: number(y.total, 2),
            dimensions: y
                .dimensions(scheme)
                .map(|(_, i, c)| {
                    (
                        i.map_or_else(|| "—".to_string(), |i| number(i, 2)),
                        number(c, 2),
                    )
                })
                .collect(),
        })
        .collect();
    let values = scheme
        .indicators()
        .map(|(_, n)| {
            let (unit, decimals) = reading(
                loaded.catalogue.as_ref(),
                n.indicator().map(|s| &s.source),
                lang,
            );
            ValueRow {
                name: n.name(english).to_string(),
                unit,
                values: v
                    .values
                    .get(&n.code)
                    .map(|s| {
                        s.iter()
                            .map(|x| x.map_or_else(|| "—".to_string(), |x| number(x, decimals)))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(innozone_app::clock::today());
    let units = unit_choices(&user.principal, &hierarchy, &tree)
        .into_iter()
        .filter_map(|(id, name, depth)| {
            hierarchy
                .unit(id)
                .map(|u| (u.code.to_string(), name, depth))
        })
        .collect();
    let schemes = index_schemes(state.store())
        .await?
        .into_iter()
        .map(|(s, _)| (s.code.clone(), s.name(english).to_string()))
        .collect();
    let page = IndexPage {
        title: format!("{} · {}", scheme.name(english), loaded.unit_name),
        unit_code: loaded.unit_code.clone(),
        scheme_code: scheme.code.clone(),
        schemes,
        units,
        base_year: loaded.base,
        last_year: loaded.last,
        basis: loaded.basis.code(),
        dimensions: scheme
            .roots
            .iter()
            .map(|&r| scheme.nodes[r].name(english).to_string())
            .collect(),
        years,
        values,
        value_years: v.years.clone(),
        index_chart,
        contribution_chart,
        query: format!(
            "scheme={}&unit={}&base={}&last={}&basis={}",
            urlencode(&scheme.code),
            urlencode(&loaded.unit_code),
            loaded.base,
            loaded.last,
            loaded.basis.code()
        ),
        chrome: Chrome::new(lang, Some(&user), "evaluation"),
    };
    Ok(render(&page)?.into_response())
}

/// The index as a workbook: the index and each dimension's by year, the contributions,
/// and each indicator's values.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<IndexQuery>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &q, lang).await?;
    let english = lang.is_english();
    let v = &loaded.view;
    let scheme = &v.scheme;
    let t = |k: &str| lang.t(k);
    let dimension_names: Vec<String> = scheme
        .roots
        .iter()
        .map(|&r| scheme.nodes[r].name(english).to_string())
        .collect();
    let mut index = SheetData {
        name: t("evaluation.page.sheet.index"),
        headers: std::iter::once(t("evaluation.page.col.year"))
            .chain(std::iter::once(t("evaluation.page.col.index_total")))
            .chain(dimension_names.iter().cloned())
            .collect(),
        rows: Vec::new(),
    };
    let mut contributions = SheetData {
        name: t("evaluation.page.sheet.contributions"),
        headers: std::iter::once(t("evaluation.page.col.year"))
            .chain(std::iter::once(t("evaluation.page.col.index_change")))
            .chain(dimension_names.iter().cloned())
            .collect(),
        rows: Vec::new(),
    };
    for y in &v.index.years {
        let mut row = vec![
            Cell::Integer(i64::from(y.year)),
            Cell::Number(rounded(y.total, 4)),
        ];
        row.extend(
            y.dimensions(scheme)
                .map(|(_, i, _)| i.map_or(Cell::Empty, |i| Cell::Number(rounded(i, 4)))),
        );
        index.rows.push(row);
        let mut row = vec![
            Cell::Integer(i64::from(y.year)),
            Cell::Number(rounded(y.total - 100.0, 4)),
        ];
        row.extend(
            y.dimensions(scheme)
                .map(|(_, _, c)| Cell::Number(rounded(c, 4))),
        );
        contributions.rows.push(row);
    }
    let mut values = SheetData {
        name: t("evaluation.page.sheet.values"),
        headers: [
            t("evaluation.page.col.indicator"),
            t("evaluation.page.col.unit"),
        ]
        .into_iter()
        .chain(v.years.iter().map(|y| y.to_string()))
        .collect(),
        rows: Vec::new(),
    };
    for (_, n) in scheme.indicators() {
        let (unit, _) = reading(
            loaded.catalogue.as_ref(),
            n.indicator().map(|s| &s.source),
            lang,
        );
        let mut row = vec![Cell::Text(n.name(english).to_string()), Cell::Text(unit)];
        // The values the index is computed from, not rounded to the indicator's decimals.
        if let Some(series) = v.values.get(&n.code) {
            row.extend(
                series
                    .iter()
                    .map(|x| x.map_or(Cell::Empty, |x| Cell::Number(rounded(x, 8)))),
            );
        }
        values.rows.push(row);
    }
    let bytes = write_xlsx(&[index, contributions, values])
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!(
        "{}_{}_{}-{}.xlsx",
        scheme.name(english),
        loaded.unit_name,
        loaded.base,
        v.years.last().copied().unwrap_or(loaded.last)
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}
