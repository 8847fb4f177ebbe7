//! Units of the hierarchy: the list as of a date, one unit's overview, and imports.

use axum::Json;
use axum::extract::{Path, State};
use innozone_app::clock::today;
use innozone_app::registry::{import_units, unit_overview};
use innozone_domain::Date;
use innozone_domain::accounts::Binding;
use innozone_domain::registry::import::{UNIT_COLUMNS, parse_date};
use innozone_domain::registry::{Hierarchy, Tree, Unit};
use innozone_store::UnitFigures;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::table::{JsonRow, json_import, rows_table};
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::routes::api::{DryRun, ImportReportBody, JsonBody, Params};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitBody {
    pub id: i64,
    #[schema(example = "LB-GX-YT")]
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// province, city, zone, district, park, sub_park, specialty_park, industrial_cluster,
    /// enclave_park
    #[schema(example = "park")]
    pub kind: String,
    pub area_km2: Option<f64>,
    pub population: Option<i64>,
    pub leading_industries: Vec<String>,
    /// core, radiation or co_built
    pub spatial_role: Option<String>,
    /// The parent on the date asked for (today for a single unit); none for a root or a
    /// unit that belongs to nothing on that date.
    pub parent_code: Option<String>,
}

pub fn unit_body(unit: &Unit, hierarchy: &Hierarchy, tree: &Tree) -> UnitBody {
    UnitBody {
        id: unit.id.0,
        code: unit.code.to_string(),
        name_zh: unit.name_zh.clone(),
        name_en: unit.name_en.clone(),
        kind: unit.kind.code().to_string(),
        area_km2: unit.area_km2,
        population: unit.population,
        leading_industries: unit.leading_industries.clone(),
        spatial_role: unit.spatial_role.map(|r| r.code().to_string()),
        parent_code: tree
            .parent(unit.id)
            .and_then(|p| hierarchy.unit(p))
            .map(|p| p.code.to_string()),
    }
}

/// Counts of the enterprises located in a unit's whole subtree today.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresBody {
    pub enterprises: i64,
    pub above_scale: i64,
    pub high_tech: i64,
    pub industrial: i64,
}

impl From<UnitFigures> for FiguresBody {
    fn from(f: UnitFigures) -> Self {
        FiguresBody {
            enterprises: f.enterprises,
            above_scale: f.above_scale,
            high_tech: f.high_tech,
            industrial: f.industrial,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChildBody {
    pub unit: UnitBody,
    /// Zero for users who see no enterprise data (the public).
    pub figures: FiguresBody,
    /// How many children the child has.
    pub children: usize,
}

/// A dated membership of the unit in a parent; `until` is exclusive, none while it lasts.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipBody {
    pub parent_code: String,
    pub parent_name: String,
    #[schema(example = "2015-01-01")]
    pub from: String,
    pub until: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitOverviewBody {
    pub unit: UnitBody,
    /// From the root down to the parent.
    pub ancestors: Vec<UnitBody>,
    pub children: Vec<ChildBody>,
    /// Figures of the whole subtree; absent for users who see no enterprise data.
    pub figures: Option<FiguresBody>,
    pub memberships: Vec<MembershipBody>,
    /// Whether the caller may change the unit.
    pub may_edit: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitListQuery {
    /// The date of the hierarchy, YYYY-MM-DD; today when left out.
    #[param(example = "2020-01-01")]
    pub date: Option<String>,
}

fn date_param(text: &Option<String>) -> Result<Date, WebError> {
    match crate::routes::api::clean(text) {
        None => Ok(today()),
        Some(t) => parse_date(&t)
            .ok_or_else(|| WebError::BadRequest(Problem::Key("api.bad_date", vec![("value", t)]))),
    }
}

/// The units the caller may read, each with its parent on the date, parents before
/// children. Enterprise filers see no hierarchy.
#[utoipa::path(
    get,
    path = "/api/v1/units",
    operation_id = "list_units",
    tag = "units",
    params(UnitListQuery),
    responses(
        (status = 200, description = "The units the caller may read", body = Vec<UnitBody>),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Enterprise filers see no hierarchy", body = ErrorJson),
        (status = 422, description = "The date does not parse", body = ErrorJson),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<UnitListQuery>,
) -> Result<Json<Vec<UnitBody>>, WebError> {
    if matches!(user.principal.binding, Binding::Enterprise(_)) {
        return Err(WebError::Forbidden);
    }
    let date = date_param(&q.date)?;
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(date);
    let mut units: Vec<&Unit> = hierarchy
        .units()
        .filter(|u| user.principal.may_read_unit(u.id, &tree))
        .collect();
    units.sort_by_key(|u| {
        (
            tree.path(u.id).len(),
            u.kind.level(),
            u.code.as_str().to_string(),
        )
    });
    Ok(Json(
        units
            .into_iter()
            .map(|u| unit_body(u, &hierarchy, &tree))
            .collect(),
    ))
}

/// One unit: its place in the hierarchy today, its children with their figures, and its
/// memberships over time.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}",
    operation_id = "show_unit",
    tag = "units",
    params(("code" = String, Path, description = "The unit's code")),
    responses(
        (status = 200, description = "The unit's overview", body = UnitOverviewBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The unit is outside the caller's part of the hierarchy", body = ErrorJson),
        (status = 404, description = "No unit has this code", body = ErrorJson),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<UnitOverviewBody>, WebError> {
    let hierarchy = state.hierarchy().await?;
    let unit = hierarchy.unit_by_code(&code).ok_or(WebError::NotFound)?.id;
    let today = today();
    let o = unit_overview(state.store(), &user.principal, &hierarchy, unit, today).await?;
    let tree = hierarchy.as_of(today);
    let body = UnitOverviewBody {
        unit: unit_body(&o.unit, &hierarchy, &tree),
        ancestors: o
            .ancestors
            .iter()
            .map(|u| unit_body(u, &hierarchy, &tree))
            .collect(),
        children: o
            .children
            .into_iter()
            .map(|c| ChildBody {
                unit: unit_body(&c.unit, &hierarchy, &tree),
                figures: c.figures.into(),
                children: c.children,
            })
            .collect(),
        figures: o.figures.map(Into::into),
        memberships: o
            .memberships
            .into_iter()
            .map(|(parent, from, until)| MembershipBody {
                parent_code: parent.code.to_string(),
                parent_name: parent.name_zh.clone(),
                from: from.to_string(),
                until: until.map(|d| d.to_string()),
            })
            .collect(),
        may_edit: o.may_edit,
    };
    Ok(Json(body))
}

/// Creates or updates units, all or nothing, with the checks of a file import. Each
/// element is one row keyed by the import's column keys: `code`, `name_zh`, `name_en`,
/// `kind`, `parent_code`, `member_since`, `area_km2`, `population`, `leading_industries`
/// (a list or text separated by 、), `spatial_role`. In the issues of a 422, `row` is the
/// index in the array plus one, `field` the key, and `sheet` and `column` are null.
#[utoipa::path(
    post,
    path = "/api/v1/units",
    operation_id = "import_units",
    tag = "units",
    params(DryRun),
    request_body(content = Vec<Object>, description = "The rows, one object each",
        example = json!([{"code": "LB-GX-NEW", "name_zh": "新园区", "kind": "park", "parent_code": "LB-GX", "member_since": "2024-01-01"}])),
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
    let table = rows_table(&rows, &UNIT_COLUMNS, &state.limits.read)?;
    let report = json_import(
        import_units(state.store(), &user.principal, &table, q.dry_run, today()).await,
    )?;
    Ok(Json(report.into()))
}
