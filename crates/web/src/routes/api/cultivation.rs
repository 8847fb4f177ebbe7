//! Enterprise cultivation (梯度培育): the ladder of tiers in force, the candidate and
//! warning lists of a tier, the pool of a unit with its targets, certificates expiring
//! soon, and an enterprise's recognitions (read, and one entered with the import's
//! checks). The same use cases as the pages decide who may see and change what.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use innozone_app::clock::today;
use innozone_app::cultivation::checks::enterprise_checks;
use innozone_app::cultivation::ladder::current_ladder;
use innozone_app::cultivation::pool::{Pool, pool, pool_unit, targets_in_force};
use innozone_app::cultivation::recognitions::{add_months, enter_recognition, expiring, ladder};
use innozone_app::cultivation::{CandidateList, CriterionLine, candidates, warnings};
use innozone_domain::cultivation::Test;
use innozone_domain::registry::{EnterpriseId, Hierarchy, Tier};
use innozone_store::RecognitionRecord;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::{ImportReportBody, JsonBody, Params, clean, parse_id};
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::state::AppState;

/// A tier by its code or Chinese name (`Tier::parse`), or an invalid-input error naming
/// the codes there are.
fn parse_tier(code: Option<&str>) -> Result<Tier, WebError> {
    let code = code.unwrap_or("");
    Tier::parse(code).ok_or_else(|| {
        WebError::BadRequest(Problem::Key(
            "api.bad_tier",
            vec![
                ("value", code.trim().to_string()),
                ("tiers", Tier::ALL.map(|t| t.code()).join(", ")),
            ],
        ))
    })
}

/// A year from 2000 to 2100, or last year when absent.
fn parse_year(year: Option<i32>) -> Result<i32, WebError> {
    match year {
        None => Ok(today().year() - 1),
        Some(y) if (2000..=2100).contains(&y) => Ok(y),
        Some(y) => Err(WebError::BadRequest(Problem::Key(
            "api.bad_year",
            vec![("value", y.to_string())],
        ))),
    }
}

fn parse_date(text: &str) -> Result<Date, WebError> {
    Date::parse(
        text.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| {
        WebError::BadRequest(Problem::Key(
            "api.bad_date",
            vec![("value", text.to_string())],
        ))
    })
}

// ------------------------------------------------------------------- ladder

/// A criterion of a tier.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionBody {
    #[schema(example = "rd_intensity")]
    pub code: String,
    pub zh: String,
    pub en: String,
    /// The document and article it comes from.
    pub basis: String,
    /// Decided by a review, never by the data.
    pub qualitative: bool,
    /// A quantitative rule computed on a lower bound of what it counts: the filings can
    /// show it met, not missed.
    pub confirm_only: bool,
    pub description: Option<String>,
}

/// A tier of the ladder in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierBody {
    #[schema(example = "high_tech")]
    pub tier: String,
    /// Position in the ladder, from 1 at the bottom.
    pub level: u32,
    pub zh: String,
    pub en: String,
    pub authority: String,
    /// How long a recognition is valid; absent: no expiry.
    pub valid_years: Option<u32>,
    /// Tiers an enterprise must hold first.
    pub requires: Vec<String>,
    pub criteria: Vec<CriterionBody>,
}

/// The ladder of tiers in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct LadderBody {
    /// The version the file declares.
    pub version: u32,
    /// The form its criteria read, and its version.
    pub form_code: String,
    pub form_version: u32,
    /// false when no version is installed and the shipped ladder is in force.
    pub installed: bool,
    pub installed_by: Option<String>,
    /// Unix seconds.
    pub installed_at: Option<i64>,
    pub tiers: Vec<TierBody>,
}

