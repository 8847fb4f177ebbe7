//! Evaluation (考核评价): the schemes in force as trees with each node's effective weight,
//! the kept runs the caller may read and one run's results (a user bound to a park reads
//! that park's row only), a run made over the parks of a scope for a year, and values
//! entered for a scheme, all or nothing. The same use cases as the pages decide who may
//! see and change what.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::evaluation::{
    InputEntry, evaluate, record_inputs, run_view, schemes_with_version_counts, visible_runs,
};
use innozone_app::monitoring::Basis;
use innozone_domain::accounts::{Principal, Role};
use innozone_domain::evaluation::scheme::{AdjustmentKind, BandRule, NodeKind, Scheme, Source};
use innozone_domain::registry::Hierarchy;
use innozone_domain::reporting::Period;
use innozone_i18n::{Lang, Localize};
use innozone_store::{EvaluationRunSummary, SchemeRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{JsonBody, parse_id};
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, IssueJson, Problem, WebError};
use crate::language::Language;
use crate::state::AppState;

/// Staff, leadership and evaluators read evaluation; filers and the public do not.
fn may_read(principal: &Principal) -> Result<(), WebError> {
    if matches!(principal.role, Role::EnterpriseFiler | Role::Public) {
        return Err(WebError::Forbidden);
    }
    Ok(())
}

// ------------------------------------------------------------------ schemes

/// A dimension, sub-dimension or indicator of a scheme.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeNodeBody {
    #[schema(example = "enterprise_rd_intensity")]
    pub code: String,
    pub zh: String,
    pub en: String,
    /// The parent dimension's code; absent at the top.
    pub parent: Option<String>,
    /// 0 for a top-level dimension.
    pub depth: usize,
    /// dimension or indicator
    #[schema(example = "indicator")]
    pub kind: String,
    /// The weight as written, relative to its siblings.
    pub weight: f64,
    /// Its share of the whole: the product of the shares down the path from the top.
    #[schema(example = 0.075)]
    pub effective_weight: f64,
    /// A dimension's mean: arithmetic, geometric or harmonic.
    pub aggregation: Option<String>,
    /// An indicator's source: monitoring or entered.
    pub source: Option<String>,
    /// The monitoring indicator read, for a monitoring source.
    pub monitoring_indicator: Option<String>,
    /// higher or lower (is better)
    pub direction: Option<String>,
    /// The scoring method's name (min_max, z_score, goal_attainment, banded…).
    pub method: Option<String>,
    /// A monitoring statistic the value is divided by.
    pub denominator: Option<String>,
    /// How missing values are imputed (mean, median, group_mean, group_median,
    /// last_value).
    pub imputation: Option<String>,
}

/// A bonus or penalty item.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentBody {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// bonus or penalty
    pub kind: String,
    /// Per occurrence, or once when `fixed`.
    pub points: f64,
    pub fixed: bool,
    pub cap: Option<f64>,
}

