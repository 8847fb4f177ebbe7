//! Enterprises: search, one enterprise's record, its correction, and imports.

use axum::Json;
use axum::extract::{Path, State};
use innozone_app::clock::today;
use innozone_app::registry::{
    enterprise_detail, import_enterprises, save_enterprise_form, search_enterprises,
};
use innozone_domain::registry::enterprise::parse_yes_no;
use innozone_domain::registry::import::ENTERPRISE_COLUMNS;
use innozone_domain::registry::{Enterprise, EnterpriseId, Hierarchy, SizeClass, Tier, UnitId};
use innozone_store::EnterpriseQuery;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::table::{JsonRow, json_import, rows_table};
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::routes::api::{DryRun, ImportReportBody, JsonBody, Params, clean, paging, parse_id};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseBody {
    pub id: i64,
    #[schema(example = "914403001922038216")]
    pub credit_code: String,
    pub name: String,
    /// GB/T 4754 class, four digits.
    #[schema(example = "6511")]
    pub industry_code: String,
    /// electronic_information, biomedicine, aerospace, new_materials, high_tech_services,
    /// new_energy, resources_environment, advanced_manufacturing
    pub high_tech_field: Option<String>,
    /// above_scale or below_scale
    pub size_class: String,
    pub registration_type: String,
    /// The park the enterprise is located in today.
    pub park_code: Option<String>,
    pub park_since: Option<String>,
    /// Tiers with a recognition valid today.
    pub tiers: Vec<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// 入统: on the roster of the Torch statistical survey, expected to file statistical
    /// reports.
    #[schema(example = true)]
    pub in_survey: bool,
}

pub fn enterprise_body(e: &Enterprise, hierarchy: &Hierarchy) -> EnterpriseBody {
    EnterpriseBody {
        id: e.id.0,
        credit_code: e.credit_code.to_string(),
        name: e.name.clone(),
        industry_code: e.industry.as_str().to_string(),
        high_tech_field: e.high_tech_field.map(|f| f.code().to_string()),
        size_class: e.size_class.code().to_string(),
        registration_type: e.registration_type.code().to_string(),
        park_code: e
            .park
            .and_then(|p| hierarchy.unit(p))
            .map(|u| u.code.to_string()),
        park_since: e.park_since.map(|d| d.to_string()),
        tiers: e.tiers.iter().map(|t| t.code().to_string()).collect(),
        contact_name: e.contact_name.clone(),
        contact_phone: e.contact_phone.clone(),
        in_survey: e.in_survey,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseListBody {
    /// How many enterprises match, over all pages.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    pub items: Vec<EnterpriseBody>,
}

/// Filters of the enterprise list and of the enterprise export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseFilter {
    /// Part of the name or of the credit code, at most 200 characters.
    pub q: Option<String>,
    /// Located today in this unit's subtree (a unit code); must be inside the caller's scope.
    pub unit: Option<String>,
    /// A prefix of the industry code: "65" for a division, "6511" for a class.
    pub industry: Option<String>,
    /// above_scale / below_scale (or 规上 / 规下).
    pub size: Option<String>,
    /// A tier held today, e.g. high_tech.
    pub tier: Option<String>,
    /// In (true, 是) or out of (false, 否) the statistical survey (入统).
    pub in_survey: Option<String>,
    /// Rows to skip; 0 when left out (ignored by exports).
    pub offset: Option<i64>,
    /// Rows to return, 1 to 500; 50 when left out (ignored by exports).
    pub limit: Option<i64>,
}

impl EnterpriseFilter {
    /// The store query of the filters (before the caller's scope is applied), and the unit
    /// filter. A filter that does not parse is refused with its name.
    pub fn query(
        &self,
        hierarchy: &Hierarchy,
    ) -> Result<(EnterpriseQuery, Option<UnitId>), WebError> {
        let bad = |filter: &str, value: &str| {
            WebError::BadRequest(Problem::Key(
                "api.bad_filter",
                vec![("filter", filter.to_string()), ("value", value.to_string())],
            ))
        };
        let unit = match clean(&self.unit) {
            Some(code) => Some(
                hierarchy
                    .unit_by_code(&code)
                    .ok_or_else(|| bad("unit", &code))?
                    .id,
            ),
            None => None,
        };
        let size_class = match clean(&self.size) {
            Some(s) => Some(SizeClass::parse(&s).ok_or_else(|| bad("size", &s))?),
            None => None,
        };
        let tier = match clean(&self.tier) {
            Some(s) => Some(Tier::parse(&s).ok_or_else(|| bad("tier", &s))?),
            None => None,
        };
        let industry_prefix = match clean(&self.industry) {
            Some(s) if s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()) => Some(s),
            Some(s) => return Err(bad("industry", &s)),
            None => None,
        };
        let in_survey = match clean(&self.in_survey) {
            Some(s) => Some(parse_yes_no(&s).ok_or_else(|| bad("in_survey", &s))?),
            None => None,
        };
        let query = EnterpriseQuery {
            text: clean(&self.q),
            industry_prefix,
            size_class,
            tier,
            in_survey,
            today: Some(today()),
            ..Default::default()
        };
        Ok((query, unit))
    }
}

