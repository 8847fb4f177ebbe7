//! Statistical monitoring (统计监测): the indicator catalogue in force (read, or a new
//! version installed after a whole check), every indicator's value for a unit and period
//! with the reason when it cannot be computed and the unit's target, and the unit
//! statistics read and entered. The same use cases as the pages decide who may see and
//! change what.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use innozone_app::AppError;
use innozone_app::monitoring::{
    Basis, catalogue_in_force, enter_statistic, install_catalogue, may_monitor, rounded,
    statistics_table,
};
use innozone_domain::monitoring::{Catalogue, Path as TargetPath, Target, Unavailable};
use innozone_domain::registry::{Hierarchy, UnitId};
use innozone_domain::reporting::Period;
use innozone_i18n::unavailable_reason;
use innozone_store::{DocumentRecord, StatisticRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{JsonBody, Params, RawBody};
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::language::Language;
use crate::state::AppState;

// ------------------------------------------------------------------ the catalogue

/// A value entered per unit and period (地区生产总值, population…).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticDefinitionBody {
    #[schema(example = "gdp")]
    pub code: String,
    #[schema(example = "地区生产总值")]
    pub zh: String,
    pub en: String,
    /// The unit values are entered in, by code.
    #[schema(example = "hundred_million_yuan")]
    pub unit: String,
    #[schema(example = "亿元")]
    pub unit_zh: String,
    pub unit_en: String,
    /// A unit without a value of its own gets the sum of its children's, when every
    /// child has one.
    pub additive: bool,
    pub description_zh: String,
    pub description_en: String,
}

/// An indicator: a formula over the sums and counts of a form's filings, statistics and
/// other indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorBody {
    #[schema(example = "rd_intensity")]
    pub code: String,
    pub zh: String,
    pub en: String,
    /// The unit the value is given in, by code.
    #[schema(example = "percent")]
    pub unit: String,
    #[schema(example = "%")]
    pub unit_zh: String,
    pub unit_en: String,
    /// Decimals the value is shown with.
    pub decimals: u8,
    /// higher or lower (is better)
    #[schema(example = "higher")]
    pub direction: String,
    /// The form whose fields the formula's sums and counts read.
    #[schema(example = "torch_annual")]
    pub form: Option<String>,
    /// As written in the catalogue.
    #[schema(example = "(sum(rd_expenditure_internal) + rd_institutions) / gdp")]
    pub formula: String,
    pub description_zh: String,
    pub description_en: String,
    /// Where the indicator is named (a plan, a document).
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueBody {
    /// The version the catalogue declares.
    pub version: u32,
    /// The saved version's id (rises with every installation).
    pub saved_id: i64,
    /// Unix seconds.
    pub saved_at: i64,
    pub saved_by: String,
    pub statistics: Vec<StatisticDefinitionBody>,
    pub indicators: Vec<IndicatorBody>,
}

fn catalogue_body(catalogue: &Catalogue, record: &DocumentRecord) -> CatalogueBody {
    CatalogueBody {
        version: catalogue.version,
        saved_id: record.id,
        saved_at: record.saved_at,
        saved_by: record.saved_by.clone(),
        statistics: catalogue
            .statistics
            .iter()
            .map(|s| StatisticDefinitionBody {
                code: s.code.clone(),
                zh: s.zh.clone(),
                en: s.en.clone(),
                unit: s.unit.code().to_string(),
                unit_zh: s.unit.symbol(false).to_string(),
                unit_en: s.unit.symbol(true).to_string(),
                additive: s.additive,
                description_zh: s.description_zh.clone(),
                description_en: s.description_en.clone(),
            })
            .collect(),
        indicators: catalogue
            .indicators
            .iter()
            .map(|d| IndicatorBody {
                code: d.code.clone(),
                zh: d.zh.clone(),
                en: d.en.clone(),
                unit: d.unit.code().to_string(),
                unit_zh: d.unit.symbol(false).to_string(),
                unit_en: d.unit.symbol(true).to_string(),
                decimals: d.decimals,
                direction: d.direction.code().to_string(),
                form: d.form.map(|f| catalogue.forms[f].code.clone()),
                formula: d.formula.clone(),
                description_zh: d.description_zh.clone(),
                description_en: d.description_en.clone(),
                source: d.source.clone(),
            })
            .collect(),
    }
}

