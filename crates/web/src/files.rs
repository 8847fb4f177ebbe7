//! Files in and out of the web layer: the one reader of multipart uploads (pages and API)
//! and the one way a download is answered, so both read and answer files alike.
//!
//! An upload is bounded three times: its body by the server's upload limit (413 while it
//! streams in, before it is held), the file by the read limits while it is read into a
//! table, and the uploads received and checked at once by a permit each
//! (`AppState::uploads`).

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innozone_domain::table::Table;
use innozone_exchange::FileFormat;
use tokio::sync::OwnedSemaphorePermit;

use crate::error::{Problem, WebError, urlencode};
use crate::state::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What the user uploaded: the file's name and bytes, and whether only to check it (the
/// pages' `mode=check` field; the API says so in its query instead).
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub dry_run: bool,
    /// Held until the upload is answered.
    _permit: UploadPermit,
}

/// One of the few uploads read and checked at once; the others wait for theirs.
pub struct UploadPermit(#[allow(dead_code)] OwnedSemaphorePermit);

impl Upload {
    /// The file read into a table within the server's limits, on a thread of its own so
    /// that the server's workers go on answering meanwhile.
    pub async fn table(&mut self, state: &AppState) -> Result<Table, WebError> {
        let bytes = std::mem::take(&mut self.bytes);
        let name = self.file_name.clone();
        let limits = state.limits.read;
        let (table, bytes) = tokio::task::spawn_blocking(move || {
            let table = innozone_app::registry::read_upload(&name, &bytes, &limits);
            (table, bytes)
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
        self.bytes = bytes;
        Ok(table?)
    }
}

/// Who is told what went wrong: the pages speak to a person choosing a file, the API to a
/// program naming its field.
#[derive(Clone, Copy)]
pub enum Audience {
    Page,
    Api,
}

impl Audience {
    fn bad_upload(self, e: MultipartError, state: &AppState) -> WebError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return WebError::too_large(state.limits.upload_bytes);
        }
        let key = match self {
            Audience::Page => "transfer.bad_upload",
            Audience::Api => "api.bad_upload",
        };
        WebError::BadRequest(Problem::Key(key, vec![("reason", e.body_text())]))
    }

    fn no_file(self) -> WebError {
        let key = match self {
            Audience::Page => "transfer.no_file",
            Audience::Api => "api.no_file",
        };
        WebError::BadRequest(Problem::Key(key, vec![]))
    }
}

/// One field of a multipart form: its name, the name of the file it carries (none for a
/// plain field), and its content.
pub struct FormField {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

impl FormField {
    /// A plain field's text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Every field of a multipart form, in order: the one reader of multipart bodies, for
/// uploads of one file and forms of several. The body is read once a permit is free (its
/// sender has signed in: the handler's user is found first), and one over the server's
/// upload limit is refused as it streams in.
pub async fn read_fields(
    state: &AppState,
    mut multipart: Multipart,
    audience: Audience,
) -> Result<(Vec<FormField>, UploadPermit), WebError> {
    let permit = state
        .uploads
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let bad = |e| audience.bad_upload(e, state);
    let mut fields = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(bad)?.to_vec();
        fields.push(FormField {
            name,
            file_name,
            bytes,
        });
    }
    Ok((fields, UploadPermit(permit)))
}

/// The `file` field (and the `mode` field) of a multipart upload; a missing or empty file
/// is refused.
pub async fn read_multipart(
    state: &AppState,
    multipart: Multipart,
    audience: Audience,
) -> Result<Upload, WebError> {
    let (fields, permit) = read_fields(state, multipart, audience).await?;
    let mut upload = Upload {
        file_name: String::new(),
        bytes: Vec::new(),
        dry_run: false,
        _permit: permit,
    };
    for field in fields {
        match field.name.as_str() {
            "mode" => upload.dry_run = field.text() == "check",
            "file" => {
                upload.file_name = field.file_name.unwrap_or_else(|| "upload".to_string());
                upload.bytes = field.bytes;
            }
            _ => {}
        }
    }
    if upload.bytes.is_empty() {
        return Err(audience.no_file());
    }
    Ok(upload)
}

/// A download under a name that survives every browser (UTF-8 names per RFC 6266).
pub fn attachment(bytes: Vec<u8>, file_name: &str, format: FileFormat) -> Response {
    let mime = match format {
        FileFormat::Xlsx => XLSX,
        FileFormat::Csv => "text/csv; charset=utf-8",
    };
    download(bytes, file_name, mime)
}

/// A download of any media type (a composed report's .docx or .xlsx), named as
/// [`attachment`] names it.
pub fn download(bytes: Vec<u8>, file_name: &str, media_type: &'static str) -> Response {
    let ascii = file_name.replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
        "_",
    );
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencode(file_name)
    );
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A composed report (bulletin, evaluation report) as the file asked for.
pub fn report_file(
    report: &innozone_reports::Report,
    format: innozone_reports::Format,
) -> Result<Response, WebError> {
    let bytes = report
        .write(format)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(
        bytes,
        &report.file_name(format),
        format.media_type(),
    ))
}
