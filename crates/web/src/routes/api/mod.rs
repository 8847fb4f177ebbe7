//! The JSON API, version 1: the same use cases as the pages, for programs. Handlers parse
//! the request, let `innozone-app` decide who may do what, and answer with the DTOs of
//! these modules. Every refusal is a `WebError`, rendered as JSON in the request's
//! language by `render_errors` (the `/api/` prefix selects JSON).
//!
//! Authentication: `POST /api/v1/sessions` returns a token for `Authorization: Bearer`.
//! Browsers signed in through the pages may call the API with their session cookie, then
//! requests that change something carry the `X-CSRF-Token` header (`GET /api/v1/me` tells
//! the token).

pub mod accounts;
pub mod cultivation;
pub mod evaluation;
pub mod monitoring;
pub mod registry;
pub mod reporting;

pub use accounts::{audit, sessions, users};
pub use registry::{enterprises, transfer, units};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{delete, get, post, put};
use innozone_app::registry::ImportReport;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{Problem, WebError};
use crate::state::AppState;

/// The most rows one page of a list returns: enough for any screen, small enough that a
/// national registry is never sent in one answer (exports exist for that).
pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sessions", post(sessions::create))
        .route("/sessions/current", delete(sessions::delete_current))
        .route("/me", get(sessions::me))
        .route("/me/password", put(sessions::change_password))
        .route("/units", get(units::list).post(units::import))
        .route("/units/{code}", get(units::show))
        .route(
            "/enterprises",
            get(enterprises::list).post(enterprises::import),
        )
        .route(
            "/enterprises/{id}",
            get(enterprises::show).put(enterprises::update),
        )
        .route("/imports/{what}", post(transfer::import))
        .route("/exports/{file}", get(transfer::export))
        .route("/templates/{file}", get(transfer::template))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", axum::routing::patch(users::update))
        .route("/audit", get(audit::list))
        .route("/audit/reads", get(audit::reads))
        .route(
            "/forms",
            get(reporting::list_forms).post(reporting::install),
        )
        .route("/forms/{code}", get(reporting::show_form))
        .route(
            "/forms/{code}/periods",
            get(reporting::list_periods).post(reporting::open),
        )
        .route(
            "/forms/{code}/periods/{period}/close",
            post(reporting::close),
        )
        .route(
            "/forms/{code}/periods/{period}/completeness",
            get(reporting::show_completeness),
        )
        .route(
            "/forms/{code}/periods/{period}/uploads",
            post(reporting::upload),
        )
        // One name per path segment for the router: `{form}` is the filing's id here.
        .route("/filings/{form}/actions", post(reporting::take_action))
        .route("/filings/{form}/revisions", get(reporting::revisions))
        .route(
            "/filings/{form}/{period}/{credit_code}",
            get(reporting::show_filing).put(reporting::put_filing),
        )
        .route(
            "/monitoring/catalogue",
            get(monitoring::show_catalogue).post(monitoring::install),
        )
        .route("/monitoring/values", get(monitoring::values))
        .route(
            "/monitoring/statistics",
            get(monitoring::list_statistics).put(monitoring::put_statistic),
        )
        .route("/evaluation/schemes", get(evaluation::list_schemes))
        .route(
            "/evaluation/runs",
            get(evaluation::list_runs).post(evaluation::create_run),
        )
        .route("/evaluation/runs/{id}", get(evaluation::show_run))
        .route("/evaluation/inputs", put(evaluation::put_inputs))
        .route("/cultivation/ladder", get(cultivation::show_ladder))
        .route("/cultivation/candidates", get(cultivation::list_candidates))
        .route("/cultivation/warnings", get(cultivation::list_warnings))
        .route("/cultivation/pool", get(cultivation::show_pool))
        .route("/cultivation/expiring", get(cultivation::list_expiring))
        .route(
            "/enterprises/{id}/recognitions",
            get(cultivation::enterprise_recognitions).post(cultivation::create_recognition),
        )
        .route(
            "/enterprises/{id}/tier-checks",
            get(cultivation::enterprise_tier_checks),
        )
        // Unknown paths under /api/v1 answer in JSON like every other error.
        .fallback(|| async { WebError::NotFound })
}

/// A JSON request body whose faults are reported like every other error, in JSON and in
/// the user's language, instead of axum's plain-text rejection; one over the upload limit
/// is refused with 413 as it streams in.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(WebError::too_large(state.limits.upload_bytes))
            }
            Err(rejection) => Err(WebError::BadRequest(Problem::Key(
                "api.bad_body",
                vec![("reason", rejection.body_text())],
            ))),
        }
    }
}

/// A request body as it came (a definition file's text), refused with 413 past the upload
/// limit like every other body.
pub struct RawBody(pub Bytes);

impl FromRequest<AppState> for RawBody {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(RawBody(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(WebError::too_large(state.limits.upload_bytes))
            }
            Err(rejection) => Err(WebError::BadRequest(Problem::Key(
                "api.bad_body",
                vec![("reason", rejection.body_text())],
            ))),
        }
    }
}

/// Query parameters whose faults are reported as a `WebError`.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(WebError::BadRequest(Problem::Key(
                "api.bad_query",
                vec![("reason", rejection.body_text())],
            ))),
        }
    }
}

/// A numeric id in the path; anything else names no record.
pub fn parse_id(text: &str) -> Result<i64, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// Text parameters: blank means absent, as in the pages' filters.
pub fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Offset and limit of a list, checked: a limit outside 1..=500 is refused rather than
/// silently changed, so that a client never takes a short page for the end of the list.
pub fn paging(offset: Option<i64>, limit: Option<i64>) -> Result<(i64, i64), WebError> {
    let offset = offset.unwrap_or(0);
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if offset < 0 {
        return Err(WebError::BadRequest(Problem::Key(
            "api.bad_offset",
            vec![("value", offset.to_string())],
        )));
    }
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(WebError::BadRequest(Problem::Key(
            "api.bad_limit",
            vec![("value", limit.to_string()), ("max", MAX_LIMIT.to_string())],
        )));
    }
    Ok((offset, limit))
}

/// `?dry_run=true` checks an import without writing anything.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DryRun {
    /// Only check the rows and report what would change; nothing is written.
    #[serde(default)]
    pub dry_run: bool,
}

/// Counts of an import, checked only (`dry_run`) or applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportBody {
    /// Whether the import was only checked.
    pub dry_run: bool,
    /// The rows of data read.
    pub rows: usize,
    /// Records created (or that would be).
    pub created: u64,
    /// Records changed, including enterprises moved to another park.
    pub updated: u64,
    /// Rows identical to what is stored.
    pub unchanged: u64,
    /// Units placed under another parent, or enterprises moved to another park.
    pub moved: u64,
}

impl From<ImportReport> for ImportReportBody {
    fn from(r: ImportReport) -> Self {
        ImportReportBody {
            dry_run: r.dry_run,
            rows: r.rows,
            created: r.summary.created,
            updated: r.summary.updated,
            unchanged: r.summary.unchanged,
            moved: r.summary.moved,
        }
    }
}