/// The enterprises the caller may read, filtered and paged, ordered by name.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises",
    operation_id = "list_enterprises",
    tag = "enterprises",
    params(EnterpriseFilter),
    responses(
        (status = 200, description = "One page of the enterprises in the caller's scope", body = EnterpriseListBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller sees no enterprise data, or the unit filter is outside the scope", body = ErrorJson),
        (status = 422, description = "A filter, offset or limit does not parse, or the search text `q` is longer than 200 characters", body = ErrorJson),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(filter): Params<EnterpriseFilter>,
) -> Result<Json<EnterpriseListBody>, WebError> {
    let (offset, limit) = paging(filter.offset, filter.limit)?;
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let (mut query, unit) = filter.query(&hierarchy)?;
    query.offset = offset;
    query.limit = limit;
    let found = search_enterprises(state.store(), &user.principal, &tree, query, unit).await?;
    let items = found
        .items
        .iter()
        .map(|e| enterprise_body(e, &hierarchy))
        .collect();
    Ok(Json(EnterpriseListBody {
        total: found.total,
        offset,
        limit,
        items,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub code: String,
    pub name_zh: String,
}

/// A stay of the enterprise in a park; `until` is exclusive, none while it lasts.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationBody {
    pub park_code: Option<String>,
    pub park_name: Option<String>,
    pub from: String,
    pub until: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionBody {
    #[schema(example = "high_tech")]
    pub tier: String,
    pub certificate_no: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseDetailBody {
    pub enterprise: EnterpriseBody,
    /// From the root of the hierarchy down to the current park.
    pub park_path: Vec<UnitRef>,
    /// Every location, oldest first.
    pub locations: Vec<LocationBody>,
    pub recognitions: Vec<RecognitionBody>,
    /// Whether the caller may correct the record.
    pub may_edit: bool,
}

/// One enterprise with where it has been located and its recognitions.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises/{id}",
    operation_id = "show_enterprise",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The enterprise's id")),
    responses(
        (status = 200, description = "The enterprise", body = EnterpriseDetailBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The enterprise is outside the caller's scope", body = ErrorJson),
        (status = 404, description = "No such enterprise", body = ErrorJson),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<EnterpriseDetailBody>, WebError> {
    let id = EnterpriseId(parse_id(&id)?);
    let hierarchy = state.hierarchy().await?;
    let d = enterprise_detail(state.store(), &user.principal, &hierarchy, id, today()).await?;
    let body = EnterpriseDetailBody {
        enterprise: enterprise_body(&d.enterprise, &hierarchy),
        park_path: d
            .park_path
            .iter()
            .map(|u| UnitRef {
                code: u.code.to_string(),
                name_zh: u.name_zh.clone(),
            })
            .collect(),
        locations: d
            .locations
            .iter()
            .map(|(l, unit)| LocationBody {
                park_code: unit.as_ref().map(|u| u.code.to_string()),
                park_name: unit.as_ref().map(|u| u.name_zh.clone()),
                from: l.from.to_string(),
                until: l.until.map(|d| d.to_string()),
            })
            .collect(),
        recognitions: d
            .recognitions
            .iter()
            .map(|r| RecognitionBody {
                tier: r.tier.code().to_string(),
                certificate_no: r.certificate_no.clone(),
                issued_on: r.issued_on.to_string(),
                expires_on: r.expires_on.map(|d| d.to_string()),
            })
            .collect(),
        may_edit: d.may_edit,
    };
    Ok(Json(body))
}

/// Corrects one enterprise: every column of an enterprise import but the credit code,
/// which names the record and never changes. A different `park_code` moves the
/// enterprise (from `located_since`, today when left out).
#[utoipa::path(
    put,
    path = "/api/v1/enterprises/{id}",
    operation_id = "update_enterprise",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The enterprise's id")),
    request_body(content = Object, description = "The record keyed by the import's column keys, without credit_code",
        example = json!({"name": "兰州某某科技有限公司", "industry_code": "6511", "size_class": "above_scale", "registration_type": "limited_liability", "park_code": "LB-GX-YT", "contact_name": "张伟", "in_survey": true})),
    responses(
        (status = 200, description = "Saved", body = ImportReportBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not change this enterprise (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such enterprise", body = ErrorJson),
        (status = 422, description = "`invalid_input` with the issues by field (row 1); nothing was written", body = ErrorJson),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(mut record): JsonBody<JsonRow>,
) -> Result<Json<ImportReportBody>, WebError> {
    let id = EnterpriseId(parse_id(&id)?);
    let hierarchy = state.hierarchy().await?;
    let today = today();
    // The detail decides read access (403 outside the scope, 404 for no record) and
    // whether the caller may write; the import planner checks the rest, as for a file.
    let d = enterprise_detail(state.store(), &user.principal, &hierarchy, id, today).await?;
    if !d.may_edit {
        return Err(WebError::Forbidden);
    }
    if record.contains_key("credit_code") {
        return Err(WebError::BadRequest(Problem::Key(
            "api.credit_code_fixed",
            vec![],
        )));
    }
    record.insert(
        "credit_code".to_string(),
        Value::String(d.enterprise.credit_code.to_string()),
    );
    let table = rows_table(
        std::slice::from_ref(&record),
        &ENTERPRISE_COLUMNS,
        &state.limits.read,
    )?;
    let report =
        json_import(save_enterprise_form(state.store(), &user.principal, &table, today).await)?;
    Ok(Json(report.into()))
}

/// Creates, updates and moves enterprises, all or nothing, with the checks of a file
/// import. Each element is one row keyed by the import's column keys: `credit_code`,
/// `name`, `industry_code`, `high_tech_field`, `size_class`, `registration_type`,
/// `park_code`, `located_since`, `contact_name`, `contact_phone`, `in_survey` (true or
/// false, or 是/否, yes/no, 1/0, Y/N; left out, true for a new enterprise and unchanged for
/// a stored one). In the issues of a 422, `row` is the index in the array plus one, `field`
/// the key, and `sheet` and `column` are null.
#[utoipa::path(
    post,
    path = "/api/v1/enterprises",
    operation_id = "import_enterprises",
    tag = "enterprises",
    params(DryRun),
    request_body(content = Vec<Object>, description = "The rows, one object each",
        example = json!([{"credit_code": "914403001922038216", "name": "兰州某某科技有限公司", "industry_code": "6511", "size_class": "规上", "registration_type": "有限责任公司", "park_code": "LB-GX-YT", "located_since": "2018-03-01"}])),
    responses(
        (status = 200, description = "Imported, or checked when dry_run", body = ImportReportBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not import (or `csrf`)", body = ErrorJson),
        (status = 413, description = "`too_large`: the body is over the upload limit, or it has more rows than are imported at once (the limit is in the message)", body = ErrorJson),
        (status = 422, description = "`invalid_input` with the issues located by row and field (the first 1,000, and `issues_total`); nothing was written", body = ErrorJson),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<DryRun>,
    JsonBody(rows): JsonBody<Vec<JsonRow>>,
) -> Result<Json<ImportReportBody>, WebError> {
    let table = rows_table(&rows, &ENTERPRISE_COLUMNS, &state.limits.read)?;
    let report = json_import(
        import_enterprises(state.store(), &user.principal, &table, q.dry_run, today()).await,
    )?;
    Ok(Json(report.into()))
}