/// Staff, leadership and evaluators read monitoring; filers and the public do not.
fn may_read(user: &CurrentUser) -> Result<(), WebError> {
    use innozone_domain::accounts::Role;
    if matches!(user.principal.role, Role::EnterpriseFiler | Role::Public) {
        return Err(WebError::Forbidden);
    }
    Ok(())
}

fn no_catalogue() -> WebError {
    WebError::from(AppError::NotFound {
        entity: "catalogue",
        key: "current".into(),
    })
}

/// The indicator catalogue in force.
#[utoipa::path(
    get,
    path = "/api/v1/monitoring/catalogue",
    operation_id = "show_indicator_catalogue",
    tag = "monitoring",
    responses(
        (status = 200, description = "The catalogue in force", body = CatalogueBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Enterprise filers and the public do not read monitoring", body = ErrorJson),
        (status = 404, description = "No catalogue is installed", body = ErrorJson),
        (status = 422, description = "The catalogue in force no longer matches the installed forms", body = ErrorJson),
    )
)]
pub async fn show_catalogue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<CatalogueBody>, WebError> {
    may_read(&user)?;
    let (catalogue, record) = catalogue_in_force(state.store())
        .await?
        .ok_or_else(no_catalogue)?;
    Ok(Json(catalogue_body(&catalogue, &record)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CatalogueRequest {
    /// The catalogue (TOML), as the zone edits it.
    pub definition: String,
}

/// Installs a new version of the catalogue, checked whole against the installed forms
/// and the targets in force: a formula that does not hold is refused with the indicator,
/// the formula and the place, and nothing is saved. Zone staff and administrators only.
#[utoipa::path(
    post,
    path = "/api/v1/monitoring/catalogue",
    operation_id = "install_indicator_catalogue",
    tag = "monitoring",
    request_body(
        content(
            (String = "text/plain"),
            (CatalogueRequest = "application/json"),
        ),
        description = "The catalogue"
    ),
    responses(
        (status = 201, description = "Installed and in force", body = CatalogueBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not define the catalogue (or `csrf`)", body = ErrorJson),
        (status = 422, description = "The catalogue does not hold together (with the indicator, formula and column), or a target in force names an indicator it drops", body = ErrorJson),
    )
)]
pub async fn install(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<CatalogueBody>), WebError> {
    let bad_body = |reason: String| {
        WebError::BadRequest(Problem::Key("api.bad_body", vec![("reason", reason)]))
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let source = if is_json {
        serde_json::from_slice::<CatalogueRequest>(&body)
            .map_err(|e| bad_body(e.to_string()))?
            .definition
    } else {
        String::from_utf8(body.to_vec()).map_err(|e| bad_body(e.to_string()))?
    };
    let (catalogue, record) = install_catalogue(state.store(), &user.principal, &source).await?;
    Ok((
        StatusCode::CREATED,
        Json(catalogue_body(&catalogue, &record)),
    ))
}

// ------------------------------------------------------------------ values

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// The unit's code.
    #[param(example = "LB")]
    pub unit: String,
    /// 2025, 2025Q3 or 2025-07
    #[param(example = "2025")]
    pub period: String,
    /// approved (the default: approved filings only) or all (submitted filings awaiting
    /// review too)
    pub basis: Option<String>,
}

/// Why a value cannot be given.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnavailableBody {
    /// no_data, missing_statistic, division_by_zero, no_period, not_reported
    #[schema(example = "missing_statistic")]
    pub reason: String,
    /// In the request's language.
    pub message: String,
}

/// A unit's target for an indicator, and the value held against it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetBody {
    pub baseline_year: i32,
    pub baseline_value: f64,
    /// The target points after the baseline, as (year, value).
    pub points: Vec<TargetPointBody>,
    /// linear or growth
    pub path: String,
    /// Shortfall (relative to the path's value) beyond which the value is behind.
    pub warn: f64,
    /// Shortfall beyond which it is seriously behind.
    pub alarm: f64,
    pub source: Option<String>,
    /// The path's value for the period's year; absent before the baseline or for a
    /// period shorter than a year.
    pub expected: Option<f64>,
    /// How far the value falls short of the path, relative to it (negative when ahead).
    pub shortfall: Option<f64>,
    /// on_track, behind or seriously_behind; absent when there is nothing to compare.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetPointBody {
    pub year: i32,
    pub value: f64,
}

