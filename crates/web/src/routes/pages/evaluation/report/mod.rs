//! The annual evaluation report (年度考核评价报告) of a kept run as a printable page with
//! charts, an xlsx workbook of its tables and a .docx laid out as an official document.
//! The report is composed by `innozone_reports::evaluation`, which also decides what the
//! user may read; these handlers only choose the output.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use innozone_i18n::Lang;
use innozone_reports::evaluation::annual_report;
use innozone_reports::{Format, PageBlock, Report};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::report_file;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluation/runs/{id}/report", get(page))
        .route("/evaluation/runs/{id}/report.xlsx", get(xlsx))
        .route("/evaluation/runs/{id}/report.docx", get(docx))
}

/// The run's id from the path; one that is not a number is a report that does not exist.
fn run_id(id: &str) -> Result<i64, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

async fn report(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    lang: Lang,
) -> Result<Report, WebError> {
    Ok(annual_report(state.store(), &state.monitor, &user.principal, id, lang).await?)
}

#[derive(Template)]
#[template(path = "evaluation_report.html")]
struct ReportPage {
    chrome: Chrome,
    id: i64,
    title: String,
    subtitle: String,
    issuer: String,
    date: String,
    blocks: Vec<PageBlock>,
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = run_id(&id)?;
    let page = report(&state, &user, id, lang).await?.page();
    let page = ReportPage {
        chrome: Chrome::new(lang, Some(&user), "evaluation"),
        id,
        title: page.title,
        subtitle: page.subtitle,
        issuer: page.issuer,
        date: page.date,
        blocks: page.blocks,
    };
    Ok(render(&page)?.into_response())
}

async fn file(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    lang: Lang,
    format: Format,
) -> Result<Response, WebError> {
    let report = report(state, user, run_id(id)?, lang).await?;
    report_file(&report, format)
}

/// The report's tables as a workbook, one sheet each, with the caption above.
pub async fn xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    file(&state, &user, &id, lang, Format::Xlsx).await
}

/// The report as a Word document.
pub async fn docx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    file(&state, &user, &id, lang, Format::Docx).await
}
