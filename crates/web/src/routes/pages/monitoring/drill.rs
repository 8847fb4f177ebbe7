//! One indicator for one unit and period, opened up: how it is computed, the units below,
//! break-downs by industry, tier or size, and the enterprises and filings behind it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::monitoring::{Basis, Drill, Grouping, drill, drill_enterprises, group_keys};
use innozone_domain::monitoring::{Catalogue, QuantityUnit, TermKind};
use innozone_domain::registry::Tier;
use innozone_exchange::{FileFormat, SheetData, Value as Cell, write_xlsx};
use innozone_i18n::Lang;
use serde::Deserialize;
use serde_json::json;

use super::dashboard::query_string;
use super::format::{number, shown, status_class, status_text, unit_symbol};
use super::parse_period;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::attachment;
use crate::language::Language;
use crate::routes::pages::reporting::chosen_unit;
use crate::state::AppState;
use crate::views::{Chrome, render};

/// Enterprises listed on the page; the download has them all.
const PAGE_ROWS: usize = 300;

#[derive(Debug, Deserialize, Default)]
pub struct DrillQuery {
    pub unit: Option<String>,
    pub period: Option<String>,
    pub basis: Option<String>,
    pub by: Option<String>,
}

pub struct Crumb {
    pub name: String,
    pub link: String,
}

pub struct Row {
    pub name: String,
    pub value: String,
    pub why: Option<String>,
    pub status_class: &'static str,
    pub status: String,
    pub link: Option<String>,
}

pub struct EnterpriseRow {
    pub credit_code: String,
    pub name: String,
    pub park: String,
    pub filing: Option<(i64, i32, bool)>,
    pub terms: Vec<String>,
}

#[derive(Template)]
#[template(path = "monitoring_drill.html")]
struct DrillPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    code: String,
    name: String,
    unit_name: String,
    period_label: String,
    value: String,
    why: Option<String>,
    unit: String,
    direction: String,
    formula: String,
    description: String,
    source: Option<String>,
    target: Option<String>,
    status_class: &'static str,
    status: String,
    statistics: Vec<(String, String)>,
    children: Vec<Row>,
    grouping: &'static str,
    groupings: Vec<(&'static str, String)>,
    groups: Vec<Row>,
    groups_chart: String,
    term_headers: Vec<String>,
    enterprises: Vec<EnterpriseRow>,
    enterprise_total: usize,
    sees_enterprises: bool,
    basis_text: String,
    query: String,
    base_query: String,
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    q: &DrillQuery,
    lang: Lang,
) -> Result<Drill, WebError> {
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let unit = chosen_unit(&user.principal, &hierarchy, q.unit.as_deref())?;
    let period = parse_period(q.period.as_deref().unwrap_or(""))?;
    let basis = Basis::parse(q.basis.as_deref().unwrap_or(""));
    let grouping = Grouping::parse(q.by.as_deref().unwrap_or("")).unwrap_or(Grouping::Industry);
    Ok(drill(
        store,
        &state.monitor,
        &user.principal,
        unit,
        period,
        code,
        basis,
        grouping,
        lang.is_english(),
    )
    .await?)
}

fn group_label(grouping: Grouping, key: &str, lang: Lang) -> String {
    match grouping {
        Grouping::Industry => innozone_domain::registry::industry::SECTIONS
            .iter()
            .find(|s| s.letter.to_string() == key)
            .map(|s| {
                format!(
                    "{} {}",
                    s.letter,
                    if lang.is_english() {
                        s.name_en
                    } else {
                        s.name_zh
                    }
                )
            })
            .unwrap_or_else(|| key.to_string()),
        Grouping::Tier => match Tier::parse(key) {
            Some(t) => lang.t(&format!("tier.{}", t.code())),
            None => lang.t("monitoring.group.no_tier"),
        },
        Grouping::SizeClass => lang.t(&format!("monitoring.group.size.{key}")),
    }
}

/// A term's column heading, with the unit its values are shown in.
fn term_header(catalogue: &Catalogue, term: usize, lang: Lang) -> String {
    let t = &catalogue.terms[term];
    match t.kind {
        TermKind::Count => t.text.clone(),
        TermKind::Sum => {
            let unit = QuantityUnit::ALL
                .into_iter()
                .find(|u| u.dimension() == t.dimension && u.factor() == t.factor)
                .map(|u| unit_symbol(u, lang))
                .unwrap_or("");
            if unit.is_empty() {
                t.text.clone()
            } else {
                format!("{}（{unit}）", t.text)
            }
        }
    }
}