/// One indicator for the unit and period.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValueBody {
    #[schema(example = "rd_intensity")]
    pub code: String,
    pub zh: String,
    pub en: String,
    #[schema(example = "percent")]
    pub unit: String,
    pub decimals: u8,
    pub direction: String,
    /// In the indicator's unit, rounded to its decimals; absent when it cannot be
    /// computed (see `unavailable`).
    pub value: Option<f64>,
    pub unavailable: Option<UnavailableBody>,
    /// The same period a year before, rounded, when it can be computed.
    pub previous_year: Option<f64>,
    pub target: Option<TargetBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValuesBody {
    #[schema(example = "LB")]
    pub unit: String,
    pub unit_name: String,
    #[schema(example = "2025")]
    pub period: String,
    /// approved or all
    pub basis: String,
    /// Every indicator of the catalogue that applies to the period's type.
    pub indicators: Vec<IndicatorValueBody>,
}

fn reason_code(why: &Unavailable) -> &'static str {
    match why {
        Unavailable::NoData { .. } => "no_data",
        Unavailable::MissingStatistic { .. } => "missing_statistic",
        Unavailable::DivisionByZero => "division_by_zero",
        Unavailable::NoPeriod { .. } => "no_period",
        Unavailable::NotReported => "not_reported",
        Unavailable::NotByGroup { .. } => "not_by_group",
    }
}

