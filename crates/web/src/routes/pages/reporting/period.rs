//! One period for park and zone staff: completeness per park, the enterprises still to
//! file, the review queue (approve, return, reopen), closing the period, the exports
//! upward and the bulk upload with its template.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::reporting::{
    act as act_on, approved_export, close_period, completeness, completeness_sheet, form_version,
    missing_sheet, review_queue, unit_filing_template, upload_filings,
};
use innozone_domain::registry::{EnterpriseId, UnitId};
use innozone_domain::reporting::authority::{may_act, may_close_period};
use innozone_domain::reporting::{Completeness, FilingAction, FilingStatus};
use innozone_exchange::{FileFormat, write_csv, write_xlsx};
use innozone_i18n::state_name;
use serde::Deserialize;

use super::{
    chosen_unit, form_name, parse_period, period_label, refresh, unit_choices, upload_answer,
};
use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

/// How many enterprises still to file the page lists; the completeness workbook has all.
const MISSING_SHOWN: usize = 200;

pub struct CountsRow {
    pub name: String,
    pub c: Completeness,
    pub total: bool,
}

impl CountsRow {
    pub fn percent(&self) -> String {
        self.c
            .filed_percent()
            .map(|p| format!("{p:.1}%"))
            .unwrap_or_else(|| "—".to_string())
    }
}

pub struct MissingRow {
    pub park: String,
    pub name: String,
    pub credit_code: String,
    pub contact: String,
    pub phone: String,
    pub state: String,
    pub link: String,
}

pub struct QueueRow {
    pub filing_id: i64,
    pub name: String,
    pub credit_code: String,
    pub park: String,
    pub status: String,
    pub status_code: &'static str,
    pub updated: String,
    pub submitted: String,
    pub note: Option<String>,
    pub link: String,
    pub may_approve: bool,
    pub may_return: bool,
    pub may_reopen: bool,
}

impl QueueRow {
    pub fn acts(&self) -> bool {
        self.may_approve || self.may_return || self.may_reopen
    }
}