/// A grade band: by score (`min`), by share of the units (`share`), or the rest.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeBody {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// A score at or above this reaches the band.
    pub min: Option<f64>,
    /// This share of the units (percent) is given the band.
    pub share: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VetoBody {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// A scheme in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeBody {
    #[schema(example = "lanbai_parks")]
    pub code: String,
    /// The version the scheme declares.
    pub version: u32,
    pub name_zh: String,
    pub name_en: String,
    /// The saved version's id (rises with every installation).
    pub saved_id: i64,
    /// Unix seconds.
    pub saved_at: i64,
    pub saved_by: String,
    /// How many versions have been saved.
    pub versions: usize,
    /// Parents before their children, in the order of a walk of the tree.
    pub nodes: Vec<SchemeNodeBody>,
    pub adjustments: Vec<AdjustmentBody>,
    pub vetoes: Vec<VetoBody>,
    /// Best first.
    pub grades: Vec<GradeBody>,
    /// The codes of the items entered per park and year (entered indicators, bonus and
    /// penalty items, vetoes), as `PUT /api/v1/evaluation/inputs` takes them.
    pub inputs: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeListBody {
    pub schemes: Vec<SchemeBody>,
}

fn scheme_body(scheme: &Scheme, record: &SchemeRecord, versions: usize) -> SchemeBody {
    let effective = scheme.effective_weights();
    SchemeBody {
        code: scheme.code.clone(),
        version: scheme.version,
        name_zh: scheme.name_zh.clone(),
        name_en: scheme.name_en.clone(),
        saved_id: record.id,
        saved_at: record.saved_at,
        saved_by: record.saved_by.clone(),
        versions,
        nodes: scheme
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let spec = n.indicator();
                SchemeNodeBody {
                    code: n.code.clone(),
                    zh: n.zh.clone(),
                    en: n.en.clone(),
                    parent: n.parent.map(|p| scheme.nodes[p].code.clone()),
                    depth: n.depth,
                    kind: if n.is_indicator() {
                        "indicator"
                    } else {
                        "dimension"
                    }
                    .to_string(),
                    weight: n.weight,
                    effective_weight: effective[i],
                    aggregation: match &n.kind {
                        NodeKind::Group { aggregation } => Some(aggregation.code().to_string()),
                        NodeKind::Indicator(_) => None,
                    },
                    source: spec.map(|s| {
                        match s.source {
                            Source::Monitoring(_) => "monitoring",
                            Source::Entered => "entered",
                        }
                        .to_string()
                    }),
                    monitoring_indicator: spec.and_then(|s| match &s.source {
                        Source::Monitoring(code) => Some(code.clone()),
                        Source::Entered => None,
                    }),
                    direction: spec.map(|s| s.direction.code().to_string()),
                    method: spec.map(|s| s.method.code().to_string()),
                    denominator: spec.and_then(|s| s.denominator.clone()),
                    imputation: spec.and_then(|s| {
                        s.imputation.map(|how| {
                            serde_json::to_value(how)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default()
                        })
                    }),
                }
            })
            .collect(),
        adjustments: scheme
            .adjustments
            .iter()
            .map(|a| AdjustmentBody {
                code: a.code.clone(),
                zh: a.zh.clone(),
                en: a.en.clone(),
                kind: match a.kind {
                    AdjustmentKind::Bonus => "bonus",
                    AdjustmentKind::Penalty => "penalty",
                }
                .to_string(),
                points: a.points,
                fixed: a.fixed,
                cap: a.cap,
            })
            .collect(),
        vetoes: scheme
            .vetoes
            .iter()
            .map(|v| VetoBody {
                code: v.code.clone(),
                zh: v.zh.clone(),
                en: v.en.clone(),
            })
            .collect(),
        grades: scheme
            .grades
            .bands
            .iter()
            .map(|b| GradeBody {
                code: b.code.clone(),
                zh: b.zh.clone(),
                en: b.en.clone(),
                min: match b.rule {
                    BandRule::Min(m) => Some(m),
                    _ => None,
                },
                share: match b.rule {
                    BandRule::Share(s) => Some(s),
                    _ => None,
                },
            })
            .collect(),
        inputs: scheme
            .input_items()
            .into_iter()
            .map(|(_, c)| c.to_string())
            .collect(),
    }
}

