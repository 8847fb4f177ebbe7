//! What the catalogue and targets pages share: the versions saved with who and when,
//! each downloadable as it was written, and the answer to "check" or "install" of a new
//! version: either how much it holds, or its problem with the place, a formula's
//! offending characters marked.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_domain::monitoring::CatalogueError;
use innozone_i18n::{Lang, Localize};
use innozone_store::DocumentRecord;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::views::{Chrome, render};

/// One saved version of the catalogue or the targets.
pub struct VersionRow {
    pub id: i64,
    pub saved_at: String,
    pub saved_by: String,
    /// The newest, the one in force.
    pub current: bool,
}

/// The versions as the store lists them, newest first.
pub fn version_rows(records: &[DocumentRecord]) -> Vec<VersionRow> {
    let newest = records.iter().map(|r| r.id).max();
    let mut rows: Vec<VersionRow> = records
        .iter()
        .map(|r| VersionRow {
            id: r.id,
            saved_at: innozone_app::clock::format_unix(r.saved_at),
            saved_by: r.saved_by.clone(),
            current: Some(r.id) == newest,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.id));
    rows
}

/// The id of a version file's name, `12.toml`.
pub fn version_id(file: &str) -> Result<i64, WebError> {
    file.strip_suffix(".toml")
        .and_then(|id| id.parse().ok())
        .ok_or(WebError::NotFound)
}

/// A saved version as the file it was written as.
pub fn toml_download(source: &str, file_name: &str) -> Response {
    let mut r = source.to_string().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/toml; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        file_name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        crate::error::urlencode(file_name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// The text of a new version typed or pasted into the page.
#[derive(Deserialize)]
pub struct SourceForm {
    #[serde(default)]
    pub source: String,
}

/// An uploaded definition file as text.
pub fn upload_text(bytes: Vec<u8>) -> Result<String, WebError> {
    let text = String::from_utf8(bytes)
        .map_err(|_| WebError::BadRequest(Problem::Key("monitoring.edit.not_text", vec![])))?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

/// A formula split around the characters an error points at.
#[derive(Debug, PartialEq, Eq)]
pub struct Marked {
    pub before: String,
    pub at: String,
    pub after: String,
}

/// Splits `text` at the byte offsets `start..end`, moved back to character boundaries
/// and kept inside the text. An empty stretch (a formula that ends too early) marks a
/// blank so that the place still shows.
pub fn mark(text: &str, start: usize, end: usize) -> Marked {
    let boundary = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = boundary(start);
    let end = boundary(end.max(start));
    let at = &text[start..end];
    Marked {
        before: text[..start].to_string(),
        at: if at.is_empty() { " ".into() } else { at.into() },
        after: text[end..].to_string(),
    }
}

#[derive(Template)]
#[template(path = "monitoring_check_result.html")]
pub struct CheckResult {
    pub chrome: Chrome,
    pub file: Option<String>,
    pub ok: Option<String>,
    pub message: Option<String>,
    pub formula: Option<Marked>,
}

/// The answer to checking or installing a catalogue or targets: what it holds, or its
/// problem, located (422). Other errors (not allowed, no catalogue) go the usual way.
pub fn check_answer(
    lang: Lang,
    user: &CurrentUser,
    file: Option<String>,
    result: Result<String, AppError>,
) -> Result<Response, WebError> {
    let chrome = Chrome::new(lang, Some(user), "monitoring");
    let (status, page) = match result {
        Ok(text) => (
            StatusCode::OK,
            CheckResult {
                chrome,
                file,
                ok: Some(text),
                message: None,
                formula: None,
            },
        ),
        Err(AppError::Catalogue(e)) => {
            let formula = match e.as_ref() {
                CatalogueError::Formula { formula, error, .. } => {
                    Some(mark(formula, error.span.start, error.span.end))
                }
                _ => None,
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                CheckResult {
                    chrome,
                    file,
                    ok: None,
                    message: Some(e.localize(lang)),
                    formula,
                },
            )
        }
        Err(AppError::Targets(e)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            CheckResult {
                chrome,
                file,
                ok: None,
                message: Some(e.localize(lang)),
                formula: None,
            },
        ),
        Err(e) => return Err(e.into()),
    };
    Ok((status, render(&page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_characters_an_error_points_at() {
        assert_eq!(
            mark("sum(revenu) / gdp", 4, 10),
            Marked {
                before: "sum(".into(),
                at: "revenu".into(),
                after: ") / gdp".into(),
            }
        );
        // Chinese is three bytes a character: an offset inside one moves back.
        let m = mark("（a + b", 2, 4);
        assert_eq!((m.before.as_str(), m.at.as_str()), ("", "（a"));
        assert_eq!(m.after, " + b");
        // Past the end: a blank is marked at the end.
        let m = mark("a +", 3, 9);
        assert_eq!(
            (m.before.as_str(), m.at.as_str(), m.after.as_str()),
            ("a +", " ", "")
        );
    }

    #[test]
    fn version_files_are_named_by_id() {
        assert_eq!(version_id("12.toml").unwrap(), 12);
        assert!(version_id("12").is_err());
        assert!(version_id("x.toml").is_err());
    }
}