/// The ladder of tiers in force, with every tier's criteria.
#[utoipa::path(
    get,
    path = "/api/v1/cultivation/ladder",
    operation_id = "show_tier_ladder",
    tag = "cultivation",
    responses(
        (status = 200, description = "The ladder in force", body = LadderBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 404, description = "No annual form installed for the criteria to read", body = ErrorJson),
    )
)]
pub async fn show_ladder(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<LadderBody>, WebError> {
    let ladder = current_ladder(state.store()).await?;
    let tiers = ladder
        .set
        .tiers
        .iter()
        .map(|t| TierBody {
            tier: t.tier.code().to_string(),
            level: t.level,
            zh: t.zh.clone(),
            en: t.en.clone(),
            authority: t.authority.clone(),
            valid_years: t.valid_years,
            requires: t.requires.iter().map(|r| r.code().to_string()).collect(),
            criteria: t
                .criteria
                .iter()
                .map(|c| CriterionBody {
                    code: c.code.clone(),
                    zh: c.zh.clone(),
                    en: c.en.clone(),
                    basis: c.basis.clone(),
                    qualitative: matches!(c.test, Test::Qualitative),
                    confirm_only: matches!(&c.test, Test::Quantitative(q) if q.confirm_only),
                    description: c.description.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(LadderBody {
        version: ladder.set.version,
        form_code: ladder.form.code.clone(),
        form_version: ladder.form.version,
        installed: ladder.installed.is_some(),
        installed_by: ladder.installed.as_ref().map(|i| i.installed_by.clone()),
        installed_at: ladder.installed.as_ref().map(|i| i.installed_at),
        tiers,
    }))
}

// ---------------------------------------------------------- candidate lists

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The tier's code (tech_sme, innovative_sme, specialised_sme, little_giant,
    /// high_tech, gazelle, unicorn, single_champion, leading).
    pub tier: Option<String>,
    /// The year whose filings are checked (with the two before); last year by default.
    pub year: Option<i32>,
    /// Candidates only: the largest relative gap to a missed threshold still listed,
    /// 0.2 (20 %) by default, 0 to 10.
    pub distance: Option<f64>,
}

/// One criterion's result for an enterprise.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionResultBody {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// met, missed, unconfirmed, undecidable or qualitative
    #[schema(example = "missed")]
    pub outcome: String,
    /// What the filings show against what is needed, in Chinese and English.
    #[schema(example = "研发费用占比 3.6%，需 4%：差 120 万元")]
    pub text_zh: String,
    pub text_en: String,
    /// In the criterion's unit (percent, 千元 …).
    pub measure: Option<f64>,
    pub threshold: Option<f64>,
    /// How much is missing, in the criterion's shortfall unit.
    pub shortfall: Option<f64>,
}

/// An enterprise on a candidate or warning list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateBody {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    /// The park it is located in at the end of the year.
    pub park: String,
    pub park_name: String,
    /// met, met_review, unconfirmed or missed
    pub status: String,
    /// The largest relative gap to a missed threshold (0 when none is missed).
    pub distance: Option<f64>,
    pub criteria: Vec<CriterionResultBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateListBody {
    pub tier: String,
    pub tier_zh: String,
    pub year: i32,
    /// The distance asked for (0 for a warning list).
    pub max_distance: f64,
    pub ladder_version: u32,
    pub form_version: u32,
    pub entries: Vec<CandidateBody>,
}

fn criterion_body(l: CriterionLine) -> CriterionResultBody {
    CriterionResultBody {
        code: l.code,
        zh: l.zh,
        en: l.en,
        outcome: l.outcome.to_string(),
        text_zh: l.text_zh,
        text_en: l.text_en,
        measure: l.measure,
        threshold: l.threshold,
        shortfall: l.shortfall,
    }
}

fn list_body(list: CandidateList, hierarchy: &Hierarchy) -> CandidateListBody {
    CandidateListBody {
        tier: list.tier.code().to_string(),
        tier_zh: list.tier_zh,
        year: list.year,
        max_distance: list.max_distance,
        ladder_version: list.ladder_version,
        form_version: list.form_version,
        entries: list
            .entries
            .into_iter()
            .map(|c| CandidateBody {
                enterprise_id: c.enterprise.0,
                name: c.name,
                credit_code: c.credit_code,
                park: hierarchy
                    .unit(c.park)
                    .map_or_else(String::new, |u| u.code.as_str().to_string()),
                park_name: c.park_name,
                status: c.status.to_string(),
                distance: c.distance,
                criteria: c.criteria.into_iter().map(criterion_body).collect(),
            })
            .collect(),
    }
}

/// The candidate list of a tier (培育对象): enterprises the caller may see that do not
/// hold the tier at the end of the year and whose filings meet it or miss it by at most
/// `distance`, meeting first, then by distance.
#[utoipa::path(
    get,
    path = "/api/v1/cultivation/candidates",
    operation_id = "list_tier_candidates",
    tag = "cultivation",
    params(ListParams),
    responses(
        (status = 200, description = "The candidates, each criterion's result in words", body = CandidateListBody),
        (status = 422, description = "An unknown tier, a year outside 2000–2100", body = ErrorJson),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Filers, evaluators and the public do not read the lists", body = ErrorJson),
    )
)]
pub async fn list_candidates(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListParams>,
) -> Result<Json<CandidateListBody>, WebError> {
    let tier = parse_tier(q.tier.as_deref())?;
    let year = parse_year(q.year)?;
    let distance = match q.distance {
        None => 0.2,
        Some(d) if d.is_finite() && (0.0..=10.0).contains(&d) => d,
        Some(d) => {
            return Err(WebError::BadRequest(Problem::Key(
                "api.bad_distance",
                vec![("value", d.to_string())],
            )));
        }
    };
    let hierarchy = state.hierarchy().await?;
    let list = candidates(
        state.store(),
        &hierarchy,
        &user.principal,
        tier,
        year,
        distance,
    )
    .await?;
    Ok(Json(list_body(list, &hierarchy)))
}