fn parse_period(text: &str) -> Result<Period, WebError> {
    text.trim()
        .parse::<Period>()
        .map_err(|e| WebError::from(AppError::Period(e)))
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

fn target_body(
    target: &Target,
    period: Period,
    value: Option<f64>,
    catalogue: &Catalogue,
) -> TargetBody {
    let direction = catalogue
        .indicator(&target.indicator)
        .map(|(_, d)| d.direction);
    let (expected, comparison) = match period {
        Period::Year(year) => (
            target.path_value(year),
            value
                .zip(direction)
                .and_then(|(v, d)| target.compare(year, v, d)),
        ),
        _ => (None, None),
    };
    TargetBody {
        baseline_year: target.baseline.year,
        baseline_value: target.baseline.value,
        points: target
            .points
            .iter()
            .map(|p| TargetPointBody {
                year: p.year,
                value: p.value,
            })
            .collect(),
        path: match target.path {
            TargetPath::Linear => "linear",
            TargetPath::Growth => "growth",
        }
        .to_string(),
        warn: target.thresholds.warn,
        alarm: target.thresholds.alarm,
        source: target.source.clone(),
        expected,
        shortfall: comparison.map(|c| c.shortfall),
        status: comparison.map(|c| c.status.code().to_string()),
    }
}

/// Every indicator that applies to the period, for one unit: its value or why it cannot
/// be computed, last year's, and the unit's target with where the value stands.
#[utoipa::path(
    get,
    path = "/api/v1/monitoring/values",
    operation_id = "list_indicator_values",
    tag = "monitoring",
    params(ValuesQuery),
    responses(
        (status = 200, description = "The indicators of the unit and period", body = ValuesBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The unit is outside the caller's node, or the caller does not read monitoring", body = ErrorJson),
        (status = 404, description = "No catalogue is installed", body = ErrorJson),
        (status = 422, description = "Unknown unit, a period or basis that does not parse", body = ErrorJson),
    )
)]
pub async fn values(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Params(q): Params<ValuesQuery>,
) -> Result<Json<ValuesBody>, WebError> {
    may_read(&user)?;
    let period = parse_period(&q.period)?;
    let basis = match q.basis.as_deref().map(str::trim) {
        None | Some("") | Some("approved") => Basis::Approved,
        Some("all") => Basis::IncludingUnapproved,
        Some(other) => {
            return Err(WebError::BadRequest(Problem::Key(
                "monitoring.api.bad_basis",
                vec![("value", other.to_string())],
            )));
        }
    };
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let unit = unit_by_code(&hierarchy, &q.unit)?;
    let tree = hierarchy.as_of(period.last_day());
    if !may_monitor(&user.principal, unit, &tree) {
        return Err(WebError::Forbidden);
    }
    let previous = period.previous_year();
    let snapshot = state
        .monitor
        .snapshot(store, &[period, previous], basis)
        .await?
        .ok_or_else(no_catalogue)?;
    let catalogue = &snapshot.catalogue;
    let position = snapshot.index.position(unit).ok_or(WebError::NotFound)?;
    let value_at = |p: Period, i: usize| {
        snapshot
            .computation
            .value(p, i, position)
            .unwrap_or(Err(Unavailable::NoPeriod { period: p }))
    };
    let stored = hierarchy.unit(unit).ok_or(WebError::NotFound)?;
    let indicators = (0..catalogue.indicators.len())
        .filter(|i| catalogue.applies_to(*i, period.period_type()))
        .map(|i| {
            let d = &catalogue.indicators[i];
            let value = value_at(period, i);
            IndicatorValueBody {
                code: d.code.clone(),
                zh: d.zh.clone(),
                en: d.en.clone(),
                unit: d.unit.code().to_string(),
                decimals: d.decimals,
                direction: d.direction.code().to_string(),
                value: value.ok().map(|v| rounded(v, d.decimals)),
                unavailable: value.err().map(|why| UnavailableBody {
                    reason: reason_code(&why).to_string(),
                    message: unavailable_reason(&why, catalogue, lang),
                }),
                previous_year: value_at(previous, i).ok().map(|v| rounded(v, d.decimals)),
                target: snapshot
                    .targets
                    .find(stored.code.as_str(), &d.code)
                    .map(|t| target_body(t, period, value.ok(), catalogue)),
            }
        })
        .collect();
    Ok(Json(ValuesBody {
        unit: stored.code.as_str().to_string(),
        unit_name: stored.display_name(lang.is_english()).to_string(),
        period: period.to_string(),
        basis: basis.code().to_string(),
        indicators,
    }))
}

// ------------------------------------------------------------------ statistics

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// The unit's code: the unit and every unit below it are listed.
    #[param(example = "LB")]
    pub unit: String,
    #[param(example = "2025")]
    pub period: String,
}

/// The current entry of a statistic.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticValueBody {
    /// In the statistic's entry unit; null when the latest entry cleared it.
    pub value: Option<f64>,
    pub note: Option<String>,
    /// Unix seconds.
    pub recorded_at: i64,
    pub recorded_by: String,
}

