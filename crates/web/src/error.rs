//! Errors of the web layer, and the one place where they become HTTP statuses and
//! messages in the user's language. A handler returns `Err(WebError)`; the response
//! carries the error as an extension and `render_errors` turns it into a page, an htmx
//! fragment or JSON, knowing the request's language and path.

use std::sync::Arc;

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use innozone_app::AppError;
use innozone_app::accounts::{LOCK_SECONDS, LoginError, MAX_FAILED_LOGINS};
use innozone_app::issues::Issues;
use innozone_domain::registry::import::ImportIssue;
use innozone_domain::reporting::Form;
use innozone_domain::reporting::intake::IntakeIssue;
use innozone_domain::reporting::lifecycle::LifecycleError;
use innozone_i18n::{Lang, Localize, intake_message, issue_count, issue_location, thousands};
use innozone_store::StoreError;
use serde::Serialize;

use crate::language::language_of;

#[derive(Debug, Clone)]
pub enum WebError {
    /// No valid session: pages send the user to the log-in page, the API answers 401.
    Unauthenticated,
    Forbidden,
    /// The CSRF token of a form or htmx request does not match the session's.
    Csrf,
    NotFound,
    /// A request the user can mend, with its message already localised by the handler's
    /// caller through `Problem`.
    BadRequest(Problem),
    /// The request was made against a state that has changed since (another revision came
    /// first, a newer version was installed) or names something that already exists: 409.
    Conflict(Problem),
    /// An upload over a limit: its body, or what its file unpacks to or holds. The
    /// message names the limit.
    TooLarge(Problem),
    /// An upload or a form with located problems, the first of them listed.
    Import(Arc<Issues<ImportIssue>>),
    /// A filing or a filings upload with located problems (the first of them listed), and
    /// the form they concern.
    Intake(Arc<Issues<IntakeIssue>>, Option<Arc<Form>>),
    Login(Arc<LoginError>),
    /// The account must change its password before anything else: pages go to the change
    /// page, the API answers 403.
    MustChangePassword,
    /// Every password-hashing worker is busy: 429, to be tried again after `retry_after`
    /// seconds.
    Busy {
        retry_after: i64,
    },
    Unavailable(String),
    Internal(String),
}

/// A message chosen by key, localised when the response is rendered.
#[derive(Debug, Clone)]
pub enum Problem {
    Key(&'static str, Vec<(&'static str, String)>),
    App(Arc<AppError>),
}

impl Problem {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Problem::Key(key, args) => lang.t_with(key, args),
            Problem::App(e) => app_message(e, lang),
        }
    }
}

