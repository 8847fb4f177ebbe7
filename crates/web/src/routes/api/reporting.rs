//! Direct reporting (一套表): form definitions and their periods, one enterprise's filing,
//! review and closing, revisions, completeness, and uploads of many filings at once.
//! Every value goes through the same use cases as the pages and the CLI, so a filing is
//! judged the same way whichever way it came in.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use innozone_app::AppError;
use innozone_app::registry::enterprise_by_credit_code;
use innozone_app::reporting::{
    FilingContext, RevisionView, act, close_period, completeness, file, form_overview,
    forms_with_versions, history, install_form_versions, open_period, period_closures,
    period_record, read_filing, unit_label, upload_filings,
};
use innozone_domain::registry::import::parse_date;
use innozone_domain::registry::{CreditCode, Enterprise, Hierarchy, UnitId};
use innozone_domain::reporting::{
    Assessment, Completeness, FilingAction, FilingValues, Form, Period, Problem as Finding,
    Severity,
};
use innozone_i18n::{Lang, Localize};
use innozone_store::{FilingRecord, PeriodRecord, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::transfer::{UploadForm, read_upload_field};
use super::{DryRun, JsonBody, Params, RawBody, clean, parse_id};
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::language::Language;
use crate::state::AppState;

// ------------------------------------------------------------------ bodies: forms

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldGroupBody {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// One field of a form.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldBody {
    #[schema(example = "rd_staff")]
    pub code: String,
    #[schema(example = "研究开发人员")]
    pub zh: String,
    #[schema(example = "R&D staff")]
    pub en: String,
    /// The code of the group the field is shown in.
    pub group: Option<String>,
    /// yuan, thousand_yuan, ten_thousand_yuan, persons, person_years, pieces, tce, mu,
    /// percent
    #[schema(example = "persons")]
    pub unit: String,
    #[schema(example = "人")]
    pub unit_zh: String,
    #[schema(example = "persons")]
    pub unit_en: String,
    /// integer or decimal
    #[schema(example = "integer")]
    pub r#type: String,
    pub required: bool,
    /// Whether a negative value is accepted (a loss, say).
    pub negative_allowed: bool,
    /// The code of the field this one is a part of (其中).
    #[schema(example = "employees")]
    pub part_of: Option<String>,
}

/// One validation rule of a form.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleBody {
    #[schema(example = "A01")]
    pub code: String,
    /// error (blocks submission) or warning (needs a written explanation)
    #[schema(example = "error")]
    pub severity: String,
    /// The condition under which the rule applies; always when absent.
    pub when: Option<String>,
    /// What must hold.
    #[schema(example = "rd_staff <= employees")]
    pub check: String,
    /// The fields the finding is shown beside.
    pub fields: Vec<String>,
    pub zh: String,
    pub en: String,
}

/// A version of a form definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormBody {
    #[schema(example = "torch_annual")]
    pub code: String,
    pub version: u32,
    pub name_zh: String,
    pub name_en: String,
    /// annual, quarterly or monthly
    #[schema(example = "annual")]
    pub period_type: String,
    /// Whether the values of a period accumulate from the start of the year.
    pub year_to_date: bool,
    /// Days after the end of a period until its default deadline.
    pub deadline_days: u16,
    /// Every stored version of the form, oldest first.
    pub versions: Vec<u32>,
    pub groups: Vec<FieldGroupBody>,
    pub fields: Vec<FieldBody>,
    pub rules: Vec<RuleBody>,
}

