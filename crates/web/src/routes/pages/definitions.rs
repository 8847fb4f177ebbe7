//! The pages' one path for versioned definition files (`innozone_app::definitions`): a
//! new version typed in or uploaded is checked (what it holds, or its problem with the
//! place marked, 422) or installed (the page reloads with it in force); every version is
//! listed with who and when and downloads as it was written. Each kind says only how its
//! check reads in words and where its page is ([`DefinitionPage`]); its own page shows
//! what the file defines.

use askama::Template;
use axum::Form as PostedForm;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::definitions::{
    Definition, DefinitionVersion, Place, problem_place, source_text, version,
};
use innozone_domain::accounts::Principal;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_i18n::Lang;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{WebError, app_message, urlencode};
use crate::files::{Audience, read_multipart};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

/// What a kind of definition adds for its pages.
pub trait DefinitionPage: Definition {
    /// The menu entry its pages belong to.
    const ACTIVE: &'static str;

    /// What a checked file holds, in a sentence.
    fn summary(checked: &Self::Checked, lang: Lang) -> String;

    /// The page to show once `version` is installed.
    fn installed_page(version: &DefinitionVersion) -> String;
}

/// One installed version as a row of a page's version list.
pub struct VersionRow {
    /// What its download is named by (`{number}.toml`).
    pub number: i64,
    pub saved_at: String,
    pub saved_by: String,
    /// The newest, the one in force.
    pub current: bool,
    /// Where it downloads.
    pub href: String,
}

/// The versions as rows, newest first as the use case gives them; each downloads under
/// `{base}/versions/{number}.toml`.
pub fn version_rows(versions: &[DefinitionVersion], base: &str) -> Vec<VersionRow> {
    versions
        .iter()
        .map(|v| VersionRow {
            number: v.number,
            href: format!("{base}/versions/{}.toml", v.number),
            saved_at: innozone_app::clock::format_unix(v.saved_at),
            saved_by: v.saved_by.clone(),
            current: v.current,
        })
        .collect()
}

/// A definition file as the file it was written as.
pub fn toml_download(source: &str, file_name: &str) -> Response {
    let mut r = source.to_string().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/toml; charset=utf-8"),
    );
    let ascii = file_name.replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-' && c != '_',
        "_",
    );
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencode(file_name)
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

/// The place of a problem: the line (when the file says where) with the characters an
/// error points at marked.
#[derive(Debug, PartialEq, Eq)]
pub struct Marked {
    pub line: Option<usize>,
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
        line: None,
        before: text[..start].to_string(),
        at: if at.is_empty() { " ".into() } else { at.into() },
        after: text[end..].to_string(),
    }
}

/// The `line`th line of `source` (from 1) with its `column`th character (from 1) marked;
/// a column past the end marks a blank after the text, so that the place still shows.
pub fn mark_line(source: &str, line: usize, column: usize) -> Option<Marked> {
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let before: String = chars[..at].iter().collect();
    let (marked, after) = match chars.get(at) {
        Some(c) => (c.to_string(), chars[at + 1..].iter().collect()),
        None => (" ".to_string(), String::new()),
    };
    Some(Marked {
        line: Some(line),
        before,
        at: marked,
        after,
    })
}

/// Where `place` is in `source`, marked.
pub fn marked(source: &str, place: &Place) -> Option<Marked> {
    match place {
        Place::Line { line, column } => mark_line(source, *line, *column),
        Place::Formula {
            formula,
            start,
            end,
        } => Some(mark(formula, *start, *end)),
    }
}

#[derive(Template)]
#[template(path = "definition_check.html")]
struct CheckResult {
    chrome: Chrome,
    file: Option<String>,
    ok: Option<String>,
    message: Option<String>,
    place: Option<Marked>,
}

/// The answer to checking or installing: what the file holds, or its problem with its
/// place (422). Other errors (not allowed, nothing to check against) go the usual way.
pub fn check_answer(
    lang: Lang,
    user: &CurrentUser,
    active: &'static str,
    file: Option<String>,
    source: &str,
    result: Result<String, AppError>,
) -> Result<Response, WebError> {
    let chrome = Chrome::new(lang, Some(user), active);
    let (status, page) = match result {
        Ok(text) => (
            StatusCode::OK,
            CheckResult {
                chrome,
                file,
                ok: Some(text),
                message: None,
                place: None,
            },
        ),
        Err(e) => {
            let Some(place) = problem_place(&e) else {
                return Err(e.into());
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                CheckResult {
                    chrome,
                    file,
                    ok: None,
                    message: Some(app_message(&e, lang)),
                    place: place.and_then(|p| marked(source, &p)),
                },
            )
        }
    };
    Ok((status, render(&page)?).into_response())
}