pub fn app_message(e: &AppError, lang: Lang) -> String {
    match e {
        AppError::Forbidden => lang.t("error.forbidden"),
        AppError::NotFound { entity, key } => lang.t_with(
            "error.not_found_entity",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        AppError::Import(issues) => issue_count(lang, "error.import", issues.len(), issues.total()),
        AppError::File(reason) => lang.t_with("error.file", &[("reason", reason.clone())]),
        AppError::Read(e) => e.localize(lang),
        AppError::SearchTooLong { length, limit } => lang.t_with(
            "search.too_long",
            &[
                ("length", thousands(*length as u64)),
                ("limit", limit.to_string()),
            ],
        ),
        AppError::UnknownReference { entity, key } => lang.t_with(
            "error.unknown_reference",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        AppError::CreditCode(c) => c.localize(lang),
        AppError::Credential(c) => c.localize(lang),
        AppError::Binding(b) => b.localize(lang),
        AppError::Store(s) => store_message(s, lang),
        AppError::Hashing => lang.t("error.internal"),
        AppError::Busy { retry_after } => busy_message(*retry_after, lang),
        AppError::WrongPassword => lang.t("account.wrong_current"),
        AppError::Form(e) => e.localize(lang),
        AppError::Catalogue(e) => e.localize(lang),
        AppError::Targets(e) => e.localize(lang),
        AppError::Statistics(issues) => {
            let mut listed = issues
                .iter()
                .map(|i| i.localize(lang))
                .collect::<Vec<_>>()
                .join("；");
            if issues.hidden() > 0 {
                listed.push_str(&lang.t_with(
                    "issues.shown_first",
                    &[
                        ("shown", thousands(issues.len() as u64)),
                        ("total", thousands(issues.total() as u64)),
                    ],
                ));
            }
            listed
        }
        AppError::Period(e) => e.localize(lang),
        AppError::WrongPeriodType { form, period } => lang.t_with(
            "period.wrong_type",
            &[("form", form.clone()), ("period", period.clone())],
        ),
        AppError::Intake { issues, .. } => {
            issue_count(lang, "error.import", issues.len(), issues.total())
        }
        AppError::Lifecycle(e) => e.localize(lang),
        AppError::Scheme(e) => e.localize(lang),
        AppError::EvaluationInputs(issues) => issues
            .iter()
            .map(|i| i.localize(lang))
            .collect::<Vec<_>>()
            .join("；"),
        AppError::EvaluationRun(e) => e.localize(lang),
        AppError::EvaluationData(issues) => issues
            .iter()
            .map(|i| i.localize(lang))
            .collect::<Vec<_>>()
            .join("；"),
        AppError::DevelopmentIndex(e) => e.localize(lang),
        AppError::Robustness(e) => e.localize(lang),
        AppError::Ladder(e) => e.localize(lang),
        AppError::NotText => lang.t("definitions.not_text"),
        AppError::LadderVersion { version, newest } => lang.t_with(
            "cultivation.ladder.stale_version",
            &[
                ("version", version.to_string()),
                ("newest", newest.to_string()),
            ],
        ),
    }
}

fn store_message(e: &StoreError, lang: Lang) -> String {
    match e {
        StoreError::NotFound { entity, key } => lang.t_with(
            "error.not_found_entity",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        StoreError::Duplicate { entity, key } => lang.t_with(
            "error.duplicate",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        StoreError::Unavailable(_)
        | StoreError::Migration(_)
        | StoreError::Backend(_)
        | StoreError::Corrupt(_) => lang.t("error.unavailable"),
        StoreError::Conflict { .. } => lang.t("error.conflict"),
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound,
            StoreError::Duplicate { .. } | StoreError::Conflict { .. } => {
                WebError::Conflict(Problem::App(Arc::new(AppError::Store(e))))
            }
            other => {
                tracing::error!(error = %other, "store failure");
                WebError::Unavailable(other.to_string())
            }
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Forbidden => WebError::Forbidden,
            AppError::NotFound { .. } => WebError::NotFound,
            AppError::Import(issues) => WebError::Import(Arc::new(issues)),
            AppError::Intake { issues, form } => WebError::Intake(Arc::new(issues), form),
            AppError::Store(s) => WebError::from(s),
            AppError::Hashing => WebError::Internal("password hashing".into()),
            // The filing or the ladder is not in the state the request was made against
            // (someone approved it, closed the period, installed a newer version first).
            e @ (AppError::LadderVersion { .. }
            | AppError::Lifecycle(
                LifecycleError::Locked
                | LifecycleError::PeriodClosed
                | LifecycleError::NotAllowed { .. }
                | LifecycleError::NotLocked,
            )) => WebError::Conflict(Problem::App(Arc::new(e))),
            AppError::Read(e) if e.is_over_limit() => {
                WebError::TooLarge(Problem::App(Arc::new(AppError::Read(e))))
            }
            AppError::Busy { retry_after } => WebError::Busy { retry_after },
            other => WebError::BadRequest(Problem::App(Arc::new(other))),
        }
    }
}

impl WebError {
    /// A body longer than the server's upload limit of `limit` bytes.
    pub fn too_large(limit: u64) -> WebError {
        WebError::TooLarge(Problem::Key(
            "error.too_large",
            vec![("limit", innozone_exchange::megabytes(limit))],
        ))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::BadRequest(_) | WebError::Import(_) | WebError::Intake(..) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            WebError::Login(e) => match e.as_ref() {
                LoginError::BadCredentials => StatusCode::UNAUTHORIZED,
                LoginError::Throttled { .. } | LoginError::Busy { .. } => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                LoginError::Hashing => StatusCode::INTERNAL_SERVER_ERROR,
                LoginError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            },
            WebError::MustChangePassword => StatusCode::FORBIDDEN,
            WebError::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::NotFound => "not_found",
            WebError::BadRequest(_) => "bad_request",
            WebError::Conflict(_) => "conflict",
            WebError::TooLarge(_) => "too_large",
            WebError::Import(_) | WebError::Intake(..) => "invalid_input",
            WebError::Login(e) => match e.as_ref() {
                LoginError::BadCredentials => "bad_credentials",
                LoginError::Throttled { .. } => "throttled",
                LoginError::Busy { .. } => "busy",
                LoginError::Hashing => "internal",
                LoginError::Store(_) => "unavailable",
            },
            WebError::MustChangePassword => "must_change_password",
            WebError::Busy { .. } => "busy",
            WebError::Unavailable(_) => "unavailable",
            WebError::Internal(_) => "internal",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            WebError::Unauthenticated => lang.t("error.unauthenticated"),
            WebError::Forbidden => lang.t("error.forbidden"),
            WebError::Csrf => lang.t("error.csrf"),
            WebError::NotFound => lang.t("error.not_found"),
            WebError::BadRequest(p) | WebError::Conflict(p) | WebError::TooLarge(p) => {
                p.localize(lang)
            }
            WebError::Import(issues) => {
                issue_count(lang, "error.import", issues.len(), issues.total())
            }
            WebError::Intake(issues, _) => {
                issue_count(lang, "error.import", issues.len(), issues.total())
            }
            WebError::Login(e) => login_message(e, lang),
            WebError::MustChangePassword => lang.t("account.must_change"),
            WebError::Busy { retry_after } => busy_message(*retry_after, lang),
            WebError::Unavailable(_) => lang.t("error.unavailable"),
            WebError::Internal(_) => lang.t("error.internal"),
        }
    }

    /// How many seconds a refused client should wait before trying again, sent as
    /// `Retry-After` with every 429.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            WebError::Busy { retry_after } => Some(*retry_after),
            WebError::Login(e) => match e.as_ref() {
                LoginError::Throttled { retry_after } | LoginError::Busy { retry_after } => {
                    Some(*retry_after)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Adds `Retry-After` to a response refusing for a while.
    pub fn add_retry_after(&self, response: &mut Response) {
        if let Some(seconds) = self.retry_after()
            && let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
}

/// The message of a refused log-in. A wrong password, an unknown name, a locked and a
/// disabled account all read the same (see [`LoginError::BadCredentials`]).
pub fn login_message(e: &LoginError, lang: Lang) -> String {
    match e {
        LoginError::BadCredentials => lang.t_with(
            "login.bad_credentials",
            &[
                ("max", MAX_FAILED_LOGINS.to_string()),
                ("minutes", (LOCK_SECONDS / 60).to_string()),
            ],
        ),
        LoginError::Throttled { retry_after } => lang.t_with(
            "login.throttled",
            &[("seconds", (*retry_after).max(1).to_string())],
        ),
        LoginError::Busy { retry_after } => busy_message(*retry_after, lang),
        LoginError::Hashing => lang.t("error.internal"),
        LoginError::Store(_) => lang.t("error.unavailable"),
    }
}

fn busy_message(retry_after: i64, lang: Lang) -> String {
    lang.t_with("error.busy", &[("seconds", retry_after.max(1).to_string())])
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Where one problem of an import or a form is, and what it is.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IssueJson {
    pub sheet: Option<String>,
    pub row: usize,
    pub column: Option<String>,
    pub field: Option<String>,
    pub location: String,
    pub message: String,
}

pub fn issues_json(issues: &[ImportIssue], lang: Lang) -> Vec<IssueJson> {
    issues
        .iter()
        .map(|i| IssueJson {
            sheet: i.position.sheet.clone(),
            row: i.position.row,
            column: i.position.column.map(innozone_domain::table::column_letter),
            field: i.field.map(str::to_string),
            location: issue_location(i, lang),
            message: i.problem.localize(lang),
        })
        .collect()
}

pub fn intake_json(issues: &[IntakeIssue], form: Option<&Form>, lang: Lang) -> Vec<IssueJson> {
    issues
        .iter()
        .map(|i| {
            let message = intake_message(i, form, lang);
            let problem = i.problem.localize(lang);
            IssueJson {
                sheet: i.position.sheet.clone(),
                row: i.position.row,
                column: i.position.column.map(innozone_domain::table::column_letter),
                field: i.field.clone(),
                location: message
                    .strip_suffix(&problem)
                    .unwrap_or("")
                    .trim_end_matches(['：', ':', ' '])
                    .to_string(),
                message: problem,
            }
        })
        .collect()
}

fn error_issues(error: &WebError, lang: Lang) -> Vec<IssueJson> {
    match error {
        WebError::Import(issues) => issues_json(issues, lang),
        WebError::Intake(issues, form) => intake_json(issues, form.as_deref(), lang),
        _ => Vec::new(),
    }
}

/// How many problems there are in all, when only the first of them are listed.
fn issues_total(error: &WebError) -> Option<usize> {
    match error {
        WebError::Import(issues) => Some(issues.total()),
        WebError::Intake(issues, _) => Some(issues.total()),
        _ => None,
    }
}

// `pub` with its schema so that the OpenAPI document describes exactly what
// `render_errors` sends.
/// The body of every error of the JSON API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorJson {
    /// A stable code: unauthenticated, forbidden, must_change_password (the account's
    /// password must be changed first: `PUT /api/v1/me/password`), csrf, not_found,
    /// bad_request, conflict, too_large, invalid_input, bad_credentials, throttled and busy
    /// (429, with `Retry-After`), unavailable, internal.
    error: &'static str,
    /// The message in the request's language.
    message: String,
    /// The problems found, in the file's order: the first 1,000 of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    issues: Vec<IssueJson>,
    /// How many problems were found in all, when there are any (more than `issues` lists
    /// when there are over 1,000).
    #[serde(skip_serializing_if = "Option::is_none")]
    issues_total: Option<usize>,
}

/// Renders an error left by a handler in the request's language.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let lang = language_of(&parts);
    let is_api = parts.uri.path().starts_with("/api/");
    let is_htmx = parts.headers.contains_key("hx-request");
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let Some(error) = response.extensions_mut().remove::<WebError>() else {
        return response;
    };
    let status = error.status();
    if is_api {
        let issues = error_issues(&error, lang);
        let mut r = (
            status,
            Json(ErrorJson {
                error: error.code(),
                message: error.message(lang),
                issues,
                issues_total: issues_total(&error),
            }),
        )
            .into_response();
        error.add_retry_after(&mut r);
        return r;
    }
    if matches!(error, WebError::MustChangePassword) {
        return redirect(ACCOUNT_PAGE, is_htmx);
    }
    if matches!(error, WebError::Unauthenticated) {
        let target = format!("/login?next={}", urlencode(&path_and_query));
        return redirect(&target, is_htmx);
    }
    let message = error.message(lang);
    let issues = error_issues(&error, lang);
    let body = if is_htmx {
        crate::views::error_fragment(lang, &message, &issues)
    } else {
        crate::views::error_page(lang, status, &message, &issues)
    };
    let mut r = (status, Html(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    error.add_retry_after(&mut r);
    r
}

/// Where an account that must change its password is sent.
pub const ACCOUNT_PAGE: &str = "/account";

/// Sends the browser to `target`: htmx by its header, a page by a redirect.
fn redirect(target: &str, is_htmx: bool) -> Response {
    if is_htmx {
        let mut r = StatusCode::NO_CONTENT.into_response();
        r.headers_mut().insert(
            "HX-Redirect",
            HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/login")),
        );
        return r;
    }
    Redirect::to(target).into_response()
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
