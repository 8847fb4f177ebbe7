//! Recognitions (认定) under /cultivation: the import page (template, upload checked first
//! or committed all or nothing), one recognition entered on the enterprise page, the
//! enterprise's ladder as a fragment, and the certificates that expire soon, as a page and
//! an xlsx.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use innozone_app::clock::today;
use innozone_app::cultivation::recognitions::{
    Expiring, Ladder, add_months, enter_recognition, expiring, expiring_sheet, import_recognitions,
    ladder, recognition_template,
};
use innozone_app::registry::{ImportReport, sheet_bytes};
use innozone_domain::Date;
use innozone_domain::registry::import::parse_date;
use innozone_domain::registry::{EnterpriseId, Tier};
use innozone_exchange::FileFormat;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{IssueJson, WebError, issues_json};
use crate::files::{Audience, attachment, read_multipart};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, form_problems, redirect_htmx, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/recognitions", get(import_page))
        .route("/cultivation/recognitions/import", post(import))
        .route("/cultivation/recognitions/template.xlsx", get(template))
        .route("/cultivation/expiring", get(expiring_page))
        .route("/cultivation/expiring.xlsx", get(expiring_xlsx))
        .route("/cultivation/enterprises/{id}/ladder", get(ladder_fragment))
        .route("/cultivation/enterprises/{id}/recognitions", post(enter))
}

#[derive(Template)]
#[template(path = "cultivation_recognitions.html")]
struct ImportPage {
    chrome: Chrome,
}

/// The answer to an upload, in the registry imports' layout.
#[derive(Template)]
#[template(path = "import_result.html")]
struct ImportResult {
    chrome: Chrome,
    file: String,
    report: Option<ImportReport>,
    message: Option<String>,
    issues: Vec<IssueJson>,
}

async fn import_page(Language(lang): Language, user: CurrentUser) -> Result<Response, WebError> {
    if !user.principal.may_import() {
        return Err(WebError::Forbidden);
    }
    Ok(render(&ImportPage {
        chrome: Chrome::new(lang, Some(&user), "cultivation"),
    })?
    .into_response())
}

async fn import(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    if !user.principal.may_import() {
        return Err(WebError::Forbidden);
    }
    let mut upload = read_multipart(&state, multipart, Audience::Page).await?;
    let table = upload.table(&state).await?;
    let result = import_recognitions(
        state.store(),
        &user.principal,
        &table,
        upload.dry_run,
        today(),
    )
    .await;
    let chrome = Chrome::new(lang, Some(&user), "cultivation");
    let (status, page) = match result {
        Ok(report) => (
            StatusCode::OK,
            ImportResult {
                chrome,
                file: upload.file_name,
                report: Some(report),
                message: None,
                issues: vec![],
            },
        ),
        Err(innozone_app::AppError::Import(issues)) => {
            let message =
                innozone_i18n::issue_count(lang, "transfer.problems", issues.len(), issues.total());
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ImportResult {
                    chrome,
                    file: upload.file_name,
                    report: None,
                    message: Some(message),
                    issues: issues_json(&issues, lang),
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    Ok((status, render(&page)?).into_response())
}

async fn template(Language(lang): Language, user: CurrentUser) -> Result<Response, WebError> {
    if !user.principal.may_import() {
        return Err(WebError::Forbidden);
    }
    let name = format!("{}.xlsx", lang.t("cultivation.template_file"));
    Ok(attachment(recognition_template()?, &name, FileFormat::Xlsx))
}

#[derive(Deserialize, Default)]
struct ExpiringQuery {
    months: Option<u32>,
    /// The list's first day (today when left out).
    from: Option<String>,
}

impl ExpiringQuery {
    fn window(&self) -> (Date, u32) {
        let from = self
            .from
            .as_deref()
            .and_then(parse_date)
            .unwrap_or_else(today);
        (from, self.months.unwrap_or(6).min(120))
    }
}

#[derive(Template)]
#[template(path = "cultivation_expiring.html")]
struct ExpiringPage {
    chrome: Chrome,
    from: Date,
    to: Date,
    months: u32,
    items: Vec<Expiring>,
}

async fn expiring_page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<ExpiringQuery>,
) -> Result<Response, WebError> {
    let (from, months) = q.window();
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
    Ok(render(&ExpiringPage {
        chrome: Chrome::new(lang, Some(&user), "cultivation"),
        from,
        to: add_months(from, months),
        months,
        items,
    })?
    .into_response())
}

async fn expiring_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<ExpiringQuery>,
) -> Result<Response, WebError> {
    let (from, months) = q.window();
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
    let bytes = sheet_bytes(&expiring_sheet(&items), FileFormat::Xlsx)?;
    let name = format!("{}-{from}.xlsx", lang.t("cultivation.expiring_file"));
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}

/// The ladder section of the enterprise page, on its own.
#[derive(Template)]
#[template(path = "recognition_ladder.html")]
struct LadderFragment {
    chrome: Chrome,
    ladder: Ladder,
    tiers: Vec<Tier>,
}

async fn ladder_fragment(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let ladder = ladder(
        state.store(),
        &user.principal,
        &hierarchy,
        EnterpriseId(id),
        today(),
    )
    .await?;
    Ok(render(&LadderFragment {
        chrome: Chrome::new(lang, Some(&user), "enterprises"),
        ladder,
        tiers: Tier::ALL.to_vec(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct RecognitionForm {
    tier: String,
    certificate_no: String,
    issued_on: String,
    expires_on: Option<String>,
    authority: Option<String>,
}

/// Enters one recognition through the import's checks; reloads the enterprise page when
/// it is recorded.
async fn enter(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RecognitionForm>,
) -> Result<Response, WebError> {
    // Decide on scope first, so that a stranger learns nothing of the enterprise.
    let tree = state.hierarchy().await?.as_of(today());
    let stored = innozone_app::registry::readable_enterprise(
        state.store(),
        &user.principal,
        &tree,
        EnterpriseId(id),
    )
    .await?;
    let fields = [
        ("tier", f.tier),
        ("certificate_no", f.certificate_no),
        ("issued_on", f.issued_on),
        ("expires_on", f.expires_on.unwrap_or_default()),
        ("authority", f.authority.unwrap_or_default()),
    ];
    match enter_recognition(state.store(), &user.principal, stored.id, &fields, today()).await {
        Ok(_) => redirect_htmx(&format!("/enterprises/{id}")),
        Err(innozone_app::AppError::Import(issues)) => form_problems(lang, &user, &issues),
        Err(e) => Err(e.into()),
    }
}
