//! Imports and exports of the registry: templates, uploads checked first (dry run) or
//! committed all or nothing, and downloads as xlsx or CSV.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use innozone_app::clock::today;
use innozone_app::registry::{
    ImportReport, enterprise_template, enterprises_sheet, import_enterprises, import_units,
    sheet_bytes, unit_template, units_sheet,
};
use innozone_exchange::FileFormat;
use innozone_i18n::Lang;

use super::enterprises::{ListQuery, enterprise_query};
use crate::auth::CurrentUser;
use crate::error::{IssueJson, WebError, issues_json};
use crate::files::{Audience, attachment, read_multipart};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ImportResult {
    chrome: Chrome,
    file: String,
    report: Option<ImportReport>,
    message: Option<String>,
    issues: Vec<IssueJson>,
}

pub async fn page(Language(lang): Language, user: CurrentUser) -> Result<Response, WebError> {
    if !user.principal.may_import() {
        return Err(WebError::Forbidden);
    }
    Ok(render(&TransferPage {
        chrome: Chrome::new(lang, Some(&user), "transfer"),
    })?
    .into_response())
}

pub async fn import(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(what): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let mut upload = read_multipart(&state, multipart, Audience::Page).await?;
    let table = upload.table(&state).await?;
    let result = match what.as_str() {
        "units" => {
            import_units(
                state.store(),
                &user.principal,
                &table,
                upload.dry_run,
                today(),
            )
            .await
        }
        "enterprises" => {
            import_enterprises(
                state.store(),
                &user.principal,
                &table,
                upload.dry_run,
                today(),
            )
            .await
        }
        _ => return Err(WebError::NotFound),
    };
    let chrome = Chrome::new(lang, Some(&user), "transfer");
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

fn split_file(file: &str) -> Result<(&str, FileFormat), WebError> {
    let format = FileFormat::from_file_name(file).ok_or(WebError::NotFound)?;
    let stem = file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file);
    Ok((stem, format))
}

fn export_name(lang: Lang, what: &str, format: FileFormat) -> String {
    let ext = match format {
        FileFormat::Xlsx => "xlsx",
        FileFormat::Csv => "csv",
    };
    format!(
        "{}-{}.{ext}",
        lang.t(&format!("transfer.file.{what}")),
        today()
    )
}

pub async fn export(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(file): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let (what, format) = split_file(&file)?;
    let hierarchy = state.hierarchy().await?;
    let sheet = match what {
        "units" => units_sheet(&user.principal, &hierarchy, today()),
        "enterprises" => {
            let (query, unit) = enterprise_query(&q, &hierarchy)?;
            enterprises_sheet(
                state.store(),
                &user.principal,
                &hierarchy,
                query,
                unit,
                today(),
            )
            .await?
        }
        _ => return Err(WebError::NotFound),
    };
    let bytes = sheet_bytes(&sheet, format)?;
    Ok(attachment(bytes, &export_name(lang, what, format), format))
}

pub async fn template(
    Language(lang): Language,
    _user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let (what, format) = split_file(&file)?;
    if format != FileFormat::Xlsx {
        return Err(WebError::NotFound);
    }
    let bytes = match what {
        "units" => unit_template()?,
        "enterprises" => enterprise_template()?,
        _ => return Err(WebError::NotFound),
    };
    let name = format!("{}.xlsx", lang.t(&format!("transfer.template.{what}")));
    Ok(attachment(bytes, &name, format))
}
