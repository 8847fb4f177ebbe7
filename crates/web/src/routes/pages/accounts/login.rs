use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use innozone_app::accounts::{LoginError, log_in};
use innozone_app::clock::now_unix;
use innozone_i18n::Lang;
use serde::Deserialize;

use crate::auth::{ClientAddress, MaybeUser, SignedIn, same_origin, session_cookie, start_session};
use crate::error::{ACCOUNT_PAGE, WebError, login_message};
use crate::language::{LANG_COOKIE, Language};
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    message: Option<String>,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The page to go to after logging in or switching the language: `next` if it is a path
/// on this site, else the start page. The log-in page must never send anyone elsewhere.
fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_target)
        .filter(|t| t != "/login" && !t.starts_with("/login?") && !t.starts_with("/login/"))
        .unwrap_or_else(|| "/".to_string())
}

/// `target` as a same-origin path (with its query and fragment), or `None` when a browser
/// could read it as another site or it is not a plain path.
///
/// Browsers take `//host`, `/\host` and `\\host` for another host, drop tabs and line
/// breaks before reading (`/\t/host` is `//host`), and a path may come percent-encoded
/// once more through a `next` parameter. So the target must start with exactly one `/`
/// followed by neither `/` nor `\`, and hold no backslash and no control character,
/// neither as it is nor once percent-decoded; it has no scheme since it starts with `/`.
/// What passes is then parsed as a URL against a placeholder origin and must stay on it;
/// the parsed form, percent-encoded where needed, is what goes into `Location`.
fn local_target(target: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
    for form in [target, decoded.as_ref()] {
        let path_only = !form.starts_with('/') || form.starts_with("//") || form.starts_with("/\\");
        if path_only
            || form.contains('\\')
            || form.chars().any(char::is_control)
            || form
                .split(['?', '#'])
                .next()
                .is_some_and(|p| p.contains("//"))
        {
            return None;
        }
    }
    let origin = url::Url::parse("http://innozone.invalid/").expect("a valid origin");
    let joined = origin.join(target).ok()?;
    if joined.origin() != origin.origin() {
        return None;
    }
    Some(joined[url::Position::BeforePath..].to_string())
}

pub async fn form(
    Language(lang): Language,
    MaybeUser(user): MaybeUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    if user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let page = LoginPage {
        chrome: Chrome::new(lang, None, ""),
        message: None,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    Language(lang): Language,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    if !same_origin(&headers) {
        return Err(WebError::Csrf);
    }
    let next = safe_next(f.next.as_deref());
    let outcome = log_in(
        state.store(),
        &state.login,
        client,
        &f.username,
        &f.password,
        now_unix(),
    )
    .await;
    match outcome {
        Ok(user) => {
            let (token, _) = start_session(&state, user.id).await?;
            let target = if user.must_change_password {
                ACCOUNT_PAGE.to_string()
            } else {
                next
            };
            let mut response = Redirect::to(&target).into_response();
            let cookie = session_cookie(&state, &token, crate::auth::SESSION_SECONDS);
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?,
            );
            Ok(response)
        }
        Err(LoginError::Store(e)) => Err(WebError::from(e)),
        Err(e) => {
            let message = login_message(&e, lang);
            let error = WebError::Login(std::sync::Arc::new(e));
            let page = LoginPage {
                chrome: Chrome::new(lang, None, ""),
                message: Some(message),
                next,
                username: f.username,
            };
            let mut response = (error.status(), render(&page)?).into_response();
            error.add_retry_after(&mut response);
            Ok(response)
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Response, WebError> {
    innozone_app::accounts::sign_out(state.store(), &user.token_hash).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert("HX-Redirect", HeaderValue::from_static("/login"));
    let cookie = session_cookie(&state, "", 0);
    h.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(response)
}

/// Sets the language cookie and goes back where the user was.
pub async fn switch_language(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    // The page the switch was clicked on: the path of the Referer, checked like `next`.
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| u[url::Position::BeforePath..].to_string());
    let mut response = Redirect::to(&safe_next(back.as_deref())).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_followed() {
        for (next, to) in [
            ("/units/1?x=1", "/units/1?x=1"),
            ("/enterprises?q=%E5%BC%A0", "/enterprises?q=%E5%BC%A0"),
            ("/reports#top", "/reports#top"),
            ("/enterprises?q=张", "/enterprises?q=%E5%BC%A0"),
        ] {
            assert_eq!(safe_next(Some(next)), to, "{next}");
        }
        for evil in [
            "/\\evil.example/",
            "/%5Cevil.example/",
            "/%5cevil.example/",
            "/%09/evil.example/",
            "/\t/evil",
            "/%0A/evil",
            "//evil.example",
            "/%2Fevil.example",
            "///evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/units//evil.example",
            "/login",
            "/login?next=/units",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