/// The warning list of a tier (预警): enterprises the caller may see holding the tier at
/// the end of the year whose filings miss one of its quantitative criteria.
#[utoipa::path(
    get,
    path = "/api/v1/cultivation/warnings",
    operation_id = "list_tier_warnings",
    tag = "cultivation",
    params(ListParams),
    responses(
        (status = 200, description = "The holders whose filings now miss a criterion", body = CandidateListBody),
        (status = 422, description = "An unknown tier, a year outside 2000–2100", body = ErrorJson),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Filers, evaluators and the public do not read the lists", body = ErrorJson),
    )
)]
pub async fn list_warnings(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListParams>,
) -> Result<Json<CandidateListBody>, WebError> {
    let tier = parse_tier(q.tier.as_deref())?;
    let year = parse_year(q.year)?;
    let hierarchy = state.hierarchy().await?;
    let list = warnings(state.store(), &hierarchy, &user.principal, tier, year).await?;
    Ok(Json(list_body(list, &hierarchy)))
}

// --------------------------------------------------------------------- pool

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PoolParams {
    /// The unit's code; the caller's own unit by default.
    pub unit: Option<String>,
    /// First year; ten years before `to` by default.
    pub from: Option<i32>,
    /// Last year; last year by default.
    pub to: Option<i32>,
}

/// One tier's figures in one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolCountBody {
    pub tier: String,
    /// Holders of a valid recognition located in the unit or below on 31 December.
    pub count: u32,
    /// Holders that were not a year before (recognised, or moved in).
    pub entered: u32,
    /// Holders a year before that are no longer (lapsed, or moved out).
    pub left: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PoolYearBody {
    pub year: i32,
    pub tiers: Vec<PoolCountBody>,
}

/// A target point of a tier with the actual.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolTargetRowBody {
    pub year: i32,
    pub baseline: bool,
    pub target: f64,
    pub actual: Option<u32>,
    /// target − actual: how many are still missing (negative when ahead).
    pub gap: Option<f64>,
    /// on_track, behind or seriously_behind
    pub status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PoolTargetBody {
    pub tier: String,
    /// The monitoring indicator whose targets these are.
    pub indicator: String,
    pub source: Option<String>,
    pub rows: Vec<PoolTargetRowBody>,
}

/// A unit directly below, with its counts at the end of the last year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolChildBody {
    pub unit: String,
    pub name: String,
    /// By tier code.
    pub counts: std::collections::BTreeMap<String, u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PoolBody {
    pub unit: String,
    pub name: String,
    pub years: Vec<PoolYearBody>,
    pub children: Vec<PoolChildBody>,
    pub targets: Vec<PoolTargetBody>,
}

