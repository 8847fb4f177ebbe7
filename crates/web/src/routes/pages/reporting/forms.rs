//! The forms with their periods, and one form's definition with its versions; zone staff
//! open periods and load new versions here.

use askama::Template;
use axum::Form as PostedForm;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::reporting::{
    FormProgress, PeriodProgress, form_overview, install_form, open_period, reporting_index,
};
use innozone_domain::accounts::Binding;
use innozone_domain::registry::import::parse_date;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_domain::reporting::{Completeness, FieldType, Period, Severity};
use innozone_i18n::state_name;
use serde::Deserialize;

use super::{default_unit, field_label, form_name, period_label, unit_text};
use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

pub struct PeriodRow {
    pub code: String,
    pub label: String,
    pub deadline: String,
    /// For staff: how far their unit is.
    pub counts: Option<Completeness>,
    /// For a filer: their own filing.
    pub own: Option<OwnFiling>,
}

impl PeriodRow {
    pub fn percent(&self) -> String {
        self.counts
            .and_then(|c| c.filed_percent())
            .map(|p| format!("{p:.1}%"))
            .unwrap_or_else(|| "—".to_string())
    }
}

pub struct OwnFiling {
    pub status: String,
    pub status_code: &'static str,
    pub link: String,
    pub editable: bool,
}

pub struct FormRow {
    pub code: String,
    pub name: String,
    pub version: u32,
    pub period_type: String,
    pub periods: Vec<PeriodRow>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct IndexPage {
    chrome: Chrome,
    forms: Vec<FormRow>,
    filer: bool,
    unit_name: Option<String>,
}

/// Every form (its latest version) with its periods, newest first: for staff with the
/// counts of their unit, for a filer with the state of their own filing.
pub async fn index(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if !user.principal.sees_enterprises() {
        return Err(WebError::Forbidden);
    }
    let hierarchy = state.hierarchy().await?;
    let own = match user.principal.binding {
        Binding::Enterprise(id) => Some(id),
        _ => None,
    };
    let unit = match own {
        Some(_) => None,
        None => default_unit(&user.principal, &hierarchy),
    };
    let mut forms = Vec::new();
    for FormProgress { form, periods } in
        reporting_index(state.store(), &user.principal, &hierarchy, unit).await?
    {
        let mut rows = Vec::with_capacity(periods.len());
        for PeriodProgress {
            period: p,
            own_filing: filing,
            counts,
        } in periods
        {
            let mut row = PeriodRow {
                code: p.period.to_string(),
                label: period_label(p.period, lang),
                deadline: p.deadline.to_string(),
                counts,
                own: None,
            };
            if let Some(enterprise) = own {
                row.own = Some(OwnFiling {
                    status: filing.as_ref().map_or_else(
                        || lang.t("reports.not_started"),
                        |f| state_name(f.state, lang),
                    ),
                    status_code: filing.as_ref().map_or("none", |f| {
                        if f.state.locked {
                            "locked"
                        } else {
                            f.state.status.code()
                        }
                    }),
                    editable: filing.as_ref().is_none_or(|f| {
                        !f.state.locked
                            && f.state.status != innozone_domain::reporting::FilingStatus::Approved
                    }),
                    link: format!(
                        "/reports/{}/{}/enterprises/{}",
                        form.code, p.period, enterprise
                    ),
                });
            }
            rows.push(row);
        }
        forms.push(FormRow {
            name: form_name(&form, lang),
            version: form.version,
            period_type: lang.t(&format!("reports.period_type.{}", form.period_type.code())),
            code: form.code,
            periods: rows,
        });
    }
    let page = IndexPage {
        chrome: Chrome::new(lang, Some(&user), "reports"),
        forms,
        filer: own.is_some(),
        unit_name: unit
            .and_then(|u| hierarchy.unit(u))
            .map(|u| u.name_zh.clone()),
    };
    Ok(render(&page)?.into_response())
}

pub struct FieldLine {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub depth: usize,
    pub unit: &'static str,
    pub field_type: String,
    pub required: bool,
    pub negative: bool,
}

impl FieldLine {
    pub fn indent(&self) -> usize {
        self.depth * 24
    }
}

pub struct GroupBlock {
    pub title: String,
    pub fields: Vec<FieldLine>,
}

pub struct RuleLine {
    pub code: String,
    pub error: bool,
    pub severity: String,
    pub when: Option<String>,
    pub check: String,
    pub fields: String,
    pub message: String,
    pub message_other: String,
}

pub struct PeriodLine {
    pub code: String,
    pub label: String,
    pub version: u32,
    pub deadline: String,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    chrome: Chrome,
    code: String,
    name: String,
    name_other: String,
    version: u32,
    latest: u32,
    versions: Vec<u32>,
    period_type: String,
    year_to_date: bool,
    deadline_days: u16,
    groups: Vec<GroupBlock>,
    rules: Vec<RuleLine>,
    periods: Vec<PeriodLine>,
    may_define: bool,
    /// A period to suggest for opening: the next one after the latest.
    suggested: String,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<u32>,
}

/// A form's definition as the zone wrote it: groups and fields (其中 indented), rules with
/// their formulas, the versions and the periods.
pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    if !user.principal.sees_enterprises() {
        return Err(WebError::Forbidden);
    }
    let o = form_overview(state.store(), &code, q.version).await?;
    let form = &o.form;
    let english = lang.is_english();
    let line = |f: &innozone_domain::reporting::FieldDefinition, depth| FieldLine {
        code: f.code.clone(),
        zh: f.zh.clone(),
        en: f.en.clone(),
        depth,
        unit: unit_text(f, lang),
        field_type: lang.t(match f.field_type {
            FieldType::Integer => "reports.type.integer",
            FieldType::Decimal => "reports.type.decimal",
        }),
        required: f.required,
        negative: f.negative_allowed,
    };
    let with_depth = form.fields_with_depth();
    let mut groups: Vec<GroupBlock> = form
        .groups
        .iter()
        .map(|g| GroupBlock {
            title: if english { g.en.clone() } else { g.zh.clone() },
            fields: with_depth
                .iter()
                .filter(|(_, f, _)| f.group.as_deref() == Some(g.code.as_str()))
                .map(|(_, f, d)| line(f, *d))
                .collect(),
        })
        .collect();
    let ungrouped: Vec<FieldLine> = with_depth
        .iter()
        .filter(|(_, f, _)| f.group.is_none())
        .map(|(_, f, d)| line(f, *d))
        .collect();
    if !ungrouped.is_empty() {
        groups.push(GroupBlock {
            title: lang.t("reports.other_fields"),
            fields: ungrouped,
        });
    }
    let rules = form
        .rules
        .iter()
        .map(|r| RuleLine {
            code: r.code.clone(),
            error: r.severity == Severity::Error,
            severity: lang.t(&format!("reports.severity.{}", r.severity.code())),
            when: r.when.as_ref().map(|w| w.source().to_string()),
            check: r.check.source().to_string(),
            fields: r
                .fields
                .iter()
                .map(|i| field_label(&form.fields[*i], lang))
                .collect::<Vec<_>>()
                .join(lang.t("reports.list_separator").as_str()),
            message: if english { r.en.clone() } else { r.zh.clone() },
            message_other: if english { r.zh.clone() } else { r.en.clone() },
        })
        .collect();
    let mut periods: Vec<PeriodLine> = o
        .periods
        .iter()
        .map(|p| PeriodLine {
            code: p.period.to_string(),
            label: period_label(p.period, lang),
            version: p.form_version,
            deadline: p.deadline.to_string(),
        })
        .collect();
    periods.reverse();
    let latest_period = o.periods.iter().map(|p| p.period).max();
    let suggested = next_period(latest_period, form.period_type).to_string();
    let page = FormPage {
        chrome: Chrome::new(lang, Some(&user), "reports"),
        code: form.code.clone(),
        name: form.name(english).to_string(),
        name_other: form.name(!english).to_string(),
        version: form.version,
        latest: o.versions.last().copied().unwrap_or(form.version),
        versions: o.versions.clone(),
        period_type: lang.t(&format!("reports.period_type.{}", form.period_type.code())),
        year_to_date: form.year_to_date,
        deadline_days: form.deadline_days,
        groups,
        rules,
        periods,
        may_define: may_define_forms(&user.principal),
        suggested,
    };
    Ok(render(&page)?.into_response())
}