fn form_body(form: &Form, versions: Vec<u32>) -> FormBody {
    FormBody {
        code: form.code.clone(),
        version: form.version,
        name_zh: form.name_zh.clone(),
        name_en: form.name_en.clone(),
        period_type: form.period_type.code().to_string(),
        year_to_date: form.year_to_date,
        deadline_days: form.deadline_days,
        versions,
        groups: form
            .groups
            .iter()
            .map(|g| FieldGroupBody {
                code: g.code.clone(),
                zh: g.zh.clone(),
                en: g.en.clone(),
            })
            .collect(),
        fields: form
            .fields
            .iter()
            .map(|f| FieldBody {
                code: f.code.clone(),
                zh: f.zh.clone(),
                en: f.en.clone(),
                group: f.group.clone(),
                unit: f.unit.code().to_string(),
                unit_zh: unit_label(f.unit, false).to_string(),
                unit_en: unit_label(f.unit, true).to_string(),
                r#type: match f.field_type {
                    innozone_domain::reporting::FieldType::Integer => "integer",
                    innozone_domain::reporting::FieldType::Decimal => "decimal",
                }
                .to_string(),
                required: f.required,
                negative_allowed: f.negative_allowed,
                part_of: f.part_of.map(|p| form.fields[p].code.clone()),
            })
            .collect(),
        rules: form
            .rules
            .iter()
            .map(|r| RuleBody {
                code: r.code.clone(),
                severity: r.severity.code().to_string(),
                when: r.when.as_ref().map(|w| w.source().to_string()),
                check: r.check.source().to_string(),
                fields: r
                    .fields
                    .iter()
                    .map(|f| form.fields[*f].code.clone())
                    .collect(),
                zh: r.zh.clone(),
                en: r.en.clone(),
            })
            .collect(),
    }
}

/// A period of a form open for filing.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodBody {
    #[schema(example = "torch_annual")]
    pub form_code: String,
    /// 2025, 2025Q3 or 2025-07
    #[schema(example = "2025")]
    pub period: String,
    #[schema(example = "2025年")]
    pub label_zh: String,
    pub label_en: String,
    /// The form version filings of the period are made under.
    pub form_version: u32,
    /// YYYY-MM-DD; a filing first submitted after this day (Beijing time) is late.
    #[schema(example = "2026-03-31")]
    pub deadline: String,
    /// The units (zone or parks) for which the zone has closed the period.
    pub closed_units: Vec<String>,
}

async fn period_body(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    record: &PeriodRecord,
) -> Result<PeriodBody, WebError> {
    let closed_units = period_closures(store, &record.form_code, record.period)
        .await?
        .into_iter()
        .filter_map(|c| hierarchy.unit(c.unit).map(|u| u.code.to_string()))
        .collect();
    Ok(PeriodBody {
        form_code: record.form_code.clone(),
        period: record.period.to_string(),
        label_zh: record.period.label_zh(),
        label_en: record.period.label_en(),
        form_version: record.form_version,
        deadline: record.deadline.to_string(),
        closed_units,
    })
}

// ---------------------------------------------------------------- bodies: filings

/// One finding of the form's checks on a filing's values.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingBody {
    /// The rule that does not hold; absent for a required field left blank.
    #[schema(example = "A01")]
    pub rule: Option<String>,
    /// error or warning
    pub severity: String,
    /// The fields the finding is shown beside, first the one it is about.
    pub fields: Vec<String>,
    /// What is wrong, in the request's language.
    pub message: String,
    /// For a warning: whether the filing carries a written explanation (说明) of it.
    pub explained: bool,
}

fn findings(
    form: &Form,
    assessment: &Assessment,
    explanations: &BTreeMap<String, String>,
    lang: Lang,
) -> Vec<FindingBody> {
    assessment
        .findings
        .iter()
        .map(|f| {
            let fields = f.fields.iter().map(|i| form.fields[*i].code.clone());
            let (rule, message, explained) = match f.problem {
                Finding::Required => (
                    None,
                    innozone_domain::reporting::intake::IntakeProblem::Required.localize(lang),
                    false,
                ),
                Finding::Rule(i) => {
                    let rule = &form.rules[i];
                    let message = if lang.is_english() {
                        rule.en.clone()
                    } else {
                        rule.zh.clone()
                    };
                    let explained = rule.severity == Severity::Warning
                        && explanations
                            .get(&rule.code)
                            .is_some_and(|t| !t.trim().is_empty());
                    (Some(rule.code.clone()), message, explained)
                }
            };
            FindingBody {
                rule,
                severity: f.severity.code().to_string(),
                fields: fields.collect(),
                message,
                explained,
            }
        })
        .collect()
}