fn may_define(principal: &Principal) -> Result<(), WebError> {
    if may_define_forms(principal) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Checks a file typed into the page against what it depends on; nothing is saved.
pub async fn check<D: DefinitionPage>(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    PostedForm(f): PostedForm<SourceForm>,
) -> Result<Response, WebError> {
    may_define(&user.principal)?;
    let result = D::check(state.store(), &f.source)
        .await
        .map(|c| D::summary(&c, lang));
    check_answer(lang, &user, D::ACTIVE, None, &f.source, result)
}

/// Installs the file typed into the page as a new version; its page loads with it.
pub async fn install<D: DefinitionPage>(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    PostedForm(f): PostedForm<SourceForm>,
) -> Result<Response, WebError> {
    match D::install(state.store(), &user.principal, &f.source).await {
        Ok((_, version)) => redirect_htmx(&D::installed_page(&version)),
        Err(e) => check_answer(lang, &user, D::ACTIVE, None, &f.source, Err(e)),
    }
}

/// A file uploaded: checked only (`mode=check`) or installed.
pub async fn upload<D: DefinitionPage>(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    may_define(&user.principal)?;
    let upload = read_multipart(&state, multipart, Audience::Page).await?;
    let source = source_text(upload.bytes)?;
    let file = Some(upload.file_name);
    if upload.dry_run {
        let result = D::check(state.store(), &source)
            .await
            .map(|c| D::summary(&c, lang));
        return check_answer(lang, &user, D::ACTIVE, file, &source, result);
    }
    match D::install(state.store(), &user.principal, &source).await {
        Ok((_, version)) => redirect_htmx(&D::installed_page(&version)),
        Err(e) => check_answer(lang, &user, D::ACTIVE, file, &source, Err(e)),
    }
}

/// The number a version file's name carries: `12.toml`.
fn version_number(file: &str) -> Result<i64, WebError> {
    file.strip_suffix(".toml")
        .and_then(|n| n.parse().ok())
        .ok_or(WebError::NotFound)
}

/// One version of a kind with one file, as written: `…/versions/12.toml`.
pub async fn download<D: DefinitionPage>(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let v = version::<D>(state.store(), &user.principal, "", version_number(&file)?).await?;
    Ok(toml_download(&v.source, &v.file_name()))
}

/// One version of a kind with a file per code, as written: `…/{code}/versions/12.toml`.
pub async fn download_of<D: DefinitionPage>(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let v = version::<D>(
        state.store(),
        &user.principal,
        &code,
        version_number(&file)?,
    )
    .await?;
    Ok(toml_download(&v.source, &v.file_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_characters_an_error_points_at() {
        let m = mark("sum(revenu) / gdp", 4, 10);
        assert_eq!(
            (m.before.as_str(), m.at.as_str(), m.after.as_str()),
            ("sum(", "revenu", ") / gdp")
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
    fn a_line_is_marked_at_its_column() {
        let source = "code = \"x\"\nweight = -1\n";
        let m = mark_line(source, 2, 10).unwrap();
        assert_eq!(
            (m.line, m.before.as_str(), m.at.as_str(), m.after.as_str()),
            (Some(2), "weight = ", "-", "1")
        );
        // Chinese counts as one character a column.
        let m = mark_line("zh = \"科技\" x", 1, 11).unwrap();
        assert_eq!(m.at, "x");
        // Past the end: a blank after the text.
        let m = mark_line("ab", 1, 9).unwrap();
        assert_eq!((m.before.as_str(), m.at.as_str()), ("ab", " "));
        assert!(mark_line("ab", 3, 1).is_none());
    }

    #[test]
    fn version_files_are_named_by_number() {
        assert_eq!(version_number("12.toml").unwrap(), 12);
        assert!(version_number("12").is_err());
        assert!(version_number("x.toml").is_err());
    }
}
