//! The OpenAPI document of the JSON API, served at `/api/openapi.json`. Every handler of
//! `routes::api` is listed here with its `#[utoipa::path]`; the API tests check that the
//! document names every route.

use axum::Json;
use axum::response::Html;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api::{
    ImportReportBody, audit, cultivation, enterprises, evaluation, monitoring, reporting, sessions,
    transfer, units, users,
};
use crate::error::{ErrorJson, IssueJson};

/// The bearer token of `POST /api/v1/sessions`, and the session cookie of the pages.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token returned by POST /api/v1/sessions."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "iz_session",
                "The session cookie of the pages. Requests that change something must also send the session's CSRF token (GET /api/v1/me) in the X-CSRF-Token header.",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "innozone API",
        version = "1",
        description = "The JSON API of the innozone platform: the registry of the zone's units and enterprises, \
imports and exports, accounts and the audit log. Every user reads and writes only inside the node of the \
hierarchy their account is bound to. Errors have the body `ErrorJson`, with the message in the language of \
the `Accept-Language` header (Chinese by default, English with `en`). Imports are all or nothing: a 422 \
lists every located issue and nothing is written."
    ),
    paths(
        sessions::create,
        sessions::delete_current,
        sessions::me,
        sessions::change_password,
        units::list,
        units::show,
        units::import,
        enterprises::list,
        enterprises::show,
        enterprises::update,
        enterprises::import,
        transfer::import,
        transfer::export,
        transfer::template,
        users::list,
        users::create,
        users::update,
        audit::list,
        audit::reads,
        reporting::list_forms,
        reporting::show_form,
        reporting::install,
        reporting::list_periods,
        reporting::open,
        reporting::close,
        reporting::show_completeness,
        reporting::upload,
        reporting::show_filing,
        reporting::put_filing,
        reporting::take_action,
        reporting::revisions,
        monitoring::show_catalogue,
        monitoring::install,
        monitoring::values,
        monitoring::list_statistics,
        monitoring::put_statistic,
        evaluation::list_schemes,
        evaluation::list_runs,
        evaluation::show_run,
        evaluation::create_run,
        evaluation::put_inputs,
        cultivation::show_ladder,
        cultivation::list_candidates,
        cultivation::list_warnings,
        cultivation::show_pool,
        cultivation::list_expiring,
        cultivation::enterprise_recognitions,
        cultivation::create_recognition,
        cultivation::enterprise_tier_checks,
    ),
    components(schemas(
        ErrorJson,
        IssueJson,
        ImportReportBody,
        sessions::LoginRequest,
        sessions::PasswordChange,
        sessions::SessionBody,
        sessions::MeBody,
        sessions::Permissions,
        units::UnitBody,
        units::UnitOverviewBody,
        units::ChildBody,
        units::FiguresBody,
        units::MembershipBody,
        enterprises::EnterpriseBody,
        enterprises::EnterpriseListBody,
        enterprises::EnterpriseDetailBody,
        enterprises::UnitRef,
        enterprises::LocationBody,
        enterprises::RecognitionBody,
        transfer::UploadForm,
        transfer::FileBytes,
        users::UserBody,
        users::NewUserRequest,
        users::CreatedUserBody,
        users::UpdateUserRequest,
        audit::AuditEntryBody,
        audit::AuditListBody,
        audit::ReadEntryBody,
        audit::ReadListBody,
        reporting::FormBody,
        reporting::FieldGroupBody,
        reporting::FieldBody,
        reporting::RuleBody,
        reporting::FormDefinitionRequest,
        reporting::PeriodBody,
        reporting::OpenPeriodRequest,
        reporting::ClosePeriodRequest,
        reporting::ClosedBody,
        reporting::CountsBody,
        reporting::ParkCountsBody,
        reporting::MissingBody,
        reporting::CompletenessBody,
        reporting::FindingBody,
        reporting::FilingBody,
        reporting::FilingRequest,
        reporting::ActionName,
        reporting::ActionRequest,
        reporting::ChangeBody,
        reporting::RevisionBody,
        reporting::FilingUploadBody,
        monitoring::CatalogueBody,
        monitoring::CatalogueRequest,
        monitoring::StatisticDefinitionBody,
        monitoring::IndicatorBody,
        monitoring::ValuesBody,
        monitoring::IndicatorValueBody,
        monitoring::UnavailableBody,
        monitoring::TargetBody,
        monitoring::TargetPointBody,
        monitoring::StatisticsBody,
        monitoring::UnitStatisticsBody,
        monitoring::StatisticValueBody,
        monitoring::StatisticRequest,
        monitoring::StatisticEntryBody,
        evaluation::SchemeListBody,
        evaluation::SchemeBody,
        evaluation::SchemeNodeBody,
        evaluation::AdjustmentBody,
        evaluation::VetoBody,
        evaluation::GradeBody,
        evaluation::RunListBody,
        evaluation::RunSummaryBody,
        evaluation::RunBody,
        evaluation::RunUnitBody,
        evaluation::RunRequest,
        evaluation::EvaluatedBody,
        evaluation::InputsRequest,
        evaluation::InputRequest,
        evaluation::InputsBody,
        cultivation::LadderBody,
        cultivation::TierBody,
        cultivation::CriterionBody,
        cultivation::CandidateListBody,
        cultivation::CandidateBody,
        cultivation::CriterionResultBody,
        cultivation::PoolBody,
        cultivation::PoolYearBody,
        cultivation::PoolCountBody,
        cultivation::PoolChildBody,
        cultivation::PoolTargetBody,
        cultivation::PoolTargetRowBody,
        cultivation::RecognitionRecordBody,
        cultivation::EnterpriseLadderBody,
        cultivation::NewRecognitionBody,
        cultivation::ExpiringListBody,
        cultivation::ExpiringBody,
        cultivation::EnterpriseChecksBody,
        cultivation::TierCheckBody,
    )),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("session_cookie" = [])),
    tags(
        (name = "sessions", description = "Log-in, log-out and the signed-in user"),
        (name = "units", description = "The dated hierarchy of the zone"),
        (name = "enterprises", description = "The enterprises of the registry"),
        (name = "files", description = "Imports from xlsx or CSV, exports and templates"),
        (name = "users", description = "Accounts, their role and node"),
        (name = "audit", description = "Who changed what, and the record before and after"),
        (name = "reporting", description = "Direct reporting (一套表): forms, periods, filings, review, closing, revisions, completeness, uploads"),
        (name = "monitoring", description = "Statistical monitoring (统计监测): the indicator catalogue, indicator values against targets, unit statistics"),
        (name = "evaluation", description = "Evaluation (考核评价): schemes, values entered per park and year, runs kept once and their results"),
        (name = "cultivation", description = "Enterprise cultivation (梯度培育): the ladder of tiers, candidate and warning lists checked on the filings, the pool with its targets, recognitions and certificates expiring soon"),
    )
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The API reference at `/api/docs`: the OpenAPI document drawn by Redoc, which is vendored
/// under `assets/vendor` (with its licence and notices) so that the page works without
/// the internet, as the rest of the platform does.
const REFERENCE_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>innozone API</title>
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="/api/openapi.json" hide-hostname="true" sort-operations-alphabetically="false"></redoc>
<script src="/assets/vendor/redoc.standalone.js"></script>
</body>
</html>
"#;

pub async fn reference() -> Html<&'static str> {
    Html(REFERENCE_PAGE)
}