/// A value as JSON: whole numbers as integers, others as they are.
fn number(value: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

/// One enterprise's filing for a period, as it stands, with what the form's checks find.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingBody {
    /// The filing's id, for its actions and revisions.
    pub id: i64,
    #[schema(example = "torch_annual")]
    pub form_code: String,
    /// The form version the filing was first made under; it stays with it.
    pub form_version: u32,
    #[schema(example = "2025")]
    pub period: String,
    pub enterprise_id: i64,
    pub credit_code: String,
    pub enterprise_name: String,
    /// The park the enterprise is located in on the period's last day.
    pub park_code: Option<String>,
    /// draft, submitted, returned or approved
    #[schema(example = "submitted")]
    pub status: String,
    /// Locked when the zone closed the period; only zone staff may reopen it.
    pub locked: bool,
    /// The number of the latest revision, from 1.
    pub revision: i32,
    /// Values by field code; blank fields are left out.
    #[schema(value_type = BTreeMap<String, f64>)]
    pub values: BTreeMap<String, Value>,
    /// Written explanations (说明) of warnings, by rule code.
    pub explanations: BTreeMap<String, String>,
    /// The reason of the latest return or reopening, while it stands.
    pub note: Option<String>,
    /// Unix seconds of the first submission; none while only drafts were saved.
    pub first_submitted_at: Option<i64>,
    /// Unix seconds.
    pub updated_at: i64,
    /// The findings of the form's checks on the current values.
    pub findings: Vec<FindingBody>,
    /// Whether the values could be submitted: no error, every warning explained.
    pub may_submit: bool,
}

fn filing_body(
    context: &FilingContext,
    hierarchy: &Hierarchy,
    filing: &FilingRecord,
    assessment: &Assessment,
    lang: Lang,
) -> FilingBody {
    let form = &context.form;
    FilingBody {
        id: filing.id,
        form_code: filing.form_code.clone(),
        form_version: filing.form_version,
        period: filing.period.to_string(),
        enterprise_id: filing.enterprise.0,
        credit_code: context.enterprise.details.credit_code.to_string(),
        enterprise_name: context.enterprise.details.name.clone(),
        park_code: context
            .park
            .and_then(|p| hierarchy.unit(p))
            .map(|u| u.code.to_string()),
        status: filing.state.status.code().to_string(),
        locked: filing.state.locked,
        revision: filing.revision,
        values: filing
            .values
            .iter()
            .map(|(k, v)| (k.clone(), number(*v)))
            .collect(),
        explanations: filing.explanations.clone(),
        note: filing.note.clone(),
        first_submitted_at: filing.first_submitted_at,
        updated_at: filing.updated_at,
        findings: findings(form, assessment, &filing.explanations, lang),
        may_submit: assessment.may_submit(form, &filing.explanations),
    }
}

/// The filing of a context as it stands, judged again in its context.
fn current_body(
    context: &FilingContext,
    hierarchy: &Hierarchy,
    lang: Lang,
) -> Result<FilingBody, WebError> {
    let filing = context.filing.as_ref().ok_or(WebError::NotFound)?;
    let values = FilingValues::from_map(&context.form, &filing.values);
    let assessment = context.form.assess(&values, context.assessment_context());
    Ok(filing_body(context, hierarchy, filing, &assessment, lang))
}

// ---------------------------------------------------------------- helpers

fn parse_period(text: &str) -> Result<Period, WebError> {
    text.parse::<Period>()
        .map_err(|e| WebError::from(AppError::Period(e)))
}

/// The enterprise a path names by its credit code; a code that names none is not found.
async fn enterprise_by_code(store: &dyn Store, text: &str) -> Result<Enterprise, WebError> {
    let code: CreditCode = text.trim().parse().map_err(|_| WebError::NotFound)?;
    enterprise_by_credit_code(store, &code)
        .await?
        .ok_or(WebError::NotFound)
}

fn unit_by_code(hierarchy: &Hierarchy, code: &str) -> Result<UnitId, WebError> {
    hierarchy
        .unit_by_code(code.trim())
        .map(|u| u.id)
        .ok_or_else(|| {
            WebError::from(AppError::UnknownReference {
                entity: "unit",
                key: code.trim().to_string(),
            })
        })
}

// ---------------------------------------------------------------- forms