fn pool_body(p: Pool) -> PoolBody {
    let code = |i: usize| Tier::ALL[i].code().to_string();
    PoolBody {
        unit: p.code,
        name: p.name,
        years: p
            .years
            .iter()
            .map(|y| PoolYearBody {
                year: y.year,
                tiers: (0..Tier::ALL.len())
                    .map(|i| PoolCountBody {
                        tier: code(i),
                        count: y.counts[i],
                        entered: y.entered[i],
                        left: y.left[i],
                    })
                    .collect(),
            })
            .collect(),
        children: p
            .children
            .into_iter()
            .map(|c| PoolChildBody {
                unit: c.code,
                name: c.name,
                counts: c
                    .counts
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (code(i), *n))
                    .collect(),
            })
            .collect(),
        targets: p
            .targets
            .into_iter()
            .map(|t| PoolTargetBody {
                tier: t.tier.code().to_string(),
                indicator: t.indicator,
                source: t.source,
                rows: t
                    .rows
                    .into_iter()
                    .map(|r| PoolTargetRowBody {
                        year: r.year,
                        baseline: r.baseline,
                        target: r.target,
                        actual: r.actual,
                        gap: r.gap,
                        status: r.status.map(str::to_string),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The cultivation pool (培育库) of a unit: counts by tier and year with what entered and
/// left, the units directly below for the last year, and each tier's targets with the
/// gap.
#[utoipa::path(
    get,
    path = "/api/v1/cultivation/pool",
    operation_id = "show_cultivation_pool",
    tag = "cultivation",
    params(PoolParams),
    responses(
        (status = 200, description = "The pool", body = PoolBody),
        (status = 422, description = "Years outside 2000–2100 or from after to", body = ErrorJson),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The unit is outside the caller's node, or the caller does not read the lists", body = ErrorJson),
        (status = 404, description = "No such unit", body = ErrorJson),
    )
)]
pub async fn show_pool(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<PoolParams>,
) -> Result<Json<PoolBody>, WebError> {
    let to = parse_year(q.to)?;
    let from = match q.from {
        None => to - 10,
        Some(y) if (2000..=to).contains(&y) => y,
        Some(y) => {
            return Err(WebError::BadRequest(Problem::Key(
                "api.bad_year",
                vec![("value", y.to_string())],
            )));
        }
    };
    let hierarchy = state.hierarchy().await?;
    let unit = pool_unit(&hierarchy, &user.principal, q.unit.as_deref(), today())?;
    let store = state.store();
    let targets = targets_in_force(store).await?;
    let p = pool(
        store,
        &hierarchy,
        targets.as_ref().map(|(c, t)| (t, c)),
        &user.principal,
        unit,
        from..=to,
        today(),
    )
    .await?;
    Ok(Json(pool_body(p)))
}

// ------------------------------------------------------------- recognitions

/// A recognition, current or an earlier version.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionRecordBody {
    pub id: i64,
    pub enterprise_id: i64,
    pub tier: String,
    pub certificate_no: String,
    #[schema(example = "2023-11-24")]
    pub issued_on: String,
    /// Absent: no expiry.
    pub expires_on: Option<String>,
    pub authority: Option<String>,
    /// example, imported or entered
    pub source: String,
    pub recorded_by: String,
    /// Unix seconds.
    pub recorded_at: i64,
    /// Set on an earlier version: who replaced it and when (Unix seconds).
    pub replaced_by: Option<String>,
    pub replaced_at: Option<i64>,
}

fn recognition_body(r: &RecognitionRecord) -> RecognitionRecordBody {
    RecognitionRecordBody {
        id: r.id,
        enterprise_id: r.enterprise.0,
        tier: r.recognition.tier.code().to_string(),
        certificate_no: r.recognition.certificate_no.clone(),
        issued_on: r.recognition.issued_on.to_string(),
        expires_on: r.recognition.expires_on.map(|d| d.to_string()),
        authority: r.authority.clone(),
        source: r.source.code().to_string(),
        recorded_by: r.recorded_by.clone(),
        recorded_at: r.recorded_at,
        replaced_by: r.replaced.as_ref().map(|x| x.by.clone()),
        replaced_at: r.replaced.as_ref().map(|x| x.at),
    }
}

/// An enterprise's position on the ladder today and its recognitions.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseLadderBody {
    pub enterprise_id: i64,
    #[schema(example = "2026-11-23")]
    pub date: String,
    /// The tiers held today, in the ladder's order.
    pub held: Vec<String>,
    /// The highest tier held today.
    pub highest: Option<String>,
    /// Current versions newest issue first; earlier versions after the one that
    /// replaced them.
    pub history: Vec<RecognitionRecordBody>,
}

/// An enterprise's recognitions: the tiers held today and every certificate with its
/// earlier versions.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises/{id}/recognitions",
    operation_id = "list_enterprise_recognitions",
    tag = "cultivation",
    params(("id" = i64, Path, description = "The enterprise's id")),
    responses(
        (status = 200, description = "Held tiers and history", body = EnterpriseLadderBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The enterprise is outside the caller's node", body = ErrorJson),
        (status = 404, description = "No such enterprise", body = ErrorJson),
    )
)]
pub async fn enterprise_recognitions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<EnterpriseLadderBody>, WebError> {
    let id = EnterpriseId(parse_id(&id)?);
    let hierarchy = state.hierarchy().await?;
    let l = ladder(state.store(), &user.principal, &hierarchy, id, today()).await?;
    Ok(Json(EnterpriseLadderBody {
        enterprise_id: id.0,
        date: l.date.to_string(),
        held: l
            .rungs
            .iter()
            .filter(|r| r.held.is_some())
            .map(|r| r.tier.code().to_string())
            .collect(),
        highest: l.highest.map(|t| t.code().to_string()),
        history: l.history.iter().map(recognition_body).collect(),
    }))
}