/// What an enterprise adds to a term, in the unit it reported in.
fn term_value(catalogue: &Catalogue, term: usize, value: Option<f64>) -> Option<f64> {
    let t = &catalogue.terms[term];
    let v = value?;
    Some(match t.kind {
        TermKind::Count => v,
        TermKind::Sum => v / t.factor,
    })
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<DrillQuery>,
) -> Result<Response, WebError> {
    let d = load(&state, &user, &code, &q, lang).await?;
    let catalogue = &d.snapshot.catalogue;
    let def = &catalogue.indicators[d.indicator];
    let english = lang.is_english();
    let basis = d.snapshot.basis;
    let base_query = |unit: i64| query_string(unit, d.period, basis, &def.code);
    let crumbs = d
        .path
        .iter()
        .map(|(u, name)| Crumb {
            name: name.clone(),
            link: format!(
                "/monitoring/indicators/{}?{}&by={}",
                def.code,
                base_query(u.0),
                d.grouping.code()
            ),
        })
        .collect();
    let s = shown(&d.value, def.decimals, catalogue, lang);
    let status = d.target.as_ref().and_then(|t| t.status());
    let target = d.target.as_ref().map(|t| {
        let points: Vec<String> = t
            .target
            .all_points()
            .map(|p| format!("{}: {}", p.year, number(p.value, def.decimals)))
            .collect();
        let mut text = points.join(" → ");
        if let Some(c) = t.comparison {
            text.push_str(&format!(
                "{}{}",
                lang.t("issue.separator"),
                lang.t_with(
                    "monitoring.target_path",
                    &[("value", number(c.expected, def.decimals))]
                )
            ));
        }
        text
    });
    let children = d
        .children
        .iter()
        .map(|c| {
            let s = shown(&c.value, def.decimals, catalogue, lang);
            Row {
                name: c.name.clone(),
                value: s.text,
                why: s.why,
                status_class: status_class(c.status),
                status: status_text(c.status, lang),
                link: Some(format!(
                    "/monitoring/indicators/{}?{}&by={}",
                    def.code,
                    base_query(c.unit.0),
                    d.grouping.code()
                )),
            }
        })
        .collect();
    let groups: Vec<Row> = d
        .groups
        .iter()
        .filter(|(_, v)| {
            !matches!(
                v,
                Err(innozone_domain::monitoring::Unavailable::NoData { .. })
            )
        })
        .map(|(key, v)| {
            let s = shown(v, def.decimals, catalogue, lang);
            Row {
                name: group_label(d.grouping, key, lang),
                value: s.text,
                why: s.why,
                status_class: "off",
                status: String::new(),
                link: None,
            }
        })
        .collect();
    let groups_chart = json!({
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "top": 20, "bottom": 90},
        "xAxis": {"type": "category", "data": groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>(), "axisLabel": {"rotate": 35, "interval": 0}},
        "yAxis": {"type": "value", "name": unit_symbol(def.unit, lang)},
        "series": [{"type": "bar", "barMaxWidth": 32, "data": d.groups.iter()
            .filter(|(_, v)| !matches!(v, Err(innozone_domain::monitoring::Unavailable::NoData { .. })))
            .map(|(_, v)| v.as_ref().map_or(json!("-"), |x| json!(innozone_app::monitoring::rounded(*x, def.decimals))))
            .collect::<Vec<_>>()}],
    })
    .to_string();
    let term_headers = d
        .terms
        .iter()
        .map(|&t| term_header(catalogue, t, lang))
        .collect();
    let enterprises = enterprise_rows(&state, &user, &d, lang, Some(PAGE_ROWS)).await?;
    let statistics = d
        .statistics
        .iter()
        .map(|(s, v)| {
            let st = &catalogue.statistics[*s];
            let shown = shown(v, 4, catalogue, lang);
            (
                format!("{}（{}）", st.name(english), unit_symbol(st.unit, lang)),
                shown.why.unwrap_or(shown.text),
            )
        })
        .collect();
    let groupings = [Grouping::Industry, Grouping::Tier, Grouping::SizeClass]
        .into_iter()
        .map(|g| (g.code(), lang.t(&format!("monitoring.by.{}", g.code()))))
        .collect();
    let page = DrillPage {
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
        crumbs,
        code: def.code.clone(),
        name: def.name(english).to_string(),
        unit_name: d.unit_name.clone(),
        period_label: if english {
            d.period.label_en()
        } else {
            d.period.label_zh()
        },
        value: s.text,
        why: s.why,
        unit: unit_symbol(def.unit, lang).to_string(),
        direction: lang.t(&format!("monitoring.direction.{}", def.direction.code())),
        formula: def.formula.clone(),
        description: def.description(english).to_string(),
        source: def.source.clone(),
        target,
        status_class: status_class(status),
        status: status_text(status, lang),
        statistics,
        children,
        grouping: d.grouping.code(),
        groupings,
        groups,
        groups_chart,
        term_headers,
        enterprise_total: d.enterprises.len(),
        enterprises,
        sees_enterprises: user.principal.sees_enterprises(),
        basis_text: lang.t(&format!("monitoring.basis.{}", basis.code())),
        query: format!("{}&by={}", base_query(d.unit.0), d.grouping.code()),
        base_query: base_query(d.unit.0),
    };
    Ok(render(&page)?.into_response())
}