/// The period after `latest`, or the last full one before today.
fn next_period(
    latest: Option<Period>,
    period_type: innozone_domain::reporting::PeriodType,
) -> Period {
    use innozone_domain::reporting::PeriodType;
    let today = innozone_app::clock::today();
    match latest {
        Some(Period::Year(y)) => Period::Year(y + 1),
        Some(Period::Quarter(y, 4)) => Period::Quarter(y + 1, 1),
        Some(Period::Quarter(y, q)) => Period::Quarter(y, q + 1),
        Some(Period::Month(y, 12)) => Period::Month(y + 1, 1),
        Some(Period::Month(y, m)) => Period::Month(y, m + 1),
        None => match period_type {
            PeriodType::Annual => Period::Year(today.year() - 1),
            PeriodType::Quarterly => Period::Quarter(today.year(), 1),
            PeriodType::Monthly => Period::Month(today.year(), 1),
        },
    }
}

#[derive(Deserialize)]
pub struct OpenForm {
    period: String,
    deadline: Option<String>,
}

/// Opens a period (or changes an open period's deadline): zone staff and administrators.
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    PostedForm(f): PostedForm<OpenForm>,
) -> Result<Response, WebError> {
    let period: Period = f.period.trim().parse().map_err(|e| {
        WebError::BadRequest(Problem::App(std::sync::Arc::new(AppError::Period(e))))
    })?;
    let deadline = match f
        .deadline
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(text) => Some(parse_date(text).ok_or_else(|| {
            WebError::BadRequest(Problem::Key(
                "reports.bad_deadline",
                vec![("text", text.to_string())],
            ))
        })?),
        None => None,
    };
    open_period(state.store(), &user.principal, &code, period, deadline).await?;
    redirect_htmx(&format!("/reports/{code}"))
}

/// Loads a new version of a form from its TOML definition; a definition that does not
/// check is refused with the place of its problem.
pub async fn install(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(_code): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    if !may_define_forms(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let upload =
        crate::files::read_multipart(&state, multipart, crate::files::Audience::Page).await?;
    let source = String::from_utf8(upload.bytes)
        .map_err(|_| WebError::BadRequest(Problem::Key("reports.definition_not_text", vec![])))?;
    let form = install_form(state.store(), &user.principal, &source).await?;
    redirect_htmx(&format!("/reports/{}?version={}", form.code, form.version))
}