/// The latest version of every form.
#[utoipa::path(
    get,
    path = "/api/v1/forms",
    operation_id = "list_forms",
    tag = "reporting",
    responses(
        (status = 200, description = "The latest version of each form, by code", body = Vec<FormBody>),
        (status = 401, description = "Not signed in", body = ErrorJson),
    )
)]
pub async fn list_forms(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Vec<FormBody>>, WebError> {
    let forms = forms_with_versions(state.store()).await?;
    Ok(Json(
        forms
            .into_iter()
            .map(|(form, versions)| form_body(&form, versions))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version to show; the latest when left out.
    pub version: Option<u32>,
}

/// One form, in its latest version or the one asked for.
#[utoipa::path(
    get,
    path = "/api/v1/forms/{code}",
    operation_id = "show_form",
    tag = "reporting",
    params(("code" = String, Path, description = "The form's code"), VersionQuery),
    responses(
        (status = 200, description = "The form definition", body = FormBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 404, description = "No such form or version", body = ErrorJson),
    )
)]
pub async fn show_form(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(code): Path<String>,
    Params(q): Params<VersionQuery>,
) -> Result<Json<FormBody>, WebError> {
    let overview = form_overview(state.store(), &code, q.version).await?;
    Ok(Json(form_body(&overview.form, overview.versions)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FormDefinitionRequest {
    /// The definition file (TOML), as the zone edits it.
    pub definition: String,
}

/// Installs a version of a form from its definition file (TOML), sent as `text/plain`
/// or as JSON `{"definition": "..."}`. The same version with the same text again changes
/// nothing; a changed definition needs a new version number. Zone staff and
/// administrators only.
#[utoipa::path(
    post,
    path = "/api/v1/forms",
    operation_id = "install_form",
    tag = "reporting",
    request_body(
        content(
            (String = "text/plain"),
            (FormDefinitionRequest = "application/json"),
        ),
        description = "The form definition"
    ),
    responses(
        (status = 201, description = "Installed (or already installed with the same text)", body = FormBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not define forms (or `csrf`)", body = ErrorJson),
        (status = 409, description = "This version exists with another text", body = ErrorJson),
        (status = 422, description = "The definition does not hold together (with the line, field or rule and column)", body = ErrorJson),
    )
)]
pub async fn install(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<FormBody>), WebError> {
    let bad_body = |reason: String| {
        WebError::BadRequest(Problem::Key("api.bad_body", vec![("reason", reason)]))
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let source = if is_json {
        serde_json::from_slice::<FormDefinitionRequest>(&body)
            .map_err(|e| bad_body(e.to_string()))?
            .definition
    } else {
        String::from_utf8(body.to_vec()).map_err(|e| bad_body(e.to_string()))?
    };
    let (form, versions) = install_form_versions(state.store(), &user.principal, &source).await?;
    Ok((StatusCode::CREATED, Json(form_body(&form, versions))))
}

/// The periods of a form, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/forms/{code}/periods",
    operation_id = "list_filing_periods",
    tag = "reporting",
    params(("code" = String, Path, description = "The form's code")),
    responses(
        (status = 200, description = "The form's periods, newest first", body = Vec<PeriodBody>),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 404, description = "No such form", body = ErrorJson),
    )
)]
pub async fn list_periods(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Vec<PeriodBody>>, WebError> {
    let overview = form_overview(state.store(), &code, None).await?;
    let hierarchy = state.hierarchy().await?;
    let mut out = Vec::with_capacity(overview.periods.len());
    for p in &overview.periods {
        out.push(period_body(state.store(), &hierarchy, p).await?);
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OpenPeriodRequest {
    /// 2025, 2025Q3 or 2025-07, of the form's period type.
    #[schema(example = "2025")]
    pub period: String,
    /// YYYY-MM-DD; the form's default (the period's last day plus its deadline days)
    /// when left out.
    #[schema(example = "2026-03-31")]
    pub deadline: Option<String>,
}

/// Opens a period of a form under its latest version; for an open period, changes the
/// deadline. Zone staff and administrators only.
#[utoipa::path(
    post,
    path = "/api/v1/forms/{code}/periods",
    operation_id = "open_filing_period",
    tag = "reporting",
    params(("code" = String, Path, description = "The form's code")),
    request_body = OpenPeriodRequest,
    responses(
        (status = 200, description = "The period as it now stands", body = PeriodBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not open periods (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such form", body = ErrorJson),
        (status = 422, description = "The period or the deadline does not parse, or the period is not of the form's type", body = ErrorJson),
    )
)]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<OpenPeriodRequest>,
) -> Result<Json<PeriodBody>, WebError> {
    let period = parse_period(&body.period)?;
    let deadline = match clean(&body.deadline) {
        Some(t) => Some(parse_date(&t).ok_or_else(|| {
            WebError::BadRequest(Problem::Key("api.bad_date", vec![("value", t.clone())]))
        })?),
        None => None,
    };
    let record = open_period(state.store(), &user.principal, &code, period, deadline).await?;
    let hierarchy = state.hierarchy().await?;
    Ok(Json(period_body(state.store(), &hierarchy, &record).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClosePeriodRequest {
    /// The code of the zone, or of one park, to close the period for.
    #[schema(example = "LB")]
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedBody {
    /// How many filings the closing locked.
    pub locked: usize,
    pub period: PeriodBody,
}

/// Closes the period for a zone or a park: every filing of the enterprises located
/// within it on the period's last day is locked, and no new filing is taken. Zone staff
/// and administrators only.
#[utoipa::path(
    post,
    path = "/api/v1/forms/{code}/periods/{period}/close",
    operation_id = "close_filing_period",
    tag = "reporting",
    params(
        ("code" = String, Path, description = "The form's code"),
        ("period" = String, Path, description = "2025, 2025Q3 or 2025-07"),
    ),
    request_body = ClosePeriodRequest,
    responses(
        (status = 200, description = "Closed", body = ClosedBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not close the period for the unit (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such form or period", body = ErrorJson),
        (status = 409, description = "The period is already closed for the unit", body = ErrorJson),
        (status = 422, description = "Unknown unit", body = ErrorJson),
    )
)]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, period)): Path<(String, String)>,
    JsonBody(body): JsonBody<ClosePeriodRequest>,
) -> Result<Json<ClosedBody>, WebError> {
    let period = parse_period(&period).map_err(|_| WebError::NotFound)?;
    let hierarchy = state.hierarchy().await?;
    let unit = unit_by_code(&hierarchy, &body.unit)?;
    let store = state.store();
    let locked = close_period(store, &user.principal, &hierarchy, &code, period, unit).await?;
    let record = period_record(store, &code, period).await?;
    Ok(Json(ClosedBody {
        locked,
        period: period_body(store, &hierarchy, &record).await?,
    }))
}

// ---------------------------------------------------------------- completeness

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsBody {
    /// Enterprises in the survey (入统) located within the unit on the period's last day.
    pub expected: u32,
    /// Of them, those that submitted at least once.
    pub filed: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    /// Filings standing returned.
    pub returned: u32,
    pub approved: u32,
}

impl From<&Completeness> for CountsBody {
    fn from(c: &Completeness) -> Self {
        CountsBody {
            expected: c.expected,
            filed: c.filed,
            on_time: c.on_time,
            late: c.late,
            missing: c.missing,
            returned: c.returned,
            approved: c.approved,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParkCountsBody {
    pub park_code: String,
    pub park_name: String,
    pub counts: CountsBody,
}

/// An expected enterprise that has not submitted, with whom to call.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingBody {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_code: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// A draft exists but was never submitted.
    pub has_draft: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletenessBody {
    pub period: PeriodBody,
    pub unit_code: String,
    /// Whether the period is closed for the unit.
    pub closed: bool,
    /// Per park within the unit, by park code.
    pub parks: Vec<ParkCountsBody>,
    pub total: CountsBody,
    /// By park, then by name.
    pub missing: Vec<MissingBody>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// The code of the zone or park; the caller's own unit when left out.
    pub unit: Option<String>,
}

/// Who was expected to file for the period within a unit, and how far each park is:
/// expected, filed, on time, late, missing, returned, approved, and the list of the
/// missing enterprises with their contacts.
#[utoipa::path(
    get,
    path = "/api/v1/forms/{code}/periods/{period}/completeness",
    operation_id = "show_filing_completeness",
    tag = "reporting",
    params(
        ("code" = String, Path, description = "The form's code"),
        ("period" = String, Path, description = "2025, 2025Q3 or 2025-07"),
        UnitQuery,
    ),
    responses(
        (status = 200, description = "Counts per park, total, missing list", body = CompletenessBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The unit is outside the caller's scope, or the caller sees no enterprise data", body = ErrorJson),
        (status = 404, description = "No such form or period", body = ErrorJson),
        (status = 422, description = "Unknown unit, or none given by a caller bound to no unit", body = ErrorJson),
    )
)]
pub async fn show_completeness(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, period)): Path<(String, String)>,
    Params(q): Params<UnitQuery>,
) -> Result<Json<CompletenessBody>, WebError> {
    let period = parse_period(&period).map_err(|_| WebError::NotFound)?;
    let hierarchy = state.hierarchy().await?;
    let unit = match clean(&q.unit) {
        Some(c) => unit_by_code(&hierarchy, &c)?,
        None => match user.principal.home_unit() {
            Some(u) => u,
            None => {
                let roots = hierarchy.as_of(period.last_day()).roots;
                match roots.as_slice() {
                    [only] => *only,
                    _ => {
                        return Err(WebError::BadRequest(Problem::Key(
                            "api.bad_filter",
                            vec![("filter", "unit".to_string()), ("value", String::new())],
                        )));
                    }
                }
            }
        },
    };
    let store = state.store();
    let view = completeness(store, &user.principal, &hierarchy, &code, period, unit).await?;
    Ok(Json(CompletenessBody {
        period: period_body(store, &hierarchy, &view.period).await?,
        unit_code: view.unit.code.to_string(),
        closed: view.closed,
        parks: view
            .parks
            .iter()
            .map(|p| ParkCountsBody {
                park_code: p.park.code.to_string(),
                park_name: p.park.name_zh.clone(),
                counts: (&p.counts).into(),
            })
            .collect(),
        total: (&view.total).into(),
        missing: view
            .missing
            .iter()
            .map(|m| MissingBody {
                enterprise_id: m.enterprise.id.0,
                credit_code: m.enterprise.details.credit_code.to_string(),
                name: m.enterprise.details.name.clone(),
                park_code: m.park.code.to_string(),
                contact_name: m.enterprise.details.contact_name.clone(),
                contact_phone: m.enterprise.details.contact_phone.clone(),
                has_draft: m.has_draft,
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------- filings

/// One enterprise's filing for a period, with the findings of the form's checks.
#[utoipa::path(
    get,
    path = "/api/v1/filings/{form}/{period}/{credit_code}",
    operation_id = "show_filing",
    tag = "reporting",
    params(
        ("form" = String, Path, description = "The form's code"),
        ("period" = String, Path, description = "2025, 2025Q3 or 2025-07"),
        ("credit_code" = String, Path, description = "The enterprise's unified social credit code"),
    ),
    responses(
        (status = 200, description = "The filing", body = FilingBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The enterprise is outside the caller's scope", body = ErrorJson),
        (status = 404, description = "No such form, period or enterprise, or nothing filed yet", body = ErrorJson),
    )
)]
pub async fn show_filing(
    State(state): State<AppState>,
    user: CurrentUser,
    Language(lang): Language,
    Path((form, period, credit_code)): Path<(String, String, String)>,
) -> Result<Json<FilingBody>, WebError> {
    let period = parse_period(&period).map_err(|_| WebError::NotFound)?;
    let store = state.store();
    let enterprise = enterprise_by_code(store, &credit_code).await?;
    let hierarchy = state.hierarchy().await?;
    let context = read_filing(
        store,
        &user.principal,
        &hierarchy,
        &form,
        period,
        enterprise.id,
    )
    .await?;
    Ok(Json(current_body(&context, &hierarchy, lang)?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingRequest {
    /// Values by field code, as JSON numbers or as text (`"1,200"`, `"12%"`); null or
    /// "" for a blank. Every field left out is blank: the values replace the filing's.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, f64>, example = json!({"employees": 120, "rd_staff": 30}))]
    pub values: BTreeMap<String, Value>,
    /// Written explanations (说明) of warnings, by rule code.
    #[serde(default)]
    #[schema(example = json!({"A17": "2025年新增海外订单"}))]
    pub explanations: BTreeMap<String, String>,
    /// Submit for review (true) or save a draft (false, the default).
    #[serde(default)]
    pub submit: bool,
}

/// The values as the typed entries the use case reads: numbers written out exactly
/// (shortest round-trip form), text as it is, null as a blank.
fn entries(values: BTreeMap<String, Value>) -> BTreeMap<String, String> {
    values
        .into_iter()
        .map(|(code, value)| {
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => other.to_string(),
            };
            (code, text)
        })
        .collect()
}

/// Saves a draft of the filing or submits it. The values are judged by the form's rules
/// first: a submission with an error, or with a warning that has no explanation, is
/// refused with every issue named by field; so is a value for a code the form does not
/// have, or a value that is not an acceptable number for its field.
#[utoipa::path(
    put,
    path = "/api/v1/filings/{form}/{period}/{credit_code}",
    operation_id = "put_filing",
    tag = "reporting",
    params(
        ("form" = String, Path, description = "The form's code"),
        ("period" = String, Path, description = "2025, 2025Q3 or 2025-07"),
        ("credit_code" = String, Path, description = "The enterprise's unified social credit code"),
    ),
    request_body = FilingRequest,
    responses(
        (status = 200, description = "Saved or submitted; the filing with its findings", body = FilingBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not file for the enterprise (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such form, period or enterprise", body = ErrorJson),
        (status = 409, description = "The filing is locked, the period closed, the step not possible in the filing's state, or someone else changed the filing meanwhile", body = ErrorJson),
        (status = 422, description = "`invalid_input` with every issue named by field", body = ErrorJson),
    )
)]
pub async fn put_filing(
    State(state): State<AppState>,
    user: CurrentUser,
    Language(lang): Language,
    Path((form, period, credit_code)): Path<(String, String, String)>,
    JsonBody(body): JsonBody<FilingRequest>,
) -> Result<Json<FilingBody>, WebError> {
    let period = parse_period(&period).map_err(|_| WebError::NotFound)?;
    let store = state.store();
    let enterprise = enterprise_by_code(store, &credit_code).await?;
    let hierarchy = state.hierarchy().await?;
    let action = if body.submit {
        FilingAction::Submit
    } else {
        FilingAction::SaveDraft
    };
    let outcome = file(
        store,
        &user.principal,
        &hierarchy,
        &form,
        period,
        enterprise.id,
        &entries(body.values),
        body.explanations,
        action,
    )
    .await?;
    let context = read_filing(
        store,
        &user.principal,
        &hierarchy,
        &form,
        period,
        enterprise.id,
    )
    .await?;
    Ok(Json(filing_body(
        &context,
        &hierarchy,
        &outcome.filing,
        &outcome.assessment,
        lang,
    )))
}

/// A review or zone step.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    /// Park staff (or above) accept a submitted filing.
    Approve,
    /// Park staff (or above) send a submitted or approved filing back, with a reason.
    Return,
    /// Zone staff unlock a filing of a closed period, with a reason; it stands returned.
    Reopen,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionRequest {
    pub action: ActionName,
    /// Why: required to return or reopen.
    pub reason: Option<String>,
}

/// Approves, returns or reopens a filing.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{id}/actions",
    operation_id = "take_filing_action",
    tag = "reporting",
    params(("id" = i64, Path, description = "The filing's id")),
    request_body = ActionRequest,
    responses(
        (status = 200, description = "Done; the filing as it now stands", body = FilingBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not take this step on the filing (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such filing", body = ErrorJson),
        (status = 409, description = "The step is not possible in the filing's state (someone acted first), or the filing is locked", body = ErrorJson),
        (status = 422, description = "A reason is missing, or the action is unknown", body = ErrorJson),
    )
)]
pub async fn take_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Language(lang): Language,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ActionRequest>,
) -> Result<Json<FilingBody>, WebError> {
    let id = parse_id(&id)?;
    let action = match body.action {
        ActionName::Approve => FilingAction::Approve,
        ActionName::Return => FilingAction::Return,
        ActionName::Reopen => FilingAction::Reopen,
    };
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let filing = act(
        store,
        &user.principal,
        &hierarchy,
        id,
        action,
        body.reason.as_deref(),
    )
    .await?;
    let context = read_filing(
        store,
        &user.principal,
        &hierarchy,
        &filing.form_code,
        filing.period,
        filing.enterprise,
    )
    .await?;
    Ok(Json(current_body(&context, &hierarchy, lang)?))
}

/// One field that changed from the revision before.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeBody {
    pub field: String,
    /// None for a blank.
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// One step in a filing's life: who did what, when, why, and what changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionBody {
    /// From 1.
    pub number: i32,
    /// save_draft, submit, approve, return, lock or reopen
    #[schema(example = "submit")]
    pub action: String,
    /// The status after the step.
    pub status: String,
    pub locked: bool,
    pub form_version: u32,
    #[schema(value_type = BTreeMap<String, f64>)]
    pub values: BTreeMap<String, Value>,
    pub explanations: BTreeMap<String, String>,
    /// The reason of a return or reopening.
    pub note: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// Unix seconds.
    pub at: i64,
    /// The fields whose values differ from the revision before, in the form's order.
    pub changes: Vec<ChangeBody>,
}

fn revision_body(view: &RevisionView) -> RevisionBody {
    let r = &view.revision;
    RevisionBody {
        number: r.number,
        action: r.action.code().to_string(),
        status: r.state.status.code().to_string(),
        locked: r.state.locked,
        form_version: r.form_version,
        values: r
            .values
            .iter()
            .map(|(k, v)| (k.clone(), number(*v)))
            .collect(),
        explanations: r.explanations.clone(),
        note: r.note.clone(),
        actor_id: r.actor_id,
        actor_name: r.actor_name.clone(),
        at: r.at,
        changes: view
            .changes
            .iter()
            .map(|c| ChangeBody {
                field: c.field.clone(),
                before: c.before,
                after: c.after,
            })
            .collect(),
    }
}

/// Every revision of a filing, newest first, each compared field by field with the one
/// before it.
#[utoipa::path(
    get,
    path = "/api/v1/filings/{id}/revisions",
    operation_id = "list_filing_revisions",
    tag = "reporting",
    params(("id" = i64, Path, description = "The filing's id")),
    responses(
        (status = 200, description = "The revisions, newest first", body = Vec<RevisionBody>),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The enterprise is outside the caller's scope", body = ErrorJson),
        (status = 404, description = "No such filing", body = ErrorJson),
    )
)]
pub async fn revisions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionBody>>, WebError> {
    let id = parse_id(&id)?;
    let hierarchy = state.hierarchy().await?;
    let (_, views) = history(state.store(), &user.principal, &hierarchy, id).await?;
    Ok(Json(views.iter().map(revision_body).collect()))
}

// ---------------------------------------------------------------- uploads

/// The outcome of an upload of filings.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingUploadBody {
    /// Whether the upload was only checked.
    pub dry_run: bool,
    /// Filings submitted (or that would be), one per row.
    pub rows: usize,
    /// Of them, new filings.
    pub created: usize,
    /// Of them, filings that already existed.
    pub updated: usize,
    /// Warnings the rows explained in their explanation column: reported, not blocking.
    pub explained_warnings: usize,
}

/// Submits one filing per row of an xlsx or CSV file (the layout of the filing
/// template: credit code, name, period, one column per field, explanation), every row
/// checked like a filing sent alone; all committed at once, or, if anything is wrong
/// anywhere, nothing and every issue located by sheet, row, column and field.
#[utoipa::path(
    post,
    path = "/api/v1/forms/{code}/periods/{period}/uploads",
    operation_id = "upload_filings",
    tag = "reporting",
    params(
        ("code" = String, Path, description = "The form's code"),
        ("period" = String, Path, description = "2025, 2025Q3 or 2025-07"),
        DryRun,
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Submitted, or checked when dry_run", body = FilingUploadBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "`csrf`", body = ErrorJson),
        (status = 404, description = "No such form or period", body = ErrorJson),
        (status = 413, description = "`too_large`: the body is over the upload limit, or the file unpacks to or holds more than is read at once (the limit is in the message)", body = ErrorJson),
        (status = 422, description = "`invalid_input` with the issues located (the first 1,000, and `issues_total`); or the file is missing, empty, or not xlsx or CSV", body = ErrorJson),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, period)): Path<(String, String)>,
    Params(q): Params<DryRun>,
    request: Request,
) -> Result<Json<FilingUploadBody>, WebError> {
    let period = parse_period(&period).map_err(|_| WebError::NotFound)?;
    let mut file = read_upload_field(request, &state).await?;
    let table = file.table(&state).await?;
    let hierarchy = state.hierarchy().await?;
    let report = upload_filings(
        state.store(),
        &user.principal,
        &hierarchy,
        &code,
        period,
        &table,
        q.dry_run,
        &|_| {},
    )
    .await?;
    Ok(Json(FilingUploadBody {
        dry_run: report.dry_run,
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        explained_warnings: report.explained_warnings,
    }))
}