pub struct UnitChoice {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

pub struct StatusChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "report_period.html")]
struct PeriodPage {
    chrome: Chrome,
    base: String,
    form_code: String,
    form_name: String,
    period_label: String,
    deadline: String,
    version: u32,
    unit_id: i64,
    unit_name: String,
    units: Vec<UnitChoice>,
    statuses: Vec<StatusChoice>,
    counts: Vec<CountsRow>,
    missing: Vec<MissingRow>,
    missing_total: usize,
    queue: Vec<QueueRow>,
    closed: bool,
    just_closed: Option<String>,
    may_close: bool,
    may_import: bool,
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    unit: Option<String>,
    status: Option<String>,
    closed: Option<usize>,
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period_text)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let period = parse_period(&period_text)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let principal = &user.principal;
    let unit = chosen_unit(principal, &hierarchy, q.unit.as_deref())?;
    let view = completeness(store, principal, &hierarchy, &form_code, period, unit).await?;
    let status_code = q.status.as_deref().map(str::trim).unwrap_or("submitted");
    let filter = match status_code {
        "all" => None,
        s => Some(FilingStatus::parse(s).ok_or(WebError::NotFound)?),
    };
    let queue = review_queue(
        store, principal, &hierarchy, &form_code, period, unit, filter,
    )
    .await?;
    let form = form_version(store, &form_code, view.period.form_version).await?;
    let tree = hierarchy.as_of(period.last_day());
    let filing_link = |e: EnterpriseId| format!("/reports/{form_code}/{period}/enterprises/{e}");
    let mut counts: Vec<CountsRow> = view
        .parks
        .iter()
        .map(|p| CountsRow {
            name: p.park.name_zh.clone(),
            c: p.counts,
            total: false,
        })
        .collect();
    counts.push(CountsRow {
        name: lang.t_with("reports.total_of", &[("unit", view.unit.name_zh.clone())]),
        c: view.total,
        total: true,
    });
    let missing_total = view.missing.len();
    let missing = view
        .missing
        .iter()
        .take(MISSING_SHOWN)
        .map(|m| {
            let d = &m.enterprise.details;
            MissingRow {
                park: m.park.name_zh.clone(),
                name: d.name.clone(),
                credit_code: d.credit_code.to_string(),
                contact: d.contact_name.clone().unwrap_or_default(),
                phone: d.contact_phone.clone().unwrap_or_default(),
                state: lang.t(if m.has_draft {
                    "reports.missing.draft"
                } else {
                    "reports.missing.none"
                }),
                link: filing_link(m.enterprise.id),
            }
        })
        .collect();
    let queue = queue
        .into_iter()
        .map(|(f, e, park)| {
            let can = |a| may_act(principal, a, e.id, Some(park.id), &tree);
            let open = !f.state.locked;
            QueueRow {
                filing_id: f.id,
                name: e.details.name.clone(),
                credit_code: e.details.credit_code.to_string(),
                park: park.name_zh.clone(),
                status: state_name(f.state, lang),
                status_code: if f.state.locked {
                    "locked"
                } else {
                    f.state.status.code()
                },
                updated: innozone_app::clock::format_unix(f.updated_at),
                submitted: f
                    .first_submitted_at
                    .map(innozone_app::clock::format_unix)
                    .unwrap_or_default(),
                note: f.note.clone(),
                link: filing_link(e.id),
                may_approve: open
                    && f.state.status == FilingStatus::Submitted
                    && can(FilingAction::Approve),
                may_return: open
                    && matches!(
                        f.state.status,
                        FilingStatus::Submitted | FilingStatus::Approved
                    )
                    && can(FilingAction::Return),
                may_reopen: f.state.locked && can(FilingAction::Reopen),
            }
        })
        .collect();
    let units = unit_choices(principal, &hierarchy, &tree)
        .into_iter()
        .map(|(id, name, depth)| UnitChoice {
            id: id.0,
            label: format!("{}{name}", "　".repeat(depth)),
            selected: id == unit,
        })
        .collect();
    let mut statuses: Vec<StatusChoice> = FilingStatus::ALL
        .into_iter()
        .map(|s| StatusChoice {
            code: s.code(),
            label: innozone_i18n::status_name(s, lang),
            selected: s.code() == status_code,
        })
        .collect();
    statuses.push(StatusChoice {
        code: "all",
        label: lang.t("reports.status_all"),
        selected: status_code == "all",
    });
    let page = PeriodPage {
        base: format!("/reports/{form_code}/{period}"),
        form_code: form_code.clone(),
        form_name: form_name(&form, lang),
        period_label: period_label(period, lang),
        deadline: view.period.deadline.to_string(),
        version: view.period.form_version,
        unit_id: unit.0,
        unit_name: view.unit.name_zh.clone(),
        units,
        statuses,
        counts,
        missing,
        missing_total,
        queue,
        closed: view.closed,
        just_closed: q
            .closed
            .map(|n| lang.t_with("reports.closed_now", &[("count", n.to_string())])),
        may_close: may_close_period(principal, unit, &tree),
        may_import: principal.may_import(),
        chrome: Chrome::new(lang, Some(&user), "reports"),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct ActForm {
    action: String,
    reason: Option<String>,
}

/// A review or zone step on one filing: approve, return with a reason, reopen a locked
/// filing with a reason. The page is reloaded to show where the filing now stands.
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ActForm>,
) -> Result<Response, WebError> {
    let action = FilingAction::parse(&f.action)
        .filter(|a| {
            matches!(
                a,
                FilingAction::Approve | FilingAction::Return | FilingAction::Reopen
            )
        })
        .ok_or_else(|| WebError::BadRequest(Problem::Key("reports.bad_action", vec![])))?;
    let hierarchy = state.hierarchy().await?;
    let reason = f.reason.as_deref().filter(|r| !r.trim().is_empty());
    act_on(
        state.store(),
        &user.principal,
        &hierarchy,
        id,
        action,
        reason,
    )
    .await?;
    Ok(refresh())
}

