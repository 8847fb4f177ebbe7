//! The quarterly monitoring bulletin (季度监测数据) and the annual monitoring report
//! (年度统计监测报告) of a unit as a printable page, an xlsx workbook of its tables and a
//! .docx laid out as an official document (GB/T 9704). The bulletin is composed by
//! `innozone_reports::monitoring`, which also decides who may read it; these handlers
//! parse the dashboard's query and choose the output.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::monitoring::Basis;
use innozone_i18n::Lang;
use innozone_reports::monitoring::{Bulletin, bulletin};
use innozone_reports::{Format, PageBlock};

use super::dashboard::DashboardQuery;
use super::parse_period;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::report_file;
use crate::language::Language;
use crate::routes::pages::reporting::chosen_unit;
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "monitoring_bulletin.html")]
struct BulletinPage {
    chrome: Chrome,
    title: String,
    subtitle: String,
    issuer: String,
    date: String,
    blocks: Vec<PageBlock>,
    query: String,
}

/// The bulletin of the dashboard's unit, period and basis.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    q: &DashboardQuery,
    lang: Lang,
) -> Result<Bulletin, WebError> {
    let hierarchy = state.hierarchy().await?;
    let unit = chosen_unit(&user.principal, &hierarchy, q.unit.as_deref())?;
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(parse_period(p)?),
        None => None,
    };
    let basis = Basis::parse(q.basis.as_deref().unwrap_or(""));
    Ok(bulletin(
        state.store(),
        &state.monitor,
        &user.principal,
        unit,
        period,
        basis,
        lang,
    )
    .await?)
}

fn query(b: &Bulletin) -> String {
    format!(
        "unit={}&period={}&basis={}",
        b.unit.0,
        b.period,
        b.basis.code()
    )
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let b = load(&state, &user, &q, lang).await?;
    let page = b.report.page();
    let page = BulletinPage {
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
        title: page.title,
        subtitle: page.subtitle,
        issuer: page.issuer,
        date: page.date,
        blocks: page.blocks,
        query: query(&b),
    };
    Ok(render(&page)?.into_response())
}

async fn file(
    state: &AppState,
    user: &CurrentUser,
    q: &DashboardQuery,
    lang: Lang,
    format: Format,
) -> Result<Response, WebError> {
    let report = load(state, user, q, lang).await?.report;
    report_file(&report, format)
}

/// The bulletin's tables as a workbook, one sheet each.
pub async fn xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    file(&state, &user, &q, lang, Format::Xlsx).await
}

/// The bulletin as a Word document to send on.
pub async fn docx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    file(&state, &user, &q, lang, Format::Docx).await
}