/// A recognition to enter; to correct a recorded certificate, give its tier and number
/// again with the corrected dates (the earlier version is kept).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecognitionBody {
    #[schema(example = "high_tech")]
    pub tier: String,
    #[schema(example = "GR202362000123")]
    pub certificate_no: String,
    #[schema(example = "2023-11-24")]
    pub issued_on: String,
    /// Absent: no expiry.
    #[schema(example = "2026-11-24")]
    pub expires_on: Option<String>,
    pub authority: Option<String>,
}

/// Enters one recognition of an enterprise with the import's checks (unknown tier,
/// expiry before issue, a certificate number held by another enterprise …), each
/// problem named by field; nothing is written when one is found.
#[utoipa::path(
    post,
    path = "/api/v1/enterprises/{id}/recognitions",
    operation_id = "create_enterprise_recognition",
    tag = "cultivation",
    params(("id" = i64, Path, description = "The enterprise's id")),
    request_body = NewRecognitionBody,
    responses(
        (status = 201, description = "Recorded (created 1), or a correction (updated 1)", body = ImportReportBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not record recognitions of this enterprise (or `csrf`)", body = ErrorJson),
        (status = 404, description = "No such enterprise", body = ErrorJson),
        (status = 422, description = "`invalid_input` with every problem named by field", body = ErrorJson),
    )
)]
pub async fn create_recognition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewRecognitionBody>,
) -> Result<(StatusCode, Json<ImportReportBody>), WebError> {
    let id = EnterpriseId(parse_id(&id)?);
    let hierarchy = state.hierarchy().await?;
    let e = ladder(state.store(), &user.principal, &hierarchy, id, today()).await?;
    if !e.may_record {
        return Err(WebError::Forbidden);
    }
    let fields = [
        ("tier", body.tier),
        ("certificate_no", body.certificate_no),
        ("issued_on", body.issued_on),
        ("expires_on", body.expires_on.unwrap_or_default()),
        ("authority", body.authority.unwrap_or_default()),
    ];
    let report = enter_recognition(state.store(), &user.principal, id, &fields, today()).await?;
    Ok((StatusCode::CREATED, Json(report.into())))
}

// ----------------------------------------------------------------- expiring

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringParams {
    /// The first day (YYYY-MM-DD); today by default.
    pub from: Option<String>,
    /// How many months ahead, 1 to 60; 6 by default.
    pub months: Option<u32>,
}

/// A certificate expiring soon, with its enterprise.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpiringBody {
    pub recognition: RecognitionRecordBody,
    pub credit_code: String,
    pub name: String,
    /// The park it is located in now.
    pub park: Option<String>,
    /// Days from `from` to the expiry.
    pub days_left: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpiringListBody {
    pub from: String,
    pub to: String,
    pub certificates: Vec<ExpiringBody>,
}