#[derive(Deserialize)]
pub struct CloseForm {
    unit: i64,
}

/// Closes the period for a unit: every filing within it is locked.
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((form_code, period_text)): Path<(String, String)>,
    axum::Form(f): axum::Form<CloseForm>,
) -> Result<Response, WebError> {
    let period = parse_period(&period_text)?;
    let hierarchy = state.hierarchy().await?;
    let locked = close_period(
        state.store(),
        &user.principal,
        &hierarchy,
        &form_code,
        period,
        UnitId(f.unit),
    )
    .await?;
    redirect_htmx(&format!(
        "/reports/{form_code}/{period}?unit={}&status=all&closed={locked}",
        f.unit
    ))
}

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
}

/// The period's files for a unit: the approved filings in the form's layout (xlsx with a
/// summary per park, or the filings alone as CSV), the completeness workbook, and the
/// template of the expected enterprises for a bulk upload.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period_text, file)): Path<(String, String, String)>,
    Query(q): Query<UnitQuery>,
) -> Result<Response, WebError> {
    let period = parse_period(&period_text)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let principal = &user.principal;
    let unit = chosen_unit(principal, &hierarchy, q.unit.as_deref())?;
    let unit_name = hierarchy
        .unit(unit)
        .map(|u| u.name_zh.clone())
        .unwrap_or_default();
    let (what, format) = match file.as_str() {
        "approved.xlsx" => ("approved", FileFormat::Xlsx),
        "approved.csv" => ("approved", FileFormat::Csv),
        "completeness.xlsx" => ("completeness", FileFormat::Xlsx),
        "template.xlsx" => ("template", FileFormat::Xlsx),
        _ => return Err(WebError::NotFound),
    };
    let xlsx = |sheets: &[innozone_exchange::SheetData]| {
        write_xlsx(sheets).map_err(|e| WebError::Internal(e.to_string()))
    };
    let bytes = match (what, format) {
        ("approved", FileFormat::Xlsx) => {
            xlsx(&approved_export(store, principal, &hierarchy, &form_code, period, unit).await?)?
        }
        ("approved", _) => {
            let sheets =
                approved_export(store, principal, &hierarchy, &form_code, period, unit).await?;
            write_csv(sheets.first().ok_or(WebError::NotFound)?)
        }
        ("completeness", _) => {
            let view = completeness(store, principal, &hierarchy, &form_code, period, unit).await?;
            xlsx(&[completeness_sheet(&view), missing_sheet(&view)])?
        }
        _ => {
            // The same authority as the page: who may see the unit's completeness.
            let (sheet, _) =
                unit_filing_template(store, principal, &hierarchy, &form_code, period, unit)
                    .await?;
            xlsx(&[sheet])?
        }
    };
    let name = format!(
        "{}-{}-{}-{}.{}",
        form_code,
        period,
        unit_name,
        lang.t(&format!("reports.file.{what}")),
        format.extension()
    );
    Ok(crate::files::attachment(bytes, &name, format))
}

/// A workbook or CSV with one enterprise per row: checked only, or submitted all or
/// nothing.
pub async fn upload(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period_text)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let period = parse_period(&period_text)?;
    if !user.principal.may_import() {
        return Err(WebError::Forbidden);
    }
    let hierarchy = state.hierarchy().await?;
    let mut upload =
        crate::files::read_multipart(&state, multipart, crate::files::Audience::Page).await?;
    let table = upload.table(&state).await?;
    let result = upload_filings(
        state.store(),
        &user.principal,
        &hierarchy,
        &form_code,
        period,
        &table,
        upload.dry_run,
        &|_| {},
    )
    .await;
    upload_answer(lang, &user, &upload.file_name, result)
}
