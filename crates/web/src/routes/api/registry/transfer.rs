//! Files: imports of xlsx or CSV uploads, exports of what the caller may read, and the
//! empty templates.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::Response;
use innozone_app::clock::today;
use innozone_app::cultivation::recognitions::{import_recognitions, recognition_template};
use innozone_app::registry::{
    enterprise_template, enterprises_sheet, import_enterprises, import_units, sheet_bytes,
    unit_template, units_sheet,
};
use innozone_exchange::FileFormat;
use utoipa::ToSchema;

use super::enterprises::EnterpriseFilter;
use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::files::{Audience, Upload, attachment, read_multipart};
use crate::routes::api::{DryRun, ImportReportBody, Params};
use crate::state::AppState;

// Only the OpenAPI document uses this type (the handler reads the multipart stream
// itself), hence never constructed.
/// The form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file, `.xlsx` or `.csv` (UTF-8 or GB18030), with the template's header row.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

// For the OpenAPI document only, which would otherwise show `Vec<u8>` as an array of
// numbers; never constructed.
/// The bytes of a file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// The `file` field of a multipart upload; a missing or empty file is refused.
pub(in crate::routes::api) async fn read_upload_field(
    request: Request,
    state: &AppState,
) -> Result<Upload, WebError> {
    let multipart = Multipart::from_request(request, state).await.map_err(|e| {
        WebError::BadRequest(Problem::Key(
            "api.bad_upload",
            vec![("reason", e.body_text())],
        ))
    })?;
    read_multipart(state, multipart, Audience::Api).await
}

/// Imports a file of units, enterprises or recognitions (认定: tier, certificate, dates,
/// authority by credit code), all or nothing, with the same checks as the JSON imports
/// and the pages. Issues are located in the file: sheet (null for CSV), row and column as
/// the user sees them, and the column's key as `field`.
#[utoipa::path(
    post,
    path = "/api/v1/imports/{what}",
    operation_id = "import_file",
    tag = "files",
    params(("what" = String, Path, description = "units, enterprises or recognitions"), DryRun),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Imported, or checked when dry_run", body = ImportReportBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not import (or `csrf`)", body = ErrorJson),
        (status = 404, description = "Not units, enterprises or recognitions", body = ErrorJson),
        (status = 413, description = "`too_large`: the body is over the upload limit, or the file unpacks to or holds more than is read at once (the limit is in the message)", body = ErrorJson),
        (status = 422, description = "`invalid_input` with the issues located (the first 1,000, and `issues_total`); or the file cannot be read", body = ErrorJson),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(what): Path<String>,
    Params(q): Params<DryRun>,
    request: Request,
) -> Result<Json<ImportReportBody>, WebError> {
    if !["units", "enterprises", "recognitions"].contains(&what.as_str()) {
        return Err(WebError::NotFound);
    }
    let mut upload = read_upload_field(request, &state).await?;
    let table = upload.table(&state).await?;
    let (store, principal) = (state.store(), &user.principal);
    let report = match what.as_str() {
        "units" => import_units(store, principal, &table, q.dry_run, today()).await?,
        "enterprises" => import_enterprises(store, principal, &table, q.dry_run, today()).await?,
        _ => import_recognitions(store, principal, &table, q.dry_run, today()).await?,
    };
    Ok(Json(report.into()))
}

/// `units.xlsx` → ("units", xlsx); anything else names no file.
fn split_file(file: &str) -> Result<(&str, FileFormat), WebError> {
    let (stem, _) = file.rsplit_once('.').ok_or(WebError::NotFound)?;
    let format = FileFormat::from_file_name(file).ok_or(WebError::NotFound)?;
    match stem {
        "units" | "enterprises" => Ok((stem, format)),
        _ => Err(WebError::NotFound),
    }
}

/// The units or enterprises the caller may read, in the import's columns, so that an
/// edited export imports back. Enterprises take the list's filters.
#[utoipa::path(
    get,
    path = "/api/v1/exports/{file}",
    operation_id = "export_file",
    tag = "files",
    params(("file" = String, Path, description = "units.xlsx, units.csv, enterprises.xlsx or enterprises.csv"), EnterpriseFilter),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller sees no enterprise data, or the unit filter is outside the scope", body = ErrorJson),
        (status = 404, description = "No such file", body = ErrorJson),
        (status = 422, description = "A filter does not parse, or the search text `q` is longer than 200 characters", body = ErrorJson),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
    Params(filter): Params<EnterpriseFilter>,
) -> Result<Response, WebError> {
    let (what, format) = split_file(&file)?;
    let hierarchy = state.hierarchy().await?;
    let today = today();
    let sheet = if what == "units" {
        units_sheet(&user.principal, &hierarchy, today)
    } else {
        let (query, unit) = filter.query(&hierarchy)?;
        enterprises_sheet(
            state.store(),
            &user.principal,
            &hierarchy,
            query,
            unit,
            today,
        )
        .await?
    };
    let bytes = sheet_bytes(&sheet, format)?;
    Ok(attachment(
        bytes,
        &format!("{what}-{today}.{}", extension(format)),
        format,
    ))
}

fn extension(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Xlsx => "xlsx",
        FileFormat::Csv => "csv",
    }
}

/// The empty import template with its instructions sheet.
#[utoipa::path(
    get,
    path = "/api/v1/templates/{file}",
    operation_id = "download_template",
    tag = "files",
    params(("file" = String, Path, description = "units.xlsx, enterprises.xlsx or recognitions.xlsx")),
    responses(
        (status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = FileBytes),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 404, description = "No such template", body = ErrorJson),
    )
)]
pub async fn template(_user: CurrentUser, Path(file): Path<String>) -> Result<Response, WebError> {
    // Recognitions have a template and an import but no export: they are read per
    // enterprise and in the expiring list.
    let (what, bytes) = match file.as_str() {
        "units.xlsx" => ("units", unit_template()?),
        "enterprises.xlsx" => ("enterprises", enterprise_template()?),
        "recognitions.xlsx" => ("recognitions", recognition_template()?),
        _ => return Err(WebError::NotFound),
    };
    Ok(attachment(
        bytes,
        &format!("{what}-template.xlsx"),
        FileFormat::Xlsx,
    ))
}
