//! Direct reporting (一套表) pages: the forms with their periods, a form's definition, one
//! enterprise's filing with its checks shown live as it is typed, a period's completeness
//! and review for park and zone staff, and a filing's revisions. Who may see or do what is
//! decided by the use cases of `innozone_app::reporting` and the domain's authority rules;
//! these handlers parse the request, call them and render.

mod filing;
mod forms;
mod period;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use innozone_app::AppError;
use innozone_app::reporting::UploadReport;
use innozone_domain::accounts::Principal;
use innozone_domain::registry::{Hierarchy, Tree, UnitId, UnitKind};
use innozone_domain::reporting::{FieldDefinition, Form, Period};
use innozone_domain::table::column_letter;
use innozone_i18n::{Lang, Localize, form_field_label};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use crate::views::{Chrome, grouped, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(forms::index))
        .route("/reports/filings/{id}/history", get(filing::history))
        .route("/reports/filings/{id}/act", post(period::act))
        .route("/reports/{form}", get(forms::page))
        .route("/reports/{form}/periods", post(forms::open))
        .route("/reports/{form}/versions", post(forms::install))
        .route("/reports/{form}/{period}", get(period::page))
        .route("/reports/{form}/{period}/close", post(period::close))
        .route("/reports/{form}/{period}/upload", post(period::upload))
        .route(
            "/reports/{form}/{period}/files/{file}",
            get(period::download),
        )
        .route(
            "/reports/{form}/{period}/enterprises/{id}",
            get(filing::page).post(filing::save),
        )
        .route(
            "/reports/{form}/{period}/enterprises/{id}/check",
            post(filing::check),
        )
        .route(
            "/reports/{form}/{period}/enterprises/{id}/template.xlsx",
            get(filing::template),
        )
        .route(
            "/reports/{form}/{period}/enterprises/{id}/upload",
            post(filing::upload),
        )
}

/// A period from the address; one that does not parse is a page that does not exist.
fn parse_period(text: &str) -> Result<Period, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

fn period_label(period: Period, lang: Lang) -> String {
    if lang.is_english() {
        period.label_en()
    } else {
        period.label_zh()
    }
}

fn form_name(form: &Form, lang: Lang) -> String {
    form.name(lang.is_english()).to_string()
}

fn field_label(field: &FieldDefinition, lang: Lang) -> String {
    if lang.is_english() {
        field.en.clone()
    } else {
        field.zh.clone()
    }
}

fn unit_text(field: &FieldDefinition, lang: Lang) -> &'static str {
    innozone_app::reporting::unit_label(field.unit, lang.is_english())
}

/// A value as typed into a field: no separators, no needless decimals.
fn plain_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A value as read: thousands separated.
fn shown_number(v: f64) -> String {
    let plain = plain_number(v);
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let whole = match int.parse::<i64>() {
        Ok(n) if !(n == 0 && v < 0.0) => grouped(n),
        _ => int.to_string(),
    };
    if frac.is_empty() {
        whole
    } else {
        format!("{whole}.{frac}")
    }
}

fn shown_optional(v: Option<f64>) -> String {
    v.map(shown_number).unwrap_or_else(|| "—".to_string())
}

/// The unit a staff page is about when none is asked for: the user's own, or for an
/// administrator (bound to everything) the first zone.
pub(super) fn default_unit(principal: &Principal, hierarchy: &Hierarchy) -> Option<UnitId> {
    innozone_app::registry::default_unit(principal, hierarchy)
}

/// The unit asked for by `?unit=ID`, or the default one. Whether the user may see it is
/// the use case's decision.
pub(super) fn chosen_unit(
    principal: &Principal,
    hierarchy: &Hierarchy,
    asked: Option<&str>,
) -> Result<UnitId, WebError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => {
            let id: i64 = text.parse().map_err(|_| WebError::NotFound)?;
            hierarchy
                .unit(UnitId(id))
                .map(|u| u.id)
                .ok_or(WebError::NotFound)
        }
        None => default_unit(principal, hierarchy).ok_or(WebError::Forbidden),
    }
}

/// The units a user may pick on a period's page: their own unit (or every zone for an
/// administrator) and everything below it, with its depth, in tree order.
pub(super) fn unit_choices(
    principal: &Principal,
    hierarchy: &Hierarchy,
    tree: &Tree,
) -> Vec<(UnitId, String, usize)> {
    let roots: Vec<UnitId> = match principal.home_unit() {
        Some(u) => vec![u],
        None => {
            let mut zones: Vec<_> = hierarchy
                .units()
                .filter(|u| u.kind == UnitKind::Zone)
                .collect();
            zones.sort_by(|a, b| a.code.cmp(&b.code));
            zones.into_iter().map(|u| u.id).collect()
        }
    };
    let mut out = Vec::new();
    for root in roots {
        let base = tree.path(root).len();
        for id in tree.subtree(root) {
            if let Some(unit) = hierarchy.unit(id) {
                let depth = tree.path(id).len().saturating_sub(base);
                out.push((id, unit.name_zh.clone(), depth));
            }
        }
    }
    out
}

/// One problem of an upload, with its place: sheet, row, column and field.
pub struct IssueRow {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub field: String,
    pub message: String,
    pub blocks: bool,
}

#[derive(Template)]
#[template(path = "report_upload_result.html")]
struct UploadResult {
    chrome: Chrome,
    file: String,
    report: Option<UploadReport>,
    message: Option<String>,
    issues: Vec<IssueRow>,
}

/// The answer to an upload of filings: what it did (or would do), or every problem of
/// the file with its place, nothing having changed.
fn upload_answer(
    lang: Lang,
    user: &CurrentUser,
    file_name: &str,
    result: Result<UploadReport, AppError>,
) -> Result<Response, WebError> {
    let chrome = Chrome::new(lang, Some(user), "reports");
    let (status, page) = match result {
        Ok(report) => (
            StatusCode::OK,
            UploadResult {
                chrome,
                file: file_name.to_string(),
                report: Some(report),
                message: None,
                issues: Vec::new(),
            },
        ),
        Err(AppError::Intake { issues, form }) => {
            let form = form.as_deref();
            let rows = issues
                .iter()
                .map(|i| IssueRow {
                    sheet: i.position.sheet.clone().unwrap_or_default(),
                    row: if i.position.row == 0 {
                        String::new()
                    } else {
                        i.position.row.to_string()
                    },
                    column: i.position.column.map(column_letter).unwrap_or_default(),
                    field: i
                        .field
                        .as_deref()
                        .map(|code| form_field_label(form, code, lang))
                        .unwrap_or_default(),
                    message: i.problem.localize(lang),
                    blocks: i.blocks(),
                })
                .collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                UploadResult {
                    chrome,
                    file: file_name.to_string(),
                    report: None,
                    message: Some(innozone_i18n::issue_count(
                        lang,
                        "reports.upload.problems",
                        issues.len(),
                        issues.total(),
                    )),
                    issues: rows,
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    Ok((status, render(&page)?).into_response())
}

/// Tells htmx to reload the page: the answer to a step that changes what the page shows.
fn refresh() -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert("HX-Refresh", HeaderValue::from_static("true"));
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_and_type_back() {
        assert_eq!(super::plain_number(12.0), "12");
        assert_eq!(super::plain_number(1234.5), "1234.5");
        assert_eq!(super::shown_number(1234567.25), "1,234,567.25");
        assert_eq!(super::shown_number(-1200.0), "-1,200");
        assert_eq!(super::shown_number(-0.5), "-0.5");
    }
}