/// The enterprises behind the number, largest contribution to the first term first.
async fn enterprise_rows(
    state: &AppState,
    user: &CurrentUser,
    d: &Drill,
    lang: Lang,
    limit: Option<usize>,
) -> Result<Vec<EnterpriseRow>, WebError> {
    let catalogue = &d.snapshot.catalogue;
    let shares = drill_enterprises(state.store(), &user.principal, d, limit).await?;
    let english = lang.is_english();
    Ok(shares
        .into_iter()
        .map(|(s, e)| {
            let e = e.as_ref();
            EnterpriseRow {
                credit_code: e.map(|e| e.credit_code.to_string()).unwrap_or_default(),
                name: e.map(|e| e.name.clone()).unwrap_or_default(),
                park: d
                    .snapshot
                    .hierarchy
                    .unit(s.park)
                    .map(|u| u.display_name(english).to_string())
                    .unwrap_or_default(),
                filing: s.filing.map(|f| (f.filing_id, f.revision, f.approved)),
                terms: d
                    .terms
                    .iter()
                    .zip(&s.terms)
                    .map(|(&t, v)| {
                        term_value(catalogue, t, *v).map_or_else(String::new, |x| {
                            if catalogue.terms[t].kind == TermKind::Count {
                                "✓".to_string()
                            } else {
                                number(x, 2)
                            }
                        })
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The drill-down as a workbook: the units below, the break-down and every enterprise
/// behind the number with the filing and revision its values come from.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<DrillQuery>,
) -> Result<Response, WebError> {
    let d = load(&state, &user, &code, &q, lang).await?;
    let catalogue = &d.snapshot.catalogue;
    let def = &catalogue.indicators[d.indicator];
    let t = |k: &str| lang.t(k);
    let value_cell = |v: &innozone_domain::monitoring::Value| match v {
        Ok(x) => Cell::Number(innozone_app::monitoring::rounded(*x, def.decimals)),
        Err(_) => Cell::Empty,
    };
    let reason = |v: &innozone_domain::monitoring::Value| match v {
        Ok(_) => Cell::Empty,
        Err(w) => Cell::Text(innozone_i18n::unavailable_reason(w, catalogue, lang)),
    };
    let mut summary = SheetData {
        name: t("monitoring.sheet.children"),
        headers: vec![
            t("monitoring.col.unit_name"),
            format!(
                "{}（{}）",
                def.name(lang.is_english()),
                unit_symbol(def.unit, lang)
            ),
            t("monitoring.col.status"),
            t("monitoring.col.note"),
        ],
        rows: vec![vec![
            Cell::Text(d.unit_name.clone()),
            value_cell(&d.value),
            Cell::Text(status_text(
                d.target.as_ref().and_then(|x| x.status()),
                lang,
            )),
            reason(&d.value),
        ]],
    };
    for c in &d.children {
        summary.rows.push(vec![
            Cell::Text(c.name.clone()),
            value_cell(&c.value),
            Cell::Text(status_text(c.status, lang)),
            reason(&c.value),
        ]);
    }
    let keys = group_keys(d.grouping);
    let groups = SheetData {
        name: t(&format!("monitoring.by.{}", d.grouping.code())),
        headers: vec![
            t("monitoring.col.group"),
            format!(
                "{}（{}）",
                def.name(lang.is_english()),
                unit_symbol(def.unit, lang)
            ),
            t("monitoring.col.note"),
        ],
        rows: keys
            .iter()
            .zip(&d.groups)
            .map(|(k, (_, v))| {
                vec![
                    Cell::Text(group_label(d.grouping, k, lang)),
                    value_cell(v),
                    reason(v),
                ]
            })
            .collect(),
    };
    let rows = enterprise_rows(&state, &user, &d, lang, None).await?;
    let mut headers = vec![
        t("monitoring.col.credit_code"),
        t("monitoring.col.enterprise"),
        t("monitoring.col.park"),
        t("monitoring.col.filing"),
        t("monitoring.col.revision"),
        t("monitoring.col.approved"),
    ];
    headers.extend(d.terms.iter().map(|&x| term_header(catalogue, x, lang)));
    let enterprises = SheetData {
        name: t("monitoring.sheet.enterprises"),
        headers,
        rows: rows
            .into_iter()
            .map(|r| {
                let mut row = vec![
                    Cell::Text(r.credit_code),
                    Cell::Text(r.name),
                    Cell::Text(r.park),
                    r.filing.map_or(Cell::Empty, |f| Cell::Integer(f.0)),
                    r.filing
                        .map_or(Cell::Empty, |f| Cell::Integer(i64::from(f.1))),
                    r.filing.map_or(Cell::Empty, |f| {
                        Cell::Text(t(if f.2 {
                            "monitoring.yes"
                        } else {
                            "monitoring.no"
                        }))
                    }),
                ];
                row.extend(r.terms.into_iter().map(|x| {
                    x.replace(',', "").parse::<f64>().map_or_else(
                        |_| {
                            if x.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(x.clone())
                            }
                        },
                        Cell::Number,
                    )
                }));
                row
            })
            .collect(),
    };
    let mut sheets = vec![summary, groups];
    if user.principal.sees_enterprises() {
        sheets.push(enterprises);
    }
    let bytes = write_xlsx(&sheets).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!(
        "{}_{}_{}.xlsx",
        def.name(lang.is_english()),
        d.unit_name,
        d.period
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}