fn value_body(r: &StatisticRecord) -> StatisticValueBody {
    StatisticValueBody {
        value: r.value,
        note: r.note.clone(),
        recorded_at: r.recorded_at,
        recorded_by: r.recorded_by.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitStatisticsBody {
    #[schema(example = "LB-GX")]
    pub unit: String,
    pub name: String,
    /// zone, district, park…
    pub kind: String,
    /// Whether the caller may enter values for the unit.
    pub writable: bool,
    /// By statistic code; a statistic never entered is left out.
    pub values: BTreeMap<String, StatisticValueBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsBody {
    pub unit: String,
    pub period: String,
    pub statistics: Vec<StatisticDefinitionBody>,
    /// The unit itself first, then the units below it.
    pub units: Vec<UnitStatisticsBody>,
}

/// The statistics entered for a unit and every unit below it, for one period.
#[utoipa::path(
    get,
    path = "/api/v1/monitoring/statistics",
    operation_id = "list_unit_statistics",
    tag = "monitoring",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The statistics as entered", body = StatisticsBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The unit is outside the caller's node, or the caller does not read monitoring", body = ErrorJson),
        (status = 404, description = "No catalogue is installed", body = ErrorJson),
        (status = 422, description = "Unknown unit or a period that does not parse", body = ErrorJson),
    )
)]
pub async fn list_statistics(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Params(q): Params<StatisticsQuery>,
) -> Result<Json<StatisticsBody>, WebError> {
    let period = parse_period(&q.period)?;
    let hierarchy = state.hierarchy().await?;
    let unit = unit_by_code(&hierarchy, &q.unit)?;
    let (catalogue, rows) = statistics_table(
        state.store(),
        &hierarchy,
        &user.principal,
        unit,
        period,
        lang.is_english(),
    )
    .await?;
    let tree = hierarchy.as_of(period.last_day());
    let (_, record) = catalogue_in_force(state.store())
        .await?
        .ok_or_else(no_catalogue)?;
    let definitions = catalogue_body(&catalogue, &record).statistics;
    Ok(Json(StatisticsBody {
        unit: q.unit.trim().to_string(),
        period: period.to_string(),
        statistics: definitions,
        units: rows
            .iter()
            .map(|r| UnitStatisticsBody {
                unit: r.code.clone(),
                name: r.name.clone(),
                kind: r.kind.code().to_string(),
                writable: user.principal.may_write_unit(r.unit, &tree),
                values: catalogue
                    .statistics
                    .iter()
                    .zip(&r.values)
                    .filter_map(|(s, v)| v.as_ref().map(|v| (s.code.clone(), value_body(v))))
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatisticRequest {
    /// The unit's code.
    #[schema(example = "LB")]
    pub unit: String,
    #[schema(example = "2025")]
    pub period: String,
    /// The statistic's code in the catalogue.
    #[schema(example = "gdp")]
    pub code: String,
    /// In the statistic's entry unit; null clears the value (the earlier entries stay in
    /// its history).
    pub value: Option<f64>,
    /// Where the value comes from.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticEntryBody {
    pub unit: String,
    pub period: String,
    pub code: String,
    /// Whether an entry was added: a value equal to the current one adds none.
    pub changed: bool,
    /// The current entry; none when the statistic was never entered.
    pub current: Option<StatisticValueBody>,
    /// How many entries the statistic has for the unit and period, the current one
    /// included.
    pub entries: usize,
}

/// Enters one statistic for a unit and period. Every entry is kept: a change or a
/// clearing adds one, and the earlier ones stay in the history. Zone staff within their
/// zone, and administrators.
#[utoipa::path(
    put,
    path = "/api/v1/monitoring/statistics",
    operation_id = "put_unit_statistic",
    tag = "monitoring",
    request_body = StatisticRequest,
    responses(
        (status = 200, description = "The statistic as it now stands", body = StatisticEntryBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not enter statistics for the unit (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No catalogue is installed", body = ErrorJson),
        (status = 422, description = "Unknown unit or statistic, a period that does not parse, or a value that is not a finite number", body = ErrorJson),
    )
)]
pub async fn put_statistic(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(body): JsonBody<StatisticRequest>,
) -> Result<Json<StatisticEntryBody>, WebError> {
    let period = parse_period(&body.period)?;
    let hierarchy = state.hierarchy().await?;
    let unit = unit_by_code(&hierarchy, &body.unit)?;
    let code = body.code.trim().to_string();
    let entry = enter_statistic(
        state.store(),
        &user.principal,
        &hierarchy,
        unit,
        period,
        &code,
        body.value,
        body.note.as_deref(),
    )
    .await?;
    Ok(Json(StatisticEntryBody {
        unit: body.unit.trim().to_string(),
        period: period.to_string(),
        code,
        changed: entry.changed,
        current: entry.current.as_ref().map(value_body),
        entries: entry.entries,
    }))
}