/// The current certificates the caller may read that expire from `from` to `months`
/// months later, by expiry.
#[utoipa::path(
    get,
    path = "/api/v1/cultivation/expiring",
    operation_id = "list_expiring_recognitions",
    tag = "cultivation",
    params(ExpiringParams),
    responses(
        (status = 200, description = "The certificates expiring in the window", body = ExpiringListBody),
        (status = 422, description = "A date that is not YYYY-MM-DD, months outside 1–60", body = ErrorJson),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller sees no enterprise", body = ErrorJson),
    )
)]
pub async fn list_expiring(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ExpiringParams>,
) -> Result<Json<ExpiringListBody>, WebError> {
    let from = match clean(&q.from) {
        Some(text) => parse_date(&text)?,
        None => today(),
    };
    let months = match q.months {
        None => 6,
        Some(m) if (1..=60).contains(&m) => m,
        Some(m) => {
            return Err(WebError::BadRequest(Problem::Key(
                "api.bad_months",
                vec![("value", m.to_string())],
            )));
        }
    };
    let hierarchy = state.hierarchy().await?;
    let items = expiring(
        state.store(),
        &user.principal,
        &hierarchy,
        from,
        months,
        today(),
    )
    .await?;
    Ok(Json(ExpiringListBody {
        from: from.to_string(),
        to: add_months(from, months).to_string(),
        certificates: items
            .iter()
            .map(|x| ExpiringBody {
                recognition: recognition_body(&x.record),
                credit_code: x.credit_code.clone(),
                name: x.name.clone(),
                park: x
                    .park
                    .and_then(|p| hierarchy.unit(p))
                    .map(|u| u.code.as_str().to_string()),
                days_left: x.days_left,
            })
            .collect(),
    }))
}

// ------------------------------------------------------ one enterprise's checks

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChecksParams {
    /// The year whose filings are checked (with the two before); last year by default.
    pub year: Option<i32>,
}

/// One tier's result for the enterprise.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierCheckBody {
    pub tier: String,
    pub level: u32,
    /// Holds a valid recognition of the tier at the end of the year.
    pub held: bool,
    /// met, met_review, unconfirmed, undecidable, missed or review_only
    pub status: String,
    /// The largest relative gap of a missed criterion (0 when none is missed).
    pub distance: Option<f64>,
    /// Required tiers not held.
    pub lacks: Vec<String>,
    pub criteria: Vec<CriterionResultBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseChecksBody {
    pub enterprise_id: i64,
    pub year: i32,
    /// Whether a counted (approved) filing is there for the year, the year before and
    /// two years before.
    pub filed: Vec<bool>,
    pub ladder_version: u32,
    pub tiers: Vec<TierCheckBody>,
}

/// One enterprise's year against every tier of the ladder: which quantitative criteria
/// its approved filings meet, which they miss and by how much. The enterprise's own
/// filer may read it too.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises/{id}/tier-checks",
    operation_id = "list_enterprise_tier_checks",
    tag = "cultivation",
    params(("id" = i64, Path, description = "The enterprise's id"), ChecksParams),
    responses(
        (status = 200, description = "Every tier's result", body = EnterpriseChecksBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The enterprise is outside the caller's node", body = ErrorJson),
        (status = 404, description = "No such enterprise", body = ErrorJson),
        (status = 422, description = "A year outside 2000–2100", body = ErrorJson),
    )
)]
pub async fn enterprise_tier_checks(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Params(q): Params<ChecksParams>,
) -> Result<Json<EnterpriseChecksBody>, WebError> {
    let id = EnterpriseId(parse_id(&id)?);
    let year = parse_year(q.year)?;
    let hierarchy = state.hierarchy().await?;
    let checks = enterprise_checks(
        state.store(),
        &hierarchy,
        &user.principal,
        id,
        year,
        today(),
    )
    .await?;
    Ok(Json(EnterpriseChecksBody {
        enterprise_id: id.0,
        year,
        filed: checks.filed.to_vec(),
        ladder_version: checks.ladder_version,
        tiers: checks
            .tiers
            .into_iter()
            .map(|t| TierCheckBody {
                tier: t.tier.code().to_string(),
                level: t.level,
                held: t.held,
                status: t.status.to_string(),
                distance: t.distance,
                lacks: t.lacks.iter().map(|x| x.code().to_string()).collect(),
                criteria: t.criteria.into_iter().map(criterion_body).collect(),
            })
            .collect(),
    }))
}