/// Every scheme in force (the latest version of each), as a tree with each node's
/// effective weight.
#[utoipa::path(
    get,
    path = "/api/v1/evaluation/schemes",
    operation_id = "list_evaluation_schemes",
    tag = "evaluation",
    responses(
        (status = 200, description = "The schemes in force, by code", body = SchemeListBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Enterprise filers and the public do not read evaluation", body = ErrorJson),
    )
)]
pub async fn list_schemes(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SchemeListBody>, WebError> {
    may_read(&user.principal)?;
    let schemes = schemes_with_version_counts(state.store())
        .await?
        .iter()
        .map(|(scheme, record, versions)| scheme_body(scheme, record, *versions))
        .collect();
    Ok(Json(SchemeListBody { schemes }))
}

// ------------------------------------------------------------------ runs

/// A kept run: a scheme version applied to the parks of a scope for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunSummaryBody {
    pub id: i64,
    #[schema(example = "lanbai_parks")]
    pub scheme: String,
    /// The saved scheme version that was run.
    pub scheme_version: i64,
    #[schema(example = "2018")]
    pub period: String,
    /// The code of the unit whose parks were evaluated.
    #[schema(example = "LB")]
    pub scope: String,
    /// approved (approved filings only) or all
    pub basis: String,
    /// Unix seconds.
    pub created_at: i64,
    pub created_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunListBody {
    /// Newest first.
    pub runs: Vec<RunSummaryBody>,
}

fn summary_body(r: &EvaluationRunSummary, hierarchy: &Hierarchy) -> RunSummaryBody {
    RunSummaryBody {
        id: r.id,
        scheme: r.scheme.clone(),
        scheme_version: r.scheme_version,
        period: r.period.to_string(),
        scope: hierarchy
            .unit(r.scope)
            .map_or_else(|| r.scope.0.to_string(), |u| u.code.to_string()),
        basis: r.basis.clone(),
        created_at: r.created_at,
        created_by: r.created_by.clone(),
    }
}

/// The kept runs the caller may read something of, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/evaluation/runs",
    operation_id = "list_evaluation_runs",
    tag = "evaluation",
    responses(
        (status = 200, description = "The runs the caller may read", body = RunListBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Enterprise filers and the public do not read evaluation", body = ErrorJson),
    )
)]
pub async fn list_runs(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<RunListBody>, WebError> {
    may_read(&user.principal)?;
    let hierarchy = state.hierarchy().await?;
    let runs = visible_runs(state.store(), &hierarchy, &user.principal).await?;
    Ok(Json(RunListBody {
        runs: runs.iter().map(|r| summary_body(r, &hierarchy)).collect(),
    }))
}

/// One park's result in a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunUnitBody {
    #[schema(example = "LB-GX-YT")]
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// Share of the scheme's indicators the park had values for.
    pub availability: f64,
    /// Whether it passed the scheme's availability threshold (else it has no score).
    pub included: bool,
    /// The top-level aggregate before bonus and penalty.
    pub aggregate: Option<f64>,
    pub bonus: Option<f64>,
    pub penalty: Option<f64>,
    pub total: Option<f64>,
    /// 1 is the best.
    pub rank: Option<u32>,
    /// The grade band's code.
    pub grade: Option<String>,
    pub vetoed: bool,
    /// Every node's score by its code.
    pub scores: BTreeMap<String, Option<f64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunBody {
    pub run: RunSummaryBody,
    /// Whether the caller sees every park of the run (else only its own).
    pub sees_all: bool,
    /// How many parks the run evaluated.
    pub units_total: usize,
    /// The parks the caller may see, best rank first.
    pub units: Vec<RunUnitBody>,
}

/// A kept run's results: every park when the caller sees the run's scope, else only
/// the parks the caller is bound to.
#[utoipa::path(
    get,
    path = "/api/v1/evaluation/runs/{id}",
    operation_id = "show_evaluation_run",
    tag = "evaluation",
    params(("id" = i64, Path, description = "The run's id")),
    responses(
        (status = 200, description = "The run's results the caller may see", body = RunBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller sees no park of the run, or does not read evaluation", body = ErrorJson),
        (status = 404, description = "No such run", body = ErrorJson),
    )
)]
pub async fn show_run(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<RunBody>, WebError> {
    may_read(&user.principal)?;
    let id = parse_id(&id)?;
    let hierarchy = state.hierarchy().await?;
    let view = run_view(state.store(), &hierarchy, &user.principal, id).await?;
    let kept = &view.run;
    let units = view
        .visible
        .iter()
        .map(|&u| {
            let unit = &kept.inputs.units[u];
            let outcome = &kept.outcome.units[u];
            RunUnitBody {
                code: unit.code.clone(),
                name_zh: unit.name_zh.clone(),
                name_en: unit.name_en.clone(),
                availability: outcome.availability,
                included: outcome.included,
                aggregate: outcome.aggregate,
                bonus: outcome.bonus,
                penalty: outcome.penalty,
                total: outcome.total,
                rank: outcome.rank,
                grade: outcome.grade.clone(),
                vetoed: outcome.vetoed,
                scores: kept
                    .outcome
                    .nodes
                    .iter()
                    .cloned()
                    .zip(outcome.scores.iter().copied())
                    .collect(),
            }
        })
        .collect();
    Ok(Json(RunBody {
        run: summary_body(&kept.summary, &hierarchy),
        sees_all: view.sees_all,
        units_total: kept.inputs.units.len(),
        units,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RunRequest {
    /// The scheme's code; its version in force is run.
    #[schema(example = "lanbai_parks")]
    pub scheme: String,
    /// The code of the unit whose parks are evaluated.
    #[schema(example = "LB")]
    pub scope: String,
    #[schema(example = 2018)]
    pub year: i32,
    /// approved (the default: approved filings only) or all
    pub basis: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluatedBody {
    pub run: RunSummaryBody,
    /// False when nothing had changed since the last run of the same scheme, scope,
    /// basis and year, which is given back.
    pub created: bool,
}

/// Runs a scheme over the parks of a scope for a year and keeps the run. Running again
/// on unchanged data gives back the run already kept. Zone staff and evaluators for the
/// scope they enter values for, and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/evaluation/runs",
    operation_id = "create_evaluation_run",
    tag = "evaluation",
    request_body = RunRequest,
    responses(
        (status = 201, description = "A new run kept", body = EvaluatedBody),
        (status = 200, description = "Nothing changed: the run already kept", body = EvaluatedBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not run evaluations for the scope (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such scheme, or no park below the scope", body = ErrorJson),
        (status = 422, description = "Unknown unit, a basis that does not parse, or the scheme cannot be run on the values", body = ErrorJson),
    )
)]
pub async fn create_run(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(body): JsonBody<RunRequest>,
) -> Result<(StatusCode, Json<EvaluatedBody>), WebError> {
    let basis = match body.basis.as_deref().map(str::trim) {
        None | Some("") | Some("approved") => Basis::Approved,
        Some("all") => Basis::IncludingUnapproved,
        Some(other) => {
            return Err(WebError::BadRequest(Problem::Key(
                "evaluation.setup.api.bad_basis",
                vec![("value", other.to_string())],
            )));
        }
    };
    let hierarchy = state.hierarchy().await?;
    let scope = hierarchy
        .unit_by_code(body.scope.trim())
        .map(|u| u.id)
        .ok_or_else(|| {
            WebError::from(AppError::UnknownReference {
                entity: "unit",
                key: body.scope.trim().to_string(),
            })
        })?;
    let done = evaluate(
        state.store(),
        &state.monitor,
        &user.principal,
        body.scheme.trim(),
        scope,
        Period::Year(body.year),
        basis,
    )
    .await?;
    Ok((
        if done.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(EvaluatedBody {
            run: summary_body(&done.run, &hierarchy),
            created: done.created,
        }),
    ))
}

// ------------------------------------------------------------------ inputs

#[derive(Debug, Deserialize, ToSchema)]
pub struct InputRequest {
    /// The park's code.
    #[schema(example = "LB-GX-YT")]
    pub unit: String,
    #[schema(example = 2018)]
    pub year: i32,
    /// An item of the scheme: an entered indicator, a bonus or penalty item (a count of
    /// occurrences) or a veto item (1 when it occurred, else 0).
    #[schema(example = "signed_investment")]
    pub item: String,
    /// Null clears the value (the earlier entries stay in its history).
    pub value: Option<f64>,
    /// Where the value comes from.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InputsRequest {
    #[schema(example = "lanbai_parks")]
    pub scheme: String,
    pub entries: Vec<InputRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InputsBody {
    /// How many entries were recorded.
    pub recorded: u64,
}

/// The body of a refusal with located problems: the shape of `ErrorJson`.
#[derive(Serialize)]
struct Refusal {
    error: &'static str,
    message: String,
    issues: Vec<IssueJson>,
}

/// Enters values for a scheme in force: all or nothing. Every entry is checked first
/// (the item is the scheme's, occurrences are whole numbers, a veto is 1 or 0, the park
/// is one the caller enters for); any problem refuses them all, each problem given with
/// its entry (`row`, from 1), park and item. Every entry is kept. Zone staff within their
/// zone, evaluators for the parks they are bound to, and administrators.
#[utoipa::path(
    put,
    path = "/api/v1/evaluation/inputs",
    operation_id = "put_evaluation_inputs",
    tag = "evaluation",
    request_body = InputsRequest,
    responses(
        (status = 200, description = "Every entry recorded", body = InputsBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller does not enter values (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such scheme", body = ErrorJson),
        (status = 422, description = "Entries that cannot be taken, each located by its entry, park and item; nothing is recorded", body = ErrorJson),
    )
)]
pub async fn put_inputs(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    JsonBody(body): JsonBody<InputsRequest>,
) -> Result<Response, WebError> {
    if !matches!(
        user.principal.role,
        Role::Administrator | Role::ZoneStaff | Role::Evaluator
    ) {
        return Err(WebError::Forbidden);
    }
    let entries: Vec<InputEntry> = body
        .entries
        .iter()
        .map(|e| InputEntry {
            unit: e.unit.trim().to_string(),
            period: Period::Year(e.year),
            item: e.item.trim().to_string(),
            value: e.value,
            note: e
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        })
        .collect();
    match record_inputs(state.store(), &user.principal, body.scheme.trim(), &entries).await {
        Ok(recorded) => Ok(Json(InputsBody { recorded }).into_response()),
        Err(AppError::EvaluationInputs(issues)) => {
            let located = issues
                .iter()
                .map(|i| {
                    let row = entries
                        .iter()
                        .position(|e| e.unit == i.unit && e.item == i.item && e.period == i.period)
                        .map_or(0, |p| p + 1);
                    IssueJson {
                        sheet: None,
                        row,
                        column: None,
                        field: Some(i.item.clone()),
                        location: location(lang, row, &i.unit, i.period),
                        message: i.localize(lang),
                    }
                })
                .collect::<Vec<_>>();
            let body = Refusal {
                error: "invalid_input",
                message: lang.t_with(
                    "evaluation.setup.api.inputs_refused",
                    &[("count", located.len().to_string())],
                ),
                issues: located,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn location(lang: Lang, row: usize, unit: &str, period: Period) -> String {
    lang.t_with(
        "evaluation.setup.api.entry",
        &[
            ("row", row.to_string()),
            ("unit", unit.to_string()),
            (
                "period",
                if lang.is_english() {
                    period.label_en()
                } else {
                    period.label_zh()
                },
            ),
        ],
    )
}
